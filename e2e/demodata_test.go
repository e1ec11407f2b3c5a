package e2e

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/cli"
	"github.com/cradle-org/cradle/internal/store/storetest"
)

// testPasswordParams are cheap argon2id costs for the tests' servers and
// demo data: the journeys sign in often, and under the race detector a
// hash at the default cost takes about two seconds a sign-in.
var testPasswordParams = storetest.PasswordParams

// demoFolder is a data folder with the demo loaded (`cradle demo`), made
// once a day per test process: each server starts on a copy of it instead
// of migrating and loading the demo itself, which took about 2.7 s a server
// under the race detector. It is remade when the UTC day changes, so the
// demo's "today" is the day the test runs (as when the server loaded it).
var demoFolder struct {
	mu  sync.Mutex
	dir string
	day time.Time
}

func TestMain(m *testing.M) {
	code := m.Run()
	if demoFolder.dir != "" {
		os.RemoveAll(demoFolder.dir) // #nosec G104 -- a temporary folder; the tests' result stands
	}
	os.Exit(code)
}

// demoDataCopy returns a fresh data folder holding a copy of the demo.
func demoDataCopy(t *testing.T) string {
	t.Helper()
	demoFolder.mu.Lock()
	defer demoFolder.mu.Unlock()
	today := time.Now().UTC().Truncate(24 * time.Hour)
	if demoFolder.dir == "" || !demoFolder.day.Equal(today) {
		if demoFolder.dir != "" {
			os.RemoveAll(demoFolder.dir) // #nosec G104 -- yesterday's copy; a leftover temporary folder is harmless
			demoFolder.dir = ""
		}
		dir, err := os.MkdirTemp("", "cradle-e2e-demo-")
		if err != nil {
			t.Fatal(err)
		}
		var stderr strings.Builder
		app := &cli.App{Stdout: io.Discard, Stderr: &stderr, Getenv: func(string) string { return "" }, Version: "test", PasswordParams: testPasswordParams}
		if code := app.Run(context.Background(), []string{"demo", "--data", dir}); code != 0 {
			os.RemoveAll(dir) // #nosec G104 -- the command's failure is the one to report
			t.Fatalf("cradle demo exited with code %d:\n%s", code, stderr.String())
		}
		demoFolder.dir, demoFolder.day = dir, today
	}
	dst := t.TempDir()
	entries, err := os.ReadDir(demoFolder.dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		// The shared-memory index is rebuilt by SQLite; everything else
		// (the database, its key file) is copied with its permissions.
		if !e.Type().IsRegular() || strings.HasSuffix(e.Name(), "-shm") {
			continue
		}
		info, err := e.Info()
		if err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(filepath.Join(demoFolder.dir, e.Name())) // #nosec G304 -- a folder this test made
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), data, info.Mode().Perm()); err != nil { // #nosec G703 -- a name listed from a folder this test made
			t.Fatal(err)
		}
	}
	return dst
}
