package risk

import (
	"errors"
	"time"

	"github.com/cradle-org/cradle/internal/problem"
)

// ChildRisk is the assessment of risk to the baby and any other children. It
// is separate from the checklist, which is about the parent, because the
// children's risk must be assessed in its own right.
type ChildRisk struct {
	Concerns string // what worries the practitioner, in their words
	Level    Level  // standard, medium or high
	Plan     string // what will be done to keep the children safe
}

// MaxChildRiskText is the longest the concerns or the plan may be, in
// characters: the limit of the other long free text (session notes,
// closing summaries).
const MaxChildRiskText = 20000

// Validate returns one *Error for each missing or invalid field, in form
// order, joined with errors.Join so that an error summary can list them all
// (see Problems). The concerns and the plan, trimmed, follow the free-text
// rules every form shares (problem.Fields.Text): no longer than
// MaxChildRiskText, no control characters but line breaks and tabs,
// nothing that looks like HTML. It returns nil when the record is
// complete. c is not changed: callers save the text as they trimmed it.
func (c ChildRisk) Validate() error {
	var fs problem.Fields
	fs.Text("concerns", "Concerns", &c.Concerns, MaxChildRiskText, true)
	if c.Concerns == "" && !fs.Has("concerns") {
		fs.Add("concerns", "Enter the concerns about the baby and other children")
	}
	if !c.Level.Valid() {
		fs.Add("level", "Select the level of risk to the baby and other children")
	}
	fs.Text("plan", "Plan", &c.Plan, MaxChildRiskText, true)
	if c.Plan == "" && !fs.Has("plan") {
		fs.Add("plan", "Enter the plan to keep the baby and other children safe")
	}
	errs := make([]error, len(fs))
	for i, f := range fs {
		errs[i] = &Error{Field: f.Name, Message: f.Message}
	}
	return errors.Join(errs...)
}

// AssessedChild is one assessment of risk to the children as
// CurrentChildRisk weighs it: whom it is about (a child's person ID, or 0
// for the baby and every other child), its level and when it was made.
type AssessedChild struct {
	ChildID int64
	Level   Level
	On      time.Time
}

// CurrentChildRisk is which of a family's assessments of risk to the
// children (the latest first) gives the level its summary shows, or -1 if
// there are none. Each child's current assessment is the latest that covers
// them: one about them alone, or one about all the children. The summary
// gives the highest of those, so that a reassessment of the baby alone
// never hides a higher risk to an older child that has not been
// reassessed; on a tie, one about all the children (the level is not one
// child's alone), then the latest. children are the family's baby and
// other children; an assessment about a child no longer among them is
// weighed only when no child has any (a family with no child recorded:
// the latest counts).
func CurrentChildRisk(children []int64, latestFirst []AssessedChild) int {
	best := -1
	consider := func(i int) {
		if best < 0 {
			best = i
			return
		}
		a, b := latestFirst[i], latestFirst[best]
		switch {
		case a.Level.Rank() != b.Level.Rank():
			if a.Level.Rank() > b.Level.Rank() {
				best = i
			}
		case (a.ChildID == 0) != (b.ChildID == 0):
			if a.ChildID == 0 {
				best = i
			}
		case i < best:
			best = i
		}
	}
	for _, c := range children {
		for i, a := range latestFirst {
			if a.ChildID == 0 || a.ChildID == c {
				consider(i)
				break
			}
		}
	}
	if best < 0 && len(latestFirst) > 0 {
		best = 0
	}
	return best
}

// Problems lists every *Error inside err, whether err is a single *Error or
// several joined with errors.Join, for showing in an error summary.
func Problems(err error) []*Error {
	var out []*Error
	var walk func(error)
	walk = func(e error) {
		var re *Error
		switch x := e.(type) {
		case nil:
		case interface{ Unwrap() []error }:
			for _, inner := range x.Unwrap() {
				walk(inner)
			}
		default:
			if errors.As(e, &re) {
				out = append(out, re)
			}
		}
	}
	walk(err)
	return out
}
