// Package family holds the family record's domain types: the family, its
// co-parents, the baby and other children, and the rules that need no
// storage (stages, gestation, who works with whom as a policy target).
package family

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/referral"
)

// Stage is where a family is on the programme journey.
type Stage string

const (
	Referral   Stage = "referral"
	Assessment Stage = "assessment"
	Antenatal  Stage = "antenatal"
	Birth      Stage = "birth"
	Postnatal  Stage = "postnatal"
	Ending     Stage = "ending"
	Closed     Stage = "closed"
)

// Stages lists the stages in journey order.
func Stages() []Stage {
	return []Stage{Referral, Assessment, Antenatal, Birth, Postnatal, Ending, Closed}
}

// Label is the stage as staff read it.
func (s Stage) Label() string {
	switch s {
	case Referral:
		return "Referral"
	case Assessment:
		return "Assessment"
	case Antenatal:
		return "Antenatal"
	case Birth:
		return "Birth"
	case Postnatal:
		return "Postnatal"
	case Ending:
		return "Ending"
	case Closed:
		return "Closed"
	}
	return "Unknown stage"
}

// Kind is a person's place in the family.
type Kind string

const (
	Parent Kind = "parent"
	Baby   Kind = "baby"
	Child  Kind = "child"
)

// Experience records, without labelling anyone, whether a parent experiences
// abusive behaviours, uses them, or both (PROGRAMME.md §2).
type Experience string

const (
	Experiences Experience = "experiences"
	Uses        Experience = "uses"
	Both        Experience = "both"
	NotKnown    Experience = "not_known"
)

// Label is the programme's own wording.
func (e Experience) Label() string {
	switch e {
	case Experiences:
		return "Experiences domestic abuse"
	case Uses:
		return "Uses abusive behaviours"
	case Both:
		return "Experiences and uses abusive behaviours"
	}
	return "Not yet known"
}

// ExperienceChoices are the answers a form offers, in its order.
func ExperienceChoices() []Experience { return []Experience{Experiences, Uses, Both, NotKnown} }

// Valid reports whether e is one of ExperienceChoices.
func (e Experience) Valid() bool {
	switch e {
	case Experiences, Uses, Both, NotKnown:
		return true
	}
	return false
}

// Details are a person's own details, as staff correct them (never their
// confidential ones).
type Details struct {
	GivenName, FamilyName, KnownAs string
	DateOfBirth                    time.Time // zero: not known
	Gender, Pronouns               string
	Experience                     Experience // a parent's; not asked of a child
	// Household is the baby's or another child's: the co-parent slot they
	// live with, 0 for neither (or both, or not known), anything else no
	// answer.
	Household int
}

// Check trims the details in place and adds to fs what is wrong with them
// for a person of this kind, on the day now: a first name is needed (but
// for the baby, who may not be named yet), a date of birth is in the last
// hundred years and not in the future, and a parent's experience is one of
// the choices.
func (d *Details) Check(kind Kind, now time.Time, fs *problem.Fields) {
	fs.Text("given_name", "First name", &d.GivenName, 100, false)
	if d.GivenName == "" && kind != Baby && !fs.Has("given_name") {
		fs.Add("given_name", "Enter the first name")
	}
	fs.Text("family_name", "Last name", &d.FamilyName, 100, false)
	fs.Text("known_as", "Known as", &d.KnownAs, 100, false)
	switch {
	case d.DateOfBirth.After(now):
		fs.Add("date_of_birth", "Date of birth must be today or in the past")
	case !d.DateOfBirth.IsZero() && d.DateOfBirth.Before(now.AddDate(-100, 0, 0)):
		fs.Add("date_of_birth", "Date of birth must be within the last 100 years")
	}
	fs.Text("gender", "Gender", &d.Gender, 100, false)
	fs.Text("pronouns", "Pronouns", &d.Pronouns, 100, false)
	if kind == Parent && !d.Experience.Valid() {
		fs.Add("experience", "Select what is known about this parent and domestic abuse")
	}
}

