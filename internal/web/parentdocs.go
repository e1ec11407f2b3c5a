package web

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/cradle-org/cradle/internal/casework"
	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/problem"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
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
	h.Set("Content-Disposition", documentDisposition(d))
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

// documentDisposition is the download's Content-Disposition: the title as
// the file's name, with the ending its kind has (documentFileName). A
// title with letters beyond ASCII (Polish, Urdu, a name with an accent)
// is given in full as filename* (RFC 6266, UTF-8), which browsers prefer,
// with the plain-letter name as filename for any that do not.
func documentDisposition(d casework.Document) string {
	plain, full := documentFileName(d, false), documentFileName(d, true)
	v := `attachment; filename="` + plain + `"`
	if full != plain {
		v += "; filename*=UTF-8''" + encodeExtValue(full)
	}
	return v
}

// documentFileName is the name a document is saved under: its title's
// letters and digits (in any script, or only plain ones, accents taken
// off, for the header's filename), dashes and underscores, each run of spaces and
// punctuation one space, at most 80 characters, with the ending its kind
// has; "document-ID" when nothing of the title is left.
func documentFileName(d casework.Document, anyScript bool) string {
	title := d.Title
	if !anyScript {
		// Accents off, so that "sądu" is "sadu" rather than "sdu". A new
		// transformer each call: they hold state.
		if t, _, err := transform.String(transform.Chain(norm.NFKD, runes.Remove(runes.In(unicode.Mn))), title); err == nil {
			title = t
		}
	}
	var b strings.Builder
	n := 0
	for _, r := range title {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_',
			anyScript && r >= utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)):
			b.WriteRune(r)
			n++
		case unicode.IsSpace(r) || unicode.IsPunct(r):
			if b.Len() > 0 && !strings.HasSuffix(b.String(), " ") {
				b.WriteByte(' ')
				n++
			}
		}
		if n >= 80 {
			break
		}
	}
	name := strings.TrimSpace(b.String())
	if name == "" {
		name = "document-" + strconv.FormatInt(d.ID, 10)
	}
	return name + casework.DocumentExtension(d.Kind)
}

// encodeExtValue percent-encodes a UTF-8 name for a header's ext-value
// (RFC 8187): every byte but letters, digits and "-._" as %XX.
func encodeExtValue(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}
