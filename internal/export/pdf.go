package export

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/cradle-org/cradle/internal/report"
	"github.com/johnfercher/maroto/v2"
	"github.com/johnfercher/maroto/v2/pkg/components/col"
	"github.com/johnfercher/maroto/v2/pkg/components/page"
	"github.com/johnfercher/maroto/v2/pkg/components/row"
	"github.com/johnfercher/maroto/v2/pkg/components/text"
	"github.com/johnfercher/maroto/v2/pkg/config"
	"github.com/johnfercher/maroto/v2/pkg/consts/align"
	"github.com/johnfercher/maroto/v2/pkg/consts/border"
	"github.com/johnfercher/maroto/v2/pkg/consts/breakline"
	"github.com/johnfercher/maroto/v2/pkg/consts/fontfamily"
	"github.com/johnfercher/maroto/v2/pkg/consts/fontstyle"
	"github.com/johnfercher/maroto/v2/pkg/consts/pagesize"
	"github.com/johnfercher/maroto/v2/pkg/core"
	"github.com/johnfercher/maroto/v2/pkg/props"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/unicode/norm"
)

// Report is a funder report: aggregate figures for one organisation, area
// and period, in sections of text and tables. It holds no person-level data.
type Report struct {
	Title        string
	Organisation string
	Area         string
	Period       string // e.g. "1 April 2026 to 31 March 2027"
	Generated    time.Time
	Intro        string
	Sections     []Section
}

// Section is one heading with its text and tables.
type Section struct {
	Heading string
	Text    string
	Tables  []report.Table
}

// SuppressionNote explains "<5" to the reader; it is printed on the first
// page of every funder report.
const SuppressionNote = "Figures based on fewer than 5 people are shown as " + report.SuppressedText + " so that nobody can be recognised."

// Text styles, as in internal/docs: functions, so nothing shared is mutable.
func titleProp() props.Text   { return props.Text{Size: 16, Style: fontstyle.Bold} }
func metaProp() props.Text    { return props.Text{Size: 10, Top: 1} }
func noteProp() props.Text    { return props.Text{Size: 9, Top: 3, Style: fontstyle.Italic} }
func headingProp() props.Text { return props.Text{Size: 13, Top: 6, Bottom: 1, Style: fontstyle.Bold} }
func paraProp() props.Text    { return props.Text{Size: 10, Top: 1} }
func tableTitleProp() props.Text {
	return props.Text{Size: 10, Top: 4, Style: fontstyle.Bold}
}
func captionProp() props.Text { return props.Text{Size: 8, Top: 1, Bottom: 1, Style: fontstyle.Italic} }
func footerProp() props.Text  { return props.Text{Size: 8, Top: 2} }
func cellProp(numeric, bold bool) props.Text {
	p := props.Text{Size: 9, Top: 1, Bottom: 1, Left: 1, Right: 1}
	if numeric {
		p.Align = align.Right
	}
	if bold {
		p.Style = fontstyle.Bold
	}
	return p
}

func cellStyle(header bool) *props.Cell {
	s := &props.Cell{BorderType: border.Full, BorderThickness: 0.1, BorderColor: &props.Color{Red: 177, Green: 180, Blue: 182}}
	if header {
		s.BackgroundColor = &props.Color{Red: 243, Green: 242, Blue: 241}
	}
	return s
}

const (
	// gridSize is the number of grid units across the page. A fine grid
	// lets column widths follow their content.
	gridSize = 120
	// keepWithTable is roughly the height (mm) of a table's title, caption,
	// header and first two rows: a table starting with less room than this
	// starts on a new page rather than leave its heading stranded.
	keepWithTable = 35.0
	// rowRunes and longToken as in internal/docs: maroto never splits a row
	// across pages, so paragraphs are cut into rows of ~15 lines, and rows
	// holding a very long unbroken word are wrapped by character.
	rowRunes  = 1200
	longToken = 60
)

