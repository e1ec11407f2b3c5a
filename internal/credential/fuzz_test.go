package credential

import (
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzVerify checks that no stored-hash string makes Verify panic, and
// that anything it refuses to parse is reported as ErrMalformedHash.
func FuzzVerify(f *testing.F) {
	good, err := HashWith(cheap, "fuzz password")
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{
		good,
		"",
		"$argon2id$",
		"$argon2id$v=19$m=64,t=1,p=1$$",
		"$argon2id$v=19$m=64,t=1,p=0$c29tZXNhbHRzb21lc2FsdA$a2V5a2V5a2V5a2V5",
		"$argon2id$v=19$m=99999999999,t=1,p=1$c29tZXNhbHQ$a2V5",
		"$argon2i$v=19$m=65536,t=3,p=2$c29tZXNhbHQ$a2V5",
	} {
		f.Add(s, "fuzz password")
	}
	f.Fuzz(func(t *testing.T, encoded, password string) {
		p, _, _, err := decode(encoded)
		if err != nil {
			if !errors.Is(err, ErrMalformedHash) {
				t.Fatalf("decode error %v does not wrap ErrMalformedHash", err)
			}
		} else if uint64(p.Memory)*uint64(p.Iterations) > 64*1024 {
			// Valid but expensive parameters are allowed in storage;
			// skipping them keeps the fuzzer fast without hiding panics,
			// which come from parsing, not from argon2 itself.
			t.Skip()
		}
		ok, rehash, verr := Verify(encoded, password)
		if (err == nil) != (verr == nil) {
			t.Fatalf("decode err %v but Verify err %v", err, verr)
		}
		if verr != nil && (ok || rehash) {
			t.Fatalf("error %v with ok=%v rehash=%v", verr, ok, rehash)
		}
	})
}

// FuzzCheckPassword checks that any input gets either nil or a *RuleError
// with a message, and that accepted passwords are within the length limits.
func FuzzCheckPassword(f *testing.F) {
	for _, s := range [][2]string{
		{"correct horse battery staple", "jane@example.org"},
		{"Password123!", ""},
		{"日本語のパスワードですよ", "Jane Smith"},
		{"\xff\xfe invalid utf-8 bytes", "@"},
		{"jane.smith-rocks-2026", "jane.smith@example.org"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, password, personal string) {
		err := CheckPassword(password, personal)
		if err == nil {
			if n := utf8.RuneCountInString(password); n < MinPasswordLength || n > MaxPasswordLength {
				t.Fatalf("accepted %d characters", n)
			}
			return
		}
		var re *RuleError
		if !errors.As(err, &re) || re.Message == "" {
			t.Fatalf("error %v is not a *RuleError with a message", err)
		}
	})
}

// FuzzCheckTOTP checks the security-code form: anything but six digits
// (spaces aside) is a format error; a code is accepted only for a step
// within one of now and after the last one used, and never twice; the
// code an app shows now is accepted unless its step was already used.
func FuzzCheckTOTP(f *testing.F) {
	secret := DeterministicTOTPSecret("fuzz")
	now := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC).Unix()
	for _, s := range []string{"123456", "123 456", " 12 34 56 ", "12345", "1234567", "12345a", "１２３４５６", "٠١٢٣٤٥", "", "+12345", "-12345"} {
		f.Add(s, now, int64(0))
	}
	f.Add("", now, now/30)
	f.Add("", int64(-1), int64(1<<62))
	f.Fuzz(func(t *testing.T, code string, nowSec, lastStep int64) {
		at := time.Unix(nowSec%(1<<40), 0)
		current := at.Unix() / totpPeriod
		if code == "" {
			// Type the code the app shows now.
			var err error
			if code, err = TOTPCode(secret, at); err != nil {
				t.Fatal(err)
			}
		}
		step, err := CheckTOTP(secret, code, at, lastStep)
		typed := strings.Join(strings.Fields(code), "")
		sixDigits := len(typed) == 6 && strings.Trim(typed, "0123456789") == ""
		switch {
		case !sixDigits:
			if !errors.Is(err, ErrCodeFormat) {
				t.Fatalf("CheckTOTP(%q) = %d, %v; want a format error", code, step, err)
			}
			return
		case err != nil:
			if !errors.Is(err, ErrCodeWrong) && !errors.Is(err, ErrCodeReused) || step != 0 {
				t.Fatalf("CheckTOTP(%q) = %d, %v", code, step, err)
			}
			if want, _ := TOTPCode(secret, at); want == typed && lastStep < current {
				t.Fatalf("the current code %q was refused (last step %d, now %d): %v", typed, lastStep, current, err)
			}
			return
		}
		if step < current-totpSkew || step > current+totpSkew || step <= lastStep {
			t.Fatalf("accepted step %d at step %d after last step %d", step, current, lastStep)
		}
		if want, _ := TOTPCode(secret, time.Unix(step*totpPeriod, 0)); want != typed {
			t.Fatalf("accepted %q for step %d, whose code is %q", typed, step, want)
		}
		if again, err := CheckTOTP(secret, code, at, step); err == nil {
			t.Fatalf("%q accepted again at step %d", code, again)
		}
	})
}
