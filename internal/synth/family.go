package synth

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/cradle-org/cradle/internal/casework"
	"github.com/cradle-org/cradle/internal/eligibility"
	"github.com/cradle-org/cradle/internal/family"
	"github.com/cradle-org/cradle/internal/referral"
	"github.com/cradle-org/cradle/internal/risk"
	"github.com/cradle-org/cradle/internal/safeguarding"
	"github.com/cradle-org/cradle/internal/timeline"
)

// People in a family are indexed: the two co-parents, the baby, then any
// other children. None means a record about nobody in particular.
const (
	Parent1 = 0
	Parent2 = 1
	Baby    = 2
	None    = -1
)

// Family is one synthetic family and its history. Staff fields index
// Generator.Staff; Area indexes Generator.Areas.
type Family struct {
	Area, Manager       int
	Stage               family.Stage
	EDD, ProgrammeStart time.Time
	Accepted            time.Time // zero while the referral is screened
	AssessmentDone      time.Time
	Closed              time.Time
	ClosureReason       string
	SafeguardingStatus  string // the latest of Statuses, or none
	Created, Updated    time.Time
	People              []family.Person // Parent1, Parent2, Baby, then other children
	Referral            Referral        // linked to the family once accepted
	Allocations         []Allocation
	Sessions            []Session
	Risks               []Risk
	MARAC               []MARAC
	ChildRisks          []ChildRisk
	SafetyPlans         []SafetyPlan
	Concerns            []Concern
	Measures            []Measure
	Statuses            []Status
	Departures          []Departure // a co-parent not taking part (People[Person].Active is false)
	Appointments        []Appointment
	Closure             *Closure
	Audit               []Event // what the history above left on the audit log, in time order
}

// Referral is a referral and how screening ended. Area is -1 for a family
// outside every funded area; DecidedBy is -1 while undecided.
type Referral struct {
	Area           int
	Received       time.Time
	Status         referral.Status
	Decision       string // a decline reason code, when not accepted
	DecisionReason string
	Signposted     string
	DecidedBy      int
	Decided        time.Time
	EDD            time.Time
	Content        referral.Referral
}

// Allocation is a practitioner working with a co-parent; Ended is zero for
// the current one.
type Allocation struct {
	Person, Staff, By int
	Started, Ended    time.Time
	EndReason         string
}

// Appointment is the next session booked with co-parent Person of an
// open family, by Staff (their practitioner) on Booked.
type Appointment struct {
	Person, Staff int
	On            time.Time // the day
	At, Mode      string
	Booked        time.Time
}

// Departure is a co-parent of an open family not taking part: left the
// programme after their last session, or (with no session at all) joining
// later from the family's acceptance. By is who recorded it.
type Departure struct {
	Person, By int
	On         time.Time
	Reason     string // a leaving reason, or casework.JoiningLater
}

// Session is a session with a co-parent, held or not.
type Session struct {
	Person, Staff                   int
	On, Recorded                    time.Time
	Minutes                         int
	Mode, Attendance, Module, Topic string
	Confidential                    bool
	Notes, Reason                   string
}

// Risk is a completed DASH risk assessment. Level uses the default
// thresholds; the store re-scores with the ones configured.
type Risk struct {
	Person, Staff int
	On            time.Time
	Assessment    risk.Assessment
	Yes           int
	Level         risk.Level
}

// MARAC is a referral to a multi-agency risk assessment conference.
type MARAC struct {
	Person, By            int
	On                    time.Time
	Area, Outcome, Action string
}

// ChildRisk is an assessment of risk to the baby and the other children
// (risk.ChildRisk), by a practitioner working with either co-parent. Child
// is whom it is about: Baby (only once born), another child's index into
// People, or None for the baby and all the other children. Its concerns
// and plan are read by both co-parents' practitioners, so they never hold
// either parent's confidential details.
type ChildRisk struct {
	Child, Staff   int
	On             time.Time
	Level          risk.Level // standard, medium or high
	Concerns, Plan string
}

// SafetyPlan is a co-parent's safety plan (one each at most), written after
// a DASH at medium or high risk and reviewed every three months or so while
// the family is in the programme. Sections are in store order: safe
// contacts, safe places, code words, escape plan, plan for the baby,
// technology safety. ReviewOn is the next review, due after the last.
type SafetyPlan struct {
	Person, Staff     int
	Created, ReviewOn time.Time
	Sections          [6]string
	Reviews           []PlanReview
}

// PlanReview is one review of a safety plan and what changed.
type PlanReview struct {
	By      int
	On      time.Time
	Changes string
}

// Concern is a safeguarding concern: open, decided, or closed with an
// outcome. DecidedBy is -1 while open.
type Concern struct {
	Person          int
	RaisedBy        int
	Raised, Due     time.Time
	ImmediateDanger bool
	AtRisk          safeguarding.AtRisk
	Details         string
	Status          string // open, decided, closed
	Decision        safeguarding.Decision
	Reasons         string
	DecidedBy       int
	Decided         time.Time
	Outcome         string
	ClosedAt        time.Time
	Alerted         []int // the staff alerted as it was raised, in Cradle and by email: every DSL (indexes into Staff)
}

