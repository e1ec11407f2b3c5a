package safeguarding

import (
	"strconv"
	"time"
)

// EscalationInterval is how often an overdue decision escalates.
const EscalationInterval = time.Hour

// MaxListedEscalations caps Escalations, so that a concern left for weeks
// cannot make a page or an export enormous.
const MaxListedEscalations = 200

// interval returns every, or EscalationInterval when every is not positive,
// so that a bad setting never silences escalation.
func interval(every time.Duration) time.Duration {
	if every <= 0 {
		return EscalationInterval
	}
	return every
}

// latestStep returns k, the number of whole intervals from due to now, so
// that due+k*every is the latest escalation time at or before now. It is 0
// when now is before due+every. k*every never exceeds now-due, so due+k*every
// cannot overflow. For instants more than 292 years apart time.Time.Sub
// saturates and k is too small: the result is then still on the schedule
// and not after now, just not the latest, which no real concern can reach.
func latestStep(due, now time.Time, every time.Duration) int64 {
	d := now.Sub(due)
	if d < every {
		return 0
	}
	return int64(d / every)
}

// Escalations lists the escalation times of an undecided concern: due+every,
// due+2*every, … up to and including now, in order. These are the times on
// the schedule, not the reminders sent (see NextEscalation, which skips
// missed times). Only the latest MaxListedEscalations are returned. A
// non-positive every means EscalationInterval.
func Escalations(due, now time.Time, every time.Duration) []time.Time {
	every = interval(every)
	k := latestStep(due, now, every)
	first := int64(1)
	if k > MaxListedEscalations {
		first = k - MaxListedEscalations + 1
	}
	var out []time.Time
	for i := first; i <= k; i++ {
		out = append(out, due.Add(time.Duration(i)*every).UTC())
	}
	return out
}

// NextEscalation says whether an undecided concern should escalate now, and
// for which scheduled time. The schedule is due+every, due+2*every, …; a
// non-positive every means EscalationInterval.
//
// lastSent is the scheduled time the caller last processed (the value this
// function returned), not the clock time it sent the reminder; the zero time
// means none yet. It returns the latest scheduled time that is strictly after
// lastSent and at or before now, with ok true; ok is false when no such time
// has come.
//
// The caller stores the returned time as its new lastSent in the same
// transaction as the reminder, so that after a restart, or with several
// instances racing, each scheduled time is processed at most once and none
// is skipped for good.
//
// Catch-up: if several scheduled times were missed (the service was down),
// only the latest is returned, so the leads get ONE reminder rather than a
// burst of stale ones, and the schedule carries on from there. For example,
// with due at 17:00 and lastSent 18:00, at 22:10 it returns 22:00, not
// 19:00, 20:00, 21:00 and 22:00.
//
// The result is always on the schedule, after due, not after now, and after
// lastSent; it is in UTC.
func NextEscalation(due, lastSent, now time.Time, every time.Duration) (at time.Time, ok bool) {
	every = interval(every)
	k := latestStep(due, now, every)
	if k < 1 {
		return time.Time{}, false
	}
	at = due.Add(time.Duration(k) * every)
	// Equal means this time was already processed; a lastSent after now
	// (another instance's clock running ahead) is also "already done".
	if !lastSent.IsZero() && !at.After(lastSent) {
		return time.Time{}, false
	}
	return at.UTC(), true
}

// Overdue reports whether a decision due at due is late at now. A decision
// made at the due time itself is on time.
func Overdue(due, now time.Time) bool {
	return now.After(due)
}

// AgeString says how long ago a concern was raised, for lists: "less than a
// minute", "1 minute", "35 minutes", "3 hours", "2 days". Each unit is
// rounded down, and a day is 24 hours. A raised time in the future (clocks
// out of step) reads as "less than a minute".
func AgeString(raised, now time.Time) string {
	d := now.Sub(raised)
	switch {
	case d < time.Minute:
		return "less than a minute"
	case d < time.Hour:
		return plural(int64(d/time.Minute), "minute")
	case d < 24*time.Hour:
		return plural(int64(d/time.Hour), "hour")
	default:
		return plural(int64(d/(24*time.Hour)), "day")
	}
}

func plural(n int64, unit string) string {
	s := strconv.FormatInt(n, 10) + " " + unit
	if n != 1 {
		s += "s"
	}
	return s
}
