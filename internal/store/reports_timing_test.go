package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/measure"
	"github.com/cradle-org/cradle/internal/report"
	"github.com/cradle-org/cradle/internal/seal"
	"github.com/cradle-org/cradle/internal/timeline"
)

// TestReportTimings times each part of the organisation dashboard (every
// area, from 2000 to today) on a bench seed's data folder named by
// CRADLE_REPORT_TIMING_DATA, and the two halves side by side as the page
// runs them; skipped without it. It migrates the database and otherwise
// only reads. With CRADLE_REPORT_TIMING_PAIRS set it also checks the
// outcome pairs against the scores. A measuring aid, not a test of speed:
// it asserts nothing about time.
func TestReportTimings(t *testing.T) {
	dir := os.Getenv("CRADLE_REPORT_TIMING_DATA")
	if dir == "" {
		t.Skip("CRADLE_REPORT_TIMING_DATA is not set")
	}
	ctx := context.Background()
	keys, err := seal.LoadFile(filepath.Join(dir, "cradle.key"))
	if err != nil {
		t.Fatal(err)
	}
	db, err := Open(ctx, Options{URL: SQLitePath(dir), Keys: keys})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	start := time.Now()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	t.Logf("migrate: %v", time.Since(start).Round(time.Millisecond))
	tl, err := timeline.DefaultConfig()
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, tp := range tl.Timepoints {
		order = append(order, tp.Key)
	}
	var ins []OutcomeInstrument
	for _, in := range measure.Builtin() {
		if in.HasTotal() {
			ins = append(ins, OutcomeInstrument{Key: in.Key, Label: in.ShortName, Direction: report.Direction(in.Direction), ReliableChange: in.ReliableChange, Order: order})
		}
	}
	sc := ReportScope{From: time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), To: db.Now()}
	from, until := day(sc.From), day(sc.To).AddDate(0, 0, 1)
	done := errors.New("done") // ends each read unaudited
	read := func(fn func(tx *Tx) error) {
		t.Helper()
		var err error
		if e := db.View(ctx, func(tx *Tx) error {
			if err = fn(tx); err != nil {
				return err
			}
			return done
		}); !errors.Is(e, done) {
			t.Error(e)
		}
	}
	for round := range 3 {
		var f report.Figures
		for _, p := range []struct {
			name string
			fn   func(tx *Tx) error
		}{
			{"referrals", func(tx *Tx) error { return tx.referralFigures(sc, from, until, &f) }},
			{"caseloads", func(tx *Tx) error { return tx.caseloadFigures(sc, &f) }},
			{"sessions", func(tx *Tx) error { return tx.sessionFigures(sc, from, until, &f) }},
			{"closures", func(tx *Tx) error { return tx.closureFigures(sc, from, until, &f) }},
			{"retention", func(tx *Tx) error { return tx.retentionFigures(sc, from, until, &f) }},
			{"safeguarding", func(tx *Tx) error { return tx.safeguardingFigures(sc, from, until, &f) }},
			{"content", func(tx *Tx) error { return tx.contentFigures(sc, from, until, &f) }},
			{"figures", func(tx *Tx) error { _, err := tx.figures(sc); return err }},
			{"outcomeChange", func(tx *Tx) error { _, err := tx.outcomeChange(sc, ins); return err }},
		} {
			start, cpu := time.Now(), cpuTime()
			read(p.fn)
			t.Logf("round %d %-14s %v (CPU %v)", round, p.name, time.Since(start).Round(time.Millisecond), (cpuTime() - cpu).Round(time.Millisecond))
		}
	}
	// Side by side, as the dashboard's page runs them.
	for range 3 {
		start := time.Now()
		outcomes := make(chan struct{})
		go func() {
			defer close(outcomes)
			read(func(tx *Tx) error { _, err := tx.outcomeChange(sc, ins); return err })
		}()
		read(func(tx *Tx) error { _, err := tx.figures(sc); return err })
		<-outcomes
		t.Logf("figures beside the outcome table: %v", time.Since(start).Round(time.Millisecond))
	}
	if os.Getenv("CRADLE_REPORT_TIMING_PAIRS") == "" {
		return
	}
	for _, sc := range []ReportScope{sc, {From: time.Date(2024, 3, 5, 0, 0, 0, 0, time.UTC), To: time.Date(2025, 2, 11, 0, 0, 0, 0, time.UTC)}, {From: sc.From, To: sc.To, AreaIDs: []int64{3, 7}}} {
		read(func(tx *Tx) error {
			a, err := tx.outcomePairs(sc, ins)
			if err != nil {
				return err
			}
			b, err := tx.outcomeScores(sc, ins)
			if err != nil {
				return err
			}
			for i := range a {
				slices.SortFunc(a[i], comparePairs)
				slices.SortFunc(b[i], comparePairs)
				if !slices.Equal(a[i], b[i]) {
					t.Errorf("%v: %s: %d pairs, %d from the scores", sc, ins[i].Key, len(a[i]), len(b[i]))
				}
			}
			return nil
		})
	}
}

// cpuTime is the process's CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// figures reads every part of a scope's figures, one after another in one
// snapshot, and keeps none: the whole dashboard's read, timed as one.
// (Run side by side in separate transactions the parts were no faster on
// SQLite at 100,000 families: the connections contended for locks inside
// the driver, and the outcome table already runs beside them.)
func (tx *Tx) figures(sc ReportScope) (report.Figures, error) {
	f, err := tx.scopeFigures(sc)
	if err != nil {
		return f, err
	}
	for _, r := range figureReads {
		p, err := tx.figurePart(r.read, sc)
		if err != nil {
			return f, err
		}
		f.Merge(p, r.part)
	}
	return f, nil
}
