package store_test

import (
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/audit"
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
