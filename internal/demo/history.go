package demo

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/cradle-org/cradle/internal/casework"
	"github.com/cradle-org/cradle/internal/eligibility"
	"github.com/cradle-org/cradle/internal/family"
	"github.com/cradle-org/cradle/internal/measure"
	"github.com/cradle-org/cradle/internal/risk"
	"github.com/cradle-org/cradle/internal/sharing"
	"github.com/cradle-org/cradle/internal/store"
	"github.com/cradle-org/cradle/internal/timeline"
)

// referralSources cycles through who referred the demo families.
var referralSources = [][2]string{{"professional", "social_worker"}, {"professional", "midwife"}, {"self", ""}, {"professional", "health_visitor"}, {"professional", "social_worker"}}

// demoModule is the module a demo session on a date works on: the ending
// in the programme's last months; otherwise the first module of the time
// (before or after the birth) short of its target, in delivery order, or
// the last of them once every target is reached.
func demoModule(cfg timeline.Config, on, bornOn time.Time, attended map[string]int) string {
	phase, ending := timeline.PhaseOn(cfg, on, bornOn)
	if ending {
		return "ending"
	}
	last := ""
	for _, m := range cfg.Modules {
		if m.Key == "ending" || m.Phase != phase && m.Phase != timeline.PhaseAny {
			continue
		}
		if attended[m.Key] < m.TargetSessions {
			return m.Key
		}
		last = m.Key
	}
	return last
}

// history gives a demo family a past: its referral, fortnightly sessions
// with each parent since acceptance (some missed), outcome measures at each
// timepoint whose window has opened (scores easing over time, as the
// programme hopes), a safeguarding status history, and for the closed
// family a planned ending. Everything is computed from the load date, so
// the figures are the same on every run on the same day.
func history(tx *store.Tx, n int, f familySpec, familyID int64, parents [2]int64, babyID int64, bornOn, edd, accepted time.Time, ids map[string]int64, today time.Time) error {
	if accepted.IsZero() {
		return nil
	}
	src := referralSources[n%len(referralSources)]
	h := store.DemoHistory{FamilyID: familyID, AreaName: f.area, Received: accepted.AddDate(0, 0, -9-n).Add(10 * time.Hour), Source: src[0], ReferrerRole: src[1],
		AllocatedOn: accepted.Add(11 * time.Hour)}
	end := today
	if f.stage == family.Closed {
		end = today.AddDate(0, 0, -10)
		h.Closure = &store.DemoClosure{Kind: "planned", Reason: "planned_end", On: end, By: ids[f.manager]}
	}
	// A parent who left has no sessions or measures after the day they left.
	var ends [2]time.Time
	for i := range ends {
		ends[i] = end
		if l := f.left; l != nil && l.slot == i+1 {
			leftOn := eligibility.DateOf(today.AddDate(0, 0, -l.daysAgo))
			ends[i] = leftOn
			h.Departures = append(h.Departures, store.DemoDeparture{By: ids[f.prac[i]],
				Departure: casework.Departure{PersonID: parents[i], Reason: l.reason, Note: l.note, LeftOn: leftOn}})
		}
	}
	if m := f.reminder; m != nil {
		h.Reminders = append(h.Reminders, store.DemoReminder{By: ids[f.prac[m.slot-1]],
			Reminder: casework.Reminder{PersonID: parents[m.slot-1], What: m.what, DueOn: eligibility.DateOf(today.AddDate(0, 0, m.inDays))}})
	}
	if d := f.document; d != nil {
		h.Documents = append(h.Documents, store.DemoDocument{By: ids[f.prac[d.slot-1]],
			Document: casework.Document{PersonID: parents[d.slot-1], Title: d.title, Content: onePagePDF(d.lines)}})
	}
	cfg, err := timeline.DefaultConfig()
	if err != nil {
		return err
	}
	for i, email := range f.prac {
		if email == "" {
			continue
		}
		k := 0
		attended := map[string]int{}
		for on := accepted.AddDate(0, 0, 5+i); !on.After(ends[i]); on = on.AddDate(0, 0, 14) {
			attendance := "attended"
			switch (k + n + i) % 7 {
			case 3:
				attendance = "did_not_attend"
			case 5:
				attendance = "cancelled_by_parent"
			}
			module := ""
			if attendance == "attended" {
				module = demoModule(cfg, on, bornOn, attended)
				attended[module]++
			}
			h.Sessions = append(h.Sessions, store.DemoSession{PersonID: parents[i], StaffID: ids[email], On: on, Attendance: attendance, Module: module})
			k++
		}
		h.Appointments = append(h.Appointments, demoAppointments(f, i, n, ids[email], parents[i], accepted, today, ends[i])...)
	}
	// Every family past assessment completed it in its fifth week, well
	// within the six the timeline gives; the measures and the safety plan
	// reviews count from then.
	if f.stage != family.Referral && f.stage != family.Assessment {
		h.AssessedOn = accepted.AddDate(0, 0, 32)
		if h.AssessedOn.After(end) {
			h.AssessedOn = end
		}
	}
	facts := timeline.Facts{AcceptedOn: accepted, EDD: edd, BornOn: bornOn, Today: today, AssessmentCompletedOn: h.AssessedOn}
	if f.stage == family.Closed {
		facts.Today = end
	}
	step := 0
	for _, m := range timeline.Milestones(cfg, facts) {
		if m.Kind != timeline.KindMeasure || !m.WindowEnd.Before(facts.Today) { // windows still open are left due
			continue
		}
		tp, _ := cfg.Timepoint(strings.TrimPrefix(m.Key, "measure_"))
		taken := m.Due
		if taken.After(facts.Today) {
			taken = facts.Today
		}
		for i, id := range parents {
			if taken.After(ends[i]) {
				continue
			}
			for _, key := range tp.Parents {
				r, err := demoResult(key, id, tp.Key, taken, 0.5-0.12*float64(step)+0.08*float64((n+i)%4))
				if err != nil {
					return err
				}
				h.Measures = append(h.Measures, r)
			}
		}
		if babyID != 0 && !bornOn.IsZero() {
			for _, key := range tp.Baby {
				r, err := demoResult(key, babyID, tp.Key, taken, 0)
				if err != nil {
					return err
				}
				r.AgeMonths = timeline.WholeMonths(bornOn, taken)
				h.Measures = append(h.Measures, r)
			}
		}
		step++
	}
	if len(f.children) > 0 || n%3 == 1 {
		h.Statuses = []store.DemoStatus{{Status: "child_protection_plan", From: accepted}, {Status: "child_in_need", From: accepted.AddDate(0, 4, 0)}}
	} else if n%3 == 2 {
		h.Statuses = []store.DemoStatus{{Status: "child_in_need", From: accepted}}
	}
	h.Team = demoTeam(n, f.area, accepted, bornOn, today)
	assessor := ids[f.prac[0]]
	if assessor == 0 {
		assessor = ids[f.manager]
	}
	h.ChildRisks = demoChildRisks(n, len(f.children) > 0, accepted, bornOn, babyID, today, assessor)
	var byParent [2]int64
	for i, email := range f.prac {
		byParent[i] = ids[email]
	}
	demoRisk(&h, riskStories[n], parents, byParent, accepted, end, today)
	var statuses []store.DemoStatus
	for _, s := range h.Statuses {
		if !s.From.After(today) {
			statuses = append(statuses, s)
		}
	}
	h.Statuses = statuses
	return tx.AddDemoHistory(h)
}

