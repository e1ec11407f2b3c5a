package timeline

import (
	"fmt"
	"time"

	"github.com/cradle-org/cradle/internal/eligibility"
)

// AgeString is a baby's age on today for the family page, counted the way
// health visitors do: days in the first week, weeks until 3 months ("11
// weeks"), months until the first birthday ("5 months"), then years and
// months ("1 year 2 months", "2 years"). Whole months follow DateAtMonths,
// so the age ticks over on the same day as the monthly milestones. A day
// before the birth gives "not born yet".
func AgeString(dob, today time.Time) string {
	days := eligibility.DaysBetween(dob, today)
	if days < 0 {
		return "not born yet"
	}
	months := wholeMonths(dob, today)
	switch {
	case days == 0:
		return "born today"
	case days < 7:
		return plural(days, "day")
	case months < 3:
		return plural(days/7, "week")
	case months < 12:
		return plural(months, "month")
	case months%12 == 0:
		return plural(months/12, "year")
	}
	return plural(months/12, "year") + " " + plural(months%12, "month")
}

// WholeMonths is a child's age in completed months on a day (0 before the
// birth): the largest n with DateAtMonths(dob, n) on or before today. Every
// age in months in Cradle (ASQ intervals, extracts, the age shown) uses it,
// so they agree at month ends and on 29 February.
func WholeMonths(dob, today time.Time) int {
	return max(wholeMonths(dob, today), 0)
}

// wholeMonths is the number of whole months from dob to today (today not
// before dob): the largest n with DateAtMonths(dob, n) on or before today.
func wholeMonths(dob, today time.Time) int {
	d, t := eligibility.DateOf(dob), eligibility.DateOf(today)
	n := (t.Year()-d.Year())*12 + int(t.Month()) - int(d.Month())
	// The calendar count can be one too many (the day of the month has not
	// come round yet, or a 29 February birthday falls on 1 March).
	for n > 0 && DateAtMonths(d, n).After(t) {
		n--
	}
	return n
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}
