package web_test

import (
	"context"
	"html"
	"net/http"

	"strconv"
	"strings"
	"testing"

	"github.com/cradle-org/cradle/internal/family"
	"github.com/cradle-org/cradle/internal/store"
)

// A practitioner corrects a session they recorded: the form opens filled
// in; a correction with problems shows them all, keeps what was typed and
// saves nothing; a stale one says someone else came first; a good one is
// saved and the version it replaced shown beneath it. The co-parent's
// practitioner is shown neither the forms nor the confidential text, and
// is refused the change. The session is then removed as entered in error:
// gone from the sessions, listed under "entered in error".
func TestCorrectAndRemoveASession(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		amy, person, pc, token := amysPage(t, e, practitioner)
		held := e.clock.Now().AddDate(0, 0, -2)
		rec := dateForm("held_on", held, "csrf_token", token, "minutes", "45", "mode", "home", "attendance", "attended",
			"notes", "CANARY-SESSION-NOTE about sleep", "confidential", "yes")
		if r := e.post(pc, person+"/sessions", rec); r.status != http.StatusSeeOther {
			t.Fatalf("recording: %d\n%s", r.status, r.body)
		}
		sid := newestSession(t, e, amy.ID)
		path := person + "/sessions/" + itoa(sid)

		// The person page links to it, and says what the link is for.
		if page := e.get(pc, person); !strings.Contains(page.body, `href="`+path+`"`) || !strings.Contains(page.body, "or to correct or remove one you wrote.") {
			t.Errorf("the person page has no link to the session's page, or does not say what it is for")
		}
		form := e.get(pc, path)
		if form.status != 200 || !strings.Contains(form.body, `name="held_on-day" type="text" inputmode="numeric" value="`+strconv.Itoa(held.Day())+`"`) ||
			!strings.Contains(form.body, "CANARY-SESSION-NOTE about sleep</textarea>") || !strings.Contains(form.body, `name="version" value="1"`) {
			t.Fatalf("the correction form: %d\n%s", form.status, form.body)
		}

		// Every problem at once, what was typed kept, nothing saved.
		bad := dateForm("held_on", held, "csrf_token", token, "version", "1", "minutes", "forty", "mode", "home", "attendance", "attended",
			"notes", "TYPED-CORRECTION", "confidential", "yes", "why", "")
		bad.Set("held_on-day", "31")
		bad.Set("held_on-month", "2")
		r := e.post(pc, path, bad)
		if r.status != http.StatusUnprocessableEntity {
			t.Fatalf("a bad correction: %d", r.status)
		}
		for _, want := range []string{"#held_on", "#minutes", "TYPED-CORRECTION</textarea>", `value="forty"`} {
			if !strings.Contains(r.body, want) {
				t.Errorf("a bad correction's page lacks %q", want)
			}
		}
		noReason := dateForm("held_on", held, "csrf_token", token, "version", "1", "minutes", "45", "mode", "home", "attendance", "attended",
			"notes", "TYPED-CORRECTION", "confidential", "yes", "why", " ")
		if r := e.post(pc, path, noReason); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Say why you are correcting it") {
			t.Errorf("a correction without a reason: %d", r.status)
		}
		if v := sessionVersion(t, e, amy.ID, sid); v != 1 {
			t.Fatalf("refused corrections saved: version %d", v)
		}

		// A stale version: someone else came first.
		stale := dateForm("held_on", held, "csrf_token", token, "version", "7", "minutes", "50", "mode", "home", "attendance", "attended",
			"notes", "TYPED-STALE", "confidential", "yes", "why", "Longer")
		if r := e.post(pc, path, stale); r.status != http.StatusConflict || !strings.Contains(r.body, "Someone else corrected or removed this session") ||
			!strings.Contains(r.body, "TYPED-STALE</textarea>") || !strings.Contains(r.body, `name="version" value="1"`) || strings.Contains(r.body, `id="unsaved"`) {
			t.Errorf("a stale correction: %d", r.status)
		}

		// The correction.
		good := dateForm("held_on", held, "csrf_token", token, "version", "1", "minutes", "50", "mode", "home", "attendance", "attended",
			"notes", "CANARY-SESSION-NOTE about sleep and feeding", "confidential", "yes", "why", "CANARY-WHY Left out feeding")
		r = e.post(pc, path, good)
		if r.status != http.StatusSeeOther || r.location != path+"?done=corrected" {
			t.Fatalf("the correction: %d %s\n%s", r.status, r.location, r.body)
		}
		after := e.get(pc, r.location)
		for _, want := range []string{"Your correction has been saved", "50 minutes", "Version 1, replaced", "CANARY-SESSION-NOTE about sleep</p>",
			"CANARY-WHY Left out feeding", `name="version" value="2"`} {
			if !strings.Contains(html.UnescapeString(after.body), want) {
				t.Errorf("after the correction the page lacks %q", want)
			}
		}

		// The co-parent's practitioner: no forms, no text, refused.
		tc := e.client()
		e.signIn(tc, tom)
		seen := e.get(tc, path)
		if seen.status != 200 || strings.Contains(seen.body, "CANARY") || strings.Contains(seen.body, `name="why"`) || !strings.Contains(seen.body, "Withheld") {
			t.Errorf("the co-parent's practitioner reads: %d\n%s", seen.status, seen.body)
		}
		tomToken := csrfFrom(t, e.get(tc, "/home").body)
		good.Set("csrf_token", tomToken)
		good.Set("version", "2")
		if r := e.post(tc, path, good); r.status != http.StatusForbidden {
			t.Errorf("the co-parent's practitioner corrects: %d", r.status)
		}
		bad.Set("csrf_token", tomToken)
		if r := e.post(tc, path, bad); r.status != http.StatusForbidden || strings.Contains(r.body, "TYPED-CORRECTION") {
			t.Errorf("the co-parent's practitioner's bad correction: %d (its problems are not theirs to see)", r.status)
		}
		if r := e.post(tc, path+"/remove", mustForm("csrf_token", tomToken, "version", "2", "remove_why", "Wrong")); r.status != http.StatusForbidden {
			t.Errorf("the co-parent's practitioner removes: %d", r.status)
		}

		// Removal: a reason is needed; then it is gone from the sessions.
		if r := e.post(pc, path+"/remove", mustForm("csrf_token", token, "version", "2", "remove_why", "")); r.status != http.StatusUnprocessableEntity ||
			!strings.Contains(r.body, "#remove_why") || !strings.Contains(r.body, "Say why it was entered in error") {
			t.Errorf("a removal without a reason: %d", r.status)
		}
		r = e.post(pc, path+"/remove", mustForm("csrf_token", token, "version", "2", "remove_why", "Recorded on the wrong parent's record"))
		if r.status != http.StatusSeeOther || r.location != path+"?done=removed" {
			t.Fatalf("the removal: %d %s\n%s", r.status, r.location, r.body)
		}
		removed := e.get(pc, r.location)
		if !strings.Contains(removed.body, "It has been removed as entered in error") || !strings.Contains(removed.body, "Removed as entered in error on") ||
			strings.Contains(removed.body, `name="why"`) || !strings.Contains(removed.body, "CANARY-SESSION-NOTE about sleep and feeding") {
			t.Errorf("the removed session's page:\n%s", removed.body)
		}
		if page := e.get(pc, person); strings.Contains(page.body, `href="`+path+`"`) {
			t.Errorf("the removed session is still listed")
		}
		if page := e.get(pc, person+"?show=removed"); !strings.Contains(page.body, `href="`+path+`"`) || !strings.Contains(page.body, "removed as entered in error by Priya Shah") {
			t.Errorf("the removed session is not listed under entered in error")
		}
		// Again: it is gone, said plainly, on its page; the forms are gone,
		// so what was typed is shown to copy.
		late := dateForm("held_on", held, "csrf_token", token, "version", "2", "minutes", "50", "mode", "home", "attendance", "attended",
			"notes", "CANARY-TYPED a late correction", "confidential", "yes", "why", "CANARY-TYPED why late")
		if r := e.post(pc, path, late); r.status != http.StatusConflict || !strings.Contains(r.body, "has been removed as entered in error") ||
			!strings.Contains(between(r.body, `id="unsaved"`, "</div>"), "CANARY-TYPED a late correction") ||
			!strings.Contains(between(r.body, `id="unsaved"`, "</div>"), "CANARY-TYPED why late") {
			t.Errorf("correcting a removed session: %d\n%s", r.status, between(r.body, "<main", "</main>"))
		}
		r = e.post(pc, path+"/remove", mustForm("csrf_token", token, "version", "2", "remove_why", "Again"))
		if r.status != http.StatusConflict || !strings.Contains(r.body, `href="#session"`) || !strings.Contains(r.body, "has been removed as entered in error") ||
			!strings.Contains(between(r.body, `id="unsaved"`, "</div>"), "Again") {
			t.Errorf("removing it twice: %d\n%s", r.status, r.body)
		}
		// The co-parent's practitioner sees that it was removed, not what it said.
		if seen := e.get(tc, path); seen.status != 200 || strings.Contains(seen.body, "CANARY") || !strings.Contains(seen.body, "shown only to its author") {
			t.Errorf("the co-parent's practitioner reads the removal: %d\n%s", seen.status, seen.body)
		}
		// Nonsense in the path is a 404, not an error.
		for _, p := range []string{person + "/sessions/abc", person + "/sessions/0", person + "/sessions/99999999"} {
			if r := e.get(pc, p); r.status != http.StatusNotFound {
				t.Errorf("GET %s: %d", p, r.status)
			}
		}
	})
}

