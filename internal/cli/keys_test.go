package cli_test

import (
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cradle-org/cradle/internal/seal"
	"github.com/cradle-org/cradle/internal/store"
)

func TestKeysUsage(t *testing.T) {
	for _, c := range []struct {
		args     []string
		code     int
		out, err string
	}{
		{[]string{"keys"}, 2, "", "cradle keys status or cradle keys rotate"},
		{[]string{"keys", "spin"}, 2, "", "cradle keys status or cradle keys rotate"},
		{[]string{"keys", "-h"}, 0, "cradle keys rotate", ""},
		{[]string{"keys", "rotate", "-h"}, 0, "-batch", ""},
		{[]string{"keys", "status", "-h"}, 0, "-database", ""},
		{[]string{"keys", "rotate", "--batch", "0", "--data", "DATA"}, 2, "", "--batch must be between 1 and 5000"},
		{[]string{"keys", "rotate", "--wait", "-1s", "--data", "DATA"}, 2, "", "--wait must be between 0s and 1h"},
		{[]string{"help"}, 0, "keys", ""},
	} {
		for i, a := range c.args {
			if a == "DATA" {
				c.args[i] = t.TempDir()
			}
		}
		if r := run(t, nil, c.args...); r.code != c.code || !strings.Contains(r.stdout, c.out) || !strings.Contains(r.stderr, c.err) {
			t.Errorf("%v: %+v; want exit %d, %q in stdout, %q in stderr", c.args, r, c.code, c.out, c.err)
		}
	}
}

// exportResearch writes the research extract, whose pseudonyms come from the
// sealed research key and whose rows come from sealed and clear columns: the
// same extract before and after a rotation means the data reads the same.
func exportResearch(t *testing.T, env map[string]string, db []string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "extract.csv")
	r := run(t, env, append(append([]string{"export", "research"}, db...), "--as", demoAdmin, "--project", "Keys", "--out", out)...)
	if r.code != 0 {
		t.Fatalf("export research: %+v", r)
	}
	body, err := os.ReadFile(out) // #nosec G304 -- a file this test wrote
	if err != nil {
		t.Fatal(err)
	}
	return string(body)
}

// TestKeysRotateWithKeyFile runs keys status and keys rotate on the demo
// data, on both databases: the key file gains k2 (k1 kept), every value
// ends under k2, the data reads the same, and the audit chain holds; an
// interrupted rotation carries on without adding a key; a rotation after a
// finished one starts the next (k3).
func TestKeysRotateWithKeyFile(t *testing.T) {
	for name, db := range backendArgs(t) {
		t.Run(name, func(t *testing.T) {
			keys := func(extra ...string) result {
				return run(t, nil, append(append([]string{"keys"}, extra...), db...)...)
			}
			if r := run(t, nil, append([]string{"demo"}, db...)...); r.code != 0 {
				t.Fatalf("demo: %+v", r)
			}
			before := exportResearch(t, nil, db)
			r := keys("status")
			if r.code != 0 || !strings.Contains(r.stdout, "(current k1; blind indexes use k1)") || !strings.Contains(r.stdout, "people.address_sealed") ||
				!strings.Contains(r.stdout, "settings.value") || !strings.Contains(r.stdout, "Every encrypted value is under the current key, k1.") {
				t.Fatalf("keys status: %+v", r)
			}
			r = keys("rotate", "--batch", "7", "--wait", "10ms")
			if r.code != 0 || !strings.Contains(r.stdout, "Added the key k2") || !strings.Contains(r.stdout, "Waiting 10ms for running servers") || !strings.Contains(r.stdout, "k1 kept") ||
				!strings.Contains(r.stdout, "Every encrypted value is now under k2.") || !strings.Contains(r.stderr, "100%") {
				t.Fatalf("keys rotate: %+v", r)
			}
			keyFile := filepath.Join(db[1], "cradle.key")
			ring, err := seal.LoadFile(keyFile)
			if err != nil || ring.CurrentID() != "k2" || !slices.Equal(ring.IDs(), []string{"k1", "k2"}) {
				t.Fatalf("key file after rotation: %v, %v", ring, err)
			}
			r = keys("status")
			if r.code != 0 || !strings.Contains(r.stdout, "(current k2; blind indexes use k1)") || !strings.Contains(r.stdout, "Every encrypted value is under the current key, k2.") {
				t.Errorf("keys status after rotation: %+v", r)
			}
			if after := exportResearch(t, nil, db); after != before {
				t.Error("the research extract differs after rotation")
			}
			if v := run(t, nil, append([]string{"audit", "verify"}, db...)...); v.code != 0 {
				t.Errorf("audit verify after rotation: %+v", v)
			}
			// A rotation stopped right after adding its key (k3 in the file, every value under k2).
			if _, _, err := seal.AddKeyToFile(keyFile); err != nil {
				t.Fatal(err)
			}
			r = keys("rotate")
			if r.code != 0 || !strings.Contains(r.stdout, "still under older keys: re-encrypting them under the current key, k3 (no new key added)") ||
				!strings.Contains(r.stdout, "Every encrypted value is now under k3.") {
				t.Fatalf("keys rotate after an interrupted run: %+v", r)
			}
			if ring, _ := seal.LoadFile(keyFile); len(ring.IDs()) != 3 {
				t.Errorf("carrying on added a key: %v", ring.IDs())
			}
			// Nothing left: a further run starts the next rotation.
			if r = keys("rotate", "--wait", "0s"); r.code != 0 || !strings.Contains(r.stdout, "Added the key k4") {
				t.Errorf("keys rotate after a finished rotation: %+v", r)
			}
		})
	}
}

