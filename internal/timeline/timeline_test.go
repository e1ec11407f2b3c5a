package timeline

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/family"
)

// d parses "2027-05-03"; expected dates in these tests were worked out by
// hand (and checked with date(1)), not with the code under test.
func d(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func show(t time.Time) string {
	if t.IsZero() {
		return "zero"
	}
	return t.Format(time.DateOnly)
}

// The typical family: due 3 May 2027, accepted at 28+0 on 8 February 2027.
const (
	typicalEDD      = "2027-05-03"
	typicalAccepted = "2027-02-08"
)

func TestDateAtMonths(t *testing.T) {
	tests := []struct {
		dob    string
		months int
		want   string
	}{
		{"2027-05-03", 0, "2027-05-03"},
		{"2027-05-03", 6, "2027-11-03"},
		{"2027-05-03", 24, "2029-05-03"},
		{"2027-01-31", 1, "2027-02-28"},  // clamped to the month's end
		{"2027-08-31", 6, "2028-02-29"},  // clamped, leap year
		{"2026-08-31", 6, "2027-02-28"},  // clamped, common year
		{"2027-03-31", 1, "2027-04-30"},  // 30-day month
		{"2027-10-31", 14, "2028-12-31"}, // across a year
		{"2028-02-29", 6, "2028-08-29"},
		{"2028-02-29", 12, "2029-03-01"}, // whole year: the UK birthday rule
		{"2028-02-29", 24, "2030-03-01"},
		{"2028-02-29", 48, "2032-02-29"},
		{"2028-02-29", 18, "2029-08-29"},
		{"2027-12-15", 3, "2028-03-15"},
	}
	for _, tt := range tests {
		if got := DateAtMonths(d(tt.dob), tt.months); show(got) != tt.want {
			t.Errorf("DateAtMonths(%s, %d) = %s, want %s", tt.dob, tt.months, show(got), tt.want)
		}
	}
	// The date in the time's own location counts, not the instant in UTC.
	late := time.Date(2027, 5, 3, 23, 30, 0, 0, time.FixedZone("UTC-5", -5*3600))
	if got := DateAtMonths(late, 6); got != d("2027-11-03") {
		t.Errorf("DateAtMonths(23:30 UTC-5) = %v, want 2027-11-03 00:00 UTC", got)
	}
}

func TestEndDate(t *testing.T) {
	cfg := mustDefault(t)
	tests := []struct {
		name            string
		edd, born       string
		want            string
		wantProvisional bool
	}{
		{"not born: from the EDD", typicalEDD, "", "2029-05-03", true},
		{"born on the EDD", typicalEDD, "2027-05-03", "2029-05-03", false},
		{"born 8 weeks early: end moves earlier", typicalEDD, "2027-03-08", "2029-03-08", false},
		{"born 2 weeks late", typicalEDD, "2027-05-17", "2029-05-17", false},
		{"born 29 February 2028", "2028-03-01", "2028-02-29", "2030-03-01", false},
		{"EDD on 29 February, not born", "2028-02-29", "", "2030-03-01", true},
		{"born, EDD not known", "", "2027-05-03", "2029-05-03", false},
		{"nothing known", "", "", "zero", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var f Facts
			if tt.edd != "" {
				f.EDD = d(tt.edd)
			}
			if tt.born != "" {
				f.BornOn = d(tt.born)
			}
			end, prov := EndDate(cfg, f)
			if show(end) != tt.want || prov != tt.wantProvisional {
				t.Errorf("EndDate = %s, %v; want %s, %v", show(end), prov, tt.want, tt.wantProvisional)
			}
		})
	}
}

