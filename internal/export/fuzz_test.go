package export

import (
	"bytes"
	"encoding/csv"
	"math"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/cradle-org/cradle/internal/report"
)

// formulaStart reports whether a spreadsheet would read a cell starting
// with s as a formula.
func formulaStart(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return strings.ContainsRune("=+-@\t\r＝＋－＠", r) && s != ""
}

// FuzzCSV writes text that came from outside (area names, labels, titles)
// and any number through the CSV export and reads it back: every text
// comes back as SafeText made it (line breaks aside), no text cell starts
// like a formula, and SafeText is idempotent and only ever adds a quote.
func FuzzCSV(f *testing.F) {
	for _, s := range []string{"Blackpool", "=HYPERLINK(\"http://evil\")", "+1", "-2", "@SUM(A1)", "\tx", "\rx", "＝1", "a,b\"c\nd", "\xff", "", "'=x"} {
		f.Add(s, s, 1.5)
	}
	f.Add("Title", "Label", math.NaN())
	f.Add("Title", "Label", -1.5)
	f.Fuzz(func(t *testing.T, title, text string, value float64) {
		safe := SafeText(text)
		if safe != text && safe != "'"+text || SafeText(safe) != safe || formulaStart(safe) {
			t.Fatalf("SafeText(%q) = %q", text, safe)
		}
		table := report.Table{Key: "k", Title: title, Caption: text,
			Columns: []report.Column{{Key: "a", Label: text}, {Key: "b", Label: "Count", Numeric: true}},
			Rows:    [][]report.Cell{{report.Label(text), report.Number(value, 1, 10)}}}
		var b bytes.Buffer
		if err := CSV(&b, table, table); err != nil {
			t.Fatalf("CSV: %v", err)
		}
		r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b.Bytes(), []byte(bom))))
		r.FieldsPerRecord = -1
		recs, err := r.ReadAll()
		if err != nil {
			t.Fatalf("reading back %q: %v", b.Bytes(), err)
		}
		noCR := func(s string) string { return strings.ReplaceAll(s, "\r", "") }
		var texts []string
		for _, rec := range recs {
			for _, cell := range rec {
				if cell != report.Number(value, 1, 10).String() {
					texts = append(texts, cell)
				}
			}
		}
		for _, cell := range texts {
			if formulaStart(cell) {
				t.Fatalf("cell %q reads as a formula", cell)
			}
		}
		for _, want := range []string{SafeText(title), safe} {
			found := false
			for _, cell := range texts {
				found = found || noCR(cell) == noCR(want)
			}
			if !found && noCR(want) != "" {
				t.Fatalf("%q did not come back from %q", want, b.Bytes())
			}
		}
	})
}
