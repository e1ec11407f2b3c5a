package e2e

import (
	"context"
	"testing"
	"time"
)

// TestBrowserOwnPassword: a member of staff follows "Your account" from the
// header and changes their password; a mistake is shown in the error
// summary (focus moved to it, its link leading to the field), then the
// change is confirmed. Both pages, and the error state, pass axe-core.
func TestBrowserOwnPassword(t *testing.T) {
	chromium := chromiumPath(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	base := startServer(t)
	browser := startBrowser(t, ctx, chromium)
	b := &session{base: base, shots: newShots(t)}
	tab := b.newTab(t, browser)
	defer tab.close(t)
	c := credentialFor(t, "tom.elliott@cradle.example")
	tab.signInChecked(t, c)
	tab.click(t, `.app-user-bar a[href="/account"]`)
	tab.mustBeAt(t, "/account")
	tab.mustSee(t, "account", "Your account", "Tom Elliott", "tom.elliott@cradle.example", "Therapeutic practitioner")
	tab.pageChecks(t, "account")
	tab.click(t, `main a[href="/account/password"]`)
	tab.mustBeAt(t, "/account/password")
	tab.pageChecks(t, "account-password")

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
