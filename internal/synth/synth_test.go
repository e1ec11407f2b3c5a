package synth_test

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/casework"
	"github.com/cradle-org/cradle/internal/family"
	"github.com/cradle-org/cradle/internal/match"
	"github.com/cradle-org/cradle/internal/measure"
	"github.com/cradle-org/cradle/internal/referral"
	"github.com/cradle-org/cradle/internal/risk"
	"github.com/cradle-org/cradle/internal/synth"
)

var today = time.Date(2026, 5, 11, 0, 0, 0, 0, time.UTC)

func generate(t testing.TB, cfg synth.Config, batch int) (*synth.Generator, []synth.Family, []synth.Referral) {
	t.Helper()
	g, err := synth.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var fams []synth.Family
	var refs []synth.Referral
	for {
		b := g.Next(batch)
		if len(b.Families) == 0 {
			return g, fams, refs
		}
		fams = append(fams, b.Families...)
		refs = append(refs, b.Referrals...)
	}
}

func TestDeterministic(t *testing.T) {
	cfg := synth.Config{Families: 150, Seed: 7, Today: today}
	g1, a, ar := generate(t, cfg, 150)
	g2, b, br := generate(t, cfg, 13) // batching must not matter
	if !reflect.DeepEqual(a, b) || !reflect.DeepEqual(ar, br) {
		t.Fatal("the same seed gave different families")
	}
	if !reflect.DeepEqual(g1.Staff(), g2.Staff()) || !reflect.DeepEqual(g1.Areas(), g2.Areas()) {
		t.Fatal("the same seed gave different staff or areas")
	}
	if s := summarise(a, ar); s.childRisks == 0 || s.childRiskFamilies == s.accepted {
		t.Fatalf("%d assessments of risk to the children in %d of %d families: want some families with them and some without", s.childRisks, s.childRiskFamilies, s.accepted)
	}
	cfg.Seed = 8
	_, c, _ := generate(t, cfg, 150)
	same := 0
	for i := range a {
		if a[i].People[0].GivenName == c[i].People[0].GivenName && a[i].EDD.Equal(c[i].EDD) {
			same++
		}
	}
	if same > 5 {
		t.Errorf("seeds 7 and 8 share %d of 150 families", same)
	}
	// A later run numbers its areas and accounts after the first and
	// draws different families, even with the same seed.
	cfg.Seed = 7
	cfg.Before = g1.Counts(150)
	g3, d, _ := generate(t, cfg, 150)
	if g3.Staff()[0].Email == g1.Staff()[0].Email || g3.Areas()[0].Name == g1.Areas()[0].Name {
		t.Errorf("second run reuses %s / %s", g3.Staff()[0].Email, g3.Areas()[0].Name)
	}
	if reflect.DeepEqual(a[0].People, d[0].People) {
		t.Error("second run repeats the first run's families")
	}
}

func TestBadConfig(t *testing.T) {
	for _, cfg := range []synth.Config{{Families: 0, Today: today}, {Families: -3, Today: today}, {Families: synth.MaxFamilies + 1, Today: today}, {Families: 5}} {
		if _, err := synth.New(cfg); err == nil {
			t.Errorf("%+v accepted", cfg)
		}
	}
}

// stats summarises a dataset for the distribution checks.
type stats struct {
	families, people, children, sessions, attended, risks, highRisk, marac, plans, reviews, concerns, openConcerns, measures, alerts int
	referrals, notAccepted, withdrawn, pendingReferrals, statuses, closures, planned, reallocated                                    int
	accepted, childRisks, childRiskFamilies, childRiskBaby, childRiskChild                                                           int
	stages                                                                                                                           map[family.Stage]int
	childRiskLevels                                                                                                                  map[risk.Level]int
}

