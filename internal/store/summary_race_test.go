package store_test

import (
	"database/sql"
	"strconv"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/store"
	"github.com/cradle-org/cradle/internal/store/storetest"
)

// TestSummariesUnderConcurrentWrites: two transactions changing what one
// summary row is worked out from, at the same moment, must leave the row
// as working it out afresh gives. On PostgreSQL (READ COMMITTED) a
// trigger that worked a row out again from its statement's snapshot, then
// waited for the other transaction's lock on the row, wrote what it had
// worked out before the other committed: the other's change was lost from
// the dashboard's figures until the row next changed. SQLite has one
// writer at a time, so there the second transaction waits at BEGIN.
func TestSummariesUnderConcurrentWrites(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		seedReportDataset(t, db)
		seedSummaryRows(t, db)
		// Two sessions of family 7 not attended, to be marked attended: in
		// different months, so that the second waits for nothing else first
		// (the monthly counts' rows), which would hide the race.
		for _, id := range []int{9001, 9002, 9003} {
			mustExec(t, db, `INSERT INTO case_sessions (id, family_id, person_id, staff_id, held_on, mode, attendance, kind, created_at, updated_at)
				VALUES ($1, 7, 70, 1, $2, 'home', 'did_not_attend', 'session', $3, $3)`, id, d(2026, time.Month(id-8998), 11), now())
		}
		// Family 7 completed the programme; its parent has one session on
		// self-esteem attended and two not, to be marked attended: together
		// they reach its target of 3, either alone does not.
		mustExec(t, db, `INSERT INTO closures (family_id, kind, reason, closed_on, requested_by, created_at) VALUES (7, 'planned', 'planned_end', $1, 1, $2)`, d(2026, 6, 30), now())
		for _, s := range []struct {
			id         int
			attendance string
		}{{9004, "attended"}, {9005, "did_not_attend"}, {9006, "did_not_attend"}} {
			mustExec(t, db, `INSERT INTO case_sessions (id, family_id, person_id, staff_id, held_on, mode, attendance, kind, module, created_at, updated_at)
				VALUES ($1, 7, 70, 1, $2, 'home', $3, 'session', 'self_esteem', $4, $4)`, s.id, d(2026, time.Month(s.id-9000), 18), s.attendance, now())
		}
		measure := func(timepoint, taken string, score int) string {
			return `INSERT INTO measure_results (family_id, person_id, instrument, timepoint, taken_on, total, score, created_at)
				VALUES (7, 70, 'epds', '` + timepoint + `', '` + taken + `', ` + strconv.Itoa(score) + `, ` + strconv.Itoa(score) + `, '2026-07-01')`
		}
		facts := `SELECT CAST(attended AS TEXT) || '|' || COALESCE(CAST(last_attended_on AS TEXT), '') || '|' || COALESCE(CAST(first_session_on AS TEXT), '') FROM family_session_facts WHERE family_id = 7`
		names := func(family int) string {
			return `SELECT COALESCE(MAX(CAST(closed AS TEXT) || '|' || reference), 'none') FROM person_names WHERE family_id = ` + strconv.Itoa(family) + ` AND name = 'ashley'`
		}
		for _, c := range []struct {
			name          string
			first, second string
			summary       string // the summary row(s), as text
			recompute     string // a change that works them out afresh
		}{
			{
				name:      "a family's attended sessions",
				first:     `UPDATE case_sessions SET attendance = 'attended' WHERE id = 9001`,
				second:    `UPDATE case_sessions SET attendance = 'attended' WHERE id = 9002`,
				summary:   facts,
				recompute: `UPDATE case_sessions SET attendance = attendance WHERE id = 9001`,
			},
			{
				name:      "a family's attended sessions, one recorded while another is marked attended",
				first:     `INSERT INTO case_sessions (family_id, person_id, staff_id, held_on, mode, attendance, kind, created_at, updated_at) VALUES (7, 70, 1, '2026-06-11', 'home', 'attended', 'session', '2026-07-01', '2026-07-01')`,
				second:    `UPDATE case_sessions SET attendance = 'attended' WHERE id = 9003`,
				summary:   facts,
				recompute: `UPDATE case_sessions SET attendance = attendance WHERE id = 9001`,
			},
			{
				name:      "a parent's outcome pair, baseline and follow-up entered at once",
				first:     measure("baseline", "2026-01-10", 14),
				second:    measure("m6", "2026-06-10", 8),
				summary:   `SELECT COALESCE(MAX(CAST(base_score AS TEXT) || '|' || CAST(follow_up_score AS TEXT)), 'no pair') FROM outcome_pairs WHERE person_id = 70 AND instrument = 'epds'`,
				recompute: `UPDATE measure_results SET score = score WHERE person_id = 70 AND instrument = 'epds'`,
			},
			{
				name:      "a referral's facts, the referral changed while its family's first session is recorded",
				first:     `UPDATE referrals SET source = 'self', referrer_role = '' WHERE id = 9`,
				second:    `INSERT INTO case_sessions (family_id, person_id, staff_id, held_on, mode, attendance, kind, created_at, updated_at) VALUES (9, 90, 1, '2025-01-02', 'home', 'attended', 'session', '2026-07-01', '2026-07-01')`,
				summary:   `SELECT source || '|' || referrer_role || '|' || COALESCE(CAST(first_contact_days AS TEXT), '') FROM referral_facts WHERE referral_id = 9`,
				recompute: `UPDATE referrals SET source = source WHERE id = 9`,
			},
			{
				name:      "a family's babies for retention, a closure while a birth date is corrected",
				first:     `INSERT INTO closures (family_id, kind, reason, closed_on, requested_by, created_at) VALUES (5, 'early', 'disengaged', '2026-06-01', 1, '2026-07-01')`,
				second:    `UPDATE people SET date_of_birth = '2025-05-21' WHERE id = 1005`,
				summary:   `SELECT COALESCE(MAX(facts), 'none') FROM retention_babies WHERE family_id = 5`,
				recompute: `UPDATE people SET date_of_birth = date_of_birth WHERE id = 1005`,
			},
			{
				name:      "a family's babies for retention, a birth date corrected while the family closes",
				first:     `UPDATE people SET date_of_birth = '2025-10-30' WHERE id = 1004`,
				second:    `INSERT INTO closures (family_id, kind, reason, closed_on, requested_by, created_at) VALUES (4, 'early', 'withdrew', '2026-06-02', 1, '2026-07-01')`,
				summary:   `SELECT COALESCE(MAX(facts), 'none') FROM retention_babies WHERE family_id = 4`,
				recompute: `UPDATE people SET date_of_birth = date_of_birth WHERE id = 1004`,
			},
			{
				name:      "a family's people's names for search, the family closed while a child is added",
				first:     `UPDATE families SET stage = 'closed' WHERE id = 8`,
				second:    `INSERT INTO people (family_id, kind, given_name, created_at, updated_at) VALUES (8, 'child', 'Ashley', '2026-07-01', '2026-07-01')`,
				summary:   names(8),
				recompute: `UPDATE people SET given_name = given_name WHERE family_id = 8`,
			},
			{
				name:      "a family's people's names for search, a child added while the family closes",
				first:     `INSERT INTO people (family_id, kind, given_name, created_at, updated_at) VALUES (2, 'child', 'Ashley', '2026-07-01', '2026-07-01')`,
				second:    `UPDATE families SET stage = 'closed' WHERE id = 2`,
				summary:   names(2),
				recompute: `UPDATE people SET given_name = given_name WHERE family_id = 2`,
			},
			{
				name:      "a completed family's programme content, two sessions on a module marked attended at once",
				first:     `UPDATE case_sessions SET attendance = 'attended' WHERE id = 9005`,
				second:    `UPDATE case_sessions SET attendance = 'attended' WHERE id = 9006`,
				summary:   `SELECT COALESCE(MAX(CAST(parents AS TEXT) || '|' || CAST(reached AS TEXT)), 'none') FROM completed_content WHERE family_id = 7 AND module = 'self_esteem'`,
				recompute: `UPDATE closures SET closed_on = closed_on WHERE family_id = 7`,
			},
			{
				// Two different rows, so no row lock orders them: without the
				// family's lock the second deleted the rows it saw and then met
				// the first's new ones.
				name:      "a completed family's programme content, a parent changed while a session is marked attended",
				first:     `UPDATE people SET active = TRUE WHERE id = 70`,
				second:    `UPDATE case_sessions SET attendance = 'did_not_attend' WHERE id = 9004`,
				summary:   `SELECT COALESCE(MAX(CAST(parents AS TEXT) || '|' || CAST(reached AS TEXT)), 'none') FROM completed_content WHERE family_id = 7 AND module = 'self_esteem'`,
				recompute: `UPDATE closures SET closed_on = closed_on WHERE family_id = 7`,
			},
		} {
			waited := raceWrites(t, db, c.first, c.second)
			got := rawString(t, db, c.summary)
			mustExec(t, db, c.recompute)
			if want := rawString(t, db, c.summary); got != want {
				t.Errorf("%s: the summary after both committed is %q; worked out afresh it is %q (the second transaction waited for the first: %v)", c.name, got, want, waited)
			}
		}
	})
}