// Measure is an outcome measure scored by package measure.
type Measure struct {
	Person                int
	Instrument, Timepoint string
	TakenOn               time.Time
	Raw, Score            float64
	NoScore               bool
	Band                  string
	Flagged, Alert        bool
	AgeMonths             int
	Detail                string // the answers or area scores as JSON, as the store keeps them
	By                    int
}

// Status is the family's safeguarding status from a date.
type Status struct {
	Status string
	From   time.Time
}

// Closure is how the case closed, with each co-parent's closing summary.
type Closure struct {
	Kind, Reason string
	On           time.Time
	By           int
	Summaries    [2]string
}

// details builds one family from its journey.
type details struct {
	g    *Generator
	rng  *rand.Rand
	s    skeleton
	last time.Time // the last day in the programme so far
	born time.Time // zero if the programme has not recorded a birth
	f    *Family
	n    int // the family's number in the whole dataset, for its random streams
}

func (g *Generator) family(i int) (Family, []Referral) {
	s := g.fams[i]
	n := g.cfg.Before.Families + i
	d := &details{g: g, rng: g.rng(streamFamily, n), s: s, last: g.lastDay(s), born: g.bornOn(s), n: n}
	f := Family{Area: s.area, Manager: s.manager, Stage: g.stageOf(s), EDD: s.edd, ProgrammeStart: eligibility.DateAtGestation(s.edd, 28, 0),
		Accepted: s.accepted, AssessmentDone: s.assessed, Closed: s.closed, ClosureReason: s.reason, SafeguardingStatus: "none"}
	d.f = &f
	f.Created = s.received.Add(2 * time.Hour)
	if !s.accepted.IsZero() {
		f.Created = s.decided
	}
	f.Updated = f.Created
	d.people()
	f.Referral = d.referralFor()
	var others []Referral
	if d.rng.Float64() < 3.0/7 { // three referrals in ten are not accepted
		others = append(others, d.otherReferral())
	}
	if s.accepted.IsZero() {
		return f, others
	}
	d.allocations()
	d.sessions()
	d.risks()
	d.safetyPlans()
	d.concerns()
	d.measures()
	d.statuses()
	d.childRisks()
	d.departures()
	d.appointments()
	if !s.closed.IsZero() {
		c := &Closure{Kind: s.closureKind, Reason: s.reason, On: s.closed, By: s.manager}
		for k := range 2 {
			c.Summaries[k] = pick(d.rng, closureSummaries[s.reason])
		}
		f.Closure = c
	}
	d.auditTrail()
	if up := d.last.Add(17 * time.Hour); up.After(f.Updated) {
		f.Updated = up
	}
	return f, others
}

// departures: in about one open family in twenty-five one co-parent is
// not taking part, as the reports' and caseloads' counts of parents who
// left or are joining later would find in a real programme. A parent with
// no session at all is joining later (from the acceptance); one with
// sessions left a few days after their last. Drawn from a stream of its
// own, so the rest of each family is as before.
func (d *details) departures() {
	if !d.s.closed.IsZero() {
		return
	}
	rng := d.g.rng(streamDepartures, d.n)
	if rng.Float64() >= 0.04 {
		return
	}
	k := rng.IntN(2)
	var last time.Time
	for _, s := range d.f.Sessions {
		if s.Person == k && s.On.After(last) {
			last = s.On
		}
	}
	dep := Departure{Person: k, By: d.practitioner(k, d.last), Reason: casework.JoiningLater, On: dateOf(d.s.accepted)}
	if !last.IsZero() {
		dep.Reason = choose(rng, []weighted{{"withdrew", 30}, {"disengaged", 35}, {"moved_out_of_area", 15}, {"not_suitable", 5}, {"safety_concern", 10}, {"other", 5}})
		dep.On = dateOf(last.AddDate(0, 0, 1+rng.IntN(10)))
		if dep.On.After(d.last) {
			dep.On = dateOf(d.last)
		}
	}
	d.f.People[k].Active = false
	d.f.Departures = append(d.f.Departures, dep)
}

// appointments: in an open family, each co-parent taking part who has a
// practitioner has their next session booked, one to fourteen days after
// the history's last day, booked by their practitioner after their last
// session (or in the week before, with none). Drawn from a stream of its
// own, so the rest of each family is as before.
func (d *details) appointments() {
	if !d.s.closed.IsZero() || d.s.accepted.IsZero() {
		return
	}
	rng := d.g.rng(streamAppointments, d.n)
	for k := range 2 {
		allocated := slices.ContainsFunc(d.f.Allocations, func(a Allocation) bool { return a.Person == k && a.Ended.IsZero() })
		if !d.f.People[k].Active || !allocated {
			continue
		}
		booked := d.last.AddDate(0, 0, -rng.IntN(7))
		for _, ses := range d.f.Sessions {
			if ses.Person == k && ses.On.After(booked) {
				booked = ses.On
			}
		}
		if booked.Before(d.s.allocated) {
			booked = d.s.allocated
		}
		d.f.Appointments = append(d.f.Appointments, Appointment{Person: k, Staff: d.s.prac[k],
			On:     dateOf(d.last.AddDate(0, 0, 2+rng.IntN(14))),
			At:     []string{"09:30", "10:00", "11:00", "13:30", "14:00", "15:30"}[rng.IntN(6)],
			Mode:   choose(rng, []weighted{{"home", 45}, {"office", 20}, {"video", 20}, {"phone", 15}}),
			Booked: dateOf(booked).Add(time.Duration(15*60+rng.IntN(120)) * time.Minute)})
	}
}

