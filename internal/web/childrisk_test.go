package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// An assessment of risk to the children is read back on the family page by
// everyone working with the family; Amy's phone number in it is refused
// with what was typed kept; one entered in error is removed with a reason.
func TestChildRiskReadAndRemoved(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		_, path, pc, token := amysFamilyPage(t, e, "priya.shah@cradle.example")
		leaky := mustForm("csrf_token", token, "child_concerns", "CANARY-CONCERNS Shouting at handovers.", "child_level", "high",
			"child_plan", "Ring Amy on 07700 900101 before each visit.")
		r := e.post(pc, path+"/child-risk", leaky)
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `href="#child_plan"`) ||
			!strings.Contains(r.body, "CANARY-CONCERNS Shouting at handovers.") || !strings.Contains(r.body, "Ring Amy on 07700 900101") {
			t.Fatalf("Amy's phone number in the plan: %d\n%s", r.status, r.body)
		}
		ok := mustForm("csrf_token", token, "child_concerns", "CANARY-CONCERNS Shouting at handovers.", "child_level", "high",
			"child_plan", "CANARY-PLAN Handovers at the family centre.")
		if r := e.post(pc, path+"/child-risk", ok); r.status != http.StatusSeeOther {
			t.Fatalf("the assessment: %d\n%s", r.status, r.body)
		}
		page := e.get(pc, path)
		for _, want := range []string{"Concerns: CANARY-CONCERNS Shouting at handovers.", "Plan: CANARY-PLAN Handovers at the family centre.", `href="#child-risks"`,
			"?form=remove-child-risk-"} {
			if !strings.Contains(page.body, want) {
				t.Errorf("the family page lacks %q", want)
			}
		}
		id := strings.Split(strings.Split(page.body, "?form=remove-child-risk-")[1], "#")[0]

		// Jordan's practitioner reads it too; the safeguarding lead reads
		// it but may not remove it.
		for _, who := range []string{"tom.elliott@cradle.example", "ruth.adams@cradle.example"} {
			c := e.client()
			e.signIn(c, who)
			p := e.get(c, path)
			if !strings.Contains(p.body, "Plan: CANARY-PLAN Handovers at the family centre.") {
				t.Errorf("%s does not see the plan", who)
			}
			if who == "ruth.adams@cradle.example" && strings.Contains(p.body, "?form=remove-child-risk-") {
				t.Errorf("the safeguarding lead is offered its removal")
			}
		}

		form := e.get(pc, path+"?form=remove-child-risk-"+id)
		remove := path + "/child-risks/" + id + "/remove"
		if !strings.Contains(form.body, `action="`+remove+`"`) || !strings.Contains(form.body, "Why was the assessment of ") {
			t.Fatalf("the removal form:\n%s", form.body)
		}
		r = e.post(pc, remove, mustForm("csrf_token", token, "remove_why", " "))
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `href="#remove_why"`) || !strings.Contains(r.body, "Plan: CANARY-PLAN") {
			t.Fatalf("no reason: %d\n%s", r.status, r.body)
		}
		if r := e.post(pc, remove, mustForm("csrf_token", token, "remove_why", "CANARY-WHY Recorded twice")); r.status != http.StatusSeeOther ||
			!strings.HasSuffix(r.location, "#child-risks") {
			t.Fatalf("the removal: %d %s\n%s", r.status, r.location, r.body)
		}
		page = e.get(pc, path)
		if strings.Contains(page.body, "CANARY-PLAN") || !strings.Contains(page.body, "(High risk) was removed as entered in error by Priya Shah") ||
			!strings.Contains(page.body, "Why: CANARY-WHY Recorded twice") {
			t.Errorf("after the removal:\n%s", page.body)
		}
		if r := e.post(pc, remove, mustForm("csrf_token", token, "remove_why", "Again")); r.status != http.StatusNotFound {
			t.Errorf("a second time: %d", r.status)
		}
	})
}

