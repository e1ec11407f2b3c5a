package safeguarding

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// easter returns Easter Sunday in the Gregorian calendar by the anonymous
// ("Meeus/Jones/Butcher") algorithm. It lives in a test so that the embedded
// dates, written by hand, are checked by arithmetic rather than trusted.
func easter(year int) time.Time {
	a := year % 19
	b := year / 100
	c := year % 100
	d := b / 4
	e := b % 4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i := c / 4
	k := c % 4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
}

func TestEasterAlgorithm(t *testing.T) {
	// Well-known Easter Sundays, including the earliest and latest possible.
	for _, want := range []string{"2000-04-23", "2008-03-23", "2011-04-24", "2019-04-21", "2024-03-31", "2038-04-25", "2285-03-22"} {
		d, _ := time.Parse(dateLayout, want)
		if got := easter(d.Year()); !got.Equal(d) {
			t.Errorf("easter(%d) = %s, want %s", d.Year(), got.Format(dateLayout), want)
		}
	}
}

// observed moves a fixed-date holiday that falls at the weekend to the next
// weekday not already taken, as substitute days are set in England and Wales.
func observed(d time.Time, taken map[string]bool) (time.Time, bool) {
	moved := false
	for d.Weekday() == time.Saturday || d.Weekday() == time.Sunday || taken[d.Format(dateLayout)] {
		d = d.AddDate(0, 0, 1)
		moved = true
	}
	taken[d.Format(dateLayout)] = true
	return d, moved
}

// firstMonday and lastMonday find the first or last Monday of a month.
func firstMonday(year int, m time.Month) time.Time {
	d := time.Date(year, m, 1, 0, 0, 0, 0, time.UTC)
	for d.Weekday() != time.Monday {
		d = d.AddDate(0, 0, 1)
	}
	return d
}

func lastMonday(year int, m time.Month) time.Time {
	d := time.Date(year, m+1, 0, 0, 0, 0, 0, time.UTC)
	for d.Weekday() != time.Monday {
		d = d.AddDate(0, 0, -1)
	}
	return d
}

// expectedBankHolidays derives a year's bank holidays in England and Wales
// from the standing rules, in calendar order.
func expectedBankHolidays(year int) []bankHoliday {
	taken := map[string]bool{}
	ev := func(title string, d time.Time, moved bool) bankHoliday {
		notes := ""
		if moved {
			notes = "Substitute day"
		}
		return bankHoliday{Title: title, Date: d.Format(dateLayout), Notes: notes}
	}
	ny, nyMoved := observed(time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC), taken)
	e := easter(year)
	xmas, xmasMoved := observed(time.Date(year, 12, 25, 0, 0, 0, 0, time.UTC), taken)
	boxing, boxingMoved := observed(time.Date(year, 12, 26, 0, 0, 0, 0, time.UTC), taken)
	return []bankHoliday{
		ev("New Year’s Day", ny, nyMoved),
		ev("Good Friday", e.AddDate(0, 0, -2), false),
		ev("Easter Monday", e.AddDate(0, 0, 1), false),
		ev("Early May bank holiday", firstMonday(year, time.May), false),
		ev("Spring bank holiday", lastMonday(year, time.May), false),
		ev("Summer bank holiday", lastMonday(year, time.August), false),
		ev("Christmas Day", xmas, xmasMoved),
		ev("Boxing Day", boxing, boxingMoved),
	}
}

// specialBankHolidays are one-off days by royal proclamation in the years
// the file covers, which no rule can derive. None are known for 2025 to 2028.
var specialBankHolidays = []bankHoliday(nil)

func TestEmbeddedBankHolidaysMatchTheRules(t *testing.T) {
	events, err := parseBankHolidays([]byte(bankHolidaysJSON))
	if err != nil {
		t.Fatal(err)
	}
	var want []bankHoliday
	for year := 2025; year <= 2028; year++ {
		want = append(want, expectedBankHolidays(year)...)
	}
	want = append(want, specialBankHolidays...)
	if len(events) != len(want) {
		t.Fatalf("file has %d events, the rules give %d", len(events), len(want))
	}
	for i := range want {
		got := events[i]
		got.Bunting = false // GOV.UK's flag for flying bunting; not a rule
		if got != want[i] {
			t.Errorf("event %d = %+v, want %+v", i, got, want[i])
		}
	}
}

