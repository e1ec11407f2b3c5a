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

func TestTeamAroundTheBabyAndSharingLog(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		f := demoFamily(t, e, "Amy")
		amyID := parentNamed(f, "Amy").ID
		path := "/families/" + itoa(f.ID)
		pc := e.client()
		e.signIn(pc, practitioner)
		page := e.get(pc, path)
		token := csrfFrom(t, page.body)
		// A professional: a bad email is refused with the typed values kept.
		bad := e.post(pc, path+"/professionals", mustForm("csrf_token", token, "name", "Jo Midwife", "organisation", "Blackpool Teaching Hospitals",
			"organisation_kind", "midwifery", "email", "jo@"))
		if bad.status != http.StatusUnprocessableEntity || !strings.Contains(bad.body, "correct format") || !strings.Contains(bad.body, `value="Jo Midwife"`) {
			t.Fatalf("bad professional: %d", bad.status)
		}
		if r := e.post(pc, path+"/professionals", mustForm("csrf_token", token, "name", "Jo Midwife", "organisation", "Blackpool Teaching Hospitals",
			"organisation_kind", "midwifery", "email", "jo.midwife@nhs.net", "phone", "01253 300000")); r.status != http.StatusSeeOther {
			t.Fatalf("add professional: %d\n%s", r.status, r.body)
		}
		// A share with no lawful basis is refused; a complete one is logged.
		noBasis := dateForm("shared_on", e.clock.Now(), "csrf_token", token, "recipient", "Jo Midwife", "share_person", itoa(amyID),
			"what", "CANARY-SHARE new address", "why", "Antenatal care", "method", "secure_email", "consent", "given")
		if r := e.post(pc, path+"/shares", noBasis); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Select the lawful basis") || !strings.Contains(r.body, "CANARY-SHARE") {
			t.Fatalf("share without lawful basis: %d", r.status)
		}
		noBasis.Set("lawful_basis", "art9_2h")
		if r := e.post(pc, path+"/shares", noBasis); r.status != http.StatusSeeOther {
			t.Fatalf("share: %d\n%s", r.status, r.body)
		}
		fam := e.get(pc, path)
		for _, want := range []string{"Jo Midwife", "jo.midwife@nhs.net", "CANARY-SHARE", "UK GDPR Art. 9(2)(h)", "Consent given"} {
			if !strings.Contains(fam.body, want) {
				t.Errorf("family page lacks %q", want)
			}
		}
		csv := e.get(pc, path+"/shares.csv")
		if csv.status != 200 || !strings.Contains(csv.body, "CANARY-SHARE") || !strings.Contains(csv.body, "lawful_basis") {
			t.Errorf("sharing log export: %d\n%s", csv.status, csv.body)
		}
		// Consent recorded and withdrawn on Amy's page.
		amy := "/people/" + itoa(amyID)
		ap := e.get(pc, amy)
		if r := e.post(pc, amy+"/consents", dateForm("given_on", e.clock.Now(), "csrf_token", csrfFrom(t, ap.body), "scope", "CANARY-SCOPE share with her GP")); r.status != http.StatusSeeOther {
			t.Fatalf("consent: %d\n%s", r.status, r.body)
		}
		ap = e.get(pc, amy)
		if !strings.Contains(ap.body, "CANARY-SCOPE") || !strings.Contains(ap.body, "Record that consent is withdrawn") {
			t.Fatal("consent not shown on the parent's page")
		}
		action := strings.Split(strings.Split(ap.body, `action="`+amy+`/consents/`)[1], `"`)[0]
		if r := e.post(pc, amy+"/consents/"+action, mustForm("csrf_token", csrfFrom(t, ap.body))); r.status != http.StatusSeeOther {
			t.Fatalf("withdraw: %d", r.status)
		}
		if p := e.get(pc, path); !strings.Contains(p.body, "withdrawn") {
			t.Error("withdrawal not shown where sharing is recorded")
		}
		// The co-parent's practitioner sees that a share happened, not what was said about Amy.
		tc := e.client()
		e.signIn(tc, tom)
		tp := e.get(tc, path)
		if strings.Contains(tp.body, "CANARY") || !strings.Contains(tp.body, "Withheld: confidential to the other parent") {
			t.Error("the co-parent's practitioner sees what was shared about Amy")
		}
		if c := e.get(tc, path+"/shares.csv"); strings.Contains(c.body, "CANARY") {
			t.Error("the co-parent's practitioner's export contains what was shared about Amy")
		}
		// With a break-glass grant on Amy they see it, on the page and in the
		// export, until the grant ends.
		amyReveal := amy + "/reveal"
		rv := e.get(tc, amyReveal)
		if r := e.post(tc, amyReveal, mustForm("csrf_token", csrfFrom(t, rv.body), "reason", "Police need to check on Amy at her new address tonight", "password", demo.Password)); r.status != http.StatusSeeOther {
			t.Fatalf("break glass: %d\n%s", r.status, r.body)
		}
		if p := e.get(tc, path); !strings.Contains(p.body, "CANARY-SHARE") {
			t.Error("the sharing log withholds what was shared about Amy from a practitioner with a break-glass grant")
		}
		if c := e.get(tc, path+"/shares.csv"); !strings.Contains(c.body, "CANARY-SHARE") {
			t.Error("the export withholds what was shared about Amy from a practitioner with a break-glass grant")
		}
		e.clock.Advance(61 * time.Minute)
		e.signIn(tc, tom)
		if p := e.get(tc, path); strings.Contains(p.body, "CANARY") || !strings.Contains(p.body, "Withheld: confidential to the other parent") {
			t.Error("the sharing log shows what was shared about Amy after the grant ended")
		}
	})
}

