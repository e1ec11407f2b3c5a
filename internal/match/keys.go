package match

import (
	"slices"
	"strings"
	"time"
)

// Identity is what we know about a person: any field may be empty/zero.
type Identity struct {
	GivenName, FamilyName, KnownAs string
	// DateOfBirth is a calendar date; only its Date() is used. Zero means
	// unknown.
	DateOfBirth                       time.Time
	Phone, Email, NHSNumber, Postcode string
}

// Keys are normalised values a store can index and search on with exact
// matches, to fetch the candidates that Rank then scores. They are
// deliberately broad: finding too many candidates costs a little scoring,
// missing one costs a duplicate record.
type Keys struct {
	// Names are "given|family" pairs: each form the first given name (or
	// known-as name) may take — as written, canonical, and the full names
	// an ambiguous short form stands for — with the normalised family name
	// without spaces. "Sam O'Brien" gives "sam|obrien", "samantha|obrien"
	// and "samuel|obrien". Empty unless both names are known.
	Names []string
	// Phonetic are "family|given" pairs of Phonetic keys over the same
	// given-name forms, catching misspellings: "Smyth, Jon" gives "SM0|JN".
	// Empty unless both names have a key.
	Phonetic []string
	Phone    string // NormalisePhone; "" if not a plausible number
	Email    string // lower-cased and trimmed; "" if not an address
	NHS      string // ten digits if ValidNHSNumber, else ""
}

// KeysOf computes the search keys for id. The slices are sorted and free
// of duplicates so equal identities give equal keys.
func KeysOf(id Identity) Keys {
	k := Keys{
		Phone: NormalisePhone(id.Phone),
		Email: normaliseEmail(id.Email),
		NHS:   nhsDigits(id.NHSNumber),
	}
	family := NormaliseName(id.FamilyName)
	if family == "" {
		return k
	}
	famKey := strings.ReplaceAll(family, " ", "")
	famSound := Phonetic(family)
	for _, g := range indexForms(id) {
		k.Names = append(k.Names, g+"|"+famKey)
		if famSound == "" {
			continue
		}
		if gs := Phonetic(g); gs != "" {
			k.Phonetic = append(k.Phonetic, famSound+"|"+gs)
		}
	}
	slices.Sort(k.Names)
	k.Names = slices.Compact(k.Names)
	slices.Sort(k.Phonetic)
	k.Phonetic = slices.Compact(k.Phonetic)
	return k
}

// indexForms lists the first-word forms of a person's given and known-as
// names worth indexing. Initials are left out: "j|smith" would fetch every
// Smith whose name starts with J and still could not confirm anything.
func indexForms(id Identity) []string {
	var out []string
	for _, name := range []string{id.GivenName, id.KnownAs} {
		w := firstWord(NormaliseName(name))
		if w == "" || isInitial(w) {
			continue
		}
		out = append(out, w)
		out = append(out, givenForms(w)...)
	}
	return out
}
