package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/cradle-org/cradle/internal/org"
	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/problem"
)

// Session stages: a password alone gives only a half session that can do
// nothing but complete the second factor (or change a one-time password).
const (
	StageSecondFactor   = "second_factor"
	StageChangePassword = "change_password"
	StageActive         = "active"
)

// LoginSession is a stored sign-in session; the cookie holds the token, the
// database only its hash.
type LoginSession struct {
	TokenHash  string
	StaffID    int64
	Stage      string
	CSRFToken  string
	CreatedAt  time.Time
	LastSeenAt time.Time
	// UnseenAlerts counts the member of staff's unseen safeguarding
	// alerts when the session was read (SessionUser): the banner on a
	// manager's or DSL's every page, read with the session rather than
	// in a round trip of its own.
	UnseenAlerts int
	// RenewPassword marks a half session opened by a correct password that
	// no longer meets the rules (MarkPasswordRenewal): after the security
	// code it leads only to choosing a new one.
	RenewPassword bool
}

// CreateSession stores a new session.
func (tx *Tx) CreateSession(tokenHash string, staffID int64, stage, csrf, ip, userAgent string) error {
	if len(userAgent) > 300 {
		userAgent = userAgent[:300]
	}
	_, err := tx.exec(`INSERT INTO login_sessions (token_hash, staff_id, stage, csrf_token, created_at, last_seen_at, ip, user_agent)
		VALUES ($1, $2, $3, $4, $5, $5, $6, $7)`, tokenHash, staffID, stage, csrf, tx.now, ip, userAgent)
	if err != nil {
		return fmt.Errorf("creating session: %w", err)
	}
	return nil
}

// MarkPasswordRenewal marks a half session whose password was right but no
// longer meets the rules (it is now on the list of common passwords, say):
// its second step leads to choosing a new password, not to Cradle.
func (tx *Tx) MarkPasswordRenewal(tokenHash string) error {
	if _, err := tx.exec(`UPDATE login_sessions SET renew_password = TRUE WHERE token_hash = $1 AND stage = $2`, tokenHash, StageSecondFactor); err != nil {
		return fmt.Errorf("marking a session for a new password: %w", err)
	}
	return nil
}

// DeleteSession ends a session.
func (tx *Tx) DeleteSession(tokenHash string) error {
	if _, err := tx.exec(`DELETE FROM login_sessions WHERE token_hash = $1`, tokenHash); err != nil {
		return fmt.Errorf("ending session: %w", err)
	}
	return nil
}

// SessionUser reads a session together with its member of staff and their
// teams in one query, since every signed-in request needs all three (and
// the count of unseen safeguarding alerts, LoginSession.UnseenAlerts). A
// session whose account is gone reads as no session.
//
// The account comes without its credentials (password hash, authenticator
// secret and last step, must-change flag, when the password was set): a
// signed-in request never needs them, so they are neither read nor opened
// for every page; the sign-in steps that check them read the account with
// StaffByID.
func (db *DB) SessionUser(ctx context.Context, tokenHash string) (LoginSession, org.Staff, error) {
	var s LoginSession
	var st org.Staff
	// The times as text on SQLite (timeText): every request reads three,
	// and the driver's parsing tries a layout that fails before the one
	// that fits.
	rows, err := db.query(ctx, `SELECT ls.token_hash, ls.staff_id, ls.stage, ls.csrf_token, `+db.timeText("ls.created_at")+`, `+db.timeText("ls.last_seen_at")+`, ls.renew_password,
		s.email, s.name, s.role, s.job_title, s.disabled, s.listed_publicly, `+db.timeText("s.created_at")+`,
		t.id, t.name, a.id, a.name, a.local_authority, a.remote, a.active,
		(SELECT COUNT(*) FROM alerts al WHERE al.staff_id = ls.staff_id AND al.seen_at IS NULL)
		FROM login_sessions ls JOIN staff s ON s.id = ls.staff_id
		LEFT JOIN staff_teams stt ON stt.staff_id = s.id
		LEFT JOIN teams t ON t.id = stt.team_id
		LEFT JOIN areas a ON a.id = t.area_id
		WHERE ls.token_hash = $1 ORDER BY a.name, t.name`, tokenHash)
	if err != nil {
		return s, st, fmt.Errorf("reading session: %w", err)
	}
	defer rows.Close()
	var role string
	var created, seenAt, staffCreated anyTime
	seen := map[int64]bool{}
	found := false
	for rows.Next() {
		var teamID, areaID sql.NullInt64
		var teamName, areaName, la sql.NullString
		var remote, active sql.NullBool
		if err := rows.Scan(&s.TokenHash, &s.StaffID, &s.Stage, &s.CSRFToken, &created, &seenAt, &s.RenewPassword,
			&st.Email, &st.Name, &role, &st.JobTitle, &st.Disabled, &st.ListedPublicly, &staffCreated,
			&teamID, &teamName, &areaID, &areaName, &la, &remote, &active, &s.UnseenAlerts); err != nil {
			return s, st, fmt.Errorf("reading session: %w", err)
		}
		found = true
		if !teamID.Valid || !areaID.Valid {
			continue
		}
		st.Teams = append(st.Teams, org.Team{ID: teamID.Int64, Name: teamName.String, AreaID: areaID.Int64})
		if !seen[areaID.Int64] {
			seen[areaID.Int64] = true
			st.Areas = append(st.Areas, org.Area{ID: areaID.Int64, Name: areaName.String, LocalAuthority: la.String, Remote: remote.Bool, Active: active.Bool})
		}
	}
	if err := rows.Err(); err != nil {
		return s, st, fmt.Errorf("reading session: %w", err)
	}
	if !found {
		return s, st, problem.New(problem.Unauthorised, "Your session has ended. Sign in again")
	}
	st.ID = s.StaffID
	st.Role = policy.Role(role) // an unknown role stays unknown, and the policy denies it
	s.CreatedAt, s.LastSeenAt, st.CreatedAt = created.T, seenAt.T, staffCreated.T
	return s, st, nil
}

