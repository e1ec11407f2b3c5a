package match

import (
	"reflect"
	"slices"
	"testing"
	"time"
)

func TestKeysOf(t *testing.T) {
	got := KeysOf(Identity{
		GivenName:  "Sam",
		FamilyName: "O'Brien",
		KnownAs:    "Sammy",
		Phone:      "+44 7700 900123",
		Email:      " Sam@Example.org ",
		NHSNumber:  "943 476 5919",
		Postcode:   "FY1 1AA",
	})
	want := Keys{
		Names:    []string{"sam|obrien", "samantha|obrien", "sammy|obrien", "samuel|obrien"},
		Phonetic: []string{"APRN|SM", "APRN|SMN0", "APRN|SML"},
		Phone:    "07700900123",
		Email:    "sam@example.org",
		NHS:      "9434765919",
	}
	slices.Sort(want.Names)
	slices.Sort(want.Phonetic)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("KeysOf:\n got %+v\nwant %+v", got, want)
	}
}

func TestKeysOfVariantsMeet(t *testing.T) {
	pairs := [][2]Identity{
		{{GivenName: "Mohammed", FamilyName: "Ali"}, {GivenName: "Muhammad", FamilyName: "Ali"}},
		{{GivenName: "Bob", FamilyName: "Smith"}, {GivenName: "Robert", FamilyName: "Smith"}},
		{{GivenName: "Sam", FamilyName: "Jones"}, {GivenName: "Samantha", FamilyName: "Jones"}},
		{{GivenName: "Jane", FamilyName: "Mc Donald"}, {GivenName: "Jane", FamilyName: "McDonald"}},
		{{GivenName: "Rebecca", FamilyName: "Hill"}, {GivenName: "Tilly", KnownAs: "Becky", FamilyName: "Hill"}},
	}
	for _, p := range pairs {
		a, b := KeysOf(p[0]), KeysOf(p[1])
		if !overlap(a.Names, b.Names) {
			t.Errorf("%+v and %+v share no name key: %v / %v", p[0], p[1], a.Names, b.Names)
		}
	}
	// Misspellings meet on phonetic keys only.
	a := KeysOf(Identity{GivenName: "Jon", FamilyName: "Smyth"})
	b := KeysOf(Identity{GivenName: "John", FamilyName: "Smith"})
	if overlap(a.Names, b.Names) || !overlap(a.Phonetic, b.Phonetic) {
		t.Errorf("Jon Smyth / John Smith: names %v %v, phonetic %v %v", a.Names, b.Names, a.Phonetic, b.Phonetic)
	}
	// Samantha and Samuel must not meet.
	a = KeysOf(Identity{GivenName: "Samantha", FamilyName: "Jones"})
	b = KeysOf(Identity{GivenName: "Samuel", FamilyName: "Jones"})
	if overlap(a.Names, b.Names) || overlap(a.Phonetic, b.Phonetic) {
		t.Errorf("Samantha and Samuel Jones share keys: %v %v", a, b)
	}
}

func TestKeysOfSparse(t *testing.T) {
	tests := []struct {
		name string
		id   Identity
		want Keys
	}{
		{"empty", Identity{}, Keys{}},
		{"family only", Identity{FamilyName: "Smith"}, Keys{}},
		{"given only", Identity{GivenName: "Jane"}, Keys{}},
		{"initial only", Identity{GivenName: "J.", FamilyName: "Smith"}, Keys{}},
		{"placeholders", Identity{Phone: "n/a", Email: "none", NHSNumber: "1111111111", DateOfBirth: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)}, Keys{}},
	}
	for _, tt := range tests {
		if got := KeysOf(tt.id); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: KeysOf = %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

func overlap(a, b []string) bool {
	for _, x := range a {
		if slices.Contains(b, x) {
			return true
		}
	}
	return false
}
