package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/audit"
	"github.com/cradle-org/cradle/internal/casework"
	"github.com/cradle-org/cradle/internal/demo"
	"github.com/cradle-org/cradle/internal/measure"
	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/sharing"
	"github.com/cradle-org/cradle/internal/store"
	"github.com/cradle-org/cradle/internal/timeline"
	"github.com/cradle-org/cradle/internal/web"
)

func TestOutcomeMeasures(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		f := demoFamily(t, e, "Jess") // postnatal: the baby is about six and a half months old
		jess := parentNamed(f, "Jess")
		baby, _ := f.Baby()
		pc := e.client()
		e.signIn(pc, practitioner) // Jess's practitioner
		base := "/people/" + itoa(jess.ID) + "/measures"

		page := e.get(pc, base)
		if page.status != http.StatusOK || !strings.Contains(page.body, "Due now") || !strings.Contains(page.body, "6-month outcome measures") {
			t.Fatalf("measures page: %d\n%s", page.status, page.body)
		}
		form := e.get(pc, base+"/phq9")
		if form.status != http.StatusOK || !strings.Contains(form.body, "Little interest or pleasure in doing things") || !strings.Contains(form.body, `name="item-9"`) {
			t.Fatalf("PHQ-9 form: %d", form.status)
		}
		csrf := csrfFrom(t, form.body)
		today := e.clock.Now()
		answers := func(kv ...string) url.Values {
			v := dateForm("taken_on", today, append([]string{"csrf_token", csrf, "timepoint", "m6"}, kv...)...)
			return v
		}

		// Unanswered questions: one message each, the answers given kept;
		// the parent read (and audited) once, not again to show the form.
		formReads := func() int {
			t.Helper()
			es, err := e.db.AuditEntries(context.Background(), store.AuditFilter{Actions: []string{"person.view"}})
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, en := range es {
				if en.Detail == "outcome measure form" {
					n++
				}
			}
			return n
		}
		before := formReads()
		r := e.post(pc, base+"/phq9", answers("item-1", "2", "item-2", "1"))
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `href="#item-3"`) || !strings.Contains(r.body, "question 9") {
			t.Fatalf("unanswered: %d\n%s", r.status, r.body)
		}
		if n := formReads() - before; n != 1 {
			t.Errorf("a failed save read the parent %d times, want once", n)
		}
		if !strings.Contains(r.body, `id="item-1-2" name="item-1" type="radio" value="2" checked`) {
			t.Error("the answer to question 1 was not kept")
		}
		all := []string{"item-1", "2", "item-2", "2", "item-3", "1", "item-4", "2", "item-5", "1", "item-6", "2", "item-7", "1", "item-8", "0", "item-9", "1"}
		// A timepoint that is not due yet.
		v := answers(all...)
		v.Set("timepoint", "m12")
		if r := e.post(pc, base+"/phq9", v); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "12-month outcome measures are not due until") {
			t.Errorf("not due: %d\n%s", r.status, r.body)
		}
		// An answer out of range.
		v = answers(all...)
		v.Set("item-4", "7")
		if r := e.post(pc, base+"/phq9", v); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `href="#item-4"`) {
			t.Errorf("out of range: %d\n%s", r.status, r.body)
		}
		// Saved: 12 (moderate), question 9 answered above 0 needs follow-up.
		r = e.post(pc, base+"/phq9", answers(all...))
		if r.status != http.StatusSeeOther || !strings.Contains(r.location, "recorded=") {
			t.Fatalf("save: %d %s\n%s", r.status, r.location, r.body)
		}
		done := e.get(pc, r.location)
		for _, want := range []string{"PHQ-9 recorded: 12 (moderate)", "Raise a safeguarding concern", `role="img"`, "Above cut-off"} {
			if !strings.Contains(done.body, want) {
				t.Errorf("after saving, the page lacks %q", want)
			}
		}
		cl, err := e.db.CaseloadWithTasks(context.Background(), mustActor(t, e, practitioner))
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, tk := range cl.Tasks {
			found = found || tk.Kind == "measure_follow_up"
		}
		if !found {
			t.Error("no follow-up task for question 9")
		}
		// The same timepoint again is refused, and says when it was recorded.
		if r := e.post(pc, base+"/phq9", answers(all...)); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "already recorded for this timepoint") {
			t.Errorf("duplicate: %d", r.status)
		}
		// Someone who does not exist: not found, on every person page.
		for _, path := range []string{"/people/99999999", "/people/99999999/measures", "/people/99999999/dash", "/people/99999999/safety-plan"} {
			if r := e.get(pc, path); r.status != http.StatusNotFound || !strings.Contains(r.body, "There is no such person") {
				t.Errorf("%s: %d", path, r.status)
			}
		}
		// Only parent instruments for a parent.
		if r := e.get(pc, base+"/asq3"); r.status != http.StatusNotFound {
			t.Errorf("ASQ-3 for a parent: %d", r.status)
		}

		// The co-parent's practitioner sees that a result exists, not the score.
		other := e.client()
		e.signIn(other, "grace.adeyemi@cradle.example")
		o := e.get(other, base)
		if o.status != http.StatusOK || !strings.Contains(o.body, "Withheld") || strings.Contains(o.body, "12 (moderate)") || strings.Contains(o.body, "Record a measure") {
			t.Errorf("co-parent's practitioner: %d\n%s", o.status, o.body)
		}
		if r := e.get(other, base+"/phq9"); r.status != http.StatusForbidden {
			t.Errorf("co-parent's practitioner recording: %d", r.status)
		}
		// With a break-glass grant they see the score, and the page's one read
		// is audited as a view of Jess, of her programme measures and of the
		// grant's use.
		rv := e.get(other, "/people/"+itoa(jess.ID)+"/reveal")
		if r := e.post(other, "/people/"+itoa(jess.ID)+"/reveal", mustForm("csrf_token", csrfFrom(t, rv.body), "reason", "Police need to check on Jess at her new address tonight", "password", demo.Password)); r.status != http.StatusSeeOther {
			t.Fatalf("break glass: %d\n%s", r.status, r.body)
		}
		if o := e.get(other, base); !strings.Contains(o.body, "12 (moderate)") || strings.Contains(o.body, "Record a measure") {
			t.Errorf("co-parent's practitioner with a break-glass grant: %d", o.status)
		}
		grace := mustActor(t, e, "grace.adeyemi@cradle.example")
		for _, action := range []string{"person.view", "person.programme_measures.view", "person.confidential.override_view"} {
			es, err := e.db.AuditEntries(context.Background(), store.AuditFilter{RecordType: "person", RecordID: jess.ID, ActorID: grace.StaffID, Actions: []string{action}})
			if err != nil || len(es) == 0 || es[0].FamilyID != f.ID {
				t.Errorf("the measures page's read by a break-glass grant is not audited as %s: %v %+v", action, err, es)
			}
		}

		// The baby's development: ASQ-3 area scores against the age band's cut-offs.
		bbase := "/people/" + itoa(baby.ID) + "/measures"
		bform := e.get(pc, bbase+"/asq3")
		if bform.status != http.StatusOK || !strings.Contains(bform.body, `name="domain-communication"`) {
			t.Fatalf("ASQ-3 form: %d\n%s", bform.status, bform.body)
		}
		bv := dateForm("taken_on", today, "csrf_token", csrfFrom(t, bform.body), "timepoint", "m6",
			"domain-communication", "45", "domain-gross_motor", "50", "domain-fine_motor", "7", "domain-problem_solving", "40", "domain-personal_social", "35")
		if r := e.post(pc, bbase+"/asq3", bv); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `href="#domain-fine_motor"`) {
			t.Errorf("not a multiple of 5: %d\n%s", r.status, r.body)
		}
		bv.Set("domain-fine_motor", "10")
		r = e.post(pc, bbase+"/asq3", bv)
		if r.status != http.StatusSeeOther {
			t.Fatalf("ASQ-3 save: %d\n%s", r.status, r.body)
		}
		if b := e.get(pc, r.location); !strings.Contains(b.body, "ASQ-3 recorded") || !strings.Contains(b.body, "Fine motor: 10") {
			t.Errorf("ASQ-3 result page:\n%s", b.body)
		}
		// The baby's latest results carry the ASQ-3's caveat and rights line.
		if b := e.get(pc, bbase); !strings.Contains(b.body, "Check before relying on ASQ-3 results:") || !strings.Contains(b.body, "Paul H. Brookes Publishing Co.") {
			t.Errorf("the baby's measures page lacks the ASQ-3's caveat or copyright line")
		}
	})
}

