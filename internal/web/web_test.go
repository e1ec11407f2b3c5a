package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/audit"
	"github.com/cradle-org/cradle/internal/credential"
	"github.com/cradle-org/cradle/internal/demo"
	"github.com/cradle-org/cradle/internal/org"
	"github.com/cradle-org/cradle/internal/store"
	"github.com/cradle-org/cradle/internal/store/storetest"
	"github.com/cradle-org/cradle/internal/web"
)

// clock is a settable time source shared by the store and the server.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type env struct {
	t     *testing.T
	db    *store.DB
	srv   *httptest.Server
	clock *clock
}

// demoTemplate is a migrated database with the demo data loaded, built once
// per backend and copied for each test (see storetest.Template).
var demoTemplate = &storetest.Template{Name: "demo", Prepare: func(ctx context.Context, db *store.DB) error {
	_, _, err := demo.LoadWith(ctx, db, testPasswordParams)
	return err
}}

// testPasswordParams hash the demo password cheaply: every sign-in
// verifies it, the tests sign in hundreds of times, and under the race
// detector the default parameters take nearly two seconds a sign-in.
var testPasswordParams = storetest.PasswordParams

func TestMain(m *testing.M) { storetest.Main(m, demoTemplate) }

// frontend is the templates and static files, loaded once for the
// hundreds of servers the tests start (each load is a quarter of a second
// under the race detector).
var frontend = sync.OnceValues(web.LoadFrontend)

// sharedFrontend is frontend, failing the test if it does not load.
func sharedFrontend(t *testing.T) *web.Frontend {
	t.Helper()
	f, err := frontend()
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// each runs fn against a real server on each database, with demo data loaded.
func each(t *testing.T, fn func(t *testing.T, e *env)) { eachWith(t, web.Config{}, fn) }

// eachWith is each with more server configuration.
func eachWith(t *testing.T, cfg web.Config, fn func(t *testing.T, e *env)) {
	for _, b := range storetest.Kinds(t) {
		t.Run(b.Name, func(t *testing.T) {
			c := &clock{}
			db, at := demoTemplate.Clone(t, b, store.Options{Now: c.Now})
			c.Set(at)
			cfg := cfg
			cfg.Now, cfg.Demo = c.Now, true
			if cfg.PasswordParams == (credential.Params{}) {
				cfg.PasswordParams = testPasswordParams
			}
			if cfg.Frontend == nil {
				cfg.Frontend = sharedFrontend(t)
			}
			s, err := web.New(db, slog.New(slog.NewTextHandler(io.Discard, nil)), cfg)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.InstallSite(context.Background()); err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(s.Handler())
			t.Cleanup(srv.Close)
			fn(t, &env{t: t, db: db, srv: srv, clock: c})
		})
	}
}

// client is a browser-like client that does not follow redirects, so tests
// can see each step.
func (e *env) client() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

type resp struct {
	status   int
	body     string
	location string
	header   http.Header
}

func (e *env) do(c *http.Client, method, path string, form url.Values, hdr ...string) resp {
	e.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
		hdr = append([]string{"Content-Type", "application/x-www-form-urlencoded"}, hdr...)
	}
	return e.send(c, method, path, body, hdr...)
}

// send makes one request with the body and headers given.
func (e *env) send(c *http.Client, method, path string, body io.Reader, hdr ...string) resp {
	e.t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, body)
	if err != nil {
		e.t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	r, err := c.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer r.Body.Close()
	b, _ := io.ReadAll(r.Body)
	checkErrorSummaryLinks(e.t, method+" "+path, string(b))
	return resp{status: r.StatusCode, body: string(b), location: r.Header.Get("Location"), header: r.Header}
}

var summaryLink = regexp.MustCompile(`<li><a href="#([^"]+)">`)

// checkErrorSummaryLinks fails the test when a page's error summary links
// to an element the page does not have: every test's every page is a
// check that no problem's link goes nowhere.
func checkErrorSummaryLinks(t *testing.T, what, body string) {
	t.Helper()
	i := strings.Index(body, "govuk-error-summary__list")
	if i < 0 {
		return
	}
	list := body[i:]
	if j := strings.Index(list, "</ul>"); j >= 0 {
		list = list[:j]
	}
	for _, m := range summaryLink.FindAllStringSubmatch(list, -1) {
		if !strings.Contains(body, `id="`+m[1]+`"`) {
			t.Errorf("%s: the error summary links to #%s, which the page does not have", what, m[1])
		}
	}
}

