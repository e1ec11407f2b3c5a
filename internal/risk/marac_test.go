package risk

import (
	"strings"
	"testing"
	"time"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func dates(ds ...time.Time) []time.Time { return ds }

func TestMARACConfigValidate(t *testing.T) {
	tests := []struct {
		name  string
		c     MARACConfig
		field string
	}{
		{"default", DefaultMARACConfig(), ""},
		{"smallest", MARACConfig{1, 1, 1}, ""},
		{"largest", MARACConfig{50, 120, 120}, ""},
		{"zero", MARACConfig{}, "escalation-incidents"},
		{"no incidents", MARACConfig{0, 12, 12}, "escalation-incidents"},
		{"negative incidents", MARACConfig{-3, 12, 12}, "escalation-incidents"},
		{"no escalation months", MARACConfig{3, 0, 12}, "escalation-months"},
		{"too many escalation months", MARACConfig{3, 121, 12}, "escalation-months"},
		{"no repeat months", MARACConfig{3, 12, 0}, "repeat-months"},
		{"too many repeat months", MARACConfig{3, 12, 121}, "repeat-months"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkField(t, tt.c.Validate(), tt.field) })
	}
	if d := DefaultMARACConfig(); d != (MARACConfig{3, 12, 12}) {
		t.Errorf("DefaultMARACConfig() = %+v", d)
	}
}

func judged(t *testing.T, yes int, level Level) Result {
	t.Helper()
	r, err := Score(DefaultThresholds(), Assessment{Answers: complete(yes), JudgedLevel: level, JudgementReason: reason})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestMARACOrder(t *testing.T) {
	cs := MARAC(DefaultMARACConfig(), Result{}, History{})
	want := []string{VisibleHighRisk, ProfessionalJudgement, PotentialEscalation, Repeat}
	if len(cs) != len(want) {
		t.Fatalf("%d criteria, want %d", len(cs), len(want))
	}
	for i, c := range cs {
		if c.Key != want[i] || c.Label == "" || c.Why == "" {
			t.Errorf("criterion %d = %+v, want key %q with a label and a reason", i, c, want[i])
		}
		if c.Met {
			t.Errorf("criterion %q met for an empty history", c.Key)
		}
	}
}

func TestMARACLevels(t *testing.T) {
	tests := []struct {
		name              string
		r                 Result
		visible, judgment bool
		visibleWhy        string
		judgementWhy      string
	}{
		{"13 yes, judged high", judged(t, 13, High), false, true,
			"13 'yes' answers on the checklist. Visible high risk needs 14 or more.",
			"Professional judgement raised the level from Medium to High. The reasons are recorded with the assessment."},
		{"2 yes, judged high", judged(t, 2, High), false, true, "",
			"Professional judgement raised the level from Standard to High. The reasons are recorded with the assessment."},
		{"14 yes", judged(t, 14, ""), true, false,
			"14 'yes' answers on the checklist, which is 14 or more.", "Not needed: the answers alone give High."},
		{"14 yes, judged high too", judged(t, 14, High), true, false, "", "Not needed: the answers alone give High."},
		{"24 yes", judged(t, 24, ""), true, false, "24 'yes' answers on the checklist, which is 14 or more.", ""},
		{"13 yes, no judgement", judged(t, 13, ""), false, false, "",
			"Professional judgement has not raised the level to High."},
		{"5 yes, judged medium", judged(t, 5, Medium), false, false, "",
			"Professional judgement raised the level to Medium, not High."},
		{"1 yes", judged(t, 1, ""), false, false, "1 'yes' answer on the checklist. Visible high risk needs 14 or more.", ""},
		{"custom thresholds", func() Result {
			r, err := Score(Thresholds{6, 9}, Assessment{Answers: complete(9)})
			if err != nil {
				t.Fatal(err)
			}
			return r
		}(), true, false, "9 'yes' answers on the checklist, which is 9 or more.", ""},
		{"hand-built result without thresholds", Result{Yes: 3, CountLevel: Standard, Level: Standard}, false, false,
			"3 'yes' answers on the checklist. Visible high risk needs the high-risk number.", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs := MARAC(DefaultMARACConfig(), tt.r, History{Today: day(2027, 3, 5)})
			if cs[0].Met != tt.visible {
				t.Errorf("visible high risk met = %v, want %v (%s)", cs[0].Met, tt.visible, cs[0].Why)
			}
			if cs[1].Met != tt.judgment {
				t.Errorf("professional judgement met = %v, want %v (%s)", cs[1].Met, tt.judgment, cs[1].Why)
			}
			if tt.visibleWhy != "" && cs[0].Why != tt.visibleWhy {
				t.Errorf("visible Why = %q\nwant          %q", cs[0].Why, tt.visibleWhy)
			}
			if tt.judgementWhy != "" && cs[1].Why != tt.judgementWhy {
				t.Errorf("judgement Why = %q\nwant            %q", cs[1].Why, tt.judgementWhy)
			}
		})
	}
}

