package measure

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/cradle-org/cradle/internal/problem"
)

// itemsBase is a small valid item instrument using every feature: a scale,
// a reversed question, a subscale, bands, an alert and a conversion table.
const itemsBase = `{
  "key": "test_items",
  "name": "Test instrument",
  "short_name": "Test",
  "domain": "mental_health",
  "subject": "parent",
  "entry": "items",
  "licensed": false,
  "copyright": "Test copyright",
  "source": "Test source",
  "direction": "lower_better",
  "reliable_change": 20,
  "scale": {"min": 0, "max": 2, "options": [
    {"value": 0, "label": "Never"}, {"value": 1, "label": "Sometimes"}, {"value": 2, "label": "Often"}]},
  "items": [
    {"number": 1, "text": "One"},
    {"number": 2, "text": "Two", "reverse": true},
    {"number": 3, "text": "Three"}
  ],
  "subscales": [{"key": "first_two", "label": "First two", "items": [1, 2]}],
  "bands": [{"from": 0, "label": "low"}, {"from": 30, "label": "high", "flag": true}],
  "alerts": [{"item": 3, "above": 0, "message": "Check question 3", "safeguarding": true}],
  "conversion": [
    {"raw": 0, "score": 0}, {"raw": 1, "score": 10}, {"raw": 2, "score": 20}, {"raw": 3, "score": 30},
    {"raw": 4, "score": 40}, {"raw": 5, "score": 50}, {"raw": 6, "score": 60}]
}`

// enteredBase is a small valid score-entry instrument with age bands and
// whole-number cut-offs.
const enteredBase = `{
  "key": "test_entered",
  "name": "Test screen",
  "short_name": "Test screen",
  "domain": "child_development",
  "subject": "baby",
  "entry": "score",
  "licensed": true,
  "copyright": "Test copyright",
  "source": "Test source",
  "direction": "higher_better",
  "reliable_change": 0,
  "domains": [
    {"key": "talking", "label": "Talking", "min": 0, "max": 60, "step": 5},
    {"key": "moving", "label": "Moving", "min": 0, "max": 60, "step": 5}
  ],
  "concern_when": "below",
  "age_bands": [
    {"months": 6, "from_months": 4, "to_months": 8, "cutoffs": {"talking": 25, "moving": 20}, "monitoring": {"talking": 40, "moving": 30}},
    {"months": 12, "from_months": 9, "to_months": 14, "cutoffs": {"talking": 30, "moving": 25}}
  ]
}`

// def returns base with change applied to its decoded form.
func def(t testing.TB, base string, change func(m map[string]any)) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(base), &m); err != nil {
		t.Fatal(err)
	}
	if change != nil {
		change(m)
	}
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func enteredDef(change func(m map[string]any)) string {
	var m map[string]any
	if err := json.Unmarshal([]byte(enteredBase), &m); err != nil {
		panic(err)
	}
	if change != nil {
		change(m)
	}
	out, _ := json.Marshal(m)
	return string(out)
}

func loadString(t testing.TB, s string) Instrument {
	t.Helper()
	in, err := Load(strings.NewReader(s))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return in
}

// Helpers to reach into a decoded definition.
func list(m map[string]any, key string) []any { return m[key].([]any) }
func obj(v any) map[string]any                { return v.(map[string]any) }
func item(m map[string]any, i int) map[string]any {
	return obj(list(m, "items")[i])
}
func band(m map[string]any, i int) map[string]any { return obj(list(m, "age_bands")[i]) }