// A session form with a problem only the form can see (a date that is no
// date) saves nothing: it once saved the session dated today, and the
// practitioner, told of the problem, saved it a second time.
func TestSessionFormProblemSavesNothing(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		amy, person, pc, token := amysPage(t, e, practitioner)
		before := sessionCount(t, e, amy.ID)
		form := mustForm("csrf_token", token, "held_on-day", "31", "held_on-month", "2", "held_on-year", "2026", "minutes", "",
			"mode", "phone", "attendance", "did_not_attend", "reason", "Not answering", "notes", "TYPED-NOTE")
		r := e.post(pc, person+"/sessions", form)
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "#held_on") || !strings.Contains(r.body, "TYPED-NOTE</textarea>") {
			t.Fatalf("a session with an impossible date: %d", r.status)
		}
		form.Set("mode", "")
		if r := e.post(pc, person+"/sessions", form); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "#mode") {
			t.Errorf("the rest of the form is checked too: %d", r.status)
		}
		if after := sessionCount(t, e, amy.ID); after != before {
			t.Errorf("sessions %d → %d: a form with a problem saved one", before, after)
		}
	})
}

func newestSession(t *testing.T, e *env, personID int64) int64 {
	t.Helper()
	rec, err := e.db.ReadPersonPage(context.Background(), mustActor(t, e, manager), personID, store.SessionPage{Limit: 1})
	if err != nil || len(rec.Sessions) == 0 {
		t.Fatalf("reading the newest session: %v", err)
	}
	return rec.Sessions[0].ID
}

