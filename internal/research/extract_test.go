package research

import (
	"bytes"
	"encoding/csv"
	"math"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

const project = "eval-2026"

// Distinctive ids: none can appear inside a pseudonym (base32 has no 0, 1,
// 8 or 9), so finding one in the output means a raw id leaked.
const (
	familyA = 987654321
	familyB = 918273645
	mumA    = 880011991
	dadA    = 880011992
	babyA   = 990088001
	mumB    = 810019181
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 10, 30, 0, 0, time.UTC) }

func records() []Record {
	famA := Record{FamilyID: familyA, Area: "Blackpool", ReferralSource: "midwife", AcceptedOn: day(2026, 1, 20), BabyDOB: day(2026, 2, 10)}
	famB := Record{FamilyID: familyB, Area: "Fylde", ReferralSource: "self", AcceptedOn: day(2025, 11, 3), ClosureReason: "completed"}
	with := func(base Record, f func(*Record)) Record { f(&base); return base }
	return []Record{
		with(famA, func(r *Record) {
			r.PersonID, r.Role, r.Experience = mumA, RoleParent, "experiences"
			r.Timepoint, r.Instrument, r.TakenOn = "baseline", "EPDS", day(2026, 1, 27)
			r.Score, r.HasScore, r.Band = 14, true, "above threshold"
			r.SessionsAttended, r.SessionsOffered = 1, 1
		}),
		with(famA, func(r *Record) {
			r.PersonID, r.Role, r.Experience = mumA, RoleParent, "experiences"
			r.Timepoint, r.Instrument, r.TakenOn = "6m", "EPDS", day(2026, 8, 14)
			r.Score, r.HasScore, r.Band = 8.5, true, "below threshold"
			r.SessionsAttended, r.SessionsOffered = 14, 18
		}),
		with(famA, func(r *Record) {
			r.PersonID, r.Role, r.Experience = dadA, RoleParent, "uses"
			r.Timepoint, r.Instrument, r.TakenOn = "baseline", "SWEMWBS", day(2026, 1, 29)
			r.Score, r.HasScore = -1.5, true
		}),
		with(famA, func(r *Record) {
			r.PersonID, r.Role = babyA, RoleBaby
			r.Timepoint, r.Instrument, r.TakenOn = "6m", "ASQ-3", day(2026, 8, 10)
		}),
		with(famB, func(r *Record) {
			r.PersonID, r.Role, r.Experience = mumB, RoleParent, "=HYPERLINK(\"x\")"
			r.Timepoint, r.Instrument, r.TakenOn = "baseline", "EPDS", day(2025, 11, 10)
			r.Score, r.HasScore = 0, true
		}),
	}
}

func mustBuild(t *testing.T, mode DateMode, recs []Record) []Row {
	t.Helper()
	rows, err := Build(testKey, project, mode, recs)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	return rows
}

func writeCSV(t *testing.T, rows []Row) (string, [][]string) {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteCSV(&buf, rows); err != nil {
		t.Fatalf("WriteCSV: %v", err)
	}
	recs, err := csv.NewReader(bytes.NewReader(buf.Bytes())).ReadAll()
	if err != nil {
		t.Fatalf("reading back: %v", err)
	}
	return buf.String(), recs
}

func colIndex(t *testing.T, name string) int {
	t.Helper()
	for i, f := range Dictionary() {
		if f.Name == name {
			return i
		}
	}
	t.Fatalf("no column %q", name)
	return -1
}

func TestBuildRows(t *testing.T) {
	rows := mustBuild(t, Months, records())
	if len(rows) != 5 {
		t.Fatalf("rows = %d, want 5", len(rows))
	}
	fA := mustPseudonym(t, testKey, project, KindFamily, familyA)
	mum := mustPseudonym(t, testKey, project, KindParent, mumA)
	baby := mustPseudonym(t, testKey, project, KindBaby, babyA)
	find := func(person, tp string) Row {
		t.Helper()
		for _, r := range rows {
			if r.Person == person && r.Timepoint == tp {
				return r
			}
		}
		t.Fatalf("no row for %s at %s", person, tp)
		return Row{}
	}
	want := Row{
		Family: fA, Person: mum, Role: "parent", Experience: "experiences", Area: "Blackpool",
		ReferralSource: "midwife", AcceptedOn: "2026-01", Timepoint: "6m", Instrument: "EPDS",
		TakenOn: "2026-08", BabyAgeMonths: "6", Score: "8.5", Band: "below threshold",
		SessionsAttended: "14", SessionsOffered: "18",
	}
	if got := find(mum, "6m"); got != want {
		t.Errorf("row =\n%+v\nwant\n%+v", got, want)
	}
	if got := find(mum, "baseline"); got.BabyAgeMonths != "" || got.Score != "14" {
		t.Errorf("antenatal row: age %q score %q", got.BabyAgeMonths, got.Score)
	}
	if got := find(baby, "6m"); got.Role != "baby" || got.Score != "" || got.BabyAgeMonths != "6" || got.Experience != "" {
		t.Errorf("baby row = %+v", got)
	}
}

