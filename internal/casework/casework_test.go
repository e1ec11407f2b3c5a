package casework

import (
	"strings"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/problem"
)

var today = time.Date(2026, 11, 23, 15, 30, 0, 0, time.UTC)

func day(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

func fieldsOf(err error) map[string]string {
	out := map[string]string{}
	if p := problem.As(err); p != nil {
		for _, f := range p.Fields {
			out[f.Name] = f.Message
		}
	}
	return out
}

func TestSessionValidate(t *testing.T) {
	ctx := Context{AcceptedOn: day("2026-10-01"), Today: today, Modules: []Option{{Value: "self_esteem", Label: "Self-esteem"}}}
	good := Session{HeldOn: day("2026-11-20"), Minutes: 60, Mode: "home", Attendance: "attended", Module: "self_esteem", Notes: "Went well."}
	tests := []struct {
		name   string
		mutate func(*Session, *Context)
		want   map[string]string
	}{
		{"valid", func(*Session, *Context) {}, nil},
		{"today is fine, whatever the hour", func(s *Session, _ *Context) { s.HeldOn = today.Add(5 * time.Hour).Truncate(24 * time.Hour) }, nil},
		{"tomorrow", func(s *Session, _ *Context) { s.HeldOn = day("2026-11-24") }, map[string]string{"held_on": "today or in the past"}},
		{"the day of acceptance", func(s *Session, _ *Context) { s.HeldOn = day("2026-10-01") }, nil},
		{"before acceptance", func(s *Session, _ *Context) { s.HeldOn = day("2026-09-30") }, map[string]string{"held_on": "on or after the day the family was accepted"}},
		{"no date", func(s *Session, _ *Context) { s.HeldOn = time.Time{} }, map[string]string{"held_on": "Enter the date"}},
		{"no mode or attendance", func(s *Session, _ *Context) { s.Mode, s.Attendance = "", "" }, map[string]string{"mode": "Select how", "attendance": "Select what happened"}},
		{"unknown mode", func(s *Session, _ *Context) { s.Mode = "carrier pigeon" }, map[string]string{"mode": "from the list"}},
		{"did not attend needs a reason", func(s *Session, _ *Context) { s.Attendance, s.Minutes = "did_not_attend", 0 }, map[string]string{"reason": "Say why"}},
		{"cancelled with a reason", func(s *Session, _ *Context) {
			s.Attendance, s.Minutes, s.Reason = "cancelled_by_parent", 0, "Baby unwell"
		}, nil},
		{"attended needs a duration", func(s *Session, _ *Context) { s.Minutes = 0 }, map[string]string{"minutes": "how long"}},
		{"absurd duration", func(s *Session, _ *Context) { s.Minutes = 9000 }, map[string]string{"minutes": "between 0 and 600"}},
		{"module not configured", func(s *Session, _ *Context) { s.Module = "astrology" }, map[string]string{"module": "programme's list"}},
		{"joint without both safe", func(s *Session, _ *Context) { s.Joint = true }, map[string]string{"joint": "both practitioners"}},
		{"joint when both safe", func(s *Session, c *Context) { s.Joint, c.JointSafe = true, true }, nil},
		{"the day the parent left", func(s *Session, c *Context) { c.LeftOn = day("2026-11-20") }, nil},
		{"after the parent left", func(s *Session, c *Context) { c.LeftOn = day("2026-11-19") }, map[string]string{"held_on": "rejoined before recording a later session"}},
		{"while joining later", func(s *Session, c *Context) { c.LeftOn, c.Joining = day("2026-11-19"), true }, map[string]string{"held_on": "record that they have joined before recording a later session"}},
		{"html in notes", func(s *Session, _ *Context) { s.Notes = "<img src=x onerror=alert(1)>" }, map[string]string{"notes": "HTML"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, c := good, ctx
			tt.mutate(&s, &c)
			got := fieldsOf(s.Validate(c))
			if len(got) != len(tt.want) {
				t.Fatalf("problems = %v, want %v", got, tt.want)
			}
			for f, part := range tt.want {
				if !strings.Contains(got[f], part) {
					t.Errorf("%s = %q, want it to contain %q", f, got[f], part)
				}
			}
		})
	}
}

func TestVIGValidate(t *testing.T) {
	tests := []struct {
		name string
		v    VIGCycle
		want string // a field with a problem; "" = valid
	}{
		{"filmed today", VIGCycle{Phase: "antenatal", FilmedOn: today}, ""},
		{"full cycle", VIGCycle{Phase: "postnatal", FilmedOn: day("2026-11-01"), AnalysedOn: day("2026-11-05"), ReviewedOn: day("2026-11-10")}, ""},
		{"no phase", VIGCycle{FilmedOn: today}, "phase"},
		{"filmed tomorrow", VIGCycle{Phase: "antenatal", FilmedOn: day("2026-11-24")}, "filmed_on"},
		{"analysed before filming", VIGCycle{Phase: "antenatal", FilmedOn: day("2026-11-10"), AnalysedOn: day("2026-11-09")}, "analysed_on"},
		{"review before analysis", VIGCycle{Phase: "antenatal", FilmedOn: day("2026-11-01"), AnalysedOn: day("2026-11-10"), ReviewedOn: day("2026-11-05")}, "reviewed_on"},
	}
	for _, tt := range tests {
		got := fieldsOf(tt.v.Validate(today))
		if tt.want == "" && len(got) > 0 || tt.want != "" && got[tt.want] == "" {
			t.Errorf("%s: problems %v, want %q", tt.name, got, tt.want)
		}
	}
}

func TestCheckBirth(t *testing.T) {
	edd := day("2027-02-01")
	tests := []struct {
		born string
		want string
	}{
		{"2026-11-23", ""},                      // today: 10 weeks early
		{"2026-11-24", "today or in the past"},  // tomorrow
		{"2026-08-17", ""},                      // exactly EDD − 24 weeks
		{"2026-08-16", "no more than 24 weeks"}, // a day earlier: a typing mistake
	}
	for _, tt := range tests {
		got := fieldsOf(CheckBirth(day(tt.born), edd, today))["born_on"]
		if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
			t.Errorf("CheckBirth(%s) = %q, want %q", tt.born, got, tt.want)
		}
	}
	if fieldsOf(CheckBirth(time.Time{}, edd, today))["born_on"] == "" {
		t.Error("no date of birth accepted")
	}
}

