package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/demo"
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
		if r := e.post(pc, remove, mustForm("csrf_token", token, "remove_why", "Again")); r.status != http.StatusConflict || !strings.Contains(r.body, "removed as entered in error already") {
			t.Errorf("a second time: %d, want 409 saying it was removed already", r.status)
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

// A child's own page lists, newest first, the assessments of risk to the
// children that cover them: about them alone or about all the children,
// never one about another child nor one removed as entered in error; with
// none, it says so. An answer to "who is it about?" that is no child's is
// refused, naming the question.
func TestChildRiskOnChildsPage(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		f, path, pc, token := amysFamilyPage(t, e, "priya.shah@cradle.example")
		for _, name := range []string{"Leo", "Mia"} {
			if r := e.post(pc, path+"/children", url.Values{"csrf_token": {token}, "child_given_name": {name}, "child_family_name": {"Price"}, "child_household": {"0"}}); r.status != http.StatusSeeOther {
				t.Fatalf("adding %s: %d", name, r.status)
			}
		}
		page := e.get(pc, path)
		childPage := func(name string) string {
			t.Helper()
			m := regexp.MustCompile(`href="(/people/\d+)">` + name + ` Price</a>`).FindStringSubmatch(page.body)
			if m == nil {
				t.Fatalf("no link to %s's page:\n%s", name, between(page.body, `id="children"`, "</ul>"))
			}
			return m[1]
		}
		leo, mia := childPage("Leo"), childPage("Mia")
		var baby string
		for _, p := range f.People {
			if p.Kind == "baby" {
				baby = "/people/" + itoa(p.ID)
			}
		}
		if baby == "" {
			t.Fatal("Amy's family has no baby")
		}

		// Whatever the demo assessed is removed first, so the page has none.
		latest := regexp.MustCompile(`\?form=remove-child-risk-(\d+)#`)
		for m := latest.FindStringSubmatch(page.body); m != nil; m = latest.FindStringSubmatch(page.body) {
			if r := e.post(pc, path+"/child-risks/"+m[1]+"/remove", mustForm("csrf_token", token, "remove_why", "Cleared for the test")); r.status != http.StatusSeeOther {
				t.Fatalf("removing the demo's assessment %s: %d", m[1], r.status)
			}
			page = e.get(pc, path)
		}
		if p := e.get(pc, leo); p.status != http.StatusOK || !strings.Contains(p.body, `id="child-risks">Risk to this child</h2>`) ||
			!strings.Contains(p.body, "No assessment of risk to the children covers this child yet.") || strings.Contains(p.body, "#child-risk-") {
			t.Fatalf("Leo's page with no assessment: %d\n%s", p.status, between(p.body, `id="child-risks"`, `id="sessions"`))
		}

		// None of the children's: refused, naming the question.
		assess := func(about, level string) string {
			t.Helper()
			form := mustForm("csrf_token", token, "child_about", about, "child_concerns", "Shouting at handovers.", "child_level", level, "child_plan", "Review in a month.")
			if r := e.post(pc, path+"/child-risk", form); r.status != http.StatusSeeOther {
				t.Fatalf("about %s: %d\n%s", about, r.status, r.body)
			}
			m := latest.FindStringSubmatch(e.get(pc, path).body)
			if m == nil {
				t.Fatalf("the assessment about %s is not on the family page", about)
			}
			return m[1]
		}
		r := e.post(pc, path+"/child-risk", mustForm("csrf_token", token, "child_about", "someone-else", "child_concerns", "Shouting at handovers.",
			"child_level", "high", "child_plan", "Review in a month."))
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `href="#child_about"`) ||
			!strings.Contains(r.body, "Select who the assessment is about from the children on this family") {
			t.Fatalf("about no child: %d\n%s", r.status, between(r.body, "govuk-error-summary", "</div>"))
		}
		all := assess("all", "standard")
		leos := assess(strings.TrimPrefix(leo, "/people/"), "high")
		mias := assess(strings.TrimPrefix(mia, "/people/"), "medium")
		wrong := assess(strings.TrimPrefix(leo, "/people/"), "medium")
		if r := e.post(pc, path+"/child-risks/"+wrong+"/remove", mustForm("csrf_token", token, "remove_why", "Recorded twice")); r.status != http.StatusSeeOther {
			t.Fatalf("removing the second of Leo's: %d", r.status)
		}
		link := func(id string) string { return `href="` + path + `#child-risk-` + id + `"` }

		// Leo's page, read by his family's practitioners and their
		// safeguarding lead: his and all the children's, his first (the
		// later), not Mia's nor the one removed.
		for _, who := range []string{"priya.shah@cradle.example", "tom.elliott@cradle.example", "ruth.adams@cradle.example"} {
			c := pc
			if who != "priya.shah@cradle.example" {
				c = e.client()
				e.signIn(c, who)
			}
			p := e.get(c, leo)
			section := between(p.body, `id="child-risks"`, `id="sessions"`)
			his, theirs := strings.Index(section, link(leos)), strings.Index(section, link(all))
			if p.status != http.StatusOK || his < 0 || theirs < 0 || his > theirs {
				t.Errorf("%s: Leo's page lacks his or all the children's assessment, newest first (at %d and %d):\n%s", who, his, theirs, section)
			}
			for _, want := range []string{"High risk</strong>", "Leo Price alone", "Standard risk</strong>", "The baby and all the other children", "Priya Shah"} {
				if !strings.Contains(section, want) {
					t.Errorf("%s: Leo's page lacks %q:\n%s", who, want, section)
				}
			}
			if strings.Contains(section, link(mias)) || strings.Contains(section, link(wrong)) || strings.Contains(section, "Mia Price") {
				t.Errorf("%s: Leo's page lists Mia's assessment or the one removed:\n%s", who, section)
			}
		}
		// The baby's page: all the children's only.
		p := e.get(pc, baby)
		section := between(p.body, `id="child-risks"`, `id="sessions"`)
		if !strings.Contains(p.body, `id="child-risks">Risk to the baby</h2>`) || !strings.Contains(section, link(all)) ||
			strings.Contains(section, link(leos)) || strings.Contains(section, link(mias)) {
			t.Errorf("the baby's page:\n%s", section)
		}
		// A parent's page has no such section: their risk is the DASH.
		if p := e.get(pc, "/people/"+itoa(parentNamed(f, "Amy").ID)); strings.Contains(p.body, `id="child-risks"`) {
			t.Errorf("Amy's page lists the assessments of risk to the children")
		}
	})
}

