package store

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cradle-org/cradle/internal/casework"
	"github.com/cradle-org/cradle/internal/family"
	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/problem"
)

// PractitionerLoad is a practitioner and how many parents they work with now.
type PractitionerLoad struct {
	ID       int64
	Name     string
	Caseload int
}

// PractitionersInArea lists the active practitioners of an area with their
// current caseloads, smallest first, for allocation: the parents of open
// families allocated to them, as the team's caseloads count them (a
// closed case's allocation is not ended, so that its practitioner may
// still read it, but it is no work).
func (db *DB) PractitionersInArea(ctx context.Context, areaID int64) ([]PractitionerLoad, error) {
	return db.staffLoads(ctx, "practitioners", `SELECT s.id, s.name, (SELECT COUNT(*) FROM allocations al JOIN families f ON f.id = al.family_id
			WHERE al.staff_id = s.id AND al.ended_at IS NULL AND f.stage <> 'closed')
		FROM staff s WHERE s.role = 'practitioner' AND s.disabled = FALSE
		AND s.id IN (SELECT st.staff_id FROM staff_teams st JOIN teams t ON t.id = st.team_id WHERE t.area_id = $1)
		ORDER BY 3, s.name`, areaID)
}

// staffLoads runs a query of (id, name, count) rows about an area's staff;
// what names them in an error.
func (db *DB) staffLoads(ctx context.Context, what, query string, areaID int64) ([]PractitionerLoad, error) {
	rows, err := db.query(ctx, query, areaID)
	if err != nil {
		return nil, fmt.Errorf("listing %s: %w", what, err)
	}
	defer rows.Close()
	var out []PractitionerLoad
	for rows.Next() {
		var p PractitionerLoad
		if err := rows.Scan(&p.ID, &p.Name, &p.Caseload); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// ManagersInArea lists the area's active team managers, each with how
// many open families they manage (the allocation form's choice of the
// family's team manager).
func (db *DB) ManagersInArea(ctx context.Context, areaID int64) ([]PractitionerLoad, error) {
	return db.staffLoads(ctx, "team managers", `SELECT s.id, s.name, (SELECT COUNT(*) FROM families f WHERE f.manager_id = s.id AND f.stage <> 'closed')
		FROM staff s WHERE s.role = 'team_manager' AND s.disabled = FALSE
		AND s.id IN (SELECT st.staff_id FROM staff_teams st JOIN teams t ON t.id = st.team_id WHERE t.area_id = $1)
		ORDER BY s.name`, areaID)
}

// MayChangeFamily is MayChangePerson for a family's record.
func (db *DB) MayChangeFamily(ctx context.Context, actor policy.Actor, familyID int64, act policy.Action) error {
	return db.decideOnly(ctx, func(tx *Tx) error {
		_, err := tx.familyForChange(actor, familyID, act)
		return err
	})
}

// familyForChange loads a family and checks the actor may do act to it.
func (tx *Tx) familyForChange(actor policy.Actor, familyID int64, act policy.Action) (family.Family, error) {
	f, err := tx.db.familyRecord(tx.ctx, tx.q(), familyID)
	if err != nil {
		return f, err
	}
	if d := policy.Decide(actor, act, f.Target(), tx.now); !d.Allowed {
		return f, d.Err()
	}
	return f, nil
}

// Allocated is a member of staff whose work in a family an allocation
// changed, for the email that tells them.
type Allocated struct {
	Email   string
	Manager bool // the family's team manager, not a parent's practitioner
	// Ended: they no longer have the work (another was allocated to the
	// parent, or chosen to manage the family); told unless their account
	// is disabled.
	Ended   bool
	staffID int64
}

// AllocationNotifier queues the emails to those whose work an allocation
// changed. It is called inside the allocation's transaction, so an email
// exists exactly when the allocation does.
type AllocationNotifier func(tx *Tx, familyID int64, familyRef string, to []Allocated) error

// AllocatePractitioners allocates a practitioner to each co-parent (0 keeps
// the current one). The two must be different people. Each member of staff
// newly given a parent, or the family to manage, and each whose parent or
// family was given to another, other than the one allocating, is told
// through notify (which may be nil).
func (db *DB) AllocatePractitioners(ctx context.Context, actor policy.Actor, familyID int64, byPerson map[int64]int64, managerID int64, notify AllocationNotifier) error {
	return db.Update(ctx, func(tx *Tx) error {
		return tx.allocatePractitioners(actor, familyID, byPerson, managerID, notify)
	})
}

// MoveParents gives each parent in moves (a parent's id to a
// practitioner's) to that practitioner, every family's allocation as
// AllocatePractitioners makes it (the same checks and refusals, the open
// tasks passed on, the audit entry and the emails), all in one
// transaction: a team manager moving a departing practitioner's parents
// moves all of them or, if one is refused, none. Families are taken in
// the order of their ids, so the first refusal is the same every time.
func (db *DB) MoveParents(ctx context.Context, actor policy.Actor, moves map[int64]int64, notify AllocationNotifier) error {
	if len(moves) == 0 {
		return problem.New(problem.Invalid, "Choose a practitioner for at least one parent")
	}
	return db.Update(ctx, func(tx *Tx) error {
		// Each parent's family, in one statement.
		byFamily := map[int64]map[int64]int64{}
		in, args := tx.db.inList(slices.Collect(maps.Keys(moves)))
		found := 0
		err := tx.each(`SELECT id, family_id FROM people WHERE id IN (`+in+`) AND kind = 'parent'`, args, func(rows *sql.Rows) error {
			var personID, familyID int64
			if err := rows.Scan(&personID, &familyID); err != nil {
				return fmt.Errorf("finding the parents' families: %w", err)
			}
			if byFamily[familyID] == nil {
				byFamily[familyID] = map[int64]int64{}
			}
			byFamily[familyID][personID] = moves[personID]
			found++
			return nil
		})
		if err != nil {
			return err
		}
		if found != len(moves) {
			return problem.New(problem.NotFound, "There is no such parent")
		}
		for _, familyID := range slices.Sorted(maps.Keys(byFamily)) {
			if err := tx.allocatePractitioners(actor, familyID, byFamily[familyID], 0, notify); err != nil {
				return err
			}
		}
		return nil
	})
}

// allocatePractitioners is AllocatePractitioners in a transaction already
// open (moving several families' parents at once: MoveParents).
func (tx *Tx) allocatePractitioners(actor policy.Actor, familyID int64, byPerson map[int64]int64, managerID int64, notify AllocationNotifier) error {
	f, err := tx.familyForChange(actor, familyID, policy.AllocateFamily)
	if err != nil {
		return err
	}
	var told []Allocated // in order, each once
	tell := func(a Allocated) {
		if a.staffID != actor.StaffID && !slices.Contains(told, a) {
			told = append(told, a)
		}
	}
	if managerID != 0 && managerID != f.ManagerID {
		if err := tx.setManager(f, managerID); err != nil {
			return err
		}
		tell(Allocated{Manager: true, staffID: managerID})
		if f.ManagerID != 0 && !f.ManagerDisabled {
			tell(Allocated{Manager: true, Ended: true, staffID: f.ManagerID})
		}
	}
	want := map[int64]int64{}
	for _, p := range f.Parents() {
		want[p.ID] = p.PractitionerID
		if s := byPerson[p.ID]; s != 0 {
			want[p.ID] = s
		}
	}
	parents := f.Parents()
	if len(parents) == 2 && want[parents[0].ID] != 0 && want[parents[0].ID] == want[parents[1].ID] {
		return &problem.Error{Code: problem.Invalid, Message: "Each parent must have their own practitioner",
			Fields: []problem.Field{{Name: fmt.Sprintf("practitioner_%d", parents[1].ID), Message: "Choose a different practitioner for each parent"}}}
	}
	// End changed allocations first, so swapping two practitioners does
	// not trip the one-practitioner-per-family index half-way.
	for _, p := range parents {
		if want[p.ID] != p.PractitionerID && p.PractitionerID != 0 {
			if _, err := tx.exec(`UPDATE allocations SET ended_at = $1, end_reason = 'reallocated' WHERE person_id = $2 AND ended_at IS NULL`, tx.now, p.ID); err != nil {
				return fmt.Errorf("ending allocation: %w", err)
			}
		}
	}
	moves, err := tx.tasksToPassOn(f, parents, want)
	if err != nil {
		return err
	}
	for _, p := range parents {
		if want[p.ID] != p.PractitionerID && want[p.ID] != 0 {
			if err := tx.Allocate(f.ID, p.ID, want[p.ID], actor.StaffID); err != nil {
				return err
			}
			tell(Allocated{staffID: want[p.ID]})
			if p.PractitionerID != 0 && !p.PractitionerDisabled {
				tell(Allocated{Ended: true, staffID: p.PractitionerID})
			}
		}
	}
	for _, m := range moves {
		in, args := tx.db.inList(m.ids)
		if _, err := tx.exec(`UPDATE tasks SET assigned_to = $`+strconv.Itoa(len(args)+1)+` WHERE id IN (`+in+`)`, append(args, m.to)...); err != nil {
			return fmt.Errorf("passing on tasks: %w", err)
		}
		tx.Audit("task.reassigned", "family", f.ID, f.ID, fmt.Sprintf("%d open tasks to the new practitioner", len(m.ids)))
	}
	tx.Audit("family.allocation.review", "family", f.ID, f.ID, "")
	if notify == nil || len(told) == 0 {
		return nil
	}
	ids := make([]int64, len(told))
	for i, a := range told {
		ids[i] = a.staffID
	}
	emails, err := tx.staffEmails(ids)
	if err != nil {
		return err
	}
	for i := range told {
		told[i].Email = emails[told[i].staffID]
	}
	return notify(tx, f.ID, f.Reference, told)
}

// taskMove is open tasks to give to another member of staff.
type taskMove struct {
	ids []int64
	to  int64
}

// tasksToPassOn works out, before anything moves, which open tasks in the
// family go with each parent given a new practitioner (want). An old
// practitioner who no longer works in the family passes on all their open
// tasks in it: they can no longer open the family to do them (nor, if they
// have left, sign in), and no one else would see them. One who still works
// with the other parent (the two practitioners swapped, say) passes on only
// the tasks about the parent they leave. Worked out first so that a swap
// does not pass one practitioner's tasks on and straight back.
func (tx *Tx) tasksToPassOn(f family.Family, parents []family.Person, want map[int64]int64) ([]taskMove, error) {
	var out []taskMove
	for _, p := range parents {
		old, to := p.PractitionerID, want[p.ID]
		if old == 0 || to == 0 || old == to {
			continue
		}
		q, args := `SELECT id FROM tasks WHERE family_id = $1 AND assigned_to = $2 AND done_at IS NULL`, []any{f.ID, old}
		for _, other := range parents {
			if want[other.ID] == old {
				q, args = q+` AND person_id = $3`, append(args, p.ID)
				break
			}
		}
		var ids []int64
		if err := tx.each(q+` ORDER BY id`, args, func(rows *sql.Rows) error {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return err
			}
			ids = append(ids, id)
			return nil
		}); err != nil {
			return nil, fmt.Errorf("finding the tasks to pass on: %w", err)
		}
		if len(ids) > 0 {
			out = append(out, taskMove{ids: ids, to: to})
		}
	}
	return out, nil
}

// AddChild records another child in either co-parent's household (their
// risk is assessed in its own right): for one who may change the family's
// record. household is the parent slot the child lives with (1 or 2), or 0
// for neither, or not known.
func (db *DB) AddChild(ctx context.Context, actor policy.Actor, familyID int64, d family.Details, household int) (int64, error) {
	var id int64
	err := db.Update(ctx, func(tx *Tx) error {
		f, err := tx.familyForChange(actor, familyID, policy.EditFamily)
		if err != nil {
			return err
		}
		var fs problem.Fields
		d.Check(family.Child, tx.now, &fs)
		if !f.IsHousehold(household) {
			fs.Add("household", "Select who the child lives with")
		}
		if err := fs.Err(); err != nil {
			return err
		}
		id, err = tx.AddPerson(f.ID, family.Person{Kind: family.Child, GivenName: d.GivenName, FamilyName: d.FamilyName, KnownAs: d.KnownAs,
			DateOfBirth: d.DateOfBirth, Gender: d.Gender, Pronouns: d.Pronouns, Household: household})
		return err
	})
	return id, err
}

// setManager makes managerID, who must be an active team manager working
// in the family's area, the family's team manager. The family's open tasks
// for no one in particular (made while it had none), and the old manager's,
// go to them.
func (tx *Tx) setManager(f family.Family, managerID int64) error {
	var n int
	err := tx.queryRow(`SELECT COUNT(*) FROM staff s WHERE s.id = $1 AND s.role = 'team_manager' AND s.disabled = FALSE
		AND s.id IN (SELECT st.staff_id FROM staff_teams st JOIN teams t ON t.id = st.team_id WHERE t.area_id = $2)`, managerID, f.AreaID).Scan(&n)
	if err != nil {
		return fmt.Errorf("checking the team manager: %w", err)
	}
	if n != 1 {
		return &problem.Error{Code: problem.Invalid, Message: "Choose a team manager who works in this family's area",
			Fields: []problem.Field{{Name: "manager", Message: "Choose a team manager who works in this family's area"}}}
	}
	if _, err := tx.exec(`UPDATE families SET manager_id = $1, version = version + 1, updated_at = $2 WHERE id = $3`, managerID, tx.now, f.ID); err != nil {
		return fmt.Errorf("setting the team manager: %w", err)
	}
	if _, err := tx.exec(`UPDATE tasks SET assigned_to = $1 WHERE family_id = $2 AND assigned_to IS NULL AND done_at IS NULL`, managerID, f.ID); err != nil {
		return fmt.Errorf("giving the team manager the family's tasks: %w", err)
	}
	// The old manager's open tasks in the family go to the new one, as a
	// parent's do to their new practitioner.
	if f.ManagerID != 0 {
		res, err := tx.exec(`UPDATE tasks SET assigned_to = $1 WHERE family_id = $2 AND assigned_to = $3 AND done_at IS NULL`, managerID, f.ID, f.ManagerID)
		if err != nil {
			return fmt.Errorf("passing on the team manager's tasks: %w", err)
		}
		if n, err := res.RowsAffected(); err == nil && n > 0 {
			tx.Audit("task.reassigned", "family", f.ID, f.ID, fmt.Sprintf("%d open tasks to the new team manager", n))
		}
	}
	tx.Audit("family.manager", "family", f.ID, f.ID, fmt.Sprintf("staff %d", managerID))
	return nil
}

// CorrectDueDate corrects the baby's due date while the baby is unborn
// (the programme's timeline, its end and the gestation shown all follow
// it), for one who may change the family's record, from the version the
// editor opened. Audited without the dates (the audit log names records,
// not facts about people).
func (db *DB) CorrectDueDate(ctx context.Context, actor policy.Actor, familyID int64, version int, edd time.Time) error {
	return db.Update(ctx, func(tx *Tx) error {
		f, err := tx.familyForChange(actor, familyID, policy.EditFamily)
		if err != nil {
			return err
		}
		if baby, ok := f.Baby(); ok && !baby.DateOfBirth.IsZero() {
			return problem.New(problem.Conflict, "The baby's birth is recorded: the programme now follows the date of birth, not the due date")
		}
		if err := casework.CheckDueDate(edd, tx.now); err != nil {
			return err
		}
		res, err := tx.exec(`UPDATE families SET edd = $1, version = version + 1, updated_at = $2 WHERE id = $3 AND version = $4`,
			edd.UTC(), tx.now, f.ID, version)
		if err != nil {
			return fmt.Errorf("correcting the due date: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return problem.New(problem.Conflict, "Someone else changed this family's record while you were working. Check the record and try again")
		}
		tx.Audit("family.edd", "family", f.ID, f.ID, "due date corrected")
		return nil
	})
}

// RecordBirth records the baby's birth: date of birth (and name, if given)
// on the baby's record, and the family's stage moves on.
func (db *DB) RecordBirth(ctx context.Context, actor policy.Actor, familyID int64, version int, born time.Time, givenName string) error {
	return db.Update(ctx, func(tx *Tx) error {
		f, err := tx.familyForChange(actor, familyID, policy.EditFamily)
		if err != nil {
			return err
		}
		if err := casework.CheckBirth(born, f.EDD, tx.now); err != nil {
			return err
		}
		var fs problem.Fields
		fs.Text("given_name", "Baby's first name", &givenName, 100, false)
		if err := fs.Err(); err != nil {
			return err
		}
		res, err := tx.exec(`UPDATE families SET stage = $1, version = version + 1, updated_at = $2 WHERE id = $3 AND version = $4`,
			string(family.Birth), tx.now, f.ID, version)
		if err != nil {
			return fmt.Errorf("recording birth: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return problem.New(problem.Conflict, "Someone else changed this family's record while you were working. Check the record and try again")
		}
		baby, ok := f.Baby()
		if !ok {
			if _, err := tx.AddPerson(f.ID, family.Person{Kind: family.Baby, GivenName: givenName, DateOfBirth: born}); err != nil {
				return err
			}
		} else if _, err := tx.exec(`UPDATE people SET date_of_birth = $1, given_name = CASE WHEN $2 = '' THEN given_name ELSE $2 END,
			family_name = CASE WHEN family_name = '' THEN $3 ELSE family_name END, version = version + 1, updated_at = $4 WHERE id = $5`,
			born.UTC(), givenName, firstFamilyName(f), tx.now, baby.ID); err != nil {
			return fmt.Errorf("recording birth: %w", err)
		}
		// A birth is a change the risk picture must be reviewed after: each
		// parent's practitioner (or, for a parent without one, the team
		// manager; with none, the family's page holds it for the next) is
		// asked to, within the week.
		for _, p := range f.Parents() {
			if !p.Active {
				continue
			}
			if err := tx.askForRiskReview(f, p, "Review the risk assessment and safety plan now the baby is born", tx.now.AddDate(0, 0, 7)); err != nil {
				return err
			}
		}
		tx.Audit("family.birth", "family", f.ID, f.ID, "")
		return nil
	})
}

func firstFamilyName(f family.Family) string {
	for _, p := range f.Parents() {
		if p.FamilyName != "" {
			return p.FamilyName
		}
	}
	return ""
}

// SetStage moves a family to a stage the timeline computed (for example
// from birth to postnatal as weeks pass).
func (tx *Tx) SetStage(familyID int64, stage family.Stage) error {
	if _, err := tx.exec(`UPDATE families SET stage = $1, updated_at = $2 WHERE id = $3 AND stage <> 'closed'`, string(stage), tx.now, familyID); err != nil {
		return fmt.Errorf("setting stage: %w", err)
	}
	tx.Audit("family.stage", "family", familyID, familyID, string(stage))
	return nil
}

// CompleteAssessment records that assessment is complete.
func (db *DB) CompleteAssessment(ctx context.Context, actor policy.Actor, familyID int64, on time.Time) error {
	return db.Update(ctx, func(tx *Tx) error {
		f, err := tx.familyForChange(actor, familyID, policy.EditFamily)
		if err != nil {
			return err
		}
		if on.IsZero() || on.After(tx.now) {
			return &problem.Error{Code: problem.Invalid, Message: "There is a problem", Fields: []problem.Field{{Name: "assessed_on", Message: "Enter the date the assessment was completed: today or in the past"}}}
		}
		stage := f.Stage
		if stage == family.Referral || stage == family.Assessment {
			stage = family.Antenatal
		}
		if _, err := tx.exec(`UPDATE families SET assessment_completed_on = $1, stage = $2, version = version + 1, updated_at = $3 WHERE id = $4`,
			on.UTC(), string(stage), tx.now, f.ID); err != nil {
			return fmt.Errorf("recording assessment: %w", err)
		}
		tx.Audit("family.assessment.complete", "family", f.ID, f.ID, "")
		return nil
	})
}

// CloseFamily closes a case with a reason and a closing summary for each
// parent. It is a team manager's decision (the policy's CloseFamily), so
// the closing manager is the approver.
func (db *DB) CloseFamily(ctx context.Context, actor policy.Actor, familyID int64, c casework.Closure) error {
	return db.Update(ctx, func(tx *Tx) error {
		f, err := tx.familyForChange(actor, familyID, policy.CloseFamily)
		if problem.CodeOf(err) == problem.Conflict { // closed already, for one who may close it
			return problem.New(problem.Conflict, "This case is closed already: the form was sent twice, or someone else closed it a moment ago")
		}
		if err != nil {
			return err
		}
		var parents []int64
		for _, p := range f.Parents() {
			parents = append(parents, p.ID)
		}
		if c.Summaries == nil {
			c.Summaries = map[int64]string{}
		}
		if err := c.Validate(parents, tx.now); err != nil {
			return err
		}
		id, err := tx.insertID(`INSERT INTO closures (family_id, kind, reason, closed_on, requested_by, approved_by, approved_at, created_at)
			VALUES ($1, $2, $3, $4, $5, $5, $6, $6)`, f.ID, c.Kind, c.Reason, c.ClosedOn.UTC(), actor.StaffID, tx.now)
		if err != nil {
			return fmt.Errorf("recording closure: %w", err)
		}
		for _, pid := range parents {
			sealed, err := tx.db.seal(keyContext("closure_summaries.summary", id, pid), c.Summaries[pid])
			if err != nil {
				return err
			}
			if _, err := tx.exec(`INSERT INTO closure_summaries (closure_id, person_id, summary_sealed, written_by) VALUES ($1, $2, $3, $4)`,
				id, pid, sealed, actor.StaffID); err != nil {
				return fmt.Errorf("saving closing summary: %w", err)
			}
		}
		if _, err := tx.exec(`UPDATE families SET stage = 'closed', closed_on = $1, closure_reason = $2, version = version + 1, updated_at = $3 WHERE id = $4`,
			c.ClosedOn.UTC(), c.Reason, tx.now, f.ID); err != nil {
			return fmt.Errorf("closing family: %w", err)
		}
		// Nothing more will be recorded: every appointment still standing
		// (to come, or past and unrecorded) is cancelled with the case.
		if _, err := tx.exec(`UPDATE appointments SET cancelled_at = $1, cancelled_by = $2, cancel_reason = $3
			WHERE family_id = $4 AND cancelled_at IS NULL AND session_id IS NULL`, tx.now, actor.StaffID, casework.CancelledClosed, f.ID); err != nil {
			return fmt.Errorf("cancelling the family's appointments: %w", err)
		}
		tx.Audit("family.close", "family", f.ID, f.ID, c.Reason)
		return nil
	})
}

// ReopenFamily re-opens a closed case with a reason, back at the stage the
// given function computes.
func (db *DB) ReopenFamily(ctx context.Context, actor policy.Actor, familyID int64, reason string, stage func(family.Family) family.Stage) error {
	return db.Update(ctx, func(tx *Tx) error {
		f, err := tx.familyForChange(actor, familyID, policy.ReopenFamily)
		if err != nil {
			return err
		}
		var fs problem.Fields
		fs.Text("reopen_reason", "Reason", &reason, 2000, true)
		if strings.TrimSpace(reason) == "" && !fs.Has("reopen_reason") {
			fs.Add("reopen_reason", "Give the reason for re-opening the case")
		}
		if err := fs.Err(); err != nil {
			return err
		}
		if _, err := tx.exec(`UPDATE closures SET reopened_at = $1, reopened_by = $2, reopen_reason = $3
			WHERE family_id = $4 AND reopened_at IS NULL`, tx.now, actor.StaffID, reason, f.ID); err != nil {
			return fmt.Errorf("recording re-opening: %w", err)
		}
		f.Stage, f.ClosedOn = "", time.Time{}
		if _, err := tx.exec(`UPDATE families SET stage = $1, closed_on = NULL, closure_reason = '', version = version + 1, updated_at = $2 WHERE id = $3`,
			string(stage(f)), tx.now, f.ID); err != nil {
			return fmt.Errorf("re-opening family: %w", err)
		}
		tx.Audit("family.reopen", "family", f.ID, f.ID, "")
		return nil
	})
}

// ClosureRecord is a past closure, for the family page, with each
// parent's closing summary.
type ClosureRecord struct {
	ID                                     int64
	Kind, Reason, ApprovedBy, ReopenReason string
	ClosedOn, ReopenedAt                   time.Time
	Summaries                              []ClosingSummary // parent by parent, in the order of their ids
}

// ClosingSummary is what the closing manager wrote about the work with one
// parent. Like a disclosure about a parent, it is withheld from a reader who
// may not see that parent's confidential details (the other parent's
// practitioner): it is about the parent's own work on the programme.
type ClosingSummary struct {
	PersonID int64
	Text     string
	Withheld bool
}

// closures lists a family's closures, newest first, with the closing
// summaries actor may read (f as ReadFamily read it for actor, with the
// actor's break-glass grants).
func (db *DB) closures(ctx context.Context, q rowQuerier, actor policy.Actor, f family.Family, now time.Time) ([]ClosureRecord, error) {
	rows, err := q.QueryContext(ctx, `SELECT c.id, c.kind, c.reason, COALESCE(s.name, ''), c.reopen_reason, c.closed_on, c.reopened_at
		FROM closures c LEFT JOIN staff s ON s.id = c.approved_by WHERE c.family_id = $1 ORDER BY c.id DESC`, f.ID)
	if err != nil {
		return nil, fmt.Errorf("reading closures: %w", err)
	}
	defer rows.Close()
	var out []ClosureRecord
	at := map[int64]int{}
	for rows.Next() {
		var c ClosureRecord
		var reopened nullableTime
		if err := rows.Scan(&c.ID, &c.Kind, &c.Reason, &c.ApprovedBy, &c.ReopenReason, &c.ClosedOn, &reopened); err != nil {
			return nil, err
		}
		c.ReopenedAt = reopened.time()
		at[c.ID] = len(out)
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, nil // most families: no second statement
	}
	srows, err := q.QueryContext(ctx, `SELECT cs.closure_id, cs.person_id, cs.summary_sealed FROM closure_summaries cs
		JOIN closures c ON c.id = cs.closure_id WHERE c.family_id = $1 ORDER BY cs.closure_id, cs.person_id`, f.ID)
	if err != nil {
		return nil, fmt.Errorf("reading closing summaries: %w", err)
	}
	defer srows.Close()
	for srows.Next() {
		var closureID int64
		var s ClosingSummary
		var sealed string
		if err := srows.Scan(&closureID, &s.PersonID, &sealed); err != nil {
			return nil, err
		}
		i, ok := at[closureID]
		if !ok {
			continue
		}
		// A parent no longer in the family, or one whose confidential
		// details the reader may not see: withheld.
		if t, ok := personTargetIn(f, s.PersonID, f.Overrides); !ok || !policy.Can(actor, policy.ViewConfidential, t, now) {
			s.Withheld = true
		} else if s.Text, err = db.open(keyContext("closure_summaries.summary", closureID, s.PersonID), sealed); err != nil {
			return nil, err
		}
		out[i].Summaries = append(out[i].Summaries, s)
	}
	return out, srows.Err()
}

// StaffInArea lists the active staff of an area (any role), for choosing
// who owns an action.
func (db *DB) StaffInArea(ctx context.Context, areaID int64) ([]PractitionerLoad, error) {
	// The area's teams and the DSLs, each found by an index (migration 16),
	// rather than every member of staff in the organisation read and kept.
	return db.staffLoads(ctx, "staff", `SELECT s.id, s.name, 0 FROM staff s WHERE s.disabled = FALSE AND s.role IN ('practitioner', 'team_manager', 'dsl')
		AND s.id IN (SELECT st.staff_id FROM staff_teams st JOIN teams t ON t.id = st.team_id WHERE t.area_id = $1
			UNION SELECT id FROM staff WHERE role = 'dsl')
		ORDER BY s.name`, areaID)
}
