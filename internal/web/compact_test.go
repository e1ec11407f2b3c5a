package web

import (
	"io/fs"
	"strings"
	"testing"
	"text/template"
)

func TestCompactTemplate(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"indentation", "<div>\n  <p>Hello</p>\n    <p>there</p>\n</div>\n", "<div>\n<p>Hello</p>\n<p>there</p>\n</div>\n"},
		{"blank lines keep their newlines (template errors give source lines)", "<p>a</p>\n\n\n    \n  <p>b</p>", "<p>a</p>\n\n\n\n<p>b</p>"},
		{"trailing spaces and CRLF", "<p>a</p>  \t\r\n\r\n  <p>b</p>", "<p>a</p>\n\n<p>b</p>"},
		{"space between inline elements", `<a href="/x">X</a> <a href="/y">Y</a>`, `<a href="/x">X</a> <a href="/y">Y</a>`},
		{"runs without a newline", "a  b\tc \t d", "a  b\tc \t d"},
		{"attributes across lines", "<input\n    id=\"x\"\n    name=\"x\">", "<input\nid=\"x\"\nname=\"x\">"},
		{"pre", "<div>\n  <pre>\n  line 1\n\n    line 2\n  </pre>\n  </div>", "<div>\n<pre>\n  line 1\n\n    line 2\n  </pre>\n</div>"},
		{"textarea", "<div>\n  <textarea>\n  a\n\n  b</textarea>\n  </div>", "<div>\n<textarea>\n  a\n\n  b</textarea>\n</div>"},
		{"script", "<body>\n  <script type=\"module\">\n    if (a) {\n      b()\n    }\n  </script>\n  <p>x</p>", "<body>\n<script type=\"module\">\n    if (a) {\n      b()\n    }\n  </script>\n<p>x</p>"},
		{"uppercase tag with attributes", "<div>\n  <TEXTAREA class=\"x\" rows=\"2\">  one\n    two  </TextArea >\n  </div>", "<div>\n<TEXTAREA class=\"x\" rows=\"2\">  one\n    two  </TextArea >\n</div>"},
		{"start tag across lines, with a trim marker", "<textarea id=\"x\"\n    {{- if .A}} aria-describedby=\"h\"{{end}}>{{.V}}</textarea>\n  <p>", "<textarea id=\"x\"\n    {{- if .A}} aria-describedby=\"h\"{{end}}>{{.V}}</textarea>\n<p>"},
		{"verbatim content with an action", "<pre>\n  {{.X}}\n  </pre>\n  x", "<pre>\n  {{.X}}\n  </pre>\nx"},
		{"a closing tag inside an action in verbatim content", "<pre>\n  {{\"</pre>\"}}\n  </pre>\n  x", "<pre>\n  {{\"</pre>\"}}\n  </pre>\nx"},
		{"unclosed pre is left alone", "<pre>\n  a\n\n  b", "<pre>\n  a\n\n  b"},
		{"names that only begin like verbatim tags", "<presentation>\n  a\n</presentation>\n  <scripts>\n  b", "<presentation>\na\n</presentation>\n<scripts>\nb"},
		{"action between whitespace", "<p>\n    {{.Name}}\n  </p>", "<p>\n{{.Name}}\n</p>"},
		{"space next to an action", "<p>{{.A}} {{.B}}</p>\n  {{if .C}} <b>c</b>{{end}}", "<p>{{.A}} {{.B}}</p>\n{{if .C}} <b>c</b>{{end}}"},
		{"trim markers", "a\n    {{- .X -}}\n    b", "a\n{{- .X -}}\nb"},
		{"inside actions", "{{printf `a\n\n    b`}}\n  {{/* note\n\n     more */}}\n  {{\"}}  \"}}\n  x", "{{printf `a\n\n    b`}}\n{{/* note\n\n     more */}}\n{{\"}}  \"}}\nx"},
		{"a comment with a trim marker", "{{- /* a }}\n\n  b */ -}}\n  x", "{{- /* a }}\n\n  b */ -}}\nx"},
		{"empty", "", ""},
		{"only whitespace", " \n\t\n ", "\n\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := compactTemplate(tc.in)
			if got != tc.want {
				t.Errorf("compactTemplate(%q)\n got %q\nwant %q", tc.in, got, tc.want)
			}
			if again := compactTemplate(got); again != got {
				t.Errorf("not idempotent: once %q, twice %q", got, again)
			}
		})
	}
}

// Trim markers still trim: a compacted template writes what the original
// writes, compacted (the output here has no actions to step around).
func TestCompactTemplateKeepsTrimming(t *testing.T) {
	data := map[string]any{"X": "x", "A": true, "Items": []string{"1", "2"}}
	for _, src := range []string{
		"a\n    {{- .X -}}\n    b",
		"<ul>\n  {{- range .Items}}\n    <li>{{.}}</li>\n  {{- end}}\n</ul>",
		"<p\n    {{- if .A}} class=\"a\"{{end}}>\n  text\n</p>",
		"{{/* comment */ -}}\n\n  <p>x</p>",
	} {
		if got, want := execute(t, compactTemplate(src), data), execute(t, src, data); got != compactTemplate(want) {
			t.Errorf("%q: compacted writes %q, want %q", src, got, compactTemplate(want))
		}
	}
}

func execute(t *testing.T, src string, data any) string {
	t.Helper()
	var b strings.Builder
	if err := template.Must(template.New("t").Parse(src)).Execute(&b, data); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// Every real template parses the same way after one pass as after two.
func TestCompactRealTemplatesIdempotent(t *testing.T) {
	files, err := fs.Glob(templateFiles, "templates/*/*.html")
	if err != nil || len(files) == 0 {
		t.Fatal(files, err)
	}
	for _, f := range append(files, "templates/layout.html") {
		b, err := fs.ReadFile(templateFiles, f)
		if err != nil {
			t.Fatal(err)
		}
		if once := compactTemplate(string(b)); compactTemplate(once) != once {
			t.Errorf("%s: not idempotent", f)
		}
	}
}

// TestCompactKeepsLineNumbers: an error in a compacted template names the
// line it is on in the source file.
func TestCompactKeepsLineNumbers(t *testing.T) {
	src := "<div>\n    <p>a</p>\n\n      \n    <p>{{.X</p>\n</div>\n"
	_, err := template.New("page.html").Parse(compactTemplate(src))
	if err == nil || !strings.Contains(err.Error(), "page.html:5:") {
		t.Fatalf("error = %v, want one on line 5", err)
	}
}
