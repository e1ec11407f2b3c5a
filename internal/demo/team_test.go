package demo

import (
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/sharing"
)

// The demo's teams around the baby pass the checks a practitioner's entry
// would, and each member who left did so after joining and by today.
func TestDemoTeam(t *testing.T) {
	today := time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC)
	accepted := today.AddDate(0, -8, 0)
	cases := []struct {
		name          string
		n             int
		born          time.Time
		current, left int
	}{
		{"expecting, social worker handed over", 0, time.Time{}, 2, 1},
		{"expecting", 1, time.Time{}, 2, 0},
		{"born five weeks ago", 2, today.AddDate(0, 0, -35), 2, 2},
		{"born a week ago", 3, today.AddDate(0, 0, -7), 3, 0},
	}
	for _, tc := range cases {
		team := demoTeam(tc.n, "Hertfordshire", accepted, tc.born, today)
		var current, left int
		for _, p := range team {
			q := p
			if err := q.Validate(); err != nil {
				t.Errorf("%s: %s: %v", tc.name, p.Name, err)
			}
			if p.LeftOn.IsZero() {
				current++
				continue
			}
			left++
			if err := sharing.CheckLeft(p.LeftOn, p.Since, today); err != nil {
				t.Errorf("%s: %s left on %v: %v", tc.name, p.Name, p.LeftOn, err)
			}
		}
		if current != tc.current || left != tc.left {
			t.Errorf("%s: %d in the team and %d left, want %d and %d", tc.name, current, left, tc.current, tc.left)
		}
	}
}
