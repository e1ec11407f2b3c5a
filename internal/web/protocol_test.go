package web_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/cradle-org/cradle/internal/demo"
	"github.com/cradle-org/cradle/internal/web"
)

// TestEveryResponseIsWellFormed opens every page the router has, signed
// out and as each role that works with families, and checks what every
// answer carries: a content type with its character set for text, no
// CORS header (so no other site may read an answer), no-store on every
// signed-in page, and never the session's token in a page or a redirect.
// Every route answers other methods with "not found" or "method not
// allowed", never a change or a server error; signing out asks the
// browser to clear what it kept.
func TestEveryResponseIsWellFormed(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		tg, _ := setUpAccessTargets(t, e)
		s := newServerFor(t, e)
		base, _ := url.Parse(e.srv.URL)
		checked := 0
		for _, who := range []string{"", practitioner, manager, dsl, admin} {
			c := e.client()
			token := ""
			if who != "" {
				e.signIn(c, who)
				for _, ck := range c.Jar.Cookies(base) {
					token = ck.Value
				}
				if token == "" {
					t.Fatalf("%s: no session cookie", who)
				}
			}
			for _, route := range s.Routes() {
				method, paths := accessPaths(route, tg)
				if method != "GET" {
					continue
				}
				for _, p := range paths[:1] {
					r := e.get(c, p)
					checked++
					ct := r.header.Get("Content-Type")
					switch {
					case ct == "" && r.status != http.StatusSeeOther && r.status != http.StatusNotModified:
						t.Errorf("%s as %q: %d without a Content-Type", p, who, r.status)
					case (strings.HasPrefix(ct, "text/") || strings.HasPrefix(ct, "application/json")) && !strings.Contains(ct, "charset=utf-8"):
						t.Errorf("%s as %q: Content-Type %q has no charset", p, who, ct)
					}
					if strings.HasPrefix(ct, "application/json") && !strings.HasPrefix(r.header.Get("Content-Disposition"), "attachment") {
						t.Errorf("%s as %q: JSON without Content-Disposition: attachment", p, who)
					}
					if v := r.header.Get("Access-Control-Allow-Origin"); v != "" {
						t.Errorf("%s as %q: Access-Control-Allow-Origin %q", p, who, v)
					}
					if who != "" && r.status == http.StatusOK && strings.HasPrefix(ct, "text/html") && !strings.Contains(r.header.Get("Cache-Control"), "no-store") {
						t.Errorf("%s as %q: Cache-Control %q on a signed-in page", p, who, r.header.Get("Cache-Control"))
					}
					if token != "" && (strings.Contains(r.body, token) || strings.Contains(r.location, token)) {
						t.Errorf("%s as %q: the session token is in the answer", p, who)
					}
				}
			}
			if who == dsl {
				for _, route := range s.Routes() {
					_, paths := accessPaths(route, tg)
					for _, m := range []string{"PUT", "DELETE", "PATCH"} {
						r := e.do(c, m, paths[0], url.Values{})
						checked++
						if r.status != http.StatusNotFound && r.status != http.StatusMethodNotAllowed {
							t.Errorf("%s %s: %d, want 404 or 405", m, paths[0], r.status)
						}
					}
				}
			}
			if who != "" {
				out := e.post(c, "/sign-out", url.Values{"csrf_token": {csrfFrom(t, e.get(c, "/home").body)}})
				if got := out.header.Get("Clear-Site-Data"); !strings.Contains(got, `"cache"`) || !strings.Contains(got, `"storage"`) {
					t.Errorf("signing out as %s: Clear-Site-Data %q", who, got)
				}
			}
		}
		t.Logf("%d answers checked", checked)
	})
}

// TestLogsHoldNoSecrets runs a server whose log is kept, and signs in,
// searches for a person, fails a password check and changes a password:
// the log holds none of the passwords, the session token, the security
// code or the name searched for (request logs hold paths, never query
// strings).
func TestLogsHoldNoSecrets(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		var logged lockedLog
		s, err := web.New(e.db, slog.New(slog.NewJSONHandler(&logged, &slog.HandlerOptions{Level: slog.LevelDebug})),
			web.Config{Now: e.clock.Now, PasswordParams: testPasswordParams, Demo: true})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(s.Handler())
		defer srv.Close()
		le := *e
		le.srv = srv
		const fresh = "copper kettle hillside morning"
		c := le.client()
		le.signIn(c, practitioner)
		base, _ := url.Parse(srv.URL)
		token := c.Jar.Cookies(base)[0].Value
		le.get(c, "/search?q=Jordan+Price")
		le.post(le.client(), "/sign-in", url.Values{"email": {practitioner}, "password": {"a-wrong-password-typed"}})
		csrf := csrfFrom(t, le.get(c, "/account/password").body)
		if r := le.post(c, "/account/password", url.Values{"csrf_token": {csrf}, "current": {demo.Password}, "password": {fresh}, "confirm": {fresh}}); r.status != http.StatusSeeOther {
			t.Fatalf("changing the password: %d", r.status)
		}
		newToken := c.Jar.Cookies(base)[0].Value
		log := logged.String()
		if !strings.Contains(log, `"path":"/search"`) {
			t.Fatalf("the log does not hold the requests:\n%.2000s", log)
		}
		for what, secret := range map[string]string{"the demo password": demo.Password, "the new password": fresh, "a wrong password": "a-wrong-password-typed",
			"the session token": token, "the new session token": newToken, "the name searched for": "Jordan", "the CSRF token": csrf} {
			if strings.Contains(log, secret) {
				t.Errorf("the log holds %s", what)
			}
		}
	})
}

// lockedLog is a log the server writes to from its handlers' goroutines.
type lockedLog struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestBenchPageOnlyWhenConfigured: the benchmark's trivial page exists only
// on a server built for `cradle bench run`; on any other it is the
// service's page-not-found, signed in or not.
func TestBenchPageOnlyWhenConfigured(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		c := e.client()
		e.signIn(c, practitioner)
		if r := e.get(c, "/bench/ping"); r.status != http.StatusNotFound || !strings.Contains(r.body, "Page not found") {
			t.Errorf("the bench page on a server not built for it: %d", r.status)
		}
		s, err := web.New(e.db, nil, web.Config{Now: e.clock.Now, PasswordParams: testPasswordParams, Bench: true})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(s.Handler())
		defer srv.Close()
		be := *e
		be.srv = srv
		if r := be.get(be.client(), "/bench/ping"); r.status != http.StatusSeeOther || !strings.HasPrefix(r.location, "/sign-in") {
			t.Errorf("the bench page signed out: %d %s, want the sign-in", r.status, r.location)
		}
		bc := be.client()
		be.signIn(bc, practitioner)
		if r := be.get(bc, "/bench/ping"); r.status != http.StatusOK || r.body != "ok" {
			t.Errorf("the bench page on the bench's server: %d %q", r.status, r.body)
		}
	})
}
