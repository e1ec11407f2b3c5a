package measure

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits keep a definition to sizes people write, so that a hostile or
// mistaken file cannot make scoring slow or numbers overflow.
const (
	maxItems      = 200
	maxOptions    = 20
	maxListed     = 50      // subscales, bands, alerts, domains, age bands
	maxItemValue  = 100     // item answers lie in -100..100
	maxScoreValue = 1000000 // entered scores and cut-offs lie in ±1,000,000
	maxSteps      = 100000  // distinct values of an entered score
	maxAgeMonths  = 240
	maxShortText  = 200
	maxLongText   = 4000
)

var (
	domains    = []string{DomainMentalHealth, DomainWellbeing, DomainEmotionalRegulation, DomainChildDevelopment, DomainDomesticAbuse}
	subjects   = []string{SubjectParent, SubjectBaby}
	entries    = []string{EntryItems, EntryScore}
	directions = []string{LowerBetter, HigherBetter}
	concerns   = []string{ConcernBelow, ConcernAbove}
)

// Validate checks an instrument the same way Load does: everything scoring
// relies on. The first problem found is returned as a *problem.Error with
// code problem.Invalid and the JSON path of the field at fault.
func (in Instrument) Validate() error {
	bad := func(field, format string, args ...any) error {
		return invalid(field, fmt.Sprintf(format, args...))
	}
	if !validKey(in.Key) {
		return bad("key", "Key %q must start with a lower-case letter and use only lower-case letters, numbers and underscores (40 at most)", in.Key)
	}
	for _, t := range []struct {
		field, label, value string
		required            bool
		max                 int
	}{
		{"name", "Name", in.Name, true, maxShortText},
		{"short_name", "Short name", in.ShortName, true, 60},
		{"copyright", "Copyright", in.Copyright, true, maxLongText},
		{"source", "Source", in.Source, true, maxLongText},
		{"notes", "Notes", in.Notes, false, maxLongText},
		{"caveat", "Caveat", in.Caveat, false, maxLongText},
		{"stem", "Stem", in.Stem, false, maxLongText},
		{"instructions", "Instructions", in.Instructions, false, maxLongText},
	} {
		if msg := checkText(t.label, t.value, t.required, t.max); msg != "" {
			return bad(t.field, "%s", msg)
		}
	}
	for _, e := range []struct {
		field, value string
		allowed      []string
	}{
		{"domain", in.Domain, domains},
		{"subject", in.Subject, subjects},
		{"entry", in.Entry, entries},
		{"direction", in.Direction, directions},
	} {
		if !slices.Contains(e.allowed, e.value) {
			return bad(e.field, "%s must be %s, not %q", e.field, oneOf(e.allowed), e.value)
		}
	}
	if !finite(in.ReliableChange) || in.ReliableChange < 0 || in.ReliableChange > maxScoreValue {
		return bad("reliable_change", "Reliable change must be between 0 and %d, not %s", maxScoreValue, formatNumber(in.ReliableChange))
	}
	if in.ReliableChange > 0 && !in.HasTotal() {
		return bad("reliable_change", "Reliable change needs a total score, and the %s has none", in.ShortName)
	}

	var err error
	switch in.Entry {
	case EntryItems:
		err = in.validateItems()
	case EntryScore:
		err = in.validateEntered()
	}
	return err
}

