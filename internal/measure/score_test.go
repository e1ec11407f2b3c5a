package measure

import (
	"maps"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/cradle-org/cradle/internal/problem"
)

func mustLookup(t testing.TB, key string) Instrument {
	t.Helper()
	in, ok := Lookup(key)
	if !ok {
		t.Fatalf("Lookup(%q) found nothing", key)
	}
	return in
}

// answersFor builds answers whose raw total is total: every question starts
// at its lowest score and questions are raised in order, questions with
// alerts last so that a boundary test raises no alert it does not mean to.
// Reverse-scored questions are answered so that they score what is wanted.
func answersFor(t testing.TB, in Instrument, total int) map[int]int {
	t.Helper()
	alerted := map[int]bool{}
	for _, a := range in.Alerts {
		alerted[a.Item] = true
	}
	score := map[int]int{}
	for _, it := range in.Items {
		score[it.Number] = it.Min
	}
	lo, _ := in.rawRange()
	left := total - lo
	order := slices.Clone(in.totalItems())
	slices.SortStableFunc(order, func(a, b Item) int {
		switch {
		case alerted[a.Number] == alerted[b.Number]:
			return a.Number - b.Number
		case alerted[a.Number]:
			return 1
		}
		return -1
	})
	for _, it := range order {
		add := min(left, it.Max-it.Min)
		score[it.Number] += add
		left -= add
	}
	if left != 0 {
		t.Fatalf("%s: cannot make a total of %d", in.Key, total)
	}
	answers := map[int]int{}
	for _, it := range in.Items {
		answers[it.Number] = score[it.Number]
		if it.Reverse {
			answers[it.Number] = it.Min + it.Max - score[it.Number]
		}
	}
	return answers
}

// TestBandBoundaries scores every item instrument just below, at and just
// above each band boundary, and at both ends of its range.
func TestBandBoundaries(t *testing.T) {
	type c struct {
		raw       int
		wantScore float64
		wantBand  string
		wantFlag  bool
	}
	tests := map[string][]c{
		"phq9": {
			{0, 0, "minimal", false}, {4, 4, "minimal", false}, {5, 5, "mild", false}, {6, 6, "mild", false},
			{9, 9, "mild", false}, {10, 10, "moderate", true}, {11, 11, "moderate", true},
			{14, 14, "moderate", true}, {15, 15, "moderately severe", true}, {16, 16, "moderately severe", true},
			{19, 19, "moderately severe", true}, {20, 20, "severe", true}, {21, 21, "severe", true}, {27, 27, "severe", true},
		},
		"gad7": {
			{0, 0, "minimal", false}, {4, 4, "minimal", false}, {5, 5, "mild", false}, {6, 6, "mild", false},
			{9, 9, "mild", false}, {10, 10, "moderate", true}, {11, 11, "moderate", true},
			{14, 14, "moderate", true}, {15, 15, "severe", true}, {16, 16, "severe", true}, {21, 21, "severe", true},
		},
		"core10": {
			{0, 0, "healthy", false}, {5, 5, "healthy", false}, {6, 6, "low level", false}, {7, 7, "low level", false},
			{10, 10, "low level", false}, {11, 11, "mild", true}, {12, 12, "mild", true},
			{14, 14, "mild", true}, {15, 15, "moderate", true}, {16, 16, "moderate", true},
			{19, 19, "moderate", true}, {20, 20, "moderate-to-severe", true}, {21, 21, "moderate-to-severe", true},
			{24, 24, "moderate-to-severe", true}, {25, 25, "severe", true}, {26, 26, "severe", true}, {40, 40, "severe", true},
		},
		"epds": {
			{0, 0, "below the screening threshold", false}, {9, 9, "below the screening threshold", false},
			{10, 10, "possible depression", false}, {11, 11, "possible depression", false},
			{12, 12, "possible depression", false}, {13, 13, "probable depression", true},
			{14, 14, "probable depression", true}, {30, 30, "probable depression", true},
		},
		"domestic_abuse": {
			{0, 0, "no abuse reported", false}, {1, 1, "abuse reported", true}, {2, 2, "abuse reported", true},
			{32, 32, "abuse reported", true},
		},
		"wemwbs": {{14, 14, "", false}, {45, 45, "", false}, {70, 70, "", false}},
		"ders16": {{16, 16, "", false}, {48, 48, "", false}, {80, 80, "", false}},
		"swemwbs": {
			{7, 7.00, "", false}, {8, 9.51, "", false}, {20, 18.59, "", false}, {21, 19.25, "", false},
			{34, 32.55, "", false}, {35, 35.00, "", false},
		},
	}
	for key, cases := range tests {
		in := mustLookup(t, key)
		for _, tc := range cases {
			r, err := in.Score(answersFor(t, in, tc.raw))
			if err != nil {
				t.Errorf("%s raw %d: %v", key, tc.raw, err)
				continue
			}
			if r.Raw != float64(tc.raw) || r.Score != tc.wantScore || r.Band != tc.wantBand || r.Flagged != tc.wantFlag {
				t.Errorf("%s raw %d: got raw %v score %v band %q flagged %v, want score %v band %q flagged %v",
					key, tc.raw, r.Raw, r.Score, r.Band, r.Flagged, tc.wantScore, tc.wantBand, tc.wantFlag)
			}
			// Questions with alerts are raised last, so alerts fire only
			// near the top of the range, and exactly when their scores
			// pass the threshold.
			raised := 0
			for _, a := range in.Alerts {
				if r.Items[a.Item] > a.Above {
					raised++
				}
			}
			if len(r.Alerts) != raised || r.Safeguarding != (raised > 0) {
				t.Errorf("%s raw %d: alerts %+v with item scores %v", key, tc.raw, r.Alerts, r.Items)
			}
		}
	}
}

