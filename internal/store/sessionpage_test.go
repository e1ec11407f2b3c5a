package store_test

import (
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/audit"
	"github.com/cradle-org/cradle/internal/casework"
	"github.com/cradle-org/cradle/internal/org"
	"github.com/cradle-org/cradle/internal/store"
	"github.com/cradle-org/cradle/internal/store/storetest"
)

// The person page reads one page of a parent's sessions of one kind, newest
// first, with how many there are; past the end it reads the last page; the
// co-parent's practitioner still sees confidential notes withheld; and a
// read of all sessions (a subject access request's) still has every one.
func TestPersonSessionsByPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := makeFamily(t, db)
		sctx := audit.WithSource(ctx, audit.Source{Actor: "test"})
		today := time.Now().UTC().Truncate(24 * time.Hour)
		mustExec(t, db, `UPDATE families SET accepted_on = $1 WHERE id = $2`, today.AddDate(0, 0, -60), fx.familyID)
		// 45 sessions, one a day back from today: every third did not
		// happen, every fifth is confidential; note i is "N<i>", 45 the newest.
		for i := 1; i <= 45; i++ {
			s := casework.Session{PersonID: fx.parent1, HeldOn: today.AddDate(0, 0, i-45), Minutes: 50, Mode: "home", Attendance: "attended",
				Notes: fmt.Sprintf("N%d", i), Confidential: i%5 == 0}
			if i%3 == 0 {
				s.Attendance, s.Reason = "did_not_attend", "not in"
			}
			if _, err := db.RecordSession(sctx, fx.prac1.Actor(), s, nil); err != nil {
				t.Fatalf("session %d: %v", i, err)
			}
		}
		notes := func(rec store.PersonRecord) []string {
			var out []string
			for _, s := range rec.Sessions {
				if s.Withheld {
					out = append(out, "withheld")
				} else {
					out = append(out, s.Notes)
				}
			}
			return out
		}
		want := func(from, to int, step int, withheldFor func(int) bool) []string {
			var out []string
			for i := from; i >= to; i -= step {
				if withheldFor != nil && withheldFor(i) {
					out = append(out, "withheld")
				} else {
					out = append(out, fmt.Sprintf("N%d", i))
				}
			}
			return out
		}
		attended := func(from int) []string { // the attended from `from` down, newest first
			var out []string
			for i := from; i >= 1; i-- {
				if i%3 != 0 {
					out = append(out, fmt.Sprintf("N%d", i))
				}
			}
			return out
		}
		for _, tc := range []struct {
			name       string
			page       store.SessionPage
			wantNotes  []string
			wantTotal  int
			wantOffset int
		}{
			{"the first page", store.SessionPage{Offset: 0, Limit: 20}, want(45, 26, 1, nil), 45, 0},
			{"the last page", store.SessionPage{Offset: 40, Limit: 20}, want(5, 1, 1, nil), 45, 40},
			{"past the end: the last page", store.SessionPage{Offset: 400, Limit: 20}, want(5, 1, 1, nil), 45, 40},
			{"a negative offset: the first page", store.SessionPage{Offset: -20, Limit: 20}, want(45, 26, 1, nil), 45, 0},
			{"attended, second page", store.SessionPage{Show: "attended", Offset: 10, Limit: 10}, attended(45)[10:20], 30, 10},
			{"did not happen", store.SessionPage{Show: "not_attended", Limit: 20}, want(45, 3, 3, nil), 15, 0},
			{"supervision notes: none", store.SessionPage{Show: "supervision", Offset: 20, Limit: 20}, nil, 0, 0},
			{"an unknown kind: none", store.SessionPage{Show: "everything", Limit: 20}, nil, 0, 0},
		} {
			rec, err := db.ReadPersonPage(ctx, fx.prac1.Actor(), fx.parent1, tc.page)
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			if got := notes(rec); !slices.Equal(got, tc.wantNotes) || rec.SessionsTotal != tc.wantTotal || rec.SessionsOffset != tc.wantOffset {
				t.Errorf("%s: %v, total %d, offset %d; want %v, %d, %d", tc.name, got, rec.SessionsTotal, rec.SessionsOffset, tc.wantNotes, tc.wantTotal, tc.wantOffset)
			}
		}
		// The co-parent's practitioner: the same page, confidential notes withheld.
		rec, err := db.ReadPersonPage(ctx, fx.prac2.Actor(), fx.parent1, store.SessionPage{Limit: 20})
		if err != nil {
			t.Fatal(err)
		}
		if got, w := notes(rec), want(45, 26, 1, func(i int) bool { return i%5 == 0 }); !slices.Equal(got, w) {
			t.Errorf("the co-parent's practitioner's page: %v, want %v", got, w)
		}
		// A read of every session (a subject access request's) has all 45.
		all, err := db.ReadPersonParts(ctx, fx.prac1.Actor(), fx.parent1, store.PersonSessions, "")
		if err != nil {
			t.Fatal(err)
		}
		if got := notes(all); !slices.Equal(got, want(45, 1, 1, nil)) || all.SessionsTotal != 45 {
			t.Errorf("every session: %d read, total %d; want 45", len(got), all.SessionsTotal)
		}
	})
}

