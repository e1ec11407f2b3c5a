package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/cli"
	"github.com/cradle-org/cradle/internal/mail"
	"github.com/cradle-org/cradle/internal/mail/smtptest"
	"github.com/cradle-org/cradle/internal/store"
	"github.com/cradle-org/cradle/internal/web"
)

// deliver sends everything queued to a real SMTP server and returns what arrived.
func deliver(t *testing.T, e *env, smtp *smtptest.Server) []smtptest.Received {
	t.Helper()
	sender, err := mail.NewSMTPSender(mail.Config{Host: smtp.Host(), Port: smtp.Port(), TLS: mail.TLSNone, From: "updates@cradle.example"})
	if err != nil {
		t.Fatal(err)
	}
	w := &mail.Worker{Outbox: cli.Outbox{DB: e.db}, Sender: sender, Now: e.clock.Now}
	if _, err := w.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	return smtp.Messages()
}

var linkRE = regexp.MustCompile(`http://[^\s>]+`)

func TestMailingListDoubleOptInAndUnsubscribe(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		smtp := smtptest.Start(t)
		c := e.client()
		if r := e.get(c, "/mailing-list"); r.status != 200 || !strings.Contains(r.body, "Exit this page") {
			t.Fatalf("form: %d", r.status)
		}
		bad := e.post(c, "/mailing-list", url.Values{"email": {"not an email"}, "name": {"<b>Jo</b>"}})
		if bad.status != http.StatusUnprocessableEntity || !strings.Contains(bad.body, "correct format") || !strings.Contains(bad.body, "must not include HTML") ||
			!strings.Contains(bad.body, `value="not an email"`) {
			t.Fatalf("invalid signup: %d", bad.status)
		}
		r := e.post(c, "/mailing-list", url.Values{"email": {"Jo@Example.org"}, "name": {"Jo"}})
		if r.status != http.StatusSeeOther || r.location != "/mailing-list/check-email" {
			t.Fatalf("signup: %d %q", r.status, r.location)
		}
		msgs := deliver(t, e, smtp)
		if len(msgs) != 1 || msgs[0].To[0] != "jo@example.org" {
			t.Fatalf("confirmation email: %+v", msgs)
		}
		m := msgs[0]
		if !strings.HasPrefix(m.Header.Get("List-Unsubscribe"), "<http://") || m.Header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
			t.Errorf("unsubscribe headers: %q %q", m.Header.Get("List-Unsubscribe"), m.Header.Get("List-Unsubscribe-Post"))
		}
		links := linkRE.FindAllString(m.Body, -1)
		if len(links) != 2 {
			t.Fatalf("links in the email: %v\n%s", links, m.Body)
		}
		confirm, _ := url.Parse(links[0])
		// Opening the link alone confirms nothing (mail scanners open links).
		page := e.get(c, confirm.RequestURI())
		if n, _, _, _ := e.db.MailingCounts(context.Background()); n != 1 {
			t.Errorf("pending after opening the link = %d, want 1", n)
		}
		token := regexp.MustCompile(`name="token" value="([^"]+)"`).FindStringSubmatch(page.body)
		if token == nil {
			t.Fatalf("confirm page has no button:\n%s", page.body)
		}
		done := e.post(c, "/mailing-list/confirm", url.Values{"token": {token[1]}})
		if done.status != 200 || !strings.Contains(done.body, "You are subscribed") {
			t.Fatalf("confirm: %d", done.status)
		}
		if again := e.post(c, "/mailing-list/confirm", url.Values{"token": {token[1]}}); again.status != http.StatusBadRequest {
			t.Errorf("link reused: %d", again.status)
		}
		// Signing up again reveals nothing and sends nothing.
		if r := e.post(e.client(), "/mailing-list", url.Values{"email": {"jo@example.org"}}); r.location != "/mailing-list/check-email" {
			t.Errorf("repeat signup: %q", r.location)
		}
		if msgs := deliver(t, e, smtp); len(msgs) != 1 {
			t.Errorf("repeat signup sent %d emails", len(msgs)-1)
		}
		// The administrator sees and exports the confirmed subscriber.
		ac := e.client()
		e.signIn(ac, admin)
		if p := e.get(ac, "/admin/mailing-list"); p.status != 200 || !strings.Contains(p.body, "jo@example.org") {
			t.Errorf("admin page: %d", p.status)
		}
		csv := e.get(ac, "/admin/mailing-list.csv")
		if csv.status != 200 || !strings.HasPrefix(csv.header.Get("Content-Type"), "text/csv") || !strings.Contains(csv.body, "jo@example.org,Jo,") {
			t.Errorf("csv: %d %q", csv.status, csv.body)
		}
		mc := e.client()
		e.signIn(mc, manager)
		if p := e.get(mc, "/admin/mailing-list.csv"); p.status != http.StatusForbidden {
			t.Errorf("manager export: %d", p.status)
		}
		// One-click unsubscribe, as a mail client sends it (RFC 8058).
		unsub := strings.Trim(m.Header.Get("List-Unsubscribe"), "<>")
		u, _ := url.Parse(unsub)
		one := e.do(e.client(), "POST", u.RequestURI(), url.Values{"List-Unsubscribe": {"One-Click"}})
		if one.status != 200 || !strings.Contains(one.body, "You have unsubscribed") {
			t.Fatalf("one-click unsubscribe: %d", one.status)
		}
		if _, confirmed, unsubscribed, _ := e.db.MailingCounts(context.Background()); confirmed != 0 || unsubscribed != 1 {
			t.Errorf("after unsubscribe: confirmed %d, unsubscribed %d", confirmed, unsubscribed)
		}
		forged := e.do(e.client(), "POST", "/mailing-list/unsubscribe?id=1&token=forged", url.Values{})
		if forged.status != http.StatusBadRequest {
			t.Errorf("forged unsubscribe: %d", forged.status)
		}
	})
}

