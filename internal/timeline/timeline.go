package timeline

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cradle-org/cradle/internal/eligibility"
	"github.com/cradle-org/cradle/internal/family"
)

// Facts are the dates a timeline is computed from: recorded events, the due
// date, and today. A zero time means the event has not happened (or is not
// known). Only the calendar date of each matters.
type Facts struct {
	AcceptedOn            time.Time // zero: still a referral
	EDD                   time.Time // estimated due date; zero if not known
	BornOn                time.Time // zero: not born yet
	AssessmentCompletedOn time.Time // zero: not yet
	ClosedOn              time.Time // zero: open
	Today                 time.Time
}

// Milestone kinds.
const (
	KindContact          = "contact"
	KindAssessment       = "assessment"
	KindSafetyPlanReview = "safety_plan_review"
	KindMeasure          = "measure"
	KindVIG              = "vig"
	KindEnding           = "ending"
	KindClosure          = "closure"
)

// Milestone is one dated thing the programme expects to happen.
type Milestone struct {
	Key   string // unique within a family's timeline, e.g. "measure_m6", "safety_plan_review_3"
	Kind  string // one of the Kind constants
	Label string // plain English, e.g. "6-month outcome measures"
	Due   time.Time
	// WindowStart and WindowEnd bound when a measure still counts; both
	// equal Due for other milestones.
	WindowStart, WindowEnd time.Time
	// Provisional means the date is counted from the EDD because the baby is
	// not born yet, so recording the birth will move it.
	Provisional bool
}

// measurePrefix starts the key of an outcome-measure milestone.
const measurePrefix = "measure_"

// Timepoint is the outcome timepoint's key of a measure milestone
// ("m6" for "measure_m6"), or "" for any other milestone.
func (m Milestone) Timepoint() string {
	if m.Kind != KindMeasure {
		return ""
	}
	return strings.TrimPrefix(m.Key, measurePrefix)
}

// Status is where a milestone stands on a given day.
type Status string

const (
	StatusDone     Status = "done"
	StatusDue      Status = "due"
	StatusOverdue  Status = "overdue"
	StatusUpcoming Status = "upcoming"
)

// DateAtMonths is the date on which a baby born on dob is months old. Whole
// years use eligibility.DateAtAge, so 29 February turns 1 March in a common
// year, as a birthday does in UK law. Other months clamp to the month's last
// day (31 August + 6 months is 28 or 29 February), so a monthly milestone
// never spills into the month after; the two rules differ only for babies
// born on the 29th to 31st.
func DateAtMonths(dob time.Time, months int) time.Time {
	if months%12 == 0 {
		return eligibility.DateAtAge(dob, months/12)
	}
	d := eligibility.DateOf(dob)
	// Day 1 of the target month never overflows; then add the day, clamped.
	first := time.Date(d.Year(), d.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, months, 0)
	last := first.AddDate(0, 1, -1).Day()
	return first.AddDate(0, 0, min(d.Day(), last)-1)
}

// EndDate is the date the programme ends: the baby at cfg.EndMonths of age.
// It counts from the birth once recorded, else from the EDD (provisional).
// With neither date it is zero and provisional.
func EndDate(cfg Config, f Facts) (end time.Time, provisional bool) {
	switch {
	case !f.BornOn.IsZero():
		return DateAtMonths(f.BornOn, cfg.EndMonths), false
	case !f.EDD.IsZero():
		return DateAtMonths(f.EDD, cfg.EndMonths), true
	}
	return time.Time{}, true
}

// StageOf is where a family is on the journey. Stages follow recorded events
// and the baby's age:
//
//   - closed when ClosedOn is set, whatever else is true;
//   - referral until accepted;
//   - once born, the stage follows the baby even if the assessment is not
//     complete (it is then an overdue milestone, not a stage) or the family
//     was accepted after the birth: birth for the first BirthStageWeeks
//     (the day the baby is exactly that many weeks old is postnatal),
//     postnatal, then ending from the day the baby is EndingMonths old;
//   - before the birth, assessment until it is complete, then antenatal.
//
// Reaching the end date does not close a case: closure is a decision someone
// records, so the stage stays ending and Milestones shows closure overdue. A
// birth not yet recorded leaves the family antenatal, because only a recorded
// birth moves the stage on.
func StageOf(cfg Config, f Facts) family.Stage {
	switch {
	case !f.ClosedOn.IsZero():
		return family.Closed
	case f.AcceptedOn.IsZero():
		return family.Referral
	case !f.BornOn.IsZero():
		today, born := eligibility.DateOf(f.Today), eligibility.DateOf(f.BornOn)
		if !today.Before(DateAtMonths(born, cfg.EndingMonths)) {
			return family.Ending
		}
		if today.Before(born.AddDate(0, 0, 7*cfg.BirthStageWeeks)) {
			return family.Birth
		}
		return family.Postnatal
	case !f.AssessmentCompletedOn.IsZero():
		return family.Antenatal
	}
	return family.Assessment
}