// TestWorkedExamples scores whole forms by hand.
func TestWorkedExamples(t *testing.T) {
	tests := []struct {
		name      string
		key       string
		answers   map[int]int
		wantRaw   float64
		wantScore float64
		wantBand  string
		wantFlag  bool
		wantSubs  map[string]float64
		wantItems map[int]int // spot checks of item scores
	}{
		{
			name: "PHQ-9 mixed answers", key: "phq9",
			answers: map[int]int{1: 2, 2: 2, 3: 1, 4: 3, 5: 0, 6: 1, 7: 2, 8: 1, 9: 0},
			wantRaw: 12, wantScore: 12, wantBand: "moderate", wantFlag: true,
		},
		{
			// Questions 2 and 3 are reversed: "Not at all" scores 4.
			name: "CORE-10 all 'Not at all'", key: "core10",
			answers: map[int]int{1: 0, 2: 0, 3: 0, 4: 0, 5: 0, 6: 0, 7: 0, 8: 0, 9: 0, 10: 0},
			wantRaw: 8, wantScore: 8, wantBand: "low level",
			wantItems: map[int]int{1: 0, 2: 4, 3: 4, 4: 0},
		},
		{
			// Question 3 answered "Most or all of the time" (4) scores 0;
			// question 4 is not reversed, so 4 scores 4.
			name: "CORE-10 reverse scoring", key: "core10",
			answers: map[int]int{1: 1, 2: 3, 3: 4, 4: 4, 5: 1, 6: 0, 7: 2, 8: 1, 9: 2, 10: 0},
			wantRaw: 12, wantScore: 12, wantBand: "mild", wantFlag: true,
			wantItems: map[int]int{2: 1, 3: 0, 4: 4},
		},
		{
			name: "SWEMWBS raw 24 converts to 21.54", key: "swemwbs",
			answers: map[int]int{1: 3, 2: 4, 3: 3, 4: 4, 5: 3, 6: 4, 7: 3},
			wantRaw: 24, wantScore: 21.54,
		},
		{
			name: "DERS-16 subscales", key: "ders16",
			answers: map[int]int{1: 5, 2: 4, 3: 1, 4: 2, 5: 3, 6: 3, 7: 1, 8: 2, 9: 4, 10: 4, 11: 2, 12: 3, 13: 4, 14: 3, 15: 1, 16: 3},
			wantRaw: 45, wantScore: 45,
			wantSubs: map[string]float64{"clarity": 9, "goals": 3, "impulse": 6, "strategies": 15, "nonacceptance": 12},
		},
		{
			// Severity is a subscale, not part of the total.
			name: "domestic abuse frequency and severity", key: "domestic_abuse",
			answers: map[int]int{1: 3, 2: 2, 3: 1, 4: 0, 5: 0, 6: 2, 7: 1, 8: 0, 9: 0},
			wantRaw: 9, wantScore: 9, wantBand: "abuse reported", wantFlag: true,
			wantSubs: map[string]float64{"frequency": 9, "severity": 0},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := mustLookup(t, tc.key).Score(tc.answers)
			if err != nil {
				t.Fatal(err)
			}
			if r.Raw != tc.wantRaw || r.Score != tc.wantScore || r.Band != tc.wantBand || r.Flagged != tc.wantFlag {
				t.Errorf("got raw %v score %v band %q flagged %v, want %v %v %q %v", r.Raw, r.Score, r.Band, r.Flagged, tc.wantRaw, tc.wantScore, tc.wantBand, tc.wantFlag)
			}
			if tc.wantSubs != nil && !maps.Equal(r.Subscales, tc.wantSubs) {
				t.Errorf("subscales = %v, want %v", r.Subscales, tc.wantSubs)
			}
			for n, want := range tc.wantItems {
				if r.Items[n] != want {
					t.Errorf("question %d scores %d, want %d", n, r.Items[n], want)
				}
			}
		})
	}
}