func TestMARACEscalation(t *testing.T) {
	today := day(2027, 3, 5)
	in1, in2 := day(2026, 9, 1), day(2027, 1, 20) // well inside the 12 months
	tests := []struct {
		name      string
		cfg       MARACConfig
		today     time.Time
		incidents []time.Time
		met       bool
		why       string
	}{
		{"none", DefaultMARACConfig(), today, nil, false,
			"0 incidents in the 12 months between 6 March 2026 and 5 March 2027. Potential escalation needs 3 or more."},
		{"1", DefaultMARACConfig(), today, dates(in1), false,
			"1 incident in the 12 months between 6 March 2026 and 5 March 2027. Potential escalation needs 3 or more."},
		{"2", DefaultMARACConfig(), today, dates(in1, in2), false,
			"2 incidents in the 12 months between 6 March 2026 and 5 March 2027. Potential escalation needs 3 or more."},
		{"3", DefaultMARACConfig(), today, dates(in1, in2, day(2027, 2, 1)), true,
			"3 incidents in the 12 months between 6 March 2026 and 5 March 2027. Potential escalation is 3 or more."},
		{"4", DefaultMARACConfig(), today, dates(in1, in2, in2, day(2027, 2, 1)), true, ""},
		{"two on the same day count twice", DefaultMARACConfig(), today, dates(in1, in2, in2), true, ""},
		{"third exactly 12 months before today is outside", DefaultMARACConfig(), today,
			dates(in1, in2, day(2026, 3, 5)), false, ""},
		{"third the day after that is inside", DefaultMARACConfig(), today,
			dates(in1, in2, day(2026, 3, 6)), true, ""},
		{"third late on the edge day is still outside", DefaultMARACConfig(), today,
			dates(in1, in2, time.Date(2026, 3, 5, 23, 59, 59, 0, time.UTC)), false, ""},
		{"third today is inside", DefaultMARACConfig(), today, dates(in1, in2, today), true, ""},
		{"third later today is inside", DefaultMARACConfig(), today,
			dates(in1, in2, time.Date(2027, 3, 5, 23, 0, 0, 0, time.UTC)), true, ""},
		{"third tomorrow is ignored", DefaultMARACConfig(), today, dates(in1, in2, day(2027, 3, 6)), false,
			"2 incidents in the 12 months between 6 March 2026 and 5 March 2027. Potential escalation needs 3 or more."},
		{"all in the future", DefaultMARACConfig(), today,
			dates(day(2027, 4, 1), day(2027, 5, 1), day(2028, 1, 1)), false, ""},
		{"all long ago", DefaultMARACConfig(), today,
			dates(day(2020, 4, 1), day(2021, 5, 1), day(2025, 1, 1)), false, ""},
		{"date in its own time zone", DefaultMARACConfig(), today,
			// 6 March in Sydney is still 5 March in UTC; the local date counts.
			dates(in1, in2, time.Date(2026, 3, 6, 1, 0, 0, 0, time.FixedZone("AEDT", 11*3600))), true, ""},
		{"custom: 2 in 6 months", MARACConfig{2, 6, 12}, today, dates(day(2026, 9, 6), in2), true,
			"2 incidents in the 6 months between 6 September 2026 and 5 March 2027. Potential escalation is 2 or more."},
		{"custom: 6 months edge", MARACConfig{2, 6, 12}, today, dates(day(2026, 9, 5), in2), false, ""},
		{"custom: 1 in 1 month", MARACConfig{1, 1, 12}, today, dates(day(2027, 2, 6)), true,
			"1 incident in the 1 month between 6 February 2027 and 5 March 2027. Potential escalation is 1 or more."},
		{"month end rolls over: 31 May less 3 months is 3 March", MARACConfig{1, 3, 12}, day(2027, 5, 31),
			dates(day(2027, 3, 3)), false,
			"0 incidents in the 3 months between 4 March 2027 and 31 May 2027. Potential escalation needs 1 or more."},
		{"month end: 4 March is inside", MARACConfig{1, 3, 12}, day(2027, 5, 31), dates(day(2027, 3, 4)), true, ""},
		{"leap day less 12 months is 1 March", MARACConfig{1, 12, 12}, day(2028, 2, 29), dates(day(2027, 3, 1)), false,
			"0 incidents in the 12 months between 2 March 2027 and 29 February 2028. Potential escalation needs 1 or more."},
		{"leap day: 2 March is inside", MARACConfig{1, 12, 12}, day(2028, 2, 29), dates(day(2027, 3, 2)), true, ""},
		{"invalid config uses defaults", MARACConfig{0, 0, 0}, today, dates(in1, in2, day(2027, 2, 1)), true,
			"3 incidents in the 12 months between 6 March 2026 and 5 March 2027. Potential escalation is 3 or more."},
		{"zero today counts nothing", DefaultMARACConfig(), time.Time{}, dates(in1, in2, today), false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := MARAC(tt.cfg, Result{}, History{Today: tt.today, Incidents: tt.incidents})[2]
			if c.Key != PotentialEscalation {
				t.Fatalf("criterion 3 is %q", c.Key)
			}
			if c.Met != tt.met {
				t.Errorf("met = %v, want %v (%s)", c.Met, tt.met, c.Why)
			}
			if tt.why != "" && c.Why != tt.why {
				t.Errorf("Why = %q\nwant  %q", c.Why, tt.why)
			}
		})
	}
}

