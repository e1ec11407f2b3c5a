package e2e

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/cradle-org/cradle/internal/mail/smtptest"
)

// referenceRE is a referral reference as the confirmation pages show it.
var referenceRE = regexp.MustCompile(`REF-\d{4}-\d{6}`)

// TestBrowserReferrals follows referrals from the public forms to a team
// manager's decision: a parent refers themselves through the question
// pages, a professional refers a family already known to the service (a
// planted duplicate), and the team manager declines one and accepts the
// other. Every page, error states included, passes axe-core.
func TestBrowserReferrals(t *testing.T) {
	t.Parallel()
	chromium := chromiumPath(t) // first, so that a skip costs nothing
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), overallTimeout)
	defer cancel()
	// A real SMTP server, which refuses the professional's acknowledgement
	// and then the decision's email (the referral's page and the
	// administrators' email page say so).
	smtp := smtptest.Start(t)
	base := startServerWith(t, map[string]string{"CRADLE_SMTP_HOST": smtp.Host(), "CRADLE_SMTP_PORT": strconv.Itoa(smtp.Port()),
		"CRADLE_SMTP_TLS": "none", "CRADLE_SMTP_FROM": "referrals@cradle.example"})
	browser := startBrowser(t, ctx, chromium)
	b := &session{base: base, shots: newShots()}
	defer func() { t.Logf("TestBrowserReferrals took %v", time.Since(start).Round(time.Millisecond)) }()

	today := time.Now()
	var selfRef, proRef string

	step(t, "self-referral", func(t *testing.T) {
		tab := b.newTab(t, browser)
		defer tab.close(t)

		tab.open(t, "/")
		tab.click(t, `main a[href="/refer/yourself"]`)
		tab.mustBeAt(t, "/refer/yourself")
		tab.waitVisible(t, ".govuk-exit-this-page .govuk-exit-this-page__button")
		tab.mustSee(t, "self start", "Refer yourself", "Exit this page", "Start now")
		tab.pageChecks(t, "self-start")
		tab.screenshot(t, "ref-self-01-start")

		if got := tab.eval(t, `document.querySelector('main a.govuk-button--start').innerText.trim()`); got != "Start now" {
			t.Errorf("self start: start button text = %q, want \"Start now\"", got)
		}
		tab.click(t, `main a.govuk-button--start`)
		tab.mustBeAt(t, "/refer/yourself/about-you")
		tab.questionPage(t, "about-you", 1, "About you")
		tab.screenshot(t, "ref-self-02-about-you")

		// Sent empty: an error summary that links to the field, and focus.
		resp := tab.click(t, `main form button[type="submit"]`)
		if resp == nil || resp.Status != 422 {
			t.Errorf("about-you empty: HTTP status %v, want 422", statusOf(resp))
		}
		tab.mustBeAt(t, "/refer/yourself/about-you")
		tab.mustSee(t, "about-you error", "There is a problem", "Enter your first name")
		tab.errorState(t, "self-about-you-error", "#parent1-given_name")
		tab.pageChecks(t, "self-about-you-error")
		tab.screenshot(t, "ref-self-03-about-you-error")

		tab.fill(t, "#parent1-given_name", "Kim")
		tab.fill(t, "#parent1-family_name", "Lowe")
		tab.fillDate(t, "parent1-date_of_birth", time.Date(1996, 6, 14, 0, 0, 0, 0, time.UTC))
		tab.continueTo(t, "/refer/yourself/other-parent")
		tab.questionPage(t, "other-parent", 2, "The baby's other parent")
		tab.screenshot(t, "ref-self-04-other-parent")

		tab.fill(t, "#parent2-given_name", "Lee")
		tab.check(t, "relationship")           // in an intimate relationship
		tab.check(t, "both_want_to_co_parent") // yes
		tab.continueTo(t, "/refer/yourself/due-date")
		tab.questionPage(t, "due-date", 3, "When is the baby due?")
		tab.screenshot(t, "ref-self-05-due-date")

		tab.fillDate(t, "due_date", today.AddDate(0, 0, 90))
		tab.continueTo(t, "/refer/yourself/where-you-live")
		tab.questionPage(t, "where-you-live", 4, "Where do you live?")
		tab.screenshot(t, "ref-self-06-where-you-live")

		tab.fill(t, "#area", "Blackpool")
		tab.continueTo(t, "/refer/yourself/contacting-you")
		tab.questionPage(t, "contacting-you", 5, "Contacting you safely")
		tab.screenshot(t, "ref-self-07-contacting-you")

		tab.check(t, "safe_contact-safe_to_contact") // yes
		tab.fill(t, "#safe_contact-number", "07700 900555")
		tab.check(t, "safe_contact-leave_message-1") // no
		tab.continueTo(t, "/refer/yourself/anything-else")
		tab.questionPage(t, "anything-else", 6, "Is there anything else we should know?")
		tab.screenshot(t, "ref-self-08-anything-else")

		tab.fill(t, "#anything_else", "I would like a practitioner who speaks Polish.")
		tab.continueTo(t, "/refer/yourself/check")
		tab.mustSee(t, "check answers", "Check your answers", "Kim Lowe", "14 June 1996", "Lee",
			"In an intimate relationship, now or before", "Blackpool", "07700 900555", "speaks Polish")
		if n := tab.count(t, `main .govuk-summary-list__actions a[href*="?change=1"]`); n < 6 {
			t.Errorf("check answers: %d Change links, want one for each answer", n)
		}
		tab.pageChecks(t, "self-check")
		tab.screenshot(t, "ref-self-09-check")

		// Change an answer: the page keeps it, and Continue comes back here.
		tab.click(t, `main a[href="/refer/yourself/where-you-live?change=1"]`)
		tab.mustBeAt(t, "/refer/yourself/where-you-live")
		if got := tab.value(t, "#area"); got != "Blackpool" {
			t.Errorf("change area: the field shows %q, want the answer given, \"Blackpool\"", got)
		}
		tab.pageChecks(t, "self-change-area")
		tab.fill(t, "#area", "FY1 4AB")
		tab.continueTo(t, "/refer/yourself/check")
		tab.mustSee(t, "check answers after change", "FY1 4AB")
		tab.pageChecks(t, "self-check-changed")

		tab.click(t, `form[action="/refer/yourself/check"] button[type="submit"]`)
		tab.mustBeAt(t, "/refer/yourself/confirmation")
		tab.mustSee(t, "self confirmation", "We have your referral", "Your reference is", "call 999")
		selfRef = referenceRE.FindString(tab.eval(t, `document.querySelector('.govuk-panel').innerText`))
		if selfRef == "" {
			t.Error("self confirmation: no reference like REF-YYYY-NNNNNN in the panel")
		}
		tab.pageChecks(t, "self-confirmation")
		tab.screenshot(t, "ref-self-10-confirmation")
	})

	step(t, "professional referral", func(t *testing.T) {
		tab := b.newTab(t, browser)
		defer tab.close(t)
		const submit = `form[action="/refer/professional"] button[type="submit"]`

		tab.open(t, "/refer/professional")
		tab.mustSee(t, "professional form", "Refer a family", "Exit this page")
		tab.pageChecks(t, "professional-form")
		tab.screenshot(t, "ref-pro-01-form")

		// A few fields only: the rest are reported, and what was typed stays.
		tab.fill(t, "#referrer-name", "Dana Whitfield")
		tab.check(t, "referrer-role") // social worker
		tab.fill(t, "#parent1-given_name", "Amy")
		resp := tab.click(t, submit)
		if resp == nil || resp.Status != 422 {
			t.Errorf("professional, incomplete: HTTP status %v, want 422", statusOf(resp))
		}
		tab.mustSee(t, "professional error", "There is a problem", "Enter the organisation you work for",
			"Select whether the first parent consents to this referral", "Enter the baby's due date")
		for sel, want := range map[string]string{"#referrer-name": "Dana Whitfield", "#parent1-given_name": "Amy"} {
			if got := tab.value(t, sel); got != want {
				t.Errorf("professional error: %s = %q, want %q kept", sel, got, want)
			}
		}
		if tab.eval(t, `String(document.getElementById('referrer-role').checked)`) != "true" {
			t.Error("professional error: the role chosen (social worker) is no longer selected")
		}
		if n := tab.count(t, `.govuk-error-summary a[href="#referrer-role"]`); n != 0 {
			t.Error("professional error: the summary asks for the role, which was given")
		}
		tab.errorState(t, "professional-error", "#referrer-organisation")
		tab.pageChecks(t, "professional-error")
		tab.screenshot(t, "ref-pro-02-error")

		tab.fill(t, "#referrer-organisation", "Blackpool Council Children's Services")
		tab.fill(t, "#referrer-email", "dana.whitfield@example.org")
		tab.fill(t, "#parent1-family_name", "Foster")
		tab.fill(t, "#parent1-phone", "07700 900101") // Amy Foster's, in the demo data
		tab.check(t, "parent1-consent")               // yes
		tab.fill(t, "#parent2-given_name", "Jordan")
		tab.fill(t, "#parent2-family_name", "Price")
		tab.check(t, "parent2-consent") // yes
		tab.fillDate(t, "due_date", today.AddDate(0, 0, 60))
		tab.fill(t, "#area", "FY1 1AA")
		tab.check(t, "relationship")
		tab.fill(t, "#abuse_known", "Police attended an incident at the home last month; Amy disclosed controlling behaviour.")
		tab.check(t, "safeguarding_status") // none
		// The mail server refuses the acknowledgement for good (the demo
		// queues no other mail): the manager is told to phone the referrer.
		smtp.FailNext(1, 550)
		tab.click(t, submit)
		tab.mustBeAt(t, "/refer/professional/confirmation")
		tab.mustSee(t, "professional confirmation", "Referral sent", "Your reference is")
		proRef = referenceRE.FindString(tab.eval(t, `document.querySelector('.govuk-panel').innerText`))
		if proRef == "" {
			t.Error("professional confirmation: no reference like REF-YYYY-NNNNNN in the panel")
		}
		tab.pageChecks(t, "professional-confirmation")
		tab.screenshot(t, "ref-pro-03-confirmation")
	})

	step(t, "team manager screens", func(t *testing.T) {
		if selfRef == "" || proRef == "" {
			t.Fatalf("the referral parts did not both send a referral (self %q, professional %q)", selfRef, proRef)
		}
		tab := b.newTab(t, browser)
		defer tab.close(t)
		tab.signIn(t, credentialFor(t, managerEmail))
		tab.click(t, `nav a[href="/referrals"]`)
		tab.mustBeAt(t, "/referrals")
		tab.mustSee(t, "referral queue", "Referrals", "New: oldest first", selfRef, proRef)
		tab.pageChecks(t, "referral-queue")
		tab.screenshot(t, "ref-staff-01-queue")

		// The professional referral: the planted duplicate is offered.
		proHref := tab.queueLink(t, proRef)
		tab.click(t, fmt.Sprintf(`main a[href=%q]`, proHref))
		tab.mustBeAt(t, proHref)
		tab.mustSee(t, "professional referral", "Referral "+proRef, "Eligibility", "In screening", "Dana Whitfield")
		known := tab.eval(t, `(() => {
			const f = [...document.querySelectorAll('main fieldset')].find(f =>
				f.querySelector('legend') && f.querySelector('legend').textContent.trim() === 'Is the first parent already known to us?');
			return f ? f.innerText : '';
		})()`)
		if !strings.Contains(known, "Amy Foster") || !strings.Contains(known, "strong match") || !regexp.MustCompile(`FAM-\d{4}-\d{6}`).MatchString(known) {
			t.Errorf("professional referral: the first parent's question does not offer Amy Foster as a strong match in a family FAM-…; it says:\n%s", known)
		}
		// Its acknowledgement was refused (the server records that as the
		// mail worker gets to it, so the page may need a moment).
		const refusedAck = "The acknowledgement email could not be sent. Phone the referrer"
		tab.reloadUntil(t, proHref, refusedAck)
		tab.mustSee(t, "professional referral's acknowledgement", refusedAck, "Emails to the referrer", "Acknowledgement", "Not sent", "I have told the referrer")
		tab.pageChecks(t, "referral-professional")
		tab.screenshot(t, "ref-staff-02-professional")

		// The manager phones the referrer, and records it.
		tab.click(t, `form[action$="/acknowledged"] button[type="submit"]`)
		tab.mustBeAt(t, proHref)
		tab.mustSee(t, "referrer told", "The referrer was told it arrived by Helen Whitaker, who recorded it on")
		if n := tab.count(t, `form[action$="/acknowledged"], main .govuk-warning-text`); n != 0 {
			t.Error("referrer told: the warning or the button is still shown")
		}
		tab.pageChecks(t, "referral-referrer-told")
		tab.screenshot(t, "ref-staff-02b-referrer-told")

		// The mail server refuses the decision's email for good; an
		// administrator sends it again below.
		smtp.FailNext(1, 550)
		tab.check(t, "outcome-1") // not accepted
		tab.choose(t, "#reason", "other")
		tab.fill(t, "#detail", "Already open to us as family with Amy Foster; the referral is passed to her practitioner.")
		tab.fill(t, "#signposted_to", "Local domestic abuse helpline")
		tab.click(t, `form[action$="/decision"] button[type="submit"]`)
		tab.mustBeAt(t, proHref)
		tab.mustSee(t, "declined referral", "Not accepted", "Another reason", "Signposted to: Local domestic abuse helpline")
		if n := tab.count(t, `form[action$="/decision"]`); n != 0 {
			t.Error("declined referral: the decision form is still offered")
		}
		tab.pageChecks(t, "referral-declined")
		tab.screenshot(t, "ref-staff-03-declined")

		// The self-referral: first without reasons (an error), then accepted.
		tab.click(t, `nav a[href="/referrals"]`)
		tab.mustBeAt(t, "/referrals")
		selfHref := tab.queueLink(t, selfRef)
		if selfHref == "" {
			tab.open(t, "/referrals?status=screening")
			selfHref = tab.queueLink(t, selfRef)
		}
		if selfHref == "" {
			t.Fatalf("referral queue: no link to %s under New or In screening", selfRef)
		}
		tab.click(t, fmt.Sprintf(`main a[href=%q]`, selfHref))
		tab.mustBeAt(t, selfHref)
		tab.mustSee(t, "self-referral", "Referral "+selfRef, "Self-referral", "The parent referring", "Kim Lowe", "07700 900555",
			"Acknowledged on screen, with its reference, when it was sent")
		tab.pageChecks(t, "referral-self")
		tab.screenshot(t, "ref-staff-04-self")

		// Something in it worries the manager: a concern is raised from
		// the referral itself, before there is a family.
		tab.click(t, fmt.Sprintf(`main a[href=%q]`, selfHref+"/concerns/new"))
		tab.mustBeAt(t, selfHref+"/concerns/new")
		tab.mustSee(t, "a concern from the referral", "Raise a safeguarding concern", "Referral "+selfRef, "call 999 now")
		raise := `main form[action$="/concerns"] button[type="submit"]`
		if resp := tab.click(t, raise); resp == nil || resp.Status != 422 {
			t.Errorf("a concern from the referral, empty: HTTP status %v, want 422", statusOf(resp))
		}
		tab.errorState(t, "referral-concern-error", "#immediate_danger")
		tab.pageChecks(t, "referral-concern-error")
		tab.check(t, "immediate_danger-1") // no
		tab.check(t, "at_risk-1")          // the baby
		tab.fill(t, "#about", "Kim said her partner has threatened to take the baby at the birth.")
		tab.click(t, raise)
		concernPath := regexp.MustCompile(`^/concerns/\d+`).FindString(strings.TrimPrefix(tab.location(), base))
		if concernPath == "" {
			t.Fatalf("after raising the concern: at %s, want /concerns/{id}", tab.location())
		}
		tab.mustSee(t, "the referral's concern", "Raised from referral", selfRef, "The concern is raised.", "threatened to take the baby")
		tab.pageChecks(t, "referral-concern")
		tab.screenshot(t, "ref-staff-04b-concern")
		tab.click(t, fmt.Sprintf(`main a[href=%q]`, selfHref))
		tab.mustBeAt(t, selfHref)
		tab.mustSee(t, "the referral with its concern", "Safeguarding concerns", "Waiting for a decision")
		defer func() {
			// Accepted, the referral's concern is the new family's.
			tab.open(t, concernPath)
			tab.mustSee(t, "the concern after acceptance", "Family FAM-")
		}()

		// While it has no family, a lead may prepare the subject access
		// request of a parent it names, from its page.
		func() {
			dtab := b.newTab(t, browser)
			defer dtab.close(t)
			dtab.signInChecked(t, credentialFor(t, dslEmail))
			dtab.open(t, selfHref)
			dtab.click(t, fmt.Sprintf(`main a[href=%q]`, selfHref+"/subject-access"))
			dtab.mustSee(t, "a referral's subject access", "Prepare a subject access request", "Kim Lowe (who referred themselves)", "Who asked?")
			dtab.pageChecks(t, "referral-subject-access")
			dtab.screenshot(t, "ref-staff-04c-subject-access")
			if resp := dtab.click(t, `main form[action$="/subject-access"] button[value="pdf"]`); resp == nil || resp.Status != 422 {
				t.Errorf("a referral's subject access, no parent chosen: HTTP status %v, want 422", statusOf(resp))
			}
			dtab.errorState(t, "referral-subject-access-error", "#parent")
			dtab.errorLinksResolve(t, "referral-subject-access-error")
			dtab.pageChecks(t, "referral-subject-access-error")
		}()

		tab.check(t, "outcome") // accept
		resp := tab.click(t, `form[action$="/decision"] button[type="submit"]`)
		if resp == nil || resp.Status != 422 {
			t.Errorf("decision without reasons: HTTP status %v, want 422", statusOf(resp))
		}
		tab.mustSee(t, "decision error", "There is a problem", "Give the reasons for this decision")
		if tab.eval(t, `String(document.getElementById('outcome').checked)`) != "true" {
			t.Error("decision error: the outcome chosen (accept) is no longer selected")
		}
		tab.errorState(t, "decision-error", "#detail")
		tab.pageChecks(t, "referral-decision-error")
		tab.screenshot(t, "ref-staff-05-decision-error")

		tab.fill(t, "#detail", "Both parents are connected, the baby is due in 3 months and Kim asked for help.")
		tab.click(t, `form[action$="/decision"] button[type="submit"]`)
		loc := strings.TrimPrefix(tab.location(), base)
		if !regexp.MustCompile(`^/families/\d+$`).MatchString(loc) {
			t.Fatalf("accept: at %s, want the new family's page /families/{id}", loc)
		}
		tab.mustSee(t, "new family", "Family FAM-", "Kim Lowe", "Assessment")
		tab.pageChecks(t, "family-from-referral")
		tab.screenshot(t, "ref-staff-06-family")

		// A referral phoned in: the staff form, sent empty, says what is
		// missing in the referrer's terms.
		tab.click(t, `nav a[href="/referrals"]`)
		tab.click(t, `main a[href="/referrals/new"]`)
		tab.mustBeAt(t, "/referrals/new")
		tab.mustSee(t, "take a referral", "Record a referral", "How did the referral reach us?", "The referrer's name")
		tab.pageChecks(t, "referral-take")
		tab.screenshot(t, "ref-staff-07-take")
		if resp := tab.click(t, `form[action="/referrals/new"] button[type="submit"]`); resp == nil || resp.Status != 422 {
			t.Errorf("take a referral, empty: HTTP status %v, want 422", statusOf(resp))
		}
		tab.mustSee(t, "take a referral, empty", "There is a problem", "Select how the referral reached us", "Enter the referrer's name")
		tab.errorState(t, "referral-take-error", "#channel")
		tab.pageChecks(t, "referral-take-error")
		tab.screenshot(t, "ref-staff-08-take-error")

		// A parent's own referral, phoned in: its own form, about the
		// parent; saved, its page warns until whoever took it says they
		// told the parent (nothing is sent to a parent).
		tab.click(t, `nav a[href="/referrals"]`)
		tab.click(t, `main a[href="/referrals/new/parent"]`)
		tab.mustBeAt(t, "/referrals/new/parent")
		tab.mustSee(t, "a parent's own referral", "Record a parent's own referral", "Is it safe for us to phone them?")
		tab.pageChecks(t, "referral-take-parent")
		if resp := tab.click(t, `form[action="/referrals/new/parent"] button[type="submit"]`); resp == nil || resp.Status != 422 {
			t.Errorf("a parent's own referral, empty: HTTP status %v, want 422", statusOf(resp))
		}
		tab.mustSee(t, "a parent's own referral, empty", "There is a problem", "Enter the parent's first name", "Select whether it is safe for us to phone the parent")
		tab.errorState(t, "referral-take-parent-error", "#channel")
		tab.errorLinksResolve(t, "referral-take-parent-error")
		tab.errorsInPageOrder(t, "referral-take-parent-error")
		tab.pageChecks(t, "referral-take-parent-error")
		tab.screenshot(t, "ref-staff-09-take-parent-error")
		tab.check(t, "channel")
		tab.fillDate(t, "received_on", today)
		tab.fill(t, "#parent1-given_name", "Leah")
		tab.fillDate(t, "due_date", today.AddDate(0, 4, 0))
		tab.fill(t, "#area", "FY1 4AB")
		tab.check(t, "safe_contact-safe_to_contact-1") // not safe to phone
		tab.click(t, `form[action="/referrals/new/parent"] button[type="submit"]`)
		if loc := strings.TrimPrefix(tab.location(), base); !regexp.MustCompile(`^/referrals/\d+$`).MatchString(loc) {
			t.Fatalf("a parent's own referral: at %s, want its page", loc)
		}
		tab.mustSee(t, "a parent's own referral", "Self-referral", "Leah", "by phone, taken by", "The parent has not been told we have their referral", "I have told the parent")
		tab.pageChecks(t, "referral-taken-parent")
		tab.screenshot(t, "ref-staff-10-taken-parent")
		tab.click(t, `form[action$="/acknowledged"] button[type="submit"]`)
		tab.mustSee(t, "a parent told", "The parent was told it arrived, and its reference, by")
		// Screening it offers nothing to send to the parent; declined, the
		// page says who tells them.
		tab.mustSee(t, "screening a parent's own referral", "Not accepted: tell the parent why and where else to get support, by the safe route they gave",
			"Nothing is sent to a parent who referred themselves")
		if n := tab.count(t, `textarea[name="question"]`); n != 0 {
			t.Error("screening a parent's own referral offers a question to email them")
		}
		tab.check(t, "outcome-1") // not accepted
		tab.choose(t, "#reason", "not_funded_area")
		tab.fill(t, "#detail", "Lives outside the funded areas.")
		tab.fill(t, "#signposted_to", "The local domestic abuse service")
		tab.click(t, `form[action$="/decision"] button[type="submit"]`)
		tab.mustSee(t, "a parent's own referral declined", "The parent has not been told of this decision. Tell them, and where else to get support, only in a way they said is safe.",
			"I have told the parent of the decision")
		tab.pageChecks(t, "referral-taken-parent-declined")
		tab.screenshot(t, "ref-staff-11-taken-parent-declined")
		// Told by the safe route, and recorded: the warning ends.
		declined := tab.location()
		tab.click(t, `form[action$="/decision-told"] button[type="submit"]`)
		if got := tab.location(); got != declined {
			t.Errorf("recording the decision told: at %s, want %s", got, declined)
		}
		tab.mustSee(t, "a parent told of the decision", "The parent was told of this decision by")
		if n := tab.count(t, `form[action$="/decision-told"], main .govuk-warning-text`); n != 0 {
			t.Error("a parent told of the decision: the warning or the button is still shown")
		}
		tab.pageChecks(t, "referral-taken-parent-told")
	})

	step(t, "administrator sends a refused email again", func(t *testing.T) {
		tab := b.newTab(t, browser)
		defer tab.close(t)
		tab.signIn(t, credentialFor(t, adminEmail))
		// The administrator's home page offers the email page among its tasks.
		tab.mustSee(t, "administrator's home", "Emails the mail server has not taken, and why; send one again")
		if n := tab.count(t, `main a[href="/admin/mail"]`); n != 1 {
			t.Errorf("administrator's home: %d links to the email page in its main content, want 1", n)
		}
		tab.pageChecks(t, "admin-home")
		tab.screenshot(t, "ref-admin-00-home")

		// Staff accounts: the list, a new account's form with its problems,
		// and the sign-in details shown once.
		tab.click(t, `nav a[href="/admin/staff"]`)
		tab.mustBeAt(t, "/admin/staff")
		tab.mustSee(t, "staff accounts", "Staff accounts", "Priya Shah", "Your account")
		tab.pageChecks(t, "admin-staff")
		tab.click(t, `main a[href="/admin/staff/new"]`)
		tab.mustBeAt(t, "/admin/staff/new")
		tab.fill(t, "#name", "Nadia Bell")
		tab.click(t, `form[action="/admin/staff"] button[type="submit"]`)
		tab.mustSee(t, "new account's problems", "There is a problem", "Enter an email address")
		tab.errorState(t, "admin-staff-new-error", "#email")
		tab.errorLinksResolve(t, "admin-staff-new-error")
		tab.pageChecks(t, "admin-staff-new-error")
		tab.fill(t, "#email", "nadia.bell@cradle.example")
		tab.check(t, "role") // the first role: practitioner
		tab.choose(t, "#area", "Blackpool")
		tab.click(t, `form[action="/admin/staff"] button[type="submit"]`)
		tab.mustSee(t, "account created", "Account created", "One-time password", "Authenticator secret", "shown once")
		if loaded := tab.eval(t, `(() => { const i = document.querySelector('main img'); return i && i.complete && i.naturalWidth > 0 ? 'yes' : 'no' })()`); loaded != "yes" {
			t.Error("the new account's QR code is not shown")
		}
		tab.pageChecks(t, "admin-staff-created")
		tab.screenshot(t, "ref-admin-00b-staff-created")
		tab.click(t, `nav a[href="/admin/mail"]`)
		tab.mustBeAt(t, "/admin/mail")
		// The refusal is recorded as the mail worker gets to it.
		const refused = "Referral " // + proRef + ": decision", in the row's subject
		tab.reloadUntil(t, "/admin/mail", refused+proRef+": decision")
		tab.mustSee(t, "email page", "Email", "Referral decision", refused+proRef+": decision", "Given up", "Send again")
		if body := tab.eval(t, `document.querySelector('main').innerText`); strings.Contains(body, "dana.whitfield@example.org") {
			t.Error("email page: a recipient's address is shown")
		}
		tab.pageChecks(t, "mail-admin")
		tab.screenshot(t, "ref-admin-01-mail")

		tab.click(t, `main form[action$="/resend"] button[type="submit"]`)
		tab.mustBeAt(t, "/admin/mail")
		tab.mustSee(t, "email page after sending again", "The message is back in the queue")
		tab.pageChecks(t, "mail-admin-resent")
		tab.screenshot(t, "ref-admin-02-resent")
		for n, delivered := 1, false; !delivered; {
			msgs := smtp.WaitFor(t, n, 20*time.Second)
			for _, m := range msgs {
				delivered = delivered || strings.Contains(string(m.Data), refused+proRef+": decision")
			}
			n = len(msgs) + 1
		}
	})
}

