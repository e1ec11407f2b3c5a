package match

import (
	"slices"
	"testing"
)

func TestNormaliseName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Zoë", "zoe"},
		{"José", "jose"},
		{"Łukasz", "lukasz"},
		{"Søren", "soren"},
		{"Straße", "strasse"},
		{"Æsa", "aesa"},
		{"Đorđe", "dorde"},
		{"Þór", "thor"},
		{"Ольга", "olga"},
		{"Юлия", "iuliia"},
		{"Олександр", "oleksandr"},
		{"Ιωάννης", "ioannis"},
		{"Παπαδόπουλος", "papadopoulos"},
		{"Ευάγγελος", "evangelos"},
		{"O'Brien", "obrien"},
		{"O’Brien", "obrien"},
		{"O´Brien", "obrien"},
		{"O'Neil", "oneil"},
		{"Mary-Jane", "mary jane"},
		{"Anne–Marie", "anne marie"}, // en dash
		{"J.", "j"},
		{"  Mary   Jane  ", "mary jane"},
		{"\tSMITH\n", "smith"},
		{"Ｊｏｈｎ", "john"}, // fullwidth
		{"Smith, John", "smith john"},
		{"", ""},
		{"   ", ""},
		{"-'.", ""},
		{"R2D2", "r d"},
		{"\xff\xfeSmith", "smith"}, // invalid UTF-8 is a separator
	}
	for _, tt := range tests {
		if got := NormaliseName(tt.in); got != tt.want {
			t.Errorf("NormaliseName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCanonicalGivenName(t *testing.T) {
	groups := map[string][]string{
		"muhammad":  {"Muhammad", "Mohammed", "Mohamed", "Mohammad", "Muhammed", "MOHAMAD"},
		"john":      {"John", "Jon", "Johnny"},
		"katherine": {"Katie", "Kate", "Kat", "Catherine", "Katherine", "Kathryn"},
		"elizabeth": {"Liz", "Lizzie", "Elizabeth", "Elisabeth"},
		"robert":    {"Bob", "Rob", "Robbie", "Robert"},
		"william":   {"Bill", "Will", "William"},
		"michael":   {"Mike", "Michael", "Michał"},
		"thomas":    {"Tom", "Thomas", "Tomasz"},
		"james":     {"Jim", "Jamie", "James"},
		"daniel":    {"Dan", "Danny", "Daniel"},
		"alexander": {"Alexander", "Aleksandr", "Aleksander", "Alexandr", "Александр"},
		"yusuf":     {"Yusuf", "Yousef", "Youssef"},
		"aisha":     {"Aisha", "Ayesha", "Aysha"},
		"fatima":    {"Fatima", "Fatimah"},
		"siobhan":   {"Siobhán", "Shevaun"},
		"zoe":       {"Zoë", "Zoey"},
	}
	for want, names := range groups {
		for _, n := range names {
			if got := CanonicalGivenName(n); got != want {
				t.Errorf("CanonicalGivenName(%q) = %q, want %q", n, got, want)
			}
		}
	}
	// Kept apart on purpose: different names, or ambiguous short forms.
	for in, want := range map[string]string{
		"Liam":      "liam",
		"Jonathan":  "jonathan",
		"Joseph":    "joseph",
		"Sam":       "sam",
		"Samantha":  "samantha",
		"Samuel":    "samuel",
		"Alex":      "alex",
		"Alexandra": "alexandra",
		"Chris":     "chris",
		"Ali":       "ali",
		"Bob-Mike":  "robert michael",
		"":          "",
		"Zebedee":   "zebedee",
	} {
		if got := CanonicalGivenName(in); got != want {
			t.Errorf("CanonicalGivenName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestGivenForms(t *testing.T) {
	meet := func(a, b string) bool {
		fb := givenForms(b)
		for _, x := range givenForms(a) {
			if slices.Contains(fb, x) {
				return true
			}
		}
		return false
	}
	tests := []struct {
		a, b string
		want bool
	}{
		{"sam", "samantha", true},
		{"sam", "samuel", true},
		{"samantha", "samuel", false},
		{"alex", "alexandra", true},
		{"alex", "aleksandr", true},
		{"alexander", "alexandra", false},
		{"bob", "robert", true},
		{"liam", "william", false},
		{"chris", "christine", true},
		{"christopher", "christine", false},
	}
	for _, tt := range tests {
		if got := meet(tt.a, tt.b); got != tt.want {
			t.Errorf("forms of %q and %q meet = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

// TestGivenGroupsDisjoint guards the table: a name in two groups would be
// silently canonicalised to whichever came last.
func TestGivenGroupsDisjoint(t *testing.T) {
	seen := map[string]string{}
	for _, g := range givenGroups() {
		for _, n := range g {
			if NormaliseName(n) != n {
				t.Errorf("%q in group %q is not normalised", n, g[0])
			}
			if prev, ok := seen[n]; ok {
				t.Errorf("%q is in groups %q and %q", n, prev, g[0])
			}
			seen[n] = g[0]
		}
	}
	for short, fulls := range givenAmbiguous {
		if _, ok := seen[short]; ok {
			t.Errorf("ambiguous %q is also in group %q", short, seen[short])
		}
		for _, f := range fulls {
			if c, ok := givenCanon[f]; ok && c != f {
				t.Errorf("ambiguous %q expands to %q, which is not canonical (%q)", short, f, c)
			}
		}
	}
}
