package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/cradle-org/cradle/internal/casework"
	"github.com/cradle-org/cradle/internal/eligibility"
	"github.com/cradle-org/cradle/internal/family"
	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/problem"
)

// BookAppointment books a session with a parent (migration 64): by those
// who may edit the parent's confidential record, as for a session, while
// the case is open and the parent is taking part (one who has left, or is
// joining later, joins or rejoins first). Where it will be is sealed to
// the row. Audited.
func (db *DB) BookAppointment(ctx context.Context, actor policy.Actor, a casework.Appointment) (int64, error) {
	var id int64
	err := db.Update(ctx, func(tx *Tx) error {
		f, p, err := tx.parentForEdit(actor, a.PersonID, "Appointments are booked with a parent")
		if err != nil {
			return err
		}
		if err := a.Validate(tx.now); err != nil {
			return err
		}
		if !p.Active {
			c, err := tx.sessionContext(f, p, nil)
			if err != nil {
				return err
			}
			msg := "%s left the programme on %s: record that they have rejoined before booking an appointment"
			if c.Joining {
				msg = "%s is recorded as joining the programme later, from %s: record that they have joined before booking an appointment"
			}
			return problem.Fields{{Name: "appointment_on", Message: fmt.Sprintf(msg, p.Name(), c.LeftOn.Format("2 January 2006"))}}.Err()
		}
		a.PersonID = p.ID
		if id, err = tx.insertAppointment(f.ID, a, actor.StaffID); err != nil {
			return err
		}
		tx.Audit("appointment.book", "person", p.ID, f.ID, "")
		return nil
	})
	return id, err
}

