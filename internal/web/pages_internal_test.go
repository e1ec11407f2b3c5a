package web

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/family"
	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/risk"
	"github.com/cradle-org/cradle/internal/store"
)

// TestShownOverdue: a caseload row lists its pinned warnings, then the
// milestones most recently due, up to three, and counts the rest.
func TestShownOverdue(t *testing.T) {
	milestones := []string{"Baseline measures", "Antenatal VIG", "6-month measures", "VIG cycle 2"}
	for _, tc := range []struct {
		name    string
		overdue []string
		pinned  int
		shown   []string
		more    int
	}{
		{"nothing", nil, 0, nil, 0},
		{"two milestones", milestones[:2], 0, []string{"Antenatal VIG", "Baseline measures"}, 0},
		{"four milestones", milestones, 0, []string{"VIG cycle 2", "6-month measures", "Antenatal VIG"}, 1},
		{"no contact and four", append([]string{"No contact for 40 days"}, milestones...), 1, []string{"No contact for 40 days", "VIG cycle 2", "6-month measures"}, 2},
		{"two pinned and four", append([]string{"No contact for 40 days", "Safety plan review overdue"}, milestones...), 2, []string{"No contact for 40 days", "Safety plan review overdue", "VIG cycle 2"}, 3},
		{"only pinned", []string{"No contact for 40 days", "Safety plan review overdue"}, 2, []string{"No contact for 40 days", "Safety plan review overdue"}, 0},
	} {
		shown, more := shownOverdue(tc.overdue, tc.pinned)
		if !reflect.DeepEqual(shown, tc.shown) || more != tc.more {
			t.Errorf("%s: %q and %d more; want %q and %d", tc.name, shown, more, tc.shown, tc.more)
		}
	}
}

