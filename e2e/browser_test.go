package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/cradle-org/cradle/internal/cli"
	"github.com/cradle-org/cradle/internal/credential"
	"github.com/cradle-org/cradle/internal/demo"
)

const (
	practitionerEmail = "priya.shah@cradle.example"
	managerEmail      = "helen.whitaker@cradle.example"
	adminEmail        = "sam.carter@cradle.example"

	demoBanner = "Demonstration data: do not enter real information"

	// overallTimeout bounds the whole test, so that it never hangs; stepTimeout
	// bounds each browser step, so that a failure says where it got stuck.
	// The longest test (the family journey, some 60 steps) took all of 90 s
	// under -race on 2 busy cores and failed mid-step; each step's own limit
	// still catches a hang.
	overallTimeout = 4 * time.Minute
	stepTimeout    = 20 * time.Second
)

// wcagTags are the axe-core rule tags that the pages must pass.
var wcagTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"}

// TestBrowserSignInAndPages walks through the service as three members of
// staff, in separate browser contexts (so separate cookies), checking the
// content, accessibility (axe-core) and console of every page.
func TestBrowserSignInAndPages(t *testing.T) {
	t.Parallel()
	b, browser := browse(t, overallTimeout, func() string { return startServer(t) })

	// The family the practitioner opens; the team manager opens the same one.
	var familyRef, familyHref string

	step(t, "public pages", func(t *testing.T) {
		tab := b.newTab(t, browser)
		resp := tab.open(t, "/")
		csp, _ := resp.Headers["Content-Security-Policy"].(string)
		if !strings.Contains(csp, "script-src 'self'") {
			t.Errorf("public home: Content-Security-Policy = %q, want script-src 'self' (the axe injection check below relies on it)", csp)
		}
		tab.waitVisible(t, ".govuk-exit-this-page .govuk-exit-this-page__button")
		label := tab.eval(t, `document.querySelector('.govuk-exit-this-page__button').innerText.trim()`)
		if !strings.Contains(label, "Exit this page") {
			t.Errorf("public home: exit button text = %q, want it to contain %q", label, "Exit this page")
		}
		// app.js is a module script under a script-src 'self' policy: it
		// must have run and initialised govuk-frontend.
		if js := tab.eval(t, `String(document.body.classList.contains('govuk-frontend-supported'))`); js != "true" {
			t.Errorf("public home: body lacks govuk-frontend-supported: /assets/app.js did not run")
		}
		tab.mustSee(t, "public home", "If you are in danger", "999")
		tab.pageChecks(t, "public-home")
		tab.screenshot(t, "public-home")

		tab.open(t, "/accessibility")
		tab.pageChecks(t, "accessibility")

		// The harness checks itself: axe-core must report a planted fault,
		// and the console listener must report a script that the
		// Content-Security-Policy blocks (which shows that axe-core runs only
		// because DevTools evaluation is outside the policy).
		tab.eval(t, `(() => {
			const img = document.createElement('img');
			img.src = '/assets/favicon.svg';
			img.id = 'planted-fault';
			document.querySelector('main').append(img);
			const s = document.createElement('script');
			s.textContent = 'window.plantedScriptRan = true';
			document.body.append(s);
			return '';
		})()`)
		if v := runAxe(t, tab, "self-check"); !slices.ContainsFunc(v.Violations, func(v axeViolation) bool { return v.ID == "image-alt" }) {
			t.Errorf("self-check: axe-core did not report an img with no alt text; violations: %+v", v.Violations)
		}
		if ran := tab.eval(t, `String(window.plantedScriptRan === true)`); ran != "false" {
			t.Errorf("self-check: an inline script ran despite the Content-Security-Policy")
		}
		tab.run(t, "waiting for the console", chromedp.Sleep(100*time.Millisecond))
		if p := tab.takeProblems(); !slices.ContainsFunc(p, func(s string) bool { return strings.Contains(s, "Content Security Policy") }) {
			t.Errorf("self-check: the console listener did not report the blocked inline script; it has %q", p)
		}
		tab.close(t)
	})

	step(t, "practitioner", func(t *testing.T) {
		tab := b.newTab(t, browser)
		cred := credentialFor(t, practitionerEmail)

		tab.open(t, "/sign-in")
		tab.pageChecks(t, "sign-in")

		// A wrong password: an error summary, the email kept, no password.
		tab.fill(t, "#email", cred.Email)
		tab.fill(t, "#password", "not-the-password")
		resp := tab.click(t, `form[action="/sign-in"] button[type="submit"]`)
		if resp.Status < 400 {
			t.Errorf("wrong password: HTTP status %d, want an error status", resp.Status)
		}
		tab.mustSee(t, "sign-in error", "There is a problem", "Enter a correct email address and password")
		if got := tab.value(t, "#email"); got != cred.Email {
			t.Errorf("sign-in error: email field = %q, want %q kept", got, cred.Email)
		}
		if got := tab.value(t, "#password"); got != "" {
			t.Errorf("sign-in error: password field was filled in again (%d characters)", len(got))
		}
		if title := tab.eval(t, `document.title`); !strings.HasPrefix(title, "Error: ") {
			t.Errorf("sign-in error: title = %q, want it to start with \"Error: \"", title)
		}
		tab.pageChecks(t, "sign-in-error")
		tab.screenshot(t, "sign-in-error")

		// Now correctly, with the password and then the security code.
		tab.fill(t, "#password", cred.Password)
		tab.click(t, `form[action="/sign-in"] button[type="submit"]`)
		tab.mustBeAt(t, "/sign-in/code")
		tab.pageChecks(t, "sign-in-code")
		tab.fill(t, "#code", totp(t, cred, tab.s.now()))
		tab.click(t, `form[action="/sign-in/code"] button[type="submit"]`)
		tab.mustBeAt(t, "/home")
		tab.mustSee(t, "home", "Priya Shah", "Therapeutic practitioner", "Blackpool")
		tab.pageChecks(t, "practitioner-home")
		tab.screenshot(t, "practitioner-home")

		tab.click(t, `nav a[href="/caseload"]`)
		tab.mustBeAt(t, "/caseload")
		tab.pageChecks(t, "caseload")
		tab.screenshot(t, "practitioner-caseload")
		var first struct{ Href, Ref string }
		tab.evalInto(t, `(() => {
			const a = document.querySelector('main table a[href^="/families/"]');
			return a ? {Href: a.getAttribute('href'), Ref: a.textContent.trim()} : {Href: '', Ref: ''};
		})()`, &first)
		if first.Href == "" {
			t.Fatal("caseload: no family links for the practitioner")
		}
		familyRef, familyHref = first.Ref, first.Href

		tab.click(t, fmt.Sprintf(`main a[href=%q]`, familyHref))
		tab.mustBeAt(t, familyHref)
		tab.mustSee(t, "family", "Family "+familyRef)
		tab.pageChecks(t, "family")
		tab.screenshot(t, "practitioner-family")
		// One card is Priya's own parent, with contact details; the other
		// parent belongs to another practitioner, and their details are hidden.
		var cards []struct {
			Practitioner string
			Text         string
		}
		tab.evalInto(t, `[...document.querySelectorAll('.govuk-summary-card')].map(c => {
			const row = [...c.querySelectorAll('.govuk-summary-list__row')]
				.find(r => r.querySelector('dt').textContent.trim() === 'Practitioner');
			return {Practitioner: row ? row.querySelector('dd').textContent.trim() : '', Text: c.innerText};
		})`, &cards)
		own, other := 0, 0
		for _, c := range cards {
			if c.Practitioner == "Priya Shah" {
				own++
				for _, want := range []string{"Address", "Phone", "Safe contact"} {
					if !strings.Contains(c.Text, want) {
						t.Errorf("family %s: Priya's own parent's card lacks %q:\n%s", familyRef, want, c.Text)
					}
				}
				if !regexp.MustCompile(`07700 9\d{5}`).MatchString(c.Text) {
					t.Errorf("family %s: Priya's own parent's card shows no phone number:\n%s", familyRef, c.Text)
				}
				continue
			}
			other++
			if !strings.Contains(c.Text, "Withheld: confidential to the other parent's practitioner") {
				t.Errorf("family %s: the co-parent's card (practitioner %q) does not say the details are confidential:\n%s", familyRef, c.Practitioner, c.Text)
			}
			if regexp.MustCompile(`07700 9\d{5}`).MatchString(c.Text) {
				t.Errorf("family %s: the co-parent's phone number is shown to Priya:\n%s", familyRef, c.Text)
			}
		}
		if own != 1 || other != 1 {
			t.Errorf("family %s: %d cards for Priya's parent and %d for the co-parent, want 1 and 1", familyRef, own, other)
		}
		if n := tab.count(t, `main a[href$="/audit"]`); n != 0 {
			t.Errorf("family %s: a practitioner is offered the record's audit link", familyRef)
		}

		tab.click(t, `form[action="/sign-out"] button[type="submit"]`)
		tab.mustBeAt(t, "/sign-in")
		tab.mustSee(t, "signed out", "You have signed out")
		// The session is really over.
		tab.open(t, "/home")
		tab.mustBeAt(t, "/sign-in")
		tab.close(t)
	})

	step(t, "team manager", func(t *testing.T) {
		if familyRef == "" {
			t.Fatal("the practitioner part did not find a family to look at")
		}
		tab := b.newTab(t, browser)
		tab.signIn(t, credentialFor(t, managerEmail))
		tab.mustSee(t, "manager home", "Helen Whitaker", "Team manager", "Blackpool")
		tab.click(t, `nav a[href="/caseload"]`)
		href := tab.eval(t, fmt.Sprintf(`(() => {
			const a = [...document.querySelectorAll('main table a[href^="/families/"]')].find(a => a.textContent.trim() === %q);
			return a ? a.getAttribute('href') : '';
		})()`, familyRef))
		if href == "" {
			t.Fatalf("team manager's caseload has no family %s", familyRef)
		}
		if href != familyHref {
			t.Errorf("family %s: team manager's link %s, practitioner's %s", familyRef, href, familyHref)
		}
		tab.click(t, fmt.Sprintf(`main a[href=%q]`, href))
		tab.mustSee(t, "manager family", "Family "+familyRef)
		tab.click(t, fmt.Sprintf(`main a[href=%q]`, href+"/audit"))
		tab.mustBeAt(t, href+"/audit")
		tab.mustSee(t, "record audit", "Who looked at family "+familyRef)
		tab.pageChecks(t, "record-audit")
		tab.screenshot(t, "manager-record-audit")
		var who []string
		tab.evalInto(t, `[...document.querySelectorAll('main tbody tr')].map(r => r.cells[1].textContent.trim())`, &who)
		found := false
		for _, w := range who {
			found = found || w == practitionerEmail
		}
		if !found {
			t.Errorf("record audit for family %s does not list %s; it lists %q", familyRef, practitionerEmail, who)
		}
		tab.close(t)
	})

	step(t, "admin, keyboard only", func(t *testing.T) {
		tab := b.newTab(t, browser)
		tab.keyboardSignIn(t, credentialFor(t, adminEmail))
		tab.mustSee(t, "admin home", "Sam Carter", "Blackpool")
		tab.click(t, `nav a[href="/audit"]`)
		tab.mustBeAt(t, "/audit")
		tab.mustSee(t, "audit log", "Audit log", practitionerEmail, managerEmail)
		tab.pageChecks(t, "audit-log")
		tab.screenshot(t, "admin-audit-log")
		tab.close(t)
	})
}

