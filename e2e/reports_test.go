package e2e

import (
	"context"
	"testing"
	"time"
)

// TestBrowserReports opens the organisation dashboard as the designated
// safeguarding lead (every area), checks it with axe, filters it with a
// mistake and then correctly, and opens the funder report form.
func TestBrowserReports(t *testing.T) {
	chromium := chromiumPath(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	base := startServer(t)
	browser := startBrowser(t, ctx, chromium)
	b := &session{base: base, shots: newShots(t)}

	tab := b.newTab(t, browser)
	defer tab.close(t)
	tab.signInChecked(t, credentialFor(t, "ruth.adams@cradle.example"))
	tab.click(t, `nav a[href="/reports"]`)
	tab.mustBeAt(t, "/reports")
	tab.mustSee(t, "reports", "Referrals by month and source", "From referral to completion", "Change in outcome measures")
	if n := tab.count(t, `main svg[role="img"] title`); n < 3 {
		t.Errorf("%d charts with titles, want at least 3", n)
	}
	// Every chart has its table beside it.
	if n := tab.count(t, `main table.govuk-table caption`); n < 10 {
		t.Errorf("%d captioned tables, want at least 10", n)
	}
	tab.pageChecks(t, "reports")
	tab.screenshot(t, "reports-organisation")

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