// A baby's or another child's page offers nothing that is only ever about a
// parent (sessions, pauses, joint sessions, VIG, their practitioner), and
// another child's no outcome measures (every instrument is a parent's or
// the baby's); a hand-made post of a parent's form to a child's record is
// refused by name, not saved, and never a server error.
func TestChildsPageOffersNoParentsWork(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		f, path, pc, token := amysFamilyPage(t, e, "priya.shah@cradle.example")
		if r := e.post(pc, path+"/children", url.Values{"csrf_token": {token}, "child_given_name": {"Leo"}, "child_family_name": {"Price"}, "child_household": {"0"}}); r.status != http.StatusSeeOther {
			t.Fatalf("adding Leo: %d", r.status)
		}
		m := regexp.MustCompile(`href="(/people/\d+)">Leo Price</a>`).FindStringSubmatch(e.get(pc, path).body)
		if m == nil {
			t.Fatal("no link to Leo's page")
		}
		leo, baby := m[1], ""
		for _, p := range f.People {
			if p.Kind == "baby" {
				baby = "/people/" + itoa(p.ID)
			}
		}
		amy := "/people/" + itoa(parentNamed(f, "Amy").ID)
		parentsOnly := []string{"Practitioner</dt>", "?form=pause", "Joint co-parenting sessions", "?form=session", `id="sessions"`, `id="vig"`, "?form=vig"}
		for _, want := range parentsOnly {
			if p := e.get(pc, amy); !strings.Contains(p.body, want) {
				t.Errorf("Amy's page lacks %q (the check below would prove nothing)", want)
			}
		}
		for _, child := range []string{baby, leo} {
			p := e.get(pc, child)
			if p.status != http.StatusOK || !strings.Contains(p.body, `id="child-risks"`) {
				t.Fatalf("%s: %d", child, p.status)
			}
			for _, unwanted := range parentsOnly {
				if strings.Contains(p.body, unwanted) {
					t.Errorf("%s offers %q", child, unwanted)
				}
			}
		}
		if p := e.get(pc, baby); !strings.Contains(p.body, `href="`+baby+`/measures"`) {
			t.Error("the baby's page does not link to the baby's outcome measures")
		}
		if p := e.get(pc, leo); strings.Contains(p.body, `href="`+leo+`/measures"`) {
			t.Error("Leo's page links to outcome measures, all of them a parent's or the baby's")
		}
		if p := e.get(pc, leo+"/measures"); p.status != http.StatusNotFound || !strings.Contains(p.body, "Outcome measures are recorded for the parents and the baby") {
			t.Errorf("Leo's measures page: %d\n%s", p.status, between(p.body, "<main", "</main>"))
		}

		posts := []struct{ path, message string }{
			{"/sessions", "Sessions are recorded with a parent"},
			{"/vig", "VIG cycles are recorded with a parent"},
			{"/joint-safety", "Joint sessions are agreed for a parent"},
			{"/pause", "Sessions are paused for a parent"},
			{"/incidents", "Incidents are recorded for a parent"},
			{"/marac", "MARAC referrals are recorded for a parent"},
			{"/safety-plan", "A safety plan is written with a parent"},
			{"/consents", "Consent to share is recorded for a parent"},
		}
		for _, child := range []string{baby, leo} {
			for _, post := range posts {
				r := e.post(pc, child+post.path, mustForm("csrf_token", token, "safe", "yes", "safe_places", "A friend's flat", "reason", "health",
					"confidential", "no", "vig_confidential", "no", "police_involved", "no", "injuries", "no", "children_present", "no"))
				if r.status >= 500 || r.status < 400 || !strings.Contains(r.body, post.message) {
					t.Errorf("POST %s%s: %d, want a refusal saying %q\n%s", child, post.path, r.status, post.message, between(r.body, "govuk-error-summary", "</div>"))
				}
			}
		}
		// Nothing was saved: the family page's safety plan line and the
		// children's pages are as they were.
		if p := e.get(pc, baby); strings.Contains(p.body, "Next review") || strings.Contains(p.body, "Sessions paused") {
			t.Errorf("the baby's page shows a plan or a pause after the refused posts")
		}
	})
}

