package risk

import (
	"errors"
	"strings"
)

// ChildRisk is the assessment of risk to the baby and any other children. It
// is separate from the checklist, which is about the parent, because the
// children's risk must be assessed in its own right.
type ChildRisk struct {
	Concerns string // what worries the practitioner, in their words
	Level    Level  // standard, medium or high
	Plan     string // what will be done to keep the children safe
}

// Validate returns one *Error for each missing or invalid field, in form
// order, joined with errors.Join so that an error summary can list them all
// (see Problems). It returns nil when the record is complete.
func (c ChildRisk) Validate() error {
	var errs []error
	if strings.TrimSpace(c.Concerns) == "" {
		errs = append(errs, &Error{Field: "concerns", Message: "Enter the concerns about the baby and other children"})
	}
	if !c.Level.Valid() {
		errs = append(errs, &Error{Field: "level", Message: "Select the level of risk to the baby and other children"})
	}
	if strings.TrimSpace(c.Plan) == "" {
		errs = append(errs, &Error{Field: "plan", Message: "Enter the plan to keep the baby and other children safe"})
	}
	return errors.Join(errs...)
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
