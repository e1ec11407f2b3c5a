package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestChangeInCircumstances: a change in a parent's circumstances is
// recorded from their page. A form with problems comes back open, its
// summary linking to the field and what was typed kept; a good one is
// listed on the page, asks for a risk review on the family's page, and its
// note is withheld from the other parent's practitioner, who may not
// record one.
func TestChangeInCircumstances(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		f := demoFamily(t, e, "Amy")
		amy := "/people/" + itoa(parentNamed(f, "Amy").ID)
		pc := e.client()
		e.signIn(pc, practitioner)
		page := e.get(pc, amy)
		if page.status != http.StatusOK || !strings.Contains(page.body, "No changes recorded.") ||
			!strings.Contains(page.body, `href="`+amy+`?form=change#change-form"`) || strings.Contains(page.body, `name="change_kind"`) {
			t.Fatalf("Amy's page before any change: %d\n%s", page.status, between(page.body, "Changes in circumstances", "Safety plan"))
		}
		if form := e.get(pc, amy+"?form=change"); !strings.Contains(form.body, `id="change-form" open`) || !strings.Contains(form.body, `id="change_kind"`) {
			t.Errorf("the change form asked for is not shown open:\n%s", between(form.body, "Changes in circumstances", "Safety plan"))
		}
		token := csrfFrom(t, page.body)
		day := e.clock.Now().AddDate(0, 0, -3)

		// No kind: the summary links to it, the note and date typed are kept.
		bad := e.post(pc, amy+"/changes", dateForm("changed_on", day, "csrf_token", token, "change_note", "CANARY-TYPED staying with her mum"))
		if bad.status != http.StatusUnprocessableEntity || !strings.Contains(bad.body, `href="#change_kind"`) || !strings.Contains(bad.body, "Select what has changed") ||
			!strings.Contains(bad.body, "CANARY-TYPED staying with her mum</textarea>") || !strings.Contains(bad.body, `id="change-form" open`) ||
			!strings.Contains(bad.body, `name="changed_on-year" type="text" inputmode="numeric" value="`+itoa(int64(day.Year()))+`"`) {
			t.Errorf("a change with no kind: %d\n%s", bad.status, between(bad.body, "govuk-error-summary", "</div>"))
		}
		// A date that is no date is found before the store; the kind chosen is kept.
		r := e.post(pc, amy+"/changes", url.Values{"csrf_token": {token}, "change_kind": {"separated"},
			"changed_on-day": {"31"}, "changed_on-month": {"2"}, "changed_on-year": {"2026"}})
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `href="#changed_on"`) || !strings.Contains(r.body, `value="separated" checked`) {
			t.Errorf("a change dated 31 February: %d\n%s", r.status, between(r.body, "govuk-error-summary", "</div>"))
		}
		// Other, with no note.
		if r := e.post(pc, amy+"/changes", dateForm("changed_on", day, "csrf_token", token, "change_kind", "other")); r.status != http.StatusUnprocessableEntity ||
			!strings.Contains(r.body, `href="#change_note"`) || !strings.Contains(r.body, "Say what has changed") {
			t.Errorf("other with no note: %d", r.status)
		}

		good := e.post(pc, amy+"/changes", dateForm("changed_on", day, "csrf_token", token, "change_kind", "moved_house", "change_note", "CANARY-CHANGE moved in with her sister"))
		if good.status != http.StatusSeeOther || good.location != amy+"#risk" {
			t.Fatalf("a good change: %d %q\n%s", good.status, good.location, between(good.body, "govuk-error-summary", "</div>"))
		}
		page = e.get(pc, amy)
		listed := between(page.body, "Changes in circumstances</h3>", "</p>")
		if !strings.Contains(listed, day.Format("2 January 2006")+" · Moved house") || !strings.Contains(listed, "CANARY-CHANGE moved in with her sister") {
			t.Errorf("Amy's page lists the change as %q", listed)
		}
		fam := e.get(pc, "/families/"+itoa(f.ID))
		if !strings.Contains(fam.body, "Review the risk assessment after a change in circumstances (family "+f.Reference+")") {
			t.Error("the family page has no risk review task after the change")
		}

		// The other parent's practitioner sees that a change was recorded, and
		// when, not what changed.
		tc := e.client()
		e.signIn(tc, tom)
		other := e.get(tc, amy)
		if !strings.Contains(other.body, day.Format("2 January 2006")+" · a change was recorded; what changed is withheld") || strings.Contains(other.body, "CANARY-CHANGE") ||
			strings.Contains(between(other.body, "Changes in circumstances</h3>", "</p>"), "Moved house") || strings.Contains(other.body, "Record a change in circumstances") {
			t.Errorf("the other parent's practitioner sees the change as %q", between(other.body, "Changes in circumstances</h3>", "</p>"))
		}
		if r := e.post(tc, amy+"/changes", dateForm("changed_on", day, "csrf_token", csrfFrom(t, other.body), "change_kind", "separated")); r.status != http.StatusForbidden {
			t.Errorf("the other parent's practitioner recording a change: %d, want 403", r.status)
		}
	})
}
