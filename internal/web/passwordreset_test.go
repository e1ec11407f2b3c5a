package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/audit"
	"github.com/cradle-org/cradle/internal/credential"
	"github.com/cradle-org/cradle/internal/demo"
	"github.com/cradle-org/cradle/internal/org"
	"github.com/cradle-org/cradle/internal/store"
)

// resetMails claims the password reset emails queued since the last call.
func (e *env) resetMails() []store.OutboxItem {
	e.t.Helper()
	items, err := e.db.ClaimMail(context.Background(), e.clock.Now().Add(time.Hour), 1000, 24*time.Hour, nil) // leased for a day: claimed once
	if err != nil {
		e.t.Fatal(err)
	}
	var out []store.OutboxItem
	for _, it := range items {
		if it.Kind == "password_reset" {
			out = append(out, it)
		}
	}
	return out
}

// resetPath is the path and query of the one link in a reset email.
func resetPath(t *testing.T, m store.OutboxItem) string {
	t.Helper()
	const base = "http://127.0.0.1:8080" // Config.BaseURL's default: never the request's Host
	i := strings.Index(m.Text, base+"/sign-in/reset?token=")
	if i < 0 {
		t.Fatalf("no reset link in the email:\n%s", m.Text)
	}
	link := strings.Fields(m.Text[i:])[0]
	return strings.TrimPrefix(link, base)
}

func (e *env) auditCount(actions ...string) int {
	e.t.Helper()
	es, err := e.db.AuditEntries(context.Background(), store.AuditFilter{Actions: actions})
	if err != nil {
		e.t.Fatal(err)
	}
	return len(es)
}

const checkEmail = "If the email address you entered belongs to a Cradle account, we have sent it a link to reset your password."

