package eligibility

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/strictjson"
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
		// The date round-trips: typed back as numbers (as the form shows a
		// saved date), as a month name, and through the GOV.UK format.
		gy, gm, gd := got.Date()
		for _, parts := range [][3]string{
			{strconv.Itoa(gd), strconv.Itoa(int(gm)), strconv.Itoa(gy)},
			{fmt.Sprintf(" %02d", gd), gm.String()[:3], strconv.Itoa(gy) + " "},
			{strconv.Itoa(gd), gm.String(), strconv.Itoa(gy)},
		} {
			again, err := ParseDate(parts[0], parts[1], parts[2])
			if err != nil || !again.Equal(got) {
				t.Fatalf("%v typed as %q gives %v, %v", got, parts, again, err)
			}
		}
		if back, err := time.Parse("2 January 2006", FormatDate(got)); err != nil || !back.Equal(got) {
			t.Fatalf("FormatDate(%v) = %q reads back as %v, %v", got, FormatDate(got), back, err)
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

// FuzzParseConfig feeds arbitrary bytes to ParseConfig, seeded with the
// shipped rules. What it refuses comes back as an error with a message and
// a zero Config; what it accepts must validate, survive a JSON round trip
// unchanged, and place each of its own postcode districts and local
// authorities in the area that lists them.
func FuzzParseConfig(f *testing.F) {
	f.Add([]byte(defaultJSON))
	for _, s := range []string{
		`{"areas":[{"name":"Blackpool","postcode_districts":["FY1"]}]}`,
		`{"remote":{"name":"Connect"},"start_weeks":0,"latest_weeks":36,"min_parent_age":18,"max_edd_ahead_weeks":44}`,
		`{"areas":[{"name":"A","postcode_districts":["SG"]},{"name":"B","postcode_districts":["SG15","W1A"],"local_authorities":["St. Albans & District"]}]}`,
		`{"areas":[{"name":"A","postcode_districts":["FY1","fy1"]}]}`,
		`{"areas":[{"name":"A","local_authorities":["x"]}],"remote":{"name":"a"}}`,
		`{"areas":[{"name":"A","postcode_districts":["1AA"]}]}`,
		`{"areas":[]}`, `{}`, `null`, `[]`, ``, `{"areas":[{"name":"A","local_authorities":["x"]}]} {}`,
		`{"areas":[{"name":"A","local_authorities":["x"]}],"start_weeks":43}`,
		`{"areas":[{"name":"A","local_authorities":["x"]}],"colour":"red"}`,
		`{"areas":[{"name":"A","local_authorities":["&"]}]}`,
		`{"areas":[{"name":"A","local_authorities":["x"]}],"latest_weeks":42,"Latest_Weeks":30}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := ParseConfig(data)
		if err != nil {
			if err.Error() == "" || !reflect.DeepEqual(cfg, Config{}) {
				t.Fatalf("refused with %q but returned %+v", err, cfg)
			}
			var ce *ConfigError
			if errors.As(err, &ce) && (ce.Field == "" || ce.Problem == "") {
				t.Fatalf("config error without a field or problem: %#v", ce)
			}
			return
		}
		if err := cfg.Validate(); err != nil {
			t.Fatalf("parsed but does not validate: %v", err)
		}
		if p := strictjson.Check(data); p != nil {
			t.Fatalf("accepted rules that name %q twice (or nest too deeply)", p.Field)
		}
		out, err := json.Marshal(cfg)
		if err != nil {
			t.Fatal(err)
		}
		again, err := ParseConfig(out)
		if err != nil || !reflect.DeepEqual(again, cfg) {
			t.Fatalf("round trip: %v\n%+v\n%+v", err, cfg, again)
		}
		// A few entries of each area are enough: checking every one makes
		// each run of the shipped rules take milliseconds.
		for _, a := range cfg.Areas {
			for _, d := range a.PostcodeDistricts[:min(3, len(a.PostcodeDistricts))] {
				if _, out, ok := NormalisePostcode(d); !ok || out != compactPostcode(d) {
					continue // a postcode area ("SG") on its own is not a postcode
				}
				if got, how, ok := ResolveArea(cfg, d); !ok || got != a.Name || how != HowPostcode {
					t.Fatalf("district %q of %q resolves to %q, %q, %v", d, a.Name, got, how, ok)
				}
			}
			for _, la := range a.LocalAuthorities[:min(3, len(a.LocalAuthorities))] {
				got, how, ok := ResolveArea(cfg, la)
				if !ok || (how == HowLocalAuthority && got != a.Name) {
					t.Fatalf("local authority %q of %q resolves to %q, %q, %v", la, a.Name, got, how, ok)
				}
			}
		}
	})
}

// FuzzGestation checks the date maths behind the referral form's due date
// and ages over a few centuries either side of 2027: gestation and the date
// at a gestation invert each other, CheckEDD refuses exactly the dates
// outside its window (with a message), and birthdays (29 February too) turn
// ages over on DateAtAge.
func FuzzGestation(f *testing.F) {
	f.Add(int32(0), int32(0), uint8(28), uint8(0), uint8(16))
	f.Add(int32(100), int32(-180), uint8(40), uint8(6), uint8(0))
	f.Add(int32(-365*4+59), int32(294), uint8(42), uint8(3), uint8(1))
	f.Add(int32(1<<20), int32(-1<<20), uint8(255), uint8(255), uint8(255))
	base := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	cfg, err := DefaultConfig()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, eddOffset, todayOffset int32, weeks, days, years uint8) {
		// Within ±300 years, where calendar dates are ordinary.
		edd := base.AddDate(0, 0, int(eddOffset%(300*366)))
		today := base.AddDate(0, 0, int(todayOffset%(300*366))).Add(time.Duration(todayOffset) * time.Minute % (24 * time.Hour))

		g := GestationOn(edd, today)
		if g.Weeks < 0 || g.Days < 0 || g.Days > 6 {
			t.Fatalf("GestationOn(%v, %v) = %v", edd, today, g)
		}
		if ahead := DaysBetween(today, edd); ahead <= termDays {
			if at := DateAtGestation(edd, g.Weeks, g.Days); !at.Equal(DateOf(today)) {
				t.Fatalf("gestation on %v is %v, but that gestation falls on %v", today, g, at)
			}
		} else if g != (Gestation{}) {
			t.Fatalf("%d days before the EDD, gestation %v", ahead, g)
		}
		w, d := int(weeks)%45, int(days)%7
		if got := GestationOn(edd, DateAtGestation(edd, w, d)); got != (Gestation{w, d}) {
			t.Fatalf("GestationOn(DateAtGestation(%d+%d)) = %v", w, d, got)
		}

		err := CheckEDD(edd, today, cfg)
		ahead := DaysBetween(today, edd)
		if want := ahead >= 0 && ahead <= cfg.MaxEDDAheadWeeks*7; want != (err == nil) {
			t.Fatalf("CheckEDD(%v, today %v) = %v, %d days ahead", edd, today, err, ahead)
		}
		var de *DateError
		if err != nil && (!errors.As(err, &de) || de.Message == "") {
			t.Fatalf("CheckEDD error %v is not a *DateError with a message", err)
		}

		// Read edd as a date of birth: the age turns over on the birthday.
		n := int(years) % 120
		birthday := DateAtAge(edd, n)
		if AgeOn(edd, birthday) != n || (n > 0 && AgeOn(edd, birthday.AddDate(0, 0, -1)) != n-1) {
			t.Fatalf("born %v: %d on %v, %d the day before", edd, AgeOn(edd, birthday), birthday, AgeOn(edd, birthday.AddDate(0, 0, -1)))
		}
	})
}