// TestKeysRotateWithCradleKeys: with CRADLE_KEYS the command changes
// nothing and prints, on standard output only, the two values to set; with
// the second in place it re-encrypts, and an instance still on the first
// (which reads k2 but seals under k1) reads everything.
func TestKeysRotateWithCradleKeys(t *testing.T) {
	key := make([]byte, 32)
	rand.Read(key)
	env := map[string]string{"CRADLE_KEYS": base64.StdEncoding.EncodeToString(key)}
	db := []string{"--data", t.TempDir()}
	if r := run(t, env, append([]string{"demo"}, db...)...); r.code != 0 {
		t.Fatalf("demo: %+v", r)
	}
	before := exportResearch(t, env, db)
	rotate := func(env map[string]string) result { return run(t, env, append([]string{"keys", "rotate"}, db...)...) }
	r := rotate(env)
	if r.code != 1 || !strings.Contains(r.stderr, "CRADLE_KEYS must be changed first") || !strings.Contains(r.stdout, "nothing has been changed") {
		t.Fatalf("keys rotate with CRADLE_KEYS: %+v", r)
	}
	var values []string
	for _, line := range strings.Split(r.stdout, "\n") {
		if strings.HasPrefix(line, "{") {
			values = append(values, line)
		}
	}
	if len(values) != 2 {
		t.Fatalf("want two CRADLE_KEYS values in the output, got %d:\n%s", len(values), r.stdout)
	}
	if strings.Contains(r.stderr, values[0]) || strings.Contains(r.stderr, values[1]) || strings.Contains(r.stderr, env["CRADLE_KEYS"]) {
		t.Error("key material written to standard error")
	}
	step1, err := seal.FromEnv(values[0])
	if err != nil || step1.CurrentID() != "k1" || !slices.Equal(step1.IDs(), []string{"k1", "k2"}) {
		t.Fatalf("first value: %v, %v", step1, err)
	}
	step2, err := seal.FromEnv(values[1])
	if err != nil || step2.CurrentID() != "k2" || step2.Extends(step1) != nil || step1.Extends(step2) != nil {
		t.Fatalf("second value: %v, %v", step2, err)
	}
	if s := run(t, env, append([]string{"keys", "status"}, db...)...); !strings.Contains(s.stdout, "Every encrypted value is under the current key, k1.") {
		t.Errorf("the refused rotation changed something: %+v", s)
	}
	// With the first value set, the command asks for the second: the same one.
	env1 := map[string]string{"CRADLE_KEYS": values[0]}
	r = rotate(env1)
	if r.code != 1 || !strings.Contains(r.stdout, "1. Done") || !strings.Contains(r.stdout, values[1]) || strings.Contains(r.stdout, values[0]) {
		t.Fatalf("keys rotate with the first value set: %+v", r)
	}
	// With the second, it re-encrypts.
	env2 := map[string]string{"CRADLE_KEYS": values[1]}
	r = rotate(env2)
	if r.code != 0 || !strings.Contains(r.stdout, "re-encrypting them under the current key, k2 (no new key added)") ||
		!strings.Contains(r.stdout, "Every encrypted value is now under k2.") {
		t.Fatalf("keys rotate with the second value set: %+v", r)
	}
	if s := run(t, env2, append([]string{"keys", "status"}, db...)...); !strings.Contains(s.stdout, "Every encrypted value is under the current key, k2.") {
		t.Errorf("keys status after rotation: %+v", s)
	}
	// An instance not yet restarted with the second value reads everything.
	if after := exportResearch(t, env1, db); after != before {
		t.Error("the research extract differs after rotation")
	}
	if v := run(t, env2, append([]string{"audit", "verify"}, db...)...); v.code != 0 {
		t.Errorf("audit verify: %+v", v)
	}
}

