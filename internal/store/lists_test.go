package store_test

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/audit"
	"github.com/cradle-org/cradle/internal/casework"
	"github.com/cradle-org/cradle/internal/family"
	"github.com/cradle-org/cradle/internal/org"
	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/risk"
	"github.com/cradle-org/cradle/internal/safeguarding"
	"github.com/cradle-org/cradle/internal/store"
	"github.com/cradle-org/cradle/internal/store/storetest"
)

// The open-concerns list is paged in SQL: every page holds the concerns the
// actor may read, oldest first, with the total; nothing is capped or lost
// between pages; another area's manager and an unrelated practitioner see
// none of them.
func TestOpenConcernsPaged(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := makeFamily(t, db)
		dsl := seedStaff(t, db, "dsl@example.org", "dsl", "Blackpool")
		away := seedStaff(t, db, "away@example.org", "team_manager", "Hertfordshire")
		no := false
		var raised []int64
		for i := range 7 {
			id, err := db.RaiseConcern(ctx, fx.prac1.Actor(), store.NewConcern{FamilyID: fx.familyID, PersonID: fx.parent1,
				Concern: safeguarding.Concern{About: "worry " + string(rune('a'+i)), AtRisk: safeguarding.AtRiskParent, ImmediateDanger: &no},
				Due:     time.Now().Add(time.Hour)}, nil)
			if err != nil {
				t.Fatal(err)
			}
			raised = append(raised, id)
		}
		for _, tc := range []struct {
			name string
			who  int // index into staff
			want int
		}{{"DSL", 0, 7}, {"the area's manager", 1, 7}, {"the practitioner who raised them", 2, 7}, {"the other parent's practitioner", 3, 0}, {"another area's manager", 4, 0}} {
			actor := []org.Staff{dsl, fx.mgr, fx.prac1, fx.prac2, away}[tc.who].Actor()
			var seen []int64
			for offset := 0; ; offset += 3 {
				page, total, err := db.OpenConcerns(ctx, actor, offset, 3)
				if err != nil {
					t.Fatalf("%s: %v", tc.name, err)
				}
				if total != tc.want {
					t.Errorf("%s: total %d; want %d", tc.name, total, tc.want)
				}
				if len(page) > 3 {
					t.Errorf("%s: a page of 3 held %d", tc.name, len(page))
				}
				for _, c := range page {
					seen = append(seen, c.ID)
				}
				if len(page) < 3 {
					break
				}
			}
			// A page past the end lists the last page (7 concerns: the
			// seventh alone).
			if page, total, err := db.OpenConcerns(ctx, actor, 30, 3); err != nil || total != tc.want ||
				(tc.want > 0 && (len(page) != 1 || page[0].ID != raised[6])) || (tc.want == 0 && len(page) != 0) {
				t.Errorf("%s: past the end: %d of %d (%v); want the last page", tc.name, len(page), total, err)
			}
			if tc.want == 0 && len(seen) != 0 {
				t.Errorf("%s saw %d concerns; want none", tc.name, len(seen))
			}
			if tc.want > 0 && !slices.Equal(seen, raised) {
				t.Errorf("%s: pages held %v; want %v (oldest first, each once)", tc.name, seen, raised)
			}
		}
		// A concern's own area decides whose list it is on; one without
		// an area (from before concerns had one) goes by its family's.
		awayArea, err := db.RawString(ctx, `SELECT CAST(id AS TEXT) FROM areas WHERE name = 'Hertfordshire'`)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.RawExec(ctx, `UPDATE safeguarding_concerns SET area_id = NULL WHERE id = $1`, raised[0]); err != nil {
			t.Fatal(err)
		}
		if err := db.RawExec(ctx, `UPDATE safeguarding_concerns SET area_id = $1 WHERE id = $2`, awayArea, raised[1]); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name string
			who  org.Staff
			want int
		}{{"the family's area's manager", fx.mgr, 6}, {"the concern's area's manager", away, 1}} {
			_, total, err := db.OpenConcerns(ctx, tc.who.Actor(), 0, 10)
			if err != nil || total != tc.want {
				t.Errorf("%s: %d concerns (%v); want %d", tc.name, total, err, tc.want)
			}
		}
	})
}

