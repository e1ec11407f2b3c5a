package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/cradle-org/cradle/internal/mail/smtptest"
	"github.com/cradle-org/cradle/internal/store"
)

// A team manager moves a practitioner's parents to others at once (Priya
// leaving, say): from the team's caseloads, a choice for each parent that
// never offers the other parent's practitioner; a choice refused, or none
// at all, is shown on the form with what was chosen kept and nothing
// moved; then every parent chosen moves, as the allocation page moves
// one, and those whose work changed are emailed. A DSL and a practitioner
// are refused the page.
func TestMoveAPractitionersParents(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		smtp := smtptest.Start(t)
		ctx := context.Background()
		amyFamily, jessFamily := demoFamily(t, e, "Amy"), demoFamily(t, e, "Jess")
		amy, jess := parentNamed(amyFamily, "Amy"), parentNamed(jessFamily, "Jess")
		priya, tomS, graceS := mustActor(t, e, practitioner), mustActor(t, e, tom), mustActor(t, e, grace)
		page := "/caseload/team/move?from=" + itoa(priya.StaffID)
		mc := e.client()
		e.signIn(mc, manager)
		if team := e.get(mc, "/caseload/team"); !strings.Contains(team.body, `href="`+strings.ReplaceAll(page, "&", "&amp;")+`"`) {
			t.Fatal("the team's caseloads do not offer to move Priya's parents")
		}
		// The page's own address asks whose parents to move.
		if ch := e.get(mc, "/caseload/team/move"); ch.status != http.StatusOK || !strings.Contains(ch.body, "Whose parents are you moving?") ||
			!strings.Contains(ch.body, `<option value="`+itoa(priya.StaffID)+`">Priya Shah (`) {
			t.Errorf("the move page without a practitioner: %d", ch.status)
		}
		form := e.get(mc, page)
		if form.status != http.StatusOK || !strings.Contains(form.body, "Move Priya Shah&#39;s parents") {
			t.Fatalf("the move page: %d", form.status)
		}
		amySel := between(form.body, `id="practitioner_`+itoa(amy.ID)+`"`, "</select>")
		if !strings.Contains(amySel, "Stays with Priya Shah") || !strings.Contains(amySel, `value="`+itoa(graceS.StaffID)+`"`) ||
			strings.Contains(amySel, `value="`+itoa(tomS.StaffID)+`"`) || strings.Contains(amySel, `value="`+itoa(priya.StaffID)+`"`) {
			t.Errorf("Amy's choices offer Jordan's practitioner or Priya, or not Grace:\n%s", amySel)
		}
		token := csrfFrom(t, form.body)
		post := func(kv ...string) resp {
			return e.post(mc, "/caseload/team/move", mustForm(append([]string{"csrf_token", token, "from", itoa(priya.StaffID)}, kv...)...))
		}
		if r := e.post(mc, "/caseload/team/move", mustForm("csrf_token", token)); r.status != http.StatusNotFound {
			t.Errorf("moving with no practitioner named: %d", r.status)
		}
		// Nothing chosen.
		if r := post(); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Choose a practitioner for at least one parent") {
			t.Errorf("nothing chosen: %d", r.status)
		}
		// Amy to Jordan's practitioner (posted by hand): refused on her
		// row, Jess's choice kept, nothing moved.
		r := post("practitioner_"+itoa(amy.ID), itoa(tomS.StaffID), "practitioner_"+itoa(jess.ID), itoa(tomS.StaffID))
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `href="#practitioner_`+itoa(amy.ID)+`"`) ||
			!strings.Contains(between(r.body, `id="practitioner_`+itoa(jess.ID)+`"`, "</select>"), `value="`+itoa(tomS.StaffID)+`" selected`) {
			t.Errorf("Amy to Jordan's practitioner: %d\n%s", r.status, between(r.body, "govuk-error-summary", "</div>"))
		}
		if f, _ := e.db.ReadFamily(ctx, mustActor(t, e, manager), jessFamily.ID); parentNamed(f, "Jess").PractitionerID != priya.StaffID {
			t.Error("Jess moved although Amy's move was refused")
		}

		// Amy to Grace, Jess to Tom.
		if r := post("practitioner_"+itoa(amy.ID), itoa(graceS.StaffID), "practitioner_"+itoa(jess.ID), itoa(tomS.StaffID)); r.status != http.StatusSeeOther ||
			r.location != "/caseload?practitioner="+itoa(priya.StaffID) {
			t.Fatalf("moving Amy and Jess: %d %s\n%s", r.status, r.location, between(r.body, "govuk-error-summary", "</div>"))
		}
		for _, c := range []struct {
			familyID int64
			given    string
			want     int64
		}{{amyFamily.ID, "Amy", graceS.StaffID}, {jessFamily.ID, "Jess", tomS.StaffID}} {
			f, err := e.db.ReadFamily(ctx, mustActor(t, e, manager), c.familyID)
			if err != nil {
				t.Fatal(err)
			}
			if got := parentNamed(f, c.given).PractitionerID; got != c.want {
				t.Errorf("%s's practitioner is %d, want %d", c.given, got, c.want)
			}
			if es, err := e.db.AuditEntries(ctx, store.AuditFilter{FamilyID: c.familyID, Actions: []string{"family.allocation.review"}}); err != nil || len(es) == 0 {
				t.Errorf("%s's move is not audited (%v)", c.given, err)
			}
		}
		if c := e.get(mc, "/families/"+itoa(amyFamily.ID)+"/chronology"); !strings.Contains(c.body, "New practitioner: Grace Adeyemi") {
			t.Error("the chronology of Amy's family does not show her new practitioner")
		}
		// Grace and Tom are each told of their new parent, Priya of each
		// parent she no longer has.
		to := map[string]int{}
		for _, m := range deliver(t, e, smtp) {
			to[m.To[0]]++
		}
		if to[grace] != 1 || to[tom] != 1 || to[practitioner] != 2 {
			t.Errorf("allocation emails: %v", to)
		}

		// A DSL sees the team's caseloads but moves no one; a practitioner
		// has no team page.
		for _, who := range []string{ruth, practitioner} {
			c := e.client()
			e.signIn(c, who)
			if r := e.get(c, page); r.status != http.StatusForbidden {
				t.Errorf("%s opening the move page: %d", who, r.status)
			}
		}
		if r := e.get(mc, "/caseload/team/move?from="+itoa(mustActor(t, e, manager).StaffID)); r.status != http.StatusNotFound {
			t.Errorf("moving a team manager's parents: %d", r.status)
		}
	})
}
