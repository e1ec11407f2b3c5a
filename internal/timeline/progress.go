package timeline

import (
	"time"

	"github.com/cradle-org/cradle/internal/family"
)

// ModuleStatus is where a parent stands with one module of the
// programme's content.
type ModuleStatus string

const (
	ModuleNotStarted ModuleStatus = "not_started" // its time has come; no session on it attended yet
	ModuleUnderWay   ModuleStatus = "under_way"   // sessions on it attended, fewer than its target (or it has none)
	ModuleReached    ModuleStatus = "reached"     // as many sessions attended as its target
	ModuleLater      ModuleStatus = "later"       // a module for after the birth, while the baby is unborn
	ModuleMissed     ModuleStatus = "missed"      // a module for before the birth, its target not reached by then
)

// ModuleProgress is a parent's sessions attended on one module, against
// its target.
type ModuleProgress struct {
	Module   Module
	Attended int
	Status   ModuleStatus
}

// ContentProgress is a parent's progress through the programme's content.
type ContentProgress struct {
	Modules []ModuleProgress // the programme's modules, in delivery order
	// Unlisted counts sessions attended on modules the programme no longer
	// lists (its configuration changed since), NoModule those recorded
	// with no module: both are sessions the parent attended, so a reader
	// adding up the table should know where the rest went.
	Unlisted, NoModule int
}

// Started says whether any session the parent attended is counted here.
func (p ContentProgress) Started() bool {
	if p.Unlisted > 0 || p.NoModule > 0 {
		return true
	}
	for _, m := range p.Modules {
		if m.Attended > 0 {
			return true
		}
	}
	return false
}

// Progress works out a parent's progress through the programme's modules
// from the sessions they attended on each (keyed by module; "" for those
// recorded with none), at the family's stage. A target reached is reached
// whenever it was; before the birth a module for after it is still to
// come, and after the birth a module for before it that fell short is
// missed (it cannot be delivered now). A closed case is neither: what
// was done is shown as it stood.
func Progress(cfg Config, stage family.Stage, attended map[string]int) ContentProgress {
	before, after := false, false
	switch stage {
	case family.Referral, family.Assessment, family.Antenatal:
		before = true
	case family.Birth, family.Postnatal, family.Ending:
		after = true
	}
	var out ContentProgress
	listed := make(map[string]bool, len(cfg.Modules))
	for _, m := range cfg.Modules {
		listed[m.Key] = true
		n := attended[m.Key]
		p := ModuleProgress{Module: m, Attended: n}
		switch {
		case m.TargetSessions > 0 && n >= m.TargetSessions:
			p.Status = ModuleReached
		case after && m.Phase == PhaseAntenatal:
			p.Status = ModuleMissed
		case n > 0:
			p.Status = ModuleUnderWay
		case before && m.Phase == PhasePostnatal:
			p.Status = ModuleLater
		default:
			p.Status = ModuleNotStarted
		}
		out.Modules = append(out.Modules, p)
	}
	for key, n := range attended {
		switch {
		case key == "":
			out.NoModule += n
		case !listed[key]:
			out.Unlisted += n
		}
	}
	return out
}

// PhaseOn is the programme's phase on a day: antenatal before the birth
// (or with no birth recorded), postnatal from it; ending says the ending's
// months (cfg.EndingMonths after the birth) have begun. Sessions are
// given a module of the phase they fall in (the demo's and the synthetic
// data's).
func PhaseOn(cfg Config, on, born time.Time) (phase string, ending bool) {
	if born.IsZero() || on.Before(born) {
		return PhaseAntenatal, false
	}
	return PhasePostnatal, !on.Before(DateAtMonths(born, cfg.EndingMonths))
}
