package e2e

import (
	"testing"
	"time"
)

// TestBrowserFindAPerson searches as a practitioner from the menu: first
// with too little typed (the error summary links to the box, which keeps
// the text), then a full name; the result leads to the person's page.
func TestBrowserFindAPerson(t *testing.T) {
	t.Parallel()
	_, tab := browseDemo(t, 60*time.Second)
	tab.signInChecked(t, credentialFor(t, "priya.shah@cradle.example"))
	tab.click(t, `nav a[href="/search"]`)
	tab.mustBeAt(t, "/search")
	tab.pageChecks(t, "search")

	tab.fill(t, "#q", "A")
	tab.click(t, `form[action="/search"] button`)
	tab.mustSee(t, "search-error", "There is a problem", "Enter at least 2 letters")
	tab.errorState(t, "search-error", "#q")
	if v := tab.value(t, "#q"); v != "A" {
		t.Errorf("the typed search was lost: %q", v)
	}
	tab.pageChecks(t, "search-error")

	tab.fill(t, "#q", "Amy Foster")
	tab.click(t, `form[action="/search"] button`)
	tab.mustSee(t, "search-results", "1 person found", "Amy Foster", "Blackpool")
	tab.pageChecks(t, "search-results")
	tab.screenshot(t, "search-results")
	tab.click(t, `main table a[href^="/people/"]`)
	tab.mustSee(t, "person", "Amy Foster")
}
