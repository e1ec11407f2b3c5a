package store_test

import (
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/audit"
	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/referral"
	"github.com/cradle-org/cradle/internal/retention"
	"github.com/cradle-org/cradle/internal/safeguarding"
	"github.com/cradle-org/cradle/internal/store"
	"github.com/cradle-org/cradle/internal/store/storetest"
)

// TestConcernRaisedFromAReferral: whoever may see a referral raises a
// concern from it before there is a family; the leads are alerted; it is
// seen by the leads, the area's managers and whoever raised it (on the
// list and on the referral's page), never another area's staff; a lead's
// decision gives its actions' owners tasks; a decision of child protection
// work keeps the referral for the child protection period; and deleting the
// referral at the end of that period deletes the concern with it.
func TestConcernRaisedFromAReferral(t *testing.T) {
	eachBackend(t, func(t *testing.T, b storetest.Backend) {
		var shift atomic.Int64
		db := storetest.Open(t, b, func() time.Time { return time.Now().Add(time.Duration(shift.Load())) })
		fx := makeFamily(t, db)
		sctx := audit.WithSource(ctx, audit.Source{Actor: "test"})
		dsl := seedStaff(t, db, "d1@example.org", "dsl", "Blackpool")
		mgr2 := seedStaff(t, db, "m2@example.org", "team_manager", "Blackpool")
		hertsPrac := seedStaff(t, db, "h1@example.org", "practitioner", "Hertfordshire")
		hertsMgr := seedStaff(t, db, "h2@example.org", "team_manager", "Hertfordshire")
		var refID int64
		var ref string
		if err := db.Update(sctx, func(tx *store.Tx) error {
			var err error
			refID, ref, err = tx.CreateReferral(store.NewReferral{Referral: referral.Referral{Source: referral.Professional, AnythingElse: "Nothing to see"}, AreaName: "Blackpool"})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		yes := true
		concern := safeguarding.Concern{ImmediateDanger: &yes, AtRisk: safeguarding.AtRiskBaby, About: "CANARY-REFERRAL-CONCERN The referrer heard a threat to the baby."}
		var emailed []string
		notify := func(tx *store.Tx, to []string, id int64) error { emailed = append(emailed, to...); return nil }
		due := time.Now().Add(8 * time.Hour)

		// Another area's practitioner cannot see the referral, so cannot
		// raise a concern from it; a referral names no person; the form's
		// own problems are named.
		if _, err := db.RaiseConcern(sctx, hertsPrac.Actor(), store.NewConcern{ReferralID: refID, Concern: concern, Due: due}, notify); problem.CodeOf(err) != problem.Forbidden {
			t.Errorf("another area's practitioner raising from the referral: %v", err)
		}
		if _, err := db.RaiseConcern(sctx, fx.prac1.Actor(), store.NewConcern{ReferralID: refID, PersonID: fx.parent1, Concern: concern, Due: due}, notify); problem.CodeOf(err) != problem.NotFound {
			t.Errorf("a referral's concern about a family's person: %v", err)
		}
		if _, err := db.RaiseConcern(sctx, fx.prac1.Actor(), store.NewConcern{ReferralID: refID, Due: due}, notify); fieldsOf(err) == "" {
			t.Errorf("an empty concern: %v", err)
		}
		if len(emailed) != 0 {
			t.Fatalf("refused concerns emailed %v", emailed)
		}
		flagged := func() bool {
			t.Helper()
			q, _, err := db.ReferralQueue(sctx, fx.mgr.Actor(), store.QueueFilter{})
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range q {
				if e.ID == refID {
					return e.OpenConcern
				}
			}
			t.Fatalf("referral %d is not in the manager's queue", refID)
			return false
		}
		if flagged() {
			t.Error("the queue flags an open concern before any was raised")
		}
		id, err := db.RaiseConcern(sctx, fx.prac1.Actor(), store.NewConcern{ReferralID: refID, Concern: concern, Due: due}, notify)
		if err != nil {
			t.Fatal(err)
		}
		if !flagged() {
			t.Error("the queue does not flag the referral's open concern")
		}
		if len(emailed) != 1 || emailed[0] != "d1@example.org" {
			t.Errorf("the concern emailed %v, want the lead", emailed)
		}
		c, err := db.ReadConcern(sctx, dsl.Actor(), id)
		if err != nil {
			t.Fatal(err)
		}
		if c.FamilyID != 0 || c.ReferralID != refID || c.ReferralReference != ref || c.AreaID == 0 || !strings.Contains(c.About, "CANARY-REFERRAL-CONCERN") ||
			c.Record() != "referral "+ref || c.Alerts.Leads != 1 {
			t.Errorf("the concern as the lead reads it: %+v", c)
		}
		reads := []struct {
			name string
			ok   bool
			code problem.Code
			read func() error
		}{
			{"the area's manager", true, "", func() error { _, err := db.ReadConcern(sctx, fx.mgr.Actor(), id); return err }},
			{"whoever raised it", true, "", func() error { _, err := db.ReadConcern(sctx, fx.prac1.Actor(), id); return err }},
			{"another practitioner of the area", false, problem.Forbidden, func() error { _, err := db.ReadConcern(sctx, fx.prac2.Actor(), id); return err }},
			{"another area's manager", false, problem.Forbidden, func() error { _, err := db.ReadConcern(sctx, hertsMgr.Actor(), id); return err }},
		}
		for _, r := range reads {
			if err := r.read(); (err == nil) != r.ok || (!r.ok && problem.CodeOf(err) != r.code) {
				t.Errorf("%s reading the concern: %v", r.name, err)
			}
		}
		for name, tc := range map[string]struct {
			actor policy.Actor
			want  int
		}{"the area's manager": {fx.mgr.Actor(), 1}, "another area's manager": {hertsMgr.Actor(), 0}} {
			list, _, err := db.OpenConcerns(sctx, tc.actor, 0, 50)
			if err != nil || len(list) != tc.want || (tc.want == 1 && list[0].ReferralReference != ref) {
				t.Errorf("%s's open concerns: %+v (%v), want %d", name, list, err, tc.want)
			}
		}
		// The referral's page lists it (without its text) for those who may
		// see it, and not for the area's other practitioners.
		if r, err := db.ReadReferral(sctx, fx.mgr.Actor(), refID); err != nil || len(r.Concerns) != 1 || r.Concerns[0].ID != id || r.Concerns[0].About != "" {
			t.Errorf("the referral's concerns for its manager: %+v (%v)", r.Concerns, err)
		}
		if r, err := db.ReadReferral(sctx, fx.prac2.Actor(), refID); err != nil || len(r.Concerns) != 0 {
			t.Errorf("the referral's concerns for another practitioner: %+v (%v)", r.Concerns, err)
		}

		// The lead refers to children's social care, with an action for the
		// manager: a task for them, about the referral.
		if err := db.DecideConcern(sctx, dsl.Actor(), id, safeguarding.DecisionInput{Decision: safeguarding.CSCReferral, Reasons: "Threat to the baby.",
			Actions: []safeguarding.Action{{What: "Phone the MASH", OwnerID: fx.mgr.ID, Due: time.Now().AddDate(0, 0, 1)}}}, nil); err != nil {
			t.Fatal(err)
		}
		title, err := db.RawString(ctx, `SELECT title || '/' || COALESCE(CAST(family_id AS TEXT), 'none') FROM tasks WHERE kind = 'concern_action'`)
		if err != nil || title != "Safeguarding follow-up action in referral "+ref+"/none" {
			t.Errorf("the action's task: %q (%v)", title, err)
		}

		// Not accepted: kept for the child protection period, as a referral
		// that recorded child protection work is.
		if err := db.RawExec(ctx, `UPDATE referrals SET status = 'not_accepted', decided_at = $1 WHERE id = $2`, time.Now().UTC(), refID); err != nil {
			t.Fatal(err)
		}
		it, err := db.RetentionRecord(sctx, dsl.Actor(), testSchedule, store.ReferralRef(refID))
		if err != nil || it.Due.Rule != retention.RuleChildProtection {
			t.Fatalf("the referral's retention: %+v (%v), want the child protection rule", it.Due, err)
		}
		// Three years and a day on it is deleted, and the concern with it.
		shift.Store(int64((3*366 + 1) * 24 * time.Hour))
		if err := db.RequestErasure(sctx, fx.mgr.Actor(), testSchedule, store.ReferralRef(refID), "Period ended, nothing outstanding"); err != nil {
			t.Fatal(err)
		}
		rec, err := db.ApproveErasure(sctx, mgr2.Actor(), testSchedule, store.ReferralRef(refID), ref)
		if err != nil {
			t.Fatal(err)
		}
		for _, table := range []string{"safeguarding_concerns", "concern_actions", "tasks", "alerts", "referrals"} {
			if rec.Rows[table] < 1 {
				t.Errorf("deleting the referral deleted %d %s rows: %v", rec.Rows[table], table, rec.Rows)
			}
		}
		if _, err := db.ReadConcern(sctx, dsl.Actor(), id); problem.CodeOf(err) != problem.NotFound {
			t.Errorf("the concern after its referral was deleted: %v", err)
		}
	})
}
