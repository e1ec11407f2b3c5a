package web_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
)

var assetRef = regexp.MustCompile(`(?:href|src)="(/assets/([a-z.-]+)\.([0-9a-f]{10})\.([a-z]+))"`)

// TestAssetsAreHashedCachedAndCompressed: pages name static files by a
// hash of their content; those names are cached for a year and sent
// gzipped; the plain names still work but revalidate; an ETag gives 304.
func TestAssetsAreHashedCachedAndCompressed(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		c := e.client()
		page := e.get(c, "/")
		refs := assetRef.FindAllStringSubmatch(page.body, -1)
		if len(refs) < 3 {
			t.Fatalf("the page names %d hashed assets, want the stylesheet, the script and the icon: %v", len(refs), refs)
		}
		for _, ref := range refs {
			hashed, plain := ref[1], "/assets/"+ref[2]+"."+ref[4]
			gz := e.do(c, "GET", hashed, nil, "Accept-Encoding", "gzip")
			if gz.status != http.StatusOK || gz.header.Get("Cache-Control") != "public, max-age=31536000, immutable" || gz.header.Get("ETag") != `"`+ref[3]+`"` {
				t.Errorf("%s: %d, Cache-Control %q, ETag %q", hashed, gz.status, gz.header.Get("Cache-Control"), gz.header.Get("ETag"))
			}
			body := []byte(gz.body)
			if gz.header.Get("Content-Encoding") == "gzip" {
				zr, err := gzip.NewReader(bytes.NewReader(body))
				if err != nil {
					t.Fatalf("%s: %v", hashed, err)
				}
				if body, err = io.ReadAll(zr); err != nil {
					t.Fatalf("%s: %v", hashed, err)
				}
			} else if ref[4] != "svg" {
				t.Errorf("%s: not compressed (Content-Encoding %q)", hashed, gz.header.Get("Content-Encoding"))
			}
			p := e.get(c, plain)
			if p.status != http.StatusOK || p.header.Get("Cache-Control") != "no-cache" || p.body != string(body) {
				t.Errorf("%s: %d, Cache-Control %q, same content %v", plain, p.status, p.header.Get("Cache-Control"), p.body == string(body))
			}
			if nm := e.do(c, "GET", hashed, nil, "If-None-Match", `"`+ref[3]+`"`); nm.status != http.StatusNotModified || nm.body != "" {
				t.Errorf("%s with its ETag: %d", hashed, nm.status)
			}
		}
		// The script imports govuk-frontend by its hashed name, so a new
		// release cannot mix old and new files.
		for _, ref := range refs {
			if ref[2] == "app" {
				js := e.get(c, ref[1])
				if !regexp.MustCompile(`from '\./govuk-frontend\.min\.[0-9a-f]{10}\.js'`).MatchString(js.body) {
					t.Errorf("app.js does not import the hashed govuk-frontend:\n%s", js.body)
				}
			}
		}
		if r := e.get(c, "/assets/cradle.0123456789.css"); r.status != http.StatusNotFound {
			t.Errorf("a wrong hash: %d, want 404", r.status)
		}
	})
}

// TestStaticCopiesMatchTheirSource: web/frontend/build.sh copies app.js
// and favicon.svg unchanged into static/, which is committed so that Go
// alone builds and serves them; an edit to the source that was not
// rebuilt would otherwise ship the old file without anyone noticing.
func TestStaticCopiesMatchTheirSource(t *testing.T) {
	for _, name := range []string{"app.js", "favicon.svg"} {
		src, err := os.ReadFile("../../web/frontend/src/" + name) // #nosec G304 -- one of the two names listed above, in this repository
		if err != nil {
			t.Fatal(err)
		}
		served, err := os.ReadFile("static/" + name) // #nosec G304 -- one of the two names listed above, in this repository
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(src, served) {
			t.Errorf("internal/web/static/%s differs from web/frontend/src/%s, its source: rebuild with "+
				"`cd web/frontend && npm ci && ./build.sh` (or copy the one file: "+
				"`cp web/frontend/src/%s internal/web/static/%s`) and commit the result", name, name, name, name)
		}
	}
}

// TestPagesAreCompressedWithAMaskedToken: pages go gzipped to a client
// that takes gzip, and the CSRF token in them is different on every page
// (so compression cannot leak it) yet every form of it is accepted.
func TestPagesAreCompressedWithAMaskedToken(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		c := e.client()
		e.signIn(c, practitioner)
		raw := e.do(c, "GET", "/caseload", nil, "Accept-Encoding", "gzip")
		if raw.status != http.StatusOK || raw.header.Get("Content-Encoding") != "gzip" || !strings.Contains(raw.header.Get("Vary"), "Accept-Encoding") {
			t.Fatalf("caseload: %d, Content-Encoding %q, Vary %q", raw.status, raw.header.Get("Content-Encoding"), raw.header.Get("Vary"))
		}
		zr, err := gzip.NewReader(strings.NewReader(raw.body))
		if err != nil {
			t.Fatal(err)
		}
		html, err := io.ReadAll(zr)
		if err != nil || !strings.Contains(string(html), "</html>") {
			t.Fatalf("gzipped caseload: %v\n%.300s", err, html)
		}
		if plain := e.do(c, "GET", "/caseload", nil, "Accept-Encoding", "identity"); plain.header.Get("Content-Encoding") != "" || !strings.Contains(plain.body, "</html>") {
			t.Errorf("without gzip: Content-Encoding %q", plain.header.Get("Content-Encoding"))
		}

		a, b := csrfFrom(t, string(html)), csrfFrom(t, e.get(c, "/caseload").body)
		if a == b {
			t.Fatalf("the CSRF token is the same on two pages: %q", a)
		}
		for _, tok := range []string{a, b} {
			if r := e.post(c, "/sign-out", url.Values{"csrf_token": {tok + "x"}}); r.status != http.StatusForbidden {
				t.Errorf("a damaged token: %d, want 403", r.status)
			}
		}
		if r := e.post(c, "/sign-out", url.Values{"csrf_token": {a}}); r.status != http.StatusSeeOther {
			t.Errorf("signing out with the first page's token: %d, want 303", r.status)
		}
	})
}
