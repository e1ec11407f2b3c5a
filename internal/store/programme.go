package store

import (
	"context"
	"fmt"
	"time"

	"github.com/cradle-org/cradle/internal/eligibility"
	"github.com/cradle-org/cradle/internal/family"
	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/report"
)

// ProgrammeMeasures are the programme's own outcome measures for one
// person, beside the questionnaires: the family's safeguarding status over
// time (from the team around the baby's status history) and, for a parent,
// their engagement (sessions attended of those offered). Both are counts and
// categories, not confidential details; the sessions are this person's
// only, never the other parent's.
type ProgrammeMeasures struct {
	FamilyID int64
	PersonID int64
	// Statuses are the family's safeguarding status changes, oldest first
	// (two on one day in the order they were recorded).
	Statuses []StatusChange
	// Sessions are the sessions with this parent (not contacts or
	// supervision notes), oldest first: the date and what happened only.
	// None for the baby: sessions are with the parents.
	Sessions []SessionAttendance
}

// SessionAttendance is what happened at one session: a casework.Attendances
// value, e.g. "attended" or "cancelled_by_practitioner".
type SessionAttendance struct {
	HeldOn     time.Time
	Attendance string
}

// ReadProgrammeMeasures reads a person's programme measures. Like
// ReadPerson it is authorised by the policy's decision on viewing the
// person (with any break-glass override in force) and audited in the same
// read; it reads nothing confidential, so it needs no more than that.
func (db *DB) ReadProgrammeMeasures(ctx context.Context, actor policy.Actor, personID int64) (ProgrammeMeasures, error) {
	var out ProgrammeMeasures
	err := db.View(ctx, func(tx *Tx) error {
		f, p, _, err := db.personView(ctx, tx, actor, personID)
		if err != nil {
			return err
		}
		if out, err = tx.programmeMeasures(f, p); err != nil {
			return err
		}
		tx.Audit("person.programme_measures.view", "person", personID, f.ID, "")
		return nil
	})
	return out, err
}

func (tx *Tx) programmeMeasures(f family.Family, p family.Person) (ProgrammeMeasures, error) {
	out := ProgrammeMeasures{FamilyID: f.ID, PersonID: p.ID}
	var err error
	if out.Statuses, err = tx.db.statusHistory(tx.ctx, tx.q(), f.ID); err != nil {
		return out, err
	}
	if p.Kind == family.Parent {
		if out.Sessions, err = tx.sessionAttendance(p.ID); err != nil {
			return out, err
		}
	}
	return out, nil
}

// sessionAttendance is one parent's sessions, oldest first: kind
// 'session' only, as the dashboard and the research extract count them.
func (tx *Tx) sessionAttendance(personID int64) ([]SessionAttendance, error) {
	rows, err := tx.query(`SELECT held_on, attendance FROM case_sessions WHERE person_id = $1 AND kind = 'session' ORDER BY held_on, id`, personID)
	if err != nil {
		return nil, fmt.Errorf("reading sessions: %w", err)
	}
	defer rows.Close()
	var out []SessionAttendance
	for rows.Next() {
		var s SessionAttendance
		if err := rows.Scan(&s.HeldOn, &s.Attendance); err != nil {
			return nil, fmt.Errorf("reading sessions: %w", err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// StatusOn is the family's safeguarding status on a date: that of the
// latest change on or before it (the later recorded of two on the same
// day), as the research extract works it out. ok is false when no change
// had been recorded by then.
func (p ProgrammeMeasures) StatusOn(on time.Time) (status string, ok bool) {
	day := eligibility.DateOf(on)
	for _, c := range p.Statuses { // oldest first, so the last that qualifies wins
		if !eligibility.DateOf(c.From).After(day) {
			status, ok = c.Status, true
		}
	}
	return status, ok
}

// EngagementBy counts the parent's sessions held on or before a date by
// what happened, into the dashboard's figures: SessionsAttended, and
// Offered() (attended, did not attend, or cancelled by the parent; a
// session the practitioner cancelled was not offered). Only the session
// fields are set.
func (p ProgrammeMeasures) EngagementBy(on time.Time) report.Figures {
	var f report.Figures
	day := eligibility.DateOf(on)
	for _, s := range p.Sessions {
		if eligibility.DateOf(s.HeldOn).After(day) {
			continue
		}
		switch s.Attendance {
		case "attended":
			f.SessionsAttended++
		case "did_not_attend":
			f.SessionsMissed++
		case "cancelled_by_parent":
			f.SessionsCancelledByParent++
		case "cancelled_by_practitioner":
			f.SessionsCancelledByStaff++
		}
	}
	return f
}
