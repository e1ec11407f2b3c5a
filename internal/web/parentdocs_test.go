package web_test

import (
	"bytes"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/cradle-org/cradle/internal/casework"
)

// A practitioner keeps a letter on her parent's record: its problems are
// shown with the title typed kept; once added it is listed on the parent's
// page and downloads as the file it is, sandboxed; the other parent's
// practitioner neither sees it listed nor opens it; removed as added in
// error, its file is gone and its title listed as removed.
func TestParentDocuments(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		f := demoFamily(t, e, "Amy")
		amy := "/people/" + itoa(parentNamed(f, "Amy").ID)
		pc := e.client()
		e.signIn(pc, practitioner)
		page := e.get(pc, amy)
		if !strings.Contains(page.body, `href="`+amy+`?form=document#document-form"`) || !strings.Contains(page.body, "No documents on this record.") {
			t.Fatal("Amy's page has no link to add a document, or lists one")
		}
		token := csrfFrom(t, page.body)
		add := func(c *http.Client, title, name string, content []byte) resp {
			body, ct := multipartFile(t, map[string]string{"csrf_token": token, "document_title": title}, "document_file", name, content)
			return e.send(c, "POST", amy+"/documents", body, "Content-Type", ct)
		}
		r := add(pc, "CANARY-DOC Letter from CSC", "letter.docx", []byte("PK\x03\x04 a Word document"))
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "must be a PDF, JPEG or PNG") ||
			!strings.Contains(r.body, `value="CANARY-DOC Letter from CSC"`) || !strings.Contains(r.body, `id="document-form"`) {
			t.Fatalf("a Word document: %d\n%s", r.status, between(r.body, "govuk-error-summary", "</ul>"))
		}
		r = add(pc, "", "letter.pdf", []byte("%PDF-1.4\n%%EOF\n"))
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Enter what the document is") || !strings.Contains(r.body, "Choose the file again") {
			t.Errorf("a document with no title: %d", r.status)
		}
		if r := add(pc, "Letter", "", nil); !strings.Contains(r.body, "Select the file to add") {
			t.Errorf("no file chosen: %d", r.status)
		}
		pdf := []byte("%PDF-1.4\n% CANARY-FILE the letter's text\n%%EOF\n")
		if r := add(pc, "CANARY-DOC Letter from CSC, 3 December", "letter.pdf", pdf); r.status != http.StatusSeeOther || !strings.HasSuffix(r.location, amy+"#documents") {
			t.Fatalf("adding a document: %d %s\n%s", r.status, r.location, between(r.body, "govuk-error-summary", "</ul>"))
		}
		page = e.get(pc, amy)
		list := between(page.body, `id="documents"`, "</table>")
		m := regexp.MustCompile(`href="(` + amy + `/documents/(\d+))" download>CANARY-DOC Letter from CSC, 3 December`).FindStringSubmatch(list)
		if m == nil || !strings.Contains(list, "by Priya Shah") || !strings.Contains(list, "PDF, 1 KB") {
			t.Fatalf("Amy's page's documents:\n%s", list)
		}
		doc := e.get(pc, m[1])
		if doc.status != http.StatusOK || doc.body != string(pdf) || doc.header.Get("Content-Type") != "application/pdf" ||
			doc.header.Get("Content-Disposition") != `attachment; filename="CANARY-DOC Letter from CSC 3 December.pdf"` ||
			!strings.HasPrefix(doc.header.Get("Content-Security-Policy"), "sandbox") || doc.header.Get("Cache-Control") != "no-store" {
			t.Errorf("the document: %d %v", doc.status, doc.header)
		}

		// Jordan's practitioner: no documents section, no file, no adding.
		tc := e.client()
		e.signIn(tc, tom)
		tp := e.get(tc, amy)
		if strings.Contains(tp.body, "CANARY-DOC") || strings.Contains(tp.body, `id="documents"`) {
			t.Error("Jordan's practitioner sees Amy's documents")
		}
		if r := e.get(tc, m[1]); r.status != http.StatusForbidden || strings.Contains(r.body, "CANARY") {
			t.Errorf("Jordan's practitioner opening Amy's document: %d", r.status)
		}
		token = csrfFrom(t, tp.body)
		if r := add(tc, "Tom's", "x.pdf", pdf); r.status != http.StatusForbidden {
			t.Errorf("Jordan's practitioner adding a document to Amy's record: %d", r.status)
		}
		if r := add(tc, "", "", nil); r.status != http.StatusForbidden || strings.Contains(r.body, "Enter what") {
			t.Errorf("Jordan's practitioner's empty form: %d (the form's problems are for those who may add one)", r.status)
		}
		// Another parent's document id on Amy's path is not hers.
		jordan := "/people/" + itoa(parentNamed(f, "Jordan").ID)
		if r := e.get(pc, jordan+"/documents/"+m[2]); r.status == http.StatusOK {
			t.Error("Amy's document opens under Jordan's path")
		}

		// Removed as added in error: a reason is needed; then the file is gone.
		token = csrfFrom(t, page.body)
		if r := e.get(pc, amy+"?form=remove-document-"+m[2]); !strings.Contains(r.body, `action="`+m[1]+`/remove"`) {
			t.Fatal("the form to remove the document does not open")
		}
		if r := e.post(pc, m[1]+"/remove", mustForm("csrf_token", token, "remove_why", "")); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `id="document-`+m[2]+`-remove"`) {
			t.Errorf("removing with no reason: %d", r.status)
		}
		if r := e.post(pc, m[1]+"/remove", mustForm("csrf_token", token, "remove_why", "Added to the wrong parent's record")); r.status != http.StatusSeeOther {
			t.Fatalf("removing the document: %d", r.status)
		}
		page = e.get(pc, amy)
		if !strings.Contains(page.body, "No documents on this record.") ||
			!strings.Contains(page.body, "The document “CANARY-DOC Letter from CSC, 3 December”, added") || !strings.Contains(page.body, "Added to the wrong parent&#39;s record") {
			t.Errorf("Amy's page after the removal:\n%s", between(page.body, `id="documents"`, "Add a document"))
		}
		if r := e.get(pc, m[1]); r.status != http.StatusNotFound || !strings.Contains(r.body, "file erased") {
			t.Errorf("the removed document: %d", r.status)
		}

		// Too large: refused before it is read, with a message.
		big := append(append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("x"), casework.DocumentMaxBytes+2<<20)...), "\n%%EOF"...)
		if r := add(pc, "Big", "big.pdf", big); r.status != http.StatusRequestEntityTooLarge || !strings.Contains(r.body, "smaller than 5 MB") {
			t.Errorf("an oversized document: %d", r.status)
		}
	})
}
