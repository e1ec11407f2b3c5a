package credential

import (
	"errors"
	"strings"
	"testing"
)

// cheap keeps tests fast; only TestDefaultParams pays for the real cost.
var cheap = Params{Memory: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}

func TestHashRoundTrip(t *testing.T) {
	tests := []struct {
		name     string
		password string
		attempt  string
		want     bool
	}{
		{"same", "correct horse battery", "correct horse battery", true},
		{"unicode", "pâté-été-🐈-日本語パス", "pâté-été-🐈-日本語パス", true},
		{"empty matches empty", "", "", true},
		{"wrong", "correct horse battery", "correct horse batterz", false},
		{"case matters", "correct horse battery", "Correct horse battery", false},
		{"prefix is not enough", "correct horse battery", "correct horse", false},
		{"trailing space matters", "correct horse battery", "correct horse battery ", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			encoded, err := HashWith(cheap, tt.password)
			if err != nil {
				t.Fatal(err)
			}
			ok, rehash, err := verify(encoded, tt.attempt, cheap)
			if err != nil {
				t.Fatal(err)
			}
			if ok != tt.want {
				t.Errorf("verify ok = %v, want %v", ok, tt.want)
			}
			if rehash {
				t.Error("needsRehash with matching params")
			}
		})
	}
}

func TestHashSaltsDiffer(t *testing.T) {
	a, err := HashWith(cheap, "same password here")
	if err != nil {
		t.Fatal(err)
	}
	b, err := HashWith(cheap, "same password here")
	if err != nil {
		t.Fatal(err)
	}
	if a == b {
		t.Error("two hashes of one password are identical; salt is not random")
	}
}

func TestDefaultParams(t *testing.T) {
	encoded, err := Hash("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	const prefix = "$argon2id$v=19$m=65536,t=3,p=2$"
	if !strings.HasPrefix(encoded, prefix) {
		t.Fatalf("hash %q does not start with %q", encoded, prefix)
	}
	parts := strings.Split(strings.TrimPrefix(encoded, prefix), "$")
	// 16 bytes and 32 bytes in unpadded base64.
	if len(parts) != 2 || len(parts[0]) != 22 || len(parts[1]) != 43 {
		t.Fatalf("salt/key parts %q have the wrong lengths", parts)
	}
	ok, rehash, err := Verify(encoded, "correct horse battery")
	if err != nil || !ok || rehash {
		t.Errorf("Verify = %v, %v, %v; want true, false, nil", ok, rehash, err)
	}
	ok, rehash, err = Verify(encoded, "wrong horse battery")
	if err != nil || ok || rehash {
		t.Errorf("Verify wrong = %v, %v, %v; want false, false, nil", ok, rehash, err)
	}
}

func TestNeedsRehash(t *testing.T) {
	tests := []struct {
		name   string
		hashed Params
		target Params
		want   bool
	}{
		{"same", cheap, cheap, false},
		{"more memory wanted", cheap, withMemory(cheap, 128), true},
		{"more passes wanted", cheap, Params{64, 2, 1, 16, 32}, true},
		{"more threads wanted", cheap, Params{64, 1, 2, 16, 32}, true},
		{"longer salt wanted", Params{64, 1, 1, 8, 32}, cheap, true},
		{"longer key wanted", Params{64, 1, 1, 16, 16}, cheap, true},
		{"lower params also rehash", withMemory(cheap, 128), cheap, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			encoded, err := HashWith(tt.hashed, "a long enough password")
			if err != nil {
				t.Fatal(err)
			}
			ok, rehash, err := verify(encoded, "a long enough password", tt.target)
			if err != nil || !ok {
				t.Fatalf("verify = %v, %v; want true, nil", ok, err)
			}
			if rehash != tt.want {
				t.Errorf("needsRehash = %v, want %v", rehash, tt.want)
			}
			// A wrong password never asks for a rehash.
			_, rehash, _ = verify(encoded, "not the password", tt.target)
			if rehash {
				t.Error("needsRehash on a wrong password")
			}
		})
	}
	// The exported Verify compares against DefaultParams.
	encoded, _ := HashWith(cheap, "a long enough password")
	if ok, rehash, err := Verify(encoded, "a long enough password"); !ok || !rehash || err != nil {
		t.Errorf("Verify cheap hash = %v, %v, %v; want true, true, nil", ok, rehash, err)
	}
	// VerifyWith compares against the server's own costs.
	if ok, rehash, err := VerifyWith(cheap, encoded, "a long enough password"); !ok || rehash || err != nil {
		t.Errorf("VerifyWith(cheap) = %v, %v, %v; want true, false, nil", ok, rehash, err)
	}
	if ok, rehash, err := VerifyWith(withMemory(cheap, 128), encoded, "a long enough password"); !ok || !rehash || err != nil {
		t.Errorf("VerifyWith(more memory) = %v, %v, %v; want true, true, nil", ok, rehash, err)
	}
}

