package store_test

import (
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
