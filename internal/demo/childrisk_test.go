package demo

import (
	"strings"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/risk"
	"github.com/cradle-org/cradle/internal/store"
)

func TestDemoChildRisks(t *testing.T) {
	today := time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name             string
		accepted, bornOn time.Time
		children         bool
		wantOn           []time.Time
	}{
		{"accepted a week ago: assessed today", today.AddDate(0, 0, -7), time.Time{}, false, []time.Time{today}},
		{"in pregnancy", today.AddDate(0, -2, 0), time.Time{}, true, []time.Time{today.AddDate(0, -2, 14)}},
		{"born three weeks ago: not yet again", today.AddDate(0, -5, 0), today.AddDate(0, 0, -21), false, []time.Time{today.AddDate(0, -5, 14)}},
		{"born two months ago", today.AddDate(0, -5, 0), today.AddDate(0, -2, 0), false, []time.Time{today.AddDate(0, -5, 14), today.AddDate(0, -1, 0)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := demoChildRisks(4, tc.children, tc.accepted, tc.bornOn, 55, today, 7)
			if len(got) != len(tc.wantOn) {
				t.Fatalf("%d assessments, want %d: %+v", len(got), len(tc.wantOn), got)
			}
			for i, c := range got {
				if !c.On.Equal(tc.wantOn[i]) || c.By != 7 || c.Validate() != nil {
					t.Errorf("assessment %d: on %s by %d (%v), want on %s", i, c.On, c.By, c.Validate(), tc.wantOn[i])
				}
			}
			if len(got) == 2 && (got[1].Level != risk.Standard || got[1].ChildID != 55) {
				t.Errorf("after the birth: %s about person %d, want standard about the baby (55)", got[1].Level, got[1].ChildID)
			}
			if got[0].ChildID != store.AllChildren {
				t.Errorf("the first is about person %d, want all the children", got[0].ChildID)
			}
			if mentions := strings.Contains(got[0].Concerns, "older child"); mentions != tc.children {
				t.Errorf("other children mentioned %v, want %v", mentions, tc.children)
			}
		})
	}
}
