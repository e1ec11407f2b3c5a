package web

import (
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"
)

// cleanText makes typed text fit to store and to show again: bytes that
// are not UTF-8 become U+FFFD, a vertical tab or form feed (a word
// processor's line and page breaks, pasted) becomes a line break, and
// other control characters but tab, line feed and carriage return are
// dropped. A pasted NUL or a hand-made request would otherwise reach
// PostgreSQL, which refuses both in text (a server error), while SQLite
// would keep them; and a pasted note would be refused for characters no
// one can see.
func cleanText(s string) string {
	if utf8.ValidString(s) && strings.IndexFunc(s, unwanted) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\v' || r == '\f':
			return '\n'
		case unwanted(r):
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
}

func unwanted(r rune) bool {
	return (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0x7f
}

// cleanValues applies cleanText to every name and value, reporting whether
// anything changed.
func cleanValues(v url.Values) bool {
	changed := false
	for k, vs := range v {
		for i, s := range vs {
			if c := cleanText(s); c != s {
				vs[i], changed = c, true
			}
		}
		if c := cleanText(k); c != k {
			delete(v, k)
			v[c] = append(v[c], vs...)
			changed = true
		}
	}
	return changed
}

// submitted is what a request sends as its form: the body's fields for a
// POST, the query string's for a GET, never the two together. r.Form and
// r.FormValue merge them, so a field a body leaves out could be filled in
// from the address (HTTP parameter pollution); handlers read r.PostForm or
// r.URL.Query(), or this, and a test keeps r.Form and r.FormValue out.
func submitted(r *http.Request) url.Values {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		return r.URL.Query()
	}
	return r.PostForm
}

// cleanForm cleans a parsed request body's fields (cleanText), wherever
// the request keeps them.
func cleanForm(r *http.Request) {
	cleanValues(r.PostForm)
	cleanValues(r.Form)
	if r.MultipartForm != nil {
		cleanValues(url.Values(r.MultipartForm.Value))
	}
}

// plainASCII reports whether a raw query string holds only printable
// ASCII and no escapes: then nothing in it can need cleaning, and most
// queries ("?q=Amy+Foster", "?page=2") are not parsed twice.
func plainASCII(q string) bool {
	for i := range len(q) {
		if c := q[i]; c < 0x20 || c >= 0x7f || c == '%' {
			return false
		}
	}
	return true
}

// withCleanQuery cleans every request's query string (cleanText) before
// anything reads it, so no handler's filter or search passes such bytes on.
func withCleanQuery(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if q := r.URL.RawQuery; q != "" && !plainASCII(q) {
			if q, err := url.ParseQuery(q); err == nil && cleanValues(q) {
				r.URL.RawQuery = q.Encode()
			}
		}
		h.ServeHTTP(w, r)
	})
}
