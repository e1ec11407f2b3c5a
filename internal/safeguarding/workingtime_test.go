package safeguarding

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func defaultWT(t *testing.T) WorkingTime {
	t.Helper()
	w, err := DefaultWorkingTime()
	if err != nil {
		t.Fatalf("DefaultWorkingTime: %v", err)
	}
	return w
}

func london(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestDefaultWorkingTime(t *testing.T) {
	w := defaultWT(t)
	if w.Location.String() != "Europe/London" {
		t.Errorf("Location = %v", w.Location)
	}
	if w.Start != (Clock{9, 0}) || w.End != (Clock{17, 0}) {
		t.Errorf("hours = %v to %v, want 09:00 to 17:00", w.Start, w.End)
	}
	want := []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}
	if len(w.Days) != len(want) {
		t.Fatalf("Days = %v, want %v", w.Days, want)
	}
	for i := range want {
		if w.Days[i] != want[i] {
			t.Errorf("Days = %v, want %v", w.Days, want)
		}
	}
	if len(w.Holidays) != 32 {
		t.Errorf("got %d holidays, want 32 (8 a year for 2025 to 2028)", len(w.Holidays))
	}
	// Each call builds its own value, so one caller's change cannot leak.
	w.Holidays["2026-06-01"] = true
	w.Days[0] = time.Sunday
	if w2 := defaultWT(t); w2.Holidays["2026-06-01"] || w2.Days[0] != time.Monday {
		t.Error("DefaultWorkingTime shares state between calls")
	}
}

func TestClockString(t *testing.T) {
	for c, want := range map[Clock]string{{9, 0}: "09:00", {17, 30}: "17:30", {0, 5}: "00:05", {23, 59}: "23:59"} {
		if got := c.String(); got != want {
			t.Errorf("%#v.String() = %q, want %q", c, got, want)
		}
	}
}

func TestIsWorkingDay(t *testing.T) {
	w := defaultWT(t)
	lon := london(t)
	tests := []struct {
		name string
		at   time.Time
		want bool
	}{
		{"Monday", time.Date(2026, 1, 12, 10, 0, 0, 0, lon), true},
		{"Friday", time.Date(2026, 1, 16, 10, 0, 0, 0, lon), true},
		{"Saturday", time.Date(2026, 1, 17, 10, 0, 0, 0, lon), false},
		{"Sunday", time.Date(2026, 1, 18, 10, 0, 0, 0, lon), false},
		{"Christmas Day 2026", time.Date(2026, 12, 25, 10, 0, 0, 0, lon), false},
		{"Boxing Day substitute 2026", time.Date(2026, 12, 28, 10, 0, 0, 0, lon), false},
		{"29 December 2026", time.Date(2026, 12, 29, 10, 0, 0, 0, lon), true},
		{"Good Friday 2027", time.Date(2027, 3, 26, 10, 0, 0, 0, lon), false},
		{"Easter Monday 2027", time.Date(2027, 3, 29, 10, 0, 0, 0, lon), false},
		// 23:30 UTC on Monday 15 June 2026 is 00:30 BST on Tuesday.
		{"date taken in London, not UTC", time.Date(2026, 6, 15, 23, 30, 0, 0, time.UTC), true},
		// 23:30 UTC on Friday 19 June 2026 is 00:30 BST on Saturday.
		{"UTC Friday is London Saturday", time.Date(2026, 6, 19, 23, 30, 0, 0, time.UTC), false},
		// 23:30 UTC on Thursday 24 December 2026 is also 23:30 GMT: a working day.
		{"GMT matches UTC in winter", time.Date(2026, 12, 24, 23, 30, 0, 0, time.UTC), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := w.IsWorkingDay(tt.at); got != tt.want {
				t.Errorf("IsWorkingDay(%v) = %v, want %v", tt.at, got, tt.want)
			}
		})
	}
}

