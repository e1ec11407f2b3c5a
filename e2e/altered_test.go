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
	chromium := chromiumPath(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	data := demoDataCopy(t)
	raw, err := sql.Open("sqlite", filepath.Join(data, "cradle.db"))
	if err != nil {
		t.Fatal(err)
	}
	var amy, other int64
	if err := raw.QueryRow(`SELECT a.id, o.id FROM people a JOIN people o ON o.family_id = a.family_id AND o.kind = 'parent' AND o.id <> a.id
		WHERE a.given_name = 'Amy' AND a.family_name = 'Foster'`).Scan(&amy, &other); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`UPDATE people SET address_sealed = (SELECT address_sealed FROM people WHERE id = ?1) WHERE id = ?2`, amy, other); err != nil {
		t.Fatal(err)
	}
	if err := raw.Close(); err != nil {
		t.Fatal(err)
	}

	base := serveFolder(t, map[string]string{}, nil, data)
	browser := startBrowser(t, ctx, chromium)
	b := &session{base: base, shots: newShots(t)}
	tab := b.newTab(t, browser)
	defer tab.close(t)
	tab.signInChecked(t, credentialFor(t, dslEmail))

	path := fmt.Sprintf("/people/%d", other)
	resp, err := chromedp.RunResponse(tab.ctx, chromedp.Navigate(base+path))
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