func (e *env) get(c *http.Client, path string) resp { e.t.Helper(); return e.do(c, "GET", path, nil) }
func (e *env) post(c *http.Client, path string, form url.Values) resp {
	e.t.Helper()
	return e.do(c, "POST", path, form)
}

func cred(email string) demo.Credential {
	for _, c := range demo.Credentials() {
		if c.Email == email {
			return c
		}
	}
	panic("no demo account " + email)
}

// csrfFrom pulls the form token out of a page.
func csrfFrom(t *testing.T, body string) string {
	t.Helper()
	const marker = `name="csrf_token" value="`
	i := strings.Index(body, marker)
	if i < 0 {
		t.Fatalf("no csrf token in page:\n%s", body)
	}
	rest := body[i+len(marker):]
	return rest[:strings.Index(rest, `"`)]
}

// signIn completes password and security code; it moves the clock on a
// TOTP step first so a code is never reused.
func (e *env) signIn(c *http.Client, email string) {
	e.t.Helper()
	e.signInWith(c, email, cred(email).TOTPSecret)
}

// signInWith is signIn for an account outside the demo, with the demo's
// password and its own authenticator secret.
func (e *env) signInWith(c *http.Client, email, totpSecret string) {
	e.t.Helper()
	e.signInAs(c, email, demo.Password, totpSecret)
}

// signInAs is signInWith with a password of its own.
func (e *env) signInAs(c *http.Client, email, password, totpSecret string) {
	e.t.Helper()
	e.clock.Advance(31 * time.Second)
	r := e.post(c, "/sign-in", url.Values{"email": {email}, "password": {password}})
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.location, "/sign-in/code") {
		e.t.Fatalf("password step: %d %s\n%s", r.status, r.location, r.body)
	}
	page := e.get(c, "/sign-in/code")
	code, err := credential.TOTPCode(totpSecret, e.clock.Now())
	if err != nil {
		e.t.Fatal(err)
	}
	r = e.post(c, "/sign-in/code", url.Values{"code": {code}, "csrf_token": {csrfFrom(e.t, page.body)}, "next": {"/home"}})
	if r.status != http.StatusSeeOther || r.location != "/home" {
		e.t.Fatalf("code step: %d %s\n%s", r.status, r.location, r.body)
	}
}

const (
	practitioner = "priya.shah@cradle.example"
	manager      = "helen.whitaker@cradle.example"
	admin        = "sam.carter@cradle.example"
	herts        = "megan.hughes@cradle.example"
)

func TestSecurityHeadersEverywhere(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		c := e.client()
		for _, path := range []string{"/", "/sign-in", "/healthz", "/assets/cradle.css", "/no-such-page", "/home"} {
			r := e.get(c, path)
			csp := r.header.Get("Content-Security-Policy")
			if !strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
				t.Errorf("%s: CSP = %q", path, csp)
			}
			for h, want := range map[string]string{"Referrer-Policy": "no-referrer", "X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY"} {
				if got := r.header.Get(h); got != want {
					t.Errorf("%s: %s = %q, want %q", path, h, got, want)
				}
			}
			if r.header.Get("X-Request-Id") == "" {
				t.Errorf("%s: no request id", path)
			}
			if r.header.Get("Strict-Transport-Security") != "" {
				t.Errorf("%s: HSTS sent over plain HTTP", path)
			}
		}
	})
}

func TestPublicShell(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		r := e.get(e.client(), "/")
		for _, want := range []string{"govuk-exit-this-page", "Exit this page", "999", "Demonstration data: do not enter real information", "/assets/app."} {
			if !strings.Contains(r.body, want) {
				t.Errorf("public home lacks %q", want)
			}
		}
		if strings.Contains(r.body, "<script>") {
			t.Error("inline script on the public page")
		}
		for _, path := range []string{"/sign-in", "/accessibility", "/no-such-page", "/families/1/audit?x"} {
			r := e.get(e.client(), path)
			if r.status == http.StatusSeeOther {
				r = e.get(e.client(), r.location)
			}
			if !strings.Contains(r.body, "Exit this page") || !strings.Contains(r.body, "call 999") {
				t.Errorf("%s: a signed-out page without Exit this page or the emergency contacts", path)
			}
		}
		nf := e.get(e.client(), "/no-such-page")
		if nf.status != http.StatusNotFound || !strings.Contains(nf.body, "Page not found") {
			t.Errorf("unknown page: %d", nf.status)
		}
	})
}

