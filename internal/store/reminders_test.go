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

// A practitioner sets a reminder about her parent: it is on her own task
// list (titled by who set it, never by its words), the words are sealed
// and read back only by those who may see the parent's confidential
// details, the other parent's practitioner may neither set one nor read
// it, a bad one is refused field by field, and marking its task done
// moves it to the done ones. Audited.
func TestReminders(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := makeFamily(t, db)
		sctx := audit.WithSource(ctx, audit.Source{Actor: "test"})
		today := time.Now().UTC()
		m := casework.Reminder{PersonID: fx.parent1, What: "CANARY-REMIND Ring the housing officer about the move", DueOn: today.AddDate(0, 0, 3)}

		if _, err := db.AddReminder(sctx, fx.prac2.Actor(), m); problem.CodeOf(err) != problem.Forbidden {
			t.Errorf("the other parent's practitioner setting a reminder about Alex: %v, want forbidden", err)
		}
		if _, err := db.AddReminder(sctx, fx.prac1.Actor(), casework.Reminder{PersonID: fx.parent1, DueOn: today.AddDate(0, 0, -1)}); !hasField(err, "reminder_what") || !hasField(err, "reminder_due") {
			t.Errorf("a reminder with no words, due yesterday: %v", err)
		}
		id, err := db.AddReminder(sctx, fx.prac1.Actor(), m)
		if err != nil {
			t.Fatalf("setting a reminder: %v", err)
		}
		later := casework.Reminder{PersonID: fx.parent1, What: "Ask about the court date", DueOn: today.AddDate(0, 1, 0)}
		if _, err := db.AddReminder(sctx, fx.mgr.Actor(), later); err != nil {
			t.Fatalf("the team manager setting a reminder: %v", err)
		}
		if n, err := db.RawString(ctx, `SELECT CAST(COUNT(*) AS TEXT) FROM tasks WHERE note_sealed LIKE '%CANARY%' OR title LIKE '%CANARY%'`); err != nil || n != "0" {
			t.Errorf("a reminder's words in the clear: %s (%v)", n, err)
		}

		v, err := db.CaseloadWithTasks(ctx, fx.prac1.Actor())
		if err != nil {
			t.Fatal(err)
		}
		var mine []store.MyTask
		for _, task := range v.Tasks {
			if task.Kind == "reminder" {
				mine = append(mine, task)
			}
		}
		if len(mine) != 1 || mine[0].ID != id || mine[0].PersonID != fx.parent1 || mine[0].About != "Alex Rivers" ||
			!strings.HasPrefix(mine[0].Title, "Reminder set by ") || strings.Contains(mine[0].Title, "housing") {
			t.Errorf("Alex's practitioner's reminders on her list: %+v", mine)
		}

		own, err := db.ReadPersonParts(ctx, fx.prac1.Actor(), fx.parent1, store.PersonReminders, "")
		if err != nil {
			t.Fatal(err)
		}
		if len(own.Reminders) != 2 || own.Reminders[0].ID != id || own.Reminders[0].What != m.What || own.Reminders[0].Withheld ||
			own.Reminders[0].AssignedToID != fx.prac1.ID || own.Reminders[0].SetBy == "" || own.Reminders[1].What != later.What {
			t.Errorf("Alex's practitioner reads the reminders as %+v", own.Reminders)
		}
		theirs, err := db.ReadPersonParts(ctx, fx.prac2.Actor(), fx.parent1, store.PersonReminders, "")
		if err != nil {
			t.Fatal(err)
		}
		if len(theirs.Reminders) != 2 || !theirs.Reminders[0].Withheld || theirs.Reminders[0].What != "" || theirs.Reminders[1].What != "" {
			t.Errorf("Sam's practitioner reads Alex's reminders as %+v: want them withheld", theirs.Reminders)
		}

		// Moved to another day: only by those who may set one, to a day a
		// new one could have, and only while open.
		laterID := own.Reminders[1].ID
		if err := db.MoveReminder(sctx, fx.prac2.Actor(), fx.parent1, laterID, today.AddDate(0, 0, 10)); problem.CodeOf(err) != problem.Forbidden {
			t.Errorf("Sam's practitioner moving Alex's reminder: %v, want forbidden", err)
		}
		if err := db.MoveReminder(sctx, fx.prac1.Actor(), fx.parent1, laterID, today.AddDate(0, 0, -1)); !hasField(err, "reminder_due") {
			t.Errorf("moving a reminder to yesterday: %v", err)
		}
		if err := db.MoveReminder(sctx, fx.prac1.Actor(), fx.parent2, laterID, today.AddDate(0, 0, 10)); problem.CodeOf(err) == problem.Invalid || err == nil {
			t.Errorf("moving Alex's reminder as if it were Sam's: %v, want it refused", err)
		}
		if err := db.MoveReminder(sctx, fx.prac1.Actor(), fx.parent1, laterID, today.AddDate(0, 0, 10)); err != nil {
			t.Fatalf("moving a reminder: %v", err)
		}
		// Reassigned by the team manager: never to someone who may not
		// read it (Sam's practitioner), to someone who may (the manager).
		if err := db.ReassignTask(sctx, fx.mgr.Actor(), fx.familyID, laterID, fx.prac2.ID); !hasField(err, "assign_to") || !strings.Contains(err.Error(), "may not read a reminder about Alex Rivers") {
			t.Errorf("giving Alex's reminder to Sam's practitioner: %v, want it refused", err)
		}
		if err := db.ReassignTask(sctx, fx.mgr.Actor(), fx.familyID, laterID, fx.prac1.ID); err != nil {
			t.Errorf("giving Alex's reminder to Alex's practitioner: %v", err)
		}
		if _, err := db.CompleteTask(sctx, fx.prac1.Actor(), id); err != nil {
			t.Fatalf("marking the reminder done: %v", err)
		}
		done, err := db.ReadPersonParts(ctx, fx.prac1.Actor(), fx.parent1, store.PersonReminders, "")
		if err != nil {
			t.Fatal(err)
		}
		if len(done.Reminders) != 2 || done.Reminders[0].What != later.What || done.Reminders[1].ID != id || done.Reminders[1].DoneOn.IsZero() ||
			!done.Reminders[0].DueOn.Equal(today.AddDate(0, 0, 10).Truncate(24*time.Hour)) {
			t.Errorf("after one is moved and one done: %+v, want the open one first, due in ten days", done.Reminders)
		}
		if err := db.MoveReminder(sctx, fx.prac1.Actor(), fx.parent1, id, today.AddDate(0, 0, 10)); problem.CodeOf(err) != problem.Conflict {
			t.Errorf("moving a reminder marked done: %v, want a conflict", err)
		}
		if es, err := db.AuditEntries(ctx, store.AuditFilter{RecordType: "person", RecordID: fx.parent1, Actions: []string{"task.reminder.move"}}); err != nil || len(es) != 1 {
			t.Errorf("audit entries for moving reminders: %d (%v), want 1", len(es), err)
		}
		if es, err := db.AuditEntries(ctx, store.AuditFilter{RecordType: "person", RecordID: fx.parent1, Actions: []string{"task.reminder"}}); err != nil || len(es) != 2 {
			t.Errorf("audit entries for setting reminders: %d (%v), want 2", len(es), err)
		}
	})
}
