package research

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/cradle-org/cradle/internal/casework"
	"github.com/cradle-org/cradle/internal/family"
	"github.com/cradle-org/cradle/internal/sharing"
	"github.com/cradle-org/cradle/internal/timeline"
)

// Roles of a person in the extract.
const (
	RoleParent = "parent"
	RoleBaby   = "baby"
)

// maxCategory is the longest category value accepted, in characters. Real
// categories ("health visitor", "Blackpool", "phq9") are far shorter; the
// limit stops a sentence of free text being exported by mistake.
const maxCategory = 80

// Data is everything Build works from, as the caller reads it from the
// store: the results, and what happened in the programme around them.
type Data struct {
	Records []Record
	// Sessions are the sessions offered to each parent, by person id:
	// attended, missed, or cancelled by the parent (a session the
	// practitioner cancelled was not offered).
	Sessions map[int64][]Session
	// Statuses are each family's safeguarding status changes, by family id,
	// from the team around the baby's status history.
	Statuses map[int64][]StatusChange
	// Departures are the times each parent left the programme while the
	// other carried on, by person id.
	Departures map[int64][]Departure
	// Modules are the programme's content, with each module's target
	// number of sessions (the timeline configuration's), against which
	// the sessions attended on each are counted.
	Modules []timeline.Module
}

// Session is one session offered to a parent.
type Session struct {
	On       time.Time
	Attended bool
	Module   string // the module of the programme's content it was on; "" for none
}

// Departure is a parent leaving the programme, and rejoining if they did:
// the reason's code and the dates only, never the note kept with it. The
// dates are used only to work out whether the parent was taking part on a
// row's date; they are never exported.
type Departure struct {
	LeftOn     time.Time
	RejoinedOn time.Time // zero if they have not rejoined
	Reason     string    // a casework.DepartureReasons value, e.g. "withdrew" or "joining_later"
}

// StatusChange is a change of a family's safeguarding status.
type StatusChange struct {
	From   time.Time
	Status string // a sharing.Statuses value, e.g. "child_in_need"
}

// Record is one outcome measure result for one person, with the family's
// category data, as the caller reads it from the store. It holds ids,
// dates, numbers and category values only: there is deliberately no field
// for a name or any free text.
type Record struct {
	FamilyID int64
	PersonID int64  // a parent's or a baby's id, according to Role
	Role     string // RoleParent or RoleBaby

	// Person and family categories: the same on every record of a person.
	Experience     string // a parent's category, e.g. "experiences", "uses"; "" for a baby
	Area           string
	ReferralSource string    // category key, e.g. "midwife"
	AcceptedOn     time.Time // zero if not known
	ClosureReason  string    // category key; "" while the family is open
	BabyDOB        time.Time // the family's baby's: used only to work out ages; never exported

	// The result.
	Timepoint  string // e.g. "baseline", "m6"
	Instrument string // a measure.Builtin key, e.g. "phq9"
	TakenOn    time.Time
	Score, Raw float64 // the reported score, and the raw total before any conversion
	HasScore   bool    // false: no total (ASQ-3: areas only)
	Band       string  // e.g. "moderate"; "" if none
	Scores     Scores
}

// Scores are the numbers kept with a result beside its total: only these,
// and never the alert messages or labels kept with them, reach the extract.
type Scores struct {
	// Answers are the item scores as recorded (entry "items"). They are
	// used only to work out subscales a result did not keep, and are never
	// exported.
	Answers   map[int]int
	Subscales map[string]float64 // as scored when recorded, by subscale key
	Domains   map[string]float64 // entered area scores, by area key
	Zones     map[string]string  // each area against its cut-off: measure.StatusRefer, StatusMonitor or StatusClear
	Interval  int                // the questionnaire interval used, in months; 0 if none
}

// Row is one row of the extract, for one person at one timepoint. See
// Dictionary for each column's meaning; the fields are in column order.
type Row struct {
	Family             string // pseudonym, "f-..."
	Person             string // pseudonym, "p-..." or "b-..."
	Role               string
	Experience         string
	Area               string
	ReferralSource     string
	AcceptedOn         string // month or shifted date
	ClosureReason      string
	Timepoint          string
	MeasuredOn         string // month or shifted date of the latest result
	BabyAgeMonths      string // whole months on MeasuredOn; "" if not known or before birth
	SafeguardingStatus string
	SessionsAttended   string // "" for the baby
	SessionsOffered    string
	TakingPart         string // "yes" or "no"; "" for the baby
	LeftReason         string // when TakingPart is "no"
	ModulesStarted     string // modules with a session attended; "" for the baby
	ModulesReached     string // modules whose target was reached
	// Measures holds the instrument columns that have a value, by column
	// name ("phq9_score"); every other instrument column is empty.
	Measures map[string]string
}

