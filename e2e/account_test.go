package e2e

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/audit"
	"github.com/cradle-org/cradle/internal/credential"
	"github.com/cradle-org/cradle/internal/seal"
	"github.com/cradle-org/cradle/internal/store"
)

// TestBrowserOwnPassword: a member of staff follows "Your account" from the
// header and changes their password; a mistake is shown in the error
// summary (focus moved to it, its link leading to the field), then the
// change is confirmed. Both pages, and the error state, pass axe-core.
func TestBrowserOwnPassword(t *testing.T) {
	t.Parallel()
	_, tab := browseDemo(t, 2*time.Minute)
	c := credentialFor(t, "tom.elliott@cradle.example")
	tab.signInChecked(t, c)
	tab.click(t, `.app-user-bar a[href="/account"]`)
	tab.mustBeAt(t, "/account")
	tab.mustSee(t, "account", "Your account", "Tom Elliott", "tom.elliott@cradle.example", "Therapeutic practitioner")
	tab.pageChecks(t, "account")
	tab.click(t, `main a[href="/account/password"]`)
	tab.mustBeAt(t, "/account/password")
	tab.pageChecks(t, "account-password")

	// The strength meter under the new password follows what is typed
	// (announced once typing pauses), and the rules the server applies.
	for _, tc := range []struct{ typed, want string }{
		{"kettle", "Password strength: Too short 6 of at least 12 characters."},
		{"aaaaaaaaaaaaaaaa", "Password strength: Too repetitive"},
		{"kettle hill1", "Password strength: Fair"},
		{"copper kettle hillside morning", "Password strength: Strong"},
	} {
		tab.fill(t, "#password", tc.typed)
		got := ""
		for end := time.Now().Add(5 * time.Second); time.Now().Before(end) && !strings.HasPrefix(got, tc.want); time.Sleep(50 * time.Millisecond) {
			got = tab.eval(t, `(() => { const m = document.getElementById('password-strength'); return m ? m.textContent : ''; })()`)
		}
		if !strings.HasPrefix(got, tc.want) {
			t.Errorf("the strength meter for %q reads %q, want %q", tc.typed, got, tc.want)
		}
	}
	// A screen reader is told once typing pauses, in a live region.
	said := ""
	for end := time.Now().Add(5 * time.Second); time.Now().Before(end) && !strings.Contains(said, "Strong"); time.Sleep(50 * time.Millisecond) {
		said = tab.eval(t, `(() => { const l = document.querySelector('#password-strength + [aria-live="polite"]'); return l ? l.textContent : ''; })()`)
	}
	if !strings.HasPrefix(said, "Password strength: Strong") {
		t.Errorf("the strength meter's live region says %q, want the strength once typing pauses", said)
	}
	if d := tab.eval(t, `document.getElementById('password').getAttribute('aria-describedby')`); !strings.Contains(d, "password-strength") {
		t.Errorf("the new password's box is not described by its strength meter: %q", d)
	}
	tab.pageChecks(t, "account-password-strength")
	tab.screenshot(t, "account-password-strength")

	tab.fill(t, "#current", c.Password)
	tab.fill(t, "#password", "copper kettle hillside morning")
	tab.fill(t, "#confirm", "copper kettle hillside evening")
	tab.click(t, `form[action="/account/password"] button[type="submit"]`)
	tab.mustSee(t, "password error", "There is a problem", "Enter the same new password in both boxes")
	tab.errorState(t, "account-password-error", "#confirm")
	tab.errorLinksResolve(t, "account-password-error")
	tab.pageChecks(t, "account-password-error")
	if v := tab.eval(t, `document.getElementById('current').value + document.getElementById('password').value`); v != "" {
		t.Error("the passwords typed are shown again")
	}
	tab.screenshot(t, "account-password-error")

	tab.fill(t, "#current", c.Password)
	tab.fill(t, "#password", "copper kettle hillside morning")
	tab.fill(t, "#confirm", "copper kettle hillside morning")
	tab.click(t, `form[action="/account/password"] button[type="submit"]`)
	tab.mustBeAt(t, "/account")
	tab.mustSee(t, "account after the change", "Your password has been changed", "We are emailing you")
	tab.pageChecks(t, "account-changed")
	tab.screenshot(t, "account-changed")
}