func TestSignInFlow(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		c := e.client()
		// A staff page sends you to sign in, remembering where you were going.
		r := e.get(c, "/caseload")
		if r.status != http.StatusSeeOther || r.location != "/sign-in?next=%2Fcaseload" {
			t.Fatalf("signed-out /caseload: %d %q", r.status, r.location)
		}
		form := e.get(c, "/sign-in")
		for _, want := range []string{`autocomplete="username"`, `autocomplete="current-password"`} {
			if !strings.Contains(form.body, want) {
				t.Errorf("sign-in form lacks %s", want)
			}
		}
		r = e.post(c, "/sign-in", url.Values{"email": {practitioner}, "password": {demo.Password}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("password: %d", r.status)
		}
		u, _ := url.Parse(e.srv.URL)
		first := c.Jar.Cookies(u)
		// Half signed in: no staff pages yet.
		if r := e.get(c, "/home"); r.status != http.StatusSeeOther || r.location != "/sign-in/code" {
			t.Fatalf("half-signed-in /home: %d %q", r.status, r.location)
		}
		page := e.get(c, "/sign-in/code")
		if !strings.Contains(page.body, `autocomplete="one-time-code"`) {
			t.Error("code field lacks autocomplete=one-time-code")
		}
		token := csrfFrom(t, page.body)
		// Wrong format, wrong code: specific messages, typed value kept.
		r = e.post(c, "/sign-in/code", url.Values{"code": {"12ab"}, "csrf_token": {token}})
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Enter the security code as 6 numbers") || !strings.Contains(r.body, `value="12ab"`) {
			t.Errorf("bad format: %d\n%s", r.status, r.body)
		}
		code, _ := credential.TOTPCode(cred(practitioner).TOTPSecret, e.clock.Now().Add(-5*time.Minute))
		r = e.post(c, "/sign-in/code", url.Values{"code": {code}, "csrf_token": {token}})
		if r.status != http.StatusUnauthorized || !strings.Contains(r.body, "wrong or has expired") {
			t.Errorf("expired code: %d", r.status)
		}
		// Missing CSRF token on the code form.
		r = e.post(c, "/sign-in/code", url.Values{"code": {"123456"}})
		if r.status != http.StatusForbidden || !strings.Contains(r.body, "missing its security token") {
			t.Errorf("no csrf: %d", r.status)
		}
		code, _ = credential.TOTPCode(cred(practitioner).TOTPSecret, e.clock.Now())
		r = e.post(c, "/sign-in/code", url.Values{"code": {code}, "csrf_token": {token}, "next": {"/caseload"}})
		if r.status != http.StatusSeeOther || r.location != "/caseload" {
			t.Fatalf("code: %d %q", r.status, r.location)
		}
		second := c.Jar.Cookies(u)
		if len(first) != 1 || len(second) != 1 || first[0].Value == second[0].Value {
			t.Errorf("session not rotated at sign-in: %v → %v", first, second)
		}
		home := e.get(c, "/home")
		for _, want := range []string{"Priya Shah", "Therapeutic practitioner", "Blackpool"} {
			if !strings.Contains(home.body, want) {
				t.Errorf("home lacks %q", want)
			}
		}
		// The same code cannot be used again, even in a new sign-in.
		c2 := e.client()
		e.post(c2, "/sign-in", url.Values{"email": {practitioner}, "password": {demo.Password}})
		p2 := e.get(c2, "/sign-in/code")
		r = e.post(c2, "/sign-in/code", url.Values{"code": {code}, "csrf_token": {csrfFrom(t, p2.body)}})
		if r.status != http.StatusUnauthorized || !strings.Contains(r.body, "already been used") {
			t.Errorf("replayed code: %d\n%s", r.status, r.body)
		}
		// Sign out: needs the token; then the session is gone.
		if r := e.post(c, "/sign-out", url.Values{}); r.status != http.StatusForbidden {
			t.Errorf("sign-out without token: %d", r.status)
		}
		r = e.post(c, "/sign-out", url.Values{"csrf_token": {csrfFrom(t, home.body)}})
		if r.status != http.StatusSeeOther || r.location != "/sign-in?signed_out=1" {
			t.Errorf("sign-out: %d %q", r.status, r.location)
		}
		if r := e.get(c, "/home"); r.status != http.StatusSeeOther {
			t.Errorf("after sign-out /home: %d", r.status)
		}
		// Audit: success recorded for the account.
		es, _ := e.db.AuditEntries(context.Background(), store.AuditFilter{Actions: []string{"signin.success", "signout"}})
		if len(es) != 2 {
			t.Errorf("sign-in/out audit entries = %d, want 2", len(es))
		}
	})
}

