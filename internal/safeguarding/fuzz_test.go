package safeguarding

import (
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/strictjson"
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

// FuzzParseWorkingTime feeds arbitrary bytes to ParseWorkingTime with a
// moment a concern is raised. A refusal is an error with a message and a
// zero WorkingTime; an accepted setting validates, names no key twice,
// reads back from its own JSON, and puts every decision at the end of a
// working day after the concern was raised.
func FuzzParseWorkingTime(f *testing.F) {
	raised := time.Date(2026, 3, 29, 0, 30, 0, 0, time.UTC).Unix()
	for _, s := range []string{
		`{"timezone": "Europe/London", "start": "09:00", "end": "17:00", "days": ["mon", "tue", "wed", "thu", "fri"], "holidays": ["2026-12-25"]}`,
		`{"timezone": "UTC", "start": "00:00", "end": "23:59", "days": ["sun", "sat"], "holidays": []}`,
		`{"timezone": "Europe/London", "start": "00:00", "end": "01:30", "days": ["sun"], "holidays": ["2026-03-22"]}`,
		`{"timezone": "America/Havana", "start": "00:00", "end": "00:30", "days": ["sun", "mon"], "holidays": []}`,
		`{"timezone": "Local", "start": "09:00", "end": "17:00", "days": ["mon"], "holidays": []}`,
		`{"timezone": "Europe/London", "start": "9:00", "end": "17:00", "days": ["mon"], "holidays": []}`,
		`{"timezone": "Europe/London", "start": "17:00", "end": "09:00", "days": ["mon"], "holidays": []}`,
		`{"timezone": "Europe/London", "start": "09:00", "end": "17:00", "days": ["mon", "mon"], "holidays": []}`,
		`{"timezone": "Europe/London", "start": "09:00", "end": "17:00", "days": [], "holidays": []}`,
		`{"timezone": "Europe/London", "start": "09:00", "end": "17:00", "days": ["mon"], "holidays": ["2026-02-30"]}`,
		`{"timezone": "Europe/London", "start": "09:00", "end": "17:00", "days": ["mon"], "holidays": ["2026-12-25", "2026-12-25"]}`,
		`{"timezone": "Europe/London", "start": "09:00", "end": "17:00", "days": ["mon"]}`,
		`{"timezone": "Europe/London", "start": "09:00", "end": "17:00", "days": ["mon"], "holidays": [], "Start": "10:00"}`,
		`{"timezone": "../../etc/passwd", "start": "09:00", "end": "17:00", "days": ["mon"], "holidays": []}`,
		`{} {}`, `null`, ``, `[]`,
	} {
		f.Add([]byte(s), raised)
	}
	f.Fuzz(func(t *testing.T, data []byte, raisedSec int64) {
		w, err := ParseWorkingTime(data)
		if err != nil {
			if err.Error() == "" || w.Location != nil || w.Days != nil || w.Holidays != nil || w.Start != (Clock{}) || w.End != (Clock{}) {
				t.Fatalf("refused with %q but returned %+v", err, w)
			}
			var ce *ConfigError
			if errors.As(err, &ce) && (ce.Field == "" || ce.Problem == "") {
				t.Fatalf("config error without a field or problem: %#v", ce)
			}
			return
		}
		if err := w.Validate(); err != nil {
			t.Fatalf("parsed but does not validate: %v", err)
		}
		if p := strictjson.Check(data); p != nil {
			t.Fatalf("accepted a setting that names %q twice (or nests too deeply)", p.Field)
		}
		// Written back in the file's own terms, it reads back the same.
		days := []string{}
		for _, d := range w.Days {
			days = append(days, dayNames()[d])
		}
		holidays := slices.Sorted(maps.Keys(w.Holidays))
		if holidays == nil {
			holidays = []string{}
		}
		out, err := json.Marshal(map[string]any{"timezone": w.Location.String(), "start": w.Start.String(),
			"end": w.End.String(), "days": days, "holidays": holidays})
		if err != nil {
			t.Fatal(err)
		}
		again, err := ParseWorkingTime(out)
		if err != nil || again.Location.String() != w.Location.String() || again.Start != w.Start || again.End != w.End ||
			!slices.Equal(again.Days, w.Days) || !maps.Equal(again.Holidays, w.Holidays) {
			t.Fatalf("round trip of %s: %v, %+v", out, err, again)
		}

		// Within 10,000 years of 1970, where calendars make sense.
		raised := time.Unix(raisedSec%(10000*366*86400), 0)
		due := w.DecisionDue(raised)
		l := due.In(w.Location)
		end := time.Date(l.Year(), l.Month(), l.Day(), w.End.Hour, w.End.Minute, 0, 0, w.Location)
		if !due.After(raised) || !due.Equal(end) || !w.IsWorkingDay(l) {
			t.Fatalf("DecisionDue(%v) = %v (%v local) with %s", raised, due, l, data)
		}
	})
}
