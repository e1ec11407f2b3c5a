package web_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

// A parent leaves the programme while the other carries on: the form's
// problems are shown together with what was typed; once left, their page
// says so (why only to those who may see their confidential details), the
// family's page and the caseload too, nothing is asked of them, and a
// session after the day they left waits for them to rejoin; sent twice,
// the note typed is kept to copy; the other parent cannot leave as well.
func TestParentLeavesAndRejoins(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		f := demoFamily(t, e, "Amy")
		amy := "/people/" + itoa(parentNamed(f, "Amy").ID)
		jordan := "/people/" + itoa(parentNamed(f, "Jordan").ID)
		pc := e.client()
		e.signIn(pc, practitioner)
		page := e.get(pc, amy)
		if !strings.Contains(page.body, `href="`+amy+`?form=leave#leave-form"`) {
			t.Fatal("Amy's page has no link to record that she has left the programme")
		}
		token := csrfFrom(t, page.body)
		today := e.clock.Now()

		// No reason and no such date: both problems at once, the note kept.
		bad := mustForm("csrf_token", token, "left_on", "40", "left_on-month", "13", "left_on-year", "2026", "leave_note", "CANARY-TYPED kept")
		if r := e.post(pc, amy+"/leave", bad); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `href="#leave_reason"`) ||
			!strings.Contains(r.body, `href="#left_on"`) || !strings.Contains(r.body, "CANARY-TYPED kept</textarea>") {
			t.Errorf("leaving with no reason and no such date: %d\n%s", r.status, between(r.body, "govuk-error-summary", "</ul>"))
		}
		leave := dateForm("left_on", today, "csrf_token", token, "leave_reason", "moved_out_of_area", "leave_note", "CANARY-LEAVE moved to her sister's")
		if r := e.post(pc, amy+"/leave", leave); r.status != http.StatusSeeOther {
			t.Fatalf("leaving: %d\n%s", r.status, between(r.body, "govuk-error-summary", "</ul>"))
		}
		// Sent twice: a conflict on her page, the note to copy.
		leave.Set("leave_note", "Typed twice")
		if r := e.post(pc, amy+"/leave", leave); r.status != http.StatusConflict || !strings.Contains(r.body, "has left the programme already") ||
			!strings.Contains(between(r.body, `id="unsaved"`, "</div>"), "Typed twice") {
			t.Errorf("leaving twice: %d", r.status)
		}
		page = e.get(pc, amy)
		away := between(page.body, `id="away-title"`, "</div>\n</div>")
		for _, want := range []string{"left the programme on " + today.Format("2 January 2006") + ": Moved out of area", "CANARY-LEAVE moved to her sister&#39;s",
			`href="` + amy + `?form=rejoin#rejoin-form"`} {
			if !strings.Contains(away, want) {
				t.Errorf("Amy's page, having left, lacks %q:\n%s", want, away)
			}
		}
		if !strings.Contains(page.body, "a session up to that day can still be recorded") {
			t.Error("Amy's page, having left, does not say which sessions can still be recorded")
		}
		if strings.Contains(page.body, "?form=pause") || strings.Contains(page.body, "?form=leave") {
			t.Error("Amy's page, having left, still offers to pause her sessions or record her leaving")
		}
		if fam := e.get(pc, "/families/"+itoa(f.ID)); !strings.Contains(fam.body, "Left the programme") {
			t.Error("the family's page does not say Amy has left the programme")
		}
		e.clock.Advance(30 * 24 * time.Hour)
		e.signIn(pc, practitioner)
		cl := e.get(pc, "/caseload")
		row := cl.body[strings.Index(cl.body, `href="`+amy+`"`):]
		row = row[:strings.Index(row, "</tr>")]
		if !strings.Contains(row, "Left the programme") || strings.Contains(row, "No contact for") || strings.Contains(row, "overdue") {
			t.Errorf("Amy's caseload row, having left:\n%s", row)
		}

		// Jordan's practitioner: that she left and when, never why; Jordan
		// cannot leave too (the case would close instead).
		tc := e.client()
		e.signIn(tc, tom)
		if p := e.get(tc, amy); !strings.Contains(p.body, "Left the programme") || strings.Contains(p.body, "Moved out of area") ||
			strings.Contains(p.body, "CANARY-LEAVE") || !strings.Contains(p.body, "Why is withheld") || strings.Contains(p.body, "form=rejoin") {
			t.Error("Jordan's practitioner does not see that Amy left, or sees why, or may record her rejoining")
		}
		if h := e.get(tc, "/families/"+itoa(f.ID)); !strings.Contains(between(h.body, `id="tasks"`, "</table>"), "Review the risk assessment and safety plan now Amy Foster has left the programme") {
			t.Error("Jordan's practitioner is not asked to review his risk now Amy has left")
		}
		jp := e.get(tc, jordan)
		if r := e.post(tc, jordan+"/leave", dateForm("left_on", e.clock.Now(), "csrf_token", csrfFrom(t, jp.body), "leave_reason", "withdrew")); r.status != http.StatusUnprocessableEntity ||
			!strings.Contains(r.body, "close the family&#39;s case instead") {
			t.Errorf("Jordan leaving as well: %d", r.status)
		}

		// A session after she left waits for her to rejoin.
		page = e.get(pc, amy)
		token = csrfFrom(t, page.body)
		session := dateForm("held_on", e.clock.Now(), "csrf_token", token, "minutes", "60", "mode", "home", "attendance", "attended", "confidential", "no")
		if r := e.post(pc, amy+"/sessions", session); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "record that they have rejoined") {
			t.Errorf("a session after Amy left: %d", r.status)
		}
		if r := e.post(pc, amy+"/rejoin", dateForm("rejoined_on", today.AddDate(0, 0, -1), "csrf_token", token)); r.status != http.StatusUnprocessableEntity ||
			!strings.Contains(r.body, "on or after the day they left") || !strings.Contains(r.body, `id="rejoin-form"`) {
			t.Errorf("rejoining before leaving: %d", r.status)
		}
		if r := e.post(pc, amy+"/rejoin", dateForm("rejoined_on", e.clock.Now(), "csrf_token", token)); r.status != http.StatusSeeOther {
			t.Fatalf("rejoining: %d", r.status)
		}
		if r := e.post(pc, amy+"/sessions", session); r.status != http.StatusSeeOther {
			t.Errorf("a session after Amy rejoined: %d", r.status)
		}
		page = e.get(pc, amy)
		if strings.Contains(page.body, `id="away-title"`) || !strings.Contains(page.body, "until they rejoined on "+e.clock.Now().Format("2 January 2006")) {
			t.Error("Amy's page after she rejoined: still away, or her time away not listed")
		}
	})
}

