package org

import (
	"testing"

	"github.com/cradle-org/cradle/internal/mail"
	"github.com/cradle-org/cradle/internal/problem"
)

// FuzzValidEmail checks the address rule every form uses (staff accounts,
// referrers, parents): normalising is idempotent, an accepted address stays
// accepted once normalised, and mail can be sent to it, since an
// acknowledgement or sign-in email goes to exactly what was accepted.
func FuzzValidEmail(f *testing.F) {
	for _, s := range []string{
		"sam@example.org", " Sam@Example.org ", "zoë@example.org", "sam@localhost", `"sam jones"@example.org`,
		"Sam <sam@example.org>", "sam@example.org.", "a@b.c", "a@[127.0.0.1]", "\xff@example.org", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := NormaliseEmail(s)
		if NormaliseEmail(n) != n {
			t.Fatalf("NormaliseEmail not idempotent on %q", s)
		}
		if !ValidEmail(n) {
			return
		}
		if !mail.ValidAddress(n) {
			t.Fatalf("ValidEmail accepts %q, which mail cannot be sent to", n)
		}
		ns := NewStaff{Email: s, Name: "Sam Jones", Role: "practitioner", AreaName: "Blackpool"}
		if err := ns.Validate(); err != nil {
			t.Fatalf("NewStaff with email %q: %v", s, err)
		}
		if ns.Email != n {
			t.Fatalf("NewStaff kept %q, want %q", ns.Email, n)
		}
	})
}

// FuzzNewStaffValidate checks that whatever the admin types, Validate
// either accepts trimmed values or names each bad field with a message.
func FuzzNewStaffValidate(f *testing.F) {
	f.Add("sam@example.org", "Sam Jones", "practitioner", "Blackpool")
	f.Add(" ", "", "Practitioner", " ")
	f.Add("a@b", "\xff", "admin ", "x")
	f.Fuzz(func(t *testing.T, email, name, role, area string) {
		ns := NewStaff{Email: email, Name: name, Role: role, AreaName: area}
		err := ns.Validate()
		if err == nil {
			if ns.Email == "" || ns.Name == "" || ns.AreaName == "" || !ValidEmail(ns.Email) {
				t.Fatalf("accepted %+v", ns)
			}
			return
		}
		p := problem.As(err)
		if p == nil || p.Code != problem.Invalid || len(p.Fields) == 0 {
			t.Fatalf("error %v is not an invalid problem with fields", err)
		}
		for _, fd := range p.Fields {
			switch fd.Name {
			case "email", "name", "role", "area":
			default:
				t.Fatalf("unexpected field %q", fd.Name)
			}
			if fd.Message == "" {
				t.Fatalf("field %q without a message", fd.Name)
			}
		}
	})
}
