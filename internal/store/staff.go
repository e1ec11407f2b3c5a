package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/cradle-org/cradle/internal/org"
	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/problem"
)

// CreateArea adds a funded area with one team of the same name, and returns
// the area. An area that exists already is returned unchanged.
func (tx *Tx) CreateArea(name, localAuthority string, remote bool) (org.Area, error) {
	if a, err := tx.areaByName(name); err == nil {
		return a, nil
	} else if problem.CodeOf(err) != problem.NotFound {
		return org.Area{}, err
	}
	id, err := tx.insertID(`INSERT INTO areas (name, local_authority, remote, active, created_at) VALUES ($1, $2, $3, TRUE, $4)`,
		name, localAuthority, remote, tx.now)
	if err != nil {
		return org.Area{}, fmt.Errorf("creating area %s: %w", name, err)
	}
	if _, err := tx.insertID(`INSERT INTO teams (area_id, name, created_at) VALUES ($1, $2, $3)`, id, name+" team", tx.now); err != nil {
		return org.Area{}, fmt.Errorf("creating team for %s: %w", name, err)
	}
	tx.Audit("area.create", "area", id, 0, name)
	return org.Area{ID: id, Name: name, LocalAuthority: localAuthority, Remote: remote, Active: true}, nil
}

func (tx *Tx) areaByName(name string) (org.Area, error) {
	var a org.Area
	err := tx.queryRow(`SELECT id, name, local_authority, remote, active FROM areas WHERE LOWER(name) = LOWER($1)`, strings.TrimSpace(name)).
		Scan(&a.ID, &a.Name, &a.LocalAuthority, &a.Remote, &a.Active)
	if errors.Is(err, sql.ErrNoRows) {
		return a, problem.New(problem.NotFound, "There is no area called %q", name)
	}
	if err != nil {
		return a, fmt.Errorf("finding area: %w", err)
	}
	return a, nil
}

