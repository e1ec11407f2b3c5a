package e2e

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/demo"
)

// canary is in a confidential case note: the other parent's practitioner
// must never see it.
const canary = "CANARY-E2E"

const withheld = "Withheld: confidential to the other parent's practitioner"

// TestBrowserFamilyJourney follows one family from a professional's
// referral to the planned closure at the baby's second birthday, on a clock
// that the test moves on: acceptance, allocation of a practitioner to each
// parent, assessment, sessions and VIG (with a confidential note that the
// co-parent's practitioner must not see), the birth, and the ending. Every
// page, error states included, passes axe-core.
func TestBrowserFamilyJourney(t *testing.T) {
	t.Parallel()
	chromium := chromiumPath(t) // first, so that a skip costs nothing
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), overallTimeout)
	defer cancel()
	clock := newTestClock()
	base := startServerWithClock(t, map[string]string{}, clock)
	browser := startBrowser(t, ctx, chromium)
	b := &session{base: base, shots: newShots(), clock: clock}
	defer func() { t.Logf("TestBrowserFamilyJourney took %v", time.Since(start).Round(time.Millisecond)) }()

	var (
		reference  string // REF-…
		familyHref string // /families/{id}
		niaHref    string // /people/{id}
		reeceHref  string
		born       time.Time
	)

	step(t, "referral", func(t *testing.T) {
		tab := b.newTab(t, browser)
		defer tab.close(t)
		tab.open(t, "/refer/professional")
		tab.pageChecks(t, "case-referral-form")
		tab.fill(t, "#referrer-name", "Marcus Bell")
		tab.check(t, "referrer-role") // social worker
		tab.fill(t, "#referrer-organisation", "Blackpool Council Children's Services")
		tab.fill(t, "#referrer-email", "marcus.bell@example.org")
		tab.fill(t, "#parent1-given_name", "Nia")
		tab.fill(t, "#parent1-family_name", "Cole")
		tab.fill(t, "#parent1-phone", "07700 900777")
		tab.check(t, "parent1-consent") // yes
		tab.fill(t, "#parent2-given_name", "Reece")
		tab.fill(t, "#parent2-family_name", "Cole")
		tab.check(t, "parent2-consent") // yes
		tab.fillDate(t, "due_date", clock.Now().AddDate(0, 0, 70))
		tab.fill(t, "#area", "FY1 1AA")
		tab.check(t, "relationship")
		tab.fill(t, "#abuse_known", "Nia told her midwife about controlling behaviour; Reece has asked for help.")
		tab.check(t, "safeguarding_status") // none
		tab.screenshot(t, "case-01-referral-form")
		tab.click(t, `form[action="/refer/professional"] button[type="submit"]`)
		tab.mustBeAt(t, "/refer/professional/confirmation")
		reference = referenceRE.FindString(tab.eval(t, `document.querySelector('.govuk-panel').innerText`))
		if reference == "" {
			t.Fatal("referral confirmation: no reference like REF-YYYY-NNNNNN in the panel")
		}
		tab.pageChecks(t, "case-referral-confirmation")
	})

	step(t, "accept, allocate, assess", func(t *testing.T) {
		if reference == "" {
			t.Fatal("no referral to accept")
		}
		tab := b.newTab(t, browser)
		defer tab.close(t)
		tab.signInChecked(t, credentialFor(t, managerEmail))
		tab.click(t, `nav a[href="/referrals"]`)
		tab.mustBeAt(t, "/referrals")
		tab.pageChecks(t, "case-referral-queue")
		href := tab.queueLink(t, reference)
		if href == "" {
			t.Fatalf("referral queue: no link to %s", reference)
		}
		tab.click(t, fmt.Sprintf(`main a[href=%q]`, href))
		tab.mustBeAt(t, href)
		tab.mustSee(t, "referral", "Referral "+reference, "Nia Cole", "Reece Cole", "Marcus Bell")
		tab.pageChecks(t, "case-referral")
		tab.screenshot(t, "case-02-referral")

		tab.check(t, "outcome") // accept
		tab.fill(t, "#detail", "Both parents consent, the baby is due in 10 weeks and there is domestic abuse.")
		tab.click(t, `form[action$="/decision"] button[type="submit"]`)
		familyHref = strings.TrimPrefix(tab.location(), base)
		if !regexp.MustCompile(`^/families/\d+$`).MatchString(familyHref) {
			t.Fatalf("accept: at %s, want the new family's page /families/{id}", familyHref)
		}
		tab.mustSee(t, "new family", "Family FAM-", "Nia Cole", "Reece Cole", "Assessment")
		tab.pageChecks(t, "case-family-new")
		tab.screenshot(t, "case-03-family-new")

		// Allocation: the same practitioner for both parents is refused.
		tab.click(t, fmt.Sprintf(`main a[href=%q]`, familyHref+"/allocate"))
		tab.mustBeAt(t, familyHref+"/allocate")
		tab.pageChecks(t, "case-allocate")
		tab.screenshot(t, "case-04-allocate")
		sel := tab.allocationSelects(t)
		nia, reece := sel["Nia Cole"], sel["Reece Cole"]
		if nia == "" || reece == "" {
			t.Fatalf("allocate: want a select for Nia Cole and for Reece Cole; found %v", sel)
		}
		priya, tom := tab.practitionerOption(t, nia, "Priya Shah"), tab.practitionerOption(t, nia, "Tom Elliott")
		tab.choose(t, "#"+nia, priya)
		tab.choose(t, "#"+reece, priya)
		resp := tab.click(t, `form[action$="/allocate"] button[type="submit"]`)
		if resp == nil || resp.Status != 422 {
			t.Errorf("the same practitioner for both: HTTP status %v, want 422", statusOf(resp))
		}
		tab.mustSee(t, "allocate error", "There is a problem", "Choose a different practitioner for each parent")
		tab.errorState(t, "case-allocate-error", "#"+reece)
		if got := tab.value(t, "#"+nia); got != priya {
			t.Errorf("allocate error: Nia's choice is %q, want Priya (%s) kept", got, priya)
		}
		tab.pageChecks(t, "case-allocate-error")
		tab.screenshot(t, "case-05-allocate-error")

		tab.choose(t, "#"+reece, tom)
		tab.click(t, `form[action$="/allocate"] button[type="submit"]`)
		tab.mustBeAt(t, familyHref)
		for name, want := range map[string]string{"Nia Cole": "Priya Shah", "Reece Cole": "Tom Elliott"} {
			if got := tab.cardPractitioner(t, name); got != want {
				t.Errorf("family after allocation: %s's practitioner is %q, want %q", name, got, want)
			}
		}
		tab.pageChecks(t, "case-family-allocated")

		// Assessment complete: the family moves to the antenatal stage.
		tab.openForm(t, "Record that assessment is complete")
		tab.fillDate(t, "assessed_on", clock.Now())
		tab.click(t, `form[action$="/assessment"] button[type="submit"]`)
		tab.mustBeAt(t, familyHref)
		if got := tab.stage(t); got != "Antenatal" {
			t.Errorf("after the assessment: stage %q, want Antenatal", got)
		}
		niaHref, reeceHref = tab.cardLink(t, "Nia Cole"), tab.cardLink(t, "Reece Cole")
		tab.pageChecks(t, "case-family-antenatal")
		tab.screenshot(t, "case-06-family-antenatal")
	})

	step(t, "Priya's sessions with Nia", func(t *testing.T) {
		if niaHref == "" {
			t.Fatal("no person page for Nia")
		}
		tab := b.newTab(t, browser)
		defer tab.close(t)
		tab.signInChecked(t, credentialFor(t, practitionerEmail))
		tab.open(t, familyHref)
		tab.pageChecks(t, "case-priya-family")
		tab.click(t, fmt.Sprintf(`main .govuk-summary-card__title a[href=%q]`, niaHref))
		tab.mustBeAt(t, niaHref)
		tab.mustSee(t, "Nia's page", "Nia Cole", "Priya Shah", "07700 900777", "No sessions recorded")
		tab.pageChecks(t, "case-person")
		tab.screenshot(t, "case-07-person")

		// Without a date: an error, and what was typed stays.
		first := sessionForm{minutes: "60", mode: "mode", attendance: "attendance", module: "early_life_experiences",
			notes: "First home visit: talked about Nia's own childhood and what she wants for the baby."}
		tab.fillSession(t, first)
		resp := tab.click(t, `form[action$="/sessions"] button[type="submit"]`)
		if resp == nil || resp.Status != 422 {
			t.Errorf("session without a date: HTTP status %v, want 422", statusOf(resp))
		}
		tab.mustSee(t, "session error", "There is a problem", "Enter the date of the session")
		tab.errorState(t, "case-session-error", "#held_on")
		if got := tab.value(t, "#minutes"); got != "60" {
			t.Errorf("session error: minutes = %q, want 60 kept", got)
		}
		tab.pageChecks(t, "case-session-error")
		tab.screenshot(t, "case-08-session-error")
		tab.fillDate(t, "held_on", clock.Now())
		tab.click(t, `form[action$="/sessions"] button[type="submit"]`)
		tab.mustBeAt(t, niaHref)
		tab.mustSee(t, "first session", first.notes)
		tab.pageChecks(t, "case-person-session-1")

		tab.recordSession(t, niaHref, sessionForm{date: clock.Now(), minutes: "45", mode: "mode-2", attendance: "attendance", module: "healthy_relationships",
			notes: "Video call. " + canary + ": Nia disclosed a new incident; safety plan updated.", confidential: true})
		tab.recordSession(t, niaHref, sessionForm{date: clock.Now(), minutes: "30", mode: "mode-3", attendance: "attendance", module: "expressing_feelings",
			notes: "Phone call about naming feelings."})
		tab.mustSee(t, "Nia's sessions", "Early life experiences", "Healthy and unhealthy relationships", "Healthy expression of feelings", canary, "Confidential")
		if n := tab.count(t, "main .app-note"); n != 3 {
			t.Errorf("Nia's page: %d sessions listed, want 3", n)
		}

		tab.openForm(t, "Record a VIG cycle")
		tab.check(t, "phase") // antenatal
		tab.fillDate(t, "filmed_on", clock.Now())
		tab.fill(t, "#strengths", "Nia talks to the bump and pauses as if listening.")
		tab.check(t, "vig_confidential-1") // no
		tab.click(t, `form[action$="/vig"] button[type="submit"]`)
		tab.mustBeAt(t, niaHref)
		tab.mustSee(t, "Nia's VIG", "Antenatal cycle: filmed", "talks to the bump")
		tab.pageChecks(t, "case-person-vig")
		tab.uniqueIDs(t, "case-person")
		tab.screenshot(t, "case-09-person-sessions")
	})

	step(t, "Tom's sessions with Reece", func(t *testing.T) {
		if reeceHref == "" {
			t.Fatal("no person page for Reece")
		}
		tab := b.newTab(t, browser)
		defer tab.close(t)
		tab.signInChecked(t, credentialFor(t, "tom.elliott@cradle.example"))
		tab.open(t, familyHref)
		tab.pageChecks(t, "case-tom-family")
		tab.click(t, fmt.Sprintf(`main .govuk-summary-card__title a[href=%q]`, reeceHref))
		tab.mustBeAt(t, reeceHref)
		tab.pageChecks(t, "case-tom-person")
		tab.recordSession(t, reeceHref, sessionForm{date: clock.Now(), minutes: "60", mode: "mode", attendance: "attendance", module: "early_life_experiences",
			notes: "Home visit: Reece talked about his father."})
		tab.recordSession(t, reeceHref, sessionForm{date: clock.Now(), minutes: "50", mode: "mode-1", attendance: "attendance", module: "healthy_relationships",
			notes: "Office session on what a healthy relationship looks like."})
		tab.recordSession(t, reeceHref, sessionForm{date: clock.Now(), minutes: "40", mode: "mode-2", attendance: "attendance", module: "expressing_feelings",
			notes: "Video call about anger and what is underneath it."})
		if n := tab.count(t, "main .app-note"); n != 3 {
			t.Errorf("Reece's page: %d sessions listed, want 3", n)
		}
		tab.screenshot(t, "case-10-tom-person")

		// Nia's page, as the other parent's practitioner.
		tab.open(t, niaHref)
		tab.mustSee(t, "Nia's page for Tom", "Nia Cole", withheld)
		html := tab.eval(t, `document.documentElement.outerHTML`)
		for _, secret := range []string{canary, "07700 900777", "new incident"} {
			if strings.Contains(html, secret) {
				t.Errorf("Nia's page for Tom contains %q, which is confidential to Priya", secret)
			}
		}
		if n := tab.count(t, "main .app-note"); n != 4 { // 3 sessions and the VIG cycle
			t.Errorf("Nia's page for Tom: %d notes, want 3 sessions and 1 VIG cycle", n)
		}
		tab.pageChecks(t, "case-tom-nia")
		tab.screenshot(t, "case-11-tom-nia")
	})

	step(t, "birth", func(t *testing.T) {
		if familyHref == "" {
			t.Fatal("no family")
		}
		clock.Advance(70 * 24 * time.Hour) // the due date
		tab := b.newTab(t, browser)
		defer tab.close(t)
		tab.signInChecked(t, credentialFor(t, managerEmail))
		tab.open(t, familyHref)
		tab.pageChecks(t, "case-family-due")
		born = clock.Now()
		tab.openForm(t, "Record the birth")
		tab.fillDate(t, "born_on", born)
		tab.fill(t, "#given_name", "Kai")
		tab.screenshot(t, "case-12-record-birth")
		tab.click(t, `form[action$="/birth"] button[type="submit"]`)
		tab.mustBeAt(t, familyHref)
		tab.mustSee(t, "family after the birth", "Kai Cole", "(born today)", "(the baby's second birthday)")
		if text := tab.eval(t, `document.querySelector('main').innerText`); strings.Contains(text, "born today old") {
			t.Error("family after the birth: the baby's age reads \"born today old\"")
		}
		if got := tab.stage(t); got != "Birth" {
			t.Errorf("after the birth: stage %q, want Birth", got)
		}
		tab.pageChecks(t, "case-family-birth")
		tab.screenshot(t, "case-13-family-birth")
	})

	step(t, "close at the second birthday", func(t *testing.T) {
		if born.IsZero() {
			t.Fatal("no birth recorded")
		}
		// The second birthday, at the same time of day (on the server's
		// calendar: the clock's own location).
		y, m, d := born.Date()
		birthday := time.Date(y+2, m, d, born.Hour(), born.Minute(), born.Second(), born.Nanosecond(), born.Location())
		clock.Advance(birthday.Sub(clock.Now()))
		tab := b.newTab(t, browser)
		defer tab.close(t)
		tab.signInChecked(t, credentialFor(t, managerEmail))
		tab.open(t, familyHref)
		if got := tab.stage(t); got != "Ending" {
			t.Errorf("at the second birthday: stage %q, want Ending", got)
		}
		tab.mustSee(t, "family at two", "Kai Cole", "2 years old")
		tab.pageChecks(t, "case-family-ending")
		tab.screenshot(t, "case-14-family-ending")

		tab.click(t, fmt.Sprintf(`main a[href=%q]`, familyHref+"/close"))
		tab.mustBeAt(t, familyHref+"/close")
		if got := tab.eval(t, `document.querySelector('label[for="reason"]').textContent.trim()`); got != "Planned ending at the baby's second birthday" {
			t.Errorf("close: the first reason is %q", got)
		}
		tab.pageChecks(t, "case-close")
		tab.screenshot(t, "case-15-close")

		var summaries []string
		tab.evalInto(t, `[...document.querySelectorAll('main textarea[id^="summary_for_"]')].map(e => e.id)`, &summaries)
		if len(summaries) != 2 {
			t.Fatalf("close: %d closing summary boxes, want one for each parent", len(summaries))
		}
		resp := tab.click(t, `form[action$="/close"] button[type="submit"]`)
		if resp == nil || resp.Status != 422 {
			t.Errorf("close, empty: HTTP status %v, want 422", statusOf(resp))
		}
		tab.mustSee(t, "close error", "There is a problem", "Select why the case is closing", "Enter the closing date", "Write a closing summary")
		tab.errorState(t, "case-close-error", "#reason")
		tab.errorLinksResolve(t, "case-close-error")
		for _, id := range summaries {
			if n := tab.count(t, "#"+id+"-error"); n != 1 {
				t.Errorf("close error: the closing summary box #%s shows no error message of its own", id)
			}
		}
		tab.pageChecks(t, "case-close-error")
		tab.screenshot(t, "case-16-close-error")

		tab.check(t, "reason")
		tab.fillDate(t, "closed_on", clock.Now())
		for i, id := range summaries {
			tab.fill(t, "#"+id, fmt.Sprintf("Parent %d completed the programme; universal services continue with Kai.", i+1))
		}
		tab.click(t, `form[action$="/close"] button[type="submit"]`)
		tab.mustBeAt(t, familyHref)
		if got := tab.stage(t); got != "Closed" {
			t.Errorf("after closing: stage %q, want Closed", got)
		}
		tab.mustSee(t, "closed family", "Planned ending at the baby's second birthday", "approved by Helen Whitaker",
			"Closing summary for Nia Cole", "Parent 1 completed the programme", "Parent 2 completed the programme")
		if n := tab.count(t, fmt.Sprintf(`main a[href=%q]`, familyHref+"/close")); n != 0 {
			t.Error("closed family: still offers \"Close the case\"")
		}
		tab.pageChecks(t, "case-family-closed")
		tab.screenshot(t, "case-17-family-closed")
	})

	step(t, "read-only once closed", func(t *testing.T) {
		if niaHref == "" {
			t.Fatal("no person page for Nia")
		}
		tab := b.newTab(t, browser)
		defer tab.close(t)
		tab.signInChecked(t, credentialFor(t, practitionerEmail))
		// Nia's practitioner reads Nia's closing summary, not the other
		// parent's.
		tab.open(t, familyHref)
		text := tab.eval(t, `document.querySelector('main').innerText`)
		if n := strings.Count(text, "completed the programme"); n != 1 || !strings.Contains(text, "Withheld: confidential to the other parent's practitioner.") {
			t.Errorf("closed family, as Nia's practitioner: %d closing summaries shown, want Nia's alone and the other withheld", n)
		}
		tab.open(t, niaHref)
		tab.mustSee(t, "Nia's page, closed", "Nia Cole", canary)
		for _, control := range []string{"Record a session or contact", "Record a VIG cycle", "Record that joint sessions", "Pause sessions"} {
			if text := tab.eval(t, `document.querySelector('main').innerText`); strings.Contains(text, control) {
				t.Errorf("Nia's page, case closed: still offers %q", control)
			}
		}
		tab.open(t, niaHref+"?form=session") // asking for the form by its address does not bring it back
		if n := tab.count(t, `main form[action$="/sessions"], main form[action$="/vig"]`); n != 0 {
			t.Errorf("Nia's page, case closed: %d recording forms, want none", n)
		}
		tab.pageChecks(t, "case-person-closed")
		tab.screenshot(t, "case-18-person-closed")
	})
}

