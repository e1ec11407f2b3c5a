package web_test

import (
	"bytes"
	"context"
	"html"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/cradle-org/cradle/internal/site"
)

const dsl = "ruth.adams@cradle.example"

// Every published page, signed out: the exits, the contacts, both
// referral routes, the mailing list and the footer pages, and nothing
// fetched from another site.
func TestPublicSitePages(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		nav, err := e.db.SiteNav(context.Background())
		if err != nil || len(nav) < 14 {
			t.Fatalf("SiteNav = %d pages, %v", len(nav), err)
		}
		c := e.client()
		external := regexp.MustCompile(`(?i)(src|action)="(https?:)?//|<link[^>]+href="(https?:)?//`)
		for _, p := range nav {
			r := e.get(c, p.Path())
			if r.status != http.StatusOK {
				t.Errorf("%s: %d", p.Path(), r.status)
				continue
			}
			for _, want := range []string{"Exit this page", "call 999", `href="/refer/yourself"`, `href="/refer/professional"`, `href="/mailing-list"`,
				`href="/privacy"`, `href="/cookies"`, `href="/accessibility"`, `href="/safeguarding"`, "<h1 class=\"govuk-heading-", html.EscapeString(p.Title)} {
				if !strings.Contains(r.body, want) {
					t.Errorf("%s lacks %s", p.Path(), want)
				}
			}
			if m := external.FindString(r.body); m != "" {
				t.Errorf("%s loads something from another site: %s", p.Path(), m)
			}
			if strings.Count(r.body, "<h1") != 1 {
				t.Errorf("%s has %d h1 headings", p.Path(), strings.Count(r.body, "<h1"))
			}
		}
		// The safeguarding page names the lead who agreed, with the key contacts.
		sg := e.get(c, "/safeguarding")
		for _, want := range []string{"Ruth Adams, Director of Operations", "NSPCC", "Our safeguarding policies are not online yet"} {
			if !strings.Contains(sg.body, want) {
				t.Errorf("safeguarding page lacks %q", want)
			}
		}
		if r := e.get(c, "/How-We-Work"); r.status != http.StatusMovedPermanently || r.location != "/how-we-work" {
			t.Errorf("mixed-case address: %d %q", r.status, r.location)
		}
		if r := e.get(c, "/no-such-page"); r.status != http.StatusNotFound || !strings.Contains(r.body, "Exit this page") {
			t.Errorf("unknown page: %d", r.status)
		}
		// Addresses no page could have are a plain "not found", never a server error.
		for _, path := range []string{"/%00", "/%ff%fe", "/a--b", "/" + strings.Repeat("a", 200), "/how_we_work"} {
			if r := e.get(c, path); r.status != http.StatusNotFound {
				t.Errorf("%s: %d, want 404", path, r.status)
			}
		}
	})
}

// The cookies page must name every cookie the service sets: collect them
// from a real sign-in and a real self-referral.
func TestCookiesPageNamesEveryCookie(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		names := map[string]bool{}
		srv, _ := url.Parse(e.srv.URL)
		c := e.client()
		e.signIn(c, admin)
		for _, ck := range c.Jar.Cookies(srv) {
			names[ck.Name] = true
		}
		c = e.client()
		e.post(c, "/refer/yourself/about-you", url.Values{"parent1.given_name": {"Kim"}, "parent1.family_name": {"Lee"}})
		for _, ck := range c.Jar.Cookies(&url.URL{Scheme: srv.Scheme, Host: srv.Host, Path: "/refer/yourself/"}) {
			names[ck.Name] = true
		}
		if len(names) < 2 {
			t.Fatalf("collected cookies %v: the test did not reach both", names)
		}
		page := e.get(e.client(), "/cookies")
		for n := range names {
			if !strings.Contains(page.body, n) {
				t.Errorf("the cookies page does not name %s", n)
			}
		}
		if !strings.Contains(page.body, "strictly necessary") {
			t.Error("the cookies page does not say the cookies are strictly necessary")
		}
	})
}