// insertAppointment writes appointment a, checked already, with parent
// a.PersonID of family familyID, booked by staff member by.
func (tx *Tx) insertAppointment(familyID int64, a casework.Appointment, by int64) (int64, error) {
	id, err := tx.newID("appointments")
	if err != nil {
		return 0, err
	}
	place, err := tx.db.seal(rowContext("appointments.place", id), a.Place)
	if err != nil {
		return 0, err
	}
	if _, err := tx.exec(`INSERT INTO appointments (id, family_id, person_id, on_day, at_time, mode, place_sealed, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		id, familyID, a.PersonID, eligibility.DateOf(a.On).UTC(), a.At, a.Mode, place, by, tx.now); err != nil {
		return 0, fmt.Errorf("booking the appointment: %w", err)
	}
	return id, nil
}

// CancelAppointment cancels one of parent personID's appointments that
// still stands (neither cancelled nor recorded), for a reason
// (casework.CancelReasons): by those who may book one. Audited.
func (db *DB) CancelAppointment(ctx context.Context, actor policy.Actor, personID, appointmentID int64, reason string) error {
	return db.Update(ctx, func(tx *Tx) error {
		f, p, err := tx.standingAppointment(actor, personID, appointmentID, "cancelled")
		if err != nil {
			return err
		}
		if err := casework.CheckCancel(reason); err != nil {
			return err
		}
		if _, err := tx.exec(`UPDATE appointments SET cancelled_at = $1, cancelled_by = $2, cancel_reason = $3 WHERE id = $4`,
			tx.now, actor.StaffID, reason, appointmentID); err != nil {
			return fmt.Errorf("cancelling the appointment: %w", err)
		}
		tx.Audit("appointment.cancel", "person", p.ID, f.ID, reason)
		return nil
	})
}

// MoveAppointment rearranges one of parent personID's appointments that
// still stands to another day and time (a.On, a.At), checked as a new
// one's: by those who may book one. Audited.
func (db *DB) MoveAppointment(ctx context.Context, actor policy.Actor, personID, appointmentID int64, a casework.Appointment) error {
	return db.Update(ctx, func(tx *Tx) error {
		f, p, err := tx.standingAppointment(actor, personID, appointmentID, "rearranged")
		if err != nil {
			return err
		}
		if err := a.ValidateMove(tx.now); err != nil {
			return err
		}
		if _, err := tx.exec(`UPDATE appointments SET on_day = $1, at_time = $2 WHERE id = $3`, eligibility.DateOf(a.On).UTC(), a.At, appointmentID); err != nil {
			return fmt.Errorf("rearranging the appointment: %w", err)
		}
		tx.Audit("appointment.move", "person", p.ID, f.ID, "")
		return nil
	})
}

// standingAppointment checks that actor may change parent personID's
// appointments (as book one) and that appointmentID is one of theirs that
// still stands: one cancelled, or whose session is recorded, is a
// conflict (it cannot be doing, "cancelled" or "rearranged").
func (tx *Tx) standingAppointment(actor policy.Actor, personID, appointmentID int64, doing string) (family.Family, family.Person, error) {
	f, p, err := tx.parentForEdit(actor, personID, "Appointments are booked with a parent")
	if err != nil {
		return f, p, err
	}
	var cancelled sql.NullTime
	var session sql.NullInt64
	err = tx.queryRow(`SELECT cancelled_at, session_id FROM appointments WHERE id = $1 AND person_id = $2`, appointmentID, p.ID).Scan(&cancelled, &session)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return f, p, problem.New(problem.NotFound, "That appointment is not on this record")
	case err != nil:
		return f, p, fmt.Errorf("reading the appointment: %w", err)
	case cancelled.Valid:
		return f, p, problem.New(problem.Conflict, "That appointment was cancelled on %s", cancelled.Time.Format("2 January 2006"))
	case session.Valid:
		return f, p, problem.New(problem.Conflict, "A session has been recorded for that appointment, so it cannot be %s: correct the session instead", doing)
	}
	return f, p, nil
}

// linkAppointment makes session sessionID, recorded with parent personID
// on day, the session of their earliest appointment that day still
// standing, if any: what happened at it is recorded.
func (tx *Tx) linkAppointment(sessionID, personID int64, day time.Time) error {
	_, err := tx.exec(`UPDATE appointments SET session_id = $1 WHERE id = (SELECT id FROM appointments
		WHERE person_id = $2 AND on_day = $3 AND cancelled_at IS NULL AND session_id IS NULL ORDER BY at_time, id LIMIT 1)`,
		sessionID, personID, eligibility.DateOf(day).UTC())
	if err != nil {
		return fmt.Errorf("linking the session to its appointment: %w", err)
	}
	return nil
}

// unlinkAppointment makes the appointment session sessionID was recorded
// for stand again (the session removed, or moved to another day).
func (tx *Tx) unlinkAppointment(sessionID int64) error {
	if _, err := tx.exec(`UPDATE appointments SET session_id = NULL WHERE session_id = $1`, sessionID); err != nil {
		return fmt.Errorf("unlinking the session from its appointment: %w", err)
	}
	return nil
}

// appointments are a parent's appointments still standing (neither
// cancelled nor recorded), soonest first, with where each is opened: read
// only for a reader who may see the parent's confidential details.
func (tx *Tx) appointments(personID int64) ([]casework.Appointment, error) {
	var out []casework.Appointment
	err := tx.each(`SELECT a.id, a.family_id, a.on_day, a.at_time, a.mode, a.place_sealed, COALESCE(s.name, '')
		FROM appointments a LEFT JOIN staff s ON s.id = a.created_by
		WHERE a.person_id = $1 AND a.cancelled_at IS NULL AND a.session_id IS NULL
		ORDER BY a.on_day, a.at_time, a.id LIMIT 100`, []any{personID}, func(rows *sql.Rows) error {
		a := casework.Appointment{PersonID: personID}
		var on anyTime
		var place string
		if err := rows.Scan(&a.ID, &a.FamilyID, &on, &a.At, &a.Mode, &place, &a.BookedBy); err != nil {
			return fmt.Errorf("reading appointment: %w", err)
		}
		a.On = on.T
		var err error
		if a.Place, err = tx.db.open(rowContext("appointments.place", a.ID), place); err != nil {
			return err
		}
		out = append(out, a)
		return nil
	})
	return out, err
}

// nextAppointments are the next appointments still standing, today's or
// later, of family f's parents whose confidential details the reader may
// see (read with them: Confidential set); none is read when there are
// none such. When and how only: where is on the parent's page.
func (tx *Tx) nextAppointments(f family.Family) (map[int64]casework.Appointment, error) {
	seen := map[int64]bool{}
	for _, p := range f.Parents() {
		if p.Confidential != nil {
			seen[p.ID] = true
		}
	}
	if len(seen) == 0 {
		return nil, nil
	}
	out := map[int64]casework.Appointment{}
	err := tx.each(`SELECT id, person_id, on_day, at_time, mode FROM appointments
		WHERE family_id = $1 AND on_day >= $2 AND cancelled_at IS NULL AND session_id IS NULL ORDER BY on_day, at_time, id`,
		[]any{f.ID, eligibility.DateOf(tx.now).UTC()}, func(rows *sql.Rows) error {
			var a casework.Appointment
			var on anyTime
			if err := rows.Scan(&a.ID, &a.PersonID, &on, &a.At, &a.Mode); err != nil {
				return fmt.Errorf("reading the next appointments: %w", err)
			}
			a.On, a.FamilyID = on.T, f.ID
			if _, first := out[a.PersonID]; seen[a.PersonID] && !first {
				out[a.PersonID] = a
			}
			return nil
		})
	return out, err
}

// DiaryEntry is an appointment on a practitioner's diary, with whom it
// is.
type DiaryEntry struct {
	casework.Appointment
	Parent    string
	Reference string // the family's
}

// DiaryFrom is how far back a diary lists appointments still to record.
const DiaryFrom = 90 * 24 * time.Hour

// DiaryView is a practitioner's diary: whose it is, and the appointments.
type DiaryView struct {
	Of      string // the practitioner's name
	Entries []DiaryEntry
}

// Diary lists the appointments still standing with the parents allocated
// to practitioner practitionerID (0: the actor), from DiaryFrom ago (those
// past their day with nothing recorded come first, to record) onwards,
// soonest first, at most 200; only those whose confidential details the
// reader may see without a break-glass grant (an open case's parents are
// their practitioner's to see, and their team manager's). Another
// practitioner's diary is for those who may see the team's caseloads.
// Audited as a view of each parent listed ("appointments"), then
// appointments.view of the practitioner's.
func (db *DB) Diary(ctx context.Context, actor policy.Actor, practitionerID int64) (DiaryView, error) {
	if _, _, ok := db.familyScope(actor); !ok {
		return DiaryView{}, problem.New(problem.Forbidden, "your role does not have a caseload")
	}
	if practitionerID == 0 {
		practitionerID = actor.StaffID
	}
	var view DiaryView
	err := db.View(ctx, func(tx *Tx) error {
		if practitionerID != actor.StaffID {
			if d := policy.Decide(actor, policy.ViewTeamCaseloads, policy.Target{}, tx.now); !d.Allowed {
				return d.Err()
			}
		}
		of, err := tx.staffByID(practitionerID)
		if problem.CodeOf(err) == problem.NotFound {
			return problem.New(problem.NotFound, "There is no such practitioner. Choose one from the team's caseloads")
		}
		if err != nil {
			return err
		}
		view.Of = of.Name
		var rows []DiaryEntry
		err = tx.each(`SELECT a.id, a.family_id, a.person_id, a.on_day, a.at_time, a.mode, a.place_sealed, COALESCE(s.name, '')
			FROM appointments a JOIN allocations al ON al.person_id = a.person_id AND al.ended_at IS NULL
			JOIN families f ON f.id = a.family_id LEFT JOIN staff s ON s.id = a.created_by
			WHERE al.staff_id = $1 AND f.stage <> 'closed' AND a.cancelled_at IS NULL AND a.session_id IS NULL AND a.on_day >= $2
			ORDER BY a.on_day, a.at_time, a.id LIMIT 200`,
			[]any{practitionerID, eligibility.DateOf(tx.now.Add(-DiaryFrom)).UTC()}, func(r *sql.Rows) error {
				var e DiaryEntry
				var on anyTime
				if err := r.Scan(&e.ID, &e.FamilyID, &e.PersonID, &on, &e.At, &e.Mode, &e.Place, &e.BookedBy); err != nil {
					return fmt.Errorf("reading the diary: %w", err)
				}
				e.On = on.T
				rows = append(rows, e)
				return nil
			})
		if err != nil {
			return err
		}
		// Each parent's access is decided as their page's is, on their
		// family as the record reads it: the families and their people in
		// two statements, as a search reads its hits'.
		var famIDs []int64
		for _, e := range rows {
			if !slices.Contains(famIDs, e.FamilyID) {
				famIDs = append(famIDs, e.FamilyID)
			}
		}
		fams, err := tx.db.familiesByID(tx.ctx, tx, famIDs)
		if err != nil {
			return err
		}
		people, err := tx.db.loadPeople(tx.ctx, tx.q(), famIDs)
		if err != nil {
			return err
		}
		// shown holds each parent's record once decided: nil for one whose
		// details the reader may not see (no grant is looked for).
		shown := map[int64]*PersonRecord{}
		for _, e := range rows {
			if _, decided := shown[e.PersonID]; !decided {
				shown[e.PersonID] = nil
				f, ok := fams[e.FamilyID]
				f.People = people[e.FamilyID]
				i := slices.IndexFunc(f.People, func(p family.Person) bool { return p.ID == e.PersonID && p.Kind == family.Parent })
				if ok && i >= 0 {
					rec, err := tx.personAccessIn(actor, f, f.People[i], nil)
					switch {
					case problem.CodeOf(err) == problem.Forbidden:
					case err != nil:
						return err
					case rec.CanSeeConf:
						shown[e.PersonID] = &rec
						tx.auditPersonView(rec, "appointments")
					}
				}
			}
			rec := shown[e.PersonID]
			if rec == nil {
				continue
			}
			if e.Place, err = tx.db.open(rowContext("appointments.place", e.ID), e.Place); err != nil {
				return err
			}
			e.Parent, e.Reference = rec.Person.Name(), rec.Family.Reference
			view.Entries = append(view.Entries, e)
		}
		tx.Audit("appointments.view", "staff", practitionerID, 0, fmt.Sprintf("%d appointments listed", len(view.Entries)))
		return nil
	})
	return view, err
}
