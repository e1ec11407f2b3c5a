package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/site"
)

// The public website's pages, versions, old addresses and documents. None
// of it is about a family, so reads are not audited; every change is, with
// its author as the actor.

// SitePage is a page of the public website.
type SitePage struct {
	ID               int64
	Key              string // the shipped page it started as; "" for pages added later
	Section          site.Section
	Slug             string // as published ("" for the home page)
	Title            string
	Order            int
	PublishedVersion int // 0: never published
	LatestVersion    int
	UpdatedAt        time.Time
	// Body is the published text (PublicPage) or the version being
	// edited (SitePageForEdit).
	Body string
}

// Published says whether the public can see the page.
func (p SitePage) Published() bool { return p.PublishedVersion > 0 }

// HasDraft says whether a saved version is newer than the published one.
func (p SitePage) HasDraft() bool { return p.LatestVersion > p.PublishedVersion }

// Path is the page's address on the site.
func (p SitePage) Path() string { return "/" + p.Slug }

// SiteVersion is one saved version of a page.
type SiteVersion struct {
	Number      int
	Title       string
	Slug        string
	Order       int
	Body        string
	Author      string // "" for the shipped text
	CreatedAt   time.Time
	PublishedAt time.Time // zero for a draft never published
}

// InstallSitePages adds any shipped page that is not yet in the database
// (found by key), published as version 1 with no author. Pages already
// installed are never touched, so an organisation's edits survive
// upgrades. A shipped page whose address another page has taken is
// skipped and named in the result.
func (db *DB) InstallSitePages(ctx context.Context, pages []site.Page) (skipped []string, err error) {
	have := map[string]bool{}
	taken := map[string]bool{}
	rows, err := db.query(ctx, `SELECT COALESCE(page_key, ''), slug FROM site_pages`)
	if err != nil {
		return nil, fmt.Errorf("reading site pages: %w", err)
	}
	for rows.Next() {
		var k, s string
		if err := rows.Scan(&k, &s); err != nil {
			return nil, dropRows(rows, err)
		}
		have[k], taken[s] = true, true
	}
	if err := doneRows(rows); err != nil {
		return nil, err
	}
	var add []site.Page
	for _, p := range pages {
		switch {
		case have[p.Key]:
		case taken[p.Slug]:
			skipped = append(skipped, p.Key)
		default:
			add = append(add, p)
			taken[p.Slug] = true
		}
	}
	if len(add) == 0 {
		return skipped, nil
	}
	err = db.Update(ctx, func(tx *Tx) error {
		for _, p := range add {
			id, err := tx.insertID(`INSERT INTO site_pages (page_key, section, slug, title, nav_order, published_version, latest_version, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, 1, 1, $6, $6)`, p.Key, string(p.Section), p.Slug, p.Title, p.Order, tx.now)
			if err != nil {
				return fmt.Errorf("installing the %s page: %w", p.Key, err)
			}
			if _, err := tx.exec(`INSERT INTO site_page_versions (page_id, number, title, slug, nav_order, body, author_id, created_at, published_at)
				VALUES ($1, 1, $2, $3, $4, $5, NULL, $6, $6)`, id, p.Title, p.Slug, p.Order, p.Body, tx.now); err != nil {
				return fmt.Errorf("installing the %s page: %w", p.Key, err)
			}
			tx.Audit("site.page.install", "site_page", id, 0, "shipped page "+p.Key)
		}
		return nil
	})
	return skipped, err
}

// PublicPage finds a published page by its address. When the address is
// one a page had before, redirect is the page's current address.
func (db *DB) PublicPage(ctx context.Context, slug string) (page SitePage, redirect string, err error) {
	err = db.queryRow(ctx, `SELECT p.id, COALESCE(p.page_key, ''), p.section, p.slug, p.title, p.nav_order, p.published_version, p.latest_version, p.updated_at, v.body
		FROM site_pages p JOIN site_page_versions v ON v.page_id = p.id AND v.number = p.published_version
		WHERE p.slug = $1 AND p.published_version > 0`, slug).
		Scan(&page.ID, &page.Key, &page.Section, &page.Slug, &page.Title, &page.Order, &page.PublishedVersion, &page.LatestVersion, &page.UpdatedAt, &page.Body)
	if err == nil {
		return page, "", nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return page, "", fmt.Errorf("reading the page /%s: %w", slug, err)
	}
	var to string
	err = db.queryRow(ctx, `SELECT p.slug FROM site_redirects r JOIN site_pages p ON p.id = r.page_id
		WHERE r.slug = $1 AND p.published_version > 0`, slug).Scan(&to)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return page, "", problem.New(problem.NotFound, "If you typed the web address, check it is correct. If you pasted the web address, check you copied the entire address.")
	case err != nil:
		return page, "", fmt.Errorf("reading redirects: %w", err)
	}
	return page, "/" + to, nil
}