func summarise(fams []synth.Family, others []synth.Referral) stats {
	s := stats{families: len(fams), stages: map[family.Stage]int{}, childRiskLevels: map[risk.Level]int{}}
	for _, f := range fams {
		s.stages[f.Stage]++
		if !f.Accepted.IsZero() {
			s.accepted++
		}
		s.childRisks += len(f.ChildRisks)
		if len(f.ChildRisks) > 0 {
			s.childRiskFamilies++
		}
		for _, c := range f.ChildRisks {
			s.childRiskLevels[c.Level]++
			switch {
			case c.Child == synth.Baby:
				s.childRiskBaby++
			case c.Child > synth.Baby:
				s.childRiskChild++
			}
		}
		s.people += len(f.People)
		s.children += len(f.People) - 3
		s.sessions += len(f.Sessions)
		for _, x := range f.Sessions {
			if x.Attendance == "attended" {
				s.attended++
			}
		}
		s.risks += len(f.Risks)
		for _, r := range f.Risks {
			if r.Level == risk.High {
				s.highRisk++
			}
		}
		s.marac += len(f.MARAC)
		s.plans += len(f.SafetyPlans)
		for _, p := range f.SafetyPlans {
			s.reviews += len(p.Reviews)
		}
		s.concerns += len(f.Concerns)
		for _, c := range f.Concerns {
			if c.Status == "open" {
				s.openConcerns++
			}
		}
		s.measures += len(f.Measures)
		for _, m := range f.Measures {
			if m.Alert {
				s.alerts++
			}
		}
		s.statuses += len(f.Statuses)
		if f.Closure != nil {
			s.closures++
			if f.Closure.Reason == "planned_end" {
				s.planned++
			}
		}
		for _, a := range f.Allocations {
			if a.EndReason == "reallocated" {
				s.reallocated++
			}
		}
		s.referrals++
		if f.Referral.Status != referral.Accepted {
			s.pendingReferrals++
		}
	}
	for _, r := range others {
		s.referrals++
		switch r.Status {
		case referral.NotAccepted:
			s.notAccepted++
		case referral.Withdrawn:
			s.withdrawn++
		default:
			s.pendingReferrals++
		}
	}
	return s
}

func (s stats) per(n int) float64 { return float64(n) / float64(s.families) }

func TestDistributions(t *testing.T) {
	g, fams, others := generate(t, synth.Config{Families: 1000, Seed: 1, Today: today}, 500)
	s := summarise(fams, others)
	t.Logf("%+v", s)
	for _, st := range family.Stages() {
		if s.stages[st] == 0 {
			t.Errorf("no family at stage %s", st)
		}
	}
	for _, c := range []struct {
		what     string
		got      float64
		min, max float64
	}{
		{"people per family", s.per(s.people), 3.2, 3.6},
		{"sessions per family", s.per(s.sessions), 40, 60},
		{"share of sessions attended", float64(s.attended) / float64(s.sessions), 0.7, 0.9},
		{"risk assessments per family", s.per(s.risks), 4, 6},
		{"concerns per family", s.per(s.concerns), 1.5, 2.5},
		{"safety plans per family", s.per(s.plans), 0.3, 1.2},
		{"reviews per safety plan", float64(s.reviews) / float64(max(s.plans, 1)), 1, 8},
		{"measures per family", s.per(s.measures), 8, 12},
		{"share of referrals not accepted or withdrawn", float64(s.notAccepted+s.withdrawn) / float64(s.referrals), 0.25, 0.33},
		{"share of families closed", s.per(s.closures), 0.55, 0.85},
		{"share of closures planned", float64(s.planned) / float64(s.closures), 0.55, 0.8},
		{"share of accepted families with an assessment of risk to the children", float64(s.childRiskFamilies) / float64(s.accepted), 0.55, 0.9},
		{"assessments of risk to the children per family that has any", float64(s.childRisks) / float64(max(s.childRiskFamilies, 1)), 1.3, 2.4},
		{"share of assessments of risk to the children at high risk", float64(s.childRiskLevels[risk.High]) / float64(max(s.childRisks, 1)), 0.15, 0.5},
	} {
		if c.got < c.min || c.got > c.max {
			t.Errorf("%s = %.2f, want %.2f to %.2f", c.what, c.got, c.min, c.max)
		}
	}
	for _, n := range []struct {
		what string
		n    int
	}{{"open concerns", s.openConcerns}, {"MARAC referrals", s.marac}, {"high-risk assessments", s.highRisk}, {"reallocations", s.reallocated},
		{"status changes", s.statuses}, {"undecided referrals", s.pendingReferrals}, {"other children", s.children},
		{"assessments of risk to the children at standard risk", s.childRiskLevels[risk.Standard]},
		{"assessments of risk to the children at medium risk", s.childRiskLevels[risk.Medium]},
		{"assessments of risk to the children about the baby alone", s.childRiskBaby},
		{"assessments of risk to the children about an older child alone", s.childRiskChild}} {
		if n.n == 0 {
			t.Errorf("no %s", n.what)
		}
	}
	if s.openConcerns > s.concerns/20 {
		t.Errorf("%d of %d concerns open: want a few", s.openConcerns, s.concerns)
	}

	// Caseloads today: open parents per practitioner near the target.
	load := map[int]int{}
	for _, f := range fams {
		if f.Stage == family.Closed || f.Accepted.IsZero() {
			continue
		}
		for _, a := range f.Allocations {
			if a.Ended.IsZero() {
				load[a.Staff]++
			}
		}
	}
	total, lo, hi := 0, 1<<30, 0
	pracs := 0
	for i, st := range g.Staff() {
		if st.Role != "practitioner" {
			continue
		}
		pracs++
		total += load[i]
		lo, hi = min(lo, load[i]), max(hi, load[i])
	}
	t.Logf("%d practitioners: open parents each %.1f on average, %d to %d", pracs, float64(total)/float64(pracs), lo, hi)
	if avg := float64(total) / float64(pracs); avg < 15 || avg > 25 || lo < 10 || hi > 30 {
		t.Errorf("open parents per practitioner: average %.1f, from %d to %d; want about 20", avg, lo, hi)
	}
	roles := map[string]int{}
	for _, st := range g.Staff() {
		roles[st.Role]++
	}
	for _, r := range synth.Roles() {
		if roles[r] == 0 {
			t.Errorf("no %s", r)
		}
	}
	if len(g.Areas()) != 1 || roles["team_manager"] != 1 {
		t.Errorf("%d areas and %d team managers for 1,000 families, want one of each", len(g.Areas()), roles["team_manager"])
	}
}

