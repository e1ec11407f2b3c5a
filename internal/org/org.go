// Package org describes the organisation running the programme: its funded
// areas, their local teams, and the staff who work in them. Pure types and
// validation; the store persists them and the policy package decides what
// each staff member may do.
package org

import (
	"net/mail"
	"strings"
	"time"

	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/problem"
)

// Area is a funded area with one local team, or the remote offer.
type Area struct {
	ID             int64
	Name           string
	LocalAuthority string
	Remote         bool // the remote "Connect" offer where there is no local team
	Active         bool
}

// Team is a local team in an area.
type Team struct {
	ID     int64
	AreaID int64
	Name   string
}

// Staff is a member of staff with a sign-in account.
type Staff struct {
	ID                 int64
	Email              string
	Name               string
	Role               policy.Role
	JobTitle           string
	Teams              []Team
	Areas              []Area
	PasswordHash       string
	MustChangePassword bool
	PasswordSetAt      time.Time // when the password was last set (zero: not known)
	TOTPSecret         string    // opened by the store; never shown after enrolment
	TOTPLastStep       int64
	Disabled           bool
	ListedPublicly     bool
	CreatedAt          time.Time
	LastSignedInAt     time.Time // zero: no sign-in recorded (read for the staff list only)
	Version            int       // moved on by each change an administrator saves
}

// UnusedAfter is how long an active account may go unused before the
// staff list marks it for review: someone who left or moved on and was
// never disabled is a way in that nobody is watching. The store's filter
// and count of such accounts (StaffFilter.UnusedBefore, which has to be
// SQL to page and count) apply the same rule as Unused: the last sign-in,
// or if none when the account was made.
const UnusedAfter = 90 * 24 * time.Hour

// Unused says whether an active account has gone unused for UnusedAfter
// or longer by now; a disabled one never is (it is no way in).
func (s Staff) Unused(now time.Time) bool {
	return !s.Disabled && s.UnusedFor(now) >= UnusedAfter
}

// UnusedFor is how long since the account was last used to sign in, or,
// if it never was, since it was made.
func (s Staff) UnusedFor(now time.Time) time.Duration {
	if s.LastSignedInAt.IsZero() {
		return now.Sub(s.CreatedAt)
	}
	return now.Sub(s.LastSignedInAt)
}

// AreaIDs lists the ids of the staff member's areas.
func (s Staff) AreaIDs() []int64 {
	ids := make([]int64, 0, len(s.Areas))
	for _, a := range s.Areas {
		ids = append(ids, a.ID)
	}
	return ids
}

// Actor is the staff member as the policy package sees them.
func (s Staff) Actor() policy.Actor {
	return policy.Actor{StaffID: s.ID, Role: s.Role, Areas: s.AreaIDs(), Disabled: s.Disabled}
}

// AreaNames is a readable list of the staff member's areas.
func (s Staff) AreaNames() string { return JoinAreaNames(s.Areas) }

// AreaNameList is the areas' names, in the order given.
func AreaNameList(areas []Area) []string {
	names := make([]string, 0, len(areas))
	for _, a := range areas {
		names = append(names, a.Name)
	}
	return names
}

// JoinAreaNames is a readable list of the areas' names, in the order
// given, separated by commas: "No area" when there are none.
func JoinAreaNames(areas []Area) string {
	if len(areas) == 0 {
		return "No area"
	}
	return strings.Join(AreaNameList(areas), ", ")
}

// NewStaff is what is needed to create an account.
type NewStaff struct {
	Email    string
	Name     string
	Role     string
	JobTitle string
	AreaName string // the area whose team they join
}

// StaffChange is what an administrator may change about an account: not
// its secrets, which have their own steps.
type StaffChange struct {
	Email    string // the sign-in, and where the account's notices go
	Name     string
	JobTitle string
	Role     string
	Areas    []string // the names of the areas whose teams they are in
	Version  int      // the account's version the form was opened at
}

// Validate checks the input and returns an Invalid problem naming each bad
// field; it trims the text and drops repeated and empty area names.
func (c *StaffChange) Validate() error {
	var fs problem.Fields
	c.Email = NormaliseEmail(c.Email)
	checkEmailAndName(&fs, c.Email, &c.Name)
	fs.Text("title", "Job title", &c.JobTitle, MaxStaffText, false)
	if _, err := policy.ParseRole(c.Role); err != nil {
		fs.Add("role", "Choose a role")
	}
	var areas []string
	for _, a := range c.Areas {
		if a = strings.TrimSpace(a); a != "" && !containsFold(areas, a) {
			areas = append(areas, a)
		}
	}
	c.Areas = areas
	if len(areas) == 0 {
		fs.Add("areas", "Choose at least one area the person works in")
	}
	return fs.Err()
}

// MaxStaffText is the longest an account's name or job title may be, in
// characters.
const MaxStaffText = 200

// checkEmailAndName checks an account's address and name (trimming the
// name in place), as a new account and a changed one both need them. The
// name, and the job title beside it, follow the free-text rules every form
// shares (problem.Fields.Text: one line, no markup, MaxStaffText at most),
// the same for a new account and a changed one, so that an account made
// one way is never refused the other way until its name is cleaned.
func checkEmailAndName(fs *problem.Fields, email string, name *string) {
	switch {
	case email == "":
		fs.Add("email", "Enter an email address")
	case !ValidEmail(email):
		fs.Add("email", emailFormat)
	}
	if *name = strings.TrimSpace(*name); *name == "" {
		fs.Add("name", "Enter the person's full name")
	}
	fs.Text("name", "Name", name, MaxStaffText, false)
}

// emailFormat is the problem with an address that is not one.
const emailFormat = "Enter an email address in the correct format, like name@example.org"

// CheckOwnEmail checks the "email" field of a public form where people
// type their own address (signing up for updates, asking for a password
// reset link), email already normalised (NormaliseEmail).
func CheckOwnEmail(fs *problem.Fields, email string) {
	switch {
	case email == "":
		fs.Add("email", "Enter your email address")
	case !ValidEmail(email):
		fs.Add("email", emailFormat)
	}
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

// NormaliseEmail lower-cases and trims an email address so it matches
// however it was typed.
func NormaliseEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// Validate checks the input and returns an Invalid problem naming each bad
// field, trimming the text in place.
func (n *NewStaff) Validate() error {
	var fs problem.Fields
	n.Email = NormaliseEmail(n.Email)
	n.AreaName = strings.TrimSpace(n.AreaName)
	checkEmailAndName(&fs, n.Email, &n.Name)
	fs.Text("title", "Job title", &n.JobTitle, MaxStaffText, false)
	if _, err := policy.ParseRole(n.Role); err != nil {
		fs.Add("role", "Choose a role: practitioner, team_manager, dsl, admin or analyst")
	}
	if n.AreaName == "" {
		fs.Add("area", "Enter the area the person works in")
	}
	return fs.Err()
}

// ValidEmail reports whether s is a plain address (no display name) of
// printable ASCII: mail is sent without SMTPUTF8 (see mail.ValidAddress),
// so an address such as "zoë@example.org" is refused here, where the person
// typing it can be told, rather than when its email fails for good.
func ValidEmail(s string) bool {
	if len(s) > 254 || strings.ContainsAny(s, " <>") {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] >= 0x7f {
			return false
		}
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s {
		return false
	}
	at := strings.LastIndex(s, "@")
	return at > 0 && strings.Contains(s[at+1:], ".")
}