func TestWrongPasswordAndRateLimit(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		c := e.client()
		r := e.post(c, "/sign-in", url.Values{"email": {practitioner}, "password": {"not-the-password"}})
		if r.status != http.StatusUnauthorized || !strings.Contains(r.body, "Enter a correct email address and password") ||
			!strings.Contains(r.body, `value="`+practitioner+`"`) || strings.Contains(r.body, "not-the-password") {
			t.Fatalf("wrong password: %d\n%s", r.status, r.body)
		}
		unknown := e.post(c, "/sign-in", url.Values{"email": {"nobody@cradle.example"}, "password": {"whatever-it-is"}})
		if unknown.status != r.status || !strings.Contains(unknown.body, "Enter a correct email address and password") {
			t.Errorf("unknown account answered differently: %d", unknown.status)
		}
		empty := e.post(c, "/sign-in", url.Values{})
		if empty.status != http.StatusUnprocessableEntity || !strings.Contains(empty.body, "Enter your email address") || !strings.Contains(empty.body, "Enter your password") {
			t.Errorf("empty form: %d", empty.status)
		}
		for i := 0; i < 4; i++ {
			e.post(c, "/sign-in", url.Values{"email": {practitioner}, "password": {"wrong-again-and-again"}})
		}
		// Five failures: now even the right password is refused, with a clear message.
		r = e.post(c, "/sign-in", url.Values{"email": {practitioner}, "password": {demo.Password}})
		if r.status != http.StatusTooManyRequests || !strings.Contains(r.body, "too many failed attempts") {
			t.Fatalf("after 5 failures: %d\n%s", r.status, r.body)
		}
		// After the window passes, sign-in works again.
		e.clock.Advance(16 * time.Minute)
		e.signIn(c, practitioner)
		es, _ := e.db.AuditEntries(context.Background(), store.AuditFilter{Actions: []string{"signin.failure"}})
		if len(es) != 6 {
			t.Errorf("signin.failure entries = %d, want 6", len(es))
		}
	})
}

func TestSessionTimeouts(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		c := e.client()
		e.signIn(c, practitioner)
		e.clock.Advance(29 * time.Minute)
		if r := e.get(c, "/home"); r.status != http.StatusOK {
			t.Fatalf("after 29 idle minutes: %d", r.status)
		}
		e.clock.Advance(31 * time.Minute)
		r := e.get(c, "/home")
		if r.status != http.StatusSeeOther || !strings.Contains(r.location, "expired=1") {
			t.Fatalf("after 31 idle minutes: %d %q", r.status, r.location)
		}
		if p := e.get(c, r.location); !strings.Contains(p.body, "You were signed out because your session ended") {
			t.Error("no expiry message on the sign-in page")
		}
		// Absolute limit: active every 20 minutes, still signed out after 12 hours.
		e.signIn(c, practitioner)
		for i := 0; i < 36; i++ {
			e.clock.Advance(20 * time.Minute)
			if r := e.get(c, "/home"); r.status != http.StatusOK {
				t.Fatalf("active session ended early, after %d minutes", (i+1)*20)
			}
		}
		e.clock.Advance(20 * time.Minute)
		if r := e.get(c, "/home"); r.status != http.StatusSeeOther {
			t.Fatalf("session outlived 12 hours: %d", r.status)
		}
	})
}

