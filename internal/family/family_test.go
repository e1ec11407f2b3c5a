package family

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/problem"
)

func TestNamesAndTargets(t *testing.T) {
	f := Family{ID: 4, AreaID: 2, Stage: Closed, People: []Person{
		{ID: 11, Kind: Parent, ParentSlot: 2, GivenName: "Ade", FamilyName: "Okafor", PractitionerID: 8},
		{ID: 10, Kind: Parent, ParentSlot: 1, GivenName: "Jo", KnownAs: "Jojo", FamilyName: "Smith", PractitionerID: 7},
		{ID: 12, Kind: Baby},
	}}
	ps := f.Parents()
	if len(ps) != 2 || ps[0].ID != 10 || ps[1].ID != 11 {
		t.Fatalf("Parents() = %+v, want slot 1 then slot 2", ps)
	}
	if got := ps[0].Name(); got != "Jojo Smith" {
		t.Errorf("Name() = %q, want the known-as name", got)
	}
	if b, ok := f.Baby(); !ok || b.Name() != "Baby (not yet named)" || b.ChildName() != "The baby" {
		t.Errorf("Baby() = %+v %v, named %q", b, ok, b.ChildName())
	}
	for _, p := range []Person{{Kind: Baby, GivenName: "Lily", FamilyName: "Foster"}, {Kind: Child, GivenName: "Leo", FamilyName: "Price"}} {
		if p.ChildName() != p.Name() {
			t.Errorf("ChildName() = %q, want the name %q", p.ChildName(), p.Name())
		}
	}
	tg := f.PersonTarget(ps[1], nil)
	if !tg.Closed || tg.AreaID != 2 || !tg.IsParent || tg.PersonID != 11 || tg.Practitioners[10] != 7 || tg.Practitioners[11] != 8 {
		t.Errorf("PersonTarget = %+v", tg)
	}
	if NotKnown.Label() != "Not yet known" || Uses.Label() != "Uses abusive behaviours" {
		t.Error("experience labels changed")
	}
}

// Only a baby is ever unnamed, and only until they have a first or
// known-as name: a family name alone does not name them.
func TestUnnamed(t *testing.T) {
	tests := []struct {
		name string
		p    Person
		want bool
	}{
		{"a baby with no name", Person{Kind: Baby}, true},
		{"a baby with only a family name", Person{Kind: Baby, FamilyName: "Foster"}, true},
		{"a baby with a first name", Person{Kind: Baby, GivenName: "Lily"}, false},
		{"a baby with only a known-as name", Person{Kind: Baby, KnownAs: "Bean"}, false},
		{"a child with no first name", Person{Kind: Child, FamilyName: "Price"}, false},
		{"a parent whose name is not known", Person{Kind: Parent, ParentSlot: 1}, false},
	}
	for _, tt := range tests {
		if got := tt.p.Unnamed(); got != tt.want {
			t.Errorf("%s: Unnamed() = %v, want %v", tt.name, got, tt.want)
		}
		if got := tt.p.ChildName(); (got == "The baby") != tt.want {
			t.Errorf("%s: ChildName() = %q, which disagrees with Unnamed() = %v", tt.name, got, tt.want)
		}
	}
}

func TestCheckAllocation(t *testing.T) {
	f := Family{People: []Person{
		{ID: 1, Kind: Parent, ParentSlot: 1, PractitionerID: 7},
		{ID: 2, Kind: Parent, ParentSlot: 2, PractitionerID: 8},
		{ID: 3, Kind: Baby},
	}}
	tests := []struct {
		name          string
		person, staff int64
		want          error
	}{
		{"new practitioner", 1, 9, nil},
		{"keep own practitioner", 1, 7, nil},
		{"the other parent's practitioner", 1, 8, ErrSamePractitioner},
		{"unallocating", 2, 0, nil},
		{"the baby", 3, 9, ErrNotACoParent},
		{"a stranger", 99, 9, ErrNotACoParent},
	}
	for _, tt := range tests {
		if got := f.CheckAllocation(tt.person, tt.staff); got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}

// A family's reader's break-glass grants never leave in an encoding: a
// grant's reason is about the other parent.
func TestOverridesAreNeverEncoded(t *testing.T) {
	f := Family{ID: 1, Reference: "FAM-1", Overrides: []policy.Override{{StaffID: 7, PersonID: 10, Reason: "CANARY-REASON police welfare check tonight"}}}
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "CANARY") || strings.Contains(string(b), "Overrides") {
		t.Errorf("the family's encoding holds its reader's grants: %s", b)
	}
}

func TestExperienceValid(t *testing.T) {
	for _, e := range ExperienceChoices() {
		if !e.Valid() || e.Label() == "" {
			t.Errorf("%q: valid %v, label %q", e, e.Valid(), e.Label())
		}
	}
	for _, e := range []Experience{"", "victim", "perpetrator", "Uses"} {
		if e.Valid() {
			t.Errorf("%q is valid", e)
		}
	}
}