// questionPage checks a self-referral question page: its heading, its
// place in the journey, its Continue button and the page checks.
func (tb *tab) questionPage(t *testing.T, slug string, n int, heading string) {
	t.Helper()
	tb.mustSee(t, slug, heading, "Question "+strconv.Itoa(n)+" of 6", "Exit this page")
	if got := tb.eval(t, `document.querySelector('main form button[type="submit"]').innerText.trim()`); got != "Continue" {
		t.Errorf("%s: the button says %q, want \"Continue\"", slug, got)
	}
	tb.pageChecks(t, "self-"+slug)
}

// continueTo presses the question page's Continue button and checks where
// it leads.
func (tb *tab) continueTo(t *testing.T, path string) {
	t.Helper()
	tb.click(t, `main form button[type="submit"]`)
	tb.mustBeAt(t, path)
}

// check selects a radio by clicking its label, as a person would.
func (tb *tab) check(t *testing.T, id string) {
	t.Helper()
	tb.clickHere(t, "the label of #"+id, fmt.Sprintf(`document.querySelector('label[for=%q]')`, id))
	if got := tb.eval(t, fmt.Sprintf(`String(!!(document.getElementById(%q) || {}).checked)`, id)); got != "true" {
		t.Fatalf("clicking the label of #%s did not select it", id)
	}
}

