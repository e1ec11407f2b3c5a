package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/audit"
	"github.com/cradle-org/cradle/internal/credential"
	"github.com/cradle-org/cradle/internal/demo"
	"github.com/cradle-org/cradle/internal/mail/smtptest"
	"github.com/cradle-org/cradle/internal/org"
	"github.com/cradle-org/cradle/internal/store"
)

// TestStaffChangeTheirOwnPassword: a member of staff sees their account and
// changes their password, knowing the current one. Mistakes are named
// (the passwords typed are never shown again), a wrong current password
// counts as a failed sign-in, and once it is changed every other session
// of theirs has ended, this one goes on, they are emailed, the new
// password signs in and the old one does not.
func TestStaffChangeTheirOwnPassword(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		smtp := smtptest.Start(t)
		const fresh = "copper kettle hillside morning"
		here, elsewhere := e.client(), e.client()
		e.signIn(here, practitioner)
		e.signIn(elsewhere, practitioner)

		acct := e.get(here, "/account")
		for _, want := range []string{"Your account", "Priya Shah", practitioner, "Therapeutic practitioner", `href="/account/password"`} {
			if acct.status != http.StatusOK || !strings.Contains(acct.body, want) {
				t.Errorf("the account page (%d) lacks %q", acct.status, want)
			}
		}
		if strings.Contains(acct.body, "/account/public-listing") {
			t.Error("a practitioner's account page offers the DSLs' public listing")
		}
		if home := e.get(here, "/home"); !strings.Contains(home.body, `href="/account"`) {
			t.Error("the header does not link to the account")
		}
		token := csrfFrom(t, e.get(here, "/account/password").body)
		post := func(current, pw, confirm string) resp {
			return e.post(here, "/account/password", url.Values{"csrf_token": {token}, "current": {current}, "password": {pw}, "confirm": {confirm}})
		}
		for _, tc := range []struct {
			name, current, pw, confirm string
			want                       []string
		}{
			{"nothing", "", "", "", []string{"Enter your current password", "Enter a new password"}},
			{"wrong current", "not my password at all", fresh, fresh, []string{"Your current password is not right"}},
			{"short", demo.Password, "short", "short", []string{"12 characters"}},
			{"same", demo.Password, demo.Password, demo.Password, []string{"must be different from your current password"}},
			{"not confirmed", demo.Password, fresh, fresh + "x", []string{"Enter the same new password in both boxes"}},
		} {
			r := post(tc.current, tc.pw, tc.confirm)
			if r.status != http.StatusUnprocessableEntity {
				t.Errorf("%s: %d, want 422", tc.name, r.status)
			}
			for _, w := range tc.want {
				if !strings.Contains(r.body, w) {
					t.Errorf("%s: the page does not say %q", tc.name, w)
				}
			}
			for _, typed := range []string{tc.current, tc.pw} {
				if len(typed) > 4 && strings.Contains(r.body, `value="`+typed) {
					t.Errorf("%s: a password typed is shown again", tc.name)
				}
			}
		}
		if failures, _, err := e.db.SigninFailures(context.Background(), practitioner, "", e.clock.Now().Add(-time.Hour)); err != nil || failures != 1 {
			t.Errorf("failed sign-ins recorded for the wrong current password: %d (%v), want 1", failures, err)
		}

		r := post(demo.Password, fresh, fresh)
		if r.status != http.StatusSeeOther || r.location != "/account?changed=1&ended=1" {
			t.Fatalf("changing the password: %d %s\n%s", r.status, r.location, r.body)
		}
		if p := e.get(here, r.location); p.status != http.StatusOK || !strings.Contains(p.body, "Your password has been changed") ||
			!strings.Contains(p.body, "signed out everywhere else") {
			t.Errorf("after the change (%d), this session is not on the account page with the news", p.status)
		}
		if p := e.get(elsewhere, "/home"); p.status != http.StatusSeeOther || !strings.HasPrefix(p.location, "/sign-in") {
			t.Errorf("the other session goes on: %d %s", p.status, p.location)
		}
		msgs := deliver(t, e, smtp)
		if len(msgs) != 1 || msgs[0].To[0] != practitioner || !strings.Contains(string(msgs[0].Data), "Your Cradle password was changed") ||
			strings.Contains(string(msgs[0].Data), fresh) {
			t.Errorf("the email: %+v", msgs)
		}
		if es, err := e.db.AuditEntries(context.Background(), store.AuditFilter{Actions: []string{"staff.password.change"}}); err != nil || len(es) != 1 ||
			!strings.Contains(es[0].Detail, "other sessions ended: 1") {
			t.Errorf("audit entries for the change: %+v (%v), want one", es, err)
		}

		// The old password no longer signs in; the new one does.
		e.clock.Advance(31 * time.Second)
		if old := e.post(e.client(), "/sign-in", url.Values{"email": {practitioner}, "password": {demo.Password}}); old.status != http.StatusUnauthorized {
			t.Errorf("the old password: %d", old.status)
		}
		e.signInAs(e.client(), practitioner, fresh, cred(practitioner).TOTPSecret)
	})
}

