package site

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// storable reports whether PostgreSQL can keep s in a text column: valid
// UTF-8 without NUL. Anything a check accepts is saved as it is.
func storable(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }

// FuzzCheckMarkdown checks that Markdown the editor's check accepts is
// non-blank, within the size limit, can be stored, and renders to HTML with
// only allowed tags, safe links and no event handlers.
func FuzzCheckMarkdown(f *testing.F) {
	for _, s := range []string{
		"Hello.", "## Who\n\n- one\n- [two](/refer/yourself)\n\n| A | B |\n|---|---|\n| 1 | 2 |\n", "[Email](mailto:a@example.org) or [call](tel:999)",
		"<https://www.gov.uk>", "<script>x</script>", "[x](javascript:y)", "[x][r]\n\n[r]: vbscript:msgbox\n", "![a](x.png)", "# h1",
		"Title\n=====\n", "a\x00b", "caf\xe9", "[a](</x y>)", "[a](/x \"title\")", "`<b>`", "    <script>", "&lt;script&gt;", "[a](https://x.example/\u2028)",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		msg := CheckMarkdown(body)
		if msg != "" {
			return
		}
		if strings.TrimSpace(body) == "" || len(body) > MaxBody {
			t.Fatalf("accepted %q", body)
		}
		if !storable(body) {
			t.Fatalf("accepted %q, which cannot be stored", body)
		}
		html, err := Render(body)
		if err != nil {
			t.Fatal(err)
		}
		assertSafe(t, body, html)
	})
}

var fileNamePattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*\.pdf$`)

// FuzzEditCheck checks the page editor's rules: problems name only the
// form's fields, one message each; what is accepted is trimmed, within the
// limits, storable, and accepted again unchanged.
func FuzzEditCheck(f *testing.F) {
	for _, e := range []Edit{
		{Title: "How we work", Slug: "how-we-work", Body: "Text", Order: "2"},
		{Title: " A ", Slug: " How-We-Work ", Body: "Text\r\nmore"},
		{Title: "", Slug: "sign-in", Body: "<b>x</b>", Order: "-1"},
		{Title: strings.Repeat("é", MaxTitle+1), Slug: "a--b", Body: "# h", Order: "1000"},
		{Title: "a\x00b", Slug: "ab\x00", Body: "x", Order: "+5"},
		{Title: "caf\xe9", Slug: "café", Body: "x", Order: " 07 "},
	} {
		f.Add(e.Title, e.Slug, e.Body, e.Order, false)
	}
	f.Add("Home", "", "Welcome", "0", true)
	reserved := func(s string) bool { return s == "sign-in" || s == "refer" }
	f.Fuzz(func(t *testing.T, title, slug, body, order string, home bool) {
		c, errs := Edit{Title: title, Slug: slug, Body: body, Order: order}.Check(home, reserved)
		if len(errs) > 0 {
			seen := map[string]bool{}
			for _, e := range errs {
				if !map[string]bool{"title": true, "slug": true, "order": true, "body": true}[e.Name] || e.Message == "" || seen[e.Name] {
					t.Fatalf("problem %+v in %+v", e, errs)
				}
				seen[e.Name] = true
			}
			return
		}
		switch n := utf8.RuneCountInString(c.Title); {
		case n == 0 || n > MaxTitle || c.Title != strings.TrimSpace(c.Title):
			t.Fatalf("accepted title %q", c.Title)
		case home && c.Slug != "":
			t.Fatalf("home page given slug %q", c.Slug)
		case !home && (!slugPattern.MatchString(c.Slug) || len(c.Slug) > MaxSlug || reserved(c.Slug)):
			t.Fatalf("accepted slug %q", c.Slug)
		case c.Order < 0 || c.Order > MaxOrder:
			t.Fatalf("accepted order %d", c.Order)
		case strings.Contains(c.Body, "\r\n") || CheckMarkdown(c.Body) != "":
			t.Fatalf("accepted body %q", c.Body)
		case !storable(c.Title) || !storable(c.Slug) || !storable(c.Body):
			t.Fatalf("accepted %+v, which cannot be stored", c)
		}
		again, errs := Edit{Title: c.Title, Slug: c.Slug, Body: c.Body, Order: strconv.Itoa(c.Order)}.Check(home, reserved)
		if len(errs) > 0 || again != c {
			t.Fatalf("checked edit %+v checks again as %+v, %v", c, again, errs)
		}
	})
}

// FuzzCheckDocument checks policy uploads: problems name only the title or
// the file; the stored file name is always a safe base name ending .pdf;
// an accepted upload is a PDF by its content, within the size limit, with
// a storable title.
func FuzzCheckDocument(f *testing.F) {
	pdf := []byte("%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n")
	f.Add("Safeguarding children policy", `C:\Users\x\Safeguarding Children Policy (2026).PDF`, pdf)
	f.Add(" ", "../../etc/passwd", []byte("<html><script>x</script></html>"))
	f.Add("Policy", "", []byte{})
	f.Add("a\x00b", "\xff.pdf", pdf)
	f.Add("Policy", ".pdf", []byte("%PDF-1.4\n1 0 obj"))
	f.Add("Policy", strings.Repeat("a-", 100)+".pdf", pdf)
	f.Fuzz(func(t *testing.T, title, fileName string, content []byte) {
		d, errs := CheckDocument(title, fileName, content)
		if !fileNamePattern.MatchString(d.FileName) || len(d.FileName) > 84 {
			t.Fatalf("file name %q from %q", d.FileName, fileName)
		}
		if len(errs) > 0 {
			for _, e := range errs {
				if (e.Name != "title" && e.Name != "file") || e.Message == "" {
					t.Fatalf("problem %+v", e)
				}
			}
			return
		}
		if n := utf8.RuneCountInString(d.Title); n == 0 || n > MaxTitle || d.Title != strings.TrimSpace(d.Title) || !storable(d.Title) {
			t.Fatalf("accepted title %q", d.Title)
		}
		if len(content) == 0 || len(content) > MaxDocument || !strings.HasPrefix(string(content), "%PDF-") {
			t.Fatalf("accepted %d bytes that are not a PDF", len(content))
		}
	})
}
