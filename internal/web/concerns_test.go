package web_test

import (
	"context"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/audit"
	"github.com/cradle-org/cradle/internal/mail/smtptest"
	"github.com/cradle-org/cradle/internal/safeguarding"
	"github.com/cradle-org/cradle/internal/store"
	"github.com/cradle-org/cradle/internal/web"
)

// raiseConcern raises a concern about Amy as her practitioner and returns its page path.
func raiseConcern(t *testing.T, e *env, danger string) string {
	t.Helper()
	f := demoFamily(t, e, "Amy")
	amy := parentNamed(f, "Amy")
	pc := e.client()
	e.signIn(pc, practitioner)
	form := e.get(pc, "/families/"+itoa(f.ID)+"/concerns/new?person="+itoa(amy.ID))
	if form.status != 200 || !strings.Contains(form.body, "call 999 now") {
		t.Fatalf("concern form: %d", form.status)
	}
	token := csrfFrom(t, form.body)
	bad := e.post(pc, "/families/"+itoa(f.ID)+"/concerns", mustForm("csrf_token", token, "person", itoa(amy.ID), "about", "  "))
	if bad.status != http.StatusUnprocessableEntity || !strings.Contains(bad.body, "There is a problem") {
		t.Fatalf("empty concern: %d", bad.status)
	}
	r := e.post(pc, "/families/"+itoa(f.ID)+"/concerns", mustForm("csrf_token", token, "person", itoa(amy.ID), "immediate_danger", danger,
		"at_risk", "parent", "about", "CANARY-CONCERN Amy says Jordan threatened her last night."))
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.location, "/concerns/") {
		t.Fatalf("raise concern: %d %s\n%s", r.status, r.location, r.body)
	}
	page := e.get(pc, r.location)
	if danger == "yes" && (!strings.Contains(page.body, "Someone is in immediate danger") || !strings.Contains(page.body, "999")) {
		t.Error("immediate danger does not show the emergency contacts first")
	}
	return strings.SplitN(r.location, "?", 2)[0]
}

// amyNamed is Amy's name as a word in a page: not inside a random token,
// whose letters, digits, "-" and "_" never hold a space or a tag's edge.
var amyNamed = regexp.MustCompile(`[\s>"(]Amy[\s<,.'"):]`)

