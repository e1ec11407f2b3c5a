package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cradle-org/cradle/internal/seal"
)

// SealedColumn is a column that holds sealed values. Every one is listed by
// SealedColumns, so that key rotation and key status reach them all; a test
// compares the list with the migrated schema.
type SealedColumn struct {
	Table  string
	Column string
	// Key is the table's primary key: rotation pages through the table by
	// it and names each row it rewrites by it.
	Key []string
	// Context is the seal context (GCM additional data) the store seals
	// this column's values with.
	Context string
	// Where, if set, selects the rows that hold sealed values, for a column
	// that is sealed in some rows only (settings.value).
	Where string
}

// largeValues is the most values of a column of files (documents.content,
// up to casework.DocumentMaxBytes each) a rotation rewrites at once, below
// RotateOptions.BatchSize: two hundred of them would be a gigabyte.
const largeValues = 4

// batch is the most values of c a rotation rewrites at once.
func (c SealedColumn) batch(size int) int {
	if c.Table == "documents" && c.Column == "content_sealed" {
		return min(size, largeValues)
	}
	return size
}

// BindRow reports whether the column's values are bound to their row as
// well as their column (migrations 29 and 30): sealed under
// keyContext(Context, key...), so a value copied into another row (one
// co-parent's address into the other's) does not open.
func (c SealedColumn) BindRow() bool { return rowBound[c.Table] }

// Name is "table.column".
func (c SealedColumn) Name() string { return c.Table + "." + c.Column }

// contextOf is the seal context of the value in the row whose key is key.
func (c SealedColumn) contextOf(key []any) string {
	if !c.BindRow() {
		return c.Context
	}
	return keyContext(c.Context, key...)
}

// boundAt29 are the tables migration 29 bound to their rows: a person's
// contact details and NHS number, and what is recorded about each parent
// (session and supervision notes, incidents, DASH answers and MARAC
// actions, safety plans and their reviews, VIG strengths, pause notes,
// measure answers, safeguarding concerns and their actions, risk to the
// children), the values most worth moving to the other co-parent's rows;
// and a referral's content, which describes both parents.
var boundAt29 = []string{"people", "case_sessions", "incidents", "risk_assessments", "safety_plans", "safety_plan_reviews",
	"vig_cycles", "pauses", "measure_results", "safeguarding_concerns", "concern_actions", "marac_referrals", "child_risks", "referrals"}

// boundAt30 are the tables migration 30 bound: each parent's closing
// summary and consents, a family's meetings and what was shared about it,
// professionals' contact details, a self-referral's draft, the outbox's
// recipients and messages (so one message's address cannot be given to
// another), the mailing list, staff's authenticator secrets and the
// reasons given at retention reviews. Only the research key (settings),
// one row whose context already names it, is bound to its column alone.
var boundAt30 = []string{"closure_summaries", "consents", "meetings", "information_sharing", "professionals", "referral_drafts",
	"outbox", "mailing_list", "staff", "retention_reviews", "referral_retention_reviews"}

// boundFromStart are the tables made after migration 30, whose values have
// been bound to their rows from the first: no migration step binds them.
// (tasks, made before, held no sealed value until migration 61's
// reminders.)
var boundFromStart = []string{"circumstance_changes", "case_session_history", "departures", "tasks", "documents", "appointments"}

// columnsBoundFromStart are the sealed columns added after migration 30 to
// tables migrations 29 and 30 bound ("table.column"), bound to their rows
// from the first (a value migration 57 moved out of a clear column too):
// migrations 29 and 30 do not look for them (they are not there yet).
var columnsBoundFromStart = []string{"staff.password_hash_sealed", "incidents.removed_reason_sealed", "vig_cycles.removed_reason_sealed",
	"consents.removed_reason_sealed", "meetings.removed_reason_sealed",
	"information_sharing.removed_reason_sealed", "professionals.removed_reason_sealed", "child_risks.removed_reason_sealed",
	"marac_referrals.removed_reason_sealed", "case_sessions.topic_sealed", "information_sharing.recipient_sealed"}

// rowBound are the tables whose sealed values are bound to their rows.
var rowBound = func() map[string]bool {
	m := map[string]bool{}
	for _, t := range append(append(append([]string(nil), boundAt29...), boundAt30...), boundFromStart...) {
		m[t] = true
	}
	return m
}()

