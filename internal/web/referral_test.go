package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/audit"
	"github.com/cradle-org/cradle/internal/credential"
	"github.com/cradle-org/cradle/internal/mail/smtptest"
	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/referral"
	"github.com/cradle-org/cradle/internal/store"
)

// professionalForm is a complete, valid professional referral as a browser sends it.
func professionalForm(e *env) url.Values {
	edd := e.clock.Now().AddDate(0, 0, 70)
	return url.Values{
		"referrer.name": {"Sam Social"}, "referrer.role": {"social_worker"}, "referrer.organisation": {"Blackpool Council"},
		"referrer.email": {"sam.social@example.org"}, "referrer.phone": {"01253 477000"},
		"parent1.given_name": {"Zoe"}, "parent1.family_name": {"Marsh"}, "parent1.phone": {"07700 900555"},
		"parent1.address": {"CANARY-ADDRESS 4 Quay Street"}, "parent1.postcode": {"FY1 1AA"}, "parent1.consent": {"yes"},
		"parent1.date_of_birth-day": {"3"}, "parent1.date_of_birth-month": {"4"}, "parent1.date_of_birth-year": {"1998"},
		"parent2.given_name": {"Dean"}, "parent2.family_name": {"Marsh"}, "parent2.consent": {"not_asked"},
		"parent2.consent_reason": {"Asking now would raise the risk"},
		"due_date-day":           {itoa(int64(edd.Day()))}, "due_date-month": {itoa(int64(edd.Month()))}, "due_date-year": {itoa(int64(edd.Year()))},
		"area": {"FY1 1AA"}, "relationship": {"intimate_relationship"}, "abuse_known": {"Police attended twice this year."},
		"safeguarding_status": {"child_in_need"}, "both_want_to_co_parent": {"yes"}, "both_want_best_start": {"yes"},
	}
}

func TestProfessionalReferralFormErrorsKeepInput(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		c := e.client()
		if r := e.get(c, "/refer/professional"); r.status != 200 || !strings.Contains(r.body, "Exit this page") || !strings.Contains(r.body, `name="website"`) {
			t.Fatalf("form: %d", r.status)
		}
		f := professionalForm(e)
		f.Set("referrer.email", "not-an-email")
		f.Set("parent1.given_name", "<b>Zoe</b>")
		f.Set("due_date-day", "31")
		f.Set("due_date-month", "2")
		f.Set("area", "Atlantis")
		q, _, _ := e.db.ReferralQueue(context.Background(), mustActor(t, e, manager), store.QueueFilter{})
		before := len(q) // the demo families' own referrals
		r := e.post(c, "/refer/professional", f)
		if r.status != http.StatusUnprocessableEntity {
			t.Fatalf("invalid form: %d", r.status)
		}
		for _, want := range []string{"There is a problem", "correct format", "must not include HTML", "real date", "do not recognise that area",
			`value="not-an-email"`, `value="Atlantis"`, `value="Sam Social"`, `href="#referrer-email"`} {
			if !strings.Contains(r.body, want) {
				t.Errorf("error page lacks %q", want)
			}
		}
		if q, _, _ := e.db.ReferralQueue(context.Background(), mustActor(t, e, manager), store.QueueFilter{}); len(q) != before {
			t.Errorf("an invalid form saved %d referrals", len(q)-before)
		}
		// The longest answers the form accepts, in a script of two bytes a
		// letter (six once form-encoded), are within the body limit: saved.
		// One letter more is the field's own message, with what was typed.
		urdu := strings.Repeat("ے", 5000)
		f = professionalForm(e)
		f.Set("abuse_known", urdu+"ے")
		f.Set("anything_else", urdu)
		if r := e.post(c, "/refer/professional", f); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "5000 characters or fewer") ||
			!strings.Contains(r.body, urdu+"ے</textarea>") {
			t.Errorf("5,001 two-byte letters: %d, want the field's message and the text kept", r.status)
		}
		f.Set("abuse_known", urdu)
		if r := e.post(c, "/refer/professional", f); r.status != http.StatusSeeOther {
			t.Errorf("the longest answers in a two-byte script: %d\n%s", r.status, between(r.body, "govuk-error-summary", "</ul>"))
		}
		// A huge body is refused with a clear 413, not a 500.
		f = professionalForm(e)
		f.Set("abuse_known", strings.Repeat("x", 1<<20))
		if r := e.post(c, "/refer/professional", f); r.status != http.StatusRequestEntityTooLarge || !strings.Contains(r.body, "too long") {
			t.Errorf("1 MB field: %d", r.status)
		}
	})
}

func mustActor(t *testing.T, e *env, email string) policy.Actor {
	t.Helper()
	s, err := e.db.StaffByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	return s.Actor()
}

// referenceIn pulls REF-… out of a confirmation redirect.
func referenceIn(t *testing.T, location string) string {
	t.Helper()
	u, err := url.Parse(location)
	if err != nil || !strings.HasPrefix(u.Query().Get("ref"), "REF-") {
		t.Fatalf("no reference in %q", location)
	}
	return u.Query().Get("ref")
}

// queueID finds a referral's id in the queue by reference.
func queueID(t *testing.T, e *env, who, ref string) int64 {
	t.Helper()
	for _, st := range []string{"new", "screening", "awaiting_information", "accepted", "not_accepted", "withdrawn"} {
		q, _, err := e.db.ReferralQueue(context.Background(), mustActor(t, e, who), store.QueueFilter{Status: referralStatus(st)})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range q {
			if r.Reference == ref {
				return r.ID
			}
		}
	}
	t.Fatalf("%s not in %s's queue", ref, who)
	return 0
}

