// Package referral describes a referral to the programme — from a parent
// themselves, a professional, or a partner organisation's system — and the
// rules for what it must contain and how screening ends. Pure: the store
// keeps referrals, the web and API layers collect them.
package referral

import (
	"fmt"
	"strings"
	"time"

	"github.com/cradle-org/cradle/internal/problem"
)

// Source is the door a referral came through.
type Source string

const (
	Self         Source = "self"
	Professional Source = "professional"
	Partner      Source = "partner"
)

// Label says where a referral came from.
func (s Source) Label() string {
	switch s {
	case Self:
		return "Self-referral"
	case Professional:
		return "Professional"
	case Partner:
		return "Partner system"
	}
	return "Unknown"
}

// Status is where a referral is in screening.
type Status string

const (
	New          Status = "new"
	Screening    Status = "screening"
	AwaitingInfo Status = "awaiting_information"
	Accepted     Status = "accepted"
	NotAccepted  Status = "not_accepted"
	Withdrawn    Status = "withdrawn"
)

// Statuses lists the statuses in queue order.
func Statuses() []Status {
	return []Status{New, Screening, AwaitingInfo, Accepted, NotAccepted, Withdrawn}
}

// Label is the status as staff read it.
func (s Status) Label() string {
	switch s {
	case New:
		return "New"
	case Screening:
		return "In screening"
	case AwaitingInfo:
		return "Awaiting information"
	case Accepted:
		return "Accepted: awaiting assessment"
	case NotAccepted:
		return "Not accepted"
	case Withdrawn:
		return "Withdrawn"
	}
	return "Unknown"
}

// Open reports whether screening is still to finish.
func (s Status) Open() bool { return s == New || s == Screening || s == AwaitingInfo }

// DecisionToTell reports whether a decided referral's decision is one that
// whoever made the referral must be told. A referrer is told every decision
// (by email, or by staff where it cannot go). A parent who referred
// themselves is told when they are not accepted: an accepted parent hears
// from their own practitioner, and a withdrawal was theirs to ask for.
// Nothing is to tell while screening is open.
func DecisionToTell(src Source, st Status) bool {
	switch st {
	case NotAccepted:
		return true
	case Accepted, Withdrawn:
		return src != Self
	}
	return false
}

// Option is a value and its label, for radios and selects.
type Option struct{ Value, Label string }

func label(opts []Option, v string) string {
	for _, o := range opts {
		if o.Value == v {
			return o.Label
		}
	}
	return ""
}

func valid(opts []Option, v string) bool { return label(opts, v) != "" }

// Valid reports whether v is one of the options' values.
func Valid(opts []Option, v string) bool { return valid(opts, v) }

// Label shows a stored code as its words, or the code itself if unknown.
func Label(opts []Option, v string) string {
	if l := label(opts, v); l != "" {
		return l
	}
	return v
}

// ReferrerRoles are the professions that refer.
func ReferrerRoles() []Option {
	return []Option{{"social_worker", "Social worker"}, {"midwife", "Midwife"}, {"health_visitor", "Health visitor"},
		{"gp", "GP"}, {"police", "Police"}, {"housing", "Housing officer"}, {"other", "Other"}}
}

// SafeguardingStatuses are the family's current safeguarding status.
func SafeguardingStatuses() []Option {
	return []Option{{"none", "None"}, {"child_in_need", "Child in need"}, {"child_protection_plan", "Child protection plan"},
		{"unborn_baby_assessment", "Unborn baby assessment"}}
}

// ConsentOptions are a parent's consent to the referral.
func ConsentOptions() []Option {
	return []Option{{"yes", "Yes"}, {"no", "No"}, {"not_asked", "Not asked"}}
}

// Answers are yes / no / not known.
func Answers() []Option {
	return []Option{{"yes", "Yes"}, {"no", "No"}, {"not_known", "Not known"}}
}

// Relationships are the Domestic Abuse Act 2021's "personally connected" types.
func Relationships() []Option {
	return []Option{
		{"intimate_relationship", "In an intimate relationship, now or before"},
		{"married", "Married, now or before"},
		{"civil_partners", "Civil partners, now or before"},
		{"engaged", "Engaged, now or before"},
		{"civil_partnership_agreement", "Agreed to enter a civil partnership, now or before"},
		{"parents_of_same_child", "Both parents of the same child"},
		{"relatives", "Relatives"},
		{"none", "None of these"},
		{"not_known", "Not known"},
	}
}