// sessionForm is what a practitioner types into "Record a session or
// contact". mode, attendance are radio ids; module is an option value.
type sessionForm struct {
	date                      time.Time // zero: left blank
	minutes, mode, attendance string
	module, notes             string
	confidential              bool
}

// fillSession opens the session form if it is closed and fills it in.
func (tb *tab) fillSession(t *testing.T, s sessionForm) {
	t.Helper()
	tb.openForm(t, "Record a session or contact")
	if !s.date.IsZero() {
		tb.fillDate(t, "held_on", s.date)
	}
	tb.fill(t, "#minutes", s.minutes)
	tb.check(t, s.mode)
	tb.check(t, s.attendance)
	tb.choose(t, "#module", s.module)
	tb.fill(t, "#notes", s.notes)
	if s.confidential {
		tb.check(t, "confidential")
	} else {
		tb.check(t, "confidential-1")
	}
}

// recordSession records a session and checks that it is listed.
func (tb *tab) recordSession(t *testing.T, personHref string, s sessionForm) {
	t.Helper()
	before := tb.count(t, "main .app-note")
	tb.fillSession(t, s)
	tb.click(t, `form[action$="/sessions"] button[type="submit"]`)
	tb.mustBeAt(t, personHref)
	if n := tb.count(t, "main .app-note"); n != before+1 {
		t.Errorf("after recording a session: %d notes, want %d", n, before+1)
	}
	tb.mustSee(t, "recorded session", s.notes)
	tb.pageChecks(t, "case-person-session")
}