// demoTeam is a demo family's team around the baby: a social worker from
// acceptance (in every other family, one who handed over to a colleague
// three months in), a midwife until the birth and a health visitor after
// it. Names are made up; phone numbers are from Ofcom's range for drama.
func demoTeam(n int, area string, accepted, bornOn, today time.Time) []sharing.Professional {
	council := area + " Council"
	if area == "Hertfordshire" {
		council = "Hertfordshire County Council"
	}
	num := func(k int) string { return fmt.Sprintf("01632 960%03d", (n*7+k)%1000) }
	social := []string{"Chloe Barnes", "Marcus Reid", "Aisha Khan", "Owen Price", "Nadia Hussain", "Liam Doyle"}
	sw := sharing.Professional{Name: social[n%len(social)], Role: "Social worker", Organisation: council, OrganisationKind: "children_social_care",
		Phone: num(1), Since: accepted}
	var team []sharing.Professional
	if n%2 == 0 && today.Sub(accepted) > 120*24*time.Hour {
		before := sharing.Professional{Name: social[(n+3)%len(social)], Role: "Social worker", Organisation: council, OrganisationKind: "children_social_care",
			Phone: num(2), Since: accepted, LeftOn: accepted.AddDate(0, 3, 0)}
		team = append(team, before)
		sw.Since = before.LeftOn
	}
	team = append(team, sw)
	midwife := sharing.Professional{Name: []string{"Joanne Lee", "Priti Desai", "Karen Walsh"}[n%3], Role: "Named midwife",
		Organisation: area + " maternity service", OrganisationKind: "midwifery", Phone: num(3), Since: accepted}
	if !bornOn.IsZero() && bornOn.Before(today) {
		midwife.LeftOn = bornOn.AddDate(0, 0, 28)
		if midwife.LeftOn.After(today) {
			midwife.LeftOn = time.Time{}
		}
		team = append(team, midwife, sharing.Professional{Name: []string{"Beth Morgan", "Sunita Rao", "Dawn Clarke"}[n%3], Role: "Health visitor",
			Organisation: area + " health visiting team", OrganisationKind: "health_visiting", Phone: num(4), Since: bornOn.AddDate(0, 0, 10)})
	} else {
		team = append(team, midwife)
	}
	for i := range team {
		if team[i].Since.After(today) {
			team[i].Since = today
		}
	}
	return team
}