func TestProfessionalReferralToAcceptedFamily(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		pub := e.client()
		r := e.post(pub, "/refer/professional", professionalForm(e))
		if r.status != http.StatusSeeOther {
			t.Fatalf("submit: %d\n%s", r.status, r.body)
		}
		ref := referenceIn(t, r.location)
		done := e.get(pub, r.location)
		if !strings.Contains(done.body, ref) || !strings.Contains(done.body, "What happens next") {
			t.Errorf("confirmation page lacks the reference")
		}
		// A crafted confirmation link shows nothing it was given.
		if r := e.get(pub, "/refer/professional/confirmation?ref=%3Cscript%3E"); strings.Contains(r.body, "<script>") || strings.Contains(r.body, "&lt;script") {
			t.Error("confirmation page echoed a crafted reference")
		}
		counts, _ := e.db.MailCounts(context.Background())
		if counts["pending"] != 1 {
			t.Errorf("acknowledgement not queued: %v", counts)
		}

		mc := e.client()
		e.signIn(mc, manager)
		q := e.get(mc, "/referrals")
		if q.status != 200 || !strings.Contains(q.body, ref) {
			t.Fatalf("queue lacks %s: %d", ref, q.status)
		}
		id := queueID(t, e, manager, ref)
		page := e.get(mc, "/referrals/"+itoa(id))
		for _, want := range []string{"Eligibility", "Lives in a funded area", "Met", "CANARY-ADDRESS", "Record decision", "In screening"} {
			if !strings.Contains(page.body, want) {
				t.Errorf("screening page lacks %q", want)
			}
		}
		// A practitioner of the area sees the referral without contact details.
		pc := e.client()
		e.signIn(pc, practitioner)
		if p := e.get(pc, "/referrals/"+itoa(id)); p.status != 200 || strings.Contains(p.body, "CANARY-ADDRESS") || strings.Contains(p.body, "Record decision") {
			t.Errorf("practitioner view: %d, leaks contact details or offers a decision", p.status)
		}
		// Deciding with no reasons: an error on the page, nothing changed.
		token := csrfFrom(t, page.body)
		bad := e.post(mc, "/referrals/"+itoa(id)+"/decision", url.Values{"csrf_token": {token}, "outcome": {"accept"}})
		if bad.status != http.StatusUnprocessableEntity || !strings.Contains(bad.body, "Give the reasons for this decision") {
			t.Fatalf("decision without reasons: %d", bad.status)
		}
		ok := e.post(mc, "/referrals/"+itoa(id)+"/decision", url.Values{"csrf_token": {token}, "outcome": {"accept"}, "detail": {"Meets the criteria; both parents want support."}, "link1": {"0"}, "link2": {"0"}})
		if ok.status != http.StatusSeeOther || !strings.HasPrefix(ok.location, "/families/") {
			t.Fatalf("accept: %d %q\n%s", ok.status, ok.location, ok.body)
		}
		fam := e.get(mc, ok.location)
		if fam.status != 200 || !strings.Contains(fam.body, "Zoe Marsh") || !strings.Contains(fam.body, "Dean Marsh") || !strings.Contains(fam.body, "Assessment") {
			t.Errorf("new family page: %d", fam.status)
		}
		counts, _ = e.db.MailCounts(context.Background())
		if counts["pending"] != 2 {
			t.Errorf("outcome email not queued: %v", counts)
		}
		// Deciding again is refused.
		again := e.post(mc, "/referrals/"+itoa(id)+"/decision", url.Values{"csrf_token": {token}, "outcome": {"withdrawn"}, "detail": {"CANARY-TYPED reasons"}})
		if again.status != http.StatusConflict || !strings.Contains(again.body, "already been decided") ||
			!strings.Contains(between(again.body, `id="unsaved"`, "</div>"), "CANARY-TYPED reasons") {
			t.Errorf("second decision: %d", again.status)
		}
	})
}

func TestDuplicateFoundAndDeclineWithSignposting(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		// Amy Foster is in the demo data; a referral for "Amy Foster" with her phone is a likely duplicate.
		f := professionalForm(e)
		f.Set("parent1.given_name", "Amy")
		f.Set("parent1.family_name", "Foster")
		f.Set("parent1.phone", "07700 900101")
		f.Set("parent1.date_of_birth-year", "")
		f.Set("parent1.date_of_birth-month", "")
		f.Set("parent1.date_of_birth-day", "")
		r := e.post(e.client(), "/refer/professional", f)
		ref := referenceIn(t, r.location)
		mc := e.client()
		e.signIn(mc, manager)
		id := queueID(t, e, manager, ref)
		page := e.get(mc, "/referrals/"+itoa(id))
		if !strings.Contains(page.body, "already known to us") || !strings.Contains(page.body, "FAM-") || !strings.Contains(page.body, "strong match") {
			t.Errorf("planted duplicate not shown:\n%s", page.body)
		}
		token := csrfFrom(t, page.body)
		d := e.post(mc, "/referrals/"+itoa(id)+"/decision", url.Values{"csrf_token": {token}, "outcome": {"not_accepted"}, "reason": {"other"},
			"detail": {"Already working with us under another referral."}, "signposted_to": {"Existing practitioner; local DA helpline"}})
		if d.status != http.StatusSeeOther {
			t.Fatalf("decline: %d\n%s", d.status, d.body)
		}
		after := e.get(mc, d.location)
		for _, want := range []string{"Not accepted", "Signposted to: Existing practitioner; local DA helpline", "Helen Whitaker"} {
			if !strings.Contains(after.body, want) {
				t.Errorf("declined referral page lacks %q", want)
			}
		}
	})
}

