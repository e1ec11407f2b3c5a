package web

import "testing"

func TestSafeNext(t *testing.T) {
	for next, want := range map[string]string{
		"/caseload":                "/caseload",
		"/families/3?tab=risk#top": "/families/3?tab=risk#top",
		"":                         "/home",
		"caseload":                 "/home",
		"https://evil.example/":    "/home",
		"//evil.example":           "/home",
		"/\\evil.example":          "/home",
		"/x\\..\\\\evil.example":   "/home",
		// Browsers drop tabs and newlines, leaving "//evil.example".
		"/\t/evil.example":    "/home",
		"/\n/evil.example":    "/home",
		"/\r/evil.example":    "/home",
		"javascript:alert(1)": "/home",
	} {
		if got := safeNext(next); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", next, got, want)
		}
	}
}