func TestOutcomeMeasureEnteredInError(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		f := demoFamily(t, e, "Jess")
		jess := parentNamed(f, "Jess")
		pc := e.client()
		e.signIn(pc, practitioner)
		base := "/people/" + itoa(jess.ID) + "/measures"
		form := e.get(pc, base+"/gad7")
		v := dateForm("taken_on", e.clock.Now(), "csrf_token", csrfFrom(t, form.body), "timepoint", "m6",
			"item-1", "3", "item-2", "3", "item-3", "3", "item-4", "3", "item-5", "3", "item-6", "3", "item-7", "3")
		r := e.post(pc, base+"/gad7", v)
		if r.status != http.StatusSeeOther {
			t.Fatalf("save: %d", r.status)
		}
		rid := r.location[strings.Index(r.location, "recorded=")+len("recorded="):]
		rid = rid[:strings.Index(rid, "#")]
		remove := "/people/" + itoa(jess.ID) + "/measure-results/" + rid + "/remove"
		// The overview shows the latest result, with no removal link; the
		// instrument's page has the link, and the form only when asked for.
		if page := e.get(pc, base); !strings.Contains(page.body, `href="`+base+`?measure=gad7"`) || strings.Contains(page.body, `?remove=`) {
			t.Error("the measures overview has no link to the GAD-7 results, or has removal links")
		}
		page := e.get(pc, base+"?measure=gad7")
		if strings.Contains(page.body, `name="reason-`+rid+`"`) || !strings.Contains(page.body, `href="`+base+`?remove=`+rid+`#remove-`+rid+`"`) {
			t.Error("the GAD-7 results show a removal form, or no link to one")
		}
		if p := e.get(pc, base+"?remove="+rid); !strings.Contains(p.body, `name="reason-`+rid+`"`) || !strings.Contains(p.body, `id="m-gad7"`) || strings.Count(p.body, "<form") != 2 { // the form and sign-out
			t.Errorf("asked for, the removal form is missing or not alone (%d forms)", strings.Count(p.body, "<form"))
		}
		if p := e.get(pc, base+"?remove=abc"); p.status != http.StatusOK || strings.Contains(p.body, `name="reason-`) {
			t.Errorf("an unreadable result to remove: %d", p.status)
		}
		if p := e.get(pc, base+"?remove=99999999"); p.status != http.StatusNotFound || !strings.Contains(p.body, "There is no such result") {
			t.Errorf("an unknown result to remove: %d", p.status)
		}
		// A reason is required; the page says so against the right form.
		bad := e.post(pc, remove, mustForm("csrf_token", csrfFrom(t, page.body)))
		if bad.status != http.StatusUnprocessableEntity || !strings.Contains(bad.body, `href="#reason-`+rid+`"`) || !strings.Contains(bad.body, "Say why the result was entered in error") {
			t.Fatalf("no reason: %d\n%s", bad.status, bad.body)
		}
		// The co-parent's practitioner cannot remove it.
		other := e.client()
		e.signIn(other, "grace.adeyemi@cradle.example")
		op := e.get(other, base)
		if r := e.post(other, remove, mustForm("csrf_token", csrfFrom(t, op.body), "reason-"+rid, "wrong")); r.status != http.StatusForbidden {
			t.Errorf("co-parent's practitioner removing: %d", r.status)
		}
		ok := e.post(pc, remove, mustForm("csrf_token", csrfFrom(t, page.body), "measure", "gad7", "reason-"+rid, "Scored from the wrong form"))
		if ok.status != http.StatusSeeOther || ok.location != base+"?measure=gad7" {
			t.Fatalf("remove: %d %s\n%s", ok.status, ok.location, ok.body)
		}
		if p := e.get(pc, base); strings.Contains(p.body, "21 (severe)") || !strings.Contains(p.body, "GAD-7") {
			t.Errorf("the removed result still shows")
		}
		// Sent again: a conflict on the measure's page, which lists the
		// result as removed, the typed reason kept to copy; and an unknown
		// result is not found, whatever the reason.
		again := e.post(pc, remove, mustForm("csrf_token", csrfFrom(t, page.body), "measure", "gad7", "reason-"+rid, "Sent twice, CANARY-TYPED"))
		if again.status != http.StatusConflict || !strings.Contains(again.body, "This was removed as entered in error already") ||
			!strings.Contains(between(again.body, `id="unsaved"`, "</div>"), "Sent twice, CANARY-TYPED") || !strings.Contains(again.body, "Removed as entered in error") {
			t.Errorf("removing twice: %d\n%s", again.status, again.body)
		}
		if r := e.post(pc, "/people/"+itoa(jess.ID)+"/measure-results/99999999/remove", mustForm("csrf_token", csrfFrom(t, page.body), "reason-99999999", "x")); r.status != http.StatusNotFound {
			t.Errorf("removing an unknown result: %d", r.status)
		}
		// The measure's page lists it as removed, with why, as its form
		// said it would be kept; the co-parent's practitioner sees that it
		// was removed but not why.
		if p := e.get(pc, base+"?measure=gad7"); !strings.Contains(p.body, "Removed as entered in error") || !strings.Contains(p.body, "Scored from the wrong form") {
			t.Error("the GAD-7 page does not list the removed result with its reason")
		}
		if p := e.get(other, base+"?measure=gad7"); !strings.Contains(p.body, "Removed as entered in error") || strings.Contains(p.body, "Scored from the wrong form") ||
			!strings.Contains(p.body, "the reason is withheld") {
			t.Error("the co-parent's practitioner is shown the removal's reason, or not told it is withheld")
		}
		// The right one can now be recorded for the same timepoint.
		form = e.get(pc, base+"/gad7")
		v.Set("csrf_token", csrfFrom(t, form.body))
		v.Set("item-1", "1")
		r = e.post(pc, base+"/gad7", v)
		if r.status != http.StatusSeeOther || !strings.HasPrefix(r.location, base+"?measure=gad7&recorded=") {
			t.Fatalf("re-entering: %d %s\n%s", r.status, r.location, r.body)
		}
		// Removed in turn, with an instrument the page did not send: back to
		// the overview, the address made only from an instrument in use.
		rid2 := r.location[strings.Index(r.location, "recorded=")+len("recorded="):]
		rid2 = rid2[:strings.Index(rid2, "#")]
		if r := e.post(pc, "/people/"+itoa(jess.ID)+"/measure-results/"+rid2+"/remove", mustForm("csrf_token", csrfFrom(t, page.body), "measure", "//evil.example", "reason-"+rid2, "Wrong person")); r.status != http.StatusSeeOther || r.location != base {
			t.Errorf("removing with an unknown instrument: %d %s", r.status, r.location)
		}
	})
}

