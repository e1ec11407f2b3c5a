package store_test

import (
	"strings"
	"testing"

	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/store"
	"github.com/cradle-org/cradle/internal/store/storetest"
)

// TestSearchPagesAndSaysThereIsMore: a search lists at most SearchLimit
// people, open families first and newest references first, and says when
// there are more; exactly SearchLimit is not "more". A manager finds only
// their own areas' people.
func TestSearchPagesAndSaysThereIsMore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		seedReportDataset(t, db) // families 1–8 in the North (1, 3 and 6 closed), 9–10 in the South
		add := func(from, n int, name string) {
			for i := range n {
				id := from + i
				mustExec(t, db, `INSERT INTO people (id, family_id, kind, given_name, family_name, created_at, updated_at) VALUES ($1, $2, 'child', 'Sam', $3, $4, $4)`,
					id, 1+id%10, name, d(2026, 7, 1))
			}
		}
		add(1000, store.SearchLimit, "Exact")
		add(2000, store.SearchLimit+1, "Over")
		dsl := policy.Actor{StaffID: 1, Role: policy.DSL}
		for _, tc := range []struct {
			name  string
			actor policy.Actor
			q     string
			n     int
			more  bool
		}{
			{"exactly a page", dsl, "Exact", store.SearchLimit, false},
			{"one more than a page", dsl, "Over", store.SearchLimit, true},
			{"the North's manager", policy.Actor{StaffID: 2, Role: policy.TeamManager, Areas: []int64{1}}, "Over", 41, false},
		} {
			hits, more, err := db.SearchPeople(ctx, tc.actor, tc.q)
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			if len(hits) != tc.n || more != tc.more {
				t.Errorf("%s: %d found, more %v; want %d, %v", tc.name, len(hits), more, tc.n, tc.more)
			}
			// Open families before closed ones, then the newest reference first.
			for i := 1; i < len(hits); i++ {
				a, b := hits[i-1].Family, hits[i].Family
				if aClosed, bClosed := a.Stage == "closed", b.Stage == "closed"; aClosed && !bClosed || aClosed == bClosed && a.Reference < b.Reference {
					t.Errorf("%s: %s (%s) listed before %s (%s)", tc.name, a.Reference, a.Stage, b.Reference, b.Stage)
					break
				}
			}
		}
	})
}

