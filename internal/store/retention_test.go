package store_test

import (
	"os"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/audit"
	"github.com/cradle-org/cradle/internal/casework"
	"github.com/cradle-org/cradle/internal/family"
	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/referral"
	"github.com/cradle-org/cradle/internal/retention"
	"github.com/cradle-org/cradle/internal/store"
	"github.com/cradle-org/cradle/internal/store/storetest"
)

// testSchedule: a year after closure, so a test can move its clock past it.
var testSchedule = retention.Schedule{ChildUntilBirthday: 1, ChildProtectionYears: 3, ParentYears: 1, NoticeDays: 30, MaxKeepYears: 2, ReferralYears: 1}

func fieldsOf(err error) string {
	p := problem.As(err)
	if p == nil {
		return "not a problem: " + err.Error()
	}
	var names []string
	for _, f := range p.Fields {
		names = append(names, f.Name)
	}
	return strings.Join(names, ",")
}

// TestRetentionErasure walks a record through the whole review: listed only
// when due, not deletable while a child's birth date is missing, asked for
// by one manager, refused to that same manager and to a wrong reference,
// approved by another; then nothing of the family is left anywhere in the
// database (every sealed value opened and searched, and on SQLite the file
// and its log read raw), the stub and the audit entry say what happened, a
// later family's link to the same person is cut, and neither the deleted
// family's id nor its reference is given to a new family.
func TestRetentionErasure(t *testing.T) {
	eachBackend(t, func(t *testing.T, b storetest.Backend) {
		var shift atomic.Int64
		clock := func() time.Time { return time.Now().Add(time.Duration(shift.Load())) }
		db := storetest.Open(t, b, clock)
		p := plantCanaries(t, db)
		fx := p.fx
		sctx := audit.WithSource(ctx, audit.Source{Actor: "test"})
		mgr := fx.mgr.Actor()
		mgr2 := seedStaff(t, db, "m2@example.org", "team_manager", "Blackpool")
		elsewhere := seedStaff(t, db, "m3@example.org", "team_manager", "Hertfordshire")
		ref, err := db.RawString(ctx, `SELECT reference FROM families WHERE id = $1`, fx.familyID)
		if err != nil {
			t.Fatal(err)
		}
		// A later family in which one parent is the same person as parent 1.
		var laterFamily, laterPerson int64
		if err := db.Update(sctx, func(tx *store.Tx) error {
			var err error
			if laterFamily, _, err = tx.CreateFamily(store.NewFamily{AreaName: "Blackpool", Stage: family.Antenatal, EDD: time.Now().AddDate(0, 3, 0)}); err != nil {
				return err
			}
			laterPerson, err = tx.AddPerson(laterFamily, family.Person{Kind: family.Parent, ParentSlot: 1, GivenName: "Alex", FamilyName: "Brook", LinkedPersonID: fx.parent1})
			return err
		}); err != nil {
			t.Fatal(err)
		}

		listed := func(who policy.Actor) []store.RetentionItem {
			t.Helper()
			items, err := db.RetentionList(sctx, who, testSchedule)
			if err != nil {
				t.Fatal(err)
			}
			return familiesOnly(items)
		}
		stateOf := func() retention.State {
			t.Helper()
			it, err := db.RetentionRecord(sctx, mgr, testSchedule, store.FamilyRef(fx.familyID))
			if err != nil {
				t.Fatal(err)
			}
			return it.State
		}
		// Today: kept (plantCanaries recorded a decision), so listed as kept.
		if items := listed(mgr); len(items) != 1 || items[0].State != retention.Kept || items[0].Reference != ref {
			t.Fatalf("list today: %+v", items)
		}
		if items := listed(elsewhere.Actor()); len(items) != 0 {
			t.Fatalf("a manager of another area saw %+v", items)
		}
		if _, err := db.RetentionList(sctx, fx.prac1.Actor(), testSchedule); problem.CodeOf(err) != problem.Forbidden {
			t.Fatalf("a practitioner listed records: %v", err)
		}
		if _, err := db.RetentionRecord(sctx, mgr, testSchedule, store.FamilyRef(laterFamily)); problem.CodeOf(err) != problem.Conflict {
			t.Fatalf("an open family was offered for review: %v, want a conflict (not yet due: its state)", err)
		}

		// A year and a day on: due, but the child's birth was never recorded.
		shift.Store(int64(366*24*time.Hour + 24*time.Hour))
		if st := stateOf(); st != retention.NeedsDecision {
			t.Fatalf("state without the child's birth date: %s", st)
		}
		reason := "Period ended, no proceedings or requests outstanding"
		if err := db.RequestErasure(sctx, mgr, testSchedule, store.FamilyRef(fx.familyID), reason); fieldsOf(err) != "decision" {
			t.Fatalf("deletion asked for with a date unknown: %v", err)
		}
		if err := db.RawExec(ctx, `UPDATE people SET date_of_birth = $1 WHERE family_id = $2 AND kind = 'child'`, time.Now().AddDate(-3, 0, 0).UTC(), fx.familyID); err != nil {
			t.Fatal(err)
		}
		if st := stateOf(); st != retention.DueForReview {
			t.Fatalf("state: %s", st)
		}
		if err := db.RequestErasure(sctx, mgr, testSchedule, store.FamilyRef(fx.familyID), "too short"); fieldsOf(err) != "reason" {
			t.Fatalf("a token reason: %v", err)
		}
		if err := db.RequestErasure(sctx, mgr, testSchedule, store.FamilyRef(fx.familyID), reason); err != nil {
			t.Fatal(err)
		}
		it, err := db.RetentionRecord(sctx, mgr2.Actor(), testSchedule, store.FamilyRef(fx.familyID))
		if err != nil || it.State != retention.AwaitingApproval || it.Reason != reason || it.DecidedBy != fx.mgr.Name {
			t.Fatalf("after the request: %+v, %v", it, err)
		}
		// Asked for again (the form sent twice, or another manager a
		// moment later): a conflict, and the first request stands.
		if err := db.RequestErasure(sctx, mgr2.Actor(), testSchedule, store.FamilyRef(fx.familyID), "Another reason altogether, typed later"); problem.CodeOf(err) != problem.Conflict {
			t.Errorf("asked for twice: %v", err)
		}
		if it, err := db.RetentionRecord(sctx, mgr2.Actor(), testSchedule, store.FamilyRef(fx.familyID)); err != nil || it.Reason != reason || it.DecidedBy != fx.mgr.Name {
			t.Errorf("after asking twice: %+v, %v", it, err)
		}
		// Refusals change nothing.
		for _, tc := range []struct {
			name  string
			who   policy.Actor
			typed string
			want  string
		}{
			{"the requester", mgr, ref, "decision"},
			{"a wrong reference", mgr2.Actor(), "FAM-1999-000001", "confirm"},
		} {
			if _, err := db.ApproveErasure(sctx, tc.who, testSchedule, store.FamilyRef(fx.familyID), tc.typed); fieldsOf(err) != tc.want {
				t.Fatalf("%s: %v", tc.name, err)
			}
		}
		for _, who := range []policy.Actor{elsewhere.Actor(), p.dsl.Actor(), fx.prac1.Actor()} {
			if _, err := db.ApproveErasure(sctx, who, testSchedule, store.FamilyRef(fx.familyID), ref); problem.CodeOf(err) != problem.Forbidden {
				t.Fatalf("%s approved: %v", who.Role, err)
			}
		}
		if st := stateOf(); st != retention.AwaitingApproval {
			t.Fatalf("after refusals: %s", st)
		}

		lastText, err := db.RawString(ctx, `SELECT CAST(MAX(id) AS TEXT) FROM people WHERE family_id = $1`, fx.familyID)
		if err != nil {
			t.Fatal(err)
		}
		lastPerson, err := strconv.ParseInt(lastText, 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		// The referral the family came from, with its acknowledgement, goes
		// with the family, as does the alert about its concern (plantCanaries):
		// two outbox rows, from two steps.
		var came int64
		if err := db.Update(sctx, func(tx *store.Tx) error {
			id, reference, err := tx.CreateReferral(store.NewReferral{Referral: referral.Referral{Source: referral.Professional}, AreaName: "Blackpool"})
			came = id
			if err != nil {
				return err
			}
			return tx.QueueReferralMail(id, "referral_ack", "referrer@example.org", "Referral received: "+reference, "Thank you")
		}); err != nil {
			t.Fatal(err)
		}
		if err := db.RawExec(ctx, `UPDATE referrals SET family_id = $1, status = 'accepted' WHERE id = $2`, fx.familyID, came); err != nil {
			t.Fatal(err)
		}
		// A caseload keeps what it read (names included) until the erasure.
		if _, err := db.Caseload(sctx, mgr); err != nil || db.CaseloadKept() == 0 {
			t.Fatalf("the caseload kept %d families (%v)", db.CaseloadKept(), err)
		}
		rec, err := db.ApproveErasure(sctx, mgr2.Actor(), testSchedule, store.FamilyRef(fx.familyID), strings.ToLower(ref))
		if err != nil {
			t.Fatal(err)
		}
		if n := db.CaseloadKept(); n != 0 {
			t.Errorf("the caseload still keeps %d families after an erasure", n)
		}
		if rec.Reference != ref || rec.ApprovedBy != mgr2.Name || rec.RequestedBy != fx.mgr.Name || rec.Rule != retention.RuleParents ||
			rec.Rows["families"] != 1 || rec.Rows["people"] != 3 || rec.Rows["case_sessions"] != 3 || rec.Rows["case_session_history"] != 2 || rec.Rows["retention_reviews"] != 1 ||
			rec.Rows["referrals"] != 1 || rec.Rows["outbox"] != 2 || rec.Rows["circumstance_changes"] != 2 || rec.Rows["incidents"] != 2 {
			t.Fatalf("stub %+v", rec)
		}

		// Nothing of the family is left: no canary in any opened sealed
		// value, and no row naming the family or its people.
		survivors := map[string]bool{} // canaries outside the family's record
		opened, err := db.OpenAll(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range p.canaries {
			for where, v := range opened {
				if strings.Contains(v, c) {
					survivors[c] = true
					if !outsideFamily(where) {
						t.Errorf("%s still holds %q", where, c)
					}
				}
			}
		}
		for _, c := range []string{"totp", "subscriber-name", "mail-body", "recipient", "referral-abuse", "draft"} {
			if !slices.ContainsFunc(p.canaries, func(s string) bool { return strings.Contains(strings.ToLower(s), c) && survivors[s] }) {
				t.Errorf("the canary %q outside the family was not found: the search proves nothing", c)
			}
		}
		if err := db.EveryValueAsText(ctx, func(column, value string) {
			if strings.Contains(value, "Rivers") {
				t.Errorf("%s still holds the family name: %q", column, value)
			}
		}); err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{`SELECT COUNT(*) FROM families WHERE id = $1`, `SELECT COUNT(*) FROM people WHERE family_id = $1`,
			`SELECT COUNT(*) FROM referrals WHERE family_id = $1`, `SELECT COUNT(*) FROM safeguarding_concerns WHERE family_id = $1`,
			`SELECT COUNT(*) FROM circumstance_changes WHERE family_id = $1`, `SELECT COUNT(*) FROM case_session_history WHERE family_id = $1`} {
			if n, err := db.RawString(ctx, `SELECT CAST((`+q+`) AS TEXT)`, fx.familyID); err != nil || n != "0" {
				t.Errorf("%s: %s, %v", q, n, err)
			}
		}
		if b.Name == "sqlite" {
			for _, f := range []string{b.URL, b.URL + "-wal"} {
				data, err := os.ReadFile(f) // #nosec G304 -- a database file this test made
				if err != nil && !os.IsNotExist(err) {
					t.Fatal(err)
				}
				if strings.Contains(string(data), "Rivers") {
					t.Errorf("%s still holds the family name in its raw bytes", f)
				}
			}
		}
		// The later family keeps its parent, without the link.
		if linked, err := db.RawString(ctx, `SELECT CAST(COALESCE(linked_person_id, 0) AS TEXT) FROM people WHERE id = $1`, laterPerson); err != nil || linked != "0" {
			t.Fatalf("the later parent's link: %q, %v", linked, err)
		}

		// The stub, the audit entry, and an intact chain.
		stubs, err := db.Erasures(sctx, mgr)
		if err != nil || len(stubs) != 1 || stubs[0].Reference != ref || stubs[0].Rows["people"] != 3 {
			t.Fatalf("Erasures = %+v, %v", stubs, err)
		}
		if stubs, err := db.Erasures(sctx, elsewhere.Actor()); err != nil || len(stubs) != 0 {
			t.Fatalf("another area's manager saw %+v, %v", stubs, err)
		}
		if _, err := db.Erasures(sctx, fx.prac1.Actor()); problem.CodeOf(err) != problem.Forbidden {
			t.Fatalf("a practitioner saw the stubs: %v", err)
		}
		if n := countAudit(t, db, "family.erased"); n != 1 {
			t.Fatalf("%d family.erased entries", n)
		}
		if _, err := db.VerifyAudit(ctx); err != nil {
			t.Fatalf("audit chain after erasure: %v", err)
		}
		if _, err := db.RetentionRecord(sctx, mgr, testSchedule, store.FamilyRef(fx.familyID)); problem.CodeOf(err) != problem.NotFound {
			t.Fatalf("the deleted family is still found: %v", err)
		}

		// A new family takes neither the deleted id nor the reference, even
		// when the deleted family was the newest (the later one is removed
		// behind the store's back to make it so).
		for _, q := range []string{`DELETE FROM person_match_keys WHERE person_id = $1`, `DELETE FROM people WHERE id = $1`} {
			if err := db.RawExec(ctx, q, laterPerson); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.RawExec(ctx, `DELETE FROM families WHERE id = $1`, laterFamily); err != nil {
			t.Fatal(err)
		}
		// As in a database numbered before the counters: the year's counter
		// starts after the highest reference in use or deleted.
		if err := db.RawExec(ctx, `DELETE FROM counters WHERE name LIKE 'family-%'`); err != nil {
			t.Fatal(err)
		}
		shift.Store(0)
		var newID, newPerson int64
		var newRef string
		if err := db.Update(sctx, func(tx *store.Tx) error {
			var err error
			if newID, newRef, err = tx.CreateFamily(store.NewFamily{AreaName: "Blackpool", Stage: family.Antenatal, EDD: time.Now().AddDate(0, 3, 0)}); err != nil {
				return err
			}
			newPerson, err = tx.AddPerson(newID, family.Person{Kind: family.Parent, ParentSlot: 1, GivenName: "New", FamilyName: "Person"})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if newID <= fx.familyID || newRef == ref || newPerson <= lastPerson {
			t.Fatalf("new family %d %s, person %d; deleted family %d %s, later family %d, person %d", newID, newRef, newPerson, fx.familyID, ref, laterFamily, laterPerson)
		}
	})
}

// outsideFamily names the sealed columns that hold no part of a family's
// record: staff, the public mailing list, outgoing mail, a referral never
// linked to a family, a self-referral draft, other agencies' directory and
// the research key.
// familiesOnly leaves out the referrals a list holds beside the families
// (plantCanaries keeps one), for the tests about a family's record.
func familiesOnly(items []store.RetentionItem) []store.RetentionItem {
	return slices.DeleteFunc(items, func(it store.RetentionItem) bool { return it.ReferralID != 0 })
}

func outsideFamily(where string) bool {
	for _, prefix := range []string{"staff.", "mailing_list.", "outbox.", "referrals.", "referral_retention_reviews.", "referral_drafts.", "professionals.", "settings."} {
		if strings.HasPrefix(where, prefix) {
			return true
		}
	}
	return false
}

// TestRetentionKeepAndList: a manager's "keep" replaces a request to
// delete; the list puts what needs a decision first and leaves out records
// not yet due; DSLs review but cannot approve.
func TestRetentionKeepAndList(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		p := plantCanaries(t, db)
		fx := p.fx
		sctx := audit.WithSource(ctx, audit.Source{Actor: "test"})
		mgr, dsl := fx.mgr.Actor(), p.dsl.Actor()
		s := retention.Schedule{ChildUntilBirthday: 1, ChildProtectionYears: 1, ParentYears: 1, NoticeDays: 0, MaxKeepYears: 1, ReferralYears: 1}
		today := time.Now().UTC()
		// Replace plantCanaries' decision: due again tomorrow would still be
		// "kept"; a keep must be after today, so test the date rules here.
		for _, tc := range []struct {
			on   time.Time
			want string
		}{
			{time.Time{}, "review_on"}, {today, "review_on"}, {today.AddDate(1, 0, 1), "review_on"},
		} {
			if err := db.KeepRecord(sctx, dsl, s, store.FamilyRef(fx.familyID), tc.on, "Care proceedings are still open for the baby"); fieldsOf(err) != tc.want {
				t.Fatalf("keep until %v: %v", tc.on, err)
			}
		}
		if err := db.KeepRecord(sctx, dsl, s, store.FamilyRef(fx.familyID), today.AddDate(0, 6, 0), "Care proceedings are still open for the baby"); err != nil {
			t.Fatal(err)
		}
		items, err := db.RetentionList(sctx, dsl, s)
		items = familiesOnly(items)
		if err != nil || len(items) != 1 || items[0].State != retention.Kept || items[0].DecidedBy != p.dsl.Name || items[0].Review.ReviewOn.IsZero() {
			t.Fatalf("list: %+v, %v", items, err)
		}
		if _, err := db.ApproveErasure(sctx, dsl, s, store.FamilyRef(fx.familyID), "x"); problem.CodeOf(err) != problem.Forbidden {
			t.Fatalf("a DSL approved a deletion: %v", err)
		}
		if err := db.RequestErasure(sctx, mgr, s, store.FamilyRef(fx.familyID), "Period ended, nothing outstanding at all"); fieldsOf(err) != "decision" {
			t.Fatalf("deletion asked for while kept: %v", err)
		}
		if n := countAudit(t, db, "retention.keep"); n != 3 {
			t.Fatalf("%d retention.keep entries, want 3 (plantCanaries' two and this one)", n)
		}
	})
}

// TestRetentionConcurrentApprovals: two managers approve the same deletion
// at once; one deletes, the other is told the record is gone, and neither
// is a server error.
func TestRetentionConcurrentApprovals(t *testing.T) {
	eachBackend(t, func(t *testing.T, b storetest.Backend) {
		var shift atomic.Int64
		db := storetest.Open(t, b, func() time.Time { return time.Now().Add(time.Duration(shift.Load())) })
		fx := makeFamily(t, db)
		sctx := audit.WithSource(ctx, audit.Source{Actor: "test"})
		today := time.Now().UTC().Truncate(24 * time.Hour)
		if err := db.CloseFamily(sctx, fx.mgr.Actor(), fx.familyID, casework.Closure{Reason: "planned_end", ClosedOn: today,
			Summaries: map[int64]string{fx.parent1: "Finished the programme well", fx.parent2: "Finished the programme well"}}); err != nil {
			t.Fatal(err)
		}
		shift.Store(int64(400 * 24 * time.Hour))
		if err := db.RequestErasure(sctx, fx.mgr.Actor(), testSchedule, store.FamilyRef(fx.familyID), "Period ended, nothing outstanding at all"); err != nil {
			t.Fatal(err)
		}
		ref, err := db.RawString(ctx, `SELECT reference FROM families WHERE id = $1`, fx.familyID)
		if err != nil {
			t.Fatal(err)
		}
		approvers := []policy.Actor{seedStaff(t, db, "m2@example.org", "team_manager", "Blackpool").Actor(), seedStaff(t, db, "m3@example.org", "team_manager", "Blackpool").Actor()}
		errs := make(chan error, len(approvers))
		start := make(chan struct{})
		for _, a := range approvers {
			go func() {
				<-start
				_, err := db.ApproveErasure(sctx, a, testSchedule, store.FamilyRef(fx.familyID), ref)
				errs <- err
			}()
		}
		close(start)
		ok, gone := 0, 0
		for range approvers {
			switch err := <-errs; {
			case err == nil:
				ok++
			case problem.CodeOf(err) == problem.NotFound:
				gone++
			default:
				t.Errorf("an approval failed with %v", err)
			}
		}
		if ok != 1 || gone != 1 {
			t.Fatalf("%d approvals deleted, %d were told it was gone; want 1 and 1", ok, gone)
		}
		if n := countAudit(t, db, "family.erased"); n != 1 {
			t.Fatalf("%d family.erased entries", n)
		}
	})
}

// TestRetentionListBounds: the review list works out only the records that
// could be on it today, and lists exactly what working out every closed
// record lists: records closed and born just inside and just outside the
// bounds, kept ones, and ones whose dates are missing.
func TestRetentionListBounds(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		dsl := seedStaff(t, db, "dsl@example.org", "dsl", "Blackpool")
		sctx := audit.WithSource(ctx, audit.Source{Actor: "test"})
		s := testSchedule
		closedBy, bornBy := s.ListBounds(time.Now())
		days := func(t time.Time, n int) time.Time { return t.AddDate(0, 0, n) }
		type child struct {
			kind family.Kind
			born time.Time // zero: not recorded
		}
		cases := []struct {
			name   string
			closed time.Time // zero: closed_on not recorded
			edd    time.Time
			kids   []child
			kept   bool
			want   retention.State // "" for not listed
		}{
			{"closed and born inside", days(closedBy, -2), time.Time{}, []child{{family.Baby, days(bornBy, -10)}}, false, retention.ComingUp},
			{"long closed, long born", days(closedBy, -400), time.Time{}, []child{{family.Baby, days(bornBy, -400)}}, false, retention.DueForReview},
			{"closed too recently", days(closedBy, 3), time.Time{}, []child{{family.Baby, days(bornBy, -400)}}, false, ""},
			{"born too recently", days(closedBy, -2), time.Time{}, []child{{family.Baby, days(bornBy, 3)}}, false, ""},
			{"an older child too young", days(closedBy, -2), time.Time{}, []child{{family.Baby, days(bornBy, -400)}, {family.Child, days(bornBy, 2)}}, false, ""},
			{"kept, closed recently", days(closedBy, 100), time.Time{}, []child{{family.Baby, days(bornBy, 100)}}, true, retention.Kept},
			{"a child with no birth date", days(closedBy, 100), time.Time{}, []child{{family.Baby, days(bornBy, 100)}, {family.Child, time.Time{}}}, false, retention.NeedsDecision},
			{"a baby with no birth or due date", days(closedBy, 100), time.Time{}, []child{{family.Baby, time.Time{}}}, false, retention.NeedsDecision},
			{"a baby counted from a recent due date", days(closedBy, -2), days(bornBy, 5), []child{{family.Baby, time.Time{}}}, false, ""},
			{"a baby counted from an old due date", days(closedBy, -2), days(bornBy, -5), []child{{family.Baby, time.Time{}}}, false, retention.ComingUp},
			{"no closing date", time.Time{}, time.Time{}, []child{{family.Baby, days(bornBy, 100)}}, false, retention.NeedsDecision},
		}
		want := map[int64]retention.State{}
		names := map[int64]string{}
		for _, c := range cases {
			var id int64
			err := db.Update(sctx, func(tx *store.Tx) error {
				var err error
				if id, _, err = tx.CreateFamily(store.NewFamily{AreaName: "Blackpool", Stage: family.Postnatal}); err != nil {
					return err
				}
				for _, k := range c.kids {
					if _, err := tx.AddPerson(id, family.Person{Kind: k.kind, GivenName: "Sam", FamilyName: "Lee", DateOfBirth: k.born}); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			var closed, edd any
			if !c.closed.IsZero() {
				closed = c.closed
			}
			if !c.edd.IsZero() {
				edd = c.edd
			}
			if err := db.RawExec(ctx, `UPDATE families SET stage = 'closed', closed_on = $2, edd = $3 WHERE id = $1`, id, closed, edd); err != nil {
				t.Fatal(err)
			}
			if c.kept {
				if err := db.RawExec(ctx, `INSERT INTO retention_reviews (family_id, decision, review_on, reason_sealed, decided_by, decided_at) VALUES ($1, 'keep', $2, '', $3, $4)`,
					id, time.Now().AddDate(1, 0, 0), dsl.ID, time.Now()); err != nil {
					t.Fatal(err)
				}
			}
			names[id] = c.name
			if c.want != "" {
				want[id] = c.want
			}
		}
		items, err := db.RetentionList(sctx, dsl.Actor(), s)
		if err != nil {
			t.Fatal(err)
		}
		all, err := db.RetentionListUnbounded(sctx, s)
		if err != nil {
			t.Fatal(err)
		}
		got := map[int64]retention.State{}
		for _, it := range items {
			got[it.FamilyID] = it.State
		}
		for _, it := range all {
			if got[it.FamilyID] != it.State {
				t.Errorf("%s: listed as %q, but %q when every record is worked out", names[it.FamilyID], got[it.FamilyID], it.State)
			}
		}
		if len(items) != len(all) {
			t.Errorf("%d records listed, %d when every record is worked out", len(items), len(all))
		}
		for id, st := range want {
			if got[id] != st {
				t.Errorf("%s: listed as %q, want %q", names[id], got[id], st)
			}
		}
		for id, st := range got {
			if _, ok := want[id]; !ok {
				t.Errorf("%s: listed as %q, want it left off", names[id], st)
			}
		}
	})
}
