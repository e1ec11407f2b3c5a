package store

import (
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/audit"
)

// gatherSiblings waits for views under way, and only for them: with none
// it adds nothing and does not wait; with some it takes what they queue
// until the batch is full, the wait is over, or the queue stops.
func TestGatherSiblings(t *testing.T) {
	entries := func(n int) *auditBatch { return &auditBatch{entries: make([]audit.Entry, n)} }
	// gather runs gatherSiblings on a first batch of one entry, and fails
	// if it has not returned long after it should have.
	gather := func(t *testing.T, q *auditQueue) []*auditBatch {
		t.Helper()
		done := make(chan []*auditBatch, 1)
		go func() {
			done <- q.gatherSiblings([]*auditBatch{entries(1)}, 1)
		}()
		select {
		case b := <-done:
			return b
		case <-time.After(30 * time.Second):
			t.Fatal("gatherSiblings kept waiting")
			return nil
		}
	}
	newQueue := func(wait time.Duration, underWay int64) *auditQueue {
		q := &auditQueue{in: make(chan *auditBatch, maxAuditBatch), stop: make(chan struct{}), wait: wait}
		q.viewing.Store(underWay)
		return q
	}

	t.Run("no view under way: nothing waited for", func(t *testing.T) {
		q := newQueue(time.Hour, 0)
		q.in <- entries(1) // queued after the writer looked: the next batch's
		if b := gather(t, q); len(b) != 1 {
			t.Errorf("%d batches, want the first alone", len(b))
		}
	})
	t.Run("views under way: what they queue joins the batch", func(t *testing.T) {
		q := newQueue(10*time.Millisecond, 2)
		q.in <- entries(2)
		q.in <- entries(3)
		if b := gather(t, q); len(b) != 3 {
			t.Errorf("%d batches, want 3", len(b))
		}
	})
	t.Run("a full batch is written without waiting", func(t *testing.T) {
		q := newQueue(time.Hour, 1)
		q.in <- entries(maxAuditBatch)
		q.in <- entries(1)
		if b := gather(t, q); len(b) != 2 {
			t.Errorf("%d batches, want the first and the one that filled it", len(b))
		}
	})
	t.Run("the last view under way queued: no more waiting", func(t *testing.T) {
		q := newQueue(time.Hour, 1)
		go func() {
			// As View does: counted down, then queued.
			q.viewing.Add(-1)
			q.in <- entries(1)
		}()
		// Whether the writer saw the count before or after it fell, it
		// returns: at once, or with the view's entries.
		if b := gather(t, q); len(b) > 2 {
			t.Errorf("%d batches, want at most 2", len(b))
		}
	})
	t.Run("stopping ends the wait", func(t *testing.T) {
		q := newQueue(time.Hour, 1)
		close(q.stop)
		if b := gather(t, q); len(b) != 1 {
			t.Errorf("%d batches, want 1", len(b))
		}
	})
}
