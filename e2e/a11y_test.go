package e2e

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserAccessibilitySweep signs in as each role (and stays signed
// out once), follows every link it is shown to every page it can reach,
// and runs axe-core on each; then it sends every form it found empty, so
// each form's error state is checked too. Pages of one kind (one family's
// page and another's) are visited twice at most, to keep the sweep short;
// for the same reason a form's error state is checked once in the sweep
// (by the first role that finds the form: the page around it is each
// role's own, and checked as theirs), and the public pages, the same for
// every reader but for the header, are checked signed out and by the
// first role signed in.
func TestBrowserAccessibilitySweep(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("the accessibility sweep visits every page as every role")
	}
	b, browser := browse(t, 10*time.Minute, func() string { return startServer(t) })

	pages, forms := 0, 0
	shared := &sweepShared{formSeen: map[string]bool{}, public: map[string]bool{}}
	signedIn := 0
	for _, who := range []string{"", "priya.shah", "helen.whitaker", "ruth.adams", "sam.carter", "leah.morgan"} {
		name := who
		if name == "" {
			name = "signed-out"
		}
		t.Run(name, func(t *testing.T) {
			tab := b.newTab(t, browser)
			defer tab.close(t)
			start := "/"
			if who != "" {
				tab.signInChecked(t, credentialFor(t, who+"@cradle.example"))
				start = "/home"
				signedIn++
			}
			p, f := sweep(t, tab, name, start, shared, signedIn > 1)
			pages += p
			forms += f
		})
	}
	t.Logf("accessibility sweep: %d pages and %d form error states checked with axe-core, none with a WCAG 2.2 A or AA violation", pages, forms)
}

// Limits per role: enough for every kind of page, short enough for CI.
const (
	sweepPages    = 35
	sweepPerKind  = 2
	sweepForms    = 20
	sweepPageWait = 10 * time.Second
)

var (
	idSegment = regexp.MustCompile(`/\d+`)
	// Links the sweep does not follow: downloads (a parent's documents among
	// them), signing out, and anything that leaves the site.
	skipLink = regexp.MustCompile(`^/(sign-out|assets/|documents/)|^/people/\d+/documents/\d+$|\.(csv|xlsx|pdf|json)(\?|$)`)
	// Forms the sweep does not send empty: they change something even
	// with nothing typed, or answer with a file to download, not a page
	// (and their pages are checked already).
	skipForm = regexp.MustCompile(`/(sign-out|revoke|withdraw|reopen|resume|decision|close)$|^/admin/contacts$|^/account/public-listing$|/measure-results/|^/people/\d+/subject-access$`)
)

func kindOf(path string) string { return idSegment.ReplaceAllString(path, "/{id}") }

// sweepShared is what one role's sweep leaves for the next: the forms
// whose error state was checked, and the pages reached signed out.
type sweepShared struct {
	formSeen map[string]bool // by kindOf(action)
	public   map[string]bool // paths the signed-out sweep checked
}

type sweepForm struct{ page, action string }

// sweep checks role's pages from start; skipPublic leaves out the pages
// the signed-out sweep reached (checked already by an earlier role signed
// in).
func sweep(t *testing.T, tab *tab, role, start string, shared *sweepShared, skipPublic bool) (pages, forms int) {
	t.Helper()
	queue := []string{start}
	seen := map[string]bool{start: true}
	perKind := map[string]int{}
	var found []sweepForm
	formSeen := shared.formSeen
	collectForms := func(page string) {
		var actions []string
		tab.evalInto(t, `[...document.querySelectorAll('main form[method="post"]')].map(f => f.getAttribute('action'))`, &actions)
		for _, a := range actions {
			if a == "" || skipForm.MatchString(a) || formSeen[kindOf(a)] {
				continue
			}
			formSeen[kindOf(a)] = true
			found = append(found, sweepForm{page: page, action: a})
		}
	}
	// A record's forms are shown one at a time on request (?form=name):
	// each kind is visited once, for its form.
	var formPages []string
	formPageSeen := map[string]bool{}
	for len(queue) > 0 && pages < sweepPages {
		path := queue[0]
		queue = queue[1:]
		if perKind[kindOf(path)] >= sweepPerKind {
			continue
		}
		perKind[kindOf(path)]++
		if skipPublic && shared.public[path] {
			continue
		}
		status := tab.visit(t, path)
		if status != 200 {
			t.Errorf("%s: a link the page showed leads to %s, which answers %d", role, path, status)
			continue
		}
		tab.pageChecks(t, role+" "+path)
		pages++
		if role == "signed-out" {
			shared.public[path] = true
		}
		var links []string
		tab.evalInto(t, `[...document.querySelectorAll('main a[href], header a[href], footer a[href]')].map(a => a.getAttribute('href'))`, &links)
		for _, l := range links {
			u, err := url.Parse(l)
			if err != nil || u.Host != "" || !strings.HasPrefix(u.Path, "/") || skipLink.MatchString(u.Path) {
				continue
			}
			if name := u.Query().Get("form"); name != "" {
				if key := kindOf(u.Path) + "?form=" + name; !formPageSeen[key] {
					formPageSeen[key] = true
					formPages = append(formPages, u.Path+"?form="+url.QueryEscape(name))
				}
				continue
			}
			if !seen[u.Path] {
				seen[u.Path] = true
				queue = append(queue, u.Path)
			}
		}
		collectForms(path)
	}
	for _, p := range formPages {
		if status := tab.visit(t, p); status != 200 {
			t.Errorf("%s: a form's link leads to %s, which answers %d", role, p, status)
			continue
		}
		collectForms(p)
	}
	for _, f := range found {
		if forms >= sweepForms {
			break
		}
		if tab.visit(t, f.page) != 200 {
			continue
		}
		sel := fmt.Sprintf(`main form[action=%q] button[type="submit"], main form[action=%q] button:not([type])`, f.action, f.action)
		// Forms inside a closed "details" are hidden until it is opened.
		tab.eval(t, `(document.querySelectorAll('main details').forEach(d => d.open = true), 'ok')`)
		if tab.count(t, sel) == 0 {
			continue
		}
		tab.click(t, sel)
		if tab.count(t, ".govuk-error-summary") == 0 {
			continue // the form needed nothing typed (or sent us on): its page is checked elsewhere
		}
		checkAccessibility(t, tab, role+" error state of "+f.action)
		tab.checkConsole(t, role+" error state of "+f.action)
		forms++
	}
	if pages < 3 {
		t.Errorf("%s: the sweep reached only %d pages", role, pages)
	}
	t.Logf("%s: %d pages, %d form error states", role, pages, forms)
	return pages, forms
}

// visit opens a path and returns the HTTP status, without failing on an
// error status (the sweep reports those itself).
func (tb *tab) visit(t *testing.T, path string) int64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, sweepPageWait)
	defer cancel()
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(tb.s.base+path))
	if err != nil {
		t.Fatalf("opening %s: %v", path, err)
	}
	return resp.Status
}
