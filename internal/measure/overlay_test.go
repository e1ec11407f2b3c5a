package measure

import (
	"reflect"
	"strings"
	"testing"

	"github.com/cradle-org/cradle/internal/problem"
)

func builtinFile(t testing.TB, key string) string {
	t.Helper()
	data, err := instrumentFiles.ReadFile("instruments/" + key + ".json")
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// withWording is the built-in definition with wording for every question,
// as an organisation licensed to use it would write.
func withWording(t testing.TB, key string) string {
	return def(t, builtinFile(t, key), func(m map[string]any) {
		for i, v := range list(m, "items") {
			obj(v)["text"] = "Licensed statement " + string(rune('A'+i))
		}
		m["copyright"] = "Reproduced under the organisation's licence"
	})
}

func TestOverlayReplacesWording(t *testing.T) {
	none, err := Overlay(nil)
	if err != nil || !reflect.DeepEqual(none, Builtin()) {
		t.Fatalf("no files: %v", err)
	}
	got, err := Overlay([]File{{Name: "wemwbs.json", Data: []byte(withWording(t, "wemwbs"))}, {Name: "epds-local.json", Data: []byte(withWording(t, "epds"))}})
	if err != nil {
		t.Fatal(err)
	}
	want := Builtin()
	if len(got) != len(want) {
		t.Fatalf("%d instruments, want %d", len(got), len(want))
	}
	for i := range want {
		switch in := got[i]; in.Key {
		case "wemwbs", "epds":
			if it, _ := in.Item(2); it.Text != "Licensed statement B" || in.Copyright != "Reproduced under the organisation's licence" {
				t.Errorf("%s: question 2 %q, copyright %q", in.Key, it.Text, in.Copyright)
			}
			if err := in.SameScoring(want[i]); err != nil {
				t.Errorf("%s: %v", in.Key, err)
			}
		default:
			if !reflect.DeepEqual(in, want[i]) {
				t.Errorf("%s changed, though no file named it", in.Key)
			}
		}
	}
}

func TestOverlayRefuses(t *testing.T) {
	tests := []struct {
		name  string
		files []File
		field string
		want  []string // in the message
	}{
		{
			name: "a reliable change moved",
			files: []File{{Name: "phq9.json", Data: []byte(def(t, builtinFile(t, "phq9"), func(m map[string]any) {
				m["reliable_change"] = 5
			}))}},
			field: "reliable_change",
			want:  []string{"phq9.json", "PHQ-9 scores differently", "reliable_change is 5 here but 6 in the built-in one", "Only the wording may change"},
		},
		{
			name: "a cut-off moved",
			files: []File{{Name: "epds.json", Data: []byte(def(t, withWording(t, "epds"), func(m map[string]any) {
				obj(list(m, "bands")[2])["from"] = 12
			}))}},
			field: "bands",
			want:  []string{"epds.json", `bands[2] is {"flag":true,"from":12} here but {"flag":true,"from":13} in the built-in one`},
		},
		{
			name: "a question reversed",
			files: []File{{Name: "core10.json", Data: []byte(def(t, builtinFile(t, "core10"), func(m map[string]any) {
				item(m, 3)["reverse"] = true
			}))}},
			field: "items",
			want:  []string{`items[3] is {"max":4,"min":0,"number":4,"reverse":true} here but {"max":4,"min":0,"number":4} in the built-in one`},
		},
		{
			name: "a subscale's questions changed",
			files: []File{{Name: "ders16.json", Data: []byte(def(t, builtinFile(t, "ders16"), func(m map[string]any) {
				obj(list(m, "subscales")[4])["items"] = []any{1, 2, 3}
			}))}},
			field: "subscales",
			want:  []string{"ders16.json", `subscales[4] is {"items":[1,2,3],"key":"clarity"} here but {"items":[1,2],"key":"clarity"}`},
		},
		{
			name: "an alert dropped",
			files: []File{{Name: "phq9.json", Data: []byte(def(t, builtinFile(t, "phq9"), func(m map[string]any) {
				delete(m, "alerts")
			}))}},
			field: "alerts",
			want:  []string{"alerts has 0 entries here but 1 in the built-in one"},
		},
		{
			name: "an ASQ-3 cut-off changed",
			files: []File{{Name: "asq3.json", Data: []byte(def(t, builtinFile(t, "asq3"), func(m map[string]any) {
				obj(band(m, 0)["cutoffs"])["communication"] = 25
			}))}},
			field: "age_bands",
			want:  []string{"asq3.json", "age_bands[0] is", `"communication":25`, `"communication":22.77`},
		},
		{
			name:  "an instrument that is not built in",
			files: []File{{Name: "phq2.json", Data: []byte(def(t, builtinFile(t, "phq9"), func(m map[string]any) { m["key"] = "phq2" }))}},
			field: "key",
			want:  []string{"phq2.json", `"phq2" is not a built-in instrument`, "asq3, asqse2, core10"},
		},
		{
			name:  "two files for one instrument",
			files: []File{{Name: "a.json", Data: []byte(withWording(t, "epds"))}, {Name: "b.json", Data: []byte(withWording(t, "epds"))}},
			field: "key",
			want:  []string{"b.json", `a.json also defines "epds"`},
		},
		{
			name:  "not a definition",
			files: []File{{Name: "notes.json", Data: []byte(`{"key": "phq9",`)}},
			field: "definition",
			want:  []string{"notes.json", "not valid JSON"},
		},
		{
			name:  "an unknown field",
			files: []File{{Name: "epds.json", Data: []byte(def(t, builtinFile(t, "epds"), func(m map[string]any) { m["cutoff"] = 12 }))}},
			field: "cutoff",
			want:  []string{"epds.json", `"cutoff" is not a field`},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Overlay(tc.files)
			p := problem.As(err)
			if got != nil || p == nil || p.Code != problem.Invalid || len(p.Fields) != 1 || p.Fields[0].Name != tc.field {
				t.Fatalf("Overlay = %d instruments, %v", len(got), err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("message lacks %q:\n%v", w, err)
				}
			}
		})
	}
}
