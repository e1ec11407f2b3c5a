// Package synth generates a synthetic, realistic dataset of the size one
// deployment would hold after serving a whole country's programme for a
// decade, so that Cradle can be measured against it (cradle bench seed).
//
// Everything is made up: people are random pairings of common names from an
// embedded list (names.txt), addresses put random house numbers on common
// street names, phone numbers come from Ofcom's ranges reserved for drama,
// NHS numbers from the 999 range the NHS keeps for testing, and email
// addresses use the reserved example domains. Nothing describes a real
// person, so the data can be shared and thrown away freely.
//
// Families arrive over ten years (more each year, as a programme grows),
// are screened, accepted or not, assessed, have their baby, and are closed
// at the baby's second birthday or earlier, so every stage is present
// today. Stages and outcome-measure timepoints come from the real
// programme timeline (package timeline), measures are scored by the real
// instruments (package measure), DASH levels by package risk and
// safeguarding decision deadlines by package safeguarding, so derived
// figures are what the application itself would have recorded.
// Practitioners are allocated as a team manager would: each new family's
// co-parents go to the two least-loaded practitioners of the area, so
// caseloads stay near twenty open parents each.
//
// The package is pure: no I/O, no database, no clock. The same Config
// gives the same data on every machine: randomness comes from math/rand/v2
// PCG sources keyed by the seed, the run and the area or family, so a
// family's details do not depend on how the output is batched.
package synth

import (
	"container/heap"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/cradle-org/cradle/internal/credential"
	"github.com/cradle-org/cradle/internal/family"
	"github.com/cradle-org/cradle/internal/measure"
	"github.com/cradle-org/cradle/internal/safeguarding"
	"github.com/cradle-org/cradle/internal/timeline"
)

// The dataset's shape and its accounts' sign-in details.
const (
	// Password is every synthetic account's password. It is public: the
	// accounts exist only in benchmark databases.
	Password = "bench-cradle-password" // #nosec G101 -- public by design, as said above
	// EmailDomain is the (reserved, undeliverable) domain of staff emails.
	EmailDomain = "bench.cradle.example"
	// MaxFamilies bounds one run, to keep references within six digits a year.
	MaxFamilies = 1_000_000
	// Years of history before Today.
	Years = 10
	// FamiliesPerArea sets how many areas a run creates (at least one).
	FamiliesPerArea = 1000
	// CaseloadTarget is the number of open parents per practitioner today.
	CaseloadTarget = 20
)

// Roles lists staff roles in the order accounts are made and listed.
func Roles() []string { return []string{"practitioner", "team_manager", "dsl", "admin", "analyst"} }

// Email is the sign-in email of the n-th (from 1) synthetic account of a
// role: Email("practitioner", 1) is prac-0001@bench.cradle.example.
func Email(role string, n int) string {
	prefix := role
	switch role {
	case "practitioner":
		prefix = "prac"
	case "team_manager":
		prefix = "tm"
	}
	return fmt.Sprintf("%s-%04d@%s", prefix, n, EmailDomain)
}

// TOTPSecret is every synthetic account's authenticator secret. One secret
// for all keeps a load generator simple; each account still refuses a code
// it has already accepted.
func TOTPSecret() string { return credential.DeterministicTOTPSecret("cradle-bench-synthetic") }

// Credential is one synthetic sign-in.
type Credential struct {
	Email      string `json:"email"`
	Role       string `json:"role"`
	Password   string `json:"password"`
	TOTPSecret string `json:"totp_secret"`
}

// Credentials lists every synthetic account that counts say exist.
func Credentials(c Counts) []Credential {
	var out []Credential
	secret := TOTPSecret()
	for _, role := range Roles() {
		for n := 1; n <= c.Staff[role]; n++ {
			out = append(out, Credential{Email: Email(role, n), Role: role, Password: Password, TOTPSecret: secret})
		}
	}
	return out
}

