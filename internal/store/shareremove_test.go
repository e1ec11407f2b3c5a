package store_test

import (
	"testing"

	"github.com/cradle-org/cradle/internal/audit"
	"github.com/cradle-org/cradle/internal/org"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/sharing"
	"github.com/cradle-org/cradle/internal/store"
	"github.com/cradle-org/cradle/internal/store/storetest"
)

// A disclosure logged in error leaves the sharing log (the page's and the
// CSV's) and is listed as removed; one about a parent is removed only by
// someone who may read what was shared about them, and the reason is
// withheld as what was shared is.
func TestShareRemoval(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := makeFamily(t, db)
		sctx := audit.WithSource(ctx, audit.Source{Actor: "test"})
		prac := fx.prac1.Actor()
		now := db.Now()
		for _, sh := range []sharing.Share{
			{PersonID: fx.parent1, SharedOn: now, Recipient: "GP", What: "CANARY-ABOUT-PARENT1", Why: "Care", Method: "phone", LawfulBasis: "art9_2h", Consent: "given"},
			{SharedOn: now, Recipient: "Housing", What: "Family's needs", Why: "Rehousing", Method: "phone", LawfulBasis: "art6_1e", Consent: "given"},
		} {
			if err := db.RecordShare(sctx, prac, fx.familyID, sh); err != nil {
				t.Fatal(err)
			}
		}
		page := func(actor org.Staff) store.FamilyPage {
			t.Helper()
			f, err := db.ReadFamilyPage(sctx, actor.Actor(), fx.familyID, 0)
			if err != nil {
				t.Fatal(err)
			}
			return f
		}
		p := page(fx.prac1)
		if len(p.Shares) != 2 {
			t.Fatalf("before: %+v", p.Shares)
		}
		var aboutParent, family int64
		for _, sh := range p.Shares {
			if sh.PersonID == fx.parent1 {
				aboutParent = sh.ID
			} else {
				family = sh.ID
			}
		}
		if err := db.RemoveShare(sctx, prac, fx.familyID, family, ""); code(err) != problem.Invalid {
			t.Errorf("no reason: %v", err)
		}
		if err := db.RemoveShare(sctx, fx.other.Actor(), fx.familyID, family, "Twice"); code(err) != problem.Forbidden {
			t.Errorf("a practitioner not working with the family: %v", err)
		}
		// The co-parent's practitioner may not read what was shared about
		// parent 1, so may not remove it; the family's own disclosure they may.
		if err := db.RemoveShare(sctx, fx.prac2.Actor(), fx.familyID, aboutParent, "Wrong family"); code(err) != problem.Forbidden {
			t.Errorf("the co-parent's practitioner, a disclosure about parent 1: %v", err)
		}
		if err := db.RemoveShare(sctx, fx.prac2.Actor(), fx.familyID, family, "Logged twice"); err != nil {
			t.Fatal(err)
		}
		if err := db.RemoveShare(sctx, prac, fx.familyID, aboutParent, "CANARY-WHY logged on the wrong family"); err != nil {
			t.Fatal(err)
		}
		if err := db.RemoveShare(sctx, prac, fx.familyID, aboutParent, "Again"); code(err) != problem.Conflict {
			t.Errorf("a second time: %v, want a conflict (removed already)", err)
		}
		p = page(fx.prac1)
		if len(p.Shares) != 0 || len(p.RemovedShares) != 2 {
			t.Fatalf("after: %+v, removed %+v", p.Shares, p.RemovedShares)
		}
		for _, r := range p.RemovedShares {
			if r.ID == aboutParent && (r.Why != "CANARY-WHY logged on the wrong family" || r.Withheld || r.Recipient != "GP" || r.RemovedBy == "") {
				t.Errorf("the removed disclosure, to parent 1's practitioner: %+v", r)
			}
		}
		for _, r := range page(fx.prac2).RemovedShares {
			if r.ID == aboutParent && (r.Why != "" || !r.Withheld) {
				t.Errorf("the removed disclosure about parent 1, to the co-parent's practitioner: %+v", r)
			}
			if r.ID == family && r.Why != "Logged twice" {
				t.Errorf("the family's removed disclosure: %+v", r)
			}
		}
		f, err := db.ReadFamily(sctx, prac, fx.familyID)
		if err != nil {
			t.Fatal(err)
		}
		if csv, err := db.FamilyShares(sctx, prac, f); err != nil || len(csv) != 0 {
			t.Errorf("the sharing log's export: %+v (%v)", csv, err)
		}
		if n := countAudit(t, db, "share.remove"); n != 2 {
			t.Errorf("%d share.remove entries, want 2", n)
		}
	})
}
