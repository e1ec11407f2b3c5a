package safeguarding

import (
	"testing"
	"time"
)

func FuzzNextEscalation(f *testing.F) {
	due := time.Date(2026, 1, 12, 17, 0, 0, 0, time.UTC)
	h := int64(time.Hour)
	f.Add(due.UnixNano(), int64(0), false, int64(0), h)
	f.Add(due.UnixNano(), h, true, 5*h+10*int64(time.Minute), h)
	f.Add(due.UnixNano(), 5*h, true, 5*h, h)
	f.Add(due.UnixNano(), int64(-1), true, h, int64(0))
	f.Add(int64(-1<<62), int64(1<<62), true, int64(1<<62), int64(1))
	f.Add(int64(1<<62), int64(0), false, int64(-1<<62), int64(-5))
	f.Fuzz(func(t *testing.T, dueNano, lastOffset int64, hasLast bool, nowOffset, everyNano int64) {
		// Offsets are added as seconds too, so the fuzzer reaches instants
		// centuries apart, where time.Time.Sub saturates.
		due := time.Unix(0, dueNano).UTC()
		now := due.Add(time.Duration(nowOffset)).Add(time.Duration(nowOffset%1000) * 100000 * time.Hour)
		var last time.Time
		if hasLast {
			last = due.Add(time.Duration(lastOffset))
		}
		every := time.Duration(everyNano)
		at, ok := NextEscalation(due, last, now, every)
		if !ok {
			if !at.IsZero() {
				t.Fatalf("ok false with time %v", at)
			}
			return
		}
		step := every
		if step <= 0 {
			step = EscalationInterval
		}
		switch {
		case !at.After(due):
			t.Fatalf("at %v not after due %v", at, due)
		case at.After(now):
			t.Fatalf("at %v after now %v", at, now)
		case hasLast && !at.After(last):
			t.Fatalf("at %v not after lastSent %v: a repeat", at, last)
		case at.Sub(due)%step != 0:
			t.Fatalf("at %v is off the grid from %v every %v", at, due, step)
		case now.Sub(due) < time.Duration(1<<63-1) && now.Sub(at) >= step:
			// Only checked within time.Duration's 292 years: beyond that
			// Sub saturates, and an earlier time on the grid is returned.
			t.Fatalf("at %v is not the latest time before now %v", at, now)
		}
		if again, ok := NextEscalation(due, at, now, every); ok {
			t.Fatalf("after recording %v, got %v again", at, again)
		}
	})
}

func FuzzDecisionDue(f *testing.F) {
	f.Add(int64(0))
	f.Add(time.Date(2026, 12, 24, 18, 0, 0, 0, time.UTC).Unix())
	f.Add(int64(-1 << 40))
	f.Add(int64(1 << 40))
	w, err := DefaultWorkingTime()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, sec int64) {
		// Within 10,000 years of 1970, where calendars make sense.
		raised := time.Unix(sec%(10000*366*86400), 0)
		due := w.DecisionDue(raised)
		l := due.In(w.Location)
		if !due.After(raised) || l.Hour() != 17 || l.Minute() != 0 || !w.IsWorkingDay(l) {
			t.Fatalf("DecisionDue(%v) = %v", raised, l)
		}
	})
}