// demoChildRisks are a demo family's assessments of risk to the children:
// one about all of them a fortnight after acceptance (or today, if sooner)
// and, once the baby (babyID) is a month old, one about the baby alone, so
// an older child's risk is still the first's. Levels vary with n; the words are
// about the children, never a parent's address or contact details (both
// parents' practitioners read them).
func demoChildRisks(n int, otherChildren bool, accepted, bornOn time.Time, babyID int64, today time.Time, by int64) []store.DemoChildRisk {
	levels := []risk.Level{risk.Medium, risk.High, risk.Standard}
	first := store.DemoChildRisk{On: accepted.AddDate(0, 0, 14), By: by, ChildRisk: risk.ChildRisk{Level: levels[n%len(levels)],
		Concerns: "Both parents describe arguments that became physical before the pregnancy. Handovers and money are flashpoints, and the baby is due within months.",
		Plan:     "The midwife and the social worker know of the risk. Each practitioner checks their parent's safety plan at every session. Review after the birth, or at once after any incident."}}
	if otherChildren {
		first.Concerns += " An older child in the household has heard arguments and is unsettled at nursery."
		first.Plan += " The nursery knows whom to call if the child says more."
	}
	if first.On.After(today) {
		first.On = today
	}
	out := []store.DemoChildRisk{first}
	if after := bornOn.AddDate(0, 1, 0); !bornOn.IsZero() && !after.After(today) {
		out = append(out, store.DemoChildRisk{On: after, By: by, ChildID: babyID, ChildRisk: risk.ChildRisk{Level: risk.Standard,
			Concerns: "The baby is feeding and gaining weight. Sleep is broken and both parents are tired, which they say makes arguments likelier; none at handovers since the birth.",
			Plan:     "The health visitor sees the baby fortnightly. A VIG cycle with each parent. Review at six months, or at once after any incident."}})
	}
	return out
}

// demoResult scores a made-up set of answers: level 0 is the best answer to
// every question, 1 the worst, so a falling level shows improvement.
func demoResult(key string, personID int64, timepoint string, taken time.Time, level float64) (store.MeasureResult, error) {
	in, ok := measure.Lookup(key)
	if !ok {
		return store.MeasureResult{}, fmt.Errorf("demo: no instrument %q", key)
	}
	level = math.Max(0, math.Min(1, level))
	var res measure.Result
	var detail any
	var err error
	if in.Entry == measure.EntryItems {
		answers := map[int]int{}
		alerting := map[int]bool{} // demo parents give no answer that needs safeguarding follow-up
		for _, a := range in.Alerts {
			alerting[a.Item] = true
		}
		for _, it := range in.Items {
			worst, best := it.Max, it.Min
			if in.Direction == measure.HigherBetter {
				worst, best = it.Min, it.Max
			}
			if it.Reverse {
				worst, best = best, worst
			}
			v := int(math.Round(float64(best) + level*float64(worst-best)))
			if alerting[it.Number] {
				v = best
			}
			if len(it.Options) > 0 { // an answer must be one of the options
				v = nearestOption(it.Options, v)
			}
			answers[it.Number] = v
		}
		if res, err = in.Score(answers); err != nil {
			return store.MeasureResult{}, fmt.Errorf("demo %s: %w", key, err)
		}
		detail = map[string]any{"answers": answers}
	} else {
		domains := map[string]float64{}
		for _, d := range in.Domains {
			domains[d.Key] = d.Max - 2*stepOf(d)
		}
		var total *float64
		if in.Total != nil {
			t := in.Total.Min + stepOf(*in.Total)*2
			total = &t
		}
		interval := 0
		if len(in.AgeBands) > 0 {
			interval = in.AgeBands[0].Months
			for _, b := range in.AgeBands {
				if !b.ExplicitOnly && b.Months <= monthsFor(timepoint) {
					interval = b.Months
				}
			}
		}
		if res, err = in.ScoreEnteredAt(total, domains, interval); err != nil {
			return store.MeasureResult{}, fmt.Errorf("demo %s: %w", key, err)
		}
		detail = map[string]any{"domains": domains, "areas": res.Domains, "interval": res.AgeBand}
	}
	b, err := json.Marshal(detail)
	if err != nil {
		return store.MeasureResult{}, err
	}
	return store.MeasureResult{PersonID: personID, Instrument: key, Timepoint: timepoint, TakenOn: taken, Raw: res.Raw, Score: res.Score, NoScore: !in.HasTotal(),
		Band: res.Band, Flagged: res.Flagged, Alert: res.Safeguarding, Detail: string(b)}, nil
}

