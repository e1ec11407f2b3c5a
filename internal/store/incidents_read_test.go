package store_test

import (
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/demo"
	"github.com/cradle-org/cradle/internal/risk"
	"github.com/cradle-org/cradle/internal/store"
	"github.com/cradle-org/cradle/internal/store/storetest"
)

// A parent's incidents and the MARAC criteria worked out from their dates
// come from one read: each part alone or both together give the same, the
// newest incident first, and the co-parent's practitioner sees the
// incidents withheld but the same criteria.
func TestPersonRiskAndIncidentsReadTogether(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		if _, _, err := demo.LoadWith(ctx, db, storetest.PasswordParams); err != nil {
			t.Fatal(err)
		}
		priyaStaff, _ := db.StaffByEmail(ctx, "priya.shah@cradle.example")
		tomStaff, _ := db.StaffByEmail(ctx, "tom.elliott@cradle.example")
		priya, tom := priyaStaff.Actor(), tomStaff.Actor()
		hits, _, err := db.SearchPeople(ctx, priya, "Amy Foster")
		if err != nil || len(hits) != 1 {
			t.Fatalf("finding Amy: %v %d", err, len(hits))
		}
		amy := hits[0].Person.ID
		before, err := db.ReadPersonParts(ctx, priya, amy, store.PersonIncidents, "")
		if err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		for i, days := range []int{20, 5, 12} {
			if err := db.RecordIncident(ctx, priya, store.Incident{PersonID: amy, OccurredOn: now.AddDate(0, 0, -days), ReportedBy: "Amy", Details: "Incident " + string(rune('A'+i))}); err != nil {
				t.Fatal(err)
			}
		}
		answers := map[int]risk.Answer{}
		for n := 1; n <= risk.NumQuestions; n++ {
			answers[n] = risk.No
		}
		if _, err := db.SaveRiskAssessment(ctx, priya, amy, 0, 0, risk.Assessment{Answers: answers, ParentView: "Feels safer"}, true, db.RiskSettings()); err != nil {
			t.Fatal(err)
		}
		escalation := func(rec store.PersonRecord) risk.Criterion {
			t.Helper()
			for _, r := range rec.Risk {
				if r.Status == "complete" {
					for _, c := range r.Criteria {
						if c.Key == risk.PotentialEscalation {
							return c
						}
					}
				}
			}
			t.Fatalf("no completed assessment with criteria: %+v", rec.Risk)
			return risk.Criterion{}
		}
		riskOnly, err := db.ReadPersonParts(ctx, priya, amy, store.PersonRisk, "")
		if err != nil {
			t.Fatal(err)
		}
		if c := escalation(riskOnly); !c.Met || riskOnly.Incidents != nil {
			t.Errorf("risk part alone: escalation %+v, incidents %v; want met and no incidents read", c, riskOnly.Incidents)
		}
		both, err := db.ReadPersonParts(ctx, priya, amy, store.PersonRisk|store.PersonIncidents, "")
		if err != nil {
			t.Fatal(err)
		}
		if c := escalation(both); !c.Met {
			t.Errorf("both parts: escalation %+v; want met", c)
		}
		if got := len(both.Incidents) - len(before.Incidents); got != 3 {
			t.Fatalf("%d new incidents read; want 3", got)
		}
		for i := 1; i < len(both.Incidents); i++ {
			if both.Incidents[i].OccurredOn.After(both.Incidents[i-1].OccurredOn) {
				t.Errorf("incidents not newest first: %v then %v", both.Incidents[i-1].OccurredOn, both.Incidents[i].OccurredOn)
			}
		}
		if in := both.Incidents[0]; in.Withheld || in.Details != "Incident B" || in.ReportedBy != "Amy" || in.PersonID != amy {
			t.Errorf("Amy's practitioner sees the newest incident as %+v", in)
		}
		other, err := db.ReadPerson(ctx, tom, amy)
		if err != nil {
			t.Fatal(err)
		}
		if c := escalation(other); !c.Met {
			t.Errorf("co-parent's practitioner: escalation %+v; want met", c)
		}
		for _, in := range other.Incidents {
			if !in.Withheld || in.Details != "" || in.ReportedBy != "" {
				t.Errorf("co-parent's practitioner sees an incident as %+v; want it withheld", in)
			}
		}
		if len(other.Incidents) != len(both.Incidents) {
			t.Errorf("co-parent's practitioner sees %d incidents; Amy's %d", len(other.Incidents), len(both.Incidents))
		}
	})
}
