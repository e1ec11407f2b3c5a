package export

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/cradle-org/cradle/internal/report"
	"github.com/xuri/excelize/v2"
)

// Worksheet layout: the table's title, its caption, then the header, with
// the panes frozen below the header so it stays in view while scrolling.
// The layout is the same for every table, so a script can skip a fixed
// number of rows.
const (
	titleRow     = 1
	captionRow   = 2
	headerRow    = 3
	firstDataRow = 4
)

const (
	// maxSheetName is Excel's limit, counted in UTF-16 code units.
	maxSheetName = 31
	minColWidth  = 8
	maxColWidth  = 60
)

// XLSX writes tables as an Excel workbook, one worksheet per table.
//
// Each worksheet is named from the table's title (see sheetNames), and
// holds the title, the caption, a bold header row and the rows. Numbers are
// stored as numbers, formatted to the cell's decimals; suppressed figures as
// the text "[c]"; missing figures as empty cells. Text is stored with the
// string cell type, so nothing is ever interpreted as a formula, and also
// passes through SafeText, so it stays safe if the sheet is later saved as
// CSV or its text pasted elsewhere.
func XLSX(w io.Writer, tables ...report.Table) (err error) {
	if len(tables) == 0 {
		return ErrNoTables
	}
	f := excelize.NewFile()
	defer func() {
		if cerr := f.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("export: closing workbook: %w", cerr)
		}
	}()

	st, err := newStyles(f)
	if err != nil {
		return err
	}
	names := sheetNames(tables)
	for i, t := range tables {
		if i == 0 {
			// A new workbook has one sheet, "Sheet1": rename it rather than
			// leave an empty sheet in front.
			err = f.SetSheetName(f.GetSheetName(0), names[0])
		} else {
			_, err = f.NewSheet(names[i])
		}
		if err != nil {
			return fmt.Errorf("export: adding worksheet %q: %w", names[i], err)
		}
		if err := writeSheet(f, st, names[i], t); err != nil {
			return fmt.Errorf("export: worksheet %q: %w", names[i], err)
		}
	}
	f.SetActiveSheet(0)

	titles := make([]string, len(tables))
	for i, t := range tables {
		titles[i] = t.Title
	}
	if err := f.SetDocProps(&excelize.DocProperties{
		Title:   strings.Join(titles, "; "),
		Creator: "Cradle",
	}); err != nil {
		return fmt.Errorf("export: workbook properties: %w", err)
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("export: writing XLSX: %w", err)
	}
	return nil
}

// styles are the workbook's cell styles; number formats are made on first
// use, one per number of decimals.
type styles struct {
	f                       *excelize.File
	title, caption, header  int
	headerNumeric, suppress int
	numbers                 map[int]int
}

func newStyles(f *excelize.File) (*styles, error) {
	st := &styles{f: f, numbers: map[int]int{}}
	bottom := []excelize.Border{{Type: "bottom", Color: "000000", Style: 1}}
	for _, s := range []struct {
		id    *int
		style excelize.Style
	}{
		{&st.title, excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}}},
		{&st.caption, excelize.Style{Font: &excelize.Font{Italic: true}}},
		{&st.header, excelize.Style{Font: &excelize.Font{Bold: true}, Border: bottom,
			Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}}},
		{&st.headerNumeric, excelize.Style{Font: &excelize.Font{Bold: true}, Border: bottom,
			Alignment: &excelize.Alignment{WrapText: true, Vertical: "top", Horizontal: "right"}}},
		{&st.suppress, excelize.Style{Alignment: &excelize.Alignment{Horizontal: "right"}}},
	} {
		id, err := f.NewStyle(&s.style)
		if err != nil {
			return nil, fmt.Errorf("export: workbook style: %w", err)
		}
		*s.id = id
	}
	return st, nil
}

// number is the style for a number with the given decimals: "0", "0.0", ...
func (st *styles) number(decimals int) (int, error) {
	decimals = max(0, min(decimals, 10))
	if id, ok := st.numbers[decimals]; ok {
		return id, nil
	}
	format := "0"
	if decimals > 0 {
		format += "." + strings.Repeat("0", decimals)
	}
	id, err := st.f.NewStyle(&excelize.Style{CustomNumFmt: &format})
	if err != nil {
		return 0, fmt.Errorf("number style %q: %w", format, err)
	}
	st.numbers[decimals] = id
	return id, nil
}

