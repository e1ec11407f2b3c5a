package report

import (
	"reflect"
	"testing"
)

// handCount is a count cell as someone might build it by hand, without Count.
func handCount(n int) Cell { return Cell{Value: float64(n), Numeric: true} }

func TestSuppress(t *testing.T) {
	in := Table{Key: "k", Columns: []Column{{Key: "area"}, {Key: "n", Numeric: true}, {Key: "mean", Numeric: true}}, Rows: [][]Cell{
		{Label("North"), handCount(0), Cell{Value: 3, Numeric: true, Decimals: 1}},
		{Label("South"), handCount(1), Cell{Numeric: true, Missing: true}},
		{Label("East"), handCount(4), Cell{Value: 3.5, Numeric: true}}, // not whole: not a count
		{Label("West"), handCount(5), handCount(3)},                    // a small figure with no decimals is taken for a count
		{Label("3"), handCount(12), Cell{Value: -2, Numeric: true}},
	}}
	want := []string{
		"North | 0 | 3.0",
		"South | [c] | ",
		"East | [c] | 4", // 3.5 written with no decimals
		"West | 5 | [c]",
		"3 | 12 | -2",
	}
	before := copyRows(in.Rows)
	got := Suppress(in)
	for i, row := range got.Rows {
		if s := rowString(row); s != want[i] {
			t.Errorf("row %d = %q, want %q", i, s, want[i])
		}
	}
	if !reflect.DeepEqual(in.Rows, before) {
		t.Error("Suppress changed the table it was given")
	}
	if again := Suppress(got); !reflect.DeepEqual(again, got) {
		t.Error("Suppress is not idempotent")
	}
}

func TestSecondarySuppression(t *testing.T) {
	cols := []Column{{Key: "month"}, {Key: "a", Numeric: true}, {Key: "b", Numeric: true}, {Key: "c", Numeric: true}, {Key: "total", Numeric: true}}
	row := func(label string, a, b, c int) []Cell {
		return []Cell{Label(label), Count(a), Count(b), Count(c), Count(a + b + c)}
	}
	in := Table{Key: "monthly", Columns: cols, Rows: [][]Cell{
		row("one small", 3, 7, 12),           // 22 − 7 − 12 = 3: suppress the 7 too
		row("zero skipped", 3, 0, 12),        // the 0 gives nothing away; the 12 goes
		row("two small already", 2, 1, 9),    // two unknowns: enough
		row("tie: leftmost", 3, 6, 6),        // one of the 6s
		row("nothing small", 8, 6, 6),        // untouched
		row("all zero", 0, 0, 0),             // untouched
		row("only the small one", 3, 0, 0),   // the total is 3 and suppressed anyway
		row("small total", 1, 1, 2),          // all small
		row("one small, big total", 4, 0, 5), // 5 goes, though it is not small
	}}
	want := []string{
		"one small | [c] | [c] | 12 | 22",
		"zero skipped | [c] | 0 | [c] | 15",
		"two small already | [c] | [c] | 9 | 12",
		"tie: leftmost | [c] | [c] | 6 | 15",
		"nothing small | 8 | 6 | 6 | 20",
		"all zero | 0 | 0 | 0 | 0",
		"only the small one | [c] | 0 | 0 | [c]",
		"small total | [c] | [c] | [c] | [c]",
		"one small, big total | [c] | 0 | [c] | 9",
	}
	got := SecondarySuppression(in)
	for i, r := range got.Rows {
		if s := rowString(r); s != want[i] {
			t.Errorf("row %d = %q, want %q", i, s, want[i])
		}
	}
	if in.Rows[0][2].Suppressed {
		t.Error("SecondarySuppression changed the table it was given")
	}
	if again := SecondarySuppression(got); !reflect.DeepEqual(again, got) {
		t.Error("SecondarySuppression is not idempotent")
	}

	// Without a total column nothing can be worked out by subtraction.
	noTotal := Table{Columns: cols[:4], Rows: [][]Cell{{Label("x"), handCount(3), Count(7), Count(12)}}}
	if s := rowString(SecondarySuppression(noTotal).Rows[0]); s != "x | [c] | 7 | 12" {
		t.Errorf("without a total: %q", s)
	}
}
