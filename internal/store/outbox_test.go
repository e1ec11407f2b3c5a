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
					items, err := db.ClaimMail(ctx, now, 4, time.Minute)
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
		if items, _ := db.ClaimMail(ctx, now.Add(30*time.Second), 100, time.Minute); len(items) != 0 {
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
		if items, _ := db.ClaimMail(ctx, now.Add(2*time.Minute), 100, time.Minute); len(items) != 0 {
			t.Errorf("retry came back early: %d", len(items))
		}
		items, _ := db.ClaimMail(ctx, now.Add(6*time.Minute), 100, time.Minute)
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