func TestLoadBases(t *testing.T) {
	in := loadString(t, itemsBase)
	// The scale fills each question's range and options.
	if it, _ := in.Item(2); it.Min != 0 || it.Max != 2 || len(it.Options) != 3 || !it.Reverse {
		t.Errorf("question 2 = %+v", it)
	}
	// Answers 2, 2, 0: question 2 reversed scores 0, raw 2 converts to 20.
	r, err := in.Score(map[int]int{1: 2, 2: 2, 3: 0})
	if err != nil || r.Raw != 2 || r.Score != 20 || r.Band != "low" || r.Subscales["first_two"] != 2 || r.Safeguarding {
		t.Errorf("score: %+v, %v", r, err)
	}
	r, err = in.Score(map[int]int{1: 2, 2: 0, 3: 1})
	if err != nil || r.Raw != 5 || r.Score != 50 || r.Band != "high" || !r.Flagged || !r.Safeguarding {
		t.Errorf("score: %+v, %v", r, err)
	}
	if c := in.ChangeBetween(50, 30); !c.Reliable || !c.Improved {
		t.Errorf("change %+v", c)
	}

	e := loadString(t, enteredBase)
	if e.Total != nil || len(e.Domains) != 2 || len(e.AgeBands) != 2 {
		t.Errorf("entered = %+v", e)
	}
	r, err = e.ScoreEntered(nil, map[string]float64{"talking": 35, "moving": 60}, 12)
	if err != nil || r.AgeBand != 12 || r.Domains[0].Status != StatusClear || r.Domains[0].Monitoring != nil {
		t.Errorf("entered score: %+v, %v", r, err)
	}
}