func TestDecisionDue(t *testing.T) {
	w := defaultWT(t)
	lon := london(t)
	at := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, lon) }
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		raised time.Time
		want   time.Time
	}{
		// 12 January 2026 is a Monday.
		{"Monday morning", at(2026, 1, 12, 10, 0), at(2026, 1, 12, 17, 0)},
		{"Monday 16:59", at(2026, 1, 12, 16, 59), at(2026, 1, 12, 17, 0)},
		{"last nanosecond before End", at(2026, 1, 12, 16, 59).Add(time.Minute - 1), at(2026, 1, 12, 17, 0)},
		{"at End counts as after hours", at(2026, 1, 12, 17, 0), at(2026, 1, 13, 17, 0)},
		{"Monday evening", at(2026, 1, 12, 21, 45), at(2026, 1, 13, 17, 0)},
		{"before Start is due the same day", at(2026, 1, 12, 7, 30), at(2026, 1, 12, 17, 0)},
		{"just after midnight", at(2026, 1, 12, 0, 1), at(2026, 1, 12, 17, 0)},
		{"at Start", at(2026, 1, 12, 9, 0), at(2026, 1, 12, 17, 0)},
		{"Friday evening", at(2026, 1, 16, 18, 0), at(2026, 1, 19, 17, 0)},
		{"Saturday", at(2026, 1, 17, 11, 0), at(2026, 1, 19, 17, 0)},
		{"Sunday night", at(2026, 1, 18, 23, 59), at(2026, 1, 19, 17, 0)},
		// 25 December 2026 is a Friday; Boxing Day is substituted to Monday 28th.
		{"Christmas Eve 2026 evening", at(2026, 12, 24, 18, 0), at(2026, 12, 29, 17, 0)},
		{"Christmas Eve 2026 afternoon", at(2026, 12, 24, 15, 0), at(2026, 12, 24, 17, 0)},
		{"Christmas Day 2026", at(2026, 12, 25, 10, 0), at(2026, 12, 29, 17, 0)},
		// 2027: Christmas and Boxing Day fall at the weekend, substituted to
		// Monday 27 and Tuesday 28; New Year's Day 2028 is a Saturday,
		// substituted to Monday 3 January.
		{"Christmas Eve 2027 at End", at(2027, 12, 24, 17, 0), at(2027, 12, 29, 17, 0)},
		{"New Year's Eve 2027", at(2027, 12, 31, 18, 0), at(2028, 1, 4, 17, 0)},
		// Clocks go forward on Sunday 29 March 2026: Friday is GMT, Monday BST.
		{"over the spring clock change", at(2026, 3, 27, 18, 0), at(2026, 3, 30, 17, 0)},
		{"on the spring clock change night", at(2026, 3, 29, 1, 30), at(2026, 3, 30, 17, 0)},
		// Clocks go back on Sunday 25 October 2026: Friday is BST, Monday GMT.
		{"over the autumn clock change", at(2026, 10, 23, 18, 0), at(2026, 10, 26, 17, 0)},
		{"in the repeated autumn hour", time.Date(2026, 10, 25, 0, 30, 0, 0, time.UTC), at(2026, 10, 26, 17, 0)},
		// Easter 2027: Good Friday 26 March, Easter Monday 29 March; the clocks
		// also go forward on Easter Sunday, 28 March.
		{"Easter 2027, Thursday evening", at(2027, 3, 25, 17, 30), at(2027, 3, 30, 17, 0)},
		{"Easter 2027, Thursday afternoon", at(2027, 3, 25, 16, 0), at(2027, 3, 25, 17, 0)},
		{"Good Friday 2027", at(2027, 3, 26, 9, 0), at(2027, 3, 30, 17, 0)},
		// 16:30 UTC on Monday 15 June 2026 is 17:30 BST: after hours in London.
		{"UTC time judged in London (BST)", time.Date(2026, 6, 15, 16, 30, 0, 0, time.UTC), at(2026, 6, 16, 17, 0)},
		{"UTC time in winter (GMT)", time.Date(2026, 1, 12, 16, 30, 0, 0, time.UTC), at(2026, 1, 12, 17, 0)},
		// 11:30 in New York on Monday 12 January 2026 is 16:30 in London.
		{"raised time in another zone", time.Date(2026, 1, 12, 11, 30, 0, 0, ny), at(2026, 1, 12, 17, 0)},
		{"raised time in another zone, after End in London", time.Date(2026, 1, 12, 12, 30, 0, 0, ny), at(2026, 1, 13, 17, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := w.DecisionDue(tt.raised)
			if !got.Equal(tt.want) {
				t.Errorf("DecisionDue(%v) = %v, want %v", tt.raised, got.In(lon), tt.want)
			}
			if got.Location() != time.UTC {
				t.Errorf("DecisionDue returned %v, want UTC", got.Location())
			}
			if l := got.In(lon); l.Hour() != 17 || l.Minute() != 0 || !w.IsWorkingDay(l) {
				t.Errorf("DecisionDue = %v, want 17:00 on a working day in London", l)
			}
		})
	}
}