func nearestOption(opts []measure.Option, v int) int {
	best := opts[0].Value
	for _, o := range opts {
		if abs(o.Value-v) < abs(best-v) {
			best = o.Value
		}
	}
	return best
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func stepOf(d measure.ScoreDomain) float64 {
	if d.Step > 0 {
		return d.Step
	}
	return 1
}

// monthsFor is the baby's age at an age timepoint ("m6" → 6), and 0 for a
// timepoint that is not an age, such as "baseline".
func monthsFor(timepoint string) int {
	m, err := strconv.Atoi(strings.TrimPrefix(timepoint, "m"))
	if err != nil {
		return 0
	}
	return m
}

// otherReferrals are referrals that did not become families, spread over
// the past year: most outside the programme's rules (signposted), some
// withdrawn, from every kind of referrer.
func otherReferrals(tx *store.Tx, today time.Time) error {
	areas := []string{"Blackpool", "Hertfordshire", "Bedfordshire", "Blackpool", ""}
	reasons := [][2]string{{"not_funded_area", "Local domestic abuse service"}, {"gestation", "Health visiting team"}, {"baby_born", "Family hub parenting support"}, {"", ""}}
	for i := range 28 {
		src := referralSources[i%len(referralSources)]
		r := reasons[i%len(reasons)]
		d := store.DemoReferral{AreaName: areas[i%len(areas)], Received: today.AddDate(0, 0, -12-i*12).Add(9 * time.Hour), Source: src[0], ReferrerRole: src[1],
			Status: "not_accepted", Decision: r[0], Signposted: r[1]}
		if r[0] == "" {
			d.Status, d.Decision = "withdrawn", ""
		}
		if err := tx.AddDemoReferral(d); err != nil {
			return err
		}
	}
	return nil
}

// demoAppointments are the appointments booked with parent slot i+1 of
// family f (the n-th): an open case's parent still taking part has their
// next fortnightly session booked, fourteen days after the last (a time
// and a way that vary from family to family; the first parent's at
// f.meetAt when it is given), and f.toRecord's parent a phone call two
// days before the load date with nothing recorded for it, on a day with
// no session.
func demoAppointments(f familySpec, i, n int, by, person int64, accepted, today, end time.Time) []store.DemoAppointment {
	if f.stage == family.Closed || f.stage == family.Referral || end.Before(eligibility.DateOf(today)) {
		return nil
	}
	next := accepted.AddDate(0, 0, 5+i)
	for !next.After(today) {
		next = next.AddDate(0, 0, 14)
	}
	times, modes := []string{"10:00", "14:30", "11:15"}, []string{"home", "office", "video"}
	a := casework.Appointment{PersonID: person, On: eligibility.DateOf(next), At: times[(n+i)%3], Mode: modes[(n+i)%3]}
	if i == 0 && f.meetAt != "" {
		a.Mode, a.Place = "office", f.meetAt
	}
	out := []store.DemoAppointment{{Appointment: a, By: by}}
	if f.toRecord == i+1 {
		// Sessions fall every fourteen days from accepted+5+i, as next
		// does: when two days back is one of them, the call was the day
		// before.
		past := eligibility.DateOf(today.AddDate(0, 0, -2))
		if d := eligibility.DateOf(next).Sub(past); d%(14*24*time.Hour) == 0 {
			past = past.AddDate(0, 0, -1)
		}
		out = append(out, store.DemoAppointment{Appointment: casework.Appointment{PersonID: person, On: past, At: "16:00", Mode: "phone"}, By: by})
	}
	return out
}
