package referral

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"

	"github.com/cradle-org/cradle/internal/strictjson"
)

// DecodeError says why a partner system's JSON body could not be read, in
// words safe to send back: it never echoes the body's values, which may be
// personal data.
type DecodeError struct{ Message string }

func (e *DecodeError) Error() string { return "referral: " + e.Message }

// DecodeJSON reads a referral sent by a partner system: one JSON value,
// holding only the fields the API's schema names. What it returns still
// needs Validate. Errors are *DecodeError.
func DecodeJSON(body []byte) (Referral, error) {
	// encoding/json would keep the last of a field named twice (matched
	// without regard to case), so a body could say two things about one
	// parent and be read as one of them.
	if p := strictjson.Check(body); p != nil {
		return Referral{}, &DecodeError{Message: "The body is not a valid referral: field " + p.Path() + " " + p.Reason()}
	}
	var ref Referral
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&ref); err != nil {
		return Referral{}, &DecodeError{Message: "The body is not a valid referral: " + jsonProblem(err)}
	}
	// Anything after the value is refused: More alone let a stray "]" or
	// "}" through, so a body cut or joined wrongly could still be accepted.
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return Referral{}, &DecodeError{Message: "The body must hold one JSON object"}
	}
	return ref, nil
}

// jsonProblem describes a JSON decoding error without echoing the input.
func jsonProblem(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return "it is not well-formed JSON"
	case errors.As(err, &typ):
		return "field " + typ.Field + " has the wrong type"
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return "it has an unknown field " + strings.TrimPrefix(err.Error(), "json: unknown field ")
	case errors.Is(err, io.EOF):
		return "it is empty"
	}
	return "it could not be read"
}
