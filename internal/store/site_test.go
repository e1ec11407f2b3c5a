package store_test

import (
	"strings"
	"testing"

	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/site"
	"github.com/cradle-org/cradle/internal/store"
	"github.com/cradle-org/cradle/internal/store/storetest"
)

func installSite(t *testing.T, db *store.DB) []site.Page {
	t.Helper()
	pages, err := site.Defaults("Test Trust", "hello@example.org")
	if err != nil {
		t.Fatal(err)
	}
	skipped, err := db.InstallSitePages(ctx, pages)
	if err != nil || len(skipped) > 0 {
		t.Fatalf("InstallSitePages = %v, %v", skipped, err)
	}
	return pages
}

func TestSitePagesInstallOnceAndServe(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		pages := installSite(t, db)
		// A second install (every start-up) changes nothing and writes nothing.
		before, _ := db.RawString(ctx, `SELECT CAST(COUNT(*) AS TEXT) FROM audit_log`)
		if skipped, err := db.InstallSitePages(ctx, pages); err != nil || len(skipped) > 0 {
			t.Fatalf("second install = %v, %v", skipped, err)
		}
		after, _ := db.RawString(ctx, `SELECT CAST(COUNT(*) AS TEXT) FROM audit_log`)
		if before != after {
			t.Errorf("a second install wrote audit entries: %s then %s", before, after)
		}
		home, redirect, err := db.PublicPage(ctx, "")
		if err != nil || redirect != "" || home.Key != site.KeyHome || !strings.Contains(home.Body, "/refer/yourself") {
			t.Fatalf("home = %+v, %q, %v", home, redirect, err)
		}
		nav, err := db.SiteNav(ctx)
		if err != nil || len(nav) != len(pages) {
			t.Fatalf("SiteNav = %d pages, %v; want %d", len(nav), err, len(pages))
		}
		for i, p := range nav {
			if p.Key != pages[i].Key {
				t.Errorf("nav[%d] = %s, want %s (section and menu order)", i, p.Key, pages[i].Key)
			}
		}
		if _, _, err := db.PublicPage(ctx, "no-such-page"); problem.CodeOf(err) != problem.NotFound {
			t.Errorf("unknown page: %v", err)
		}
	})
}

