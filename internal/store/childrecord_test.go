package store_test

import (
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/casework"
	"github.com/cradle-org/cradle/internal/family"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/risk"
	"github.com/cradle-org/cradle/internal/sharing"
	"github.com/cradle-org/cradle/internal/store"
	"github.com/cradle-org/cradle/internal/store/storetest"
)

// What is only ever about a parent (sessions, VIG, joint-session safety,
// pauses, supervision notes, DASH, incidents, changes in circumstances,
// MARAC referrals, safety plans, consents) is refused on a baby's or
// another child's record, by name and after the policy's own check, and
// nothing is written: a hand-made post could hang a safety plan on a baby.
func TestParentRecordsRefusedForChildren(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := makeFamily(t, db)
		var baby, child int64
		err := db.Update(ctx, func(tx *store.Tx) error {
			var err error
			if baby, err = tx.AddPerson(fx.familyID, family.Person{Kind: family.Baby}); err != nil {
				return err
			}
			child, err = tx.AddPerson(fx.familyID, family.Person{Kind: family.Child, GivenName: "Leo", FamilyName: "Rivers"})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		prac, mgr := fx.prac1.Actor(), fx.mgr.Actor()
		writes := []struct {
			what, message string
			write         func(id int64) error
		}{
			{"session", "Sessions are recorded with a parent", func(id int64) error {
				_, err := db.RecordSession(ctx, prac, casework.Session{PersonID: id}, nil)
				return err
			}},
			{"VIG cycle", "VIG cycles are recorded with a parent", func(id int64) error {
				_, err := db.RecordVIG(ctx, prac, casework.VIGCycle{PersonID: id, Phase: "antenatal"})
				return err
			}},
			{"joint-session safety", "Joint sessions are agreed for a parent", func(id int64) error { return db.SetJointSafety(ctx, prac, id, true) }},
			{"pause", "Sessions are paused for a parent", func(id int64) error {
				return db.PauseSessions(ctx, prac, casework.Pause{PersonID: id, Reason: "health"})
			}},
			{"resume", "Sessions are resumed for a parent", func(id int64) error { return db.ResumeSessions(ctx, prac, id) }},
			{"supervision note", "Supervision notes are written on a parent's record", func(id int64) error {
				return db.RecordSupervision(ctx, mgr, id, "Talked through the plan.")
			}},
			{"DASH", "Risk assessments (DASH) are for a parent", func(id int64) error {
				_, err := db.SaveRiskAssessment(ctx, prac, id, 0, 0, risk.Assessment{}, false, store.RiskSettings{})
				return err
			}},
			{"incident", "Incidents are recorded for a parent", func(id int64) error {
				return db.RecordIncident(ctx, prac, store.Incident{PersonID: id})
			}},
			{"change in circumstances", "Changes in circumstances are recorded for a parent", func(id int64) error {
				return db.RecordChange(ctx, prac, id, risk.Change{})
			}},
			{"MARAC referral", "MARAC referrals are recorded for a parent", func(id int64) error {
				return db.RecordMARAC(ctx, prac, id, store.MARACReferral{})
			}},
			{"safety plan", "A safety plan is written with a parent", func(id int64) error {
				return db.SaveSafetyPlan(ctx, prac, id, 0, store.SafetyPlanSections{}, time.Now().AddDate(0, 1, 0), "")
			}},
			{"consent", "Consent to share is recorded for a parent", func(id int64) error {
				return db.RecordConsent(ctx, prac, id, sharing.Consent{})
			}},
		}
		for _, w := range writes {
			for _, id := range []int64{baby, child} {
				err := w.write(id)
				if p := problem.As(err); p == nil || p.Code != problem.Invalid || p.Message != w.message {
					t.Errorf("a %s for child %d: %v; want Invalid %q", w.what, id, err, w.message)
				}
			}
		}
		// The refusals wrote nothing.
		for _, table := range []string{"case_sessions", "vig_cycles", "joint_session_safety", "pauses", "risk_assessments", "incidents",
			"circumstance_changes", "marac_referrals", "safety_plans", "consents"} {
			n, err := db.RawString(ctx, `SELECT CAST(COUNT(*) AS TEXT) FROM `+table+` WHERE person_id IN ($1, $2)`, baby, child)
			if err != nil || n != "0" {
				t.Errorf("%s rows for the children: %s, %v; want 0", table, n, err)
			}
		}
	})
}
