package store_test

import (
	"context"
	"errors"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/audit"
	"github.com/cradle-org/cradle/internal/family"
	"github.com/cradle-org/cradle/internal/org"
	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/store"
	"github.com/cradle-org/cradle/internal/store/storetest"
)

var ctx = context.Background()

func TestMigrateIsIdempotent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		n, err := db.Migrate(ctx)
		if err != nil || n != 0 {
			t.Fatalf("second Migrate = %d, %v; want 0, nil", n, err)
		}
		v, err := db.SchemaVersion(ctx)
		ms, _ := store.Migrations(db.Dialect())
		if err != nil || v != len(ms) {
			t.Errorf("SchemaVersion = %d, %v; want %d", v, err, len(ms))
		}
	})
}

// TestMigrateRefusesANewerSchema: a database a newer version has upgraded
// is refused with a plain message, and nothing is applied or changed.
func TestMigrateRefusesANewerSchema(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ms, _ := store.Migrations(db.Dialect())
		newer := len(ms) + 1
		if err := db.RawExec(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, 'from_a_newer_version', $2)`, newer, time.Now().UTC()); err != nil {
			t.Fatal(err)
		}
		n, err := db.Migrate(ctx)
		var ne *store.NewerSchemaError
		if !errors.As(err, &ne) || n != 0 || ne.Database != newer || ne.Known != len(ms) || !strings.Contains(err.Error(), "a newer version has upgraded it") {
			t.Fatalf("Migrate over a newer schema = %d, %v; want it refused", n, err)
		}
	})
}

func TestMigrationsMatchAcrossDialects(t *testing.T) {
	lite, err := store.Migrations(store.SQLite)
	if err != nil {
		t.Fatal(err)
	}
	pg, err := store.Migrations(store.Postgres)
	if err != nil {
		t.Fatal(err)
	}
	if len(lite) != len(pg) {
		t.Fatalf("sqlite has %d migrations, postgres %d", len(lite), len(pg))
	}
	for i := range lite {
		if lite[i].Name != pg[i].Name {
			t.Errorf("migration %d: sqlite %q, postgres %q", i+1, lite[i].Name, pg[i].Name)
		}
		if a, b := createdTables(lite[i].SQL), createdTables(pg[i].SQL); a != b {
			t.Errorf("migration %s: sqlite creates %d tables, postgres %d", lite[i].Name, a, b)
		}
	}
}

// createdTables counts the tables a migration creates, leaving out
// SQLite's "x_new" tables, which stand in for a table made again (SQLite
// cannot change a CHECK constraint; PostgreSQL alters it in place).
func createdTables(sql string) int {
	n := 0
	for _, m := range regexp.MustCompile(`CREATE TABLE (\w+)`).FindAllStringSubmatch(sql, -1) {
		if !strings.HasSuffix(m[1], "_new") {
			n++
		}
	}
	return n
}

func TestRebind(t *testing.T) {
	db := storetest.Open(t, storetest.Backends(t)[0], nil)
	if got, want := db.Rebind(`SELECT $2, $1, $10`), `SELECT ?2, ?1, ?10`; got != want {
		t.Errorf("Rebind = %q, want %q", got, want)
	}
}

func TestUpdateRefusesUnauditedChange(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		err := db.Update(ctx, func(tx *store.Tx) error {
			return nil
		})
		if !errors.Is(err, store.ErrNotAudited) {
			t.Fatalf("got %v, want ErrNotAudited", err)
		}
	})
}

func TestAuditChainDetectsTampering(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		actx := audit.WithSource(ctx, audit.Source{ActorID: 5, Actor: "sam@example.org", IP: "192.0.2.1", RequestID: "r1"})
		for i := 0; i < 5; i++ {
			if err := db.RecordEvent(actx, "family.view", "family", int64(i), int64(i), ""); err != nil {
				t.Fatal(err)
			}
		}
		n, err := db.VerifyAudit(ctx)
		if err != nil || n != 5 {
			t.Fatalf("VerifyAudit = %d, %v; want 5, nil", n, err)
		}
		es, err := db.AuditEntries(ctx, store.AuditFilter{FamilyID: 3})
		if err != nil || len(es) != 1 || es[0].Actor != "sam@example.org" || es[0].IP != "192.0.2.1" {
			t.Fatalf("AuditEntries = %+v, %v", es, err)
		}
		// A hand edit of one row is caught, naming that row.
		if err := db.RawExec(ctx, `UPDATE audit_log SET actor = 'someone-else' WHERE id = 3`); err != nil {
			t.Fatal(err)
		}
		_, err = db.VerifyAudit(ctx)
		var be *audit.BrokenError
		if !errors.As(err, &be) || be.ID != 3 {
			t.Fatalf("after editing entry 3, VerifyAudit = %v; want entry 3 named", err)
		}
	})
}

func TestAuditChainDetectsDeletion(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		for i := 0; i < 4; i++ {
			if err := db.RecordEvent(ctx, "x", "", 0, 0, ""); err != nil {
				t.Fatal(err)
			}
		}
		for _, q := range []string{`DELETE FROM audit_macs WHERE entry_id = 2`, `DELETE FROM audit_log WHERE id = 2`} {
			if err := db.RawExec(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		var be *audit.BrokenError
		if _, err := db.VerifyAudit(ctx); !errors.As(err, &be) || be.ID != 3 {
			t.Fatalf("VerifyAudit = %v; want entry 3 named", err)
		}
	})
}

// TestAuditAnchors: a log rewritten from some entry on, every hash and
// keyed hash worked out again (by someone with the key as well as the
// database), and a log cut short at a commit both pass the chain alone; an
// anchor recorded before (the head, as serve logs it) catches both, naming
// the anchored entry.
func TestAuditAnchors(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		if a, err := db.AuditAnchor(ctx); err != nil || a != (audit.Anchor{}) {
			t.Fatalf("AuditAnchor on an empty log = %v, %v; want none", a, err)
		}
		for i := 1; i <= 6; i++ {
			if err := db.RecordEvent(ctx, "family.view", "family", int64(i), int64(i), ""); err != nil {
				t.Fatal(err)
			}
		}
		anchor, err := db.AuditAnchor(ctx)
		if err != nil || anchor.ID != 6 {
			t.Fatalf("AuditAnchor = %v, %v; want entry 6", anchor, err)
		}
		n, head, err := db.VerifyAuditAnchored(ctx, []audit.Anchor{anchor})
		if err != nil || n != 6 || head != anchor {
			t.Fatalf("VerifyAuditAnchored, intact = %d, %v, %v", n, head, err)
		}
		for i := 7; i <= 8; i++ {
			if err := db.RecordEvent(ctx, "family.view", "family", int64(i), int64(i), ""); err != nil {
				t.Fatal(err)
			}
		}
		// Entry 3 rewritten, and every hash from it on worked out again.
		es, err := db.AuditEntries(ctx, store.AuditFilter{Limit: 100})
		if err != nil || len(es) != 8 {
			t.Fatalf("AuditEntries = %d, %v", len(es), err)
		}
		slices.Reverse(es)
		es[2].FamilyID = 99
		for i := 2; i < len(es); i++ {
			es[i].PrevHash = es[i-1].Hash
			es[i].Hash = audit.ComputeHash(es[i])
			mac := db.AuditMAC(audit.Anchor{ID: es[i].ID, Hash: es[i].Hash})
			if err := db.RawExec(ctx, `UPDATE audit_log SET family_id = $1, prev_hash = $2, hash = $3 WHERE id = $4`, es[i].FamilyID, es[i].PrevHash, es[i].Hash, es[i].ID); err != nil {
				t.Fatal(err)
			}
			if err := db.RawExec(ctx, `UPDATE audit_macs SET mac = $1 WHERE entry_id = $2`, mac, es[i].ID); err != nil {
				t.Fatal(err)
			}
		}
		if n, err := db.VerifyAudit(ctx); err != nil || n != 8 {
			t.Fatalf("the chain alone after the rewrite = %d, %v; the test means it to pass", n, err)
		}
		var be *audit.BrokenError
		if _, _, err := db.VerifyAuditAnchored(ctx, []audit.Anchor{anchor}); !errors.As(err, &be) || be.ID != 6 || !strings.Contains(be.Reason, "rewritten") {
			t.Fatalf("rewritten log against the anchor: %v; want entry 6 named as rewritten", err)
		}
		// Cut short below the anchor (a later head, taken after the rewrite).
		later, _ := db.AuditAnchor(ctx)
		for _, q := range []string{`DELETE FROM audit_macs WHERE entry_id > 5`, `DELETE FROM audit_log WHERE id > 5`} {
			if err := db.RawExec(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		if n, err := db.VerifyAudit(ctx); err != nil || n != 5 {
			t.Fatalf("the chain alone after cutting = %d, %v; the test means it to pass", n, err)
		}
		n, head, err = db.VerifyAuditAnchored(ctx, []audit.Anchor{later})
		if !errors.As(err, &be) || be.ID != 8 || !strings.Contains(be.Reason, "the log ends at entry 5") || n != 5 || head.ID != 5 {
			t.Fatalf("cut log against the anchor: %d, %v, %v; want entry 8 named as removed", n, head, err)
		}
	})
}

// TestAuditKeyedHashes: each commit writes a keyed hash for its last entry,
// so a log rewritten by someone with the database but not the key, hashes
// and all, fails verification without any anchor, as does one whose keyed
// hashes were removed; migration 28's step keys a log written before them.
func TestAuditKeyedHashes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		for i := 1; i <= 3; i++ {
			if err := db.RecordEvent(ctx, "family.view", "family", int64(i), int64(i), ""); err != nil {
				t.Fatal(err)
			}
		}
		// One commit of three entries: only its last carries a keyed hash.
		if err := db.Update(ctx, func(tx *store.Tx) error {
			for i := 4; i <= 6; i++ {
				tx.Audit("family.edit", "family", int64(i), int64(i), "")
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		keyed, err := db.RawString(ctx, `SELECT string_agg(CAST(entry_id AS TEXT), ',' ORDER BY entry_id) FROM audit_macs`)
		if err != nil || keyed != "1,2,3,6" {
			t.Fatalf("entries with keyed hashes = %q, %v; want 1,2,3,6", keyed, err)
		}
		if n, err := db.VerifyAudit(ctx); err != nil || n != 6 {
			t.Fatalf("VerifyAudit, intact = %d, %v", n, err)
		}
		original, err := db.AuditEntries(ctx, store.AuditFilter{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		slices.Reverse(original)
		// Entry 4 rewritten without the key, every hash from it on worked
		// out again: the first keyed hash after it, entry 6's, fails.
		es := slices.Clone(original)
		es[3].Action = "family.view"
		for i := 3; i < len(es); i++ {
			es[i].PrevHash = es[i-1].Hash
			es[i].Hash = audit.ComputeHash(es[i])
			if err := db.RawExec(ctx, `UPDATE audit_log SET action = $1, prev_hash = $2, hash = $3 WHERE id = $4`, es[i].Action, es[i].PrevHash, es[i].Hash, es[i].ID); err != nil {
				t.Fatal(err)
			}
		}
		var be *audit.BrokenError
		if _, err := db.VerifyAudit(ctx); !errors.As(err, &be) || be.ID != 6 || !strings.Contains(be.Reason, "one or more of entries 4 to 6 was rewritten by someone without this deployment's key") {
			t.Fatalf("rewritten without the key: %v; want entry 6 named, entries 4 to 6 in doubt", err)
		}
		// Its keyed hash removed as well: the log's last entry has none.
		if err := db.RawExec(ctx, `DELETE FROM audit_macs WHERE entry_id = 6`); err != nil {
			t.Fatal(err)
		}
		if _, err := db.VerifyAudit(ctx); !errors.As(err, &be) || be.ID != 6 || !strings.Contains(be.Reason, "carries no keyed hash: one or more of entries 4 to 6") {
			t.Fatalf("rewritten, keyed hash removed: %v; want entry 6 named", err)
		}
		// Put back as it was, with no keyed hashes at all: a log as an
		// older version left it. It fails until migration 28's step keys its
		// head; then it verifies, and goes on verifying as it grows.
		for _, e := range original[3:] {
			if err := db.RawExec(ctx, `UPDATE audit_log SET action = $1, prev_hash = $2, hash = $3 WHERE id = $4`, e.Action, e.PrevHash, e.Hash, e.ID); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.RawExec(ctx, `DELETE FROM audit_macs`); err != nil {
			t.Fatal(err)
		}
		if _, err := db.VerifyAudit(ctx); !errors.As(err, &be) || be.ID != 6 || !strings.Contains(be.Reason, "one or more of entries 1 to 6") {
			t.Fatalf("a log from before keyed hashes: %v; want entry 6 named", err)
		}
		if err := db.KeyAuditHead(ctx); err != nil {
			t.Fatal(err)
		}
		if n, err := db.VerifyAudit(ctx); err != nil || n != 6 {
			t.Fatalf("after the upgrade's step = %d, %v", n, err)
		}
		if err := db.RecordEvent(ctx, "family.view", "family", 7, 7, ""); err != nil {
			t.Fatal(err)
		}
		if n, err := db.VerifyAudit(ctx); err != nil || n != 7 {
			t.Fatalf("after another entry = %d, %v", n, err)
		}
	})
}

func TestConcurrentWritesKeepTheChain(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		const workers, each = 8, 10
		errs := make(chan error, workers)
		for w := 0; w < workers; w++ {
			go func() {
				for i := 0; i < each; i++ {
					if err := db.RecordEvent(ctx, "x", "", 0, 0, ""); err != nil {
						errs <- err
						return
					}
				}
				errs <- nil
			}()
		}
		for w := 0; w < workers; w++ {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		n, err := db.VerifyAudit(ctx)
		if err != nil || n != workers*each {
			t.Fatalf("VerifyAudit = %d, %v; want %d, nil", n, err, workers*each)
		}
	})
}

// TestViewsGroupCommitTheirAudit: reads in View, beside writes in Update,
// all have their entries on one unbroken chain when they return; a view
// must be audited and cannot write; a closed database refuses, not hangs.
// TestAuditEntriesWrittenTogetherKeepEveryField: entries committed in one
// batch (one statement on PostgreSQL) read back field for field, in order,
// on an intact chain.
func TestAuditEntriesWrittenTogetherKeepEveryField(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		src := audit.WithSource(ctx, audit.Source{ActorID: 7, Actor: "priya@example.org", IP: "192.0.2.1", RequestID: "req-1"})
		if err := db.View(src, func(tx *store.Tx) error {
			tx.Audit("family.view", "family", 11, 11, "")
			tx.Audit("person.view", "person", 12, 11, "outcome measures")
			tx.Audit("person.confidential.override_view", "person", 12, 11, "break-glass override used")
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		got, err := db.AuditEntries(ctx, store.AuditFilter{FamilyID: 11})
		if err != nil || len(got) != 3 {
			t.Fatalf("entries: %+v, %v", got, err)
		}
		want := []struct {
			action, typ, detail string
			record              int64
		}{
			{"person.confidential.override_view", "person", "break-glass override used", 12}, // newest first
			{"person.view", "person", "outcome measures", 12},
			{"family.view", "family", "", 11},
		}
		for i, w := range want {
			g := got[i]
			if g.Action != w.action || g.RecordType != w.typ || g.Detail != w.detail || g.RecordID != w.record || g.FamilyID != 11 ||
				g.ActorID != 7 || g.Actor != "priya@example.org" || g.IP != "192.0.2.1" || g.RequestID != "req-1" || g.At.IsZero() || g.Hash == "" {
				t.Errorf("entry %d: %+v, want %+v", i, g, w)
			}
			if i > 0 && (got[i-1].ID != g.ID+1 || got[i-1].PrevHash != g.Hash) {
				t.Errorf("entry %d is not chained to the next: ids %d, %d", i, g.ID, got[i-1].ID)
			}
		}
		if n, err := db.VerifyAudit(ctx); err != nil || n != 3 {
			t.Errorf("VerifyAudit = %d, %v", n, err)
		}
	})
}

// TestViewIsOneSnapshot: every read in a view sees the database as its
// first read did, though another transaction commits in between (on
// PostgreSQL a view was READ COMMITTED, a new snapshot each statement).
func TestViewIsOneSnapshot(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		err := db.View(ctx, func(tx *store.Tx) error {
			before, err := tx.AuditCount()
			if err != nil {
				return err
			}
			done := make(chan error, 1)
			go func() {
				done <- db.Update(ctx, func(tx *store.Tx) error {
					tx.Audit("x.change", "", 1, 0, "")
					return nil
				})
			}()
			select {
			case err := <-done:
				if err != nil {
					return err
				}
			case <-time.After(20 * time.Second):
				return errors.New("a write waited for a view to end")
			}
			after, err := tx.AuditCount()
			if err != nil {
				return err
			}
			if after != before {
				t.Errorf("the view saw %d audit entries, then %d after another transaction committed", before, after)
			}
			tx.Audit("x.view", "", 1, 0, "")
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

func TestViewsGroupCommitTheirAudit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		const workers, each = 16, 20
		errs := make(chan error, workers)
		for w := range workers {
			go func() {
				for i := range each {
					var err error
					if (w+i)%4 == 0 {
						err = db.Update(ctx, func(tx *store.Tx) error {
							tx.Audit("x.change", "", int64(w), 0, "")
							return nil
						})
					} else {
						err = db.View(ctx, func(tx *store.Tx) error {
							tx.Audit("x.view", "", int64(w), 0, "")
							tx.Audit("x.view.more", "", int64(w), 0, "")
							return nil
						})
					}
					if err != nil {
						errs <- err
						return
					}
				}
				errs <- nil
			}()
		}
		for range workers {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		changes := 0
		for w := range workers {
			for i := range each {
				if (w+i)%4 == 0 {
					changes++
				}
			}
		}
		want := int64(changes + 2*(workers*each-changes))
		if n, err := db.VerifyAudit(ctx); err != nil || n != want {
			t.Fatalf("VerifyAudit = %d, %v; want %d, nil", n, err, want)
		}

		if err := db.View(ctx, func(tx *store.Tx) error { return nil }); !errors.Is(err, store.ErrNotAudited) {
			t.Errorf("an unaudited view: %v, want ErrNotAudited", err)
		}
		err := db.View(ctx, func(tx *store.Tx) error {
			tx.Audit("x.view", "", 0, 0, "")
			_, err := tx.CreateArea("Nowhere", "Nowhere Council", false)
			return err
		})
		if err == nil || !strings.Contains(err.Error(), "read-only") {
			t.Errorf("a write in a view: %v, want it refused", err)
		}
		if areas, err := db.Areas(ctx); err != nil || len(areas) != 0 {
			t.Errorf("after the refused write: areas %v, %v", areas, err)
		}
		if n, _ := db.VerifyAudit(ctx); n != want {
			t.Errorf("the refused view was audited: %d entries, want %d", n, want)
		}
		// Every view, done, failed or refused, has stopped counting as under
		// way: a count left behind would make every commit wait.
		if n := db.ViewsUnderWay(); n != 0 {
			t.Errorf("%d views still counted as under way", n)
		}

		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
		if err := db.RecordEvent(ctx, "x", "", 0, 0, ""); err == nil {
			t.Error("an event after Close was accepted")
		}
	})
}

func seedStaff(t *testing.T, db *store.DB, email, role, area string) org.Staff {
	t.Helper()
	var s org.Staff
	err := db.Update(ctx, func(tx *store.Tx) error {
		if _, err := tx.CreateArea(area, area+" Council", false); err != nil {
			return err
		}
		var err error
		s, err = tx.CreateStaff(org.NewStaff{Email: email, Name: "Test " + role, Role: role, AreaName: area},
			store.StaffSecrets{PasswordHash: "hash", TOTPSecret: "JBSWY3DPEHPK3PXP"}) // #nosec G101 -- the RFC 6238 example secret, in a test
		return err
	})
	if err != nil {
		t.Fatalf("creating %s: %v", email, err)
	}
	return s
}

func TestStaff(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := seedStaff(t, db, "Pat@Example.org", "practitioner", "Blackpool")
		if s.Email != "pat@example.org" || s.Role != policy.Practitioner || len(s.Areas) != 1 || s.Areas[0].Name != "Blackpool" {
			t.Fatalf("created %+v", s)
		}
		got, err := db.StaffByEmail(ctx, "PAT@example.org")
		if err != nil || got.ID != s.ID || got.TOTPSecret != "JBSWY3DPEHPK3PXP" || got.MustChangePassword {
			t.Fatalf("StaffByEmail = %+v, %v", got, err)
		}
		raw, err := db.RawString(ctx, `SELECT totp_secret_sealed FROM staff WHERE id = $1`, s.ID)
		if err != nil || strings.Contains(raw, "JBSWY3DPEHPK3PXP") || !strings.HasPrefix(raw, "v1.") {
			t.Errorf("stored TOTP secret = %q; want it sealed", raw)
		}
		// Duplicate email: a Conflict naming the field, and nothing half-written.
		err = db.Update(ctx, func(tx *store.Tx) error {
			_, err := tx.CreateStaff(org.NewStaff{Email: "pat@example.org", Name: "Other", Role: "dsl", AreaName: "Blackpool"}, store.StaffSecrets{PasswordHash: "h", TOTPSecret: "JBSWY3DPEHPK3PXP"}) // #nosec G101 -- the RFC 6238 example secret, in a test
			return err
		})
		if p := problem.As(err); p == nil || p.Code != problem.Conflict || len(p.Fields) != 1 || p.Fields[0].Name != "email" {
			t.Fatalf("duplicate email: got %v", err)
		}
		// Unknown area is a NotFound, not a crash.
		err = db.Update(ctx, func(tx *store.Tx) error {
			_, err := tx.CreateStaff(org.NewStaff{Email: "x@example.org", Name: "X", Role: "dsl", AreaName: "Atlantis"}, store.StaffSecrets{PasswordHash: "h", TOTPSecret: "JBSWY3DPEHPK3PXP"}) // #nosec G101 -- the RFC 6238 example secret, in a test
			return err
		})
		if problem.CodeOf(err) != problem.NotFound {
			t.Fatalf("unknown area: got %v", err)
		}
		// TOTP steps only move forward.
		err = db.Update(ctx, func(tx *store.Tx) error {
			tx.Audit("test", "", 0, 0, "")
			if err := tx.UseTOTPStep(s.ID, 100); err != nil {
				return err
			}
			return tx.UseTOTPStep(s.ID, 100)
		})
		if problem.CodeOf(err) != problem.Invalid {
			t.Fatalf("reused TOTP step: got %v", err)
		}
		// Disable ends sessions.
		err = db.Update(ctx, func(tx *store.Tx) error {
			if err := tx.CreateSession("h1", s.ID, store.StageActive, "c", "ip", "ua"); err != nil {
				return err
			}
			_, err := tx.DisableStaff("pat@example.org")
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := db.SessionUser(ctx, "h1"); problem.CodeOf(err) != problem.Unauthorised {
			t.Errorf("session after disable: %v", err)
		}
		if got, _ := db.StaffByID(ctx, s.ID); !got.Disabled || got.Actor().SignedIn() {
			t.Errorf("disabled staff = %+v", got)
		}
	})
}

func TestSessionsAndSigninFailures(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := seedStaff(t, db, "a@example.org", "dsl", "Hertfordshire")
		err := db.Update(ctx, func(tx *store.Tx) error {
			tx.Audit("test", "", 0, 0, "")
			if err := tx.CreateSession("tok", s.ID, store.StageSecondFactor, "csrf", "127.0.0.1", "test"); err != nil {
				return err
			}
			for i := 0; i < 3; i++ {
				if err := tx.RecordSigninFailure("a@example.org", "127.0.0.1"); err != nil {
					return err
				}
			}
			return tx.RecordSigninFailure("nobody@example.org", "127.0.0.1")
		})
		if err != nil {
			t.Fatal(err)
		}
		got, staff, err := db.SessionUser(ctx, "tok")
		if err != nil || got.StaffID != s.ID || got.Stage != store.StageSecondFactor || got.CSRFToken != "csrf" {
			t.Fatalf("SessionUser = %+v, %v", got, err)
		}
		// Created and last seen at the moment it was made, in UTC (the
		// session's timeouts are worked out from them).
		if !got.CreatedAt.Equal(got.LastSeenAt) || time.Since(got.CreatedAt).Abs() > time.Minute || got.CreatedAt.Location() != time.UTC {
			t.Errorf("session created %s, last seen %s; want both now, in UTC", got.CreatedAt, got.LastSeenAt)
		}
		// The session's one query reads the account as StaffByID does, but
		// for its credentials, which no signed-in request needs.
		want, err := db.StaffByID(ctx, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		if want.PasswordHash == "" || want.TOTPSecret == "" {
			t.Fatalf("StaffByID = %+v; want the credentials the fixture set", want)
		}
		want.PasswordHash, want.MustChangePassword, want.TOTPSecret, want.TOTPLastStep, want.PasswordSetAt = "", false, "", 0, time.Time{}
		want.Version = 0 // the account form's version: read for an administrator's change, not for a session
		// The same instant, read as text on SQLite: compared as instants.
		if !staff.CreatedAt.Equal(want.CreatedAt) || want.CreatedAt.IsZero() {
			t.Errorf("SessionUser's account created %s, StaffByID's %s", staff.CreatedAt, want.CreatedAt)
		}
		staff.CreatedAt, want.CreatedAt = time.Time{}, time.Time{}
		if !reflect.DeepEqual(staff, want) || len(staff.Areas) != 1 || staff.Areas[0].Name != "Hertfordshire" {
			t.Errorf("SessionUser staff = %+v\nwant %+v", staff, want)
		}
		if _, _, err := db.SessionUser(ctx, "no-such-token"); problem.CodeOf(err) != problem.Unauthorised {
			t.Errorf("SessionUser(unknown) = %v; want Unauthorised", err)
		}
		byEmail, byIP, err := db.SigninFailures(ctx, "a@example.org", "127.0.0.1", time.Now().Add(-time.Hour))
		if err != nil || byEmail != 3 || byIP != 4 {
			t.Fatalf("SigninFailures = %d, %d, %v; want 3, 4", byEmail, byIP, err)
		}
		n, err := db.DeleteExpiredSessions(ctx, time.Now().Add(time.Minute), time.Now().Add(-time.Hour))
		if err != nil || n != 1 {
			t.Fatalf("DeleteExpiredSessions = %d, %v; want 1", n, err)
		}
		// Old attempts are forgotten once the limits no longer look at
		// them; recent ones are kept.
		if err := db.Update(ctx, func(tx *store.Tx) error {
			tx.Audit("test", "", 0, 0, "")
			return tx.RecordPublicSubmission("self", "127.0.0.1")
		}); err != nil {
			t.Fatal(err)
		}
		if n, err := db.ForgetOldAttempts(ctx, time.Now().Add(-time.Minute), time.Now().Add(-time.Minute)); err != nil || n != 0 {
			t.Fatalf("ForgetOldAttempts of none = %d, %v", n, err)
		}
		if n, err := db.ForgetOldAttempts(ctx, time.Now().Add(time.Minute), time.Now().Add(time.Minute)); err != nil || n != 5 {
			t.Fatalf("ForgetOldAttempts = %d, %v; want the 4 failures and the 1 send", n, err)
		}
		byEmail, byIP, err = db.SigninFailures(ctx, "a@example.org", "127.0.0.1", time.Now().Add(-time.Hour))
		if sent, err2 := db.PublicSubmissions(ctx, "self", "127.0.0.1", time.Now().Add(-time.Hour)); err != nil || err2 != nil || byEmail+byIP+sent != 0 {
			t.Errorf("after forgetting: %d, %d failures, %d sends (%v, %v)", byEmail, byIP, sent, err, err2)
		}
	})
}

// familyFixture makes a family with two co-parents, each with their own
// practitioner, and returns the ids.
type fixture struct {
	familyID, parent1, parent2 int64
	prac1, prac2, other, mgr   org.Staff
}

// familyPageOf reads a family's page as actor, failing the test on an error.
func familyPageOf(t *testing.T, db *store.DB, ctx context.Context, actor policy.Actor, familyID int64) store.FamilyPage {
	t.Helper()
	p, err := db.ReadFamilyPage(ctx, actor, familyID, 0)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func makeFamily(t *testing.T, db *store.DB) fixture {
	t.Helper()
	var fx fixture
	fx.prac1 = seedStaff(t, db, "p1@example.org", "practitioner", "Blackpool")
	fx.prac2 = seedStaff(t, db, "p2@example.org", "practitioner", "Blackpool")
	fx.other = seedStaff(t, db, "p3@example.org", "practitioner", "Blackpool")
	fx.mgr = seedStaff(t, db, "m@example.org", "team_manager", "Blackpool")
	err := db.Update(ctx, func(tx *store.Tx) error {
		var err error
		fx.familyID, _, err = tx.CreateFamily(store.NewFamily{AreaName: "Blackpool", Stage: family.Antenatal, EDD: time.Date(2027, 2, 1, 0, 0, 0, 0, time.UTC), ManagerID: fx.mgr.ID})
		if err != nil {
			return err
		}
		fx.parent1, err = tx.AddPerson(fx.familyID, family.Person{Kind: family.Parent, ParentSlot: 1, GivenName: "Alex", FamilyName: "Rivers", Experience: family.Experiences,
			Confidential: &family.Confidential{Address: "CANARY-ADDRESS 1 Safe Street", Phone: "CANARY-PHONE 07700 900001"}})
		if err != nil {
			return err
		}
		fx.parent2, err = tx.AddPerson(fx.familyID, family.Person{Kind: family.Parent, ParentSlot: 2, GivenName: "Sam", FamilyName: "Rivers", Experience: family.Uses,
			Confidential: &family.Confidential{Address: "2 Other Road"}})
		if err != nil {
			return err
		}
		if err := tx.Allocate(fx.familyID, fx.parent1, fx.prac1.ID, fx.mgr.ID); err != nil {
			return err
		}
		return tx.Allocate(fx.familyID, fx.parent2, fx.prac2.ID, fx.mgr.ID)
	})
	if err != nil {
		t.Fatalf("making family: %v", err)
	}
	return fx
}

func TestAllocationNeedsTwoPractitioners(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := makeFamily(t, db)
		err := db.Update(ctx, func(tx *store.Tx) error {
			return tx.Allocate(fx.familyID, fx.parent2, fx.prac1.ID, fx.mgr.ID)
		})
		if p := problem.As(err); p == nil || p.Code != problem.Invalid {
			t.Fatalf("same practitioner for both parents: got %v, want Invalid", err)
		}
		// The database refuses it too, even if the domain check were bypassed.
		err = db.RawExec(ctx, `INSERT INTO allocations (family_id, person_id, staff_id, started_at) VALUES ($1, $2, $3, $4)`,
			fx.familyID, fx.parent2, fx.prac1.ID, time.Now().UTC())
		if err == nil {
			t.Fatal("database accepted one practitioner for both parents")
		}
		// Reallocation keeps history.
		err = db.Update(ctx, func(tx *store.Tx) error {
			return tx.Allocate(fx.familyID, fx.parent2, fx.other.ID, fx.mgr.ID)
		})
		if err != nil {
			t.Fatal(err)
		}
		n, _ := db.RawString(ctx, `SELECT CAST(COUNT(*) AS TEXT) FROM allocations WHERE person_id = $1`, fx.parent2)
		if n != "2" {
			t.Errorf("allocations for parent 2 = %s, want 2 (history kept)", n)
		}
	})
}

func TestReadFamilyKeepsCoParentConfidential(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := makeFamily(t, db)
		find := func(f family.Family, id int64) family.Person {
			for _, p := range f.People {
				if p.ID == id {
					return p
				}
			}
			t.Fatalf("person %d missing", id)
			return family.Person{}
		}
		// Parent 1's own practitioner sees parent 1's details, not parent 2's.
		f, err := db.ReadFamily(ctx, fx.prac1.Actor(), fx.familyID)
		if err != nil {
			t.Fatal(err)
		}
		if c := find(f, fx.parent1).Confidential; c == nil || c.Address != "CANARY-ADDRESS 1 Safe Street" {
			t.Errorf("own parent's details = %+v", c)
		}
		if c := find(f, fx.parent2).Confidential; c != nil {
			t.Errorf("co-parent's details leaked to practitioner 1: %+v", c)
		}
		// The co-parent's practitioner never gets the canary.
		f, err = db.ReadFamily(ctx, fx.prac2.Actor(), fx.familyID)
		if err != nil {
			t.Fatal(err)
		}
		if c := find(f, fx.parent1).Confidential; c != nil {
			t.Errorf("parent 1's details leaked to the co-parent's practitioner: %+v", c)
		}
		// An unallocated practitioner in the same area is refused outright.
		if _, err := db.ReadFamily(ctx, fx.other.Actor(), fx.familyID); problem.CodeOf(err) != problem.Forbidden {
			t.Errorf("unallocated practitioner: got %v, want Forbidden", err)
		}
		// The manager sees both.
		f, err = db.ReadFamily(ctx, fx.mgr.Actor(), fx.familyID)
		if err != nil || find(f, fx.parent1).Confidential == nil || find(f, fx.parent2).Confidential == nil {
			t.Errorf("manager read: %v", err)
		}
		// Stored values are ciphertext.
		raw, _ := db.RawString(ctx, `SELECT address_sealed FROM people WHERE id = $1`, fx.parent1)
		if strings.Contains(raw, "CANARY") {
			t.Errorf("address stored in clear: %q", raw)
		}
		// Each read was audited against the family.
		es, err := db.AuditEntries(ctx, store.AuditFilter{FamilyID: fx.familyID, Actions: []string{"family.view"}})
		if err != nil || len(es) != 3 {
			t.Errorf("family.view entries = %d, %v; want 3 (denied reads write nothing)", len(es), err)
		}
		// Caseloads: each practitioner sees their family; the other practitioner sees none.
		for _, tc := range []struct {
			who  org.Staff
			want int
		}{{fx.prac1, 1}, {fx.prac2, 1}, {fx.other, 0}, {fx.mgr, 1}} {
			cl, err := db.Caseload(ctx, tc.who.Actor())
			if err != nil || len(cl) != tc.want {
				t.Errorf("Caseload(%s) = %d entries, %v; want %d", tc.who.Email, len(cl), err, tc.want)
			}
		}
	})
}

func TestOpenReportsUnreachableDatabase(t *testing.T) {
	_, err := store.Open(ctx, store.Options{URL: "postgres://nobody@127.0.0.1:1/none?sslmode=disable&connect_timeout=2", Keys: storetest.Keys(t)})
	if problem.CodeOf(err) != problem.Unavailable || !strings.Contains(problem.MessageOf(err), "Cannot reach the postgres database") {
		t.Fatalf("got %v (%q)", err, problem.MessageOf(err))
	}
}

// PostgreSQL connections cost a random page read at 1.1 (see
// withPlannerCosts), unless the URL says otherwise.
func TestPostgresPlannerCosts(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		if b.Name != "postgres" {
			continue
		}
		db := storetest.Open(t, b, nil)
		if got, err := db.RawString(ctx, `SELECT current_setting('random_page_cost')`); err != nil || got != "1.1" {
			t.Errorf("random_page_cost = %q, %v; want 1.1", got, err)
		}
	}
}

// TestMain drops the PostgreSQL template storetest.Each copies.
func TestMain(m *testing.M) { storetest.Main(m) }

// ChangeOwnPassword acts only on the actor's own, live session: a session
// that is not theirs (or has ended) changes nothing, and a disabled
// account is refused by the policy.
func TestChangeOwnPasswordNeedsTheirSession(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := seedStaff(t, db, "a@example.org", "practitioner", "Hertfordshire")
		b := seedStaff(t, db, "b@example.org", "practitioner", "Hertfordshire")
		err := db.Update(ctx, func(tx *store.Tx) error {
			tx.Audit("test", "", 0, 0, "")
			if err := tx.CreateSession("a1", a.ID, store.StageActive, "csrf", "127.0.0.1", "test"); err != nil {
				return err
			}
			return tx.CreateSession("b1", b.ID, store.StageActive, "csrf", "127.0.0.1", "test")
		})
		if err != nil {
			t.Fatal(err)
		}
		started := map[string]time.Time{}
		if got, _, err := db.SessionUser(ctx, "a1"); err == nil {
			started["a1"] = got.CreatedAt
		}
		time.Sleep(1100 * time.Millisecond) // a second on, so a renewed start would show
		change := store.PasswordChange{Hash: "new-hash", Session: "b1", NewSession: "a2"}
		if _, err := db.ChangeOwnPassword(ctx, a.Actor(), change, nil); problem.CodeOf(err) != problem.Unauthorised {
			t.Errorf("with another's session: %v, want Unauthorised", err)
		}
		disabled := a.Actor()
		disabled.Disabled = true
		change.Session = "a1"
		if _, err := db.ChangeOwnPassword(ctx, disabled, change, nil); problem.CodeOf(err) != problem.Forbidden {
			t.Errorf("a disabled account: %v, want Forbidden", err)
		}
		if st, _ := db.StaffByID(ctx, a.ID); st.PasswordHash == "new-hash" {
			t.Error("a refused change was saved")
		}
		if _, _, err := db.SessionUser(ctx, "b1"); err != nil {
			t.Errorf("another's session ended: %v", err)
		}
		if n, err := db.ChangeOwnPassword(ctx, a.Actor(), change, nil); err != nil || n != 0 {
			t.Fatalf("their own change: %d, %v", n, err)
		}
		if st, _ := db.StaffByID(ctx, a.ID); st.PasswordHash != "new-hash" {
			t.Error("the change was not saved")
		}
		if got, _, err := db.SessionUser(ctx, "a2"); err != nil {
			t.Errorf("the replacement session: %v", err)
		} else if old := started["a1"]; !got.CreatedAt.Equal(old) {
			t.Errorf("the replacement session started %s, want the old one's start %s (its 12 hours are not renewed)", got.CreatedAt, old)
		}
		if _, _, err := db.SessionUser(ctx, "a1"); err == nil {
			t.Error("the old token still works")
		}
	})
}

// TestOwnSessionsListsOnlyLiveOnes: a member of staff's own sessions, the
// one asking first; one idle too long or started too long ago is over,
// though not yet swept away, and is not listed, unless it is the one
// asking. Another's sessions never are. A session marked for a new
// password reads back so marked.
func TestOwnSessionsListsOnlyLiveOnes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := seedStaff(t, db, "a@example.org", "practitioner", "Hertfordshire")
		b := seedStaff(t, db, "b@example.org", "practitioner", "Hertfordshire")
		err := db.Update(ctx, func(tx *store.Tx) error {
			tx.Audit("test", "", 0, 0, "")
			for _, s := range []struct {
				hash  string
				id    int64
				stage string
			}{{"here", a.ID, store.StageActive}, {"idle", a.ID, store.StageActive}, {"half", a.ID, store.StageSecondFactor}, {"theirs", b.ID, store.StageActive}} {
				if err := tx.CreateSession(s.hash, s.id, s.stage, "csrf", "192.0.2.1", "test"); err != nil {
					return err
				}
			}
			if err := tx.MarkPasswordRenewal("half"); err != nil {
				return err
			}
			return tx.MarkPasswordRenewal("here") // an active session is never marked
		})
		if err != nil {
			t.Fatal(err)
		}
		now := db.Now()
		long := now.Add(-3 * time.Hour)
		for _, h := range []string{"idle", "here"} {
			if err := db.TouchSession(ctx, h, long); err != nil {
				t.Fatal(err)
			}
		}
		list := func(idle, abs time.Time) []store.OwnSession {
			t.Helper()
			got, err := db.OwnSessions(ctx, a.Actor(), "here", idle, abs)
			if err != nil {
				t.Fatal(err)
			}
			return got
		}
		all := list(now.Add(-24*time.Hour), now.Add(-24*time.Hour))
		if len(all) != 3 || !all[0].Current || all[1].Current || all[2].Current {
			t.Errorf("every session of theirs, this one first: %+v", all)
		}
		live := list(now.Add(-time.Hour), now.Add(-24*time.Hour))
		if len(live) != 2 || !live[0].Current || live[1].Complete {
			t.Errorf("idle ones left out but this one: %+v", live)
		}
		if got := list(now.Add(-time.Hour), now.Add(time.Minute)); len(got) != 1 || !got[0].Current {
			t.Errorf("every other one started too long ago: %+v", got)
		}
		if s, _, err := db.SessionUser(ctx, "half"); err != nil || !s.RenewPassword {
			t.Errorf("the half session marked for a new password: %+v %v", s, err)
		}
		if s, _, err := db.SessionUser(ctx, "here"); err != nil || s.RenewPassword {
			t.Errorf("an active session marked for a new password: %+v %v", s, err)
		}
	})
}

// code is err's problem code, "" for no error (problem.CodeOf(nil) is
// Internal: a test asking for a refusal must not pass on a save).
func code(err error) problem.Code {
	if err == nil {
		return ""
	}
	return problem.CodeOf(err)
}
