// Package problem defines Cradle's one error type. Every layer returns it (or
// wraps it) so that the web layer can map a failure to an HTTP status and a
// GOV.UK error summary in one place, and log only what is really internal.
package problem

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Code says what kind of problem it is; the web layer maps codes to statuses.
type Code string

const (
	Invalid      Code = "invalid"      // the user's input is wrong: 400/422, shown in the form
	NotFound     Code = "not_found"    // 404
	Forbidden    Code = "forbidden"    // 403: the policy said no
	Unauthorised Code = "unauthorised" // 401: not signed in, or a bad token
	Conflict     Code = "conflict"     // 409: e.g. the email is already in use
	TooMany      Code = "too_many"     // 429: rate limited
	Unavailable  Code = "unavailable"  // 503: e.g. the database cannot be reached
	Internal     Code = "internal"     // 500: a bug or an outage; details are logged, not shown
)

// Field is one input's problem, shown inline and in the error summary.
type Field struct {
	Name    string `json:"field"`   // the input's name (and id) in the form or JSON body
	Message string `json:"message"` // plain English, GOV.UK style: says how to fix it
}

// Error is a problem with a code, a plain-English message safe to show, and
// optionally per-field messages. Err is the underlying cause, never shown.
type Error struct {
	Code    Code
	Message string
	Fields  []Field
	Err     error
}

func (e *Error) Error() string {
	msg := string(e.Code) + ": " + e.Message
	for _, f := range e.Fields {
		msg += "; " + f.Name + ": " + f.Message
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// New returns a problem with a code and a message.
func New(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Wrap returns a problem with a code and message that keeps err as its cause.
func Wrap(code Code, err error, message string) *Error {
	return &Error{Code: code, Message: message, Err: err}
}

// Fields collects per-field messages while validating input, in form order.
type Fields []Field

// Add records a message for a field; the first message for a field wins, as
// the GOV.UK pattern shows one message per input.
func (fs *Fields) Add(name, message string) {
	for _, f := range *fs {
		if f.Name == name {
			return
		}
	}
	*fs = append(*fs, Field{Name: name, Message: message})
}

// Has reports whether a field already has a message.
func (fs Fields) Has(name string) bool {
	for _, f := range fs {
		if f.Name == name {
			return true
		}
	}
	return false
}

// Err returns an Invalid problem carrying the fields, or nil when there are none.
func (fs Fields) Err() error {
	if len(fs) == 0 {
		return nil
	}
	return &Error{Code: Invalid, Message: "There is a problem", Fields: fs}
}

// CodeOf returns the code of the first *Error in err's chain, Internal otherwise.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// As returns the first *Error in err's chain, or nil.
func As(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}

// MessageOf returns the safe message of err: its problem message, or a
// generic one for internal errors (whose details must not leak).
func MessageOf(err error) string {
	if e := As(err); e != nil && e.Code != Internal {
		return e.Message
	}
	return "Sorry, there is a problem with the service. Try again later."
}

var tagLike = regexp.MustCompile(`<(/?[A-Za-z]|[!?])`)

// Text trims a free-text input in place and records a problem if it is not
// valid UTF-8, is longer than max characters, holds control characters
// (tabs and line breaks are allowed when multiline), or looks like HTML or
// code. Pages escape everything anyway; refusing markup keeps it out of
// letters, exports and emails made from the record.
func (fs *Fields) Text(name, label string, v *string, max int, multiline bool) {
	*v = strings.TrimSpace(*v)
	s := *v
	switch {
	case !utf8.ValidString(s):
		fs.Add(name, label+" must only include letters, numbers and punctuation")
	case utf8.RuneCountInString(s) > max:
		fs.Add(name, label+" must be "+strconv.Itoa(max)+" characters or fewer")
	case strings.IndexFunc(s, func(r rune) bool {
		if multiline && (r == '\n' || r == '\r' || r == '\t') {
			return false
		}
		return unicode.IsControl(r) || r == '\u2028' || r == '\u2029'
	}) >= 0:
		fs.Add(name, label+" must not include hidden control characters")
	case tagLike.MatchString(s):
		fs.Add(name, label+" must not include HTML or code, such as < followed by a letter")
	}
}

// Plural words a count for a message: "1 parent", "3 parents", "0 parents".
func Plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