// PDF writes a funder report as an A4 PDF in Helvetica: title, organisation,
// area, period and date, the note explaining "<5", the introduction, and
// each section's heading, text and tables, with a footer and page number on
// every page.
//
// Tables are grids with a bold header row. maroto moves a row that does not
// fit to the next page, and the header row is repeated at the top of every
// page a table continues onto.
//
// As in internal/docs, streams are uncompressed, so the bytes can be searched
// for text by tests and by an auditor, and text is limited to cp1252 (the
// core fonts' encoding): other characters are shown as '?'.
func PDF(w io.Writer, doc Report) error {
	b, err := renderPDF(doc)
	if err != nil {
		return err
	}
	if _, err := w.Write(b); err != nil {
		return fmt.Errorf("export: writing PDF: %w", err)
	}
	return nil
}

func renderPDF(doc Report) ([]byte, error) {
	cfg := config.NewBuilder().
		WithPageSize(pagesize.A4).
		WithCompression(false).
		WithMaxGridSize(gridSize).
		WithDefaultFont(&props.Font{Family: fontfamily.Helvetica, Size: 10}).
		WithPageNumber(props.PageNumber{Pattern: "Page {current} of {total}", Place: props.RightBottom, Size: 8}).
		WithTitle(doc.Title, true).
		WithCreator("Cradle", false).
		WithCreationDate(doc.Generated).
		Build()
	m := maroto.New(cfg)

	// Registered before any content so maroto reserves its space on every page.
	footer := "Aggregate figures only. Generated by Cradle"
	if !doc.Generated.IsZero() {
		footer += " on " + doc.Generated.Format("2 January 2006")
	}
	if err := m.RegisterFooter(textRows(footer+".", footerProp())...); err != nil {
		return nil, fmt.Errorf("export: PDF footer: %w", err)
	}

	m.AddRows(textRows(doc.Title, titleProp())...)
	for _, l := range []struct{ label, value string }{
		{"Organisation", doc.Organisation},
		{"Area", doc.Area},
		{"Period", doc.Period},
	} {
		if strings.TrimSpace(l.value) != "" {
			m.AddRows(textRows(l.label+": "+l.value, metaProp())...)
		}
	}
	m.AddRows(textRows(SuppressionNote, noteProp())...)
	if strings.TrimSpace(doc.Intro) != "" {
		m.AddRows(textRows(doc.Intro, paraProp())...)
	}

	for _, s := range doc.Sections {
		if strings.TrimSpace(s.Heading) != "" {
			m.AddRows(textRows(s.Heading, headingProp())...)
		}
		if strings.TrimSpace(s.Text) != "" {
			m.AddRows(textRows(s.Text, paraProp())...)
		}
		for _, t := range s.Tables {
			if err := addTable(m, t); err != nil {
				return nil, err
			}
		}
	}

	out, err := m.Generate()
	if err != nil {
		return nil, fmt.Errorf("export: rendering PDF: %w", err)
	}
	b := out.GetBytes()
	if len(b) == 0 {
		return nil, errors.New("export: PDF renderer returned no bytes")
	}
	return b, nil
}

