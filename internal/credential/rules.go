package credential

import (
	_ "embed"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Length limits, counted in Unicode characters (runes), not bytes, so a
// password in any script gets the same allowance. The minimum applies to
// every password, passphrases of three or more words included: NCSC's
// "three random words" advice still needs 12 characters in total.
const (
	MinPasswordLength = 12
	// MaxPasswordLength only exists to bound hashing work and form size;
	// it is long enough for any password manager.
	MaxPasswordLength = 256
	// minPersonalLength stops short name parts such as "Jo" or "Al"
	// from ruling out ordinary words that happen to contain them.
	minPersonalLength = 4
)

// Rule identifies which password rule failed.
type Rule string

// The password rules CheckPassword applies.
const (
	RuleTooShort Rule = "too short"
	RuleTooLong  Rule = "too long"
	RuleCommon   Rule = "too common"
	RulePersonal Rule = "contains personal details"
	// RuleRepetitive catches 12 spaces or "aaaaaaaaaaaa": long enough, but
	// the first thing a guesser tries after a word list.
	RuleRepetitive Rule = "too repetitive"
)

// minDistinct is the fewest different characters a password may use.
const minDistinct = 5

// RuleError says why a password was refused.
type RuleError struct {
	Rule Rule
	// Message is plain English fit to show under the password field in a
	// GOV.UK error message and error summary.
	Message string
}

// Error returns a lower-case description for logs; show Message to people.
func (e *RuleError) Error() string { return "password " + string(e.Rule) }

func ruleError(r Rule) *RuleError {
	var msg string
	switch r {
	case RuleTooShort:
		msg = "Password must be 12 characters or more"
	case RuleTooLong:
		msg = "Password must be 256 characters or fewer"
	case RuleCommon:
		msg = "Password is too common. Choose a different one, for example three random words"
	case RulePersonal:
		msg = "Password must not contain your name or email address"
	case RuleRepetitive:
		msg = "Password repeats the same few characters. Choose a different one, for example three random words"
	}
	return &RuleError{Rule: r, Message: msg}
}

// CheckPassword applies the NCSC-style password rules and returns nil or
// a *RuleError. personal holds the person's email address and names; any
// part of at least four characters must not appear in the password.
// There are deliberately no composition rules (no "must contain a digit"):
// they push people towards predictable passwords without adding strength.
func CheckPassword(password string, personal ...string) error {
	n := utf8.RuneCountInString(password)
	switch {
	case n < MinPasswordLength:
		return ruleError(RuleTooShort)
	case n > MaxPasswordLength:
		return ruleError(RuleTooLong)
	}
	lower := strings.ToLower(password)
	if distinct(strings.TrimSpace(lower)) < minDistinct {
		return ruleError(RuleRepetitive)
	}
	if isCommon(lower) {
		return ruleError(RuleCommon)
	}
	for _, part := range personalParts(personal) {
		if strings.Contains(lower, part) {
			return ruleError(RulePersonal)
		}
	}
	return nil
}

// distinct counts the different characters in s.
func distinct(s string) int {
	seen := map[rune]bool{}
	for _, r := range s {
		seen[r] = true
	}
	return len(seen)
}

// isCommon checks the lower-cased password and the same with trailing
// digits, punctuation, symbols and spaces removed, because "Password123!"
// is the first thing an attacker's word list tries after "password".
func isCommon(lower string) bool {
	list := commonPasswords()
	if _, ok := list[lower]; ok {
		return true
	}
	stripped := strings.TrimRightFunc(lower, func(r rune) bool {
		return unicode.IsDigit(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) || unicode.IsSpace(r)
	})
	_, ok := list[stripped]
	return ok
}

// personalParts turns emails and names into the lower-case fragments a
// password must not contain: the whole local part of an email, and each
// run of letters or digits in any value, when at least four characters.
func personalParts(personal []string) []string {
	var parts []string
	add := func(s string) {
		if utf8.RuneCountInString(s) >= minPersonalLength {
			parts = append(parts, s)
		}
	}
	for _, v := range personal {
		v = strings.ToLower(strings.TrimSpace(v))
		if at := strings.LastIndexByte(v, '@'); at >= 0 {
			// The domain is shared by every colleague, so it is not personal.
			v = v[:at]
			add(v)
		}
		for _, f := range strings.FieldsFunc(v, func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsNumber(r)
		}) {
			add(f)
		}
	}
	return parts
}

//go:embed common-passwords.txt
var commonPasswordsFile string

// commonPasswords is built once on first use so programs that never check
// a password do not pay for it; after that it is only read.
var commonPasswords = sync.OnceValue(func() map[string]struct{} {
	return lineSet(commonPasswordsFile)
})

// lineSet returns the non-blank lines of an embedded list, skipping "#"
// comment lines.
func lineSet(file string) map[string]struct{} {
	set := make(map[string]struct{}, strings.Count(file, "\n"))
	for _, line := range listLines(file) {
		set[line] = struct{}{}
	}
	return set
}

func listLines(file string) []string {
	var out []string
	for line := range strings.Lines(file) {
		line = strings.TrimRight(line, "\r\n")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		out = append(out, line)
	}
	return out
}
