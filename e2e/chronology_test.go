package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// A practitioner reads a family's chronology in a real browser: from the
// family's page, its events oldest first; narrowed with the form to the
// family and children, only theirs; newest first, the order turned. axe
// runs on each page. Made a document for a conference that Callum's side
// could read, it leaves out what is Jess's alone.
func TestBrowserChronology(t *testing.T) {
	t.Parallel()
	_, tab := browseDemo(t, overallTimeout)
	tab.signIn(t, credentialFor(t, practitionerEmail))
	tab.open(t, "/caseload")
	tab.open(t, tab.caseloadLink(t, "Jess Morris", 1))
	tab.clickJS(t, "the link to the chronology", `[...document.querySelectorAll('main a')].find(a => a.textContent.startsWith('Chronology'))`)
	tab.mustSee(t, "the chronology", "Chronology", "oldest first", "Referral received", "DASH risk assessment: High risk", "Safety plan reviewed", "Isla Morris")
	tab.pageChecks(t, "chronology-01")
	tab.screenshot(t, "chronology-01")
	first := tab.eval(t, `document.querySelector('main tbody tr td').textContent.trim()`)

	tab.run(t, "narrowing to the family, newest first", chromedp.SetValue(chromedp.CSS("#about"), "family"), chromedp.SetValue(chromedp.CSS("#order"), "newest"))
	tab.click(t, `form[action$="/chronology"] button[type="submit"]`)
	tab.mustSee(t, "the family's events", "about the family, the baby and other children, newest first", "Born", "Referral received")
	// Printed, the links are not followed by their addresses, and the form
	// is left off.
	if _, err := chromedp.Call(tab.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
		t.Fatal(err)
	}
	if got := tab.eval(t, `getComputedStyle(document.querySelector('main tbody a.govuk-link'), '::after').content + '|' + getComputedStyle(document.querySelector('form[action$="/chronology"]')).display`); got != "none|none" {
		t.Errorf("the printed chronology: a link's ::after content and the form's display are %q, want none|none", got)
	}
	if _, err := chromedp.Call(tab.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: ""}); err != nil {
		t.Fatal(err)
	}
	about := tab.eval(t, `[...document.querySelectorAll('main tbody tr')].map(r => r.cells[1].textContent.trim()).join('|')`)
	if strings.Contains(about, "Jess Morris") || strings.Contains(about, "Callum Ward") {
		t.Errorf("the chronology narrowed to the family lists a parent's events: %s", about)
	}
	if last := tab.eval(t, `[...document.querySelectorAll('main tbody tr')].pop().cells[0].textContent.trim()`); last != first {
		t.Errorf("newest first ends with %q, want the oldest event's date %q", last, first)
	}
	tab.pageChecks(t, "chronology-02-family")
	tab.screenshot(t, "chronology-02-family")

	// For a child protection conference, if it could reach Callum's side:
	// the preview has none of Jess's risk records, and says so.
	tab.clickJS(t, "the link to generate it", `[...document.querySelectorAll('main a')].find(a => a.textContent.startsWith('Generate a chronology'))`)
	tab.fill(t, "#purpose", "Initial child protection conference on 12 January")
	tab.fill(t, "#recipient", "Chair, initial child protection conference")
	tab.check(t, "audience-2")
	tab.fill(t, "#why", "The conference asked for a chronology")
	tab.run(t, "choosing the lawful basis", chromedp.SetValue(chromedp.CSS("#lawful_basis"), "dpa_sch1_18"))
	tab.check(t, "consent-2")
	tab.fill(t, "#consent_reason", "Seeking consent could put the baby at risk")
	tab.click(t, `button[value="preview"]`)
	tab.mustSee(t, "the chronology's preview", "Chronology of significant events", "Jess Morris — Practitioner: Priya Shah", "Left out", "Generate the PDF and log the share")
	if text := tab.eval(t, `document.querySelector('#preview').innerText`); strings.Contains(text, "DASH risk assessment") || strings.Contains(text, "Safety plan reviewed") {
		t.Errorf("the preview of a chronology that could reach Callum's side lists Jess's risk records:\n%s", text)
	}
	tab.pageChecks(t, "chronology-03-document")
	tab.screenshot(t, "chronology-03-document")
}
