package eligibility

import (
	"errors"
	"slices"
	"testing"
	"time"
)

// day builds a calendar date at 00:00 UTC.
func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestDateOf(t *testing.T) {
	sydney := time.FixedZone("AEST", 10*3600)
	tests := []struct {
		name string
		in   time.Time
		want time.Time
	}{
		{"midnight UTC", day(2027, 3, 5), day(2027, 3, 5)},
		{"late evening UTC", time.Date(2027, 3, 5, 23, 59, 59, 999, time.UTC), day(2027, 3, 5)},
		{"own zone's date, not UTC's", time.Date(2027, 3, 6, 8, 0, 0, 0, sydney), day(2027, 3, 6)},
		{"leap day", time.Date(2028, 2, 29, 12, 0, 0, 0, time.UTC), day(2028, 2, 29)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := DateOf(tt.in)
			if !got.Equal(tt.want) || got.Location() != time.UTC {
				t.Errorf("DateOf(%v) = %v, want %v UTC", tt.in, got, tt.want)
			}
		})
	}
}

func TestDaysBetween(t *testing.T) {
	tests := []struct {
		from, to time.Time
		want     int
	}{
		{day(2027, 1, 1), day(2027, 1, 1), 0},
		{day(2027, 1, 1), day(2027, 1, 2), 1},
		{day(2027, 1, 2), day(2027, 1, 1), -1},
		{day(2028, 2, 28), day(2028, 3, 1), 2}, // across a leap day
		{day(2027, 2, 28), day(2027, 3, 1), 1},
		{time.Date(2027, 1, 1, 23, 0, 0, 0, time.UTC), time.Date(2027, 1, 2, 1, 0, 0, 0, time.UTC), 1},
		{day(1800, 1, 1), day(2200, 1, 1), 146097},
	}
	for _, tt := range tests {
		if got := DaysBetween(tt.from, tt.to); got != tt.want {
			t.Errorf("DaysBetween(%v, %v) = %d, want %d", tt.from, tt.to, got, tt.want)
		}
	}
}

func TestFormatDate(t *testing.T) {
	tests := map[time.Time]string{
		day(2027, 3, 5):   "5 March 2027",
		day(2028, 2, 29):  "29 February 2028",
		day(2027, 12, 31): "31 December 2027",
	}
	for in, want := range tests {
		if got := FormatDate(in); got != want {
			t.Errorf("FormatDate(%v) = %q, want %q", in, got, want)
		}
	}
}

func TestGestation(t *testing.T) {
	edd := day(2027, 5, 21)
	tests := []struct {
		name string
		on   time.Time
		want Gestation
	}{
		{"280 days before the EDD", day(2026, 8, 14), Gestation{0, 0}},
		{"281 days before clamps", day(2026, 8, 13), Gestation{0, 0}},
		{"long before clamps", day(2020, 1, 1), Gestation{0, 0}},
		{"0+6", day(2026, 8, 20), Gestation{0, 6}},
		{"27+6", day(2027, 2, 25), Gestation{27, 6}},
		{"28+0", day(2027, 2, 26), Gestation{28, 0}},
		{"28+1", day(2027, 2, 27), Gestation{28, 1}},
		{"the day before the EDD", day(2027, 5, 20), Gestation{39, 6}},
		{"on the EDD", edd, Gestation{40, 0}},
		{"the day after the EDD", day(2027, 5, 22), Gestation{40, 1}},
		{"42+0", day(2027, 6, 4), Gestation{42, 0}},
		{"42+1", day(2027, 6, 5), Gestation{42, 1}},
		{"time of day ignored", time.Date(2027, 2, 26, 23, 59, 0, 0, time.UTC), Gestation{28, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := GestationOn(edd, tt.on); got != tt.want {
				t.Errorf("GestationOn(%v, %v) = %v, want %v", edd, tt.on, got, tt.want)
			}
		})
	}
}

