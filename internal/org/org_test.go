package org

import (
	"testing"

	"github.com/cradle-org/cradle/internal/problem"
)

func TestNewStaffValidate(t *testing.T) {
	tests := []struct {
		name       string
		in         NewStaff
		wantFields []string
	}{
		{"valid", NewStaff{Email: " Sam@Example.org ", Name: "Sam Jones", Role: "practitioner", AreaName: "Blackpool"}, nil},
		{"everything missing", NewStaff{}, []string{"email", "name", "role", "area"}},
		{"bad email", NewStaff{Email: "sam@", Name: "S", Role: "dsl", AreaName: "X"}, []string{"email"}},
		{"display name email", NewStaff{Email: "Sam <sam@example.org>", Name: "S", Role: "dsl", AreaName: "X"}, []string{"email"}},
		{"no dot in domain", NewStaff{Email: "sam@localhost", Name: "S", Role: "dsl", AreaName: "X"}, []string{"email"}},
		{"unknown role", NewStaff{Email: "a@b.org", Name: "S", Role: "superuser", AreaName: "X"}, []string{"role"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.in.Validate()
			p := problem.As(err)
			var got []string
			if p != nil {
				for _, f := range p.Fields {
					got = append(got, f.Name)
				}
			}
			if len(got) != len(tt.wantFields) {
				t.Fatalf("fields = %v, want %v", got, tt.wantFields)
			}
			for i := range got {
				if got[i] != tt.wantFields[i] {
					t.Errorf("fields = %v, want %v", got, tt.wantFields)
				}
			}
		})
	}
	n := NewStaff{Email: " Sam@Example.org ", Name: "Sam", Role: "practitioner", AreaName: "B"}
	_ = n.Validate()
	if n.Email != "sam@example.org" {
		t.Errorf("email = %q, want it normalised", n.Email)
	}
}

// Every address ValidEmail accepts can be emailed: non-ASCII ones, which
// the sender cannot deliver without SMTPUTF8, are refused at the form
// (found by FuzzValidEmail).
func TestValidEmailASCIIOnly(t *testing.T) {
	for s, want := range map[string]bool{
		"sam@example.org": true, "zoë@example.org": false, "sam@exämple.org": false,
		"\ufffd@example.org": false, "sam\t@example.org": false, "sam\x7f@example.org": false,
	} {
		if got := ValidEmail(s); got != want {
			t.Errorf("ValidEmail(%q) = %v, want %v", s, got, want)
		}
	}
}
