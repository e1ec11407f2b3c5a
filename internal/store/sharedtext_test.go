package store_test

import (
	"strings"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/audit"
	"github.com/cradle-org/cradle/internal/family"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/risk"
	"github.com/cradle-org/cradle/internal/sharing"
	"github.com/cradle-org/cradle/internal/store"
	"github.com/cradle-org/cradle/internal/store/storetest"
)

// Text everyone working with the family reads, beyond a meeting's record
// and a disclosure's (TestConfidentialDetailsKeptOutOfSharedText): the team
// around the baby's details, and why one of the family's entries was
// removed as entered in error. A parent's confidential details typed there
// by that parent's own practitioner are refused, naming the field, and
// nothing is saved; ordinary words are.
func TestConfidentialDetailsKeptOutOfTeamAndRemovals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := makeFamily(t, db)
		sctx := audit.WithSource(ctx, audit.Source{Actor: "test"})
		prac := fx.prac1.Actor()
		today := db.Now().UTC().Truncate(24 * time.Hour)

		// Alex's postcode and email as well, so that every detail is looked for.
		f, err := db.ReadFamily(sctx, prac, fx.familyID)
		if err != nil {
			t.Fatal(err)
		}
		version := 0
		for _, p := range f.People {
			if p.ID == fx.parent1 {
				version = p.Version
			}
		}
		if err := db.UpdateContact(sctx, prac, fx.parent1, store.ContactUpdate{Version: version, Details: family.Confidential{
			Address: "CANARY-ADDRESS 1 Safe Street", Postcode: "FY1 9ZZ", Phone: "07700 900001", Email: "alex.rivers@example.net"}}); err != nil {
			t.Fatal(err)
		}

		refused := func(name string, err error, field, detail string) {
			t.Helper()
			want := "This mentions Alex Rivers's " + detail + ", which others working with the family may not see."
			p := problem.As(err)
			if p == nil || p.Code != problem.Invalid || len(p.Fields) != 1 || p.Fields[0].Name != field || !strings.Contains(p.Fields[0].Message, want) {
				t.Errorf("%s: %v, want %s refused saying %q", name, err, field, want)
			}
		}
		count := func(query string, args ...any) string {
			t.Helper()
			n, err := db.RawString(ctx, query, args...)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		page := func() store.FamilyPage { t.Helper(); return familyPageOf(t, db, sctx, prac, fx.familyID) }

		// The team around the baby: each field of the form, on adding
		// someone and on changing their details.
		sw := sharing.Professional{Name: "Chloe Barnes", Role: "Social worker", Organisation: "Blackpool Council", OrganisationKind: "children_social_care",
			Phone: "01632 960001"}
		leaks := []struct {
			field, detail string
			leak          func(*sharing.Professional)
		}{
			{"name", "address", func(p *sharing.Professional) { p.Name = "Chloe at CANARY-ADDRESS 1 Safe Street" }},
			{"role", "postcode", func(p *sharing.Professional) { p.Role = "Visits FY1 9ZZ" }},
			{"organisation", "address", func(p *sharing.Professional) { p.Organisation = "The centre, CANARY-ADDRESS 1 Safe Street" }},
			{"phone", "phone number", func(p *sharing.Professional) { p.Phone = "07700 900001" }},
			{"email", "email address", func(p *sharing.Professional) { p.Email = "Alex.Rivers@example.net" }},
		}
		for _, l := range leaks {
			p := sw
			l.leak(&p)
			refused("adding, Alex's "+l.detail+" in "+l.field, db.AddProfessional(sctx, prac, fx.familyID, p), l.field, l.detail)
		}
		if n := count(`SELECT CAST(COUNT(*) AS TEXT) FROM professionals`); n != "0" {
			t.Fatalf("%s professionals saved from refused additions, want none", n)
		}
		// The organisation's shared directory is not added to either.
		if n := count(`SELECT CAST(COUNT(*) AS TEXT) FROM organisations WHERE name LIKE '%CANARY%'`); n != "0" {
			t.Errorf("%s organisations named with Alex's address, want none", n)
		}
		jo := sharing.Professional{Name: "Jo Lee", Role: "Midwife", Organisation: "Blackpool maternity service", OrganisationKind: "midwifery", Email: "jo.lee@nhs.net"}
		for _, p := range []sharing.Professional{sw, jo} {
			if err := db.AddProfessional(sctx, prac, fx.familyID, p); err != nil {
				t.Fatalf("adding %s: %v", p.Name, err)
			}
		}
		team := page().Team
		if len(team) != 2 || team[0].Name != "Chloe Barnes" || team[1].Name != "Jo Lee" {
			t.Fatalf("the team: %+v", team)
		}
		chloe, joID := team[0].ID, team[1].ID
		for _, l := range leaks {
			p := sw
			l.leak(&p)
			refused("changing, Alex's "+l.detail+" in "+l.field, db.UpdateProfessional(sctx, prac, fx.familyID, chloe, p), l.field, l.detail)
		}
		if got := page().Team[0]; got.Name != sw.Name || got.Role != sw.Role || got.Organisation != sw.Organisation || got.Phone != sw.Phone || got.Email != "" {
			t.Fatalf("after refused changes: %+v, want %+v", got, sw)
		}
		moved := sw
		moved.Phone, moved.Role, moved.Version = "01632 960999", "Senior social worker", team[0].Version
		if err := db.UpdateProfessional(sctx, prac, fx.familyID, chloe, moved); err != nil {
			t.Fatalf("an ordinary change: %v", err)
		}
		if got := page().Team[0]; got.Phone != "01632 960999" || got.Role != "Senior social worker" {
			t.Errorf("after an ordinary change: %+v", got)
		}

		// Why an entry of the family's was removed is listed with it, for
		// everyone working with the family.
		status := page().Family.SafeguardingStatus
		if err := db.RecordMeeting(sctx, prac, fx.familyID, sharing.Meeting{Kind: "child_in_need", HeldOn: today, Attendees: "Core group",
			StatusAfter: "child_in_need", Actions: []sharing.Action{{What: "Visit", OwnerID: fx.prac2.ID, Due: today.AddDate(0, 0, 7)}}}); err != nil {
			t.Fatal(err)
		}
		if err := db.RecordChildRisk(sctx, prac, fx.familyID, 0, risk.ChildRisk{Concerns: "Arguments at handover.", Level: risk.Medium, Plan: "Weekly visits."}); err != nil {
			t.Fatal(err)
		}
		for _, sh := range []sharing.Share{
			{SharedOn: today, Recipient: "Housing", What: "The family's needs", Why: "Rehousing", Method: "phone", LawfulBasis: "art6_1e", Consent: "given"},
			{PersonID: fx.parent1, SharedOn: today, Recipient: "GP", What: "Care", Why: "Care", Method: "phone", LawfulBasis: "art9_2h", Consent: "given"},
		} {
			if err := db.RecordShare(sctx, prac, fx.familyID, sh); err != nil {
				t.Fatal(err)
			}
		}
		p := page()
		if len(p.Meetings) != 1 || len(p.ChildRisks) != 1 || len(p.Shares) != 2 || len(p.Tasks) != 1 || p.Family.SafeguardingStatus != "child_in_need" {
			t.Fatalf("before the removals: meetings %+v, risks %+v, shares %+v, tasks %+v, status %q", p.Meetings, p.ChildRisks, p.Shares, p.Tasks, p.Family.SafeguardingStatus)
		}
		meeting, childRisk := p.Meetings[0].ID, p.ChildRisks[0].ID
		var familyShare, alexShare int64
		for _, sh := range p.Shares {
			if sh.PersonID == fx.parent1 {
				alexShare = sh.ID
			} else {
				familyShare = sh.ID
			}
		}

		refused("removing a team member, Alex's phone in why",
			db.RemoveProfessional(sctx, prac, fx.familyID, joID, "Added twice: Alex rang from 07700 900001"), "why", "phone number")
		refused("removing a meeting, Alex's address in why",
			db.RemoveMeeting(sctx, prac, fx.familyID, meeting, "Held at CANARY-ADDRESS 1 Safe Street, not this family's"), "why", "address")
		refused("removing an assessment, Alex's email in why",
			db.RemoveChildRisk(sctx, prac, fx.familyID, childRisk, "Sent by alex.rivers@example.net, wrong family"), "why", "email address")
		refused("removing a disclosure about the family, Alex's postcode in why",
			db.RemoveShare(sctx, prac, fx.familyID, familyShare, "Wrong family: FY19ZZ"), "why", "postcode")
		for table, n := range map[string]string{"professionals": "0", "meetings": "0", "child_risks": "0", "information_sharing": "0"} {
			if got := count(`SELECT CAST(COUNT(*) AS TEXT) FROM ` + table + ` WHERE removed_at IS NOT NULL OR removed_reason_sealed <> ''`); got != n {
				t.Errorf("%s: %s rows marked removed after refused removals, want %s", table, got, n)
			}
		}
		p = page()
		if len(p.Team) != 2 || len(p.RemovedTeam) != 0 || len(p.Meetings) != 1 || len(p.RemovedMeetings) != 0 || len(p.ChildRisks) != 1 ||
			len(p.RemovedChildRisks) != 0 || len(p.Shares) != 2 || len(p.RemovedShares) != 0 || len(p.Tasks) != 1 || p.Family.SafeguardingStatus != "child_in_need" {
			t.Fatalf("after refused removals: team %+v (removed %+v), meetings %+v (%+v), risks %+v (%+v), shares %+v (%+v), tasks %+v, status %q",
				p.Team, p.RemovedTeam, p.Meetings, p.RemovedMeetings, p.ChildRisks, p.RemovedChildRisks, p.Shares, p.RemovedShares, p.Tasks, p.Family.SafeguardingStatus)
		}
		// Not there first: a removal of an entry gone already is not
		// found, whatever its reason.
		if err := db.RemoveMeeting(sctx, prac, fx.familyID, meeting+1000, "At CANARY-ADDRESS 1 Safe Street"); code(err) != problem.NotFound {
			t.Errorf("no such meeting, Alex's address in why: %v", err)
		}

		// Why a disclosure about Alex was removed is withheld as what was
		// shared is: Alex's own details may be in it (as in its why), so
		// long as the reader may see them.
		if err := db.RemoveShare(sctx, prac, fx.familyID, alexShare, "Her GP is not on 07700 900001: logged twice"); err != nil {
			t.Errorf("removing a disclosure about Alex, Alex's phone in why: %v", err)
		}

		// Ordinary words are kept.
		for name, err := range map[string]error{
			"team member": db.RemoveProfessional(sctx, prac, fx.familyID, joID, "Added twice"),
			"meeting":     db.RemoveMeeting(sctx, prac, fx.familyID, meeting, "Recorded on the wrong family's record"),
			"assessment":  db.RemoveChildRisk(sctx, prac, fx.familyID, childRisk, "Recorded on the wrong family's record"),
			"disclosure":  db.RemoveShare(sctx, prac, fx.familyID, familyShare, "Logged twice"),
		} {
			if err != nil {
				t.Errorf("removing a %s with an ordinary reason: %v", name, err)
			}
		}
		p = page()
		if len(p.RemovedTeam) != 1 || p.RemovedTeam[0].Why != "Added twice" || len(p.RemovedMeetings) != 1 || len(p.RemovedChildRisks) != 1 ||
			len(p.RemovedShares) != 2 || p.Family.SafeguardingStatus != status || len(p.Tasks) != 0 {
			t.Errorf("after the removals: team %+v, meetings %+v, risks %+v, shares %+v, status %q, tasks %+v",
				p.RemovedTeam, p.RemovedMeetings, p.RemovedChildRisks, p.RemovedShares, p.Family.SafeguardingStatus, p.Tasks)
		}
	})
}
