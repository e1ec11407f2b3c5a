package store_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/cradle-org/cradle/internal/audit"
	"github.com/cradle-org/cradle/internal/casework"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/store"
	"github.com/cradle-org/cradle/internal/store/storetest"
)

func letter(words string) []byte { return []byte("%PDF-1.4\n% " + words + "\n%%EOF\n") }

// A practitioner keeps a document on her parent's record: sealed (title and
// file), listed without its file to those who may see the parent's
// confidential details, opened by them (audited), never by the other
// parent's practitioner; a bad one is refused field by field; removed as
// added in error, its file is erased and it is listed as removed; a
// closed case takes none. Audited.
func TestParentDocuments(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := makeFamily(t, db)
		sctx := audit.WithSource(ctx, audit.Source{Actor: "test"})
		d := casework.Document{PersonID: fx.parent1, Title: "CANARY-TITLE Letter from CSC", Content: letter("CANARY-FILE the letter")}
		if _, err := db.AddDocument(sctx, fx.prac2.Actor(), d); problem.CodeOf(err) != problem.Forbidden {
			t.Errorf("the other parent's practitioner adding a document to Alex's record: %v, want forbidden", err)
		}
		if _, err := db.AddDocument(sctx, fx.prac1.Actor(), casework.Document{PersonID: fx.parent1, Content: []byte("MZ an executable")}); !hasField(err, "document_title") || !hasField(err, "document_file") {
			t.Errorf("a document with no title that is no PDF: %v", err)
		}
		id, err := db.AddDocument(sctx, fx.prac1.Actor(), d)
		if err != nil {
			t.Fatalf("adding a document: %v", err)
		}
		if n, err := db.RawString(ctx, `SELECT CAST(COUNT(*) AS TEXT) FROM documents WHERE title_sealed LIKE '%CANARY%' OR content_sealed LIKE '%CANARY%'`); err != nil || n != "0" {
			t.Errorf("a document in the clear: %s (%v)", n, err)
		}

		rec, err := db.ReadPersonParts(ctx, fx.prac1.Actor(), fx.parent1, store.PersonDocuments, "")
		if err != nil {
			t.Fatal(err)
		}
		if len(rec.Documents) != 1 || rec.Documents[0].ID != id || rec.Documents[0].Title != d.Title || rec.Documents[0].Kind != "pdf" ||
			rec.Documents[0].Size != len(d.Content) || rec.Documents[0].Content != nil || rec.Documents[0].AddedBy == "" {
			t.Errorf("Alex's documents as her practitioner reads them: %+v", rec.Documents)
		}
		other, err := db.ReadPersonParts(ctx, fx.prac2.Actor(), fx.parent1, store.PersonDocuments, "")
		if err != nil || len(other.Documents) != 0 {
			t.Errorf("Alex's documents as Sam's practitioner reads them: %+v (%v)", other.Documents, err)
		}

		got, err := db.OpenDocument(sctx, fx.mgr.Actor(), fx.parent1, id)
		if err != nil || !bytes.Equal(got.Content, d.Content) || got.Title != d.Title {
			t.Errorf("the team manager opening the document: %q %q (%v)", got.Title, got.Content, err)
		}
		if _, err := db.OpenDocument(sctx, fx.prac2.Actor(), fx.parent1, id); problem.CodeOf(err) != problem.Forbidden {
			t.Errorf("Sam's practitioner opening Alex's document: %v, want forbidden", err)
		}
		if _, err := db.OpenDocument(sctx, fx.prac2.Actor(), fx.parent2, id); problem.CodeOf(err) != problem.NotFound {
			t.Errorf("Alex's document under Sam's record: %v, want not found", err)
		}
		if es, err := db.AuditEntries(ctx, store.AuditFilter{RecordType: "document", RecordID: id, Actions: []string{"document.view"}}); err != nil || len(es) != 1 {
			t.Errorf("document.view audit entries: %d (%v)", len(es), err)
		}
		if es, err := db.AuditEntries(ctx, store.AuditFilter{RecordType: "person", RecordID: fx.parent1, Actions: []string{"document.add"}}); err != nil || len(es) != 1 {
			t.Errorf("document.add audit entries: %d (%v)", len(es), err)
		}

		if err := db.RemoveDocument(sctx, fx.prac2.Actor(), fx.parent1, id, "Not Alex's"); problem.CodeOf(err) != problem.Forbidden {
			t.Errorf("Sam's practitioner removing Alex's document: %v", err)
		}
		if err := db.RemoveDocument(sctx, fx.prac1.Actor(), fx.parent1, id, ""); !hasField(err, "why") {
			t.Errorf("removing with no reason: %v", err)
		}
		if err := db.RemoveDocument(sctx, fx.prac1.Actor(), fx.parent1, id, "Added to the wrong parent's record"); err != nil {
			t.Fatal(err)
		}
		if err := db.RemoveDocument(sctx, fx.prac1.Actor(), fx.parent1, id, "Again"); problem.CodeOf(err) != problem.Conflict {
			t.Errorf("removing it twice: %v, want a conflict", err)
		}
		if n, err := db.RawString(ctx, fmt.Sprintf(`SELECT CAST(LENGTH(content_sealed) AS TEXT) FROM documents WHERE id = %d`, id)); err != nil || n != "0" {
			t.Errorf("the removed document's file is still kept: %s bytes (%v)", n, err)
		}
		if _, err := db.OpenDocument(sctx, fx.prac1.Actor(), fx.parent1, id); problem.CodeOf(err) != problem.NotFound {
			t.Errorf("opening the removed document: %v, want not found", err)
		}
		rec, err = db.ReadPersonParts(ctx, fx.prac1.Actor(), fx.parent1, store.PersonDocuments, "")
		if err != nil {
			t.Fatal(err)
		}
		if len(rec.Documents) != 0 || len(rec.RemovedEntries) != 1 || rec.RemovedEntries[0].Kind != "document" || rec.RemovedEntries[0].What != d.Title ||
			rec.RemovedEntries[0].Why != "Added to the wrong parent's record" {
			t.Errorf("after the removal: %+v, removed %+v", rec.Documents, rec.RemovedEntries)
		}

		mustExec(t, db, `UPDATE families SET stage = 'closed' WHERE id = $1`, fx.familyID)
		if _, err := db.AddDocument(sctx, fx.prac1.Actor(), d); problem.CodeOf(err) != problem.Conflict {
			t.Errorf("adding a document to a closed case: %v, want a conflict", err)
		}
	})
}

