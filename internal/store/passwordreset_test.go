package store_test

import (
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/audit"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/store"
	"github.com/cradle-org/cradle/internal/store/storetest"
)

// TestPasswordReset: a link is made only for an active account with an
// authenticator and a password of its own; an unknown, disabled or
// not yet enrolled account gets no link and no mail, and the caller is
// told the same; a second request replaces the first (after the limit on
// how often), a link works once and until it expires, and using it sets
// the password, ends every session and is audited.
func TestPasswordReset(t *testing.T) {
	eachBackend(t, func(t *testing.T, b storetest.Backend) {
		var shift atomic.Int64
		db := storetest.Open(t, b, func() time.Time { return time.Now().Add(time.Duration(shift.Load())) })
		sctx := audit.WithSource(ctx, audit.Source{Actor: "test"})
		pat := seedStaff(t, db, "pat@example.org", "practitioner", "Blackpool")
		off := seedStaff(t, db, "off@example.org", "practitioner", "Blackpool")
		newcomer := seedStaff(t, db, "new@example.org", "practitioner", "Blackpool")
		err := db.Update(sctx, func(tx *store.Tx) error {
			if _, err := tx.DisableStaff(off.Email); err != nil {
				return err
			}
			return tx.SetPassword(newcomer.ID, "one-time-hash", true)
		})
		if err != nil {
			t.Fatal(err)
		}
		mails := func() int {
			t.Helper()
			n, err := db.RawString(ctx, `SELECT CAST(COUNT(*) AS TEXT) FROM outbox WHERE kind = 'password_reset'`)
			if err != nil {
				t.Fatal(err)
			}
			return map[string]int{"0": 0, "1": 1, "2": 2, "3": 3}[n]
		}
		request := func(email, tokenHash string) {
			t.Helper()
			err := db.RequestPasswordReset(sctx, store.PasswordResetRequest{Email: email, TokenHash: tokenHash, Life: 30 * time.Minute, Every: 5 * time.Minute, IP: "192.0.2.9"},
				func(tx *store.Tx, to string) error {
					if to != pat.Email {
						t.Errorf("a link would go to %s", to)
					}
					return tx.QueueMail("password_reset", to, "Reset", "link with "+tokenHash, nil)
				})
			if err != nil {
				t.Fatalf("request for %s: %v", email, err)
			}
		}
		gone := func(what, tokenHash string) {
			t.Helper()
			if _, err := db.PasswordResetAccount(ctx, tokenHash); problem.CodeOf(err) != problem.NotFound || problem.MessageOf(err) != store.ResetLinkGone {
				t.Errorf("%s: %v, want the link gone", what, err)
			}
		}

		// Nothing for an unknown, a disabled or a not yet enrolled account:
		// the same nil to the caller, no row, no mail.
		for _, email := range []string{"nobody@example.org", off.Email, newcomer.Email} {
			request(email, "hash-"+email)
			gone(email, "hash-"+email)
		}
		if n := mails(); n != 0 {
			t.Fatalf("mails queued for accounts that get no link: %d", n)
		}
		if rows, _ := db.RawString(ctx, `SELECT CAST(COUNT(*) AS TEXT) FROM password_resets`); rows != "0" {
			t.Fatalf("reset rows for accounts that get no link: %s", rows)
		}

		// An active, enrolled account: a link, and one email.
		request(" PAT@example.org ", "first")
		if got, err := db.PasswordResetAccount(ctx, "first"); err != nil || got.ID != pat.ID {
			t.Fatalf("the first link: %+v, %v", got, err)
		}
		// Asked again at once: nothing new is sent, the first still works.
		request(pat.Email, "too-soon")
		gone("a link asked for within five minutes", "too-soon")
		if _, err := db.PasswordResetAccount(ctx, "first"); err != nil || mails() != 1 {
			t.Fatalf("after a request too soon: %v, %d mails", err, mails())
		}
		// Six minutes on: a new link, which replaces the first.
		shift.Store(int64(6 * time.Minute))
		request(pat.Email, "second")
		gone("the replaced link", "first")
		if _, err := db.PasswordResetAccount(ctx, "second"); err != nil || mails() != 2 {
			t.Fatalf("the second link: %v, %d mails", err, mails())
		}
		// It expires after its life.
		shift.Store(int64(37 * time.Minute))
		gone("an expired link", "second")
		if _, err := db.ResetPassword(sctx, store.PasswordResetUse{TokenHash: "second", Hash: "new-hash", Step: 10}, nil); problem.CodeOf(err) != problem.NotFound {
			t.Fatalf("using an expired link: %v", err)
		}

		// A live link, used: the password set, every session ended, the
		// owner told, the link spent.
		request(pat.Email, "third")
		err = db.Update(sctx, func(tx *store.Tx) error {
			for _, h := range []string{"s1", "s2"} {
				if err := tx.CreateSession(h, pat.ID, store.StageActive, "csrf", "192.0.2.1", "test"); err != nil {
					return err
				}
			}
			tx.Audit("test", "", 0, 0, "")
			return tx.RecordSigninFailure(pat.Email, "192.0.2.1")
		})
		if err != nil {
			t.Fatal(err)
		}
		told := ""
		ended, err := db.ResetPassword(sctx, store.PasswordResetUse{TokenHash: "third", Hash: "new-hash", Step: 10}, func(tx *store.Tx, to string) error {
			told = to
			return nil
		})
		if err != nil || ended != 2 || told != pat.Email {
			t.Fatalf("ResetPassword = %d, %v (told %q); want 2 sessions ended and the owner told", ended, err, told)
		}
		after, err := db.StaffByID(ctx, pat.ID)
		if err != nil || after.PasswordHash != "new-hash" || after.MustChangePassword || after.TOTPLastStep != 10 {
			t.Fatalf("after the reset: %+v, %v", after, err)
		}
		if _, _, err := db.SessionUser(ctx, "s1"); problem.CodeOf(err) != problem.Unauthorised {
			t.Errorf("a session survived the reset: %v", err)
		}
		if byEmail, _, err := db.SigninFailures(ctx, pat.Email, "192.0.2.1", time.Now().Add(-time.Hour)); err != nil || byEmail != 0 {
			t.Errorf("failed sign-ins after the reset: %d, %v", byEmail, err)
		}
		// Single use.
		gone("a used link", "third")
		if _, err := db.ResetPassword(sctx, store.PasswordResetUse{TokenHash: "third", Hash: "other-hash", Step: 20}, nil); problem.CodeOf(err) != problem.NotFound {
			t.Errorf("using a link twice: %v", err)
		}
		// A code's step already used is refused, and the link stays unused.
		shift.Store(int64(50 * time.Minute))
		request(pat.Email, "fourth")
		if _, err := db.ResetPassword(sctx, store.PasswordResetUse{TokenHash: "fourth", Hash: "other-hash", Step: 10}, nil); problem.CodeOf(err) != problem.Invalid {
			t.Errorf("a reused code's step: %v", err)
		}
		if _, err := db.PasswordResetAccount(ctx, "fourth"); err != nil {
			t.Errorf("the link after a refused code: %v", err)
		}
		// Disabled meanwhile: the link no longer works.
		if err := db.Update(sctx, func(tx *store.Tx) error { _, err := tx.DisableStaff(pat.Email); return err }); err != nil {
			t.Fatal(err)
		}
		gone("the link of an account disabled since", "fourth")

		// Every request is audited, never with its token.
		es, err := db.AuditEntries(ctx, store.AuditFilter{Actions: []string{"staff.password.reset.request", "staff.password.reset"}})
		if err != nil {
			t.Fatal(err)
		}
		var requests, resets int
		for _, e := range es {
			for _, tok := range []string{"first", "second", "third", "fourth", "too-soon"} {
				if strings.Contains(e.Detail, tok) {
					t.Errorf("an audit entry holds a token: %+v", e)
				}
			}
			if strings.Contains(e.Detail, "nobody@") {
				t.Errorf("an audit entry holds the address typed: %+v", e)
			}
			switch e.Action {
			case "staff.password.reset.request":
				requests++
			case "staff.password.reset":
				resets++
				if e.RecordID != pat.ID {
					t.Errorf("the reset's entry names staff %d", e.RecordID)
				}
			}
		}
		if requests != 8 || resets != 1 {
			t.Errorf("audit: %d requests, %d resets; want 8 and 1", requests, resets)
		}
	})
}