func TestSitePageDraftPublishHistoryAndRedirect(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		installSite(t, db)
		admin := seedStaff(t, db, "admin@example.org", "admin", "Blackpool")
		prac := seedStaff(t, db, "prac@example.org", "practitioner", "Blackpool")
		page, _, err := db.PublicPage(ctx, "how-we-work")
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := db.SitePageForEdit(ctx, prac.Actor(), page.ID, 0); problem.CodeOf(err) != problem.Forbidden {
			t.Fatalf("a practitioner opened the editor: %v", err)
		}
		if _, _, err := db.SaveSitePage(ctx, prac.Actor(), store.PageSave{ID: page.ID, BasedOn: 1, Page: site.Checked{Title: "x", Slug: "x", Body: "x"}}); problem.CodeOf(err) != problem.Forbidden {
			t.Fatalf("a practitioner saved a page: %v", err)
		}

		// A draft is kept but not shown.
		draft := site.Checked{Title: "How we work together", Slug: "our-approach", Body: "Draft words.\n", Order: 1}
		_, v, err := db.SaveSitePage(ctx, admin.Actor(), store.PageSave{ID: page.ID, BasedOn: 1, Page: draft})
		if err != nil || v != 2 {
			t.Fatalf("draft = %d, %v", v, err)
		}
		live, _, _ := db.PublicPage(ctx, "how-we-work")
		if live.Body != page.Body || live.Title != page.Title {
			t.Fatal("a draft changed the published page")
		}
		if _, _, err := db.PublicPage(ctx, "our-approach"); problem.CodeOf(err) != problem.NotFound {
			t.Fatalf("a draft's new address is live: %v", err)
		}

		// A save over an old version is refused, and nothing is lost.
		_, _, err = db.SaveSitePage(ctx, admin.Actor(), store.PageSave{ID: page.ID, BasedOn: 1, Page: draft, Publish: true})
		if problem.CodeOf(err) != problem.Conflict {
			t.Fatalf("a stale save: %v", err)
		}

		// Publishing moves the page; the old address redirects.
		_, v, err = db.SaveSitePage(ctx, admin.Actor(), store.PageSave{ID: page.ID, BasedOn: 2, Page: draft, Publish: true})
		if err != nil || v != 3 {
			t.Fatalf("publish = %d, %v", v, err)
		}
		live, _, err = db.PublicPage(ctx, "our-approach")
		if err != nil || live.Body != "Draft words.\n" || live.Title != "How we work together" {
			t.Fatalf("published page = %+v, %v", live, err)
		}
		if _, to, err := db.PublicPage(ctx, "how-we-work"); err != nil || to != "/our-approach" {
			t.Fatalf("old address: redirect %q, %v", to, err)
		}

		// The history names each version's author.
		p, hist, err := db.SitePageForEdit(ctx, admin.Actor(), page.ID, 0)
		if err != nil || len(hist) != 3 || p.Body != "Draft words.\n" {
			t.Fatalf("editor = %+v, %d versions, %v", p, len(hist), err)
		}
		if hist[0].Author != admin.Name || hist[0].PublishedAt.IsZero() || hist[1].Author != admin.Name || !hist[1].PublishedAt.IsZero() || hist[2].Author != "" {
			t.Errorf("history = %+v", hist)
		}
		old, _, err := db.SitePageForEdit(ctx, admin.Actor(), page.ID, 1)
		if err != nil || old.Slug != "how-we-work" || old.Body != page.Body {
			t.Errorf("version 1 = %+v, %v", old, err)
		}
		if _, _, err := db.SitePageForEdit(ctx, admin.Actor(), page.ID, 9); problem.CodeOf(err) != problem.NotFound {
			t.Errorf("version 9: %v", err)
		}

		// Another page cannot take either address.
		other, _, _ := db.PublicPage(ctx, "what-we-deliver")
		for _, slug := range []string{"our-approach", "how-we-work"} {
			_, _, err := db.SaveSitePage(ctx, admin.Actor(), store.PageSave{ID: other.ID, BasedOn: 1, Page: site.Checked{Title: "T", Slug: slug, Body: "b"}, Publish: true})
			if p := problem.As(err); p == nil || len(p.Fields) != 1 || p.Fields[0].Name != "slug" {
				t.Errorf("taking /%s: %v", slug, err)
			}
		}
		// The page itself may move back, and then no longer redirects from there.
		if _, _, err := db.SaveSitePage(ctx, admin.Actor(), store.PageSave{ID: page.ID, BasedOn: 3, Page: site.Checked{Title: "How we work", Slug: "how-we-work", Body: "Back.\n"}, Publish: true}); err != nil {
			t.Fatal(err)
		}
		if back, to, err := db.PublicPage(ctx, "how-we-work"); err != nil || to != "" || back.Body != "Back.\n" {
			t.Fatalf("moved back: %+v %q %v", back, to, err)
		}
		if _, to, err := db.PublicPage(ctx, "our-approach"); err != nil || to != "/how-we-work" {
			t.Fatalf("second address: %q %v", to, err)
		}

		// The home page keeps its address whatever is typed.
		home, _, _ := db.PublicPage(ctx, "")
		if _, _, err := db.SaveSitePage(ctx, admin.Actor(), store.PageSave{ID: home.ID, BasedOn: 1, Page: site.Checked{Title: "Welcome", Slug: "welcome", Body: "Hi"}, Publish: true}); err != nil {
			t.Fatal(err)
		}
		if h, _, err := db.PublicPage(ctx, ""); err != nil || h.Title != "Welcome" {
			t.Fatalf("home: %+v %v", h, err)
		}

		// Every change is on the audit log (its actor comes from the request's
		// audit source, tested in web).
		n, err := db.RawString(ctx, `SELECT CAST(COUNT(*) AS TEXT) FROM audit_log WHERE action IN ('site.page.draft', 'site.page.publish')`)
		if err != nil || n != "4" {
			t.Errorf("audited page saves = %s, %v; want 4", n, err)
		}
	})
}

