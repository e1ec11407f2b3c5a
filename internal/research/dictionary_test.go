package research

import (
	"bytes"
	"encoding/csv"
	"errors"
	"reflect"
	"strconv"
	"testing"
)

// The dictionary describes exactly the extract's columns, in order.
func TestDictionaryMatchesHeader(t *testing.T) {
	_, recs := writeCSV(t, nil)
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
	if !reflect.DeepEqual(recs[0], names) {
		t.Errorf("header %q\ndictionary %q", recs[0], names)
	}
}

// Every Row field is written, in the column of the same position: set each
// to a distinct value and read it back.
func TestEveryRowFieldWritten(t *testing.T) {
	var row Row
	v := reflect.ValueOf(&row).Elem()
	if v.NumField() != len(Dictionary()) {
		t.Fatalf("Row has %d fields, dictionary %d columns", v.NumField(), len(Dictionary()))
	}
	for i := range v.NumField() {
		v.Field(i).SetString("v" + strconv.Itoa(i))
	}
	_, recs := writeCSV(t, []Row{row})
	for i, got := range recs[1] {
		if want := "v" + strconv.Itoa(i); got != want {
			t.Errorf("column %d (%s) = %q, want Row field %s", i, recs[0][i], got, v.Type().Field(i).Name)
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
