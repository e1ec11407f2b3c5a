package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
)

//go:embed migrations
var migrationFiles embed.FS

// Migration is one schema change: an ordered, append-only list per dialect.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// Migrations lists the dialect's migrations in order.
func Migrations(d Dialect) ([]Migration, error) {
	dir := path.Join("migrations", string(d))
	entries, err := fs.ReadDir(migrationFiles, dir)
	if err != nil {
		return nil, fmt.Errorf("reading migrations: %w", err)
	}
	var out []Migration
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".sql") {
			continue
		}
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration %s: name must start with a number and an underscore", name)
		}
		body, err := fs.ReadFile(migrationFiles, path.Join(dir, name))
		if err != nil {
			return nil, err
		}
		out = append(out, Migration{Version: v, Name: strings.TrimSuffix(name, ".sql"), SQL: string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	for i, m := range out {
		if m.Version != i+1 {
			return nil, fmt.Errorf("migration %s: expected version %d (versions run 1, 2, 3 … without gaps)", m.Name, i+1)
		}
	}
	return out, nil
}

// Migrate applies every migration not yet applied, each in its own
// transaction together with its row in schema_migrations, so a failure leaves
// the schema at the last complete version. It returns how many it applied.
func (db *DB) Migrate(ctx context.Context) (int, error) {
	ms, err := Migrations(db.dialect)
	if err != nil {
		return 0, err
	}
	if _, err := db.exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		name       TEXT NOT NULL,
		applied_at TIMESTAMP NOT NULL)`); err != nil {
		return 0, fmt.Errorf("creating schema_migrations: %w", err)
	}
	// A database a newer version has upgraded is refused, not used: this
	// version would not keep what the newer one's migrations need (values
	// sealed to their rows since 29, keyed audit hashes since 28), and what
	// it wrote might not be readable by the newer one.
	newest, err := db.SchemaVersion(ctx)
	if err != nil {
		return 0, err
	}
	if last := ms[len(ms)-1].Version; newest > last {
		return 0, &NewerSchemaError{Database: newest, Known: last}
	}
	applied := 0
	for _, m := range ms {
		done, err := db.applyMigration(ctx, m)
		if err != nil {
			return applied, fmt.Errorf("migration %s: %w", m.Name, err)
		}
		if done {
			applied++
		}
	}
	return applied, nil
}

func (db *DB) applyMigration(ctx context.Context, m Migration) (bool, error) {
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	if db.dialect == Postgres {
		// Two instances starting together must not both apply a migration.
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, lockMigrations); err != nil {
			return false, err
		}
	}
	var n int
	if err := tx.QueryRowContext(ctx, db.rebind(`SELECT COUNT(*) FROM schema_migrations WHERE version = $1`), m.Version).Scan(&n); err != nil {
		return false, err
	}
	if n > 0 {
		return false, nil
	}
	if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
		return false, err
	}
	if step := db.migrationSteps()[m.Version]; step != nil {
		if err := step(ctx, tx); err != nil {
			return false, err
		}
	}
	if _, err := tx.ExecContext(ctx, db.rebind(`INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`), m.Version, m.Name, db.Now()); err != nil {
		return false, err
	}
	return true, tx.Commit()
}

// NewerSchemaError is a database at a schema version this version of
// Cradle does not know: a newer version has upgraded it.
type NewerSchemaError struct{ Database, Known int }

func (e *NewerSchemaError) Error() string {
	return fmt.Sprintf("the database is at schema version %d, newer than this version of Cradle knows (%d): a newer version has upgraded it. Run that version (or newer), not this one", e.Database, e.Known)
}

// schemaVersion is the statement that reads the highest applied migration.
const schemaVersion = `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`

// SchemaVersion is the highest applied migration (0 for an empty database).
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := db.queryRow(ctx, schemaVersion).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("reading schema version: %w", err)
	}
	return v, nil
}

// migrationSteps are the Go parts of migrations, run in the migration's
// transaction after its SQL: work SQL cannot do, such as encrypting.
func (db *DB) migrationSteps() map[int]func(context.Context, *sql.Tx) error {
	return map[int]func(context.Context, *sql.Tx) error{
		11: db.sealClearFields,
		26: db.fillReferralStatuses,
		28: db.keyAuditHead,
		29: db.bindSealsToRows(boundAt29),
		30: db.bindSealsToRows(boundAt30),
		32: db.linkReferralMail,
		35: db.linkConcernMail,
		44: db.sealPasswordHashes,
		57: db.sealTopicsAndRecipients,
	}
}

// referenceIn finds a referral's reference in a message's subject.
var referenceIn = regexp.MustCompile(`REF-[0-9]{4}-[0-9]{6,}`)

// linkReferralMail is migration 32's Go step: each message about a referral
// queued before it is linked to its referral by the reference its subject
// names (the subjects have always named it; one that does not stays
// unlinked), and each referral whose acknowledgement was sent is recorded
// as acknowledged then.
func (db *DB) linkReferralMail(ctx context.Context, tx *sql.Tx) error {
	err := db.linkMessages(ctx, tx, `SELECT id, subject FROM outbox
		WHERE referral_id IS NULL AND kind IN ('referral_ack', 'referral_outcome', 'referral_more_info')`,
		func(_ int64, subject string) (any, bool) {
			ref := referenceIn.FindString(subject)
			return ref, ref != ""
		}, `UPDATE outbox SET referral_id = (SELECT r.id FROM referrals r WHERE r.reference = $1) WHERE id = $2`)
	if err != nil {
		return err
	}
	const sentAck = `FROM outbox o WHERE o.referral_id = referrals.id AND o.kind = 'referral_ack' AND o.status = 'sent'`
	if _, err := tx.ExecContext(ctx, `UPDATE referrals SET acknowledged_at = (SELECT MIN(o.sent_at) `+sentAck+`)
		WHERE acknowledged_at IS NULL AND EXISTS (SELECT 1 `+sentAck+`)`); err != nil {
		return fmt.Errorf("recording acknowledgements: %w", err)
	}
	return nil
}

// concernLinkIn finds the link to a concern in an alert's text.
var concernLinkIn = regexp.MustCompile(`/concerns/([0-9]+)`)

// linkConcernMail is migration 35's Go step: each alert or overdue
// reminder about a concern queued before it whose text is still held
// (ClearOldMail empties it 30 days after sending) is linked to the concern
// its link names. A text that does not open (altered), or names no concern
// that exists, stays unlinked: the concern's page then counts only the
// alerts it shows in Cradle. If none opens, the keys are not the
// database's: the migration fails, to run again with the right ones.
func (db *DB) linkConcernMail(ctx context.Context, tx *sql.Tx) error {
	held, opened := 0, 0
	err := db.linkMessages(ctx, tx, `SELECT id, body_sealed FROM outbox
		WHERE concern_id IS NULL AND kind IN ('concern_alert', 'concern_overdue') AND body_sealed <> ''`,
		func(id int64, sealed string) (any, bool) {
			held++
			text, err := db.open(rowContext("outbox.body", id), sealed)
			if err != nil {
				return nil, false
			}
			opened++
			m := concernLinkIn.FindStringSubmatch(text)
			if m == nil {
				return nil, false
			}
			c, err := strconv.ParseInt(m[1], 10, 64)
			return c, err == nil
		}, `UPDATE outbox SET concern_id = $1 WHERE id = $2 AND EXISTS (SELECT 1 FROM safeguarding_concerns WHERE id = $1)`)
	if err == nil && held > 0 && opened == 0 {
		return fmt.Errorf("none of the %d safeguarding alerts' texts opens with this database's keys: run the upgrade again with the right key file", held)
	}
	return err
}

// linkMessages links messages queued before the outbox could name what
// they are about: query reads each unlinked message's id and a text (its
// subject, or its sealed body), about finds the record the text names, and
// link ($1 that, $2 the message's id) links the message to it.
func (db *DB) linkMessages(ctx context.Context, tx *sql.Tx, query string, about func(id int64, text string) (any, bool), link string) error {
	rows, err := tx.QueryContext(ctx, query)
	if err != nil {
		return fmt.Errorf("reading the outbox: %w", err)
	}
	records := map[int64]any{}
	for rows.Next() {
		var id int64
		var text string
		if err := rows.Scan(&id, &text); err != nil {
			rows.Close() // #nosec G104 -- the scan error is the one to report
			return err
		}
		if rec, ok := about(id, text); ok {
			records[id] = rec
		}
	}
	if err := doneRows(rows); err != nil {
		return fmt.Errorf("reading the outbox: %w", err)
	}
	for id, rec := range records {
		if _, err := tx.ExecContext(ctx, db.rebind(link), rec, id); err != nil {
			return fmt.Errorf("linking message %d: %w", id, err)
		}
	}
	return nil
}

// fillReferralStatuses copies each recorded referral's safeguarding status
// from its sealed content into the clear column migration 26 adds. A value
// that cannot be opened (damaged) is left NULL, and the retention review
// opens the content for it instead. If none opens, the keys are not the
// database's: the migration fails, to run again with the right ones,
// rather than leave every status to be read from the content for ever.
func (db *DB) fillReferralStatuses(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, `SELECT id, content_sealed FROM referrals WHERE safeguarding_status IS NULL`)
	if err != nil {
		return fmt.Errorf("reading referrals: %w", err)
	}
	statuses := map[int64]string{}
	failed := 0
	for rows.Next() {
		var id int64
		var sealed string
		if err := rows.Scan(&id, &sealed); err != nil {
			rows.Close() // #nosec G104 -- the scan error is the one to report
			return err
		}
		if st, ok := db.referralStatusOf(id, sealed); ok {
			statuses[id] = st
		} else {
			failed++
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if err := rows.Close(); err != nil {
		return err
	}
	if failed > 0 && len(statuses) == 0 {
		return fmt.Errorf("none of the %d referrals opens with these encryption keys: start Cradle with the key file this database was written with, and the migration runs again", failed)
	}
	for id, st := range statuses {
		if _, err := tx.ExecContext(ctx, db.rebind(`UPDATE referrals SET safeguarding_status = $1 WHERE id = $2`), st, id); err != nil {
			return fmt.Errorf("recording referral %d's safeguarding status: %w", id, err)
		}
	}
	return nil
}

// bindSealsToRows is the Go step of migrations 29 and 30, each for its own
// tables (boundAt29, boundAt30): the values of the columns bound to their
// rows (SealedColumn.BindRow), bound until then to their column only, are
// sealed again bound to their row, a thousand rows at a time in the
// migration's transaction. A value that already opens in its row is left
// as it is, so the step can run again. One that does not open at all
// (damaged) is left too, and will not open in its row either; if none
// opens, the keys are not the database's, and the migration fails, to run
// again with the right ones, rather than leave every value unreadable.
func (db *DB) bindSealsToRows(tables []string) func(context.Context, *sql.Tx) error {
	these := map[string]bool{}
	for _, t := range tables {
		these[t] = true
	}
	return func(ctx context.Context, tx *sql.Tx) error {
		opened, failed := 0, 0
		for _, c := range SealedColumns() {
			if !these[c.Table] || slices.Contains(columnsBoundFromStart, c.Name()) {
				continue
			}
			keys := strings.Join(c.Key, ", ")
			var after []any
			for {
				where, args := c.Column+` <> ''`, []any{}
				if after != nil {
					var past string
					past, args = c.pastKey(after, args)
					where += ` AND ` + past
				}
				// #nosec G202 -- table, key and column names come from SealedColumns
				rows, err := tx.QueryContext(ctx, db.rebind(`SELECT `+keys+`, `+c.Column+` FROM `+c.Table+` WHERE `+where+` ORDER BY `+keys+` LIMIT 1000`), args...)
				if err != nil {
					return fmt.Errorf("reading %s: %w", c.Name(), err)
				}
				var batch []rotateRow
				for rows.Next() {
					r, err := scanSealed(rows, len(c.Key))
					if err != nil {
						rows.Close() // #nosec G104 -- the scan error is the one to report
						return fmt.Errorf("reading %s: %w", c.Name(), err)
					}
					batch = append(batch, r)
				}
				if err := doneRows(rows); err != nil {
					return fmt.Errorf("reading %s: %w", c.Name(), err)
				}
				if len(batch) == 0 {
					break
				}
				after = batch[len(batch)-1].key
				todo := batch[:0:0]
				for _, r := range batch {
					if _, err := db.open(c.contextOf(r.key), r.old); err == nil {
						opened++
						continue // bound already
					}
					plain, err := db.open(c.Context, r.old)
					if err != nil {
						failed++
						continue
					}
					if r.new, err = db.seal(c.contextOf(r.key), plain); err != nil {
						return err
					}
					opened++
					todo = append(todo, r)
				}
				if err := db.writeBound(ctx, tx, c, todo); err != nil {
					return err
				}
			}
		}
		if failed > 0 && opened == 0 {
			return fmt.Errorf("none of the %d sealed values to be bound to their rows opens with these encryption keys: start Cradle with the key file this database was written with, and the migration runs again", failed)
		}
		return nil
	}
}

// writeBound writes a batch of values sealed again to their rows: on
// PostgreSQL in one statement for a table keyed by its id (a round trip
// each would make a national upgrade take many minutes), otherwise a
// prepared statement a row.
func (db *DB) writeBound(ctx context.Context, tx *sql.Tx, c SealedColumn, rows []rotateRow) error {
	if len(rows) == 0 {
		return nil
	}
	if db.dialect == Postgres && len(c.Key) == 1 && c.Key[0] == "id" {
		ids, values := make([]int64, len(rows)), make([]string, len(rows))
		for i, r := range rows {
			id, ok := r.key[0].(int64)
			if !ok {
				return fmt.Errorf("sealing %s to its rows: an id of type %T", c.Name(), r.key[0])
			}
			ids[i], values[i] = id, r.new
		}
		// #nosec G202 -- table and column names come from SealedColumns
		_, err := tx.ExecContext(ctx, `UPDATE `+c.Table+` t SET `+c.Column+` = v.sealed
			FROM unnest(CAST($1 AS BIGINT[]), CAST($2 AS TEXT[])) AS v(id, sealed) WHERE t.id = v.id`, ids, values)
		if err != nil {
			return fmt.Errorf("sealing %s to its rows: %w", c.Name(), err)
		}
		return nil
	}
	// #nosec G202 -- table, key and column names come from SealedColumns
	stmt, err := tx.PrepareContext(ctx, db.rebind(`UPDATE `+c.Table+` SET `+c.Column+` = $1 WHERE `+c.keyIs(2)))
	if err != nil {
		return fmt.Errorf("sealing %s to its rows: %w", c.Name(), err)
	}
	defer stmt.Close()
	for _, r := range rows {
		if _, err := stmt.ExecContext(ctx, append([]any{r.new}, r.key...)...); err != nil {
			return fmt.Errorf("sealing %s to row %s: %w", c.Name(), keyText(c.Key, r.key), err)
		}
	}
	return nil
}

// sealPasswordHashes is migration 44's Go step: each member of staff's
// password hash is sealed, bound to its row, into password_hash_sealed
// (migration 45 drops the clear column). The keys must be the database's:
// if there are accounts and none of their authenticator secrets opens,
// the migration fails, to run again with the right key file, rather than
// seal every hash under keys that will not be there next time (which
// would lock every account out).
func (db *DB) sealPasswordHashes(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, `SELECT id, password_hash, totp_secret_sealed FROM staff ORDER BY id`)
	if err != nil {
		return fmt.Errorf("reading password hashes: %w", err)
	}
	type row struct {
		id         int64
		hash, totp string
	}
	var todo []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.id, &r.hash, &r.totp); err != nil {
			rows.Close() // #nosec G104 -- the scan error is the one to report
			return err
		}
		todo = append(todo, r)
	}
	if err := doneRows(rows); err != nil {
		return fmt.Errorf("reading password hashes: %w", err)
	}
	opened := 0
	for _, r := range todo {
		if _, err := db.open(rowContext("staff.totp_secret", r.id), r.totp); err == nil {
			opened++
		}
	}
	if len(todo) > 0 && opened == 0 {
		return fmt.Errorf("none of the %d accounts' authenticator secrets opens with these encryption keys, so their password hashes are not sealed with them: start Cradle with the key file this database was written with, and the migration runs again", len(todo))
	}
	for _, r := range todo {
		v := ""
		if r.hash != "" {
			if v, err = db.seal(rowContext("staff.password_hash", r.id), r.hash); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, db.rebind(`UPDATE staff SET password_hash_sealed = $1, password_hash = '' WHERE id = $2`), v, r.id); err != nil {
			return fmt.Errorf("sealing the password hash of staff %d: %w", r.id, err)
		}
	}
	return nil
}

// clearToSeal are the fields migration 11 moves from clear columns into
// sealed ones: table, id column, clear column, sealed column, seal context.
var clearToSeal = [][5]string{
	{"incidents", "id", "reported_by", "reported_by_sealed", "incidents.reported_by"},
	{"consents", "id", "scope", "scope_sealed", "consents.scope"},
	{"information_sharing", "id", "consent_reason", "consent_reason_sealed", "information_sharing.consent_reason"},
}

// sealClearFields seals the values migration 11's columns are for, in the
// migration's own transaction, and empties the clear columns.
func (db *DB) sealClearFields(ctx context.Context, tx *sql.Tx) error {
	for _, f := range clearToSeal {
		table, id, clear, sealed, sealCtx := f[0], f[1], f[2], f[3], f[4]
		rows, err := tx.QueryContext(ctx, `SELECT `+id+`, `+clear+` FROM `+table+` WHERE `+clear+` <> ''`) // #nosec G202 -- names from the constant clearToSeal list
		if err != nil {
			return fmt.Errorf("reading %s.%s: %w", table, clear, err)
		}
		type row struct {
			id    int64
			value string
		}
		var todo []row
		for rows.Next() {
			var r row
			if err := rows.Scan(&r.id, &r.value); err != nil {
				rows.Close() // #nosec G104 -- the scan error is the one to report
				return err
			}
			todo = append(todo, r)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if err := rows.Close(); err != nil {
			return err
		}
		for _, r := range todo {
			v, err := db.seal(sealCtx, r.value)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, db.rebind(`UPDATE `+table+` SET `+sealed+` = $1, `+clear+` = '' WHERE `+id+` = $2`), v, r.id); err != nil {
				return fmt.Errorf("sealing %s.%s: %w", table, clear, err)
			}
		}
	}
	return nil
}

// clearAt57 are the clear columns migration 57 moves into sealed ones:
// table, clear column, sealed column (bound to its row, under the context
// table.clear), and a sealed column of the same row, by which the step
// checks that the keys are the database's (its context table.part).
var clearAt57 = [][4]string{
	{"case_sessions", "topic", "topic_sealed", "notes"},
	{"case_session_history", "topic", "topic_sealed", "notes"},
	{"information_sharing", "recipient", "recipient_sealed", "what"},
}

// sealTopicsAndRecipients is migration 57's Go step: each session's topic
// (and each earlier version's), and each disclosure's recipient, written
// in clear before it, is sealed bound to its row into the column the
// migration adds, a thousand rows at a time in the migration's
// transaction, and the clear column is emptied. The keys must be the
// database's: if the rows' other sealed values (a session's notes, what
// was shared) are there and none opens, the migration fails, to run again
// with the right key file, rather than seal every topic where the right
// keys could not open it.
func (db *DB) sealTopicsAndRecipients(ctx context.Context, tx *sql.Tx) error {
	checked, opened := 0, 0
	for _, f := range clearAt57 {
		table, clear, sealed, check := f[0], f[1], f[2], f[3]
		var after int64
		for {
			// #nosec G202 -- table and column names come from the constant clearAt57
			rows, err := tx.QueryContext(ctx, db.rebind(`SELECT id, `+clear+`, `+check+`_sealed FROM `+table+`
				WHERE `+clear+` <> '' AND id > $1 ORDER BY id LIMIT 1000`), after)
			if err != nil {
				return fmt.Errorf("reading %s.%s: %w", table, clear, err)
			}
			var ids []int64
			var values []string
			for rows.Next() {
				var id int64
				var value, other string
				if err := rows.Scan(&id, &value, &other); err != nil {
					rows.Close() // #nosec G104 -- the scan error is the one to report
					return fmt.Errorf("reading %s.%s: %w", table, clear, err)
				}
				if other != "" {
					checked++
					if _, err := db.open(rowContext(table+"."+check, id), other); err == nil {
						opened++
					}
				}
				v, err := db.seal(rowContext(table+"."+clear, id), value)
				if err != nil {
					rows.Close() // #nosec G104 -- the sealing error is the one to report
					return err
				}
				ids, values = append(ids, id), append(values, v)
			}
			if err := doneRows(rows); err != nil {
				return fmt.Errorf("reading %s.%s: %w", table, clear, err)
			}
			if len(ids) == 0 {
				break
			}
			after = ids[len(ids)-1]
			if err := db.moveSealed(ctx, tx, table, clear, sealed, ids, values); err != nil {
				return err
			}
		}
	}
	if checked > 0 && opened == 0 {
		return fmt.Errorf("none of the %d sealed values beside the topics and recipients to seal (sessions' notes, what was shared) opens with these encryption keys, so these are not sealed with them: start Cradle with the key file this database was written with, and the migration runs again", checked)
	}
	return nil
}

// moveSealed writes a batch of migration 57's sealed values (values[i] for
// row ids[i]) into table's sealed column and empties its clear one: on
// PostgreSQL in one statement, otherwise a prepared statement a row (as
// writeBound).
func (db *DB) moveSealed(ctx context.Context, tx *sql.Tx, table, clear, sealed string, ids []int64, values []string) error {
	if db.dialect == Postgres {
		// #nosec G202 -- table and column names come from the constant clearAt57
		_, err := tx.ExecContext(ctx, `UPDATE `+table+` t SET `+sealed+` = v.sealed, `+clear+` = ''
			FROM unnest(CAST($1 AS BIGINT[]), CAST($2 AS TEXT[])) AS v(id, sealed) WHERE t.id = v.id`, ids, values)
		if err != nil {
			return fmt.Errorf("sealing %s.%s: %w", table, clear, err)
		}
		return nil
	}
	// #nosec G202 -- table and column names come from the constant clearAt57
	stmt, err := tx.PrepareContext(ctx, db.rebind(`UPDATE `+table+` SET `+sealed+` = $1, `+clear+` = '' WHERE id = $2`))
	if err != nil {
		return fmt.Errorf("sealing %s.%s: %w", table, clear, err)
	}
	defer stmt.Close()
	for i, id := range ids {
		if _, err := stmt.ExecContext(ctx, values[i], id); err != nil {
			return fmt.Errorf("sealing %s.%s of row %d: %w", table, clear, id, err)
		}
	}
	return nil
}
