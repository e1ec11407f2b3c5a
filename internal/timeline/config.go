package timeline

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"

	"github.com/cradle-org/cradle/internal/strictjson"
)

// Defaults used when a config file leaves a number out.
const (
	DefaultFirstContactDays      = 10
	DefaultAssessmentDays        = 42 // six weeks to see each parent separately and plan for safety
	DefaultSafetyPlanReviewWeeks = 12
	DefaultBirthStageWeeks       = 6 // the six-week postnatal check
	DefaultEndingMonths          = 22
	DefaultEndMonths             = 24 // the baby's second birthday (PROGRAMME.md §4)
)

// Timepoint anchors: what a measure's due date is counted from.
const (
	AnchorAssessment = "assessment" // assessment completion, or its due date while not complete
	AnchorGestation  = "gestation"  // Weeks of pregnancy, from the EDD
	AnchorAge        = "age"        // Months of the baby's age, from the birth (or the EDD before it)
)

// Module phases: when in the journey a module is delivered.
const (
	PhaseAntenatal = "antenatal"
	PhasePostnatal = "postnatal"
	PhaseAny       = "any"
)

// defaultJSON is the seed programme (PROGRAMME.md §4 and §8). It is a string,
// not a []byte, so that nothing can change it. The inner child module is
// postnatal because it is "delivered well after the birth once relationships
// are established"; session targets are plausible figures for an
// organisation to adjust.
//
//go:embed default.json
var defaultJSON string

// Config is the programme timeline an organisation may change. Build one
// with DefaultConfig or ParseConfig; a zero Config fails Validate.
type Config struct {
	FirstContactDays      int         `json:"first_contact_days"`       // first contact due N days after acceptance
	AssessmentDays        int         `json:"assessment_days"`          // assessment complete due N days after acceptance
	SafetyPlanReviewWeeks int         `json:"safety_plan_review_weeks"` // safety plan review every N weeks from assessment completion, until the end
	BirthStageWeeks       int         `json:"birth_stage_weeks"`        // the "birth" stage lasts N weeks after the birth, then postnatal
	EndingMonths          int         `json:"ending_months"`            // planned ending work starts at N months of age
	EndMonths             int         `json:"end_months"`               // the programme ends at N months of age
	Timepoints            []Timepoint `json:"timepoints"`               // outcome-measure timepoints
	VIG                   VIGConfig   `json:"vig"`                      // Video Interaction Guidance cycles
	Modules               []Module    `json:"modules"`                  // programme content, in delivery order
}

// Timepoint is when outcome measures are due, and the window around that
// date in which they still count.
type Timepoint struct {
	Key              string `json:"key"`    // "m6"; the milestone key is "measure_m6"
	Label            string `json:"label"`  // "6-month outcome measures"
	Anchor           string `json:"anchor"` // AnchorAssessment, AnchorGestation or AnchorAge
	Weeks            int    `json:"weeks"`  // for AnchorGestation
	Months           int    `json:"months"` // for AnchorAge
	WindowBeforeDays int    `json:"window_before_days"`
	WindowAfterDays  int    `json:"window_after_days"`
	// Parents and Baby list the instruments (by key, e.g. "phq9") due at
	// this timepoint for each co-parent and for the baby. Which keys exist
	// is the measure package's business: the caller checks them.
	Parents []string `json:"parents,omitempty"`
	Baby    []string `json:"baby,omitempty"`
}

// VIGConfig says when each Video Interaction Guidance cycle is due.
type VIGConfig struct {
	AntenatalAtWeeks  []int `json:"antenatal_at_weeks"`  // weeks of pregnancy, e.g. [32]
	PostnatalAtMonths []int `json:"postnatal_at_months"` // months of age, e.g. [3, 8, 14]
}

// Module is a piece of programme content that sessions are recorded against.
type Module struct {
	Key            string `json:"key"`
	Label          string `json:"label"`
	Phase          string `json:"phase"` // PhaseAntenatal, PhasePostnatal or PhaseAny
	TargetSessions int    `json:"target_sessions"`
}

// ConfigError names the config field that is wrong and why, in plain English.
type ConfigError struct {
	Field   string // e.g. "timepoints[2].months"
	Problem string
}

func (e *ConfigError) Error() string {
	return "timeline config: " + e.Field + ": " + e.Problem
}

// DefaultConfig returns the seed programme's timeline, parsed from the
// embedded default.json on every call so that callers cannot share and
// change it.
func DefaultConfig() (Config, error) {
	cfg, err := ParseConfig([]byte(defaultJSON))
	if err != nil {
		return Config{}, fmt.Errorf("timeline: default config: %w", err)
	}
	return cfg, nil
}

