package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/cradle-org/cradle/internal/casework"
	"github.com/cradle-org/cradle/internal/eligibility"
	"github.com/cradle-org/cradle/internal/family"
	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/problem"
)

// LeaveProgramme records that a parent has left the programme while the
// family's case stays open for the other parent (migration 59): the
// parent no longer takes part (people.active), so their row on the
// caseload, their measures and the family's assessment gaps stop asking
// for them, and a session after the day they left is refused until they
// rejoin. Recorded by those who may edit the parent's confidential
// record, as a pause is; the reason and note follow its confidentiality.
func (db *DB) LeaveProgramme(ctx context.Context, actor policy.Actor, d casework.Departure) error {
	return db.Update(ctx, func(tx *Tx) error {
		f, p, err := tx.depart(actor, d.PersonID, "Only a parent leaves the programme", "%s has left the programme already",
			func(f family.Family, _ family.Person, other bool) (casework.Departure, error) {
				return d, d.Validate(acceptedOrMade(f), tx.now, other)
			})
		if err != nil {
			return err
		}
		// A parent leaving changes the risk picture for the one who stays
		// (a parent who uses abusive behaviours walking away from the
		// work, say): their practitioner is asked to review it within the
		// week. The task says that the parent left, never why.
		for _, q := range f.Parents() {
			if q.ID != p.ID && q.Active {
				if err := tx.askForRiskReview(f, q, "Review the risk assessment and safety plan now "+p.Name()+" has left the programme", tx.now.AddDate(0, 0, 7)); err != nil {
					return err
				}
			}
		}
		tx.Audit("person.leave", "person", p.ID, f.ID, d.Reason)
		return nil
	})
}

// JoinLater records that a parent has not started the programme and will
// join later (casework.JoinLater): they do not take part, as a parent who
// left does not, from the family's acceptance (or today, before it), and
// RejoinProgramme records their joining. A parent who has attended a
// session has started, and leaves instead. Unlike a leaving, nothing is
// asked of the other parent's practitioner: a parent not ready to start
// is not a parent walking away from the work.
func (db *DB) JoinLater(ctx context.Context, actor policy.Actor, personID int64, note string) error {
	return db.Update(ctx, func(tx *Tx) error {
		f, p, err := tx.depart(actor, personID, "Only a parent joins the programme later", "%s is not taking part in the programme already",
			func(f family.Family, p family.Person, other bool) (casework.Departure, error) {
				attended, err := tx.attended(f.ID, p.ID)
				if err != nil {
					return casework.Departure{}, err
				}
				return casework.JoinLater(p.ID, note, f.AcceptedOn, tx.now, attended, other)
			})
		if err != nil {
			return err
		}
		tx.Audit("person.join_later", "person", p.ID, f.ID, "")
		return nil
	})
}

// depart is what leaving and joining later share: parent personID, whom
// the actor may edit and who takes part (else a conflict saying gone), no
// longer takes part from the departure made checks, given the family,
// the parent and whether the other parent takes part; and a pause in
// their sessions ends (there are none to resume until they come back).
// The family's row is written first, changing nothing, so that on
// PostgreSQL two parents leaving at once wait for each other: the second
// then reads the first as gone, and is refused. (SQLite has one writer at
// a time.)
func (tx *Tx) depart(actor policy.Actor, personID int64, notParent, gone string,
	checks func(f family.Family, p family.Person, other bool) (casework.Departure, error)) (family.Family, family.Person, error) {
	if _, err := tx.exec(`UPDATE families SET updated_at = updated_at WHERE id = (SELECT family_id FROM people WHERE id = $1)`, personID); err != nil {
		return family.Family{}, family.Person{}, fmt.Errorf("locking the family: %w", err)
	}
	f, p, err := tx.parentForEdit(actor, personID, notParent)
	if err != nil {
		return f, p, err
	}
	if !p.Active {
		return f, p, problem.New(problem.Conflict, gone, p.Name())
	}
	other := false
	for _, q := range f.Parents() {
		other = other || q.ID != p.ID && q.Active
	}
	d, err := checks(f, p, other)
	if err != nil {
		return f, p, err
	}
	d.PersonID = p.ID
	if err := tx.insertDeparture(f.ID, d, actor.StaffID); err != nil {
		return f, p, err
	}
	if _, err := tx.exec(`UPDATE pauses SET ended_on = CASE WHEN started_on > $1 THEN started_on ELSE $1 END WHERE person_id = $2 AND ended_on IS NULL`,
		eligibility.DateOf(d.LeftOn).UTC(), p.ID); err != nil {
		return f, p, fmt.Errorf("ending a pause as the parent stops taking part: %w", err)
	}
	// Their appointments after that day will not take place; those up to
	// it stand, to record.
	if _, err := tx.exec(`UPDATE appointments SET cancelled_at = $1, cancelled_by = $2, cancel_reason = $3
		WHERE person_id = $4 AND on_day > $5 AND cancelled_at IS NULL AND session_id IS NULL`,
		tx.now, actor.StaffID, casework.CancelledLeft, p.ID, eligibility.DateOf(d.LeftOn).UTC()); err != nil {
		return f, p, fmt.Errorf("cancelling appointments as the parent stops taking part: %w", err)
	}
	return f, p, nil
}