func sessionVersion(t *testing.T, e *env, personID, sessionID int64) int {
	t.Helper()
	rec, err := e.db.ReadSession(context.Background(), mustActor(t, e, manager), personID, sessionID)
	if err != nil {
		t.Fatal(err)
	}
	return rec.Session.Version
}

func sessionCount(t *testing.T, e *env, personID int64) int {
	t.Helper()
	rec, err := e.db.ReadPersonPage(context.Background(), mustActor(t, e, manager), personID, store.SessionPage{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	return rec.SessionsTotal
}

// A team manager corrects their supervision note: its form has the text
// alone; the parent's practitioner, who did not write it, reads it and its
// earlier version but is offered no form.
func TestCorrectASupervisionNote(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		amy, person, mc, token := amysPage(t, e, manager)
		if r := e.post(mc, person+"/supervision", mustForm("csrf_token", token, "supervision_note", "Discussed the plan")); r.status != http.StatusSeeOther {
			t.Fatalf("the supervision note: %d", r.status)
		}
		rec, err := e.db.ReadPersonPage(context.Background(), mustActor(t, e, manager), amy.ID, store.SessionPage{Show: "supervision", Limit: 1})
		if err != nil || len(rec.Sessions) != 1 {
			t.Fatalf("the note: %v", err)
		}
		path := person + "/sessions/" + itoa(rec.Sessions[0].ID)
		if page := e.get(mc, person); !strings.Contains(page.body, "or to correct or remove one.") {
			t.Errorf("the manager's person page does not say any note may be corrected from its page")
		}
		form := e.get(mc, path)
		if !strings.Contains(form.body, "Supervision note of") || !strings.Contains(form.body, `name="kind" value="supervision"`) || strings.Contains(form.body, `name="held_on-day"`) {
			t.Fatalf("the note's form:\n%s", form.body)
		}
		if r := e.post(mc, path, mustForm("csrf_token", token, "version", "1", "kind", "supervision", "notes", "", "why", "")); r.status != http.StatusUnprocessableEntity ||
			!strings.Contains(r.body, "Write the supervision note") || !strings.Contains(r.body, "Say why you are correcting it") {
			t.Errorf("an emptied note: %d", r.status)
		}
		if r := e.post(mc, path, mustForm("csrf_token", token, "version", "1", "kind", "supervision", "notes", "Discussed the safety plan", "why", "Clearer")); r.status != http.StatusSeeOther {
			t.Fatalf("the correction: %d\n%s", r.status, r.body)
		}
		pc := e.client()
		e.signIn(pc, practitioner)
		seen := e.get(pc, path)
		if seen.status != 200 || !strings.Contains(seen.body, "Discussed the safety plan") || !strings.Contains(seen.body, "Discussed the plan") || strings.Contains(seen.body, `name="why"`) {
			t.Errorf("the practitioner reads the note: %d\n%s", seen.status, seen.body)
		}
		if page := e.get(pc, person+"?show=supervision"); !strings.Contains(page.body, `href="`+path+`"`) || !strings.Contains(page.body, "corrected ") {
			t.Errorf("the practitioner's list does not link to the note, or hides that it was corrected")
		}
	})
}

