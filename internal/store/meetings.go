package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cradle-org/cradle/internal/family"
	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/sharing"
)

type storedAction struct {
	What    string    `json:"what"`
	OwnerID int64     `json:"owner_id"`
	Due     time.Time `json:"due"`
}

// RecordMeeting records a multi-agency meeting, its actions (each a task
// for its owner, so it shows on their caseload) and the family's
// safeguarding status after it (kept as history: an outcome measure).
func (db *DB) RecordMeeting(ctx context.Context, actor policy.Actor, familyID int64, m sharing.Meeting) error {
	return db.Update(ctx, func(tx *Tx) error {
		f, err := tx.familyForChange(actor, familyID, policy.EditFamily)
		if err != nil {
			return err
		}
		if err := m.Validate(tx.now); err != nil {
			return err
		}
		owners := make([]int64, len(m.Actions))
		for i, a := range m.Actions {
			owners[i] = a.OwnerID
		}
		if err := tx.checkActionOwners(f.AreaID, owners); err != nil {
			return err
		}
		fields := []textField{{"attendees", m.Attendees}, {"decisions", m.Decisions}}
		for i, a := range m.Actions {
			fields = append(fields, textField{"actions[" + strconv.Itoa(i) + "].what", a.What})
		}
		if err := tx.keepConfidentialOut(actor, f, everyone, fields...); err != nil {
			return err
		}
		id, err := tx.newID("meetings")
		if err != nil {
			return err
		}
		attendees, err := tx.db.seal(rowContext("meetings.attendees", id), m.Attendees)
		if err != nil {
			return err
		}
		decisions, err := tx.db.seal(rowContext("meetings.decisions", id), m.Decisions)
		if err != nil {
			return err
		}
		var acts []storedAction
		for _, a := range m.Actions {
			acts = append(acts, storedAction{What: a.What, OwnerID: a.OwnerID, Due: a.Due.UTC()})
		}
		b, err := json.Marshal(acts)
		if err != nil {
			return fmt.Errorf("encoding actions: %w", err)
		}
		actions, err := tx.db.seal(rowContext("meetings.actions", id), string(b))
		if err != nil {
			return err
		}
		var parents []string
		for _, id := range m.ParentsAttended {
			parents = append(parents, strconv.FormatInt(id, 10))
		}
		if _, err := tx.exec(`INSERT INTO meetings (id, family_id, kind, held_on, status_after, minutes_sealed, attendees_sealed, parents_attended, decisions_sealed, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`, id, f.ID, m.Kind, m.HeldOn.UTC(), m.StatusAfter, actions, attendees, strings.Join(parents, " "), decisions, actor.StaffID, tx.now); err != nil {
			return fmt.Errorf("saving meeting: %w", err)
		}
		for _, a := range m.Actions {
			// The task's title says where the action comes from, not what it
			// is: task lists are seen more widely than the meeting record.
			title := fmt.Sprintf("Action from the %s on %s (family %s)", strings.ToLower(sharing.Label(sharing.MeetingKinds(), m.Kind)), m.HeldOn.Format("2 January 2006"), f.Reference)
			if err := tx.addTask(newTask{FamilyID: f.ID, AssignedTo: a.OwnerID, Kind: "meeting_action", Title: title, Due: a.Due, MeetingID: id}); err != nil {
				return err
			}
		}
		if m.StatusAfter != f.SafeguardingStatus {
			if _, err := tx.insertID(`INSERT INTO safeguarding_status_history (family_id, status, from_date, meeting_id, created_at) VALUES ($1, $2, $3, $4, $5)`,
				f.ID, m.StatusAfter, m.HeldOn.UTC(), id, tx.now); err != nil {
				return fmt.Errorf("recording status: %w", err)
			}
			if _, err := tx.exec(`UPDATE families SET safeguarding_status = $1, version = version + 1, updated_at = $2 WHERE id = $3`, m.StatusAfter, tx.now, f.ID); err != nil {
				return fmt.Errorf("updating status: %w", err)
			}
		}
		tx.Audit("meeting.record", "meeting", id, f.ID, m.Kind)
		return nil
	})
}

