package referral

import (
	"encoding/json"
	"errors"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/eligibility"
	"github.com/cradle-org/cradle/internal/problem"
)

// fieldPath is every field a referral problem may name: the JSON paths the
// API's schema documents, which the forms use as input names too.
var fieldPath = regexp.MustCompile(`^(source|due_date|area|relationship|abuse_known|safeguarding_status|both_want_to_co_parent|both_want_best_start|anything_else|` +
	`referrer\.(name|role|organisation|email|phone)|` +
	`parent[12]\.(given_name|family_name|date_of_birth|phone|email|address|postcode|nhs_number|consent|consent_reason)|` +
	`safe_contact\.(safe_to_contact|number|times|leave_message))$`)

// FuzzDecodeJSON feeds arbitrary bodies to the partner API's decoding and
// then to Validate, for each of the three doors. A body is accepted only if
// it is exactly one JSON value, and what is accepted survives a JSON round
// trip; a refusal is a *DecodeError that does not echo the body's values.
// Validate names only documented fields, each with a message, and what it
// accepts it accepts again unchanged.
func FuzzDecodeJSON(f *testing.F) {
	good, err := json.Marshal(professional())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good, uint8(0))
	f.Add(good, uint8(1))
	for _, s := range []string{
		`{}`, ``, `null`, `[]`, `"x"`, `{referral`, `{"favourite_colour":"blue"}`, `{"parent1":"Amy"}`, `{} {}`, `{}]`, `{}}`,
		`{"source":"self","parent1":{"given_name":" Amy\u2028"},"safe_contact":{"safe_to_contact":"yes","number":"07700 900123","leave_message":"no"},"due_date":"2027-02-15","area":"fy14ab"}`,
		`{"parent1":{"date_of_birth":"2000-02-30","nhs_number":"943 476 5919","postcode":"SW1A 1AA","email":"Zoë@Example.org"}}`,
		`{"due_date":"2027-02-15","DUE_DATE":"2020-01-01"}`, `{"anything_else":"<script>alert(1)</script>"}`,
	} {
		f.Add([]byte(s), uint8(2))
	}
	e, err := eligibility.DefaultConfig()
	if err != nil {
		f.Fatal(err)
	}
	cfg := Config{Eligibility: e, Today: time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)}
	f.Fuzz(func(t *testing.T, body []byte, door uint8) {
		ref, err := DecodeJSON(body)
		if err != nil {
			var de *DecodeError
			if !errors.As(err, &de) || !strings.HasPrefix(de.Message, "The body ") || !reflect.DeepEqual(ref, Referral{}) {
				t.Fatalf("DecodeJSON(%q) = %+v, %v", body, ref, err)
			}
			// The message may name a field (an unknown one quoted, one
			// given twice by its path, unquoted), and a value may be part of
			// that name: look for values only in what is left once the keys
			// are taken out, quoted and, if as long as a value looked for,
			// bare.
			values, keys := stringValues(body)
			rest := de.Message
			for _, k := range keys {
				rest = strings.ReplaceAll(rest, strconv.Quote(k), "")
				if len(k) >= 6 {
					rest = strings.ReplaceAll(rest, k, "")
				}
			}
			for _, v := range values {
				if len(v) >= 6 && strings.Contains(rest, v) {
					t.Fatalf("message %q echoes the value %q", de.Message, v)
				}
			}
			return
		}
		if !json.Valid(body) {
			t.Fatalf("accepted %q, which is not one JSON value", body)
		}
		out, err := json.Marshal(ref)
		if err != nil {
			t.Fatal(err)
		}
		if again, err := DecodeJSON(out); err != nil || !reflect.DeepEqual(again, ref) {
			t.Fatalf("round trip: %v\n%+v\n%+v", err, ref, again)
		}

		ref.Source = []Source{Partner, Professional, Self}[int(door)%3]
		err = ref.Validate(cfg)
		if err != nil {
			p := problem.As(err)
			if p == nil || p.Code != problem.Invalid || len(p.Fields) == 0 {
				t.Fatalf("Validate error %v is not an invalid problem with fields", err)
			}
			for _, fd := range p.Fields {
				if !fieldPath.MatchString(fd.Name) || fd.Message == "" {
					t.Fatalf("problem %+v: not a documented field with a message", fd)
				}
			}
			return
		}
		before := ref
		if err := ref.Validate(cfg); err != nil || !reflect.DeepEqual(ref, before) {
			t.Fatalf("validated referral changed or refused on a second Validate: %v\n%+v\n%+v", err, before, ref)
		}
		if edd, err := time.Parse(time.DateOnly, ref.DueDate); err != nil || eligibility.CheckEDD(edd, cfg.Today, cfg.Eligibility) != nil {
			t.Fatalf("accepted due date %q", ref.DueDate)
		}
	})
}

// stringValues are the strings a body holds as values, and the names of
// its objects' keys, if it is JSON at all.
func stringValues(body []byte) (values, keys []string) {
	var v any
	if json.Unmarshal(body, &v) != nil {
		return nil, nil
	}
	var walk func(any)
	walk = func(v any) {
		switch v := v.(type) {
		case string:
			values = append(values, v)
		case []any:
			for _, x := range v {
				walk(x)
			}
		case map[string]any:
			for k, x := range v {
				keys = append(keys, k)
				walk(x)
			}
		}
	}
	walk(v)
	return values, keys
}
