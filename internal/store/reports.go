package store

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/cradle-org/cradle/internal/casework"
	"github.com/cradle-org/cradle/internal/family"
	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/referral"
	"github.com/cradle-org/cradle/internal/report"
	"github.com/cradle-org/cradle/internal/safeguarding"
	"github.com/cradle-org/cradle/internal/timeline"
)

// ReportScope is what a dashboard or export covers: calendar days From..To
// (inclusive) and a set of areas (none = every area).
type ReportScope struct {
	From, To time.Time
	AreaIDs  []int64
}

// authoriseAggregates asks the policy whether the actor may see aggregate
// figures for every area in the scope; "every area" needs a role that works
// everywhere.
func authoriseAggregates(actor policy.Actor, sc ReportScope, now time.Time) error {
	if len(sc.AreaIDs) == 0 {
		if d := policy.Decide(actor, policy.ViewAggregates, policy.Target{}, now); !d.Allowed {
			return problem.New(problem.Forbidden, "%s", d.Reason)
		}
		return nil
	}
	for _, a := range sc.AreaIDs {
		if d := policy.Decide(actor, policy.ViewAggregates, policy.Target{AreaID: a}, now); !d.Allowed {
			return problem.New(problem.Forbidden, "%s", d.Reason)
		}
	}
	return nil
}

// scopeSQL builds "AND <col> IN ($n, …)" for the scope's areas, appending
// the ids to args.
func scopeSQL(col string, sc ReportScope, args []any) (string, []any) {
	if len(sc.AreaIDs) == 0 {
		return "", args
	}
	var b strings.Builder
	b.WriteString(" AND " + col + " IN (")
	for i, a := range sc.AreaIDs {
		if i > 0 {
			b.WriteString(", ")
		}
		args = append(args, a)
		fmt.Fprintf(&b, "$%d", len(args))
	}
	b.WriteString(")")
	return b.String(), args
}

// Figures counts the programme's aggregate figures for a scope. The read is
// authorised for aggregates only and audited; nothing returned names anyone.
func (db *DB) Figures(ctx context.Context, actor policy.Actor, sc ReportScope) (report.Figures, error) {
	var f report.Figures
	err := db.View(ctx, func(tx *Tx) error {
		if err := authoriseAggregates(actor, sc, tx.now); err != nil {
			return err
		}
		v, err := db.aggregates.get("figures "+scopeDetail(sc), tx.now, func() (any, error) { return tx.figures(sc) })
		if err != nil {
			return err
		}
		f = v.(report.Figures)
		tx.Audit("report.view", "", 0, 0, scopeDetail(sc))
		return nil
	})
	return f, err
}

func scopeDetail(sc ReportScope) string {
	areas := "every area"
	if len(sc.AreaIDs) > 0 {
		areas = fmt.Sprintf("areas %v", sc.AreaIDs)
	}
	return fmt.Sprintf("%s to %s, %s", sc.From.Format(time.DateOnly), sc.To.Format(time.DateOnly), areas)
}

// figures runs the dashboard's queries. Each groups in SQL where the
// grouping is portable; months are bucketed in Go from the dates, since
// SQLite and PostgreSQL format dates differently.
func (tx *Tx) figures(sc ReportScope) (report.Figures, error) {
	from := day(sc.From)
	until := day(sc.To).AddDate(0, 0, 1) // exclusive
	f := report.Figures{From: from, To: day(sc.To), AsOf: tx.now}
	for _, id := range sc.AreaIDs {
		var name string
		if err := tx.queryRow(`SELECT name FROM areas WHERE id = $1`, id).Scan(&name); err != nil {
			return f, problem.New(problem.NotFound, "There is no area with that id")
		}
		f.Areas = append(f.Areas, name)
	}
	// One after another in one snapshot. (Run side by side in separate
	// transactions they were no faster on SQLite at 100,000 families: the
	// connections contended for locks inside the driver, and the outcome
	// table already runs beside them.)
	if err := tx.referralFigures(sc, from, until, &f); err != nil {
		return f, err
	}
	if err := tx.caseloadFigures(sc, &f); err != nil {
		return f, err
	}
	if err := tx.sessionFigures(sc, from, until, &f); err != nil {
		return f, err
	}
	if err := tx.closureFigures(sc, from, until, &f); err != nil {
		return f, err
	}
	if err := tx.retentionFigures(sc, from, until, &f); err != nil {
		return f, err
	}
	if err := tx.safeguardingFigures(sc, from, until, &f); err != nil {
		return f, err
	}
	return f, nil
}