// Run is one seeding of a database.
type Run struct {
	Seed     uint64 `json:"seed"`
	Families int    `json:"families"`
	Today    string `json:"today"` // YYYY-MM-DD
}

// Counts is what a database's synthetic data amounts to, kept with it (the
// synthetic-data marker) so that a later run numbers its areas and
// accounts after the earlier ones.
type Counts struct {
	Families int            `json:"families"`
	Areas    int            `json:"areas"`
	Staff    map[string]int `json:"staff"` // accounts by role
	Runs     []Run          `json:"runs"`
}

// Clone is a deep copy.
func (c Counts) Clone() Counts {
	out := c
	out.Staff = make(map[string]int, len(c.Staff))
	for k, v := range c.Staff {
		out.Staff[k] = v
	}
	out.Runs = slices.Clone(c.Runs)
	return out
}

// Config says what to generate.
type Config struct {
	Families int       // families in this run, 1 to MaxFamilies
	Seed     uint64    // the same seed gives the same data
	Today    time.Time // history runs up to the day before this date
	// Before is what earlier runs put in the database (zero for an empty
	// one); this run's areas, accounts and random streams follow on.
	Before Counts
}

// Area is a funded area with one team and one team manager.
type Area struct {
	Name, LocalAuthority string
	Town                 string   // the place, for addresses ("Leeds" for "Leeds North")
	Districts            []string // postcode districts, for addresses
}

// Staff is a synthetic account. Area indexes Generator.Areas.
type Staff struct {
	Email, Name, Role, JobTitle string
	Area                        int
}

// skeleton is a family's journey, decided when its area is planned
// because allocation needs every family's dates; details come later.
type skeleton struct {
	area                int
	received, decided   time.Time // decided: zero while screening
	edd, born           time.Time // born: when the baby arrives (recorded only if before today and any closure)
	accepted, allocated time.Time
	assessed, closed    time.Time // zero: not yet
	closureKind, reason string
	prac, prev          [2]int // staff indexes; prev -1 without a reallocation
	switchOn            [2]time.Time
	manager             int
}

// Generator produces one run's data. It is not safe for concurrent use.
type Generator struct {
	cfg   Config
	today time.Time
	run   int
	names *nameLists
	tl    timeline.Config
	wt    safeguarding.WorkingTime
	// instruments by key, read-only once made
	instruments map[string]measure.Instrument
	areas       []Area
	staff       []Staff
	dsls        []int
	numbered    map[string]int // accounts made so far this run, by role
	fams        []skeleton
	next        int
}

// New plans a run: its areas, its staff, and every family's journey.
func New(cfg Config) (*Generator, error) {
	switch {
	case cfg.Families < 1 || cfg.Families > MaxFamilies:
		return nil, fmt.Errorf("synth: families must be between 1 and %d, not %d", MaxFamilies, cfg.Families)
	case cfg.Today.IsZero():
		return nil, errors.New("synth: no date to build the history up to")
	}
	names, err := lists()
	if err != nil {
		return nil, err
	}
	tl, err := timeline.DefaultConfig()
	if err != nil {
		return nil, err
	}
	wt, err := safeguarding.DefaultWorkingTime()
	if err != nil {
		return nil, err
	}
	g := &Generator{cfg: cfg, today: dateOf(cfg.Today), run: len(cfg.Before.Runs), names: names, tl: tl, wt: wt,
		numbered: map[string]int{}, instruments: map[string]measure.Instrument{}}
	for _, in := range measure.Builtin() {
		g.instruments[in.Key] = in
	}
	nAreas := max(1, (cfg.Families+FamiliesPerArea/2)/FamiliesPerArea)
	for a := range nAreas {
		n := cfg.Families / nAreas
		if a < cfg.Families%nAreas {
			n++
		}
		g.planArea(a, n)
	}
	// Roles that work across areas: a DSL for every ten areas, an
	// administrator and an analyst for every twenty-five.
	rng := g.rng(streamOrg, 0)
	for _, r := range []struct {
		role, title string
		n           int
	}{
		{"dsl", "Designated safeguarding lead", (nAreas + 9) / 10},
		{"admin", "Systems administrator", (nAreas + 24) / 25},
		{"analyst", "Evaluation analyst", (nAreas + 24) / 25},
	} {
		for k := range r.n {
			idx := g.addStaff(rng, r.role, r.title, (k*10)%nAreas)
			if r.role == "dsl" {
				g.dsls = append(g.dsls, idx)
			}
		}
	}
	return g, nil
}

