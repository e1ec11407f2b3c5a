package match

import "strings"

// Phonetic returns the Double Metaphone primary key (Lawrence Philips, C/C++
// Users Journal, June 2000) of a name, at most four characters, or "" when
// the name has no Latin letters after NormaliseName.
//
// One addition to the published algorithm: "mps" is read as "ms" first.
// The p is silent in the British surnames where it varies (Thompson /
// Thomson / Tomson, Simpson / Simson, Sampson / Samson), and without this
// Double Metaphone keeps them apart (TMPS vs TMSN).
func Phonetic(s string) string {
	n := strings.ToUpper(NormaliseName(s))
	n = strings.Map(func(r rune) rune {
		if (r >= 'A' && r <= 'Z') || r == ' ' {
			return r
		}
		return -1
	}, n)
	n = strings.TrimSpace(strings.ReplaceAll(n, "MPS", "MS"))
	return doubleMetaphone(n)
}

// dmWord is an upper-case word padded with spaces, as in the reference
// implementation, so rules may look past the end ("JOSE ", "IER ").
type dmWord struct {
	s    string // padded word
	n    int    // length before padding
	slav bool   // Slavo-Germanic spelling: changes several rules
}

func (w dmWord) at(i int) byte {
	if i < 0 || i >= len(w.s) {
		return 0
	}
	return w.s[i]
}

// is reports whether any of subs starts at position i.
func (w dmWord) is(i int, subs ...string) bool {
	if i < 0 || i >= len(w.s) {
		return false
	}
	for _, sub := range subs {
		if strings.HasPrefix(w.s[i:], sub) {
			return true
		}
	}
	return false
}

func (w dmWord) vowel(i int) bool {
	switch w.at(i) {
	case 'A', 'E', 'I', 'O', 'U', 'Y':
		return true
	}
	return false
}

// doubleMetaphone computes the primary key of an upper-case A–Z word
// (spaces allowed). Only the primary key is built: the secondary key never
// changes the primary, and the store indexes one key per name.
func doubleMetaphone(word string) string {
	w := dmWord{
		s: word + "     ",
		n: len(word),
		slav: strings.Contains(word, "W") || strings.Contains(word, "K") ||
			strings.Contains(word, "CZ"),
	}
	var key strings.Builder
	cur := 0
	if w.is(0, "GN", "KN", "PN", "WR", "PS") {
		cur++ // silent first letter
	}
	if w.at(0) == 'X' {
		key.WriteString("S") // Xavier
		cur++
	}
	for key.Len() < 4 && cur < w.n {
		code, adv := w.step(cur)
		key.WriteString(code)
		cur += adv
	}
	k := key.String()
	if len(k) > 4 {
		k = k[:4]
	}
	return k
}

