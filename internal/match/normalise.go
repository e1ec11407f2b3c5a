package match

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// NormaliseName reduces a name to the form used for comparing and indexing:
// lower case, accents removed, Cyrillic (ICAO 9303, as printed in
// passports) and Greek (simplified ELOT 743) transliterated to Latin,
// apostrophes and dots dropped ("O'Neil" → "oneil"), every other non-letter
// turned into a single space ("Anne-Marie" → "anne marie"). The same person
// is typed differently by different referrers, so comparisons must not
// depend on accents, case or punctuation.
func NormaliseName(s string) string {
	if s == "" {
		return ""
	}
	s = strings.ToValidUTF8(s, " ")
	// ´ and ` stand in for apostrophes on many keyboards, but NFKD turns ´
	// into a space plus an accent, which would split "O´Brien" in two.
	s = strings.Map(func(r rune) rune {
		if r == '\u00b4' || r == '`' {
			return -1
		}
		return r
	}, s)
	// NFKD splits accented letters into base + mark and folds
	// compatibility forms (fullwidth letters, ligatures) to plain ones; the
	// marks are then dropped. A new transformer each call: they hold state.
	t := transform.Chain(norm.NFKD, runes.Remove(runes.In(unicode.Mn)))
	if out, _, err := transform.String(t, s); err == nil {
		s = out
	}
	s = strings.ToLower(s)

	rs := []rune(s)
	var b strings.Builder
	b.Grow(len(s))
	space := true // suppresses leading and repeated spaces
	emit := func(str string) {
		b.WriteString(str)
		space = false
	}
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		if g, n := greekDigraph(rs, i); n > 0 {
			emit(g)
			i += n - 1
			continue
		}
		if m, ok := letterMap[r]; ok {
			if m != "" {
				emit(m)
			}
			continue
		}
		switch {
		case isElided(r):
			// Dropped without a space so "O'Brien" and "OBrien" agree.
		case unicode.IsLetter(r) || unicode.Is(unicode.Mc, r):
			b.WriteRune(unicode.ToLower(r))
			space = false
		default:
			if !space {
				b.WriteByte(' ')
				space = true
			}
		}
	}
	return strings.TrimRight(b.String(), " ")
}

// isElided reports the characters removed outright rather than treated as
// word breaks: apostrophe look-alikes and dots ("St.John", "J.").
func isElided(r rune) bool {
	switch r {
	case '\'', '\u2019', '\u2018', '\u02bc', '\u02bb', '\u2032', '\uff07', '.':
		return true
	}
	return false
}

// letterMap holds the single-letter replacements: Latin letters that have
// no Unicode decomposition (so NFKD leaves them alone), Cyrillic by ICAO
// 9303 and Greek by a simplified ELOT 743. Read-only after init. Letters
// whose accents NFKD already removed (й→и, ё→е, ά→α) need no entry.
var letterMap = map[rune]string{
	// Latin without decompositions.
	'ß': "ss", 'æ': "ae", 'œ': "oe", 'ø': "o", 'ł': "l", 'đ': "d",
	'ð': "d", 'þ': "th", 'ı': "i", 'ħ': "h", 'ŧ': "t", 'ŋ': "n",
	'ĸ': "k", 'ſ': "s", 'ɨ': "i", 'ƒ': "f",
	// Cyrillic (Russian, Ukrainian, Belarusian, Serbian, Macedonian,
	// Bulgarian).
	'а': "a", 'б': "b", 'в': "v", 'г': "g", 'д': "d", 'е': "e",
	'ж': "zh", 'з': "z", 'и': "i", 'к': "k", 'л': "l", 'м': "m",
	'н': "n", 'о': "o", 'п': "p", 'р': "r", 'с': "s", 'т': "t",
	'у': "u", 'ф': "f", 'х': "kh", 'ц': "ts", 'ч': "ch", 'ш': "sh",
	'щ': "shch", 'ъ': "ie", 'ы': "y", 'ь': "", 'э': "e", 'ю': "iu",
	'я': "ia", 'ґ': "g", 'є': "ie", 'і': "i", 'ђ': "d", 'ј': "j",
	'љ': "lj", 'њ': "nj", 'ћ': "c", 'џ': "dz", 'ѕ': "dz",
	// Greek.
	'α': "a", 'β': "v", 'γ': "g", 'δ': "d", 'ε': "e", 'ζ': "z",
	'η': "i", 'θ': "th", 'ι': "i", 'κ': "k", 'λ': "l", 'μ': "m",
	'ν': "n", 'ξ': "x", 'ο': "o", 'π': "p", 'ρ': "r", 'σ': "s",
	'ς': "s", 'τ': "t", 'υ': "y", 'φ': "f", 'χ': "ch", 'ψ': "ps",
	'ω': "o",
}

