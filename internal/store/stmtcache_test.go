package store_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/cradle-org/cradle/internal/store"
	"github.com/cradle-org/cradle/internal/store/storetest"
)

// The statement cache keeps fixed statements once (SQLite only: pgx has
// its own), answers the same through a kept statement as without one, and
// never keeps a statement whose text changes with a long IN list.
func TestStatementCache(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		q := `SELECT COUNT(*) FROM staff WHERE id > $1 AND 'cache-test' <> $2`
		before := db.CachedStatements()
		for range 3 {
			n, err := db.RawString(ctx, q, 0, "x")
			if err != nil || n != "0" {
				t.Fatalf("cached query = %q, %v; want 0", n, err)
			}
		}
		grew := db.CachedStatements() - before
		if want := map[store.Dialect]int{store.SQLite: 1, store.Postgres: 0}[db.Dialect()]; grew != want {
			t.Errorf("%s: the cache grew by %d for one statement run 3 times; want %d", db.Dialect(), grew, want)
		}

		marks := make([]string, 30)
		args := make([]any, 30)
		for i := range marks {
			marks[i] = "$" + strconv.Itoa(i+1)
			args[i] = i + 1
		}
		before = db.CachedStatements()
		if _, err := db.RawString(ctx, `SELECT COUNT(*) FROM staff WHERE id IN (`+strings.Join(marks, ", ")+`)`, args...); err != nil {
			t.Fatal(err)
		}
		if db.CachedStatements() != before {
			t.Errorf("a 30-item IN list was kept in the cache")
		}

		// A statement that does not prepare gives the database's own error.
		if _, err := db.RawString(ctx, `SELECT missing_col FROM no_such_table WHERE id = $1`, 1); err == nil || !strings.Contains(err.Error(), "no_such_table") {
			t.Errorf("bad statement: %v; want the database's error naming the table", err)
		}
	})
}
