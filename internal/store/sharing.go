package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/cradle-org/cradle/internal/family"
	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/sharing"
)

// AddProfessional adds someone to a family's team around the baby, finding
// or creating their organisation in the shared directory.
func (db *DB) AddProfessional(ctx context.Context, actor policy.Actor, familyID int64, p sharing.Professional) error {
	return db.Update(ctx, func(tx *Tx) error {
		f, err := tx.familyForChange(actor, familyID, policy.EditFamily)
		if err != nil {
			return err
		}
		if err := p.Validate(); err != nil {
			return err
		}
		var orgID int64
		err = tx.queryRow(`SELECT id FROM organisations WHERE name = $1 AND kind = $2`, p.Organisation, p.OrganisationKind).Scan(&orgID)
		if errors.Is(err, sql.ErrNoRows) {
			orgID, err = tx.insertID(`INSERT INTO organisations (name, kind, area_id, created_at) VALUES ($1, $2, $3, $4)`, p.Organisation, p.OrganisationKind, f.AreaID, tx.now)
		}
		if err != nil {
			return fmt.Errorf("finding organisation: %w", err)
		}
		pid, err := tx.newID("professionals")
		if err != nil {
			return err
		}
		phone, err := tx.db.seal(rowContext("professionals.phone", pid), p.Phone)
		if err != nil {
			return err
		}
		email, err := tx.db.seal(rowContext("professionals.email", pid), p.Email)
		if err != nil {
			return err
		}
		if _, err := tx.exec(`INSERT INTO professionals (id, organisation_id, name, role, phone_sealed, email_sealed, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			pid, orgID, p.Name, p.Role, phone, email, tx.now); err != nil {
			return fmt.Errorf("saving professional: %w", err)
		}
		if _, err := tx.exec(`INSERT INTO family_professionals (family_id, professional_id, since) VALUES ($1, $2, $3)`, f.ID, pid, tx.now); err != nil {
			return fmt.Errorf("adding to the team: %w", err)
		}
		tx.Audit("professional.add", "professional", pid, f.ID, "")
		return nil
	})
}

// familyProfessionals lists a family's team around the baby.
func (db *DB) familyProfessionals(ctx context.Context, q rowQuerier, familyID int64) ([]sharing.Professional, error) {
	rows, err := q.QueryContext(ctx, `SELECT p.id, p.name, p.role, o.name, o.kind, p.phone_sealed, p.email_sealed
		FROM family_professionals fp JOIN professionals p ON p.id = fp.professional_id LEFT JOIN organisations o ON o.id = p.organisation_id
		WHERE fp.family_id = $1 ORDER BY o.kind, p.name`, familyID)
	if err != nil {
		return nil, fmt.Errorf("listing the team around the baby: %w", err)
	}
	defer rows.Close()
	var out []sharing.Professional
	for rows.Next() {
		var p sharing.Professional
		var phone, email string
		if err := rows.Scan(&p.ID, &p.Name, &p.Role, &p.Organisation, &p.OrganisationKind, &phone, &email); err != nil {
			return nil, err
		}
		if p.Phone, err = db.open(rowContext("professionals.phone", p.ID), phone); err != nil {
			return nil, err
		}
		if p.Email, err = db.open(rowContext("professionals.email", p.ID), email); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// personTargetIn finds a co-parent of the family for the policy.
func personTargetIn(f family.Family, personID int64, overrides []policy.Override) (policy.Target, bool) {
	for _, p := range f.People {
		if p.ID == personID {
			return f.PersonTarget(p, overrides), true
		}
	}
	return policy.Target{}, false
}

// RecordShare logs a disclosure of information to another agency. What was
// shared about a parent follows that parent's confidentiality when read.
func (db *DB) RecordShare(ctx context.Context, actor policy.Actor, familyID int64, s sharing.Share) error {
	return db.Update(ctx, func(tx *Tx) error {
		f, err := tx.familyForChange(actor, familyID, policy.EditFamily)
		if err != nil {
			return err
		}
		if s.PersonID != 0 {
			if _, ok := personTargetIn(f, s.PersonID, f.Overrides); !ok {
				return problem.New(problem.Invalid, "That person is not in this family")
			}
		}
		if err := s.Validate(tx.now); err != nil {
			return err
		}
		return tx.insertShare(f.ID, actor.StaffID, s)
	})
}

func (tx *Tx) insertShare(familyID, staffID int64, s sharing.Share) error {
	id, err := tx.newID("information_sharing")
	if err != nil {
		return err
	}
	what, err := tx.db.seal(rowContext("information_sharing.what", id), s.What)
	if err != nil {
		return err
	}
	why, err := tx.db.seal(rowContext("information_sharing.why", id), s.Why)
	if err != nil {
		return err
	}
	reason, err := tx.db.seal(rowContext("information_sharing.consent_reason", id), s.ConsentReason)
	if err != nil {
		return err
	}
	if _, err := tx.exec(`INSERT INTO information_sharing (id, family_id, person_id, shared_at, recipient, method, lawful_basis, consent, consent_reason, consent_reason_sealed, what_sealed, why_sealed, created_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, '', $9, $10, $11, $12)`, id, familyID, nullID(s.PersonID), s.SharedOn.UTC(), s.Recipient, s.Method, s.LawfulBasis, s.Consent,
		reason, what, why, staffID); err != nil {
		return fmt.Errorf("logging the share: %w", err)
	}
	tx.Audit("share.record", "share", id, familyID, s.Method)
	return nil
}

// FamilyShares lists the family's sharing log, newest first. What and why
// about a parent are withheld from readers who may not see that parent's
// confidential details. f must be the family as ReadFamily read it for
// actor: its Overrides are the actor's (a family read otherwise has none,
// and withholds more, never less).
func (db *DB) FamilyShares(ctx context.Context, actor policy.Actor, f family.Family) ([]sharing.Share, error) {
	return db.familyShares(ctx, db.q(), actor, f, db.Now())
}

func (db *DB) familyShares(ctx context.Context, q rowQuerier, actor policy.Actor, f family.Family, now time.Time) ([]sharing.Share, error) {
	// What was shared about a parent follows the parent's confidentiality,
	// with the reader's break-glass grants as ReadFamily found them.
	rows, err := q.QueryContext(ctx, `SELECT i.id, COALESCE(i.person_id, 0), i.shared_at, i.recipient, i.method, i.lawful_basis, i.consent, i.consent_reason_sealed,
		i.what_sealed, i.why_sealed, COALESCE(s.name, '') FROM information_sharing i LEFT JOIN staff s ON s.id = i.created_by
		WHERE i.family_id = $1 ORDER BY i.shared_at DESC, i.id DESC`, f.ID)
	if err != nil {
		return nil, fmt.Errorf("reading the sharing log: %w", err)
	}
	defer rows.Close()
	var out []sharing.Share
	for rows.Next() {
		var s sharing.Share
		var what, why, reason string
		if err := rows.Scan(&s.ID, &s.PersonID, &s.SharedOn, &s.Recipient, &s.Method, &s.LawfulBasis, &s.Consent, &reason, &what, &why, &s.By); err != nil {
			return nil, err
		}
		if t, ok := personTargetIn(f, s.PersonID, f.Overrides); ok && !policy.Can(actor, policy.ViewConfidential, t, now) {
			s.Withheld = true
		} else {
			if s.ConsentReason, err = db.open(rowContext("information_sharing.consent_reason", s.ID), reason); err != nil {
				return nil, err
			}
			if s.What, err = db.open(rowContext("information_sharing.what", s.ID), what); err != nil {
				return nil, err
			}
			if s.Why, err = db.open(rowContext("information_sharing.why", s.ID), why); err != nil {
				return nil, err
			}
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// RecordConsent records what a parent agreed to share.
func (db *DB) RecordConsent(ctx context.Context, actor policy.Actor, personID int64, c sharing.Consent) error {
	return db.Update(ctx, func(tx *Tx) error {
		f, p, err := tx.personForEdit(actor, personID)
		if err != nil {
			return err
		}
		if err := c.Validate(tx.now); err != nil {
			return err
		}
		id, err := tx.newID("consents")
		if err != nil {
			return err
		}
		scope, err := tx.db.seal(rowContext("consents.scope", id), c.Scope)
		if err != nil {
			return err
		}
		if _, err := tx.exec(`INSERT INTO consents (id, person_id, scope, scope_sealed, given_on, created_by, created_at) VALUES ($1, $2, '', $3, $4, $5, $6)`,
			id, p.ID, scope, c.GivenOn.UTC(), actor.StaffID, tx.now); err != nil {
			return fmt.Errorf("saving consent: %w", err)
		}
		tx.Audit("consent.record", "consent", id, f.ID, "")
		return nil
	})
}

// WithdrawConsent records that a parent withdrew a consent.
func (db *DB) WithdrawConsent(ctx context.Context, actor policy.Actor, personID, consentID int64) error {
	return db.Update(ctx, func(tx *Tx) error {
		f, p, err := tx.personForEdit(actor, personID)
		if err != nil {
			return err
		}
		res, err := tx.exec(`UPDATE consents SET withdrawn_on = $1 WHERE id = $2 AND person_id = $3 AND withdrawn_on IS NULL`, tx.now, consentID, p.ID)
		if err != nil {
			return fmt.Errorf("withdrawing consent: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return problem.New(problem.NotFound, "There is no such consent to withdraw")
		}
		tx.Audit("consent.withdraw", "consent", consentID, f.ID, "")
		return nil
	})
}

// consents lists the consent records of the people named (co-parents of f)
// and, with removed, apart from them those removed as entered in error; the
// scope, and why one was removed, follow each parent's confidentiality.
func (db *DB) consents(ctx context.Context, q rowQuerier, actor policy.Actor, f family.Family, ids []int64, now time.Time, removed bool) ([]sharing.Consent, []RemovedEntry, error) {
	if len(ids) == 0 {
		return nil, nil, nil
	}
	in, args := db.inList(ids)
	only := ""
	if !removed {
		only = ` AND c.removed_at IS NULL`
	}
	rows, err := q.QueryContext(ctx, `SELECT c.id, c.person_id, c.scope_sealed, c.given_on, c.withdrawn_on, c.removed_at, c.removed_reason_sealed, rb.name
		FROM consents c LEFT JOIN staff rb ON rb.id = c.removed_by WHERE c.person_id IN (`+in+`)`+only+` ORDER BY c.given_on DESC, c.id DESC`, args...)
	if err != nil {
		return nil, nil, fmt.Errorf("reading consents: %w", err)
	}
	defer rows.Close()
	var out []sharing.Consent
	var gone []RemovedEntry
	for rows.Next() {
		var c sharing.Consent
		var withdrawn, removedAt anyTime
		var scope, removedWhy string
		var removedBy sql.NullString
		if err := rows.Scan(&c.ID, &c.PersonID, &scope, &c.GivenOn, &withdrawn, &removedAt, &removedWhy, &removedBy); err != nil {
			return nil, nil, err
		}
		t, ok := personTargetIn(f, c.PersonID, nil)
		open := !ok || policy.Can(actor, policy.ViewConfidential, t, now)
		if !removedAt.T.IsZero() {
			e, err := db.removedEntry("consent", "consents", c.ID, c.GivenOn, removedAt.T, removedBy.String, removedWhy, open)
			if err != nil {
				return nil, nil, err
			}
			gone = append(gone, e)
			continue
		}
		c.WithdrawnOn = withdrawn.T
		if !open {
			c.Withheld = true
		} else if c.Scope, err = db.open(rowContext("consents.scope", c.ID), scope); err != nil {
			return nil, nil, err
		}
		out = append(out, c)
	}
	return out, gone, rows.Err()
}
