package store_test

import (
	"strings"
	"testing"

	"github.com/cradle-org/cradle/internal/demo"
	"github.com/cradle-org/cradle/internal/family"
	"github.com/cradle-org/cradle/internal/store"
	"github.com/cradle-org/cradle/internal/store/storetest"
)

// TestContactDetailsBoundToTheirRow: a person's sealed contact details open
// only in their own row. Migration 29's step seals details written before it
// (bound to their column only) to their rows; and one co-parent's sealed
// address copied into the other co-parent's row, by someone who can write
// to the database but has not the key, does not open there: reading the
// other parent fails rather than showing the first parent's address.
func TestContactDetailsBoundToTheirRow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		if _, _, err := demo.Load(ctx, db); err != nil {
			t.Fatal(err)
		}
		dslStaff, _ := db.StaffByEmail(ctx, "ruth.adams@cradle.example")
		dsl := dslStaff.Actor()
		hits, _, err := db.SearchPeople(ctx, dsl, "Amy Foster")
		if err != nil || len(hits) != 1 {
			t.Fatalf("search: %d, %v", len(hits), err)
		}
		amy := hits[0].Person
		f, err := db.ReadFamily(ctx, dsl, hits[0].Family.ID)
		if err != nil {
			t.Fatal(err)
		}
		var other family.Person
		for _, p := range f.People {
			if p.Kind == family.Parent && p.ID != amy.ID {
				other = p
			}
		}
		if other.ID == 0 {
			t.Fatal("Amy Foster's family has no other co-parent in the demo")
		}
		address := func(id int64) (string, error) {
			r, err := db.ReadPerson(ctx, dsl, id)
			if err != nil {
				return "", err
			}
			if r.Person.Confidential == nil {
				t.Fatalf("person %d's details withheld from a DSL", id)
			}
			return r.Person.Confidential.Address, nil
		}
		if a, err := address(amy.ID); err != nil || !strings.Contains(a, "Harbour View") {
			t.Fatalf("Amy's address = %q, %v", a, err)
		}

		// An upgrade: Amy's address as an older version sealed it.
		old, err := db.SealColumnOnly("people.address", "1 Old Road, Blackpool")
		if err != nil {
			t.Fatal(err)
		}
		if err := db.RawExec(ctx, `UPDATE people SET address_sealed = $1 WHERE id = $2`, old, amy.ID); err != nil {
			t.Fatal(err)
		}
		if a, err := address(amy.ID); err == nil {
			t.Fatalf("a value sealed to its column only opened in a row: %q; the test means it to fail before the upgrade", a)
		}
		if err := db.BindPeopleSeals(ctx); err != nil {
			t.Fatal(err)
		}
		if a, err := address(amy.ID); err != nil || a != "1 Old Road, Blackpool" {
			t.Fatalf("after migration 29's step, Amy's address = %q, %v", a, err)
		}
		if _, err := db.OpenAll(ctx); err != nil {
			t.Fatalf("after migration 29's step a value does not open: %v", err)
		}

		// Amy's sealed address copied into the other co-parent's row.
		if err := db.RawExec(ctx, `UPDATE people SET address_sealed = (SELECT address_sealed FROM people WHERE id = $1) WHERE id = $2`, amy.ID, other.ID); err != nil {
			t.Fatal(err)
		}
		a, err := address(other.ID)
		if err == nil || strings.Contains(a, "Old Road") {
			t.Fatalf("Amy's address copied into the other parent's row read as %q, %v; want it not to open", a, err)
		}
		if strings.Contains(err.Error(), "Old Road") {
			t.Errorf("the error shows the value: %v", err)
		}
		if a, err := address(amy.ID); err != nil || a != "1 Old Road, Blackpool" {
			t.Fatalf("Amy's own address = %q, %v", a, err)
		}
	})
}