// step runs one part of the walk-through as a subtest. A failed part does
// not stop the later ones (so that every page's accessibility is reported);
// a part that needs something from an earlier one checks that it has it.
func step(t *testing.T, name string, f func(t *testing.T)) {
	t.Helper()
	t.Run(name, f)
}

// --- the server ---

// lockedBuffer is a bytes.Buffer that the server and the test can share.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startServer runs `cradle serve --demo` in-process on a free port, with an
// empty environment and a fresh data folder (a copy of the demo's, see
// demoDataCopy), and returns its base URL.
func startServer(t *testing.T) string {
	t.Helper()
	return startServerWith(t, map[string]string{})
}

// startServerWith starts the server with the given environment (for
// example, an SMTP server to send mail through).
func startServerWith(t *testing.T, env map[string]string) string {
	t.Helper()
	return startServerWithClock(t, env, nil)
}

// testClock is a clock that the test moves on by hand (to a due date, or a
// baby's second birthday); it stands still in between. The server reads it
// for everything: dates, sessions (30 idle minutes, 12 hours) and security
// codes, so sign in again after a big move, with a code for clock.Now().
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

// newTestClock starts a clock at the real time.
func newTestClock() *testClock { return &testClock{now: time.Now()} }

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock on by d.
func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// startServerWithClock starts the server with the environment, on the
// clock (the real one if clock is nil).
func startServerWithClock(t *testing.T, env map[string]string, clock *testClock) string {
	t.Helper()
	// A copy of the demo, unless the environment names other keys or another
	// database, which the copy's data would not match.
	data := t.TempDir()
	if env["CRADLE_KEYS"] == "" && env["CRADLE_DATABASE_URL"] == "" && env["CRADLE_DATA"] == "" {
		data = demoDataCopy(t)
	}
	return serveFolder(t, env, clock, data)
}

