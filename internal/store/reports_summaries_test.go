package store_test

import (
	"bytes"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/report"
	"github.com/cradle-org/cradle/internal/seal"
	"github.com/cradle-org/cradle/internal/store"
	"github.com/cradle-org/cradle/internal/store/storetest"
	"github.com/cradle-org/cradle/internal/timeline"
)

// TestDashboardSummariesFollowTheRows: the referral, retention and outcome
// figures read from migration 18's summaries must equal those counted from
// the rows themselves (FiguresFromRows, the code they replaced, and the
// outcome table's pairing of every score), for ranges that start and end
// inside months and on their edges, in every area and in one, after
// inserts, deletions, corrections, a family moving area, a new timepoint
// order, and a backup restored into a new database.
func TestDashboardSummariesFollowTheRows(t *testing.T) {
	eachWithKeys(t, func(t *testing.T, db *store.DB, keys *seal.Keyring) {
		seedReportDataset(t, db)
		seedSummaryRows(t, db)
		dsl := policy.Actor{StaffID: 1, Role: policy.DSL}
		order := []string{"baseline", "late_pregnancy", "m6", "m12", "m24"}
		instruments := func() []store.OutcomeInstrument {
			return []store.OutcomeInstrument{
				{Key: "phq9", Label: "PHQ-9", Direction: report.LowerBetter, ReliableChange: 6, Order: order},
				{Key: "gad7", Label: "GAD-7", Direction: report.LowerBetter, ReliableChange: 4, Order: order},
			}
		}
		ranges := [][2]time.Time{
			{d(2026, 1, 1), d(2026, 6, 30)}, {d(2026, 1, 15), d(2026, 3, 10)}, {d(2026, 2, 1), d(2026, 2, 28)}, {d(2026, 2, 3), d(2026, 2, 3)},
			{d(2025, 12, 31), d(2026, 1, 1)}, {d(2025, 11, 1), d(2026, 8, 31)}, {d(2026, 3, 31), d(2026, 5, 1)}, {d(2024, 1, 2), d(2027, 12, 30)},
			{d(2020, 1, 1), d(2024, 12, 31)},
		}
		check := func(db *store.DB, stage string) {
			t.Helper()
			for _, r := range ranges {
				for _, areas := range [][]int64{nil, {1}, {2}} {
					sc := store.ReportScope{From: r[0], To: r[1], AreaIDs: areas}
					where := fmt.Sprintf("%s: %s to %s in areas %v", stage, r[0].Format(time.DateOnly), r[1].Format(time.DateOnly), areas)
					got, err := db.Figures(ctx, dsl, sc)
					if err != nil {
						t.Fatal(err)
					}
					want, err := db.FiguresFromRows(ctx, sc)
					if err != nil {
						t.Fatal(err)
					}
					for _, c := range []struct {
						name      string
						got, want any
					}{
						{"funnel", []int{got.Referred, got.Accepted, got.Engaged, got.Completed}, []int{want.Referred, want.Accepted, want.Engaged, want.Completed}},
						{"days to first contact", got.FirstContactDays, want.FirstContactDays},
						{"referrals by month", got.ReferralsByMonth, want.ReferralsByMonth},
						{"referrals by month and area", got.ReferralsByMonthArea, want.ReferralsByMonthArea},
						{"referrals by source", got.ReferralsBySource, want.ReferralsBySource},
						{"referrals by area", got.ReferralsByArea, want.ReferralsByArea},
						{"retention", got.Retention, want.Retention},
						{"concerns", []int{got.Concerns, got.DecidedInTime}, []int{want.Concerns, want.DecidedInTime}},
						{"concerns by decision", got.ConcernsByDecision, want.ConcernsByDecision},
						{"hours to a decision", got.DecisionHours, want.DecisionHours},
						{"parents completing the programme", got.ContentParents, want.ContentParents},
						{"content by module", got.ContentModules, want.ContentModules},
					} {
						if !reflect.DeepEqual(c.got, c.want) {
							t.Errorf("%s: %s = %v, want %v (counted from the rows)", where, c.name, c.got, c.want)
						}
					}
					pairs, scores, fit, err := db.OutcomePairsBothWays(ctx, sc, instruments())
					if err != nil {
						t.Fatal(err)
					}
					if !fit {
						t.Fatalf("%s: the outcome pairs do not follow the order %v", stage, order)
					}
					if !reflect.DeepEqual(pairs, scores) {
						t.Errorf("%s: outcome pairs %v, want %v (paired from the scores)", where, pairs, scores)
					}
				}
			}
		}
		check(db, "as recorded")
		// The programme content is compared on something: family 10
		// completed in June, its parent with sessions on modules (with others).
		if f, err := db.Figures(ctx, dsl, store.ReportScope{From: d(2026, 1, 1), To: d(2026, 6, 30)}); err != nil || f.ContentParents == 0 || len(f.ContentModules) == 0 {
			t.Fatalf("programme content in the first half of 2026: %d parents, %v (%v)", f.ContentParents, f.ContentModules, err)
		}

		// Deletions.
		mustExec(t, db, `DELETE FROM case_sessions WHERE family_id = 2 AND attendance = 'attended'`)
		mustExec(t, db, `DELETE FROM closures WHERE family_id = 6`)
		mustExec(t, db, `DELETE FROM referrals WHERE id IN (3, 104, 117)`)
		mustExec(t, db, `DELETE FROM measure_results WHERE person_id = 30 AND timepoint IN ('m24', 'baseline')`)
		mustExec(t, db, `DELETE FROM measure_results WHERE person_id = 50 AND instrument = 'gad7' AND timepoint = 'm12'`)
		mustExec(t, db, `DELETE FROM people WHERE id = 1004`)
		mustExec(t, db, `DELETE FROM safeguarding_concerns WHERE id % 7 = 0`)
		check(db, "after deletions")

		// Corrections.
		mustExec(t, db, `UPDATE referrals SET received_at = $1 WHERE id = 101`, at(2026, 4, 30, 23))
		mustExec(t, db, `UPDATE referrals SET source = 'self', referrer_role = '' WHERE id = 102`)
		mustExec(t, db, `UPDATE referrals SET family_id = 7 WHERE id = 7`)
		mustExec(t, db, `UPDATE referrals SET family_id = NULL WHERE id = 105`)
		mustExec(t, db, `UPDATE referrals SET area_id = 2 WHERE id IN (106, 108)`)
		mustExec(t, db, `UPDATE closures SET reopened_at = $1 WHERE family_id = 1`, at(2026, 6, 10, 9))
		mustExec(t, db, `UPDATE closures SET reopened_at = NULL WHERE family_id = 5`)
		mustExec(t, db, `UPDATE closures SET reason = 'planned_end', kind = 'planned' WHERE family_id = 3`)
		mustExec(t, db, `UPDATE case_sessions SET attendance = 'attended', held_on = $1 WHERE family_id = 8`, d(2026, 2, 14))
		mustExec(t, db, `UPDATE case_sessions SET kind = 'contact' WHERE family_id = 9 AND attendance = 'attended'`)
		mustExec(t, db, `UPDATE case_sessions SET module = 'ending' WHERE family_id = 10 AND module = 'self_esteem'`)
		mustExec(t, db, `UPDATE case_sessions SET kind = 'supervision' WHERE family_id = 10 AND module = 'inner_child'`)
		mustExec(t, db, `UPDATE people SET active = FALSE WHERE id = 30`)
		mustExec(t, db, `UPDATE measure_results SET score = score + 3 WHERE person_id = 40 AND instrument = 'phq9'`)
		mustExec(t, db, `UPDATE measure_results SET removed_at = $1 WHERE person_id = 60 AND timepoint = 'm24'`, now())
		mustExec(t, db, `UPDATE measure_results SET timepoint = 'm99' WHERE person_id = 70 AND instrument = 'gad7' AND timepoint = 'm12'`)
		mustExec(t, db, `UPDATE measure_results SET taken_on = $1 WHERE person_id = 20`, d(2026, 3, 3))
		mustExec(t, db, `UPDATE measure_results SET score = NULL WHERE person_id = 80 AND timepoint = 'baseline'`)
		mustExec(t, db, `UPDATE people SET date_of_birth = $1 WHERE id = 1002`, d(2025, 7, 31))
		mustExec(t, db, `UPDATE people SET kind = 'child' WHERE id = 1009`)
		mustExec(t, db, `UPDATE families SET accepted_on = NULL WHERE id = 3`)
		mustExec(t, db, `UPDATE families SET accepted_on = $1 WHERE id = 7`, d(2025, 10, 1))
		mustExec(t, db, `UPDATE safeguarding_concerns SET decided_at = NULL, decision = '' WHERE id % 5 = 0`)
		check(db, "after corrections")

		// A family moving area.
		mustExec(t, db, `UPDATE families SET area_id = 2 WHERE id IN (4, 5)`)
		check(db, "after families moved area")

		// Another timepoint order: the pairs are worked out again.
		order = []string{"baseline", "m6", "m24", "m12"}
		if err := db.SetOutcomeOrder(ctx, order); err != nil {
			t.Fatal(err)
		}
		check(db, "in another order")
		// Other module targets: every completed family's content is worked
		// out again (family 10's eight on self-esteem no longer reach it).
		if err := db.SetModuleTargets(ctx, []timeline.Module{{Key: "self_esteem", TargetSessions: 9}, {Key: "inner_child", TargetSessions: 1},
			{Key: "assertiveness"}}); err != nil {
			t.Fatal(err)
		}
		check(db, "with other module targets")
		// A score corrected: the old one removed, the new one added.
		mustExec(t, db, `UPDATE measure_results SET removed_at = $1 WHERE person_id = 10 AND instrument = 'phq9' AND timepoint = 'm12' AND removed_at IS NULL`, now())
		mustExec(t, db, `INSERT INTO measure_results (family_id, person_id, instrument, timepoint, taken_on, total, score, created_at)
			VALUES (1, 10, 'phq9', 'm12', $1, 1, 1, $2)`, d(2026, 5, 5), now())
		check(db, "in another order, a score corrected")

		// A backup restored into a new database fills the summaries again.
		var buf bytes.Buffer
		if _, err := db.Backup(ctx, &buf, nil); err != nil {
			t.Fatal(err)
		}
		to := freshLike(t, db, keys)
		if _, err := to.Restore(ctx, bytes.NewReader(buf.Bytes()), nil); err != nil {
			t.Fatal(err)
		}
		if err := to.SetOutcomeOrder(ctx, order); err != nil {
			t.Fatal(err)
		}
		check(to, "restored")
		for _, r := range ranges {
			sc := store.ReportScope{From: r[0], To: r[1]}
			a, err := db.Figures(ctx, dsl, sc)
			if err != nil {
				t.Fatal(err)
			}
			b, err := to.Figures(ctx, dsl, sc)
			if err != nil {
				t.Fatal(err)
			}
			a.AsOf, b.AsOf = time.Time{}, time.Time{}
			if !reflect.DeepEqual(a, b) {
				t.Errorf("%s to %s: restored figures %+v, want %+v", r[0].Format(time.DateOnly), r[1].Format(time.DateOnly), b, a)
			}
		}
	})
}