// TestStaffSeeAndEndTheirSessions: the account page lists where the member
// of staff is signed in (this browser first, a password entered without
// its code marked) and signs them out everywhere else.
func TestStaffSeeAndEndTheirSessions(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		here, elsewhere, half := e.client(), e.client(), e.client()
		e.signIn(here, practitioner)
		e.signIn(elsewhere, practitioner)
		e.clock.Advance(31 * time.Second)
		if r := e.post(half, "/sign-in", url.Values{"email": {practitioner}, "password": {demo.Password}}); r.status != http.StatusSeeOther {
			t.Fatalf("the password step: %d", r.status)
		}
		other := e.client()
		e.signIn(other, manager)

		acct := e.get(here, "/account")
		table := between(acct.body, "Where you are signed in", "</table>")
		if n := strings.Count(table, `<tr class="govuk-table__row">`) - 1; n != 3 {
			t.Errorf("%d sessions listed, want 3 (this one, another, a password without its code):\n%s", n, table)
		}
		if strings.Count(table, "This browser") != 1 || strings.Count(table, "Security code not entered") != 1 {
			t.Errorf("the sessions are not told apart:\n%s", table)
		}
		if i, j := strings.Index(table, "This browser"), strings.Index(table, "<tbody"); i < j || strings.Index(table[j:], "</tr>") < i-j {
			t.Errorf("this browser is not listed first:\n%s", table)
		}
		r := e.post(here, "/account/sessions/end", url.Values{"csrf_token": {csrfFrom(t, acct.body)}})
		if r.status != http.StatusSeeOther || r.location != "/account?signed_out=1" {
			t.Fatalf("ending the other sessions: %d %s", r.status, r.location)
		}
		after := e.get(here, r.location)
		if !strings.Contains(after.body, "You have been signed out everywhere else") || !strings.Contains(after.body, "You are not signed in anywhere else") {
			t.Errorf("after ending them, the page says:\n%s", between(after.body, "<main", "</main>"))
		}
		if p := e.get(elsewhere, "/home"); p.status != http.StatusSeeOther {
			t.Errorf("the other session goes on: %d", p.status)
		}
		if p := e.get(other, "/home"); p.status != http.StatusOK {
			t.Errorf("someone else's session ended: %d", p.status)
		}
		if es, err := e.db.AuditEntries(context.Background(), store.AuditFilter{Actions: []string{"staff.sessions.end"}}); err != nil || len(es) != 1 ||
			!strings.Contains(es[0].Detail, "other sessions ended: 2") {
			t.Errorf("audit entries for ending them: %+v (%v), want one", es, err)
		}
	})
}