func editorOf(t *testing.T, e *env, c *http.Client, slug string) (path, token string, version int) {
	t.Helper()
	p, _, err := e.db.PublicPage(context.Background(), slug)
	if err != nil {
		t.Fatal(err)
	}
	path = "/admin/site/pages/" + itoa(p.ID)
	r := e.get(c, path)
	if r.status != http.StatusOK {
		t.Fatalf("editor: %d", r.status)
	}
	return path, csrfFrom(t, r.body), p.LatestVersion
}

func TestEditingAPublicPage(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		c := e.client()
		e.signIn(c, admin)
		list := e.get(c, "/admin/site")
		if list.status != http.StatusOK || !strings.Contains(list.body, "How we work") || !strings.Contains(list.body, "Published") {
			t.Fatalf("site admin: %d", list.status)
		}
		path, token, v := editorOf(t, e, c, "how-we-work")
		before := e.get(e.client(), "/how-we-work").body
		form := func(title, slug, body, action string) url.Values {
			return url.Values{"csrf_token": {token}, "based_on": {strconv.Itoa(v)}, "title": {title}, "slug": {slug}, "order": {"1"}, "body": {body}, "action": {action}}
		}

		// Bad input: specific messages, the typed text kept, nothing saved.
		bad := []struct{ title, slug, body, want string }{
			{"How we work", "how-we-work", "Hello <script>alert('x')</script>", "Remove the HTML"},
			{"How we work", "how-we-work", "<iframe src=\"https://evil.example\"></iframe>", "Remove the HTML"},
			{"How we work", "how-we-work", "[Click](javascript:alert(1))", "links must start with"},
			{"How we work", "how-we-work", strings.Repeat("word ", site.MaxBody/5+1), "Page text must be 50,000 characters or fewer"},
			{"", "how-we-work", "Fine text", "Enter a title"},
			{"How we work", "what-we-deliver", "Fine text", "is already used by the page"},
			{"How we work", "sign-in", "Fine text", "is used by another part of the service"},
			{"How we work", "How We Work!", "Fine text", "must only include lower-case letters"},
		}
		for _, b := range bad {
			for _, action := range []string{"preview", "publish"} {
				r := e.post(c, path, form(b.title, b.slug, b.body, action))
				if r.status == http.StatusSeeOther || r.status >= 500 || !strings.Contains(r.body, html.EscapeString(b.want)) {
					t.Errorf("%s %q: %d, want a message containing %q", action, b.body[:min(len(b.body), 30)], r.status, b.want)
				}
				if len(b.body) < 200 && !strings.Contains(r.body, html.EscapeString(b.body)) {
					t.Errorf("%s: the typed text was not kept", action)
				}
				if !strings.Contains(r.body, "govuk-error-summary") {
					t.Errorf("%s: no error summary", action)
				}
			}
		}
		if after := e.get(e.client(), "/how-we-work").body; after != before {
			t.Fatal("a refused edit changed the published page")
		}

		// Preview shows the rendered text and saves nothing.
		r := e.post(c, path, form("How we work", "how-we-work", "## Our approach\n\nWe listen **first**.", "preview"))
		if r.status != http.StatusOK || !strings.Contains(r.body, `<h2 class="govuk-heading-m">Our approach</h2>`) || !strings.Contains(r.body, "Preview: not saved yet") {
			t.Fatalf("preview: %d", r.status)
		}
		if p, _, _ := e.db.PublicPage(context.Background(), "how-we-work"); p.LatestVersion != v {
			t.Fatal("preview saved a version")
		}

		// A draft leaves the public page alone.
		r = e.post(c, path, form("How we work", "how-we-work", "Draft words.", "draft"))
		if r.status != http.StatusSeeOther {
			t.Fatalf("draft: %d\n%s", r.status, r.body)
		}
		if strings.Contains(e.get(e.client(), "/how-we-work").body, "Draft words.") {
			t.Fatal("a draft was published")
		}
		ed := e.get(c, r.location)
		if !strings.Contains(ed.body, "saved as a draft") || !strings.Contains(ed.body, "Draft words.") || !strings.Contains(ed.body, "Sam Carter") || !strings.Contains(ed.body, "Shipped text") {
			t.Error("the editor does not show the draft, its author and the history")
		}

		// Someone else's save in between: refused, the text kept.
		r = e.post(c, path, form("How we work", "how-we-work", "My stale words.", "publish"))
		if r.status != http.StatusConflict || !strings.Contains(r.body, "Someone else saved this page") || !strings.Contains(r.body, "My stale words.") {
			t.Fatalf("stale save: %d", r.status)
		}

		// Publish at a new address: the old one redirects.
		v++
		r = e.post(c, path, form("How we work together", "our-approach", "## Our approach\n\nWe listen **first**.", "publish"))
		if r.status != http.StatusSeeOther {
			t.Fatalf("publish: %d\n%s", r.status, r.body)
		}
		pub := e.get(e.client(), "/our-approach")
		if pub.status != http.StatusOK || !strings.Contains(pub.body, "<strong>first</strong>") || !strings.Contains(pub.body, "How we work together") {
			t.Fatalf("published page: %d", pub.status)
		}
		if old := e.get(e.client(), "/how-we-work"); old.status != http.StatusMovedPermanently || old.location != "/our-approach" {
			t.Fatalf("old address: %d %q", old.status, old.location)
		}
		// The menu follows at once.
		if home := e.get(e.client(), "/"); !strings.Contains(home.body, `href="/our-approach"`) {
			t.Error("the menu still links to the old address")
		}
		// The audit log names the author.
		if log := e.get(c, "/audit"); !regexp.MustCompile(`sam\.carter@cradle\.example</td>\s*<td class="govuk-table__cell">site\.page\.publish`).MatchString(log.body) {
			t.Error("the audit log does not show the publish by its author")
		}

		// Nobody else may edit.
		p := e.client()
		e.signIn(p, practitioner)
		if r := e.get(p, "/admin/site"); r.status != http.StatusForbidden {
			t.Errorf("a practitioner opened the site editor: %d", r.status)
		}
		if r := e.get(p, path); r.status != http.StatusForbidden {
			t.Errorf("a practitioner opened a page's editor: %d", r.status)
		}
	})
}