func TestSWEMWBSConversionTable(t *testing.T) {
	want := []float64{7.00, 9.51, 11.25, 12.40, 13.33, 14.08, 14.75, 15.32, 15.84, 16.36, 16.88, 17.43, 17.98, 18.59,
		19.25, 19.98, 20.73, 21.54, 22.35, 23.21, 24.11, 25.03, 26.02, 27.03, 28.13, 29.31, 30.70, 32.55, 35.00}
	in := mustLookup(t, "swemwbs")
	for raw := 7; raw <= 35; raw++ {
		r, err := in.Score(answersFor(t, in, raw))
		if err != nil {
			t.Fatal(err)
		}
		if r.Score != want[raw-7] {
			t.Errorf("raw %d converts to %v, want %v", raw, r.Score, want[raw-7])
		}
	}
}

func TestAlerts(t *testing.T) {
	tests := []struct {
		name      string
		key       string
		item, ans int
		want      bool
	}{
		{"PHQ-9 question 9 not at all", "phq9", 9, 0, false},
		{"PHQ-9 question 9 several days", "phq9", 9, 1, true},
		{"PHQ-9 question 9 nearly every day", "phq9", 9, 3, true},
		{"EPDS question 10 scores 0", "epds", 10, 0, false},
		{"EPDS question 10 scores 1", "epds", 10, 1, true},
		{"CORE-10 question 6 not at all", "core10", 6, 0, false},
		{"CORE-10 question 6 only occasionally", "core10", 6, 1, true},
		{"domestic abuse physical harm once or twice", "domestic_abuse", 4, 1, true},
		{"domestic abuse harm involving the baby", "domestic_abuse", 8, 1, true},
		{"domestic abuse injury", "domestic_abuse", 9, 1, true},
		{"domestic abuse put-downs only", "domestic_abuse", 1, 4, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := mustLookup(t, tc.key)
			answers := answersFor(t, in, 0)
			if it, _ := in.Item(tc.item); it.Reverse {
				t.Fatal("test assumes the question is not reversed")
			}
			answers[tc.item] = tc.ans
			r, err := in.Score(answers)
			if err != nil {
				t.Fatal(err)
			}
			if r.Safeguarding != tc.want || (len(r.Alerts) == 1) != tc.want {
				t.Fatalf("safeguarding = %v with alerts %+v, want %v", r.Safeguarding, r.Alerts, tc.want)
			}
			if tc.want && (r.Alerts[0].Item != tc.item || r.Alerts[0].Message == "") {
				t.Errorf("alert %+v", r.Alerts[0])
			}
		})
	}
	// Safeguarding follows the alert's own setting.
	in := mustLookup(t, "phq9")
	in.Alerts[0].Safeguarding = false
	answers := answersFor(t, in, 0)
	answers[9] = 2
	if r, err := in.Score(answers); err != nil || r.Safeguarding || len(r.Alerts) != 1 {
		t.Errorf("non-safeguarding alert: %+v, %v", r, err)
	}
}