// The closed-concerns list holds the concerns closed since a given time
// that the actor may read, latest closed first, paged in SQL as the open
// list is; closed ones leave the open list.
func TestClosedConcerns(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := makeFamily(t, db)
		dsl := seedStaff(t, db, "dsl@example.org", "dsl", "Blackpool")
		away := seedStaff(t, db, "away@example.org", "team_manager", "Hertfordshire")
		no := false
		var raised []int64
		for i := range 5 {
			id, err := db.RaiseConcern(ctx, fx.prac1.Actor(), store.NewConcern{FamilyID: fx.familyID, PersonID: fx.parent1,
				Concern: safeguarding.Concern{About: "worry " + string(rune('a'+i)), AtRisk: safeguarding.AtRiskParent, ImmediateDanger: &no},
				Due:     time.Now().Add(time.Hour)}, nil)
			if err != nil {
				t.Fatal(err)
			}
			raised = append(raised, id)
		}
		// Four closed, in the order 3, 1, 0, 2 (closed_at set apart so the
		// order does not hang on the clock's grain); the fifth stays open.
		// The first closed did so two years ago.
		now := time.Now().UTC().Truncate(time.Second)
		for i, n := range []int{3, 1, 0, 2} {
			id := raised[n]
			if err := db.DecideConcern(ctx, dsl.Actor(), id, safeguarding.DecisionInput{Decision: safeguarding.Advice, Reasons: "Advice given."}, nil); err != nil {
				t.Fatal(err)
			}
			if err := db.CloseConcern(ctx, dsl.Actor(), id, "Resolved with advice."); err != nil {
				t.Fatal(err)
			}
			at := now.Add(time.Duration(i-4) * time.Hour)
			if i == 0 {
				at = now.AddDate(-2, 0, 0)
			}
			if err := db.RawExec(ctx, `UPDATE safeguarding_concerns SET closed_at = $1 WHERE id = $2`, at, id); err != nil {
				t.Fatal(err)
			}
		}
		since := now.AddDate(-1, 0, 0)
		latestFirst := []int64{raised[2], raised[0], raised[1]}
		for _, tc := range []struct {
			name string
			who  org.Staff
			want []int64
		}{{"DSL", dsl, latestFirst}, {"the area's manager", fx.mgr, latestFirst}, {"the practitioner who raised them", fx.prac1, latestFirst},
			{"the other parent's practitioner", fx.prac2, nil}, {"another area's manager", away, nil}} {
			var seen []int64
			for offset := 0; ; offset += 2 {
				page, total, err := db.ClosedConcerns(ctx, tc.who.Actor(), since, offset, 2)
				if err != nil {
					t.Fatalf("%s: %v", tc.name, err)
				}
				if total != len(tc.want) {
					t.Errorf("%s: total %d; want %d", tc.name, total, len(tc.want))
				}
				for _, c := range page {
					if c.Status != "closed" || c.ClosedAt.Before(since) {
						t.Errorf("%s: concern %d is %s, closed %v", tc.name, c.ID, c.Status, c.ClosedAt)
					}
					seen = append(seen, c.ID)
				}
				if len(page) < 2 {
					break
				}
			}
			if !slices.Equal(seen, tc.want) {
				t.Errorf("%s: pages held %v; want %v (latest closed first, each once)", tc.name, seen, tc.want)
			}
			// A page past the end lists the last page.
			if page, _, err := db.ClosedConcerns(ctx, tc.who.Actor(), since, 30, 2); err != nil ||
				(len(tc.want) > 0 && (len(page) != 1 || page[0].ID != raised[1])) || (len(tc.want) == 0 && len(page) != 0) {
				t.Errorf("%s: past the end: %d (%v); want the last page", tc.name, len(page), err)
			}
		}
		if open, total, err := db.OpenConcerns(ctx, dsl.Actor(), 0, 10); err != nil || total != 1 || len(open) != 1 || open[0].ID != raised[4] {
			t.Errorf("the open list after four closed: %d of %d (%v); want the fifth alone", len(open), total, err)
		}
		if _, _, err := db.ClosedConcerns(ctx, policy.Actor{}, since, 0, 10); problem.CodeOf(err) != problem.Forbidden {
			t.Errorf("signed out: %v", err)
		}
	})
}

