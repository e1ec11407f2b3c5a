package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/cradle-org/cradle/internal/org"
	"github.com/cradle-org/cradle/internal/problem"
)

// A member of staff who has forgotten their password asks for a link by
// email and, with it, sets a new one after giving a security code from
// their authenticator app: whoever controls the mailbox alone cannot take
// the account. Only the SHA-256 of the link's token is stored, one row per
// account (a new link replaces the last), and it works once.

// PasswordResetRequest is a request for a password reset link.
type PasswordResetRequest struct {
	Email     string        // the address typed (normalised here)
	TokenHash string        // credential.HashToken of the link's token
	Life      time.Duration // how long the link works
	Every     time.Duration // no new link for an account sent one this recently
	IP        string        // the client's address, counted for the per-address limit
}

// ResetLinkGone is the one answer for a link that does not work, whatever
// the reason (never made, used, expired, replaced, or the account disabled
// since): a link-holder learns nothing more.
const ResetLinkGone = "This link has expired or has been used"

// RequestPasswordReset makes a reset link for the active, enrolled account
// with the email address, replacing any earlier link, and has tell queue
// the email (in the same transaction, given the account's address). An
// unknown, disabled or not yet enrolled account (still on an
// administrator's one-time password: there is no second factor to check,
// so its reset is the administrator's), or one sent a link within Every,
// gets nothing, and the caller is told nothing different: the error is
// nil whatever the address. Each request is audited (never the token) and
// counted against the client's address.
func (db *DB) RequestPasswordReset(ctx context.Context, req PasswordResetRequest, tell func(tx *Tx, email string) error) error {
	if req.TokenHash == "" || req.Life <= 0 {
		return errors.New("requesting a password reset: the token hash and the link's life are required")
	}
	return db.Update(ctx, func(tx *Tx) error {
		if err := tx.RecordPublicSubmission("password_reset", req.IP); err != nil {
			return err
		}
		const action = "staff.password.reset.request"
		st, err := tx.StaffByEmail(req.Email)
		switch {
		case problem.CodeOf(err) == problem.NotFound:
			// Whatever was typed is not recorded.
			tx.Audit(action, "staff", 0, 0, "no link sent: no account with that address")
			return nil
		case err != nil:
			return err
		case st.Disabled:
			tx.Audit(action, "staff", st.ID, 0, "no link sent: the account is disabled")
			return nil
		case !ResetEnrolled(st):
			tx.Audit(action, "staff", st.ID, 0, "no link sent: the account is still on a one-time password, so its reset is an administrator's")
			return nil
		}
		// One row per account: a new link replaces the last, unless one was
		// sent within Every (decided in the one statement, so two requests
		// at once send one email).
		res, err := tx.exec(`INSERT INTO password_resets (staff_id, token_hash, created_at, expires_at, used_at) VALUES ($1, $2, $3, $4, NULL)
			ON CONFLICT (staff_id) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at,
				expires_at = excluded.expires_at, used_at = NULL
			WHERE password_resets.created_at <= $5`, st.ID, req.TokenHash, tx.now, tx.now.Add(req.Life), tx.now.Add(-req.Every))
		if err != nil {
			return fmt.Errorf("making a password reset link: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			tx.Audit(action, "staff", st.ID, 0, fmt.Sprintf("no link sent: one was sent in the last %d minutes", int(req.Every/time.Minute)))
			return err
		}
		tx.Audit(action, "staff", st.ID, 0, fmt.Sprintf("link sent by email; it works once, for %d minutes", int(req.Life/time.Minute)))
		if tell != nil {
			return tell(tx, st.Email)
		}
		return nil
	})
}

// ResetEnrolled says whether an account may reset its own password: it has
// an authenticator and has chosen a password of its own (an account on an
// administrator's one-time password has not yet shown it holds the
// authenticator, so there would be no second factor to check).
func ResetEnrolled(s org.Staff) bool { return !s.MustChangePassword && s.TOTPSecret != "" }

// PasswordResetAccount returns the account whose live reset link has this
// token hash, with its credentials (for the security code's check). A link
// unknown, used, expired or replaced, or whose account is no longer active
// and enrolled, is problem.NotFound with ResetLinkGone, alike.
func (db *DB) PasswordResetAccount(ctx context.Context, tokenHash string) (org.Staff, error) {
	gone := problem.New(problem.NotFound, ResetLinkGone)
	if tokenHash == "" {
		return org.Staff{}, gone
	}
	var staffID int64
	var expires time.Time
	var used sql.NullTime
	err := db.queryRow(ctx, `SELECT staff_id, expires_at, used_at FROM password_resets WHERE token_hash = $1`, tokenHash).Scan(&staffID, &expires, &used)
	if errors.Is(err, sql.ErrNoRows) {
		return org.Staff{}, gone
	}
	if err != nil {
		return org.Staff{}, fmt.Errorf("reading a password reset link: %w", err)
	}
	if used.Valid || !db.Now().Before(expires) {
		return org.Staff{}, gone
	}
	st, err := db.StaffByID(ctx, staffID)
	if err != nil {
		return org.Staff{}, err
	}
	if st.Disabled || !ResetEnrolled(st) {
		return org.Staff{}, gone
	}
	return st, nil
}

// PasswordResetUse is the use of a reset link: the new password's hash
// (made by the caller, outside the transaction: the slow hash must not
// hold SQLite's one writer) and the time step of the security code the
// caller checked.
type PasswordResetUse struct {
	TokenHash string
	Hash      string
	Step      int64
}

// ResetPassword uses a reset link, in one transaction: the link is checked
// again and marked used (two uses at once: one wins), the code's time step
// recorded (a step already used is refused as problem.Invalid, as at
// sign-in: a code works once), the new password set, the account's failed
// sign-ins cleared, every session of the account ended, the audit entry
// written and the owner told through tell (which may be nil). It returns
// how many sessions ended. A link that no longer works is
// problem.NotFound with ResetLinkGone.
func (db *DB) ResetPassword(ctx context.Context, u PasswordResetUse, tell func(tx *Tx, email string) error) (int64, error) {
	if u.TokenHash == "" || u.Hash == "" {
		return 0, errors.New("resetting a password: the token hash and the new hash are required")
	}
	var ended int64
	err := db.Update(ctx, func(tx *Tx) error {
		gone := problem.New(problem.NotFound, ResetLinkGone)
		var staffID int64
		err := tx.queryRow(`SELECT staff_id FROM password_resets WHERE token_hash = $1`, u.TokenHash).Scan(&staffID)
		if errors.Is(err, sql.ErrNoRows) {
			return gone
		}
		if err != nil {
			return fmt.Errorf("reading a password reset link: %w", err)
		}
		res, err := tx.exec(`UPDATE password_resets SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1`, tx.now, u.TokenHash)
		if err != nil {
			return fmt.Errorf("using a password reset link: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("using a password reset link: %w", err)
		} else if n != 1 {
			return gone
		}
		st, err := tx.staffByID(staffID)
		if err != nil {
			return err
		}
		if st.Disabled || !ResetEnrolled(st) {
			return gone
		}
		if err := tx.UseTOTPStep(st.ID, u.Step); err != nil {
			return err
		}
		if err := tx.SetPassword(st.ID, u.Hash, false); err != nil {
			return err
		}
		if err := tx.ClearSigninFailures(st.Email); err != nil {
			return err
		}
		res, err = tx.exec(`DELETE FROM login_sessions WHERE staff_id = $1`, st.ID)
		if err != nil {
			return fmt.Errorf("ending sessions: %w", err)
		}
		ended, _ = res.RowsAffected()
		tx.Audit("staff.password.reset", "staff", st.ID, 0, fmt.Sprintf("by themselves, with a link sent by email and a security code; sessions ended: %d", ended))
		if tell != nil {
			return tell(tx, st.Email)
		}
		return nil
	})
	return ended, err
}