// rawConfig uses pointers so that an omitted number takes its default while
// an explicit 0 is kept (and then validated).
type rawConfig struct {
	FirstContactDays      *int        `json:"first_contact_days"`
	AssessmentDays        *int        `json:"assessment_days"`
	SafetyPlanReviewWeeks *int        `json:"safety_plan_review_weeks"`
	BirthStageWeeks       *int        `json:"birth_stage_weeks"`
	EndingMonths          *int        `json:"ending_months"`
	EndMonths             *int        `json:"end_months"`
	Timepoints            []Timepoint `json:"timepoints"`
	VIG                   VIGConfig   `json:"vig"`
	Modules               []Module    `json:"modules"`
}

// ParseConfig parses and validates a JSON config. Unknown fields, a field
// given twice and trailing data are all rejected, because a misspelt or
// repeated setting silently ignored would move every family's due dates.
// Omitted numbers take the Default values; omitted lists mean none (no
// timepoints, no VIG cycles, no modules).
func ParseConfig(data []byte) (Config, error) {
	if err := checkDuplicateNames(data); err != nil {
		return Config{}, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var raw rawConfig
	if err := dec.Decode(&raw); err != nil {
		return Config{}, jsonError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return Config{}, errors.New("timeline config: unexpected data after the JSON object")
	}
	cfg := Config{
		FirstContactDays:      orDefault(raw.FirstContactDays, DefaultFirstContactDays),
		AssessmentDays:        orDefault(raw.AssessmentDays, DefaultAssessmentDays),
		SafetyPlanReviewWeeks: orDefault(raw.SafetyPlanReviewWeeks, DefaultSafetyPlanReviewWeeks),
		BirthStageWeeks:       orDefault(raw.BirthStageWeeks, DefaultBirthStageWeeks),
		EndingMonths:          orDefault(raw.EndingMonths, DefaultEndingMonths),
		EndMonths:             orDefault(raw.EndMonths, DefaultEndMonths),
		Timepoints:            raw.Timepoints,
		VIG:                   raw.VIG,
		Modules:               raw.Modules,
	}
	if err := cfg.Validate(); err != nil {
		return Config{}, err
	}
	return cfg, nil
}

func orDefault(p *int, def int) int {
	if p == nil {
		return def
	}
	return *p
}

// jsonError rewords the decoder's two commonest complaints for the person
// editing the file; anything else (broken syntax) passes through.
func jsonError(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		want := "a different kind of value"
		switch te.Type.Kind() {
		case reflect.Int:
			want = "a whole number"
		case reflect.String:
			want = "text in quotes"
		case reflect.Slice:
			want = "a list in [ ]"
		case reflect.Struct:
			want = "an object in { }"
		}
		return &ConfigError{Field: te.Field, Problem: "must be " + want + ", not " + te.Value}
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		// An empty name is written "" so that the message points somewhere.
		field := strings.Trim(name, `"`)
		if field == "" {
			field = `""`
		}
		return &ConfigError{Field: field, Problem: "is not a setting this config knows; check the spelling"}
	}
	return fmt.Errorf("timeline config: %w", err)
}

// checkDuplicateNames rejects an object that names a field twice (which
// encoding/json would accept, keeping the last value) or nesting too deep.
func checkDuplicateNames(data []byte) error {
	if p := strictjson.Check(data); p != nil {
		return &ConfigError{Field: p.Path(), Problem: p.Reason()}
	}
	return nil
}

