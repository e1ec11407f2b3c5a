package risk

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

// answers fills questions in order: yes answers first, then no, then not
// known; the rest are left unanswered.
func answers(yes, no, notKnown int) map[int]Answer {
	m := map[int]Answer{}
	n := 1
	for _, p := range []struct {
		count int
		a     Answer
	}{{yes, Yes}, {no, No}, {notKnown, NotKnown}} {
		for i := 0; i < p.count; i++ {
			m[n] = p.a
			n++
		}
	}
	return m
}

// complete has yes "yes" answers and "no" for the rest.
func complete(yes int) map[int]Answer { return answers(yes, NumQuestions-yes, 0) }

const reason = "Recent non-fatal strangulation and separation."

func TestLevel(t *testing.T) {
	tests := []struct {
		l     Level
		rank  int
		label string
		valid bool
	}{
		{Standard, 1, "Standard", true},
		{Medium, 2, "Medium", true},
		{High, 3, "High", true},
		{"", 0, "", false},
		{"HIGH", 0, "", false},
		{"very high", 0, "", false},
	}
	for _, tt := range tests {
		if got := tt.l.Rank(); got != tt.rank {
			t.Errorf("%q.Rank() = %d, want %d", tt.l, got, tt.rank)
		}
		if got := tt.l.Label(); got != tt.label {
			t.Errorf("%q.Label() = %q, want %q", tt.l, got, tt.label)
		}
		if got := tt.l.Valid(); got != tt.valid {
			t.Errorf("%q.Valid() = %v, want %v", tt.l, got, tt.valid)
		}
	}
}

func TestAnswerValid(t *testing.T) {
	for a, want := range map[Answer]bool{Yes: true, No: true, NotKnown: true, "": false, "Yes": false, "not known": false, "maybe": false} {
		if got := a.Valid(); got != want {
			t.Errorf("%q.Valid() = %v, want %v", a, got, want)
		}
	}
}

func TestThresholdsValidate(t *testing.T) {
	tests := []struct {
		name  string
		t     Thresholds
		field string // "" = valid
	}{
		{"default", DefaultThresholds(), ""},
		{"smallest", Thresholds{1, 2}, ""},
		{"largest", Thresholds{23, 24}, ""},
		{"zero", Thresholds{}, "medium"},
		{"medium zero", Thresholds{0, 14}, "medium"},
		{"medium negative", Thresholds{-1, 14}, "medium"},
		{"equal", Thresholds{10, 10}, "high"},
		{"high below medium", Thresholds{14, 10}, "high"},
		{"high above 24", Thresholds{10, 25}, "high"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.t.Validate()
			checkField(t, err, tt.field)
		})
	}
	if d := DefaultThresholds(); d.Medium != 10 || d.High != 14 {
		t.Errorf("DefaultThresholds() = %+v, want 10 and 14", d)
	}
}

// checkField fails unless err is an *Error for field, or nil when field is "".
func checkField(t *testing.T, err error, field string) *Error {
	t.Helper()
	if field == "" {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return nil
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v is not an *Error (want field %q)", err, field)
	}
	if e.Field != field {
		t.Fatalf("error field = %q, want %q (%v)", e.Field, field, err)
	}
	if e.Message == "" || strings.ToUpper(e.Message[:1]) != e.Message[:1] || strings.HasSuffix(e.Message, ".") {
		t.Errorf("message %q should start with a capital and have no full stop", e.Message)
	}
	return e
}

