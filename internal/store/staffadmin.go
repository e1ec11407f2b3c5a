package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/cradle-org/cradle/internal/org"
	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/problem"
)

// StaffWithAreas lists every account by name with the areas it works in,
// for the administrators' staff page (policy.ManageStaff). Audited.
func (db *DB) StaffWithAreas(ctx context.Context, actor policy.Actor) ([]org.Staff, error) {
	var out []org.Staff
	err := db.View(ctx, func(tx *Tx) error {
		if d := policy.Decide(actor, policy.ManageStaff, policy.Target{}, tx.now); !d.Allowed {
			return problem.New(problem.Forbidden, "%s", d.Reason)
		}
		tx.Audit("staff.list", "", 0, 0, "")
		rows, err := tx.query(`SELECT s.id, s.email, s.name, s.role, s.job_title, s.disabled, COALESCE(a.id, 0), COALESCE(a.name, '')
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
			if err := rows.Scan(&s.ID, &s.Email, &s.Name, &role, &s.JobTitle, &s.Disabled, &area.ID, &area.Name); err != nil {
				return err
			}
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