func TestMeetingActionsReachCaseloadsAndStatusIsKept(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		f := demoFamily(t, e, "Amy")
		path := "/families/" + itoa(f.ID)
		mc := e.client()
		e.signIn(mc, manager)
		page := e.get(mc, path)
		token := csrfFrom(t, page.body)
		tomStaff := mustActor(t, e, tom)
		future := dateForm("held_on", e.clock.Now().AddDate(0, 0, 3), "csrf_token", token, "kind", "cp_conference", "attendees", "Social worker, midwife",
			"status_after", "child_protection_plan", "actions[0].what", "Visit weekly")
		r := e.post(mc, path+"/meetings", future)
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "dated today or in the past") || !strings.Contains(r.body, "Choose who owns action 1") {
			t.Fatalf("future meeting, action without owner: %d", r.status)
		}
		// The demo family is on a child protection plan: the conference
		// steps it down.
		ok := dateForm("held_on", e.clock.Now(), "csrf_token", token, "kind", "cp_conference", "attendees", "Social worker, midwife, both practitioners",
			"status_after", "child_in_need", "decisions", "Child protection plan agreed.", "parents_attended", itoa(parentNamed(f, "Amy").ID),
			"actions[0].what", "Visit weekly", "actions[0].owner", itoa(tomStaff.StaffID))
		for k, v := range dateForm("actions[0].due", e.clock.Now().AddDate(0, 0, 7)) {
			ok[k] = v
		}
		// An owner the list does not offer (an analyst; an id that is no
		// one's, which was a server error) is refused on the field, the
		// action's words kept.
		for _, owner := range []string{itoa(mustActor(t, e, "leah.morgan@cradle.example").StaffID), "99999"} {
			bad := url.Values{}
			for k, v := range ok {
				bad[k] = v
			}
			bad.Set("actions[0].owner", owner)
			if r := e.post(mc, path+"/meetings", bad); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Choose who owns action 1 from the list") ||
				!strings.Contains(r.body, `href="#actions-0-owner"`) || !strings.Contains(r.body, "Visit weekly") {
				t.Errorf("a meeting's action for staff %s: %d\n%s", owner, r.status, between(r.body, "govuk-error-summary", "</div>"))
			}
		}
		if r := e.post(mc, path+"/meetings", ok); r.status != http.StatusSeeOther {
			t.Fatalf("meeting: %d\n%s", r.status, r.body)
		}
		fam := e.get(mc, path)
		for _, want := range []string{"Child protection conference", "Child protection plan agreed.", "Visit weekly (Tom Elliott", "Safeguarding status: Child protection plan",
			"Child in need (from " + e.clock.Now().Format("2 January 2006") + ")"} {
			if !strings.Contains(fam.body, want) {
				t.Errorf("family page lacks %q", want)
			}
		}
		tc := e.client()
		e.signIn(tc, tom)
		if p := e.get(tc, "/caseload"); !strings.Contains(p.body, "Your tasks") || !strings.Contains(p.body, "Action from the child protection conference") {
			t.Error("the meeting action is not on the owner's caseload")
		}

		// Entered in error: removed with a reason, it takes its action's
		// task and its change of status with it.
		mid := strings.Split(strings.Split(fam.body, `?form=remove-meeting-`)[1], "#")[0]
		link := path + "?form=remove-meeting-" + mid + "#meeting-" + mid
		remove := path + "/meetings/" + mid + "/remove"
		if form := e.get(mc, link); !strings.Contains(form.body, `action="`+remove+`"`) || !strings.Contains(form.body, "Why was the meeting held") {
			t.Fatal("the meeting's removal form is not shown")
		}
		if r := e.post(mc, remove, mustForm("csrf_token", token, "remove_why", " ")); r.status != http.StatusUnprocessableEntity ||
			!strings.Contains(r.body, `href="#remove_why"`) || !strings.Contains(r.body, `action="`+remove+`"`) || !strings.Contains(r.body, "Child protection plan agreed.") {
			t.Fatalf("removal without a reason: %d", r.status)
		}
		if r := e.post(tc, remove, mustForm("csrf_token", csrfFrom(t, e.get(tc, "/caseload").body), "remove_why", "Not ours")); r.status != http.StatusSeeOther {
			// Tom works with the family (Jordan's practitioner): he may, as he may record one.
			t.Fatalf("removal by the co-parent's practitioner: %d", r.status)
		}
		today := "Child in need (from " + e.clock.Now().Format("2 January 2006") + ")"
		fam = e.get(mc, path)
		if strings.Contains(fam.body, "Child protection plan agreed.") || !strings.Contains(fam.body, "The Child protection conference held ") ||
			!strings.Contains(fam.body, "was removed as entered in error by Tom Elliott") || !strings.Contains(fam.body, "Why: Not ours") || strings.Contains(fam.body, today) {
			t.Error("after its removal the family page still lists the meeting or its change of status, or does not say it was removed")
		}
		if p := e.get(tc, "/caseload"); strings.Contains(p.body, "Action from the child protection conference") {
			t.Error("the removed meeting's action is still on the owner's caseload")
		}
		if r := e.post(mc, remove, mustForm("csrf_token", token, "remove_why", "Again")); r.status != http.StatusConflict ||
			!strings.Contains(r.body, "removed as entered in error already") || !strings.Contains(between(r.body, `id="unsaved"`, "</div>"), "Again") {
			t.Errorf("removing it again: %d", r.status)
		}
	})
}

