package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/cradle-org/cradle/internal/org"
	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/problem"
)

// StaffWithAreas lists every account by name with the areas it works in
// and when it last signed in, for the administrators' staff page
// (policy.ManageStaff). Audited.
func (db *DB) StaffWithAreas(ctx context.Context, actor policy.Actor) ([]org.Staff, error) {
	var out []org.Staff
	err := db.View(ctx, func(tx *Tx) error {
		if d := policy.Decide(actor, policy.ManageStaff, policy.Target{}, tx.now); !d.Allowed {
			return problem.New(problem.Forbidden, "%s", d.Reason)
		}
		tx.Audit("staff.list", "", 0, 0, "")
		rows, err := tx.query(`SELECT s.id, s.email, s.name, s.role, s.job_title, s.disabled, s.created_at, s.last_signed_in_at, COALESCE(a.id, 0), COALESCE(a.name, '')
			FROM staff s LEFT JOIN staff_teams st ON st.staff_id = s.id LEFT JOIN teams t ON t.id = st.team_id LEFT JOIN areas a ON a.id = t.area_id
			ORDER BY s.name, s.id, a.name`)
		if err != nil {
			return fmt.Errorf("listing staff: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var s org.Staff
			var role string
			var area org.Area
			var last sql.NullTime
			if err := rows.Scan(&s.ID, &s.Email, &s.Name, &role, &s.JobTitle, &s.Disabled, &s.CreatedAt, &last, &area.ID, &area.Name); err != nil {
				return err
			}
			s.LastSignedInAt = timeOf(last)
			if n := len(out); n == 0 || out[n-1].ID != s.ID {
				s.Role = policy.Role(role)
				out = append(out, s)
			}
			if area.ID != 0 {
				last := &out[len(out)-1]
				last.Areas = append(last.Areas, area)
			}
		}
		return rows.Err()
	})
	return out, err
}

// AddStaff creates an account for actor (an administrator) in the named
// area, which must exist, with the secrets its holder is given once.
func (db *DB) AddStaff(ctx context.Context, actor policy.Actor, n org.NewStaff, s StaffSecrets) (org.Staff, error) {
	var out org.Staff
	err := db.Update(ctx, func(tx *Tx) error {
		if d := policy.Decide(actor, policy.ManageStaff, policy.Target{}, tx.now); !d.Allowed {
			return problem.New(problem.Forbidden, "%s", d.Reason)
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
		return org.Staff{}, problem.New(problem.Forbidden, "%s", d.Reason)
	}
	s, err := tx.staffByID(id)
	if errors.Is(err, sql.ErrNoRows) || problem.CodeOf(err) == problem.NotFound {
		return s, problem.New(problem.NotFound, "There is no such account")
	}
	if err != nil {
		return s, err
	}
	if s.ID == actor.StaffID {
		return s, problem.New(problem.Conflict, "You cannot change your own account here: ask another administrator")
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
// change asks for what the account already has.
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
			audit = append(audit, "areas "+areaNames(s.Areas)+" to "+areaNames(areas))
			told = append(told, "You now work in "+areaNames(areas)+".")
		}
		if len(audit) == 0 {
			// Saved as it was: the attempt is still the administrator's to account for.
			tx.Audit("staff.change", "staff", s.ID, 0, "no change")
			out = s
			return nil
		}
		_, err = tx.exec(`UPDATE staff SET email = $1, name = $2, job_title = $3, role = $4,
			listed_publicly = CASE WHEN $4 = 'dsl' THEN listed_publicly ELSE FALSE END, updated_at = $5 WHERE id = $6`,
			c.Email, c.Name, c.JobTitle, string(role), tx.now, s.ID)
		if isUniqueViolation(err) { // taken since the check, by a change beside this one
			return &problem.Error{Code: problem.Conflict, Message: "There is already an account with that email address",
				Fields: []problem.Field{{Name: "email", Message: "There is already an account with that email address"}}}
		}
		if err != nil {
			return fmt.Errorf("changing staff: %w", err)
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

// checkStaffChange refuses a change of role, or an area taken away, that
// would leave open families' parents without a practitioner who can work
// with them, open families without a manager, or no lead to decide
// safeguarding concerns.
func (tx *Tx) checkStaffChange(s org.Staff, role policy.Role, removed []org.Area) error {
	var fs problem.Fields
	type work struct {
		what  string // "parents" or "families"
		query string
		kept  policy.Role
	}
	for _, w := range []work{
		{"parents", `SELECT f.area_id, COUNT(*) FROM allocations al JOIN families f ON f.id = al.family_id
			WHERE al.staff_id = $1 AND al.ended_at IS NULL AND f.stage <> 'closed' GROUP BY f.area_id`, policy.Practitioner},
		{"families", `SELECT area_id, COUNT(*) FROM families WHERE manager_id = $1 AND stage <> 'closed' GROUP BY area_id`, policy.TeamManager},
	} {
		byArea, err := tx.countsByArea(w.query, s.ID)
		if err != nil {
			return err
		}
		total := 0
		for _, n := range byArea {
			total += n
		}
		as := "the practitioner for " + plural(total, "parent", "parents") + " in open families"
		if w.kept == policy.TeamManager {
			as = "the team manager of " + plural(total, "open family", "open families")
		}
		if total > 0 && role != w.kept {
			fs.Add("role", s.Name+" is "+as+": allocate them to someone else before changing the role")
			continue
		}
		for _, a := range removed {
			if n := byArea[a.ID]; n > 0 {
				in := "the practitioner for " + plural(n, "parent", "parents") + " in open families in " + a.Name
				if w.kept == policy.TeamManager {
					in = "the team manager of " + plural(n, "open family", "open families") + " in " + a.Name
				}
				fs.Add("areas", s.Name+" is "+in+": allocate them to someone else before taking "+a.Name+" away")
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

func areaNames(areas []org.Area) string {
	s := org.Staff{Areas: areas}
	return s.AreaNames()
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
