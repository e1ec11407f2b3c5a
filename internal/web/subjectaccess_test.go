package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/cradle-org/cradle/internal/audit"
	"github.com/cradle-org/cradle/internal/docs"
	"github.com/cradle-org/cradle/internal/family"
	"github.com/cradle-org/cradle/internal/referral"
	"github.com/cradle-org/cradle/internal/risk"
	"github.com/cradle-org/cradle/internal/sharing"
	"github.com/cradle-org/cradle/internal/store"
	"github.com/cradle-org/cradle/internal/web"
)

// TestDSLPreparesASubjectAccessRequest: a designated safeguarding lead
// prepares a parent's subject access request from their page, as a PDF or
// JSON download of the parent's own record (nothing of the other
// parent's), each audited; the page says what is left out. Nobody else is
// offered it, and a child's record is refused with a reason.
func TestDSLPreparesASubjectAccessRequest(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		f := demoFamily(t, e, "Amy") // Amy: Priya's parent; Jordan: Tom's
		amy, jordan := parentNamed(f, "Amy"), parentNamed(f, "Jordan")
		path := "/people/" + itoa(amy.ID)
		pc := e.client()
		e.signIn(pc, practitioner)
		if p := e.get(pc, path); strings.Contains(p.body, "/subject-access") {
			t.Error("a practitioner is offered a subject access request")
		}
		dc := e.client()
		e.signIn(dc, dsl)
		if p := e.get(dc, path); !strings.Contains(p.body, `href="`+path+`/subject-access"`) {
			t.Fatal("the lead is not offered a subject access request on the parent's page")
		}
		page := e.get(dc, path+"/subject-access")
		for _, want := range []string{"Prepare a subject access request", "Amy Foster", "What it leaves out", "Everything about your baby&#39;s other parent", "Read it all before it is released"} {
			if page.status != http.StatusOK || !strings.Contains(page.body, want) {
				t.Errorf("the page (%d) lacks %q", page.status, want)
			}
		}
		// Who received her information: a disclosure about her (what and
		// why), one about the family (the facts only), none about Jordan.
		priya := mustActor(t, e, practitioner)
		sctx := audit.WithSource(context.Background(), audit.Source{Actor: "test"})
		for _, sh := range []sharing.Share{
			{PersonID: amy.ID, Recipient: "CANARY-GP", What: "CANARY-AMY-WHAT"},
			{PersonID: 0, Recipient: "CANARY-HOUSING", What: "CANARY-FAMILY-WHAT"},
			{PersonID: jordan.ID, Recipient: "CANARY-PROBATION", What: "CANARY-JORDAN-WHAT"},
		} {
			sh.SharedOn, sh.Why, sh.Method, sh.LawfulBasis, sh.Consent = e.clock.Now(), "Care", "phone", "art6_1e", "given"
			actor := priya
			if sh.PersonID == jordan.ID {
				actor = mustActor(t, e, tom)
			}
			if err := e.db.RecordShare(sctx, actor, f.ID, sh); err != nil {
				t.Fatal(err)
			}
		}
		// Her completed DASH, and Jordan's: her answers are hers, the note
		// beside one and all of Jordan's are not.
		completeDASH(t, e, practitioner, amy.ID, []int{1}, "OWN-DASH-VIEW", "CANARY-AMY-DASH-NOTE")
		completeDASH(t, e, tom, jordan.ID, []int{2}, "CANARY-JORDAN-DASH-VIEW", "CANARY-JORDAN-DASH-NOTE")
		qs, err := risk.DefaultQuestions()
		if err != nil {
			t.Fatal(err)
		}
		token := csrfFrom(t, page.body)
		pdf := e.post(dc, path+"/subject-access", url.Values{"csrf_token": {token}, "format": {"pdf"}})
		if pdf.status != http.StatusOK || pdf.header.Get("Content-Type") != "application/pdf" ||
			!strings.Contains(pdf.header.Get("Content-Disposition"), `attachment; filename="subject-access-`+f.Reference) || !strings.HasPrefix(pdf.body, "%PDF") {
			t.Fatalf("the PDF: %d %v", pdf.status, pdf.header)
		}
		js := e.post(dc, path+"/subject-access", url.Values{"csrf_token": {token}, "format": {"json"}})
		var v struct {
			Name     string   `json:"name"`
			Withheld []string `json:"withheld"`
		}
		if js.status != http.StatusOK || !strings.Contains(js.header.Get("Content-Disposition"), ".json") || json.Unmarshal([]byte(js.body), &v) != nil ||
			v.Name != "Amy Foster" || len(v.Withheld) == 0 {
			t.Fatalf("the JSON: %d %v %+v", js.status, js.header, v)
		}
		for _, want := range []string{`"recipient": "CANARY-GP"`, `"what": "CANARY-AMY-WHAT"`, `"recipient": "CANARY-HOUSING"`, `"about_the_family_as_a_whole": true`} {
			if !strings.Contains(js.body, want) {
				t.Errorf("the JSON's disclosures lack %s", want)
			}
		}
		if got := dashAnswers(t, js.body); len(got) != 1 || len(got[0]) != risk.NumQuestions {
			t.Errorf("the JSON's risk assessments: %+v, want Amy's one with %d answers", got, risk.NumQuestions)
		} else {
			for i, a := range got[0] {
				want := docs.RiskAnswer{Number: i + 1, Question: qs.Questions[i].Text, Answer: "No"}
				if i == 0 {
					want.Answer = "Yes"
				}
				if a != want {
					t.Errorf("the JSON's answer %d: %+v, want %+v", i+1, a, want)
				}
			}
		}
		if line := "1. " + qs.Questions[0].Text + " Yes"; !strings.Contains(pdf.body, line) {
			t.Errorf("the PDF lacks %q", line)
		}
		for _, never := range []string{"CANARY-FAMILY-WHAT", "CANARY-PROBATION", "CANARY-JORDAN-WHAT", "CANARY-AMY-DASH-NOTE", "CANARY-JORDAN-DASH"} {
			for name, doc := range map[string]string{"JSON": js.body, "PDF": pdf.body} {
				if strings.Contains(doc, never) {
					t.Errorf("the %s holds %s", name, never)
				}
			}
		}
		for _, doc := range []string{pdf.body, js.body} {
			if !strings.Contains(doc, "Flat 3, 12 Harbour View") || !strings.Contains(doc, "OWN-DASH-VIEW") {
				t.Error("a download lacks the parent's own address or her view in her risk assessment")
			}
			if strings.Contains(doc, jordan.GivenName) {
				t.Error("a download names the other parent")
			}
		}
		if es, err := e.db.AuditEntries(context.Background(), store.AuditFilter{Actions: []string{"person.subject_access"}}); err != nil || len(es) != 2 || es[0].RecordID != amy.ID {
			t.Errorf("audit entries: %+v (%v), want two for Amy", es, err)
		}
		// The family's "who looked at this record" lists it.
		if who := e.get(dc, "/families/"+itoa(f.ID)+"/audit"); !strings.Contains(who.body, "Prepared a subject access request") {
			t.Errorf("who looked at the record (%d) does not list the request", who.status)
		}
		if r := e.post(pc, path+"/subject-access", url.Values{"csrf_token": {csrfFrom(t, e.get(pc, path).body)}}); r.status != http.StatusForbidden {
			t.Errorf("a practitioner's download: %d", r.status)
		}
		for _, p := range f.People {
			if p.Kind != family.Parent {
				if r := e.get(dc, "/people/"+itoa(p.ID)+"/subject-access"); r.status != http.StatusBadRequest || !strings.Contains(r.body, "parental responsibility") {
					t.Errorf("a child's record: %d", r.status)
				}
			}
		}
	})
}

