// Package storetest opens real databases for tests: a fresh SQLite file, and
// a fresh PostgreSQL schema when CRADLE_TEST_POSTGRES_URL is set. It is used
// only from _test.go files.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/credential"
	"github.com/cradle-org/cradle/internal/seal"
	"github.com/cradle-org/cradle/internal/store"
)

// PasswordParams are cheap argon2id costs for tests' password hashes
// (demo.LoadWith's, a test server's): under the race detector a hash at
// the default cost takes about two seconds, and tests sign in often.
var PasswordParams = credential.Params{Memory: 1024, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}

// EnvPostgres names the PostgreSQL server for tests; EnvRequire makes its
// absence a failure rather than a skip (CI sets both).
const (
	EnvPostgres = "CRADLE_TEST_POSTGRES_URL"
	EnvRequire  = "CRADLE_TEST_REQUIRE_POSTGRES"
)

// Keys returns a fresh keyring.
func Keys(t testing.TB) *seal.Keyring {
	t.Helper()
	ring, err := newKeys()
	if err != nil {
		t.Fatal(err)
	}
	return ring
}

func newKeys() (*seal.Keyring, error) {
	k := make([]byte, 32)
	rand.Read(k)
	return seal.NewKeyring("k1", map[string][]byte{"k1": k})
}

// Backend is one database to test against.
type Backend struct {
	Name string
	// URL opens the database (an SQLite path or a postgres:// URL with its own schema).
	URL string
}

// Backends returns SQLite and, when configured, PostgreSQL, each fresh and
// empty and removed when the test ends.
func Backends(t testing.TB) []Backend {
	t.Helper()
	out := []Backend{{Name: "sqlite", URL: store.SQLitePath(t.TempDir())}}
	if pg := PostgresURL(t); pg != "" {
		out = append(out, Backend{Name: "postgres", URL: pg})
	}
	return out
}

// Kinds returns SQLite and, when configured, PostgreSQL, with no database
// made yet: for Template.Clone, which makes its own.
func Kinds(t testing.TB) []Backend {
	t.Helper()
	out := []Backend{{Name: "sqlite"}}
	if postgresBase(t) != "" {
		out = append(out, Backend{Name: "postgres"})
	}
	return out
}

// postgresBase is the configured server's URL, or "" (after logging why,
// or failing the test when the server is required).
func postgresBase(t testing.TB) string {
	t.Helper()
	base := os.Getenv(EnvPostgres)
	if base == "" {
		if os.Getenv(EnvRequire) != "" {
			t.Fatalf("%s is not set but %s is: the PostgreSQL tests must run", EnvPostgres, EnvRequire)
		}
		t.Logf("PostgreSQL tests skipped: set %s (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable) to run them", EnvPostgres)
	}
	return base
}

// PostgresURL creates a fresh schema and returns a URL whose connections use
// it, or "" (after logging why) when no server is configured.
func PostgresURL(t testing.TB) string {
	t.Helper()
	base := postgresBase(t)
	if base == "" {
		return ""
	}
	schema := uniqueName("cradle_test")
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("opening %s: %v", EnvPostgres, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if _, err := admin.ExecContext(ctx, `CREATE SCHEMA `+schema); err != nil {
		admin.Close() // #nosec G104 -- the CREATE's error is the one to report
		t.Fatalf("creating test schema on %s: %v", EnvPostgres, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		if _, err := admin.ExecContext(ctx, `DROP SCHEMA `+schema+` CASCADE`); err != nil {
			t.Logf("dropping test schema %s: %v", schema, err) // left for a person to drop; the test's result stands
		}
		admin.Close() // #nosec G104 -- the test is over and the schema dealt with
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("parsing %s: %v", EnvPostgres, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Open opens and migrates a backend.
func Open(t testing.TB, b Backend, now func() time.Time) *store.DB {
	t.Helper()
	return OpenWithKeys(t, b, Keys(t), now)
}

// OpenWithKeys opens and migrates a backend with the given keys.
func OpenWithKeys(t testing.TB, b Backend, keys *seal.Keyring, now func() time.Time) *store.DB {
	t.Helper()
	return OpenWith(t, b, store.Options{Keys: keys, Now: now})
}

// OpenWith opens and migrates a backend with the given options (its URL
// is the backend's).
func OpenWith(t testing.TB, b Backend, opt store.Options) *store.DB {
	t.Helper()
	opt.URL = b.URL
	db, err := store.Open(context.Background(), opt)
	if err != nil {
		t.Fatalf("opening %s: %v", b.Name, err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("closing %s: %v", b.Name, err)
		}
	})
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatalf("migrating %s: %v", b.Name, err)
	}
	return db
}

// Migrated is the template Each copies: a database migrated and nothing more.
var Migrated = &Template{Name: "migrated"}

// Each runs fn as a subtest against every backend, each a fresh copy of a
// migrated database (see Template).
func Each(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	for _, b := range Kinds(t) {
		t.Run(b.Name, func(t *testing.T) {
			db, _ := Migrated.Clone(t, b, store.Options{})
			fn(t, db)
		})
	}
}

// TempPath is a file path in a fresh temporary folder.
func TempPath(t testing.TB, name string) string { return filepath.Join(t.TempDir(), name) }
