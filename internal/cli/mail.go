package cli

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/cradle-org/cradle/internal/mail"
	"github.com/cradle-org/cradle/internal/store"
)

// Outbox adapts the store's outbox to the mail worker, so neither package
// depends on the other. Exported for tests that run a worker themselves.
type Outbox struct {
	DB  *store.DB
	Log *slog.Logger // where a message given up on as altered is reported; nil: not logged
}

func (o Outbox) Claim(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]mail.Queued, error) {
	var givenUp func(int64)
	if o.Log != nil {
		givenUp = func(id int64) {
			o.Log.Error("an outbox message does not open: it was altered or damaged after it was queued, and was not sent; tell your designated safeguarding lead",
				"outbox_id", id, "audit_action", "seal.altered")
		}
	}
	items, err := o.DB.ClaimMail(ctx, now, limit, lease, givenUp)
	if err != nil {
		return nil, err
	}
	out := make([]mail.Queued, len(items))
	for i, it := range items {
		out[i] = mail.Queued{ID: it.ID, Attempts: it.Attempts, Message: mail.Message{To: it.To, Subject: it.Subject, Text: it.Text, Headers: it.Headers}}
	}
	return out, nil
}

func (o Outbox) MarkSent(ctx context.Context, id int64, now time.Time) error {
	return o.DB.MarkMailSent(ctx, id, now)
}

func (o Outbox) MarkFailed(ctx context.Context, id int64, now time.Time, errText string, next time.Time, permanent bool) error {
	return o.DB.MarkMailFailed(ctx, id, now, errText, next, permanent)
}

// smtpConfig reads the SMTP settings from the environment. ok is false when
// no host is set: mail then waits in the outbox until one is.
func (a *App) smtpConfig() (mail.Config, bool, error) {
	host := a.Getenv("CRADLE_SMTP_HOST")
	if host == "" {
		return mail.Config{}, false, nil
	}
	c := mail.Config{Host: host, TLS: mail.TLSMode(envOr(a.Getenv, "CRADLE_SMTP_TLS", "starttls")),
		Username: a.Getenv("CRADLE_SMTP_USERNAME"), Password: a.Getenv("CRADLE_SMTP_PASSWORD"),
		From: envOr(a.Getenv, "CRADLE_SMTP_FROM", "cradle@localhost")}
	if p := a.Getenv("CRADLE_SMTP_PORT"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil {
			return c, false, fmt.Errorf("CRADLE_SMTP_PORT must be a number, not %q", p)
		}
		c.Port = n
	}
	if err := c.Validate(); err != nil {
		return c, false, fmt.Errorf("SMTP settings: %w", err)
	}
	return c, true, nil
}
