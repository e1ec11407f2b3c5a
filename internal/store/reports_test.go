package store_test

import (
	"errors"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/report"
	"github.com/cradle-org/cradle/internal/store"
	"github.com/cradle-org/cradle/internal/store/storetest"
)

func d(y int, m time.Month, dd int) time.Time { return time.Date(y, m, dd, 0, 0, 0, 0, time.UTC) }

func at(y int, m time.Month, dd, h int) time.Time { return time.Date(y, m, dd, h, 0, 0, 0, time.UTC) }

// mustExec writes rows behind the store's back (see RawExec), failing the
// test if it cannot.
func mustExec(t *testing.T, db *store.DB, q string, args ...any) {
	t.Helper()
	if err := db.RawExec(ctx, q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// seedReportDataset writes a small, fixed programme by hand (raw rows, so
// nothing but the report queries is under test). The expected figures in
// TestFigures were counted by hand from these rows; the comments say why.
func seedReportDataset(t *testing.T, db *store.DB) {
	t.Helper()
	now := d(2026, 7, 1)
	mustExec(t, db, `INSERT INTO areas (id, name, created_at) VALUES (1, 'North', $1), (2, 'South', $1)`, now)
	for id := 1; id <= 3; id++ {
		mustExec(t, db, `INSERT INTO staff (id, email, name, role, password_hash_sealed, totp_secret_sealed, created_at, updated_at)
			VALUES ($1, $2, 'Staff', 'practitioner', 'x', 'x', $3, $3)`, id, "s"+string(rune('0'+id))+"@example.org", now)
	}
	// Families 1–8 in North, 9–10 in South; 1, 3 and 6 are closed.
	stages := map[int]string{1: "closed", 2: "antenatal", 3: "closed", 4: "postnatal", 5: "postnatal", 6: "closed", 7: "referral", 8: "antenatal", 9: "antenatal", 10: "birth"}
	for id := 1; id <= 10; id++ {
		area := 1
		if id >= 9 {
			area = 2
		}
		mustExec(t, db, `INSERT INTO families (id, reference, area_id, stage, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)`, id, "FAM-"+string(rune('A'+id)), area, stages[id], now)
		mustExec(t, db, `INSERT INTO people (id, family_id, kind, parent_slot, created_at, updated_at) VALUES ($1, $2, 'parent', 1, $3, $3)`, id*10, id, now)
	}
	ref := func(id int, source, role string, area any, received time.Time, family any) {
		mustExec(t, db, `INSERT INTO referrals (id, reference, source, referrer_role, area_id, family_id, received_at, content_sealed) VALUES ($1, $2, $3, $4, $5, $6, $7, '')`,
			id, "REF-"+string(rune('A'+id)), source, role, area, family, received)
	}
	ref(1, "self", "", 1, at(2026, 1, 5, 9), 1)
	ref(2, "professional", "social_worker", 1, at(2026, 1, 12, 9), 2)
	ref(3, "professional", "social_worker", 1, at(2026, 2, 3, 9), 3)
	ref(4, "professional", "midwife", 1, at(2026, 3, 1, 9), nil)
	ref(5, "partner", "midwife", 1, at(2026, 3, 10, 9), 4)
	ref(6, "professional", "social_worker", 1, at(2026, 4, 2, 9), 5)
	ref(7, "self", "", 1, at(2026, 4, 20, 9), nil)
	ref(8, "professional", "social_worker", 1, at(2025, 12, 1, 9), 6) // before the range
	ref(9, "professional", "health_visitor", 2, at(2026, 5, 2, 9), 9)
	ref(10, "professional", "", nil, at(2026, 2, 14, 9), nil) // outside every area
	ses := func(familyID int, on time.Time, attendance string) {
		mustExec(t, db, `INSERT INTO case_sessions (family_id, person_id, staff_id, held_on, mode, attendance, kind, created_at, updated_at)
			VALUES ($1, $2, 1, $3, 'home', $4, 'session', $5, $5)`, familyID, familyID*10, on, attendance, now)
	}
	ses(1, d(2026, 1, 10), "attended") // 5 days after referral
	ses(1, d(2026, 2, 1), "attended")
	ses(2, d(2026, 1, 20), "did_not_attend")
	ses(2, d(2026, 1, 25), "attended") // 13 days
	ses(3, d(2026, 3, 1), "cancelled_by_parent")
	ses(4, d(2026, 3, 20), "attended") // 10 days
	ses(9, d(2026, 5, 20), "attended") // 18 days
	ses(9, d(2026, 5, 25), "cancelled_by_practitioner")
	ses(6, d(2025, 12, 20), "attended") // before the range
	closure := func(familyID int, kind, reason string, on time.Time, reopened any) {
		mustExec(t, db, `INSERT INTO closures (family_id, kind, reason, closed_on, requested_by, reopened_at, created_at) VALUES ($1, $2, $3, $4, 1, $5, $6)`,
			familyID, kind, reason, on, reopened, now)
	}
	closure(1, "planned", "planned_end", d(2026, 6, 1), nil)
	closure(3, "early", "withdrew", d(2026, 4, 1), nil)
	closure(5, "early", "disengaged", d(2026, 5, 1), at(2026, 5, 10, 9)) // re-opened: not counted
	closure(6, "planned", "planned_end", d(2026, 2, 1), nil)
	alloc := func(familyID, staffID int, ended any) {
		mustExec(t, db, `INSERT INTO allocations (family_id, person_id, staff_id, started_at, ended_at) VALUES ($1, $2, $3, $4, $5)`, familyID, familyID*10, staffID, now, ended)
	}
	alloc(2, 1, nil)
	alloc(4, 1, nil)
	alloc(5, 2, nil)
	alloc(9, 3, nil)
	alloc(8, 1, now) // ended
	concern := func(area, familyID int, raised, due time.Time, decision string, decided any) {
		status := "open"
		if decision != "" {
			status = "decided"
		}
		mustExec(t, db, `INSERT INTO safeguarding_concerns (family_id, raised_by, raised_at, decision_due_at, status, decision, decided_at, area_id) VALUES ($1, 1, $2, $3, $4, $5, $6, $7)`,
			familyID, raised, due, status, decision, decided, area)
	}
	concern(1, 2, at(2026, 2, 2, 9), at(2026, 2, 2, 17), "csc_referral", at(2026, 2, 2, 13)) // 4 hours, in time
	concern(1, 4, at(2026, 3, 3, 10), at(2026, 3, 3, 17), "advice", at(2026, 3, 4, 10))      // 24 hours, late
	concern(2, 9, at(2026, 4, 1, 10), at(2026, 4, 1, 17), "", nil)                           // awaiting
	concern(1, 2, at(2025, 11, 1, 10), at(2025, 11, 1, 17), "advice", at(2025, 11, 1, 11))   // before the range
	marac := func(familyID int, on time.Time) {
		mustExec(t, db, `INSERT INTO marac_referrals (family_id, person_id, referred_on, created_at) VALUES ($1, $2, $3, $4)`, familyID, familyID*10, on, now)
	}
	marac(2, d(2026, 2, 10))
	marac(9, d(2026, 5, 10))
	marac(4, d(2025, 10, 1))
	mustExec(t, db, `INSERT INTO safety_plans (id, family_id, person_id, staff_id, created_at, updated_at) VALUES (1, 2, 20, 1, $1, $1), (2, 4, 40, 1, $2, $2)`, at(2026, 1, 15, 9), at(2026, 3, 25, 9))
	mustExec(t, db, `INSERT INTO safety_plan_reviews (plan_id, reviewed_on, reviewed_by, created_at) VALUES (1, $1, 1, $2)`, d(2026, 4, 15), now)
	status := func(familyID int, s string, from time.Time) {
		mustExec(t, db, `INSERT INTO safeguarding_status_history (family_id, status, from_date, created_at) VALUES ($1, $2, $3, $4)`, familyID, s, from, now)
	}
	status(2, "child_protection_plan", d(2026, 1, 1)) // stepped down twice
	status(2, "child_in_need", d(2026, 3, 1))
	status(2, "none", d(2026, 5, 1))
	status(4, "none", d(2026, 1, 1)) // stepped up
	status(4, "child_in_need", d(2026, 4, 1))
	status(9, "child_in_need", d(2026, 5, 1)) // unchanged
}

func TestFigures(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		seedReportDataset(t, db)
		// Parents who left while the other carried on (raw rows, with the
		// parent of each family standing in). 20 (North) left twice in the
		// range, rejoining between: counted twice. 70 (North) left in
		// January and rejoined; 40 (North) left on the range's last day;
		// 90 (South) in May. 50 left before the range (rejoining in it) and
		// 80 the day after it: not counted.
		leave := func(id, familyID int, reason string, on time.Time, rejoined any) {
			mustExec(t, db, `INSERT INTO departures (id, family_id, person_id, reason, note_sealed, left_on, rejoined_on, created_by, created_at)
				VALUES ($1, $2, $3, $4, '', $5, $6, 1, $7)`, id, familyID, familyID*10, reason, on, rejoined, d(2026, 7, 1))
		}
		leave(1, 2, "withdrew", d(2026, 2, 10), d(2026, 3, 1))
		leave(2, 2, "withdrew", d(2026, 4, 15), nil)
		leave(3, 7, "safety_concern", d(2026, 1, 20), d(2026, 2, 1))
		leave(4, 4, "moved_out_of_area", d(2026, 6, 30), nil)
		leave(5, 9, "disengaged", d(2026, 5, 12), nil)
		leave(6, 5, "disengaged", d(2025, 12, 15), d(2026, 1, 10))
		leave(7, 8, "other", d(2026, 7, 1), nil)
		// 30 (North) was joining later from March and joined in April: had
		// not started, so did not leave; not counted.
		leave(8, 3, "joining_later", d(2026, 3, 2), d(2026, 4, 1))
		// 100 (South) is joining later still. Not taking part now, as their
		// pages say: 20, 40, 80 and 90, who left and have not rejoined, and 100.
		leave(9, 10, "joining_later", d(2026, 6, 1), nil)
		mustExec(t, db, `UPDATE people SET active = FALSE WHERE id IN (20, 40, 80, 90, 100)`)
		participation := func(taking, left, joining int) []report.KeyCount {
			return []report.KeyCount{{Key: "taking_part", Label: "Taking part", N: taking},
				{Key: "left", Label: "Left the programme (not rejoined)", N: left}, {Key: "joining_later", Label: "Joining later", N: joining}}
		}
		dsl := policy.Actor{StaffID: 1, Role: policy.DSL}
		f, err := db.Figures(ctx, dsl, store.ReportScope{From: d(2026, 1, 1), To: d(2026, 6, 30)})
		if err != nil {
			t.Fatal(err)
		}
		check := func(name string, got, want any) {
			t.Helper()
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s = %v, want %v", name, got, want)
			}
		}
		// Referrals 1–7, 9 and 10 fall in the range; 1–5 and 9 became families.
		check("Referred", f.Referred, 9)
		check("Accepted", f.Accepted, 6)
		check("Engaged", f.Engaged, 4) // families 1, 2, 4, 9 attended a session
		check("Completed", f.Completed, 1)
		check("FirstContactDays", f.FirstContactDays, []float64{5, 10, 13, 18})
		check("BySource", f.ReferralsBySource, []report.KeyCount{
			{Key: "social_worker", Label: "Social worker", N: 3}, {Key: "midwife", Label: "Midwife", N: 2}, {Key: "self", Label: "Self-referral", N: 2},
			{Key: "health_visitor", Label: "Health visitor", N: 1}, {Key: "other", Label: "Other", N: 1}})
		check("ByArea", f.ReferralsByArea, []report.KeyCount{{Key: "North", Label: "North", N: 7}, {Key: "Outside every area", Label: "Outside every area", N: 1}, {Key: "South", Label: "South", N: 1}})
		months := map[string]int{}
		for _, m := range f.ReferralsByMonth {
			months[m.Month] += m.N
		}
		check("ByMonth", months, map[string]int{"2026-01": 2, "2026-02": 2, "2026-03": 2, "2026-04": 2, "2026-05": 1})
		// By month and area: referrals 1–2 (January), 3 and 10 (February,
		// 10 in no area), 4–5 (March), 6–7 (April) in North; 9 (May) in South.
		mc := func(month, area string, n int) report.MonthCount {
			return report.MonthCount{Month: month, Key: area, Label: area, N: n}
		}
		check("ByMonthArea", f.ReferralsByMonthArea, []report.MonthCount{mc("2026-01", "North", 2), mc("2026-02", "North", 1), mc("2026-02", "Outside every area", 1),
			mc("2026-03", "North", 2), mc("2026-04", "North", 2), mc("2026-05", "South", 1)})
		// Open now: 2, 4, 5, 7, 8 (North) and 9, 10 (South).
		check("OpenFamilies", f.OpenFamilies, 7)
		check("OpenByArea", f.OpenByArea, []report.KeyCount{{Key: "North", Label: "North", N: 5}, {Key: "South", Label: "South", N: 2}})
		check("Practitioners", []int{f.Practitioners, f.ParentsAllocated, f.LargestCaseload}, []int{3, 4, 2})
		// The parents of the open families 2, 4, 5, 7, 8, 9 and 10 (closed
		// 1, 3 and 6 are not counted, whatever their parents' state).
		check("Participation", f.ParentsByParticipation, participation(2, 4, 1))
		check("Sessions", []int{f.SessionsAttended, f.SessionsMissed, f.SessionsCancelledByParent, f.SessionsCancelledByStaff, f.Offered()}, []int{5, 1, 1, 1, 7})
		check("Closures", f.ClosuresByReason, []report.KeyCount{{Key: "planned_end", Label: "Planned ending at the baby's second birthday", N: 2}, {Key: "withdrew", Label: "Withdrew", N: 1}})
		// In the reasons' list order, not the order SQL groups them in.
		check("Departures", f.DeparturesByReason, []report.KeyCount{{Key: "withdrew", Label: "Withdrew", N: 2}, {Key: "disengaged", Label: "Disengaged", N: 1},
			{Key: "moved_out_of_area", Label: "Moved out of area", N: 1}, {Key: "safety_concern", Label: "Safety concern", N: 1}})
		check("Concerns", f.Concerns, 3)
		check("DecisionHours", f.DecisionHours, []float64{4, 24})
		check("DecidedInTime", f.DecidedInTime, 1)
		check("MARAC", f.MARACReferrals, 2)
		check("SafetyPlans", []int{f.SafetyPlans, f.SafetyPlanReviews}, []int{2, 1})
		check("Status", []int{f.StatusFamilies, f.StatusSteppedDown, f.StatusSteppedUp}, []int{3, 1, 1})

		// One area: North only.
		mgr := policy.Actor{StaffID: 2, Role: policy.TeamManager, Areas: []int64{1}}
		n, err := db.Figures(ctx, mgr, store.ReportScope{From: d(2026, 1, 1), To: d(2026, 6, 30), AreaIDs: []int64{1}})
		if err != nil {
			t.Fatal(err)
		}
		check("North referred", []int{n.Referred, n.Accepted, n.Engaged, n.Completed}, []int{7, 5, 3, 1})
		check("North sessions", []int{n.SessionsAttended, n.SessionsMissed, n.SessionsCancelledByParent, n.SessionsCancelledByStaff}, []int{4, 1, 1, 0})
		check("North concerns", []int{n.Concerns, n.MARACReferrals, n.OpenFamilies, n.StatusFamilies}, []int{2, 1, 5, 2})
		check("North areas", n.Areas, []string{"North"})
		check("North departures", n.DeparturesByReason, []report.KeyCount{{Key: "withdrew", Label: "Withdrew", N: 2},
			{Key: "moved_out_of_area", Label: "Moved out of area", N: 1}, {Key: "safety_concern", Label: "Safety concern", N: 1}})
		// Both plans and the review are North's: an area's count finds each
		// review's family through its plan.
		check("North safety plans", []int{n.SafetyPlans, n.SafetyPlanReviews}, []int{2, 1})
		check("North participation", n.ParentsByParticipation, participation(2, 3, 0))
		south, err := db.Figures(ctx, policy.Actor{StaffID: 2, Role: policy.TeamManager, Areas: []int64{2}}, store.ReportScope{From: d(2026, 1, 1), To: d(2026, 6, 30), AreaIDs: []int64{2}})
		if err != nil {
			t.Fatal(err)
		}
		check("South safety plans", []int{south.SafetyPlans, south.SafetyPlanReviews}, []int{0, 0})
		check("South departures", south.DeparturesByReason, []report.KeyCount{{Key: "disengaged", Label: "Disengaged", N: 1}})
		check("South participation", south.ParentsByParticipation, participation(0, 1, 1))
		check("North by month and area", n.ReferralsByMonthArea, []report.MonthCount{mc("2026-01", "North", 2), mc("2026-02", "North", 1), mc("2026-03", "North", 2), mc("2026-04", "North", 2)})

		// A narrower date range: January only.
		j, err := db.Figures(ctx, dsl, store.ReportScope{From: d(2026, 1, 1), To: d(2026, 1, 31)})
		if err != nil {
			t.Fatal(err)
		}
		check("January", []int{j.Referred, j.SessionsAttended, j.SafetyPlans}, []int{2, 2, 1})
		check("January departures", j.DeparturesByReason, []report.KeyCount{{Key: "safety_concern", Label: "Safety concern", N: 1}})

		// Refusals: a manager asking for another area or for every area, a practitioner.
		for name, c := range map[string]struct {
			actor policy.Actor
			areas []int64
		}{
			"manager other area": {mgr, []int64{2}},
			"manager every area": {mgr, nil},
			"practitioner":       {policy.Actor{StaffID: 1, Role: policy.Practitioner, Areas: []int64{1}}, []int64{1}},
			"signed out":         {policy.Actor{}, nil},
		} {
			_, err := db.Figures(ctx, c.actor, store.ReportScope{From: d(2026, 1, 1), To: d(2026, 6, 30), AreaIDs: c.areas})
			var pe *problem.Error
			if !errors.As(err, &pe) || pe.Code != problem.Forbidden {
				t.Errorf("%s: err = %v, want forbidden", name, err)
			}
		}
	})
}

