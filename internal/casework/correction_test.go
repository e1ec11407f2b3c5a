package casework

import (
	"reflect"
	"strings"
	"testing"
)

func TestCheckCorrection(t *testing.T) {
	ctx := Context{AcceptedOn: day("2026-10-01"), Today: today, Modules: []Option{{Value: "self_esteem", Label: "Self-esteem"}}}
	was := Session{Kind: "session", HeldOn: day("2026-11-20"), Minutes: 60, Mode: "home", Attendance: "attended", Module: "self_esteem", Notes: "Went well.", Version: 1}
	note := Session{Kind: "supervision", HeldOn: day("2026-11-20"), Notes: "Discussed the plan.", Confidential: true, Version: 1}
	tests := []struct {
		name   string
		was    Session
		mutate func(*Session, *Context)
		why    string
		want   map[string]string // field → part of its message
	}{
		{"a new date, with a reason", was, func(s *Session, _ *Context) { s.HeldOn = day("2026-11-19") }, "Typed the wrong day", nil},
		{"the reason is kept clean", was, func(s *Session, _ *Context) { s.Notes = "Went well. Talked about sleep." }, "  Left out a part  ", nil},
		{"no reason", was, func(s *Session, _ *Context) { s.Minutes = 45 }, " ", map[string]string{"why": "Say why you are correcting it"}},
		{"nothing changed", was, func(*Session, *Context) {}, "No reason", map[string]string{"held_on": "Nothing has been changed"}},
		{"nothing changed but the spaces", was, func(s *Session, _ *Context) { s.Notes = "  Went well.  " }, "Tidying", map[string]string{"held_on": "Nothing has been changed"}},
		{"nothing changed and no reason", was, func(*Session, *Context) {}, "", map[string]string{"held_on": "Nothing has been changed", "why": "Say why"}},
		{"the corrected session must be valid", was, func(s *Session, _ *Context) { s.Attendance = "did_not_attend" }, "Wrong outcome",
			map[string]string{"reason": "Say why the session did not take place"}},
		{"an invalid change is not also 'nothing changed'", was, func(s *Session, _ *Context) { s.Mode = "carrier pigeon" }, "Wrong mode",
			map[string]string{"mode": "from the list"}},
		{"a date in the future", was, func(s *Session, _ *Context) { s.HeldOn = today.AddDate(0, 0, 2) }, "Wrong day",
			map[string]string{"held_on": "today or in the past"}},
		{"joint needs both practitioners' say", was, func(s *Session, _ *Context) { s.Joint = true }, "It was joint",
			map[string]string{"joint": "both practitioners"}},
		{"a joint session may stay joint", withJoint(was), func(s *Session, _ *Context) { s.Minutes = 90 }, "Longer than typed", nil},
		{"markup in the reason", was, func(s *Session, _ *Context) { s.Minutes = 90 }, "<script>", map[string]string{"why": "HTML"}},
		{"a reason too long", was, func(s *Session, _ *Context) { s.Minutes = 90 }, strings.Repeat("a", 2001), map[string]string{"why": "2000 characters"}},
		{"a supervision note's text", note, func(s *Session, _ *Context) { s.Notes = "Discussed the safety plan." }, "Clearer", nil},
		{"a supervision note emptied", note, func(s *Session, _ *Context) { s.Notes = "" }, "Clearer", map[string]string{"notes": "Write the supervision note"}},
		{"a supervision note unchanged", note, func(*Session, *Context) {}, "Clearer", map[string]string{"notes": "Nothing has been changed"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			now, c, why := tc.was, ctx, tc.why
			tc.mutate(&now, &c)
			err := CheckCorrection(tc.was, &now, &why, c)
			got := fieldsOf(err)
			if len(got) != len(tc.want) {
				t.Fatalf("problems %v, want %v", got, tc.want)
			}
			for f, part := range tc.want {
				if !strings.Contains(got[f], part) {
					t.Errorf("%s: %q, want it to contain %q", f, got[f], part)
				}
			}
			if why != strings.TrimSpace(why) {
				t.Errorf("why %q was not trimmed", why)
			}
		})
	}
}

func withJoint(s Session) Session {
	s.Joint = true
	return s
}

func TestCheckCorrectionWhy(t *testing.T) {
	for why, want := range map[string]string{"Typed the wrong day": "", "": "Say why you are correcting it", "<b>": "HTML"} {
		w := why
		got := fieldsOf(CheckCorrectionWhy(&w))["why"]
		if (want == "") != (got == "") || !strings.Contains(got, want) {
			t.Errorf("CheckCorrectionWhy(%q) = %q, want %q", why, got, want)
		}
	}
}

func TestCheckRemoval(t *testing.T) {
	for why, want := range map[string]string{
		"Recorded on the wrong parent's record": "",
		"   ":                                   "Say why it was entered in error",
		"a\x00b":                                "control characters",
		strings.Repeat("x", 2001):               "2000 characters",
	} {
		w := why
		got := fieldsOf(CheckRemoval(&w))["why"]
		if (want == "") != (got == "") || !strings.Contains(got, want) {
			t.Errorf("CheckRemoval(%.20q) = %q, want %q", why, got, want)
		}
	}
}

func TestChanges(t *testing.T) {
	was := Session{HeldOn: day("2026-11-20"), Minutes: 60, Mode: "home", Attendance: "attended", Notes: "A"}
	if got := Changes(was, was); len(got) != 0 {
		t.Errorf("no change: %v", got)
	}
	later := was
	later.HeldOn = was.HeldOn.Add(9 * 3600e9) // the same day, later in it
	if got := Changes(was, later); len(got) != 0 {
		t.Errorf("the same day at another hour is no change: %v", got)
	}
	now := was
	now.HeldOn, now.Notes, now.Confidential, now.Reason = day("2026-11-19"), "B", true, "x"
	if got, want := Changes(was, now), []string{"date", "notes", "why it did not happen", "confidential"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Changes = %v, want %v", got, want)
	}
}

func TestWithholdHistory(t *testing.T) {
	v := func(version int, conf bool) SessionVersion {
		return SessionVersion{Session: Session{Version: version, Confidential: conf, Topic: "t", Notes: "n", Reason: "r"}, Why: "w"}
	}
	tests := []struct {
		name     string
		now      bool
		versions []SessionVersion // newest first
		see      bool
		withheld string // per version, newest first: W withheld, - shown
	}{
		{"nothing confidential", false, []SessionVersion{v(2, false), v(1, false)}, false, "--"},
		{"confidential now hides every earlier version", true, []SessionVersion{v(2, false), v(1, false)}, false, "WW"},
		{"marked confidential at version 2 hides version 1", false, []SessionVersion{v(3, false), v(2, true), v(1, false)}, false, "-WW"},
		{"confidential only at first: later versions shown", false, []SessionVersion{v(3, false), v(2, false), v(1, true)}, false, "--W"},
		{"a reader who may see confidential notes sees all", true, []SessionVersion{v(2, true), v(1, false)}, true, "--"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			WithholdHistory(tc.now, tc.versions, tc.see)
			var got strings.Builder
			for _, x := range tc.versions {
				switch {
				case x.Withheld && x.Topic == "" && x.Notes == "" && x.Reason == "" && x.Why == "":
					got.WriteByte('W')
				case x.Withheld:
					t.Errorf("version %d withheld but its text kept: %+v", x.Version, x)
				default:
					got.WriteByte('-')
				}
			}
			if got.String() != tc.withheld {
				t.Errorf("withheld %q, want %q", got.String(), tc.withheld)
			}
		})
	}
}
