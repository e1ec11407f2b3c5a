package risk

import (
	"errors"
	"fmt"
	"testing"
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