// TestLoadRejects refuses each kind of malformed definition with an error
// that names the field and says what is wrong.
func TestLoadRejects(t *testing.T) {
	items := func(change func(m map[string]any)) string { return def(t, itemsBase, change) }
	entered := func(change func(m map[string]any)) string { return def(t, enteredBase, change) }
	tests := []struct {
		name      string
		json      string
		wantField string
		wantText  string
	}{
		// The file.
		{"not JSON", `{`, "definition", "not valid JSON"},
		{"empty", ``, "definition", "not valid JSON"},
		{"trailing data", itemsBase + ` {}`, "definition", "unexpected data"},
		{"unknown field", items(func(m map[string]any) { m["reliable_chnage"] = 1 }), "reliable_chnage", "check the spelling"},
		{"unknown item field", items(func(m map[string]any) { item(m, 0)["reversed"] = true }), "reversed", "check the spelling"},
		{"field twice", strings.Replace(itemsBase, `"key": "test_items",`, `"key": "test_items", "key": "other",`, 1), "key", "more than once"},
		{"field twice, other case", strings.Replace(itemsBase, `"key": "test_items",`, `"key": "test_items", "Key": "other",`, 1), "Key", "more than once"},
		{"nested field twice", strings.Replace(itemsBase, `{"number": 1, "text": "One"}`, `{"number": 1, "number": 4, "text": "One"}`, 1), "items[0].number", "more than once"},
		{"wrong type", items(func(m map[string]any) { m["reliable_change"] = "6" }), "reliable_change", "must be a number, not string"},
		{"fraction for a whole number", items(func(m map[string]any) { item(m, 0)["number"] = 1.5 }), "items.number", "whole number"},
		{"list as object", items(func(m map[string]any) { m["items"] = map[string]any{} }), "items", "a list"},
		{"nested too deeply", `{"notes": ` + strings.Repeat("[", 40) + strings.Repeat("]", 40) + `}`, "notes" + strings.Repeat("[0]", 32), "nested too deeply"},

		// Top-level settings.
		{"bad key", items(func(m map[string]any) { m["key"] = "PHQ 9" }), "key", "lower-case"},
		{"missing name", items(func(m map[string]any) { delete(m, "name") }), "name", "Enter a name"},
		{"blank short name", items(func(m map[string]any) { m["short_name"] = "  " }), "short_name", "Enter a short name"},
		{"missing copyright", items(func(m map[string]any) { delete(m, "copyright") }), "copyright", "Enter a copyright"},
		{"missing source", items(func(m map[string]any) { m["source"] = "" }), "source", "Enter a source"},
		{"control character", items(func(m map[string]any) { m["notes"] = "a\x00b" }), "notes", "control characters"},
		{"name too long", items(func(m map[string]any) { m["name"] = strings.Repeat("n", 201) }), "name", "200 characters or fewer"},
		{"bad domain", items(func(m map[string]any) { m["domain"] = "mood" }), "domain", `not "mood"`},
		{"bad subject", items(func(m map[string]any) { m["subject"] = "child" }), "subject", `"parent" or "baby"`},
		{"bad entry", items(func(m map[string]any) { m["entry"] = "total" }), "entry", `"items" or "score"`},
		{"bad direction", items(func(m map[string]any) { m["direction"] = "up" }), "direction", `"lower_better" or "higher_better"`},
		{"negative reliable change", items(func(m map[string]any) { m["reliable_change"] = -1 }), "reliable_change", "between 0 and 1000000, not -1"},

		// Items.
		{"no items", items(func(m map[string]any) {
			m["items"] = []any{}
			delete(m, "subscales")
			delete(m, "alerts")
			delete(m, "conversion")
		}), "items", "at least one"},
		{"item number 0", items(func(m map[string]any) { item(m, 0)["number"] = 0 }), "items[0].number", "from 1 to 3 with none missing, so 0"},
		{"gap in numbering", items(func(m map[string]any) { item(m, 2)["number"] = 4 }), "items[2].number", "from 1 to 3 with none missing, so 4"},
		{"duplicate number", items(func(m map[string]any) { item(m, 1)["number"] = 1 }), "items[1].number", "Question 1 appears more than once"},
		{"min without max", items(func(m map[string]any) { item(m, 0)["min"] = 0 }), "items[0]", "both min and max"},
		{"no range and no scale", items(func(m map[string]any) { delete(m, "scale") }), "items[0].min", "needs a min and max"},
		{"max not above min", items(func(m map[string]any) { item(m, 0)["min"] = 2; item(m, 0)["max"] = 2 }), "items[0].max", "above its min"},
		{"huge range", items(func(m map[string]any) { item(m, 0)["min"] = 0; item(m, 0)["max"] = 1000 }), "items[0].max", "no more than 100"},
		{"option outside range", items(func(m map[string]any) {
			item(m, 0)["options"] = []any{map[string]any{"value": 0, "label": "a"}, map[string]any{"value": 1, "label": "b"}, map[string]any{"value": 3, "label": "c"}}
		}), "items[0].options[2].value", "worth 3, outside its range 0 to 2"},
		{"duplicate option value", items(func(m map[string]any) {
			item(m, 0)["options"] = []any{map[string]any{"value": 0, "label": "a"}, map[string]any{"value": 0, "label": "b"}}
		}), "items[0].options[1].value", "two options worth 0"},
		{"duplicate option label", items(func(m map[string]any) {
			item(m, 0)["options"] = []any{map[string]any{"value": 0, "label": "Same"}, map[string]any{"value": 1, "label": "same"}}
		}), "items[0].options[1].label", "two options labelled"},
		{"options not covering the range", items(func(m map[string]any) {
			item(m, 0)["options"] = []any{map[string]any{"value": 0, "label": "a"}, map[string]any{"value": 2, "label": "c"}}
		}), "items[0].options", "an option for every answer from 0 to 2"},
		{"blank option label", items(func(m map[string]any) {
			item(m, 0)["options"] = []any{map[string]any{"value": 0, "label": ""}, map[string]any{"value": 1, "label": "b"}, map[string]any{"value": 2, "label": "c"}}
		}), "items[0].options[0].label", "Enter an option label"},
		{"unlicensed without text", items(func(m map[string]any) { delete(item(m, 1), "text") }), "items[1].text", "only a licensed instrument"},
		{"licensed with some text", items(func(m map[string]any) { m["licensed"] = true; delete(item(m, 1), "text") }), "items", "2 of 3 have text"},

		// Subscales and total_from.
		{"bad subscale key", items(func(m map[string]any) { obj(list(m, "subscales")[0])["key"] = "First" }), "subscales[0].key", "lower-case"},
		{"duplicate subscale key", items(func(m map[string]any) {
			m["subscales"] = append(list(m, "subscales"), map[string]any{"key": "first_two", "label": "Again", "items": []any{3}})
		}), "subscales[1].key", `"first_two" is used more than once`},
		{"subscale without label", items(func(m map[string]any) { delete(obj(list(m, "subscales")[0]), "label") }), "subscales[0].label", "Enter a subscale label"},
		{"empty subscale", items(func(m map[string]any) { obj(list(m, "subscales")[0])["items"] = []any{} }), "subscales[0].items", "at least one question"},
		{"subscale with missing item", items(func(m map[string]any) { obj(list(m, "subscales")[0])["items"] = []any{1, 7} }), "subscales[0].items[1]", "question 7, which does not exist"},
		{"subscale item twice", items(func(m map[string]any) { obj(list(m, "subscales")[0])["items"] = []any{1, 1} }), "subscales[0].items[1]", "more than once"},
		{"total_from unknown", items(func(m map[string]any) { m["total_from"] = "severity" }), "total_from", `"severity" is not one of the subscales`},

		// Alerts.
		{"alert on missing item", items(func(m map[string]any) { obj(list(m, "alerts")[0])["item"] = 9 }), "alerts[0].item", "question 9, which does not exist"},
		{"alert that cannot fire", items(func(m map[string]any) { obj(list(m, "alerts")[0])["above"] = 2 }), "alerts[0].above", "from 0 to 1, not above 2"},
		{"alert that always fires", items(func(m map[string]any) { obj(list(m, "alerts")[0])["above"] = -1 }), "alerts[0].above", "not above -1"},
		{"alert without message", items(func(m map[string]any) { obj(list(m, "alerts")[0])["message"] = "" }), "alerts[0].message", "Enter an alert message"},

		// Conversion.
		{"conversion missing a raw score", items(func(m map[string]any) { m["conversion"] = list(m, "conversion")[:6] }), "conversion", "no entry for raw score 6"},
		{"conversion raw twice", items(func(m map[string]any) { obj(list(m, "conversion")[3])["raw"] = 2 }), "conversion[3].raw", "Raw score 2 appears more than once"},
		{"conversion raw out of range", items(func(m map[string]any) { obj(list(m, "conversion")[6])["raw"] = 7 }), "conversion[6].raw", "outside the possible range 0 to 6"},
		{"conversion not rising", items(func(m map[string]any) { obj(list(m, "conversion")[4])["score"] = 25 }), "conversion", "raw 4 converts to 25, not above raw 3's 30"},

		// Bands.
		{"bands not ascending", items(func(m map[string]any) {
			m["bands"] = []any{map[string]any{"from": 0, "label": "a"}, map[string]any{"from": 40, "label": "b"}, map[string]any{"from": 30, "label": "c"}}
		}), "bands[2].from", "ascending order"},
		{"bands repeating a start", items(func(m map[string]any) {
			m["bands"] = []any{map[string]any{"from": 0, "label": "a"}, map[string]any{"from": 0, "label": "b"}}
		}), "bands[1].from", "ascending order"},
		{"band out of reach", items(func(m map[string]any) {
			m["bands"] = []any{map[string]any{"from": 0, "label": "a"}, map[string]any{"from": 70, "label": "b"}}
		}), "bands[1].from", "above the highest possible score, 60"},
		{"first band above the lowest score", items(func(m map[string]any) {
			m["bands"] = []any{map[string]any{"from": 10, "label": "a"}}
		}), "bands[0].from", "at or below the lowest possible score, 0"},
		{"duplicate band label", items(func(m map[string]any) {
			m["bands"] = []any{map[string]any{"from": 0, "label": "a"}, map[string]any{"from": 10, "label": "A"}}
		}), "bands[1].label", "more than once"},

		// Mixing kinds.
		{"items with age bands", items(func(m map[string]any) { m["age_bands"] = list(obj(mustDecode(enteredBase)), "age_bands") }), "age_bands", `entry "score"`},
		{"items with an entered total", items(func(m map[string]any) { m["total"] = map[string]any{"label": "T", "min": 0, "max": 10} }), "total", `entry "score"`},
		{"score entry with items", entered(func(m map[string]any) {
			m["items"] = []any{map[string]any{"number": 1, "min": 0, "max": 1}}
		}), "items", `entry "items"`},
		{"score entry with nothing to enter", entered(func(m map[string]any) { delete(m, "domains"); delete(m, "age_bands"); delete(m, "concern_when") }), "total", "needs a total, areas"},
		{"reliable change without a total", entered(func(m map[string]any) { m["reliable_change"] = 3 }), "reliable_change", "needs a total score"},

		// Entered areas.
		{"area key total", entered(func(m map[string]any) { obj(list(m, "domains")[0])["key"] = "total" }), "domains[0].key", "kept for the total"},
		{"duplicate area key", entered(func(m map[string]any) { obj(list(m, "domains")[1])["key"] = "talking" }), "domains[1].key", "more than once"},
		{"area max below min", entered(func(m map[string]any) { obj(list(m, "domains")[0])["max"] = -1 }), "domains[0].max", "above its min"},
		{"area steps uneven", entered(func(m map[string]any) { obj(list(m, "domains")[0])["step"] = 7 }), "domains[0].step", "whole steps of 7"},
		{"area negative step", entered(func(m map[string]any) { obj(list(m, "domains")[0])["step"] = -5 }), "domains[0].step", "step of 0"},
		{"total with another key", entered(func(m map[string]any) {
			m["total"] = map[string]any{"key": "sum", "label": "Total", "min": 0, "max": 100}
		}), "total.key", `must be "total"`},

		// Age bands.
		{"missing concern_when", entered(func(m map[string]any) { delete(m, "concern_when") }), "concern_when", `"below" or "above"`},
		{"concern_when without age bands", entered(func(m map[string]any) { delete(m, "age_bands") }), "concern_when", "only for instruments with age bands"},
		{"bands and age bands", entered(func(m map[string]any) {
			m["total"] = map[string]any{"label": "Total", "min": 0, "max": 100}
			m["bands"] = []any{map[string]any{"from": 0, "label": "a"}}
		}), "bands", "not both"},
		{"age bands out of order", entered(func(m map[string]any) { band(m, 1)["months"] = 6 }), "age_bands[1].months", "ascending order"},
		{"age window backwards", entered(func(m map[string]any) { band(m, 0)["from_months"] = 9 }), "age_bands[0].from_months", "run forwards"},
		{"missing cut-off", entered(func(m map[string]any) { delete(obj(band(m, 1)["cutoffs"]), "moving") }), "age_bands[1].cutoffs", `no cut-off for "moving"`},
		{"cut-off for an unknown area", entered(func(m map[string]any) { obj(band(m, 0)["cutoffs"])["sleeping"] = 10 }), "age_bands[0].cutoffs.sleeping", "not one of the areas"},
		{"cut-off out of range", entered(func(m map[string]any) { obj(band(m, 0)["cutoffs"])["talking"] = 61 }), "age_bands[0].cutoffs.talking", "between 0 and 60, not 61"},
		{"monitoring on the wrong side", entered(func(m map[string]any) { obj(band(m, 0)["monitoring"])["talking"] = 20 }), "age_bands[0].monitoring.talking", "end above the cut-off (25)"},
		{"monitoring for an unknown area", entered(func(m map[string]any) { obj(band(m, 0)["monitoring"])["sleeping"] = 50 }), "age_bands[0].monitoring.sleeping", "not one of the areas"},
		{"gap in age windows", entered(func(m map[string]any) { band(m, 1)["from_months"] = 10 }), "age_bands", "No age band covers 9 months"},
		{"every band explicit only", entered(func(m map[string]any) { band(m, 0)["explicit_only"] = true; band(m, 1)["explicit_only"] = true }), "age_bands", "chosen by age"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in, err := Load(strings.NewReader(tc.json))
			if err == nil {
				t.Fatalf("loaded %+v", in)
			}
			p := problem.As(err)
			if p == nil || p.Code != problem.Invalid || len(p.Fields) != 1 {
				t.Fatalf("error %v is not an invalid problem with one field", err)
			}
			if p.Fields[0].Name != tc.wantField || !strings.Contains(p.Fields[0].Message, tc.wantText) {
				t.Errorf("got %s: %q, want %s: …%s…", p.Fields[0].Name, p.Fields[0].Message, tc.wantField, tc.wantText)
			}
		})
	}
}