// TestRetentionFigures: families still in the programme when their baby
// reached 6, 12 and 24 months, on a day in the range and by today, counted
// by hand from the rows below (added to seedReportDataset's, whose
// closures are: 1 planned 1 June 2026, 3 early 1 April 2026, 5 early 1 May
// 2026 re-opened 10 May, 6 planned 1 February 2026).
func TestRetentionFigures(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			today := time.Date(2026, 7, 1, 9, 0, 0, 0, time.UTC)
			db := storetest.OpenWith(t, b, store.Options{Keys: storetest.Keys(t), Now: func() time.Time { return today }})
			seedReportDataset(t, db)
			baby := func(id, familyID int, born time.Time) {
				mustExec(t, db, `INSERT INTO people (id, family_id, kind, date_of_birth, created_at, updated_at) VALUES ($1, $2, 'baby', $3, $4, $4)`, id, familyID, born, today)
			}
			accepted := func(familyID int, on time.Time) {
				mustExec(t, db, `UPDATE families SET accepted_on = $1 WHERE id = $2`, on, familyID)
			}
			// Family: accepted, baby born → the ages reached in 2026 by 1 July.
			accepted(1, d(2024, 1, 10))
			baby(1001, 1, d(2024, 6, 1)) // 24 months on 1 June 2026: closed that day at the planned end, so retained
			accepted(2, d(2025, 7, 1))
			baby(1002, 2, d(2025, 8, 15)) // 6 months on 15 February: open; 12 months on 15 August, after today: not yet
			accepted(3, d(2024, 12, 1))
			baby(1003, 3, d(2025, 1, 20)) // 12 months on 20 January, before its early closure on 1 April: retained
			accepted(4, d(2025, 9, 1))
			baby(1004, 4, d(2025, 10, 31)) // 6 months on 30 April (31 October + 6 months, clamped)
			mustExec(t, db, `INSERT INTO closures (family_id, kind, reason, closed_on, requested_by, reopened_at, created_at) VALUES (4, 'early', 'disengaged', $1, 1, $2, $3)`,
				d(2026, 3, 15), at(2026, 5, 5, 9), today) // closed early 15 March, re-opened only on 5 May: not retained at 30 April
			accepted(5, d(2025, 4, 1))
			baby(1005, 5, d(2025, 5, 20)) // 12 months on 20 May: closed early 1 May but re-opened 10 May, so retained
			accepted(6, d(2024, 1, 5))
			baby(1006, 6, d(2024, 2, 1))  // 24 months on 1 February: closed that day at the planned end, so retained
			baby(1007, 7, d(2025, 9, 10)) // never accepted: not counted
			accepted(8, d(2026, 5, 1))
			baby(1008, 8, d(2025, 10, 1)) // 6 months on 1 April, before it was accepted: not counted
			accepted(9, d(2025, 11, 1))
			baby(1009, 9, d(2025, 12, 5)) // South; 6 months on 5 June, the day it was closed early: not retained
			mustExec(t, db, `INSERT INTO closures (family_id, kind, reason, closed_on, requested_by, created_at) VALUES (9, 'early', 'moved_out_of_area', $1, 1, $2)`, d(2026, 6, 5), today)
			accepted(10, d(2025, 6, 1))
			baby(1010, 10, d(2025, 7, 1)) // South, twins: 6 months on 1 January, 12 months on 1 July (today); counted once
			baby(1011, 10, d(2025, 7, 1))

			dsl := policy.Actor{StaffID: 1, Role: policy.DSL}
			mgr := policy.Actor{StaffID: 2, Role: policy.TeamManager, Areas: []int64{1}}
			for _, c := range []struct {
				name     string
				actor    policy.Actor
				sc       store.ReportScope
				reached  []int // at 6, 12, 24 months
				retained []int
			}{
				// 6 months: 2, 4, 9, 10 (2 and 10 retained); 12: 3, 5, 10 (all);
				// 24: 1, 6 (both).
				{"2026", dsl, store.ReportScope{From: d(2026, 1, 1), To: d(2026, 12, 31)}, []int{4, 3, 2}, []int{2, 3, 2}},
				// Without 1 January and 1 July, family 10 drops out of both.
				{"2 January to 30 June", dsl, store.ReportScope{From: d(2026, 1, 2), To: d(2026, 6, 30)}, []int{3, 2, 2}, []int{1, 2, 2}},
				// North: 2 and 4; 3 and 5; 1 and 6.
				{"North", mgr, store.ReportScope{From: d(2026, 1, 1), To: d(2026, 12, 31), AreaIDs: []int64{1}}, []int{2, 2, 2}, []int{1, 2, 2}},
				// 2025: 6 months for 3 (20 July) and 5 (20 November), 12 months
				// for 6 (1 February) and 1 (1 June), all before any closure.
				{"2025", dsl, store.ReportScope{From: d(2025, 1, 1), To: d(2025, 12, 31)}, []int{2, 2, 0}, []int{2, 2, 0}},
			} {
				f, err := db.Figures(ctx, c.actor, c.sc)
				if err != nil {
					t.Fatal(err)
				}
				var reached, retained []int
				for i, r := range f.Retention {
					if r.Months != report.RetentionAges()[i] {
						t.Errorf("%s: row %d is %d months", c.name, i, r.Months)
					}
					reached, retained = append(reached, r.Reached), append(retained, r.Engaged)
				}
				if !reflect.DeepEqual(reached, c.reached) || !reflect.DeepEqual(retained, c.retained) {
					t.Errorf("%s: reached %v, retained %v; want %v, %v", c.name, reached, retained, c.reached, c.retained)
				}
			}
		})
	}
}

