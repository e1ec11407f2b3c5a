package web_test

import (
	"net/http"
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
