package measure

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/cradle-org/cradle/internal/problem"
)

// Form field names, shared with the pages so that a problem's field matches
// an input's name and id.
const (
	TotalField    = "total"      // an entered total
	AgeField      = "age-months" // the baby's age in completed months
	IntervalField = "interval"   // the questionnaire interval, in months
)

// ItemField is the form field for question n: "item-3".
func ItemField(n int) string { return "item-" + strconv.Itoa(n) }

// DomainField is the form field for an entered area: "domain-communication".
func DomainField(key string) string { return "domain-" + key }

// Statuses of an area compared with its age band's cut-off.
const (
	StatusRefer   = "refer"
	StatusMonitor = "monitor"
	StatusClear   = "clear"
)

// Result is a scored instrument.
type Result struct {
	Raw   float64 // the sum of item scores (or the entered total)
	Score float64 // the reported score: Raw after any conversion
	// Band is the reported score's band label, or for age-banded
	// instruments a summary: "Refer for assessment", "Monitor" or
	// "No concern". "" when there is nothing to say.
	Band    string
	Flagged bool // a flagged band, or an area to refer
	Monitor bool // an area in its monitoring zone (and none to refer)

	Items     map[int]int        // item scores after reverse scoring (entry "items")
	Subscales map[string]float64 // by subscale key

	AgeBand int            // the questionnaire interval used, in months (0: none)
	Domains []DomainResult // entered areas (and total) in definition order

	Alerts       []Alert // alerts raised, in definition order
	Safeguarding bool    // an alert needs the safeguarding procedure followed
}

// DomainResult is one entered area (or the entered total).
type DomainResult struct {
	Key    string
	Label  string
	Score  float64
	Cutoff float64 // 0 and HasCutoff false without age bands
	// Monitoring is the far edge of the monitoring zone, if the age band
	// has one (see AgeBand.Monitoring).
	Monitoring *float64
	HasCutoff  bool
	Refer      bool   // on the concern side of the cut-off
	Monitor    bool   // in the monitoring zone
	Status     string // StatusRefer, StatusMonitor or StatusClear; "" without a cut-off
	// Text says the status for people: "Below cut-off: refer for
	// assessment", "Monitor", "Above cut-off: on schedule".
	Text string
}

// Change is the change between two reported scores.
type Change struct {
	Delta        float64 // after − before
	Reliable     bool    // at least the instrument's reliable change, either way
	Improved     bool    // a reliable change in the direction of improvement
	Deteriorated bool    // a reliable change the other way
}

// Score scores answers to an instrument answered item by item, keyed by
// question number. Every question must be answered within its range. Bad
// answers give a problem.Invalid error with a message per question, keyed
// by ItemField. An instrument entered as totals is an error in the caller.
func (in Instrument) Score(answers map[int]int) (Result, error) {
	if in.Entry != EntryItems {
		return Result{}, fmt.Errorf("measure: the %s is entered as scores, not answered item by item", in.ShortName)
	}
	items := slices.Clone(in.Items)
	slices.SortFunc(items, func(a, b Item) int { return a.Number - b.Number })

	var fs problem.Fields
	for _, it := range items {
		a, ok := answers[it.Number]
		switch {
		case !ok:
			fs.Add(ItemField(it.Number), fmt.Sprintf("Enter an answer for question %d", it.Number))
		case a < it.Min || a > it.Max:
			fs.Add(ItemField(it.Number), fmt.Sprintf("Answer for question %d must be between %d and %d", it.Number, it.Min, it.Max))
		}
	}
	for _, n := range slices.Sorted(maps.Keys(answers)) {
		if _, ok := in.Item(n); !ok {
			fs.Add(ItemField(n), fmt.Sprintf("There is no question %d in the %s", n, in.ShortName))
		}
	}
	if err := fs.Err(); err != nil {
		return Result{}, err
	}

	r := Result{Items: make(map[int]int, len(items))}
	for _, it := range items {
		s := answers[it.Number]
		if it.Reverse {
			s = it.Min + it.Max - s
		}
		r.Items[it.Number] = s
	}
	if len(in.Subscales) > 0 {
		r.Subscales = make(map[string]float64, len(in.Subscales))
		for _, s := range in.Subscales {
			sum := 0
			for _, n := range s.Items {
				sum += r.Items[n]
			}
			r.Subscales[s.Key] = float64(sum)
		}
	}
	raw := 0
	for _, it := range in.totalItems() {
		raw += r.Items[it.Number]
	}
	r.Raw, r.Score = float64(raw), float64(raw)
	for _, c := range in.Conversion {
		if c.Raw == raw {
			r.Score = c.Score
		}
	}
	if b, ok := in.BandFor(r.Score); ok {
		r.Band, r.Flagged = b.Label, b.Flag
	}
	for _, a := range in.Alerts {
		if r.Items[a.Item] > a.Above {
			r.Alerts = append(r.Alerts, a)
			r.Safeguarding = r.Safeguarding || a.Safeguarding
		}
	}
	return r, nil
}

