package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/cradle-org/cradle/internal/family"
	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/sharing"
)

// Chronology is what a family's chronology of significant events is made
// from, read in one snapshot under one audited view. Each part is what the
// reader would see of it on the family's page, each parent's page or the
// concern's own: a chronology gathers, it never shows more.
type Chronology struct {
	Family family.Family
	// ReferredOn is when the referral that opened the family arrived (zero
	// for a family with none, made before referrals were kept).
	ReferredOn time.Time
	// Parents are the co-parents, each with their DASH assessments,
	// incidents, changes in circumstances, MARAC referrals, safety plan,
	// pauses and times away from the programme, each withheld from a
	// reader who may not see that parent's confidential details as their
	// page withholds it.
	Parents       []PersonRecord
	ChildRisks    []ChildRiskEntry
	StatusHistory []StatusChange
	Meetings      []sharing.Meeting
	Closures      []ClosureRecord
	// Concerns are the family's safeguarding concerns the reader may read
	// (policy.ViewConcern), without their text, oldest first.
	Concerns []ConcernRecord
	// Allocations are the parents' practitioners, each from when they were
	// allocated, oldest first (whoever may see the family sees who works
	// with each parent).
	Allocations []ChronologyAllocation
}

// ChronologyAllocation is a practitioner allocated to a parent.
type ChronologyAllocation struct {
	PersonID int64
	Staff    string
	From     time.Time
}

// chronologyParts are what a parent's part of the chronology reads.
const chronologyParts = PersonRisk | PersonIncidents | PersonChanges | PersonMARAC | PersonSafetyPlan | PersonPauses | PersonVIG

// ChronologyFor says what a chronology is read for when it is not the
// reader's own page: a document for another agency that could reach one
// parent's side must not carry the other parent's confidential parts,
// whatever the reader may see.
type ChronologyFor struct {
	// Withhold names the parents whose confidential parts are read as the
	// other parent's practitioner reads them, whatever the reader may see.
	Withhold func(personID int64) bool
	// NoConcerns leaves the safeguarding concerns out.
	NoConcerns bool
	// Detail goes on the audit entries instead of "chronology".
	Detail string
}

// ReadChronology reads a family's chronology for someone who may see the
// family. It is audited as a view of the family and of each parent
// ("chronology"), and a break-glass grant that let the reader see a
// parent's confidential parts is recorded as used, as the person page does.
func (db *DB) ReadChronology(ctx context.Context, actor policy.Actor, familyID int64) (Chronology, error) {
	return db.ReadChronologyFor(ctx, actor, familyID, ChronologyFor{})
}

// ReadChronologyFor is ReadChronology for a use that o describes.
func (db *DB) ReadChronologyFor(ctx context.Context, actor policy.Actor, familyID int64, o ChronologyFor) (Chronology, error) {
	detail := "chronology"
	if o.Detail != "" {
		detail = o.Detail
	}
	var out Chronology
	err := db.View(ctx, func(tx *Tx) error {
		q := tx.q()
		f, err := tx.viewFamily(actor, familyID)
		if err != nil {
			return err
		}
		out.Family = f
		tx.Audit("family.view", "family", f.ID, f.ID, detail)
		for _, p := range f.Parents() {
			rec, err := tx.personAccessIn(actor, f, p, f.Overrides)
			if err != nil {
				return err
			}
			if o.Withhold != nil && o.Withhold(p.ID) {
				// Read as the other parent's practitioner reads it: fillPerson
				// opens nothing confidential, and no grant is used.
				rec.CanSeeConf, rec.ViaOverride = false, false
			}
			if err := tx.fillPerson(&rec, chronologyParts, nil); err != nil {
				return err
			}
			tx.auditPersonView(rec, detail)
			out.Parents = append(out.Parents, rec)
		}
		// Not MIN(received_at): SQLite gives an aggregate no column type,
		// so the driver would hand back text rather than a time.
		err = tx.queryRow(`SELECT received_at FROM referrals WHERE family_id = $1 ORDER BY received_at LIMIT 1`, f.ID).Scan(&out.ReferredOn)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("reading when the family was referred: %w", err)
		}
		err = tx.each(`SELECT a.person_id, s.name, a.started_at FROM allocations a JOIN staff s ON s.id = a.staff_id
			WHERE a.family_id = $1 ORDER BY a.started_at, a.id`, []any{f.ID}, func(rows *sql.Rows) error {
			var a ChronologyAllocation
			if err := rows.Scan(&a.PersonID, &a.Staff, &a.From); err != nil {
				return fmt.Errorf("reading allocations: %w", err)
			}
			out.Allocations = append(out.Allocations, a)
			return nil
		})
		if err != nil {
			return err
		}
		if out.ChildRisks, _, err = db.familyChildRisks(ctx, q, f.ID); err != nil {
			return err
		}
		if out.StatusHistory, err = db.statusHistory(ctx, q, f.ID); err != nil {
			return err
		}
		if out.Meetings, _, err = db.familyMeetings(ctx, q, f.ID); err != nil {
			return err
		}
		if out.Closures, err = db.closures(ctx, q, actor, f, tx.now); err != nil {
			return err
		}
		if o.NoConcerns {
			return nil
		}
		// The concern's text is not opened: the chronology says it was
		// raised, about whom, and what was decided, and links to it.
		return tx.each(`SELECT `+concernColumns+concernFrom+` WHERE c.family_id = $1 ORDER BY c.raised_at, c.id`, []any{f.ID},
			func(rows *sql.Rows) error {
				c, err := db.scanConcern(rows)
				if err != nil {
					return fmt.Errorf("reading concern: %w", err)
				}
				if policy.Can(actor, policy.ViewConcern, c.Target(), tx.now) {
					out.Concerns = append(out.Concerns, c)
				}
				return nil
			})
	})
	return out, err
}
