package risk

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestChildRiskValidate(t *testing.T) {
	ok := ChildRisk{Concerns: "Baby due in May; the older child has seen incidents.", Level: Medium, Plan: "Refer to children's social care; review weekly."}
	tests := []struct {
		name   string
		c      ChildRisk
		fields []string
	}{
		{"complete", ok, nil},
		{"high", ChildRisk{Concerns: ok.Concerns, Level: High, Plan: ok.Plan}, nil},
		{"standard", ChildRisk{Concerns: ok.Concerns, Level: Standard, Plan: ok.Plan}, nil},
		{"empty", ChildRisk{}, []string{"concerns", "level", "plan"}},
		{"no concerns", ChildRisk{Concerns: " \n ", Level: High, Plan: ok.Plan}, []string{"concerns"}},
		{"no level", ChildRisk{Concerns: ok.Concerns, Plan: ok.Plan}, []string{"level"}},
		{"invalid level", ChildRisk{Concerns: ok.Concerns, Level: "High", Plan: ok.Plan}, []string{"level"}},
		{"no plan", ChildRisk{Concerns: ok.Concerns, Level: Medium, Plan: "\t"}, []string{"plan"}},
		{"no concerns or plan", ChildRisk{Level: Medium}, []string{"concerns", "plan"}},
		// The free-text rules every form shares.
		{"longest concerns and plan", ChildRisk{Concerns: strings.Repeat("é", MaxChildRiskText), Level: High, Plan: strings.Repeat("a", MaxChildRiskText)}, nil},
		{"the longest, with spaces and line breaks around it", ChildRisk{Concerns: "\n " + strings.Repeat("a", MaxChildRiskText) + " \n", Level: High, Plan: ok.Plan}, nil},
		{"concerns too long", ChildRisk{Concerns: strings.Repeat("a", MaxChildRiskText+1), Level: High, Plan: ok.Plan}, []string{"concerns"}},
		{"plan too long", ChildRisk{Concerns: ok.Concerns, Level: High, Plan: strings.Repeat("a", 100000)}, []string{"plan"}},
		{"script in the concerns", ChildRisk{Concerns: "<script>alert(1)</script>", Level: High, Plan: ok.Plan}, []string{"concerns"}},
		{"image in the plan", ChildRisk{Concerns: ok.Concerns, Level: High, Plan: `<img src=x onerror="alert(1)">`}, []string{"plan"}},
		{"both with markup and no level", ChildRisk{Concerns: "<b>x</b>", Plan: "</p>"}, []string{"concerns", "level", "plan"}},
		{"control character in the plan", ChildRisk{Concerns: ok.Concerns, Level: High, Plan: "Visit\x00weekly"}, []string{"plan"}},
		{"line breaks and tabs are text", ChildRisk{Concerns: "Shouting.\r\n\tSeen by the older child.", Level: High, Plan: "a < b, 3 > 2"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.c.Validate()
			if len(tt.fields) == 0 {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			ps := Problems(err)
			if len(ps) != len(tt.fields) {
				t.Fatalf("Problems = %v, want fields %v", ps, tt.fields)
			}
			for i, p := range ps {
				if p.Field != tt.fields[i] {
					t.Errorf("problem %d field = %q, want %q", i, p.Field, tt.fields[i])
				}
				checkField(t, p, p.Field)
				if p.Field != "level" && !strings.HasPrefix(p.Message, "Enter ") && !strings.HasPrefix(p.Message, strings.ToUpper(p.Field[:1])+p.Field[1:]+" ") {
					t.Errorf("problem %d message %q does not name the field", i, p.Message)
				}
			}
			// errors.As finds the first problem, for callers that show one.
			var first *Error
			if !errors.As(err, &first) || first.Field != tt.fields[0] {
				t.Errorf("errors.As gave %v, want field %q", first, tt.fields[0])
			}
		})
	}
}

func TestProblems(t *testing.T) {
	a := &Error{Field: "a", Message: "A"}
	b := &Error{Field: "b", Message: "B"}
	tests := []struct {
		name string
		err  error
		want []*Error
	}{
		{"nil", nil, nil},
		{"single", a, []*Error{a}},
		{"wrapped", fmt.Errorf("saving: %w", a), []*Error{a}},
		{"joined", errors.Join(a, b), []*Error{a, b}},
		{"nested", errors.Join(errors.Join(a), fmt.Errorf("x: %w", b)), []*Error{a, b}},
		{"other error", errors.New("boom"), nil},
		{"mixed", errors.Join(errors.New("boom"), b), []*Error{b}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Problems(tt.err)
			if len(got) != len(tt.want) {
				t.Fatalf("Problems = %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("problem %d = %v, want %v", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestCurrentChildRisk(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, 3, d, 0, 0, 0, 0, time.UTC) }
	all := func(l Level, d int) AssessedChild { return AssessedChild{Level: l, On: day(d)} }
	one := func(id int64, l Level, d int) AssessedChild { return AssessedChild{ChildID: id, Level: l, On: day(d)} }
	const baby, older = 10, 11
	tests := []struct {
		name        string
		children    []int64
		latestFirst []AssessedChild
		want        int
	}{
		{"none", []int64{baby}, nil, -1},
		{"none and no children", nil, nil, -1},
		{"one about all", []int64{baby, older}, []AssessedChild{all(High, 1)}, 0},
		{"the latest about all replaces an earlier one", []int64{baby, older}, []AssessedChild{all(Standard, 9), all(High, 1)}, 0},
		{"the baby reassessed lower: the older child's high stands", []int64{baby, older},
			[]AssessedChild{one(baby, Standard, 9), all(High, 1)}, 1},
		{"the baby reassessed higher", []int64{baby, older},
			[]AssessedChild{one(baby, High, 9), all(Medium, 1)}, 0},
		{"a baby alone: reassessing it replaces the assessment of all", []int64{baby},
			[]AssessedChild{one(baby, Standard, 9), all(High, 1)}, 0},
		{"each child reassessed: the earlier one about all no longer counts", []int64{baby, older},
			[]AssessedChild{one(older, Medium, 9), one(baby, Standard, 8), all(High, 1)}, 0},
		{"an assessment about all after ones about each replaces them", []int64{baby, older},
			[]AssessedChild{all(Standard, 9), one(older, High, 8), one(baby, High, 7)}, 0},
		{"a tie goes to the latest", []int64{baby, older},
			[]AssessedChild{one(older, Medium, 9), one(baby, Medium, 8)}, 0},
		{"a tie goes to the one about all: the level is not one child's alone", []int64{baby, older},
			[]AssessedChild{one(older, High, 9), all(High, 1)}, 1},
		{"a tie between two about all cannot happen: the later replaces the earlier", []int64{baby},
			[]AssessedChild{all(High, 9), all(High, 1)}, 0},
		{"a child never assessed on their own is covered by the one about all", []int64{baby, older},
			[]AssessedChild{one(baby, Medium, 9), one(baby, Standard, 5), all(High, 1)}, 2},
		{"a later reassessment of the same child replaces theirs", []int64{baby, older},
			[]AssessedChild{one(older, Standard, 9), one(older, High, 5), all(Medium, 1)}, 2},
		{"no child recorded: the latest", nil, []AssessedChild{one(99, Standard, 9), all(High, 1)}, 0},
		{"about a child no longer recorded: the others count", []int64{baby},
			[]AssessedChild{one(99, High, 9), all(Medium, 1)}, 1},
		{"only about a child no longer recorded: the latest", []int64{baby}, []AssessedChild{one(99, High, 9)}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CurrentChildRisk(tt.children, tt.latestFirst); got != tt.want {
				t.Errorf("CurrentChildRisk = %d, want %d", got, tt.want)
			}
		})
	}
}
