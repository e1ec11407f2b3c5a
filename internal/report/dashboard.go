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
//
// Every table is built with its small counts suppressed; then, since many
// figures add up to others shown elsewhere on the dashboard (and in the
// CSV, XLSX and PDF made from the same tables), whatever could be worked out
// from the rest is hidden too (see disclosure.protect). The sums are
// declared here, beside the tables they hold in.
func Dashboard(f Figures, outcomes Table) []Section {
	period := f.From.Format("2 January 2006") + " to " + f.To.Format("2 January 2006")
	where := "every area"
	if len(f.Areas) > 0 {
		where = strings.Join(f.Areas, ", ")
	}
	scope := period + ", " + where
	unit := PeriodUnit(f.From, f.To)
	months := PeriodKeys(f.From, f.To, unit)
	d := newDisclosure()

	var out []Section

	// Referrals: by source and by area, each over the period and by month.
	// Each month's sources and its areas add up to the month's total (one
	// figure, in both monthly tables); each source's months add up to its
	// total in the by-source table, each area's to its total in the by-area
	// table; sources, areas and months all add up to the referrals received.
	// A long period is counted by quarter or by year (PeriodUnit), so that
	// ten years are not 120 rows and the counts are less often small.
	byMonth := MonthlyTable("referrals-by-month", "Referrals by "+unit+" and source", "Referrals received, "+scope+".", months, InPeriods(f.ReferralsByMonth, unit))
	bySource := CountsTable("referrals-by-source", "Referrals by source", "Who referred, "+scope+".", "Source", f.ReferralsBySource)
	byMonthArea := MonthlyTable("referrals-by-month-and-area", "Referrals by "+unit+" and area", "Referrals received, "+scope+", by the area they were received for.", months, InPeriods(f.ReferralsByMonthArea, unit))
	byArea := CountsTable("referrals-by-area", "Referrals by area", "Referrals received, "+scope+".", "Area", f.ReferralsByArea)
	d.countsTable(bySource, f.ReferralsBySource, "referrals/source", "referrals")
	d.countsTable(byArea, f.ReferralsByArea, "referrals/area", "referrals")
	d.monthlyTable(byMonth, months, "referrals/source", "referrals/month", "referrals")
	d.monthlyTable(byMonthArea, months, "referrals/area", "referrals/month", "referrals")
	// By source, over time and by area are three sections, so that each is
	// a page of its own on the dashboard (one page of all four tables was
	// 29 KB of HTML, and over a hundred areas the page's filters add 4 KB).
	referrals := newSection("referrals")
	referrals.Headline = []Headline{{"Referrals received", Count(f.Referred)}, {"Accepted", Count(f.Accepted)}}
	referrals.Tables = []Table{bySource}
	referrals.Charts = []ChartHint{{Table: 0, Kind: "bar", LabelCol: 0, ValueCols: []int{1}}}
	d.show("referrals", f.Referred, &referrals.Headline[0].Cell)
	referralTimes := newSection("referrals-over-time")
	referralTimes.Tables = []Table{byMonth}
	referralTimes.Charts = []ChartHint{{Table: 0, Kind: "line", LabelCol: 0}}
	referralAreas := newSection("referral-areas")
	referralAreas.Tables = []Table{byMonthArea, byArea}
	referralAreas.Charts = []ChartHint{{Table: 0, Kind: "line", LabelCol: 0}}
	if f.Referred == 0 {
		referrals.Empty = "No referrals were received in this period and area."
		referralTimes.Empty, referralAreas.Empty = referrals.Empty, referrals.Empty
	}
	out = append(out, referrals, referralTimes, referralAreas)

	stages := []Stage{{"Referred", f.Referred}, {"Accepted", f.Accepted}, {"Engaged", f.Engaged}, {"Completed to the baby's second birthday", f.Completed}}
	conversion := Funnel("conversion", "From referral to completion", "Referrals received "+scope+", followed to now: accepted, engaged (at least one session attended), completed (closed at the planned end).",
		stages)
	// The funnel's first stage is the referrals received; its percentages
	// would give back a hidden count, or a hidden total.
	stageNames := []string{"referrals", "conversion/accepted", "conversion/engaged", "conversion/completed"}
	for i, row := range conversion.Rows {
		d.show(stageNames[i], stages[i].N, &row[1])
		d.derive(&row[2], stageNames[i], stageNames[0])
		if i > 0 {
			d.derive(&row[3], stageNames[i], stageNames[i-1]) // #nosec G602 -- Funnel makes a row of four cells per stage, and i > 0
		}
	}
	median, ok := Median(f.FirstContactDays)
	firstContact := Table{Key: "first-contact", Title: "Time from referral to first session", Caption: "Accepted referrals received " + scope + " with a session attended.",
		Columns: []Column{{Key: "measure", Label: "Measure"}, {Key: "value", Label: "Value", Numeric: true}}}
	n := len(f.FirstContactDays)
	medianCell := Cell{Numeric: true, Missing: true}
	if ok {
		medianCell = Number(median, 1, n)
	}
	firstContact.Rows = [][]Cell{{Label("Families seen"), Count(n)}, {Label("Median days from referral to first session"), medianCell}}
	conversionSection := newSection("conversion")
	conversionSection.Tables = []Table{conversion, firstContact}
	conversionSection.Charts = []ChartHint{{Table: 0, Kind: "bar", LabelCol: 0, ValueCols: []int{1}}}
	out = append(out, conversionSection)

	// Open families by area and by stage both add up to the open families.
	openByArea := CountsTable("open-by-area", "Open families by area", "Families open today in "+where+".", "Area", f.OpenByArea)
	openByStage := CountsTable("open-by-stage", "Open families by stage", "Families open today in "+where+".", "Stage", f.OpenByStage)
	d.countsTable(openByArea, f.OpenByArea, "open/area", "open")
	d.countsTable(openByStage, f.OpenByStage, "open/stage", "open")
	caseloads := newSection("caseloads")
	caseloads.Headline = []Headline{{"Open families", Count(f.OpenFamilies)}, {"Practitioners with a caseload", Count(f.Practitioners)}}
	caseloads.Tables = []Table{
		openByArea,
		openByStage,
		{Key: "caseload-size", Title: "Parents per practitioner", Caption: "Parents allocated today in " + where + ".",
			Columns: []Column{{Key: "measure", Label: "Measure"}, {Key: "value", Label: "Value", Numeric: true}},
			Rows: [][]Cell{{Label("Parents allocated"), Count(f.ParentsAllocated)},
				{Label("Practitioners"), Count(f.Practitioners)},
				{Label("Mean parents per practitioner"), ratio(f.ParentsAllocated, f.Practitioners)},
				{Label("Largest caseload"), Number(float64(f.LargestCaseload), 0, f.Practitioners)}}},
	}
	// Whether each parent takes part adds up to the parents of open
	// families, a figure shown nowhere else. Last, so the chart's index of
	// the tables before it stays as it was.
	participation := CountsTable("parents-taking-part", "Parents taking part",
		"Co-parents of the families open today in "+where+": taking part in the programme, or not (left it and not rejoined while the other parent carries on, or not started yet and joining later).",
		"Parents", f.ParentsByParticipation)
	d.countsTable(participation, f.ParentsByParticipation, "parents", "parents/all")
	caseloads.Tables = append(caseloads.Tables, participation)
	caseloads.Charts = []ChartHint{{Table: 1, Kind: "bar", LabelCol: 0, ValueCols: []int{1}}}
	d.show("open", f.OpenFamilies, &caseloads.Headline[0].Cell)
	out = append(out, caseloads)

	// Attended, missed and cancelled by the parent add up to the sessions
	// offered; each is also a percentage of them.
	engagement := Table{Key: "engagement", Title: "Sessions offered and attended", Caption: "Sessions due to be held " + scope + ".",
		Columns: []Column{{Key: "what", Label: "What happened"}, {Key: "count", Label: "Sessions", Numeric: true}, {Key: "percent", Label: "% of offered", Numeric: true}},
		Rows: [][]Cell{
			{Label("Attended"), Count(f.SessionsAttended), Percent(f.SessionsAttended, f.Offered())},
			{Label("Did not attend"), Count(f.SessionsMissed), Percent(f.SessionsMissed, f.Offered())},
			{Label("Cancelled by the parent"), Count(f.SessionsCancelledByParent), Percent(f.SessionsCancelledByParent, f.Offered())},
			{Label("Offered (the three above)"), Count(f.Offered()), Percent(f.Offered(), f.Offered())},
			{Label("Cancelled by the practitioner (not counted as offered)"), Count(f.SessionsCancelledByStaff), {Numeric: true, Missing: true}},
		}}
	sessionNames := []string{"sessions/attended", "sessions/missed", "sessions/cancelled-by-parent", "sessions/offered"}
	for i, v := range []int{f.SessionsAttended, f.SessionsMissed, f.SessionsCancelledByParent, f.Offered()} {
		d.show(sessionNames[i], v, &engagement.Rows[i][1])
		d.derive(&engagement.Rows[i][2], sessionNames[i], sessionNames[3])
	}
	d.sum(sessionNames[3], sessionNames[:3])
	closures := CountsTable("closures-by-reason", "Closures by reason", "Cases closed "+scope+" and not re-opened.", "Reason", f.ClosuresByReason)
	d.countsTable(closures, f.ClosuresByReason, "closures", "closures/all")
	// Parents who left while the other carried on: each time, so a parent
	// who rejoined and left again counts twice. The reasons add up to their
	// total, which adds up with nothing else on the dashboard.
	departures := CountsTable("departures-by-reason", "Parents who left the programme, by reason",
		"Each time a parent left the programme "+scope+", while the other parent carried on; a parent who rejoined and left again counts each time. A parent recorded as joining later had not started, and is not counted.",
		"Reason", f.DeparturesByReason)
	d.countsTable(departures, f.DeparturesByReason, "departures", "departures/all")
	planned := 0
	for _, c := range f.ClosuresByReason {
		if c.Key == "planned_end" {
			planned = c.N
		}
	}
	retention := RetentionTable("retention", "Families still in the programme as the baby grows",
		"Families whose baby reached each age "+period+", of those accepted by then, in "+where+
			": how many were still in the programme on the day, open or completed at the planned end rather than closed early (a family re-opened by then counts as still in).",
		f.Retention)
	engagementSection := newSection("engagement")
	engagementSection.Headline = []Headline{{"% of offered sessions attended", Percent(f.SessionsAttended, f.Offered())},
		{"% of closures at the baby's second birthday", Percent(planned, f.Closures())}}
	// The parents who left come last, so that the charts' indexes of the
	// tables before them stay as they were.
	engagementSection.Tables = []Table{engagement, closures, retention, departures}
	engagementSection.Charts = []ChartHint{{Table: 1, Kind: "bar", LabelCol: 0, ValueCols: []int{1}}, {Table: 2, Kind: "bar", LabelCol: 0, ValueCols: []int{3}},
		{Table: 3, Kind: "bar", LabelCol: 0, ValueCols: []int{1}}}
	d.derive(&engagementSection.Headline[0].Cell, sessionNames[0], sessionNames[3])
	d.derive(&engagementSection.Headline[1].Cell, "closures"+sep+"planned_end", "closures/all")
	out = append(out, engagementSection)

	// Programme content: for each module, the parents completing the
	// programme who attended a session on it, and its target; each a
	// share of those parents. Neither adds up with any other figure.
	content := Table{Key: "content", Title: "Programme content delivered",
		Caption: "Parents taking part in families that completed the programme (closed at the planned end) " + scope +
			": how many attended at least one session on each module, and how many attended its target number of sessions.",
		Columns: []Column{{Key: "module", Label: "Module"}, {Key: "target", Label: "Target sessions", Numeric: true},
			{Key: "started", Label: "Parents with a session on it", Numeric: true}, {Key: "started_percent", Label: "% of parents", Numeric: true},
			{Key: "reached", Label: "Parents reaching the target", Numeric: true}, {Key: "reached_percent", Label: "% of parents", Numeric: true}}}
	for _, m := range f.Modules {
		var started, reached int
		for _, c := range f.ContentModules {
			if c.Module == m.Key {
				started, reached = c.Parents, c.Reached
			}
		}
		target := Cell{Numeric: true, Missing: true}
		if m.TargetSessions > 0 {
			target = Cell{Numeric: true, Value: float64(m.TargetSessions)} // configuration, not a count: never suppressed
		}
		row := []Cell{Label(m.Label), target, Count(started), Percent(started, f.ContentParents), Count(reached), Percent(reached, f.ContentParents)}
		d.show("content/started"+sep+m.Key, started, &row[2])
		d.derive(&row[3], "content/started"+sep+m.Key, "content/parents")
		d.show("content/reached"+sep+m.Key, reached, &row[4])
		d.derive(&row[5], "content/reached"+sep+m.Key, "content/parents")
		content.Rows = append(content.Rows, row)
	}
	contentSection := newSection("content")
	contentSection.Headline = []Headline{{"Parents completing the programme", Count(f.ContentParents)}}
	d.show("content/parents", f.ContentParents, &contentSection.Headline[0].Cell)
	contentSection.Tables = []Table{content}
	contentSection.Charts = []ChartHint{{Table: 0, Kind: "bar", LabelCol: 0, ValueCols: []int{5}}}
	switch {
	case len(f.Modules) == 0:
		contentSection.Empty = "The programme's modules are not set up: see its timeline configuration."
	case f.ContentParents == 0:
		contentSection.Empty = "No family completed the programme in this period and area."
	}
	out = append(out, contentSection)

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
	// The concerns raised are the decisions' total, shown again.
	decisions := CountsTable("concerns-by-decision", "Safeguarding concerns by decision", "Concerns raised "+scope+".", "Decision", f.ConcernsByDecision)
	d.countsTable(decisions, f.ConcernsByDecision, "concerns", "concerns/all")
	d.show("concerns/all", f.Concerns, &safe.Rows[0][1])
	safeguardingSection := newSection("safeguarding")
	safeguardingSection.Tables = []Table{safe, decisions}
	safeguardingSection.Charts = []ChartHint{{Table: 1, Kind: "bar", LabelCol: 0, ValueCols: []int{1}}}
	out = append(out, safeguardingSection)

	// Stepped down, stepped up and no change add up to the families with a
	// status, so one small group would otherwise follow from the rest.
	same := f.StatusFamilies - f.StatusSteppedDown - f.StatusSteppedUp
	status := Table{Key: "safeguarding-status", Title: "Change in safeguarding status", Caption: "Families in " + where + " with a recorded status, first status compared with the latest.",
		Columns: []Column{{Key: "change", Label: "Change"}, {Key: "count", Label: "Families", Numeric: true}, {Key: "percent", Label: "%", Numeric: true}},
		Rows: [][]Cell{
			{Label("Stepped down (for example, child protection plan to child in need)"), Count(f.StatusSteppedDown), Percent(f.StatusSteppedDown, f.StatusFamilies)},
			{Label("Stepped up"), Count(f.StatusSteppedUp), Percent(f.StatusSteppedUp, f.StatusFamilies)},
			{Label("No change"), Count(same), Percent(same, f.StatusFamilies)},
			{Label("Families with a recorded status"), Count(f.StatusFamilies), Percent(f.StatusFamilies, f.StatusFamilies)},
		}}
	statusNames := []string{"status/down", "status/up", "status/same", "status/all"}
	for i, v := range []int{f.StatusSteppedDown, f.StatusSteppedUp, same, f.StatusFamilies} {
		d.show(statusNames[i], v, &status.Rows[i][1])
		d.derive(&status.Rows[i][2], statusNames[i], statusNames[3])
	}
	d.sum(statusNames[3], statusNames[:3])
	outcomesSection := newSection("outcomes")
	outcomesSection.Tables = []Table{outcomes, status}
	outcomesSection.Charts = []ChartHint{{Table: 0, Kind: "bar", LabelCol: 0, ValueCols: []int{len(outcomes.Columns) - 1}}}
	out = append(out, outcomesSection)

	d.protect()
	return out
}

