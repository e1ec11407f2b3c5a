// Package store is the only package that speaks SQL. It keeps Cradle's data in
// SQLite (embedded, the default) or PostgreSQL, encrypts the most sensitive
// fields before they reach the database, and writes every change together
// with its audit entry in one transaction.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/cradle-org/cradle/internal/audit"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/risk"
	"github.com/cradle-org/cradle/internal/seal"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver (pure Go, no cgo)
)

// Dialect names the database in use.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DB is an open Cradle database.
type DB struct {
	sql     *sql.DB
	dialect Dialect
	keys    *keyring // the keys in use, reloaded from their source when a rotation adds one
	now     func() time.Time
	risk    RiskSettings
	audits  *auditQueue // group-commits the audit entries of reads
	// aggregates keeps dashboard figures for a few minutes (see
	// Options.ReportCacheTTL).
	aggregates *aggregateCache
	// caseloads keeps what caseloads read about each family until it
	// changes (see caseloadCache).
	caseloads *caseloadCache
	// readings numbers each family read for a caseload (CaseloadEntry.Read).
	readings atomic.Uint64
	work     workCounts
	stmts    *stmtCache // SQLite only: see stmtcache.go
}

// Options configure Open.
type Options struct {
	// URL is a postgres:// URL, or a path to an SQLite file (optionally "sqlite:" prefixed).
	URL string
	// Keys encrypt sealed fields. Required.
	Keys *seal.Keyring
	// KeySource, if set, reads the keys again (the key file). The store
	// calls it when it meets a value sealed under a key id it does not know
	// (another process rotated the keys), and every KeyReloadInterval while
	// sealing, so a running server reads and writes under a new key without
	// a restart. A ring that does not extend the one in use (a key missing
	// or changed) is refused and the old ring kept.
	KeySource func() (*seal.Keyring, error)
	// KeyReloadInterval is the least time between two calls of KeySource
	// (default 5 seconds).
	KeyReloadInterval time.Duration
	// ReportCacheTTL is how long dashboard figures computed for one scope
	// are reused for the next person who asks for the same scope (each
	// is still authorised and audited). Zero computes them every time.
	ReportCacheTTL time.Duration
	// Now is the clock; tests replace it. Defaults to time.Now.
	Now func() time.Time
	// Risk is the DASH thresholds and MARAC criteria (defaults if zero).
	Risk RiskSettings
}

// SQLitePath is the default database file inside a data directory.
func SQLitePath(dataDir string) string { return filepath.Join(dataDir, "cradle.db") }

// analyseAfterLoad brings PostgreSQL's planner statistics and visibility
// map up to date after many rows were written at once (a bulk seed, a
// restore). Without statistics the planner guessed, 10-100 times slower
// (it read a family's members by hashing every current allocation), and
// without the visibility map covering indexes still visit the table for
// every row; autovacuum would catch up in time, if it is on. VACUUM cannot
// run inside a transaction, so this runs on the pool. SQLite plans without
// collected statistics, and updates rows in place: nothing to do.
//
// First it rewrites the summaries the triggers keep (derivedTables). A
// load updates each of their rows once for every row it summarises, and
// each update is a new row version in PostgreSQL that no vacuum can take
// back inside the load's transactions: after a 100,000-family seed the
// monthly session counts were 783 MB for 48,000 rows, and the dashboard's
// engagement figures, reading them whole, took 0.54-0.65 s instead of
// 0.15 s. Rewritten (VACUUM FULL, 9 s at that size) they are 8.6 MB;
// afterwards autovacuum keeps the space of everyday updates reused.
func (db *DB) analyseAfterLoad(ctx context.Context) error {
	if db.dialect != Postgres {
		return nil
	}
	derived := slices.Sorted(maps.Keys(derivedTables))
	if _, err := db.sql.ExecContext(ctx, `VACUUM (FULL) `+strings.Join(derived, ", ")); err != nil {
		return fmt.Errorf("rewriting the summaries after loading the database: %w", err)
	}
	if _, err := db.sql.ExecContext(ctx, `VACUUM (ANALYZE)`); err != nil {
		return fmt.Errorf("analysing the database after loading it: %w", err)
	}
	return nil
}

// withPlannerCosts asks PostgreSQL, for Cradle's own connections, to cost
// a random page read as little more than a sequential one (1.1, not 4):
// Cradle's working set is in memory or on SSD, and at the default the
// planner read every family to find a practitioner's few dozen (2-4 ms
// instead of 0.3 ms, found by the benchmark). pgx sends a URL parameter it
// does not know as a run-time parameter; one already in the URL is kept.
func withPlannerCosts(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return rawURL // sql.Open reports the bad URL
	}
	q := u.Query()
	if q.Has("random_page_cost") {
		return rawURL
	}
	q.Set("random_page_cost", "1.1")
	u.RawQuery = q.Encode()
	return u.String()
}

