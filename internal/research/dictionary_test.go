package research

import (
	"bytes"
	"encoding/csv"
	"errors"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/cradle-org/cradle/internal/casework"
	"github.com/cradle-org/cradle/internal/measure"
)

// The dictionary describes exactly the extract's columns, in order: every
// header column has an entry and every entry is a header column.
func TestDictionaryMatchesHeader(t *testing.T) {
	_, recs := writeCSV(t, nil)
	header := recs[0]
	var names []string
	seen := map[string]bool{}
	for _, f := range Dictionary() {
		if f.Name == "" || f.Type == "" || f.Description == "" || f.Values == "" {
			t.Errorf("incomplete field %+v", f)
		}
		switch f.Type {
		case "string", "integer", "number", "date":
		default:
			t.Errorf("%s: type %q", f.Name, f.Type)
		}
		if seen[f.Name] {
			t.Errorf("duplicate column %q", f.Name)
		}
		seen[f.Name] = true
		names = append(names, f.Name)
	}
	for _, h := range header {
		if !seen[h] {
			t.Errorf("header column %q has no dictionary entry", h)
		}
	}
	for _, n := range names {
		if !slices.Contains(header, n) {
			t.Errorf("dictionary entry %q is not a header column", n)
		}
	}
	if !reflect.DeepEqual(header, names) {
		t.Errorf("header %q\ndictionary %q", header, names)
	}
}

// Every built-in instrument has its group, made from its definition: a
// date, its score and band if it has them, each subscale, and each entered
// area with its zone.
func TestDictionaryCoversInstruments(t *testing.T) {
	fields := map[string]Field{}
	for _, f := range Dictionary() {
		fields[f.Name] = f
	}
	has := func(name, typ string) {
		t.Helper()
		f, ok := fields[name]
		if !ok {
			t.Errorf("no column %s", name)
			return
		}
		if f.Type != typ {
			t.Errorf("%s: type %s, want %s", name, f.Type, typ)
		}
		delete(fields, name)
	}
	for _, in := range measure.Builtin() {
		has(in.Key+"_taken_on", "date")
		if in.HasTotal() {
			has(in.Key+"_score", "number")
		}
		if len(in.Conversion) > 0 {
			has(in.Key+"_raw", "number")
		}
		if len(in.Bands) > 0 || len(in.AgeBands) > 0 {
			has(in.Key+"_band", "string")
		}
		if len(in.AgeBands) > 0 {
			has(in.Key+"_interval", "integer")
		}
		for _, s := range in.Subscales {
			has(in.Key+"_"+s.Key, "number")
		}
		for _, d := range in.Domains {
			has(in.Key+"_"+d.Key, "number")
			if len(in.AgeBands) > 0 {
				has(in.Key+"_"+d.Key+"_zone", "string")
			}
		}
	}
	for _, c := range rowColumns {
		delete(fields, c.Name)
	}
	if len(fields) != 0 {
		t.Errorf("columns neither a row column nor from an instrument: %v", fields)
	}
	// The brief's examples, spelt out.
	for _, name := range []string{"ders16_clarity", "domestic_abuse_frequency", "domestic_abuse_severity", "asq3_communication", "asq3_communication_zone", "asqse2_score", "swemwbs_raw", "safeguarding_status", "sessions_offered", "taking_part", "left_reason"} {
		if _, err := indexOf(name); err != nil {
			t.Error(err)
		}
	}
}

// taking_part and left_reason follow the session counts, and the reasons
// left_reason lists are the programme's: every one Build accepts, and no
// other.
func TestLeavingColumns(t *testing.T) {
	offered, _ := indexOf("sessions_offered")
	taking, _ := indexOf("taking_part")
	reason, err := indexOf("left_reason")
	if err != nil || taking != offered+1 || reason != offered+2 {
		t.Fatalf("sessions_offered, taking_part, left_reason at %d, %d, %d: want consecutive", offered, taking, reason)
	}
	f := Dictionary()[reason]
	var keys []string
	for _, o := range casework.DepartureReasons() {
		keys = append(keys, o.Value)
	}
	if want := "category key (" + strings.Join(keys, ", ") + ") when taking_part is no; empty otherwise"; f.Values != want {
		t.Errorf("left_reason values %q, want %q", f.Values, want)
	}
	if !rowColumns[reason].text || rowColumns[taking].text {
		t.Error("left_reason is a category written through export.SafeText; taking_part is yes or no")
	}
	if d := Dictionary()[taking]; d.Values != "yes, no; empty for the baby" || !strings.Contains(d.Description, "not exported") {
		t.Errorf("taking_part = %+v", d)
	}
	for _, o := range append(casework.DepartureReasons(), casework.Option{Value: "planned_end"}) {
		d := data()
		d.Departures[mumA] = []Departure{{LeftOn: day(2026, 3, 1), Reason: o.Value}}
		_, err := Build(testKey, project, Months, d)
		if accepted := slices.Contains(keys, o.Value); (err == nil) != accepted {
			t.Errorf("leaving reason %q: err = %v", o.Value, err)
		}
	}
}

