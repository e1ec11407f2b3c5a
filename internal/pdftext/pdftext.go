// Package pdftext fits text to the PDF core fonts and to maroto's rows, for
// every PDF Cradle writes (documents for other agencies, funder reports):
// cp1252-safe characters, paragraphs cut into rows that fit on a page, and
// character wrapping for very long unbroken words.
package pdftext

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/johnfercher/maroto/v2/pkg/components/col"
	"github.com/johnfercher/maroto/v2/pkg/components/row"
	"github.com/johnfercher/maroto/v2/pkg/components/text"
	"github.com/johnfercher/maroto/v2/pkg/consts/breakline"
	"github.com/johnfercher/maroto/v2/pkg/core"
	"github.com/johnfercher/maroto/v2/pkg/props"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/unicode/norm"
)

const (
	// RowRunes caps the text in one maroto row. maroto never splits a row
	// across pages, so one huge paragraph would run off the bottom of the
	// page; ~1200 characters is about 15 wrapped lines, well under a page.
	RowRunes = 1200
	// LongToken is the length of an unbroken "word" (a URL, say) above which
	// wrapping at spaces could leave it running off the right-hand edge, so
	// that row is wrapped by character instead (maroto adds a hyphen).
	LongToken = 60
)

// Rows turns one line of text into one or more full-width auto-height
// rows: one per embedded newline and per RowRunes-sized piece.
func Rows(s string, p props.Text) []core.Row {
	var rows []core.Row
	for _, para := range strings.Split(Safe(s), "\n") {
		for _, piece := range Split(para, RowRunes) {
			pp := p
			if HasLongToken(piece) {
				pp.BreakLineStrategy = breakline.DashStrategy
			}
			rows = append(rows, row.New().Add(col.New().Add(text.New(piece, pp))))
		}
	}
	return rows
}

// Split cuts s into pieces of at most max runes, at the last space
// before the limit where there is one.
func Split(s string, max int) []string {
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

// HasLongToken reports whether s holds a word longer than LongToken.
func HasLongToken(s string) bool {
	for _, w := range strings.Fields(s) {
		if utf8.RuneCountInString(w) > LongToken {
			return true
		}
	}
	return false
}

// Safe makes text representable in cp1252, the encoding of the PDF core
// fonts. Composed forms are used first (so "e" plus a combining diaeresis
// becomes "ë"); tabs and other control characters become spaces, except
// newlines, which Rows turns into separate rows; anything else outside
// cp1252 becomes '?', so a reader can see that a character is missing.
func Safe(s string) string {
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
