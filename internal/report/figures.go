package report

import (
	"time"

	"github.com/cradle-org/cradle/internal/timeline"
)

// Figures are the programme's aggregate figures for one scope (a date range
// and a set of areas), as counted by the store. Nothing here names a person:
// the store returns counts and anonymous durations only, so a dashboard built
// from Figures cannot leak an identity whoever is looking.
type Figures struct {
	From, To time.Time // calendar days, inclusive
	AsOf     time.Time // when they were worked out (a dashboard may show them for a few minutes)
	Areas    []string  // the areas covered, by name; empty = every area
	Parts    Part      // which parts of the figures below were read (the rest are zero)

	// Referrals received in the range.
	ReferralsByMonth     []MonthCount // one entry per month and source
	ReferralsByMonthArea []MonthCount // one entry per month and area (keyed by the area's name, as ReferralsByArea)
	ReferralsBySource    []KeyCount
	ReferralsByArea      []KeyCount

	// Funnel follows the referrals received in the range.
	Referred, Accepted, Engaged, Completed int

	// FirstContactDays holds, for each accepted referral in the range with
	// an attended session, the days from referral to that first session.
	FirstContactDays []float64

	// Caseloads now (not limited by the date range).
	OpenFamilies     int
	OpenByArea       []KeyCount
	OpenByStage      []KeyCount
	Practitioners    int // practitioners with at least one parent allocated
	ParentsAllocated int
	LargestCaseload  int
	// ParentsByParticipation: the co-parents of open families, taking part
	// or not (left and not rejoined, or joining later), in that order.
	ParentsByParticipation []KeyCount

	// Sessions in the range, by what happened.
	SessionsAttended, SessionsMissed, SessionsCancelledByParent, SessionsCancelledByStaff int

	// Closures in the range (those not since re-opened), by reason.
	ClosuresByReason []KeyCount

	// Departures in the range, by reason: each time a parent left the
	// programme while the other parent carried on (a parent who rejoined
	// and left again counts each time). Reason codes only, never the note.
	DeparturesByReason []KeyCount

	// Retention: for each of RetentionAges(), families whose baby reached
	// that age in the range (see Retention).
	Retention []Retention

	// Safeguarding in the range.
	Concerns           int
	ConcernsByDecision []KeyCount
	DecisionHours      []float64 // raised to decided, for concerns decided
	DecidedInTime      int       // decided by the working-time deadline
	MARACReferrals     int
	SafetyPlans        int // safety plans written in the range
	SafetyPlanReviews  int

	// Safeguarding status (a programme outcome): families whose status
	// stepped down (child protection plan → child in need → none) between
	// their first and latest recorded status, of those with a history.
	StatusFamilies, StatusSteppedDown, StatusSteppedUp int

	// Programme content: the parents taking part in families that completed
	// the programme (closed at the planned end, not since re-opened) in
	// the range, and for each module how many of them attended a session
	// on it and how many its target (by the targets the store holds: the
	// timeline configuration's, recorded when the server starts).
	ContentParents int
	ContentModules []ModuleContent
	// Modules are the programme's content, with their labels and targets:
	// the timeline configuration's, set by the caller, not read with the
	// figures.
	Modules []timeline.Module
}

// ModuleContent is, for one module, how many parents attended a session on
// it (Parents) and how many attended its target number (Reached).
type ModuleContent struct {
	Module           string
	Parents, Reached int
}

// MonthCount is a count for one month ("2026-03") and key.
type MonthCount struct {
	Month string
	Key   string
	Label string
	N     int
}

// KeyCount is a count for one category.
type KeyCount struct {
	Key   string
	Label string
	N     int
}

// Offered is sessions offered: attended, missed, or cancelled by the parent.
// A session the practitioner cancelled was not really offered.
func (f Figures) Offered() int {
	return f.SessionsAttended + f.SessionsMissed + f.SessionsCancelledByParent
}