func mustDecode(s string) any {
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		panic(err)
	}
	return v
}

func TestLoadLimits(t *testing.T) {
	big := `{"notes": "` + strings.Repeat("a", maxDefinitionBytes) + `"}`
	_, err := Load(strings.NewReader(big))
	if p := problem.As(err); p == nil || p.Code != problem.Invalid || !strings.Contains(p.Fields[0].Message, "1 MB") {
		t.Errorf("large file: %v", err)
	}
	// A failing reader is the caller's problem, not the user's.
	_, err = Load(iotest.ErrReader(errors.New("disk on fire")))
	if err == nil || problem.CodeOf(err) != problem.Internal || !strings.Contains(err.Error(), "disk on fire") {
		t.Errorf("reader error: %v", err)
	}
}

func TestBuiltin(t *testing.T) {
	all := Builtin()
	var keys []string
	for _, in := range all {
		keys = append(keys, in.Key)
		if err := in.Validate(); err != nil {
			t.Errorf("%s: %v", in.Key, err)
		}
		// Questions come back in order.
		for i, it := range in.Items {
			if it.Number != i+1 {
				t.Errorf("%s: question %d at position %d", in.Key, it.Number, i)
			}
			if in.Licensed && it.Text != "" {
				t.Errorf("%s: licensed wording shipped for question %d", in.Key, it.Number)
			}
		}
		if got, ok := Lookup(in.Key); !ok || !reflect.DeepEqual(got, in) {
			t.Errorf("Lookup(%q) differs from Builtin", in.Key)
		}
	}
	want := []string{"asq3", "asqse2", "core10", "ders16", "domestic_abuse", "epds", "gad7", "phq9", "swemwbs", "wemwbs"}
	if !slices.Equal(keys, want) {
		t.Errorf("keys = %v, want %v", keys, want)
	}
	if _, ok := Lookup("phq2"); ok {
		t.Error("Lookup found an instrument that is not shipped")
	}

	// Callers get copies.
	a := mustLookup(t, "asq3")
	a.AgeBands[0].Cutoffs["communication"] = 0
	a.Domains[0].Label = "changed"
	p := mustLookup(t, "phq9")
	p.Items[0].Options[0].Label = "changed"
	p.Bands[0].Label = "changed"
	if b := mustLookup(t, "asq3"); b.AgeBands[0].Cutoffs["communication"] != 22.77 || b.Domains[0].Label != "Communication" {
		t.Error("Lookup shares ASQ-3 state between calls")
	}
	if q := Builtin()[7]; q.Key != "phq9" || q.Items[0].Options[0].Label != "Not at all" || q.Bands[0].Label != "minimal" {
		t.Error("Builtin shares PHQ-9 state with Lookup")
	}
}