// A caseload covers at most CaseloadLimit open families, those with the
// lowest references, and says when there were more.
func TestCaseloadCapped(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		mgr := seedStaff(t, db, "m@example.org", "team_manager", "Blackpool")
		add := func(n int) {
			t.Helper()
			err := db.Update(ctx, func(tx *store.Tx) error {
				tx.Audit("test", "", 0, 0, "")
				for range n {
					if _, _, err := tx.CreateFamily(store.NewFamily{AreaName: "Blackpool", Stage: family.Antenatal, EDD: time.Date(2027, 2, 1, 0, 0, 0, 0, time.UTC), ManagerID: mgr.ID}); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		add(store.CaseloadLimit)
		list, more, err := db.CaseloadCapped(ctx, mgr.Actor())
		if err != nil || len(list) != store.CaseloadLimit || more {
			t.Fatalf("at the limit: %d families, more %v, %v; want %d and no more", len(list), more, err, store.CaseloadLimit)
		}
		add(1)
		list, more, err = db.CaseloadCapped(ctx, mgr.Actor())
		if err != nil || len(list) != store.CaseloadLimit || !more {
			t.Fatalf("one over the limit: %d families, more %v, %v; want %d and more", len(list), more, err, store.CaseloadLimit)
		}
		if !slices.IsSortedFunc(list, func(a, b store.CaseloadEntry) int { return strings.Compare(a.Reference, b.Reference) }) {
			t.Error("the capped list is not the lowest references in order")
		}
	})
}

// The staff an area's family page offers: the area's practitioners and
// managers and every DSL, not another area's staff, an analyst or anyone
// disabled; by name.
func TestStaffInArea(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		prac := seedStaff(t, db, "prac@example.org", "practitioner", "Blackpool")
		mgr := seedStaff(t, db, "mgr@example.org", "team_manager", "Blackpool")
		dsl := seedStaff(t, db, "dsl@example.org", "dsl", "Hertfordshire")
		seedStaff(t, db, "away@example.org", "practitioner", "Hertfordshire")
		seedStaff(t, db, "analyst@example.org", "analyst", "Blackpool")
		seedStaff(t, db, "gone@example.org", "practitioner", "Blackpool")
		if err := db.Update(ctx, func(tx *store.Tx) error { _, err := tx.DisableStaff("gone@example.org"); return err }); err != nil {
			t.Fatal(err)
		}
		got, err := db.StaffInArea(ctx, prac.Areas[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, s := range got {
			ids = append(ids, s.ID)
		}
		// Names: "Test dsl", "Test practitioner", "Test team_manager".
		if want := []int64{dsl.ID, prac.ID, mgr.ID}; !slices.Equal(ids, want) {
			t.Errorf("staff in Blackpool = %v; want %v (the DSL, the practitioner, the manager)", ids, want)
		}
	})
}

// A caseload gives each parent the date of their own last attended session:
// not a later missed or cancelled one, not the co-parent's, and none for a
// parent never seen. Closed families stay off it, whatever their reference.
func TestCaseloadLastContacts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := makeFamily(t, db)
		now := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
		session := func(person int64, staff int64, held time.Time, attendance string) {
			t.Helper()
			mustExec(t, db, `INSERT INTO case_sessions (family_id, person_id, staff_id, held_on, mode, attendance, kind, created_at, updated_at)
				VALUES ($1, $2, $3, $4, 'home', $5, 'session', $6, $6)`, fx.familyID, person, staff, held, attendance, now)
		}
		day := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 0, 0, 0, 0, time.UTC) }
		session(fx.parent1, fx.prac1.ID, day(9, 1), "attended")
		session(fx.parent1, fx.prac1.ID, day(10, 6), "attended")
		session(fx.parent1, fx.prac1.ID, day(9, 20), "attended")
		session(fx.parent1, fx.prac1.ID, day(10, 20), "did_not_attend")
		session(fx.parent1, fx.prac1.ID, day(10, 27), "cancelled_by_parent")
		session(fx.parent2, fx.prac2.ID, day(10, 30), "did_not_attend")
		// A closed family whose reference sorts first.
		mustExec(t, db, `INSERT INTO families (reference, area_id, stage, created_at, updated_at)
			SELECT '0-CLOSED', area_id, 'closed', $2, $2 FROM families WHERE id = $1`, fx.familyID, now)

		for _, who := range []org.Staff{fx.mgr, fx.prac1} {
			list, err := db.Caseload(ctx, who.Actor())
			if err != nil || len(list) != 1 || list[0].FamilyID != fx.familyID {
				t.Fatalf("%s: caseload %+v, %v; want the one open family", who.Email, list, err)
			}
			last := list[0].LastContact
			if got := last[fx.parent1]; !got.Equal(day(10, 6)) {
				t.Errorf("%s: parent 1's last contact %v; want 6 October (the latest attended)", who.Email, got)
			}
			if got, ok := last[fx.parent2]; ok {
				t.Errorf("%s: parent 2's last contact %v; want none (never attended)", who.Email, got)
			}
		}
	})
}

