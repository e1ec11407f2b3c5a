package report

import "math"

// Direction says which way a measure's scores improve.
type Direction string

const (
	LowerBetter  Direction = "lower_better"  // e.g. PHQ-9, GAD-7: a fall is an improvement
	HigherBetter Direction = "higher_better" // e.g. SWEMWBS: a rise is an improvement
)

// Pair is one person's score on a measure at baseline and at follow-up.
type Pair struct {
	Before, After float64
}

// ChangeSummary is how a group's scores on one measure changed between
// baseline and follow-up.
//
// The effect size is Cohen's d for a pre–post design standardised by the
// spread of the baseline scores: D = MeanChange / SDBefore. It is the usual
// choice in programme evaluation because it does not depend on how strongly
// the two time points are correlated, so it can be set beside published
// effect sizes for the same questionnaire. DZ = MeanChange / SDChange (the
// paired-samples effect size) is given too, for an evaluator who wants it; it
// is larger whenever baseline and follow-up scores are correlated, so the two
// are not interchangeable. Both carry the sign of MeanChange: for a measure
// where lower is better, an improvement has a negative D.
//
// Sample standard deviations divide by n−1, so they (and both effect sizes)
// need at least two people. With N 0 every mean and percentage is 0: check N
// (ChangeTable shows such figures as missing, and suppresses those from
// fewer than MinCount people).
type ChangeSummary struct {
	N                     int
	MeanBefore, MeanAfter float64
	MeanChange            float64 // MeanAfter − MeanBefore: negative when scores fell
	SDBefore              float64 // sample SD of the baseline scores; 0 when N < 2
	SDChange              float64 // sample SD of the changes; 0 when N < 2

	D         float64 // Cohen's d: MeanChange / SDBefore
	DMissing  bool    // no D: fewer than two people, or every baseline score the same
	DZ        float64 // MeanChange / SDChange
	DZMissing bool    // no DZ: fewer than two people, or everyone changed by the same amount

	// Reliable change: a person improved (or deteriorated) reliably when
	// their score moved at least the measure's reliable change criterion in
	// that direction; anyone else shows no reliable change. The percentages
	// are of N. ReliableMissing is set, and the counts left at 0, when there
	// is no criterion (not above 0) or the direction is unknown.
	ReliableImprovement, ReliableDeterioration, NoReliableChange                      int
	PercentReliableImprovement, PercentReliableDeterioration, PercentNoReliableChange float64
	ReliableMissing                                                                   bool
}

// Change summarises how scores changed for the pairs given. reliableChange
// is the measure's reliable change criterion in score points (e.g. 6 for
// PHQ-9): a change of at least that many points in the direction of
// improvement is a reliable improvement. A pair with a score that is not a
// finite number is left out, as if it had not been recorded.
func Change(pairs []Pair, direction Direction, reliableChange float64) ChangeSummary {
	var before, after, change []float64
	for _, p := range pairs {
		if finite(p.Before) && finite(p.After) {
			before = append(before, p.Before)
			after = append(after, p.After)
			change = append(change, p.After-p.Before)
		}
	}
	s := ChangeSummary{N: len(before), DMissing: true, DZMissing: true}
	if s.N == 0 {
		s.ReliableMissing = true
		return s
	}
	s.MeanBefore = mean(before)
	s.MeanAfter = mean(after)
	s.MeanChange = mean(change)
	var sdOK, sdzOK bool
	s.SDBefore, sdOK = sampleSD(before)
	s.SDChange, sdzOK = sampleSD(change)
	if sdOK {
		s.D, s.DMissing = s.MeanChange/s.SDBefore, false
	}
	if sdzOK {
		s.DZ, s.DZMissing = s.MeanChange/s.SDChange, false
	}

	sign := 0.0 // turns a change into an improvement
	switch direction {
	case LowerBetter:
		sign = -1
	case HigherBetter:
		sign = 1
	}
	if sign == 0 || !(reliableChange > 0) || math.IsInf(reliableChange, 1) {
		s.ReliableMissing = true
		return s
	}
	// A hair of tolerance, so that a change of exactly the criterion counts
	// even when a converted score (e.g. SWEMWBS metric) carries rounding error.
	crit := reliableChange - 1e-9*math.Max(1, reliableChange)
	for _, c := range change {
		switch improvement := sign * c; {
		case improvement >= crit:
			s.ReliableImprovement++
		case improvement <= -crit:
			s.ReliableDeterioration++
		default:
			s.NoReliableChange++
		}
	}
	n := float64(s.N)
	s.PercentReliableImprovement = 100 * float64(s.ReliableImprovement) / n
	s.PercentReliableDeterioration = 100 * float64(s.ReliableDeterioration) / n
	s.PercentNoReliableChange = 100 * float64(s.NoReliableChange) / n
	return s
}