// openForm opens one of a record's forms as a person would: by following
// its link, which brings the page back with that form in full, unless the
// page shows it already (as after a failed post).
func (tb *tab) openForm(t *testing.T, name string) {
	t.Helper()
	shown := fmt.Sprintf(`[...document.querySelectorAll('details[open] > summary')].some(s => s.textContent.trim() === %q)`, name)
	if tb.eval(t, `String(`+shown+`)`) == "true" {
		return
	}
	link := fmt.Sprintf(`[...document.querySelectorAll('main a.govuk-link')].find(a => a.textContent.trim() === %q)`, name)
	tb.clickJS(t, "the "+name+" link", link)
	if tb.eval(t, `String(`+shown+`)`) != "true" {
		t.Fatalf("following %q did not show its form (at %s)", name, tb.location())
	}
}

// choose picks an option of a select by its value.
func (tb *tab) choose(t *testing.T, selector, value string) {
	t.Helper()
	tb.locate(t, selector)
	tb.eval(t, fmt.Sprintf(`(() => { const e = document.querySelector(%q); e.value = %q; e.dispatchEvent(new Event('change', {bubbles: true})); return ''; })()`, selector, value))
	if got := tb.value(t, selector); got != value {
		t.Fatalf("%s: chose %q, the select has %q", selector, value, got)
	}
}

