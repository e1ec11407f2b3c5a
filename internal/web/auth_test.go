package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/credential"
	"github.com/cradle-org/cradle/internal/demo"
	"github.com/cradle-org/cradle/internal/web"
)

// After signing in, "next" never leaves the site: a tab or line break
// that browsers drop from a URL would have turned "/<tab>/evil.example"
// into "//evil.example" (found by FuzzSafeNext).
func TestSignInNextStaysOnSite(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		for _, next := range []string{"/\t/evil.example", "/\n/evil.example", "/\r\\evil.example", "//evil.example"} {
			c := e.client()
			e.clock.Advance(31 * time.Second)
			r := e.post(c, "/sign-in", url.Values{"email": {practitioner}, "password": {demo.Password}, "next": {next}})
			if r.status != http.StatusSeeOther || r.location != "/sign-in/code?next=%2Fhome" {
				t.Fatalf("next %q: password step %d %q", next, r.status, r.location)
			}
			page := e.get(c, "/sign-in/code?next="+url.QueryEscape(next))
			code, err := credential.TOTPCode(cred(practitioner).TOTPSecret, e.clock.Now())
			if err != nil {
				t.Fatal(err)
			}
			r = e.post(c, "/sign-in/code", url.Values{"code": {code}, "csrf_token": {csrfFrom(t, page.body)}, "next": {next}})
			if r.status != http.StatusSeeOther || r.location != "/home" {
				t.Errorf("next %q: signed in and sent to %q (%d)", next, r.location, r.status)
			}
		}
	})
}

// A NUL in the email address is not a server error (PostgreSQL refused the
// lookup; found checking the class of input FuzzParseSearch found in
// searches). No browser sends one; every form's control characters are
// now removed before it is read (cleanText), so the address is the one
// without it, and the password step goes on as for that address.
func TestSignInEmailWithNUL(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		r := e.post(e.client(), "/sign-in", url.Values{"email": {practitioner + "\x00"}, "password": {demo.Password}})
		if r.status != http.StatusSeeOther || !strings.HasPrefix(r.location, "/sign-in/code") {
			t.Errorf("email with NUL: %d %s", r.status, r.location)
		}
		r = e.post(e.client(), "/sign-in", url.Values{"email": {"nobody\x00@cradle.example"}, "password": {demo.Password}})
		if r.status != http.StatusUnauthorized || !strings.Contains(r.body, "Enter a correct email address and password") {
			t.Errorf("an unknown email with NUL: %d", r.status)
		}
	})
}

// The sweep forgets a failed sign-in (what was typed as an address, and
// where from) once the limits no longer count it.
func TestSweepForgetsOldFailedSignIns(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.post(e.client(), "/sign-in", url.Values{"email": {"typo@example.org"}, "password": {"not the password at all"}})
		s, err := web.New(e.db, nil, web.Config{Now: e.clock.Now, PasswordParams: testPasswordParams, Frontend: sharedFrontend(t)})
		if err != nil {
			t.Fatal(err)
		}
		failures := func() int {
			if _, err := s.SweepSessions(ctx); err != nil {
				t.Fatal(err)
			}
			n, _, err := e.db.SigninFailures(ctx, "typo@example.org", "", time.Time{})
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := failures(); n != 1 {
			t.Fatalf("failed sign-ins kept at once: %d, want 1", n)
		}
		e.clock.Advance(14 * time.Minute)
		if n := failures(); n != 1 {
			t.Errorf("after 14 minutes, still counted by the limit: %d kept, want 1", n)
		}
		e.clock.Advance(2 * time.Minute)
		if n := failures(); n != 0 {
			t.Errorf("after 16 minutes: %d kept, want 0", n)
		}
	})
}
