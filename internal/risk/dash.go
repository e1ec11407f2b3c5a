package risk

import (
	"fmt"
	"sort"
	"strings"
	"unicode"
)

// Answer is the parent's answer to one question. The empty Answer means the
// question has not been answered yet.
type Answer string

// The answers a question can have.
const (
	Yes      Answer = "yes"
	No       Answer = "no"
	NotKnown Answer = "not_known"
)

// Valid reports whether a is yes, no or not known. The empty Answer is not
// valid: it means unanswered, which Score counts separately.
func (a Answer) Valid() bool { return a == Yes || a == No || a == NotKnown }

// Level is a level of risk.
type Level string

// The levels, lowest first.
const (
	Standard Level = "standard"
	Medium   Level = "medium"
	High     Level = "high"
)

// Rank orders levels for comparison: 1 standard, 2 medium, 3 high, and 0 for
// anything else, including the empty Level.
func (l Level) Rank() int {
	switch l {
	case Standard:
		return 1
	case Medium:
		return 2
	case High:
		return 3
	}
	return 0
}

// Valid reports whether l is standard, medium or high.
func (l Level) Valid() bool { return l.Rank() > 0 }

// Label is the level as shown to people: "Standard", "Medium" or "High", or
// "" for an invalid level.
func (l Level) Label() string {
	switch l {
	case Standard:
		return "Standard"
	case Medium:
		return "Medium"
	case High:
		return "High"
	}
	return ""
}

// Error is a problem with one field, worded GOV.UK style so that it can be
// shown next to the field and in an error summary. Field is a stable name
// such as "question-7" or "judgement-reason", never free text.
type Error struct {
	Field   string
	Message string
}

func (e *Error) Error() string { return "risk: " + e.Field + ": " + e.Message }

// Default thresholds: the SafeLives bands of 10 to 13 "yes" answers for
// medium and 14 or more for high.
const (
	DefaultMediumThreshold = 10
	DefaultHighThreshold   = 14
)

// Thresholds are the lowest counts of "yes" answers that give medium and high
// risk. They are configurable because some areas band differently.
type Thresholds struct {
	Medium, High int
}

// DefaultThresholds returns 10 for medium and 14 for high.
func DefaultThresholds() Thresholds {
	return Thresholds{Medium: DefaultMediumThreshold, High: DefaultHighThreshold}
}

// Validate checks 0 < Medium < High <= 24, so that every band can be reached
// and standard always includes zero "yes" answers.
func (t Thresholds) Validate() error {
	if t.Medium < 1 {
		return &Error{Field: "medium", Message: "The medium threshold must be 1 or more"}
	}
	if t.High <= t.Medium {
		return &Error{Field: "high", Message: "The high threshold must be more than the medium threshold"}
	}
	if t.High > NumQuestions {
		return &Error{Field: "high", Message: fmt.Sprintf("The high threshold must be %d or less", NumQuestions)}
	}
	return nil
}

// LevelFor is the level a count of "yes" answers gives on its own.
func (t Thresholds) LevelFor(yes int) Level {
	switch {
	case yes >= t.High:
		return High
	case yes >= t.Medium:
		return Medium
	}
	return Standard
}

// Assessment is one completed or draft checklist for a parent who
// experiences abuse.
type Assessment struct {
	Answers map[int]Answer // question number (1 to 24) → answer; missing or "" is unanswered
	Context map[int]string // optional free text per question, never used in scoring
	// ParentView is the parent's own view of their risk. It is recorded
	// alongside the score, not scored, and may inform judgement.
	ParentView      string
	JudgedLevel     Level // "" means no professional judgement
	JudgementReason string
}

// Result is the outcome of scoring an assessment.
type Result struct {
	Yes, No, NotKnown, Unanswered int
	CountLevel                    Level      // from the count of "yes" answers alone
	Level                         Level      // after judgement; never lower than CountLevel
	Judged                        bool       // professional judgement raised the level
	Complete                      bool       // all 24 questions answered
	Thresholds                    Thresholds // used for CountLevel, kept so the result explains itself
}

// MinReasonLength is the fewest letters and digits a judgement reason must
// have, so that "n/a" or "see notes" cannot stand in for reasons.
const MinReasonLength = 10

