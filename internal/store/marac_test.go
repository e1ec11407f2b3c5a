package store_test

import (
	"strings"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/audit"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/store"
	"github.com/cradle-org/cradle/internal/store/storetest"
)

// A parent's MARAC referrals are listed on their page, the latest first;
// the outcome, recorded when the MARAC has met, is read by everyone
// working with the family (so it may not hold a parent's confidential
// details), and which MARAC and the actions agreed only by those who may
// see the parent's confidential details.
func TestMARACReferralsAndOutcome(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := makeFamily(t, db)
		sctx := audit.WithSource(ctx, audit.Source{Actor: "test"})
		prac := fx.prac1.Actor()
		today := db.Now().UTC().Truncate(24 * time.Hour)
		// Alex's phone number in the outcome: refused on its field.
		err := db.RecordMARAC(sctx, prac, fx.parent1, store.MARACReferral{ReferredOn: today.AddDate(0, 0, -20), Area: "Blackpool MARAC",
			Outcome: "Listed; IDVA to call Alex on 07700 900001"})
		if p := problem.As(err); p == nil || p.Code != problem.Invalid || len(p.Fields) != 1 || p.Fields[0].Name != "marac_outcome" {
			t.Fatalf("Alex's phone number in the outcome: %v", err)
		}
		if err := db.RecordMARAC(sctx, prac, fx.parent1, store.MARACReferral{ReferredOn: today.AddDate(0, 0, -20), Area: "CANARY-AREA Blackpool MARAC"}); err != nil {
			t.Fatal(err)
		}
		rec, err := db.ReadPersonParts(sctx, prac, fx.parent1, store.PersonMARAC, "")
		if err != nil || len(rec.MARACReferrals) != 1 {
			t.Fatalf("the referral: %+v (%v)", rec.MARACReferrals, err)
		}
		m := rec.MARACReferrals[0]
		// Its outcome awaited: a task for Alex's practitioner, due four
		// weeks after the referral.
		outcomeTasks := func() []store.Task {
			t.Helper()
			page, err := db.ReadFamilyPage(sctx, prac, fx.familyID, 0)
			if err != nil {
				t.Fatal(err)
			}
			var out []store.Task
			for _, tk := range page.Tasks {
				if strings.HasPrefix(tk.Title, "Record the MARAC's outcome") {
					out = append(out, tk)
				}
			}
			return out
		}
		if tk := outcomeTasks(); len(tk) != 1 || tk[0].AssignedToID != fx.prac1.ID || !tk[0].DueOn.Equal(today.AddDate(0, 0, 8)) {
			t.Errorf("the outcome's task: %+v", tk)
		}
		if m.Area != "CANARY-AREA Blackpool MARAC" || m.Outcome != "" || m.Withheld || m.By != fx.prac1.Name || !m.ReferredOn.Equal(today.AddDate(0, 0, -20)) {
			t.Errorf("the referral as its practitioner reads it: %+v", m)
		}

		if err := db.RecordMARACOutcome(sctx, prac, fx.parent1, m.ID, " ", "Something"); code(err) != problem.Invalid {
			t.Errorf("no outcome: %v", err)
		}
		if err := db.RecordMARACOutcome(sctx, prac, fx.parent1, m.ID, "Listed. Alex has moved to CANARY-ADDRESS 1 Safe Street", ""); code(err) != problem.Invalid {
			t.Errorf("Alex's address in the outcome: %v", err)
		}
		if err := db.RecordMARACOutcome(sctx, fx.prac2.Actor(), fx.parent1, m.ID, "Listed", ""); code(err) != problem.Forbidden {
			t.Errorf("the other parent's practitioner: %v", err)
		}
		if err := db.RecordMARACOutcome(sctx, prac, fx.parent2, m.ID, "Listed", ""); code(err) != problem.Forbidden {
			t.Errorf("on the other parent's record: %v", err)
		}
		if err := db.RecordMARACOutcome(sctx, prac, fx.parent1, m.ID+1000, "Listed", ""); code(err) != problem.NotFound {
			t.Errorf("no such referral: %v", err)
		}
		if err := db.RecordMARACOutcome(sctx, prac, fx.parent1, m.ID, "Heard on 1 December; an IDVA allocated", "CANARY-ACTIONS Police flag on the address"); err != nil {
			t.Fatal(err)
		}
		if tk := outcomeTasks(); len(tk) != 0 {
			t.Errorf("the outcome's task is still open: %+v", tk)
		}
		if rec, err = db.ReadPersonParts(sctx, prac, fx.parent1, store.PersonMARAC, ""); err != nil || len(rec.MARACReferrals) != 1 ||
			rec.MARACReferrals[0].Outcome != "Heard on 1 December; an IDVA allocated" || rec.MARACReferrals[0].Actions != "CANARY-ACTIONS Police flag on the address" {
			t.Fatalf("after the outcome: %+v (%v)", rec.MARACReferrals, err)
		}
		// Sam's practitioner reads the date and the outcome, never which
		// MARAC or the actions.
		other, err := db.ReadPersonParts(sctx, fx.prac2.Actor(), fx.parent1, store.PersonMARAC, "")
		if err != nil || len(other.MARACReferrals) != 1 {
			t.Fatalf("the referral as the other practitioner reads it: %+v (%v)", other.MARACReferrals, err)
		}
		if o := other.MARACReferrals[0]; !o.Withheld || o.Area != "" || o.Actions != "" || o.Outcome != "Heard on 1 December; an IDVA allocated" {
			t.Errorf("the referral as the other practitioner reads it: %+v", o)
		}
		page, err := db.ReadFamilyPage(sctx, prac, fx.familyID, 0)
		if err != nil || page.Risk.Parents[0].MARACOutcome != "Heard on 1 December; an IDVA allocated" {
			t.Errorf("the family's risk summary: %+v (%v)", page.Risk.Parents, err)
		}
		// The person page's other parts come in the same statement.
		if rec, err = db.ReadPersonParts(sctx, prac, fx.parent1, store.PersonPage, ""); err != nil || len(rec.MARACReferrals) != 1 {
			t.Errorf("the person page: %+v (%v)", rec.MARACReferrals, err)
		}
		if n := countAudit(t, db, "marac.outcome"); n != 1 {
			t.Errorf("%d marac.outcome entries, want 1", n)
		}
		if got, err := db.RawString(ctx, `SELECT actions_sealed FROM marac_referrals WHERE id = $1`, m.ID); err != nil || strings.Contains(got, "CANARY") {
			t.Errorf("the actions are stored as %q (%v)", got, err)
		}
	})
}

