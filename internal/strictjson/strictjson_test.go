package strictjson

import (
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	deep := strings.Repeat("[", MaxDepth+2) + strings.Repeat("]", MaxDepth+2)
	for _, tt := range []struct {
		name, in string
		want     *Problem
	}{
		{"fine", `{"a":1,"b":{"c":[1,{"d":2}]}}`, nil},
		{"duplicate", `{"a":1,"A":2}`, &Problem{Field: "A", Kind: Duplicate}},
		{"nested duplicate", `{"items":[{"max":1},{"max":2,"Max":3}]}`, &Problem{Field: "items[1].Max", Kind: Duplicate}},
		{"long s folds to s", `{"s":1,"ſ":2}`, &Problem{Field: "ſ", Kind: Duplicate}},
		{"same name in two objects", `{"a":{"x":1},"b":{"x":2}}`, nil},
		{"too deep", deep, &Problem{Field: strings.Repeat("[0]", MaxDepth+1), Kind: TooDeep}},
		{"broken JSON is the decoder's", `{"a":`, nil},
	} {
		got := Check([]byte(tt.in))
		if (got == nil) != (tt.want == nil) || (got != nil && *got != *tt.want) {
			t.Errorf("%s: Check = %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

func TestFoldName(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		same bool
	}{{"End_Months", "end_months", true}, {"K", "\u212a", true}, {"a", "b", false}} {
		if got := FoldName(tt.a) == FoldName(tt.b); got != tt.same {
			t.Errorf("FoldName(%q) == FoldName(%q) is %v, want %v", tt.a, tt.b, got, tt.same)
		}
	}
}

func TestProblemPathAndReason(t *testing.T) {
	for _, tt := range []struct {
		p         Problem
		path, why string
	}{
		{Problem{Field: "a.b", Kind: Duplicate}, "a.b", "is given more than once; keep one"},
		{Problem{Field: "", Kind: Duplicate}, `""`, "is given more than once; keep one"},
		{Problem{Field: "vig.", Kind: Duplicate}, `vig.""`, "is given more than once; keep one"},
		{Problem{Field: "[0][0]", Kind: TooDeep}, "[0][0]", "is nested too deeply"},
	} {
		if got := tt.p.Path(); got != tt.path {
			t.Errorf("%+v Path() = %q, want %q", tt.p, got, tt.path)
		}
		if got := tt.p.Reason(); got != tt.why {
			t.Errorf("%+v Reason() = %q, want %q", tt.p, got, tt.why)
		}
	}
}
