package e2e

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// TestBrowserPublicWebsite browses every public page signed out (axe on
// each, and no request may leave the server's origin), then edits a page
// as an administrator: a refused edit keeps the text, a preview, a publish
// at a new address, and the old address redirecting there.
func TestBrowserPublicWebsite(t *testing.T) {
	t.Parallel()
	b, browser := browse(t, 120*time.Second, func() string { return startServer(t) })

	public := b.newTab(t, browser)
	defer public.close(t)
	public.open(t, "/")
	public.pageChecks(t, "site-home")
	public.screenshot(t, "site-home")
	var paths []string
	public.evalInto(t, `[...new Set([...document.querySelectorAll('.app-site-menu a, .govuk-footer a, .govuk-service-navigation a')]
		.map(a => a.getAttribute('href')).filter(h => h.startsWith('/') && h !== '/sign-in'))]`, &paths)
	if len(paths) < 16 {
		t.Fatalf("the home page links to only %d public pages: %v", len(paths), paths)
	}
	for _, p := range paths {
		public.open(t, p)
		public.pageChecks(t, "site"+strings.ReplaceAll(p, "/", "-"))
		public.mustSee(t, p, "Exit this page", "If you are in danger")
		if p == "/safeguarding" {
			public.mustSee(t, p, "Designated safeguarding leads", "Ruth Adams", "NSPCC")
			public.screenshot(t, "site-safeguarding")
		}
	}
	checked := 0
	for _, u := range public.takeRequests() {
		checked++
		if !strings.HasPrefix(u, b.base+"/") && !strings.HasPrefix(u, "data:") {
			t.Errorf("a public page made a request outside the site: %s", u)
		}
	}
	t.Logf("%d public pages browsed, %d requests, all to %s", len(paths)+1, checked, b.base)

	// An administrator edits "How we work".
	admin := b.newTab(t, browser)
	defer admin.close(t)
	admin.signInChecked(t, credentialFor(t, "sam.carter@cradle.example"))
	admin.click(t, `nav a[href="/admin/site"]`)
	admin.mustBeAt(t, "/admin/site")
	admin.pageChecks(t, "site-admin")
	admin.screenshot(t, "site-admin")
	edit := admin.eval(t, `[...document.querySelectorAll('main table a')].find(a => a.textContent.startsWith('How we work')).getAttribute('href')`)
	admin.click(t, `main table a[href="`+edit+`"]`)
	admin.mustSee(t, "site-edit", "Edit ‘How we work’", "Version history", "Shipped text")
	admin.pageChecks(t, "site-edit")

	admin.fill(t, "#body", "We listen first. <script>alert(1)</script>")
	admin.click(t, `button[value="publish"]`)
	admin.mustSee(t, "site-edit-error", "There is a problem", "Remove the HTML")
	admin.errorState(t, "site-edit-error", "#body")
	if v := admin.value(t, "#body"); !strings.Contains(v, "<script>") {
		t.Errorf("the typed text was lost: %q", v)
	}
	admin.pageChecks(t, "site-edit-error")

	admin.fill(t, "#body", "## Our approach\n\nWe listen **first**, then we plan together.")
	admin.fill(t, "#slug", "our-approach")
	admin.click(t, `button[value="preview"]`)
	admin.mustSee(t, "site-edit-preview", "Preview: not saved yet", "Our approach", "We listen first, then we plan together.")
	admin.pageChecks(t, "site-edit-preview")
	admin.screenshot(t, "site-edit-preview")

	admin.click(t, `button[value="publish"]`)
	admin.mustSee(t, "site-edit-published", "Version 2 is published.", "Sam Carter")
	admin.pageChecks(t, "site-edit-published")

	// The old address leads to the new one, with the new words.
	public.open(t, "/how-we-work")
	public.mustBeAt(t, "/our-approach")
	public.mustSee(t, "site-moved", "Our approach", "We listen first")
	var menu []string
	public.evalInto(t, `[...document.querySelectorAll('.app-site-menu a')].map(a => a.getAttribute('href'))`, &menu)
	if b, _ := json.Marshal(menu); !strings.Contains(string(b), `"/our-approach"`) {
		t.Errorf("the menu does not link to the new address: %s", b)
	}
	public.pageChecks(t, "site-moved")

	// A DSL's own choice to be named on the safeguarding page.
	lead := b.newTab(t, browser)
	defer lead.close(t)
	lead.signInChecked(t, credentialFor(t, "ruth.adams@cradle.example"))
	lead.open(t, "/account/public-listing")
	lead.mustSee(t, "public-listing", "Can the public safeguarding page show your name?", "Yes, show my name and job title")
	lead.pageChecks(t, "public-listing")
	lead.screenshot(t, "public-listing")

	// Without JavaScript the pages still work: the text, the menu, and
	// "Exit this page" as a plain link.
	nojs := b.newTab(t, browser)
	defer nojs.close(t)
	if _, err := chromedp.Call(nojs.ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatalf("turning JavaScript off: %v", err)
	}
	nojs.open(t, "/privacy")
	nojs.mustSee(t, "no-js", "Privacy notice", "Exit this page", "Who we are")
	if got := nojs.eval(t, `document.body.classList.contains('js-enabled') ? 'js' : document.querySelector('.govuk-exit-this-page__button').getAttribute('href')`); !strings.HasPrefix(got, "https://") {
		t.Errorf("without JavaScript: exit link %q", got)
	}
	nojs.click(t, `.app-site-menu a[href="/domestic-abuse"]`)
	nojs.mustBeAt(t, "/domestic-abuse")
	nojs.mustSee(t, "no-js-menu", "Domestic Abuse Act 2021")
}
