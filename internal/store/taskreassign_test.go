package store_test

import (
	"strings"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/audit"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/safeguarding"
	"github.com/cradle-org/cradle/internal/sharing"
	"github.com/cradle-org/cradle/internal/store"
	"github.com/cradle-org/cradle/internal/store/storetest"
)

// A meeting's action goes to someone else in the area, by the family's team
// manager only; not to someone it is already for, nobody, someone from
// another area, once done, nor when it is a safeguarding concern's action.
func TestReassignTask(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := makeFamily(t, db)
		sctx := audit.WithSource(ctx, audit.Source{Actor: "test"})
		today := db.Now().UTC().Truncate(24 * time.Hour)
		away := seedStaff(t, db, "away@example.org", "practitioner", "Hertfordshire")
		if err := db.RecordMeeting(sctx, fx.prac1.Actor(), fx.familyID, sharing.Meeting{Kind: "core_group", HeldOn: today, Attendees: "Core group", StatusAfter: "none",
			Actions: []sharing.Action{{What: "Visit", OwnerID: fx.prac2.ID, Due: today.AddDate(0, 0, 7)}}}); err != nil {
			t.Fatal(err)
		}
		tasks := func() []store.Task {
			t.Helper()
			p, err := db.ReadFamilyPage(sctx, fx.mgr.Actor(), fx.familyID, 0)
			if err != nil {
				t.Fatal(err)
			}
			return p.Tasks
		}
		task := tasks()[0].ID
		problemOf := func(err error) (problem.Code, string) {
			p := problem.As(err)
			if p == nil {
				return "", ""
			}
			if len(p.Fields) > 0 {
				return p.Code, p.Fields[0].Message
			}
			return p.Code, p.Message
		}
		for _, c := range []struct {
			name string
			err  error
			code problem.Code
			says string
		}{
			{"by a practitioner", db.ReassignTask(sctx, fx.prac1.Actor(), fx.familyID, task, fx.prac1.ID), problem.Forbidden, ""},
			{"to nobody", db.ReassignTask(sctx, fx.mgr.Actor(), fx.familyID, task, 0), problem.Invalid, "Choose who"},
			{"to whom it is for", db.ReassignTask(sctx, fx.mgr.Actor(), fx.familyID, task, fx.prac2.ID), problem.Invalid, "theirs already"},
			{"to another area", db.ReassignTask(sctx, fx.mgr.Actor(), fx.familyID, task, away.ID), problem.Invalid, "works in the family's area"},
			{"no such task", db.ReassignTask(sctx, fx.mgr.Actor(), fx.familyID, task+1000, fx.prac1.ID), problem.NotFound, ""},
		} {
			if code, says := problemOf(c.err); code != c.code || !strings.Contains(says, c.says) {
				t.Errorf("%s: %v, want %s saying %q", c.name, c.err, c.code, c.says)
			}
		}
		if err := db.ReassignTask(sctx, fx.mgr.Actor(), fx.familyID, task, fx.prac1.ID); err != nil {
			t.Fatal(err)
		}
		if got := tasks(); len(got) != 1 || got[0].AssignedToID != fx.prac1.ID {
			t.Fatalf("after: %+v, want the task for practitioner 1", got)
		}
		if n := countAudit(t, db, "task.reassign"); n != 1 {
			t.Errorf("%d task.reassign entries, want 1", n)
		}
		if _, err := db.CompleteTask(sctx, fx.prac1.Actor(), task); err != nil {
			t.Fatal(err)
		}
		if code, _ := problemOf(db.ReassignTask(sctx, fx.mgr.Actor(), fx.familyID, task, fx.prac2.ID)); code != problem.Conflict {
			t.Errorf("a task done: %s, want a conflict", code)
		}
		// A concern's action stays with the owner the lead chose.
		dsl := seedStaff(t, db, "dsl@example.org", "dsl", "Blackpool")
		no := false
		concern, err := db.RaiseConcern(sctx, fx.prac1.Actor(), store.NewConcern{FamilyID: fx.familyID, PersonID: fx.parent1,
			Concern: safeguarding.Concern{About: "Worried", AtRisk: safeguarding.AtRiskParent, ImmediateDanger: &no}, Due: today.AddDate(0, 0, 1)}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.DecideConcern(sctx, dsl.Actor(), concern, safeguarding.DecisionInput{Decision: safeguarding.Advice, Reasons: "Advice given",
			Actions: []safeguarding.Action{{What: "Check in", OwnerID: fx.prac1.ID, Due: today.AddDate(0, 0, 1)}}}, nil); err != nil {
			t.Fatal(err)
		}
		var action int64
		for _, tk := range tasks() {
			if tk.Kind == "concern_action" {
				action = tk.ID
			}
		}
		if code, says := problemOf(db.ReassignTask(sctx, fx.mgr.Actor(), fx.familyID, action, fx.prac2.ID)); code != problem.Invalid || !strings.Contains(says, "designated safeguarding lead") {
			t.Errorf("a concern's action: %s %q", code, says)
		}
	})
}
