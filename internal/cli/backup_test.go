package cli_test

import (
	"crypto/rand"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestBackupAndRestore(t *testing.T) {
	var raw [32]byte
	rand.Read(raw[:])
	env := map[string]string{"CRADLE_KEYS": base64.StdEncoding.EncodeToString(raw[:])}
	from, to := t.TempDir(), t.TempDir()
	if r := run(t, env, "demo", "--data", from); r.code != 0 {
		t.Fatalf("demo: %+v", r)
	}
	file := filepath.Join(t.TempDir(), "cradle.backup")
	r := run(t, env, "backup", "--data", from, "--out", file)
	if r.code != 0 || !strings.Contains(r.stdout, "Backup written to") || !strings.Contains(r.stderr, "audit_log") {
		t.Fatalf("backup: %+v", r)
	}
	st, err := os.Stat(file)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("backup file: %v, mode %v", err, st.Mode())
	}
	leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(file), ".*partial*"))
	if len(leftovers) > 0 {
		t.Errorf("partial files left behind: %v", leftovers)
	}
	if r := run(t, env, "backup", "--data", from, "--out", file); r.code != 1 || !strings.Contains(r.stderr, "already exists") {
		t.Errorf("a second backup over the first: %+v", r)
	}
	if r := run(t, env, "backup", "--data", from); r.code != 2 {
		t.Errorf("backup without --out: %+v", r)
	}

	r = run(t, env, "restore", file, "--data", to)
	if r.code != 0 || !strings.Contains(r.stdout, "Audit log intact") {
		t.Fatalf("restore: %+v", r)
	}
	if r := run(t, env, "audit", "verify", "--data", to); r.code != 0 {
		t.Errorf("audit verify after restore: %+v", r)
	}
	if r := run(t, env, "restore", file, "--data", to); r.code != 1 || !strings.Contains(r.stderr, "not empty") {
		t.Errorf("restore over data: %+v", r)
	}
	other := map[string]string{"CRADLE_KEYS": base64.StdEncoding.EncodeToString(make([]byte, 32))}
	if r := run(t, other, "restore", file, "--data", t.TempDir()); r.code != 1 || !strings.Contains(r.stderr, "cannot be opened") {
		t.Errorf("restore with another key: %+v", r)
	}
	if r := run(t, env, "restore", filepath.Join(t.TempDir(), "missing"), "--data", t.TempDir()); r.code != 1 {
		t.Errorf("restore of a missing file: %+v", r)
	}
}
