package site

import (
	"bytes"
	"fmt"
	"path"
	"strings"
	"unicode/utf8"

	"github.com/cradle-org/cradle/internal/problem"
)

// MaxDocument is the largest policy document that may be uploaded: policies
// are text, and a visitor on a phone should not wait for a huge file.
const MaxDocument = 10 << 20

// Document is a checked PDF to publish.
type Document struct {
	Title    string
	FileName string
	Content  []byte
}

// CheckDocument validates an upload: a title, and a PDF file (by its
// content, not its name) of a sensible size. The stored file name is
// reduced to a safe base name ending .pdf, as it is sent back in headers.
func CheckDocument(title, fileName string, content []byte) (Document, problem.Fields) {
	var errs problem.Fields
	d := Document{Title: strings.TrimSpace(title), Content: content}
	switch n := utf8.RuneCountInString(d.Title); {
	case n == 0:
		errs.Add("title", "Enter the document's title, like Safeguarding children policy")
	case n > MaxTitle:
		errs.Add("title", fmt.Sprintf("Title must be %d characters or fewer", MaxTitle))
	default:
		if msg := textProblem("Title", d.Title); msg != "" {
			errs.Add("title", msg)
		}
	}
	switch {
	case len(content) == 0 && fileName == "":
		errs.Add("file", "Select a PDF file")
	case len(content) == 0:
		errs.Add("file", "The selected file is empty")
	case len(content) > MaxDocument:
		errs.Add("file", fmt.Sprintf("The selected file must be smaller than %d MB", MaxDocument>>20))
	case !bytes.HasPrefix(content, []byte("%PDF-")) || !bytes.Contains(tail(content, 1024), []byte("%%EOF")):
		errs.Add("file", "The selected file must be a PDF")
	}
	d.FileName = safeFileName(fileName)
	return d, errs
}

func tail(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}

// safeFileName keeps letters, digits, hyphens and dots of the base name.
func safeFileName(name string) string {
	name = path.Base(strings.ReplaceAll(name, `\`, "/"))
	name = strings.TrimSuffix(strings.ToLower(name), ".pdf")
	var b strings.Builder
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "-"):
			b.WriteByte('-')
		}
		if b.Len() >= 80 {
			break
		}
	}
	s := strings.Trim(b.String(), "-")
	if s == "" {
		s = "document"
	}
	return s + ".pdf"
}
