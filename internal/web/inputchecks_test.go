package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// refusedPage checks a 422 whose error summary links to each field and
// which keeps each typed text (escaped, as the page shows it).
func refusedPage(t *testing.T, what string, r resp, fields []string, typed ...string) {
	t.Helper()
	if r.status != http.StatusUnprocessableEntity {
		t.Errorf("%s: %d, want 422", what, r.status)
		return
	}
	summary := between(r.body, "govuk-error-summary__list", "</ul>")
	for _, f := range fields {
		if !strings.Contains(summary, `href="#`+f+`"`) {
			t.Errorf("%s: the error summary does not link to #%s: %s", what, f, summary)
		}
	}
	for _, v := range typed {
		if !strings.Contains(r.body, html.EscapeString(v)) && !strings.Contains(r.body, escapedLikeTemplates(v)) {
			t.Errorf("%s: the page does not keep %.60q", what, v)
		}
	}
}

// escapedLikeTemplates escapes as html/template does in text and
// attributes (&#34; and &#39; for quotes, &lt; and &gt;).
func escapedLikeTemplates(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;", "+", "&#43;").Replace(s)
}

// The assessment of risk to the children refuses markup and over-long
// text in its concerns and plan on their fields, keeping what was typed.
func TestChildRiskRefusesMarkupAndLongText(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		_, path, pc, token := amysFamilyPage(t, e, practitioner)
		script := "<script>alert(1)</script> CANARY-CONCERNS"
		long := "CANARY-PLAN " + strings.Repeat("a", 20000)
		r := e.post(pc, path+"/child-risk", mustForm("csrf_token", token, "child_concerns", script, "child_level", "high", "child_plan", long))
		refusedPage(t, "script and a long plan", r, []string{"child_concerns", "child_plan"}, script, long)
		if !strings.Contains(r.body, "Concerns must not include HTML or code") || !strings.Contains(r.body, "Plan must be 20000 characters or fewer") {
			t.Errorf("the messages: %s", between(r.body, "govuk-error-summary__list", "</ul>"))
		}
		img := `<img src=x onerror="alert(1)">`
		r = e.post(pc, path+"/child-risk", mustForm("csrf_token", token, "child_concerns", "Shouting at handovers.", "child_level", "high", "child_plan", img))
		refusedPage(t, "an image in the plan", r, []string{"child_plan"}, img, "Shouting at handovers.")
		if page := e.get(pc, path); strings.Contains(page.body, "CANARY-") || strings.Contains(page.body, "onerror") {
			t.Error("a refused assessment was saved")
		}
	})
}

// A new account's name and job title are checked as a changed one's are:
// markup and over-long text are refused on their fields, with what was
// typed kept, and no account made; the change form refuses markup in the
// job title too.
func TestStaffNameAndTitleRefusedAlike(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ac := e.client()
		e.signIn(ac, admin)
		token := csrfFrom(t, e.get(ac, "/admin/staff/new").body)
		add := func(name, title string) resp {
			return e.post(ac, "/admin/staff", url.Values{"csrf_token": {token}, "name": {name}, "email": {"kim.lee@cradle.example"}, "role": {"practitioner"},
				"area": {"Blackpool"}, "title": {title}})
		}
		script, img, long := "<script>alert(1)</script>", `<img src=x onerror=alert(1)>`, strings.Repeat("a", 100000)
		refusedPage(t, "a script as the name", add(script, "Family worker"), []string{"name"}, script, "Family worker")
		refusedPage(t, "an image as the job title", add("Kim Lee", img), []string{"title"}, "Kim Lee", img)
		refusedPage(t, "100,000 characters of each", add(long, long), []string{"name", "title"}, long)
		if _, err := e.db.StaffByEmail(context.Background(), "kim.lee@cradle.example"); err == nil {
			t.Fatal("a refused account was made")
		}

		// The longest accepted is made, and changed without being refused.
		name, title := "Kim "+strings.Repeat("L", 196), strings.Repeat("T", 200)
		if r := add(name, title); r.status != http.StatusOK || !strings.Contains(r.body, "Account created") {
			t.Fatalf("the longest name and title: %d", r.status)
		}
		kim, err := e.db.StaffByEmail(context.Background(), "kim.lee@cradle.example")
		if err != nil {
			t.Fatal(err)
		}
		page := "/admin/staff/" + itoa(kim.ID)
		token = csrfFrom(t, e.get(ac, page).body)
		change := func(name, title string) resp {
			return e.post(ac, page, url.Values{"csrf_token": {token}, "version": {strconv.Itoa(kim.Version)}, "email": {kim.Email}, "name": {name}, "title": {title}, "role": {"team_manager"}, "areas": {"Blackpool"}})
		}
		refusedPage(t, "changing the job title to an image", change(name, img), []string{"title"}, img)
		refusedPage(t, "changing the name to a script", change(script, title), []string{"name"}, script)
		if r := change(name, title); r.status != http.StatusSeeOther {
			t.Fatalf("changing the account as it was made: %d\n%s", r.status, between(r.body, "govuk-error-summary", "</ul>"))
		}
	})
}

