package store_test

import (
	"strings"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/casework"
	"github.com/cradle-org/cradle/internal/family"
	"github.com/cradle-org/cradle/internal/policy"
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

// A child who lives with one parent is found where that parent is: their
// address and contacts are seen and changed only by that parent's
// practitioner (and managers), never the other parent's; a parent's details
// typed into a child's who lives with neither are refused, as is moving a
// child whose contacts hold that parent's details to where others would
// read them; and only one who may change the child's contacts may move them
// away from the parent they live with.
func TestChildLivingWithOneParent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := makeFamily(t, db)
		alexs, sams := fx.prac1.Actor(), fx.prac2.Actor()
		leo, err := db.AddChild(ctx, alexs, fx.familyID, family.Details{GivenName: "Leo", FamilyName: "Rivers"}, 1)
		if err != nil {
			t.Fatal(err)
		}
		mia, err := db.AddChild(ctx, alexs, fx.familyID, family.Details{GivenName: "Mia", FamilyName: "Rivers"}, 0)
		if err != nil {
			t.Fatal(err)
		}
		read := func(actor policy.Actor, id int64) store.PersonRecord {
			t.Helper()
			rec, err := db.ReadPerson(ctx, actor, id)
			if err != nil {
				t.Fatal(err)
			}
			return rec
		}
		contact := func(actor policy.Actor, id int64, address string) error {
			return db.UpdateContact(ctx, actor, id, store.ContactUpdate{Version: read(fx.mgr.Actor(), id).Person.Version, Details: family.Confidential{Address: address}})
		}
		livesWith := func(actor policy.Actor, id int64, household int) error {
			p := read(fx.mgr.Actor(), id).Person
			return db.UpdatePersonDetails(ctx, actor, id, p.Version, family.Details{GivenName: p.GivenName, FamilyName: p.FamilyName, Household: household})
		}
		fieldSays := func(err error, field, want string) bool {
			p := problem.As(err)
			return p != nil && p.Code == problem.Invalid && len(p.Fields) == 1 && p.Fields[0].Name == field && strings.Contains(p.Fields[0].Message, want)
		}

		// Leo lives with Alex: Alex's address may be his, seen by Alex's
		// practitioner alone.
		if err := contact(alexs, leo, "CANARY-ADDRESS 1 Safe Street"); err != nil {
			t.Fatalf("Alex's practitioner records Leo's address (Alex's): %v", err)
		}
		if c := read(alexs, leo).Person.Confidential; c == nil || c.Address != "CANARY-ADDRESS 1 Safe Street" {
			t.Errorf("Alex's practitioner reads Leo's address as %+v", c)
		}
		if rec := read(sams, leo); rec.CanSeeConf || rec.Person.Confidential != nil {
			t.Errorf("Sam's practitioner sees the address of Leo, who lives with Alex: %+v", rec.Person.Confidential)
		}
		if err := contact(sams, leo, "Somewhere else"); problem.CodeOf(err) != problem.Forbidden {
			t.Errorf("Sam's practitioner changes Leo's contact details: %v", err)
		}
		// Sam's practitioner may not move him; Alex's may not while his
		// address is Alex's and would be read by Sam's.
		if err := livesWith(sams, leo, 2); !fieldSays(err, "household", "Only the practitioner of the parent Leo Rivers lives with") {
			t.Errorf("Sam's practitioner moves Leo to Sam: %v", err)
		}
		if err := livesWith(alexs, leo, 0); !fieldSays(err, "household", "Change Leo Rivers's contact details first. This mentions Alex Rivers's address") {
			t.Errorf("Alex's practitioner moves Leo, his address Alex's, to neither parent: %v", err)
		}
		if err := livesWith(alexs, leo, 7); !fieldSays(err, "household", "Select who the child lives with") {
			t.Errorf("a household that is no parent's: %v", err)
		}
		// A parent's address typed for a child who lives with neither.
		if err := contact(alexs, mia, "CANARY-ADDRESS 1 Safe Street"); !fieldSays(err, "address", "This mentions Alex Rivers's address") ||
			!fieldSays(err, "address", "first record whom Mia Rivers lives with") {
			t.Errorf("Alex's address for Mia, who lives with neither parent: %v", err)
		}

		// Once Leo's address is no parent's, he may move; then Sam's
		// practitioner reads it (the family rule), and the log says why.
		if err := contact(alexs, leo, "Ask Alex's practitioner"); err != nil {
			t.Fatal(err)
		}
		if err := livesWith(alexs, leo, 0); err != nil {
			t.Fatalf("moving Leo to neither parent: %v", err)
		}
		if c := read(sams, leo).Person.Confidential; c == nil || c.Address != "Ask Alex's practitioner" {
			t.Errorf("Sam's practitioner does not read the details of Leo, now living with neither parent: %+v", c)
		}
		if n, err := db.RawString(ctx, `SELECT CAST(COUNT(*) AS TEXT) FROM audit_log WHERE action = 'person.edit' AND record_id = $1 AND detail = $2`,
			leo, "details corrected; lives with neither parent, or not known"); err != nil || n != "1" {
			t.Errorf("audit entries for Leo's move: %s, %v", n, err)
		}
	})
}