// rowContext is the seal context of a value bound to row id of the column
// sealed under context (SealedColumn.BindRow).
func rowContext(context string, id int64) string {
	return context + "#" + strconv.FormatInt(id, 10)
}

// keyContext is the seal context of a value bound to the row whose key is
// key: "closure_summaries.summary#12/34" for a key of two parts. For a key
// of one integer it is rowContext's.
func keyContext(context string, key ...any) string {
	b := make([]byte, 0, len(context)+24)
	b = append(b, context...)
	for i, v := range key {
		if i == 0 {
			b = append(b, '#')
		} else {
			b = append(b, '/')
		}
		switch v := v.(type) {
		case int64:
			b = strconv.AppendInt(b, v, 10)
		case int32:
			b = strconv.AppendInt(b, int64(v), 10)
		case int:
			b = strconv.AppendInt(b, int64(v), 10)
		case []byte:
			b = append(b, v...)
		case string:
			b = append(b, v...)
		default:
			b = fmt.Append(b, v)
		}
	}
	return string(b)
}

// SealedColumns lists every column that holds sealed values, with the
// context each is sealed under. Columns are named *_sealed, with one
// exception: settings.value holds the sealed research key in one row.
// meetings.minutes_sealed holds the meeting's actions (context
// "meetings.actions").
func SealedColumns() []SealedColumn {
	id := []string{"id"}
	return []SealedColumn{
		{"staff", "totp_secret_sealed", id, "staff.totp_secret", ""},
		{"staff", "password_hash_sealed", id, "staff.password_hash", ""},
		{"people", "address_sealed", id, "people.address", ""},
		{"people", "postcode_sealed", id, "people.postcode", ""},
		{"people", "phone_sealed", id, "people.phone", ""},
		{"people", "email_sealed", id, "people.email", ""},
		{"people", "safe_contact_sealed", id, "people.safe_contact", ""},
		{"people", "nhs_number_sealed", id, "people.nhs_number", ""},
		{"referrals", "content_sealed", id, "referrals.content", ""},
		{"referral_drafts", "content_sealed", []string{"token_hash"}, "referral_drafts.content", ""},
		{"case_sessions", "notes_sealed", id, "case_sessions.notes", ""},
		{"case_sessions", "reason_sealed", id, "case_sessions.reason", ""},
		{"case_sessions", "topic_sealed", id, "case_sessions.topic", ""},
		{"case_session_history", "notes_sealed", id, "case_session_history.notes", ""},
		{"case_session_history", "reason_sealed", id, "case_session_history.reason", ""},
		{"case_session_history", "why_sealed", id, "case_session_history.why", ""},
		{"case_session_history", "topic_sealed", id, "case_session_history.topic", ""},
		{"risk_assessments", "answers_sealed", id, "risk_assessments.answers", ""},
		{"incidents", "details_sealed", id, "incidents.details", ""},
		{"circumstance_changes", "note_sealed", id, "circumstance_changes.note", ""},
		{"circumstance_changes", "removed_reason_sealed", id, "circumstance_changes.removed_reason", ""},
		{"marac_referrals", "actions_sealed", id, "marac_referrals.actions", ""},
		{"marac_referrals", "removed_reason_sealed", id, "marac_referrals.removed_reason", ""},
		{"safety_plans", "plan_sealed", id, "safety_plans.plan", ""},
		{"safety_plan_reviews", "changes_sealed", id, "safety_plan_reviews.changes", ""},
		{"child_risks", "concerns_sealed", id, "child_risks.concerns", ""},
		{"child_risks", "plan_sealed", id, "child_risks.plan", ""},
		{"child_risks", "removed_reason_sealed", id, "child_risks.removed_reason", ""},
		{"safeguarding_concerns", "details_sealed", id, "safeguarding_concerns.details", ""},
		{"safeguarding_concerns", "reasons_sealed", id, "safeguarding_concerns.reasons", ""},
		{"safeguarding_concerns", "outcome_sealed", id, "safeguarding_concerns.outcome", ""},
		{"concern_actions", "what_sealed", id, "concern_actions.what", ""},
		{"measure_results", "answers_sealed", id, "measure_results.answers", ""},
		{"measure_results", "removed_reason_sealed", id, "measure_results.removed_reason", ""},
		{"professionals", "phone_sealed", id, "professionals.phone", ""},
		{"professionals", "email_sealed", id, "professionals.email", ""},
		{"meetings", "minutes_sealed", id, "meetings.actions", ""},
		{"meetings", "attendees_sealed", id, "meetings.attendees", ""},
		{"meetings", "decisions_sealed", id, "meetings.decisions", ""},
		{"meetings", "removed_reason_sealed", id, "meetings.removed_reason", ""},
		{"information_sharing", "what_sealed", id, "information_sharing.what", ""},
		{"information_sharing", "why_sealed", id, "information_sharing.why", ""},
		{"information_sharing", "removed_reason_sealed", id, "information_sharing.removed_reason", ""},
		{"information_sharing", "recipient_sealed", id, "information_sharing.recipient", ""},
		{"professionals", "removed_reason_sealed", id, "professionals.removed_reason", ""},
		{"closure_summaries", "summary_sealed", []string{"closure_id", "person_id"}, "closure_summaries.summary", ""},
		{"pauses", "note_sealed", id, "pauses.note", ""},
		{"departures", "note_sealed", id, "departures.note", ""},
		{"tasks", "note_sealed", id, "tasks.note", ""},
		{"appointments", "place_sealed", id, "appointments.place", ""},
		{"documents", "title_sealed", id, "documents.title", ""},
		{"documents", "removed_reason_sealed", id, "documents.removed_reason", ""},
		{"documents", "content_sealed", id, "documents.content", ""},
		{"vig_cycles", "strengths_sealed", id, "vig_cycles.strengths", ""},
		{"vig_cycles", "removed_reason_sealed", id, "vig_cycles.removed_reason", ""},
		{"mailing_list", "email_sealed", id, "mailing_list.email", ""},
		{"mailing_list", "name_sealed", id, "mailing_list.name", ""},
		{"outbox", "recipient_sealed", id, "outbox.recipient", ""},
		{"outbox", "body_sealed", id, "outbox.body", ""},
		{"incidents", "reported_by_sealed", id, "incidents.reported_by", ""},
		{"incidents", "removed_reason_sealed", id, "incidents.removed_reason", ""},
		{"consents", "scope_sealed", id, "consents.scope", ""},
		{"consents", "removed_reason_sealed", id, "consents.removed_reason", ""},
		{"information_sharing", "consent_reason_sealed", id, "information_sharing.consent_reason", ""},
		{"retention_reviews", "reason_sealed", []string{"family_id"}, "retention_reviews.reason", ""},
		{"referral_retention_reviews", "reason_sealed", []string{"referral_id"}, "referral_retention_reviews.reason", ""},
		{"settings", "value", []string{"key"}, "settings.research_key", "key = 'research_key'"},
	}
}