// The team caseloads count, for each practitioner, the parents not taking
// part: the demo's Ben Green, Megan Hughes's, left the programme.
func TestTeamCaseloadsCountParentsNotTakingPart(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		mc := e.client()
		e.signIn(mc, "ravi.patel@cradle.example")
		team := e.get(mc, "/caseload/team")
		row := between(team.body, ">Megan Hughes</a>", "</tr>")
		cells := regexp.MustCompile(`numeric">(\d+)</td>`).FindAllStringSubmatch(row, -1)
		if team.status != http.StatusOK || !strings.Contains(team.body, ">Not taking part</th>") || len(cells) < 2 || cells[1][1] != "1" {
			t.Errorf("team caseloads: %d; Megan Hughes's row %q, want 1 parent not taking part", team.status, row)
		}
		if row := between(team.body, ">Daniel Okoro</a>", "</tr>"); !strings.Contains(row, `numeric">0</td>`) {
			t.Errorf("Daniel Okoro's row %q: want none not taking part", row)
		}
	})
}

// The demo's Ben Green left the programme while Ellie carries on: his
// outcome measures page lists nothing due (his 12-month measures would be,
// had he stayed), and says why.
func TestMeasuresDueOfAParentWhoLeft(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		f := demoFamily(t, e, "Ellie")
		hc := e.client()
		e.signIn(hc, herts)
		ben := e.get(hc, "/people/"+itoa(parentNamed(f, "Ben").ID)+"/measures")
		if ben.status != http.StatusOK || strings.Contains(ben.body, "Due now") || !strings.Contains(ben.body, "Ben Green has left the programme: no measures are due of them") {
			t.Errorf("Ben's outcome measures: %d, lists measures due or does not say why none are", ben.status)
		}
	})
}