// A MARAC referral recorded twice (or on the wrong parent's record) is
// removed with a reason: it leaves the list, the criteria's "last referral"
// (so a repeat is judged from the one left) and the family's summary, and
// is listed as removed.
func TestMARACReferralRemoved(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := makeFamily(t, db)
		sctx := audit.WithSource(ctx, audit.Source{Actor: "test"})
		prac := fx.prac1.Actor()
		today := db.Now().UTC().Truncate(24 * time.Hour)
		for i, on := range []time.Time{today.AddDate(0, -6, 0), today.AddDate(0, 0, -3)} {
			if err := db.RecordMARAC(sctx, prac, fx.parent1, store.MARACReferral{ReferredOn: on, Area: "Blackpool MARAC", Outcome: []string{"Heard", "Wrong parent"}[i]}); err != nil {
				t.Fatal(err)
			}
		}
		rec, err := db.ReadPersonParts(sctx, prac, fx.parent1, store.PersonMARAC|store.PersonRisk, "")
		if err != nil || len(rec.MARACReferrals) != 2 {
			t.Fatalf("before: %+v (%v)", rec.MARACReferrals, err)
		}
		wrong, kept := rec.MARACReferrals[0], rec.MARACReferrals[1]
		if err := db.RemoveMARAC(sctx, prac, fx.parent1, wrong.ID, " "); code(err) != problem.Invalid {
			t.Errorf("no reason: %v", err)
		}
		if err := db.RemoveMARAC(sctx, fx.prac2.Actor(), fx.parent1, wrong.ID, "Wrong parent"); code(err) != problem.Forbidden {
			t.Errorf("the other parent's practitioner: %v", err)
		}
		if err := db.RemoveMARAC(sctx, prac, fx.parent1, wrong.ID+1000, "Wrong parent"); code(err) != problem.NotFound {
			t.Errorf("no such referral: %v", err)
		}
		if err := db.RemoveMARAC(sctx, prac, fx.parent1, wrong.ID, "CANARY-WHY Recorded on the wrong parent's record"); err != nil {
			t.Fatal(err)
		}
		if err := db.RemoveMARAC(sctx, prac, fx.parent1, wrong.ID, "Again"); code(err) != problem.Conflict {
			t.Errorf("a second time: %v, want a conflict (removed already)", err)
		}
		if err := db.RecordMARACOutcome(sctx, prac, fx.parent1, wrong.ID, "Heard", ""); code(err) != problem.NotFound {
			t.Errorf("the outcome of a removed referral: %v", err)
		}
		rec, err = db.ReadPersonParts(sctx, prac, fx.parent1, store.PersonMARAC|store.PersonRisk, "")
		if err != nil || len(rec.MARACReferrals) != 1 || rec.MARACReferrals[0].ID != kept.ID {
			t.Fatalf("after: %+v (%v)", rec.MARACReferrals, err)
		}
		var removed []store.RemovedEntry
		for _, e := range rec.RemovedEntries {
			if e.Kind == "marac" {
				removed = append(removed, e)
			}
		}
		if len(removed) != 1 || removed[0].ID != wrong.ID || removed[0].Why != "CANARY-WHY Recorded on the wrong parent's record" || removed[0].RemovedBy != fx.prac1.Name {
			t.Errorf("removed: %+v", removed)
		}
		// Sam's practitioner reads that one was removed, never why.
		if other, err := db.ReadPersonParts(sctx, fx.prac2.Actor(), fx.parent1, store.PersonMARAC, ""); err != nil || len(other.RemovedEntries) != 1 ||
			other.RemovedEntries[0].Why != "" || !other.RemovedEntries[0].Withheld {
			t.Errorf("removed, as the other practitioner reads it: %+v (%v)", other.RemovedEntries, err)
		}
		page, err := db.ReadFamilyPage(sctx, prac, fx.familyID, 0)
		if err != nil || !page.Risk.Parents[0].LastMARAC.Equal(kept.ReferredOn) || page.Risk.Parents[0].MARACOutcome != "Heard" {
			t.Errorf("the family's risk summary: %+v (%v)", page.Risk.Parents[0], err)
		}
		// One awaiting its outcome, removed: its task goes with it.
		if err := db.RecordMARAC(sctx, prac, fx.parent1, store.MARACReferral{ReferredOn: today, Area: "Twice"}); err != nil {
			t.Fatal(err)
		}
		open := func() int {
			t.Helper()
			n, err := db.RawString(ctx, `SELECT CAST(COUNT(*) AS TEXT) FROM tasks WHERE person_id = $1 AND kind = 'marac_outcome' AND done_at IS NULL`, fx.parent1)
			if err != nil {
				t.Fatal(err)
			}
			return int(n[0] - '0')
		}
		if n := open(); n != 1 {
			t.Fatalf("%d outcome tasks open, want 1", n)
		}
		rec, err = db.ReadPersonParts(sctx, prac, fx.parent1, store.PersonMARAC, "")
		if err != nil || len(rec.MARACReferrals) != 2 {
			t.Fatalf("%+v (%v)", rec.MARACReferrals, err)
		}
		if err := db.RemoveMARAC(sctx, prac, fx.parent1, rec.MARACReferrals[0].ID, "Recorded twice"); err != nil {
			t.Fatal(err)
		}
		if n := open(); n != 0 {
			t.Errorf("%d outcome tasks open after the removal, want 0", n)
		}
		if n := countAudit(t, db, "marac.remove"); n != 2 {
			t.Errorf("%d marac.remove entries, want 2", n)
		}
	})
}