// The session forms ask whether it was a joint session only once both
// practitioners have recorded that joint sessions are safe; the correction
// form asks it too of a session recorded as joint, so it can be undone.
func TestSessionFormsAskAboutJointSessions(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		amy, person, pc, token := amysPage(t, e, practitioner)
		jordan := parentNamed(demoFamily(t, e, "Amy"), "Jordan")
		tc := e.client()
		e.signIn(tc, tom)
		asks := func(path string) bool { return strings.Contains(e.get(pc, path).body, `name="joint"`) }
		if asks(person + "?form=session") {
			t.Error("the session form asks about a joint session before it is safe")
		}
		for _, side := range []struct {
			c      *http.Client
			person int64
		}{{pc, amy.ID}, {tc, jordan.ID}} {
			p := "/people/" + itoa(side.person)
			if r := e.post(side.c, p+"/joint-safety", mustForm("csrf_token", csrfFrom(t, e.get(side.c, p).body), "safe", "yes")); r.status != http.StatusSeeOther {
				t.Fatalf("joint safety: %d", r.status)
			}
		}
		if !asks(person + "?form=session") {
			t.Fatal("the session form does not ask about a joint session once both say it is safe")
		}
		rec := dateForm("held_on", e.clock.Now(), "csrf_token", token, "minutes", "60", "mode", "office", "attendance", "attended", "joint", "yes", "confidential", "no")
		if r := e.post(pc, person+"/sessions", rec); r.status != http.StatusSeeOther {
			t.Fatalf("a joint session: %d\n%s", r.status, r.body)
		}
		path := person + "/sessions/" + itoa(newestSession(t, e, amy.ID))
		// No longer safe: the correction form still asks, so it can be undone.
		if r := e.post(tc, "/people/"+itoa(jordan.ID)+"/joint-safety", mustForm("csrf_token", csrfFrom(t, e.get(tc, "/home").body), "safe", "no")); r.status != http.StatusSeeOther {
			t.Fatalf("joint safety withdrawn: %d", r.status)
		}
		if asks(person + "?form=session") {
			t.Error("the session form asks about a joint session after it stopped being safe")
		}
		if !asks(path) {
			t.Error("the correction form of a joint session does not ask whether it was joint")
		}
	})
}

// amysPage signs in as email and opens the demo parent Amy Foster's page:
// Amy, her page's path, the signed-in client and the page's form token.
// amysFamilyPage signs email in and opens Amy Foster's family's page: the
// family, its path, the signed-in client and the page's CSRF token.
func amysFamilyPage(t *testing.T, e *env, email string) (family.Family, string, *http.Client, string) {
	t.Helper()
	f := demoFamily(t, e, "Amy")
	path := "/families/" + itoa(f.ID)
	c := e.client()
	e.signIn(c, email)
	return f, path, c, csrfFrom(t, e.get(c, path).body)
}

func amysPage(t *testing.T, e *env, email string) (family.Person, string, *http.Client, string) {
	t.Helper()
	amy := parentNamed(demoFamily(t, e, "Amy"), "Amy")
	person := "/people/" + itoa(amy.ID)
	c := e.client()
	e.signIn(c, email)
	return amy, person, c, csrfFrom(t, e.get(c, person).body)
}