// keyring holds the store's keys. It is replaced, never changed: a reload
// from the key source swaps in a ring that extends the one in use.
type keyring struct {
	ring   atomic.Pointer[seal.Keyring]
	source func() (*seal.Keyring, error) // nil: the keys cannot change while running
	every  time.Duration
	mu     sync.Mutex // one reload at a time
	// When the source was last read (Unix nanoseconds; 0: never): by
	// sealing's periodic check, and because a value named an unknown key.
	// Separate, so a routine check just before a rotation does not hold
	// back the reload that the rotation's first value asks for.
	lastCheck, lastUnknown atomic.Int64
}

func newKeyring(k *seal.Keyring, source func() (*seal.Keyring, error), every time.Duration) *keyring {
	r := &keyring{source: source, every: every}
	r.ring.Store(k)
	return r
}

func (k *keyring) get() *seal.Keyring { return k.ring.Load() }

// due reports whether the source may be read again. Wall-clock time, not the
// store's clock: tests stop that, and this is about the process, not records.
func (k *keyring) due(last *atomic.Int64) bool {
	return time.Since(time.Unix(0, last.Load())) >= k.every
}

// refreshIfDue reads the source if the periodic check is due, without
// waiting: if another goroutine is reloading, or the source fails, sealing
// goes on under the ring in use (which is safe: everything sealed under it
// opens; a failure shows when a value cannot be opened).
func (k *keyring) refreshIfDue() {
	if k.source == nil || !k.due(&k.lastCheck) || !k.mu.TryLock() {
		return
	}
	defer k.mu.Unlock()
	if k.due(&k.lastCheck) {
		k.lastCheck.Store(time.Now().UnixNano())
		k.load() // #nosec G104 -- a failed periodic reload keeps the keys in use, which is safe; a value that cannot open reports it
	}
}

