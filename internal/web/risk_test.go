package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/store"
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
		if form.status != 200 || !strings.Contains(form.body, "Part 1 of 3") {
			t.Fatalf("DASH form: %d", form.status)
		}
		for part := 1; part <= 3; part++ {
			if p := e.get(pc, amy+"/dash?part="+strconv.Itoa(part)); p.status != 200 || !strings.Contains(p.body, strconv.Itoa(part*8)+".") || strings.Contains(strings.ToLower(p.body), "victim") {
				t.Errorf("DASH form, part %d: %d", part, p.status)
			}
		}
		token := csrfFrom(t, form.body)
		// Unanswered questions: a draft saves, completing is refused.
		if r := e.post(pc, amy+"/dash", dashForm(token, 5, 3, "action", "draft", "parent-view", "CANARY-VIEW I am scared")); r.status != http.StatusSeeOther {
			t.Fatalf("draft: %d\n%s", r.status, r.body)
		}
		// The same new draft sent again (a double click) starts no second
		// one: a conflict, the answers shown again.
		if r := e.post(pc, amy+"/dash", dashForm(token, 5, 3, "action", "draft", "part", "1", "context-2", "CANARY-CONTEXT kept")); r.status != http.StatusConflict ||
			!strings.Contains(r.body, "saved as a draft") || !strings.Contains(r.body, `href="#question-1"`) || !strings.Contains(r.body, "CANARY-CONTEXT kept") {
			t.Errorf("the new draft sent twice: %d\n%s", r.status, between(r.body, "<main", "</form>"))
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
		fp, _ := e.db.ReadFamilyPage(context.Background(), mustActor(t, e, ruth), f.ID, 8)
		tasks := fp.Tasks
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
			if r := e.post(pc, amy+"/incidents", dateForm("occurred_on", d, "csrf_token", token, "reported_by", "Amy", "police_involved", "yes", "injuries", "no", "children_present", "no")); r.status != http.StatusSeeOther {
				t.Fatalf("incident: %d\n%s", r.status, r.body)
			}
		}
		if r := e.post(pc, amy+"/incidents", mustForm("csrf_token", token)); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Enter the date of the incident") ||
			!strings.Contains(r.body, `href="#police_involved"`) || !strings.Contains(r.body, "Select yes if children were present") {
			t.Errorf("incident without a date or its questions answered: %d\n%s", r.status, between(r.body, "govuk-error-summary", "</div>"))
		}
		again := e.get(pc, amy+"/dash")
		tok2 := csrfFrom(t, again.body)
		e.post(pc, amy+"/dash", dashForm(tok2, 2, 0, "action", "complete"))
		if p := e.get(pc, amy); !strings.Contains(p.body, "3 incidents") {
			t.Error("the escalation criterion does not count the incidents")
		}
		// MARAC referral recorded.
		referred := e.clock.Now()
		if r := e.post(pc, amy+"/marac", dateForm("referred_on", referred, "csrf_token", token, "marac_area", "Blackpool MARAC")); r.status != http.StatusSeeOther {
			t.Fatalf("MARAC referral: %d", r.status)
		}
		// An incident after it meets the repeat criterion on the next assessment.
		e.clock.Advance(48 * time.Hour)
		e.signIn(pc, practitioner)
		pp := e.get(pc, amy)
		later := e.clock.Now().AddDate(0, 0, -1)
		if r := e.post(pc, amy+"/incidents", dateForm("occurred_on", later, "csrf_token", csrfFrom(t, pp.body), "reported_by", "Amy", "police_involved", "no", "injuries", "no", "children_present", "no")); r.status != http.StatusSeeOther {
			t.Fatalf("incident after the referral: %d\n%s", r.status, r.body)
		}
		again = e.get(pc, amy+"/dash")
		e.post(pc, amy+"/dash", dashForm(csrfFrom(t, again.body), 2, 0, "action", "complete"))
		want := "Incident on " + later.Format("2 January 2006") + ", within 12 months of the last MARAC referral on " + referred.Format("2 January 2006")
		if p := e.get(pc, amy); !strings.Contains(p.body, want) || !strings.Contains(p.body, "4 incidents") {
			t.Errorf("the repeat criterion: the page lacks %q or the fourth incident", want)
		}
	})
}

