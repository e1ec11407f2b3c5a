package e2e

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	_ "modernc.org/sqlite" // the demo copy's database, to alter behind Cradle's back
)

// TestBrowserAlteredRecord: Amy Foster's sealed address copied, outside
// Cradle, into her co-parent's record. A DSL opening the co-parent's page
// sees none of the record and a page that says what to do, not Amy's
// address; Amy's own page still opens.
func TestBrowserAlteredRecord(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var amy, other int64
	b, browser := alteredDemo(t, ctx, nil, func(raw *sql.DB) {
		if err := raw.QueryRow(`SELECT a.id, o.id FROM people a JOIN people o ON o.family_id = a.family_id AND o.kind = 'parent' AND o.id <> a.id
			WHERE a.given_name = 'Amy' AND a.family_name = 'Foster'`).Scan(&amy, &other); err != nil {
			t.Fatal(err)
		}
		if _, err := raw.Exec(`UPDATE people SET address_sealed = (SELECT address_sealed FROM people WHERE id = ?1) WHERE id = ?2`, amy, other); err != nil {
			t.Fatal(err)
		}
	})
	tab := b.newTab(t, browser)
	defer tab.close(t)
	tab.signInChecked(t, credentialFor(t, dslEmail))

	path := fmt.Sprintf("/people/%d", other)
	resp, err := chromedp.RunResponse(tab.ctx, chromedp.Navigate(b.base+path))
	if err != nil {
		t.Fatalf("opening %s: %v", path, err)
	}
	if resp.Status != 500 {
		t.Errorf("%s: HTTP status %d, want 500", path, resp.Status)
	}
	tab.mustSee(t, "altered-record", "Part of this record cannot be shown", "changed outside Cradle", "designated safeguarding lead")
	if body := tab.eval(t, `document.body.innerText`); strings.Contains(body, "Harbour View") {
		t.Errorf("the altered record's page shows Amy's address:\n%s", body)
	}
	tab.pageChecks(t, "altered-record")
	tab.screenshot(t, "altered-record")

	tab.open(t, fmt.Sprintf("/people/%d", amy))
	tab.mustSee(t, "amy-person", "Amy Foster", "Harbour View")
}

// TestBrowserAlteredReferralInRetention: a referral that never became a
// family, its content replaced outside Cradle by another referral's (so it
// does not open) and its safeguarding status cleared. Forty years on, the
// DSL's retention list still lists every record, marks that one "Changed
// outside Cradle", and its review page says the longest period is assumed.
func TestBrowserAlteredReferralInRetention(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	clock := newTestClock()
	clock.Advance(40 * 366 * 24 * time.Hour)
	var altered, other int64
	var reference string
	b, browser := alteredDemo(t, ctx, clock, func(raw *sql.DB) {
		if err := raw.QueryRow(`SELECT id, reference FROM referrals WHERE family_id IS NULL AND status IN ('not_accepted', 'withdrawn') ORDER BY id LIMIT 1`).Scan(&altered, &reference); err != nil {
			t.Fatal(err)
		}
		if err := raw.QueryRow(`SELECT id FROM referrals WHERE id <> ?1 ORDER BY id LIMIT 1`, altered).Scan(&other); err != nil {
			t.Fatal(err)
		}
		if _, err := raw.Exec(`UPDATE referrals SET safeguarding_status = NULL, content_sealed = (SELECT content_sealed FROM referrals WHERE id = ?1) WHERE id = ?2`, other, altered); err != nil {
			t.Fatal(err)
		}
	})
	tab := b.newTab(t, browser)
	defer tab.close(t)
	tab.signInChecked(t, credentialFor(t, dslEmail))
	tab.click(t, `nav a[href="/retention"]`)
	tab.mustBeAt(t, "/retention")
	row := tab.eval(t, fmt.Sprintf(`(() => {
		const a = [...document.querySelectorAll('main table a[href^="/retention/referrals/"]')].find(a => a.textContent.includes(%q));
		return a ? a.closest('tr').innerText : '';
	})()`, reference))
	if !strings.Contains(row, "Changed outside Cradle") {
		t.Fatalf("retention list: the row for %s reads %q, want it listed and marked \"Changed outside Cradle\"", reference, row)
	}
	if n := tab.count(t, `main table a[href^="/retention/"]`); n < 2 {
		t.Errorf("retention list: %d records listed, want the others as well as the altered one", n)
	}
	tab.pageChecks(t, "retention-altered-list")
	tab.screenshot(t, "retention-altered-list")

	tab.open(t, fmt.Sprintf("/retention/referrals/%d", altered))
	tab.mustSee(t, "retention-altered-review", "changed outside Cradle, so its safeguarding status cannot be read", "child protection period is assumed")
	tab.pageChecks(t, "retention-altered-review")
	tab.screenshot(t, "retention-altered-review")
}