// fieldMessages returns a problem's field messages by name, failing the
// test if err is not an Invalid problem.
func fieldMessages(t testing.TB, err error) map[string]string {
	t.Helper()
	p := problem.As(err)
	if p == nil || p.Code != problem.Invalid {
		t.Fatalf("error %v is not an invalid problem", err)
	}
	out := map[string]string{}
	for _, f := range p.Fields {
		out[f.Name] = f.Message
	}
	return out
}

func TestScoreRejects(t *testing.T) {
	phq := answersFor(t, mustLookup(t, "phq9"), 0)
	with := func(change func(map[int]int)) map[int]int {
		a := maps.Clone(phq)
		change(a)
		return a
	}
	tests := []struct {
		name    string
		key     string
		answers map[int]int
		want    map[string]string
	}{
		{"missing item", "phq9", with(func(a map[int]int) { delete(a, 3) }),
			map[string]string{"item-3": "Enter an answer for question 3"}},
		{"out of range high", "phq9", with(func(a map[int]int) { a[3] = 4 }),
			map[string]string{"item-3": "Answer for question 3 must be between 0 and 3"}},
		{"out of range low", "phq9", with(func(a map[int]int) { a[1] = -1 }),
			map[string]string{"item-1": "Answer for question 1 must be between 0 and 3"}},
		{"unknown item", "phq9", with(func(a map[int]int) { a[10] = 0 }),
			map[string]string{"item-10": "There is no question 10 in the PHQ-9"}},
		{"several at once", "phq9", with(func(a map[int]int) { delete(a, 2); a[5] = 9; a[0] = 1 }),
			map[string]string{"item-2": "Enter an answer for question 2", "item-5": "Answer for question 5 must be between 0 and 3", "item-0": "There is no question 0 in the PHQ-9"}},
		{"no answers", "gad7", nil, map[string]string{"item-1": "Enter an answer for question 1", "item-7": "Enter an answer for question 7"}},
		{"WEMWBS below its 1 to 5 range", "wemwbs", map[int]int{1: 0, 2: 1, 3: 1, 4: 1, 5: 1, 6: 1, 7: 1, 8: 1, 9: 1, 10: 1, 11: 1, 12: 1, 13: 1, 14: 1},
			map[string]string{"item-1": "Answer for question 1 must be between 1 and 5"}},
		{"domestic abuse severity above 3", "domestic_abuse", map[int]int{1: 0, 2: 0, 3: 0, 4: 0, 5: 0, 6: 0, 7: 0, 8: 0, 9: 4},
			map[string]string{"item-9": "Answer for question 9 must be between 0 and 3"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := mustLookup(t, tc.key).Score(tc.answers)
			if err == nil {
				t.Fatalf("scored %+v", r)
			}
			got := fieldMessages(t, err)
			for name, msg := range tc.want {
				if got[name] != msg {
					t.Errorf("field %s: got %q, want %q (all: %v)", name, got[name], msg, got)
				}
			}
			if tc.name != "no answers" && len(got) != len(tc.want) {
				t.Errorf("fields = %v, want %v", got, tc.want)
			}
		})
	}
	// The wrong scoring function is the caller's mistake, not the user's.
	if _, err := mustLookup(t, "asq3").Score(map[int]int{}); err == nil || problem.CodeOf(err) != problem.Internal {
		t.Errorf("Score on a score-entry instrument: %v", err)
	}
	if _, err := mustLookup(t, "phq9").ScoreEntered(nil, nil, 0); err == nil || problem.CodeOf(err) != problem.Internal {
		t.Errorf("ScoreEntered on an item instrument: %v", err)
	}
}

func ptr(f float64) *float64 { return &f }