func TestStageOf(t *testing.T) {
	cfg := mustDefault(t)
	base := Facts{AcceptedOn: d(typicalAccepted), EDD: d(typicalEDD)}
	with := func(change func(*Facts)) Facts {
		f := base
		change(&f)
		return f
	}
	born := func(bornOn, today string) Facts {
		return with(func(f *Facts) {
			f.AssessmentCompletedOn = d("2027-03-15")
			f.BornOn, f.Today = d(bornOn), d(today)
		})
	}
	tests := []struct {
		name string
		f    Facts
		want family.Stage
	}{
		{"referral: not accepted", Facts{EDD: d(typicalEDD), Today: d("2027-02-01")}, family.Referral},
		{"referral even if born", Facts{EDD: d(typicalEDD), BornOn: d("2027-05-01"), Today: d("2027-05-10")}, family.Referral},
		{"assessment: accepted today", with(func(f *Facts) { f.Today = d(typicalAccepted) }), family.Assessment},
		{"assessment: overdue but still not complete", with(func(f *Facts) { f.Today = d("2027-04-30") }), family.Assessment},
		{"antenatal: assessment complete", with(func(f *Facts) {
			f.AssessmentCompletedOn, f.Today = d("2027-03-15"), d("2027-03-15")
		}), family.Antenatal},
		{"antenatal: past the EDD, birth not recorded", with(func(f *Facts) {
			f.AssessmentCompletedOn, f.Today = d("2027-03-15"), d("2027-05-20")
		}), family.Antenatal},
		{"birth: born today", born("2027-05-03", "2027-05-03"), family.Birth},
		{"birth: last day of 6 weeks (41 days)", born("2027-05-03", "2027-06-13"), family.Birth},
		{"postnatal: exactly 6 weeks (42 days)", born("2027-05-03", "2027-06-14"), family.Postnatal},
		{"postnatal: day before 22 months", born("2027-05-03", "2029-03-02"), family.Postnatal},
		{"ending: exactly 22 months", born("2027-05-03", "2029-03-03"), family.Ending},
		{"ending: on the end date", born("2027-05-03", "2029-05-03"), family.Ending},
		{"ending: after the end date, not closed", born("2027-05-03", "2029-08-01"), family.Ending},
		{"ending follows the premature birth, not the EDD", born("2027-03-08", "2029-01-08"), family.Ending},
		{"born before assessment complete: follows the baby", with(func(f *Facts) {
			f.BornOn, f.Today = d("2027-03-01"), d("2027-03-10")
		}), family.Birth},
		{"born before assessment complete, later: postnatal", with(func(f *Facts) {
			f.BornOn, f.Today = d("2027-03-01"), d("2027-06-01")
		}), family.Postnatal},
		{"born before acceptance (referred late)", Facts{
			AcceptedOn: d("2027-05-20"), EDD: d(typicalEDD), BornOn: d("2027-04-28"), Today: d("2027-05-20"),
		}, family.Birth},
		{"born before acceptance, accepted after 6 weeks", Facts{
			AcceptedOn: d("2027-07-01"), EDD: d(typicalEDD), BornOn: d("2027-04-28"), Today: d("2027-07-01"),
		}, family.Postnatal},
		{"closed", with(func(f *Facts) {
			f.BornOn, f.ClosedOn, f.Today = d("2027-05-03"), d("2029-05-03"), d("2029-05-03")
		}), family.Closed},
		{"closed early, antenatal", with(func(f *Facts) { f.ClosedOn, f.Today = d("2027-03-01"), d("2027-03-02") }), family.Closed},
		{"closed without acceptance (not suitable)", Facts{EDD: d(typicalEDD), ClosedOn: d("2027-02-01")}, family.Closed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := StageOf(cfg, tt.f); got != tt.want {
				t.Errorf("StageOf = %q, want %q", got, tt.want)
			}
		})
	}

	// The boundaries move with the config.
	short := cfg
	short.BirthStageWeeks = 0
	if got := StageOf(short, born("2027-05-03", "2027-05-03")); got != family.Postnatal {
		t.Errorf("BirthStageWeeks 0 on the day of birth: %q, want postnatal", got)
	}
}

// row is a milestone written compactly for comparing: key due [window] p.
func row(m Milestone) string {
	s := m.Key + " " + show(m.Due)
	if m.WindowStart != m.Due || m.WindowEnd != m.Due {
		s += " [" + show(m.WindowStart) + ".." + show(m.WindowEnd) + "]"
	}
	if m.Provisional {
		s += " p"
	}
	return s
}

func rows(ms []Milestone) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = row(m)
	}
	return out
}

