package store_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/audit"
	"github.com/cradle-org/cradle/internal/casework"
	"github.com/cradle-org/cradle/internal/org"
	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/risk"
	"github.com/cradle-org/cradle/internal/sharing"
	"github.com/cradle-org/cradle/internal/store"
	"github.com/cradle-org/cradle/internal/store/storetest"
)

// A session is corrected by its author, then by a team manager; each
// correction keeps the version it replaced, with who, when and why; a
// version check stops a stale editor; the co-parent's practitioner sees
// none of what was confidential, nor what was written before it was marked
// so; the counts follow the correction; a removal takes the session out of
// the record, its pages and its counts, keeps it in the history, and shows
// what it said only to those who could have corrected it.
func TestSessionCorrectionAndRemoval(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := makeFamily(t, db)
		sctx := audit.WithSource(ctx, audit.Source{Actor: "test"})
		today := time.Now().UTC().Truncate(24 * time.Hour)
		mustExec(t, db, `UPDATE families SET accepted_on = $1 WHERE id = $2`, today.AddDate(0, 0, -60), fx.familyID)
		first := casework.Session{PersonID: fx.parent1, HeldOn: today.AddDate(0, 0, -3), Minutes: 60, Mode: "home", Attendance: "attended",
			Notes: "CANARY-FIRST-NOTE"}
		sid, err := db.RecordSession(sctx, fx.prac1.Actor(), first, nil)
		if err != nil {
			t.Fatal(err)
		}
		attended := func() string {
			t.Helper()
			n, err := db.RawString(ctx, `SELECT CAST(attended AS TEXT) FROM family_session_facts WHERE family_id = $1`, fx.familyID)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		if got := attended(); got != "1" {
			t.Fatalf("attended before = %s, want 1", got)
		}
		second := first
		second.Notes, second.Minutes = "CANARY-SECOND-NOTE", 50
		correction := store.SessionCorrection{PersonID: fx.parent1, SessionID: sid, Version: 1, Session: second, Why: "CANARY-WHY Typed the wrong length"}

		staff := map[string]org.Staff{"prac1": fx.prac1, "prac2": fx.prac2, "other": fx.other, "mgr": fx.mgr}
		// Who may not, and what is refused, changing nothing.
		for _, tc := range []struct {
			name string
			by   store.SessionCorrection
			who  string
			want problem.Code
		}{
			{"the co-parent's practitioner", correction, "prac2", problem.Forbidden},
			{"a practitioner not allocated", correction, "other", problem.Forbidden},
			{"a stale version", withVersion(correction, 2), "prac1", problem.Conflict},
			{"nothing changed", store.SessionCorrection{PersonID: fx.parent1, SessionID: sid, Version: 1, Session: first, Why: "x"}, "prac1", problem.Invalid},
			{"no reason", withWhy(correction, " "), "prac1", problem.Invalid},
			{"a session of another person", store.SessionCorrection{PersonID: fx.parent2, SessionID: sid, Version: 1, Session: second, Why: "x"}, "prac2", problem.NotFound},
			{"no such session", store.SessionCorrection{PersonID: fx.parent1, SessionID: sid + 1000, Version: 1, Session: second, Why: "x"}, "prac1", problem.NotFound},
			{"no such session, asked by a stranger", store.SessionCorrection{PersonID: fx.parent1, SessionID: sid + 1000, Version: 1, Session: second, Why: "x"}, "other", problem.Forbidden},
		} {
			if got := code(db.CorrectSession(sctx, staff[tc.who].Actor(), tc.by, nil)); got != tc.want {
				t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
			}
		}
		if n := historyRows(t, db, sid); n != 0 {
			t.Fatalf("refused corrections left %d history rows", n)
		}

		// The author corrects it; then a team manager marks it confidential.
		if err := db.CorrectSession(sctx, fx.prac1.Actor(), correction, nil); err != nil {
			t.Fatalf("the author's correction: %v", err)
		}
		third := second
		third.Confidential = true
		if err := db.CorrectSession(sctx, fx.mgr.Actor(), store.SessionCorrection{PersonID: fx.parent1, SessionID: sid, Version: 2, Session: third,
			Why: "Holds a disclosure"}, nil); err != nil {
			t.Fatalf("the manager's correction: %v", err)
		}
		rec, err := db.ReadSession(sctx, fx.prac1.Actor(), fx.parent1, sid)
		if err != nil {
			t.Fatal(err)
		}
		if s := rec.Session; s.Version != 3 || s.Notes != "CANARY-SECOND-NOTE" || s.Minutes != 50 || !s.Confidential || !s.Corrected || !rec.MayCorrect || rec.Removed != nil {
			t.Errorf("the author reads %+v (may correct %t)", s, rec.MayCorrect)
		}
		if len(rec.History) != 2 {
			t.Fatalf("history: %d versions, want 2", len(rec.History))
		}
		if h := rec.History[0]; h.Version != 2 || h.Notes != "CANARY-SECOND-NOTE" || h.Confidential || h.Change != casework.ChangeCorrected ||
			h.ChangedBy != fx.mgr.ID || h.Why != "Holds a disclosure" || h.Withheld {
			t.Errorf("version 2: %+v", h)
		}
		if h := rec.History[1]; h.Version != 1 || h.Notes != "CANARY-FIRST-NOTE" || h.Minutes != 60 || h.ChangedBy != fx.prac1.ID ||
			h.Why != "CANARY-WHY Typed the wrong length" || h.StaffID != fx.prac1.ID {
			t.Errorf("version 1: %+v", h)
		}
		// The co-parent's practitioner sees that it was corrected, and none
		// of what it said, then or now.
		co, err := db.ReadSession(sctx, fx.prac2.Actor(), fx.parent1, sid)
		if err != nil {
			t.Fatal(err)
		}
		if !co.Session.Withheld || co.Session.Notes != "" || co.MayCorrect || len(co.History) != 2 {
			t.Errorf("the co-parent's practitioner reads %+v, %d versions", co.Session, len(co.History))
		}
		for _, h := range co.History {
			if !h.Withheld || h.Notes != "" || h.Why != "" {
				t.Errorf("the co-parent's practitioner reads version %d: %+v", h.Version, h)
			}
		}
		// The text of each version is sealed to its history row.
		raw, err := db.RawString(ctx, `SELECT notes_sealed || why_sealed FROM case_session_history WHERE session_id = $1 AND version = 1`, sid)
		if err != nil || strings.Contains(raw, "CANARY") {
			t.Errorf("history row in clear: %q (%v)", raw, err)
		}

		// A correction that says it did not happen takes it out of the counts.
		fourth := third
		fourth.Attendance, fourth.Reason, fourth.Minutes = "did_not_attend", "Not at home", 0
		if err := db.CorrectSession(sctx, fx.prac1.Actor(), store.SessionCorrection{PersonID: fx.parent1, SessionID: sid, Version: 3, Session: fourth, Why: "Wrong outcome"}, nil); err != nil {
			t.Fatal(err)
		}
		if got := attended(); got != "0" {
			t.Errorf("attended after the correction = %s, want 0", got)
		}
		fifth := fourth
		fifth.Attendance, fifth.Reason, fifth.Minutes = "attended", "", 50
		if err := db.CorrectSession(sctx, fx.prac1.Actor(), store.SessionCorrection{PersonID: fx.parent1, SessionID: sid, Version: 4, Session: fifth, Why: "It did happen"}, nil); err != nil {
			t.Fatal(err)
		}
		if got := attended(); got != "1" {
			t.Errorf("attended after correcting back = %s, want 1", got)
		}

		// Removal: refused without a reason, or to the co-parent's
		// practitioner; then done by the author.
		if err := db.RemoveSession(sctx, fx.prac1.Actor(), fx.parent1, sid, 5, "  "); code(err) != problem.Invalid {
			t.Errorf("removal without a reason: %v", err)
		}
		if err := db.RemoveSession(sctx, fx.prac2.Actor(), fx.parent1, sid, 5, "Wrong record"); code(err) != problem.Forbidden {
			t.Errorf("removal by the co-parent's practitioner: %v", err)
		}
		if err := db.RemoveSession(sctx, fx.prac1.Actor(), fx.parent1, sid, 4, "Wrong record"); code(err) != problem.Conflict {
			t.Errorf("removal from a stale version: %v", err)
		}
		if err := db.RemoveSession(sctx, fx.prac1.Actor(), fx.parent1, sid, 5, "Recorded on the wrong parent's record"); err != nil {
			t.Fatalf("removal: %v", err)
		}
		if got := attended(); got != "0" {
			t.Errorf("attended after the removal = %s, want 0", got)
		}
		page, err := db.ReadPersonPage(sctx, fx.prac1.Actor(), fx.parent1, store.SessionPage{Limit: 20})
		if err != nil || len(page.Sessions) != 0 || page.SessionsTotal != 0 {
			t.Errorf("the person page after the removal: %d sessions, total %d (%v)", len(page.Sessions), page.SessionsTotal, err)
		}
		page, err = db.ReadPersonPage(sctx, fx.prac2.Actor(), fx.parent1, store.SessionPage{Show: "removed", Limit: 20})
		if err != nil || len(page.RemovedSessions) != 1 || page.SessionsTotal != 1 {
			t.Fatalf("the removed page: %+v, total %d (%v)", page.RemovedSessions, page.SessionsTotal, err)
		}
		if r := page.RemovedSessions[0]; r.ID != sid || r.ChangedBy != fx.prac1.ID || r.Notes != "" || !r.Withheld || r.Version != 5 {
			t.Errorf("the removed entry: %+v", r)
		}
		for who, wantText := range map[string]bool{"prac1": true, "mgr": true, "prac2": false} {
			rec, err := db.ReadSession(sctx, staff[who].Actor(), fx.parent1, sid)
			if err != nil {
				t.Fatalf("%s reads the removed session: %v", who, err)
			}
			if rec.Removed == nil || rec.MayCorrect || rec.Removed.ChangedBy != fx.prac1.ID || len(rec.History) != 4 || rec.Session.CreatedAt.IsZero() ||
				!rec.Session.CreatedAt.Equal(rec.History[3].UpdatedAt) {
				t.Errorf("%s reads the removal %+v, %d versions, may correct %t", who, rec.Removed, len(rec.History), rec.MayCorrect)
				continue
			}
			if got := rec.Session.Notes == "CANARY-SECOND-NOTE" && rec.Removed.Why == "Recorded on the wrong parent's record" && rec.History[3].Notes == "CANARY-FIRST-NOTE"; got != wantText {
				t.Errorf("%s reads the removed text: %t, want %t (%+v)", who, got, wantText, rec.Removed)
			}
			if !wantText && (rec.Session.Notes != "" || rec.Removed.Why != "" || rec.History[3].Notes != "") {
				t.Errorf("%s reads some of the removed text: %+v", who, rec.Removed)
			}
		}
		if err := db.CorrectSession(sctx, fx.prac1.Actor(), store.SessionCorrection{PersonID: fx.parent1, SessionID: sid, Version: 5, Session: fifth, Why: "x"}, nil); code(err) != problem.Conflict {
			t.Errorf("correcting a removed session: %v", err)
		}
		if err := db.RemoveSession(sctx, fx.prac1.Actor(), fx.parent1, sid, 5, "Again"); code(err) != problem.Conflict {
			t.Errorf("removing it twice: %v", err)
		}
		if _, err := db.ReadSession(sctx, fx.other.Actor(), fx.parent1, sid); code(err) != problem.Forbidden {
			t.Errorf("a stranger reads the removed session: %v", err)
		}
		// A new session does not take the removed one's id (and with it
		// its history), on SQLite either.
		next, err := db.RecordSession(sctx, fx.prac1.Actor(), first, nil)
		if err != nil || next == sid {
			t.Errorf("the next session's id %d (removed %d): %v", next, sid, err)
		}
		for action, want := range map[string]int{"session.correct": 4, "session.remove": 1} {
			if n := countAudit(t, db, action); n != want {
				t.Errorf("%d %s entries, want %d", n, action, want)
			}
		}
	})
}

