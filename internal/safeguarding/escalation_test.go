package safeguarding

import (
	"testing"
	"time"
)

func TestNextEscalation(t *testing.T) {
	lon := london(t)
	at := func(h, m int) time.Time { return time.Date(2026, 1, 12, h, m, 0, 0, lon) }
	due := at(17, 0)
	var never time.Time
	tests := []struct {
		name     string
		due      time.Time
		lastSent time.Time
		now      time.Time
		every    time.Duration
		want     time.Time
		wantOK   bool
	}{
		{"before due", due, never, at(16, 0), time.Hour, never, false},
		{"at due", due, never, at(17, 0), time.Hour, never, false},
		{"17:59: not yet", due, never, at(17, 59), time.Hour, never, false},
		{"18:00: first", due, never, at(18, 0), time.Hour, at(18, 0), true},
		{"18:01: first", due, never, at(18, 1), time.Hour, at(18, 0), true},
		{"sent 18:00, now 18:30: none", due, at(18, 0), at(18, 30), time.Hour, never, false},
		{"sent 18:00, now 18:59: none", due, at(18, 0), at(18, 59), time.Hour, never, false},
		{"sent 18:00, now 19:00: 19:00", due, at(18, 0), at(19, 0), time.Hour, at(19, 0), true},
		{"sent 18:00, now 19:05: 19:00", due, at(18, 0), at(19, 5), time.Hour, at(19, 0), true},
		{"sent 18:00, now 22:10: one catch-up for 22:00", due, at(18, 0), at(22, 10), time.Hour, at(22, 0), true},
		{"sent 22:00, now 22:00: none", due, at(22, 0), at(22, 0), time.Hour, never, false},
		{"sent 22:00, now 22:10: none", due, at(22, 0), at(22, 10), time.Hour, never, false},
		{"never sent, now 22:10: one catch-up for 22:00", due, never, at(22, 10), time.Hour, at(22, 0), true},
		{"never sent, now next morning", due, never, time.Date(2026, 1, 13, 9, 30, 0, 0, lon), time.Hour, time.Date(2026, 1, 13, 9, 0, 0, 0, lon), true},
		// Another instance's clock ran ahead and it recorded a later time.
		{"sent after now: none", due, at(20, 0), at(19, 30), time.Hour, never, false},
		{"sent before due (odd data): first", due, at(16, 0), at(18, 0), time.Hour, at(18, 0), true},
		// Off the schedule, lastSent still means "done up to here".
		{"sent 18:30 (off the schedule), now 18:59: none", due, at(18, 30), at(18, 59), time.Hour, never, false},
		{"sent 18:30 (off the schedule), now 19:00: 19:00", due, at(18, 30), at(19, 0), time.Hour, at(19, 0), true},
		{"due off the hour keeps its own grid", at(16, 45), never, at(18, 0), time.Hour, at(17, 45), true},
		{"every 30 minutes", due, at(17, 30), at(18, 10), 30 * time.Minute, at(18, 0), true},
		{"zero interval means hourly", due, never, at(18, 10), 0, at(18, 0), true},
		{"negative interval means hourly", due, at(18, 0), at(18, 50), -time.Minute, never, false},
		// Clocks go back on 25 October 2026: the schedule counts real hours.
		{"across the autumn clock change", time.Date(2026, 10, 24, 23, 0, 0, 0, time.UTC), never,
			time.Date(2026, 10, 25, 1, 30, 0, 0, time.UTC), time.Hour, time.Date(2026, 10, 25, 1, 0, 0, 0, time.UTC), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := NextEscalation(tt.due, tt.lastSent, tt.now, tt.every)
			if ok != tt.wantOK || !got.Equal(tt.want) {
				t.Fatalf("NextEscalation = %v, %v; want %v, %v", got.In(lon), ok, tt.want.In(lon), tt.wantOK)
			}
			if ok && got.Location() != time.UTC {
				t.Errorf("result in %v, want UTC", got.Location())
			}
			if !ok && !got.IsZero() {
				t.Errorf("result %v with ok false, want the zero time", got)
			}
			if ok {
				// Recording the result must stop a repeat at the same now.
				if again, ok2 := NextEscalation(tt.due, got, tt.now, tt.every); ok2 {
					t.Errorf("repeated: after recording %v, got %v again", got, again)
				}
			}
		})
	}
}

