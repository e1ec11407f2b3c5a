package measure

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"

	"github.com/cradle-org/cradle/internal/strictjson"

	"github.com/cradle-org/cradle/internal/problem"
)

// maxDefinitionBytes bounds what Load reads: a real definition is a few
// kilobytes, and an unbounded read of an uploaded file could exhaust memory.
const maxDefinitionBytes = 1 << 20

// rawInstrument is the file format: Instrument plus a default scale, with
// items whose min and max may be left to that scale. Its Items field
// shadows Instrument.Items for encoding/json, being less deeply nested.
type rawInstrument struct {
	Instrument
	Scale *rawScale `json:"scale"`
	Items []rawItem `json:"items"`
}

// rawScale is the min, max and options shared by items that give none.
type rawScale struct {
	Min     int      `json:"min"`
	Max     int      `json:"max"`
	Options []Option `json:"options"`
}

// rawItem uses pointers so that an omitted min or max takes the scale's
// while an explicit 0 is kept.
type rawItem struct {
	Number  int      `json:"number"`
	Text    string   `json:"text"`
	Help    string   `json:"help"`
	Reverse bool     `json:"reverse"`
	Min     *int     `json:"min"`
	Max     *int     `json:"max"`
	Options []Option `json:"options"`
}

// Load reads and validates one instrument definition, such as an
// organisation's copy of a licensed instrument with its item wording.
// Unknown fields, a field given twice and trailing data are refused,
// because a misspelt or repeated setting silently ignored would change
// scores. Errors are *problem.Error with code problem.Invalid and one field
// naming the JSON path at fault.
func Load(r io.Reader) (Instrument, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxDefinitionBytes+1))
	if err != nil {
		return Instrument{}, fmt.Errorf("measure: reading definition: %w", err)
	}
	if len(data) > maxDefinitionBytes {
		return Instrument{}, invalid("definition", "The definition file must be 1 MB or smaller")
	}
	return parse(data)
}

