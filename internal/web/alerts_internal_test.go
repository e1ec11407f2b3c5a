package web

import (
	"strings"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/family"
	"github.com/cradle-org/cradle/internal/referral"
	"github.com/cradle-org/cradle/internal/store"
)

// TestAlertsOf: how a concern's page words who was alerted, from its
// alerts in Cradle and its emails.
func TestAlertsOf(t *testing.T) {
	t0 := time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)
	msg := func(kind string, at time.Duration, status string, attempts int, why string) store.Message {
		return store.Message{Kind: kind, QueuedAt: t0.Add(at), Status: status, Attempts: attempts, LastError: why}
	}
	sent := func(kind string, at time.Duration) store.Message { return msg(kind, at, "sent", 1, "") }
	tests := []struct {
		name   string
		status string
		alerts store.ConcernAlerts
		warn   string // part of the warning; "" for none
		rows   int
		check  func(t *testing.T, v alertsView)
	}{
		{"every lead's email went", "open", store.ConcernAlerts{Leads: 2, Messages: []store.Message{sent("concern_alert", 0), sent("concern_alert", 0)}}, "", 1,
			func(t *testing.T, v alertsView) {
				if e := v.Emails[0]; e.Sent != 2 || e.Total() != 2 || e.Why != "" || v.Seen != "No one it alerted has opened it yet." {
					t.Errorf("%+v, seen %q", e, v.Seen)
				}
			}},
		{"refused for good", "open", store.ConcernAlerts{Leads: 2, Messages: []store.Message{sent("concern_alert", 0), msg("concern_alert", 0, "failed", 3, "550 no such user")}},
			"could not be sent to 1 of 2 safeguarding leads", 1, func(t *testing.T, v alertsView) {
				if v.Emails[0].Why != "550 no such user" {
					t.Errorf("why %q", v.Emails[0].Why)
				}
			}},
		{"refused for now", "open", store.ConcernAlerts{Leads: 1, Messages: []store.Message{msg("concern_alert", 0, "pending", 1, "451 try later")}},
			"has not yet gone to the safeguarding lead", 1, nil},
		{"sent again by an administrator: its old refusal is not shown", "open", store.ConcernAlerts{Leads: 1, Messages: []store.Message{msg("concern_alert", 0, "pending", 0, "550 no such user")}},
			"", 1, func(t *testing.T, v alertsView) {
				if v.Emails[0].Why != "" || v.Emails[0].Waiting != 1 {
					t.Errorf("%+v", v.Emails[0])
				}
			}},
		{"the reminders are one row", "open", store.ConcernAlerts{Leads: 1, Reminders: 6, Messages: []store.Message{sent("concern_alert", 0),
			sent("concern_overdue", 9*time.Hour), sent("concern_overdue", 9*time.Hour), sent("concern_overdue", 10*time.Hour), sent("concern_overdue", 10*time.Hour),
			sent("concern_overdue", 11*time.Hour), msg("concern_overdue", 11*time.Hour, "failed", 2, "550 mailbox full")}},
			"", 2, func(t *testing.T, v alertsView) {
				r := v.Emails[1]
				if r.Kind != "concern_overdue" || r.Times != 3 || !r.At.Equal(t0.Add(11*time.Hour)) || r.Sent != 5 || r.Failed != 1 || r.Why != "550 mailbox full" {
					t.Errorf("reminders %+v", r)
				}
			}},
		{"no lead: the area's managers instead", "open", store.ConcernAlerts{Managers: 2, Messages: []store.Message{sent("concern_alert", 0), sent("concern_alert", 0)}},
			"the area's team managers were alerted instead", 1, func(t *testing.T, v alertsView) {
				if v.Seen != "No one it alerted has opened it yet." {
					t.Errorf("seen %q", v.Seen)
				}
			}},
		{"no lead and no one since", "open", store.ConcernAlerts{}, "so no one was alerted", 0, func(t *testing.T, v alertsView) {
			if v.Seen != "" {
				t.Errorf("seen %q", v.Seen)
			}
		}},
		{"no lead, but reminders since", "open", store.ConcernAlerts{Reminders: 2, Messages: []store.Message{sent("concern_overdue", time.Hour), sent("concern_overdue", time.Hour)}},
			"only the reminders since have alerted anyone", 1, nil},
		{"decided: no warning", "decided", store.ConcernAlerts{Leads: 1, FirstSeen: t0.Add(time.Hour), Messages: []store.Message{msg("concern_alert", 0, "failed", 3, "550")}},
			"", 1, func(t *testing.T, v alertsView) {
				if !strings.HasPrefix(v.Seen, "First opened by someone it alerted on") {
					t.Errorf("seen %q", v.Seen)
				}
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := alertsOf(store.ConcernRecord{Status: tc.status, Alerts: tc.alerts})
			if (tc.warn == "") != (v.Warn == "") || !strings.Contains(v.Warn, tc.warn) {
				t.Errorf("warning %q, want one containing %q", v.Warn, tc.warn)
			}
			if len(v.Emails) != tc.rows {
				t.Fatalf("%d rows, want %d: %+v", len(v.Emails), tc.rows, v.Emails)
			}
			if tc.check != nil {
				tc.check(t, v)
			}
		})
	}
}

