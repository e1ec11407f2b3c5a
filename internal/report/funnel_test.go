package report

import "testing"

func TestFunnel(t *testing.T) {
	tests := []struct {
		name   string
		stages []Stage
		want   []string
	}{
		{"a typical funnel", []Stage{{"Referred", 40}, {"Accepted", 30}, {"Engaged", 12}, {"Completed", 3}}, []string{
			"Referred | 40 | 100.0 | ",
			"Accepted | 30 | 75.0 | 75.0",
			"Engaged | 12 | 30.0 | 40.0",  // 12/40, 12/30
			"Completed | [c] | [c] | [c]", // a small count: its percentages too
		}},
		{"after a small stage", []Stage{{"Referred", 20}, {"Accepted", 4}, {"Engaged", 4}}, []string{
			"Referred | 20 | 100.0 | ",
			"Accepted | [c] | [c] | [c]",
			"Engaged | [c] | [c] | [c]", // 4 of 4 would give both away
		}},
		{"a boundary of 5", []Stage{{"Referred", 5}, {"Accepted", 5}, {"Engaged", 0}, {"Completed", 0}}, []string{
			"Referred | 5 | 100.0 | ",
			"Accepted | 5 | 100.0 | 100.0",
			"Engaged | 0 | 0.0 | 0.0",
			"Completed | 0 | 0.0 | ", // 0 of 0 is no percentage at all
		}},
		{"nothing referred", []Stage{{"Referred", 0}, {"Accepted", 0}}, []string{
			"Referred | 0 |  | ",
			"Accepted | 0 |  | ",
		}},
		{"a small first stage", []Stage{{"Referred", 4}, {"Accepted", 0}}, []string{
			"Referred | [c] | [c] | ",
			"Accepted | 0 | [c] | [c]", // 0 of a suppressed count is still derived from it
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tbl := Funnel("funnel", "From referral to completion", "", tt.stages)
			if len(tbl.Columns) != 4 || len(tbl.Rows) != len(tt.want) {
				t.Fatalf("%d columns and %d rows, want 4 and %d", len(tbl.Columns), len(tbl.Rows), len(tt.want))
			}
			for i, row := range tbl.Rows {
				if got := rowString(row); got != tt.want[i] {
					t.Errorf("row %d = %q, want %q", i, got, tt.want[i])
				}
			}
		})
	}
	if tbl := Funnel("funnel", "Empty", "", nil); !tbl.Empty() {
		t.Errorf("no stages gave %d rows", len(tbl.Rows))
	}
}