// TestOneTimePasswordExpires: a one-time password signs in for seven days;
// after that the account's owner (who knows it) is told to ask for new
// sign-in details, and new ones work again.
func TestOneTimePasswordExpires(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := audit.WithSource(context.Background(), audit.Source{Actor: "test"})
		const once = "lantern-oyster-pebble-tadpole"
		hash, _ := credential.HashWith(testPasswordParams, once)
		secret, _, _ := credential.NewTOTPSecret("Cradle", "new@cradle.example")
		var id int64
		err := e.db.Update(ctx, func(tx *store.Tx) error {
			st, err := tx.CreateStaff(org.NewStaff{Email: "new@cradle.example", Name: "New Starter", Role: "practitioner", AreaName: "Blackpool"},
				store.StaffSecrets{PasswordHash: hash, TOTPSecret: secret, MustChange: true})
			id = st.ID
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		signIn := func() resp {
			return e.post(e.client(), "/sign-in", url.Values{"email": {"new@cradle.example"}, "password": {once}})
		}
		e.clock.Advance(6 * 24 * time.Hour)
		if r := signIn(); r.status != http.StatusSeeOther {
			t.Errorf("six days on: %d, want the code step", r.status)
		}
		e.clock.Advance(24*time.Hour + time.Minute)
		r := signIn()
		if r.status != http.StatusUnauthorized || !strings.Contains(r.body, "Your one-time password has expired. Ask your administrator for new sign-in details") {
			t.Errorf("seven days and a minute on: %d", r.status)
		}
		if wrong := e.post(e.client(), "/sign-in", url.Values{"email": {"new@cradle.example"}, "password": {"not the password at all"}}); strings.Contains(wrong.body, "expired") {
			t.Error("a wrong password is told the account's password has expired")
		}
		if es, err := e.db.AuditEntries(ctx, store.AuditFilter{Actions: []string{"signin.expired"}}); err != nil || len(es) != 1 || es[0].RecordID != id {
			t.Errorf("audit entries for the expired password: %+v (%v)", es, err)
		}
		// New details from an administrator start a new seven days.
		adminStaff, _ := e.db.StaffByEmail(ctx, admin)
		if _, err := e.db.ResetStaffSecrets(ctx, adminStaff.Actor(), id, store.StaffSecrets{PasswordHash: hash, TOTPSecret: secret, MustChange: true}, nil); err != nil {
			t.Fatal(err)
		}
		if r := signIn(); r.status != http.StatusSeeOther {
			t.Errorf("after a reset: %d, want the code step", r.status)
		}
	})
}

// TestReusedCodeTellsTheOwner: a security code given again, after the right
// password, is refused as a failed sign-in and the account's owner is
// emailed, since whoever typed it knows their password. The email carries
// no code and no password.
func TestReusedCodeTellsTheOwner(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		smtp := smtptest.Start(t)
		e.signIn(e.client(), practitioner)
		code, err := credential.TOTPCode(cred(practitioner).TOTPSecret, e.clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		c := e.client()
		if r := e.post(c, "/sign-in", url.Values{"email": {practitioner}, "password": {demo.Password}}); r.status != http.StatusSeeOther {
			t.Fatalf("password step: %d", r.status)
		}
		r := e.post(c, "/sign-in/code", url.Values{"code": {code}, "csrf_token": {csrfFrom(t, e.get(c, "/sign-in/code").body)}})
		if r.status != http.StatusUnauthorized || !strings.Contains(r.body, "already been used") || !strings.Contains(r.body, `value="`+code+`"`) {
			t.Errorf("the code again: %d\n%s", r.status, r.body)
		}
		if failures, _, err := e.db.SigninFailures(context.Background(), practitioner, "", e.clock.Now().Add(-time.Hour)); err != nil || failures != 1 {
			t.Errorf("failed sign-ins recorded: %d (%v), want 1", failures, err)
		}
		msgs := deliver(t, e, smtp)
		if len(msgs) != 1 || msgs[0].To[0] != practitioner {
			t.Fatalf("emails: %+v, want one to the owner", msgs)
		}
		body := msgs[0].Body
		if !strings.Contains(string(msgs[0].Data), "Subject: A security code for your Cradle account was used again") {
			t.Errorf("the email's subject:\n%s", msgs[0].Data)
		}
		for _, want := range []string{"a security code that had already been used", "not let in", "change it straight away"} {
			if !strings.Contains(body, want) {
				t.Errorf("the email does not say %q:\n%s", want, body)
			}
		}
		if strings.Contains(body, code) || strings.Contains(body, demo.Password) {
			t.Errorf("the email carries the code or the password:\n%s", body)
		}
		if es, err := e.db.AuditEntries(context.Background(), store.AuditFilter{Actions: []string{"signin.failure"}}); err != nil || len(es) != 1 ||
			!strings.Contains(es[0].Detail, "security code reused") {
			t.Errorf("audit entries: %+v (%v)", es, err)
		}
		// A wrong code, not a used one, is a failed sign-in and nothing more.
		stale, _ := credential.TOTPCode(cred(practitioner).TOTPSecret, e.clock.Now().Add(-10*time.Minute))
		r = e.post(c, "/sign-in/code", url.Values{"code": {stale}, "csrf_token": {csrfFrom(t, e.get(c, "/sign-in/code").body)}})
		if r.status != http.StatusUnauthorized || !strings.Contains(r.body, "wrong or has expired") {
			t.Errorf("a wrong code: %d", r.status)
		}
		if msgs := deliver(t, e, smtp); len(msgs) != 1 {
			t.Errorf("after a wrong code %d emails in all, want the one", len(msgs))
		}
	})
}

