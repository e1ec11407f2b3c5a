package credential

import (
	"bytes"
	"errors"
	"image/png"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestTOTPCodeRFC6238 pins TOTPCode to the RFC 6238 appendix B SHA-1
// vectors (last six digits), so it is checked against something other
// than itself.
func TestTOTPCodeRFC6238(t *testing.T) {
	secret := b32.EncodeToString([]byte("12345678901234567890"))
	tests := []struct {
		unix int64
		want string
	}{
		{59, "287082"},
		{1111111109, "081804"},
		{1111111111, "050471"},
		{1234567890, "005924"},
		{2000000000, "279037"},
	}
	for _, tt := range tests {
		got, err := TOTPCode(secret, time.Unix(tt.unix, 0))
		if err != nil {
			t.Fatal(err)
		}
		if got != tt.want {
			t.Errorf("TOTPCode at %d = %s, want %s", tt.unix, got, tt.want)
		}
	}
}

func TestCheckTOTP(t *testing.T) {
	secret := DeterministicTOTPSecret("check-totp")
	now := time.Date(2026, 3, 2, 10, 15, 7, 0, time.UTC)
	step := now.Unix() / 30
	code := func(offset time.Duration) string {
		c, err := TOTPCode(secret, now.Add(offset))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	tests := []struct {
		name     string
		code     string
		lastStep int64
		wantStep int64
		wantErr  error
	}{
		{"current", code(0), 0, step, nil},
		{"previous step", code(-30 * time.Second), 0, step - 1, nil},
		{"next step", code(30 * time.Second), 0, step + 1, nil},
		{"two steps old", code(-60 * time.Second), 0, 0, ErrCodeWrong},
		{"two steps ahead", code(60 * time.Second), 0, 0, ErrCodeWrong},
		{"wrong", wrongCode(code(0), code(-30*time.Second), code(30*time.Second)), 0, 0, ErrCodeWrong},
		{"replay of current", code(0), step, 0, ErrCodeReused},
		{"older than last used", code(-30 * time.Second), step, 0, ErrCodeReused},
		{"after previous use", code(0), step - 1, step, nil},
		{"spaces", code(0)[:3] + " " + code(0)[3:], 0, step, nil},
		{"surrounding spaces", "  " + code(0) + "\t", 0, step, nil},
		{"five digits", "12345", 0, 0, ErrCodeFormat},
		{"seven digits", "1234567", 0, 0, ErrCodeFormat},
		{"letters", "12345a", 0, 0, ErrCodeFormat},
		{"empty", "", 0, 0, ErrCodeFormat},
		{"hyphen", "123-456", 0, 0, ErrCodeFormat},
		{"non-ASCII digits", "١٢٣٤٥٦", 0, 0, ErrCodeFormat},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := CheckTOTP(secret, tt.code, now, tt.lastStep)
			if !errors.Is(err, tt.wantErr) || (err == nil) != (tt.wantErr == nil) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if got != tt.wantStep {
				t.Errorf("step = %d, want %d", got, tt.wantStep)
			}
		})
	}
}

// wrongCode returns a 6-digit code different from all of avoid.
func wrongCode(avoid ...string) string {
	for _, c := range []string{"000000", "111111", "222222", "333333"} {
		if !strings.Contains(strings.Join(avoid, ","), c) {
			return c
		}
	}
	panic("unreachable")
}

func TestCheckTOTPReplayFlow(t *testing.T) {
	secret := DeterministicTOTPSecret("replay-flow")
	now := time.Date(2026, 3, 2, 10, 15, 0, 0, time.UTC)
	c, _ := TOTPCode(secret, now)
	first, err := CheckTOTP(secret, c, now, 0)
	if err != nil {
		t.Fatal(err)
	}
	// Same code again ten seconds later, still inside its window.
	if _, err := CheckTOTP(secret, c, now.Add(10*time.Second), first); !errors.Is(err, ErrCodeReused) {
		t.Fatalf("replay err = %v, want ErrCodeReused", err)
	}
	// The next code works once it appears.
	next, _ := TOTPCode(secret, now.Add(30*time.Second))
	second, err := CheckTOTP(secret, next, now.Add(30*time.Second), first)
	if err != nil || second != first+1 {
		t.Fatalf("next code = %d, %v; want %d, nil", second, err, first+1)
	}
}