// addTable adds a table's title, caption, header and rows. The header row is
// registered as maroto's page header for the length of the table, so it is
// repeated on each page the table runs onto, and unregistered after it.
func addTable(m core.Maroto, t report.Table) error {
	if len(t.Columns) == 0 {
		return nil
	}
	sizes, err := columnSizes(t)
	if err != nil {
		return err
	}

	var start []core.Row
	if strings.TrimSpace(t.Title) != "" {
		start = append(start, textRows(t.Title, tableTitleProp())...)
	}
	if strings.TrimSpace(t.Caption) != "" {
		start = append(start, textRows(t.Caption, captionProp())...)
	}
	if len(start) == 0 {
		start = append(start, row.New(3))
	}
	if m.FitlnCurrentPage(keepWithTable) {
		m.AddRows(start...)
	} else {
		m.AddPages(page.New().Add(start...))
	}

	labels := make([]string, len(t.Columns))
	numeric := make([]bool, len(t.Columns))
	for i, c := range t.Columns {
		labels[i], numeric[i] = c.Label, c.Numeric
	}
	if err := m.RegisterHeader(gridRow(sizes, labels, numeric, true)); err != nil {
		return fmt.Errorf("export: PDF table %q header: %w", t.Key, err)
	}

	if t.Empty() {
		m.AddRows(row.New().Add(col.New(gridSize).
			Add(text.New("No figures for this period.", cellProp(false, false))).
			WithStyle(cellStyle(false))))
	}
	for i, cells := range t.Rows {
		if err := checkWidth(t, i, cells); err != nil {
			return err
		}
		values := make([]string, len(t.Columns))
		isNum := make([]bool, len(t.Columns))
		for j, c := range cells {
			// Text needs no formula guard in a PDF; numbers use the same
			// formatting ("<5", decimals) as every other output.
			values[j] = c.String()
			isNum[j] = c.Numeric
		}
		m.AddRows(gridRow(sizes, values, isNum, false))
	}

	if err := m.RegisterHeader(); err != nil {
		return fmt.Errorf("export: PDF table %q: %w", t.Key, err)
	}
	return nil
}

func gridRow(sizes []int, values []string, numeric []bool, header bool) core.Row {
	cols := make([]core.Col, len(sizes))
	for i, size := range sizes {
		v := pdfSafe(values[i])
		v = strings.ReplaceAll(v, "\n", " ")
		p := cellProp(numeric[i], header)
		if hasLongToken(v) {
			p.BreakLineStrategy = breakline.DashStrategy
		}
		cols[i] = col.New(size).Add(text.New(v, p)).WithStyle(cellStyle(header))
	}
	return row.New().Add(cols...)
}

// columnSizes shares the grid between the columns in proportion to their
// longest content, within limits, so a label column is wider than a count.
func columnSizes(t report.Table) ([]int, error) {
	n := len(t.Columns)
	if n > gridSize/4 {
		return nil, fmt.Errorf("export: PDF table %q has %d columns; at most %d fit across a page", t.Key, n, gridSize/4)
	}
	weights := make([]int, n)
	for i, c := range t.Columns {
		weights[i] = longestWord(c.Label)
	}
	for _, cells := range t.Rows {
		for j, c := range cells {
			if j < n {
				weights[j] = max(weights[j], utf8.RuneCountInString(c.String()))
			}
		}
	}
	total := 0
	for i := range weights {
		weights[i] = max(4, min(weights[i], 40))
		total += weights[i]
	}
	sizes := make([]int, n)
	used := 0
	for i, w := range weights {
		sizes[i] = max(4, w*gridSize/total)
		used += sizes[i]
	}
	// Rounding leaves units over (or, with the minimum, takes too many):
	// give or take them from the widest columns.
	for used != gridSize {
		widest := 0
		for i := range sizes {
			if sizes[i] > sizes[widest] {
				widest = i
			}
		}
		if used < gridSize {
			sizes[widest]++
			used++
		} else {
			sizes[widest]--
			used--
		}
	}
	return sizes, nil
}

// longestWord is a heading's longest word: headings wrap, so a column need
// only be wide enough for its longest word.
func longestWord(s string) int {
	n := 0
	for _, w := range strings.Fields(s) {
		n = max(n, utf8.RuneCountInString(w))
	}
	return n
}

// textRows, splitRunes, hasLongToken and pdfSafe follow internal/docs.

// textRows turns text into one or more full-width auto-height rows: one per
// embedded newline and per rowRunes-sized piece.
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
// fonts: composed forms first, control characters (but newlines) to spaces,
// anything else outside cp1252 to a visible '?'.
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