func TestDetailsCheck(t *testing.T) {
	now := time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC)
	ok := Details{GivenName: " Amy ", FamilyName: "Foster", DateOfBirth: time.Date(1998, 4, 2, 0, 0, 0, 0, time.UTC), Experience: Experiences}
	tests := []struct {
		name string
		kind Kind
		edit func(d *Details)
		want []string // fields with a problem
	}{
		{"as given", Parent, func(*Details) {}, nil},
		{"no first name", Parent, func(d *Details) { d.GivenName = "  " }, []string{"given_name"}},
		{"markup in a name", Parent, func(d *Details) { d.FamilyName = "<b>Foster</b>" }, []string{"family_name"}},
		{"born tomorrow", Parent, func(d *Details) { d.DateOfBirth = now.AddDate(0, 0, 1) }, []string{"date_of_birth"}},
		{"born 101 years ago", Parent, func(d *Details) { d.DateOfBirth = now.AddDate(-101, 0, 0) }, []string{"date_of_birth"}},
		{"no date of birth", Parent, func(d *Details) { d.DateOfBirth = time.Time{} }, nil},
		{"no experience", Parent, func(d *Details) { d.Experience = "" }, []string{"experience"}},
		{"a child has none", Child, func(d *Details) { d.Experience = "" }, nil},
		{"a child's first name", Child, func(d *Details) { d.GivenName, d.Experience = "", "" }, []string{"given_name"}},
		{"the baby not named yet", Baby, func(d *Details) { d.GivenName, d.Experience = "", "" }, nil},
		{"too long pronouns", Parent, func(d *Details) { d.Pronouns = strings.Repeat("x", 101) }, []string{"pronouns"}},
	}
	for _, tt := range tests {
		d := ok
		tt.edit(&d)
		var fs problem.Fields
		d.Check(tt.kind, now, &fs)
		var got []string
		for _, f := range fs {
			got = append(got, f.Name)
		}
		if strings.Join(got, ",") != strings.Join(tt.want, ",") {
			t.Errorf("%s: problems with %v, want %v", tt.name, got, tt.want)
		}
		if len(tt.want) == 0 && d.GivenName != strings.TrimSpace(d.GivenName) {
			t.Errorf("%s: the first name %q was not trimmed", tt.name, d.GivenName)
		}
	}
}

// Another child lives with the co-parent in their household's slot (a
// target for that parent's confidentiality); the baby, a child with none,
// or one whose slot holds no parent, with no one.
func TestLivesWithAndIsHousehold(t *testing.T) {
	amy := Person{ID: 1, Kind: Parent, ParentSlot: 1, GivenName: "Amy"}
	jordan := Person{ID: 2, Kind: Parent, ParentSlot: 2, GivenName: "Jordan"}
	f := Family{People: []Person{amy, jordan}}
	lone := Family{People: []Person{amy}}
	for _, tc := range []struct {
		name  string
		f     Family
		child Person
		want  int64 // the parent's ID, 0 for no one
	}{
		{"with Amy", f, Person{ID: 3, Kind: Child, Household: 1}, 1},
		{"with Jordan", f, Person{ID: 3, Kind: Child, Household: 2}, 2},
		{"with neither", f, Person{ID: 3, Kind: Child}, 0},
		{"the baby with Amy", f, Person{ID: 3, Kind: Baby, Household: 1}, 1},
		{"the baby with neither", f, Person{ID: 3, Kind: Baby}, 0},
		{"a parent", f, Person{ID: 1, Kind: Parent, Household: 2}, 0},
		{"slot with no parent", lone, Person{ID: 3, Kind: Child, Household: 2}, 0},
	} {
		p, ok := tc.f.LivesWith(tc.child)
		if ok != (tc.want != 0) || p.ID != tc.want {
			t.Errorf("%s: LivesWith = %d, %t; want %d", tc.name, p.ID, ok, tc.want)
		}
		if got := tc.f.PersonTarget(tc.child, nil).Household; got != tc.want {
			t.Errorf("%s: PersonTarget's Household = %d; want %d", tc.name, got, tc.want)
		}
	}
	for slot, want := range map[int]bool{0: true, 1: true, 2: true, 3: false, -1: false} {
		if got := f.IsHousehold(slot); got != want {
			t.Errorf("IsHousehold(%d) = %t; want %t", slot, got, want)
		}
	}
	if lone.IsHousehold(2) {
		t.Error("a family with one parent takes the second slot as a household")
	}
}

// Contact details are checked as a referral's are, each optional, trimmed
// and put in standard form in place; every bad field is named at once.
func TestConfidentialCheck(t *testing.T) {
	for _, tc := range []struct {
		name   string
		in     Confidential
		fields []string
	}{
		{"empty", Confidential{}, nil},
		{"good", Confidential{Address: "1 High Street\nBlackpool", Postcode: "fy1 1aa", Phone: "07700 900123", Email: " Amy@Example.org ", SafeContact: "Text first"}, nil},
		{"bad postcode, phone and email", Confidential{Postcode: "12345", Phone: "call me maybe", Email: "a@b"}, []string{"postcode", "phone", "email"}},
		{"markup in the address", Confidential{Address: "<script>x</script>"}, []string{"address"}},
		{"a safe contact too long", Confidential{SafeContact: strings.Repeat("x", 2001)}, []string{"safe_contact"}},
	} {
		c := tc.in
		err := c.Check()
		var got []string
		if p := problem.As(err); p != nil {
			for _, f := range p.Fields {
				got = append(got, f.Name)
			}
		} else if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if strings.Join(got, ",") != strings.Join(tc.fields, ",") {
			t.Errorf("%s: problems on %v, want %v", tc.name, got, tc.fields)
		}
	}
	c := Confidential{Postcode: " fy1 1aa ", Email: " Amy@Example.org "}
	if err := c.Check(); err != nil || c.Postcode != "FY1 1AA" || c.Email != "amy@example.org" {
		t.Errorf("put in standard form: %+v, %v", c, err)
	}
}

func TestPersonAway(t *testing.T) {
	for _, c := range []struct {
		p    Person
		want string
	}{
		{Person{Kind: Parent, Active: true}, ""},
		{Person{Kind: Parent}, "Left the programme"},
		{Person{Kind: Parent, JoiningLater: true}, "Joining later"},
		{Person{Kind: Baby}, ""},
		{Person{Kind: Parent, Active: true, JoiningLater: true}, ""},
	} {
		if got := c.p.Away(); got != c.want {
			t.Errorf("%+v: Away() = %q, want %q", c.p, got, c.want)
		}
	}
}