func asq(c, gm, fm, ps, psoc float64) map[string]float64 {
	return map[string]float64{"communication": c, "gross_motor": gm, "fine_motor": fm, "problem_solving": ps, "personal_social": psoc}
}

func TestASQ3(t *testing.T) {
	in := mustLookup(t, "asq3")
	// 12 month cut-offs: communication 15.64, gross motor 21.49, fine
	// motor 34.50, problem solving 27.32, personal-social 21.73;
	// monitoring zones up to 30, 35, 40, 35, 35.
	r, err := in.ScoreEntered(nil, asq(15, 25, 40, 45, 60), 12)
	if err != nil {
		t.Fatal(err)
	}
	if r.AgeBand != 12 || r.Band != "Refer for assessment" || !r.Flagged || r.Monitor {
		t.Errorf("result %+v", r)
	}
	want := []struct {
		key, status, text string
		cutoff            float64
	}{
		{"communication", StatusRefer, "Below cut-off: refer for assessment", 15.64},
		{"gross_motor", StatusMonitor, "Monitor", 21.49},
		{"fine_motor", StatusMonitor, "Monitor", 34.50}, // 40 is the top of its monitoring zone
		{"problem_solving", StatusClear, "Above cut-off: on schedule", 27.32},
		{"personal_social", StatusClear, "Above cut-off: on schedule", 21.73},
	}
	if len(r.Domains) != len(want) {
		t.Fatalf("domains %+v", r.Domains)
	}
	for i, w := range want {
		d := r.Domains[i]
		if d.Key != w.key || d.Status != w.status || d.Text != w.text || d.Cutoff != w.cutoff || !d.HasCutoff ||
			d.Refer != (w.status == StatusRefer) || d.Monitor != (w.status == StatusMonitor) || d.Monitoring == nil {
			t.Errorf("domain %d = %+v, want %+v", i, d, w)
		}
	}

	// Monitoring only.
	r, err = in.ScoreEntered(nil, asq(30, 60, 60, 60, 60), 12)
	if err != nil || r.Band != "Monitor" || r.Flagged || !r.Monitor {
		t.Errorf("monitor: %+v, %v", r, err)
	}
	r, err = in.ScoreEntered(nil, asq(35, 60, 60, 60, 60), 12)
	if err != nil || r.Band != "No concern" || r.Flagged || r.Monitor {
		t.Errorf("clear: %+v, %v", r, err)
	}
}

// TestAgeBandChoice checks which questionnaire interval an age chooses.
func TestAgeBandChoice(t *testing.T) {
	asq3 := mustLookup(t, "asq3")
	asqse2 := mustLookup(t, "asqse2")
	tests := []struct {
		in   Instrument
		age  int
		want int // 0: none
	}{
		{asq3, 0, 0}, {asq3, 1, 2}, {asq3, 2, 2}, {asq3, 3, 4}, {asq3, 4, 4}, {asq3, 5, 6}, {asq3, 6, 6},
		{asq3, 7, 8}, {asq3, 8, 8}, // the 9 month window also holds 8, but 8 is nearer and not above
		{asq3, 9, 10}, // the 9 month questionnaire is explicit_only
		{asq3, 10, 10}, {asq3, 11, 12}, {asq3, 12, 12}, {asq3, 13, 14}, {asq3, 18, 18},
		{asq3, 23, 24}, {asq3, 24, 24}, {asq3, 25, 24}, {asq3, 26, 0}, {asq3, -1, 0},
		{asqse2, 0, 0}, {asqse2, 1, 2}, {asqse2, 3, 6}, {asqse2, 8, 6}, {asqse2, 9, 12}, {asqse2, 14, 12},
		{asqse2, 15, 18}, {asqse2, 21, 24}, {asqse2, 26, 24}, {asqse2, 27, 0},
	}
	for _, tc := range tests {
		b, ok := tc.in.AgeBandFor(tc.age)
		if got := map[bool]int{true: b.Months}[ok]; got != tc.want {
			t.Errorf("%s age %d: interval %d (found %v), want %d", tc.in.Key, tc.age, b.Months, ok, tc.want)
		}
	}
	// Overlapping windows: the nearest interval not above the age wins,
	// and failing that the lowest.
	custom := Instrument{AgeBands: []AgeBand{
		{Months: 4, FromMonths: 2, ToMonths: 6}, {Months: 5, FromMonths: 3, ToMonths: 6}, {Months: 6, FromMonths: 3, ToMonths: 8},
	}}
	for age, want := range map[int]int{2: 4, 3: 4, 4: 4, 5: 5, 6: 6, 7: 6} {
		if b, _ := custom.AgeBandFor(age); b.Months != want {
			t.Errorf("overlap age %d: %d, want %d", age, b.Months, want)
		}
	}
	// A copy: changing it does not change the instrument.
	b, _ := asq3.AgeBandFor(12)
	b.Cutoffs["communication"] = 99
	if again, _ := asq3.AgeBandFor(12); again.Cutoffs["communication"] != 15.64 {
		t.Error("AgeBandFor shares its maps")
	}
}

