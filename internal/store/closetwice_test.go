package store_test

import (
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/audit"
	"github.com/cradle-org/cradle/internal/casework"
	"github.com/cradle-org/cradle/internal/family"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/store"
	"github.com/cradle-org/cradle/internal/store/storetest"
)

// Closing a case closed already (a double click) is a conflict that says
// so, not "you do not have access"; one who may not close or re-open a
// case at all is still refused access.
func TestCloseTwice(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := makeFamily(t, db)
		sctx := audit.WithSource(ctx, audit.Source{Actor: "test"})
		mgr := fx.mgr.Actor()
		closure := casework.Closure{Reason: "planned_end", ClosedOn: db.Now().UTC().Truncate(24 * time.Hour),
			Summaries: map[int64]string{fx.parent1: "a", fx.parent2: "b"}}
		stage := func(family.Family) family.Stage { return family.Antenatal }
		if err := db.CloseFamily(sctx, mgr, fx.familyID, closure); err != nil {
			t.Fatal(err)
		}
		if err := db.CloseFamily(sctx, mgr, fx.familyID, closure); problem.CodeOf(err) != problem.Conflict {
			t.Errorf("closing it again: %v, want a conflict", err)
		}
		if err := db.ReopenFamily(sctx, fx.prac1.Actor(), fx.familyID, "Not mine to", stage); problem.CodeOf(err) != problem.Forbidden {
			t.Errorf("a practitioner re-opening: %v, want a refusal", err)
		}
		if err := db.ReopenFamily(sctx, mgr, fx.familyID, "Back in touch", stage); err != nil {
			t.Fatal(err)
		}
		if err := db.CloseFamily(sctx, fx.prac1.Actor(), fx.familyID, closure); problem.CodeOf(err) != problem.Forbidden {
			t.Errorf("a practitioner closing: %v, want a refusal", err)
		}
	})
}
