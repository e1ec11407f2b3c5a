package web

import (
	"slices"
	"sync"
	"time"

	"github.com/cradle-org/cradle/internal/eligibility"
	"github.com/cradle-org/cradle/internal/family"
	"github.com/cradle-org/cradle/internal/store"
	"github.com/cradle-org/cradle/internal/timeline"
)

// familyDue is what a caseload works out for one family from its entry
// and the day alone: the family's stage and, for each parent, the
// milestones overdue (in timeline order) and the next to come. Working it
// out for every family of a DSL's caseload was a tenth of the mixed
// workload's CPU, and it changes only when the family does or the day
// turns.
type familyDue struct {
	stage   family.Stage
	parents map[int64]parentDue
}

type parentDue struct {
	// overdue is shared between views: clipped, so appending copies, and
	// never written to.
	overdue []string
	next    *timeline.Milestone
}

// dueOf works familyDue out. now is the view's time; only its day counts.
func (s *Server) dueOf(c store.CaseloadEntry, now time.Time) familyDue {
	// Whether each milestone is done (the family's; measures are each
	// parent's) or overdue is worked out once a family, for both parents.
	const (
		toCome = iota
		overdue
		done
	)
	facts := s.timelineFacts(c.Family)
	facts.Today = now
	milestones := s.milestones.of(s.cfg.Timeline, facts)
	baby := int64(0)
	if b, ok := c.Family.Baby(); ok {
		baby = b.ID
	}
	status := make([]int8, len(milestones))
	for i, m := range milestones {
		switch {
		case m.Kind != timeline.KindMeasure && milestoneDone(s.cfg.Timeline, m, c.Family, c.Progress):
			status[i] = done
		case timeline.Overdue(m, now):
			status[i] = overdue
		default:
			status[i] = toCome
		}
	}
	d := familyDue{stage: timeline.StageOf(s.cfg.Timeline, facts), parents: make(map[int64]parentDue, len(c.Parents))}
	for _, p := range c.Parents {
		// Outcome measures are due per parent (and the baby's on both
		// parents' rows); everything else is the family's. A parent who
		// has left the programme is asked for nothing until they rejoin.
		var pd parentDue
		if !p.Active {
			d.parents[p.ID] = pd
			continue
		}
		for i, m := range milestones {
			if status[i] == done || m.Kind == timeline.KindMeasure && s.measuresDone(m, c.Progress, p.ID, baby) {
				continue
			}
			if status[i] == overdue {
				pd.overdue = append(pd.overdue, m.Label)
			} else if pd.next == nil {
				m := m
				pd.next = &m
			}
		}
		pd.overdue = slices.Clip(pd.overdue)
		d.parents[p.ID] = pd
	}
	return d
}

// dueMemo keeps each family's familyDue by the reading of the family it
// was worked out from (store.CaseloadEntry.Read: the store's caseload
// cache hands out the same reading until the family changes) and the day.
// It holds no personal details, only milestone labels and dates, and is
// read only for families the store has already listed for the viewer.
type dueMemo struct {
	mu sync.Mutex
	m  map[int64]keptDue
}

type keptDue struct {
	read uint64
	day  time.Time
	due  familyDue
}

// maxKeptDue bounds the memo (an entry is a few hundred bytes); past it,
// entries make room at random, as the store's caseload cache does.
const maxKeptDue = 20000

// duesOf returns each entry's familyDue on now's day, in the entries' order,
// working out those not kept.
func (s *Server) duesOf(list []store.CaseloadEntry, now time.Time) []familyDue {
	c := &s.dues
	day := eligibility.DateOf(now)
	out := make([]familyDue, len(list))
	var missing []int
	c.mu.Lock()
	for i, e := range list {
		k, ok := c.m[e.FamilyID]
		if ok && e.Read != 0 && k.read == e.Read && k.day.Equal(day) {
			out[i] = k.due
			continue
		}
		missing = append(missing, i)
	}
	c.mu.Unlock()
	if len(missing) == 0 {
		return out
	}
	for _, i := range missing {
		out[i] = s.dueOf(list[i], now)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = make(map[int64]keptDue)
	}
	for _, i := range missing {
		e := list[i]
		if e.Read == 0 {
			continue // not a reading the store vouches for
		}
		if _, ok := c.m[e.FamilyID]; !ok && len(c.m) >= maxKeptDue {
			for id := range c.m {
				delete(c.m, id)
				break
			}
		}
		c.m[e.FamilyID] = keptDue{read: e.Read, day: day, due: out[i]}
	}
	return out
}
