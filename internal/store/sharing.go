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
		if err := tx.keepConfidentialOut(actor, f, everyone, professionalFields(p)...); err != nil {
			return err
		}
		p.Since, p.LeftOn = tx.now, time.Time{}
		pid, err := tx.insertProfessional(f.ID, f.AreaID, p)
		if err != nil {
			return err
		}
		tx.Audit("professional.add", "professional", pid, f.ID, "")
		return nil
	})
}

// professionalFields are p's details as their form's fields, for
// keepConfidentialOut: everyone working with the family reads them (the
// family page's team, the referrals and letters made from it), so a
// parent's address or number typed in there would reach the other
// parent's practitioner. Their organisation goes in the shared directory
// besides.
func professionalFields(p sharing.Professional) []textField {
	return []textField{{"name", p.Name}, {"role", p.Role}, {"organisation", p.Organisation}, {"phone", p.Phone}, {"email", p.Email}}
}

// insertProfessional adds p to family familyID's team around the baby
// (the family in area areaID) from p.Since, and until p.LeftOn if that is
// set, finding or adding their organisation.
func (tx *Tx) insertProfessional(familyID, areaID int64, p sharing.Professional) (int64, error) {
	orgID, err := tx.organisationFor(p, areaID)
	if err != nil {
		return 0, err
	}
	pid, err := tx.newID("professionals")
	if err != nil {
		return 0, err
	}
	phone, email, err := tx.sealProfessional(pid, p)
	if err != nil {
		return 0, err
	}
	if _, err := tx.exec(`INSERT INTO professionals (id, organisation_id, name, role, phone_sealed, email_sealed, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		pid, orgID, p.Name, p.Role, phone, email, p.Since.UTC()); err != nil {
		return 0, fmt.Errorf("saving professional: %w", err)
	}
	var left any
	if !p.LeftOn.IsZero() {
		left = p.LeftOn.UTC()
	}
	if _, err := tx.exec(`INSERT INTO family_professionals (family_id, professional_id, since, left_on) VALUES ($1, $2, $3, $4)`,
		familyID, pid, p.Since.UTC(), left); err != nil {
		return 0, fmt.Errorf("adding to the team: %w", err)
	}
	return pid, nil
}

// notInTeam is the problem when a professional is not (or no longer) in
// the family's team: the page has no form for one it does not list.
const notInTeam = "That professional is not in this family's team around the baby"

// ProfessionalChangedMeanwhile is the conflict when a team member's details
// were changed after the form changing them was opened.
const ProfessionalChangedMeanwhile = "Someone else changed these details while you were editing. Your changes have not been saved: the team's table shows what is saved now; check your changes and save again"

// UpdateProfessional changes the details of someone in a family's team
// around the baby: a new phone number, a change of role or agency. Their
// entry is the family's own (each is added to one family), so the change
// is this family's alone. p.Version is the version the form was opened at:
// a change saved since makes this one a Conflict, saving nothing.
func (db *DB) UpdateProfessional(ctx context.Context, actor policy.Actor, familyID, professionalID int64, p sharing.Professional) error {
	return db.Update(ctx, func(tx *Tx) error {
		f, err := tx.familyForChange(actor, familyID, policy.EditFamily)
		if err != nil {
			return err
		}
		if _, err := tx.teamMember(f.ID, professionalID); err != nil {
			return err
		}
		if err := p.Validate(); err != nil {
			return err
		}
		if err := tx.keepConfidentialOut(actor, f, everyone, professionalFields(p)...); err != nil {
			return err
		}
		orgID, err := tx.organisationFor(p, f.AreaID)
		if err != nil {
			return err
		}
		phone, email, err := tx.sealProfessional(professionalID, p)
		if err != nil {
			return err
		}
		res, err := tx.exec(`UPDATE professionals SET organisation_id = $1, name = $2, role = $3, phone_sealed = $4, email_sealed = $5, version = version + 1
			WHERE id = $6 AND version = $7`, orgID, p.Name, p.Role, phone, email, professionalID, p.Version)
		if err != nil {
			return fmt.Errorf("changing a professional's details: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return problem.New(problem.Conflict, ProfessionalChangedMeanwhile)
		}
		tx.Audit("professional.update", "professional", professionalID, f.ID, "")
		return nil
	})
}

// ProfessionalLeft records that someone left a family's team around the
// baby on leftOn. They stay on the family's record, listed as a former
// member; the team's list, and the letters and reports that name it, no
// longer include them.
func (db *DB) ProfessionalLeft(ctx context.Context, actor policy.Actor, familyID, professionalID int64, leftOn time.Time) error {
	return db.Update(ctx, func(tx *Tx) error {
		f, err := tx.familyForChange(actor, familyID, policy.EditFamily)
		if err != nil {
			return err
		}
		since, err := tx.teamMember(f.ID, professionalID)
		if err != nil {
			return err
		}
		if err := sharing.CheckLeft(leftOn, since, tx.now); err != nil {
			return err
		}
		res, err := tx.exec(`UPDATE family_professionals SET left_on = $1, left_by = $2 WHERE family_id = $3 AND professional_id = $4 AND left_on IS NULL`,
			leftOn.UTC(), actor.StaffID, f.ID, professionalID)
		if err != nil {
			return fmt.Errorf("recording that a professional left the team: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return problem.New(problem.NotFound, "%s", notInTeam)
		}
		tx.Audit("professional.leave", "professional", professionalID, f.ID, "")
		return nil
	})
}

// RemoveProfessional marks someone in a family's team around the baby as
// added in error (to the wrong family, or twice), with why: they leave the
// team, are not listed as a former member (they never were one) and are
// listed as removed. Whoever may add to the team may.
func (db *DB) RemoveProfessional(ctx context.Context, actor policy.Actor, familyID, professionalID int64, why string) error {
	return db.Update(ctx, func(tx *Tx) error {
		f, err := tx.familyForChange(actor, familyID, policy.EditFamily)
		if err != nil {
			return err
		}
		if _, err := tx.teamMember(f.ID, professionalID); err != nil {
			return err
		}
		// Why they went is listed with them, for everyone working with the
		// family.
		if err := tx.keepConfidentialOut(actor, f, everyone, textField{"why", why}); err != nil {
			return err
		}
		// professionals has no family column (teamMember found them in
		// this family's team): the row is its own owner.
		if err := tx.markRemoved("professionals", "id", professionalID, professionalID, actor.StaffID, why); err != nil {
			return err
		}
		tx.Audit("professional.remove", "professional", professionalID, f.ID, "entered in error")
		return nil
	})
}

// RemovedProfessional is someone removed from a family's team around the
// baby as added in error: who, added when, and who removed them, when and
// why (read by whoever may read the family's team).
type RemovedProfessional struct {
	RemovedEntry
	Name string
}

// teamMember is when professionalID joined family familyID's team:
// NotFound when they were never in it; a Conflict saying so when they
// have left it or were removed from it (the form was sent twice, or
// someone else was a moment quicker), as the page then lists them.
func (tx *Tx) teamMember(familyID, professionalID int64) (time.Time, error) {
	var since sql.NullTime
	var left, removed bool
	err := tx.queryRow(`SELECT fp.since, fp.left_on IS NOT NULL, p.removed_at IS NOT NULL FROM family_professionals fp JOIN professionals p ON p.id = fp.professional_id
		WHERE fp.family_id = $1 AND fp.professional_id = $2`,
		familyID, professionalID).Scan(&since, &left, &removed)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, problem.New(problem.NotFound, "%s", notInTeam)
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("reading the team around the baby: %w", err)
	}
	if removed {
		return time.Time{}, problem.New(problem.Conflict, "%s", removedAlready)
	}
	if left {
		return time.Time{}, problem.New(problem.Conflict, "They have left this family's team around the baby already: the form was sent twice, or someone else recorded it a moment ago. They are listed as a former member below")
	}
	return since.Time, nil
}

// organisationFor finds p's organisation in the shared directory, or adds
// it (in area areaID).
func (tx *Tx) organisationFor(p sharing.Professional, areaID int64) (int64, error) {
	var orgID int64
	err := tx.queryRow(`SELECT id FROM organisations WHERE name = $1 AND kind = $2`, p.Organisation, p.OrganisationKind).Scan(&orgID)
	if errors.Is(err, sql.ErrNoRows) {
		orgID, err = tx.insertID(`INSERT INTO organisations (name, kind, area_id, created_at) VALUES ($1, $2, $3, $4)`, p.Organisation, p.OrganisationKind, areaID, tx.now)
	}
	if err != nil {
		return 0, fmt.Errorf("finding organisation: %w", err)
	}
	return orgID, nil
}

// sealProfessional seals p's phone and email to professional pid's row.
func (tx *Tx) sealProfessional(pid int64, p sharing.Professional) (phone, email string, err error) {
	if phone, err = tx.db.seal(rowContext("professionals.phone", pid), p.Phone); err != nil {
		return "", "", err
	}
	if email, err = tx.db.seal(rowContext("professionals.email", pid), p.Email); err != nil {
		return "", "", err
	}
	return phone, email, nil
}

// familyProfessionals lists a family's team around the baby, apart those
// who have left it, the latest to leave first, and apart again those
// removed as added in error.
func (db *DB) familyProfessionals(ctx context.Context, q rowQuerier, familyID int64) (team, former []sharing.Professional, removed []RemovedProfessional, err error) {
	rows, err := q.QueryContext(ctx, `SELECT p.id, p.name, p.role, o.name, o.kind, p.phone_sealed, p.email_sealed, fp.since, fp.left_on,
		p.removed_at, COALESCE(r.name, ''), p.removed_reason_sealed, p.version
		FROM family_professionals fp JOIN professionals p ON p.id = fp.professional_id LEFT JOIN organisations o ON o.id = p.organisation_id
		LEFT JOIN staff r ON r.id = p.removed_by
		WHERE fp.family_id = $1 ORDER BY fp.left_on DESC, o.kind, p.name`, familyID)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("listing the team around the baby: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var p sharing.Professional
		var phone, email, removedBy, removedWhy string
		var since, left, removedAt sql.NullTime
		if err := rows.Scan(&p.ID, &p.Name, &p.Role, &p.Organisation, &p.OrganisationKind, &phone, &email, &since, &left,
			&removedAt, &removedBy, &removedWhy, &p.Version); err != nil {
			return nil, nil, nil, err
		}
		p.Since, p.LeftOn = since.Time, left.Time
		if removedAt.Valid {
			// Who they are and why they went; their contact details stay sealed.
			e, err := db.removedEntry("professional", "professionals", p.ID, p.Since, removedAt.Time, removedBy, removedWhy, true)
			if err != nil {
				return nil, nil, nil, err
			}
			removed = append(removed, RemovedProfessional{RemovedEntry: e, Name: p.Name})
			continue
		}
		if p.Phone, err = db.open(rowContext("professionals.phone", p.ID), phone); err != nil {
			return nil, nil, nil, err
		}
		if p.Email, err = db.open(rowContext("professionals.email", p.ID), email); err != nil {
			return nil, nil, nil, err
		}
		if left.Valid {
			former = append(former, p)
		} else {
			team = append(team, p)
		}
	}
	return team, former, removed, rows.Err()
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
		if err := tx.keepConfidentialOut(actor, f, shareReaders(s.PersonID), textField{"recipient", s.Recipient}, textField{"what", s.What}, textField{"why", s.Why},
			textField{"consent_reason", s.ConsentReason}); err != nil {
			return err
		}
		return tx.insertShare(f.ID, actor.StaffID, s)
	})
}

// shareReaders is the readers of with whom, what was shared, and why, in a disclosure
// about parent personID (0 for one about the family), and of why it was
// removed as entered in error: about a parent, whoever may see their
// details; about the family, everyone working with it.
func shareReaders(personID int64) readers {
	if personID == 0 {
		return everyone
	}
	return readers{words: "some who may read it", maySee: func(p family.Person) bool { return p.ID == personID }}
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
	recipient, err := tx.db.seal(rowContext("information_sharing.recipient", id), s.Recipient)
	if err != nil {
		return err
	}
	// The clear recipient and consent_reason columns (sealed since
	// migrations 57 and 11) are left empty.
	if _, err := tx.exec(`INSERT INTO information_sharing (id, family_id, person_id, shared_at, recipient, recipient_sealed, method, lawful_basis, consent, consent_reason,
		consent_reason_sealed, what_sealed, why_sealed, created_by)
		VALUES ($1, $2, $3, $4, '', $5, $6, $7, $8, '', $9, $10, $11, $12)`, id, familyID, nullID(s.PersonID), s.SharedOn.UTC(), recipient, s.Method, s.LawfulBasis, s.Consent,
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
// and withholds more, never less). Disclosures removed as entered in error
// are left out.
func (db *DB) FamilyShares(ctx context.Context, actor policy.Actor, f family.Family) ([]sharing.Share, error) {
	shares, _, err := db.familyShares(ctx, db.q(), actor, f, db.Now())
	return shares, err
}

// RemovedShare is a disclosure removed as entered in error: to whom, on
// what day, and who removed it, when and why (why withheld as what was
// shared is).
type RemovedShare struct {
	RemovedEntry
	Recipient string
}

// RemoveShare marks a disclosure in a family's sharing log as entered in
// error (logged on the wrong family, or twice), with why: it is kept, left
// out of the log (the family page and its CSV) and listed as removed.
// Whoever may log a disclosure for the family may, unless what was shared
// about a parent is withheld from them: they cannot know it was wrong.
func (db *DB) RemoveShare(ctx context.Context, actor policy.Actor, familyID, shareID int64, why string) error {
	const gone = "That disclosure is not in this family's sharing log, or was already removed"
	return db.Update(ctx, func(tx *Tx) error {
		f, err := tx.familyForChange(actor, familyID, policy.EditFamily)
		if err != nil {
			return err
		}
		var person sql.NullInt64
		var removed bool
		err = tx.queryRow(`SELECT person_id, removed_at IS NOT NULL FROM information_sharing WHERE id = $1 AND family_id = $2`, shareID, f.ID).Scan(&person, &removed)
		if errors.Is(err, sql.ErrNoRows) {
			return problem.New(problem.NotFound, "%s", gone)
		}
		if err != nil {
			return fmt.Errorf("reading the sharing log: %w", err)
		}
		// The family as familyForChange read it has no break-glass grants:
		// this withholds more, never less.
		if t, ok := personTargetIn(f, person.Int64, nil); ok {
			if d := policy.Decide(actor, policy.ViewConfidential, t, tx.now); !d.Allowed {
				return problem.New(problem.Forbidden, "What was shared about this parent is withheld from you, so you cannot remove it: %s", d.Reason)
			}
		}
		if removed { // as entryToRemove says, to one who may know of it
			return problem.New(problem.Conflict, "%s", removedAlready)
		}
		// Why it was removed is read as what was shared is (familyShares).
		if err := tx.keepConfidentialOut(actor, f, shareReaders(person.Int64), textField{"why", why}); err != nil {
			return err
		}
		if err := tx.markRemoved("information_sharing", "family_id", f.ID, shareID, actor.StaffID, why); err != nil {
			return err
		}
		tx.Audit("share.remove", "share", shareID, f.ID, "entered in error")
		return nil
	})
}

func (db *DB) familyShares(ctx context.Context, q rowQuerier, actor policy.Actor, f family.Family, now time.Time) ([]sharing.Share, []RemovedShare, error) {
	// What was shared about a parent follows the parent's confidentiality,
	// with the reader's break-glass grants as ReadFamily found them.
	rows, err := q.QueryContext(ctx, `SELECT i.id, COALESCE(i.person_id, 0), i.shared_at, i.recipient_sealed, i.method, i.lawful_basis, i.consent, i.consent_reason_sealed,
		i.what_sealed, i.why_sealed, COALESCE(s.name, ''), i.removed_at, COALESCE(r.name, ''), i.removed_reason_sealed
		FROM information_sharing i LEFT JOIN staff s ON s.id = i.created_by LEFT JOIN staff r ON r.id = i.removed_by
		WHERE i.family_id = $1 ORDER BY i.shared_at DESC, i.id DESC`, f.ID)
	if err != nil {
		return nil, nil, fmt.Errorf("reading the sharing log: %w", err)
	}
	defer rows.Close()
	var out []sharing.Share
	var removed []RemovedShare
	for rows.Next() {
		var s sharing.Share
		var recipient, what, why, reason string
		var removedAt sql.NullTime
		var removedBy, removedWhy string
		if err := rows.Scan(&s.ID, &s.PersonID, &s.SharedOn, &recipient, &s.Method, &s.LawfulBasis, &s.Consent, &reason, &what, &why, &s.By,
			&removedAt, &removedBy, &removedWhy); err != nil {
			return nil, nil, err
		}
		t, ok := personTargetIn(f, s.PersonID, f.Overrides)
		s.Withheld = ok && !policy.Can(actor, policy.ViewConfidential, t, now)
		// With whom goes with what: a refuge's or a new GP's name says
		// where the parent is. Withheld, it is not opened.
		if !s.Withheld {
			if s.Recipient, err = db.open(rowContext("information_sharing.recipient", s.ID), recipient); err != nil {
				return nil, nil, err
			}
		}
		if removedAt.Valid {
			e, err := db.removedEntry("share", "information_sharing", s.ID, s.SharedOn, removedAt.Time, removedBy, removedWhy, !s.Withheld)
			if err != nil {
				return nil, nil, err
			}
			removed = append(removed, RemovedShare{RemovedEntry: e, Recipient: s.Recipient})
			continue
		}
		if !s.Withheld {
			if s.ConsentReason, err = db.open(rowContext("information_sharing.consent_reason", s.ID), reason); err != nil {
				return nil, nil, err
			}
			if s.What, err = db.open(rowContext("information_sharing.what", s.ID), what); err != nil {
				return nil, nil, err
			}
			if s.Why, err = db.open(rowContext("information_sharing.why", s.ID), why); err != nil {
				return nil, nil, err
			}
		}
		out = append(out, s)
	}
	return out, removed, rows.Err()
}

// RecordConsent records what a parent agreed to share.
func (db *DB) RecordConsent(ctx context.Context, actor policy.Actor, personID int64, c sharing.Consent) error {
	return db.Update(ctx, func(tx *Tx) error {
		f, p, err := tx.parentForEdit(actor, personID, "Consent to share is recorded for a parent")
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