func TestDecisionDueStaysAt17Local(t *testing.T) {
	// Every day in 2025 to 2028, raised at 08:00: due 17:00 London time, in
	// GMT and BST alike, never before the raised time and never more than a
	// fortnight later.
	w := defaultWT(t)
	lon := london(t)
	for d := time.Date(2025, 1, 1, 8, 0, 0, 0, lon); d.Year() < 2029; d = d.AddDate(0, 0, 1) {
		due := w.DecisionDue(d)
		l := due.In(lon)
		if l.Hour() != 17 || l.Minute() != 0 || !w.IsWorkingDay(l) || !due.After(d) || due.Sub(d) > 14*24*time.Hour {
			t.Fatalf("DecisionDue(%v) = %v", d, l)
		}
		if w.IsWorkingDay(d) && l.Day() != d.Day() {
			t.Fatalf("DecisionDue(%v) = %v, want the same day", d, l)
		}
	}
}

func TestDecisionDueCustom(t *testing.T) {
	lon := london(t)
	at := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, lon) }
	saturdays := WorkingTime{Location: lon, Start: Clock{8, 30}, End: Clock{16, 30},
		Days: []time.Weekday{time.Saturday}, Holidays: map[string]bool{"2026-01-24": true, "2026-01-31": false}}
	tests := []struct {
		name   string
		w      WorkingTime
		raised time.Time
		want   time.Time
	}{
		{"custom End", saturdays, at(2026, 1, 17, 16, 29), at(2026, 1, 17, 16, 30)},
		{"after custom End", saturdays, at(2026, 1, 17, 16, 30), at(2026, 1, 31, 16, 30)},
		{"a false holiday entry is a working day", saturdays, at(2026, 1, 26, 10, 0), at(2026, 1, 31, 16, 30)},
		{"nil location means UTC", WorkingTime{Start: Clock{9, 0}, End: Clock{17, 0}, Days: []time.Weekday{time.Monday}},
			time.Date(2026, 6, 15, 16, 30, 0, 0, time.UTC), time.Date(2026, 6, 15, 17, 0, 0, 0, time.UTC)},
		// A setting with no working days would otherwise never be due:
		// due at once instead, so the concern escalates.
		{"no working days: due at once", WorkingTime{Location: lon, End: Clock{17, 0}}, at(2026, 1, 12, 10, 0), at(2026, 1, 12, 10, 0)},
		{"holidays on the only working weekday", WorkingTime{Location: lon, End: Clock{17, 0}, Days: []time.Weekday{time.Monday},
			Holidays: map[string]bool{"2026-01-19": true, "2026-01-26": true}}, at(2026, 1, 12, 18, 0), at(2026, 2, 2, 17, 0)},
		{"bad weekday only: due at once", WorkingTime{Location: lon, End: Clock{17, 0}, Days: []time.Weekday{9}}, at(2026, 1, 12, 10, 0), at(2026, 1, 12, 10, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.w.DecisionDue(tt.raised); !got.Equal(tt.want) || got.Location() != time.UTC {
				t.Errorf("DecisionDue(%v) = %v, want %v in UTC", tt.raised, got, tt.want)
			}
		})
	}
}