// TestFiguresAreReusedForAFewMinutes: with a cache time set, a second
// request for the same scope gets the same figures (still authorised and
// audited), and figures older than that are worked out again.
func TestFiguresAreReusedForAFewMinutes(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			now := time.Date(2026, 7, 1, 9, 0, 0, 0, time.UTC)
			db := storetest.OpenWith(t, b, store.Options{Keys: storetest.Keys(t), Now: func() time.Time { return now }, ReportCacheTTL: 5 * time.Minute})
			seedReportDataset(t, db)
			mgr := policy.Actor{StaffID: 2, Role: policy.TeamManager, Areas: []int64{1}}
			sc := store.ReportScope{From: d(2026, 1, 1), To: d(2026, 6, 30), AreaIDs: []int64{1}}
			referred := func() int {
				t.Helper()
				f, err := db.Figures(ctx, mgr, sc)
				if err != nil {
					t.Fatal(err)
				}
				return f.Referred
			}
			if n := referred(); n != 7 {
				t.Fatalf("referred = %d, want 7", n)
			}
			mustExec(t, db, `UPDATE referrals SET received_at = $1 WHERE id = 1`, d(2025, 1, 1))
			now = now.Add(4 * time.Minute)
			if n := referred(); n != 7 {
				t.Errorf("four minutes on: referred = %d, want the kept 7", n)
			}
			if _, err := db.Figures(ctx, policy.Actor{StaffID: 3, Role: policy.TeamManager, Areas: []int64{2}}, sc); err == nil {
				t.Error("another area's manager got the kept figures")
			}
			now = now.Add(2 * time.Minute)
			if n := referred(); n != 6 {
				t.Errorf("six minutes on: referred = %d, want 6 worked out again", n)
			}
			es, err := db.AuditEntries(ctx, store.AuditFilter{Actions: []string{"report.view"}})
			if err != nil || len(es) != 3 {
				t.Errorf("report.view entries: %d, %v; want 3 (one per allowed request)", len(es), err)
			}
		})
	}
}

