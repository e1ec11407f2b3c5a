package web_test

import (
	"net/http"
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
