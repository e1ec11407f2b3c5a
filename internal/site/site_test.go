package site

import (
	"regexp"
	"strings"
	"testing"
)

func TestCheckMarkdown(t *testing.T) {
	tests := []struct {
		name, body, want string // want: a fragment of the message, "" for accepted
	}{
		{"plain text", "Hello.", ""},
		{"headings lists links table", "## Who\n\n- one\n- [two](/refer/yourself)\n\n1. a\n2. [b](https://www.gov.uk/)\n\n| A | B |\n|---|---|\n| 1 | 2 |\n\n> inset\n", ""},
		{"mail and phone links", "[Email](mailto:hello@example.org) or [call](tel:999)", ""},
		{"fragment", "[Top](#main-content)", ""},
		{"autolink https", "<https://www.gov.uk>", ""},
		{"empty", "  \n", "Enter the page text"},
		{"script block", "Hi\n\n<script>alert(1)</script>\n", "Remove the HTML (line 3)"},
		{"inline html", "Hi <b onclick=x>there</b>", "Remove the HTML (line 1)"},
		{"iframe", "<iframe src=https://evil.example></iframe>", "Remove the HTML"},
		{"html comment", "<!-- hidden -->", "Remove the HTML"},
		{"javascript link", "[x](javascript:alert(1))", `The link to "javascript:alert(1)" cannot be used (line 1)`},
		{"javascript link mixed case", "[x](JaVaScRiPt:alert(1))", "cannot be used"},
		{"javascript autolink", "<javascript:alert(1)>", "cannot be used"},
		{"data link", "[x](data:text/html;base64,PHNjcmlwdD4=)", "cannot be used"},
		{"protocol relative", "[x](//evil.example/)", "cannot be used"},
		{"reference link", "[x][r]\n\n[r]: vbscript:msgbox\n", "cannot be used"},
		{"image", "![a](https://evil.example/a.png)", "Remove the image"},
		{"h1", "# Title again", "Use ## for headings"},
		{"setext h1", "Title\n=====\n", "Use ## for headings"},
		{"huge", strings.Repeat("a", MaxBody+1), "Page text must be 50,000 characters or fewer (it is 50,001)"},
		{"nul", "a\x00b", "null character"},
		{"broken UTF-8", "caf\xe9", "characters that cannot be shown"}, // found by FuzzCheckMarkdown
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := CheckMarkdown(tt.body)
			if tt.want == "" && got != "" {
				t.Fatalf("refused: %s", got)
			}
			if tt.want != "" && !strings.Contains(got, tt.want) {
				t.Fatalf("message %q, want it to contain %q", got, tt.want)
			}
		})
	}
}

func TestRenderUsesGOVUKClasses(t *testing.T) {
	body := "Intro with **bold** and a [link](/privacy).\n\n## Part\n\n### Sub\n\n- a\n- b\n\n1. one\n\n> note\n\n| Name | Purpose |\n|---|---|\n| x | y |\n\n---\n"
	got, err := Render(body)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`<p class="govuk-body">Intro with <strong>bold</strong> and a <a href="/privacy" class="govuk-link">link</a>.</p>`,
		`<h2 class="govuk-heading-m">Part</h2>`,
		`<h3 class="govuk-heading-s">Sub</h3>`,
		`<ul class="govuk-list govuk-list--bullet">`,
		`<ol class="govuk-list govuk-list--number">`,
		`<blockquote class="govuk-inset-text">`,
		`<table class="govuk-table">`,
		`<th class="govuk-table__header">Name</th>`,
		`<td class="govuk-table__cell">x</td>`,
		`<hr class="govuk-section-break`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("rendered HTML lacks %s:\n%s", want, got)
		}
	}
}

// Render must be safe even on text that CheckMarkdown would refuse (a
// page stored before a rule existed, or a bug in the check).
func TestRenderNeutralisesWhatCheckRefuses(t *testing.T) {
	for _, body := range []string{
		"<script>alert(1)</script>",
		"a <img src=x onerror=alert(1)> b",
		"<iframe src=https://evil.example></iframe>",
		"[x](javascript:alert(1))",
		"[x](JAVASCRIPT:alert(1))",
		"<javascript:alert(1)>",
		"![a](https://evil.example/track.png)",
		"[x](//evil.example)",
		"# One",
	} {
		got, err := Render(body)
		if err != nil {
			t.Fatal(err)
		}
		assertSafe(t, body, got)
	}
}

var (
	tagPattern  = regexp.MustCompile(`<(/?)([a-zA-Z0-9]+)`)
	hrefPattern = regexp.MustCompile(`href="([^"]*)"`)
	allowedTags = map[string]bool{"p": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true, "ul": true, "ol": true, "li": true,
		"a": true, "strong": true, "em": true, "blockquote": true, "table": true, "thead": true, "tbody": true, "tr": true, "th": true,
		"td": true, "hr": true, "code": true, "pre": true, "br": true, "del": true}
)

