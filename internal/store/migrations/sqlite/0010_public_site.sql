-- The public website (issue: public website). SQLite dialect; keep in step with ../postgres/0010_public_site.sql.
-- Nothing here is about a family: page text, the documents the organisation publishes, and old addresses.

-- A page's live state: its address, title and menu position as last published. published_version is 0
-- until the page is first published (a new page's draft is not public). latest_version lets an editor's
-- save be refused when someone else saved first.
CREATE TABLE site_pages (
    id                INTEGER PRIMARY KEY,
    page_key          TEXT UNIQUE, -- the shipped page it started as; NULL for pages added later
    section           TEXT NOT NULL CHECK (section IN ('home', 'about', 'footer')),
    slug              TEXT NOT NULL UNIQUE, -- '' only for the home page
    title             TEXT NOT NULL,
    nav_order         INTEGER NOT NULL DEFAULT 0,
    published_version INTEGER NOT NULL DEFAULT 0,
    latest_version    INTEGER NOT NULL DEFAULT 0,
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL
);

-- Every saved version, drafts included, is kept: the history an editor sees. author_id is NULL for the
-- shipped text.
CREATE TABLE site_page_versions (
    id           INTEGER PRIMARY KEY,
    page_id      BIGINT NOT NULL REFERENCES site_pages (id),
    number       INTEGER NOT NULL,
    title        TEXT NOT NULL,
    slug         TEXT NOT NULL,
    nav_order    INTEGER NOT NULL,
    body         TEXT NOT NULL,
    author_id    BIGINT REFERENCES staff (id),
    created_at   TIMESTAMP NOT NULL,
    published_at TIMESTAMP,
    UNIQUE (page_id, number)
);

-- An address a page had before: requests for it are redirected to the page's current address.
CREATE TABLE site_redirects (
    slug       TEXT PRIMARY KEY,
    page_id    BIGINT NOT NULL REFERENCES site_pages (id),
    created_at TIMESTAMP NOT NULL
);

-- Documents the organisation publishes (safeguarding policies), as uploaded PDF files. Withdrawn ones are kept
-- for the record but no longer served.
CREATE TABLE site_documents (
    id           INTEGER PRIMARY KEY,
    title        TEXT NOT NULL,
    file_name    TEXT NOT NULL,
    content      BLOB NOT NULL,
    size         BIGINT NOT NULL,
    sha256       TEXT NOT NULL,
    uploaded_by  BIGINT NOT NULL REFERENCES staff (id),
    created_at   TIMESTAMP NOT NULL,
    withdrawn_at TIMESTAMP,
    withdrawn_by BIGINT REFERENCES staff (id)
);