// recordMeasure records an instrument for a person through its form, with
// the lowest answer to every question (or the area scores and total given),
// and fails the test unless it is saved.
func recordMeasure(t *testing.T, e *env, c *http.Client, personID int64, key, timepoint string, kv ...string) {
	t.Helper()
	base := "/people/" + itoa(personID) + "/measures/" + key
	form := e.get(c, base)
	if form.status != http.StatusOK {
		t.Fatalf("%s form: %d", key, form.status)
	}
	v := dateForm("taken_on", e.clock.Now(), append([]string{"csrf_token", csrfFrom(t, form.body), "timepoint", timepoint}, kv...)...)
	if len(kv) == 0 {
		in, _ := measure.Lookup(key)
		for _, it := range in.Items {
			v.Set(measure.ItemField(it.Number), strconv.Itoa(it.Min))
		}
	}
	if r := e.post(c, base, v); r.status != http.StatusSeeOther {
		t.Fatalf("recording %s at %s: %d\n%s", key, timepoint, r.status, r.body)
	}
}

// rowFor is the caseload table row of one parent.
func rowFor(t *testing.T, page string, personID int64) string {
	t.Helper()
	i := strings.Index(page, `href="/people/`+itoa(personID)+`"`)
	if i < 0 {
		t.Fatalf("no caseload row for person %d:\n%s", personID, page)
	}
	row := page[i:]
	return row[:strings.Index(row, "</tr>")]
}

