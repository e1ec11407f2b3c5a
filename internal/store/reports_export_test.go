package store

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"time"

	"github.com/cradle-org/cradle/internal/report"
	"github.com/cradle-org/cradle/internal/safeguarding"
	"github.com/cradle-org/cradle/internal/timeline"
)

// What the dashboard's summaries (migration 18) replaced, kept here to
// count the same figures from the rows themselves: the tests compare the
// two after every kind of change.

// errRecounted ends a recount's read without auditing it (tests only).
var errRecounted = errors.New("recounted")

// FiguresFromRows counts the referral, retention and concern figures
// from the rows, as the dashboard did before migration 18.
func (db *DB) FiguresFromRows(ctx context.Context, sc ReportScope) (report.Figures, error) {
	from := day(sc.From)
	until := day(sc.To).AddDate(0, 0, 1)
	f := report.Figures{From: from, To: day(sc.To)}
	err := db.View(ctx, func(tx *Tx) error {
		if err := tx.referralFiguresFromRows(sc, from, until, &f); err != nil {
			return err
		}
		if err := tx.retentionFiguresFromRows(sc, from, until, &f); err != nil {
			return err
		}
		if err := tx.concernFiguresFromRows(sc, from, until, &f); err != nil {
			return err
		}
		if err := tx.contentFiguresFromRows(sc, from, until, &f); err != nil {
			return err
		}
		return errRecounted
	})
	if !errors.Is(err, errRecounted) {
		return f, err
	}
	return f, nil
}

// OutcomePairsBothWays gives each instrument's pairs as the dashboard reads
// them from outcome_pairs and as it pairs the scores themselves, each
// sorted, and whether outcome_pairs follow the instruments' order.
func (db *DB) OutcomePairsBothWays(ctx context.Context, sc ReportScope, ins []OutcomeInstrument) (fromPairs, fromScores [][]report.Pair, fit bool, err error) {
	err = db.View(ctx, func(tx *Tx) error {
		if fit, err = tx.outcomePairsFit(ins); err != nil {
			return err
		}
		if fromPairs, err = tx.outcomePairs(sc, ins); err != nil {
			return err
		}
		if fromScores, err = tx.outcomeScores(sc, ins); err != nil {
			return err
		}
		for i := range ins {
			slices.SortFunc(fromPairs[i], comparePairs)
			slices.SortFunc(fromScores[i], comparePairs)
		}
		return errRecounted
	})
	if errors.Is(err, errRecounted) {
		err = nil
	}
	return fromPairs, fromScores, fit, err
}

