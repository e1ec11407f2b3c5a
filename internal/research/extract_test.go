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

	"github.com/cradle-org/cradle/internal/timeline"
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

// abuseAnswers are answers to the domestic abuse measure: frequency 1+2 = 3,
// severity 1.
var abuseAnswers = map[int]int{1: 1, 2: 2, 3: 0, 4: 0, 5: 0, 6: 0, 7: 0, 8: 0, 9: 1}

// dersAnswers are DERS-16 answers: question n scores 1 + n%5.
func dersAnswers() map[int]int {
	a := map[int]int{}
	for n := 1; n <= 16; n++ {
		a[n] = 1 + n%5
	}
	return a
}

func records() []Record {
	famA := Record{FamilyID: familyA, Area: "Blackpool", ReferralSource: "midwife", AcceptedOn: day(2026, 1, 20), BabyDOB: day(2026, 2, 10)}
	famB := Record{FamilyID: familyB, Area: "Fylde", ReferralSource: "self", AcceptedOn: day(2025, 11, 3), ClosureReason: "completed"}
	with := func(base Record, f func(*Record)) Record { f(&base); return base }
	return []Record{
		with(famA, func(r *Record) {
			r.PersonID, r.Role, r.Experience = mumA, RoleParent, "experiences"
			r.Timepoint, r.Instrument, r.TakenOn = "baseline", "phq9", day(2026, 1, 27)
			r.Score, r.Raw, r.HasScore, r.Band = 14, 14, true, "moderate"
		}),
		with(famA, func(r *Record) {
			r.PersonID, r.Role, r.Experience = mumA, RoleParent, "experiences"
			r.Timepoint, r.Instrument, r.TakenOn = "baseline", "ders16", day(2026, 1, 29)
			r.Score, r.Raw, r.HasScore = 47, 47, true
			r.Scores = Scores{Answers: dersAnswers()}
		}),
		with(famA, func(r *Record) {
			r.PersonID, r.Role, r.Experience = mumA, RoleParent, "experiences"
			r.Timepoint, r.Instrument, r.TakenOn = "m6", "epds", day(2026, 8, 14)
			r.Score, r.Raw, r.HasScore, r.Band = 8, 8, true, "below the screening threshold"
		}),
		with(famA, func(r *Record) {
			r.PersonID, r.Role, r.Experience = mumA, RoleParent, "experiences"
			r.Timepoint, r.Instrument, r.TakenOn = "m6", "domestic_abuse", day(2026, 8, 20)
			r.Score, r.Raw, r.HasScore, r.Band = 3, 3, true, "abuse reported"
			// Kept subscales are used as they are.
			r.Scores = Scores{Answers: abuseAnswers, Subscales: map[string]float64{"frequency": 3, "severity": 1}}
		}),
		with(famA, func(r *Record) {
			r.PersonID, r.Role, r.Experience = dadA, RoleParent, "uses"
			r.Timepoint, r.Instrument, r.TakenOn = "baseline", "swemwbs", day(2026, 1, 29)
			r.Score, r.Raw, r.HasScore = -1.5, 14, true
		}),
		with(famA, func(r *Record) {
			r.PersonID, r.Role = babyA, RoleBaby
			r.Timepoint, r.Instrument, r.TakenOn = "m6", "asq3", day(2026, 8, 10)
			r.Band = "Monitor"
			r.Scores = Scores{
				Domains:  map[string]float64{"communication": 40, "gross_motor": 45, "fine_motor": 50, "problem_solving": 55, "personal_social": 60},
				Zones:    map[string]string{"communication": "monitor", "gross_motor": "clear", "fine_motor": "clear", "problem_solving": "clear", "personal_social": "clear"},
				Interval: 6,
			}
		}),
		with(famA, func(r *Record) {
			r.PersonID, r.Role = babyA, RoleBaby
			r.Timepoint, r.Instrument, r.TakenOn = "m6", "asqse2", day(2026, 8, 12)
			r.Score, r.Raw, r.HasScore, r.Band = 35, 35, true, "Monitor"
			r.Scores = Scores{Domains: map[string]float64{"total": 35}, Zones: map[string]string{"total": "monitor"}, Interval: 6}
		}),
		with(famB, func(r *Record) {
			r.PersonID, r.Role, r.Experience = mumB, RoleParent, "=HYPERLINK(\"x\")"
			r.Timepoint, r.Instrument, r.TakenOn = "baseline", "epds", day(2025, 11, 10)
			r.Score, r.HasScore = 0, true
		}),
	}
}