// TestDueMeasuresOnCaseloadAndFamilyPage: a timepoint's measures show as
// due (here overdue) on the practitioner's caseload row for the parent and
// on the family page, and go once everything due at it is recorded: the
// caseload row needs the parent's and the baby's, the family page both
// parents' too.
func TestDueMeasuresOnCaseloadAndFamilyPage(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		f := demoFamily(t, e, "Jess") // the baby is about six and a half months old
		jess, callum := parentNamed(f, "Jess"), parentNamed(f, "Callum")
		baby, _ := f.Baby()
		if !jess.Active || !callum.Active {
			t.Fatal("the demo family's parents should both be active")
		}
		const label = "6-month outcome measures"
		overdueTag := `govuk-tag--red app-tag-block">` + label + `<`
		pc := e.client()
		e.signIn(pc, practitioner) // Jess's practitioner
		family := "/families/" + itoa(f.ID)
		if row := rowFor(t, e.get(pc, "/caseload").body, jess.ID); strings.Contains(row, overdueTag) {
			t.Fatalf("within the 6-month window the caseload row says the %s are overdue:\n%s", label, row)
		}

		// Past the window, with nothing changed in the family: the caseload
		// works the day out again (what it keeps of a family is by the day).
		e.clock.Advance(10 * 24 * time.Hour)
		e.signIn(pc, practitioner)
		row := rowFor(t, e.get(pc, "/caseload").body, jess.ID)
		if !strings.Contains(row, overdueTag) {
			t.Fatalf("caseload row lacks the overdue %s:\n%s", label, row)
		}
		if p := e.get(pc, family); !strings.Contains(p.body, label) {
			t.Fatalf("family page lacks %s", label)
		}
		if p := e.get(pc, "/people/"+itoa(jess.ID)+"/measures"); !strings.Contains(p.body, "Overdue") || !strings.Contains(p.body, label) {
			t.Errorf("measures page does not say the %s are overdue", label)
		}

		tp, _ := mustTimeline(t).Timepoint("m6")
		for _, key := range tp.Parents {
			recordMeasure(t, e, pc, jess.ID, key, "m6")
		}
		// The baby's are still missing, so Jess's row still lists them.
		if row := rowFor(t, e.get(pc, "/caseload").body, jess.ID); !strings.Contains(row, label) {
			t.Errorf("with the baby's measures missing the row dropped %s:\n%s", label, row)
		}
		recordMeasure(t, e, pc, baby.ID, "asq3", "m6", "domain-communication", "50", "domain-gross_motor", "50",
			"domain-fine_motor", "50", "domain-problem_solving", "50", "domain-personal_social", "50")
		recordMeasure(t, e, pc, baby.ID, "asqse2", "m6", "total", "20")
		if row := rowFor(t, e.get(pc, "/caseload").body, jess.ID); strings.Contains(row, label) {
			t.Errorf("all recorded, but Jess's caseload row still lists %s:\n%s", label, row)
		}
		// Callum's are not recorded: the family page still lists them.
		if p := e.get(pc, family); !strings.Contains(p.body, label) {
			t.Errorf("family page dropped %s with Callum's measures missing", label)
		}
		gc := e.client()
		e.signIn(gc, grace) // Callum's practitioner
		row = rowFor(t, e.get(gc, "/caseload").body, callum.ID)
		if !strings.Contains(row, label) {
			t.Errorf("Callum's caseload row lacks %s:\n%s", label, row)
		}
		for _, key := range tp.Parents {
			recordMeasure(t, e, gc, callum.ID, key, "m6")
		}
		if row := rowFor(t, e.get(gc, "/caseload").body, callum.ID); strings.Contains(row, label) {
			t.Errorf("Callum's row still lists %s:\n%s", label, row)
		}
		if p := e.get(pc, family); p.status != http.StatusOK || strings.Contains(p.body, label) {
			t.Errorf("family page still lists %s once everything is recorded", label)
		}
		if p := e.get(pc, "/people/"+itoa(jess.ID)+"/measures"); strings.Contains(p.body, label) {
			t.Errorf("measures page still lists %s as due", label)
		}
	})
}