func withMemory(p Params, m uint32) Params { p.Memory = m; return p }

func TestVerifyMalformed(t *testing.T) {
	const salt = "c29tZXNhbHRzb21lc2FsdA"                     // 16 bytes
	const key = "a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U" // 32 bytes
	good := "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + key
	if _, _, err := Verify(good, "x"); err != nil {
		t.Fatalf("control case rejected: %v", err)
	}
	tests := []struct{ name, encoded string }{
		{"empty", ""},
		{"plain text", "hunter2"},
		{"bcrypt", "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy"},
		{"argon2i", "$argon2i$v=19$m=64,t=1,p=1$" + salt + "$" + key},
		{"argon2d", "$argon2d$v=19$m=64,t=1,p=1$" + salt + "$" + key},
		{"old version", "$argon2id$v=16$m=64,t=1,p=1$" + salt + "$" + key},
		{"no version", "$argon2id$m=64,t=1,p=1$" + salt + "$" + key},
		{"missing key", "$argon2id$v=19$m=64,t=1,p=1$" + salt},
		{"extra field", good + "$extra"},
		{"params out of order", "$argon2id$v=19$t=1,m=64,p=1$" + salt + "$" + key},
		{"missing p", "$argon2id$v=19$m=64,t=1$" + salt + "$" + key},
		{"extra param", "$argon2id$v=19$m=64,t=1,p=1,k=2$" + salt + "$" + key},
		{"non-numeric", "$argon2id$v=19$m=abc,t=1,p=1$" + salt + "$" + key},
		{"negative", "$argon2id$v=19$m=-64,t=1,p=1$" + salt + "$" + key},
		{"leading zero", "$argon2id$v=19$m=064,t=1,p=1$" + salt + "$" + key},
		{"empty value", "$argon2id$v=19$m=,t=1,p=1$" + salt + "$" + key},
		{"zero passes", "$argon2id$v=19$m=64,t=0,p=1$" + salt + "$" + key},
		{"zero threads", "$argon2id$v=19$m=64,t=1,p=0$" + salt + "$" + key},
		{"threads overflow uint8", "$argon2id$v=19$m=64,t=1,p=256$" + salt + "$" + key},
		{"memory overflow uint32", "$argon2id$v=19$m=4294967296,t=1,p=1$" + salt + "$" + key},
		{"memory too large", "$argon2id$v=19$m=4294967295,t=1,p=1$" + salt + "$" + key},
		{"too many passes", "$argon2id$v=19$m=64,t=1000000,p=1$" + salt + "$" + key},
		{"memory below 8*p", "$argon2id$v=19$m=8,t=1,p=2$" + salt + "$" + key},
		{"salt not base64", "$argon2id$v=19$m=64,t=1,p=1$!!!!$" + key},
		{"padded salt", "$argon2id$v=19$m=64,t=1,p=1$" + salt + "==$" + key},
		{"short salt", "$argon2id$v=19$m=64,t=1,p=1$c2FsdA$" + key},
		{"empty key", "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$"},
		{"short key", "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$a2V5"},
		{"key not base64", "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + strings.Repeat("*", 43)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, rehash, err := Verify(tt.encoded, "x")
			if !errors.Is(err, ErrMalformedHash) {
				t.Errorf("err = %v, want ErrMalformedHash", err)
			}
			if ok || rehash {
				t.Errorf("ok, rehash = %v, %v; want false, false", ok, rehash)
			}
		})
	}
}

func TestHashWithBadParams(t *testing.T) {
	for _, p := range []Params{
		{},
		{Memory: 64, Iterations: 1, Parallelism: 1, SaltLength: 4, KeyLength: 32},
		{Memory: 64, Iterations: 0, Parallelism: 1, SaltLength: 16, KeyLength: 32},
	} {
		if _, err := HashWith(p, "whatever password"); err == nil {
			t.Errorf("HashWith(%+v) succeeded", p)
		}
	}
}

func TestDummyVerify(t *testing.T) {
	// The dummy hash must parse with DefaultParams, or DummyVerify would
	// return early and be faster than a real check.
	p, _, _, err := decode(dummyHash(DefaultParams()))
	if err != nil {
		t.Fatal(err)
	}
	if p != DefaultParams() {
		t.Errorf("dummy hash params = %+v, want %+v", p, DefaultParams())
	}
	DummyVerify("any password at all")
}