// ScoreEntered scores an instrument entered as scores: the total (nil when
// the instrument has none) and the area scores by key. With age bands, the
// baby's age in completed months chooses the questionnaire interval (see
// AgeBandFor); otherwise the age is ignored. Bad input gives a
// problem.Invalid error keyed by TotalField, DomainField and AgeField.
func (in Instrument) ScoreEntered(total *float64, domains map[string]float64, ageMonths int) (Result, error) {
	return in.scoreEntered(total, domains, func() (AgeBand, *problem.Field) {
		if b, ok := in.AgeBandFor(ageMonths); ok {
			return b, nil
		}
		lo, hi := in.ageRange()
		return AgeBand{}, &problem.Field{Name: AgeField, Message: fmt.Sprintf("Age must be between %d and %d months for the %s", lo, hi, in.ShortName)}
	})
}

// ScoreEnteredAt is ScoreEntered for a named questionnaire interval, such as
// the 9 month ASQ-3, instead of one chosen from the age. An unknown interval
// gives a problem.Invalid error keyed by IntervalField.
func (in Instrument) ScoreEnteredAt(total *float64, domains map[string]float64, interval int) (Result, error) {
	return in.scoreEntered(total, domains, func() (AgeBand, *problem.Field) {
		if b, ok := in.AgeBandAt(interval); ok {
			return b, nil
		}
		return AgeBand{}, &problem.Field{Name: IntervalField, Message: fmt.Sprintf("There is no %d month %s questionnaire", interval, in.ShortName)}
	})
}

func (in Instrument) scoreEntered(total *float64, entered map[string]float64, band func() (AgeBand, *problem.Field)) (Result, error) {
	if in.Entry != EntryScore {
		return Result{}, fmt.Errorf("measure: the %s is answered item by item, not entered as scores", in.ShortName)
	}
	var fs problem.Fields
	// name is how a message speaks of the score: "Communication score",
	// "Total score".
	check := func(field, name string, d ScoreDomain, v float64) {
		switch {
		case !finite(v):
			fs.Add(field, name+" must be a number")
		case v < d.Min || v > d.Max:
			fs.Add(field, fmt.Sprintf("%s must be between %s and %s", name, formatNumber(d.Min), formatNumber(d.Max)))
		case d.Step > 0 && !whole((v-d.Min)/d.Step):
			fs.Add(field, fmt.Sprintf("%s must be a multiple of %s", name, formatNumber(d.Step)))
		}
	}
	switch {
	case in.Total != nil && total == nil:
		fs.Add(TotalField, "Enter the "+lowerFirst(in.Total.Label))
	case in.Total != nil:
		check(TotalField, in.Total.Label, *in.Total, *total)
	case total != nil:
		fs.Add(TotalField, fmt.Sprintf("The %s has no total score; enter the score for each area", in.ShortName))
	}
	for _, d := range in.Domains {
		v, ok := entered[d.Key]
		if !ok {
			fs.Add(DomainField(d.Key), "Enter a score for "+lowerFirst(d.Label))
			continue
		}
		check(DomainField(d.Key), d.Label+" score", d, v)
	}
	for _, k := range slices.Sorted(maps.Keys(entered)) {
		if !slices.ContainsFunc(in.Domains, func(d ScoreDomain) bool { return d.Key == k }) {
			fs.Add(DomainField(k), fmt.Sprintf("There is no area %q in the %s", k, in.ShortName))
		}
	}
	var ab AgeBand
	if len(in.AgeBands) > 0 {
		var f *problem.Field
		if ab, f = band(); f != nil {
			fs.Add(f.Name, f.Message)
		}
	}
	if err := fs.Err(); err != nil {
		return Result{}, err
	}

	var r Result
	if in.Total != nil {
		r.Raw, r.Score = *total, *total
		if b, ok := in.BandFor(r.Score); ok {
			r.Band, r.Flagged = b.Label, b.Flag
		}
	}
	rows := slices.Clone(in.Domains)
	if in.Total != nil {
		rows = append(rows, *in.Total)
	}
	for _, d := range rows {
		v := entered[d.Key]
		if d.Key == TotalKey {
			v = *total
		}
		dr := DomainResult{Key: d.Key, Label: d.Label, Score: v}
		if c, ok := ab.Cutoffs[d.Key]; ok && len(in.AgeBands) > 0 {
			dr.Cutoff, dr.HasCutoff = c, true
			m, hasM := ab.Monitoring[d.Key]
			if hasM {
				dr.Monitoring = &m
			}
			below := in.ConcernWhen == ConcernBelow
			switch {
			// ASQ-3 refers at or below the cut-off; ASQ:SE-2 above it.
			case below && v <= c, !below && v > c:
				dr.Refer, dr.Status = true, StatusRefer
			case hasM && below && v <= m, hasM && !below && v >= m:
				dr.Monitor, dr.Status = true, StatusMonitor
			default:
				dr.Status = StatusClear
			}
			dr.Text = statusText(dr.Status, below)
		}
		r.Domains = append(r.Domains, dr)
	}
	if len(in.AgeBands) > 0 {
		r.AgeBand = ab.Months
		for _, d := range r.Domains {
			r.Flagged = r.Flagged || d.Refer
			r.Monitor = r.Monitor || d.Monitor
		}
		switch {
		case r.Flagged:
			r.Band, r.Monitor = "Refer for assessment", false
		case r.Monitor:
			r.Band = "Monitor"
		default:
			r.Band = "No concern"
		}
	}
	return r, nil
}