// Family is the unit of work.
type Family struct {
	ID                 int64
	Reference          string
	AreaID             int64
	AreaName           string
	TeamID             int64
	ManagerID          int64
	ManagerName        string
	ManagerDisabled    bool // the team manager's account is disabled: the family needs another
	Stage              Stage
	EDD                time.Time // estimated due date; zero if not known
	ProgrammeStart     time.Time
	SafeguardingStatus string
	ClosedOn           time.Time
	ClosureReason      string
	People             []Person
	Version            int       // for optimistic locking
	AcceptedOn         time.Time // the referral was accepted
	AssessmentDoneOn   time.Time
	CreatedAt          time.Time
	UpdatedAt          time.Time
	// Overrides are the reader's break-glass grants on the parents, as the
	// store found them when it read the family for that reader; later
	// reads of the same page (the sharing log) decide by them too. Never
	// encoded: a grant's reason is about the other parent.
	Overrides []policy.Override `json:"-"`
}

// Person is a co-parent, the baby, or another child. Contact fields are
// confidential: the store fills them only for callers the policy allows.
type Person struct {
	ID          int64
	FamilyID    int64
	Kind        Kind
	ParentSlot  int // 1 or 2 for co-parents
	Household   int // the baby's and other children's: which co-parent's household (slot), 0 for neither
	GivenName   string
	FamilyName  string
	KnownAs     string
	DateOfBirth time.Time
	Gender      string
	Pronouns    string
	Experience  Experience
	Active      bool
	// JoiningLater: not Active because they have not started yet and will
	// join later, rather than because they left.
	JoiningLater bool
	Version      int
	// AddressConfidential: the parent is somewhere secret (a refuge, say):
	// even their area is shown to others only as "confidential".
	AddressConfidential bool

	// LinkedPersonID is the same person in an earlier family, when screening found one.
	LinkedPersonID int64

	// Current practitioner, for co-parents. PractitionerDisabled is their
	// account disabled (they have left, say): the parent has no one
	// working with them until another practitioner is allocated.
	PractitionerID       int64
	PractitionerName     string
	PractitionerDisabled bool

	// Confidential details (PROGRAMME.md §7).
	Confidential *Confidential
}

// Away is how a co-parent not taking part is shown wherever they are
// listed: "Joining later" or "Left the programme"; "" for one taking part
// (and for children, who are never away).
func (p Person) Away() string {
	switch {
	case p.Kind != Parent || p.Active:
		return ""
	case p.JoiningLater:
		return "Joining later"
	default:
		return "Left the programme"
	}
}

// Confidential holds a co-parent's details that must never reach the other
// parent or their practitioner.
type Confidential struct {
	Address     string
	Postcode    string
	Phone       string
	Email       string
	SafeContact string
	NHSNumber   string
}

// Check checks contact details as a person's contact form gives them,
// trimming them in place, and returns an Invalid problem naming each bad
// field: the free-text rules every form shares, and a postcode, phone
// number and email address checked as a referral's are, so that what a
// referral would refuse is not saved here instead. Each may be empty.
func (c *Confidential) Check() error {
	var fs problem.Fields
	fs.Text("address", "Address", &c.Address, 500, true)
	fs.Text("postcode", "Postcode", &c.Postcode, 10, false)
	fs.Text("phone", "Phone", &c.Phone, 40, false)
	fs.Text("email", "Email", &c.Email, 254, false)
	fs.Text("safe_contact", "Safe contact", &c.SafeContact, 2000, true)
	referral.CheckPostcode(&fs, "postcode", &c.Postcode)
	referral.CheckPhone(&fs, "phone", c.Phone)
	referral.CheckEmail(&fs, "email", &c.Email)
	return fs.Err()
}

// Name is how the person is shown.
func (p Person) Name() string {
	given := p.GivenName
	if p.KnownAs != "" {
		given = p.KnownAs
	}
	n := strings.TrimSpace(given + " " + p.FamilyName)
	if n == "" {
		switch p.Kind {
		case Baby:
			return "Baby (not yet named)"
		case Parent:
			return fmt.Sprintf("Parent %d (name not known)", p.ParentSlot)
		}
		return "Name not known"
	}
	return n
}