// allocationSelects maps each parent's name to the id of their select.
func (tb *tab) allocationSelects(t *testing.T) map[string]string {
	t.Helper()
	var out map[string]string
	tb.evalInto(t, `Object.fromEntries([...document.querySelectorAll('main select[id^="practitioner_"]')].map(s =>
		[document.querySelector('label[for="' + s.id + '"]').textContent.trim().replace(/^Practitioner for /, ''), s.id]))`, &out)
	return out
}

// practitionerOption is the value of a practitioner's option, which reads
// "Name (N parents)".
func (tb *tab) practitionerOption(t *testing.T, selectID, name string) string {
	t.Helper()
	var o struct{ Value, Text string }
	tb.evalInto(t, fmt.Sprintf(`(() => {
		const o = [...document.querySelectorAll('#%s option')].find(o => o.textContent.trim().startsWith(%q));
		return o ? {Value: o.value, Text: o.textContent.trim()} : {Value: '', Text: ''};
	})()`, selectID, name+" ("), &o)
	if !regexp.MustCompile(`^` + regexp.QuoteMeta(name) + ` \(\d+ parents?\)$`).MatchString(o.Text) {
		t.Fatalf("allocate: the option for %s reads %q, want \"%s (N parents)\"", name, o.Text, name)
	}
	return o.Value
}

