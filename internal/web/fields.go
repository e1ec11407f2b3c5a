package web

import (
	"strings"

	"github.com/cradle-org/cradle/internal/referral"
)

// formField is what the form partials render: one input with its label,
// hint, the value the user typed and its error message.
type formField struct {
	Name, ID, Label, Hint, Value, Error, Type, Autocomplete, Class, LabelClass string
	Options                                                                    []referral.Option
	Inline                                                                     bool
	Parts                                                                      [3]string // day, month, year for date inputs
}

// fieldID turns a field path (parent1.given_name) into an HTML id
// (parent1-given_name): dots in ids need escaping in CSS selectors.
func fieldID(name string) string { return strings.ReplaceAll(name, ".", "-") }

func newField(p Page, name, label string) formField {
	return formField{Name: name, ID: fieldID(name), Label: label, Value: p.Value(name), Error: p.ErrorFor(name),
		Parts: [3]string{p.Value(name + "-day"), p.Value(name + "-month"), p.Value(name + "-year")}}
}

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