func TestConcernGoesToDSLsAndIsDecided(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		smtp := smtptest.Start(t)
		path := raiseConcern(t, e, "yes")
		// Every DSL gets an alert and an email that holds no details.
		msgs := deliver(t, e, smtp)
		if len(msgs) != 1 || msgs[0].To[0] != ruth {
			t.Fatalf("concern emails: %+v", msgs)
		}
		if strings.Contains(string(msgs[0].Data), "CANARY") || strings.Contains(string(msgs[0].Data), "Amy") || !strings.Contains(msgs[0].Body, path) {
			t.Errorf("concern email carries details or lacks the link:\n%s", msgs[0].Body)
		}
		dc := e.client()
		e.signIn(dc, ruth)
		home := e.get(dc, "/home")
		if !strings.Contains(home.body, "1 new safeguarding alert") {
			t.Error("the DSL has no in-app alert")
		}
		dash := e.get(dc, "/concerns")
		if !strings.Contains(dash.body, "Immediate danger") || !strings.Contains(dash.body, path) {
			t.Errorf("DSL dashboard lacks the concern")
		}
		// A page past the end is the last page; each view is on the log.
		if past := e.get(dc, "/concerns?page=40"); past.status != 200 || !strings.Contains(past.body, path) {
			t.Errorf("a page past the end: %d, want the last page with the concern", past.status)
		}
		if es, err := e.db.AuditEntries(context.Background(), store.AuditFilter{Actions: []string{"concern.dashboard.view"}}); err != nil || len(es) != 2 {
			t.Errorf("dashboard views on the audit log: %d (%v), want 2", len(es), err)
		}
		page := e.get(dc, path)
		if !strings.Contains(page.body, "CANARY-CONCERN") || !strings.Contains(page.body, "Record decision") {
			t.Fatalf("DSL concern page: %d", page.status)
		}
		if strings.Contains(page.body, "new safeguarding alert") {
			t.Error("the concern's own page shows the alert banner")
		}
		// Opening the concern saw its alert: the next page has no banner.
		if next := e.get(dc, "/home"); strings.Contains(next.body, "new safeguarding alert") {
			t.Error("the alert banner stays after the concern was opened")
		}
		token := csrfFrom(t, page.body)
		// No reasons, an action without an owner: clear messages, typed text kept.
		bad := e.post(dc, path+"/decision", mustForm("csrf_token", token, "decision", "police", "actions[0].what", "Call the police liaison officer",
			"actions[0].due-day", itoa(int64(e.clock.Now().Day())), "actions[0].due-month", itoa(int64(e.clock.Now().Month())), "actions[0].due-year", itoa(int64(e.clock.Now().Year()))))
		if bad.status != http.StatusUnprocessableEntity || !strings.Contains(bad.body, "Call the police liaison officer") {
			t.Fatalf("decision without reasons: %d\n%s", bad.status, bad.body)
		}
		for _, want := range []string{"reasons", "Choose who owns this action"} {
			if !strings.Contains(bad.body, want) {
				t.Errorf("decision errors lack %q", want)
			}
		}
		tom, _ := e.db.StaffByEmail(context.Background(), tom)
		helen, _ := e.db.StaffByEmail(context.Background(), manager)
		// Amy's phone number in an action Tom (Jordan's practitioner) would
		// own: refused on the action, as he may not see it.
		leak := e.post(dc, path+"/decision", mustForm("csrf_token", token, "decision", "police", "reasons", "Threat to kill reported.",
			"actions[0].what", "Ring Amy on 07700 900101 tonight", "actions[0].owner", itoa(tom.ID),
			"actions[0].due-day", itoa(int64(e.clock.Now().Day())), "actions[0].due-month", itoa(int64(e.clock.Now().Month())), "actions[0].due-year", itoa(int64(e.clock.Now().Year()))))
		if leak.status != http.StatusUnprocessableEntity || !strings.Contains(leak.body, "This mentions Amy Foster&#39;s phone number, which Tom Elliott, who owns the action, may not see") ||
			!strings.Contains(leak.body, "Ring Amy on 07700 900101 tonight") {
			t.Fatalf("Amy's phone number in Tom's action: %d", leak.status)
		}
		ok := e.post(dc, path+"/decision", mustForm("csrf_token", token, "decision", "police", "reasons", "Threat to kill reported; police informed at once.",
			"actions[0].what", "Call the police liaison officer", "actions[0].owner", itoa(tom.ID),
			"actions[0].due-day", itoa(int64(e.clock.Now().Day())), "actions[0].due-month", itoa(int64(e.clock.Now().Month())), "actions[0].due-year", itoa(int64(e.clock.Now().Year())),
			"actions[1].what", "CANARY-OTHER-ACTION Tell the MASH", "actions[1].owner", itoa(helen.ID),
			"actions[1].due-day", itoa(int64(e.clock.Now().Day())), "actions[1].due-month", itoa(int64(e.clock.Now().Month())), "actions[1].due-year", itoa(int64(e.clock.Now().Year()))))
		if ok.status != http.StatusSeeOther {
			t.Fatalf("decision: %d\n%s", ok.status, ok.body)
		}
		decided := e.get(dc, path)
		if !strings.Contains(decided.body, "Police") || !strings.Contains(decided.body, "Call the police liaison officer") || !strings.Contains(decided.body, "Close the concern") {
			t.Error("decided concern page")
		}
		// Decided again (a double click, or another lead a moment before):
		// the concern as decided, saying so, with what was typed to copy.
		again := e.post(dc, path+"/decision", mustForm("csrf_token", token, "decision", "children_social_care", "reasons", "CANARY-TYPED second lead's reasons",
			"actions[0].what", "CANARY-TYPED ring the MASH"))
		if unsaved := between(again.body, `id="unsaved"`, "</div>"); again.status != http.StatusConflict || !strings.Contains(again.body, "This concern has already been decided") ||
			!strings.Contains(unsaved, "CANARY-TYPED second lead&#39;s reasons") || !strings.Contains(unsaved, "CANARY-TYPED ring the MASH") || !strings.Contains(again.body, "Close the concern") {
			t.Errorf("a second decision: %d\n%s", again.status, between(again.body, "govuk-error-summary", "</main>"))
		}
		if r := e.post(dc, path+"/close", mustForm("csrf_token", token, "outcome", "")); r.status != http.StatusUnprocessableEntity {
			t.Errorf("close without outcome: %d", r.status)
		}
		if r := e.post(dc, path+"/close", mustForm("csrf_token", token, "outcome", "Police visited; Amy and the baby are safe; plan updated.")); r.status != http.StatusSeeOther {
			t.Errorf("close: %d", r.status)
		}
		// The co-parent's practitioner owns an action: they were emailed
		// (a link, nothing more), their task leads to the concern, and
		// there they see their action and the decision, nothing else of
		// the concern: not what it is about, whom, its reasons or outcome.
		if msgs := deliver(t, e, smtp); len(msgs) != 3 || msgs[1].To[0] != "tom.elliott@cradle.example" || msgs[2].To[0] != manager ||
			!strings.Contains(msgs[1].Body, path) || strings.Contains(string(msgs[1].Data), "CANARY") || strings.Contains(string(msgs[1].Data), "liaison") {
			t.Errorf("emails after the decision: %+v", msgs)
		}
		tc := e.client()
		e.signIn(tc, "tom.elliott@cradle.example")
		if cl := e.get(tc, "/caseload"); !strings.Contains(between(cl.body, `id="tasks"`, "</table>"), `href="`+path+`"`) {
			t.Errorf("Tom's task does not lead to the concern:\n%s", between(cl.body, `id="tasks"`, "</table>"))
		}
		own := e.get(tc, path)
		if own.status != http.StatusOK || !strings.Contains(own.body, "Call the police liaison officer") || !strings.Contains(own.body, "Your follow-up action") {
			t.Fatalf("the action's owner reading the concern: %d\n%s", own.status, own.body)
		}
		for _, secret := range []string{"CANARY-CONCERN", "Threat to kill", "Police visited", "Who was alerted", "CANARY-OTHER-ACTION"} {
			if strings.Contains(own.body, secret) {
				t.Errorf("the action's owner sees %q on the concern", secret)
			}
		}
		// Amy's name as a word: a random token on the page (the form's
		// CSRF token, say) may hold the letters.
		if amyNamed.MatchString(own.body) {
			t.Error(`the action's owner sees "Amy" on the concern`)
		}
	})
}

