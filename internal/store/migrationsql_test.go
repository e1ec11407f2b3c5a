package store_test

import (
	"strings"
	"testing"

	"github.com/cradle-org/cradle/internal/store"
)

// runMigrationStatements runs again, on db, the statements of migration
// version that contain marker, as they are in the migration (split on
// ";", so a statement tested this way holds none inside it): a test of a
// migration's backfill sets rows up as they were before it and checks
// what the migration's own SQL makes of them. It fails the test when no
// statement matches.
func runMigrationStatements(t *testing.T, db *store.DB, version int, marker string) {
	t.Helper()
	ms, err := store.Migrations(db.Dialect())
	if err != nil {
		t.Fatal(err)
	}
	ran := false
	for _, m := range ms {
		if m.Version != version {
			continue
		}
		for _, stmt := range strings.Split(m.SQL, ";") {
			if strings.Contains(stmt, marker) {
				if err := db.RawExec(ctx, stmt); err != nil {
					t.Fatalf("migration %d's statement %q: %v", version, marker, err)
				}
				ran = true
			}
		}
	}
	if !ran {
		t.Fatalf("migration %d has no statement containing %q", version, marker)
	}
}
