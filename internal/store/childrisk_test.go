package store_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/cradle-org/cradle/internal/audit"
	"github.com/cradle-org/cradle/internal/family"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/risk"
	"github.com/cradle-org/cradle/internal/store"
	"github.com/cradle-org/cradle/internal/store/storetest"
)

// Assessments of risk to the children are read back whole on the family
// page, the latest first; neither their concerns nor their plan may hold a
// parent's confidential details (both parents' practitioners read them);
// one entered in error is removed with a reason, and the level the page
// gives is then the latest assessment left.
func TestChildRiskAssessments(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := makeFamily(t, db)
		sctx := audit.WithSource(ctx, audit.Source{Actor: "test"})
		prac := fx.prac1.Actor()
		page := func() store.FamilyPage { t.Helper(); return familyPageOf(t, db, sctx, prac, fx.familyID) }
		if p := page(); len(p.ChildRisks) != 0 || p.Risk.ChildLevel != "" {
			t.Fatalf("before any: %+v, level %q", p.ChildRisks, p.Risk.ChildLevel)
		}
		first := risk.ChildRisk{Concerns: "Baby due soon; the home is crowded.", Level: risk.Medium, Plan: "Health visitor to visit weekly."}
		if err := db.RecordChildRisk(sctx, prac, fx.familyID, 0, first); err != nil {
			t.Fatal(err)
		}
		// Alex's phone number, which Sam's practitioner may not see, in
		// the plan: refused, naming the field, and nothing saved.
		leaky := risk.ChildRisk{Concerns: "Arguments at handover.", Level: risk.High, Plan: "Call Alex on 07700 900001 before each visit."}
		err := db.RecordChildRisk(sctx, prac, fx.familyID, 0, leaky)
		if p := problem.As(err); p == nil || p.Code != problem.Invalid || len(p.Fields) != 1 || p.Fields[0].Name != "plan" ||
			!strings.Contains(p.Fields[0].Message, "phone") {
			t.Fatalf("a parent's phone number in the plan: %v", err)
		}
		if p := page(); len(p.ChildRisks) != 1 {
			t.Fatalf("the refused assessment was saved: %+v", p.ChildRisks)
		}
		// The words alone, recorded by the other parent's practitioner.
		leaky.Plan = "Call before each visit."
		if err := db.RecordChildRisk(sctx, fx.prac2.Actor(), fx.familyID, 0, leaky); err != nil {
			t.Fatal(err)
		}
		p := page()
		if len(p.ChildRisks) != 2 || p.Risk.ChildLevel != risk.High {
			t.Fatalf("after two: %+v, level %q", p.ChildRisks, p.Risk.ChildLevel)
		}
		latest, earlier := p.ChildRisks[0], p.ChildRisks[1]
		if latest.Concerns != leaky.Concerns || latest.Plan != leaky.Plan || latest.By != fx.prac2.Name || latest.AssessedOn.IsZero() ||
			earlier.Concerns != first.Concerns || earlier.Plan != first.Plan || earlier.Level != risk.Medium || earlier.By != fx.prac1.Name {
			t.Errorf("the assessments, latest first: %+v", p.ChildRisks)
		}

		if err := db.RemoveChildRisk(sctx, prac, fx.familyID, latest.ID, " "); code(err) != problem.Invalid {
			t.Errorf("no reason: %v", err)
		}
		if err := db.RemoveChildRisk(sctx, fx.other.Actor(), fx.familyID, latest.ID, "Wrong family"); code(err) != problem.Forbidden {
			t.Errorf("a practitioner not working with the family: %v", err)
		}
		dsl := seedStaff(t, db, "dsl@example.org", "dsl", "Blackpool")
		if err := db.RemoveChildRisk(sctx, dsl.Actor(), fx.familyID, latest.ID, "Wrong family"); code(err) != problem.Forbidden {
			t.Errorf("a safeguarding lead, who reads but does not change the family's record: %v", err)
		}
		if err := db.RemoveChildRisk(sctx, prac, fx.familyID, latest.ID+1000, "Wrong family"); code(err) != problem.NotFound {
			t.Errorf("no such assessment: %v", err)
		}
		if err := db.RemoveChildRisk(sctx, prac, fx.familyID, latest.ID, "CANARY-WHY Recorded on the wrong family's record"); err != nil {
			t.Fatal(err)
		}
		if err := db.RemoveChildRisk(sctx, fx.mgr.Actor(), fx.familyID, latest.ID, "Again"); code(err) != problem.Conflict {
			t.Errorf("a second time: %v, want a conflict (removed already)", err)
		}
		p = page()
		if len(p.ChildRisks) != 1 || p.ChildRisks[0].ID != earlier.ID || p.Risk.ChildLevel != risk.Medium || !p.Risk.ChildOn.Equal(earlier.AssessedOn) {
			t.Fatalf("after the removal: %+v, level %q on %s", p.ChildRisks, p.Risk.ChildLevel, p.Risk.ChildOn)
		}
		if len(p.RemovedChildRisks) != 1 {
			t.Fatalf("removed: %+v", p.RemovedChildRisks)
		}
		r := p.RemovedChildRisks[0]
		if r.ID != latest.ID || r.Level != risk.High || r.Why != "CANARY-WHY Recorded on the wrong family's record" || r.RemovedBy != fx.prac1.Name || r.RemovedAt.IsZero() {
			t.Errorf("the removed assessment: %+v", r)
		}
		if n := countAudit(t, db, "child_risk.remove"); n != 1 {
			t.Errorf("%d child_risk.remove entries, want 1", n)
		}
		if n := countAudit(t, db, "child_risk.create"); n != 2 {
			t.Errorf("%d child_risk.create entries, want 2", n)
		}
	})
}

