package report

import (
	"math"
	"slices"
	"strconv"
	"time"
)

// Months lists the first of every month from from's month to to's month,
// inclusive, at 00:00 UTC, for bucketing a dashboard's figures by month. A
// month is read in each time's own location, as calendar dates are
// throughout Cradle. It is empty when to is in an earlier month than from,
// and stops after a hundred years.
func Months(from, to time.Time) []time.Time {
	var out []time.Time
	m := time.Date(from.Year(), from.Month(), 1, 0, 0, 0, 0, time.UTC)
	end := time.Date(to.Year(), to.Month(), 1, 0, 0, 0, 0, time.UTC)
	for !m.After(end) && len(out) < 1200 {
		out = append(out, m)
		m = m.AddDate(0, 1, 0)
	}
	return out
}

// Quarter is the calendar quarter holding t's date (read in t's own
// location): its first and last days (inclusive, 00:00 UTC, like a report's
// From and To) and its name, written out as "July to September 2026".
//
// The name is in words rather than "2026 Q3" because funders count quarters
// differently: the UK financial year makes April to June its first quarter,
// the calendar year its second. The months themselves are the same either
// way, so naming them cannot be misread.
func Quarter(t time.Time) (start, end time.Time, label string) {
	first := time.Month((int(t.Month())-1)/3*3 + 1)
	start = time.Date(t.Year(), first, 1, 0, 0, 0, 0, time.UTC)
	end = start.AddDate(0, 3, -1)
	return start, end, first.String() + " to " + end.Month().String() + " " + strconv.Itoa(t.Year())
}

// Median is the middle value of xs (the mean of the middle two when there is
// an even number), ignoring NaNs; ok is false when there is nothing to take
// the median of. xs is not changed.
func Median(xs []float64) (median float64, ok bool) {
	s := make([]float64, 0, len(xs))
	for _, x := range xs {
		if !math.IsNaN(x) {
			s = append(s, x)
		}
	}
	if len(s) == 0 {
		return 0, false
	}
	slices.Sort(s)
	mid := len(s) / 2
	if len(s)%2 == 1 {
		return s[mid], true
	}
	return s[mid-1]/2 + s[mid]/2, true
}