// practitioner is who worked with co-parent k on a day.
func (d *details) practitioner(k int, on time.Time) int {
	if d.s.prev[k] >= 0 && on.Before(d.s.switchOn[k]) {
		return d.s.prev[k]
	}
	return d.s.prac[k]
}

func background(rng *rand.Rand) string {
	total := 0
	for _, b := range backgroundWeights {
		total += b.weight
	}
	n := rng.IntN(total)
	for _, b := range backgroundWeights {
		if n < b.weight {
			return b.code
		}
		n -= b.weight
	}
	return "en"
}

// givenName picks a name of the background and sex (or either) most of
// the time, and from anywhere otherwise, as names are in the UK; sex "u"
// takes any name.
func (g *Generator) givenName(rng *rand.Rand, bg, sex string) string {
	list := g.names.given[bg]
	if rng.Float64() < 0.15 {
		list = g.names.allGiven
	}
	for range 50 {
		n := pick(rng, list)
		if sex == "u" || n.sex == sex || n.sex == "u" {
			return n.name
		}
	}
	return pick(rng, list).name
}

func (d *details) people() {
	g, rng, s := d.g, d.rng, d.s
	bg := [2]string{background(rng), ""}
	bg[1] = bg[0]
	if rng.Float64() < 0.25 {
		bg[1] = background(rng)
	}
	sex := [2]string{"f", "m"}
	if rng.Float64() < 0.04 {
		sex[1] = "f"
	}
	var surnames [2]string
	surnames[1] = pick(rng, g.names.familyNames(bg[1]))
	surnames[0] = pick(rng, g.names.familyNames(bg[0]))
	if bg[0] == bg[1] && rng.Float64() < 0.35 {
		surnames[0] = surnames[1]
	}
	exp := [2]family.Experience{
		family.Experience(choose(rng, []weighted{{"experiences", 72}, {"both", 15}, {"uses", 4}, {"not_known", 9}})),
		family.Experience(choose(rng, []weighted{{"uses", 72}, {"both", 15}, {"experiences", 4}, {"not_known", 9}})),
	}
	together := rng.Float64() < 0.4
	area := g.areas[s.area]
	var shared family.Confidential
	for k := range 2 {
		if s.assessed.IsZero() && rng.Float64() < 0.8 {
			exp[k] = family.NotKnown // recorded at assessment
		}
		age := [2]float64{27, 29}[k] + rng.NormFloat64()*[2]float64{5.5, 6.5}[k]
		age = math.Max(17, math.Min(48, age))
		dob := dateOf(s.received).AddDate(-int(age), 0, -rng.IntN(365))
		p := family.Person{Kind: family.Parent, ParentSlot: k + 1, GivenName: g.givenName(rng, bg[k], sex[k]), FamilyName: surnames[k],
			DateOfBirth: dob, Experience: exp[k], Active: true}
		p.Gender, p.Pronouns = "female", "she/her"
		if sex[k] == "m" {
			p.Gender, p.Pronouns = "male", "he/him"
		}
		if rng.Float64() < 0.02 {
			p.Gender, p.Pronouns = "non-binary", "they/them"
		}
		if rng.Float64() < 0.05 {
			p.KnownAs = g.givenName(rng, bg[k], sex[k])
		}
		c := family.Confidential{}
		switch {
		case (exp[k] == family.Experiences || exp[k] == family.Both) && rng.Float64() < 0.05:
			c.Address = "Address held by refuge: contact via practitioner"
			p.AddressConfidential = true
		case k == 1 && together && !d.f.People[0].AddressConfidential:
			c.Address, c.Postcode = shared.Address, shared.Postcode
		default:
			c.Address = d.address(area)
			c.Postcode = pick(rng, area.Districts) + " " + postcodeInward(rng)
		}
		if k == 0 {
			shared = c
		}
		if rng.Float64() < 0.92 {
			c.Phone = phone(rng)
		}
		if rng.Float64() < 0.55 {
			c.Email = emailOf(rng, p.GivenName, p.FamilyName)
		}
		if rng.Float64() < 0.75 {
			c.NHSNumber = nhsNumber(rng)
		}
		if exp[k] != family.Uses && rng.Float64() < 0.4 {
			c.SafeContact = pick(rng, safeContactNotes)
		}
		p.Confidential = &c
		d.f.People = append(d.f.People, p)
	}
	baby := family.Person{Kind: family.Baby, Active: true}
	if !d.born.IsZero() {
		bs := []string{"f", "m"}[rng.IntN(2)]
		baby.GivenName = g.givenName(rng, bg[rng.IntN(2)], bs)
		baby.FamilyName = surnames[rng.IntN(2)]
		baby.DateOfBirth = d.born
		baby.Gender = map[string]string{"f": "female", "m": "male"}[bs]
	}
	d.f.People = append(d.f.People, baby)
	children := 0
	switch r := rng.Float64(); {
	case r < 0.1:
		children = 2
	case r < 0.3:
		children = 1
	}
	for range children {
		h := 1
		if rng.Float64() < 0.3 {
			h = 2
		}
		cs := []string{"f", "m"}[rng.IntN(2)]
		d.f.People = append(d.f.People, family.Person{Kind: family.Child, Household: h, GivenName: g.givenName(rng, bg[h-1], cs),
			FamilyName: surnames[h-1], DateOfBirth: dateOf(s.received).AddDate(-1-rng.IntN(14), 0, -rng.IntN(365)), Active: true})
	}
}

