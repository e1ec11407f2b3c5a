package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestOutcomeMeasures(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		f := demoFamily(t, e, "Jess") // postnatal: the baby is about six and a half months old
		jess := parentNamed(f, "Jess")
		baby, _ := f.Baby()
		pc := e.client()
		e.signIn(pc, practitioner) // Jess's practitioner
		base := "/people/" + itoa(jess.ID) + "/measures"

		page := e.get(pc, base)
		if page.status != http.StatusOK || !strings.Contains(page.body, "Due now") || !strings.Contains(page.body, "6-month outcome measures") {
			t.Fatalf("measures page: %d\n%s", page.status, page.body)
		}
		form := e.get(pc, base+"/phq9")
		if form.status != http.StatusOK || !strings.Contains(form.body, "Little interest or pleasure in doing things") || !strings.Contains(form.body, `name="item-9"`) {
			t.Fatalf("PHQ-9 form: %d", form.status)
		}
		csrf := csrfFrom(t, form.body)
		today := e.clock.Now()
		answers := func(kv ...string) url.Values {
			v := dateForm("taken_on", today, append([]string{"csrf_token", csrf, "timepoint", "m6"}, kv...)...)
			return v
		}

		// Unanswered questions: one message each, the answers given kept.
		r := e.post(pc, base+"/phq9", answers("item-1", "2", "item-2", "1"))
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `href="#item-3"`) || !strings.Contains(r.body, "question 9") {
			t.Fatalf("unanswered: %d\n%s", r.status, r.body)
		}
		if !strings.Contains(r.body, `id="item-1-2" name="item-1" type="radio" value="2" checked`) {
			t.Error("the answer to question 1 was not kept")
		}
		all := []string{"item-1", "2", "item-2", "2", "item-3", "1", "item-4", "2", "item-5", "1", "item-6", "2", "item-7", "1", "item-8", "0", "item-9", "1"}
		// A timepoint that is not due yet.
		v := answers(all...)
		v.Set("timepoint", "m12")
		if r := e.post(pc, base+"/phq9", v); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "12-month outcome measures are not due until") {
			t.Errorf("not due: %d\n%s", r.status, r.body)
		}
		// An answer out of range.
		v = answers(all...)
		v.Set("item-4", "7")
		if r := e.post(pc, base+"/phq9", v); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `href="#item-4"`) {
			t.Errorf("out of range: %d\n%s", r.status, r.body)
		}
		// Saved: 12 (moderate), question 9 answered above 0 needs follow-up.
		r = e.post(pc, base+"/phq9", answers(all...))
		if r.status != http.StatusSeeOther || !strings.Contains(r.location, "recorded=") {
			t.Fatalf("save: %d %s\n%s", r.status, r.location, r.body)
		}
		done := e.get(pc, r.location)
		for _, want := range []string{"PHQ-9 recorded: 12 (moderate)", "Raise a safeguarding concern", `role="img"`, "Above cut-off"} {
			if !strings.Contains(done.body, want) {
				t.Errorf("after saving, the page lacks %q", want)
			}
		}
		tasks, err := e.db.TasksFor(context.Background(), mustActor(t, e, practitioner).StaffID)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, tk := range tasks {
			found = found || tk.Kind == "measure_follow_up"
		}
		if !found {
			t.Error("no follow-up task for question 9")
		}
		// The same timepoint again is refused, and says when it was recorded.
		if r := e.post(pc, base+"/phq9", answers(all...)); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "already recorded for this timepoint") {
			t.Errorf("duplicate: %d", r.status)
		}
		// Only parent instruments for a parent.
		if r := e.get(pc, base+"/asq3"); r.status != http.StatusNotFound {
			t.Errorf("ASQ-3 for a parent: %d", r.status)
		}

		// The co-parent's practitioner sees that a result exists, not the score.
		other := e.client()
		e.signIn(other, "grace.adeyemi@cradle.example")
		o := e.get(other, base)
		if o.status != http.StatusOK || !strings.Contains(o.body, "Withheld") || strings.Contains(o.body, "12 (moderate)") || strings.Contains(o.body, "Record a measure") {
			t.Errorf("co-parent's practitioner: %d\n%s", o.status, o.body)
		}
		if r := e.get(other, base+"/phq9"); r.status != http.StatusForbidden {
			t.Errorf("co-parent's practitioner recording: %d", r.status)
		}

		// The baby's development: ASQ-3 area scores against the age band's cut-offs.
		bbase := "/people/" + itoa(baby.ID) + "/measures"
		bform := e.get(pc, bbase+"/asq3")
		if bform.status != http.StatusOK || !strings.Contains(bform.body, `name="domain-communication"`) {
			t.Fatalf("ASQ-3 form: %d\n%s", bform.status, bform.body)
		}
		bv := dateForm("taken_on", today, "csrf_token", csrfFrom(t, bform.body), "timepoint", "m6",
			"domain-communication", "45", "domain-gross_motor", "50", "domain-fine_motor", "7", "domain-problem_solving", "40", "domain-personal_social", "35")
		if r := e.post(pc, bbase+"/asq3", bv); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `href="#domain-fine_motor"`) {
			t.Errorf("not a multiple of 5: %d\n%s", r.status, r.body)
		}
		bv.Set("domain-fine_motor", "10")
		r = e.post(pc, bbase+"/asq3", bv)
		if r.status != http.StatusSeeOther {
			t.Fatalf("ASQ-3 save: %d\n%s", r.status, r.body)
		}
		if b := e.get(pc, r.location); !strings.Contains(b.body, "ASQ-3 recorded") || !strings.Contains(b.body, "Fine motor: 10") {
			t.Errorf("ASQ-3 result page:\n%s", b.body)
		}
	})
}