func TestCrossOriginPostRefused(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		r := e.do(e.client(), "POST", "/sign-in", url.Values{"email": {practitioner}, "password": {demo.Password}}, "Sec-Fetch-Site", "cross-site")
		if r.status != http.StatusForbidden || !strings.Contains(r.body, "came from another website") {
			t.Fatalf("cross-site POST: %d", r.status)
		}
	})
}

func TestFamilyAccessAndRecordAudit(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		prac, _ := e.db.StaffByEmail(ctx, practitioner)
		list, err := e.db.Caseload(ctx, prac.Actor())
		if err != nil || len(list) == 0 {
			t.Fatalf("caseload: %v %d", err, len(list))
		}
		famID := list[0].FamilyID
		path := "/families/" + itoa(famID)

		pc := e.client()
		e.signIn(pc, practitioner)
		if r := e.get(pc, "/caseload"); !strings.Contains(r.body, path) {
			t.Errorf("caseload lacks %s", path)
		}
		if r := e.get(pc, path); r.status != http.StatusOK || !strings.Contains(r.body, "Withheld: confidential to the other parent") {
			t.Errorf("practitioner family page: %d", r.status)
		}
		if r := e.get(pc, path+"/audit"); r.status != http.StatusForbidden {
			t.Errorf("practitioner record audit: %d, want 403", r.status)
		}
		if r := e.get(pc, "/families/not-a-number"); r.status != http.StatusNotFound {
			t.Errorf("bad id: %d, want 404", r.status)
		}
		if r := e.get(pc, "/families/999999"); r.status != http.StatusNotFound {
			t.Errorf("missing family: %d, want 404", r.status)
		}

		hc := e.client()
		e.signIn(hc, herts)
		if r := e.get(hc, path); r.status != http.StatusForbidden || !strings.Contains(r.body, "You do not have access") {
			t.Errorf("other-area practitioner: %d, want 403", r.status)
		}
		personPath := "/people/" + itoa(list[0].Parents[0].ID)
		if r := e.get(hc, personPath); r.status != http.StatusForbidden {
			t.Errorf("other-area practitioner on a parent's page: %d, want 403", r.status)
		}

		ac := e.client()
		e.signIn(ac, admin)
		if r := e.get(ac, path); r.status != http.StatusForbidden {
			t.Errorf("admin family page: %d, want 403 (no personal data)", r.status)
		}
		r := e.get(ac, path+"/audit")
		if r.status != http.StatusOK || !strings.Contains(r.body, practitioner) || !strings.Contains(r.body, "Opened the family&#39;s record") {
			t.Errorf("admin record audit: %d\n%s", r.status, r.body)
		}
		// Those refused are on it too: who, what they asked for and why
		// not (the other area's practitioner; the administrator, whose
		// refusal came before this view).
		for _, want := range []string{herts, "Refused access", "GET " + path + ": this record belongs to an area you do not work in", "GET " + personPath + ":", admin} {
			if !strings.Contains(r.body, want) {
				t.Errorf("the record audit does not show %q among the refusals", want)
			}
		}
		if r := e.get(ac, "/audit"); r.status != http.StatusOK || !strings.Contains(r.body, "signin.success") {
			t.Errorf("admin audit log: %d", r.status)
		}
		if r := e.get(pc, "/audit"); r.status != http.StatusForbidden {
			t.Errorf("practitioner audit log: %d, want 403", r.status)
		}

		mc := e.client()
		e.signIn(mc, manager)
		if r := e.get(mc, path); r.status != http.StatusOK || !strings.Contains(r.body, "Who looked at this record") {
			t.Errorf("manager family page: %d", r.status)
		}
		if n, err := e.db.VerifyAudit(ctx); err != nil || n == 0 {
			t.Errorf("audit chain after the session: %d, %v", n, err)
		}
	})
}