// RemoveMeeting marks one of a family's meetings as entered in error
// (recorded on the wrong family, or twice), with why. It is kept, left out
// of the family's meetings (and so of the reports to other agencies made
// from them) and listed as removed. What it did goes with it: its
// actions' open tasks (no one's work now), and the change of safeguarding
// status it recorded, the family's status then being the latest word left
// on it (restoreStatus). Whoever may record a meeting for the family may.
func (db *DB) RemoveMeeting(ctx context.Context, actor policy.Actor, familyID, meetingID int64, why string) error {
	return db.Update(ctx, func(tx *Tx) error {
		f, err := tx.familyForChange(actor, familyID, policy.EditFamily)
		if err != nil {
			return err
		}
		const gone = "That meeting is not on this family's record, or was already removed"
		// Not there first; then why, listed with
		// the removed meeting for everyone working with the family.
		if err := tx.entryToRemove("meetings", "family_id", f.ID, meetingID, gone); err != nil {
			return err
		}
		if err := tx.keepConfidentialOut(actor, f, everyone, textField{"why", why}); err != nil {
			return err
		}
		if err := tx.markRemoved("meetings", "family_id", f.ID, meetingID, actor.StaffID, why); err != nil {
			return err
		}
		if _, err := tx.exec(`DELETE FROM tasks WHERE family_id = $1 AND meeting_id = $2 AND done_at IS NULL`, f.ID, meetingID); err != nil {
			return fmt.Errorf("removing the meeting's actions: %w", err)
		}
		res, err := tx.exec(`DELETE FROM safeguarding_status_history WHERE family_id = $1 AND meeting_id = $2`, f.ID, meetingID)
		if err != nil {
			return fmt.Errorf("removing the meeting's change of status: %w", err)
		}
		if n, _ := res.RowsAffected(); n > 0 {
			if err := tx.restoreStatus(f); err != nil {
				return err
			}
		}
		tx.Audit("meeting.remove", "meeting", meetingID, f.ID, "entered in error")
		return nil
	})
}

// restoreStatus sets family f's safeguarding status again after a change
// of status went with a meeting removed as entered in error. The status is
// what the latest word on it says: the latest change left in the history,
// or a meeting held on or after it that recorded a status. Such a meeting
// wrote no change if the removed one had already set the same status (a
// core group confirming a plan a conference made in error, say); it gets
// its change now, so the history still says where the status came from.
func (tx *Tx) restoreStatus(f family.Family) error {
	status := "none"
	var since anyTime // zero when no change is left
	err := tx.queryRow(`SELECT status, from_date FROM safeguarding_status_history WHERE family_id = $1 ORDER BY from_date DESC, id DESC LIMIT 1`, f.ID).Scan(&status, &since)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("reading the safeguarding status: %w", err)
	}
	var mid int64
	var held anyTime
	var after string
	err = tx.queryRow(`SELECT id, held_on, status_after FROM meetings WHERE family_id = $1 AND removed_at IS NULL ORDER BY held_on DESC, id DESC LIMIT 1`, f.ID).
		Scan(&mid, &held, &after)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("reading the latest meeting: %w", err)
	}
	if mid != 0 && after != "" && after != status && !held.T.Before(since.T) {
		if _, err := tx.insertID(`INSERT INTO safeguarding_status_history (family_id, status, from_date, meeting_id, created_at) VALUES ($1, $2, $3, $4, $5)`,
			f.ID, after, held.T.UTC(), mid, tx.now); err != nil {
			return fmt.Errorf("recording status: %w", err)
		}
		status = after
	}
	if status != f.SafeguardingStatus {
		if _, err := tx.exec(`UPDATE families SET safeguarding_status = $1, version = version + 1, updated_at = $2 WHERE id = $3`, status, tx.now, f.ID); err != nil {
			return fmt.Errorf("updating status: %w", err)
		}
	}
	return nil
}

// RemovedMeeting is a meeting removed as entered in error: which kind of
// meeting, when it was held, and who removed it, when and why (read by
// whoever may read the family's meetings).
type RemovedMeeting struct {
	RemovedEntry
	MeetingKind string
}