// greekDigraph handles the Greek letter pairs that ELOT 743 does not
// transliterate letter by letter (ου → ou, not oy; γγ → ng). It returns the
// Latin text and how many runes it consumed, or 0 when rs[i] starts none.
func greekDigraph(rs []rune, i int) (string, int) {
	if i+1 >= len(rs) || rs[i] < 0x370 || rs[i] > 0x3ff {
		return "", 0
	}
	switch string(rs[i : i+2]) {
	case "ου":
		return "ou", 2
	case "αυ":
		return "av", 2
	case "ευ":
		return "ev", 2
	case "ηυ":
		return "iv", 2
	case "γγ":
		return "ng", 2
	case "γξ":
		return "nx", 2
	case "γχ":
		return "nch", 2
	}
	return "", 0
}

// CanonicalGivenName maps each word of a given name to one spelling for
// its well-known variants and nicknames ("Mohammed" → "muhammad",
// "Bob" → "robert", "Katie" → "katherine"), leaving unknown names in their
// normalised form. Ambiguous short forms such as "sam" (Samuel or
// Samantha) stay as they are; see givenForms for how they still match.
func CanonicalGivenName(s string) string {
	words := strings.Fields(NormaliseName(s))
	for i, w := range words {
		if c, ok := givenCanon[w]; ok {
			words[i] = c
		}
	}
	return strings.Join(words, " ")
}

// givenForms is the set of canonical names a single normalised word may
// stand for: itself in canonical form, plus each full name an ambiguous
// short form is used for ("sam" → sam, samantha, samuel). Two given names
// are variants of each other when their sets meet.
func givenForms(word string) []string {
	c := word
	if g, ok := givenCanon[word]; ok {
		c = g
	}
	forms := []string{c}
	return append(forms, givenAmbiguous[c]...)
}

// givenCanon maps a normalised given name to its group's canonical form.
// Built once from givenGroups and only read afterwards.
var givenCanon = buildGivenCanon()