// reload reads the source because a value named a key the ring lacks: at
// most once per interval unless forced, so values under a key that is truly
// missing do not make every read hit the key file.
func (k *keyring) reload(force bool) error {
	if k.source == nil {
		return nil
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if !force && !k.due(&k.lastUnknown) {
		return nil
	}
	k.lastUnknown.Store(time.Now().UnixNano())
	return k.load()
}

// load reads the source and swaps in its ring if it extends the one in use
// and differs from it. The caller holds mu.
func (k *keyring) load() error {
	next, err := k.source()
	if err != nil {
		return fmt.Errorf("reloading the encryption keys: %w", err)
	}
	cur := k.get()
	if err := next.Extends(cur); err != nil {
		return fmt.Errorf("reloaded encryption keys refused, the keys in use are kept: %w", err)
	}
	if cur.Extends(next) == nil && cur.CurrentID() == next.CurrentID() {
		return nil // the same keys
	}
	k.ring.Store(next)
	return nil
}

// ReloadKeys reads the key source now (after cradle keys rotate added a
// key). It fails if there is no source or the new ring does not extend the
// one in use, which is then kept.
func (db *DB) ReloadKeys() error {
	if db.keys.source == nil {
		return errors.New("store: the keys have no source to reload from")
	}
	return db.keys.reload(true)
}

// ColumnKeys counts one sealed column's values by the key id each names.
type ColumnKeys struct {
	Column    string           // table.column
	Empty     int64            // "" (optional fields left blank)
	ByKey     map[string]int64 // values per key id, including ids not in the ring
	Malformed int64            // values not in the sealed format at all
}

// KeyUsage counts, for every sealed column, how many values are sealed
// under each key id: what cradle keys status shows, and how rotation knows
// what is left. Values under ids in the ring are counted in SQL; anything
// else (a key id the ring lacks, a malformed value) is read and named.
func (db *DB) KeyUsage(ctx context.Context) ([]ColumnKeys, error) {
	ids := db.Keys().IDs()
	var out []ColumnKeys
	for _, c := range SealedColumns() {
		ck := ColumnKeys{Column: c.Name(), ByKey: map[string]int64{}}
		sums := []string{`COUNT(*)`, `COALESCE(SUM(CASE WHEN ` + c.Column + ` = '' THEN 1 ELSE 0 END), 0)`}
		var args []any
		for _, id := range ids {
			args = append(args, len(keyPrefix(id)), keyPrefix(id))
			sums = append(sums, fmt.Sprintf(`COALESCE(SUM(CASE WHEN substr(%s, 1, $%d) = $%d THEN 1 ELSE 0 END), 0)`, c.Column, len(args)-1, len(args)))
		}
		q := `SELECT ` + strings.Join(sums, ", ") + ` FROM ` + c.Table
		if c.Where != "" {
			q += ` WHERE ` + c.Where
		}
		counts := make([]int64, len(sums))
		dest := make([]any, len(sums))
		for i := range counts {
			dest[i] = &counts[i]
		}
		if err := db.queryRow(ctx, q, args...).Scan(dest...); err != nil {
			return nil, fmt.Errorf("counting keys in %s: %w", c.Name(), err)
		}
		ck.Empty = counts[1]
		rest := counts[0] - counts[1]
		for i, id := range ids {
			if n := counts[2+i]; n > 0 {
				ck.ByKey[id] = n
				rest -= n
			}
		}
		if rest > 0 {
			if err := db.countOtherKeys(ctx, c, ids, &ck); err != nil {
				return nil, err
			}
		}
		out = append(out, ck)
	}
	return out, nil
}

// countOtherKeys names the key ids of values under no key in ids.
func (db *DB) countOtherKeys(ctx context.Context, c SealedColumn, ids []string, ck *ColumnKeys) error {
	where := []string{c.Column + ` <> ''`}
	var args []any
	for _, id := range ids {
		args = append(args, len(keyPrefix(id)), keyPrefix(id))
		where = append(where, fmt.Sprintf(`substr(%s, 1, $%d) <> $%d`, c.Column, len(args)-1, len(args)))
	}
	if c.Where != "" {
		where = append(where, "("+c.Where+")")
	}
	rows, err := db.query(ctx, `SELECT `+c.Column+` FROM `+c.Table+` WHERE `+strings.Join(where, " AND "), args...)
	if err != nil {
		return fmt.Errorf("reading other keys in %s: %w", c.Name(), err)
	}
	defer rows.Close()
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return fmt.Errorf("reading other keys in %s: %w", c.Name(), err)
		}
		if id, ok := seal.KeyID(v); ok {
			ck.ByKey[id]++
		} else {
			ck.Malformed++
		}
	}
	return rows.Err()
}