// Validate checks a config built in code the same way ParseConfig does. The
// first problem found is returned as a *ConfigError.
func (c Config) Validate() error {
	bad := func(field, format string, args ...any) error {
		return &ConfigError{Field: field, Problem: fmt.Sprintf(format, args...)}
	}
	between := func(field string, v, lo, hi int) error {
		if v < lo || v > hi {
			return bad(field, "must be between %d and %d, not %d", lo, hi, v)
		}
		return nil
	}
	// End months first: the other limits are stated in terms of it.
	for _, check := range []error{
		between("end_months", c.EndMonths, 1, 60),
		between("ending_months", c.EndingMonths, 0, 60),
		between("first_contact_days", c.FirstContactDays, 0, 90),
		between("assessment_days", c.AssessmentDays, 0, 180),
		// Zero would mean a review every day forever.
		between("safety_plan_review_weeks", c.SafetyPlanReviewWeeks, 1, 52),
		between("birth_stage_weeks", c.BirthStageWeeks, 0, 26),
	} {
		if check != nil {
			return check
		}
	}
	if c.EndingMonths >= c.EndMonths {
		return bad("ending_months", "must be less than end_months (%d), so that ending work starts before the programme ends, not %d", c.EndMonths, c.EndingMonths)
	}
	if c.FirstContactDays > c.AssessmentDays {
		return bad("first_contact_days", "must not be more than assessment_days (%d): first contact comes before the assessment is complete, not %d", c.AssessmentDays, c.FirstContactDays)
	}

	keys := map[string]bool{}
	for i, tp := range c.Timepoints {
		field := fmt.Sprintf("timepoints[%d]", i)
		if !validKey(tp.Key) {
			return bad(field+".key", "%q must start with a letter and use only lower-case letters, numbers and underscores", tp.Key)
		}
		if keys[tp.Key] {
			return bad(field+".key", "%q is used by more than one timepoint", tp.Key)
		}
		keys[tp.Key] = true
		if strings.TrimSpace(tp.Label) == "" {
			return bad(field+".label", "must not be empty")
		}
		switch tp.Anchor {
		case AnchorAssessment:
			if tp.Weeks != 0 || tp.Months != 0 {
				return bad(field, "an assessment timepoint falls at the assessment, so weeks and months must be 0")
			}
		case AnchorGestation:
			if err := between(field+".weeks", tp.Weeks, 1, 42); err != nil {
				return err
			}
			if tp.Months != 0 {
				return bad(field+".months", "must be 0 for a gestation timepoint, which is counted in weeks")
			}
		case AnchorAge:
			if err := between(field+".months", tp.Months, 0, c.EndMonths); err != nil {
				return err
			}
			if tp.Weeks != 0 {
				return bad(field+".weeks", "must be 0 for an age timepoint, which is counted in months")
			}
		default:
			return bad(field+".anchor", "must be %q, %q or %q, not %q", AnchorAssessment, AnchorGestation, AnchorAge, tp.Anchor)
		}
		if err := between(field+".window_before_days", tp.WindowBeforeDays, 0, 365); err != nil {
			return err
		}
		if err := between(field+".window_after_days", tp.WindowAfterDays, 0, 365); err != nil {
			return err
		}
		if len(tp.Baby) > 0 && tp.Anchor != AnchorAge {
			return bad(field+".baby", "baby measures need an age timepoint: the baby is not born at the assessment or in pregnancy")
		}
		for _, list := range []struct {
			name string
			keys []string
		}{{"parents", tp.Parents}, {"baby", tp.Baby}} {
			seen := map[string]bool{}
			for j, k := range list.keys {
				if !validKey(k) {
					return bad(fmt.Sprintf("%s.%s[%d]", field, list.name, j), "%q must start with a letter and use only lower-case letters, numbers and underscores", k)
				}
				if seen[k] {
					return bad(fmt.Sprintf("%s.%s[%d]", field, list.name, j), "%q is listed twice", k)
				}
				seen[k] = true
			}
		}
	}

	for _, list := range []struct {
		field  string
		values []int
		hi     int
	}{
		{"vig.antenatal_at_weeks", c.VIG.AntenatalAtWeeks, 42},
		{"vig.postnatal_at_months", c.VIG.PostnatalAtMonths, c.EndMonths},
	} {
		seen := map[int]bool{}
		for i, v := range list.values {
			field := fmt.Sprintf("%s[%d]", list.field, i)
			if err := between(field, v, 0, list.hi); err != nil {
				return err
			}
			if seen[v] {
				return bad(field, "%d is listed more than once", v)
			}
			seen[v] = true
		}
	}

	keys = map[string]bool{}
	labels := map[string]bool{}
	for i, m := range c.Modules {
		field := fmt.Sprintf("modules[%d]", i)
		if !validKey(m.Key) {
			return bad(field+".key", "%q must start with a letter and use only lower-case letters, numbers and underscores", m.Key)
		}
		if keys[m.Key] {
			return bad(field+".key", "%q is used by more than one module", m.Key)
		}
		keys[m.Key] = true
		label := strings.TrimSpace(m.Label)
		if label == "" {
			return bad(field+".label", "must not be empty")
		}
		// Staff pick a module by its label, so two alike would be confused.
		if labels[strings.ToLower(label)] {
			return bad(field+".label", "%q is used by more than one module", m.Label)
		}
		labels[strings.ToLower(label)] = true
		if !slices.Contains([]string{PhaseAntenatal, PhasePostnatal, PhaseAny}, m.Phase) {
			return bad(field+".phase", "must be %q, %q or %q, not %q", PhaseAntenatal, PhasePostnatal, PhaseAny, m.Phase)
		}
		if err := between(field+".target_sessions", m.TargetSessions, 0, 100); err != nil {
			return err
		}
	}
	return nil
}

// validKey keeps keys safe to build milestone keys, URLs and form names from.
func validKey(k string) bool {
	if len(k) == 0 || len(k) > 40 || k[0] < 'a' || k[0] > 'z' {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '_' {
			return false
		}
	}
	return true
}

// Timepoint returns the outcome-measure timepoint with the key.
func (c Config) Timepoint(key string) (Timepoint, bool) {
	for _, tp := range c.Timepoints {
		if tp.Key == key {
			return tp, true
		}
	}
	return Timepoint{}, false
}