// completeDASH completes a DASH for a parent as their practitioner (as):
// yes to the questions listed and no to the rest, with the parent's own
// view and a note beside question 1.
func completeDASH(t *testing.T, e *env, as string, personID int64, yes []int, view, note string) {
	t.Helper()
	a := risk.Assessment{Answers: map[int]risk.Answer{}, Context: map[int]string{1: note}, ParentView: view}
	for n := 1; n <= risk.NumQuestions; n++ {
		a.Answers[n] = risk.No
	}
	for _, n := range yes {
		a.Answers[n] = risk.Yes
	}
	ctx := audit.WithSource(context.Background(), audit.Source{Actor: "test"})
	if _, err := e.db.SaveRiskAssessment(ctx, mustActor(t, e, as), personID, 0, 0, a, true, e.db.RiskSettings()); err != nil {
		t.Fatalf("completing a DASH for person %d: %v", personID, err)
	}
}

// dashAnswers is the answers of each risk assessment in a subject access
// export's JSON.
func dashAnswers(t *testing.T, body string) [][]docs.RiskAnswer {
	t.Helper()
	var v docs.SubjectView
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatalf("the JSON: %v", err)
	}
	var out [][]docs.RiskAnswer
	for _, r := range v.Risk {
		out = append(out, r.Answers)
	}
	return out
}