// A caseload keeps what it read about each family until the family's
// change count moves (migration 20's triggers), so after every kind of
// write a caseload reads, through the store or behind its back, the cached
// caseload must equal a fresh read, for each person who sees the family.
func TestCaseloadCacheFollowsEveryChange(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := makeFamily(t, db)
		dsl := seedStaff(t, db, "dsl@example.org", "dsl", "Blackpool")
		sctx := audit.WithSource(ctx, audit.Source{Actor: "test"})
		prac, mgr := fx.prac1.Actor(), fx.mgr.Actor()
		now := time.Now()
		// The family's reading (CaseloadEntry.Read) after the last step:
		// a caller keeps what it works out from an entry by it, so it must
		// be new after every change and the same while nothing changes.
		var lastRead uint64
		check := func(step string) {
			t.Helper()
			reads := map[uint64]bool{}
			for _, who := range []org.Staff{fx.prac1, fx.prac2, fx.other, fx.mgr, dsl} {
				got, gotMore, err := db.CaseloadCapped(ctx, who.Actor())
				if err != nil {
					t.Fatalf("%s: %v", step, err)
				}
				want, wantMore, err := db.CaseloadUncached(ctx, who.Actor())
				if err != nil {
					t.Fatalf("%s: %v", step, err)
				}
				for i := range got {
					if got[i].Read == 0 || want[i].Read == 0 || got[i].Read == want[i].Read {
						t.Errorf("after %s, %s: readings %d (kept) and %d (fresh); want two different, not 0", step, who.Email, got[i].Read, want[i].Read)
					}
					reads[got[i].Read] = true
					got[i].Read, want[i].Read = 0, 0
				}
				if !reflect.DeepEqual(got, want) || gotMore != wantMore {
					t.Errorf("after %s, %s's cached caseload differs from a fresh read:\n got %+v\nwant %+v", step, who.Email, got, want)
				}
			}
			switch {
			case len(reads) > 1:
				t.Errorf("after %s, one family was handed out as %d readings", step, len(reads))
			case len(reads) == 1:
				for r := range reads {
					if r == lastRead {
						t.Errorf("after %s, the family was handed out as the reading from before it (%d)", step, r)
					}
					lastRead = r
				}
			}
		}
		check("nothing")
		raw := func(q string, args ...any) func() error {
			return func() error { return db.RawExec(ctx, q, args...) }
		}
		for _, step := range []struct {
			name string
			do   func() error
		}{
			{"a session", func() error {
				_, err := db.RecordSession(sctx, prac, casework.Session{PersonID: fx.parent1, HeldOn: now, Minutes: 50, Mode: "home", Attendance: "attended", Notes: "n"}, nil)
				return err
			}},
			{"a VIG cycle", func() error {
				_, err := db.RecordVIG(sctx, prac, casework.VIGCycle{PersonID: fx.parent1, Phase: "antenatal", FilmedOn: now, Strengths: "s"})
				return err
			}},
			{"a measure", func() error {
				_, err := db.SaveMeasure(sctx, prac, store.MeasureResult{PersonID: fx.parent1, Instrument: "phq9", Timepoint: "baseline", TakenOn: now, Raw: 3, Score: 3, Band: "Minimal"}, family.Parent)
				return err
			}},
			{"a pause", func() error {
				return db.PauseSessions(sctx, prac, casework.Pause{PersonID: fx.parent1, Reason: "health", StartedOn: now})
			}},
			{"the pause's end", func() error { return db.ResumeSessions(sctx, prac, fx.parent1) }},
			{"a safety plan", func() error {
				return db.SaveSafetyPlan(sctx, prac, fx.parent1, 0, store.SafetyPlanSections{CodeWords: "c"}, now.AddDate(0, 0, 7), "")
			}},
			{"a risk assessment completed", func() error {
				a := risk.Assessment{Answers: map[int]risk.Answer{}}
				for n := 1; n <= risk.NumQuestions; n++ {
					a.Answers[n] = risk.Yes
				}
				_, err := db.SaveRiskAssessment(sctx, prac, fx.parent1, 0, 0, a, true, db.RiskSettings())
				return err
			}},
			{"an assessment's level changed at the database's prompt", raw(`UPDATE risk_assessments SET level = 'medium' WHERE person_id = $1`, fx.parent1)},
			{"a review date moved behind the store's back", raw(`UPDATE safety_plans SET review_on = $1 WHERE person_id = $2`, "2026-01-05", fx.parent1)},
			{"a new practitioner", func() error {
				return db.AllocatePractitioners(sctx, mgr, fx.familyID, map[int64]int64{fx.parent1: fx.other.ID, fx.parent2: fx.prac2.ID}, 0, nil)
			}},
			{"a name changed at the database's prompt", raw(`UPDATE people SET known_as = 'Lex' WHERE id = $1`, fx.parent1)},
			{"a practitioner's new name", raw(`UPDATE staff SET name = 'Renamed Practitioner' WHERE id = $1`, fx.prac2.ID)},
			{"a practitioner's account disabled", raw(`UPDATE staff SET disabled = TRUE WHERE id = $1`, fx.prac2.ID)},
			{"the account enabled again", raw(`UPDATE staff SET disabled = FALSE WHERE id = $1`, fx.prac2.ID)},
			{"the area's new name", raw(`UPDATE areas SET name = 'Blackpool and Fylde' WHERE name = 'Blackpool'`)},
			{"the family's new due date", raw(`UPDATE families SET edd = $1 WHERE id = $2`, "2027-03-01", fx.familyID)},
			{"a session removed", raw(`DELETE FROM case_sessions WHERE family_id = $1`, fx.familyID)},
			{"the family's closing", func() error {
				return db.CloseFamily(sctx, mgr, fx.familyID, casework.Closure{Reason: "planned_end", ClosedOn: now.AddDate(0, 0, -1),
					Summaries: map[int64]string{fx.parent1: "a", fx.parent2: "b"}})
			}},
		} {
			if err := step.do(); err != nil {
				t.Fatalf("%s: %v", step.name, err)
			}
			check(step.name)
		}
	})
}

