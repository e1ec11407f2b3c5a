package e2e

import (
	"strings"
	"testing"
)

// TestBrowserBabysRecord opens a baby's page from both sides. Isla (the
// demo's) lives with Jess Morris, so her details are Jess's practitioner's
// alone; Callum Ward's practitioner reads that they are withheld, and
// still records Isla's development measures, which are both
// practitioners' work.
func TestBrowserBabysRecord(t *testing.T) {
	t.Parallel()
	b, browser := browse(t, overallTimeout, func() string { return startServer(t) })
	priya := b.newTab(t, browser)
	defer priya.close(t)
	priya.signInChecked(t, credentialFor(t, "priya.shah@cradle.example"))
	priya.click(t, `nav a[href="/caseload"]`)
	priya.open(t, priya.caseloadLink(t, "Jess Morris", 1))
	priya.mustSee(t, "Jess's family page", "Lives with", "Jess Morris: the baby's contact details are seen only by their practitioner", "Change who the baby lives with")
	isla := priya.eval(t, `([...document.querySelectorAll('main dd a[href^="/people/"]')].find(a => a.textContent.trim() === 'Isla Morris') || {}).getAttribute?.('href') || ''`)
	if isla == "" {
		t.Fatal("the family page does not link to Isla's page")
	}
	priya.open(t, isla)
	priya.mustSee(t, "Isla's page", "Baby", "Lives with", "Jess Morris", "Outcome measures", "Raise a safeguarding concern")
	if got := priya.eval(t, `[...document.querySelectorAll('main h2')].map(h => h.textContent.trim()).join('; ')`); strings.Contains(got, "Sessions") {
		t.Errorf("Isla's page has the sections %q; sessions are a parent's", got)
	}
	priya.pageChecks(t, "baby-page")
	priya.screenshot(t, "baby-01-page")
	priya.open(t, isla+"/details")
	priya.mustSee(t, "Isla's details form", "Who does the baby live with?", "Both practitioners still record the baby's development measures", "First name (optional)")
	if got := priya.eval(t, `(() => { const i = document.querySelector('input[name=household]:checked'); return i ? document.querySelector('label[for="'+i.id+'"]').innerText.trim() : ''; })()`); got != "Jess Morris" {
		t.Errorf("Isla's details form: the household chosen is %q, want Jess Morris", got)
	}
	priya.pageChecks(t, "baby-details")
	priya.screenshot(t, "baby-02-details")

	// Callum's practitioner: the details withheld, the measures theirs too.
	grace := b.newTab(t, browser)
	defer grace.close(t)
	grace.signInChecked(t, credentialFor(t, "grace.adeyemi@cradle.example"))
	grace.open(t, isla)
	grace.mustSee(t, "Isla's page for Grace", "Withheld: seen only by the practitioner of the parent Isla Morris lives with. If you must see them, break the glass on that parent's record.")
	if n := grace.count(t, `main a[href$="/contact"]`); n != 0 {
		t.Errorf("Callum's practitioner is offered a link to change Isla's contact details")
	}
	grace.pageChecks(t, "baby-page-withheld")
	grace.screenshot(t, "baby-03-page-withheld")
	grace.click(t, `main a[href$="/measures"]`)
	grace.mustSee(t, "Isla's measures for Grace", "Record a measure", "ASQ")
	if strings.Contains(grace.eval(t, `document.querySelector('main').innerText`), "Withheld") {
		t.Error("Callum's practitioner finds Isla's development measures withheld")
	}
	grace.pageChecks(t, "baby-measures-other-side")
	grace.screenshot(t, "baby-04-measures-other-side")
}
