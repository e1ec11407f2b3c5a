package mail

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"regexp"
	"strings"
	"sync"
	"time"
)

// Queued is one outbox row as the worker sees it.
type Queued struct {
	ID       int64
	Message  Message
	Attempts int // attempts made before this claim
}

// Outbox is the durable queue, implemented by the store. Claims must be safe
// across processes (FOR UPDATE SKIP LOCKED plus a lease) so that several
// Cradle instances sharing a database send each message once.
type Outbox interface {
	// Claim leases up to limit due messages (status pending and
	// next_attempt_at <= now, or a lease that expired) until now+lease and
	// returns them.
	Claim(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]Queued, error)
	// MarkSent records delivery.
	MarkSent(ctx context.Context, id int64, now time.Time) error
	// MarkFailed records a failed attempt (incrementing the attempt count)
	// and releases the lease. permanent=true means give up: status
	// "failed", and next is zero. Otherwise the message is due again at
	// next. The worker decides when to give up, so the store needn't know
	// MaxAttempts.
	MarkFailed(ctx context.Context, id int64, now time.Time, errText string, next time.Time, permanent bool) error
}

// Worker defaults.
const (
	DefaultBatch       = 10
	DefaultLease       = 5 * time.Minute
	DefaultInterval    = 5 * time.Second
	DefaultMaxAttempts = 10
)

// recordTimeout bounds the store call that records an outcome. It runs even
// while shutting down, so that a message that went out is marked sent.
const recordTimeout = 10 * time.Second

// maxErrText keeps stored error text to a sensible size.
const maxErrText = 1000

// Backoff is the delay before retrying after the given number of failed
// attempts: 1 min, 5 min, 15 min, 1 h, 4 h, then 12 h. It has no jitter;
// the Worker adds that.
func Backoff(attempt int) time.Duration {
	switch {
	case attempt <= 1:
		return time.Minute
	case attempt == 2:
		return 5 * time.Minute
	case attempt == 3:
		return 15 * time.Minute
	case attempt == 4:
		return time.Hour
	case attempt == 5:
		return 4 * time.Hour
	}
	return 12 * time.Hour
}

// RandomJitter returns a function that moves a delay by up to ±10%, so
// messages that failed together (a server outage) don't all retry in the same
// instant. r seeds it for reproducible tests; nil uses math/rand/v2's
// goroutine-safe source. The returned function is safe for concurrent use.
func RandomJitter(r *rand.Rand) func(time.Duration) time.Duration {
	var mu sync.Mutex
	float := rand.Float64
	if r != nil {
		float = func() float64 {
			mu.Lock()
			defer mu.Unlock()
			return r.Float64()
		}
	}
	return func(d time.Duration) time.Duration {
		return d + time.Duration((float()*0.2-0.1)*float64(d))
	}
}

// Worker drains an Outbox through a Sender. Zero fields take the defaults.
// Use it by pointer; it must not be copied after first use.
type Worker struct {
	Outbox      Outbox
	Sender      Sender
	Now         func() time.Time // default time.Now
	Log         *slog.Logger     // default discards
	Batch       int              // messages claimed per round, default 10
	Lease       time.Duration    // how long a claim lasts, default 5 min
	Interval    time.Duration    // polling interval, default 5 s
	MaxAttempts int              // give up after this many attempts, default 10
	// Jitter adjusts each retry delay; default RandomJitter(nil). Tests can
	// pin it with func(d time.Duration) time.Duration { return d }.
	Jitter func(time.Duration) time.Duration

	once sync.Once
	wake chan struct{}
}

func (w *Worker) now() time.Time {
	if w.Now != nil {
		return w.Now()
	}
	return time.Now()
}

func (w *Worker) log() *slog.Logger {
	if w.Log != nil {
		return w.Log
	}
	return slog.New(slog.DiscardHandler)
}

func orDefault[T int | time.Duration](v, def T) T {
	if v > 0 {
		return v
	}
	return def
}

func (w *Worker) wakeChan() chan struct{} {
	// Buffered so Wake never blocks, and a wake during a round isn't lost.
	w.once.Do(func() { w.wake = make(chan struct{}, 1) })
	return w.wake
}

// Wake asks Run to process the outbox now rather than at the next tick.
// It never blocks; handlers call it after queueing mail.
func (w *Worker) Wake() {
	select {
	case w.wakeChan() <- struct{}{}:
	default: // a wake is already pending
	}
}