func TestClosureValidate(t *testing.T) {
	c := Closure{Reason: "planned_end", ClosedOn: day("2026-11-23"), Summaries: map[int64]string{1: "Went well.", 2: "Also well."}}
	if err := c.Validate([]int64{1, 2}, today); err != nil || c.Kind != "planned" {
		t.Fatalf("planned closure: %v, kind %q", err, c.Kind)
	}
	c = Closure{Reason: "withdrew", ClosedOn: day("2026-11-24"), Summaries: map[int64]string{1: " "}}
	got := fieldsOf(c.Validate([]int64{1, 2}, today))
	for _, f := range []string{"closed_on", "summary_for_1", "summary_for_2"} {
		if got[f] == "" {
			t.Errorf("early closure: no problem with %s (%v)", f, got)
		}
	}
	if c.Kind != "early" {
		t.Errorf("kind = %q, want early", c.Kind)
	}
	c = Closure{Reason: "bored", ClosedOn: today, Summaries: map[int64]string{}}
	if fieldsOf(c.Validate(nil, today))["reason"] == "" {
		t.Error("unknown reason accepted")
	}
}

func TestCheckDueDate(t *testing.T) {
	today := day("2026-12-05")
	tests := []struct {
		edd  time.Time
		want string // "" = accepted; else part of the problem
	}{
		{today.AddDate(0, 3, 0), ""},
		{today, ""},
		{today.AddDate(0, 0, -6*7), ""},
		{today.AddDate(0, 0, -6*7-1), "no more than 6 weeks ago"},
		{today.AddDate(0, 0, 42*7), ""},
		{today.AddDate(0, 0, 42*7+1), "no more than 42 weeks from today"},
		{time.Time{}, "Enter the due date"},
	}
	for _, tt := range tests {
		err := CheckDueDate(tt.edd, today.Add(15*time.Hour))
		if tt.want == "" {
			if err != nil {
				t.Errorf("%v: %v, want accepted", tt.edd, err)
			}
			continue
		}
		p := problem.As(err)
		if p == nil || len(p.Fields) != 1 || p.Fields[0].Name != "edd" || !strings.Contains(p.Fields[0].Message, tt.want) {
			t.Errorf("%v: %v, want a problem with edd saying %q", tt.edd, err, tt.want)
		}
	}
}