// serveFolder runs `cradle serve --demo` in-process on the data folder.
func serveFolder(t *testing.T, env map[string]string, clock *testClock, data string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr lockedBuffer
	addrCh := make(chan string, 1)
	done := make(chan int, 1)
	app := &cli.App{Stdout: &stdout, Stderr: &stderr, Getenv: func(k string) string { return env[k] }, Version: "test", PasswordParams: testPasswordParams,
		Ready: func(addr string) { addrCh <- addr }}
	if clock != nil {
		app.Now = clock.Now
	}
	args := []string{"serve", "--data", data, "--addr", "127.0.0.1:0", "--demo"}
	go func() { done <- app.Run(ctx, args) }()
	t.Cleanup(func() {
		cancel()
		select {
		case code := <-done:
			if code != 0 {
				t.Errorf("server exited with code %d:\n%s", code, stderr.String())
			}
		case <-time.After(30 * time.Second):
			t.Error("server did not stop within 30s of being cancelled")
		}
		if t.Failed() {
			t.Logf("server log:\n%s", stderr.String())
		}
	})
	select {
	case addr := <-addrCh:
		return "http://" + addr
	case code := <-done:
		t.Fatalf("server exited with code %d before listening:\n%s%s", code, stdout.String(), stderr.String())
	case <-time.After(30 * time.Second):
		t.Fatal("server did not start listening within 30s")
	}
	return ""
}