// Help is printed once (the flag package prints it; parse used to print it again).
func TestHelpPrintedOnce(t *testing.T) {
	for _, args := range [][]string{{"migrate", "-h"}, {"keys", "rotate", "-h"}, {"serve", "--help"}} {
		if r := run(t, nil, args...); r.code != 0 || strings.Count(r.stdout, "Usage: cradle") != 1 {
			t.Errorf("%v printed %d usages:\n%s", args, strings.Count(r.stdout, "Usage: cradle"), r.stdout)
		}
	}
}

// TestWrongKeyFileRefused: a data folder whose key file is not the
// database's (another folder's cradle.key copied in) stops serve and the
// other commands at start with a message saying so, where serve used to
// start and answer every sign-in with a server error; keys status, which
// diagnoses keys, runs and warns. The right key file puts everything back.
func TestWrongKeyFileRefused(t *testing.T) {
	for name, db := range backendArgs(t) {
		t.Run(name, func(t *testing.T) {
			if r := run(t, nil, append([]string{"demo"}, db...)...); r.code != 0 {
				t.Fatalf("demo: %+v", r)
			}
			keyFile := filepath.Join(db[1], "cradle.key")
			own, err := os.ReadFile(keyFile) // #nosec G304 -- the test's own data folder
			if err != nil {
				t.Fatal(err)
			}
			elsewhere := filepath.Join(t.TempDir(), "cradle.key")
			if _, _, err := seal.LoadOrCreateFile(elsewhere); err != nil {
				t.Fatal(err)
			}
			wrong, err := os.ReadFile(elsewhere) // #nosec G304 -- written just above
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(keyFile, wrong, 0o600); err != nil {
				t.Fatal(err)
			}
			for _, cmd := range [][]string{{"serve", "--addr", "127.0.0.1:0"}, {"demo"}, {"audit", "verify"}} {
				r := run(t, nil, append(cmd, db...)...)
				if r.code != 1 || !strings.Contains(r.stderr, "The encryption keys from the key file "+keyFile+" do not open this database's encrypted values") ||
					!strings.Contains(r.stderr, "staff.totp_secret_sealed under k1, staff.password_hash_sealed under k1, people.address_sealed under k1, and 19 more)") || !strings.Contains(r.stderr, "Use the key file this database was created with") {
					t.Errorf("%v with another folder's key file: %+v", cmd, r)
				}
			}
			r := run(t, nil, append([]string{"keys", "status"}, db...)...)
			if r.code != 0 || !strings.Contains(r.stdout, "WARNING: none of the") || !strings.Contains(r.stdout, "they are not this database's keys") {
				t.Errorf("keys status with another folder's key file: %+v", r)
			}
			if err := os.WriteFile(keyFile, own, 0o600); err != nil {
				t.Fatal(err)
			}
			if r := run(t, nil, append([]string{"audit", "verify"}, db...)...); r.code != 0 || r.stderr != "" {
				t.Errorf("audit verify with the database's own key file: %+v", r)
			}
			if r := run(t, nil, append([]string{"keys", "status"}, db...)...); r.code != 0 || strings.Contains(r.stdout, "WARNING") {
				t.Errorf("keys status with the database's own key file: %+v", r)
			}
			// One damaged column among good ones is reported, and the command goes on.
			rawExec(t, db, `UPDATE people SET address_sealed = 'damaged' WHERE address_sealed <> ''`)
			if r := run(t, nil, append([]string{"audit", "verify"}, db...)...); r.code != 0 ||
				!strings.Contains(r.stderr, "Warning: 1 of 22 sampled encrypted values did not open with the keys from the key file "+keyFile+" (people.address_sealed not an encrypted value)") {
				t.Errorf("audit verify with one damaged column: %+v", r)
			}
		})
	}
}

// rawExec runs a statement on the database that backendArgs' db names,
// beside Cradle: to damage a value as a disk or a hand edit might.
func rawExec(t *testing.T, db []string, q string) {
	t.Helper()
	driver, dsn := "sqlite", "file:"+store.SQLitePath(db[1])
	if len(db) == 4 {
		driver, dsn = "pgx", db[3]
	}
	conn, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Exec(q); err != nil {
		t.Fatal(err)
	}
}