// Build turns results into extract rows, one per person (parent or baby)
// and timepoint at which the person has any result, with a group of columns
// per instrument (wide format). Ids become pseudonyms, dates months or
// shifted dates (mode), and the baby's date of birth an age in whole months.
// A person with no result at a timepoint has no row for it.
//
// Each row's date (measured_on) is the date of its latest result; the
// baby's age, the family's safeguarding status, and the parent's sessions
// and whether they were taking part in the programme (and if not, why they
// had left) are given as at that date. When a parent left or rejoined is
// not exported.
//
// A departure with no date of leaving, or with a reason that is not one of
// casework.DepartureReasons, is an error, as is a safeguarding status that is
// not one of sharing.Statuses.
//
// Two results for the same person, timepoint and instrument are an error
// (the store keeps one result per timepoint, so a duplicate means the
// caller's query is wrong), as is an instrument that is not built in (it
// would have no columns) or one for the other kind of person.
//
// Rows are sorted by family and person pseudonym, then date and timepoint.
// Sorting by pseudonym rather than id keeps the order from revealing which
// family was referred first.
func Build(key []byte, project string, mode DateMode, data Data) ([]Row, error) {
	if mode != Months && mode != Shifted {
		return nil, fmt.Errorf("research: unknown date mode %v", mode)
	}
	if _, err := keyedHash(key, pseudonymDomain, project, KindFamily, 0); err != nil {
		return nil, err
	}
	for fid, changes := range data.Statuses {
		for _, c := range changes {
			if !validStatus(c.Status) {
				return nil, fmt.Errorf("research: family %d: safeguarding status %q is not one of %s", fid, c.Status, statusKeys())
			}
		}
	}
	for pid, ds := range data.Departures {
		for _, d := range ds {
			if d.LeftOn.IsZero() {
				return nil, fmt.Errorf("research: person %d: a departure with no date of leaving", pid)
			}
			if !validLeavingReason(d.Reason) {
				return nil, fmt.Errorf("research: person %d: leaving reason %q is not one of %s", pid, d.Reason, leavingReasonKeys())
			}
		}
	}
	type rowKey struct {
		family, person int64
		role, tp       string
	}
	type dupKey struct {
		row        rowKey
		instrument string
	}
	groups := map[rowKey][]int{}
	var order []rowKey
	seen := make(map[dupKey]bool, len(data.Records))
	for i, r := range data.Records {
		if err := r.validate(); err != nil {
			return nil, fmt.Errorf("research: record %d: %w", i+1, err)
		}
		k := rowKey{r.FamilyID, r.PersonID, r.Role, r.Timepoint}
		if seen[dupKey{k, r.Instrument}] {
			return nil, fmt.Errorf("research: record %d: a second %s result at timepoint %q for the same %s", i+1, r.Instrument, r.Timepoint, r.Role)
		}
		seen[dupKey{k, r.Instrument}] = true
		if groups[k] == nil {
			order = append(order, k)
		}
		groups[k] = append(groups[k], i)
	}
	byInstrument := map[string][]measureColumn{}
	for _, c := range measureColumns() {
		byInstrument[c.instrument] = append(byInstrument[c.instrument], c)
	}
	type sortable struct {
		row      Row
		measured time.Time
	}
	out := make([]sortable, 0, len(order))
	for _, k := range order {
		idx := groups[k]
		first := data.Records[idx[0]]
		measured := first.TakenOn
		for _, i := range idx[1:] {
			r := data.Records[i]
			if !r.samePerson(first) {
				return nil, fmt.Errorf("research: record %d: its person and family categories differ from record %d's for the same person", i+1, idx[0]+1)
			}
			if r.TakenOn.After(measured) {
				measured = r.TakenOn
			}
		}
		row, date, err := first.row(key, project, mode)
		if err != nil {
			return nil, fmt.Errorf("research: record %d: %w", idx[0]+1, err)
		}
		row.MeasuredOn = date(measured)
		if m, ok := wholeMonths(first.BabyDOB, measured); ok {
			row.BabyAgeMonths = strconv.Itoa(m)
		}
		row.SafeguardingStatus = statusOn(data.Statuses[first.FamilyID], measured)
		if first.Role == RoleParent {
			attended, offered := sessionsBy(data.Sessions[first.PersonID], measured)
			row.SessionsAttended, row.SessionsOffered = strconv.Itoa(attended), strconv.Itoa(offered)
			started, reached := modulesBy(data.Sessions[first.PersonID], measured, data.Modules)
			row.ModulesStarted, row.ModulesReached = strconv.Itoa(started), strconv.Itoa(reached)
			row.TakingPart = "yes"
			if d, away := departedOn(data.Departures[first.PersonID], measured); away {
				row.TakingPart, row.LeftReason = "no", d.Reason
			}
		}
		row.Measures = map[string]string{}
		for _, i := range idx {
			r := data.Records[i]
			s := scored{Record: r, date: date, subscales: subscalesOf(instruments()[r.Instrument], r.Scores)}
			for _, c := range byInstrument[r.Instrument] {
				if v := c.value(s); v != "" {
					row.Measures[c.Name] = v
				}
			}
		}
		out = append(out, sortable{row, measured})
	}
	slices.SortFunc(out, func(a, b sortable) int {
		return cmp.Or(
			strings.Compare(a.row.Family, b.row.Family),
			strings.Compare(a.row.Person, b.row.Person),
			a.measured.Compare(b.measured),
			strings.Compare(a.row.Timepoint, b.row.Timepoint),
		)
	})
	rows := make([]Row, len(out))
	for i, s := range out {
		rows[i] = s.row
	}
	return rows, nil
}

