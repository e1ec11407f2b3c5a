package store

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cradle-org/cradle/internal/audit"
	"github.com/cradle-org/cradle/internal/problem"
)

// Backups are logical: every table's rows, read in one snapshot (a
// read-only transaction: SQLite's WAL snapshot, PostgreSQL's repeatable
// read), so the server keeps running while one is made. The stream is
// gzipped and then sealed in chunks with the database's own key (AES-256-GCM;
// each chunk's number, and which chunk is last, are bound into it), so a
// backup is as unreadable as the database without the key, and a chunk
// that is changed, dropped, reordered or cut off is refused. Sealed columns
// stay sealed inside. A backup restores into an empty database of either
// dialect with the same schema version.
//
// File layout: one line of clear JSON (BackupHeader: the format, key id and
// time; nothing about the data), then one sealed chunk per line. Inside,
// after gunzip: JSON lines: the BackupInfo, then per table a {"table":…,
// "columns":[…]} line followed by one JSON array per row.

const (
	backupMagic   = "cradle-backup"
	backupFormat  = 1
	backupChunk   = 16 << 10
	backupContext = "cradle-backup-v1/"
)

// BackupHeader is the clear first line of a backup file.
type BackupHeader struct {
	Magic   string    `json:"magic"`
	Format  int       `json:"format"`
	KeyID   string    `json:"key_id"`
	Created time.Time `json:"created"`
}

// BackupInfo describes what a backup holds (it travels encrypted).
type BackupInfo struct {
	Created       time.Time    `json:"created"`
	Dialect       Dialect      `json:"dialect"`
	SchemaVersion int          `json:"schema_version"`
	Tables        []TableCount `json:"tables"`
	AuditEntries  int64        `json:"audit_entries"`
}

// TableCount is one table's row count.
type TableCount struct {
	Name string `json:"name"`
	Rows int64  `json:"rows"`
}

// Rows is the total number of rows in the backup.
func (b BackupInfo) Rows() int64 {
	var n int64
	for _, t := range b.Tables {
		n += t.Rows
	}
	return n
}

var (
	createTable = regexp.MustCompile(`(?i)CREATE TABLE\s+(\w+)\s*\(`)
	alterTable  = regexp.MustCompile(`(?i)ALTER TABLE\s+(\w+)\s+ADD COLUMN[^;]*?REFERENCES\s+(\w+)`)
	references  = regexp.MustCompile(`(?i)REFERENCES\s+(\w+)`)
	dropTable   = regexp.MustCompile(`(?i)DROP TABLE\s+(\w+)`)
	renameTable = regexp.MustCompile(`(?i)ALTER TABLE\s+(\w+)\s+RENAME TO\s+(\w+)`)
)

// derivedTables hold only what triggers work out from other tables
// (migrations 14 and 18's summaries, 20's change counts, 24's search names,
// 63's sessions by module and completed families' content, and the module
// targets those are counted against, set from the configuration as the
// outcome order is). A backup leaves them out; restoring the
// rows they summarise fills them again through the same triggers.
// outcome_timepoints is the order the pairs follow, which a new database
// starts with and store.SetOutcomeOrder sets from the configuration.
var derivedTables = map[string]bool{"session_counts_month": true, "session_counts_day": true, "family_session_facts": true,
	"outcome_timepoints": true, "outcome_pairs": true, "referral_facts": true, "referral_counts_month": true, "first_contact_counts_month": true,
	"retention_babies": true, "caseload_changes": true, "concern_times": true,
	"person_names": true, "person_module_sessions": true, "completed_content": true, "module_targets": true}