// TestPasswordNoLongerMeetingTheRulesIsRenewed: the rules and the list of
// common passwords may grow after a password is set. A right password that
// fails them now signs in only as far as choosing a new one; once chosen,
// the member of staff's other sessions end and they are emailed, as after
// any change of password.
func TestPasswordNoLongerMeetingTheRulesIsRenewed(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		smtp := smtptest.Start(t)
		ctx := audit.WithSource(context.Background(), audit.Source{Actor: "test"})
		const weak, email = "password1234", "weak@cradle.example"
		const fresh = "walnut harbour evening drizzle"
		hash, _ := credential.HashWith(testPasswordParams, weak)
		secret, _, _ := credential.NewTOTPSecret("Cradle", email)
		var id int64
		err := e.db.Update(ctx, func(tx *store.Tx) error {
			st, err := tx.CreateStaff(org.NewStaff{Email: email, Name: "Wendy Ashford", Role: "practitioner", AreaName: "Blackpool"},
				store.StaffSecrets{PasswordHash: hash, TOTPSecret: secret})
			if err != nil {
				return err
			}
			id = st.ID
			// Signed in elsewhere before the list caught up with the password.
			return tx.CreateSession("elsewhere", id, store.StageActive, "csrf", "192.0.2.9", "test")
		})
		if err != nil {
			t.Fatal(err)
		}
		e.clock.Advance(31 * time.Second)
		c := e.client()
		if r := e.post(c, "/sign-in", url.Values{"email": {email}, "password": {weak}}); r.status != http.StatusSeeOther || !strings.HasPrefix(r.location, "/sign-in/code") {
			t.Fatalf("password step: %d %s", r.status, r.location)
		}
		code, _ := credential.TOTPCode(secret, e.clock.Now())
		r := e.post(c, "/sign-in/code", url.Values{"code": {code}, "csrf_token": {csrfFrom(t, e.get(c, "/sign-in/code").body)}, "next": {"/caseload"}})
		if r.status != http.StatusSeeOther || r.location != "/sign-in/new-password" {
			t.Fatalf("code step: %d %s, want the new password", r.status, r.location)
		}
		if home := e.get(c, "/caseload"); home.status != http.StatusSeeOther || home.location != "/sign-in/new-password" {
			t.Errorf("Cradle before a new password: %d %s", home.status, home.location)
		}
		page := e.get(c, "/sign-in/new-password")
		if !strings.Contains(page.body, "no longer meets Cradle") || strings.Contains(page.body, "one-time password") {
			t.Errorf("the new-password page does not say why:\n%s", page.body)
		}
		token := csrfFrom(t, page.body)
		same := e.post(c, "/sign-in/new-password", url.Values{"csrf_token": {token}, "password": {weak}, "confirm": {weak}})
		if same.status != http.StatusUnprocessableEntity || !strings.Contains(same.body, "too common") || !strings.Contains(same.body, "no longer meets") {
			t.Errorf("the same password again: %d", same.status)
		}
		r = e.post(c, "/sign-in/new-password", url.Values{"csrf_token": {token}, "password": {fresh}, "confirm": {fresh}})
		if r.status != http.StatusSeeOther || r.location != "/home" {
			t.Fatalf("a new password: %d %s\n%s", r.status, r.location, r.body)
		}
		if home := e.get(c, "/home"); home.status != http.StatusOK {
			t.Errorf("home after the new password: %d", home.status)
		}
		if _, _, err := e.db.SessionUser(ctx, "elsewhere"); err == nil {
			t.Error("the session signed in elsewhere with the old password goes on")
		}
		msgs := deliver(t, e, smtp)
		if len(msgs) != 1 || msgs[0].To[0] != email || !strings.Contains(string(msgs[0].Data), "Your Cradle password was changed") ||
			strings.Contains(msgs[0].Body, fresh) || strings.Contains(msgs[0].Body, weak) {
			t.Errorf("the email: %+v", msgs)
		}
		for action, detail := range map[string]string{"signin.renew": "no longer meets the rules", "staff.password.change": "other sessions ended: 1"} {
			if es, err := e.db.AuditEntries(ctx, store.AuditFilter{Actions: []string{action}}); err != nil || len(es) != 1 || es[0].RecordID != id ||
				!strings.Contains(es[0].Detail, detail) {
				t.Errorf("audit entries %s: %+v (%v)", action, es, err)
			}
		}
		// The new password signs in straight to Cradle.
		e.signInAs(e.client(), email, fresh, secret)
	})
}

