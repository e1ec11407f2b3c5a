package risk

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/cradle-org/cradle/internal/problem"
)

// Default MARAC settings: 3 or more incidents in 12 months is potential
// escalation, and a new incident within 12 months of a MARAC referral is a
// repeat.
const (
	DefaultEscalationIncidents = 3
	DefaultEscalationMonths    = 12
	DefaultRepeatMonths        = 12
)

// maxMonths bounds the windows: a window longer than ten years is almost
// certainly a typing mistake.
const maxMonths = 120

// MARACConfig holds the local MARAC referral settings, which differ between
// areas.
type MARACConfig struct {
	EscalationIncidents int // incidents within EscalationMonths that suggest escalation
	EscalationMonths    int
	RepeatMonths        int // a new incident this soon after a MARAC referral is a repeat
}

// DefaultMARACConfig returns 3 incidents in 12 months, and repeats within 12
// months.
func DefaultMARACConfig() MARACConfig {
	return MARACConfig{
		EscalationIncidents: DefaultEscalationIncidents,
		EscalationMonths:    DefaultEscalationMonths,
		RepeatMonths:        DefaultRepeatMonths,
	}
}

// Validate checks that the incident count is 1 or more and both windows are
// 1 to 120 months. The first problem is returned as an *Error.
func (c MARACConfig) Validate() error {
	if c.EscalationIncidents < 1 {
		return &Error{Field: "escalation-incidents", Message: "The number of incidents for potential escalation must be 1 or more"}
	}
	if c.EscalationMonths < 1 || c.EscalationMonths > maxMonths {
		return &Error{Field: "escalation-months", Message: fmt.Sprintf("The escalation period must be from 1 to %d months", maxMonths)}
	}
	if c.RepeatMonths < 1 || c.RepeatMonths > maxMonths {
		return &Error{Field: "repeat-months", Message: fmt.Sprintf("The repeat period must be from 1 to %d months", maxMonths)}
	}
	return nil
}

// withDefaults replaces each invalid field with its default, because MARAC
// has no error to return and must still say something sensible. Callers
// should Validate a loaded config so that mistakes are caught when saved.
func (c MARACConfig) withDefaults() MARACConfig {
	d := DefaultMARACConfig()
	if c.EscalationIncidents < 1 {
		c.EscalationIncidents = d.EscalationIncidents
	}
	if c.EscalationMonths < 1 || c.EscalationMonths > maxMonths {
		c.EscalationMonths = d.EscalationMonths
	}
	if c.RepeatMonths < 1 || c.RepeatMonths > maxMonths {
		c.RepeatMonths = d.RepeatMonths
	}
	return c
}

// History is what the MARAC criteria need to know about a parent beyond the
// checklist. Only the calendar date of each time is used, in its own
// location, so the time of day never moves an incident in or out of a window.
type History struct {
	Today     time.Time
	Incidents []time.Time // dates of domestic-abuse incidents recorded for this parent
	LastMARAC time.Time   // date of the last MARAC referral for this parent; zero means none
}

// Criterion is one MARAC referral criterion. Why is plain English built only
// from counts, levels and dates, never from free text, so it is safe to show
// anywhere.
type Criterion struct {
	Key, Label string
	Met        bool
	Why        string
}

// Criterion keys, in the order MARAC returns them.
const (
	VisibleHighRisk       = "visible_high_risk"
	ProfessionalJudgement = "professional_judgement"
	PotentialEscalation   = "potential_escalation"
	Repeat                = "repeat"
)

// MARAC checks the four referral criteria, always in this order: visible
// high risk, professional judgement, potential escalation, repeat.
//
// Windows are whole calendar months counted with time.AddDate, so from
// 31 May "3 months before" is 3 March (31 February rolls over), and from
// 29 February 2028 "12 months before" is 1 March 2027.
//
// Potential escalation counts incidents dated after Today minus
// EscalationMonths and on or before Today: an incident exactly 12 months
// before today is outside the window (it happened a year ago, not within the
// year), the day after is inside. Incidents after Today are ignored.
//
// Repeat looks for an incident dated after the last MARAC referral (an
// incident on the day of the referral is the one that led to it, not a new
// one) and on or before the same date RepeatMonths later, and not after
// Today.
//
// Invalid config fields fall back to their defaults.
func MARAC(cfg MARACConfig, r Result, h History) []Criterion {
	cfg = cfg.withDefaults()
	return []Criterion{
		visibleHighRisk(r),
		professionalJudgement(r),
		potentialEscalation(cfg, h),
		repeat(cfg, h),
	}
}

