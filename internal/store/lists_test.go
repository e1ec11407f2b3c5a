package store_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/family"
	"github.com/cradle-org/cradle/internal/org"
	"github.com/cradle-org/cradle/internal/safeguarding"
	"github.com/cradle-org/cradle/internal/store"
	"github.com/cradle-org/cradle/internal/store/storetest"
)

// The open-concerns list is paged in SQL: every page holds the concerns the
// actor may read, oldest first, with the total; nothing is capped or lost
// between pages; another area's manager and an unrelated practitioner see
// none of them.
func TestOpenConcernsPaged(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := makeFamily(t, db)
		dsl := seedStaff(t, db, "dsl@example.org", "dsl", "Blackpool")
		away := seedStaff(t, db, "away@example.org", "team_manager", "Hertfordshire")
		no := false
		var raised []int64
		for i := range 7 {
			id, err := db.RaiseConcern(ctx, fx.prac1.Actor(), store.NewConcern{FamilyID: fx.familyID, PersonID: fx.parent1,
				Concern: safeguarding.Concern{About: "worry " + string(rune('a'+i)), AtRisk: safeguarding.AtRiskParent, ImmediateDanger: &no},
				Due:     time.Now().Add(time.Hour)}, nil)
			if err != nil {
				t.Fatal(err)
			}
			raised = append(raised, id)
		}
		for _, tc := range []struct {
			name string
			who  int // index into staff
			want int
		}{{"DSL", 0, 7}, {"the area's manager", 1, 7}, {"the practitioner who raised them", 2, 7}, {"the other parent's practitioner", 3, 0}, {"another area's manager", 4, 0}} {
			actor := []org.Staff{dsl, fx.mgr, fx.prac1, fx.prac2, away}[tc.who].Actor()
			var seen []int64
			for offset := 0; ; offset += 3 {
				page, total, err := db.OpenConcerns(ctx, actor, offset, 3)
				if err != nil {
					t.Fatalf("%s: %v", tc.name, err)
				}
				if total != tc.want {
					t.Errorf("%s: total %d; want %d", tc.name, total, tc.want)
				}
				if len(page) > 3 {
					t.Errorf("%s: a page of 3 held %d", tc.name, len(page))
				}
				for _, c := range page {
					seen = append(seen, c.ID)
				}
				if len(page) < 3 {
					break
				}
			}
			if tc.want == 0 && len(seen) != 0 {
				t.Errorf("%s saw %d concerns; want none", tc.name, len(seen))
			}
			if tc.want > 0 && !slices.Equal(seen, raised) {
				t.Errorf("%s: pages held %v; want %v (oldest first, each once)", tc.name, seen, raised)
			}
		}
	})
}

// A caseload covers at most CaseloadLimit open families, those with the
// lowest references, and says when there were more.
func TestCaseloadCapped(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		mgr := seedStaff(t, db, "m@example.org", "team_manager", "Blackpool")
		add := func(n int) {
			t.Helper()
			err := db.Update(ctx, func(tx *store.Tx) error {
				tx.Audit("test", "", 0, 0, "")
				for range n {
					if _, _, err := tx.CreateFamily(store.NewFamily{AreaName: "Blackpool", Stage: family.Antenatal, EDD: time.Date(2027, 2, 1, 0, 0, 0, 0, time.UTC), ManagerID: mgr.ID}); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		add(store.CaseloadLimit)
		list, more, err := db.CaseloadCapped(ctx, mgr.Actor())
		if err != nil || len(list) != store.CaseloadLimit || more {
			t.Fatalf("at the limit: %d families, more %v, %v; want %d and no more", len(list), more, err, store.CaseloadLimit)
		}
		add(1)
		list, more, err = db.CaseloadCapped(ctx, mgr.Actor())
		if err != nil || len(list) != store.CaseloadLimit || !more {
			t.Fatalf("one over the limit: %d families, more %v, %v; want %d and more", len(list), more, err, store.CaseloadLimit)
		}
		if !slices.IsSortedFunc(list, func(a, b store.CaseloadEntry) int { return strings.Compare(a.Reference, b.Reference) }) {
			t.Error("the capped list is not the lowest references in order")
		}
	})
}

// The staff an area's family page offers: the area's practitioners and
// managers and every DSL, not another area's staff, an analyst or anyone
// disabled; by name.
func TestStaffInArea(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		prac := seedStaff(t, db, "prac@example.org", "practitioner", "Blackpool")
		mgr := seedStaff(t, db, "mgr@example.org", "team_manager", "Blackpool")
		dsl := seedStaff(t, db, "dsl@example.org", "dsl", "Hertfordshire")
		seedStaff(t, db, "away@example.org", "practitioner", "Hertfordshire")
		seedStaff(t, db, "analyst@example.org", "analyst", "Blackpool")
		seedStaff(t, db, "gone@example.org", "practitioner", "Blackpool")
		if err := db.Update(ctx, func(tx *store.Tx) error { _, err := tx.DisableStaff("gone@example.org"); return err }); err != nil {
			t.Fatal(err)
		}
		got, err := db.StaffInArea(ctx, prac.Areas[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, s := range got {
			ids = append(ids, s.ID)
		}
		// Names: "Test dsl", "Test practitioner", "Test team_manager".
		if want := []int64{dsl.ID, prac.ID, mgr.ID}; !slices.Equal(ids, want) {
			t.Errorf("staff in Blackpool = %v; want %v (the DSL, the practitioner, the manager)", ids, want)
		}
	})
}