func TestDepartureValidate(t *testing.T) {
	accepted := day("2026-10-01")
	good := Departure{Reason: "withdrew", LeftOn: day("2026-11-20")}
	tests := []struct {
		name   string
		mutate func(*Departure)
		other  bool // the other parent takes part
		want   map[string]string
	}{
		{"valid", func(*Departure) {}, true, nil},
		{"today, whatever the hour", func(d *Departure) { d.LeftOn = today.Add(5 * time.Hour).Truncate(24 * time.Hour) }, true, nil},
		{"the day of acceptance", func(d *Departure) { d.LeftOn = accepted }, true, nil},
		{"no reason", func(d *Departure) { d.Reason = "" }, true, map[string]string{"leave_reason": "Select why"}},
		{"a closure's reason", func(d *Departure) { d.Reason = "planned_end" }, true, map[string]string{"leave_reason": "from the list"}},
		{"other without a note", func(d *Departure) { d.Reason = "other" }, true, map[string]string{"leave_note": "Say why"}},
		{"other with a note", func(d *Departure) { d.Reason, d.Note = "other", "  Started a prison sentence.  " }, true, nil},
		{"the other parent left already", func(*Departure) {}, false, map[string]string{"leave_reason": "close the family's case instead"}},
		{"no date", func(d *Departure) { d.LeftOn = time.Time{} }, true, map[string]string{"left_on": "Enter the date"}},
		{"tomorrow", func(d *Departure) { d.LeftOn = day("2026-11-24") }, true, map[string]string{"left_on": "today or in the past"}},
		{"before acceptance", func(d *Departure) { d.LeftOn = day("2026-09-30") }, true, map[string]string{"left_on": "1 October 2026"}},
		{"html in the note", func(d *Departure) { d.Note = "<script>x</script>" }, true, map[string]string{"leave_note": "HTML"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := good
			tt.mutate(&d)
			got := fieldsOf(d.Validate(accepted, today, tt.other))
			if len(got) != len(tt.want) {
				t.Fatalf("problems = %v, want %v", got, tt.want)
			}
			for f, part := range tt.want {
				if !strings.Contains(got[f], part) {
					t.Errorf("%s = %q, want it to contain %q", f, got[f], part)
				}
			}
		})
	}
	d := Departure{Reason: "other", Note: "  Started a prison sentence.  ", LeftOn: day("2026-11-20")}
	if err := d.Validate(accepted, today, true); err != nil || d.Note != "Started a prison sentence." {
		t.Errorf("the note is not cleaned in place: %q (%v)", d.Note, err)
	}
}

func TestCheckRejoin(t *testing.T) {
	left := day("2026-11-01")
	tests := []struct {
		name    string
		on      time.Time
		joining bool
		want    string // part of the rejoined_on problem; "" = valid
	}{
		{"the day they left", left, false, ""},
		{"today", today, false, ""},
		{"no date", time.Time{}, false, "Enter the date the parent rejoined"},
		{"tomorrow", day("2026-11-24"), false, "rejoined must be today or in the past"},
		{"before they left", day("2026-10-31"), false, "after the day they left, 1 November 2026"},
		{"joined: no date", time.Time{}, true, "Enter the date the parent joined"},
		{"joined tomorrow", day("2026-11-24"), true, "joined must be today or in the past"},
		{"joined before the wait began", day("2026-10-31"), true, "recorded as joining later from, 1 November 2026"},
		{"joined today", today, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := fieldsOf(CheckRejoin(tt.on, left, today, tt.joining))
			if tt.want == "" && len(got) != 0 || tt.want != "" && !strings.Contains(got["rejoined_on"], tt.want) || len(got) > 1 {
				t.Errorf("problems = %v, want one with %q", got, tt.want)
			}
		})
	}
}

func TestJoinLater(t *testing.T) {
	tests := []struct {
		name            string
		accepted        time.Time
		attended, other bool
		note            string
		wantFrom        time.Time
		want            string // part of the join_later_note problem; "" = valid
	}{
		{"accepted: from acceptance", day("2026-10-01"), false, true, "", day("2026-10-01"), ""},
		{"not accepted yet: from today", time.Time{}, false, true, "", day("2026-11-23"), ""},
		{"accepted today", day("2026-11-23"), false, true, "", day("2026-11-23"), ""},
		{"acceptance dated ahead: from today", day("2026-11-30"), false, true, "", day("2026-11-23"), ""},
		{"attended a session", day("2026-10-01"), true, true, "", day("2026-10-01"), "has attended a session already"},
		{"the other parent is not taking part", day("2026-10-01"), false, false, "", day("2026-10-01"), "close the family's case instead"},
		{"a note cleaned", day("2026-10-01"), false, true, "  Not ready until after the birth.  ", day("2026-10-01"), ""},
		{"html in the note", day("2026-10-01"), false, true, "<b>x</b>", day("2026-10-01"), "HTML"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := JoinLater(7, tt.note, tt.accepted, today.Add(5*time.Hour), tt.attended, tt.other)
			got := fieldsOf(err)
			if tt.want == "" && len(got) != 0 || tt.want != "" && !strings.Contains(got["join_later_note"], tt.want) || len(got) > 1 {
				t.Fatalf("problems = %v, want one with %q", got, tt.want)
			}
			if !d.LeftOn.Equal(tt.wantFrom) || d.Reason != JoiningLater || !d.Joining() || d.PersonID != 7 {
				t.Errorf("departure = %+v, want joining later from %v", d, tt.wantFrom)
			}
			if tt.want == "" && d.Note != strings.TrimSpace(tt.note) {
				t.Errorf("note = %q, not cleaned", d.Note)
			}
		})
	}
	if DepartureLabel(JoiningLater) != "Joining later" || DepartureLabel("withdrew") != "Withdrew" {
		t.Error("DepartureLabel")
	}
	for _, o := range LeavingReasons() {
		if o.Value == JoiningLater {
			t.Error("joining later is a reason to leave")
		}
	}
	d := Departure{Reason: JoiningLater, LeftOn: day("2026-11-20")}
	if fieldsOf(d.Validate(time.Time{}, today, true))["leave_reason"] == "" {
		t.Error("the leaving form accepts joining later")
	}
}