// A child who lives with Amy is found where Amy is: Jordan's practitioner
// reads Leo's page without his contact details, cannot open or post their
// form, and cannot move him out of Amy's household; Amy's practitioner
// records his address, and once he is recorded as living with neither
// parent, Jordan's practitioner reads it. The details form asks whom
// another child lives with, and keeps the answer given.
func TestChildsContactsFollowTheirHousehold(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		f, path, pc, token := amysFamilyPage(t, e, "priya.shah@cradle.example")
		slot := itoa(int64(parentNamed(f, "Amy").ParentSlot))
		if r := e.post(pc, path+"/children", url.Values{"csrf_token": {token}, "child_given_name": {"Leo"}, "child_family_name": {"Price"}, "child_household": {slot}}); r.status != http.StatusSeeOther {
			t.Fatalf("adding Leo: %d", r.status)
		}
		m := regexp.MustCompile(`href="(/people/\d+)">Leo Price</a>`).FindStringSubmatch(e.get(pc, path).body)
		if m == nil {
			t.Fatal("no link to Leo's page")
		}
		leo := m[1]
		contact := e.get(pc, leo+"/contact")
		if contact.status != http.StatusOK {
			t.Fatalf("Amy's practitioner opens Leo's contact form: %d", contact.status)
		}
		version := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(contact.body)
		if r := e.post(pc, leo+"/contact", mustForm("csrf_token", token, "version", version[1], "address", "CANARY-LEO 4 Hidden Lane")); r.status != http.StatusSeeOther {
			t.Fatalf("Amy's practitioner saves Leo's address: %d\n%s", r.status, between(r.body, "govuk-error-summary", "</div>"))
		}
		if p := e.get(pc, leo); !strings.Contains(p.body, "CANARY-LEO 4 Hidden Lane") {
			t.Error("Amy's practitioner does not read Leo's address")
		}

		tc := e.client()
		e.signIn(tc, "tom.elliott@cradle.example")
		tomToken := csrfFrom(t, e.get(tc, path).body)
		p := e.get(tc, leo)
		if p.status != http.StatusOK || strings.Contains(p.body, "CANARY-LEO") || strings.Contains(p.body, leo+"/contact") ||
			!strings.Contains(p.body, "Withheld: seen only by the practitioner of the parent Leo Price lives with. If you must see them, break the glass on that parent's record.") {
			t.Errorf("Jordan's practitioner on Leo's page: %d, address or contact form shown, or nothing said withheld", p.status)
		}
		if r := e.get(tc, leo+"/contact"); r.status != http.StatusForbidden || strings.Contains(r.body, "CANARY-LEO") {
			t.Errorf("Jordan's practitioner opens Leo's contact form: %d", r.status)
		}
		if r := e.post(tc, leo+"/contact", mustForm("csrf_token", tomToken, "version", version[1], "address", "Somewhere")); r.status != http.StatusForbidden {
			t.Errorf("Jordan's practitioner posts Leo's contact form: %d", r.status)
		}
		details := e.get(tc, leo+"/details")
		if details.status != http.StatusOK || !strings.Contains(details.body, "Who does the child live with?") ||
			!regexp.MustCompile(`value="`+slot+`" checked`).MatchString(details.body) {
			t.Fatalf("Leo's details form for Jordan's practitioner: %d\n%s", details.status, between(details.body, "<form", "</form>"))
		}
		dv := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(details.body)[1]
		move := func(c *http.Client, token, household string) resp {
			return e.post(c, leo+"/details", mustForm("csrf_token", token, "version", dv, "given_name", "Leo", "family_name", "Price", "household", household))
		}
		r := move(tc, tomToken, "0")
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `href="#household"`) ||
			!strings.Contains(r.body, "Only the practitioner of the parent Leo Price lives with, or a team manager, can record that they live somewhere else") ||
			!regexp.MustCompile(`value="0" checked`).MatchString(r.body) || strings.Contains(r.body, "CANARY-LEO") {
			t.Errorf("Jordan's practitioner moves Leo: %d\n%s", r.status, between(r.body, "govuk-error-summary", "</div>"))
		}

		// A break-glass grant on Amy's details covers Leo's, till it ends.
		amy := "/people/" + itoa(parentNamed(f, "Amy").ID)
		rtoken := csrfFrom(t, e.get(tc, amy+"/reveal").body)
		if r := e.post(tc, amy+"/reveal", mustForm("csrf_token", rtoken, "reason", "Police need to check on Amy and her children tonight", "password", demo.Password)); r.status != http.StatusSeeOther {
			t.Fatalf("break glass on Amy: %d", r.status)
		}
		if p := e.get(tc, leo); !strings.Contains(p.body, "CANARY-LEO 4 Hidden Lane") || !strings.Contains(p.body, "break-glass access until "+e.clock.Now().Add(time.Hour).Format("2 January 2006")) {
			t.Errorf("Leo's page after a grant on Amy's details:\n%s", between(p.body, "<main", "</dl>"))
		}
		e.clock.Advance(61 * time.Minute)
		e.signIn(tc, "tom.elliott@cradle.example")
		e.signIn(pc, "priya.shah@cradle.example")
		token = csrfFrom(t, e.get(pc, path).body)
		if p := e.get(tc, leo); strings.Contains(p.body, "CANARY-LEO") {
			t.Error("the grant on Amy's details outlived its hour on Leo's page")
		}

		// Amy's practitioner records that he lives with neither parent:
		// his details are the family's again.
		if r := move(pc, token, "0"); r.status != http.StatusSeeOther {
			t.Fatalf("Amy's practitioner moves Leo: %d\n%s", r.status, between(r.body, "govuk-error-summary", "</div>"))
		}
		if p := e.get(tc, leo); !strings.Contains(p.body, "CANARY-LEO 4 Hidden Lane") {
			t.Error("Jordan's practitioner does not read the address of Leo, who lives with neither parent now")
		}
		if p := e.get(pc, path); !strings.Contains(p.body, "lives with both parents, neither, or not known") {
			t.Error("the family page does not say Leo lives with neither parent")
		}
	})
}