// TestSignInRehashesWithTheCurrentCosts: a right password stored with other
// hashing costs is stored again with the server's own at sign-in, the one
// time it is in hand; when it was set does not change.
func TestSignInRehashesWithTheCurrentCosts(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := audit.WithSource(context.Background(), audit.Source{Actor: "test"})
		const pw, email = "quartz meadow lantern fig", "older@cradle.example"
		older := testPasswordParams
		older.Iterations++
		hash, _ := credential.HashWith(older, pw)
		secret, _, _ := credential.NewTOTPSecret("Cradle", email)
		err := e.db.Update(ctx, func(tx *store.Tx) error {
			_, err := tx.CreateStaff(org.NewStaff{Email: email, Name: "Olive Dent", Role: "practitioner", AreaName: "Blackpool"},
				store.StaffSecrets{PasswordHash: hash, TOTPSecret: secret})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		before, _ := e.db.StaffByEmail(ctx, email)
		e.signInAs(e.client(), email, pw, secret)
		after, _ := e.db.StaffByEmail(ctx, email)
		if after.PasswordHash == before.PasswordHash {
			t.Fatal("the hash was not made again")
		}
		if ok, rehash, err := credential.VerifyWith(testPasswordParams, after.PasswordHash, pw); !ok || rehash || err != nil {
			t.Errorf("the new hash: %v %v %v", ok, rehash, err)
		}
		if !after.PasswordSetAt.Equal(before.PasswordSetAt) || after.MustChangePassword {
			t.Errorf("when the password was set moved: %v → %v", before.PasswordSetAt, after.PasswordSetAt)
		}
		if es, err := e.db.AuditEntries(ctx, store.AuditFilter{Actions: []string{"staff.password.rehash"}}); err != nil || len(es) != 1 {
			t.Errorf("audit entries for the rehash: %+v (%v)", es, err)
		}
		// Already at the current costs: nothing to do the next time.
		e.signInAs(e.client(), email, pw, secret)
		if again, _ := e.db.StaffByEmail(ctx, email); again.PasswordHash != after.PasswordHash {
			t.Error("a hash at the current costs was made again")
		}
	})
}