func mustTimeline(t *testing.T) timeline.Config {
	t.Helper()
	c, err := timeline.DefaultConfig()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// groupOf is one instrument's results on its page of a person's measures.
func groupOf(t *testing.T, page, key string) string {
	t.Helper()
	i := strings.Index(page, `id="m-`+key+`"`)
	if i < 0 {
		t.Fatalf("no %s results on the page", key)
	}
	return page[i:]
}

// summaryRowOf is one instrument's row in a person's latest results.
func summaryRowOf(t *testing.T, page, key string) string {
	t.Helper()
	i := strings.Index(page, `?measure=`+key+`"`)
	if i < 0 {
		t.Fatalf("no %s row in the latest results:\n%s", key, page)
	}
	return page[i : i+strings.Index(page[i:], "</tr>")]
}

// TestMeasureChangeFromBaseline: two results of one instrument show the
// change from the baseline and whether it is reliable; an instrument with
// no reliable change index says so rather than judging.
func TestMeasureChangeFromBaseline(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		f := demoFamily(t, e, "Jess")
		jess := parentNamed(f, "Jess")
		pc := e.client()
		e.signIn(pc, practitioner)
		page := "/people/" + itoa(jess.ID) + "/measures"

		// The CORE-10 form carries the CORE System Trust's copyright line,
		// which its licence requires wherever the measure is shown.
		const coreRights = "© CORE System Trust: https://www.coresystemtrust.org.uk/copyright.pdf"
		if form := e.get(pc, page+"/core10"); form.status != http.StatusOK || !strings.Contains(form.body, coreRights) ||
			!strings.Contains(form.body, "I have felt able to cope when things go wrong") {
			t.Fatalf("CORE-10 form: %d, copyright line shown %v", form.status, strings.Contains(form.body, coreRights))
		}

		// CORE-10 at baseline: 20 (questions 2 and 3 reverse-scored) ...
		recordMeasure(t, e, pc, jess.ID, "core10", "baseline", "item-1", "2", "item-2", "2", "item-3", "2", "item-4", "2",
			"item-5", "2", "item-6", "0", "item-7", "3", "item-8", "3", "item-9", "3", "item-10", "1")
		// ... and at 6 months: 12, a fall of 8, past the reliable change of 6.
		recordMeasure(t, e, pc, jess.ID, "core10", "m6", "item-1", "1", "item-2", "3", "item-3", "3", "item-4", "1",
			"item-5", "1", "item-6", "0", "item-7", "2", "item-8", "2", "item-9", "2", "item-10", "1")
		g := groupOf(t, e.get(pc, page+"?measure=core10").body, "core10")
		for _, want := range []string{"20 (moderate-to-severe)", "Baseline", "12 (mild)", "−8", "Reliable improvement", coreRights} {
			if !strings.Contains(g, want) {
				t.Errorf("CORE-10 results lack %q:\n%s", want, g)
			}
		}
		if strings.Index(g, "20 (moderate-to-severe)") > strings.Index(g, "12 (mild)") {
			t.Error("CORE-10 results are not oldest first")
		}
		if !strings.Contains(g, `role="img"`) {
			t.Error("CORE-10 results have no chart")
		}
		// The overview: the latest result and its change, no chart.
		overview := e.get(pc, page).body
		row := summaryRowOf(t, overview, "core10")
		for _, want := range []string{"12 (mild)", "−8", "Reliable improvement", "(2 results)"} {
			if !strings.Contains(row, want) {
				t.Errorf("the CORE-10 summary lacks %q:\n%s", want, row)
			}
		}
		if strings.Contains(row, "20 (moderate-to-severe)") || strings.Contains(overview, `role="img"`) {
			t.Error("the overview shows the CORE-10 baseline or a chart")
		}
		if !strings.Contains(overview, coreRights) {
			t.Error("the overview shows CORE-10 results without its copyright line")
		}
		// The demo's PHQ-9 and GAD-7 results share one rights line: shown once.
		if n := strings.Count(overview, "Developed by Drs. Robert L. Spitzer"); n != 1 {
			t.Errorf("the PHQ-9 and GAD-7 rights line is shown %d times", n)
		}
		// An instrument not in use, or not for a parent: not found.
		for _, q := range []string{"?measure=nonsense", "?measure=asq3"} {
			if r := e.get(pc, page+q); r.status != http.StatusNotFound || !strings.Contains(r.body, "There is no such outcome measure") {
				t.Errorf("%s: %d", q, r.status)
			}
		}
		// One in use with nothing recorded says so.
		if r := e.get(pc, page+"?measure=wemwbs"); r.status != http.StatusOK || !strings.Contains(r.body, "No WEMWBS results recorded yet") {
			t.Errorf("WEMWBS with no results: %d", r.status)
		}

		// DERS-16 has no reliable change index. The demo recorded a
		// baseline for Jess; record one if a later demo does not.
		rec, err := e.db.ReadPerson(context.Background(), mustActor(t, e, practitioner), jess.ID)
		if err != nil {
			t.Fatal(err)
		}
		baseline := 16.0 // the lowest answers, if recorded here
		if i := slices.IndexFunc(rec.Measures, func(m store.MeasureResult) bool {
			return m.Instrument == "ders16" && m.Timepoint == "baseline"
		}); i >= 0 {
			baseline = rec.Measures[i].Score
		} else {
			recordMeasure(t, e, pc, jess.ID, "ders16", "baseline")
		}
		answers := []string{}
		for n := 1; n <= 16; n++ {
			answers = append(answers, "item-"+strconv.Itoa(n), "5")
		}
		recordMeasure(t, e, pc, jess.ID, "ders16", "m6", answers...)
		g = groupOf(t, e.get(pc, page+"?measure=ders16").body, "ders16")
		change := ">&#43;" + strconv.FormatFloat(80-baseline, 'f', -1, 64) + "</td>" // "+", as html/template writes it
		if !strings.Contains(g, change) || !strings.Contains(g, "Not defined for this measure") || strings.Contains(g, "Reliable deterioration") {
			t.Errorf("DERS-16 results lack %q or the wording:\n%s", change, g)
		}
	})
}