func TestBuildSortedDeterministically(t *testing.T) {
	recs := records()
	want := mustBuild(t, Shifted, recs)
	for i := range want[1:] {
		a, b := want[i], want[i+1]
		if a.Family > b.Family || a.Family == b.Family && a.Person > b.Person {
			t.Errorf("rows %d and %d out of order", i, i+1)
		}
	}
	for range 10 {
		slices.Reverse(recs)
		recs = slices.Concat(recs[2:], recs[:2])
		if got := mustBuild(t, Shifted, recs); !reflect.DeepEqual(got, want) {
			t.Fatal("order depends on the input order")
		}
	}
}

// No raw id, and in month mode no full date, appears anywhere in the output.
func TestNoIdentifiersInOutput(t *testing.T) {
	for _, mode := range []DateMode{Months, Shifted} {
		out, _ := writeCSV(t, mustBuild(t, mode, records()))
		for _, id := range []int64{familyA, familyB, mumA, dadA, babyA, mumB} {
			if s := strconv.FormatInt(id, 10); strings.Contains(out, s) {
				t.Errorf("%v: raw id %s in output", mode, s)
			}
		}
		for _, r := range records() {
			for _, d := range []time.Time{r.TakenOn, r.AcceptedOn, r.BabyDOB} {
				if !d.IsZero() && strings.Contains(out, d.Format(time.DateOnly)) {
					t.Errorf("%v: real date %s in output", mode, d.Format(time.DateOnly))
				}
			}
		}
	}
}

func TestMonthModeMonthsOnly(t *testing.T) {
	_, recs := writeCSV(t, mustBuild(t, Months, records()))
	month := regexp.MustCompile(`^\d{4}-\d{2}$`)
	for _, name := range []string{"taken_on", "accepted_on"} {
		i := colIndex(t, name)
		for _, r := range recs[1:] {
			if !month.MatchString(r[i]) {
				t.Errorf("%s = %q, want YYYY-MM", name, r[i])
			}
		}
	}
}

func TestShiftedModeKeepsIntervals(t *testing.T) {
	rows := mustBuild(t, Shifted, records())
	parse := func(s string) time.Time {
		t.Helper()
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatalf("shifted date %q: %v", s, err)
		}
		return d
	}
	shifts := map[string]int{} // family pseudonym -> shift seen
	for _, row := range rows {
		for _, r := range records() {
			if mustPseudonym(t, testKey, project, r.Role, r.PersonID) != row.Person || r.Timepoint != row.Timepoint {
				continue
			}
			taken := time.Date(r.TakenOn.Year(), r.TakenOn.Month(), r.TakenOn.Day(), 0, 0, 0, 0, time.UTC)
			shift := int(parse(row.TakenOn).Sub(taken).Hours() / 24)
			acc := time.Date(r.AcceptedOn.Year(), r.AcceptedOn.Month(), r.AcceptedOn.Day(), 0, 0, 0, 0, time.UTC)
			if s := int(parse(row.AcceptedOn).Sub(acc).Hours() / 24); s != shift {
				t.Errorf("accepted_on shifted %d days, taken_on %d", s, shift)
			}
			if prev, ok := shifts[row.Family]; ok && prev != shift {
				t.Errorf("family %s shifted by both %d and %d days", row.Family, prev, shift)
			}
			shifts[row.Family] = shift
			if want, _ := ShiftDays(testKey, project, r.FamilyID); shift != want {
				t.Errorf("shift %d, want ShiftDays %d", shift, want)
			}
		}
	}
	if len(shifts) != 2 {
		t.Fatalf("shifts = %v", shifts)
	}
	var vals []int
	for _, s := range shifts {
		vals = append(vals, s)
	}
	if vals[0] == vals[1] {
		t.Errorf("both families shifted by %d days", vals[0])
	}
}

