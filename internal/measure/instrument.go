package measure

import (
	"embed"
	"fmt"
	"maps"
	"math"
	"path"
	"slices"
	"strconv"
	"sync"
)

// How an instrument is recorded.
const (
	EntryItems = "items" // each question is answered (or its score entered)
	EntryScore = "score" // totals or area scores are entered
)

// Who an instrument is about.
const (
	SubjectParent = "parent"
	SubjectBaby   = "baby"
)

// Which way is improvement. The strings match report.Direction.
const (
	LowerBetter  = "lower_better"
	HigherBetter = "higher_better"
)

// Which side of an age-band cut-off is the concern.
const (
	ConcernBelow = "below" // ASQ-3: at or below the cut-off, refer
	ConcernAbove = "above" // ASQ:SE-2: above the cut-off, refer
)

// Outcome domains (PROGRAMME.md §8).
const (
	DomainMentalHealth        = "mental_health"
	DomainWellbeing           = "wellbeing"
	DomainEmotionalRegulation = "emotional_regulation"
	DomainChildDevelopment    = "child_development"
	DomainDomesticAbuse       = "domestic_abuse"
)

// TotalKey is the cut-off key of an entered total (ScoreDomain.Key of
// Instrument.Total), so it cannot also be an area's key.
const TotalKey = "total"

// Instrument is one outcome measure as defined by its definition file. Build
// one with Builtin, Lookup or Load; one built in code should pass Validate
// before it is scored.
type Instrument struct {
	Key       string `json:"key"`        // "phq9"
	Name      string `json:"name"`       // "Patient Health Questionnaire (PHQ-9)"
	ShortName string `json:"short_name"` // "PHQ-9", used in messages
	Domain    string `json:"domain"`     // DomainMentalHealth, ...
	Subject   string `json:"subject"`    // SubjectParent or SubjectBaby
	Entry     string `json:"entry"`      // EntryItems or EntryScore
	// Licensed means the item wording is licensed and need not be shipped:
	// items may then have no text (all or none of them).
	Licensed  bool   `json:"licensed"`
	Copyright string `json:"copyright"`       // the rights line to show wherever the instrument is shown
	Source    string `json:"source"`          // where the scoring rules come from
	Notes     string `json:"notes,omitempty"` // what was verified, and choices made
	// Caveat is a warning to show staff beside every result, such as
	// cut-offs not yet checked against the publisher's manual.
	Caveat       string `json:"caveat,omitempty"`
	Stem         string `json:"stem,omitempty"`         // shown above the questions
	Instructions string `json:"instructions,omitempty"` // for staff entering scores

	Direction string `json:"direction"` // LowerBetter or HigherBetter
	// ReliableChange is the smallest change in the reported score that
	// counts as reliable; 0 means none is defined.
	ReliableChange float64 `json:"reliable_change"`

	// Entry "items".
	Items      []Item       `json:"items,omitempty"`      // numbered 1 to n
	TotalFrom  string       `json:"total_from,omitempty"` // subscale giving the total; "" for all items
	Subscales  []Subscale   `json:"subscales,omitempty"`
	Alerts     []Alert      `json:"alerts,omitempty"`
	Conversion []Conversion `json:"conversion,omitempty"` // raw total to reported score

	// Bands interpret the reported score (either entry, when there is a total).
	Bands []Band `json:"bands,omitempty"`

	// Entry "score".
	Total       *ScoreDomain  `json:"total,omitempty"`   // an entered total (Key TotalKey)
	Domains     []ScoreDomain `json:"domains,omitempty"` // entered area scores
	ConcernWhen string        `json:"concern_when,omitempty"`
	AgeBands    []AgeBand     `json:"age_bands,omitempty"` // ascending by Months
}

// Item is one question.
type Item struct {
	Number  int      `json:"number"`
	Text    string   `json:"text,omitempty"` // "" when licensed and not loaded
	Help    string   `json:"help,omitempty"`
	Reverse bool     `json:"reverse,omitempty"` // scores Min+Max−answer
	Min     int      `json:"min"`
	Max     int      `json:"max"`
	Options []Option `json:"options,omitempty"` // in the order shown; none means a number is entered
}

// Option is one answer to a question. Value is what is recorded.
type Option struct {
	Value int    `json:"value"`
	Label string `json:"label"`
}

// Subscale is a named sum of item scores.
type Subscale struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	Items []int  `json:"items"`
}

// Band labels reported scores from From (inclusive) up to the next band.
type Band struct {
	From  float64 `json:"from"`
	Label string  `json:"label"`
	Flag  bool    `json:"flag,omitempty"` // clinically significant: Result.Flagged
}

// Alert fires when the score of question Item is above Above.
type Alert struct {
	Item         int    `json:"item"`
	Above        int    `json:"above"`
	Message      string `json:"message"`
	Safeguarding bool   `json:"safeguarding,omitempty"` // follow the safeguarding procedure
}

// Conversion maps one raw total to the reported score.
type Conversion struct {
	Raw   int     `json:"raw"`
	Score float64 `json:"score"`
}

