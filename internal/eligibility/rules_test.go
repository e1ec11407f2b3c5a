package eligibility

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// allMet is a referral that meets every rule with the default config.
func allMet() Facts {
	return Facts{
		ReferredOn:         day(2027, 3, 1),
		EDD:                day(2027, 5, 21), // 28+3 on the referral date
		Area:               "FY1 4AB",
		Parent1DOB:         day(1995, 1, 1),
		Parent2DOB:         day(1997, 6, 15),
		Relationship:       IntimateRelationship,
		AbuseDisclosed:     Yes,
		BothWantToCoParent: Yes,
		BothWantBestStart:  Yes,
		Consent1:           Yes,
		Consent2:           Yes,
	}
}

// ruleCase changes the all-met referral and says what one rule should make of it.
type ruleCase struct {
	name       string
	change     func(*Facts)
	wantStatus Status
	wantReason string
}

// runRule runs the cases; configs optionally changes the default config for
// a case, by name.
func runRule(t *testing.T, rule string, tests []ruleCase, configs map[string]func(*Config)) []Assessment {
	t.Helper()
	var out []Assessment
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := mustDefault(t)
			if change := configs[tt.name]; change != nil {
				change(&cfg)
			}
			f := allMet()
			tt.change(&f)
			a := Assess(cfg, f)
			r, ok := a.Result(rule)
			if !ok {
				t.Fatalf("no %s result", rule)
			}
			if r.Status != tt.wantStatus || r.Reason != tt.wantReason {
				t.Errorf("%s = %s %q\nwant %s %q", rule, r.Status, r.Reason, tt.wantStatus, tt.wantReason)
			}
			out = append(out, a)
		})
	}
	return out
}

func TestAssessAllMet(t *testing.T) {
	a := Assess(mustDefault(t), allMet())
	if a.Eligible != Met {
		t.Errorf("Eligible = %s, want met: %+v", a.Eligible, a.Results)
	}
	var rules, labels []string
	for _, r := range a.Results {
		rules = append(rules, r.Rule)
		labels = append(labels, r.Label)
		if r.Status != Met {
			t.Errorf("%s = %s: %s", r.Rule, r.Status, r.Reason)
		}
	}
	wantRules := []string{RuleFundedArea, RuleGestation, RuleParentAges, RulePersonallyConnected,
		RuleAbuseDisclosed, RuleBothWantToCoParent, RuleBothWantBestStart, RuleConsent}
	if !slices.Equal(rules, wantRules) {
		t.Errorf("rules = %v, want %v", rules, wantRules)
	}
	wantLabels := []string{"Lives in a funded area", "Gestation", "Both parents are 16 or over", "Personally connected",
		"Domestic abuse disclosed", "Both parents want to co-parent", "Both want to give the baby the best start", "Both parents consent"}
	if !slices.Equal(labels, wantLabels) {
		t.Errorf("labels = %q, want %q", labels, wantLabels)
	}
	if a.AreaName != "Blackpool" || !a.GestationKnown || a.GestationAtReferral != (Gestation{28, 3}) ||
		a.Scheduled || !a.ProgrammeStart.Equal(day(2027, 2, 26)) {
		t.Errorf("assessment = %+v", a)
	}
	if _, ok := a.Result("no_such_rule"); ok {
		t.Errorf("Result found a rule that does not exist")
	}
}

