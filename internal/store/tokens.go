package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/cradle-org/cradle/internal/problem"
)

// APIToken is a partner organisation's credential. Only its hash is stored.
type APIToken struct {
	ID         int64
	OrgID      int64
	OrgName    string
	Name       string
	Scopes     []string
	CreatedBy  string
	CreatedAt  time.Time
	LastUsedAt time.Time
	RevokedAt  time.Time
}

// Revoked reports whether the token has been revoked.
func (t APIToken) Revoked() bool { return !t.RevokedAt.IsZero() }

// CreateAPIToken records a token (by hash) for an organisation, creating
// the organisation if it is new.
func (tx *Tx) CreateAPIToken(orgName, name, tokenHash string, scopes []string, createdBy int64) (int64, error) {
	// The shared text rule: these names appear on pages, in the audit log
	// and in the partner's referrals, so no control characters or markup.
	var fs problem.Fields
	fs.Text("organisation", "Organisation name", &orgName, 200, false)
	if orgName == "" && !fs.Has("organisation") {
		fs.Add("organisation", "Enter the partner organisation's name")
	}
	fs.Text("name", "Token name", &name, 100, false)
	if name == "" && !fs.Has("name") {
		fs.Add("name", "Enter a name for the token, like the system that will use it")
	}
	if err := fs.Err(); err != nil {
		return 0, err
	}
	var orgID int64
	err := tx.queryRow(`SELECT id FROM organisations WHERE name = $1 AND kind = 'partner'`, orgName).Scan(&orgID)
	if errors.Is(err, sql.ErrNoRows) {
		orgID, err = tx.insertID(`INSERT INTO organisations (name, kind, created_at) VALUES ($1, 'partner', $2)`, orgName, tx.now)
	}
	if err != nil {
		return 0, fmt.Errorf("finding organisation: %w", err)
	}
	id, err := tx.insertID(`INSERT INTO api_tokens (organisation_id, name, token_hash, scopes, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		orgID, name, tokenHash, strings.Join(scopes, " "), createdBy, tx.now)
	if err != nil {
		return 0, fmt.Errorf("creating token: %w", err)
	}
	tx.Audit("token.create", "api_token", id, 0, "organisation="+fmt.Sprint(orgID))
	return id, nil
}

// #nosec G101 -- column lists for SQL, named for the api_tokens table; no secret
const tokenColumns = `t.id, t.organisation_id, o.name, t.name, t.scopes, s.name, t.created_at, t.last_used_at, t.revoked_at`

// #nosec G101 -- a FROM clause; no secret
const tokenFrom = ` FROM api_tokens t JOIN organisations o ON o.id = t.organisation_id JOIN staff s ON s.id = t.created_by`

func scanToken(row interface{ Scan(...any) error }) (APIToken, error) {
	var t APIToken
	var scopes string
	var used, revoked sql.NullTime
	err := row.Scan(&t.ID, &t.OrgID, &t.OrgName, &t.Name, &scopes, &t.CreatedBy, &t.CreatedAt, &used, &revoked)
	t.Scopes = strings.Fields(scopes)
	t.LastUsedAt, t.RevokedAt = timeOf(used), timeOf(revoked)
	return t, err
}

// APITokens lists every token, newest first.
func (db *DB) APITokens(ctx context.Context) ([]APIToken, error) {
	rows, err := db.query(ctx, `SELECT `+tokenColumns+tokenFrom+` ORDER BY t.id DESC`)
	if err != nil {
		return nil, fmt.Errorf("listing tokens: %w", err)
	}
	defer rows.Close()
	var out []APIToken
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, fmt.Errorf("reading token: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// TokenByHash finds a live (unrevoked) token, or Unauthorised.
func (db *DB) TokenByHash(ctx context.Context, hash string) (APIToken, error) {
	t, err := scanToken(db.queryRow(ctx, `SELECT `+tokenColumns+tokenFrom+` WHERE t.token_hash = $1`, hash))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && t.Revoked()) {
		return t, problem.New(problem.Unauthorised, "The API token is not valid")
	}
	if err != nil {
		return t, fmt.Errorf("reading token: %w", err)
	}
	return t, nil
}

// TouchToken records a token's use (not audited: the referral it delivers is).
func (db *DB) TouchToken(ctx context.Context, id int64, at time.Time) error {
	if _, err := db.exec(ctx, `UPDATE api_tokens SET last_used_at = $1 WHERE id = $2`, at.UTC(), id); err != nil {
		return fmt.Errorf("recording token use: %w", err)
	}
	return nil
}

// RevokeAPIToken stops a token working.
func (tx *Tx) RevokeAPIToken(id int64) error {
	res, err := tx.exec(`UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL`, tx.now, id)
	if err != nil {
		return fmt.Errorf("revoking token: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return problem.New(problem.NotFound, "There is no active token with that id")
	}
	tx.Audit("token.revoke", "api_token", id, 0, "")
	return nil
}