// validateItems checks an instrument answered item by item.
func (in Instrument) validateItems() error {
	bad := func(field, format string, args ...any) error {
		return invalid(field, fmt.Sprintf(format, args...))
	}
	switch {
	case in.Total != nil:
		return bad("total", "An entered total is only for instruments with entry %q", EntryScore)
	case len(in.Domains) > 0:
		return bad("domains", "Entered areas are only for instruments with entry %q", EntryScore)
	case len(in.AgeBands) > 0:
		return bad("age_bands", "Age bands are only for instruments with entry %q", EntryScore)
	case in.ConcernWhen != "":
		return bad("concern_when", "concern_when is only for instruments with age bands")
	case len(in.Items) == 0:
		return bad("items", "List the questions: an instrument with entry %q needs at least one", EntryItems)
	case len(in.Items) > maxItems:
		return bad("items", "There must be %d questions or fewer, not %d", maxItems, len(in.Items))
	}

	// n distinct numbers all within 1..n are exactly 1..n, so this also
	// proves the numbering has no gaps.
	n := len(in.Items)
	seen := map[int]bool{}
	withText := 0
	for i, it := range in.Items {
		f := fmt.Sprintf("items[%d]", i)
		if it.Number < 1 || it.Number > n {
			return bad(f+".number", "Question numbers must run from 1 to %d with none missing, so %d is not allowed", n, it.Number)
		}
		if seen[it.Number] {
			return bad(f+".number", "Question %d appears more than once", it.Number)
		}
		seen[it.Number] = true
		if it.Min < -maxItemValue || it.Min > maxItemValue {
			return bad(f+".min", "Question %d needs a min between %d and %d, not %d", it.Number, -maxItemValue, maxItemValue, it.Min)
		}
		if it.Max <= it.Min || it.Max > maxItemValue {
			return bad(f+".max", "Question %d needs a max above its min (%d) and no more than %d, not %d", it.Number, it.Min, maxItemValue, it.Max)
		}
		if msg := checkText(fmt.Sprintf("Question %d text", it.Number), it.Text, false, maxLongText); msg != "" {
			return bad(f+".text", "%s", msg)
		}
		if msg := checkText(fmt.Sprintf("Question %d help", it.Number), it.Help, false, maxLongText); msg != "" {
			return bad(f+".help", "%s", msg)
		}
		if strings.TrimSpace(it.Text) != "" {
			withText++
		} else if !in.Licensed {
			return bad(f+".text", "Question %d has no text; only a licensed instrument may leave its wording out", it.Number)
		}
		if err := validateOptions(f, it); err != nil {
			return err
		}
	}
	if in.Licensed && withText != 0 && withText != n {
		return bad("items", "Give the text of every question or of none: %d of %d have text", withText, n)
	}

	// Subscales.
	if len(in.Subscales) > maxListed {
		return bad("subscales", "There must be %d subscales or fewer", maxListed)
	}
	keys := map[string]bool{}
	for i, s := range in.Subscales {
		f := fmt.Sprintf("subscales[%d]", i)
		if !validKey(s.Key) {
			return bad(f+".key", "Subscale key %q must start with a lower-case letter and use only lower-case letters, numbers and underscores", s.Key)
		}
		if keys[s.Key] {
			return bad(f+".key", "Subscale key %q is used more than once", s.Key)
		}
		keys[s.Key] = true
		if msg := checkText("Subscale label", s.Label, true, maxShortText); msg != "" {
			return bad(f+".label", "%s", msg)
		}
		if len(s.Items) == 0 {
			return bad(f+".items", "Subscale %q needs at least one question", s.Key)
		}
		inSub := map[int]bool{}
		for j, q := range s.Items {
			if !seen[q] {
				return bad(fmt.Sprintf("%s.items[%d]", f, j), "Subscale %q lists question %d, which does not exist", s.Key, q)
			}
			if inSub[q] {
				return bad(fmt.Sprintf("%s.items[%d]", f, j), "Subscale %q lists question %d more than once", s.Key, q)
			}
			inSub[q] = true
		}
	}
	if in.TotalFrom != "" && !keys[in.TotalFrom] {
		return bad("total_from", "total_from %q is not one of the subscales", in.TotalFrom)
	}

	// Alerts.
	if len(in.Alerts) > maxListed {
		return bad("alerts", "There must be %d alerts or fewer", maxListed)
	}
	for i, a := range in.Alerts {
		f := fmt.Sprintf("alerts[%d]", i)
		it, ok := in.Item(a.Item)
		if !ok {
			return bad(f+".item", "An alert is set on question %d, which does not exist", a.Item)
		}
		// An alert must be able to fire, and not fire on every answer.
		if a.Above < it.Min || a.Above >= it.Max {
			return bad(f+".above", "An alert on question %d must fire above a score from %d to %d, not above %d", a.Item, it.Min, it.Max-1, a.Above)
		}
		if msg := checkText("Alert message", a.Message, true, maxLongText); msg != "" {
			return bad(f+".message", "%s", msg)
		}
	}

	// Conversion, over every raw total the items can give.
	lo, hi := in.rawRange()
	if len(in.Conversion) > 0 {
		// Entries in range, none repeated and none missing: exactly one
		// for every raw score.
		byRaw := map[int]float64{}
		for i, c := range in.Conversion {
			f := fmt.Sprintf("conversion[%d]", i)
			if c.Raw < lo || c.Raw > hi {
				return bad(f+".raw", "Raw score %d is outside the possible range %d to %d", c.Raw, lo, hi)
			}
			if _, dup := byRaw[c.Raw]; dup {
				return bad(f+".raw", "Raw score %d appears more than once in the conversion table", c.Raw)
			}
			if !finite(c.Score) || math.Abs(c.Score) > maxScoreValue {
				return bad(f+".score", "The converted score for raw %d must be a number between %d and %d", c.Raw, -maxScoreValue, maxScoreValue)
			}
			byRaw[c.Raw] = c.Score
		}
		for raw := lo; raw <= hi; raw++ {
			if _, ok := byRaw[raw]; !ok {
				return bad("conversion", "The conversion table has no entry for raw score %d; it needs one for every score from %d to %d", raw, lo, hi)
			}
			// Rising strictly catches a mistyped entry, and keeps bands
			// and reliable change meaningful on the converted scale.
			if raw > lo && byRaw[raw] <= byRaw[raw-1] {
				return bad("conversion", "Converted scores must rise with the raw score, but raw %d converts to %s, not above raw %d's %s", raw, formatNumber(byRaw[raw]), raw-1, formatNumber(byRaw[raw-1]))
			}
		}
	}
	slo, shi := in.reportedRange()
	return validateBands(in.Bands, slo, shi)
}

