package risk

import (
	"time"

	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/referral"
)

// Option is a value and its label, for radios.
type Option = referral.Option

// ChangeKinds are the changes in a parent's circumstances after which their
// risk is reviewed (PROGRAMME.md §5: risk is dynamic). A birth is recorded
// on the family, and prompts its own review.
func ChangeKinds() []Option {
	return []Option{{Value: "separated", Label: "Separated"}, {Value: "got_back_together", Label: "Got back together"},
		{Value: "released_from_custody", Label: "Released from custody"}, {Value: "moved_house", Label: "Moved house"},
		{Value: "new_partner", Label: "New partner"}, {Value: "other", Label: "Other"}}
}

// ChangeLabel shows a kind of change as its words.
func ChangeLabel(kind string) string { return referral.Label(ChangeKinds(), kind) }

// MaxChangeNote is the longest note about a change, in characters.
const MaxChangeNote = 2000

// Change is a change in a parent's circumstances.
type Change struct {
	Kind string    // one of ChangeKinds
	On   time.Time // the day it happened
	Note string    // what changed; needed for "other"
}

// Check checks a change recorded on today, trimming the note in place. Its
// field names are prefixed: the person page has other forms.
func (c *Change) Check(today time.Time) error {
	var fs problem.Fields
	if !referral.Valid(ChangeKinds(), c.Kind) {
		fs.Add("change_kind", "Select what has changed")
	}
	switch {
	case c.On.IsZero():
		fs.Add("changed_on", "Enter the date of the change")
	case dateOf(c.On).After(dateOf(today)):
		fs.Add("changed_on", "The date of the change must be today or in the past")
	}
	fs.Text("change_note", "Note", &c.Note, MaxChangeNote, true)
	if c.Kind == "other" && c.Note == "" && !fs.Has("change_note") {
		fs.Add("change_note", "Say what has changed")
	}
	return fs.Err()
}
