package e2e

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserStaffChange: an administrator follows "Change" from the staff
// list, tries to take a practitioner out of the area her parents are in
// (refused, saying what to do first, with the boxes as they were ticked),
// then adds an area and a job title; the list says the account changed.
// Each state passes axe-core.
func TestBrowserStaffChange(t *testing.T) {
	t.Parallel()
	_, tab := browseDemo(t, 2*time.Minute)
	tab.signInChecked(t, credentialFor(t, "sam.carter@cradle.example"))
	tab.open(t, "/admin/staff")
	href := tab.eval(t, `[...document.querySelectorAll('main a')].find(a => a.textContent.includes("Priya Shah's name, role or areas")).getAttribute('href')`)
	tab.click(t, `main a[href="`+href+`"]`)
	tab.mustBeAt(t, href)
	tab.mustSee(t, "staff-change", "Change Priya Shah's account", "Work email address", "Areas they work in")
	if v := tab.value(t, "#email"); v != "priya.shah@cradle.example" {
		t.Errorf("the email box holds %q", v)
	}
	tab.pageChecks(t, "staff-change")

	area := func(name string) string {
		return `[...document.querySelectorAll('.govuk-checkboxes__label')].find(l => l.textContent.trim() === '` + name + `')`
	}
	tab.clickHere(t, "Blackpool's box", area("Blackpool"))
	tab.clickHere(t, "Hertfordshire's box", area("Hertfordshire"))
	tab.click(t, `form[action="`+href+`"] button[type="submit"]`)
	tab.mustSee(t, "staff-change error", "There is a problem", "allocate them to someone else before taking Blackpool away")
	tab.errorState(t, "staff-change-error", "#areas")
	tab.errorLinksResolve(t, "staff-change-error")
	tab.pageChecks(t, "staff-change-error")
	if got := tab.eval(t, `[...document.querySelectorAll('input[name=areas]:checked')].map(i => i.value).join()`); got != "Hertfordshire" {
		t.Errorf("the areas ticked after the refusal: %q, want what was sent", got)
	}
	tab.screenshot(t, "staff-change-error")

	tab.clickHere(t, "Blackpool's box", area("Blackpool"))
	tab.fill(t, "#title", "Senior therapeutic practitioner")

	// Another administrator saves a change while this form is open (a
	// post of the form's own version, as their form would send): this
	// save is refused, showing what is saved now above what was typed.
	var other string
	tab.evalInto(t, `(async () => {
		const f = document.querySelector('form[action="`+href+`"]');
		const d = new URLSearchParams(new FormData(f));
		d.set('title', 'Therapeutic practitioner, perinatal');
		d.delete('areas'); d.append('areas', 'Blackpool');
		const r = await fetch(f.action, {method: 'POST', body: d, redirect: 'manual'});
		return String(r.type === 'opaqueredirect' ? 303 : r.status);
	})()`, &other, chromedp.EvalAwaitPromise)
	if other != "303" {
		t.Fatalf("the other administrator's save answered %s", other)
	}
	tab.click(t, `form[action="`+href+`"] button[type="submit"]`)
	tab.mustSee(t, "staff-change conflict", "There is a problem", "Someone else changed this account while you were editing it", "Saved now", "Therapeutic practitioner, perinatal")
	if v := tab.value(t, "#title"); v != "Senior therapeutic practitioner" {
		t.Errorf("after the conflict the job title box holds %q, want what was typed", v)
	}
	tab.errorLinksResolve(t, "staff-change-conflict")
	tab.pageChecks(t, "staff-change-conflict")
	tab.screenshot(t, "staff-change-conflict")
	tab.click(t, `form[action="`+href+`"] button[type="submit"]`)
	tab.mustSee(t, "staff list after the change", "Priya Shah's account was changed", "Blackpool, Hertfordshire", "Senior therapeutic practitioner")
	tab.pageChecks(t, "staff-changed")
	tab.screenshot(t, "staff-changed")

	// Disabling asks first, and Cancel changes nothing.
	disable := tab.eval(t, `[...document.querySelectorAll('main a')].find(a => a.textContent.includes("Tom Elliott's account")).getAttribute('href')`)
	tab.click(t, `main a[href="`+disable+`"]`)
	tab.mustBeAt(t, disable)
	tab.mustSee(t, "staff-disable", "Disable Tom Elliott's account?", "will be signed out at once", "Disable the account", "Cancel")
	tab.pageChecks(t, "staff-disable")
	tab.screenshot(t, "staff-disable")
	tab.click(t, `main a.govuk-link[href^="/admin/staff#"]`)
	tab.mustBeAt(t, "/admin/staff")

	// New sign-in details ask first too.
	reset := tab.eval(t, `[...document.querySelectorAll('main a')].find(a => a.textContent.includes("New sign-in details for Tom Elliott")).getAttribute('href')`)
	tab.open(t, reset)
	tab.mustSee(t, "staff-reset", "Give Tom Elliott new sign-in details?", "Give new sign-in details", "Cancel")
	tab.pageChecks(t, "staff-reset")
	tab.screenshot(t, "staff-reset")
}

// TestBrowserAuditLogSearch: an administrator searches the audit log for
// a member of staff who does not exist (the error state, axe-checked,
// keeps what was typed), then for one who does.
func TestBrowserAuditLogSearch(t *testing.T) {
	t.Parallel()
	_, tab := browseDemo(t, 2*time.Minute)
	tab.signInChecked(t, credentialFor(t, "sam.carter@cradle.example"))
	tab.click(t, `nav a[href="/audit"]`)
	tab.mustBeAt(t, "/audit")
	tab.pageChecks(t, "audit")
	tab.fill(t, "#staff", "nobody@cradle.example")
	tab.click(t, `form[action="/audit"] button[type="submit"]`)
	tab.mustSee(t, "audit search error", "There is a problem", "There is no member of staff with that email address")
	tab.errorState(t, "audit-search-error", "#staff")
	tab.errorLinksResolve(t, "audit-search-error")
	tab.pageChecks(t, "audit-search-error")
	if v := tab.value(t, "#staff"); v != "nobody@cradle.example" {
		t.Errorf("the search box holds %q after the error", v)
	}
	tab.screenshot(t, "audit-search-error")
	tab.fill(t, "#staff", "sam.carter@cradle.example")
	tab.click(t, `form[action="/audit"] button[type="submit"]`)
	tab.mustSee(t, "audit search", "the entries that match the search", "Sam Carter", "Clear the search")
	tab.pageChecks(t, "audit-search")
	tab.screenshot(t, "audit-search")
}
