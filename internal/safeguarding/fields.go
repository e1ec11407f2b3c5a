package safeguarding

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Field is one form input's problem, shown beside the input and in the error
// summary. The JSON names match the problem package's, so the web layer can
// pass them on unchanged.
type Field struct {
	Name    string `json:"field"`   // the input's name and id, e.g. "actions[0].due"
	Message string `json:"message"` // plain English that says how to fix it
}

// FieldsError is returned by the Validate functions when the input is wrong.
// Fields are in form order, one per input.
type FieldsError struct {
	Fields []Field
}

func (e *FieldsError) Error() string {
	msg := "safeguarding: there is a problem"
	for _, f := range e.Fields {
		msg += "; " + f.Name + ": " + f.Message
	}
	return msg
}

// Has reports whether the named field has a problem.
func (e *FieldsError) Has(name string) bool {
	for _, f := range e.Fields {
		if f.Name == name {
			return true
		}
	}
	return false
}

// fields collects problems while validating.
type fields []Field

// add records a message; the first for a field wins, as GOV.UK shows one.
func (fs *fields) add(name, message string) {
	for _, f := range *fs {
		if f.Name == name {
			return
		}
	}
	*fs = append(*fs, Field{Name: name, Message: message})
}

// err returns nil or a *FieldsError; never a typed nil inside an error.
func (fs fields) err() error {
	if len(fs) == 0 {
		return nil
	}
	return &FieldsError{Fields: fs}
}

// tagLike reports whether s holds the start of an HTML tag or comment: "<"
// then a letter, "/" and a letter, "!" or "?", the same rule as the problem
// package (written out to keep no package-level state).
func tagLike(s string) bool {
	letter := func(i int) bool {
		return i < len(s) && (s[i] >= 'a' && s[i] <= 'z' || s[i] >= 'A' && s[i] <= 'Z')
	}
	for i := 0; i < len(s); i++ {
		if s[i] != '<' || i+1 >= len(s) {
			continue
		}
		switch c := s[i+1]; {
		case c == '!' || c == '?' || letter(i+1):
			return true
		case c == '/' && letter(i+2):
			return true
		}
	}
	return false
}

// text trims a free-text input in place and checks it with the same rules as
// the rest of Cradle: valid UTF-8, at most max characters, no hidden control
// characters (line breaks and tabs are fine), no HTML. Refusing markup keeps
// it out of emails and exports made from the record. It reports whether the
// text passed, so callers can go on to check what it says.
func text(fs *fields, name, label string, v *string, max int) bool {
	*v = strings.TrimSpace(*v)
	s := *v
	switch {
	case !utf8.ValidString(s):
		fs.add(name, label+" must only include letters, numbers and punctuation")
	case utf8.RuneCountInString(s) > max:
		fs.add(name, label+" must be "+thousands(max)+" characters or fewer")
	case strings.IndexFunc(s, func(r rune) bool {
		if r == '\n' || r == '\r' || r == '\t' {
			return false
		}
		return unicode.IsControl(r) || r == '\u2028' || r == '\u2029'
	}) >= 0:
		fs.add(name, label+" must not include hidden control characters")
	case tagLike(s):
		fs.add(name, label+" must not include HTML or code, such as < followed by a letter")
	default:
		return true
	}
	return false
}

// thousands writes n with commas, as GOV.UK style asks: 10,000.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
