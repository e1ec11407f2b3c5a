package web

import (
	"context"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/site"
	"github.com/cradle-org/cradle/internal/store"
)

// The public website: pages an administrator edits in Markdown, the
// safeguarding page's leads, contacts and policy documents, and the
// editor itself.

// InstallSite adds the shipped pages the database does not have yet (the
// first start, or an upgrade that ships a new page). Edited pages are never
// overwritten.
func (s *Server) InstallSite(ctx context.Context) error {
	pages, err := site.Defaults(s.cfg.OrgName, s.cfg.PublicEmail)
	if err != nil {
		return fmt.Errorf("reading the shipped site pages: %w", err)
	}
	skipped, err := s.db.InstallSitePages(ctx, pages)
	if err != nil {
		return fmt.Errorf("installing the site pages: %w", err)
	}
	for _, k := range skipped {
		s.log.Warn("a shipped site page was not installed because another page uses its address", "page", k)
	}
	s.nav.forget()
	return nil
}

// navCache keeps the published pages' titles and addresses for the menu
// and footer for a short while: every page shows them, and they change
// only when a page is published. A publish here clears it at once; other
// instances catch up within navTTL.
type navCache struct {
	mu    sync.Mutex
	pages []store.SitePage
	at    time.Time
}

const navTTL = 30 * time.Second

func (c *navCache) forget() {
	c.mu.Lock()
	c.at = time.Time{}
	c.mu.Unlock()
}

func (s *Server) siteNav(r *http.Request) []store.SitePage {
	s.nav.mu.Lock()
	defer s.nav.mu.Unlock()
	if time.Since(s.nav.at) < navTTL {
		return s.nav.pages
	}
	pages, err := s.db.SiteNav(r.Context())
	if err != nil {
		s.log.Error("reading the site menu", "request_id", requestID(r), "err", err)
		return s.nav.pages // the last good menu, if any
	}
	s.nav.pages, s.nav.at = pages, time.Now()
	return pages
}

// markdownMemo keeps published pages' HTML by their Markdown: the public
// pages are what a spike of visitors reads, and goldmark parsed each one
// on every request. Kept by the whole body, a rendering cannot go stale;
// previews of drafts are rendered afresh and not kept.
type markdownMemo struct {
	mu sync.Mutex
	m  map[string]string
}

// maxMarkdown bounds the memo: a site has tens of pages; past it the memo
// starts again.
const maxMarkdown = 64

