// Package sharing holds the rules for the team around the baby: the
// professionals a family works with, and every disclosure of information to
// another agency, recorded the way the UK information-sharing principles
// ask (what, with whom, when, why, how, the lawful basis, and consent).
// Pure: the store keeps these records.
package sharing

import (
	"strconv"
	"strings"
	"time"

	"github.com/cradle-org/cradle/internal/match"
	"github.com/cradle-org/cradle/internal/org"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/referral"
)

// Option is a value and its label.
type Option = referral.Option

func valid(opts []Option, v string) bool { return referral.Valid(opts, v) }

// Label shows a code as its words.
func Label(opts []Option, v string) string { return referral.Label(opts, v) }

// LawfulBases are the lawful bases for sharing: UK GDPR Article 6
// conditions, Article 9 conditions for special-category data, and the Data
// Protection Act 2018's safeguarding condition.
func LawfulBases() []Option {
	return []Option{
		{Value: "art6_1a", Label: "UK GDPR Art. 6(1)(a): consent"},
		{Value: "art6_1c", Label: "UK GDPR Art. 6(1)(c): legal obligation"},
		{Value: "art6_1d", Label: "UK GDPR Art. 6(1)(d): vital interests"},
		{Value: "art6_1e", Label: "UK GDPR Art. 6(1)(e): public task"},
		{Value: "art6_1f", Label: "UK GDPR Art. 6(1)(f): legitimate interests"},
		{Value: "art9_2a", Label: "UK GDPR Art. 9(2)(a): explicit consent"},
		{Value: "art9_2c", Label: "UK GDPR Art. 9(2)(c): vital interests"},
		{Value: "art9_2g", Label: "UK GDPR Art. 9(2)(g): substantial public interest"},
		{Value: "art9_2h", Label: "UK GDPR Art. 9(2)(h): health or social care"},
		{Value: "dpa_sch1_18", Label: "DPA 2018 Sch. 1 para. 18: safeguarding of children and individuals at risk"},
	}
}

// Methods are how information was shared.
func Methods() []Option {
	return []Option{{Value: "secure_email", Label: "Secure email"}, {Value: "phone", Label: "Phone"},
		{Value: "meeting", Label: "Meeting"}, {Value: "document", Label: "Document"}}
}

// Consents are whether the parent consented to the share.
func Consents() []Option {
	return []Option{{Value: "given", Label: "Consent given"}, {Value: "refused", Label: "Consent refused"}, {Value: "not_sought", Label: "Consent not sought"}}
}

// OrganisationKinds are the agencies in the team around the baby.
func OrganisationKinds() []Option {
	return []Option{{Value: "children_social_care", Label: "Children's social care"}, {Value: "midwifery", Label: "Midwifery"},
		{Value: "health_visiting", Label: "Health visiting"}, {Value: "gp", Label: "GP"}, {Value: "police", Label: "Police"},
		{Value: "housing", Label: "Housing"}, {Value: "mental_health", Label: "Mental health"}, {Value: "substance_misuse", Label: "Substance misuse"},
		{Value: "other", Label: "Other"}}
}

// Share is one disclosure of information to another agency.
type Share struct {
	ID            int64
	PersonID      int64 // whose information; 0 for the family as a whole
	SharedOn      time.Time
	Recipient     string // with whom (person and agency)
	What          string
	Why           string
	Method        string
	LawfulBasis   string
	Consent       string
	ConsentReason string // why consent was refused or not sought
	By            string
	Withheld      bool // the reader may not see what was shared about this parent
}