// SiteNav lists the published pages (without their text) in section and
// menu order: what the navigation and footer link to.
func (db *DB) SiteNav(ctx context.Context) ([]SitePage, error) {
	return db.sitePages(ctx, `WHERE published_version > 0`)
}

// SitePages lists every page, drafts included, for the administrators' list.
func (db *DB) SitePages(ctx context.Context, actor policy.Actor) ([]SitePage, error) {
	if d := policy.Decide(actor, policy.ManageSite, policy.Target{}, db.Now()); !d.Allowed {
		return nil, d.Err()
	}
	return db.sitePages(ctx, ``)
}

func (db *DB) sitePages(ctx context.Context, where string) ([]SitePage, error) {
	rows, err := db.query(ctx, `SELECT id, COALESCE(page_key, ''), section, slug, title, nav_order, published_version, latest_version, updated_at
		FROM site_pages `+where+`
		ORDER BY CASE section WHEN 'home' THEN 0 WHEN 'about' THEN 1 ELSE 2 END, nav_order, title, id`)
	if err != nil {
		return nil, fmt.Errorf("reading site pages: %w", err)
	}
	defer rows.Close()
	var out []SitePage
	for rows.Next() {
		var p SitePage
		if err := rows.Scan(&p.ID, &p.Key, &p.Section, &p.Slug, &p.Title, &p.Order, &p.PublishedVersion, &p.LatestVersion, &p.UpdatedAt); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// SitePageForEdit returns a page with the text of version (its latest when
// version is 0) and the page's whole history, newest first.
func (db *DB) SitePageForEdit(ctx context.Context, actor policy.Actor, id int64, version int) (SitePage, []SiteVersion, error) {
	var p SitePage
	if d := policy.Decide(actor, policy.ManageSite, policy.Target{}, db.Now()); !d.Allowed {
		return p, nil, d.Err()
	}
	err := db.queryRow(ctx, `SELECT id, COALESCE(page_key, ''), section, slug, title, nav_order, published_version, latest_version, updated_at
		FROM site_pages WHERE id = $1`, id).
		Scan(&p.ID, &p.Key, &p.Section, &p.Slug, &p.Title, &p.Order, &p.PublishedVersion, &p.LatestVersion, &p.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return p, nil, problem.New(problem.NotFound, "There is no such page. It may have been typed wrongly")
	}
	if err != nil {
		return p, nil, fmt.Errorf("reading site page %d: %w", id, err)
	}
	rows, err := db.query(ctx, `SELECT v.number, v.title, v.slug, v.nav_order, v.body, COALESCE(s.name, ''), v.created_at, v.published_at
		FROM site_page_versions v LEFT JOIN staff s ON s.id = v.author_id
		WHERE v.page_id = $1 ORDER BY v.number DESC`, id)
	if err != nil {
		return p, nil, fmt.Errorf("reading versions of site page %d: %w", id, err)
	}
	defer rows.Close()
	var hist []SiteVersion
	for rows.Next() {
		var v SiteVersion
		var published nullableTime
		if err := rows.Scan(&v.Number, &v.Title, &v.Slug, &v.Order, &v.Body, &v.Author, &v.CreatedAt, &published); err != nil {
			return p, nil, err
		}
		v.PublishedAt = published.time()
		hist = append(hist, v)
	}
	if err := rows.Err(); err != nil {
		return p, nil, err
	}
	if version == 0 {
		version = p.LatestVersion
	}
	found := false
	for _, v := range hist {
		if v.Number == version {
			// The editor starts from this version's words and settings.
			p.Title, p.Slug, p.Order, p.Body, found = v.Title, v.Slug, v.Order, v.Body, true
		}
	}
	if !found {
		return p, nil, problem.New(problem.NotFound, "This page has no version %d", version)
	}
	return p, hist, nil
}

// PageSave is an edit to save: a new version of page ID (0: a new page)
// written over version BasedOn (what the editor started from).
type PageSave struct {
	ID      int64
	BasedOn int
	Page    site.Checked
	Publish bool
}

// SaveSitePage saves a new version of a page (a draft, or published at
// once). A published page keeps showing its published version until a
// later one is published; when publishing moves the page to a new address
// the old address redirects to it. A save over a version someone else has
// since replaced is refused with the editor's text kept by the caller.
func (db *DB) SaveSitePage(ctx context.Context, actor policy.Actor, s PageSave) (id int64, version int, err error) {
	err = db.Update(ctx, func(tx *Tx) error {
		if d := policy.Decide(actor, policy.ManageSite, policy.Target{}, tx.now); !d.Allowed {
			return d.Err()
		}
		var cur SitePage
		if s.ID != 0 {
			err := tx.queryRow(`SELECT id, section, slug, published_version, latest_version FROM site_pages WHERE id = $1`, s.ID).
				Scan(&cur.ID, &cur.Section, &cur.Slug, &cur.PublishedVersion, &cur.LatestVersion)
			if errors.Is(err, sql.ErrNoRows) {
				return problem.New(problem.NotFound, "There is no such page. It may have been typed wrongly")
			}
			if err != nil {
				return fmt.Errorf("reading site page %d: %w", s.ID, err)
			}
			if cur.LatestVersion != s.BasedOn {
				return problem.New(problem.Conflict, "Someone else saved this page (version %d) after you opened it, so your changes were not saved. Your text is below: copy what you need, open the page again and make your changes there", cur.LatestVersion)
			}
			if cur.Section == site.SectionHome {
				s.Page.Slug = ""
			}
		}
		if cur.Section != site.SectionHome {
			if f := tx.slugTaken(s.Page.Slug, s.ID); f != "" {
				return problem.Fields{{Name: "slug", Message: f}}.Err()
			}
		}
		if s.ID == 0 {
			newID, err := tx.insertID(`INSERT INTO site_pages (page_key, section, slug, title, nav_order, published_version, latest_version, created_at, updated_at)
				VALUES (NULL, 'about', $1, $2, $3, 0, 0, $4, $4)`, s.Page.Slug, s.Page.Title, s.Page.Order, tx.now)
			if isUniqueViolation(err) {
				return slugInUse(s.Page.Slug)
			}
			if err != nil {
				return fmt.Errorf("adding a site page: %w", err)
			}
			cur = SitePage{ID: newID, Section: site.SectionAbout, Slug: s.Page.Slug}
		}
		id, version = cur.ID, cur.LatestVersion+1
		var published any
		if s.Publish {
			published = tx.now
		}
		if _, err := tx.exec(`INSERT INTO site_page_versions (page_id, number, title, slug, nav_order, body, author_id, created_at, published_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, id, version, s.Page.Title, s.Page.Slug, s.Page.Order, s.Page.Body, nullID(actor.StaffID), tx.now, published); err != nil {
			return fmt.Errorf("saving version %d of site page %d: %w", version, id, err)
		}
		switch {
		case s.Publish:
			if cur.Published() && cur.Slug != s.Page.Slug {
				if _, err := tx.exec(`DELETE FROM site_redirects WHERE slug = $1`, cur.Slug); err != nil {
					return fmt.Errorf("redirecting /%s: %w", cur.Slug, err)
				}
				if _, err := tx.exec(`INSERT INTO site_redirects (slug, page_id, created_at) VALUES ($1, $2, $3)`, cur.Slug, id, tx.now); err != nil {
					return fmt.Errorf("redirecting /%s: %w", cur.Slug, err)
				}
			}
			// A page taking back an address it had before no longer redirects from it.
			if _, err := tx.exec(`DELETE FROM site_redirects WHERE slug = $1`, s.Page.Slug); err != nil {
				return fmt.Errorf("updating redirects: %w", err)
			}
			_, err := tx.exec(`UPDATE site_pages SET slug = $1, title = $2, nav_order = $3, published_version = $4, latest_version = $4, updated_at = $5 WHERE id = $6`,
				s.Page.Slug, s.Page.Title, s.Page.Order, version, tx.now, id)
			if isUniqueViolation(err) {
				return slugInUse(s.Page.Slug)
			}
			if err != nil {
				return fmt.Errorf("publishing site page %d: %w", id, err)
			}
			tx.Audit("site.page.publish", "site_page", id, 0, fmt.Sprintf("version %d at /%s", version, s.Page.Slug))
		case !cur.Published():
			// A page never published has no public address to keep, so its
			// listing follows the draft.
			_, err := tx.exec(`UPDATE site_pages SET slug = $1, title = $2, nav_order = $3, latest_version = $4, updated_at = $5 WHERE id = $6`,
				s.Page.Slug, s.Page.Title, s.Page.Order, version, tx.now, id)
			if isUniqueViolation(err) {
				return slugInUse(s.Page.Slug)
			}
			if err != nil {
				return fmt.Errorf("saving site page %d: %w", id, err)
			}
			tx.Audit("site.page.draft", "site_page", id, 0, fmt.Sprintf("version %d", version))
		default:
			if _, err := tx.exec(`UPDATE site_pages SET latest_version = $1, updated_at = $2 WHERE id = $3`, version, tx.now, id); err != nil {
				return fmt.Errorf("saving site page %d: %w", id, err)
			}
			tx.Audit("site.page.draft", "site_page", id, 0, fmt.Sprintf("version %d", version))
		}
		return nil
	})
	return id, version, err
}

// slugInUse is the answer when the database's unique index refuses an
// address that slugTaken found free a moment before (two saves at once).
func slugInUse(slug string) error {
	return problem.Fields{{Name: "slug", Message: fmt.Sprintf("The address /%s is already used by another page. Choose a different address", slug)}}.Err()
}

// SiteSlugTaken explains why a page (self: 0 for a new one) cannot use
// slug, or returns "": for a preview, before anything is saved (the save
// checks again).
func (db *DB) SiteSlugTaken(ctx context.Context, slug string, self int64) string {
	return slugTaken(func(q string, args ...any) *sql.Row { return db.queryRow(ctx, q, args...) }, slug, self)
}

func (tx *Tx) slugTaken(slug string, self int64) string {
	return slugTaken(tx.queryRow, slug, self)
}

func slugTaken(queryRow func(string, ...any) *sql.Row, slug string, self int64) string {
	var title string
	var id int64
	err := queryRow(`SELECT id, title FROM site_pages WHERE slug = $1 AND id <> $2`, slug, self).Scan(&id, &title)
	if err == nil {
		return fmt.Sprintf("The address /%s is already used by the page %q. Choose a different address", slug, title)
	}
	err = queryRow(`SELECT p.id, p.title FROM site_redirects r JOIN site_pages p ON p.id = r.page_id WHERE r.slug = $1 AND p.id <> $2`, slug, self).Scan(&id, &title)
	if err == nil {
		return fmt.Sprintf("The address /%s was used by the page %q before and still takes people there. Choose a different address", slug, title)
	}
	return ""
}

// SiteDocument is a document the organisation publishes (a policy PDF).
type SiteDocument struct {
	ID         int64
	Title      string
	FileName   string
	Size       int64
	SHA256     string
	UploadedBy string
	CreatedAt  time.Time
	Withdrawn  bool
}

// SiteDocuments lists the published documents (and, for administrators,
// the withdrawn ones too), newest first.
func (db *DB) SiteDocuments(ctx context.Context, withWithdrawn bool) ([]SiteDocument, error) {
	where := `WHERE d.withdrawn_at IS NULL`
	if withWithdrawn {
		where = ``
	}
	rows, err := db.query(ctx, `SELECT d.id, d.title, d.file_name, d.size, d.sha256, s.name, d.created_at, d.withdrawn_at IS NOT NULL
		FROM site_documents d JOIN staff s ON s.id = d.uploaded_by `+where+` ORDER BY d.withdrawn_at IS NOT NULL, d.title, d.id`)
	if err != nil {
		return nil, fmt.Errorf("reading site documents: %w", err)
	}
	defer rows.Close()
	var out []SiteDocument
	for rows.Next() {
		var d SiteDocument
		if err := rows.Scan(&d.ID, &d.Title, &d.FileName, &d.Size, &d.SHA256, &d.UploadedBy, &d.CreatedAt, &d.Withdrawn); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// SiteDocumentFile returns a published document and its bytes.
func (db *DB) SiteDocumentFile(ctx context.Context, id int64) (SiteDocument, []byte, error) {
	var d SiteDocument
	var content []byte
	err := db.queryRow(ctx, `SELECT id, title, file_name, size, sha256, content, created_at FROM site_documents WHERE id = $1 AND withdrawn_at IS NULL`, id).
		Scan(&d.ID, &d.Title, &d.FileName, &d.Size, &d.SHA256, &content, &d.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return d, nil, problem.New(problem.NotFound, "This document is no longer published. The safeguarding page lists the current ones")
	}
	if err != nil {
		return d, nil, fmt.Errorf("reading site document %d: %w", id, err)
	}
	return d, content, nil
}

// AddSiteDocument publishes a checked document.
func (db *DB) AddSiteDocument(ctx context.Context, actor policy.Actor, doc site.Document) (int64, error) {
	var id int64
	err := db.Update(ctx, func(tx *Tx) error {
		if d := policy.Decide(actor, policy.ManageSite, policy.Target{}, tx.now); !d.Allowed {
			return d.Err()
		}
		sum := sha256.Sum256(doc.Content)
		var err error
		id, err = tx.insertID(`INSERT INTO site_documents (title, file_name, content, size, sha256, uploaded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			doc.Title, doc.FileName, doc.Content, len(doc.Content), hex.EncodeToString(sum[:]), actor.StaffID, tx.now)
		if err != nil {
			return fmt.Errorf("saving the document: %w", err)
		}
		tx.Audit("site.document.add", "site_document", id, 0, fmt.Sprintf("%s (%d bytes, sha256 %x)", doc.FileName, len(doc.Content), sum[:8]))
		return nil
	})
	return id, err
}

// WithdrawSiteDocument stops publishing a document; the record is kept.
func (db *DB) WithdrawSiteDocument(ctx context.Context, actor policy.Actor, id int64) error {
	return db.Update(ctx, func(tx *Tx) error {
		if d := policy.Decide(actor, policy.ManageSite, policy.Target{}, tx.now); !d.Allowed {
			return d.Err()
		}
		res, err := tx.exec(`UPDATE site_documents SET withdrawn_at = $1, withdrawn_by = $2 WHERE id = $3 AND withdrawn_at IS NULL`, tx.now, actor.StaffID, id)
		if err != nil {
			return fmt.Errorf("withdrawing document %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return problem.New(problem.NotFound, "This document is not published, so it cannot be withdrawn")
		}
		tx.Audit("site.document.withdraw", "site_document", id, 0, "")
		return nil
	})
}

// PublicLead is a designated safeguarding lead who agreed to be named on
// the public site.
type PublicLead struct {
	Name     string
	JobTitle string
}

// PublicSafeguardingLeads lists the active DSLs who agreed to be named.
func (db *DB) PublicSafeguardingLeads(ctx context.Context) ([]PublicLead, error) {
	rows, err := db.query(ctx, `SELECT name, job_title FROM staff WHERE role = 'dsl' AND listed_publicly AND NOT disabled ORDER BY name, id`)
	if err != nil {
		return nil, fmt.Errorf("reading safeguarding leads: %w", err)
	}
	defer rows.Close()
	var out []PublicLead
	for rows.Next() {
		var l PublicLead
		if err := rows.Scan(&l.Name, &l.JobTitle); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// SetPublicListing records a designated safeguarding lead's own choice to
// be named (or no longer named) on the public safeguarding page. Nobody can
// make that choice for someone else.
func (db *DB) SetPublicListing(ctx context.Context, actor policy.Actor, listed bool) error {
	return db.Update(ctx, func(tx *Tx) error {
		if d := policy.Decide(actor, policy.ChoosePublicListing, policy.Target{}, tx.now); !d.Allowed {
			return d.Err()
		}
		return tx.SetPublicListing(actor.StaffID, listed)
	})
}

// SetPublicListing records a staff member's choice about being named on
// the public safeguarding page; callers outside this package are the
// person's own request (above) and the fictional demo data.
func (tx *Tx) SetPublicListing(staffID int64, listed bool) error {
	if _, err := tx.exec(`UPDATE staff SET listed_publicly = $1, updated_at = $2 WHERE id = $3`, listed, tx.now, staffID); err != nil {
		return fmt.Errorf("saving the public listing choice: %w", err)
	}
	detail := "agreed to be named on the public safeguarding page"
	if !listed {
		detail = "no longer named on the public safeguarding page"
	}
	tx.Audit("staff.public_listing", "staff", staffID, 0, detail)
	return nil
}