func data() Data {
	return Data{
		Records: records(),
		Sessions: map[int64][]Session{
			mumA: {
				{day(2026, 1, 25), true, "early"}, {day(2026, 1, 29).Add(5 * time.Hour), true, "early"}, // the same day as the last baseline result counts
				{day(2026, 2, 10), false, "later"}, // missed: counts towards no module
				{day(2026, 8, 20), true, "later"},
				{day(2026, 8, 21), true, "open"}, // after the 6-month results
			},
			babyA: {{day(2026, 8, 1), true, "early"}}, // not counted: the baby's row has no sessions
		},
		Modules: []timeline.Module{{Key: "early", Phase: "antenatal", TargetSessions: 2}, {Key: "later", Phase: "postnatal", TargetSessions: 2},
			{Key: "open", Phase: "any", TargetSessions: 1}},
		Statuses: map[int64][]StatusChange{
			familyA: {{day(2026, 1, 20), "child_protection_plan"}, {day(2026, 5, 1), "none"}, {day(2026, 5, 1), "child_in_need"}},
		},
		Departures: map[int64][]Departure{
			dadA: {{LeftOn: day(2026, 1, 28), Reason: "safety_concern"}}, // the day before his baseline result
		},
	}
}

func mustBuild(t *testing.T, mode DateMode, d Data) []Row {
	t.Helper()
	rows, err := Build(testKey, project, mode, d)
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

func findRow(t *testing.T, rows []Row, person, tp string) Row {
	t.Helper()
	for _, r := range rows {
		if r.Person == person && r.Timepoint == tp {
			return r
		}
	}
	t.Fatalf("no row for %s at %s", person, tp)
	return Row{}
}

func TestBuildRows(t *testing.T) {
	rows := mustBuild(t, Months, data())
	if len(rows) != 5 {
		t.Fatalf("rows = %d, want 5 (one per person per timepoint)", len(rows))
	}
	fA := mustPseudonym(t, testKey, project, KindFamily, familyA)
	mum := mustPseudonym(t, testKey, project, KindParent, mumA)
	dad := mustPseudonym(t, testKey, project, KindParent, dadA)
	baby := mustPseudonym(t, testKey, project, KindBaby, babyA)

	want := Row{
		Family: fA, Person: mum, Role: "parent", Experience: "experiences", Area: "Blackpool",
		ReferralSource: "midwife", AcceptedOn: "2026-01", Timepoint: "m6", MeasuredOn: "2026-08",
		BabyAgeMonths: "6", SafeguardingStatus: "child_in_need", SessionsAttended: "3", SessionsOffered: "4",
		ModulesStarted: "2", ModulesReached: "1", TakingPart: "yes", // early reached (2 of 2), later under way (1 of 2), open not yet
		Measures: map[string]string{
			"epds_taken_on": "2026-08", "epds_score": "8", "epds_band": "below the screening threshold",
			"domestic_abuse_taken_on": "2026-08", "domestic_abuse_score": "3", "domestic_abuse_band": "abuse reported",
			"domestic_abuse_frequency": "3", "domestic_abuse_severity": "1",
		},
	}
	if got := findRow(t, rows, mum, "m6"); !reflect.DeepEqual(got, want) {
		t.Errorf("row =\n%+v\nwant\n%+v", got, want)
	}

	// Baseline: antenatal, so no age; subscales worked out from the answers.
	base := findRow(t, rows, mum, "baseline")
	wantBase := map[string]string{
		"phq9_taken_on": "2026-01", "phq9_score": "14", "phq9_band": "moderate",
		"ders16_taken_on": "2026-01", "ders16_score": "47",
		// 1 + n%5 for questions 9, 10, 13; 3, 7, 15; 4, 8, 11; 5, 6, 12, 14, 16; 1, 2.
		"ders16_nonacceptance": "10", "ders16_goals": "8", "ders16_impulse": "11", "ders16_strategies": "13", "ders16_clarity": "5",
	}
	if base.BabyAgeMonths != "" || base.MeasuredOn != "2026-01" || base.SafeguardingStatus != "child_protection_plan" ||
		base.SessionsAttended != "2" || base.SessionsOffered != "2" || base.ModulesStarted != "1" || base.ModulesReached != "1" ||
		base.TakingPart != "yes" || base.LeftReason != "" ||
		!reflect.DeepEqual(base.Measures, wantBase) {
		t.Errorf("baseline row = %+v", base)
	}

	b := findRow(t, rows, baby, "m6")
	wantBaby := map[string]string{
		"asq3_taken_on": "2026-08", "asq3_band": "Monitor", "asq3_interval": "6",
		"asq3_communication": "40", "asq3_communication_zone": "monitor",
		"asq3_gross_motor": "45", "asq3_gross_motor_zone": "clear",
		"asq3_fine_motor": "50", "asq3_fine_motor_zone": "clear",
		"asq3_problem_solving": "55", "asq3_problem_solving_zone": "clear",
		"asq3_personal_social": "60", "asq3_personal_social_zone": "clear",
		"asqse2_taken_on": "2026-08", "asqse2_score": "35", "asqse2_band": "Monitor", "asqse2_interval": "6",
	}
	if b.Role != "baby" || b.Experience != "" || b.BabyAgeMonths != "6" || b.SafeguardingStatus != "child_in_need" ||
		b.SessionsAttended != "" || b.SessionsOffered != "" || b.TakingPart != "" || b.LeftReason != "" || !reflect.DeepEqual(b.Measures, wantBaby) {
		t.Errorf("baby row = %+v", b)
	}

	d := findRow(t, rows, dad, "baseline")
	if want := map[string]string{"swemwbs_taken_on": "2026-01", "swemwbs_score": "-1.5", "swemwbs_raw": "14"}; !reflect.DeepEqual(d.Measures, want) ||
		d.SessionsAttended != "0" || d.SessionsOffered != "0" || d.Experience != "uses" || d.TakingPart != "no" || d.LeftReason != "safety_concern" {
		t.Errorf("dad's row = %+v", d)
	}

	// A family with no status change recorded is none.
	mB := findRow(t, rows, mustPseudonym(t, testKey, project, KindParent, mumB), "baseline")
	if mB.SafeguardingStatus != "none" || mB.ClosureReason != "completed" || mB.TakingPart != "yes" || mB.LeftReason != "" {
		t.Errorf("family B row = %+v", mB)
	}
}

// Every person and timepoint with a result has exactly one row, and every
// row has a result.
func TestOneRowPerPersonTimepoint(t *testing.T) {
	rows := mustBuild(t, Shifted, data())
	want := map[string]bool{}
	for _, r := range records() {
		want[mustPseudonym(t, testKey, project, r.Role, r.PersonID)+" "+r.Timepoint] = true
	}
	got := map[string]bool{}
	for _, r := range rows {
		k := r.Person + " " + r.Timepoint
		if got[k] {
			t.Errorf("two rows for %s", k)
		}
		got[k] = true
		if len(r.Measures) == 0 {
			t.Errorf("row %s has no result", k)
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("rows %v, want %v", got, want)
	}
}

func TestBuildSortedDeterministically(t *testing.T) {
	d := data()
	want := mustBuild(t, Shifted, d)
	for i := range want[1:] {
		a, b := want[i], want[i+1]
		if a.Family > b.Family || a.Family == b.Family && a.Person > b.Person {
			t.Errorf("rows %d and %d out of order", i, i+1)
		}
	}
	for range 10 {
		slices.Reverse(d.Records)
		d.Records = slices.Concat(d.Records[2:], d.Records[:2])
		if got := mustBuild(t, Shifted, d); !reflect.DeepEqual(got, want) {
			t.Fatal("order depends on the input order")
		}
	}
}

// No raw id, and in month mode no full date, appears anywhere in the output.
func TestNoIdentifiersInOutput(t *testing.T) {
	for _, mode := range []DateMode{Months, Shifted} {
		out, _ := writeCSV(t, mustBuild(t, mode, data()))
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
		// Nor is the date a parent left, shifted or not.
		left := data().Departures[dadA][0].LeftOn
		shift, _ := ShiftDays(testKey, project, familyA)
		for _, d := range []string{left.Format(time.DateOnly), shiftedDate(left, shift)} {
			if strings.Contains(out, d) {
				t.Errorf("%v: date of leaving %s in output", mode, d)
			}
		}
	}
}

// dateColumns are the columns the dictionary says are dates.
func dateColumns() []int {
	var out []int
	for i, f := range Dictionary() {
		if f.Type == "date" {
			out = append(out, i)
		}
	}
	return out
}

func TestMonthModeMonthsOnly(t *testing.T) {
	_, recs := writeCSV(t, mustBuild(t, Months, data()))
	month := regexp.MustCompile(`^(\d{4}-\d{2})?$`)
	filled := 0
	for _, i := range dateColumns() {
		for _, r := range recs[1:] {
			if !month.MatchString(r[i]) {
				t.Errorf("%s = %q, want YYYY-MM", recs[0][i], r[i])
			}
			if r[i] != "" {
				filled++
			}
		}
	}
	// accepted_on and measured_on on each of the 5 rows, and each result's own date.
	if want := 2*5 + len(records()); filled != want {
		t.Errorf("%d dates written, want %d", filled, want)
	}
}

func TestShiftedModeKeepsIntervals(t *testing.T) {
	_, recs := writeCSV(t, mustBuild(t, Shifted, data()))
	parse := func(s string) time.Time {
		t.Helper()
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatalf("shifted date %q: %v", s, err)
		}
		return d
	}
	family, person, tp := colIndex(t, "family"), colIndex(t, "person"), colIndex(t, "timepoint")
	shifts := map[string]int{} // family pseudonym -> shift seen
	checked := 0
	for _, row := range recs[1:] {
		for _, r := range records() {
			if mustPseudonym(t, testKey, project, r.Role, r.PersonID) != row[person] || r.Timepoint != row[tp] {
				continue
			}
			for name, real := range map[string]time.Time{r.Instrument + "_taken_on": r.TakenOn, "accepted_on": r.AcceptedOn} {
				shift := int(parse(row[colIndex(t, name)]).Sub(dateOf(real)).Hours() / 24)
				if prev, ok := shifts[row[family]]; ok && prev != shift {
					t.Errorf("family %s: %s shifted by %d days, another date by %d", row[family], name, shift, prev)
				}
				shifts[row[family]] = shift
				if want, _ := ShiftDays(testKey, project, r.FamilyID); shift != want {
					t.Errorf("%s: shift %d, want ShiftDays %d", name, shift, want)
				}
				checked++
			}
		}
		// measured_on is the latest of the row's dates.
		latest := ""
		for _, i := range dateColumns() {
			if n := recs[0][i]; strings.HasSuffix(n, "_taken_on") && row[i] > latest {
				latest = row[i]
			}
		}
		if got := row[colIndex(t, "measured_on")]; got != latest {
			t.Errorf("measured_on %s, latest result %s", got, latest)
		}
	}
	if len(shifts) != 2 || checked != 2*len(records()) {
		t.Fatalf("shifts = %v after %d dates", shifts, checked)
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
	rows := mustBuild(t, Months, Data{})
	if len(rows) != 0 {
		t.Fatalf("rows = %v", rows)
	}
	out, recs := writeCSV(t, rows)
	if len(recs) != 1 || !strings.HasSuffix(out, "\r\n") || strings.Count(out, "\r\n") != 1 {
		t.Errorf("empty extract = %q", out)
	}
}

func TestBuildRefuses(t *testing.T) {
	for name, change := range map[string]func(*Data){
		"duplicate measure":  func(d *Data) { d.Records = append(d.Records, d.Records[1]) },
		"unknown role":       func(d *Data) { d.Records[0].Role = "carer" },
		"zero id":            func(d *Data) { d.Records[0].PersonID = 0 },
		"no timepoint":       func(d *Data) { d.Records[0].Timepoint = "" },
		"unknown instrument": func(d *Data) { d.Records[0].Instrument = "EPDS" },
		"baby measure for a parent": func(d *Data) {
			d.Records[0].Instrument = "asq3"
		},
		"parent measure for the baby": func(d *Data) { d.Records[5].Instrument = "phq9" },
		"note in a category": func(d *Data) {
			d.Records[0].Band = "Mum said that\nher partner had..."
		},
		"long text":    func(d *Data) { d.Records[0].Area = strings.Repeat("word ", 20) },
		"NaN score":    func(d *Data) { d.Records[0].Score = math.NaN() },
		"infinite raw": func(d *Data) { d.Records[0].Raw = math.Inf(1) },
		"NaN subscale": func(d *Data) { d.Records[3].Scores.Subscales = map[string]float64{"severity": math.NaN()} },
		"unknown zone": func(d *Data) { d.Records[5].Scores.Zones["communication"] = "amber" },
		"negative interval": func(d *Data) {
			d.Records[5].Scores.Interval = -6
		},
		"unknown status": func(d *Data) { d.Statuses[familyA][0].Status = "see notes" },
		"note as a leaving reason": func(d *Data) {
			d.Departures[mumA] = []Departure{{LeftOn: day(2026, 3, 1), Reason: "Moved in with her sister"}}
		},
		"closure reason as a leaving reason": func(d *Data) {
			d.Departures[mumA] = []Departure{{LeftOn: day(2026, 3, 1), Reason: "planned_end"}}
		},
		"departure with no date": func(d *Data) { d.Departures[mumA] = []Departure{{Reason: "withdrew"}} },
		"person categories differ": func(d *Data) {
			d.Records[1].Area = "Fylde"
		},
	} {
		d := data()
		change(&d)
		if _, err := Build(testKey, project, Months, d); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := Build(testKey, project, DateMode(9), data()); err == nil {
		t.Error("unknown date mode accepted")
	}
	if _, err := Build(testKey, "", Months, data()); err == nil {
		t.Error("no project accepted")
	}
	// The same person and timepoint in another instrument is not a
	// duplicate: it is another column group of the same row.
	d := data()
	extra := d.Records[0]
	extra.Instrument, extra.Band = "gad7", "mild"
	d.Records = append(d.Records, extra)
	rows, err := Build(testKey, project, Months, d)
	if err != nil {
		t.Fatalf("second instrument refused: %v", err)
	}
	if r := findRow(t, rows, mustPseudonym(t, testKey, project, KindParent, mumA), "baseline"); r.Measures["gad7_band"] != "mild" || r.Measures["phq9_band"] != "moderate" || len(rows) != 5 {
		t.Errorf("second instrument: %d rows, %+v", len(rows), r)
	}
}

// Answers that no longer score give no subscales, rather than stopping the
// extract; a result that kept no answers has none either.
func TestSubscalesWithoutAnswers(t *testing.T) {
	d := data()
	d.Records[1].Scores = Scores{Answers: map[int]int{1: 9}}
	d.Records[3].Scores = Scores{}
	rows := mustBuild(t, Months, d)
	mum := mustPseudonym(t, testKey, project, KindParent, mumA)
	for _, tp := range []string{"baseline", "m6"} {
		for k := range findRow(t, rows, mum, tp).Measures {
			for _, sub := range []string{"ders16_clarity", "domestic_abuse_severity", "domestic_abuse_frequency"} {
				if k == sub {
					t.Errorf("%s: %s written without answers", tp, k)
				}
			}
		}
	}
}

func TestFormulaGuard(t *testing.T) {
	_, recs := writeCSV(t, mustBuild(t, Months, data()))
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
	if s := recs[1:]; !slices.ContainsFunc(s, func(r []string) bool { return r[colIndex(t, "swemwbs_score")] == "-1.5" }) {
		t.Error("negative score not written as -1.5")
	}
}

// Whether a parent was taking part on a row's date, and if not why they
// had left, compared by calendar day: mum's m6 row is dated 20 August 2026
// (10:30), her baseline row 29 January 2026. The baby's row says neither.
func TestTakingPart(t *testing.T) {
	at := func(y int, m time.Month, d, hour int) time.Time { return time.Date(y, m, d, hour, 0, 0, 0, time.UTC) }
	for _, c := range []struct {
		name       string
		departures []Departure
		take, why  string // at m6
	}{
		{"never left", nil, "yes", ""},
		{"left before", []Departure{{LeftOn: at(2026, 5, 1, 0), Reason: "withdrew"}}, "no", "withdrew"},
		{"left that day, later in it", []Departure{{LeftOn: at(2026, 8, 20, 23), Reason: "disengaged"}}, "no", "disengaged"},
		{"left and rejoined before", []Departure{{LeftOn: at(2026, 3, 1, 0), RejoinedOn: at(2026, 6, 1, 0), Reason: "moved_out_of_area"}}, "yes", ""},
		{"rejoined that day, later in it", []Departure{{LeftOn: at(2026, 3, 1, 0), RejoinedOn: at(2026, 8, 20, 23), Reason: "not_suitable"}}, "yes", ""},
		{"rejoined after", []Departure{{LeftOn: at(2026, 3, 1, 0), RejoinedOn: at(2026, 8, 21, 0), Reason: "safety_concern"}}, "no", "safety_concern"},
		{"left after", []Departure{{LeftOn: at(2026, 8, 21, 0), Reason: "other"}}, "yes", ""},
		{"left again after rejoining", []Departure{
			{LeftOn: at(2026, 6, 10, 0), Reason: "other"},
			{LeftOn: at(2026, 3, 1, 0), RejoinedOn: at(2026, 4, 1, 0), Reason: "withdrew"},
		}, "no", "other"},
		// Two in force at once (the store allows one at a time): the later.
		{"two in force", []Departure{
			{LeftOn: at(2026, 6, 10, 0), Reason: "other"},
			{LeftOn: at(2026, 3, 1, 0), Reason: "withdrew"},
		}, "no", "other"},
		{"two in force, the later last", []Departure{
			{LeftOn: at(2026, 3, 1, 0), Reason: "withdrew"},
			{LeftOn: at(2026, 6, 10, 0), Reason: "other"},
		}, "no", "other"},
		{"rejoined, then left after", []Departure{
			{LeftOn: at(2026, 3, 1, 0), RejoinedOn: at(2026, 4, 1, 0), Reason: "withdrew"},
			{LeftOn: at(2026, 9, 1, 0), Reason: "other"},
		}, "yes", ""},
	} {
		d := data()
		d.Departures = map[int64][]Departure{mumA: c.departures, babyA: c.departures}
		rows := mustBuild(t, Months, d)
		mum := mustPseudonym(t, testKey, project, KindParent, mumA)
		if r := findRow(t, rows, mum, "m6"); r.TakingPart != c.take || r.LeftReason != c.why {
			t.Errorf("%s: m6 taking_part %q, left_reason %q; want %q, %q", c.name, r.TakingPart, r.LeftReason, c.take, c.why)
		}
		if r := findRow(t, rows, mum, "baseline"); r.TakingPart != "yes" || r.LeftReason != "" {
			t.Errorf("%s: baseline taking_part %q, left_reason %q; want yes before she left", c.name, r.TakingPart, r.LeftReason)
		}
		if r := findRow(t, rows, mustPseudonym(t, testKey, project, KindBaby, babyA), "m6"); r.TakingPart != "" || r.LeftReason != "" {
			t.Errorf("%s: baby's taking_part %q, left_reason %q; want both empty", c.name, r.TakingPart, r.LeftReason)
		}
		// Written in their columns, and the dates never.
		out, recs := writeCSV(t, rows)
		for _, dep := range c.departures {
			for _, date := range []time.Time{dep.LeftOn, dep.RejoinedOn} {
				if m := date.Format("2006-01"); !date.IsZero() && m != "2026-01" && m != "2026-08" && strings.Contains(out, m) {
					t.Errorf("%s: month %s of leaving or rejoining in output", c.name, m)
				}
			}
		}
		found := false
		for _, rec := range recs[1:] {
			if rec[colIndex(t, "person")] == mum && rec[colIndex(t, "timepoint")] == "m6" {
				found = rec[colIndex(t, "taking_part")] == c.take && rec[colIndex(t, "left_reason")] == c.why
			}
		}
		if !found {
			t.Errorf("%s: m6 row's taking_part and left_reason not written as %q, %q", c.name, c.take, c.why)
		}
	}
}

func TestStatusOn(t *testing.T) {
	changes := []StatusChange{{day(2026, 3, 1), "child_protection_plan"}, {day(2026, 6, 1), "child_in_need"}, {day(2026, 6, 1), "none"}}
	for on, want := range map[time.Time]string{
		day(2026, 2, 28):                     "none",
		day(2026, 3, 1).Add(-10 * time.Hour): "child_protection_plan", // the same day, earlier in it
		day(2026, 5, 31):                     "child_protection_plan",
		day(2026, 6, 1):                      "none", // the later of two changes on one day
	} {
		if got := statusOn(changes, on); got != want {
			t.Errorf("statusOn(%s) = %q, want %q", on.Format(time.DateOnly), got, want)
		}
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
