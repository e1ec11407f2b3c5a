package risk

import (
	"strings"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/problem"
)

func TestChangeCheck(t *testing.T) {
	// Late in the day: a change earlier today (at midnight) is not in the future.
	today := time.Date(2027, 3, 5, 23, 30, 0, 0, time.UTC)
	day := func(d int) time.Time { return time.Date(2027, 3, d, 0, 0, 0, 0, time.UTC) }
	tests := []struct {
		name     string
		c        Change
		fields   []string
		messages []string
	}{
		{"separated today", Change{Kind: "separated", On: day(5)}, nil, nil},
		{"each kind", Change{Kind: "released_from_custody", On: day(1), Note: "  Released on licence.  "}, nil, nil},
		{"other with a note", Change{Kind: "other", On: day(4), Note: "Started a new job with night shifts"}, nil, nil},
		{"empty", Change{}, []string{"change_kind", "changed_on"}, []string{"Select what has changed", "Enter the date of the change"}},
		{"unknown kind", Change{Kind: "Separated", On: day(5)}, []string{"change_kind"}, []string{"Select what has changed"}},
		{"tomorrow", Change{Kind: "moved_house", On: day(6)}, []string{"changed_on"}, []string{"The date of the change must be today or in the past"}},
		{"other without a note", Change{Kind: "other", On: day(5), Note: " \n "}, []string{"change_note"}, []string{"Say what has changed"}},
		{"note too long", Change{Kind: "new_partner", On: day(5), Note: strings.Repeat("a", MaxChangeNote+1)}, []string{"change_note"},
			[]string{"Note must be 2000 characters or fewer"}},
		{"other with markup", Change{Kind: "other", On: day(5), Note: "<script>"}, []string{"change_note"},
			[]string{"Note must not include HTML or code, such as < followed by a letter"}},
		{"everything wrong", Change{Kind: "x", On: day(31), Note: strings.Repeat("é", MaxChangeNote+1)}, []string{"change_kind", "changed_on", "change_note"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.c
			err := c.Check(today)
			if len(tt.fields) == 0 {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				if c.Note != strings.TrimSpace(tt.c.Note) {
					t.Errorf("note %q, want it trimmed", c.Note)
				}
				return
			}
			p := problem.As(err)
			if p == nil || p.Code != problem.Invalid || len(p.Fields) != len(tt.fields) {
				t.Fatalf("Check = %v, want fields %v", err, tt.fields)
			}
			for i, f := range p.Fields {
				if f.Name != tt.fields[i] {
					t.Errorf("field %d is %s, want %s", i, f.Name, tt.fields[i])
				}
				if tt.messages != nil && f.Message != tt.messages[i] {
					t.Errorf("%s: %q, want %q", f.Name, f.Message, tt.messages[i])
				}
			}
		})
	}
}

func TestChangeKinds(t *testing.T) {
	seen := map[string]bool{}
	for _, o := range ChangeKinds() {
		if o.Value == "" || o.Label == "" || seen[o.Value] {
			t.Errorf("kind %+v is blank or repeated", o)
		}
		seen[o.Value] = true
		if ChangeLabel(o.Value) != o.Label {
			t.Errorf("ChangeLabel(%q) = %q", o.Value, ChangeLabel(o.Value))
		}
	}
	if len(seen) != 6 || !seen["other"] {
		t.Errorf("kinds %v, want six with other", seen)
	}
	if got := ChangeLabel("gone"); got != "gone" {
		t.Errorf("an unknown kind shows as %q, want its code", got)
	}
}
