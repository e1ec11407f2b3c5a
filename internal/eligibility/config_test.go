package eligibility

import (
	"errors"
	"strings"
	"testing"
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
	var names []string
	for _, a := range cfg.Areas {
		names = append(names, a.Name)
	}
	want := "Blackpool, Hertfordshire, Bedfordshire, Westminster, Kensington and Chelsea"
	if got := strings.Join(names, ", "); got != want {
		t.Errorf("areas = %s, want %s", got, want)
	}
	if cfg.Remote == nil || cfg.Remote.Name != "Connect (remote)" {
		t.Errorf("remote = %+v, want Connect (remote)", cfg.Remote)
	}
	if cfg.StartWeeks != 28 || cfg.LatestWeeks != 42 || cfg.MinParentAge != 16 || cfg.MaxEDDAheadWeeks != 42 {
		t.Errorf("numbers = %d/%d/%d/%d, want 28/42/16/42", cfg.StartWeeks, cfg.LatestWeeks, cfg.MinParentAge, cfg.MaxEDDAheadWeeks)
	}
	if err := cfg.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}
	// Each call parses afresh, so changing one copy cannot change another.
	cfg.Areas[0].Name = "Changed"
	if again := mustDefault(t); again.Areas[0].Name != "Blackpool" {
		t.Errorf("DefaultConfig shares state: got %q", again.Areas[0].Name)
	}
}