// TestStaffSetUpANewAuthenticator: a member of staff moving to a new phone
// sets up a new authenticator app from their account, with their password
// and a code from the new app. Until then nothing changes; mistakes are
// named, the key shown stays the same (they may have added it already), and
// a set-up from another session or too old starts again with a new key.
// Then the old app's codes stop working, their other sessions end and they
// are emailed.
func TestStaffSetUpANewAuthenticator(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		smtp := smtptest.Start(t)
		ctx := context.Background()
		here, elsewhere := e.client(), e.client()
		e.signIn(here, practitioner)
		e.signIn(elsewhere, practitioner)
		if acct := e.get(here, "/account"); !strings.Contains(acct.body, `href="/account/authenticator"`) {
			t.Error("the account page does not offer a new authenticator")
		}
		keyRE := regexp.MustCompile(`id="setup-key">([A-Z2-7 ]+)<`)
		pendingRE := regexp.MustCompile(`name="pending" value="([^"]+)"`)
		open := func(c *http.Client) (key, pending, token string) {
			t.Helper()
			p := e.get(c, "/account/authenticator")
			k, pd := keyRE.FindStringSubmatch(p.body), pendingRE.FindStringSubmatch(p.body)
			if p.status != http.StatusOK || k == nil || pd == nil || !strings.Contains(p.body, `src="data:image/png;base64,`) {
				t.Fatalf("the set-up page (%d) lacks its key, QR code or sealed key:\n%s", p.status, p.body)
			}
			return strings.ReplaceAll(k[1], " ", ""), pd[1], csrfFrom(t, p.body)
		}
		key, pending, token := open(here)
		post := func(pending, password, code string) resp {
			return e.post(here, "/account/authenticator", url.Values{"csrf_token": {token}, "pending": {pending}, "password": {password}, "code": {code}})
		}
		shown := func(r resp) string {
			if k := keyRE.FindStringSubmatch(r.body); k != nil {
				return strings.ReplaceAll(k[1], " ", "")
			}
			return ""
		}
		now := func(secret string) string {
			code, err := credential.TOTPCode(secret, e.clock.Now())
			if err != nil {
				t.Fatal(err)
			}
			return code
		}
		oldSecret := cred(practitioner).TOTPSecret
		for _, tc := range []struct {
			name, password, code string
			want                 []string
		}{
			{"nothing", "", "", []string{"Enter your password", "Enter the 6-digit security code your new authenticator app shows"}},
			{"wrong password", "not my password at all", now(key), []string{"Your password is not right"}},
			{"the old app's code", demo.Password, now(oldSecret), []string{"The security code is wrong or has expired"}},
			{"not a code", demo.Password, "12ab", []string{"Enter the security code as 6 numbers"}},
		} {
			r := post(pending, tc.password, tc.code)
			if r.status != http.StatusUnprocessableEntity || shown(r) != key {
				t.Errorf("%s: %d, key shown %q, want 422 and the same key", tc.name, r.status, shown(r))
			}
			for _, w := range tc.want {
				if !strings.Contains(r.body, w) {
					t.Errorf("%s: the page does not say %q", tc.name, w)
				}
			}
			if strings.Contains(r.body, `value="`+tc.password) && tc.password != "" {
				t.Errorf("%s: the password typed is shown again", tc.name)
			}
		}
		if failures, _, err := e.db.SigninFailures(ctx, practitioner, "", e.clock.Now().Add(-time.Hour)); err != nil || failures != 1 {
			t.Errorf("failed sign-ins for the wrong password: %d (%v), want 1", failures, err)
		}
		// A set-up from another session, or altered, starts again with a new key.
		_, theirs, _ := open(elsewhere)
		for name, p := range map[string]string{"another session's": theirs, "altered": pending[:len(pending)-2] + "AA", "none": ""} {
			r := post(p, demo.Password, now(key))
			if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "has expired") || shown(r) == key || shown(r) == "" {
				t.Errorf("%s set-up: %d, key shown %q", name, r.status, shown(r))
			}
		}
		// One left too long (the session kept alive meanwhile).
		e.clock.Advance(20 * time.Minute)
		e.get(here, "/home")
		e.get(elsewhere, "/home")
		e.clock.Advance(11 * time.Minute)
		if r := post(pending, demo.Password, now(key)); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "has expired") {
			t.Errorf("a set-up 31 minutes old: %d", r.status)
		}
		key, pending, token = open(here)
		r := post(pending, demo.Password, now(key))
		if r.status != http.StatusSeeOther || r.location != "/account?authenticator=1&ended=1" {
			t.Fatalf("the right password and code: %d %s\n%s", r.status, r.location, r.body)
		}
		if p := e.get(here, r.location); !strings.Contains(p.body, "Your new authenticator app is set up") {
			t.Error("the account page does not say the app was set up")
		}
		if p := e.get(elsewhere, "/home"); p.status != http.StatusSeeOther {
			t.Errorf("the other session goes on: %d", p.status)
		}
		msgs := deliver(t, e, smtp)
		if len(msgs) != 1 || msgs[0].To[0] != practitioner || !strings.Contains(string(msgs[0].Data), "Your Cradle authenticator app was changed") ||
			strings.Contains(msgs[0].Body, key) {
			t.Errorf("the email: %+v", msgs)
		}
		if es, err := e.db.AuditEntries(ctx, store.AuditFilter{Actions: []string{"staff.totp.change"}}); err != nil || len(es) != 1 ||
			!strings.Contains(es[0].Detail, "other sessions ended: 1") {
			t.Errorf("audit entries: %+v (%v)", es, err)
		}
		// The old app no longer signs in; the new one does.
		e.clock.Advance(31 * time.Second)
		c := e.client()
		e.post(c, "/sign-in", url.Values{"email": {practitioner}, "password": {demo.Password}})
		old := e.post(c, "/sign-in/code", url.Values{"code": {now(oldSecret)}, "csrf_token": {csrfFrom(t, e.get(c, "/sign-in/code").body)}})
		if old.status != http.StatusUnauthorized {
			t.Errorf("the old app's code: %d", old.status)
		}
		e.signInWith(e.client(), practitioner, key)
	})
}
