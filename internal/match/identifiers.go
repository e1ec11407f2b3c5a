package match

import (
	"strings"
	"unicode"
)

// NormalisePhone reduces a phone number to digits so that the same number
// written differently compares equal. UK numbers in international form
// (+44, 0044, 44) get their leading 0 back, and a trunk "(0)" after the
// country code is dropped: "+44 (0)7700 900123" → "07700900123". A UK
// number must then be 10 or 11 digits starting 0[1-9]. Other international
// numbers become "00" + country code + number (8 to 15 digits, as E.164
// allows). Anything else, including text such as "ext" or "n/a", gives "":
// a half-understood number must never look like a match.
func NormalisePhone(s string) string {
	s = strings.TrimSpace(strings.ReplaceAll(s, "(0)", ""))
	if s == "" {
		return ""
	}
	var d strings.Builder
	plus := false
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			d.WriteRune(r)
		case r == '+' && i == 0:
			plus = true
		case r == ' ' || r == '-' || r == '.' || r == '(' || r == ')' || r == '/' || unicode.IsSpace(r):
			// Separators people type.
		default:
			return ""
		}
	}
	digits := d.String()
	switch {
	case plus:
		// Already international.
	case strings.HasPrefix(digits, "00"):
		digits = digits[2:]
	case strings.HasPrefix(digits, "44") && len(digits) >= 12:
		// 44 7700 900123 typed without the plus.
	default:
		if isUKNational(digits) {
			return digits
		}
		return ""
	}
	if strings.HasPrefix(digits, "44") {
		national := "0" + strings.TrimPrefix(digits[2:], "0") // +44 07700… is common
		if isUKNational(national) {
			return national
		}
		return ""
	}
	if len(digits) < 8 || len(digits) > 15 || digits[0] == '0' {
		return ""
	}
	return "00" + digits
}

// isUKNational reports whether digits look like a UK number in national
// form: 0 then a non-zero digit, 10 or 11 digits in all.
func isUKNational(digits string) bool {
	return (len(digits) == 10 || len(digits) == 11) && digits[0] == '0' && digits[1] != '0'
}

// ValidNHSNumber reports whether s is a valid NHS number: ten digits
// (spaces and hyphens allowed) whose last digit is the Modulus 11 check
// digit of the first nine, weighted 10 down to 2. A remainder giving 11
// means a check digit of 0; one giving 10 means no valid number exists.
//
// Placeholders that happen to pass the check — one digit repeated
// ("1111111111") or "0123456789" — are refused, because two people given
// the same placeholder would otherwise look like a decisive match.
func ValidNHSNumber(s string) bool {
	return nhsDigits(s) != ""
}

// nhsDigits returns the ten digits of a valid NHS number, or "".
func nhsDigits(s string) string {
	var d []byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			if len(d) == 10 {
				return ""
			}
			d = append(d, c)
		case c == ' ' || c == '-':
		default:
			return ""
		}
	}
	if len(d) != 10 {
		return ""
	}
	digits := string(d)
	if digits == "0123456789" || strings.Count(digits, digits[:1]) == 10 {
		return ""
	}
	sum := 0
	for i := 0; i < 9; i++ {
		sum += int(d[i]-'0') * (10 - i)
	}
	check := 11 - sum%11
	if check == 11 {
		check = 0
	}
	if check == 10 || check != int(d[9]-'0') {
		return ""
	}
	return digits
}

// normaliseEmail lower-cases and trims an address. It deliberately does not
// strip Gmail dots or "+tags": providers differ, and guessing wrong would
// join two people. Values without an "@" between other text ("none",
// "n/a") give "", so placeholders never match each other.
func normaliseEmail(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || at == len(s)-1 {
		return ""
	}
	return s
}

// normalisePostcode upper-cases a postcode and removes its spaces, so
// "fy1 1aa" and "FY11AA" agree.
func normalisePostcode(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return unicode.ToUpper(r)
	}, s)
}