func TestParseConfigDefaults(t *testing.T) {
	cfg, err := ParseConfig([]byte(`{"areas":[{"name":"Blackpool","postcode_districts":["FY1"]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.StartWeeks != 28 || cfg.LatestWeeks != 42 || cfg.MinParentAge != 16 || cfg.MaxEDDAheadWeeks != 42 || cfg.Remote != nil {
		t.Errorf("omitted fields: got %+v", cfg)
	}
	cfg, err = ParseConfig([]byte(`{"remote":{"name":"Connect"},"start_weeks":0,"latest_weeks":36,"min_parent_age":18,"max_edd_ahead_weeks":44}`))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.StartWeeks != 0 || cfg.LatestWeeks != 36 || cfg.MinParentAge != 18 || cfg.MaxEDDAheadWeeks != 44 {
		t.Errorf("explicit fields: got %+v", cfg)
	}
}

func TestParseConfigRejects(t *testing.T) {
	const area = `{"name":"Blackpool","postcode_districts":["FY1"]}`
	tests := []struct {
		name, json string
		wantField  string // for a *ConfigError; "" for a JSON error
		wantText   string // in the error message
	}{
		{"not JSON", `{`, "", "unexpected EOF"},
		{"empty input", ``, "", "EOF"},
		{"trailing data", `{"areas":[` + area + `]} {}`, "", "unexpected data"},
		{"unknown top-level field", `{"areas":[` + area + `],"start_week":28}`, "", `unknown field "start_week"`},
		{"unknown area field", `{"areas":[{"name":"B","postcode":["FY1"]}]}`, "", `unknown field "postcode"`},
		{"wrong type", `{"areas":[` + area + `],"start_weeks":"28"}`, "", "start_weeks"},
		{"no areas and no remote", `{}`, "areas", "at least one"},
		{"null", `null`, "areas", "at least one"},
		{"empty name", `{"areas":[{"name":" ","postcode_districts":["FY1"]}]}`, "areas[0].name", "must not be empty"},
		{"duplicate name", `{"areas":[` + area + `,{"name":"blackpool","postcode_districts":["FY2"]}]}`, "areas[1].name", "more than one area"},
		{"area with no places", `{"areas":[{"name":"B"}]}`, "areas[0]", "at least one postcode district or local authority"},
		{"bad district", `{"areas":[{"name":"B","postcode_districts":["FY1 4AB"]}]}`, "areas[0].postcode_districts[0]", "not a postcode area"},
		{"numeric district", `{"areas":[{"name":"B","postcode_districts":["123"]}]}`, "areas[0].postcode_districts[0]", "not a postcode area"},
		{"duplicate district in one area", `{"areas":[{"name":"B","postcode_districts":["FY1","fy 1"]}]}`, "areas[0].postcode_districts[1]", "more than once"},
		{"duplicate district across areas", `{"areas":[` + area + `,{"name":"C","postcode_districts":["FY1"]}]}`, "areas[1].postcode_districts[0]", "more than once"},
		{"empty local authority", `{"areas":[{"name":"B","local_authorities":["  "]}]}`, "areas[0].local_authorities[0]", "must not be empty"},
		{"duplicate local authority", `{"areas":[{"name":"B","local_authorities":["Blackpool Council"]},{"name":"C","local_authorities":["blackpool  council"]}]}`, "areas[1].local_authorities[0]", "more than once"},
		{"remote without a name", `{"remote":{"name":""}}`, "remote.name", "must not be empty"},
		{"remote named like an area", `{"areas":[` + area + `],"remote":{"name":"BLACKPOOL"}}`, "remote.name", "also the name"},
		{"remote with districts", `{"remote":{"name":"C","postcode_districts":["FY1"]}}`, "remote.postcode_districts", "must be empty"},
		{"remote with authorities", `{"remote":{"name":"C","local_authorities":["X"]}}`, "remote.local_authorities", "must be empty"},
		{"start_weeks negative", `{"areas":[` + area + `],"start_weeks":-1}`, "start_weeks", "between 0 and 42"},
		{"start_weeks 43", `{"areas":[` + area + `],"start_weeks":43,"latest_weeks":42}`, "start_weeks", "between 0 and 42"},
		{"latest before start", `{"areas":[` + area + `],"start_weeks":30,"latest_weeks":29}`, "latest_weeks", "between start_weeks (30) and 42"},
		{"latest_weeks 43", `{"areas":[` + area + `],"latest_weeks":43}`, "latest_weeks", "and 42"},
		{"min_parent_age 0", `{"areas":[` + area + `],"min_parent_age":0}`, "min_parent_age", "between 10 and 30"},
		{"max_edd_ahead_weeks 39", `{"areas":[` + area + `],"max_edd_ahead_weeks":39}`, "max_edd_ahead_weeks", "between 40 and 52"},
		{"max_edd_ahead_weeks 53", `{"areas":[` + area + `],"max_edd_ahead_weeks":53}`, "max_edd_ahead_weeks", "between 40 and 52"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseConfig([]byte(tt.json))
			if err == nil {
				t.Fatal("ParseConfig accepted it")
			}
			if !strings.HasPrefix(err.Error(), "eligibility config: ") {
				t.Errorf("error %q does not start with the package's prefix", err)
			}
			if !strings.Contains(err.Error(), tt.wantText) {
				t.Errorf("error %q does not contain %q", err, tt.wantText)
			}
			var ce *ConfigError
			switch {
			case tt.wantField == "" && errors.As(err, &ce):
				t.Errorf("got a ConfigError for a JSON problem: %v", err)
			case tt.wantField != "" && !errors.As(err, &ce):
				t.Errorf("error %v is not a *ConfigError", err)
			case tt.wantField != "" && ce.Field != tt.wantField:
				t.Errorf("Field = %q, want %q", ce.Field, tt.wantField)
			}
		})
	}
}

// A rule given twice is refused, not silently replaced by the last one
// (found by FuzzParseConfig, which checks accepted rules name nothing twice).
func TestParseConfigRepeatedField(t *testing.T) {
	for in, field := range map[string]string{
		`{"areas":[{"name":"A","local_authorities":["x"]}],"latest_weeks":42,"Latest_Weeks":30}`: "Latest_Weeks",
		`{"areas":[{"name":"A","local_authorities":["x"],"name":"B"}]}`:                          "areas[0].name",
	} {
		_, err := ParseConfig([]byte(in))
		var ce *ConfigError
		if !errors.As(err, &ce) || ce.Field != field || !strings.Contains(ce.Problem, "more than once") {
			t.Errorf("ParseConfig(%s) = %v, want field %s given more than once", in, err, field)
		}
	}
}
