package timeline

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
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

// FuzzParseConfig feeds arbitrary bytes to ParseConfig, seeded with the
// shipped timeline. A refusal is a plain error with a message and a zero
// Config, and a *ConfigError names a field path (never "", nor a path
// ending in an empty name); an accepted config validates, encodes to JSON that parses
// back to the same encoding, and gives milestones inside their windows.
func FuzzParseConfig(f *testing.F) {
	f.Add([]byte(defaultJSON))
	for _, s := range []string{
		`{}`, `null`, `[]`, ``, `{} {}`, `{"end_months":0}`, `{"end_months":61}`,
		`{"ending_months":24,"end_months":24}`, `{"first_contact_days":50,"assessment_days":40}`,
		`{"end_months":24,"End_Months":12}`, `{"ſafety_plan_review_weeks":1}`, `{"colour":"red"}`,
		`{"timepoints":[{"key":"m6","label":"6 months","anchor":"age","months":6,"window_before_days":14,"window_after_days":14,"parents":["phq9"],"baby":["asq3"]}]}`,
		`{"timepoints":[{"key":"late","label":"Late","anchor":"gestation","weeks":36,"baby":["asq3"]}]}`,
		`{"timepoints":[{"key":"Bad","label":"x","anchor":"assessment"}]}`,
		`{"vig":{"antenatal_at_weeks":[32,32],"postnatal_at_months":[3]}}`,
		`{"modules":[{"key":"a","label":"A","phase":"any","target_sessions":2},{"key":"b","label":" a ","phase":"any"}]}`,
		`{"first_contact_days":"ten"}`, `{"timepoints":{}}`, `{"":1}`, `{"vig":{"":1,"":2}}`,
		`[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]`,
	} {
		f.Add([]byte(s))
	}
	base := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := ParseConfig(data)
		if err != nil {
			if err.Error() == "" || !reflect.DeepEqual(cfg, Config{}) {
				t.Fatalf("refused with %q but returned %+v", err, cfg)
			}
			var ce *ConfigError
			// A name can itself end in "." or be empty: the path must still
			// name something (an empty name is written "").
			if errors.As(err, &ce) && (ce.Field == "" || strings.HasSuffix(ce.Field, ".") && !strings.Contains(ce.Problem, "not a setting") || ce.Problem == "") {
				t.Fatalf("config error without a usable field or problem: %#v", ce)
			}
			return
		}
		if err := cfg.Validate(); err != nil {
			t.Fatalf("parsed but does not validate: %v", err)
		}
		out, err := json.Marshal(cfg)
		if err != nil {
			t.Fatal(err)
		}
		again, err := ParseConfig(out)
		if err != nil {
			t.Fatalf("round trip refused: %v\n%s", err, out)
		}
		if out2, _ := json.Marshal(again); !bytes.Equal(out, out2) {
			t.Fatalf("round trip changed the config:\n%s\n%s", out, out2)
		}
		// A family accepted, due, born and assessed on plausible days.
		facts := Facts{AcceptedOn: base, EDD: base.AddDate(0, 0, 60), BornOn: base.AddDate(0, 0, 55),
			AssessmentCompletedOn: base.AddDate(0, 0, 30), Today: base.AddDate(0, 0, 400)}
		for _, m := range Milestones(cfg, facts) {
			if m.Key == "" || m.Label == "" || m.WindowStart.After(m.Due) || m.Due.After(m.WindowEnd) || m.Due.Before(base) {
				t.Fatalf("malformed milestone %s", row(m))
			}
		}
		_ = CurrentModules(cfg, StageOf(cfg, facts))
	})
}
