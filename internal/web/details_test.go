package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/match"
)

// TestCorrectPersonDetails: a parent's name, date of birth and the rest
// are corrected on their own form; every problem is shown at once with
// what was typed; the person page, the search and the duplicate check at
// referral then know them by the corrected name; a stale save keeps the
// editor's text.
func TestCorrectPersonDetails(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		f := demoFamily(t, e, "Amy")
		amy := parentNamed(f, "Amy")
		path := "/people/" + itoa(amy.ID)
		pc := e.client()
		e.signIn(pc, practitioner)
		if p := e.get(pc, path); !strings.Contains(p.body, `href="`+path+`/details"`) {
			t.Fatal("Amy's page does not offer to correct her details")
		}
		form := e.get(pc, path+"/details")
		if form.status != 200 || !strings.Contains(form.body, `name="given_name" type="text" value="Amy"`) && !strings.Contains(form.body, `value="Amy"`) {
			t.Fatalf("the details form (%d) is not filled in with Amy's details", form.status)
		}
		version := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(form.body)[1]
		token := csrfFrom(t, form.body)
		values := func(kv ...string) url.Values {
			v := url.Values{"csrf_token": {token}, "version": {version}, "given_name": {"Amy"}, "family_name": {"Okonkwo"}, "known_as": {"Ames"},
				"date_of_birth-day": {"2"}, "date_of_birth-month": {"4"}, "date_of_birth-year": {"1998"}, "gender": {""}, "pronouns": {"she/her"}, "experience": {"experiences"}}
			for i := 0; i+1 < len(kv); i += 2 {
				v.Set(kv[i], kv[i+1])
			}
			return v
		}
		// Two problems at once, in the page's order, with what was typed.
		bad := e.post(pc, path+"/details", values("given_name", " ", "date_of_birth-day", "31", "date_of_birth-month", "2"))
		if bad.status != http.StatusUnprocessableEntity {
			t.Fatalf("a bad save: %d", bad.status)
		}
		summary := between(bad.body, "govuk-error-summary__list", "</ul>")
		if i, j := strings.Index(summary, "#given_name"), strings.Index(summary, "#date_of_birth"); i < 0 || j < i || !strings.Contains(summary, "Enter the first name") {
			t.Errorf("the error summary does not list the first name then the date: %q", summary)
		}
		if !strings.Contains(bad.body, `value="Okonkwo"`) || !strings.Contains(bad.body, `value="she/her"`) {
			t.Error("the typed input was not kept")
		}
		if v := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(bad.body); v == nil || v[1] != version {
			t.Errorf("the form shown again carries version %v, want the one opened (%s)", v, version)
		}
		// Saved.
		if r := e.post(pc, path+"/details", values()); r.status != http.StatusSeeOther || r.location != path {
			t.Fatalf("saving: %d %q\n%s", r.status, r.location, between(r.body, "govuk-error-summary", "</div>"))
		}
		page := e.get(pc, path)
		for _, want := range []string{"Ames Okonkwo", "she/her", "2 April 1998", "Experiences domestic abuse"} {
			if !strings.Contains(page.body, want) {
				t.Errorf("Amy's page lacks %q", want)
			}
		}
		dsl := mustActor(t, e, ruth)
		if hits, _, err := e.db.SearchPeople(ctx, dsl, "Okonkwo"); err != nil || len(hits) == 0 || hits[0].Person.ID != amy.ID {
			t.Errorf("searching for the corrected name: %d hits (%v)", len(hits), err)
		}
		found, err := e.db.FindPossibleMatches(ctx, match.Identity{GivenName: "Amy", FamilyName: "Okonkwo"})
		if err != nil {
			t.Fatal(err)
		}
		matched := false
		for _, m := range found {
			matched = matched || m.PersonID == amy.ID
		}
		if !matched {
			t.Error("the duplicate check does not find Amy by her corrected name")
		}
		// The baby's date of birth is the birth's: this form neither shows
		// nor sets it.
		var babyID int64
		for _, p := range f.People {
			if p.Kind == "baby" {
				babyID = p.ID
			}
		}
		if babyID != 0 {
			bf := e.get(pc, "/people/"+itoa(babyID)+"/details")
			if strings.Contains(bf.body, `name="date_of_birth-day"`) || !strings.Contains(bf.body, "recorded with the birth") {
				t.Error("the baby's details form offers a date of birth")
			}
			bv := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(bf.body)[1]
			r := e.post(pc, "/people/"+itoa(babyID)+"/details", url.Values{"csrf_token": {token}, "version": {bv}, "given_name": {"Rosie"}, "household": {"0"},
				"date_of_birth-day": {"1"}, "date_of_birth-month": {"12"}, "date_of_birth-year": {"2026"}})
			if r.status != http.StatusSeeOther {
				t.Errorf("naming the baby: %d", r.status)
			}
			if got, err := e.db.ReadFamily(ctx, dsl, f.ID); err != nil {
				t.Fatal(err)
			} else if b, ok := got.Baby(); !ok || !b.DateOfBirth.IsZero() || b.GivenName != "Rosie" {
				t.Errorf("the baby after the details form: %+v", b)
			}
		} else {
			t.Error("Amy's family has no baby record")
		}
		// A save from the old version keeps the editor's text and says why.
		stale := e.post(pc, path+"/details", values("known_as", "Amy F"))
		if stale.status != http.StatusConflict || !strings.Contains(stale.body, "Someone else changed these details") || !strings.Contains(stale.body, `value="Amy F"`) {
			t.Errorf("a stale save: %d", stale.status)
		}
	})
}