// A member of the team around the baby changes their phone number, then
// leaves: each form keeps what was typed when refused, and the family page
// lists them as a former member, without a link to change them.
func TestChangeAndLeaveTheTeam(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		_, path, pc, token := amysFamilyPage(t, e, practitioner)
		if r := e.post(pc, path+"/professionals", mustForm("csrf_token", token, "name", "Ola Nwosu", "role", "Social worker", "organisation", "Blackpool Council",
			"organisation_kind", "children_social_care", "phone", "01632 960123")); r.status != http.StatusSeeOther {
			t.Fatalf("add: %d", r.status)
		}
		page := e.get(pc, path)
		i := strings.Index(page.body, "Ola Nwosu")
		j := strings.Index(page.body[i:], `?form=professional-`)
		if i < 0 || j < 0 {
			t.Fatal("no link to change the new member")
		}
		pid := strings.Split(page.body[i+j+len(`?form=professional-`):], "#")[0]
		form := e.get(pc, path+"?form=professional-"+pid)
		if !strings.Contains(form.body, `value="Ola Nwosu"`) || !strings.Contains(form.body, `value="01632 960123"`) || !strings.Contains(form.body, "If Ola Nwosu has left the team") {
			t.Fatal("the change form does not start from the recorded details")
		}
		member := path + "/professionals/" + pid
		versionIn := func(body string) string {
			t.Helper()
			m := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(body)
			if m == nil {
				t.Fatal("the change form has no version")
			}
			return m[1]
		}
		opened := versionIn(form.body)
		// A bad phone number: refused, with what was typed kept, and the
		// version the form was opened at.
		r := e.post(pc, member, mustForm("csrf_token", token, "version", opened, "name", "Ola Nwosu", "role", "Senior social worker", "organisation", "Blackpool Council",
			"organisation_kind", "children_social_care", "phone", "ring the office"))
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Enter a UK phone number") || !strings.Contains(r.body, `value="ring the office"`) ||
			!strings.Contains(r.body, `value="Senior social worker"`) || versionIn(r.body) != opened {
			t.Fatalf("bad phone: %d", r.status)
		}
		if r := e.post(pc, member, mustForm("csrf_token", token, "version", opened, "name", "Ola Nwosu", "role", "Senior social worker", "organisation", "Blackpool Council",
			"organisation_kind", "children_social_care", "phone", "01632 960456")); r.status != http.StatusSeeOther {
			t.Fatalf("change: %d", r.status)
		}
		// Her manager's form, opened before that change, would undo it:
		// refused, what the manager typed kept, the form moved on to the
		// version saved now.
		r = e.post(pc, member, mustForm("csrf_token", token, "version", opened, "name", "Ola Nwosu", "role", "Social worker", "organisation", "Blackpool Council",
			"organisation_kind", "children_social_care", "phone", "01632 960123", "email", "ola.nwosu@blackpool.gov.uk"))
		if r.status != http.StatusConflict || !strings.Contains(r.body, "Someone else changed these details while you were editing") ||
			!strings.Contains(r.body, `value="ola.nwosu@blackpool.gov.uk"`) || versionIn(r.body) == opened ||
			!strings.Contains(between(r.body, "govuk-error-summary__list", "</ul>"), `href="#name"`) {
			t.Fatalf("a change from a stale form: %d\n%s", r.status, between(r.body, "govuk-error-summary", "</ul>"))
		}
		if p := e.get(pc, path); !strings.Contains(p.body, "01632 960456") || strings.Contains(p.body, "01632 960123") || !strings.Contains(p.body, "Senior social worker") {
			t.Error("the family page does not show the new details")
		}
		// Leaving tomorrow is refused; the details above the date stay those recorded.
		tomorrow := e.clock.Now().AddDate(0, 0, 1)
		r = e.post(pc, member+"/left", dateForm("left_on", tomorrow, "csrf_token", token))
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "must be today or in the past") || !strings.Contains(r.body, `value="Ola Nwosu"`) ||
			!strings.Contains(r.body, `value="`+itoa(int64(tomorrow.Day()))+`"`) {
			t.Fatalf("leaving tomorrow: %d", r.status)
		}
		if r := e.post(pc, member+"/left", mustForm("csrf_token", token, "left_on-day", "31", "left_on-month", "2", "left_on-year", "2026")); r.status != http.StatusUnprocessableEntity ||
			!strings.Contains(r.body, `href="#left_on`) {
			t.Fatalf("no such date: %d", r.status)
		}
		if r := e.post(pc, member+"/left", dateForm("left_on", e.clock.Now(), "csrf_token", token)); r.status != http.StatusSeeOther {
			t.Fatalf("left: %d\n%s", r.status, r.body)
		}
		p := e.get(pc, path)
		former := strings.Index(p.body, "Professionals who have left the team")
		if former < 0 || !strings.Contains(p.body[former:], "Ola Nwosu") || strings.Contains(p.body, "?form=professional-"+pid) {
			t.Error("the family page does not list Ola Nwosu as a former member, or still offers to change her")
		}
		// Gone from the team: a second leaving, or a change, is a conflict
		// shown on the family page that lists her as a former member.
		if r := e.post(pc, member+"/left", dateForm("left_on", e.clock.Now(), "csrf_token", token)); r.status != http.StatusConflict ||
			!strings.Contains(r.body, "They have left this family&#39;s team around the baby already") {
			t.Errorf("leaving twice: %d", r.status)
		}
		if r := e.post(pc, member, mustForm("csrf_token", token, "name", "Ola Nwosu")); r.status != http.StatusConflict {
			t.Errorf("changing a former member: %d", r.status)
		}
		if r := e.post(pc, path+"/professionals/999999", mustForm("csrf_token", token, "name", "Ola Nwosu")); r.status != http.StatusNotFound {
			t.Errorf("changing someone never in the team: %d", r.status)
		}
		// Someone added to the wrong family: removed with why, listed as
		// removed, never as a former member.
		if r := e.post(pc, path+"/professionals", mustForm("csrf_token", token, "name", "Kim Wrongfamily", "organisation", "Bay Surgery",
			"organisation_kind", "gp", "phone", "01632 960124")); r.status != http.StatusSeeOther {
			t.Fatalf("add: %d", r.status)
		}
		p = e.get(pc, path)
		i = strings.Index(p.body, "Kim Wrongfamily")
		kim := strings.Split(p.body[i+strings.Index(p.body[i:], `?form=professional-`)+len(`?form=professional-`):], "#")[0]
		remove := path + "/professionals/" + kim + "/remove"
		if r := e.post(pc, remove, mustForm("csrf_token", token, "remove_why", "")); r.status != http.StatusUnprocessableEntity ||
			!strings.Contains(r.body, `href="#remove_why"`) || !strings.Contains(r.body, `value="Kim Wrongfamily"`) {
			t.Fatalf("removal without a reason: %d", r.status)
		}
		if r := e.post(pc, remove, mustForm("csrf_token", token, "remove_why", "Added to the wrong family")); r.status != http.StatusSeeOther {
			t.Fatalf("removal: %d", r.status)
		}
		p = e.get(pc, path)
		former = strings.Index(p.body, "Professionals who have left the team")
		if !strings.Contains(p.body, "Kim Wrongfamily, added ") || !strings.Contains(p.body, "Why: Added to the wrong family") ||
			strings.Contains(p.body[former:], "Kim Wrongfamily") || strings.Contains(p.body, "01632 960124") {
			t.Error("after the removal: want Kim listed as removed, not as a former member, without her number")
		}
	})
}