func credentialFor(t *testing.T, email string) demo.Credential {
	t.Helper()
	for _, c := range demo.Credentials() {
		if c.Email == email {
			return c
		}
	}
	t.Fatalf("no demo credential for %s", email)
	return demo.Credential{}
}

// totp returns the security code at a time (the server's now). A code's
// time step cannot be used twice, so an account signs in again only after
// its clock has moved on by 30 seconds or more.
func totp(t *testing.T, c demo.Credential, at time.Time) string {
	t.Helper()
	code, err := credential.TOTPCode(c.TOTPSecret, at)
	if err != nil {
		t.Fatalf("TOTP code for %s: %v", c.Email, err)
	}
	return code
}

// --- the browser ---

// chromiumPath finds the browser, or skips the test (fails it, if
// CRADLE_TEST_REQUIRE_BROWSER is set) when there is none.
func chromiumPath(t *testing.T) string {
	t.Helper()
	path := os.Getenv("CRADLE_CHROMIUM")
	if path == "" {
		path = "/usr/bin/chromium"
	}
	if fi, err := os.Stat(path); err != nil || fi.IsDir() { // #nosec G703 -- the browser the tester named in CRADLE_CHROMIUM
		msg := fmt.Sprintf("no Chromium at %s (set CRADLE_CHROMIUM to the browser binary, or install it: apt-get install -y chromium)", path)
		if os.Getenv("CRADLE_TEST_REQUIRE_BROWSER") != "" {
			t.Fatal(msg + "; CRADLE_TEST_REQUIRE_BROWSER is set, so this is a failure")
		}
		t.Skip(msg)
	}
	return path
}

// startBrowser starts headless Chromium with a fresh profile and returns a
// context for the browser; tabs are made from it with session.newTab.
func startBrowser(t *testing.T, ctx context.Context, path string) context.Context {
	t.Helper()
	var output lockedBuffer
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("password-store", "basic"),
		// Not made for each window (browser context) the tests open: the
		// address bar's pop-up (a web page of its own, which headless
		// Chromium renders though it is never shown) and a spare renderer
		// kept ready for the next site. Both cost CPU that CI runs short of:
		// a journey's browser time fell by a third.
		chromedp.Flag("disable-features", "WebUIOmniboxPopup,WebUIOmniboxAimPopup,WebUIOmniboxFullPopup,SpareRendererForSitePerProcess"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
		chromedp.CombinedOutput(&output),
	)
	// Cleanups run last-in first-out: the browser is closed (and waited
	// for) before the profile folder is removed.
	t.Cleanup(cancelAlloc)
	browserCtx, cancelBrowser := chromedp.NewContext(allocCtx)
	t.Cleanup(cancelBrowser)
	start := time.Now()
	if err := chromedp.Do(browserCtx); err != nil {
		t.Fatalf("starting %s: %v\n%s", path, err, output.String())
	}
	t.Logf("browser started in %v", time.Since(start).Round(time.Millisecond))
	return browserCtx
}

// session holds what the tabs of one test share.
type session struct {
	base  string
	shots *shots
	clock *testClock // the server's clock, if not the real one
}

// now is the server's time.
func (s *session) now() time.Time {
	if s.clock != nil {
		return s.clock.Now()
	}
	return time.Now()
}

// tab is one page in its own browser context (so its own cookies).
type tab struct {
	s      *session
	ctx    context.Context
	cancel context.CancelFunc

	mu        sync.Mutex
	problems  []string                   // console errors, exceptions and CSP reports
	documents map[network.RequestID]bool // page loads, whose status the test checks itself
	requests  []string                   // every URL the tab asked for, in order
}

// takeRequests returns the URLs requested since the last call.
func (tb *tab) takeRequests() []string {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	r := tb.requests
	tb.requests = nil
	return r
}