// TestAddChild: another child in either household is recorded from the
// family's page, with every problem shown at once and what was typed kept;
// the child then has their own page, whose details form asks nothing about
// domestic abuse.
func TestAddChild(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		f := demoFamily(t, e, "Amy")
		path := "/families/" + itoa(f.ID)
		pc := e.client()
		e.signIn(pc, practitioner)
		page := e.get(pc, path+"?form=child")
		if !strings.Contains(page.body, `action="`+path+`/children"`) || !strings.Contains(page.body, "Both parents, neither, or not known") {
			t.Fatal("the family's page does not offer to add a child")
		}
		token := csrfFrom(t, page.body)
		bad := e.post(pc, path+"/children", url.Values{"csrf_token": {token}, "child_given_name": {""}, "child_family_name": {"Price"},
			"child_date_of_birth-day": {"31"}, "child_date_of_birth-month": {"2"}, "child_date_of_birth-year": {"2021"}})
		summary := between(bad.body, "govuk-error-summary__list", "</ul>")
		if a, b, c := strings.Index(summary, "#child_given_name"), strings.Index(summary, "#child_date_of_birth"), strings.Index(summary, "#child_household"); a < 0 || b < a || c < b {
			t.Errorf("the error summary is not in the page's order: %q", summary)
		}
		if bad.status != http.StatusUnprocessableEntity || !strings.Contains(bad.body, `href="#child_given_name"`) || !strings.Contains(bad.body, `href="#child_household"`) ||
			!strings.Contains(bad.body, `value="Price"`) || !strings.Contains(bad.body, `id="child-form" open`) {
			t.Errorf("a child without a name or a household: %d\n%s", bad.status, between(bad.body, "govuk-error-summary", "</div>"))
		}
		// A lead, who may not change the record, is refused before any
		// problem with the form is shown.
		lc := e.client()
		e.signIn(lc, ruth)
		lp := e.get(lc, path)
		if r := e.post(lc, path+"/children", url.Values{"csrf_token": {csrfFrom(t, lp.body)}, "child_date_of_birth-day": {"31"}, "child_date_of_birth-month": {"2"},
			"child_date_of_birth-year": {"2021"}}); r.status != http.StatusForbidden {
			t.Errorf("a lead adding a child with a wrong date: %d, want 403", r.status)
		}
		if r := e.post(lc, path+"/edd", url.Values{"csrf_token": {csrfFrom(t, lp.body)}, "edd-day": {"31"}, "edd-month": {"2"}, "edd-year": {"2027"}}); r.status != http.StatusForbidden {
			t.Errorf("a lead correcting the due date with a wrong date: %d, want 403", r.status)
		}
		// So is every form of a family's or a person's page (the
		// mechanism they share asks the policy first).
		if r := e.post(lc, path+"/shares", url.Values{"csrf_token": {csrfFrom(t, lp.body)}, "shared_on-day": {"31"}, "shared_on-month": {"2"}, "shared_on-year": {"2026"},
			"recipient": {"Midwife"}}); r.status != http.StatusForbidden {
			t.Errorf("a lead recording a share with a wrong date: %d, want 403", r.status)
		}
		if r := e.post(lc, "/people/"+itoa(parentNamed(f, "Amy").ID)+"/incidents", url.Values{"csrf_token": {csrfFrom(t, lp.body)}, "occurred_on-day": {"31"},
			"occurred_on-month": {"2"}, "occurred_on-year": {"2026"}}); r.status != http.StatusForbidden {
			t.Errorf("a lead recording an incident with a wrong date: %d, want 403", r.status)
		}
		amy := parentNamed(f, "Amy")
		r := e.post(pc, path+"/children", url.Values{"csrf_token": {token}, "child_given_name": {"Leo"}, "child_family_name": {"Price"},
			"child_date_of_birth-day": {"14"}, "child_date_of_birth-month": {"6"}, "child_date_of_birth-year": {"2021"}, "child_household": {itoa(int64(amy.ParentSlot))}})
		if r.status != http.StatusSeeOther || r.location != path+"#children" {
			t.Fatalf("adding Leo: %d %q\n%s", r.status, r.location, between(r.body, "govuk-error-summary", "</div>"))
		}
		page = e.get(pc, path)
		li := between(page.body, ">Leo Price</a>", "</li>")
		if !strings.Contains(li, "born 14 June 2021") || !strings.Contains(li, "lives with Amy Foster") {
			t.Errorf("the family's page lists Leo as %q", li)
		}
		child := regexp.MustCompile(`href="(/people/\d+)">Leo Price`).FindStringSubmatch(page.body)
		if child == nil {
			t.Fatal("no link to Leo's page")
		}
		if d := e.get(pc, child[1]+"/details"); d.status != 200 || strings.Contains(d.body, `name="experience"`) || !strings.Contains(d.body, `value="Leo"`) {
			t.Errorf("Leo's details form: %d", d.status)
		}
	})
}

