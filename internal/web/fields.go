package web

import (
	"strings"

	"github.com/cradle-org/cradle/internal/match"

	"github.com/cradle-org/cradle/internal/referral"
)

// formField is what the form partials render: one input with its label,
// hint, the value the user typed and its error message.
type formField struct {
	Name, ID, Label, Hint, Value, Error, Type, Autocomplete, Class, LabelClass string
	Context                                                                    string // read out after the label, e.g. "first parent", where labels repeat
	Options                                                                    []referral.Option
	Inline                                                                     bool
	Parts                                                                      [3]string // day, month, year for date inputs
}

// fieldID turns a field path (parent1.given_name, actions[0].owner) into an
// HTML id (parent1-given_name, actions-0-owner): dots and brackets in ids
// need escaping in CSS selectors and are percent-encoded in links, which
// would break the error summary's links to its fields.
func fieldID(name string) string { return idReplacer.Replace(name) }

var idReplacer = strings.NewReplacer(".", "-", "[", "-", "]", "")

func newField(p Page, name, label string) formField {
	return formField{Name: name, ID: fieldID(name), Label: label, Value: p.Value(name), Error: p.ErrorFor(name),
		Parts: [3]string{p.Value(name + "-day"), p.Value(name + "-month"), p.Value(name + "-year")}}
}

func (f formField) WithContext(c string) formField            { f.Context = c; return f }
func (f formField) WithHint(h string) formField               { f.Hint = h; return f }
func (f formField) WithType(t string) formField               { f.Type = t; return f }
func (f formField) WithAutocomplete(a string) formField       { f.Autocomplete = a; return f }
func (f formField) WithClass(c string) formField              { f.Class = c; return f }
func (f formField) WithOptions(o []referral.Option) formField { f.Options = o; return f }
func (f formField) InlineRadios() formField                   { f.Inline = true; return f }
func (f formField) WithLabelClass(c string) formField         { f.LabelClass = c; return f }
func (f formField) WithValue(v string) formField              { f.Value = v; return f }
func yesNo() []referral.Option {
	return []referral.Option{{Value: "yes", Label: "Yes"}, {Value: "no", Label: "No"}}
}

// optionLabel shows a stored code as the words it stands for.
func optionLabel(opts []referral.Option, v string) string { return referral.Label(opts, v) }

// outcomesFor leaves out asking the referrer for more information when the
// referrer is the parent: they are contacted only by the safe route they
// gave, by whoever screens it (nothing is emailed to a parent).
func outcomesFor(src referral.Source) []referral.Option {
	var out []referral.Option
	for _, o := range referral.Outcomes() {
		switch {
		case src == referral.Self && o.Value == string(referral.RequestInfo):
			continue
		case src == referral.Self && o.Value == string(referral.Decline):
			o.Label = "Not accepted: tell the parent why and where else to get support, by the safe route they gave"
		}
		out = append(out, o)
	}
	return out
}

// matchReason words a match reason for the screening page.
func matchReason(r match.Reason) string {
	field := map[string]string{match.FieldNHSNumber: "NHS number", match.FieldDateOfBirth: "date of birth", match.FieldFamilyName: "last name",
		match.FieldGivenName: "first name", match.FieldKnownAs: "known-as name", match.FieldPhone: "phone", match.FieldEmail: "email",
		match.FieldPostcode: "postcode"}[r.Field]
	if field == "" {
		field = r.Field
	}
	strength := map[string]string{match.StrengthExact: "same", match.StrengthVariant: "a variant", match.StrengthPhonetic: "sounds alike",
		match.StrengthInitial: "same initial", match.StrengthSwapped: "day and month swapped", match.StrengthDifferent: "different"}[r.Strength]
	if strength == "" {
		strength = r.Strength
	}
	return field + " " + strength
}
