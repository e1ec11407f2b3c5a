package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
)

// Three incidents in twelve months meet MARAC's potential escalation; one
// recorded on the wrong parent is removed as entered in error (refused
// without a reason, the form open under it with the problem) and the
// criterion counts two. The co-parent's practitioner sees that an
// incident was removed, not why. A change in circumstances is removed the
// same way.
func TestRemoveAnIncidentAndAChange(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		amy, path, pc, token := amysPage(t, e, practitioner)
		for _, days := range []int{300, 100, 10} {
			d := e.clock.Now().AddDate(0, 0, -days)
			if r := e.post(pc, path+"/incidents", dateForm("occurred_on", d, "csrf_token", token, "reported_by", "Police", "details", "CANARY-INCIDENT-"+itoa(int64(days))+"-END",
				"police_involved", "yes", "injuries", "no", "children_present", "no")); r.status != http.StatusSeeOther {
				t.Fatalf("incident: %d\n%s", r.status, r.body)
			}
		}
		if r := e.post(pc, path+"/changes", dateForm("changed_on", e.clock.Now(), "csrf_token", token, "change_kind", "separated")); r.status != http.StatusSeeOther {
			t.Fatalf("change: %d\n%s", r.status, r.body)
		}
		dash := e.get(pc, path+"/dash")
		if r := e.post(pc, path+"/dash", dashForm(csrfFrom(t, dash.body), 2, 0, "action", "complete")); r.status != http.StatusSeeOther {
			t.Fatalf("DASH: %d\n%s", r.status, r.body)
		}
		if p := e.get(pc, path); !strings.Contains(p.body, "3 incidents") {
			t.Fatal("the escalation criterion does not count three incidents")
		}
		rec, err := e.db.ReadPerson(context.Background(), mustActor(t, e, practitioner), amy.ID)
		if err != nil {
			t.Fatal(err)
		}
		var wrong, change int64
		for _, in := range rec.Incidents {
			if in.Details == "CANARY-INCIDENT-10-END" {
				wrong = in.ID
			}
		}
		change = rec.Changes[0].ID
		link := path + "?form=remove-incident-" + itoa(wrong) + "#incident-" + itoa(wrong)
		page := e.get(pc, path)
		if !strings.Contains(page.body, `href="`+strings.ReplaceAll(link, "&", "&amp;")+`"`) {
			t.Fatalf("no removal link for the incident")
		}
		if form := e.get(pc, link); !strings.Contains(form.body, `action="`+path+`/incidents/`+itoa(wrong)+`/remove"`) {
			t.Fatalf("the removal form is not shown under the incident")
		}
		r := e.post(pc, path+"/incidents/"+itoa(wrong)+"/remove", mustForm("csrf_token", token, "remove_why", ""))
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `href="#remove_why"`) ||
			!strings.Contains(r.body, `action="`+path+`/incidents/`+itoa(wrong)+`/remove"`) {
			t.Errorf("a removal without a reason: %d", r.status)
		}
		if r := e.post(pc, path+"/incidents/"+itoa(wrong)+"/remove", mustForm("csrf_token", token, "remove_why", "CANARY-WHY Recorded on the wrong parent")); r.status != http.StatusSeeOther {
			t.Fatalf("the removal: %d\n%s", r.status, r.body)
		}
		if r := e.post(pc, path+"/changes/"+itoa(change)+"/remove", mustForm("csrf_token", token, "remove_why", "They did not separate")); r.status != http.StatusSeeOther {
			t.Fatalf("the change's removal: %d\n%s", r.status, r.body)
		}
		after := e.get(pc, path)
		for _, want := range []string{"2 incidents", "was removed as entered in error by Priya Shah", "CANARY-WHY Recorded on the wrong parent", "They did not separate"} {
			if !strings.Contains(after.body, want) {
				t.Errorf("after the removals the page lacks %q", want)
			}
		}
		if strings.Contains(after.body, "CANARY-INCIDENT-10-END") {
			t.Error("the removed incident is still listed")
		}
		// Sent again (a double click, or someone else's removal a moment
		// before): the record, saying so, with the typed reason to copy.
		if r := e.post(pc, path+"/incidents/"+itoa(wrong)+"/remove", mustForm("csrf_token", token, "remove_why", "Again, CANARY-TYPED")); r.status != http.StatusConflict ||
			!strings.Contains(r.body, "This was removed as entered in error already") || !strings.Contains(between(r.body, `id="unsaved"`, "</div>"), "Again, CANARY-TYPED") ||
			strings.Contains(between(r.body, "govuk-error-summary__list", "</ul>"), "<a ") {
			t.Errorf("removing it again: %d\n%s", r.status, between(r.body, "govuk-error-summary", "</main>"))
		}
		if r := e.post(pc, path+"/incidents/999999/remove", mustForm("csrf_token", token, "remove_why", "Again")); r.status != http.StatusNotFound {
			t.Errorf("removing an incident that is not there: %d", r.status)
		}
		tc := e.client()
		e.signIn(tc, tom)
		co := e.get(tc, path)
		if !strings.Contains(co.body, "was removed as entered in error") || strings.Contains(co.body, "CANARY-WHY") || strings.Contains(co.body, "?form=remove-incident") {
			t.Errorf("the co-parent's practitioner's view of the removal")
		}
		if r := e.post(tc, path+"/changes/"+itoa(change)+"/remove", mustForm("csrf_token", csrfFrom(t, co.body), "remove_why", "x")); r.status != http.StatusForbidden {
			t.Errorf("the co-parent's practitioner removes: %d", r.status)
		}
	})
}

