package demo

import (
	"context"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/family"
	"github.com/cradle-org/cradle/internal/risk"
	"github.com/cradle-org/cradle/internal/store"
	"github.com/cradle-org/cradle/internal/store/storetest"
	"github.com/cradle-org/cradle/internal/timeline"
)

func TestDashAnswersGiveTheLevelsTheyAreFor(t *testing.T) {
	for _, tc := range []struct {
		yes  []int
		want risk.Level
	}{{dashHigh, risk.High}, {dashMedium, risk.Medium}, {dashStandard, risk.Standard}, {dashLow, risk.Standard}} {
		res, err := risk.Score(risk.DefaultThresholds(), dashAnswers(tc.yes, "view"))
		if err != nil || !res.Complete || res.Level != tc.want || res.Yes != len(tc.yes) {
			t.Errorf("%d yes: %s, complete %t, %v; want %s", len(tc.yes), res.Level, res.Complete, err, tc.want)
		}
	}
}

// Every story is whole: its assessments in order, a review after each
// incident, its plan reviewed no earlier than written, and a MARAC referral
// with its outcome wherever a level is high (so the demo leaves no
// "consider a MARAC referral" task a practitioner would have closed).
func TestRiskStoriesAreWhole(t *testing.T) {
	if len(riskStories[1]) != 0 {
		t.Error("family 2 (Amy Foster) has a risk story: the browser tests make her first assessment")
	}
	for n, stories := range riskStories {
		if n >= len(families) || families[n].stage == "referral" {
			t.Errorf("story for family %d, which has no practitioners", n+1)
			continue
		}
		for _, s := range stories {
			if families[n].prac[s.Parent] == "" {
				t.Errorf("family %d parent %d: no practitioner to assess", n+1, s.Parent+1)
			}
			high := false
			for i, a := range s.Assessments {
				if i > 0 && a.Day <= s.Assessments[i-1].Day {
					t.Errorf("family %d: assessments out of order", n+1)
				}
				res, err := risk.Score(risk.DefaultThresholds(), risk.Assessment{Answers: dashAnswers(a.Yes, "").Answers, JudgedLevel: a.Judged, JudgementReason: a.Reason})
				if err != nil {
					t.Errorf("family %d: %v", n+1, err)
				}
				high = high || res.Level == risk.High
			}
			if high && (s.MARACOn == 0 || s.MARACOutcome == "") {
				t.Errorf("family %d: a high level with no MARAC referral and outcome", n+1)
			}
			for _, in := range s.Incidents {
				reviewed := false
				for _, a := range s.Assessments {
					reviewed = reviewed || a.Day > in.Day && a.Day <= in.Day+7
				}
				if !reviewed {
					t.Errorf("family %d: no assessment within a week after the incident on day %d", n+1, in.Day)
				}
			}
			for _, r := range s.PlanReviews {
				if len(s.Assessments) == 0 || r.Day < s.Assessments[0].Day {
					t.Errorf("family %d: plan reviewed before it was written", n+1)
				}
			}
		}
	}
}

// The loaded demo shows a parent's whole risk history (Jess Morris: four
// assessments down from high, a safety plan reviewed three times, an
// incident and a MARAC referral with its outcome) and leaves no risk task
// open.
func TestDemoRiskHistory(t *testing.T) {
	ctx := context.Background()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		if _, _, err := LoadWith(ctx, db, storetest.PasswordParams); err != nil {
			t.Fatal(err)
		}
		dsl, err := db.StaffByEmail(ctx, "ruth.adams@cradle.example")
		if err != nil {
			t.Fatal(err)
		}
		list, err := db.Caseload(ctx, dsl.Actor())
		if err != nil {
			t.Fatal(err)
		}
		var jess, amy int64
		for _, e := range list {
			for _, p := range e.Parents {
				switch p.GivenName {
				case "Jess":
					jess = p.ID
				case "Amy":
					amy = p.ID
				}
			}
		}
		r, err := db.ReadPerson(ctx, dsl.Actor(), jess)
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Risk) != 4 || r.Risk[0].Level != risk.Standard || r.Risk[3].Level != risk.High || r.Risk[0].Status != "complete" || r.Risk[0].Assessment == nil {
			t.Errorf("Jess's assessments: %+v", r.Risk)
		}
		if p := r.SafetyPlan; p == nil || len(p.Reviews) != 3 || p.Sections == nil || p.Sections.CodeWords == "" || !p.ReviewOn.After(time.Now()) {
			t.Errorf("Jess's safety plan: %+v", p)
		}
		if len(r.Incidents) != 1 || !r.Incidents[0].PoliceInvolved || r.Incidents[0].Details == "" {
			t.Errorf("Jess's incidents: %+v", r.Incidents)
		}
		if len(r.MARACReferrals) != 1 || r.MARACReferrals[0].Outcome == "" || r.MARACReferrals[0].Actions == "" {
			t.Errorf("Jess's MARAC referrals: %+v", r.MARACReferrals)
		}
		a, err := db.ReadPerson(ctx, dsl.Actor(), amy)
		if err != nil || len(a.Risk) != 0 || a.SafetyPlan != nil {
			t.Errorf("Amy: %d assessments, plan %v, %v; want none", len(a.Risk), a.SafetyPlan, err)
		}
		for _, c := range Credentials() {
			s, err := db.StaffByEmail(ctx, c.Email)
			if err != nil {
				t.Fatal(err)
			}
			v, err := db.CaseloadWithTasks(ctx, s.Actor())
			if err != nil {
				continue // a role with no caseload has no tasks either
			}
			for _, task := range v.Tasks {
				if task.Kind == "consider_marac" || task.Kind == "review_risk" || task.Kind == "marac_outcome" {
					t.Errorf("the demo left %s a task: %s", c.Email, task.Title)
				}
			}
		}
	})
}

// Each demo family is at the stage it was written for by the timeline's own
// reckoning, which counts from the assessment's completion: a family past
// assessment has completed it (it once showed "Assessment complete"
// overdue on every such family).
func TestDemoFamiliesAtTheirStages(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t, storetest.Backends(t)[0], nil)
	if _, _, err := LoadWith(ctx, db, storetest.PasswordParams); err != nil {
		t.Fatal(err)
	}
	dsl, err := db.StaffByEmail(ctx, "ruth.adams@cradle.example")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := timeline.DefaultConfig()
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]family.Family{}
	for id := int64(1); id <= int64(len(families)); id++ {
		f, err := db.ReadFamily(ctx, dsl.Actor(), id)
		if err != nil {
			t.Fatalf("family %d: %v", id, err)
		}
		for _, p := range f.Parents() {
			if p.ParentSlot == 1 {
				byName[p.GivenName] = f
			}
		}
	}
	for _, spec := range families {
		f, ok := byName[spec.parents[0].given]
		if !ok {
			t.Errorf("no family for %s", spec.parents[0].given)
			continue
		}
		facts := timeline.Facts{AcceptedOn: f.AcceptedOn, EDD: f.EDD, AssessmentCompletedOn: f.AssessmentDoneOn, ClosedOn: f.ClosedOn, Today: time.Now()}
		if b, ok := f.Baby(); ok {
			facts.BornOn = b.DateOfBirth
		}
		if got := timeline.StageOf(cfg, facts); got != spec.stage {
			t.Errorf("%s's family is at %s by the timeline, written for %s (assessment completed %v)", spec.parents[0].given, got, spec.stage, f.AssessmentDoneOn)
		}
	}
}