func TestOverdueConcernEscalatesHourly(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		raiseConcern(t, e, "no")
		ctx := context.Background()
		s, err := web.New(e.db, nil, web.Config{Now: e.clock.Now, PasswordParams: testPasswordParams})
		if err != nil {
			t.Fatal(err)
		}
		notify := s.EscalationNotifier()
		if n, err := e.db.EscalateOverdue(ctx, time.Hour, notify); err != nil || n != 0 {
			t.Fatalf("before the deadline: %d, %v", n, err)
		}
		concerns, _, _ := e.db.OpenConcerns(ctx, mustActor(t, e, ruth), 0, 50)
		due := concerns[0].DueAt
		e.clock.Set(due.Add(59 * time.Minute))
		if n, _ := e.db.EscalateOverdue(ctx, time.Hour, notify); n != 0 {
			t.Errorf("59 minutes after the deadline: %d escalations, want 0", n)
		}
		e.clock.Set(due.Add(time.Hour))
		if n, _ := e.db.EscalateOverdue(ctx, time.Hour, notify); n != 1 {
			t.Errorf("an hour after the deadline: %d escalations, want 1", n)
		}
		if n, _ := e.db.EscalateOverdue(ctx, time.Hour, notify); n != 0 {
			t.Errorf("run again at once (a restart): %d escalations, want 0", n)
		}
		e.clock.Set(due.Add(4*time.Hour + 10*time.Minute))
		if n, _ := e.db.EscalateOverdue(ctx, time.Hour, notify); n != 1 {
			t.Errorf("after missed hours: %d escalations, want one catch-up", n)
		}
		// Escalations reach the DSL and the area's team managers.
		mgr, _ := e.db.StaffByEmail(ctx, manager)
		if n, _ := e.db.UnseenAlerts(ctx, mgr.ID); n != 2 {
			t.Errorf("team manager alerts = %d, want 2 escalations", n)
		}
		dsl, _ := e.db.StaffByEmail(ctx, ruth)
		if n, _ := e.db.UnseenAlerts(ctx, dsl.ID); n != 3 {
			t.Errorf("DSL alerts = %d, want 1 new + 2 escalations", n)
		}
		if counts, _ := e.db.MailCounts(ctx); counts["pending"] != 1+2+2 {
			t.Errorf("emails queued = %v, want 5 (1 new, 2 escalations to 2 people)", counts)
		}
		es, _ := e.db.AuditEntries(ctx, store.AuditFilter{Actions: []string{"concern.escalate"}})
		if len(es) != 2 {
			t.Errorf("escalations audited = %d, want 2", len(es))
		}
	})
}

