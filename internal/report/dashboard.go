package report

import (
	"fmt"
	"strings"
)

// Section is one part of a dashboard: a heading, a few headline figures and
// the tables (each drawn as a chart beside its table on the page).
type Section struct {
	Key      string
	Heading  string
	Headline []Headline
	Tables   []Table
	Charts   []ChartHint // which tables to chart, and how
	Empty    string      // shown instead when nothing in the scope counts
}

// Headline is one big number with its label.
type Headline struct {
	Label string
	Cell  Cell
}

// ChartHint says how to chart one of a section's tables.
type ChartHint struct {
	Table     int    // index into Tables
	Kind      string // "bar" or "line"
	LabelCol  int
	ValueCols []int
}

// Dashboard arranges the figures into the dashboard's sections, in the
// order the page shows them. outcomes is the change-per-measure table.
func Dashboard(f Figures, outcomes Table) []Section {
	period := f.From.Format("2 January 2006") + " to " + f.To.Format("2 January 2006")
	where := "every area"
	if len(f.Areas) > 0 {
		where = strings.Join(f.Areas, ", ")
	}
	scope := period + ", " + where
	months := MonthKeys(f.From, f.To)

	var out []Section

	referrals := Section{Key: "referrals", Heading: "Referrals",
		Headline: []Headline{{"Referrals received", Count(f.Referred)}, {"Accepted", Count(f.Accepted)}},
		Tables: []Table{
			MonthlyTable("referrals-by-month", "Referrals by month and source", "Referrals received, "+scope+".", months, f.ReferralsByMonth),
			CountsTable("referrals-by-source", "Referrals by source", "Who referred, "+scope+".", "Source", f.ReferralsBySource),
			CountsTable("referrals-by-area", "Referrals by area", "Referrals received, "+scope+".", "Area", f.ReferralsByArea),
		},
		Charts: []ChartHint{{Table: 0, Kind: "line", LabelCol: 0}, {Table: 1, Kind: "bar", LabelCol: 0, ValueCols: []int{1}}}}
	if f.Referred == 0 {
		referrals.Empty = "No referrals were received in this period and area."
	}
	out = append(out, referrals)

	conversion := Funnel("conversion", "From referral to completion", "Referrals received "+scope+", followed to now: accepted, engaged (at least one session attended), completed (closed at the planned end).",
		[]Stage{{"Referred", f.Referred}, {"Accepted", f.Accepted}, {"Engaged", f.Engaged}, {"Completed to the baby's second birthday", f.Completed}})
	median, ok := Median(f.FirstContactDays)
	firstContact := Table{Key: "first-contact", Title: "Time from referral to first session", Caption: "Accepted referrals received " + scope + " with a session attended.",
		Columns: []Column{{Key: "measure", Label: "Measure"}, {Key: "value", Label: "Value", Numeric: true}}}
	n := len(f.FirstContactDays)
	medianCell := Cell{Numeric: true, Missing: true}
	if ok {
		medianCell = Number(median, 1, n)
	}
	firstContact.Rows = [][]Cell{{Label("Families seen"), Count(n)}, {Label("Median days from referral to first session"), medianCell}}
	out = append(out, Section{Key: "conversion", Heading: "Conversion and first contact",
		Tables: []Table{conversion, firstContact}, Charts: []ChartHint{{Table: 0, Kind: "bar", LabelCol: 0, ValueCols: []int{1}}}})

	caseloads := Section{Key: "caseloads", Heading: "Caseloads now",
		Headline: []Headline{{"Open families", Count(f.OpenFamilies)}, {"Practitioners with a caseload", Count(f.Practitioners)}},
		Tables: []Table{
			CountsTable("open-by-area", "Open families by area", "Families open today in "+where+".", "Area", f.OpenByArea),
			CountsTable("open-by-stage", "Open families by stage", "Families open today in "+where+".", "Stage", f.OpenByStage),
			{Key: "caseload-size", Title: "Parents per practitioner", Caption: "Parents allocated today in " + where + ".",
				Columns: []Column{{Key: "measure", Label: "Measure"}, {Key: "value", Label: "Value", Numeric: true}},
				Rows: [][]Cell{{Label("Parents allocated"), Count(f.ParentsAllocated)},
					{Label("Practitioners"), Count(f.Practitioners)},
					{Label("Mean parents per practitioner"), ratio(f.ParentsAllocated, f.Practitioners)},
					{Label("Largest caseload"), Number(float64(f.LargestCaseload), 0, f.Practitioners)}}},
		},
		Charts: []ChartHint{{Table: 1, Kind: "bar", LabelCol: 0, ValueCols: []int{1}}}}
	out = append(out, caseloads)

	engagement := Table{Key: "engagement", Title: "Sessions offered and attended", Caption: "Sessions due to be held " + scope + ".",
		Columns: []Column{{Key: "what", Label: "What happened"}, {Key: "count", Label: "Sessions", Numeric: true}, {Key: "percent", Label: "% of offered", Numeric: true}},
		Rows: [][]Cell{
			{Label("Attended"), Count(f.SessionsAttended), Percent(f.SessionsAttended, f.Offered())},
			{Label("Did not attend"), Count(f.SessionsMissed), Percent(f.SessionsMissed, f.Offered())},
			{Label("Cancelled by the parent"), Count(f.SessionsCancelledByParent), Percent(f.SessionsCancelledByParent, f.Offered())},
			{Label("Offered (the three above)"), Count(f.Offered()), Percent(f.Offered(), f.Offered())},
			{Label("Cancelled by the practitioner (not counted as offered)"), Count(f.SessionsCancelledByStaff), {Numeric: true, Missing: true}},
		}}
	closures := CountsTable("closures-by-reason", "Closures by reason", "Cases closed "+scope+" and not re-opened.", "Reason", f.ClosuresByReason)
	planned := 0
	for _, c := range f.ClosuresByReason {
		if c.Key == "planned_end" {
			planned = c.N
		}
	}
	out = append(out, Section{Key: "engagement", Heading: "Engagement and retention",
		Headline: []Headline{{"% of offered sessions attended", Percent(f.SessionsAttended, f.Offered())},
			{"% of closures at the baby's second birthday", Percent(planned, f.Closures())}},
		Tables: []Table{engagement, closures},
		Charts: []ChartHint{{Table: 1, Kind: "bar", LabelCol: 0, ValueCols: []int{1}}}})

	hours, okHours := Median(f.DecisionHours)
	hoursCell := Cell{Numeric: true, Missing: true}
	if okHours {
		hoursCell = Number(hours, 1, len(f.DecisionHours))
	}
	safe := Table{Key: "safeguarding", Title: "Safeguarding activity", Caption: "Raised, referred or written " + scope + ".",
		Columns: []Column{{Key: "measure", Label: "Measure"}, {Key: "value", Label: "Value", Numeric: true}},
		Rows: [][]Cell{
			{Label("Safeguarding concerns raised"), Count(f.Concerns)},
			{Label("Median hours from concern to decision"), hoursCell},
			{Label("% of decisions made by the deadline"), Percent(f.DecidedInTime, len(f.DecisionHours))},
			{Label("MARAC referrals"), Count(f.MARACReferrals)},
			{Label("Safety plans written"), Count(f.SafetyPlans)},
			{Label("Safety plan reviews"), Count(f.SafetyPlanReviews)},
		}}
	decisions := CountsTable("concerns-by-decision", "Safeguarding concerns by decision", "Concerns raised "+scope+".", "Decision", f.ConcernsByDecision)
	out = append(out, Section{Key: "safeguarding", Heading: "Safeguarding",
		Tables: []Table{safe, decisions}, Charts: []ChartHint{{Table: 1, Kind: "bar", LabelCol: 0, ValueCols: []int{1}}}})

	status := Table{Key: "safeguarding-status", Title: "Change in safeguarding status", Caption: "Families in " + where + " with a recorded status, first status compared with the latest.",
		Columns: []Column{{Key: "change", Label: "Change"}, {Key: "count", Label: "Families", Numeric: true}, {Key: "percent", Label: "%", Numeric: true}},
		Rows: [][]Cell{
			{Label("Stepped down (for example, child protection plan to child in need)"), Count(f.StatusSteppedDown), Percent(f.StatusSteppedDown, f.StatusFamilies)},
			{Label("Stepped up"), Count(f.StatusSteppedUp), Percent(f.StatusSteppedUp, f.StatusFamilies)},
			{Label("No change"), Count(f.StatusFamilies - f.StatusSteppedDown - f.StatusSteppedUp), Percent(f.StatusFamilies-f.StatusSteppedDown-f.StatusSteppedUp, f.StatusFamilies)},
			{Label("Families with a recorded status"), Count(f.StatusFamilies), Percent(f.StatusFamilies, f.StatusFamilies)},
		}}
	out = append(out, Section{Key: "outcomes", Heading: "Outcomes",
		Tables: []Table{outcomes, status}, Charts: []ChartHint{{Table: 0, Kind: "bar", LabelCol: 0, ValueCols: []int{len(outcomes.Columns) - 1}}}})
	return out
}

// ratio is a/b to one decimal place, from b people.
func ratio(a, b int) Cell {
	if b == 0 {
		return Cell{Numeric: true, Missing: true}
	}
	return Number(float64(a)/float64(b), 1, b)
}

// Tables lists every table of the sections, for a whole-dashboard export.
func Tables(sections []Section) []Table {
	var out []Table
	for _, s := range sections {
		out = append(out, s.Tables...)
	}
	return out
}

// Find returns the table with the key.
func Find(sections []Section, key string) (Table, error) {
	for _, s := range sections {
		for _, t := range s.Tables {
			if t.Key == key {
				return t, nil
			}
		}
	}
	return Table{}, fmt.Errorf("no table %q", key)
}
