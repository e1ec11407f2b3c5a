package e2e

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

// A practitioner sets a reminder about her parent in a real browser: the
// form opens from the parent's page, its problems link to its fields and
// keep what was typed, the reminder is then listed there and on her task
// list (which links back to it), and she marks it done from the parent's
// page. axe runs on each page.
func TestBrowserReminder(t *testing.T) {
	t.Parallel()
	_, tab := browseDemo(t, overallTimeout)
	tab.signIn(t, credentialFor(t, practitionerEmail))
	tab.open(t, "/caseload")
	amy := tab.caseloadLink(t, "Amy Foster", 0)
	tab.open(t, amy)
	tab.clickJS(t, "the link to set a reminder", `[...document.querySelectorAll('main a')].find(a => a.textContent.trim() === 'Set a reminder')`)
	tab.mustSee(t, "the reminder form", "What do you need to remember?", "Date it is due")

	set := `form[action$="/reminders"] button[type="submit"]`
	tab.fill(t, "#reminder_what", "Ring the housing officer about the move.")
	tab.click(t, set)
	tab.mustSee(t, "the reminder form's problem", "There is a problem", "Enter the date the reminder is due")
	tab.errorLinksResolve(t, "reminder-problems")
	if got := tab.value(t, "#reminder_what"); got != "Ring the housing officer about the move." {
		t.Errorf("the reminder's words were not kept: %q", got)
	}
	tab.pageChecks(t, "reminder-01-problems")
	tab.screenshot(t, "reminder-01-problems")

	due := time.Now().AddDate(0, 0, 3)
	tab.fill(t, "#reminder_due", strconv.Itoa(due.Day()))
	tab.fill(t, "#reminder_due-month", strconv.Itoa(int(due.Month())))
	tab.fill(t, "#reminder_due-year", strconv.Itoa(due.Year()))
	tab.click(t, set)
	tab.mustSee(t, "Amy's page with the reminder", "Ring the housing officer about the move.", "Set by Priya Shah", due.Format("2 January 2006"))
	tab.pageChecks(t, "reminder-02-person")
	tab.screenshot(t, "reminder-02-person")

	// The meeting it is for moved: a week later.
	tab.clickJS(t, "Change the date", `[...document.querySelectorAll('#reminders ~ table a')].find(a => a.textContent.startsWith('Change the date'))`)
	later := due.AddDate(0, 0, 7)
	tab.fill(t, "#reminder_due", strconv.Itoa(later.Day()))
	tab.fill(t, "#reminder_due-month", strconv.Itoa(int(later.Month())))
	tab.fill(t, "#reminder_due-year", strconv.Itoa(later.Year()))
	tab.pageChecks(t, "reminder-03-change-date")
	tab.screenshot(t, "reminder-03-change-date")
	tab.click(t, `form[action$="/due"] button[type="submit"]`)
	tab.mustSee(t, "Amy's page with the reminder moved", later.Format("2 January 2006"))

	tab.open(t, "/caseload")
	// Her task list holds the demo's reminder about Jess too.
	tab.clickJS(t, "the reminder on her task list", `[...document.querySelectorAll('main table a')].find(a => a.textContent.trim() === 'Reminder set by Priya Shah' && a.getAttribute('href') === '`+amy+`#reminders')`)
	if loc := tab.location(); !strings.Contains(loc, amy) {
		t.Errorf("the task list's reminder goes to %s, want %s", loc, amy)
	}
	tab.clickJS(t, "Mark done", `[...document.querySelectorAll('#reminders ~ table button')].find(b => b.textContent.startsWith('Mark done'))`)
	tab.mustSee(t, "Amy's page, the reminder done", "No open reminders.")
	tab.screenshot(t, "reminder-04-done")
}
