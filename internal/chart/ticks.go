package chart

import "math"

// ticks returns round values for an axis covering lo to hi: about want of
// them, a step of 1, 2 or 5 times a power of ten apart, from a multiple of
// the step at or below lo to one at or above hi. With whole set (the axis
// counts something) the step is at least 1. An empty range gets an axis
// from 0 to 1 (or 0 to the value, or the value to 0).
func ticks(lo, hi float64, want int, whole bool) []float64 {
	if math.IsNaN(lo) || math.IsNaN(hi) || math.IsInf(lo, 0) || math.IsInf(hi, 0) {
		lo, hi = 0, 1
	}
	if lo > hi {
		lo, hi = hi, lo
	}
	if lo == hi {
		lo, hi = math.Min(lo, 0), math.Max(hi, 0)
		if lo == hi {
			hi = lo + 1
		}
	}
	step := niceStep((hi-lo)/float64(max(want, 2)-1), whole)
	first := math.Floor(lo/step + 1e-9)
	last := math.Ceil(hi/step - 1e-9)
	var out []float64
	for i := first; i <= last && len(out) < 100; i++ {
		out = append(out, roundTo(i*step, step))
	}
	if len(out) < 2 { // a range lost in rounding: an axis needs two ends
		out = []float64{roundTo(first*step, step), roundTo((first+1)*step, step)}
	}
	return out
}

// niceStep rounds a raw step to 1, 2 or 5 times a power of ten (nearest,
// on a log scale), no less than 1 if whole.
func niceStep(raw float64, whole bool) float64 {
	if !(raw > 0) {
		raw = 1
	}
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	var step float64
	switch f := raw / p; {
	case f < 1.5:
		step = p
	case f < 3:
		step = 2 * p
	case f < 7:
		step = 5 * p
	default:
		step = 10 * p
	}
	if whole && step < 1 {
		step = 1
	}
	return step
}

// stepDecimals is how many decimals tick labels a step apart need.
func stepDecimals(step float64) int {
	if step >= 1 || !(step > 0) {
		return 0
	}
	return int(math.Ceil(-math.Log10(step) - 1e-9))
}

// roundTo removes floating-point dust from a multiple of step (so that
// 3 × 0.1 is 0.3).
func roundTo(v, step float64) float64 {
	p := math.Pow(10, float64(stepDecimals(step)))
	v = math.Round(v*p) / p
	if v == 0 {
		return 0
	}
	return v
}