func TestSelfReferralJourney(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		c := e.client()
		if r := e.get(c, "/refer/yourself"); r.status != 200 || !strings.Contains(r.body, "Start now") || !strings.Contains(r.body, "Exit this page") {
			t.Fatalf("start page: %d", r.status)
		}
		// Missing first name: error on the page, typed value kept, nothing saved.
		r := e.post(c, "/refer/yourself/about-you", url.Values{"parent1.family_name": {"Lee"}})
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Enter your first name") || !strings.Contains(r.body, `value="Lee"`) {
			t.Fatalf("about-you error: %d", r.status)
		}
		edd := e.clock.Now().AddDate(0, 0, 100)
		steps := []struct {
			path string
			form url.Values
		}{
			{"about-you", url.Values{"parent1.given_name": {"Kim"}, "parent1.family_name": {"Lee"}}},
			{"other-parent", url.Values{"parent2.given_name": {"Chris"}, "relationship": {"intimate_relationship"}, "both_want_to_co_parent": {"yes"}}},
			{"due-date", url.Values{"due_date-day": {itoa(int64(edd.Day()))}, "due_date-month": {itoa(int64(edd.Month()))}, "due_date-year": {itoa(int64(edd.Year()))}}},
			{"where-you-live", url.Values{"area": {"Blackpool"}}},
			{"contacting-you", url.Values{"safe_contact.safe_to_contact": {"yes"}, "safe_contact.number": {"07700 900777"}, "safe_contact.leave_message": {"no"}}},
			{"anything-else", url.Values{"anything_else": {"I need an interpreter for Polish."}}},
		}
		for i, st := range steps {
			r := e.post(c, "/refer/yourself/"+st.path, st.form)
			want := "/refer/yourself/check"
			if i+1 < len(steps) {
				want = "/refer/yourself/" + steps[i+1].path
			}
			if r.status != http.StatusSeeOther || r.location != want {
				t.Fatalf("%s: %d %q\n%s", st.path, r.status, r.location, r.body)
			}
		}
		check := e.get(c, "/refer/yourself/check")
		for _, want := range []string{"Check your answers", "Kim Lee", "Chris", "07700 900777", "Blackpool", "interpreter"} {
			if !strings.Contains(check.body, want) {
				t.Errorf("check page lacks %q", want)
			}
		}
		// Change an answer and come straight back to the check page.
		r = e.post(c, "/refer/yourself/where-you-live?change=1", url.Values{"area": {"FY1 4AB"}})
		if r.location != "/refer/yourself/check" {
			t.Errorf("change: %q", r.location)
		}
		r = e.post(c, "/refer/yourself/check", url.Values{})
		if r.status != http.StatusSeeOther {
			t.Fatalf("send: %d\n%s", r.status, r.body)
		}
		done := e.get(c, r.location)
		for _, want := range []string{"We have your referral", "call 999", referenceIn(t, r.location)} {
			if !strings.Contains(done.body, want) {
				t.Errorf("confirmation lacks %q", want)
			}
		}
		// The answers are gone: the check page now starts again.
		if r := e.get(c, "/refer/yourself/check"); r.status != http.StatusSeeOther {
			t.Errorf("draft survived sending: %d", r.status)
		}
		// No email for a self-referral.
		if counts, _ := e.db.MailCounts(context.Background()); counts["pending"] != 0 {
			t.Errorf("mail queued for a self-referral: %v", counts)
		}
		// The parent was told on screen; the page says so, and lists no email.
		id := queueID(t, e, manager, referenceIn(t, r.location))
		mc := e.client()
		e.signIn(mc, manager)
		page := e.get(mc, "/referrals/"+itoa(id))
		if !strings.Contains(page.body, "Acknowledged on screen, with its reference, when it was sent") || strings.Contains(page.body, "Emails to the referrer") {
			t.Errorf("a self-referral's page does not say it was acknowledged on screen:\n%s", page.body)
		}
	})
}

