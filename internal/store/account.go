package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/cradle-org/cradle/internal/org"
	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/problem"
)

// PasswordChange is a member of staff's change of their own password: the
// new password's hash (made by the caller, outside the transaction: the
// slow hash must not hold SQLite's one writer), the session it is made in
// and the token that replaces it.
type PasswordChange struct {
	Hash       string
	Session    string // the current session's token hash
	NewSession string // the hash of the token that replaces it
}

// ChangeOwnPassword sets the actor's new password, ends every other
// session of theirs (whoever else knew the old password is signed out),
// gives the current session a new token (the same session otherwise: it
// still ends 12 hours after signing in), and tells them by email through
// tell (which may be nil), in one transaction. It returns how many other
// sessions were ended. The caller has checked the current password.
func (db *DB) ChangeOwnPassword(ctx context.Context, actor policy.Actor, c PasswordChange, tell func(tx *Tx, email string) error) (int64, error) {
	if c.Hash == "" || c.Session == "" || c.NewSession == "" || c.Session == c.NewSession {
		return 0, fmt.Errorf("changing a password: the new hash and the sessions are required")
	}
	return db.changeOwnSignIn(ctx, actor, "staff.password.change", c.NewSession, tell, func(tx *Tx, st org.Staff) error {
		res, err := tx.exec(`UPDATE login_sessions SET token_hash = $1 WHERE token_hash = $2 AND staff_id = $3`, c.NewSession, c.Session, st.ID)
		if err != nil {
			return fmt.Errorf("renewing the session's token: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return problem.New(problem.Unauthorised, "Your session has ended. Sign in again")
		}
		return tx.SetPassword(st.ID, c.Hash, false)
	})
}

// changeOwnSignIn is a member of staff's change to their own sign-in
// details, in one transaction: the policy's check, the change itself
// (apply, given their account), every other session of theirs but keep (a
// token hash) ended, so whoever signed in with the old details is signed
// out, the audit entry (action) and the email through tell (which may be
// nil). It returns how many other sessions ended.
func (db *DB) changeOwnSignIn(ctx context.Context, actor policy.Actor, action, keep string, tell func(tx *Tx, email string) error,
	apply func(tx *Tx, st org.Staff) error) (int64, error) {
	var ended int64
	err := db.Update(ctx, func(tx *Tx) error {
		if d := policy.Decide(actor, policy.ManageOwnAccount, policy.Target{}, tx.now); !d.Allowed {
			return d.Err()
		}
		st, err := tx.staffByID(actor.StaffID)
		if err != nil {
			return err
		}
		if err := apply(tx, st); err != nil {
			return err
		}
		if ended, err = tx.EndOtherSessions(st.ID, keep); err != nil {
			return err
		}
		tx.Audit(action, "staff", st.ID, 0, fmt.Sprintf("by themselves; other sessions ended: %d", ended))
		if tell != nil {
			return tell(tx, st.Email)
		}
		return nil
	})
	return ended, err
}

// EndOtherSessions ends every session of staffID but keep (a token hash),
// returning how many ended.
func (tx *Tx) EndOtherSessions(staffID int64, keep string) (int64, error) {
	res, err := tx.exec(`DELETE FROM login_sessions WHERE staff_id = $1 AND token_hash <> $2`, staffID, keep)
	if err != nil {
		return 0, fmt.Errorf("ending the other sessions: %w", err)
	}
	return res.RowsAffected()
}

// OwnSession is one of a member of staff's sessions, as their account page
// lists it: where and when, never its token.
type OwnSession struct {
	Current    bool   // the session asking
	Complete   bool   // signed in with both steps (else the password alone was entered)
	IP         string // the address it was started from
	Agent      string // the browser's own description of itself
	CreatedAt  time.Time
	LastSeenAt time.Time
}

// OwnSessions lists the actor's live sessions, the one asking (current, a
// token hash) first, then the most recently used: whoever sees one they do
// not recognise (a password entered somewhere without its code, say)
// knows to change their password. A session idle since before idleCutoff
// or started before absCutoff is over, though not yet swept away
// (DeleteExpiredSessions), and is not listed.
func (db *DB) OwnSessions(ctx context.Context, actor policy.Actor, current string, idleCutoff, absCutoff time.Time) ([]OwnSession, error) {
	if d := policy.Decide(actor, policy.ManageOwnAccount, policy.Target{}, db.Now()); !d.Allowed {
		return nil, d.Err()
	}
	// This one first, then the most recently used.
	rows, err := db.query(ctx, `SELECT token_hash, stage, ip, user_agent, created_at, last_seen_at FROM login_sessions
		WHERE staff_id = $1 AND (token_hash = $2 OR (last_seen_at >= $3 AND created_at >= $4))
		ORDER BY CASE WHEN token_hash = $2 THEN 0 ELSE 1 END, last_seen_at DESC, created_at DESC`, actor.StaffID, current, idleCutoff.UTC(), absCutoff.UTC())
	if err != nil {
		return nil, fmt.Errorf("listing your sessions: %w", err)
	}
	defer rows.Close()
	var out []OwnSession
	for rows.Next() {
		var s OwnSession
		var hash, stage string
		if err := rows.Scan(&hash, &stage, &s.IP, &s.Agent, &s.CreatedAt, &s.LastSeenAt); err != nil {
			return nil, fmt.Errorf("listing your sessions: %w", err)
		}
		s.Current, s.Complete = hash == current, stage == StageActive || stage == StageChangePassword
		s.CreatedAt, s.LastSeenAt = s.CreatedAt.UTC(), s.LastSeenAt.UTC()
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("listing your sessions: %w", err)
	}
	return out, nil
}

// EndOtherSessions signs the actor out of every session but the one asking
// (current, a token hash), returning how many ended.
func (db *DB) EndOtherSessions(ctx context.Context, actor policy.Actor, current string) (int64, error) {
	var ended int64
	err := db.Update(ctx, func(tx *Tx) error {
		if d := policy.Decide(actor, policy.ManageOwnAccount, policy.Target{}, tx.now); !d.Allowed {
			return d.Err()
		}
		var err error
		if ended, err = tx.EndOtherSessions(actor.StaffID, current); err != nil {
			return err
		}
		tx.Audit("staff.sessions.end", "staff", actor.StaffID, 0, fmt.Sprintf("by themselves; other sessions ended: %d", ended))
		return nil
	})
	return ended, err
}

// PendingAuthenticatorLife is how long a new authenticator being set up
// (SealPendingAuthenticator) may wait for its first code.
const PendingAuthenticatorLife = 30 * time.Minute

// pendingAuthenticatorContext binds a pending secret to its member of
// staff and to the session that asked for it.
func pendingAuthenticatorContext(staffID int64, session string) string {
	return keyContext("pending_authenticator", staffID, session)
}

// SealPendingAuthenticator seals a new authenticator secret, with the time,
// for the page that sets it up to carry until the member of staff confirms
// it with a code from it (ChangeOwnAuthenticator). Nothing is stored: the
// sealed value opens only for them, in this session, for
// PendingAuthenticatorLife, and cannot be changed on the way.
func (db *DB) SealPendingAuthenticator(staffID int64, session, secret string) (string, error) {
	return db.seal(pendingAuthenticatorContext(staffID, session), strconv.FormatInt(db.Now().Unix(), 10)+"|"+secret)
}

// OpenPendingAuthenticator opens what SealPendingAuthenticator sealed. One
// sealed for someone else or another session, altered, or older than
// PendingAuthenticatorLife is a problem.Invalid, which the page words as a
// set-up that has to start again.
func (db *DB) OpenPendingAuthenticator(staffID int64, session, sealed string) (string, error) {
	const again = "The set-up of your new authenticator app has expired. Add the new key shown on this page to your app and enter its code"
	plain, err := db.open(pendingAuthenticatorContext(staffID, session), sealed)
	if err != nil {
		return "", problem.New(problem.Invalid, again)
	}
	at, secret, ok := strings.Cut(plain, "|")
	unix, err := strconv.ParseInt(at, 10, 64)
	if !ok || err != nil || secret == "" || db.Now().Sub(time.Unix(unix, 0)) > PendingAuthenticatorLife {
		return "", problem.New(problem.Invalid, again)
	}
	return secret, nil
}

// AuthenticatorChange is a member of staff's move to a new authenticator
// app: its secret, the time step of the code that confirmed it (so that
// code cannot be used again to sign in), and the session it is made in.
type AuthenticatorChange struct {
	Secret  string
	Step    int64
	Session string // the current session's token hash
}

// ChangeOwnAuthenticator gives the actor's account a new authenticator
// secret once they have given their password and a code from the new app,
// ends every other session of theirs (whoever signed in with the old app
// is signed out), and tells them through tell (which may be nil), in one
// transaction. It returns how many other sessions ended.
func (db *DB) ChangeOwnAuthenticator(ctx context.Context, actor policy.Actor, c AuthenticatorChange, tell func(tx *Tx, email string) error) (int64, error) {
	if c.Secret == "" || c.Session == "" {
		return 0, fmt.Errorf("changing an authenticator: the secret and the session are required")
	}
	return db.changeOwnSignIn(ctx, actor, "staff.totp.change", c.Session, tell, func(tx *Tx, st org.Staff) error {
		var mine int
		if err := tx.queryRow(`SELECT COUNT(*) FROM login_sessions WHERE token_hash = $1 AND staff_id = $2 AND stage = $3`, c.Session, st.ID, StageActive).Scan(&mine); err != nil {
			return fmt.Errorf("checking the session: %w", err)
		}
		if mine != 1 {
			return problem.New(problem.Unauthorised, "Your session has ended. Sign in again")
		}
		sealed, err := tx.db.seal(rowContext("staff.totp_secret", st.ID), c.Secret)
		if err != nil {
			return err
		}
		if _, err := tx.exec(`UPDATE staff SET totp_secret_sealed = $1, totp_last_step = $2, updated_at = $3 WHERE id = $4`, sealed, c.Step, tx.now, st.ID); err != nil {
			return fmt.Errorf("changing the authenticator: %w", err)
		}
		return nil
	})
}
