package store_test

import (
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/audit"
	"github.com/cradle-org/cradle/internal/family"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/store"
	"github.com/cradle-org/cradle/internal/store/storetest"
)

// Moving a practitioner's parents in several families is all or nothing:
// one move refused (the other parent's practitioner) leaves the other
// family's as it was; then both move, each family's allocation audited;
// only a team manager of the area may, and nothing at all is no move.
func TestMoveParents(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := audit.WithSource(ctx, audit.Source{Actor: "test"})
		fx := makeFamily(t, db)
		// A second family in which prac1 works with Kim and other with Lee.
		var kim, lee, second int64
		err := db.Update(ctx, func(tx *store.Tx) error {
			var err error
			if second, _, err = tx.CreateFamily(store.NewFamily{AreaName: "Blackpool", Stage: family.Antenatal, EDD: time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC), ManagerID: fx.mgr.ID}); err != nil {
				return err
			}
			if kim, err = tx.AddPerson(second, family.Person{Kind: family.Parent, ParentSlot: 1, GivenName: "Kim", FamilyName: "Lane", Experience: family.Experiences, Confidential: &family.Confidential{}}); err != nil {
				return err
			}
			if lee, err = tx.AddPerson(second, family.Person{Kind: family.Parent, ParentSlot: 2, GivenName: "Lee", FamilyName: "Lane", Experience: family.Uses, Confidential: &family.Confidential{}}); err != nil {
				return err
			}
			if err := tx.Allocate(second, kim, fx.prac1.ID, fx.mgr.ID); err != nil {
				return err
			}
			return tx.Allocate(second, lee, fx.other.ID, fx.mgr.ID)
		})
		if err != nil {
			t.Fatal(err)
		}
		practitionerOf := func(familyID, personID int64) int64 {
			t.Helper()
			f, err := db.ReadFamily(ctx, fx.mgr.Actor(), familyID)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range f.Parents() {
				if p.ID == personID {
					return p.PractitionerID
				}
			}
			return 0
		}

		// Alex to other (fine), Kim to other (Lee's practitioner): refused,
		// and Alex stays with prac1.
		err = db.MoveParents(ctx, fx.mgr.Actor(), map[int64]int64{fx.parent1: fx.other.ID, kim: fx.other.ID}, nil)
		if p := problem.As(err); p == nil || p.Code != problem.Invalid || len(p.Fields) == 0 {
			t.Fatalf("moving Kim to Lee's practitioner: %v, want invalid on her field", err)
		}
		if got := practitionerOf(fx.familyID, fx.parent1); got != fx.prac1.ID {
			t.Errorf("Alex moved to %d although Kim's move was refused", got)
		}

		if err := db.MoveParents(ctx, fx.prac2.Actor(), map[int64]int64{fx.parent1: fx.other.ID}, nil); problem.CodeOf(err) != problem.Forbidden {
			t.Errorf("a practitioner moving parents: %v, want forbidden", err)
		}
		if err := db.MoveParents(ctx, fx.mgr.Actor(), nil, nil); problem.CodeOf(err) != problem.Invalid {
			t.Errorf("moving no one: %v, want invalid", err)
		}
		if err := db.MoveParents(ctx, fx.mgr.Actor(), map[int64]int64{999999: fx.other.ID}, nil); problem.CodeOf(err) != problem.NotFound {
			t.Errorf("moving no such parent: %v, want not found", err)
		}

		var told []store.Allocated
		notify := func(tx *store.Tx, familyID int64, ref string, to []store.Allocated) error {
			told = append(told, to...)
			return nil
		}
		if err := db.MoveParents(ctx, fx.mgr.Actor(), map[int64]int64{fx.parent1: fx.other.ID, kim: fx.prac2.ID}, notify); err != nil {
			t.Fatal(err)
		}
		if a, k := practitionerOf(fx.familyID, fx.parent1), practitionerOf(second, kim); a != fx.other.ID || k != fx.prac2.ID {
			t.Errorf("after the move Alex is with %d and Kim with %d", a, k)
		}
		if len(told) != 4 {
			t.Errorf("told %d of the changes (two given a parent, prac1 twice of one gone), want 4: %+v", len(told), told)
		}
		for _, id := range []int64{fx.familyID, second} {
			if es, err := db.AuditEntries(ctx, store.AuditFilter{FamilyID: id, Actions: []string{"family.allocation.review"}}); err != nil || len(es) != 1 {
				t.Errorf("family %d's allocation audited %d times (%v), want once", id, len(es), err)
			}
		}
	})
}

// A practitioner's caseload on the allocation and move pages counts the
// parents of open families only: a closed case's allocation stands (its
// practitioner may still read it) but is no work.
func TestPractitionersInAreaCountOpenFamilies(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := makeFamily(t, db)
		load := func() int {
			t.Helper()
			f, err := db.ReadFamily(ctx, fx.mgr.Actor(), fx.familyID)
			if err != nil {
				t.Fatal(err)
			}
			list, err := db.PractitionersInArea(ctx, f.AreaID)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range list {
				if p.ID == fx.prac1.ID {
					return p.Caseload
				}
			}
			t.Fatal("prac1 is not listed")
			return 0
		}
		if n := load(); n != 1 {
			t.Errorf("prac1's caseload with Alex's family open: %d, want 1", n)
		}
		mustExec(t, db, `UPDATE families SET stage = 'closed', closed_on = $1 WHERE id = $2`, time.Now().UTC(), fx.familyID)
		if n := load(); n != 0 {
			t.Errorf("prac1's caseload with Alex's family closed: %d, want 0", n)
		}
	})
}
