package research

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cradle-org/cradle/internal/measure"
)

// Each outcome measure has a group of columns in a row, named after its key
// ("phq9_score", "asq3_communication_zone"), made from its definition in
// package measure: so a new instrument, subscale or area gets its columns
// and its dictionary entries without any change here.
//
// In a group, in this order:
//
//	KEY_taken_on              when it was taken (every instrument)
//	KEY_score                 the reported score (instruments with a total)
//	KEY_raw                   the raw total before conversion (instruments with a conversion table)
//	KEY_band                  the score's band, or the result against the age-band cut-offs
//	KEY_interval              the questionnaire interval used (age-banded instruments)
//	KEY_SUBSCALE              each subscale's score (e.g. ders16_clarity, domestic_abuse_severity)
//	KEY_AREA, KEY_AREA_zone   each entered area's score and its zone (e.g. asq3_communication)
//
// A column is empty when the instrument was not taken at the timepoint, or
// when the result does not have the value (see the dictionary).

// measureColumn is one column of an instrument's group, with how to read it
// from the instrument's result.
type measureColumn struct {
	Field
	instrument string
	value      func(scored) string
	text       bool // a label from the result: written through export.SafeText
}

// scored is one result as the columns read it.
type scored struct {
	Record
	date      func(time.Time) string
	subscales map[string]float64
}

// Zones of an entered area against its cut-off.
var zones = []string{measure.StatusRefer, measure.StatusMonitor, measure.StatusClear}

// ageBandBands are the bands an age-banded instrument reports (see
// measure.Instrument.ScoreEnteredAt); a test checks them against scoring.
var ageBandBands = []string{"Refer for assessment", "Monitor", "No concern"}

// measureColumns is every instrument's group, instruments in key order.
var measureColumns = sync.OnceValue(func() []measureColumn {
	var out []measureColumn
	for _, in := range measure.Builtin() {
		out = append(out, instrumentColumns(in)...)
	}
	return out
})

// instruments are the built-in instruments by key.
var instruments = sync.OnceValue(func() map[string]measure.Instrument {
	out := map[string]measure.Instrument{}
	for _, in := range measure.Builtin() {
		out[in.Key] = in
	}
	return out
})

func instrumentColumns(in measure.Instrument) []measureColumn {
	name := in.ShortName
	var cols []measureColumn
	add := func(suffix, typ, desc, values string, text bool, value func(scored) string) {
		cols = append(cols, measureColumn{Field{in.Key + "_" + suffix, typ, desc, values}, in.Key, value, text})
	}
	add("taken_on", "date", fmt.Sprintf("When the %s was taken at this timepoint. The columns starting %s_ are empty when it was not.", in.Name, in.Key),
		dateValues, false, func(s scored) string { return s.date(s.TakenOn) })
	if in.HasTotal() {
		desc := "The " + name + " reported score"
		switch {
		case in.Entry == measure.EntryScore:
			desc += ": the total as entered from the form"
		case len(in.Conversion) > 0:
			desc += ": the raw total converted by the instrument's table"
		case in.TotalFrom != "":
			desc += fmt.Sprintf(": the sum of the %s subscale (%s_%s)", in.TotalFrom, in.Key, in.TotalFrom)
		default:
			desc += ": the sum of the item scores"
		}
		lo, hi := scoreRange(in)
		values := numberValues(lo, hi, totalStep(in))
		if len(in.Conversion) > 0 {
			values += ", as the conversion table gives them"
		}
		add("score", "number", desc+"; "+direction(in)+".", values, false, func(s scored) string {
			if !s.HasScore {
				return ""
			}
			return number(s.Score)
		})
	}
	if len(in.Conversion) > 0 {
		lo, hi := itemRange(in.Items)
		add("raw", "number", "The "+name+" raw total (the sum of the item scores) before conversion.", numberValues(lo, hi, 1), false, func(s scored) string {
			if !s.HasScore {
				return ""
			}
			return number(s.Raw)
		})
	}
	switch {
	case len(in.AgeBands) > 0:
		add("band", "string", "The "+name+" result against the cut-offs of its questionnaire interval: "+bandWords(in)+".",
			strings.Join(ageBandBands, "; "), true, func(s scored) string { return s.Band })
	case len(in.Bands) > 0:
		var labels []string
		for _, b := range in.Bands {
			labels = append(labels, fmt.Sprintf("%s (from %s)", b.Label, number(b.From)))
		}
		add("band", "string", "The band of the "+name+" score, as the instrument defines it.", strings.Join(labels, "; "), true, func(s scored) string { return s.Band })
	}
	if len(in.AgeBands) > 0 {
		var months []string
		for _, b := range in.AgeBands {
			months = append(months, strconv.Itoa(b.Months))
		}
		add("interval", "integer", "The "+name+" questionnaire interval whose cut-offs were used, in months (chosen from the baby's age, or named when the score was entered).",
			strings.Join(months, ", ")+"; empty if not recorded", false, func(s scored) string {
				if s.Scores.Interval <= 0 {
					return ""
				}
				return strconv.Itoa(s.Scores.Interval)
			})
	}
	for _, sub := range in.Subscales {
		lo, hi := itemRange(subscaleItems(in, sub))
		add(sub.Key, "number", fmt.Sprintf("%s, %s subscale (%s): the sum of the scores of %s.", name, sub.Key, sub.Label, questions(sub.Items)),
			numberValues(lo, hi, 1)+"; empty if the answers were not kept", false, func(s scored) string {
				v, ok := s.subscales[sub.Key]
				if !ok {
					return ""
				}
				return number(v)
			})
	}
	for _, d := range in.Domains {
		add(d.Key, "number", fmt.Sprintf("%s, %s area: the score as entered from the form.", name, d.Label), numberValues(d.Min, d.Max, d.Step)+"; empty if not recorded", false, func(s scored) string {
			v, ok := s.Scores.Domains[d.Key]
			if !ok {
				return ""
			}
			return number(v)
		})
		if len(in.AgeBands) > 0 {
			add(d.Key+"_zone", "string", fmt.Sprintf("%s, %s area: the score against its questionnaire interval's cut-off, %s.", name, d.Label, zoneWords(in)),
				strings.Join(zones, ", ")+"; empty if not recorded", false, func(s scored) string { return s.Scores.Zones[d.Key] })
		}
	}
	return cols
}