// TestReferralPageSaysWhetherTheReferrerWasTold: the emails to a referrer
// go through real SMTP; the referral's page says whether the
// acknowledgement went, and warns to phone when it could not.
func TestReferralPageSaysWhetherTheReferrerWasTold(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		srv := smtptest.Start(t)
		send := func() { t.Helper(); deliver(t, e, srv) }
		mc := e.client()
		e.signIn(mc, manager)
		refer := func() int64 {
			t.Helper()
			r := e.post(e.client(), "/refer/professional", professionalForm(e))
			if r.status != http.StatusSeeOther {
				t.Fatalf("submit: %d\n%s", r.status, r.body)
			}
			return queueID(t, e, manager, referenceIn(t, r.location))
		}
		expect := func(id int64, want ...string) string {
			t.Helper()
			page := e.get(mc, "/referrals/"+itoa(id))
			for _, w := range want {
				if !strings.Contains(page.body, w) {
					t.Errorf("referral %d's page lacks %q", id, w)
				}
			}
			return page.body
		}

		// Not yet sent, then refused for good by the mail server.
		failed := refer()
		expect(failed, "The acknowledgement email to the referrer is waiting to be sent", "Emails to the referrer", "Acknowledgement", "Waiting")
		srv.FailNext(1, 550)
		send()
		body := expect(failed, "The acknowledgement email could not be sent. Phone the referrer", "govuk-warning-text", "Not sent", "Why: ")
		if strings.Contains(body, "Acknowledgement emailed") {
			t.Error("a failed acknowledgement is shown as sent")
		}

		// Sent: recorded as acknowledged when it went, and no warning.
		e.clock.Advance(2 * time.Minute)
		sent := refer()
		send()
		if n := len(srv.Messages()); n != 1 {
			t.Fatalf("%d messages delivered, want the second referral's acknowledgement", n)
		}
		body = expect(sent, "Acknowledgement emailed to the referrer on")
		if strings.Contains(body, "govuk-warning-text") || strings.Contains(body, "Why: ") {
			t.Error("a sent acknowledgement's page warns")
		}
		rec, err := e.db.ReadReferral(ctx, mustActor(t, e, manager), sent)
		if err != nil {
			t.Fatal(err)
		}
		if !rec.AcknowledgedAt.Equal(e.clock.Now().UTC().Truncate(time.Second)) && !rec.AcknowledgedAt.Equal(e.clock.Now().UTC()) {
			t.Errorf("acknowledged at %v, want when the email went (%v)", rec.AcknowledgedAt, e.clock.Now().UTC())
		}

		// The queue marks the open referral whose referrer was not told.
		q := e.get(mc, "/referrals?status=screening")
		if cell := between(q.body, `href="/referrals/`+itoa(failed)+`">`, "</td>"); !strings.Contains(cell, "Not acknowledged") {
			t.Errorf("the queue does not mark the referral whose acknowledgement failed: %q", cell)
		}
		if cell := between(q.body, `href="/referrals/`+itoa(sent)+`">`, "</td>"); cell == "" || strings.Contains(cell, "Not acknowledged") {
			t.Errorf("the queue marks the acknowledged referral, or lacks it: %q", cell)
		}

		// The decision is listed after the acknowledgement, waiting.
		token := csrfFrom(t, body)
		if d := e.post(mc, "/referrals/"+itoa(sent)+"/decision", url.Values{"csrf_token": {token}, "outcome": {"not_accepted"}, "reason": {"other"},
			"detail": {"Already known."}, "signposted_to": {"Local DA helpline"}}); d.status != http.StatusSeeOther {
			t.Fatalf("decline: %d\n%s", d.status, d.body)
		}
		body = expect(sent, "Decision")
		if i, j := strings.Index(body, ">Acknowledgement<"), strings.Index(body, ">Decision<"); i < 0 || j < i {
			t.Errorf("the emails are not listed oldest first")
		}

		// A practitioner of the area reads the same, without contact details,
		// and cannot record that the referrer was told.
		pc := e.client()
		e.signIn(pc, practitioner)
		p := e.get(pc, "/referrals/"+itoa(failed))
		if !strings.Contains(p.body, "Phone the referrer") || strings.Contains(p.body, "CANARY-ADDRESS") || strings.Contains(p.body, "I have told the referrer") {
			t.Errorf("practitioner's view of the failed acknowledgement: %d", p.status)
		}
		if r := e.post(pc, "/referrals/"+itoa(failed)+"/acknowledged", url.Values{"csrf_token": {csrfFrom(t, p.body)}}); r.status != http.StatusForbidden {
			t.Errorf("a practitioner recorded the referrer told: %d", r.status)
		}

		// The manager phones the referrer and records it: the warning ends,
		// the page says who told them, and the queue no longer marks it.
		body = expect(failed, "I have told the referrer")
		r := e.post(mc, "/referrals/"+itoa(failed)+"/acknowledged", url.Values{"csrf_token": {csrfFrom(t, body)}})
		if r.status != http.StatusSeeOther || r.location != "/referrals/"+itoa(failed) {
			t.Fatalf("recording the referrer told: %d %q\n%s", r.status, r.location, r.body)
		}
		body = expect(failed, "The referrer was told it arrived by Helen Whitaker, who recorded it on")
		if strings.Contains(body, "govuk-warning-text") || strings.Contains(body, "I have told the referrer") {
			t.Error("after recording the referrer told, the page still warns or offers the button")
		}
		q = e.get(mc, "/referrals?status=screening")
		if cell := between(q.body, `href="/referrals/`+itoa(failed)+`">`, "</td>"); cell == "" || strings.Contains(cell, "Not acknowledged") {
			t.Errorf("the queue still marks the referral whose referrer was told: %q", cell)
		}
		// Twice is refused with why, on the page, linked from the summary.
		r = e.post(mc, "/referrals/"+itoa(failed)+"/acknowledged", url.Values{"csrf_token": {csrfFrom(t, body)}})
		if r.status != http.StatusConflict || !strings.Contains(r.body, "This referral was already acknowledged, on") || !strings.Contains(r.body, `href="#acknowledgement"`) {
			t.Errorf("recording it twice: %d\n%s", r.status, r.body)
		}
		if es, err := e.db.AuditEntries(ctx, store.AuditFilter{Actions: []string{"referral.acknowledged"}}); err != nil || len(es) != 1 {
			t.Errorf("referral.acknowledged entries: %d (%v), want 1", len(es), err)
		}

		// The decision's email: waiting, then sent, records the decision
		// told when it went.
		body = expect(sent, "The decision email to the referrer is waiting to be sent.", "I have told the referrer of the decision")
		if strings.Contains(between(body, `id="decision-told"`, "</form>"), "govuk-warning-text") {
			t.Error("a decision email waiting its first try warns")
		}
		e.clock.Advance(time.Minute)
		send()
		body = expect(sent, "The decision was emailed to the referrer on")
		if strings.Contains(body, "I have told the referrer of the decision") {
			t.Error("a decision emailed still offers to record it told")
		}
		if rec, err := e.db.ReadReferral(ctx, mustActor(t, e, manager), sent); err != nil || rec.DecisionToldAt.IsZero() || rec.DecisionToldBy != "" {
			t.Errorf("the emailed decision's record: told at %v by %q (%v)", rec.DecisionToldAt, rec.DecisionToldBy, err)
		}
		// Refused for good: the page warns to phone, and the manager records
		// the call.
		body = expect(failed)
		if d := e.post(mc, "/referrals/"+itoa(failed)+"/decision", url.Values{"csrf_token": {csrfFrom(t, body)}, "outcome": {"not_accepted"}, "reason": {"other"},
			"detail": {"Already known."}, "signposted_to": {"Local DA helpline"}}); d.status != http.StatusSeeOther {
			t.Fatalf("decline: %d\n%s", d.status, d.body)
		}
		srv.FailNext(1, 550)
		send()
		body = expect(failed, "The decision email could not be sent. Phone the referrer to tell them the decision.", "I have told the referrer of the decision")
		r = e.post(mc, "/referrals/"+itoa(failed)+"/decision-told", url.Values{"csrf_token": {csrfFrom(t, body)}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("recording the decision told: %d\n%s", r.status, r.body)
		}
		body = expect(failed, "The referrer was told of this decision by Helen Whitaker, who recorded it on")
		if strings.Contains(between(body, `id="decision-told"`, "Eligibility"), "govuk-warning-text") {
			t.Error("after recording the decision told, the page still warns")
		}
		// An open referral has no decision to tell.
		open := refer()
		r = e.post(mc, "/referrals/"+itoa(open)+"/decision-told", url.Values{"csrf_token": {csrfFrom(t, body)}})
		if r.status != http.StatusConflict || !strings.Contains(r.body, "This referral has no decision to tell: it is new") {
			t.Errorf("recording an open referral's decision told: %d\n%s", r.status, between(r.body, "govuk-error-summary", "</div>"))
		}
		if es, err := e.db.AuditEntries(ctx, store.AuditFilter{Actions: []string{"referral.decision_told"}}); err != nil || len(es) != 1 {
			t.Errorf("referral.decision_told entries: %d (%v), want 1", len(es), err)
		}
	})
}