func TestAssessEligible(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Facts)
		want   Status
	}{
		{"every rule met", func(*Facts) {}, Met},
		{"one unknown", func(f *Facts) { f.Consent2 = NotKnown }, Unknown},
		{"several unknown", func(f *Facts) { f.EDD = time.Time{}; f.Area = "" }, Unknown},
		{"one not met", func(f *Facts) { f.AbuseDisclosed = No }, NotMet},
		{"not met wins over unknown", func(f *Facts) { f.Consent1 = NotKnown; f.BabyBorn = true; f.Parent1DOB = time.Time{} }, NotMet},
		{"unknown first, not met last", func(f *Facts) { f.Area = ""; f.Consent2 = No }, NotMet},
		{"nothing known", func(f *Facts) { *f = Facts{} }, Unknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := allMet()
			tt.change(&f)
			if got := Assess(mustDefault(t), f).Eligible; got != tt.want {
				t.Errorf("Eligible = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestFundedArea(t *testing.T) {
	noRemote := func(c *Config) { c.Remote = nil }
	tests := []ruleCase{
		{"postcode in a funded area", func(f *Facts) {}, Met, "The postcode is in Blackpool, a funded area"},
		{"outward code only", func(f *Facts) { f.Area = "sg17" }, Met, "The postcode is in Bedfordshire, a funded area"},
		{"local authority", func(f *Facts) { f.Area = "blackpool council" }, Met, "The local authority is in Blackpool, a funded area"},
		{"funded, remote asked", func(f *Facts) { f.RemoteAsked = true }, Met,
			"The postcode is in Blackpool, a funded area. The family asked for the remote offer, but there is a local team"},
		{"not funded: remote offer applies", func(f *Facts) { f.Area = "EH1 1AA" }, Met,
			"The postcode is not in a funded area. The remote offer applies: Connect (remote)"},
		{"not funded, remote asked", func(f *Facts) { f.Area = "EH1 1AA"; f.RemoteAsked = true }, Met,
			"The postcode is not in a funded area. The family asked for the remote offer: Connect (remote)"},
		{"nothing given, remote asked", func(f *Facts) { f.Area = ""; f.RemoteAsked = true }, Met,
			"No postcode or local authority was given. The family asked for the remote offer: Connect (remote)"},
		{"not recognised, remote asked", func(f *Facts) { f.Area = "Lancashire"; f.RemoteAsked = true }, Met,
			"The postcode or local authority was not recognised. The family asked for the remote offer: Connect (remote)"},
		{"nothing given", func(f *Facts) { f.Area = "" }, Unknown, "No postcode or local authority was given"},
		{"only spaces", func(f *Facts) { f.Area = "   " }, Unknown, "No postcode or local authority was given"},
		{"not recognised", func(f *Facts) { f.Area = "Lancashire" }, Unknown,
			"The postcode or local authority was not recognised. Check it. The remote offer may apply: Connect (remote)"},
		{"no remote: not funded", func(f *Facts) { f.Area = "EH1 1AA" }, NotMet,
			"The postcode is not in a funded area, and there is no remote offer"},
		{"no remote: remote asked, not funded", func(f *Facts) { f.Area = "EH1"; f.RemoteAsked = true }, NotMet,
			"The postcode is not in a funded area, and there is no remote offer"},
		{"no remote: not recognised", func(f *Facts) { f.Area = "Lancashire" }, Unknown,
			"The postcode or local authority was not recognised"},
		{"no remote: nothing given", func(f *Facts) { f.Area = "" }, Unknown, "No postcode or local authority was given"},
		{"no remote: funded", func(f *Facts) { f.Area = "W8 4PT" }, Met, "The postcode is in Kensington and Chelsea, a funded area"},
	}
	configs := map[string]func(*Config){}
	for _, tt := range tests {
		if strings.HasPrefix(tt.name, "no remote") {
			configs[tt.name] = noRemote
		}
	}
	as := runRule(t, RuleFundedArea, tests, configs)
	wantAreas := []string{"Blackpool", "Bedfordshire", "Blackpool", "Blackpool", "Connect (remote)", "Connect (remote)",
		"Connect (remote)", "Connect (remote)", "", "", "", "", "", "", "", "Kensington and Chelsea"}
	for i, a := range as {
		if i < len(wantAreas) && a.AreaName != wantAreas[i] {
			t.Errorf("%s: AreaName = %q, want %q", tests[i].name, a.AreaName, wantAreas[i])
		}
	}
}

func TestGestationRule(t *testing.T) {
	// EDD 21 May 2027: 28+0 is 26 February 2027.
	on := func(d time.Time) func(*Facts) { return func(f *Facts) { f.ReferredOn = d } }
	tests := []ruleCase{
		{"0+0", on(day(2026, 8, 14)), Met, "Referred at 0+0 weeks: the programme will start on 26 February 2027 (28+0 weeks)"},
		{"27+6", on(day(2027, 2, 25)), Met, "Referred at 27+6 weeks: the programme will start on 26 February 2027 (28+0 weeks)"},
		{"28+0", on(day(2027, 2, 26)), Met, "Referred at 28+0 weeks: the programme can start now"},
		{"39+6", on(day(2027, 5, 20)), Met, "Referred at 39+6 weeks: the programme can start now"},
		{"on the EDD", on(day(2027, 5, 21)), Met, "Referred at 40+0 weeks: the programme can start now"},
		{"the day after the EDD", on(day(2027, 5, 22)), Met,
			"Referred at 40+1 weeks, after the due date: check whether the baby has been born"},
		{"42+0", on(day(2027, 6, 4)), Met, "Referred at 42+0 weeks, after the due date: check whether the baby has been born"},
		{"42+1", on(day(2027, 6, 5)), NotMet, "Referred at 42+1 weeks: later than 42+0 weeks"},
		{"the day after the birth", func(f *Facts) { f.ReferredOn = day(2027, 5, 11); f.BabyBorn = true }, NotMet,
			"The baby has been born: the programme starts in pregnancy"},
		{"born, due date not known", func(f *Facts) { f.EDD = time.Time{}; f.BabyBorn = true }, NotMet,
			"The baby has been born: the programme starts in pregnancy"},
		{"due date not known", func(f *Facts) { f.EDD = time.Time{} }, Unknown, "The due date is not known"},
		{"referral date not known", on(time.Time{}), Unknown, "The referral date is not known"},
		{"due date 42 weeks ahead", on(day(2026, 7, 31)), Met,
			"Referred at 0+0 weeks: the programme will start on 26 February 2027 (28+0 weeks)"},
		{"due date 42 weeks and 1 day ahead", on(day(2026, 7, 30)), Unknown,
			"The due date is more than 42 weeks after the referral date: check it"},
		{"configured window", on(day(2027, 4, 23)), Met, "Referred at 36+0 weeks: the programme can start now"},
		{"configured window, one day late", on(day(2027, 4, 24)), NotMet, "Referred at 36+1 weeks: later than 36+0 weeks"},
		{"configured start", on(day(2027, 2, 4)), Met, "Referred at 24+6 weeks: the programme will start on 5 February 2027 (25+0 weeks)"},
		{"brief's example", func(f *Facts) { f.EDD = day(2027, 5, 28); f.ReferredOn = day(2027, 2, 8) }, Met,
			"Referred at 24+3 weeks: the programme will start on 5 March 2027 (28+0 weeks)"},
		{"start across a leap day", func(f *Facts) { f.EDD = day(2028, 4, 1); f.ReferredOn = day(2027, 12, 1) }, Met,
			"Referred at 22+4 weeks: the programme will start on 8 January 2028 (28+0 weeks)"},
	}
	as := runRule(t, RuleGestation, tests, map[string]func(*Config){
		"configured window":               func(c *Config) { c.LatestWeeks = 36 },
		"configured window, one day late": func(c *Config) { c.LatestWeeks = 36 },
		"configured start":                func(c *Config) { c.StartWeeks = 25 },
	})

	type want struct {
		known, scheduled bool
		g                Gestation
		start            time.Time
	}
	wants := map[string]want{
		"27+6":                     {true, true, Gestation{27, 6}, day(2027, 2, 26)},
		"28+0":                     {true, false, Gestation{28, 0}, day(2027, 2, 26)},
		"the day after the EDD":    {true, false, Gestation{40, 1}, day(2027, 2, 26)},
		"42+1":                     {true, false, Gestation{42, 1}, day(2027, 2, 26)},
		"the day after the birth":  {false, false, Gestation{}, day(2027, 2, 26)},
		"born, due date not known": {false, false, Gestation{}, time.Time{}},
		"due date not known":       {false, false, Gestation{}, time.Time{}},
		"referral date not known":  {false, false, Gestation{}, day(2027, 2, 26)},
		"brief's example":          {true, true, Gestation{24, 3}, day(2027, 3, 5)},
		"start across a leap day":  {true, true, Gestation{22, 4}, day(2028, 1, 8)},
	}
	for i, a := range as {
		w, ok := wants[tests[i].name]
		if !ok {
			continue
		}
		if a.GestationKnown != w.known || a.Scheduled != w.scheduled || a.GestationAtReferral != w.g || !a.ProgrammeStart.Equal(w.start) {
			t.Errorf("%s: known %v scheduled %v at %v start %v; want %+v", tests[i].name,
				a.GestationKnown, a.Scheduled, a.GestationAtReferral, a.ProgrammeStart, w)
		}
	}
}

func TestParentAgesRule(t *testing.T) {
	// The referral date is 1 March 2027.
	tests := []ruleCase{
		{"both adults", func(f *Facts) {}, Met, "Both parents were 16 or over on the referral date"},
		{"16th birthday on the referral day", func(f *Facts) { f.Parent2DOB = day(2011, 3, 1) }, Met,
			"Both parents were 16 or over on the referral date"},
		{"16th birthday the day after", func(f *Facts) { f.Parent2DOB = day(2011, 3, 2) }, NotMet,
			"Parent 2 is under 16: turns 16 on 2 March 2027"},
		{"parent 1 under 16", func(f *Facts) { f.Parent1DOB = day(2012, 1, 1) }, NotMet,
			"Parent 1 is under 16: turns 16 on 1 January 2028"},
		{"both under 16", func(f *Facts) { f.Parent1DOB = day(2012, 1, 1); f.Parent2DOB = day(2011, 12, 1) }, NotMet,
			"Both parents are under 16"},
		{"under 16 beats not known", func(f *Facts) { f.Parent1DOB = time.Time{}; f.Parent2DOB = day(2012, 1, 1) }, NotMet,
			"Parent 2 is under 16: turns 16 on 1 January 2028"},
		{"29 Feb birthday, common year: 28 Feb", func(f *Facts) { f.ReferredOn = day(2027, 2, 28); f.Parent2DOB = day(2008, 2, 29) }, Met,
			"Both parents were 16 or over on the referral date"},
		{"29 Feb born, turning 16 on 29 Feb", func(f *Facts) { f.ReferredOn = day(2028, 2, 29); f.Parent2DOB = day(2012, 2, 29) }, Met,
			"Both parents were 16 or over on the referral date"},
		{"29 Feb born, the day before", func(f *Facts) { f.ReferredOn = day(2028, 2, 28); f.Parent2DOB = day(2012, 2, 29) }, NotMet,
			"Parent 2 is under 16: turns 16 on 29 February 2028"},
		{"parent 2 not known", func(f *Facts) { f.Parent2DOB = time.Time{} }, Unknown, "Parent 2's date of birth is not known"},
		{"neither known", func(f *Facts) { f.Parent1DOB, f.Parent2DOB = time.Time{}, time.Time{} }, Unknown,
			"Neither parent's date of birth is known"},
		{"born after the referral", func(f *Facts) { f.Parent1DOB = day(2027, 3, 2) }, Unknown,
			"Parent 1's date of birth is after the referral date: check it"},
		{"both born after the referral", func(f *Facts) { f.Parent1DOB, f.Parent2DOB = day(2027, 3, 2), day(2030, 1, 1) }, Unknown,
			"Both parents' dates of birth are after the referral date: check them"},
		{"referral date not known", func(f *Facts) { f.ReferredOn = time.Time{} }, Unknown, "The referral date is not known"},
		{"configured minimum age", func(f *Facts) { f.Parent2DOB = day(2010, 3, 1) }, NotMet,
			"Parent 2 is under 18: turns 18 on 1 March 2028"},
	}
	runRule(t, RuleParentAges, tests, map[string]func(*Config){
		"configured minimum age": func(c *Config) { c.MinParentAge = 18 },
	})
}

func TestPersonallyConnectedRule(t *testing.T) {
	rel := func(r Relationship) func(*Facts) { return func(f *Facts) { f.Relationship = r } }
	tests := []ruleCase{
		{"married", rel(Married), Met, "The parents are personally connected: married, now or before"},
		{"civil partners", rel(CivilPartners), Met, "The parents are personally connected: civil partners, now or before"},
		{"engaged", rel(Engaged), Met, "The parents are personally connected: engaged to marry, now or before"},
		{"civil partnership agreement", rel(CivilPartnershipAgreement), Met,
			"The parents are personally connected: agreed to enter a civil partnership, now or before"},
		{"intimate relationship", rel(IntimateRelationship), Met,
			"The parents are personally connected: in an intimate personal relationship, now or before"},
		{"parents of the same child", rel(ParentsOfSameChild), Met, "The parents are personally connected: both parents of the same child"},
		{"relatives", rel(Relatives), Met, "The parents are personally connected: relatives"},
		{"none", rel(NotConnected), NotMet, "The parents are not personally connected as the Domestic Abuse Act 2021 defines it"},
		{"not known", rel(RelationshipNotKnown), Unknown, "It is not known how the parents are connected"},
		{"empty", rel(""), Unknown, "It is not known how the parents are connected"},
		{"unrecognised", rel("friends"), Unknown, "The relationship was not recognised"},
	}
	runRule(t, RulePersonallyConnected, tests, nil)
	for _, r := range []Relationship{NotConnected, RelationshipNotKnown, "", "Married"} {
		if r.PersonallyConnected() {
			t.Errorf("%q.PersonallyConnected() = true", r)
		}
	}
}

func TestAnswerRules(t *testing.T) {
	type texts struct{ yes, no, unknown string }
	rules := []struct {
		rule  string
		set   func(*Facts, Answer)
		texts texts
	}{
		{RuleAbuseDisclosed, func(f *Facts, a Answer) { f.AbuseDisclosed = a }, texts{
			"Domestic abuse has been disclosed",
			"The referral says domestic abuse has not been disclosed",
			"It is not known whether domestic abuse has been disclosed"}},
		{RuleBothWantToCoParent, func(f *Facts, a Answer) { f.BothWantToCoParent = a }, texts{
			"Both parents want to co-parent the baby",
			"The referral says the parents do not both want to co-parent the baby",
			"It is not known whether both parents want to co-parent the baby"}},
		{RuleBothWantBestStart, func(f *Facts, a Answer) { f.BothWantBestStart = a }, texts{
			"Both parents want to give the baby the best start",
			"The referral says the parents do not both want to give the baby the best start",
			"It is not known whether both parents want to give the baby the best start"}},
	}
	for _, r := range rules {
		t.Run(r.rule, func(t *testing.T) {
			set := func(a Answer) func(*Facts) { return func(f *Facts) { r.set(f, a) } }
			runRule(t, r.rule, []ruleCase{
				{"yes", set(Yes), Met, r.texts.yes},
				{"no", set(No), NotMet, r.texts.no},
				{"not known", set(NotKnown), Unknown, r.texts.unknown},
				{"empty", set(""), Unknown, r.texts.unknown},
				{"unrecognised", set("YES"), Unknown, r.texts.unknown},
			}, nil)
		})
	}
}

func TestConsentRule(t *testing.T) {
	set := func(a, b Answer) func(*Facts) { return func(f *Facts) { f.Consent1, f.Consent2 = a, b } }
	tests := []ruleCase{
		{"both yes", set(Yes, Yes), Met, "Both parents consent to join"},
		{"both no", set(No, No), NotMet, "Neither parent consents to join"},
		{"parent 1 no", set(No, Yes), NotMet, "Parent 1 does not consent to join"},
		{"parent 2 no", set(Yes, No), NotMet, "Parent 2 does not consent to join"},
		{"no beats not known", set(NotKnown, No), NotMet, "Parent 2 does not consent to join"},
		{"parent 1 not known", set(NotKnown, Yes), Unknown, "Parent 1's consent is not known"},
		{"parent 2 not known", set(Yes, NotKnown), Unknown, "Parent 2's consent is not known"},
		{"parent 2 not asked", set(Yes, "not_asked"), Unknown, "Parent 2's consent is not known"},
		{"neither known", set(NotKnown, ""), Unknown, "Neither parent's consent is known"},
	}
	runRule(t, RuleConsent, tests, nil)
}

// Reasons go on screens and letters: they must not repeat what was typed
// (which may hold an address) and must not label people (PROGRAMME.md §2).
func TestReasonsAreSafeToShow(t *testing.T) {
	cfg := mustDefault(t)
	typed := []string{"Flat 3, 12 Hidden Lane, Anytown", "EH1 1AA", "eh11aa", "Lancashire", "lancashire county council"}
	for _, remote := range []bool{false, true} {
		for _, area := range typed {
			f := allMet()
			f.Area, f.RemoteAsked = area, remote
			for _, r := range Assess(cfg, f).Results {
				for _, bad := range []string{area, strings.ToUpper(area), "Hidden", "EH1", "Lancashire"} {
					if strings.Contains(r.Reason, bad) {
						t.Errorf("%s reason %q repeats typed text %q", r.Rule, r.Reason, bad)
					}
				}
			}
		}
	}
	var facts []Facts
	for _, change := range []func(*Facts){
		func(*Facts) {},
		func(f *Facts) { *f = Facts{} },
		func(f *Facts) {
			f.AbuseDisclosed, f.BothWantToCoParent, f.BothWantBestStart, f.Consent1, f.Consent2 = No, No, No, No, No
			f.Relationship, f.BabyBorn, f.Parent1DOB = NotConnected, true, day(2015, 1, 1)
		},
	} {
		f := allMet()
		change(&f)
		facts = append(facts, f)
	}
	for _, f := range facts {
		for _, r := range Assess(cfg, f).Results {
			lower := strings.ToLower(r.Reason + " " + r.Label)
			for _, word := range []string{"victim", "perpetrator", "the couple"} {
				if strings.Contains(lower, word) {
					t.Errorf("%s uses %q: %s", r.Rule, word, r.Reason)
				}
			}
			if r.Reason == "" || strings.HasSuffix(r.Reason, ".") {
				t.Errorf("%s reason %q: want a sentence without a final full stop", r.Rule, r.Reason)
			}
		}
	}
}
