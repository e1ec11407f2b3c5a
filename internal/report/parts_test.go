package report

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"
)

// figureFields are Figures' fields that hold figures (not the scope, the
// time they were read or which parts they hold).
func figureFields() []string {
	var out []string
	typ := reflect.TypeFor[Figures]()
	for i := range typ.NumField() {
		switch name := typ.Field(i).Name; name {
		case "From", "To", "AsOf", "Areas", "Parts", "Modules": // Modules: configuration the caller sets
		default:
			out = append(out, name)
		}
	}
	return out
}

// randomise sets every figure in f to something random and non-zero:
// counts, each entry's count in a list, durations.
func randomise(rng *rand.Rand, f *Figures) {
	v := reflect.ValueOf(f).Elem()
	for _, name := range figureFields() {
		fv := v.FieldByName(name)
		switch fv.Kind() {
		case reflect.Int:
			fv.SetInt(int64(1 + rng.IntN(30)))
		case reflect.Slice:
			if fv.Len() == 0 { // a list the base figures leave empty
				fv.Set(reflect.MakeSlice(fv.Type(), 2, 2))
			}
			for i := range fv.Len() {
				e := fv.Index(i)
				switch e.Kind() {
				case reflect.Float64:
					e.SetFloat(float64(rng.IntN(400)) / 4)
				case reflect.Struct: // every count random; an empty name made up
					for k := range e.NumField() {
						x, name := e.Field(k), e.Type().Field(k).Name
						switch {
						case x.Kind() == reflect.Int && name == "Months" && x.Int() == 0:
							x.SetInt(int64(6 * (i + 1))) // an age, not a count
						case x.Kind() == reflect.Int && name != "Months":
							x.SetInt(int64(rng.IntN(25)))
						case x.Kind() == reflect.String && x.String() == "":
							x.SetString(name + string(rune('a'+i)))
						}
					}
				}
			}
		default:
			panic("figureFields: a new kind of field, " + name)
		}
	}
}

// TestMergeCoversEveryFigure: each figure belongs to exactly one part, so
// a new field cannot be left out of every part (shown as zero) or copied
// by two.
func TestMergeCoversEveryFigure(t *testing.T) {
	src := normalFigures()
	randomise(rand.New(rand.NewPCG(3, 4)), &src) // #nosec G404 -- made-up test figures
	src.AsOf = time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	owner := map[string]Part{}
	for p := Part(1); p <= FigureParts; p <<= 1 {
		var dst Figures
		dst.Merge(src, p)
		if dst.Parts != p || !dst.AsOf.Equal(src.AsOf) {
			t.Errorf("part %b: parts %b, as of %v", p, dst.Parts, dst.AsOf)
		}
		dv := reflect.ValueOf(dst)
		for _, name := range figureFields() {
			if dv.FieldByName(name).IsZero() {
				continue
			}
			if q, ok := owner[name]; ok {
				t.Errorf("%s is copied by parts %b and %b", name, q, p)
			}
			owner[name] = p
		}
	}
	for _, name := range figureFields() {
		if _, ok := owner[name]; !ok {
			t.Errorf("%s belongs to no part: Merge never copies it", name)
		}
	}
	// The older AsOf wins; a zero one is no time at all.
	var f Figures
	f.Merge(Figures{AsOf: src.AsOf.Add(time.Hour)}, PartCaseloads)
	f.Merge(src, PartReferrals)
	f.Merge(Figures{}, PartStatus)
	if !f.AsOf.Equal(src.AsOf) || f.Parts != PartCaseloads|PartReferrals|PartStatus {
		t.Errorf("as of %v, parts %b", f.AsOf, f.Parts)
	}
}

// TestSectionsNeedOnlyTheirParts: a section laid out from only the parts it
// needs is the section laid out from every figure, cell for cell (what is
// hidden included), for many sets of figures; and a section whose parts
// were not read is not laid out at all.
func TestSectionsNeedOnlyTheirParts(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6)) // #nosec G404 -- made-up test figures, seeded so a failure repeats
	outcomes := ChangeTable("outcome-change", "Change in outcome measures", "", nil)
	for run := range 300 {
		f := normalFigures()
		if run > 0 {
			randomise(rng, &f)
		}
		f.Parts = FigureParts | PartOutcomes
		full := Dashboard(f, outcomes)
		if len(full) != len(Sections()) {
			t.Fatalf("Dashboard lays out %d sections, Sections lists %d", len(full), len(Sections()))
		}
		for i, info := range Sections() {
			if full[i].Key != info.Key || full[i].Heading != info.Heading {
				t.Fatalf("section %d is %q %q, Sections lists %q %q", i, full[i].Key, full[i].Heading, info.Key, info.Heading)
			}
			g := Figures{From: f.From, To: f.To, Areas: f.Areas, Modules: f.Modules}
			g.Merge(f, info.Needs)
			g.Parts |= info.Needs & PartOutcomes
			only := outcomes
			if info.Needs&PartOutcomes == 0 {
				only = Table{}
			}
			got := DashboardOf(g, only)
			j := slices.IndexFunc(got, func(s Section) bool { return s.Key == info.Key })
			if j < 0 {
				t.Fatalf("run %d: %s is not laid out from its own parts", run, info.Key)
			}
			if !reflect.DeepEqual(got[j], full[i]) {
				t.Fatalf("run %d: %s from its parts differs:\n got %+v\nwant %+v", run, info.Key, got[j], full[i])
			}
			for _, s := range got {
				if need, _ := SectionFor(s.Key); need.Needs&^g.Parts != 0 {
					t.Fatalf("run %d: %s laid out without its parts", run, s.Key)
				}
			}
		}
	}
	if _, ok := SectionFor("no-such-section"); ok {
		t.Error("an unknown section was found")
	}
}

// TestTableParts: every table a section shows is found, with that
// section's parts, whatever the figures; an unknown key is not.
func TestTableParts(t *testing.T) {
	outcomes := ChangeTable(OutcomeChangeKey, "Change in outcome measures", "", nil)
	n := 0
	for _, s := range Dashboard(normalFigures(), outcomes) {
		info, _ := SectionFor(s.Key)
		for _, tab := range s.Tables {
			n++
			if got, ok := TableParts(tab.Key); !ok || got != info.Needs {
				t.Errorf("%s (in %s): parts %b, %v; want %b", tab.Key, s.Key, got, ok, info.Needs)
			}
		}
	}
	if n < 15 {
		t.Errorf("only %d tables looked for", n)
	}
	for _, key := range []string{"", "dashboard", "no-such-table"} {
		if p, ok := TableParts(key); ok {
			t.Errorf("%q: parts %b, want none", key, p)
		}
	}
}