// TestRecordsAreConsistent checks what the application's own rules
// require of every record, so that pages never meet impossible data.
func TestRecordsAreConsistent(t *testing.T) {
	g, fams, others := generate(t, synth.Config{Families: 400, Seed: 3, Today: today}, 400)
	staff := g.Staff()
	departures, appointments := 0, 0
	defer func() {
		if departures == 0 {
			t.Error("no co-parent of 400 families is not taking part")
		}
		if appointments == 0 {
			t.Error("no appointment booked in 400 families")
		}
	}()
	for n, f := range fams {
		where := fmt.Sprintf("family %d (%s)", n, f.Stage)
		if len(f.People) < 3 || f.People[0].ParentSlot != 1 || f.People[1].ParentSlot != 2 || f.People[2].Kind != family.Baby {
			t.Fatalf("%s: people %+v", where, f.People)
		}
		for _, p := range f.People[:2] {
			if p.GivenName == "" || p.FamilyName == "" || p.Confidential == nil {
				t.Errorf("%s: parent without a name or details: %+v", where, p)
			}
			if c := p.Confidential; c.NHSNumber != "" && !match.ValidNHSNumber(c.NHSNumber) {
				t.Errorf("%s: NHS number %q fails its check digit", where, c.NHSNumber)
			}
			if c := p.Confidential; c.Phone != "" && match.NormalisePhone(c.Phone) == "" {
				t.Errorf("%s: phone %q is not a plausible UK number", where, c.Phone)
			}
			if c := p.Confidential; c.Email != "" && !strings.Contains(c.Email, "@example.") {
				t.Errorf("%s: email %q is not at a reserved domain", where, c.Email)
			}
		}
		if f.Accepted.IsZero() {
			if f.Stage != family.Referral || len(f.Sessions)+len(f.Allocations)+len(f.Measures)+len(f.ChildRisks) > 0 {
				t.Errorf("%s: not accepted but has a history", where)
			}
			continue
		}
		if f.Referral.Status != referral.Accepted {
			t.Errorf("%s: accepted family's referral is %s", where, f.Referral.Status)
		}
		// A co-parent not taking part: only in an open family, inactive,
		// joining later only with no session at all, and no session after
		// leaving.
		for _, dep := range f.Departures {
			departures++
			if !f.Closed.IsZero() || f.People[dep.Person].Active || !f.People[1-dep.Person].Active || dep.By < 0 || dep.By >= len(staff) {
				t.Errorf("%s: departure %+v (closed %v, active %v)", where, dep, f.Closed, f.People[dep.Person].Active)
			}
			for _, s := range f.Sessions {
				if s.Person == dep.Person && (dep.Reason == "joining_later" || s.On.After(dep.On)) {
					t.Errorf("%s: %+v, yet a session on %s", where, dep, s.On.Format(time.DateOnly))
				}
			}
		}
		// An appointment: the next session of an open family's co-parent
		// taking part, one a parent, booked by their practitioner before
		// its day, which is after the history's last, within a year; a
		// time of day and a way a booking would have.
		booked := map[int]bool{}
		for _, a := range f.Appointments {
			appointments++
			if !f.Closed.IsZero() || !f.People[a.Person].Active || booked[a.Person] || a.Staff < 0 || a.Staff >= len(staff) || staff[a.Staff].Role != "practitioner" ||
				!a.On.After(today.AddDate(0, 0, -1)) || a.On.After(today.AddDate(1, 0, 0)) || !a.Booked.Before(a.On) || a.Booked.Before(f.Accepted) {
				t.Errorf("%s: appointment %+v", where, a)
			}
			if at, ok := casework.TimeOfDay(a.At); !ok || at != a.At || !slices.ContainsFunc(casework.Modes(), func(o casework.Option) bool { return o.Value == a.Mode }) {
				t.Errorf("%s: appointment at %q by %q", where, a.At, a.Mode)
			}
			booked[a.Person] = true
		}
		for k, p := range f.People {
			if !p.Active && !slices.ContainsFunc(f.Departures, func(d synth.Departure) bool { return d.Person == k }) {
				t.Errorf("%s: %s is not active and has no departure", where, p.GivenName)
			}
		}
		current := map[int]int{}
		for _, a := range f.Allocations {
			if staff[a.Staff].Role != "practitioner" || staff[a.Staff].Area != f.Area {
				t.Errorf("%s: allocated to %+v", where, staff[a.Staff])
			}
			if a.Ended.IsZero() {
				current[a.Person] = a.Staff
			}
		}
		if len(current) != 2 || current[0] == current[1] {
			t.Errorf("%s: current practitioners %v: want one each, different", where, current)
		}
		last := today
		if !f.Closed.IsZero() {
			last = f.Closed.AddDate(0, 0, 1)
			if f.Closure == nil || f.Stage != family.Closed {
				t.Errorf("%s: closed on %s without a closure", where, f.Closed)
			}
		}
		for _, s := range f.Sessions {
			if s.On.Before(f.Accepted) || !s.On.Before(last) {
				t.Errorf("%s: session on %s outside %s to %s", where, s.On, f.Accepted, last)
			}
			if s.Attendance != "attended" && s.Reason == "" {
				t.Errorf("%s: a session that did not happen has no reason", where)
			}
		}
		seen := map[string]bool{}
		for _, m := range f.Measures {
			k := fmt.Sprint(m.Person, m.Instrument, m.Timepoint)
			if seen[k] {
				t.Errorf("%s: two %s results", where, k)
			}
			seen[k] = true
			in, _ := measure.Lookup(m.Instrument)
			if m.TakenOn.After(last) || (m.Person == synth.Baby) != (in.Subject == measure.SubjectBaby) {
				t.Errorf("%s: measure %+v", where, m)
			}
		}
		for _, c := range f.Concerns {
			if c.Due.Before(c.Raised) || (c.Status != "open") != (c.DecidedBy >= 0) || (c.Status == "closed") != (c.Outcome != "") {
				t.Errorf("%s: concern %+v", where, c)
			}
			if c.DecidedBy >= 0 && staff[c.DecidedBy].Role != "dsl" {
				t.Errorf("%s: concern decided by a %s", where, staff[c.DecidedBy].Role)
			}
		}
		for _, r := range f.Risks {
			if r.Yes < 0 || r.Yes > risk.NumQuestions || !r.Level.Valid() {
				t.Errorf("%s: risk %+v", where, r)
			}
		}
		// A plan follows a DASH at medium or high risk, one a parent, and
		// its reviews come in order, by practitioners, before its next.
		planned := map[int]bool{}
		for _, p := range f.SafetyPlans {
			assessed := false
			for _, r := range f.Risks {
				assessed = assessed || r.Person == p.Person && (r.Level == risk.Medium || r.Level == risk.High) && !r.On.After(p.Created)
			}
			if p.Person > 1 || planned[p.Person] || !assessed || p.Created.After(last) || staff[p.Staff].Role != "practitioner" {
				t.Errorf("%s: safety plan %+v", where, p)
			}
			planned[p.Person] = true
			for _, sec := range p.Sections {
				if sec == "" {
					t.Errorf("%s: a safety plan with an empty section", where)
				}
			}
			prev := p.Created
			for _, r := range p.Reviews {
				if !r.On.After(prev) || r.On.After(last) || r.Changes == "" || staff[r.By].Role != "practitioner" {
					t.Errorf("%s: safety plan review %+v after %v", where, r, prev)
				}
				prev = r.On
			}
			if !p.ReviewOn.After(prev) {
				t.Errorf("%s: next review %v not after the last, %v", where, p.ReviewOn, prev)
			}
		}
		// Assessments of risk to the children: in the programme, in order
		// and apart, complete, by one of the family's practitioners, about
		// all the children or one of them (the baby only once born), and
		// free of either parent's confidential details.
		if len(f.ChildRisks) > 3 {
			t.Errorf("%s: %d assessments of risk to the children, want at most 3", where, len(f.ChildRisks))
		}
		practitioners := map[int]bool{}
		for _, a := range f.Allocations {
			practitioners[a.Staff] = true
		}
		for i, c := range f.ChildRisks {
			if c.On.Before(f.Accepted) || !c.On.Before(last) || !c.On.Equal(time.Date(c.On.Year(), c.On.Month(), c.On.Day(), 0, 0, 0, 0, time.UTC)) {
				t.Errorf("%s: risk to the children assessed on %s, outside %s to %s", where, c.On, f.Accepted, last)
			}
			if i > 0 && c.On.Before(f.ChildRisks[i-1].On.AddDate(0, 0, 28)) {
				t.Errorf("%s: risk to the children assessed on %s, within four weeks of %s", where, c.On, f.ChildRisks[i-1].On)
			}
			if err := (risk.ChildRisk{Concerns: c.Concerns, Level: c.Level, Plan: c.Plan}).Validate(); err != nil {
				t.Errorf("%s: risk to the children %+v: %v", where, c, err)
			}
			if !practitioners[c.Staff] || staff[c.Staff].Role != "practitioner" {
				t.Errorf("%s: risk to the children assessed by %+v, not one of the family's practitioners", where, staff[c.Staff])
			}
			switch {
			case c.Child == synth.None:
			case c.Child == synth.Baby:
				if born := f.People[synth.Baby].DateOfBirth; born.IsZero() || c.On.Before(born) {
					t.Errorf("%s: risk to the baby assessed on %s, before the birth (%v)", where, c.On, born)
				}
			case c.Child > synth.Baby && c.Child < len(f.People) && f.People[c.Child].Kind == family.Child:
			default:
				t.Errorf("%s: risk to the children about person %d of %d", where, c.Child, len(f.People))
			}
			for _, p := range f.People[:2] {
				for _, text := range []string{c.Concerns, c.Plan} {
					if m := family.Mentions(text, *p.Confidential); len(m) > 0 {
						t.Errorf("%s: risk to the children mentions a parent's %v: %q", where, m, text)
					}
				}
			}
		}
		if len(f.Statuses) > 0 && f.SafeguardingStatus != f.Statuses[len(f.Statuses)-1].Status {
			t.Errorf("%s: status %s, history ends %s", where, f.SafeguardingStatus, f.Statuses[len(f.Statuses)-1].Status)
		}
	}
	for _, r := range others {
		if r.Status == referral.NotAccepted && (r.Decision == "" || referral.DeclineReasonLabel(r.Decision) == "") {
			t.Errorf("not-accepted referral without a reason: %+v", r)
		}
	}
}

