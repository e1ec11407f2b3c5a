package match

import "testing"

func TestNormalisePhone(t *testing.T) {
	tests := []struct{ in, want string }{
		{"+44 7700 900123", "07700900123"},
		{"+447700900123", "07700900123"},
		{"07700-900-123", "07700900123"},
		{"07700 900 123", "07700900123"},
		{"0044 7700 900123", "07700900123"},
		{"44 7700 900123", "07700900123"},
		{"+44 (0)7700 900123", "07700900123"},
		{"+44 07700 900123", "07700900123"},
		{"(01253) 123456", "01253123456"},
		{"01253 123456", "01253123456"},
		{"0800 123456", "0800123456"},
		{"+33 1 23 45 67 89", "0033123456789"},
		{"0033 1 23 45 67 89", "0033123456789"},
		{"", ""},
		{"n/a", ""},
		{"none", ""},
		{"07700 900123 ext 4", ""},
		{"12345", ""},
		{"7700900123", ""},      // no leading 0: not guessed
		{"077009001234567", ""}, // too long
		{"00000000000", ""},     // 00 is not a UK national number
		{"+44 1234", ""},        // too short
		{"+", ""},
		{"07700+900123", ""},   // plus only at the start
		{"+0 123 456 789", ""}, // no country code starts 0
		{"٠٧٧٠٠٩٠٠١٢٣", ""},    // non-ASCII digits are refused
	}
	for _, tt := range tests {
		if got := NormalisePhone(tt.in); got != tt.want {
			t.Errorf("NormalisePhone(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestValidNHSNumber(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"943 476 5919", true}, // NHS Digital's published example
		{"9434765919", true},
		{"943-476-5919", true},
		{"401 023 2137", true},
		{"943 476 5918", false}, // wrong check digit
		{"943 476 5960", false}, // remainder gives 10: no check digit is valid
		{"943 476 591", false},  // nine digits
		{"943 476 59190", false},
		{"943.476.5919", false},
		{"94347A5919", false},
		{"", false},
		{"1111111111", false}, // passes Modulus 11 but is a placeholder
		{"2222222222", false},
		{"0000000000", false},
		{"0123456789", false},
	}
	for _, tt := range tests {
		if got := ValidNHSNumber(tt.in); got != tt.want {
			t.Errorf("ValidNHSNumber(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

// TestNHSPlaceholdersPassChecksum shows why placeholders are refused
// explicitly: the check digit alone accepts them.
func TestNHSPlaceholdersPassChecksum(t *testing.T) {
	for _, s := range []string{"1111111111", "2222222222", "0123456789"} {
		sum := 0
		for i := 0; i < 9; i++ {
			sum += int(s[i]-'0') * (10 - i)
		}
		check := (11 - sum%11) % 11
		if check != int(s[9]-'0') {
			t.Errorf("%s does not pass Modulus 11; drop it from the placeholder test", s)
		}
	}
}

func TestNormaliseEmail(t *testing.T) {
	tests := []struct{ in, want string }{
		{"  Jane.Doe+cradle@Example.ORG ", "jane.doe+cradle@example.org"},
		{"jane.doe@gmail.com", "jane.doe@gmail.com"}, // dots kept
		{"none", ""},
		{"n/a", ""},
		{"@example.org", ""},
		{"jane@", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := normaliseEmail(tt.in); got != tt.want {
			t.Errorf("normaliseEmail(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestNormalisePostcode(t *testing.T) {
	if got := normalisePostcode(" fy1  1aa "); got != "FY11AA" {
		t.Errorf("normalisePostcode = %q, want FY11AA", got)
	}
}