// Validate checks a share has everything the information-sharing
// principles ask, cleaning text in place.
func (s *Share) Validate(today time.Time) error {
	var fs problem.Fields
	switch {
	case s.SharedOn.IsZero():
		fs.Add("shared_on", "Enter the date the information was shared")
	case s.SharedOn.After(today):
		fs.Add("shared_on", "The date must be today or in the past")
	}
	fs.Text("recipient", "With whom", &s.Recipient, 200, false)
	if s.Recipient == "" && !fs.Has("recipient") {
		fs.Add("recipient", "Enter who the information was shared with, and their agency")
	}
	fs.Text("what", "What was shared", &s.What, 5000, true)
	if s.What == "" && !fs.Has("what") {
		fs.Add("what", "Describe what was shared")
	}
	fs.Text("why", "Why", &s.Why, 5000, true)
	if s.Why == "" && !fs.Has("why") {
		fs.Add("why", "Say why it was necessary to share")
	}
	switch {
	case s.Method == "":
		fs.Add("method", "Select how the information was shared")
	case !valid(Methods(), s.Method):
		fs.Add("method", "Select how the information was shared from the list")
	}
	switch {
	case s.LawfulBasis == "":
		fs.Add("lawful_basis", "Select the lawful basis for sharing")
	case !valid(LawfulBases(), s.LawfulBasis):
		fs.Add("lawful_basis", "Select a lawful basis from the list")
	}
	fs.Text("consent_reason", "Reason", &s.ConsentReason, 2000, true)
	switch {
	case s.Consent == "":
		fs.Add("consent", "Select whether the parent consented")
	case !valid(Consents(), s.Consent):
		fs.Add("consent", "Select whether the parent consented from the list")
	case s.Consent != "given" && s.ConsentReason == "" && !fs.Has("consent_reason"):
		fs.Add("consent_reason", "Say why consent was refused or not sought, for example that seeking it would put a child at risk")
	}
	return fs.Err()
}

// Professional is someone in the team around the baby.
type Professional struct {
	ID               int64
	Name             string
	Role             string
	Organisation     string
	OrganisationKind string
	Phone            string
	Email            string    // a secure email address
	Since            time.Time // the day they were added to the family's team
	LeftOn           time.Time // the day they left it; zero while they are in it
	Version          int       // moved on by each change of their details
}

// CheckLeft checks the day a member of the team around the baby left it:
// a date given, not in the future, and not before they joined (since, a
// day; zero when not known).
func CheckLeft(leftOn, since, today time.Time) error {
	var fs problem.Fields
	switch {
	case leftOn.IsZero():
		fs.Add("left_on", "Enter the date they left the team")
	case leftOn.After(today):
		fs.Add("left_on", "The date they left must be today or in the past")
	case !since.IsZero() && leftOn.Before(dayOf(since)):
		fs.Add("left_on", "The date they left must be on or after "+since.Format("2 January 2006")+", when they were added to the team")
	}
	return fs.Err()
}

