package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/cradle-org/cradle/internal/casework"
	"github.com/cradle-org/cradle/internal/family"
	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/problem"
)

// AddDocument keeps a file on a parent's record (migration 62): its title
// and content sealed to the row, its kind found from the content. Only
// those who may edit the parent's confidential record add one, as for a
// session, while the family's case is open; it is read only by those who
// may see the parent's confidential details (PersonDocuments,
// OpenDocument). Audited.
func (db *DB) AddDocument(ctx context.Context, actor policy.Actor, d casework.Document) (int64, error) {
	var id int64
	err := db.Update(ctx, func(tx *Tx) error {
		f, p, err := tx.parentForEdit(actor, d.PersonID, "A document is kept on a parent's record")
		if err != nil {
			return err
		}
		d.PersonID = p.ID
		if id, err = tx.insertDocument(f.ID, d, actor.StaffID); err != nil {
			return err
		}
		tx.Audit("document.add", "person", p.ID, f.ID, "")
		return nil
	})
	return id, err
}

// insertDocument checks document d about parent d.PersonID of family
// familyID and writes it, added by staff member by, now.
func (tx *Tx) insertDocument(familyID int64, d casework.Document, by int64) (int64, error) {
	if err := d.Validate(true); err != nil {
		return 0, err
	}
	id, err := tx.newID("documents")
	if err != nil {
		return 0, err
	}
	title, err := tx.db.seal(rowContext("documents.title", id), d.Title)
	if err != nil {
		return 0, err
	}
	content, err := tx.db.sealBytes(rowContext("documents.content", id), d.Content)
	if err != nil {
		return 0, err
	}
	if _, err := tx.exec(`INSERT INTO documents (id, family_id, person_id, title_sealed, kind, size_bytes, added_by, added_at, content_sealed)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, id, familyID, d.PersonID, title, d.Kind, d.Size, by, tx.now, content); err != nil {
		return 0, fmt.Errorf("keeping a document: %w", err)
	}
	return id, nil
}

// OpenDocument reads one of a parent's documents with its file, for one
// who may see the parent's confidential details (their practitioner, the
// team manager, a designated safeguarding lead, or through a break-glass
// grant). Audited as a read of the document, and of the grant when one was
// used. A document removed as added in error has no file any more.
func (db *DB) OpenDocument(ctx context.Context, actor policy.Actor, personID, docID int64) (casework.Document, error) {
	var d casework.Document
	err := db.View(ctx, func(tx *Tx) error {
		rec, err := tx.personAccessFor(actor, personID)
		if err != nil {
			return err
		}
		if !rec.CanSeeConf {
			return problem.New(problem.Forbidden, "Documents on a parent's record are seen only by those who may see the parent's confidential details")
		}
		var title, content string
		var removed anyTime
		err = tx.queryRow(`SELECT d.title_sealed, d.kind, d.size_bytes, d.added_at, COALESCE(s.name, ''), d.removed_at, d.content_sealed
			FROM documents d LEFT JOIN staff s ON s.id = d.added_by WHERE d.id = $1 AND d.person_id = $2`, docID, rec.Person.ID).
			Scan(&title, &d.Kind, &d.Size, &d.AddedOn, &d.AddedBy, &removed, &content)
		if errors.Is(err, sql.ErrNoRows) {
			return problem.New(problem.NotFound, "That document is not on this record")
		}
		if err != nil {
			return fmt.Errorf("reading the document: %w", err)
		}
		if !removed.T.IsZero() {
			return problem.New(problem.NotFound, "That document was removed as added in error, and its file erased")
		}
		d.ID, d.PersonID = docID, rec.Person.ID
		if d.Title, err = tx.db.open(rowContext("documents.title", docID), title); err != nil {
			return err
		}
		if d.Content, err = tx.db.openBytes(rowContext("documents.content", docID), content); err != nil {
			return err
		}
		tx.Audit("document.view", "document", docID, rec.Family.ID, "")
		tx.auditGrantUse(rec)
		return nil
	})
	return d, err
}

// RemoveDocument removes a document added in error (to the wrong parent's
// record, say), with why: its file is erased in the same transaction, and
// its title, who added it and when are kept and listed as removed, with who
// removed it and why. Whoever may add one for the parent may.
func (db *DB) RemoveDocument(ctx context.Context, actor policy.Actor, personID, docID int64, why string) error {
	return db.removeEntry(ctx, actor, personID, docID, why, "documents", "document", "document.remove",
		"That document is not on this record, or was already removed", func(tx *Tx, _ family.Family, _ family.Person) error {
			if _, err := tx.exec(`UPDATE documents SET content_sealed = '' WHERE id = $1`, docID); err != nil {
				return fmt.Errorf("erasing the document's file: %w", err)
			}
			return nil
		})
}

// documents lists a parent's documents, newest first, without their files,
// for a reader who may see the parent's confidential details (the caller
// asks only then); those removed as added in error are listed apart.
func (tx *Tx) documents(personID int64) ([]casework.Document, []RemovedEntry, error) {
	rows, err := tx.query(`SELECT d.id, d.title_sealed, d.kind, d.size_bytes, d.added_at, COALESCE(s.name, ''), d.removed_at, d.removed_reason_sealed, COALESCE(rb.name, '')
		FROM documents d LEFT JOIN staff s ON s.id = d.added_by LEFT JOIN staff rb ON rb.id = d.removed_by
		WHERE d.person_id = $1 ORDER BY d.added_at DESC, d.id DESC`, personID)
	if err != nil {
		return nil, nil, fmt.Errorf("reading documents: %w", err)
	}
	defer rows.Close()
	var out []casework.Document
	var removed []RemovedEntry
	for rows.Next() {
		d := casework.Document{PersonID: personID}
		var title, why, removedBy string
		var removedAt anyTime
		if err := rows.Scan(&d.ID, &title, &d.Kind, &d.Size, &d.AddedOn, &d.AddedBy, &removedAt, &why, &removedBy); err != nil {
			return nil, nil, fmt.Errorf("reading document: %w", err)
		}
		if d.Title, err = tx.db.open(rowContext("documents.title", d.ID), title); err != nil {
			return nil, nil, err
		}
		if !removedAt.T.IsZero() {
			e, err := tx.db.removedEntry("document", "documents", d.ID, d.AddedOn, removedAt.T, removedBy, why, true)
			if err != nil {
				return nil, nil, err
			}
			e.What = d.Title
			removed = append(removed, e)
			continue
		}
		out = append(out, d)
	}
	return out, removed, rows.Err()
}
