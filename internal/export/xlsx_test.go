package export

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/cradle-org/cradle/internal/report"
	"github.com/xuri/excelize/v2"
)

func openXLSX(t *testing.T, tables ...report.Table) *excelize.File {
	t.Helper()
	var buf bytes.Buffer
	if err := XLSX(&buf, tables...); err != nil {
		t.Fatalf("XLSX: %v", err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatalf("reading back XLSX: %v", err)
	}
	t.Cleanup(func() {
		if err := f.Close(); err != nil {
			t.Errorf("closing the XLSX: %v", err)
		}
	})
	return f
}

func cellValue(t *testing.T, f *excelize.File, sheet, ref string) string {
	t.Helper()
	v, err := f.GetCellValue(sheet, ref)
	if err != nil {
		t.Fatalf("%s!%s: %v", sheet, ref, err)
	}
	return v
}

func TestXLSXReadBack(t *testing.T) {
	f := openXLSX(t, sample(), emptyTable())
	if got, want := f.GetSheetList(), []string{"Referrals by source", "Closures by reason"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("sheets = %q, want %q", got, want)
	}
	const s = "Referrals by source"
	for ref, want := range map[string]string{
		"A1": "Referrals by source",
		"A2": "Referrals received, 1 April 2026 to 31 March 2027, Blackpool",
		"A3": "Source", "B3": "Referrals", "C3": "Mean change",
		"A4": "Midwife", "B4": "12", "C4": "-3",
		"A5": "'" + injection, "B5": "[c]", "C5": "-1.25",
		"A6": "Zoë’s café — £", "B6": "0", "C6": "",
	} {
		if got := cellValue(t, f, s, ref); got != want {
			t.Errorf("%s = %q, want %q", ref, got, want)
		}
	}

	// Numbers are numbers (no type attribute, or "n"); text and "[c]" are
	// strings.
	for _, ref := range []string{"B4", "C4", "C5", "B6"} {
		typ, err := f.GetCellType(s, ref)
		if err != nil {
			t.Fatal(err)
		}
		if typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
			t.Errorf("%s type = %v, want number", ref, typ)
		}
	}
	for _, ref := range []string{"A3", "A4", "A5", "B5", "A6"} {
		typ, err := f.GetCellType(s, ref)
		if err != nil {
			t.Fatal(err)
		}
		if typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString {
			t.Errorf("%s type = %v, want string", ref, typ)
		}
	}
	raw, err := f.GetCellValue(s, "C5", excelize.Options{RawCellValue: true})
	if err != nil || raw != "-1.25" {
		t.Errorf("C5 raw = %q, %v", raw, err)
	}

	// The header is bold and frozen.
	styleID, err := f.GetCellStyle(s, "A3")
	if err != nil {
		t.Fatal(err)
	}
	if st, err := f.GetStyle(styleID); err != nil || st.Font == nil || !st.Font.Bold {
		t.Errorf("header style = %+v, %v; want bold", st, err)
	}
	if p, err := f.GetPanes(s); err != nil || !p.Freeze || p.YSplit != headerRow || p.TopLeftCell != "A4" {
		t.Errorf("panes = %+v, %v", p, err)
	}

	// No cell anywhere holds a formula.
	for _, sheet := range f.GetSheetList() {
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		for r, cols := range rows {
			for c := range cols {
				ref, _ := excelize.CoordinatesToCellName(c+1, r+1)
				if fm, err := f.GetCellFormula(sheet, ref); err != nil || fm != "" {
					t.Errorf("%s!%s formula = %q, %v", sheet, ref, fm, err)
				}
			}
		}
	}

	props, err := f.GetDocProps()
	if err != nil {
		t.Fatal(err)
	}
	if props.Creator != "Cradle" || props.Title != "Referrals by source; Closures by reason" {
		t.Errorf("doc props = %+v", props)
	}
}

func TestXLSXEmptyTable(t *testing.T) {
	f := openXLSX(t, emptyTable())
	rows, err := f.GetRows("Closures by reason")
	if err != nil {
		t.Fatal(err)
	}
	// Title, (empty) caption row, header.
	if len(rows) != 3 || !reflect.DeepEqual(rows[2], []string{"Reason", "Families"}) {
		t.Errorf("rows = %q", rows)
	}
}

func TestXLSXErrors(t *testing.T) {
	if err := XLSX(&bytes.Buffer{}); !errors.Is(err, ErrNoTables) {
		t.Errorf("no tables: err = %v", err)
	}
	if err := XLSX(failWriter{}, sample()); !errors.Is(err, errWrite) {
		t.Errorf("failing writer: err = %v", err)
	}
	wide := sample()
	wide.Rows[0] = append(wide.Rows[0], report.Count(9))
	if err := XLSX(&bytes.Buffer{}, wide); err == nil || !strings.Contains(err.Error(), "row 1") {
		t.Errorf("row wider than header: err = %v", err)
	}
}

func TestSheetNames(t *testing.T) {
	long := strings.Repeat("Referrals by source and month ", 3)
	emoji := strings.Repeat("😀", 20) // two UTF-16 units each
	titles := []report.Table{
		{Title: "Referrals: by source/area [2026]?*"},
		{Title: long},
		{Title: long},
		{Title: "referrals BY source and month referrals"}, // the same as above, ignoring case, once cut
		{Title: "", Key: "closures"},
		{Title: "  "},
		{Title: "'quoted'"},
		{Title: "History"},
		{Title: emoji},
		{Title: "Line\nbreak\ttab"},
	}
	got := sheetNames(titles)
	want := []string{
		"Referrals- by source-area -2026",
		"Referrals by source and month R",
		"Referrals by source and mon (2)",
		"referrals BY source and mon (3)",
		"closures",
		"Table 6",
		"quoted",
		"History (2)",
		strings.Repeat("😀", 15),
		"Line break tab",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("sheetNames =\n%q\nwant\n%q", got, want)
	}
	f := excelize.NewFile()
	defer f.Close()
	for _, n := range got {
		if len(utf16.Encode([]rune(n))) > maxSheetName {
			t.Errorf("%q is longer than %d", n, maxSheetName)
		}
		if _, err := f.NewSheet(n); err != nil {
			t.Errorf("excelize refuses %q: %v", n, err)
		}
	}
	// And the whole set goes into a workbook.
	openXLSX(t, titles...)
}
