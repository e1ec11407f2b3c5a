package org

import (
	"slices"
	"strings"
	"testing"
	"time"

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

func TestStaffChangeValidate(t *testing.T) {
	long := strings.Repeat("x", 201)
	tests := []struct {
		name       string
		in         StaffChange
		wantFields []string
		wantAreas  []string
	}{
		{"valid", StaffChange{Email: "sam@example.org", Name: " Sam Jones ", Role: "team_manager", Areas: []string{"Blackpool"}}, nil, []string{"Blackpool"}},
		{"everything missing", StaffChange{}, []string{"email", "name", "role", "areas"}, nil},
		{"bad email", StaffChange{Email: "sam at example", Name: "S", Role: "dsl", Areas: []string{"X"}}, []string{"email"}, []string{"X"}},
		{"blank areas only", StaffChange{Email: "s@example.org", Name: "S", Role: "dsl", Areas: []string{" ", ""}}, []string{"areas"}, nil},
		{"repeated areas once", StaffChange{Email: "s@example.org", Name: "S", Role: "dsl", Areas: []string{"Blackpool", " blackpool", "Hertfordshire"}}, nil, []string{"Blackpool", "Hertfordshire"}},
		{"too long", StaffChange{Email: "s@example.org", Name: long, JobTitle: long, Role: "admin", Areas: []string{"X"}}, []string{"name", "title"}, []string{"X"}},
		{"unknown role", StaffChange{Email: "s@example.org", Name: "S", Role: "superuser", Areas: []string{"X"}}, []string{"role"}, []string{"X"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.in.Validate()
			var got []string
			if p := problem.As(err); p != nil {
				for _, f := range p.Fields {
					got = append(got, f.Name)
				}
			}
			if !slices.Equal(got, tt.wantFields) {
				t.Errorf("fields = %v, want %v", got, tt.wantFields)
			}
			if !slices.Equal(tt.in.Areas, tt.wantAreas) {
				t.Errorf("areas = %q, want %q", tt.in.Areas, tt.wantAreas)
			}
		})
	}
	c := StaffChange{Email: " Sam@Example.org ", Name: " Sam ", JobTitle: " Lead ", Role: "dsl", Areas: []string{"A"}}
	if err := c.Validate(); err != nil || c.Name != "Sam" || c.JobTitle != "Lead" || c.Email != "sam@example.org" {
		t.Errorf("Validate = %v, %+v; want the text trimmed", err, c)
	}
}

func TestAreaNames(t *testing.T) {
	blackpool, herts := Area{ID: 2, Name: "Blackpool"}, Area{ID: 1, Name: "Hertfordshire"}
	tests := []struct {
		name     string
		areas    []Area
		wantList []string
		wantText string
	}{
		{"none", nil, []string{}, "No area"},
		{"empty", []Area{}, []string{}, "No area"},
		{"one", []Area{blackpool}, []string{"Blackpool"}, "Blackpool"},
		{"two in the order given", []Area{herts, blackpool}, []string{"Hertfordshire", "Blackpool"}, "Hertfordshire, Blackpool"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := AreaNameList(tt.areas); got == nil || !slices.Equal(got, tt.wantList) {
				t.Errorf("AreaNameList = %#v, want %#v", got, tt.wantList)
			}
			if got := JoinAreaNames(tt.areas); got != tt.wantText {
				t.Errorf("JoinAreaNames = %q, want %q", got, tt.wantText)
			}
			if got := (Staff{Areas: tt.areas}).AreaNames(); got != tt.wantText {
				t.Errorf("Staff.AreaNames = %q, want %q", got, tt.wantText)
			}
		})
	}
}

func TestUnused(t *testing.T) {
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	tests := []struct {
		name string
		s    Staff
		want bool
	}{
		{"signed in yesterday", Staff{CreatedAt: now.Add(-400 * day), LastSignedInAt: now.Add(-day)}, false},
		{"signed in 89 days ago", Staff{CreatedAt: now.Add(-400 * day), LastSignedInAt: now.Add(-89 * day)}, false},
		{"signed in 90 days ago", Staff{CreatedAt: now.Add(-400 * day), LastSignedInAt: now.Add(-90 * day)}, true},
		{"never signed in, made 10 days ago", Staff{CreatedAt: now.Add(-10 * day)}, false},
		{"never signed in, made 100 days ago", Staff{CreatedAt: now.Add(-100 * day)}, true},
		{"disabled, long unused", Staff{CreatedAt: now.Add(-400 * day), LastSignedInAt: now.Add(-300 * day), Disabled: true}, false},
	}
	for _, tt := range tests {
		if got := tt.s.Unused(now); got != tt.want {
			t.Errorf("%s: Unused = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// A person's own address on a public form: missing and malformed are told
// apart; a good one has no problem.
func TestCheckOwnEmail(t *testing.T) {
	for _, tc := range []struct{ email, want string }{
		{"", "Enter your email address"},
		{"priya at home", "Enter an email address in the correct format, like name@example.org"},
		{"priya@example.org", ""},
	} {
		var fs problem.Fields
		CheckOwnEmail(&fs, tc.email)
		got := ""
		if len(fs) > 0 {
			got = fs[0].Message
		}
		if got != tc.want || len(fs) > 1 || len(fs) == 1 && fs[0].Name != "email" {
			t.Errorf("CheckOwnEmail(%q) = %+v, want %q", tc.email, fs, tc.want)
		}
	}
}