// Work counts the statements the store runs and the transactions it
// begins, for the bench's statements per page: a caseload is at least its
// list in a transaction, and nothing done counts nothing.
func TestWorkCountsStatements(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := makeFamily(t, db)
		w0 := db.Work()
		if w := db.Work(); w != w0 {
			t.Errorf("with nothing done the counts moved: %+v to %+v", w0, w)
		}
		if _, _, err := db.CaseloadUncached(ctx, fx.mgr.Actor()); err != nil {
			t.Fatal(err)
		}
		w1 := db.Work()
		// The list, the families' read (at least six statements), and the
		// view's transaction; the audit entry's own write may add more.
		// None of it outside a transaction.
		if w1.Statements-w0.Statements < 7 || w1.Transactions-w0.Transactions < 1 || w1.Alone != w0.Alone {
			t.Errorf("a caseload read counted %+v", store.Work{Statements: w1.Statements - w0.Statements,
				Transactions: w1.Transactions - w0.Transactions, Alone: w1.Alone - w0.Alone})
		}
		// Reads outside a transaction are counted as such.
		if _, err := db.StaffByID(ctx, fx.mgr.ID); err != nil {
			t.Fatal(err)
		}
		if w2 := db.Work(); w2.Alone == w1.Alone || w2.Alone-w1.Alone != w2.Statements-w1.Statements || w2.Transactions != w1.Transactions {
			t.Errorf("statements on their own counted %d alone of %d, and %d transactions", w2.Alone-w1.Alone, w2.Statements-w1.Statements, w2.Transactions-w1.Transactions)
		}
	})
}