// The person page counts the sessions a parent attended on each module of
// the programme's content (not those that did not happen, nor supervision
// notes), the co-parent's practitioner seeing the same counts (a
// confidential session's module is not withheld, as in the list), and a
// page narrowed to a module lists the sessions attended on it.
func TestPersonSessionsByModule(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := makeFamily(t, db)
		sctx := audit.WithSource(ctx, audit.Source{Actor: "test"})
		today := time.Now().UTC().Truncate(24 * time.Hour)
		mustExec(t, db, `UPDATE families SET accepted_on = $1 WHERE id = $2`, today.AddDate(0, 0, -60), fx.familyID)
		modules := []casework.Option{{Value: "self_esteem", Label: "Self-esteem"}, {Value: "assertiveness", Label: "Assertiveness"}}
		for i, s := range []casework.Session{
			{PersonID: fx.parent1, Attendance: "attended", Module: "self_esteem", Notes: "S1"},
			{PersonID: fx.parent1, Attendance: "attended", Module: "self_esteem", Notes: "S2", Confidential: true},
			{PersonID: fx.parent1, Attendance: "did_not_attend", Module: "self_esteem", Reason: "not in"},
			{PersonID: fx.parent1, Attendance: "attended", Module: "assertiveness", Notes: "A1"},
			{PersonID: fx.parent1, Attendance: "attended", Notes: "none"},
			{PersonID: fx.parent2, Attendance: "attended", Module: "self_esteem", Notes: "other parent"},
		} {
			s.HeldOn, s.Minutes, s.Mode = today.AddDate(0, 0, i-10), 50, "home"
			if _, err := db.RecordSession(sctx, map[int64]org.Staff{fx.parent1: fx.prac1, fx.parent2: fx.prac2}[s.PersonID].Actor(), s, modules); err != nil {
				t.Fatalf("session %d: %v", i, err)
			}
		}
		if err := db.RecordSupervision(sctx, fx.mgr.Actor(), fx.parent1, "Supervision"); err != nil {
			t.Fatal(err)
		}
		want := map[string]int{"self_esteem": 2, "assertiveness": 1, "": 1}
		for _, reader := range []org.Staff{fx.prac1, fx.prac2, fx.mgr} {
			rec, err := db.ReadPersonPage(ctx, reader.Actor(), fx.parent1, store.SessionPage{Limit: 20})
			if err != nil {
				t.Fatal(err)
			}
			if !maps.Equal(rec.ModuleSessions, want) {
				t.Errorf("%s reads %v, want %v", reader.Name, rec.ModuleSessions, want)
			}
		}
		rec, err := db.ReadPersonPage(ctx, fx.prac2.Actor(), fx.parent1, store.SessionPage{Module: "self_esteem", Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		if rec.SessionsTotal != 2 || len(rec.Sessions) != 1 || !rec.Sessions[0].Withheld {
			t.Errorf("self-esteem, a page of 1, for the other practitioner: %d of %d (%+v); want the newest (withheld) of 2", len(rec.Sessions), rec.SessionsTotal, rec.Sessions)
		}
		rec, err = db.ReadPersonPage(ctx, fx.prac1.Actor(), fx.parent1, store.SessionPage{Module: "self_esteem", Limit: 20, Offset: 20})
		if err != nil {
			t.Fatal(err)
		}
		if rec.SessionsTotal != 2 || len(rec.Sessions) != 2 || rec.Sessions[0].Notes != "S2" || rec.Sessions[1].Notes != "S1" {
			t.Errorf("self-esteem past the end: %+v of %d; want S2, S1", rec.Sessions, rec.SessionsTotal)
		}
		if rec, err = db.ReadPersonPage(ctx, fx.prac1.Actor(), fx.parent1, store.SessionPage{Module: "astrology", Limit: 20}); err != nil || rec.SessionsTotal != 0 {
			t.Errorf("a module with no sessions: %d, %v", rec.SessionsTotal, err)
		}
		// With the counts read, whether the parent has attended is known
		// without asking again.
		if !rec.Attended {
			t.Error("Attended = false for a parent with sessions attended")
		}
	})
}
