package report

import (
	"strings"
	"testing"
)

func TestLargest(t *testing.T) {
	counts := func(ns ...int) []KeyCount {
		var out []KeyCount
		for i, n := range ns {
			out = append(out, KeyCount{Key: string(rune('a' + i)), Label: string(rune('A' + i)), N: n})
		}
		return out
	}
	labels := func(tb Table) string {
		var out []string
		for _, r := range tb.Rows {
			out = append(out, r[0].Text)
		}
		return strings.Join(out, " ")
	}
	for _, tc := range []struct {
		name   string
		table  Table
		n      int
		want   string
		wantCu bool
	}{
		{"short enough: unchanged", CountsTable("k", "T", "c", "Area", counts(7, 9, 8)), 3, "A B C Total", false},
		{"largest first, the total kept last", CountsTable("k", "T", "c", "Area", counts(7, 20, 9, 30, 6)), 3, "D B C Total", true},
		{"ties keep the table's order", CountsTable("k", "T", "c", "Area", counts(10, 10, 10, 10)), 2, "A B Total", true},
		// C (3) and then E (6, hidden beside it so C cannot be worked out
		// from the total) are hidden: they sort below every shown figure,
		// in the table's order, and never by their true values.
		{"hidden figures last, in the table's order", CountsTable("k", "T", "c", "Area", counts(9, 8, 3, 7, 6, 50)), 5, "F A B D C Total", true},
		{"no total row", Table{Columns: []Column{{Label: "Stage"}, {Label: "N", Numeric: true}}, Rows: [][]Cell{
			{Label("x"), Count(5)}, {Label("y"), Count(50)}, {Label("z"), Count(6)}}}, 2, "y z", true},
		{"nothing numeric: unchanged", Table{Columns: []Column{{Label: "A"}, {Label: "B"}}, Rows: [][]Cell{
			{Label("x"), Label("1")}, {Label("y"), Label("2")}, {Label("z"), Label("3")}}}, 2, "x y z", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := labels(tc.table)
			got, cut := tc.table.Largest(tc.n)
			if labels(got) != tc.want || cut != tc.wantCu {
				t.Errorf("Largest(%d) = %q, cut %v; want %q, cut %v", tc.n, labels(got), cut, tc.want, tc.wantCu)
			}
			if after := labels(tc.table); after != before {
				t.Errorf("the table itself changed: %q, was %q", after, before)
			}
		})
	}
}

func TestLatest(t *testing.T) {
	months := []string{"2026-01", "2026-02", "2026-03", "2026-04"}
	tb := MonthlyTable("m", "T", "c", months, []MonthCount{{Month: "2026-01", Key: "gp", Label: "GP", N: 9}, {Month: "2026-04", Key: "gp", Label: "GP", N: 7}})
	if !tb.ByPeriod() {
		t.Fatal("a monthly table is not by period")
	}
	if c := CountsTable("k", "T", "c", "Area", []KeyCount{{Key: "a", Label: "A", N: 5}}); c.ByPeriod() {
		t.Error("a table of counts is by period")
	}
	got, cut := tb.Latest(2)
	if !cut || len(got.Rows) != 2 || got.Rows[0][0].Text != PeriodLabel("2026-03") || got.Rows[1][0].Text != PeriodLabel("2026-04") || len(tb.Rows) != 4 {
		t.Errorf("Latest(2): cut %v, %d rows from %q; want March and April, the table itself whole", cut, len(got.Rows), got.Rows[0][0].Text)
	}
	if got, cut := tb.Latest(4); cut || len(got.Rows) != 4 {
		t.Errorf("Latest(4) of 4 rows: cut %v, %d rows", cut, len(got.Rows))
	}
}