func assertSafe(t *testing.T, body, html string) {
	t.Helper()
	for _, m := range tagPattern.FindAllStringSubmatch(html, -1) {
		if !allowedTags[strings.ToLower(m[2])] {
			t.Fatalf("Render(%q) produced a <%s> tag:\n%s", body, m[2], html)
		}
	}
	for _, m := range hrefPattern.FindAllStringSubmatch(html, -1) {
		if m[1] != "#" && !SafeURL(m[1]) {
			t.Fatalf("Render(%q) produced an unsafe link %q:\n%s", body, m[1], html)
		}
	}
	if strings.Contains(strings.ToLower(html), " on") && regexp.MustCompile(`(?i)<[^>]+\son[a-z]+=`).MatchString(html) {
		t.Fatalf("Render(%q) produced an event handler attribute:\n%s", body, html)
	}
}

func TestSafeURL(t *testing.T) {
	for url, want := range map[string]bool{
		"/refer/yourself": true, "#top": true, "https://www.gov.uk/x": true, "http://example.org": true,
		"mailto:a@example.org": true, "tel:999": true,
		"": false, "javascript:alert(1)": false, " javascript:x": false, "//evil.example": false, "data:text/html,x": false,
		"vbscript:x": false, "file:///etc/passwd": false, "https://": false, "mailto:": false, "relative/path": false,
		"/\\evil.example": false, "java\tscript:x": false,
		"http://aa!aa@\"00": false, "https://user:pw@www.gov.uk": false, "https://www.gov.uk:443/x?y=1#z": true, "https://bad_host.example": false,
		"http://0\u2028": false, "https://www.gov.uk/\u200b": false, "https://www.gov.uk ": false,
	} {
		if got := SafeURL(url); got != want {
			t.Errorf("SafeURL(%q) = %v, want %v", url, got, want)
		}
	}
}

func TestEditCheck(t *testing.T) {
	reserved := func(s string) bool { return s == "sign-in" }
	tests := []struct {
		name   string
		edit   Edit
		home   bool
		fields []string
	}{
		{"good", Edit{Title: "How we work", Slug: "how-we-work", Body: "Text", Order: "2"}, false, nil},
		{"slug lower-cased and trimmed", Edit{Title: "A", Slug: " How-We-Work ", Body: "Text"}, false, nil},
		{"home needs no slug", Edit{Title: "Home", Slug: "", Body: "Text"}, true, nil},
		{"everything wrong", Edit{Title: " ", Slug: "", Body: "", Order: "x"}, false, []string{"title", "slug", "order", "body"}},
		{"title too long", Edit{Title: strings.Repeat("a", MaxTitle+1), Slug: "a", Body: "b"}, false, []string{"title"}},
		{"slug with spaces", Edit{Title: "A", Slug: "how we work", Body: "b"}, false, []string{"slug"}},
		{"slug with double hyphen", Edit{Title: "A", Slug: "a--b", Body: "b"}, false, []string{"slug"}},
		{"slug with slash", Edit{Title: "A", Slug: "a/b", Body: "b"}, false, []string{"slug"}},
		{"slug too long", Edit{Title: "A", Slug: strings.Repeat("a", MaxSlug+1), Body: "b"}, false, []string{"slug"}},
		{"reserved slug", Edit{Title: "A", Slug: "sign-in", Body: "b"}, false, []string{"slug"}},
		{"negative order", Edit{Title: "A", Slug: "a", Body: "b", Order: "-1"}, false, []string{"order"}},
		{"order too big", Edit{Title: "A", Slug: "a", Body: "b", Order: "1000"}, false, []string{"order"}},
		{"script body", Edit{Title: "A", Slug: "a", Body: "<script>x</script>"}, false, []string{"body"}},
		// Found by FuzzEditCheck: PostgreSQL refused to save these titles.
		{"nul in title", Edit{Title: "A\x00B", Slug: "a", Body: "b"}, false, []string{"title"}},
		{"broken UTF-8 in title", Edit{Title: "Caf\xe9", Slug: "a", Body: "b"}, false, []string{"title"}},
		{"control character in title", Edit{Title: "A\u0085B", Slug: "a", Body: "b"}, false, []string{"title"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, errs := tt.edit.Check(tt.home, reserved)
			var got []string
			for _, e := range errs {
				got = append(got, e.Name)
			}
			if strings.Join(got, ",") != strings.Join(tt.fields, ",") {
				t.Fatalf("fields %v, want %v (%v)", got, tt.fields, errs)
			}
			if len(errs) == 0 && tt.edit.Slug != "" && c.Slug != strings.ToLower(strings.TrimSpace(tt.edit.Slug)) {
				t.Fatalf("slug %q", c.Slug)
			}
		})
	}
}

