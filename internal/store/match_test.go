package store_test

import (
	"testing"

	"github.com/cradle-org/cradle/internal/match"
	"github.com/cradle-org/cradle/internal/store"
	"github.com/cradle-org/cradle/internal/store/storetest"
)

// TestPossibleMatchesPutStrongKeysFirst: when more people share a
// referral's name than are looked at closely, the person who also shares
// its phone number is still among them. (The lookup once took the first
// hundred people sharing any key, in no order.)
func TestPossibleMatchesPutStrongKeysFirst(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		seedReportDataset(t, db)
		id := match.Identity{GivenName: "Emma", FamilyName: "Smith", Phone: "07700 900123"}
		person := func(pid int, strong bool) {
			mustExec(t, db, `INSERT INTO people (id, family_id, kind, given_name, family_name, created_at, updated_at) VALUES ($1, 2, 'child', 'Emma', 'Smith', $2, $2)`, pid, d(2026, 7, 1))
			for _, k := range db.MatchKeys(id) {
				if k[0] == "phone" && !strong {
					continue
				}
				mustExec(t, db, `INSERT INTO person_match_keys (person_id, kind, match_key) VALUES ($1, $2, $3)`, pid, k[0], k[1])
			}
		}
		for i := range store.MatchLimit + 50 {
			person(1000+i, false) // the same name, lower ids
		}
		person(5000, true) // the same name and phone
		found, err := db.FindPossibleMatches(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		hit := false
		for _, m := range found {
			hit = hit || m.PersonID == 5000
		}
		if !hit || len(found) != store.MatchLimit {
			t.Errorf("the person sharing the phone number is not among the %d possible matches (found: %v)", len(found), hit)
		}
	})
}
