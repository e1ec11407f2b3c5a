package report

import (
	"strconv"
	"time"
)

// RetentionAges are the baby's ages, in months, at which retention is
// reported: six months, the first birthday, and the second, when the
// programme ends.
func RetentionAges() []int { return []int{6, 12, 24} }

// Retention is how many families stayed with the programme until their
// baby reached one age. It counts from the birth rather than from
// acceptance because the programme runs to the baby's second birthday
// whenever a family joins: "still with us at the baby's first birthday"
// means the same for every family, "a year after acceptance" does not.
type Retention struct {
	Months  int // the baby's age
	Reached int // families whose baby reached the age on a day in the range (and by today), accepted by that day
	Engaged int // of those, still in the programme that day (EngagedOn)
}

// Closure is one closure in a family's history, as retention needs it.
type Closure struct {
	On       time.Time // the day the case was closed
	Early    bool      // closed before the planned end
	Reopened time.Time // the day it was re-opened; zero if it was not
}

// EngagedOn reports whether a family with these closures was still in the
// programme on day: not, on that day, closed early. A family closed early on
// day itself has left by then, and one re-opened by day is back. A planned
// closure is the programme completed, never leaving it early, so a family
// closed at the planned end counts as retained. Only calendar dates matter.
func EngagedOn(closures []Closure, day time.Time) bool {
	d := dateOf(day)
	for _, c := range closures {
		if !c.Early || dateOf(c.On).After(d) {
			continue
		}
		if c.Reopened.IsZero() || dateOf(c.Reopened).After(d) {
			return false
		}
	}
	return true
}

// RetentionTable is retention at each age: how many families' babies
// reached it, how many of those families were still in the programme, and
// that as a percentage. Each count is suppressed under MinCount, and the
// percentage with either. How many left early is not a column: it would be
// the first count less the second, so hiding one of the three would mean
// hiding another (see protect); as it is, like the funnel's stages, the
// difference of two shown counts is not treated as a figure of its own.
func RetentionTable(key, title, caption string, rows []Retention) Table {
	t := Table{Key: key, Title: title, Caption: caption, Columns: []Column{
		{Key: "age", Label: "Age of the baby"},
		{Key: "reached", Label: "Families whose baby reached this age", Numeric: true},
		{Key: "engaged", Label: "Still in the programme", Numeric: true},
		{Key: "percent", Label: "% still in the programme", Numeric: true},
	}}
	for _, r := range rows {
		t.Rows = append(t.Rows, []Cell{Label(ageLabel(r.Months)), Count(r.Reached), Count(r.Engaged), Percent(r.Engaged, r.Reached)})
	}
	return t
}

// ageLabel writes an age in months as people say it: "6 months", "1 year",
// "2 years".
func ageLabel(months int) string {
	switch {
	case months == 12:
		return "1 year"
	case months > 0 && months%12 == 0:
		return strconv.Itoa(months/12) + " years"
	case months == 1:
		return "1 month"
	}
	return strconv.Itoa(months) + " months"
}

func dateOf(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}
