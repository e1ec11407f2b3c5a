package eligibility

import (
	"errors"
	"testing"
	"time"
)

func FuzzParseDate(f *testing.F) {
	for _, s := range [][3]string{
		{"5", "3", "2027"}, {"2 ", "jan", "2027"}, {"31", "2", "2027"}, {"29", "2", "2028"},
		{"", "", ""}, {"", "3", ""}, {"5", "3", "27"}, {"x", "y", "z"}, {"-1", "+2", "-202"},
		{"99999999999999999999", "1", "2027"}, {"٥", "ſept", "２０２７"}, {"\x00", "\xff", "9999"},
	} {
		f.Add(s[0], s[1], s[2])
	}
	f.Fuzz(func(t *testing.T, d, m, y string) {
		got, err := ParseDate(d, m, y)
		if err != nil {
			var de *DateError
			if !errors.As(err, &de) || de.Message == "" {
				t.Fatalf("error %v is not a *DateError with a message", err)
			}
			for _, field := range de.Fields {
				if field != "day" && field != "month" && field != "year" {
					t.Fatalf("unexpected field %q", field)
				}
			}
			if !got.IsZero() {
				t.Fatalf("date %v returned with an error", got)
			}
			return
		}
		if got.Location() != time.UTC || !got.Equal(DateOf(got)) {
			t.Fatalf("%v is not a date at 00:00 UTC", got)
		}
		if got.Year() < 1000 || got.Year() > 9999 {
			t.Fatalf("year %d out of range", got.Year())
		}
	})
}

func FuzzResolveArea(f *testing.F) {
	cfg, err := DefaultConfig()
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{
		"FY1 4AB", "fy14ab", "SG1 2AB", "SG17 5AA", "SG15", "W8 4PT", "W1A 1AA", "EH1 1AA",
		"blackpool council", "", " ", "&", "ſG1 1AA", "SW1A", "\xff\xfe", "W11AA", "AA99A 9AA",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		area, how, ok := ResolveArea(cfg, s)
		if ok != (area != "") || ok != (how == HowPostcode || how == HowLocalAuthority) {
			t.Fatalf("ResolveArea(%q) = %q, %q, %v: inconsistent", s, area, how, ok)
		}
		full, out, valid := NormalisePostcode(s)
		if !valid {
			if full != "" || out != "" {
				t.Fatalf("NormalisePostcode(%q) returned parts without ok", s)
			}
			return
		}
		// Normalising is idempotent and agrees with the outward code alone.
		if full != "" {
			if f2, o2, ok2 := NormalisePostcode(full); f2 != full || o2 != out || !ok2 {
				t.Fatalf("NormalisePostcode(%q) not idempotent: %q %q %v", full, f2, o2, ok2)
			}
		}
		if how == HowPostcode {
			if a2, _, _ := ResolveArea(cfg, out); a2 != area {
				t.Fatalf("%q resolves to %q but its outward code %q to %q", s, area, out, a2)
			}
		}
		_ = Assess(cfg, Facts{Area: s, ReferredOn: day(2027, 1, 1)})
	})
}