func TestReminderValidate(t *testing.T) {
	tests := []struct {
		name string
		what string
		due  time.Time
		want map[string]string
	}{
		{"today", "Ring the housing officer", today.Add(-15 * time.Hour).Truncate(24 * time.Hour), nil},
		{"two years ahead", "Check the court date", day("2028-11-22"), nil},
		{"no words", "   ", day("2026-12-01"), map[string]string{"reminder_what": "Enter what the reminder is for"}},
		{"too long", strings.Repeat("x", 501), day("2026-12-01"), map[string]string{"reminder_what": "500 characters or fewer"}},
		{"html", "<script>x</script>", day("2026-12-01"), map[string]string{"reminder_what": "HTML"}},
		{"no date", "Ring", time.Time{}, map[string]string{"reminder_due": "Enter the date"}},
		{"yesterday", "Ring", day("2026-11-22"), map[string]string{"reminder_due": "today or in the future"}},
		{"beyond two years", "Ring", day("2028-11-23"), map[string]string{"reminder_due": "within two years, by 22 November 2028"}},
		{"both", "", time.Time{}, map[string]string{"reminder_what": "Enter what", "reminder_due": "Enter the date"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := Reminder{What: tt.what, DueOn: tt.due}
			got := fieldsOf(m.Validate(today))
			if len(got) != len(tt.want) {
				t.Fatalf("problems = %v, want %v", got, tt.want)
			}
			for f, part := range tt.want {
				if !strings.Contains(got[f], part) {
					t.Errorf("%s = %q, want it to contain %q", f, got[f], part)
				}
			}
		})
	}
	for _, tc := range []struct {
		due  time.Time
		want string
	}{{day("2026-11-23"), ""}, {time.Time{}, "Enter the date"}, {day("2026-11-22"), "today or in the future"}, {day("2028-11-23"), "within two years"}} {
		if got := fieldsOf(CheckReminderDue(tc.due, today))["reminder_due"]; tc.want == "" && got != "" || !strings.Contains(got, tc.want) {
			t.Errorf("CheckReminderDue(%v) = %q, want %q", tc.due, got, tc.want)
		}
	}
	m := Reminder{What: "  Ring the midwife.  ", DueOn: day("2026-12-01")}
	if err := m.Validate(today); err != nil || m.What != "Ring the midwife." {
		t.Errorf("the words are not cleaned in place: %q (%v)", m.What, err)
	}
}

