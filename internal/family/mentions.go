package family

import (
	"strings"
	"unicode"
)

// Mentions lists which of a parent's confidential details text contains,
// in words ("address", "postcode", "phone number", "email address", "NHS
// number"), in that order; none, nil. It guards text that the other
// parent's side can read (a meeting's minutes, a disclosure about the
// family as a whole): a new address typed there would reach them, the
// failure PROGRAMME.md §7 names.
//
// What counts as the details, so that ordinary words do not: the address's
// lines that hold a house or flat number beside a word ("12 Harbour View",
// not the town), as whole words; the postcode without its spaces; the phone
// and NHS numbers by their digits, however they are spaced; the email
// address in any case. It is a net for slips, not a proof: a detail
// described in other words ("the refuge by the station") is not caught.
func Mentions(text string, c Confidential) []string {
	if strings.TrimSpace(text) == "" {
		return nil
	}
	var out []string
	words := " " + strings.Join(strings.FieldsFunc(strings.ToLower(text), notWordRune), " ") + " "
	for _, line := range addressLines(c.Address) {
		if strings.Contains(words, " "+line+" ") {
			out = append(out, "address")
			break
		}
	}
	if pc := squeeze(c.Postcode); len(pc) >= 5 && strings.Contains(squeeze(text), pc) {
		out = append(out, "postcode")
	}
	digits := onlyDigits(text)
	// A UK number is matched without its leading 0, so "+44 7700 900101"
	// is caught as well as "07700 900101".
	if p := strings.TrimPrefix(onlyDigits(c.Phone), "0"); len(p) >= 9 && strings.Contains(digits, p) {
		out = append(out, "phone number")
	}
	if e := strings.ToLower(strings.TrimSpace(c.Email)); strings.Contains(e, "@") && strings.Contains(strings.ToLower(text), e) {
		out = append(out, "email address")
	}
	if n := onlyDigits(c.NHSNumber); len(n) == 10 && strings.Contains(digits, n) {
		out = append(out, "NHS number")
	}
	return out
}

// Mention is a parent whose confidential details a text mentions, and
// which (Mentions' words).
type Mention struct {
	Parent  Person
	Details []string
}

// Message is the refusal of a text holding m's details, which readers
// (in words: "others working with the family") may not see; advice says
// what to do instead ("" for the usual: take it out).
func (m Mention) Message(readers, advice string) string {
	if advice == "" {
		advice = "Take it out: a parent's address and contact details stay on their own record"
	}
	return "This mentions " + m.Parent.Name() + "'s " + andList(m.Details) + ", which " + readers + " may not see. " + advice
}

// MentionsIn is the first co-parent of f whose confidential details are
// loaded (as read for the text's author: only those they may see) and
// whom the text's readers may not see (maySee false), and whose details
// text mentions; ok false if none.
func MentionsIn(f Family, maySee func(Person) bool, text string) (m Mention, ok bool) {
	for _, p := range f.People {
		if p.Kind != Parent || p.Confidential == nil || maySee(p) {
			continue
		}
		if found := Mentions(text, *p.Confidential); len(found) > 0 {
			return Mention{Parent: p, Details: found}, true
		}
	}
	return Mention{}, false
}

// andList joins words as a list in prose: "a", "a and b", "a, b and c".
func andList(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}

// addressLines are the parts of an address (split at commas and line
// breaks) that hold a number and a name ("12 Harbour View"), as lower-case
// words joined by single spaces: the lines that say where someone lives,
// rather than the town every agency's name holds, or "Flat 3", which says
// nothing without its street.
func addressLines(address string) []string {
	var out []string
	for _, part := range strings.FieldsFunc(address, func(r rune) bool { return r == ',' || r == '\n' || r == '\r' }) {
		words := strings.FieldsFunc(strings.ToLower(part), notWordRune)
		number, name := false, false
		for _, w := range words {
			switch {
			case strings.ContainsFunc(w, unicode.IsDigit):
				number = true
			case !unitWords[w]:
				name = true
			}
		}
		if number && name {
			out = append(out, strings.Join(words, " "))
		}
	}
	return out
}

// unitWords name a part of a building, not a place.
var unitWords = map[string]bool{"flat": true, "apartment": true, "apt": true, "unit": true, "room": true, "floor": true,
	"house": true, "block": true, "suite": true, "no": true, "number": true}

func notWordRune(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }

// squeeze is s upper-cased without its spaces.
func squeeze(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return unicode.ToUpper(r)
	}, s)
}

// onlyDigits is s's ASCII digits, in order.
func onlyDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}