func (c *markdownMemo) render(body string) (string, error) {
	c.mu.Lock()
	html, ok := c.m[body]
	c.mu.Unlock()
	if ok {
		return html, nil
	}
	html, err := site.Render(body)
	if err != nil {
		return "", err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxMarkdown {
		c.m = map[string]string{}
	}
	c.m[body] = html
	return html, nil
}

// navLink is a link in the site's menu or footer.
type navLink struct {
	Href, Label string
	Current     bool
}

func (s *Server) siteLinks(r *http.Request, section site.Section, current string) []navLink {
	var out []navLink
	for _, p := range s.siteNav(r) {
		if p.Section == section {
			out = append(out, navLink{Href: p.Path(), Label: p.Title, Current: p.Slug == current})
		}
	}
	return out
}

// footerLinks are every page's footer: the safeguarding page (wherever
// it now lives) and the footer pages.
func (s *Server) footerLinks(r *http.Request) []navLink {
	var safeguarding, footer []navLink
	for _, p := range s.siteNav(r) {
		switch {
		case p.Key == site.KeySafeguarding:
			safeguarding = append(safeguarding, navLink{Href: p.Path(), Label: p.Title})
		case p.Section == site.SectionFooter:
			footer = append(footer, navLink{Href: p.Path(), Label: p.Title})
		}
	}
	return append(safeguarding, footer...)
}

// reservedSlugs are the first path segments the application uses itself,
// taken from the route table so a new route is reserved without a list to
// keep up to date.
func (s *Server) reservedSlugs() map[string]bool {
	out := map[string]bool{"documents": true, "admin": true, "account": true, "static": true}
	s.routeTable(func(pattern string, _ http.Handler) {
		path := pattern
		if _, p, ok := strings.Cut(pattern, " "); ok {
			path = p
		}
		seg, _, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/")
		if seg != "" && !strings.HasPrefix(seg, "{") {
			out[seg] = true
		}
	})
	return out
}

type sitePageData struct {
	Page      store.SitePage
	HTML      template.HTML
	About     []navLink
	Home      bool
	Leads     []store.PublicLead
	Documents []store.SiteDocument
	// Safeguarding adds the leads, key contacts and policy documents.
	Safeguarding bool
}

func (s *Server) publicHome(w http.ResponseWriter, r *http.Request) { s.sitePage(w, r, "") }

func (s *Server) publicSitePage(w http.ResponseWriter, r *http.Request) {
	s.sitePage(w, r, r.PathValue("slug"))
}

func (s *Server) sitePage(w http.ResponseWriter, r *http.Request, slug string) {
	// An address no page could have (a NUL, broken UTF-8, punctuation) is
	// not looked up: PostgreSQL refuses some such strings outright.
	lower := strings.ToLower(slug)
	if slug != "" && !site.ValidSlug(lower) {
		s.notFound(w, r)
		return
	}
	if lower != slug {
		http.Redirect(w, r, "/"+lower, http.StatusMovedPermanently) // #nosec G710 -- lower passed ValidSlug: only a-z, 0-9 and hyphens, so a path on this site
		return
	}
	page, redirect, err := s.db.PublicPage(r.Context(), slug)
	if redirect != "" {
		// The page moved: old links and bookmarks keep working.
		http.Redirect(w, r, redirect, http.StatusMovedPermanently) // #nosec G710 -- "/" and a published page's slug, which slugPattern limits to a-z, 0-9 and hyphens
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	html, err := s.markdown.render(page.Body)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// #nosec G203 -- site.Render's output: goldmark drops raw HTML and images and keeps only SafeURL links (TestRenderNeutralisesWhatCheckRefuses)
	d := sitePageData{Page: page, HTML: template.HTML(html), Home: page.Section == site.SectionHome, About: s.siteLinks(r, site.SectionAbout, page.Slug),
		Safeguarding: page.Key == site.KeySafeguarding}
	if d.Safeguarding {
		if d.Leads, err = s.db.PublicSafeguardingLeads(r.Context()); err != nil {
			s.fail(w, r, err)
			return
		}
		if d.Documents, err = s.db.SiteDocuments(r.Context(), false); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	nav := "site"
	if d.Home {
		nav = "public"
	}
	s.render(w, r, http.StatusOK, "site-page", Page{Title: page.Title, Public: true, Nav: nav, Data: d})
}

// siteDocument serves a published policy document.
func (s *Server) siteDocument(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.notFound(w, r)
		return
	}
	d, content, err := s.db.SiteDocumentFile(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if r.PathValue("name") != d.FileName {
		http.Redirect(w, r, documentPath(d), http.StatusMovedPermanently)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `inline; filename="`+d.FileName+`"`)
	w.Header().Set("Content-Length", strconv.Itoa(len(content)))
	// Public policy documents may be cached; a new upload has a new address.
	w.Header().Set("Cache-Control", "public, max-age=86400")
	w.Header().Set("ETag", `"`+d.SHA256+`"`)
	if r.Header.Get("If-None-Match") == `"`+d.SHA256+`"` {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	send(w, content)
}

func documentPath(d store.SiteDocument) string {
	return "/documents/" + strconv.FormatInt(d.ID, 10) + "/" + d.FileName
}

// The administrators' side.

type siteAdminData struct {
	Pages     []store.SitePage
	Documents []store.SiteDocument
	Saved     string
}

func (s *Server) siteAdmin(w http.ResponseWriter, r *http.Request, u *requestUser) {
	s.renderSiteAdmin(w, r, u, http.StatusOK, nil, nil)
}

func (s *Server) renderSiteAdmin(w http.ResponseWriter, r *http.Request, u *requestUser, status int, form url.Values, errs problem.Fields) {
	pages, err := s.db.SitePages(r.Context(), u.staff.Actor())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	docs, err := s.db.SiteDocuments(r.Context(), true)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := siteAdminData{Pages: pages, Documents: docs}
	switch r.URL.Query().Get("done") {
	case "uploaded":
		d.Saved = "The document is published on the safeguarding page."
	case "withdrawn":
		d.Saved = "The document is no longer published."
	}
	s.render(w, r, status, "site-admin", Page{Title: "Public website", Nav: "site-admin", Form: form, Errors: errs, Data: d})
}

type siteEditData struct {
	Page     store.SitePage // the page as stored (ID 0 for a new one)
	History  []store.SiteVersion
	Preview  template.HTML
	Home     bool
	Saved    string
	Opened   int // the version the editor was opened from, when not the latest
	Reserved string
}

func (s *Server) siteNewForm(w http.ResponseWriter, r *http.Request, u *requestUser) {
	if !s.may(w, r, u, policy.ManageSite) {
		return
	}
	s.renderSiteEdit(w, r, http.StatusOK, siteEditData{}, url.Values{"order": {"50"}}, nil)
}

func (s *Server) siteEditForm(w http.ResponseWriter, r *http.Request, u *requestUser) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.notFound(w, r)
		return
	}
	version := 0
	if v := r.URL.Query().Get("version"); v != "" {
		if version, err = strconv.Atoi(v); err != nil || version < 1 {
			s.fail(w, r, problem.New(problem.NotFound, "This page has no version %q", v))
			return
		}
	}
	p, hist, err := s.db.SitePageForEdit(r.Context(), u.staff.Actor(), id, version)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := siteEditData{Page: p, History: hist, Home: p.Section == site.SectionHome}
	if version != 0 && version != p.LatestVersion {
		d.Opened = version
	}
	switch r.URL.Query().Get("done") {
	case "published":
		d.Saved = fmt.Sprintf("Version %d is published.", p.LatestVersion)
	case "draft":
		d.Saved = fmt.Sprintf("Version %d is saved as a draft. The public still sees the published version.", p.LatestVersion)
	}
	form := url.Values{"title": {p.Title}, "slug": {p.Slug}, "order": {strconv.Itoa(p.Order)}, "body": {p.Body}, "based_on": {strconv.Itoa(p.LatestVersion)}}
	s.renderSiteEdit(w, r, http.StatusOK, d, form, nil)
}

func (s *Server) renderSiteEdit(w http.ResponseWriter, r *http.Request, status int, d siteEditData, form url.Values, errs problem.Fields) {
	title := "Add a page"
	if d.Page.ID != 0 {
		title = "Edit " + d.Page.Title
	}
	errs = inPageOrder(errs, "title", "slug", "order", "body")
	s.render(w, r, status, "site-edit", Page{Title: title, Nav: "site-admin", Form: form, Errors: errs, Data: d})
}

// siteSave previews, saves as a draft or publishes a page (new when the
// route has no id). On any problem the editor comes back with the typed
// text; nothing published changes unless the publish succeeds.
func (s *Server) siteSave(w http.ResponseWriter, r *http.Request, u *requestUser) {
	var id int64
	if v := r.PathValue("id"); v != "" {
		var err error
		if id, err = strconv.ParseInt(v, 10, 64); err != nil {
			s.notFound(w, r)
			return
		}
	}
	d := siteEditData{}
	if id != 0 {
		p, hist, err := s.db.SitePageForEdit(r.Context(), u.staff.Actor(), id, 0)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d.Page, d.History, d.Home = p, hist, p.Section == site.SectionHome
	} else if !s.may(w, r, u, policy.ManageSite) {
		return
	}
	f := r.PostForm
	edit := site.Edit{Title: f.Get("title"), Slug: f.Get("slug"), Body: f.Get("body"), Order: f.Get("order")}
	checked, errs := edit.Check(d.Home, func(slug string) bool { return s.reserved[slug] })
	if !d.Home && !errs.Has("slug") {
		if msg := s.db.SiteSlugTaken(r.Context(), checked.Slug, id); msg != "" {
			errs = append(errs, problem.Field{Name: "slug", Message: msg})
		}
	}
	if len(errs) > 0 {
		s.renderSiteEdit(w, r, http.StatusUnprocessableEntity, d, f, errs)
		return
	}
	action := f.Get("action")
	switch action {
	case "preview":
		html, err := site.Render(checked.Body)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d.Preview = template.HTML(html) // #nosec G203 -- site.Render's output: goldmark drops raw HTML and images and keeps only SafeURL links (TestRenderNeutralisesWhatCheckRefuses)
		s.renderSiteEdit(w, r, http.StatusOK, d, f, nil)
		return
	case "draft", "publish":
	default:
		s.renderSiteEdit(w, r, http.StatusUnprocessableEntity, d, f, problem.Fields{{Name: "body", Message: "Choose Preview, Save as draft or Publish"}})
		return
	}
	basedOn, _ := strconv.Atoi(f.Get("based_on"))
	newID, _, err := s.db.SaveSitePage(r.Context(), u.staff.Actor(), store.PageSave{ID: id, BasedOn: basedOn, Page: checked, Publish: action == "publish"})
	if p := problem.As(err); p != nil && (p.Code == problem.Invalid || p.Code == problem.Conflict) {
		fields := p.Fields
		if p.Code == problem.Conflict {
			fields = problem.Fields{{Name: "body", Message: p.Message}}
		}
		s.renderSiteEdit(w, r, http.StatusConflict, d, f, fields)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if action == "publish" {
		s.nav.forget()
		action = "published"
	}
	// #nosec G710 -- a fixed path, a number, and action, which the switch above limits to "draft" or "published"
	http.Redirect(w, r, "/admin/site/pages/"+strconv.FormatInt(newID, 10)+"?done="+action, http.StatusSeeOther)
}

// uploadLimit refuses a request body larger than a file of maxFile bytes
// (a policy PDF's, a parent's document's) and the form around it, before
// anything reads it, with a page that says so (not a missing-token error).
func (s *Server) uploadLimit(maxFile int, h http.Handler) http.Handler {
	limit := int64(maxFile) + 1<<20
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > limit {
			s.renderError(w, r, http.StatusRequestEntityTooLarge, "The file is too large",
				fmt.Sprintf("The selected file must be smaller than %d MB. Go back and choose a smaller file.", maxFile>>20))
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		h.ServeHTTP(w, r)
	})
}

func (s *Server) siteDocumentUpload(w http.ResponseWriter, r *http.Request, u *requestUser) {
	var content []byte
	var name string
	if file, hdr, err := r.FormFile("file"); err == nil {
		name = hdr.Filename
		content, err = io.ReadAll(io.LimitReader(file, site.MaxDocument+1))
		file.Close() // #nosec G104 -- read in full already; closing only frees the upload's buffer or temp file
		if err != nil {
			s.fail(w, r, fmt.Errorf("reading the uploaded file: %w", err))
			return
		}
	}
	doc, errs := site.CheckDocument(r.PostFormValue("title"), name, content)
	if len(errs) > 0 {
		s.renderSiteAdmin(w, r, u, http.StatusUnprocessableEntity, url.Values{"title": {r.PostFormValue("title")}}, errs)
		return
	}
	if _, err := s.db.AddSiteDocument(r.Context(), u.staff.Actor(), doc); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/site?done=uploaded", http.StatusSeeOther)
}

func (s *Server) siteDocumentWithdraw(w http.ResponseWriter, r *http.Request, u *requestUser) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.notFound(w, r)
		return
	}
	if err := s.db.WithdrawSiteDocument(r.Context(), u.staff.Actor(), id); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/site?done=withdrawn", http.StatusSeeOther)
}