// TestBuiltinFacts pins the facts the package promises about each shipped
// instrument, so that an edit to a file cannot change them unnoticed.
func TestBuiltinFacts(t *testing.T) {
	tests := []struct {
		key                  string
		items, lo, hi        int
		direction            string
		reliable             float64
		licensed             bool
		entry, subject, area string
	}{
		{"phq9", 9, 0, 27, LowerBetter, 6, false, EntryItems, SubjectParent, DomainMentalHealth},
		{"gad7", 7, 0, 21, LowerBetter, 4, false, EntryItems, SubjectParent, DomainMentalHealth},
		{"core10", 10, 0, 40, LowerBetter, 6, false, EntryItems, SubjectParent, DomainMentalHealth},
		{"epds", 10, 0, 30, LowerBetter, 4, true, EntryItems, SubjectParent, DomainMentalHealth},
		{"wemwbs", 14, 14, 70, HigherBetter, 8.59, true, EntryItems, SubjectParent, DomainWellbeing},
		{"swemwbs", 7, 7, 35, HigherBetter, 2.87, true, EntryItems, SubjectParent, DomainWellbeing},
		{"ders16", 16, 16, 80, LowerBetter, 0, true, EntryItems, SubjectParent, DomainEmotionalRegulation},
		{"domestic_abuse", 9, 0, 32, LowerBetter, 0, false, EntryItems, SubjectParent, DomainDomesticAbuse},
		{"asq3", 0, 0, 0, HigherBetter, 0, true, EntryScore, SubjectBaby, DomainChildDevelopment},
		{"asqse2", 0, 0, 0, LowerBetter, 0, true, EntryScore, SubjectBaby, DomainChildDevelopment},
	}
	for _, tc := range tests {
		in := mustLookup(t, tc.key)
		lo, hi := in.rawRange()
		if len(in.Items) != tc.items || lo != tc.lo || hi != tc.hi || in.Direction != tc.direction ||
			in.ReliableChange != tc.reliable || in.Licensed != tc.licensed || in.Entry != tc.entry ||
			in.Subject != tc.subject || in.Domain != tc.area {
			t.Errorf("%s: %d items, raw %d to %d, %s, reliable %v, licensed %v, %s, %s, %s", tc.key, len(in.Items), lo, hi,
				in.Direction, in.ReliableChange, in.Licensed, in.Entry, in.Subject, in.Domain)
		}
		if strings.TrimSpace(in.Copyright) == "" || strings.TrimSpace(in.Source) == "" {
			t.Errorf("%s: no copyright or source", tc.key)
		}
	}
	// The CORE System Trust requires this line wherever CORE-10 is shown.
	if c := mustLookup(t, "core10").Copyright; c != "© CORE System Trust: https://www.coresystemtrust.org.uk/copyright.pdf" {
		t.Errorf("CORE-10 copyright line = %q", c)
	}
	// CORE-10 reverses questions 2 and 3 only.
	for _, it := range mustLookup(t, "core10").Items {
		if it.Reverse != (it.Number == 2 || it.Number == 3) {
			t.Errorf("CORE-10 question %d reverse = %v", it.Number, it.Reverse)
		}
	}
	// Score-entry instruments: areas in steps of 5.
	for _, d := range mustLookup(t, "asq3").Domains {
		if d.Min != 0 || d.Max != 60 || d.Step != 5 {
			t.Errorf("ASQ-3 %s: %+v", d.Key, d)
		}
	}
	var intervals []int
	for _, b := range mustLookup(t, "asq3").AgeBands {
		intervals = append(intervals, b.Months)
	}
	if want := []int{2, 4, 6, 8, 9, 10, 12, 14, 16, 18, 20, 22, 24}; !slices.Equal(intervals, want) {
		t.Errorf("ASQ-3 intervals %v, want %v", intervals, want)
	}
	intervals = nil
	for _, b := range mustLookup(t, "asqse2").AgeBands {
		intervals = append(intervals, b.Months)
	}
	if want := []int{2, 6, 12, 18, 24}; !slices.Equal(intervals, want) {
		t.Errorf("ASQ:SE-2 intervals %v, want %v", intervals, want)
	}
	// DERS-16 subscales partition the 16 questions.
	seen := map[int]bool{}
	for _, s := range mustLookup(t, "ders16").Subscales {
		for _, n := range s.Items {
			if seen[n] {
				t.Errorf("DERS-16 question %d in two subscales", n)
			}
			seen[n] = true
		}
	}
	if len(seen) != 16 {
		t.Errorf("DERS-16 subscales cover %d questions", len(seen))
	}
}

