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

// A meeting's and a safeguarding decision's actions go only to those the
// form offers (StaffInArea): one who works in the family's area, or a
// lead. An analyst, an administrator, another area's practitioner or an
// id that is no one's is refused on that action's owner field, and
// nothing is written (an id that was no one's had failed the task's
// foreign key: a server error).
func TestActionOwnersWorkInTheArea(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := makeFamily(t, db)
		sctx := audit.WithSource(ctx, audit.Source{Actor: "test"})
		today := db.Now().UTC().Truncate(24 * time.Hour)
		analyst := seedStaff(t, db, "analyst@example.org", "analyst", "Blackpool")
		admin := seedStaff(t, db, "admin@example.org", "admin", "Blackpool")
		elsewhere := seedStaff(t, db, "far@example.org", "practitioner", "Hertfordshire")
		dsl := seedStaff(t, db, "dsl@example.org", "dsl", "Blackpool")
		refused := func(name string, err error, field string) {
			t.Helper()
			p := problem.As(err)
			if p == nil || p.Code != problem.Invalid || len(p.Fields) != 1 || p.Fields[0].Name != field || !strings.Contains(p.Fields[0].Message, "from the list") {
				t.Errorf("%s: %v, want %s refused", name, err, field)
			}
		}
		meeting := func(owners ...int64) sharing.Meeting {
			m := sharing.Meeting{Kind: "core_group", HeldOn: today, Attendees: "Core group", Decisions: "Agreed", StatusAfter: "none"}
			for _, o := range owners {
				m.Actions = append(m.Actions, sharing.Action{What: "Visit", OwnerID: o, Due: today.AddDate(0, 0, 7)})
			}
			return m
		}
		for name, id := range map[string]int64{"an analyst": analyst.ID, "an administrator": admin.ID, "another area's practitioner": elsewhere.ID, "no one": 999999} {
			refused("a meeting's action for "+name, db.RecordMeeting(sctx, fx.prac1.Actor(), fx.familyID, meeting(fx.prac2.ID, id)), "actions[1].owner")
		}
		if page, err := db.ReadFamilyPage(sctx, fx.mgr.Actor(), fx.familyID, 0); err != nil || len(page.Meetings) != 0 {
			t.Fatalf("meetings written by refused saves: %d (%v)", len(page.Meetings), err)
		}
		if err := db.RecordMeeting(sctx, fx.prac1.Actor(), fx.familyID, meeting(fx.prac2.ID, fx.mgr.ID, dsl.ID)); err != nil {
			t.Errorf("a meeting's actions for the family's practitioner, manager and a lead: %v", err)
		}

		no := false
		concern, err := db.RaiseConcern(sctx, fx.prac1.Actor(), store.NewConcern{FamilyID: fx.familyID, PersonID: fx.parent1,
			Concern: safeguarding.Concern{About: "Worried", AtRisk: safeguarding.AtRiskParent, ImmediateDanger: &no}, Due: today.AddDate(0, 0, 1)}, nil)
		if err != nil {
			t.Fatal(err)
		}
		decision := func(owner int64) safeguarding.DecisionInput {
			return safeguarding.DecisionInput{Decision: safeguarding.Advice, Reasons: "Advice given",
				Actions: []safeguarding.Action{{What: "Ring the family", OwnerID: owner, Due: today.AddDate(0, 0, 1)}}}
		}
		for name, id := range map[string]int64{"an analyst": analyst.ID, "another area's practitioner": elsewhere.ID, "no one": 999999} {
			refused("a decision's action for "+name, db.DecideConcern(sctx, dsl.Actor(), concern, decision(id), nil), "actions[0].owner")
		}
		if err := db.DecideConcern(sctx, dsl.Actor(), concern, decision(fx.prac1.ID), nil); err != nil {
			t.Errorf("a decision's action for the family's practitioner: %v", err)
		}
	})
}