// TestPasswordResetFlow walks "Forgot your password?" from the sign-in
// page to signing in with the new password: the link from the email, a
// wrong code (a failed sign-in), a weak password, then the change, after
// which the old password and every other session are gone and the link
// does not work again.
func TestPasswordResetFlow(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		secret := cred(practitioner).TOTPSecret
		other := e.client()
		e.signIn(other, practitioner)
		c := e.client()
		if r := e.get(c, "/sign-in"); !strings.Contains(r.body, `href="/sign-in/forgot"`) || !strings.Contains(r.body, "Forgot your password?") {
			t.Fatalf("the sign-in page has no link to reset a password")
		}
		form := e.get(c, "/sign-in/forgot")
		if form.status != http.StatusOK || !strings.Contains(form.body, "Exit this page") || !strings.Contains(form.body, `autocomplete="username"`) {
			t.Fatalf("the forgotten-password form: %d\n%s", form.status, form.body)
		}
		// Validation: GOV.UK errors, what was typed kept.
		if r := e.post(c, "/sign-in/forgot", url.Values{}); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Enter your email address") {
			t.Errorf("no address: %d", r.status)
		}
		if r := e.post(c, "/sign-in/forgot", url.Values{"email": {"priya at home"}}); r.status != http.StatusUnprocessableEntity ||
			!strings.Contains(r.body, "Enter an email address in the correct format") || !strings.Contains(r.body, `value="priya at home"`) {
			t.Errorf("a malformed address: %d", r.status)
		}
		if n := len(e.resetMails()); n != 0 {
			t.Fatalf("%d emails for forms with errors", n)
		}

		// An unknown address and a real one: the same page, one email.
		// Each answer waits a quarter of a second from when the request
		// arrived, so that how long it took says nothing of which did more.
		began := time.Now()
		unknown := e.post(c, "/sign-in/forgot", url.Values{"email": {"nobody@cradle.example"}})
		tookUnknown, began := time.Since(began), time.Now()
		r := e.post(c, "/sign-in/forgot", url.Values{"email": {strings.ToUpper(practitioner)}})
		if took := time.Since(began); took < 250*time.Millisecond || tookUnknown < 250*time.Millisecond {
			t.Errorf("the answers came after %v (an unknown address) and %v (an account), want a quarter of a second or more each", tookUnknown, took)
		}
		if r.status != http.StatusOK || unknown.status != r.status || !strings.Contains(r.body, checkEmail) || !strings.Contains(unknown.body, checkEmail) ||
			!strings.Contains(r.body, "30 minutes") || !strings.Contains(r.body, "ask your administrator") {
			t.Fatalf("check your email: %d, unknown %d\n%s", r.status, unknown.status, r.body)
		}
		mails := e.resetMails()
		if len(mails) != 1 || mails[0].To != practitioner {
			t.Fatalf("reset emails: %+v", mails)
		}
		if strings.Contains(mails[0].Text+mails[0].Subject, "Priya") || strings.Contains(mails[0].Text, practitioner) {
			t.Errorf("the email says more than the link:\n%s", mails[0].Text)
		}
		link := resetPath(t, mails[0])
		token, _ := url.ParseQuery(strings.SplitN(link, "?", 2)[1])

		page := e.get(c, link)
		for _, want := range []string{`name="token" value="` + token.Get("token") + `"`, `autocomplete="username"`, `value="` + practitioner + `"`,
			`autocomplete="one-time-code"`, `autocomplete="new-password"`, "Exit this page"} {
			if page.status != http.StatusOK || !strings.Contains(page.body, want) {
				t.Errorf("the reset form (%d) lacks %s", page.status, want)
			}
		}
		good := "maple river cloud seven"
		post := func(code, pw string) resp {
			return e.post(c, "/sign-in/reset", url.Values{"token": {token.Get("token")}, "code": {code}, "password": {pw}, "confirm": {pw}})
		}
		// A wrong code is a failed sign-in; nothing typed is shown back.
		failures := e.auditCount("signin.failure")
		old, _ := credential.TOTPCode(secret, e.clock.Now().Add(-5*time.Minute))
		r = post(old, good)
		if r.status != http.StatusUnauthorized || !strings.Contains(r.body, "The security code is wrong or has expired") || strings.Contains(r.body, good) || strings.Contains(r.body, `value="`+old+`"`) {
			t.Errorf("a wrong code: %d\n%s", r.status, r.body)
		}
		if n := e.auditCount("signin.failure"); n != failures+1 {
			t.Errorf("signin.failure entries after a wrong code: %d, want %d", n, failures+1)
		}
		// The code the other session signed in with: refused, as at sign-in.
		used, _ := credential.TOTPCode(secret, e.clock.Now())
		if r := post(used, good); r.status != http.StatusUnauthorized || !strings.Contains(r.body, "already been used") {
			t.Errorf("a used code: %d", r.status)
		}
		// A weak password, with the right code: the rules' message.
		e.clock.Advance(31 * time.Second)
		code, _ := credential.TOTPCode(secret, e.clock.Now())
		if r := post(code, "short"); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "12 characters or more") || strings.Contains(r.body, `value="short"`) {
			t.Errorf("a short password: %d", r.status)
		}
		if r := post(code, demo.Password); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "different from your old password") {
			t.Errorf("the old password again: %d", r.status)
		}
		r = e.post(c, "/sign-in/reset", url.Values{"token": {token.Get("token")}, "code": {code}, "password": {good}, "confirm": {good + "x"}})
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Enter the same new password in both boxes") {
			t.Errorf("passwords that differ: %d", r.status)
		}
		// The right code and a good password.
		r = post(code, good)
		if r.status != http.StatusSeeOther || r.location != "/sign-in?reset=1" {
			t.Fatalf("the reset: %d %q\n%s", r.status, r.location, r.body)
		}
		if r := e.get(c, r.location); !strings.Contains(r.body, "Your password has been changed. Sign in with your new password.") {
			t.Errorf("no success banner on sign-in")
		}
		if r := e.get(other, "/home"); r.status != http.StatusSeeOther {
			t.Errorf("another session survived the reset: %d", r.status)
		}
		if n := e.auditCount("staff.password.reset"); n != 1 {
			t.Errorf("staff.password.reset entries: %d", n)
		}
		items, err := e.db.ClaimMail(context.Background(), e.clock.Now().Add(time.Hour), 1000, 24*time.Hour, nil)
		if err != nil {
			t.Fatal(err)
		}
		told := 0
		for _, it := range items {
			if it.Kind == "password_changed" && it.To == practitioner {
				told++
			}
		}
		if told != 1 {
			t.Errorf("password changed emails to the owner: %d, want 1", told)
		}
		// The link works once.
		if r := post(code, "another good passphrase"); r.status != http.StatusNotFound || !strings.Contains(r.body, "This link has expired or has been used") {
			t.Errorf("the link used again: %d", r.status)
		}
		if r := e.get(c, link); r.status != http.StatusNotFound || !strings.Contains(r.body, `href="/sign-in/forgot"`) {
			t.Errorf("the used link opened: %d", r.status)
		}
		// The old password no longer works; the new one does.
		if r := e.post(e.client(), "/sign-in", url.Values{"email": {practitioner}, "password": {demo.Password}}); r.status != http.StatusUnauthorized {
			t.Errorf("the old password: %d", r.status)
		}
		e.signInAs(e.client(), practitioner, good, secret)
	})
}

