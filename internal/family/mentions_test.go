package family

import (
	"slices"
	"testing"
)

func TestMentions(t *testing.T) {
	amy := Confidential{Address: "Flat 3, 12 Harbour View\nBlackpool", Postcode: "FY1 9ZZ", Phone: "07700 900101",
		Email: "Amy.F@example.org", NHSNumber: "943 476 5919"}
	tests := []struct {
		name string
		text string
		want []string
	}{
		{"nothing of hers", "Social worker, midwife, both practitioners. Plan agreed.", nil},
		{"empty", "  ", nil},
		{"the town alone", "Blackpool Council will chair the next meeting.", nil},
		{"the flat alone", "She is in flat 3 at the hostel.", nil},
		{"her street and number", "Mum has moved to 12 Harbour View.", []string{"address"}},
		{"her street, other case and spacing", "moved to 12  HARBOUR\nview last week", []string{"address"}},
		{"a longer number on her street", "112 Harbour View is the school.", nil},
		{"her postcode, without its space", "New postcode fy19zz.", []string{"postcode"}},
		{"her phone, spaced otherwise", "Call her on 0770 090 0101.", []string{"phone number"}},
		{"her phone, international", "Call +44 7700 900101.", []string{"phone number"}},
		{"her email, other case", "Write to amy.f@EXAMPLE.org.", []string{"email address"}},
		{"her NHS number", "NHS 9434765919.", []string{"NHS number"}},
		{"several", "12 Harbour View, FY1 9ZZ, 07700900101", []string{"address", "postcode", "phone number"}},
	}
	for _, tt := range tests {
		if got := Mentions(tt.text, amy); !slices.Equal(got, tt.want) {
			t.Errorf("%s: Mentions(%q) = %v, want %v", tt.name, tt.text, got, tt.want)
		}
	}
	// Details not recorded, or too short to mean anything, match nothing.
	if got := Mentions("0 1 FY1 @ 12 Harbour View", Confidential{Postcode: "FY1", Phone: "0", Email: "none"}); got != nil {
		t.Errorf("empty details: %v", got)
	}
}

func TestMentionsIn(t *testing.T) {
	amy := Person{ID: 1, Kind: Parent, GivenName: "Amy", FamilyName: "Foster", Confidential: &Confidential{Phone: "07700 900101", Postcode: "FY1 9ZZ"}}
	jordan := Person{ID: 2, Kind: Parent, GivenName: "Jordan", FamilyName: "Price"} // details not loaded: the author may not see them
	baby := Person{ID: 3, Kind: Baby, Confidential: &Confidential{Postcode: "FY1 9ZZ"}}
	f := Family{People: []Person{baby, jordan, amy}}
	never := func(Person) bool { return false }
	m, ok := MentionsIn(f, never, "Ring 07700900101 at FY1 9ZZ")
	if !ok || m.Parent.ID != 1 || !slices.Equal(m.Details, []string{"postcode", "phone number"}) {
		t.Fatalf("MentionsIn = %+v, %v", m, ok)
	}
	if got, want := m.Message("others working with the family", ""), "This mentions Amy Foster's postcode and phone number, which others working with the family may not see. Take it out: a parent's address and contact details stay on their own record"; got != want {
		t.Errorf("Message = %q, want %q", got, want)
	}
	if got, want := m.Message("they", "Mark it confidential."), "This mentions Amy Foster's postcode and phone number, which they may not see. Mark it confidential."; got != want {
		t.Errorf("Message with advice = %q, want %q", got, want)
	}
	if _, ok := MentionsIn(f, func(p Person) bool { return p.ID == 1 }, "Ring 07700900101"); ok {
		t.Error("readers who may see Amy's details: want no mention")
	}
	if _, ok := MentionsIn(f, never, "Nothing of anyone's."); ok {
		t.Error("a text with no details: want no mention")
	}
	if got := andList([]string{"a", "b", "c"}); got != "a, b and c" {
		t.Errorf("andList = %q", got)
	}
}
