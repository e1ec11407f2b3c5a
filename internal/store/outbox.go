package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// OutboxItem is a queued email, opened for sending.
type OutboxItem struct {
	ID       int64
	Kind     string
	To       string
	Subject  string
	Text     string
	Headers  map[string]string
	Attempts int
}

// QueueMail adds an email to the outbox in the caller's transaction, so the
// message exists if and only if the change that caused it was saved.
// Recipient and body are sealed: they may be personal data.
func (tx *Tx) QueueMail(kind, to, subject, text string, headers map[string]string) error {
	return tx.queueMail(kind, to, subject, text, headers, nil)
}

// QueueReferralMail is QueueMail for a message to a referral's referrer
// (its acknowledgement, a decision, a question), linked to the referral so
// that its page shows whether the message went (ReferralRecord.Messages).
func (tx *Tx) QueueReferralMail(referralID int64, kind, to, subject, text string) error {
	return tx.queueMail(kind, to, subject, text, nil, referralID)
}

func (tx *Tx) queueMail(kind, to, subject, text string, headers map[string]string, referralID any) error {
	// Sealed to the message's row, so that someone who can write to the
	// database cannot send one message's text to another's recipient.
	id, err := tx.newID("outbox")
	if err != nil {
		return err
	}
	rcpt, err := tx.db.seal(rowContext("outbox.recipient", id), to)
	if err != nil {
		return err
	}
	body, err := tx.db.seal(rowContext("outbox.body", id), text)
	if err != nil {
		return err
	}
	hdrs := ""
	if len(headers) > 0 {
		b, err := json.Marshal(headers)
		if err != nil {
			return fmt.Errorf("encoding mail headers: %w", err)
		}
		hdrs = string(b)
	}
	if _, err := tx.exec(`INSERT INTO outbox (id, kind, recipient_sealed, subject, body_sealed, headers, status, attempts, next_attempt_at, created_at, referral_id)
		VALUES ($1, $2, $3, $4, $5, $6, 'pending', 0, $7, $7, $8)`, id, kind, rcpt, subject, body, hdrs, tx.now, referralID); err != nil {
		return fmt.Errorf("queueing mail: %w", err)
	}
	tx.Audit("mail.queue", "outbox", id, 0, kind)
	return nil
}

// ClaimMail leases up to limit due messages until now+lease. Several
// instances may call it at once: PostgreSQL skips rows another instance has
// locked, SQLite runs one writer at a time; either way each message is
// leased to one worker.
func (db *DB) ClaimMail(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]OutboxItem, error) {
	return db.ClaimMailNoting(ctx, now, limit, lease, nil)
}

