package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/cradle-org/cradle/internal/audit"
	"github.com/cradle-org/cradle/internal/match"
	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/retention"
)

// RawExec lets tests tamper with rows behind the store's back.
func (db *DB) RawExec(ctx context.Context, q string, args ...any) error {
	_, err := db.exec(ctx, q, args...)
	return err
}

// RawConn is one of the pool's connections, held until closed, for tests
// that run two transactions of their own side by side.
func (db *DB) RawConn(ctx context.Context) (*sql.Conn, error) { return db.sql.Conn(ctx) }

// RawString reads one string column, for checking what is stored.
func (db *DB) RawString(ctx context.Context, q string, args ...any) (string, error) {
	var s string
	err := db.queryRow(ctx, q, args...).Scan(&s)
	return s, err
}

// CaseloadUncached is CaseloadCapped read afresh, as a server just started
// would: what the cached caseload must equal.
func (db *DB) CaseloadUncached(ctx context.Context, actor policy.Actor) ([]CaseloadEntry, bool, error) {
	return db.caseload(ctx, actor, &caseloadCache{}, nil)
}

// CaseloadKept is how many families' caseload entries this DB keeps.
func (db *DB) CaseloadKept() int {
	db.caseloads.mu.Lock()
	defer db.caseloads.mu.Unlock()
	return len(db.caseloads.m)
}

func (db *DB) Rebind(q string) string { return db.rebind(q) }

// MatchKeys are the person_match_keys rows an identity is indexed under.
func (db *DB) MatchKeys(id match.Identity) [][2]string { return db.matchKeys(id) }

// WithAfterRead sets the rotation's test hook, run between reading a batch
// and writing it back.
func WithAfterRead(o RotateOptions, f func(SealedColumn)) RotateOptions {
	o.afterRead = f
	return o
}

