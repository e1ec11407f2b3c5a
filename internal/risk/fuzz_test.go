package risk

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/cradle-org/cradle/internal/strictjson"
)

// FuzzScore builds answer maps from random bytes: each pair of bytes is a
// question number (including ones that do not exist) and an answer
// (including invalid ones). Score must never panic, and its results must
// stay consistent.
func FuzzScore(f *testing.F) {
	f.Add([]byte{}, uint8(10), uint8(14), "", "")
	f.Add([]byte{1, 0, 2, 0, 3, 1, 4, 2}, uint8(10), uint8(14), "high", "Strangled last week and threats to kill.")
	f.Add([]byte{0, 0, 25, 1, 255, 2}, uint8(10), uint8(14), "medium", "")
	f.Add([]byte{7, 5, 8, 6}, uint8(0), uint8(0), "nonsense", "x")
	f.Add([]byte{1, 0, 1, 1, 1, 2, 1, 3}, uint8(1), uint8(24), "standard", "")
	choices := []Answer{Yes, No, NotKnown, "", "Yes", "maybe", "not known"}
	f.Fuzz(func(t *testing.T, pairs []byte, medium, high uint8, judgedLevel, reason string) {
		a := Assessment{Answers: map[int]Answer{}, JudgedLevel: Level(judgedLevel), JudgementReason: reason}
		for i := 0; i+1 < len(pairs); i += 2 {
			// The wrap is the point: bytes 128 to 255 become negative question numbers.
			a.Answers[int(int8(pairs[i]))] = choices[int(pairs[i+1])%len(choices)] // #nosec G115 -- see above
		}
		th := Thresholds{Medium: int(medium), High: int(high)}
		r, err := Score(th, a)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Field == "" || e.Message == "" {
				t.Fatalf("error %v is not an *Error with a field and message", err)
			}
			if r != (Result{}) {
				t.Fatalf("result %+v returned with an error", r)
			}
			return
		}
		if r.Yes+r.No+r.NotKnown+r.Unanswered != NumQuestions {
			t.Fatalf("counts %+v do not add up to %d", r, NumQuestions)
		}
		if r.Complete != (r.Unanswered == 0) || (ReadyToComplete(r) == nil) != r.Complete {
			t.Fatalf("Complete = %v with %d unanswered", r.Complete, r.Unanswered)
		}
		if !r.CountLevel.Valid() || !r.Level.Valid() || r.Level.Rank() < r.CountLevel.Rank() {
			t.Fatalf("levels %q → %q", r.CountLevel, r.Level)
		}
		if r.Judged != (r.Level != r.CountLevel) {
			t.Fatalf("Judged = %v with levels %q → %q", r.Judged, r.CountLevel, r.Level)
		}
		cs := MARAC(DefaultMARACConfig(), r, History{})
		if len(cs) != 4 {
			t.Fatalf("%d criteria", len(cs))
		}
		if (r.Level == High) && !ConsiderMARAC(r, cs) {
			t.Fatal("high risk but MARAC not to be considered")
		}
	})
}

// FuzzParseQuestions feeds arbitrary bytes to ParseQuestions, seeded with
// the shipped wording. A refusal is an *Error with a field and a message,
// and no questions; an accepted set validates, holds questions 1 to 24 in
// order, names no field twice, and survives a JSON round trip unchanged.
func FuzzParseQuestions(f *testing.F) {
	f.Add(defaultQuestionsJSON)
	var b strings.Builder
	b.WriteString(`{"source":"s","licence":"l","questions":[`)
	for n := NumQuestions; n >= 1; n-- {
		fmt.Fprintf(&b, `{"number":%d,"key":"q%d","text":"Question %d?"}`, n, n, n)
		if n > 1 {
			b.WriteString(",")
		}
	}
	b.WriteString("]}")
	small := b.String()
	f.Add([]byte(small))
	for _, s := range []string{
		``, `{}`, `null`, `[]`, small + ` {}`, strings.Replace(small, `"licence":"l"`, `"licence":" "`, 1),
		strings.Replace(small, `"number":3,`, `"number":25,`, 1), strings.Replace(small, `"key":"q3"`, `"key":"q4"`, 1),
		strings.Replace(small, `"key":"q3"`, `"key":"Q-3"`, 1), strings.Replace(small, `"source":"s"`, `"source":"s","Source":"t"`, 1),
		strings.Replace(small, `"text":"Question 7?"`, `"text":"\t"`, 1), `{"source":"s","licence":"l","questions":[{"number":"1"}]}`,
		`{"source":"s","licence":"l","colour":"red"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		qs, err := ParseQuestions(data)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Field == "" || e.Message == "" {
				t.Fatalf("error %v is not an *Error with a field and message", err)
			}
			if !reflect.DeepEqual(qs, QuestionSet{}) {
				t.Fatalf("questions returned with an error: %+v", qs)
			}
			return
		}
		if err := qs.Validate(); err != nil {
			t.Fatalf("parsed but does not validate: %v", err)
		}
		if p := strictjson.Check(data); p != nil {
			t.Fatalf("accepted a file that names %q twice (or nests too deeply)", p.Field)
		}
		for i, q := range qs.Questions {
			if q.Number != i+1 {
				t.Fatalf("question %d has number %d", i+1, q.Number)
			}
			if got, ok := qs.Question(q.Number); !ok || got != q {
				t.Fatalf("Question(%d) = %+v, %v", q.Number, got, ok)
			}
		}
		out, err := json.Marshal(qs)
		if err != nil {
			t.Fatal(err)
		}
		again, err := ParseQuestions(out)
		if err != nil || !reflect.DeepEqual(again, qs) {
			t.Fatalf("round trip: %v\n%+v\n%+v", err, qs, again)
		}
	})
}