func TestParseWorkingTime(t *testing.T) {
	const good = `{"timezone":"Europe/London","start":"08:30","end":"16:00","days":["mon","tue","wed","thu","fri","sat"],"holidays":["2026-12-25","2026-12-28"]}`
	w, err := ParseWorkingTime([]byte(good))
	if err != nil {
		t.Fatalf("ParseWorkingTime(good) = %v", err)
	}
	if w.Location.String() != "Europe/London" || w.Start != (Clock{8, 30}) || w.End != (Clock{16, 0}) ||
		len(w.Days) != 6 || w.Days[5] != time.Saturday || len(w.Holidays) != 2 || !w.Holidays["2026-12-28"] {
		t.Errorf("ParseWorkingTime(good) = %+v", w)
	}
	lon := london(t)
	if got := w.DecisionDue(time.Date(2026, 12, 24, 16, 0, 0, 0, lon)); !got.Equal(time.Date(2026, 12, 26, 16, 0, 0, 0, lon)) {
		t.Errorf("DecisionDue with Saturday working = %v, want Saturday 26 December 16:00", got.In(lon))
	}

	if w, err := ParseWorkingTime([]byte(`{"timezone":"UTC","start":"00:00","end":"23:59","days":["sun"],"holidays":[]}`)); err != nil || len(w.Holidays) != 0 {
		t.Errorf("empty holidays: %+v, %v", w, err)
	}

	tests := []struct {
		name      string
		json      string
		wantField string // "" for a JSON syntax problem
		wantText  string
	}{
		{"not JSON", `timezone: Europe/London`, "", "invalid character"},
		{"empty input", ``, "", "EOF"},
		{"JSON array", `[]`, "", "cannot unmarshal"},
		{"trailing data", good + `{}`, "", "unexpected data"},
		{"unknown field", `{"timezone":"Europe/London","start":"09:00","end":"17:00","days":["mon"],"holidays":[],"lunch":"12:00"}`, "", "unknown field"},
		{"misspelt field", `{"timezone":"Europe/London","start":"09:00","end":"17:00","days":["mon"],"holiday":[]}`, "", "unknown field"},
		{"wrong type", `{"timezone":"Europe/London","start":9,"end":"17:00","days":["mon"],"holidays":[]}`, "", "cannot unmarshal"},
		{"no timezone", `{"start":"09:00","end":"17:00","days":["mon"],"holidays":[]}`, "timezone", "required"},
		{"null timezone", `{"timezone":null,"start":"09:00","end":"17:00","days":["mon"],"holidays":[]}`, "timezone", "required"},
		{"no start", `{"timezone":"Europe/London","end":"17:00","days":["mon"],"holidays":[]}`, "start", "required"},
		{"no end", `{"timezone":"Europe/London","start":"09:00","days":["mon"],"holidays":[]}`, "end", "required"},
		{"no days", `{"timezone":"Europe/London","start":"09:00","end":"17:00","holidays":[]}`, "days", "required"},
		{"no holidays", `{"timezone":"Europe/London","start":"09:00","end":"17:00","days":["mon"]}`, "holidays", "required"},
		{"empty timezone", `{"timezone":"","start":"09:00","end":"17:00","days":["mon"],"holidays":[]}`, "timezone", "must name a zone"},
		{"Local timezone", `{"timezone":"Local","start":"09:00","end":"17:00","days":["mon"],"holidays":[]}`, "timezone", "must name a zone"},
		{"unknown timezone", `{"timezone":"Mars/Olympus_Mons","start":"09:00","end":"17:00","days":["mon"],"holidays":[]}`, "timezone", "not a known time zone"},
		{"end before start", `{"timezone":"Europe/London","start":"17:00","end":"09:00","days":["mon"],"holidays":[]}`, "end", "must be after the start"},
		{"end equals start", `{"timezone":"Europe/London","start":"09:00","end":"09:00","days":["mon"],"holidays":[]}`, "end", "must be after the start"},
		{"one-digit hour", `{"timezone":"Europe/London","start":"9:00","end":"17:00","days":["mon"],"holidays":[]}`, "start", "24-hour time"},
		{"no colon", `{"timezone":"Europe/London","start":"0900","end":"17:00","days":["mon"],"holidays":[]}`, "start", "24-hour time"},
		{"pm", `{"timezone":"Europe/London","start":"09:00","end":"5pm","days":["mon"],"holidays":[]}`, "end", "24-hour time"},
		{"hour 24", `{"timezone":"Europe/London","start":"09:00","end":"24:00","days":["mon"],"holidays":[]}`, "end", "24-hour time"},
		{"minute 60", `{"timezone":"Europe/London","start":"09:60","end":"17:00","days":["mon"],"holidays":[]}`, "start", "24-hour time"},
		{"seconds", `{"timezone":"Europe/London","start":"09:00:00","end":"17:00","days":["mon"],"holidays":[]}`, "start", "24-hour time"},
		{"signed", `{"timezone":"Europe/London","start":"+9:00","end":"17:00","days":["mon"],"holidays":[]}`, "start", "24-hour time"},
		{"empty days", `{"timezone":"Europe/London","start":"09:00","end":"17:00","days":[],"holidays":[]}`, "days", "at least one"},
		{"full day name", `{"timezone":"Europe/London","start":"09:00","end":"17:00","days":["monday"],"holidays":[]}`, "days[0]", "not one of"},
		{"capitalised day", `{"timezone":"Europe/London","start":"09:00","end":"17:00","days":["mon","Tue"],"holidays":[]}`, "days[1]", "not one of"},
		{"made-up day", `{"timezone":"Europe/London","start":"09:00","end":"17:00","days":["funday"],"holidays":[]}`, "days[0]", "not one of"},
		{"repeated day", `{"timezone":"Europe/London","start":"09:00","end":"17:00","days":["mon","tue","mon"],"holidays":[]}`, "days[2]", "more than once"},
		{"bad holiday month", `{"timezone":"Europe/London","start":"09:00","end":"17:00","days":["mon"],"holidays":["2026-13-01"]}`, "holidays[0]", "not a date"},
		{"30 February", `{"timezone":"Europe/London","start":"09:00","end":"17:00","days":["mon"],"holidays":["2026-12-25","2026-02-30"]}`, "holidays[1]", "not a date"},
		{"short holiday date", `{"timezone":"Europe/London","start":"09:00","end":"17:00","days":["mon"],"holidays":["2026-2-1"]}`, "holidays[0]", "not a date"},
		{"UK-style holiday date", `{"timezone":"Europe/London","start":"09:00","end":"17:00","days":["mon"],"holidays":["25/12/2026"]}`, "holidays[0]", "not a date"},
		{"repeated holiday", `{"timezone":"Europe/London","start":"09:00","end":"17:00","days":["mon"],"holidays":["2026-12-25","2026-12-25"]}`, "holidays[1]", "more than once"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, err := ParseWorkingTime([]byte(tt.json))
			if err == nil {
				t.Fatalf("ParseWorkingTime = %+v, want an error", w)
			}
			if w.Location != nil || w.Days != nil || w.Holidays != nil {
				t.Errorf("ParseWorkingTime returned a partial value %+v with its error", w)
			}
			var ce *ConfigError
			if tt.wantField == "" {
				if errors.As(err, &ce) {
					t.Errorf("err = %v, want a JSON error, not a *ConfigError", err)
				}
			} else if !errors.As(err, &ce) || ce.Field != tt.wantField {
				t.Errorf("err = %v, want a *ConfigError for %q", err, tt.wantField)
			}
			if !strings.Contains(err.Error(), tt.wantText) || !strings.HasPrefix(err.Error(), "working time: ") {
				t.Errorf("err = %q, want it to start \"working time: \" and contain %q", err, tt.wantText)
			}
		})
	}
}

