package store_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/cradle-org/cradle/internal/credential"
	"github.com/cradle-org/cradle/internal/demo"
	"github.com/cradle-org/cradle/internal/store"
	"github.com/cradle-org/cradle/internal/store/storetest"
)

// asAtSchema43 puts the staff table back as it was before migrations 44
// and 45 (each password hash in clear in password_hash) and forgets the
// two, so the next Migrate runs them as an upgrade would.
func asAtSchema43(t *testing.T, db *store.DB, hashes map[int64]string) {
	t.Helper()
	if err := db.RawExec(ctx, `ALTER TABLE staff ADD COLUMN password_hash TEXT NOT NULL DEFAULT ''`); err != nil {
		t.Fatal(err)
	}
	for id, h := range hashes {
		if err := db.RawExec(ctx, `UPDATE staff SET password_hash = $1 WHERE id = $2`, h, id); err != nil {
			t.Fatal(err)
		}
	}
	for _, q := range []string{`ALTER TABLE staff DROP COLUMN password_hash_sealed`, `DELETE FROM schema_migrations WHERE version IN (44, 45)`} {
		if err := db.RawExec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
}

// staffHashes reads every account's password hash through the store.
func staffHashes(t *testing.T, db *store.DB) map[int64]string {
	t.Helper()
	all, err := db.ListStaff(ctx)
	if err != nil || len(all) == 0 {
		t.Fatalf("ListStaff = %d, %v", len(all), err)
	}
	out := map[int64]string{}
	for _, s := range all {
		st, err := db.StaffByID(ctx, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		out[st.ID] = st.PasswordHash
	}
	return out
}

// TestPasswordHashesSealed: a password hash is stored sealed to its row
// (the deployment's key acts as a pepper), never in clear; an upgrade
// seals the hashes an older version stored in clear and drops their
// column, and every password still signs in; and an upgrade started with
// another deployment's keys is refused, changing nothing, rather than
// seal every hash where the right keys could not open it.
func TestPasswordHashesSealed(t *testing.T) {
	eachBackend(t, func(t *testing.T, b storetest.Backend) {
		ring1, _, _, _ := rings(t)
		db := storetest.OpenWith(t, b, store.Options{Keys: ring1})
		if _, _, err := demo.LoadWith(ctx, db, storetest.PasswordParams); err != nil {
			t.Fatal(err)
		}
		hashes := staffHashes(t, db)
		inClear := func(when string) {
			t.Helper()
			if err := db.EveryValueAsText(ctx, func(column, value string) {
				if strings.Contains(value, "$argon2id$") {
					t.Errorf("%s: %s holds a password hash in clear", when, column)
				}
			}); err != nil {
				t.Fatal(err)
			}
		}
		inClear("as written")
		for id, h := range hashes {
			if ok, _, err := credential.Verify(h, demo.Password); !ok || err != nil {
				t.Fatalf("staff %d: the demo password does not verify against the stored hash: %v", id, err)
			}
		}

		// A hash sealed to one account's row does not open in another's.
		ids := slices.Sorted(func(yield func(int64) bool) {
			for id := range hashes {
				if !yield(id) {
					return
				}
			}
		})
		if err := db.RawExec(ctx, `UPDATE staff SET password_hash_sealed = (SELECT password_hash_sealed FROM staff WHERE id = $1) WHERE id = $2`, ids[0], ids[1]); err != nil {
			t.Fatal(err)
		}
		if _, err := db.StaffByID(ctx, ids[1]); err == nil {
			t.Fatal("another account's sealed hash opened in this account's row")
		}
		if err := db.RawExec(ctx, `UPDATE staff SET password_hash_sealed = $1 WHERE id = $2`, hashes[ids[1]], ids[1]); err != nil {
			t.Fatal(err)
		}
		if _, err := db.StaffByID(ctx, ids[1]); err == nil {
			t.Fatal("a hash written in clear into the sealed column was accepted")
		}

		// An upgrade with another deployment's keys changes nothing.
		asAtSchema43(t, db, hashes)
		other, err := store.Open(ctx, store.Options{URL: b.URL, Keys: ringOf(t, "k1", map[string][]byte{"k1": randKey()})})
		if err != nil {
			t.Fatal(err)
		}
		_, err = other.Migrate(ctx)
		if cerr := other.Close(); cerr != nil {
			t.Fatal(cerr)
		}
		if err == nil || !strings.Contains(err.Error(), "key file") {
			t.Fatalf("upgrading with other keys: %v; want a refusal naming the key file", err)
		}
		// Nothing changed: the clear column is there, the sealed one is not
		// (later migrations, applied before, stay applied).
		if cols, err := db.SchemaColumns(ctx); err != nil || !slices.Contains(cols, "staff.password_hash") || slices.Contains(cols, "staff.password_hash_sealed") {
			t.Fatalf("after the refused upgrade the staff table's password columns changed (%v)", err)
		}

		// The upgrade with the right keys.
		if n, err := db.Migrate(ctx); err != nil || n != 2 {
			t.Fatalf("upgrading from 43: %d applied, %v", n, err)
		}
		cols, err := db.SchemaColumns(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if slices.Contains(cols, "staff.password_hash") || !slices.Contains(cols, "staff.password_hash_sealed") {
			t.Errorf("after the upgrade the staff table's password columns are wrong: %v", cols)
		}
		inClear("after the upgrade")
		got := staffHashes(t, db)
		for id, h := range hashes {
			if got[id] != h {
				t.Errorf("staff %d: hash after the upgrade %q, want %q", id, got[id], h)
			}
		}
	})
}
