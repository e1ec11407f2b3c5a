package store_test

import (
	"errors"
	"fmt"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/audit"
	"github.com/cradle-org/cradle/internal/casework"
	"github.com/cradle-org/cradle/internal/demo"
	"github.com/cradle-org/cradle/internal/family"
	"github.com/cradle-org/cradle/internal/policy"
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
		if _, _, err := demo.LoadWith(ctx, db, storetest.PasswordParams); err != nil {
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
		if err := db.BindSealsToRows(ctx); err != nil {
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
		var altered *store.AlteredError
		if !errors.Is(err, store.ErrAltered) || !errors.As(err, &altered) || altered.Context != fmt.Sprintf("people.address#%d", other.ID) {
			t.Errorf("the error is %v; want a store.AlteredError naming people.address#%d", err, other.ID)
		}
		if a, err := address(amy.ID); err != nil || a != "1 Old Road, Blackpool" {
			t.Fatalf("Amy's own address = %q, %v", a, err)
		}
	})
}

// TestDisclosuresBoundToTheirRow: a session note one co-parent disclosed in
// confidence, copied into a session of the other co-parent's, does not open
// there, so the other parent's practitioner is never shown it; migration
// 29's step binds notes sealed before it.
func TestDisclosuresBoundToTheirRow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := makeFamily(t, db)
		sctx := audit.WithSource(ctx, audit.Source{Actor: "test"})
		now := time.Now().UTC()
		disclosed, err := db.RecordSession(sctx, fx.prac1.Actor(), casework.Session{PersonID: fx.parent1, HeldOn: now, Minutes: 50, Mode: "home",
			Attendance: "attended", Notes: "CANARY-DISCLOSURE told us in confidence", Confidential: true}, nil)
		if err != nil {
			t.Fatal(err)
		}
		ordinary, err := db.RecordSession(sctx, fx.prac2.Actor(), casework.Session{PersonID: fx.parent2, HeldOn: now, Minutes: 50, Mode: "home",
			Attendance: "attended", Notes: "talked about sleep"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		notes := func(actor policy.Actor, personID int64) ([]string, error) {
			r, err := db.ReadPerson(ctx, actor, personID)
			var out []string
			for _, s := range r.Sessions {
				out = append(out, s.Notes)
			}
			return out, err
		}
		if got, err := notes(fx.prac2.Actor(), fx.parent2); err != nil || len(got) != 1 || got[0] != "talked about sleep" {
			t.Fatalf("parent 2's notes = %q, %v", got, err)
		}

		// A note as an older version sealed it: bound to its column only.
		old, err := db.SealColumnOnly("case_sessions.notes", "talked about feeding")
		if err != nil {
			t.Fatal(err)
		}
		if err := db.RawExec(ctx, `UPDATE case_sessions SET notes_sealed = $1 WHERE id = $2`, old, ordinary); err != nil {
			t.Fatal(err)
		}
		if got, err := notes(fx.prac2.Actor(), fx.parent2); err == nil {
			t.Fatalf("a note sealed to its column only opened in a row: %q; the test means it to fail before the upgrade", got)
		}
		if err := db.BindSealsToRows(ctx); err != nil {
			t.Fatal(err)
		}
		if got, err := notes(fx.prac2.Actor(), fx.parent2); err != nil || len(got) != 1 || got[0] != "talked about feeding" {
			t.Fatalf("after migration 29's step, parent 2's notes = %q, %v", got, err)
		}

		// Parent 1's disclosure copied into parent 2's session.
		if err := db.RawExec(ctx, `UPDATE case_sessions SET notes_sealed = (SELECT notes_sealed FROM case_sessions WHERE id = $1) WHERE id = $2`, disclosed, ordinary); err != nil {
			t.Fatal(err)
		}
		got, err := notes(fx.prac2.Actor(), fx.parent2)
		if err == nil || strings.Contains(strings.Join(got, " "), "CANARY") || strings.Contains(err.Error(), "CANARY") {
			t.Fatalf("parent 1's disclosure copied into parent 2's session read as %q, %v; want it not to open", got, err)
		}
		if got, err := notes(fx.prac1.Actor(), fx.parent1); err != nil || len(got) != 1 || !strings.Contains(got[0], "CANARY-DISCLOSURE") {
			t.Fatalf("parent 1's own notes = %q, %v", got, err)
		}
	})
}

