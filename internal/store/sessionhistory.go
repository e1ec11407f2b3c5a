package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/cradle-org/cradle/internal/casework"
	"github.com/cradle-org/cradle/internal/eligibility"
	"github.com/cradle-org/cradle/internal/family"
	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/problem"
)

// SessionRecord is one session or case note with its history, for the
// page that shows it and corrects it.
type SessionRecord struct {
	// PersonRecord is the person, their family and the reader's flags;
	// none of its parts is read.
	PersonRecord
	// Session is the session as it stands, or as it stood when it was
	// removed (then Removed is set). Its text is withheld (Withheld) from
	// a reader who may not see it.
	Session casework.Session
	// Removed is the removal, when the session was removed as entered in
	// error.
	Removed *casework.SessionVersion
	// History are the versions corrections replaced, newest first.
	History []casework.SessionVersion
	// MayCorrect is whether the reader may correct or remove it (its
	// author, while the parent is theirs, or a team manager of the area).
	MayCorrect bool
	// JointSafe is whether the session may be recorded as joint now.
	JointSafe bool
}

// ReadSession reads one of a person's sessions or case notes with every
// earlier version of it, under the person-view decision, audited as a view
// of the person and of the session. Notes marked confidential, and every
// earlier version of a note marked confidential since (casework.
// WithholdHistory), are opened only for a reader who may see them. What a
// session removed as entered in error said is opened only for those who
// may correct it (it may have been recorded on the wrong parent's record:
// that parent's practitioner is not to read it); anyone who may see the
// person sees that it was removed, when, by whom, and nothing of what it
// said.
func (db *DB) ReadSession(ctx context.Context, actor policy.Actor, personID, sessionID int64) (SessionRecord, error) {
	var out SessionRecord
	err := db.View(ctx, func(tx *Tx) error {
		var err error
		if out.PersonRecord, err = tx.personAccessFor(actor, personID); err != nil {
			return err
		}
		live, found, err := tx.liveSession(personID, sessionID, out.CanSeeConf)
		if err != nil {
			return err
		}
		versions, err := tx.sessionVersions(personID, sessionID)
		if err != nil {
			return err
		}
		var removedRow sealedVersion
		if !found {
			if len(versions) == 0 || versions[0].v.Change != casework.ChangeRemoved {
				return problem.New(problem.NotFound, "There is no such session on this record")
			}
			removedRow = versions[0]
			removed := removedRow.v
			out.Removed, out.Session = &removed, removed.Session
			// First recorded when its first version was saved.
			out.Session.CreatedAt = versions[len(versions)-1].v.UpdatedAt
			versions = versions[1:]
		} else {
			out.Session = live
		}
		t := out.Family.PersonTarget(out.Person, nil)
		t.RecordedBy = out.Session.StaffID
		out.MayCorrect = out.Removed == nil && policy.Can(actor, policy.CorrectCaseNote, t, tx.now)
		if out.MayCorrect && out.Session.Kind != "supervision" {
			if out.JointSafe, _, err = tx.jointSafety(out.Family, out.Person.ID); err != nil {
				return err
			}
		}
		see := out.CanSeeConf
		if out.Removed != nil {
			// Those who could correct it were the case open: a closed
			// case's removed notes stay readable by its team managers.
			open := t
			open.Closed = false
			see = see && policy.Can(actor, policy.CorrectCaseNote, open, tx.now)
			if see {
				if err := tx.openVersion(out.Removed, removedRow); err != nil {
					return err
				}
				out.Session.Topic, out.Session.Notes, out.Session.Reason = out.Removed.Topic, out.Removed.Notes, out.Removed.Reason
			} else {
				out.Removed.Withhold()
				out.Session.Withhold()
			}
		}
		out.History = make([]casework.SessionVersion, len(versions))
		for i, v := range versions {
			out.History[i] = v.v
		}
		casework.WithholdHistory(out.Session.Confidential || out.Session.Withheld, out.History, see)
		for i := range out.History {
			if !out.History[i].Withheld {
				if err := tx.openVersion(&out.History[i], versions[i]); err != nil {
					return err
				}
			}
		}
		tx.auditPersonView(out.PersonRecord, "session "+strconv.FormatInt(sessionID, 10))
		tx.Audit("session.view", "session", sessionID, out.Family.ID, "")
		return nil
	})
	return out, err
}

// sealedVersion is a row of case_session_history as read, its values still
// sealed until the reader is known to be allowed them (openVersion).
type sealedVersion struct {
	v                         casework.SessionVersion
	id                        int64
	topic, notes, reason, why string
}

