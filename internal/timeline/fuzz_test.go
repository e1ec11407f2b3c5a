package timeline

import (
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/family"
)

// FuzzMilestones feeds random dates (days either side of 1 January 2027,
// each maybe left unset) and config numbers, and checks the promises
// Milestones makes whatever the input.
func FuzzMilestones(f *testing.F) {
	f.Add(int16(-84), int16(0), int16(0), int16(-42), int16(0), int16(0), uint8(0b00011), uint8(12), uint8(22), uint8(24))
	f.Add(int16(150), int16(0), int16(-30), int16(0), int16(0), int16(200), uint8(0b00111), uint8(12), uint8(22), uint8(24))
	f.Add(int16(0), int16(59), int16(59), int16(10), int16(400), int16(800), uint8(0b11111), uint8(1), uint8(1), uint8(2))
	f.Add(int16(-32768), int16(32767), int16(-32768), int16(32767), int16(0), int16(0), uint8(0b10111), uint8(52), uint8(59), uint8(60))
	base := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, accepted, edd, born, assessed, closed, today int16, set, reviewWeeks, endingMonths, endMonths uint8) {
		cfg, err := DefaultConfig()
		if err != nil {
			t.Fatal(err)
		}
		cfg.SafetyPlanReviewWeeks = 1 + int(reviewWeeks)%52
		cfg.EndMonths = 1 + int(endMonths)%60
		cfg.EndingMonths = int(endingMonths) % cfg.EndMonths
		// Keep the config valid: drop what no longer fits the new end.
		var tps []Timepoint
		for _, tp := range cfg.Timepoints {
			if tp.Anchor != AnchorAge || tp.Months <= cfg.EndMonths {
				tps = append(tps, tp)
			}
		}
		cfg.Timepoints = tps
		var vig []int
		for _, m := range cfg.VIG.PostnatalAtMonths {
			if m <= cfg.EndMonths {
				vig = append(vig, m)
			}
		}
		cfg.VIG.PostnatalAtMonths = vig
		if err := cfg.Validate(); err != nil {
			t.Fatalf("fuzz config invalid: %v", err)
		}

		day := func(bit uint, n int16) time.Time {
			if set&(1<<bit) == 0 {
				return time.Time{}
			}
			return base.AddDate(0, 0, int(n))
		}
		facts := Facts{
			AcceptedOn:            day(0, accepted),
			EDD:                   day(1, edd),
			BornOn:                day(2, born),
			AssessmentCompletedOn: day(3, assessed),
			ClosedOn:              day(4, closed),
			Today:                 base.AddDate(0, 0, int(today)),
		}
		ms := Milestones(cfg, facts)
		end, provisional := EndDate(cfg, facts)
		if provisional != facts.BornOn.IsZero() {
			t.Errorf("EndDate provisional = %v with BornOn %v", provisional, facts.BornOn)
		}
		if facts.AcceptedOn.IsZero() && len(ms) != 0 {
			t.Fatalf("not accepted, yet %d milestones", len(ms))
		}
		keys := map[string]bool{}
		for i, m := range ms {
			if keys[m.Key] {
				t.Errorf("duplicate key %s", m.Key)
			}
			keys[m.Key] = true
			if i > 0 {
				p := ms[i-1]
				if p.Due.After(m.Due) || (p.Due.Equal(m.Due) && p.Key >= m.Key) {
					t.Errorf("not sorted: %s then %s", row(p), row(m))
				}
			}
			if m.Due.Before(facts.AcceptedOn) || m.WindowStart.Before(facts.AcceptedOn) {
				t.Errorf("%s before acceptance %v", row(m), facts.AcceptedOn)
			}
			if m.WindowStart.After(m.Due) || m.Due.After(m.WindowEnd) {
				t.Errorf("%s: due outside its window", row(m))
			}
			if !end.IsZero() {
				if m.Kind == KindClosure {
					if m.Due.After(end) {
						t.Errorf("closure %s after the end date %v", row(m), end)
					}
				} else if m.WindowEnd.After(end) {
					t.Errorf("%s after the end date %v", row(m), end)
				}
			}
			if !facts.ClosedOn.IsZero() && m.WindowEnd.After(facts.ClosedOn) && m.Due.Before(end) {
				t.Errorf("%s after an early closure on %v", row(m), facts.ClosedOn)
			}
			if m.Provisional && !facts.BornOn.IsZero() {
				t.Errorf("%s provisional after the birth", row(m))
			}
			if m.Due.Location() != time.UTC || m.Due.Hour() != 0 || m.Key == "" || m.Label == "" {
				t.Errorf("malformed %+v", m)
			}
		}

		stage := StageOf(cfg, facts)
		valid := false
		for _, s := range family.Stages() {
			valid = valid || s == stage
		}
		if !valid {
			t.Errorf("StageOf = %q", stage)
		}
		_ = CurrentModules(cfg, stage)
		if !facts.BornOn.IsZero() && AgeString(facts.BornOn, facts.Today) == "" {
			t.Errorf("empty AgeString")
		}
	})
}