// samePerson reports whether two records agree on the person and family
// categories, which every record of one person must share.
func (r Record) samePerson(o Record) bool {
	return r.Experience == o.Experience && r.Area == o.Area && r.ReferralSource == o.ReferralSource &&
		r.ClosureReason == o.ClosureReason && r.AcceptedOn.Equal(o.AcceptedOn) && r.BabyDOB.Equal(o.BabyDOB)
}

// row is the person-level part of the record's row, and the family's date
// function.
func (r Record) row(key []byte, project string, mode DateMode) (Row, func(time.Time) string, error) {
	family, err := Pseudonym(key, project, KindFamily, r.FamilyID)
	if err != nil {
		return Row{}, nil, err
	}
	person, err := Pseudonym(key, project, r.Role, r.PersonID)
	if err != nil {
		return Row{}, nil, err
	}
	date := Month
	if mode == Shifted {
		days, err := ShiftDays(key, project, r.FamilyID)
		if err != nil {
			return Row{}, nil, err
		}
		date = func(t time.Time) string { return shiftedDate(t, days) }
	}
	return Row{
		Family:         family,
		Person:         person,
		Role:           r.Role,
		Experience:     r.Experience,
		Area:           r.Area,
		ReferralSource: r.ReferralSource,
		AcceptedOn:     date(r.AcceptedOn),
		ClosureReason:  r.ClosureReason,
		Timepoint:      r.Timepoint,
	}, date, nil
}

func (r Record) validate() error {
	if r.FamilyID <= 0 || r.PersonID <= 0 {
		return fmt.Errorf("family and person ids must be positive (got %d and %d)", r.FamilyID, r.PersonID)
	}
	if r.Role != RoleParent && r.Role != RoleBaby {
		return fmt.Errorf("role %q: want %q or %q", r.Role, RoleParent, RoleBaby)
	}
	if r.Timepoint == "" || r.Instrument == "" {
		return fmt.Errorf("timepoint and instrument are required")
	}
	in, ok := instruments()[r.Instrument]
	switch {
	case !ok:
		return fmt.Errorf("instrument %q is not a built-in instrument, so it has no columns in the extract", r.Instrument)
	case in.Subject != r.Role:
		return fmt.Errorf("the %s is for a %s, not a %s", in.ShortName, in.Subject, r.Role)
	}
	for _, c := range []struct{ name, value string }{
		{"experience", r.Experience},
		{"area", r.Area},
		{"referral source", r.ReferralSource},
		{"closure reason", r.ClosureReason},
		{"timepoint", r.Timepoint},
		{"band", r.Band},
	} {
		if err := checkCategory(c.value); err != nil {
			return fmt.Errorf("%s: %w", c.name, err)
		}
	}
	finite := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
	if r.HasScore && (!finite(r.Score) || !finite(r.Raw)) {
		return fmt.Errorf("score is %v (raw %v)", r.Score, r.Raw)
	}
	for k, v := range r.Scores.Subscales {
		if !finite(v) {
			return fmt.Errorf("subscale %q is %v", k, v)
		}
	}
	for k, v := range r.Scores.Domains {
		if !finite(v) {
			return fmt.Errorf("area %q is %v", k, v)
		}
	}
	for k, z := range r.Scores.Zones {
		if !slices.Contains(zones, z) {
			return fmt.Errorf("area %q zone %q: want one of %s", k, z, strings.Join(zones, ", "))
		}
	}
	if r.Scores.Interval < 0 {
		return fmt.Errorf("interval %d", r.Scores.Interval)
	}
	return nil
}