// ScoreDomain is a score entered directly: an ASQ-3 area or a total.
type ScoreDomain struct {
	Key   string  `json:"key"`
	Label string  `json:"label"` // "Communication"
	Min   float64 `json:"min"`
	Max   float64 `json:"max"`
	Step  float64 `json:"step,omitempty"` // scores are Min plus whole steps; 0 for any number
}

// AgeBand holds the cut-offs of one questionnaire interval.
type AgeBand struct {
	Months int `json:"months"` // the interval: "the 12 month questionnaire"
	// FromMonths and ToMonths are the interval's age window in completed
	// months, both inclusive.
	FromMonths int `json:"from_months"`
	ToMonths   int `json:"to_months"`
	// ExplicitOnly bands are used only when the interval is named
	// (ScoreEnteredAt), never chosen from the baby's age.
	ExplicitOnly bool `json:"explicit_only,omitempty"`
	// Cutoffs holds one cut-off per area key (and TotalKey for a total).
	Cutoffs map[string]float64 `json:"cutoffs"`
	// Monitoring holds, per area, the edge of the monitoring zone away from
	// the cut-off, inclusive: its top when the concern is below the cut-off,
	// its bottom when the concern is above.
	Monitoring map[string]float64 `json:"monitoring,omitempty"`
}

// HasTotal reports whether the instrument produces a total score (every
// item instrument does; a score-entry one only if a total is entered).
func (in Instrument) HasTotal() bool {
	return in.Entry == EntryItems || in.Total != nil
}

// Item returns question n, if the instrument has it.
func (in Instrument) Item(n int) (Item, bool) {
	// A loop rather than indexing, so an instrument built in code need not
	// be sorted.
	for _, it := range in.Items {
		if it.Number == n {
			return it, true
		}
	}
	return Item{}, false
}

// BandFor returns the band a reported score falls in, if any.
func (in Instrument) BandFor(score float64) (Band, bool) {
	var found Band
	ok := false
	for _, b := range in.Bands {
		if score >= b.From {
			found, ok = b, true
		}
	}
	return found, ok
}

// ScoreLabel renders a reported score with its band for people:
// "14 (moderate)", or just "17.43" when the instrument has no bands.
func (in Instrument) ScoreLabel(score float64) string {
	if b, ok := in.BandFor(score); ok {
		return formatNumber(score) + " (" + b.Label + ")"
	}
	return formatNumber(score)
}

// formatNumber writes a score as people expect: no trailing zeros, at most
// two decimal places (converted scores have two).
func formatNumber(v float64) string {
	if math.Abs(v) < 1e12 { // beyond that v*100 loses precision or overflows
		v = math.Round(v*100) / 100
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

//go:embed instruments/*.json
var instrumentFiles embed.FS

// builtin parses the embedded definitions once. A file that fails to parse
// is a bug in this package, caught by its tests, so it panics rather than
// making every caller handle an error that cannot happen in a release.
var builtin = sync.OnceValue(func() []Instrument {
	names, err := instrumentFiles.ReadDir("instruments")
	if err != nil {
		panic("measure: reading built-in instruments: " + err.Error())
	}
	var out []Instrument
	for _, e := range names {
		name := path.Join("instruments", e.Name())
		data, err := instrumentFiles.ReadFile(name)
		if err != nil {
			panic("measure: " + err.Error())
		}
		in, err := parse(data)
		if err != nil {
			panic(fmt.Sprintf("measure: built-in %s: %v", name, err))
		}
		// The file name is the key, so a file is easy to find from a key.
		if e.Name() != in.Key+".json" {
			panic(fmt.Sprintf("measure: built-in %s has key %q", name, in.Key))
		}
		out = append(out, in)
	}
	slices.SortFunc(out, func(a, b Instrument) int { return compareStrings(a.Key, b.Key) })
	return out
})

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Builtin returns every shipped instrument, sorted by key. Each call returns
// fresh copies.
func Builtin() []Instrument {
	all := builtin()
	out := make([]Instrument, len(all))
	for i, in := range all {
		out[i] = in.clone()
	}
	return out
}

// Lookup returns a copy of the shipped instrument with the key.
func Lookup(key string) (Instrument, bool) {
	for _, in := range builtin() {
		if in.Key == key {
			return in.clone(), true
		}
	}
	return Instrument{}, false
}

// clone copies every slice and map, so the copy shares nothing.
func (in Instrument) clone() Instrument {
	out := in
	out.Items = slices.Clone(in.Items)
	for i := range out.Items {
		out.Items[i].Options = slices.Clone(out.Items[i].Options)
	}
	out.Subscales = slices.Clone(in.Subscales)
	for i := range out.Subscales {
		out.Subscales[i].Items = slices.Clone(out.Subscales[i].Items)
	}
	out.Alerts = slices.Clone(in.Alerts)
	out.Conversion = slices.Clone(in.Conversion)
	out.Bands = slices.Clone(in.Bands)
	if in.Total != nil {
		t := *in.Total
		out.Total = &t
	}
	out.Domains = slices.Clone(in.Domains)
	out.AgeBands = slices.Clone(in.AgeBands)
	for i := range out.AgeBands {
		out.AgeBands[i].Cutoffs = maps.Clone(out.AgeBands[i].Cutoffs)
		out.AgeBands[i].Monitoring = maps.Clone(out.AgeBands[i].Monitoring)
	}
	return out
}