// The family risk summary gives each parent their own latest completed
// DASH (not a draft, not a child assessment, not the co-parent's), latest
// MARAC referral and safety plan review date, reading each for both
// parents at once; a parent with none has none.
func TestFamilyRiskSummaryTakesEachParentsLatest(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := makeFamily(t, db)
		now := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
		day := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 0, 0, 0, 0, time.UTC) }
		dash := func(person int64, on time.Time, level, status, kind string) {
			t.Helper()
			mustExec(t, db, `INSERT INTO risk_assessments (family_id, person_id, staff_id, kind, assessed_on, level, status, created_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, fx.familyID, person, fx.prac1.ID, kind, on, level, status, now)
		}
		dash(fx.parent1, day(3, 1), "high", "complete", "dash")
		dash(fx.parent1, day(9, 1), "medium", "complete", "dash")
		dash(fx.parent1, day(10, 1), "standard", "draft", "dash") // a draft: not the latest
		dash(fx.parent1, day(10, 2), "high", "complete", "child") // not a DASH
		dash(fx.parent2, day(6, 1), "high", "complete", "dash")
		mustExec(t, db, `INSERT INTO marac_referrals (family_id, person_id, referred_on, outcome, created_at) VALUES ($1, $2, $3, 'heard', $5), ($1, $2, $4, 'listed', $5)`,
			fx.familyID, fx.parent2, day(4, 1), day(8, 1), now)
		mustExec(t, db, `INSERT INTO safety_plans (family_id, person_id, staff_id, review_on, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)`,
			fx.familyID, fx.parent1, fx.prac1.ID, day(12, 1), now)
		// A newer plan replaces the last, even with an earlier review date.
		mustExec(t, db, `INSERT INTO safety_plans (family_id, person_id, staff_id, review_on, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)`,
			fx.familyID, fx.parent1, fx.prac1.ID, day(11, 15), now)
		mustExec(t, db, `INSERT INTO child_risks (family_id, level, concerns_sealed, plan_sealed, assessed_on, created_by, created_at)
			VALUES ($1, 'medium', '', '', $2, $4, $5), ($1, 'high', '', '', $3, $4, $5)`, fx.familyID, day(7, 1), day(5, 1), fx.prac1.ID, now)
		for _, status := range []string{"open", "closed", "escalated"} {
			mustExec(t, db, `INSERT INTO safeguarding_concerns (family_id, raised_by, raised_at, decision_due_at, status) VALUES ($1, $2, $3, $3, $4)`,
				fx.familyID, fx.prac1.ID, now, status)
		}

		page, err := db.ReadFamilyPage(ctx, fx.prac1.Actor(), fx.familyID, 8)
		if err != nil {
			t.Fatal(err)
		}
		got := page.Risk
		want := []store.ParentRisk{
			{PersonID: fx.parent1, Level: "medium", AssessedOn: day(9, 1), NextPlanCheck: day(11, 15)},
			{PersonID: fx.parent2, Level: "high", AssessedOn: day(6, 1), LastMARAC: day(8, 1), MARACOutcome: "listed"},
		}
		if len(got.Parents) != len(want) {
			t.Fatalf("parents: %+v", got.Parents)
		}
		for i, w := range want {
			g := got.Parents[i]
			if g.PersonID != w.PersonID || g.Level != w.Level || !g.AssessedOn.Equal(w.AssessedOn) || !g.LastMARAC.Equal(w.LastMARAC) ||
				g.MARACOutcome != w.MARACOutcome || !g.NextPlanCheck.Equal(w.NextPlanCheck) {
				t.Errorf("parent %d: got %+v\nwant %+v", i+1, g, w)
			}
		}
		if got.ChildLevel != "medium" || !got.ChildOn.Equal(day(7, 1)) || got.OpenConcerns != 2 {
			t.Errorf("child risk %s on %s, open concerns %d; want medium on 1 July, 2", got.ChildLevel, got.ChildOn, got.OpenConcerns)
		}
	})
}

func TestFamilyProgressCountsEachParentsVIGCycles(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := makeFamily(t, db)
		now := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
		vig := func(person int64, phase string) {
			t.Helper()
			mustExec(t, db, `INSERT INTO vig_cycles (family_id, person_id, phase, filmed_on, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
				fx.familyID, person, phase, now, fx.prac1.ID, now)
		}
		vig(fx.parent1, "antenatal")
		vig(fx.parent2, "antenatal")
		vig(fx.parent1, "postnatal")
		vig(fx.parent1, "antenatal")
		fp, err := db.ReadFamilyPage(ctx, fx.prac1.Actor(), fx.familyID, 8)
		if err != nil {
			t.Fatal(err)
		}
		p := fp.Progress
		got := map[int64]int{}
		for _, c := range p.VIGCycles {
			got[c.PersonID] += c.N
		}
		if len(p.VIGCycles) != 2 || got[fx.parent1] != 3 || got[fx.parent2] != 1 || p.VIGAntenatal != 2 || p.VIGPostnatal != 1 {
			t.Errorf("VIG cycles %+v, antenatal %d, postnatal %d; want parent 1: 3, parent 2: 1, the most antenatal 2, postnatal 1",
				p.VIGCycles, p.VIGAntenatal, p.VIGPostnatal)
		}
	})
}