// TestSubjectAccessUsesTheLoadedDASHWording: a deployment that loads its
// own DASH wording gets it beside the parent's answers in the download,
// not the shipped wording.
func TestSubjectAccessUsesTheLoadedDASHWording(t *testing.T) {
	shipped, err := risk.DefaultQuestions()
	if err != nil {
		t.Fatal(err)
	}
	licensed, err := risk.DefaultQuestions()
	if err != nil {
		t.Fatal(err)
	}
	for i := range licensed.Questions {
		licensed.Questions[i].Text = "LICENSED-WORDING " + itoa(int64(licensed.Questions[i].Number)) + "?"
	}
	eachWith(t, web.Config{Questions: licensed}, func(t *testing.T, e *env) {
		amy := parentNamed(demoFamily(t, e, "Amy"), "Amy")
		completeDASH(t, e, practitioner, amy.ID, []int{24}, "", "")
		path := "/people/" + itoa(amy.ID) + "/subject-access"
		dc := e.client()
		e.signIn(dc, dsl)
		token := csrfFrom(t, e.get(dc, path).body)
		js := e.post(dc, path, url.Values{"csrf_token": {token}, "format": {"json"}})
		if got := dashAnswers(t, js.body); len(got) != 1 || len(got[0]) != risk.NumQuestions ||
			got[0][0] != (docs.RiskAnswer{Number: 1, Question: "LICENSED-WORDING 1?", Answer: "No"}) ||
			got[0][23] != (docs.RiskAnswer{Number: 24, Question: "LICENSED-WORDING 24?", Answer: "Yes"}) {
			t.Errorf("the JSON's answers: %+v", got)
		}
		pdf := e.post(dc, path, url.Values{"csrf_token": {token}, "format": {"pdf"}})
		for _, want := range []string{"1. LICENSED-WORDING 1? No", "24. LICENSED-WORDING 24? Yes"} {
			if !strings.Contains(pdf.body, want) {
				t.Errorf("the PDF (%d) lacks %q", pdf.status, want)
			}
		}
		for name, doc := range map[string]string{"JSON": js.body, "PDF": pdf.body} {
			if strings.Contains(doc, shipped.Questions[0].Text) {
				t.Errorf("the %s has the shipped wording", name)
			}
		}
	})
}