// Random streams: each area's plan and each family's details have their
// own, so neither depends on the order or batching of the others.
const (
	streamOrg uint64 = iota + 1
	streamArea
	streamFamily
	streamPlans        // each family's safety plans: added later, so drawn apart and the rest of a family is as before
	streamAudit        // each family's audit trail, likewise
	streamChildRisks   // each family's assessments of risk to the children, likewise
	streamDepartures   // each open family's co-parent not taking part, likewise
	streamAppointments // each open family's co-parents' next sessions booked, likewise
)

func (g *Generator) rng(stream uint64, index int) *rand.Rand {
	// #nosec G404 G115 -- synthetic benchmark data must repeat for a seed, which is what math/rand is for (no secret comes from it); run and index count up from 0
	return rand.New(rand.NewPCG(g.cfg.Seed, stream<<56|uint64(g.run)<<36|uint64(index)))
}

// Areas are the areas this run creates, in order.
func (g *Generator) Areas() []Area { return g.areas }

// Staff are the accounts this run creates, in order.
func (g *Generator) Staff() []Staff { return g.staff }

// Families is how many families this run makes.
func (g *Generator) Families() int { return len(g.fams) }

// Config is the run's configuration.
func (g *Generator) Config() Config { return g.cfg }

// Counts is what the database holds after this run's first done families:
// the marker to store with them.
func (g *Generator) Counts(done int) Counts {
	c := g.cfg.Before.Clone()
	c.Families += done
	c.Areas += len(g.areas)
	for _, s := range g.staff {
		c.Staff[s.Role]++
	}
	c.Runs = append(c.Runs, Run{Seed: g.cfg.Seed, Families: done, Today: g.today.Format(time.DateOnly)})
	return c
}

// Batch is the next piece of a run: families with their histories, and
// referrals that did not (or not yet) become a family.
type Batch struct {
	First     int // index in the run of the first family
	Families  []Family
	Referrals []Referral
}

// Next returns up to n more families; an empty batch means the run is done.
func (g *Generator) Next(n int) Batch {
	b := Batch{First: g.next}
	for ; n > 0 && g.next < len(g.fams); n-- {
		f, others := g.family(g.next)
		b.Families = append(b.Families, f)
		b.Referrals = append(b.Referrals, others...)
		g.next++
	}
	return b
}

// planArea makes an area, its families' journeys, its team manager and
// enough practitioners for today's open families, and allocates them.
func (g *Generator) planArea(a, n int) {
	rng := g.rng(streamArea, a)
	global := g.cfg.Before.Areas + a
	p := g.names.places[global%len(g.names.places)]
	name := p.name
	if round := global / len(g.names.places); round > 0 {
		suffixes := []string{"North", "South", "East", "West", "Central"}
		if round <= len(suffixes) {
			name += " " + suffixes[round-1] // #nosec G602 -- round is 1..len(suffixes) here
		} else {
			name += fmt.Sprintf(" %d", round+1)
		}
	}
	g.areas = append(g.areas, Area{Name: name, LocalAuthority: p.authority, Town: p.name, Districts: p.districts})
	manager := g.addStaff(rng, "team_manager", "Team manager", a)

	start := len(g.fams)
	for range n {
		s := g.journey(rng)
		s.area, s.manager = a, manager
		s.prac, s.prev = [2]int{-1, -1}, [2]int{-1, -1}
		g.fams = append(g.fams, s)
	}
	// Families come out area by area, each area's in the order referred.
	// Keeping an area together keeps a batch's rows near each other in the
	// indexes on staff and area (measured: a fifth faster to load at
	// national scale than all areas in date order).
	fams := g.fams[start:]
	slices.SortStableFunc(fams, func(x, y skeleton) int { return x.received.Compare(y.received) })
	open := 0
	for _, s := range fams {
		if !s.accepted.IsZero() && s.closed.IsZero() {
			open++
		}
	}
	practitioners := max(2, (2*open+CaseloadTarget/2)/CaseloadTarget)
	first := len(g.staff)
	for range practitioners {
		g.addStaff(rng, "practitioner", "Therapeutic practitioner", a)
	}
	g.allocate(rng, fams, first, practitioners)
}

