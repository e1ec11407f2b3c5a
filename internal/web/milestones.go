package web

import (
	"sync"
	"time"

	"github.com/cradle-org/cradle/internal/timeline"
)

// milestoneMemo keeps each family's programme timeline by the facts it was
// worked out from. A caseload works out the timeline of every family it
// lists (up to 500) on every view, to sort by what is overdue, and the
// facts (acceptance, due date, birth, assessment, closure) seldom change;
// the milestones depend on nothing else (not on today: what is overdue is
// worked out from them per view). The lists are shared: read only.
type milestoneMemo struct {
	mu sync.Mutex
	m  map[timeline.Facts][]timeline.Milestone
}

// maxMemoFacts bounds the memo (a timeline is 1–2 KB), as the store bounds
// its caseload entries; a full memo starts again.
const maxMemoFacts = 8000

// of returns the milestones cfg gives for f.
func (c *milestoneMemo) of(cfg timeline.Config, f timeline.Facts) []timeline.Milestone {
	f.Today = time.Time{} // Milestones does not read it
	c.mu.Lock()
	ms, ok := c.m[f]
	c.mu.Unlock()
	if ok {
		return ms
	}
	ms = timeline.Milestones(cfg, f)
	c.mu.Lock()
	if c.m == nil || len(c.m) >= maxMemoFacts {
		c.m = make(map[timeline.Facts][]timeline.Milestone)
	}
	c.m[f] = ms
	c.mu.Unlock()
	return ms
}
