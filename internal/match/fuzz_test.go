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