// backupTables lists the schema's tables (from the migrations), except the
// derived ones, so that every table comes after the tables it refers to; a
// row that refers to its own table refers to an earlier id, so rows go in
// id order.
func backupTables(d Dialect) ([]string, error) {
	ms, err := Migrations(d)
	if err != nil {
		return nil, err
	}
	var order []string
	deps := map[string]map[string]bool{}
	for _, m := range ms {
		sqlText := m.SQL
		for _, loc := range createTable.FindAllStringSubmatchIndex(sqlText, -1) {
			name := strings.ToLower(sqlText[loc[2]:loc[3]])
			if derivedTables[name] {
				continue
			}
			body := sqlText[loc[1]:]
			if end := strings.Index(body, ");"); end >= 0 {
				body = body[:end]
			}
			order = append(order, name)
			deps[name] = map[string]bool{}
			for _, r := range references.FindAllStringSubmatch(body, -1) {
				deps[name][strings.ToLower(r[1])] = true
			}
		}
		for _, a := range alterTable.FindAllStringSubmatch(sqlText, -1) {
			if deps[strings.ToLower(a[1])] != nil {
				deps[strings.ToLower(a[1])][strings.ToLower(a[2])] = true
			}
		}
		// SQLite makes a table again to change a constraint (migration
		// 60): made as x_new, the old one dropped, x_new renamed to x.
		// Creates, then drops, then renames, as that idiom runs.
		for _, d := range dropTable.FindAllStringSubmatch(sqlText, -1) {
			name := strings.ToLower(d[1])
			order = slices.DeleteFunc(order, func(t string) bool { return t == name })
			delete(deps, name)
		}
		for _, r := range renameTable.FindAllStringSubmatch(sqlText, -1) {
			from, to := strings.ToLower(r[1]), strings.ToLower(r[2])
			if i := slices.Index(order, from); i >= 0 {
				order[i] = to
				deps[to] = deps[from]
				delete(deps, from)
			}
		}
	}
	var out []string
	done := map[string]bool{}
	for len(out) < len(order) {
		progress := false
		for _, t := range order {
			if done[t] {
				continue
			}
			ready := true
			for dep := range deps[t] {
				if dep != t && !done[dep] {
					ready = false
				}
			}
			if ready {
				out, done[t], progress = append(out, t), true, true
			}
		}
		if !progress {
			return nil, errors.New("store: the schema's tables refer to each other in a cycle; a backup cannot order them")
		}
	}
	return out, nil
}

// Backup writes a consistent, encrypted backup of the whole database to w.
// progress, if set, is told after each table.
func (db *DB) Backup(ctx context.Context, w io.Writer, progress func(table string, rows int64)) (BackupInfo, error) {
	info := BackupInfo{Created: db.Now().UTC(), Dialect: db.dialect}
	tables, err := backupTables(db.dialect)
	if err != nil {
		return info, err
	}
	tx, err := db.sql.BeginTx(ctx, db.snapshotOptions())
	if err != nil {
		return info, fmt.Errorf("starting the backup's snapshot: %w", err)
	}
	defer tx.Rollback()
	if err := tx.QueryRowContext(ctx, schemaVersion).Scan(&info.SchemaVersion); err != nil { // in the backup's snapshot
		return info, fmt.Errorf("reading the schema version: %w", err)
	}
	for _, t := range tables {
		var n int64
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+t).Scan(&n); err != nil {
			return info, fmt.Errorf("counting %s: %w", t, err)
		}
		info.Tables = append(info.Tables, TableCount{Name: t, Rows: n})
		if t == "audit_log" {
			info.AuditEntries = n
		}
	}
	header, _ := json.Marshal(BackupHeader{Magic: backupMagic, Format: backupFormat, KeyID: db.Keys().CurrentID(), Created: info.Created})
	bw := bufio.NewWriter(w)
	// A bufio.Writer keeps its first error and returns it from Flush, checked below.
	bw.Write(header)   // #nosec G104 -- the error returns from Flush
	bw.WriteByte('\n') // #nosec G104 -- the error returns from Flush
	sw := &sealWriter{db: db, out: bw}
	gz, _ := gzip.NewWriterLevel(sw, gzip.BestSpeed)
	enc := json.NewEncoder(gz)
	if err := enc.Encode(info); err != nil {
		return info, err
	}
	for _, t := range info.Tables {
		if err := backupTable(ctx, tx, enc, t.Name); err != nil {
			return info, err
		}
		if progress != nil {
			progress(t.Name, t.Rows)
		}
	}
	if err := gz.Close(); err != nil {
		return info, fmt.Errorf("writing the backup: %w", err)
	}
	if err := sw.Close(); err != nil {
		return info, fmt.Errorf("writing the backup: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return info, fmt.Errorf("writing the backup: %w", err)
	}
	// The backup is itself an event worth keeping: who took a copy of everything.
	if err := db.RecordEvent(ctx, "backup.made", "", 0, 0, fmt.Sprintf("%d tables, %d rows, schema %d", len(info.Tables), info.Rows(), info.SchemaVersion)); err != nil {
		return info, err
	}
	return info, nil
}

