package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/cradle-org/cradle/internal/strictjson"
)

// FuzzRiskSettings feeds arbitrary CRADLE_RISK_SETTINGS values to the
// parser behind serve and migrate. A refusal names the variable; accepted
// settings validate, came from exactly one JSON object naming nothing
// twice, and read back the same when written out again.
func FuzzRiskSettings(f *testing.F) {
	for _, s := range []string{
		``, `{}`, `{"medium": 8, "high": 12, "escalation_incidents": 2, "repeat_months": 6}`, `{"medium": 15, "high": 12}`,
		`{"colour": 1}`, `{"medium": 8, "high": 12} {"high": 20}`, `{"medium": 8, "high": 12}]`, `{"high": 12, "medium": 8, "Medium": 2}`,
		`{"escalation_months": 121}`, `{"medium": -1}`, `null`, `[]`, `{"medium": 1e3}`, `{"medium": "8"}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		a := &App{Getenv: func(k string) string {
			if k == "CRADLE_RISK_SETTINGS" {
				return v
			}
			return ""
		}}
		rs, err := a.riskSettings()
		if err != nil {
			if !strings.Contains(err.Error(), "CRADLE_RISK_SETTINGS") {
				t.Fatalf("error %q does not name the variable", err)
			}
			return
		}
		if err := rs.Thresholds.Validate(); err != nil {
			t.Fatalf("accepted invalid thresholds %+v: %v", rs.Thresholds, err)
		}
		if err := rs.MARAC.Validate(); err != nil {
			t.Fatalf("accepted an invalid MARAC config %+v: %v", rs.MARAC, err)
		}
		if v == "" {
			return
		}
		if !json.Valid([]byte(v)) || strictjson.Check([]byte(v)) != nil {
			t.Fatalf("accepted %q, which is not one JSON object naming each setting once", v)
		}
		out, err := json.Marshal(map[string]int{"medium": rs.Thresholds.Medium, "high": rs.Thresholds.High,
			"escalation_incidents": rs.MARAC.EscalationIncidents, "escalation_months": rs.MARAC.EscalationMonths, "repeat_months": rs.MARAC.RepeatMonths})
		if err != nil {
			t.Fatal(err)
		}
		v = string(out)
		again, err := a.riskSettings()
		if err != nil || again != rs {
			t.Fatalf("written out as %s, the settings read back as %+v, %v", out, again, err)
		}
	})
}