// DashboardOf lays out only the sections whose parts f holds (with the
// outcome table, if f.Parts has PartOutcomes): the cells are those Dashboard
// shows for the same figures, the parts being the disclosure control's
// islands. An export or a page that shows one section asks for its parts.
func DashboardOf(f Figures, outcomes Table) []Section {
	all := Dashboard(f, outcomes)
	out := all[:0]
	for _, s := range all {
		if info, _ := SectionFor(s.Key); info.Needs&^f.Parts == 0 {
			out = append(out, s)
		}
	}
	return out
}

// sep joins the parts of a figure's name: a category key (an area's name,
// say) may hold any printable character, but not this.
const sep = "\x00"

// countsTable declares a CountsTable's figures: each category's count is
// prefix, sep, key; its Total is total, and the categories add up to it;
// the percentages are of the total.
func (d *disclosure) countsTable(t Table, counts []KeyCount, prefix, total string) {
	if len(counts) == 0 {
		return
	}
	names := make([]string, len(counts))
	sum := 0
	for i, c := range counts {
		names[i] = prefix + sep + c.Key
		d.show(names[i], c.N, &t.Rows[i][1])
		d.derive(&t.Rows[i][2], names[i], total)
		sum += c.N
	}
	foot := t.Rows[len(counts)]
	d.show(total, sum, &foot[1])
	d.derive(&foot[2], total)
	d.sum(total, names)
}

// monthlyTable declares a MonthlyTable's figures: the count for key k in
// month m is named prefix, k, m (joined by sep), and the months add up to
// prefix, k (the figure a CountsTable of the period shows); the Total
// column is monthPrefix, m; the month's keys add up to it, and the months'
// totals to total.
func (d *disclosure) monthlyTable(t Table, months []string, prefix, monthPrefix, total string) {
	last := len(t.Columns) - 1
	columns := make([][]string, last)
	var monthTotals []string
	for i, m := range months {
		row := t.Rows[i]
		var parts []string
		for j := 1; j < last; j++ {
			name := prefix + sep + t.Columns[j].Key + sep + m
			d.show(name, int(row[j].Value), &row[j])
			parts = append(parts, name)
			columns[j] = append(columns[j], name)
		}
		mt := monthPrefix + sep + m
		d.show(mt, int(row[last].Value), &row[last])
		d.sum(mt, parts)
		monthTotals = append(monthTotals, mt)
	}
	for j := 1; j < last; j++ {
		d.sum(prefix+sep+t.Columns[j].Key, columns[j])
	}
	d.sum(total, monthTotals)
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
