package match

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzNormaliseName checks that any input gives valid UTF-8 with single
// spaces and no capitals, and that normalising twice changes nothing, so
// keys computed from stored and fresh values agree.
func FuzzNormaliseName(f *testing.F) {
	for _, s := range []string{
		"Zoë", "O'Brien", "Mary-Jane", "Ольга", "Ιωάννης", "Straße", "Ｊｏｈｎ",
		"  ", "\xff", "ǅ", "İ", "ᴬ", "Σ", "ﬁ", "½", "a\u0301", "ου", "γγ",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := NormaliseName(s)
		if !utf8.ValidString(n) {
			t.Fatalf("NormaliseName(%q) = %q is not valid UTF-8", s, n)
		}
		if strings.Contains(n, "  ") || strings.HasPrefix(n, " ") || strings.HasSuffix(n, " ") {
			t.Fatalf("NormaliseName(%q) = %q has stray spaces", s, n)
		}
		if n2 := NormaliseName(n); n2 != n {
			t.Fatalf("not idempotent: %q → %q → %q", s, n, n2)
		}
		p := Phonetic(s)
		if len(p) > 4 || strings.Trim(p, "AFHJKLMNPRSTX0") != "" {
			t.Fatalf("Phonetic(%q) = %q", s, p)
		}
		_ = CanonicalGivenName(s)
	})
}

// FuzzRank checks that Rank never panics and always returns a sorted,
// de-duplicated list with a level for every entry.
func FuzzRank(f *testing.F) {
	f.Add("Jane", "Smith", "", "07700 900123", "jane@example.org", "943 476 5919", "FY1 1AA", int64(1990), "J.", "Smyth", "Janey", "+447700900123", "", "9434765919", "fy11aa", int64(1990))
	f.Add("Bob", "O'Brien", "Rob", "", "", "", "", int64(0), "Robert", "OBrien", "", "", "", "", "", int64(1985))
	f.Add("", "", "", "", "", "", "", int64(0), "", "", "", "", "", "", "", int64(0))
	f.Add("Baby", "Ωμέγα", "\xff", "++44", "@", "1111111111", " ", int64(-5), "sam", "ΩΜΕΓΑ", "sammy", "0044", "a@b", "0123456789", "x", int64(99999))
	f.Fuzz(func(t *testing.T, g1, f1, k1, p1, e1, n1, pc1 string, y1 int64,
		g2, f2, k2, p2, e2, n2, pc2 string, y2 int64) {
		mk := func(g, fam, k, p, e, n, pc string, y int64) Identity {
			id := Identity{GivenName: g, FamilyName: fam, KnownAs: k, Phone: p, Email: e, NHSNumber: n, Postcode: pc}
			if y != 0 {
				id.DateOfBirth = time.Date(int(y%3000), time.Month(y%13), int(y%32), 0, 0, 0, 0, time.UTC)
			}
			return id
		}
		q := mk(g1, f1, k1, p1, e1, n1, pc1, y1)
		c := mk(g2, f2, k2, p2, e2, n2, pc2, y2)
		_ = KeysOf(q)
		got := Rank(q, []Candidate{{PersonID: 2, Identity: c}, {PersonID: 1, Identity: q}, {PersonID: 2, Identity: q}})
		seen := map[int64]bool{}
		for i, s := range got {
			if seen[s.PersonID] {
				t.Fatalf("person %d listed twice", s.PersonID)
			}
			seen[s.PersonID] = true
			switch s.Level {
			case LevelStrong, LevelPossible, LevelWeak:
			default:
				t.Fatalf("level %q", s.Level)
			}
			if len(s.Reasons) == 0 {
				t.Fatalf("result without reasons: %+v", s)
			}
			if i > 0 && (got[i-1].Score < s.Score || got[i-1].Score == s.Score && got[i-1].PersonID > s.PersonID) {
				t.Fatalf("not sorted: %+v", got)
			}
		}
	})
}

// FuzzNormalisePhone checks the phone rule used on referral forms and for
// matching: a result is digits only, a UK national number or "00" and an
// E.164 length, unchanged when normalised again, and unchanged by spaces
// typed between digits.
func FuzzNormalisePhone(f *testing.F) {
	for _, s := range []string{
		"07700 900123", "+44 (0)7700 900123", "0044 7700 900123", "447700900123", "+33 1 23 45 67 89", "0033123456789",
		"01632 960 001", "ext 123", "n/a", "+", "++44", "0000000000", "(0)", "+44 07700 900123", "٠٧٧٠٠٩٠٠١٢٣", "07700\u00a0900123",
	} {
		f.Add(s, uint8(3))
	}
	f.Fuzz(func(t *testing.T, s string, at uint8) {
		n := NormalisePhone(s)
		if n == "" {
			return
		}
		if strings.Trim(n, "0123456789") != "" {
			t.Fatalf("NormalisePhone(%q) = %q", s, n)
		}
		uk := (len(n) == 10 || len(n) == 11) && n[0] == '0' && n[1] != '0'
		intl := strings.HasPrefix(n, "00") && len(n) >= 10 && len(n) <= 17 && n[2] != '0' && !strings.HasPrefix(n, "0044")
		if !uk && !intl {
			t.Fatalf("NormalisePhone(%q) = %q, neither UK nor international", s, n)
		}
		if again := NormalisePhone(n); again != n {
			t.Fatalf("NormalisePhone(%q) = %q, then %q", s, n, again)
		}
		// A space between two digits changes nothing.
		for i := int(at) % len(s); i+1 < len(s); i++ {
			if s[i] >= '0' && s[i] <= '9' && s[i+1] >= '0' && s[i+1] <= '9' {
				if spaced := NormalisePhone(s[:i+1] + " " + s[i+1:]); spaced != n {
					t.Fatalf("NormalisePhone(%q) = %q but with a space %q", s, n, spaced)
				}
				break
			}
		}
	})
}

// FuzzValidNHSNumber checks the NHS number rule: a valid number is ten
// digits whatever spaces and hyphens surround them, and changing any one
// digit makes it invalid (Modulus 11 catches every single-digit error).
func FuzzValidNHSNumber(f *testing.F) {
	for _, s := range []string{"943 476 5919", "9434765919", "943-476-5919", "943 476 5918", "1111111111", "0123456789", "94347659190", "９４３４７６５９１９", ""} {
		f.Add(s, uint8(0), uint8(1))
	}
	f.Fuzz(func(t *testing.T, s string, at, by uint8) {
		d := nhsDigits(s)
		if ValidNHSNumber(s) != (d != "") {
			t.Fatalf("ValidNHSNumber(%q) disagrees with nhsDigits %q", s, d)
		}
		if d == "" {
			return
		}
		if len(d) != 10 || strings.Trim(d, "0123456789") != "" || nhsDigits(d) != d || nhsDigits(" "+d[:3]+"-"+d[3:]+" ") != d {
			t.Fatalf("nhsDigits(%q) = %q", s, d)
		}
		i := int(at) % 10
		c := byte('0' + (int(d[i]-'0')+1+int(by)%9)%10)
		if changed := d[:i] + string(c) + d[i+1:]; ValidNHSNumber(changed) {
			t.Fatalf("%q is valid, and so is %q with one digit changed", d, changed)
		}
	})
}