func checkRows(t *testing.T, got []Milestone, want []string) {
	t.Helper()
	g := rows(got)
	if !slices.Equal(g, want) {
		t.Errorf("milestones:\n got %d:\n  %s\nwant %d:\n  %s", len(g), strings.Join(g, "\n  "), len(want), strings.Join(want, "\n  "))
	}
}

func TestMilestonesTypicalFamily(t *testing.T) {
	cfg := mustDefault(t)
	f := Facts{AcceptedOn: d(typicalAccepted), EDD: d(typicalEDD), Today: d(typicalAccepted)}
	got := Milestones(cfg, f)
	checkRows(t, got, []string{
		"first_contact 2027-02-18",                                     // +10 days
		"vig_antenatal_1 2027-03-08 p",                                 // 32+0
		"assessment 2027-03-22",                                        // +42 days
		"measure_baseline 2027-03-22 [2027-03-08..2027-04-05]",         // at the assessment due date, ±14
		"measure_late_pregnancy 2027-04-05 [2027-03-22..2027-04-19] p", // 36+0
		"safety_plan_review_1 2027-06-14",                              // every 84 days from 22 March
		"vig_postnatal_1 2027-08-03 p",
		"safety_plan_review_2 2027-09-06",
		"measure_m6 2027-11-03 [2027-10-20..2027-11-17] p",
		"safety_plan_review_3 2027-11-29",
		"vig_postnatal_2 2028-01-03 p",
		"safety_plan_review_4 2028-02-21",
		"measure_m12 2028-05-03 [2028-04-19..2028-05-17] p",
		"safety_plan_review_5 2028-05-15",
		"vig_postnatal_3 2028-07-03 p",
		"safety_plan_review_6 2028-08-07",
		"safety_plan_review_7 2028-10-30",
		"safety_plan_review_8 2029-01-22",
		"ending_work 2029-03-03 p",
		"safety_plan_review_9 2029-04-16",
		"closure 2029-05-03 p",
		"measure_m24 2029-05-03 [2029-04-05..2029-05-03] p", // 28 days before, none after
	})
	if len(got) != 22 {
		t.Errorf("count = %d, want 22", len(got))
	}
	labels := map[string]string{}
	for _, m := range got {
		labels[m.Key] = m.Kind + ": " + m.Label
		if m.Due.Location() != time.UTC || m.Due.Hour() != 0 {
			t.Errorf("%s due %v is not a date at 00:00 UTC", m.Key, m.Due)
		}
	}
	for key, want := range map[string]string{
		"first_contact":        "contact: First contact",
		"assessment":           "assessment: Assessment complete",
		"measure_m6":           "measure: 6-month outcome measures",
		"safety_plan_review_3": "safety_plan_review: Safety plan review 3",
		"vig_antenatal_1":      "vig: Antenatal Video Interaction Guidance (32 weeks of pregnancy)",
		"vig_postnatal_2":      "vig: Postnatal Video Interaction Guidance cycle 2 (8 months)",
		"ending_work":          "ending: Planned ending work starts",
		"closure":              "closure: Programme ends (the baby's second birthday): closure summary and case closure",
	} {
		if labels[key] != want {
			t.Errorf("%s = %q, want %q", key, labels[key], want)
		}
	}

	// Completing the assessment early moves the baseline and the reviews,
	// not the assessment's own due date.
	f.AssessmentCompletedOn = d("2027-03-01")
	got = Milestones(cfg, f)
	byKey := map[string]string{}
	for _, m := range got {
		byKey[m.Key] = row(m)
	}
	for key, want := range map[string]string{
		"assessment":           "assessment 2027-03-22",
		"measure_baseline":     "measure_baseline 2027-03-01 [2027-02-15..2027-03-15]",
		"safety_plan_review_1": "safety_plan_review_1 2027-05-24",
		"safety_plan_review_9": "safety_plan_review_9 2029-03-26",
	} {
		if byKey[key] != want {
			t.Errorf("completed 1 March: %s = %q, want %q", key, byKey[key], want)
		}
	}
	if _, ok := byKey["safety_plan_review_10"]; ok {
		t.Errorf("review 10 (2029-06-18) is after the end date")
	}
}