// Open connects to the database and checks that it answers. It does not
// migrate; call Migrate.
func Open(ctx context.Context, opt Options) (*DB, error) {
	if opt.Keys == nil {
		return nil, errors.New("store: no encryption keys")
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Risk.Thresholds.High == 0 {
		opt.Risk = RiskSettings{Thresholds: risk.DefaultThresholds(), MARAC: risk.DefaultMARACConfig()}
	}
	if opt.KeyReloadInterval <= 0 {
		opt.KeyReloadInterval = 5 * time.Second
	}
	db := &DB{keys: newKeyring(opt.Keys, opt.KeySource, opt.KeyReloadInterval), now: opt.Now, risk: opt.Risk, aggregates: &aggregateCache{ttl: opt.ReportCacheTTL}, caseloads: &caseloadCache{}}
	var err error
	switch {
	case strings.HasPrefix(opt.URL, "postgres://"), strings.HasPrefix(opt.URL, "postgresql://"):
		db.dialect = Postgres
		db.sql, err = sql.Open("pgx", withPlannerCosts(opt.URL))
		if err != nil {
			return nil, fmt.Errorf("opening PostgreSQL: %w", err)
		}
		pool := pgPoolSize(runtime.GOMAXPROCS(0))
		db.sql.SetMaxOpenConns(pool)
		db.sql.SetMaxIdleConns(pool)
		db.sql.SetConnMaxIdleTime(5 * time.Minute)
	default:
		db.dialect = SQLite
		path := strings.TrimPrefix(opt.URL, "sqlite:")
		if path == "" {
			return nil, errors.New("store: no database path")
		}
		if err := checkWritableDir(filepath.Dir(path)); err != nil {
			return nil, err
		}
		// WAL lets readers run beside the one writer; IMMEDIATE transactions take
		// the write lock at BEGIN so two writers queue instead of deadlocking;
		// synchronous=FULL because an acknowledged safeguarding record must survive
		// a power cut, not only a crash; secure_delete so a record deleted under
		// the retention schedule is overwritten in the file, not left in free pages.
		q := url.Values{}
		for _, p := range []string{"busy_timeout(10000)", "journal_mode(WAL)", "foreign_keys(1)", "synchronous(FULL)", "secure_delete(1)"} {
			q.Add("_pragma", p)
		}
		q.Set("_txlock", "immediate")
		q.Set("_time_format", "sqlite")
		db.sql, err = sql.Open("sqlite", "file:"+path+"?"+q.Encode())
		if err != nil {
			return nil, fmt.Errorf("opening SQLite at %s: %w", path, err)
		}
		db.sql.SetMaxOpenConns(8)
		db.sql.SetMaxIdleConns(8)
		db.stmts = &stmtCache{m: map[string]*sql.Stmt{}}
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.sql.PingContext(pingCtx); err != nil {
		db.sql.Close() // #nosec G104 -- the ping's error is the one to report
		return nil, problem.Wrap(problem.Unavailable, err, fmt.Sprintf("Cannot reach the %s database: %s", db.dialect, plainDBError(err)))
	}
	db.audits = newAuditQueue(db)
	return db, nil
}

// pgPoolSize is how many connections to PostgreSQL a server keeps: three
// for each CPU it may use, and at least four. More connections than the
// CPUs can serve make every request slower: on 2 CPUs with PostgreSQL on
// the same machine, 6 connections answered the benchmark's mixed workload
// at 715-733 req/s where 20 answered 485-493 (the requests beyond the
// pool wait for a connection instead of for the CPU, and the server's
// processes contend less for it and for the audit chain's lock).
func pgPoolSize(procs int) int {
	return max(4, 3*procs)
}

// plainDBError shortens a driver error to its useful part for a person.
func plainDBError(err error) string {
	msg := err.Error()
	if i := strings.LastIndex(msg, ": "); i >= 0 && len(msg)-i < 200 {
		return msg[i+2:]
	}
	return msg
}

func checkWritableDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return problem.Wrap(problem.Unavailable, err, fmt.Sprintf("Cannot create the data folder %s: %v", dir, errors.Unwrap(err)))
	}
	f, err := os.CreateTemp(dir, ".write-test-*")
	if err != nil {
		return problem.Wrap(problem.Unavailable, err, fmt.Sprintf("The data folder %s is not writable: %v", dir, errors.Unwrap(err)))
	}
	// The folder took a new file, which is all this checks; an empty probe
	// left behind by a failed tidy-up does not change that.
	name := f.Name()
	f.Close()       // #nosec G104 -- see above
	os.Remove(name) // #nosec G104 -- see above
	return nil
}