// seedSummaryRows adds to seedReportDataset's rows what the summaries
// follow, spread over 2024-2027: babies (twins among them), referrals from
// every source, attended and missed sessions, closures (some re-opened),
// concerns with times to the nanosecond, and outcome scores at every
// timepoint, some removed, unscored or at a timepoint no longer configured.
func seedSummaryRows(t *testing.T, db *store.DB) {
	t.Helper()
	now := d(2026, 7, 1)
	accepted := map[int]time.Time{1: d(2024, 1, 10), 2: d(2025, 7, 1), 3: d(2024, 12, 1), 4: d(2025, 9, 1), 5: d(2025, 4, 1),
		6: d(2024, 1, 5), 8: d(2026, 5, 1), 9: d(2025, 11, 1), 10: d(2025, 6, 1)}
	for fam, on := range accepted {
		mustExec(t, db, `UPDATE families SET accepted_on = $1 WHERE id = $2`, on, fam)
	}
	births := []struct {
		id, family int
		born       time.Time
	}{
		{1001, 1, d(2024, 6, 1)}, {1002, 2, d(2025, 8, 15)}, {1003, 3, d(2025, 1, 20)}, {1004, 4, d(2025, 10, 31)}, {1005, 5, d(2025, 5, 20)},
		{1006, 6, d(2024, 2, 1)}, {1007, 7, d(2025, 9, 10)}, {1008, 8, d(2025, 10, 1)}, {1009, 9, d(2025, 12, 5)},
		{1010, 10, d(2025, 7, 1)}, {1011, 10, d(2025, 7, 1)}, {1012, 2, d(2026, 1, 30)},
	}
	for _, b := range births {
		mustExec(t, db, `INSERT INTO people (id, family_id, kind, date_of_birth, created_at, updated_at) VALUES ($1, $2, 'baby', $3, $4, $4)`, b.id, b.family, b.born, now)
	}
	sources := []struct{ source, role string }{{"self", ""}, {"professional", "midwife"}, {"professional", "social_worker"}, {"partner", "health_visitor"},
		{"staff", ""}, {"professional", ""}, {"professional", "not_a_role"}}
	for i := range 60 {
		id := 100 + i
		s := sources[i%len(sources)]
		var area, family any
		if i%9 != 0 {
			area = 1 + i%2
		}
		if i%3 != 0 {
			family = 1 + i%10
		}
		// Times through the day, to the nanosecond, across month ends.
		received := d(2025, 11, 20).AddDate(0, 0, i*11).Add(time.Duration(i*7919) * time.Minute % (24 * time.Hour)).Add(time.Duration(i * 123456789))
		mustExec(t, db, `INSERT INTO referrals (id, reference, source, referrer_role, area_id, family_id, received_at, content_sealed) VALUES ($1, $2, $3, $4, $5, $6, $7, '')`,
			id, fmt.Sprintf("REF-S-%03d", i), s.source, s.role, area, family, received)
	}
	attendances := []string{"attended", "did_not_attend", "attended", "cancelled_by_parent"}
	kinds := []string{"session", "contact", "session"}
	modules := []string{"self_esteem", "", "inner_child", "self_esteem", "assertiveness"}
	for i := range 80 {
		fam := i%10 + 1
		mustExec(t, db, `INSERT INTO case_sessions (family_id, person_id, staff_id, held_on, mode, attendance, kind, created_at, updated_at, module)
			VALUES ($1, $2, 1, $3, 'home', $4, $5, $6, $6, $7)`, fam, fam*10, d(2025, 10, 1).AddDate(0, 0, (i*23)%400), attendances[i%4], kinds[i%3], now, modules[i%5])
	}
	closure := func(fam int, kind, reason string, on time.Time, reopened any) {
		mustExec(t, db, `INSERT INTO closures (family_id, kind, reason, closed_on, requested_by, reopened_at, created_at) VALUES ($1, $2, $3, $4, 1, $5, $6)`,
			fam, kind, reason, on, reopened, now)
	}
	closure(4, "early", "disengaged", d(2026, 3, 15), at(2026, 5, 5, 9))
	closure(9, "early", "moved_out_of_area", d(2026, 6, 5), nil)
	closure(10, "planned", "planned_end", d(2026, 6, 20), nil)
	closure(2, "early", "withdrew", d(2025, 12, 1), time.Date(2025, 12, 20, 10, 30, 0, 123456000, time.UTC))
	decisions := []string{"csc_referral", "advice", "", "police", "marac", "no_further_action"}
	for i := range 40 {
		raised := d(2025, 11, 3).AddDate(0, 0, i*13).Add(time.Duration(i*37) * time.Minute)
		due := raised.Add(8 * time.Hour)
		var decided any
		if decisions[i%6] != "" {
			decided = raised.Add(time.Duration(i*i*917)*time.Minute%(20*time.Hour) + time.Duration(i*987654321))
		}
		mustExec(t, db, `INSERT INTO safeguarding_concerns (family_id, raised_by, raised_at, decision_due_at, status, decision, decided_at, area_id) VALUES ($1, 1, $2, $3, 'open', $4, $5, $6)`,
			i%10+1, raised, due, decisions[i%6], decided, 1+i%2)
	}
	// Times in another form than the store writes (read the slow way).
	mustExec(t, db, `INSERT INTO safeguarding_concerns (family_id, raised_by, raised_at, decision_due_at, status, decision, decided_at, area_id)
		VALUES (3, 1, $1, $2, 'decided', 'advice', $3, 1)`, "2026-02-02T13:00:00Z", "2026-02-02T21:00:00Z", "2026-02-02T15:30:00.5Z")
	timepoints := []string{"baseline", "late_pregnancy", "m6", "m12", "m24", "m99"}
	for person := 10; person <= 100; person += 10 {
		for ii, instrument := range []string{"phq9", "gad7", "core10"} {
			for k, tp := range timepoints {
				if (person/10+ii+k)%4 == 3 {
					continue // not every timepoint
				}
				taken := d(2025, 6, 1).AddDate(0, k*3+person/10, 0)
				var removed any
				if (person+k)%23 == 0 {
					removed = now
				}
				score := float64((person*7+k*5+ii*3)%27) + 0.25*float64(k%2)
				mustExec(t, db, `INSERT INTO measure_results (family_id, person_id, instrument, timepoint, taken_on, total, score, created_at, removed_at)
					VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, person/10, person, instrument, tp, taken, score, score, now, removed)
			}
		}
	}
}

// TestOutcomeOrderStartsAsTheTimeline: a new database's outcome pairs
// follow the shipped timeline's order, so the dashboard of an organisation
// that keeps it reads them from the start.
func TestOutcomeOrderStartsAsTheTimeline(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		cfg, err := timeline.DefaultConfig()
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		for _, tp := range cfg.Timepoints {
			want = append(want, tp.Key)
		}
		got, err := db.RawString(ctx, timepointsInOrder(db))
		if err != nil {
			t.Fatal(err)
		}
		if got != strings.Join(want, ",") {
			t.Errorf("outcome_timepoints = %s, want the timeline's %s", got, strings.Join(want, ","))
		}
		seedReportDataset(t, db)
		mustExec(t, db, `INSERT INTO measure_results (family_id, person_id, instrument, timepoint, taken_on, total, score, created_at)
			VALUES (1, 10, 'phq9', 'baseline', $1, 9, 9, $3), (1, 10, 'phq9', 'm12', $2, 4, 4, $3)`, d(2026, 1, 5), d(2026, 5, 5), now())
		ins := []store.OutcomeInstrument{{Key: "phq9", Label: "PHQ-9", Direction: report.LowerBetter, ReliableChange: 6, Order: want}}
		pairs, scores, fit, err := db.OutcomePairsBothWays(ctx, store.ReportScope{From: d(2026, 1, 1), To: d(2026, 6, 30)}, ins)
		if err != nil || !fit || !reflect.DeepEqual(pairs, scores) || len(pairs[0]) != 1 {
			t.Errorf("pairs %v, scores %v, fit %v, %v; want one pair read from outcome_pairs", pairs, scores, fit, err)
		}
	})
}

// timepointsInOrder is SQL for outcome_timepoints' order as "a,b,c".
func timepointsInOrder(db *store.DB) string {
	if db.Dialect() == store.Postgres {
		return `SELECT string_agg(timepoint, ',' ORDER BY rank) FROM outcome_timepoints`
	}
	return `SELECT group_concat(timepoint, ',') FROM (SELECT timepoint FROM outcome_timepoints ORDER BY rank)`
}

func now() time.Time { return d(2026, 7, 1) }

// TestSetOutcomeOrder: a new order is recorded once (audited) and the pairs
// follow it; the same order again changes nothing; an order naming a
// timepoint twice, or none, is refused.
func TestSetOutcomeOrder(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		seedReportDataset(t, db)
		mustExec(t, db, `INSERT INTO measure_results (family_id, person_id, instrument, timepoint, taken_on, total, score, created_at)
			VALUES (1, 10, 'phq9', 'baseline', $1, 9, 9, $4), (1, 10, 'phq9', 'm6', $2, 6, 6, $4), (1, 10, 'phq9', 'm12', $3, 4, 4, $4)`,
			d(2026, 1, 5), d(2026, 3, 5), d(2026, 5, 5), now())
		sc := store.ReportScope{From: d(2026, 1, 1), To: d(2026, 6, 30)}
		for _, order := range [][]string{{"baseline", "m12", "m6"}, {"baseline", "m6", "m12"}, {"baseline", "m6", "m12"}} {
			if err := db.SetOutcomeOrder(ctx, order); err != nil {
				t.Fatal(err)
			}
			ins := []store.OutcomeInstrument{{Key: "phq9", Label: "PHQ-9", Direction: report.LowerBetter, ReliableChange: 6, Order: order}}
			pairs, scores, fit, err := db.OutcomePairsBothWays(ctx, sc, ins)
			if err != nil || !fit || !reflect.DeepEqual(pairs, scores) {
				t.Fatalf("%v: pairs %v, scores %v, fit %v, %v", order, pairs, scores, fit, err)
			}
			// The latest follow-up is the one ranked last: m6 in the first order.
			if want := map[string]float64{"m6": 6, "m12": 4}[order[2]]; len(pairs[0]) != 1 || pairs[0][0].After != want {
				t.Errorf("%v: pairs %v, want a follow-up of %v", order, pairs, want)
			}
		}
		es, err := db.AuditEntries(ctx, store.AuditFilter{Actions: []string{"report.outcomes.order"}})
		if err != nil || len(es) != 2 {
			t.Errorf("report.outcomes.order entries: %d, %v; want 2 (the third order was the same as the second)", len(es), err)
		}
		for _, bad := range [][]string{nil, {"baseline", "m6", "baseline"}, {"baseline", ""}} {
			if err := db.SetOutcomeOrder(ctx, bad); err == nil {
				t.Errorf("%q: accepted", bad)
			}
		}
		if _, _, fit, _ := db.OutcomePairsBothWays(ctx, sc, []store.OutcomeInstrument{{Key: "phq9", Order: []string{"baseline", "m12"}}}); fit {
			t.Error("the pairs fit an order they were not worked out in")
		}
	})
}

// TestModuleTargets: a new database holds the shipped timeline's module
// targets (migration 63 lists them, so this keeps the two in step); the
// same targets again change nothing; others are recorded once, audited,
// and the completed families' content follows them; a module with no key
// (or "*", the parents' row) is refused.
func TestModuleTargets(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		cfg, err := timeline.DefaultConfig()
		if err != nil {
			t.Fatal(err)
		}
		targets := func() string {
			got, err := db.RawString(ctx, `SELECT `+map[store.Dialect]string{store.Postgres: `string_agg(module || ' ' || target, ',' ORDER BY module)`,
				store.SQLite: `group_concat(module || ' ' || target, ',')`}[db.Dialect()]+` FROM (SELECT module, target FROM module_targets ORDER BY module) t`)
			if err != nil {
				t.Fatal(err)
			}
			return got
		}
		var want []string
		for _, m := range cfg.Modules {
			want = append(want, fmt.Sprintf("%s %d", m.Key, m.TargetSessions))
		}
		slices.Sort(want)
		if got := targets(); got != strings.Join(want, ",") {
			t.Errorf("module_targets = %s, want the timeline's %s", got, strings.Join(want, ","))
		}
		audited := func() int {
			es, err := db.AuditEntries(ctx, store.AuditFilter{Actions: []string{"report.content.targets"}})
			if err != nil {
				t.Fatal(err)
			}
			return len(es)
		}
		if err := db.SetModuleTargets(ctx, cfg.Modules); err != nil || audited() != 0 {
			t.Errorf("the shipped targets again: %v, %d audited", err, audited())
		}
		// Family 10 completes with eight sessions on self-esteem.
		seedReportDataset(t, db)
		mustExec(t, db, `INSERT INTO closures (family_id, kind, reason, closed_on, requested_by, created_at) VALUES (10, 'planned', 'planned_end', $1, 1, $2)`, d(2026, 6, 20), now())
		for i := range 8 {
			mustExec(t, db, `INSERT INTO case_sessions (family_id, person_id, staff_id, held_on, mode, attendance, kind, module, created_at, updated_at)
				VALUES (10, 100, 1, $1, 'home', 'attended', 'session', 'self_esteem', $2, $2)`, d(2026, 1, 5).AddDate(0, 0, 7*i), now())
		}
		dsl := policy.Actor{StaffID: 1, Role: policy.DSL}
		content := func() []report.ModuleContent {
			f, err := db.FiguresFor(ctx, dsl, store.ReportScope{From: d(2026, 6, 1), To: d(2026, 6, 30), AreaIDs: []int64{2}}, report.PartContent)
			if err != nil {
				t.Fatal(err)
			}
			if f.ContentParents != 1 {
				t.Errorf("parents completing: %d, want 1", f.ContentParents)
			}
			return f.ContentModules
		}
		if got := content(); !reflect.DeepEqual(got, []report.ModuleContent{{Module: "self_esteem", Parents: 1, Reached: 1}}) {
			t.Errorf("at the shipped target of 3: %v", got)
		}
		if err := db.SetModuleTargets(ctx, []timeline.Module{{Key: "self_esteem", TargetSessions: 9}}); err != nil || audited() != 1 || targets() != "self_esteem 9" {
			t.Fatalf("new targets: %v, %d audited, %s", err, audited(), targets())
		}
		// The figures are kept a few minutes: a new scope reads afresh.
		f, err := db.FiguresFor(ctx, dsl, store.ReportScope{From: d(2026, 6, 2), To: d(2026, 6, 30), AreaIDs: []int64{2}}, report.PartContent)
		if err != nil || !reflect.DeepEqual(f.ContentModules, []report.ModuleContent{{Module: "self_esteem", Parents: 1, Reached: 0}}) {
			t.Errorf("at a target of 9: %v, %v", f.ContentModules, err)
		}
		for _, bad := range [][]timeline.Module{{{Key: ""}}, {{Key: "*", TargetSessions: 2}}} {
			if err := db.SetModuleTargets(ctx, bad); problem.CodeOf(err) != problem.Invalid {
				t.Errorf("targets %v: %v, want refused", bad, err)
			}
		}
	})
}

// TestMigration63OnRecordedRows: migration 63 on a database that already
// holds sessions on modules and families that completed (as every
// database upgraded to it does) counts them as its triggers would have:
// the content figures equal those counted from the rows. (Its triggers
// once came before its backfill, which fired them, and the rebuild then
// met the rows they had made.)
func TestMigration63OnRecordedRows(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			db, err := store.Open(ctx, store.Options{URL: b.URL, Keys: storetest.Keys(t)})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if err := db.MigrateThrough(ctx, 62); err != nil {
				t.Fatal(err)
			}
			seedReportDataset(t, db)
			seedSummaryRows(t, db) // sessions on modules; family 10 completed in June 2026
			mustExec(t, db, `INSERT INTO case_sessions (family_id, person_id, staff_id, held_on, mode, attendance, kind, module, created_at, updated_at)
				VALUES (10, 100, 1, $1, 'home', 'attended', 'session', 'self_esteem', $2, $2)`, d(2026, 5, 1), now())
			if _, err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			dsl := policy.Actor{StaffID: 1, Role: policy.DSL}
			sc := store.ReportScope{From: d(2026, 1, 1), To: d(2026, 12, 31)}
			got, err := db.FiguresFor(ctx, dsl, sc, report.PartContent)
			if err != nil {
				t.Fatal(err)
			}
			want, err := db.FiguresFromRows(ctx, sc)
			if err != nil {
				t.Fatal(err)
			}
			if got.ContentParents == 0 || len(got.ContentModules) == 0 || got.ContentParents != want.ContentParents ||
				!reflect.DeepEqual(got.ContentModules, want.ContentModules) {
				t.Errorf("after the migration: %d parents, %v; counted from the rows %d, %v", got.ContentParents, got.ContentModules, want.ContentParents, want.ContentModules)
			}
		})
	}
}