func TestWorkingTimeValidate(t *testing.T) {
	lon := london(t)
	ok := func() WorkingTime {
		return WorkingTime{Location: lon, Start: Clock{9, 0}, End: Clock{17, 0}, Days: []time.Weekday{time.Monday}}
	}
	tests := []struct {
		name  string
		edit  func(*WorkingTime)
		field string
	}{
		{"valid", func(*WorkingTime) {}, ""},
		{"nil holidays are fine", func(w *WorkingTime) { w.Holidays = nil }, ""},
		{"no location", func(w *WorkingTime) { w.Location = nil }, "timezone"},
		{"negative start", func(w *WorkingTime) { w.Start = Clock{-1, 0} }, "start"},
		{"start minute 60", func(w *WorkingTime) { w.Start = Clock{9, 60} }, "start"},
		{"end hour 24", func(w *WorkingTime) { w.End = Clock{24, 0} }, "end"},
		{"end before start", func(w *WorkingTime) { w.End = Clock{8, 59} }, "end"},
		{"end one minute after start", func(w *WorkingTime) { w.End = Clock{9, 1} }, ""},
		{"no days", func(w *WorkingTime) { w.Days = nil }, "days"},
		{"weekday out of range", func(w *WorkingTime) { w.Days = []time.Weekday{time.Monday, 7} }, "days[1]"},
		{"negative weekday", func(w *WorkingTime) { w.Days = []time.Weekday{-1} }, "days[0]"},
		{"repeated weekday", func(w *WorkingTime) { w.Days = []time.Weekday{time.Friday, time.Friday} }, "days[1]"},
		{"bad holiday key", func(w *WorkingTime) { w.Holidays = map[string]bool{"Christmas": true} }, "holidays"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := ok()
			tt.edit(&w)
			err := w.Validate()
			var ce *ConfigError
			switch {
			case tt.field == "" && err != nil:
				t.Errorf("Validate = %v, want nil", err)
			case tt.field != "" && (!errors.As(err, &ce) || ce.Field != tt.field):
				t.Errorf("Validate = %v, want a *ConfigError for %q", err, tt.field)
			}
		})
	}
}

// A key given twice is refused, not silently replaced by the last one
// (found by FuzzParseWorkingTime, which checks accepted settings name
// nothing twice). The bank-holiday feed is read the same way.
func TestParseWorkingTimeRepeatedKey(t *testing.T) {
	in := `{"timezone": "Europe/London", "start": "09:00", "end": "17:00", "days": ["mon"], "holidays": [], "Start": "10:00"}`
	_, err := ParseWorkingTime([]byte(in))
	var ce *ConfigError
	if !errors.As(err, &ce) || ce.Field != "Start" || !strings.Contains(ce.Problem, "more than once") {
		t.Fatalf("ParseWorkingTime with start twice = %v", err)
	}
	feed := `{"england-and-wales": {"division": "england-and-wales", "events": [{"title": "A", "date": "2026-01-01", "notes": "", "bunting": true, "date": "2026-12-25"}]}}`
	if _, err := parseBankHolidays([]byte(feed)); err == nil || !strings.Contains(err.Error(), "england-and-wales.events[0].date is given more than once") {
		t.Fatalf("parseBankHolidays with a date twice = %v", err)
	}
}
