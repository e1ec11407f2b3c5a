package web

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/cradle-org/cradle/internal/casework"
	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/problem"
)

// Documents kept on a parent's record (store.AddDocument): added from the
// person page's "Add a document" form, opened (downloaded) from its list,
// removed as added in error from a form beside each.

// documentCreate keeps the file chosen on the parent's record. A file the
// form cannot keep (a page shown again has an empty file input) is asked
// for again by the form's hint.
func (s *Server) documentCreate(w http.ResponseWriter, r *http.Request, u *requestUser) {
	var content []byte
	selected := false
	if file, hdr, err := r.FormFile("document_file"); err == nil {
		selected = hdr.Filename != "" || hdr.Size > 0
		content, err = io.ReadAll(io.LimitReader(file, casework.DocumentMaxBytes+1))
		file.Close() // #nosec G104 -- read in full already; closing only frees the upload's buffer or temp file
		if err != nil {
			s.fail(w, r, fmt.Errorf("reading the uploaded file: %w", err))
			return
		}
	}
	s.personPost(w, r, u, policy.EditConfidential, "document", "document_title", "#documents", func(id int64, f url.Values, fs *problem.Fields) error {
		d := casework.Document{PersonID: id, Title: f.Get("document_title"), Content: content}
		if err := d.Validate(selected); err != nil {
			*fs = mergeFields(*fs, err)
			return nil
		}
		_, err := s.db.AddDocument(r.Context(), u.staff.Actor(), d)
		return err
	})
}

// documentOpen sends one of the parent's documents as a download, never
// shown in the page: its type is the one its content was found to be, and
// it runs nothing (a sandbox with no sources) even if a browser opened it.
func (s *Server) documentOpen(w http.ResponseWriter, r *http.Request, u *requestUser) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	did, ok := s.entryID(w, r, "document")
	if !ok {
		return
	}
	d, err := s.db.OpenDocument(r.Context(), u.staff.Actor(), id, did)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", casework.DocumentContentType(d.Kind))
	h.Set("Content-Disposition", `attachment; filename="`+documentFileName(d)+`"`)
	h.Set("Content-Length", strconv.Itoa(len(d.Content)))
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	h.Set("Cache-Control", "no-store")
	w.Write(d.Content) // #nosec G104 -- the client going away mid-download is not an error to report
}

// documentRemove removes a document added in error, with why; its file is
// erased.
func (s *Server) documentRemove(w http.ResponseWriter, r *http.Request, u *requestUser) {
	s.entryRemove(w, r, u, "document", "document", "#documents", s.db.RemoveDocument)
}

// documentFileName is the name a document is saved under: its title in
// plain letters, digits, spaces and dashes (it goes in a header), with the
// ending its kind has; "document-ID" when nothing of the title is left.
func documentFileName(d casework.Document) string {
	var b strings.Builder
	for _, r := range d.Title {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			b.WriteRune(r)
		case r == ' ' || r == '\'' || r == '.' || r == ',':
			if b.Len() > 0 && !strings.HasSuffix(b.String(), " ") {
				b.WriteByte(' ')
			}
		}
		if b.Len() >= 80 {
			break
		}
	}
	name := strings.TrimSpace(b.String())
	if name == "" {
		name = "document-" + strconv.FormatInt(d.ID, 10)
	}
	return name + casework.DocumentExtension(d.Kind)
}
