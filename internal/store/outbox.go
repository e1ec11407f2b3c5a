package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/problem"
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
	return tx.queueMail(kind, to, subject, text, headers, mailAbout{})
}

// QueueReferralMail is QueueMail for a message to a referral's referrer
// (its acknowledgement, a decision, a question), linked to the referral so
// that its page shows whether the message went (ReferralRecord.Messages).
func (tx *Tx) QueueReferralMail(referralID int64, kind, to, subject, text string) error {
	return tx.queueMail(kind, to, subject, text, nil, mailAbout{referral: referralID})
}

// QueueConcernMail is QueueMail for an alert about a safeguarding concern
// to a safeguarding lead (or, once it is overdue, a team manager), linked
// to the concern so that its page shows whether the alerts went
// (ConcernRecord.Alerts).
func (tx *Tx) QueueConcernMail(concernID int64, kind, to, subject, text string) error {
	return tx.queueMail(kind, to, subject, text, nil, mailAbout{concern: concernID})
}

// mailAbout is the record a message is about, if any: its page lists it.
type mailAbout struct{ referral, concern int64 }

func (tx *Tx) queueMail(kind, to, subject, text string, headers map[string]string, about mailAbout) error {
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
	if _, err := tx.exec(`INSERT INTO outbox (id, kind, recipient_sealed, subject, body_sealed, headers, status, attempts, next_attempt_at, created_at, referral_id, concern_id)
		VALUES ($1, $2, $3, $4, $5, $6, 'pending', 0, $7, $7, $8, $9)`, id, kind, rcpt, subject, body, hdrs, tx.now, nullID(about.referral), nullID(about.concern)); err != nil {
		return fmt.Errorf("queueing mail: %w", err)
	}
	tx.Audit("mail.queue", "outbox", id, 0, kind)
	return nil
}

