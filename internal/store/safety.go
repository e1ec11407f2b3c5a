package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/risk"
)

// MaxSafetyPlanReviewMonths is how far ahead a safety plan's next review
// may be: the longest review interval a programme may set
// (timeline.Config.SafetyPlanReviewWeeks, 52 weeks at most). A date
// further ahead, such as a year typed as 2999, would put the plan's
// "overdue for review" alert off for ever.
const MaxSafetyPlanReviewMonths = 12

// SafetyPlanSections are the structured parts of a safety plan.
type SafetyPlanSections struct {
	SafeContacts     string `json:"safe_contacts"`
	SafePlaces       string `json:"safe_places"`
	CodeWords        string `json:"code_words"`
	EscapePlan       string `json:"escape_plan"`
	BabyPlan         string `json:"baby_plan"`
	TechnologySafety string `json:"technology_safety"`
}

// SafetyPlanSectionNames lists the sections with their labels, in order.
func SafetyPlanSectionNames() [][2]string {
	return [][2]string{{"safe_contacts", "Safe contacts"}, {"safe_places", "Safe places"}, {"code_words", "Code words"},
		{"escape_plan", "Escape plan"}, {"baby_plan", "Plan for the baby"}, {"technology_safety", "Technology safety"}}
}

// Section is the text of the section SafetyPlanSectionNames calls key, or
// "" for a key it does not name.
func (s SafetyPlanSections) Section(key string) string {
	switch key {
	case "safe_contacts":
		return s.SafeContacts
	case "safe_places":
		return s.SafePlaces
	case "code_words":
		return s.CodeWords
	case "escape_plan":
		return s.EscapePlan
	case "baby_plan":
		return s.BabyPlan
	case "technology_safety":
		return s.TechnologySafety
	}
	return ""
}

// SafetyPlan is a parent's safety plan. Sections are filled only for
// readers who may see the parent's confidential details: a safety plan is
// confidential from the co-parent's practitioner.
type SafetyPlan struct {
	ID       int64
	PersonID int64
	Version  int
	ReviewOn time.Time
	Sections *SafetyPlanSections
	Reviews  []SafetyPlanReview
	Updated  time.Time
}

// SafetyPlanReview is a review of the plan, with what changed.
type SafetyPlanReview struct {
	ReviewedOn time.Time
	By         string
	Changes    string
}