// TestPasswordResetRefusals: a disabled account, one still on an
// administrator's one-time password and an unknown address get the same
// page and no email; requests are limited per account and per address; a
// made-up or expired link gets the "expired or used" page.
func TestPasswordResetRefusals(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := audit.WithSource(context.Background(), audit.Source{Actor: "test"})
		hash, _ := credential.HashWith(testPasswordParams, "lantern-oyster-pebble-tadpole")
		secret, _, _ := credential.NewTOTPSecret("Cradle", "new@cradle.example")
		err := e.db.Update(ctx, func(tx *store.Tx) error {
			if _, err := tx.DisableStaff(manager); err != nil {
				return err
			}
			_, err := tx.CreateStaff(org.NewStaff{Email: "new@cradle.example", Name: "New Starter", Role: "practitioner", AreaName: "Blackpool"},
				store.StaffSecrets{PasswordHash: hash, TOTPSecret: secret, MustChange: true})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		c := e.client()
		ask := func(email string) {
			t.Helper()
			if r := e.post(c, "/sign-in/forgot", url.Values{"email": {email}}); r.status != http.StatusOK || !strings.Contains(r.body, checkEmail) {
				t.Fatalf("asking for %s: %d", email, r.status)
			}
		}
		for _, email := range []string{manager, "new@cradle.example", "nobody@cradle.example"} {
			ask(email)
		}
		if n := len(e.resetMails()); n != 0 {
			t.Errorf("%d emails for a disabled, a not yet enrolled and an unknown account", n)
		}
		// Per account: one email every five minutes.
		ask(practitioner)
		ask(practitioner)
		if n := len(e.resetMails()); n != 1 {
			t.Errorf("two requests at once: %d emails, want 1", n)
		}
		// The link expires after 30 minutes.
		e.clock.Advance(6 * time.Minute)
		ask(practitioner)
		mails := e.resetMails()
		if len(mails) != 1 {
			t.Fatalf("a request after five minutes: %d emails, want 1", len(mails))
		}
		e.clock.Advance(31 * time.Minute)
		if r := e.get(c, resetPath(t, mails[0])); r.status != http.StatusNotFound || !strings.Contains(r.body, "This link has expired or has been used") {
			t.Errorf("an expired link: %d", r.status)
		}
		for _, p := range []string{"/sign-in/reset", "/sign-in/reset?token=made-up"} {
			if r := e.get(c, p); r.status != http.StatusNotFound || !strings.Contains(r.body, "Exit this page") {
				t.Errorf("%s: %d", p, r.status)
			}
		}
		if r := e.post(c, "/sign-in/reset", url.Values{"token": {"made-up"}, "code": {"123456"}}); r.status != http.StatusNotFound {
			t.Errorf("posting a made-up link: %d", r.status)
		}
		// Per address: after ten requests an hour, nothing more is sent,
		// and the page is the same.
		for range 4 {
			ask("nobody@cradle.example")
		}
		ask(admin)
		if n := len(e.resetMails()); n != 0 {
			t.Errorf("an eleventh request from one address: %d emails, want none", n)
		}
		e.clock.Advance(time.Hour)
		ask(admin)
		if n := len(e.resetMails()); n != 1 {
			t.Errorf("a request an hour later: %d emails, want 1", n)
		}
	})
}
