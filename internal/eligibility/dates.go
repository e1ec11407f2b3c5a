package eligibility

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// termDays is the length of a pregnancy by dates: 40+0 weeks falls on the EDD.
const termDays = 280

// DateOf returns t's calendar date, in t's own location, at 00:00 UTC. Every
// function here works on DateOf its arguments, so the time of day and the
// time zone never shift a date.
func DateOf(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// DaysBetween is the number of calendar days from one date to another:
// positive when to is later.
func DaysBetween(from, to time.Time) int {
	// Unix seconds rather than time.Duration, which overflows after 292 years.
	return int((DateOf(to).Unix() - DateOf(from).Unix()) / 86400)
}

// FormatDate writes a date the GOV.UK way: "5 March 2027".
func FormatDate(t time.Time) string {
	return DateOf(t).Format("2 January 2006")
}

// Gestation is a stage of pregnancy in completed weeks and days.
type Gestation struct{ Weeks, Days int }

// String writes the gestation the clinical way: "28+0".
func (g Gestation) String() string { return fmt.Sprintf("%d+%d", g.Weeks, g.Days) }

// InDays is the gestation as a number of days, for comparing.
func (g Gestation) InDays() int { return g.Weeks*7 + g.Days }

// GestationOn is the gestation on day for a pregnancy due on edd: 40+0 on the
// EDD, 0+0 280 days before it. Earlier days clamp to 0+0; days after the EDD
// keep counting (41+3), because a baby may be born after its due date.
func GestationOn(edd, day time.Time) Gestation {
	d := termDays - DaysBetween(day, edd)
	if d < 0 {
		d = 0
	}
	return Gestation{Weeks: d / 7, Days: d % 7}
}

// DateAtGestation is the date on which a pregnancy due on edd reaches
// weeks+days, such as the programme start date at 28+0.
func DateAtGestation(edd time.Time, weeks, days int) time.Time {
	return DateOf(edd).AddDate(0, 0, weeks*7+days-termDays)
}

// AgeOn is a person's age in whole years on day. A person turns a year older
// on their birthday; someone born on 29 February has their birthday on
// 1 March in other years, as in UK law. Days before the birth give 0.
func AgeOn(dob, day time.Time) int {
	by, bm, bd := dob.Date()
	y, m, d := day.Date()
	age := y - by
	// Comparing (month, day) gives the 1 March rule for free: in a common
	// year, 28 February is before (2, 29) and 1 March is after it.
	if m < bm || (m == bm && d < bd) {
		age--
	}
	if age < 0 {
		return 0
	}
	return age
}

// DateAtAge is the date on which a person born on dob turns years old,
// 1 March for a 29 February birthday in a common year.
func DateAtAge(dob time.Time, years int) time.Time {
	// AddDate normalises 29 February in a common year to 1 March.
	return DateOf(dob).AddDate(years, 0, 0)
}

// DateError is a date problem worded for the person filling in the form.
type DateError struct {
	// Fields are the boxes to highlight: "day", "month", "year". Empty means
	// the whole date.
	Fields []string
	// Message is plain English in GOV.UK style, ready to show.
	Message string
}

func (e *DateError) Error() string { return "invalid date: " + e.Message }

// Highlights reports whether the form should highlight the box part ("day",
// "month" or "year").
func (e *DateError) Highlights(part string) bool {
	if len(e.Fields) == 0 {
		return true
	}
	for _, f := range e.Fields {
		if f == part {
			return true
		}
	}
	return false
}

// CheckEDD checks a due date typed on a referral form. A baby already born
// is asked about separately, so a due date before today is an error here.
func CheckEDD(edd, today time.Time, cfg Config) error {
	if edd.IsZero() {
		return &DateError{Message: "Enter the due date"}
	}
	ahead := DaysBetween(today, edd)
	if ahead < 0 {
		return &DateError{Message: "The due date must be today or in the future"}
	}
	if ahead > cfg.MaxEDDAheadWeeks*7 {
		return &DateError{Message: fmt.Sprintf("The due date must be within %d weeks from today", cfg.MaxEDDAheadWeeks)}
	}
	return nil
}

// ParseDate reads a GOV.UK date input (day, month and year boxes). Messages
// call it "Date"; use ParseDateFor to name it ("Due date").
func ParseDate(day, month, year string) (time.Time, error) {
	return ParseDateFor("Date", day, month, year)
}

// ParseDateFor reads a GOV.UK date input, naming the date in its messages as
// label, such as "Date of birth". It trims spaces, accepts a day and month
// of one or two digits, a month name or abbreviation ("jan", "January"), and
// a four-digit year. Errors are *DateError, following the GOV.UK date input
// pattern's order: nothing entered, parts missing, parts not real, year not
// four numbers, then a day past the month's end.
func ParseDateFor(label, day, month, year string) (time.Time, error) {
	label = strings.TrimSpace(label)
	if label == "" {
		label = "Date"
	}
	day, month, year = strings.TrimSpace(day), strings.TrimSpace(month), strings.TrimSpace(year)

	var missing []string
	for _, p := range []struct{ name, value string }{{"day", day}, {"month", month}, {"year", year}} {
		if p.value == "" {
			missing = append(missing, p.name)
		}
	}
	switch len(missing) {
	case 3:
		return time.Time{}, &DateError{Message: "Enter the " + lowerFirst(label)}
	case 2:
		return time.Time{}, &DateError{Fields: missing, Message: label + " must include a " + missing[0] + " and " + missing[1]}
	case 1:
		return time.Time{}, &DateError{Fields: missing, Message: label + " must include a " + missing[0]}
	}

	notReal := func(fields ...string) error {
		return &DateError{Fields: fields, Message: label + " must be a real date"}
	}
	d, dayOK := digits(day, 2)
	dayOK = dayOK && d >= 1 && d <= 31
	m, monthOK := parseMonth(month)
	y, yearDigits := digits(year, 4)
	yearOK := yearDigits && len(year) == 4 && y >= 1000

	var wrong []string
	if !dayOK {
		wrong = append(wrong, "day")
	}
	if !monthOK {
		wrong = append(wrong, "month")
	}
	if len(wrong) > 0 {
		if !yearOK {
			wrong = append(wrong, "year")
		}
		return time.Time{}, notReal(wrong...)
	}
	if !yearOK {
		if allDigits(year) && len(year) != 4 {
			return time.Time{}, &DateError{Fields: []string{"year"}, Message: "Year must include 4 numbers"}
		}
		return time.Time{}, notReal("year")
	}
	if d > daysIn(m, y) {
		return time.Time{}, notReal("day")
	}
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC), nil
}

// digits parses 1 to max ASCII digits; strconv.Atoi alone would accept signs.
func digits(s string, max int) (int, bool) {
	if len(s) == 0 || len(s) > max || !allDigits(s) {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// parseMonth accepts 1–12 or a month's name or abbreviation, as GOV.UK
// recommends, because people type "Jan" or "sept".
func parseMonth(s string) (time.Month, bool) {
	if n, ok := digits(s, 2); ok {
		return time.Month(n), n >= 1 && n <= 12
	}
	s = strings.ToLower(strings.TrimSuffix(s, "."))
	if s == "sept" {
		return time.September, true
	}
	for m := time.January; m <= time.December; m++ {
		name := strings.ToLower(m.String())
		if s == name || s == name[:3] {
			return m, true
		}
	}
	return 0, false
}

func daysIn(m time.Month, y int) int {
	// Day 0 of the next month is the last day of this one.
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// lowerFirst lower-cases a label's first letter for use mid-sentence, but
// leaves an acronym such as "NHS" alone.
func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	if next, _ := utf8.DecodeRuneInString(s[n:]); unicode.IsUpper(next) {
		return s
	}
	return string(unicode.ToLower(r)) + s[n:]
}
