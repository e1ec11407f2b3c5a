package web

import "testing"

// safeNext must keep every redirect after sign-in on this site, including
// the forms browsers rewrite (tabs and newlines dropped, backslashes read
// as slashes).
func TestSafeNext(t *testing.T) {
	for next, want := range map[string]string{
		"/caseload":                  "/caseload",
		"/families/12?tab=risk#plan": "/families/12?tab=risk#plan",
		"/search?q=Amy+Foster":       "/search?q=Amy+Foster",
		"":                           "/home",
		"caseload":                   "/home",
		"https://evil.example/":      "/home",
		"//evil.example/":            "/home",
		"/\\evil.example":            "/home",
		"/\t/evil.example":           "/home",
		"/\n/evil.example":           "/home",
		"/\r\n/evil.example":         "/home",
		"\t//evil.example":           "/home",
		"/%09/evil.example":          "/%09/evil.example", // stays a path: the browser does not decode it into a host
		"/x\\y":                      "/home",
		"/\x7f/evil.example":         "/home",
		"javascript:alert(1)":        "/home",
		"/.//evil.example":           "/.//evil.example",
	} {
		if got := safeNext(next); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", next, got, want)
		}
	}
}

func TestResolveClientIP(t *testing.T) {
	trusted, err := ParseTrustedProxies("10.0.0.0/8, 192.0.2.7, ::1")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, peer string
		xff        []string
		want       string
	}{
		{"no proxy trusted: the header is ignored", "203.0.113.9", []string{"198.51.100.1"}, "203.0.113.9"},
		{"trusted proxy, one hop", "10.1.2.3", []string{"198.51.100.1"}, "198.51.100.1"},
		{"a spoofed left-most entry is not believed", "10.1.2.3", []string{"6.6.6.6, 198.51.100.1"}, "198.51.100.1"},
		{"two trusted proxies", "192.0.2.7", []string{"198.51.100.1, 10.9.9.9"}, "198.51.100.1"},
		{"headers repeated", "10.1.2.3", []string{"6.6.6.6", "198.51.100.1"}, "198.51.100.1"},
		{"only trusted hops", "10.1.2.3", []string{"10.2.2.2"}, "10.2.2.2"},
		{"garbage stops at the last trusted hop", "10.1.2.3", []string{"198.51.100.1, not-an-ip"}, "10.1.2.3"},
		{"no header", "10.1.2.3", nil, "10.1.2.3"},
		{"IPv6 loopback proxy", "::1", []string{"2001:db8::5"}, "2001:db8::5"},
		{"IPv4-mapped client", "10.1.2.3", []string{"::ffff:198.51.100.1"}, "198.51.100.1"},
	}
	for _, tt := range tests {
		if got := resolveClientIP(tt.peer, tt.xff, trusted); got != tt.want {
			t.Errorf("%s: got %s, want %s", tt.name, got, tt.want)
		}
	}
	if _, err := ParseTrustedProxies("10.0.0.0/8, proxy.example"); err == nil {
		t.Error("a host name was accepted as a trusted proxy")
	}
	if got := resolveClientIP("10.1.2.3", []string{"198.51.100.1"}, nil); got != "10.1.2.3" {
		t.Errorf("with no trusted proxies the header was believed: %s", got)
	}
}
