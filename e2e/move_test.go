package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// A team manager moves a practitioner's parents in a real browser: from the
// team's caseloads, "Move their parents" for Priya; sent with no choice,
// the problem links to the first parent's choice; with Amy given to Grace,
// Priya's narrowed caseload no longer lists Amy, and Grace's does. axe runs
// on each page.
func TestBrowserMoveParents(t *testing.T) {
	t.Parallel()
	_, tab := browseDemo(t, overallTimeout)
	tab.signIn(t, credentialFor(t, managerEmail))
	tab.open(t, "/caseload/team")
	tab.clickJS(t, "Priya's move link", `[...document.querySelectorAll('main tbody tr')].find(r => r.cells[0].textContent.includes('Priya Shah')).querySelector('a[href^="/caseload/team/move"]')`)
	tab.mustSee(t, "the move page", "Move Priya Shah's parents", "Amy Foster", "Stays with Priya Shah")
	tab.pageChecks(t, "move-01")

	tab.click(t, `form[action="/caseload/team/move"] button[type="submit"]`)
	tab.mustSee(t, "the move page's problem", "There is a problem", "Choose a practitioner for at least one parent")
	tab.errorLinksResolve(t, "move-problems")
	tab.pageChecks(t, "move-02-problem")
	tab.screenshot(t, "move-02-problem")

	amy := tab.eval(t, `[...document.querySelectorAll('form[action="/caseload/team/move"] .govuk-form-group')].find(g => g.querySelector('label').textContent.trim() === 'Amy Foster').querySelector('select').id`)
	grace := tab.eval(t, `[...document.querySelector('#`+amy+`').options].find(o => o.textContent.startsWith('Grace Adeyemi')).value`)
	tab.run(t, "choosing Grace for Amy", chromedp.SetValue(chromedp.CSS("#"+amy), grace))
	tab.click(t, `form[action="/caseload/team/move"] button[type="submit"]`)
	tab.mustBeAt(t, "/caseload")
	if n := tab.count(t, `main tbody a[href^="/people/"]`); n == 0 || tab.eval(t, `[...document.querySelectorAll('main tbody tr')].some(r => r.cells[0].textContent.trim() === 'Amy Foster') ? 'yes' : 'no'`) != "no" {
		t.Errorf("Priya's caseload after the move (%d rows) still lists Amy Foster", n)
	}
	tab.pageChecks(t, "move-03-moved")
	tab.open(t, "/caseload?practitioner="+grace)
	tab.mustSee(t, "Grace's caseload", "Amy Foster")
}
