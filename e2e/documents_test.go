package e2e

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
)

// A practitioner keeps a letter on her parent's record in a real browser:
// the form opens from the parent's page; sent without a file, its problem
// links to the file input and the title typed is kept; with the file
// chosen, the letter is listed, and its link downloads the file as it
// was. axe runs on each page.
func TestBrowserDocument(t *testing.T) {
	t.Parallel()
	letter := filepath.Join(t.TempDir(), "letter.pdf")
	content := "%PDF-1.4\n% A letter from children's social care\n%%EOF\n"
	if err := os.WriteFile(letter, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	_, tab := browseDemo(t, overallTimeout)
	tab.signIn(t, credentialFor(t, practitionerEmail))
	tab.open(t, "/caseload")
	amy := tab.caseloadLink(t, "Amy Foster", 0)
	tab.open(t, amy)
	tab.clickJS(t, "the link to add a document", `[...document.querySelectorAll('main a')].find(a => a.textContent.trim() === 'Add a document')`)
	tab.mustSee(t, "the document form", "What is the document?", "A PDF, JPEG or PNG smaller than 5 MB")

	add := `form[action$="/documents"] button[type="submit"]`
	tab.fill(t, "#document_title", "Letter from children's social care")
	tab.click(t, add)
	tab.mustSee(t, "the document form's problem", "There is a problem", "Select the file to add")
	tab.errorLinksResolve(t, "document-problems")
	if got := tab.value(t, "#document_title"); got != "Letter from children's social care" {
		t.Errorf("the title typed was not kept: %q", got)
	}
	tab.pageChecks(t, "document-01-problems")
	tab.screenshot(t, "document-01-problems")

	tab.run(t, "choosing the file", chromedp.SetUploadFiles(chromedp.CSS("#document_file"), []string{letter}))
	tab.click(t, add)
	tab.mustSee(t, "Amy's page with the letter", "Letter from children's social care", "PDF, 1 KB", "by Priya Shah")
	tab.pageChecks(t, "document-02-listed")
	tab.screenshot(t, "document-02-listed")
	// The link downloads the file as it was, as a PDF attachment.
	var got string
	tab.evalInto(t, `(async () => {
		const a = [...document.querySelectorAll('#documents ~ table a[download]')].find(a => a.textContent.startsWith("Letter from children"));
		const r = await fetch(a.href);
		return r.headers.get('content-type') + '|' + r.headers.get('content-disposition') + '|' + await r.text();
	})()`, &got, chromedp.EvalAwaitPromise)
	if want := "application/pdf|attachment; filename=\"Letter from children s social care.pdf\"|" + content; got != want {
		t.Errorf("the download: %q, want %q", got, want)
	}
}
