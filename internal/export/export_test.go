package export

import (
	"strings"

	"github.com/cradle-org/cradle/internal/report"
)

const injection = `=HYPERLINK("http://evil.example","Click")`

// sample is a small table with every kind of cell: text (including one that
// looks like a formula and one with accents), counts, a suppressed count, a
// negative number with decimals and a missing figure.
func sample() report.Table {
	return report.Table{
		Key:     "referrals-by-source",
		Title:   "Referrals by source",
		Caption: "Referrals received, 1 April 2026 to 31 March 2027, Blackpool",
		Columns: []report.Column{
			{Key: "source", Label: "Source"},
			{Key: "n", Label: "Referrals", Numeric: true},
			{Key: "change", Label: "Mean change", Numeric: true},
		},
		Rows: [][]report.Cell{
			{report.Label("Midwife"), report.Count(12), report.Number(-3, 0, 12)},
			{report.Label(injection), report.Count(3), report.Number(-1.25, 2, 30)},
			{report.Label("Zoë’s café — £"), report.Count(0), report.Number(0, 1, 0)},
		},
	}
}

func emptyTable() report.Table {
	return report.Table{
		Key:     "closures",
		Title:   "Closures by reason",
		Columns: []report.Column{{Label: "Reason"}, {Label: "Families", Numeric: true}},
	}
}

// longTable has enough rows to run over several pages.
func longTable(n int) report.Table {
	t := report.Table{
		Key:     "by-area",
		Title:   "Open families by area",
		Columns: []report.Column{{Label: "Area"}, {Label: "HeaderQX7 families", Numeric: true}},
	}
	for i := range n {
		t.Rows = append(t.Rows, []report.Cell{report.Label("Area " + strings.Repeat("x", i%7)), report.Count(5 + i)})
	}
	return t
}
