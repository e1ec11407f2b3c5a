package referral

import (
	"github.com/cradle-org/cradle/internal/problem"
)

// Outcome is how screening ends (or pauses, for more information).
type Outcome string

const (
	Accept      Outcome = "accept"
	Decline     Outcome = "not_accepted"
	Withdraw    Outcome = "withdrawn"
	RequestInfo Outcome = "more_info"
)

// Outcomes are the choices on the screening page.
func Outcomes() []Option {
	return []Option{
		{string(Accept), "Accept: open a family record, ready for allocation"},
		{string(Decline), "Not accepted: tell the referrer why and where else to get support"},
		{string(RequestInfo), "Ask the referrer for more information"},
		{string(Withdraw), "Withdrawn"},
	}
}

// DeclineReasons are why a referral is not accepted.
func DeclineReasons() []Option {
	return []Option{
		{"not_funded_area", "The family does not live in a funded area"},
		{"gestation", "Outside the programme's pregnancy window"},
		{"baby_born", "The baby is already born"},
		{"under_16", "A parent is under 16"},
		{"not_connected", "The parents are not personally connected"},
		{"no_domestic_abuse", "No domestic abuse disclosed"},
		{"not_both_parents", "Both parents do not want to take part"},
		{"no_consent", "Consent not given"},
		{"safety", "The programme would not be safe for this family now"},
		{"other", "Another reason"},
	}
}

// DeclineReasonLabel is a decline reason as read.
func DeclineReasonLabel(code string) string { return label(DeclineReasons(), code) }

// Decision is a screening decision.
type Decision struct {
	Outcome      Outcome
	Reason       string // a DeclineReasons code, for Decline
	Detail       string // the reasons in the decider's words (always required)
	SignpostedTo string // other support the family was told about, for Decline
	Question     string // what to ask the referrer, for RequestInfo
}

// Validate checks the decision can be made on a referral at this status.
// Every decision carries a reason: a manager decides, and says why.
func (d *Decision) Validate(r Referral, st Status) error {
	var fs problem.Fields
	if !st.Open() {
		return problem.New(problem.Conflict, "This referral has already been decided (%s)", st.Label())
	}
	checkText(&fs, "detail", "Reasons", &d.Detail, maxLong, true)
	checkText(&fs, "signposted_to", "Other support", &d.SignpostedTo, maxLong, true)
	checkText(&fs, "question", "What you need to know", &d.Question, maxLong, true)
	switch d.Outcome {
	case Accept, Withdraw:
	case Decline:
		switch {
		case d.Reason == "":
			fs.Add("reason", "Select why the referral is not accepted")
		case !valid(DeclineReasons(), d.Reason):
			fs.Add("reason", "Select a reason from the list")
		}
		if d.SignpostedTo == "" && !fs.Has("signposted_to") {
			fs.Add("signposted_to", "Record the other support the family has been told about")
		}
	case RequestInfo:
		if r.Source == Self {
			fs.Add("outcome", "A parent who referred themselves cannot be emailed: contact them safely by the route they gave")
		}
		if d.Question == "" && !fs.Has("question") {
			fs.Add("question", "Enter what you need the referrer to tell you")
		}
	case "":
		fs.Add("outcome", "Select a decision")
	default:
		fs.Add("outcome", "Select a decision from the list")
	}
	if d.Detail == "" && !fs.Has("detail") && d.Outcome != RequestInfo {
		fs.Add("detail", "Give the reasons for this decision")
	}
	return fs.Err()
}

// NextStatus is the referral's status after the decision.
func (d Decision) NextStatus() Status {
	switch d.Outcome {
	case Accept:
		return Accepted
	case Decline:
		return NotAccepted
	case Withdraw:
		return Withdrawn
	case RequestInfo:
		return AwaitingInfo
	}
	return ""
}
