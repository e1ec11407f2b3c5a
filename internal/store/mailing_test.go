package store_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/store"
	"github.com/cradle-org/cradle/internal/store/storetest"
)

// A sign-up never confirmed is deleted once its link has expired before the
// cutoff, and an unsubscribed address is cleared (its row kept for the
// counts); confirmed and live sign-ups stay, and the address can sign up
// again afresh.
func TestForgetOldSignUps(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		now := time.Now()
		ids := map[string]int64{}
		err := db.Update(ctx, func(tx *store.Tx) error {
			for _, s := range []struct {
				email   string
				expires time.Time
			}{{"expired@example.org", now.Add(-time.Hour)}, {"live@example.org", now.Add(3 * time.Hour)},
				{"member@example.org", now.Add(time.Hour)}, {"left@example.org", now.Add(time.Hour)}} {
				id, _, err := tx.Subscribe(s.email, "CANARY "+s.email, "confirm-"+s.email, s.expires)
				if err != nil {
					return err
				}
				ids[s.email] = id
			}
			for _, email := range []string{"member@example.org", "left@example.org"} {
				if err := tx.ConfirmSubscription("confirm-" + email); err != nil {
					return err
				}
			}
			return tx.Unsubscribe(ids["left@example.org"], db.UnsubscribeToken(ids["left@example.org"]))
		})
		if err != nil {
			t.Fatal(err)
		}
		// A day ago nothing had expired or been left.
		if n, err := db.ForgetOldSignUps(ctx, now.Add(-24*time.Hour)); err != nil || n != 0 {
			t.Errorf("a sweep with nothing old: %d, %v", n, err)
		}
		if n, err := db.ForgetOldSignUps(ctx, now.Add(2*time.Hour)); err != nil || n != 2 {
			t.Errorf("a sweep two hours on: %d, %v; want the expired sign-up and the unsubscribed address", n, err)
		}
		if pending, confirmed, unsubscribed, err := db.MailingCounts(ctx); err != nil || pending != 1 || confirmed != 1 || unsubscribed != 1 {
			t.Errorf("counts after the sweep: %d pending, %d confirmed, %d unsubscribed (%v); want 1, 1, 1", pending, confirmed, unsubscribed, err)
		}
		rows, err := db.RawString(ctx, `SELECT COALESCE(string_agg(CAST(id AS TEXT) || '=' || email_hash || '/' || CASE WHEN email_sealed = '' AND name_sealed = '' THEN 'cleared' ELSE 'kept' END, ','), '')
			FROM (SELECT id, email_hash, email_sealed, name_sealed FROM mailing_list ORDER BY id) m`)
		if err != nil {
			t.Fatal(err)
		}
		itoa := func(n int64) string { return strconv.FormatInt(n, 10) }
		left := ids["left@example.org"]
		if strings.Contains(rows, itoa(ids["expired@example.org"])+"=") || !strings.Contains(rows, itoa(left)+"=forgotten:"+itoa(left)+"/cleared") ||
			!strings.Contains(rows, itoa(ids["live@example.org"])+"=") || strings.Count(rows, "/kept") != 2 {
			t.Errorf("the list after the sweep: %s", rows)
		}
		if es, err := db.AuditEntries(ctx, store.AuditFilter{Actions: []string{"mailing.forget"}}); err != nil || len(es) != 1 {
			t.Errorf("mailing.forget entries: %d (%v), want 1", len(es), err)
		}
		// The address that left signs up again as a new sign-up.
		err = db.Update(ctx, func(tx *store.Tx) error {
			id, confirmed, err := tx.Subscribe("left@example.org", "Again", "confirm-again", now.Add(time.Hour))
			if err == nil && (id == left || confirmed) {
				t.Errorf("signing up again: id %d (was %d), confirmed %v; want a new, unconfirmed sign-up", id, left, confirmed)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
