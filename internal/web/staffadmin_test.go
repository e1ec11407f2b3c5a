package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/credential"
	"github.com/cradle-org/cradle/internal/mail/smtptest"
)

// TestStaffAdmin: an administrator adds a member of staff (every problem
// shown at once, with what was typed), is shown their sign-in details once,
// and the new person signs in with them; an account is disabled and enabled
// again, and given new sign-in details (the old ones stop working); an
// administrator cannot change their own account here.
func TestStaffAdmin(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		smtp := smtptest.Start(t)
		ac := e.client()
		e.signIn(ac, admin)
		list := e.get(ac, "/admin/staff")
		if list.status != 200 || !strings.Contains(list.body, "Priya Shah") || !strings.Contains(list.body, "Your account") {
			t.Fatalf("the staff page (%d) does not list the accounts", list.status)
		}
		form := e.get(ac, "/admin/staff/new")
		token := csrfFrom(t, form.body)
		bad := e.post(ac, "/admin/staff", url.Values{"csrf_token": {token}, "name": {"Nadia Bell"}, "email": {"nadia at example"}, "area": {"Blackpool"}})
		summary := between(bad.body, "govuk-error-summary__list", "</ul>")
		if bad.status != http.StatusUnprocessableEntity || !strings.Contains(summary, "#email") || strings.Index(summary, "#role") < strings.Index(summary, "#email") ||
			!strings.Contains(bad.body, `value="Nadia Bell"`) {
			t.Errorf("a bad account: %d %q", bad.status, summary)
		}
		if dup := e.post(ac, "/admin/staff", url.Values{"csrf_token": {token}, "name": {"Priya Again"}, "email": {practitioner}, "role": {"practitioner"},
			"area": {"Blackpool"}}); dup.status != http.StatusUnprocessableEntity || !strings.Contains(dup.body, "There is already an account with that email address") {
			t.Errorf("a second account for one address: %d", dup.status)
		}
		made := e.post(ac, "/admin/staff", url.Values{"csrf_token": {token}, "name": {"Nadia Bell"}, "email": {"Nadia.Bell@cradle.example"}, "role": {"practitioner"},
			"area": {"Blackpool"}, "title": {"Therapeutic practitioner"}})
		if made.status != 200 || !strings.Contains(made.body, "Account created") {
			t.Fatalf("creating the account: %d\n%s", made.status, between(made.body, "govuk-error-summary", "</div>"))
		}
		tokens := regexp.MustCompile(`<strong class="app-token">([^<]+)</strong>`).FindAllStringSubmatch(made.body, -1)
		if len(tokens) != 2 {
			t.Fatalf("the account's page shows %d secrets, want the password and the authenticator's", len(tokens))
		}
		password, secret := tokens[0][1], tokens[1][1]
		if !strings.Contains(made.body, `<img src="data:image/png;base64,`) {
			t.Error("the account's page has no QR code of the authenticator link")
		}
		nadia, err := e.db.StaffByEmail(ctx, "nadia.bell@cradle.example")
		if err != nil || nadia.Role != "practitioner" || !nadia.MustChangePassword || nadia.AreaNames() != "Blackpool" {
			t.Fatalf("the new account: %+v (%v)", nadia, err)
		}
		// She signs in with what she was given, and must choose a password.
		nc := e.client()
		e.clock.Advance(31 * time.Second)
		if r := e.post(nc, "/sign-in", url.Values{"email": {"nadia.bell@cradle.example"}, "password": {password}}); r.status != http.StatusSeeOther || !strings.HasPrefix(r.location, "/sign-in/code") {
			t.Fatalf("Nadia's password: %d %s", r.status, r.location)
		}
		page := e.get(nc, "/sign-in/code")
		code, _ := credential.TOTPCode(secret, e.clock.Now())
		if r := e.post(nc, "/sign-in/code", url.Values{"code": {code}, "csrf_token": {csrfFrom(t, page.body)}, "next": {"/home"}}); r.status != http.StatusSeeOther {
			t.Fatalf("Nadia's code: %d %s", r.status, r.location)
		}
		// Disabled: her session ends and the list says so; enabled again.
		row := func() string {
			return between(e.get(ac, "/admin/staff").body, `id="staff-`+itoa(nadia.ID)+`"`, "</tr>")
		}
		if r := e.post(ac, "/admin/staff/"+itoa(nadia.ID)+"/disable", url.Values{"csrf_token": {token}}); r.status != http.StatusSeeOther {
			t.Fatalf("disabling: %d", r.status)
		}
		if !strings.Contains(row(), "Disabled") {
			t.Error("the list does not show the account disabled")
		}
		if r := e.get(nc, "/home"); r.status != http.StatusSeeOther || !strings.HasPrefix(r.location, "/sign-in") {
			t.Errorf("a disabled account's session still works: %d", r.status)
		}
		if r := e.post(ac, "/admin/staff/"+itoa(nadia.ID)+"/enable", url.Values{"csrf_token": {token}}); r.status != http.StatusSeeOther || !strings.Contains(row(), "Active") {
			t.Errorf("enabling: %d", r.status)
		}
		// New sign-in details: the old password no longer works.
		reset := e.post(ac, "/admin/staff/"+itoa(nadia.ID)+"/reset", url.Values{"csrf_token": {token}})
		if reset.status != 200 || !strings.Contains(reset.body, "New sign-in details") || strings.Contains(reset.body, password) {
			t.Fatalf("new sign-in details: %d", reset.status)
		}
		after, _ := e.db.StaffByEmail(ctx, "nadia.bell@cradle.example")
		if ok, _, _ := credential.Verify(after.PasswordHash, password); ok || after.TOTPSecret == secret {
			t.Error("the old password or authenticator secret still works after new details were given")
		}
		// Nadia is told (whoever asked), with none of the new details.
		told := false
		for _, m := range deliver(t, e, smtp) {
			if m.To[0] == "nadia.bell@cradle.example" && strings.Contains(string(m.Data), "Your Cradle sign-in details were reset") {
				told = true
				pw := between(between(reset.body, "One-time password", "</dd>"), `<strong class="app-token">`, "</strong>")
				if pw == "" || strings.Contains(string(m.Data), pw) {
					t.Errorf("the email holds the new one-time password (%q), or it was not found on the page", pw)
				}
			}
		}
		if !told {
			t.Error("the account's owner was not emailed about the reset")
		}
		// Not one's own account.
		me, _ := e.db.StaffByEmail(ctx, admin)
		if r := e.post(ac, "/admin/staff/"+itoa(me.ID)+"/disable", url.Values{"csrf_token": {token}}); r.status != http.StatusBadRequest ||
			!strings.Contains(r.body, "You cannot change your own account here") {
			t.Errorf("disabling one's own account: %d", r.status)
		}
	})
}