// allocate gives each accepted family's co-parents the two practitioners
// with the fewest open cases on the day, as a team manager would.
func (g *Generator) allocate(rng *rand.Rand, fams []skeleton, first, n int) {
	order := make([]int, 0, len(fams))
	for i, s := range fams {
		if !s.accepted.IsZero() {
			order = append(order, i)
		}
	}
	slices.SortStableFunc(order, func(x, y int) int { return fams[x].allocated.Compare(fams[y].allocated) })
	busy := make([]dateHeap, n) // each practitioner's open cases' end dates
	forever := g.today.AddDate(100, 0, 0)
	for _, i := range order {
		s := &fams[i]
		until := s.closed
		if until.IsZero() {
			until = forever
		}
		start := rng.IntN(n)
		var chosen [2]int
		for k := range 2 {
			best, bestLoad := -1, math.MaxInt
			for j := range n {
				p := (start + j) % n
				h := &busy[p]
				for h.Len() > 0 && !(*h)[0].After(s.allocated) {
					heap.Pop(h)
				}
				if k == 1 && p == chosen[0] {
					continue
				}
				if h.Len() < bestLoad {
					best, bestLoad = p, h.Len()
				}
			}
			chosen[k] = best
			heap.Push(&busy[best], until)
		}
		for k := range 2 {
			s.prac[k] = first + chosen[k]
		}
		// Some parents were with another practitioner for a while first.
		last := g.lastDay(*s)
		if n >= 3 && last.Sub(s.allocated) > 90*24*time.Hour {
			for k := range 2 {
				if rng.Float64() >= 0.08 {
					continue
				}
				prev := first + rng.IntN(n)
				for prev == s.prac[0] || prev == s.prac[1] {
					prev = first + rng.IntN(n)
				}
				s.prev[k] = prev
				s.switchOn[k] = s.allocated.AddDate(0, 0, 30+rng.IntN(int(last.Sub(s.allocated).Hours()/24)-60))
			}
		}
	}
}