// Score counts the answers and applies any professional judgement.
//
// A draft with unanswered questions still scores, with Complete false; use
// ReadyToComplete before completing it. Professional judgement may raise the
// level, with reasons, but never lower it; a judgement equal to the count
// level is accepted and leaves Judged false. Errors are *Error, and the
// Result is zero when there is one.
func Score(t Thresholds, a Assessment) (Result, error) {
	if err := t.Validate(); err != nil {
		return Result{}, err
	}
	if err := checkNumbers(a); err != nil {
		return Result{}, err
	}
	r := Result{Thresholds: t}
	for n := 1; n <= NumQuestions; n++ {
		switch ans := a.Answers[n]; ans {
		case Yes:
			r.Yes++
		case No:
			r.No++
		case NotKnown:
			r.NotKnown++
		case "":
			r.Unanswered++
		default:
			return Result{}, &Error{Field: questionField(n), Message: fmt.Sprintf("Select yes, no or not known for question %d", n)}
		}
	}
	r.Complete = r.Unanswered == 0
	r.CountLevel = t.LevelFor(r.Yes)
	r.Level = r.CountLevel

	if a.JudgedLevel == "" {
		return r, nil
	}
	if !a.JudgedLevel.Valid() {
		return Result{}, &Error{Field: "judged-level", Message: "Select Standard, Medium or High for professional judgement"}
	}
	if a.JudgedLevel.Rank() < r.CountLevel.Rank() {
		return Result{}, &Error{Field: "judged-level", Message: fmt.Sprintf(
			"Professional judgement can raise the level, never lower it. The answers give %s, so choose %s",
			r.CountLevel.Label(), choicesFrom(r.CountLevel))}
	}
	if a.JudgedLevel == r.CountLevel {
		return r, nil
	}
	switch n := reasonLength(a.JudgementReason); {
	case n == 0:
		return Result{}, &Error{Field: "judgement-reason", Message: "Enter the reasons for raising the level"}
	case n < MinReasonLength:
		return Result{}, &Error{Field: "judgement-reason", Message: fmt.Sprintf(
			"Reasons for raising the level must be %d characters or more, not counting spaces and punctuation", MinReasonLength)}
	}
	r.Level = a.JudgedLevel
	r.Judged = true
	return r, nil
}

// checkNumbers rejects answers or context for questions that do not exist,
// in question order so that the error is the same every time.
func checkNumbers(a Assessment) error {
	var bad []int
	for n := range a.Answers {
		if n < 1 || n > NumQuestions {
			bad = append(bad, n)
		}
	}
	for n := range a.Context {
		if n < 1 || n > NumQuestions {
			bad = append(bad, n)
		}
	}
	if len(bad) == 0 {
		return nil
	}
	sort.Ints(bad)
	return &Error{Field: "answers", Message: fmt.Sprintf("There is no question %d: questions are numbered 1 to %d", bad[0], NumQuestions)}
}

func questionField(n int) string { return fmt.Sprintf("question-%d", n) }

// choicesFrom lists the levels a judgement may choose, from l upwards:
// "Medium or High".
func choicesFrom(l Level) string {
	var out []string
	for _, c := range []Level{Standard, Medium, High} {
		if c.Rank() >= l.Rank() {
			out = append(out, c.Label())
		}
	}
	if len(out) == 1 {
		return out[0]
	}
	return strings.Join(out[:len(out)-1], ", ") + " or " + out[len(out)-1]
}

// reasonLength counts letters and digits, so that spaces and punctuation
// alone do not count as reasons.
func reasonLength(s string) int {
	n := 0
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			n++
		}
	}
	return n
}

// ReadyToComplete returns an *Error unless every question has been answered,
// naming how many are still unanswered.
func ReadyToComplete(r Result) error {
	if r.Yes+r.No+r.NotKnown+r.Unanswered != NumQuestions {
		// A zero or hand-built Result: it was never scored.
		return &Error{Field: "answers", Message: fmt.Sprintf("Answer all %d questions before completing", NumQuestions)}
	}
	switch r.Unanswered {
	case 0:
		return nil
	case 1:
		return &Error{Field: "answers", Message: fmt.Sprintf("Answer all %d questions before completing: 1 is unanswered", NumQuestions)}
	}
	return &Error{Field: "answers", Message: fmt.Sprintf("Answer all %d questions before completing: %d are unanswered", NumQuestions, r.Unanswered)}
}

// Label is the answer as shown to people: "Yes", "No", "Not known", or
// "Not answered" for the empty answer.
func (a Answer) Label() string {
	switch a {
	case Yes:
		return "Yes"
	case No:
		return "No"
	case NotKnown:
		return "Not known"
	}
	return "Not answered"
}

// AnswerChange is a question whose answer differs between two assessments.
type AnswerChange struct {
	Question int
	Before   Answer // "" when the earlier assessment left it unanswered
}

// ChangedAnswers lists, in question order, the questions answered
// differently in after than in before: what a practitioner reviewing a
// parent's risk looks for first (a new "yes" to strangulation, say). An
// answer given where there was none counts as a change.
func ChangedAnswers(before, after Assessment) []AnswerChange {
	var out []AnswerChange
	for n := 1; n <= NumQuestions; n++ {
		if b, a := before.Answers[n], after.Answers[n]; a != b {
			out = append(out, AnswerChange{Question: n, Before: b})
		}
	}
	return out
}