// A supervision note is corrected by its author, a team manager, in its
// text alone; the practitioner, who did not write it, may not.
func TestSupervisionNoteCorrection(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := makeFamily(t, db)
		sctx := audit.WithSource(ctx, audit.Source{Actor: "test"})
		if err := db.RecordSupervision(sctx, fx.mgr.Actor(), fx.parent1, "Discussed the plan"); err != nil {
			t.Fatal(err)
		}
		rec, err := db.ReadPersonPage(sctx, fx.mgr.Actor(), fx.parent1, store.SessionPage{Show: "supervision", Limit: 20})
		if err != nil || len(rec.Sessions) != 1 {
			t.Fatalf("%d notes (%v)", len(rec.Sessions), err)
		}
		note := rec.Sessions[0]
		c := store.SessionCorrection{PersonID: fx.parent1, SessionID: note.ID, Version: 1, Why: "Clearer",
			Session: casework.Session{Notes: "Discussed the safety plan", Minutes: 999, Mode: "carrier pigeon"}}
		if err := db.CorrectSession(sctx, fx.prac1.Actor(), c, nil); problem.CodeOf(err) != problem.Forbidden {
			t.Errorf("the practitioner corrects the manager's note: %v", err)
		}
		if err := db.CorrectSession(sctx, fx.mgr.Actor(), c, nil); err != nil {
			t.Fatalf("the manager corrects their note: %v", err)
		}
		got, err := db.ReadSession(sctx, fx.mgr.Actor(), fx.parent1, note.ID)
		if err != nil {
			t.Fatal(err)
		}
		if s := got.Session; s.Notes != "Discussed the safety plan" || s.Minutes != 0 || s.Mode != "" || s.Kind != "supervision" || !s.Confidential || len(got.History) != 1 {
			t.Errorf("the corrected note: %+v, %d versions", s, len(got.History))
		}
	})
}

