package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/cradle-org/cradle/internal/referral"
)

// A self-referral is answered over several pages; the answers so far are
// kept sealed under a hash of a random token held in the visitor's cookie,
// and bound to it (keyContext), so that one visitor's answers copied under
// another's token do not open.

// SaveDraft stores the answers so far.
func (tx *Tx) SaveDraft(tokenHash string, r referral.Referral) error {
	b, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("encoding draft: %w", err)
	}
	sealed, err := tx.db.seal(keyContext("referral_drafts.content", tokenHash), string(b))
	if err != nil {
		return err
	}
	if _, err := tx.exec(`DELETE FROM referral_drafts WHERE token_hash = $1`, tokenHash); err != nil {
		return fmt.Errorf("saving draft: %w", err)
	}
	if _, err := tx.exec(`INSERT INTO referral_drafts (token_hash, content_sealed, created_at, updated_at) VALUES ($1, $2, $3, $3)`, tokenHash, sealed, tx.now); err != nil {
		return fmt.Errorf("saving draft: %w", err)
	}
	tx.Audit("referral.draft.save", "", 0, 0, "")
	return nil
}

// Draft reads the answers so far; ok is false when there are none (or they expired).
func (db *DB) Draft(ctx context.Context, tokenHash string, maxAge time.Duration) (r referral.Referral, ok bool, err error) {
	var sealed string
	var updated time.Time
	err = db.queryRow(ctx, `SELECT content_sealed, updated_at FROM referral_drafts WHERE token_hash = $1`, tokenHash).Scan(&sealed, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return r, false, nil
	}
	if err != nil {
		return r, false, fmt.Errorf("reading draft: %w", err)
	}
	if db.Now().Sub(updated.UTC()) > maxAge {
		return r, false, nil
	}
	plain, err := db.open(keyContext("referral_drafts.content", tokenHash), sealed)
	if err != nil {
		return r, false, err
	}
	if err := json.Unmarshal([]byte(plain), &r); err != nil {
		return r, false, fmt.Errorf("decoding draft: %w", err)
	}
	return r, true, nil
}

// DeleteDraft removes a draft (after submission).
func (tx *Tx) DeleteDraft(tokenHash string) error {
	if _, err := tx.exec(`DELETE FROM referral_drafts WHERE token_hash = $1`, tokenHash); err != nil {
		return fmt.Errorf("deleting draft: %w", err)
	}
	return nil
}

// DeleteOldDrafts removes drafts untouched since before cutoff: abandoned
// answers must not linger.
func (db *DB) DeleteOldDrafts(ctx context.Context, cutoff time.Time) (int64, error) {
	res, err := db.exec(ctx, `DELETE FROM referral_drafts WHERE updated_at < $1`, cutoff.UTC())
	if err != nil {
		return 0, fmt.Errorf("deleting old drafts: %w", err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}
