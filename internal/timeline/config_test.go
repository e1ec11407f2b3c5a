package timeline

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/cradle-org/cradle/internal/strictjson"
)

func mustDefault(t testing.TB) Config {
	t.Helper()
	cfg, err := DefaultConfig()
	if err != nil {
		t.Fatalf("DefaultConfig: %v", err)
	}
	return cfg
}

func TestDefaultConfig(t *testing.T) {
	cfg := mustDefault(t)
	if cfg.FirstContactDays != 10 || cfg.AssessmentDays != 42 || cfg.SafetyPlanReviewWeeks != 12 ||
		cfg.BirthStageWeeks != 6 || cfg.EndingMonths != 22 || cfg.EndMonths != 24 {
		t.Errorf("numbers = %+v", cfg)
	}
	parents := []string{"phq9", "gad7", "epds", "swemwbs", "ders16", "domestic_abuse"}
	baby := []string{"asq3", "asqse2"}
	wantTP := []Timepoint{
		{"baseline", "Baseline outcome measures", AnchorAssessment, 0, 0, 14, 14, parents, nil},
		{"late_pregnancy", "Late pregnancy outcome measures", AnchorGestation, 36, 0, 14, 14, []string{"phq9", "gad7", "epds"}, nil},
		{"m6", "6-month outcome measures", AnchorAge, 0, 6, 14, 14, parents, baby},
		{"m12", "12-month outcome measures", AnchorAge, 0, 12, 14, 14, parents, baby},
		{"m24", "24-month (exit) outcome measures", AnchorAge, 0, 24, 28, 0, parents, baby},
	}
	if len(cfg.Timepoints) != len(wantTP) {
		t.Fatalf("timepoints = %+v", cfg.Timepoints)
	}
	for i, tp := range cfg.Timepoints {
		if !reflect.DeepEqual(tp, wantTP[i]) {
			t.Errorf("timepoints[%d] = %+v, want %+v", i, tp, wantTP[i])
		}
	}
	if got := cfg.VIG.AntenatalAtWeeks; len(got) != 1 || got[0] != 32 {
		t.Errorf("antenatal VIG = %v", got)
	}
	if got := cfg.VIG.PostnatalAtMonths; len(got) != 3 || got[0] != 3 || got[1] != 8 || got[2] != 14 {
		t.Errorf("postnatal VIG = %v", got)
	}
	phases := map[string]string{
		"early_life_experiences": PhaseAntenatal, "healthy_relationships": PhaseAntenatal,
		"expressing_feelings": PhaseAny, "self_esteem": PhaseAny, "assertiveness": PhaseAny,
		"parenting_attachment": PhasePostnatal, "inner_child": PhasePostnatal, "vig": PhaseAny, "ending": PhasePostnatal,
	}
	if len(cfg.Modules) != len(phases) {
		t.Errorf("modules = %+v", cfg.Modules)
	}
	for _, m := range cfg.Modules {
		if phases[m.Key] != m.Phase || m.TargetSessions < 1 || m.Label == "" {
			t.Errorf("module %+v: want phase %q and a target", m, phases[m.Key])
		}
	}
	if err := cfg.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}
	// Each call parses afresh, so changing one copy cannot change another.
	cfg.Timepoints[0].Key = "changed"
	cfg.VIG.PostnatalAtMonths[0] = 99
	if again := mustDefault(t); again.Timepoints[0].Key != "baseline" || again.VIG.PostnatalAtMonths[0] != 3 {
		t.Errorf("DefaultConfig shares state")
	}
}

