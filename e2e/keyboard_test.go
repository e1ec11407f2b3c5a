package e2e

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp/kb"
)

// TestBrowserKeyboardOnly completes a self-referral and records a session
// with the keyboard alone: Tab and Shift+Tab to move, typing, Space for
// radios, arrow keys for selects, Enter for links and buttons. Nothing is
// clicked and no field is filled by script.
func TestBrowserKeyboardOnly(t *testing.T) {
	t.Parallel()
	b, browser := browse(t, 4*time.Minute, func() string { return startServer(t) })

	t.Run("self-referral", func(t *testing.T) {
		tab := b.newTab(t, browser)
		defer tab.close(t)
		tab.open(t, "/refer/yourself")
		tab.tabUntil(t, "the Start now button", `e.textContent.trim() === 'Start now'`)
		tab.pressAndWait(t, kb.Enter)
		tab.mustBeAt(t, "/refer/yourself/about-you")

		tab.typeInto(t, "parent1-given_name", "Kim")
		tab.typeInto(t, "parent1-family_name", "Lee")
		tab.continueStep(t, "/refer/yourself/other-parent")

		tab.typeInto(t, "parent2-given_name", "Chris")
		tab.tabTo(t, "relationship")
		tab.press(t, " ")
		tab.tabTo(t, "both_want_to_co_parent")
		tab.press(t, " ")
		tab.continueStep(t, "/refer/yourself/due-date")

		edd := time.Now().AddDate(0, 0, 100)
		tab.typeInto(t, "due_date", strconv.Itoa(edd.Day()))
		tab.typeInto(t, "due_date-month", strconv.Itoa(int(edd.Month())))
		tab.typeInto(t, "due_date-year", strconv.Itoa(edd.Year()))
		tab.continueStep(t, "/refer/yourself/where-you-live")

		tab.typeInto(t, "area", "Blackpool")
		tab.continueStep(t, "/refer/yourself/contacting-you")

		tab.tabTo(t, "safe_contact-safe_to_contact")
		tab.press(t, " ")
		tab.typeInto(t, "safe_contact-number", "07700 900777")
		tab.tabTo(t, "safe_contact-leave_message")
		tab.press(t, kb.ArrowRight) // from "Yes" to "No", which checks it
		if got := tab.eval(t, `document.querySelector('input[name="safe_contact.leave_message"]:checked')?.value || ''`); got != "no" {
			t.Fatalf("keyboard: the arrow key left the message answer at %q", got)
		}
		tab.continueStep(t, "/refer/yourself/anything-else")

		tab.typeInto(t, "anything_else", "Text me first, please.")
		tab.continueStep(t, "/refer/yourself/check")
		tab.mustSee(t, "keyboard check", "Kim", "Blackpool", "07700 900777")
		tab.tabUntil(t, "the Send referral button", `e.tagName === 'BUTTON' && e.textContent.trim() === 'Send referral'`)
		tab.pressAndWait(t, kb.Enter)
		tab.mustBeAt(t, "/refer/yourself/confirmation")
		tab.mustSee(t, "keyboard confirmation", "REF-")
		tab.pageChecks(t, "keyboard-self-referral-done")
	})

	t.Run("session record", func(t *testing.T) {
		tab := b.newTab(t, browser)
		defer tab.close(t)
		tab.keyboardSignIn(t, credentialFor(t, "priya.shah@cradle.example"))
		tab.tabUntil(t, "the Caseload link", `e.tagName === 'A' && e.textContent.trim() === 'Caseload'`)
		tab.pressAndWait(t, kb.Enter)
		tab.mustBeAt(t, "/caseload")
		tab.tabUntil(t, "Amy Foster's link", `e.tagName === 'A' && e.getAttribute('href').startsWith('/people/') && e.textContent.includes('Amy Foster')`)
		tab.pressAndWait(t, kb.Enter)
		person, _, _ := strings.Cut(tab.location(), "#")

		tab.tabUntil(t, "the Record a session link", `e.tagName === 'A' && e.textContent.trim() === 'Record a session or contact'`)
		tab.pressAndWait(t, kb.Enter)
		today := time.Now()
		tab.typeInto(t, "held_on", strconv.Itoa(today.Day()))
		tab.typeInto(t, "held_on-month", strconv.Itoa(int(today.Month())))
		tab.typeInto(t, "held_on-year", strconv.Itoa(today.Year()))
		tab.typeInto(t, "minutes", "40")
		tab.tabTo(t, "mode")
		tab.press(t, " ")
		tab.tabTo(t, "attendance")
		tab.press(t, " ")
		tab.tabTo(t, "module")
		tab.press(t, kb.ArrowDown)
		if got := tab.eval(t, `document.getElementById('module').value`); got == "" {
			t.Fatal("keyboard: the arrow key did not choose a module")
		}
		note := fmt.Sprintf("Keyboard-only note %d: talked about sleep routines.", today.UnixNano()%100000)
		tab.typeInto(t, "notes", note)
		tab.tabTo(t, "confidential") // a radio group is one Tab stop; the arrow moves to "No" and checks it
		tab.press(t, kb.ArrowRight)
		tab.tabUntil(t, "the session form's button", `e.tagName === 'BUTTON' && e.form && e.form.getAttribute('action').endsWith('/sessions')`)
		tab.pressAndWait(t, kb.Enter)
		if loc, _, _ := strings.Cut(tab.location(), "#"); loc != person {
			t.Fatalf("keyboard: after saving the session the browser is at %s, want %s; page says:\n%s", loc, person, tab.eval(t, `document.body.innerText`))
		}
		tab.mustSee(t, "keyboard session", note)
		tab.pageChecks(t, "keyboard-session-recorded")
	})
}

// tabUntil presses Tab until the focused element, e, meets cond (a
// JavaScript expression), and fails after 80 presses.
func (tb *tab) tabUntil(t *testing.T, what, cond string) {
	t.Helper()
	check := fmt.Sprintf(`(() => { const e = document.activeElement; return e && (%s) ? 'yes' : 'no'; })()`, cond)
	for range 80 {
		if tb.eval(t, check) == "yes" {
			return
		}
		tb.press(t, kb.Tab)
	}
	t.Fatalf("keyboard: 80 presses of Tab did not reach %s (at %s)", what, tb.location())
}

// typeInto tabs to the field and types the text into it.
func (tb *tab) typeInto(t *testing.T, id, text string) {
	t.Helper()
	tb.tabTo(t, id)
	tb.press(t, text)
}

// continueStep tabs to the step's Continue button, presses Enter and checks
// where it leads.
func (tb *tab) continueStep(t *testing.T, next string) {
	t.Helper()
	tb.tabUntil(t, "the Continue button", `e.tagName === 'BUTTON' && e.textContent.trim() === 'Continue'`)
	tb.pressAndWait(t, kb.Enter)
	tb.mustBeAt(t, next)
}