// ChangeRow is one measure's line in a ChangeTable.
type ChangeRow struct {
	Measure string // as the reader knows it, e.g. "PHQ-9 (depression, lower is better)"
	Change  ChangeSummary
}

// ChangeTable is a table of how scores changed, one row per measure. Every
// figure in a row is derived from its people, so when there are fewer than
// MinCount of them all are suppressed, as the count is; a missing effect
// size is suppressed too rather than left blank, since a blank would say that
// everyone had the same baseline score.
func ChangeTable(key, title, caption string, rows []ChangeRow) Table {
	t := Table{Key: key, Title: title, Caption: caption, Columns: []Column{
		{Key: "measure", Label: "Measure"},
		{Key: "people", Label: "People", Numeric: true},
		{Key: "mean_before", Label: "Mean at baseline", Numeric: true},
		{Key: "mean_after", Label: "Mean at follow-up", Numeric: true},
		{Key: "mean_change", Label: "Mean change", Numeric: true},
		{Key: "effect_size", Label: "Effect size (d)", Numeric: true},
		{Key: "reliable_improvement", Label: "% reliable improvement", Numeric: true},
	}}
	for _, r := range rows {
		s := r.Change
		d := Number(round(s.D, 2), 2, s.N)
		if s.DMissing && !d.Suppressed {
			d = Cell{Numeric: true, Missing: true}
		}
		ri := Number(0, 1, s.N)
		if !s.ReliableMissing {
			ri = Percent(s.ReliableImprovement, s.N)
		} else if !ri.Suppressed {
			ri = Cell{Numeric: true, Missing: true}
		}
		t.Rows = append(t.Rows, []Cell{
			Label(r.Measure),
			Count(s.N),
			Number(round(s.MeanBefore, 1), 1, s.N),
			Number(round(s.MeanAfter, 1), 1, s.N),
			Number(round(s.MeanChange, 1), 1, s.N),
			d,
			ri,
		})
	}
	return t
}

// round rounds v to the given decimals, and turns −0 into 0 so that a
// small fall is not written "-0.0".
func round(v float64, decimals int) float64 {
	p := math.Pow(10, float64(decimals))
	r := math.Round(v*p) / p
	if r == 0 {
		return 0
	}
	return r
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

func mean(xs []float64) float64 {
	sum := 0.0
	for _, x := range xs {
		sum += x
	}
	return sum / float64(len(xs))
}

// sampleSD is the standard deviation with n−1 in the denominator; ok is
// false when it is undefined (fewer than two values) or zero, which is when
// an effect size cannot be computed. A spread lost in rounding error (the
// same value entered five times can average to a hair off itself) is zero.
func sampleSD(xs []float64) (sd float64, ok bool) {
	if len(xs) < 2 {
		return 0, false
	}
	m := mean(xs)
	ss := 0.0
	for _, x := range xs {
		ss += (x - m) * (x - m)
	}
	sd = math.Sqrt(ss / float64(len(xs)-1))
	if sd <= 1e-12*math.Max(1, math.Abs(m)) {
		return 0, false
	}
	return sd, true
}