func (d *details) address(a Area) string {
	addr := fmt.Sprintf("%d %s, %s", 1+d.rng.IntN(180), pick(d.rng, d.g.names.streets), a.Town)
	if d.rng.Float64() < 0.25 {
		addr = fmt.Sprintf("Flat %d, %s", 1+d.rng.IntN(30), addr)
	}
	return addr
}

func postcodeInward(rng *rand.Rand) string {
	const letters = "ABDEFGHJLNPQRSTUWXYZ" // the letters inward codes use
	return fmt.Sprintf("%d%c%c", rng.IntN(10), letters[rng.IntN(len(letters))], letters[rng.IntN(len(letters))])
}

// phone is a number from Ofcom's ranges kept for drama, so it can never
// reach a real person.
func phone(rng *rand.Rand) string {
	ranges := []string{"07700 900%03d", "01632 960%03d", "020 7946 0%03d", "0113 496 0%03d", "0114 496 0%03d", "0115 496 0%03d",
		"0116 496 0%03d", "0117 496 0%03d", "0118 496 0%03d", "0121 496 0%03d", "0131 496 0%03d", "0141 496 0%03d",
		"0151 496 0%03d", "0161 496 0%03d", "0191 498 0%03d", "028 9649 6%03d", "029 2018 0%03d"}
	return fmt.Sprintf(pick(rng, ranges), rng.IntN(1000))
}

