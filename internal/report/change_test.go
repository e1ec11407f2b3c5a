package report

import (
	"math"
	"strings"
	"testing"
)

// near reports whether got is within 5e-5 of want: the worked examples
// below are rounded by hand to four decimal places.
func near(got, want float64) bool { return math.Abs(got-want) < 5e-5 }

// workedPairs is the worked example used throughout.
//
//	before 10 12 14 16 18   mean 70/5 = 14
//	after   6  9 10 13 12   mean 50/5 = 10
//	change −4 −3 −4 −3 −6   mean −20/5 = −4
//
// SD(before): deviations −4 −2 0 2 4, squares sum 40, /(5−1) = 10, √10 = 3.1623.
// SD(change): deviations 0 1 0 1 −2, squares sum 6, /(5−1) = 1.5, √1.5 = 1.2247.
// d  = −4 / 3.1623 = −1.2649.
// dz = −4 / 1.2247 = −3.2660.
func workedPairs() []Pair {
	return []Pair{{10, 6}, {12, 9}, {14, 10}, {16, 13}, {18, 12}}
}

func TestChangeWorkedExample(t *testing.T) {
	s := Change(workedPairs(), LowerBetter, 4)
	if s.N != 5 || s.MeanBefore != 14 || s.MeanAfter != 10 || s.MeanChange != -4 {
		t.Errorf("N, means = %d, %v, %v, %v; want 5, 14, 10, -4", s.N, s.MeanBefore, s.MeanAfter, s.MeanChange)
	}
	if !near(s.SDBefore, 3.1623) || !near(s.SDChange, 1.2247) {
		t.Errorf("SDs = %v, %v; want 3.1623, 1.2247", s.SDBefore, s.SDChange)
	}
	if s.DMissing || !near(s.D, -1.2649) {
		t.Errorf("D = %v (missing %v), want -1.2649", s.D, s.DMissing)
	}
	if s.DZMissing || !near(s.DZ, -3.2660) {
		t.Errorf("DZ = %v (missing %v), want -3.2660", s.DZ, s.DZMissing)
	}
}

func TestChangeReliable(t *testing.T) {
	// Improvements (lower is better): 4 3 4 3 6.
	tests := []struct {
		name                string
		direction           Direction
		criterion           float64
		improved, worse, no int
		pctImproved         float64
		missing             bool
	}{
		{"criterion 4: at least 4 points counts", LowerBetter, 4, 3, 0, 2, 60, false},
		{"criterion 3: everyone", LowerBetter, 3, 5, 0, 0, 100, false},
		{"criterion 7: no one", LowerBetter, 7, 0, 0, 5, 0, false},
		{"higher is better: the same falls are deteriorations", HigherBetter, 4, 0, 3, 2, 0, false},
		{"no criterion", LowerBetter, 0, 0, 0, 0, 0, true},
		{"negative criterion", LowerBetter, -2, 0, 0, 0, 0, true},
		{"NaN criterion", LowerBetter, math.NaN(), 0, 0, 0, 0, true},
		{"unknown direction", Direction("sideways"), 4, 0, 0, 0, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Change(workedPairs(), tt.direction, tt.criterion)
			if s.ReliableImprovement != tt.improved || s.ReliableDeterioration != tt.worse || s.NoReliableChange != tt.no || s.ReliableMissing != tt.missing {
				t.Errorf("improved %d, worse %d, no change %d, missing %v; want %d, %d, %d, %v",
					s.ReliableImprovement, s.ReliableDeterioration, s.NoReliableChange, s.ReliableMissing, tt.improved, tt.worse, tt.no, tt.missing)
			}
			if s.PercentReliableImprovement != tt.pctImproved {
				t.Errorf("%% improved = %v, want %v", s.PercentReliableImprovement, tt.pctImproved)
			}
			if !tt.missing {
				if sum := s.PercentReliableImprovement + s.PercentReliableDeterioration + s.PercentNoReliableChange; !near(sum, 100) {
					t.Errorf("percentages sum to %v, want 100", sum)
				}
			}
		})
	}
}

func TestChangeReliableBoundaryWithRoundingError(t *testing.T) {
	// 0.7 − 0.4 is 0.29999999999999993 in floating point: still a change of
	// the criterion, 0.3.
	s := Change([]Pair{{0.7, 0.4}, {0.4, 0.7}}, LowerBetter, 0.3)
	if s.ReliableImprovement != 1 || s.ReliableDeterioration != 1 {
		t.Errorf("improved %d, worse %d; want 1 and 1", s.ReliableImprovement, s.ReliableDeterioration)
	}
}

