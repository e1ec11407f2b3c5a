package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// dashForm answers the 24 questions: yes for the first `yes`, no for the rest
// (leaving out the last `skip`).
func dashForm(token string, yes, skip int, extra ...string) url.Values {
	v := mustForm(append([]string{"csrf_token", token}, extra...)...)
	for n := 1; n <= 24-skip; n++ {
		a := "no"
		if n <= yes {
			a = "yes"
		}
		v.Set("question-"+strconv.Itoa(n), a)
	}
	return v
}

func TestDASHLevelsMARACAndConfidentiality(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		f := demoFamily(t, e, "Amy")
		amy := "/people/" + itoa(parentNamed(f, "Amy").ID)
		pc := e.client()
		e.signIn(pc, practitioner)
		form := e.get(pc, amy+"/dash")
		if form.status != 200 || !strings.Contains(form.body, "24.") || strings.Contains(strings.ToLower(form.body), "victim") {
			t.Fatalf("DASH form: %d", form.status)
		}
		token := csrfFrom(t, form.body)
		// Unanswered questions: a draft saves, completing is refused.
		if r := e.post(pc, amy+"/dash", dashForm(token, 5, 3, "action", "draft", "parent-view", "CANARY-VIEW I am scared")); r.status != http.StatusSeeOther {
			t.Fatalf("draft: %d\n%s", r.status, r.body)
		}
		draft := e.get(pc, amy+"/dash")
		if !strings.Contains(draft.body, "CANARY-VIEW") {
			t.Error("the draft's answers were not kept")
		}
		rid := strings.Split(strings.Split(draft.body, `name="assessment" value="`)[1], `"`)[0]
		ver := strings.Split(strings.Split(draft.body, `name="version" value="`)[1], `"`)[0]
		r := e.post(pc, amy+"/dash", dashForm(token, 5, 3, "action", "complete", "assessment", rid, "version", ver))
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "3 are unanswered") {
			t.Fatalf("complete with unanswered: %d", r.status)
		}
		// Judgement cannot lower the level.
		r = e.post(pc, amy+"/dash", dashForm(token, 11, 0, "action", "complete", "assessment", rid, "version", ver, "judged-level", "standard", "judgement-reason", "She feels safer now."))
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "never lower") {
			t.Fatalf("lowering judgement: %d\n%s", r.status, r.body)
		}
		// 14 yes: high risk, visible high risk met, a MARAC task for the practitioner and the manager.
		r = e.post(pc, amy+"/dash", dashForm(token, 14, 0, "action", "complete", "assessment", rid, "version", ver, "parent-view", "CANARY-VIEW I am scared"))
		if r.status != http.StatusSeeOther {
			t.Fatalf("complete: %d\n%s", r.status, r.body)
		}
		page := e.get(pc, amy)
		for _, want := range []string{"High risk", "14 yes", "Met", "CANARY-VIEW"} {
			if !strings.Contains(page.body, want) {
				t.Errorf("Amy's page after DASH lacks %q", want)
			}
		}
		tasks, _ := e.db.OpenTasks(context.Background(), f.ID)
		marac := 0
		for _, tk := range tasks {
			if strings.Contains(tk.Title, "Consider a MARAC referral") {
				marac++
			}
		}
		if marac != 2 {
			t.Errorf("MARAC tasks = %d, want 2 (practitioner and manager)", marac)
		}
		// The co-parent's practitioner sees the level on the family page, not the answers or the view.
		tc := e.client()
		e.signIn(tc, tom)
		fam := e.get(tc, "/families/"+itoa(f.ID))
		if !strings.Contains(fam.body, "High risk") {
			t.Error("the family risk summary lacks Amy's level")
		}
		if p := e.get(tc, amy); strings.Contains(p.body, "CANARY-VIEW") {
			t.Error("the co-parent's practitioner sees Amy's own view of her risk")
		}
		if r := e.get(tc, amy+"/dash"); r.status != http.StatusForbidden {
			t.Errorf("co-parent's practitioner opening Amy's DASH: %d", r.status)
		}
		// Three incidents in twelve months meet the escalation criterion.
		for _, days := range []int{300, 100, 10} {
			d := e.clock.Now().AddDate(0, 0, -days)
			if r := e.post(pc, amy+"/incidents", dateForm("occurred_on", d, "csrf_token", token, "reported_by", "Amy", "police_involved", "yes")); r.status != http.StatusSeeOther {
				t.Fatalf("incident: %d\n%s", r.status, r.body)
			}
		}
		if r := e.post(pc, amy+"/incidents", mustForm("csrf_token", token)); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Enter the date of the incident") {
			t.Errorf("incident without a date: %d", r.status)
		}
		again := e.get(pc, amy+"/dash")
		tok2 := csrfFrom(t, again.body)
		e.post(pc, amy+"/dash", dashForm(tok2, 2, 0, "action", "complete"))
		if p := e.get(pc, amy); !strings.Contains(p.body, "3 incidents") {
			t.Error("the escalation criterion does not count the incidents")
		}
		// MARAC referral recorded.
		if r := e.post(pc, amy+"/marac", dateForm("referred_on", e.clock.Now(), "csrf_token", token, "marac_area", "Blackpool MARAC")); r.status != http.StatusSeeOther {
			t.Fatalf("MARAC referral: %d", r.status)
		}
	})
}