func TestNewSitePageStaysPrivateUntilPublished(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		installSite(t, db)
		admin := seedStaff(t, db, "admin@example.org", "admin", "Blackpool")
		id, v, err := db.SaveSitePage(ctx, admin.Actor(), store.PageSave{Page: site.Checked{Title: "Events", Slug: "events", Body: "Soon.\n", Order: 20}})
		if err != nil || v != 1 {
			t.Fatalf("new page = %d, %v", v, err)
		}
		if _, _, err := db.PublicPage(ctx, "events"); problem.CodeOf(err) != problem.NotFound {
			t.Fatalf("an unpublished page is public: %v", err)
		}
		all, err := db.SitePages(ctx, admin.Actor())
		found := false
		for _, p := range all {
			found = found || (p.ID == id && !p.Published() && p.HasDraft())
		}
		if err != nil || !found {
			t.Fatalf("the new page is not listed as a draft: %v", err)
		}
		if _, _, err := db.SaveSitePage(ctx, admin.Actor(), store.PageSave{Page: site.Checked{Title: "Copy", Slug: "events", Body: "x"}}); problem.As(err) == nil || problem.As(err).Fields[0].Name != "slug" {
			t.Fatalf("a second page took /events: %v", err)
		}
		if _, _, err := db.SaveSitePage(ctx, admin.Actor(), store.PageSave{ID: id, BasedOn: 1, Page: site.Checked{Title: "Events", Slug: "events", Body: "Now.\n", Order: 20}, Publish: true}); err != nil {
			t.Fatal(err)
		}
		if p, _, err := db.PublicPage(ctx, "events"); err != nil || p.Body != "Now.\n" || p.Section != site.SectionAbout {
			t.Fatalf("published new page = %+v, %v", p, err)
		}
	})
}

func TestSiteDocumentsAndPublicLeads(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		admin := seedStaff(t, db, "admin@example.org", "admin", "Blackpool")
		dsl := seedStaff(t, db, "dsl@example.org", "dsl", "Blackpool")
		pdf := []byte("%PDF-1.4\n%%EOF\n")
		doc, errs := site.CheckDocument("Safeguarding children policy", "policy.pdf", pdf)
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		if _, err := db.AddSiteDocument(ctx, dsl.Actor(), doc); problem.CodeOf(err) != problem.Forbidden {
			t.Fatalf("a DSL uploaded a site document: %v", err)
		}
		id, err := db.AddSiteDocument(ctx, admin.Actor(), doc)
		if err != nil {
			t.Fatal(err)
		}
		d, content, err := db.SiteDocumentFile(ctx, id)
		if err != nil || string(content) != string(pdf) || d.FileName != "policy.pdf" || d.Size != int64(len(pdf)) {
			t.Fatalf("file = %+v %q %v", d, content, err)
		}
		if err := db.WithdrawSiteDocument(ctx, admin.Actor(), id); err != nil {
			t.Fatal(err)
		}
		if _, _, err := db.SiteDocumentFile(ctx, id); problem.CodeOf(err) != problem.NotFound {
			t.Fatalf("a withdrawn document is served: %v", err)
		}
		if live, _ := db.SiteDocuments(ctx, false); len(live) != 0 {
			t.Fatalf("withdrawn document listed publicly: %+v", live)
		}
		if all, _ := db.SiteDocuments(ctx, true); len(all) != 1 || !all[0].Withdrawn || all[0].UploadedBy != admin.Name {
			t.Fatalf("admin list = %+v", all)
		}

		// A DSL is named only once they agree, and only they can agree.
		if leads, _ := db.PublicSafeguardingLeads(ctx); len(leads) != 0 {
			t.Fatalf("named without agreeing: %+v", leads)
		}
		if err := db.SetPublicListing(ctx, admin.Actor(), true); problem.CodeOf(err) != problem.Forbidden {
			t.Fatalf("an administrator chose a listing: %v", err)
		}
		if err := db.SetPublicListing(ctx, dsl.Actor(), true); err != nil {
			t.Fatal(err)
		}
		if leads, _ := db.PublicSafeguardingLeads(ctx); len(leads) != 1 || leads[0].Name != dsl.Name {
			t.Fatalf("leads = %+v", leads)
		}
		if err := db.SetPublicListing(ctx, dsl.Actor(), false); err != nil {
			t.Fatal(err)
		}
		if leads, _ := db.PublicSafeguardingLeads(ctx); len(leads) != 0 {
			t.Fatalf("still named after withdrawing: %+v", leads)
		}
	})
}
