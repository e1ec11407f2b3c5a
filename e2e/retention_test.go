package e2e

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestBrowserRetentionReview moves the clock forty years on, past every
// period of the shipped schedule, and reviews the demo's closed family: the
// DSL finds it on the list, gets a refused request with nothing typed, then
// asks for deletion; the team manager types the wrong reference, then the
// right one, and the record is gone with its stub on the deleted-records
// list. Every page and error state passes axe-core.
func TestBrowserRetentionReview(t *testing.T) {
	t.Parallel()
	chromium := chromiumPath(t)
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	clock := newTestClock()
	base := startServerWithClock(t, map[string]string{}, clock)
	browser := startBrowser(t, ctx, chromium)
	b := &session{base: base, shots: newShots(), clock: clock}
	clock.Advance(40 * 366 * 24 * time.Hour)

	dsl := b.newTab(t, browser)
	defer dsl.close(t)
	dsl.signInChecked(t, credentialFor(t, "ruth.adams@cradle.example"))
	dsl.click(t, `nav a[href="/retention"]`)
	dsl.mustBeAt(t, "/retention")
	dsl.mustSee(t, "retention-list", "Records retention", "25th birthday", "Due for review")
	dsl.pageChecks(t, "retention-list")
	dsl.screenshot(t, "retention-list")
	// A referral that never became a family is reviewed on a page of its
	// own, which shows its dates and rule but nothing typed about anyone.
	referralPage := dsl.eval(t, `document.querySelector('main table a[href^="/retention/referrals/"]').getAttribute('href')`)
	dsl.open(t, referralPage)
	dsl.mustSee(t, "retention-referral-review", "Referral: ", "Received", "Decided", "See the referral", "Keep the record for longer")
	dsl.pageChecks(t, "retention-referral-review")
	dsl.screenshot(t, "retention-referral-review")
	dsl.open(t, "/retention")
	href := dsl.eval(t, `document.querySelector('main table a[href^="/retention/families/"]').getAttribute('href')`)
	ref := strings.TrimSpace(dsl.eval(t, `document.querySelector('main table a[href^="/retention/families/"]').firstChild.textContent`))
	dsl.click(t, `main table a[href="`+href+`"]`)
	dsl.mustSee(t, "retention-review", "Review record "+ref, "Ask for the record to be deleted", "Keep the record for longer")
	dsl.pageChecks(t, "retention-review")

	dsl.click(t, `form[action="`+href+`/request"] button`)
	dsl.mustSee(t, "retention-request-error", "There is a problem", "Enter the reason for your decision")
	dsl.errorState(t, "retention-request-error", "#request_reason")
	dsl.pageChecks(t, "retention-request-error")
	dsl.fill(t, "#review_on", "31")
	dsl.fill(t, "#review_on-month", "2")
	dsl.fill(t, "#review_on-year", "2080")
	dsl.fill(t, "#keep_reason", "Proceedings")
	dsl.click(t, `form[action="`+href+`/keep"] button`)
	dsl.errorState(t, "retention-keep-error", "#review_on")
	dsl.pageChecks(t, "retention-keep-error")
	if v := dsl.value(t, "#keep_reason"); v != "Proceedings" {
		t.Errorf("the typed reason was lost: %q", v)
	}
	dsl.screenshot(t, "retention-keep-error")

	dsl.fill(t, "#request_reason", "Checked with the team: no proceedings, complaints or requests outstanding.")
	dsl.click(t, `form[action="`+href+`/request"] button`)
	dsl.mustBeAt(t, href)
	dsl.mustSee(t, "retention-requested", "Waiting for approval", "You asked for this deletion, so another team manager of the area must approve it")
	dsl.pageChecks(t, "retention-requested")

	mgr := b.newTab(t, browser)
	defer mgr.close(t)
	mgr.signInChecked(t, credentialFor(t, "helen.whitaker@cradle.example"))
	mgr.open(t, href)
	mgr.mustSee(t, "retention-approve", "Approve the deletion", "It cannot be undone")
	mgr.pageChecks(t, "retention-approve")
	mgr.screenshot(t, "retention-approve")
	mgr.fill(t, "#confirm", "FAM-1999-000001")
	mgr.click(t, `form[action="`+href+`/approve"] button`)
	mgr.errorState(t, "retention-approve-error", "#confirm")
	mgr.mustSee(t, "retention-approve-error", "does not match")
	mgr.pageChecks(t, "retention-approve-error")
	mgr.fill(t, "#confirm", ref)
	mgr.click(t, `form[action="`+href+`/approve"] button`)
	mgr.mustSee(t, "retention-erased", "The record "+ref+" has been deleted", "Deleted records", "Ruth Adams", "Helen Whitaker")
	mgr.pageChecks(t, "retention-erased")
	mgr.screenshot(t, "retention-erased")
	if status := mgr.visit(t, href); status != 404 {
		t.Errorf("the deleted record's review page answers %d", status)
	}
}
