package e2e

import (
	"context"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/mail/smtptest"
)

// TestBrowserForgottenPassword: a practitioner who has forgotten their
// password asks for a link from the sign-in page, reads it from a real SMTP
// server, gives a wrong security code and then the right one with a new
// password, and signs in with it. Every page and error state passes axe.
func TestBrowserForgottenPassword(t *testing.T) {
	t.Parallel()
	chromium := chromiumPath(t)
	ctx, cancel := context.WithTimeout(context.Background(), overallTimeout)
	defer cancel()
	smtp := smtptest.Start(t)
	clock := newTestClock()
	base := startServerWithClock(t, map[string]string{"CRADLE_SMTP_HOST": smtp.Host(), "CRADLE_SMTP_PORT": strconv.Itoa(smtp.Port()),
		"CRADLE_SMTP_TLS": "none", "CRADLE_SMTP_FROM": "cradle@cradle.example"}, clock)
	browser := startBrowser(t, ctx, chromium)
	b := &session{base: base, shots: newShots(), clock: clock}
	tab := b.newTab(t, browser)
	defer tab.close(t)
	c := credentialFor(t, "priya.shah@cradle.example")

	tab.open(t, "/sign-in")
	tab.click(t, `main a[href="/sign-in/forgot"]`)
	tab.mustBeAt(t, "/sign-in/forgot")
	tab.mustSee(t, "forgot form", "Reset your password", "Exit this page")
	tab.pageChecks(t, "forgot-form")
	tab.click(t, `main button[type="submit"]`)
	tab.errorState(t, "forgot-error", "#email")
	tab.pageChecks(t, "forgot-error")
	tab.fill(t, "#email", c.Email)
	tab.click(t, `main button[type="submit"]`)
	tab.mustSee(t, "check email", "Check your email", "The link works once, for 30 minutes")
	tab.pageChecks(t, "forgot-sent")
	tab.screenshot(t, "reset-01-sent")

	msgs := smtp.WaitFor(t, 1, 20*time.Second)
	link := regexp.MustCompile(`http://\S+/sign-in/reset\?token=\S+`).FindString(msgs[0].Body)
	if !strings.HasPrefix(link, base) || msgs[0].To[0] != c.Email {
		t.Fatalf("the reset email to %v holds no link to this site (%s):\n%s", msgs[0].To, base, msgs[0].Body)
	}
	u, _ := url.Parse(link)
	tab.open(t, u.RequestURI())
	tab.mustSee(t, "reset form", "Create a new password", "Security code")
	if v := tab.value(t, "#email"); v != c.Email {
		t.Errorf("the reset form names %q, want %q", v, c.Email)
	}
	tab.pageChecks(t, "reset-form")
	tab.screenshot(t, "reset-02-form")
	wrong := "000000"
	if totp(t, c, clock.Now()) == wrong {
		wrong = "111111"
	}
	tab.fill(t, "#code", wrong)
	tab.fill(t, "#password", "a new passphrase for the browser test")
	tab.fill(t, "#confirm", "a new passphrase for the browser test")
	tab.click(t, `main button[type="submit"]`)
	tab.errorState(t, "reset-wrong-code", "#code")
	tab.mustSee(t, "reset-wrong-code", "The security code is wrong or has expired")
	if v := tab.value(t, "#password"); v != "" {
		t.Error("the new password was shown back")
	}
	tab.pageChecks(t, "reset-wrong-code")
	tab.screenshot(t, "reset-03-wrong-code")

	tab.fill(t, "#code", totp(t, c, clock.Now()))
	tab.fill(t, "#password", "a new passphrase for the browser test")
	tab.fill(t, "#confirm", "a new passphrase for the browser test")
	tab.click(t, `main button[type="submit"]`)
	tab.mustBeAt(t, "/sign-in")
	tab.mustSee(t, "reset done", "Your password has been changed")
	tab.pageChecks(t, "reset-done")
	tab.screenshot(t, "reset-04-done")

	// The link works once; the new password signs in (with the next code).
	if status := tab.visit(t, u.RequestURI()); status != 404 {
		t.Errorf("the used link answers %d, want 404", status)
	}
	tab.mustSee(t, "reset link used", "This link has expired or has been used")
	tab.pageChecks(t, "reset-gone")
	clock.Advance(31 * time.Second)
	c.Password = "a new passphrase for the browser test"
	tab.signIn(t, c)
}
