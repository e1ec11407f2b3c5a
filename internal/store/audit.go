package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/cradle-org/cradle/internal/audit"
	"github.com/cradle-org/cradle/internal/problem"
)

const auditColumns = `id, at, actor_id, actor, action, record_type, record_id, family_id, ip, request_id, detail, prev_hash, hash`

// scanAudit reads auditColumns, then into extra any columns after them.
func scanAudit(row interface{ Scan(...any) error }, extra ...any) (audit.Entry, error) {
	var e audit.Entry
	err := row.Scan(append([]any{&e.ID, &e.At, &e.ActorID, &e.Actor, &e.Action, &e.RecordType, &e.RecordID, &e.FamilyID, &e.IP, &e.RequestID, &e.Detail, &e.PrevHash, &e.Hash}, extra...)...)
	e.At = e.At.UTC()
	return e, err
}

// flushAudit chains and writes the transaction's audit entries. It runs last,
// just before commit, so the chain's lock is held as briefly as possible.
func (tx *Tx) flushAudit() error {
	prev, err := tx.auditHead()
	if err != nil {
		return err
	}
	chained := make([]audit.Entry, len(tx.pending))
	for i, e := range tx.pending {
		chained[i] = audit.Chain(prev, e)
		prev = &chained[i]
	}
	if err := tx.insertAudit(chained); err != nil {
		return fmt.Errorf("writing audit entries: %w", err)
	}
	tx.pending = nil
	return nil
}

// auditHead takes the chain for the rest of the transaction and reads its
// last entry (nil while the log is empty).
func (tx *Tx) auditHead() (*audit.Entry, error) {
	if tx.db.dialect == Postgres {
		// One writer at a time extends the chain; SQLite's IMMEDIATE
		// transactions already serialise writers.
		if _, err := tx.exec(`SELECT pg_advisory_xact_lock($1)`, lockAuditChain); err != nil {
			return nil, fmt.Errorf("locking audit chain: %w", err)
		}
	}
	last, err := scanAudit(tx.queryRow(`SELECT ` + auditColumns + ` FROM audit_log ORDER BY id DESC LIMIT 1`))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("reading audit chain head: %w", err)
	}
	return &last, nil
}

// insertAudit writes chained entries and the keyed hash of the last
// (auditMAC), which vouches for it and every entry before it. On PostgreSQL
// they go in one statement, each column an array (a batch of page views'
// entries is one round trip, not one each); on SQLite, in process, a
// prepared insert a row costs no round trip and keeps one statement text.
func (tx *Tx) insertAudit(es []audit.Entry) error {
	if len(es) == 0 {
		return nil
	}
	last := es[len(es)-1]
	mac := tx.db.auditMAC(audit.Anchor{ID: last.ID, Hash: last.Hash})
	if tx.db.dialect == Postgres {
		var ints [4][]int64 // id, actor_id, record_id, family_id
		var texts [8][]string
		ats := make([]time.Time, 0, len(es))
		for _, e := range es {
			for i, v := range []int64{e.ID, e.ActorID, e.RecordID, e.FamilyID} {
				ints[i] = append(ints[i], v)
			}
			for i, v := range []string{e.Actor, e.Action, e.RecordType, e.IP, e.RequestID, e.Detail, e.PrevHash, e.Hash} {
				texts[i] = append(texts[i], v)
			}
			ats = append(ats, e.At)
		}
		// The keyed hash's foreign key is checked at the statement's end,
		// after the entries' insert in the WITH.
		_, err := tx.exec(`WITH logged AS (
				INSERT INTO audit_log (id, at, actor_id, actor, action, record_type, record_id, family_id, ip, request_id, detail, prev_hash, hash)
				SELECT * FROM unnest(CAST($1 AS BIGINT[]), CAST($2 AS TIMESTAMPTZ[]), CAST($3 AS BIGINT[]), CAST($4 AS TEXT[]), CAST($5 AS TEXT[]),
					CAST($6 AS TEXT[]), CAST($7 AS BIGINT[]), CAST($8 AS BIGINT[]), CAST($9 AS TEXT[]), CAST($10 AS TEXT[]), CAST($11 AS TEXT[]),
					CAST($12 AS TEXT[]), CAST($13 AS TEXT[])))
			INSERT INTO audit_macs (entry_id, mac) VALUES ($14, $15)`,
			ints[0], ats, ints[1], texts[0], texts[1], texts[2], ints[2], ints[3], texts[3], texts[4], texts[5], texts[6], texts[7], last.ID, mac)
		return err
	}
	for _, e := range es {
		if _, err := tx.exec(`INSERT INTO audit_log (`+auditColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
			e.ID, e.At, e.ActorID, e.Actor, e.Action, e.RecordType, e.RecordID, e.FamilyID, e.IP, e.RequestID, e.Detail, e.PrevHash, e.Hash); err != nil {
			return err
		}
	}
	_, err := tx.exec(`INSERT INTO audit_macs (entry_id, mac) VALUES ($1, $2)`, last.ID, mac)
	return err
}