func (s *session) newTab(t *testing.T, browser context.Context) *tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	tb := &tab{s: s, ctx: ctx, cancel: cancel, documents: map[network.RequestID]bool{}}
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("opening a tab: %v", err)
	}
	err := chromedp.Listen(ctx, func(ev any) {
		var msg string
		switch ev := ev.(type) {
		case *network.EventRequestWillBeSent:
			tb.mu.Lock()
			tb.requests = append(tb.requests, ev.Request.URL)
			tb.mu.Unlock()
		case *network.EventResponseReceived:
			if ev.Type == network.ResourceTypeDocument {
				tb.mu.Lock()
				tb.documents[ev.RequestID] = true
				tb.mu.Unlock()
			}
		case *runtime.EventExceptionThrown:
			d := ev.ExceptionDetails
			msg = "exception: " + d.Text
			if d.Exception != nil && d.Exception.Description != "" {
				msg += " " + d.Exception.Description
			}
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
				var parts []string
				for _, a := range ev.Args {
					if a.Value != nil {
						parts = append(parts, string(a.Value))
					} else {
						parts = append(parts, a.Description)
					}
				}
				msg = "console." + string(ev.Type) + ": " + strings.Join(parts, " ")
			}
		case *cdplog.EventEntryAdded:
			tb.mu.Lock()
			// A page sent with an error status (such as 401 for a wrong
			// password) is logged as a failed load; the test checks the
			// status of pages itself, and expects some errors.
			document := ev.Entry.Source == cdplog.EntrySourceNetwork && tb.documents[ev.Entry.NetworkRequestID]
			tb.mu.Unlock()
			if !document && (ev.Entry.Level == cdplog.EntryLevelError || ev.Entry.Source == cdplog.EntrySourceSecurity) {
				msg = fmt.Sprintf("%s %s: %s (%s)", ev.Entry.Source, ev.Entry.Level, ev.Entry.Text, ev.Entry.URL)
			}
		}
		if msg != "" {
			tb.mu.Lock()
			tb.problems = append(tb.problems, msg)
			tb.mu.Unlock()
		}
	})
	if err != nil {
		t.Fatalf("listening to the tab: %v", err)
	}
	// Keyboard focus and :focus styles need the tab to be the active one.
	if _, err := chromedp.Call(ctx, page.BringToFront, cdp.Empty{}); err != nil {
		t.Fatalf("bringing the tab to the front: %v", err)
	}
	return tb
}

// close checks the console of the tab, then closes it.
func (tb *tab) close(t *testing.T) {
	t.Helper()
	tb.checkConsole(t, "")
	tb.cancel()
}

// checkConsole fails the test for any console error, uncaught exception or
// Content-Security-Policy report since the last check.
func (tb *tab) checkConsole(t *testing.T, pageName string) {
	t.Helper()
	for _, p := range tb.takeProblems() {
		if pageName != "" {
			t.Errorf("%s: browser console: %s", pageName, p)
		} else {
			t.Errorf("browser console: %s", p)
		}
	}
}

// takeProblems returns the console problems since the last call.
func (tb *tab) takeProblems() []string {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	p := tb.problems
	tb.problems = nil
	return p
}

// run runs browser actions with the step timeout.
func (tb *tab) run(t *testing.T, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatalf("%s: %v (at %s)", what, err, tb.location())
	}
}

// location is the tab's current URL, for messages.
func (tb *tab) location() string {
	ctx, cancel := context.WithTimeout(tb.ctx, 2*time.Second)
	defer cancel()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		return "unknown page"
	}
	return loc
}

// open navigates to a path and waits for the page to load.
func (tb *tab) open(t *testing.T, path string) *network.Response {
	t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(tb.s.base+path))
	if err != nil {
		t.Fatalf("opening %s: %v", path, err)
	}
	if resp.Status != 200 {
		t.Errorf("opening %s: HTTP status %d (%s)", path, resp.Status, resp.URL)
	}
	return resp
}

// The helpers below find elements with JavaScript and act with real mouse
// and keyboard events (Input.dispatchMouseEvent/KeyEvent) at the page's
// coordinates, instead of chromedp's selector queries: those keep a copy
// of the DOM that the tab's event goroutine updates while the test reads
// it, and the race detector caught the two racing inside chromedp (CI,
// 2026-11-30). Nothing here touches that copy.