func TestFirstSignInMustChangePassword(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := audit.WithSource(context.Background(), audit.Source{Actor: "test"})
		hash, _ := credential.HashWith(testPasswordParams, "lantern-oyster-pebble-tadpole")
		secret, _, _ := credential.NewTOTPSecret("Cradle", "new@cradle.example")
		err := e.db.Update(ctx, func(tx *store.Tx) error {
			_, err := tx.CreateStaff(org.NewStaff{Email: "new@cradle.example", Name: "New Starter", Role: "practitioner", AreaName: "Blackpool"},
				store.StaffSecrets{PasswordHash: hash, TOTPSecret: secret, MustChange: true})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		c := e.client()
		e.clock.Advance(31 * time.Second)
		e.post(c, "/sign-in", url.Values{"email": {"new@cradle.example"}, "password": {"lantern-oyster-pebble-tadpole"}})
		page := e.get(c, "/sign-in/code")
		code, _ := credential.TOTPCode(secret, e.clock.Now())
		r := e.post(c, "/sign-in/code", url.Values{"code": {code}, "csrf_token": {csrfFrom(t, page.body)}})
		if r.location != "/sign-in/new-password" {
			t.Fatalf("after code: %d %q", r.status, r.location)
		}
		if r := e.get(c, "/home"); r.location != "/sign-in/new-password" {
			t.Errorf("/home before changing password: %q", r.location)
		}
		form := e.get(c, "/sign-in/new-password")
		token := csrfFrom(t, form.body)
		for _, tc := range []struct{ pw, confirm, want string }{
			{"short", "short", "12 characters or more"},
			{"password1234", "password1234", "too common"},
			{"lantern-oyster-pebble-tadpole", "lantern-oyster-pebble-tadpole", "different from your one-time password"},
			{"maple river cloud seven", "maple river cloud", "Enter the same new password in both boxes"},
		} {
			r := e.post(c, "/sign-in/new-password", url.Values{"password": {tc.pw}, "confirm": {tc.confirm}, "csrf_token": {token}})
			if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, tc.want) {
				t.Errorf("password %q: %d, want message %q", tc.pw, r.status, tc.want)
			}
		}
		r = e.post(c, "/sign-in/new-password", url.Values{"password": {"maple river cloud seven"}, "confirm": {"maple river cloud seven"}, "csrf_token": {token}})
		if r.location != "/home" {
			t.Fatalf("new password: %d %q", r.status, r.location)
		}
		if r := e.get(c, "/home"); r.status != http.StatusOK || !strings.Contains(r.body, "New Starter") {
			t.Errorf("home after new password: %d", r.status)
		}
	})
}

