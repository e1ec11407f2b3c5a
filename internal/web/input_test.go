package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
)

func TestCleanText(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Amy Foster", "Amy Foster"},
		{"", ""},
		{"line one\r\nline two\tand a tab", "line one\r\nline two\tand a tab"},
		{"Amy\x00 Foster", "Amy Foster"},
		{"bell\x07 escape\x1b[2J del\x7f", "bell escape[2J del"},
		{"Zoë \xff\xfe", "Zoë \uFFFD"},
		{"pasted line\vbreak and page\fbreak", "pasted line\nbreak and page\nbreak"},
		{"half \xc3", "half \uFFFD"},
		{"ünïcödé and emoji 👶", "ünïcödé and emoji 👶"},
	} {
		if got := cleanText(tc.in); got != tc.want {
			t.Errorf("cleanText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestCleanValuesAndQuery(t *testing.T) {
	v := url.Values{"q": {"Amy\x00"}, "bad\x00name": {"x"}, "fine": {"yes"}}
	if !cleanValues(v) {
		t.Fatal("cleanValues reported no change")
	}
	if v.Get("q") != "Amy" || v.Get("badname") != "x" || v.Get("fine") != "yes" || len(v) != 3 {
		t.Errorf("cleaned values: %v", v)
	}
	if cleanValues(url.Values{"q": {"Amy"}}) {
		t.Error("cleanValues changed clean values")
	}
	var seen string
	h := withCleanQuery(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { seen = r.URL.Query().Get("q") }))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/search?q=Amy%00%FF", nil))
	if seen != "Amy\uFFFD" {
		t.Errorf("the handler read q=%q", seen)
	}
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/search?q=Zo%C3%AB", nil))
	if seen != "Zoë" {
		t.Errorf("the handler read q=%q from a clean query", seen)
	}
}

func TestBrowserName(t *testing.T) {
	for _, tc := range []struct{ agent, want string }{
		{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", "Chrome on Windows"},
		{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0", "Edge on Windows"},
		{"Mozilla/5.0 (Macintosh; Intel Mac OS X 14_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15", "Safari on a Mac"},
		{"Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1", "Safari on an iPhone"},
		{"Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36", "Chrome on Android"},
		{"Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", "Firefox on Linux"},
		{"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36", "Chrome on Linux"},
		{"curl/8.5.0", ""},
		{"", ""},
	} {
		if got := browserName(tc.agent); got != tc.want {
			t.Errorf("browserName(%.50q) = %q, want %q", tc.agent, got, tc.want)
		}
	}
}

func TestPlainASCII(t *testing.T) {
	for q, want := range map[string]bool{"q=Amy+Foster&page=2": true, "q=Zo%C3%AB": false, "q=a\x7f": false, "q=\xff": false, "": true} {
		if got := plainASCII(q); got != want {
			t.Errorf("plainASCII(%q) = %v, want %v", q, got, want)
		}
	}
}
