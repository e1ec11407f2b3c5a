package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/cradle-org/cradle/internal/family"
	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/risk"
)

// ChildRiskEntry is one assessment of risk to the baby and the other
// children, as the family page shows it: what worried the practitioner,
// the level, the plan, and who assessed it when. It is family-wide (read by
// both parents' practitioners), so what it says was kept free of either
// parent's confidential details when it was saved.
type ChildRiskEntry struct {
	ID int64
	risk.ChildRisk
	AssessedOn time.Time
	By         string
	// ChildID is the child it is about (AllChildren for the baby and
	// every other child); About their name, "" when about all of them.
	ChildID int64
	About   string
}

// Whom an assessment of risk to the children is about, when it is not one
// child's person ID.
const (
	AllChildren    int64 = 0  // the baby and every other child
	ChildNotChosen int64 = -1 // the form asked and nothing was chosen
	// ChildUnknown is a choice that is not one of the family's children
	// (a form's answer that is no person's ID): refused like any other
	// child not in the family.
	ChildUnknown int64 = -2
)

// RemovedChildRisk is an assessment of risk to the children removed as
// entered in error: the level it gave, and who removed it, when and why.
// What it said stays sealed, unread.
type RemovedChildRisk struct {
	RemovedEntry
	Level risk.Level
	// ChildID and About are whom it was about, as ChildRiskEntry's.
	ChildID int64
	About   string
}

// RecordChildRisk records risk to the baby and the other children, or to
// one of them: childID is the baby's or a child's person ID, AllChildren,
// or ChildNotChosen, which is an error (field "about") when the family has
// other children to choose between, and otherwise all of them; anyone
// else (ChildUnknown included) is an error (field "about") too. Its
// concerns and plan are read by everyone working with the family, so
// neither may hold a parent's confidential details (keepConfidentialOut).
func (db *DB) RecordChildRisk(ctx context.Context, actor policy.Actor, familyID, childID int64, c risk.ChildRisk) error {
	return db.Update(ctx, func(tx *Tx) error {
		f, err := tx.familyForChange(actor, familyID, policy.EditFamily)
		if err != nil {
			return err
		}
		var fs problem.Fields
		childID = whichChild(f, childID, &fs)
		verr := c.Validate()
		for _, pe := range risk.Problems(verr) {
			fs.Add(pe.Field, pe.Message)
		}
		if e := fs.Err(); e != nil {
			return &problem.Error{Code: problem.Invalid, Message: "There is a problem", Fields: fs, Err: errors.Join(e, verr)}
		}
		if err := tx.keepConfidentialOut(actor, f, everyone, textField{"concerns", c.Concerns}, textField{"plan", c.Plan}); err != nil {
			return err
		}
		id, err := tx.insertChildRisk(f.ID, childID, c, tx.now, actor.StaffID)
		if err != nil {
			return err
		}
		tx.Audit("child_risk.create", "child_risk", id, f.ID, string(c.Level))
		return nil
	})
}

// whichChild checks who an assessment is about against family f's
// children, adding a problem to fs for a choice that is missing (with
// other children to choose between) or not one of them, and gives the
// person ID to store (AllChildren for all of them).
func whichChild(f family.Family, childID int64, fs *problem.Fields) int64 {
	others := false
	for _, p := range f.People {
		if p.Kind == family.Child {
			others = true
		}
		if childID > 0 && p.ID == childID && p.Kind != family.Parent {
			return childID
		}
	}
	switch {
	case childID == AllChildren || childID == ChildNotChosen && !others:
		return AllChildren
	case childID == ChildNotChosen:
		fs.Add("about", "Select who the assessment is about: the baby and all the other children, or one of them")
	default:
		fs.Add("about", "Select who the assessment is about from the children on this family's record")
	}
	return AllChildren
}