func day(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC) }

// referralSource is the category a referral is counted under: who referred.
func referralSource(source, role string) (key, label string) {
	switch {
	case source == "self":
		return "self", "Self-referral"
	case role != "" && referral.Valid(referral.ReferrerRoles(), role):
		return role, referral.Label(referral.ReferrerRoles(), role)
	case source == "staff":
		return "staff", "Programme staff"
	}
	return "other", "Other"
}

func (tx *Tx) referralFigures(sc ReportScope, from, until time.Time, f *report.Figures) error {
	// Engagement and first contact: each accepted family's first attended
	// session (kept on family_session_facts by triggers); completion: closed
	// at the planned end and not re-opened. Area names are looked up once,
	// not joined to each referral.
	areas, err := tx.db.Areas(tx.ctx)
	if err != nil {
		return fmt.Errorf("counting referrals: %w", err)
	}
	areaNames := map[int64]string{0: "Outside every area"}
	for _, a := range areas {
		areaNames[a.ID] = a.Name
	}
	where, args := scopeSQL("r.area_id", sc, []any{from, until})
	rows, err := tx.query(`SELECT `+tx.db.timeText("r.received_at")+`, r.source, r.referrer_role, COALESCE(r.area_id, 0), COALESCE(r.family_id, 0), `+tx.db.timeText("fs.first_session_on")+`,
		CASE WHEN EXISTS (SELECT 1 FROM closures c WHERE c.family_id = r.family_id AND c.reason = 'planned_end' AND c.reopened_at IS NULL) THEN 1 ELSE 0 END
		FROM referrals r LEFT JOIN family_session_facts fs ON fs.family_id = r.family_id
		WHERE r.received_at >= $1 AND r.received_at < $2`+where, args...)
	if err != nil {
		return fmt.Errorf("counting referrals: %w", err)
	}
	type key struct{ month, source string }
	byMonth, byMonthArea := map[key]int{}, map[key]int{}
	labels := map[string]string{}
	bySource := map[string]int{}
	byArea := map[string]int{}
	for rows.Next() {
		var received, first anyTime
		var source, role string
		var areaID, familyID int64
		var completed int
		if err := rows.Scan(&received, &source, &role, &areaID, &familyID, &first, &completed); err != nil {
			return dropRows(rows, fmt.Errorf("counting referrals: %w", err))
		}
		k, l := referralSource(source, role)
		labels[k] = l
		at := received.T
		month := at.Format("2006-01")
		byMonth[key{month, k}]++
		bySource[k]++
		area := areaNames[areaID]
		byArea[area]++
		byMonthArea[key{month, area}]++
		f.Referred++
		if familyID == 0 {
			continue
		}
		f.Accepted++
		if !first.T.IsZero() {
			f.Engaged++
			f.FirstContactDays = append(f.FirstContactDays, max(day(first.T).Sub(day(at)).Hours()/24, 0))
		}
		if completed == 1 {
			f.Completed++
		}
	}
	if err := doneRows(rows); err != nil {
		return fmt.Errorf("counting referrals: %w", err)
	}
	for k, n := range byMonth {
		f.ReferralsByMonth = append(f.ReferralsByMonth, report.MonthCount{Month: k.month, Key: k.source, Label: labels[k.source], N: n})
	}
	for k, n := range byMonthArea {
		f.ReferralsByMonthArea = append(f.ReferralsByMonthArea, report.MonthCount{Month: k.month, Key: k.source, Label: k.source, N: n})
	}
	for _, mc := range [][]report.MonthCount{f.ReferralsByMonth, f.ReferralsByMonthArea} {
		sort.Slice(mc, func(i, j int) bool {
			a, b := mc[i], mc[j]
			if a.Month != b.Month {
				return a.Month < b.Month
			}
			return a.Label < b.Label
		})
	}
	f.ReferralsBySource = sortedCounts(bySource, labels)
	f.ReferralsByArea = sortedCounts(byArea, nil)
	sort.Float64s(f.FirstContactDays)
	return nil
}