// Areas lists every area by name.
func (db *DB) Areas(ctx context.Context) ([]org.Area, error) {
	rows, err := db.query(ctx, `SELECT id, name, local_authority, remote, active FROM areas ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("listing areas: %w", err)
	}
	defer rows.Close()
	var out []org.Area
	for rows.Next() {
		var a org.Area
		if err := rows.Scan(&a.ID, &a.Name, &a.LocalAuthority, &a.Remote, &a.Active); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// StaffSecrets are what a new account's holder needs once: shown, never stored in clear.
type StaffSecrets struct {
	PasswordHash string
	TOTPSecret   string
	MustChange   bool
}

// CreateStaff adds an account in the named area's first team, checked by
// org.NewStaff.Validate.
func (tx *Tx) CreateStaff(n org.NewStaff, s StaffSecrets) (org.Staff, error) {
	if err := n.Validate(); err != nil {
		return org.Staff{}, err
	}
	role, _ := policy.ParseRole(n.Role)
	area, err := tx.areaByName(n.AreaName)
	if err != nil {
		return org.Staff{}, err
	}
	var teamID int64
	if err := tx.queryRow(`SELECT id FROM teams WHERE area_id = $1 ORDER BY id LIMIT 1`, area.ID).Scan(&teamID); err != nil {
		return org.Staff{}, fmt.Errorf("finding team in %s: %w", area.Name, err)
	}
	id, err := tx.newID("staff")
	if err != nil {
		return org.Staff{}, err
	}
	sealedTOTP, err := tx.db.seal(rowContext("staff.totp_secret", id), s.TOTPSecret)
	if err != nil {
		return org.Staff{}, err
	}
	sealedHash, err := tx.db.sealPasswordHash(id, s.PasswordHash)
	if err != nil {
		return org.Staff{}, err
	}
	_, err = tx.exec(`INSERT INTO staff (id, email, name, role, job_title, password_hash_sealed, must_change_password, totp_secret_sealed, created_at, updated_at, password_set_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $9)`,
		id, n.Email, n.Name, string(role), n.JobTitle, sealedHash, s.MustChange, sealedTOTP, tx.now)
	if isUniqueViolation(err) {
		return org.Staff{}, &problem.Error{Code: problem.Conflict, Message: "There is already an account with that email address",
			Fields: []problem.Field{{Name: "email", Message: "There is already an account with that email address"}}}
	}
	if err != nil {
		return org.Staff{}, fmt.Errorf("creating staff: %w", err)
	}
	if _, err := tx.exec(`INSERT INTO staff_teams (staff_id, team_id) VALUES ($1, $2)`, id, teamID); err != nil {
		return org.Staff{}, fmt.Errorf("adding staff to team: %w", err)
	}
	tx.Audit("staff.create", "staff", id, 0, "role="+string(role)+" area="+area.Name)
	return tx.staffByID(id)
}

// AddStaffToArea puts a staff member in another area's team.
func (tx *Tx) AddStaffToArea(staffID int64, areaName string) error {
	area, err := tx.areaByName(areaName)
	if err != nil {
		return err
	}
	_, err = tx.exec(`INSERT INTO staff_teams (staff_id, team_id) SELECT $1, id FROM teams WHERE area_id = $2 ORDER BY id LIMIT 1`, staffID, area.ID)
	if err != nil && !isUniqueViolation(err) {
		return fmt.Errorf("adding staff to %s: %w", area.Name, err)
	}
	tx.Audit("staff.area.add", "staff", staffID, 0, "area="+area.Name)
	return nil
}

const staffColumns = `id, email, name, role, job_title, password_hash_sealed, must_change_password, totp_secret_sealed, totp_last_step, disabled, listed_publicly, created_at, password_set_at, version`

type rowQuerier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func (db *DB) scanStaff(ctx context.Context, q rowQuerier, where string, arg any) (org.Staff, error) {
	var s org.Staff
	var role, sealed, sealedHash string
	var setAt sql.NullTime
	err := q.QueryRowContext(ctx, db.rebind(`SELECT `+staffColumns+` FROM staff WHERE `+where), arg).
		Scan(&s.ID, &s.Email, &s.Name, &role, &s.JobTitle, &sealedHash, &s.MustChangePassword, &sealed, &s.TOTPLastStep, &s.Disabled, &s.ListedPublicly, &s.CreatedAt, &setAt, &s.Version)
	if errors.Is(err, sql.ErrNoRows) {
		return s, problem.New(problem.NotFound, "No such member of staff")
	}
	if err != nil {
		return s, fmt.Errorf("reading staff: %w", err)
	}
	s.Role = policy.Role(role) // an unknown role stays unknown, and the policy denies it
	s.PasswordSetAt = timeOf(setAt)
	if s.TOTPSecret, err = db.open(rowContext("staff.totp_secret", s.ID), sealed); err != nil {
		return s, err
	}
	if s.PasswordHash, err = db.open(rowContext("staff.password_hash", s.ID), sealedHash); err != nil {
		return s, err
	}
	rows, err := q.QueryContext(ctx, db.rebind(`SELECT t.id, t.name, a.id, a.name, a.local_authority, a.remote, a.active
		FROM staff_teams st JOIN teams t ON t.id = st.team_id JOIN areas a ON a.id = t.area_id
		WHERE st.staff_id = $1 ORDER BY a.name, t.name`), s.ID)
	if err != nil {
		return s, fmt.Errorf("reading staff teams: %w", err)
	}
	defer rows.Close()
	seen := map[int64]bool{}
	for rows.Next() {
		var t org.Team
		var a org.Area
		if err := rows.Scan(&t.ID, &t.Name, &a.ID, &a.Name, &a.LocalAuthority, &a.Remote, &a.Active); err != nil {
			return s, err
		}
		t.AreaID = a.ID
		s.Teams = append(s.Teams, t)
		if !seen[a.ID] {
			seen[a.ID] = true
			s.Areas = append(s.Areas, a)
		}
	}
	return s, rows.Err()
}

// StaffByEmail finds an account by email (any case).
func (db *DB) StaffByEmail(ctx context.Context, email string) (org.Staff, error) {
	return db.scanStaff(ctx, db.q(), `email = $1`, org.NormaliseEmail(email))
}

// StaffByID finds an account by id.
func (db *DB) StaffByID(ctx context.Context, id int64) (org.Staff, error) {
	return db.scanStaff(ctx, db.q(), `id = $1`, id)
}

func (tx *Tx) staffByID(id int64) (org.Staff, error) {
	return tx.db.scanStaff(tx.ctx, tx.q(), `id = $1`, id)
}

// StaffByEmail finds an account inside the transaction.
func (tx *Tx) StaffByEmail(email string) (org.Staff, error) {
	return tx.db.scanStaff(tx.ctx, tx.q(), `email = $1`, org.NormaliseEmail(email))
}

// ListStaff lists every account by name (without teams).
func (db *DB) ListStaff(ctx context.Context) ([]org.Staff, error) {
	rows, err := db.query(ctx, `SELECT id, email, name, role, job_title, disabled FROM staff ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("listing staff: %w", err)
	}
	defer rows.Close()
	var out []org.Staff
	for rows.Next() {
		var s org.Staff
		var role string
		if err := rows.Scan(&s.ID, &s.Email, &s.Name, &role, &s.JobTitle, &s.Disabled); err != nil {
			return nil, err
		}
		s.Role = policy.Role(role)
		out = append(out, s)
	}
	return out, rows.Err()
}