// TestBrowserNewAuthenticator: a member of staff moving to a new phone sets
// up a new authenticator app from their account: the page shows a QR code
// and the key written out; a wrong code is named in the error summary, the
// same key still shown; the new app's code sets it up. Each state passes
// axe-core.
func TestBrowserNewAuthenticator(t *testing.T) {
	t.Parallel()
	_, tab := browseDemo(t, 2*time.Minute)
	c := credentialFor(t, "megan.hughes@cradle.example")
	tab.signInChecked(t, c)
	tab.open(t, "/account")
	tab.click(t, `main a[href="/account/authenticator"]`)
	tab.mustBeAt(t, "/account/authenticator")
	tab.mustSee(t, "authenticator", "Set up a new authenticator app", "Scan this QR code", "codes from your old app stop working")
	if loaded := tab.eval(t, `(() => { const i = document.querySelector('main img'); return i && i.complete && i.naturalWidth > 0 ? 'yes' : 'no' })()`); loaded != "yes" {
		t.Error("the QR code is not shown")
	}
	tab.pageChecks(t, "account-authenticator")
	tab.screenshot(t, "account-authenticator")
	key := strings.ReplaceAll(tab.eval(t, `document.getElementById('setup-key').textContent`), " ", "")

	old, err := credential.TOTPCode(c.TOTPSecret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	tab.fill(t, "#password", c.Password)
	tab.fill(t, "#code", old)
	tab.click(t, `form[action="/account/authenticator"] button[type="submit"]`)
	tab.mustSee(t, "authenticator error", "There is a problem", "The security code is wrong or has expired")
	tab.errorState(t, "account-authenticator-error", "#code")
	tab.errorLinksResolve(t, "account-authenticator-error")
	tab.pageChecks(t, "account-authenticator-error")
	if again := strings.ReplaceAll(tab.eval(t, `document.getElementById('setup-key').textContent`), " ", ""); again != key {
		t.Errorf("after a mistake the key changed: %q → %q", key, again)
	}
	if v := tab.eval(t, `document.getElementById('password').value`); v != "" {
		t.Error("the password typed is shown again")
	}
	tab.screenshot(t, "account-authenticator-error")

	code, err := credential.TOTPCode(key, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	tab.fill(t, "#password", c.Password)
	tab.fill(t, "#code", code)
	tab.click(t, `form[action="/account/authenticator"] button[type="submit"]`)
	tab.mustBeAt(t, "/account")
	tab.mustSee(t, "account after the new app", "Your new authenticator app is set up", "Codes from your old app no longer work")
	tab.pageChecks(t, "account-authenticator-done")
	tab.screenshot(t, "account-authenticator-done")
}

// TestBrowserPasswordRenewedAtSignIn: a password that was accepted when it
// was set but is now among the common passwords (the list grew) still signs
// in, as far as a page that says why and asks for a new one; the new one
// leads to Cradle. Each state passes axe-core.
func TestBrowserPasswordRenewedAtSignIn(t *testing.T) {
	t.Parallel()
	chromium := chromiumPath(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	const weak = "password1234"
	c := credentialFor(t, "tom.elliott@cradle.example")
	data := demoDataCopy(t)
	hash, err := credential.HashWith(testPasswordParams, weak)
	if err != nil {
		t.Fatal(err)
	}
	// Stored as the store stores every hash (sealed to its row): the rules
	// are checked by the pages that set a password, not by SetPassword.
	keys, err := seal.LoadFile(filepath.Join(data, "cradle.key"))
	if err != nil {
		t.Fatal(err)
	}
	sctx := audit.WithSource(ctx, audit.Source{Actor: "test"})
	db, err := store.Open(sctx, store.Options{URL: store.SQLitePath(data), Keys: keys})
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(sctx, func(tx *store.Tx) error {
		st, err := tx.StaffByEmail(c.Email)
		if err != nil {
			return err
		}
		return tx.SetPassword(st.ID, hash, false)
	})
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	base := serveFolder(t, map[string]string{}, nil, data)
	browser := startBrowser(t, ctx, chromium)
	b := &session{base: base, shots: newShots()}
	tab := b.newTab(t, browser)
	defer tab.close(t)

	tab.open(t, "/sign-in")
	tab.fill(t, "#email", c.Email)
	tab.fill(t, "#password", weak)
	tab.click(t, `form[action="/sign-in"] button[type="submit"]`)
	tab.mustBeAt(t, "/sign-in/code")
	tab.fill(t, "#code", totp(t, c, time.Now()))
	tab.click(t, `form[action="/sign-in/code"] button[type="submit"]`)
	tab.mustBeAt(t, "/sign-in/new-password")
	tab.mustSee(t, "renewal", "Create a new password", "no longer meets Cradle", "Your old one will stop working")
	tab.pageChecks(t, "new-password-renewal")
	tab.screenshot(t, "new-password-renewal")

	tab.fill(t, "#password", weak)
	tab.fill(t, "#confirm", weak)
	tab.click(t, `form[action="/sign-in/new-password"] button[type="submit"]`)
	tab.mustSee(t, "renewal error", "There is a problem", "Password is too common")
	tab.errorState(t, "new-password-renewal-error", "#password")
	tab.errorLinksResolve(t, "new-password-renewal-error")
	tab.pageChecks(t, "new-password-renewal-error")

	tab.fill(t, "#password", "walnut harbour evening drizzle")
	tab.fill(t, "#confirm", "walnut harbour evening drizzle")
	tab.click(t, `form[action="/sign-in/new-password"] button[type="submit"]`)
	tab.mustBeAt(t, "/home")
}

// TestBrowserSubjectAccessPage: a designated safeguarding lead finds a
// parent and follows "Prepare a subject access request" from their page
// to the page that says what the download leaves out; it passes axe-core.
func TestBrowserSubjectAccessPage(t *testing.T) {
	t.Parallel()
	_, tab := browseDemo(t, 2*time.Minute)
	tab.signInChecked(t, credentialFor(t, dslEmail))
	tab.open(t, "/search?q=Amy+Foster")
	tab.click(t, `main a[href^="/people/"]`)
	tab.mustSee(t, "Amy's page", "Amy Foster", "Prepare a subject access request")
	tab.click(t, `main a[href$="/subject-access"]`)
	tab.mustSee(t, "subject access", "Prepare a subject access request", "What it leaves out", "Download as PDF", "Download as JSON")
	tab.pageChecks(t, "subject-access")
	tab.screenshot(t, "subject-access")
}
