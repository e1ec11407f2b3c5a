package pdftext

import (
	"strings"
	"testing"
)

func TestSafe(t *testing.T) {
	for in, want := range map[string]string{
		"Zoë £5 €":   "Zoë £5 €",
		"Zoe\u0308":  "Zoë", // combining diaeresis composes
		"Łódź":       "?ód?",
		"a\tb\rc":    "a b c",
		"line\nnext": "line\nnext",
		"\xff":       "?",
	} {
		if got := Safe(in); got != want {
			t.Errorf("Safe(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSplit(t *testing.T) {
	s := strings.Repeat("abc ", 100)
	parts := Split(s, 30)
	for _, p := range parts {
		if len([]rune(p)) > 30 {
			t.Fatalf("piece too long: %q", p)
		}
	}
	if strings.Join(parts, " ") != s {
		t.Error("splitting at spaces lost text")
	}
	if got := Split(strings.Repeat("ë", 25), 10); len(got) != 3 || got[2] != "ëëëëë" {
		t.Errorf("unbroken split = %q", got)
	}
}