func TestScoreCounts(t *testing.T) {
	def := DefaultThresholds()
	tests := []struct {
		name       string
		t          Thresholds
		answers    map[int]Answer
		yes, no    int
		nk, unans  int
		countLevel Level
		complete   bool
	}{
		{"nothing answered", def, nil, 0, 0, 0, 24, Standard, false},
		{"empty map", def, map[int]Answer{}, 0, 0, 0, 24, Standard, false},
		{"all no", def, complete(0), 0, 24, 0, 0, Standard, true},
		{"1 yes", def, complete(1), 1, 23, 0, 0, Standard, true},
		{"9 yes", def, complete(9), 9, 15, 0, 0, Standard, true},
		{"10 yes", def, complete(10), 10, 14, 0, 0, Medium, true},
		{"13 yes", def, complete(13), 13, 11, 0, 0, Medium, true},
		{"14 yes", def, complete(14), 14, 10, 0, 0, High, true},
		{"24 yes", def, complete(24), 24, 0, 0, 0, High, true},
		{"not known is not yes", def, answers(13, 0, 11), 13, 0, 11, 0, Medium, true},
		{"all not known", def, answers(0, 0, 24), 0, 0, 24, 0, Standard, true},
		{"3 unanswered", def, answers(5, 10, 6), 5, 10, 6, 3, Standard, false},
		{"draft reaches high", def, answers(14, 0, 0), 14, 0, 0, 10, High, false},
		{"empty string is unanswered", def, map[int]Answer{1: Yes, 2: ""}, 1, 0, 0, 23, Standard, false},
		{"custom: below medium", Thresholds{5, 8}, complete(4), 4, 20, 0, 0, Standard, true},
		{"custom: at medium", Thresholds{5, 8}, complete(5), 5, 19, 0, 0, Medium, true},
		{"custom: below high", Thresholds{5, 8}, complete(7), 7, 17, 0, 0, Medium, true},
		{"custom: at high", Thresholds{5, 8}, complete(8), 8, 16, 0, 0, High, true},
		{"custom: high is 24", Thresholds{12, 24}, complete(23), 23, 1, 0, 0, Medium, true},
		{"custom: all 24", Thresholds{12, 24}, complete(24), 24, 0, 0, 0, High, true},
		{"custom: medium is 1", Thresholds{1, 2}, complete(1), 1, 23, 0, 0, Medium, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Score(tt.t, Assessment{Answers: tt.answers})
			if err != nil {
				t.Fatal(err)
			}
			want := Result{
				Yes: tt.yes, No: tt.no, NotKnown: tt.nk, Unanswered: tt.unans,
				CountLevel: tt.countLevel, Level: tt.countLevel, Complete: tt.complete, Thresholds: tt.t,
			}
			if r != want {
				t.Errorf("Score() = %+v\nwant      %+v", r, want)
			}
		})
	}
}

func TestScoreJudgement(t *testing.T) {
	tests := []struct {
		name   string
		yes    int
		judged Level
		reason string
		level  Level // when no error
		raised bool
		field  string // "" = no error
		msg    string // exact message, when set
	}{
		{"none", 5, "", "", Standard, false, "", ""},
		{"none needs no reason", 14, "", "", High, false, "", ""},
		{"standard to high", 3, High, reason, High, true, "", ""},
		{"standard to medium", 9, Medium, reason, Medium, true, "", ""},
		{"medium to high", 13, High, reason, High, true, "", ""},
		{"equal standard", 0, Standard, "", Standard, false, "", ""},
		{"equal medium without reason", 10, Medium, "", Medium, false, "", ""},
		{"equal high with reason", 20, High, reason, High, false, "", ""},
		{"lower medium to standard", 10, Standard, reason, "", false, "judged-level",
			"Professional judgement can raise the level, never lower it. The answers give Medium, so choose Medium or High"},
		{"lower high to medium", 14, Medium, reason, "", false, "judged-level",
			"Professional judgement can raise the level, never lower it. The answers give High, so choose High"},
		{"lower high to standard", 24, Standard, reason, "", false, "judged-level",
			"Professional judgement can raise the level, never lower it. The answers give High, so choose High"},
		{"lower without reason names the level problem", 14, Standard, "", "", false, "judged-level", ""},
		{"invalid judged level", 3, "severe", reason, "", false, "judged-level",
			"Select Standard, Medium or High for professional judgement"},
		{"capitalised judged level", 3, "High", reason, "", false, "judged-level", ""},
		{"missing reason", 3, High, "", "", false, "judgement-reason", "Enter the reasons for raising the level"},
		{"blank reason", 3, High, "  \n\t ", "", false, "judgement-reason", "Enter the reasons for raising the level"},
		{"punctuation only", 3, High, "..........!!!", "", false, "judgement-reason", ""},
		{"9 letters", 3, High, "see notes", "", false, "judgement-reason",
			"Reasons for raising the level must be 10 characters or more, not counting spaces and punctuation"},
		{"9 letters spaced out", 3, High, "a b c d e f g h i", "", false, "judgement-reason", ""},
		{"10 letters", 3, High, "strangling.", High, true, "", ""},
		{"10 letters and digits", 3, High, "seen 2 x 4 wk ago", High, true, "", ""},
		{"non-Latin letters count", 3, High, "ナイフで脅された事がある", High, true, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Score(DefaultThresholds(), Assessment{
				Answers:         complete(tt.yes),
				JudgedLevel:     tt.judged,
				JudgementReason: tt.reason,
				ParentView:      "I think it is getting worse",
			})
			e := checkField(t, err, tt.field)
			if e != nil {
				if tt.msg != "" && e.Message != tt.msg {
					t.Errorf("message = %q\nwant      %q", e.Message, tt.msg)
				}
				if r != (Result{}) {
					t.Errorf("result %+v returned with an error", r)
				}
				if strings.Contains(e.Error(), tt.reason) && tt.reason != "" {
					t.Errorf("error %q echoes the reason", e.Error())
				}
				return
			}
			if r.Level != tt.level || r.Judged != tt.raised {
				t.Errorf("Level = %q, Judged = %v; want %q, %v", r.Level, r.Judged, tt.level, tt.raised)
			}
			if want := DefaultThresholds().LevelFor(tt.yes); r.CountLevel != want {
				t.Errorf("CountLevel = %q, want %q", r.CountLevel, want)
			}
			if r.Level.Rank() < r.CountLevel.Rank() {
				t.Errorf("Level %q is lower than CountLevel %q", r.Level, r.CountLevel)
			}
		})
	}
}