func TestChangeDegenerate(t *testing.T) {
	t.Run("nobody", func(t *testing.T) {
		s := Change(nil, LowerBetter, 4)
		if s.N != 0 || !s.DMissing || !s.DZMissing || !s.ReliableMissing || s.MeanChange != 0 {
			t.Errorf("got %+v", s)
		}
	})
	t.Run("one person", func(t *testing.T) {
		s := Change([]Pair{{20, 12}}, LowerBetter, 4)
		if s.N != 1 || s.MeanChange != -8 || s.SDBefore != 0 || !s.DMissing || !s.DZMissing {
			t.Errorf("got %+v", s)
		}
		if s.ReliableImprovement != 1 || s.PercentReliableImprovement != 100 {
			t.Errorf("one person improving by 8 of a criterion of 4: got %d, %v%%", s.ReliableImprovement, s.PercentReliableImprovement)
		}
	})
	t.Run("same baseline for everyone", func(t *testing.T) {
		// SD(before) 0: no d. The changes (−1 −2 −3) still vary: dz = −2/1.
		s := Change([]Pair{{10, 9}, {10, 8}, {10, 7}}, LowerBetter, 4)
		if !s.DMissing || s.DZMissing || !near(s.DZ, -2) {
			t.Errorf("got D %v missing %v, DZ %v missing %v", s.D, s.DMissing, s.DZ, s.DZMissing)
		}
	})
	t.Run("same baseline lost in rounding error", func(t *testing.T) {
		s := Change([]Pair{{0.1, 0}, {0.1, 0}, {0.1, 0}, {0.1, 0}, {0.1, 0}, {0.1, 0}, {0.1, 0}}, LowerBetter, 4)
		if !s.DMissing || !s.DZMissing || math.IsInf(s.D, 0) || math.IsNaN(s.D) {
			t.Errorf("got D %v missing %v, DZ %v missing %v", s.D, s.DMissing, s.DZ, s.DZMissing)
		}
	})
	t.Run("unrecorded scores are left out", func(t *testing.T) {
		pairs := append(workedPairs(), Pair{math.NaN(), 3}, Pair{4, math.Inf(1)})
		if s := Change(pairs, LowerBetter, 4); s.N != 5 || s.MeanChange != -4 {
			t.Errorf("N %d, mean change %v; want 5, -4", s.N, s.MeanChange)
		}
	})
}

func TestChangeTable(t *testing.T) {
	four := workedPairs()[:4]
	sameBaseline := []Pair{{10, 9}, {10, 8}, {10, 7}, {10, 7}, {10, 6}}
	rising := []Pair{{10, 10.04}, {10, 10}, {12, 12}, {14, 14}, {16, 16}} // mean change +0.008
	falling := []Pair{{10, 9.96}, {10, 10}, {12, 12}, {14, 14}, {16, 16}} // −0.008: written 0.0, not -0.0
	tbl := ChangeTable("change", "How scores changed", "Parents with a baseline and a 6-month score", []ChangeRow{
		{"Worked example", Change(workedPairs(), LowerBetter, 3)},
		{"Four people", Change(four, LowerBetter, 3)},
		{"Nobody", Change(nil, LowerBetter, 3)},
		{"Same baseline", Change(sameBaseline, LowerBetter, 5)}, // no one improves by 5
		{"Same baseline, four people", Change(sameBaseline[:4], LowerBetter, 3)},
		{"No criterion", Change(workedPairs(), LowerBetter, 0)},
		{"Three of five improve", Change(workedPairs(), LowerBetter, 4)},
		{"Rising a hair", Change(rising, HigherBetter, 3)},
		{"Falling a hair", Change(falling, HigherBetter, 3)},
	})
	want := []string{
		"Worked example | 5 | 14.0 | 10.0 | -4.0 | -1.26 | 100.0",
		"Four people | [c] | [c] | [c] | [c] | [c] | [c]",
		"Nobody | 0 |  |  |  |  | ",
		"Same baseline | 5 | 10.0 | 7.4 | -2.6 |  | 0.0",
		"Same baseline, four people | [c] | [c] | [c] | [c] | [c] | [c]",
		"No criterion | 5 | 14.0 | 10.0 | -4.0 | -1.26 | ",
		"Three of five improve | 5 | 14.0 | 10.0 | -4.0 | -1.26 | [c]", // 3 people is itself a small count
		"Rising a hair | 5 | 12.4 | 12.4 | 0.0 | 0.00 | 0.0",
		"Falling a hair | 5 | 12.4 | 12.4 | 0.0 | 0.00 | 0.0",
	}
	if len(tbl.Columns) != 7 || len(tbl.Rows) != len(want) {
		t.Fatalf("%d columns and %d rows, want 7 and %d", len(tbl.Columns), len(tbl.Rows), len(want))
	}
	for i, row := range tbl.Rows {
		if got := rowString(row); got != want[i] {
			t.Errorf("row %d = %q, want %q", i, got, want[i])
		}
	}
}

func rowString(row []Cell) string {
	s := make([]string, len(row))
	for i, c := range row {
		s[i] = c.String()
	}
	return strings.Join(s, " | ")
}
