package web_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/audit"
	"github.com/cradle-org/cradle/internal/risk"
	"github.com/cradle-org/cradle/internal/safeguarding"
	"github.com/cradle-org/cradle/internal/sharing"
	"github.com/cradle-org/cradle/internal/store"
)

// A family's chronology gathers its significant events in date order: Jess
// Morris's practitioner reads her risk history with links to each
// assessment's answers and her safety plan's reviews; Callum's practitioner
// reads the same dates and levels but not what is confidential to Jess (the
// answers, the plan's reviews, what changed in her circumstances), as on
// her page. It narrows to one parent, turns newest first, and is audited
// as a view of the family and of each parent.
func TestFamilyChronology(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		f := demoFamily(t, e, "Jess")
		jess, callum := parentNamed(f, "Jess"), parentNamed(f, "Callum")
		jessPage := "/people/" + itoa(jess.ID)
		url := "/families/" + itoa(f.ID) + "/chronology"
		pc := e.client()
		e.signIn(pc, practitioner)
		if fam := e.get(pc, "/families/"+itoa(f.ID)); !strings.Contains(fam.body, `href="`+url+`"`) {
			t.Fatal("the family's page does not link to its chronology")
		}
		// A change in Jess's circumstances, which only her side may read.
		token := csrfFrom(t, e.get(pc, jessPage).body)
		if r := e.post(pc, jessPage+"/changes", dateForm("changed_on", e.clock.Now(), "csrf_token", token, "change_kind", "moved_house")); r.status != http.StatusSeeOther {
			t.Fatalf("recording a change: %d", r.status)
		}
		// A VIG cycle with her, its strengths confidential: filmed, then reviewed.
		vig := dateForm("filmed_on", e.clock.Now().AddDate(0, 0, -20), "csrf_token", token, "phase", "postnatal", "strengths", "CANARY-VIG-STRENGTHS",
			"vig_confidential", "yes")
		for k, v := range dateForm("reviewed_on", e.clock.Now().AddDate(0, 0, -10)) {
			vig[k] = v
		}
		if r := e.post(pc, jessPage+"/vig", vig); r.status != http.StatusSeeOther {
			t.Fatalf("recording a VIG cycle: %d\n%s", r.status, r.body)
		}

		page := e.get(pc, url)
		if page.status != http.StatusOK {
			t.Fatalf("the chronology: %d\n%s", page.status, page.body)
		}
		rows := between(page.body, "<tbody", "</tbody>")
		for _, want := range []string{"Referral accepted: the family&#39;s record opened", `href="` + jessPage + `/dash/`, "DASH risk assessment: High risk",
			"DASH risk assessment: Standard risk", "Incident · police involved · injuries", "Referred to MARAC: outcome recorded",
			`href="` + jessPage + `/safety-plan">Safety plan reviewed`, "Change in circumstances: Moved house", "Jess Morris", "Practitioner: Priya Shah", "Practitioner: Grace Adeyemi",
			"Postnatal Video Interaction Guidance cycle: filmed", "Postnatal Video Interaction Guidance cycle: shared review"} {
			if !strings.Contains(rows, want) {
				t.Errorf("Jess's practitioner's chronology lacks %q", want)
			}
		}
		// Oldest first: the family opened before Jess's first assessment,
		// her high risk before her standard.
		if a, b, c := strings.Index(rows, "Referral accepted"), strings.Index(rows, "High risk"), strings.Index(rows, "Standard risk"); a < 0 || b < a || c < b {
			t.Errorf("the chronology is not oldest first (%d, %d, %d)", a, b, c)
		}
		newest := between(e.get(pc, url+"?order=newest").body, "<tbody", "</tbody>")
		if b, c := strings.Index(newest, "High risk"), strings.Index(newest, "Standard risk"); c < 0 || b < c {
			t.Errorf("newest first does not put the standard risk before the high (%d, %d)", b, c)
		}
		// Narrowed to Callum: nothing about Jess; an about that is nobody
		// here shows everyone.
		only := e.get(pc, url+"?about="+itoa(callum.ID))
		if strings.Contains(between(only.body, "<tbody", "</tbody>"), "Jess Morris") || !strings.Contains(only.body, `value="`+itoa(callum.ID)+`" selected`) {
			t.Error("the chronology narrowed to Callum still lists Jess's events, or does not say whom it shows")
		}
		if r := e.get(pc, url+"?about=987654"); !strings.Contains(r.body, "High risk") {
			t.Error("an about that names nobody in the family hides events")
		}

		// Callum's practitioner: the dates and levels, not what is Jess's.
		gc := e.client()
		e.signIn(gc, grace)
		g := e.get(gc, url)
		grows := between(g.body, "<tbody", "</tbody>")
		if g.status != http.StatusOK || !strings.Contains(grows, "DASH risk assessment: High risk") || !strings.Contains(grows, "Incident · police involved") ||
			!strings.Contains(grows, "Postnatal Video Interaction Guidance cycle: shared review") {
			t.Fatalf("Callum's practitioner's chronology: %d\n%s", g.status, grows)
		}
		for _, never := range []string{jessPage + "/dash/", jessPage + "/safety-plan", "Moved house", "CANARY-VIG-STRENGTHS"} {
			if strings.Contains(g.body, never) {
				t.Errorf("Callum's practitioner's chronology shows %q, confidential to Jess", never)
			}
		}
		if !strings.Contains(grows, "Change in circumstances recorded; what changed is withheld") {
			t.Error("Callum's practitioner's chronology does not say a change was recorded")
		}

		// Audited: the family and each parent, named as the chronology.
		for _, rec := range []struct {
			kind string
			id   int64
		}{{"family", f.ID}, {"person", jess.ID}, {"person", callum.ID}} {
			es, err := e.db.AuditEntries(context.Background(), store.AuditFilter{RecordType: rec.kind, RecordID: rec.id, ActorID: mustActor(t, e, grace).StaffID,
				Actions: []string{rec.kind + ".view"}})
			if err != nil {
				t.Fatal(err)
			}
			if len(es) == 0 || es[0].Detail != "chronology" {
				t.Errorf("Grace's chronology is not audited as a view of %s %d: %+v", rec.kind, rec.id, es)
			}
		}

		// Someone who may not see the family sees nothing of it.
		tc := e.client()
		e.signIn(tc, tom)
		if r := e.get(tc, url); r.status != http.StatusForbidden || strings.Contains(r.body, "Jess") {
			t.Errorf("Tom, who works with neither parent, reads the chronology: %d", r.status)
		}
		if r := e.get(pc, "/families/987654/chronology"); r.status != http.StatusNotFound {
			t.Errorf("the chronology of no family: %d", r.status)
		}
	})
}

