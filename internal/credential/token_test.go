package credential

import (
	"encoding/base64"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestNewToken(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		tok, err := NewToken()
		if err != nil {
			t.Fatal(err)
		}
		b, err := base64.RawURLEncoding.DecodeString(tok)
		if err != nil || len(b) != 32 {
			t.Fatalf("token %q: %d bytes, %v; want 32 bytes base64url", tok, len(b), err)
		}
		if seen[tok] {
			t.Fatalf("token %q repeated", tok)
		}
		seen[tok] = true
	}
}

func TestHashToken(t *testing.T) {
	tests := []struct{ token, want string }{
		// SHA-256 test vectors, so the encoding is pinned as well as stable.
		{"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
		{"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
	}
	for _, tt := range tests {
		if got := HashToken(tt.token); got != tt.want {
			t.Errorf("HashToken(%q) = %s, want %s", tt.token, got, tt.want)
		}
	}
	tok, _ := NewToken()
	if first, again := HashToken(tok), HashToken(tok); first != again {
		t.Error("hash not stable")
	}
	other, _ := NewToken()
	if HashToken(tok) == HashToken(other) {
		t.Error("distinct tokens share a hash")
	}
}

func TestNewOneTimePassword(t *testing.T) {
	shape := regexp.MustCompile(`^[a-z]+(-[a-z]+){3}$`)
	seen := map[string]bool{}
	for range 200 {
		pw, err := NewOneTimePassword()
		if err != nil {
			t.Fatal(err)
		}
		if !shape.MatchString(pw) || len(pw) < 20 {
			t.Fatalf("%q is not four words of 20+ characters", pw)
		}
		if err := CheckPassword(pw); err != nil {
			t.Fatalf("%q fails the rules: %v", pw, err)
		}
		if seen[pw] {
			t.Fatalf("%q repeated", pw)
		}
		seen[pw] = true
	}
}

func TestWordList(t *testing.T) {
	if !strings.HasPrefix(wordsFile, "# ") {
		t.Error("word list has no source/licence header")
	}
	list := words()
	// 4096 words is 48 bits for four words; fewer would weaken passwords.
	if len(list) < 4096 {
		t.Fatalf("%d words, want at least 4096", len(list))
	}
	seen := map[string]bool{}
	word := regexp.MustCompile(`^[a-z]{5,8}$`)
	for _, w := range list {
		if !word.MatchString(w) || seen[w] {
			t.Fatalf("word %q is malformed or repeated", w)
		}
		seen[w] = true
	}
}

func TestOneTimeExpired(t *testing.T) {
	now := time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name  string
		setAt time.Time
		want  bool
	}{
		{"just set", now, false},
		{"six days ago", now.Add(-6 * 24 * time.Hour), false},
		{"exactly seven days ago", now.Add(-OneTimePasswordLife), false},
		{"seven days and a minute ago", now.Add(-OneTimePasswordLife - time.Minute), true},
		{"a year ago", now.AddDate(-1, 0, 0), true},
		{"not known", time.Time{}, true},
	} {
		if got := OneTimeExpired(tc.setAt, now); got != tc.want {
			t.Errorf("%s: OneTimeExpired = %v, want %v", tc.name, got, tc.want)
		}
	}
}
