package e2e

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestBrowserCorrectAndRemoveASession: a practitioner records a session,
// follows its date to its page, sends a correction with a duration
// that is no number and no reason (the error state keeps what was typed),
// corrects it, sees the version it replaced, then removes it as entered in
// error and finds it under "entered in error". Each state passes axe-core.
func TestBrowserCorrectAndRemoveASession(t *testing.T) {
	t.Parallel()
	_, tab := browseDemo(t, 2*time.Minute)
	tab.signInChecked(t, credentialFor(t, "priya.shah@cradle.example"))
	tab.open(t, "/search?q=Amy+Foster")
	tab.click(t, `main table a[href^="/people/"]`)
	person := tab.eval(t, `location.pathname`)
	tab.recordSession(t, person, sessionForm{date: time.Now().AddDate(0, 0, -1), minutes: "45", mode: "mode", attendance: "attendance",
		notes: "Talked about bedtime routines."})

	link := `document.querySelector('main .app-note h3 a')` // the newest session's date
	href := tab.eval(t, link+`.getAttribute('href')`)
	if !strings.HasPrefix(href, person+"/sessions/") {
		t.Fatalf("the newest session's link goes to %q", href)
	}
	tab.clickJS(t, "the newest session's date", link)
	tab.mustBeAt(t, href)
	tab.mustSee(t, "session", "Session on", "Correct this session", "Remove as entered in error", "Talked about bedtime routines.")
	if v := tab.value(t, "#minutes"); v != "45" {
		t.Errorf("the correction form's duration holds %q", v)
	}
	tab.pageChecks(t, "session")

	tab.fill(t, "#minutes", "forty")
	tab.fill(t, "#notes", "Talked about bedtime and feeding routines.")
	tab.click(t, `form[action="`+href+`"] button[type="submit"]`)
	tab.mustSee(t, "session correction error", "There is a problem", "Enter the duration as a number of minutes", "Say why you are correcting it")
	tab.errorState(t, "session-correct-error", "#minutes")
	tab.errorLinksResolve(t, "session-correct-error")
	tab.pageChecks(t, "session-correct-error")
	if v := tab.value(t, "#notes"); v != "Talked about bedtime and feeding routines." {
		t.Errorf("the notes typed were lost: %q", v)
	}
	tab.screenshot(t, "session-correct-error")

	tab.fill(t, "#minutes", "50")
	tab.fill(t, "#why", "Left out the feeding, and typed the wrong length.")
	tab.click(t, `form[action="`+href+`"] button[type="submit"]`)
	tab.mustSee(t, "session corrected", "Your correction has been saved", "50 minutes", "Version 1, replaced",
		"Talked about bedtime routines.", "Left out the feeding, and typed the wrong length.")
	tab.pageChecks(t, "session-corrected")
	tab.screenshot(t, "session-corrected")

	tab.fill(t, "#remove_why", "Recorded twice: the same visit is on the record already.")
	tab.click(t, `form[action="`+href+`/remove"] button[type="submit"]`)
	tab.mustSee(t, "session removed", "It has been removed as entered in error", "Removed as entered in error on", "Recorded twice")
	if n := tab.count(t, `form[action="`+href+`"]`); n != 0 {
		t.Errorf("the removed session's page still has %d correction forms", n)
	}
	tab.pageChecks(t, "session-removed")
	tab.screenshot(t, "session-removed")

	tab.open(t, person+"?show=removed")
	tab.mustSee(t, "sessions entered in error", "removed as entered in error by Priya Shah")
	if n := tab.count(t, `main .app-note h3 a[href="`+href+`"]`); n != 1 {
		t.Errorf("the removed session is linked %d times under entered in error", n)
	}
	tab.pageChecks(t, "person-sessions-removed")
	tab.screenshot(t, "person-sessions-removed")
}

