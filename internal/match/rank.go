package match

import (
	"cmp"
	"slices"
	"strings"
)

// Candidate is an existing person the store found by keys.
type Candidate struct {
	PersonID int64
	Identity Identity
}

// Reason is one piece of evidence behind a score, for the screen to show:
// {"date_of_birth", "exact"}, {"given_name", "variant"}, or
// {"nhs_number", "different"} when it counted against the match.
type Reason struct {
	Field    string
	Strength string
}

// Scored is a candidate with its score, level and the reasons for both.
type Scored struct {
	Candidate
	Score   int
	Level   string // LevelStrong, LevelPossible or LevelWeak
	Reasons []Reason
}

// Reason fields.
const (
	FieldNHSNumber   = "nhs_number"
	FieldDateOfBirth = "date_of_birth"
	FieldFamilyName  = "family_name"
	FieldGivenName   = "given_name"
	FieldKnownAs     = "known_as" // a known-as name matched the other's given or known-as name
	FieldPhone       = "phone"
	FieldEmail       = "email"
	FieldPostcode    = "postcode"
)

// Reason strengths.
const (
	StrengthExact     = "exact"
	StrengthVariant   = "variant"   // same canonical given name: Bob and Robert
	StrengthPhonetic  = "phonetic"  // same Phonetic key: Smith and Smyth
	StrengthInitial   = "initial"   // "J" and "Jane"
	StrengthSwapped   = "swapped"   // day and month of birth transposed
	StrengthDifferent = "different" // both known and in conflict; counted against
)

// Levels, strongest first.
const (
	LevelStrong   = "strong"
	LevelPossible = "possible"
	LevelWeak     = "weak"
)

// Weights. A valid NHS number is unique to a person, so agreement settles
// the question and disagreement is strong evidence of two people. Date of
// birth is the next best discriminator; names are shared within families
// and common in the population, so they weigh less; phone and email are
// strong but are often shared by a household. Postcode only ever supports
// other evidence.
const (
	wNHSExact         = 100
	wNHSDifferent     = -80
	wDOBExact         = 35
	wDOBSwapped       = 15 // 04/03 typed for 03/04
	wDOBDifferent     = -30
	wFamilyExact      = 25
	wFamilyPhonetic   = 15
	wGivenVariant     = 20 // exact or same canonical name
	wGivenPhonetic    = 10
	wGivenInitial     = 5
	wGivenDifferent   = -20
	wPhoneExact       = 30
	wEmailExact       = 30
	wPostcodeExact    = 10
	strongThreshold   = 70
	possibleThreshold = 45
	weakThreshold     = 25
)

// Rank scores each candidate against the query and returns those at least
// "weak", best first (ties: PersonID ascending, for stable output). A
// person listed more than once is returned once, with the best score.
//
// Beyond the plain sum of weights, three rules keep false merges rare:
//   - an exact NHS number makes the level strong whatever else differs;
//   - different NHS numbers, or first given names that share nothing
//     (twins and siblings share everything else), cap the level at
//     possible, so a person always looks closely;
//   - evidence from the postcode alone never produces a match.
func Rank(query Identity, cands []Candidate) []Scored {
	q := prepare(query)
	best := make(map[int64]int) // PersonID → index in out
	var out []Scored
	for _, c := range cands {
		s, ok := score(q, prepare(c.Identity))
		if !ok {
			continue
		}
		s.Candidate = c
		if i, seen := best[c.PersonID]; seen {
			if s.Score > out[i].Score {
				out[i] = s
			}
			continue
		}
		best[c.PersonID] = len(out)
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b Scored) int {
		if a.Score != b.Score {
			return cmp.Compare(b.Score, a.Score)
		}
		return cmp.Compare(a.PersonID, b.PersonID)
	})
	return out
}

// prepared holds an identity's normalised fields, computed once per Rank.
type prepared struct {
	given, knownAs     string // first word of each, normalised; "" if unknown
	givenAll, knownAll string // every word, normalised
	family, famSound   string
	dobY, dobD         int
	dobM               int
	hasDOB             bool
	phone, email       string
	nhs, postcode      string
}

func prepare(id Identity) prepared {
	p := prepared{
		phone:    NormalisePhone(id.Phone),
		email:    normaliseEmail(id.Email),
		nhs:      nhsDigits(id.NHSNumber),
		postcode: normalisePostcode(id.Postcode),
	}
	p.givenAll, p.given = givenName(id.GivenName)
	p.knownAll, p.knownAs = givenName(id.KnownAs)
	if f := NormaliseName(id.FamilyName); f != "" {
		p.family = strings.ReplaceAll(f, " ", "")
		p.famSound = Phonetic(f)
	}
	if !id.DateOfBirth.IsZero() {
		y, m, d := id.DateOfBirth.Date()
		p.dobY, p.dobM, p.dobD, p.hasDOB = y, int(m), d, true
	}
	return p
}

// givenName returns a given name normalised, and its first word. Names
// used before a child is named ("Baby Smith") are treated as unknown, so
// a later referral with the real name is not counted as a conflict.
func givenName(s string) (all, first string) {
	all = NormaliseName(s)
	first = firstWord(all)
	switch first {
	case "baby", "unborn", "unknown", "unnamed", "infant":
		return "", ""
	}
	return all, first
}

