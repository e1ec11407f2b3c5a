package retention

import (
	"strings"
	"testing"
	"time"
)

func d(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestDefaultSchedule(t *testing.T) {
	s := DefaultSchedule()
	want := Schedule{ChildUntilBirthday: 25, ChildProtectionYears: 35, ParentYears: 6, NoticeDays: 90, MaxKeepYears: 10, ReferralYears: 3}
	if s != want {
		t.Fatalf("default schedule %+v, want %+v", s, want)
	}
	if got := strings.Join(s.Summary(), " "); !strings.Contains(got, "25th birthday") || !strings.Contains(got, "35 years") ||
		!strings.Contains(got, "not accepted or was withdrawn is kept for 3 years after the decision") {
		t.Errorf("summary %q", got)
	}
}

func TestParseSchedule(t *testing.T) {
	good := `{"children_until_birthday": 21, "child_protection_years_after_closure": 40, "parents_years_after_closure": 7, "notice_days": 30, "max_keep_years": 5, "referrals_not_accepted_years": 2}`
	s, err := ParseSchedule([]byte(good))
	if err != nil || s != (Schedule{21, 40, 7, 30, 5, 2}) {
		t.Fatalf("ParseSchedule(good) = %+v, %v", s, err)
	}
	for name, tc := range map[string]struct{ json, want string }{
		"missing": {`{"children_until_birthday": 25, "child_protection_years_after_closure": 35, "parents_years_after_closure": 6, "notice_days": 90}`, "max_keep_years: must be given"},
		// A schedule written before referrals were reviewed is refused,
		// not given a period nobody chose.
		"no referral years":  {strings.Replace(good, `, "referrals_not_accepted_years": 2`, ``, 1), "referrals_not_accepted_years: must be given"},
		"referral years 0":   {strings.Replace(good, `"referrals_not_accepted_years": 2`, `"referrals_not_accepted_years": 0`, 1), "referrals_not_accepted_years: must be between 1 and 100, not 0"},
		"referral years 101": {strings.Replace(good, `"referrals_not_accepted_years": 2`, `"referrals_not_accepted_years": 101`, 1), "referrals_not_accepted_years: must be between 1 and 100, not 101"},
		"zero":               {strings.Replace(good, `"parents_years_after_closure": 7`, `"parents_years_after_closure": 0`, 1), "parents_years_after_closure: must be between 1 and 100, not 0"},
		"unknown":            {strings.Replace(good, `"notice_days"`, `"notice_dayz"`, 1), "unknown field"},
		"twice":              {strings.Replace(good, `"max_keep_years": 5`, `"max_keep_years": 5, "max_keep_years": 6`, 1), "max_keep_years"},
		"trailing":           {good + `{}`, "unexpected data"},
		"text":               {strings.Replace(good, `30`, `"30"`, 1), "notice_days"},
		"keep":               {strings.Replace(good, `"max_keep_years": 5`, `"max_keep_years": 26`, 1), "max_keep_years: must be between 1 and 25"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := ParseSchedule([]byte(tc.json))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestFamilyDue(t *testing.T) {
	s := DefaultSchedule()
	tests := []struct {
		name    string
		f       Family
		on      string
		rule    Rule
		unknown bool
	}{
		{"open case", Family{Children: []Child{{Baby: true, Born: d("2026-01-10")}}}, "", "", true},
		{"baby's 25th birthday", Family{ClosedOn: d("2028-01-10"), Children: []Child{{Baby: true, Born: d("2026-01-10")}}}, "2051-01-10", RuleChildren, false},
		{"youngest child wins", Family{ClosedOn: d("2028-01-10"), Children: []Child{{Born: d("2020-05-01")}, {Baby: true, Born: d("2026-01-10")}}}, "2051-01-10", RuleChildren, false},
		{"29 February birthday is 1 March", Family{ClosedOn: d("2026-03-01"), Children: []Child{{Baby: true, Born: d("2024-02-29")}}}, "2049-03-01", RuleChildren, false},
		{"no children: years after closure", Family{ClosedOn: d("2026-06-30")}, "2032-06-30", RuleParents, false},
		{"closed 29 February", Family{ClosedOn: d("2028-02-29")}, "2034-03-01", RuleParents, false},
		{"baby not born: counted from the due date", Family{ClosedOn: d("2026-03-01"), EDD: d("2026-05-20"), Children: []Child{{Baby: true}}}, "2051-05-20", RuleChildren, false},
		{"baby not born, no due date", Family{ClosedOn: d("2026-03-01"), Children: []Child{{Baby: true}}}, "", "", true},
		{"older child without a birth date", Family{ClosedOn: d("2026-03-01"), Children: []Child{{Baby: true, Born: d("2025-01-01")}, {}}}, "", "", true},
		{"child protection: 35 years after closure", Family{ClosedOn: d("2028-01-10"), Children: []Child{{Baby: true, Born: d("2026-01-10")}}, ChildProtection: []string{"a child protection plan"}}, "2063-01-10", RuleChildProtection, false},
		{"a child protection plan on an old case", Family{ClosedOn: d("2026-01-10"), Children: []Child{{Baby: true, Born: d("2025-01-10")}}, ChildProtection: []string{"x"}}, "2061-01-10", RuleChildProtection, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := s.FamilyDue(tc.f)
			if (got.Unknown != "") != tc.unknown {
				t.Fatalf("Unknown = %q, want set %v", got.Unknown, tc.unknown)
			}
			if tc.unknown {
				if !got.On.IsZero() {
					t.Fatalf("a date %v with Unknown", got.On)
				}
				return
			}
			if got.On.Format("2006-01-02") != tc.on || got.Rule != tc.rule || got.Reason == "" {
				t.Fatalf("FamilyDue = %s %s %q, want %s %s", got.On.Format("2006-01-02"), got.Rule, got.Reason, tc.on, tc.rule)
			}
		})
	}
	// A longer children's period than child protection: the later date wins.
	long := Schedule{ChildUntilBirthday: 60, ChildProtectionYears: 10, ParentYears: 6, MaxKeepYears: 10, ReferralYears: 3}
	got := long.FamilyDue(Family{ClosedOn: d("2028-01-10"), Children: []Child{{Baby: true, Born: d("2026-01-10")}}, ChildProtection: []string{"x"}})
	if got.Rule != RuleChildren || got.On != d("2086-01-10") {
		t.Fatalf("the later date did not win: %+v", got)
	}
}

func TestStateOf(t *testing.T) {
	s := DefaultSchedule()
	due := Due{On: d("2030-06-01"), Rule: RuleParents, Reason: "x"}
	unknown := Due{Unknown: "no date"}
	tests := []struct {
		name  string
		due   Due
		r     Review
		today string
		want  State
	}{
		{"long before", due, Review{}, "2029-01-01", NotDue},
		{"one day before the notice", due, Review{}, "2030-03-02", NotDue},
		{"first day of the notice", due, Review{}, "2030-03-03", ComingUp},
		{"the day before", due, Review{}, "2030-05-31", ComingUp},
		{"on the day", due, Review{}, "2030-06-01", DueForReview},
		{"after", due, Review{}, "2040-01-01", DueForReview},
		{"kept", due, Review{Decision: Keep, ReviewOn: d("2031-01-01")}, "2030-07-01", Kept},
		{"keep date come round", due, Review{Decision: Keep, ReviewOn: d("2031-01-01")}, "2031-01-01", DueForReview},
		{"requested", due, Review{Decision: EraseRequested, RequestedBy: 4}, "2030-07-01", AwaitingApproval},
		{"unknown date", unknown, Review{}, "2030-07-01", NeedsDecision},
		{"unknown, kept", unknown, Review{Decision: Keep, ReviewOn: d("2031-01-01")}, "2030-07-01", Kept},
		{"unknown, requested before the dates changed", unknown, Review{Decision: EraseRequested, RequestedBy: 4}, "2030-07-01", NeedsDecision},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := s.StateOf(tc.due, tc.r, d(tc.today)); got != tc.want {
				t.Fatalf("StateOf = %s, want %s", got, tc.want)
			}
			if tc.want.Label() == "Unknown" || tc.want.Listed() == (tc.want == NotDue) {
				t.Fatalf("label or listing wrong for %s", tc.want)
			}
		})
	}
}

func fields(errs []FieldError) string {
	var f []string
	for _, e := range errs {
		if e.Message == "" {
			return "empty message"
		}
		f = append(f, e.Field)
	}
	return strings.Join(f, ",")
}

func TestCheckKeep(t *testing.T) {
	s := DefaultSchedule()
	today := d("2030-06-01")
	reason := "Care proceedings are still open for this family"
	for _, tc := range []struct {
		name   string
		st     State
		on     time.Time
		reason string
		want   string
	}{
		{"good", DueForReview, d("2031-06-01"), reason, ""},
		{"kept again", Kept, d("2031-06-01"), reason, ""},
		{"awaiting approval: a manager keeps it instead", AwaitingApproval, d("2031-06-01"), reason, ""},
		{"not due", NotDue, d("2031-06-01"), reason, "decision"},
		{"no date", DueForReview, time.Time{}, reason, "review_on"},
		{"today", DueForReview, today, reason, "review_on"},
		{"ten years is the limit", DueForReview, d("2040-06-01"), reason, ""},
		{"beyond the limit", DueForReview, d("2040-06-02"), reason, "review_on"},
		{"no reason", DueForReview, d("2031-06-01"), "  ", "reason"},
		{"a token reason", DueForReview, d("2031-06-01"), "keep it!!!", "reason"},
		{"everything wrong", NotDue, time.Time{}, "", "decision,review_on,reason"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, errs := s.CheckKeep(tc.st, tc.on, today, tc.reason)
			if f := fields(errs); f != tc.want {
				t.Fatalf("fields %q, want %q (%v)", f, tc.want, errs)
			}
			if tc.want == "" && got != strings.TrimSpace(tc.reason) {
				t.Fatalf("reason %q", got)
			}
		})
	}
}

