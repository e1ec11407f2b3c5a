package store

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParseSearch checks what a "Find a person" query becomes: one kind of
// search at most; every value sent to the database valid UTF-8 without NUL
// (PostgreSQL refuses both, so the search would fail with a server error);
// and the same search whatever the spacing or ASCII letter case.
func FuzzParseSearch(f *testing.F) {
	for _, s := range []string{
		"Priya Shah", "priya", "FAM-2026-0001", "fam-2026-0001 ", "  Mary   Jane  O'Brien ", "O'Brien", "Zoë",
		"ab\xff", "ab\x00", "Ωμέγα Σ", "Łukasz", "ÖZTÜRK", "ŞİMŞEKÇİÖĞÜŁ", "ıſ", "a", ".", "", "  ", "FAM-", "FAM-2026 0001", "ＦＡＭ-1", "j.", "Smith .",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, query string) {
		sq := parseSearch(query)
		kinds := 0
		for _, set := range []bool{sq.Reference != "", len(sq.Names)+len(sq.Phonetic) > 0, sq.Word != ""} {
			if set {
				kinds++
			}
		}
		if kinds > 1 {
			t.Fatalf("parseSearch(%q) = %+v: more than one kind of search", query, sq)
		}
		// Each form of a one-name search lower-cases to it, the first is
		// it, none repeats, and there are at most 2^maxCasedLetters.
		if (sq.Word == "") != (len(sq.WordForms) == 0) || len(sq.WordForms) > 1<<maxCasedLetters ||
			len(sq.WordForms) > 0 && sq.WordForms[0] != sq.Word {
			t.Fatalf("parseSearch(%q): word %q, forms %q", query, sq.Word, sq.WordForms)
		}
		seen := map[string]bool{}
		for _, w := range sq.WordForms {
			if seen[w] || strings.ToLower(w) != sq.Word {
				t.Fatalf("parseSearch(%q): form %q of %q repeated or not the same word", query, w, sq.Word)
			}
			seen[w] = true
		}
		args := append(append(append([]string{sq.Reference, sq.Word}, sq.Names...), sq.Phonetic...), sq.WordForms...)
		for _, a := range args {
			if !utf8.ValidString(a) || strings.ContainsRune(a, 0) {
				t.Fatalf("parseSearch(%q) sends %q to the database", query, a)
			}
		}
		if sq.Reference != "" && (!referencePattern.MatchString(sq.Reference) || sq.Reference != strings.ToUpper(sq.Reference)) {
			t.Fatalf("reference %q", sq.Reference)
		}
		if sq.Text != strings.Join(strings.Fields(sq.Text), " ") {
			t.Fatalf("text %q has stray spaces", sq.Text)
		}
		spaced := "\t " + strings.ReplaceAll(query, " ", " \n ") + " "
		if again := parseSearch(spaced); !reflect.DeepEqual(again, sq) {
			t.Fatalf("spacing changes the search: %+v, %+v", sq, again)
		}
		upper := strings.Map(func(r rune) rune {
			if 'a' <= r && r <= 'z' {
				return r - 'a' + 'A'
			}
			return r
		}, query)
		if upper == query {
			return
		}
		if again := parseSearch(upper); !reflect.DeepEqual(again.Reference+again.Word, sq.Reference+sq.Word) || !reflect.DeepEqual(again.WordForms, sq.WordForms) ||
			!reflect.DeepEqual(again.Names, sq.Names) || !reflect.DeepEqual(again.Phonetic, sq.Phonetic) {
			t.Fatalf("letter case changes the search: %+v, %+v", sq, again)
		}
	})
}
