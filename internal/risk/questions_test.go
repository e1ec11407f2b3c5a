package risk

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
)

func TestDefaultQuestions(t *testing.T) {
	qs, err := DefaultQuestions()
	if err != nil {
		t.Fatal(err)
	}
	if len(qs.Questions) != NumQuestions {
		t.Fatalf("%d questions, want %d", len(qs.Questions), NumQuestions)
	}
	keys := map[string]bool{}
	for i, q := range qs.Questions {
		if q.Number != i+1 {
			t.Errorf("question %d has number %d", i+1, q.Number)
		}
		if keys[q.Key] {
			t.Errorf("duplicate key %q", q.Key)
		}
		keys[q.Key] = true
		if !strings.HasSuffix(q.Text, "?") {
			t.Errorf("question %d text %q is not a question", q.Number, q.Text)
		}
		if got, ok := qs.Question(q.Number); !ok || got != q {
			t.Errorf("Question(%d) = %+v, %v", q.Number, got, ok)
		}
	}
	if _, ok := qs.Question(0); ok {
		t.Error("Question(0) found")
	}
	if _, ok := qs.Question(25); ok {
		t.Error("Question(25) found")
	}

	// Each call parses afresh, so changing one copy cannot change another.
	qs.Questions[0].Text = "changed"
	again, err := DefaultQuestions()
	if err != nil {
		t.Fatal(err)
	}
	if again.Questions[0].Text == "changed" {
		t.Error("DefaultQuestions shares state between calls")
	}
}

// TestQuestionsLanguage enforces the programme's language rule (PROGRAMME.md
// §2) on every word of the shipped file, including source and licence.
func TestQuestionsLanguage(t *testing.T) {
	banned := regexp.MustCompile(`(?i)victim|perpetrator|abuser`)
	if m := banned.FindAll(defaultQuestionsJSON, -1); len(m) > 0 {
		t.Errorf("questions.json uses labelling words: %q", m)
	}
}

// TestQuestionsCoverRiskAreas checks that each of the 24 DASH risk areas is
// asked about, by a word its question (or help) must contain.
func TestQuestionsCoverRiskAreas(t *testing.T) {
	qs, err := DefaultQuestions()
	if err != nil {
		t.Fatal(err)
	}
	want := map[int][]string{
		1: {"hurt"}, 2: {"scared"}, 3: {"hurt again", "violence"}, 4: {"family", "friends"},
		5: {"low", "ending your life"}, 6: {"separated"}, 7: {"seeing the children"},
		8: {"texting", "follow"}, 9: {"pregnant", "baby"}, 10: {"more often"}, 11: {"worse"},
		12: {"control", "jealous"}, 13: {"weapon", "object"}, 14: {"kill"},
		15: {"strangle", "choke", "suffocate", "drown"}, 16: {"sexual"}, 17: {"anyone else", "threatened"},
		18: {"anyone else", "children", "not theirs"}, 19: {"animal", "pet"}, 20: {"money", "job"},
		21: {"alcohol", "drugs", "mental health"}, 22: {"end their own life"},
		23: {"bail", "court order", "injunction"}, 24: {"police", "criminal"},
	}
	for n, words := range want {
		q, ok := qs.Question(n)
		if !ok {
			t.Fatalf("no question %d", n)
		}
		all := strings.ToLower(q.Text + " " + q.Help)
		for _, w := range words {
			if !strings.Contains(all, w) {
				t.Errorf("question %d (%s) does not mention %q", n, q.Key, w)
			}
		}
	}
}