// journey decides when a family was referred, screened, accepted,
// assessed, had the baby and closed.
func (g *Generator) journey(rng *rand.Rand) skeleton {
	var s skeleton
	begin := g.today.AddDate(-Years, 0, 0)
	span := int(g.today.Sub(begin).Hours() / 24)
	// More referrals each year: density rising linearly to three times the first year's.
	u := rng.Float64()
	x := (math.Sqrt(1+8*u) - 1) / 2
	day := begin.AddDate(0, 0, min(int(x*float64(span)), span-1))
	s.received = day.Add(time.Duration(8*60+rng.IntN(10*60)) * time.Minute)
	gestation := 16*7 + rng.IntN(15*7) // days pregnant when referred
	s.edd = day.AddDate(0, 0, 280-gestation)
	delay := 1 + min(int(rng.ExpFloat64()*5), 27)
	decided := day.AddDate(0, 0, delay)
	if !decided.Before(g.today) {
		return s // still being screened
	}
	s.decided = decided.Add(time.Duration(10*60+rng.IntN(6*60)) * time.Minute)
	s.accepted = decided
	s.allocated = decided.AddDate(0, 0, rng.IntN(5))
	s.assessed = s.accepted.AddDate(0, 0, 14+rng.IntN(36))
	if rng.Float64() < 0.1 {
		s.assessed = s.assessed.AddDate(0, 0, 30)
	}
	s.born = s.edd.AddDate(0, 0, max(-28, min(14, int(math.Round(rng.NormFloat64()*9)))))
	end := timeline.DateAtMonths(s.born, g.tl.EndMonths)
	if rng.Float64() < 0.27 {
		// Early endings come sooner rather than later.
		f := math.Pow(rng.Float64(), 1.4)
		days := int(f * end.Sub(s.accepted).Hours() / 24)
		s.closed = s.accepted.AddDate(0, 0, max(14, days))
		s.closureKind, s.reason = "early", choose(rng, earlyReasons)
	} else {
		s.closed = end.AddDate(0, 0, rng.IntN(45))
		s.closureKind, s.reason = "planned", "planned_end"
	}
	if !s.closed.Before(g.today) {
		s.closed, s.closureKind, s.reason = time.Time{}, "", ""
	}
	if !s.allocated.Before(g.today) {
		s.allocated = s.accepted
	}
	last := g.lastDay(s)
	if s.assessed.After(last) {
		s.assessed = time.Time{}
	}
	return s
}

// lastDay is the family's last day in the programme so far: its closure,
// or yesterday.
func (g *Generator) lastDay(s skeleton) time.Time {
	if !s.closed.IsZero() {
		return s.closed
	}
	return g.today.AddDate(0, 0, -1)
}

// bornOn is the birth as the programme knows it: zero before it happens,
// or if the case closed first.
func (g *Generator) bornOn(s skeleton) time.Time {
	if s.accepted.IsZero() || s.born.After(g.lastDay(s)) {
		return time.Time{}
	}
	return s.born
}

func (g *Generator) addStaff(rng *rand.Rand, role, title string, area int) int {
	g.numbered[role]++
	n := g.cfg.Before.Staff[role] + g.numbered[role]
	bg := background(rng)
	sex := []string{"f", "f", "f", "m"}[rng.IntN(4)] // most of the workforce are women
	name := g.givenName(rng, bg, sex) + " " + pick(rng, g.names.familyNames(bg))
	g.staff = append(g.staff, Staff{Email: Email(role, n), Name: name, Role: role, JobTitle: title, Area: area})
	return len(g.staff) - 1
}

var earlyReasons = []weighted{
	{"withdrew", 30}, {"disengaged", 35}, {"moved_out_of_area", 14}, {"safety_concern", 8},
	{"not_suitable", 5}, {"baby_not_in_care", 5}, {"other", 3},
}

// weighted is a choice and its relative weight.
type weighted struct {
	value  string
	weight int
}

func choose(rng *rand.Rand, opts []weighted) string {
	total := 0
	for _, o := range opts {
		total += o.weight
	}
	n := rng.IntN(total)
	for _, o := range opts {
		if n < o.weight {
			return o.value
		}
		n -= o.weight
	}
	return opts[len(opts)-1].value
}

func pick[T any](rng *rand.Rand, s []T) T { return s[rng.IntN(len(s))] }

func dateOf(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// dateHeap is a min-heap of dates.
type dateHeap []time.Time

func (h dateHeap) Len() int           { return len(h) }
func (h dateHeap) Less(i, j int) bool { return h[i].Before(h[j]) }
func (h dateHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *dateHeap) Push(x any)        { *h = append(*h, x.(time.Time)) }
func (h *dateHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// stageOf is the family's stage today, by the programme's own rules.
func (g *Generator) stageOf(s skeleton) family.Stage {
	return timeline.StageOf(g.tl, timeline.Facts{AcceptedOn: s.accepted, EDD: s.edd, BornOn: g.bornOn(s),
		AssessmentCompletedOn: s.assessed, ClosedOn: s.closed, Today: g.today})
}