// Close closes the connection pool.
func (db *DB) Close() error {
	db.audits.close()
	db.stmts.close()
	return db.sql.Close()
}

// Dialect says which database this is.
func (db *DB) Dialect() Dialect { return db.dialect }

// Ping checks the database answers (for /readyz).
func (db *DB) Ping(ctx context.Context) error { return db.sql.PingContext(ctx) }

// Stats reports the connection pool (for /metrics).
func (db *DB) Stats() sql.DBStats { return db.sql.Stats() }

// Now is the store's clock.
func (db *DB) Now() time.Time { return db.now().UTC() }

// Keys returns the keyring in use (for key rotation and status).
func (db *DB) Keys() *seal.Keyring { return db.keys.get() }

var dollarParam = regexp.MustCompile(`\$(\d+)`)

// rebind turns the PostgreSQL-style $1 placeholders the store's SQL is
// written with into SQLite's numbered ?1 form (same meaning, any order).
func (db *DB) rebind(q string) string {
	if db.dialect == SQLite {
		return dollarParam.ReplaceAllString(q, "?$1")
	}
	return q
}

// workCounts counts the statements run and the transactions begun through
// the store, for `cradle bench`'s statements per page: on PostgreSQL each
// is a round trip to the server.
type workCounts struct {
	statements, transactions, alone atomic.Uint64
}

// Work is the database work the store has done since it was opened (a
// bench measures one page by the difference).
type Work struct {
	Statements   uint64 // statements run
	Transactions uint64 // transactions begun
	// Alone counts the statements run outside a transaction: each reads
	// its own snapshot (on SQLite, after another connection's commit, the
	// pages it needs afresh), and none is part of an audited view.
	Alone uint64
}

// Work is how much work the store has done since it was opened.
func (db *DB) Work() Work {
	return Work{Statements: db.work.statements.Load(), Transactions: db.work.transactions.Load(), Alone: db.work.alone.Load()}
}

// beginTx begins a transaction, counted in Work.
func (db *DB) beginTx(ctx context.Context, opts *sql.TxOptions) (*sql.Tx, error) {
	db.work.transactions.Add(1)
	return db.sql.BeginTx(ctx, opts)
}

func (db *DB) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	return db.q().QueryRowContext(ctx, q, args...)
}

func (db *DB) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return db.q().QueryContext(ctx, q, args...)
}

// doneRows closes rows read to the end, freeing the connection for the
// transaction's next statement, and reports an error met while reading them
// (which would otherwise leave the caller with a silently short result) or
// while closing them.
func doneRows(rows *sql.Rows) error {
	closeErr := rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	return closeErr
}

// dropRows closes rows abandoned part-read because of err, and returns err:
// why the caller stopped reading is the error to report, and a failure to
// close rows already being given up on adds nothing to it.
func dropRows(rows *sql.Rows, err error) error {
	rows.Close() // #nosec G104 -- err is the one to report, as the comment above says
	return err
}

func (db *DB) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return db.q().ExecContext(ctx, q, args...)
}

// Tx is a write transaction. Every Tx must record at least one audit entry:
// Update refuses to commit a change that nobody would be able to trace.
type Tx struct {
	db      *DB
	tx      *sql.Tx
	ctx     context.Context
	now     time.Time
	source  audit.Source
	pending []audit.Entry
	// readOnly is a View's transaction: writes are refused.
	readOnly bool
}

// errReadOnly is a write attempted in a View: a programming error, so it
// fails the request rather than writing outside Update's audit.
var errReadOnly = errors.New("store: a write was attempted in a read-only view")

// ErrNotAudited is returned when a transaction tried to commit without an audit entry.
var ErrNotAudited = errors.New("store: a change was about to be saved without an audit entry")

// Update runs fn in a transaction with a fixed clock reading and commits it
// with its audit entries; any error rolls everything back.
func (db *DB) Update(ctx context.Context, fn func(tx *Tx) error) error {
	sqlTx, err := db.beginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("beginning transaction: %w", err)
	}
	tx := &Tx{db: db, tx: sqlTx, ctx: ctx, now: db.Now().Truncate(time.Microsecond), source: audit.SourceFrom(ctx)}
	defer sqlTx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	if len(tx.pending) == 0 {
		return ErrNotAudited
	}
	if err := tx.flushAudit(); err != nil {
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("committing: %w", err)
	}
	return nil
}