func TestEmbeddedBankHolidaysByRule(t *testing.T) {
	// The same data checked rule by rule, so a failure says which rule broke.
	events, err := parseBankHolidays([]byte(bankHolidaysJSON))
	if err != nil {
		t.Fatal(err)
	}
	perYear := map[int]int{}
	for _, e := range events {
		d, err := time.Parse(dateLayout, e.Date)
		if err != nil {
			t.Fatal(err)
		}
		perYear[d.Year()]++
		name := fmt.Sprintf("%s %s", e.Title, e.Date)
		if d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
			t.Errorf("%s falls at the weekend", name)
		}
		substitute := e.Notes == "Substitute day"
		if e.Notes != "" && !substitute {
			t.Errorf("%s: unexpected notes %q", name, e.Notes)
		}
		easterSunday := easter(d.Year())
		switch e.Title {
		case "New Year’s Day":
			if d.Month() != time.January || d.Day() > 3 || substitute != (d.Day() != 1) {
				t.Errorf("%s is not 1 January or its substitute", name)
			}
		case "Good Friday":
			if !d.Equal(easterSunday.AddDate(0, 0, -2)) || d.Weekday() != time.Friday {
				t.Errorf("%s is not two days before Easter Sunday, %s", name, easterSunday.Format(dateLayout))
			}
		case "Easter Monday":
			if !d.Equal(easterSunday.AddDate(0, 0, 1)) || d.Weekday() != time.Monday {
				t.Errorf("%s is not the day after Easter Sunday, %s", name, easterSunday.Format(dateLayout))
			}
		case "Early May bank holiday":
			if d.Weekday() != time.Monday || d.Month() != time.May || d.Day() > 7 {
				t.Errorf("%s is not the first Monday in May", name)
			}
		case "Spring bank holiday":
			if d.Weekday() != time.Monday || d.Month() != time.May || d.Day() < 25 {
				t.Errorf("%s is not the last Monday in May", name)
			}
		case "Summer bank holiday":
			if d.Weekday() != time.Monday || d.Month() != time.August || d.Day() < 25 {
				t.Errorf("%s is not the last Monday in August", name)
			}
		case "Christmas Day":
			if d.Month() != time.December || d.Day() < 25 || d.Day() > 27 || substitute != (d.Day() != 25) {
				t.Errorf("%s is not 25 December or its substitute", name)
			}
		case "Boxing Day":
			if d.Month() != time.December || d.Day() < 26 || d.Day() > 28 || substitute != (d.Day() != 26) {
				t.Errorf("%s is not 26 December or its substitute", name)
			}
		default:
			t.Errorf("%s: unknown title; add one-off days to specialBankHolidays", name)
		}
	}
	for year := 2025; year <= 2028; year++ {
		if perYear[year] != 8 {
			t.Errorf("%d has %d bank holidays, want 8", year, perYear[year])
		}
	}
	if len(perYear) != 4 {
		t.Errorf("years covered = %v, want 2025 to 2028", perYear)
	}
}

func TestEmbeddedBankHolidaysNote(t *testing.T) {
	// The file itself tells an operator where the dates come from and that
	// they must be updated.
	for _, want := range []string{"https://www.gov.uk/bank-holidays", "every year"} {
		if !strings.Contains(bankHolidaysJSON, want) {
			t.Errorf("bank-holidays.json does not mention %q", want)
		}
	}
}

func TestParseBankHolidays(t *testing.T) {
	ev := `{"title":"Christmas Day","date":"2026-12-25","notes":"","bunting":true}`
	div := func(events string) string {
		return `{"england-and-wales":{"division":"england-and-wales","events":[` + events + `]}}`
	}
	// The real GOV.UK feed has three divisions; the other two are ignored.
	feed := `{"england-and-wales":{"division":"england-and-wales","events":[` + ev + `]},
		"scotland":{"division":"scotland","events":[{"title":"2nd January","date":"2026-01-02","notes":"","bunting":true}]},
		"northern-ireland":{"division":"northern-ireland","events":[]}}`
	if got, err := parseBankHolidays([]byte(feed)); err != nil || len(got) != 1 || got[0].Date != "2026-12-25" {
		t.Errorf("GOV.UK feed shape: %+v, %v", got, err)
	}
	tests := []struct {
		name, json, want string
	}{
		{"not JSON", `nope`, "invalid character"},
		{"trailing data", div(ev) + `x`, "unexpected data"},
		{"unknown top-level key", `{"england":{}}`, "unknown key"},
		{"no England and Wales", `{"scotland":{"division":"scotland","events":[]}}`, "no \"england-and-wales\""},
		{"wrong division name", `{"england-and-wales":{"division":"scotland","events":[` + ev + `]}}`, "division is"},
		{"unknown event field", div(`{"title":"x","date":"2026-12-25","colour":"red"}`), "unknown field"},
		{"no events", div(``), "no events"},
		{"no title", div(`{"title":" ","date":"2026-12-25"}`), "no title"},
		{"bad date", div(`{"title":"x","date":"25 December 2026"}`), "not a date"},
		{"impossible date", div(`{"title":"x","date":"2026-02-29"}`), "not a date"},
		{"repeated date", div(ev + `,` + ev), "more than once"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseBankHolidays([]byte(tt.json))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("parseBankHolidays = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}