func (tx *Tx) referralFiguresFromRows(sc ReportScope, from, until time.Time, f *report.Figures) error {
	areas, err := tx.db.Areas(tx.ctx)
	if err != nil {
		return err
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
		return err
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
			return dropRows(rows, err)
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

func (tx *Tx) retentionFiguresFromRows(sc ReportScope, from, until time.Time, f *report.Figures) error {
	ages := report.RetentionAges()
	today := day(tx.now)
	where, args := scopeSQL("f.area_id", sc, []any{from.AddDate(0, -ages[len(ages)-1]-1, 0), until.AddDate(0, -ages[0]+1, 0)})
	rows, err := tx.query(`SELECT f.id, `+tx.db.timeText("f.accepted_on")+`, `+tx.db.timeText("p.date_of_birth")+`,
		COALESCE(c.id, 0), COALESCE(c.kind, ''), `+tx.db.timeText("c.closed_on")+`, `+tx.db.timeText("c.reopened_at")+`
		FROM families f JOIN people p ON p.family_id = f.id LEFT JOIN closures c ON c.family_id = f.id
		WHERE p.kind = 'baby' AND p.date_of_birth IS NOT NULL AND f.accepted_on IS NOT NULL
		AND p.date_of_birth >= $1 AND p.date_of_birth < $2`+where+` ORDER BY f.id, p.date_of_birth`, args...)
	if err != nil {
		return err
	}
	type baby struct{ accepted, born time.Time }
	babies := map[int64]baby{}
	var ids []int64
	closures := map[int64][]report.Closure{}
	seen := map[int64]bool{}
	for rows.Next() {
		var id, closureID int64
		var kind string
		var accepted, born, on, reopened anyTime
		if err := rows.Scan(&id, &accepted, &born, &closureID, &kind, &on, &reopened); err != nil {
			return dropRows(rows, err)
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
		return err
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

func (tx *Tx) concernFiguresFromRows(sc ReportScope, from, until time.Time, f *report.Figures) error {
	where, args := scopeSQL("c.area_id", sc, []any{from, until})
	rows, err := tx.query(`SELECT c.decision, `+tx.db.timeText("c.raised_at")+`, `+tx.db.timeText("c.decision_due_at")+`, `+tx.db.timeText("c.decided_at")+` FROM safeguarding_concerns c
		WHERE c.raised_at >= $1 AND c.raised_at < $2`+where, args...)
	if err != nil {
		return err
	}
	byDecision := map[string]int{}
	labels := map[string]string{}
	for rows.Next() {
		var decision string
		var raised, due, decided anyTime
		if err := rows.Scan(&decision, &raised, &due, &decided); err != nil {
			return dropRows(rows, err)
		}
		f.Concerns++
		if decision == "" {
			decision = "awaiting"
			labels[decision] = "Awaiting a decision"
		} else {
			labels[decision] = safeguarding.Decision(decision).Label()
		}
		byDecision[decision]++
		// In whole seconds, each time's fraction dropped (migration 21).
		if d := decided.T; !d.IsZero() {
			f.DecisionHours = append(f.DecisionHours, float64(d.Unix()-raised.T.Unix())/3600)
			if d.Unix() <= due.T.Unix() {
				f.DecidedInTime++
			}
		}
	}
	if err := doneRows(rows); err != nil {
		return fmt.Errorf("counting concerns: %w", err)
	}
	f.ConcernsByDecision = sortedCounts(byDecision, labels)
	sort.Float64s(f.DecisionHours)
	return nil
}

// contentFiguresFromRows counts the programme content figures from the
// sessions themselves and module_targets, as completed_content holds them.
func (tx *Tx) contentFiguresFromRows(sc ReportScope, from, until time.Time, f *report.Figures) error {
	where, args := scopeSQL("f.area_id", sc, []any{from, until})
	cohort := ` FROM closures c JOIN families f ON f.id = c.family_id JOIN people p ON p.family_id = c.family_id AND p.kind = 'parent' AND p.active
		WHERE c.reopened_at IS NULL AND c.reason = 'planned_end' AND c.closed_on >= $1 AND c.closed_on < $2` + where
	if err := tx.queryRow(`SELECT COUNT(*)`+cohort, args...).Scan(&f.ContentParents); err != nil {
		return err
	}
	targets := map[string]int{}
	rows, err := tx.query(`SELECT module, target FROM module_targets`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			return dropRows(rows, err)
		}
		targets[k] = n
	}
	if err := doneRows(rows); err != nil {
		return err
	}
	rows, err = tx.query(`SELECT s.module, COUNT(*) FROM case_sessions s JOIN people p ON p.id = s.person_id
		WHERE s.attendance = 'attended' AND s.kind <> 'supervision' AND p.id IN (SELECT p.id`+cohort+`) GROUP BY p.id, s.module`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	byModule := map[string]*report.ModuleContent{}
	for rows.Next() {
		var module string
		var n int
		if err := rows.Scan(&module, &n); err != nil {
			return err
		}
		m := byModule[module]
		if m == nil {
			m = &report.ModuleContent{Module: module}
			byModule[module] = m
		}
		m.Parents++
		if t := targets[module]; t > 0 && n >= t {
			m.Reached++
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, k := range slices.Sorted(maps.Keys(byModule)) {
		f.ContentModules = append(f.ContentModules, *byModule[k])
	}
	return nil
}