// TestCorrectDueDate: the due date is corrected from the family's page,
// starting from the one recorded; a date out of range is refused with what
// was typed; the page then follows the new date; a stale save is refused.
func TestCorrectDueDate(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		f := demoFamily(t, e, "Amy")
		path := "/families/" + itoa(f.ID)
		pc := e.client()
		e.signIn(pc, practitioner)
		page := e.get(pc, path+"?form=edd")
		if !strings.Contains(page.body, `name="edd-year" type="text" inputmode="numeric" value="`+strconv.Itoa(f.EDD.Year())+`"`) {
			t.Fatal("the due date's form does not start from the one recorded")
		}
		version := regexp.MustCompile(`action="` + path + `/edd"[^>]*>\s*<input type="hidden" name="csrf_token" value="[^"]+">\s*<input type="hidden" name="version" value="(\d+)"`).FindStringSubmatch(page.body)
		if version == nil {
			t.Fatal("the due date's form carries no version")
		}
		token := csrfFrom(t, page.body)
		post := func(d time.Time, v string) resp {
			return e.post(pc, path+"/edd", dateForm("edd", d, "csrf_token", token, "version", v))
		}
		far := e.clock.Now().AddDate(1, 0, 0)
		if r := post(far, version[1]); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "no more than 42 weeks from today") ||
			!strings.Contains(r.body, `value="`+strconv.Itoa(far.Year())+`"`) {
			t.Errorf("a due date a year away: %d", r.status)
		}
		edd := e.clock.Now().AddDate(0, 0, 10*7)
		if r := post(edd, version[1]); r.status != http.StatusSeeOther {
			t.Fatalf("correcting the due date: %d\n%s", r.status, between(r.body, "govuk-error-summary", "</div>"))
		}
		if p := e.get(pc, path); !strings.Contains(p.body, edd.Format("2 January 2006")+" (30&#43;0 weeks today)") {
			t.Errorf("the family's page does not follow the corrected due date %s: %q", edd.Format("2 January 2006"), between(p.body, "Due date", "</dd>"))
		}
		if r := post(edd.AddDate(0, 0, 7), version[1]); r.status != http.StatusConflict || !strings.Contains(r.body, "Someone else changed this family") {
			t.Errorf("a stale save: %d", r.status)
		}
		// The assessment form says what the record does not yet show.
		if a := e.get(pc, path+"?form=assessment"); !strings.Contains(a.body, "Assessment is usually complete once each parent has") ||
			!strings.Contains(a.body, "Amy Foster has no completed risk assessment (DASH)") {
			t.Error("the assessment form does not say Amy has no completed risk assessment")
		}
	})
}