// Parent is what a referral says about one co-parent.
type Parent struct {
	GivenName     string `json:"given_name"`
	FamilyName    string `json:"family_name"`
	DateOfBirth   string `json:"date_of_birth,omitempty"` // YYYY-MM-DD
	Phone         string `json:"phone,omitempty"`
	Email         string `json:"email,omitempty"`
	Address       string `json:"address,omitempty"`
	Postcode      string `json:"postcode,omitempty"`
	NHSNumber     string `json:"nhs_number,omitempty"`
	Consent       string `json:"consent,omitempty"` // yes, no, not_asked
	ConsentReason string `json:"consent_reason,omitempty"`
}

// Name is the parent's name as given, or a placeholder.
func (p Parent) Name() string {
	n := strings.TrimSpace(p.GivenName + " " + p.FamilyName)
	if n == "" {
		return "Name not given"
	}
	return n
}

// Referrer is the professional who referred.
type Referrer struct {
	Name         string `json:"name"`
	Role         string `json:"role"`
	Organisation string `json:"organisation"`
	Email        string `json:"email"`
	Phone        string `json:"phone,omitempty"`
}

// RoleLabel is the referrer's role as read.
func (r Referrer) RoleLabel() string { return label(ReferrerRoles(), r.Role) }

// SafeContact is how a parent who referred themselves can be contacted safely.
type SafeContact struct {
	SafeToContact string `json:"safe_to_contact"` // yes, no
	Number        string `json:"number,omitempty"`
	Times         string `json:"times,omitempty"`
	LeaveMessage  string `json:"leave_message,omitempty"` // yes, no
}

// Referral is everything a referral says. It is stored sealed, whole.
type Referral struct {
	Source             Source       `json:"source"`
	Referrer           Referrer     `json:"referrer"`
	Parent1            Parent       `json:"parent1"` // for a self-referral, the parent referring
	Parent2            Parent       `json:"parent2"`
	SafeContact        *SafeContact `json:"safe_contact,omitempty"`
	DueDate            string       `json:"due_date"` // YYYY-MM-DD
	Area               string       `json:"area"`     // postcode or local authority, as given
	Relationship       string       `json:"relationship,omitempty"`
	AbuseKnown         string       `json:"abuse_known,omitempty"`
	SafeguardingStatus string       `json:"safeguarding_status,omitempty"`
	BothWantToCoParent string       `json:"both_want_to_co_parent,omitempty"`
	BothWantBestStart  string       `json:"both_want_best_start,omitempty"`
	AnythingElse       string       `json:"anything_else,omitempty"`
	// Taken: a member of staff typed it in for the referrer, who phoned,
	// wrote or came in (Taken, below): the form's words are about the
	// referrer (for a parent's own referral, the parent), and an email
	// address is not needed if a phone number is. Never set from JSON: a
	// partner's referral is its own.
	Taken bool `json:"-"`
}

// Channels are how a referral taken by staff reached the programme.
func Channels() []Option {
	return []Option{{"phone", "By phone"}, {"email", "By email"}, {"letter", "By letter or secure message"}, {"in_person", "In person"}}
}

// MaxTakenDays is how long before it is recorded a referral taken by
// staff may say it was received: older than that, it is a new referral.
const MaxTakenDays = 30

// Taken checks how and when a referral taken by staff reached the
// programme: a channel from Channels, and a date received (YYYY-MM-DD) not
// after today nor more than MaxTakenDays before it. It returns the date.
func Taken(channel, receivedOn string, today time.Time) (time.Time, problem.Fields) {
	var fs problem.Fields
	switch {
	case channel == "":
		fs.Add("channel", "Select how the referral reached us")
	case !valid(Channels(), channel):
		fs.Add("channel", "Select how the referral reached us from the list")
	}
	on, err := time.Parse(time.DateOnly, receivedOn)
	day := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	switch {
	case receivedOn == "":
		fs.Add("received_on", "Enter the date the referral was received")
	case err != nil:
		fs.Add("received_on", "Date received must be a real date")
	case on.After(day):
		fs.Add("received_on", "Date received must be today or in the past")
	case on.Before(day.AddDate(0, 0, -MaxTakenDays)):
		fs.Add("received_on", fmt.Sprintf("Date received must be within the last %d days", MaxTakenDays))
	}
	return on, fs
}

// Date parses a stored YYYY-MM-DD date; zero when empty or malformed.
func Date(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

// Reference formats a referral reference.
func Reference(year int, n int64) string { return fmt.Sprintf("REF-%d-%06d", year, n) }