// keyPrefix is how every value sealed under id begins.
func keyPrefix(id string) string { return "v1." + id + "." }

// RotateOptions tune RotateKeys.
type RotateOptions struct {
	// BatchSize is how many values each transaction rewrites (default
	// 200): small, so that the write lock (SQLite has one writer) is held
	// for milliseconds and the application keeps serving.
	BatchSize int
	// Progress, if set, is called after each batch.
	Progress func(RotateProgress)
	// afterRead, in tests, runs between reading a batch and writing it
	// back: where a concurrent edit would land.
	afterRead func(SealedColumn)
}

// RotateProgress is how far a rotation has got.
type RotateProgress struct {
	Column string // the column being rewritten (table.column)
	Done   int64  // values re-encrypted so far, in every column
	Total  int64  // values under older keys when the rotation started
}

// ColumnRotation is what a rotation did to one column.
type ColumnRotation struct {
	Column  string
	Rotated int64 // re-encrypted under the current key
	Changed int64 // edited by someone else between read and write: left as edited
	Failed  int64 // could not be opened (unknown key, corrupt): left as they were
}

// RotateResult totals a rotation.
type RotateResult struct {
	KeyID   string // the key values were re-encrypted under
	Columns []ColumnRotation
	Rotated int64
	Changed int64
	Failed  int64
	// Remaining counts values still under older keys afterwards: the
	// failures, and values written meanwhile by a server that had not yet
	// loaded the new key. Running the rotation again picks them up.
	Remaining int64
	// FirstFailure describes the first value that could not be opened
	// (column, row and reason; never the value).
	FirstFailure string
}

// maxRotatePasses bounds how often a rotation goes over the tables: a
// second pass picks up values written under an old key while the first
// ran; more would chase a server that never loads the new key.
const maxRotatePasses = 3

// RotateKeys re-encrypts every sealed value that is not under the current
// key, column by column in batches. Each batch is its own transaction with
// an audit entry, and rewrites a value only if it is still the one that was
// read (compare-and-set on the ciphertext), so an edit made meanwhile is
// never lost: it is counted as Changed and kept. Between batches it waits as
// long as the batch held the write lock, so other writers get their turn.
// Run again, it continues where it stopped: only values under older keys
// are read. Values that cannot be opened are left and counted as Failed.
func (db *DB) RotateKeys(ctx context.Context, opt RotateOptions) (RotateResult, error) {
	if opt.BatchSize <= 0 {
		opt.BatchSize = 200
	}
	cols := SealedColumns()
	res := RotateResult{Columns: make([]ColumnRotation, len(cols))}
	for i, c := range cols {
		res.Columns[i].Column = c.Name()
	}
	remaining, err := db.valuesUnderOlderKeys(ctx)
	if err != nil {
		return res, err
	}
	total := remaining
	for pass := 0; pass < maxRotatePasses && remaining > 0; pass++ {
		before := res.Rotated
		for i := range res.Columns {
			res.Columns[i].Failed = 0 // failures are counted afresh each pass
		}
		for i, c := range cols {
			if err := db.rotateColumn(ctx, c, opt, &res, &res.Columns[i], total); err != nil {
				return res, err
			}
		}
		if remaining, err = db.valuesUnderOlderKeys(ctx); err != nil {
			return res, err
		}
		if res.Rotated == before {
			break // nothing more this run can do
		}
	}
	res.Failed, res.Changed = 0, 0
	for _, c := range res.Columns {
		res.Failed += c.Failed
		res.Changed += c.Changed
	}
	res.KeyID, res.Remaining = db.Keys().CurrentID(), remaining
	return res, nil
}

// valuesUnderOlderKeys counts the values not under the current key (empty
// ones aside).
func (db *DB) valuesUnderOlderKeys(ctx context.Context) (int64, error) {
	usage, err := db.KeyUsage(ctx)
	if err != nil {
		return 0, err
	}
	current := db.Keys().CurrentID()
	var n int64
	for _, u := range usage {
		for id, c := range u.ByKey {
			if id != current {
				n += c
			}
		}
		n += u.Malformed
	}
	return n, nil
}

type rotateRow struct {
	key      []any
	old, new string
}

