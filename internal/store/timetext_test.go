package store

import (
	"testing"
	"time"
)

// TestParseStoredTime: the fast reader agrees with time.Parse on every form
// SQLite holds, and declines (so the slow way decides) anything else.
func TestParseStoredTime(t *testing.T) {
	for _, s := range []string{
		"2026-01-05", "2024-02-29", "2026-12-31 23:59:59",
		"2026-01-05 09:00:00+00:00", "2016-12-01 08:13:00+00:00", "2026-03-29 01:30:00+01:00",
		"2026-07-01 10:00:00.5-05:30", "2026-07-01 10:00:00.123456789+00:00", "2026-07-01T10:00:00Z",
		"2026-07-01T10:00:00.25+02:00", "1999-12-31 23:59:59-12:00",
	} {
		got, ok := parseStoredTime(s)
		var want time.Time
		var err error
		for _, layout := range []string{"2006-01-02 15:04:05.999999999-07:00", time.RFC3339Nano, "2006-01-02 15:04:05", "2006-01-02"} {
			if want, err = time.Parse(layout, s); err == nil {
				break
			}
		}
		if err != nil {
			t.Fatalf("%q: time.Parse: %v", s, err)
		}
		if !ok || !got.Equal(want) || got.Location() != time.UTC {
			t.Errorf("%q: got %v (%v), want %v", s, got, ok, want.UTC())
		}
	}
	for _, s := range []string{
		"", "2026-1-05", "2026-13-01", "2026-02-30", "2023-02-29", "2026-01-05 24:00:00", "2026-01-05 09:60:00",
		"2026-01-05 09:00", "2026-01-05 09:00:00+0000", "2026-01-05 09:00:00 +00:00", "2026-01-05 09:00:00.", "2026-01-05 09:00:00.1234567890",
		"2026-01-05x", "abcd-ef-gh", "2026-01-05 09:00:00+25:00", "2026-01-05 09:00:00Z", "2026-01-05T09:00:00",
	} {
		if got, ok := parseStoredTime(s); ok {
			t.Errorf("%q: read as %v, want declined", s, got)
		}
	}
}

func FuzzParseStoredTime(f *testing.F) {
	for _, s := range []string{"2026-01-05", "2026-01-05 09:00:00+00:00", "2026-07-01 10:00:00.5-05:30", "2026-07-01T10:00:00Z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := parseStoredTime(s)
		if !ok {
			return
		}
		// Whatever it accepts, time.Parse reads the same.
		for _, layout := range []string{"2006-01-02 15:04:05.999999999-07:00", time.RFC3339Nano, "2006-01-02 15:04:05", "2006-01-02"} {
			if want, err := time.Parse(layout, s); err == nil {
				if !got.Equal(want) {
					t.Fatalf("%q: %v, time.Parse %v", s, got, want)
				}
				return
			}
		}
		t.Fatalf("%q: accepted as %v but time.Parse reads it with no layout", s, got)
	})
}