// itemRange is the least and greatest sum of the items' scores.
func itemRange(items []measure.Item) (lo, hi float64) {
	for _, it := range items {
		lo += float64(it.Min)
		hi += float64(it.Max)
	}
	return lo, hi
}

func subscaleItems(in measure.Instrument, sub measure.Subscale) []measure.Item {
	var items []measure.Item
	for _, n := range sub.Items {
		if it, ok := in.Item(n); ok {
			items = append(items, it)
		}
	}
	return items
}

// scoreRange is the least and greatest reported score.
func scoreRange(in measure.Instrument) (lo, hi float64) {
	switch {
	case in.Entry == measure.EntryScore && in.Total != nil:
		return in.Total.Min, in.Total.Max
	case len(in.Conversion) > 0:
		lo, hi = math.Inf(1), math.Inf(-1)
		for _, c := range in.Conversion {
			lo, hi = math.Min(lo, c.Score), math.Max(hi, c.Score)
		}
		return lo, hi
	case in.TotalFrom != "":
		for _, sub := range in.Subscales {
			if sub.Key == in.TotalFrom {
				return itemRange(subscaleItems(in, sub))
			}
		}
	}
	return itemRange(in.Items)
}

func totalStep(in measure.Instrument) float64 {
	switch {
	case in.Entry == measure.EntryScore && in.Total != nil:
		return in.Total.Step
	case len(in.Conversion) > 0:
		return 0
	}
	return 1
}

func numberValues(lo, hi, step float64) string {
	s := fmt.Sprintf("%s to %s", number(lo), number(hi))
	switch {
	case step == 1:
		s += ", whole numbers"
	case step > 0:
		s += ", in steps of " + number(step)
	}
	return s
}

func direction(in measure.Instrument) string {
	if in.Direction == measure.HigherBetter {
		return "higher is better"
	}
	return "lower is better"
}

func bandWords(in measure.Instrument) string {
	side := "at or below"
	if in.ConcernWhen == measure.ConcernAbove {
		side = "above"
	}
	if len(in.Domains) == 0 {
		return fmt.Sprintf("%s if the total is %s its cut-off, %s if it is in the monitoring zone, otherwise %s", ageBandBands[0], side, ageBandBands[1], ageBandBands[2])
	}
	return fmt.Sprintf("%s if any area is %s its cut-off, otherwise %s if any is in its monitoring zone, otherwise %s", ageBandBands[0], side, ageBandBands[1], ageBandBands[2])
}

func zoneWords(in measure.Instrument) string {
	if in.ConcernWhen == measure.ConcernAbove {
		return "refer (above the cut-off), monitor (in the monitoring zone just below it) or clear"
	}
	return "refer (at or below the cut-off), monitor (in the monitoring zone just above it) or clear"
}

// questions is "question 9" or "questions 1, 2".
func questions(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range slices.Sorted(slices.Values(ns)) {
		s[i] = strconv.Itoa(n)
	}
	if len(s) == 1 {
		return "question " + s[0]
	}
	return "questions " + strings.Join(s, ", ")
}

// number writes a score as it was stored: no trailing zeros, no exponent.
func number(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// subscalesOf is a result's subscale scores: as kept when it was recorded,
// or else worked out from its answers with the instrument's definition.
// Answers that do not score (kept under an older definition) give none,
// rather than stopping the extract.
func subscalesOf(in measure.Instrument, s Scores) map[string]float64 {
	if len(in.Subscales) == 0 {
		return nil
	}
	complete := true
	for _, sub := range in.Subscales {
		if _, ok := s.Subscales[sub.Key]; !ok {
			complete = false
		}
	}
	if complete {
		return s.Subscales
	}
	if len(s.Answers) == 0 || in.Entry != measure.EntryItems {
		return nil
	}
	res, err := in.Score(s.Answers)
	if err != nil {
		return nil
	}
	return res.Subscales
}