// attended reports whether parent personID of family familyID has
// attended a session (a supervision note is not one): one seek down
// case_sessions_family_attendance.
func (tx *Tx) attended(familyID, personID int64) (bool, error) {
	var yes bool
	if err := tx.queryRow(`SELECT EXISTS (SELECT 1 FROM case_sessions WHERE family_id = $1 AND attendance = 'attended' AND person_id = $2 AND kind <> 'supervision')`,
		familyID, personID).Scan(&yes); err != nil {
		return false, fmt.Errorf("finding whether the parent has attended a session: %w", err)
	}
	return yes, nil
}

// insertDeparture writes parent d.PersonID's leaving, checked already, and
// marks them as no longer taking part.
func (tx *Tx) insertDeparture(familyID int64, d casework.Departure, by int64) error {
	id, err := tx.newID("departures")
	if err != nil {
		return err
	}
	note, err := tx.db.seal(rowContext("departures.note", id), d.Note)
	if err != nil {
		return err
	}
	if _, err := tx.exec(`INSERT INTO departures (id, family_id, person_id, reason, note_sealed, left_on, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, id, familyID, d.PersonID, d.Reason, note, eligibility.DateOf(d.LeftOn).UTC(), by, tx.now); err != nil {
		return fmt.Errorf("recording a parent leaving: %w", err)
	}
	return tx.setActive(d.PersonID, false)
}

// RejoinProgramme records that a parent who left has come back, or that
// one who was joining later has joined, on the day given: they take part
// from then.
func (db *DB) RejoinProgramme(ctx context.Context, actor policy.Actor, personID int64, on time.Time) error {
	return db.Update(ctx, func(tx *Tx) error {
		f, p, err := tx.parentForEdit(actor, personID, "Only a parent rejoins the programme")
		if err != nil {
			return err
		}
		var id int64
		var left time.Time
		var reason string
		err = tx.queryRow(`SELECT id, left_on, reason FROM departures WHERE person_id = $1 AND rejoined_on IS NULL ORDER BY id DESC LIMIT 1`, p.ID).Scan(&id, &left, &reason)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("finding when the parent left: %w", err)
		}
		if err != nil || p.Active {
			return problem.New(problem.Conflict, "%s is taking part in the programme already", p.Name())
		}
		joining := reason == casework.JoiningLater
		if err := casework.CheckRejoin(on, left, tx.now, joining); err != nil {
			return err
		}
		if _, err := tx.exec(`UPDATE departures SET rejoined_on = $1, rejoined_by = $2, rejoined_at = $3 WHERE id = $4`,
			eligibility.DateOf(on).UTC(), actor.StaffID, tx.now, id); err != nil {
			return fmt.Errorf("recording a parent rejoining: %w", err)
		}
		if err := tx.setActive(p.ID, true); err != nil {
			return err
		}
		what := "person.rejoin"
		if joining {
			what = "person.join"
		}
		tx.Audit(what, "person", p.ID, f.ID, "")
		return nil
	})
}

// setActive says whether parent p takes part in the programme. The
// person's version moves on, as for any change to their row, so a details
// form opened before it does not save over it unseen.
func (tx *Tx) setActive(personID int64, active bool) error {
	if _, err := tx.exec(`UPDATE people SET active = $1, version = version + 1, updated_at = $2 WHERE id = $3`, active, tx.now, personID); err != nil {
		return fmt.Errorf("changing whether the parent takes part: %w", err)
	}
	return nil
}

// departures are a parent's times away from the programme, latest first.
// Whoever may read the parent's record sees when they left and came back;
// the reason and the note only those who may see their confidential
// details (a move out of the area may be a location clue).
func (tx *Tx) departures(personID int64, seeConfidential bool) ([]casework.Departure, error) {
	rows, err := tx.query(`SELECT d.id, d.person_id, d.reason, d.note_sealed, d.left_on, d.rejoined_on, COALESCE(s.name, '')
		FROM departures d LEFT JOIN staff s ON s.id = d.created_by WHERE d.person_id = $1 ORDER BY d.left_on DESC, d.id DESC`, personID)
	if err != nil {
		return nil, fmt.Errorf("reading when the parent left the programme: %w", err)
	}
	defer rows.Close()
	var out []casework.Departure
	for rows.Next() {
		var d casework.Departure
		var note string
		var rejoined sql.NullTime
		if err := rows.Scan(&d.ID, &d.PersonID, &d.Reason, &note, &d.LeftOn, &rejoined, &d.By); err != nil {
			return nil, fmt.Errorf("reading when the parent left the programme: %w", err)
		}
		d.RejoinedOn = timeOf(rejoined)
		if seeConfidential {
			if d.Note, err = tx.db.open(rowContext("departures.note", d.ID), note); err != nil {
				return nil, err
			}
		} else {
			// That a parent is joining later, not leaving, is not
			// confidential (family.Person.JoiningLater); the note is.
			if d.Reason != casework.JoiningLater {
				d.Reason = ""
			}
			d.Withheld = true
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// acceptedOrMade is the day a family was accepted, or, with no acceptance
// recorded, the day its record was made: nothing about its casework is
// dated before it.
func acceptedOrMade(f family.Family) time.Time {
	if f.AcceptedOn.IsZero() {
		return f.CreatedAt
	}
	return f.AcceptedOn
}
