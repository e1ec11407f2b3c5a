package store

import (
	"context"
	"fmt"
	"time"

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
	var ended int64
	err := db.Update(ctx, func(tx *Tx) error {
		if d := policy.Decide(actor, policy.ManageOwnAccount, policy.Target{}, tx.now); !d.Allowed {
			return problem.New(problem.Forbidden, "%s", d.Reason)
		}
		if c.Hash == "" || c.Session == "" || c.NewSession == "" || c.Session == c.NewSession {
			return fmt.Errorf("changing a password: the new hash and the sessions are required")
		}
		st, err := tx.staffByID(actor.StaffID)
		if err != nil {
			return err
		}
		res, err := tx.exec(`UPDATE login_sessions SET token_hash = $1 WHERE token_hash = $2 AND staff_id = $3`, c.NewSession, c.Session, st.ID)
		if err != nil {
			return fmt.Errorf("renewing the session's token: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return problem.New(problem.Unauthorised, "Your session has ended. Sign in again")
		}
		if err := tx.SetPassword(st.ID, c.Hash, false); err != nil {
			return err
		}
		if ended, err = tx.EndOtherSessions(st.ID, c.NewSession); err != nil {
			return err
		}
		tx.Audit("staff.password.change", "staff", st.ID, 0, fmt.Sprintf("by themselves; other sessions ended: %d", ended))
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
		return nil, problem.New(problem.Forbidden, "%s", d.Reason)
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
			return problem.New(problem.Forbidden, "%s", d.Reason)
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
