package store_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/family"
	"github.com/cradle-org/cradle/internal/org"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/store"
	"github.com/cradle-org/cradle/internal/store/storetest"
)

func TestMeasures(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := makeFamily(t, db)
		own := fx.prac1.Actor()
		m := store.MeasureResult{PersonID: fx.parent1, Instrument: "phq9", Timepoint: "baseline", TakenOn: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC),
			Raw: 12, Score: 12, Band: "Moderate", Flagged: true, Alert: true, Detail: `{"answers":{"9":1}}`}
		id, err := db.SaveMeasure(ctx, own, m, family.Parent)
		if err != nil || id == 0 {
			t.Fatalf("SaveMeasure = %d, %v", id, err)
		}
		// The same instrument at the same timepoint again is refused, saying when.
		_, err = db.SaveMeasure(ctx, own, m, family.Parent)
		var pe *problem.Error
		if !errors.As(err, &pe) || pe.Code != problem.Conflict || len(pe.Fields) != 1 || pe.Fields[0].Name != "timepoint" {
			t.Fatalf("duplicate: %v", err)
		}
		// A baby's measure for a parent is refused.
		if _, err := db.SaveMeasure(ctx, own, store.MeasureResult{PersonID: fx.parent1, Instrument: "asq3", Timepoint: "m6", TakenOn: m.TakenOn}, family.Baby); !errors.As(err, &pe) || pe.Code != problem.Invalid {
			t.Fatalf("wrong subject: %v", err)
		}
		// The other parent's practitioner may not record one for this parent.
		if _, err := db.SaveMeasure(ctx, fx.prac2.Actor(), store.MeasureResult{PersonID: fx.parent1, Instrument: "gad7", Timepoint: "baseline", TakenOn: m.TakenOn}, family.Parent); !errors.As(err, &pe) || pe.Code != problem.Forbidden {
			t.Fatalf("co-parent's practitioner: %v", err)
		}
		// Own practitioner reads figures and answers.
		rec, err := db.ReadPerson(ctx, own, fx.parent1)
		if err != nil {
			t.Fatal(err)
		}
		if len(rec.Measures) != 1 || rec.Measures[0].Score != 12 || rec.Measures[0].Band != "Moderate" || rec.Measures[0].Detail == "" || rec.Measures[0].Withheld {
			t.Fatalf("own practitioner sees %+v", rec.Measures)
		}
		// The co-parent's practitioner sees only that a result exists.
		rec, err = db.ReadPerson(ctx, fx.prac2.Actor(), fx.parent1)
		if err != nil {
			t.Fatal(err)
		}
		if len(rec.Measures) != 1 || !rec.Measures[0].Withheld || rec.Measures[0].Score != 0 || rec.Measures[0].Band != "" || rec.Measures[0].Detail != "" {
			t.Fatalf("co-parent's practitioner sees %+v", rec.Measures)
		}
		// The answer that needs follow-up gave the practitioner and manager a task, titled by its source only.
		for _, s := range []org.Staff{fx.prac1, fx.mgr} {
			cl, err := db.CaseloadWithTasks(ctx, s.Actor())
			if err != nil {
				t.Fatal(err)
			}
			tasks := cl.Tasks
			found := false
			for _, tk := range tasks {
				if tk.Kind == "measure_follow_up" && strings.HasPrefix(tk.Title, "Follow up an outcome measure answer today (family ") {
					found = true
				}
			}
			if !found {
				t.Errorf("staff %d tasks = %+v, want a follow-up", s.ID, tasks)
			}
		}
		// The family page lists it for those who may see the measure, not
		// for Sam's practitioner: that an answer raised an alarm is
		// withheld with the answer.
		followUps := func(s org.Staff) int {
			t.Helper()
			fp, err := db.ReadFamilyPage(ctx, s.Actor(), fx.familyID, 8)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, tk := range fp.Tasks {
				if tk.Kind == "measure_follow_up" {
					n++
				}
			}
			return n
		}
		if own, mgr, other := followUps(fx.prac1), followUps(fx.mgr), followUps(fx.prac2); own != 2 || mgr != 2 || other != 0 {
			t.Errorf("follow-up tasks on the family page: Alex's practitioner %d, the manager %d, Sam's practitioner %d; want 2, 2, 0", own, mgr, other)
		}
		// Caseload progress knows what was recorded.
		fp, err := db.ReadFamilyPage(ctx, fx.prac1.Actor(), fx.familyID, 8)
		if err != nil {
			t.Fatal(err)
		}
		p := fp.Progress
		if got := p.Measures["baseline"][fx.parent1]; len(got) != 1 || got[0] != "phq9" {
			t.Errorf("coverage = %v", p.Measures)
		}
	})
}