func backupTable(ctx context.Context, tx *sql.Tx, enc *json.Encoder, table string) error {
	order := ""
	if cols, err := columnTypes(ctx, tx, table); err != nil {
		return err
	} else if _, ok := cols["id"]; ok {
		order = " ORDER BY id"
	}
	rows, err := tx.QueryContext(ctx, `SELECT * FROM `+table+order) // #nosec G202 -- table names come from the migrations (backupTables)
	if err != nil {
		return fmt.Errorf("reading %s: %w", table, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	if err := enc.Encode(map[string]any{"table": table, "columns": cols}); err != nil {
		return err
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	out := make([]any, len(cols))
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return fmt.Errorf("reading %s: %w", table, err)
		}
		for i, v := range vals {
			out[i] = encodeValue(v)
		}
		if err := enc.Encode(out); err != nil {
			return fmt.Errorf("writing %s: %w", table, err)
		}
	}
	return rows.Err()
}

// encodeValue gives a driver value a JSON form that decodes to the same
// type: numbers are integers, other types are tagged.
func encodeValue(v any) any {
	switch v := v.(type) {
	case nil, int64, bool, string:
		return v
	case float64:
		return map[string]string{"f": strconv.FormatFloat(v, 'g', -1, 64)}
	case []byte:
		return map[string]string{"b": base64.StdEncoding.EncodeToString(v)}
	case time.Time:
		return map[string]string{"t": v.Format(time.RFC3339Nano)}
	case int:
		return int64(v)
	case int32:
		return int64(v)
	}
	return fmt.Sprint(v)
}

func decodeValue(v any) (any, error) {
	switch v := v.(type) {
	case nil, bool, string:
		return v, nil
	case json.Number:
		return v.Int64()
	case map[string]any:
		for tag, raw := range v {
			s, _ := raw.(string)
			switch tag {
			case "f":
				return strconv.ParseFloat(s, 64)
			case "b":
				return base64.StdEncoding.DecodeString(s)
			case "t":
				return time.Parse(time.RFC3339Nano, s)
			}
		}
	}
	return nil, fmt.Errorf("a value of an unknown kind (%T)", v)
}

// sealWriter seals what is written to it in chunks, one per line.
type sealWriter struct {
	db      *DB
	out     *bufio.Writer
	pending []byte
	n       int
}

func (w *sealWriter) Write(p []byte) (int, error) {
	w.pending = append(w.pending, p...)
	for len(w.pending) > backupChunk {
		if err := w.emit(w.pending[:backupChunk], false); err != nil {
			return 0, err
		}
		w.pending = w.pending[backupChunk:]
	}
	return len(p), nil
}

// Close seals what is left as the last chunk, so a cut-off file is noticed.
func (w *sealWriter) Close() error { return w.emit(w.pending, true) }

func (w *sealWriter) emit(chunk []byte, last bool) error {
	sealed, err := w.db.Keys().Seal(append([]byte{0}, chunk...), chunkContext(w.n, last))
	if err != nil {
		return err
	}
	w.n++
	if _, err := w.out.WriteString(sealed); err != nil {
		return err
	}
	return w.out.WriteByte('\n')
}

// chunkContext binds a chunk's place into its seal. A leading zero byte is
// sealed with every chunk, so even an empty last chunk is not the empty
// string (which Seal leaves unencrypted).
func chunkContext(n int, last bool) string {
	c := backupContext + strconv.Itoa(n)
	if last {
		c += "/last"
	}
	return c
}

// sealReader opens the chunks written by sealWriter, in order.
type sealReader struct {
	db   *DB
	in   *bufio.Reader
	buf  []byte
	n    int
	done bool
}

var errBackupDamaged = problem.New(problem.Invalid, "The backup file is damaged or was changed: a part of it cannot be opened. Nothing was restored")

func (r *sealReader) Read(p []byte) (int, error) {
	for len(r.buf) == 0 {
		if r.done {
			return 0, io.EOF
		}
		line, err := r.in.ReadString('\n')
		line = strings.TrimSpace(line)
		if line == "" {
			if err == io.EOF || err == nil {
				return 0, problem.New(problem.Invalid, "The backup file is incomplete: it ends before its last part. Nothing was restored")
			}
			return 0, err
		}
		pt, openErr := r.db.Keys().Open(line, chunkContext(r.n, false))
		if openErr != nil {
			pt, openErr = r.db.Keys().Open(line, chunkContext(r.n, true))
			r.done = openErr == nil
		}
		if openErr != nil || len(pt) == 0 {
			if r.n == 0 {
				return 0, problem.New(problem.Invalid, "The backup cannot be opened with these keys: it was made with a different key that has the same id, or the file is damaged. Nothing was restored")
			}
			return 0, errBackupDamaged
		}
		if r.done {
			if rest, _ := r.in.ReadString('\n'); strings.TrimSpace(rest) != "" {
				return 0, errBackupDamaged
			}
		}
		r.n++
		r.buf = pt[1:]
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}

// ReadBackupHeader reads a backup's clear first line.
func ReadBackupHeader(in *bufio.Reader) (BackupHeader, error) {
	var h BackupHeader
	line, err := in.ReadString('\n')
	if err != nil && line == "" {
		return h, problem.New(problem.Invalid, "The file is empty, so it is not a Cradle backup")
	}
	if json.Unmarshal([]byte(line), &h) != nil || h.Magic != backupMagic {
		return h, problem.New(problem.Invalid, "This file is not a Cradle backup")
	}
	if h.Format != backupFormat {
		return h, problem.New(problem.Invalid, "This backup's format (%d) is not one this version of Cradle reads (%d)", h.Format, backupFormat)
	}
	return h, nil
}

// Restore reads a backup into this database, which must be empty (just
// migrated) and at the backup's schema version. Everything is written in
// one transaction: a damaged backup leaves the database empty. The
// restored audit chain is checked before the restore is committed, and
// the restore itself is the next entry on it.
func (db *DB) Restore(ctx context.Context, r io.Reader, progress func(table string, rows int64)) (BackupInfo, error) {
	var info BackupInfo
	in := bufio.NewReaderSize(r, 1<<20)
	h, err := ReadBackupHeader(in)
	if err != nil {
		return info, err
	}
	if !slices.Contains(db.Keys().IDs(), h.KeyID) {
		return info, problem.New(problem.Invalid, "This backup was made with the key %q, which the keys given here do not include. Use the key file (or CRADLE_KEYS) of the system that made it", h.KeyID)
	}
	gz, err := gzip.NewReader(&sealReader{db: db, in: in})
	if err != nil {
		return info, backupReadError(err)
	}
	dec := json.NewDecoder(gz)
	dec.UseNumber()
	if err := dec.Decode(&info); err != nil {
		return info, backupReadError(err)
	}
	version, err := db.SchemaVersion(ctx)
	if err != nil {
		return info, err
	}
	if version != info.SchemaVersion {
		return info, problem.New(problem.Conflict, "The backup is of schema version %d and this database is at version %d. Restore it with the version of Cradle that made it, then upgrade", info.SchemaVersion, version)
	}
	for _, t := range info.Tables {
		var n int64
		if err := db.queryRow(ctx, `SELECT COUNT(*) FROM `+t.Name).Scan(&n); err != nil {
			return info, fmt.Errorf("checking that %s is empty: %w", t.Name, err)
		}
		if n > 0 {
			return info, problem.New(problem.Conflict, "This database is not empty (%s has %d rows). A backup restores only into a new, empty database: nothing was changed", t.Name, n)
		}
	}
	ctx = audit.WithSource(ctx, audit.Source{Actor: "system:restore"})
	recs := &records{dec: dec}
	err = db.bulkUpdate(ctx, func(tx *Tx) error {
		var withIDs []string
		for _, want := range info.Tables {
			n, hasID, err := restoreTable(tx, recs, want.Name)
			if err != nil {
				return err
			}
			if hasID && n > 0 {
				withIDs = append(withIDs, want.Name)
			}
			if n != want.Rows {
				return problem.New(problem.Invalid, "The backup's table %s has %d rows but should have %d. Nothing was restored", want.Name, n, want.Rows)
			}
			if progress != nil {
				progress(want.Name, n)
			}
		}
		if raw, err := recs.peek(); err != io.EOF {
			return backupReadError(fmt.Errorf("unexpected data after the last table: %.40s %v", raw, err))
		}
		if db.dialect == Postgres {
			if err := tx.resetSequences(withIDs); err != nil {
				return err
			}
		}
		if _, err := verifyAuditTx(tx); err != nil {
			return problem.Wrap(problem.Invalid, err, "The backup's audit log does not verify, so it was not restored")
		}
		tx.Audit("backup.restored", "", 0, 0, fmt.Sprintf("backup made %s: %d tables, %d rows", info.Created.Format(time.RFC3339), len(info.Tables), info.Rows()))
		return nil
	})
	if err == nil {
		err = db.analyseAfterLoad(ctx) // a restore is a bulk load
	}
	return info, err
}

func backupReadError(err error) error {
	if problem.As(err) != nil {
		return err
	}
	return problem.Wrap(problem.Invalid, err, "The backup file is damaged: it cannot be read. Nothing was restored")
}

// records reads the backup's JSON values with one value of look-ahead, so
// a table's rows end where the next table's header begins.
type records struct {
	dec  *json.Decoder
	next json.RawMessage
	err  error
	have bool
}

func (r *records) peek() (json.RawMessage, error) {
	if !r.have {
		r.next = nil
		r.err = r.dec.Decode(&r.next)
		r.have = true
	}
	return r.next, r.err
}

func (r *records) take() (json.RawMessage, error) {
	raw, err := r.peek()
	r.have = false
	return raw, err
}

// restoreTable restores one table's rows and says whether it has an id
// column (whose sequence PostgreSQL must move past them).
func restoreTable(tx *Tx, recs *records, table string) (n int64, hasID bool, err error) {
	var head struct {
		Table   string   `json:"table"`
		Columns []string `json:"columns"`
	}
	raw, err := recs.take()
	if err == nil {
		err = json.Unmarshal(raw, &head)
	}
	if err != nil || head.Table != table || len(head.Columns) == 0 {
		return 0, false, backupReadError(fmt.Errorf("expected table %s: %v", table, err))
	}
	types, err := columnTypes(tx.ctx, tx.tx, table)
	if err != nil {
		return 0, false, err
	}
	hasID = slices.Contains(head.Columns, "id")
	marks := make([]string, len(head.Columns))
	for i := range marks {
		marks[i] = "$" + strconv.Itoa(i+1)
	}
	stmt, err := tx.tx.PrepareContext(tx.ctx, tx.db.rebind(`INSERT INTO `+table+` (`+strings.Join(head.Columns, ", ")+`) VALUES (`+strings.Join(marks, ", ")+`)`))
	if err != nil {
		return 0, false, fmt.Errorf("restoring %s: %w", table, err)
	}
	defer stmt.Close()
	for {
		raw, err := recs.peek()
		if err == io.EOF || (err == nil && (len(raw) == 0 || raw[0] != '[')) {
			return n, hasID, nil // the next table, or the end
		}
		if err != nil {
			return n, false, backupReadError(err)
		}
		recs.take() // #nosec G104 -- peek just returned this value without error
		var vals []any
		d := json.NewDecoder(bytes.NewReader(raw))
		d.UseNumber()
		if err := d.Decode(&vals); err != nil || len(vals) != len(head.Columns) {
			return n, false, backupReadError(fmt.Errorf("a row of %s: %v", table, err))
		}
		for i, v := range vals {
			if vals[i], err = decodeValue(v); err != nil {
				return n, false, backupReadError(err)
			}
			vals[i] = convertFor(types[head.Columns[i]], vals[i])
		}
		if _, err := stmt.ExecContext(tx.ctx, vals...); err != nil {
			return n, false, fmt.Errorf("restoring a row of %s: %w", table, err)
		}
		n++
	}
}

// columnTypes maps a table's columns to their declared types: whether it
// has an id to order by, and how to convert a value from the other dialect
// (SQLite keeps booleans as 0/1).
func columnTypes(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, table string) (map[string]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT * FROM `+table+` WHERE 1 = 0`) // #nosec G202 -- table names come from the migrations (backupTables)
	if err != nil {
		return nil, fmt.Errorf("reading the columns of %s: %w", table, err)
	}
	defer rows.Close()
	cts, err := rows.ColumnTypes()
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, c := range cts {
		out[c.Name()] = strings.ToUpper(c.DatabaseTypeName())
	}
	return out, rows.Err()
}

func convertFor(typ string, v any) any {
	if n, ok := v.(int64); ok && (typ == "BOOL" || typ == "BOOLEAN") {
		return n != 0
	}
	return v
}

// resetSequences moves each identity column's sequence past the restored
// ids, so new rows do not collide with them.
// tables are those restored with rows and an id column.
func (tx *Tx) resetSequences(tables []string) error {
	for _, t := range tables {
		var seq sql.NullString
		if err := tx.queryRow(`SELECT pg_get_serial_sequence($1, 'id')`, t).Scan(&seq); err != nil {
			return fmt.Errorf("finding the id sequence of %s: %w", t, err)
		}
		if !seq.Valid {
			continue
		}
		if _, err := tx.exec(`SELECT setval($1, (SELECT MAX(id) FROM `+t+`))`, seq.String); err != nil { // #nosec G202 -- table names come from the migrations (backupTables)
			return fmt.Errorf("moving the id sequence of %s: %w", t, err)
		}
	}
	return nil
}
