package store_test

import (
	"strings"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/family"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/risk"
	"github.com/cradle-org/cradle/internal/store"
	"github.com/cradle-org/cradle/internal/store/storetest"
)

// TestRecordChangeInCircumstances: a parent's practitioner records a change
// in their circumstances; it asks for a risk review, is read newest first
// with its note for them and with the note withheld from the other
// parent's practitioner, who may not record one. A parent with no
// practitioner's review goes to the team manager; a child has none.
func TestRecordChangeInCircumstances(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := makeFamily(t, db)
		prac1, prac2, mgr := fx.prac1.Actor(), fx.prac2.Actor(), fx.mgr.Actor()
		today := time.Now()
		if err := db.RecordChange(ctx, prac1, fx.parent1, risk.Change{Kind: "separated", On: today.AddDate(0, 0, -20)}); err != nil {
			t.Fatal(err)
		}
		if err := db.RecordChange(ctx, prac1, fx.parent1, risk.Change{Kind: "moved_house", On: today.AddDate(0, 0, -2), Note: "  CANARY-CHANGE moved in with her sister  "}); err != nil {
			t.Fatal(err)
		}
		// The check runs in the store, whatever the caller sent.
		err := db.RecordChange(ctx, prac1, fx.parent1, risk.Change{Kind: "other", On: today.AddDate(0, 0, 1)})
		if got := fieldsOf(err); got != "changed_on,change_note" {
			t.Errorf("a change tomorrow with no note: %v (fields %s)", err, got)
		}
		// The other parent's practitioner may not record one.
		if err := db.RecordChange(ctx, prac2, fx.parent1, risk.Change{Kind: "separated", On: today}); problem.CodeOf(err) != problem.Forbidden {
			t.Errorf("the other parent's practitioner recorded a change: %v", err)
		}

		own, err := db.ReadPerson(ctx, prac1, fx.parent1)
		if err != nil {
			t.Fatal(err)
		}
		if len(own.Changes) != 2 {
			t.Fatalf("%d changes read, want 2: %+v", len(own.Changes), own.Changes)
		}
		if c := own.Changes[0]; c.Kind != "moved_house" || c.Note != "CANARY-CHANGE moved in with her sister" || c.Withheld || c.PersonID != fx.parent1 ||
			!c.ChangedOn.Equal(dayOf(today.AddDate(0, 0, -2))) {
			t.Errorf("the parent's practitioner reads the newest change as %+v", c)
		}
		if c := own.Changes[1]; c.Kind != "separated" || c.Note != "" || c.Withheld {
			t.Errorf("the older change read as %+v", c)
		}
		other, err := db.ReadPerson(ctx, prac2, fx.parent1)
		if err != nil {
			t.Fatal(err)
		}
		if len(other.Changes) != 2 {
			t.Fatalf("the other parent's practitioner reads %d changes, want 2", len(other.Changes))
		}
		for i, c := range other.Changes {
			if !c.Withheld || c.Note != "" || c.Kind != "" || !c.ChangedOn.Equal(own.Changes[i].ChangedOn) {
				t.Errorf("the other parent's practitioner reads %+v; want its date, what changed withheld", c)
			}
		}
		// Read only when asked for, and never for the other parent.
		if rec, err := db.ReadPersonParts(ctx, prac1, fx.parent1, store.PersonIncidents, ""); err != nil || rec.Changes != nil {
			t.Errorf("incidents alone read changes %+v (%v)", rec.Changes, err)
		}
		if rec, err := db.ReadPerson(ctx, prac2, fx.parent2); err != nil || len(rec.Changes) != 0 {
			t.Errorf("parent 2 has changes %+v (%v)", rec.Changes, err)
		}

		// A review task for the parent's practitioner for each change.
		reviews := func(familyID int64) []store.Task {
			t.Helper()
			fp, err := db.ReadFamilyPage(ctx, mgr, familyID, 5)
			if err != nil {
				t.Fatal(err)
			}
			var out []store.Task
			for _, tk := range fp.Tasks {
				if tk.Kind == "review_risk" && strings.Contains(tk.Title, "after a change in circumstances") {
					out = append(out, tk)
				}
			}
			return out
		}
		ref, err := db.RawString(ctx, `SELECT reference FROM families WHERE id = $1`, fx.familyID)
		if err != nil {
			t.Fatal(err)
		}
		tasks := reviews(fx.familyID)
		if len(tasks) != 2 {
			t.Fatalf("%d review tasks, want 2: %+v", len(tasks), tasks)
		}
		for _, tk := range tasks {
			if tk.AssignedToID != fx.prac1.ID || tk.Title != "Review the risk assessment after a change in circumstances (family "+ref+")" {
				t.Errorf("review task %+v, want it for parent 1's practitioner", tk)
			}
		}
		if n := countAudit(t, db, "circumstance.create"); n != 2 {
			t.Errorf("%d circumstance.create entries, want 2", n)
		}
		es, err := db.AuditEntries(ctx, store.AuditFilter{Actions: []string{"circumstance.create"}})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range es {
			if e.Detail != "" || e.RecordType != "circumstance_change" || e.FamilyID != fx.familyID {
				t.Errorf("audit entry %+v", e)
			}
		}

		// A family not yet allocated: the team manager reviews; a child has
		// no changes recorded.
		var fam, parent int64
		if err := db.Update(ctx, func(tx *store.Tx) error {
			var err error
			if fam, _, err = tx.CreateFamily(store.NewFamily{AreaName: "Blackpool", Stage: family.Antenatal, EDD: today.AddDate(0, 3, 0), ManagerID: fx.mgr.ID}); err != nil {
				return err
			}
			if parent, err = tx.AddPerson(fam, family.Person{Kind: family.Parent, ParentSlot: 1, GivenName: "Jo", FamilyName: "Lake"}); err != nil {
				return err
			}
			_, err = tx.AddPerson(fam, family.Person{Kind: family.Child, GivenName: "Kit", FamilyName: "Lake"})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if err := db.RecordChange(ctx, mgr, parent, risk.Change{Kind: "released_from_custody", On: today}); err != nil {
			t.Fatal(err)
		}
		if tasks := reviews(fam); len(tasks) != 1 || tasks[0].AssignedToID != fx.mgr.ID {
			t.Errorf("review tasks for a parent with no practitioner: %+v, want one for the team manager", tasks)
		}
		// So does an incident's (before, a parent with no practitioner had
		// no review at all).
		if err := db.RecordIncident(ctx, mgr, store.Incident{PersonID: parent, OccurredOn: today, ReportedBy: "Police", Details: "d"}); err != nil {
			t.Fatal(err)
		}
		fp, err := db.ReadFamilyPage(ctx, mgr, fam, 5)
		if err != nil {
			t.Fatal(err)
		}
		var incidentReviews []store.Task
		for _, tk := range fp.Tasks {
			if tk.Kind == "review_risk" && strings.Contains(tk.Title, "after a new incident") {
				incidentReviews = append(incidentReviews, tk)
			}
		}
		if len(incidentReviews) != 1 || incidentReviews[0].AssignedToID != fx.mgr.ID {
			t.Errorf("review tasks after an incident with no practitioner: %+v, want one for the team manager", incidentReviews)
		}
		f, err := db.ReadFamily(ctx, mgr, fam)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range f.People {
			if p.Kind == family.Child {
				if err := db.RecordChange(ctx, mgr, p.ID, risk.Change{Kind: "moved_house", On: today}); problem.CodeOf(err) != problem.Invalid {
					t.Errorf("a child's change: %v, want it refused", err)
				}
			}
		}
	})
}

// dayOf is the calendar day of t, as the store keeps a change's date.
func dayOf(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