// TestFiguresForReadsOnlyTheParts: a section's page asks for its parts;
// each part is read, kept and timed on its own, the figures say which
// parts they hold, and together they are the figures read all at once.
func TestFiguresForReadsOnlyTheParts(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			now := time.Date(2026, 7, 1, 9, 0, 0, 0, time.UTC)
			db := storetest.OpenWith(t, b, store.Options{Keys: storetest.Keys(t), Now: func() time.Time { return now }, ReportCacheTTL: 5 * time.Minute})
			seedReportDataset(t, db)
			dsl := policy.Actor{StaffID: 1, Role: policy.DSL}
			sc := store.ReportScope{From: d(2026, 1, 1), To: d(2026, 6, 30)}
			all, err := db.Figures(ctx, dsl, sc) // read (and kept) at 09:00
			if err != nil {
				t.Fatal(err)
			}
			if all.Parts != report.FigureParts || all.Referred == 0 || all.Concerns == 0 || all.OpenFamilies == 0 {
				t.Fatalf("all the figures: parts %b, referred %d, concerns %d, open %d", all.Parts, all.Referred, all.Concerns, all.OpenFamilies)
			}
			// A concern raised later shows once the safeguarding part is
			// read again; the referrals part is still the one kept.
			mustExec(t, db, `UPDATE safeguarding_concerns SET raised_at = $1 WHERE id = (SELECT MIN(id) FROM safeguarding_concerns)`, d(2025, 1, 1))
			now = now.Add(6 * time.Minute)
			safe, err := db.FiguresFor(ctx, dsl, sc, report.PartSafeguarding)
			if err != nil {
				t.Fatal(err)
			}
			if safe.Parts != report.PartSafeguarding || safe.Concerns != all.Concerns-1 || !safe.AsOf.Equal(now) {
				t.Errorf("safeguarding alone: parts %b, concerns %d (want %d), as of %v", safe.Parts, safe.Concerns, all.Concerns-1, safe.AsOf)
			}
			if safe.Referred != 0 || safe.OpenFamilies != 0 || safe.StatusFamilies != 0 || safe.SessionsAttended != 0 {
				t.Errorf("safeguarding alone holds other parts' figures: %+v", safe)
			}
			mustExec(t, db, `UPDATE referrals SET received_at = $1 WHERE id = 1`, d(2025, 1, 1))
			now = now.Add(time.Minute)
			both, err := db.FiguresFor(ctx, dsl, sc, report.PartSafeguarding|report.PartReferrals)
			if err != nil {
				t.Fatal(err)
			}
			if both.Concerns != all.Concerns-1 || both.Referred != all.Referred-1 || !both.AsOf.Equal(now.Add(-time.Minute)) {
				t.Errorf("both: concerns %d, referred %d (want %d, %d), as of %v (the older part's)", both.Concerns, both.Referred, all.Concerns-1, all.Referred-1, both.AsOf)
			}
			es, err := db.AuditEntries(ctx, store.AuditFilter{Actions: []string{"report.view"}})
			if err != nil || len(es) != 3 {
				t.Errorf("report.view entries: %d, %v; want 3 (one per request)", len(es), err)
			}
			if _, err := db.FiguresFor(ctx, policy.Actor{StaffID: 3, Role: policy.TeamManager, Areas: []int64{2}}, sc, report.PartSafeguarding); err == nil {
				t.Error("a manager got every area's kept safeguarding figures")
			}
		})
	}
}