// dayOf is t's calendar day, at midnight UTC: when someone joined is kept
// as a moment, and the day they left as a day.
func dayOf(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Validate checks a professional's details.
func (p *Professional) Validate() error {
	var fs problem.Fields
	fs.Text("name", "Name", &p.Name, 100, false)
	if p.Name == "" && !fs.Has("name") {
		fs.Add("name", "Enter the professional's name")
	}
	fs.Text("role", "Role", &p.Role, 100, false)
	fs.Text("organisation", "Organisation", &p.Organisation, 200, false)
	if p.Organisation == "" && !fs.Has("organisation") {
		fs.Add("organisation", "Enter the organisation they work for")
	}
	switch {
	case p.OrganisationKind == "":
		fs.Add("organisation_kind", "Select the kind of agency")
	case !valid(OrganisationKinds(), p.OrganisationKind):
		fs.Add("organisation_kind", "Select the kind of agency from the list")
	}
	fs.Text("phone", "Phone", &p.Phone, 40, false)
	if p.Phone != "" && !fs.Has("phone") && match.NormalisePhone(p.Phone) == "" {
		fs.Add("phone", "Enter a UK phone number, like 01632 960 001")
	}
	p.Email = org.NormaliseEmail(p.Email)
	if p.Email != "" && !org.ValidEmail(p.Email) {
		fs.Add("email", "Enter an email address in the correct format, like name@example.org")
	}
	if p.Phone == "" && p.Email == "" && !fs.Has("phone") && !fs.Has("email") {
		fs.Add("phone", "Enter a phone number or a secure email address")
	}
	return fs.Err()
}

// Consent is what a parent agreed to share, with whom, and when it was
// withdrawn.
type Consent struct {
	ID          int64
	PersonID    int64
	Scope       string // what may be shared, with whom
	GivenOn     time.Time
	WithdrawnOn time.Time
	Withheld    bool
}

// Active reports whether the consent still stands.
func (c Consent) Active() bool { return c.WithdrawnOn.IsZero() }

// Validate checks a consent record.
func (c *Consent) Validate(today time.Time) error {
	var fs problem.Fields
	fs.Text("scope", "What they agreed to", &c.Scope, 2000, true)
	if strings.TrimSpace(c.Scope) == "" && !fs.Has("scope") {
		fs.Add("scope", "Describe what the parent agreed to share, and with whom")
	}
	switch {
	case c.GivenOn.IsZero():
		fs.Add("given_on", "Enter the date consent was given")
	case c.GivenOn.After(today):
		fs.Add("given_on", "The date must be today or in the past")
	}
	return fs.Err()
}

// MeetingKinds are the multi-agency meetings about a family.
func MeetingKinds() []Option {
	return []Option{{Value: "team_around_baby", Label: "Team around the baby meeting"}, {Value: "cp_conference", Label: "Child protection conference"},
		{Value: "core_group", Label: "Core group"}, {Value: "child_in_need", Label: "Child in need meeting"}, {Value: "marac", Label: "MARAC meeting"}}
}

// Statuses are the family's safeguarding status after a meeting.
func Statuses() []Option {
	return []Option{{Value: "none", Label: "None"}, {Value: "child_in_need", Label: "Child in need"},
		{Value: "child_protection_plan", Label: "Child protection plan"}, {Value: "looked_after", Label: "Looked after"}}
}

// Action is a meeting's follow-up action.
type Action struct {
	What    string
	OwnerID int64
	Owner   string
	Due     time.Time
}

// Meeting is a multi-agency meeting about the family.
type Meeting struct {
	ID              int64
	Kind            string
	HeldOn          time.Time
	Attendees       string
	ParentsAttended []int64
	Decisions       string
	StatusAfter     string
	Actions         []Action
	By              string
}

// Validate checks a meeting: held (so not in the future), with its status
// after, and every action with an owner and a due date.
func (m *Meeting) Validate(today time.Time) error {
	var fs problem.Fields
	switch {
	case m.Kind == "":
		fs.Add("kind", "Select the kind of meeting")
	case !valid(MeetingKinds(), m.Kind):
		fs.Add("kind", "Select the kind of meeting from the list")
	}
	switch {
	case m.HeldOn.IsZero():
		fs.Add("held_on", "Enter the date of the meeting")
	case m.HeldOn.After(today):
		fs.Add("held_on", "A meeting recorded as held must be dated today or in the past")
	}
	fs.Text("attendees", "Who attended", &m.Attendees, 2000, true)
	if m.Attendees == "" && !fs.Has("attendees") {
		fs.Add("attendees", "List who attended")
	}
	fs.Text("decisions", "Decisions", &m.Decisions, 10000, true)
	switch {
	case m.StatusAfter == "":
		fs.Add("status_after", "Select the family's safeguarding status after the meeting")
	case !valid(Statuses(), m.StatusAfter):
		fs.Add("status_after", "Select a status from the list")
	}
	for i := range m.Actions {
		a := &m.Actions[i]
		n := "actions[" + strconv.Itoa(i) + "]"
		fs.Text(n+".what", "Action", &a.What, 1000, false)
		if a.What == "" && !fs.Has(n+".what") {
			fs.Add(n+".what", "Describe action "+strconv.Itoa(i+1))
		}
		if a.OwnerID <= 0 {
			fs.Add(n+".owner", "Choose who owns action "+strconv.Itoa(i+1))
		}
		if a.Due.IsZero() {
			fs.Add(n+".due", "Enter when action "+strconv.Itoa(i+1)+" is due")
		}
	}
	return fs.Err()
}
