package store_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/store"
	"github.com/cradle-org/cradle/internal/store/storetest"
)

func TestOutboxClaimsEachMessageOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		const n = 30
		err := db.Update(ctx, func(tx *store.Tx) error {
			for i := 0; i < n; i++ {
				if err := tx.QueueMail("test", "someone@example.org", "Subject", "Secret body", map[string]string{"X-Test": "1"}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := db.RawString(ctx, `SELECT body_sealed FROM outbox ORDER BY id LIMIT 1`)
		if strings.Contains(raw, "Secret") {
			t.Error("mail body stored in clear")
		}
		now := time.Now()
		var mu sync.Mutex
		seen := map[int64]int{}
		var wg sync.WaitGroup
		for w := 0; w < 4; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					items, err := db.ClaimMail(ctx, now, 4, time.Minute, nil)
					if err != nil {
						t.Error(err)
						return
					}
					if len(items) == 0 {
						return
					}
					mu.Lock()
					for _, it := range items {
						seen[it.ID]++
						if it.To != "someone@example.org" || it.Text != "Secret body" || it.Headers["X-Test"] != "1" {
							t.Errorf("claimed %+v", it)
						}
					}
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if len(seen) != n {
			t.Fatalf("claimed %d distinct messages, want %d", len(seen), n)
		}
		for id, c := range seen {
			if c != 1 {
				t.Errorf("message %d claimed %d times", id, c)
			}
		}
		// Leased: nothing more to claim until the lease lapses.
		if items, _ := db.ClaimMail(ctx, now.Add(30*time.Second), 100, time.Minute, nil); len(items) != 0 {
			t.Errorf("claimed %d leased messages", len(items))
		}
		// A failure with a retry time comes back then; a sent one never does.
		var first int64
		for id := range seen {
			if first == 0 || id < first {
				first = id
			}
		}
		if err := db.MarkMailFailed(ctx, first, now, strings.Repeat("é", 400), now.Add(5*time.Minute), false); err != nil {
			t.Fatal(err)
		}
		for id := range seen {
			if id != first {
				if err := db.MarkMailSent(ctx, id, now); err != nil {
					t.Fatal(err)
				}
			}
		}
		if items, _ := db.ClaimMail(ctx, now.Add(2*time.Minute), 100, time.Minute, nil); len(items) != 0 {
			t.Errorf("retry came back early: %d", len(items))
		}
		items, _ := db.ClaimMail(ctx, now.Add(6*time.Minute), 100, time.Minute, nil)
		if len(items) != 1 || items[0].ID != first || items[0].Attempts != 1 {
			t.Fatalf("retry: %+v", items)
		}
		if err := db.MarkMailFailed(ctx, first, now, "550 no such user", time.Time{}, true); err != nil {
			t.Fatal(err)
		}
		counts, _ := db.MailCounts(ctx)
		if counts["sent"] != n-1 || counts["failed"] != 1 || counts["pending"] != 0 {
			t.Errorf("counts = %v", counts)
		}
	})
}

// Sent and given-up messages lose their recipient, text and headers after
// the cutoff, their kind, subject and status staying; a message still to
// send is never touched; a sweep with nothing to clear writes nothing.
func TestClearOldMail(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		err := db.Update(ctx, func(tx *store.Tx) error {
			for _, to := range []string{"old@example.org", "recent@example.org", "failed@example.org", "waiting@example.org"} {
				if err := tx.QueueMail("test", to, "Subject "+to, "CANARY body for "+to, map[string]string{"X-Test": "1"}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		items, err := db.ClaimMail(ctx, now, 3, time.Minute, nil) // the first three, oldest first
		if err != nil || len(items) != 3 {
			t.Fatalf("claimed %d, %v", len(items), err)
		}
		if err := db.MarkMailSent(ctx, items[0].ID, now.Add(-40*24*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if err := db.MarkMailSent(ctx, items[1].ID, now); err != nil {
			t.Fatal(err)
		}
		if err := db.MarkMailFailed(ctx, items[2].ID, now, "550 no such mailbox", now, true); err != nil {
			t.Fatal(err)
		}
		kept := func() string {
			s, err := db.RawString(ctx, `SELECT COALESCE(string_agg(subject || ':' || CASE WHEN recipient_sealed = '' AND body_sealed = '' AND headers = '' THEN 'cleared' ELSE 'kept' END, ','), '')
				FROM (SELECT subject, recipient_sealed, body_sealed, headers FROM outbox ORDER BY id) o`)
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
		// Sent 40 days ago: cleared; sent now, failed now (queued now) and waiting: kept.
		n, err := db.ClearOldMail(ctx, now.Add(-30*24*time.Hour))
		if want := "Subject old@example.org:cleared,Subject recent@example.org:kept,Subject failed@example.org:kept,Subject waiting@example.org:kept"; err != nil || n != 1 || kept() != want {
			t.Errorf("after a 30-day sweep: %d cleared (%v), %s; want 1, %s", n, err, kept(), want)
		}
		audits := func() int {
			es, err := db.AuditEntries(ctx, store.AuditFilter{Actions: []string{"mail.cleared"}})
			if err != nil {
				t.Fatal(err)
			}
			return len(es)
		}
		if audits() != 1 {
			t.Errorf("mail.cleared entries: %d, want 1", audits())
		}
		// Everything sent or failed before a cutoff in the future; never the waiting one.
		n, err = db.ClearOldMail(ctx, now.Add(time.Hour))
		if want := "Subject old@example.org:cleared,Subject recent@example.org:cleared,Subject failed@example.org:cleared,Subject waiting@example.org:kept"; err != nil || n != 2 || kept() != want {
			t.Errorf("after a sweep of everything: %d cleared (%v), %s; want 2, %s", n, err, kept(), want)
		}
		if n, err := db.ClearOldMail(ctx, now.Add(time.Hour)); err != nil || n != 0 || audits() != 2 {
			t.Errorf("a sweep with nothing left: %d (%v), %d audit entries; want 0 and still 2", n, err, audits())
		}
		if counts, _ := db.MailCounts(ctx); counts["sent"] != 2 || counts["failed"] != 1 || counts["pending"] != 1 {
			t.Errorf("mail counts after clearing: %v", counts)
		}
		if items, _ := db.ClaimMail(ctx, now.Add(time.Hour), 10, time.Minute, nil); len(items) != 1 || items[0].To != "waiting@example.org" || !strings.Contains(items[0].Text, "CANARY") {
			t.Errorf("the waiting message after clearing: %+v", items)
		}
	})
}

// TestOutboxGivesUpOnAlteredMail: a message whose text was moved there from
// another message (or damaged) does not open; it is given up on, audited,
// and never sent, and the messages after it are still sent (the outbox is
// claimed oldest first, so failing the claim would stop all mail).
func TestOutboxGivesUpOnAlteredMail(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		err := db.Update(ctx, func(tx *store.Tx) error {
			for _, to := range []string{"first@example.org", "second@example.org", "third@example.org"} {
				if err := tx.QueueMail("test", to, "Subject", "Text for "+to, nil); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		// The third message's text put under the first message's recipient.
		if err := db.RawExec(ctx, `UPDATE outbox SET body_sealed = (SELECT body_sealed FROM outbox WHERE recipient_sealed <> '' ORDER BY id DESC LIMIT 1)
			WHERE id = (SELECT MIN(id) FROM outbox)`); err != nil {
			t.Fatal(err)
		}
		items, err := db.ClaimMail(ctx, time.Now(), 10, time.Minute, nil)
		if err != nil {
			t.Fatalf("one altered message stopped the claim: %v", err)
		}
		var to []string
		for _, it := range items {
			to = append(to, it.To)
			if strings.Contains(it.Text, "third") && it.To != "third@example.org" {
				t.Errorf("the third message's text is to be sent to %s", it.To)
			}
		}
		if strings.Join(to, " ") != "second@example.org third@example.org" {
			t.Errorf("claimed %v; want the second and third messages", to)
		}
		counts, err := db.MailCounts(ctx)
		if err != nil || counts["failed"] != 1 || counts["pending"] != 2 {
			t.Errorf("mail counts %v, %v; want the altered message failed", counts, err)
		}
		if n := countAudit(t, db, "seal.altered"); n != 1 {
			t.Errorf("%d seal.altered entries; want 1", n)
		}
		if again, err := db.ClaimMail(ctx, time.Now().Add(2*time.Minute), 10, time.Minute, nil); err != nil || len(again) != 2 {
			t.Errorf("after the leases end: %d claimed, %v; want the two good messages again and not the altered one", len(again), err)
		}
	})
}
