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

// TestBrowserMailingList signs up for updates in the browser, reads the
// confirmation email from a real SMTP server, follows its link to confirm,
// then follows the email's unsubscribe link.
func TestBrowserMailingList(t *testing.T) {
	t.Parallel()
	chromium := chromiumPath(t)
	ctx, cancel := context.WithTimeout(context.Background(), overallTimeout)
	defer cancel()
	smtp := smtptest.Start(t)
	base := startServerWith(t, map[string]string{"CRADLE_SMTP_HOST": smtp.Host(), "CRADLE_SMTP_PORT": strconv.Itoa(smtp.Port()),
		"CRADLE_SMTP_TLS": "none", "CRADLE_SMTP_FROM": "updates@cradle.example"})
	browser := startBrowser(t, ctx, chromium)
	b := &session{base: base, shots: newShots()}
	tab := b.newTab(t, browser)
	defer tab.close(t)

	tab.open(t, "/")
	tab.click(t, `footer a[href="/mailing-list"]`)
	tab.mustBeAt(t, "/mailing-list")
	tab.mustSee(t, "mailing form", "Sign up for updates", "Exit this page")
	tab.pageChecks(t, "mailing-form")
	tab.screenshot(t, "mail-01-form")

	tab.click(t, `main button[type="submit"]`)
	tab.errorState(t, "mailing-error", "#email")
	tab.screenshot(t, "mail-02-error")

	tab.fill(t, "#email", "reader@example.org")
	tab.fill(t, "#name", "Reader")
	tab.click(t, `main button[type="submit"]`)
	tab.mustBeAt(t, "/mailing-list/check-email")
	tab.mustSee(t, "check email", "Check your email")
	tab.pageChecks(t, "mailing-check-email")

	msgs := smtp.WaitFor(t, 1, 20*time.Second)
	links := regexp.MustCompile(`http://[^\s>]+`).FindAllString(msgs[0].Body, -1)
	if len(links) != 2 {
		t.Fatalf("links in the confirmation email: %v\n%s", links, msgs[0].Body)
	}
	confirm, _ := url.Parse(links[0])
	if !strings.HasPrefix(links[0], base) {
		t.Fatalf("confirmation link %q is not on this site %q", links[0], base)
	}
	tab.open(t, confirm.RequestURI())
	tab.mustSee(t, "confirm page", "Confirm your subscription")
	tab.pageChecks(t, "mailing-confirm")
	tab.click(t, `main button[type="submit"]`)
	tab.mustSee(t, "subscribed", "You are subscribed")
	tab.pageChecks(t, "mailing-subscribed")
	tab.screenshot(t, "mail-03-subscribed")

	unsub, _ := url.Parse(links[1])
	tab.open(t, unsub.RequestURI())
	tab.mustSee(t, "unsubscribe page", "Unsubscribe")
	tab.pageChecks(t, "mailing-unsubscribe")
	tab.click(t, `main button[type="submit"]`)
	tab.mustSee(t, "unsubscribed", "You have unsubscribed")
	tab.pageChecks(t, "mailing-unsubscribed")
}