func TestAppointmentValidate(t *testing.T) {
	tests := []struct {
		name          string
		on            time.Time
		at, mode, pl  string
		want          map[string]string
		wantAt, place string
	}{
		{"today", day("2026-11-23"), "9:30", "home", "", nil, "09:30", ""},
		{"a year ahead", day("2027-11-24"), "14:00", "office", "", nil, "14:00", ""},
		{"dot", day("2026-12-01"), "9.05", "video", "", nil, "09:05", ""},
		{"four digits", day("2026-12-01"), "1730", "phone", "", nil, "17:30", ""},
		{"place kept clean", day("2026-12-01"), "10:00", "office", "  Children's centre, room 2 ", nil, "10:00", "Children's centre, room 2"},
		{"no date", time.Time{}, "10:00", "home", "", map[string]string{"appointment_on": "Enter the date"}, "", ""},
		{"yesterday", day("2026-11-22"), "10:00", "home", "", map[string]string{"appointment_on": "today or in the future"}, "", ""},
		{"beyond a year", day("2027-11-25"), "10:00", "home", "", map[string]string{"appointment_on": "within a year, by 24 November 2027"}, "", ""},
		{"no time", day("2026-12-01"), " ", "home", "", map[string]string{"appointment_at": "Enter the time"}, "", ""},
		{"25 o'clock", day("2026-12-01"), "25:00", "home", "", map[string]string{"appointment_at": "for example 9:30"}, "", ""},
		{"pm", day("2026-12-01"), "2pm", "home", "", map[string]string{"appointment_at": "hours and minutes"}, "", ""},
		{"signed", day("2026-12-01"), "+9:30", "home", "", map[string]string{"appointment_at": "hours and minutes"}, "", ""},
		{"no mode", day("2026-12-01"), "10:00", "", "", map[string]string{"appointment_mode": "Select how"}, "", ""},
		{"unknown mode", day("2026-12-01"), "10:00", "pub", "", map[string]string{"appointment_mode": "from the list"}, "", ""},
		{"place too long", day("2026-12-01"), "10:00", "office", strings.Repeat("x", 201), map[string]string{"appointment_place": "200 characters or fewer"}, "", ""},
		{"place on two lines", day("2026-12-01"), "10:00", "office", "a\nb", map[string]string{"appointment_place": "control characters"}, "", ""},
		{"everything", time.Time{}, "", "", "<b>x</b>", map[string]string{"appointment_on": "Enter", "appointment_at": "Enter", "appointment_mode": "Select", "appointment_place": "HTML"}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := Appointment{On: tt.on, At: tt.at, Mode: tt.mode, Place: tt.pl}
			got := fieldsOf(a.Validate(today))
			if len(got) != len(tt.want) {
				t.Fatalf("problems = %v, want %v", got, tt.want)
			}
			for f, part := range tt.want {
				if !strings.Contains(got[f], part) {
					t.Errorf("%s = %q, want it to contain %q", f, got[f], part)
				}
			}
			if tt.want == nil && (a.At != tt.wantAt || a.Place != tt.place) {
				t.Errorf("cleaned to %q, %q; want %q, %q", a.At, a.Place, tt.wantAt, tt.place)
			}
		})
	}
}

func TestAppointmentValidateMove(t *testing.T) {
	for _, tc := range []struct {
		on       time.Time
		at, want string
		field    string
	}{
		{day("2026-11-30"), "1415", "", ""},
		{day("2026-11-22"), "14:15", "today or in the future", "appointment_on"},
		{time.Time{}, "14:15", "Enter the date", "appointment_on"},
		{day("2026-11-30"), "", "Enter the time", "appointment_at"},
		{day("2026-11-30"), "14:75", "hours and minutes", "appointment_at"},
	} {
		a := Appointment{On: tc.on, At: tc.at, Mode: "no such mode"} // only when is checked
		got := fieldsOf(a.ValidateMove(today))
		if tc.want == "" {
			if len(got) != 0 || a.At != "14:15" {
				t.Errorf("moving to %s %s: %v, at %q", tc.on.Format(time.DateOnly), tc.at, got, a.At)
			}
			continue
		}
		if len(got) != 1 || !strings.Contains(got[tc.field], tc.want) {
			t.Errorf("moving to %s %s: %v, want %s: %q", tc.on.Format(time.DateOnly), tc.at, got, tc.field, tc.want)
		}
	}
}

func TestAppointmentCancelAndState(t *testing.T) {
	for _, tc := range []struct{ reason, want string }{{"rearranged", ""}, {"", "Select why"}, {"bored", "from the list"}} {
		got := fieldsOf(CheckCancel(tc.reason))["cancel_reason"]
		if tc.want == "" && got != "" || !strings.Contains(got, tc.want) {
			t.Errorf("CheckCancel(%q) = %q, want %q", tc.reason, got, tc.want)
		}
	}
	tests := []struct {
		name               string
		a                  Appointment
		standing, toRecord bool
	}{
		{"yesterday, nothing recorded", Appointment{On: day("2026-11-22")}, true, true},
		{"today", Appointment{On: day("2026-11-23")}, true, false},
		{"tomorrow", Appointment{On: day("2026-11-24")}, true, false},
		{"yesterday, recorded", Appointment{On: day("2026-11-22"), SessionID: 4}, false, false},
		{"yesterday, cancelled", Appointment{On: day("2026-11-22"), CancelledOn: day("2026-11-20")}, false, false},
	}
	for _, tt := range tests {
		if got := tt.a.Standing(); got != tt.standing {
			t.Errorf("%s: Standing = %v", tt.name, got)
		}
		if got := tt.a.ToRecord(today); got != tt.toRecord {
			t.Errorf("%s: ToRecord = %v", tt.name, got)
		}
	}
}