func TestBuildEmpty(t *testing.T) {
	rows := mustBuild(t, Months, nil)
	if len(rows) != 0 {
		t.Fatalf("rows = %v", rows)
	}
	out, recs := writeCSV(t, rows)
	if len(recs) != 1 || !strings.HasSuffix(out, "\r\n") || strings.Count(out, "\r\n") != 1 {
		t.Errorf("empty extract = %q", out)
	}
}

func TestBuildRefuses(t *testing.T) {
	for name, change := range map[string]func([]Record) []Record{
		"duplicate measure": func(rs []Record) []Record { return append(rs, rs[1]) },
		"unknown role":      func(rs []Record) []Record { rs[0].Role = "carer"; return rs },
		"zero id":           func(rs []Record) []Record { rs[0].PersonID = 0; return rs },
		"no timepoint":      func(rs []Record) []Record { rs[0].Timepoint = ""; return rs },
		"note in a category": func(rs []Record) []Record {
			rs[0].Band = "Mum said that\nher partner had..."
			return rs
		},
		"long text": func(rs []Record) []Record { rs[0].Area = strings.Repeat("word ", 20); return rs },
		"NaN score": func(rs []Record) []Record { rs[0].Score = math.NaN(); return rs },
		"negative sessions": func(rs []Record) []Record {
			rs[0].SessionsOffered = -1
			return rs
		},
	} {
		if _, err := Build(testKey, project, Months, change(records())); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := Build(testKey, project, DateMode(9), records()); err == nil {
		t.Error("unknown date mode accepted")
	}
	if _, err := Build(testKey, "", Months, records()); err == nil {
		t.Error("no project accepted")
	}
	// The same person and timepoint in another instrument is not a duplicate.
	rs := records()
	extra := rs[0]
	extra.Instrument = "GAD-7"
	if _, err := Build(testKey, project, Months, append(rs, extra)); err != nil {
		t.Errorf("second instrument refused: %v", err)
	}
}

func TestFormulaGuard(t *testing.T) {
	_, recs := writeCSV(t, mustBuild(t, Months, records()))
	i := colIndex(t, "experience")
	found := false
	for _, r := range recs[1:] {
		if strings.HasPrefix(r[i], "=") {
			t.Errorf("unguarded formula %q", r[i])
		}
		found = found || r[i] == "'=HYPERLINK(\"x\")"
	}
	if !found {
		t.Error("guarded text not found")
	}
	// A negative score is a number and is not prefixed.
	if s := recs[1:]; !slices.ContainsFunc(s, func(r []string) bool { return r[colIndex(t, "score")] == "-1.5" }) {
		t.Error("negative score not written as -1.5")
	}
}

func TestWholeMonths(t *testing.T) {
	dob := time.Date(2026, 1, 31, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		dob, taken time.Time
		want       int
		ok         bool
	}{
		{dob, dob, 0, true},
		{dob, time.Date(2026, 2, 27, 0, 0, 0, 0, time.UTC), 0, true},
		{dob, time.Date(2026, 2, 28, 0, 0, 0, 0, time.UTC), 1, true}, // last day of February
		{dob, time.Date(2026, 3, 30, 0, 0, 0, 0, time.UTC), 1, true},
		{dob, time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC), 12, true},
		{time.Date(2026, 2, 10, 0, 0, 0, 0, time.UTC), time.Date(2026, 8, 9, 0, 0, 0, 0, time.UTC), 5, true},
		{dob, time.Date(2026, 1, 30, 0, 0, 0, 0, time.UTC), 0, false}, // before birth
		{time.Time{}, dob, 0, false},
		{dob, time.Time{}, 0, false},
	} {
		got, ok := wholeMonths(c.dob, c.taken)
		if got != c.want || ok != c.ok {
			t.Errorf("wholeMonths(%s, %s) = %d, %v; want %d, %v", c.dob.Format(time.DateOnly), c.taken.Format(time.DateOnly), got, ok, c.want, c.ok)
		}
	}
}