func rawString(t *testing.T, db *store.DB, q string) string {
	t.Helper()
	s, err := db.RawString(ctx, q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return s
}

// raceWrites runs first in one transaction and, while it is still open,
// second in another; the first commits once the second is waiting for it
// (or has gone ahead without waiting), then the second commits. It says
// whether the second was seen waiting.
func raceWrites(t *testing.T, db *store.DB, first, second string) bool {
	t.Helper()
	begin := "BEGIN"
	if db.Dialect() == store.SQLite {
		begin = "BEGIN IMMEDIATE" // as the store's writers do
	}
	conn := func() *sql.Conn {
		c, err := db.RawConn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	c1, c2 := conn(), conn()
	// Back to the pool (a few cases would hold all of SQLite's 8).
	defer c1.Close()
	defer c2.Close()
	for _, q := range []string{begin, first} {
		if _, err := c1.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	var pid int64
	if db.Dialect() == store.Postgres {
		if err := c2.QueryRowContext(ctx, `SELECT pg_backend_pid()`).Scan(&pid); err != nil {
			t.Fatal(err)
		}
	}
	done := make(chan error, 1)
	go func() {
		if _, err := c2.ExecContext(ctx, begin); err != nil {
			done <- err
			return
		}
		_, err := c2.ExecContext(ctx, second)
		done <- err
	}()
	waited, finished := false, false
	var secondErr error
	for deadline := time.Now().Add(10 * time.Second); !waited && !finished && time.Now().Before(deadline); {
		select {
		case secondErr = <-done:
			finished = true
			continue
		case <-time.After(10 * time.Millisecond):
		}
		if db.Dialect() == store.SQLite {
			waited = true // blocked at BEGIN IMMEDIATE until the first commits
			break
		}
		if count(t, db, `FROM pg_locks WHERE pid = $1 AND NOT granted`, pid) != 0 {
			waited = true
		}
	}
	if _, err := c1.ExecContext(ctx, "COMMIT"); err != nil {
		t.Fatalf("committing the first: %v", err)
	}
	if !finished {
		secondErr = <-done
	}
	if secondErr != nil {
		t.Fatalf("%s: %v", second, secondErr)
	}
	if _, err := c2.ExecContext(ctx, "COMMIT"); err != nil {
		t.Fatalf("committing the second: %v", err)
	}
	return waited
}

// TestSummaryLocksBelongToTheirSchema: the summary triggers' advisory locks
// (migrations 27 and 31) are their schema's. Advisory locks belong to the
// whole database, so with the same numbers two Cradles in two schemas of
// one database took each other's locks, and two bulk loads at once, one in
// each, could deadlock (seen when two packages' tests seeded together).
// Within a schema a key still waits for the other keys of its bucket.
func TestSummaryLocksBelongToTheirSchema(t *testing.T) {
	urlA, urlB := storetest.PostgresURL(t), storetest.PostgresURL(t)
	if urlA == "" {
		return // PostgresURL said why
	}
	begin := func(url string) *sql.Tx {
		storetest.Open(t, storetest.Backend{Name: "postgres", URL: url}, nil) // migrated
		conn, err := sql.Open("pgx", url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { conn.Close() }) // #nosec G104 -- the test is over
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { tx.Rollback() }) // #nosec G104 -- the test is over; it wrote nothing
		if _, err := tx.ExecContext(ctx, `SET LOCAL lock_timeout = '1s'`); err != nil {
			t.Fatal(err)
		}
		return tx
	}
	a, b, a2 := begin(urlA), begin(urlB), begin(urlA)
	if _, err := a.ExecContext(ctx, `SELECT summary_lock(7210, 5)`); err != nil {
		t.Fatal(err)
	}
	if _, err := b.ExecContext(ctx, `SELECT summary_lock(7210, 5)`); err != nil {
		t.Errorf("a summary lock in another schema waited for this one's: %v", err)
	}
	if _, err := b.ExecContext(ctx, `SELECT summary_lock(7210, 5, 300)`); err != nil {
		t.Errorf("a summary lock of two keys in another schema waited for this one's: %v", err)
	}
	if _, err := a2.ExecContext(ctx, `SELECT summary_lock(7210, 261)`); err == nil {
		t.Error("a key of the same bucket in the same schema did not wait for the lock held")
	}
}