func withVersion(c store.SessionCorrection, v int) store.SessionCorrection {
	c.Version = v
	return c
}

func withWhy(c store.SessionCorrection, why string) store.SessionCorrection {
	c.Why = why
	return c
}

func historyRows(t *testing.T, db *store.DB, sid int64) int {
	t.Helper()
	n, err := db.RawString(ctx, `SELECT CAST(COUNT(*) AS TEXT) FROM case_session_history WHERE session_id = $1`, sid)
	if err != nil {
		t.Fatal(err)
	}
	c, err := strconv.Atoi(n)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// An incident and a change in circumstances are removed as entered in
// error: gone from the person's lists and from the incidents MARAC's
// criteria count, listed as removed with why for whoever may see the
// parent's confidential details, and only that it was removed for the
// co-parent's practitioner; refused without a reason, to the co-parent's
// practitioner, and a second time.
func TestIncidentAndChangeRemoval(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := makeFamily(t, db)
		sctx := audit.WithSource(ctx, audit.Source{Actor: "test"})
		today := time.Now().UTC().Truncate(24 * time.Hour)
		for i, details := range []string{"CANARY-WRONG-PARENT", "Kept"} {
			if err := db.RecordIncident(sctx, fx.prac1.Actor(), store.Incident{PersonID: fx.parent1, OccurredOn: today.AddDate(0, 0, -i-1),
				ReportedBy: "Police", Details: details}); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.RecordChange(sctx, fx.prac1.Actor(), fx.parent1, risk.Change{Kind: "separated", On: today}); err != nil {
			t.Fatal(err)
		}
		rec, err := db.ReadPerson(sctx, fx.prac1.Actor(), fx.parent1)
		if err != nil || len(rec.Incidents) != 2 || len(rec.Changes) != 1 {
			t.Fatalf("before: %d incidents, %d changes (%v)", len(rec.Incidents), len(rec.Changes), err)
		}
		wrong := rec.Incidents[0]
		if wrong.Details != "CANARY-WRONG-PARENT" {
			t.Fatalf("the newest incident: %+v", wrong)
		}
		if err := db.RemoveIncident(sctx, fx.prac1.Actor(), fx.parent1, wrong.ID, " "); code(err) != problem.Invalid {
			t.Errorf("no reason: %v", err)
		}
		if err := db.RemoveIncident(sctx, fx.prac2.Actor(), fx.parent1, wrong.ID, "Wrong parent"); code(err) != problem.Forbidden {
			t.Errorf("the co-parent's practitioner: %v", err)
		}
		if err := db.RemoveIncident(sctx, fx.prac2.Actor(), fx.parent2, wrong.ID, "Wrong parent"); code(err) != problem.NotFound {
			t.Errorf("through the other parent's record: %v", err)
		}
		if err := db.RemoveIncident(sctx, fx.prac1.Actor(), fx.parent1, wrong.ID, "Recorded on the wrong parent's record"); err != nil {
			t.Fatal(err)
		}
		if err := db.RemoveIncident(sctx, fx.mgr.Actor(), fx.parent1, wrong.ID, "Again"); code(err) != problem.Conflict {
			t.Errorf("a second time: %v, want a conflict (removed already)", err)
		}
		if err := db.RemoveChange(sctx, fx.mgr.Actor(), fx.parent1, rec.Changes[0].ID, "They did not separate"); err != nil {
			t.Fatal(err)
		}
		if n, err := db.IncidentDates(ctx, fx.parent1); err != nil || n != 1 {
			t.Errorf("the risk history counts %d incidents (%v), want 1", n, err)
		}
		rec, err = db.ReadPerson(sctx, fx.prac1.Actor(), fx.parent1)
		if err != nil || len(rec.Incidents) != 1 || rec.Incidents[0].Details != "Kept" || len(rec.Changes) != 0 || len(rec.RemovedEntries) != 2 {
			t.Fatalf("after: %+v, %+v, removed %+v (%v)", rec.Incidents, rec.Changes, rec.RemovedEntries, err)
		}
		for _, e := range rec.RemovedEntries {
			if e.Withheld || e.Why == "" || e.RemovedBy == "" || e.RemovedAt.IsZero() {
				t.Errorf("the author reads the removal %+v", e)
			}
		}
		co, err := db.ReadPerson(sctx, fx.prac2.Actor(), fx.parent1)
		if err != nil || len(co.RemovedEntries) != 2 {
			t.Fatalf("the co-parent's practitioner: %+v (%v)", co.RemovedEntries, err)
		}
		for _, e := range co.RemovedEntries {
			if !e.Withheld || e.Why != "" {
				t.Errorf("the co-parent's practitioner reads the removal %+v", e)
			}
		}
		for action, want := range map[string]int{"incident.remove": 1, "circumstance.remove": 1} {
			if n := countAudit(t, db, action); n != want {
				t.Errorf("%d %s entries, want %d", n, action, want)
			}
		}
	})
}