// SaveSafetyPlan creates or updates a parent's safety plan. Updating an
// existing plan records a review with what changed; version is the one the
// editor opened (0 for a new plan).
func (db *DB) SaveSafetyPlan(ctx context.Context, actor policy.Actor, personID int64, version int, sec SafetyPlanSections, reviewOn time.Time, changes string) error {
	return db.Update(ctx, func(tx *Tx) error {
		f, p, err := tx.parentForEdit(actor, personID, "A safety plan is written with a parent")
		if err != nil {
			return err
		}
		var fs problem.Fields
		for _, x := range []struct {
			name string
			v    *string
		}{{"safe_contacts", &sec.SafeContacts}, {"safe_places", &sec.SafePlaces}, {"code_words", &sec.CodeWords},
			{"escape_plan", &sec.EscapePlan}, {"baby_plan", &sec.BabyPlan}, {"technology_safety", &sec.TechnologySafety}} {
			fs.Text(x.name, "This section", x.v, 10000, true)
		}
		fs.Text("changes", "What changed", &changes, 5000, true)
		switch {
		case reviewOn.IsZero():
			fs.Add("review_on", "Enter the date of the next review")
		case reviewOn.Before(tx.now.Truncate(24 * time.Hour)):
			fs.Add("review_on", "The next review must be today or later")
		case reviewOn.After(tx.now.Truncate(24*time.Hour).AddDate(0, MaxSafetyPlanReviewMonths, 0)):
			fs.Add("review_on", "The next review must be within the next 12 months")
		}
		if err := fs.Err(); err != nil {
			return err
		}
		b, err := json.Marshal(sec)
		if err != nil {
			return fmt.Errorf("encoding safety plan: %w", err)
		}
		var planID int64
		err = tx.queryRow(`SELECT id FROM safety_plans WHERE person_id = $1`, p.ID).Scan(&planID)
		isNew := err == sql.ErrNoRows
		switch {
		case isNew:
			if planID, err = tx.newID("safety_plans"); err != nil {
				return err
			}
		case err != nil:
			return fmt.Errorf("finding safety plan: %w", err)
		}
		sealed, err := tx.db.seal(rowContext("safety_plans.plan", planID), string(b))
		if err != nil {
			return err
		}
		if isNew {
			_, err = tx.exec(`INSERT INTO safety_plans (id, family_id, person_id, staff_id, plan_sealed, review_on, version, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $7)`, planID, f.ID, p.ID, actor.StaffID, sealed, reviewOn.UTC(), tx.now)
			if err != nil {
				return fmt.Errorf("saving safety plan: %w", err)
			}
			tx.Audit("safety_plan.create", "safety_plan", planID, f.ID, "")
			return nil
		}
		res, err := tx.exec(`UPDATE safety_plans SET plan_sealed = $1, review_on = $2, version = version + 1, updated_at = $3 WHERE id = $4 AND version = $5`,
			sealed, reviewOn.UTC(), tx.now, planID, version)
		if err != nil {
			return fmt.Errorf("saving safety plan: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return problem.New(problem.Conflict, "Someone else saved this safety plan after you opened it. Check the plan as saved now, then save again if your text should stand")
		}
		if err := tx.insertPlanReview(planID, tx.now, changes, actor.StaffID, tx.now); err != nil {
			return err
		}
		tx.Audit("safety_plan.review", "safety_plan", planID, f.ID, "")
		return nil
	})
}

// insertPlanReview records a review of plan planID on the day on by the
// member of staff by, what changed sealed to its row.
func (tx *Tx) insertPlanReview(planID int64, on time.Time, changes string, by int64, at time.Time) error {
	id, err := tx.newID("safety_plan_reviews")
	if err != nil {
		return err
	}
	sealed, err := tx.db.seal(rowContext("safety_plan_reviews.changes", id), changes)
	if err != nil {
		return err
	}
	if _, err := tx.exec(`INSERT INTO safety_plan_reviews (id, plan_id, reviewed_on, changes_sealed, reviewed_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		id, planID, on, sealed, by, at); err != nil {
		return fmt.Errorf("recording review: %w", err)
	}
	return nil
}

func (tx *Tx) safetyPlan(personID int64, seeConfidential bool) (*SafetyPlan, error) {
	var sp SafetyPlan
	var sealed string
	var review sql.NullTime
	err := tx.queryRow(`SELECT id, person_id, version, review_on, plan_sealed, updated_at FROM safety_plans WHERE person_id = $1`, personID).
		Scan(&sp.ID, &sp.PersonID, &sp.Version, &review, &sealed, &sp.Updated)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading safety plan: %w", err)
	}
	sp.ReviewOn = timeOf(review)
	if !seeConfidential {
		return &sp, nil
	}
	plain, err := tx.db.open(rowContext("safety_plans.plan", sp.ID), sealed)
	if err != nil {
		return nil, err
	}
	sp.Sections = &SafetyPlanSections{}
	if err := json.Unmarshal([]byte(plain), sp.Sections); err != nil {
		return nil, fmt.Errorf("decoding safety plan: %w", err)
	}
	rows, err := tx.query(`SELECT r.id, r.reviewed_on, s.name, r.changes_sealed FROM safety_plan_reviews r JOIN staff s ON s.id = r.reviewed_by
		WHERE r.plan_id = $1 ORDER BY r.reviewed_on DESC, r.id DESC`, sp.ID)
	if err != nil {
		return nil, fmt.Errorf("reading reviews: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var rv SafetyPlanReview
		var ch string
		var reviewID int64
		if err := rows.Scan(&reviewID, &rv.ReviewedOn, &rv.By, &ch); err != nil {
			return nil, err
		}
		if rv.Changes, err = tx.db.open(rowContext("safety_plan_reviews.changes", reviewID), ch); err != nil {
			return nil, err
		}
		sp.Reviews = append(sp.Reviews, rv)
	}
	return &sp, rows.Err()
}

// ParentRisk is one co-parent's line of the family risk summary: levels and
// dates only, safe to show to anyone who may see the family.
type ParentRisk struct {
	PersonID      int64
	Level         risk.Level
	AssessedOn    time.Time
	LastMARAC     time.Time
	MARACOutcome  string
	NextPlanCheck time.Time
}

// RiskSummary is the family risk summary.
type RiskSummary struct {
	Parents []ParentRisk
	// ChildLevel is the level of the assessment of risk to the children
	// the summary gives (risk.CurrentChildRisk), on ChildOn; ChildAbout
	// the child it was about, "" when about all of them.
	ChildLevel   risk.Level
	ChildOn      time.Time
	ChildAbout   string
	OpenConcerns int
}

// familyRiskSummary gathers the family's current risk picture in one
// statement, a single round trip on PostgreSQL (it was five). Its rows are
// tagged by fact: a each parent's completed DASH assessments, b their MARAC
// referrals, c their safety plans, each person's newest first (by date then
// id; plans by id alone, as a plan replaces the last); the first row of a
// fact and person is kept. e is one row whose n is the count of open
// concerns; elsewhere n is the row's id. The children's level is
// familyChildRisks' (the family page reads their whole assessments).
func (db *DB) familyRiskSummary(ctx context.Context, q rowQuerier, familyID int64, parents []int64) (RiskSummary, error) {
	var out RiskSummary
	out.Parents = make([]ParentRisk, len(parents))
	byID := make(map[int64]*ParentRisk, len(parents))
	for i, pid := range parents {
		out.Parents[i] = ParentRisk{PersonID: pid}
		byID[pid] = &out.Parents[i]
	}
	in, args := db.inList(parents)
	rows, err := q.QueryContext(ctx, `SELECT 'a' AS fact, person_id, level AS note, assessed_on AS day, assessed_on AS sort_day, id AS n FROM risk_assessments
			WHERE person_id IN (`+in+`) AND status = 'complete' AND kind = 'dash'
		UNION ALL SELECT 'b', person_id, outcome, referred_on, referred_on, id FROM marac_referrals WHERE person_id IN (`+in+`) AND removed_at IS NULL
		UNION ALL SELECT 'c', person_id, '', review_on, CAST(NULL AS DATE), id FROM safety_plans WHERE person_id IN (`+in+`)
		UNION ALL SELECT 'e', 0, '', CAST(NULL AS DATE), CAST(NULL AS DATE), COUNT(*) FROM safeguarding_concerns WHERE family_id = $2 AND status <> 'closed'
		ORDER BY fact, person_id, sort_day DESC, n DESC`, append(args, familyID)...)
	if err != nil {
		return out, fmt.Errorf("reading the family's risk summary: %w", err)
	}
	type factOf struct {
		fact string
		pid  int64
	}
	seen := map[factOf]bool{}
	for rows.Next() {
		var fact, note string
		var pid, n int64
		var day, sortDay anyTime
		if err := rows.Scan(&fact, &pid, &note, &day, &sortDay, &n); err != nil {
			return out, dropRows(rows, fmt.Errorf("reading the family's risk summary: %w", err))
		}
		key := factOf{fact, pid}
		if seen[key] {
			continue // an older row
		}
		seen[key] = true
		pr := byID[pid]
		switch {
		case fact == "a" && pr != nil:
			pr.Level, pr.AssessedOn = risk.Level(note), day.T
		case fact == "b" && pr != nil:
			pr.LastMARAC, pr.MARACOutcome = day.T, note
		case fact == "c" && pr != nil:
			pr.NextPlanCheck = day.T
		case fact == "e":
			out.OpenConcerns = int(n)
		}
	}
	if err := doneRows(rows); err != nil {
		return out, fmt.Errorf("reading the family's risk summary: %w", err)
	}
	return out, nil
}