// A rotation re-encrypts documents' files a few at a time (two hundred
// files of megabytes would be a gigabyte in memory), and reaches them all.
func TestRotateKeysDocumentsInSmallBatches(t *testing.T) {
	eachBackend(t, func(t *testing.T, b storetest.Backend) {
		ring1, ring2, _, _ := rings(t)
		src := &keySource{ring: ring1}
		db := storetest.OpenWith(t, b, store.Options{Keys: ring1, KeySource: src.load})
		fx := makeFamily(t, db)
		sctx := audit.WithSource(ctx, audit.Source{Actor: "test"})
		for i := range 6 {
			if _, err := db.AddDocument(sctx, fx.prac1.Actor(), casework.Document{PersonID: fx.parent1, Title: fmt.Sprint("Letter ", i), Content: letter(strings.Repeat("x", i))}); err != nil {
				t.Fatal(err)
			}
		}
		src.set(ring2)
		if err := db.ReloadKeys(); err != nil {
			t.Fatal(err)
		}
		batches := 0
		res, err := db.RotateKeys(sctx, store.RotateOptions{BatchSize: 200, Progress: func(p store.RotateProgress) {
			if p.Column == "documents.content_sealed" {
				batches++
			}
		}})
		if err != nil || res.Remaining != 0 || res.Failed != 0 {
			t.Fatalf("RotateKeys = %+v (%v)", res, err)
		}
		if batches != 2 {
			t.Errorf("documents' files rotated in %d batches, want 2 (4 and 2)", batches)
		}
		usage, err := db.KeyUsage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range usage {
			if u.Column == "documents.content_sealed" && (u.ByKey["k2"] != 6 || len(u.ByKey) != 1) {
				t.Errorf("documents' files after rotation: %+v", u)
			}
		}
		for i := range 6 {
			rec, err := db.ReadPersonParts(ctx, fx.prac1.Actor(), fx.parent1, store.PersonDocuments, "")
			if err != nil || len(rec.Documents) != 6 {
				t.Fatalf("documents after rotation: %d (%v)", len(rec.Documents), err)
			}
			got, err := db.OpenDocument(sctx, fx.prac1.Actor(), fx.parent1, rec.Documents[i].ID)
			if err != nil || !bytes.HasPrefix(got.Content, []byte("%PDF-1.4")) {
				t.Errorf("document %d after rotation: %v", rec.Documents[i].ID, err)
			}
		}
	})
}
