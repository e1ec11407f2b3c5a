package measure

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/cradle-org/cradle/internal/problem"
)

// FuzzLoad feeds arbitrary bytes to Load, seeded with every shipped
// definition and the files under testdata/fuzz/FuzzLoad. Load must never
// panic; what it refuses must be an Invalid problem with a field; and what
// it accepts must validate, survive a round trip through JSON, and score
// its lowest and highest answers (or entered scores) without error.
func FuzzLoad(f *testing.F) {
	entries, err := instrumentFiles.ReadDir("instruments")
	if err != nil {
		f.Fatal(err)
	}
	for _, e := range entries {
		data, err := instrumentFiles.ReadFile("instruments/" + e.Name())
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(itemsBase))
	f.Add([]byte(enteredBase))
	f.Fuzz(func(t *testing.T, data []byte) {
		in, err := Load(bytes.NewReader(data))
		if err != nil {
			p := problem.As(err)
			if p == nil || p.Code != problem.Invalid || len(p.Fields) != 1 || p.Fields[0].Name == "" || p.Fields[0].Message == "" {
				t.Fatalf("error %v is not an invalid problem with one field", err)
			}
			return
		}
		if err := in.Validate(); err != nil {
			t.Fatalf("loaded but does not validate: %v", err)
		}
		out, err := json.Marshal(in)
		if err != nil {
			t.Fatal(err)
		}
		again, err := Load(bytes.NewReader(out))
		if err != nil {
			t.Fatalf("round trip refused: %v", err)
		}
		if !reflect.DeepEqual(again, in) {
			t.Fatalf("round trip changed the instrument:\n%+v\n%+v", in, again)
		}

		switch in.Entry {
		case EntryItems:
			lo, hi := map[int]int{}, map[int]int{}
			for _, it := range in.Items {
				lo[it.Number], hi[it.Number] = it.Min, it.Max
			}
			for _, answers := range []map[int]int{lo, hi} {
				r, err := in.Score(answers)
				if err != nil {
					t.Fatalf("scoring valid answers: %v", err)
				}
				slo, shi := in.reportedRange()
				if r.Score < slo || r.Score > shi {
					t.Fatalf("score %v outside %v to %v", r.Score, slo, shi)
				}
				if _, ok := in.BandFor(r.Score); len(in.Bands) > 0 && !ok {
					t.Fatalf("score %v has no band", r.Score)
				}
			}
		case EntryScore:
			age := 0
			if bs := in.ageChosenBands(); len(bs) > 0 {
				age = bs[0].FromMonths
			}
			for _, pick := range []func(ScoreDomain) float64{
				func(d ScoreDomain) float64 { return d.Min },
				func(d ScoreDomain) float64 { return d.Max },
			} {
				var total *float64
				if in.Total != nil {
					v := pick(*in.Total)
					total = &v
				}
				areas := map[string]float64{}
				for _, d := range in.Domains {
					areas[d.Key] = pick(d)
				}
				r, err := in.ScoreEntered(total, areas, age)
				if err != nil {
					t.Fatalf("scoring valid scores: %v", err)
				}
				if len(in.AgeBands) > 0 && r.AgeBand == 0 && in.AgeBands[0].Months != 0 {
					t.Fatalf("no age band chosen at %d months", age)
				}
			}
		}
	})
}
