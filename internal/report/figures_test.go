package report

import (
	"testing"
	"time"
)

func TestCountsTableHidesWhatSubtractionWouldReveal(t *testing.T) {
	tab := CountsTable("k", "T", "C", "Source", []KeyCount{{"a", "A", 20}, {"b", "B", 7}, {"c", "C", 3}})
	got := []string{}
	for _, r := range tab.Rows {
		got = append(got, r[1].String())
	}
	want := []string{"20", SuppressedText, SuppressedText, "30"}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("counts = %v, want %v", got, want)
		}
	}
	// Two small categories already hide each other; nothing more is hidden.
	tab = CountsTable("k", "T", "C", "Source", []KeyCount{{"a", "A", 20}, {"b", "B", 2}, {"c", "C", 3}})
	if tab.Rows[0][1].String() != "20" || tab.Rows[3][1].String() != "25" {
		t.Fatalf("rows = %+v", tab.Rows)
	}
	if tab := CountsTable("k", "T", "C", "Source", nil); len(tab.Rows) != 0 || len(tab.Columns) != 3 {
		t.Fatalf("empty table = %+v", tab)
	}
}

func TestPercentAndMonths(t *testing.T) {
	for _, c := range []struct {
		n, of int
		want  string
	}{{0, 0, ""}, {0, 10, "0.0"}, {3, 10, SuppressedText}, {5, 10, "50.0"}, {5, 4, SuppressedText}, {7, 20, "35.0"}} {
		if got := Percent(c.n, c.of).String(); got != c.want {
			t.Errorf("Percent(%d, %d) = %q, want %q", c.n, c.of, got, c.want)
		}
	}
	m := MonthKeys(time.Date(2025, 11, 20, 0, 0, 0, 0, time.UTC), time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC))
	if len(m) != 4 || m[0] != "2025-11" || m[3] != "2026-02" || MonthLabel(m[1]) != "Dec 2025" {
		t.Errorf("MonthKeys = %v", m)
	}
	tab := MonthlyTable("k", "T", "C", m, []MonthCount{{"2025-12", "self", "Self", 6}, {"2026-02", "sw", "Social worker", 2}, {"2026-02", "self", "Self", 4}})
	if len(tab.Columns) != 4 || tab.Rows[0][1].String() != "0" || tab.Rows[1][1].String() != "6" || tab.Rows[3][3].String() != "6" || tab.Rows[3][2].String() != SuppressedText {
		t.Errorf("MonthlyTable = %+v", tab)
	}
}