// cardPractitioner is the practitioner on a parent's card on the family page.
func (tb *tab) cardPractitioner(t *testing.T, name string) string {
	t.Helper()
	return tb.eval(t, fmt.Sprintf(`(() => {
		const c = [...document.querySelectorAll('main .govuk-summary-card')].find(c => c.querySelector('.govuk-summary-card__title').textContent.trim() === %q);
		if (!c) return '';
		const r = [...c.querySelectorAll('.govuk-summary-list__row')].find(r => r.querySelector('dt').textContent.trim() === 'Practitioner');
		return r ? r.querySelector('dd').textContent.trim() : '';
	})()`, name))
}

// cardLink is the href of a parent's card title on the family page.
func (tb *tab) cardLink(t *testing.T, name string) string {
	t.Helper()
	href := tb.eval(t, fmt.Sprintf(`(() => {
		const a = [...document.querySelectorAll('main .govuk-summary-card__title a')].find(a => a.textContent.trim() === %q);
		return a ? a.getAttribute('href') : '';
	})()`, name))
	if !regexp.MustCompile(`^/people/\d+$`).MatchString(href) {
		t.Errorf("family page: %s's card links to %q, want /people/{id}", name, href)
	}
	return href
}

// caseloadLink is the link in the caseload row of the parent named name:
// to their family (column 1) or to them (column 0); it fails the test when
// the open caseload has no such row or link.
func (tb *tab) caseloadLink(t *testing.T, name string, column int) string {
	t.Helper()
	prefix := "/people/"
	if column == 1 {
		prefix = "/families/"
	}
	href := tb.eval(t, fmt.Sprintf(`(() => {
		const r = [...document.querySelectorAll('main tbody tr')].find(r => r.cells[0].textContent.trim() === %q);
		const a = r && r.cells[%d].querySelector('a[href^=%q]');
		return a ? a.getAttribute('href') : '';
	})()`, name, column, prefix))
	if href == "" {
		t.Fatalf("caseload: no row for %s with a link to %s…", name, prefix)
	}
	return href
}