func TestASQ3NineMonth(t *testing.T) {
	in := mustLookup(t, "asq3")
	// 20 in communication: above the 9 month cut-off (13.97) but at or
	// below the 10 month one (22.87).
	scores := asq(20, 60, 60, 60, 60)
	r, err := in.ScoreEnteredAt(nil, scores, 9)
	if err != nil || r.AgeBand != 9 || r.Flagged || r.Domains[0].Status != StatusMonitor {
		t.Errorf("9 month questionnaire: %+v, %v", r, err)
	}
	r, err = in.ScoreEntered(nil, scores, 9)
	if err != nil || r.AgeBand != 10 || !r.Flagged || r.Domains[0].Status != StatusRefer {
		t.Errorf("age 9 months: %+v, %v", r, err)
	}
	_, err = in.ScoreEnteredAt(nil, scores, 7)
	if got := fieldMessages(t, err); got[IntervalField] != "There is no 7 month ASQ-3 questionnaire" || len(got) != 1 {
		t.Errorf("unknown interval: %v", got)
	}
}

// TestCutoffEdges uses a small definition with whole-number cut-offs, as
// the published ASQ-3 cut-offs can never equal an area score.
func TestCutoffEdges(t *testing.T) {
	below := loadString(t, enteredDef(nil))
	tests := []struct {
		score  float64
		status string
	}{
		{20, StatusRefer}, {25, StatusRefer}, // at the cut-off is referred
		{30, StatusMonitor}, {40, StatusMonitor}, // the top of the monitoring zone is included
		{45, StatusClear}, {60, StatusClear},
	}
	for _, tc := range tests {
		r, err := below.ScoreEntered(nil, map[string]float64{"talking": tc.score, "moving": 60}, 6)
		if err != nil {
			t.Fatal(err)
		}
		if got := r.Domains[0].Status; got != tc.status {
			t.Errorf("below: score %v is %s, want %s", tc.score, got, tc.status)
		}
	}
}

func TestASQSE2(t *testing.T) {
	in := mustLookup(t, "asqse2")
	tests := []struct {
		total    float64
		age      int
		status   string
		band     string
		text     string
		interval int
	}{
		// 12 months: cut-off 48, monitoring zone from 35.
		{50, 12, StatusRefer, "Refer for assessment", "Above cut-off: refer for assessment", 12},
		{45, 12, StatusMonitor, "Monitor", "Monitor", 12},
		{35, 12, StatusMonitor, "Monitor", "Monitor", 12},
		{30, 12, StatusClear, "No concern", "Below cut-off: no concern", 12},
		{0, 12, StatusClear, "No concern", "Below cut-off: no concern", 12},
		// 6 months: cut-off 45; a total equal to it is not above it.
		{45, 6, StatusMonitor, "Monitor", "Monitor", 6},
		{50, 6, StatusRefer, "Refer for assessment", "Above cut-off: refer for assessment", 6},
		{25, 4, StatusClear, "No concern", "Below cut-off: no concern", 6},
		// 24 months: cut-off 61.
		{60, 24, StatusMonitor, "Monitor", "Monitor", 24},
		{65, 24, StatusRefer, "Refer for assessment", "Above cut-off: refer for assessment", 24},
	}
	for _, tc := range tests {
		r, err := in.ScoreEntered(ptr(tc.total), nil, tc.age)
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Domains) != 1 {
			t.Fatalf("domains %+v", r.Domains)
		}
		d := r.Domains[0]
		if r.Score != tc.total || r.Raw != tc.total || r.AgeBand != tc.interval || r.Band != tc.band ||
			d.Key != TotalKey || d.Status != tc.status || d.Text != tc.text || r.Flagged != (tc.status == StatusRefer) {
			t.Errorf("total %v at %d months: %+v %+v", tc.total, tc.age, r, d)
		}
	}
}

