package store_test

import (
	"strings"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/audit"
	"github.com/cradle-org/cradle/internal/casework"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/store"
	"github.com/cradle-org/cradle/internal/store/storetest"
)

// A parent leaves the programme while the other carries on: only those
// who may edit their confidential record may say so; the other parent's
// practitioner then sees that they left and when, never why; no session is
// recorded after the day they left until they rejoin; both parents cannot
// leave (the case closes instead); and rejoining is checked against the
// day they left. Each change is audited, and the note is sealed.
func TestParentLeavesAndRejoinsTheProgramme(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := makeFamily(t, db)
		sctx := audit.WithSource(ctx, audit.Source{Actor: "test"})
		today := time.Now().UTC().Truncate(24 * time.Hour)
		mustExec(t, db, `UPDATE families SET accepted_on = $1 WHERE id = $2`, today.AddDate(0, 0, -60), fx.familyID)
		leaving := casework.Departure{PersonID: fx.parent1, Reason: "moved_out_of_area", Note: "CANARY-LEFT Moved to her sister's.", LeftOn: today.AddDate(0, 0, -10)}

		if err := db.LeaveProgramme(sctx, fx.prac2.Actor(), leaving); problem.CodeOf(err) != problem.Forbidden {
			t.Errorf("the other parent's practitioner recording Alex leaving: %v, want forbidden", err)
		}
		if err := db.LeaveProgramme(sctx, fx.prac1.Actor(), casework.Departure{PersonID: fx.parent1, Reason: "withdrew", LeftOn: today.AddDate(0, 0, -61)}); !hasField(err, "left_on") {
			t.Errorf("leaving before the family was accepted: %v, want a problem with left_on", err)
		}
		// Alex's sessions were paused: leaving ends the pause, and none can
		// start until Alex rejoins.
		if err := db.PauseSessions(sctx, fx.prac1.Actor(), casework.Pause{PersonID: fx.parent1, Reason: "housing", StartedOn: today.AddDate(0, 0, -20)}); err != nil {
			t.Fatal(err)
		}
		if err := db.LeaveProgramme(sctx, fx.prac1.Actor(), leaving); err != nil {
			t.Fatalf("Alex's practitioner recording Alex leaving: %v", err)
		}
		if n, err := db.RawString(ctx, `SELECT CAST(COUNT(*) AS TEXT) FROM pauses WHERE person_id = $1 AND ended_on IS NULL`, fx.parent1); err != nil || n != "0" {
			t.Errorf("open pauses after Alex left: %s (%v), want 0", n, err)
		}
		if err := db.PauseSessions(sctx, fx.prac1.Actor(), casework.Pause{PersonID: fx.parent1, Reason: "housing", StartedOn: today}); problem.CodeOf(err) != problem.Conflict {
			t.Errorf("pausing the sessions of a parent who left: %v, want a conflict", err)
		}
		if err := db.LeaveProgramme(sctx, fx.prac1.Actor(), leaving); problem.CodeOf(err) != problem.Conflict {
			t.Errorf("leaving twice: %v, want a conflict", err)
		}
		if err := db.LeaveProgramme(sctx, fx.prac2.Actor(), casework.Departure{PersonID: fx.parent2, Reason: "withdrew", LeftOn: today}); !hasField(err, "leave_reason") ||
			!strings.Contains(err.Error(), "close the family's case instead") {
			t.Errorf("the second parent leaving too: %v, want the case closed instead", err)
		}

		own, err := db.ReadPerson(ctx, fx.prac1.Actor(), fx.parent1)
		if err != nil {
			t.Fatal(err)
		}
		if own.Person.Active || len(own.Departures) != 1 || own.Departures[0].Reason != "moved_out_of_area" || own.Departures[0].Note != leaving.Note ||
			!own.Departures[0].LeftOn.Equal(leaving.LeftOn) || !own.Departures[0].Current() || own.Departures[0].By == "" {
			t.Errorf("Alex's own practitioner reads active %v, departures %+v", own.Person.Active, own.Departures)
		}
		theirs, err := db.ReadPerson(ctx, fx.prac2.Actor(), fx.parent1)
		if err != nil {
			t.Fatal(err)
		}
		if len(theirs.Departures) != 1 || !theirs.Departures[0].Withheld || theirs.Departures[0].Reason != "" || theirs.Departures[0].Note != "" ||
			!theirs.Departures[0].LeftOn.Equal(leaving.LeftOn) {
			t.Errorf("the other parent's practitioner reads Alex's departures as %+v: want when, not why", theirs.Departures)
		}
		// Sam's practitioner is asked to review Sam's risk and safety plan
		// within the week; Alex's own is not.
		if n, err := db.RawString(ctx, `SELECT CAST(COUNT(*) AS TEXT) FROM tasks WHERE kind = 'review_risk' AND person_id = $1 AND assigned_to = $2 AND title LIKE '%Alex Rivers has left the programme%'`,
			fx.parent2, fx.prac2.ID); err != nil || n != "1" {
			t.Errorf("review tasks for Sam's practitioner after Alex left: %s (%v), want 1", n, err)
		}
		if n, err := db.RawString(ctx, `SELECT CAST(COUNT(*) AS TEXT) FROM tasks WHERE kind = 'review_risk' AND person_id = $1`, fx.parent1); err != nil || n != "0" {
			t.Errorf("review tasks for Alex after leaving: %s (%v), want 0", n, err)
		}
		if n, err := db.RawString(ctx, `SELECT CAST(COUNT(*) AS TEXT) FROM departures WHERE note_sealed LIKE '%CANARY%'`); err != nil || n != "0" {
			t.Errorf("departure notes in the clear: %s (%v)", n, err)
		}

		// Sessions: one before the day they left (recorded late) is fine;
		// one after it waits for them to rejoin.
		sess := casework.Session{PersonID: fx.parent1, HeldOn: today.AddDate(0, 0, -10), Minutes: 60, Mode: "home", Attendance: "attended"}
		if _, err := db.RecordSession(sctx, fx.prac1.Actor(), sess, nil); err != nil {
			t.Errorf("a session on the day Alex left: %v", err)
		}
		sess.HeldOn = today.AddDate(0, 0, -2)
		if _, err := db.RecordSession(sctx, fx.prac1.Actor(), sess, nil); !hasField(err, "held_on") {
			t.Errorf("a session after Alex left: %v, want a problem with held_on", err)
		}

		if err := db.RejoinProgramme(sctx, fx.prac2.Actor(), fx.parent2, today); problem.CodeOf(err) != problem.Conflict {
			t.Errorf("Sam, who never left, rejoining: %v, want a conflict", err)
		}
		if err := db.RejoinProgramme(sctx, fx.prac2.Actor(), fx.parent1, today); problem.CodeOf(err) != problem.Forbidden {
			t.Errorf("the other parent's practitioner recording Alex rejoining: %v, want forbidden", err)
		}
		if err := db.RejoinProgramme(sctx, fx.prac1.Actor(), fx.parent1, today.AddDate(0, 0, -11)); !hasField(err, "rejoined_on") {
			t.Errorf("rejoining before leaving: %v, want a problem with rejoined_on", err)
		}
		if err := db.RejoinProgramme(sctx, fx.prac1.Actor(), fx.parent1, today.AddDate(0, 0, -3)); err != nil {
			t.Fatalf("Alex rejoining: %v", err)
		}
		if _, err := db.RecordSession(sctx, fx.prac1.Actor(), sess, nil); err != nil {
			t.Errorf("a session after Alex rejoined: %v", err)
		}
		back, err := db.ReadPerson(ctx, fx.prac1.Actor(), fx.parent1)
		if err != nil {
			t.Fatal(err)
		}
		if !back.Person.Active || len(back.Departures) != 1 || back.Departures[0].Current() || !back.Departures[0].RejoinedOn.Equal(today.AddDate(0, 0, -3)) {
			t.Errorf("after rejoining: active %v, departures %+v", back.Person.Active, back.Departures)
		}
		if err := db.RejoinProgramme(sctx, fx.prac1.Actor(), fx.parent1, today); problem.CodeOf(err) != problem.Conflict {
			t.Errorf("rejoining twice: %v, want a conflict", err)
		}
		for _, action := range []string{"person.leave", "person.rejoin"} {
			if es, err := db.AuditEntries(ctx, store.AuditFilter{RecordType: "person", RecordID: fx.parent1, Actions: []string{action}}); err != nil || len(es) != 1 {
				t.Errorf("audit entries for %s: %d (%v), want 1", action, len(es), err)
			}
		}
	})
}

// hasField reports whether err is a problem naming field.
func hasField(err error, field string) bool {
	p := problem.As(err)
	if p == nil {
		return false
	}
	for _, f := range p.Fields {
		if f.Name == field {
			return true
		}
	}
	return false
}