func statusText(status string, concernBelow bool) string {
	switch {
	case status == StatusRefer && concernBelow:
		return "Below cut-off: refer for assessment"
	case status == StatusRefer:
		return "Above cut-off: refer for assessment"
	case status == StatusMonitor:
		return "Monitor"
	case concernBelow:
		return "Above cut-off: on schedule"
	default:
		return "Below cut-off: no concern"
	}
}

// AgeBandFor returns the questionnaire interval for a baby's age in
// completed months: a band whose age window contains the age and that is
// not explicit_only. Where windows overlap, the nearest interval not above
// the age wins (8 months takes the 8 month questionnaire, not the 9); if
// every candidate is above the age, the lowest wins (3 months takes the 4
// month questionnaire, whose window starts at 3 months).
func (in Instrument) AgeBandFor(ageMonths int) (AgeBand, bool) {
	best := -1
	for i, b := range in.AgeBands {
		if b.ExplicitOnly || ageMonths < b.FromMonths || ageMonths > b.ToMonths {
			continue
		}
		if best < 0 {
			best = i
			continue
		}
		cur := in.AgeBands[best]
		notAbove, curNotAbove := b.Months <= ageMonths, cur.Months <= ageMonths
		switch {
		case notAbove && !curNotAbove,
			notAbove && curNotAbove && b.Months > cur.Months,
			!notAbove && !curNotAbove && b.Months < cur.Months:
			best = i
		}
	}
	if best < 0 {
		return AgeBand{}, false
	}
	return in.AgeBands[best].clone(), true
}

// AgeBandAt returns the band of a named questionnaire interval.
func (in Instrument) AgeBandAt(interval int) (AgeBand, bool) {
	for _, b := range in.AgeBands {
		if b.Months == interval {
			return b.clone(), true
		}
	}
	return AgeBand{}, false
}

func (b AgeBand) clone() AgeBand {
	b.Cutoffs = maps.Clone(b.Cutoffs)
	b.Monitoring = maps.Clone(b.Monitoring)
	return b
}

// ageRange is the youngest and oldest age, in completed months, that
// AgeBandFor accepts (Validate ensures there is no gap between).
func (in Instrument) ageRange() (lo, hi int) {
	first := true
	for _, b := range in.ageChosenBands() {
		if first || b.FromMonths < lo {
			lo = b.FromMonths
		}
		if first || b.ToMonths > hi {
			hi = b.ToMonths
		}
		first = false
	}
	return lo, hi
}

// ChangeBetween compares two reported scores. A change of at least the
// instrument's reliable change counts as reliable (so 6 points on the PHQ-9
// is reliable and 5 is not), and is an improvement or a deterioration by
// the instrument's direction. Without a reliable change (0), or with a score
// that is not a number, no change is reliable.
func (in Instrument) ChangeBetween(before, after float64) Change {
	if !finite(before) || !finite(after) {
		return Change{}
	}
	c := Change{Delta: after - before}
	// The tolerance absorbs binary rounding of decimal scores
	// (12.87 − 10 is not exactly 2.87 in floating point).
	if in.ReliableChange <= 0 || math.Abs(c.Delta) < in.ReliableChange-1e-9 {
		return c
	}
	c.Reliable = true
	better := c.Delta < 0
	if in.Direction == HigherBetter {
		better = c.Delta > 0
	}
	c.Improved, c.Deteriorated = better, !better
	return c
}

// Text writes the change as people read it, to the two decimal places
// scores are shown to: "+6.85", "−22" (a minus sign), "0". The difference
// of two decimal scores is not exact in floating point (23.21 − 16.36 is
// 6.850000000000001), so it is rounded before it is written.
func (c Change) Text() string { return SignedText(c.Delta) }

// SignedText writes a change of any figure as Change.Text does: at most two
// decimal places, "+" before a rise, a minus sign before a fall, and "0"
// (never "−0") when it rounds away.
func SignedText(v float64) string {
	s := formatNumber(v)
	switch {
	case s == "0" || s == "-0":
		return "0"
	case strings.HasPrefix(s, "-"):
		return "−" + s[1:]
	}
	return "+" + s
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return string(toLower(s[0])) + s[1:]
}

func toLower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