func TestScoreEnteredRejects(t *testing.T) {
	asq3 := mustLookup(t, "asq3")
	asqse2 := mustLookup(t, "asqse2")
	tests := []struct {
		name    string
		in      Instrument
		total   *float64
		domains map[string]float64
		age     int
		want    map[string]string
	}{
		{"area out of range", asq3, nil, asq(65, 60, 60, 60, 60), 12,
			map[string]string{"domain-communication": "Communication score must be between 0 and 60"}},
		{"negative area", asq3, nil, asq(60, -5, 60, 60, 60), 12,
			map[string]string{"domain-gross_motor": "Gross motor score must be between 0 and 60"}},
		{"area not a multiple of 5", asq3, nil, asq(60, 60, 42, 60, 60), 12,
			map[string]string{"domain-fine_motor": "Fine motor score must be a multiple of 5"}},
		{"area not a number", asq3, nil, asq(60, 60, 60, math.NaN(), 60), 12,
			map[string]string{"domain-problem_solving": "Problem solving score must be a number"}},
		{"missing area", asq3, nil, map[string]float64{"communication": 60, "gross_motor": 60, "fine_motor": 60, "problem_solving": 60}, 12,
			map[string]string{"domain-personal_social": "Enter a score for personal-social"}},
		{"unknown area", asq3, nil, func() map[string]float64 { m := asq(60, 60, 60, 60, 60); m["walking"] = 5; return m }(), 12,
			map[string]string{"domain-walking": `There is no area "walking" in the ASQ-3`}},
		{"age above every band", asq3, nil, asq(60, 60, 60, 60, 60), 30,
			map[string]string{"age-months": "Age must be between 1 and 25 months for the ASQ-3"}},
		{"age below every band", asq3, nil, asq(60, 60, 60, 60, 60), 0,
			map[string]string{"age-months": "Age must be between 1 and 25 months for the ASQ-3"}},
		{"total given to an instrument without one", asq3, ptr(10), asq(60, 60, 60, 60, 60), 12,
			map[string]string{"total": "The ASQ-3 has no total score; enter the score for each area"}},
		{"missing total", asqse2, nil, nil, 12, map[string]string{"total": "Enter the total score"}},
		{"total not a multiple of 5", asqse2, ptr(42), nil, 12, map[string]string{"total": "Total score must be a multiple of 5"}},
		{"negative total", asqse2, ptr(-5), nil, 12, map[string]string{"total": "Total score must be between 0 and 540"}},
		{"infinite total", asqse2, ptr(math.Inf(1)), nil, 12, map[string]string{"total": "Total score must be a number"}},
		{"age outside ASQ:SE-2", asqse2, ptr(10), nil, 40, map[string]string{"age-months": "Age must be between 1 and 26 months for the ASQ:SE-2"}},
		{"everything wrong", asqse2, ptr(1), map[string]float64{"x": 1}, -3, map[string]string{
			"total": "Total score must be a multiple of 5", "domain-x": `There is no area "x" in the ASQ:SE-2`,
			"age-months": "Age must be between 1 and 26 months for the ASQ:SE-2"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := tc.in.ScoreEntered(tc.total, tc.domains, tc.age)
			if err == nil {
				t.Fatalf("scored %+v", r)
			}
			if got := fieldMessages(t, err); !maps.Equal(got, tc.want) {
				t.Errorf("fields = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestChangeBetween(t *testing.T) {
	phq9 := mustLookup(t, "phq9")
	swemwbs := mustLookup(t, "swemwbs")
	ders := mustLookup(t, "ders16")
	tests := []struct {
		name                    string
		in                      Instrument
		before, after           float64
		reliable, better, worse bool
	}{
		{"PHQ-9 fall of exactly 6", phq9, 20, 14, true, true, false},
		{"PHQ-9 fall of 5", phq9, 20, 15, false, false, false},
		{"PHQ-9 rise of exactly 6", phq9, 8, 14, true, false, true},
		{"PHQ-9 rise of 5", phq9, 8, 13, false, false, false},
		{"PHQ-9 no change", phq9, 8, 8, false, false, false},
		{"SWEMWBS rise of exactly 2.87", swemwbs, 10, 12.87, true, true, false},
		{"SWEMWBS rise of 2.86", swemwbs, 10, 12.86, false, false, false},
		{"SWEMWBS fall of exactly 2.87", swemwbs, 21.54, 18.67, true, false, true},
		{"SWEMWBS table rise 18.59 to 21.54", swemwbs, 18.59, 21.54, true, true, false},
		{"no reliable change defined", ders, 70, 20, false, false, false},
		{"not a number", phq9, math.NaN(), 3, false, false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.in.ChangeBetween(tc.before, tc.after)
			if c.Reliable != tc.reliable || c.Improved != tc.better || c.Deteriorated != tc.worse {
				t.Errorf("%v → %v: %+v, want reliable %v improved %v deteriorated %v", tc.before, tc.after, c, tc.reliable, tc.better, tc.worse)
			}
			if finite(tc.before) && math.Abs(c.Delta-(tc.after-tc.before)) > 1e-12 {
				t.Errorf("delta %v", c.Delta)
			}
		})
	}
}

func TestChangeText(t *testing.T) {
	swemwbs := mustLookup(t, "swemwbs")
	phq9 := mustLookup(t, "phq9")
	tests := []struct {
		in            Instrument
		before, after float64
		want          string
	}{
		{swemwbs, 16.36, 23.21, "+6.85"}, // 6.850000000000001 in floating point
		{swemwbs, 23.21, 16.36, "−6.85"},
		{swemwbs, 18.59, 21.54, "+2.95"},
		{swemwbs, 12.4, 12.4, "0"},
		{swemwbs, 17.43, 17.429, "0"}, // rounds away: not "−0"
		{phq9, 20, 14, "−6"},
		{phq9, 8, 14, "+6"},
	}
	for _, tc := range tests {
		if got := tc.in.ChangeBetween(tc.before, tc.after).Text(); got != tc.want {
			t.Errorf("%v → %v: %q, want %q", tc.before, tc.after, got, tc.want)
		}
	}
}

func TestScoreLabel(t *testing.T) {
	tests := []struct {
		key   string
		score float64
		want  string
	}{
		{"phq9", 14, "14 (moderate)"},
		{"phq9", 0, "0 (minimal)"},
		{"gad7", 21, "21 (severe)"},
		{"core10", 20, "20 (moderate-to-severe)"},
		{"swemwbs", 17.43, "17.43"},
		{"swemwbs", 12.40, "12.4"},
		{"wemwbs", 45, "45"},
	}
	for _, tc := range tests {
		if got := mustLookup(t, tc.key).ScoreLabel(tc.score); got != tc.want {
			t.Errorf("%s %v: %q, want %q", tc.key, tc.score, got, tc.want)
		}
	}
}

func TestFieldNames(t *testing.T) {
	if ItemField(3) != "item-3" || DomainField("communication") != "domain-communication" {
		t.Error("field names changed: the pages depend on them")
	}
	// Every message names the question or area plainly.
	_, err := mustLookup(t, "gad7").Score(map[int]int{})
	for name, msg := range fieldMessages(t, err) {
		if !strings.HasPrefix(name, "item-") || !strings.HasPrefix(msg, "Enter an answer for question ") {
			t.Errorf("%s: %s", name, msg)
		}
	}
}
