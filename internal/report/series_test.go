package report

import (
	"math"
	"slices"
	"testing"
	"time"
)

func utcDate(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestMonths(t *testing.T) {
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	tests := []struct {
		name     string
		from, to time.Time
		want     []string
	}{
		{"across a year end", utcDate("2026-11-15"), utcDate("2027-02-01"), []string{"2026-11-01", "2026-12-01", "2027-01-01", "2027-02-01"}},
		{"one month", utcDate("2026-03-31"), utcDate("2026-03-01"), []string{"2026-03-01"}},
		{"backwards", utcDate("2026-04-01"), utcDate("2026-03-31"), nil},
		// 00:30 on 1 June in London is 31 May in UTC: June, as in London.
		{"own location", time.Date(2026, 6, 1, 0, 30, 0, 0, london), time.Date(2026, 7, 1, 0, 30, 0, 0, london), []string{"2026-06-01", "2026-07-01"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, m := range Months(tt.from, tt.to) {
				if m.Location() != time.UTC || m.Hour() != 0 {
					t.Errorf("%v is not midnight UTC", m)
				}
				got = append(got, m.Format(time.DateOnly))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Months = %v, want %v", got, tt.want)
			}
		})
	}
	if n := len(Months(utcDate("2000-01-01"), utcDate("2999-01-01"))); n != 1200 {
		t.Errorf("a thousand years gave %d months, want the cap of 1200", n)
	}
}

func TestQuarter(t *testing.T) {
	tests := []struct {
		on                string
		start, end, label string
	}{
		{"2026-01-01", "2026-01-01", "2026-03-31", "January to March 2026"},
		{"2026-03-31", "2026-01-01", "2026-03-31", "January to March 2026"},
		{"2026-04-01", "2026-04-01", "2026-06-30", "April to June 2026"},
		{"2026-06-30", "2026-04-01", "2026-06-30", "April to June 2026"},
		{"2026-07-01", "2026-07-01", "2026-09-30", "July to September 2026"},
		{"2026-08-15", "2026-07-01", "2026-09-30", "July to September 2026"},
		{"2026-09-30", "2026-07-01", "2026-09-30", "July to September 2026"},
		{"2026-10-01", "2026-10-01", "2026-12-31", "October to December 2026"},
		{"2026-12-31", "2026-10-01", "2026-12-31", "October to December 2026"},
		{"2028-02-29", "2028-01-01", "2028-03-31", "January to March 2028"},
	}
	for _, tt := range tests {
		start, end, label := Quarter(utcDate(tt.on))
		if got := start.Format(time.DateOnly); got != tt.start {
			t.Errorf("Quarter(%s) start = %s, want %s", tt.on, got, tt.start)
		}
		if got := end.Format(time.DateOnly); got != tt.end {
			t.Errorf("Quarter(%s) end = %s, want %s", tt.on, got, tt.end)
		}
		if label != tt.label {
			t.Errorf("Quarter(%s) label = %q, want %q", tt.on, label, tt.label)
		}
	}
	// The last moment of the year, in a zone ahead of UTC, where it is
	// already the new year in UTC: still the old year's last quarter.
	late := time.Date(2026, 12, 31, 23, 59, 59, 0, time.FixedZone("+0100", 3600))
	if _, _, label := Quarter(late); label != "October to December 2026" {
		t.Errorf("Quarter(%v) = %q", late, label)
	}
}

func TestMedian(t *testing.T) {
	nan := math.NaN()
	same := func(a, b float64) bool { return a == b || a != a && b != b }
	tests := []struct {
		in   []float64
		want float64
		ok   bool
	}{
		{nil, 0, false},
		{[]float64{nan}, 0, false},
		{[]float64{7}, 7, true},
		{[]float64{9, 1, 4}, 4, true},
		{[]float64{10, 1, 4, 3}, 3.5, true},
		{[]float64{2, nan, 8}, 5, true},
		{[]float64{-3, -1}, -2, true},
	}
	for _, tt := range tests {
		in := slices.Clone(tt.in)
		got, ok := Median(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Median(%v) = %v, %v; want %v, %v", in, got, ok, tt.want, tt.ok)
		}
		if !slices.EqualFunc(in, tt.in, same) {
			t.Errorf("Median changed its input: %v", tt.in)
		}
	}
}

func TestPeriods(t *testing.T) {
	jan := func(y int) time.Time { return time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC) }
	for _, tc := range []struct {
		from, to time.Time
		unit     string
		first    string
		n        int
	}{
		{jan(2026), time.Date(2027, 12, 31, 0, 0, 0, 0, time.UTC), UnitMonth, "Jan 2026", 24},
		{jan(2026), time.Date(2028, 1, 1, 0, 0, 0, 0, time.UTC), UnitQuarter, "Jan to Mar 2026", 9},
		{time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), time.Date(2030, 12, 31, 0, 0, 0, 0, time.UTC), UnitQuarter, "Jan to Mar 2026", 20},
		{jan(2026), time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC), UnitYear, "2026", 6},
		{jan(2016), time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC), UnitYear, "2016", 11},
	} {
		unit := PeriodUnit(tc.from, tc.to)
		keys := PeriodKeys(tc.from, tc.to, unit)
		if unit != tc.unit || len(keys) != tc.n || PeriodLabel(keys[0]) != tc.first {
			t.Errorf("%s to %s: %s, %d periods from %q; want %s, %d from %q", tc.from.Format(time.DateOnly), tc.to.Format(time.DateOnly),
				unit, len(keys), PeriodLabel(keys[0]), tc.unit, tc.n, tc.first)
		}
	}
	for key, want := range map[string]string{"2026-03": "Mar 2026", "2026-Q4": "Oct to Dec 2026", "2026": "2026", "2026-Q5": "2026-Q5"} {
		if got := PeriodLabel(key); got != want {
			t.Errorf("PeriodLabel(%q) = %q; want %q", key, got, want)
		}
	}
	counts := []MonthCount{{"2026-01", "a", "A", 2}, {"2026-03", "a", "A", 3}, {"2026-04", "a", "A", 4}, {"2026-02", "b", "B", 1}}
	got := InPeriods(counts, UnitQuarter)
	want := []MonthCount{{"2026-Q1", "a", "A", 5}, {"2026-Q2", "a", "A", 4}, {"2026-Q1", "b", "B", 1}}
	if !slices.Equal(got, want) {
		t.Errorf("InPeriods by quarter = %v; want %v", got, want)
	}
	if y := InPeriods(counts, UnitYear); len(y) != 2 || y[0].N != 9 || y[1].N != 1 {
		t.Errorf("InPeriods by year = %v; want a 9 and b 1", y)
	}
	// A dashboard over three years counts referrals by quarter, and its
	// table adds up to what was received.
	f := Figures{From: jan(2024), To: time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC), Referred: 60,
		ReferralsBySource: []KeyCount{{"self", "Self-referral", 60}}}
	for i := range 30 {
		f.ReferralsByMonth = append(f.ReferralsByMonth, MonthCount{time.Date(2024, time.Month(1+i), 1, 0, 0, 0, 0, time.UTC).Format("2006-01"), "self", "Self-referral", 2})
	}
	tab, err := Find(Dashboard(f, Table{}), "referrals-by-month")
	if err != nil {
		t.Fatal(err)
	}
	if len(tab.Rows) != 12 || tab.Columns[0].Label != "Quarter" || tab.Title != "Referrals by quarter and source" || tab.Rows[0][0].Text != "Jan to Mar 2024" {
		t.Errorf("three years: %d rows, column %q, title %q, first %q; want 12 quarters from Jan to Mar 2024", len(tab.Rows), tab.Columns[0].Label, tab.Title, tab.Rows[0][0].Text)
	}
	if c := tab.Rows[0][1]; c.Value != 6 || c.Suppressed {
		t.Errorf("first quarter = %+v; want 6 referrals (three months of 2), shown", c)
	}
}