func TestKeyContactsEditedByAdministrators(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ac := e.client()
		e.signIn(ac, admin)
		page := e.get(ac, "/admin/contacts")
		token := csrfFrom(t, page.body)
		bad := e.post(ac, "/admin/contacts", mustForm("csrf_token", token, "area", "0", "contacts[0].name", "Police", "contacts[0].number", "nine nine nine"))
		if bad.status != http.StatusUnprocessableEntity || !strings.Contains(bad.body, "digits") || !strings.Contains(bad.body, "nine nine nine") {
			t.Fatalf("bad number: %d", bad.status)
		}
		// An area that is not one (a form changed by hand, an old page):
		// said, what was typed kept, nothing saved for every area instead.
		for _, area := range []string{"987654", "99999999999999999999", "Blackpool"} {
			r := e.post(ac, "/admin/contacts", mustForm("csrf_token", token, "area", area, "contacts[0].name", "Rogue line", "contacts[0].number", "0800 111"))
			if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Select an area from the list") || !strings.Contains(r.body, "Rogue line") {
				t.Errorf("contacts for area %q: %d", area, r.status)
			}
		}
		if p := e.get(e.client(), "/"); strings.Contains(p.body, "Rogue line") {
			t.Error("contacts for no area were saved")
		}
		ok := e.post(ac, "/admin/contacts", mustForm("csrf_token", token, "area", "0", "contacts[0].name", "Police", "contacts[0].number", "999",
			"contacts[0].note", "in an emergency", "contacts[1].name", "Local refuge line", "contacts[1].number", "0800 000 1234", "contacts[1].note", "24 hours"))
		if ok.status != http.StatusSeeOther {
			t.Fatalf("save contacts: %d", ok.status)
		}
		if p := e.get(e.client(), "/"); !strings.Contains(p.body, "Local refuge line: 0800 000 1234") {
			t.Error("the public page does not show the edited contacts")
		}
		pc := e.client()
		e.signIn(pc, practitioner)
		// Signed-in pages read the contacts only where they show them: the
		// safeguarding page does, the caseload does not.
		if p := e.get(pc, "/safeguarding"); p.status != http.StatusOK || !strings.Contains(p.body, "Local refuge line: 0800 000 1234") {
			t.Errorf("the safeguarding page, signed in (%d), does not show the edited contacts", p.status)
		}
		if p := e.get(pc, "/caseload"); strings.Contains(p.body, "Local refuge line") {
			t.Error("the caseload shows the emergency contacts")
		}
		if r := e.get(pc, "/admin/contacts"); r.status != http.StatusForbidden {
			t.Errorf("practitioner editing contacts: %d", r.status)
		}
	})
}