func TestCredentials(t *testing.T) {
	c := synth.Credentials(synth.Counts{Staff: map[string]int{"practitioner": 2, "dsl": 1}})
	if len(c) != 3 || c[0].Email != "prac-0001@bench.cradle.example" || c[2].Email != "dsl-0001@bench.cradle.example" ||
		c[0].Password != synth.Password || c[0].TOTPSecret != synth.TOTPSecret() {
		t.Errorf("credentials %+v", c)
	}
}

// TestAuditTrail checks the entries a family's history leaves on the audit
// log: every recorded session, DASH and measure is there once, by whoever
// recorded it and when the store says it was recorded, after a read of
// that co-parent's page by the same person; the trail is in time order,
// and a national dataset has tens of millions of entries.
func TestAuditTrail(t *testing.T) {
	g, fams, _ := generate(t, synth.Config{Families: 300, Seed: 3, Today: today}, 100)
	staff := g.Staff()
	total, childRisks := 0, 0
	for n, f := range fams {
		total += len(f.Audit)
		writes := map[string]int{}
		read := map[[2]int]bool{} // staff, person: opened before a write
		viewed := map[int]bool{}  // staff who opened the family's page
		for i, e := range f.Audit {
			if i > 0 && e.At.Before(f.Audit[i-1].At) {
				t.Fatalf("family %d: event %d (%s) at %v is before the one before it", n, i, e.Action, e.At)
			}
			if e.Staff < 0 || e.Staff >= len(staff) || staff[e.Staff].Role != "practitioner" {
				t.Fatalf("family %d: event %s by staff %d, not a practitioner", n, e.Action, e.Staff)
			}
			if len(e.RequestID) != 16 {
				t.Errorf("family %d: request id %q", n, e.RequestID)
			}
			switch e.Record {
			case synth.RecordFamily:
				viewed[e.Staff] = true
			case synth.RecordPerson:
				if e.Index < 0 || e.Index >= len(f.People) {
					t.Fatalf("family %d: %s of person %d", n, e.Action, e.Index)
				}
				read[[2]int{e.Staff, e.Index}] = true
			case synth.RecordSession:
				s := f.Sessions[e.Index]
				if e.Action != "session.create" || !e.At.Equal(s.Recorded) || e.Staff != s.Staff || !read[[2]int{e.Staff, s.Person}] {
					t.Fatalf("family %d: %+v does not record session %+v after reading its parent", n, e, s)
				}
			case synth.RecordRisk:
				r := f.Risks[e.Index]
				if e.Action != "risk.save" || e.Staff != r.Staff || !e.At.After(r.On) || !read[[2]int{e.Staff, r.Person}] {
					t.Fatalf("family %d: %+v does not record DASH %+v after reading its parent", n, e, r)
				}
			case synth.RecordChildRisk:
				c := f.ChildRisks[e.Index]
				if e.Action != "child_risk.create" || e.Staff != c.Staff || !e.At.Equal(c.On.Add(synth.ChildRiskHour)) || e.Detail != string(c.Level) || !viewed[e.Staff] {
					t.Fatalf("family %d: %+v does not record the risk to the children %+v after reading the family's page", n, e, c)
				}
				childRisks++
			case synth.RecordMeasure:
				m := f.Measures[e.Index]
				if e.Action != "measure.create" || e.Staff != m.By || e.Detail != m.Instrument+" "+m.Timepoint || !read[[2]int{e.Staff, m.Person}] {
					t.Fatalf("family %d: %+v does not record measure %+v after reading its parent", n, e, m)
				}
			}
			if e.Record >= synth.RecordSession {
				writes[fmt.Sprint(e.Record, e.Index)]++
			}
		}
		if want := len(f.Sessions) + len(f.Risks) + len(f.Measures) + len(f.ChildRisks); len(writes) != want {
			t.Fatalf("family %d: %d records written on the log, want %d", n, len(writes), want)
		}
		for k, c := range writes {
			if c != 1 {
				t.Fatalf("family %d: record %s logged %d times", n, k, c)
			}
		}
	}
	if childRisks == 0 {
		t.Error("no assessment of risk to the children on the log")
	}
	// 100,000 families at this rate: tens of millions of entries.
	if per := float64(total) / float64(len(fams)); per < 150 || per > 400 {
		t.Errorf("%.0f audit entries a family, want 150 to 400", per)
	}
	if synth.StaffIP(0) == synth.StaffIP(1) || synth.StaffIP(256) == synth.StaffIP(0) {
		t.Errorf("staff share addresses: %s %s %s", synth.StaffIP(0), synth.StaffIP(1), synth.StaffIP(256))
	}
}