func TestGestationString(t *testing.T) {
	tests := map[Gestation]string{{28, 0}: "28+0", {24, 3}: "24+3", {0, 0}: "0+0", {42, 6}: "42+6"}
	for g, want := range tests {
		if got := g.String(); got != want {
			t.Errorf("%#v.String() = %q, want %q", g, got, want)
		}
	}
	if got := (Gestation{28, 3}).InDays(); got != 199 {
		t.Errorf("InDays = %d, want 199", got)
	}
}

func TestGestationAcrossLeapDay(t *testing.T) {
	edd := day(2028, 4, 1)
	tests := []struct {
		on   time.Time
		want Gestation
	}{
		{day(2028, 2, 28), Gestation{35, 2}},
		{day(2028, 2, 29), Gestation{35, 3}},
		{day(2028, 3, 1), Gestation{35, 4}},
		{day(2028, 1, 8), Gestation{28, 0}},
	}
	for _, tt := range tests {
		if got := GestationOn(edd, tt.on); got != tt.want {
			t.Errorf("GestationOn(%v, %v) = %v, want %v", edd, tt.on, got, tt.want)
		}
	}
}

func TestDateAtGestation(t *testing.T) {
	tests := []struct {
		name         string
		edd          time.Time
		weeks, days  int
		want         time.Time
		wantWeekDays Gestation
	}{
		{"programme start", day(2027, 5, 28), 28, 0, day(2027, 3, 5), Gestation{28, 0}},
		{"24+3", day(2027, 5, 28), 24, 3, day(2027, 2, 8), Gestation{24, 3}},
		{"the EDD itself", day(2027, 5, 28), 40, 0, day(2027, 5, 28), Gestation{40, 0}},
		{"0+0", day(2027, 5, 28), 0, 0, day(2026, 8, 21), Gestation{0, 0}},
		{"42+0", day(2027, 5, 28), 42, 0, day(2027, 6, 11), Gestation{42, 0}},
		{"28+0 across a leap day", day(2028, 4, 1), 28, 0, day(2028, 1, 8), Gestation{28, 0}},
		{"28+0 in a common year", day(2027, 4, 1), 28, 0, day(2027, 1, 7), Gestation{28, 0}},
		{"landing on a leap day", day(2028, 5, 23), 28, 0, day(2028, 2, 29), Gestation{28, 0}},
		{"EDD with a time of day", time.Date(2027, 5, 28, 18, 30, 0, 0, time.UTC), 28, 0, day(2027, 3, 5), Gestation{28, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := DateAtGestation(tt.edd, tt.weeks, tt.days)
			if !got.Equal(tt.want) {
				t.Errorf("DateAtGestation = %v, want %v", got, tt.want)
			}
			if g := GestationOn(tt.edd, got); g != tt.wantWeekDays {
				t.Errorf("round trip GestationOn = %v, want %v", g, tt.wantWeekDays)
			}
		})
	}
}

func TestDateAtGestationRoundTrip(t *testing.T) {
	// Every EDD over a leap year and every gestation in range must round-trip.
	for edd := day(2027, 12, 1); edd.Before(day(2029, 2, 1)); edd = edd.AddDate(0, 0, 1) {
		for total := 0; total <= 300; total++ {
			w, d := total/7, total%7
			if got := GestationOn(edd, DateAtGestation(edd, w, d)); got != (Gestation{w, d}) {
				t.Fatalf("EDD %v, %d+%d: round trip gave %v", edd, w, d, got)
			}
		}
	}
}