// TestBrowserConcernWithNoLead: no designated safeguarding lead has an
// active account (changed in the database, as leaving staff would be). A
// practitioner raising a concern is not told it went to the leads: the
// page says, under its heading, that the area's team manager was alerted
// instead, and to phone a lead.
func TestBrowserConcernWithNoLead(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var family int64
	b, browser := alteredDemo(t, ctx, nil, func(raw *sql.DB) {
		if err := raw.QueryRow(`SELECT family_id FROM people WHERE given_name = 'Amy' AND family_name = 'Foster'`).Scan(&family); err != nil {
			t.Fatal(err)
		}
		if _, err := raw.Exec(`UPDATE staff SET disabled = TRUE WHERE role = 'dsl'`); err != nil {
			t.Fatal(err)
		}
	})
	tab := b.newTab(t, browser)
	defer tab.close(t)
	tab.signInChecked(t, credentialFor(t, practitionerEmail))
	tab.open(t, fmt.Sprintf("/families/%d/concerns/new", family))
	tab.check(t, "immediate_danger-1") // no
	tab.check(t, "at_risk")            // a parent
	tab.fill(t, "#about", "Amy says Jordan has been waiting outside her work.")
	tab.click(t, `main form[action$="/concerns"] button[type="submit"]`)
	tab.mustSee(t, "concern with no lead", "No designated safeguarding lead had an active account in Cradle when this concern was raised, so the area's team managers were alerted instead.",
		"No designated safeguarding lead was alerted when it was raised; the area's team manager was, in Cradle, instead.")
	if body := tab.eval(t, `document.querySelector('main').innerText`); strings.Contains(body, "The concern is raised") {
		t.Error("the page says the concern went to the leads when there were none")
	}
	var order struct{ HeadingFirst bool }
	tab.evalInto(t, `(() => {
		const h = document.querySelector('main h1'), w = document.querySelector('main .govuk-warning-text');
		return {HeadingFirst: !!(h && w && (h.compareDocumentPosition(w) & Node.DOCUMENT_POSITION_FOLLOWING))};
	})()`, &order)
	if !order.HeadingFirst {
		t.Error("the warning is not under the page's heading")
	}
	tab.pageChecks(t, "concern-no-lead")
	tab.screenshot(t, "concern-no-lead")
}

// alteredDemo copies the demo data, lets change alter its database behind
// Cradle's back, serves the copy (on clock, if not nil) and starts
// Chromium: each test here then opens what the change did.
func alteredDemo(t *testing.T, ctx context.Context, clock *testClock, change func(raw *sql.DB)) (*session, context.Context) {
	t.Helper()
	chromium := chromiumPath(t)
	data := demoDataCopy(t)
	raw, err := sql.Open("sqlite", filepath.Join(data, "cradle.db"))
	if err != nil {
		t.Fatal(err)
	}
	change(raw)
	if err := raw.Close(); err != nil {
		t.Fatal(err)
	}
	base := serveFolder(t, map[string]string{}, clock, data)
	return &session{base: base, shots: newShots(), clock: clock}, startBrowser(t, ctx, chromium)
}
