package risk

import (
	"errors"
	"testing"
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