func TestMilestonesReanchorOnBirth(t *testing.T) {
	cfg := mustDefault(t)
	before := Facts{AcceptedOn: d(typicalAccepted), EDD: d(typicalEDD), Today: d("2027-03-01")}
	after := before
	after.BornOn, after.Today = d("2027-03-08"), d("2027-03-10") // 8 weeks early, at 32+0

	find := func(ms []Milestone, key string) (Milestone, bool) {
		for _, m := range ms {
			if m.Key == key {
				return m, true
			}
		}
		return Milestone{}, false
	}
	pre := Milestones(cfg, before)
	if m, _ := find(pre, "measure_m6"); row(m) != "measure_m6 2027-11-03 [2027-10-20..2027-11-17] p" {
		t.Errorf("before the birth: %s", row(m))
	}
	for _, key := range []string{"measure_late_pregnancy", "vig_antenatal_1"} {
		if m, ok := find(pre, key); !ok || !m.Provisional {
			t.Errorf("before the birth: %s missing or not provisional", key)
		}
	}

	// After the premature birth: antenatal items gone, age items two months
	// earlier and firm; items counted from acceptance stay where they were.
	checkRows(t, Milestones(cfg, after), []string{
		"first_contact 2027-02-18",
		"assessment 2027-03-22",
		"measure_baseline 2027-03-22 [2027-03-08..2027-04-05]",
		"vig_postnatal_1 2027-06-08",
		"safety_plan_review_1 2027-06-14",
		"safety_plan_review_2 2027-09-06",
		"measure_m6 2027-09-08 [2027-08-25..2027-09-22]",
		"vig_postnatal_2 2027-11-08",
		"safety_plan_review_3 2027-11-29",
		"safety_plan_review_4 2028-02-21",
		"measure_m12 2028-03-08 [2028-02-23..2028-03-22]", // across 29 February 2028
		"vig_postnatal_3 2028-05-08",
		"safety_plan_review_5 2028-05-15",
		"safety_plan_review_6 2028-08-07",
		"safety_plan_review_7 2028-10-30",
		"ending_work 2029-01-08",
		"safety_plan_review_8 2029-01-22",
		"closure 2029-03-08",
		"measure_m24 2029-03-08 [2029-02-08..2029-03-08]",
	})

	// Antenatal items at the boundaries: 32+0 is 8 March, 36+0 is 5 April.
	tests := []struct {
		born          string
		vig, pregnant string // the rows wanted, "" for dropped
	}{
		{"2027-03-07", "", ""}, // 31+6: born before 32 weeks
		{"2027-03-08", "", ""}, // 32+0: born the day VIG fell due
		{"2027-03-09", "vig_antenatal_1 2027-03-08", ""},
		{"2027-04-05", "vig_antenatal_1 2027-03-08", ""}, // 36+0
		{"2027-04-06", "vig_antenatal_1 2027-03-08", "measure_late_pregnancy 2027-04-05 [2027-03-22..2027-04-05]"},
		{"2027-04-30", "vig_antenatal_1 2027-03-08", "measure_late_pregnancy 2027-04-05 [2027-03-22..2027-04-19]"},
	}
	for _, tt := range tests {
		f := before
		f.BornOn = d(tt.born)
		ms := Milestones(cfg, f)
		for key, want := range map[string]string{"vig_antenatal_1": tt.vig, "measure_late_pregnancy": tt.pregnant} {
			m, ok := find(ms, key)
			got := ""
			if ok {
				got = row(m)
			}
			if got != want {
				t.Errorf("born %s: %s = %q, want %q", tt.born, key, got, want)
			}
		}
	}
}