// Now is the transaction's clock reading: every row it writes shares it.
func (tx *Tx) Now() time.Time { return tx.now }

// Source is who is acting.
func (tx *Tx) Source() audit.Source { return tx.source }

// Audit queues an audit entry; it is chained and written just before commit.
func (tx *Tx) Audit(action, recordType string, recordID, familyID int64, detail string) {
	tx.pending = append(tx.pending, newEntry(tx.source, tx.now, action, recordType, recordID, familyID, detail))
}

func newEntry(src audit.Source, at time.Time, action, recordType string, recordID, familyID int64, detail string) audit.Entry {
	return audit.Entry{
		At: at, ActorID: src.ActorID, Actor: src.Actor,
		Action: action, RecordType: recordType, RecordID: recordID, FamilyID: familyID,
		IP: src.IP, RequestID: src.RequestID, Detail: detail,
	}
}

func (tx *Tx) exec(q string, args ...any) (sql.Result, error) {
	if tx.readOnly {
		return nil, errReadOnly
	}
	return tx.q().ExecContext(tx.ctx, q, args...)
}

func (tx *Tx) queryRow(q string, args ...any) *sql.Row {
	return tx.q().QueryRowContext(tx.ctx, q, args...)
}

func (tx *Tx) query(q string, args ...any) (*sql.Rows, error) {
	return tx.q().QueryContext(tx.ctx, q, args...)
}

// insertID runs an INSERT … RETURNING id.
func (tx *Tx) insertID(q string, args ...any) (int64, error) {
	if tx.readOnly {
		return 0, errReadOnly
	}
	var id int64
	if err := tx.queryRow(q+" RETURNING id", args...).Scan(&id); err != nil {
		return 0, err
	}
	return id, nil
}

// PostgreSQL advisory lock keys, one for each thing only one instance (or
// one transaction) may do at a time; kept together so that a new one
// cannot take a key already in use. SQLite needs none: its IMMEDIATE
// transactions already serialise writers.
const (
	lockMigrations int64 = 7201 // applying migrations: two instances starting together
	lockAuditChain int64 = 7202 // extending the audit chain: one writer at a time
	lockEscalation int64 = 7203 // escalating overdue concerns: one scheduler at a time
)

// seal encrypts a field value for the column named by context, under the
// current key (checking the key source for a newer one now and then).
func (db *DB) seal(context, plaintext string) (string, error) {
	db.keys.refreshIfDue()
	s, err := db.keys.get().SealString(plaintext, context)
	if err != nil {
		return "", fmt.Errorf("encrypting %s: %w", context, err)
	}
	return s, nil
}

// ErrAltered is a sealed value that does not open where it is: changed,
// damaged or moved from another row or column outside Cradle (or, were
// the keys not the database's, every value; commands check that at start).
var ErrAltered = errors.New("a sealed value does not open where it is: it was changed or moved outside Cradle")

// AlteredError names the sealed value that did not open by its seal
// context (table, field and, for a row-bound value, the row's id), which
// holds no personal data. It is ErrAltered.
type AlteredError struct {
	Context string
	Err     error
}

func (e *AlteredError) Error() string {
	return fmt.Sprintf("decrypting %s: %v: %v", e.Context, ErrAltered, e.Err)
}

func (e *AlteredError) Unwrap() []error { return []error{ErrAltered, e.Err} }

// open decrypts a sealed field. A value under a key id the ring does not
// know makes the store read its key source again (a rotation elsewhere has
// added a key) and try once more.
func (db *DB) open(context, sealed string) (string, error) {
	ring := db.keys.get()
	s, err := ring.OpenString(sealed, context)
	if errors.Is(err, seal.ErrUnknownKey) {
		rerr := db.keys.reload(false)
		if now := db.keys.get(); now != ring {
			s, err = now.OpenString(sealed, context)
		} else if rerr != nil {
			err = fmt.Errorf("%w (%w)", err, rerr)
		}
	}
	if errors.Is(err, seal.ErrCorrupt) {
		return "", &AlteredError{Context: context, Err: err}
	}
	if err != nil {
		return "", fmt.Errorf("decrypting %s: %w", context, err)
	}
	return s, nil
}

