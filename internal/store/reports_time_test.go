package store

import (
	"testing"
	"time"
)

// TestCanonicalNanos: the dashboard's quick reading of a stored time gives
// exactly the nanoseconds anyTime reads, on the forms the stores write
// (SQLite's text, PostgreSQL's to_char), and declines anything else, which
// is then read the slow way.
func TestCanonicalNanos(t *testing.T) {
	for _, s := range []string{
		"2026-01-05 09:00:00+00:00", "2016-12-12 15:40:03.582404106+00:00", "2026-07-01 10:00:00.5-05:30", "2026-03-29 01:30:00+01:00",
		"2026-02-02 13:00:00.000000", "2024-02-29 23:59:59.999999", "1999-12-31 23:59:59-12:00", "2000-03-01 00:00:00+14:00",
		"1970-01-01 00:00:00+00:00", "1969-12-31 23:59:59.999999999+00:00", "1900-02-28 12:00:00+00:00", "2100-03-01 00:00:00+00:00",
		"2261-12-31 23:59:59+00:00", "1678-01-01 00:00:00+00:00", "2026-01-05 09:00:00",
	} {
		var want anyTime
		if err := want.parse(s); err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		if got, ok := canonicalNanos([]byte(s)); !ok || got != want.T.UnixNano() {
			t.Errorf("%q: %d, %v; want %d", s, got, ok, want.T.UnixNano())
		}
	}
	// Every day of a leap year, as both stores write it.
	for d := time.Date(2024, 1, 1, 13, 4, 5, 6000, time.UTC); d.Year() == 2024; d = d.AddDate(0, 0, 1) {
		for _, s := range []string{d.Format("2006-01-02 15:04:05.999999999-07:00"), d.Format("2006-01-02 15:04:05.000000")} {
			if n, ok := canonicalNanos([]byte(s)); !ok || n != d.UnixNano() {
				t.Errorf("%q: %d, %v; want %d", s, n, ok, d.UnixNano())
			}
		}
	}
	for _, s := range []string{
		"", "2026-01-05", "2026-07-01T10:00:00Z", "2026-07-01T10:00:00.25+02:00", "2025-02-29 00:00:00+00:00", "2026-04-31 00:00:00+00:00",
		"2100-02-29 00:00:00+00:00", "2026-13-01 00:00:00+00:00", "2026-01-05 24:00:00", "2026-01-05 09:00:00.", "2026-01-05 09:00:00.1234567890",
		"2026-01-05 09:00:00+0000", "2026-01-05 09:00:00Z", "9999-01-01 00:00:00+00:00", "1600-01-01 00:00:00+00:00", "soon",
	} {
		if n, ok := canonicalNanos([]byte(s)); ok {
			t.Errorf("%q: read as %d, want declined", s, n)
		}
	}
}

func FuzzCanonicalNanos(f *testing.F) {
	for _, s := range []string{"2026-01-05 09:00:00+00:00", "2016-12-12 15:40:03.582404106+00:00", "2026-02-02 13:00:00.000000", "2026-07-01 10:00:00.5-05:30"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, ok := canonicalNanos([]byte(s))
		if !ok {
			return
		}
		// Whatever the quick way reads, the slow way reads the same.
		at, ok := parseStoredTime(s)
		if !ok || at.UnixNano() != n || !at.Equal(time.Unix(0, n)) {
			t.Fatalf("%q: %d, parseStoredTime %v (%v)", s, n, at, ok)
		}
	})
}
