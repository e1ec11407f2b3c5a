package web

import (
	"reflect"
	"testing"
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