// Milestones is a family's programme timeline, sorted by Due then Key. It is
// empty before acceptance. The rules:
//
//   - nothing is due before acceptance (a window that opens earlier starts at
//     acceptance), and nothing after the end date except closure on it (a
//     window that closes later ends on it);
//   - first contact and the assessment count from acceptance; the baseline
//     measure and the safety plan reviews count from assessment completion,
//     or from the assessment's due date while it is not complete;
//   - age-based items count from the birth, or provisionally from the EDD;
//   - antenatal-only items (gestation timepoints, antenatal VIG) are dropped
//     when the baby was born on or before the day they fell due; if the baby
//     came later, a measure's window ends the day before the birth;
//   - a case closed before its end date has nothing after the closure date,
//     and its closure milestone falls on that date;
//   - without an EDD or a birth date there is no end date, so only the items
//     counted from acceptance and assessment appear, and no reviews.
//
// Keys number repeated items from 1 in date order (safety_plan_review_3,
// vig_postnatal_2) and keep their number when the birth drops an item.
func Milestones(cfg Config, f Facts) []Milestone {
	if f.AcceptedOn.IsZero() {
		return nil
	}
	date := eligibility.DateOf
	accepted := date(f.AcceptedOn)
	born := !f.BornOn.IsZero()
	bornOn, edd := date(f.BornOn), date(f.EDD)
	ageFrom := bornOn
	if !born {
		ageFrom = edd
	}
	hasAge := born || !f.EDD.IsZero()
	hasGestation := !f.EDD.IsZero()
	assessedOn := accepted.AddDate(0, 0, cfg.AssessmentDays)
	if !f.AssessmentCompletedOn.IsZero() {
		// A completion recorded before acceptance counts from acceptance, so
		// that the baseline measure is not lost.
		assessedOn = maxDate(date(f.AssessmentCompletedOn), accepted)
	}

	end, _ := EndDate(cfg, f)
	hasEnd := !end.IsZero()
	limit, hasLimit := end, hasEnd
	closureOn, closedEarly := end, false
	if !f.ClosedOn.IsZero() {
		if c := date(f.ClosedOn); !hasEnd || c.Before(end) {
			limit, hasLimit, closureOn, closedEarly = c, true, c, true
		}
	}

	// Room for a typical family's milestones (about a dozen safety plan
	// reviews), so a caseload of hundreds does not regrow each list.
	out := make([]Milestone, 0, 16+len(cfg.Timepoints)+len(cfg.VIG.AntenatalAtWeeks)+len(cfg.VIG.PostnatalAtMonths))
	// add keeps a milestone that the rules allow, with its window clamped.
	add := func(key, kind, label string, due time.Time, before, after int, provisional bool) {
		if due.Before(accepted) || (kind != KindClosure && hasLimit && due.After(limit)) {
			return
		}
		m := Milestone{Key: key, Kind: kind, Label: label, Due: due, Provisional: provisional,
			WindowStart: maxDate(due.AddDate(0, 0, -before), accepted),
			WindowEnd:   due.AddDate(0, 0, after),
		}
		if hasLimit && m.WindowEnd.After(limit) {
			m.WindowEnd = maxDate(limit, due)
		}
		out = append(out, m)
	}
	// antenatal is add for items that only make sense in pregnancy.
	antenatal := func(key, kind, label string, due time.Time, before, after int) {
		if born && !bornOn.After(due) {
			return
		}
		if born {
			after = min(after, eligibility.DaysBetween(due, bornOn)-1)
		}
		add(key, kind, label, due, before, after, !born)
	}

	add("first_contact", KindContact, "First contact", accepted.AddDate(0, 0, cfg.FirstContactDays), 0, 0, false)
	add("assessment", KindAssessment, "Assessment complete", accepted.AddDate(0, 0, cfg.AssessmentDays), 0, 0, false)

	for _, tp := range cfg.Timepoints {
		key := measurePrefix + tp.Key
		switch tp.Anchor {
		case AnchorAssessment:
			add(key, KindMeasure, tp.Label, assessedOn, tp.WindowBeforeDays, tp.WindowAfterDays, false)
		case AnchorGestation:
			if hasGestation {
				antenatal(key, KindMeasure, tp.Label, eligibility.DateAtGestation(edd, tp.Weeks, 0), tp.WindowBeforeDays, tp.WindowAfterDays)
			}
		case AnchorAge:
			if hasAge {
				add(key, KindMeasure, tp.Label, DateAtMonths(ageFrom, tp.Months), tp.WindowBeforeDays, tp.WindowAfterDays, !born)
			}
		}
	}

	if hasGestation {
		for i, w := range sortedCopy(cfg.VIG.AntenatalAtWeeks) {
			antenatal("vig_antenatal_"+strconv.Itoa(i+1), KindVIG,
				"Antenatal Video Interaction Guidance ("+strconv.Itoa(w)+" weeks of pregnancy)",
				eligibility.DateAtGestation(edd, w, 0), 0, 0)
		}
	}
	if hasAge {
		for i, m := range sortedCopy(cfg.VIG.PostnatalAtMonths) {
			add("vig_postnatal_"+strconv.Itoa(i+1), KindVIG,
				"Postnatal Video Interaction Guidance cycle "+strconv.Itoa(i+1)+" ("+monthsPhrase(m)+")",
				DateAtMonths(ageFrom, m), 0, 0, !born)
		}
		add("ending_work", KindEnding, "Planned ending work starts", DateAtMonths(ageFrom, cfg.EndingMonths), 0, 0, !born)
	}

	if hasEnd && cfg.SafetyPlanReviewWeeks > 0 {
		// Counted by multiplying, not by repeated adding, so each review's
		// date is exact whatever came before it.
		for k := 1; ; k++ {
			due := assessedOn.AddDate(0, 0, 7*k*cfg.SafetyPlanReviewWeeks)
			if due.After(limit) {
				break
			}
			n := strconv.Itoa(k) // labels by concatenation: a caseload works out every family's timeline
			add("safety_plan_review_"+n, KindSafetyPlanReview, "Safety plan review "+n, due, 0, 0, false)
		}
	}

	switch {
	case closedEarly:
		add("closure", KindClosure, "Case closed", closureOn, 0, 0, false)
	case hasEnd:
		add("closure", KindClosure, "Programme ends ("+endPhrase(cfg.EndMonths)+"): closure summary and case closure", closureOn, 0, 0, !born)
	}

	slices.SortFunc(out, func(a, b Milestone) int {
		if c := a.Due.Compare(b.Due); c != 0 {
			return c
		}
		return strings.Compare(a.Key, b.Key)
	})
	return out
}

