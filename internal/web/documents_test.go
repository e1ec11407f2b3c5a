package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/cradle-org/cradle/internal/audit"
	"github.com/cradle-org/cradle/internal/family"
	"github.com/cradle-org/cradle/internal/sharing"
	"github.com/cradle-org/cradle/internal/store"
)

func TestGeneratedDocumentsKeepCoParentDetailsOutAndAreLogged(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		f := demoFamily(t, e, "Amy")
		amy, jordan := parentNamed(f, "Amy"), parentNamed(f, "Jordan")
		const canary = "CANARY-DOC-91c2"
		priya := mustActor(t, e, practitioner)
		err := e.db.UpdateContact(audit.WithSource(ctx, audit.Source{Actor: "test"}), priya, amy.ID, store.ContactUpdate{Version: amy.Version,
			Details: family.Confidential{Address: canary + " Refuge Road", Postcode: "FY1 9ZZ", Phone: "07700 900777"}})
		if err != nil {
			t.Fatal(err)
		}
		path := "/families/" + itoa(f.ID) + "/documents"
		generate := func(c *http.Client, audience, action string) resp {
			page := e.get(c, path+"/new?kind=csc")
			return e.post(c, path, url.Values{"csrf_token": {csrfFrom(t, page.body)}, "kind": {"csc"}, "recipient": {"Duty social worker, Blackpool MASH"},
				"audience": {audience}, "concerns": {"Threats reported; the baby is due in ten weeks."}, "why": {"To protect the baby"},
				"lawful_basis": {"dpa_sch1_18"}, "consent": {"not_sought"}, "consent_reason": {"Seeking consent could put the baby at risk"}, "action": {action}})
		}
		pc := e.client()
		e.signIn(pc, practitioner)
		// A preview first, with no lawful basis: refused with the message.
		page := e.get(pc, path+"/new?kind=csc")
		if page.status != 200 {
			t.Fatalf("document form: %d", page.status)
		}
		bad := e.post(pc, path, url.Values{"csrf_token": {csrfFrom(t, page.body)}, "kind": {"csc"}, "recipient": {"MASH"}, "audience": {"agency"},
			"concerns": {"x"}, "why": {"y"}, "consent": {"given"}, "action": {"preview"}})
		if bad.status != http.StatusUnprocessableEntity || !strings.Contains(bad.body, "Select the lawful basis") {
			t.Fatalf("no lawful basis: %d", bad.status)
		}
		// The team around the baby goes in from the family's record.
		if err := e.db.AddProfessional(audit.WithSource(ctx, audit.Source{Actor: "test"}), priya, f.ID, sharing.Professional{Name: "Dana Okafor",
			Role: "Health visitor", Organisation: "Blackpool Teaching Hospitals", OrganisationKind: "health_visiting", Phone: "01253 900 123"}); err != nil {
			t.Fatal(err)
		}
		if p := generate(pc, "agency", "preview"); p.status != 200 || !strings.Contains(p.body, canary) || !strings.Contains(p.body, "Generate the PDF") ||
			!strings.Contains(p.body, "Dana Okafor") || !strings.Contains(p.body, "Risk level: ") {
			t.Errorf("agency-only preview should show Amy's details to her own practitioner, the team and each parent's risk level: %d", p.status)
		}
		before, _ := e.db.FamilyShares(ctx, priya, f)
		// For the receiving agency only: Amy's details may go in.
		agency := generate(pc, "agency", "generate")
		if agency.status != 200 || !strings.HasPrefix(agency.body, "%PDF-") || !strings.Contains(agency.body, canary) {
			t.Fatalf("agency-only PDF: %d, canary present %v", agency.status, strings.Contains(agency.body, canary))
		}
		if got, want := agency.header.Get("Content-Disposition"), `attachment; filename="`+f.Reference+`-csc.pdf"`; got != want {
			t.Errorf("Content-Disposition = %q, want %q", got, want)
		}
		// If it could reach Jordan's side, Amy's details stay out.
		side := generate(pc, "parent_"+itoa(jordan.ID), "generate")
		if side.status != 200 || !strings.HasPrefix(side.body, "%PDF-") || strings.Contains(side.body, canary) || !strings.Contains(side.body, "withheld") {
			t.Errorf("a document that could reach the co-parent's side contains the canary, or does not say details are withheld")
		}
		both := generate(pc, "both", "generate")
		if strings.Contains(both.body, canary) {
			t.Error("a document for both parents contains one parent's confidential details")
		}
		// Amy's postcode typed into the reasons of a document Jordan's side
		// could read is refused there, what was typed kept; for the agency
		// alone it may go in. Her phone in the sharing log's why, which
		// everyone working with the family reads, is refused whatever the
		// audience.
		typed := func(audience, concerns, why string) resp {
			page := e.get(pc, path+"/new?kind=csc")
			return e.post(pc, path, url.Values{"csrf_token": {csrfFrom(t, page.body)}, "kind": {"csc"}, "recipient": {"MASH"}, "audience": {audience},
				"concerns": {concerns}, "why": {why}, "lawful_basis": {"dpa_sch1_18"}, "consent": {"given"}, "action": {"preview"}})
		}
		if r := typed("parent_"+itoa(jordan.ID), "Amy has moved to FY1 9ZZ.", "Safety"); r.status != http.StatusUnprocessableEntity ||
			!strings.Contains(r.body, "This mentions Amy Foster&#39;s postcode, which some who could end up reading the document may not see") ||
			!strings.Contains(r.body, "Amy has moved to FY1 9ZZ.") {
			t.Errorf("Amy's postcode in a document Jordan's side could read: %d", r.status)
		}
		if r := typed("agency", "Amy has moved to FY1 9ZZ.", "Safety"); r.status != http.StatusOK {
			t.Errorf("Amy's postcode in a document for the agency alone: %d", r.status)
		}
		if r := typed("agency", "Threats.", "So they can ring her on 07700 900777"); r.status != http.StatusUnprocessableEntity ||
			!strings.Contains(r.body, "This mentions Amy Foster&#39;s phone number, which others working with the family may not see") {
			t.Errorf("Amy's phone in the sharing log's why: %d", r.status)
		}
		// The co-parent's practitioner can never put Amy's details in a document.
		tc := e.client()
		e.signIn(tc, tom)
		if d := generate(tc, "agency", "generate"); d.status != 200 || strings.Contains(d.body, canary) {
			t.Errorf("the co-parent's practitioner's document: %d, canary %v", d.status, strings.Contains(d.body, canary))
		}
		after, _ := e.db.FamilyShares(ctx, priya, f)
		if len(after)-len(before) != 4 {
			t.Errorf("shares logged = %d, want 4 (one per generated document)", len(after)-len(before))
		}
	})
}