// TestLoadedInstrumentWording: an organisation's wording for a licensed
// instrument (cradle serve --instruments) is what the form shows, and the
// answers score as the built-in instrument does.
func TestLoadedInstrumentWording(t *testing.T) {
	in, _ := measure.Lookup("epds")
	data, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	for i, v := range m["items"].([]any) {
		it := v.(map[string]any)
		n := i + 1
		it["text"] = "Licensed EPDS statement " + strconv.Itoa(n)
		// Answers in the order of the paper form: questions 1, 2 and 4
		// score 0 first, the others 3 first.
		values := []int{3, 2, 1, 0}
		if n == 1 || n == 2 || n == 4 {
			values = []int{0, 1, 2, 3}
		}
		var opts []any
		for j, val := range values {
			opts = append(opts, map[string]any{"value": val, "label": "Answer " + string(rune('A'+j)) + " to statement " + strconv.Itoa(n)})
		}
		it["options"] = opts
	}
	if data, err = json.Marshal(m); err != nil {
		t.Fatal(err)
	}
	ins, err := measure.Overlay([]measure.File{{Name: "epds.json", Data: data}})
	if err != nil {
		t.Fatal(err)
	}
	eachWith(t, web.Config{Instruments: ins}, func(t *testing.T, e *env) {
		f := demoFamily(t, e, "Jess")
		jess := parentNamed(f, "Jess")
		pc := e.client()
		e.signIn(pc, practitioner)
		base := "/people/" + itoa(jess.ID) + "/measures/epds"
		form := e.get(pc, base)
		for _, want := range []string{"3. Licensed EPDS statement 3", "Answer A to statement 3", "Answer D to statement 10", `name="item-10" type="radio" value="3"`} {
			if !strings.Contains(form.body, want) {
				t.Errorf("EPDS form lacks %q", want)
			}
		}
		// The first answer to every statement: 7 x 3 = 21, as built in.
		v := dateForm("taken_on", e.clock.Now(), "csrf_token", csrfFrom(t, form.body), "timepoint", "m6",
			"item-1", "0", "item-2", "0", "item-3", "3", "item-4", "0", "item-5", "3", "item-6", "3", "item-7", "3", "item-8", "3", "item-9", "3", "item-10", "3")
		r := e.post(pc, base, v)
		if r.status != http.StatusSeeOther {
			t.Fatalf("save: %d\n%s", r.status, r.body)
		}
		if done := e.get(pc, r.location); !strings.Contains(done.body, "EPDS recorded: 21 (probable depression)") {
			t.Errorf("after saving:\n%s", done.body)
		}
	})
}