// The baby may live with one parent too. Isla (the demo's) lives with
// Jess: Callum's practitioner reads her details withheld and cannot change
// them, yet records her development measures, which are both
// practitioners'; a lead reads them and records none. Amy's baby, not yet
// named, is given a household on its details form, its name left empty.
func TestBabysHousehold(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		f := demoFamily(t, e, "Jess")
		isla, ok := f.Baby()
		if !ok || isla.Household != parentNamed(f, "Jess").ParentSlot {
			t.Fatalf("the demo's Isla: %+v", isla)
		}
		page := "/people/" + itoa(isla.ID)
		pc := e.client()
		e.signIn(pc, "priya.shah@cradle.example")
		if p := e.get(pc, "/families/"+itoa(f.ID)); !strings.Contains(p.body, "Jess Morris: the baby's contact details are seen only by their practitioner") ||
			!strings.Contains(p.body, `href="`+page+`/details">Change who the baby lives with`) || !strings.Contains(p.body, `href="`+page+`">Isla Morris</a>`) {
			t.Errorf("Jess's family page does not say whom Isla lives with, or link to her page:\n%s", between(p.body, "<main", "Co-parents"))
		}

		gc := e.client()
		e.signIn(gc, "grace.adeyemi@cradle.example")
		if p := e.get(gc, page); p.status != http.StatusOK || strings.Contains(p.body, page+"/contact") ||
			!strings.Contains(p.body, "Withheld: seen only by the practitioner of the parent Isla Morris lives with.") {
			t.Errorf("Callum's practitioner on Isla's page: %d, or the contact form offered, or nothing withheld", p.status)
		}
		if r := e.get(gc, page+"/contact"); r.status != http.StatusForbidden {
			t.Errorf("Callum's practitioner opens Isla's contact form: %d", r.status)
		}
		recordMeasure(t, e, gc, isla.ID, "asqse2", "m6", "total", "20")
		if p := e.get(gc, page+"/measures"); !strings.Contains(p.body, "Record a measure") || strings.Contains(p.body, "Withheld") {
			t.Errorf("Callum's practitioner on Isla's measures: cannot record, or reads them withheld")
		}
		lc := e.client()
		e.signIn(lc, ruth)
		if p := e.get(lc, page+"/measures"); p.status != http.StatusOK || strings.Contains(p.body, "Withheld") || strings.Contains(p.body, "Record a measure") {
			t.Errorf("a lead on Isla's measures: %d, withheld or offered to record", p.status)
		}
		if r := e.get(lc, page+"/measures/asq3"); r.status != http.StatusForbidden || !strings.Contains(r.body, "record the baby&#39;s outcome measures") {
			t.Errorf("a lead opens Isla's ASQ-3 form: %d", r.status)
		}

		// Amy's baby, not yet named, lives with Amy: the form needs no name.
		amys := demoFamily(t, e, "Amy")
		baby, ok := amys.Baby()
		if !ok {
			t.Fatal("Amy's family has no baby record")
		}
		bp := "/people/" + itoa(baby.ID)
		form := e.get(pc, bp+"/details")
		if !strings.Contains(form.body, "Who does the baby live with?") || !strings.Contains(form.body, "First name (optional)") {
			t.Fatalf("the baby's details form:\n%s", between(form.body, "<form", "</form>"))
		}
		v := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(form.body)[1]
		if r := e.post(pc, bp+"/details", mustForm("csrf_token", csrfFrom(t, form.body), "version", v, "household", "9")); r.status != http.StatusUnprocessableEntity ||
			!strings.Contains(r.body, "Select who the baby lives with") {
			t.Errorf("a household that is no parent's: %d", r.status)
		}
		if r := e.post(pc, bp+"/details", mustForm("csrf_token", csrfFrom(t, form.body), "version", v, "household", itoa(int64(parentNamed(amys, "Amy").ParentSlot)))); r.status != http.StatusSeeOther {
			t.Fatalf("recording that Amy's baby lives with her: %d\n%s", r.status, between(r.body, "govuk-error-summary", "</div>"))
		}
		tc := e.client()
		e.signIn(tc, "tom.elliott@cradle.example")
		if p := e.get(tc, bp); !strings.Contains(p.body, "Withheld: seen only by the practitioner of the parent the baby lives with.") {
			t.Errorf("Jordan's practitioner on the unnamed baby's page:\n%s", between(p.body, "<main", "</dl>"))
		}
	})
}