func TestOutcomeChange(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		seedReportDataset(t, db)
		result := func(person int, instrument, timepoint string, on time.Time, score float64) {
			t.Helper()
			mustExec(t, db, `INSERT INTO measure_results (family_id, person_id, instrument, timepoint, taken_on, total, score, created_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, person/10, person, instrument, timepoint, on, score, score, d(2026, 7, 1))
		}
		// PHQ-9 for five parents: baseline 10, 12, 14, 16, 18; latest 6, 9, 10, 13, 12.
		// Changes −4, −3, −4, −3, −6: mean −4; SD of baseline √10, so d = −4/√10 = −1.26;
		// one fell by 6 (the reliable change): 20%, but of one person, so suppressed.
		before := []float64{10, 12, 14, 16, 18}
		after := []float64{6, 9, 10, 13, 12}
		for i := range before {
			p := (i + 1) * 10
			result(p, "phq9", "baseline", d(2026, 1, 10), before[i])
			result(p, "phq9", "m6", d(2026, 3, 10), before[i]+1) // overtaken by the later result
			result(p, "phq9", "m12", d(2026, 5, 10), after[i])
		}
		// GAD-7 for four people only: every figure suppressed.
		for p := 10; p <= 40; p += 10 {
			result(p, "gad7", "baseline", d(2026, 1, 10), 12)
			result(p, "gad7", "m12", d(2026, 5, 10), 6)
		}
		// A follow-up outside the range does not count.
		result(90, "phq9", "baseline", d(2025, 1, 10), 20)
		result(90, "phq9", "m12", d(2025, 6, 10), 2)
		instruments := []store.OutcomeInstrument{
			{Key: "phq9", Label: "PHQ-9", Direction: report.LowerBetter, ReliableChange: 6, Order: []string{"baseline", "m6", "m12"}},
			{Key: "gad7", Label: "GAD-7", Direction: report.LowerBetter, ReliableChange: 4, Order: []string{"baseline", "m6", "m12"}},
			{Key: "core10", Label: "CORE-10", Direction: report.LowerBetter, ReliableChange: 6, Order: []string{"baseline", "m6", "m12"}},
		}
		dsl := policy.Actor{StaffID: 1, Role: policy.DSL}
		// First from the scores (the pairs follow the shipped order), then
		// from the pairs, once they follow this order.
		for _, way := range []string{"from the scores", "from the pairs"} {
			if way == "from the pairs" {
				if err := db.SetOutcomeOrder(ctx, []string{"baseline", "m6", "m12"}); err != nil {
					t.Fatal(err)
				}
			}
			tab, err := db.OutcomeChange(ctx, dsl, store.ReportScope{From: d(2026, 1, 1), To: d(2026, 6, 30)}, instruments)
			if err != nil {
				t.Fatal(err)
			}
			var got [][]string
			for _, row := range tab.Rows {
				var cells []string
				for _, c := range row {
					cells = append(cells, c.String())
				}
				got = append(got, cells)
			}
			want := [][]string{
				{"PHQ-9", "5", "14.0", "10.0", "-4.0", "-1.26", "[c]"},
				{"GAD-7", "[c]", "[c]", "[c]", "[c]", "[c]", "[c]"},
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s: outcome change =\n%v\nwant\n%v", way, got, want)
			}
			// A range from before the first score counts the earlier follow-up too.
			all, err := db.OutcomeChange(ctx, dsl, store.ReportScope{From: d(2020, 1, 1), To: d(2026, 6, 30)}, instruments)
			if err != nil {
				t.Fatal(err)
			}
			if len(all.Rows) == 0 || all.Rows[0][1].String() != "6" {
				t.Errorf("%s: outcome change from 2020: %v, want PHQ-9 for 6 people", way, all.Rows)
			}
		}
		// A manager sees their own area only; the practitioner none.
		if _, err := db.OutcomeChange(ctx, policy.Actor{StaffID: 2, Role: policy.TeamManager, Areas: []int64{1}}, store.ReportScope{From: d(2026, 1, 1), To: d(2026, 6, 30), AreaIDs: []int64{2}}, instruments); problem.CodeOf(err) != problem.Forbidden {
			t.Errorf("manager, other area: %v", err)
		}
		if _, err := db.OutcomeChange(ctx, policy.Actor{StaffID: 3, Role: policy.Practitioner, Areas: []int64{1}}, store.ReportScope{From: d(2026, 1, 1), To: d(2026, 6, 30), AreaIDs: []int64{1}}, instruments); problem.CodeOf(err) != problem.Forbidden {
			t.Errorf("practitioner: %v", err)
		}
	})
}

// TestOutcomeChangeEdges: a follow-up on the range's first or last day
// counts and one a day outside does not; a removed score or a timepoint no
// longer configured is passed over for the one before; a person whose
// latest follow-up is outside the range is left out even if an earlier one
// is inside; a manager's area counts its own people only.
func TestOutcomeChangeEdges(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		seedReportDataset(t, db)
		result := func(person int, timepoint string, on time.Time, score float64, removed any) {
			t.Helper()
			mustExec(t, db, `INSERT INTO measure_results (family_id, person_id, instrument, timepoint, taken_on, total, score, created_at, removed_at)
				VALUES ($1, $2, 'phq9', $3, $4, $5, $6, $7, $8)`, person/10, person, timepoint, on, score, score, d(2026, 7, 1), removed)
		}
		for _, p := range []int{10, 20, 30, 40, 50, 60, 70, 90} {
			result(p, "baseline", d(2026, 1, 10), 10, nil) // before the range: the range's people are filtered
		}
		result(10, "m12", d(2026, 2, 1), 8, nil)  // the first day: counts
		result(20, "m12", d(2026, 5, 31), 7, nil) // the last day: counts
		result(30, "m6", d(2026, 3, 1), 9, nil)   // counts: the m12 after it was removed
		result(30, "m12", d(2026, 4, 1), 5, d(2026, 4, 2))
		result(40, "m6", d(2026, 3, 1), 6, nil) // counts: m99 is not configured
		result(40, "m99", d(2026, 4, 1), 20, nil)
		result(50, "m6", d(2026, 3, 1), 9, nil) // left out: the latest is a day after the range
		result(50, "m12", d(2026, 6, 1), 1, nil)
		result(60, "m12", d(2026, 1, 31), 1, nil) // left out: a day before
		result(70, "m6", d(2026, 3, 1), 8, nil)   // counts
		result(80, "m6", d(2026, 3, 1), 1, nil)   // left out: no baseline
		result(90, "m12", d(2026, 3, 1), 4, nil)  // counts, in the South
		instruments := []store.OutcomeInstrument{{Key: "phq9", Label: "PHQ-9", Direction: report.LowerBetter, ReliableChange: 6, Order: []string{"baseline", "m6", "m12"}}}
		for _, way := range []string{"from the scores", "from the pairs"} {
			if way == "from the pairs" {
				if err := db.SetOutcomeOrder(ctx, []string{"baseline", "m6", "m12"}); err != nil {
					t.Fatal(err)
				}
			}
			for _, tc := range []struct {
				name  string
				actor policy.Actor
				areas []int64
				want  []string // people, mean at baseline, at follow-up, change
			}{
				{"every area", policy.Actor{StaffID: 1, Role: policy.DSL}, nil, []string{"PHQ-9", "6", "10.0", "7.0", "-3.0"}},
				{"the North's manager", policy.Actor{StaffID: 2, Role: policy.TeamManager, Areas: []int64{1}}, []int64{1}, []string{"PHQ-9", "5", "10.0", "7.6", "-2.4"}},
			} {
				tab, err := db.OutcomeChange(ctx, tc.actor, store.ReportScope{From: d(2026, 2, 1), To: d(2026, 5, 31), AreaIDs: tc.areas}, instruments)
				if err != nil {
					t.Fatalf("%s, %s: %v", way, tc.name, err)
				}
				if len(tab.Rows) != 1 {
					t.Fatalf("%s, %s: %d rows, want 1", way, tc.name, len(tab.Rows))
				}
				var got []string
				for _, c := range tab.Rows[0][:5] {
					got = append(got, c.String())
				}
				if !reflect.DeepEqual(got, tc.want) {
					t.Errorf("%s, %s: %v, want %v", way, tc.name, got, tc.want)
				}
			}
		}
	})
}

// TestSessionSummariesFollowTheRows: the session counts and family facts
// that migration 14's triggers keep must equal a count of the rows
// themselves, for ranges that start and end inside months as well as on
// their edges, and after sessions are deleted, corrected and a family
// moves area.
func TestSessionSummariesFollowTheRows(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		seedReportDataset(t, db)
		attendances := []string{"attended", "did_not_attend", "cancelled_by_parent", "cancelled_by_practitioner"}
		kinds := []string{"session", "session", "session", "contact"}
		for i := range 300 {
			fam := i%10 + 1
			on := d(2025, 11, 1).AddDate(0, 0, (i*37)%300)
			mustExec(t, db, `INSERT INTO case_sessions (family_id, person_id, staff_id, held_on, mode, attendance, kind, created_at, updated_at)
				VALUES ($1, $2, 1, $3, 'home', $4, $5, $6, $6)`, fam, fam*10, on, attendances[(i/3)%4], kinds[(i/7)%4], d(2026, 7, 1))
		}
		dsl := policy.Actor{StaffID: 1, Role: policy.DSL}
		ranges := [][2]time.Time{
			{d(2026, 1, 1), d(2026, 6, 30)}, {d(2026, 1, 15), d(2026, 3, 10)}, {d(2026, 2, 1), d(2026, 2, 28)}, {d(2026, 2, 3), d(2026, 2, 3)},
			{d(2025, 12, 31), d(2026, 1, 1)}, {d(2025, 11, 1), d(2026, 8, 31)}, {d(2026, 3, 31), d(2026, 5, 1)}, {d(2025, 11, 2), d(2026, 8, 30)},
		}
		check := func(stage string) {
			t.Helper()
			for _, r := range ranges {
				for _, areas := range [][]int64{nil, {1}, {2}} {
					f, err := db.Figures(ctx, dsl, store.ReportScope{From: r[0], To: r[1], AreaIDs: areas})
					if err != nil {
						t.Fatal(err)
					}
					got := []int{f.SessionsAttended, f.SessionsMissed, f.SessionsCancelledByParent, f.SessionsCancelledByStaff}
					var want []int
					for _, att := range attendances {
						q := `SELECT CAST(COUNT(*) AS TEXT) FROM case_sessions s JOIN families f ON f.id = s.family_id
							WHERE s.kind = 'session' AND s.attendance = $1 AND s.held_on >= $2 AND s.held_on < $3`
						args := []any{att, r[0], r[1].AddDate(0, 0, 1)}
						if areas != nil {
							q += ` AND f.area_id = $4`
							args = append(args, areas[0])
						}
						n, err := db.RawString(ctx, q, args...)
						if err != nil {
							t.Fatal(err)
						}
						v, err := strconv.Atoi(n)
						if err != nil {
							t.Fatal(err)
						}
						want = append(want, v)
					}
					if !reflect.DeepEqual(got, want) {
						t.Errorf("%s: sessions %s to %s in areas %v = %v, want %v (counted from the rows)", stage, r[0].Format(time.DateOnly), r[1].Format(time.DateOnly), areas, got, want)
					}
				}
			}
			for fam := 1; fam <= 10; fam++ {
				got, err := db.RawString(ctx, `SELECT COALESCE(CAST(fs.attended AS TEXT), '0') || '/' || COALESCE(CAST(fs.first_session_on AS TEXT), '') || '/' || COALESCE(CAST(fs.last_attended_on AS TEXT), '')
					FROM families f LEFT JOIN family_session_facts fs ON fs.family_id = f.id WHERE f.id = $1`, fam)
				if err != nil {
					t.Fatal(err)
				}
				want, err := db.RawString(ctx, `SELECT CAST(COUNT(*) AS TEXT) || '/' || COALESCE(CAST(MIN(CASE WHEN kind = 'session' THEN held_on END) AS TEXT), '') || '/' || COALESCE(CAST(MAX(held_on) AS TEXT), '')
					FROM case_sessions WHERE family_id = $1 AND attendance = 'attended'`, fam)
				if err != nil {
					t.Fatal(err)
				}
				if got != want {
					t.Errorf("%s: family %d's facts = %s, want %s (attended/first session/last attended, from the rows)", stage, fam, got, want)
				}
			}
		}
		check("as recorded")
		mustExec(t, db, `DELETE FROM case_sessions WHERE family_id = 2`)
		check("after deleting a family's sessions")
		mustExec(t, db, `UPDATE case_sessions SET held_on = $1, attendance = 'attended' WHERE family_id = 4 AND attendance <> 'attended'`, d(2026, 2, 14))
		mustExec(t, db, `UPDATE case_sessions SET kind = 'session' WHERE family_id = 5`)
		mustExec(t, db, `UPDATE case_sessions SET family_id = 7, person_id = 70 WHERE family_id = 8`)
		check("after corrections")
		mustExec(t, db, `UPDATE families SET area_id = 2 WHERE id = 3`)
		check("after a family moved area")
	})
}
