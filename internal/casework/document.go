package casework

import (
	"bytes"
	"strconv"
	"strings"
	"time"

	"github.com/cradle-org/cradle/internal/problem"
)

// DocumentMaxBytes is the largest document that may be added to a parent's
// record: a scanned letter or a photographed form is well under it, and
// every document is sealed and backed up with the database.
const DocumentMaxBytes = 5 << 20

// Document is a file kept on a parent's record (a letter from children's
// social care, a signed consent form, a child protection plan): about that
// parent, so read only by those who may see their confidential details, as
// a confidential note is. Content is read only when the file is opened.
type Document struct {
	ID       int64
	PersonID int64
	Title    string
	Kind     string // one of DocumentKinds' values, found from the content
	Size     int
	Content  []byte
	AddedOn  time.Time
	AddedBy  string
	Withheld bool // the reader may not see it (nor its title)
}

// documentKinds are the files a document may be: PDF and the two common
// photo formats, each with the content type it is sent back as and the
// ending it is saved with. A Word document is saved as a PDF first: files
// that can carry macros are never kept.
var documentKinds = []struct{ value, label, contentType, ext string }{
	{"pdf", "PDF", "application/pdf", ".pdf"},
	{"jpeg", "JPEG image", "image/jpeg", ".jpg"},
	{"png", "PNG image", "image/png", ".png"},
}

// DocumentKinds are the kinds a document may be, as options.
func DocumentKinds() []Option {
	out := make([]Option, len(documentKinds))
	for i, k := range documentKinds {
		out[i] = Option{Value: k.value, Label: k.label}
	}
	return out
}

// DocumentContentType is the content type a document of kind is sent as.
func DocumentContentType(kind string) string {
	for _, k := range documentKinds {
		if k.value == kind {
			return k.contentType
		}
	}
	return "application/octet-stream"
}

// DocumentExtension is the file name ending a document of kind is saved
// with.
func DocumentExtension(kind string) string {
	for _, k := range documentKinds {
		if k.value == kind {
			return k.ext
		}
	}
	return ""
}

// documentKind is what the content is, from its first bytes (and a PDF's
// end marker, which a PDF cut short lacks), never from the name or the
// browser's content type, which the uploader chooses. A photo's end is not
// asked for: phones often write data after a JPEG's last marker, and a
// file is only ever sent back as a download of its own type, never shown
// in a page, so nothing after the image could run.
func documentKind(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte("%PDF-")) && bytes.Contains(b[max(0, len(b)-1024):], []byte("%%EOF")):
		return "pdf"
	case bytes.HasPrefix(b, []byte{0xFF, 0xD8, 0xFF}):
		return "jpeg"
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR")):
		return "png"
	}
	return ""
}

// DocumentSize is a document's size as people read it: "820 KB", "1.4 MB".
func DocumentSize(n int) string {
	switch {
	case n < 1<<20:
		return strconv.Itoa(max(1, (n+512)>>10)) + " KB"
	default:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MB"
	}
}

// Validate checks a new document, cleaning its title and setting its kind
// and size from the content. selected says whether a file was chosen at
// all (an empty file is a different mistake from none).
func (d *Document) Validate(selected bool) error {
	var fs problem.Fields
	if strings.TrimSpace(d.Title) == "" {
		fs.Add("document_title", "Enter what the document is, like Letter from children's social care")
	} else {
		fs.Text("document_title", "What the document is", &d.Title, 200, false)
	}
	d.Size, d.Kind = len(d.Content), documentKind(d.Content)
	switch {
	case !selected:
		fs.Add("document_file", "Select the file to add")
	case d.Size == 0:
		fs.Add("document_file", "The selected file is empty")
	case d.Size > DocumentMaxBytes:
		fs.Add("document_file", "The selected file must be smaller than "+strconv.Itoa(DocumentMaxBytes>>20)+" MB")
	case d.Kind == "":
		fs.Add("document_file", "The selected file must be a PDF, JPEG or PNG: save a Word document as a PDF first")
	}
	return fs.Err()
}
