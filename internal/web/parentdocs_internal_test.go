package web

import (
	"testing"

	"github.com/cradle-org/cradle/internal/casework"
)

// A document downloads under its title: plain letters in filename, and the
// whole title, in any script, as filename* for the browsers that read it
// (all of today's); a title with nothing to keep is "document-ID".
func TestDocumentDisposition(t *testing.T) {
	for _, c := range []struct {
		title, kind, want string
	}{
		{"Letter from children's social care", "pdf", `attachment; filename="Letter from children s social care.pdf"`},
		{"Signed consent (2 pages), 3/12", "png", `attachment; filename="Signed consent 2 pages 3 12.png"`},
		{"Pismo z sądu", "pdf", `attachment; filename="Pismo z sadu.pdf"; filename*=UTF-8''Pismo%20z%20s%C4%85du.pdf`},
		{"خط", "jpeg", `attachment; filename="document-7.jpg"; filename*=UTF-8''%D8%AE%D8%B7.jpg`},
		{"<>$+", "pdf", `attachment; filename="document-7.pdf"`},
		{"Zoë's letter\r\nX-Injected: 1", "pdf", `attachment; filename="Zoe s letter X-Injected 1.pdf"; filename*=UTF-8''Zo%C3%AB%20s%20letter%20X-Injected%201.pdf`},
	} {
		d := casework.Document{ID: 7, Title: c.title, Kind: c.kind}
		if got := documentDisposition(d); got != c.want {
			t.Errorf("%q: %s, want %s", c.title, got, c.want)
		}
	}
}
