package e2e

import (
	"strings"
	"testing"
	"time"
)

// TestBrowserSessionTimeoutWarning (WCAG 2.2.1): a signed-in page left
// alone warns before the idle session ends, in a dialog that takes focus,
// passes axe-core and keeps the session with "Stay signed in" (what was
// typed stays in its field); once the session has ended (the server's clock
// moved past the idle limit) the page says so and still keeps what was typed.
func TestBrowserSessionTimeoutWarning(t *testing.T) {
	t.Parallel()
	clock := newTestClock()
	b, browser := browse(t, 2*time.Minute, func() string { return startServerWithClock(t, map[string]string{}, clock) })
	b.clock = clock
	tab := b.newTab(t, browser)
	defer tab.close(t)
	tab.signInChecked(t, credentialFor(t, "tom.elliott@cradle.example"))
	tab.open(t, "/account/password")
	if idle := tab.eval(t, `document.body.dataset.sessionIdle + '/' + document.body.dataset.sessionWarn`); idle != "1800/300" {
		t.Fatalf("the page's session limits: %q, want 1800/300", idle)
	}
	tab.fill(t, "#current", "half a thought")

	// Typing tells the server the person is there (here without waiting a
	// minute). The page's requests are counted until they are answered:
	// one still on its way when the server's clock moves on below would
	// count as use 26 minutes later, and the warning would say 30.
	tab.eval(t, `(() => { window.inFlight = 0; const f = window.fetch;
		window.fetch = (...a) => { window.inFlight++; return f(...a).finally(() => { window.inFlight-- }) }; return 'ok' })()`)
	tab.takeRequests()
	tab.eval(t, `document.body.dataset.sessionPing = '0'; 'ok'`)
	tab.fill(t, "#password", "more to say")
	waitFor(t, "typing to keep the session", func() bool {
		for _, r := range tab.takeRequests() {
			if strings.Contains(r, "/session/alive") {
				return true
			}
		}
		return false
	})
	tab.eval(t, `delete document.body.dataset.sessionPing; 'ok'`)
	waitFor(t, "the page's requests to be answered", func() bool { return tab.eval(t, `String(window.inFlight)`) == "0" })

	// Left alone 26 minutes (the server's clock). The page asks the server
	// once it is within its warning's lead, lengthened here to all of it
	// (the script reads its limits each second), and warns of the 4 left.
	clock.Advance(26 * time.Minute)
	tab.eval(t, `document.body.dataset.sessionWarn = '1800'; 'ok'`)
	tab.waitVisible(t, "#app-timeout")
	tab.eval(t, `document.body.dataset.sessionWarn = '300'; 'ok'`)
	tab.mustSee(t, "timeout warning", "You will be signed out soon", "you will be signed out in 4 minutes", "Stay signed in")
	if got := tab.eval(t, `document.activeElement.textContent`); got != "Stay signed in" {
		t.Errorf("focus is on %q, want the Stay signed in button", got)
	}
	tab.pageChecks(t, "timeout-warning")
	tab.screenshot(t, "timeout-warning")
	tab.clickHere(t, "Stay signed in", `[...document.querySelectorAll('#app-timeout button')].find(b => b.textContent === 'Stay signed in')`)
	waitFor(t, "the warning to close", func() bool { return tab.eval(t, `String(document.getElementById('app-timeout').open)`) == "false" })
	if v := tab.value(t, "#current"); v != "half a thought" {
		t.Errorf("after staying signed in the field holds %q", v)
	}

	// The session ends on the server; the page notices at its next check.
	clock.Advance(31 * time.Minute)
	tab.eval(t, `document.body.dataset.sessionIdle = '1'; 'ok'`)
	waitFor(t, "the page to say the session ended", func() bool {
		return tab.eval(t, `(document.querySelector('#app-timeout h2') || {}).textContent || ''`) == "You have been signed out"
	})
	if got := tab.eval(t, `document.activeElement.textContent`); got != "Close this message" {
		t.Errorf("focus is on %q, want the Close this message button", got)
	}
	tab.mustSee(t, "signed out", "You have been signed out", "cannot be sent: copy what you need")
	tab.pageChecks(t, "timeout-ended")
	tab.screenshot(t, "timeout-ended")
	if v := tab.value(t, "#current"); v != "half a thought" {
		t.Errorf("after the session ended the field holds %q", v)
	}
}

// waitFor polls cond for up to ten seconds (the page asks the server at most every five when its time is up).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(100 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("waited ten seconds for %s", what)
}
