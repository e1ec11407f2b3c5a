package store_test

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/org"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/safeguarding"
	"github.com/cradle-org/cradle/internal/store"
	"github.com/cradle-org/cradle/internal/store/storetest"
)

// TestCompleteTask: whoever a task is for, or a team manager of its
// family's area, marks it done, once; a concern's action is done with its
// task; migration 38 links the tasks of actions decided before it.
func TestCompleteTask(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := makeFamily(t, db)
		dsl := seedStaff(t, db, "dsl@example.org", "dsl", "Blackpool")
		away := seedStaff(t, db, "away@example.org", "team_manager", "Hertfordshire")
		no := false
		concern, err := db.RaiseConcern(ctx, fx.prac1.Actor(), store.NewConcern{FamilyID: fx.familyID, PersonID: fx.parent1,
			Concern: safeguarding.Concern{About: "worry", AtRisk: safeguarding.AtRiskParent, ImmediateDanger: &no}, Due: time.Now().Add(time.Hour)}, nil)
		if err != nil {
			t.Fatal(err)
		}
		due := time.Now().AddDate(0, 0, 7)
		if err := db.DecideConcern(ctx, dsl.Actor(), concern, safeguarding.DecisionInput{Decision: safeguarding.Advice, Reasons: "Advice given.",
			Actions: []safeguarding.Action{{What: "Check Alex is safe", OwnerID: fx.prac1.ID, Due: due}, {What: "Tell the health visitor", OwnerID: fx.prac2.ID, Due: due}}}, nil); err != nil {
			t.Fatal(err)
		}
		taskFor := func(staff int64) int64 {
			t.Helper()
			s, err := db.RawString(ctx, `SELECT CAST(id AS TEXT) FROM tasks WHERE kind = 'concern_action' AND assigned_to = $1`, staff)
			if err != nil {
				t.Fatal(err)
			}
			id, _ := strconv.ParseInt(s, 10, 64)
			return id
		}
		done := func() []bool {
			t.Helper()
			c, err := db.ReadConcern(ctx, dsl.Actor(), concern)
			if err != nil {
				t.Fatal(err)
			}
			var out []bool
			for _, a := range c.Actions {
				out = append(out, a.Done)
			}
			return out
		}
		first, second := taskFor(fx.prac1.ID), taskFor(fx.prac2.ID)

		// Not the co-parent's practitioner, another area's manager, or a
		// lead it is not for.
		for name, who := range map[string]org.Staff{"the other practitioner": fx.prac2, "another area's manager": away, "a lead": dsl} {
			if _, err := db.CompleteTask(ctx, who.Actor(), first); problem.CodeOf(err) != problem.Forbidden {
				t.Errorf("%s marked the task done: %v", name, err)
			}
		}
		fam, err := db.CompleteTask(ctx, fx.prac1.Actor(), first)
		if err != nil || fam != fx.familyID {
			t.Fatalf("the practitioner marking their task done: family %d (%v)", fam, err)
		}
		if got := done(); len(got) != 2 || !got[0] || got[1] {
			t.Errorf("the concern's actions done: %v, want the first alone", got)
		}
		if _, err := db.CompleteTask(ctx, fx.prac1.Actor(), first); problem.CodeOf(err) != problem.Conflict || !strings.Contains(err.Error(), "already marked done") {
			t.Errorf("marking it done twice: %v", err)
		}
		// The area's manager marks the other practitioner's done.
		if _, err := db.CompleteTask(ctx, fx.mgr.Actor(), second); err != nil {
			t.Fatal(err)
		}
		if got := done(); !got[0] || !got[1] {
			t.Errorf("the concern's actions done: %v, want both", got)
		}
		if by, err := db.RawString(ctx, `SELECT CAST(done_by AS TEXT) FROM tasks WHERE id = $1`, second); err != nil || by != strconv.FormatInt(fx.mgr.ID, 10) {
			t.Errorf("done by %s (%v), want the manager", by, err)
		}
		if _, err := db.CompleteTask(ctx, fx.mgr.Actor(), 999999); problem.CodeOf(err) != problem.NotFound {
			t.Errorf("an unknown task: %v", err)
		}
		if es, err := db.AuditEntries(ctx, store.AuditFilter{Actions: []string{"task.done"}}); err != nil || len(es) != 2 || es[0].FamilyID != fx.familyID {
			t.Errorf("task.done entries: %+v (%v), want 2 naming the family", es, err)
		}

		// Migration 38's statement, as it is in the migration: the tasks
		// of actions decided before it are linked to their actions.
		if err := db.RawExec(ctx, `UPDATE tasks SET concern_action_id = NULL`); err != nil {
			t.Fatal(err)
		}
		runMigrationStatements(t, db, 38, "UPDATE tasks SET concern_action_id")
		n, err := db.RawString(ctx, `SELECT CAST(COUNT(DISTINCT t.concern_action_id) AS TEXT) FROM tasks t JOIN concern_actions a ON a.id = t.concern_action_id
			WHERE a.owner_id = t.assigned_to`)
		if err != nil || n != "2" {
			t.Errorf("%s tasks linked to their own actions after migration 38 (%v), want 2", n, err)
		}
	})
}