func parse(data []byte) (Instrument, error) {
	if err := checkDuplicateNames(data); err != nil {
		return Instrument{}, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var raw rawInstrument
	if err := dec.Decode(&raw); err != nil {
		return Instrument{}, jsonError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return Instrument{}, invalid("definition", "The definition file has unexpected data after the JSON object")
	}
	in, err := raw.resolve()
	if err != nil {
		return Instrument{}, err
	}
	in.normalise()
	if err := in.Validate(); err != nil {
		return Instrument{}, err
	}
	slices.SortFunc(in.Items, func(a, b Item) int { return a.Number - b.Number })
	return in, nil
}

// resolve fills each item's range and options from the scale where the item
// gives none.
func (raw rawInstrument) resolve() (Instrument, error) {
	in := raw.Instrument
	in.Items = nil
	if len(raw.Items) > maxItems {
		return Instrument{}, invalid("items", fmt.Sprintf("There must be %d questions or fewer, not %d", maxItems, len(raw.Items)))
	}
	for i, ri := range raw.Items {
		field := fmt.Sprintf("items[%d]", i)
		it := Item{Number: ri.Number, Text: ri.Text, Help: ri.Help, Reverse: ri.Reverse, Options: ri.Options}
		switch {
		case ri.Min != nil && ri.Max != nil:
			it.Min, it.Max = *ri.Min, *ri.Max
		case ri.Min != nil || ri.Max != nil:
			return Instrument{}, invalid(field, fmt.Sprintf("Question %d must give both min and max, or neither to use the scale", ri.Number))
		case raw.Scale != nil:
			it.Min, it.Max = raw.Scale.Min, raw.Scale.Max
		default:
			return Instrument{}, invalid(field+".min", fmt.Sprintf("Question %d needs a min and max, or the definition needs a scale", ri.Number))
		}
		if ri.Options == nil && raw.Scale != nil {
			it.Options = slices.Clone(raw.Scale.Options)
		}
		in.Items = append(in.Items, it)
	}
	return in, nil
}

// normalise makes equivalent definitions equal: empty lists and maps become
// nil, and an entered total takes its fixed key.
func (in *Instrument) normalise() {
	nilIfEmpty(&in.Items)
	for i := range in.Items {
		nilIfEmpty(&in.Items[i].Options)
	}
	nilIfEmpty(&in.Subscales)
	for i := range in.Subscales {
		nilIfEmpty(&in.Subscales[i].Items)
	}
	nilIfEmpty(&in.Alerts)
	nilIfEmpty(&in.Conversion)
	nilIfEmpty(&in.Bands)
	nilIfEmpty(&in.Domains)
	nilIfEmpty(&in.AgeBands)
	for i := range in.AgeBands {
		if len(in.AgeBands[i].Cutoffs) == 0 {
			in.AgeBands[i].Cutoffs = nil
		}
		if len(in.AgeBands[i].Monitoring) == 0 {
			in.AgeBands[i].Monitoring = nil
		}
	}
	if in.Total != nil && in.Total.Key == "" {
		in.Total.Key = TotalKey
	}
}

func nilIfEmpty[T any](s *[]T) {
	if len(*s) == 0 {
		*s = nil
	}
}

// invalid is a definition problem: one field, plain English.
func invalid(field, message string) error {
	field = fieldOrWhole(field)
	return &problem.Error{
		Code:    problem.Invalid,
		Message: "The instrument definition is not valid",
		Fields:  []problem.Field{{Name: field, Message: message}},
	}
}

// jsonError rewords the decoder's commonest complaints for the person
// editing the file; broken syntax passes through with its position.
func jsonError(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		// Fields of the embedded Instrument come prefixed with its name.
		field := strings.TrimPrefix(te.Field, "Instrument.")
		want := "a different kind of value"
		if te.Type != nil {
			switch te.Type.Kind() {
			case reflect.Int:
				want = "a whole number"
			case reflect.Float64:
				want = "a number"
			case reflect.String:
				want = "text in quotes"
			case reflect.Bool:
				want = "true or false"
			case reflect.Slice:
				want = "a list in [ ]"
			case reflect.Struct, reflect.Map, reflect.Pointer:
				want = "an object in { }"
			}
		}
		return invalid(field, fmt.Sprintf("%s must be %s, not %s", field, want, te.Value))
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		name = strings.Trim(name, `"`)
		return invalid(name, fmt.Sprintf("%q is not a field an instrument definition can have; check the spelling", name))
	}
	return invalid("definition", "The definition file is not valid JSON: "+strings.TrimPrefix(err.Error(), "json: "))
}

// checkDuplicateNames refuses an object that names a field twice (which
// encoding/json would accept, keeping the last value) or nesting too deep.
func checkDuplicateNames(data []byte) error {
	switch p := strictjson.Check(data); {
	case p == nil:
		return nil
	case p.Kind == strictjson.Duplicate:
		field := p.Field
		if strings.HasSuffix(field, ".") || field == "" {
			field += `""` // an empty name: the path still points somewhere
		}
		return invalid(field, fmt.Sprintf("%s is given more than once; keep one", field))
	default:
		return invalid(fieldOrWhole(p.Field), "The definition is nested too deeply")
	}
}

// fieldOrWhole names the whole file when a problem has no field path.
func fieldOrWhole(field string) string {
	if field == "" {
		return "definition"
	}
	return field
}

