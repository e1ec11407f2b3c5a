package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/audit"
	"github.com/cradle-org/cradle/internal/casework"
	"github.com/cradle-org/cradle/internal/family"
	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/sharing"
	"github.com/cradle-org/cradle/internal/store"
	"github.com/cradle-org/cradle/internal/store/storetest"
)

// TestProgrammeMeasures: a parent's programme measures are their own
// sessions (not the other parent's, not supervision notes) and the family's
// status history; engagement counts sessions as the dashboard does (offered
// is attended, did not attend or cancelled by the parent); the status on a
// date is the latest change on or before it; the read is authorised by the
// person-view decision and audited.
func TestProgrammeMeasures(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			var mu sync.Mutex
			now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
			clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
			db := storetest.Open(t, b, clock)
			fx := makeFamily(t, db) // created, so open to sessions, on 2 March
			mu.Lock()
			now = now.AddDate(0, 0, 40)
			mu.Unlock()
			sctx := audit.WithSource(ctx, audit.Source{Actor: "test"})
			day := func(n int) time.Time { return time.Date(2026, 3, 2+n, 0, 0, 0, 0, time.UTC) }

			session := func(s policy.Actor, personID int64, on time.Time, attendance string) {
				t.Helper()
				ss := casework.Session{PersonID: personID, HeldOn: on, Minutes: 60, Mode: "home", Attendance: attendance}
				if attendance != "attended" {
					ss.Reason = "not today"
				}
				if _, err := db.RecordSession(sctx, s, ss, nil); err != nil {
					t.Fatalf("session on %v: %v", on, err)
				}
			}
			p1, p2 := fx.prac1.Actor(), fx.prac2.Actor()
			session(p1, fx.parent1, day(1), "attended")
			session(p1, fx.parent1, day(3), "did_not_attend")
			session(p1, fx.parent1, day(5), "cancelled_by_parent")
			session(p1, fx.parent1, day(7), "cancelled_by_practitioner")
			session(p1, fx.parent1, day(20).Add(23*time.Hour), "attended") // late in the day still counts for that day
			session(p2, fx.parent2, day(2), "attended")
			if err := db.RecordSupervision(sctx, fx.mgr.Actor(), fx.parent1, "Supervision"); err != nil {
				t.Fatal(err)
			}
			for _, m := range []sharing.Meeting{
				{Kind: "team_around_baby", HeldOn: day(10), Attendees: "Social worker", StatusAfter: "child_in_need"},
				{Kind: "team_around_baby", HeldOn: day(10), Attendees: "Social worker", StatusAfter: "child_protection_plan"},
				{Kind: "team_around_baby", HeldOn: day(30), Attendees: "Social worker", StatusAfter: "none"},
			} {
				if err := db.RecordMeeting(sctx, p1, fx.familyID, m); err != nil {
					t.Fatal(err)
				}
			}

			as := func(id int64) context.Context { return audit.WithSource(ctx, audit.Source{ActorID: id, Actor: "test"}) }
			pm, err := db.ReadProgrammeMeasures(as(fx.prac1.ID), p1, fx.parent1)
			if err != nil {
				t.Fatal(err)
			}
			if len(pm.Sessions) != 5 || pm.FamilyID != fx.familyID || pm.PersonID != fx.parent1 {
				t.Fatalf("sessions = %+v, want parent 1's five (no supervision note, nothing of parent 2's)", pm.Sessions)
			}
			for _, c := range []struct {
				on                                  time.Time
				attended, missed, byParent, byStaff int
				offered                             int
			}{
				{day(0), 0, 0, 0, 0, 0},
				{day(1), 1, 0, 0, 0, 1},
				{day(6), 1, 1, 1, 0, 3},
				{day(7), 1, 1, 1, 1, 3}, // the practitioner's cancellation is not offered
				{day(20), 2, 1, 1, 1, 4},
			} {
				f := pm.EngagementBy(c.on)
				if f.SessionsAttended != c.attended || f.SessionsMissed != c.missed || f.SessionsCancelledByParent != c.byParent ||
					f.SessionsCancelledByStaff != c.byStaff || f.Offered() != c.offered {
					t.Errorf("by %s: %+v offered %d, want %d attended of %d", c.on.Format(time.DateOnly), f, f.Offered(), c.attended, c.offered)
				}
			}
			for _, c := range []struct {
				on     time.Time
				status string
				ok     bool
			}{
				{day(9), "", false},
				{day(10), "child_protection_plan", true}, // the later of two the same day
				{day(29), "child_protection_plan", true},
				{day(30), "none", true},
			} {
				if st, ok := pm.StatusOn(c.on); st != c.status || ok != c.ok {
					t.Errorf("status on %s = %q %v, want %q %v", c.on.Format(time.DateOnly), st, ok, c.status, c.ok)
				}
			}

			// The other parent's practitioner may view the person, and sees
			// the same: counts and statuses are not confidential.
			other, err := db.ReadProgrammeMeasures(as(fx.prac2.ID), p2, fx.parent1)
			if err != nil || len(other.Sessions) != 5 || len(other.Statuses) != 3 {
				t.Errorf("co-parent's practitioner: %v, %d sessions, %d statuses", err, len(other.Sessions), len(other.Statuses))
			}
			// A practitioner with no part in the family may not.
			if _, err := db.ReadProgrammeMeasures(as(fx.other.ID), fx.other.Actor(), fx.parent1); problem.As(err) == nil || problem.As(err).Code != problem.Forbidden {
				t.Errorf("unallocated practitioner: %v, want Forbidden", err)
			}
			entries, err := db.AuditEntries(ctx, store.AuditFilter{RecordType: "person", RecordID: fx.parent1, Actions: []string{"person.programme_measures.view"}})
			if err != nil || len(entries) != 2 || entries[0].ActorID != fx.prac2.ID || entries[1].ActorID != fx.prac1.ID || entries[0].FamilyID != fx.familyID {
				t.Errorf("audit entries = %+v, %v; want one per allowed read", entries, err)
			}

			// The measures page's one read: the same programme measures, the
			// reader's access, and three audit entries, or none when refused.
			rec, both, err := db.ReadPersonMeasures(as(fx.prac1.ID), p1, fx.parent1, true)
			if err != nil || len(both.Sessions) != 5 || len(both.Statuses) != 3 || !rec.CanSeeConf || !rec.CanEdit || rec.Person.ID != fx.parent1 || rec.Family.ID != fx.familyID {
				t.Errorf("own practitioner's measures read: %v, %d sessions, %d statuses, %+v", err, len(both.Sessions), len(both.Statuses), rec)
			}
			if rec, _, err := db.ReadPersonMeasures(as(fx.prac2.ID), p2, fx.parent1, true); err != nil || rec.CanSeeConf || rec.CanEdit {
				t.Errorf("co-parent's practitioner's measures read: %v, sees confidential %v, may edit %v", err, rec.CanSeeConf, rec.CanEdit)
			}
			if _, _, err := db.ReadPersonMeasures(as(fx.other.ID), fx.other.Actor(), fx.parent1, false); problem.As(err) == nil || problem.As(err).Code != problem.Forbidden {
				t.Errorf("unallocated practitioner's measures read: %v, want Forbidden", err)
			}
			var child int64
			if err := db.Update(sctx, func(tx *store.Tx) error {
				var err error
				child, err = tx.AddPerson(fx.familyID, family.Person{Kind: family.Child, GivenName: "Kit", FamilyName: "Rivers"})
				return err
			}); err != nil {
				t.Fatal(err)
			}
			if _, _, err := db.ReadPersonMeasures(as(fx.prac1.ID), p1, child, true); problem.As(err) == nil || problem.As(err).Code != problem.NotFound {
				t.Errorf("a child's measures read: %v, want NotFound", err)
			}
			// One instrument's page: the person, without the programme
			// measures, read or audited.
			if rec, none, err := db.ReadPersonMeasures(as(fx.prac1.ID), p1, fx.parent1, false); err != nil || len(none.Sessions) != 0 || len(none.Statuses) != 0 || !rec.CanSeeConf {
				t.Errorf("one measure's read: %v, %d sessions, %d statuses", err, len(none.Sessions), len(none.Statuses))
			}
			for _, c := range []struct {
				person int64
				action string
				want   int
			}{{fx.parent1, "person.view", 3}, {fx.parent1, "person.programme_measures.view", 4}, {child, "person.view", 0}, {child, "person.programme_measures.view", 0}} {
				if es, err := db.AuditEntries(ctx, store.AuditFilter{RecordType: "person", RecordID: c.person, Actions: []string{c.action}}); err != nil || len(es) != c.want {
					t.Errorf("person %d: %d %s entries (%v), want %d", c.person, len(es), c.action, err, c.want)
				}
			}
		})
	}
}