func TestHoneypotAndRateLimit(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		c := e.client()
		f := professionalForm(e)
		f.Set("website", "http://spam.example")
		r := e.post(c, "/refer/professional", f)
		if r.status != http.StatusSeeOther {
			t.Fatalf("honeypot: %d", r.status)
		}
		if q, _, _ := e.db.ReferralQueue(context.Background(), mustActor(t, e, manager), store.QueueFilter{Status: "new"}); len(q) != 0 {
			t.Errorf("a bot's referral was saved")
		}
		for i := 0; i < 10; i++ {
			if r := e.post(c, "/refer/professional", professionalForm(e)); r.status != http.StatusSeeOther {
				t.Fatalf("submission %d: %d", i+1, r.status)
			}
		}
		r = e.post(c, "/refer/professional", professionalForm(e))
		if r.status != http.StatusTooManyRequests || !strings.Contains(r.body, "Too many forms") {
			t.Errorf("11th submission in an hour: %d", r.status)
		}
		e.clock.Advance(61 * time.Minute)
		if r := e.post(c, "/refer/professional", professionalForm(e)); r.status != http.StatusSeeOther {
			t.Errorf("after an hour: %d", r.status)
		}
	})
}

// apiToken creates a partner token directly.
func apiToken(t *testing.T, e *env, scopes ...string) string {
	t.Helper()
	tok, _ := credential.NewToken()
	adminStaff, _ := e.db.StaffByEmail(context.Background(), admin)
	err := e.db.Update(audit.WithSource(context.Background(), audit.Source{Actor: "test"}), func(tx *store.Tx) error {
		_, err := tx.CreateAPIToken("Blackpool Maternity", "EPR", credential.HashToken(tok), scopes, adminStaff.ID)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func (e *env) api(token, body string, hdr ...string) resp {
	e.t.Helper()
	args := []string{"Content-Type", "application/json"}
	if token != "" {
		args = append(args, "Authorization", "Bearer "+token)
	}
	args = append(args, hdr...)
	req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/referrals", strings.NewReader(body))
	for i := 0; i+1 < len(args); i += 2 {
		req.Header.Set(args[i], args[i+1])
	}
	r, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer r.Body.Close()
	var b strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := r.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return resp{status: r.StatusCode, body: b.String(), header: r.Header}
}

func apiBody(e *env) map[string]any {
	return map[string]any{
		"referrer": map[string]any{"name": "Mo Midwife", "role": "midwife", "organisation": "Blackpool Teaching Hospitals", "email": "mo@example.org"},
		"parent1":  map[string]any{"given_name": "Ella", "family_name": "Ng", "consent": "yes", "postcode": "FY2 0AA"},
		"parent2":  map[string]any{"given_name": "Tom", "family_name": "Ng", "consent": "no"},
		"due_date": e.clock.Now().AddDate(0, 0, 60).Format("2006-01-02"), "area": "FY2 0AA",
		"abuse_known": "Disclosed at booking appointment.", "safeguarding_status": "none",
	}
}

func mustJSON(v any) string { b, _ := json.Marshal(v); return string(b) }

func referralStatus(s string) referral.Status { return referral.Status(s) }

func mustForm(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

// TestReferralQueuePages: more new referrals than a page holds are shown
// fifty at a time, oldest first, with the total and a way to each page; a
// page past the end shows the last one.
func TestReferralQueuePages(t *testing.T) {
	// A referral's link, not the link to record a new one.
	listed := func(body string) int { return len(regexp.MustCompile(`href="/referrals/\d+"`).FindAllString(body, -1)) }
	each(t, func(t *testing.T, e *env) {
		token := apiToken(t, e, "referrals:create")
		for i := range 55 {
			if r := e.api(token, mustJSON(apiBody(e))); r.status != http.StatusCreated {
				t.Fatalf("referral %d: %d %s", i, r.status, r.body)
			}
		}
		c := e.client()
		e.signIn(c, manager)
		first := e.get(c, "/referrals?status=new")
		total := regexp.MustCompile(`Showing 1 to 50 of (\d+)`).FindStringSubmatch(first.body)
		if first.status != http.StatusOK || total == nil {
			t.Fatalf("first page: %d, no 'Showing 1 to 50 of …'\n%s", first.status, first.body)
		}
		n, _ := strconv.Atoi(total[1])
		if n < 55 || !strings.Contains(first.body, `New (`+total[1]+`)`) || !strings.Contains(first.body, `class="govuk-pagination"`) ||
			listed(first.body) != 50 {
			t.Errorf("first page: %d in all, %d listed", n, listed(first.body))
		}
		last := e.get(c, "/referrals?status=new&page=2")
		if want := n - 50; listed(last.body) != want || !strings.Contains(last.body, "Showing 51 to "+total[1]+" of "+total[1]) {
			t.Errorf("second page: %d listed, want %d", listed(last.body), want)
		}
		past := e.get(c, "/referrals?status=new&page=99")
		if past.status != http.StatusOK || listed(past.body) != n-50 {
			t.Errorf("a page past the end: %d, %d listed, want the last page's %d", past.status, listed(past.body), n-50)
		}
		// Each view of the queue is on the log once.
		if es, err := e.db.AuditEntries(context.Background(), store.AuditFilter{Actions: []string{"referral.queue.view"}}); err != nil || len(es) != 3 {
			t.Errorf("queue views on the audit log: %d (%v), want 3", len(es), err)
		}
	})
}

// TestTakeReferral: a referral a professional phoned in is typed in by
// staff on the professional form, its words about the referrer, with how
// and when it arrived; it goes to the queue, says who took it, and the
// referrer is emailed only if an address was given.
func TestTakeReferral(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		pc := e.client()
		e.signIn(pc, practitioner)
		if q := e.get(pc, "/referrals"); !strings.Contains(q.body, `href="/referrals/new"`) {
			t.Error("the queue does not offer to record a referral")
		}
		form := e.get(pc, "/referrals/new")
		for _, want := range []string{"Record a referral", "How did the referral reach us?", "Date received", "The referrer&#39;s name"} {
			if form.status != 200 || !strings.Contains(form.body, want) {
				t.Errorf("the form (%d) lacks %q", form.status, want)
			}
		}
		// The form carries its own token (the header's sign-out form has one too).
		token := csrfFrom(t, between(form.body, `action="/referrals/new"`, "</form>"))

		// Nothing said about how or when, nor who: the problems, in the
		// referrer's terms, and what was typed kept.
		bad := url.Values{"csrf_token": {token}, "referrer.organisation": {"Blackpool Teaching Hospitals"}}
		r := e.post(pc, "/referrals/new", bad)
		for _, want := range []string{"Select how the referral reached us", "Enter the date the referral was received", "Enter the referrer&#39;s name",
			"Enter the referrer&#39;s work email address or phone number", `value="Blackpool Teaching Hospitals"`} {
			if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, want) {
				t.Errorf("an empty form (%d) lacks %q", r.status, want)
			}
		}
		if strings.Contains(r.body, "Enter your name") {
			t.Error("the staff form asks for 'your' name")
		}
		tomorrow := e.clock.Now().AddDate(0, 0, 1)
		f := professionalForm(e)
		f.Set("csrf_token", token)
		f.Del("referrer.email")
		f.Set("channel", "phone")
		setDate := func(d time.Time) {
			f.Set("received_on-day", itoa(int64(d.Day())))
			f.Set("received_on-month", itoa(int64(d.Month())))
			f.Set("received_on-year", itoa(int64(d.Year())))
		}
		setDate(tomorrow)
		if r := e.post(pc, "/referrals/new", f); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Date received must be today or in the past") {
			t.Errorf("received tomorrow: %d", r.status)
		}
		if q, _, err := e.db.ReferralQueue(ctx, mustActor(t, e, manager), store.QueueFilter{Status: "new"}); err != nil || len(q) != 0 {
			t.Fatalf("a refused form saved a referral: %d (%v)", len(q), err)
		}

		// Phoned in yesterday, no email: saved, taken by Priya, the referrer
		// to be told by whoever took it.
		yesterday := e.clock.Now().AddDate(0, 0, -1)
		setDate(yesterday)
		r = e.post(pc, "/referrals/new", f)
		if r.status != http.StatusSeeOther || !strings.HasPrefix(r.location, "/referrals/") {
			t.Fatalf("recording it: %d %q\n%s", r.status, r.location, r.body)
		}
		page := e.get(pc, r.location)
		for _, want := range []string{"received " + yesterday.Format("2 January 2006") + " by phone, taken by Priya Shah", "No acknowledgement has been sent", "Sam Social"} {
			if !strings.Contains(page.body, want) {
				t.Errorf("the referral's page lacks %q", want)
			}
		}
		if strings.Contains(page.body, "Emails to the referrer") {
			t.Error("an email was queued to a referrer who gave no address")
		}
		mc := e.client()
		e.signIn(mc, manager)
		if p := e.get(mc, r.location); !strings.Contains(p.body, "I have told the referrer") {
			t.Error("the manager is not offered to record that the referrer was told")
		}
		// Priya, who took it in (and cannot screen it), told the referrer
		// its reference on the call, and records that.
		if !strings.Contains(page.body, "I have told the referrer") {
			t.Fatal("whoever took the referral in is not offered to record that they told the referrer")
		}
		told := e.post(pc, r.location+"/acknowledged", url.Values{"csrf_token": {csrfFrom(t, between(page.body, `/acknowledged"`, "</form>"))}})
		if told.status != http.StatusSeeOther {
			t.Fatalf("recording the referrer told: %d\n%s", told.status, told.body)
		}
		if p := e.get(pc, r.location); !strings.Contains(p.body, "The referrer was told it arrived by Priya Shah") {
			t.Error("the page does not say Priya told the referrer")
		}
		if es, err := e.db.AuditEntries(ctx, store.AuditFilter{Actions: []string{"referral.create"}}); err != nil || len(es) == 0 || !strings.Contains(es[0].Detail, "taken by staff, phone") {
			t.Errorf("the creation's audit entry does not say it was taken by staff: %+v (%v)", es, err)
		}

		// With an email address, the referrer is emailed the acknowledgement.
		before, _ := e.db.MailCounts(ctx)
		f.Set("referrer.email", "sam.social@example.org")
		setDate(e.clock.Now())
		f.Set("channel", "email")
		r = e.post(pc, "/referrals/new", f)
		if r.status != http.StatusSeeOther {
			t.Fatalf("recording the second: %d\n%s", r.status, r.body)
		}
		if after, _ := e.db.MailCounts(ctx); after["pending"] != before["pending"]+1 {
			t.Errorf("pending mail %d → %d, want the acknowledgement queued", before["pending"], after["pending"])
		}
		if p := e.get(pc, r.location); !strings.Contains(p.body, "by email, taken by Priya Shah") || !strings.Contains(p.body, "waiting to be sent") {
			t.Error("the second referral's page does not say how it came, or that its acknowledgement is waiting")
		}

		// Administrators do not take referrals.
		ac := e.client()
		e.signIn(ac, admin)
		if r := e.get(ac, "/referrals/new"); r.status != http.StatusForbidden {
			t.Errorf("an administrator opened the form: %d", r.status)
		}
	})
}