// TestDSLPreparesASubjectAccessRequestFromAReferral: a referral never
// accepted offers a lead the request of a parent it names; the lead
// chooses which (a missing choice is named, not a server error) and
// downloads what it holds about that parent alone. An accepted referral
// offers none: its parents' pages do.
func TestDSLPreparesASubjectAccessRequestFromAReferral(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := audit.WithSource(context.Background(), audit.Source{Actor: "test"})
		var id int64
		if err := e.db.Update(ctx, func(tx *store.Tx) error {
			var err error
			id, _, err = tx.CreateReferral(store.NewReferral{Referral: referral.Referral{Source: referral.Self, DueDate: "2027-03-14",
				Parent1: referral.Parent{GivenName: "Kerry", FamilyName: "Lowe", Phone: "07700 900777"},
				Parent2: referral.Parent{GivenName: "Callum", FamilyName: "Reeve", Phone: "07700 900888"}, AnythingElse: "OWN-ANSWER"}, AreaName: "Blackpool"})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		path := "/referrals/" + itoa(id)
		mc := e.client()
		e.signIn(mc, manager)
		if p := e.get(mc, path); p.status != http.StatusOK || strings.Contains(p.body, "/subject-access") {
			t.Errorf("a team manager (%d) is offered a subject access request", p.status)
		}
		dc := e.client()
		e.signIn(dc, dsl)
		if p := e.get(dc, path); !strings.Contains(p.body, `href="`+path+`/subject-access"`) {
			t.Fatal("the lead is not offered a subject access request on the referral")
		}
		page := e.get(dc, path+"/subject-access")
		if page.status != http.StatusOK || !strings.Contains(page.body, "Kerry Lowe (who referred themselves)") || !strings.Contains(page.body, "Callum Reeve") {
			t.Fatalf("the page (%d) does not offer both parents", page.status)
		}
		token := csrfFrom(t, page.body)
		if r := e.post(dc, path+"/subject-access", url.Values{"csrf_token": {token}, "format": {"pdf"}}); r.status != http.StatusUnprocessableEntity ||
			!strings.Contains(r.body, "Select the parent who asked") || !strings.Contains(r.body, `href="#parent"`) {
			t.Errorf("no parent chosen: %d", r.status)
		}
		pdf := e.post(dc, path+"/subject-access", url.Values{"csrf_token": {token}, "format": {"pdf"}, "parent": {"2"}})
		if pdf.status != http.StatusOK || pdf.header.Get("Content-Type") != "application/pdf" || !strings.Contains(pdf.body, "Callum Reeve") ||
			strings.Contains(pdf.body, "Kerry") || strings.Contains(pdf.body, "OWN-ANSWER") || strings.Contains(pdf.body, "07700 900777") {
			t.Errorf("parent 2's PDF: %d %v", pdf.status, pdf.header)
		}
		js := e.post(dc, path+"/subject-access", url.Values{"csrf_token": {token}, "format": {"json"}, "parent": {"1"}})
		if js.status != http.StatusOK || !strings.Contains(js.body, "OWN-ANSWER") || strings.Contains(js.body, "Callum") {
			t.Errorf("parent 1's JSON: %d %s", js.status, js.body)
		}
		if es, err := e.db.AuditEntries(ctx, store.AuditFilter{Actions: []string{"referral.subject_access"}}); err != nil || len(es) < 3 {
			t.Errorf("audit entries: %d (%v)", len(es), err)
		}
		m, _ := e.db.StaffByEmail(ctx, manager)
		if _, err := e.db.DecideReferral(ctx, m.Actor(), id, referral.Decision{Outcome: referral.Accept, Detail: "Meets every criterion"}, store.Links{}, nil); err != nil {
			t.Fatal(err)
		}
		if p := e.get(dc, path); strings.Contains(p.body, "/subject-access") {
			t.Error("an accepted referral offers a subject access request")
		}
		if r := e.get(dc, path+"/subject-access"); r.status != http.StatusBadRequest || !strings.Contains(r.body, "from their own page") {
			t.Errorf("an accepted referral's request: %d", r.status)
		}
	})
}