func TestMilestonesBornBeforeAcceptance(t *testing.T) {
	cfg := mustDefault(t)
	f := Facts{AcceptedOn: d("2027-10-10"), EDD: d(typicalEDD), BornOn: d("2027-04-20"), Today: d("2027-10-10")}
	// Antenatal items and the 3-month VIG came before acceptance; the 6-month
	// window opens at acceptance; cycle 2 keeps its number.
	checkRows(t, Milestones(cfg, f), []string{
		"first_contact 2027-10-20",
		"measure_m6 2027-10-20 [2027-10-10..2027-11-03]",
		"assessment 2027-11-21",
		"measure_baseline 2027-11-21 [2027-11-07..2027-12-05]",
		"vig_postnatal_2 2027-12-20",
		"safety_plan_review_1 2028-02-13",
		"measure_m12 2028-04-20 [2028-04-06..2028-05-04]",
		"safety_plan_review_2 2028-05-07",
		"vig_postnatal_3 2028-06-20",
		"safety_plan_review_3 2028-07-30",
		"safety_plan_review_4 2028-10-22",
		"safety_plan_review_5 2029-01-14",
		"ending_work 2029-02-20",
		"safety_plan_review_6 2029-04-08",
		"closure 2029-04-20",
		"measure_m24 2029-04-20 [2029-03-23..2029-04-20]",
	})
	if got := StageOf(cfg, f); got != family.Postnatal {
		t.Errorf("stage = %q, want postnatal", got)
	}
}

func TestMilestonesReviewsStopAtEnd(t *testing.T) {
	cfg := mustDefault(t)
	// Assessment complete 22 March 2027: review 9 falls on 16 April 2029.
	f := Facts{AcceptedOn: d(typicalAccepted), EDD: d(typicalEDD), AssessmentCompletedOn: d("2027-03-22"), Today: d("2027-05-01")}
	tests := []struct {
		born, lastReview string
	}{
		{"2027-04-16", "safety_plan_review_9 2029-04-16"}, // end date 16 April 2029: a review on it counts
		{"2027-04-15", "safety_plan_review_8 2029-01-22"}, // end date a day earlier
		{"2027-04-17", "safety_plan_review_9 2029-04-16"},
	}
	for _, tt := range tests {
		f.BornOn = d(tt.born)
		ms := Milestones(cfg, f)
		last := ""
		for _, m := range ms {
			if m.Kind == KindSafetyPlanReview {
				last = row(m)
			}
		}
		if last != tt.lastReview {
			t.Errorf("born %s: last review %q, want %q", tt.born, last, tt.lastReview)
		}
	}
	f.BornOn = d("2027-04-16")
	ms := Milestones(cfg, f)
	if tail := rows(ms[len(ms)-3:]); !slices.Equal(tail, []string{
		"closure 2029-04-16", "measure_m24 2029-04-16 [2029-03-19..2029-04-16]", "safety_plan_review_9 2029-04-16",
	}) {
		t.Errorf("same-day items not sorted by key: %v", tail)
	}

	// A shorter cadence still stops at the end date.
	cfg.SafetyPlanReviewWeeks = 1
	n := 0
	for _, m := range Milestones(cfg, f) {
		if m.Kind == KindSafetyPlanReview {
			n++
			if m.Due.After(d("2029-04-16")) {
				t.Errorf("%s after the end date", row(m))
			}
		}
	}
	if n != 108 { // 22 March 2027 to 16 April 2029 is 756 days, 108 weeks
		t.Errorf("weekly reviews = %d, want 108", n)
	}
}