func TestAddingAPage(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		c := e.client()
		e.signIn(c, admin)
		r := e.get(c, "/admin/site/pages/new")
		token := csrfFrom(t, r.body)
		r = e.post(c, "/admin/site/pages", url.Values{"csrf_token": {token}, "title": {"Events"}, "slug": {"events"}, "order": {"95"}, "body": {"Coming soon."}, "action": {"draft"}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("new page: %d\n%s", r.status, r.body)
		}
		if r := e.get(e.client(), "/events"); r.status != http.StatusNotFound {
			t.Fatalf("an unpublished page is public: %d", r.status)
		}
		r = e.post(c, "/admin/site/pages", url.Values{"csrf_token": {token}, "title": {"Events again"}, "slug": {"events"}, "body": {"x"}, "action": {"publish"}})
		if !strings.Contains(r.body, "is already used by the page") {
			t.Fatalf("a second page took the address: %d", r.status)
		}
	})
}

func multipartBody(t *testing.T, fields map[string]string, fileName string, content []byte) (*bytes.Buffer, string) {
	t.Helper()
	return multipartFile(t, fields, "file", fileName, content)
}

// multipartFile is a multipart form of fields and, when fileName is given,
// a file in the field named file.
func multipartFile(t *testing.T, fields map[string]string, file, fileName string, content []byte) (*bytes.Buffer, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range fields {
		if err := w.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	if fileName != "" {
		f, err := w.CreateFormFile(file, fileName)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Write(content); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return &buf, w.FormDataContentType()
}

func TestSafeguardingPolicyDocuments(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		c := e.client()
		e.signIn(c, admin)
		token := csrfFrom(t, e.get(c, "/admin/site").body)
		upload := func(title, name string, content []byte) resp {
			body, ct := multipartBody(t, map[string]string{"csrf_token": token, "title": title}, name, content)
			return e.send(c, "POST", "/admin/site/documents", body, "Content-Type", ct)
		}
		r := upload("Safeguarding adults policy", "notes.html", []byte("<html><script>alert(1)</script></html>"))
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "The selected file must be a PDF") || !strings.Contains(r.body, `value="Safeguarding adults policy"`) {
			t.Fatalf("non-PDF: %d", r.status)
		}
		r = upload("", "", nil)
		if !strings.Contains(r.body, "Enter the document") || !strings.Contains(r.body, "Select a PDF file") {
			t.Fatalf("empty upload: %d", r.status)
		}
		pdf := []byte("%PDF-1.4\n% Safeguarding adults policy\n%%EOF\n")
		r = upload("Safeguarding adults policy", "Safeguarding Adults.pdf", pdf)
		if r.status != http.StatusSeeOther {
			t.Fatalf("upload: %d\n%s", r.status, r.body)
		}
		sg := e.get(e.client(), "/safeguarding")
		m := regexp.MustCompile(`href="(/documents/\d+/safeguarding-adults\.pdf)">Safeguarding adults policy</a>`).FindStringSubmatch(sg.body)
		if m == nil {
			t.Fatal("the safeguarding page does not link the policy")
		}
		doc := e.get(e.client(), m[1])
		if doc.status != http.StatusOK || doc.body != string(pdf) || doc.header.Get("Content-Type") != "application/pdf" {
			t.Fatalf("document: %d %q", doc.status, doc.header.Get("Content-Type"))
		}
		// Too large: refused before it is read, with a message.
		req, _ := http.NewRequest("POST", e.srv.URL+"/admin/site/documents", strings.NewReader("x"))
		req.ContentLength = site.MaxDocument + 2<<20
		req.Header.Set("Content-Type", "multipart/form-data; boundary=x")
		if res, err := c.Do(req); err == nil {
			var b bytes.Buffer
			if _, err := b.ReadFrom(res.Body); err != nil {
				t.Fatal(err)
			}
			res.Body.Close() // #nosec G104 -- read in full above
			if res.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(b.String(), "smaller than 10 MB") {
				t.Errorf("oversized upload: %d", res.StatusCode)
			}
		}
		// Withdrawn: no longer listed or served.
		id := strings.Split(m[1], "/")[2]
		admin := e.get(c, "/admin/site")
		if r := e.post(c, "/admin/site/documents/"+id+"/withdraw", url.Values{"csrf_token": {csrfFrom(t, admin.body)}}); r.status != http.StatusSeeOther {
			t.Fatalf("withdraw: %d", r.status)
		}
		if r := e.get(e.client(), m[1]); r.status != http.StatusNotFound {
			t.Errorf("a withdrawn document is served: %d", r.status)
		}
		if strings.Contains(e.get(e.client(), "/safeguarding").body, "Safeguarding adults policy") {
			t.Error("a withdrawn document is still listed")
		}
	})
}

func TestDSLChoosesTheirPublicListing(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		c := e.client()
		e.signIn(c, dsl)
		page := e.get(c, "/account/public-listing")
		if page.status != http.StatusOK || !strings.Contains(page.body, `value="yes" checked`) {
			t.Fatalf("listing page: %d", page.status)
		}
		token := csrfFrom(t, page.body)
		if r := e.post(c, "/account/public-listing", url.Values{"csrf_token": {token}}); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Select yes if your name") {
			t.Fatalf("no choice: %d", r.status)
		}
		if r := e.post(c, "/account/public-listing", url.Values{"csrf_token": {token}, "listed": {"no"}}); r.status != http.StatusSeeOther {
			t.Fatalf("save: %d", r.status)
		}
		if strings.Contains(e.get(e.client(), "/safeguarding").body, "Ruth Adams") {
			t.Error("the lead is still named after saying no")
		}
		a := e.client()
		e.signIn(a, admin)
		if r := e.get(a, "/account/public-listing"); r.status != http.StatusForbidden {
			t.Errorf("an administrator reached the listing choice: %d", r.status)
		}
	})
}
