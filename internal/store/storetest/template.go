package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/seal"
	"github.com/cradle-org/cradle/internal/store"
)

// Template is a database state built once per test process and backend, and
// copied for each test that asks for it. Migrating a fresh database and
// loading the demo data took 1.5 s (PostgreSQL) to 2.7 s (SQLite) a test
// under the race detector: most of the web tests' time. A copy is a file
// written (SQLite) or a CREATE DATABASE … TEMPLATE (PostgreSQL, about 0.2 s).
// Each copy is a database of its own, so tests stay as independent as before.
//
// On PostgreSQL the template is a database named cradle_tmpl_…; Main drops a
// process's templates when its tests end, and building a template drops any
// left over by a process that crashed (older than staleAfter).
type Template struct {
	// Name goes into the PostgreSQL database's name: lower-case letters only.
	Name string
	// Prepare runs once on the migrated template (nil: migrated only). Its
	// database's clock is stopped at the template's time (see Clone).
	Prepare func(ctx context.Context, db *store.DB) error

	mu    sync.Mutex
	built map[string]*builtTemplate // by backend name
}

type builtTemplate struct {
	keys *seal.Keyring
	at   time.Time
	// SQLite: the database's files by name.
	files map[string][]byte
	// PostgreSQL: the server, a pool on it for making and dropping copies
	// (one for the process, not a connection a test), and the template.
	pg     *url.URL
	admin  *sql.DB
	pgName string
}

// staleAfter is how old a leftover template or copy on the PostgreSQL server
// must be before another process drops it: longer than any test run.
const staleAfter = 3 * time.Hour

// Clone returns a fresh copy of the template on backend b, opened with opt
// (its URL and Keys are the copy's and the template's), and the time the
// template was prepared at. A test with its own clock starts it there, so
// that the copy's "today" is the clock's.
func (tpl *Template) Clone(t testing.TB, b Backend, opt store.Options) (*store.DB, time.Time) {
	t.Helper()
	bt, err := tpl.build(b)
	if err != nil {
		t.Fatalf("building the %s template on %s: %v", tpl.Name, b.Name, err)
	}
	opt.Keys = bt.keys
	if b.Name == "postgres" {
		opt.URL = clonePostgres(t, bt)
	} else {
		dir := t.TempDir()
		for name, data := range bt.files {
			if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
				t.Fatalf("copying the %s template: %v", tpl.Name, err)
			}
		}
		opt.URL = store.SQLitePath(dir)
	}
	db, err := store.Open(context.Background(), opt)
	if err != nil {
		t.Fatalf("opening a copy of the %s template on %s: %v", tpl.Name, b.Name, err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("closing %s: %v", b.Name, err)
		}
	})
	return db, bt.at
}

// build makes the template on b's kind of database the first time it is
// asked for. A failure is not kept: the next test tries again and reports
// its own error.
func (tpl *Template) build(b Backend) (*builtTemplate, error) {
	tpl.mu.Lock()
	defer tpl.mu.Unlock()
	if bt := tpl.built[b.Name]; bt != nil {
		return bt, nil
	}
	ctx := context.Background()
	keys, err := newKeys()
	if err != nil {
		return nil, err
	}
	bt := &builtTemplate{keys: keys, at: time.Now().UTC().Truncate(time.Second)}
	opt := store.Options{Keys: keys, Now: func() time.Time { return bt.at }}
	var dir string
	if b.Name == "postgres" {
		if err := bt.createTemplateDatabase(ctx, tpl.Name); err != nil {
			return nil, err
		}
		opt.URL = withDatabase(bt.pg, bt.pgName)
	} else {
		if dir, err = os.MkdirTemp("", "cradle-template-"); err != nil {
			return nil, err
		}
		defer os.RemoveAll(dir) // #nosec G104 -- the template is in memory by then; a leftover folder is harmless
		opt.URL = store.SQLitePath(dir)
	}
	if err := prepare(ctx, opt, tpl.Prepare); err != nil {
		if bt.admin != nil {
			bt.drop() // #nosec G104 -- the preparation's error is the one to report
		}
		return nil, err
	}
	if dir != "" {
		// Closing the last connection checkpointed the write-ahead log into
		// the file; a log left behind is copied with it all the same.
		bt.files = map[string][]byte{}
		for _, suffix := range []string{"", "-wal"} {
			p := store.SQLitePath(dir) + suffix
			data, err := os.ReadFile(p) // #nosec G304 -- a path this function made
			if errors.Is(err, os.ErrNotExist) && suffix != "" {
				continue
			}
			if err != nil {
				return nil, err
			}
			bt.files[filepath.Base(p)] = data
		}
	}
	if tpl.built == nil {
		tpl.built = map[string]*builtTemplate{}
	}
	tpl.built[b.Name] = bt
	return bt, nil
}

