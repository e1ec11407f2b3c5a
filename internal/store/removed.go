package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/cradle-org/cradle/internal/casework"
	"github.com/cradle-org/cradle/internal/family"
	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/problem"
)

// RemovedEntry is an entry on a parent's record removed as entered in
// error (an incident, a change in circumstances, a MARAC referral, a VIG
// cycle or a consent):
// its date, and who removed it, when and why. Why is read, as what the
// entry said was, only for a reader who may see the parent's confidential
// details. The row stays (marked by removed_at); every list and count
// leaves it out.
type RemovedEntry struct {
	ID        int64
	Kind      string // "incident", "change", "marac", "vig", "consent" or "document"
	On        time.Time
	RemovedAt time.Time
	RemovedBy string
	Why       string
	Withheld  bool
	What      string // a removed document's title
}

// RemoveVIG marks one of a parent's VIG cycles as entered in error
// (recorded on the wrong parent, say, or twice), with why: it is left out
// of the person page's cycles and of the programme's VIG milestones (the
// caseload, the family page's progress), kept, and listed as removed.
// Whoever may record a cycle for the parent may.
func (db *DB) RemoveVIG(ctx context.Context, actor policy.Actor, personID, vigID int64, why string) error {
	return db.removeEntry(ctx, actor, personID, vigID, why, "vig_cycles", "vig_cycle", "vig.remove",
		"That VIG cycle is not on this record, or was already removed")
}

// RemoveMARAC marks one of a parent's MARAC referrals as entered in error
// (recorded on the wrong parent's record, or twice), with why: it no longer
// counts towards the MARAC criteria (a repeat is judged from the latest
// referral left), is left out of the family's risk summary and the
// reports' count, kept, and listed as removed. Whoever may record a
// referral for the parent may.
func (db *DB) RemoveMARAC(ctx context.Context, actor policy.Actor, personID, maracID int64, why string) error {
	return db.removeEntry(ctx, actor, personID, maracID, why, "marac_referrals", "marac_referral", "marac.remove",
		"That MARAC referral is not on this record, or was already removed", (*Tx).awaitMARACOutcome)
}

// RemoveConsent marks one of a parent's consents to share as entered in
// error: a consent they never gave, which withdrawing would say they once
// had. It is left out of the consents listed on the person and family
// pages, kept, and listed as removed.
func (db *DB) RemoveConsent(ctx context.Context, actor policy.Actor, personID, consentID int64, why string) error {
	return db.removeEntry(ctx, actor, personID, consentID, why, "consents", "consent", "consent.remove",
		"That consent is not on this record, or was already removed")
}

// removeEntry marks row id of table (incidents, circumstance_changes,
// marac_referrals, vig_cycles or consents: each has person_id and the three removed_
// columns), the person's, removed by actor with why, audited as action on
// a record of recordType. gone is the problem when the row is not the
// person's or was removed already. then, if given, runs after the marking
// in the same transaction (what the entry set going with it).
func (db *DB) removeEntry(ctx context.Context, actor policy.Actor, personID, id int64, why, table, recordType, action, gone string,
	then ...func(*Tx, family.Family, family.Person) error) error {
	return db.Update(ctx, func(tx *Tx) error {
		f, p, err := tx.personForEdit(actor, personID)
		if err != nil {
			return err
		}
		if err := tx.entryToRemove(table, "person_id", p.ID, id, gone); err != nil {
			return err
		}
		if err := tx.markRemoved(table, "person_id", p.ID, id, actor.StaffID, why); err != nil {
			return err
		}
		for _, fn := range then {
			if err := fn(tx, f, p); err != nil {
				return err
			}
		}
		tx.Audit(action, recordType, id, f.ID, "entered in error")
		return nil
	})
}

// markRemoved marks row id of table, whose column owner is ownerID (a
// person's or a family's; for a table with neither, "id" and the row's
// own id), removed by member of staff by with why, sealed to the row.
// The caller has found the row there and not removed (entryToRemove, or
// its own read) before the form's problems, as the page has no form for
// an entry it does not list; one removed since is a conflict here.
func (tx *Tx) markRemoved(table, owner string, ownerID, id, by int64, why string) error {
	if err := casework.CheckRemoval(&why); err != nil {
		return err
	}
	sealed, err := tx.db.seal(rowContext(table+".removed_reason", id), why)
	if err != nil {
		return err
	}
	res, err := tx.exec(`UPDATE `+table+` SET removed_at = $1, removed_by = $2, removed_reason_sealed = $3
		WHERE id = $4 AND `+owner+` = $5 AND removed_at IS NULL`, tx.now, by, sealed, id, ownerID)
	if err != nil {
		return fmt.Errorf("removing from %s: %w", table, err)
	}
	if n, _ := res.RowsAffected(); n != 1 { // removed since entryToRemove read it
		return problem.New(problem.Conflict, "%s", removedAlready)
	}
	return nil
}

// entryThere is nil when row id of table is ownerID's (by its column
// owner) and not removed as entered in error; gone, a not-found problem,
// when it is not.
func (tx *Tx) entryThere(table, owner string, ownerID, id int64, gone string) error {
	var there int
	if err := tx.queryRow(`SELECT COUNT(*) FROM `+table+` WHERE id = $1 AND `+owner+` = $2 AND removed_at IS NULL`, id, ownerID).Scan(&there); err != nil {
		return fmt.Errorf("reading from %s: %w", table, err)
	}
	if there == 0 {
		return problem.New(problem.NotFound, "%s", gone)
	}
	return nil
}

// entryToRemove is entryThere for a removal: one removed already (the
// form sent twice, or removed by someone else a moment ago) is a conflict
// saying so, and the page shown again lists it as removed, with who
// removed it and why; gone, a not-found problem, when it is not ownerID's.
func (tx *Tx) entryToRemove(table, owner string, ownerID, id int64, gone string) error {
	var removed bool
	err := tx.queryRow(`SELECT removed_at IS NOT NULL FROM `+table+` WHERE id = $1 AND `+owner+` = $2`, id, ownerID).Scan(&removed)
	if errors.Is(err, sql.ErrNoRows) {
		return problem.New(problem.NotFound, "%s", gone)
	}
	if err != nil {
		return fmt.Errorf("reading from %s: %w", table, err)
	}
	if removed {
		return problem.New(problem.Conflict, "%s", removedAlready)
	}
	return nil
}

// removedAlready is the conflict when an entry was removed as entered in
// error before this removal.
const removedAlready = "This was removed as entered in error already: the form was sent twice, or someone else removed it a moment ago. It is listed as removed below"

// removedEntry is the RemovedEntry for a row of table read with its
// removed_ columns (why still sealed), opening why only when open.
func (db *DB) removedEntry(kind, table string, id int64, on, removedAt time.Time, removedBy, sealedWhy string, open bool) (RemovedEntry, error) {
	e := RemovedEntry{ID: id, Kind: kind, On: on, RemovedAt: removedAt, RemovedBy: removedBy, Withheld: !open}
	if open {
		var err error
		if e.Why, err = db.open(rowContext(table+".removed_reason", id), sealedWhy); err != nil {
			return e, err
		}
	}
	return e, nil
}