// A parent not ready to start is recorded as joining later: not while
// they have attended a session (the link is not offered, and a post is
// refused saying why); then their page, the family's, the caseload and
// search say "Joining later", the other parent's practitioner sees that
// and not the note, no one is asked to review the other parent's risk,
// and their joining is recorded and listed as joining.
func TestParentJoinsLater(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		f := demoFamily(t, e, "Amy")
		amy := "/people/" + itoa(parentNamed(f, "Amy").ID)
		pc := e.client()
		e.signIn(pc, practitioner)
		page := e.get(pc, amy)
		token := csrfFrom(t, page.body)
		if strings.Contains(page.body, "?form=join-later") {
			t.Error("Amy, who has attended a session, may be recorded as joining later")
		}
		if r := e.post(pc, amy+"/join-later", mustForm("csrf_token", token, "join_later_note", "CANARY-TYPED first try")); r.status != http.StatusUnprocessableEntity ||
			!strings.Contains(r.body, "has attended a session already") || !strings.Contains(r.body, `href="#join_later_note"`) || !strings.Contains(r.body, "CANARY-TYPED first try</textarea>") {
			t.Errorf("Amy joining later, having attended: %d\n%s", r.status, between(r.body, "govuk-error-summary", "</ul>"))
		}
		// Her sessions were recorded on the wrong record: removed, she has
		// not started.
		for _, sid := range regexp.MustCompile(regexp.QuoteMeta(amy)+`/sessions/(\d+)"`).FindAllStringSubmatch(page.body, -1) {
			if r := e.post(pc, amy+"/sessions/"+sid[1]+"/remove", mustForm("csrf_token", token, "version", "1", "remove_why", "Recorded on the wrong record")); r.status != http.StatusSeeOther {
				t.Fatalf("removing session %s: %d", sid[1], r.status)
			}
		}
		page = e.get(pc, amy)
		if !strings.Contains(page.body, `href="`+amy+`?form=join-later#join-later-form"`) {
			t.Fatal("Amy's page, with no session attended, has no link to record that she will join later")
		}
		if r := e.get(pc, amy+"?form=join-later"); !strings.Contains(r.body, `action="`+amy+`/join-later"`) {
			t.Error("the joining later form does not open")
		}
		join := mustForm("csrf_token", token, "join_later_note", "CANARY-JOIN wants to start after the birth")
		if r := e.post(pc, amy+"/join-later", join); r.status != http.StatusSeeOther {
			t.Fatalf("joining later: %d\n%s", r.status, between(r.body, "govuk-error-summary", "</ul>"))
		}
		join.Set("join_later_note", "Typed twice")
		if r := e.post(pc, amy+"/join-later", join); r.status != http.StatusConflict || !strings.Contains(between(r.body, `id="unsaved"`, "</div>"), "Typed twice") {
			t.Errorf("joining later twice: %d", r.status)
		}
		page = e.get(pc, amy)
		away := between(page.body, `id="away-title"`, "</div>\n</div>")
		for _, want := range []string{"Joining later", "Amy Foster has not started the programme yet, and will join later", "CANARY-JOIN wants to start after the birth",
			`href="` + amy + `?form=rejoin#rejoin-form"`, "Record that Amy Foster has joined"} {
			if !strings.Contains(away, want) {
				t.Errorf("Amy's page, joining later, lacks %q:\n%s", want, away)
			}
		}
		if strings.Contains(away, "left the programme") || strings.Contains(page.body, "?form=leave") || strings.Contains(page.body, "?form=join-later") {
			t.Error("Amy's page, joining later, says she left, or offers to record her leaving or joining later")
		}
		if r := e.get(pc, amy+"?form=rejoin"); !strings.Contains(r.body, "Date they joined") || !strings.Contains(r.body, "Record that they have joined") {
			t.Error("the joining form does not speak of joining")
		}
		if fam := e.get(pc, "/families/"+itoa(f.ID)); !strings.Contains(fam.body, "Joining later") || strings.Contains(fam.body, "Left the programme") {
			t.Error("the family's page does not say Amy is joining later")
		}
		cl := e.get(pc, "/caseload")
		row := cl.body[strings.Index(cl.body, `href="`+amy+`"`):]
		row = row[:strings.Index(row, "</tr>")]
		if !strings.Contains(row, "Joining later") || strings.Contains(row, "Left the programme") {
			t.Errorf("Amy's caseload row, joining later:\n%s", row)
		}
		if r := e.get(pc, "/search?q=Amy+Foster"); !strings.Contains(r.body, "Joining later") {
			t.Error("search does not say Amy is joining later")
		}

		tc := e.client()
		e.signIn(tc, tom)
		if p := e.get(tc, amy); !strings.Contains(p.body, "Amy Foster has not started the programme yet") || strings.Contains(p.body, "CANARY-JOIN") ||
			strings.Contains(p.body, "Why is withheld") || strings.Contains(p.body, "form=rejoin") {
			t.Error("Jordan's practitioner does not see that Amy is joining later, or sees the note, or may record her joining")
		}
		if h := e.get(tc, "/families/"+itoa(f.ID)); strings.Contains(h.body, "Review the risk assessment and safety plan now Amy Foster") {
			t.Error("Jordan's practitioner is asked to review his risk because Amy is joining later")
		}

		session := dateForm("held_on", e.clock.Now(), "csrf_token", token, "minutes", "60", "mode", "home", "attendance", "attended", "confidential", "no")
		if r := e.post(pc, amy+"/sessions", session); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "record that they have joined") {
			t.Errorf("a session while Amy is joining later: %d", r.status)
		}
		if r := e.post(pc, amy+"/rejoin", dateForm("rejoined_on", e.clock.Now().AddDate(0, 0, 1), "csrf_token", token)); r.status != http.StatusUnprocessableEntity ||
			!strings.Contains(r.body, "The date the parent joined must be today or in the past") {
			t.Errorf("joining tomorrow: %d", r.status)
		}
		if r := e.post(pc, amy+"/rejoin", dateForm("rejoined_on", e.clock.Now(), "csrf_token", token)); r.status != http.StatusSeeOther {
			t.Fatalf("joining: %d", r.status)
		}
		page = e.get(pc, amy)
		if strings.Contains(page.body, `id="away-title"`) || !strings.Contains(page.body, "until they joined on "+e.clock.Now().Format("2 January 2006")) {
			t.Error("Amy's page after she joined: still away, or her wait not listed")
		}
	})
}