// ClaimMailNoting is ClaimMail, calling givenUp (if not nil) with the id
// of each message it gave up on because it did not open, for the caller
// to log: an operator watches the logs, not the audit log.
func (db *DB) ClaimMailNoting(ctx context.Context, now time.Time, limit int, lease time.Duration, givenUp func(id int64)) ([]OutboxItem, error) {
	lock := ""
	if db.dialect == Postgres {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	tx, err := db.beginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("claiming mail: %w", err)
	}
	defer tx.Rollback()
	now = now.UTC()
	rows, err := tx.QueryContext(ctx, db.rebind(`UPDATE outbox SET leased_until = $1
		WHERE id IN (SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= $2
			AND (leased_until IS NULL OR leased_until < $2) ORDER BY id LIMIT $3`+lock+`)
		RETURNING id, kind, recipient_sealed, subject, body_sealed, headers, attempts`), now.Add(lease), now, limit)
	if err != nil {
		return nil, fmt.Errorf("claiming mail: %w", err)
	}
	var out []OutboxItem
	var altered []int64
	for rows.Next() {
		var it OutboxItem
		var rcpt, body, hdrs string
		if err := rows.Scan(&it.ID, &it.Kind, &rcpt, &it.Subject, &body, &hdrs, &it.Attempts); err != nil {
			return nil, dropRows(rows, fmt.Errorf("reading claimed mail: %w", err))
		}
		it.To, err = db.open(rowContext("outbox.recipient", it.ID), rcpt)
		if err == nil {
			it.Text, err = db.open(rowContext("outbox.body", it.ID), body)
		}
		if errors.Is(err, ErrAltered) {
			// Damaged, or moved here from another message: never sent, and
			// given up on below rather than failing every claim after it
			// (the outbox is claimed oldest first).
			altered = append(altered, it.ID)
			continue
		}
		if err != nil {
			return nil, dropRows(rows, err)
		}
		if hdrs != "" {
			if err := json.Unmarshal([]byte(hdrs), &it.Headers); err != nil {
				return nil, dropRows(rows, fmt.Errorf("reading mail headers: %w", err))
			}
		}
		out = append(out, it)
	}
	if err := doneRows(rows); err != nil {
		return nil, fmt.Errorf("claiming mail: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("claiming mail: %w", err)
	}
	for _, id := range altered {
		if err := db.Update(ctx, func(tx *Tx) error {
			if err := tx.failMail(id, alteredMail, now, true); err != nil {
				return err
			}
			tx.Audit("seal.altered", "outbox", id, 0, alteredMail)
			return nil
		}); err != nil {
			return nil, err
		}
		if givenUp != nil {
			givenUp(id)
		}
	}
	return out, nil
}

// alteredMail is why a message whose recipient or text does not open was
// given up on: it was altered, or damaged, since it was queued, and sending
// it could send one message's text to another's recipient.
const alteredMail = "The stored message cannot be opened: it was altered or damaged after it was queued, so it was not sent"

// MarkMailSent records delivery to the mail server; sending is a
// disclosure, so it is audited. A referral's acknowledgement sent records
// the referral as acknowledged (its first, should there be two).
func (db *DB) MarkMailSent(ctx context.Context, id int64, now time.Time) error {
	return db.Update(ctx, func(tx *Tx) error {
		if _, err := tx.exec(`UPDATE outbox SET status = 'sent', sent_at = $1, leased_until = NULL, attempts = attempts + 1 WHERE id = $2`, now.UTC(), id); err != nil {
			return fmt.Errorf("marking mail sent: %w", err)
		}
		if _, err := tx.exec(`UPDATE referrals SET acknowledged_at = $1
			WHERE acknowledged_at IS NULL AND id = (SELECT referral_id FROM outbox WHERE id = $2 AND kind = 'referral_ack')`, now.UTC(), id); err != nil {
			return fmt.Errorf("recording the referral acknowledged: %w", err)
		}
		tx.Audit("mail.sent", "outbox", id, 0, "")
		return nil
	})
}

// MarkMailFailed records a failed attempt: retry at next, or give up.
func (db *DB) MarkMailFailed(ctx context.Context, id int64, now time.Time, errText string, next time.Time, permanent bool) error {
	if len(errText) > 500 {
		errText = strings.ToValidUTF8(errText[:500], "")
	}
	return db.Update(ctx, func(tx *Tx) error {
		if err := tx.failMail(id, errText, next, permanent); err != nil {
			return err
		}
		action := "mail.retry"
		if permanent {
			action = "mail.failed"
		}
		tx.Audit(action, "outbox", id, 0, "")
		return nil
	})
}

// failMail records a failed attempt at a message: to be tried again at
// next, or (permanent) given up on. The caller audits it.
func (tx *Tx) failMail(id int64, errText string, next time.Time, permanent bool) error {
	status := "pending"
	if permanent {
		status = "failed"
	}
	if _, err := tx.exec(`UPDATE outbox SET status = $1, attempts = attempts + 1, last_error = $2, next_attempt_at = $3, leased_until = NULL WHERE id = $4`,
		status, errText, next.UTC(), id); err != nil {
		return fmt.Errorf("recording failed mail %d: %w", id, err)
	}
	return nil
}

// MailCounts reports the outbox by status, for operators and tests.
func (db *DB) MailCounts(ctx context.Context) (map[string]int, error) {
	rows, err := db.query(ctx, `SELECT status, COUNT(*) FROM outbox GROUP BY status`)
	if err != nil {
		return nil, fmt.Errorf("counting mail: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, err
		}
		out[s] = n
	}
	return out, rows.Err()
}

// ClearOldMail empties the recipient, text and headers of the messages
// sent, or given up on, before cutoff: the outbox is a queue, not an
// archive of what was written to parents and referrers. Each message's
// kind, subject, status and dates stay, for the mail counts and the audit
// entries that name it; a message still to be sent is never touched. The
// clearing is audited; it returns how many messages it cleared.
func (db *DB) ClearOldMail(ctx context.Context, cutoff time.Time) (int64, error) {
	const old = `((status = 'sent' AND sent_at < $1) OR (status = 'failed' AND created_at < $1))
		AND (recipient_sealed <> '' OR body_sealed <> '' OR headers <> '')`
	var n int64
	err := db.sweep(ctx, `SELECT 1 FROM outbox WHERE `+old, []any{cutoff.UTC()}, func(tx *Tx) error {
		res, err := tx.exec(`UPDATE outbox SET recipient_sealed = '', body_sealed = '', headers = '' WHERE `+old, cutoff.UTC())
		if err != nil {
			return fmt.Errorf("clearing old mail: %w", err)
		}
		n, _ = res.RowsAffected()
		tx.Audit("mail.cleared", "outbox", 0, 0, fmt.Sprintf("%d messages sent or given up on before %s", n, cutoff.UTC().Format(time.DateOnly)))
		return nil
	})
	return n, err
}

// sweep runs fn as an Update only when the query some finds a row: a
// periodic clearing with nothing to clear writes nothing, not even an
// audit entry.
func (db *DB) sweep(ctx context.Context, some string, args []any, fn func(tx *Tx) error) error {
	var found bool
	if err := db.queryRow(ctx, `SELECT EXISTS (`+some+`)`, args...).Scan(&found); err != nil {
		return fmt.Errorf("looking for what to clear: %w", err)
	}
	if !found {
		return nil
	}
	return db.Update(ctx, fn)
}
