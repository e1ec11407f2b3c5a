package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cradle-org/cradle/internal/org"
	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/problem"
)

// StaffFilter narrows the administrators' staff list; the zero value is
// every account.
type StaffFilter struct {
	AreaID int64       // works in this area
	Role   policy.Role // has this role
	// Status is "active", "disabled" or "unused" (active, and not used
	// to sign in since UnusedBefore; never used: made before it).
	Status       string
	Query        string // part of the name or email address, any case
	UnusedBefore time.Time
	Offset       int
	Limit        int // 0: every one
}

// StaffList is a page of the staff list.
type StaffList struct {
	Staff []org.Staff // by name, with their areas and last sign-in
	Total int         // how many match the filter
	// Unused counts every active account not used since the filter's
	// UnusedBefore, whatever the filter.
	Unused int
}

// StaffWithAreas lists the accounts that match f, by name, with the areas
// each works in and when it last signed in, for the administrators' staff
// page (policy.ManageStaff). Audited.
func (db *DB) StaffWithAreas(ctx context.Context, actor policy.Actor, f StaffFilter) (StaffList, error) {
	var out StaffList
	err := db.View(ctx, func(tx *Tx) error {
		if d := policy.Decide(actor, policy.ManageStaff, policy.Target{}, tx.now); !d.Allowed {
			return d.Err()
		}
		tx.Audit("staff.list", "", 0, 0, "")
		var where []string
		var args []any
		arg := func(v any) string { args = append(args, v); return "$" + strconv.Itoa(len(args)) }
		if f.AreaID != 0 {
			where = append(where, `s.id IN (SELECT st.staff_id FROM staff_teams st JOIN teams t ON t.id = st.team_id WHERE t.area_id = `+arg(f.AreaID)+`)`)
		}
		if f.Role != "" {
			where = append(where, `s.role = `+arg(string(f.Role)))
		}
		switch f.Status {
		case "active":
			where = append(where, `NOT s.disabled`)
		case "disabled":
			where = append(where, `s.disabled`)
		case "unused":
			where = append(where, `NOT s.disabled AND COALESCE(s.last_signed_in_at, s.created_at) < `+arg(f.UnusedBefore))
		}
		if q := strings.TrimSpace(f.Query); q != "" {
			p := arg(likeContains(strings.ToLower(q)))
			where = append(where, `(LOWER(s.name) LIKE `+p+` ESCAPE '\' OR s.email LIKE `+p+` ESCAPE '\')`)
		}
		cond := ""
		if len(where) > 0 {
			cond = ` WHERE ` + strings.Join(where, ` AND `)
		}
		if err := tx.queryRow(`SELECT COUNT(*) FROM staff s`+cond, args...).Scan(&out.Total); err != nil {
			return fmt.Errorf("counting staff: %w", err)
		}
		if err := tx.queryRow(`SELECT COUNT(*) FROM staff WHERE NOT disabled AND COALESCE(last_signed_in_at, created_at) < $1`, f.UnusedBefore).Scan(&out.Unused); err != nil {
			return fmt.Errorf("counting unused accounts: %w", err)
		}
		page := ``
		if f.Limit > 0 {
			page = ` LIMIT ` + arg(f.Limit) + ` OFFSET ` + arg(f.Offset)
		}
		// #nosec G202 -- the conditions are constant text; every value is a parameter
		rows, err := tx.query(`SELECT s.id, s.email, s.name, s.role, s.job_title, s.disabled, s.created_at, s.last_signed_in_at
			FROM staff s`+cond+` ORDER BY s.name, s.id`+page, args...)
		if err != nil {
			return fmt.Errorf("listing staff: %w", err)
		}
		defer rows.Close()
		at := map[int64]int{}
		for rows.Next() {
			var s org.Staff
			var role string
			var last sql.NullTime
			if err := rows.Scan(&s.ID, &s.Email, &s.Name, &role, &s.JobTitle, &s.Disabled, &s.CreatedAt, &last); err != nil {
				return err
			}
			s.Role = policy.Role(role)
			s.LastSignedInAt = timeOf(last)
			at[s.ID] = len(out.Staff)
			out.Staff = append(out.Staff, s)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if len(out.Staff) == 0 {
			return nil
		}
		ids := make([]int64, len(out.Staff))
		for i, s := range out.Staff {
			ids[i] = s.ID
		}
		in, inArgs := tx.db.inList(ids)
		arows, err := tx.query(`SELECT DISTINCT st.staff_id, a.id, a.name FROM staff_teams st JOIN teams t ON t.id = st.team_id JOIN areas a ON a.id = t.area_id
			WHERE st.staff_id IN (`+in+`) ORDER BY a.name, a.id`, inArgs...)
		if err != nil {
			return fmt.Errorf("listing staff areas: %w", err)
		}
		defer arows.Close()
		for arows.Next() {
			var id int64
			var a org.Area
			if err := arows.Scan(&id, &a.ID, &a.Name); err != nil {
				return err
			}
			if i, ok := at[id]; ok {
				out.Staff[i].Areas = append(out.Staff[i].Areas, a)
			}
		}
		return arows.Err()
	})
	return out, err
}

// likeContains is a LIKE pattern (with ESCAPE '\') matching any text
// that contains s.
func likeContains(s string) string {
	return "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s) + "%"
}

// AddStaff creates an account for actor (an administrator) in the named
// area, which must exist, with the secrets its holder is given once.
func (db *DB) AddStaff(ctx context.Context, actor policy.Actor, n org.NewStaff, s StaffSecrets) (org.Staff, error) {
	var out org.Staff
	err := db.Update(ctx, func(tx *Tx) error {
		if d := policy.Decide(actor, policy.ManageStaff, policy.Target{}, tx.now); !d.Allowed {
			return d.Err()
		}
		if err := n.Validate(); err != nil {
			return err
		}
		if _, err := tx.areaByName(n.AreaName); problem.CodeOf(err) == problem.NotFound {
			return &problem.Error{Code: problem.Invalid, Message: "Choose one of the areas",
				Fields: []problem.Field{{Name: "area", Message: "Choose the area the person works in"}}}
		} else if err != nil {
			return err
		}
		var err error
		out, err = tx.CreateStaff(n, s)
		return err
	})
	return out, err
}

// staffForChange reads the account an administrator changes; one may not
// change their own this way (disabling it, or its second factor, would
// lock them out with no one to let them back in).
func (tx *Tx) staffForChange(actor policy.Actor, id int64) (org.Staff, error) {
	if d := policy.Decide(actor, policy.ManageStaff, policy.Target{}, tx.now); !d.Allowed {
		return org.Staff{}, d.Err()
	}
	s, err := tx.staffByID(id)
	if errors.Is(err, sql.ErrNoRows) || problem.CodeOf(err) == problem.NotFound {
		return s, problem.New(problem.NotFound, "There is no such account")
	}
	if err != nil {
		return s, err
	}
	if s.ID == actor.StaffID {
		return s, problem.New(problem.Invalid, "You cannot change your own account here: ask another administrator")
	}
	return s, nil
}

// SetStaffDisabled stops an account signing in (ending its sessions), or
// lets it sign in again. The account and its history are kept. Audited.
func (db *DB) SetStaffDisabled(ctx context.Context, actor policy.Actor, id int64, disabled bool) (org.Staff, error) {
	var out org.Staff
	err := db.Update(ctx, func(tx *Tx) error {
		s, err := tx.staffForChange(actor, id)
		if err != nil {
			return err
		}
		if disabled {
			out, err = tx.DisableStaff(s.Email)
			return err
		}
		if _, err := tx.exec(`UPDATE staff SET disabled = FALSE, updated_at = $1 WHERE id = $2`, tx.now, s.ID); err != nil {
			return fmt.Errorf("enabling staff: %w", err)
		}
		tx.Audit("staff.enable", "staff", s.ID, 0, "")
		s.Disabled = false
		out = s
		return nil
	})
	return out, err
}

// ResetStaffSecrets gives an account a new one-time password (to change at
// first sign-in) and a new authenticator secret, for someone who lost
// theirs, and ends its sessions. Audited; the account's owner is told
// through tell (which may be nil), in the same transaction.
func (db *DB) ResetStaffSecrets(ctx context.Context, actor policy.Actor, id int64, s StaffSecrets, tell func(tx *Tx, email string) error) (org.Staff, error) {
	var out org.Staff
	err := db.Update(ctx, func(tx *Tx) error {
		st, err := tx.staffForChange(actor, id)
		if err != nil {
			return err
		}
		sealed, err := tx.db.seal(rowContext("staff.totp_secret", st.ID), s.TOTPSecret)
		if err != nil {
			return err
		}
		sealedHash, err := tx.db.sealPasswordHash(st.ID, s.PasswordHash)
		if err != nil {
			return err
		}
		if _, err := tx.exec(`UPDATE staff SET password_hash_sealed = $1, must_change_password = TRUE, totp_secret_sealed = $2, totp_last_step = 0, updated_at = $3, password_set_at = $3 WHERE id = $4`,
			sealedHash, sealed, tx.now, st.ID); err != nil {
			return fmt.Errorf("resetting sign-in details: %w", err)
		}
		if _, err := tx.exec(`DELETE FROM login_sessions WHERE staff_id = $1`, st.ID); err != nil {
			return fmt.Errorf("ending sessions: %w", err)
		}
		tx.Audit("staff.reset", "staff", st.ID, 0, "one-time password and authenticator secret")
		out = st
		if tell != nil {
			return tell(tx, st.Email)
		}
		return nil
	})
	return out, err
}

// StaffForAdmin reads one account, with its areas, for the administrators'
// page that changes it (policy.ManageStaff; not one's own). Audited.
func (db *DB) StaffForAdmin(ctx context.Context, actor policy.Actor, id int64) (org.Staff, error) {
	var out org.Staff
	err := db.View(ctx, func(tx *Tx) error {
		s, err := tx.staffForChange(actor, id)
		if err != nil {
			return err
		}
		tx.Audit("staff.view", "staff", s.ID, 0, "")
		out = s
		return nil
	})
	return out, err
}

// ChangeStaff changes an account's email address, name, job title, role and areas for
// actor (an administrator; not their own account). A change that would
// leave work with no one to do it is refused, saying what to do first:
// someone who is still a parent's practitioner in an open family stays a
// practitioner, and in those families' areas, until the parents are
// allocated to others; a team manager likewise for the open families they
// manage; and the only designated safeguarding lead with an active
// account stays one, so that concerns still reach a lead. One who stops
// being a DSL is taken off the public safeguarding page. Audited with what
// changed (never the old or new name or address); tell, which may be nil,
// is given the account's address (the old and the new, when it changes,
// so that a change the owner did not ask for reaches them) and a sentence
// for each change, in the transaction. It reports false, changing and telling nothing, when the
// change asks for what the account already has. A change made from a form
// opened before another change (c.Version is not the account's) is a
// Conflict, saving nothing.
func (db *DB) ChangeStaff(ctx context.Context, actor policy.Actor, id int64, c org.StaffChange, tell func(tx *Tx, emails []string, changes []string) error) (org.Staff, bool, error) {
	var out org.Staff
	changed := false
	err := db.Update(ctx, func(tx *Tx) error {
		s, err := tx.staffForChange(actor, id)
		if err != nil {
			return err
		}
		if err := c.Validate(); err != nil {
			return err
		}
		if c.Version != s.Version {
			return problem.New(problem.Conflict, staffChangedMeanwhile)
		}
		role, _ := policy.ParseRole(c.Role)
		var areas []org.Area
		for _, name := range c.Areas {
			a, err := tx.areaByName(name)
			if problem.CodeOf(err) == problem.NotFound {
				return &problem.Error{Code: problem.Invalid, Message: "Choose from the areas listed",
					Fields: []problem.Field{{Name: "areas", Message: "Choose from the areas listed"}}}
			}
			if err != nil {
				return err
			}
			areas = append(areas, a)
		}
		var added, removed []org.Area
		for _, a := range areas {
			if !slices.Contains(s.AreaIDs(), a.ID) {
				added = append(added, a)
			}
		}
		for _, a := range s.Areas {
			if !slices.ContainsFunc(areas, func(b org.Area) bool { return b.ID == a.ID }) {
				removed = append(removed, a)
			}
		}
		if err := tx.checkStaffChange(s, role, removed); err != nil {
			return err
		}
		var audit, told []string
		emails := []string{s.Email}
		if c.Email != s.Email {
			var other int
			if err := tx.queryRow(`SELECT COUNT(*) FROM staff WHERE email = $1 AND id <> $2`, c.Email, s.ID).Scan(&other); err != nil {
				return fmt.Errorf("checking the email address: %w", err)
			}
			if other > 0 {
				return &problem.Error{Code: problem.Conflict, Message: "There is already an account with that email address",
					Fields: []problem.Field{{Name: "email", Message: "There is already an account with that email address"}}}
			}
			audit, told = append(audit, "email"), append(told, "You now sign in with "+c.Email+" (it was "+s.Email+").")
			emails = append(emails, c.Email)
		}
		if c.Name != s.Name {
			audit, told = append(audit, "name"), append(told, "Your name in Cradle is now "+c.Name+".")
		}
		if c.JobTitle != s.JobTitle {
			audit = append(audit, "job title")
			if c.JobTitle == "" {
				told = append(told, "Your job title was removed.")
			} else {
				told = append(told, "Your job title is now "+c.JobTitle+".")
			}
		}
		if role != s.Role {
			audit, told = append(audit, "role "+string(s.Role)+" to "+string(role)), append(told, "Your role is now "+role.Label()+".")
		}
		if len(added)+len(removed) > 0 {
			audit = append(audit, "areas "+org.JoinAreaNames(s.Areas)+" to "+org.JoinAreaNames(areas))
			told = append(told, "You now work in "+org.JoinAreaNames(areas)+".")
		}
		if len(audit) == 0 {
			// Saved as it was: the attempt is still the administrator's to account for.
			tx.Audit("staff.change", "staff", s.ID, 0, "no change")
			out = s
			return nil
		}
		res, err := tx.exec(`UPDATE staff SET email = $1, name = $2, job_title = $3, role = $4,
			listed_publicly = CASE WHEN $4 = 'dsl' THEN listed_publicly ELSE FALSE END, version = version + 1, updated_at = $5 WHERE id = $6 AND version = $7`,
			c.Email, c.Name, c.JobTitle, string(role), tx.now, s.ID, s.Version)
		if isUniqueViolation(err) { // taken since the check, by a change beside this one
			return &problem.Error{Code: problem.Conflict, Message: "There is already an account with that email address",
				Fields: []problem.Field{{Name: "email", Message: "There is already an account with that email address"}}}
		}
		if err != nil {
			return fmt.Errorf("changing staff: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 { // changed between the read and this write
			return problem.New(problem.Conflict, staffChangedMeanwhile)
		}
		for _, a := range removed {
			if _, err := tx.exec(`DELETE FROM staff_teams WHERE staff_id = $1 AND team_id IN (SELECT id FROM teams WHERE area_id = $2)`, s.ID, a.ID); err != nil {
				return fmt.Errorf("taking staff out of %s: %w", a.Name, err)
			}
		}
		for _, a := range added {
			if _, err := tx.exec(`INSERT INTO staff_teams (staff_id, team_id) SELECT $1, id FROM teams WHERE area_id = $2 ORDER BY id LIMIT 1`, s.ID, a.ID); err != nil {
				return fmt.Errorf("adding staff to %s: %w", a.Name, err)
			}
		}
		tx.Audit("staff.change", "staff", s.ID, 0, strings.Join(audit, "; "))
		if out, err = tx.staffByID(s.ID); err != nil {
			return err
		}
		changed = true
		if tell != nil {
			return tell(tx, emails, told)
		}
		return nil
	})
	return out, changed, err
}

// staffChangedMeanwhile is the conflict when an account was changed after
// the form changing it was opened: saving it would undo that change unseen.
const staffChangedMeanwhile = "Someone else changed this account while you were editing it. Your changes have not been saved: check the account's details below and save again"

// checkStaffChange refuses a change of role, or an area taken away, that
// would leave open families' parents without a practitioner who can work
// with them, open families without a manager, or no lead to decide
// safeguarding concerns.
func (tx *Tx) checkStaffChange(s org.Staff, role policy.Role, removed []org.Area) error {
	var fs problem.Fields
	type work struct {
		// holds words n of what they hold: "the practitioner for 3
		// parents in open families", then " in Blackpool" for one area.
		holds func(n int) string
		query string
		kept  policy.Role
	}
	practitioner := func(n int) string {
		return "the practitioner for " + problem.Plural(n, "parent", "parents") + " in open families"
	}
	manager := func(n int) string { return "the team manager of " + problem.Plural(n, "open family", "open families") }
	for _, w := range []work{
		{practitioner, `SELECT f.area_id, COUNT(*) FROM allocations al JOIN families f ON f.id = al.family_id
			WHERE al.staff_id = $1 AND al.ended_at IS NULL AND f.stage <> 'closed' GROUP BY f.area_id`, policy.Practitioner},
		{manager, `SELECT area_id, COUNT(*) FROM families WHERE manager_id = $1 AND stage <> 'closed' GROUP BY area_id`, policy.TeamManager},
	} {
		byArea, err := tx.countsByArea(w.query, s.ID)
		if err != nil {
			return err
		}
		total := 0
		for _, n := range byArea {
			total += n
		}
		if total > 0 && role != w.kept {
			fs.Add("role", s.Name+" is "+w.holds(total)+": allocate them to someone else before changing the role")
			continue
		}
		for _, a := range removed {
			if n := byArea[a.ID]; n > 0 {
				fs.Add("areas", s.Name+" is "+w.holds(n)+" in "+a.Name+": allocate them to someone else before taking "+a.Name+" away")
			}
		}
	}
	if s.Role == policy.DSL && role != policy.DSL && !s.Disabled {
		var others int
		if err := tx.queryRow(`SELECT COUNT(*) FROM staff WHERE role = 'dsl' AND NOT disabled AND id <> $1`, s.ID).Scan(&others); err != nil {
			return fmt.Errorf("counting designated safeguarding leads: %w", err)
		}
		if others == 0 {
			fs.Add("role", s.Name+" is the only designated safeguarding lead with an active account: make someone else a lead first, so that concerns still reach one")
		}
	}
	if len(fs) > 0 {
		return &problem.Error{Code: problem.Conflict, Message: "The account was not changed", Fields: fs}
	}
	return nil
}

// countsByArea runs a query of (area id, count) rows for one member of staff.
func (tx *Tx) countsByArea(query string, staffID int64) (map[int64]int, error) {
	rows, err := tx.query(query, staffID)
	if err != nil {
		return nil, fmt.Errorf("counting open work: %w", err)
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var area int64
		var n int
		if err := rows.Scan(&area, &n); err != nil {
			return nil, err
		}
		out[area] = n
	}
	return out, rows.Err()
}