// step encodes the letter at cur, returning its code and how many letters
// it consumed. The rules and their order follow the reference
// implementation; comments name its example words.
func (w dmWord) step(cur int) (string, int) {
	last := w.n - 1
	next := w.at(cur + 1)
	skipDouble := func(code string, c byte) (string, int) {
		if next == c {
			return code, 2
		}
		return code, 1
	}
	switch w.at(cur) {
	case 'A', 'E', 'I', 'O', 'U', 'Y':
		if cur == 0 {
			return "A", 1
		}
		return "", 1
	case 'B':
		return skipDouble("P", 'B')
	case 'C':
		return w.stepC(cur)
	case 'D':
		if w.is(cur, "DG") {
			if w.is(cur+2, "I", "E", "Y") {
				return "J", 3 // edge
			}
			return "TK", 2 // edgar
		}
		if w.is(cur, "DT", "DD") {
			return "T", 2
		}
		return "T", 1
	case 'F':
		return skipDouble("F", 'F')
	case 'G':
		return w.stepG(cur)
	case 'H':
		// Kept only at the start or between vowels.
		if (cur == 0 || w.vowel(cur-1)) && w.vowel(cur+1) {
			return "H", 2
		}
		return "", 1
	case 'J':
		if w.is(cur, "JOSE") || w.is(0, "SAN ") {
			if (cur == 0 && w.at(cur+4) == ' ') || w.is(0, "SAN ") {
				return "H", 1 // Jose, San Jacinto
			}
			return "J", 1
		}
		code := ""
		switch {
		case cur == 0:
			code = "J"
		case w.vowel(cur-1) && !w.slav && (next == 'A' || next == 'O'):
			code = "J" // bajador
		case cur == last:
			code = "J"
		case !w.is(cur+1, "L", "T", "K", "S", "N", "M", "B", "Z") && !w.is(cur-1, "S", "K", "L"):
			code = "J"
		}
		return skipDouble(code, 'J')
	case 'K':
		return skipDouble("K", 'K')
	case 'L':
		return skipDouble("L", 'L') // cabrillo's secondary differs; primary is L
	case 'M':
		if (w.is(cur-1, "UMB") && (cur+1 == last || w.is(cur+2, "ER"))) || next == 'M' {
			return "M", 2 // dumb, thumb
		}
		return "M", 1
	case 'N':
		return skipDouble("N", 'N')
	case 'P':
		if next == 'H' {
			return "F", 2
		}
		if next == 'P' || next == 'B' {
			return "P", 2 // campbell, raspberry
		}
		return "P", 1
	case 'Q':
		return skipDouble("K", 'Q')
	case 'R':
		code := "R"
		if cur == last && !w.slav && w.is(cur-2, "IE") && !w.is(cur-4, "ME", "MA") {
			code = "" // French: rogier, but not hochmeier
		}
		return skipDouble(code, 'R')
	case 'S':
		return w.stepS(cur)
	case 'T':
		switch {
		case w.is(cur, "TION"):
			return "X", 3
		case w.is(cur, "TIA", "TCH"):
			return "X", 3
		case w.is(cur, "TH", "TTH"):
			if w.is(cur+2, "OM", "AM") || w.is(0, "VAN ", "VON ") || w.is(0, "SCH") {
				return "T", 2 // thomas, thames
			}
			return "0", 2
		case next == 'T' || next == 'D':
			return "T", 2
		}
		return "T", 1
	case 'V':
		return skipDouble("F", 'V')
	case 'W':
		if w.is(cur, "WR") {
			return "R", 2
		}
		prefix := ""
		if cur == 0 && (w.vowel(cur+1) || w.is(cur, "WH")) {
			prefix = "A" // Wasserman, Womo
		}
		if (cur == last && w.vowel(cur-1)) || w.is(cur-1, "EWSKI", "EWSKY", "OWSKI", "OWSKY") || w.is(0, "SCH") {
			return prefix, 1 // Arnow
		}
		if w.is(cur, "WICZ", "WITZ") {
			return prefix + "TS", 4 // filipowicz
		}
		return prefix, 1
	case 'X':
		code := "KS"
		if cur == last && (w.is(cur-3, "IAU", "EAU") || w.is(cur-2, "AU", "OU")) {
			code = "" // breaux
		}
		if next == 'C' || next == 'X' {
			return code, 2
		}
		return code, 1
	case 'Z':
		if next == 'H' {
			return "J", 2 // zhao
		}
		return skipDouble("S", 'Z')
	}
	return "", 1
}

func (w dmWord) stepC(cur int) (string, int) {
	switch {
	case cur > 1 && !w.vowel(cur-2) && w.is(cur-1, "ACH") && w.at(cur+2) != 'I' &&
		(w.at(cur+2) != 'E' || w.is(cur-2, "BACHER", "MACHER")):
		return "K", 2 // Germanic: bacher, macher
	case cur == 0 && w.is(cur, "CAESAR"):
		return "S", 2
	case w.is(cur, "CHIA"):
		return "K", 2 // chianti
	case w.is(cur, "CH"):
		switch {
		case cur > 0 && w.is(cur, "CHAE"):
			return "K", 2 // michael
		case cur == 0 && (w.is(cur+1, "HARAC", "HARIS") || w.is(cur+1, "HOR", "HYM", "HIA", "HEM")) && !w.is(0, "CHORE"):
			return "K", 2 // chemistry, chorus
		case w.is(0, "VAN ", "VON ") || w.is(0, "SCH") ||
			w.is(cur-2, "ORCHES", "ARCHIT", "ORCHID") || w.is(cur+2, "T", "S") ||
			((w.is(cur-1, "A", "O", "U", "E") || cur == 0) &&
				w.is(cur+2, "L", "R", "N", "M", "B", "H", "F", "V", "W", " ")):
			return "K", 2 // wachtler, wechsler, architect
		case cur > 0 && w.is(0, "MC"):
			return "K", 2 // McHugh
		}
		return "X", 2
	case w.is(cur, "CZ") && !w.is(cur-2, "WICZ"):
		return "S", 2 // czerny
	case w.is(cur+1, "CIA"):
		return "X", 3 // focaccia
	case w.is(cur, "CC") && !(cur == 1 && w.at(0) == 'M'):
		if w.is(cur+2, "I", "E", "H") && !w.is(cur+2, "HU") {
			if (cur == 1 && w.at(cur-1) == 'A') || w.is(cur-1, "UCCEE", "UCCES") {
				return "KS", 3 // accident, succeed
			}
			return "X", 3 // bacci, bertucci
		}
		return "K", 2 // Pierce's rule; bacchus
	case w.is(cur, "CK", "CG", "CQ"):
		return "K", 2
	case w.is(cur, "CI", "CE", "CY"):
		return "S", 2
	case w.is(cur+1, " C", " Q", " G"):
		return "K", 3 // mac caffrey, mac gregor
	case w.is(cur+1, "C", "K", "Q") && !w.is(cur+1, "CE", "CI"):
		return "K", 2
	}
	return "K", 1
}

