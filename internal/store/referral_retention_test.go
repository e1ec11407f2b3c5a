package store_test

import (
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/audit"
	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/referral"
	"github.com/cradle-org/cradle/internal/retention"
	"github.com/cradle-org/cradle/internal/store"
	"github.com/cradle-org/cradle/internal/store/storetest"
)

// TestReferralRetention walks referrals that never became a family through
// the review: listed only when due under their rule (a year after the
// decision, three with child protection work), open and accepted referrals
// never; a manager sees their areas' only; kept, asked for and approved by
// someone else (a manager of the area, or for a referral from outside every
// area a second DSL, never a manager); the row and its dashboard facts go,
// a stub is left, its id is never given again, and the audit chain verifies.
func TestReferralRetention(t *testing.T) {
	eachBackend(t, func(t *testing.T, b storetest.Backend) {
		var shift atomic.Int64
		db := storetest.Open(t, b, func() time.Time { return time.Now().Add(time.Duration(shift.Load())) })
		fx := makeFamily(t, db)
		sctx := audit.WithSource(ctx, audit.Source{Actor: "test"})
		mgr, mgr2 := fx.mgr.Actor(), seedStaff(t, db, "m2@example.org", "team_manager", "Blackpool").Actor()
		herts := seedStaff(t, db, "m3@example.org", "team_manager", "Hertfordshire").Actor()
		dsl, dsl2 := seedStaff(t, db, "d1@example.org", "dsl", "Blackpool").Actor(), seedStaff(t, db, "d2@example.org", "dsl", "Blackpool").Actor()

		now := time.Now().UTC()
		make := func(area, status, safeguarding string, family int64) (int64, string) {
			t.Helper()
			var id int64
			var ref string
			if err := db.Update(sctx, func(tx *store.Tx) error {
				var err error
				id, ref, err = tx.CreateReferral(store.NewReferral{Referral: referral.Referral{Source: referral.Professional,
					SafeguardingStatus: safeguarding, AnythingElse: "Nothing to see"}, AreaName: area})
				if err != nil {
					return err
				}
				// Its acknowledgement is part of its record, and goes with it.
				return tx.QueueReferralMail(id, "referral_ack", "referrer@example.org", "Referral received: "+ref, "Thank you")
			}); err != nil {
				t.Fatal(err)
			}
			var fam any
			if family != 0 {
				fam = family
			}
			if err := db.RawExec(ctx, `UPDATE referrals SET status = $1, decided_at = $2, family_id = $3 WHERE id = $4`, status, now, fam, id); err != nil {
				t.Fatal(err)
			}
			return id, ref
		}
		plain, _ := make("Blackpool", "not_accepted", "none", 0)
		cp, cpRef := make("Blackpool", "not_accepted", "child_protection_plan", 0)
		unborn, _ := make("Blackpool", "withdrawn", "unborn_baby_assessment", 0)
		elsewhere, _ := make("Hertfordshire", "not_accepted", "none", 0)
		open, _ := make("Blackpool", "screening", "none", 0)
		accepted, _ := make("Blackpool", "accepted", "none", fx.familyID)
		nowhere, nowhereRef := make("", "withdrawn", "none", 0) // the last id, which SQLite would give again

		listed := func(who policy.Actor) map[int64]store.RetentionItem {
			t.Helper()
			items, err := db.RetentionList(sctx, who, testSchedule)
			if err != nil {
				t.Fatal(err)
			}
			out := map[int64]store.RetentionItem{}
			for _, it := range items {
				if it.ReferralID != 0 {
					out[it.ReferralID] = it
				}
			}
			return out
		}
		ids := func(m map[int64]store.RetentionItem) []int64 {
			var out []int64
			for id := range m {
				out = append(out, id)
			}
			slices.Sort(out)
			return out
		}
		if got := listed(dsl); len(got) != 0 {
			t.Fatalf("decided today, listed: %v", ids(got))
		}
		// A year and a day on: due under the referral rule, but not the
		// child protection ones, nor the open or accepted referrals.
		shift.Store(int64(366*24*time.Hour + 24*time.Hour))
		if got := ids(listed(dsl)); !slices.Equal(got, []int64{plain, elsewhere, nowhere}) {
			t.Fatalf("a DSL's list a year on: %v, want %v", got, []int64{plain, elsewhere, nowhere})
		}
		if got := listed(mgr); !slices.Equal(ids(got), []int64{plain}) || got[plain].State != retention.DueForReview ||
			got[plain].Due.Rule != retention.RuleReferral || got[plain].Outcome != referral.NotAccepted || got[plain].AreaName != "Blackpool" {
			t.Fatalf("a manager's list: %+v", got)
		}
		for _, id := range []int64{open, accepted} {
			if _, err := db.RetentionRecord(sctx, dsl, testSchedule, store.ReferralRef(id)); problem.CodeOf(err) != problem.Conflict {
				t.Fatalf("referral %d (open or accepted) offered for review: %v, want a conflict (not yet due: its state)", id, err)
			}
		}
		if _, err := db.RetentionRecord(sctx, herts, testSchedule, store.ReferralRef(plain)); problem.CodeOf(err) != problem.Forbidden {
			t.Fatalf("another area's manager read the review: %v", err)
		}
		if _, err := db.RetentionRecord(sctx, mgr, testSchedule, store.ReferralRef(nowhere)); problem.CodeOf(err) != problem.Forbidden {
			t.Fatalf("a manager reviewed a referral from outside every area: %v", err)
		}

		// Keep one; it leaves the due list as kept.
		keep := "A complaint about this referral is still open"
		if err := db.KeepRecord(sctx, mgr, testSchedule, store.ReferralRef(plain), time.Now().Add(time.Duration(shift.Load())).AddDate(0, 6, 0), keep); err != nil {
			t.Fatal(err)
		}
		it, err := db.RetentionRecord(sctx, mgr2, testSchedule, store.ReferralRef(plain))
		if err != nil || it.State != retention.Kept || it.Reason != keep {
			t.Fatalf("after keeping: %+v, %v", it, err)
		}

		// The referral from outside every area: a DSL asks; a manager may
		// not approve, nor the DSL who asked; a second DSL does.
		reason := "Period ended, no complaint or request outstanding"
		if err := db.RequestErasure(sctx, dsl, testSchedule, store.ReferralRef(nowhere), reason); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ApproveErasure(sctx, mgr, testSchedule, store.ReferralRef(nowhere), nowhereRef); problem.CodeOf(err) != problem.Forbidden {
			t.Fatalf("a manager approved: %v", err)
		}
		if _, err := db.ApproveErasure(sctx, dsl, testSchedule, store.ReferralRef(nowhere), nowhereRef); fieldsOf(err) != "decision" {
			t.Fatalf("the requester approved: %v", err)
		}
		if _, err := db.ApproveErasure(sctx, dsl2, testSchedule, store.ReferralRef(nowhere), "REF-1999-000001"); fieldsOf(err) != "confirm" {
			t.Fatalf("a wrong reference: %v", err)
		}
		rec, err := db.ApproveErasure(sctx, dsl2, testSchedule, store.ReferralRef(nowhere), strings.ToLower(nowhereRef))
		if err != nil {
			t.Fatal(err)
		}
		if !rec.Referral || rec.Reference != nowhereRef || rec.AreaName != "" || rec.Outcome != referral.Withdrawn || rec.Rule != retention.RuleReferral ||
			rec.Rows["referrals"] != 1 || rec.Rows["referral_retention_reviews"] != 1 || rec.Rows["outbox"] != 1 {
			t.Fatalf("stub %+v", rec)
		}

		// Three years and a day on, the child protection ones are due; a
		// manager asks and another approves.
		shift.Store(int64(3*366*24*time.Hour + 24*time.Hour))
		got := listed(mgr)
		if got[cp].Due.Rule != retention.RuleChildProtection || got[unborn].Due.Rule != retention.RuleChildProtection || got[cp].State != retention.DueForReview {
			t.Fatalf("child protection referrals three years on: %+v", got)
		}
		if err := db.RequestErasure(sctx, mgr, testSchedule, store.ReferralRef(cp), reason); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ApproveErasure(sctx, mgr, testSchedule, store.ReferralRef(cp), cpRef); fieldsOf(err) != "decision" {
			t.Fatalf("the requester approved: %v", err)
		}
		if _, err := db.ApproveErasure(sctx, dsl, testSchedule, store.ReferralRef(cp), cpRef); problem.CodeOf(err) != problem.Forbidden {
			t.Fatalf("a DSL approved an area's referral: %v", err)
		}
		if _, err := db.ApproveErasure(sctx, mgr2, testSchedule, store.ReferralRef(cp), cpRef); err != nil {
			t.Fatal(err)
		}

		// Gone, with what hangs off it; the rest stay.
		for _, id := range []int64{nowhere, cp} {
			for _, table := range []string{"referrals WHERE id", "referral_facts WHERE referral_id", "referral_retention_reviews WHERE referral_id", "outbox WHERE referral_id"} {
				if n, err := db.RawString(ctx, `SELECT CAST(COUNT(*) AS TEXT) FROM `+table+` = $1`, id); err != nil || n != "0" {
					t.Errorf("%s = %d: %s rows (%v)", table, id, n, err)
				}
			}
		}
		if n, err := db.RawString(ctx, `SELECT CAST(COUNT(*) AS TEXT) FROM referrals`); err != nil || n != "5" {
			t.Errorf("%s referrals left, want 5 (%v)", n, err)
		}
		if n, err := db.RawString(ctx, `SELECT CAST(COUNT(*) AS TEXT) FROM outbox WHERE referral_id IS NOT NULL`); err != nil || n != "5" {
			t.Errorf("%s emails about referrals left, want the other five referrals' (%v)", n, err)
		}
		// The stubs: a DSL sees both, a manager only their area's.
		stubs, err := db.Erasures(sctx, dsl)
		if err != nil || len(stubs) != 2 || !stubs[0].Referral || stubs[0].Reference != cpRef || stubs[1].Reference != nowhereRef {
			t.Fatalf("a DSL's deleted records: %+v, %v", stubs, err)
		}
		if stubs, err := db.Erasures(sctx, mgr); err != nil || len(stubs) != 1 || stubs[0].Reference != cpRef || stubs[0].AreaName != "Blackpool" {
			t.Fatalf("a manager's deleted records: %+v, %v", stubs, err)
		}
		// No id is given again (SQLite would reuse the largest).
		if err := db.Update(sctx, func(tx *store.Tx) error {
			id, _, err := tx.CreateReferral(store.NewReferral{Referral: referral.Referral{Source: referral.Self}, AreaName: "Blackpool"})
			if err == nil && id <= nowhere {
				t.Errorf("a new referral took id %d, not past the deleted ones", id)
			}
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if n := countAudit(t, db, "referral.erased"); n != 2 {
			t.Errorf("%d referral.erased entries, want 2", n)
		}
		if n := countAudit(t, db, "retention.erase_requested"); n != 2 {
			t.Errorf("%d retention.erase_requested entries, want 2", n)
		}
		if _, err := db.VerifyAudit(ctx); err != nil {
			t.Fatalf("the audit chain after the deletions: %v", err)
		}
	})
}

// TestReferralStatusInClear: a referral's safeguarding status is written in
// clear beside its sealed content (migration 26), so the retention review
// need not open the content; a referral recorded before (NULL) is reviewed
// under the same rule from its content, and the migration's step fills the
// column from the content, leaving NULL a value that cannot be opened.
func TestReferralStatusInClear(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		makeFamily(t, db) // the area, Blackpool
		sctx := audit.WithSource(ctx, audit.Source{Actor: "test"})
		dsl := seedStaff(t, db, "d1@example.org", "dsl", "Blackpool").Actor()
		statuses := []string{"child_protection_plan", "unborn_baby_assessment", "child_in_need", "none", ""}
		var ids []int64
		for _, st := range statuses {
			var id int64
			if err := db.Update(sctx, func(tx *store.Tx) error {
				var err error
				id, _, err = tx.CreateReferral(store.NewReferral{Referral: referral.Referral{Source: referral.Professional, SafeguardingStatus: st}, AreaName: "Blackpool"})
				return err
			}); err != nil {
				t.Fatal(err)
			}
			if err := db.RawExec(ctx, `UPDATE referrals SET status = 'not_accepted', decided_at = $1 WHERE id = $2`, time.Date(2010, 3, 1, 9, 0, 0, 0, time.UTC), id); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
		}
		column := func(id int64) string {
			t.Helper()
			v, err := db.RawString(ctx, `SELECT COALESCE(safeguarding_status, 'NULL') FROM referrals WHERE id = $1`, id)
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
		rules := func(step string) []retention.Rule {
			t.Helper()
			var out []retention.Rule
			for _, id := range ids {
				it, err := db.RetentionRecord(sctx, dsl, testSchedule, store.ReferralRef(id))
				if err != nil {
					t.Fatalf("%s: %v", step, err)
				}
				out = append(out, it.Due.Rule)
			}
			return out
		}
		want := []retention.Rule{retention.RuleChildProtection, retention.RuleChildProtection, retention.RuleReferral, retention.RuleReferral, retention.RuleReferral}
		for i, id := range ids {
			if got := column(id); got != statuses[i] {
				t.Errorf("referral %d: status in clear %q, want %q", id, got, statuses[i])
			}
		}
		if got := rules("written in clear"); !slices.Equal(got, want) {
			t.Errorf("written in clear: rules %v, want %v", got, want)
		}
		// Recorded before migration 26: read from the content, same rules.
		if err := db.RawExec(ctx, `UPDATE referrals SET safeguarding_status = NULL`); err != nil {
			t.Fatal(err)
		}
		if got := rules("read from the content"); !slices.Equal(got, want) {
			t.Errorf("read from the content: rules %v, want %v", got, want)
		}
		// The clear column decides when it is set (the content is not read).
		if err := db.RawExec(ctx, `UPDATE referrals SET safeguarding_status = 'child_protection_plan' WHERE id = $1`, ids[3]); err != nil {
			t.Fatal(err)
		}
		if got := rules("one set in clear"); got[3] != retention.RuleChildProtection {
			t.Errorf("the clear column was not read: %v", got)
		}
		if err := db.RawExec(ctx, `UPDATE referrals SET safeguarding_status = NULL`); err != nil {
			t.Fatal(err)
		}
		if err := db.RawExec(ctx, `UPDATE referrals SET content_sealed = 'not a sealed value' WHERE id = $1`, ids[4]); err != nil {
			t.Fatal(err)
		}
		if err := db.FillReferralStatuses(ctx); err != nil {
			t.Fatalf("the migration step: %v", err)
		}
		for i, id := range ids[:4] {
			if got := column(id); got != statuses[i] {
				t.Errorf("after the migration step, referral %d: %q, want %q", id, got, statuses[i])
			}
		}
		if got := column(ids[4]); got != "NULL" {
			t.Errorf("a value that cannot be opened was filled: %q", got)
		}
		// One whose content was moved from another referral does not
		// open: the list still shows the rest, keeps it for the child
		// protection period, and the audit log says so.
		if err := db.RawExec(ctx, `UPDATE referrals SET content_sealed = (SELECT r.content_sealed FROM referrals r WHERE r.id = $1) WHERE id = $2`, ids[3], ids[4]); err != nil {
			t.Fatal(err)
		}
		if err := db.RawExec(ctx, `UPDATE referrals SET safeguarding_status = NULL WHERE id = $1`, ids[4]); err != nil {
			t.Fatal(err)
		}
		altered := countAudit(t, db, "seal.altered")
		list, err := db.RetentionList(sctx, dsl, testSchedule)
		if err != nil {
			t.Fatalf("the list with one referral altered: %v", err)
		}
		unreadable := 0
		for _, it := range list {
			if it.ReferralID == 0 {
				continue
			}
			if it.Unreadable != (it.ReferralID == ids[4]) {
				t.Errorf("referral %d: unreadable %v", it.ReferralID, it.Unreadable)
			}
			if it.Unreadable {
				unreadable++
				if it.Due.Rule != retention.RuleChildProtection || !strings.Contains(it.Due.Reason, "cannot be read") {
					t.Errorf("the altered referral's due date: %+v", it.Due)
				}
			}
		}
		if unreadable != 1 {
			t.Errorf("%d unreadable referrals listed, want the altered one", unreadable)
		}
		if it, err := db.RetentionRecord(sctx, dsl, testSchedule, store.ReferralRef(ids[4])); err != nil || !it.Unreadable {
			t.Errorf("the altered referral's review: %+v, %v", it, err)
		}
		if n := countAudit(t, db, "seal.altered"); n != altered+2 {
			t.Errorf("%d seal.altered entries after the list and the review, want %d", n, altered+2)
		}
		// None opens: the keys are not the database's, so the step fails
		// (and runs again at the next start) instead of leaving them all.
		if err := db.RawExec(ctx, `UPDATE referrals SET safeguarding_status = NULL, content_sealed = 'not a sealed value'`); err != nil {
			t.Fatal(err)
		}
		if err := db.FillReferralStatuses(ctx); err == nil || !strings.Contains(err.Error(), "encryption keys") {
			t.Errorf("the migration step with no value opening: %v, want an error naming the keys", err)
		}
	})
}

// TestReferralForSubjectAccess: only a designated safeguarding lead reads a
// referral for a parent's subject access request; the read is audited and
// starts no screening, as opening it from the queue would.
func TestReferralForSubjectAccess(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		sctx := audit.WithSource(ctx, audit.Source{Actor: "test"})
		dsl := seedStaff(t, db, "d1@example.org", "dsl", "Blackpool").Actor()
		mgr := seedStaff(t, db, "m1@example.org", "team_manager", "Blackpool").Actor()
		var id int64
		if err := db.Update(sctx, func(tx *store.Tx) error {
			var err error
			id, _, err = tx.CreateReferral(store.NewReferral{Referral: referral.Referral{Source: referral.Self, Parent1: referral.Parent{GivenName: "Kerry"}},
				AreaName: "Blackpool"})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ReferralForSubjectAccess(sctx, mgr, id, 1); problem.CodeOf(err) != problem.Forbidden {
			t.Errorf("a team manager: %v, want Forbidden", err)
		}
		r, err := db.ReferralForSubjectAccess(sctx, dsl, id, 1)
		if err != nil || r.Content == nil || r.Content.Parent1.GivenName != "Kerry" || r.Status != referral.New {
			t.Fatalf("the lead's read: %+v, %v", r, err)
		}
		if again, err := db.ReadReferral(sctx, mgr, id); err != nil || again.Status != referral.Screening {
			t.Errorf("opened from the queue afterwards: %v, %v; want it still new until then", again.Status, err)
		}
		es, err := db.AuditEntries(ctx, store.AuditFilter{Actions: []string{"referral.subject_access"}})
		if err != nil || len(es) != 1 || es[0].RecordID != id || !strings.Contains(es[0].Detail, "parent 1") {
			t.Errorf("audit entries: %+v, %v", es, err)
		}
		if _, err := db.ReferralForSubjectAccess(sctx, dsl, id+1000, 1); problem.CodeOf(err) != problem.NotFound {
			t.Errorf("no such referral: %v", err)
		}
	})
}