func TestCheckRequest(t *testing.T) {
	reason := "Reviewed: no open proceedings, the period has passed"
	for st, want := range map[State]string{
		DueForReview: "", AwaitingApproval: "decision", NeedsDecision: "decision", ComingUp: "decision", Kept: "decision", NotDue: "decision",
	} {
		if _, errs := CheckRequest(st, reason); fields(errs) != want {
			t.Errorf("CheckRequest(%s) = %v, want %q", st, errs, want)
		}
	}
	if _, errs := CheckRequest(DueForReview, strings.Repeat("a", MaxReason+1)); fields(errs) != "reason" {
		t.Errorf("an over-long reason was accepted: %v", errs)
	}
	if _, errs := CheckRequest(DueForReview, "caf\xe9 "+reason); fields(errs) != "reason" {
		t.Errorf("broken UTF-8 was accepted: %v", errs)
	}
}

func TestCheckApproval(t *testing.T) {
	r := Review{Decision: EraseRequested, RequestedBy: 7}
	for _, tc := range []struct {
		name     string
		st       State
		approver int64
		typed    string
		want     string
	}{
		{"another manager, reference typed", AwaitingApproval, 8, "FAM-2026-000001", ""},
		{"case and spaces do not matter", AwaitingApproval, 8, " fam-2026-000001 ", ""},
		{"the requester cannot approve", AwaitingApproval, 7, "FAM-2026-000001", "decision"},
		{"no approver", AwaitingApproval, 0, "FAM-2026-000001", "decision"},
		{"not requested", DueForReview, 8, "FAM-2026-000001", "decision"},
		{"dates changed since", NeedsDecision, 8, "FAM-2026-000001", "decision"},
		{"nothing typed", AwaitingApproval, 8, "", "confirm"},
		{"wrong reference", AwaitingApproval, 8, "FAM-2026-000002", "confirm"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := fields(CheckApproval(tc.st, r, tc.approver, "FAM-2026-000001", tc.typed)); got != tc.want {
				t.Fatalf("fields %q, want %q", got, tc.want)
			}
		})
	}
}