// TestAllocateTeamManager: the allocation sets the family's team manager,
// only to an active team manager of its area, and gives them the family's
// open tasks for no one in particular.
func TestAllocateTeamManager(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := makeFamily(t, db)
		second := seedStaff(t, db, "m2@example.org", "team_manager", "Blackpool")
		away := seedStaff(t, db, "away@example.org", "team_manager", "Hertfordshire")
		area, err := db.RawString(ctx, `SELECT CAST(id AS TEXT) FROM areas WHERE name = 'Blackpool'`)
		if err != nil {
			t.Fatal(err)
		}
		areaID, _ := strconv.ParseInt(area, 10, 64)
		managers, err := db.ManagersInArea(ctx, areaID)
		if err != nil || len(managers) != 2 || managers[0].Caseload+managers[1].Caseload != 1 {
			t.Fatalf("the area's managers: %+v (%v), want two, one managing the family", managers, err)
		}
		if err := db.RawExec(ctx, `INSERT INTO tasks (family_id, kind, title, created_at) VALUES ($1, 'measure_follow_up', 'For the manager', $2)`, fx.familyID, time.Now()); err != nil {
			t.Fatal(err)
		}
		// The old manager's own open task in the family goes with the family.
		if err := db.RawExec(ctx, `INSERT INTO tasks (family_id, assigned_to, kind, title, created_at) VALUES ($1, $2, 'measure_follow_up', 'The old manager''s', $3)`, fx.familyID, fx.mgr.ID, time.Now()); err != nil {
			t.Fatal(err)
		}
		for name, id := range map[string]int64{"another area's manager": away.ID, "a practitioner": fx.other.ID} {
			err := db.AllocatePractitioners(ctx, fx.mgr.Actor(), fx.familyID, nil, id, nil)
			if p := problem.As(err); p == nil || p.Code != problem.Invalid || len(p.Fields) != 1 || p.Fields[0].Name != "manager" {
				t.Errorf("%s as the family's manager: %v", name, err)
			}
		}
		if err := db.AllocatePractitioners(ctx, fx.mgr.Actor(), fx.familyID, nil, second.ID, nil); err != nil {
			t.Fatal(err)
		}
		f, err := db.ReadFamily(ctx, fx.mgr.Actor(), fx.familyID)
		if err != nil || f.ManagerID != second.ID {
			t.Errorf("the family's manager is %d (%v), want %d", f.ManagerID, err, second.ID)
		}
		if n, err := db.RawString(ctx, `SELECT CAST(COUNT(*) AS TEXT) FROM tasks WHERE family_id = $1 AND assigned_to = $2`, fx.familyID, second.ID); err != nil || n != "2" {
			t.Errorf("%s tasks given to the new manager (%v), want the one for no one and the old manager's", n, err)
		}
		// A disabled manager's account is read with the family.
		if err := db.RawExec(ctx, `UPDATE staff SET disabled = TRUE WHERE id = $1`, second.ID); err != nil {
			t.Fatal(err)
		}
		if g, err := db.ReadFamily(ctx, fx.mgr.Actor(), fx.familyID); err != nil || !g.ManagerDisabled || g.ManagerName == "" {
			t.Errorf("the family's disabled manager reads as %q disabled=%v (%v)", g.ManagerName, g.ManagerDisabled, err)
		}
		// The practitioners are as they were.
		for _, p := range f.Parents() {
			if p.PractitionerID != fx.prac1.ID && p.PractitionerID != fx.prac2.ID {
				t.Errorf("parent %d's practitioner changed to %d", p.ID, p.PractitionerID)
			}
		}
	})
}