func visibleHighRisk(r Result) Criterion {
	c := Criterion{Key: VisibleHighRisk, Label: "Visible high risk"}
	c.Met = r.CountLevel == High
	need := "the high-risk number"
	if r.Thresholds.High > 0 {
		need = fmt.Sprintf("%d or more", r.Thresholds.High)
	}
	if c.Met {
		c.Why = fmt.Sprintf("%s on the checklist, which is %s.", yesAnswers(r.Yes), need)
	} else {
		c.Why = fmt.Sprintf("%s on the checklist. Visible high risk needs %s.", yesAnswers(r.Yes), need)
	}
	return c
}

func professionalJudgement(r Result) Criterion {
	c := Criterion{Key: ProfessionalJudgement, Label: "Professional judgement"}
	switch {
	case r.CountLevel == High:
		c.Why = "Not needed: the answers alone give High."
	case r.Level == High:
		c.Met = true
		c.Why = fmt.Sprintf("Professional judgement raised the level from %s to High. The reasons are recorded with the assessment.", r.CountLevel.Label())
	case r.Judged:
		c.Why = fmt.Sprintf("Professional judgement raised the level to %s, not High.", r.Level.Label())
	default:
		c.Why = "Professional judgement has not raised the level to High."
	}
	return c
}

func potentialEscalation(cfg MARACConfig, h History) Criterion {
	c := Criterion{Key: PotentialEscalation, Label: "Potential escalation"}
	today := dateOf(h.Today)
	from := today.AddDate(0, -cfg.EscalationMonths, 0) // excluded
	n := 0
	for _, t := range h.Incidents {
		if d := dateOf(t); d.After(from) && !d.After(today) {
			n++
		}
	}
	c.Met = n >= cfg.EscalationIncidents
	window := fmt.Sprintf("%s between %s and %s", months(cfg.EscalationMonths), formatDate(from.AddDate(0, 0, 1)), formatDate(today))
	if c.Met {
		c.Why = fmt.Sprintf("%s in the %s. Potential escalation is %d or more.", incidents(n), window, cfg.EscalationIncidents)
	} else {
		c.Why = fmt.Sprintf("%s in the %s. Potential escalation needs %d or more.", incidents(n), window, cfg.EscalationIncidents)
	}
	return c
}

func repeat(cfg MARACConfig, h History) Criterion {
	c := Criterion{Key: Repeat, Label: "Repeat referral"}
	if h.LastMARAC.IsZero() {
		c.Why = "No previous MARAC referral is recorded for this parent."
		return c
	}
	last := dateOf(h.LastMARAC)
	until := last.AddDate(0, cfg.RepeatMonths, 0) // included
	today := dateOf(h.Today)
	var found []time.Time
	for _, t := range h.Incidents {
		if d := dateOf(t); d.After(last) && !d.After(until) && !d.After(today) {
			found = append(found, d)
		}
	}
	if len(found) == 0 {
		c.Why = fmt.Sprintf("No new incident in the %s after the last MARAC referral on %s.", months(cfg.RepeatMonths), formatDate(last))
		return c
	}
	c.Met = true
	slices.SortFunc(found, time.Time.Compare)
	word := "Incident"
	if len(found) > 1 {
		word = "Incidents"
	}
	var dates []string
	for _, d := range found {
		dates = append(dates, formatDate(d))
	}
	c.Why = fmt.Sprintf("%s on %s, within %s of the last MARAC referral on %s.", word, joinAnd(dates), months(cfg.RepeatMonths), formatDate(last))
	return c
}

// AnyMet reports whether at least one criterion is met.
func AnyMet(cs []Criterion) bool {
	for _, c := range cs {
		if c.Met {
			return true
		}
	}
	return false
}

// ConsiderMARAC reports whether a referral to MARAC should be considered: the
// level is high, from the count or from judgement, or any criterion is met.
// It prompts a decision; it does not make one, and MARAC does not replace
// child safeguarding procedures.
func ConsiderMARAC(r Result, cs []Criterion) bool {
	return r.CountLevel == High || r.Level == High || AnyMet(cs)
}

// dateOf is t's calendar date in its own location, at 00:00 UTC, so dates
// compare by day whatever their time zone or time of day.
func dateOf(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// formatDate writes a date the GOV.UK way: "5 March 2027".
func formatDate(t time.Time) string { return t.Format("2 January 2006") }

func joinAnd(s []string) string {
	if len(s) <= 1 {
		return strings.Join(s, "")
	}
	return strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1]
}

func months(n int) string     { return problem.Plural(n, "month", "months") }
func incidents(n int) string  { return problem.Plural(n, "incident", "incidents") }
func yesAnswers(n int) string { return problem.Plural(n, "'yes' answer", "'yes' answers") }
