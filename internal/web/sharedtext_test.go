package web_test

import (
	"net/http"
	"strings"
	"testing"
)

// Amy's practitioner types Amy's phone number and address into the team
// around the baby's form, and into why an entry was removed as entered in
// error: each is refused (never a server error), the error summary linking
// to the field and what was typed kept, and nothing reaches Jordan's
// practitioner's view of the family page.
func TestConfidentialDetailsKeptOutOfTeamAndRemovalReasons(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		_, path, pc, token := amysFamilyPage(t, e, "priya.shah@cradle.example")
		refused := func(name string, r resp, fields []string, kept ...string) {
			t.Helper()
			summary := between(r.body, "govuk-error-summary__list", "</ul>")
			if r.status != http.StatusUnprocessableEntity || !strings.Contains(summary, "This mentions Amy Foster&#39;s") {
				t.Fatalf("%s: %d, want 422 naming Amy's details\n%s", name, r.status, summary)
			}
			for _, f := range fields {
				if !strings.Contains(summary, `href="#`+f+`"`) {
					t.Errorf("%s: the error summary does not link to %s\n%s", name, f, summary)
				}
			}
			for _, k := range kept {
				if !strings.Contains(r.body, k) {
					t.Errorf("%s: what was typed is not kept: %q", name, k)
				}
			}
		}

		// Adding someone to the team: her number and her street, refused
		// together, each for its field.
		r := e.post(pc, path+"/professionals", mustForm("csrf_token", token, "name", "Jo Midwife", "role", "Midwife",
			"organisation", "Flat 3, 12 Harbour View FY1 9ZZ", "organisation_kind", "midwifery", "phone", "07700 900101"))
		refused("adding a professional", r, []string{"organisation", "phone"},
			`value="Jo Midwife"`, `value="Flat 3, 12 Harbour View FY1 9ZZ"`, `value="07700 900101"`)

		// Added with their own details; changing them to hers is refused too.
		if r := e.post(pc, path+"/professionals", mustForm("csrf_token", token, "name", "Jo Midwife", "role", "Midwife",
			"organisation", "Blackpool Teaching Hospitals", "organisation_kind", "midwifery", "phone", "01253 300000")); r.status != http.StatusSeeOther {
			t.Fatalf("add professional: %d\n%s", r.status, r.body)
		}
		page := e.get(pc, path)
		i := strings.Index(page.body, "Jo Midwife")
		j := strings.Index(page.body[i:], `?form=professional-`)
		if i < 0 || j < 0 {
			t.Fatal("no link to change the new member")
		}
		member := path + "/professionals/" + strings.Split(page.body[i+j+len(`?form=professional-`):], "#")[0]
		r = e.post(pc, member, mustForm("csrf_token", token, "name", "Jo Midwife", "role", "Visits Amy at 12 Harbour View",
			"organisation", "Blackpool Teaching Hospitals", "organisation_kind", "midwifery", "phone", "01253 300000"))
		refused("changing a professional", r, []string{"role"}, `value="Visits Amy at 12 Harbour View"`)

		// Removing them as added in error, with her number as the reason.
		r = e.post(pc, member+"/remove", mustForm("csrf_token", token, "remove_why", "Amy will ring from 07700 900101 instead"))
		refused("why a professional was removed", r, []string{"remove_why"}, ">Amy will ring from 07700 900101 instead</textarea>")

		// An assessment of risk to the children, removed with her postcode
		// as the reason.
		if r := e.post(pc, path+"/child-risk", mustForm("csrf_token", token, "child_concerns", "Shouting at handovers.", "child_level", "high",
			"child_plan", "Handovers at the family centre.")); r.status != http.StatusSeeOther {
			t.Fatalf("the assessment: %d\n%s", r.status, r.body)
		}
		page = e.get(pc, path)
		id := strings.Split(strings.Split(page.body, "?form=remove-child-risk-")[1], "#")[0]
		r = e.post(pc, path+"/child-risks/"+id+"/remove", mustForm("csrf_token", token, "remove_why", "Meant for the family at FY1 9ZZ"))
		refused("why an assessment was removed", r, []string{"remove_why"}, ">Meant for the family at FY1 9ZZ</textarea>")

		// Jordan's practitioner reads the team and the assessment, never
		// what was refused.
		tc := e.client()
		e.signIn(tc, "tom.elliott@cradle.example")
		p := e.get(tc, path)
		if p.status != http.StatusOK || !strings.Contains(p.body, "Jo Midwife") || !strings.Contains(p.body, "Handovers at the family centre.") {
			t.Fatalf("Jordan's practitioner's family page: %d", p.status)
		}
		for _, leak := range []string{"07700 900101", "Harbour View", "FY1 9ZZ", "was removed as entered in error"} {
			if strings.Contains(p.body, leak) {
				t.Errorf("Jordan's practitioner's family page holds %q", leak)
			}
		}
	})
}