// TouchSession records activity. It is not audited: it changes no personal
// data, and auditing it would double every request's writes.
func (db *DB) TouchSession(ctx context.Context, tokenHash string, at time.Time) error {
	if _, err := db.exec(ctx, `UPDATE login_sessions SET last_seen_at = $1 WHERE token_hash = $2`, at.UTC(), tokenHash); err != nil {
		return fmt.Errorf("touching session: %w", err)
	}
	return nil
}

// DeleteSessionsBefore removes sessions idle since before idleCutoff or
// created before absCutoff, and returns how many.
func (db *DB) DeleteExpiredSessions(ctx context.Context, idleCutoff, absCutoff time.Time) (int64, error) {
	res, err := db.exec(ctx, `DELETE FROM login_sessions WHERE last_seen_at < $1 OR created_at < $2`, idleCutoff.UTC(), absCutoff.UTC())
	if err != nil {
		return 0, fmt.Errorf("removing expired sessions: %w", err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}

// ForgetOldAttempts deletes the failed sign-ins recorded before failures
// and the public forms' sends recorded before submissions. They are kept
// only for the limits on repeated attempts, which look back no further,
// and they hold what was typed as an email address and where it came from
// (the audit log keeps each refused sign-in). It returns how many rows it
// deleted.
func (db *DB) ForgetOldAttempts(ctx context.Context, failures, submissions time.Time) (int64, error) {
	a, err := db.exec(ctx, `DELETE FROM signin_failures WHERE at < $1`, failures.UTC())
	if err != nil {
		return 0, fmt.Errorf("forgetting old failed sign-ins: %w", err)
	}
	b, err := db.exec(ctx, `DELETE FROM public_submissions WHERE at < $1`, submissions.UTC())
	if err != nil {
		return 0, fmt.Errorf("forgetting old public form sends: %w", err)
	}
	n, _ := a.RowsAffected()
	m, _ := b.RowsAffected()
	return n + m, nil
}

// RecordSigninFailure notes a failed attempt for rate limiting.
func (tx *Tx) RecordSigninFailure(email, ip string) error {
	if _, err := tx.exec(`INSERT INTO signin_failures (at, email, ip) VALUES ($1, $2, $3)`, tx.now, email, ip); err != nil {
		return fmt.Errorf("recording failed sign-in: %w", err)
	}
	return nil
}

// SigninFailures counts failures since a time for an email and for an address.
func (db *DB) SigninFailures(ctx context.Context, email, ip string, since time.Time) (byEmail, byIP int, err error) {
	err = db.queryRow(ctx, `SELECT
		(SELECT COUNT(*) FROM signin_failures WHERE email = $1 AND at >= $3),
		(SELECT COUNT(*) FROM signin_failures WHERE ip = $2 AND at >= $3)`, email, ip, since.UTC()).Scan(&byEmail, &byIP)
	if err != nil {
		return 0, 0, fmt.Errorf("counting failed sign-ins: %w", err)
	}
	return byEmail, byIP, nil
}

// ClearSigninFailures forgets an account's failures after a successful sign-in.
func (tx *Tx) ClearSigninFailures(email string) error {
	if _, err := tx.exec(`DELETE FROM signin_failures WHERE email = $1`, email); err != nil {
		return fmt.Errorf("clearing failed sign-ins: %w", err)
	}
	return nil
}