// TestConcernPageSaysWhoWasAlerted: whoever raised a concern sees how many
// safeguarding leads were alerted and how the emails went, with a warning
// to phone a lead while it waits for a decision if no lead was alerted (the
// area's team managers are, instead) or an email did not go; and when
// someone alerted first opened it.
func TestConcernPageSaysWhoWasAlerted(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		srv := smtptest.Start(t)
		pc := e.client()
		e.signIn(pc, practitioner)
		expect := func(path string, want []string, not ...string) {
			t.Helper()
			page := e.get(pc, path)
			for _, w := range want {
				if !strings.Contains(page.body, w) {
					t.Errorf("%s lacks %q", path, w)
				}
			}
			for _, w := range not {
				if strings.Contains(page.body, w) {
					t.Errorf("%s shows %q", path, w)
				}
			}
		}
		const warning = "govuk-warning-text"

		// Raised: the one lead (Ruth) alerted; the email waits.
		first := raiseConcern(t, e, "no")
		expect(first+"?raised=1", []string{"The concern is raised. The designated safeguarding lead has been alerted.", "Who was alerted",
			"One designated safeguarding lead was alerted in Cradle when it was raised.", "No one it alerted has opened it yet.",
			"Emails about this concern", "1 waiting"}, warning)
		// Refused for now: a warning to phone if it cannot wait.
		srv.FailNext(1, 451)
		deliver(t, e, srv)
		expect(first, []string{warning, "The email alert has not yet gone to the safeguarding lead", "refused for now", "Why: "})
		// Sent at the next try: no warning.
		e.clock.Advance(2 * time.Minute)
		if msgs := deliver(t, e, srv); len(msgs) != 1 {
			t.Fatalf("%d alerts delivered at the next try, want 1", len(msgs))
		}
		expect(first, []string{"1 sent"}, warning, "Why: ")
		// Ruth opens it: whoever raised it sees that she has.
		dc := e.client()
		e.signIn(dc, ruth)
		e.get(dc, first)
		expect(first, []string{"First opened by someone it alerted on"}, "No one it alerted has opened it yet.")

		// Refused for good.
		second := raiseConcern(t, e, "no")
		srv.FailNext(1, 550)
		deliver(t, e, srv)
		expect(second, []string{warning, "The email alert could not be sent to the safeguarding lead. They see the alert when they next sign in", "1 not sent"})

		// No lead has an active account: no success, a warning to phone.
		f := demoFamily(t, e, "Amy")
		if err := e.db.Update(audit.WithSource(context.Background(), audit.Source{Actor: "test"}), func(tx *store.Tx) error {
			_, err := tx.DisableStaff(ruth)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		form := e.get(pc, "/families/"+itoa(f.ID)+"/concerns/new")
		r := e.post(pc, "/families/"+itoa(f.ID)+"/concerns", mustForm("csrf_token", csrfFrom(t, form.body), "immediate_danger", "no",
			"at_risk", "parent", "about", "Amy says Jordan followed her home."))
		if r.status != http.StatusSeeOther {
			t.Fatalf("raising a concern with no lead: %d\n%s", r.status, r.body)
		}
		third := r.location
		// The area's team manager (Helen) is alerted instead, in Cradle and by email.
		expect(third, []string{warning, "No designated safeguarding lead had an active account in Cradle when this concern was raised, so the area&#39;s team managers were alerted instead.",
			"No designated safeguarding lead was alerted when it was raised; the area's team manager was, in Cradle, instead.", "Emails about this concern"}, "The concern is raised.")
		mc := e.client()
		e.signIn(mc, manager)
		if home := e.get(mc, "/home"); !strings.Contains(home.body, "1 new safeguarding alert") {
			t.Error("the area's team manager was not alerted in Cradle when there was no lead")
		}
	})
}