func (w dmWord) stepG(cur int) (string, int) {
	next := w.at(cur + 1)
	if next == 'H' {
		switch {
		case cur > 0 && !w.vowel(cur-1):
			return "K", 2
		case cur == 0:
			if w.at(cur+2) == 'I' {
				return "J", 2 // ghislane
			}
			return "K", 2
		case (cur > 1 && w.is(cur-2, "B", "H", "D")) ||
			(cur > 2 && w.is(cur-3, "B", "H", "D")) ||
			(cur > 3 && w.is(cur-4, "B", "H")):
			return "", 2 // Parker's rule: hugh, bough, broughton
		case cur > 2 && w.at(cur-1) == 'U' && w.is(cur-3, "C", "G", "L", "R", "T"):
			return "F", 2 // laugh, cough, rough
		case w.at(cur-1) != 'I':
			return "K", 2
		}
		return "", 2
	}
	if next == 'N' {
		switch {
		case cur == 1 && w.vowel(0) && !w.slav:
			return "KN", 2
		case !w.is(cur+2, "EY") && !w.slav:
			return "N", 2 // gn is n, except cagney
		}
		return "KN", 2
	}
	if w.is(cur+1, "LI") && !w.slav {
		return "KL", 2 // tagliaro
	}
	if cur == 0 && (next == 'Y' || w.is(cur+1, "ES", "EP", "EB", "EL", "EY", "IB", "IL", "IN", "IE", "EI", "ER")) {
		return "K", 2
	}
	if (w.is(cur+1, "ER") || next == 'Y') && !w.is(0, "DANGER", "RANGER", "MANGER") &&
		!w.is(cur-1, "E", "I") && !w.is(cur-1, "RGY", "OGY") {
		return "K", 2
	}
	if w.is(cur+1, "E", "I", "Y") || w.is(cur-1, "AGGI", "OGGI") {
		if w.is(0, "VAN ", "VON ") || w.is(0, "SCH") || w.is(cur+1, "ET") {
			return "K", 2
		}
		return "J", 2 // biaggi
	}
	if next == 'G' {
		return "K", 2
	}
	return "K", 1
}

func (w dmWord) stepS(cur int) (string, int) {
	switch {
	case w.is(cur-1, "ISL", "YSL"):
		return "", 1 // island, carlisle
	case cur == 0 && w.is(cur, "SUGAR"):
		return "X", 1
	case w.is(cur, "SH"):
		if w.is(cur+1, "HEIM", "HOEK", "HOLM", "HOLZ") {
			return "S", 2
		}
		return "X", 2
	case w.is(cur, "SIO", "SIA"):
		return "S", 3
	case cur == 0 && w.is(cur+1, "M", "N", "L", "W"):
		return "S", 1 // smith, snider
	case w.is(cur+1, "Z"):
		return "S", 2
	case w.is(cur, "SC"):
		if w.at(cur+2) == 'H' {
			if w.is(cur+3, "OO", "UY", "ED", "EM") {
				return "SK", 3 // school, schooner
			}
			return "X", 3 // schmidt, schermerhorn, schenker
		}
		if w.is(cur+2, "I", "E", "Y") {
			return "S", 3
		}
		return "SK", 3
	case cur == w.n-1 && w.is(cur-2, "AI", "OI"):
		return "", 1 // resnais, artois
	case w.is(cur+1, "S", "Z"):
		return "S", 2
	}
	return "S", 1
}