// validateOptions checks that a question's options give every possible
// answer exactly one label, so a form never offers a value it cannot show.
func validateOptions(f string, it Item) error {
	bad := func(field, format string, args ...any) error {
		return invalid(field, fmt.Sprintf(format, args...))
	}
	if len(it.Options) == 0 {
		return nil
	}
	if len(it.Options) > maxOptions {
		return bad(f+".options", "Question %d must have %d options or fewer", it.Number, maxOptions)
	}
	values := map[int]bool{}
	labels := map[string]bool{}
	for j, o := range it.Options {
		of := fmt.Sprintf("%s.options[%d]", f, j)
		if o.Value < it.Min || o.Value > it.Max {
			return bad(of+".value", "Question %d has an option worth %d, outside its range %d to %d", it.Number, o.Value, it.Min, it.Max)
		}
		if values[o.Value] {
			return bad(of+".value", "Question %d has two options worth %d", it.Number, o.Value)
		}
		values[o.Value] = true
		if msg := checkText("Option label", o.Label, true, maxShortText); msg != "" {
			return bad(of+".label", "%s", msg)
		}
		l := strings.ToLower(strings.TrimSpace(o.Label))
		if labels[l] {
			return bad(of+".label", "Question %d has two options labelled %q", it.Number, o.Label)
		}
		labels[l] = true
	}
	if len(values) != it.Max-it.Min+1 {
		return bad(f+".options", "Question %d needs an option for every answer from %d to %d, or no options at all", it.Number, it.Min, it.Max)
	}
	return nil
}

