package store_test

import (
	"strings"
	"testing"

	"github.com/cradle-org/cradle/internal/audit"
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
		page := func() store.FamilyPage {
			t.Helper()
			p, err := db.ReadFamilyPage(sctx, prac, fx.familyID, 0)
			if err != nil {
				t.Fatal(err)
			}
			return p
		}
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
		if err := db.RemoveChildRisk(sctx, fx.mgr.Actor(), fx.familyID, latest.ID, "Again"); code(err) != problem.NotFound {
			t.Errorf("a second time: %v", err)
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