// hiddenValue is the value of the page's hidden input of that name.
func hiddenValue(t *testing.T, body, name string) string {
	t.Helper()
	m := regexp.MustCompile(`<input type="hidden" name="` + regexp.QuoteMeta(name) + `" value="([^"]*)">`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("the page has no hidden %q", name)
	}
	return m[1]
}

// TestDASHInParts: the DASH form asks its questions a part at a time, each
// part saved as a draft on going on. Completing with a question unanswered
// in an earlier part keeps this part's answers and shows that part, its
// error linked to the question; a problem with the text is shown by the
// field it is about.
func TestDASHInParts(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		f := demoFamily(t, e, "Amy")
		amy := "/people/" + itoa(parentNamed(f, "Amy").ID)
		pc := e.client()
		e.signIn(pc, practitioner)
		questions := regexp.MustCompile(`name="(question-\d+)" type="radio"`)
		asked := func(body string) []string {
			var names []string
			for _, m := range questions.FindAllStringSubmatch(body, -1) {
				if !slices.Contains(names, m[1]) {
					names = append(names, m[1])
				}
			}
			return names
		}
		// post sends one part, answering its questions from..to with a.
		post := func(part int, from, to int, a, action string, extra ...string) resp {
			t.Helper()
			pg := e.get(pc, amy+"/dash?part="+strconv.Itoa(part))
			v := mustForm(append([]string{"csrf_token", csrfFrom(t, pg.body), "part", strconv.Itoa(part), "action", action,
				"assessment", hiddenValue(t, pg.body, "assessment"), "version", hiddenValue(t, pg.body, "version")}, extra...)...)
			for n := from; n <= to; n++ {
				v.Set("question-"+strconv.Itoa(n), a)
			}
			return e.post(pc, amy+"/dash", v)
		}

		first := e.get(pc, amy+"/dash")
		if got := asked(first.body); len(got) != 8 || got[0] != "question-1" || got[7] != "question-8" ||
			!strings.Contains(first.body, `value="continue"`) || strings.Contains(first.body, `value="complete"`) || strings.Contains(first.body, `name="judged-level"`) {
			t.Fatalf("part 1 asks %v; want questions 1 to 8, going on rather than completing", got)
		}
		if r := post(1, 1, 8, "yes", "continue", "context-2", "CANARY-CONTEXT"); r.status != http.StatusSeeOther || r.header.Get("Location") != amy+"/dash?part=2" {
			t.Fatalf("part 1, save and continue: %d to %q", r.status, r.header.Get("Location"))
		}
		// Question 9 left unanswered.
		if r := post(2, 10, 16, "no", "continue"); r.status != http.StatusSeeOther || r.header.Get("Location") != amy+"/dash?part=3" {
			t.Fatalf("part 2, save and continue: %d to %q", r.status, r.header.Get("Location"))
		}
		if p := e.get(pc, amy+"/dash?part=1"); !strings.Contains(p.body, "CANARY-CONTEXT") || !strings.Contains(p.body, `value="yes" checked`) {
			t.Error("part 1's answers and context were not kept in the draft")
		}
		last := e.get(pc, amy+"/dash?part=3")
		if got := asked(last.body); len(got) != 8 || got[0] != "question-17" || !strings.Contains(last.body, `value="complete"`) || !strings.Contains(last.body, `name="judged-level"`) {
			t.Fatalf("part 3 asks %v; want questions 17 to 24 and the judgement, and a way to complete", got)
		}
		// The parent's own view too long: shown by its field, the rest kept.
		long := strings.Repeat("a", 5001)
		if r := post(3, 17, 24, "no", "complete", "parent-view", long); r.status != http.StatusUnprocessableEntity ||
			!strings.Contains(r.body, `href="#parent-view"`) || !strings.Contains(r.body, `id="parent-view-error"`) || !strings.Contains(r.body, long) {
			t.Errorf("a parent's view too long: %d; want its own error by the field, the text kept", r.status)
		}
		// Completing with question 9 unanswered: part 2 again, the link on
		// question 9, and part 3's answers saved.
		r := post(3, 17, 24, "no", "complete", "parent-view", "CANARY-PARTS-VIEW")
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Part 2 of 3") || !strings.Contains(r.body, `href="#question-9"`) || !strings.Contains(r.body, "1 is unanswered") {
			t.Fatalf("completing with question 9 unanswered: %d\n%s", r.status, r.body)
		}
		if p := e.get(pc, amy+"/dash?part=3"); !strings.Contains(p.body, "CANARY-PARTS-VIEW") || strings.Count(p.body, `value="no" checked`) != 8 {
			t.Error("part 3's answers were not saved when completing found an earlier question unanswered")
		}
		if p := e.get(pc, amy+"/dash"); !strings.Contains(p.body, "Part 2 of 3") {
			t.Error("continuing the draft does not open at its first unanswered question")
		}
		// Two tabs: part 2 opened, then part 1 saved from the other. Part
		// 2's save is a conflict, its answers shown and the form moved on
		// to the draft saved now; sent again, it replaces part 2's only.
		stale := e.get(pc, amy+"/dash?part=2")
		if r := post(1, 1, 8, "yes", "continue", "context-2", "CANARY-OTHER-TAB"); r.status != http.StatusSeeOther {
			t.Fatalf("part 1 from the other tab: %d", r.status)
		}
		v := mustForm("csrf_token", csrfFrom(t, stale.body), "part", "2", "action", "continue",
			"assessment", hiddenValue(t, stale.body, "assessment"), "version", hiddenValue(t, stale.body, "version"))
		for n := 9; n <= 16; n++ {
			v.Set("question-"+strconv.Itoa(n), "no")
		}
		if r := e.post(pc, amy+"/dash", v); r.status != http.StatusConflict || !strings.Contains(r.body, "Someone else saved this draft assessment") ||
			strings.Count(r.body, `value="no" checked`) != 8 || hiddenValue(t, r.body, "version") == v.Get("version") {
			t.Fatalf("part 2 saved from a stale form: %d; want a conflict with its answers kept and the form moved on\n%s", r.status, between(r.body, "<main", "</form>"))
		} else {
			v.Set("version", hiddenValue(t, r.body, "version"))
		}
		if r := e.post(pc, amy+"/dash", v); r.status != http.StatusSeeOther {
			t.Fatalf("part 2 sent again after the conflict: %d", r.status)
		}
		if p := e.get(pc, amy+"/dash?part=1"); !strings.Contains(p.body, "CANARY-OTHER-TAB") {
			t.Error("part 2 sent again after the conflict lost part 1's answers saved from the other tab")
		}
		if r := post(3, 17, 24, "no", "complete", "parent-view", "CANARY-PARTS-VIEW"); r.status != http.StatusSeeOther || r.header.Get("Location") != amy+"#risk" {
			t.Fatalf("complete: %d to %q\n%s", r.status, r.header.Get("Location"), r.body)
		}
		if p := e.get(pc, amy); !strings.Contains(p.body, "8 yes") || !strings.Contains(p.body, "16 no") || !strings.Contains(p.body, "CANARY-PARTS-VIEW") {
			t.Error("the completed assessment does not hold every part's answers")
		}
		if p := e.get(pc, amy+"/dash?part=4"); p.status != http.StatusNotFound {
			t.Errorf("part 4 of 3: %d", p.status)
		}
		if p := e.get(pc, amy+"/dash?part=x"); p.status != http.StatusNotFound {
			t.Errorf("part x: %d", p.status)
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
		if !strings.Contains(again.body, "CANARY-CODE blue kettle") || !strings.Contains(again.body, "Mum&#39;s house") {
			t.Error("the safety plan form does not show the saved plan")
		}
		// The form reads the plan alone, audited as a view of Amy naming the form.
		priya := mustActor(t, e, practitioner)
		if es, err := e.db.AuditEntries(context.Background(), store.AuditFilter{RecordType: "person", RecordID: parentNamed(f, "Amy").ID, ActorID: priya.StaffID,
			Actions: []string{"person.view"}}); err != nil || len(es) == 0 || es[0].Detail != "safety plan form" {
			t.Errorf("the safety plan form's read is not audited as a view naming it: %v %+v", err, es)
		}
		v := strings.Split(strings.Split(again.body, `name="version" value="`)[1], `"`)[0]
		e.post(pc, amy+"/safety-plan", dateForm("review_on", review, "csrf_token", token, "version", v, "code_words", "CANARY-CODE green door", "changes", "New code word"))
		stale := e.post(pc, amy+"/safety-plan", dateForm("review_on", review, "csrf_token", token, "version", v, "code_words", "my stale edit"))
		if now := between(stale.body, `id="saved-now"`, "</dl>"); stale.status != http.StatusConflict || !strings.Contains(stale.body, "my stale edit</textarea>") ||
			!strings.Contains(now, "CANARY-CODE green door") || strings.Contains(now, "my stale edit") || !strings.Contains(stale.body, `href="#saved-now"`) {
			t.Errorf("stale safety plan edit: %d, the editor's text and the plan saved now not both shown", stale.status)
		}
		// The form moves on to the version saved now: sent again, the
		// editor's text stands, knowingly.
		nv := hiddenValue(t, stale.body, "version")
		if nv == v {
			t.Errorf("the stale form still carries version %s", v)
		}
		if r := e.post(pc, amy+"/safety-plan", dateForm("review_on", review, "csrf_token", token, "version", nv, "code_words", "my stale edit")); r.status != http.StatusSeeOther {
			t.Errorf("saving again after the conflict: %d", r.status)
		}
		if now := e.get(pc, amy+"/safety-plan"); !strings.Contains(now.body, "my stale edit</textarea>") {
			t.Error("the editor's text saved again after the conflict is not the plan")
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

// TestOverdueSafetyPlanReviewOnCaseload: a review past its date shows as
// overdue on the caseload and on the family page; one still to come, by
// its date.
func TestOverdueSafetyPlanReviewOnCaseload(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		f := demoFamily(t, e, "Amy")
		amy := "/people/" + itoa(parentNamed(f, "Amy").ID)
		pc := e.client()
		e.signIn(pc, practitioner)
		form := e.get(pc, amy+"/safety-plan")
		e.post(pc, amy+"/safety-plan", dateForm("review_on", e.clock.Now().AddDate(0, 0, 7), "csrf_token", csrfFrom(t, form.body), "safe_places", "A friend's flat"))
		family := "/families/" + itoa(f.ID)
		for _, page := range []string{"/caseload", family} {
			if p := e.get(pc, page); strings.Contains(p.body, "Safety plan review overdue") {
				t.Errorf("%s: a review due next week shows as overdue", page)
			}
		}
		if p := e.get(pc, family); !strings.Contains(p.body, "Safety plan review due "+e.clock.Now().AddDate(0, 0, 7).Format("2 January 2006")) {
			t.Error("the family page does not give the review's date")
		}
		e.clock.Advance(9 * 24 * time.Hour)
		e.signIn(pc, practitioner)
		for _, page := range []string{"/caseload", family} {
			if p := e.get(pc, page); !strings.Contains(p.body, "Safety plan review overdue") {
				t.Errorf("%s: an overdue safety plan review is not shown as overdue", page)
			}
		}
	})
}