// Unnamed reports whether the person is a baby not named yet: no first
// name and no known-as name (a family name alone, often a parent's, does
// not name them). Anyone else has a name, if only "name not known".
func (p Person) Unnamed() bool {
	return p.Kind == Baby && p.GivenName == "" && p.KnownAs == ""
}

// ChildName is how a record about the baby or another child names them:
// the baby not yet named is "The baby".
func (p Person) ChildName() string {
	if p.Unnamed() {
		return "The baby"
	}
	return p.Name()
}

// ChildNameInSentence is ChildName within a sentence: "the baby" when
// not yet named.
func (p Person) ChildNameInSentence() string {
	if p.Unnamed() {
		return "the baby"
	}
	return p.Name()
}

// Parents returns the co-parents in slot order.
func (f Family) Parents() []Person {
	var out []Person
	for slot := 1; slot <= 2; slot++ {
		for _, p := range f.People {
			if p.Kind == Parent && p.ParentSlot == slot {
				out = append(out, p)
			}
		}
	}
	return out
}

// parentInSlot is the co-parent in slot (1 or 2), if recorded.
func (f Family) parentInSlot(slot int) (Person, bool) {
	for _, p := range f.People {
		if p.Kind == Parent && p.ParentSlot == slot {
			return p, true
		}
	}
	return Person{}, false
}

// LivesWith is the co-parent whose household the baby or another child
// lives in, if recorded.
func (f Family) LivesWith(child Person) (Person, bool) {
	if child.Kind == Parent || child.Household == 0 {
		return Person{}, false
	}
	return f.parentInSlot(child.Household)
}

// IsHousehold says whether slot answers "who does the child live with?"
// for this family: a recorded co-parent's slot, or 0 for neither.
func (f Family) IsHousehold(slot int) bool {
	_, ok := f.parentInSlot(slot)
	return slot == 0 || ok
}

// Baby returns the baby, if recorded.
func (f Family) Baby() (Person, bool) {
	for _, p := range f.People {
		if p.Kind == Baby {
			return p, true
		}
	}
	return Person{}, false
}

// Practitioners maps each co-parent to their current practitioner, as the
// policy package needs it.
func (f Family) Practitioners() map[int64]int64 {
	m := make(map[int64]int64, 2)
	for _, p := range f.People {
		if p.Kind == Parent {
			m[p.ID] = p.PractitionerID
		}
	}
	return m
}

// Target describes the family to the policy package.
func (f Family) Target() policy.Target {
	return policy.Target{AreaID: f.AreaID, FamilyID: f.ID, Closed: f.Stage == Closed, Practitioners: f.Practitioners()}
}

// PersonTarget describes one person of the family to the policy package.
func (f Family) PersonTarget(p Person, overrides []policy.Override) policy.Target {
	t := f.Target()
	t.PersonID = p.ID
	t.IsParent = p.Kind == Parent
	t.Overrides = overrides
	if q, ok := f.LivesWith(p); ok {
		t.Household = q.ID
	}
	return t
}

// CheckAllocation says whether staffID may become personID's practitioner:
// the person must be a co-parent of the family, and the other co-parent's
// current practitioner must be someone else (each parent has their own).
// The database enforces the same rule with a unique index.
func (f Family) CheckAllocation(personID, staffID int64) error {
	var found bool
	for _, p := range f.Parents() {
		if p.ID == personID {
			found = true
			continue
		}
		if staffID != 0 && p.PractitionerID == staffID {
			return ErrSamePractitioner
		}
	}
	if !found {
		return ErrNotACoParent
	}
	return nil
}

// Allocation errors.
var (
	ErrSamePractitioner = errors.New("each parent must have their own practitioner: this one already works with the other parent")
	ErrNotACoParent     = errors.New("practitioners are allocated to the family's co-parents only")
)
