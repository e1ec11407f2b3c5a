package store_test

import (
	"strings"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/audit"
	"github.com/cradle-org/cradle/internal/casework"
	"github.com/cradle-org/cradle/internal/family"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/safeguarding"
	"github.com/cradle-org/cradle/internal/sharing"
	"github.com/cradle-org/cradle/internal/store"
	"github.com/cradle-org/cradle/internal/store/storetest"
)

// A parent's confidential details typed into a meeting's record, or a
// disclosure the other parent's side reads, are refused, for the field
// that holds them; but only when the author may see those details, so
// that a refusal never tells anyone else where a parent lives.
func TestConfidentialDetailsKeptOutOfSharedText(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := makeFamily(t, db)
		sctx := audit.WithSource(ctx, audit.Source{Actor: "test"})
		today := db.Now().UTC().Truncate(24 * time.Hour)
		meeting := func(decisions, action string) sharing.Meeting {
			m := sharing.Meeting{Kind: "core_group", HeldOn: today, Attendees: "Core group", Decisions: decisions, StatusAfter: "none"}
			if action != "" {
				m.Actions = []sharing.Action{{What: action, OwnerID: fx.prac1.ID, Due: today.AddDate(0, 0, 7)}}
			}
			return m
		}
		refused := func(name string, err error, field, says string) {
			t.Helper()
			p := problem.As(err)
			if p == nil || p.Code != problem.Invalid || len(p.Fields) != 1 || p.Fields[0].Name != field || !strings.Contains(p.Fields[0].Message, says) {
				t.Errorf("%s: %v, want %s refused saying %q", name, err, field, says)
			}
		}
		// Alex's practitioner types Alex's phone number into the minutes.
		refused("Alex's phone in the minutes", db.RecordMeeting(sctx, fx.prac1.Actor(), fx.familyID, meeting("Alex is on 07700 900001 now.", "")),
			"decisions", "This mentions Alex Rivers's phone number, which others working with the family may not see.")
		// The team manager, who may see both, types Sam's street into an action.
		refused("Sam's address in an action", db.RecordMeeting(sctx, fx.mgr.Actor(), fx.familyID, meeting("Agreed.", "Visit Sam at 2 Other Road")),
			"actions[0].what", "Sam Rivers's address")
		// Sam's practitioner may not see Alex's details: the same number is
		// not looked for (a refusal would say whose it is).
		if err := db.RecordMeeting(sctx, fx.prac2.Actor(), fx.familyID, meeting("A number was given: 07700 900001.", "")); err != nil {
			t.Errorf("Sam's practitioner, a number that is Alex's: %v", err)
		}
		page, err := db.ReadFamilyPage(sctx, fx.mgr.Actor(), fx.familyID, 0)
		if err != nil || len(page.Meetings) != 1 {
			t.Fatalf("meetings saved: %d (%v), want only the one allowed", len(page.Meetings), err)
		}

		share := func(person int64, why string) sharing.Share {
			return sharing.Share{PersonID: person, SharedOn: today, Recipient: "GP", What: "Contact details", Why: why, Method: "phone", LawfulBasis: "art9_2h", Consent: "given"}
		}
		// About Alex: Alex's own details may be in it (it is withheld from Sam's side).
		if err := db.RecordShare(sctx, fx.prac1.Actor(), fx.familyID, share(fx.parent1, "Her GP needs 07700 900001.")); err != nil {
			t.Errorf("a disclosure about Alex holding Alex's number: %v", err)
		}
		// About the family as a whole: everyone reads it.
		refused("Alex's phone in a disclosure about the family", db.RecordShare(sctx, fx.prac1.Actor(), fx.familyID, share(0, "So the GP can ring 07700900001.")),
			"why", "Alex Rivers's phone number")
		// About Sam: Sam's own address may be in it; Alex's details may
		// not, as Sam's practitioner reads it.
		if err := db.RecordShare(sctx, fx.mgr.Actor(), fx.familyID, share(fx.parent2, "Lives at 2 other road")); err != nil {
			t.Errorf("a disclosure about Sam holding Sam's address: %v", err)
		}
		// With whom goes with what was shared: Alex's details may be in a
		// disclosure about Alex (withheld from Sam's side), Sam's may not.
		if err := db.RecordShare(sctx, fx.prac1.Actor(), fx.familyID,
			sharing.Share{PersonID: fx.parent1, SharedOn: today, Recipient: "Her GP, 07700 900001", What: "Care", Why: "Care", Method: "phone", LawfulBasis: "art9_2h", Consent: "given"}); err != nil {
			t.Errorf("Alex's phone in with whom, in a disclosure about Alex: %v", err)
		}
		refused("Sam's address in with whom, in a disclosure about Alex", db.RecordShare(sctx, fx.mgr.Actor(), fx.familyID,
			sharing.Share{PersonID: fx.parent1, SharedOn: today, Recipient: "Her GP at 2 Other Road", What: "Care", Why: "Care", Method: "phone", LawfulBasis: "art9_2h", Consent: "given"}),
			"recipient", "Sam Rivers's address")
		if page, err := db.ReadFamilyPage(sctx, fx.prac2.Actor(), fx.familyID, 0); err != nil {
			t.Fatal(err)
		} else {
			for _, sh := range page.Shares {
				if sh.PersonID == fx.parent1 && (!sh.Withheld || sh.Recipient != "") {
					t.Errorf("Sam's practitioner reads with whom a disclosure about Alex was shared: %q (withheld %t)", sh.Recipient, sh.Withheld)
				}
			}
		}
		refused("Alex's phone in a disclosure about Sam, by the manager", db.RecordShare(sctx, fx.mgr.Actor(), fx.familyID, share(fx.parent2, "Alex is on 07700 900001")),
			"why", "Alex Rivers's phone number")

		// A session's notes on Alex's record: read by Sam's practitioner
		// unless marked confidential.
		session := func(notes string, confidential bool) casework.Session {
			return casework.Session{PersonID: fx.parent1, HeldOn: today, Minutes: 50, Mode: "home", Attendance: "attended", Notes: notes, Confidential: confidential}
		}
		_, err = db.RecordSession(sctx, fx.prac1.Actor(), session("New number 07700 900001.", false), nil)
		refused("Alex's phone in a note not marked confidential", err, "notes", "or mark it confidential")
		sid, err := db.RecordSession(sctx, fx.prac1.Actor(), session("New number 07700 900001.", true), nil)
		if err != nil {
			t.Fatalf("Alex's phone in a confidential note: %v", err)
		}
		// Unmarking it, in a correction, is refused while the number is there.
		err = db.CorrectSession(sctx, fx.prac1.Actor(), store.SessionCorrection{PersonID: fx.parent1, SessionID: sid, Version: 1,
			Session: session("New number 07700 900001.", false), Why: "Not confidential after all"}, nil)
		refused("a correction unmarking it", err, "notes", "Alex Rivers's phone number")
		// The topic is free text too: refused where the notes would be,
		// and withheld with them.
		s := session("Met at the family centre.", false)
		s.Topic = "Ring 07700 900001"
		_, err = db.RecordSession(sctx, fx.prac1.Actor(), s, nil)
		refused("Alex's phone in a topic not marked confidential", err, "topic", "or mark it confidential")
		s.Confidential, s.Topic = true, "CANARY-TOPIC disclosed"
		cid, err := db.RecordSession(sctx, fx.prac1.Actor(), s, nil)
		if err != nil {
			t.Fatal(err)
		}
		if rec, err := db.ReadSession(sctx, fx.prac2.Actor(), fx.parent1, cid); err != nil || !rec.Session.Withheld || rec.Session.Topic != "" {
			t.Errorf("Sam's practitioner reads a confidential session's topic: %q (withheld %t, %v)", rec.Session.Topic, rec.Session.Withheld, err)
		}
		if rec, err := db.ReadPerson(sctx, fx.prac2.Actor(), fx.parent1); err != nil {
			t.Fatal(err)
		} else {
			for _, x := range rec.Sessions {
				if strings.Contains(x.Topic, "CANARY") {
					t.Errorf("Sam's practitioner reads a confidential session's topic on Alex's page: %q", x.Topic)
				}
			}
		}
		// Why a session was corrected is read with the version it replaced.
		plain, err := db.RecordSession(sctx, fx.prac1.Actor(), session("Met at the family centre.", false), nil)
		if err != nil {
			t.Fatal(err)
		}
		err = db.CorrectSession(sctx, fx.prac1.Actor(), store.SessionCorrection{PersonID: fx.parent1, SessionID: plain, Version: 1,
			Session: session("Met at the family centre, briefly.", false), Why: "Alex rang from 07700 900001 to say it was short"}, nil)
		refused("Alex's phone in why a session was corrected", err, "why", "Alex Rivers's phone number")
		// A parent's name, gender and pronouns are everyone's to read.
		alex, err := db.ReadPerson(sctx, fx.prac1.Actor(), fx.parent1)
		if err != nil {
			t.Fatal(err)
		}
		refused("Alex's phone in what Alex is known as", db.UpdatePersonDetails(sctx, fx.prac1.Actor(), fx.parent1, alex.Person.Version,
			family.Details{GivenName: "Alex", FamilyName: "Rivers", KnownAs: "Alex on 07700 900001", Experience: alex.Person.Experience}),
			"known_as", "Alex Rivers's phone number")
		_, err = db.RecordVIG(sctx, fx.mgr.Actor(), casework.VIGCycle{PersonID: fx.parent1, Phase: "antenatal", FilmedOn: today,
			Strengths: "Filmed at Sam's, 2 Other Road", Confidential: true})
		refused("Sam's address in Alex's confidential VIG cycle, by the manager", err, "strengths", "Sam Rivers's address")

		// A safeguarding decision's action is read by its owner: Alex's
		// number may go to Alex's practitioner, not to Sam's.
		dsl := seedStaff(t, db, "dsl@example.org", "dsl", "Blackpool")
		no := false
		concern, err := db.RaiseConcern(sctx, fx.prac1.Actor(), store.NewConcern{FamilyID: fx.familyID, PersonID: fx.parent1,
			Concern: safeguarding.Concern{About: "Worried", AtRisk: safeguarding.AtRiskParent, ImmediateDanger: &no}, Due: today.AddDate(0, 0, 1)}, nil)
		if err != nil {
			t.Fatal(err)
		}
		decision := func(owner int64) safeguarding.DecisionInput {
			return safeguarding.DecisionInput{Decision: safeguarding.Advice, Reasons: "Advice given",
				Actions: []safeguarding.Action{{What: "Ring Alex on 07700 900001 today", OwnerID: owner, Due: today.AddDate(0, 0, 1)}}}
		}
		refused("Alex's phone in an action Sam's practitioner owns", db.DecideConcern(sctx, dsl.Actor(), concern, decision(fx.prac2.ID), nil),
			"actions[0].what", "which "+fx.prac2.Name+", who owns the action, may not see")
		if err := db.DecideConcern(sctx, dsl.Actor(), concern, decision(fx.prac1.ID), nil); err != nil {
			t.Errorf("Alex's phone in an action Alex's practitioner owns: %v", err)
		}
	})
}
