package store_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/family"
	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/research"
	"github.com/cradle-org/cradle/internal/store"
	"github.com/cradle-org/cradle/internal/store/storetest"
)

func TestResearchExtract(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := makeFamily(t, db)
		for _, m := range []store.MeasureResult{
			{PersonID: fx.parent1, Instrument: "phq9", Timepoint: "baseline", TakenOn: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), Raw: 12, Score: 12, Band: "Moderate", Detail: "CANARY-ANSWERS"},
			{PersonID: fx.parent1, Instrument: "phq9", Timepoint: "m6", TakenOn: time.Date(2027, 8, 1, 0, 0, 0, 0, time.UTC), Raw: 6, Score: 6, Band: "Mild"},
		} {
			if _, err := db.SaveMeasure(ctx, fx.prac1.Actor(), m, family.Parent); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.RawExec(ctx, `INSERT INTO case_sessions (family_id, person_id, staff_id, held_on, mode, attendance, kind, created_at, updated_at)
			VALUES ($1, $2, $3, $4, 'home', 'attended', 'session', $6, $6), ($1, $2, $3, $5, 'home', 'did_not_attend', 'session', $6, $6)`,
			fx.familyID, fx.parent1, fx.prac1.ID, time.Date(2026, 9, 20, 0, 0, 0, 0, time.UTC), time.Date(2027, 1, 5, 0, 0, 0, 0, time.UTC), time.Now().UTC()); err != nil {
			t.Fatal(err)
		}
		for _, who := range []policy.Actor{fx.mgr.Actor(), fx.prac1.Actor(), {StaffID: 9, Role: policy.Analyst}, {}} {
			_, _, err := db.ResearchExtract(ctx, who, "KCL evaluation", nil)
			var pe *problem.Error
			if !errors.As(err, &pe) || pe.Code != problem.Forbidden {
				t.Errorf("%s: err = %v, want forbidden", who.Role, err)
			}
		}
		admin := policy.Actor{StaffID: 99, Role: policy.Admin}
		var calls int
		key, recs, err := db.ResearchExtract(ctx, admin, "KCL evaluation", func(done, total int) { calls++ })
		if err != nil {
			t.Fatal(err)
		}
		if len(key) != 32 || len(recs) != 2 || calls == 0 {
			t.Fatalf("key %d bytes, %d records, %d progress calls", len(key), len(recs), calls)
		}
		if recs[0].SessionsAttended != 1 || recs[0].SessionsOffered != 1 || recs[1].SessionsOffered != 2 || recs[0].Experience != "experiences" || recs[0].Area != "Blackpool" {
			t.Errorf("records = %+v", recs)
		}
		// The key is kept: a second extract pseudonymises the same way.
		key2, _, err := db.ResearchExtract(ctx, admin, "KCL evaluation", nil)
		if err != nil || !bytes.Equal(key, key2) {
			t.Fatalf("second key differs: %v", err)
		}
		rows, err := research.Build(key, "KCL evaluation", research.Months, recs)
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		if err := research.WriteCSV(&out, rows); err != nil {
			t.Fatal(err)
		}
		csv := out.String()
		for _, leak := range []string{"Alex", "Rivers", "CANARY", "2026-10-01", "FAM-"} {
			if strings.Contains(csv, leak) {
				t.Errorf("extract contains %q:\n%s", leak, csv)
			}
		}
		if !strings.Contains(csv, "2026-10") || !strings.Contains(csv, "phq9") {
			t.Errorf("extract lacks the result:\n%s", csv)
		}
	})
}