func TestMilestonesEdgeCases(t *testing.T) {
	cfg := mustDefault(t)
	typical := Facts{AcceptedOn: d(typicalAccepted), EDD: d(typicalEDD), BornOn: d("2027-05-03"), Today: d("2027-05-03")}
	tests := []struct {
		name string
		f    Facts
		want []string
	}{
		{"not accepted: empty", Facts{EDD: d(typicalEDD), Today: d("2027-02-08")}, nil},
		{"no EDD and not born: acceptance items only", Facts{AcceptedOn: d(typicalAccepted)}, []string{
			"first_contact 2027-02-18", "assessment 2027-03-22", "measure_baseline 2027-03-22 [2027-03-08..2027-04-05]",
		}},
		{"closed early: nothing after, window clipped", func() Facts {
			f := typical
			f.ClosedOn = d("2027-11-10")
			return f
		}(), []string{
			"first_contact 2027-02-18",
			"vig_antenatal_1 2027-03-08",
			"assessment 2027-03-22",
			"measure_baseline 2027-03-22 [2027-03-08..2027-04-05]",
			"measure_late_pregnancy 2027-04-05 [2027-03-22..2027-04-19]",
			"safety_plan_review_1 2027-06-14",
			"vig_postnatal_1 2027-08-03",
			"safety_plan_review_2 2027-09-06",
			"measure_m6 2027-11-03 [2027-10-20..2027-11-10]",
			"closure 2027-11-10",
		}},
		{"accepted after the end date: empty", Facts{AcceptedOn: d("2029-06-01"), EDD: d(typicalEDD), BornOn: d("2027-05-03")}, nil},
		{"accepted the day before the end: reviews none, closure and exit measure", Facts{
			AcceptedOn: d("2029-05-02"), EDD: d(typicalEDD), BornOn: d("2027-05-03"),
		}, []string{"closure 2029-05-03", "measure_m24 2029-05-03 [2029-05-02..2029-05-03]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Milestones(cfg, tt.f)
			checkRows(t, got, tt.want)
		})
	}

	// Closed after the end date: closure stays due on the end date.
	f := typical
	f.ClosedOn = d("2029-06-01")
	ms := Milestones(cfg, f)
	var closure Milestone
	for _, m := range ms {
		if m.Key == "closure" {
			closure = m
		}
	}
	if row(closure) != "closure 2029-05-03" || !strings.HasPrefix(closure.Label, "Programme ends") {
		t.Errorf("closed late: closure = %s %q", row(closure), closure.Label)
	}
	if !Overdue(closure, d("2029-05-04")) {
		t.Errorf("closure not overdue the day after the end date")
	}
}

func TestMilestonesSortedAndStable(t *testing.T) {
	cfg := mustDefault(t)
	f := Facts{AcceptedOn: d(typicalAccepted), EDD: d(typicalEDD), BornOn: d("2027-04-16"), AssessmentCompletedOn: d("2027-03-22")}
	want := rows(Milestones(cfg, f))

	// Config order must not change the result: reverse every list.
	rev := cfg
	rev.Timepoints = slices.Clone(cfg.Timepoints)
	slices.Reverse(rev.Timepoints)
	rev.VIG.PostnatalAtMonths = []int{14, 8, 3}
	rev.Modules = nil
	for i := 0; i < 3; i++ {
		if got := rows(Milestones(rev, f)); !slices.Equal(got, want) {
			t.Fatalf("run %d differs:\n%v\n%v", i, got, want)
		}
	}
	if cfg.VIG.PostnatalAtMonths[0] != 3 {
		t.Errorf("Milestones changed the config")
	}
	ms := Milestones(cfg, f)
	keys := map[string]bool{}
	for i, m := range ms {
		if keys[m.Key] {
			t.Errorf("duplicate key %s", m.Key)
		}
		keys[m.Key] = true
		if i > 0 {
			p := ms[i-1]
			if p.Due.After(m.Due) || (p.Due.Equal(m.Due) && p.Key >= m.Key) {
				t.Errorf("not sorted: %s before %s", row(p), row(m))
			}
		}
	}
	// The 3-month cycle is cycle 1 whatever order the config lists it in.
	if got := rows(Milestones(rev, f)); !slices.Contains(got, "vig_postnatal_1 2027-07-16") {
		t.Errorf("VIG numbering follows the config order: %v", got)
	}
}

func TestMilestonesTimeZones(t *testing.T) {
	cfg := mustDefault(t)
	west := time.FixedZone("UTC-8", -8*3600)
	east := time.FixedZone("UTC+13", 13*3600)
	utc := Facts{AcceptedOn: d(typicalAccepted), EDD: d(typicalEDD), BornOn: d("2027-05-01")}
	zoned := Facts{
		AcceptedOn: time.Date(2027, 2, 8, 23, 59, 0, 0, west), // 9 February in UTC
		EDD:        time.Date(2027, 5, 3, 0, 30, 0, 0, east),  // 2 May in UTC
		BornOn:     time.Date(2027, 5, 1, 12, 0, 0, 0, west),
	}
	if g, w := rows(Milestones(cfg, zoned)), rows(Milestones(cfg, utc)); !slices.Equal(g, w) {
		t.Errorf("time of day or zone moved a date:\n%v\n%v", g, w)
	}
}