// A parent's contact form refuses a postcode, phone number or email
// address the referral forms would refuse, with their messages on the
// fields and what was typed kept; each may be left empty.
func TestContactFormChecksPostcodePhoneAndEmail(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		amy, person, pc, _ := amysPage(t, e, practitioner)
		path := person + "/contact"
		form := e.get(pc, path)
		token := csrfFrom(t, form.body)
		version := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(form.body)[1]
		save := func(postcode, phone, email string) resp {
			return e.post(pc, path, mustForm("csrf_token", token, "version", version, "address", "CANARY-TYPED 1 New Road", "postcode", postcode, "phone", phone, "email", email))
		}
		for _, tt := range []struct{ postcode, phone, email string }{
			{"12345", "call me maybe", "not-an-email"},
			{"SW1A 1AA<", "-1", "a@b"},
		} {
			r := save(tt.postcode, tt.phone, tt.email)
			refusedPage(t, tt.postcode, r, []string{"postcode", "phone", "email"}, "CANARY-TYPED 1 New Road", tt.postcode, tt.phone, tt.email)
			for _, m := range []string{"Enter a real UK postcode, like FY1 4AB", "Enter a UK phone number, like 07700 900 982",
				"Enter an email address in the correct format, like name@example.org"} {
				if !strings.Contains(r.body, m) {
					t.Errorf("%s: no %q", tt.postcode, m)
				}
			}
		}
		if p := e.get(pc, person); strings.Contains(p.body, "CANARY-TYPED") {
			t.Fatal("refused contact details were saved")
		}
		if r := save("fy1 9zz", "", ""); r.status != http.StatusSeeOther {
			t.Fatalf("a postcode alone: %d\n%s", r.status, between(r.body, "govuk-error-summary", "</ul>"))
		}
		rec, err := e.db.ReadPerson(context.Background(), mustActor(t, e, practitioner), amy.ID)
		if err != nil || rec.Person.Confidential == nil || rec.Person.Confidential.Postcode != "FY1 9ZZ" || rec.Person.Confidential.Phone != "" {
			t.Errorf("saved: %+v (%v)", rec.Person.Confidential, err)
		}
	})
}

// A safety plan's next review more than 12 months ahead (the year 2999,
// say) is refused on its field, with what was typed kept.
func TestSafetyPlanReviewTooFarAhead(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		_, person, pc, _ := amysPage(t, e, practitioner)
		form := e.get(pc, person+"/safety-plan")
		r := e.post(pc, person+"/safety-plan", mustForm("csrf_token", csrfFrom(t, form.body), "review_on-day", "1", "review_on-month", "1", "review_on-year", "2999",
			"code_words", "CANARY-CODE blue kettle"))
		refusedPage(t, "the year 2999", r, []string{"review_on"}, "CANARY-CODE blue kettle")
		if !strings.Contains(r.body, "The next review must be within the next 12 months") || !strings.Contains(r.body, `value="2999"`) {
			t.Errorf("the message or the year typed: %s", between(r.body, "govuk-error-summary__list", "</ul>"))
		}
		if r := e.post(pc, person+"/safety-plan", dateForm("review_on", e.clock.Now().AddDate(0, 11, 0), "csrf_token", csrfFrom(t, form.body),
			"code_words", "CANARY-CODE blue kettle")); r.status != http.StatusSeeOther {
			t.Errorf("a review in 11 months: %d", r.status)
		}
	})
}