func TestCheckTOTPBadSecret(t *testing.T) {
	_, err := CheckTOTP("not base32 !!", "123456", time.Now(), 0)
	if err == nil || errors.Is(err, ErrCodeWrong) || errors.Is(err, ErrCodeFormat) {
		t.Errorf("err = %v, want a secret error", err)
	}
}

func TestNewTOTPSecret(t *testing.T) {
	secret, raw, err := NewTOTPSecret("Cradle", "jane@example.org")
	if err != nil {
		t.Fatal(err)
	}
	b, err := b32.DecodeString(secret)
	if err != nil || len(b) != 20 {
		t.Fatalf("secret %q: %d bytes, %v; want 20 bytes of base32", secret, len(b), err)
	}
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if u.Scheme != "otpauth" || u.Host != "totp" || !strings.Contains(u.Path, "jane@example.org") {
		t.Errorf("url %q has the wrong type or account", raw)
	}
	for k, want := range map[string]string{
		"secret": secret, "issuer": "Cradle", "digits": "6", "period": "30", "algorithm": "SHA1",
	} {
		if q.Get(k) != want {
			t.Errorf("url %s = %q, want %q", k, q.Get(k), want)
		}
	}
	now := time.Now()
	c, _ := TOTPCode(secret, now)
	if _, err := CheckTOTP(secret, c, now, 0); err != nil {
		t.Errorf("fresh secret rejects its own code: %v", err)
	}
	other, _, _ := NewTOTPSecret("Cradle", "jane@example.org")
	if other == secret {
		t.Error("two new secrets are equal")
	}
	if _, _, err := NewTOTPSecret("", "jane@example.org"); err == nil {
		t.Error("missing issuer accepted")
	}
}

func TestDeterministicTOTPSecret(t *testing.T) {
	a := DeterministicTOTPSecret("demo:jane")
	if a != DeterministicTOTPSecret("demo:jane") {
		t.Error("not stable")
	}
	if a == DeterministicTOTPSecret("demo:john") {
		t.Error("different seeds give the same secret")
	}
	// Pinned so a change that would break demo authenticator entries is seen.
	if want := "HNU3OPSXR4X3WHV566GTE3EB2Y4LJ2MQ"; a != want {
		t.Errorf("secret = %s, want %s", a, want)
	}
	if strings.Contains(a, "=") || len(a) != 32 {
		t.Errorf("secret %q is not 32 unpadded base32 characters", a)
	}
	b, err := b32.DecodeString(a)
	if err != nil || len(b) != 20 {
		t.Errorf("decode = %d bytes, %v; want 20", len(b), err)
	}
	if _, err := TOTPCode(a, time.Now()); err != nil {
		t.Errorf("secret not usable: %v", err)
	}
}

func TestTOTPQRCode(t *testing.T) {
	_, link, err := NewTOTPSecret("Cradle", "priya@example.org")
	if err != nil {
		t.Fatal(err)
	}
	b, err := TOTPQRCode(link, 200)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	if r := img.Bounds(); r.Dx() != 200 || r.Dy() != 200 {
		t.Errorf("size %v, want 200×200", r)
	}
	// Dark and light modules both: a picture of something, not a blank.
	dark, light := 0, 0
	for y := 0; y < 200; y += 4 {
		for x := 0; x < 200; x += 4 {
			if r, _, _, _ := img.At(x, y).RGBA(); r < 0x8000 {
				dark++
			} else {
				light++
			}
		}
	}
	if dark < 100 || light < 100 {
		t.Errorf("%d dark and %d light samples: not a QR code", dark, light)
	}
	if _, err := TOTPQRCode("https://example.org/not-otpauth", 200); err == nil {
		t.Error("a URL that is not otpauth:// drew a code")
	}
}

func TestTOTPLinkMadeAgain(t *testing.T) {
	secret, link, err := NewTOTPSecret("Cradle", "priya@example.org")
	if err != nil {
		t.Fatal(err)
	}
	again, err := TOTPLink("Cradle", "priya@example.org", secret)
	if err != nil || again != link {
		t.Errorf("TOTPLink = %q, %v; want %q", again, err, link)
	}
	if _, err := TOTPLink("Cradle", "priya@example.org", "not base32!"); err == nil {
		t.Error("a secret that is not base32 made a link")
	}
}