// validateBands checks bands against the reported scores lo..hi: ascending,
// every score in a band, and no band out of reach.
func validateBands(bands []Band, lo, hi float64) error {
	bad := func(field, format string, args ...any) error {
		return invalid(field, fmt.Sprintf(format, args...))
	}
	if len(bands) > maxListed {
		return bad("bands", "There must be %d bands or fewer", maxListed)
	}
	labels := map[string]bool{}
	for i, b := range bands {
		f := fmt.Sprintf("bands[%d]", i)
		if !finite(b.From) {
			return bad(f+".from", "Band %d must start at a number", i+1)
		}
		if i > 0 && b.From <= bands[i-1].From {
			return bad(f+".from", "Bands must be in ascending order, but %q starts at %s, not above %s", b.Label, formatNumber(b.From), formatNumber(bands[i-1].From))
		}
		if b.From > hi {
			return bad(f+".from", "Band %q starts at %s, above the highest possible score, %s", b.Label, formatNumber(b.From), formatNumber(hi))
		}
		if msg := checkText("Band label", b.Label, true, maxShortText); msg != "" {
			return bad(f+".label", "%s", msg)
		}
		if l := strings.ToLower(strings.TrimSpace(b.Label)); labels[l] {
			return bad(f+".label", "Band label %q is used more than once", b.Label)
		} else {
			labels[l] = true
		}
	}
	if len(bands) > 0 && bands[0].From > lo {
		return bad("bands[0].from", "The first band must start at or below the lowest possible score, %s, not at %s", formatNumber(lo), formatNumber(bands[0].From))
	}
	return nil
}