// TestPractitionerFollowsTheirConcerns: a practitioner reaches the concerns
// they raised from the menu, and sees only theirs.
func TestPractitionerFollowsTheirConcerns(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		path := raiseConcern(t, e, "no")
		pc := e.client()
		e.signIn(pc, practitioner)
		home := e.get(pc, "/home")
		if !strings.Contains(between(home.body, "govuk-service-navigation", "</nav>"), `href="/concerns"`) {
			t.Fatal("a practitioner's menu has no way to the concerns they raised")
		}
		list := e.get(pc, "/concerns")
		if list.status != 200 || !strings.Contains(list.body, "The concerns you raised: a designated safeguarding lead decides each one") || !strings.Contains(list.body, `href="`+path+`"`) {
			t.Errorf("the practitioner's list (%d) lacks the concern they raised", list.status)
		}
		// The co-parent's practitioner raised none: none listed.
		tc := e.client()
		e.signIn(tc, "tom.elliott@cradle.example")
		if other := e.get(tc, "/concerns"); other.status != 200 || strings.Contains(other.body, `href="/concerns/`) {
			t.Errorf("another practitioner's list (%d) shows a concern they did not raise", other.status)
		}

		// Decided and closed, it leaves the open list for the list of those
		// closed in the last year, where whoever raised it follows it to
		// its outcome.
		id, _ := strconv.ParseInt(strings.TrimPrefix(path, "/concerns/"), 10, 64)
		lead := mustActor(t, e, ruth)
		if err := e.db.DecideConcern(context.Background(), lead, id, safeguarding.DecisionInput{Decision: safeguarding.Advice, Reasons: "Advice to the practitioner."}, nil); err != nil {
			t.Fatal(err)
		}
		if err := e.db.CloseConcern(context.Background(), lead, id, "Advice given; the plan was updated."); err != nil {
			t.Fatal(err)
		}
		if open := e.get(pc, "/concerns"); strings.Contains(open.body, `href="`+path+`"`) {
			t.Error("a closed concern is still on the open list")
		}
		closed := e.get(pc, "/concerns?show=closed")
		row := between(closed.body, `href="`+path+`"`, "</tr>")
		if closed.status != 200 || row == "" || !strings.Contains(row, "Advice") || !strings.Contains(closed.body, `href="/concerns?show=closed" aria-current="page"`) ||
			!strings.Contains(closed.body, "1 concern closed since") {
			t.Errorf("the practitioner's closed list (%d) lacks the concern they raised, or its decision: %q", closed.status, row)
		}
		if other := e.get(tc, "/concerns?show=closed"); other.status != 200 || strings.Contains(other.body, `href="/concerns/`) ||
			!strings.Contains(other.body, "No safeguarding concern for you to see was closed in the last year") {
			t.Errorf("another practitioner's closed list (%d) shows a concern they did not raise", other.status)
		}
		// A year on, it is no longer listed.
		e.clock.Advance(367 * 24 * time.Hour)
		if later := e.get(pc, "/concerns?show=closed"); strings.Contains(later.body, `href="`+path+`"`) {
			t.Error("a concern closed over a year ago is still listed")
		}
	})
}

// A closed case's page still offers to raise a concern (a worry can come
// after a case closes), saying it goes to the leads at once.
func TestClosedFamilyOffersAConcern(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		_, fid := findPerson(t, e, "Mark Hill")
		mc := e.client()
		e.signIn(mc, manager)
		page := e.get(mc, "/families/"+itoa(fid))
		if page.status != 200 || !strings.Contains(page.body, `href="/families/`+itoa(fid)+`/concerns/new"`) ||
			!strings.Contains(page.body, "the case is closed, but a concern raised now still goes to the safeguarding leads at once") {
			t.Errorf("the closed family's page (%d) does not offer to raise a concern", page.status)
		}
	})
}