// An assessment may be about one child: the form must say whom once the
// family has other children to choose between; only the family's baby or
// children can be chosen; and the family's summary gives the highest of
// each child's latest assessment, so the baby reassessed alone never hides
// a higher risk to an older child (risk.CurrentChildRisk).
func TestChildRiskAboutOneChild(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := makeFamily(t, db)
		sctx := audit.WithSource(ctx, audit.Source{Actor: "test"})
		prac := fx.prac1.Actor()
		page := func() store.FamilyPage { t.Helper(); return familyPageOf(t, db, sctx, prac, fx.familyID) }
		assess := func(l risk.Level) risk.ChildRisk {
			return risk.ChildRisk{Concerns: "Arguments at handover.", Level: l, Plan: "Review in a month."}
		}
		fields := func(err error) string {
			p := problem.As(err)
			if p == nil || p.Code != problem.Invalid {
				return "not invalid: " + fmt.Sprint(err)
			}
			var names []string
			for _, f := range p.Fields {
				names = append(names, f.Name+": "+f.Message)
			}
			return strings.Join(names, "; ")
		}
		// A choice that is no child's is refused as a child not in the
		// family is, even before there is a choice to make.
		if got := fields(db.RecordChildRisk(sctx, prac, fx.familyID, store.ChildUnknown, assess(risk.Standard))); got != "about: Select who the assessment is about from the children on this family's record" {
			t.Errorf("about no child, with no child but the baby: %s", got)
		}
		// No child but the baby yet: not asked, so about all of them.
		if err := db.RecordChildRisk(sctx, prac, fx.familyID, store.ChildNotChosen, assess(risk.High)); err != nil {
			t.Fatal(err)
		}
		var baby int64
		if err := db.Update(ctx, func(tx *store.Tx) error {
			var err error
			baby, err = tx.AddPerson(fx.familyID, family.Person{Kind: family.Baby})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		mia, err := db.AddChild(sctx, prac, fx.familyID, family.Details{GivenName: "Mia", FamilyName: "Rivers"}, 1)
		if err != nil {
			t.Fatal(err)
		}
		// Now there is a choice, it must be made, and with the other
		// problems in the form's order.
		if got, want := fields(db.RecordChildRisk(sctx, prac, fx.familyID, store.ChildNotChosen, risk.ChildRisk{})),
			"about: Select who the assessment is about: the baby and all the other children, or one of them; "+
				"concerns: Enter the concerns about the baby and other children; level: Select the level of risk to the baby and other children; "+
				"plan: Enter the plan to keep the baby and other children safe"; got != want {
			t.Errorf("nothing chosen or entered:\n got %s\nwant %s", got, want)
		}
		for _, id := range []int64{fx.parent1, mia + 1000, store.ChildUnknown} {
			if got := fields(db.RecordChildRisk(sctx, prac, fx.familyID, id, assess(risk.Standard))); got != "about: Select who the assessment is about from the children on this family's record" {
				t.Errorf("about person %d: %s", id, got)
			}
		}
		p := page()
		if len(p.ChildRisks) != 1 || p.ChildRisks[0].ChildID != store.AllChildren || p.ChildRisks[0].About != "" {
			t.Fatalf("after the refusals: %+v", p.ChildRisks)
		}

		// The baby reassessed alone, lower: Mia's risk is still the first
		// assessment's, and the summary says so.
		if err := db.RecordChildRisk(sctx, prac, fx.familyID, baby, assess(risk.Standard)); err != nil {
			t.Fatal(err)
		}
		p = page()
		if e := p.ChildRisks[0]; e.ChildID != baby || e.About != "The baby" || e.Level != risk.Standard {
			t.Errorf("the baby's assessment: %+v", e)
		}
		if p.Risk.ChildLevel != risk.High || p.Risk.ChildAbout != "" {
			t.Errorf("summary after the baby's reassessment: %q about %q, want high about all", p.Risk.ChildLevel, p.Risk.ChildAbout)
		}
		// Mia reassessed too: both now standard, the latest (Mia's) shown.
		if err := db.RecordChildRisk(sctx, fx.prac2.Actor(), fx.familyID, mia, assess(risk.Standard)); err != nil {
			t.Fatal(err)
		}
		if p = page(); p.Risk.ChildLevel != risk.Standard || p.Risk.ChildAbout != "Mia Rivers" {
			t.Errorf("summary after Mia's: %q about %q", p.Risk.ChildLevel, p.Risk.ChildAbout)
		}
		if err := db.RecordChildRisk(sctx, prac, fx.familyID, baby, assess(risk.Medium)); err != nil {
			t.Fatal(err)
		}
		if p = page(); p.Risk.ChildLevel != risk.Medium || p.Risk.ChildAbout != "The baby" || len(p.ChildRisks) != 4 {
			t.Errorf("summary after the baby's second: %q about %q (%d assessments)", p.Risk.ChildLevel, p.Risk.ChildAbout, len(p.ChildRisks))
		}
		// Mia's own page: hers and all the children's, the latest first,
		// not the baby's.
		rec, err := db.ReadPerson(sctx, fx.prac2.Actor(), mia)
		if err != nil {
			t.Fatal(err)
		}
		if got := rec.ChildRisks; len(got) != 2 || got[0].ChildID != mia || got[0].About != "Mia Rivers" || got[0].By != fx.prac2.Name ||
			got[1].ChildID != store.AllChildren || got[1].About != "" || got[1].Level != risk.High {
			t.Errorf("Mia's page: %+v", got)
		}
		// Once named, the baby is named.
		if err := db.RawExec(ctx, `UPDATE people SET given_name = 'Lily' WHERE id = $1`, baby); err != nil {
			t.Fatal(err)
		}
		if p = page(); p.ChildRisks[0].About != "Lily" || p.Risk.ChildAbout != "Lily" {
			t.Errorf("the baby named: %q, %q", p.ChildRisks[0].About, p.Risk.ChildAbout)
		}
	})
}