// ClaimMail leases up to limit due messages until now+lease. Several
// instances may call it at once: PostgreSQL skips rows another instance has
// locked, SQLite runs one writer at a time; either way each message is
// leased to one worker. givenUp, if not nil, is called with the id of each
// message it gave up on because it did not open, for the caller to log: an
// operator watches the logs, not the audit log.
func (db *DB) ClaimMail(ctx context.Context, now time.Time, limit int, lease time.Duration, givenUp func(id int64)) ([]OutboxItem, error) {
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
// the referral as acknowledged (its first, should there be two), and its
// decision's email the decision as told.
func (db *DB) MarkMailSent(ctx context.Context, id int64, now time.Time) error {
	return db.Update(ctx, func(tx *Tx) error {
		if _, err := tx.exec(`UPDATE outbox SET status = 'sent', sent_at = $1, leased_until = NULL, attempts = attempts + 1 WHERE id = $2`, now.UTC(), id); err != nil {
			return fmt.Errorf("marking mail sent: %w", err)
		}
		if _, err := tx.exec(`UPDATE referrals SET acknowledged_at = $1
			WHERE acknowledged_at IS NULL AND id = (SELECT referral_id FROM outbox WHERE id = $2 AND kind = 'referral_ack')`, now.UTC(), id); err != nil {
			return fmt.Errorf("recording the referral acknowledged: %w", err)
		}
		if _, err := tx.exec(`UPDATE referrals SET decision_told_at = $1
			WHERE decision_told_at IS NULL AND id = (SELECT referral_id FROM outbox WHERE id = $2 AND kind = 'referral_outcome')`, now.UTC(), id); err != nil {
			return fmt.Errorf("recording the referral's decision told: %w", err)
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
	return db.mailCounts(ctx, querier{db: db})
}

// mailCounts counts the outbox's messages by status, through q (the
// database, or a transaction).
func (db *DB) mailCounts(ctx context.Context, q rowQuerier) (map[string]int, error) {
	rows, err := q.QueryContext(ctx, `SELECT status, COUNT(*) FROM outbox GROUP BY status`)
	if err != nil {
		return nil, fmt.Errorf("counting mail: %w", err)
	}
	out := map[string]int{}
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, dropRows(rows, fmt.Errorf("counting mail: %w", err))
		}
		out[st] = n
	}
	if err := doneRows(rows); err != nil {
		return nil, fmt.Errorf("counting mail: %w", err)
	}
	return out, nil
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

// UnsentMail is a message that has not gone, as the administrators' email
// page shows it: what it was and why it has not gone, never its recipient
// or text (the subjects name records only by reference).
type UnsentMail struct {
	ID         int64
	Kind       string
	Subject    string
	Status     string // pending (tried and waiting to be tried again) or failed (given up on)
	Attempts   int
	LastError  string
	QueuedAt   time.Time
	NextTry    time.Time // a pending message's
	ReferralID int64     // the referral it is about, if any
	// Resendable: a failed message that can be sent again; why not, if not.
	Resendable bool
	NotWhy     string
}

// UnsentMailLimit is the most messages UnsentMail lists.
const UnsentMailLimit = 200

// UnsentMail lists, newest first, the messages given up on and those tried
// and waiting to be tried again, with the outbox's counts by status, for an
// actor the policy lets manage mail. The read is audited.
func (db *DB) UnsentMail(ctx context.Context, actor policy.Actor) ([]UnsentMail, map[string]int, error) {
	if d := policy.Decide(actor, policy.ManageMail, policy.Target{}, db.Now()); !d.Allowed {
		return nil, nil, d.Err()
	}
	var out []UnsentMail
	var counts map[string]int
	err := db.View(ctx, func(tx *Tx) error {
		var err error
		if counts, err = db.mailCounts(tx.ctx, tx.q()); err != nil {
			return err
		}
		err = tx.each(`SELECT id, kind, subject, status, attempts, last_error, created_at, next_attempt_at, COALESCE(referral_id, 0), recipient_sealed <> ''
			FROM outbox WHERE status = 'failed' OR (status = 'pending' AND attempts > 0) ORDER BY id DESC LIMIT $1`, []any{UnsentMailLimit},
			func(rows *sql.Rows) error {
				var m UnsentMail
				var hasRecipient bool
				if err := rows.Scan(&m.ID, &m.Kind, &m.Subject, &m.Status, &m.Attempts, &m.LastError, &m.QueuedAt, &m.NextTry, &m.ReferralID, &hasRecipient); err != nil {
					return err
				}
				m.QueuedAt, m.NextTry = m.QueuedAt.UTC(), m.NextTry.UTC()
				if m.Status == "failed" {
					m.NotWhy = notResendable(m.LastError, hasRecipient)
					m.Resendable = m.NotWhy == ""
				}
				out = append(out, m)
				return nil
			})
		if err != nil {
			return fmt.Errorf("listing unsent mail: %w", err)
		}
		tx.Audit("mail.list", "outbox", 0, 0, fmt.Sprintf("%d messages not sent listed", len(out)))
		return nil
	})
	return out, counts, err
}

// notResendable says why a failed message cannot be sent again: its
// recipient and text were cleared (ClearOldMail), or they do not open.
func notResendable(lastError string, hasRecipient bool) string {
	switch {
	case lastError == alteredMail:
		return "It was altered or damaged after it was queued."
	case !hasRecipient:
		return "Its recipient and text have been cleared, 30 days after it was given up on."
	}
	return ""
}

// ResendMail puts a message given up on back in the queue, to be tried
// now with a fresh count of attempts (after, say, the mail server's
// settings were mended), for an actor the policy lets manage mail. It is
// audited; a message that cannot be sent again is refused with why.
func (db *DB) ResendMail(ctx context.Context, actor policy.Actor, id int64) error {
	if d := policy.Decide(actor, policy.ManageMail, policy.Target{}, db.Now()); !d.Allowed {
		return d.Err()
	}
	return db.Update(ctx, func(tx *Tx) error {
		var status, lastError string
		var hasRecipient bool
		err := tx.queryRow(`SELECT status, last_error, recipient_sealed <> '' FROM outbox WHERE id = $1`, id).Scan(&status, &lastError, &hasRecipient)
		if errors.Is(err, sql.ErrNoRows) {
			return problem.New(problem.NotFound, "There is no such message")
		}
		if err != nil {
			return fmt.Errorf("reading message %d: %w", id, err)
		}
		if status != "failed" {
			return problem.New(problem.Conflict, "This message has not been given up on, so it cannot be sent again: it is %s", map[string]string{"pending": "waiting to be sent", "sent": "already sent"}[status])
		}
		if why := notResendable(lastError, hasRecipient); why != "" {
			return problem.New(problem.Conflict, "This message cannot be sent again. %s", why)
		}
		if _, err := tx.exec(`UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = $1, leased_until = NULL WHERE id = $2 AND status = 'failed'`, tx.now, id); err != nil {
			return fmt.Errorf("queueing message %d again: %w", id, err)
		}
		tx.Audit("mail.resend", "outbox", id, 0, "")
		return nil
	})
}