func TestOrdinal(t *testing.T) {
	for n, want := range map[int]string{1: "1st", 2: "2nd", 3: "3rd", 4: "4th", 11: "11th", 12: "12th", 13: "13th", 21: "21st", 22: "22nd", 25: "25th", 101: "101st", 111: "111th"} {
		if got := ordinal(n); got != want {
			t.Errorf("ordinal(%d) = %q, want %q", n, got, want)
		}
	}
}

// TestListBounds: no record outside the bounds is ever listed without a
// decision (closure and birth dates swept across them, over leap days and
// several schedules), and the bounds are no more than a couple of days
// generous.
func TestListBounds(t *testing.T) {
	schedules := []Schedule{DefaultSchedule(),
		{ChildUntilBirthday: 1, ChildProtectionYears: 3, ParentYears: 1, NoticeDays: 30, MaxKeepYears: 2, ReferralYears: 1},
		{ChildUntilBirthday: 18, ChildProtectionYears: 35, ParentYears: 7, NoticeDays: 0, MaxKeepYears: 10, ReferralYears: 5}}
	todays := []time.Time{d("2026-12-03"), d("2028-02-29"), d("2027-03-01"), d("2031-01-01")}
	for _, s := range schedules {
		for _, today := range todays {
			closedBy, bornBy := s.ListBounds(today)
			old := bornBy.AddDate(-1, 0, 0)
			for n := -40; n <= 40; n++ {
				closed := closedBy.AddDate(0, 0, n)
				born := bornBy.AddDate(0, 0, n)
				for _, f := range []Family{
					{ClosedOn: closed, Children: []Child{{Baby: true, Born: old}}},
					{ClosedOn: closedBy.AddDate(-1, 0, 0), Children: []Child{{Baby: true, Born: born}}},
					{ClosedOn: closedBy.AddDate(-1, 0, 0), EDD: born, Children: []Child{{Baby: true}}},
					{ClosedOn: closedBy.AddDate(-1, 0, 0), Children: []Child{{Baby: true, Born: old}, {Born: born}}},
					{ClosedOn: closed, Children: []Child{{Baby: true, Born: old}}, ChildProtection: []string{"a plan"}},
				} {
					due := s.FamilyDue(f)
					listed := s.StateOf(due, Review{}, today).Listed()
					inside := !f.ClosedOn.After(closedBy)
					for _, c := range f.Children {
						b := c.Born
						if b.IsZero() {
							b = f.EDD
						}
						inside = inside && !b.After(bornBy)
					}
					if listed && !inside {
						t.Fatalf("%+v on %s: listed (%s, due %s) but outside the bounds %s, %s", f, today.Format(time.DateOnly), s.StateOf(due, Review{}, today),
							due.On.Format(time.DateOnly), closedBy.Format(time.DateOnly), bornBy.Format(time.DateOnly))
					}
				}
			}
			// Generous by a couple of days at most: a record closed three
			// days inside the bound with children long grown is listed.
			f := Family{ClosedOn: closedBy.AddDate(0, 0, -3), Children: []Child{{Baby: true, Born: old.AddDate(-s.ChildUntilBirthday, 0, 0)}}}
			if !s.StateOf(s.FamilyDue(f), Review{}, today).Listed() {
				t.Errorf("%+v on %s: not listed, three days inside the bound %s", f, today.Format(time.DateOnly), closedBy.Format(time.DateOnly))
			}
			g := Family{ClosedOn: closedBy.AddDate(-(s.ChildProtectionYears + 1), 0, 0), Children: []Child{{Baby: true, Born: bornBy.AddDate(0, 0, -3)}}}
			if !s.StateOf(s.FamilyDue(g), Review{}, today).Listed() {
				t.Errorf("%+v on %s: not listed, born three days inside the bound %s", g, today.Format(time.DateOnly), bornBy.Format(time.DateOnly))
			}
		}
	}
}

