package docs

import (
	"errors"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/johnfercher/maroto/v2"
	"github.com/johnfercher/maroto/v2/pkg/components/col"
	"github.com/johnfercher/maroto/v2/pkg/components/row"
	"github.com/johnfercher/maroto/v2/pkg/components/text"
	"github.com/johnfercher/maroto/v2/pkg/config"
	"github.com/johnfercher/maroto/v2/pkg/consts/breakline"
	"github.com/johnfercher/maroto/v2/pkg/consts/fontfamily"
	"github.com/johnfercher/maroto/v2/pkg/consts/fontstyle"
	"github.com/johnfercher/maroto/v2/pkg/consts/pagesize"
	"github.com/johnfercher/maroto/v2/pkg/core"
	"github.com/johnfercher/maroto/v2/pkg/props"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/unicode/norm"
)

// Text styles. Functions rather than package variables, so nothing shared is
// mutable (maroto fills in defaults on the props it is given).
func titleProp() props.Text { return props.Text{Size: 16, Style: fontstyle.Bold} }
func subtitleProp() props.Text {
	return props.Text{Size: 11, Top: 1}
}
func recipientProp() props.Text {
	return props.Text{Size: 11, Top: 3, Style: fontstyle.Bold}
}
func headingProp() props.Text { return props.Text{Size: 12, Top: 5, Bottom: 1, Style: fontstyle.Bold} }
func lineProp() props.Text    { return props.Text{Size: 10, Top: 1} }
func footerProp() props.Text  { return props.Text{Size: 8, Top: 2} }

const (
	// rowRunes caps the text in one maroto row. maroto never splits a row
	// across pages, so one huge paragraph would run off the bottom of the
	// page; ~1200 characters is about 15 wrapped lines, well under a page.
	rowRunes = 1200
	// longToken is the length of an unbroken "word" (a URL, say) above which
	// wrapping at spaces could leave it running off the right-hand edge, so
	// that row is wrapped by character instead (maroto adds a hyphen).
	longToken = 60
)

// PDF renders the document as an A4 PDF in Helvetica: title, recipient,
// each section heading and its lines (wrapped), and the footer and a page
// number on every page.
//
// Streams are written uncompressed, so the bytes can be searched for text by
// tests and by an auditor checking what a file contains.
//
// maroto's core fonts are cp1252 (Windows-1252) only: "Zoë", "£", "€" and
// typographic quotes and dashes render, but any other character would be
// silently turned into '.' by the PDF library. pdfSafe therefore replaces
// such characters with a visible '?' first. Text output is not affected.
func PDF(d Document) ([]byte, error) {
	return render(d, false)
}

// render exists so a test can prove that text really is unfindable in
// compressed output, i.e. that the uncompressed check means something.
func render(d Document, compress bool) ([]byte, error) {
	cfg := config.NewBuilder().
		WithPageSize(pagesize.A4).
		WithCompression(compress).
		WithDefaultFont(&props.Font{Family: fontfamily.Helvetica, Size: 10}).
		WithPageNumber(props.PageNumber{Pattern: "Page {current} of {total}", Place: props.RightBottom, Size: 8}).
		WithTitle(d.Title, true).
		WithCreator("Cradle", false).
		Build()
	m := maroto.New(cfg)

	// The footer is registered before any content so that maroto reserves
	// its space and repeats it on every page.
	if d.Footer != "" {
		if err := m.RegisterFooter(textRows(d.Footer, footerProp())...); err != nil {
			return nil, err
		}
	}

	m.AddRows(textRows(d.Title, titleProp())...)
	if d.Subtitle != "" {
		m.AddRows(textRows(d.Subtitle, subtitleProp())...)
	}
	if d.Recipient != "" {
		m.AddRows(textRows("To: "+d.Recipient, recipientProp())...)
	}
	for _, s := range d.Sections {
		m.AddRows(textRows(s.Heading, headingProp())...)
		for _, l := range s.Lines {
			m.AddRows(textRows(l, lineProp())...)
		}
	}

	doc, err := m.Generate()
	if err != nil {
		return nil, err
	}
	b := doc.GetBytes()
	if len(b) == 0 {
		return nil, errors.New("docs: PDF renderer returned no bytes")
	}
	return b, nil
}

// textRows turns one line of text into one or more full-width auto-height
// rows: one per embedded newline and per rowRunes-sized piece.
func textRows(s string, p props.Text) []core.Row {
	var rows []core.Row
	for _, para := range strings.Split(pdfSafe(s), "\n") {
		for _, piece := range splitRunes(para, rowRunes) {
			pp := p
			if hasLongToken(piece) {
				pp.BreakLineStrategy = breakline.DashStrategy
			}
			rows = append(rows, row.New().Add(col.New().Add(text.New(piece, pp))))
		}
	}
	return rows
}

// splitRunes cuts s into pieces of at most max runes, at the last space
// before the limit where there is one.
func splitRunes(s string, max int) []string {
	var out []string
	for utf8.RuneCountInString(s) > max {
		cut := 0
		for range max {
			_, size := utf8.DecodeRuneInString(s[cut:])
			cut += size
		}
		if sp := strings.LastIndexByte(s[:cut], ' '); sp > 0 {
			out = append(out, s[:sp])
			s = s[sp+1:]
			continue
		}
		out = append(out, s[:cut])
		s = s[cut:]
	}
	return append(out, s)
}

func hasLongToken(s string) bool {
	for _, w := range strings.Fields(s) {
		if utf8.RuneCountInString(w) > longToken {
			return true
		}
	}
	return false
}

// pdfSafe makes text representable in cp1252, the encoding of the PDF core
// fonts. Composed forms are used first (so "e" plus a combining diaeresis
// becomes "ë"); tabs and other control characters become spaces, except
// newlines, which textRows turns into separate rows; anything else outside
// cp1252 becomes '?', so a reader can see that a character is missing.
func pdfSafe(s string) string {
	s = norm.NFC.String(s)
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n':
			return r
		case unicode.IsControl(r):
			return ' '
		case r < utf8.RuneSelf:
			return r
		}
		if _, ok := charmap.Windows1252.EncodeRune(r); ok {
			return r
		}
		return '?'
	}, s)
}
