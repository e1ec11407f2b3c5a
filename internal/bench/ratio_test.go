package bench

import "testing"

// TestRatio: the headline ratio is open loop when both searches found a
// rate, and falls back to closed loop, saying so, when either found none.
func TestRatio(t *testing.T) {
	for _, tc := range []struct {
		name           string
		mixed, ceiling Throughput
		want           float64
		basis          string
	}{
		{"both passed", Throughput{RPS: 100, ClosedLoopRPS: 120}, Throughput{RPS: 1000, ClosedLoopRPS: 2000}, 0.1, BasisOpenLoop},
		{"ceiling found no rate", Throughput{RPS: 13, ClosedLoopRPS: 20}, Throughput{RPS: 0, ClosedLoopRPS: 400}, 0.05, BasisClosedLoop},
		{"mixed found no rate", Throughput{RPS: 0, ClosedLoopRPS: 30}, Throughput{RPS: 900, ClosedLoopRPS: 600}, 0.05, BasisClosedLoop},
		{"nothing answered", Throughput{}, Throughput{}, 0, ""},
	} {
		got, basis := ratio(tc.mixed, tc.ceiling)
		if got != tc.want || basis != tc.basis {
			t.Errorf("%s: ratio = %v (%q), want %v (%q)", tc.name, got, basis, tc.want, tc.basis)
		}
	}
}