// familyMeetings lists a family's meetings, newest first, and apart those
// removed as entered in error.
func (db *DB) familyMeetings(ctx context.Context, q rowQuerier, familyID int64) ([]sharing.Meeting, []RemovedMeeting, error) {
	rows, err := q.QueryContext(ctx, `SELECT m.id, m.kind, m.held_on, m.status_after, m.minutes_sealed, m.attendees_sealed, m.parents_attended, m.decisions_sealed, COALESCE(s.name, ''),
		m.removed_at, COALESCE(r.name, ''), m.removed_reason_sealed
		FROM meetings m LEFT JOIN staff s ON s.id = m.created_by LEFT JOIN staff r ON r.id = m.removed_by WHERE m.family_id = $1 ORDER BY m.held_on DESC, m.id DESC`, familyID)
	if err != nil {
		return nil, nil, fmt.Errorf("reading meetings: %w", err)
	}
	defer rows.Close()
	var out []sharing.Meeting
	var removed []RemovedMeeting
	names := map[int64]string{}
	for rows.Next() {
		var m sharing.Meeting
		var actions, attendees, parents, decisions string
		var removedAt sql.NullTime
		var removedBy, sealedWhy string
		if err := rows.Scan(&m.ID, &m.Kind, &m.HeldOn, &m.StatusAfter, &actions, &attendees, &parents, &decisions, &m.By,
			&removedAt, &removedBy, &sealedWhy); err != nil {
			return nil, nil, err
		}
		if removedAt.Valid {
			// Only what the removal says: the meeting's own record stays
			// sealed, unread.
			e, err := db.removedEntry("meeting", "meetings", m.ID, m.HeldOn, removedAt.Time, removedBy, sealedWhy, true)
			if err != nil {
				return nil, nil, err
			}
			removed = append(removed, RemovedMeeting{RemovedEntry: e, MeetingKind: m.Kind})
			continue
		}
		if m.Attendees, err = db.open(rowContext("meetings.attendees", m.ID), attendees); err != nil {
			return nil, nil, err
		}
		if m.Decisions, err = db.open(rowContext("meetings.decisions", m.ID), decisions); err != nil {
			return nil, nil, err
		}
		plain, err := db.open(rowContext("meetings.actions", m.ID), actions)
		if err != nil {
			return nil, nil, err
		}
		var acts []storedAction
		if plain != "" {
			if err := json.Unmarshal([]byte(plain), &acts); err != nil {
				return nil, nil, fmt.Errorf("decoding actions: %w", err)
			}
		}
		for _, a := range acts {
			m.Actions = append(m.Actions, sharing.Action{What: a.What, OwnerID: a.OwnerID, Due: a.Due})
			names[a.OwnerID] = ""
		}
		for _, p := range strings.Fields(parents) {
			if id, err := strconv.ParseInt(p, 10, 64); err == nil {
				m.ParentsAttended = append(m.ParentsAttended, id)
			}
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	// The actions' owners' names in one statement, not a read of each
	// owner's whole account (credentials and teams included).
	if len(names) > 0 {
		in, args := db.inList(slices.Collect(maps.Keys(names)))
		rows, err := q.QueryContext(ctx, `SELECT id, name FROM staff WHERE id IN (`+in+`)`, args...)
		if err != nil {
			return nil, nil, fmt.Errorf("reading the actions' owners: %w", err)
		}
		for rows.Next() {
			var id int64
			var name string
			if err := rows.Scan(&id, &name); err != nil {
				return nil, nil, dropRows(rows, fmt.Errorf("reading the actions' owners: %w", err))
			}
			names[id] = name
		}
		if err := doneRows(rows); err != nil {
			return nil, nil, fmt.Errorf("reading the actions' owners: %w", err)
		}
	}
	for i := range out {
		for j := range out[i].Actions {
			out[i].Actions[j].Owner = names[out[i].Actions[j].OwnerID]
		}
	}
	return out, removed, nil
}

// StatusChange is a change of the family's safeguarding status.
type StatusChange struct {
	Status string
	From   time.Time
}

// statusHistory lists a family's safeguarding status changes, oldest first.
func (db *DB) statusHistory(ctx context.Context, q rowQuerier, familyID int64) ([]StatusChange, error) {
	rows, err := q.QueryContext(ctx, `SELECT status, from_date FROM safeguarding_status_history WHERE family_id = $1 ORDER BY from_date, id`, familyID)
	if err != nil {
		return nil, fmt.Errorf("reading status history: %w", err)
	}
	defer rows.Close()
	var out []StatusChange
	for rows.Next() {
		var c StatusChange
		if err := rows.Scan(&c.Status, &c.From); err != nil {
			return nil, fmt.Errorf("reading status history: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// MyTask is an open task on a staff member's own list.
type MyTask struct {
	Task
	FamilyID  int64
	ConcernID int64 // a safeguarding concern's action: its page says what the action is
}

// tasksFor lists a staff member's open tasks, soonest due first (read
// with their caseload: DB.CaseloadWithTasks).
func (tx *Tx) tasksFor(staffID int64) ([]MyTask, error) {
	rows, err := tx.query(`SELECT t.id, t.kind, t.title, t.due_on, COALESCE(t.family_id, 0), COALESCE(t.person_id, 0), COALESCE(p.given_name, ''), COALESCE(p.known_as, ''), COALESCE(p.family_name, ''),
			COALESCE(ca.concern_id, 0)
		FROM tasks t LEFT JOIN people p ON p.id = t.person_id LEFT JOIN concern_actions ca ON ca.id = t.concern_action_id
		WHERE t.assigned_to = $1 AND t.done_at IS NULL ORDER BY t.due_on, t.id LIMIT 200`, staffID)
	if err != nil {
		return nil, fmt.Errorf("listing tasks: %w", err)
	}
	defer rows.Close()
	var out []MyTask
	for rows.Next() {
		var t MyTask
		var due anyTime
		var about family.Person
		if err := rows.Scan(&t.ID, &t.Kind, &t.Title, &due, &t.FamilyID, &t.PersonID, &about.GivenName, &about.KnownAs, &about.FamilyName, &t.ConcernID); err != nil {
			return nil, err
		}
		if about.GivenName+about.KnownAs+about.FamilyName != "" {
			t.About = about.Name()
		}
		t.DueOn, t.AssignedToID = due.T, staffID
		out = append(out, t)
	}
	return out, rows.Err()
}
