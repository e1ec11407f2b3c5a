package safeguarding

import (
	"strconv"
	"time"
	"unicode/utf8"
)

// Text limits: long enough for a full account, small enough that a form
// cannot fill the database.
const (
	MaxAboutLength   = 10000 // what happened or what worries you
	MaxReasonsLength = 10000 // the reasons for a decision
	MaxOutcomeLength = 10000 // the outcome recorded at closing
	MaxActionLength  = 1000  // what an action asks someone to do
	MinReasonsLength = 10    // a decision always has real reasons
	MinOutcomeLength = 10    // a concern closes with a real outcome
	MaxActions       = 20    // more is a form being misused, not a plan
)

// Option is one choice in a radio list or select.
type Option struct {
	Value string
	Label string
}

// AtRisk says who a concern is about.
type AtRisk string

// Who may be at risk.
const (
	AtRiskParent AtRisk = "parent"
	AtRiskBaby   AtRisk = "baby"
	AtRiskChild  AtRisk = "child" // another child in either household
	AtRiskOther  AtRisk = "other"
)

// AtRiskOptions returns the choices for "Who is at risk?", in form order.
// It returns a new slice each time so callers cannot change the list.
func AtRiskOptions() []Option {
	return []Option{
		{string(AtRiskParent), "A parent"},
		{string(AtRiskBaby), "The baby, including before birth"},
		{string(AtRiskChild), "Another child"},
		{string(AtRiskOther), "Someone else"},
	}
}

// Label returns the plain-English name, or "" for an unknown value.
func (a AtRisk) Label() string { return labelOf(AtRiskOptions(), string(a)) }

// Concern is what a member of staff reports when they are worried.
type Concern struct {
	About           string // what happened or what worries you
	AtRisk          AtRisk
	ImmediateDanger *bool // nil until answered; the form must ask, so that 999 is never skipped
}

// Validate trims the text in place and checks the concern. It returns nil or
// a *FieldsError with fields "about", "at_risk" and "immediate_danger".
func (c *Concern) Validate() error {
	var fs fields
	if text(&fs, "about", "What happened or what worries you", &c.About, MaxAboutLength) && c.About == "" {
		fs.add("about", "Enter what happened or what worries you")
	}
	if c.AtRisk.Label() == "" {
		fs.add("at_risk", "Select who is at risk")
	}
	if c.ImmediateDanger == nil {
		fs.add("immediate_danger", "Select yes if anyone is in immediate danger")
	}
	return fs.err()
}

// Decision is what a Designated Safeguarding Lead decides about a concern.
type Decision string

// The decisions a lead can make: an action, advice, or no further action.
const (
	CSCReferral     Decision = "csc_referral" // children's social care, through the MASH
	Police          Decision = "police"
	MARAC           Decision = "marac" // multi-agency risk assessment conference
	LADO            Decision = "lado"  // local authority designated officer: a concern about someone who works with children
	Advice          Decision = "advice"
	NoFurtherAction Decision = "no_further_action"
)

// Decisions returns the choices for a decision, in form order. It returns a
// new slice each time so callers cannot change the list.
func Decisions() []Option {
	return []Option{
		{string(CSCReferral), "Referral to children's social care (MASH)"},
		{string(Police), "Police"},
		{string(MARAC), "MARAC referral"},
		{string(LADO), "Local authority designated officer (LADO)"},
		{string(Advice), "Advice given"},
		{string(NoFurtherAction), "No further action"},
	}
}

// Label returns the plain-English name, or "" for an unknown value.
func (d Decision) Label() string { return labelOf(Decisions(), string(d)) }

func labelOf(opts []Option, v string) string {
	for _, o := range opts {
		if o.Value == v {
			return o.Label
		}
	}
	return ""
}

// Action is one thing someone must do because of a decision.
type Action struct {
	What    string
	OwnerID int64     // the member of staff who owns it
	Due     time.Time // a date; only its calendar date counts
}

// DecisionInput is a lead's decision on a concern: always with reasons,
// and any actions that follow.
type DecisionInput struct {
	Decision Decision
	Reasons  string
	Actions  []Action
}

// Validate trims the text in place and checks the decision. An action's due
// date may not be before today; dates are compared as calendar dates, each
// in its own location. It returns nil or a *FieldsError with fields
// "decision", "reasons", "actions", and "actions[i].what", "actions[i].owner",
// "actions[i].due".
func (d *DecisionInput) Validate(today time.Time) error {
	var fs fields
	if d.Decision.Label() == "" {
		fs.add("decision", "Select a decision")
	}
	if text(&fs, "reasons", "Reasons for the decision", &d.Reasons, MaxReasonsLength) {
		switch n := utf8.RuneCountInString(d.Reasons); {
		case n == 0:
			fs.add("reasons", "Enter the reasons for the decision")
		case n < MinReasonsLength:
			fs.add("reasons", "Reasons for the decision must be "+strconv.Itoa(MinReasonsLength)+" characters or more")
		}
	}
	if len(d.Actions) > MaxActions {
		fs.add("actions", "Add no more than "+strconv.Itoa(MaxActions)+" actions")
	}
	ty, tm, td := today.Date()
	for i := range d.Actions {
		a := &d.Actions[i]
		p := "actions[" + strconv.Itoa(i) + "]."
		if text(&fs, p+"what", "What needs to be done", &a.What, MaxActionLength) && a.What == "" {
			fs.add(p+"what", "Enter what needs to be done")
		}
		if a.OwnerID <= 0 {
			fs.add(p+"owner", "Choose who owns this action")
		}
		if a.Due.IsZero() {
			fs.add(p+"due", "Enter the date this action is due")
		} else if y, m, dd := a.Due.Date(); y < ty || y == ty && (m < tm || m == tm && dd < td) {
			fs.add(p+"due", "The date this action is due must be today or in the future")
		}
	}
	return fs.err()
}

// Outcome is what came of a concern, recorded when it is closed.
type Outcome struct{ Text string }

// Validate trims the text in place and checks it. It returns nil or a
// *FieldsError with the field "outcome".
func (o *Outcome) Validate() error {
	var fs fields
	o.check(&fs)
	return fs.err()
}

func (o *Outcome) check(fs *fields) {
	if text(fs, "outcome", "Outcome", &o.Text, MaxOutcomeLength) {
		switch n := utf8.RuneCountInString(o.Text); {
		case n == 0:
			fs.add("outcome", "Enter the outcome")
		case n < MinOutcomeLength:
			fs.add("outcome", "Outcome must be "+strconv.Itoa(MinOutcomeLength)+" characters or more")
		}
	}
}

// CanClose says whether a concern may be closed. "We will always take
// action": a concern closes only once a lead has recorded a decision, and
// with an outcome. It returns nil or a *FieldsError naming "decision" and,
// or, "outcome".
func CanClose(decided bool, outcome string) error {
	var fs fields
	if !decided {
		// Alone: the page of an undecided concern has the decision's
		// form, not the outcome's, so nothing there could be mended.
		fs.add("decision", "A safeguarding lead must record a decision before this concern can be closed")
		return fs.err()
	}
	o := Outcome{Text: outcome}
	o.check(&fs)
	return fs.err()
}