// sessionVersions reads a session's earlier versions, newest first: its
// removal, if it was removed, then the versions corrections replaced.
func (tx *Tx) sessionVersions(personID, sessionID int64) ([]sealedVersion, error) {
	rows, err := tx.query(`SELECT h.id, h.session_id, h.family_id, h.person_id, h.version, h.change, h.kind, h.staff_id, rs.name,
		h.held_on, h.minutes, h.mode, h.attendance, h.module, h.topic_sealed, h.joint, h.confidential, h.notes_sealed, h.reason_sealed,
		h.saved_at, h.changed_by, cb.name, h.changed_at, h.why_sealed
		FROM case_session_history h JOIN staff rs ON rs.id = h.staff_id JOIN staff cb ON cb.id = h.changed_by
		WHERE h.session_id = $1 AND h.person_id = $2 ORDER BY h.version DESC, h.id DESC`, sessionID, personID)
	if err != nil {
		return nil, fmt.Errorf("reading the session's history: %w", err)
	}
	defer rows.Close()
	var out []sealedVersion
	for rows.Next() {
		var sv sealedVersion
		v := &sv.v
		if err := rows.Scan(&sv.id, &v.ID, &v.FamilyID, &v.PersonID, &v.Version, &v.Change, &v.Kind, &v.StaffID, &v.StaffName,
			&v.HeldOn, &v.Minutes, &v.Mode, &v.Attendance, &v.Module, &sv.topic, &v.Joint, &v.Confidential, &sv.notes, &sv.reason,
			&v.UpdatedAt, &v.ChangedBy, &v.ChangedByName, &v.ChangedAt, &sv.why); err != nil {
			return nil, fmt.Errorf("reading the session's history: %w", err)
		}
		out = append(out, sv)
	}
	return out, rows.Err()
}

// openVersion opens an earlier version's topic, notes, reason and why it
// changed.
func (tx *Tx) openVersion(v *casework.SessionVersion, sv sealedVersion) error {
	var err error
	if v.Topic, err = tx.db.open(rowContext("case_session_history.topic", sv.id), sv.topic); err != nil {
		return err
	}
	if v.Notes, err = tx.db.open(rowContext("case_session_history.notes", sv.id), sv.notes); err != nil {
		return err
	}
	if v.Reason, err = tx.db.open(rowContext("case_session_history.reason", sv.id), sv.reason); err != nil {
		return err
	}
	v.Why, err = tx.db.open(rowContext("case_session_history.why", sv.id), sv.why)
	return err
}

// liveSession reads one of the person's sessions as it stands, its text
// opened if see (as scanSession does).
func (tx *Tx) liveSession(personID, sessionID int64, see bool) (casework.Session, bool, error) {
	rows, err := tx.query(`SELECT `+sessionColumns+` FROM case_sessions cs JOIN staff s ON s.id = cs.staff_id
		WHERE cs.id = $1 AND cs.person_id = $2`, sessionID, personID)
	if err != nil {
		return casework.Session{}, false, fmt.Errorf("reading the session: %w", err)
	}
	defer rows.Close()
	if !rows.Next() {
		return casework.Session{}, false, rows.Err()
	}
	s, err := tx.scanSession(rows, see, nil)
	return s, err == nil, err
}

// SessionCorrection is a correction of a session or case note, made from
// the version the editor opened.
type SessionCorrection struct {
	PersonID, SessionID int64
	Version             int              // the version the editor opened
	Session             casework.Session // as corrected (a supervision note's text only)
	Why                 string           // why it is being corrected
}