// Overdue reports whether today is after the milestone's window (its due
// date when it has no window).
func Overdue(m Milestone, today time.Time) bool {
	last := m.WindowEnd
	if last.IsZero() {
		last = m.Due
	}
	return eligibility.DateOf(today).After(eligibility.DateOf(last))
}

// StatusOf is where a milestone stands today, given whether the caller has
// recorded it as done: due from its window's start to its end inclusive (on
// the day itself when it has no window), overdue after, upcoming before.
func StatusOf(m Milestone, done bool, today time.Time) Status {
	first := m.WindowStart
	if first.IsZero() {
		first = m.Due
	}
	switch {
	case done:
		return StatusDone
	case Overdue(m, today):
		return StatusOverdue
	case !eligibility.DateOf(today).Before(eligibility.DateOf(first)):
		return StatusDue
	}
	return StatusUpcoming
}

// CurrentModules lists, in config order, the modules a session may be
// recorded against at a stage: antenatal modules before the birth, postnatal
// ones after it, and "any" modules throughout. A referral is not on the
// programme yet and a closed case has no sessions, so both get none.
func CurrentModules(cfg Config, stage family.Stage) []Module {
	var phase string
	switch stage {
	case family.Assessment, family.Antenatal:
		phase = PhaseAntenatal
	case family.Birth, family.Postnatal, family.Ending:
		phase = PhasePostnatal
	default:
		return nil
	}
	var out []Module
	for _, m := range cfg.Modules {
		if m.Phase == phase || m.Phase == PhaseAny {
			out = append(out, m)
		}
	}
	return out
}

func maxDate(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// sortedCopy numbers VIG cycles in date order without changing the config.
func sortedCopy(s []int) []int {
	c := slices.Clone(s)
	slices.Sort(c)
	return c
}

// monthsPhrase is a baby's age in months for a label: "3 months", "1 month".
func monthsPhrase(m int) string {
	switch m {
	case 0:
		return "at birth"
	case 1:
		return "1 month"
	}
	return strconv.Itoa(m) + " months"
}

// endPhrase names the end of the programme as families know it.
func endPhrase(months int) string {
	ordinals := []string{"", "first", "second", "third", "fourth", "fifth"}
	if months%12 == 0 && months/12 < len(ordinals) {
		return "the baby's " + ordinals[months/12] + " birthday"
	}
	return "the baby at " + monthsPhrase(months)
}

// PlanReviewDone says whether safety plan review m is done: every parent's
// plan (lastChecked, each plan's latest writing or review) was checked on
// or after the start of the period the review covers, the review before's
// due date (SafetyPlanReviewWeeks before m's). A later check covers an
// earlier review missed: the caseload asks what needs doing now, and the
// plan as it stands has been checked since. With no plan there is no
// review to have done (the family page says a parent has no plan).
func PlanReviewDone(cfg Config, m Milestone, lastChecked []time.Time) bool {
	if m.Kind != KindSafetyPlanReview || len(lastChecked) == 0 {
		return false
	}
	from := eligibility.DateOf(m.Due).AddDate(0, 0, -7*cfg.SafetyPlanReviewWeeks)
	for _, t := range lastChecked {
		if eligibility.DateOf(t).Before(from) {
			return false
		}
	}
	return true
}