// The demo's risk history, as the README describes it: Jess Morris's
// practitioner reads it all; the practitioner of her former partner, Callum
// Ward, reads her risk levels and her MARAC's outcome (everyone working with
// the family needs them) but not her answers, her safety plan, what
// happened in the incident or the actions agreed.
func TestDemoRiskHistoryAndTheOtherParentsPractitioner(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		f := demoFamily(t, e, "Jess")
		jess := "/people/" + itoa(parentNamed(f, "Jess").ID)
		secret := []string{"Jess is frightened", "pushed against a wall", "IDVA contact within", "Have you seen my keys"}
		pc := e.client()
		e.signIn(pc, practitioner)
		own := e.get(pc, jess)
		plan := e.get(pc, jess+"/safety-plan")
		for _, want := range append(secret[1:3], "Heard at MARAC", "Standard", "High") {
			if !strings.Contains(own.body, want) {
				t.Errorf("Jess's page for her practitioner: no %q", want)
			}
		}
		// The three newest assessments in full, the first (high, before the
		// MARAC referral) under "1 earlier assessment": none is hidden.
		if n := strings.Count(own.body, "<h3 class=\"govuk-heading-s\">DASH "); n != 4 || !strings.Contains(own.body, "1 earlier assessment") {
			t.Errorf("Jess's page lists %d of her 4 assessments, or does not say one is earlier", n)
		}
		if !strings.Contains(plan.body, secret[3]) || !strings.Contains(plan.body, "Callum&#39;s number blocked") || !strings.Contains(plan.body, `name="changes"`) {
			t.Error("Jess's safety plan for her practitioner: no code words, reviews or form")
		}
		// The safeguarding lead reads the plan and its reviews, without the
		// form, and may not change it.
		lead := e.client()
		e.signIn(lead, ruth)
		if p := e.get(lead, jess); !strings.Contains(p.body, "Read the safety plan and its reviews") {
			t.Error("Jess's page for the lead: no link to her safety plan")
		}
		read := e.get(lead, jess+"/safety-plan")
		if read.status != http.StatusOK || !strings.Contains(read.body, secret[3]) || !strings.Contains(read.body, "Callum&#39;s number blocked") ||
			strings.Contains(read.body, "<form method=\"post\" action=\""+jess+"/safety-plan") {
			t.Errorf("Jess's safety plan for the lead: %d, want the plan and its reviews without the form", read.status)
		}
		if r := e.post(lead, jess+"/safety-plan", url.Values{"csrf_token": {csrfFrom(t, read.body)}, "code_words": {"changed"}}); r.status != http.StatusForbidden {
			t.Errorf("the lead changed Jess's safety plan: %d", r.status)
		}
		other := e.client()
		e.signIn(other, "grace.adeyemi@cradle.example")
		theirs := e.get(other, jess)
		if theirs.status != http.StatusOK || !strings.Contains(theirs.body, "Heard at MARAC") || !strings.Contains(theirs.body, "Standard") {
			t.Fatalf("Jess's page for Callum's practitioner: %d, without her level or MARAC outcome", theirs.status)
		}
		for _, s := range secret {
			if strings.Contains(theirs.body, s) {
				t.Errorf("Jess's page shows Callum's practitioner %q", s)
			}
		}
		if p := e.get(other, jess+"/safety-plan"); strings.Contains(p.body, secret[3]) {
			t.Errorf("Jess's safety plan was shown to Callum's practitioner (%d)", p.status)
		}
	})
}