func TestMailingConfirmationLinkExpires(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		smtp := smtptest.Start(t)
		c := e.client()
		e.post(c, "/mailing-list", url.Values{"email": {"late@example.org"}})
		msgs := deliver(t, e, smtp)
		confirm, _ := url.Parse(linkRE.FindString(msgs[0].Body))
		e.clock.Advance(49 * time.Hour)
		r := e.post(c, "/mailing-list/confirm", url.Values{"token": {confirm.Query().Get("token")}})
		if r.status != http.StatusBadRequest || !strings.Contains(r.body, "expired") {
			t.Errorf("expired link: %d", r.status)
		}
	})
}

// The sweep that ends old sessions also clears a sent message's recipient
// and text 30 days (mailRetention) after it went, and deletes a sign-up
// never confirmed 30 days after its link expired; before then it keeps
// both.
func TestSweepForgetsOldMailAndSignUps(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		smtp := smtptest.Start(t)
		e.post(e.client(), "/mailing-list", url.Values{"email": {"never@example.org"}})
		if msgs := deliver(t, e, smtp); len(msgs) != 1 {
			t.Fatalf("confirmation emails: %d", len(msgs))
		}
		s, err := web.New(e.db, nil, web.Config{Now: e.clock.Now, PasswordParams: testPasswordParams})
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		entries := func(action string) int {
			es, err := e.db.AuditEntries(ctx, store.AuditFilter{Actions: []string{action}})
			if err != nil {
				t.Fatal(err)
			}
			return len(es)
		}
		sweep := func() {
			if _, err := s.SweepSessions(ctx); err != nil {
				t.Fatal(err)
			}
		}
		e.clock.Advance(29 * 24 * time.Hour)
		sweep()
		if pending, _, _, _ := e.db.MailingCounts(ctx); pending != 1 || entries("mail.cleared") != 0 || entries("mailing.forget") != 0 {
			t.Errorf("after 29 days: %d pending sign-ups, %d mail.cleared, %d mailing.forget; want 1, 0, 0", pending, entries("mail.cleared"), entries("mailing.forget"))
		}
		e.clock.Advance(4 * 24 * time.Hour) // the link expired after two days: 31 days on
		sweep()
		if pending, _, _, _ := e.db.MailingCounts(ctx); pending != 0 || entries("mail.cleared") != 1 || entries("mailing.forget") != 1 {
			t.Errorf("after 33 days: %d pending sign-ups, %d mail.cleared, %d mailing.forget; want 0, 1, 1", pending, entries("mail.cleared"), entries("mailing.forget"))
		}
		if counts, _ := e.db.MailCounts(ctx); counts["sent"] != 1 {
			t.Errorf("the sent message's row: %v", counts)
		}
	})
}
