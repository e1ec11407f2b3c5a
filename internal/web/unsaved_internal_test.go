package web

import "testing"

// What counts as typed text worth keeping to copy, and how its field is
// named for the user.
func TestTypedTextAndFieldLabel(t *testing.T) {
	for _, tc := range []struct {
		name, value string
		typed       bool
	}{
		{"notes", "Talked about sleep.", true},
		{"notes", "line one\nline two", true},
		{"notes", "   ", false},
		{"mode", "home", false},  // a code from a list
		{"minutes", "60", false}, // a number
		{"password", "copper kettle hillside", false},
		{"current", "copper kettle hillside", false},
		{"confirm", "copper kettle hillside", false},
		{"csrf_token", "a b", false},
		{"code", "123 456", false},
		{"held_on-day", "1 2", false},
		{"actions[0].what", "Ring the MASH", true},
	} {
		if got := typedText(tc.name, tc.value); got != tc.typed {
			t.Errorf("typedText(%q, %q) = %v, want %v", tc.name, tc.value, got, tc.typed)
		}
	}
	for name, want := range map[string]string{"notes": "Notes", "safe_contacts": "Safe contacts", "actions[0].what": "Actions 1 what", "summary_for_12": "Summary for 12", "actions[1].due[0]": "Actions 2 due 1", "": "Text"} {
		if got := fieldLabel(name); got != want {
			t.Errorf("fieldLabel(%q) = %q, want %q", name, got, want)
		}
	}
}
