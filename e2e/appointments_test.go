package e2e

import (
	"testing"
	"time"
)

// A practitioner books an appointment with her parent in a real browser:
// the form opens from the parent's page, its problems link to its fields
// and keep what was typed, the appointment is then listed there and in
// her diary ("Your appointments", from her caseload; rearranged on the
// way, from a form starting from its day and time), which also lists the
// demo's phone call with Jess two days ago, still to record; "Record what
// happened" opens Jess's session form on that day, and once the session
// is saved the call is no longer to record. axe runs on each page.
func TestBrowserAppointment(t *testing.T) {
	t.Parallel()
	_, tab := browseDemo(t, overallTimeout)
	tab.signIn(t, credentialFor(t, practitionerEmail))
	tab.open(t, "/caseload")
	amy := tab.caseloadLink(t, "Amy Foster", 0)
	tab.open(t, amy)
	// The demo's: Amy's next session, at the children's centre.
	tab.mustSee(t, "Amy's booked appointment", "Appointments", "Office: Children's centre, Station Road", "Booked by Priya Shah")
	tab.clickJS(t, "the link to book an appointment", `[...document.querySelectorAll('main a')].find(a => a.textContent.trim() === 'Book an appointment')`)
	tab.mustSee(t, "the appointment form", "24-hour clock, for example 9:30 or 14:00")

	book := `form[action$="/appointments"] button[type="submit"]`
	tab.fill(t, "#appointment_at", "half nine")
	tab.fill(t, "#appointment_place", "Library, Church Street")
	tab.click(t, book)
	tab.mustSee(t, "the appointment form's problems", "There is a problem", "Enter the date of the appointment",
		"Enter the time of the appointment as hours and minutes", "Select how the appointment will take place")
	tab.errorLinksResolve(t, "appointment-problems")
	if got := tab.value(t, "#appointment_place"); got != "Library, Church Street" {
		t.Errorf("where was not kept: %q", got)
	}
	tab.pageChecks(t, "appointment-01-problems")
	tab.screenshot(t, "appointment-01-problems")

	on := time.Now().AddDate(0, 0, 5)
	tab.fillDate(t, "appointment_on", on)
	tab.fill(t, "#appointment_at", "9.30")
	tab.check(t, "appointment_mode-2") // video
	tab.fill(t, "#appointment_place", "")
	tab.click(t, book)
	tab.mustSee(t, "Amy's page with the appointment", on.Format("2 January 2006")+", 09:30", "Video call")
	tab.pageChecks(t, "appointment-02-person")
	tab.screenshot(t, "appointment-02-person")

	// The parent asks for later that day: rearranged, its form starting
	// from the day and time it had.
	tab.clickJS(t, "Rearrange", `[...document.querySelectorAll('#appointments ~ table a')].find(a => a.textContent.startsWith('Rearrange') && a.textContent.includes('`+on.Format("2 January 2006")+`') && a.closest('tr').textContent.includes('09:30'))`)
	if got := tab.value(t, "#appointment_at"); got != "09:30" {
		t.Errorf("the rearranging form starts from %q, want 09:30", got)
	}
	tab.fill(t, "#appointment_at", "10:15")
	tab.pageChecks(t, "appointment-02b-rearrange")
	tab.screenshot(t, "appointment-02b-rearrange")
	tab.click(t, `form[action$="/move"] button[type="submit"]`)
	tab.mustSee(t, "Amy's page with the appointment rearranged", on.Format("2 January 2006")+", 10:15")

	tab.open(t, "/caseload")
	tab.clickJS(t, "Your appointments", `[...document.querySelectorAll('main a')].find(a => a.textContent.trim() === 'Your appointments')`)
	tab.mustSee(t, "Priya's diary", "Your appointments", "To record", "Jess Morris", "Phone call", "Coming up", "Amy Foster", "Children's centre, Station Road")
	tab.pageChecks(t, "appointment-03-diary")
	tab.screenshot(t, "appointment-03-diary")

	tab.clickJS(t, "Record what happened with Jess", `document.querySelector('#to-record ~ table a[href*="appointment="]')`)
	past := tab.value(t, "#held_on")
	if past == "" || tab.eval(t, `String(document.getElementById('mode-3').checked)`) != "true" {
		t.Fatalf("Jess's session form does not start from the call: day %q", past)
	}
	tab.fill(t, "#minutes", "20")
	tab.check(t, "attendance")
	tab.check(t, "confidential-1")
	tab.pageChecks(t, "appointment-04-record")
	tab.click(t, `form[action$="/sessions"] button[type="submit"]`)
	tab.mustSee(t, "Jess's page after the session", "Phone call")

	tab.open(t, "/appointments")
	if n := tab.count(t, "#to-record"); n != 0 {
		t.Error("the call is still to record after its session was saved")
	}

	// Her team manager looks at her appointments from the team caseloads.
	tab.click(t, `form[action="/sign-out"] button[type="submit"]`)
	tab.signIn(t, credentialFor(t, managerEmail))
	tab.open(t, "/caseload/team")
	tab.clickJS(t, "Priya's appointments", `[...document.querySelectorAll('main a')].find(a => a.textContent.trim() === "Appointments: Priya Shah's")`)
	tab.mustSee(t, "Priya's diary as Helen sees it", "Appointments: Priya Shah", "Amy Foster", "Video call", "10:15")
	tab.pageChecks(t, "appointment-05-team")
	tab.screenshot(t, "appointment-05-team")
}
