package store_test

import (
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/audit"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/sharing"
	"github.com/cradle-org/cradle/internal/store"
	"github.com/cradle-org/cradle/internal/store/storetest"
)

// Two meetings change the family's safeguarding status, the first with an
// action; removed as entered in error, each takes its change of status and
// its open tasks with it, and is listed as removed.
func TestMeetingRemoval(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := makeFamily(t, db)
		sctx := audit.WithSource(ctx, audit.Source{Actor: "test"})
		prac := fx.prac1.Actor()
		today := db.Now().UTC().Truncate(24 * time.Hour)
		if err := db.RecordMeeting(sctx, prac, fx.familyID, sharing.Meeting{Kind: "child_in_need", HeldOn: today.AddDate(0, 0, -10), Attendees: "Wrong family",
			StatusAfter: "child_in_need", Actions: []sharing.Action{{What: "Visit", OwnerID: fx.prac2.ID, Due: today.AddDate(0, 0, 7)}}}); err != nil {
			t.Fatal(err)
		}
		if err := db.RecordMeeting(sctx, prac, fx.familyID, sharing.Meeting{Kind: "cp_conference", HeldOn: today, Attendees: "Conference",
			StatusAfter: "child_protection_plan"}); err != nil {
			t.Fatal(err)
		}
		page := func() store.FamilyPage { t.Helper(); return familyPageOf(t, db, sctx, prac, fx.familyID) }
		p := page()
		if len(p.Meetings) != 2 || len(p.StatusHistory) != 2 || p.Family.SafeguardingStatus != "child_protection_plan" || len(p.Tasks) != 1 {
			t.Fatalf("before: %d meetings, status %q after %+v, tasks %+v", len(p.Meetings), p.Family.SafeguardingStatus, p.StatusHistory, p.Tasks)
		}
		conference, wrong := p.Meetings[0].ID, p.Meetings[1].ID

		// Migration 51's statement, as it is in the migration: the tasks of
		// meetings recorded before it are linked to their meetings.
		if err := db.RawExec(ctx, `UPDATE tasks SET meeting_id = NULL`); err != nil {
			t.Fatal(err)
		}
		runMigrationStatements(t, db, 51, "UPDATE tasks SET meeting_id")
		if n, err := db.RawString(ctx, `SELECT CAST(COUNT(*) AS TEXT) FROM tasks WHERE meeting_id = $1`, wrong); err != nil || n != "1" {
			t.Fatalf("%s tasks linked to the meeting after migration 51 (%v), want 1", n, err)
		}

		if err := db.RemoveMeeting(sctx, prac, fx.familyID, wrong, " "); code(err) != problem.Invalid {
			t.Errorf("no reason: %v", err)
		}
		if err := db.RemoveMeeting(sctx, fx.other.Actor(), fx.familyID, wrong, "Wrong family"); code(err) != problem.Forbidden {
			t.Errorf("a practitioner not working with the family: %v", err)
		}
		if err := db.RemoveMeeting(sctx, prac, fx.familyID, wrong+1000, "Wrong family"); code(err) != problem.NotFound {
			t.Errorf("no such meeting: %v", err)
		}
		// The earlier meeting: its task goes, its change of status too; the
		// family's status is still the conference's.
		if err := db.RemoveMeeting(sctx, prac, fx.familyID, wrong, "CANARY-WHY Recorded on the wrong family's record"); err != nil {
			t.Fatal(err)
		}
		p = page()
		if len(p.Meetings) != 1 || p.Meetings[0].ID != conference || len(p.Tasks) != 0 || len(p.StatusHistory) != 1 ||
			p.StatusHistory[0].Status != "child_protection_plan" || p.Family.SafeguardingStatus != "child_protection_plan" {
			t.Fatalf("after removing the first: meetings %+v, tasks %+v, status %q after %+v", p.Meetings, p.Tasks, p.Family.SafeguardingStatus, p.StatusHistory)
		}
		if err := db.RemoveMeeting(sctx, fx.mgr.Actor(), fx.familyID, wrong, "Again"); code(err) != problem.Conflict {
			t.Errorf("a second time: %v, want a conflict (removed already)", err)
		}
		// The conference: no change of status is left, so none.
		if err := db.RemoveMeeting(sctx, fx.mgr.Actor(), fx.familyID, conference, "Recorded twice"); err != nil {
			t.Fatal(err)
		}
		p = page()
		if len(p.Meetings) != 0 || len(p.StatusHistory) != 0 || p.Family.SafeguardingStatus != "none" || len(p.RemovedMeetings) != 2 {
			t.Fatalf("after removing both: meetings %+v, status %q after %+v, removed %+v", p.Meetings, p.Family.SafeguardingStatus, p.StatusHistory, p.RemovedMeetings)
		}
		r := p.RemovedMeetings[1]
		if r.ID != wrong || r.MeetingKind != "child_in_need" || r.Why != "CANARY-WHY Recorded on the wrong family's record" || r.RemovedBy == "" || r.RemovedAt.IsZero() {
			t.Errorf("the removed meeting: %+v", r)
		}
		if n := countAudit(t, db, "meeting.remove"); n != 2 {
			t.Errorf("%d meeting.remove entries, want 2", n)
		}
	})
}

// A conference recorded in error set a plan; a core group after it,
// confirming the plan, wrote no change of its own. Removing the
// conference leaves the family on the plan, from the core group.
func TestMeetingRemovalKeepsALaterMeetingsStatus(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := makeFamily(t, db)
		sctx := audit.WithSource(ctx, audit.Source{Actor: "test"})
		prac := fx.prac1.Actor()
		today := db.Now().UTC().Truncate(24 * time.Hour)
		for _, m := range []sharing.Meeting{
			{Kind: "cp_conference", HeldOn: today.AddDate(0, 0, -20), Attendees: "Conference", StatusAfter: "child_protection_plan"},
			{Kind: "core_group", HeldOn: today.AddDate(0, 0, -5), Attendees: "Core group", StatusAfter: "child_protection_plan"},
		} {
			if err := db.RecordMeeting(sctx, prac, fx.familyID, m); err != nil {
				t.Fatal(err)
			}
		}
		p, err := db.ReadFamilyPage(sctx, prac, fx.familyID, 0)
		if err != nil || len(p.StatusHistory) != 1 || len(p.Meetings) != 2 {
			t.Fatalf("before: %+v, %d meetings (%v)", p.StatusHistory, len(p.Meetings), err)
		}
		if err := db.RemoveMeeting(sctx, prac, fx.familyID, p.Meetings[1].ID, "Recorded on the wrong family's record"); err != nil {
			t.Fatal(err)
		}
		p, err = db.ReadFamilyPage(sctx, prac, fx.familyID, 0)
		if err != nil || p.Family.SafeguardingStatus != "child_protection_plan" || len(p.StatusHistory) != 1 ||
			p.StatusHistory[0].Status != "child_protection_plan" || !p.StatusHistory[0].From.Equal(today.AddDate(0, 0, -5)) {
			t.Fatalf("after: status %q, history %+v (%v), want the plan from the core group", p.Family.SafeguardingStatus, p.StatusHistory, err)
		}
	})
}