// A designated safeguarding lead's own choice to be named publicly.

type listingData struct {
	Saved bool
}

func (s *Server) publicListingForm(w http.ResponseWriter, r *http.Request, u *requestUser) {
	if !s.may(w, r, u, policy.ChoosePublicListing) {
		return
	}
	listed := "no"
	if u.staff.ListedPublicly {
		listed = "yes"
	}
	s.render(w, r, http.StatusOK, "public-listing", Page{Title: "Your name on the public safeguarding page", Nav: "home",
		Form: url.Values{"listed": {listed}}, Data: listingData{Saved: r.URL.Query().Get("done") == "1"}})
}

func (s *Server) publicListingSave(w http.ResponseWriter, r *http.Request, u *requestUser) {
	if !s.may(w, r, u, policy.ChoosePublicListing) {
		return
	}
	v := r.PostFormValue("listed")
	if v != "yes" && v != "no" {
		s.render(w, r, http.StatusUnprocessableEntity, "public-listing", Page{Title: "Your name on the public safeguarding page", Nav: "home",
			Form: r.PostForm, Data: listingData{}, Errors: problem.Fields{{Name: "listed", Message: "Select yes if your name and job title may be shown on the public safeguarding page"}}})
		return
	}
	if err := s.db.SetPublicListing(r.Context(), u.staff.Actor(), v == "yes"); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/account/public-listing?done=1", http.StatusSeeOther)
}
