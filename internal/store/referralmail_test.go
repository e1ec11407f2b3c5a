package store_test

import (
	"strings"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/audit"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/referral"
	"github.com/cradle-org/cradle/internal/store"
	"github.com/cradle-org/cradle/internal/store/storetest"
)

// TestMigration32LinksReferralMail: messages queued before migration 32
// named their referral only in the subject; its step links them, and
// records a referral whose acknowledgement went as acknowledged then.
// Running it again changes nothing.
func TestMigration32LinksReferralMail(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		sctx := audit.WithSource(ctx, audit.Source{Actor: "test"})
		mgr := seedStaff(t, db, "m@example.org", "team_manager", "Blackpool").Actor()
		// Two referrals, their messages queued as before: unlinked.
		var ids [2]int64
		for i := range ids {
			if err := db.Update(sctx, func(tx *store.Tx) error {
				r := referral.Referral{Source: referral.Professional, Referrer: referral.Referrer{Name: "Sam", Email: "sam@example.org"}}
				id, ref, err := tx.CreateReferral(store.NewReferral{Referral: r, AreaName: "Blackpool"})
				if err != nil {
					return err
				}
				ids[i] = id
				m := referral.Acknowledgement("Cradle", ref, r)
				if err := tx.QueueMail("referral_ack", "sam@example.org", m.Subject, m.Text, nil); err != nil {
					return err
				}
				if i == 0 {
					m := referral.OutcomeEmail("Cradle", ref, r, referral.Decision{Outcome: referral.Withdraw})
					return tx.QueueMail("referral_outcome", "sam@example.org", m.Subject, m.Text, nil)
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
		}
		// Something else that names a reference is not about a referral.
		if err := db.Update(sctx, func(tx *store.Tx) error {
			return tx.QueueMail("concern_alert", "dsl@example.org", "A concern about REF-2026-000001", "text", nil)
		}); err != nil {
			t.Fatal(err)
		}
		// The first referral's acknowledgement went; the second's did not.
		items, err := db.ClaimMail(ctx, time.Now().Add(time.Hour), 10, time.Minute, nil)
		if err != nil || len(items) != 4 {
			t.Fatalf("claimed %d messages (%v)", len(items), err)
		}
		sentAt := time.Now().UTC().Truncate(time.Second).Add(-time.Hour)
		if err := db.MarkMailSent(ctx, items[0].ID, sentAt); err != nil {
			t.Fatal(err)
		}
		if err := db.MarkMailFailed(ctx, items[2].ID, sentAt, "550 no such user", sentAt, true); err != nil {
			t.Fatal(err)
		}
		read := func(id int64) store.ReferralRecord {
			t.Helper()
			r, err := db.ReadReferral(sctx, mgr, id)
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		if r := read(ids[0]); len(r.Messages) != 0 || !r.AcknowledgedAt.IsZero() {
			t.Fatalf("before the step: %d messages, acknowledged %v", len(r.Messages), r.AcknowledgedAt)
		}
		for range 2 {
			if err := db.LinkReferralMail(ctx); err != nil {
				t.Fatal(err)
			}
			first, second := read(ids[0]), read(ids[1])
			if len(first.Messages) != 2 || first.Messages[0].Kind != "referral_ack" || first.Messages[0].Status != "sent" ||
				first.Messages[1].Kind != "referral_outcome" || first.Messages[1].Status != "pending" {
				t.Errorf("the first referral's messages: %+v", first.Messages)
			}
			if !first.AcknowledgedAt.Equal(sentAt) {
				t.Errorf("the first referral acknowledged at %v, want when its acknowledgement went (%v)", first.AcknowledgedAt, sentAt)
			}
			if len(second.Messages) != 1 || second.Messages[0].Status != "failed" || second.Messages[0].LastError != "550 no such user" || !second.AcknowledgedAt.IsZero() {
				t.Errorf("the second referral: %+v, acknowledged %v", second.Messages, second.AcknowledgedAt)
			}
		}
		if n, err := db.RawString(ctx, `SELECT CAST(COUNT(*) AS TEXT) FROM outbox WHERE referral_id IS NULL`); err != nil || n != "1" {
			t.Errorf("%s messages unlinked, want the concern alert alone (%v)", n, err)
		}
	})
}

// TestDecisionTold: a referral's decision is recorded as told when its
// email goes, or when a member of staff says they told it (once, by one
// who may); migration 36 records decisions whose email went before it.
func TestDecisionTold(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		sctx := audit.WithSource(ctx, audit.Source{Actor: "test"})
		mgr := seedStaff(t, db, "m@example.org", "team_manager", "Blackpool").Actor()
		prac := seedStaff(t, db, "p@example.org", "practitioner", "Blackpool").Actor()
		decline := referral.Decision{Outcome: referral.Decline, Reason: "other", Detail: "Already known.", SignpostedTo: "Local DA helpline"}
		refer := func(src referral.Source, d *referral.Decision) int64 {
			t.Helper()
			var id int64
			if err := db.Update(sctx, func(tx *store.Tx) error {
				var err error
				id, _, err = tx.CreateReferral(store.NewReferral{Referral: referral.Referral{Source: src, Referrer: referral.Referrer{Name: "Sam", Email: "sam@example.org"}},
					AreaName: "Blackpool"})
				return err
			}); err != nil {
				t.Fatal(err)
			}
			if d == nil {
				return id
			}
			if _, err := db.DecideReferral(ctx, mgr, id, *d, store.Links{}, func(tx *store.Tx, r store.ReferralRecord, ref string) error {
				if src == referral.Self {
					return nil
				}
				m := referral.OutcomeEmail("Cradle", ref, *r.Content, *d)
				return tx.QueueReferralMail(r.ID, "referral_outcome", "sam@example.org", m.Subject, m.Text)
			}); err != nil {
				t.Fatal(err)
			}
			return id
		}
		read := func(id int64) store.ReferralRecord {
			t.Helper()
			r, err := db.ReadReferral(sctx, mgr, id)
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		emailed, refused, self, open := refer(referral.Professional, &decline), refer(referral.Professional, &decline), refer(referral.Self, &decline), refer(referral.Self, nil)
		for _, id := range []int64{emailed, refused, self} {
			if r := read(id); !r.DecisionUntold() || !r.DecisionToldAt.IsZero() {
				t.Errorf("referral %d told at %v before anyone told it", id, r.DecisionToldAt)
			}
		}
		items, err := db.ClaimMail(ctx, time.Now().Add(time.Hour), 10, time.Minute, nil)
		if err != nil || len(items) != 2 {
			t.Fatalf("claimed %d messages (%v)", len(items), err)
		}
		sentAt := time.Now().UTC().Truncate(time.Second).Add(-time.Hour)
		if err := db.MarkMailSent(ctx, items[0].ID, sentAt); err != nil {
			t.Fatal(err)
		}
		if err := db.MarkMailFailed(ctx, items[1].ID, sentAt, "550 no such user", sentAt, true); err != nil {
			t.Fatal(err)
		}
		if r := read(emailed); !r.DecisionToldAt.Equal(sentAt) || r.DecisionToldBy != "" || r.DecisionUntold() {
			t.Errorf("the emailed decision: told at %v by %q, want when its email went (%v)", r.DecisionToldAt, r.DecisionToldBy, sentAt)
		}
		if r := read(refused); !r.DecisionToldAt.IsZero() {
			t.Errorf("the refused decision is told at %v", r.DecisionToldAt)
		}

		// Staff record it: only one who may screen it, once, and only a
		// decision there is to tell.
		if err := db.RecordDecisionTold(ctx, prac, refused); problem.CodeOf(err) != problem.Forbidden {
			t.Errorf("a practitioner recorded it: %v", err)
		}
		for _, id := range []int64{refused, self} {
			if err := db.RecordDecisionTold(ctx, mgr, id); err != nil {
				t.Fatal(err)
			}
			if r := read(id); r.DecisionToldAt.IsZero() || r.DecisionToldBy != "Test team_manager" || r.DecisionUntold() {
				t.Errorf("referral %d: told at %v by %q", id, r.DecisionToldAt, r.DecisionToldBy)
			}
		}
		if err := db.RecordDecisionTold(ctx, mgr, emailed); problem.CodeOf(err) != problem.Conflict || !strings.Contains(err.Error(), "already told") {
			t.Errorf("recording an emailed decision told: %v", err)
		}
		if err := db.RecordDecisionTold(ctx, mgr, open); problem.CodeOf(err) != problem.Conflict || !strings.Contains(err.Error(), "no decision to tell") {
			t.Errorf("recording an open referral's decision told: %v", err)
		}
		if err := db.RecordDecisionTold(ctx, mgr, 999999); problem.CodeOf(err) != problem.NotFound {
			t.Errorf("an unknown referral: %v", err)
		}
		if es, err := db.AuditEntries(ctx, store.AuditFilter{Actions: []string{"referral.decision_told"}}); err != nil || len(es) != 2 {
			t.Errorf("referral.decision_told entries: %d (%v), want 2", len(es), err)
		}

		// Migration 36's statements, as they are in the migration, on a
		// database whose decisions were not yet recorded told: the emailed
		// one is told when its email went; the other decisions are marked
		// told when decided (from before the record, no one named); the
		// open referral is not.
		if err := db.RawExec(ctx, `UPDATE referrals SET decision_told_at = NULL, decision_told_by = NULL`); err != nil {
			t.Fatal(err)
		}
		runMigrationStatements(t, db, 36, "UPDATE referrals SET decision_told_at") // both, in order
		if r := read(emailed); !r.DecisionToldAt.Equal(sentAt) {
			t.Errorf("after migration 36 the emailed decision is told at %v, want %v", r.DecisionToldAt, sentAt)
		}
		for _, id := range []int64{refused, self} {
			if r := read(id); !r.DecisionToldAt.Equal(r.DecidedAt) || r.DecisionToldBy != "" || r.DecisionUntold() {
				t.Errorf("after migration 36 referral %d is told at %v by %q, want when it was decided (%v), by no one", id, r.DecisionToldAt, r.DecisionToldBy, r.DecidedAt)
			}
		}
		if r := read(open); !r.DecisionToldAt.IsZero() {
			t.Errorf("after migration 36 the open referral is told at %v", r.DecisionToldAt)
		}
	})
}
