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
			{"leaving the programme", "Only a parent leaves the programme", func(id int64) error {
				return db.LeaveProgramme(ctx, prac, casework.Departure{PersonID: id, Reason: "withdrew", LeftOn: time.Now()})
			}},
			{"rejoining the programme", "Only a parent rejoins the programme", func(id int64) error { return db.RejoinProgramme(ctx, prac, id, time.Now()) }},
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
		for _, table := range []string{"case_sessions", "vig_cycles", "joint_session_safety", "pauses", "departures", "risk_assessments", "incidents",
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

// The baby may live with one parent too (a refuge after the birth): then
// their address and contacts are that parent's practitioner's, as another
// child's are, while both practitioners still read and record the baby's
// development measures (policy.RecordMeasure), which had come with the
// contact details' permission.
func TestBabyLivingWithOneParent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := makeFamily(t, db)
		alexs, sams := fx.prac1.Actor(), fx.prac2.Actor()
		var baby int64
		if err := db.Update(ctx, func(tx *store.Tx) error {
			var err error
			baby, err = tx.AddPerson(fx.familyID, family.Person{Kind: family.Baby})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		read := func(actor policy.Actor) store.PersonRecord {
			t.Helper()
			rec, err := db.ReadPerson(ctx, actor, baby)
			if err != nil {
				t.Fatal(err)
			}
			return rec
		}
		livesWith := func(actor policy.Actor, household int) error {
			p := read(fx.mgr.Actor()).Person
			return db.UpdatePersonDetails(ctx, actor, baby, p.Version, family.Details{Household: household})
		}
		contact := func(actor policy.Actor, address string) error {
			return db.UpdateContact(ctx, actor, baby, store.ContactUpdate{Version: read(fx.mgr.Actor()).Person.Version, Details: family.Confidential{Address: address}})
		}
		asq := func(actor policy.Actor, timepoint string) (int64, error) {
			return db.SaveMeasure(ctx, actor, store.MeasureResult{PersonID: baby, Instrument: "asq3", Timepoint: timepoint,
				TakenOn: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), Raw: 40, Score: 40, Band: "On schedule", Detail: `{"answers":{"1":10}}`}, family.Baby)
		}
		fieldSays := func(err error, want string) bool {
			p := problem.As(err)
			return p != nil && p.Code == problem.Invalid && len(p.Fields) == 1 && p.Fields[0].Name == "household" && strings.Contains(p.Fields[0].Message, want)
		}

		// With no household the family rule: a parent's address is refused,
		// naming the baby in words.
		if err := contact(alexs, "CANARY-ADDRESS 1 Safe Street"); problem.CodeOf(err) != problem.Invalid || !strings.Contains(err.Error(), "first record whom the baby lives with") {
			t.Errorf("Alex's address for the baby, who lives with neither parent yet: %v", err)
		}
		if err := livesWith(alexs, 3); !fieldSays(err, "Select who the baby lives with") {
			t.Errorf("a household that is no parent's: %v", err)
		}
		// Sam's practitioner records that the baby lives with Alex (it
		// narrows who reads the baby's details: anyone of the family may).
		if err := livesWith(sams, 1); err != nil {
			t.Fatalf("recording that the baby lives with Alex: %v", err)
		}
		if err := contact(alexs, "CANARY-ADDRESS 1 Safe Street"); err != nil {
			t.Fatalf("Alex's practitioner records the baby's address (Alex's): %v", err)
		}
		if rec := read(sams); rec.CanSeeConf || rec.Person.Confidential != nil {
			t.Errorf("Sam's practitioner sees the address of the baby, who lives with Alex: %+v", rec.Person.Confidential)
		}
		if c := read(alexs).Person.Confidential; c == nil || c.Address != "CANARY-ADDRESS 1 Safe Street" {
			t.Errorf("Alex's practitioner reads the baby's address as %+v", c)
		}
		if err := contact(sams, "Somewhere else"); problem.CodeOf(err) != problem.Forbidden {
			t.Errorf("Sam's practitioner changes the baby's contact details: %v", err)
		}
		if err := livesWith(sams, 2); !fieldSays(err, "Only the practitioner of the parent the baby lives with") {
			t.Errorf("Sam's practitioner moves the baby to Sam: %v", err)
		}
		if err := livesWith(alexs, 0); !fieldSays(err, "Change the baby's contact details first") {
			t.Errorf("Alex's practitioner moves the baby, their address Alex's, to neither parent: %v", err)
		}

		// Both practitioners record, read and remove the baby's measures.
		first, err := asq(alexs, "m2")
		if err != nil {
			t.Fatalf("Alex's practitioner records the baby's ASQ: %v", err)
		}
		if _, err := asq(sams, "m6"); err != nil {
			t.Fatalf("Sam's practitioner records the baby's ASQ: %v", err)
		}
		rec := read(sams)
		if !rec.CanSeeMeasures || !rec.CanRecordMeasures || len(rec.Measures) != 2 {
			t.Fatalf("Sam's practitioner on the baby's measures: see %t, record %t, %d results", rec.CanSeeMeasures, rec.CanRecordMeasures, len(rec.Measures))
		}
		for _, m := range rec.Measures {
			if m.Withheld || m.Score != 40 || m.Detail == "" {
				t.Errorf("Sam's practitioner reads the baby's result as %+v", m)
			}
		}
		if err := db.RemoveMeasure(ctx, sams, baby, first, "Recorded against the wrong timepoint"); err != nil {
			t.Errorf("Sam's practitioner removes a result of the baby's entered in error: %v", err)
		}
		// Sent again, even with no reason, it is a conflict (removed
		// already), not the form's problem; one not on the record is not
		// found.
		for _, why := range []string{"Again", ""} {
			if err := db.RemoveMeasure(ctx, sams, baby, first, why); problem.CodeOf(err) != problem.Conflict {
				t.Errorf("removing the result again (%q): %v", why, err)
			}
		}
		if err := db.RemoveMeasure(ctx, sams, baby, first+1000, "Wrong"); problem.CodeOf(err) != problem.NotFound {
			t.Errorf("removing a result not on the record: %v", err)
		}
		// A lead reads them and records none.
		lead := seedStaff(t, db, "dsl@example.org", "dsl", "Blackpool").Actor()
		if rec, err := db.ReadPerson(ctx, lead, baby); err != nil || len(rec.Measures) != 1 || rec.Measures[0].Withheld {
			t.Errorf("a DSL reads the baby's measures: %+v, %v", rec.Measures, err)
		}
		if _, err := asq(lead, "m12"); problem.CodeOf(err) != problem.Forbidden {
			t.Errorf("a DSL records the baby's measure: %v", err)
		}
		if n, err := db.RawString(ctx, `SELECT CAST(COUNT(*) AS TEXT) FROM audit_log WHERE action = 'person.edit' AND record_id = $1 AND detail = $2`,
			baby, "details corrected; lives with parent 1"); err != nil || n != "1" {
			t.Errorf("audit entries for the baby's household: %s, %v", n, err)
		}
	})
}