// auditMAC is an audit entry's keyed hash (audit.Verifier.Keyed): an HMAC
// of "ID:HASH" under the blind-index key, which is outside the database
// and never changes (rotation keeps it), so every keyed hash ever written
// still checks.
func (db *DB) auditMAC(a audit.Anchor) string { return db.index("audit_log.mac", a.String()) }

// keyAuditHead is migration 28's Go step: the log's head as it stands gets
// a keyed hash, so a log that was already there verifies keyed from now on
// (what was written before is vouched for as it is at the upgrade).
func (db *DB) keyAuditHead(ctx context.Context, tx *sql.Tx) error {
	var head audit.Anchor
	err := tx.QueryRowContext(ctx, `SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1`).Scan(&head.ID, &head.Hash)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading the audit log's head: %w", err)
	}
	if _, err := tx.ExecContext(ctx, db.rebind(`INSERT INTO audit_macs (entry_id, mac) VALUES ($1, $2)`), head.ID, db.auditMAC(head)); err != nil {
		return fmt.Errorf("writing the audit log head's keyed hash: %w", err)
	}
	return nil
}

// VerifyAudit walks the whole chain in order and returns the number of
// entries checked, or an *audit.BrokenError naming the first bad entry.
func (db *DB) VerifyAudit(ctx context.Context) (int64, error) {
	n, _, err := db.VerifyAuditAnchored(ctx, nil)
	return n, err
}

// VerifyAuditAnchored is VerifyAudit also checking anchors recorded outside
// the database (audit.Anchor), and returning the log's head, the anchor to
// record now.
func (db *DB) VerifyAuditAnchored(ctx context.Context, anchors []audit.Anchor) (int64, audit.Anchor, error) {
	rows, err := db.query(ctx, verifyAuditSQL)
	return db.verifyAuditRows(rows, err, anchors)
}

// verifyAuditSQL reads every entry in order with its keyed hash, if any.
const verifyAuditSQL = `SELECT ` + auditColumns + `, COALESCE(mac, '') FROM audit_log LEFT JOIN audit_macs ON entry_id = id ORDER BY id`

// verifyAuditTx checks the chain as a transaction sees it (a restore,
// before it commits).
func verifyAuditTx(tx *Tx) (int64, error) {
	rows, err := tx.query(verifyAuditSQL)
	n, _, err := tx.db.verifyAuditRows(rows, err, nil)
	return n, err
}

// verifyAuditRows checks the chain, the keyed hashes and the anchors.
func (db *DB) verifyAuditRows(rows *sql.Rows, err error, anchors []audit.Anchor) (int64, audit.Anchor, error) {
	if err != nil {
		return 0, audit.Anchor{}, fmt.Errorf("reading audit log: %w", err)
	}
	defer rows.Close()
	v := audit.NewVerifier(anchors).Keyed(db.auditMAC)
	for rows.Next() {
		var mac string
		e, err := scanAudit(rows, &mac)
		e.MAC = mac
		if err != nil {
			return v.Count(), v.Head(), fmt.Errorf("reading audit entry: %w", err)
		}
		if err := v.Next(e); err != nil {
			return v.Count(), v.Head(), err
		}
	}
	if err := rows.Err(); err != nil {
		return v.Count(), v.Head(), fmt.Errorf("reading audit log: %w", err)
	}
	return v.Count(), v.Head(), v.Finish()
}