// A caseload is ordered by how much needs attention, then by the longest
// without contact (from acceptance for a parent never seen); each row pins no contact (not while paused) and an
// overdue safety plan review before its milestones; a practitioner sees
// only their own parents; the team summary counts every parent's items
// and those at high risk.
func TestCaseListOrderAndRows(t *testing.T) {
	now := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	day := func(n int) time.Time { return now.AddDate(0, 0, -n) }
	person := func(id, prac int64, name string) family.Person {
		return family.Person{ID: id, GivenName: "Parent", FamilyName: strconv.FormatInt(id, 10), PractitionerID: prac, PractitionerName: name, Active: true}
	}
	left := person(41, 7, "Ann")
	left.Active = false
	left.PractitionerDisabled = true // no one need be allocated to a parent who left
	list := []store.CaseloadEntry{
		{FamilyID: 1, Reference: "F1", Family: family.Family{AcceptedOn: day(90)},
			Parents:     []family.Person{person(11, 7, "Ann"), person(12, 8, "Bob")},
			LastContact: map[int64]time.Time{12: day(3)},
			Paused:      map[int64]string{11: "health"}},
		{FamilyID: 2, Reference: "F2", Family: family.Family{AcceptedOn: day(90)},
			Parents:     []family.Person{person(21, 7, "Ann"), person(22, 0, "")},
			LastContact: map[int64]time.Time{21: day(30)},
			Progress:    store.Progress{PlanReviewOn: map[int64]time.Time{21: day(2)}},
			RiskLevel:   map[int64]risk.Level{21: risk.High, 22: risk.Medium}},
		{FamilyID: 3, Reference: "F3", Family: family.Family{AcceptedOn: day(5)},
			Parents: []family.Person{person(31, 7, "Ann")}},
		// Ann's parent who left: never seen in 90 days and their plan's
		// review overdue, but nothing is asked of them.
		{FamilyID: 4, Reference: "F4", Family: family.Family{AcceptedOn: day(90)},
			Parents:     []family.Person{left, person(42, 8, "Bob")},
			LastContact: map[int64]time.Time{42: day(1)},
			Progress:    store.Progress{PlanReviewOn: map[int64]time.Time{41: day(2)}}},
	}
	dues := []familyDue{
		{stage: family.Postnatal, parents: map[int64]parentDue{11: {overdue: []string{"6-month measures"}}, 12: {overdue: []string{"6-month measures"}}}},
		{stage: family.Antenatal, parents: map[int64]parentDue{21: {overdue: []string{"VIG cycle 1"}}, 22: {}}},
		{stage: family.Antenatal, parents: map[int64]parentDue{}},
		{stage: family.Antenatal, parents: map[int64]parentDue{41: {}, 42: {}}},
	}
	cl := &caseList{list: list, dues: dues, now: now}
	cl.order(policy.TeamManager, 99)
	var got []string
	for _, ref := range cl.refs {
		r := cl.row(ref)
		got = append(got, fmt.Sprintf("%d %q %q %v", r.Parent.ID, r.Overdue, r.Paused, !r.Parent.Active))
	}
	want := []string{
		`21 ["No contact for 30 days" "Safety plan review overdue" "VIG cycle 1"] "" false`,
		// One item each: never seen in 90 days, paused and never seen in
		// 90 days (in list order), seen 3 days ago.
		`11 ["6-month measures"] "Health" false`,
		`22 ["No contact for 90 days"] "" false`,
		`12 ["6-month measures"] "" false`,
		// Nothing: accepted 5 days ago, seen yesterday, left.
		`31 [] "" false`,
		`42 [] "" false`,
		`41 [] "" true`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("rows:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if r := cl.row(cl.refs[0]); r.pinned != 2 || r.Stage != family.Antenatal || r.FamilyID != 2 {
		t.Errorf("first row: pinned %d, stage %q, family %d", r.pinned, r.Stage, r.FamilyID)
	}
	wantTeam := []teamRow{{ID: 7, Name: "Ann", Parents: 4, Away: 1, Overdue: 4, HighRisk: 1}, {ID: 8, Name: "Bob", Parents: 2, Overdue: 1}, {ID: 0, Name: "Not allocated", Parents: 1, Overdue: 1}}
	if !slices.Equal(cl.team, wantTeam) {
		t.Errorf("team %+v; want %+v", cl.team, wantTeam)
	}
	own := &caseList{list: list, dues: dues, now: now}
	own.order(policy.Practitioner, 8)
	if len(own.refs) != 2 || own.row(own.refs[0]).Parent.ID != 12 || own.row(own.refs[1]).Parent.ID != 42 {
		t.Errorf("Bob's own caseload: %+v; want parents 12 and 42", own.refs)
	}
}

// TestChildRiskChoice: "who is the assessment about?" offers all the
// children, then each child by name (the baby as the baby, by name once
// named), and an answer that is none of those reaches the store as
// store.ChildUnknown, which it refuses.
func TestChildRiskChoice(t *testing.T) {
	f := family.Family{People: []family.Person{
		{ID: 1, Kind: family.Parent, ParentSlot: 1, GivenName: "Amy"},
		{ID: 2, Kind: family.Baby, FamilyName: "Foster"},
		{ID: 3, Kind: family.Child, GivenName: "Leo", FamilyName: "Price"},
	}}
	labels := func(f family.Family) string {
		var out []string
		for _, o := range childRiskOptions(f) {
			out = append(out, o.Value+"="+o.Label)
		}
		return strings.Join(out, "; ")
	}
	if got, want := labels(f), "all=The baby and all the other children; 2=The baby alone; 3=Leo Price"; got != want {
		t.Errorf("the baby unnamed:\n got %s\nwant %s", got, want)
	}
	f.People[1].GivenName = "Lily"
	if got, want := labels(f), "all=The baby and all the other children; 2=Lily Foster, the baby; 3=Leo Price"; got != want {
		t.Errorf("the baby named:\n got %s\nwant %s", got, want)
	}
	for v, want := range map[string]int64{"": store.ChildNotChosen, "all": store.AllChildren, "3": 3,
		"0": store.ChildUnknown, "-1": store.ChildUnknown, "-2": store.ChildUnknown, "Leo": store.ChildUnknown, "3x": store.ChildUnknown} {
		if got := childAbout(v); got != want {
			t.Errorf("childAbout(%q) = %d, want %d", v, got, want)
		}
	}
}