// A completed assessment's answers are on its own page, for whoever may see
// the parent's confidential details: each question, its answer and note,
// what changed since the assessment before. The other parent's
// practitioner is refused it and offered no link; a draft or another
// parent's assessment is not found there.
func TestDASHAnswersPage(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		f := demoFamily(t, e, "Jess")
		jess := "/people/" + itoa(parentNamed(f, "Jess").ID)
		pc := e.client()
		e.signIn(pc, practitioner)
		page := e.get(pc, jess)
		links := regexp.MustCompile(`href="(`+jess+`/dash/\d+)"`).FindAllStringSubmatch(page.body, -1)
		if len(links) != 4 {
			t.Fatalf("Jess's page links to %d assessments' answers, want 4", len(links))
		}
		latest := e.get(pc, links[0][1])
		for _, want := range []string{"Risk assessment (DASH) of", "Standard risk", "6 answers changed", "Changed: was Yes", "Jess says she feels in control again", "Priya Shah"} {
			if !strings.Contains(latest.body, want) {
				t.Errorf("the latest assessment's page: no %q", want)
			}
		}
		first := e.get(pc, links[3][1])
		for _, want := range []string{"first completed assessment", "Once, last summer, in an argument about money.", "High risk", "MARAC referral criteria"} {
			if !strings.Contains(first.body, want) {
				t.Errorf("the first assessment's page: no %q", want)
			}
		}
		if strings.Contains(first.body, "Changed: was") {
			t.Error("the first assessment marks changes with nothing before it")
		}
		lead := e.client()
		e.signIn(lead, ruth)
		if r := e.get(lead, links[3][1]); r.status != http.StatusOK || !strings.Contains(r.body, "Once, last summer") {
			t.Errorf("the lead reading Jess's answers: %d", r.status)
		}
		other := e.client()
		e.signIn(other, "grace.adeyemi@cradle.example")
		if r := e.get(other, jess); strings.Contains(r.body, jess+"/dash/") {
			t.Error("Jess's page offers Callum's practitioner her answers")
		}
		if r := e.get(other, links[3][1]); r.status != http.StatusForbidden || strings.Contains(r.body, "Once, last summer") {
			t.Errorf("Callum's practitioner reading Jess's answers: %d", r.status)
		}
		// Not found: no such assessment, one of another parent's, a draft.
		if p := e.get(pc, "/caseload?risk=high"); !strings.Contains(p.body, "No parent on this list is at high risk") || !strings.Contains(p.body, "Show every parent") {
			t.Error("Priya's caseload narrowed to high risk, before any: not empty, or no way back")
		}
		if p := e.get(pc, "/caseload?risk=medium"); p.status != http.StatusNotFound {
			t.Errorf("a caseload narrowed to medium risk: %d, want 404", p.status)
		}
		amy := "/people/" + itoa(parentNamed(demoFamily(t, e, "Amy"), "Amy").ID)
		form := e.get(pc, amy+"/dash")
		if r := e.post(pc, amy+"/dash", dashForm(csrfFrom(t, form.body), 5, 3, "action", "draft")); r.status != http.StatusSeeOther {
			t.Fatalf("Amy's draft: %d", r.status)
		}
		draft := strings.Split(strings.Split(e.get(pc, amy+"/dash").body, `name="assessment" value="`)[1], `"`)[0]
		for _, p := range []string{jess + "/dash/999999", jess + "/dash/x", amy + links[0][1][len(jess):], amy + "/dash/" + draft} {
			if r := e.get(pc, p); r.status != http.StatusNotFound {
				t.Errorf("%s: %d, want 404", p, r.status)
			}
		}
	})
}