// locateJS waits until the element that the JavaScript expression finds
// is rendered and visible, scrolls it into the middle of the viewport and
// returns its centre.
func (tb *tab) locateJS(t *testing.T, what, expr string) (x, y float64) {
	t.Helper()
	js := `(() => { const e = ` + expr + `; if (!e) return null; e.scrollIntoView({block: 'center', inline: 'center'});
		const r = e.getBoundingClientRect(); const st = getComputedStyle(e);
		if (r.width === 0 || r.height === 0 || st.visibility === 'hidden') return null;
		return [r.left + r.width / 2, r.top + r.height / 2]; })()`
	deadline := time.Now().Add(stepTimeout)
	for {
		var at []float64
		tb.evalInto(t, js, &at)
		if len(at) == 2 {
			return at[0], at[1]
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not on the page, or not visible, after %v (at %s)", what, stepTimeout, tb.location())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (tb *tab) locate(t *testing.T, selector string) (x, y float64) {
	t.Helper()
	return tb.locateJS(t, selector, fmt.Sprintf(`document.querySelector(%q)`, selector))
}

// click clicks the first element that matches the CSS selector with the
// mouse, and waits for the page that it leads to.
func (tb *tab) click(t *testing.T, selector string) *network.Response {
	t.Helper()
	return tb.clickJS(t, selector, fmt.Sprintf(`document.querySelector(%q)`, selector))
}

// clickJS clicks the element that the JavaScript expression finds, and
// waits for the page that it leads to.
func (tb *tab) clickJS(t *testing.T, what, expr string) *network.Response {
	t.Helper()
	x, y := tb.locateJS(t, what, expr)
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, chromedp.MouseClickXY(x, y))
	if err != nil {
		t.Fatalf("clicking %s: %v (at %s)", what, err, tb.location())
	}
	return resp
}

// clickHere clicks an element that changes the page without leaving it
// (a label, a summary).
func (tb *tab) clickHere(t *testing.T, what, expr string) {
	t.Helper()
	x, y := tb.locateJS(t, what, expr)
	tb.run(t, "clicking "+what, chromedp.MouseClickXY(x, y))
}

// fill replaces the value of a field by typing into it: it is focused and
// emptied, then the text is typed as key presses.
func (tb *tab) fill(t *testing.T, selector, text string) {
	t.Helper()
	tb.locate(t, selector)
	focused := tb.eval(t, fmt.Sprintf(`(() => { const e = document.querySelector(%q); e.focus(); e.value = '';
		e.dispatchEvent(new Event('input', {bubbles: true})); return String(document.activeElement === e); })()`, selector))
	if focused != "true" {
		t.Fatalf("filling %s: it does not take focus (at %s)", selector, tb.location())
	}
	tb.run(t, "filling "+selector, chromedp.KeyEvent(text))
}

func (tb *tab) value(t *testing.T, selector string) string {
	t.Helper()
	var v *string
	tb.evalInto(t, fmt.Sprintf(`(() => { const e = document.querySelector(%q); return e ? e.value : null; })()`, selector), &v)
	if v == nil {
		t.Fatalf("reading %s: not on the page (at %s)", selector, tb.location())
	}
	return *v
}

func (tb *tab) waitVisible(t *testing.T, selector string) {
	t.Helper()
	tb.locate(t, selector)
}

// eval evaluates a JavaScript expression that gives a string.
func (tb *tab) eval(t *testing.T, expr string) string {
	t.Helper()
	var s string
	tb.evalInto(t, expr, &s)
	return s
}

// evalInto evaluates a JavaScript expression and decodes its JSON value.
func (tb *tab) evalInto(t *testing.T, expr string, into any, opts ...chromedp.EvaluateOption) {
	t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[[]byte](expr, opts...))
	if err != nil {
		t.Fatalf("evaluating %.60q: %v", expr, err)
	}
	if len(raw) == 0 { // undefined
		raw = []byte("null")
	}
	if err := json.Unmarshal(raw, into); err != nil {
		t.Fatalf("evaluating %.60q: decoding %.200s: %v", expr, raw, err)
	}
}

func (tb *tab) count(t *testing.T, selector string) int {
	t.Helper()
	var n int
	tb.evalInto(t, fmt.Sprintf(`document.querySelectorAll(%q).length`, selector), &n)
	return n
}

// mustSee fails unless the page's visible text contains each of the wants.
func (tb *tab) mustSee(t *testing.T, pageName string, wants ...string) {
	t.Helper()
	text := tb.eval(t, `document.body.innerText`)
	for _, w := range wants {
		if !strings.Contains(text, w) {
			t.Errorf("%s (%s): page does not show %q; it shows:\n%s", pageName, tb.location(), w, text)
		}
	}
}

// mustBeAt fails unless the tab is at the path (the query is ignored).
func (tb *tab) mustBeAt(t *testing.T, path string) {
	t.Helper()
	loc := tb.location()
	got := strings.TrimPrefix(loc, tb.s.base)
	if i := strings.IndexAny(got, "?#"); i >= 0 {
		got = got[:i]
	}
	if got != path {
		t.Fatalf("at %s, want %s; page text:\n%s", loc, path, tb.eval(t, `document.body.innerText`))
	}
}

// pageChecks are the checks for every page: the demonstration-data banner,
// a title, one h1, no console errors, axe-core, and charts' text inside
// their charts.
func (tb *tab) pageChecks(t *testing.T, pageName string) {
	t.Helper()
	tb.mustSee(t, pageName, demoBanner)
	if title := tb.eval(t, `document.title`); !strings.HasSuffix(title, "– Cradle") {
		t.Errorf("%s: title %q does not end with \"– Cradle\"", pageName, title)
	}
	if n := tb.count(t, "h1"); n != 1 {
		t.Errorf("%s: %d h1 elements, want 1", pageName, n)
	}
	checkAccessibility(t, tb, pageName)
	tb.checkConsole(t, pageName)
	tb.checkChartText(t, pageName)
}

// checkChartText fails for a chart's label drawn partly outside its chart,
// where the browser clips it. The chart package sizes labels by estimated
// font widths; this measures them in the fonts this machine really has
// (often DejaVu Sans alone, wider than the Arial the pages ask for).
func (tb *tab) checkChartText(t *testing.T, pageName string) {
	t.Helper()
	var outside []string
	tb.evalInto(t, `[...document.querySelectorAll('svg.app-chart')].flatMap(svg => {
		const box = svg.getBoundingClientRect();
		return [...svg.querySelectorAll('text')].filter(tx => {
			const r = tx.getBoundingClientRect();
			return r.width > 0 && (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1);
		}).map(tx => (svg.getAttribute('aria-labelledby') || '').split(' ')[0] + ': ' + tx.textContent);
	})`, &outside)
	for _, o := range outside {
		t.Errorf("%s: chart text drawn outside its chart (clipped): %s", pageName, o)
	}
}