// SameScoring reports whether in scores exactly like base: the same
// questions, ranges, reversals, subscales, bands, alerts, conversion table,
// areas and cut-offs. Wording, labels, messages and rights text may differ,
// so an organisation's licensed copy of a built-in instrument can be checked
// before it replaces the built-in one. The difference found first is
// returned as a *problem.Error.
func (in Instrument) SameScoring(base Instrument) error {
	a, b := in.scoringOnly(), base.scoringOnly()
	parts := []struct {
		field string
		x, y  any
	}{
		{"key", a.Key, b.Key},
		{"entry", a.Entry, b.Entry},
		{"subject", a.Subject, b.Subject},
		{"domain", a.Domain, b.Domain},
		{"direction", a.Direction, b.Direction},
		{"reliable_change", a.ReliableChange, b.ReliableChange},
		{"items", a.Items, b.Items},
		{"total_from", a.TotalFrom, b.TotalFrom},
		{"subscales", a.Subscales, b.Subscales},
		{"alerts", a.Alerts, b.Alerts},
		{"conversion", a.Conversion, b.Conversion},
		{"bands", a.Bands, b.Bands},
		{"total", a.Total, b.Total},
		{"domains", a.Domains, b.Domains},
		{"concern_when", a.ConcernWhen, b.ConcernWhen},
		{"age_bands", a.AgeBands, b.AgeBands},
	}
	for _, p := range parts {
		if !reflect.DeepEqual(p.x, p.y) {
			return invalid(p.field, fmt.Sprintf("The %s scores differently from the built-in %s: %s. Only the wording may change", orKey(in.ShortName, in.Key), orKey(base.ShortName, base.Key), difference(p.field, p.x, p.y)))
		}
	}
	return nil
}

// difference says where two unequal scoring parts first differ, for the
// person editing the file: "reliable_change is 5 here but 6 in the built-in
// one", or for a list the first entry that differs, written as JSON without
// the words (which SameScoring ignores).
func difference(field string, here, builtin any) string {
	x, y := reflect.ValueOf(here), reflect.ValueOf(builtin)
	if x.Kind() == reflect.Slice && y.Kind() == reflect.Slice {
		for i := 0; i < x.Len() && i < y.Len(); i++ {
			if !reflect.DeepEqual(x.Index(i).Interface(), y.Index(i).Interface()) {
				return fmt.Sprintf("%s[%d] is %s here but %s in the built-in one", field, i, brief(x.Index(i).Interface()), brief(y.Index(i).Interface()))
			}
		}
		return fmt.Sprintf("%s has %d entries here but %d in the built-in one", field, x.Len(), y.Len())
	}
	return fmt.Sprintf("%s is %s here but %s in the built-in one", field, brief(here), brief(builtin))
}

// brief writes a scoring value as compact JSON, leaving out the empty
// words that scoringOnly removed; "none" for a missing one.
func brief(v any) string {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	var generic any
	if json.Unmarshal(data, &generic) == nil {
		generic = dropEmpty(generic)
		if again, err := json.Marshal(generic); err == nil {
			data = again
		}
	}
	switch s := string(data); s {
	case "null", `""`, "{}", "[]":
		return "none"
	default:
		return s
	}
}

// dropEmpty removes empty strings from JSON objects, recursively.
func dropEmpty(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			if e == "" {
				delete(t, k)
				continue
			}
			t[k] = dropEmpty(e)
		}
	case []any:
		for i := range t {
			t[i] = dropEmpty(t[i])
		}
	}
	return v
}

func orKey(name, key string) string {
	if name != "" {
		return name
	}
	return key
}

// scoringOnly is a copy without the words, which do not affect scores.
func (in Instrument) scoringOnly() Instrument {
	out := in.clone()
	out.normalise()
	slices.SortFunc(out.Items, func(a, b Item) int { return a.Number - b.Number })
	for i := range out.Items {
		// Options only label answers: Validate makes them cover the
		// question's whole range, so min and max say what may be recorded.
		out.Items[i].Text, out.Items[i].Help, out.Items[i].Options = "", "", nil
	}
	for i := range out.Subscales {
		out.Subscales[i].Label = ""
	}
	for i := range out.Bands {
		out.Bands[i].Label = ""
	}
	for i := range out.Alerts {
		out.Alerts[i].Message = ""
	}
	if out.Total != nil {
		out.Total.Label = ""
	}
	for i := range out.Domains {
		out.Domains[i].Label = ""
	}
	return out
}