// A disclosure logged in error is removed with a reason: it leaves the log
// and its download and is listed as removed. One about a parent is offered
// for removal, and removable, only to those who may read what was shared.
func TestRemoveADisclosure(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		f, path, pc, token := amysFamilyPage(t, e, practitioner)
		amyID := parentNamed(f, "Amy").ID
		for _, sh := range []struct{ to, person, what string }{{"CANARY-GP surgery", itoa(amyID), "CANARY-ABOUT-AMY"}, {"Housing office", "0", "The family's housing need"}} {
			form := dateForm("shared_on", e.clock.Now(), "csrf_token", token, "recipient", sh.to, "share_person", sh.person, "what", sh.what,
				"why", "Care", "method", "phone", "lawful_basis", "art9_2h", "consent", "given")
			if r := e.post(pc, path+"/shares", form); r.status != http.StatusSeeOther {
				t.Fatalf("share: %d\n%s", r.status, r.body)
			}
		}
		page := e.get(pc, path)
		ids := map[string]string{}
		for _, part := range strings.Split(page.body, `?form=remove-share-`)[1:] {
			id := strings.Split(part, "#")[0]
			to := strings.Split(strings.Split(part, "the disclosure to ")[1], ",")[0]
			ids[to] = id
		}
		amys, housing := ids["CANARY-GP surgery"], ids["Housing office"]
		if amys == "" || housing == "" {
			t.Fatalf("removal links: %v", ids)
		}
		// Tom, Jordan's practitioner, sees no link for what was shared about
		// Amy, and may not remove it.
		tc := e.client()
		e.signIn(tc, tom)
		tp := e.get(tc, path)
		if strings.Contains(tp.body, "?form=remove-share-"+amys) || !strings.Contains(tp.body, "?form=remove-share-"+housing) {
			t.Error("Tom's removal links: want the family's disclosure's only")
		}
		if r := e.post(tc, path+"/shares/"+amys+"/remove", mustForm("csrf_token", csrfFrom(t, tp.body), "remove_why", "Not sure")); r.status != http.StatusForbidden {
			t.Errorf("Tom removing what was shared about Amy: %d", r.status)
		}
		remove := path + "/shares/" + amys + "/remove"
		if form := e.get(pc, path+"?form=remove-share-"+amys); !strings.Contains(form.body, `action="`+remove+`"`) || !strings.Contains(form.body, "Why was the disclosure to CANARY-GP surgery on") {
			t.Fatal("the disclosure's removal form is not shown")
		}
		if r := e.post(pc, remove, mustForm("csrf_token", token, "remove_why", "")); r.status != http.StatusUnprocessableEntity ||
			!strings.Contains(r.body, `href="#remove_why"`) || !strings.Contains(r.body, `action="`+remove+`"`) {
			t.Fatalf("removal without a reason: %d", r.status)
		}
		if r := e.post(pc, remove, mustForm("csrf_token", token, "remove_why", "CANARY-WHY logged on the wrong family")); r.status != http.StatusSeeOther || !strings.HasSuffix(r.location, "#sharing") {
			t.Fatalf("removal: %d %s", r.status, r.location)
		}
		after := e.get(pc, path)
		if strings.Contains(after.body, "CANARY-ABOUT-AMY") || !strings.Contains(after.body, "The disclosure to CANARY-GP surgery on") || !strings.Contains(after.body, "Why: CANARY-WHY") {
			t.Error("after its removal the family page still lists the disclosure, or does not say it was removed and why")
		}
		if csv := e.get(pc, path+"/shares.csv"); strings.Contains(csv.body, "CANARY") || !strings.Contains(csv.body, "Housing office") {
			t.Errorf("the sharing log's download after the removal:\n%s", csv.body)
		}
		// Tom's page lists the removal, without why, nor with whom it was
		// shared (a disclosure about Amy).
		if tp := e.get(tc, path); !strings.Contains(tp.body, "A disclosure on") || strings.Contains(tp.body, "CANARY-WHY") || strings.Contains(tp.body, "CANARY-GP") {
			t.Error("Tom's page: want the removal listed, without why or with whom")
		}
		if r := e.post(pc, remove, mustForm("csrf_token", token, "remove_why", "Again")); r.status != http.StatusConflict || !strings.Contains(r.body, "removed as entered in error already") {
			t.Errorf("removing it again: %d, want 409 saying it was removed already", r.status)
		}
	})
}