// TestEverySealedValueBoundToItsRow: every sealed column but the research
// key's binds its values to their row. With a value in every sealed column
// (plantCanaries), each opens under its own row's context only: not bound
// to its column alone, nor in a row with another key (for a key of two
// parts, another parent's closing summary of the same closure). Values
// sealed as versions before migrations 29 and 30 did are sealed again to
// their rows by the migrations' step, every one opening to what it was; a
// second run changes nothing.
func TestEverySealedValueBoundToItsRow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		plantCanaries(t, db)
		want, err := db.OpenAll(ctx)
		if err != nil {
			t.Fatal(err)
		}
		otherKey := func(key []any) []any {
			other := append([]any(nil), key...)
			switch v := other[len(other)-1].(type) {
			case int64:
				other[len(other)-1] = v + 1
			case string:
				other[len(other)-1] = v + "0"
			default:
				t.Fatalf("a key of type %T", v)
			}
			return other
		}
		downgraded := 0
		for _, c := range store.SealedColumns() {
			rows, err := db.SealedRows(ctx, c)
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) == 0 {
				t.Errorf("%s holds no value to test", c.Name())
				continue
			}
			if !c.BindRow() {
				if c.Table != "settings" {
					t.Errorf("%s is bound to its column only", c.Name())
				}
				continue
			}
			for _, r := range rows {
				if _, err := db.OpenUnder(c.Context, r.Value); err == nil {
					t.Errorf("%s %v opens bound to its column alone", c.Name(), r.Key)
				}
				if got, err := db.OpenUnder(c.ContextOf(otherKey(r.Key)), r.Value); err == nil {
					t.Errorf("%s %v opens in the row keyed %v: %q", c.Name(), r.Key, otherKey(r.Key), got)
				}
				if store.BoundFromStart(c) {
					// No version sealed these to their column only: nothing to upgrade.
					if _, err := db.OpenUnder(c.ContextOf(r.Key), r.Value); err != nil {
						t.Errorf("%s %v does not open in its own row: %v", c.Name(), r.Key, err)
					}
					continue
				}
				sealAsBefore(t, db, c, r) // fails the test if it does not open in its own row
				downgraded++
			}
		}
		if _, err := db.OpenAll(ctx); err == nil {
			t.Fatalf("%d values sealed to their column only all opened in their rows; the test means them not to before the upgrade", downgraded)
		}
		if err := db.BindSealsToRows(ctx); err != nil {
			t.Fatal(err)
		}
		got, err := db.OpenAll(ctx)
		if err != nil {
			t.Fatalf("after the migrations' step: %v", err)
		}
		if !maps.Equal(got, want) {
			t.Errorf("after the migrations' step the values read differently:\n got %v\nwant %v", got, want)
		}
		first := sealedValues(t, db)
		if err := db.BindSealsToRows(ctx); err != nil {
			t.Fatal(err)
		}
		if !maps.Equal(sealedValues(t, db), first) {
			t.Error("a second run of the migrations' step sealed values again")
		}
	})
}