func writeSheet(f *excelize.File, st *styles, sheet string, t report.Table) error {
	set := func(col, row int, text string, style int) error {
		ref, err := excelize.CoordinatesToCellName(col, row)
		if err != nil {
			return err
		}
		if err := f.SetCellStr(sheet, ref, SafeText(text)); err != nil {
			return err
		}
		if style != 0 {
			return f.SetCellStyle(sheet, ref, ref, style)
		}
		return nil
	}
	if err := set(1, titleRow, t.Title, st.title); err != nil {
		return err
	}
	if t.Caption != "" {
		if err := set(1, captionRow, t.Caption, st.caption); err != nil {
			return err
		}
	}

	// widths are in characters: the longest header or cell, within limits.
	// The title and caption are left to overflow across empty cells.
	widths := make([]int, len(t.Columns))
	for i, c := range t.Columns {
		style := st.header
		if c.Numeric {
			style = st.headerNumeric
		}
		if err := set(i+1, headerRow, c.Label, style); err != nil {
			return err
		}
		widths[i] = utf8.RuneCountInString(c.Label)
	}

	for i, cells := range t.Rows {
		if err := checkWidth(t, i, cells); err != nil {
			return err
		}
		row := firstDataRow + i
		for j, c := range cells {
			n, err := writeCell(f, st, sheet, j+1, row, c)
			if err != nil {
				return err
			}
			widths[j] = max(widths[j], n)
		}
	}

	for i, w := range widths {
		name, err := excelize.ColumnNumberToName(i + 1)
		if err != nil {
			return err
		}
		if err := f.SetColWidth(sheet, name, name, float64(max(minColWidth, min(w+2, maxColWidth)))); err != nil {
			return err
		}
	}

	top := fmt.Sprintf("A%d", firstDataRow)
	return f.SetPanes(sheet, &excelize.Panes{
		Freeze:      true,
		YSplit:      headerRow,
		TopLeftCell: top,
		ActivePane:  "bottomLeft",
		Selection:   []excelize.Selection{{SQRef: top, ActiveCell: top, Pane: "bottomLeft"}},
	})
}

// writeCell writes one cell and returns its width in characters as shown.
func writeCell(f *excelize.File, st *styles, sheet string, col, row int, c report.Cell) (int, error) {
	ref, err := excelize.CoordinatesToCellName(col, row)
	if err != nil {
		return 0, err
	}
	switch {
	case !c.Numeric:
		s := SafeText(c.Text)
		return utf8.RuneCountInString(s), f.SetCellStr(sheet, ref, s)
	case c.Suppressed:
		if err := f.SetCellStr(sheet, ref, report.SuppressedText); err != nil {
			return 0, err
		}
		return len(report.SuppressedText), f.SetCellStyle(sheet, ref, ref, st.suppress)
	case c.Missing:
		return 0, nil
	}
	if err := f.SetCellFloat(sheet, ref, c.Value, -1, 64); err != nil {
		return 0, err
	}
	style, err := st.number(c.Decimals)
	if err != nil {
		return 0, err
	}
	return len(c.String()), f.SetCellStyle(sheet, ref, ref, style)
}

// sheetNames gives each table a worksheet name Excel accepts: its title
// (or key, or "Table n"), with the characters Excel forbids (: \ / ? * [ ])
// and control characters replaced by '-' and ' ', no leading or trailing
// apostrophe, cut to 31 UTF-16 code units, and unique ignoring case (Excel
// compares names that way) by a " (2)", " (3)" ... suffix. "History" is
// reserved by Excel and is treated as taken.
func sheetNames(tables []report.Table) []string {
	taken := map[string]bool{"history": true}
	names := make([]string, len(tables))
	for i, t := range tables {
		base := cleanSheetName(t.Title)
		if base == "" {
			base = cleanSheetName(t.Key)
		}
		if base == "" {
			base = "Table " + strconv.Itoa(i+1)
		}
		name := truncateUTF16(base, maxSheetName)
		for n := 2; taken[strings.ToLower(name)]; n++ {
			suffix := " (" + strconv.Itoa(n) + ")"
			name = strings.TrimRight(truncateUTF16(base, maxSheetName-len(suffix)), " '") + suffix
		}
		taken[strings.ToLower(name)] = true
		names[i] = name
	}
	return names
}

func cleanSheetName(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case strings.ContainsRune(`:\/?*[]`, r):
			return '-'
		case unicode.IsControl(r), r == utf8.RuneError:
			return ' '
		}
		return r
	}, s)
	return strings.Trim(strings.Join(strings.Fields(s), " "), "'")
}

// truncateUTF16 cuts s to at most n UTF-16 code units without splitting a
// character, then trims what truncation can leave invalid at the end.
func truncateUTF16(s string, n int) string {
	units := 0
	for i, r := range s {
		units += len(utf16.Encode([]rune{r}))
		if units > n {
			return strings.TrimRight(s[:i], " '")
		}
	}
	return s
}