func TestSafetyPlanAndChildRisk(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		f := demoFamily(t, e, "Amy")
		amy := "/people/" + itoa(parentNamed(f, "Amy").ID)
		pc := e.client()
		e.signIn(pc, practitioner)
		form := e.get(pc, amy+"/safety-plan")
		token := csrfFrom(t, form.body)
		if r := e.post(pc, amy+"/safety-plan", mustForm("csrf_token", token, "code_words", "CANARY-CODE blue kettle")); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "next review") {
			t.Fatalf("plan without review date: %d", r.status)
		}
		review := e.clock.Now().AddDate(0, 0, 28)
		if r := e.post(pc, amy+"/safety-plan", dateForm("review_on", review, "csrf_token", token, "code_words", "CANARY-CODE blue kettle", "safe_places", "Mum's house")); r.status != http.StatusSeeOther {
			t.Fatalf("plan: %d\n%s", r.status, r.body)
		}
		// Editing from a stale version is refused and the text shown back.
		again := e.get(pc, amy+"/safety-plan")
		v := strings.Split(strings.Split(again.body, `name="version" value="`)[1], `"`)[0]
		e.post(pc, amy+"/safety-plan", dateForm("review_on", review, "csrf_token", token, "version", v, "code_words", "CANARY-CODE green door", "changes", "New code word"))
		stale := e.post(pc, amy+"/safety-plan", dateForm("review_on", review, "csrf_token", token, "version", v, "code_words", "my stale edit"))
		if stale.status != http.StatusConflict || !strings.Contains(stale.body, "my stale edit") {
			t.Errorf("stale safety plan edit: %d", stale.status)
		}
		tc := e.client()
		e.signIn(tc, tom)
		if p := e.get(tc, amy); strings.Contains(p.body, "CANARY-CODE") || !strings.Contains(p.body, "withheld") {
			t.Error("the co-parent's practitioner sees the safety plan")
		}
		if r := e.get(tc, amy+"/safety-plan"); r.status != http.StatusForbidden {
			t.Errorf("co-parent's practitioner opening the safety plan: %d", r.status)
		}
		// Risk to the children: every field required.
		fam := e.get(pc, "/families/"+itoa(f.ID))
		ft := csrfFrom(t, fam.body)
		if r := e.post(pc, "/families/"+itoa(f.ID)+"/child-risk", mustForm("csrf_token", ft, "child_concerns", "Baby due soon")); r.status != http.StatusUnprocessableEntity {
			t.Errorf("child risk without level and plan: %d", r.status)
		}
		if r := e.post(pc, "/families/"+itoa(f.ID)+"/child-risk", mustForm("csrf_token", ft, "child_concerns", "Baby due soon; home is crowded.", "child_level", "medium", "child_plan", "Health visitor to visit weekly.")); r.status != http.StatusSeeOther {
			t.Fatalf("child risk: %d\n%s", r.status, r.body)
		}
		if p := e.get(pc, "/families/"+itoa(f.ID)); !strings.Contains(p.body, "Medium risk") || !strings.Contains(p.body, "Safety plan review due") {
			t.Error("the family risk summary lacks the children's level or the safety plan review")
		}
		_ = time.Now
	})
}

func TestOverdueSafetyPlanReviewOnCaseload(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		f := demoFamily(t, e, "Amy")
		amy := "/people/" + itoa(parentNamed(f, "Amy").ID)
		pc := e.client()
		e.signIn(pc, practitioner)
		form := e.get(pc, amy+"/safety-plan")
		e.post(pc, amy+"/safety-plan", dateForm("review_on", e.clock.Now().AddDate(0, 0, 7), "csrf_token", csrfFrom(t, form.body), "safe_places", "A friend's flat"))
		if p := e.get(pc, "/caseload"); strings.Contains(p.body, "Safety plan review overdue") {
			t.Error("a review due next week shows as overdue")
		}
		e.clock.Advance(9 * 24 * time.Hour)
		e.signIn(pc, practitioner)
		if p := e.get(pc, "/caseload"); !strings.Contains(p.body, "Safety plan review overdue") {
			t.Error("an overdue safety plan review is not on the caseload")
		}
	})
}