func TestMARACRepeat(t *testing.T) {
	last := day(2026, 3, 10)
	today := day(2027, 6, 1)
	tests := []struct {
		name      string
		cfg       MARACConfig
		today     time.Time
		last      time.Time
		incidents []time.Time
		met       bool
		why       string
	}{
		{"no previous MARAC", DefaultMARACConfig(), today, time.Time{}, dates(day(2027, 1, 1)), false,
			"No previous MARAC referral is recorded for this parent."},
		{"no incidents", DefaultMARACConfig(), today, last, nil, false,
			"No new incident in the 12 months after the last MARAC referral on 10 March 2026."},
		{"11 months after", DefaultMARACConfig(), today, last, dates(day(2027, 2, 10)), true,
			"Incident on 10 February 2027, within 12 months of the last MARAC referral on 10 March 2026."},
		{"13 months after", DefaultMARACConfig(), today, last, dates(day(2027, 4, 10)), false,
			"No new incident in the 12 months after the last MARAC referral on 10 March 2026."},
		{"exactly 12 months after is within", DefaultMARACConfig(), today, last, dates(day(2027, 3, 10)), true, ""},
		{"12 months and a day after is not", DefaultMARACConfig(), today, last, dates(day(2027, 3, 11)), false, ""},
		{"before the last MARAC", DefaultMARACConfig(), today, last, dates(day(2026, 2, 1)), false, ""},
		{"on the day of the last MARAC is not new", DefaultMARACConfig(), today, last, dates(last), false, ""},
		{"the day after the last MARAC", DefaultMARACConfig(), today, last, dates(day(2026, 3, 11)), true, ""},
		{"later the same day is still not new", DefaultMARACConfig(), today, last,
			dates(time.Date(2026, 3, 10, 22, 0, 0, 0, time.UTC)), false, ""},
		{"within the window but after today", DefaultMARACConfig(), day(2026, 12, 1), last, dates(day(2027, 1, 1)), false, ""},
		{"within the window and today", DefaultMARACConfig(), day(2027, 1, 1), last, dates(day(2027, 1, 1)), true, ""},
		{"several, named in date order", DefaultMARACConfig(), today, last,
			dates(day(2026, 7, 3), day(2025, 1, 1), day(2026, 5, 1), day(2027, 5, 1), day(2026, 6, 2)), true,
			"Incidents on 1 May 2026, 2 June 2026 and 3 July 2026, within 12 months of the last MARAC referral on 10 March 2026."},
		{"two", DefaultMARACConfig(), today, last, dates(day(2026, 6, 2), day(2026, 5, 1)), true,
			"Incidents on 1 May 2026 and 2 June 2026, within 12 months of the last MARAC referral on 10 March 2026."},
		{"custom: 6 months", MARACConfig{3, 12, 6}, today, last, dates(day(2026, 9, 11)), false,
			"No new incident in the 6 months after the last MARAC referral on 10 March 2026."},
		{"custom: 6 months edge", MARACConfig{3, 12, 6}, today, last, dates(day(2026, 9, 10)), true,
			"Incident on 10 September 2026, within 6 months of the last MARAC referral on 10 March 2026."},
		{"month end rolls over: 31 January plus 1 month is 3 March", MARACConfig{3, 12, 1}, today, day(2027, 1, 31),
			dates(day(2027, 3, 3)), true, ""},
		{"month end: 4 March is outside", MARACConfig{3, 12, 1}, today, day(2027, 1, 31), dates(day(2027, 3, 4)), false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := MARAC(tt.cfg, Result{}, History{Today: tt.today, Incidents: tt.incidents, LastMARAC: tt.last})[3]
			if c.Key != Repeat {
				t.Fatalf("criterion 4 is %q", c.Key)
			}
			if c.Met != tt.met {
				t.Errorf("met = %v, want %v (%s)", c.Met, tt.met, c.Why)
			}
			if tt.why != "" && c.Why != tt.why {
				t.Errorf("Why = %q\nwant  %q", c.Why, tt.why)
			}
		})
	}
}