// TestConcernFromAReferral: a practitioner reading a referral in screening
// raises a concern from it (the form's problems named, what was typed
// kept); the leads are emailed; the referral's page lists it for its
// manager; once the referral is accepted the concern is the new family's.
func TestConcernFromAReferral(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		smtp := smtptest.Start(t)
		r := e.post(e.client(), "/refer/professional", professionalForm(e))
		if r.status != http.StatusSeeOther {
			t.Fatalf("submit: %d\n%s", r.status, r.body)
		}
		ref := referenceIn(t, r.location)
		id := queueID(t, e, manager, ref)
		path := "/referrals/" + itoa(id)
		pc := e.client()
		e.signIn(pc, practitioner)
		page := e.get(pc, path)
		if page.status != http.StatusOK || !strings.Contains(page.body, `href="`+path+`/concerns/new"`) {
			t.Fatalf("the referral's page offers no concern: %d\n%s", page.status, page.body)
		}
		form := e.get(pc, path+"/concerns/new")
		if form.status != http.StatusOK || !strings.Contains(form.body, "Referral "+ref) || !strings.Contains(form.body, `action="`+path+`/concerns"`) ||
			!strings.Contains(form.body, "Back to referral "+ref) {
			t.Fatalf("the concern form from a referral: %d\n%s", form.status, form.body)
		}
		token := csrfFrom(t, form.body)
		bad := e.post(pc, path+"/concerns", mustForm("csrf_token", token, "at_risk", "baby", "about", "CANARY-REFERRAL The referrer heard a threat to the baby."))
		if bad.status != http.StatusUnprocessableEntity || !strings.Contains(bad.body, `href="#immediate_danger"`) || !strings.Contains(bad.body, "CANARY-REFERRAL The referrer heard") ||
			!strings.Contains(bad.body, "Referral "+ref) {
			t.Fatalf("a concern without its danger answer: %d\n%s", bad.status, bad.body)
		}
		ok := e.post(pc, path+"/concerns", mustForm("csrf_token", token, "immediate_danger", "no", "at_risk", "baby", "about", "CANARY-REFERRAL The referrer heard a threat to the baby."))
		if ok.status != http.StatusSeeOther || !strings.HasPrefix(ok.location, "/concerns/") {
			t.Fatalf("raising the concern: %d %q\n%s", ok.status, ok.location, ok.body)
		}
		concern := strings.SplitN(ok.location, "?", 2)[0]
		if cp := e.get(pc, ok.location); !strings.Contains(cp.body, "Raised from referral") || !strings.Contains(cp.body, `href="`+path+`"`) {
			t.Errorf("the concern's page does not name its referral:\n%s", cp.body)
		}
		msgs := deliver(t, e, smtp)
		if len(msgs) != 2 || msgs[1].To[0] != dsl || strings.Contains(string(msgs[1].Data), "CANARY") || !strings.Contains(msgs[1].Body, concern) {
			t.Errorf("emails after the concern (the acknowledgement, then the lead's alert): %+v", msgs)
		}
		mc := e.client()
		e.signIn(mc, manager)
		if q := e.get(mc, "/referrals?status=new"); !strings.Contains(between(q.body, `href="`+path+`"`, "</td>"), "Safeguarding concern open") {
			t.Errorf("the queue does not flag the referral's open concern:\n%s", between(q.body, `href="`+path+`"`, "</td>"))
		}
		rp := e.get(mc, path)
		if !strings.Contains(rp.body, `href="`+concern+`"`) || strings.Contains(between(rp.body, `id="concerns"`, "</table>"), "CANARY-REFERRAL") {
			t.Errorf("the referral's page for its manager does not list the concern (or shows its text):\n%s", between(rp.body, `id="concerns"`, "</table>"))
		}
		cid, _ := strconv.ParseInt(strings.TrimPrefix(concern, "/concerns/"), 10, 64)
		acc := e.post(mc, path+"/decision", mustForm("csrf_token", csrfFrom(t, rp.body), "outcome", "accept", "detail", "Meets the criteria.", "link1", "0", "link2", "0"))
		if acc.status != http.StatusSeeOther || !strings.HasPrefix(acc.location, "/families/") {
			t.Fatalf("accepting: %d %q", acc.status, acc.location)
		}
		famID, _ := strconv.ParseInt(strings.TrimPrefix(acc.location, "/families/"), 10, 64)
		c, err := e.db.ReadConcern(context.Background(), mustActor(t, e, dsl), cid)
		if err != nil || c.FamilyID != famID || c.ReferralID != 0 {
			t.Errorf("after acceptance the concern is family %d's, referral %d's (%v), want family %d's", c.FamilyID, c.ReferralID, err, famID)
		}
		// Raising from the accepted referral now goes to the family's form.
		if r := e.get(mc, path+"/concerns/new"); r.status != http.StatusSeeOther || r.location != acc.location+"/concerns/new" {
			t.Errorf("the concern form of an accepted referral: %d %q", r.status, r.location)
		}
	})
}