// A chronology for another agency (a child protection conference, say) is
// generated as the family's other documents are: what it is for is
// required and refused if it holds a parent's contact details the
// document's readers may not see; if it could reach Callum's side, what is
// Jess's alone stays out (what changed in her circumstances, her safety
// plan's reviews) and so do the safeguarding concerns, which go only to
// the receiving agency alone; generating it logs the share.
func TestChronologyDocument(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := audit.WithSource(context.Background(), audit.Source{Actor: "test"})
		f := demoFamily(t, e, "Jess")
		jess, callum := parentNamed(f, "Jess"), parentNamed(f, "Callum")
		priya := mustActor(t, e, practitioner)
		if err := e.db.RecordChange(ctx, priya, jess.ID, risk.Change{Kind: "moved_house", On: e.clock.Now()}); err != nil {
			t.Fatal(err)
		}
		no := false
		if _, err := e.db.RaiseConcern(ctx, priya, store.NewConcern{FamilyID: f.ID, PersonID: jess.ID,
			Concern: safeguarding.Concern{About: "CANARY-CONCERN words", AtRisk: safeguarding.AtRiskParent, ImmediateDanger: &no},
			Due:     e.clock.Now().Add(time.Hour)}, nil); err != nil {
			t.Fatal(err)
		}
		path := "/families/" + itoa(f.ID) + "/documents"
		pc := e.client()
		e.signIn(pc, practitioner)
		if p := e.get(pc, "/families/"+itoa(f.ID)+"/chronology"); !strings.Contains(p.body, `href="`+path+`/new?kind=chronology"`) {
			t.Error("the chronology page does not offer to generate it for another agency")
		}
		form := e.get(pc, path+"/new?kind=chronology")
		if form.status != http.StatusOK || !strings.Contains(form.body, "Chronology for another agency") || !strings.Contains(form.body, `name="purpose"`) {
			t.Fatalf("the chronology document's form: %d", form.status)
		}
		send := func(audience, purpose, action string) resp {
			return e.post(pc, path, url.Values{"csrf_token": {csrfFrom(t, form.body)}, "kind": {"chronology"}, "recipient": {"Chair, initial child protection conference"},
				"audience": {audience}, "purpose": {purpose}, "why": {"The conference asked for a chronology"},
				"lawful_basis": {"dpa_sch1_18"}, "consent": {"not_sought"}, "consent_reason": {"Seeking consent could put the baby at risk"}, "action": {action}})
		}
		if r := send("agency", " ", "preview"); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Say what the chronology is for") ||
			!strings.Contains(r.body, `href="#purpose"`) {
			t.Errorf("no purpose: %d", r.status)
		}
		// Jess's phone number in words Callum's side could read: refused.
		if r := send("parent_"+itoa(callum.ID), "Conference on Monday; ring Jess on 07700 900107", "preview"); r.status != http.StatusUnprocessableEntity ||
			!strings.Contains(r.body, `href="#purpose"`) || !strings.Contains(r.body, "07700 900107</textarea>") {
			t.Errorf("a parent's phone number in the purpose of a document the other side could read: %d", r.status)
		}

		agency := send("agency", "Initial child protection conference on 12 January", "preview")
		text := between(agency.body, `id="preview"`, "</div>")
		for _, want := range []string{"Chronology of significant events", "What this chronology is for", "Initial child protection conference on 12 January",
			"Jess Morris — DASH risk assessment: High risk", "Change in circumstances: Moved house", "Safety plan reviewed", "Safeguarding concern raised"} {
			if !strings.Contains(text, want) {
				t.Errorf("the preview for the receiving agency alone lacks %q:\n%s", want, text)
			}
		}
		// Could it reach Callum's side: none of Jess's risk records, not
		// even that one was made, and the document says so; the family's
		// events and who works with Jess stay.
		side := between(send("parent_"+itoa(callum.ID), "Initial child protection conference", "preview").body, `id="preview"`, "</div>")
		for _, want := range []string{"Referral accepted", "Jess Morris — Practitioner: Priya Shah", "Isla Morris — Born", "Risk level: withheld",
			"Left out\nJess Morris&#39;s risk assessments, incidents, MARAC referrals, changes in circumstances, safety plan reviews and pauses"} {
			if !strings.Contains(side, want) {
				t.Errorf("the preview that could reach Callum's side lacks %q:\n%s", want, side)
			}
		}
		for _, never := range []string{"DASH risk assessment", "Incident ·", "Referred to MARAC", "Change in circumstances:", "Change in circumstances recorded", "Moved house", "Safety plan reviewed", "Safeguarding concern", "CANARY"} {
			if strings.Contains(side, never) {
				t.Errorf("the preview that could reach Callum's side holds %q", never)
			}
		}

		pdf := send("agency", "Initial child protection conference on 12 January", "generate")
		if pdf.status != http.StatusOK || !strings.HasPrefix(pdf.body, "%PDF-") ||
			pdf.header.Get("Content-Disposition") != `attachment; filename="`+f.Reference+`-chronology.pdf"` {
			t.Fatalf("generating the chronology: %d %q", pdf.status, pdf.header.Get("Content-Disposition"))
		}
		shares, err := e.db.FamilyShares(context.Background(), priya, f)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(shares, func(s sharing.Share) bool { return s.What == "Chronology of significant events (generated document)" }) {
			t.Errorf("the generated chronology is not in the sharing log: %+v", shares)
		}
	})
}