// prepare migrates a new database and runs fn on it, then closes it: a
// PostgreSQL database can be copied only while nobody is connected to it.
func prepare(ctx context.Context, opt store.Options, fn func(context.Context, *store.DB) error) (err error) {
	db, err := store.Open(ctx, opt)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, db.Close()) }()
	if _, err := db.Migrate(ctx); err != nil {
		return fmt.Errorf("migrating: %w", err)
	}
	if fn != nil {
		return fn(ctx, db)
	}
	return nil
}

// Drop removes the template's PostgreSQL database, if it built one.
func (tpl *Template) Drop() error {
	tpl.mu.Lock()
	defer tpl.mu.Unlock()
	var errs []error
	for name, bt := range tpl.built {
		if bt.admin != nil {
			errs = append(errs, bt.drop())
		}
		delete(tpl.built, name)
	}
	return errors.Join(errs...)
}

// drop drops the template database and closes the pool.
func (bt *builtTemplate) drop() error {
	return errors.Join(dropDatabase(bt.admin, bt.pgName), bt.admin.Close())
}

// Main runs a package's tests, then drops the templates they built
// (Migrated's always) from the PostgreSQL server. A package whose tests
// clone templates calls it from TestMain.
func Main(m *testing.M, templates ...*Template) {
	code := m.Run()
	for _, tpl := range append([]*Template{Migrated}, templates...) {
		if err := tpl.Drop(); err != nil {
			fmt.Fprintf(os.Stderr, "dropping the %s test template: %v\n", tpl.Name, err)
		}
	}
	os.Exit(code)
}

// createTemplateDatabase opens a pool on the configured server and makes an
// empty database there for the template, after dropping stale ones.
func (bt *builtTemplate) createTemplateDatabase(ctx context.Context, name string) error {
	base := os.Getenv(EnvPostgres)
	if base == "" {
		return fmt.Errorf("%s is not set", EnvPostgres)
	}
	u, err := url.Parse(base)
	if err != nil {
		return fmt.Errorf("parsing %s: %w", EnvPostgres, err)
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return err
	}
	dropStale(ctx, admin)
	db := uniqueName("cradle_tmpl_" + name)
	if _, err := admin.ExecContext(ctx, `CREATE DATABASE `+db); err != nil {
		admin.Close() // #nosec G104 -- the CREATE's error is the one to report
		return fmt.Errorf("creating %s: %w", db, err)
	}
	bt.pg, bt.admin, bt.pgName = u, admin, db
	return nil
}

// clonePostgres copies the template database into a new one for this test,
// dropped when the test ends, and returns its URL.
func clonePostgres(t testing.TB, bt *builtTemplate) string {
	t.Helper()
	name := uniqueName("cradle_test")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if _, err := bt.admin.ExecContext(ctx, `CREATE DATABASE `+name+` TEMPLATE `+bt.pgName); err != nil {
		t.Fatalf("copying test template %s: %v", bt.pgName, err)
	}
	// Registered before the store's own Close, so it runs after it.
	t.Cleanup(func() {
		if err := dropDatabase(bt.admin, name); err != nil {
			t.Logf("dropping test database %s: %v", name, err) // left for the next run's sweep; the test's result stands
		}
	})
	return withDatabase(bt.pg, name)
}

// dropDatabase drops a database even if a connection to it is still open.
func dropDatabase(admin *sql.DB, name string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	_, err := admin.ExecContext(ctx, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`)
	return err
}

// dropStale drops test databases and templates left by a process that
// stopped before its cleanup: their names carry their creation time.
func dropStale(ctx context.Context, admin *sql.DB) {
	rows, err := admin.QueryContext(ctx, `SELECT datname FROM pg_database WHERE datname LIKE 'cradle\_t%'`)
	if err != nil {
		return
	}
	var stale []string
	for rows.Next() {
		var name string
		if rows.Scan(&name) != nil {
			continue
		}
		if at, ok := createdAt(name); ok && time.Since(at) > staleAfter {
			stale = append(stale, name)
		}
	}
	rows.Close() // #nosec G104 -- a sweep that misses a name misses it until next time
	for _, name := range stale {
		dropDatabase(admin, name) // #nosec G104 -- best effort: another process may be dropping it too
	}
}

// uniqueName is prefix_<unix seconds>_<random hex>: unique across processes,
// and datable by dropStale.
func uniqueName(prefix string) string {
	var b [4]byte
	rand.Read(b[:])
	return prefix + "_" + strconv.FormatInt(time.Now().Unix(), 10) + "_" + hex.EncodeToString(b[:])
}

func createdAt(name string) (time.Time, bool) {
	parts := strings.Split(name, "_")
	if len(parts) < 3 {
		return time.Time{}, false
	}
	sec, err := strconv.ParseInt(parts[len(parts)-2], 10, 64)
	if err != nil {
		return time.Time{}, false
	}
	return time.Unix(sec, 0), true
}

// withDatabase is the server's URL with its database replaced by name.
func withDatabase(server *url.URL, name string) string {
	u := *server
	u.Path = "/" + name
	return u.String()
}