// A VIG cycle recorded twice is removed as entered in error (refused
// without a reason, the form open under it with the problem): the family
// page counts one cycle, the person page lists the removal. A consent the
// parent never gave is removed the same way and leaves both pages'
// consents. The co-parent's practitioner sees that a cycle was removed,
// not why, and may not remove one.
func TestRemoveAVIGCycleAndAConsent(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		amy, path, pc, token := amysPage(t, e, practitioner)
		// Unanswered, "confidential?" is a problem, not a quiet "no"; the
		// cycle's other problems are shown with it, the strengths kept.
		if r := e.post(pc, path+"/vig", mustForm("csrf_token", token, "strengths", "CANARY-VIG typed")); r.status != http.StatusUnprocessableEntity ||
			!strings.Contains(r.body, `href="#vig_confidential"`) || !strings.Contains(r.body, `href="#filmed_on"`) || !strings.Contains(r.body, "CANARY-VIG typed") {
			t.Errorf("a VIG cycle with its questions unanswered: %d\n%s", r.status, between(r.body, "govuk-error-summary", "</div>"))
		}
		for _, days := range []int{20, 20} {
			f := dateForm("filmed_on", e.clock.Now().AddDate(0, 0, -days), "csrf_token", token, "phase", "antenatal", "strengths", "CANARY-VIG", "vig_confidential", "no")
			if r := e.post(pc, path+"/vig", f); r.status != http.StatusSeeOther {
				t.Fatalf("VIG cycle: %d\n%s", r.status, r.body)
			}
		}
		if r := e.post(pc, path+"/consents", dateForm("given_on", e.clock.Now(), "csrf_token", token, "scope", "CANARY-NEVER-GIVEN")); r.status != http.StatusSeeOther {
			t.Fatalf("consent: %d\n%s", r.status, r.body)
		}
		rec, err := e.db.ReadPerson(context.Background(), mustActor(t, e, practitioner), amy.ID)
		if err != nil || len(rec.VIG) < 2 || len(rec.Consents) == 0 {
			t.Fatalf("%+v, %+v (%v)", rec.VIG, rec.Consents, err)
		}
		vigs, twice, consent := len(rec.VIG), rec.VIG[0].ID, rec.Consents[0].ID
		familyPath := "/families/" + itoa(rec.Family.ID)
		counts := func(n int) string {
			return `<dt class="govuk-summary-list__key">VIG cycles</dt><dd class="govuk-summary-list__value">` + itoa(int64(n)) + `</dd>`
		}
		if f := e.get(pc, familyPath); !strings.Contains(f.body, counts(vigs)) || !strings.Contains(f.body, "CANARY-NEVER-GIVEN") {
			t.Fatalf("before, the family page does not count %d cycles and list the consent", vigs)
		}
		for _, c := range []struct{ kind, section, path string }{
			{"vig", "vig", "/vig/" + itoa(twice)}, {"consent", "consent", "/consents/" + itoa(consent)},
		} {
			id := c.path[strings.LastIndex(c.path, "/")+1:]
			link := path + "?form=remove-" + c.kind + "-" + id + "#" + c.section + "-" + id
			if page := e.get(pc, path); !strings.Contains(page.body, `href="`+link+`"`) {
				t.Fatalf("no removal link %s", link)
			}
			if form := e.get(pc, link); !strings.Contains(form.body, `action="`+path+c.path+`/remove"`) {
				t.Fatalf("the removal form for %s is not shown", c.kind)
			}
			r := e.post(pc, path+c.path+"/remove", mustForm("csrf_token", token, "remove_why", ""))
			if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `href="#remove_why"`) || !strings.Contains(r.body, `action="`+path+c.path+`/remove"`) {
				t.Errorf("a %s's removal without a reason: %d", c.kind, r.status)
			}
			if r := e.post(pc, path+c.path+"/remove", mustForm("csrf_token", token, "remove_why", "CANARY-WHY-"+c.kind)); r.status != http.StatusSeeOther ||
				!strings.HasSuffix(r.location, "#"+c.section) {
				t.Fatalf("the %s's removal: %d %s\n%s", c.kind, r.status, r.location, r.body)
			}
			if r := e.post(pc, path+c.path+"/remove", mustForm("csrf_token", token, "remove_why", "Again")); r.status != http.StatusConflict ||
				!strings.Contains(r.body, "removed as entered in error already") {
				t.Errorf("removing the %s again: %d", c.kind, r.status)
			}
		}
		after := e.get(pc, path)
		for _, want := range []string{"The VIG cycle filmed", "The consent given", "CANARY-WHY-vig", "CANARY-WHY-consent"} {
			if !strings.Contains(after.body, want) {
				t.Errorf("after the removals the person page lacks %q", want)
			}
		}
		if strings.Contains(after.body, "CANARY-NEVER-GIVEN") {
			t.Error("the removed consent is still listed on the person page")
		}
		if f := e.get(pc, familyPath); !strings.Contains(f.body, counts(vigs-1)) || strings.Contains(f.body, "CANARY-NEVER-GIVEN") {
			t.Errorf("after, the family page does not count %d cycles, or lists the removed consent", vigs-1)
		}
		tc := e.client()
		e.signIn(tc, tom)
		co := e.get(tc, path)
		if !strings.Contains(co.body, "The VIG cycle filmed") || strings.Contains(co.body, "CANARY-WHY") || strings.Contains(co.body, "?form=remove-vig") {
			t.Errorf("the co-parent's practitioner's view of the removal")
		}
		if r := e.post(tc, path+"/vig/"+itoa(rec.VIG[1].ID)+"/remove", mustForm("csrf_token", csrfFrom(t, co.body), "remove_why", "x")); r.status != http.StatusForbidden {
			t.Errorf("the co-parent's practitioner removes: %d", r.status)
		}
	})
}
