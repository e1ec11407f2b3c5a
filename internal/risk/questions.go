package risk

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/cradle-org/cradle/internal/strictjson"
)

// NumQuestions is the length of the DASH checklist. Scoring, thresholds and
// question sets all depend on it, so it is fixed rather than configured.
const NumQuestions = 24

//go:embed questions.json
var defaultQuestionsJSON []byte

// Question is one checklist question. Answers are stored by Number, so a
// licensed wording must keep the same numbering as the default set.
type Question struct {
	Number int    `json:"number"`
	Key    string `json:"key"`  // stable identifier, e.g. for form field names
	Text   string `json:"text"` // asked of the parent who experiences abuse
	Help   string `json:"help"` // optional hint shown under the question
}

// QuestionSet is a full wording of the checklist with where it came from.
type QuestionSet struct {
	Source    string     `json:"source"`
	Licence   string     `json:"licence"`
	Questions []Question `json:"questions"` // sorted by Number, 1 to 24
}

// Question returns question n, if the set has it.
func (qs QuestionSet) Question(n int) (Question, bool) {
	// A loop rather than indexing, so a set built in code need not be sorted.
	for _, q := range qs.Questions {
		if q.Number == n {
			return q, true
		}
	}
	return Question{}, false
}

// DefaultQuestions returns the project's own neutral wording, parsed from the
// embedded questions.json on every call so that callers cannot share and
// change it.
func DefaultQuestions() (QuestionSet, error) {
	qs, err := ParseQuestions(defaultQuestionsJSON)
	if err != nil {
		return QuestionSet{}, fmt.Errorf("risk: default questions: %w", err)
	}
	return qs, nil
}

// ParseQuestions parses and validates a question set in the questions.json
// format, such as an organisation's licensed SafeLives wording. Unknown
// fields, a field given twice and trailing data are rejected, because a
// misspelt or repeated field silently ignored would leave a question blank or
// change its wording. Errors are *Error.
func ParseQuestions(data []byte) (QuestionSet, error) {
	if p := strictjson.Check(data); p != nil {
		return QuestionSet{}, &Error{Field: p.Path(), Message: "In the question file, " + p.Path() + " " + p.Reason()}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var qs QuestionSet
	if err := dec.Decode(&qs); err != nil {
		return QuestionSet{}, &Error{Field: "questions", Message: "The question file is not valid: " + err.Error()}
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return QuestionSet{}, &Error{Field: "questions", Message: "The question file has unexpected data after the JSON object"}
	}
	if err := qs.Validate(); err != nil {
		return QuestionSet{}, err
	}
	sort.Slice(qs.Questions, func(i, j int) bool { return qs.Questions[i].Number < qs.Questions[j].Number })
	return qs, nil
}

// Validate checks that the set has exactly 24 questions numbered 1 to 24,
// each with a unique key and some text. The first problem is returned as an
// *Error.
func (qs QuestionSet) Validate() error {
	bad := func(field, format string, args ...any) error {
		return &Error{Field: field, Message: fmt.Sprintf(format, args...)}
	}
	if strings.TrimSpace(qs.Source) == "" {
		return bad("source", "Enter where the question wording comes from")
	}
	if strings.TrimSpace(qs.Licence) == "" {
		return bad("licence", "Enter the licence for the question wording")
	}
	if len(qs.Questions) != NumQuestions {
		return bad("questions", "There must be exactly %d questions, but there are %d", NumQuestions, len(qs.Questions))
	}
	numbers := map[int]bool{}
	keys := map[string]int{}
	for i, q := range qs.Questions {
		field := fmt.Sprintf("questions[%d]", i)
		if q.Number < 1 || q.Number > NumQuestions {
			return bad(field+".number", "Question numbers must be from 1 to %d, not %d", NumQuestions, q.Number)
		}
		if numbers[q.Number] {
			return bad(field+".number", "Question %d appears more than once", q.Number)
		}
		numbers[q.Number] = true
		if !validKey(q.Key) {
			return bad(field+".key", "Question %d needs a key of lower-case letters, digits and underscores", q.Number)
		}
		if n, dup := keys[q.Key]; dup {
			return bad(field+".key", "Questions %d and %d have the same key %q", n, q.Number, q.Key)
		}
		keys[q.Key] = q.Number
		if strings.TrimSpace(q.Text) == "" {
			return bad(field+".text", "Question %d has no text", q.Number)
		}
	}
	return nil
}

// validKey keeps keys safe to use as HTML ids and form field names.
func validKey(k string) bool {
	if k == "" || len(k) > 64 {
		return false
	}
	for _, r := range k {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '_' {
			return false
		}
	}
	return true
}
