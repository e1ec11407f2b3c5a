package store

import (
	"sync"
	"time"
)

// caseloadCache keeps what a caseload read about each family (its people,
// last contacts, progress, pauses and safety plan reviews), with the
// family's count from caseload_changes when it was read. Migration 20's
// triggers add one to a family's count whenever a row the caseload reads
// about it is written, in the same transaction, so an entry whose count
// still matches the database's is what a fresh read would give; a
// caseload reads again only the families whose count moved. The counts are
// in the database, so several servers sharing one stay correct.
//
// Only the reading is shared: every caseload is still scoped by the
// actor's role, each family checked by the policy and the view audited.
// Entries are shared between requests and must not be changed.
type caseloadCache struct {
	mu sync.Mutex
	// epoch is caseload_changes' family 0 when the entries were read: it
	// moves when a name every family shows (area, staff) changes, a
	// staff account is disabled or enabled, or a family is erased, and
	// then every entry goes.
	epoch int64
	m     map[int64]cachedCaseload
}

type cachedCaseload struct {
	n     int64 // the family's count when read
	at    time.Time
	entry CaseloadEntry
}

const (
	// maxCaseloadEntries bounds the cache's memory: an entry is about 5 KB
	// (measured on the bench's seed), so 8,000 are some 40 MB, and the
	// garbage collector's headroom as much again. That is twice the
	// families every manager's and DSL's caseloads list together in the
	// bench at 100,000 families; past it, entries make room at random.
	maxCaseloadEntries = 8000
	// caseloadEntryTTL re-reads an entry however still its count: a
	// defence against a change no trigger sees, not the means of keeping
	// entries right.
	caseloadEntryTTL = 10 * time.Minute
)

// lookup returns the entries of ids whose counts still match, and the ids
// to read. An epoch other than the cache's empties it.
func (c *caseloadCache) lookup(epoch int64, ids, counts []int64, now time.Time) ([]CaseloadEntry, []int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if epoch != c.epoch {
		c.m, c.epoch = nil, epoch
	}
	// In ids' order, a zero entry for each miss: a DSL's 500 entries of
	// 600 bytes were a map and then a list again.
	hit := make([]CaseloadEntry, len(ids))
	var miss []int64
	for i, id := range ids {
		e, ok := c.m[id]
		if ok && e.n == counts[i] && now.Sub(e.at) < caseloadEntryTTL && !now.Before(e.at) {
			hit[i] = e.entry
			continue
		}
		miss = append(miss, id)
	}
	return hit, miss
}

// put keeps the entries read at epoch, each with its family's count as
// read before the entries were (ids and counts as given to lookup), so an
// entry is never older than its count. If the epoch has moved on since,
// they are not kept: they may hold an old name.
func (c *caseloadCache) put(epoch int64, entries map[int64]CaseloadEntry, ids, counts []int64, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if epoch != c.epoch {
		return
	}
	if c.m == nil {
		c.m = make(map[int64]cachedCaseload, len(entries))
	}
	if len(c.m)+len(entries) > maxCaseloadEntries {
		for id, e := range c.m {
			if now.Sub(e.at) >= caseloadEntryTTL {
				delete(c.m, id)
			}
		}
		// Still full: drop others until the new ones fit (a map's order
		// is random, so these are any), rather than all of them.
		for id := range c.m {
			if len(c.m)+len(entries) <= maxCaseloadEntries {
				break
			}
			delete(c.m, id)
		}
	}
	for i, id := range ids {
		if e, ok := entries[id]; ok {
			c.m[id] = cachedCaseload{n: counts[i], at: now, entry: e}
		}
	}
}

// forget drops every entry, as a move of the epoch would.
func (c *caseloadCache) forget() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m = nil
}