// stage is the family's stage, from the tag under the heading.
func (tb *tab) stage(t *testing.T) string {
	t.Helper()
	return tb.eval(t, `(() => { const e = document.querySelector('main h1 + p .govuk-tag'); return e ? e.textContent.trim() : ''; })()`)
}

// errorLinksResolve checks that every link in the error summary leads to
// an element on the page.
func (tb *tab) errorLinksResolve(t *testing.T, pageName string) {
	t.Helper()
	var dead []string
	tb.evalInto(t, `[...document.querySelectorAll('.govuk-error-summary a')].filter(a => !document.getElementById(a.hash.slice(1))).map(a => a.hash + ' "' + a.textContent.trim() + '"')`, &dead)
	for _, d := range dead {
		t.Errorf("%s: the error summary links to %s, which is not on the page", pageName, d)
	}
}

// uniqueIDs checks that no id is used twice on the page: a label's for
// would then name the wrong control.
func (tb *tab) uniqueIDs(t *testing.T, pageName string) {
	t.Helper()
	var dups []string
	tb.evalInto(t, `(() => {
		const seen = {};
		document.querySelectorAll('[id]').forEach(e => { seen[e.id] = (seen[e.id] || 0) + 1; });
		return Object.keys(seen).filter(k => seen[k] > 1);
	})()`, &dups)
	if len(dups) > 0 {
		t.Errorf("%s: ids used more than once (labels and error links then lead to the wrong control): %q", pageName, dups)
	}
}

// signIn, with the page checks on each page on the way: the sign-in page,
// the security code page and the home page.
func (tb *tab) signInChecked(t *testing.T, c demo.Credential) {
	t.Helper()
	who := strings.SplitN(c.Email, "@", 2)[0]
	tb.open(t, "/sign-in")
	tb.pageChecks(t, "case-sign-in-"+who)
	tb.fill(t, "#email", c.Email)
	tb.fill(t, "#password", c.Password)
	tb.click(t, `form[action="/sign-in"] button[type="submit"]`)
	tb.mustBeAt(t, "/sign-in/code")
	tb.pageChecks(t, "case-sign-in-code-"+who)
	tb.fill(t, "#code", totp(t, c, tb.s.now()))
	tb.click(t, `form[action="/sign-in/code"] button[type="submit"]`)
	tb.mustBeAt(t, "/home")
	tb.pageChecks(t, "case-home-"+who)
}