func TestAgeOn(t *testing.T) {
	tests := []struct {
		name     string
		dob, on  time.Time
		want     int
		wantAt16 time.Time
	}{
		{"16th birthday on the day", day(2011, 3, 5), day(2027, 3, 5), 16, day(2027, 3, 5)},
		{"the day before the 16th birthday", day(2011, 3, 5), day(2027, 3, 4), 15, day(2027, 3, 5)},
		{"the day after", day(2011, 3, 5), day(2027, 3, 6), 16, day(2027, 3, 5)},
		{"earlier month", day(2011, 12, 31), day(2027, 1, 1), 15, day(2027, 12, 31)},
		{"29 Feb born, 28 Feb of a leap year", day(2008, 2, 29), day(2024, 2, 28), 15, day(2024, 2, 29)},
		{"29 Feb born, 29 Feb of a leap year", day(2008, 2, 29), day(2024, 2, 29), 16, day(2024, 2, 29)},
		{"29 Feb born, 1 Mar of a leap year", day(2008, 2, 29), day(2024, 3, 1), 16, day(2024, 2, 29)},
		{"29 Feb born, 28 Feb of a common year", day(2008, 2, 29), day(2025, 2, 28), 16, day(2024, 2, 29)},
		{"29 Feb born, 1 Mar of a common year", day(2008, 2, 29), day(2025, 3, 1), 17, day(2024, 2, 29)},
		{"29 Feb born, 28 Feb, turning 15 in a common year", day(2012, 2, 29), day(2027, 2, 28), 14, day(2028, 2, 29)},
		{"29 Feb born, 1 Mar, turning 15 in a common year", day(2012, 2, 29), day(2027, 3, 1), 15, day(2028, 2, 29)},
		{"born 28 Feb, leap year", day(2012, 2, 28), day(2028, 2, 28), 16, day(2028, 2, 28)},
		{"on the day of birth", day(2027, 3, 5), day(2027, 3, 5), 0, day(2043, 3, 5)},
		{"before the birth", day(2027, 3, 5), day(2026, 3, 5), 0, day(2043, 3, 5)},
		{"adult", day(1990, 6, 15), day(2027, 6, 14), 36, day(2006, 6, 15)},
		{"time of day ignored", time.Date(2011, 3, 5, 23, 0, 0, 0, time.UTC), time.Date(2027, 3, 5, 0, 1, 0, 0, time.UTC), 16, day(2027, 3, 5)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := AgeOn(tt.dob, tt.on); got != tt.want {
				t.Errorf("AgeOn(%v, %v) = %d, want %d", tt.dob, tt.on, got, tt.want)
			}
			if got := DateAtAge(tt.dob, 16); !got.Equal(tt.wantAt16) {
				t.Errorf("DateAtAge(%v, 16) = %v, want %v", tt.dob, got, tt.wantAt16)
			}
		})
	}
	// 29 February born: in a common year the birthday is 1 March.
	if got := DateAtAge(day(2008, 2, 29), 17); !got.Equal(day(2025, 3, 1)) {
		t.Errorf("DateAtAge(29 Feb 2008, 17) = %v, want 1 March 2025", got)
	}
}

func TestCheckEDD(t *testing.T) {
	cfg := mustDefault(t)
	today := day(2027, 1, 1)
	tests := []struct {
		name    string
		edd     time.Time
		today   time.Time
		wantMsg string // "" = valid
	}{
		{"not given", time.Time{}, today, "Enter the due date"},
		{"yesterday", day(2026, 12, 31), today, "The due date must be today or in the future"},
		{"long ago", day(2020, 1, 1), today, "The due date must be today or in the future"},
		{"today", today, today, ""},
		{"today, with times of day", time.Date(2027, 1, 1, 0, 0, 1, 0, time.UTC), time.Date(2027, 1, 1, 23, 0, 0, 0, time.UTC), ""},
		{"tomorrow", day(2027, 1, 2), today, ""},
		{"40 weeks ahead", day(2027, 10, 8), today, ""},
		{"42 weeks ahead", day(2027, 10, 22), today, ""},
		{"42 weeks and 1 day ahead", day(2027, 10, 23), today, "The due date must be within 42 weeks from today"},
		{"years ahead", day(2030, 1, 1), today, "The due date must be within 42 weeks from today"},
		{"42 weeks across a leap day", day(2028, 10, 20), day(2027, 12, 31), ""},
		{"42 weeks and 1 day across a leap day", day(2028, 10, 21), day(2027, 12, 31), "The due date must be within 42 weeks from today"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckEDD(tt.edd, tt.today, cfg)
			if tt.wantMsg == "" {
				if err != nil {
					t.Fatalf("CheckEDD = %v, want nil", err)
				}
				return
			}
			var de *DateError
			if !errors.As(err, &de) {
				t.Fatalf("CheckEDD = %v, want a *DateError", err)
			}
			if de.Message != tt.wantMsg {
				t.Errorf("Message = %q, want %q", de.Message, tt.wantMsg)
			}
			if len(de.Fields) != 0 {
				t.Errorf("Fields = %v, want the whole date", de.Fields)
			}
		})
	}
	cfg.MaxEDDAheadWeeks = 44
	var de *DateError
	if err := CheckEDD(day(2028, 1, 1), today, cfg); !errors.As(err, &de) || de.Message != "The due date must be within 44 weeks from today" {
		t.Errorf("configured limit: got %v", err)
	}
}

