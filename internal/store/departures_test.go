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

// A parent not ready to start is recorded as joining later, not as
// leaving: from the family's acceptance, only while they have attended no
// session and the other parent takes part; the family's readers see that
// they are joining later (not why: the note is the parent's); no one is
// asked to review the other parent's risk; a session waits until they
// join; and joining is checked, and audited, as joining.
func TestParentJoinsLater(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := makeFamily(t, db)
		sctx := audit.WithSource(ctx, audit.Source{Actor: "test"})
		today := time.Now().UTC().Truncate(24 * time.Hour)
		accepted := today.AddDate(0, 0, -30)
		mustExec(t, db, `UPDATE families SET accepted_on = $1 WHERE id = $2`, accepted, fx.familyID)

		if err := db.JoinLater(sctx, fx.prac2.Actor(), fx.parent1, ""); problem.CodeOf(err) != problem.Forbidden {
			t.Errorf("the other parent's practitioner recording Alex joining later: %v, want forbidden", err)
		}
		// Sam has attended a session: Sam has started, and would leave.
		if _, err := db.RecordSession(sctx, fx.prac2.Actor(), casework.Session{PersonID: fx.parent2, HeldOn: today.AddDate(0, 0, -2), Minutes: 60, Mode: "home", Attendance: "attended"}, nil); err != nil {
			t.Fatal(err)
		}
		if err := db.JoinLater(sctx, fx.prac2.Actor(), fx.parent2, ""); !hasField(err, "join_later_note") || !strings.Contains(err.Error(), "attended a session already") {
			t.Errorf("Sam, who attended a session, joining later: %v", err)
		}
		// A session Alex did not attend does not make a start.
		if _, err := db.RecordSession(sctx, fx.prac1.Actor(), casework.Session{PersonID: fx.parent1, HeldOn: today.AddDate(0, 0, -3), Mode: "home", Attendance: "did_not_attend", Reason: "No answer at the door."}, nil); err != nil {
			t.Fatal(err)
		}
		if err := db.JoinLater(sctx, fx.prac1.Actor(), fx.parent1, "CANARY-JOIN Not ready until after the birth."); err != nil {
			t.Fatalf("Alex joining later: %v", err)
		}
		if err := db.JoinLater(sctx, fx.prac1.Actor(), fx.parent1, ""); problem.CodeOf(err) != problem.Conflict {
			t.Errorf("joining later twice: %v, want a conflict", err)
		}
		own, err := db.ReadPerson(ctx, fx.prac1.Actor(), fx.parent1)
		if err != nil {
			t.Fatal(err)
		}
		if own.Person.Active || !own.Person.JoiningLater || len(own.Departures) != 1 || !own.Departures[0].Joining() ||
			!own.Departures[0].LeftOn.Equal(accepted) || own.Departures[0].Note != "CANARY-JOIN Not ready until after the birth." {
			t.Errorf("Alex's practitioner reads active %v, joining later %v, departures %+v", own.Person.Active, own.Person.JoiningLater, own.Departures)
		}
		theirs, err := db.ReadPerson(ctx, fx.prac2.Actor(), fx.parent1)
		if err != nil {
			t.Fatal(err)
		}
		if !theirs.Person.JoiningLater || len(theirs.Departures) != 1 || !theirs.Departures[0].Withheld || !theirs.Departures[0].Joining() || theirs.Departures[0].Note != "" {
			t.Errorf("Sam's practitioner reads Alex as joining later %v, departures %+v", theirs.Person.JoiningLater, theirs.Departures)
		}
		page, err := db.ReadFamilyPage(ctx, fx.prac2.Actor(), fx.familyID, 5)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range page.Family.Parents() {
			if p.ID == fx.parent1 && (!p.JoiningLater || p.Active) || p.ID == fx.parent2 && (p.JoiningLater || !p.Active) {
				t.Errorf("the family page reads %s as active %v, joining later %v", p.Name(), p.Active, p.JoiningLater)
			}
		}
		if n, err := db.RawString(ctx, `SELECT CAST(COUNT(*) AS TEXT) FROM tasks WHERE kind = 'review_risk'`); err != nil || n != "0" {
			t.Errorf("review tasks after Alex was recorded as joining later: %s (%v), want none", n, err)
		}

		sess := casework.Session{PersonID: fx.parent1, HeldOn: today, Minutes: 60, Mode: "home", Attendance: "attended"}
		if _, err := db.RecordSession(sctx, fx.prac1.Actor(), sess, nil); !hasField(err, "held_on") || !strings.Contains(err.Error(), "record that they have joined") {
			t.Errorf("a session while Alex is joining later: %v", err)
		}
		if err := db.RejoinProgramme(sctx, fx.prac1.Actor(), fx.parent1, accepted.AddDate(0, 0, -1)); !hasField(err, "rejoined_on") || !strings.Contains(err.Error(), "joined must be on or after") {
			t.Errorf("joining before the wait began: %v", err)
		}
		if err := db.RejoinProgramme(sctx, fx.prac1.Actor(), fx.parent1, today.AddDate(0, 0, -1)); err != nil {
			t.Fatalf("Alex joining: %v", err)
		}
		if _, err := db.RecordSession(sctx, fx.prac1.Actor(), sess, nil); err != nil {
			t.Errorf("a session after Alex joined: %v", err)
		}
		back, err := db.ReadPerson(ctx, fx.prac1.Actor(), fx.parent1)
		if err != nil {
			t.Fatal(err)
		}
		if !back.Person.Active || back.Person.JoiningLater || len(back.Departures) != 1 || back.Departures[0].Current() {
			t.Errorf("after joining: active %v, joining later %v, departures %+v", back.Person.Active, back.Person.JoiningLater, back.Departures)
		}
		// Having attended, Alex cannot be recorded as joining later again.
		if err := db.JoinLater(sctx, fx.prac1.Actor(), fx.parent1, ""); !hasField(err, "join_later_note") {
			t.Errorf("Alex joining later after a session: %v", err)
		}
		for _, action := range []string{"person.join_later", "person.join"} {
			if es, err := db.AuditEntries(ctx, store.AuditFilter{RecordType: "person", RecordID: fx.parent1, Actions: []string{action}}); err != nil || len(es) != 1 {
				t.Errorf("audit entries for %s: %d (%v), want 1", action, len(es), err)
			}
		}
		if es, err := db.AuditEntries(ctx, store.AuditFilter{RecordType: "person", RecordID: fx.parent1, Actions: []string{"person.leave", "person.rejoin"}}); err != nil || len(es) != 0 {
			t.Errorf("audit entries for leaving and rejoining: %d (%v), want none", len(es), err)
		}
		if n, err := db.RawString(ctx, `SELECT CAST(COUNT(*) AS TEXT) FROM departures WHERE note_sealed LIKE '%CANARY%'`); err != nil || n != "0" {
			t.Errorf("notes in the clear: %s (%v)", n, err)
		}
	})
}