func TestMARACDoesNotChangeIncidents(t *testing.T) {
	in := dates(day(2026, 7, 3), day(2026, 5, 1))
	MARAC(DefaultMARACConfig(), Result{}, History{Today: day(2027, 1, 1), Incidents: in, LastMARAC: day(2026, 3, 1)})
	if !in[0].Equal(day(2026, 7, 3)) {
		t.Error("MARAC reordered the caller's incidents")
	}
}

func TestAnyMetAndConsiderMARAC(t *testing.T) {
	met := func(key string) []Criterion {
		cs := MARAC(DefaultMARACConfig(), Result{}, History{})
		for i := range cs {
			cs[i].Met = cs[i].Key == key
		}
		return cs
	}
	none := met("")
	tests := []struct {
		name     string
		r        Result
		cs       []Criterion
		any, con bool
	}{
		{"standard, nothing met", judged(t, 3, ""), none, false, false},
		{"medium, nothing met", judged(t, 13, ""), none, false, false},
		{"judged medium, nothing met", judged(t, 3, Medium), none, false, false},
		{"nil criteria", judged(t, 3, ""), nil, false, false},
		{"count high without criteria", judged(t, 14, ""), nil, false, true},
		{"judged high without criteria", judged(t, 13, High), nil, false, true},
		{"count high", judged(t, 14, ""), MARAC(DefaultMARACConfig(), judged(t, 14, ""), History{}), true, true},
		{"judged high", judged(t, 2, High), MARAC(DefaultMARACConfig(), judged(t, 2, High), History{}), true, true},
		{"escalation only", judged(t, 3, ""), met(PotentialEscalation), true, true},
		{"repeat only", judged(t, 3, ""), met(Repeat), true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := AnyMet(tt.cs); got != tt.any {
				t.Errorf("AnyMet = %v, want %v", got, tt.any)
			}
			if got := ConsiderMARAC(tt.r, tt.cs); got != tt.con {
				t.Errorf("ConsiderMARAC = %v, want %v", got, tt.con)
			}
		})
	}
}

// TestWhyIsPlain checks every reason is a sentence with no labelling words.
func TestWhyIsPlain(t *testing.T) {
	h := History{Today: day(2027, 3, 5), Incidents: dates(day(2027, 1, 1), day(2026, 6, 1)), LastMARAC: day(2026, 5, 1)}
	for _, r := range []Result{{}, judged(t, 13, High), judged(t, 14, ""), judged(t, 4, Medium)} {
		for _, c := range MARAC(DefaultMARACConfig(), r, h) {
			if !strings.HasSuffix(c.Why, ".") || strings.ContainsAny(c.Why, "\n\"") {
				t.Errorf("%s: Why %q is not one plain sentence", c.Key, c.Why)
			}
			low := strings.ToLower(c.Why + c.Label)
			for _, w := range []string{"victim", "perpetrator", "abuser"} {
				if strings.Contains(low, w) {
					t.Errorf("%s uses %q", c.Key, w)
				}
			}
		}
	}
}