// TestTakeParentReferral: staff type in a parent's own referral, made by
// phone, email, letter or in person, on one page of the journey's
// questions about the parent. Nothing is sent to the parent; the page warns
// until whoever took it records that they told the parent.
func TestTakeParentReferral(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		pc := e.client()
		e.signIn(pc, practitioner)
		if q := e.get(pc, "/referrals"); !strings.Contains(q.body, `href="/referrals/new/parent"`) {
			t.Error("the queue does not offer to record a parent's own referral")
		}
		form := e.get(pc, "/referrals/new/parent")
		for _, want := range []string{"Record a parent&#39;s own referral", "How did the referral reach us?", "Is it safe for us to phone them?", `href="/referrals/new"`} {
			if form.status != 200 || !strings.Contains(form.body, want) {
				t.Errorf("the form (%d) lacks %q", form.status, want)
			}
		}
		token := csrfFrom(t, between(form.body, `action="/referrals/new/parent"`, "</form>"))

		// Nothing but a safe time: the problems about the parent, in page
		// order, and what was typed kept; nothing saved.
		r := e.post(pc, "/referrals/new/parent", url.Values{"csrf_token": {token}, "safe_contact.times": {"Mornings, when he is at work"}, "due_date-day": {"40"}})
		for _, want := range []string{"Select how the referral reached us", "Enter the date the referral was received", "Enter the parent&#39;s first name",
			"Select whether it is safe for us to phone the parent", "Mornings, when he is at work"} {
			if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, want) {
				t.Errorf("an empty form (%d) lacks %q", r.status, want)
			}
		}
		if strings.Contains(r.body, "your first name") || strings.Contains(r.body, "contact you") {
			t.Error("the staff form speaks to the parent")
		}
		summary := between(r.body, "govuk-error-summary__list", "</ul>")
		if a, b, c := strings.Index(summary, "#channel"), strings.Index(summary, "#parent1-given_name"), strings.Index(summary, "#due_date"); a < 0 || b < a || c < b {
			t.Errorf("the error summary is not in page order:\n%s", summary)
		}
		if q, _, err := e.db.ReferralQueue(ctx, mustActor(t, e, manager), store.QueueFilter{Status: "new"}); err != nil || len(q) != 0 {
			t.Fatalf("a refused form saved a referral: %d (%v)", len(q), err)
		}

		// Phoned in today: saved as a self-referral taken by Priya, not yet
		// acknowledged; no email queued.
		due := e.clock.Now().AddDate(0, 5, 0)
		today := e.clock.Now()
		good := url.Values{"csrf_token": {token}, "channel": {"phone"},
			"received_on-day": {itoa(int64(today.Day()))}, "received_on-month": {itoa(int64(today.Month()))}, "received_on-year": {itoa(int64(today.Year()))},
			"parent1.given_name": {"Leah"}, "parent1.family_name": {"Rowe"},
			"due_date-day": {itoa(int64(due.Day()))}, "due_date-month": {itoa(int64(due.Month()))}, "due_date-year": {itoa(int64(due.Year()))},
			"area": {"FY1 4AB"}, "safe_contact.safe_to_contact": {"yes"}, "safe_contact.number": {"07700 900 555"}, "safe_contact.leave_message": {"no"}}
		before, _ := e.db.MailCounts(ctx)
		r = e.post(pc, "/referrals/new/parent", good)
		if r.status != http.StatusSeeOther || !strings.HasPrefix(r.location, "/referrals/") {
			t.Fatalf("recording it: %d %q\n%s", r.status, r.location, r.body)
		}
		if after, _ := e.db.MailCounts(ctx); after["pending"] != before["pending"] {
			t.Errorf("pending mail %d → %d: something was sent about a parent's own referral", before["pending"], after["pending"])
		}
		page := e.get(pc, r.location)
		for _, want := range []string{"by phone, taken by Priya Shah", "The parent has not been told we have their referral", "govuk-warning-text", "I have told the parent"} {
			if !strings.Contains(page.body, want) {
				t.Errorf("the referral's page lacks %q", want)
			}
		}
		// Screening it promises nothing is sent to the parent: no question
		// to email, and a decline is theirs to tell.
		mc := e.client()
		e.signIn(mc, manager)
		screen := e.get(mc, r.location)
		if !strings.Contains(screen.body, "Not accepted: tell the parent why and where else to get support, by the safe route they gave") ||
			!strings.Contains(screen.body, "Nothing is sent to a parent who referred themselves") || strings.Contains(screen.body, `name="question"`) ||
			strings.Contains(screen.body, "This is sent to the referrer") {
			t.Error("screening a parent's own referral offers to send them something")
		}
		id, _ := strconv.ParseInt(strings.TrimPrefix(r.location, "/referrals/"), 10, 64)
		rec, err := e.db.ReadReferral(ctx, mustActor(t, e, manager), id)
		if err != nil || rec.Source != referral.Self || rec.Content.Parent1.Consent != "yes" || rec.Content.SafeContact.Number != "07700 900 555" || !rec.AcknowledgedAt.IsZero() {
			t.Fatalf("the record: %+v (%v)", rec, err)
		}
		told := e.post(pc, r.location+"/acknowledged", url.Values{"csrf_token": {csrfFrom(t, between(page.body, `/acknowledged"`, "</form>"))}})
		if told.status != http.StatusSeeOther {
			t.Fatalf("recording the parent told: %d\n%s", told.status, told.body)
		}
		if p := e.get(pc, r.location); !strings.Contains(p.body, "The parent was told it arrived, and its reference, by Priya Shah") || strings.Contains(p.body, "govuk-warning-text") {
			t.Error("the page does not say Priya told the parent, or still warns")
		}
		// Not accepted: nothing goes to the parent, and the page says who tells them.
		screen = e.get(mc, r.location)
		declined := e.post(mc, r.location+"/decision", url.Values{"csrf_token": {csrfFrom(t, between(screen.body, `/decision"`, "</form>"))},
			"outcome": {"not_accepted"}, "reason": {"not_funded_area"}, "detail": {"Lives outside the funded areas."}, "signposted_to": {"Local domestic abuse service"}})
		if declined.status != http.StatusSeeOther {
			t.Fatalf("declining: %d\n%s", declined.status, declined.body)
		}
		decided := e.get(mc, r.location)
		for _, want := range []string{"The parent has not been told of this decision. Tell them, and where else to get support, only in a way they said is safe.",
			"govuk-warning-text", "I have told the parent of the decision"} {
			if !strings.Contains(decided.body, want) {
				t.Errorf("the declined self-referral's page lacks %q", want)
			}
		}
		if after, _ := e.db.MailCounts(ctx); after["pending"] != before["pending"] {
			t.Errorf("pending mail %d → %d: the decision was sent to a parent", before["pending"], after["pending"])
		}
		queueCell := func() string {
			q := e.get(mc, "/referrals?status=not_accepted")
			return between(q.body, `href="`+r.location+`">`, "</td>")
		}
		if cell := queueCell(); !strings.Contains(cell, "Decision not told") {
			t.Errorf("the queue does not mark the declined referral whose parent was not told: %q", cell)
		}
		// Whoever took it in tells the parent, and records it: the warning
		// ends and the queue's mark goes.
		page = e.get(pc, r.location)
		tell := e.post(pc, r.location+"/decision-told", url.Values{"csrf_token": {csrfFrom(t, between(page.body, `/decision-told"`, "</form>"))}})
		if tell.status != http.StatusSeeOther || tell.location != r.location {
			t.Fatalf("recording the decision told: %d %q\n%s", tell.status, tell.location, tell.body)
		}
		p := e.get(mc, r.location)
		if !strings.Contains(p.body, "The parent was told of this decision by Priya Shah, who recorded it on") || strings.Contains(p.body, "govuk-warning-text") ||
			strings.Contains(p.body, "I have told the parent of the decision") {
			t.Error("the page does not say Priya told the parent of the decision, or still warns or offers the button")
		}
		if cell := queueCell(); cell == "" || strings.Contains(cell, "Decision not told") {
			t.Errorf("the queue still marks the referral whose parent was told, or lacks it: %q", cell)
		}
		// Twice is refused with why, on the page, linked from the summary.
		again := e.post(mc, r.location+"/decision-told", url.Values{"csrf_token": {csrfFrom(t, p.body)}})
		if again.status != http.StatusConflict || !strings.Contains(again.body, "This decision was already told, on") || !strings.Contains(again.body, `href="#decision-told"`) {
			t.Errorf("recording it twice: %d\n%s", again.status, between(again.body, "govuk-error-summary", "</div>"))
		}

		// Administrators do not take referrals.
		ac := e.client()
		e.signIn(ac, admin)
		if r := e.get(ac, "/referrals/new/parent"); r.status != http.StatusForbidden {
			t.Errorf("an administrator opened the form: %d", r.status)
		}
	})
}