// signIn signs in with the mouse: password, then the security code.
func (tb *tab) signIn(t *testing.T, c demo.Credential) {
	t.Helper()
	tb.open(t, "/sign-in")
	tb.fill(t, "#email", c.Email)
	tb.fill(t, "#password", c.Password)
	tb.click(t, `form[action="/sign-in"] button[type="submit"]`)
	tb.mustBeAt(t, "/sign-in/code")
	tb.fill(t, "#code", totp(t, c, tb.s.now()))
	tb.click(t, `form[action="/sign-in/code"] button[type="submit"]`)
	tb.mustBeAt(t, "/home")
}

// keyboardSignIn signs in with the keyboard alone: Tab to move, type, and
// Enter to send each form. The first Tab must reach the skip link.
func (tb *tab) keyboardSignIn(t *testing.T, c demo.Credential) {
	t.Helper()
	tb.open(t, "/sign-in")
	if got := tb.activeElement(t); got != "BODY" {
		t.Errorf("keyboard: focus starts on %s, want the document body", got)
	}
	tb.press(t, kb.Tab)
	if got := tb.activeElement(t); got != "A Skip to main content" {
		t.Errorf("keyboard: the first Tab focuses %q, want the \"Skip to main content\" link", got)
	}
	if v := tb.eval(t, `(() => { const r = document.activeElement.getBoundingClientRect(); return String(r.width > 1 && r.height > 1 && r.top >= 0); })()`); v != "true" {
		t.Errorf("keyboard: the skip link is not visible when it has focus")
	}
	tb.screenshot(t, "keyboard-skip-link")
	tb.tabTo(t, "email")
	tb.press(t, c.Email)
	tb.press(t, kb.Tab)
	if got := tb.activeID(t); got != "password" {
		t.Fatalf("keyboard: Tab from the email field focuses #%s, want #password", got)
	}
	tb.press(t, c.Password)
	tb.pressAndWait(t, kb.Enter)
	tb.mustBeAt(t, "/sign-in/code")
	tb.tabTo(t, "code")
	tb.press(t, totp(t, c, tb.s.now()))
	tb.pressAndWait(t, kb.Enter)
	tb.mustBeAt(t, "/home")
}

// activeElement describes the focused element as "TAG text".
func (tb *tab) activeElement(t *testing.T) string {
	t.Helper()
	return tb.eval(t, `(() => { const e = document.activeElement; if (!e) return ''; const s = e.textContent.trim(); return e.tagName + (s && e !== document.body ? ' ' + s : ''); })()`)
}

func (tb *tab) activeID(t *testing.T) string {
	t.Helper()
	return tb.eval(t, `document.activeElement ? document.activeElement.id : ''`)
}

// tabTo presses Tab until the element with the id has focus.
func (tb *tab) tabTo(t *testing.T, id string) {
	t.Helper()
	var path []string
	for range 25 {
		if tb.activeID(t) == id {
			return
		}
		tb.press(t, kb.Tab)
		path = append(path, tb.activeElement(t))
	}
	t.Fatalf("keyboard: 25 presses of Tab did not reach #%s; focus went to %q", id, path)
}

// press types the keys into whatever has focus.
func (tb *tab) press(t *testing.T, keys string) {
	t.Helper()
	tb.run(t, "pressing keys", chromedp.KeyEvent(keys))
}

// pressAndWait types the keys and waits for the page that they lead to.
func (tb *tab) pressAndWait(t *testing.T, keys string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	if _, err := chromedp.RunResponse(ctx, chromedp.KeyEvent(keys)); err != nil {
		t.Fatalf("pressing %q: %v (at %s)", keys, err, tb.location())
	}
}

// --- accessibility ---

var (
	axeOnce   sync.Once
	axeSource string
	axeErr    error
)

type axeViolation struct {
	ID      string `json:"id"`
	Impact  string `json:"impact"`
	Help    string `json:"help"`
	HelpURL string `json:"helpUrl"`
	Nodes   []struct {
		Target  []string `json:"target"`
		HTML    string   `json:"html"`
		Summary string   `json:"summary"`
	} `json:"nodes"`
}

type axeResult struct {
	Version    string         `json:"version"`
	Passes     int            `json:"passes"`
	Incomplete []string       `json:"incomplete"`
	Violations []axeViolation `json:"violations"`
}

