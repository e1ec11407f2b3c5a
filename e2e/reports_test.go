package e2e

import (
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserReports opens the organisation dashboard as the designated
// safeguarding lead (every area), checks it with axe, filters it with a
// mistake and then correctly, and opens the funder report form.
func TestBrowserReports(t *testing.T) {
	t.Parallel()
	_, tab := browseDemo(t, overallTimeout) // a page per section: more pages to visit
	tab.signInChecked(t, credentialFor(t, "ruth.adams@cradle.example"))
	tab.click(t, `nav a[href="/reports"]`)
	tab.mustBeAt(t, "/reports")
	tab.mustSee(t, "reports", "Referrals by source", "Sections")
	// The first section: its chart, with its table beside it.
	if n := tab.count(t, `main svg[role="img"] title`); n < 1 {
		t.Errorf("%d charts with titles, want at least 1", n)
	}
	if n := tab.count(t, `main table.govuk-table caption`); n < 1 {
		t.Errorf("%d captioned tables, want at least 1", n)
	}
	tab.pageChecks(t, "reports")
	tab.screenshot(t, "reports-organisation")
	// The other sections are a page each, reached from the list of sections.
	for _, s := range []struct{ link, want string }{
		{"Referrals over time", "Referrals by month and source"},
		{"Conversion and first contact", "From referral to completion"},
		{"Outcomes", "Change in outcome measures"},
	} {
		tab.clickJS(t, "the section "+s.link, fmt.Sprintf(`[...document.querySelectorAll('main nav[aria-labelledby="report-sections-title"] a')].find(a => a.textContent.trim() === %q)`, s.link))
		tab.mustBeAt(t, "/reports")
		tab.mustSee(t, "reports "+s.link, s.want)
		if got := tab.eval(t, `(() => { const c = document.querySelector('main nav li[aria-current="page"]'); return c ? c.textContent.trim() : ''; })()`); got != s.link {
			t.Errorf("the list of sections marks %q as the current one, want %q", got, s.link)
		}
		tab.pageChecks(t, "reports "+s.link)
	}
	tab.screenshot(t, "reports-outcomes")

	// The end before the start: an error summary linked to the field, the typed dates kept.
	tab.fill(t, "#from", "1")
	tab.fill(t, "#from-month", "6")
	tab.fill(t, "#from-year", "2026")
	tab.fill(t, "#to", "1")
	tab.fill(t, "#to-month", "1")
	tab.fill(t, "#to-year", "2026")
	tab.click(t, `form[action="/reports"] button`)
	tab.mustSee(t, "reports-error", "There is a problem", "The end date must be the same as or after the start date")
	if n := tab.count(t, `.govuk-error-summary a[href="#to"]`); n != 1 {
		t.Error("the error summary does not link to the end date")
	}
	if v := tab.value(t, "#from-month"); v != "6" {
		t.Errorf("the typed start month was lost: %q", v)
	}
	tab.pageChecks(t, "reports-error")

	tab.open(t, "/reports/funder")
	tab.mustSee(t, "funder", "Quarterly funder report", "Which quarter?")
	tab.pageChecks(t, "funder")
}

// TestBrowserOutcomeMeasure records a GAD-7 for a parent whose 6-month
// measures are due: first with questions unanswered (the error summary links
// to each), then complete; the result shows in the table and chart, and the
// pages pass axe.
func TestBrowserOutcomeMeasure(t *testing.T) {
	t.Parallel()
	_, tab := browseDemo(t, 60*time.Second)
	tab.signInChecked(t, credentialFor(t, "priya.shah@cradle.example"))
	tab.click(t, `nav a[href="/caseload"]`)
	href := tab.caseloadLink(t, "Jess Morris", 0)
	tab.open(t, href+"/measures")
	tab.mustSee(t, "measures", "Outcome measures: Jess Morris", "Due now", "6-month outcome measures", "Latest results")
	tab.pageChecks(t, "measures")
	tab.click(t, `main a[href$="/measures/gad7"]`)
	tab.mustSee(t, "gad7", "Record GAD-7", "Feeling nervous, anxious or on edge")
	tab.pageChecks(t, "gad7")
	tab.check(t, "timepoint-2") // baseline, late pregnancy, 6 months
	tab.fillDate(t, "taken_on", time.Now())
	tab.check(t, "item-1-2")
	tab.click(t, `main form button[type="submit"]`)
	tab.mustSee(t, "gad7-error", "There is a problem")
	if n := tab.count(t, `.govuk-error-summary a[href="#item-2"]`); n != 1 {
		t.Error("the error summary does not link to question 2")
	}
	if tab.eval(t, `String(document.getElementById('item-1-2').checked)`) != "true" {
		t.Error("the answer to question 1 was lost")
	}
	tab.pageChecks(t, "gad7-error")
	for q := 2; q <= 7; q++ {
		tab.check(t, fmt.Sprintf("item-%d-1", q))
	}
	tab.click(t, `main form button[type="submit"]`)
	tab.mustSee(t, "gad7-saved", "GAD-7 recorded: 8 (mild)")
	tab.pageChecks(t, "gad7-saved")
	tab.screenshot(t, "measures-after-gad7")

	// Entered in error: removed with a reason, and listed as removed.
	rid := tab.eval(t, `new URLSearchParams(location.search).get('recorded') || ''`)
	if rid == "" {
		t.Fatal("no recorded result in the address after saving")
	}
	tab.click(t, fmt.Sprintf(`main a[href$="?remove=%s#remove-%s"]`, rid, rid))
	tab.fill(t, "#reason-"+rid, "Scored from last month's form")
	// Sent twice (a double click on a slow connection): the first, sent
	// by script, removes it; the second shows the conflict, the result
	// listed as removed and the typed reason kept to copy.
	var first string
	tab.evalInto(t, `(async () => {
		const f = document.querySelector('main form[action$="/remove"]');
		const r = await fetch(f.action, {method: 'POST', body: new URLSearchParams(new FormData(f))});
		return r.status + ' ' + new URL(r.url).search;
	})()`, &first, chromedp.EvalAwaitPromise)
	if first != "200 ?measure=gad7" {
		t.Fatalf("the first removal answered %q", first)
	}
	tab.click(t, `main form[action$="/remove"] button[type="submit"]`)
	tab.mustSee(t, "gad7-removed-twice", "There is a problem", "This was removed as entered in error already",
		"What you typed was not saved", "Scored from last month's form", "Removed as entered in error")
	tab.pageChecks(t, "gad7-removed-twice")
	tab.screenshot(t, "measures-gad7-removed-twice")
	tab.open(t, href+"/measures?measure=gad7")
	tab.mustSee(t, "gad7-removed", "Removed as entered in error", "Scored from last month's form")
	tab.pageChecks(t, "gad7-removed")
	tab.screenshot(t, "measures-gad7-removed")
}