// TestReallocationPassesOnTasks: a parent given a new practitioner (their
// old one has left, say) takes the old practitioner's open tasks in the
// family with them; done tasks, and the other parent's practitioner's, stay.
func TestReallocationPassesOnTasks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := makeFamily(t, db)
		now := time.Now()
		for _, tk := range []struct {
			to   int64
			done bool
		}{{fx.prac1.ID, false}, {fx.prac1.ID, false}, {fx.prac1.ID, true}, {fx.prac2.ID, false}} {
			var done any
			if tk.done {
				done = now
			}
			if err := db.RawExec(ctx, `INSERT INTO tasks (family_id, person_id, assigned_to, kind, title, created_at, done_at) VALUES ($1, $2, $3, 'review_risk', 'Review', $4, $5)`,
				fx.familyID, fx.parent1, tk.to, now, done); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.AllocatePractitioners(ctx, fx.mgr.Actor(), fx.familyID, map[int64]int64{fx.parent1: fx.other.ID}, 0, nil); err != nil {
			t.Fatal(err)
		}
		count := func(to int64, open bool) string {
			t.Helper()
			cond := `done_at IS NOT NULL`
			if open {
				cond = `done_at IS NULL`
			}
			n, err := db.RawString(ctx, `SELECT CAST(COUNT(*) AS TEXT) FROM tasks WHERE family_id = $1 AND assigned_to = $2 AND `+cond, fx.familyID, to)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		if got := [4]string{count(fx.other.ID, true), count(fx.prac1.ID, true), count(fx.prac1.ID, false), count(fx.prac2.ID, true)}; got != [4]string{"2", "0", "1", "1"} {
			t.Errorf("tasks after reallocating parent 1 (new open, old open, old done, other practitioner's open) = %v, want [2 0 1 1]", got)
		}
		if n := countAudit(t, db, "task.reassigned"); n != 1 {
			t.Errorf("%d task.reassigned entries, want 1", n)
		}
	})
}

// sameAllocated compares whom an allocation told, by address and what.
func sameAllocated(got, want []store.Allocated) bool {
	return slices.EqualFunc(got, want, func(a, b store.Allocated) bool {
		return a.Email == b.Email && a.Manager == b.Manager && a.Ended == b.Ended
	})
}

