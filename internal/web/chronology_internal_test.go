package web

import (
	"strings"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/casework"
	"github.com/cradle-org/cradle/internal/family"
	"github.com/cradle-org/cradle/internal/risk"
	"github.com/cradle-org/cradle/internal/store"
)

// The chronology's events: in date order whatever order they were read in
// (a time of day sorting with its day), each worded as the parent's page
// words it for the reader, what is withheld kept withheld, nothing for a
// date not reached (a pause not ended, a parent not rejoined, a draft
// assessment), and each under its parent's filter or the family's.
func TestChronologyEvents(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, 3, d, 0, 0, 0, 0, time.UTC) }
	alex := family.Person{ID: 11, Kind: family.Parent, ParentSlot: 1, GivenName: "Alex", FamilyName: "Rivers"}
	sam := family.Person{ID: 12, Kind: family.Parent, ParentSlot: 2, GivenName: "Sam", FamilyName: "Rivers"}
	baby := family.Person{ID: 13, Kind: family.Baby, GivenName: "Isla", DateOfBirth: day(9)}
	c := store.Chronology{
		Family:     family.Family{ID: 5, Reference: "FAM-5", People: []family.Person{alex, sam, baby}, AcceptedOn: day(2)},
		ReferredOn: day(1),
		Parents: []store.PersonRecord{
			{Person: alex, CanSeeConf: true,
				Risk: []store.RiskRecord{{ID: 7, Status: "complete", Level: risk.High, AssessedOn: day(8), Assessment: &risk.Assessment{}},
					{ID: 8, Status: "draft", AssessedOn: day(3)}},
				Incidents: []store.Incident{{ID: 3, OccurredOn: day(6), PoliceInvolved: true, ChildrenPresent: true}},
				Pauses:    []casework.Pause{{Reason: "housing", StartedOn: day(4)}}},
			{Person: sam,
				Risk:       []store.RiskRecord{{ID: 9, Status: "complete", Level: risk.Medium, AssessedOn: day(5)}},
				Changes:    []store.CircumstanceChange{{ID: 4, ChangedOn: day(7), Withheld: true}},
				Departures: []casework.Departure{{Reason: "", Withheld: true, LeftOn: day(10)}, {Reason: casework.JoiningLater, LeftOn: day(2), RejoinedOn: day(3)}}},
		},
		Concerns: []store.ConcernRecord{{ID: 21, PersonID: 11, PersonName: "Alex Rivers", RaisedAt: day(6).Add(15 * time.Hour), ImmediateDanger: true}},
		Allocations: []store.ChronologyAllocation{{PersonID: 11, Staff: "Priya Shah", From: day(2).Add(11 * time.Hour)},
			{PersonID: 11, Staff: "Grace Adeyemi", From: day(9).Add(9 * time.Hour)}},
	}
	got := chronologyEvents(c)
	want := []struct{ on, whose, what, link string }{
		{"1", "family", "Referral received", ""},
		{"2", "family", "Referral accepted: the family's record opened", "/families/5"},
		{"2", "11", "Practitioner: Priya Shah", ""},
		{"2", "12", "Recorded as joining the programme later", "/people/12"},
		{"3", "12", "Joined the programme", "/people/12"},
		{"4", "11", "Sessions paused: Housing crisis", "/people/11"},
		{"5", "12", "DASH risk assessment: Medium risk", "/people/12#risk"},
		{"6", "11", "Safeguarding concern raised (immediate danger)", "/concerns/21"},
		{"6", "11", "Incident · police involved · children present", "/people/11#incident-3"},
		{"7", "12", "Change in circumstances recorded; what changed is withheld", "/people/12#change-4"},
		{"8", "11", "DASH risk assessment: High risk", "/people/11/dash/7"},
		{"9", "family", "Born", "/people/13"},
		{"9", "11", "New practitioner: Grace Adeyemi", ""},
		{"10", "12", "Left the programme", "/people/12"},
	}
	if len(got) != len(want) {
		var lines []string
		for _, e := range got {
			lines = append(lines, e.On.Format("2")+" "+e.What)
		}
		t.Fatalf("%d events, want %d:\n%s", len(got), len(want), strings.Join(lines, "\n"))
	}
	for i, w := range want {
		e := got[i]
		if e.On.Format("2") != w.on || e.Whose != w.whose || e.What != w.what || e.Link != w.link {
			t.Errorf("event %d = %s %s %q %s, want %s %s %q %s", i, e.On.Format("2"), e.Whose, e.What, e.Link, w.on, w.whose, w.what, w.link)
		}
	}
	if !got[9].Withheld || got[8].Withheld {
		t.Errorf("withheld: %v and %v, want only the change in circumstances", got[9].Withheld, got[8].Withheld)
	}
	if got[0].About != "The family" || got[6].About != "Sam Rivers" || got[11].About != "Isla" {
		t.Errorf("whom events are about: %q, %q, %q", got[0].About, got[6].About, got[11].About)
	}
}
