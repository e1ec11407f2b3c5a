package e2e

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

// A practitioner records that her parent has left the programme while the
// other parent carries on, in a real browser: the form opens from the
// parent's page, its problems link to its fields, the page then says so
// (with the way back), the caseload row asks nothing of her, and she
// rejoins. axe runs on each page.
func TestBrowserParentLeavesAndRejoins(t *testing.T) {
	t.Parallel()
	_, tab := browseDemo(t, overallTimeout)
	tab.signIn(t, credentialFor(t, practitionerEmail))
	tab.open(t, "/caseload")
	amy := tab.caseloadLink(t, "Amy Foster", 0)
	tab.open(t, amy)
	tab.clickJS(t, "the link to record that Amy has left", `[...document.querySelectorAll('main a')].find(a => a.textContent.trim() === 'Record that this parent has left the programme')`)
	tab.mustSee(t, "the leaving form", "For one parent leaving while the other carries on", "Why are they leaving?", "Date they left")

	// Sent with nothing chosen: each problem links to its field.
	leave := `form[action$="/leave"] button[type="submit"]`
	tab.fill(t, "#leave_note", "Told me by phone; she is staying with family.")
	tab.click(t, leave)
	tab.mustSee(t, "the leaving form's problems", "There is a problem", "Select why the parent is leaving the programme", "Enter the date the parent left the programme")
	tab.errorLinksResolve(t, "leave-problems")
	if got := tab.value(t, "#leave_note"); got != "Told me by phone; she is staying with family." {
		t.Errorf("the leaving form's problems: the note typed was not kept (%q)", got)
	}
	tab.pageChecks(t, "leave-problems")
	tab.screenshot(t, "leave-01-problems")

	tab.clickHere(t, "Withdrew", `document.querySelector('input[name="leave_reason"][value="withdrew"]')`)
	today := time.Now()
	tab.fill(t, "#left_on", strconv.Itoa(today.Day()))
	tab.fill(t, "#left_on-month", strconv.Itoa(int(today.Month())))
	tab.fill(t, "#left_on-year", strconv.Itoa(today.Year()))
	tab.click(t, leave)
	tab.mustBeAt(t, amy)
	tab.mustSee(t, "Amy's page, having left", "Left the programme", "Amy Foster left the programme on", "Withdrew", "Told me by phone", "Record that Amy Foster has rejoined")
	tab.pageChecks(t, "leave-02-person")
	tab.screenshot(t, "leave-02-person")

	tab.open(t, "/caseload")
	if row := tab.eval(t, `(() => { const r = [...document.querySelectorAll('main tbody tr')].find(r => r.cells[0].textContent.trim() === 'Amy Foster'); return r ? r.textContent : ''; })()`); !strings.Contains(row, "Left the programme") {
		t.Errorf("Amy's caseload row does not say she left: %q", row)
	}
	tab.pageChecks(t, "leave-03-caseload")
	tab.screenshot(t, "leave-03-caseload")

	tab.open(t, amy)
	tab.clickJS(t, "the link to record that Amy has rejoined", `[...document.querySelectorAll('main a')].find(a => a.textContent.trim() === 'Record that Amy Foster has rejoined')`)
	tab.fill(t, "#rejoined_on", strconv.Itoa(today.Day()))
	tab.fill(t, "#rejoined_on-month", strconv.Itoa(int(today.Month())))
	tab.fill(t, "#rejoined_on-year", strconv.Itoa(today.Year()))
	tab.pageChecks(t, "leave-04-rejoin-form")
	tab.screenshot(t, "leave-04-rejoin-form")
	tab.click(t, `form[action$="/rejoin"] button[type="submit"]`)
	tab.mustBeAt(t, amy)
	tab.mustSee(t, "Amy's page, back", "until they rejoined on", "Record that this parent has left the programme")
	if n := tab.count(t, "#away-title"); n != 0 {
		t.Error("Amy's page still says she has left after she rejoined")
	}
}

// A parent not ready to start is recorded as joining later, in a real
// browser: Amy's one session was recorded on the wrong record and is
// removed, so she has not started; the form opens from her page, the
// banner and the caseload say "Joining later", and her joining is recorded
// from the banner. axe runs on each page.
func TestBrowserParentJoinsLater(t *testing.T) {
	t.Parallel()
	_, tab := browseDemo(t, overallTimeout)
	tab.signIn(t, credentialFor(t, practitionerEmail))
	tab.open(t, "/caseload")
	amy := tab.caseloadLink(t, "Amy Foster", 0)
	tab.open(t, amy)
	if n := tab.count(t, `a[href$="?form=join-later#join-later-form"]`); n != 0 {
		t.Error("Amy, who has attended a session, may be recorded as joining later")
	}
	for i := 0; tab.count(t, "main .app-note h3 a") > 0; i++ {
		if i == 5 {
			t.Fatal("Amy's sessions are not going")
		}
		tab.clickJS(t, "the newest session's date", `document.querySelector('main .app-note h3 a')`)
		tab.fill(t, "#remove_why", "Recorded on the wrong parent's record.")
		tab.click(t, `form[action$="/remove"] button[type="submit"]`)
		tab.mustSee(t, "the session removed", "It has been removed as entered in error")
		tab.open(t, amy)
	}

	tab.clickJS(t, "the link to record that Amy will join later", `[...document.querySelectorAll('main a')].find(a => a.textContent.trim() === 'Record that this parent will join later')`)
	tab.mustSee(t, "the joining later form", "For a parent who has not started yet", "Note (optional)")
	tab.fill(t, "#join_later_note", "Wants to start after the birth.")
	tab.pageChecks(t, "join-later-01-form")
	tab.screenshot(t, "join-later-01-form")
	tab.click(t, `form[action$="/join-later"] button[type="submit"]`)
	tab.mustBeAt(t, amy)
	tab.mustSee(t, "Amy's page, joining later", "Joining later", "Amy Foster has not started the programme yet, and will join later", "Wants to start after the birth.", "Record that Amy Foster has joined")
	tab.pageChecks(t, "join-later-02-person")
	tab.screenshot(t, "join-later-02-person")

	tab.open(t, "/caseload")
	if row := tab.eval(t, `(() => { const r = [...document.querySelectorAll('main tbody tr')].find(r => r.cells[0].textContent.trim() === 'Amy Foster'); return r ? r.textContent : ''; })()`); !strings.Contains(row, "Joining later") {
		t.Errorf("Amy's caseload row does not say she is joining later: %q", row)
	}
	tab.screenshot(t, "join-later-03-caseload")

	tab.open(t, amy)
	tab.clickJS(t, "the link to record that Amy has joined", `[...document.querySelectorAll('main a')].find(a => a.textContent.trim() === 'Record that Amy Foster has joined')`)
	tab.mustSee(t, "the joining form", "Date they joined", "Record that they have joined")
	today := time.Now()
	tab.fill(t, "#rejoined_on", strconv.Itoa(today.Day()))
	tab.fill(t, "#rejoined_on-month", strconv.Itoa(int(today.Month())))
	tab.fill(t, "#rejoined_on-year", strconv.Itoa(today.Year()))
	tab.pageChecks(t, "join-later-04-join-form")
	tab.click(t, `form[action$="/rejoin"] button[type="submit"]`)
	tab.mustBeAt(t, amy)
	tab.mustSee(t, "Amy's page, joined", "until they joined on")
	if n := tab.count(t, "#away-title"); n != 0 {
		t.Error("Amy's page still says she is joining later after she joined")
	}
	tab.screenshot(t, "join-later-05-joined")
}
