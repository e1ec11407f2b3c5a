package store

import (
	"testing"
	"time"
)

// The caseload cache's own rules: an entry is used only with its count and
// epoch, for its time to live; an old epoch's read is not kept; and a full
// cache makes room for new entries without exceeding its bound.
func TestCaseloadCacheRules(t *testing.T) {
	now := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	batch := func(from, n int64) (map[int64]CaseloadEntry, []int64, []int64) {
		es, ids, ns := map[int64]CaseloadEntry{}, []int64{}, []int64{}
		for id := from; id < from+n; id++ {
			es[id], ids, ns = CaseloadEntry{FamilyID: id}, append(ids, id), append(ns, 7)
		}
		return es, ids, ns
	}
	var c caseloadCache
	if _, miss := c.lookup(3, []int64{1}, []int64{7}, now); len(miss) != 1 {
		t.Fatalf("an empty cache answered: %v", miss)
	}
	es, ids, ns := batch(1, 2)
	c.put(3, es, ids, ns, now)
	for _, tc := range []struct {
		name    string
		epoch   int64
		count   int64
		at      time.Time
		wantHit bool
	}{
		{"same count and epoch", 3, 7, now, true},
		{"within its time", 3, 7, now.Add(caseloadEntryTTL - time.Second), true},
		{"a moved count", 3, 8, now, false},
		{"past its time", 3, 7, now.Add(caseloadEntryTTL), false},
		{"a clock gone back", 3, 7, now.Add(-time.Second), false},
	} {
		hit, miss := c.lookup(tc.epoch, []int64{1}, []int64{tc.count}, tc.at)
		if ok := len(hit) == 1 && hit[0].FamilyID == 1; ok != tc.wantHit || (len(miss) == 0) != tc.wantHit {
			t.Errorf("%s: hit %v, miss %v", tc.name, hit, miss)
		}
	}
	if hit, miss := c.lookup(4, []int64{1, 2}, []int64{7, 7}, now); len(hit) != 2 || hit[0].FamilyID != 0 || hit[1].FamilyID != 0 || len(miss) != 2 || c.m != nil {
		t.Errorf("a new epoch kept %d entries", len(c.m))
	}
	c.put(3, es, ids, ns, now) // read under the old epoch: not kept
	if len(c.m) != 0 {
		t.Errorf("an old epoch's read was kept: %d", len(c.m))
	}
	for from := int64(1); from < 3*maxCaseloadEntries; from += 500 {
		es, ids, ns := batch(from, 500)
		c.put(4, es, ids, ns, now)
		if len(c.m) > maxCaseloadEntries {
			t.Fatalf("the cache holds %d entries, over its bound of %d", len(c.m), maxCaseloadEntries)
		}
		for id := range es {
			if _, ok := c.m[id]; !ok {
				t.Fatalf("the newest read (from %d) was not kept", from)
			}
		}
	}
	if len(c.m) < maxCaseloadEntries-500 {
		t.Errorf("a full cache kept only %d entries", len(c.m))
	}
	c.forget()
	if len(c.m) != 0 {
		t.Errorf("forget kept %d entries", len(c.m))
	}
}