// tableRows is the text of each body row of the table with the given id:
// one string per cell (header or data), tags dropped and spaces collapsed.
func tableRows(t *testing.T, page, id string) [][]string {
	t.Helper()
	i := strings.Index(page, `<table class="govuk-table" id="`+id+`"`)
	if i < 0 {
		t.Fatalf("no %s table on the page", id)
	}
	table := page[i:]
	table = table[:strings.Index(table, "</table>")]
	body := table[strings.Index(table, "<tbody"):]
	tags := regexp.MustCompile(`<[^>]*>`)
	var rows [][]string
	for _, tr := range strings.Split(body, "<tr")[1:] {
		var cells []string
		for _, c := range regexp.MustCompile(`(?s)<t[hd](?:\s[^>]*)?>(.*?)</t[hd]>`).FindAllStringSubmatch(tr, -1) {
			cells = append(cells, strings.Join(strings.Fields(tags.ReplaceAllString(c[1], " ")), " "))
		}
		rows = append(rows, cells)
	}
	return rows
}

// TestProgrammeMeasuresOnTheMeasuresPage: a parent's measures page shows
// their engagement (sessions attended of those offered: attended, did not
// attend or cancelled by the parent, not those the practitioner cancelled)
// and the family's safeguarding status at each outcome timepoint reached,
// worked out by hand here; the baby's page shows the status only.
func TestProgrammeMeasuresOnTheMeasuresPage(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := audit.WithSource(context.Background(), audit.Source{Actor: "test"})
		f := demoFamily(t, e, "Amy") // Amy: Priya's parent; Jordan: Tom's. At assessment, baby due in 12 weeks.
		amy, jordan := parentNamed(f, "Amy"), parentNamed(f, "Jordan")
		baby, _ := f.Baby()
		priya, tomA := mustActor(t, e, practitioner), mustActor(t, e, tom)
		day := func(t time.Time, n int) time.Time { return t.AddDate(0, 0, n) }

		// What the demo gave Amy before today: one session, attended; the
		// family's status a child protection plan from acceptance.
		before, err := e.db.ReadProgrammeMeasures(ctx, priya, amy.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(before.Sessions) != 1 || before.Sessions[0].Attendance != "attended" || len(before.Statuses) != 1 ||
			before.Statuses[0].Status != "child_protection_plan" || !before.Statuses[0].From.Equal(f.AcceptedOn) || !f.AssessmentDoneOn.IsZero() {
			t.Fatalf("the demo changed: Amy's sessions %+v, statuses %+v, assessment done %v", before.Sessions, before.Statuses, f.AssessmentDoneOn)
		}

		// Timepoints: baseline 42 days after acceptance (the assessment is
		// not complete), late pregnancy at 36 weeks (28 days before the EDD).
		baseline, late := day(f.AcceptedOn, 42), day(f.EDD, -28)
		if !late.After(day(baseline, 12)) {
			t.Fatalf("late pregnancy %v is too close to the baseline %v for this test", late, baseline)
		}
		e.clock.Set(day(late, 4).Add(10 * time.Hour))

		session := func(actor policy.Actor, personID int64, on time.Time, attendance string) {
			t.Helper()
			s := casework.Session{PersonID: personID, HeldOn: on, Minutes: 60, Mode: "home", Attendance: attendance}
			if attendance != "attended" {
				s.Reason = "not today"
			}
			if _, err := e.db.RecordSession(ctx, actor, s, nil); err != nil {
				t.Fatalf("session on %v: %v", on, err)
			}
		}
		session(priya, amy.ID, day(baseline, -18), "attended")
		session(priya, amy.ID, day(baseline, -8), "did_not_attend")
		session(priya, amy.ID, day(baseline, -3), "cancelled_by_practitioner") // not offered
		session(priya, amy.ID, baseline, "cancelled_by_parent")                // on the day: counts
		session(priya, amy.ID, day(baseline, 12), "attended")
		session(priya, amy.ID, day(late, -6), "cancelled_by_practitioner")
		session(priya, amy.ID, late, "attended")
		session(priya, amy.ID, day(late, 2), "did_not_attend") // after the last timepoint reached
		// Jordan's sessions must not count on Amy's page.
		for _, on := range []time.Time{day(baseline, -5), day(baseline, 5), day(late, -1)} {
			session(tomA, jordan.ID, on, "attended")
		}
		// The team around the baby: child in need after the baseline,
		// looked after since late pregnancy.
		for _, m := range []sharing.Meeting{{Kind: "team_around_baby", HeldOn: day(baseline, 10), Attendees: "Social worker", StatusAfter: "child_in_need"},
			{Kind: "team_around_baby", HeldOn: day(late, 1), Attendees: "Social worker", StatusAfter: "looked_after"}} {
			if err := e.db.RecordMeeting(ctx, priya, f.ID, m); err != nil {
				t.Fatal(err)
			}
		}

		date := func(t time.Time) string { return t.Format("2 January 2006") }
		// Baseline: attended the demo's session and the one 18 days before;
		// offered those, the missed one and the one Amy cancelled: 2 of 4.
		// Late pregnancy: 2 more attended, nothing else offered: 4 of 6,
		// 66.7%, 16.7 points up.
		wantEngagement := [][]string{
			{"Baseline " + date(baseline), "2", "4", "50%", "Baseline"},
			{"Late pregnancy " + date(late) + ", from the due date", "4", "6", "66.7%", "&#43;16.7 points"},
		}
		wantStatus := [][]string{
			{"Baseline " + date(baseline), "Child protection plan"},
			{"Late pregnancy " + date(late) + ", from the due date", "Child in need"},
			{"Current status", "Looked after"},
		}
		check := func(c *http.Client, who string) string {
			t.Helper()
			page := e.get(c, "/people/"+itoa(amy.ID)+"/measures")
			if page.status != http.StatusOK {
				t.Fatalf("%s: Amy's measures page: %d", who, page.status)
			}
			for _, want := range []string{`<caption class="govuk-table__caption govuk-table__caption--s">Engagement`, `<caption class="govuk-table__caption govuk-table__caption--s">Safeguarding status`} {
				if !strings.Contains(page.body, want) {
					t.Errorf("%s: the page lacks %q", who, want)
				}
			}
			if got := tableRows(t, page.body, "engagement"); !slices.EqualFunc(got, wantEngagement, slices.Equal) {
				t.Errorf("%s: engagement rows\n got %q\nwant %q", who, got, wantEngagement)
			}
			if got := tableRows(t, page.body, "safeguarding-status"); !slices.EqualFunc(got, wantStatus, slices.Equal) {
				t.Errorf("%s: status rows\n got %q\nwant %q", who, got, wantStatus)
			}
			return page.body
		}
		pc := e.client()
		e.signIn(pc, practitioner)
		check(pc, "Amy's practitioner")

		// The read is audited as Priya's, in its own entry beside the page's.
		entries, err := e.db.AuditEntries(context.Background(), store.AuditFilter{RecordType: "person", RecordID: amy.ID, ActorID: priya.StaffID,
			Actions: []string{"person.programme_measures.view"}})
		if err != nil || len(entries) == 0 || entries[0].FamilyID != f.ID {
			t.Errorf("programme measures read not audited: %v %+v", err, entries)
		}

		// Jordan's practitioner may open Amy's page (as before: results
		// withheld, nothing to record) and sees the same counts and statuses,
		// which are not confidential, and still nothing of Jordan's sessions.
		tc := e.client()
		e.signIn(tc, tom)
		if body := check(tc, "Jordan's practitioner"); strings.Contains(body, "Record a measure") {
			t.Error("Jordan's practitioner is offered to record Amy's measures")
		}
		// Staff with no part in the family cannot open it at all.
		for _, who := range []string{grace, herts} {
			c := e.client()
			e.signIn(c, who)
			if r := e.get(c, "/people/"+itoa(amy.ID)+"/measures"); r.status != http.StatusForbidden {
				t.Errorf("%s opening Amy's measures page: %d", who, r.status)
			}
			if _, err := e.db.ReadProgrammeMeasures(ctx, mustActor(t, e, who), amy.ID); problem.As(err) == nil || problem.As(err).Code != problem.Forbidden {
				t.Errorf("%s reading Amy's programme measures: %v", who, err)
			}
		}

		// The baby's page: the status, no engagement (sessions are with the parents).
		bp := e.get(pc, "/people/"+itoa(baby.ID)+"/measures")
		if bp.status != http.StatusOK || strings.Contains(bp.body, `id="engagement"`) || strings.Contains(bp.body, "Sessions offered") {
			t.Fatalf("baby's measures page: %d, engagement shown %v", bp.status, strings.Contains(bp.body, `id="engagement"`))
		}
		if got := tableRows(t, bp.body, "safeguarding-status"); !slices.EqualFunc(got, wantStatus, slices.Equal) {
			t.Errorf("baby's status rows\n got %q\nwant %q", got, wantStatus)
		}

		// A family with no status recorded: "None recorded" throughout.
		h := demoFamily(t, e, "Hannah")
		hb, _ := h.Baby()
		mc := e.client()
		e.signIn(mc, manager)
		hp := e.get(mc, "/people/"+itoa(hb.ID)+"/measures")
		rows := tableRows(t, hp.body, "safeguarding-status")
		if hp.status != http.StatusOK || len(rows) < 2 || strings.Contains(hp.body, `id="engagement"`) {
			t.Fatalf("Hannah's baby's page: %d %q", hp.status, rows)
		}
		for _, r := range rows {
			if len(r) != 2 || r[1] != "None recorded" {
				t.Errorf("Hannah's baby's status row %q, want None recorded", r)
			}
		}
	})
}