func TestReferralDue(t *testing.T) {
	s := DefaultSchedule()
	for _, tc := range []struct {
		name    string
		r       Referral
		on      string
		rule    Rule
		unknown bool
	}{
		{"three years after the decision", Referral{DecidedOn: d("2026-04-15")}, "2029-04-15", RuleReferral, false},
		{"the time of day does not matter", Referral{DecidedOn: time.Date(2026, 4, 15, 23, 59, 0, 0, time.UTC)}, "2029-04-15", RuleReferral, false},
		{"decided 29 February: 1 March", Referral{DecidedOn: d("2028-02-29")}, "2031-03-01", RuleReferral, false},
		{"decided 29 February, due in a leap year", Referral{DecidedOn: d("2024-02-29")}, "2027-03-01", RuleReferral, false},
		{"a child protection plan: 35 years", Referral{DecidedOn: d("2026-04-15"), ChildProtection: "a child protection plan when referred"}, "2061-04-15", RuleChildProtection, false},
		{"its status cannot be read: child protection assumed", Referral{DecidedOn: d("2026-04-15"), Unreadable: true}, "2061-04-15", RuleChildProtection, false},
		{"no decision date", Referral{}, "", "", true},
		{"no decision date, child protection", Referral{ChildProtection: "a child protection plan when referred"}, "", "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := s.ReferralDue(tc.r)
			if (got.Unknown != "") != tc.unknown {
				t.Fatalf("Unknown = %q, want set %v", got.Unknown, tc.unknown)
			}
			if tc.unknown {
				if !got.On.IsZero() || s.StateOf(got, Review{}, d("2090-01-01")) != NeedsDecision {
					t.Fatalf("a referral with no decision date: %+v", got)
				}
				return
			}
			if got.On.Format(time.DateOnly) != tc.on || got.Rule != tc.rule || got.Reason == "" {
				t.Fatalf("ReferralDue = %s %s %q, want %s %s", got.On.Format(time.DateOnly), got.Rule, got.Reason, tc.on, tc.rule)
			}
		})
	}
	// Child protection years shorter than the referral's: the later wins,
	// as it does for a family.
	short := Schedule{ChildUntilBirthday: 25, ChildProtectionYears: 2, ParentYears: 6, MaxKeepYears: 10, ReferralYears: 4}
	if got := short.ReferralDue(Referral{DecidedOn: d("2026-01-10"), ChildProtection: "x"}); got.Rule != RuleReferral || got.On != d("2030-01-10") {
		t.Fatalf("the later date did not win: %+v", got)
	}
	if got := short.ReferralDue(Referral{DecidedOn: d("2026-01-10"), Unreadable: true}); got.Rule != RuleReferral || got.On != d("2030-01-10") {
		t.Fatalf("an unreadable status shortened the period: %+v", got)
	}
	if got := s.ReferralDue(Referral{DecidedOn: d("2026-01-10"), Unreadable: true}); !strings.Contains(got.Reason, "cannot be read") {
		t.Fatalf("an unreadable status's reason does not say so: %q", got.Reason)
	}
	if got := short.ReferralDue(Referral{DecidedOn: d("2026-01-10"), Unreadable: true}); got.Rule != RuleReferral || got.On != d("2030-01-10") {
		t.Fatalf("an unreadable status shortened the period: %+v", got)
	}
	if got := s.ReferralDue(Referral{DecidedOn: d("2026-01-10"), Unreadable: true}); !strings.Contains(got.Reason, "cannot be read") {
		t.Fatalf("an unreadable status's reason does not say so: %q", got.Reason)
	}
}