// TestInstrumentLanguage enforces the programme's language rule
// (PROGRAMME.md §2) on every shipped file.
func TestInstrumentLanguage(t *testing.T) {
	banned := regexp.MustCompile(`(?i)victim|perpetrator|abuser`)
	entries, err := instrumentFiles.ReadDir("instruments")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		data, err := instrumentFiles.ReadFile("instruments/" + e.Name())
		if err != nil {
			t.Fatal(err)
		}
		if m := banned.FindAll(data, -1); len(m) > 0 {
			t.Errorf("%s uses labelling words: %q", e.Name(), m)
		}
	}
}

// TestLicensedWording loads an organisation's copy of a licensed
// instrument with its wording added, as Load promises.
func TestLicensedWording(t *testing.T) {
	epds, err := instrumentFiles.ReadFile("instruments/epds.json")
	if err != nil {
		t.Fatal(err)
	}
	custom := def(t, string(epds), func(m map[string]any) {
		for i, v := range list(m, "items") {
			it := obj(v)
			it["text"] = "Licensed wording " + string(rune('A'+i))
			// Options in the paper order: question 3 runs from 3 down to 0.
			if i == 2 {
				it["options"] = []any{
					map[string]any{"value": 3, "label": "First answer"}, map[string]any{"value": 2, "label": "Second answer"},
					map[string]any{"value": 1, "label": "Third answer"}, map[string]any{"value": 0, "label": "Fourth answer"},
				}
			}
		}
	})
	in := loadString(t, custom)
	if it, _ := in.Item(3); it.Text != "Licensed wording C" || it.Options[0].Value != 3 {
		t.Errorf("question 3 = %+v", it)
	}
	base := mustLookup(t, "epds")
	if err := in.SameScoring(base); err != nil {
		t.Errorf("SameScoring: %v", err)
	}
	// Wording changes nothing: scores match the built-in instrument.
	answers := map[int]int{1: 1, 2: 1, 3: 3, 4: 2, 5: 1, 6: 1, 7: 1, 8: 1, 9: 1, 10: 1}
	a, errA := in.Score(answers)
	b, errB := base.Score(answers)
	if errA != nil || errB != nil || !reflect.DeepEqual(a, b) || a.Score != 13 || !a.Flagged || !a.Safeguarding {
		t.Errorf("custom %+v (%v), built-in %+v (%v)", a, errA, b, errB)
	}

	// A copy that moves a cut-off, reverses a question or drops an alert
	// does not score the same.
	for name, change := range map[string]func(m map[string]any){
		"bands":  func(m map[string]any) { obj(list(m, "bands")[2])["from"] = 12 },
		"items":  func(m map[string]any) { item(m, 2)["reverse"] = true },
		"alerts": func(m map[string]any) { delete(m, "alerts") },
	} {
		other := loadString(t, def(t, custom, change))
		err := other.SameScoring(base)
		if p := problem.As(err); p == nil || p.Fields[0].Name != name {
			t.Errorf("%s changed: SameScoring = %v", name, err)
		}
	}
}

// TestRoundTrip checks that an instrument written back out as JSON loads
// to the same instrument, so definitions can be exported and edited.
func TestRoundTrip(t *testing.T) {
	for _, in := range Builtin() {
		data, err := json.Marshal(in)
		if err != nil {
			t.Fatal(err)
		}
		again, err := Load(bytes.NewReader(data))
		if err != nil {
			t.Errorf("%s: reloading: %v", in.Key, err)
			continue
		}
		if !reflect.DeepEqual(again, in) {
			t.Errorf("%s: round trip changed the instrument", in.Key)
		}
		if err := again.SameScoring(in); err != nil {
			t.Errorf("%s: %v", in.Key, err)
		}
	}
}