func TestScoreInvalid(t *testing.T) {
	tests := []struct {
		name  string
		t     Thresholds
		a     Assessment
		field string
		msg   string
	}{
		{"invalid thresholds", Thresholds{14, 10}, Assessment{Answers: complete(3)}, "high", ""},
		{"zero thresholds", Thresholds{}, Assessment{Answers: complete(3)}, "medium", ""},
		{"capitalised answer", DefaultThresholds(), Assessment{Answers: map[int]Answer{7: "Yes"}}, "question-7",
			"Select yes, no or not known for question 7"},
		{"unknown answer", DefaultThresholds(), Assessment{Answers: map[int]Answer{1: Yes, 24: "maybe"}}, "question-24", ""},
		{"first invalid answer wins", DefaultThresholds(), Assessment{Answers: map[int]Answer{9: "y", 3: "n"}}, "question-3", ""},
		{"question 0", DefaultThresholds(), Assessment{Answers: map[int]Answer{0: Yes}}, "answers",
			"There is no question 0: questions are numbered 1 to 24"},
		{"question 25", DefaultThresholds(), Assessment{Answers: map[int]Answer{25: Yes}}, "answers",
			"There is no question 25: questions are numbered 1 to 24"},
		{"lowest bad number wins", DefaultThresholds(), Assessment{Answers: map[int]Answer{30: Yes, -2: No}}, "answers",
			"There is no question -2: questions are numbered 1 to 24"},
		{"context for question 25", DefaultThresholds(), Assessment{Context: map[int]string{25: "x"}}, "answers", ""},
		{"bad number before bad answer", DefaultThresholds(), Assessment{Answers: map[int]Answer{1: "x", 99: Yes}}, "answers", ""},
		{"bad answer before judgement", DefaultThresholds(), Assessment{Answers: map[int]Answer{1: "x"}, JudgedLevel: High}, "question-1", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Score(tt.t, tt.a)
			e := checkField(t, err, tt.field)
			if tt.msg != "" && e.Message != tt.msg {
				t.Errorf("message = %q\nwant      %q", e.Message, tt.msg)
			}
			if r != (Result{}) {
				t.Errorf("result %+v returned with an error", r)
			}
		})
	}
}

