package casework

import (
	"strconv"
	"strings"
	"time"

	"github.com/cradle-org/cradle/internal/eligibility"
	"github.com/cradle-org/cradle/internal/problem"
)

// Appointment is a session booked with a parent: the day, the time of
// day they were told, how it will take place and, for one away from
// their home and the office, where. When and where a parent will be is
// kept with their confidential details: someone who knows it can find
// them, so it is read only by those who may see those details (the other
// parent's practitioner never sees that one was booked).
//
// What happened is recorded as a session, as it always was: a session
// recorded with the parent on an appointment's day is that appointment's
// (the store links the two), and an appointment past its day with no
// session is one still to record.
type Appointment struct {
	ID       int64
	FamilyID int64
	PersonID int64
	On       time.Time // the day
	At       string    // the time of day, "15:04"
	Mode     string    // Modes()
	Place    string    // where, when not at home or the office; may be ""
	BookedBy string
	// CancelledOn is when it was cancelled (zero while it stands), and
	// CancelReason why (CancelReasons()).
	CancelledOn  time.Time
	CancelReason string
	// SessionID is the session recorded for it (0 for none yet).
	SessionID int64
}

// AppointmentReach is how far ahead an appointment may be booked.
const AppointmentReach = 366 * 24 * time.Hour

// CancelReasons are why an appointment will not take place. A parent who
// does not come, or cancels on the day, is recorded as a session ("Did not
// attend", "Cancelled by the parent"), which the programme's figures count.
func CancelReasons() []Option {
	return []Option{{Value: "rearranged", Label: "Rearranged for another time"},
		{Value: "cancelled_by_parent", Label: "Cancelled by the parent in advance"},
		{Value: "cancelled_by_practitioner", Label: "Cancelled by the practitioner in advance"},
		{Value: "booked_in_error", Label: "Booked in error"}}
}

// Cancelled by Cradle, with the change that makes an appointment moot:
// those after the day a parent left the programme (or was recorded as
// joining later), and all of a family's still standing when its case
// closes.
const (
	CancelledLeft   = "left_programme"
	CancelledClosed = "case_closed"
)

// Validate checks a new appointment, cleaning it in place: a day from
// today to a year ahead, a time of day (written 9:30, 09:30, 9.30 or
// 0930, kept as 09:30), how it will take place, and where (optional).
func (a *Appointment) Validate(today time.Time) error {
	var fs problem.Fields
	a.checkWhen(&fs, today)
	switch {
	case a.Mode == "":
		fs.Add("appointment_mode", "Select how the appointment will take place")
	case !valid(Modes(), a.Mode):
		fs.Add("appointment_mode", "Select how the appointment will take place from the list")
	}
	fs.Text("appointment_place", "Where", &a.Place, 200, false)
	return fs.Err()
}

// ValidateMove checks an appointment's new day and time, when it is
// rearranged, as a new appointment's, cleaning the time in place.
func (a *Appointment) ValidateMove(today time.Time) error {
	var fs problem.Fields
	a.checkWhen(&fs, today)
	return fs.Err()
}

func (a *Appointment) checkWhen(fs *problem.Fields, today time.Time) {
	day, now := eligibility.DateOf(a.On), eligibility.DateOf(today)
	switch {
	case a.On.IsZero():
		fs.Add("appointment_on", "Enter the date of the appointment")
	case day.Before(now):
		fs.Add("appointment_on", "The date of the appointment must be today or in the future")
	case day.After(now.Add(AppointmentReach)):
		fs.Add("appointment_on", "The date of the appointment must be within a year, by "+now.Add(AppointmentReach).Format("2 January 2006"))
	}
	if strings.TrimSpace(a.At) == "" {
		fs.Add("appointment_at", "Enter the time of the appointment")
	} else if at, ok := TimeOfDay(a.At); ok {
		a.At = at
	} else {
		fs.Add("appointment_at", "Enter the time of the appointment as hours and minutes, for example 9:30 or 14:00")
	}
}

// TimeOfDay reads a time of day typed as 9:30, 09:30, 9.30 or 0930 (24
// hours; "am" and "pm" are not guessed at) and gives it as "09:30".
func TimeOfDay(s string) (string, bool) {
	s = strings.TrimSpace(s)
	var h, m string
	if i := strings.IndexAny(s, ":."); i >= 0 {
		h, m = s[:i], s[i+1:]
	} else if len(s) == 4 {
		h, m = s[:2], s[2:]
	} else {
		return "", false
	}
	if len(h) < 1 || len(h) > 2 || len(m) != 2 {
		return "", false
	}
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || hh < 0 || hh > 23 || mm < 0 || mm > 59 || strings.ContainsAny(h+m, "+-") {
		return "", false
	}
	return time.Date(2000, 1, 1, hh, mm, 0, 0, time.UTC).Format("15:04"), true
}

// CheckCancel checks why an appointment is cancelled.
func CheckCancel(reason string) error {
	var fs problem.Fields
	switch {
	case reason == "":
		fs.Add("cancel_reason", "Select why the appointment is cancelled")
	case !valid(CancelReasons(), reason):
		fs.Add("cancel_reason", "Select why the appointment is cancelled from the list")
	}
	return fs.Err()
}

// Standing reports whether the appointment is still to take place or to
// be recorded: not cancelled, and no session recorded for it.
func (a Appointment) Standing() bool { return a.CancelledOn.IsZero() && a.SessionID == 0 }

// ToRecord reports whether the appointment's day has passed with no
// session recorded for it (nor it cancelled): what happened is still to
// be recorded.
func (a Appointment) ToRecord(today time.Time) bool {
	return a.Standing() && eligibility.DateOf(a.On).Before(eligibility.DateOf(today))
}