// TestSwappedPractitionersKeepTheirOtherTasks: two practitioners who swap
// parents each still work in the family, so each passes on only the open
// tasks about the parent they leave; their tasks about the family as a
// whole stay with them (before, the second move took back the first's).
func TestSwappedPractitionersKeepTheirOtherTasks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := makeFamily(t, db)
		now := time.Now()
		task := func(to, person int64, title string) {
			t.Helper()
			var about any
			if person != 0 {
				about = person
			}
			if err := db.RawExec(ctx, `INSERT INTO tasks (family_id, person_id, assigned_to, kind, title, created_at) VALUES ($1, $2, $3, 'review_risk', $4, $5)`,
				fx.familyID, about, to, title, now); err != nil {
				t.Fatal(err)
			}
		}
		task(fx.prac1.ID, fx.parent1, "p1 about parent 1")
		task(fx.prac1.ID, 0, "p1 about the family")
		task(fx.prac2.ID, fx.parent2, "p2 about parent 2")
		task(fx.prac2.ID, 0, "p2 about the family")
		if err := db.AllocatePractitioners(ctx, fx.mgr.Actor(), fx.familyID, map[int64]int64{fx.parent1: fx.prac2.ID, fx.parent2: fx.prac1.ID}, 0, nil); err != nil {
			t.Fatal(err)
		}
		holder := func(title string) int64 {
			t.Helper()
			s, err := db.RawString(ctx, `SELECT CAST(assigned_to AS TEXT) FROM tasks WHERE title = $1`, title)
			if err != nil {
				t.Fatal(err)
			}
			id, _ := strconv.ParseInt(s, 10, 64)
			return id
		}
		for title, want := range map[string]int64{"p1 about parent 1": fx.prac2.ID, "p1 about the family": fx.prac1.ID,
			"p2 about parent 2": fx.prac1.ID, "p2 about the family": fx.prac2.ID} {
			if got := holder(title); got != want {
				t.Errorf("after the swap %q is for staff %d, want %d", title, got, want)
			}
		}
	})
}

// TestBirthAsksForRiskReviews: recording the birth asks each parent's
// practitioner to review their risk; a parent with no practitioner, in a
// family with no team manager, has theirs kept for no one in particular,
// and the next team manager chosen is given it.
func TestBirthAsksForRiskReviews(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := makeFamily(t, db)
		if err := db.RawExec(ctx, `UPDATE allocations SET ended_at = $1, end_reason = 'left' WHERE person_id = $2`, time.Now(), fx.parent2); err != nil {
			t.Fatal(err)
		}
		if err := db.RawExec(ctx, `UPDATE families SET manager_id = NULL WHERE id = $1`, fx.familyID); err != nil {
			t.Fatal(err)
		}
		f, err := db.ReadFamily(ctx, fx.mgr.Actor(), fx.familyID)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.RecordBirth(ctx, fx.prac1.Actor(), fx.familyID, f.Version, time.Now().AddDate(0, 0, -1), ""); err != nil {
			t.Fatal(err)
		}
		reviewFor := func(person int64) string {
			t.Helper()
			s, err := db.RawString(ctx, `SELECT COALESCE(CAST(assigned_to AS TEXT), 'no one') FROM tasks WHERE person_id = $1 AND kind = 'review_risk'`, person)
			if err != nil {
				t.Fatalf("the review for person %d: %v", person, err)
			}
			return s
		}
		if got := reviewFor(fx.parent1); got != strconv.FormatInt(fx.prac1.ID, 10) {
			t.Errorf("the first parent's review is for %s, want their practitioner", got)
		}
		if got := reviewFor(fx.parent2); got != "no one" {
			t.Errorf("the second parent's review is for %s, want no one in particular", got)
		}
		if err := db.AllocatePractitioners(ctx, fx.mgr.Actor(), fx.familyID, nil, fx.mgr.ID, nil); err != nil {
			t.Fatal(err)
		}
		if got := reviewFor(fx.parent2); got != strconv.FormatInt(fx.mgr.ID, 10) {
			t.Errorf("after a manager was chosen the second parent's review is for %s, want the manager", got)
		}
	})
}