// sealBytes is seal for a file (a document's content), without copying it
// into a string first.
func (db *DB) sealBytes(context string, plaintext []byte) (string, error) {
	db.keys.refreshIfDue()
	s, err := db.keys.get().Seal(plaintext, context)
	if err != nil {
		return "", fmt.Errorf("encrypting %s: %w", context, err)
	}
	return s, nil
}

// openBytes is open for a file.
func (db *DB) openBytes(context, sealed string) ([]byte, error) {
	s, err := db.open(context, sealed)
	return []byte(s), err
}

// index is the blind index of value (see seal.Keyring.Index).
func (db *DB) index(context, value string) string { return db.keys.get().Index(context, value) }

// isUniqueViolation reports whether err is a unique-constraint failure, in either dialect.
func isUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	msg := err.Error()
	return strings.Contains(msg, "UNIQUE constraint failed") || strings.Contains(msg, "SQLSTATE 23505")
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}

func timeOf(nt sql.NullTime) time.Time {
	if !nt.Valid {
		return time.Time{}
	}
	return nt.Time.UTC()
}

type nullableTime struct{ sql.NullTime }

func (n nullableTime) time() time.Time { return timeOf(n.NullTime) }

func (n *nullableTime) Scan(v any) error { return n.NullTime.Scan(v) }

// anyTime reads a timestamp from a driver value. Aggregates such as MAX()
// lose their column type in SQLite and come back as text, so both forms
// are accepted.
type anyTime struct{ T time.Time }

func (a *anyTime) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		a.T = time.Time{}
	case time.Time:
		a.T = x.UTC()
	case string:
		return a.parse(x)
	case []byte:
		return a.parse(string(x))
	default:
		return fmt.Errorf("cannot read %T as a time", v)
	}
	return nil
}

func (a *anyTime) parse(s string) error {
	if t, ok := parseStoredTime(s); ok {
		a.T = t
		return nil
	}
	for _, layout := range []string{"2006-01-02 15:04:05.999999999-07:00", time.RFC3339Nano, "2006-01-02 15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			a.T = t.UTC()
			return nil
		}
	}
	return fmt.Errorf("cannot read %q as a time", s)
}

// timeText reads a date or time column for scanning into anyTime where
// many are read (reports, caseloads): on SQLite as its stored text, which
// parseStoredTime reads several times faster than the driver, which first
// tries (and fails) time.String's layout for every DATE or TIMESTAMP value;
// PostgreSQL sends times in binary, so as it is.
func (db *DB) timeText(col string) string {
	if db.dialect == Postgres {
		return col
	}
	return "CAST(" + col + " AS TEXT)"
}

// pgPlanOnce is the fewest ids in an array over which PostgreSQL 15 keeps
// one plan for a statement (seen with pg_prepared_statements: 2 or 4 ids
// were planned on every call, 6 and more once).
const pgPlanOnce = 8

// inList makes what goes inside an IN (…) clause over ids, with its one
// arg: an array on PostgreSQL, a JSON array on SQLite. The statement's text
// is the same however many ids there are, so each connection prepares it
// once (SQLite's statement cache keeps it) rather than parsing a new text
// of hundreds of placeholders, and binding each by name, on every call: a
// DSL's caseload made five such statements of 500.
//
// One id is the one arg itself. PostgreSQL plans a prepared statement
// afresh for its arguments (a custom plan) until one plan for any
// arguments looks no dearer, which over an array of a few ids it never
// does: the family and person pages, whose lists are one family or its
// two parents, were planned on every call (0.25–0.55 ms a plan for the
// page's people, more than reading them). Over one value it keeps one plan
// after the fifth call, and over an array of pgPlanOnce ids too, so a
// shorter array is made up to that length by repeating its last id, which
// changes nothing an IN matches.
func (db *DB) inList(ids []int64) (string, []any) {
	if len(ids) == 1 {
		return `$1`, []any{ids[0]}
	}
	if db.dialect == Postgres {
		if n := len(ids); n > 0 && n < pgPlanOnce {
			padded := make([]int64, pgPlanOnce)
			copy(padded, ids)
			for i := n; i < pgPlanOnce; i++ {
				padded[i] = ids[n-1]
			}
			ids = padded
		}
		return `SELECT unnest(CAST($1 AS BIGINT[]))`, []any{ids}
	}
	b := make([]byte, 0, 2+8*len(ids))
	b = append(b, '[')
	for i, id := range ids {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, id, 10)
	}
	return `SELECT value FROM json_each($1)`, []any{string(append(b, ']'))}
}

// RiskSettings returns the DASH thresholds and MARAC criteria in use.
func (db *DB) RiskSettings() RiskSettings { return db.risk }
