package safeguarding

import (
	"fmt"
	"strings"
	"time"
	_ "time/tzdata" // Europe/London must load on machines without a zoneinfo database

	"github.com/cradle-org/cradle/internal/strictjson"
)

// dateLayout is how holidays are written: ISO 8601 calendar dates.
const dateLayout = "2006-01-02"

// Clock is a time of day, in a WorkingTime's location.
type Clock struct{ Hour, Minute int }

// String returns the clock as "09:00".
func (c Clock) String() string { return fmt.Sprintf("%02d:%02d", c.Hour, c.Minute) }

func (c Clock) valid() bool { return c.Hour >= 0 && c.Hour <= 23 && c.Minute >= 0 && c.Minute <= 59 }

func (c Clock) minutes() int { return c.Hour*60 + c.Minute }

// parseClock reads exactly "HH:MM" on the 24-hour clock, so that "9:00" or
// "5pm" is refused rather than guessed at.
func parseClock(s string) (Clock, bool) {
	if len(s) != 5 || s[2] != ':' {
		return Clock{}, false
	}
	for _, i := range []int{0, 1, 3, 4} {
		if s[i] < '0' || s[i] > '9' {
			return Clock{}, false
		}
	}
	c := Clock{Hour: int(s[0]-'0')*10 + int(s[1]-'0'), Minute: int(s[3]-'0')*10 + int(s[4]-'0')}
	return c, c.valid()
}

// WorkingTime says when Designated Safeguarding Leads are at work, which sets
// when a decision on a concern is due. Build one with DefaultWorkingTime or
// ParseWorkingTime; a WorkingTime built in code should pass Validate.
type WorkingTime struct {
	Location   *time.Location  // where the working day is reckoned; nil means UTC
	Start, End Clock           // the working day, Start before End, on the same day
	Days       []time.Weekday  // the working days of the week
	Holidays   map[string]bool // dates ("2026-12-25") that are not working days
}

// ConfigError names the working-time setting that is wrong and why. It is
// for operators, not shown to users.
type ConfigError struct {
	Field   string // e.g. "days[2]"
	Problem string
}

func (e *ConfigError) Error() string {
	return "working time: " + e.Field + ": " + e.Problem
}

// DefaultWorkingTime returns 09:00 to 17:00, Monday to Friday, in
// Europe/London, except the bank holidays in England and Wales listed in the
// embedded bank-holidays.json (2025 to 2028). It builds a new value on every
// call so callers cannot share and change one.
func DefaultWorkingTime() (WorkingTime, error) {
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		return WorkingTime{}, fmt.Errorf("working time: %w", err)
	}
	events, err := parseBankHolidays([]byte(bankHolidaysJSON))
	if err != nil {
		return WorkingTime{}, fmt.Errorf("working time: %w", err)
	}
	w := WorkingTime{
		Location: loc,
		Start:    Clock{9, 0},
		End:      Clock{17, 0},
		Days:     []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday},
		Holidays: make(map[string]bool, len(events)),
	}
	for _, e := range events {
		w.Holidays[e.Date] = true
	}
	return w, w.Validate()
}