// The programme's safety plan reviews (every 12 weeks from the assessment)
// are done once every parent's plan has been checked in the review's
// period: the demo's plans, reviewed lately, leave none overdue, on a
// caseload or a family's page; seven months on, unreviewed, they are overdue
// again.
func TestTimelinePlanReviewsDoneByChecks(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		c := e.client()
		e.signIn(c, ruth)
		ellie := "/families/" + itoa(demoFamily(t, e, "Ellie").ID)
		onCaseload := regexp.MustCompile(`govuk-tag--red app-tag-block">Safety plan review \d`)
		onFamily := regexp.MustCompile(`Safety plan review \d+</td><td class="govuk-table__cell"><strong class="govuk-tag govuk-tag--red">Overdue`)
		if p := e.get(c, "/caseload"); p.status != http.StatusOK || onCaseload.MatchString(p.body) {
			t.Errorf("the lead's caseload: %d, lists a safety plan review the plans' checks have done: %q", p.status, onCaseload.FindString(p.body))
		}
		if p := e.get(c, ellie); p.status != http.StatusOK || onFamily.MatchString(p.body) {
			t.Errorf("Ellie's family page: %d, lists a safety plan review the plans' checks have done", p.status)
		}
		e.clock.Advance(200 * 24 * time.Hour)
		e.signIn(c, ruth)
		if p := e.get(c, ellie); !onFamily.MatchString(p.body) {
			t.Errorf("seven months on, with no plan reviewed, Ellie's family page lists no safety plan review overdue:\n%s", between(p.body, `id="coming-up"`, "</table>"))
		}
	})
}