func TestScoreIgnoresFreeText(t *testing.T) {
	plain, err := Score(DefaultThresholds(), Assessment{Answers: complete(12)})
	if err != nil {
		t.Fatal(err)
	}
	withText, err := Score(DefaultThresholds(), Assessment{
		Answers:    complete(12),
		Context:    map[int]string{1: "bruised arm", 24: "yes yes yes"},
		ParentView: "I feel at very high risk",
	})
	if err != nil {
		t.Fatal(err)
	}
	if plain != withText {
		t.Errorf("free text changed the result: %+v vs %+v", plain, withText)
	}
}

func TestReadyToComplete(t *testing.T) {
	tests := []struct {
		name string
		r    func() Result
		msg  string // "" = ready
	}{
		{"complete", func() Result { return mustScore(t, complete(5)) }, ""},
		{"complete with not known", func() Result { return mustScore(t, answers(2, 2, 20)) }, ""},
		{"1 unanswered", func() Result { return mustScore(t, answers(3, 20, 0)) },
			"Answer all 24 questions before completing: 1 is unanswered"},
		{"3 unanswered", func() Result { return mustScore(t, answers(3, 18, 0)) },
			"Answer all 24 questions before completing: 3 are unanswered"},
		{"nothing answered", func() Result { return mustScore(t, nil) },
			"Answer all 24 questions before completing: 24 are unanswered"},
		{"never scored", func() Result { return Result{} }, "Answer all 24 questions before completing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.r()
			err := ReadyToComplete(r)
			if tt.msg == "" {
				if err != nil || !r.Complete {
					t.Fatalf("ReadyToComplete = %v, Complete = %v; want ready", err, r.Complete)
				}
				return
			}
			e := checkField(t, err, "answers")
			if e.Message != tt.msg {
				t.Errorf("message = %q\nwant      %q", e.Message, tt.msg)
			}
			if r.Complete {
				t.Error("Complete is true for an incomplete result")
			}
		})
	}
}

func mustScore(t *testing.T, a map[int]Answer) Result {
	t.Helper()
	r, err := Score(DefaultThresholds(), Assessment{Answers: a})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestLevelFor(t *testing.T) {
	th := DefaultThresholds()
	for yes := 0; yes <= NumQuestions; yes++ {
		want := Standard
		if yes >= 14 {
			want = High
		} else if yes >= 10 {
			want = Medium
		}
		if got := th.LevelFor(yes); got != want {
			t.Errorf("LevelFor(%d) = %q, want %q", yes, got, want)
		}
	}
}

func TestChangedAnswers(t *testing.T) {
	all := func(a Answer) map[int]Answer {
		m := map[int]Answer{}
		for n := 1; n <= NumQuestions; n++ {
			m[n] = a
		}
		return m
	}
	with := func(m map[int]Answer, n int, a Answer) map[int]Answer {
		out := map[int]Answer{}
		for k, v := range m {
			out[k] = v
		}
		if a == "" {
			delete(out, n)
		} else {
			out[n] = a
		}
		return out
	}
	for _, tc := range []struct {
		name          string
		before, after map[int]Answer
		want          []AnswerChange
	}{
		{"the same answers", all(No), all(No), nil},
		{"one new yes", all(No), with(all(No), 15, Yes), []AnswerChange{{15, No}}},
		{"two, in question order", with(all(No), 3, Yes), with(with(all(No), 20, NotKnown), 3, No), []AnswerChange{{3, Yes}, {20, No}}},
		{"answered where there was none", with(all(No), 7, ""), all(No), []AnswerChange{{7, ""}}},
		{"every answer", all(No), all(Yes), func() []AnswerChange {
			var c []AnswerChange
			for n := 1; n <= NumQuestions; n++ {
				c = append(c, AnswerChange{n, No})
			}
			return c
		}()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := ChangedAnswers(Assessment{Answers: tc.before}, Assessment{Answers: tc.after})
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("ChangedAnswers = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestAnswerLabel(t *testing.T) {
	for a, want := range map[Answer]string{Yes: "Yes", No: "No", NotKnown: "Not known", "": "Not answered", "maybe": "Not answered"} {
		if got := a.Label(); got != want {
			t.Errorf("%q.Label() = %q, want %q", a, got, want)
		}
	}
}