func TestNextEscalationSimulatedScheduler(t *testing.T) {
	// A scheduler ticks every 7 minutes for a day, with an outage from 20:03
	// to 23:40. It must send one escalation per hour while running, none
	// twice, and one catch-up after the outage.
	lon := london(t)
	due := time.Date(2026, 1, 12, 17, 0, 0, 0, lon)
	var last time.Time
	var sent []time.Time
	for now := due; now.Before(due.Add(12 * time.Hour)); now = now.Add(7 * time.Minute) {
		if now.After(due.Add(3*time.Hour+3*time.Minute)) && now.Before(due.Add(6*time.Hour+40*time.Minute)) {
			continue // down
		}
		if at, ok := NextEscalation(due, last, now, time.Hour); ok {
			sent = append(sent, at)
			last = at
		}
	}
	want := []int{18, 19, 20, 23, 0, 1, 2, 3, 4}
	if len(sent) != len(want) {
		t.Fatalf("sent %v, want hours %v", sent, want)
	}
	for i, h := range want {
		if sent[i].In(lon).Hour() != h || sent[i].Minute() != 0 {
			t.Errorf("escalation %d at %v, want %02d:00", i, sent[i].In(lon), h)
		}
	}
}

func TestEscalations(t *testing.T) {
	lon := london(t)
	due := time.Date(2026, 1, 12, 17, 0, 0, 0, lon)
	tests := []struct {
		name  string
		now   time.Time
		every time.Duration
		want  []int // hours in London
	}{
		{"before due", due.Add(-time.Hour), time.Hour, nil},
		{"not yet", due.Add(59 * time.Minute), time.Hour, nil},
		{"one", due.Add(time.Hour), time.Hour, []int{18}},
		{"includes now", due.Add(5 * time.Hour), time.Hour, []int{18, 19, 20, 21, 22}},
		{"between times", due.Add(3*time.Hour + 30*time.Minute), time.Hour, []int{18, 19, 20}},
		{"zero interval means hourly", due.Add(2 * time.Hour), 0, []int{18, 19}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Escalations(due, tt.now, tt.every)
			if len(got) != len(tt.want) {
				t.Fatalf("Escalations = %v, want hours %v", got, tt.want)
			}
			for i, h := range tt.want {
				if got[i].In(lon).Hour() != h || got[i].Minute() != 0 || got[i].Location() != time.UTC {
					t.Errorf("Escalations[%d] = %v, want %02d:00 in UTC", i, got[i], h)
				}
			}
		})
	}
	// A concern left for a month lists only the latest times, ending at now.
	now := due.Add(30 * 24 * time.Hour)
	got := Escalations(due, now, time.Hour)
	if len(got) != MaxListedEscalations || !got[len(got)-1].Equal(now) ||
		!got[0].Equal(now.Add(-(MaxListedEscalations-1)*time.Hour)) {
		t.Errorf("capped list has %d entries from %v to %v", len(got), got[0], got[len(got)-1])
	}
}

func TestOverdue(t *testing.T) {
	due := time.Date(2026, 1, 12, 17, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		now  time.Time
		want bool
	}{
		{"before", due.Add(-time.Minute), false},
		{"at the due time: on time", due, false},
		{"a nanosecond after", due.Add(1), true},
		{"next day", due.Add(24 * time.Hour), true},
		{"same instant in another zone", due.In(time.FixedZone("BST", 3600)), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Overdue(due, tt.now); got != tt.want {
				t.Errorf("Overdue(%v, %v) = %v, want %v", due, tt.now, got, tt.want)
			}
		})
	}
}

func TestAgeString(t *testing.T) {
	raised := time.Date(2026, 1, 12, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		after time.Duration
		want  string
	}{
		{-time.Hour, "less than a minute"},
		{0, "less than a minute"},
		{59 * time.Second, "less than a minute"},
		{time.Minute, "1 minute"},
		{2 * time.Minute, "2 minutes"},
		{35*time.Minute + 59*time.Second, "35 minutes"},
		{59*time.Minute + 59*time.Second, "59 minutes"},
		{time.Hour, "1 hour"},
		{time.Hour + 59*time.Minute, "1 hour"},
		{3 * time.Hour, "3 hours"},
		{23*time.Hour + 59*time.Minute, "23 hours"},
		{24 * time.Hour, "1 day"},
		{47 * time.Hour, "1 day"},
		{48 * time.Hour, "2 days"},
		{400 * 24 * time.Hour, "400 days"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := AgeString(raised, raised.Add(tt.after)); got != tt.want {
				t.Errorf("AgeString after %v = %q, want %q", tt.after, got, tt.want)
			}
		})
	}
}