// A VIG cycle and a consent are removed as entered in error: the cycle
// leaves the person's cycles and the family's VIG count (the programme's
// milestones), the consent leaves the person and family pages' consents;
// both are listed as removed, with why for whoever may see the parent's
// confidential details; refused without a reason, to the co-parent's
// practitioner, through the other parent's record and a second time.
func TestVIGAndConsentRemoval(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := makeFamily(t, db)
		sctx := audit.WithSource(ctx, audit.Source{Actor: "test"})
		today := time.Now().UTC().Truncate(24 * time.Hour)
		prac := fx.prac1.Actor()
		for i, strengths := range []string{"CANARY-WRONG-PARENT", "Kept"} {
			if _, err := db.RecordVIG(sctx, prac, casework.VIGCycle{PersonID: fx.parent1, Phase: "antenatal", FilmedOn: today.AddDate(0, 0, -i-1),
				Strengths: strengths}); err != nil {
				t.Fatal(err)
			}
		}
		for _, scope := range []string{"CANARY-NEVER-GIVEN", "Health visitor"} {
			if err := db.RecordConsent(sctx, prac, fx.parent1, sharing.Consent{Scope: scope, GivenOn: today}); err != nil {
				t.Fatal(err)
			}
		}
		rec, err := db.ReadPerson(sctx, prac, fx.parent1)
		if err != nil || len(rec.VIG) != 2 || len(rec.Consents) != 2 {
			t.Fatalf("before: %d cycles, %d consents (%v)", len(rec.VIG), len(rec.Consents), err)
		}
		vig, consent := rec.VIG[0], rec.Consents[0]
		if vig.Strengths != "CANARY-WRONG-PARENT" || consent.Scope != "Health visitor" {
			t.Fatalf("the newest: %+v, %+v", vig, consent)
		}
		consent = rec.Consents[1]
		page, err := db.ReadFamilyPage(sctx, prac, fx.familyID, 0)
		if err != nil || page.Progress.VIGCount(fx.parent1) != 2 {
			t.Fatalf("before, the family counts %d cycles (%v)", page.Progress.VIGCount(fx.parent1), err)
		}
		for name, remove := range map[string]func(actor policy.Actor, person int64, why string) error{
			"cycle":   func(a policy.Actor, p int64, why string) error { return db.RemoveVIG(sctx, a, p, vig.ID, why) },
			"consent": func(a policy.Actor, p int64, why string) error { return db.RemoveConsent(sctx, a, p, consent.ID, why) },
		} {
			if err := remove(prac, fx.parent1, " "); code(err) != problem.Invalid {
				t.Errorf("%s, no reason: %v", name, err)
			}
			if err := remove(fx.prac2.Actor(), fx.parent1, "Wrong parent"); code(err) != problem.Forbidden {
				t.Errorf("%s, the co-parent's practitioner: %v", name, err)
			}
			if err := remove(fx.prac2.Actor(), fx.parent2, "Wrong parent"); code(err) != problem.NotFound {
				t.Errorf("%s, through the other parent's record: %v", name, err)
			}
			if err := remove(prac, fx.parent1, "Recorded on the wrong parent's record"); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if err := remove(fx.mgr.Actor(), fx.parent1, "Again"); code(err) != problem.Conflict {
				t.Errorf("%s, a second time: %v, want a conflict (removed already)", name, err)
			}
		}
		rec, err = db.ReadPerson(sctx, prac, fx.parent1)
		if err != nil || len(rec.VIG) != 1 || rec.VIG[0].Strengths != "Kept" || len(rec.Consents) != 1 || rec.Consents[0].Scope != "Health visitor" ||
			len(rec.RemovedEntries) != 2 {
			t.Fatalf("after: %+v, %+v, removed %+v (%v)", rec.VIG, rec.Consents, rec.RemovedEntries, err)
		}
		kinds := map[string]bool{}
		for _, e := range rec.RemovedEntries {
			kinds[e.Kind] = true
			if e.Withheld || e.Why != "Recorded on the wrong parent's record" || e.RemovedBy == "" || e.RemovedAt.IsZero() {
				t.Errorf("the author reads the removal %+v", e)
			}
		}
		if !kinds["vig"] || !kinds["consent"] {
			t.Errorf("removed kinds %v, want vig and consent", kinds)
		}
		page, err = db.ReadFamilyPage(sctx, prac, fx.familyID, 0)
		if err != nil || page.Progress.VIGCount(fx.parent1) != 1 || len(page.Consents) != 1 {
			t.Fatalf("after, the family counts %d cycles and lists %+v (%v)", page.Progress.VIGCount(fx.parent1), page.Consents, err)
		}
		co, err := db.ReadPerson(sctx, fx.prac2.Actor(), fx.parent1)
		if err != nil || len(co.RemovedEntries) != 1 || co.RemovedEntries[0].Kind != "vig" {
			t.Fatalf("the co-parent's practitioner (who sees no consents): %+v (%v)", co.RemovedEntries, err)
		}
		if e := co.RemovedEntries[0]; !e.Withheld || e.Why != "" {
			t.Errorf("the co-parent's practitioner reads the removal %+v", e)
		}
		for action, want := range map[string]int{"vig.remove": 1, "consent.remove": 1} {
			if n := countAudit(t, db, action); n != want {
				t.Errorf("%d %s entries, want %d", n, action, want)
			}
		}
	})
}
