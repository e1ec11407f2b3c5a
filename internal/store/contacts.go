package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/problem"
)

// KeyContact is an emergency number or helpline.
type KeyContact struct {
	AreaID int64 // 0: every area
	Name   string
	Number string
	Note   string
}

// KeyContacts lists the contacts for an area (0: those for every area),
// every-area contacts first, in their set order. ok is false when none are
// configured, so the caller can fall back to the defaults.
func (db *DB) KeyContacts(ctx context.Context, areaID int64) ([]KeyContact, error) {
	rows, err := db.query(ctx, `SELECT COALESCE(area_id, 0), name, number, note FROM key_contacts
		WHERE area_id IS NULL OR area_id = $1 ORDER BY CASE WHEN area_id IS NULL THEN 0 ELSE 1 END, position, id`, areaID)
	if err != nil {
		return nil, fmt.Errorf("reading key contacts: %w", err)
	}
	defer rows.Close()
	var out []KeyContact
	for rows.Next() {
		var c KeyContact
		if err := rows.Scan(&c.AreaID, &c.Name, &c.Number, &c.Note); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// SetKeyContacts replaces an area's contacts (0: every area's).
func (db *DB) SetKeyContacts(ctx context.Context, actor policy.Actor, areaID int64, cs []KeyContact) error {
	return db.Update(ctx, func(tx *Tx) error {
		if d := policy.Decide(actor, policy.ManageStaff, policy.Target{}, tx.now); !d.Allowed {
			return d.Err()
		}
		var fs problem.Fields
		if areaID != 0 {
			// A form changed by hand, or an area gone since the page was
			// drawn: said as the area list's problem, not a failed save.
			var n int
			if err := tx.queryRow(`SELECT COUNT(*) FROM areas WHERE id = $1`, areaID).Scan(&n); err != nil {
				return fmt.Errorf("checking the contacts' area: %w", err)
			}
			if n == 0 {
				fs.Add("area", "Select an area from the list")
			}
		}
		var keep []KeyContact
		for i, c := range cs {
			n := fmt.Sprintf("contacts[%d]", i)
			fs.Text(n+".name", "Name", &c.Name, 100, false)
			fs.Text(n+".number", "Number", &c.Number, 40, false)
			fs.Text(n+".note", "Note", &c.Note, 200, false)
			if c.Name == "" && c.Number == "" && c.Note == "" {
				continue // an empty row: nothing to save
			}
			if c.Name == "" && !fs.Has(n+".name") {
				fs.Add(n+".name", fmt.Sprintf("Enter a name for contact %d", i+1))
			}
			if strings.Trim(c.Number, "0123456789 +()") != "" && !fs.Has(n+".number") {
				fs.Add(n+".number", fmt.Sprintf("Enter the number for contact %d using digits, spaces and + only", i+1))
			} else if c.Number == "" && !fs.Has(n+".number") {
				fs.Add(n+".number", fmt.Sprintf("Enter the number for contact %d", i+1))
			}
			keep = append(keep, c)
		}
		if err := fs.Err(); err != nil {
			return err
		}
		q := `DELETE FROM key_contacts WHERE area_id IS NULL`
		args := []any{}
		if areaID != 0 {
			q, args = `DELETE FROM key_contacts WHERE area_id = $1`, []any{areaID}
		}
		if _, err := tx.exec(q, args...); err != nil {
			return fmt.Errorf("replacing key contacts: %w", err)
		}
		for i, c := range keep {
			if _, err := tx.insertID(`INSERT INTO key_contacts (area_id, name, number, note, position, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
				nullID(areaID), c.Name, c.Number, c.Note, i, actor.StaffID, tx.now); err != nil {
				return fmt.Errorf("saving key contact: %w", err)
			}
		}
		tx.Audit("key_contacts.set", "area", areaID, 0, fmt.Sprintf("%d contacts", len(keep)))
		return nil
	})
}