// setJSON builds a question file from the default set after change edits it.
func setJSON(t *testing.T, change func(m map[string]any, qs []map[string]any) []map[string]any) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(defaultQuestionsJSON, &m); err != nil {
		t.Fatal(err)
	}
	var qs []map[string]any
	for _, q := range m["questions"].([]any) {
		qs = append(qs, q.(map[string]any))
	}
	m["questions"] = change(m, qs)
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseQuestions(t *testing.T) {
	same := func(m map[string]any, qs []map[string]any) []map[string]any { return qs }
	tests := []struct {
		name  string
		data  []byte
		field string // "" = valid
		msg   string // part of the message, when set
	}{
		{"default", defaultQuestionsJSON, "", ""},
		{"round trip", setJSON(t, same), "", ""},
		{"reversed order is sorted", setJSON(t, func(_ map[string]any, qs []map[string]any) []map[string]any {
			for i, j := 0, len(qs)-1; i < j; i, j = i+1, j-1 {
				qs[i], qs[j] = qs[j], qs[i]
			}
			return qs
		}), "", ""},
		{"help may be left out", setJSON(t, func(_ map[string]any, qs []map[string]any) []map[string]any {
			delete(qs[0], "help")
			return qs
		}), "", ""},
		{"23 questions", setJSON(t, func(_ map[string]any, qs []map[string]any) []map[string]any {
			return qs[:23]
		}), "questions", "exactly 24 questions, but there are 23"},
		{"25 questions", setJSON(t, func(_ map[string]any, qs []map[string]any) []map[string]any {
			return append(qs, map[string]any{"number": 25, "key": "extra", "text": "Extra?"})
		}), "questions", "there are 25"},
		{"no questions", setJSON(t, func(_ map[string]any, qs []map[string]any) []map[string]any {
			return nil
		}), "questions", "there are 0"},
		{"duplicate number", setJSON(t, func(_ map[string]any, qs []map[string]any) []map[string]any {
			qs[4]["number"] = 3
			return qs
		}), "questions[4].number", "Question 3 appears more than once"},
		{"number 0", setJSON(t, func(_ map[string]any, qs []map[string]any) []map[string]any {
			qs[0]["number"] = 0
			return qs
		}), "questions[0].number", "not 0"},
		{"number 25", setJSON(t, func(_ map[string]any, qs []map[string]any) []map[string]any {
			qs[23]["number"] = 25
			return qs
		}), "questions[23].number", "not 25"},
		{"duplicate key", setJSON(t, func(_ map[string]any, qs []map[string]any) []map[string]any {
			qs[10]["key"] = qs[1]["key"]
			return qs
		}), "questions[10].key", "Questions 2 and 11 have the same key"},
		{"missing key", setJSON(t, func(_ map[string]any, qs []map[string]any) []map[string]any {
			delete(qs[5], "key")
			return qs
		}), "questions[5].key", ""},
		{"key with spaces", setJSON(t, func(_ map[string]any, qs []map[string]any) []map[string]any {
			qs[5]["key"] = "bad key"
			return qs
		}), "questions[5].key", ""},
		{"key in capitals", setJSON(t, func(_ map[string]any, qs []map[string]any) []map[string]any {
			qs[5]["key"] = "Injury"
			return qs
		}), "questions[5].key", ""},
		{"blank text", setJSON(t, func(_ map[string]any, qs []map[string]any) []map[string]any {
			qs[7]["text"] = "   "
			return qs
		}), "questions[7].text", "Question 8 has no text"},
		{"missing source", setJSON(t, func(m map[string]any, qs []map[string]any) []map[string]any {
			delete(m, "source")
			return qs
		}), "source", ""},
		{"missing licence", setJSON(t, func(m map[string]any, qs []map[string]any) []map[string]any {
			m["licence"] = ""
			return qs
		}), "licence", ""},
		{"unknown top-level field", setJSON(t, func(m map[string]any, qs []map[string]any) []map[string]any {
			m["license"] = "US spelling"
			return qs
		}), "questions", "license"},
		{"unknown question field", setJSON(t, func(_ map[string]any, qs []map[string]any) []map[string]any {
			qs[2]["hint"] = "misspelt help"
			return qs
		}), "questions", "hint"},
		{"wrong type", setJSON(t, func(_ map[string]any, qs []map[string]any) []map[string]any {
			qs[2]["number"] = "3"
			return qs
		}), "questions", ""},
		{"trailing data", append(append([]byte{}, defaultQuestionsJSON...), []byte(` {}`)...), "questions", "unexpected data"},
		{"empty", nil, "questions", ""},
		{"not JSON", []byte("number,key,text"), "questions", ""},
		{"array", []byte("[]"), "questions", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			qs, err := ParseQuestions(tt.data)
			e := checkField(t, err, tt.field)
			if e == nil {
				for i, q := range qs.Questions {
					if q.Number != i+1 {
						t.Fatalf("questions not sorted: position %d has number %d", i+1, q.Number)
					}
				}
				return
			}
			if !strings.Contains(e.Message, tt.msg) {
				t.Errorf("message %q does not contain %q", e.Message, tt.msg)
			}
			if len(qs.Questions) != 0 || qs.Source != "" {
				t.Errorf("question set returned with an error: %+v", qs)
			}
		})
	}
}

// TestParseQuestionsLicensedWording loads a set in the documented format
// that shares nothing with the default but its numbering.
func TestParseQuestionsLicensedWording(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"source": "SafeLives DASH RIC", "licence": "Licensed to Example Org", "questions": [`)
	for n := 1; n <= NumQuestions; n++ {
		if n > 1 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"number": %d, "key": "q%d", "text": "Licensed question %d?", "help": ""}`, n, n, n)
	}
	b.WriteString("]}")
	qs, err := ParseQuestions([]byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if q, _ := qs.Question(17); q.Key != "q17" || q.Text != "Licensed question 17?" {
		t.Errorf("Question(17) = %+v", q)
	}
	if qs.Licence != "Licensed to Example Org" {
		t.Errorf("Licence = %q", qs.Licence)
	}
}

func TestQuestionSetValidateInCode(t *testing.T) {
	qs, err := DefaultQuestions()
	if err != nil {
		t.Fatal(err)
	}
	// Unsorted sets built in code still validate and answer Question.
	qs.Questions[0], qs.Questions[23] = qs.Questions[23], qs.Questions[0]
	if err := qs.Validate(); err != nil {
		t.Fatal(err)
	}
	if q, ok := qs.Question(1); !ok || q.Number != 1 {
		t.Errorf("Question(1) = %+v, %v", q, ok)
	}
	if err := (QuestionSet{}).Validate(); err == nil {
		t.Error("empty set validated")
	}
}

// A field given twice is refused, not silently replaced by the last one
// (found by FuzzParseQuestions, which checks accepted files name nothing twice).
func TestParseQuestionsRepeatedField(t *testing.T) {
	data := strings.Replace(string(defaultQuestionsJSON), `"source"`, `"source": "x", "Source"`, 1)
	_, err := ParseQuestions([]byte(data))
	var e *Error
	if !errors.As(err, &e) || e.Field != "Source" || !strings.Contains(e.Message, "more than once") {
		t.Fatalf("ParseQuestions with source twice = %v", err)
	}
}
