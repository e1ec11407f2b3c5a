package report

import (
	"math"
	"slices"
	"strconv"
	"strings"
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

// The periods a dashboard counts referrals by. Up to two years of months
// stay months; up to five years are counted by quarter, and anything longer
// by year: a chart or table of 120 months is unreadable, and the longer
// periods hold larger counts, so fewer are hidden as small.
const (
	UnitMonth   = "month"
	UnitQuarter = "quarter"
	UnitYear    = "year"
)

// PeriodUnit chooses the period for a dashboard from from to to.
func PeriodUnit(from, to time.Time) string {
	switch n := len(Months(from, to)); {
	case n <= 24:
		return UnitMonth
	case n <= 60:
		return UnitQuarter
	}
	return UnitYear
}

// PeriodKey is the key of the period holding a month ("2026-03"): the month
// itself, its quarter ("2026-Q1") or its year ("2026"). A key it cannot read
// is returned as it is.
func PeriodKey(month, unit string) string {
	t, err := time.Parse("2006-01", month)
	if err != nil {
		return month
	}
	switch unit {
	case UnitQuarter:
		return t.Format("2006") + "-Q" + strconv.Itoa((int(t.Month())+2)/3)
	case UnitYear:
		return t.Format("2006")
	}
	return month
}

// PeriodKeys lists the keys of every period from from to to, in order.
func PeriodKeys(from, to time.Time, unit string) []string {
	var out []string
	for _, m := range Months(from, to) {
		k := PeriodKey(m.Format("2006-01"), unit)
		if len(out) == 0 || out[len(out)-1] != k {
			out = append(out, k)
		}
	}
	return out
}

// InPeriods adds monthly counts up by period.
func InPeriods(counts []MonthCount, unit string) []MonthCount {
	if unit == UnitMonth {
		return counts
	}
	type key struct{ period, k string }
	at := map[key]int{}
	var out []MonthCount
	for _, c := range counts {
		p := PeriodKey(c.Month, unit)
		i, ok := at[key{p, c.Key}]
		if !ok {
			at[key{p, c.Key}] = len(out)
			out = append(out, MonthCount{Month: p, Key: c.Key, Label: c.Label, N: c.N})
			continue
		}
		out[i].N += c.N
	}
	return out
}

// PeriodLabel writes a period key for people: "Mar 2026", "Jan to Mar
// 2026" or "2026".
func PeriodLabel(key string) string {
	if y, q, ok := strings.Cut(key, "-Q"); ok {
		n, err := strconv.Atoi(q)
		if err != nil || n < 1 || n > 4 {
			return key
		}
		first := time.Month(3*n - 2)
		return first.String()[:3] + " to " + (first + 2).String()[:3] + " " + y
	}
	if len(key) == 4 {
		return key
	}
	return MonthLabel(key)
}

// periodColumn names a table's period column from one of its keys.
func periodColumn(key string) string {
	switch {
	case strings.Contains(key, "-Q"):
		return "Quarter"
	case len(key) == 4:
		return "Year"
	}
	return "Month"
}