func TestOverdueAndStatus(t *testing.T) {
	plain := Milestone{Key: "first_contact", Due: d("2027-02-18"), WindowStart: d("2027-02-18"), WindowEnd: d("2027-02-18")}
	bare := Milestone{Key: "built_by_hand", Due: d("2027-02-18")} // no window set
	m6 := Milestone{Key: "measure_m6", Due: d("2027-11-03"), WindowStart: d("2027-10-20"), WindowEnd: d("2027-11-17")}
	tests := []struct {
		m       Milestone
		done    bool
		today   time.Time
		overdue bool
		want    Status
	}{
		{plain, false, d("2027-02-17"), false, StatusUpcoming},
		{plain, false, d("2027-02-18"), false, StatusDue},
		{plain, false, d("2027-02-19"), true, StatusOverdue},
		{plain, true, d("2027-02-19"), true, StatusDone},
		{plain, true, d("2027-01-01"), false, StatusDone},
		{bare, false, d("2027-02-17"), false, StatusUpcoming},
		{bare, false, d("2027-02-18"), false, StatusDue},
		{bare, false, d("2027-02-19"), true, StatusOverdue},
		{m6, false, d("2027-10-19"), false, StatusUpcoming},
		{m6, false, d("2027-10-20"), false, StatusDue},
		{m6, false, d("2027-11-03"), false, StatusDue},
		{m6, false, d("2027-11-17"), false, StatusDue},
		{m6, false, time.Date(2027, 11, 17, 23, 59, 0, 0, time.FixedZone("UTC-5", -5*3600)), false, StatusDue},
		{m6, false, d("2027-11-18"), true, StatusOverdue},
	}
	for _, tt := range tests {
		if got := Overdue(tt.m, tt.today); got != tt.overdue {
			t.Errorf("Overdue(%s, %v) = %v, want %v", tt.m.Key, tt.today, got, tt.overdue)
		}
		if got := StatusOf(tt.m, tt.done, tt.today); got != tt.want {
			t.Errorf("StatusOf(%s, %v, %v) = %q, want %q", tt.m.Key, tt.done, tt.today, got, tt.want)
		}
	}
}

func TestCurrentModules(t *testing.T) {
	cfg := mustDefault(t)
	const (
		before = "early_life_experiences healthy_relationships expressing_feelings self_esteem assertiveness vig"
		after  = "expressing_feelings self_esteem assertiveness parenting_attachment inner_child vig ending"
	)
	tests := []struct {
		stage family.Stage
		want  string
	}{
		{family.Referral, ""},
		{family.Assessment, before},
		{family.Antenatal, before},
		{family.Birth, after},
		{family.Postnatal, after},
		{family.Ending, after},
		{family.Closed, ""},
		{family.Stage("unknown"), ""},
	}
	for _, tt := range tests {
		var keys []string
		for _, m := range CurrentModules(cfg, tt.stage) {
			keys = append(keys, m.Key)
		}
		if got := strings.Join(keys, " "); got != tt.want {
			t.Errorf("CurrentModules(%s) = %q, want %q", tt.stage, got, tt.want)
		}
	}
	// Every stage in family.Stages is handled (a new stage would show here).
	if n := len(family.Stages()); n != 7 {
		t.Errorf("family has %d stages; review CurrentModules and StageOf", n)
	}
	// The result is a copy: changing it leaves the config alone.
	got := CurrentModules(cfg, family.Birth)
	got[0].Label = "changed"
	if cfg.Modules[2].Label != "Healthy expression of feelings" {
		t.Errorf("CurrentModules shares the config's modules")
	}
}

func TestEndPhrase(t *testing.T) {
	for months, want := range map[int]string{
		24: "the baby's second birthday", 12: "the baby's first birthday", 60: "the baby's fifth birthday",
		18: "the baby at 18 months", 1: "the baby at 1 month", 72: "the baby at 72 months",
	} {
		if got := endPhrase(months); got != want {
			t.Errorf("endPhrase(%d) = %q, want %q", months, got, want)
		}
	}
	if got := fmt.Sprint(monthsPhrase(0)); got != "at birth" {
		t.Errorf("monthsPhrase(0) = %q", got)
	}
}

