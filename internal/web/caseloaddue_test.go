package web

import (
	"slices"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/family"
	"github.com/cradle-org/cradle/internal/store"
	"github.com/cradle-org/cradle/internal/timeline"
)

// What the caseload keeps of a family is by the store's reading of it and
// the day: a milestone becomes overdue at midnight with nothing changed, a
// new reading is worked out afresh, a reading the store does not vouch for
// (0) is never kept, and the memo stays within its bound.
func TestDuesFollowTheReadingAndTheDay(t *testing.T) {
	tl, err := timeline.DefaultConfig()
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{cfg: Config{Timeline: tl, Now: time.Now}}
	accepted := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	f := family.Family{ID: 7, Stage: family.Assessment, AcceptedOn: accepted, EDD: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC),
		People: []family.Person{{ID: 1, FamilyID: 7, Kind: family.Parent, ParentSlot: 1, Active: true}, {ID: 2, FamilyID: 7, Kind: family.Parent, ParentSlot: 2, Active: true}}}
	entry := func(read uint64, p store.Progress) store.CaseloadEntry {
		return store.CaseloadEntry{FamilyID: f.ID, Family: f, Parents: f.Parents(), Progress: p, Read: read}
	}
	// First contact: due from acceptance, overdue after its last day.
	var contact timeline.Milestone
	for _, m := range timeline.Milestones(tl, timeline.Facts{AcceptedOn: f.AcceptedOn, EDD: f.EDD}) {
		if m.Kind == timeline.KindContact {
			contact = m
		}
	}
	last := contact.WindowEnd
	if last.IsZero() {
		last = contact.Due
	}
	if last.IsZero() {
		t.Fatal("the timeline has no first contact")
	}
	late := time.Date(last.Year(), last.Month(), last.Day(), 23, 50, 0, 0, time.UTC)
	early := late.Add(20 * time.Minute) // the next day
	overdue := func(d familyDue) bool { return slices.Contains(d.parents[1].overdue, contact.Label) }

	if d := s.duesOf([]store.CaseloadEntry{entry(1, store.Progress{})}, late)[0]; overdue(d) {
		t.Fatalf("on its last day, %q is overdue: %+v", contact.Label, d)
	}
	if d := s.duesOf([]store.CaseloadEntry{entry(1, store.Progress{})}, early)[0]; !overdue(d) || !overdue(s.dues.m[f.ID].due) {
		t.Fatalf("the day after its last day, the same reading does not show %q overdue: %+v", contact.Label, d)
	}
	// A new reading (a session held) is worked out afresh the same day.
	if d := s.duesOf([]store.CaseloadEntry{entry(2, store.Progress{SessionsHeld: 1})}, early)[0]; overdue(d) {
		t.Fatalf("after a session, %q is still overdue", contact.Label)
	}
	// A parent who has left the programme is asked for nothing; the other
	// parent still is.
	left := entry(9, store.Progress{})
	left.Parents = []family.Person{f.People[0], f.People[1]}
	left.Parents[0].Active = false
	if d := s.duesOf([]store.CaseloadEntry{left}, early)[0]; overdue(d) || d.parents[1].next != nil || !slices.Contains(d.parents[2].overdue, contact.Label) {
		t.Fatalf("a parent who left: %+v; want nothing due of them, and %q overdue for the other", d, contact.Label)
	}
	// The caller's rows may grow their overdue lists without touching what
	// is kept: a year on, with three or more overdue, none has room to grow.
	s.duesOf([]store.CaseloadEntry{entry(3, store.Progress{})}, early.AddDate(1, 0, 0))
	kept := s.dues.m[f.ID].due.parents[1].overdue
	if len(kept) < 3 || cap(kept) != len(kept) {
		t.Errorf("a kept overdue list of %d has room for %d: appending would write into it", len(kept), cap(kept))
	}
	s.dues.m = nil
	s.duesOf([]store.CaseloadEntry{entry(0, store.Progress{})}, early)
	if len(s.dues.m) != 0 {
		t.Errorf("a reading numbered 0 was kept")
	}
	var batch []store.CaseloadEntry
	for id := int64(1); id <= maxKeptDue+50; id++ {
		e := entry(uint64(id), store.Progress{})
		e.FamilyID = id
		batch = append(batch, e)
	}
	s.duesOf(batch, early)
	if len(s.dues.m) > maxKeptDue || len(s.dues.m) < maxKeptDue-50 {
		t.Errorf("the memo holds %d families; want at most %d, and near it", len(s.dues.m), maxKeptDue)
	}
}