// TestReferralListBound: no referral decided after the bound is listed
// without a decision, whatever its child protection status, and one three
// days inside it is.
func TestReferralListBound(t *testing.T) {
	for _, s := range []Schedule{DefaultSchedule(),
		{ChildUntilBirthday: 1, ChildProtectionYears: 3, ParentYears: 1, NoticeDays: 30, MaxKeepYears: 2, ReferralYears: 1},
		{ChildUntilBirthday: 18, ChildProtectionYears: 1, ParentYears: 7, NoticeDays: 0, MaxKeepYears: 10, ReferralYears: 5}} {
		for _, today := range []time.Time{d("2026-12-03"), d("2028-02-29"), d("2027-03-01"), d("2031-01-01")} {
			by := s.ReferralListBound(today)
			for n := -40; n <= 40; n++ {
				for _, cp := range []string{"", "a child protection plan when referred"} {
					r := Referral{DecidedOn: by.AddDate(0, 0, n), ChildProtection: cp}
					if s.StateOf(s.ReferralDue(r), Review{}, today).Listed() && r.DecidedOn.After(by) {
						t.Fatalf("%+v on %s: listed but outside the bound %s", r, today.Format(time.DateOnly), by.Format(time.DateOnly))
					}
				}
			}
			if r := (Referral{DecidedOn: by.AddDate(0, 0, -3)}); !s.StateOf(s.ReferralDue(r), Review{}, today).Listed() {
				t.Errorf("%+v on %s: not listed, three days inside the bound %s", r, today.Format(time.DateOnly), by.Format(time.DateOnly))
			}
		}
	}
}