// AuditAnchor is the log's last entry as an anchor, for the server to
// record outside the database (zero while the log is empty).
func (db *DB) AuditAnchor(ctx context.Context) (audit.Anchor, error) {
	var a audit.Anchor
	err := db.queryRow(ctx, `SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1`).Scan(&a.ID, &a.Hash)
	if errors.Is(err, sql.ErrNoRows) {
		return audit.Anchor{}, nil
	}
	if err != nil {
		return audit.Anchor{}, fmt.Errorf("reading the audit log's head: %w", err)
	}
	return a, nil
}

// AuditFilter selects audit entries; zero fields are not filtered on.
type AuditFilter struct {
	FamilyID   int64
	RecordType string
	RecordID   int64
	ActorID    int64
	Actions    []string // e.g. the read actions, for "who looked at this record"
	BeforeID   int64    // for paging backwards from the newest
	Limit      int
}

// FamilyIDByReference finds a family's id from its reference (any case),
// for filtering the audit log by it: the id alone, nothing about the
// family, so it is neither checked with the policy nor audited itself.
func (db *DB) FamilyIDByReference(ctx context.Context, ref string) (int64, error) {
	var id int64
	err := db.q().QueryRowContext(ctx, db.rebind(`SELECT id FROM families WHERE reference = $1`), strings.ToUpper(strings.TrimSpace(ref))).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, problem.New(problem.NotFound, "There is no family with that reference")
	}
	if err != nil {
		return 0, fmt.Errorf("finding a family by its reference: %w", err)
	}
	return id, nil
}

// AuditEntries lists entries newest first.
func (db *DB) AuditEntries(ctx context.Context, f AuditFilter) ([]audit.Entry, error) {
	q := `SELECT ` + auditColumns + ` FROM audit_log WHERE 1 = 1`
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if f.FamilyID != 0 {
		q += ` AND family_id = ` + arg(f.FamilyID)
	}
	if f.RecordType != "" {
		q += ` AND record_type = ` + arg(f.RecordType) + ` AND record_id = ` + arg(f.RecordID)
	}
	if f.ActorID != 0 {
		q += ` AND actor_id = ` + arg(f.ActorID)
	}
	if len(f.Actions) > 0 {
		q += ` AND action IN (`
		for i, a := range f.Actions {
			if i > 0 {
				q += `, `
			}
			q += arg(a)
		}
		q += `)`
	}
	if f.BeforeID != 0 {
		q += ` AND id < ` + arg(f.BeforeID)
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	q += ` ORDER BY id DESC LIMIT ` + arg(f.Limit)
	rows, err := db.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("listing audit entries: %w", err)
	}
	defer rows.Close()
	var out []audit.Entry
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return nil, fmt.Errorf("reading audit entry: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// RecordEvent writes a standalone audit entry (e.g. a failed sign-in, or a
// view of a list, which changes nothing else) and returns once it is
// committed, with those of other requests (see auditQueue).
func (db *DB) RecordEvent(ctx context.Context, action, recordType string, recordID, familyID int64, detail string) error {
	e := newEntry(audit.SourceFrom(ctx), db.Now().Truncate(time.Microsecond), action, recordType, recordID, familyID, detail)
	return db.audits.append(ctx, []audit.Entry{e})
}

// RecordRefusal audits a signed-in member of staff refused a record or a
// page (detail: what they asked for and why not), under the record's family
// when the record has one, so the family's "who looked at this record"
// shows who tried and was turned away. The family is looked up by id alone
// (recordType family, person, concern or task); a record that does not
// exist is recorded without one.
func (db *DB) RecordRefusal(ctx context.Context, recordType string, recordID int64, detail string) error {
	var family int64
	q := map[string]string{
		"family":  `SELECT id FROM families WHERE id = $1`,
		"person":  `SELECT family_id FROM people WHERE id = $1`,
		"concern": `SELECT COALESCE(family_id, 0) FROM safeguarding_concerns WHERE id = $1`,
		"task":    `SELECT COALESCE(family_id, 0) FROM tasks WHERE id = $1`,
	}[recordType]
	if q != "" && recordID > 0 {
		if err := db.queryRow(ctx, q, recordID).Scan(&family); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("finding the refused record's family: %w", err)
		}
	}
	return db.RecordEvent(ctx, "access.refused", recordType, recordID, family, detail)
}