func TestParseConfigDefaults(t *testing.T) {
	cfg, err := ParseConfig([]byte(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.FirstContactDays != 10 || cfg.AssessmentDays != 42 || cfg.SafetyPlanReviewWeeks != 12 ||
		cfg.BirthStageWeeks != 6 || cfg.EndingMonths != 22 || cfg.EndMonths != 24 ||
		cfg.Timepoints != nil || cfg.Modules != nil || cfg.VIG.AntenatalAtWeeks != nil {
		t.Errorf("omitted fields: got %+v", cfg)
	}
	cfg, err = ParseConfig([]byte(`{"first_contact_days":0,"assessment_days":28,"safety_plan_review_weeks":8,
		"birth_stage_weeks":0,"ending_months":30,"end_months":36,"vig":{"postnatal_at_months":[0,36]}}`))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.FirstContactDays != 0 || cfg.AssessmentDays != 28 || cfg.SafetyPlanReviewWeeks != 8 ||
		cfg.BirthStageWeeks != 0 || cfg.EndingMonths != 30 || cfg.EndMonths != 36 {
		t.Errorf("explicit fields: got %+v", cfg)
	}
}

func TestParseConfigRejects(t *testing.T) {
	tp := func(s string) string { return `{"timepoints":[` + s + `]}` }
	mod := func(s string) string { return `{"modules":[` + s + `]}` }
	const okTP = `{"key":"m6","label":"6 months","anchor":"age","months":6}`
	const okMod = `{"key":"self_esteem","label":"Self-esteem","phase":"any","target_sessions":3}`
	tests := []struct {
		name, json string
		wantField  string // for a *ConfigError; "" for a JSON syntax error
		wantText   string // in the error message
	}{
		{"not JSON", `{`, "", "unexpected EOF"},
		{"empty input", ``, "", "EOF"},
		{"trailing data", `{} {}`, "", "unexpected data"},
		{"unknown top-level field", `{"end_month":24}`, "end_month", "not a setting"},
		{"unknown timepoint field", tp(`{"key":"m6","label":"x","anchor":"age","month":6}`), "month", "not a setting"},
		{"unknown vig field", `{"vig":{"antenatal_weeks":[32]}}`, "antenatal_weeks", "not a setting"},
		{"wrong type", `{"end_months":"24"}`, "end_months", "must be a whole number, not string"},
		{"fraction", `{"end_months":24.5}`, "end_months", "whole number"},
		{"list as number", `{"timepoints":3}`, "timepoints", "a list"},
		{"duplicate JSON name", `{"end_months":24,"end_months":12}`, "end_months", "more than once"},
		{"duplicate JSON name, other case", `{"end_months":24,"End_Months":12}`, "End_Months", "more than once"},
		{"duplicate nested JSON name", tp(`{"key":"m6","key":"m7","label":"x","anchor":"age","months":6}`), "timepoints[0].key", "more than once"},
		{"negative first contact", `{"first_contact_days":-1}`, "first_contact_days", "between 0 and 90, not -1"},
		{"negative assessment", `{"assessment_days":-5}`, "assessment_days", "not -5"},
		{"negative birth stage", `{"birth_stage_weeks":-1}`, "birth_stage_weeks", "not -1"},
		{"negative ending", `{"ending_months":-1}`, "ending_months", "not -1"},
		{"negative end", `{"end_months":-24}`, "end_months", "not -24"},
		{"zero review cadence", `{"safety_plan_review_weeks":0}`, "safety_plan_review_weeks", "between 1 and 52"},
		{"end equals ending", `{"ending_months":24,"end_months":24}`, "ending_months", "less than end_months (24)"},
		{"end before ending", `{"ending_months":22,"end_months":18}`, "ending_months", "less than end_months (18)"},
		{"first contact after assessment", `{"first_contact_days":50}`, "first_contact_days", "not be more than assessment_days (42)"},
		{"duplicate timepoint key", tp(okTP + `,` + okTP), "timepoints[1].key", `"m6" is used by more than one timepoint`},
		{"bad timepoint key", tp(`{"key":"M 6","label":"x","anchor":"age","months":6}`), "timepoints[0].key", "lower-case"},
		{"empty timepoint key", tp(`{"label":"x","anchor":"age","months":6}`), "timepoints[0].key", "lower-case"},
		{"empty timepoint label", tp(`{"key":"m6","label":" ","anchor":"age","months":6}`), "timepoints[0].label", "must not be empty"},
		{"bad anchor", tp(`{"key":"m6","label":"x","anchor":"birth","months":6}`), "timepoints[0].anchor", `not "birth"`},
		{"assessment with weeks", tp(`{"key":"b","label":"x","anchor":"assessment","weeks":2}`), "timepoints[0]", "must be 0"},
		{"gestation without weeks", tp(`{"key":"lp","label":"x","anchor":"gestation"}`), "timepoints[0].weeks", "between 1 and 42"},
		{"gestation with months", tp(`{"key":"lp","label":"x","anchor":"gestation","weeks":36,"months":1}`), "timepoints[0].months", "counted in weeks"},
		{"age with weeks", tp(`{"key":"m6","label":"x","anchor":"age","weeks":6}`), "timepoints[0].weeks", "counted in months"},
		{"age after end", tp(`{"key":"m30","label":"x","anchor":"age","months":30}`), "timepoints[0].months", "between 0 and 24"},
		{"negative age", tp(`{"key":"m6","label":"x","anchor":"age","months":-6}`), "timepoints[0].months", "not -6"},
		{"negative window", tp(`{"key":"m6","label":"x","anchor":"age","months":6,"window_before_days":-1}`), "timepoints[0].window_before_days", "not -1"},
		{"negative window after", tp(`{"key":"m6","label":"x","anchor":"age","months":6,"window_after_days":-14}`), "timepoints[0].window_after_days", "not -14"},
		{"baby measure in pregnancy", tp(`{"key":"lp","label":"x","anchor":"gestation","weeks":36,"baby":["asq3"]}`), "timepoints[0].baby", "need an age timepoint"},
		{"bad instrument key", tp(`{"key":"m6","label":"x","anchor":"age","months":6,"parents":["PHQ-9"]}`), "timepoints[0].parents[0]", "lower-case"},
		{"instrument twice", tp(`{"key":"m6","label":"x","anchor":"age","months":6,"baby":["asq3","asq3"]}`), "timepoints[0].baby[1]", "listed twice"},
		{"negative antenatal VIG", `{"vig":{"antenatal_at_weeks":[-32]}}`, "vig.antenatal_at_weeks[0]", "not -32"},
		{"antenatal VIG after term", `{"vig":{"antenatal_at_weeks":[43]}}`, "vig.antenatal_at_weeks[0]", "between 0 and 42"},
		{"duplicate antenatal VIG", `{"vig":{"antenatal_at_weeks":[32,30,32]}}`, "vig.antenatal_at_weeks[2]", "32 is listed more than once"},
		{"duplicate postnatal VIG", `{"vig":{"postnatal_at_months":[3,3]}}`, "vig.postnatal_at_months[1]", "more than once"},
		{"postnatal VIG after end", `{"vig":{"postnatal_at_months":[25]}}`, "vig.postnatal_at_months[0]", "between 0 and 24"},
		{"duplicate module key", mod(okMod + `,{"key":"self_esteem","label":"Other","phase":"any"}`), "modules[1].key", "more than one module"},
		{"duplicate module label", mod(okMod + `,{"key":"other","label":"self-esteem","phase":"any"}`), "modules[1].label", "more than one module"},
		{"bad module phase", mod(`{"key":"x","label":"X","phase":"birth"}`), "modules[0].phase", `not "birth"`},
		{"missing module phase", mod(`{"key":"x","label":"X"}`), "modules[0].phase", `not ""`},
		{"negative target", mod(`{"key":"x","label":"X","phase":"any","target_sessions":-1}`), "modules[0].target_sessions", "not -1"},
		{"empty module label", mod(`{"key":"x","label":"","phase":"any"}`), "modules[0].label", "must not be empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseConfig([]byte(tt.json))
			if err == nil {
				t.Fatalf("ParseConfig(%s) = nil error", tt.json)
			}
			if !strings.Contains(err.Error(), tt.wantText) {
				t.Errorf("error %q does not contain %q", err, tt.wantText)
			}
			var ce *ConfigError
			if tt.wantField == "" {
				if errors.As(err, &ce) {
					t.Errorf("got ConfigError %v, want a JSON error", err)
				}
				return
			}
			if !errors.As(err, &ce) {
				t.Fatalf("error %v is not a *ConfigError", err)
			}
			if ce.Field != tt.wantField {
				t.Errorf("field = %q, want %q (%v)", ce.Field, tt.wantField, err)
			}
		})
	}
}

func TestValidateZeroConfig(t *testing.T) {
	var ce *ConfigError
	if err := (Config{}).Validate(); !errors.As(err, &ce) || ce.Field != "end_months" {
		t.Errorf("zero Config: Validate = %v, want an end_months error", err)
	}
}

func TestFoldName(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		same bool
	}{
		{"end_months", "END_MONTHS", true},
		{"vigs", "VIGſ", true}, // the long s folds to s, as encoding/json matches it
		{"k", "\u212a", true},  // the Kelvin sign folds to k
		{"end_months", "end_month", false},
		{"", "", true},
	} {
		if got := strictjson.FoldName(tt.a) == strictjson.FoldName(tt.b); got != tt.same {
			t.Errorf("strictjson.FoldName(%q) == strictjson.FoldName(%q) is %v, want %v", tt.a, tt.b, got, tt.same)
		}
	}
}

func TestParseConfigTooDeep(t *testing.T) {
	deep := `{"timepoints":` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + `}`
	if _, err := ParseConfig([]byte(deep)); err == nil || !strings.Contains(err.Error(), "nested too deeply") {
		t.Errorf("deep nesting: err = %v", err)
	}
}

// An empty field name is named as "" in the message, found by
// FuzzParseConfig: the path was "" or "vig.", which points nowhere.
func TestParseConfigEmptyFieldName(t *testing.T) {
	for in, want := range map[string]string{
		`{"":1}`:               `""`,
		`{"vig":{"":1,"":2}}`:  `vig.""`,
		`{"":{"":1,"":2}}`:     `""`,
		`{"modules":[{"":1}]}`: `""`, // the decoder names an unknown field without its path
	} {
		_, err := ParseConfig([]byte(in))
		var ce *ConfigError
		if !errors.As(err, &ce) || ce.Field != want {
			t.Errorf("ParseConfig(%s) = %v, want field %s", in, err, want)
		}
	}
}