func TestDefaultsAreCompleteAndPublishable(t *testing.T) {
	pages, err := Defaults("For Baby's Sake", "hello@example.org")
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]Page{}
	slugs := map[string]bool{}
	for _, p := range pages {
		if _, dup := keys[p.Key]; dup {
			t.Fatalf("key %q twice", p.Key)
		}
		keys[p.Key] = p
		if slugs[p.Slug] {
			t.Fatalf("slug %q twice", p.Slug)
		}
		slugs[p.Slug] = true
		if msg := CheckMarkdown(p.Body); msg != "" {
			t.Errorf("%s: %s", p.Key, msg)
		}
		if strings.Contains(p.Body, "{organisation}") || strings.Contains(p.Body, "{email}") {
			t.Errorf("%s: a token was not filled in", p.Key)
		}
	}
	for _, k := range []string{KeyHome, KeySafeguarding, KeyPrivacy, KeyCookies, KeyAccessibility, "how-we-work", "domestic-abuse",
		"who-we-work-with", "why-pregnancy", "how-families-come-to-us", "what-we-deliver", "other-agencies", "our-language", "right-for-your-family"} {
		if _, ok := keys[k]; !ok {
			t.Errorf("no shipped page %q", k)
		}
	}
	if keys[KeyHome].Slug != "" || keys[KeyHome].Section != SectionHome {
		t.Errorf("home page: %+v", keys[KeyHome])
	}
	if !strings.Contains(keys[KeyPrivacy].Body, "For Baby's Sake") || !strings.Contains(keys[KeyPrivacy].Body, "mailto:hello@example.org") {
		t.Error("the privacy notice does not name the organisation and its email")
	}
	for _, c := range []string{"cradle_session", `\_\_Host-cradle_session`, "cradle_refer"} {
		if !strings.Contains(keys[KeyCookies].Body, c) {
			t.Errorf("the cookies page does not list %s", c)
		}
	}
	if pages[0].Key != KeyHome {
		t.Errorf("first page is %q, want the home page", pages[0].Key)
	}
}

func TestFillWithoutEmailPointsToSafeguarding(t *testing.T) {
	got := Fill("Contact us using {email}. {organisation} is the controller.", "", "")
	if got != "Contact us using the contact details on our [safeguarding page](/safeguarding). The organisation that runs this website is the controller." {
		t.Fatal(got)
	}
}

func TestParseFileRefusesBadFrontMatter(t *testing.T) {
	for _, src := range []string{
		"no front matter",
		"---\nkey: a\n",
		"---\nkey: a\nslug: a\ntitle: A\nsection: nowhere\norder: 1\n---\nText\n",
		"---\nkey: a\nslug: a\ntitle: A\nsection: about\norder: x\n---\nText\n",
		"---\nkey: a\ncolour: red\n---\nText\n",
		"---\nslug: a\ntitle: A\nsection: about\norder: 1\n---\nText\n",
		"---\nkey: a\nslug: a\ntitle: A\nsection: about\norder: 1\n---\n<script>x</script>\n",
	} {
		if _, err := parseFile([]byte(src)); err == nil {
			t.Errorf("accepted %q", src)
		}
	}
}

func FuzzRender(f *testing.F) {
	for _, s := range []string{"## a\n\n- [b](/c)", "<script>x</script>", "[x](javascript:y)", "| a |\n|--|\n| b |", "> q\n\n1. x", "<https://a.b>", "![i](x)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		if len(body) > MaxBody {
			return
		}
		html, err := Render(body)
		if err != nil {
			t.Fatal(err)
		}
		assertSafe(t, body, html)
		_ = CheckMarkdown(body)
	})
}

func TestCheckDocument(t *testing.T) {
	pdf := []byte("%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n")
	tests := []struct {
		name, title, file string
		content           []byte
		fields            string
		wantName          string
	}{
		{"good", "Safeguarding children policy", "C:\\Users\\x\\Safeguarding Children Policy (2026).PDF", pdf, "", "safeguarding-children-policy-2026.pdf"},
		{"no title", " ", "a.pdf", pdf, "title", "a.pdf"},
		{"no file", "Policy", "", nil, "file", "document.pdf"},
		{"empty file", "Policy", "a.pdf", []byte{}, "file", "a.pdf"},
		{"not a pdf", "Policy", "a.pdf", []byte("<html><script>x</script></html>"), "file", "a.pdf"},
		{"truncated pdf", "Policy", "a.pdf", []byte("%PDF-1.4\n1 0 obj"), "file", "a.pdf"},
		{"too big", "Policy", "a.pdf", append(append([]byte("%PDF-"), make([]byte, MaxDocument)...), "%%EOF"...), "file", "a.pdf"},
		{"path in name", "Policy", "../../etc/passwd", pdf, "", "passwd.pdf"},
		// Found by FuzzCheckDocument: PostgreSQL refused the save.
		{"nul in title", "Policy\x00", "a.pdf", pdf, "title", "a.pdf"},
		{"broken UTF-8 in title", "Caf\xe9 policy", "a.pdf", pdf, "title", "a.pdf"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, errs := CheckDocument(tt.title, tt.file, tt.content)
			var got []string
			for _, e := range errs {
				got = append(got, e.Name)
			}
			if strings.Join(got, ",") != tt.fields {
				t.Fatalf("fields %v, want %q", errs, tt.fields)
			}
			if d.FileName != tt.wantName {
				t.Fatalf("file name %q, want %q", d.FileName, tt.wantName)
			}
		})
	}
}