// TestAllocationTellsTheNewlyAllocated: a practitioner given a parent and a
// team manager given the family are told (each once, in the allocation's
// own transaction); the one allocating, and those whose work did not
// change, are not; an allocation that is refused, or whose email cannot
// be queued, tells no one and changes nothing.
func TestAllocationTellsTheNewlyAllocated(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := makeFamily(t, db)
		second := seedStaff(t, db, "m2@example.org", "team_manager", "Blackpool")
		var told []store.Allocated
		notify := func(tx *store.Tx, familyID int64, ref string, to []store.Allocated) error {
			if familyID != fx.familyID || ref == "" {
				t.Errorf("told about family %d %q, want %d with its reference", familyID, ref, fx.familyID)
			}
			told = append(told, to...)
			for _, a := range to {
				if err := tx.QueueMail("allocation", a.Email, "Allocated: "+ref, "See Cradle", nil); err != nil {
					return err
				}
			}
			return nil
		}
		mails := func() string {
			t.Helper()
			n, err := db.RawString(ctx, `SELECT CAST(COUNT(*) AS TEXT) FROM outbox WHERE kind = 'allocation'`)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		// Refused: the same practitioner for both parents.
		err := db.AllocatePractitioners(ctx, fx.mgr.Actor(), fx.familyID, map[int64]int64{fx.parent1: fx.prac2.ID}, second.ID, notify)
		if p := problem.As(err); p == nil || p.Code != problem.Invalid || len(told) != 0 || mails() != "0" {
			t.Fatalf("a refused allocation: %v, told %+v, %s emails", err, told, mails())
		}
		// The second parent keeps their practitioner, who is not told again.
		if err := db.AllocatePractitioners(ctx, fx.mgr.Actor(), fx.familyID, map[int64]int64{fx.parent1: fx.other.ID, fx.parent2: fx.prac2.ID}, second.ID, notify); err != nil {
			t.Fatal(err)
		}
		// The new manager and practitioner are told they have the work, the
		// old practitioner that they no longer have it; the old manager
		// allocated, so knows.
		want := []store.Allocated{{Email: "m2@example.org", Manager: true}, {Email: "p3@example.org"}, {Email: "p1@example.org", Ended: true}}
		if !sameAllocated(told, want) || mails() != "3" {
			t.Errorf("told %+v with %s emails, want %+v with 3", told, mails(), want)
		}
		// A manager who makes themselves the family's manager is not
		// emailed; the manager they replace is.
		told = nil
		if err := db.AllocatePractitioners(ctx, fx.mgr.Actor(), fx.familyID, nil, fx.mgr.ID, notify); err != nil {
			t.Fatal(err)
		}
		if want := []store.Allocated{{Email: "m2@example.org", Manager: true, Ended: true}}; !sameAllocated(told, want) || mails() != "4" {
			t.Errorf("taking the family on oneself told %+v (%s emails), want %+v", told, mails(), want)
		}
		// One whose account is disabled is not told they lost the work.
		if err := db.RawExec(ctx, `UPDATE staff SET disabled = TRUE WHERE id = $1`, fx.prac2.ID); err != nil {
			t.Fatal(err)
		}
		told = nil
		if err := db.AllocatePractitioners(ctx, fx.mgr.Actor(), fx.familyID, map[int64]int64{fx.parent2: fx.prac1.ID}, 0, notify); err != nil {
			t.Fatal(err)
		}
		if want := []store.Allocated{{Email: "p1@example.org"}}; !sameAllocated(told, want) {
			t.Errorf("replacing a disabled practitioner told %+v, want %+v", told, want)
		}
		// An email that cannot be queued undoes the allocation.
		fourth := seedStaff(t, db, "p4@example.org", "practitioner", "Blackpool")
		err = db.AllocatePractitioners(ctx, fx.mgr.Actor(), fx.familyID, map[int64]int64{fx.parent1: fourth.ID}, 0,
			func(*store.Tx, int64, string, []store.Allocated) error { return errors.New("no outbox") })
		if err == nil || err.Error() != "no outbox" {
			t.Fatalf("an allocation whose email failed: %v, want the email's error", err)
		}
		f, err := db.ReadFamily(ctx, fx.mgr.Actor(), fx.familyID)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range f.Parents() {
			if p.ID == fx.parent1 && p.PractitionerID != fx.other.ID {
				t.Errorf("after a failed email the first parent's practitioner is %d, want %d", p.PractitionerID, fx.other.ID)
			}
		}
	})
}
