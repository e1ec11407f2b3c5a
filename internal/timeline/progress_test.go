package timeline

import (
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/family"
)

func TestProgress(t *testing.T) {
	cfg := Config{Modules: []Module{
		{Key: "before", Label: "Before", Phase: PhaseAntenatal, TargetSessions: 4},
		{Key: "after", Label: "After", Phase: PhasePostnatal, TargetSessions: 2},
		{Key: "any", Label: "Any", Phase: PhaseAny, TargetSessions: 3},
		{Key: "open", Label: "Open-ended", Phase: PhaseAny}, // no target
	}}
	tests := []struct {
		name     string
		stage    family.Stage
		attended map[string]int
		want     map[string]ModuleStatus
	}{
		{"nothing yet, before the birth", family.Antenatal, nil,
			map[string]ModuleStatus{"before": ModuleNotStarted, "after": ModuleLater, "any": ModuleNotStarted, "open": ModuleNotStarted}},
		{"assessment counts as before the birth", family.Assessment, map[string]int{"before": 1},
			map[string]ModuleStatus{"before": ModuleUnderWay, "after": ModuleLater}},
		{"under way and reached before the birth", family.Antenatal, map[string]int{"before": 4, "any": 2, "open": 9},
			map[string]ModuleStatus{"before": ModuleReached, "any": ModuleUnderWay, "open": ModuleUnderWay}},
		{"more than the target is reached", family.Antenatal, map[string]int{"before": 7},
			map[string]ModuleStatus{"before": ModuleReached}},
		{"a postnatal module begun early is under way", family.Antenatal, map[string]int{"after": 1},
			map[string]ModuleStatus{"after": ModuleUnderWay}},
		{"after the birth an antenatal module short of its target is missed", family.Postnatal, map[string]int{"before": 3},
			map[string]ModuleStatus{"before": ModuleMissed, "after": ModuleNotStarted, "any": ModuleNotStarted}},
		{"after the birth an antenatal module never begun is missed", family.Birth, nil,
			map[string]ModuleStatus{"before": ModuleMissed}},
		{"after the birth a reached antenatal module stays reached", family.Ending, map[string]int{"before": 4, "after": 2},
			map[string]ModuleStatus{"before": ModuleReached, "after": ModuleReached}},
		{"a closed case shows what was done, nothing missed or later", family.Closed, map[string]int{"before": 1},
			map[string]ModuleStatus{"before": ModuleUnderWay, "after": ModuleNotStarted, "any": ModuleNotStarted}},
		{"an unknown stage is neither before nor after", family.Stage("nonsense"), nil,
			map[string]ModuleStatus{"before": ModuleNotStarted, "after": ModuleNotStarted}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Progress(cfg, tt.stage, tt.attended)
			if len(got.Modules) != len(cfg.Modules) {
				t.Fatalf("got %d modules, want %d", len(got.Modules), len(cfg.Modules))
			}
			for i, p := range got.Modules {
				if p.Module.Key != cfg.Modules[i].Key {
					t.Errorf("module %d is %q, want the config's order (%q)", i, p.Module.Key, cfg.Modules[i].Key)
				}
				if p.Attended != tt.attended[p.Module.Key] {
					t.Errorf("%s: attended %d, want %d", p.Module.Key, p.Attended, tt.attended[p.Module.Key])
				}
				if want, ok := tt.want[p.Module.Key]; ok && p.Status != want {
					t.Errorf("%s: status %q, want %q", p.Module.Key, p.Status, want)
				}
			}
		})
	}
}

func TestProgressCountsSessionsOutsideTheList(t *testing.T) {
	cfg := Config{Modules: []Module{{Key: "kept", Label: "Kept", Phase: PhaseAny, TargetSessions: 2}}}
	got := Progress(cfg, family.Postnatal, map[string]int{"kept": 1, "dropped": 3, "renamed": 2, "": 5})
	if got.Unlisted != 5 || got.NoModule != 5 || got.Modules[0].Attended != 1 {
		t.Errorf("got %+v, want 5 unlisted, 5 with no module, 1 on kept", got)
	}
	if !got.Started() {
		t.Error("Started() = false with sessions attended")
	}
	for _, attended := range []map[string]int{{"": 1}, {"dropped": 1}, {"kept": 1}} {
		if !Progress(cfg, family.Postnatal, attended).Started() {
			t.Errorf("Started() = false for %v", attended)
		}
	}
	if Progress(cfg, family.Postnatal, nil).Started() || Progress(cfg, family.Postnatal, map[string]int{"kept": 0}).Started() {
		t.Error("Started() = true with no session attended")
	}
}

// The shipped programme has a target for every module, so every module's
// status can reach "reached".
func TestDefaultModulesHaveTargets(t *testing.T) {
	for _, m := range mustDefault(t).Modules {
		if m.TargetSessions <= 0 {
			t.Errorf("module %q has no target", m.Key)
		}
	}
}

func TestPhaseOn(t *testing.T) {
	cfg := Config{EndingMonths: 22}
	born := time.Date(2025, 3, 10, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name     string
		on, born time.Time
		phase    string
		ending   bool
	}{
		{"no birth recorded", born.AddDate(1, 0, 0), time.Time{}, PhaseAntenatal, false},
		{"the day before the birth", born.AddDate(0, 0, -1), born, PhaseAntenatal, false},
		{"the birth", born, born, PhasePostnatal, false},
		{"the day before the ending", born.AddDate(0, 22, -1), born, PhasePostnatal, false},
		{"the ending's first day", born.AddDate(0, 22, 0), born, PhasePostnatal, true},
	} {
		if phase, ending := PhaseOn(cfg, tc.on, tc.born); phase != tc.phase || ending != tc.ending {
			t.Errorf("%s: %s, ending %v; want %s, %v", tc.name, phase, ending, tc.phase, tc.ending)
		}
	}
}
