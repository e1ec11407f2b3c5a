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

// A member of the team around the baby changes their details, then leaves:
// the family's team lists them no longer, its record still does.
func TestTeamMemberChangesAndLeaves(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := makeFamily(t, db)
		sctx := audit.WithSource(ctx, audit.Source{Actor: "test"})
		prac := fx.prac1.Actor()
		sw := sharing.Professional{Name: "Chloe Barnes", Role: "Social worker", Organisation: "Blackpool Council", OrganisationKind: "children_social_care",
			Phone: "01632 960001"}
		for _, p := range []sharing.Professional{sw, {Name: "Jo Lee", Organisation: "Blackpool maternity service", OrganisationKind: "midwifery", Email: "jo.lee@nhs.net"}} {
			if err := db.AddProfessional(sctx, prac, fx.familyID, p); err != nil {
				t.Fatal(err)
			}
		}
		team := func() (current, former []sharing.Professional) {
			t.Helper()
			page, err := db.ReadFamilyPage(sctx, prac, fx.familyID, 0)
			if err != nil {
				t.Fatal(err)
			}
			return page.Team, page.FormerTeam
		}
		current, _ := team()
		if len(current) != 2 || current[0].Name != "Chloe Barnes" || current[0].Since.IsZero() {
			t.Fatalf("the team: %+v", current)
		}
		chloe := current[0].ID

		// A change of phone and agency, checked as an addition is.
		moved := sw
		moved.Phone, moved.Organisation, moved.Version = "01632 960999", "Blackpool Council Children's Services", current[0].Version
		bad := moved
		bad.Phone = "ring me"
		if err := db.UpdateProfessional(sctx, prac, fx.familyID, chloe, bad); code(err) != problem.Invalid {
			t.Errorf("a bad phone number: %v", err)
		}
		if err := db.UpdateProfessional(sctx, fx.other.Actor(), fx.familyID, chloe, moved); code(err) != problem.Forbidden {
			t.Errorf("a practitioner not working with the family: %v", err)
		}
		if err := db.UpdateProfessional(sctx, prac, fx.familyID, chloe+1000, moved); code(err) != problem.NotFound {
			t.Errorf("someone not in the team: %v", err)
		}
		if err := db.UpdateProfessional(sctx, prac, fx.familyID, chloe, moved); err != nil {
			t.Fatal(err)
		}
		if current, _ = team(); current[0].Phone != "01632 960999" || current[0].Organisation != "Blackpool Council Children's Services" {
			t.Fatalf("after the change: %+v", current[0])
		}
		// A change from a form opened before that one is a conflict, and
		// saves nothing over it.
		stale := moved
		stale.Phone = "01632 960555"
		if err := db.UpdateProfessional(sctx, fx.mgr.Actor(), fx.familyID, chloe, stale); code(err) != problem.Conflict {
			t.Errorf("a change from a stale form: %v, want a conflict", err)
		}
		if current, _ = team(); current[0].Phone != "01632 960999" || current[0].Version != moved.Version+1 {
			t.Fatalf("after the stale change: %+v", current[0])
		}

		// Leaving: not tomorrow, not before joining, not by a stranger.
		today := db.Now().UTC().Truncate(24 * time.Hour)
		if err := db.ProfessionalLeft(sctx, prac, fx.familyID, chloe, today.AddDate(0, 0, 1)); code(err) != problem.Invalid {
			t.Errorf("leaving tomorrow: %v", err)
		}
		if err := db.ProfessionalLeft(sctx, prac, fx.familyID, chloe, today.AddDate(0, 0, -1)); code(err) != problem.Invalid {
			t.Errorf("leaving before joining: %v", err)
		}
		if err := db.ProfessionalLeft(sctx, fx.other.Actor(), fx.familyID, chloe, today); code(err) != problem.Forbidden {
			t.Errorf("a practitioner not working with the family: %v", err)
		}
		if err := db.ProfessionalLeft(sctx, fx.mgr.Actor(), fx.familyID, chloe, today); err != nil {
			t.Fatal(err)
		}
		current, former := team()
		if len(current) != 1 || current[0].Name != "Jo Lee" || len(former) != 1 || former[0].ID != chloe || !former[0].LeftOn.Equal(today) {
			t.Fatalf("after leaving: %+v, former %+v", current, former)
		}
		if former[0].Phone != "01632 960999" {
			t.Errorf("a former member's details: %+v", former[0])
		}
		// Gone from the team: neither leaves nor changes again, each a
		// conflict saying they left (a form sent twice, or someone else's
		// a moment before); someone never in the team is not found.
		if err := db.ProfessionalLeft(sctx, prac, fx.familyID, chloe, today); code(err) != problem.Conflict {
			t.Errorf("leaving twice: %v", err)
		}
		if err := db.UpdateProfessional(sctx, prac, fx.familyID, chloe, sw); code(err) != problem.Conflict {
			t.Errorf("changing a former member: %v", err)
		}
		if err := db.ProfessionalLeft(sctx, prac, fx.familyID, chloe+1000, today); code(err) != problem.NotFound {
			t.Errorf("someone never in the team leaving: %v", err)
		}
		// Jo Lee was added in error: removed with why, she is neither in the
		// team nor a former member, and is listed as removed.
		jo := current[0].ID
		if err := db.RemoveProfessional(sctx, prac, fx.familyID, jo, " "); code(err) != problem.Invalid {
			t.Errorf("removal without a reason: %v", err)
		}
		if err := db.RemoveProfessional(sctx, fx.other.Actor(), fx.familyID, jo, "Wrong family"); code(err) != problem.Forbidden {
			t.Errorf("removal by a practitioner not working with the family: %v", err)
		}
		if err := db.RemoveProfessional(sctx, prac, fx.familyID, jo, "Added to the wrong family"); err != nil {
			t.Fatal(err)
		}
		if err := db.RemoveProfessional(sctx, prac, fx.familyID, jo, "Again"); code(err) != problem.Conflict {
			t.Errorf("removing twice: %v", err)
		}
		page, err := db.ReadFamilyPage(sctx, prac, fx.familyID, 0)
		if err != nil || len(page.Team) != 0 || len(page.FormerTeam) != 1 || len(page.RemovedTeam) != 1 ||
			page.RemovedTeam[0].Name != "Jo Lee" || page.RemovedTeam[0].Why != "Added to the wrong family" || page.RemovedTeam[0].RemovedBy == "" {
			t.Fatalf("after the removal: team %+v, former %+v, removed %+v (%v)", page.Team, page.FormerTeam, page.RemovedTeam, err)
		}
		for action, want := range map[string]int{"professional.add": 2, "professional.update": 1, "professional.leave": 1, "professional.remove": 1} {
			if got := countAudit(t, db, action); got != want {
				t.Errorf("%d %s entries, want %d", got, action, want)
			}
		}
	})
}