func TestOperationalEndpoints(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		c := e.client()
		if r := e.get(c, "/healthz"); r.status != 200 || r.body != "ok\n" {
			t.Errorf("healthz: %d %q", r.status, r.body)
		}
		if r := e.get(c, "/readyz"); r.status != 200 {
			t.Errorf("readyz: %d", r.status)
		}
		e.get(c, "/sign-in")
		r := e.get(c, "/metrics")
		if r.status != 200 || !strings.Contains(r.body, `cradle_http_requests_total{route="GET /sign-in",method="GET",code="200"}`) ||
			!strings.Contains(r.body, "cradle_db_open_connections") || !strings.Contains(r.body, "cradle_http_request_duration_seconds_bucket") {
			t.Errorf("metrics: %d\n%s", r.status, r.body)
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestBehindTLSProxyMarksCookiesSecure(t *testing.T) {
	b := storetest.Backends(t)[0]
	c := &clock{t: time.Now().UTC()}
	db := storetest.Open(t, b, c.Now)
	if _, _, err := demo.LoadWith(context.Background(), db, testPasswordParams); err != nil {
		t.Fatal(err)
	}
	s, err := web.New(db, slog.New(slog.NewTextHandler(io.Discard, nil)), web.Config{Now: c.Now, BehindTLS: true, PasswordParams: testPasswordParams, Frontend: sharedFrontend(t)})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	e := &env{t: t, db: db, srv: srv, clock: c}
	r := e.post(e.client(), "/sign-in", url.Values{"email": {practitioner}, "password": {demo.Password}})
	cookie := r.header.Get("Set-Cookie")
	for _, want := range []string{"__Host-cradle_session=", "HttpOnly", "Secure", "SameSite=Lax", "Path=/"} {
		if !strings.Contains(cookie, want) {
			t.Errorf("Set-Cookie %q lacks %s", cookie, want)
		}
	}
	if strings.Contains(cookie, "Domain=") {
		t.Errorf("Set-Cookie %q names a domain, which the __Host- prefix forbids", cookie)
	}
	// The browser sends it back under that name (over HTTPS at the proxy:
	// sent by hand here, as a cookie jar keeps a Secure cookie from plain
	// HTTP), and the old name is not read.
	value := strings.TrimPrefix(strings.SplitN(cookie, ";", 2)[0], "__Host-cradle_session=")
	plain := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if code := e.do(plain, "GET", "/sign-in/code", nil, "Cookie", "__Host-cradle_session="+value); code.status != http.StatusOK {
		t.Errorf("the code step with the session cookie: %d %s", code.status, code.location)
	}
	if code := e.do(plain, "GET", "/sign-in/code", nil, "Cookie", "cradle_session="+value); code.status == http.StatusOK {
		t.Error("the session is read from the unprefixed cookie behind TLS")
	}
	if !strings.HasPrefix(r.header.Get("Strict-Transport-Security"), "max-age=") {
		t.Error("no HSTS behind a TLS proxy")
	}
}

func TestDisabledAccountCannotSignInOrContinue(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		c := e.client()
		e.signIn(c, practitioner)
		err := e.db.Update(audit.WithSource(context.Background(), audit.Source{Actor: "test"}), func(tx *store.Tx) error {
			_, err := tx.DisableStaff(practitioner)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if r := e.get(c, "/home"); r.status != http.StatusSeeOther {
			t.Errorf("disabled account's open session still works: %d", r.status)
		}
		r := e.post(e.client(), "/sign-in", url.Values{"email": {practitioner}, "password": {demo.Password}})
		if r.status != http.StatusUnauthorized || !strings.Contains(r.body, "Enter a correct email address and password") {
			t.Errorf("disabled account sign-in: %d (must look like any wrong password)", r.status)
		}
	})
}

// TestEveryRouteIsClassified fails when a route is added without saying
// whether the public may use it: anything not listed here must send a
// signed-out visitor to sign in.
func TestEveryRouteIsClassified(t *testing.T) {
	public := map[string]bool{
		"GET /healthz": true, "GET /readyz": true, "GET /metrics": true, "GET /assets/": true,
		"GET /{$}": true, "GET /{slug}": true, "GET /documents/{id}/{name}": true, "/": true,
		"GET /sign-in": true, "POST /sign-in": true, "GET /sign-in/code": true, "POST /sign-in/code": true,
		"GET /sign-in/new-password": true, "POST /sign-in/new-password": true, "POST /sign-out": true,
		"GET /sign-in/forgot": true, "POST /sign-in/forgot": true, "GET /sign-in/reset": true, "POST /sign-in/reset": true,
		"GET /refer/professional": true, "POST /refer/professional": true, "GET /refer/professional/confirmation": true,
		"GET /refer/yourself": true, "GET /refer/yourself/check": true, "POST /refer/yourself/check": true,
		"GET /refer/yourself/confirmation": true, "POST /api/v1/referrals": true, "GET /api/v1/openapi.json": true,
		"GET /mailing-list": true, "POST /mailing-list": true, "GET /mailing-list/check-email": true, "GET /mailing-list/confirm": true,
		"POST /mailing-list/confirm": true, "GET /mailing-list/unsubscribe": true, "POST /mailing-list/unsubscribe": true, "GET /refer/yourself/{step}": true, "POST /refer/yourself/{step}": true,
	}
	each(t, func(t *testing.T, e *env) {
		s, err := web.New(e.db, slog.New(slog.NewTextHandler(io.Discard, nil)), web.Config{Now: e.clock.Now, PasswordParams: testPasswordParams, Frontend: sharedFrontend(t)})
		if err != nil {
			t.Fatal(err)
		}
		for _, route := range s.Routes() {
			if public[route] {
				continue
			}
			method, path, ok := strings.Cut(route, " ")
			if !ok {
				t.Errorf("route %q has no method: every staff route must name one", route)
				continue
			}
			path = strings.NewReplacer("{id}", "1", "{$}", "").Replace(path)
			form := url.Values{}
			if method == "GET" {
				form = nil
			}
			r := e.do(e.client(), method, path, form)
			if r.status != http.StatusSeeOther || !strings.HasPrefix(r.location, "/sign-in") {
				t.Errorf("%s signed out: %d %q, want a redirect to sign in", route, r.status, r.location)
			}
		}
	})
}