// rotateColumn re-encrypts one column, a batch at a time, in key order.
func (db *DB) rotateColumn(ctx context.Context, c SealedColumn, opt RotateOptions, res *RotateResult, cr *ColumnRotation, total int64) error {
	var last []any
	size := c.batch(opt.BatchSize)
	for {
		ring := db.Keys()
		rows, err := db.olderValues(ctx, c, ring.CurrentID(), last, size)
		if err != nil {
			return err
		}
		if len(rows) == 0 {
			return nil
		}
		last = rows[len(rows)-1].key
		todo := rows[:0:0]
		for _, r := range rows {
			// Not under the current key, so not needing rotation means not
			// in the sealed format at all.
			var plain []byte
			err := fmt.Errorf("not a sealed value: %w", seal.ErrCorrupt)
			if ring.NeedsRotation(r.old) {
				plain, err = ring.Open(r.old, c.contextOf(r.key))
			}
			if err != nil {
				cr.Failed++
				if res.FirstFailure == "" {
					res.FirstFailure = fmt.Sprintf("%s, row %s: %v", c.Name(), keyText(c.Key, r.key), err)
				}
				continue
			}
			if r.new, err = ring.Seal(plain, c.contextOf(r.key)); err != nil {
				return err
			}
			todo = append(todo, r)
		}
		if opt.afterRead != nil {
			opt.afterRead(c)
		}
		if len(todo) > 0 {
			started := time.Now()
			rotated, changed, err := db.writeRotated(ctx, c, ring.CurrentID(), todo)
			if err != nil {
				return err
			}
			cr.Rotated += rotated
			cr.Changed += changed
			res.Rotated += rotated
			// Give other writers the write lock for as long as this batch held it.
			if err := sleep(ctx, min(time.Since(started), time.Second)); err != nil {
				return err
			}
		}
		if opt.Progress != nil {
			opt.Progress(RotateProgress{Column: c.Name(), Done: res.Rotated, Total: total})
		}
		if len(rows) < size {
			return nil
		}
	}
}

// olderValues reads up to limit non-empty values of c not under the key
// current, after the row whose key is after (nil: from the start), in key order.
func (db *DB) olderValues(ctx context.Context, c SealedColumn, current string, after []any, limit int) ([]rotateRow, error) {
	keys := strings.Join(c.Key, ", ")
	args := []any{len(keyPrefix(current)), keyPrefix(current)}
	where := []string{c.Column + ` <> ''`, `substr(` + c.Column + `, 1, $1) <> $2`}
	if c.Where != "" {
		where = append(where, "("+c.Where+")")
	}
	if after != nil {
		var past string
		past, args = c.pastKey(after, args)
		where = append(where, past)
	}
	q := `SELECT ` + keys + `, ` + c.Column + ` FROM ` + c.Table + ` WHERE ` + strings.Join(where, " AND ") +
		` ORDER BY ` + keys + ` LIMIT ` + strconv.Itoa(limit)
	rs, err := db.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("reading %s for key rotation: %w", c.Name(), err)
	}
	defer rs.Close()
	var out []rotateRow
	for rs.Next() {
		r, err := scanSealed(rs, len(c.Key))
		if err != nil {
			return nil, fmt.Errorf("reading %s for key rotation: %w", c.Name(), err)
		}
		out = append(out, r)
	}
	return out, rs.Err()
}

// pastKey is the condition for rows after the key after, in key order (a
// page of the table read by key: rotation, the row-binding step), its
// values appended to args as the next placeholders.
func (c SealedColumn) pastKey(after, args []any) (string, []any) {
	marks := make([]string, len(after))
	for i, v := range after {
		args = append(args, v)
		marks[i] = "$" + strconv.Itoa(len(args))
	}
	return "(" + strings.Join(c.Key, ", ") + ") > (" + strings.Join(marks, ", ") + ")", args
}

// keyIs is the condition for the row whose key is in the placeholders
// from $first on.
func (c SealedColumn) keyIs(first int) string {
	match := make([]string, len(c.Key))
	for i, k := range c.Key {
		match[i] = fmt.Sprintf("%s = $%d", k, first+i)
	}
	return strings.Join(match, " AND ")
}

