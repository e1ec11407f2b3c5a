package demo

import "testing"

func TestMonthsFor(t *testing.T) {
	for tp, want := range map[string]int{"m6": 6, "m24": 24, "baseline": 0, "moving": 0, "": 0} {
		if got := monthsFor(tp); got != want {
			t.Errorf("monthsFor(%q) = %d, want %d", tp, got, want)
		}
	}
}
