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
