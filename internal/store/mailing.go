package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/cradle-org/cradle/internal/problem"
)

// The mailing list is kept apart from family data: its own table, its own
// key contexts, and no link to any person record.

// Subscriber is a mailing-list entry.
type Subscriber struct {
	ID             int64
	Email          string
	Name           string
	ConfirmedAt    time.Time
	UnsubscribedAt time.Time
	CreatedAt      time.Time
}

// Subscription is what a sign-up needs to email: where to, and the links.
type Subscription struct {
	ID           int64
	ConfirmToken string // shown once, in the confirmation email
}

// UnsubscribeToken is the token in every message's unsubscribe link: a keyed
// hash of the subscriber id, so it needs no storage and cannot be guessed.
func (db *DB) UnsubscribeToken(id int64) string {
	return db.index("mailing.unsubscribe", strconv.FormatInt(id, 10))
}

// Subscribe records a sign-up, or refreshes an unconfirmed or unsubscribed
// one, with a new confirmation token (stored hashed) expiring at expires.
// confirmed reports an address that is already subscribed: the caller sends
// nothing, but says the same to the visitor, so the page does not reveal who
// is on the list.
func (tx *Tx) Subscribe(email, name, tokenHash string, expires time.Time) (id int64, confirmed bool, err error) {
	idx := tx.db.index("mailing.email", email)
	var confirmedAt, unsubAt sql.NullTime
	err = tx.queryRow(`SELECT id, confirmed_at, unsubscribed_at FROM mailing_list WHERE email_hash = $1`, idx).Scan(&id, &confirmedAt, &unsubAt)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		if id, err = tx.newID("mailing_list"); err != nil {
			return 0, false, err
		}
		sealedEmail, err := tx.db.seal(rowContext("mailing_list.email", id), email)
		if err != nil {
			return 0, false, err
		}
		sealedName, err := tx.db.seal(rowContext("mailing_list.name", id), name)
		if err != nil {
			return 0, false, err
		}
		if _, err := tx.exec(`INSERT INTO mailing_list (id, email_hash, email_sealed, name_sealed, confirm_token_hash, confirm_expires_at, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, id, idx, sealedEmail, sealedName, tokenHash, expires.UTC(), tx.now); err != nil {
			return 0, false, fmt.Errorf("adding subscriber: %w", err)
		}
	case err != nil:
		return 0, false, fmt.Errorf("finding subscriber: %w", err)
	case confirmedAt.Valid && !unsubAt.Valid:
		tx.Audit("mailing.subscribe.repeat", "subscriber", id, 0, "")
		return id, true, nil
	default:
		sealedName, err := tx.db.seal(rowContext("mailing_list.name", id), name)
		if err != nil {
			return 0, false, err
		}
		if _, err := tx.exec(`UPDATE mailing_list SET name_sealed = $1, confirm_token_hash = $2, confirm_expires_at = $3,
			confirmed_at = NULL, unsubscribed_at = NULL WHERE id = $4`, sealedName, tokenHash, expires.UTC(), id); err != nil {
			return 0, false, fmt.Errorf("renewing subscriber: %w", err)
		}
	}
	tx.Audit("mailing.subscribe", "subscriber", id, 0, "")
	return id, false, nil
}

// ConfirmSubscription confirms the sign-up whose token hash this is.
func (tx *Tx) ConfirmSubscription(tokenHash string) error {
	var id int64
	var expires sql.NullTime
	err := tx.queryRow(`SELECT id, confirm_expires_at FROM mailing_list WHERE confirm_token_hash = $1 AND confirm_token_hash <> ''`, tokenHash).Scan(&id, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return problem.New(problem.NotFound, "This link is not valid, or it has already been used")
	}
	if err != nil {
		return fmt.Errorf("finding subscription: %w", err)
	}
	if !expires.Valid || tx.now.After(expires.Time) {
		return problem.New(problem.Invalid, "This link has expired. Sign up again and we will send you a new one")
	}
	if _, err := tx.exec(`UPDATE mailing_list SET confirmed_at = $1, confirm_token_hash = '', unsubscribed_at = NULL WHERE id = $2`, tx.now, id); err != nil {
		return fmt.Errorf("confirming subscription: %w", err)
	}
	tx.Audit("mailing.confirm", "subscriber", id, 0, "")
	return nil
}

// Unsubscribe removes a subscriber from the list if the token is theirs.
func (tx *Tx) Unsubscribe(id int64, token string) error {
	if token == "" || token != tx.db.UnsubscribeToken(id) {
		return problem.New(problem.NotFound, "This unsubscribe link is not valid")
	}
	if _, err := tx.exec(`UPDATE mailing_list SET unsubscribed_at = COALESCE(unsubscribed_at, $1), confirm_token_hash = '' WHERE id = $2`, tx.now, id); err != nil {
		return fmt.Errorf("unsubscribing: %w", err)
	}
	tx.Audit("mailing.unsubscribe", "subscriber", id, 0, "")
	return nil
}

// MailingCounts reports the list: pending confirmation, confirmed, unsubscribed.
func (db *DB) MailingCounts(ctx context.Context) (pending, confirmed, unsubscribed int, err error) {
	err = db.queryRow(ctx, `SELECT
		COALESCE(SUM(CASE WHEN confirmed_at IS NULL AND unsubscribed_at IS NULL THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN confirmed_at IS NOT NULL AND unsubscribed_at IS NULL THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN unsubscribed_at IS NOT NULL THEN 1 ELSE 0 END), 0)
		FROM mailing_list`).Scan(&pending, &confirmed, &unsubscribed)
	if err != nil {
		err = fmt.Errorf("counting subscribers: %w", err)
	}
	return
}

// ConfirmedSubscribers lists confirmed, still-subscribed people, oldest
// first. Reading the list is audited by the caller's transaction.
func (tx *Tx) ConfirmedSubscribers() ([]Subscriber, error) {
	rows, err := tx.query(`SELECT id, email_sealed, name_sealed, confirmed_at, created_at FROM mailing_list
		WHERE confirmed_at IS NOT NULL AND unsubscribed_at IS NULL ORDER BY confirmed_at, id`)
	if err != nil {
		return nil, fmt.Errorf("listing subscribers: %w", err)
	}
	defer rows.Close()
	var out []Subscriber
	for rows.Next() {
		var s Subscriber
		var email, name string
		if err := rows.Scan(&s.ID, &email, &name, &s.ConfirmedAt, &s.CreatedAt); err != nil {
			return nil, fmt.Errorf("reading subscriber: %w", err)
		}
		if s.Email, err = tx.db.open(rowContext("mailing_list.email", s.ID), email); err != nil {
			return nil, err
		}
		if s.Name, err = tx.db.open(rowContext("mailing_list.name", s.ID), name); err != nil {
			return nil, err
		}
		s.ConfirmedAt, s.CreatedAt = s.ConfirmedAt.UTC(), s.CreatedAt.UTC()
		out = append(out, s)
	}
	return out, rows.Err()
}

// ForgetOldSignUps deletes the sign-ups whose confirmation link expired
// before cutoff unconfirmed (the person never joined the list), and clears
// the address and name of those who unsubscribed before cutoff, keeping
// the row without them so the list's counts stay true (signing up again
// makes a new one). Audited; it returns how many sign-ups it removed or
// cleared.
func (db *DB) ForgetOldSignUps(ctx context.Context, cutoff time.Time) (int64, error) {
	const expired = `confirmed_at IS NULL AND unsubscribed_at IS NULL AND confirm_expires_at < $1`
	const left = `unsubscribed_at < $1 AND (email_sealed <> '' OR name_sealed <> '')`
	var n int64
	err := db.sweep(ctx, `SELECT 1 FROM mailing_list WHERE (`+expired+`) OR (`+left+`)`, []any{cutoff.UTC()}, func(tx *Tx) error {
		res, err := tx.exec(`DELETE FROM mailing_list WHERE `+expired, cutoff.UTC())
		if err != nil {
			return fmt.Errorf("deleting expired sign-ups: %w", err)
		}
		deleted, _ := res.RowsAffected()
		// The address's keyed hash goes too: a placeholder unique to the row
		// keeps the column's uniqueness.
		res, err = tx.exec(`UPDATE mailing_list SET email_sealed = '', name_sealed = '', confirm_token_hash = '',
			email_hash = 'forgotten:' || CAST(id AS TEXT) WHERE `+left, cutoff.UTC())
		if err != nil {
			return fmt.Errorf("clearing unsubscribed addresses: %w", err)
		}
		cleared, _ := res.RowsAffected()
		n = deleted + cleared
		tx.Audit("mailing.forget", "subscriber", 0, 0, fmt.Sprintf("%d expired sign-ups deleted, %d unsubscribed addresses cleared", deleted, cleared))
		return nil
	})
	return n, err
}
