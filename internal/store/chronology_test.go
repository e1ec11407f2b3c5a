package store_test

import (
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/audit"
	"github.com/cradle-org/cradle/internal/casework"
	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/safeguarding"
	"github.com/cradle-org/cradle/internal/store"
	"github.com/cradle-org/cradle/internal/store/storetest"
)

// A family's chronology holds each parent's record as their page shows it
// to the reader (an incident's details only to those who may see that
// parent's confidential details, why a parent left likewise), the concerns
// the reader may read and no others, and is refused to anyone who may not
// see the family; each read is audited as a view of the family and of
// each parent.
func TestReadChronology(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := makeFamily(t, db)
		ctx := audit.WithSource(ctx, audit.Source{Actor: "test"})
		today := time.Now().UTC().Truncate(24 * time.Hour)
		mustExec(t, db, `UPDATE families SET accepted_on = $1 WHERE id = $2`, today.AddDate(0, 0, -60), fx.familyID)
		if err := db.RecordIncident(ctx, fx.prac1.Actor(), store.Incident{PersonID: fx.parent1, OccurredOn: today, ReportedBy: "Police",
			Details: "CANARY-INCIDENT at the flat", PoliceInvolved: true}); err != nil {
			t.Fatal(err)
		}
		if err := db.LeaveProgramme(ctx, fx.prac2.Actor(), casework.Departure{PersonID: fx.parent2, Reason: "withdrew", Note: "CANARY-LEFT", LeftOn: today}); err != nil {
			t.Fatal(err)
		}
		no := false
		if _, err := db.RaiseConcern(ctx, fx.prac1.Actor(), store.NewConcern{FamilyID: fx.familyID, PersonID: fx.parent1,
			Concern: safeguarding.Concern{About: "CANARY-CONCERN worry", AtRisk: safeguarding.AtRiskParent, ImmediateDanger: &no},
			Due:     time.Now().Add(time.Hour)}, nil); err != nil {
			t.Fatal(err)
		}

		read := func(who string, actor policy.Actor) store.Chronology {
			t.Helper()
			c, err := db.ReadChronology(audit.WithSource(ctx, audit.Source{ActorID: actor.StaffID, Actor: who}), actor, fx.familyID)
			if err != nil {
				t.Fatalf("%s reading the chronology: %v", who, err)
			}
			return c
		}

		mine := read("Alex's practitioner", fx.prac1.Actor())
		if len(mine.Parents) != 2 || mine.Parents[0].Person.ID != fx.parent1 {
			t.Fatalf("the chronology's parents: %+v", mine.Parents)
		}
		if in := mine.Parents[0].Incidents; len(in) != 1 || in[0].Details != "CANARY-INCIDENT at the flat" || !in[0].PoliceInvolved {
			t.Errorf("Alex's practitioner reads Alex's incident as %+v", in)
		}
		if d := mine.Parents[1].Departures; len(d) != 1 || !d[0].Withheld || d[0].Reason != "" || d[0].Note != "" || !d[0].LeftOn.Equal(today) {
			t.Errorf("Alex's practitioner reads why Sam left: %+v", d)
		}
		if len(mine.Concerns) != 1 || mine.Concerns[0].PersonID != fx.parent1 || mine.Concerns[0].About != "" {
			t.Errorf("whoever raised the concern reads it in the chronology as %+v (its text never opened)", mine.Concerns)
		}
		if a := mine.Allocations; len(a) != 2 || a[0].PersonID != fx.parent1 || a[0].Staff != fx.prac1.Name || a[1].PersonID != fx.parent2 || a[0].From.IsZero() {
			t.Errorf("the chronology's allocations: %+v", a)
		}
		if !mine.ReferredOn.IsZero() {
			t.Errorf("a family made without a referral was referred on %v", mine.ReferredOn)
		}

		theirs := read("Sam's practitioner", fx.prac2.Actor())
		if in := theirs.Parents[0].Incidents; len(in) != 1 || !in[0].Withheld || in[0].Details != "" || !in[0].PoliceInvolved {
			t.Errorf("Sam's practitioner reads Alex's incident as %+v", in)
		}
		if d := theirs.Parents[1].Departures; len(d) != 1 || d[0].Withheld || d[0].Reason != "withdrew" {
			t.Errorf("Sam's practitioner reads Sam's leaving as %+v", d)
		}
		if len(theirs.Concerns) != 0 {
			t.Errorf("Sam's practitioner, who may not read the concern, has it in the chronology: %+v", theirs.Concerns)
		}
		if m := read("the team manager", fx.mgr.Actor()); len(m.Concerns) != 1 || !m.Parents[0].CanSeeConf {
			t.Errorf("the team manager's chronology: concerns %+v, sees Alex's details %v", m.Concerns, m.Parents[0].CanSeeConf)
		}

		// For a document that could reach Sam's side: Alex read as Sam's
		// practitioner reads them, whatever the manager may see, and no
		// concerns.
		doc, err := db.ReadChronologyFor(ctx, fx.mgr.Actor(), fx.familyID, store.ChronologyFor{
			Withhold: func(id int64) bool { return id == fx.parent1 }, NoConcerns: true, Detail: "chronology document"})
		if err != nil {
			t.Fatal(err)
		}
		if in := doc.Parents[0].Incidents; doc.Parents[0].CanSeeConf || len(in) != 1 || !in[0].Withheld || in[0].Details != "" {
			t.Errorf("Alex withheld from a document: sees details %v, incidents %+v", doc.Parents[0].CanSeeConf, in)
		}
		if d := doc.Parents[1].Departures; !doc.Parents[1].CanSeeConf || len(d) != 1 || d[0].Reason != "withdrew" {
			t.Errorf("Sam, not withheld, in the document: %+v", d)
		}
		if len(doc.Concerns) != 0 {
			t.Errorf("a document without concerns has %d", len(doc.Concerns))
		}

		if _, err := db.ReadChronology(ctx, fx.other.Actor(), fx.familyID); problem.CodeOf(err) != problem.Forbidden {
			t.Errorf("a practitioner of neither parent reading the chronology: %v, want Forbidden", err)
		}
		if _, err := db.ReadChronology(ctx, fx.mgr.Actor(), fx.familyID+1000); problem.CodeOf(err) != problem.NotFound {
			t.Errorf("the chronology of no family: %v, want NotFound", err)
		}

		for _, rec := range []struct {
			kind string
			id   int64
		}{{"family", fx.familyID}, {"person", fx.parent1}, {"person", fx.parent2}} {
			es, err := db.AuditEntries(ctx, store.AuditFilter{RecordType: rec.kind, RecordID: rec.id, ActorID: fx.prac2.ID, Actions: []string{rec.kind + ".view"}})
			if err != nil {
				t.Fatal(err)
			}
			if len(es) != 1 || es[0].Detail != "chronology" {
				t.Errorf("Sam's practitioner's chronology audited on %s %d as %+v", rec.kind, rec.id, es)
			}
		}
	})
}
