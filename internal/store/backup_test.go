package store_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/cradle-org/cradle/internal/demo"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/seal"
	"github.com/cradle-org/cradle/internal/store"
	"github.com/cradle-org/cradle/internal/store/storetest"
)

// freshLike opens a new, empty database of the same dialect as db.
func freshLike(t *testing.T, db *store.DB, keys *seal.Keyring) *store.DB {
	t.Helper()
	b := storetest.Backend{Name: "sqlite", URL: store.SQLitePath(t.TempDir())}
	if db.Dialect() == store.Postgres {
		b = storetest.Backend{Name: "postgres", URL: storetest.PostgresURL(t)}
	}
	return storetest.OpenWithKeys(t, b, keys, nil)
}

func eachWithKeys(t *testing.T, fn func(t *testing.T, db *store.DB, keys *seal.Keyring)) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			keys := storetest.Keys(t)
			fn(t, storetest.OpenWithKeys(t, b, keys, nil), keys)
		})
	}
}

func TestBackupRestoreRoundTrip(t *testing.T) {
	eachWithKeys(t, func(t *testing.T, db *store.DB, keys *seal.Keyring) {
		if _, _, err := demo.LoadWith(ctx, db, storetest.PasswordParams); err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		info, err := db.Backup(ctx, &buf, nil)
		if err != nil {
			t.Fatal(err)
		}
		if info.Rows() < 100 || info.AuditEntries == 0 {
			t.Fatalf("backup holds %d rows, %d audit entries", info.Rows(), info.AuditEntries)
		}
		// Encrypted throughout: no name, address or phone number in clear.
		for _, canary := range []string{"Foster", "Harbour View", "07700 900101", "Blackpool", "priya.shah"} {
			if bytes.Contains(buf.Bytes(), []byte(canary)) {
				t.Errorf("the backup file contains %q in clear", canary)
			}
		}

		to := freshLike(t, db, keys)
		got, err := to.Restore(ctx, bytes.NewReader(buf.Bytes()), nil)
		if err != nil {
			t.Fatal(err)
		}
		if got.Rows() != info.Rows() {
			t.Fatalf("restored %d rows, backup has %d", got.Rows(), info.Rows())
		}
		// The same rows, table by table: back up the copy and compare counts
		// (its audit log has the restore entry more, and that commit's keyed hash).
		var again bytes.Buffer
		copyInfo, err := to.Backup(ctx, &again, nil)
		if err != nil {
			t.Fatal(err)
		}
		for i, tc := range info.Tables {
			want := tc.Rows
			if tc.Name == "audit_log" || tc.Name == "audit_macs" {
				want++
			}
			if copyInfo.Tables[i] != (store.TableCount{Name: tc.Name, Rows: want}) {
				t.Errorf("table %s: %d rows after restore, want %d", tc.Name, copyInfo.Tables[i].Rows, want)
			}
		}
		n, err := to.VerifyAudit(ctx)
		if err != nil || n != info.AuditEntries+2 { // the restore, and the second backup
			t.Fatalf("restored audit chain: %d entries, %v (backup had %d)", n, err, info.AuditEntries)
		}
		// Sealed fields open in the copy.
		dsl, _ := to.StaffByEmail(ctx, "ruth.adams@cradle.example")
		hits, _, err := to.SearchPeople(ctx, dsl.Actor(), "Amy Foster")
		if err != nil || len(hits) != 1 {
			t.Fatalf("search in the copy: %d, %v", len(hits), err)
		}
		f, err := to.ReadFamily(ctx, dsl.Actor(), hits[0].Family.ID)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, p := range f.People {
			found = found || (p.Confidential != nil && strings.Contains(p.Confidential.Address, "Harbour View"))
		}
		if !found {
			t.Error("the restored copy does not open Amy Foster's address")
		}
		// New rows in the copy do not collide with restored ids.
		if err := to.RecordEvent(ctx, "test.after_restore", "", 0, 0, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := to.Restore(ctx, bytes.NewReader(buf.Bytes()), nil); problem.CodeOf(err) != problem.Conflict || !strings.Contains(problem.MessageOf(err), "not empty") {
			t.Errorf("restore into a database with data: %v", err)
		}
	})
}

func TestRestoreRefusesDamage(t *testing.T) {
	eachWithKeys(t, func(t *testing.T, db *store.DB, keys *seal.Keyring) {
		if _, _, err := demo.LoadWith(ctx, db, storetest.PasswordParams); err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if _, err := db.Backup(ctx, &buf, nil); err != nil {
			t.Fatal(err)
		}
		good := buf.Bytes()
		lines := strings.SplitAfter(string(good), "\n")
		if len(lines) < 4 {
			t.Fatalf("a backup of the demo data has only %d lines", len(lines))
		}
		flipped := []byte(string(good))
		flipped[len(lines[0])+40] ^= 0x01
		cases := map[string][]byte{
			"not a backup":    []byte("hello\n"),
			"empty":           nil,
			"a changed byte":  flipped,
			"cut off":         []byte(strings.Join(lines[:len(lines)-2], "")),
			"chunks reversed": []byte(lines[0] + lines[2] + lines[1] + strings.Join(lines[3:], "")),
			"extra chunk":     []byte(string(good) + lines[1]),
		}
		for name, data := range cases {
			to := freshLike(t, db, keys)
			_, err := to.Restore(ctx, bytes.NewReader(data), nil)
			if problem.CodeOf(err) != problem.Invalid {
				t.Errorf("%s: %v, want a clear refusal", name, err)
			}
			if n, _ := to.VerifyAudit(ctx); n != 0 {
				t.Errorf("%s: %d audit entries written by a refused restore", name, n)
			}
		}
		// Another organisation's key cannot open it, and says why.
		other := freshLike(t, db, storetest.Keys(t))
		if _, err := other.Restore(ctx, bytes.NewReader(good), nil); err == nil {
			t.Error("a backup opened under a different key")
		}
	})
}

// A backup moves a deployment from SQLite to PostgreSQL (and back).
func TestBackupMovesBetweenDatabases(t *testing.T) {
	pg := storetest.PostgresURL(t)
	if pg == "" {
		t.Skip("needs PostgreSQL")
	}
	keys := storetest.Keys(t)
	lite := storetest.OpenWithKeys(t, storetest.Backend{Name: "sqlite", URL: store.SQLitePath(t.TempDir())}, keys, nil)
	if _, _, err := demo.LoadWith(ctx, lite, storetest.PasswordParams); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	info, err := lite.Backup(ctx, &buf, nil)
	if err != nil {
		t.Fatal(err)
	}
	to := storetest.OpenWithKeys(t, storetest.Backend{Name: "postgres", URL: pg}, keys, nil)
	if got, err := to.Restore(ctx, bytes.NewReader(buf.Bytes()), nil); err != nil || got.Rows() != info.Rows() {
		t.Fatalf("SQLite to PostgreSQL: %d rows, %v", got.Rows(), err)
	}
	if n, err := to.VerifyAudit(ctx); err != nil || n != info.AuditEntries+1 {
		t.Fatalf("audit chain on PostgreSQL: %d, %v", n, err)
	}
	var back bytes.Buffer
	if _, err := to.Backup(ctx, &back, nil); err != nil {
		t.Fatal(err)
	}
	again := storetest.OpenWithKeys(t, storetest.Backend{Name: "sqlite", URL: store.SQLitePath(t.TempDir())}, keys, nil)
	if _, err := again.Restore(ctx, bytes.NewReader(back.Bytes()), nil); err != nil {
		t.Fatalf("PostgreSQL to SQLite: %v", err)
	}
	if _, err := again.VerifyAudit(ctx); err != nil {
		t.Fatal(err)
	}
}