func TestParseDate(t *testing.T) {
	tests := []struct {
		name             string
		day, month, year string
		want             time.Time
		wantMsg          string
		wantFields       []string
	}{
		{"plain", "5", "3", "2027", day(2027, 3, 5), "", nil},
		{"leading zeros", "05", "03", "2027", day(2027, 3, 5), "", nil},
		{"spaces trimmed", " 2 ", " 1 ", " 2027 ", day(2027, 1, 2), "", nil},
		{"trailing space and month abbreviation", "2 ", "jan", "2027", day(2027, 1, 2), "", nil},
		{"full month name", "2", "January", "2027", day(2027, 1, 2), "", nil},
		{"upper-case month", "2", "FEB", "2027", day(2027, 2, 2), "", nil},
		{"month with a full stop", "2", "Feb.", "2027", day(2027, 2, 2), "", nil},
		{"sept", "9", "sept", "2027", day(2027, 9, 9), "", nil},
		{"december", "31", "dec", "2027", day(2027, 12, 31), "", nil},
		{"29 Feb in a leap year", "29", "2", "2028", day(2028, 2, 29), "", nil},
		{"29 Feb in a century leap year", "29", "2", "2000", day(2000, 2, 29), "", nil},
		{"31 Dec", "31", "12", "1999", day(1999, 12, 31), "", nil},

		{"nothing", "", "", "", time.Time{}, "Enter the date", nil},
		{"only spaces", " ", "  ", "\t", time.Time{}, "Enter the date", nil},
		{"missing day", "", "3", "2027", time.Time{}, "Date must include a day", []string{"day"}},
		{"missing month", "5", "", "2027", time.Time{}, "Date must include a month", []string{"month"}},
		{"missing year", "5", "3", "", time.Time{}, "Date must include a year", []string{"year"}},
		{"missing day and month", "", "", "2027", time.Time{}, "Date must include a day and month", []string{"day", "month"}},
		{"missing day and year", "", "3", "", time.Time{}, "Date must include a day and year", []string{"day", "year"}},
		{"missing month and year", "5", "", "", time.Time{}, "Date must include a month and year", []string{"month", "year"}},
		{"missing comes before not real", "x", "", "2027", time.Time{}, "Date must include a month", []string{"month"}},

		{"31 Feb", "31", "2", "2027", time.Time{}, "Date must be a real date", []string{"day"}},
		{"30 Feb in a leap year", "30", "2", "2028", time.Time{}, "Date must be a real date", []string{"day"}},
		{"29 Feb in a common year", "29", "2", "2027", time.Time{}, "Date must be a real date", []string{"day"}},
		{"29 Feb in a century common year", "29", "2", "1900", time.Time{}, "Date must be a real date", []string{"day"}},
		{"31 April", "31", "4", "2027", time.Time{}, "Date must be a real date", []string{"day"}},
		{"day 0", "0", "3", "2027", time.Time{}, "Date must be a real date", []string{"day"}},
		{"day 32", "32", "3", "2027", time.Time{}, "Date must be a real date", []string{"day"}},
		{"three-digit day", "005", "3", "2027", time.Time{}, "Date must be a real date", []string{"day"}},
		{"month 0", "5", "0", "2027", time.Time{}, "Date must be a real date", []string{"month"}},
		{"month 13", "5", "13", "2027", time.Time{}, "Date must be a real date", []string{"month"}},
		{"unknown month name", "5", "janu", "2027", time.Time{}, "Date must be a real date", []string{"month"}},
		{"day not a number", "five", "3", "2027", time.Time{}, "Date must be a real date", []string{"day"}},
		{"negative day", "-1", "3", "2027", time.Time{}, "Date must be a real date", []string{"day"}},
		{"signed day", "+5", "3", "2027", time.Time{}, "Date must be a real date", []string{"day"}},
		{"decimal day", "5.0", "3", "2027", time.Time{}, "Date must be a real date", []string{"day"}},
		{"non-ASCII digits", "٥", "3", "2027", time.Time{}, "Date must be a real date", []string{"day"}},
		{"day and month wrong", "x", "y", "2027", time.Time{}, "Date must be a real date", []string{"day", "month"}},
		{"all wrong", "x", "y", "z", time.Time{}, "Date must be a real date", []string{"day", "month", "year"}},
		{"day wrong, year short", "x", "3", "27", time.Time{}, "Date must be a real date", []string{"day", "year"}},

		{"2-digit year", "5", "3", "27", time.Time{}, "Year must include 4 numbers", []string{"year"}},
		{"3-digit year", "5", "3", "202", time.Time{}, "Year must include 4 numbers", []string{"year"}},
		{"5-digit year", "5", "3", "20277", time.Time{}, "Year must include 4 numbers", []string{"year"}},
		{"year not a number", "5", "3", "20x7", time.Time{}, "Date must be a real date", []string{"year"}},
		{"year 0000", "5", "3", "0000", time.Time{}, "Date must be a real date", []string{"year"}},
		{"year 0999", "5", "3", "0999", time.Time{}, "Date must be a real date", []string{"year"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseDate(tt.day, tt.month, tt.year)
			if tt.wantMsg == "" {
				if err != nil {
					t.Fatalf("ParseDate = %v", err)
				}
				if !got.Equal(tt.want) || got.Location() != time.UTC {
					t.Errorf("ParseDate = %v, want %v UTC", got, tt.want)
				}
				return
			}
			var de *DateError
			if !errors.As(err, &de) {
				t.Fatalf("ParseDate = %v, %v; want a *DateError", got, err)
			}
			if !got.IsZero() {
				t.Errorf("date = %v with an error, want zero", got)
			}
			if de.Message != tt.wantMsg {
				t.Errorf("Message = %q, want %q", de.Message, tt.wantMsg)
			}
			if !slices.Equal(de.Fields, tt.wantFields) {
				t.Errorf("Fields = %v, want %v", de.Fields, tt.wantFields)
			}
		})
	}
}