// fillDate types a date into the three GOV.UK date boxes of a field.
func (tb *tab) fillDate(t *testing.T, id string, d time.Time) {
	t.Helper()
	tb.fill(t, "#"+id, strconv.Itoa(d.Day()))
	tb.fill(t, "#"+id+"-month", strconv.Itoa(int(d.Month())))
	tb.fill(t, "#"+id+"-year", strconv.Itoa(d.Year()))
}

// errorState checks a page with an error summary: its title starts
// "Error: ", govuk-frontend has moved focus to the summary, and the summary
// links to the field (which exists).
func (tb *tab) errorState(t *testing.T, pageName, firstField string) {
	t.Helper()
	if title := tb.eval(t, `document.title`); !strings.HasPrefix(title, "Error: ") {
		t.Errorf("%s: title = %q, want it to start with \"Error: \"", pageName, title)
	}
	if n := tb.count(t, fmt.Sprintf(`.govuk-error-summary a[href=%q]`, firstField)); n != 1 {
		t.Errorf("%s: the error summary has no link to %s", pageName, firstField)
	}
	if n := tb.count(t, firstField); n != 1 {
		t.Errorf("%s: the error summary links to %s, which is not on the page", pageName, firstField)
	}
	var focused string
	for range 20 {
		if focused = tb.eval(t, `document.activeElement ? document.activeElement.className : ''`); strings.Contains(focused, "govuk-error-summary") {
			return
		}
		tb.run(t, "waiting for focus", chromedp.Sleep(25*time.Millisecond))
	}
	t.Errorf("%s: focus is on %q, want the error summary", pageName, focused)
}

// reloadUntil opens path again until it shows text, for about two seconds
// (what the mail worker records appears as it gets to it); the caller's
// mustSee then says what the page showed if it never did.
func (tb *tab) reloadUntil(t *testing.T, path, text string) {
	t.Helper()
	for i := 0; i < 40 && !strings.Contains(tb.eval(t, `document.body.innerText`), text); i++ {
		time.Sleep(50 * time.Millisecond)
		tb.open(t, path)
	}
}

// queueLink is the href of the queue's link to a referral, or "".
func (tb *tab) queueLink(t *testing.T, reference string) string {
	t.Helper()
	return tb.eval(t, fmt.Sprintf(`(() => {
		const a = [...document.querySelectorAll('main table a[href^="/referrals/"]')].find(a => a.textContent.trim() === %q);
		return a ? a.getAttribute('href') : '';
	})()`, reference))
}

func statusOf(resp *network.Response) string {
	if resp == nil {
		return "none"
	}
	return strconv.FormatInt(resp.Status, 10)
}