// Closures is the number of closures in the range.
func (f Figures) Closures() int {
	n := 0
	for _, c := range f.ClosuresByReason {
		n += c.N
	}
	return n
}

// Percent is 100·n/of to one decimal place, suppressed when either count is
// small, missing when of is 0.
func Percent(n, of int) Cell {
	if of == 0 {
		return Cell{Numeric: true, Missing: true}
	}
	c := Number(100*float64(n)/float64(of), 1, of)
	if n > 0 && n < MinCount {
		c.Suppressed = true
	}
	return c
}

// CountsTable is a table of categories and their counts, with the share of
// the total.
func CountsTable(key, title, caption, labelHeading string, counts []KeyCount) Table {
	t := Table{Key: key, Title: title, Caption: caption, Columns: []Column{
		{Key: "category", Label: labelHeading}, {Key: "count", Label: "Number", Numeric: true}, {Key: "percent", Label: "% of total", Numeric: true}}}
	total := 0
	for _, c := range counts {
		total += c.N
	}
	suppressed, smallest := 0, -1
	for i, c := range counts {
		row := []Cell{Label(c.Label), Count(c.N), Percent(c.N, total)}
		if row[1].Suppressed {
			suppressed++
		} else if c.N > 0 && (smallest < 0 || c.N < counts[smallest].N) { // #nosec G602 -- smallest is an index of counts once it is not -1
			smallest = i
		}
		t.Rows = append(t.Rows, row)
	}
	// With the total shown, one hidden category could be worked out by
	// subtraction: hide the next smallest too.
	if suppressed == 1 && smallest >= 0 {
		t.Rows[smallest][1].Suppressed, t.Rows[smallest][2].Suppressed = true, true
	}
	if len(counts) > 0 {
		t.Rows = append(t.Rows, []Cell{Label(TotalLabel), Count(total), Percent(total, total)})
	}
	return t
}

// MonthlyTable is counts by month (rows) and key (columns), with a total
// column. Months with nothing are shown as 0 so the series has no gaps.
// Small counts are suppressed, and so (SecondarySuppression) is a second
// count in any month where the total would otherwise give one back; what the
// columns add up to elsewhere is left to the caller (Dashboard).
func MonthlyTable(key, title, caption string, months []string, counts []MonthCount) Table {
	var keys []KeyCount // column order: first seen, by label
	seen := map[string]bool{}
	for _, c := range counts {
		if !seen[c.Key] {
			seen[c.Key] = true
			keys = append(keys, KeyCount{Key: c.Key, Label: c.Label})
		}
	}
	first := "Month"
	if len(months) > 0 {
		first = periodColumn(months[0])
	}
	t := Table{Key: key, Title: title, Caption: caption, Columns: []Column{{Key: PeriodColumn, Label: first}}}
	for _, k := range keys {
		t.Columns = append(t.Columns, Column{Key: k.Key, Label: k.Label, Numeric: true})
	}
	t.Columns = append(t.Columns, Column{Key: "total", Label: "Total", Numeric: true})
	by := map[string]map[string]int{}
	for _, c := range counts {
		if by[c.Month] == nil {
			by[c.Month] = map[string]int{}
		}
		by[c.Month][c.Key] += c.N
	}
	for _, m := range months {
		row := []Cell{Label(PeriodLabel(m))}
		total := 0
		for _, k := range keys {
			n := by[m][k.Key]
			total += n
			row = append(row, Count(n))
		}
		t.Rows = append(t.Rows, append(row, Count(total)))
	}
	return SecondarySuppression(t)
}

// MonthLabel turns "2026-03" into "Mar 2026".
func MonthLabel(m string) string {
	t, err := time.Parse("2006-01", m)
	if err != nil {
		return m
	}
	return t.Format("Jan 2006")
}

// MonthKeys lists "YYYY-MM" for every month from from to to, inclusive.
func MonthKeys(from, to time.Time) []string {
	var out []string
	for _, m := range Months(from, to) {
		out = append(out, m.Format("2006-01"))
	}
	return out
}