// Preparing Jess's subject access request, the lead is shown where the
// material the export leaves out is on her record: the incident's reporter,
// her first assessment's notes, her MARAC referral, and the family's page.
func TestSubjectAccessPageSaysWhatToReview(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		f := demoFamily(t, e, "Jess")
		jess := "/people/" + itoa(parentNamed(f, "Jess").ID)
		lead := e.client()
		e.signIn(lead, ruth)
		p := e.get(lead, jess+"/subject-access")
		review := between(p.body, "What you review separately", "</table>")
		for _, want := range []string{"Incidents: who told us and what they said", `href="` + jess + `/dash/`, "MARAC referrals and what each MARAC decided",
			`href="` + jess + `#marac-referrals"`, `href="/families/` + itoa(f.ID) + `#risk"`} {
			if !strings.Contains(review, want) {
				t.Errorf("Jess's subject access page: what to review has no %q:\n%s", want, review)
			}
		}
	})
}

// A caseload gives each parent's latest risk level, and a new assessment
// shows on it at once (the caseload's cache follows the assessments,
// migration 55).
func TestCaseloadShowsRiskLevels(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		pc := e.client()
		e.signIn(pc, practitioner)
		row := func(body, name string) string { return between(body, ">"+name+"</a>", "</tr>") }
		list := e.get(pc, "/caseload")
		if r := row(list.body, "Jess Morris"); !strings.Contains(r, ">Standard</strong>") {
			t.Errorf("Jess's caseload row has no standard risk: %s", r)
		}
		if r := row(list.body, "Amy Foster"); !strings.Contains(r, "Not assessed") {
			t.Errorf("Amy's caseload row, before any assessment: %s", r)
		}
		if p := e.get(pc, "/caseload?risk=high"); !strings.Contains(p.body, "No parent on this list is at high risk") || !strings.Contains(p.body, "Show every parent") {
			t.Error("Priya's caseload narrowed to high risk, before any: not empty, or no way back")
		}
		if p := e.get(pc, "/caseload?risk=medium"); p.status != http.StatusNotFound {
			t.Errorf("a caseload narrowed to medium risk: %d, want 404", p.status)
		}
		amy := "/people/" + itoa(parentNamed(demoFamily(t, e, "Amy"), "Amy").ID)
		form := e.get(pc, amy+"/dash")
		if r := e.post(pc, amy+"/dash", dashForm(csrfFrom(t, form.body), 14, 0, "action", "complete", "parent-view", "Amy is frightened.")); r.status != http.StatusSeeOther {
			t.Fatalf("Amy's assessment: %d\n%s", r.status, r.body)
		}
		if r := row(e.get(pc, "/caseload").body, "Amy Foster"); !strings.Contains(r, ">High</strong>") {
			t.Errorf("Amy's caseload row after a high assessment: %s", r)
		}
		if p := e.get(pc, "/caseload?risk=high"); !strings.Contains(p.body, ">Amy Foster</a>") || strings.Contains(p.body, ">Jess Morris</a>") ||
			!strings.Contains(p.body, "1 parent at high risk in 1 open family") {
			t.Error("Priya's caseload narrowed to high risk: want Amy alone")
		}
		// The team caseloads count each practitioner's parents at high
		// risk: Sophie Clarke is Grace's, and now Amy is Priya's.
		mc := e.client()
		e.signIn(mc, manager)
		team := e.get(mc, "/caseload/team")
		cells := regexp.MustCompile(`govuk-table__cell--numeric">(\d+)</td>`)
		for name, want := range map[string]string{"Grace Adeyemi": "1", "Priya Shah": "1", "Tom Elliott": "0"} {
			got := cells.FindAllStringSubmatch(row(team.body, name), -1)
			if want == "0" && (len(got) != 4 || got[2][1] != want) {
				t.Errorf("team caseloads, %s: cells %v, want %s at high risk", name, got, want)
			}
			if want == "1" && !strings.Contains(row(team.body, name), `risk=high">1<span class="govuk-visually-hidden">`) {
				t.Errorf("team caseloads, %s: no link to their 1 parent at high risk", name)
			}
		}
		grace := regexp.MustCompile(`href="(/caseload\?practitioner=\d+&amp;risk=high)">1<span class="govuk-visually-hidden"> of Grace`).FindStringSubmatch(team.body)
		if grace == nil {
			t.Fatal("team caseloads: no link to Grace's parents at high risk")
		}
		if p := e.get(mc, strings.ReplaceAll(grace[1], "&amp;", "&")); !strings.Contains(p.body, ">Sophie Clarke</a>") || strings.Contains(p.body, ">Kyle Reid</a>") {
			t.Error("Grace's parents at high risk: want Sophie Clarke alone")
		}
	})
}