// OpenAll opens every sealed value in the database, keyed by column and
// row: the store's plaintext as a whole, to compare before and after a
// rotation.
func (db *DB) OpenAll(ctx context.Context) (map[string]string, error) {
	out := map[string]string{}
	for _, c := range SealedColumns() {
		q := `SELECT ` + strings.Join(c.Key, ", ") + `, ` + c.Column + ` FROM ` + c.Table
		if c.Where != "" {
			q += ` WHERE ` + c.Where
		}
		rows, err := db.query(ctx, q)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			r, err := scanSealed(rows, len(c.Key))
			if err != nil {
				rows.Close() // #nosec G104 -- test helper; the scan error is reported
				return nil, err
			}
			key, v := r.key, r.old
			plain, err := db.open(c.contextOf(key), v)
			if err != nil {
				rows.Close() // #nosec G104 -- test helper; the scan error is reported
				return nil, fmt.Errorf("%s %s: %w", c.Name(), keyText(c.Key, key), err)
			}
			out[c.Name()+" "+keyText(c.Key, key)] = plain
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// SchemaColumns lists every column of every table in the migrated schema
// as "table.column".
func (db *DB) SchemaColumns(ctx context.Context) ([]string, error) {
	q := `SELECT m.name || '.' || p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table' ORDER BY 1`
	if db.dialect == Postgres {
		q = `SELECT table_name || '.' || column_name FROM information_schema.columns WHERE table_schema = current_schema() ORDER BY 1`
	}
	rows, err := db.query(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// PrimaryKey lists a table's primary-key columns in key order.
func (db *DB) PrimaryKey(ctx context.Context, table string) ([]string, error) {
	q := `SELECT name FROM pragma_table_info($1) WHERE pk > 0 ORDER BY pk`
	if db.dialect == Postgres {
		q = `SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
			WHERE i.indrelid = $1::regclass AND i.indisprimary ORDER BY array_position(i.indkey, a.attnum)`
	}
	rows, err := db.query(ctx, q, table)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// EveryValueAsText reads every column of every table as text (PostgreSQL:
// what a person with SQL access, or a dump, sees), calling fn with each
// non-null value and where it came from.
func (db *DB) EveryValueAsText(ctx context.Context, fn func(column, value string)) error {
	cols, err := db.SchemaColumns(ctx)
	if err != nil {
		return err
	}
	for _, tc := range cols {
		table, col, _ := strings.Cut(tc, ".")
		rows, err := db.query(ctx, `SELECT CAST("`+col+`" AS TEXT) FROM "`+table+`" WHERE "`+col+`" IS NOT NULL`)
		if err != nil {
			return fmt.Errorf("%s: %w", tc, err)
		}
		for rows.Next() {
			var v string
			if err := rows.Scan(&v); err != nil {
				rows.Close() // #nosec G104 -- test helper; the scan error is reported
				return fmt.Errorf("%s: %w", tc, err)
			}
			fn(tc, v)
		}
		if err := rows.Close(); err != nil {
			return err
		}
	}
	return nil
}

// SealClearFields runs migration 11's sealing step again, as it ran on a
// database that held clear values.
func (db *DB) SealClearFields(ctx context.Context) error {
	return db.runStep(ctx, db.sealClearFields)
}

// CachedStatements counts the prepared statements kept (SQLite only).
func (db *DB) CachedStatements() int {
	if db.stmts == nil {
		return 0
	}
	db.stmts.mu.RLock()
	defer db.stmts.mu.RUnlock()
	return len(db.stmts.m)
}

// ViewsUnderWay is how many views the audit writer counts as still reading.
func (db *DB) ViewsUnderWay() int64 { return db.audits.viewing.Load() }

// RetentionListUnbounded is RetentionList for a DSL worked out from every
// closed record, as before retention.ListBounds: what the bounded list
// must equal.
func (db *DB) RetentionListUnbounded(ctx context.Context, s retention.Schedule) ([]RetentionItem, error) {
	var out []RetentionItem
	err := db.View(ctx, func(tx *Tx) error {
		items, err := tx.retentionItems(s, retentionScope{})
		for _, it := range items {
			if it.State.Listed() {
				out = append(out, it)
			}
		}
		tx.Audit("test", "", 0, 0, "")
		return err
	})
	return out, err
}

// FillReferralStatuses runs migration 26's Go step again, as an upgrade
// does, on the referrals whose clear status is NULL.
func (db *DB) FillReferralStatuses(ctx context.Context) error {
	return db.runStep(ctx, db.fillReferralStatuses)
}

// AuditCount counts the audit log's entries as the transaction sees them.
func (tx *Tx) AuditCount() (int64, error) {
	var n int64
	err := tx.q().QueryRowContext(tx.ctx, `SELECT COUNT(*) FROM audit_log`).Scan(&n)
	return n, err
}

// AuditMAC is an entry's keyed hash, for a test playing someone who has
// the deployment's key as well as the database.
func (db *DB) AuditMAC(a audit.Anchor) string { return db.auditMAC(a) }

// KeyAuditHead runs migration 28's Go step again, as an upgrade would over
// a log written before keyed hashes.
func (db *DB) KeyAuditHead(ctx context.Context) error {
	return db.runStep(ctx, db.keyAuditHead)
}

// SealColumnOnly seals a value as versions before migration 29 (or 30,
// for its tables) sealed every value: bound to its column (context) only.
func (db *DB) SealColumnOnly(context, plain string) (string, error) { return db.seal(context, plain) }

// BindSealsToRows runs the Go steps of migrations 29 and 30 again, as an
// upgrade would over values sealed to their column only.
func (db *DB) BindSealsToRows(ctx context.Context) error {
	return db.runStep(ctx, db.bindSealsToRows(append(append([]string(nil), boundAt29...), boundAt30...)))
}

// runStep runs a migration's Go step in a transaction of its own, as the
// migration ran it.
func (db *DB) runStep(ctx context.Context, step func(context.Context, *sql.Tx) error) error {
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := step(ctx, tx); err != nil {
		return err
	}
	return tx.Commit()
}

// SealedRow is a row's sealed value in one column, with the row's key.
type SealedRow struct {
	Key   []any
	Value string
}

// SealedRows lists the column's values that are set, in key order.
func (db *DB) SealedRows(ctx context.Context, c SealedColumn) ([]SealedRow, error) {
	q := `SELECT ` + strings.Join(c.Key, ", ") + `, ` + c.Column + ` FROM ` + c.Table + ` WHERE ` + c.Column + ` <> ''`
	if c.Where != "" {
		q += ` AND ` + c.Where
	}
	rows, err := db.query(ctx, q+` ORDER BY `+strings.Join(c.Key, ", "))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []SealedRow
	for rows.Next() {
		r, err := scanSealed(rows, len(c.Key))
		if err != nil {
			return nil, err
		}
		out = append(out, SealedRow{Key: r.key, Value: r.old})
	}
	return out, rows.Err()
}

// SetSealed writes a value into the column of the row whose key is key, as
// someone with write access to the database could.
func (db *DB) SetSealed(ctx context.Context, c SealedColumn, key []any, value string) error {
	_, err := db.exec(ctx, `UPDATE `+c.Table+` SET `+c.Column+` = $1 WHERE `+c.keyIs(2), append([]any{value}, key...)...)
	return err
}

// ContextOf is the seal context of the column's value in the row whose key
// is key.
func (c SealedColumn) ContextOf(key []any) string { return c.contextOf(key) }

// OpenUnder opens a sealed value under the context given.
func (db *DB) OpenUnder(context, value string) (string, error) { return db.open(context, value) }

// BoundAt30 reports whether migration 30 bound table's values to their rows.
func BoundAt30(table string) bool { return slices.Contains(boundAt30, table) }

// BoundFromStart reports whether the column's values were bound to their rows
// from its first value, with no migration step to bind them.
func BoundFromStart(c SealedColumn) bool {
	return slices.Contains(boundFromStart, c.Table) || slices.Contains(columnsBoundFromStart, c.Name())
}

// LinkReferralMail runs migration 32's Go step again, as an upgrade would
// over messages queued before it.
func (db *DB) LinkReferralMail(ctx context.Context) error {
	return db.runStep(ctx, db.linkReferralMail)
}

// LinkConcernMail runs migration 35's Go step again, as an upgrade would
// over alerts queued before it.
func (db *DB) LinkConcernMail(ctx context.Context) error {
	return db.runStep(ctx, db.linkConcernMail)
}

// IncidentDates is the risk history's incidents for a parent, as the MARAC
// criteria count them.
func (db *DB) IncidentDates(ctx context.Context, personID int64) (int, error) {
	var n int
	err := db.View(ctx, func(tx *Tx) error {
		h, err := tx.riskHistory(personID)
		n = len(h.Incidents)
		tx.Audit("test.read", "person", personID, 0, "risk history")
		return err
	})
	return n, err
}

// MigrateThrough applies the migrations up to and including version last,
// for a test of a later migration's backfill on rows written before it.
func (db *DB) MigrateThrough(ctx context.Context, last int) error {
	ms, err := Migrations(db.dialect)
	if err != nil {
		return err
	}
	if _, err := db.exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		name       TEXT NOT NULL,
		applied_at TIMESTAMP NOT NULL)`); err != nil {
		return err
	}
	for _, m := range ms {
		if m.Version > last {
			break
		}
		if _, err := db.applyMigration(ctx, m); err != nil {
			return fmt.Errorf("migration %s: %w", m.Name, err)
		}
	}
	return nil
}