// TestBrowserRemoveAnIncident: a practitioner records an incident, follows
// "Remove as entered in error" beside it, sends the form empty (the error
// state, under the incident), then with a reason; the incident is listed
// as removed. Then a VIG cycle, the same way. Each state passes axe-core.
func TestBrowserRemoveAnIncident(t *testing.T) {
	t.Parallel()
	_, tab := browseDemo(t, 2*time.Minute)
	tab.signInChecked(t, credentialFor(t, "priya.shah@cradle.example"))
	tab.open(t, "/search?q=Amy+Foster")
	tab.click(t, `main table a[href^="/people/"]`)
	person := tab.eval(t, `location.pathname`)
	tab.openForm(t, "Record an incident")
	tab.fillDate(t, "occurred_on", time.Now().AddDate(0, 0, -3))
	tab.fill(t, "#reported_by", "Police")
	tab.fill(t, "#details", "Recorded here by mistake.")
	for _, no := range []string{"police_involved-1", "injuries-1", "children_present-1"} {
		tab.check(t, no) // each question answered: none is taken as "no" unasked
	}
	tab.click(t, `form[action="`+person+`/incidents"] button[type="submit"]`)
	tab.mustSee(t, "incident recorded", "Recorded here by mistake.")

	link := `[...document.querySelectorAll('main a.govuk-link')].find(a => a.textContent.startsWith('Remove as entered in error') && a.href.includes('remove-incident'))`
	tab.clickJS(t, "the incident's Remove as entered in error link", link)
	tab.mustSee(t, "incident removal form", "Why was the incident of", "Remove the incident")
	tab.pageChecks(t, "incident-remove")
	tab.removeEnteredInError(t, "incident", "Priya Shah", "Recorded on the wrong parent's record.", "Recorded here by mistake.")
	tab.pageChecks(t, "incident-removed")
	tab.screenshot(t, "incident-removed")

	// A VIG cycle recorded by mistake, removed the same way.
	tab.openForm(t, "Record a VIG cycle")
	tab.check(t, "phase") // antenatal
	tab.fillDate(t, "filmed_on", time.Now().AddDate(0, 0, -2))
	tab.fill(t, "#strengths", "Filmed for the wrong parent.")
	tab.check(t, "vig_confidential-1") // no: answered, never assumed
	tab.click(t, `form[action="`+person+`/vig"] button[type="submit"]`)
	tab.mustSee(t, "VIG cycle recorded", "Filmed for the wrong parent.")
	link = `[...document.querySelectorAll('main a.govuk-link')].find(a => a.textContent.startsWith('Remove as entered in error') && a.href.includes('remove-vig'))`
	tab.clickJS(t, "the cycle's Remove as entered in error link", link)
	tab.mustSee(t, "VIG removal form", "Remove the VIG cycle")
	tab.removeEnteredInError(t, "vig", "Priya Shah", "Filmed with the other parent.", "Filmed for the wrong parent.")
	tab.screenshot(t, "vig-removed")
}

// removeEnteredInError sends the removal form open on a record's page
// empty (its error state, checked with axe-core), then with why, and
// checks the entry is listed as removed by by and what it said (gone) is
// no longer on the page. name prefixes the checks' names.
func (tb *tab) removeEnteredInError(t *testing.T, name, by, why, gone string) {
	t.Helper()
	tb.click(t, `form[action$="/remove"] button[type="submit"]`)
	tb.mustSee(t, name+" removal error", "There is a problem", "Say why it was entered in error")
	tb.errorState(t, name+"-remove-error", "#remove_why")
	tb.errorLinksResolve(t, name+"-remove-error")
	tb.pageChecks(t, name+"-remove-error")
	tb.screenshot(t, name+"-remove-error")
	tb.fill(t, "#remove_why", why)
	tb.click(t, `form[action$="/remove"] button[type="submit"]`)
	tb.mustSee(t, name+" removed", "was removed as entered in error by "+by, why)
	if strings.Contains(tb.eval(t, `document.body.innerText`), gone) {
		t.Errorf("the removed %s is still listed", name)
	}
}

// refusedMention posts the form whose button is submit with a parent's
// detail typed into field, and checks the refusal: on that field, naming
// the detail (says), the error state through axe, its screenshot as name,
// and (with kept) what was typed in another field still there.
func (tb *tab) refusedMention(t *testing.T, name, submit, field, says string, kept ...string) {
	t.Helper()
	tb.click(t, submit)
	tb.mustSee(t, name, "There is a problem", says)
	tb.errorState(t, name, field)
	tb.errorLinksResolve(t, name)
	tb.pageChecks(t, name)
	tb.screenshot(t, name)
	if len(kept) == 2 {
		if got := tb.eval(t, `document.querySelector(`+strconv.Quote(kept[0])+`).value`); got != kept[1] {
			t.Errorf("%s: %s was not kept (%q, want %q)", name, kept[0], got, kept[1])
		}
	}
}