// Amy's phone number typed into a meeting's decisions, or into a
// disclosure about the family as a whole, is refused on the field, with
// everything typed kept and nothing saved.
func TestConfidentialDetailsRefusedInSharedText(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		f, path, pc, token := amysFamilyPage(t, e, practitioner)
		m := dateForm("held_on", e.clock.Now(), "csrf_token", token, "kind", "team_around_baby", "attendees", "Social worker, midwife",
			"status_after", "none", "decisions", "CANARY-KEPT Amy can be reached on 07700 900101.")
		r := e.post(pc, path+"/meetings", m)
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "This mentions Amy Foster&#39;s phone number") ||
			!strings.Contains(r.body, `href="#decisions"`) || !strings.Contains(r.body, "CANARY-KEPT Amy can be reached") {
			t.Fatalf("Amy's phone number in a meeting's decisions: %d", r.status)
		}
		sh := dateForm("shared_on", e.clock.Now(), "csrf_token", token, "recipient", "Housing", "share_person", "0", "what", "Her new address: 12 Harbour View",
			"why", "Rehousing", "method", "phone", "lawful_basis", "art6_1e", "consent", "given")
		if r := e.post(pc, path+"/shares", sh); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "This mentions Amy Foster&#39;s address") ||
			!strings.Contains(r.body, `href="#what"`) {
			t.Fatalf("Amy's address in a disclosure about the family: %d", r.status)
		}
		if p := e.get(pc, path); strings.Contains(p.body, "CANARY-KEPT") || strings.Contains(p.body, "Her new address") {
			t.Error("a refused meeting or disclosure was saved")
		}
		// On Amy's own record, a note Jordan's practitioner reads (one not
		// marked confidential) is refused; marked confidential, it is kept.
		amy := "/people/" + itoa(parentNamed(f, "Amy").ID)
		note := dateForm("held_on", e.clock.Now(), "csrf_token", token, "minutes", "60", "mode", "home", "attendance", "attended",
			"notes", "CANARY-NOTE Her new number is 07700 900101.", "confidential", "no")
		if r := e.post(pc, amy+"/sessions", note); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "or mark it confidential") ||
			!strings.Contains(r.body, "CANARY-NOTE Her new number") || !strings.Contains(r.body, `href="#notes"`) {
			t.Fatalf("Amy's number in a note not marked confidential: %d", r.status)
		}
		note.Set("confidential", "yes")
		if r := e.post(pc, amy+"/sessions", note); r.status != http.StatusSeeOther {
			t.Fatalf("the same note marked confidential: %d\n%s", r.status, r.body)
		}
	})
}
