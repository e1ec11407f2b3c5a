package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/cradle-org/cradle/internal/casework"
	"github.com/cradle-org/cradle/internal/eligibility"
	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/problem"
)

// AddReminder sets a reminder about a parent on the actor's own task list
// (migration 61): a task of kind "reminder", due on the day given, whose
// title names who set it (the task lists name the parent it is about) and
// whose words are sealed to the task's row and shown only with the
// parent's confidential details (ReadPersonParts, PersonReminders). Only
// those who may edit the parent's confidential record set one, as for a
// session; the family's case must be open. Audited.
func (db *DB) AddReminder(ctx context.Context, actor policy.Actor, m casework.Reminder) (int64, error) {
	var id int64
	err := db.Update(ctx, func(tx *Tx) error {
		f, p, err := tx.parentForEdit(actor, m.PersonID, "A reminder is about a parent")
		if err != nil {
			return err
		}
		if err := m.Validate(tx.now); err != nil {
			return err
		}
		m.PersonID = p.ID
		if id, err = tx.insertReminder(f.ID, m, actor.StaffID); err != nil {
			return err
		}
		tx.Audit("task.reminder", "person", p.ID, f.ID, "")
		return nil
	})
	return id, err
}

// MoveReminder moves an open reminder about parent personID to another
// day (a meeting moved, say): by those who may set one, checked as a new
// reminder's day. Audited.
func (db *DB) MoveReminder(ctx context.Context, actor policy.Actor, personID, taskID int64, due time.Time) error {
	return db.Update(ctx, func(tx *Tx) error {
		f, p, err := tx.parentForEdit(actor, personID, "A reminder is about a parent")
		if err != nil {
			return err
		}
		var done sql.NullTime
		err = tx.queryRow(`SELECT done_at FROM tasks WHERE id = $1 AND person_id = $2 AND kind = 'reminder'`, taskID, p.ID).Scan(&done)
		if errors.Is(err, sql.ErrNoRows) {
			return problem.New(problem.NotFound, "That reminder is not on this record")
		}
		if err != nil {
			return fmt.Errorf("reading the reminder: %w", err)
		}
		if done.Valid {
			return problem.New(problem.Conflict, "That reminder was marked done on %s", done.Time.Format("2 January 2006"))
		}
		if err := casework.CheckReminderDue(due, tx.now); err != nil {
			return err
		}
		if _, err := tx.exec(`UPDATE tasks SET due_on = $1 WHERE id = $2`, eligibility.DateOf(due).UTC(), taskID); err != nil {
			return fmt.Errorf("moving the reminder: %w", err)
		}
		tx.Audit("task.reminder.move", "person", p.ID, f.ID, "")
		return nil
	})
}

// insertReminder writes reminder m, checked already, about parent
// m.PersonID of family familyID, on the task list of staff member by, who
// set it.
func (tx *Tx) insertReminder(familyID int64, m casework.Reminder, by int64) (int64, error) {
	setter, err := tx.staffByID(by)
	if err != nil {
		return 0, fmt.Errorf("reading who sets the reminder: %w", err)
	}
	id, err := tx.newID("tasks")
	if err != nil {
		return 0, err
	}
	note, err := tx.db.seal(rowContext("tasks.note", id), m.What)
	if err != nil {
		return 0, err
	}
	if _, err := tx.exec(`INSERT INTO tasks (id, family_id, person_id, assigned_to, kind, title, due_on, created_at, note_sealed, created_by)
		VALUES ($1, $2, $3, $4, 'reminder', $5, $6, $7, $8, $4)`,
		id, familyID, m.PersonID, by, "Reminder set by "+setter.Name, eligibility.DateOf(m.DueOn).UTC(), tx.now, note); err != nil {
		return 0, fmt.Errorf("setting a reminder: %w", err)
	}
	return id, nil
}

// reminders are the reminders set about a parent: open ones first,
// soonest due first, then those done, latest done first. Their words only
// for a reader who may see the parent's confidential details.
func (tx *Tx) reminders(personID int64, seeConfidential bool) ([]casework.Reminder, error) {
	rows, err := tx.query(`SELECT t.id, t.note_sealed, t.due_on, t.done_at, COALESCE(c.name, ''), COALESCE(t.assigned_to, 0), COALESCE(a.name, '')
		FROM tasks t LEFT JOIN staff c ON c.id = t.created_by LEFT JOIN staff a ON a.id = t.assigned_to
		WHERE t.person_id = $1 AND t.kind = 'reminder'
		ORDER BY CASE WHEN t.done_at IS NULL THEN 0 ELSE 1 END, t.due_on, t.id`, personID)
	if err != nil {
		return nil, fmt.Errorf("reading reminders: %w", err)
	}
	defer rows.Close()
	var out []casework.Reminder
	for rows.Next() {
		m := casework.Reminder{PersonID: personID}
		var note string
		var due anyTime
		var done sql.NullTime
		if err := rows.Scan(&m.ID, &note, &due, &done, &m.SetBy, &m.AssignedToID, &m.AssignedTo); err != nil {
			return nil, fmt.Errorf("reading reminder: %w", err)
		}
		m.DueOn, m.DoneOn = due.T, timeOf(done)
		if seeConfidential {
			if m.What, err = tx.db.open(rowContext("tasks.note", m.ID), note); err != nil {
				return nil, err
			}
		} else {
			m.Withheld = true
		}
		out = append(out, m)
	}
	return out, rows.Err()
}
