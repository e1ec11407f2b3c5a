package store_test

import (
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/audit"
	"github.com/cradle-org/cradle/internal/demo"
	"github.com/cradle-org/cradle/internal/store"
	"github.com/cradle-org/cradle/internal/store/storetest"
)

// TestLastSignedIn: an accepted security code records when the account
// signed in, and the staff list reads it; an upgrade to migration 46 takes
// each account's latest sign-in from the audit log (none: never).
func TestLastSignedIn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		if _, _, err := demo.LoadWith(ctx, db, storetest.PasswordParams); err != nil {
			t.Fatal(err)
		}
		sctx := audit.WithSource(ctx, audit.Source{Actor: "test"})
		priya, _ := db.StaffByEmail(ctx, "priya.shah@cradle.example")
		admin, _ := db.StaffByEmail(ctx, "sam.carter@cradle.example")
		lastOf := func(id int64) time.Time {
			t.Helper()
			list, err := db.StaffWithAreas(sctx, admin.Actor())
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range list {
				if s.ID == id {
					return s.LastSignedInAt
				}
			}
			t.Fatalf("staff %d is not listed", id)
			return time.Time{}
		}
		if got := lastOf(priya.ID); !got.IsZero() {
			t.Fatalf("before any sign-in: %v, want none", got)
		}
		before := time.Now().Add(-time.Second)
		if err := db.Update(sctx, func(tx *store.Tx) error {
			if err := tx.UseTOTPStep(priya.ID, 100); err != nil {
				return err
			}
			tx.Audit("signin.success", "staff", priya.ID, 0, "")
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		signedIn := lastOf(priya.ID)
		if signedIn.Before(before) || signedIn.After(time.Now().Add(time.Second)) {
			t.Fatalf("after a sign-in: %v, want about now", signedIn)
		}

		// As before migration 46: the column gone, then the upgrade.
		for _, q := range []string{`ALTER TABLE staff DROP COLUMN last_signed_in_at`, `DELETE FROM schema_migrations WHERE version = 46`} {
			if err := db.RawExec(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		if n, err := db.Migrate(ctx); err != nil || n != 1 {
			t.Fatalf("upgrading from 45: %d applied, %v", n, err)
		}
		if got := lastOf(priya.ID); got.Sub(signedIn).Abs() > time.Second {
			t.Errorf("after the upgrade: %v, want the audited sign-in %v", got, signedIn)
		}
		if got := lastOf(admin.ID); !got.IsZero() {
			t.Errorf("an account with no sign-in audited: %v, want none", got)
		}
	})
}