// checkCategory refuses what looks like free text rather than a category:
// anything long, or holding a line break or other control character.
func checkCategory(s string) error {
	if !utf8.ValidString(s) {
		return fmt.Errorf("not valid UTF-8")
	}
	if n := utf8.RuneCountInString(s); n > maxCategory {
		return fmt.Errorf("%d characters: a category value is at most %d (free text is never exported)", n, maxCategory)
	}
	if strings.IndexFunc(s, unicode.IsControl) >= 0 {
		return fmt.Errorf("contains a line break or control character (free text is never exported)")
	}
	return nil
}

// statusNone is a family's safeguarding status before any change is
// recorded: every family starts with none.
const statusNone = "none"

func validStatus(s string) bool {
	return slices.ContainsFunc(sharing.Statuses(), func(o sharing.Option) bool { return o.Value == s })
}

func statusKeys() string {
	var keys []string
	for _, o := range sharing.Statuses() {
		keys = append(keys, o.Value)
	}
	return strings.Join(keys, ", ")
}

// statusOn is the family's safeguarding status on a date: that of the
// latest change on or before it (the later of two on the same day, in the
// order given), or none if there was none by then.
func statusOn(changes []StatusChange, on time.Time) string {
	status, from := statusNone, time.Time{}
	for _, c := range changes {
		if d := dateOf(c.From); !d.After(dateOf(on)) && !d.Before(from) {
			status, from = c.Status, d
		}
	}
	return status
}

func validLeavingReason(s string) bool {
	return slices.ContainsFunc(casework.DepartureReasons(), func(o casework.Option) bool { return o.Value == s })
}

func leavingReasonKeys() string {
	var keys []string
	for _, o := range casework.DepartureReasons() {
		keys = append(keys, o.Value)
	}
	return strings.Join(keys, ", ")
}

// departedOn is the departure in force on a date, if any: one the parent
// left on or before it and had not rejoined by then (not rejoined, or
// rejoined after it). Should two be (the store allows one at a time), the
// later left, or the later of two on the same day in the order given.
func departedOn(departures []Departure, on time.Time) (Departure, bool) {
	var out Departure
	found := false
	day := dateOf(on)
	for _, d := range departures {
		if dateOf(d.LeftOn).After(day) || !d.RejoinedOn.IsZero() && !dateOf(d.RejoinedOn).After(day) {
			continue
		}
		if !found || !dateOf(d.LeftOn).Before(dateOf(out.LeftOn)) {
			out, found = d, true
		}
	}
	return out, found
}

// sessionsBy counts the sessions held on or before a date.
func sessionsBy(sessions []Session, on time.Time) (attended, offered int) {
	for _, s := range sessions {
		if dateOf(s.On).After(dateOf(on)) {
			continue
		}
		offered++
		if s.Attended {
			attended++
		}
	}
	return attended, offered
}

// modulesBy counts the programme's modules on which a parent had attended
// a session by a date, and those whose target they had reached, as the
// person page counts them (timeline.Progress); sessions on a module the
// programme does not list count towards neither.
func modulesBy(sessions []Session, on time.Time, modules []timeline.Module) (started, reached int) {
	attended := map[string]int{}
	for _, s := range sessions {
		if s.Attended && !dateOf(s.On).After(dateOf(on)) {
			attended[s.Module]++
		}
	}
	for _, m := range timeline.Progress(timeline.Config{Modules: modules}, family.Closed, attended).Modules {
		if m.Attended > 0 {
			started++
		}
		if m.Status == timeline.ModuleReached {
			reached++
		}
	}
	return started, reached
}

// dateOf is t's calendar date, so times of day cannot move a comparison.
func dateOf(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// wholeMonths is the age in completed months on the date taken, for a date
// of birth: false if either is unknown or taken is before birth (antenatal).
func wholeMonths(dob, taken time.Time) (int, bool) {
	if dob.IsZero() || taken.IsZero() {
		return 0, false
	}
	if taken.Before(dob) {
		return 0, false
	}
	return timeline.WholeMonths(dob, taken), true
}
