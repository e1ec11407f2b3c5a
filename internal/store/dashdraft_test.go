package store_test

import (
	"strings"
	"testing"

	"github.com/cradle-org/cradle/internal/audit"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/risk"
	"github.com/cradle-org/cradle/internal/store"
	"github.com/cradle-org/cradle/internal/store/storetest"
)

// A parent has one draft risk assessment at a time: the form sent twice
// (a double click on "Save as draft") once left two identical drafts, and
// the page continues only the newest. The second is refused with a
// conflict that says so; the draft is still saved to, and once it is
// complete a new one may start.
func TestOneDraftRiskAssessmentAtATime(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := makeFamily(t, db)
		sctx := audit.WithSource(ctx, audit.Source{Actor: "test"})
		prac := fx.prac1.Actor()
		a := risk.Assessment{Answers: map[int]risk.Answer{1: risk.Yes, 2: risk.No}}
		id, err := db.SaveRiskAssessment(sctx, prac, fx.parent1, 0, 0, a, false, db.RiskSettings())
		if err != nil {
			t.Fatal(err)
		}
		_, err = db.SaveRiskAssessment(sctx, prac, fx.parent1, 0, 0, a, false, db.RiskSettings())
		if problem.CodeOf(err) != problem.Conflict || !strings.Contains(err.Error(), "saved as a draft") {
			t.Errorf("a second new draft: %v, want a conflict", err)
		}
		if n, err := db.RawString(ctx, `SELECT CAST(COUNT(*) AS TEXT) FROM risk_assessments WHERE person_id = $1`, fx.parent1); err != nil || n != "1" {
			t.Errorf("assessments after the form was sent twice: %s (%v), want 1", n, err)
		}
		// The draft itself is saved to, and completed. A save from a form
		// opened before that (version 1) is told which: a draft saved since
		// (saving again, at its version, replaces), or one completed.
		if _, err := db.SaveRiskAssessment(sctx, prac, fx.parent1, id, 1, a, false, db.RiskSettings()); err != nil {
			t.Fatalf("saving the draft: %v", err)
		}
		if _, err = db.SaveRiskAssessment(sctx, prac, fx.parent1, id, 1, a, false, db.RiskSettings()); problem.CodeOf(err) != problem.Conflict || !strings.Contains(err.Error(), "saved this draft") {
			t.Errorf("a draft saved from a stale form: %v, want a conflict saying the draft was saved since", err)
		}
		for q := 3; q <= 24; q++ {
			a.Answers[q] = risk.No
		}
		a.ParentView = "Feels safer"
		if _, err := db.SaveRiskAssessment(sctx, prac, fx.parent1, id, 2, a, true, db.RiskSettings()); err != nil {
			t.Fatalf("completing the draft: %v", err)
		}
		if _, err = db.SaveRiskAssessment(sctx, prac, fx.parent1, id, 3, a, false, db.RiskSettings()); problem.CodeOf(err) != problem.Conflict || !strings.Contains(err.Error(), "completed or removed") {
			t.Errorf("a completed assessment saved to: %v, want a conflict saying it was completed", err)
		}
		if _, err := db.SaveRiskAssessment(sctx, prac, fx.parent1, 0, 0, a, false, db.RiskSettings()); err != nil {
			t.Errorf("a new draft once the last is complete: %v", err)
		}
	})
}