// dayNames are the names ParseWorkingTime accepts, in time.Weekday order.
func dayNames() []string { return []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"} }

// ParseWorkingTime reads working time from JSON such as
//
//	{"timezone": "Europe/London", "start": "09:00", "end": "17:00",
//	 "days": ["mon", "tue", "wed", "thu", "fri"], "holidays": ["2026-12-25"]}
//
// Every key is required ("holidays" may be an empty list, but must be there
// so that leaving out bank holidays is a choice). Unknown keys, a key given
// twice, trailing data, times not written "HH:MM", day names other than "mon" to "sun",
// repeated days or holidays, and dates not written "YYYY-MM-DD" are refused.
func ParseWorkingTime(data []byte) (WorkingTime, error) {
	var raw struct {
		Timezone *string   `json:"timezone"`
		Start    *string   `json:"start"`
		End      *string   `json:"end"`
		Days     *[]string `json:"days"`
		Holidays *[]string `json:"holidays"`
	}
	if p := strictjson.Check(data); p != nil {
		return WorkingTime{}, &ConfigError{Field: p.Path(), Problem: p.Reason()}
	}
	if err := strictDecode(data, &raw); err != nil {
		return WorkingTime{}, fmt.Errorf("working time: %w", err)
	}
	bad := func(field, format string, args ...any) (WorkingTime, error) {
		return WorkingTime{}, &ConfigError{Field: field, Problem: fmt.Sprintf(format, args...)}
	}
	switch {
	case raw.Timezone == nil:
		return bad("timezone", "is required, for example \"Europe/London\"")
	case raw.Start == nil:
		return bad("start", "is required, for example \"09:00\"")
	case raw.End == nil:
		return bad("end", "is required, for example \"17:00\"")
	case raw.Days == nil:
		return bad("days", "is required, for example [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\"]")
	case raw.Holidays == nil:
		return bad("holidays", "is required; use [] for none")
	}
	var w WorkingTime
	tz := *raw.Timezone
	// "" would mean UTC and "Local" the server's zone: both hide the choice.
	if tz == "" || tz == "Local" {
		return bad("timezone", "must name a zone such as \"Europe/London\" or \"UTC\", not %q", tz)
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return bad("timezone", "%q is not a known time zone", tz)
	}
	w.Location = loc
	var ok bool
	if w.Start, ok = parseClock(*raw.Start); !ok {
		return bad("start", "%q is not a 24-hour time like \"09:00\"", *raw.Start)
	}
	if w.End, ok = parseClock(*raw.End); !ok {
		return bad("end", "%q is not a 24-hour time like \"17:00\"", *raw.End)
	}
	for i, name := range *raw.Days {
		day := -1
		for d, n := range dayNames() {
			if name == n {
				day = d
			}
		}
		if day < 0 {
			return bad(fmt.Sprintf("days[%d]", i), "%q is not one of %s", name, strings.Join(dayNames(), ", "))
		}
		w.Days = append(w.Days, time.Weekday(day))
	}
	w.Holidays = make(map[string]bool, len(*raw.Holidays))
	for i, h := range *raw.Holidays {
		if !validDate(h) {
			return bad(fmt.Sprintf("holidays[%d]", i), "%q is not a date like \"2026-12-25\"", h)
		}
		if w.Holidays[h] {
			return bad(fmt.Sprintf("holidays[%d]", i), "%s is listed more than once", h)
		}
		w.Holidays[h] = true
	}
	if err := w.Validate(); err != nil {
		return WorkingTime{}, err
	}
	return w, nil
}

// Validate checks a WorkingTime the way ParseWorkingTime does, returning the
// first problem as a *ConfigError.
func (w WorkingTime) Validate() error {
	bad := func(field, format string, args ...any) error {
		return &ConfigError{Field: field, Problem: fmt.Sprintf(format, args...)}
	}
	if w.Location == nil {
		return bad("timezone", "is required")
	}
	if !w.Start.valid() {
		return bad("start", "%d:%d is not a time of day", w.Start.Hour, w.Start.Minute)
	}
	if !w.End.valid() {
		return bad("end", "%d:%d is not a time of day", w.End.Hour, w.End.Minute)
	}
	if w.End.minutes() <= w.Start.minutes() {
		return bad("end", "%s must be after the start, %s, on the same day", w.End, w.Start)
	}
	if len(w.Days) == 0 {
		return bad("days", "must list at least one working day")
	}
	seen := map[time.Weekday]bool{}
	for i, d := range w.Days {
		if d < time.Sunday || d > time.Saturday {
			return bad(fmt.Sprintf("days[%d]", i), "%d is not a day of the week", int(d))
		}
		if seen[d] {
			return bad(fmt.Sprintf("days[%d]", i), "%s is listed more than once", dayNames()[d])
		}
		seen[d] = true
	}
	for h := range w.Holidays {
		if !validDate(h) {
			return bad("holidays", "%q is not a date like \"2026-12-25\"", h)
		}
	}
	return nil
}

// validDate reports whether s is a real date written exactly "YYYY-MM-DD".
func validDate(s string) bool {
	t, err := time.Parse(dateLayout, s)
	return err == nil && t.Format(dateLayout) == s
}

func (w WorkingTime) loc() *time.Location {
	if w.Location == nil {
		return time.UTC
	}
	return w.Location
}

// IsWorkingDay reports whether the date of t, in w.Location, is one of the
// working days and not a holiday.
func (w WorkingTime) IsWorkingDay(t time.Time) bool {
	t = t.In(w.loc())
	if w.Holidays[t.Format(dateLayout)] {
		return false
	}
	for _, d := range w.Days {
		if t.Weekday() == d {
			return true
		}
	}
	return false
}

// endOf returns End on the date of t (which must be in w.loc()). time.Date
// keeps the wall clock across a clock change, so End stays 17:00 local in
// both GMT and BST.
func (w WorkingTime) endOf(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), w.End.Hour, w.End.Minute, 0, 0, w.loc())
}

// DecisionDue returns when a decision on a concern raised at raised is due,
// in UTC. Working days are reckoned in w.Location:
//
//   - raised on a working day before End (including before Start): due at
//     End that day, so a concern raised early still gets the whole day;
//   - raised at End exactly or later, or on a day that is not a working day:
//     due at End on the next working day. End itself counts as after hours,
//     because nobody is left at work to decide.
//
// If w has no working day at all (which Validate refuses), the decision is
// due at once, so that a broken setting escalates rather than waits.
func (w WorkingTime) DecisionDue(raised time.Time) time.Time {
	local := raised.In(w.loc())
	if w.IsWorkingDay(local) {
		if end := w.endOf(local); raised.Before(end) {
			return end.UTC()
		}
	}
	// Each holiday can push a working weekday on by at most a week, so if
	// there is a working weekday, a working day comes within
	// 7*(len(Holidays)+1) days. Noon keeps the step clear of any clock change.
	for i := 1; i <= 7*(len(w.Holidays)+1); i++ {
		day := time.Date(local.Year(), local.Month(), local.Day()+i, 12, 0, 0, 0, w.loc())
		if w.IsWorkingDay(day) {
			return w.endOf(day).UTC()
		}
	}
	return raised.UTC()
}