// A safety plan sent after the case closed (the family closed while the
// form was open) is refused as a conflict, and the page, which no longer
// offers the form, keeps each section typed to copy.
func TestSafetyPlanTypedIsKeptWhenTheCaseClosed(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		id, _ := findPerson(t, e, "Mark Hill")
		mark := "/people/" + itoa(id)
		pc := e.client()
		e.signIn(pc, practitioner)
		page := e.get(pc, mark)
		r := e.post(pc, mark+"/safety-plan", dateForm("review_on", e.clock.Now().AddDate(0, 0, 14), "csrf_token", csrfFrom(t, page.body),
			"code_words", "CANARY-TYPED code words", "escape_plan", "CANARY-TYPED escape plan"))
		if unsaved := between(r.body, `id="unsaved"`, "</div>"); r.status != http.StatusConflict || !strings.Contains(unsaved, "CANARY-TYPED code words") ||
			!strings.Contains(unsaved, "CANARY-TYPED escape plan") || !strings.Contains(unsaved, "Escape plan") {
			t.Errorf("a safety plan sent to a closed case: %d, the text typed not kept to copy:\n%s", r.status, between(r.body, "<main", "</main>"))
		}
	})
}

// Any free text a form posted is kept to copy when the page answering it
// no longer has its field, though the handler named none: a session's
// notes sent to a case closed a moment before (the person's page, 409),
// and an incident's details refused whole on an error page; never a
// password, a token or a date's parts.
func TestTypedTextKeptWhenItsFormIsGone(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		id, _ := findPerson(t, e, "Mark Hill")
		mark := "/people/" + itoa(id)
		pc := e.client()
		e.signIn(pc, practitioner)
		token := csrfFrom(t, e.get(pc, mark).body)
		r := e.post(pc, mark+"/sessions", dateForm("held_on", e.clock.Now(), "csrf_token", token, "minutes", "60", "mode", "home", "attendance", "attended",
			"confidential", "no", "notes", "CANARY-TYPED an hour of notes\nand a second line"))
		if unsaved := between(r.body, `id="unsaved"`, "</div>"); r.status != http.StatusConflict || !strings.Contains(unsaved, ">Notes</h3>") ||
			!strings.Contains(unsaved, "CANARY-TYPED an hour of notes") || strings.Contains(unsaved, token) || strings.Contains(unsaved, "Held on") {
			t.Errorf("a session sent to a closed case: %d, the notes not kept to copy (or more than typed text):\n%s", r.status, unsaved)
		}
		r = e.post(pc, mark+"/incidents", mustForm("csrf_token", token, "details", "CANARY-TYPED what happened that night"))
		if unsaved := between(r.body, `id="unsaved"`, "</div>"); r.status != http.StatusConflict || !strings.Contains(unsaved, ">Details</h3>") ||
			!strings.Contains(unsaved, "CANARY-TYPED what happened that night") {
			t.Errorf("an incident refused whole for a closed case: %d, the details not kept to copy:\n%s", r.status, between(r.body, "<main", "</main>"))
		}
	})
}