func (tx *Tx) caseloadFigures(sc ReportScope, f *report.Figures) error {
	where, args := scopeSQL("f.area_id", sc, nil)
	rows, err := tx.query(`SELECT a.name, f.stage, COUNT(*) FROM families f JOIN areas a ON a.id = f.area_id
		WHERE f.stage <> 'closed'`+where+` GROUP BY a.name, f.stage`, args...)
	if err != nil {
		return fmt.Errorf("counting caseloads: %w", err)
	}
	byArea, byStage := map[string]int{}, map[string]int{}
	stageLabels := map[string]string{}
	for rows.Next() {
		var area, stage string
		var n int
		if err := rows.Scan(&area, &stage, &n); err != nil {
			return dropRows(rows, fmt.Errorf("counting caseloads: %w", err))
		}
		byArea[area] += n
		byStage[stage] += n
		stageLabels[stage] = family.Stage(stage).Label()
		f.OpenFamilies += n
	}
	if err := doneRows(rows); err != nil {
		return fmt.Errorf("counting caseloads: %w", err)
	}
	f.OpenByArea = sortedCounts(byArea, nil)
	for _, s := range family.Stages() {
		if n, ok := byStage[string(s)]; ok {
			f.OpenByStage = append(f.OpenByStage, report.KeyCount{Key: string(s), Label: stageLabels[string(s)], N: n})
		}
	}
	rows, err = tx.query(`SELECT al.staff_id, COUNT(*) FROM allocations al JOIN families f ON f.id = al.family_id
		WHERE al.ended_at IS NULL AND f.stage <> 'closed'`+where+` GROUP BY al.staff_id`, args...)
	if err != nil {
		return fmt.Errorf("counting allocations: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var staffID int64
		var n int
		if err := rows.Scan(&staffID, &n); err != nil {
			return fmt.Errorf("counting allocations: %w", err)
		}
		f.Practitioners++
		f.ParentsAllocated += n
		f.LargestCaseload = max(f.LargestCaseload, n)
	}
	return rows.Err()
}

// sessionFigures sums the session counts that triggers keep by area
// (migration 14): whole months from session_counts_month, the days at
// either end of the range from session_counts_day.
func (tx *Tx) sessionFigures(sc ReportScope, from, until time.Time, f *report.Figures) error {
	counts := map[string]int{}
	sum := func(q string, lo, hi string) error {
		where, args := scopeSQL("area_id", sc, []any{lo, hi})
		rows, err := tx.query(q+where+` GROUP BY attendance`, args...)
		if err != nil {
			return fmt.Errorf("counting sessions: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var att string
			var n int
			if err := rows.Scan(&att, &n); err != nil {
				return fmt.Errorf("counting sessions: %w", err)
			}
			counts[att] += n
		}
		return rows.Err()
	}
	days := func(lo, hi time.Time) error {
		if !lo.Before(hi) {
			return nil
		}
		return sum(`SELECT attendance, SUM(n) FROM session_counts_day WHERE day >= $1 AND day < $2`, lo.Format(time.DateOnly), hi.Format(time.DateOnly))
	}
	firstMonth := time.Date(from.Year(), from.Month(), 1, 0, 0, 0, 0, time.UTC)
	if firstMonth.Before(from) {
		firstMonth = firstMonth.AddDate(0, 1, 0)
	}
	endMonth := time.Date(until.Year(), until.Month(), 1, 0, 0, 0, 0, time.UTC)
	if !firstMonth.Before(endMonth) {
		if err := days(from, until); err != nil {
			return err
		}
	} else {
		if err := sum(`SELECT attendance, SUM(n) FROM session_counts_month WHERE month >= $1 AND month < $2`, firstMonth.Format("2006-01"), endMonth.Format("2006-01")); err != nil {
			return err
		}
		if err := days(from, firstMonth); err != nil {
			return err
		}
		if err := days(endMonth, until); err != nil {
			return err
		}
	}
	f.SessionsAttended = counts["attended"]
	f.SessionsMissed = counts["did_not_attend"]
	f.SessionsCancelledByParent = counts["cancelled_by_parent"]
	f.SessionsCancelledByStaff = counts["cancelled_by_practitioner"]
	return nil
}

func (tx *Tx) closureFigures(sc ReportScope, from, until time.Time, f *report.Figures) error {
	where, args := scopeSQL("f.area_id", sc, []any{from, until})
	rows, err := tx.query(`SELECT c.reason, COUNT(*) FROM closures c JOIN families f ON f.id = c.family_id
		WHERE c.reopened_at IS NULL AND c.closed_on >= $1 AND c.closed_on < $2`+where+` GROUP BY c.reason`, args...)
	if err != nil {
		return fmt.Errorf("counting closures: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var reason string
		var n int
		if err := rows.Scan(&reason, &n); err != nil {
			return fmt.Errorf("counting closures: %w", err)
		}
		f.ClosuresByReason = append(f.ClosuresByReason, report.KeyCount{Key: reason, Label: casework.Label(casework.ClosureReasons(), reason), N: n})
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("counting closures: %w", err)
	}
	order := map[string]int{}
	for i, o := range casework.ClosureReasons() {
		order[o.Value] = i + 1
	}
	sort.Slice(f.ClosuresByReason, func(i, j int) bool {
		return order[f.ClosuresByReason[i].Key] < order[f.ClosuresByReason[j].Key]
	})
	return nil
}

// retentionFigures counts, for each of report.RetentionAges, the families
// whose baby reached that age on a day in the range (and not after today),
// having been accepted by then, and how many of them were still in the
// programme that day (report.EngagedOn). The day is the timeline's
// (timeline.DateAtMonths), so a family's retention is judged on the same day
// as its milestones. Twins count once, from the first birth recorded.
func (tx *Tx) retentionFigures(sc ReportScope, from, until time.Time, f *report.Figures) error {
	ages := report.RetentionAges()
	today := day(tx.now)
	// Babies born early enough to reach the first age, and late enough to
	// reach the last, in the range; a month's margin either side, since
	// DateAtMonths clamps to the end of a month.
	// Each baby's family comes with its closures, in one read.
	where, args := scopeSQL("f.area_id", sc, []any{from.AddDate(0, -ages[len(ages)-1]-1, 0), until.AddDate(0, -ages[0]+1, 0)})
	rows, err := tx.query(`SELECT f.id, `+tx.db.timeText("f.accepted_on")+`, `+tx.db.timeText("p.date_of_birth")+`,
		COALESCE(c.id, 0), COALESCE(c.kind, ''), `+tx.db.timeText("c.closed_on")+`, `+tx.db.timeText("c.reopened_at")+`
		FROM families f JOIN people p ON p.family_id = f.id LEFT JOIN closures c ON c.family_id = f.id
		WHERE p.kind = 'baby' AND p.date_of_birth IS NOT NULL AND f.accepted_on IS NOT NULL
		AND p.date_of_birth >= $1 AND p.date_of_birth < $2`+where+` ORDER BY f.id, p.date_of_birth`, args...)
	if err != nil {
		return fmt.Errorf("counting retention: %w", err)
	}
	type baby struct{ accepted, born time.Time }
	babies := map[int64]baby{}
	var ids []int64
	closures := map[int64][]report.Closure{}
	seen := map[int64]bool{} // twins bring their family's closures twice
	for rows.Next() {
		var id, closureID int64
		var kind string
		var accepted, born, on, reopened anyTime
		if err := rows.Scan(&id, &accepted, &born, &closureID, &kind, &on, &reopened); err != nil {
			return dropRows(rows, fmt.Errorf("counting retention: %w", err))
		}
		if _, ok := babies[id]; !ok {
			babies[id] = baby{day(accepted.T), day(born.T)}
			ids = append(ids, id)
		}
		if closureID != 0 && !seen[closureID] {
			seen[closureID] = true
			closures[id] = append(closures[id], report.Closure{On: on.T, Early: kind != "planned", Reopened: reopened.T})
		}
	}
	if err := doneRows(rows); err != nil {
		return fmt.Errorf("counting retention: %w", err)
	}
	for _, months := range ages {
		r := report.Retention{Months: months}
		for _, id := range ids {
			b := babies[id]
			at := timeline.DateAtMonths(b.born, months)
			if at.Before(from) || !at.Before(until) || at.After(today) || b.accepted.After(at) {
				continue
			}
			r.Reached++
			if report.EngagedOn(closures[id], at) {
				r.Engaged++
			}
		}
		f.Retention = append(f.Retention, r)
	}
	return nil
}

func (tx *Tx) safeguardingFigures(sc ReportScope, from, until time.Time, f *report.Figures) error {
	where, args := scopeSQL("c.area_id", sc, []any{from, until})
	rows, err := tx.query(`SELECT c.decision, `+tx.db.timeText("c.raised_at")+`, `+tx.db.timeText("c.decision_due_at")+`, `+tx.db.timeText("c.decided_at")+` FROM safeguarding_concerns c
		WHERE c.raised_at >= $1 AND c.raised_at < $2`+where, args...)
	if err != nil {
		return fmt.Errorf("counting concerns: %w", err)
	}
	byDecision := map[string]int{}
	labels := map[string]string{}
	for rows.Next() {
		var decision string
		var raised, due, decided anyTime
		if err := rows.Scan(&decision, &raised, &due, &decided); err != nil {
			return dropRows(rows, fmt.Errorf("counting concerns: %w", err))
		}
		f.Concerns++
		if decision == "" {
			decision = "awaiting"
			labels[decision] = "Awaiting a decision"
		} else {
			labels[decision] = safeguarding.Decision(decision).Label()
		}
		byDecision[decision]++
		if d := decided.T; !d.IsZero() {
			f.DecisionHours = append(f.DecisionHours, d.Sub(raised.T).Hours())
			if !d.After(due.T) {
				f.DecidedInTime++
			}
		}
	}
	if err := doneRows(rows); err != nil {
		return fmt.Errorf("counting concerns: %w", err)
	}
	f.ConcernsByDecision = sortedCounts(byDecision, labels)
	sort.Float64s(f.DecisionHours)

	fw, fargs := scopeSQL("f.area_id", sc, []any{from, until})
	count := func(q string) (int, error) {
		var n int
		err := tx.queryRow(q+fw, fargs...).Scan(&n)
		return n, err
	}
	var err2 error
	if f.MARACReferrals, err2 = count(`SELECT COUNT(*) FROM marac_referrals m JOIN families f ON f.id = m.family_id WHERE m.referred_on >= $1 AND m.referred_on < $2`); err2 != nil {
		return fmt.Errorf("counting MARAC referrals: %w", err2)
	}
	if f.SafetyPlans, err2 = count(`SELECT COUNT(*) FROM safety_plans p JOIN families f ON f.id = p.family_id WHERE p.created_at >= $1 AND p.created_at < $2`); err2 != nil {
		return fmt.Errorf("counting safety plans: %w", err2)
	}
	if f.SafetyPlanReviews, err2 = count(`SELECT COUNT(*) FROM safety_plan_reviews v JOIN safety_plans p ON p.id = v.plan_id JOIN families f ON f.id = p.family_id
		WHERE v.reviewed_on >= $1 AND v.reviewed_on < $2`); err2 != nil {
		return fmt.Errorf("counting safety plan reviews: %w", err2)
	}

	// Safeguarding status history: compare each family's first and latest
	// status (ordered by severity) for families in scope.
	sw, sargs := scopeSQL("f.area_id", sc, nil)
	rows, err = tx.query(`SELECT h.family_id, h.status FROM safeguarding_status_history h JOIN families f ON f.id = h.family_id
		WHERE 1 = 1`+sw+` ORDER BY h.family_id, h.from_date, h.id`, sargs...)
	if err != nil {
		return fmt.Errorf("reading status history: %w", err)
	}
	defer rows.Close()
	type span struct{ first, last string }
	spans := map[int64]*span{}
	var order []int64
	for rows.Next() {
		var id int64
		var status string
		if err := rows.Scan(&id, &status); err != nil {
			return fmt.Errorf("reading status history: %w", err)
		}
		if spans[id] == nil {
			spans[id] = &span{first: status}
			order = append(order, id)
		}
		spans[id].last = status
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("reading status history: %w", err)
	}
	for _, id := range order {
		s := spans[id]
		f.StatusFamilies++
		switch a, b := statusSeverity(s.first), statusSeverity(s.last); {
		case b < a:
			f.StatusSteppedDown++
		case b > a:
			f.StatusSteppedUp++
		}
	}
	return nil
}

// statusSeverity orders safeguarding statuses: none < child in need < child
// protection plan < looked after.
func statusSeverity(s string) int {
	switch s {
	case "child_in_need":
		return 1
	case "child_protection_plan":
		return 2
	case "looked_after":
		return 3
	}
	return 0
}

// sortedCounts turns a map into counts sorted by size (largest first), then
// label.
func sortedCounts(m map[string]int, labels map[string]string) []report.KeyCount {
	out := make([]report.KeyCount, 0, len(m))
	for k, n := range m {
		l := k
		if labels != nil && labels[k] != "" {
			l = labels[k]
		}
		out = append(out, report.KeyCount{Key: k, Label: l, N: n})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].N != out[j].N {
			return out[i].N > out[j].N
		}
		return out[i].Label < out[j].Label
	})
	return out
}

// chunks splits ids so that IN lists stay within every driver's limits.
func chunks(ids []int64, size int) [][]int64 {
	var out [][]int64
	for len(ids) > size {
		out = append(out, ids[:size])
		ids = ids[size:]
	}
	if len(ids) > 0 {
		out = append(out, ids)
	}
	return out
}

// OutcomeInstrument is what the change table needs to know of a measure.
type OutcomeInstrument struct {
	Key, Label     string
	Direction      report.Direction
	ReliableChange float64
	Order          []string // timepoint keys, baseline first
}

// OutcomeChange compares each person's baseline score with their latest
// later score on each measure, for people in the scope's areas whose
// follow-up was taken in the date range, and summarises the change per
// measure (mean change, effect size, % reliable improvement), suppressing
// small numbers. Aggregates only; authorised and audited like Figures.
func (db *DB) OutcomeChange(ctx context.Context, actor policy.Actor, sc ReportScope, instruments []OutcomeInstrument) (report.Table, error) {
	var t report.Table
	err := db.View(ctx, func(tx *Tx) error {
		if err := authoriseAggregates(actor, sc, tx.now); err != nil {
			return err
		}
		keys := make([]string, len(instruments))
		for i, in := range instruments {
			keys[i] = in.Key
		}
		v, err := db.aggregates.get(fmt.Sprintf("outcomes %s %v", scopeDetail(sc), keys), tx.now, func() (any, error) { return tx.outcomeChange(sc, instruments) })
		if err != nil {
			return err
		}
		t = v.(report.Table)
		tx.Audit("report.outcomes.view", "", 0, 0, scopeDetail(sc))
		return nil
	})
	return t, err
}

// outcomeChange pairs each person's baseline with their latest follow-up,
// per instrument (see OutcomeChange).
func (tx *Tx) outcomeChange(sc ReportScope, instruments []OutcomeInstrument) (report.Table, error) {
	// Every score is read (a million at national scale) from one covering
	// index in person order (migration 17) and paired as it streams, so
	// nothing is held per person. The database turns each row into
	// integers (which configured instrument, which timepoint rank, whether
	// it was taken in the range) so no text or date is read per row.
	from, until := day(sc.From).Format(time.DateOnly), day(sc.To).AddDate(0, 0, 1).Format(time.DateOnly)
	args := []any{from, until}
	param := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	caption := "Each person's baseline score against their latest follow-up, for follow-ups taken " +
		sc.From.Format("2 January 2006") + " to " + sc.To.Format("2 January 2006") + "."
	if len(instruments) == 0 {
		return report.ChangeTable("outcome-change", "Change in outcome measures", caption, nil), nil
	}
	// Each row's code says which configured instrument (0, 1, …), the
	// timepoint's rank in its order (baseline 1) and whether it was taken
	// in the range, as (instrument*ranks + rank)*2 + inRange: one integer,
	// since the driver's cost is per column. A timepoint no longer
	// configured ranks 0, and an instrument no longer configured gives a
	// negative code; both are left out. (Filtering instruments in WHERE
	// would lead the planner away from the covering index.)
	ranks := 1
	for _, in := range instruments {
		ranks = max(ranks, len(in.Order)+1)
	}
	var code strings.Builder
	code.WriteString("CASE m.instrument")
	for i, in := range instruments {
		fmt.Fprintf(&code, " WHEN %s THEN %d + CASE m.timepoint", param(in.Key), i*ranks)
		for r, tp := range in.Order {
			fmt.Fprintf(&code, " WHEN %s THEN %d", param(tp), r+1)
		}
		code.WriteString(" ELSE 0 END")
	}
	code.WriteString(" ELSE -1 END")
	// Only people with a score taken in the range can have their latest
	// follow-up there. Across every area that narrows a national read to
	// the range's people; a range from before the first score, or a few
	// areas' families (found by area first), need no such filter.
	where, args := scopeSQL("area_id", sc, args)
	filter := ""
	if where != "" {
		filter = ` AND m.family_id IN (SELECT id FROM families WHERE 1 = 1` + where + `)`
	} else {
		var first anyTime
		if err := tx.queryRow(`SELECT MIN(taken_on) FROM measure_results WHERE removed_at IS NULL`).Scan(&first); err != nil {
			return report.Table{}, fmt.Errorf("reading outcome scores: %w", err)
		}
		if day(first.T).Before(day(sc.From)) {
			filter = ` AND m.person_id IN (SELECT person_id FROM measure_results WHERE removed_at IS NULL AND taken_on >= $1 AND taken_on < $2)`
		}
	}
	rows, err := tx.query(`SELECT m.person_id, (`+code.String()+`) * 2 + CASE WHEN m.taken_on >= $1 AND m.taken_on < $2 THEN 1 ELSE 0 END, m.score
		FROM measure_results m
		WHERE m.removed_at IS NULL AND m.score IS NOT NULL`+filter+`
		ORDER BY m.person_id, m.instrument`, args...)
	if err != nil {
		return report.Table{}, fmt.Errorf("reading outcome scores: %w", err)
	}
	pairs := make([][]report.Pair, len(instruments))
	// One person's scores on one instrument arrive together; the pair is
	// their baseline and their highest-ranked later score.
	type group struct {
		person           int64
		instrument       int
		hasBase, hasLast bool
		base, last       float64
		lastRank         int
		lastInRange      bool
	}
	var g group // person 0: no one yet (ids start at 1), so flushing it adds nothing
	flush := func() {
		if g.hasBase && g.hasLast && g.lastInRange {
			pairs[g.instrument] = append(pairs[g.instrument], report.Pair{Before: g.base, After: g.last})
		}
	}
	for rows.Next() {
		var person int64
		var c int
		var score float64
		if err := rows.Scan(&person, &c, &score); err != nil {
			return report.Table{}, dropRows(rows, fmt.Errorf("reading outcome scores: %w", err))
		}
		if c < 0 {
			continue // an instrument no longer configured
		}
		inRange := c % 2
		instrument, r := c/2/ranks, c/2%ranks
		if r == 0 {
			continue // a timepoint no longer configured
		}
		if person != g.person || instrument != g.instrument {
			flush()
			g = group{person: person, instrument: instrument}
		}
		switch {
		case r == 1:
			g.hasBase, g.base = true, score
		case !g.hasLast || r > g.lastRank:
			g.hasLast, g.last, g.lastRank, g.lastInRange = true, score, r, inRange == 1
		}
	}
	flush()
	if err := doneRows(rows); err != nil {
		return report.Table{}, fmt.Errorf("reading outcome scores: %w", err)
	}
	var out []report.ChangeRow
	for i, in := range instruments {
		if len(pairs[i]) == 0 {
			continue // nobody has both scores: nothing to say
		}
		out = append(out, report.ChangeRow{Measure: in.Label, Change: report.Change(pairs[i], in.Direction, in.ReliableChange)})
	}
	return report.ChangeTable("outcome-change", "Change in outcome measures", caption, out), nil
}