func TestMilestoneTimepoint(t *testing.T) {
	for _, tc := range []struct {
		m    Milestone
		want string
	}{
		{Milestone{Key: "measure_m6", Kind: KindMeasure}, "m6"},
		{Milestone{Key: "measure_baseline", Kind: KindMeasure}, "baseline"},
		{Milestone{Key: "first_contact", Kind: KindContact}, ""},
		{Milestone{Key: "measure_m6", Kind: KindContact}, ""},
	} {
		if got := tc.m.Timepoint(); got != tc.want {
			t.Errorf("%+v.Timepoint() = %q; want %q", tc.m, got, tc.want)
		}
	}
}

// A caseload works out every listed family's milestones on each view (a
// manager's can be 500 families).
func BenchmarkMilestones(b *testing.B) {
	cfg := mustDefault(b)
	f := Facts{AcceptedOn: d(typicalAccepted), EDD: d(typicalEDD), BornOn: d("2027-04-20"), Today: d("2028-01-10")}
	for b.Loop() {
		if len(Milestones(cfg, f)) == 0 {
			b.Fatal("no milestones")
		}
	}
}

// A family's milestones do not depend on the day they are worked out:
// what is overdue is decided from them per view (Overdue), and the
// caseload keeps them by the facts alone, without Today.
func TestMilestonesIgnoreToday(t *testing.T) {
	cfg := mustDefault(t)
	for _, f := range []Facts{
		{AcceptedOn: d(typicalAccepted), EDD: d(typicalEDD)},
		{AcceptedOn: d(typicalAccepted), EDD: d(typicalEDD), BornOn: d(typicalEDD).AddDate(0, 0, -10)},
		{AcceptedOn: d(typicalAccepted), EDD: d(typicalEDD), AssessmentCompletedOn: d(typicalAccepted).AddDate(0, 0, 20)},
		{AcceptedOn: d(typicalAccepted), EDD: d(typicalEDD), ClosedOn: d(typicalEDD).AddDate(0, 3, 0)},
		{AcceptedOn: d(typicalAccepted)},
	} {
		want := Milestones(cfg, f)
		for _, today := range []time.Time{d(typicalAccepted), d(typicalEDD), d(typicalEDD).AddDate(3, 0, 0)} {
			f.Today = today
			if got := Milestones(cfg, f); !slices.Equal(rows(got), rows(want)) {
				t.Errorf("facts %+v on %s: milestones changed with the day", f, today.Format(time.DateOnly))
			}
		}
	}
}

func TestPlanReviewDone(t *testing.T) {
	cfg := Config{SafetyPlanReviewWeeks: 12}
	due := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	m := Milestone{Key: "safety_plan_review_2", Kind: KindSafetyPlanReview, Due: due}
	from := due.AddDate(0, 0, -84)
	for _, tc := range []struct {
		name    string
		m       Milestone
		checked []time.Time
		want    bool
	}{
		{"no plan", m, nil, false},
		{"checked on the period's first day", m, []time.Time{from}, true},
		{"checked the day before the period", m, []time.Time{from.AddDate(0, 0, -1)}, false},
		{"checked late, after the due date", m, []time.Time{due.AddDate(0, 0, 20)}, true},
		{"checked late in the evening of the first day", m, []time.Time{from.Add(23 * time.Hour)}, true},
		{"both parents' plans checked", m, []time.Time{from.AddDate(0, 0, 3), due}, true},
		{"one of two plans not checked", m, []time.Time{from.AddDate(0, 0, -30), due}, false},
		{"not a safety plan review", Milestone{Kind: KindVIG, Due: due}, []time.Time{due}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := PlanReviewDone(cfg, tc.m, tc.checked); got != tc.want {
				t.Errorf("PlanReviewDone = %v, want %v", got, tc.want)
			}
		})
	}
}
