package mail_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/mail"
	"github.com/cradle-org/cradle/internal/mail/smtptest"
)

// fakeOutbox is an in-memory Outbox that claims honestly: under one mutex,
// like SELECT … FOR UPDATE SKIP LOCKED, a row leased to one worker is
// invisible to others until the lease lapses.
type fakeOutbox struct {
	mu      sync.Mutex
	rows    []*row
	claims  chan struct{} // signalled (without blocking) on every Claim
	sentTwo []int64       // ids marked sent more than once
}

type row struct {
	id         int64
	msg        mail.Message
	status     string // pending, sent, failed
	attempts   int
	next       time.Time
	leaseUntil time.Time
	lastErr    string
	sends      int
}

func newFakeOutbox() *fakeOutbox {
	return &fakeOutbox{claims: make(chan struct{}, 1)}
}

func (f *fakeOutbox) add(m mail.Message, due time.Time) int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	id := int64(len(f.rows) + 1)
	f.rows = append(f.rows, &row{id: id, msg: m, status: "pending", next: due})
	return id
}

func (f *fakeOutbox) get(id int64) row {
	f.mu.Lock()
	defer f.mu.Unlock()
	return *f.rows[id-1]
}

func (f *fakeOutbox) Claim(_ context.Context, now time.Time, limit int, lease time.Duration) ([]mail.Queued, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	select {
	case f.claims <- struct{}{}:
	default:
	}
	var out []mail.Queued
	for _, r := range f.rows {
		if len(out) == limit {
			break
		}
		if r.status != "pending" || r.next.After(now) || r.leaseUntil.After(now) {
			continue
		}
		r.leaseUntil = now.Add(lease)
		out = append(out, mail.Queued{ID: r.id, Message: r.msg, Attempts: r.attempts})
	}
	return out, nil
}

func (f *fakeOutbox) MarkSent(_ context.Context, id int64, now time.Time) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	r := f.rows[id-1]
	r.sends++
	if r.sends > 1 {
		f.sentTwo = append(f.sentTwo, id)
	}
	r.status, r.attempts, r.leaseUntil = "sent", r.attempts+1, time.Time{}
	return nil
}

func (f *fakeOutbox) MarkFailed(_ context.Context, id int64, now time.Time, errText string, next time.Time, permanent bool) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	r := f.rows[id-1]
	r.attempts++
	r.lastErr, r.leaseUntil = errText, time.Time{}
	if permanent {
		r.status = "failed"
	} else {
		r.next = next
	}
	return nil
}

// fakeClock is a settable time source shared by the worker and the test.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func noJitter(d time.Duration) time.Duration { return d }

func newWorker(t *testing.T, srv *smtptest.Server, ob mail.Outbox, clock *fakeClock) *mail.Worker {
	w := &mail.Worker{
		Outbox: ob,
		Sender: senderFor(t, srv, nil),
		Jitter: noJitter,
	}
	if clock != nil {
		w.Now = clock.Now
	}
	return w
}

func msgN(i int) mail.Message {
	return mail.Message{To: fmt.Sprintf("person%d@example.org", i), Subject: fmt.Sprintf("message %d", i), Text: "hello"}
}

func TestBackoff(t *testing.T) {
	want := []time.Duration{time.Minute, 5 * time.Minute, 15 * time.Minute, time.Hour, 4 * time.Hour, 12 * time.Hour, 12 * time.Hour, 12 * time.Hour}
	for i, w := range want {
		if got := mail.Backoff(i + 1); got != w {
			t.Errorf("Backoff(%d) = %v, want %v", i+1, got, w)
		}
	}
	// Seeded alike, so the two must agree; no secret comes from them.
	j := mail.RandomJitter(rand.New(rand.NewPCG(1, 2)))  // #nosec G404 -- see above
	j2 := mail.RandomJitter(rand.New(rand.NewPCG(1, 2))) // #nosec G404 -- see above
	for range 1000 {
		d := j(time.Hour)
		if d < 54*time.Minute || d > 66*time.Minute {
			t.Fatalf("jittered hour = %v, outside ±10%%", d)
		}
		if d2 := j2(time.Hour); d2 != d {
			t.Fatalf("same seed gave %v and %v", d, d2)
		}
	}
}

