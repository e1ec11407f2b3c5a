package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"
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
			return d.Err()
		}
		return nil
	}
	for _, a := range sc.AreaIDs {
		if d := policy.Decide(actor, policy.ViewAggregates, policy.Target{AreaID: a}, now); !d.Allowed {
			return d.Err()
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

// Figures counts all the programme's aggregate figures for a scope (every
// part but the outcome table); see FiguresFor.
func (db *DB) Figures(ctx context.Context, actor policy.Actor, sc ReportScope) (report.Figures, error) {
	return db.FiguresFor(ctx, actor, sc, report.FigureParts)
}

// FiguresFor counts the parts of the aggregate figures asked for (a page
// showing one section of the dashboard asks for its own). The read is
// authorised for aggregates only and audited; nothing returned names
// anyone. Each part is kept for a few minutes (aggregateCache) on its own,
// so the figures' AsOf is when the oldest part was read.
func (db *DB) FiguresFor(ctx context.Context, actor policy.Actor, sc ReportScope, parts report.Part) (report.Figures, error) {
	var f report.Figures
	err := db.View(ctx, func(tx *Tx) error {
		if err := authoriseAggregates(actor, sc, tx.now); err != nil {
			return err
		}
		var err error
		if f, err = tx.scopeFigures(sc); err != nil {
			return err
		}
		for _, r := range figureReads {
			if parts&r.part == 0 {
				continue
			}
			v, err := db.aggregates.get("figures "+r.name+" "+scopeDetail(sc), tx.now, func() (any, error) {
				return tx.figurePart(r.read, sc)
			})
			if err != nil {
				return err
			}
			f.Merge(v.(report.Figures), r.part)
		}
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

// figureRead reads one part of the figures for the days from..until
// (exclusive) into f.
type figureRead func(tx *Tx, sc ReportScope, from, until time.Time, f *report.Figures) error

// figureReads are the parts of the dashboard's figures and how each is
// read. Each groups in SQL where the grouping is portable; the monthly
// summaries' months were written by their triggers, in each dialect's own
// date functions. Every read is of an index or summary in its own order:
// looked up row by row, SQLite's small page cache once full read the same
// pages again and again, and the same query ran four to eight times slower
// on one connection than on the next.
var figureReads = []struct {
	part report.Part
	name string
	read figureRead
}{
	{report.PartReferrals, "referrals", (*Tx).referralFigures},
	{report.PartCaseloads, "caseloads", func(tx *Tx, sc ReportScope, _, _ time.Time, f *report.Figures) error {
		return tx.caseloadFigures(sc, f)
	}},
	{report.PartEngagement, "engagement", func(tx *Tx, sc ReportScope, from, until time.Time, f *report.Figures) error {
		if err := tx.sessionFigures(sc, from, until, f); err != nil {
			return err
		}
		if err := tx.closureFigures(sc, from, until, f); err != nil {
			return err
		}
		return tx.retentionFigures(sc, from, until, f)
	}},
	{report.PartSafeguarding, "safeguarding", (*Tx).safeguardingFigures},
	{report.PartStatus, "status", func(tx *Tx, sc ReportScope, _, _ time.Time, f *report.Figures) error {
		return tx.statusFigures(sc, f)
	}},
	{report.PartContent, "content", (*Tx).contentFigures},
}

// contentFigures sums, over the families that completed the programme in
// the range (closed at the planned end, not since re-opened), their
// parents taking part and, for each module, those who attended a session
// on it and those who reached its target: completed_content, which
// triggers keep (migration 63), in one read of its index.
func (tx *Tx) contentFigures(sc ReportScope, from, until time.Time, f *report.Figures) error {
	where, args := scopeSQL("area_id", sc, []any{from, until})
	rows, err := tx.query(`SELECT module, SUM(parents), SUM(reached) FROM completed_content
		WHERE closed_on >= $1 AND closed_on < $2`+where+` GROUP BY module ORDER BY module`, args...)
	if err != nil {
		return fmt.Errorf("counting the programme content delivered: %w", err)
	}
	for rows.Next() {
		var m report.ModuleContent
		if err := rows.Scan(&m.Module, &m.Parents, &m.Reached); err != nil {
			return dropRows(rows, fmt.Errorf("counting the programme content delivered: %w", err))
		}
		if m.Module == "*" {
			f.ContentParents = m.Parents
			continue
		}
		f.ContentModules = append(f.ContentModules, m)
	}
	if err := doneRows(rows); err != nil {
		return fmt.Errorf("counting the programme content delivered: %w", err)
	}
	return nil
}

// SetModuleTargets records the programme's modules' target numbers of
// sessions (the timeline configuration's), against which the programme
// content figures count a parent as reaching a module's target. When they
// differ from those recorded, every completed family's content is worked
// out again (migration 63 starts with the shipped timeline's).
func (db *DB) SetModuleTargets(ctx context.Context, modules []timeline.Module) error {
	want := map[string]int{}
	for _, m := range modules {
		if m.Key == "" || m.Key == "*" {
			return problem.New(problem.Invalid, "A module's key must not be empty or *")
		}
		want[m.Key] = m.TargetSessions
	}
	// Read first, so that unchanged targets write nothing.
	rows, err := db.query(ctx, `SELECT module, target FROM module_targets`)
	if err != nil {
		return fmt.Errorf("reading the module targets: %w", err)
	}
	current := map[string]int{}
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			return dropRows(rows, fmt.Errorf("reading the module targets: %w", err))
		}
		current[k] = n
	}
	if err := doneRows(rows); err != nil {
		return fmt.Errorf("reading the module targets: %w", err)
	}
	if maps.Equal(current, want) {
		return nil
	}
	return db.Update(ctx, func(tx *Tx) error {
		if _, err := tx.exec(`DELETE FROM module_targets`); err != nil {
			return fmt.Errorf("recording the module targets: %w", err)
		}
		keys := slices.Sorted(maps.Keys(want))
		for _, k := range keys {
			if _, err := tx.exec(`INSERT INTO module_targets (module, target) VALUES ($1, $2)`, k, want[k]); err != nil {
				return fmt.Errorf("recording the module targets: %w", err)
			}
		}
		if _, err := tx.exec(`DELETE FROM completed_content`); err != nil {
			return fmt.Errorf("working out the programme content delivered: %w", err)
		}
		for _, q := range completedContentRebuild {
			if _, err := tx.exec(q); err != nil {
				return fmt.Errorf("working out the programme content delivered: %w", err)
			}
		}
		var b strings.Builder
		for i, k := range keys {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%s %d", k, want[k])
		}
		tx.Audit("report.content.targets", "", 0, 0, b.String())
		return nil
	})
}

// completedContentRebuild works out every completed family's content under
// module_targets: the backfill of migration 63, in both dialects.
var completedContentRebuild = []string{`INSERT INTO completed_content (family_id, module, closed_on, area_id, parents, reached)
    SELECT c.family_id, '*', c.closed_on, f.area_id, COUNT(*), 0
    FROM (SELECT family_id, MAX(closed_on) AS closed_on FROM closures WHERE reason = 'planned_end' AND reopened_at IS NULL GROUP BY family_id) c
        JOIN families f ON f.id = c.family_id JOIN people p ON p.family_id = c.family_id AND p.kind = 'parent' AND p.active
    GROUP BY c.family_id, c.closed_on, f.area_id`,
	`INSERT INTO completed_content (family_id, module, closed_on, area_id, parents, reached)
    SELECT c.family_id, m.module, c.closed_on, f.area_id, COUNT(*), SUM(CASE WHEN t.target > 0 AND m.attended >= t.target THEN 1 ELSE 0 END)
    FROM (SELECT family_id, MAX(closed_on) AS closed_on FROM closures WHERE reason = 'planned_end' AND reopened_at IS NULL GROUP BY family_id) c
        JOIN families f ON f.id = c.family_id JOIN people p ON p.family_id = c.family_id AND p.kind = 'parent' AND p.active
        JOIN person_module_sessions m ON m.person_id = p.id AND m.attended > 0 LEFT JOIN module_targets t ON t.module = m.module
    GROUP BY c.family_id, m.module, c.closed_on, f.area_id`}

// scopeFigures starts a scope's figures: its days and its areas' names.
func (tx *Tx) scopeFigures(sc ReportScope) (report.Figures, error) {
	f := report.Figures{From: day(sc.From), To: day(sc.To)}
	for _, id := range sc.AreaIDs {
		var name string
		if err := tx.queryRow(`SELECT name FROM areas WHERE id = $1`, id).Scan(&name); err != nil {
			return f, problem.New(problem.NotFound, "There is no area with that id")
		}
		f.Areas = append(f.Areas, name)
	}
	return f, nil
}

// figurePart reads one part of a scope's figures, as of now.
func (tx *Tx) figurePart(read figureRead, sc ReportScope) (report.Figures, error) {
	f := report.Figures{AsOf: tx.now}
	err := read(tx, sc, day(sc.From), day(sc.To).AddDate(0, 0, 1), &f)
	return f, err
}

// familyJoin joins each row's family (as f) when the scope names areas
// (where, from scopeSQL, filters on f.area_id); across every area it is
// not needed, and counting without it reads only the rows' own index.
func familyJoin(where, familyID string) string {
	if where == "" {
		return ""
	}
	return " JOIN families f ON f.id = " + familyID
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
	// Each referral's facts (accepted; days to its family's first attended
	// session; completed, closed at the planned end and not re-opened) are
	// kept by triggers (migration 18): whole months are summed from their
	// monthly counts, the days at either end of the range from the facts.
	// Area names are looked up once.
	areas, err := tx.db.Areas(tx.ctx)
	if err != nil {
		return fmt.Errorf("counting referrals: %w", err)
	}
	areaNames := map[int64]string{0: "Outside every area"}
	for _, a := range areas {
		areaNames[a.ID] = a.Name
	}
	parts := splitRange(from, until)
	// each runs the monthly query over the whole months and the facts query
	// over the days at either end ({scope}: the areas), giving fn every row
	// of both.
	each := func(months, days string, fn func(rows *sql.Rows) error) error {
		run := func(q string, lo, hi string) error {
			where, args := scopeSQL("area_id", sc, []any{lo, hi})
			if err := tx.each(strings.Replace(q, "{scope}", where, 1), args, fn); err != nil {
				return fmt.Errorf("counting referrals: %w", err)
			}
			return nil
		}
		if parts.months[0] != "" {
			if err := run(months, parts.months[0], parts.months[1]); err != nil {
				return err
			}
		}
		for _, d := range parts.days {
			if err := run(days, d[0].Format(time.DateOnly), d[1].Format(time.DateOnly)); err != nil {
				return err
			}
		}
		return nil
	}
	type key struct{ month, source string }
	byMonth, byMonthArea := map[key]int{}, map[key]int{}
	labels := map[string]string{}
	bySource := map[string]int{}
	byArea := map[string]int{}
	// Counts that fell back to 0 (a referral deleted or moved) are no
	// figure: skipped, as if never counted.
	err = each(`SELECT month, source, referrer_role, SUM(n), SUM(accepted), SUM(engaged), SUM(completed) FROM referral_counts_month
		WHERE month >= $1 AND month < $2{scope} GROUP BY month, source, referrer_role`,
		`SELECT month, source, referrer_role, COUNT(*), SUM(accepted), COUNT(first_contact_days), SUM(completed) FROM referral_facts
		WHERE received_on >= $1 AND received_on < $2{scope} GROUP BY month, source, referrer_role`,
		func(rows *sql.Rows) error {
			var month, source, role string
			var n, accepted, engaged, completed int
			if err := rows.Scan(&month, &source, &role, &n, &accepted, &engaged, &completed); err != nil || n == 0 {
				return err
			}
			k, l := referralSource(source, role)
			labels[k] = l
			byMonth[key{month, k}] += n
			bySource[k] += n
			f.Referred += n
			f.Accepted += accepted
			f.Engaged += engaged
			f.Completed += completed
			return nil
		})
	if err != nil {
		return err
	}
	err = each(`SELECT month, area_id, SUM(n) FROM referral_counts_month WHERE month >= $1 AND month < $2{scope} GROUP BY month, area_id`,
		`SELECT month, area_id, COUNT(*) FROM referral_facts WHERE received_on >= $1 AND received_on < $2{scope} GROUP BY month, area_id`,
		func(rows *sql.Rows) error {
			var month string
			var areaID int64
			var n int
			if err := rows.Scan(&month, &areaID, &n); err != nil || n == 0 {
				return err
			}
			area := areaNames[areaID]
			byArea[area] += n
			byMonthArea[key{month, area}] += n
			return nil
		})
	if err != nil {
		return err
	}
	// Days to first contact, counted by number of days; a first session
	// recorded before the referral counts as none.
	err = each(`SELECT days, SUM(n) FROM first_contact_counts_month WHERE month >= $1 AND month < $2{scope} GROUP BY days`,
		`SELECT first_contact_days, COUNT(*) FROM referral_facts WHERE received_on >= $1 AND received_on < $2{scope}
		AND first_contact_days IS NOT NULL GROUP BY first_contact_days`,
		func(rows *sql.Rows) error {
			var days, n int
			if err := rows.Scan(&days, &n); err != nil {
				return err
			}
			for range n {
				f.FirstContactDays = append(f.FirstContactDays, max(float64(days), 0))
			}
			return nil
		})
	if err != nil {
		return err
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
	// Current allocations of the open families, found once (tens of
	// thousands, held in memory) and matched as the allocations are read in
	// order: joining each allocation to its family looked up 200,000
	// families (300 ms at 100,000 families), most of them closed.
	// (The unary + keeps SQLite reading the allocations in order from their
	// index, migration 18, rather than looking them up family by family.)
	rows, err = tx.query(`SELECT staff_id, COUNT(*) FROM allocations
		WHERE ended_at IS NULL AND +family_id IN (SELECT f.id FROM families f WHERE f.stage <> 'closed'`+where+`) GROUP BY staff_id`, args...)
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
	if err := doneRows(rows); err != nil {
		return fmt.Errorf("counting allocations: %w", err)
	}
	return tx.participationFigures(where, args, f)
}

// participationFigures counts the co-parents of open families taking part
// in the programme, and those not: left it (and not rejoined) or joining
// later, as the parent's own page and the caseload say (people.active and
// their current departure's reason). Every category is listed, 0 included,
// so the table's rows never depend on the figures.
func (tx *Tx) participationFigures(where string, args []any, f *report.Figures) error {
	rows, err := tx.query(`SELECT CASE WHEN p.active THEN 'taking_part' WHEN `+joiningLater+` THEN 'joining_later' ELSE 'left' END, COUNT(*)
		FROM people p JOIN families f ON f.id = p.family_id
		WHERE p.kind = 'parent' AND f.stage <> 'closed'`+where+` GROUP BY 1`, args...)
	if err != nil {
		return fmt.Errorf("counting parents taking part: %w", err)
	}
	counts := map[string]int{}
	for rows.Next() {
		var key string
		var n int
		if err := rows.Scan(&key, &n); err != nil {
			return dropRows(rows, fmt.Errorf("counting parents taking part: %w", err))
		}
		counts[key] = n
	}
	if err := doneRows(rows); err != nil {
		return fmt.Errorf("counting parents taking part: %w", err)
	}
	f.ParentsByParticipation = []report.KeyCount{
		{Key: "taking_part", Label: "Taking part", N: counts["taking_part"]},
		{Key: "left", Label: "Left the programme (not rejoined)", N: counts["left"]},
		{Key: "joining_later", Label: "Joining later", N: counts["joining_later"]},
	}
	return nil
}

// sessionFigures sums the session counts that triggers keep by area
// (migration 14): whole months from session_counts_month, the days at
// either end of the range from session_counts_day.
// rangeParts is a range of days [from, until) as the monthly summaries
// answer it: whole months [months[0], months[1]) ("2006-01"; none if
// months[0] is empty) and the days at either end, each [lo, hi).
type rangeParts struct {
	months [2]string
	days   [][2]time.Time
}

func splitRange(from, until time.Time) rangeParts {
	firstMonth := time.Date(from.Year(), from.Month(), 1, 0, 0, 0, 0, time.UTC)
	if firstMonth.Before(from) {
		firstMonth = firstMonth.AddDate(0, 1, 0)
	}
	endMonth := time.Date(until.Year(), until.Month(), 1, 0, 0, 0, 0, time.UTC)
	if !firstMonth.Before(endMonth) {
		if !from.Before(until) {
			return rangeParts{}
		}
		return rangeParts{days: [][2]time.Time{{from, until}}}
	}
	p := rangeParts{months: [2]string{firstMonth.Format("2006-01"), endMonth.Format("2006-01")}}
	if from.Before(firstMonth) {
		p.days = append(p.days, [2]time.Time{from, firstMonth})
	}
	if endMonth.Before(until) {
		p.days = append(p.days, [2]time.Time{endMonth, until})
	}
	return p
}

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
	parts := splitRange(from, until)
	if parts.months[0] != "" {
		if err := sum(`SELECT attendance, SUM(n) FROM session_counts_month WHERE month >= $1 AND month < $2`, parts.months[0], parts.months[1]); err != nil {
			return err
		}
	}
	for _, d := range parts.days {
		if err := sum(`SELECT attendance, SUM(n) FROM session_counts_day WHERE day >= $1 AND day < $2`, d[0].Format(time.DateOnly), d[1].Format(time.DateOnly)); err != nil {
			return err
		}
	}
	f.SessionsAttended = counts["attended"]
	f.SessionsMissed = counts["did_not_attend"]
	f.SessionsCancelledByParent = counts["cancelled_by_parent"]
	f.SessionsCancelledByStaff = counts["cancelled_by_practitioner"]
	return nil
}

// closureFigures counts the closures in the range not since re-opened, and
// the times a parent left the programme in the range while the other
// carried on (every departure, so a parent who rejoined and left again
// counts each time), each by reason in the reasons' list order; a parent
// recorded as joining later had not started, so did not leave, and is not
// counted. Reasons are codes from a list; the notes are never read.
func (tx *Tx) closureFigures(sc ReportScope, from, until time.Time, f *report.Figures) error {
	where, args := scopeSQL("f.area_id", sc, []any{from, until})
	var err error
	f.ClosuresByReason, err = tx.countByReason(`SELECT c.reason, COUNT(*) FROM closures c`+familyJoin(where, "c.family_id")+`
		WHERE c.reopened_at IS NULL AND c.closed_on >= $1 AND c.closed_on < $2`+where+` GROUP BY c.reason`, args, casework.ClosureReasons(), "closures")
	if err != nil {
		return err
	}
	f.DeparturesByReason, err = tx.countByReason(`SELECT d.reason, COUNT(*) FROM departures d`+familyJoin(where, "d.family_id")+`
		WHERE d.left_on >= $1 AND d.left_on < $2 AND d.reason <> 'joining_later'`+where+` GROUP BY d.reason`, args, casework.LeavingReasons(), "parents who left")
	return err
}

// countByReason reads the counts q gives (a reason's code and its count,
// a row a reason), labelled from reasons and in their list's order.
func (tx *Tx) countByReason(q string, args []any, reasons []casework.Option, what string) ([]report.KeyCount, error) {
	rows, err := tx.query(q, args...)
	if err != nil {
		return nil, fmt.Errorf("counting %s: %w", what, err)
	}
	defer rows.Close()
	var out []report.KeyCount
	for rows.Next() {
		var reason string
		var n int
		if err := rows.Scan(&reason, &n); err != nil {
			return nil, fmt.Errorf("counting %s: %w", what, err)
		}
		out = append(out, report.KeyCount{Key: reason, Label: casework.Label(reasons, reason), N: n})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("counting %s: %w", what, err)
	}
	order := map[string]int{}
	for i, o := range reasons {
		order[o.Value] = i + 1
	}
	sort.Slice(out, func(i, j int) bool {
		return order[out[i].Key] < order[out[j].Key]
	})
	return out, nil
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
	for _, months := range ages {
		f.Retention = append(f.Retention, report.Retention{Months: months})
	}
	// Babies born early enough to reach the first age, and late enough to
	// reach the last, in the range; a month's margin either side, since
	// DateAtMonths clamps to the end of a month.
	lo, hi := from.AddDate(0, -ages[len(ages)-1]-1, 0), until.AddDate(0, -ages[0]+1, 0)
	// Each accepted family's babies come in family order with their
	// family's acceptance and closures, kept by triggers (migration 18), so
	// each family is judged as soon as it has been read. (The birth window
	// is applied here: the rows are read in family order either way.)
	var family int64 // 0: none yet (ids start at 1)
	var accepted, born time.Time
	var closures []report.Closure
	judge := func() {
		if family == 0 {
			return
		}
		for i, months := range ages {
			at := timeline.DateAtMonths(born, months)
			if at.Before(from) || !at.Before(until) || at.After(today) || accepted.After(at) {
				continue
			}
			f.Retention[i].Reached++
			if report.EngagedOn(closures, at) {
				f.Retention[i].Engaged++
			}
		}
	}
	where, args := scopeSQL("area_id", sc, nil)
	err := tx.each(`SELECT family_id, facts FROM retention_babies WHERE 1 = 1`+where+` ORDER BY family_id, person_id`, args,
		func(rows *sql.Rows) error {
			var id int64
			var facts string
			if err := rows.Scan(&id, &facts); err != nil {
				return err
			}
			bornText, rest, _ := strings.Cut(facts, "|")
			acceptedText, closuresText, _ := strings.Cut(rest, "|")
			var b anyTime
			if err := b.parse(bornText); err != nil {
				return err
			}
			if b.T.Before(lo) || !b.T.Before(hi) {
				return nil
			}
			if id == family {
				if d := day(b.T); d.Before(born) {
					born = d // twins count once, from the first birth
				}
				return nil
			}
			judge()
			var acc anyTime
			if err := acc.parse(acceptedText); err != nil {
				return err
			}
			family, accepted, born, closures = id, day(acc.T), day(b.T), closures[:0]
			for closuresText != "" {
				var one string
				one, closuresText, _ = strings.Cut(closuresText, ";")
				kind, rest, _ := strings.Cut(one, ",")
				onText, reopenedText, _ := strings.Cut(rest, ",")
				var on, reopened anyTime
				if err := on.parse(onText); err != nil {
					return err
				}
				if reopenedText != "" {
					if err := reopened.parse(reopenedText); err != nil {
						return err
					}
				}
				closures = append(closures, report.Closure{On: on.T, Early: kind != "planned", Reopened: reopened.T})
			}
			return nil
		})
	if err != nil {
		return fmt.Errorf("counting retention: %w", err)
	}
	judge()
	return nil
}

// each runs q and gives fn every row, closing the rows either way.
func (tx *Tx) each(q string, args []any, fn func(rows *sql.Rows) error) error {
	rows, err := tx.query(q, args...)
	if err != nil {
		return err
	}
	for rows.Next() {
		if err := fn(rows); err != nil {
			return dropRows(rows, err)
		}
	}
	return doneRows(rows)
}

func (tx *Tx) safeguardingFigures(sc ReportScope, from, until time.Time, f *report.Figures) error {
	// From concern_times (migration 21), which holds each concern's whole
	// seconds to a decision and whether it was in time: reading and parsing
	// three times from each of 200,000 concerns took most of a second.
	where, args := scopeSQL("t.area_id", sc, []any{from, until})
	type decisionCount struct {
		key string
		n   int
	}
	var decisions []decisionCount // a handful: searched, not hashed
	var decision sql.RawBytes
	var seconds sql.NullInt64
	var inTime int64
	err := tx.each(`SELECT t.decision, t.decision_seconds, t.in_time FROM concern_times t WHERE t.raised_at >= $1 AND t.raised_at < $2`+where, args,
		func(rows *sql.Rows) error {
			if err := rows.Scan(&decision, &seconds, &inTime); err != nil {
				return err
			}
			f.Concerns++
			i := 0
			for i < len(decisions) && decisions[i].key != string(decision) {
				i++
			}
			if i == len(decisions) {
				decisions = append(decisions, decisionCount{key: string(decision)})
			}
			decisions[i].n++
			if seconds.Valid {
				f.DecisionHours = append(f.DecisionHours, float64(seconds.Int64)/3600)
				if inTime == 1 {
					f.DecidedInTime++
				}
			}
			return nil
		})
	if err != nil {
		return fmt.Errorf("counting concerns: %w", err)
	}
	byDecision := map[string]int{}
	labels := map[string]string{}
	for _, d := range decisions {
		key := d.key
		if key == "" {
			key = "awaiting"
			labels[key] = "Awaiting a decision"
		} else {
			labels[key] = safeguarding.Decision(key).Label()
		}
		byDecision[key] += d.n
	}
	f.ConcernsByDecision = sortedCounts(byDecision, labels)
	slices.Sort(f.DecisionHours)

	fw, fargs := scopeSQL("f.area_id", sc, []any{from, until})
	count := func(q string) (int, error) {
		var n int
		err := tx.queryRow(q+fw, fargs...).Scan(&n)
		return n, err
	}
	var err2 error
	if f.MARACReferrals, err2 = count(`SELECT COUNT(*) FROM marac_referrals m` + familyJoin(fw, "m.family_id") + ` WHERE m.referred_on >= $1 AND m.referred_on < $2 AND m.removed_at IS NULL`); err2 != nil {
		return fmt.Errorf("counting MARAC referrals: %w", err2)
	}
	if f.SafetyPlans, err2 = count(`SELECT COUNT(*) FROM safety_plans p` + familyJoin(fw, "p.family_id") + ` WHERE p.created_at >= $1 AND p.created_at < $2`); err2 != nil {
		return fmt.Errorf("counting safety plans: %w", err2)
	}
	// A review's plan is needed only to find its family's area: every
	// review has one (a foreign key), so the organisation's count reads
	// the reviews' date index alone (migration 22).
	plans := ""
	if fw != "" {
		plans = ` JOIN safety_plans p ON p.id = v.plan_id` + familyJoin(fw, "p.family_id")
	}
	if f.SafetyPlanReviews, err2 = count(`SELECT COUNT(*) FROM safety_plan_reviews v` + plans + `
		WHERE v.reviewed_on >= $1 AND v.reviewed_on < $2`); err2 != nil {
		return fmt.Errorf("counting safety plan reviews: %w", err2)
	}

	return nil
}

// statusFigures compares each family's first and latest safeguarding
// status (ordered by severity), for families in scope, whenever recorded.
func (tx *Tx) statusFigures(sc ReportScope, f *report.Figures) error {
	// Rows come in family order, so each family is compared as it ends.
	sw, sargs := scopeSQL("f.area_id", sc, nil)
	var family int64 // 0: none yet
	var first, last string
	compare := func() {
		if family == 0 {
			return
		}
		f.StatusFamilies++
		switch a, b := statusSeverity(first), statusSeverity(last); {
		case b < a:
			f.StatusSteppedDown++
		case b > a:
			f.StatusSteppedUp++
		}
	}
	err := tx.each(`SELECT h.family_id, h.status FROM safeguarding_status_history h`+familyJoin(sw, "h.family_id")+`
		WHERE 1 = 1`+sw+` ORDER BY h.family_id, h.from_date, h.id`, sargs,
		func(rows *sql.Rows) error {
			var id int64
			var status string
			if err := rows.Scan(&id, &status); err != nil {
				return err
			}
			if id != family {
				compare()
				family, first = id, status
			}
			last = status
			return nil
		})
	if err != nil {
		return fmt.Errorf("reading status history: %w", err)
	}
	compare()
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

// SetOutcomeOrder records the timepoint order (baseline first) the outcome
// table is configured with, for the pairs its triggers keep (migration 18),
// and works every pair out again if it differs from the one recorded. Until
// it is called with the configured order, the table reads the scores
// themselves: correct, only slower.
func (db *DB) SetOutcomeOrder(ctx context.Context, order []string) error {
	seen := map[string]bool{}
	for _, tp := range order {
		if tp == "" || seen[tp] {
			return problem.New(problem.Invalid, "A timepoint order names each timepoint once")
		}
		seen[tp] = true
	}
	if len(order) == 0 {
		return problem.New(problem.Invalid, "A timepoint order names at least the baseline")
	}
	// Read first, so that an unchanged order writes nothing.
	rows, err := db.query(ctx, `SELECT timepoint FROM outcome_timepoints ORDER BY rank`)
	if err != nil {
		return fmt.Errorf("reading the outcome order: %w", err)
	}
	var current []string
	for rows.Next() {
		var tp string
		if err := rows.Scan(&tp); err != nil {
			return dropRows(rows, fmt.Errorf("reading the outcome order: %w", err))
		}
		current = append(current, tp)
	}
	if err := doneRows(rows); err != nil {
		return fmt.Errorf("reading the outcome order: %w", err)
	}
	if slices.Equal(current, order) {
		return nil
	}
	return db.Update(ctx, func(tx *Tx) error {
		if _, err := tx.exec(`DELETE FROM outcome_timepoints`); err != nil {
			return fmt.Errorf("recording the outcome order: %w", err)
		}
		for i, tp := range order {
			if _, err := tx.exec(`INSERT INTO outcome_timepoints (timepoint, rank) VALUES ($1, $2)`, tp, i+1); err != nil {
				return fmt.Errorf("recording the outcome order: %w", err)
			}
		}
		if _, err := tx.exec(`DELETE FROM outcome_pairs`); err != nil {
			return fmt.Errorf("working out outcome pairs: %w", err)
		}
		if _, err := tx.exec(outcomePairsRebuild); err != nil {
			return fmt.Errorf("working out outcome pairs: %w", err)
		}
		tx.Audit("report.outcomes.order", "", 0, 0, strings.Join(order, ", "))
		return nil
	})
}

// outcomePairsRebuild works out every pair under outcome_timepoints: the
// backfill of migration 18, in both dialects.
const outcomePairsRebuild = `INSERT INTO outcome_pairs (person_id, instrument, family_id, base_score, follow_up_score, follow_up_on)
    SELECT b.person_id, b.instrument, u.family_id, b.score, u.score, u.taken_on
    FROM (SELECT m.person_id, m.instrument, MAX(t.rank) AS rank FROM measure_results m JOIN outcome_timepoints t ON t.timepoint = m.timepoint
            WHERE m.removed_at IS NULL AND m.score IS NOT NULL AND t.rank > 1 GROUP BY m.person_id, m.instrument) l
        JOIN outcome_timepoints ut ON ut.rank = l.rank
        JOIN measure_results u ON u.person_id = l.person_id AND u.instrument = l.instrument AND u.timepoint = ut.timepoint
            AND u.removed_at IS NULL AND u.score IS NOT NULL
        JOIN outcome_timepoints bt ON bt.rank = 1
        JOIN measure_results b ON b.person_id = l.person_id AND b.instrument = l.instrument AND b.timepoint = bt.timepoint
            AND b.removed_at IS NULL AND b.score IS NOT NULL`

// outcomeChange pairs each person's baseline with their latest follow-up,
// per instrument (see OutcomeChange).
func (tx *Tx) outcomeChange(sc ReportScope, instruments []OutcomeInstrument) (report.Table, error) {
	caption := "Each person's baseline score against their latest follow-up, for follow-ups taken " +
		sc.From.Format("2 January 2006") + " to " + sc.To.Format("2 January 2006") + "."
	if len(instruments) == 0 {
		return report.ChangeTable(report.OutcomeChangeKey, "Change in outcome measures", caption, nil), nil
	}
	// From the pairs the triggers keep (migration 18) when they follow the
	// configured order, else from every score.
	fromPairs, err := tx.outcomePairsFit(instruments)
	if err != nil {
		return report.Table{}, err
	}
	var pairs [][]report.Pair
	if fromPairs {
		pairs, err = tx.outcomePairs(sc, instruments)
	} else {
		pairs, err = tx.outcomeScores(sc, instruments)
	}
	if err != nil {
		return report.Table{}, err
	}
	var out []report.ChangeRow
	for i, in := range instruments {
		if len(pairs[i]) == 0 {
			continue // nobody has both scores: nothing to say
		}
		// In one order whichever way they were read, so that both ways give
		// the same figures to the last bit.
		slices.SortFunc(pairs[i], comparePairs)
		out = append(out, report.ChangeRow{Measure: in.Label, Change: report.Change(pairs[i], in.Direction, in.ReliableChange)})
	}
	return report.ChangeTable(report.OutcomeChangeKey, "Change in outcome measures", caption, out), nil
}

func comparePairs(a, b report.Pair) int {
	if c := cmp.Compare(a.Before, b.Before); c != 0 {
		return c
	}
	return cmp.Compare(a.After, b.After)
}

// outcomePairsFit reports whether outcome_pairs (migration 18) were worked
// out in the order every instrument is configured with, so may answer.
func (tx *Tx) outcomePairsFit(instruments []OutcomeInstrument) (bool, error) {
	order, err := tx.outcomeOrder()
	if err != nil {
		return false, err
	}
	for _, in := range instruments {
		if !slices.Equal(in.Order, order) {
			return false, nil
		}
	}
	return true, nil
}

// outcomeOrder is the timepoint order outcome_pairs follow, baseline first;
// nil if the ranks are not 1, 2, 3 ….
func (tx *Tx) outcomeOrder() ([]string, error) {
	rows, err := tx.query(`SELECT timepoint, rank FROM outcome_timepoints ORDER BY rank`)
	if err != nil {
		return nil, fmt.Errorf("reading the outcome order: %w", err)
	}
	defer rows.Close()
	var order []string
	ok := true
	for rows.Next() {
		var tp string
		var rank int
		if err := rows.Scan(&tp, &rank); err != nil {
			return nil, fmt.Errorf("reading the outcome order: %w", err)
		}
		ok = ok && rank == len(order)+1
		order = append(order, tp)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading the outcome order: %w", err)
	}
	if !ok {
		return nil, nil
	}
	return order, nil
}

// outcomePairs reads the pairs the triggers keep, counted by their two
// scores (a few thousand rows, however many people), for follow-ups in the
// range and families in the scope.
func (tx *Tx) outcomePairs(sc ReportScope, instruments []OutcomeInstrument) ([][]report.Pair, error) {
	from, until := day(sc.From).Format(time.DateOnly), day(sc.To).AddDate(0, 0, 1).Format(time.DateOnly)
	where, args := scopeSQL("area_id", sc, []any{from, until})
	filter := ""
	if where != "" {
		filter = ` AND family_id IN (SELECT id FROM families WHERE 1 = 1` + where + `)`
	}
	rows, err := tx.query(`SELECT instrument, base_score, follow_up_score, COUNT(*) FROM outcome_pairs
		WHERE follow_up_on >= $1 AND follow_up_on < $2`+filter+`
		GROUP BY instrument, base_score, follow_up_score`, args...)
	if err != nil {
		return nil, fmt.Errorf("reading outcome pairs: %w", err)
	}
	index := map[string]int{}
	for i, in := range instruments {
		index[in.Key] = i
	}
	pairs := make([][]report.Pair, len(instruments))
	for rows.Next() {
		var instrument string
		var p report.Pair
		var n int
		if err := rows.Scan(&instrument, &p.Before, &p.After, &n); err != nil {
			return nil, dropRows(rows, fmt.Errorf("reading outcome pairs: %w", err))
		}
		i, ok := index[instrument]
		if !ok {
			continue // an instrument no longer configured
		}
		for range n {
			pairs[i] = append(pairs[i], p)
		}
	}
	if err := doneRows(rows); err != nil {
		return nil, fmt.Errorf("reading outcome pairs: %w", err)
	}
	return pairs, nil
}

// outcomeScores pairs the scores themselves, for a timepoint order the
// pairs were not worked out in.
func (tx *Tx) outcomeScores(sc ReportScope, instruments []OutcomeInstrument) ([][]report.Pair, error) {
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
			return nil, fmt.Errorf("reading outcome scores: %w", err)
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
		return nil, fmt.Errorf("reading outcome scores: %w", err)
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
			return nil, dropRows(rows, fmt.Errorf("reading outcome scores: %w", err))
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
		return nil, fmt.Errorf("reading outcome scores: %w", err)
	}
	return pairs, nil
}