func emailOf(rng *rand.Rand, given, familyName string) string {
	clean := func(s string) string {
		return strings.Map(func(r rune) rune {
			if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, strings.ToLower(s))
	}
	domain := []string{"example.com", "example.org", "example.net"}[rng.IntN(3)]
	return fmt.Sprintf("%s.%s%d@%s", clean(given), clean(familyName), rng.IntN(100), domain)
}

// nhsNumber is a valid number (modulus 11 check digit) in the 999 range
// the NHS keeps for testing.
func nhsNumber(rng *rand.Rand) string {
	for {
		digits := fmt.Sprintf("999%06d", rng.IntN(1_000_000))
		sum := 0
		for i, c := range digits {
			sum += int(c-'0') * (10 - i)
		}
		check := 11 - sum%11
		if check == 11 {
			check = 0
		}
		if check == 10 {
			continue // no valid number with these digits
		}
		return fmt.Sprintf("%s %s %s%d", digits[:3], digits[3:6], digits[6:], check)
	}
}

func (d *details) referralFor() Referral {
	s, rng := d.s, d.rng
	r := Referral{Area: s.area, Received: s.received, EDD: s.edd, DecidedBy: -1, Content: d.content(d.f.People[0], d.f.People[1], s.edd)}
	if s.accepted.IsZero() {
		r.Status = referral.Screening
		if rng.Float64() < 0.3 {
			r.Status = referral.New
		}
		return r
	}
	r.Status, r.DecidedBy, r.Decided = referral.Accepted, s.manager, s.decided
	r.DecisionReason = "Meets the programme's criteria and both parents want to take part"
	return r
}

// content is what the referrer said: the referral as stored, sealed.
func (d *details) content(p1, p2 family.Person, edd time.Time) referral.Referral {
	rng := d.rng
	parent := func(p family.Person) referral.Parent {
		rp := referral.Parent{GivenName: p.GivenName, FamilyName: p.FamilyName, Consent: "yes"}
		if !p.DateOfBirth.IsZero() {
			rp.DateOfBirth = p.DateOfBirth.Format(time.DateOnly)
		}
		if c := p.Confidential; c != nil {
			rp.Phone, rp.Email, rp.Address, rp.Postcode, rp.NHSNumber = c.Phone, c.Email, c.Address, c.Postcode, c.NHSNumber
		}
		return rp
	}
	c := referral.Referral{Parent1: parent(p1), Parent2: parent(p2), DueDate: edd.Format(time.DateOnly), Relationship: "intimate_relationship",
		AbuseKnown: pick(rng, abuseKnown), SafeguardingStatus: choose(rng, []weighted{{"none", 60}, {"child_in_need", 20}, {"child_protection_plan", 12}, {"unborn_baby_assessment", 8}}),
		BothWantToCoParent: "yes", BothWantBestStart: "yes", Area: postcodeOf(p1)}
	if rng.Float64() < 0.22 {
		c.Source = referral.Self
		c.SafeContact = &referral.SafeContact{SafeToContact: "yes", Number: p1.Confidential.Phone, Times: "Weekdays after 10am", LeaveMessage: "no"}
		return c
	}
	c.Source = referral.Professional
	role := choose(rng, []weighted{{"midwife", 30}, {"social_worker", 30}, {"health_visitor", 14}, {"gp", 8}, {"police", 8}, {"housing", 4}, {"other", 6}})
	given := d.g.givenName(rng, background(rng), "u")
	surname := pick(rng, d.g.names.allFamily)
	c.Referrer = referral.Referrer{Name: given + " " + surname, Role: role, Organisation: referrerOrganisations[role],
		Email: emailOf(rng, given, surname)}
	return c
}

func postcodeOf(p family.Person) string {
	if p.Confidential != nil && p.Confidential.Postcode != "" {
		return p.Confidential.Postcode
	}
	return ""
}

// otherReferral is a referral made about the same time as the family's
// that did not become a family: most not accepted, some withdrawn, the
// newest still being screened.
func (d *details) otherReferral() Referral {
	g, rng, s := d.g, d.rng, d.s
	begin := g.today.AddDate(-Years, 0, 0)
	day := dateOf(s.received).AddDate(0, 0, rng.IntN(121)-60)
	if day.Before(begin) {
		day = begin
	}
	if !day.Before(g.today) {
		day = g.today.AddDate(0, 0, -1)
	}
	r := Referral{Area: s.area, Received: day.Add(time.Duration(8*60+rng.IntN(10*60)) * time.Minute), DecidedBy: -1}
	if rng.Float64() < 0.2 {
		r.Area = -1 // from outside every funded area
	}
	r.EDD = day.AddDate(0, 0, 280-(12*7+rng.IntN(24*7)))
	p1 := family.Person{GivenName: g.givenName(rng, background(rng), "f"), FamilyName: pick(rng, g.names.allFamily), Confidential: &family.Confidential{Phone: phone(rng)}}
	p2 := family.Person{GivenName: g.givenName(rng, background(rng), "m"), FamilyName: pick(rng, g.names.allFamily)}
	r.Content = d.content(p1, p2, r.EDD)
	decided := day.AddDate(0, 0, 1+min(int(rng.ExpFloat64()*4), 20))
	if !decided.Before(g.today) {
		r.Status = referral.Status(choose(rng, []weighted{{"new", 40}, {"screening", 40}, {"awaiting_information", 20}}))
		return r
	}
	r.DecidedBy, r.Decided = s.manager, decided.Add(time.Duration(10*60+rng.IntN(6*60))*time.Minute)
	if rng.Float64() < 0.1 {
		r.Status, r.DecisionReason = referral.Withdrawn, "The parents asked to withdraw the referral"
		return r
	}
	r.Status = referral.NotAccepted
	r.Decision = "not_funded_area"
	if r.Area >= 0 {
		r.Decision = choose(rng, []weighted{{"gestation", 22}, {"baby_born", 10}, {"no_domestic_abuse", 10}, {"not_both_parents", 20},
			{"no_consent", 12}, {"not_connected", 5}, {"under_16", 2}, {"safety", 9}, {"other", 5}, {"not_funded_area", 5}})
	}
	r.DecisionReason = referral.DeclineReasonLabel(r.Decision)
	r.Signposted = pick(rng, signposting)
	return r
}

func (d *details) allocations() {
	s := d.s
	for k := range 2 {
		start := s.allocated.Add(11 * time.Hour)
		if s.prev[k] >= 0 {
			switched := s.switchOn[k].Add(11 * time.Hour)
			d.f.Allocations = append(d.f.Allocations, Allocation{Person: k, Staff: s.prev[k], By: s.manager, Started: start, Ended: switched, EndReason: "reallocated"})
			start = switched
		}
		d.f.Allocations = append(d.f.Allocations, Allocation{Person: k, Staff: s.prac[k], By: s.manager, Started: start})
	}
}

// sessions: each co-parent sees their practitioner every two to four
// weeks from first contact, missing some; the content follows the phase.
func (d *details) sessions() {
	rng, s := d.rng, d.s
	for k := range 2 {
		every := []int{14, 21, 21, 28, 35, 42}[rng.IntN(6)]
		missRate := 0.1 + rng.Float64()*0.25
		on := s.allocated.AddDate(0, 0, 3+rng.IntN(8))
		for !on.After(d.last) {
			ses := Session{Person: k, Staff: d.practitioner(k, on), On: on, Recorded: on.Add(time.Duration(13*60+rng.IntN(5*60)) * time.Minute),
				Minutes: []int{45, 60, 60, 60, 75, 90}[rng.IntN(6)], Mode: choose(rng, []weighted{{"home", 45}, {"office", 20}, {"video", 20}, {"phone", 15}}),
				Attendance: "attended"}
			if rng.Float64() < missRate {
				ses.Attendance = choose(rng, []weighted{{"did_not_attend", 45}, {"cancelled_by_parent", 40}, {"cancelled_by_practitioner", 15}})
				ses.Reason = pick(rng, missedReasons)
			}
			switch m := d.module(on); {
			case s.assessed.IsZero() || on.Before(s.assessed):
				ses.Topic = "Assessment"
			case m != nil:
				ses.Module, ses.Topic = m.Key, m.Label
			}
			if ses.Attendance == "attended" {
				ses.Notes = ses.Topic + ": " + pick(rng, sessionEngagement) + "."
				ses.Confidential = rng.Float64() < 0.08
			}
			d.f.Sessions = append(d.f.Sessions, ses)
			on = on.AddDate(0, 0, max(5, every+rng.IntN(7)-3))
		}
	}
}

// module is what the programme works on at a date: antenatal content
// before the birth, postnatal after, the ending in the last two months.
func (d *details) module(on time.Time) *timeline.Module {
	phase, ending := timeline.PhaseOn(d.g.tl, on, d.born)
	if ending {
		for i := range d.g.tl.Modules {
			if d.g.tl.Modules[i].Key == "ending" {
				return &d.g.tl.Modules[i]
			}
		}
	}
	var fits []int
	for i, m := range d.g.tl.Modules {
		if (m.Phase == phase || m.Phase == timeline.PhaseAny) && m.Key != "ending" {
			fits = append(fits, i)
		}
	}
	if len(fits) == 0 {
		return nil
	}
	return &d.g.tl.Modules[pick(d.rng, fits)]
}

// risks: a DASH for each co-parent who experiences abuse, first during
// assessment and then every three to five months, the risk mostly easing.
func (d *details) risks() {
	rng, s := d.rng, d.s
	for k := range 2 {
		p := d.f.People[k]
		if p.Experience == family.Uses || (p.Experience == family.NotKnown && rng.Float64() < 0.5) {
			continue
		}
		yes := choose(rng, []weighted{{"low", 55}, {"medium", 28}, {"high", 17}})
		n := map[string]int{"low": 2 + rng.IntN(8), "medium": 10 + rng.IntN(4), "high": 14 + rng.IntN(7)}[yes]
		var lastMARAC time.Time
		for on := s.accepted.AddDate(0, 0, 5+rng.IntN(20)); !on.After(d.last); on = on.AddDate(0, 0, 100+rng.IntN(100)) {
			a := risk.Assessment{Answers: make(map[int]risk.Answer, risk.NumQuestions)}
			perm := rng.Perm(risk.NumQuestions)
			unknown := rng.IntN(3)
			for i, q := range perm {
				switch {
				case i < n:
					a.Answers[q+1] = risk.Yes
				case i < n+unknown:
					a.Answers[q+1] = risk.NotKnown
				default:
					a.Answers[q+1] = risk.No
				}
			}
			a.ParentView = pick(rng, parentViews)
			res, err := risk.Score(risk.DefaultThresholds(), a)
			if err == nil && res.Level != risk.High && rng.Float64() < 0.05 {
				a.JudgedLevel = risk.High
				a.JudgementReason = pick(rng, judgementReasons)
				res, err = risk.Score(risk.DefaultThresholds(), a)
			}
			if err != nil {
				panic("synth: a generated DASH does not score: " + err.Error())
			}
			staff := d.practitioner(k, on)
			d.f.Risks = append(d.f.Risks, Risk{Person: k, Staff: staff, On: on, Assessment: a, Yes: res.Yes, Level: res.Level})
			if res.Level == risk.High && rng.Float64() < 0.6 && (lastMARAC.IsZero() || on.Sub(lastMARAC) > 365*24*time.Hour) {
				ref := on.AddDate(0, 0, rng.IntN(6))
				if !ref.After(d.last) {
					d.f.MARAC = append(d.f.MARAC, MARAC{Person: k, By: staff, On: ref, Area: d.g.areas[s.area].Name,
						Outcome: "Heard at MARAC; actions agreed", Action: pick(rng, maracActions)})
					lastMARAC = ref
				}
			}
			n = max(0, n-rng.IntN(4)+1)
		}
	}
}

// safetyPlans: a plan for each co-parent whose DASH was at medium or high
// risk, written within a week of the first such assessment and reviewed
// every 75 to 120 days up to the family's last day (so an open family's
// next review may already be overdue, as in life). Drawn from the family's
// own plans stream, so adding plans changed nothing else a seed makes.
func (d *details) safetyPlans() {
	rng := d.g.rng(streamPlans, d.n)
	for k := range 2 {
		first := -1
		for i, r := range d.f.Risks {
			if r.Person == k && (r.Level == risk.Medium || r.Level == risk.High) {
				first = i
				break
			}
		}
		if first < 0 {
			continue
		}
		r := d.f.Risks[first]
		on := r.On.AddDate(0, 0, rng.IntN(7))
		if on.After(d.last) {
			continue
		}
		p := SafetyPlan{Person: k, Staff: r.Staff, Created: on}
		for i, texts := range safetyPlanTexts {
			p.Sections[i] = pick(rng, texts)
		}
		last := on
		for next := on.AddDate(0, 0, 75+rng.IntN(46)); !next.After(d.last); next = next.AddDate(0, 0, 75+rng.IntN(46)) {
			p.Reviews = append(p.Reviews, PlanReview{By: d.practitioner(k, next), On: next, Changes: pick(rng, planChanges)})
			last = next
		}
		p.ReviewOn = last.AddDate(0, 0, 90)
		d.f.SafetyPlans = append(d.f.SafetyPlans, p)
	}
}

// concerns: about 1.3 a year while the family is open, due by the end of
// the working day, decided by a DSL (mostly in time), then closed with an
// outcome; a few of the newest are still open.
func (d *details) concerns() {
	g, rng, s := d.g, d.rng, d.s
	years := d.last.Sub(s.accepted).Hours() / 24 / 365.25
	n := poisson(rng, 1.3*years)
	now := g.today
	for range n {
		day := s.accepted.AddDate(0, 0, rng.IntN(int(d.last.Sub(s.accepted).Hours()/24)+1))
		minute := 9*60 + rng.IntN(8*60)
		if rng.Float64() < 0.15 {
			minute = 17*60 + rng.IntN(5*60) // after hours
		}
		raised := day.Add(time.Duration(minute) * time.Minute)
		if !raised.Before(now) {
			continue
		}
		c := Concern{Raised: raised, Due: g.wt.DecisionDue(raised), ImmediateDanger: rng.Float64() < 0.05, Details: pick(rng, concernDetails), DecidedBy: -1, Status: "open",
			Alerted: g.dsls}
		c.AtRisk = safeguarding.AtRisk(choose(rng, []weighted{{"baby", 40}, {"parent", 35}, {"child", 15}, {"other", 10}}))
		who := rng.IntN(2)
		switch c.AtRisk {
		case safeguarding.AtRiskParent:
			c.Person = who
		case safeguarding.AtRiskBaby:
			c.Person = Baby
		case safeguarding.AtRiskChild:
			c.Person = None
			if len(d.f.People) > 3 {
				c.Person = 3 + rng.IntN(len(d.f.People)-3)
			}
		default:
			c.Person = None
		}
		c.RaisedBy = d.practitioner(who, day)
		// Most decisions come well before the deadline; some are late.
		var decided time.Time
		if rng.Float64() < 0.88 {
			window := max(c.Due.Sub(raised), time.Hour)
			decided = raised.Add(time.Duration(rng.Int64N(int64(window))))
		} else {
			decided = c.Due.Add(time.Duration(1+rng.IntN(47)) * time.Hour)
		}
		// A few of the last days' concerns still await a decision (some
		// overdue, so the escalation schedule has work to do).
		if !decided.Before(now) || (now.Sub(raised) < 5*24*time.Hour && rng.Float64() < 0.3) {
			d.f.Concerns = append(d.f.Concerns, c)
			continue
		}
		c.Decision = safeguarding.Decision(choose(rng, []weighted{{"advice", 35}, {"csc_referral", 20}, {"no_further_action", 20}, {"police", 12}, {"marac", 10}, {"lado", 3}}))
		c.Reasons = pick(rng, concernReasons[string(c.Decision)])
		c.DecidedBy, c.Decided, c.Status = pick(rng, g.dsls), decided, "decided"
		if closed := decided.Add(time.Duration(24+rng.IntN(14*24)) * time.Hour); closed.Before(now) {
			c.Status, c.ClosedAt, c.Outcome = "closed", closed, pick(rng, concernOutcomes)
		}
		d.f.Concerns = append(d.f.Concerns, c)
	}
}

// statuses: three families in ten are known to children's social care at
// acceptance; most step down over time, some step up.
func (d *details) statuses() {
	rng, s := d.rng, d.s
	if rng.Float64() >= 0.3 {
		return
	}
	order := []string{"none", "child_in_need", "child_protection_plan", "looked_after"}
	i := map[string]int{"child_in_need": 1, "child_protection_plan": 2, "looked_after": 3}[choose(rng,
		[]weighted{{"child_in_need", 55}, {"child_protection_plan", 40}, {"looked_after", 5}})]
	for on := s.accepted; !on.After(d.last); on = on.AddDate(0, 0, 120+rng.IntN(150)) {
		d.f.Statuses = append(d.f.Statuses, Status{Status: order[i], From: on})
		d.f.SafeguardingStatus = order[i]
		next := i
		switch r := rng.Float64(); {
		case r < 0.55:
			next = max(0, i-1)
		case r < 0.7:
			next = min(len(order)-1, i+1)
		}
		if i == 0 || next == i {
			break // stepped down to nothing, or settled
		}
		i = next
	}
}

// childRisks: the practitioners' assessments of risk to the baby and the
// other children. A family whose DASH put a co-parent at medium or high risk
// during assessment usually has one then, about all the children; one known
// to children's social care often has one anyway, the others sometimes. It
// is reassessed after a later DASH at high risk, a safeguarding concern about
// the baby or another child, or, now and then, a few weeks after the birth:
// at most three, none within four weeks of the last, none before acceptance
// or after the family's last day. Before the birth one is about all the
// children (the unborn baby among them), never the baby alone. Drawn from
// the family's own stream, so adding them changed nothing else a seed makes.
func (d *details) childRisks() {
	rng, s, f := d.g.rng(streamChildRisks, d.n), d.s, d.f
	type trigger struct {
		on    time.Time
		why   string // assessment, dash, concern or birth
		level risk.Level
		child int
		staff int
		grave bool // a concern of immediate danger
	}
	var ts []trigger
	// At assessment: the first DASH at medium or high risk, if it came
	// before the assessment was done.
	done := s.assessed
	if done.IsZero() {
		done = d.last
	}
	first := -1
	for i, r := range f.Risks {
		if (r.Level == risk.Medium || r.Level == risk.High) && !r.On.After(done) && (first < 0 || r.On.Before(f.Risks[first].On)) {
			first = i
		}
	}
	if first >= 0 {
		r := f.Risks[first]
		if rng.Float64() < 0.85 {
			on := r.On.AddDate(0, 0, rng.IntN(10))
			ts = append(ts, trigger{on: on, why: "dash", level: r.Level, child: None, staff: d.practitioner(r.Person, on)})
		}
	} else {
		p := 0.15
		if len(f.Statuses) > 0 { // known to children's social care
			p = 0.6
		}
		if rng.Float64() < p {
			on := s.accepted.AddDate(0, 0, 10+rng.IntN(30))
			if !s.assessed.IsZero() && on.After(s.assessed) {
				on = s.assessed
			}
			ts = append(ts, trigger{on: on, why: "assessment", child: None, staff: d.practitioner(rng.IntN(2), on)})
		}
	}
	// Later: a DASH at high risk (after the first's), a concern about a child.
	for i, r := range f.Risks {
		if r.Level == risk.High && (first < 0 || r.On.After(f.Risks[first].On)) && i != first && rng.Float64() < 0.45 {
			on := r.On.AddDate(0, 0, rng.IntN(8))
			ts = append(ts, trigger{on: on, why: "dash", level: r.Level, child: None, staff: d.practitioner(r.Person, on)})
		}
	}
	for _, c := range f.Concerns {
		if (c.AtRisk != safeguarding.AtRiskBaby && c.AtRisk != safeguarding.AtRiskChild) || rng.Float64() >= 0.4 {
			continue
		}
		on := dateOf(c.Raised).AddDate(0, 0, 1+rng.IntN(5))
		child := c.Person
		if child == Baby && (d.born.IsZero() || on.Before(d.born)) {
			child = None // about the unborn baby: all the children
		}
		ts = append(ts, trigger{on: on, why: "concern", child: child, staff: d.practitioner(rng.IntN(2), on), grave: c.ImmediateDanger})
	}
	// A review of the baby a few weeks after the birth, if the children
	// were assessed before it.
	if !d.born.IsZero() && rng.Float64() < 0.3 {
		on := d.born.AddDate(0, 0, 21+rng.IntN(29))
		ts = append(ts, trigger{on: on, why: "birth", child: Baby, staff: d.practitioner(rng.IntN(2), on)})
	}
	slices.SortStableFunc(ts, func(a, b trigger) int { return a.on.Compare(b.on) })
	var prev time.Time
	add := func(t trigger) {
		if t.why == "birth" && len(f.ChildRisks) == 0 {
			return
		}
		if len(f.ChildRisks) >= 3 || t.on.Before(s.accepted) || t.on.After(d.last) || (!prev.IsZero() && t.on.Before(prev.AddDate(0, 0, 28))) {
			return
		}
		var level risk.Level
		var last risk.Level
		if n := len(f.ChildRisks); n > 0 {
			last = f.ChildRisks[n-1].Level
		}
		switch {
		case t.why == "dash" && t.level == risk.High:
			level = risk.Level(choose(rng, []weighted{{"high", 55}, {"medium", 35}, {"standard", 10}}))
		case t.why == "dash":
			level = risk.Level(choose(rng, []weighted{{"medium", 55}, {"standard", 30}, {"high", 15}}))
		case t.why == "concern" && t.grave:
			level = risk.High
		case t.why == "concern":
			level = risk.Level(choose(rng, []weighted{{"medium", 45}, {"high", 30}, {"standard", 25}}))
		case t.why == "birth" && last == risk.High:
			level = risk.Level(choose(rng, []weighted{{"high", 40}, {"medium", 50}, {"standard", 10}}))
		case t.why == "birth" && last == risk.Medium:
			level = risk.Level(choose(rng, []weighted{{"medium", 45}, {"standard", 50}, {"high", 5}}))
		case t.why == "birth":
			level = risk.Level(choose(rng, []weighted{{"standard", 85}, {"medium", 15}}))
		case d.statusOn(t.on) == "child_protection_plan" || d.statusOn(t.on) == "looked_after":
			level = risk.Level(choose(rng, []weighted{{"medium", 50}, {"high", 35}, {"standard", 15}}))
		default:
			level = risk.Level(choose(rng, []weighted{{"standard", 70}, {"medium", 25}, {"high", 5}}))
		}
		about := "unborn" // whose words: all the children before the birth, no other child
		switch {
		case t.child == Baby:
			about = "baby"
		case t.child > Baby:
			about = "child"
		case len(f.People) > 3:
			about = "all"
		case !d.born.IsZero() && !t.on.Before(d.born):
			about = "baby"
		}
		f.ChildRisks = append(f.ChildRisks, ChildRisk{Child: t.child, Staff: t.staff, On: t.on, Level: level,
			Concerns: pick(rng, childRiskConcerns[about]), Plan: pick(rng, childRiskPlans[level])})
		prev = t.on
	}
	for _, t := range ts {
		add(t)
	}
}

// statusOn is the family's safeguarding status on a day.
func (d *details) statusOn(on time.Time) string {
	status := "none"
	for _, s := range d.f.Statuses {
		if !s.From.After(on) {
			status = s.Status
		}
	}
	return status
}

// poisson draws a count with mean lambda (Knuth's method: lambda is small).
func poisson(rng *rand.Rand, lambda float64) int {
	l, k, p := math.Exp(-lambda), 0, 1.0
	for {
		p *= rng.Float64()
		if p <= l {
			return k
		}
		k++
	}
}