// CorrectSession saves a correction of a session or case note: the version
// it replaces is kept in the session's history, with who corrected it,
// when and why, and the session's version goes up by one. Only its author,
// while the parent is theirs, or a team manager of the area may, on an
// open case (policy.CorrectCaseNote). If someone else corrected or removed
// it since the editor opened it, nothing is saved and a Conflict is
// returned.
func (db *DB) CorrectSession(ctx context.Context, actor policy.Actor, c SessionCorrection, modules []casework.Option) error {
	return db.Update(ctx, func(tx *Tx) error {
		f, p, was, err := tx.sessionToChange(actor, c.PersonID, c.SessionID, c.Version)
		if err != nil {
			return err
		}
		now := c.Session
		if was.Kind == "supervision" {
			notes := now.Notes
			now = was
			now.Notes = notes
		}
		now.Kind = was.Kind
		check, err := tx.sessionContext(f, p, modules)
		if err != nil {
			return err
		}
		why := c.Why
		if err := casework.CheckCorrection(was, &now, &why, check); err != nil {
			return err
		}
		// Supervision notes are the practitioner's and their manager's
		// alone; a session's are read as RecordSession says, and why it
		// was corrected goes with the version it replaced, withheld if
		// either is confidential (casework.WithholdHistory).
		if was.Kind != "supervision" {
			if err := tx.keepConfidentialOut(actor, f, onRecord(p.ID, now.Confidential), textField{"topic", now.Topic}, textField{"notes", now.Notes}, textField{"reason", now.Reason}); err != nil {
				return err
			}
			if err := tx.keepConfidentialOut(actor, f, onRecord(p.ID, now.Confidential || was.Confidential), textField{"why", why}); err != nil {
				return err
			}
		}
		notes, err := tx.db.seal(rowContext("case_sessions.notes", was.ID), now.Notes)
		if err != nil {
			return err
		}
		reason, err := tx.db.seal(rowContext("case_sessions.reason", was.ID), now.Reason)
		if err != nil {
			return err
		}
		topic, err := tx.db.seal(rowContext("case_sessions.topic", was.ID), now.Topic)
		if err != nil {
			return err
		}
		// The row first, on its version: of two corrections at once the
		// second finds the version gone and stops here, before it writes
		// any history.
		res, err := tx.exec(`UPDATE case_sessions SET held_on = $1, minutes = $2, mode = $3, attendance = $4, module = $5, topic_sealed = $6,
			joint = $7, confidential = $8, notes_sealed = $9, reason_sealed = $10, version = version + 1, updated_at = $11
			WHERE id = $12 AND person_id = $13 AND version = $14`,
			now.HeldOn.UTC(), now.Minutes, now.Mode, now.Attendance, now.Module, topic, now.Joint, now.Confidential, notes, reason, tx.now,
			was.ID, p.ID, was.Version)
		if err != nil {
			return fmt.Errorf("correcting the session: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return changedMeanwhile()
		}
		if err := tx.keepVersion(was, casework.ChangeCorrected, actor.StaffID, why); err != nil {
			return err
		}
		// Moved to another day, the session is that day's appointment's,
		// and the one it was recorded for stands again.
		if was.Kind == "session" && !eligibility.DateOf(was.HeldOn).Equal(eligibility.DateOf(now.HeldOn)) {
			if err := tx.unlinkAppointment(was.ID); err != nil {
				return err
			}
			if err := tx.linkAppointment(was.ID, p.ID, now.HeldOn); err != nil {
				return err
			}
		}
		tx.Audit("session.correct", "session", was.ID, f.ID, "changed: "+strings.Join(casework.Changes(was, now), ", "))
		return nil
	})
}

// RemoveSession removes a session or case note entered in error (recorded
// twice, say, or on the wrong parent's record): its last version is kept in
// its history, with who removed it, when and why, and its row is deleted,
// so that every count, summary and report leaves it out (their triggers
// follow case_sessions). Who may, and the version check, are as for
// CorrectSession.
func (db *DB) RemoveSession(ctx context.Context, actor policy.Actor, personID, sessionID int64, version int, why string) error {
	return db.Update(ctx, func(tx *Tx) error {
		f, p, was, err := tx.sessionToChange(actor, personID, sessionID, version)
		if err != nil {
			return err
		}
		if err := casework.CheckRemoval(&why); err != nil {
			return err
		}
		// The appointment it was recorded for stands again, to record.
		if err := tx.unlinkAppointment(was.ID); err != nil {
			return err
		}
		res, err := tx.exec(`DELETE FROM case_sessions WHERE id = $1 AND person_id = $2 AND version = $3`, was.ID, p.ID, was.Version)
		if err != nil {
			return fmt.Errorf("removing the session: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return changedMeanwhile()
		}
		if err := tx.keepVersion(was, casework.ChangeRemoved, actor.StaffID, why); err != nil {
			return err
		}
		tx.Audit("session.remove", "session", was.ID, f.ID, "entered in error")
		return nil
	})
}

func changedMeanwhile() error {
	return problem.New(problem.Conflict, "Someone else corrected or removed this session while you were editing. Your changes have not been saved: check it below and try again")
}

// sessionToChange reads the session a correction or removal is made to,
// its text opened, after the policy's decision; a session that has changed
// since version, or was removed, is a Conflict.
func (tx *Tx) sessionToChange(actor policy.Actor, personID, sessionID int64, version int) (family.Family, family.Person, casework.Session, error) {
	f, p, err := tx.db.personInFamily(tx.ctx, tx.q(), personID)
	if err != nil {
		return f, p, casework.Session{}, err
	}
	was, found, err := tx.liveSession(p.ID, sessionID, true)
	if err != nil {
		return f, p, was, err
	}
	if !found {
		var removed int
		if err := tx.queryRow(`SELECT COUNT(*) FROM case_session_history WHERE session_id = $1 AND person_id = $2 AND change = 'removed'`,
			sessionID, p.ID).Scan(&removed); err != nil {
			return f, p, was, fmt.Errorf("reading the session: %w", err)
		}
		// Only one who may see the person learns that it was removed.
		if d := policy.Decide(actor, policy.ViewPerson, f.PersonTarget(p, nil), tx.now); !d.Allowed {
			return f, p, was, d.Err()
		}
		if removed == 0 {
			return f, p, was, problem.New(problem.NotFound, "There is no such session on this record")
		}
		return f, p, was, problem.New(problem.Conflict, "This session has been removed as entered in error, so it cannot be changed")
	}
	t := f.PersonTarget(p, nil)
	t.RecordedBy = was.StaffID
	if d := policy.Decide(actor, policy.CorrectCaseNote, t, tx.now); !d.Allowed {
		return f, p, was, d.Err()
	}
	if version != was.Version {
		return f, p, was, changedMeanwhile()
	}
	return f, p, was, nil
}

// keepVersion writes was into its session's history as change (corrected
// or removed) by staff, with why, its text (topic, notes, reason and why)
// sealed to the history's row.
func (tx *Tx) keepVersion(was casework.Session, change string, staff int64, why string) error {
	id, err := tx.newID("case_session_history")
	if err != nil {
		return err
	}
	var sealed [4]string
	for i, v := range [4]struct{ part, text string }{{"notes", was.Notes}, {"reason", was.Reason}, {"why", why}, {"topic", was.Topic}} {
		if sealed[i], err = tx.db.seal(rowContext("case_session_history."+v.part, id), v.text); err != nil {
			return err
		}
	}
	_, err = tx.exec(`INSERT INTO case_session_history (id, session_id, family_id, person_id, version, change, kind, staff_id,
		held_on, minutes, mode, attendance, module, topic_sealed, joint, confidential, notes_sealed, reason_sealed, saved_at, changed_by, changed_at, why_sealed)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)`,
		id, was.ID, was.FamilyID, was.PersonID, was.Version, change, was.Kind, was.StaffID,
		was.HeldOn.UTC(), was.Minutes, was.Mode, was.Attendance, was.Module, sealed[3], was.Joint, was.Confidential,
		sealed[0], sealed[1], was.UpdatedAt.UTC(), staff, tx.now, sealed[2])
	if err != nil {
		return fmt.Errorf("keeping the session's earlier version: %w", err)
	}
	return nil
}

// removedSessionPage reads one page of a person's sessions and notes
// removed as entered in error, newest first, with how many there are and
// the offset read (as sessionPage): what and when, nothing they said.
func (tx *Tx) removedSessionPage(personID int64, page SessionPage) ([]casework.SessionVersion, int, int, error) {
	if page.Limit <= 0 {
		return nil, 0, 0, nil
	}
	var total int
	if err := tx.queryRow(`SELECT COUNT(*) FROM case_session_history WHERE person_id = $1 AND change = 'removed'`, personID).Scan(&total); err != nil {
		return nil, 0, 0, fmt.Errorf("counting removed sessions: %w", err)
	}
	offset := max(page.Offset, 0)
	if offset >= total {
		offset = max(total-1, 0) / page.Limit * page.Limit
	}
	rows, err := tx.query(`SELECT h.session_id, h.version, h.kind, h.staff_id, rs.name, h.held_on, h.minutes, h.mode, h.attendance,
		h.joint, h.confidential, h.changed_by, cb.name, h.changed_at
		FROM case_session_history h JOIN staff rs ON rs.id = h.staff_id JOIN staff cb ON cb.id = h.changed_by
		WHERE h.person_id = $1 AND h.change = 'removed'
		ORDER BY h.held_on DESC, h.session_id DESC LIMIT `+strconv.Itoa(page.Limit)+` OFFSET `+strconv.Itoa(offset), personID)
	if err != nil {
		return nil, 0, 0, fmt.Errorf("reading removed sessions: %w", err)
	}
	defer rows.Close()
	var out []casework.SessionVersion
	for rows.Next() {
		v := casework.SessionVersion{Change: casework.ChangeRemoved}
		if err := rows.Scan(&v.ID, &v.Version, &v.Kind, &v.StaffID, &v.StaffName, &v.HeldOn, &v.Minutes, &v.Mode, &v.Attendance,
			&v.Joint, &v.Confidential, &v.ChangedBy, &v.ChangedByName, &v.ChangedAt); err != nil {
			return nil, 0, 0, fmt.Errorf("reading removed sessions: %w", err)
		}
		v.PersonID, v.Withheld = personID, true
		out = append(out, v)
	}
	return out, total, offset, rows.Err()
}
