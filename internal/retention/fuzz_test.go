package retention

import (
	"testing"
	"time"
)

// FuzzParseSchedule checks that a schedule file is either refused or gives a
// schedule that validates, and that every family then gets either a review
// date no earlier than the closure plus the shortest period, or a reason
// why none can be worked out, and every referral one no earlier than its
// decision plus the referral period.
func FuzzParseSchedule(f *testing.F) {
	f.Add([]byte(defaultJSON), int64(0), int64(0))
	f.Add([]byte(`{"children_until_birthday": 1, "child_protection_years_after_closure": 1, "parents_years_after_closure": 1, "notice_days": 0, "max_keep_years": 1, "referrals_not_accepted_years": 1}`), int64(-40000), int64(400))
	f.Add([]byte(`{"children_until_birthday": 25, "children_until_birthday": 2}`), int64(1), int64(2))
	f.Add([]byte(`[]`), int64(0), int64(0))
	f.Fuzz(func(t *testing.T, data []byte, closedDays, bornDays int64) {
		s, err := ParseSchedule(data)
		if err != nil {
			return
		}
		if s.Validate() != nil {
			t.Fatalf("accepted an invalid schedule %+v", s)
		}
		closed := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(closedDays%100000))
		born := closed.AddDate(0, 0, -int(bornDays%10000))
		due := s.FamilyDue(Family{ClosedOn: closed, Children: []Child{{Baby: true, Born: born}}})
		if due.Unknown != "" || due.On.Before(closed.AddDate(s.ParentYears, 0, 0)) || due.Reason == "" {
			t.Fatalf("schedule %+v, closed %v, born %v: due %+v", s, closed, born, due)
		}
		// A referral decided that day is never due before its own period.
		for _, cp := range []string{"", "a plan"} {
			rd := s.ReferralDue(Referral{DecidedOn: closed, ChildProtection: cp})
			if rd.Unknown != "" || rd.On.Before(closed.AddDate(s.ReferralYears, 0, 0)) || rd.Reason == "" {
				t.Fatalf("schedule %+v, decided %v: due %+v", s, closed, rd)
			}
		}
	})
}