func TestOutcomeMeasureEnteredInError(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		f := demoFamily(t, e, "Jess")
		jess := parentNamed(f, "Jess")
		pc := e.client()
		e.signIn(pc, practitioner)
		base := "/people/" + itoa(jess.ID) + "/measures"
		form := e.get(pc, base+"/gad7")
		v := dateForm("taken_on", e.clock.Now(), "csrf_token", csrfFrom(t, form.body), "timepoint", "m6",
			"item-1", "3", "item-2", "3", "item-3", "3", "item-4", "3", "item-5", "3", "item-6", "3", "item-7", "3")
		r := e.post(pc, base+"/gad7", v)
		if r.status != http.StatusSeeOther {
			t.Fatalf("save: %d", r.status)
		}
		rid := r.location[strings.Index(r.location, "recorded=")+len("recorded="):]
		rid = rid[:strings.Index(rid, "#")]
		remove := "/people/" + itoa(jess.ID) + "/measure-results/" + rid + "/remove"
		// A reason is required; the page says so against the right form.
		page := e.get(pc, base)
		bad := e.post(pc, remove, mustForm("csrf_token", csrfFrom(t, page.body)))
		if bad.status != http.StatusUnprocessableEntity || !strings.Contains(bad.body, `href="#reason-`+rid+`"`) || !strings.Contains(bad.body, "Say why the result was entered in error") {
			t.Fatalf("no reason: %d\n%s", bad.status, bad.body)
		}
		// The co-parent's practitioner cannot remove it.
		other := e.client()
		e.signIn(other, "grace.adeyemi@cradle.example")
		op := e.get(other, base)
		if r := e.post(other, remove, mustForm("csrf_token", csrfFrom(t, op.body), "reason-"+rid, "wrong")); r.status != http.StatusForbidden {
			t.Errorf("co-parent's practitioner removing: %d", r.status)
		}
		ok := e.post(pc, remove, mustForm("csrf_token", csrfFrom(t, page.body), "reason-"+rid, "Scored from the wrong form"))
		if ok.status != http.StatusSeeOther {
			t.Fatalf("remove: %d\n%s", ok.status, ok.body)
		}
		if p := e.get(pc, base); strings.Contains(p.body, "21 (severe)") || !strings.Contains(p.body, "GAD-7") {
			t.Errorf("the removed result still shows")
		}
		// The right one can now be recorded for the same timepoint.
		form = e.get(pc, base+"/gad7")
		v.Set("csrf_token", csrfFrom(t, form.body))
		v.Set("item-1", "1")
		if r := e.post(pc, base+"/gad7", v); r.status != http.StatusSeeOther {
			t.Errorf("re-entering: %d\n%s", r.status, r.body)
		}
		if r := e.post(pc, remove, mustForm("csrf_token", csrfFrom(t, page.body), "reason-"+rid, "again")); r.status != http.StatusNotFound {
			t.Errorf("removing twice: %d", r.status)
		}
	})
}