func TestWorkerSendsAndMarksSent(t *testing.T) {
	srv := smtptest.Start(t)
	ob := newFakeOutbox()
	clock := &fakeClock{t: time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)}
	for i := range 3 {
		ob.add(msgN(i), clock.Now())
	}
	ob.add(msgN(99), clock.Now().Add(time.Hour)) // not yet due
	w := newWorker(t, srv, ob, clock)
	sent, err := w.RunOnce(t.Context())
	if err != nil || sent != 3 {
		t.Fatalf("RunOnce = %d, %v; want 3, nil", sent, err)
	}
	if n := len(srv.WaitFor(t, 3, 5*time.Second)); n != 3 {
		t.Errorf("server got %d messages", n)
	}
	for id := int64(1); id <= 3; id++ {
		if r := ob.get(id); r.status != "sent" || r.attempts != 1 {
			t.Errorf("row %d: status %q attempts %d", id, r.status, r.attempts)
		}
	}
	if r := ob.get(4); r.status != "pending" {
		t.Errorf("future row status %q", r.status)
	}
	if sent, err := w.RunOnce(t.Context()); sent != 0 || err != nil {
		t.Errorf("second RunOnce = %d, %v; want nothing to do", sent, err)
	}
}

func TestWorkerRetriesTemporaryFailureWithBackoff(t *testing.T) {
	srv := smtptest.Start(t)
	ob := newFakeOutbox()
	clock := &fakeClock{t: time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)}
	id := ob.add(msgN(1), clock.Now())
	w := newWorker(t, srv, ob, clock)

	srv.FailNext(2, 451)
	for attempt := 1; attempt <= 2; attempt++ {
		failedAt := clock.Now()
		if sent, err := w.RunOnce(t.Context()); sent != 0 || err != nil {
			t.Fatalf("attempt %d: RunOnce = %d, %v", attempt, sent, err)
		}
		r := ob.get(id)
		if r.status != "pending" || r.attempts != attempt || r.lastErr == "" {
			t.Fatalf("attempt %d: row %+v", attempt, r)
		}
		if want := failedAt.Add(mail.Backoff(attempt)); !r.next.Equal(want) {
			t.Fatalf("attempt %d: next = %v, want %v", attempt, r.next, want)
		}
		// Not due until the back-off has passed.
		clock.Advance(mail.Backoff(attempt) - time.Second)
		if sent, _ := w.RunOnce(t.Context()); sent != 0 || ob.get(id).attempts != attempt {
			t.Fatalf("attempt %d: retried before back-off elapsed", attempt)
		}
		clock.Advance(time.Second)
	}
	if sent, err := w.RunOnce(t.Context()); sent != 1 || err != nil {
		t.Fatalf("third RunOnce = %d, %v; want sent", sent, err)
	}
	if r := ob.get(id); r.status != "sent" || r.attempts != 3 {
		t.Errorf("row %+v", r)
	}
	srv.WaitFor(t, 1, 5*time.Second)
}

func TestWorkerGivesUpOnPermanentFailure(t *testing.T) {
	srv := smtptest.Start(t)
	ob := newFakeOutbox()
	clock := &fakeClock{t: time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)}
	id := ob.add(msgN(1), clock.Now())
	w := newWorker(t, srv, ob, clock)
	srv.FailNext(1, 550)
	if sent, err := w.RunOnce(t.Context()); sent != 0 || err != nil {
		t.Fatalf("RunOnce = %d, %v", sent, err)
	}
	if r := ob.get(id); r.status != "failed" || r.attempts != 1 {
		t.Errorf("row %+v, want failed after one attempt", r)
	}
	clock.Advance(24 * time.Hour)
	if sent, _ := w.RunOnce(t.Context()); sent != 0 || len(srv.Messages()) != 0 {
		t.Error("permanently failed message was retried")
	}
}

func TestWorkerGivesUpAfterMaxAttempts(t *testing.T) {
	srv := smtptest.Start(t)
	ob := newFakeOutbox()
	clock := &fakeClock{t: time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)}
	id := ob.add(msgN(1), clock.Now())
	w := newWorker(t, srv, ob, clock)
	w.MaxAttempts = 3
	srv.FailNext(100, 451)
	for i := 1; i <= 5; i++ {
		if _, err := w.RunOnce(t.Context()); err != nil {
			t.Fatal(err)
		}
		clock.Advance(24 * time.Hour)
	}
	if r := ob.get(id); r.status != "failed" || r.attempts != 3 {
		t.Errorf("row %+v, want failed after 3 attempts", r)
	}
}

func TestWorkerWakeAndStop(t *testing.T) {
	srv := smtptest.Start(t)
	ob := newFakeOutbox()
	w := newWorker(t, srv, ob, nil) // real clock
	w.Interval = time.Hour          // only Wake can trigger a second round

	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() {
		w.Run(ctx)
		close(done)
	}()
	select { // the initial round
	case <-ob.claims:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not claim at start")
	}
	ob.add(msgN(1), time.Now())
	w.Wake()
	w.Wake() // never blocks, even with a wake pending
	srv.WaitFor(t, 1, 5*time.Second)

	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
}

