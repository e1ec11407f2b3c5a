package web_test

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// A MARAC referral is listed on the parent's page; its outcome, recorded
// once the MARAC has met, starts from what was recorded, refuses Amy's
// phone number with what was typed kept, and is read by Jordan's
// practitioner without which MARAC or the actions agreed. Recorded on the
// wrong parent's record, it is removed with a reason.
func TestMARACOutcome(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		_, person, pc, token := amysPage(t, e, "priya.shah@cradle.example")
		referred := time.Now().AddDate(0, 0, -14)
		form := dateForm("referred_on", referred)
		form.Set("csrf_token", token)
		form.Set("marac_area", "CANARY-AREA Blackpool MARAC")
		if r := e.post(pc, person+"/marac", form); r.status != http.StatusSeeOther {
			t.Fatalf("the referral: %d\n%s", r.status, r.body)
		}
		page := e.get(pc, person)
		if !strings.Contains(page.body, "to CANARY-AREA Blackpool MARAC by Priya Shah") || !strings.Contains(page.body, "No outcome recorded yet.") ||
			!strings.Contains(page.body, "?form=marac-outcome-") {
			t.Fatalf("the person page lacks the referral:\n%s", page.body)
		}
		id := strings.Split(strings.Split(page.body, "?form=marac-outcome-")[1], "#")[0]
		family := "/families/" + itoa(demoFamily(t, e, "Amy").ID)
		if f := e.get(pc, family); !strings.Contains(f.body, "Record the MARAC&#39;s outcome") {
			t.Errorf("the family page lists no task to record the outcome:\n%s", f.body)
		}
		outcome := person + "/marac/" + id + "/outcome"
		if f := e.get(pc, person+"?form=marac-outcome-"+id); !strings.Contains(f.body, `action="`+outcome+`"`) {
			t.Fatalf("the outcome's form:\n%s", f.body)
		}
		r := e.post(pc, outcome, mustForm("csrf_token", token, "marac_outcome", "Heard; the IDVA will ring Amy on 07700 900101",
			"marac_actions", "CANARY-ACTIONS Police flag on the address"))
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `href="#marac_outcome"`) ||
			!strings.Contains(r.body, "CANARY-ACTIONS Police flag on the address") {
			t.Fatalf("Amy's phone number in the outcome: %d\n%s", r.status, r.body)
		}
		if r := e.post(pc, outcome, mustForm("csrf_token", token, "marac_outcome", "Heard; an IDVA allocated",
			"marac_actions", "CANARY-ACTIONS Police flag on the address")); r.status != http.StatusSeeOther || !strings.HasSuffix(r.location, "#marac-referrals") {
			t.Fatalf("the outcome: %d %s\n%s", r.status, r.location, r.body)
		}
		if f := e.get(pc, family); strings.Contains(f.body, "Record the MARAC&#39;s outcome") {
			t.Errorf("the task to record the outcome is still open")
		}
		page = e.get(pc, person)
		if !strings.Contains(page.body, "Outcome: Heard; an IDVA allocated") || !strings.Contains(page.body, "Actions agreed: CANARY-ACTIONS") ||
			!strings.Contains(page.body, "Change the outcome") {
			t.Errorf("after the outcome:\n%s", page.body)
		}
		// The change form starts from what was recorded.
		if f := e.get(pc, person+"?form=marac-outcome-"+id); !strings.Contains(f.body, "CANARY-ACTIONS Police flag on the address</textarea>") {
			t.Errorf("the change form does not start from the recorded actions:\n%s", f.body)
		}
		tc := e.client()
		e.signIn(tc, "tom.elliott@cradle.example")
		tp := e.get(tc, person)
		if !strings.Contains(tp.body, "Outcome: Heard; an IDVA allocated") || strings.Contains(tp.body, "CANARY") ||
			!strings.Contains(tp.body, "Which MARAC, and the actions agreed, are withheld") || strings.Contains(tp.body, "?form=marac-outcome-") {
			t.Errorf("Jordan's practitioner reads:\n%s", tp.body)
		}
		if r := e.post(tc, outcome, mustForm("csrf_token", csrfFrom(t, tp.body), "marac_outcome", "Changed")); r.status != http.StatusForbidden {
			t.Errorf("Jordan's practitioner changing the outcome: %d", r.status)
		}

		// Recorded on the wrong parent's record: removed with a reason.
		remove := person + "/marac/" + id + "/remove"
		if f := e.get(pc, person+"?form=remove-marac-"+id); !strings.Contains(f.body, `action="`+remove+`"`) || !strings.Contains(f.body, "Why was the MARAC referral of ") {
			t.Fatalf("the removal form:\n%s", f.body)
		}
		if r := e.post(pc, remove, mustForm("csrf_token", token, "remove_why", "")); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `href="#remove_why"`) {
			t.Fatalf("no reason: %d\n%s", r.status, r.body)
		}
		if r := e.post(pc, remove, mustForm("csrf_token", token, "remove_why", "CANARY-WHY Wrong parent")); r.status != http.StatusSeeOther || !strings.HasSuffix(r.location, "#marac-referrals") {
			t.Fatalf("the removal: %d %s\n%s", r.status, r.location, r.body)
		}
		page = e.get(pc, person)
		if strings.Contains(page.body, "Outcome: Heard") || !strings.Contains(page.body, "No MARAC referrals recorded.") ||
			!strings.Contains(page.body, "was removed as entered in error by Priya Shah") || !strings.Contains(page.body, "Why: CANARY-WHY Wrong parent") {
			t.Errorf("after the removal:\n%s", page.body)
		}
		if tp := e.get(tc, person); strings.Contains(tp.body, "CANARY") || !strings.Contains(tp.body, "was removed as entered in error by Priya Shah") {
			t.Errorf("Jordan's practitioner, after the removal:\n%s", tp.body)
		}
		if r := e.post(pc, outcome, mustForm("csrf_token", token, "marac_outcome", "Heard")); r.status != http.StatusNotFound {
			t.Errorf("the outcome of a removed referral: %d", r.status)
		}
	})
}