// scanSealed scans a row of a sealed column's key (keyLen columns) and its
// value, a text key read as bytes made text again, to bind back as it was.
func scanSealed(rows *sql.Rows, keyLen int) (rotateRow, error) {
	r := rotateRow{key: make([]any, keyLen)}
	dest := make([]any, keyLen+1)
	for i := range r.key {
		dest[i] = &r.key[i]
	}
	dest[keyLen] = &r.old
	if err := rows.Scan(dest...); err != nil {
		return r, err
	}
	for i, v := range r.key {
		if b, ok := v.([]byte); ok {
			r.key[i] = string(b)
		}
	}
	return r, nil
}

// writeRotated writes a batch in one audited transaction, each row only if
// its value is still the one read.
func (db *DB) writeRotated(ctx context.Context, c SealedColumn, keyID string, rows []rotateRow) (rotated, changed int64, err error) {
	q := `UPDATE ` + c.Table + ` SET ` + c.Column + ` = $1 WHERE ` + c.keyIs(3) + ` AND ` + c.Column + ` = $2`
	err = db.Update(ctx, func(tx *Tx) error {
		rotated, changed = 0, 0
		for _, r := range rows {
			res, err := tx.exec(q, append([]any{r.new, r.old}, r.key...)...)
			if err != nil {
				return fmt.Errorf("re-encrypting %s: %w", c.Name(), err)
			}
			if n, _ := res.RowsAffected(); n == 1 {
				rotated++
			} else {
				changed++
			}
		}
		detail := fmt.Sprintf("%s: %d values re-encrypted under %s", c.Name(), rotated, keyID)
		if changed > 0 {
			detail += fmt.Sprintf(", %d changed meanwhile and left as edited", changed)
		}
		tx.Audit("keys.rotate", "", 0, 0, detail)
		return nil
	})
	return rotated, changed, err
}

// keyText shows a row's key for a message: "42", or "(3, 7)".
func keyText(names []string, key []any) string {
	parts := make([]string, len(key))
	for i, v := range key {
		if b, ok := v.([]byte); ok {
			v = string(b)
		}
		parts[i] = fmt.Sprintf("%s=%v", names[i], v)
	}
	return strings.Join(parts, ", ")
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// KeyCheck is what CheckKeys found: how many sealed values it sampled, and
// the columns whose sample the keys in use could not open.
type KeyCheck struct {
	Sampled int
	Failed  []KeyCheckFailure
}

// KeyCheckFailure names a column whose sampled value did not open, with the
// key id the value names ("" if it is not in the sealed format) and why.
type KeyCheckFailure struct {
	Column string // table.column
	KeyID  string
	Err    error
}

// NoneOpen reports whether values were sampled and not one opened: the keys
// are not this database's (another data folder's key file, or the wrong
// CRADLE_KEYS), as opposed to a damaged value here and there.
func (c KeyCheck) NoneOpen() bool { return c.Sampled > 0 && len(c.Failed) == c.Sampled }

// keyCheckRows bounds how far into each table CheckKeys looks for a value,
// so the check costs the same on a national database as on a new one: a
// column empty in a table's first rows is simply not sampled.
const keyCheckRows = 200

// CheckKeys opens one value of each sealed column (the first set among the
// table's first rows) with the keys in use. Commands run it at start: with
// a key file from another data folder every value fails to open, and a
// server would otherwise start and fail each sign-in and each page holding
// a sealed value, and would seal new values under a key that the database's
// other values do not share.
func (db *DB) CheckKeys(ctx context.Context) (KeyCheck, error) {
	var out KeyCheck
	for _, c := range SealedColumns() {
		inner := `SELECT ` + strings.Join(c.Key, ", ") + `, ` + c.Column + ` AS v FROM ` + c.Table
		if c.Where != "" {
			inner += ` WHERE ` + c.Where
		}
		q := `SELECT * FROM (` + inner + ` LIMIT ` + strconv.Itoa(keyCheckRows) + `) sample WHERE v <> '' LIMIT 1`
		key := make([]any, len(c.Key))
		var v string
		dest := make([]any, 0, len(key)+1)
		for i := range key {
			dest = append(dest, &key[i])
		}
		err := db.queryRow(ctx, q).Scan(append(dest, &v)...)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return KeyCheck{}, fmt.Errorf("checking the keys against %s: %w", c.Name(), err)
		}
		out.Sampled++
		if _, err := db.open(c.contextOf(key), v); err != nil {
			id, _ := seal.KeyID(v)
			out.Failed = append(out.Failed, KeyCheckFailure{Column: c.Name(), KeyID: id, Err: err})
		}
	}
	return out, nil
}
