package eligibility

import "testing"

func TestNormalisePostcode(t *testing.T) {
	tests := []struct {
		in, full, out string
		ok            bool
	}{
		{"FY1 4AB", "FY1 4AB", "FY1", true},
		{"fy14ab", "FY1 4AB", "FY1", true},
		{"  fY1   4aB ", "FY1 4AB", "FY1", true},
		{"FY1\t4AB", "FY1 4AB", "FY1", true},
		{"W1A 1AA", "W1A 1AA", "W1A", true},    // A9A
		{"SW1A 2AA", "SW1A 2AA", "SW1A", true}, // AA9A
		{"M1 1AE", "M1 1AE", "M1", true},       // A9
		{"B33 8TH", "B33 8TH", "B33", true},    // A99
		{"CR2 6XH", "CR2 6XH", "CR2", true},    // AA9
		{"DN55 1PT", "DN55 1PT", "DN55", true}, // AA99
		{"SG17 5AA", "SG17 5AA", "SG17", true},
		{"W11AA", "W1 1AA", "W1", true}, // compact: the inward code is always the last three
		{"FY1", "", "FY1", true},
		{"fy1", "", "FY1", true},
		{"sg15", "", "SG15", true},
		{"W1A", "", "W1A", true},
		{"EC1A", "", "EC1A", true},
		{"", "", "", false},
		{"   ", "", "", false},
		{"FY", "", "", false},
		{"1AB", "", "", false},
		{"FY1 4A", "", "", false},
		{"FY1 4ABC", "", "", false},
		{"FY1 A4B", "", "", false},
		{"ABC1 1AA", "", "", false},
		{"FY123 4AB", "", "", false},
		{"SG1A5 5AA", "", "", false},
		{"FY1-4AB", "", "", false},
		{"Blackpool", "", "", false},
		{"ſG1 1AA", "", "", false}, // long s upper-cases to S; must not be read as SG1
		{"FY1 4AB\u00a0", "FY1 4AB", "FY1", true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			full, out, ok := NormalisePostcode(tt.in)
			if full != tt.full || out != tt.out || ok != tt.ok {
				t.Errorf("NormalisePostcode(%q) = %q, %q, %v; want %q, %q, %v", tt.in, full, out, ok, tt.full, tt.out, tt.ok)
			}
			if want := tt.ok && tt.full != ""; ValidPostcode(tt.in) != want {
				t.Errorf("ValidPostcode(%q) = %v, want %v", tt.in, !want, want)
			}
		})
	}
}

func TestResolveArea(t *testing.T) {
	cfg := mustDefault(t)
	tests := []struct {
		in, area, how string
		ok            bool
	}{
		{"FY1 4AB", "Blackpool", HowPostcode, true},
		{"fy14ab", "Blackpool", HowPostcode, true},
		{"FY8 1AA", "Blackpool", HowPostcode, true},
		{"FY9 1AA", "", "", false},
		{"FY1", "Blackpool", HowPostcode, true},
		{"SG1 2AB", "Hertfordshire", HowPostcode, true},
		{"SG1", "Hertfordshire", HowPostcode, true},
		{"SG14 1AA", "Hertfordshire", HowPostcode, true},
		{"SG15", "Bedfordshire", HowPostcode, true},
		{"SG17 5AA", "Bedfordshire", HowPostcode, true},
		{"SG19 1AA", "Bedfordshire", HowPostcode, true},
		{"AL1 1AA", "Hertfordshire", HowPostcode, true},
		{"WD17 1AA", "Hertfordshire", HowPostcode, true},
		{"HP2 4AA", "Hertfordshire", HowPostcode, true},
		{"HP23 5AA", "Hertfordshire", HowPostcode, true},
		{"HP5 1AA", "", "", false},
		{"HP10 1AA", "", "", false}, // not HP1
		{"EN6 1AA", "Hertfordshire", HowPostcode, true},
		{"EN9 1AA", "", "", false},
		{"EN11 1AA", "Hertfordshire", HowPostcode, true},
		{"EN1 1AA", "", "", false}, // not EN11
		{"CM23 2AA", "Hertfordshire", HowPostcode, true},
		{"CM2 1AA", "", "", false},
		{"MK40 1AA", "Bedfordshire", HowPostcode, true},
		{"MK4 1AA", "", "", false}, // not MK40
		{"LU1 1AA", "Bedfordshire", HowPostcode, true},
		{"LU7 1AA", "Bedfordshire", HowPostcode, true},
		{"W8 4PT", "Kensington and Chelsea", HowPostcode, true},
		{"W1A 1AA", "Westminster", HowPostcode, true}, // W1A is part of W1
		{"W1 1AA", "Westminster", HowPostcode, true},
		{"W10 5AA", "Kensington and Chelsea", HowPostcode, true}, // not W1
		{"W12 7AA", "", "", false},
		{"SW1A 2AA", "Westminster", HowPostcode, true},
		{"SW10 0AA", "Kensington and Chelsea", HowPostcode, true}, // not SW1
		{"SW3", "Kensington and Chelsea", HowPostcode, true},
		{"NW8 9AA", "Westminster", HowPostcode, true},
		{"N8 1AA", "", "", false}, // not NW8
		{"EH1 1AA", "", "", false},
		{"blackpool council", "Blackpool", HowLocalAuthority, true},
		{"  Blackpool   Council ", "Blackpool", HowLocalAuthority, true},
		{"BLACKPOOL", "Blackpool", HowLocalAuthority, true},
		{"St. Albans City & District Council", "Hertfordshire", HowLocalAuthority, true},
		{"Kensington & Chelsea", "Kensington and Chelsea", HowLocalAuthority, true},
		{"Central Bedfordshire", "Bedfordshire", HowLocalAuthority, true},
		{"Luton", "Bedfordshire", HowLocalAuthority, true},
		{"Watford Borough Council", "Hertfordshire", HowLocalAuthority, true},
		{"Lancashire County Council", "", "", false},
		{"Blackpol", "", "", false},
		{"", "", "", false},
		{"   ", "", "", false},
		{"&", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			area, how, ok := ResolveArea(cfg, tt.in)
			if area != tt.area || how != tt.how || ok != tt.ok {
				t.Errorf("ResolveArea(%q) = %q, %q, %v; want %q, %q, %v", tt.in, area, how, ok, tt.area, tt.how, tt.ok)
			}
		})
	}
}

func TestResolveAreaMostSpecificWins(t *testing.T) {
	// Entries are listed least specific first in one order and most specific
	// first in another, so the result cannot depend on order.
	for _, cfg := range []Config{
		{Areas: []Area{
			{Name: "Area", PostcodeDistricts: []string{"W"}},
			{Name: "District", PostcodeDistricts: []string{"W1"}},
			{Name: "Sub-district", PostcodeDistricts: []string{"w1a"}},
		}},
		{Areas: []Area{
			{Name: "Sub-district", PostcodeDistricts: []string{"W1A"}},
			{Name: "District", PostcodeDistricts: []string{"W 1"}},
			{Name: "Area", PostcodeDistricts: []string{"W"}},
		}},
	} {
		tests := map[string]string{
			"W1A 1AA": "Sub-district",
			"W1B 1AA": "District",
			"W1 1AA":  "District",
			"W10 1AA": "Area",
			"W2":      "Area",
		}
		for in, want := range tests {
			if got, _, _ := ResolveArea(cfg, in); got != want {
				t.Errorf("ResolveArea(%q) = %q, want %q", in, got, want)
			}
		}
		if _, _, ok := ResolveArea(cfg, "WC1A 1AA"); ok {
			t.Errorf("WC1A matched the W area")
		}
	}
}