// givenGroups lists deliberately conservative families of variants: only
// spellings and nicknames almost always used for the same name, because a
// wrong grouping suggests a false match. Names used for two different
// full names (e.g. "sam") go in givenAmbiguous instead. Male and female
// forms (Alexander/Alexandra, Daniel/Danielle) are separate groups.
func givenGroups() [][]string {
	return [][]string{
		{"muhammad", "mohammed", "mohamed", "mohammad", "muhammed", "mohamad", "muhamad", "muhammet", "mohd"},
		{"ahmed", "ahmad", "ahmet"},
		{"yusuf", "yousef", "youssef", "yousuf", "yusef", "yousif", "yusif", "yousaf"},
		{"hussain", "hussein", "husain", "hossein", "husein"},
		{"hassan", "hasan"},
		{"mustafa", "mostafa", "moustafa", "mustapha"},
		{"ibrahim", "ebrahim"},
		{"aisha", "ayesha", "aysha", "aishah", "ayshah", "aiesha", "ayisha"},
		{"fatima", "fatimah", "fatema"},
		{"zainab", "zaynab", "zeinab"},
		{"maryam", "mariam"},
		{"john", "jon", "johnny", "jonny"},
		{"katherine", "katie", "kate", "kat", "kathy", "cathy", "catherine", "kathryn", "katharine", "catharine", "kathrine", "katy"},
		{"elizabeth", "liz", "lizzie", "lizzy", "elisabeth", "betty", "libby"},
		{"robert", "bob", "bobby", "rob", "robbie", "robby"},
		{"william", "bill", "billy", "will", "willie", "willy"},
		{"michael", "mike", "mikey", "mick", "micky", "mickey", "micheal", "michal"},
		{"thomas", "tom", "tommy", "thom", "tomas", "tomasz"},
		{"james", "jim", "jimmy", "jimmie", "jamie"},
		{"daniel", "dan", "danny"},
		{"danielle", "daniella", "daniela"},
		{"alexander", "aleksandr", "aleksander", "alexandr", "alexandre", "aleksandar", "oleksandr", "alec"},
		{"alexandra", "aleksandra"},
		{"christopher", "kristopher", "christoper"},
		{"richard", "rich", "richie", "rick", "ricky", "dick"},
		{"edward", "eddie", "eddy", "ted", "teddy"},
		{"anthony", "antony", "tony"},
		{"joseph", "joe", "joey", "josef", "jozef"},
		{"benjamin", "ben", "benny", "benji"},
		{"matthew", "matt", "matty", "mathew"},
		{"nicholas", "nick", "nicolas", "nikolas"},
		{"andrew", "andy"},
		{"david", "dave", "davey", "davy", "dawid"},
		{"stephen", "steven", "steve", "stevie"},
		{"peter", "pete", "piotr"},
		{"joshua", "josh"},
		{"patrick", "paddy"},
		{"patricia", "trish", "tricia"},
		{"rebecca", "becky", "becca", "rebekah"},
		{"jennifer", "jen", "jenny", "jenni"},
		{"deborah", "debbie", "debby", "debra", "deb"},
		{"susan", "sue", "susie", "suzie", "suzy"},
		{"victoria", "vicky", "vicki", "vikki", "tori"},
		{"jessica", "jess", "jessie"},
		{"abigail", "abi", "abby", "abbie"},
		{"margaret", "maggie", "peggy", "margret"},
		{"sean", "shaun", "shawn"},
		{"siobhan", "shevaun", "shivaun", "shivon", "chevonne"},
		{"sarah", "sara"},
		{"hannah", "hanna", "hana"},
		{"anne", "ann", "annie"},
		{"zoe", "zoey"},
	}
}

// givenAmbiguous lists short forms shared by two or more full names. The
// short form keeps its own canonical spelling and matches each full name,
// while the full names never match each other (Samantha is not Samuel).
var givenAmbiguous = map[string][]string{
	"sam":     {"samantha", "samuel"},
	"sammy":   {"samantha", "samuel"},
	"alex":    {"alexander", "alexandra"},
	"chris":   {"christopher", "christine", "christina"},
	"kris":    {"christopher", "christine", "christina"},
	"pat":     {"patrick", "patricia"},
	"charlie": {"charles", "charlotte"},
	"beth":    {"elizabeth", "bethany"},
	"jo":      {"joanne", "joanna", "josephine"},
}

func buildGivenCanon() map[string]string {
	m := make(map[string]string)
	for _, g := range givenGroups() {
		for _, name := range g {
			m[name] = g[0]
		}
	}
	return m
}

// firstWord returns the first space-separated word of a normalised name.
func firstWord(s string) string {
	if i := strings.IndexByte(s, ' '); i >= 0 {
		return s[:i]
	}
	return s
}

// isInitial reports whether a normalised name is a single letter, as when
// a form gives only "J" or "J.".
func isInitial(s string) bool {
	return s != "" && utf8.RuneCountInString(s) == 1
}