// TestPlanOverdue: the family page marks a safety plan review overdue from
// the day after its date, never a plan with no review date.
func TestPlanOverdue(t *testing.T) {
	now := time.Date(2026, 12, 5, 15, 0, 0, 0, time.UTC)
	d := familyData{Now: now}
	for _, tc := range []struct {
		on   time.Time
		want bool
	}{
		{time.Time{}, false},
		{now.AddDate(0, 0, 1), false},
		{time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC), false},
		{time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC), true},
	} {
		if got := d.PlanOverdue(store.ParentRisk{NextPlanCheck: tc.on}); got != tc.want {
			t.Errorf("review on %v: overdue %t, want %t", tc.on, got, tc.want)
		}
	}
}

func TestAssessmentGaps(t *testing.T) {
	day := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	amy := family.Person{ID: 1, Kind: family.Parent, ParentSlot: 1, GivenName: "Amy", FamilyName: "Foster", Active: true, PractitionerID: 7}
	jordan := family.Person{ID: 2, Kind: family.Parent, ParentSlot: 2, GivenName: "Jordan", FamilyName: "Price", Active: true}
	gone := family.Person{ID: 3, Kind: family.Parent, ParentSlot: 2, GivenName: "Sam", Active: false}
	for _, tc := range []struct {
		name    string
		parents []family.Person
		risks   []store.ParentRisk
		want    []string
	}{
		{"all done", []family.Person{amy}, []store.ParentRisk{{PersonID: 1, AssessedOn: day, NextPlanCheck: day}}, nil},
		{"no plan", []family.Person{amy}, []store.ParentRisk{{PersonID: 1, AssessedOn: day}}, []string{"Amy Foster has no safety plan"}},
		{"nothing for the other parent", []family.Person{amy, jordan}, []store.ParentRisk{{PersonID: 1, AssessedOn: day, NextPlanCheck: day}, {PersonID: 2}},
			[]string{"Jordan Price has no practitioner allocated", "Jordan Price has no completed risk assessment (DASH)", "Jordan Price has no safety plan"}},
		{"a parent who left is not asked about", []family.Person{amy, gone}, []store.ParentRisk{{PersonID: 1, AssessedOn: day, NextPlanCheck: day}}, nil},
	} {
		d := familyData{Family: family.Family{People: tc.parents}, Risk: store.RiskSummary{Parents: tc.risks}}
		if got := d.AssessmentGaps(); strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestDecisionToldOf(t *testing.T) {
	decided := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	later := decided.Add(5 * time.Minute)
	pro := store.ReferralRecord{Source: referral.Professional, Status: referral.NotAccepted, DecidedAt: decided}
	self := pro
	self.Source = referral.Self
	with := func(r store.ReferralRecord, f func(*store.ReferralRecord)) store.ReferralRecord { f(&r); return r }
	for _, tc := range []struct {
		name string
		rec  store.ReferralRecord
		warn bool
		want string // part of the text; "" for none at all
	}{
		{"open", with(pro, func(r *store.ReferralRecord) { r.Status = referral.Screening }), false, ""},
		{"a parent accepted hears from their practitioner", with(self, func(r *store.ReferralRecord) { r.Status = referral.Accepted }), false, ""},
		{"a parent not yet told", self, true, "The parent has not been told of this decision"},
		{"a parent told by staff", with(self, func(r *store.ReferralRecord) { r.DecisionToldAt, r.DecisionToldBy = later, "Priya Shah" }), false, "The parent was told of this decision by Priya Shah"},
		{"a parent told, no one named", with(self, func(r *store.ReferralRecord) { r.DecisionToldAt = later }), false, "The parent was told of this decision on"},
		{"decided before the record", with(pro, func(r *store.ReferralRecord) { r.DecisionToldAt = decided }), false, "Decided before Cradle recorded"},
		{"emailed", with(pro, func(r *store.ReferralRecord) { r.DecisionToldAt = later }), false, "The decision was emailed to the referrer on"},
		{"told by phone", with(pro, func(r *store.ReferralRecord) { r.DecisionToldAt, r.DecisionToldBy = later, "Helen Whitaker" }), false, "The referrer was told of this decision by Helen Whitaker"},
		{"no address", pro, true, "there is no email address for the referrer"},
		{"refused", with(pro, func(r *store.ReferralRecord) {
			r.Messages = []store.Message{{Kind: "referral_outcome", Status: "failed"}}
		}), true, "could not be sent"},
		{"tried twice", with(pro, func(r *store.ReferralRecord) {
			r.Messages = []store.Message{{Kind: "referral_outcome", Status: "pending", Attempts: 2}}
		}), true, "tried 2 times"},
		{"waiting", with(pro, func(r *store.ReferralRecord) {
			r.Messages = []store.Message{{Kind: "referral_outcome", Status: "pending"}}
		}), false, "waiting to be sent"},
	} {
		got := decisionToldOf(tc.rec)
		if got.Warn != tc.warn || (tc.want == "" && got.Text != "") || !strings.Contains(got.Text, tc.want) {
			t.Errorf("%s: %+v, want warn %t and %q", tc.name, got, tc.warn, tc.want)
		}
	}
}