func TestParseDateFor(t *testing.T) {
	tests := []struct {
		label, day, month, year, want string
	}{
		{"Due date", "", "", "", "Enter the due date"},
		{"Date of birth", "", "", "", "Enter the date of birth"},
		{"NHS start date", "", "", "", "Enter the NHS start date"},
		{"Due date", "5", "", "2027", "Due date must include a month"},
		{"Date of birth", "31", "2", "2010", "Date of birth must be a real date"},
		{"Date of birth", "31", "2", "10", "Year must include 4 numbers"},
		{"", "", "", "", "Enter the date"},
	}
	for _, tt := range tests {
		_, err := ParseDateFor(tt.label, tt.day, tt.month, tt.year)
		var de *DateError
		if !errors.As(err, &de) || de.Message != tt.want {
			t.Errorf("ParseDateFor(%q, %q, %q, %q) = %v, want %q", tt.label, tt.day, tt.month, tt.year, err, tt.want)
		}
	}
}

func TestDateError(t *testing.T) {
	whole := &DateError{Message: "Enter the date"}
	if got := whole.Error(); got != "invalid date: Enter the date" {
		t.Errorf("Error() = %q", got)
	}
	for _, part := range []string{"day", "month", "year"} {
		if !whole.Highlights(part) {
			t.Errorf("whole-date error should highlight %s", part)
		}
	}
	month := &DateError{Fields: []string{"month"}, Message: "Date must include a month"}
	if month.Highlights("day") || !month.Highlights("month") || month.Highlights("year") {
		t.Errorf("month error highlights the wrong boxes")
	}
}