// insertChildRisk writes an assessment of risk to the children of family
// familyID (personID a child's, 0 for all of them), made on by staff
// member by: the checked RecordChildRisk's and the demo loader's.
func (tx *Tx) insertChildRisk(familyID, personID int64, c risk.ChildRisk, on time.Time, by int64) (int64, error) {
	id, err := tx.newID("child_risks")
	if err != nil {
		return 0, err
	}
	concerns, err := tx.db.seal(rowContext("child_risks.concerns", id), c.Concerns)
	if err != nil {
		return 0, err
	}
	plan, err := tx.db.seal(rowContext("child_risks.plan", id), c.Plan)
	if err != nil {
		return 0, err
	}
	_, err = tx.exec(`INSERT INTO child_risks (id, family_id, person_id, level, concerns_sealed, plan_sealed, assessed_on, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, id, familyID, nullID(personID), string(c.Level), concerns, plan, on.UTC(), by, tx.now)
	if err != nil {
		return 0, fmt.Errorf("saving the risk to the children: %w", err)
	}
	return id, nil
}

// RemoveChildRisk marks one of a family's assessments of risk to the
// children as entered in error (recorded on the wrong family, or twice),
// with why: it is kept, left out of the family's risk picture (the level
// the page shows is then the latest assessment left) and listed as
// removed. Whoever may assess the risk may.
func (db *DB) RemoveChildRisk(ctx context.Context, actor policy.Actor, familyID, childRiskID int64, why string) error {
	return db.Update(ctx, func(tx *Tx) error {
		f, err := tx.familyForChange(actor, familyID, policy.EditFamily)
		if err != nil {
			return err
		}
		const gone = "That assessment of risk to the children is not on this family's record, or was already removed"
		// Not there first; then why, listed with
		// the removed assessment for everyone working with the family.
		if err := tx.entryToRemove("child_risks", "family_id", f.ID, childRiskID, gone); err != nil {
			return err
		}
		if err := tx.keepConfidentialOut(actor, f, everyone, textField{"why", why}); err != nil {
			return err
		}
		if err := tx.markRemoved("child_risks", "family_id", f.ID, childRiskID, actor.StaffID, why); err != nil {
			return err
		}
		tx.Audit("child_risk.remove", "child_risk", childRiskID, f.ID, "entered in error")
		return nil
	})
}

// familyChildRisks lists a family's assessments of risk to the children,
// the latest first, and apart those removed as entered in error.
func (db *DB) familyChildRisks(ctx context.Context, q rowQuerier, familyID int64) ([]ChildRiskEntry, []RemovedChildRisk, error) {
	rows, err := q.QueryContext(ctx, `SELECT c.id, c.level, c.concerns_sealed, c.plan_sealed, c.assessed_on, COALESCE(s.name, ''), COALESCE(c.person_id, 0),
		c.removed_at, COALESCE(r.name, ''), c.removed_reason_sealed
		FROM child_risks c LEFT JOIN staff s ON s.id = c.created_by LEFT JOIN staff r ON r.id = c.removed_by
		WHERE c.family_id = $1 ORDER BY c.assessed_on DESC, c.id DESC`, familyID)
	if err != nil {
		return nil, nil, fmt.Errorf("reading the risk to the children: %w", err)
	}
	defer rows.Close()
	var out []ChildRiskEntry
	var removed []RemovedChildRisk
	for rows.Next() {
		var e ChildRiskEntry
		var level, concerns, plan, removedBy, sealedWhy string
		var on anyTime
		var removedAt sql.NullTime
		if err := rows.Scan(&e.ID, &level, &concerns, &plan, &on, &e.By, &e.ChildID, &removedAt, &removedBy, &sealedWhy); err != nil {
			return nil, nil, fmt.Errorf("reading the risk to the children: %w", err)
		}
		e.Level, e.AssessedOn = risk.Level(level), on.T
		if removedAt.Valid {
			re, err := db.removedEntry("child_risk", "child_risks", e.ID, e.AssessedOn, removedAt.Time, removedBy, sealedWhy, true)
			if err != nil {
				return nil, nil, err
			}
			removed = append(removed, RemovedChildRisk{RemovedEntry: re, Level: e.Level, ChildID: e.ChildID})
			continue
		}
		if e.Concerns, err = db.open(rowContext("child_risks.concerns", e.ID), concerns); err != nil {
			return nil, nil, err
		}
		if e.Plan, err = db.open(rowContext("child_risks.plan", e.ID), plan); err != nil {
			return nil, nil, err
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("reading the risk to the children: %w", err)
	}
	return out, removed, nil
}

// childRisksOf lists, for the page of child (the family's baby or another
// child), the assessments of risk to the children that cover them: about
// them alone or about all the children, the latest first, none removed as
// entered in error. They are the family page's (familyChildRisks), read by
// whoever may see the family: the policy is asked that here too, so a
// child's page never shows them to a reader the family page would refuse.
func (tx *Tx) childRisksOf(actor policy.Actor, f family.Family, child family.Person) ([]ChildRiskEntry, error) {
	if d := policy.Decide(actor, policy.ViewFamily, f.Target(), tx.now); !d.Allowed {
		return nil, d.Err()
	}
	entries, _, err := tx.db.familyChildRisks(tx.ctx, tx.q(), f.ID)
	if err != nil {
		return nil, err
	}
	var out []ChildRiskEntry
	for _, e := range entries {
		switch e.ChildID {
		case AllChildren:
			out = append(out, e)
		case child.ID:
			e.About = child.ChildName()
			out = append(out, e)
		}
	}
	return out, nil
}

// currentChildRisk names each assessment's child (the removed ones' too)
// from family f's people and gives the level, date and child of the one
// the family's summary shows (risk.CurrentChildRisk), into sum.
func currentChildRisk(f family.Family, entries []ChildRiskEntry, removed []RemovedChildRisk, sum *RiskSummary) {
	var children []int64
	names := map[int64]string{}
	for _, p := range f.People {
		if p.Kind != family.Parent {
			children = append(children, p.ID)
			names[p.ID] = p.ChildName()
		}
	}
	name := func(id int64) string {
		switch n := names[id]; {
		case id == AllChildren:
			return ""
		case n == "":
			return "a child no longer on the family's record"
		default:
			return n
		}
	}
	for i := range removed {
		removed[i].About = name(removed[i].ChildID)
	}
	weighed := make([]risk.AssessedChild, len(entries))
	for i := range entries {
		e := &entries[i]
		e.About = name(e.ChildID)
		weighed[i] = risk.AssessedChild{ChildID: e.ChildID, Level: e.Level, On: e.AssessedOn}
	}
	if i := risk.CurrentChildRisk(children, weighed); i >= 0 {
		sum.ChildLevel, sum.ChildOn, sum.ChildAbout = entries[i].Level, entries[i].AssessedOn, entries[i].About
	}
}
