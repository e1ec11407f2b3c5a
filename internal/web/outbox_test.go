package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/mail/smtptest"
	"github.com/cradle-org/cradle/internal/store"
)

// TestAdminEmailPage: the messages the mail server would not take are
// listed for administrators with why, never with their recipient or text;
// one given up on can be sent again, once the cause is mended; one whose
// text has been cleared cannot, and the page says why.
func TestAdminEmailPage(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		srv := smtptest.Start(t)
		send := func() { t.Helper(); deliver(t, e, srv) }
		refer := func() string {
			t.Helper()
			r := e.post(e.client(), "/refer/professional", professionalForm(e))
			if r.status != http.StatusSeeOther {
				t.Fatalf("submit: %d\n%s", r.status, r.body)
			}
			return referenceIn(t, r.location)
		}
		// One refused for good, one refused for now.
		refused := refer()
		srv.FailNext(1, 550)
		send()
		e.clock.Advance(time.Minute)
		later := refer()
		srv.FailNext(1, 451)
		send()

		pc := e.client()
		e.signIn(pc, practitioner)
		if r := e.get(pc, "/admin/mail"); r.status != http.StatusForbidden {
			t.Errorf("a practitioner opened the email page: %d", r.status)
		}
		ac := e.client()
		e.signIn(ac, admin)
		if home := e.get(ac, "/home"); !strings.Contains(home.body, "Emails the mail server has not taken") {
			t.Error("an administrator's home page does not lead to the email page")
		}
		page := e.get(ac, "/admin/mail")
		for _, want := range []string{"Email", "Referral acknowledgement", "Referral received: " + refused, "Referral received: " + later,
			"Given up", "Trying again", "Send again", "No mail server is set"} {
			if page.status != 200 || !strings.Contains(page.body, want) {
				t.Errorf("the email page (%d) lacks %q", page.status, want)
			}
		}
		if strings.Contains(page.body, "sam.social@example.org") || strings.Contains(page.body, "Thank you for your referral") {
			t.Error("the email page shows a recipient or a message's text")
		}
		if n := strings.Count(page.body, `/resend"`); n != 1 {
			t.Errorf("%d messages offered to send again, want the one given up on", n)
		}
		id := between(page.body, `action="/admin/mail/`, `/resend"`)
		if _, err := strconv.ParseInt(id, 10, 64); err != nil {
			t.Fatalf("no resend form: %q", id)
		}

		// Sent again: back in the queue, sent at the next run, and the
		// referral acknowledged.
		token := csrfFrom(t, page.body)
		r := e.post(ac, "/admin/mail/"+id+"/resend", url.Values{"csrf_token": {token}})
		if r.status != http.StatusSeeOther || r.location != "/admin/mail?resent="+id {
			t.Fatalf("resend: %d %q\n%s", r.status, r.location, r.body)
		}
		if done := e.get(ac, r.location); !strings.Contains(done.body, "The message is back in the queue") {
			t.Error("no confirmation that the message was queued again")
		}
		e.clock.Advance(2 * time.Minute) // past the other's next try too (a minute)
		send()
		delivered := 0
		for _, m := range srv.Messages() {
			if strings.Contains(string(m.Data), "Referral received: "+refused) {
				delivered++
			}
		}
		if delivered != 1 {
			t.Errorf("the message sent again was delivered %d times, want once", delivered)
		}
		mc := e.client()
		e.signIn(mc, manager)
		if p := e.get(mc, "/referrals/"+itoa(queueID(t, e, manager, refused))); !strings.Contains(p.body, "Acknowledgement emailed to the referrer on") {
			t.Error("the referral acknowledged by the message sent again does not say so")
		}

		// Already sent: refused with an error that leads to the counts.
		r = e.post(ac, "/admin/mail/"+id+"/resend", url.Values{"csrf_token": {token}})
		if r.status != http.StatusConflict || !strings.Contains(r.body, "already sent") || !strings.Contains(r.body, `href="#mail-counts"`) {
			t.Errorf("sending a sent message again: %d\n%s", r.status, r.body)
		}

		// Given up on long ago, its text cleared: cannot be sent again.
		srv.FailNext(1, 550)
		third := refer()
		send()
		if _, err := e.db.ClearOldMail(ctx, e.clock.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		page = e.get(ac, "/admin/mail")
		if !strings.Contains(page.body, "Referral received: "+third) || !strings.Contains(page.body, "Cannot be sent again. Its recipient and text have been cleared") {
			t.Errorf("the cleared message is not shown as one that cannot be sent again:\n%s", page.body)
		}
		msgs, _, err := e.db.UnsentMail(ctx, mustActor(t, e, admin))
		if err != nil {
			t.Fatal(err)
		}
		var cleared int64
		for _, m := range msgs {
			if strings.Contains(m.Subject, third) {
				cleared = m.ID
			}
		}
		r = e.post(ac, "/admin/mail/"+strconv.FormatInt(cleared, 10)+"/resend", url.Values{"csrf_token": {csrfFrom(t, page.body)}})
		if r.status != http.StatusConflict || !strings.Contains(r.body, "Its recipient and text have been cleared") ||
			!strings.Contains(r.body, `href="#resend-`+strconv.FormatInt(cleared, 10)+`"`) || !strings.Contains(r.body, `id="resend-`+strconv.FormatInt(cleared, 10)+`"`) {
			t.Errorf("sending a cleared message again: %d\n%s", r.status, r.body)
		}

		// Each look and each resend is on the audit log.
		for _, action := range []string{"mail.list", "mail.resend"} {
			if es, err := e.db.AuditEntries(ctx, store.AuditFilter{Actions: []string{action}}); err != nil || len(es) == 0 {
				t.Errorf("no %s entry (%v)", action, err)
			}
		}
	})
}
