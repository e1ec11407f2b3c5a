package web_test

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestFormFieldsComeFromTheBodyAlone (ASVS 5.1.1, HTTP parameter
// pollution): a form's security token is read from the body alone, never
// from the address, and a body that carries it twice is refused; the
// token once, in the body, is accepted.
func TestFormFieldsComeFromTheBodyAlone(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		c := e.client()
		e.signIn(c, practitioner)
		tok := csrfFrom(t, e.get(c, "/caseload").body)
		if r := e.post(c, "/sign-out?csrf_token="+url.QueryEscape(tok), url.Values{}); r.status != http.StatusForbidden {
			t.Errorf("the token in the query string alone: %d, want 403", r.status)
		}
		if r := e.post(c, "/sign-out?csrf_token="+url.QueryEscape(tok), url.Values{"other": {"x"}}); r.status != http.StatusForbidden {
			t.Errorf("the token in the query string beside a body: %d, want 403", r.status)
		}
		if r := e.post(c, "/sign-out", url.Values{"csrf_token": {tok, tok}}); r.status != http.StatusForbidden {
			t.Errorf("the token twice in the body: %d, want 403", r.status)
		}
		if r := e.post(c, "/sign-out", url.Values{"csrf_token": {"wrong", tok}}); r.status != http.StatusForbidden {
			t.Errorf("a wrong token then the right one: %d, want 403", r.status)
		}
		if r := e.get(c, "/caseload"); r.status != http.StatusOK {
			t.Fatalf("still signed in after the refusals: %d", r.status)
		}
		if r := e.post(c, "/sign-out", url.Values{"csrf_token": {tok}}); r.status != http.StatusSeeOther {
			t.Errorf("the token once, in the body: %d, want 303", r.status)
		}
	})
}

// TestHandlersReadNoMergedForm keeps r.Form and r.FormValue, which merge a
// request's body with its query string, out of the web package: a handler
// reads r.PostForm, r.URL.Query() or submitted(r), so a field cannot come
// from the address when the body leaves it out. cleanForm alone touches
// r.Form, to clean what net/http parsed into it.
func TestHandlersReadNoMergedForm(t *testing.T) {
	merged := regexp.MustCompile(`\.FormValue\(|\br\.Form\b`)
	allowed := map[string]bool{"input.go: cleanValues(r.Form)": true}
	files, err := filepath.Glob("*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("no source: %v", err)
	}
	scanned := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f) // #nosec G304 -- this package's own source
		if err != nil {
			t.Fatal(err)
		}
		scanned++
		for i, line := range strings.Split(string(src), "\n") {
			code := strings.TrimSpace(line)
			if strings.HasPrefix(code, "//") || !merged.MatchString(code) || allowed[f+": "+code] {
				continue
			}
			t.Errorf("%s:%d reads the merged form (body and query string together): %s", f, i+1, code)
		}
	}
	if scanned < 20 {
		t.Fatalf("scanned only %d files: the test would prove nothing", scanned)
	}
}