// TestPersonNamesFollowTheRows: person_names (migration 24), which a
// manager's or DSL's one-name search reads, must hold exactly each person's
// non-empty names, lower-cased, with their family's closed flag, reference
// and area, after people are added, renamed, moved and deleted and families
// close, reopen, move area and are renumbered; and a search must find what
// it holds.
func TestPersonNamesFollowTheRows(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		seedReportDataset(t, db) // families 1–8 in the North (1, 3 and 6 closed), 9–10 in the South
		check := func(step string) {
			t.Helper()
			want := `SELECT n.id, n.name, f.stage = 'closed', f.reference, f.id, f.area_id
				FROM (SELECT id, family_id, lower(given_name) AS name FROM people UNION SELECT id, family_id, lower(family_name) FROM people
					UNION SELECT id, family_id, lower(known_as) FROM people) n JOIN families f ON f.id = n.family_id WHERE n.name <> ''`
			kept := `SELECT person_id, name, closed, reference, family_id, area_id FROM person_names`
			for _, q := range []string{kept + ` EXCEPT ` + want, want + ` EXCEPT ` + kept} {
				n, err := db.RawString(ctx, `SELECT CAST(COUNT(*) AS TEXT) FROM (`+q+`) x`)
				if err != nil {
					t.Fatalf("%s: %v", step, err)
				}
				if n != "0" {
					t.Errorf("%s: %s rows in %q", step, n, q)
				}
			}
		}
		check("the dataset")
		for i, name := range [][3]string{{"Ona", "Kazlauskas", ""}, {"Jonas", "Kazlauskas", "Jo"}, {"Kazlauskas", "Kazlauskas", "KAZLAUSKAS"}, {"", "", ""}} {
			mustExec(t, db, `INSERT INTO people (id, family_id, kind, given_name, family_name, known_as, created_at, updated_at) VALUES ($1, $2, 'child', $3, $4, $5, $6, $6)`,
				500+i, 1+i*3, name[0], name[1], name[2], d(2026, 7, 1))
		}
		check("people added")
		dsl := policy.Actor{StaffID: 1, Role: policy.DSL}
		found := func(step, q string, actor policy.Actor, want ...int64) {
			t.Helper()
			hits, _, err := db.SearchPeople(ctx, actor, q)
			if err != nil {
				t.Fatalf("%s: %v", step, err)
			}
			var got []int64
			for _, h := range hits {
				got = append(got, h.Person.ID)
			}
			if len(got) != len(want) {
				t.Errorf("%s: %q found %v, want %v", step, q, got, want)
				return
			}
			for i := range got {
				if got[i] != want[i] {
					t.Errorf("%s: %q found %v, want %v", step, q, got, want)
					return
				}
			}
		}
		// Open families first, newest reference first (7, then 4), then
		// closed (1); one person once though two or three names match.
		found("people added", "kazlauskas", dsl, 502, 501, 500)
		mustExec(t, db, `UPDATE people SET family_name = 'Petrauskas', known_as = 'Kaz' WHERE id = 501`)
		mustExec(t, db, `UPDATE people SET family_id = 2 WHERE id = 500`)
		check("people renamed and moved")
		found("people renamed and moved", "kazlauskas", dsl, 502, 500)
		mustExec(t, db, `UPDATE families SET stage = 'closed' WHERE id = 7`)
		mustExec(t, db, `UPDATE families SET stage = 'antenatal', reference = 'FAM-Z' WHERE id = 1`)
		mustExec(t, db, `UPDATE families SET area_id = 2 WHERE id = 2`)
		check("families changed")
		found("families changed", "kazlauskas", dsl, 500, 502)
		north := policy.Actor{StaffID: 2, Role: policy.TeamManager, Areas: []int64{1}}
		found("the North's manager", "kazlauskas", north, 502)
		mustExec(t, db, `DELETE FROM people WHERE id IN (500, 503)`)
		check("people deleted")
		found("people deleted", "kazlauskas", dsl, 502)
	})
}

// TestOneNameSearchAnyLetterCase: a one-name search finds a name with
// capitals outside A to Z however it is typed, on SQLite (whose lower()
// lower-cases only A to Z) as on PostgreSQL, for every role's way of
// searching (a practitioner's own families, a manager's areas, a DSL's
// everywhere).
func TestOneNameSearchAnyLetterCase(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		seedReportDataset(t, db) // family 2 is open, in the North, staff 1's
		mustExec(t, db, `INSERT INTO people (id, family_id, kind, given_name, family_name, known_as, created_at, updated_at) VALUES (900, 2, 'child', 'Łukasz', 'ÖZTÜRK', 'Šimkus', $1, $1)`, d(2026, 7, 1))
		// Two of one person's names that SQLite keeps apart match two
		// forms of one word: still one hit.
		mustExec(t, db, `INSERT INTO people (id, family_id, kind, given_name, family_name, known_as, created_at, updated_at) VALUES (901, 2, 'child', 'Żaneta', 'Nowak', 'żaneta', $1, $1)`, d(2026, 7, 1))
		for _, actor := range []policy.Actor{
			{StaffID: 2, Role: policy.DSL}, {StaffID: 2, Role: policy.TeamManager, Areas: []int64{1}}, {StaffID: 1, Role: policy.Practitioner, Areas: []int64{1}},
		} {
			for _, q := range []string{"Łukasz", "łukasz", "ŁUKASZ", "Öztürk", "öztürk", "ÖZTÜRK", "šimkus", "ŠIMKUS", "Żaneta", "ŻANETA"} {
				hits, _, err := db.SearchPeople(ctx, actor, q)
				if err != nil {
					t.Fatalf("%s, %q: %v", actor.Role, q, err)
				}
				want := int64(900)
				if strings.Contains(strings.ToLower(q), "żaneta") {
					want = 901
				}
				if len(hits) != 1 || hits[0].Person.ID != want {
					t.Errorf("%s, %q: found %d people, want person %d once", actor.Role, q, len(hits), want)
				}
			}
		}
	})
}