// validateEntered checks an instrument whose scores are entered.
func (in Instrument) validateEntered() error {
	bad := func(field, format string, args ...any) error {
		return invalid(field, fmt.Sprintf(format, args...))
	}
	switch {
	case len(in.Items) > 0:
		return bad("items", "Questions are only for instruments with entry %q", EntryItems)
	case len(in.Subscales) > 0:
		return bad("subscales", "Subscales are only for instruments with entry %q", EntryItems)
	case len(in.Alerts) > 0:
		return bad("alerts", "Alerts are only for instruments with entry %q", EntryItems)
	case len(in.Conversion) > 0:
		return bad("conversion", "A conversion table is only for instruments with entry %q", EntryItems)
	case in.TotalFrom != "":
		return bad("total_from", "total_from is only for instruments with entry %q", EntryItems)
	case in.Total == nil && len(in.Domains) == 0:
		return bad("total", "An instrument with entry %q needs a total, areas (domains), or both", EntryScore)
	case len(in.Domains) > maxListed:
		return bad("domains", "There must be %d areas or fewer", maxListed)
	}
	area := map[string]ScoreDomain{}
	if in.Total != nil {
		if in.Total.Key != TotalKey {
			return bad("total.key", "The total's key must be %q, not %q", TotalKey, in.Total.Key)
		}
		if err := validateScoreDomain("total", *in.Total); err != nil {
			return err
		}
		area[TotalKey] = *in.Total
	}
	for i, d := range in.Domains {
		f := fmt.Sprintf("domains[%d]", i)
		if !validKey(d.Key) {
			return bad(f+".key", "Area key %q must start with a lower-case letter and use only lower-case letters, numbers and underscores", d.Key)
		}
		if d.Key == TotalKey {
			return bad(f+".key", "Area key %q is kept for the total; choose another", d.Key)
		}
		if _, dup := area[d.Key]; dup {
			return bad(f+".key", "Area key %q is used more than once", d.Key)
		}
		if err := validateScoreDomain(f, d); err != nil {
			return err
		}
		area[d.Key] = d
	}

	if len(in.AgeBands) == 0 {
		if in.ConcernWhen != "" {
			return bad("concern_when", "concern_when is only for instruments with age bands")
		}
		if in.Total == nil && len(in.Bands) > 0 {
			return bad("bands", "Bands need a total score, and the %s has none", in.ShortName)
		}
		if in.Total != nil {
			return validateBands(in.Bands, in.Total.Min, in.Total.Max)
		}
		return nil
	}

	// Age bands.
	if len(in.Bands) > 0 {
		return bad("bands", "Use bands or age bands, not both: with age bands the cut-offs say what a score means")
	}
	if !slices.Contains(concerns, in.ConcernWhen) {
		return bad("concern_when", "concern_when must be %s, not %q", oneOf(concerns), in.ConcernWhen)
	}
	if len(in.AgeBands) > maxListed {
		return bad("age_bands", "There must be %d age bands or fewer", maxListed)
	}
	keys := slices.Sorted(maps.Keys(area))
	for i, b := range in.AgeBands {
		f := fmt.Sprintf("age_bands[%d]", i)
		if b.Months < 0 || b.Months > maxAgeMonths {
			return bad(f+".months", "The interval must be from 0 to %d months, not %d", maxAgeMonths, b.Months)
		}
		if i > 0 && b.Months <= in.AgeBands[i-1].Months {
			return bad(f+".months", "Age bands must be in ascending order of months with no repeats, but %d comes after %d", b.Months, in.AgeBands[i-1].Months)
		}
		if b.FromMonths < 0 || b.ToMonths > maxAgeMonths || b.FromMonths > b.ToMonths {
			return bad(f+".from_months", "The %d month band's age window must run forwards within 0 to %d months, not %d to %d", b.Months, maxAgeMonths, b.FromMonths, b.ToMonths)
		}
		for _, k := range keys {
			if _, ok := b.Cutoffs[k]; !ok {
				return bad(f+".cutoffs", "The %d month band has no cut-off for %q", b.Months, k)
			}
		}
		for _, k := range slices.Sorted(maps.Keys(b.Cutoffs)) {
			d, ok := area[k]
			if !ok {
				return bad(f+".cutoffs."+k, "The %d month band has a cut-off for %q, which is not one of the areas", b.Months, k)
			}
			if c := b.Cutoffs[k]; !finite(c) || c < d.Min || c > d.Max {
				return bad(f+".cutoffs."+k, "The %d month cut-off for %q must be between %s and %s, not %s", b.Months, k, formatNumber(d.Min), formatNumber(d.Max), formatNumber(c))
			}
		}
		for _, k := range slices.Sorted(maps.Keys(b.Monitoring)) {
			d, ok := area[k]
			if !ok {
				return bad(f+".monitoring."+k, "The %d month band has a monitoring zone for %q, which is not one of the areas", b.Months, k)
			}
			m, c := b.Monitoring[k], b.Cutoffs[k]
			// The monitoring zone lies on the safe side of the cut-off.
			if !finite(m) || m < d.Min || m > d.Max ||
				(in.ConcernWhen == ConcernBelow && m <= c) || (in.ConcernWhen == ConcernAbove && m >= c) {
				side := "above"
				if in.ConcernWhen == ConcernAbove {
					side = "below"
				}
				return bad(f+".monitoring."+k, "The %d month monitoring zone for %q must end %s the cut-off (%s) and within %s to %s, not at %s", b.Months, k, side, formatNumber(c), formatNumber(d.Min), formatNumber(d.Max), formatNumber(m))
			}
		}
	}
	// The bands chosen by age must leave no month uncovered, so that an age
	// is refused only when it is outside the instrument's whole range.
	byAge := in.ageChosenBands()
	if len(byAge) == 0 {
		return bad("age_bands", "At least one age band must be chosen by age (not explicit_only)")
	}
	slices.SortFunc(byAge, func(a, b AgeBand) int { return a.FromMonths - b.FromMonths })
	reach := byAge[0].ToMonths
	for _, b := range byAge[1:] {
		if b.FromMonths > reach+1 {
			return bad("age_bands", "No age band covers %d months: the windows must not leave a gap", reach+1)
		}
		reach = max(reach, b.ToMonths)
	}
	return nil
}

