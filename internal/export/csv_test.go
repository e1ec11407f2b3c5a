package export

import (
	"bytes"
	"encoding/csv"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/cradle-org/cradle/internal/report"
)

func readCSV(t *testing.T, b []byte) [][]string {
	t.Helper()
	if !bytes.HasPrefix(b, []byte(bom)) {
		t.Fatalf("no UTF-8 BOM: %q", b[:min(len(b), 8)])
	}
	r := csv.NewReader(bytes.NewReader(b[len(bom):]))
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("reading back CSV: %v", err)
	}
	return recs
}

func TestCSVRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	if err := CSV(&buf, sample()); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	if !bytes.Contains(b, []byte("\r\n")) || bytes.Count(b, []byte("\n")) != bytes.Count(b, []byte("\r\n")) {
		t.Error("line endings are not CRLF")
	}
	want := [][]string{
		{"Source", "Referrals", "Mean change"},
		{"Midwife", "12", "-3"},
		{"'" + injection, "[c]", "-1.25"},
		{"Zoë’s café — £", "0", ""},
	}
	if got := readCSV(t, b); !reflect.DeepEqual(got, want) {
		t.Errorf("CSV =\n%q\nwant\n%q", got, want)
	}
}

func TestCSVEmptyTable(t *testing.T) {
	var buf bytes.Buffer
	if err := CSV(&buf, emptyTable()); err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"Reason", "Families"}}
	if got := readCSV(t, buf.Bytes()); !reflect.DeepEqual(got, want) {
		t.Errorf("CSV = %q, want %q", got, want)
	}
	if got := buf.String(); got != bom+"Reason,Families\r\n" {
		t.Errorf("bytes = %q", got)
	}
}

func TestCSVSeveralTables(t *testing.T) {
	second := emptyTable()
	second.Title = "+Closures" // a title is text too
	var buf bytes.Buffer
	if err := CSV(&buf, sample(), second); err != nil {
		t.Fatal(err)
	}
	got := buf.String()
	wantStart := bom + "Referrals by source\r\n\"Referrals received, 1 April 2026 to 31 March 2027, Blackpool\"\r\nSource,Referrals,Mean change\r\n"
	if !strings.HasPrefix(got, wantStart) {
		t.Errorf("document starts %q", got[:min(len(got), len(wantStart))])
	}
	if !strings.HasSuffix(got, "\r\n\r\n'+Closures\r\nReason,Families\r\n") {
		t.Errorf("no blank line and title before the second table:\n%q", got)
	}
	recs := readCSV(t, buf.Bytes())
	if n := len(recs); n != 2+1+3+2 { // csv.Reader skips the blank line
		t.Errorf("records = %d: %q", n, recs)
	}
}

func TestCSVErrors(t *testing.T) {
	if err := CSV(&bytes.Buffer{}); !errors.Is(err, ErrNoTables) {
		t.Errorf("no tables: err = %v", err)
	}
	wide := sample()
	wide.Rows[1] = append(wide.Rows[1], report.Count(9))
	if err := CSV(&bytes.Buffer{}, wide); err == nil || !strings.Contains(err.Error(), "row 2") {
		t.Errorf("row wider than header: err = %v", err)
	}
	if err := CSV(failWriter{}, sample()); err == nil || !errors.Is(err, errWrite) {
		t.Errorf("failing writer: err = %v", err)
	}
}

// A short row is padded, so every record has the table's width.
func TestCSVShortRowPadded(t *testing.T) {
	tb := sample()
	tb.Rows = [][]report.Cell{{report.Label("Self")}}
	var buf bytes.Buffer
	if err := CSV(&buf, tb); err != nil {
		t.Fatal(err)
	}
	if got := readCSV(t, buf.Bytes())[1]; !reflect.DeepEqual(got, []string{"Self", "", ""}) {
		t.Errorf("row = %q", got)
	}
}

var errWrite = errors.New("disk full")

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errWrite }