// axeRun runs axe-core on the page, with the WCAG 2.2 A and AA rules, and
// returns a summary that JSON can carry.
var axeRun = `(async () => {
	const r = await axe.run(document, {
		runOnly: {type: 'tag', values: ` + mustJSON(wcagTags) + `},
		resultTypes: ['violations'],
	});
	const target = t => Array.isArray(t) ? t.join(' >>> ') : String(t);
	return {
		version: r.testEngine.version,
		passes: r.passes.length,
		incomplete: r.incomplete.map(v => v.id),
		violations: r.violations.map(v => ({
			id: v.id, impact: v.impact || '', help: v.help, helpUrl: v.helpUrl,
			nodes: v.nodes.map(n => ({target: n.target.map(target), html: n.html, summary: n.failureSummary || ''})),
		})),
	};
})()`

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// checkAccessibility injects axe-core into the page and fails the test for
// each WCAG 2.2 A or AA violation, with the elements at fault. The page's
// Content-Security-Policy allows only 'self' scripts, but Runtime.evaluate
// comes from the DevTools protocol, which the policy does not cover.
func checkAccessibility(t *testing.T, tb *tab, pageName string) []axeViolation {
	t.Helper()
	res := runAxe(t, tb, pageName)
	for _, v := range res.Violations {
		var b strings.Builder
		fmt.Fprintf(&b, "%s: accessibility: %s (%s) %s, on %d element(s) — %s", pageName, v.ID, v.Impact, v.Help, len(v.Nodes), v.HelpURL)
		for i, n := range v.Nodes {
			if i == 3 {
				fmt.Fprintf(&b, "\n    … and %d more", len(v.Nodes)-3)
				break
			}
			fmt.Fprintf(&b, "\n    %s: %s", strings.Join(n.Target, ", "), truncate(n.HTML, 200))
			if n.Summary != "" {
				fmt.Fprintf(&b, "\n      %s", strings.ReplaceAll(truncate(n.Summary, 400), "\n", "\n      "))
			}
		}
		t.Error(b.String())
	}
	return res.Violations
}

// runAxe injects axe-core into the page if it is not there yet, and runs it.
func runAxe(t *testing.T, tb *tab, pageName string) axeResult {
	t.Helper()
	axeOnce.Do(func() {
		var b []byte
		b, axeErr = os.ReadFile(filepath.Join("testdata", "axe.min.js"))
		axeSource = string(b)
	})
	if axeErr != nil {
		t.Fatalf("reading axe-core: %v", axeErr)
	}
	var loaded string
	tb.evalInto(t, `typeof window.axe === 'object' ? 'yes' : 'no'`, &loaded)
	if loaded != "yes" {
		// "void 0" so that the protocol does not try to return the
		// script's last value; the newline ends any trailing comment.
		var v any
		tb.evalInto(t, axeSource+"\n;void 0", &v)
		if ok := tb.eval(t, `typeof window.axe === 'object' && typeof window.axe.run === 'function' ? 'yes' : 'no'`); ok != "yes" {
			t.Fatalf("%s: axe-core did not load into the page", pageName)
		}
	}
	var res axeResult
	start := time.Now()
	tb.evalInto(t, axeRun, &res, chromedp.EvalAwaitPromise)
	t.Logf("%s: axe-core %s: %d rules passed, %d violated, %d need review %v (%v)", pageName, res.Version,
		res.Passes, len(res.Violations), len(res.Incomplete), res.Incomplete, time.Since(start).Round(time.Millisecond))
	if res.Passes == 0 {
		t.Errorf("%s: axe-core ran no rules", pageName)
	}
	return res
}

func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// --- screenshots ---

// shots saves screenshots in $CRADLE_SCREENSHOTS, for a person to look
// at. With it unset none is taken: a full-page capture of a long page was
// about a sixth of a journey's browser time, for a picture nobody saw.
type shots struct {
	keep string
}

func newShots() *shots {
	return &shots{keep: os.Getenv("CRADLE_SCREENSHOTS")}
}

// screenshot saves a full-page PNG of the tab as name.png.
func (tb *tab) screenshot(t *testing.T, name string) {
	t.Helper()
	keep := tb.s.shots.keep
	if keep == "" {
		return
	}
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	path := filepath.Join(keep, name+".png")
	if err := os.MkdirAll(keep, 0o700); err != nil {
		t.Errorf("screenshot %s: %v", name, err)
	} else if err := os.WriteFile(path, png, 0o600); err != nil {
		t.Errorf("screenshot %s: %v", name, err)
	} else {
		t.Logf("screenshot: %s", path)
	}
}

// browse is the start of a browser test: Chromium (checked first, so that
// a skip costs nothing), the server serve starts, and a browser that
// closes after limit or with the test. Tabs open with b.newTab(t, browser).
func browse(t *testing.T, limit time.Duration, serve func() string) (b *session, browser context.Context) {
	t.Helper()
	chromium := chromiumPath(t)
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	t.Cleanup(cancel)
	b = &session{base: serve(), shots: newShots()}
	return b, startBrowser(t, ctx, chromium)
}

// browseDemo is browse of a server on fresh demo data, with one tab open,
// closed when the test ends.
func browseDemo(t *testing.T, limit time.Duration) (*session, *tab) {
	t.Helper()
	b, browser := browse(t, limit, func() string { return startServer(t) })
	tb := b.newTab(t, browser)
	t.Cleanup(func() { tb.close(t) })
	return b, tb
}
