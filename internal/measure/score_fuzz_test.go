package measure

import (
	"math"
	"regexp"
	"testing"

	"github.com/cradle-org/cradle/internal/problem"
)

// instrumentsBy are the built-in instruments entered one way.
func instrumentsBy(t testing.TB, entry string) []Instrument {
	var out []Instrument
	for _, in := range Builtin() {
		if in.Entry == entry {
			out = append(out, in)
		}
	}
	if len(out) == 0 {
		t.Fatalf("no built-in instrument entered as %s", entry)
	}
	return out
}

var itemFieldPattern = regexp.MustCompile(`^item-(0|-?[1-9][0-9]*)$`)

// FuzzScore answers a built-in questionnaire from fuzz bytes: one byte per
// question (near its range, sometimes outside it, 255 for no answer) and
// maybe a question that does not exist. Refusals name each question at
// fault; a score is within the instrument's range, matches the sum of the
// (reversed) answers, has its band, and raises exactly the alerts whose
// answers are over their limits.
func FuzzScore(f *testing.F) {
	f.Add(uint8(0), []byte{0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3}, int16(0))
	f.Add(uint8(3), []byte{255, 9, 200}, int16(99))
	f.Add(uint8(5), []byte{5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5}, int16(-1))
	f.Fuzz(func(t *testing.T, which uint8, picks []byte, extra int16) {
		ins := instrumentsBy(t, EntryItems)
		in := ins[int(which)%len(ins)]
		answers := map[int]int{}
		for i, it := range in.Items {
			b := byte(0)
			if i < len(picks) {
				b = picks[i]
			}
			if b == 255 {
				continue
			}
			answers[it.Number] = it.Min - 1 + int(b)%(it.Max-it.Min+3)
		}
		if extra != 0 {
			answers[int(extra)] = 1
		}
		r, err := in.Score(answers)
		if err != nil {
			p := problem.As(err)
			if p == nil || p.Code != problem.Invalid || len(p.Fields) == 0 {
				t.Fatalf("%s: error %v is not an invalid problem with fields", in.Key, err)
			}
			for _, fd := range p.Fields {
				if !itemFieldPattern.MatchString(fd.Name) || fd.Message == "" {
					t.Fatalf("%s: problem %+v", in.Key, fd)
				}
			}
			return
		}
		raw := 0
		for _, it := range in.Items {
			a, ok := answers[it.Number]
			if !ok || a < it.Min || a > it.Max {
				t.Fatalf("%s: scored with answer %d, %v to question %d", in.Key, a, ok, it.Number)
			}
			s := r.Items[it.Number]
			if s < it.Min || s > it.Max || (it.Reverse && s != it.Min+it.Max-a) || (!it.Reverse && s != a) {
				t.Fatalf("%s: question %d answered %d scores %d", in.Key, it.Number, a, s)
			}
		}
		for _, it := range in.totalItems() {
			raw += r.Items[it.Number]
		}
		lo, hi := in.reportedRange()
		if r.Raw != float64(raw) || r.Score < lo || r.Score > hi || math.IsNaN(r.Score) {
			t.Fatalf("%s: raw %v (want %d), score %v outside %v to %v", in.Key, r.Raw, raw, r.Score, lo, hi)
		}
		if b, ok := in.BandFor(r.Score); len(in.Bands) > 0 && (!ok || b.Label != r.Band || b.Flag != r.Flagged) {
			t.Fatalf("%s: score %v, band %q, flagged %v", in.Key, r.Score, r.Band, r.Flagged)
		}
		alerts, safeguarding := 0, false
		for _, a := range in.Alerts {
			if r.Items[a.Item] > a.Above {
				alerts++
				safeguarding = safeguarding || a.Safeguarding
			}
		}
		if len(r.Alerts) != alerts || r.Safeguarding != safeguarding {
			t.Fatalf("%s: %d alerts (safeguarding %v), want %d (%v)", in.Key, len(r.Alerts), r.Safeguarding, alerts, safeguarding)
		}
	})
}

var enteredFieldPattern = regexp.MustCompile(`^(total|age-months|interval|domain-.+)$`)

// FuzzScoreEntered enters area scores and a total (any float, NaN and
// infinities included) for a built-in age-banded questionnaire, choosing
// the interval by age or by name. Refusals name the fields at fault; an
// accepted result has every score finite, in range and on its step, an
// interval, and a summary that agrees with each area's status.
func FuzzScoreEntered(f *testing.F) {
	f.Add(uint8(0), 50.0, 40.0, 30.0, 20.0, 10.0, 45.0, int16(12), int16(0), false)
	f.Add(uint8(1), 0.0, 15.0, 5.0, 60.0, 0.0, 0.0, int16(6), int16(6), true)
	f.Add(uint8(0), math.NaN(), math.Inf(1), math.Copysign(0, -1), 5.000000001, 1e308, -1e308, int16(-5), int16(99), true)
	f.Fuzz(func(t *testing.T, which uint8, total, a, b, c, d, e float64, age, interval int16, named bool) {
		ins := instrumentsBy(t, EntryScore)
		in := ins[int(which)%len(ins)]
		values := []float64{a, b, c, d, e}
		domains := map[string]float64{}
		for i, dm := range in.Domains {
			domains[dm.Key] = values[i%len(values)]
		}
		var tp *float64
		if in.Total != nil {
			tp = &total
		}
		var r Result
		var err error
		if named {
			r, err = in.ScoreEnteredAt(tp, domains, int(interval))
		} else {
			r, err = in.ScoreEntered(tp, domains, int(age))
		}
		if err != nil {
			p := problem.As(err)
			if p == nil || p.Code != problem.Invalid || len(p.Fields) == 0 {
				t.Fatalf("%s: error %v is not an invalid problem with fields", in.Key, err)
			}
			for _, fd := range p.Fields {
				if !enteredFieldPattern.MatchString(fd.Name) || fd.Message == "" {
					t.Fatalf("%s: problem %+v", in.Key, fd)
				}
			}
			return
		}
		rows := append([]ScoreDomain{}, in.Domains...)
		if in.Total != nil {
			rows = append(rows, *in.Total)
		}
		if len(r.Domains) != len(rows) {
			t.Fatalf("%s: %d results for %d scores", in.Key, len(r.Domains), len(rows))
		}
		refer, monitor := false, false
		for i, dr := range r.Domains {
			dm := rows[i]
			if dr.Key != dm.Key || math.IsNaN(dr.Score) || math.IsInf(dr.Score, 0) || dr.Score < dm.Min || dr.Score > dm.Max ||
				(dm.Step > 0 && !whole((dr.Score-dm.Min)/dm.Step)) {
				t.Fatalf("%s: accepted %+v for %+v", in.Key, dr, dm)
			}
			refer, monitor = refer || dr.Refer, monitor || dr.Monitor
		}
		if len(in.AgeBands) > 0 {
			if _, ok := in.AgeBandAt(r.AgeBand); !ok {
				t.Fatalf("%s: interval %d", in.Key, r.AgeBand)
			}
			want := map[bool]string{true: "Refer for assessment"}[refer]
			if !refer {
				want = map[bool]string{true: "Monitor", false: "No concern"}[monitor]
			}
			if r.Band != want || r.Flagged != refer {
				t.Fatalf("%s: band %q, flagged %v; areas refer %v, monitor %v", in.Key, r.Band, r.Flagged, refer, monitor)
			}
		}
	})
}
