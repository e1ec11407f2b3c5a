package synth

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/cradle-org/cradle/internal/measure"
	"github.com/cradle-org/cradle/internal/timeline"
)

// How often each timepoint is done at all, and each instrument within it:
// in practice not every measure due is taken.
var (
	timepointDone  = map[string]float64{"baseline": 0.75, "late_pregnancy": 0.35, "m6": 0.45, "m12": 0.4, "m24": 0.4}
	instrumentDone = map[string]float64{"phq9": 0.8, "gad7": 0.75, "epds": 0.25, "swemwbs": 0.3, "ders16": 0.2, "domestic_abuse": 0.45,
		"asq3": 0.5, "asqse2": 0.4}
)

// measures records outcome measures at each timepoint whose window closed
// while the family was in the programme, scored by the real instruments.
// Each parent starts somewhere between coping and struggling and, on
// average, improves a little at each timepoint.
func (d *details) measures() {
	g, rng, s := d.g, d.rng, d.s
	facts := timeline.Facts{AcceptedOn: s.accepted, EDD: s.edd, BornOn: d.born, AssessmentCompletedOn: s.assessed, ClosedOn: s.closed, Today: g.today}
	if !s.closed.IsZero() {
		facts.Today = s.closed
	}
	level := [2]float64{0.25 + rng.Float64()*0.5, 0.25 + rng.Float64()*0.5}
	step := 0
	for _, m := range timeline.Milestones(g.tl, facts) {
		if m.Kind != timeline.KindMeasure || !m.WindowEnd.Before(facts.Today) {
			continue // windows still open are left due
		}
		tp, ok := g.tl.Timepoint(strings.TrimPrefix(m.Key, "measure_"))
		if !ok {
			continue
		}
		span := int(m.WindowEnd.Sub(m.WindowStart).Hours() / 24)
		taken := m.WindowStart.AddDate(0, 0, rng.IntN(span+1))
		for k := range 2 {
			if rng.Float64() >= timepointDone[tp.Key] {
				continue
			}
			l := math.Max(0, math.Min(1, level[k]-0.07*float64(step)+rng.NormFloat64()*0.08))
			for _, key := range tp.Parents {
				if rng.Float64() < instrumentDone[key] {
					d.addMeasure(key, k, tp.Key, taken, l, 0)
				}
			}
		}
		if !d.born.IsZero() {
			for _, key := range tp.Baby {
				if rng.Float64() < instrumentDone[key] {
					d.addMeasure(key, Baby, tp.Key, taken, 0, tp.Months)
				}
			}
		}
		step++
	}
}

// addMeasure answers an instrument at a level (0 the best answer to every
// question, 1 the worst, with some scatter) and scores it.
func (d *details) addMeasure(key string, person int, timepoint string, taken time.Time, level float64, months int) {
	rng := d.rng
	in, ok := d.g.instruments[key]
	if !ok {
		return // not an instrument this build knows: the timeline names it, nobody can take it
	}
	var res measure.Result
	var detail any
	var err error
	// Reporting no abuse at all becomes likelier as things improve.
	noAbuse := in.Domain == measure.DomainDomesticAbuse && rng.Float64() > 1.5*level
	if in.Entry == measure.EntryItems {
		answers := make(map[int]int, len(in.Items))
		alerting := map[int]bool{}
		for _, a := range in.Alerts {
			alerting[a.Item] = true
		}
		for _, it := range in.Items {
			worst, best := it.Max, it.Min
			if in.Direction == measure.HigherBetter {
				worst, best = it.Min, it.Max
			}
			if it.Reverse {
				worst, best = best, worst
			}
			f := math.Max(0, math.Min(1, level+rng.NormFloat64()*0.15))
			v := int(math.Round(float64(best) + f*float64(worst-best)))
			if noAbuse {
				v = best
			}
			if alerting[it.Number] {
				// An answer that needs safeguarding follow-up is rare.
				v = best
				if rng.Float64() < 0.04*level {
					v = best + (worst-best)/max(1, abs(worst-best))
				}
			}
			if len(it.Options) > 0 {
				v = nearestOption(it.Options, v)
			}
			answers[it.Number] = v
		}
		res, err = in.Score(answers)
		detail = map[string]any{"answers": answers}
	} else {
		domains := map[string]float64{}
		for _, dm := range in.Domains {
			st := stepOf(dm)
			domains[dm.Key] = math.Max(dm.Min, dm.Max-st*math.Floor(rng.ExpFloat64()*1.8))
		}
		var total *float64
		if in.Total != nil {
			t := math.Min(in.Total.Max, in.Total.Min+stepOf(*in.Total)*math.Floor(rng.ExpFloat64()*8))
			total = &t
		}
		interval := 0
		for _, b := range in.AgeBands {
			if !b.ExplicitOnly && b.Months <= months {
				interval = b.Months
			}
		}
		res, err = in.ScoreEnteredAt(total, domains, interval)
		detail = map[string]any{"domains": domains, "areas": res.Domains, "interval": res.AgeBand}
	}
	if err != nil {
		panic(fmt.Sprintf("synth: a generated %s does not score: %v", key, err))
	}
	b, err := json.Marshal(detail)
	if err != nil {
		panic(fmt.Sprintf("synth: encoding a %s: %v", key, err))
	}
	parent := person
	if person == Baby {
		parent = Parent1 // whoever works with the first parent records the baby's measures
	}
	by := d.practitioner(parent, taken)
	mr := Measure{Person: person, Instrument: key, Timepoint: timepoint, TakenOn: taken, Raw: res.Raw, Score: res.Score, NoScore: !in.HasTotal(),
		Band: res.Band, Flagged: res.Flagged, Alert: res.Safeguarding, Detail: string(b), By: by}
	if person == Baby {
		mr.AgeMonths = timeline.WholeMonths(d.born, taken)
	}
	d.f.Measures = append(d.f.Measures, mr)
}

func nearestOption(opts []measure.Option, v int) int {
	best := opts[0].Value
	for _, o := range opts {
		if abs(o.Value-v) < abs(best-v) {
			best = o.Value
		}
	}
	return best
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func stepOf(d measure.ScoreDomain) float64 {
	if d.Step > 0 {
		return d.Step
	}
	return 1
}