func TestWorkerDrainsBacklogInFullBatches(t *testing.T) {
	srv := smtptest.Start(t)
	ob := newFakeOutbox()
	for i := range 25 {
		ob.add(msgN(i), time.Now())
	}
	w := newWorker(t, srv, ob, nil)
	w.Batch, w.Interval = 4, time.Hour
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	go w.Run(ctx)
	srv.WaitFor(t, 25, 10*time.Second)
}

func TestConcurrentWorkersSendEachMessageOnce(t *testing.T) {
	srv := smtptest.Start(t)
	ob := newFakeOutbox()
	const n = 60
	for i := range n {
		ob.add(msgN(i), time.Now())
	}
	var wg sync.WaitGroup
	for range 4 {
		w := newWorker(t, srv, ob, nil)
		w.Batch = 3
		wg.Go(func() {
			for {
				sent, err := w.RunOnce(t.Context())
				if err != nil {
					t.Error(err)
					return
				}
				if sent == 0 {
					return
				}
			}
		})
	}
	wg.Wait()
	msgs := srv.WaitFor(t, n, 10*time.Second)
	seen := map[string]int{}
	for _, m := range msgs {
		seen[m.Header.Get("Subject")]++
	}
	for subject, count := range seen {
		if count != 1 {
			t.Errorf("%q delivered %d times", subject, count)
		}
	}
	if len(msgs) != n || len(seen) != n || len(ob.sentTwo) != 0 {
		t.Errorf("delivered %d messages, %d distinct, %d marked sent twice; want %d, %d, 0", len(msgs), len(seen), len(ob.sentTwo), n, n)
	}
}

// slowSender takes step of the fake clock per send and records how long
// each send was allowed to run.
type slowSender struct {
	clock   *fakeClock
	step    time.Duration
	allowed []time.Duration
}

func (s *slowSender) Send(ctx context.Context, _ mail.Message) error {
	d, ok := ctx.Deadline()
	if !ok {
		return fmt.Errorf("send without a deadline")
	}
	s.allowed = append(s.allowed, time.Until(d))
	s.clock.Advance(s.step)
	return nil
}

func TestWorkerKeepsSendsInsideLease(t *testing.T) {
	ob := newFakeOutbox()
	clock := &fakeClock{t: time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)}
	for i := range 10 {
		ob.add(msgN(i), clock.Now())
	}
	// A 5-minute lease leaves 4m30s for sending. Sends start at 0, 2 and 4
	// minutes; the third may only run for the 30s left; none start after.
	s := &slowSender{clock: clock, step: 2 * time.Minute}
	w := &mail.Worker{Outbox: ob, Sender: s, Now: clock.Now, Lease: 5 * time.Minute, Jitter: noJitter}
	sent, err := w.RunOnce(t.Context())
	if err != nil || sent != 3 {
		t.Fatalf("RunOnce = %d, %v; want 3 sends inside the lease", sent, err)
	}
	if a := s.allowed[2]; a > 30*time.Second || a < 25*time.Second {
		t.Errorf("third send allowed %v, want about 30s", a)
	}
	// The unsent rest were released to the lease (now lapsed, at 6 min),
	// without an attempt counted, and go out in the next round.
	if r := ob.get(4); r.status != "pending" || r.attempts != 0 {
		t.Errorf("unsent row %+v, want pending with no attempts", r)
	}
	if sent, _ := w.RunOnce(t.Context()); sent != 3 {
		t.Fatalf("next round sent %d, want 3", sent)
	}
}

type senderFunc func(context.Context, mail.Message) error

func (f senderFunc) Send(ctx context.Context, m mail.Message) error { return f(ctx, m) }

func TestWorkerStoresNoRecipientInErrors(t *testing.T) {
	ob := newFakeOutbox()
	clock := &fakeClock{t: time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)}
	id := ob.add(mail.Message{To: "Sam.Smith@example.org", Subject: "x", Text: "y"}, clock.Now())
	s := senderFunc(func(context.Context, mail.Message) error {
		return &mail.PermanentError{Err: fmt.Errorf("550 5.1.1 <sam.smith@EXAMPLE.org>: unknown user")}
	})
	w := &mail.Worker{Outbox: ob, Sender: s, Now: clock.Now}
	if _, err := w.RunOnce(t.Context()); err != nil {
		t.Fatal(err)
	}
	r := ob.get(id)
	if r.status != "failed" || r.lastErr != "550 5.1.1 <<recipient>>: unknown user" {
		t.Errorf("row status %q, lastErr %q", r.status, r.lastErr)
	}
}
