package cli_test

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestExportResearchWide checks the shape of the extract written from the
// demo data (on SQLite; TestExportResearch runs the command on both
// databases): its header is exactly the dictionary written beside it, there
// is one row per person per timepoint, each with a result, and the
// instrument and programme columns are filled.
func TestExportResearchWide(t *testing.T) {
	data := t.TempDir()
	if r := run(t, nil, "demo", "--data", data); r.code != 0 {
		t.Fatalf("demo: %+v", r)
	}
	out := filepath.Join(t.TempDir(), "extract.csv")
	r := run(t, nil, "export", "research", "--data", data, "--as", demoAdmin, "--project", "Wide", "--out", out, "--dates", "shifted")
	if r.code != 0 || !strings.Contains(r.stdout, "one per person per timepoint") || !strings.Contains(r.stderr, "100%") {
		t.Fatalf("export: %+v", r)
	}
	read := func(path string) [][]string {
		t.Helper()
		f, err := os.Open(path) // #nosec G304 -- a file this test wrote
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		recs, err := csv.NewReader(f).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		return recs
	}
	recs := read(out)
	dict := read(strings.TrimSuffix(out, ".csv") + ".dictionary.csv")
	header := recs[0]
	var names []string
	for _, d := range dict[1:] {
		names = append(names, d[0])
		if !slices.Contains(header, d[0]) {
			t.Errorf("dictionary entry %q is not a column", d[0])
		}
	}
	for _, h := range header {
		if !slices.Contains(names, h) {
			t.Errorf("column %q is not in the dictionary", h)
		}
	}
	col := func(name string) int {
		t.Helper()
		i := slices.Index(header, name)
		if i < 0 {
			t.Fatalf("no column %s", name)
		}
		return i
	}
	seen := map[string]bool{}
	filled := map[string]int{}
	reached := 0 // parent rows with a module's target reached
	date := regexp.MustCompile(`^(\d{4}-\d{2}-\d{2})?$`)
	for _, row := range recs[1:] {
		k := row[col("person")] + " " + row[col("timepoint")]
		if seen[k] {
			t.Errorf("two rows for %s", k)
		}
		seen[k] = true
		results := 0
		for i, h := range header {
			if row[i] != "" {
				filled[h]++
			}
			if strings.HasSuffix(h, "_taken_on") && row[i] != "" {
				results++
			}
			if strings.HasSuffix(h, "_on") && !date.MatchString(row[i]) {
				t.Errorf("%s = %q, want a shifted date", h, row[i])
			}
		}
		if results == 0 {
			t.Errorf("row %s has no result", k)
		}
		switch row[col("role")] {
		case "parent":
			if row[col("sessions_offered")] == "" || row[col("modules_started")] == "" || row[col("modules_reached")] == "" {
				t.Errorf("parent row %s without sessions or modules", k)
			}
			if n := row[col("modules_reached")]; n != "" && n != "0" {
				reached++
			}
		case "baby":
			if row[col("sessions_offered")] != "" || row[col("modules_started")] != "" {
				t.Errorf("baby row %s with sessions or modules", k)
			}
		default:
			t.Errorf("row %s role %q", k, row[col("role")])
		}
		if row[col("safeguarding_status")] == "" {
			t.Errorf("row %s without a safeguarding status", k)
		}
	}
	if reached == 0 {
		t.Error("no parent row has a module's target reached: the demo's sessions are on modules")
	}
	// A timeline file that does not parse is refused before anything is
	// read or written.
	bad := filepath.Join(t.TempDir(), "timeline.json")
	if err := os.WriteFile(bad, []byte(`{"modules": [`), 0o600); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(t.TempDir(), "other.csv")
	if r := run(t, nil, "export", "research", "--data", data, "--as", demoAdmin, "--project", "Wide", "--out", other, "--timeline", bad); r.code == 0 ||
		!strings.Contains(r.stderr, "timeline") {
		t.Errorf("a bad timeline file: %+v", r)
	}
	if _, err := os.Stat(other); !os.IsNotExist(err) {
		t.Errorf("a bad timeline file still wrote the extract: %v", err)
	}
	if len(seen) < 20 {
		t.Errorf("%d rows, want the demo families' people at each timepoint", len(seen))
	}
	for _, c := range []string{"phq9_score", "ders16_clarity", "domestic_abuse_severity", "swemwbs_raw", "asq3_communication", "asq3_communication_zone", "asqse2_score", "baby_age_months"} {
		if filled[c] == 0 {
			t.Errorf("column %s is never filled", c)
		}
	}
}