// Once the family has another child, the form asks who the assessment is
// about (the question's answer kept with the rest when it is missing); one
// about a single child says so on the family's page, and the summary gives
// the highest of each child's latest assessment, naming the child when it
// was theirs alone.
func TestChildRiskAboutOneChild(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		_, path, pc, token := amysFamilyPage(t, e, "priya.shah@cradle.example")
		if p := e.get(pc, path+"?form=child-risk"); strings.Contains(p.body, `name="child_about"`) {
			t.Errorf("asked who the assessment is about with no child but the baby")
		}
		if r := e.post(pc, path+"/children", url.Values{"csrf_token": {token}, "child_given_name": {"Leo"}, "child_family_name": {"Price"}, "child_household": {"0"}}); r.status != http.StatusSeeOther {
			t.Fatalf("adding Leo: %d", r.status)
		}
		form := e.get(pc, path+"?form=child-risk")
		leo := regexp.MustCompile(`name="child_about" type="radio" value="(\d+)">\s*<label[^>]*>Leo Price</label>`).FindStringSubmatch(form.body)
		if leo == nil || !strings.Contains(form.body, `value="all">`) {
			t.Fatalf("the question's answers:\n%s", between(form.body, `id="child-risk-form"`, "</form>"))
		}
		// All the children assessed at standard first, so that Leo's
		// high below is his alone (the demo's assessment is high).
		all := mustForm("csrf_token", token, "child_about", "all", "child_concerns", "Calmer since the birth.", "child_level", "standard", "child_plan", "Review in three months.")
		if r := e.post(pc, path+"/child-risk", all); r.status != http.StatusSeeOther {
			t.Fatalf("about all: %d", r.status)
		}
		typed := mustForm("csrf_token", token, "child_concerns", "CANARY-CONCERNS Leo is frightened at handovers.", "child_level", "high",
			"child_plan", "CANARY-PLAN School to watch for signs.")
		r := e.post(pc, path+"/child-risk", typed)
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `href="#child_about"`) ||
			!strings.Contains(r.body, "Select who the assessment is about") || !strings.Contains(r.body, "CANARY-PLAN School to watch for signs.") {
			t.Fatalf("nobody chosen: %d\n%s", r.status, r.body)
		}
		typed.Set("child_about", leo[1])
		if r := e.post(pc, path+"/child-risk", typed); r.status != http.StatusSeeOther {
			t.Fatalf("about Leo: %d\n%s", r.status, r.body)
		}
		page := e.get(pc, path)
		if !strings.Contains(page.body, "High risk</strong> to Leo Price, assessed") {
			t.Errorf("the assessment does not say it is about Leo:\n%s", between(page.body, `id="child-risks"`, "Plan:"))
		}
		summary := between(page.body, "The baby and children</dt>", "</dd>")
		if !strings.Contains(summary, "High risk</strong>") || !strings.Contains(summary, ", for Leo Price)") {
			t.Errorf("the summary: %s", summary)
		}
		// Leo's removed as entered in error: the removal names him, and
		// the summary is the assessment of all of them again.
		id := strings.Split(strings.Split(page.body, "?form=remove-child-risk-")[1], "#")[0]
		if r := e.post(pc, path+"/child-risks/"+id+"/remove", mustForm("csrf_token", token, "remove_why", "Meant for another family")); r.status != http.StatusSeeOther {
			t.Fatalf("removing Leo's: %d\n%s", r.status, r.body)
		}
		page = e.get(pc, path)
		if !strings.Contains(page.body, "(High risk to Leo Price) was removed as entered in error") {
			t.Errorf("the removal does not name Leo:\n%s", between(page.body, `id="child-risks"`, "Assess risk"))
		}
		summary = between(page.body, "The baby and children</dt>", "</dd>")
		if !strings.Contains(summary, "Standard risk</strong>") || strings.Contains(summary, ", for ") {
			t.Errorf("after the removal: %s", summary)
		}
	})
}