func indexOf(name string) (int, error) {
	for i, f := range Dictionary() {
		if f.Name == name {
			return i, nil
		}
	}
	return -1, errors.New("no column " + name)
}

// The values a band or zone column lists are those scoring gives.
func TestBandValuesMatchScoring(t *testing.T) {
	for _, in := range measure.Builtin() {
		i, err := indexOf(in.Key + "_band")
		if err != nil {
			continue
		}
		values := Dictionary()[i].Values
		if len(in.AgeBands) == 0 {
			for _, b := range in.Bands {
				if !strings.Contains(values, b.Label) {
					t.Errorf("%s_band values %q lack %q", in.Key, values, b.Label)
				}
			}
			continue
		}
		// Score every entered area at every step in one interval and check
		// each band and zone given is one the dictionary lists.
		ab := in.AgeBands[len(in.AgeBands)/2]
		rows := slices.Clone(in.Domains)
		if in.Total != nil {
			rows = append(rows, *in.Total)
		}
		seen := map[string]bool{}
		for _, d := range rows {
			for v := d.Min; v <= d.Max; v += max(d.Step, 1) {
				var total *float64
				domains := map[string]float64{}
				for _, o := range rows {
					domains[o.Key] = o.Max
					if o.Key == d.Key {
						domains[o.Key] = v
					}
				}
				if in.Total != nil {
					x := domains[measure.TotalKey]
					total = &x
					delete(domains, measure.TotalKey)
				}
				res, err := in.ScoreEnteredAt(total, domains, ab.Months)
				if err != nil {
					t.Fatalf("%s: %v", in.Key, err)
				}
				if !slices.Contains(ageBandBands, res.Band) {
					t.Errorf("%s: band %q is not one of %q", in.Key, res.Band, ageBandBands)
				}
				seen[res.Band] = true
				for _, dr := range res.Domains {
					if !slices.Contains(zones, dr.Status) {
						t.Errorf("%s %s: zone %q is not one of %q", in.Key, dr.Key, dr.Status, zones)
					}
				}
			}
		}
		if len(seen) != len(ageBandBands) {
			t.Errorf("%s: bands seen %v, dictionary lists %q", in.Key, seen, ageBandBands)
		}
	}
}

// Every Row field and every instrument column is written, in its own
// column: set each to a distinct value and read it back.
func TestEveryRowFieldWritten(t *testing.T) {
	var row Row
	row.Measures = map[string]string{}
	v := reflect.ValueOf(&row).Elem()
	want := map[string]string{}
	n := 0
	for i := range v.NumField() {
		if f := v.Field(i); f.Kind() == reflect.String {
			f.SetString("v" + strconv.Itoa(i))
			n++
		}
	}
	if n != len(rowColumns) {
		t.Fatalf("Row has %d string fields, %d row columns", n, len(rowColumns))
	}
	for i, c := range rowColumns {
		want[c.Name] = "v" + strconv.Itoa(i)
	}
	for _, c := range measureColumns() {
		row.Measures[c.Name] = "m-" + c.Name
		want[c.Name] = "m-" + c.Name
	}
	_, recs := writeCSV(t, []Row{row})
	for i, got := range recs[1] {
		if w := want[recs[0][i]]; got != w {
			t.Errorf("column %d (%s) = %q, want %q", i, recs[0][i], got, w)
		}
	}
	if len(recs[1]) != len(want) {
		t.Errorf("%d columns written, want %d", len(recs[1]), len(want))
	}
}

// Every value Build writes is in a column the dictionary describes.
func TestBuiltMeasuresAreColumns(t *testing.T) {
	for _, r := range mustBuild(t, Months, data()) {
		for name := range r.Measures {
			if _, err := indexOf(name); err != nil {
				t.Error(err)
			}
		}
	}
}

func TestWriteDictionaryCSV(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteDictionaryCSV(&buf); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != len(Dictionary())+1 || !reflect.DeepEqual(recs[0], []string{"name", "type", "description", "values"}) {
		t.Fatalf("dictionary CSV = %q", recs)
	}
	for i, f := range Dictionary() {
		if got := recs[i+1]; !reflect.DeepEqual(got, []string{f.Name, f.Type, f.Description, f.Values}) {
			t.Errorf("row %d = %q, want %+v", i+1, got, f)
		}
	}
}

var errWrite = errors.New("disk full")

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errWrite }

func TestWriteErrors(t *testing.T) {
	if err := WriteCSV(failWriter{}, nil); !errors.Is(err, errWrite) {
		t.Errorf("WriteCSV: err = %v", err)
	}
	if err := WriteDictionaryCSV(failWriter{}); !errors.Is(err, errWrite) {
		t.Errorf("WriteDictionaryCSV: err = %v", err)
	}
}