// Run processes the outbox at once, then every Interval and whenever Wake is
// called, until ctx is done. A full batch is followed straight away by
// another, so a backlog drains without waiting for ticks.
func (w *Worker) Run(ctx context.Context) {
	wake := w.wakeChan()
	batch := orDefault(w.Batch, DefaultBatch)
	t := time.NewTicker(orDefault(w.Interval, DefaultInterval))
	defer t.Stop()
	for {
		for ctx.Err() == nil {
			claimed, _, err := w.runOnce(ctx)
			if err != nil && ctx.Err() == nil {
				w.log().Error("mail outbox round failed", "err", err)
			}
			if err != nil || claimed < batch {
				break
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-wake:
		}
	}
}

// RunOnce claims and processes one batch, returning how many messages were
// sent. Send failures are recorded in the outbox, not returned; the error is
// about the outbox itself.
func (w *Worker) RunOnce(ctx context.Context) (sent int, err error) {
	_, sent, err = w.runOnce(ctx)
	return sent, err
}

func (w *Worker) runOnce(ctx context.Context) (claimed, sent int, err error) {
	lease := orDefault(w.Lease, DefaultLease)
	start := w.now()
	batch, err := w.Outbox.Claim(ctx, start, orDefault(w.Batch, DefaultBatch), lease)
	if err != nil {
		return 0, 0, fmt.Errorf("mail: claim outbox: %w", err)
	}
	// Stop sending a tenth of the lease before it ends: once it lapses
	// another instance may claim the same message and send it again.
	sendBy := start.Add(lease - lease/10)

	var errs []error
	for i, q := range batch {
		if ctx.Err() != nil {
			// Shutting down; the unsent messages' leases lapse and another
			// round picks them up without counting an attempt.
			break
		}
		left := sendBy.Sub(w.now())
		if left <= 0 {
			w.log().Warn("mail outbox lease running out; leaving messages for the next round",
				"left_unsent", len(batch)-i)
			break
		}
		sendCtx, cancel := context.WithTimeout(ctx, left)
		sendErr := w.Sender.Send(sendCtx, q.Message)
		cancel()
		if sendErr != nil && ctx.Err() != nil {
			// Our own shutdown interrupted the send; that is not the
			// message's fault, so leave it to the lease as above.
			break
		}
		if err := w.record(ctx, q, sendErr); err != nil {
			errs = append(errs, err)
		}
		if sendErr == nil {
			sent++
		}
	}
	return len(batch), sent, errors.Join(errs...)
}

// record stores the outcome of one send and logs it. Logs carry ids, attempt
// counts and error classes only: recipients and bodies are personal data.
func (w *Worker) record(ctx context.Context, q Queued, sendErr error) error {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	defer cancel()
	now := w.now()
	attempt := q.Attempts + 1
	if sendErr == nil {
		if err := w.Outbox.MarkSent(rctx, q.ID, now); err != nil {
			// The message went out but may be sent again when the lease
			// lapses; nothing better is possible without the store.
			return fmt.Errorf("mail: mark message %d sent: %w", q.ID, err)
		}
		w.log().Info("mail sent", "id", q.ID, "attempt", attempt)
		return nil
	}

	permanent := IsPermanent(sendErr)
	giveUp := permanent || attempt >= orDefault(w.MaxAttempts, DefaultMaxAttempts)
	var next time.Time
	if !giveUp {
		jitter := w.Jitter
		if jitter == nil {
			jitter = RandomJitter(nil)
		}
		next = now.Add(jitter(Backoff(attempt)))
	}
	errText := redact(sendErr.Error(), q.Message.To)
	if len(errText) > maxErrText {
		// Cutting may split a rune; PostgreSQL rejects invalid UTF-8.
		errText = strings.ToValidUTF8(errText[:maxErrText], "")
	}
	if err := w.Outbox.MarkFailed(rctx, q.ID, now, errText, next, giveUp); err != nil {
		return fmt.Errorf("mail: mark message %d failed: %w", q.ID, err)
	}
	class := ErrorClass(sendErr)
	if giveUp {
		w.log().Error("mail failed; giving up", "id", q.ID, "attempt", attempt,
			"class", class, "permanent", permanent)
	} else {
		w.log().Warn("mail failed; will retry", "id", q.ID, "attempt", attempt,
			"class", class, "retry_in", next.Sub(now).Round(time.Second))
	}
	return nil
}

// redact removes the recipient from error text before it is stored: servers
// often quote it ("550 5.1.1 <sam@example.org>: unknown user"), and the
// store keeps recipients sealed.
func redact(text, addr string) string {
	if addr == "" {
		return text
	}
	return regexp.MustCompile(`(?i)`+regexp.QuoteMeta(addr)).ReplaceAllLiteralString(text, "<recipient>")
}