// TestClosingSummaryBoundToItsParent: the family page shows each parent's
// closing summary to a reader who may see that parent's confidential
// details (the manager both, each practitioner their own parent's); one
// parent's summary copied into the other's row does not open there, and
// the page fails rather than show it.
func TestClosingSummaryBoundToItsParent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		p := plantCanaries(t, db) // closes the family with a summary for each parent
		fx := p.fx
		summaries := func(actor policy.Actor) (map[int64]string, error) {
			fp, err := db.ReadFamilyPage(ctx, actor, fx.familyID, 5)
			if err != nil {
				return nil, err
			}
			if len(fp.Closures) != 1 {
				t.Fatalf("%d closures", len(fp.Closures))
			}
			out := map[int64]string{}
			for _, s := range fp.Closures[0].Summaries {
				out[s.PersonID] = s.Text
				if s.Withheld {
					out[s.PersonID] = "withheld"
				}
			}
			return out, nil
		}
		got, err := summaries(fx.mgr.Actor())
		if err != nil || !strings.Contains(got[fx.parent1], "closing-1") || !strings.Contains(got[fx.parent2], "closing-2") {
			t.Fatalf("the manager reads %v, %v", got, err)
		}
		if got, err := summaries(fx.prac1.Actor()); err != nil || !strings.Contains(got[fx.parent1], "closing-1") || got[fx.parent2] != "withheld" {
			t.Errorf("parent 1's practitioner reads %v, %v; want their parent's summary and the other's withheld", got, err)
		}
		if got, err := summaries(fx.prac2.Actor()); err != nil || got[fx.parent1] != "withheld" || !strings.Contains(got[fx.parent2], "closing-2") {
			t.Errorf("parent 2's practitioner reads %v, %v; want their parent's summary and the other's withheld", got, err)
		}
		if err := db.RawExec(ctx, `UPDATE closure_summaries SET summary_sealed = (SELECT summary_sealed FROM closure_summaries WHERE person_id = $1)
			WHERE person_id = $2`, fx.parent1, fx.parent2); err != nil {
			t.Fatal(err)
		}
		got, err = summaries(fx.prac2.Actor())
		if err == nil || strings.Contains(fmt.Sprint(got), "closing-1") || !errors.Is(err, store.ErrAltered) {
			t.Errorf("parent 1's summary copied into parent 2's row read by parent 2's practitioner as %v, %v; want it not to open", got, err)
		}
	})
}

// TestMigration30BindsTheRest: an upgrade from schema 29 meets the values
// of the tables migration 30 binds sealed to their column only, and leaves
// every one of them bound to its row; values migration 29 bound are left as
// they are.
func TestMigration30BindsTheRest(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		plantCanaries(t, db)
		want, err := db.OpenAll(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range store.SealedColumns() {
			if !store.BoundAt30(c.Table) || store.BoundFromStart(c) {
				continue
			}
			rows, err := db.SealedRows(ctx, c)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rows {
				sealAsBefore(t, db, c, r)
			}
		}
		before := sealedValues(t, db)
		if err := db.RawExec(ctx, `DELETE FROM schema_migrations WHERE version IN (30, 31)`); err != nil {
			t.Fatal(err)
		}
		if n, err := db.Migrate(ctx); err != nil || n != 2 {
			t.Fatalf("upgrading from 29: %d applied, %v", n, err)
		}
		got, err := db.OpenAll(ctx)
		if err != nil {
			t.Fatalf("after the upgrade: %v", err)
		}
		if !maps.Equal(got, want) {
			t.Errorf("after the upgrade the values read differently:\n got %v\nwant %v", got, want)
		}
		for key, v := range sealedValues(t, db) {
			if table, _, _ := strings.Cut(key, "."); !store.BoundAt30(table) && v != before[key] {
				t.Errorf("%s, not one of migration 30's, was sealed again", key)
			}
		}
	})
}

// sealAsBefore seals a row's value again as versions before migrations 29
// and 30 sealed it, bound to its column only, failing the test unless it
// opens in its own row first.
func sealAsBefore(t *testing.T, db *store.DB, c store.SealedColumn, r store.SealedRow) {
	t.Helper()
	plain, err := db.OpenUnder(c.ContextOf(r.Key), r.Value)
	if err != nil {
		t.Fatalf("%s %v does not open in its own row: %v", c.Name(), r.Key, err)
	}
	old, err := db.SealColumnOnly(c.Context, plain)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SetSealed(ctx, c, r.Key, old); err != nil {
		t.Fatal(err)
	}
}

// sealedValues is every sealed value as it is stored, by "table.column"
// and row key.
func sealedValues(t *testing.T, db *store.DB) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, c := range store.SealedColumns() {
		rows, err := db.SealedRows(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			out[fmt.Sprint(c.Name(), r.Key)] = r.Value
		}
	}
	return out
}
