package eligibility

import (
	"strings"
	"unicode"
)

// How an area was resolved.
const (
	HowPostcode       = "postcode"
	HowLocalAuthority = "local authority"
)

// outward is a postcode's outward code split into its parts: "W1A" is area
// "W", district "1", sub-district 'A'. Matching on parts, not on string
// prefixes, is what stops "SG1" from matching "SG15".
type outward struct {
	area     string // one or two letters
	district string // one or two digits; "" for an area-only config entry
	sub      byte   // a London sub-district letter, or 0
}

// specificity ranks config entries so that the most specific match wins.
func (o outward) specificity() int {
	switch {
	case o.sub != 0:
		return 3
	case o.district != "":
		return 2
	}
	return 1
}

// compactPostcode upper-cases ASCII letters and drops white space. Anything
// else outside ASCII makes it empty, so that Unicode case folding (such as
// "ſ" upper-casing to "S") cannot turn odd input into a postcode.
func compactPostcode(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
		case r > unicode.MaxASCII:
			return ""
		case 'a' <= r && r <= 'z':
			b.WriteRune(r - 'a' + 'A')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func isUpper(c byte) bool { return 'A' <= c && c <= 'Z' }
func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// parseOutward reads a compact outward code in any of the UK forms: A9, A99,
// A9A, AA9, AA99, AA9A.
func parseOutward(s string) (outward, bool) {
	i := 0
	for i < len(s) && i < 2 && isUpper(s[i]) {
		i++
	}
	rest := s[i:]
	if i == 0 || len(rest) == 0 || len(rest) > 2 || !isDigit(rest[0]) {
		return outward{}, false
	}
	o := outward{area: s[:i], district: rest}
	if len(rest) == 2 {
		switch {
		case isDigit(rest[1]):
		case isUpper(rest[1]):
			o.district, o.sub = rest[:1], rest[1]
		default:
			return outward{}, false
		}
	}
	return o, true
}

// parseDistrictEntry reads a config entry: an outward code, or a postcode
// area of one or two letters on its own.
func parseDistrictEntry(s string) (outward, bool) {
	if (len(s) == 1 || len(s) == 2) && isUpper(s[0]) && isUpper(s[len(s)-1]) {
		return outward{area: s}, true
	}
	return parseOutward(s)
}

// isInward checks the inward code: a digit then two letters.
func isInward(s string) bool {
	return len(s) == 3 && isDigit(s[0]) && isUpper(s[1]) && isUpper(s[2])
}

// NormalisePostcode reads a UK postcode in any case and spacing. For a full
// postcode it returns it in standard form ("FY1 4AB") and its outward code
// ("FY1"); for an outward code on its own ("fy1") full is empty. The check
// is of format only: it cannot tell whether the postcode exists.
func NormalisePostcode(s string) (full, out string, ok bool) {
	c := compactPostcode(s)
	if n := len(c); n >= 5 && n <= 7 && isInward(c[n-3:]) {
		if _, ok := parseOutward(c[:n-3]); ok {
			return c[:n-3] + " " + c[n-3:], c[:n-3], true
		}
	}
	if _, ok := parseOutward(c); ok {
		return "", c, true
	}
	return "", "", false
}

// ValidPostcode reports whether s is a complete UK postcode in format, such
// as "FY1 4AB". An outward code on its own ("FY1") is not enough for an
// address; NormalisePostcode accepts it.
func ValidPostcode(s string) bool {
	full, _, ok := NormalisePostcode(s)
	return ok && full != ""
}

// ResolveArea finds the funded area for a postcode (full or outward code) or
// a local authority's name. The most specific postcode entry wins, so
// "SG17 5AA" is Bedfordshire (SG17) rather than Hertfordshire (SG). A local
// authority matches regardless of case, spacing, punctuation or "&" for
// "and". how is HowPostcode or HowLocalAuthority. The remote offer is not an
// area here: ok is false outside the funded areas.
func ResolveArea(cfg Config, postcodeOrAuthority string) (area, how string, ok bool) {
	if _, out, isPostcode := NormalisePostcode(postcodeOrAuthority); isPostcode {
		if name, found := matchDistrict(cfg, out); found {
			return name, HowPostcode, true
		}
	}
	key := authorityKey(postcodeOrAuthority)
	if key == "" {
		return "", "", false
	}
	for _, a := range cfg.Areas {
		for _, la := range a.LocalAuthorities {
			if authorityKey(la) == key {
				return a.Name, HowLocalAuthority, true
			}
		}
	}
	return "", "", false
}

func matchDistrict(cfg Config, compactOutward string) (string, bool) {
	o, ok := parseOutward(compactOutward)
	if !ok {
		return "", false
	}
	best, bestScore := "", 0
	for _, a := range cfg.Areas {
		for _, entry := range a.PostcodeDistricts {
			e, ok := parseDistrictEntry(compactPostcode(entry))
			if !ok || e.area != o.area {
				continue
			}
			if e.district != "" && e.district != o.district {
				continue
			}
			if e.sub != 0 && e.sub != o.sub {
				continue
			}
			if s := e.specificity(); s > bestScore {
				best, bestScore = a.Name, s
			}
		}
	}
	return best, bestScore > 0
}

// authorityKey folds a local authority's name for comparison: lower case,
// "&" as "and", punctuation as spaces, spaces collapsed. So "St. Albans City
// & District Council" matches "St Albans City and District Council".
func authorityKey(s string) string {
	s = strings.ReplaceAll(s, "&", " and ")
	s = strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return unicode.ToLower(r)
		}
		return ' '
	}, s)
	return strings.Join(strings.Fields(s), " ")
}
