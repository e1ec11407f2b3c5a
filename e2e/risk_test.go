package e2e

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/cradle-org/cradle/internal/mail/smtptest"
)

const dslEmail = "ruth.adams@cradle.example"

// concernText is what Priya writes in the concern: it must never be in an
// email.
const concernText = "CONCERN-CANARY: Amy rang at 6pm; Jordan is outside the flat and has threatened her."

// TestBrowserRiskAndSafeguarding follows risk work on a demo family: the
// practitioner completes a DASH risk assessment for Amy Foster (high risk,
// MARAC criteria met), the team manager sees the MARAC task and the family's
// risk summary, the practitioner raises a safeguarding concern with someone
// in immediate danger, and the designated safeguarding lead is emailed (a
// link, no personal details), sees the alert and records a decision. Every
// page, error states included, passes axe-core.
func TestBrowserRiskAndSafeguarding(t *testing.T) {
	t.Parallel()
	chromium := chromiumPath(t) // first, so that a skip costs nothing
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), overallTimeout) // the DASH in three parts and the team caseloads made it longer than 60 s on busy cores
	defer cancel()
	smtp := smtptest.Start(t)
	base := startServerWith(t, map[string]string{"CRADLE_SMTP_HOST": smtp.Host(), "CRADLE_SMTP_PORT": strconv.Itoa(smtp.Port()),
		"CRADLE_SMTP_TLS": "none", "CRADLE_SMTP_FROM": "alerts@cradle.example"})
	browser := startBrowser(t, ctx, chromium)
	b := &session{base: base, shots: newShots()}
	defer func() { t.Logf("TestBrowserRiskAndSafeguarding took %v", time.Since(start).Round(time.Millisecond)) }()

	// Each account signs in once (a security code's time step cannot be
	// used twice): Priya's tab is kept for the concern.
	priya := b.newTab(t, browser)
	defer priya.close(t)

	var (
		familyHref  string // /families/{id}
		leoHref     string // /people/{id} of Leo, a child added to Amy's household
		amyHref     string // /people/{id}
		jessHref    string // /people/{id}: the demo's risk history
		concernPath string // /concerns/{id}
	)

	step(t, "DASH as the practitioner", func(t *testing.T) {
		tab := priya
		tab.signInChecked(t, credentialFor(t, practitionerEmail))
		tab.click(t, `nav a[href="/caseload"]`)
		tab.mustBeAt(t, "/caseload")
		tab.pageChecks(t, "risk-caseload")

		// The demo's risk history: Jess Morris's page shows her assessments
		// (high at first, standard now), the incident, the MARAC referral
		// with its outcome and her safety plan's reviews.
		jessFamily := tab.caseloadLink(t, "Jess Morris", 1)
		tab.open(t, jessFamily)
		jessHref = tab.cardLink(t, "Jess Morris")
		tab.open(t, jessHref)
		tab.mustSee(t, "Jess's risk history", "Standard", "High", "police involved", "Heard at MARAC", "Actions agreed: IDVA contact", "Next review:", "1 earlier assessment")
		tab.pageChecks(t, "risk-demo-history")
		tab.screenshot(t, "risk-00-demo-history")
		// Her latest assessment's answers, marked where they changed.
		tab.clickJS(t, "the latest assessment's answers", `document.querySelector('main a[href*="/dash/"]')`)
		tab.mustSee(t, "Jess's answers", "Questions and answers", "answers changed", "Changed: was Yes")
		tab.pageChecks(t, "risk-dash-answers")
		tab.screenshot(t, "risk-00b-dash-answers")

		// Her safety plan, reviewed in two tabs at once: the second save is
		// told someone saved first, sees the plan saved now above her own
		// text, and saves again knowingly.
		tab.open(t, jessHref+"/safety-plan")
		tab.fill(t, "#technology_safety", "Location sharing off on her phone; new email address.")
		tab.fill(t, "#changes", "Technology safety checked with Jess.")
		var first string
		tab.evalInto(t, `(async () => {
			const f = document.querySelector('main form[action$="/safety-plan"]');
			const d = new FormData(f);
			d.set('technology_safety', 'Phone checked for tracking apps (the other tab).');
			d.set('changes', 'Phone checked.');
			const r = await fetch(f.action, {method: 'POST', body: new URLSearchParams(d), redirect: 'manual'});
			return String(r.type === 'opaqueredirect' ? 303 : r.status);
		})()`, &first, chromedp.EvalAwaitPromise)
		if first != "303" {
			t.Fatalf("the other tab's save of the safety plan answered %s", first)
		}
		savePlan := `main form[action$="/safety-plan"] button[type="submit"]`
		if resp := tab.click(t, savePlan); resp == nil || resp.Status != 409 {
			t.Errorf("the safety plan saved after the other tab's save: HTTP status %v, want 409", statusOf(resp))
		}
		tab.mustSee(t, "safety plan saved meanwhile", "Someone else saved this safety plan", "Saved now", "Phone checked for tracking apps (the other tab).", "Your text")
		if got := tab.value(t, "#technology_safety"); got != "Location sharing off on her phone; new email address." {
			t.Errorf("the safety plan's conflict: the text typed was not kept (%q)", got)
		}
		tab.errorLinksResolve(t, "risk-safety-plan-conflict")
		tab.pageChecks(t, "risk-safety-plan-conflict")
		tab.screenshot(t, "risk-00c-safety-plan-conflict")
		tab.click(t, savePlan)
		tab.mustBeAt(t, jessHref)
		tab.open(t, jessHref+"/safety-plan")
		if got := tab.value(t, "#technology_safety"); got != "Location sharing off on her phone; new email address." {
			t.Errorf("the safety plan saved again after the conflict holds %q", got)
		}
		tab.open(t, "/caseload")

		familyHref = tab.caseloadLink(t, "Amy Foster", 1)
		tab.click(t, fmt.Sprintf(`main a[href=%q]`, familyHref))
		tab.mustBeAt(t, familyHref)
		if first := tab.eval(t, `(() => { const a = document.querySelector('main .govuk-summary-card__title a'); return a ? a.textContent.trim() : ''; })()`); first != "Amy Foster" {
			t.Errorf("family %s: the first parent is %q, want Amy Foster", familyHref, first)
		}
		tab.pageChecks(t, "risk-family")
		amyHref = tab.cardLink(t, "Amy Foster")
		tab.click(t, fmt.Sprintf(`main .govuk-summary-card__title a[href=%q]`, amyHref))
		tab.mustBeAt(t, amyHref)
		tab.mustSee(t, "Amy's page", "Amy Foster", "No risk assessment yet")
		tab.pageChecks(t, "risk-person")
		tab.screenshot(t, "risk-01-person")

		// Her details are corrected on their own form: a problem is shown
		// with what was typed, then the pronouns she gave are saved.
		tab.click(t, fmt.Sprintf(`main a[href=%q]`, amyHref+"/details"))
		tab.mustBeAt(t, amyHref+"/details")
		tab.fill(t, "#given_name", "")
		tab.fill(t, "#pronouns", "she/her")
		tab.click(t, `form[action$="/details"] button[type="submit"]`)
		tab.mustSee(t, "details error", "There is a problem", "Enter the first name")
		tab.errorState(t, "risk-details-error", "#given_name")
		tab.errorLinksResolve(t, "risk-details-error")
		if got := tab.eval(t, `document.getElementById('pronouns').value`); got != "she/her" {
			t.Errorf("details error: the pronouns typed were not kept (%q)", got)
		}
		tab.pageChecks(t, "risk-details-error")
		tab.screenshot(t, "risk-01b-details-error")
		tab.fill(t, "#given_name", "Amy")
		tab.click(t, `form[action$="/details"] button[type="submit"]`)
		tab.mustBeAt(t, amyHref)
		tab.mustSee(t, "Amy's corrected details", "Pronouns", "she/her")

		// Another child in Amy's household is added from the family's page.
		tab.open(t, familyHref+"?form=child")
		tab.click(t, `form[action$="/children"] button[type="submit"]`)
		tab.mustSee(t, "child error", "There is a problem", "Enter the first name", "Select who the child lives with")
		tab.errorState(t, "risk-child-error", "#child_given_name")
		tab.errorLinksResolve(t, "risk-child-error")
		tab.pageChecks(t, "risk-child-error")
		tab.fill(t, "#child_given_name", "Leo")
		tab.fillDate(t, "child_date_of_birth", time.Date(2021, 6, 14, 0, 0, 0, 0, time.UTC))
		tab.check(t, "child_household") // the first choice: Amy
		tab.click(t, `form[action$="/children"] button[type="submit"]`)
		tab.mustSee(t, "child added", "Other children", "born 14 June 2021, lives with Amy Foster")
		tab.screenshot(t, "risk-01c-child-added")

		// Risk to the baby and other children: the demo's assessment is
		// read back on the family page; a new one holding Amy's phone
		// number is refused on its field, what was typed kept; saved (about
		// Leo alone: the family has another child now, so the form asks),
		// it is listed first, and then removed as entered in error.
		tab.open(t, familyHref)
		tab.mustSee(t, "the demo's assessment of risk to the children", "Risk to the baby and other children", "Concerns: Both parents describe arguments")
		tab.open(t, familyHref+"?form=child-risk#child-risk-form")
		leo := tab.eval(t, `([...document.querySelectorAll('input[name=child_about]')].find(i => document.querySelector('label[for="'+i.id+'"]').innerText.trim() === 'Leo') || {}).id || ''`)
		if leo == "" {
			t.Fatal("the assessment of risk to the children does not offer Leo")
		}
		tab.check(t, leo)
		tab.fill(t, "#child_concerns", "Shouting at handovers; the baby is due soon.")
		tab.check(t, "child_level-2") // high
		tab.fill(t, "#child_plan", "Ring Amy on 07700 900101 before each visit.")
		tab.refusedMention(t, "risk-01d-child-risk-error", `form[action$="/child-risk"] button[type="submit"]`, "#child_plan",
			"This mentions Amy Foster's phone number, which others working with the family may not see", "#child_concerns", "Shouting at handovers; the baby is due soon.")
		tab.fill(t, "#child_plan", "Handovers at the family centre.")
		tab.click(t, `form[action$="/child-risk"] button[type="submit"]`)
		tab.mustSee(t, "child risk saved", "High risk to Leo, assessed", "Concerns: Shouting at handovers; the baby is due soon.", "Plan: Handovers at the family centre.")
		tab.pageChecks(t, "risk-child-risk-saved")
		tab.screenshot(t, "risk-01e-child-risk-saved")

		// Leo's own page lists both assessments that cover him, newest
		// first, each linking to its entry on the family page.
		leoHref = tab.eval(t, `([...document.querySelectorAll('main a[href^="/people/"]')].find(a => a.textContent.trim() === 'Leo') || {}).getAttribute?.('href') || ''`)
		if leoHref == "" {
			t.Fatal("the family page does not link to Leo's page")
		}
		tab.open(t, leoHref)
		tab.mustSee(t, "Leo's page", "Risk to this child", "Leo alone", "The baby and all the other children")
		if got := tab.eval(t, `[...document.querySelectorAll('#child-risks + table tbody tr')].map(tr => tr.cells[1].textContent.trim() + ' / ' + tr.cells[2].textContent.trim()).join('; ')`); !strings.HasPrefix(got, "High risk / Leo alone; ") {
			t.Errorf("Leo's page: the assessments covering him read %q, want his own (high) first", got)
		}
		if got := tab.eval(t, `[...document.querySelectorAll('main h2')].map(h => h.textContent.trim()).join('; ')`); got != "Risk to this child" {
			t.Errorf("Leo's page has the sections %q; a child's page has only the risk to them (sessions, VIG and joint sessions are a parent's)", got)
		}
		tab.pageChecks(t, "risk-child-page")
		tab.screenshot(t, "risk-01e2-child-page")
		// His details form asks whom he lives with, Amy already chosen.
		tab.open(t, leoHref+"/details")
		tab.mustSee(t, "Leo's details form", "Who does the child live with?", "seen only by the practitioner of the parent they live with")
		if got := tab.eval(t, `(() => { const i = document.querySelector('input[name=household]:checked'); return i ? document.querySelector('label[for="'+i.id+'"]').innerText.trim() : ''; })()`); got != "Amy Foster" {
			t.Errorf("Leo's details form: the household chosen is %q, want Amy Foster", got)
		}
		tab.pageChecks(t, "risk-child-details")
		tab.screenshot(t, "risk-01e3-child-details")
		tab.open(t, leoHref)
		tab.click(t, `#child-risks + table tbody tr:first-child a`)
		if got := tab.eval(t, `location.pathname + location.hash`); !strings.HasPrefix(got, familyHref+"#child-risk-") {
			t.Errorf("Leo's newest assessment links to %q, not its entry on the family page", got)
		}
		tab.click(t, `#child-risks ~ .app-note a[href*="?form=remove-child-risk-"]`)
		tab.mustSee(t, "child risk removal form", "Why was the assessment of ")
		tab.removeEnteredInError(t, "child-risk", "Priya Shah", "Recorded twice.", "Handovers at the family centre.")
		tab.screenshot(t, "risk-01f-child-risk-removed")
		tab.open(t, amyHref)

		dash := amyHref + "/dash"
		if got := tab.eval(t, fmt.Sprintf(`(() => { const a = document.querySelector('main a[href=%q]'); return a ? a.textContent.trim() : ''; })()`, dash)); got != "Start or continue a risk assessment (DASH)" {
			t.Fatalf("Amy's page: the link to %s reads %q", dash, got)
		}
		tab.click(t, fmt.Sprintf(`main a[href=%q]`, dash))
		tab.mustBeAt(t, dash)
		tab.mustSee(t, "DASH", "Risk assessment (DASH)", "Amy Foster")
		// The questions come a part at a time: 8 each, 3 parts.
		questionsShown := func(want string) {
			t.Helper()
			var names []string
			tab.evalInto(t, `[...new Set([...document.querySelectorAll('main input[type=radio][name^="question-"]')].map(e => e.name))]`, &names)
			if got := strings.Join(names, " "); len(names) != 8 || !strings.HasPrefix(got, want+" ") {
				t.Errorf("DASH: this part asks %v, want 8 questions from %s", names, want)
			}
			if n := tab.count(t, `main input[type=radio][name^="question-"]`); n != 24 {
				t.Errorf("DASH: %d answer radios, want 24 (yes, no, not known for each of 8 questions)", n)
			}
		}
		atPart := func(n int) {
			t.Helper()
			tab.mustBeAt(t, dash)
			if loc := tab.location(); !strings.HasSuffix(loc, "?part="+strconv.Itoa(n)) {
				t.Errorf("at %s, want part %d of the DASH", loc, n)
			}
		}
		questionsShown("question-1")
		tab.mustSee(t, "DASH part 1", "Part 1 of 3")
		tab.pageChecks(t, "risk-dash")
		tab.uniqueIDs(t, "risk-dash")
		tab.screenshot(t, "risk-02-dash")

		// Parts 1 and 2 gone through with nothing answered (each saved as a
		// draft); completing then shows part 1 with an error on question 1.
		next := `main form button[name="action"][value="continue"]`
		tab.click(t, next)
		atPart(2)
		questionsShown("question-9")
		tab.click(t, next)
		atPart(3)
		questionsShown("question-17")
		complete := `main form button[name="action"][value="complete"]`
		resp := tab.click(t, complete)
		if resp == nil || resp.Status != 422 {
			t.Errorf("DASH, nothing answered: HTTP status %v, want 422", statusOf(resp))
		}
		tab.mustSee(t, "DASH error", "There is a problem", "unanswered", "Part 1 of 3")
		tab.errorState(t, "risk-dash-error", "#question-1")
		tab.errorLinksResolve(t, "risk-dash-error")
		tab.pageChecks(t, "risk-dash-error")
		tab.screenshot(t, "risk-03-dash-error")

		// 14 yes and 10 no: visible high risk.
		answer := func(from, to int) {
			for n := from; n <= to; n++ {
				if n <= 14 {
					tab.check(t, fmt.Sprintf("question-%d", n))
				} else {
					tab.check(t, fmt.Sprintf("question-%d-1", n))
				}
			}
		}
		answer(1, 8)
		tab.click(t, next)
		atPart(2)
		answer(9, 16)
		tab.click(t, next)
		atPart(3)
		answer(17, 24)
		tab.click(t, complete)
		tab.mustBeAt(t, amyHref)
		if !strings.HasSuffix(tab.location(), "#risk") {
			t.Errorf("after completing the DASH: at %s, want Amy's page at #risk", tab.location())
		}
		tab.mustSee(t, "Amy's risk", "High risk", "14 yes", "10 no", "MARAC referral criteria", "Met")
		if got := tab.eval(t, `(() => {
			const li = [...document.querySelectorAll('main .app-note li')].find(li => li.textContent.includes('Visible high risk'));
			return li ? li.querySelector('.govuk-tag').textContent.trim() : 'missing';
		})()`); got != "Met" {
			t.Errorf("Amy's risk: the MARAC criterion \"Visible high risk\" is %q, want Met", got)
		}
		tab.pageChecks(t, "risk-person-high")
		tab.screenshot(t, "risk-04-person-high")
	})

	step(t, "Jordan's practitioner sees Leo's details withheld", func(t *testing.T) {
		if leoHref == "" {
			t.Fatal("no Leo")
		}
		tab := b.newTab(t, browser)
		defer tab.close(t)
		tab.signInChecked(t, credentialFor(t, "tom.elliott@cradle.example"))
		tab.open(t, leoHref)
		tab.mustSee(t, "Leo's page for Tom", "Withheld: seen only by the practitioner of the parent Leo lives with. If you must see them, break the glass on that parent's record.")
		tab.pageChecks(t, "risk-child-page-withheld")
		tab.screenshot(t, "risk-04b-child-page-withheld")
	})

	step(t, "team manager sees the risk", func(t *testing.T) {
		if familyHref == "" {
			t.Fatal("no family")
		}
		tab := b.newTab(t, browser)
		defer tab.close(t)
		tab.signInChecked(t, credentialFor(t, managerEmail))
		tab.click(t, `nav a[href="/caseload"]`)
		tab.mustBeAt(t, "/caseload")
		tab.pageChecks(t, "risk-manager-caseload")
		// The team's caseloads, and from them Priya's list alone.
		tab.click(t, `main a[href="/caseload/team"]`)
		tab.mustBeAt(t, "/caseload/team")
		tab.mustSee(t, "team caseloads", "Team caseloads", "Priya Shah", "Tom Elliott")
		tab.pageChecks(t, "risk-team-caseloads")
		tab.screenshot(t, "risk-05a-team-caseloads")
		tab.clickJS(t, "Priya Shah's caseload", `[...document.querySelectorAll('main table a')].find(a => a.textContent.trim() === 'Priya Shah')`)
		tab.mustBeAt(t, "/caseload")
		tab.mustSee(t, "Priya's caseload", "Caseload: Priya Shah", "Amy Foster")
		// Narrowed to Priya, the list drops the Practitioner column (every
		// row would name her) and lists none of Tom's parents (Jordan).
		if got := tab.eval(t, `[...document.querySelectorAll('main [aria-label="Caseload"] thead th')].map(th => th.textContent.trim()).join(', ')`); got != "Parent, Family, Stage, Risk, Last contact, Needs attention, Next due" {
			t.Errorf("Priya's caseload's columns: %s", got)
		}
		if got := tab.eval(t, `[...document.querySelectorAll('main tbody tr td:first-child')].map(td => td.textContent.trim()).filter(n => n.startsWith('Jordan')).join(', ')`); got != "" {
			t.Errorf("Priya's caseload lists parents of other practitioners: %s", got)
		}
		tab.pageChecks(t, "risk-manager-priya-caseload")
		tab.click(t, fmt.Sprintf(`main a[href=%q]`, familyHref))
		tab.mustBeAt(t, familyHref)
		var tasks []string
		tab.evalInto(t, `(() => {
			const h = [...document.querySelectorAll('main h2')].find(h => h.textContent.trim() === 'Open tasks');
			const table = h && h.nextElementSibling;
			return table ? [...table.querySelectorAll('tbody tr')].map(tr => tr.textContent.replace(/\s+/g, ' ').trim()) : [];
		})()`, &tasks)
		found := false
		for _, tk := range tasks {
			found = found || strings.Contains(tk, "Consider a MARAC referral")
		}
		if !found {
			t.Errorf("family %s for the manager: open tasks %q, want one to \"Consider a MARAC referral\"", familyHref, tasks)
		}
		amyRisk := tab.eval(t, `(() => {
			const h = document.querySelector('main h2#risk');
			const dl = h && h.nextElementSibling;
			const r = dl && [...dl.querySelectorAll('.govuk-summary-list__row')].find(r => r.querySelector('dt').textContent.trim() === 'Amy Foster');
			return r ? r.querySelector('dd').textContent.trim() : '';
		})()`)
		if !strings.Contains(amyRisk, "High risk") {
			t.Errorf("family %s for the manager: \"Risk and safeguarding\" says %q for Amy Foster, want High risk", familyHref, amyRisk)
		}
		tab.pageChecks(t, "risk-manager-family")
		tab.screenshot(t, "risk-05-manager-family")
	})

	// The criteria met, Priya refers Amy to MARAC (which closes the
	// manager's task); when it has met she records what it decided, which
	// the family's page then gives.
	step(t, "MARAC referral and its outcome", func(t *testing.T) {
		if amyHref == "" {
			t.Fatal("no parent")
		}
		tab := priya
		tab.open(t, amyHref+"?form=marac#marac-form")
		referredOn := time.Now() // one day for the form and the check, should the test run across midnight
		tab.fillDate(t, "referred_on", referredOn)
		tab.fill(t, "#marac_area", "Blackpool MARAC")
		tab.click(t, `form[action$="/marac"] button[type="submit"]`)
		tab.mustSee(t, "the MARAC referral", "MARAC referrals", "to Blackpool MARAC by Priya Shah", "No outcome recorded yet.")
		tab.open(t, familyHref)
		tab.mustSee(t, "the outcome's task", "Record the MARAC's outcome")
		tab.open(t, amyHref)
		tab.click(t, `main a[href*="?form=marac-outcome-"]`)
		tab.fill(t, "#marac_outcome", "Heard; the IDVA will ring Amy on 07700 900101.")
		tab.fill(t, "#marac_actions", "Police flag on the address.")
		tab.refusedMention(t, "risk-04b-marac-outcome-error", `form[action$="/outcome"] button[type="submit"]`, "#marac_outcome",
			"This mentions Amy Foster's phone number, which others working with the family may not see", "#marac_actions", "Police flag on the address.")
		tab.fill(t, "#marac_outcome", "Heard; an IDVA allocated.")
		tab.click(t, `form[action$="/outcome"] button[type="submit"]`)
		tab.mustSee(t, "the MARAC outcome", "Outcome: Heard; an IDVA allocated.", "Actions agreed: Police flag on the address.", "Change the outcome")
		tab.pageChecks(t, "risk-marac-outcome")
		tab.screenshot(t, "risk-04c-marac-outcome")
		tab.open(t, familyHref)
		tab.mustSee(t, "the family's risk summary", "MARAC referral "+referredOn.Format("2 January 2006")+": Heard; an IDVA allocated.")
		// Recorded on the wrong parent's record after all: removed.
		tab.open(t, amyHref)
		tab.click(t, `main a[href*="?form=remove-marac-"]`)
		tab.mustSee(t, "MARAC referral removal form", "Why was the MARAC referral of ")
		tab.removeEnteredInError(t, "marac", "Priya Shah", "Recorded on the wrong parent's record.", "Outcome: Heard; an IDVA allocated.")
		tab.screenshot(t, "risk-04d-marac-removed")
	})

	step(t, "raise a concern", func(t *testing.T) {
		if amyHref == "" {
			t.Fatal("no person page for Amy")
		}
		tab := priya
		tab.open(t, amyHref)
		tab.pageChecks(t, "risk-person-again")
		pid := strings.TrimPrefix(amyHref, "/people/")
		newPath := familyHref + "/concerns/new"
		tab.click(t, fmt.Sprintf(`main a[href=%q]`, newPath+"?person="+pid))
		tab.mustBeAt(t, newPath)
		tab.mustSee(t, "concern form", "Raise a safeguarding concern", "call 999 now", "Amy Foster")
		tab.pageChecks(t, "risk-concern-form")
		tab.screenshot(t, "risk-06-concern-form")

		send := `main form[action$="/concerns"] button[type="submit"]`
		resp := tab.click(t, send)
		if resp == nil || resp.Status != 422 {
			t.Errorf("concern, empty: HTTP status %v, want 422", statusOf(resp))
		}
		tab.mustSee(t, "concern error", "There is a problem")
		tab.errorState(t, "risk-concern-error", "#immediate_danger")
		tab.errorLinksResolve(t, "risk-concern-error")
		tab.errorsInPageOrder(t, "risk-concern-error")
		tab.pageChecks(t, "risk-concern-error")
		tab.screenshot(t, "risk-07-concern-error")

		tab.check(t, "immediate_danger") // yes
		tab.check(t, "at_risk")          // a parent
		tab.fill(t, "#about", concernText)
		tab.click(t, send)
		loc := strings.TrimPrefix(tab.location(), base)
		concernPath = regexp.MustCompile(`^/concerns/\d+`).FindString(loc)
		if concernPath == "" {
			t.Fatalf("after raising the concern: at %s, want /concerns/{id}", loc)
		}
		tab.mustSee(t, "concern", "Someone is in immediate danger", "999", "The concern is raised. The designated safeguarding lead has been alerted.", concernText)
		// The danger box comes first, before the success banner and the
		// heading, and is in view without scrolling.
		var order struct {
			First  string
			Top    float64
			Has999 bool
		}
		tab.evalInto(t, `(() => {
			const d = document.querySelector('main .app-danger'), b = document.querySelector('main .govuk-notification-banner--success'), h = document.querySelector('main h1');
			if (!d || !b || !h) return {First: 'missing', Top: -1, Has999: false};
			const before = (x, y) => !!(x.compareDocumentPosition(y) & Node.DOCUMENT_POSITION_FOLLOWING);
			return {First: before(d, b) && before(d, h) ? 'danger' : 'other', Top: d.getBoundingClientRect().top, Has999: d.innerText.includes('999')};
		})()`, &order)
		if order.First != "danger" || !order.Has999 || order.Top < 0 || order.Top > 600 {
			t.Errorf("concern page: danger box %+v, want it first, at the top of the window, saying 999", order)
		}
		tab.pageChecks(t, "risk-concern-raised")
		tab.screenshot(t, "risk-08-concern-raised")
	})

	step(t, "the DSL decides", func(t *testing.T) {
		if concernPath == "" {
			t.Fatal("no concern raised")
		}
		// The email to the DSL: a link to the concern and nothing else.
		link := base + concernPath
		var msg *smtptest.Received
		deadline := time.Now().Add(15 * time.Second)
		for msg == nil && time.Now().Before(deadline) {
			for _, m := range smtp.Messages() {
				if strings.Contains(strings.Join(m.To, ","), dslEmail) && regexp.MustCompile(regexp.QuoteMeta(link)+`\b`).MatchString(m.Body) {
					msg = &m
					break
				}
			}
			if msg == nil {
				time.Sleep(50 * time.Millisecond)
			}
		}
		if msg == nil {
			t.Fatalf("no email to %s with a link to %s within 15s; %d messages", dslEmail, link, len(smtp.Messages()))
		}
		// Whoever raised it sees that the lead's email went, and that no
		// lead has opened it yet.
		priya.reloadUntil(t, concernPath, "1 sent")
		priya.mustSee(t, "concern once the alert went", "Who was alerted", "One designated safeguarding lead was alerted in Cradle", "1 sent", "No one it alerted has opened it yet.")
		priya.pageChecks(t, "risk-concern-alerted")
		priya.screenshot(t, "risk-08b-concern-alerted")
		// Priya finds it again from her menu: the concerns she raised.
		priya.click(t, `nav a[href="/concerns"]`)
		priya.mustBeAt(t, "/concerns")
		priya.mustSee(t, "practitioner's concerns", "The concerns you raised: a designated safeguarding lead decides each one")
		if n := priya.count(t, fmt.Sprintf(`main table a[href=%q]`, concernPath)); n != 1 {
			t.Errorf("the practitioner's concerns list links to %s %d times, want once", concernPath, n)
		}
		priya.pageChecks(t, "risk-practitioner-concerns")
		priya.screenshot(t, "risk-08c-practitioner-concerns")
		raw := string(msg.Data)
		for _, secret := range []string{concernText, "CONCERN-CANARY", "Amy", "Foster", "Jordan", "07700"} {
			if strings.Contains(msg.Body, secret) || strings.Contains(raw, secret) {
				t.Errorf("the DSL's email contains %q, a personal detail:\n%s", secret, raw)
			}
		}
		emailLink := regexp.MustCompile(`http://\S+/concerns/\d+`).FindString(msg.Body)
		u, err := url.Parse(emailLink)
		if err != nil || u.Path != concernPath {
			t.Fatalf("the DSL's email links to %q, want %s", emailLink, link)
		}

		tab := b.newTab(t, browser)
		defer tab.close(t)
		tab.signInChecked(t, credentialFor(t, dslEmail))
		tab.mustSee(t, "DSL home", "new safeguarding alert")
		tab.screenshot(t, "risk-09-dsl-home")
		tab.click(t, `nav a[href="/concerns"]`)
		tab.mustBeAt(t, "/concerns")
		row := tab.eval(t, fmt.Sprintf(`(() => {
			const a = document.querySelector('main table a[href=%q]');
			return a ? a.closest('tr').innerText : '';
		})()`, concernPath))
		if !strings.Contains(row, "Immediate danger") {
			t.Errorf("safeguarding dashboard: the row for %s reads %q, want it listed with \"Immediate danger\"", concernPath, row)
		}
		tab.pageChecks(t, "risk-concerns")
		tab.screenshot(t, "risk-10-concerns")

		// The lead reads a parent's safety plan and its reviews, which only
		// the parent's practitioner and managers change.
		tab.open(t, jessHref+"/safety-plan")
		tab.mustSee(t, "the lead's view of Jess's safety plan", "Only the parent's practitioner and team managers change it", "Have you seen my keys", "Reviews", "Callum's number blocked")
		if n := tab.count(t, `main form[action$="/safety-plan"]`); n != 0 {
			t.Errorf("the lead's view of Jess's safety plan has %d forms to change it", n)
		}
		tab.pageChecks(t, "risk-dsl-safety-plan")
		tab.screenshot(t, "risk-10b-dsl-safety-plan")

		tab.open(t, u.RequestURI())
		tab.mustBeAt(t, concernPath)
		tab.mustSee(t, "DSL concern", "Safeguarding concern", "Someone is in immediate danger", concernText, "Decide")
		tab.pageChecks(t, "risk-dsl-concern")
		tab.uniqueIDs(t, "risk-dsl-concern")
		tab.screenshot(t, "risk-11-dsl-concern")

		// A decision with no reasons: an error, and the choice kept.
		decide := `main form[action$="/decision"] button[type="submit"]`
		tab.check(t, "decision-1") // police
		resp := tab.click(t, decide)
		if resp == nil || resp.Status != 422 {
			t.Errorf("decision without reasons: HTTP status %v, want 422", statusOf(resp))
		}
		tab.mustSee(t, "decision error", "There is a problem")
		tab.errorState(t, "risk-decision-error", "#reasons")
		tab.errorLinksResolve(t, "risk-decision-error")
		if got := tab.eval(t, `String(document.getElementById('decision-1').checked)`); got != "true" {
			t.Errorf("decision error: the choice of Police was not kept")
		}
		tab.pageChecks(t, "risk-decision-error")
		tab.screenshot(t, "risk-12-decision-error")

		tab.check(t, "decision-1")
		tab.fill(t, "#reasons", "Immediate danger from the other parent: police called and attending.")
		tab.fill(t, byID("actions-0-what"), "Check Amy is safe and update her safety plan")
		owner := tab.eval(t, `(() => { const o = [...document.getElementById('actions-0-owner').options].find(o => o.textContent.includes('Priya Shah')); return o ? o.value : ''; })()`)
		if owner == "" {
			t.Fatal("decision form: no staff to own an action")
		}
		tab.choose(t, byID("actions-0-owner"), owner)
		due := time.Now().AddDate(0, 0, 7)
		tab.fill(t, byID("actions-0-due"), strconv.Itoa(due.Day()))
		tab.fill(t, byID("actions-0-due-month"), strconv.Itoa(int(due.Month())))
		tab.fill(t, byID("actions-0-due-year"), strconv.Itoa(due.Year()))
		tab.screenshot(t, "risk-13-decision-form")
		// The same decision reaches the server a moment before this click
		// (a double click, or another lead's form): the click is told it
		// was decided already, on the concern as decided, with the
		// reasons typed shown to copy.
		var first string
		tab.evalInto(t, `(async () => {
			const f = document.querySelector('main form[action$="/decision"]');
			const r = await fetch(f.action, {method: 'POST', body: new URLSearchParams(new FormData(f)), redirect: 'manual'});
			return String(r.type === 'opaqueredirect' ? 303 : r.status);
		})()`, &first, chromedp.EvalAwaitPromise)
		if first != "303" {
			t.Fatalf("the first decision answered %s", first)
		}
		if resp := tab.click(t, decide); resp == nil || resp.Status != 409 {
			t.Errorf("the decision sent again: HTTP status %v, want 409", statusOf(resp))
		}
		tab.mustSee(t, "decision sent again", "This concern has already been decided", "What you typed was not saved",
			"Immediate danger from the other parent: police called and attending.", "Close the concern")
		tab.errorLinksResolve(t, "risk-decision-again")
		tab.pageChecks(t, "risk-decision-again")
		tab.screenshot(t, "risk-13b-decision-again")
		tab.open(t, concernPath)
		tab.mustSee(t, "decided concern", "Decided", "Police", "Check Amy is safe", "Close the concern")
		if got := tab.eval(t, `(() => {
			const r = [...document.querySelectorAll('main .govuk-summary-list__row')].find(r => r.querySelector('dt').textContent.trim() === 'Decision');
			return r ? r.querySelector('dd').textContent.trim() : '';
		})()`); !strings.HasPrefix(got, "Police") {
			t.Errorf("decided concern: the decision reads %q, want Police", got)
		}
		tab.pageChecks(t, "risk-concern-decided")
		tab.screenshot(t, "risk-14-concern-decided")

		// The action is on Priya's tasks: she marks it done from her
		// caseload, and the concern's page says so.
		priya.open(t, "/caseload")
		priya.mustSee(t, "practitioner's tasks", "Your tasks", "Safeguarding follow-up action in family")
		priya.pageChecks(t, "risk-caseload-tasks")
		priya.screenshot(t, "risk-14b-caseload-tasks")
		before := priya.count(t, `main form[action^="/tasks/"] button`)
		priya.clickJS(t, "the concern's action's Mark done", `[...document.querySelectorAll('main #tasks + table tbody tr')].find(r => r.cells[0].textContent.includes('Safeguarding follow-up action')).querySelector('button')`)
		priya.mustBeAt(t, "/caseload")
		if n := priya.count(t, `main form[action^="/tasks/"]`); n != before-1 || strings.Contains(priya.eval(t, `document.body.innerText`), "Safeguarding follow-up action") {
			t.Errorf("after marking the concern's action done, Priya's caseload offers %d tasks (%d before), or still lists the action", n, before)
		}
		tab.open(t, concernPath)
		tab.mustSee(t, "concern's action done", "done by Priya Shah on")

		// Closed with its outcome, it leaves the open list for the list of
		// those closed in the last year.
		tab.fill(t, "#outcome", "The police checked Amy was safe; the safety plan was updated.")
		tab.click(t, `form[action$="/close"] button[type="submit"]`)
		tab.mustBeAt(t, concernPath)
		tab.mustSee(t, "closed concern", "Closed", "The police checked Amy was safe")
		tab.open(t, "/concerns")
		if n := tab.count(t, fmt.Sprintf(`main table a[href=%q]`, concernPath)); n != 0 {
			t.Error("a closed concern is still on the open list")
		}
		tab.click(t, `main a[href="/concerns?show=closed"]`)
		tab.mustSee(t, "closed concerns", "closed since", "latest first")
		if n := tab.count(t, fmt.Sprintf(`main table a[href=%q]`, concernPath)); n != 1 {
			t.Errorf("the closed list links to %s %d times, want once", concernPath, n)
		}
		tab.pageChecks(t, "risk-closed-concerns")
		tab.screenshot(t, "risk-15-closed-concerns")
	})
}

// byID is a CSS selector for an id that has characters CSS would read as
// syntax, such as the brackets in actions-0-what.
func byID(id string) string { return fmt.Sprintf(`[id=%q]`, id) }

// errorsInPageOrder checks that the error summary lists its errors in the
// order of the fields on the page, as the GOV.UK Design System asks.
func (tb *tab) errorsInPageOrder(t *testing.T, pageName string) {
	t.Helper()
	var got struct {
		Summary, Page []string
	}
	tb.evalInto(t, `(() => {
		const summary = [...document.querySelectorAll('.govuk-error-summary a')].map(a => a.hash);
		const targets = summary.map(h => document.getElementById(h.slice(1))).filter(Boolean);
		const page = [...targets].sort((a, b) => a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1).map(e => '#' + e.id);
		return {Summary: summary, Page: page};
	})()`, &got)
	if strings.Join(got.Summary, " ") != strings.Join(got.Page, " ") {
		t.Errorf("%s: the error summary lists %q, but the fields are in the order %q on the page", pageName, got.Summary, got.Page)
	}
}