func validateScoreDomain(f string, d ScoreDomain) error {
	bad := func(field, format string, args ...any) error {
		return invalid(field, fmt.Sprintf(format, args...))
	}
	if msg := checkText("Label", d.Label, true, maxShortText); msg != "" {
		return bad(f+".label", "%s", msg)
	}
	if !finite(d.Min) || !finite(d.Max) || d.Min < -maxScoreValue || d.Max > maxScoreValue || d.Min >= d.Max {
		return bad(f+".max", "%s needs a max above its min, both between %d and %d", d.Label, -maxScoreValue, maxScoreValue)
	}
	if !finite(d.Step) || d.Step < 0 {
		return bad(f+".step", "%s needs a step of 0 (any number) or more", d.Label)
	}
	if d.Step > 0 {
		n := (d.Max - d.Min) / d.Step
		if n > maxSteps || !whole(n) {
			return bad(f+".step", "%s must run from %s to %s in whole steps of %s", d.Label, formatNumber(d.Min), formatNumber(d.Max), formatNumber(d.Step))
		}
	}
	return nil
}

// ageChosenBands are the bands that may be chosen from a baby's age.
func (in Instrument) ageChosenBands() []AgeBand {
	var out []AgeBand
	for _, b := range in.AgeBands {
		if !b.ExplicitOnly {
			out = append(out, b)
		}
	}
	return out
}

// totalItems are the questions whose scores make the total.
func (in Instrument) totalItems() []Item {
	if in.TotalFrom == "" {
		return in.Items
	}
	var out []Item
	for _, s := range in.Subscales {
		if s.Key == in.TotalFrom {
			for _, n := range s.Items {
				if it, ok := in.Item(n); ok {
					out = append(out, it)
				}
			}
		}
	}
	return out
}

// rawRange is the lowest and highest possible raw total.
func (in Instrument) rawRange() (lo, hi int) {
	for _, it := range in.totalItems() {
		lo += it.Min
		hi += it.Max
	}
	return lo, hi
}

// reportedRange is the lowest and highest possible reported score.
func (in Instrument) reportedRange() (lo, hi float64) {
	if in.Entry == EntryScore {
		if in.Total == nil {
			return 0, 0
		}
		return in.Total.Min, in.Total.Max
	}
	rlo, rhi := in.rawRange()
	lo, hi = float64(rlo), float64(rhi)
	for _, c := range in.Conversion {
		if c.Raw == rlo {
			lo = c.Score
		}
		if c.Raw == rhi {
			hi = c.Score
		}
	}
	return lo, hi
}

// checkText returns a message if a piece of text is missing when required,
// too long, not UTF-8 or holds control characters (other than line breaks
// and tabs, which notes may use); "" if it is fine.
func checkText(label, s string, required bool, max int) string {
	switch {
	case required && strings.TrimSpace(s) == "":
		return "Enter " + article(label) + " " + strings.ToLower(label[:1]) + label[1:]
	case !utf8.ValidString(s):
		return label + " must only include letters, numbers and punctuation"
	case utf8.RuneCountInString(s) > max:
		return fmt.Sprintf("%s must be %d characters or fewer", label, max)
	case strings.IndexFunc(s, func(r rune) bool {
		return r != '\n' && r != '\t' && (unicode.IsControl(r) || r == '\u2028' || r == '\u2029')
	}) >= 0:
		return label + " must not include hidden control characters"
	}
	return ""
}

func article(label string) string {
	if strings.ContainsRune("AEIOUaeiou", rune(label[0])) {
		return "an"
	}
	return "a"
}

// validKey keeps keys safe for form field names, URLs and ids.
func validKey(k string) bool {
	if len(k) == 0 || len(k) > 40 || k[0] < 'a' || k[0] > 'z' {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '_' {
			return false
		}
	}
	return true
}

func oneOf(allowed []string) string {
	q := make([]string, len(allowed))
	for i, a := range allowed {
		q[i] = fmt.Sprintf("%q", a)
	}
	if len(q) == 1 {
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
}

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

// whole reports whether f is a whole number, allowing for the rounding of
// decimal steps such as 0.1.
func whole(f float64) bool { return math.Abs(f-math.Round(f)) < 1e-9 }