// score compares two prepared identities. ok is false when the result is
// below weak or rests on the postcode alone.
func score(q, c prepared) (s Scored, ok bool) {
	add := func(points int, field, strength string) {
		s.Score += points
		s.Reasons = append(s.Reasons, Reason{field, strength})
	}
	identifying := false // any positive evidence besides postcode
	nhsExact, capPossible := false, false

	if q.nhs != "" && c.nhs != "" {
		if q.nhs == c.nhs {
			add(wNHSExact, FieldNHSNumber, StrengthExact)
			nhsExact, identifying = true, true
		} else {
			add(wNHSDifferent, FieldNHSNumber, StrengthDifferent)
			capPossible = true
		}
	}

	if q.hasDOB && c.hasDOB {
		switch {
		case q.dobY == c.dobY && q.dobM == c.dobM && q.dobD == c.dobD:
			add(wDOBExact, FieldDateOfBirth, StrengthExact)
			identifying = true
		case q.dobY == c.dobY && q.dobM == c.dobD && q.dobD == c.dobM:
			add(wDOBSwapped, FieldDateOfBirth, StrengthSwapped)
			identifying = true
		default:
			add(wDOBDifferent, FieldDateOfBirth, StrengthDifferent)
		}
	}

	// A family name that differs counts for nothing, not against: people
	// change it on marriage or separation, and survivors often go back to
	// an earlier name.
	if q.family != "" && c.family != "" {
		switch {
		case q.family == c.family:
			add(wFamilyExact, FieldFamilyName, StrengthExact)
			identifying = true
		case q.famSound != "" && q.famSound == c.famSound:
			add(wFamilyPhonetic, FieldFamilyName, StrengthPhonetic)
			identifying = true
		}
	}

	if field, strength := bestGiven(q, c); strength != "" {
		switch strength {
		case StrengthExact, StrengthVariant:
			add(wGivenVariant, field, strength)
		case StrengthPhonetic:
			add(wGivenPhonetic, field, strength)
		case StrengthInitial:
			add(wGivenInitial, field, strength)
		case StrengthDifferent:
			add(wGivenDifferent, field, strength)
			capPossible = true
		}
		if strength != StrengthDifferent {
			identifying = true
		}
	}

	if q.phone != "" && q.phone == c.phone {
		add(wPhoneExact, FieldPhone, StrengthExact)
		identifying = true
	}
	if q.email != "" && q.email == c.email {
		add(wEmailExact, FieldEmail, StrengthExact)
		identifying = true
	}
	if q.postcode != "" && q.postcode == c.postcode {
		add(wPostcodeExact, FieldPostcode, StrengthExact)
	}

	switch {
	case nhsExact:
		s.Level = LevelStrong
	case !identifying || s.Score < weakThreshold:
		return s, false
	case s.Score >= strongThreshold && !capPossible:
		s.Level = LevelStrong
	case s.Score >= possibleThreshold:
		s.Level = LevelPossible
	default:
		s.Level = LevelWeak
	}
	return s, true
}

// givenRank orders given-name strengths, best first; "" means the names
// could not be compared.
var givenRank = map[string]int{
	StrengthExact: 5, StrengthVariant: 4, StrengthPhonetic: 3,
	StrengthInitial: 2, StrengthDifferent: 1, "": 0,
}

// bestGiven compares every pairing of the two people's given and known-as
// names and keeps the strongest, so "known as Becky" matches a record for
// Rebecca. It reports "different" only when every comparable pairing
// conflicts.
func bestGiven(q, c prepared) (field, strength string) {
	pairs := []struct {
		field      string
		a, b       string
		aAll, bAll string
	}{
		{FieldGivenName, q.given, c.given, q.givenAll, c.givenAll},
		{FieldKnownAs, q.knownAs, c.given, q.knownAll, c.givenAll},
		{FieldKnownAs, q.given, c.knownAs, q.givenAll, c.knownAll},
		{FieldKnownAs, q.knownAs, c.knownAs, q.knownAll, c.knownAll},
	}
	for _, p := range pairs {
		st := compareGiven(p.a, p.b, p.aAll, p.bAll)
		if givenRank[st] > givenRank[strength] {
			field, strength = p.field, st
		}
	}
	return field, strength
}

// compareGiven compares two first given names (middle names are recorded
// too inconsistently to count). aAll and bAll are the whole names: if they
// share any word the pair is not called a conflict, because people are
// often known by a middle name.
func compareGiven(a, b, aAll, bAll string) string {
	if a == "" || b == "" {
		return ""
	}
	if isInitial(a) || isInitial(b) {
		ra, rb := []rune(a), []rune(b)
		if ra[0] == rb[0] {
			return StrengthInitial
		}
		return StrengthDifferent
	}
	if a == b {
		return StrengthExact
	}
	fa, fb := givenForms(a), givenForms(b)
	for _, x := range fa {
		if slices.Contains(fb, x) {
			return StrengthVariant
		}
	}
	if pa := Phonetic(a); pa != "" && pa == Phonetic(b) {
		return StrengthPhonetic
	}
	for _, w := range strings.Fields(aAll) {
		if slices.Contains(strings.Fields(bAll), w) {
			return ""
		}
	}
	return StrengthDifferent
}