// DisableStaff stops an account signing in and ends its sessions.
func (tx *Tx) DisableStaff(email string) (org.Staff, error) {
	s, err := tx.StaffByEmail(email)
	if err != nil {
		return s, err
	}
	if _, err := tx.exec(`UPDATE staff SET disabled = TRUE, updated_at = $1 WHERE id = $2`, tx.now, s.ID); err != nil {
		return s, fmt.Errorf("disabling staff: %w", err)
	}
	if _, err := tx.exec(`DELETE FROM login_sessions WHERE staff_id = $1`, s.ID); err != nil {
		return s, fmt.Errorf("ending sessions: %w", err)
	}
	tx.Audit("staff.disable", "staff", s.ID, 0, "")
	s.Disabled = true
	return s, nil
}

// EnableStaff lets a disabled account sign in again (the command line's
// counterpart of the staff page's "Enable", for when no administrator can).
func (tx *Tx) EnableStaff(email string) (org.Staff, error) {
	s, err := tx.StaffByEmail(email)
	if err != nil {
		return s, err
	}
	if _, err := tx.exec(`UPDATE staff SET disabled = FALSE, updated_at = $1 WHERE id = $2`, tx.now, s.ID); err != nil {
		return s, fmt.Errorf("enabling staff: %w", err)
	}
	tx.Audit("staff.enable", "staff", s.ID, 0, "")
	s.Disabled = false
	return s, nil
}

// SetPassword replaces a password hash; must is whether it must be changed at next sign-in.
func (tx *Tx) SetPassword(staffID int64, hash string, must bool) error {
	sealed, err := tx.db.sealPasswordHash(staffID, hash)
	if err != nil {
		return err
	}
	if _, err := tx.exec(`UPDATE staff SET password_hash_sealed = $1, must_change_password = $2, updated_at = $3, password_set_at = $3 WHERE id = $4`, sealed, must, tx.now, staffID); err != nil {
		return fmt.Errorf("setting password: %w", err)
	}
	tx.Audit("staff.password.set", "staff", staffID, 0, "")
	return nil
}

// RehashPassword stores a correct password's hash made again with the
// server's current costs, at sign-in, the one time the password is in
// hand. It is not a new password: when it was set stays as it was. If the
// password changed since it was read, the newer one stands.
func (tx *Tx) RehashPassword(staffID int64, old, hash string) error {
	// Each sealing differs (a new nonce), so the stored value is compared
	// opened, and the update then names the sealed value it replaces.
	var was string
	if err := tx.queryRow(`SELECT password_hash_sealed FROM staff WHERE id = $1`, staffID).Scan(&was); err != nil {
		return fmt.Errorf("reading a password hash: %w", err)
	}
	if now, err := tx.db.open(rowContext("staff.password_hash", staffID), was); err != nil || now != old {
		return err // changed since it was read (nil), or damaged
	}
	sealed, err := tx.db.sealPasswordHash(staffID, hash)
	if err != nil {
		return err
	}
	res, err := tx.exec(`UPDATE staff SET password_hash_sealed = $1 WHERE id = $2 AND password_hash_sealed = $3`, sealed, staffID, was)
	if err != nil {
		return fmt.Errorf("rehashing a password: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		tx.Audit("staff.password.rehash", "staff", staffID, 0, "stored again with the current hashing costs")
	}
	return nil
}

// sealPasswordHash seals a password hash bound to its account's row. A
// hash is not secret the way an address is, but sealed it cannot be
// attacked offline by anyone who has the database without the keys.
func (db *DB) sealPasswordHash(staffID int64, hash string) (string, error) {
	if hash == "" {
		return "", errors.New("sealing a password hash: no hash")
	}
	return db.seal(rowContext("staff.password_hash", staffID), hash)
}

// UseTOTPStep records the last accepted TOTP time step, so a code cannot be
// replayed, and that the account signed in now (for the staff list's review
// of unused accounts). It fails if a later step was already used (a concurrent sign-in).
func (tx *Tx) UseTOTPStep(staffID, step int64) error {
	res, err := tx.exec(`UPDATE staff SET totp_last_step = $1, last_signed_in_at = $3 WHERE id = $2 AND totp_last_step < $1`, step, staffID, tx.now)
	if err != nil {
		return fmt.Errorf("recording TOTP step: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return problem.New(problem.Invalid, "That security code has already been used. Wait for a new code and enter it")
	}
	return nil
}
