package site

import (
	"bytes"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// The Markdown dialect: CommonMark with GitHub tables. Raw HTML is never
// rendered (goldmark omits it unless told otherwise, and CheckMarkdown
// refuses it with a message so an editor knows); links must be to this
// site or to http(s), mailto: or tel: addresses; images are refused, as
// pages cannot show an uploaded image and a remote one would be a
// third-party request.

// newMarkdown builds a converter. It is cheap, and a new one per call keeps
// the package free of shared state. The check parses without the GOV.UK
// transformer, which would otherwise hide what it strips.
func newMarkdown(render bool) goldmark.Markdown {
	if !render {
		return goldmark.New(goldmark.WithExtensions(extension.Table))
	}
	return goldmark.New(
		goldmark.WithExtensions(extension.Table),
		goldmark.WithParserOptions(parser.WithASTTransformers(util.Prioritized(govukClasses{}, 100))),
	)
}

// CheckMarkdown returns a plain-English message for the first thing in
// body that cannot be published, or "" when it is all acceptable.
func CheckMarkdown(body string) string {
	if strings.TrimSpace(body) == "" {
		return "Enter the page text"
	}
	if len(body) > MaxBody {
		return fmt.Sprintf("Page text must be %s characters or fewer (it is %s). Split it into more than one page", thousands(MaxBody), thousands(len(body)))
	}
	if strings.ContainsRune(body, 0) {
		return "Page text contains a character that cannot be shown (a null character). Remove it and try again"
	}
	// Broken UTF-8 cannot be stored in PostgreSQL: the save would fail.
	if !utf8.ValidString(body) {
		return "Page text contains characters that cannot be shown. Copy it as plain text and try again"
	}
	src := []byte(body)
	doc := newMarkdown(false).Parser().Parse(text.NewReader(src))
	var msg string
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering || msg != "" {
			return ast.WalkContinue, nil
		}
		line := func() string {
			if l := lineOf(n, src); l > 0 {
				return fmt.Sprintf(" (line %d)", l)
			}
			return ""
		}
		switch n := n.(type) {
		case *ast.HTMLBlock, *ast.RawHTML:
			msg = "Remove the HTML" + line() + ": page text is written in Markdown only, so tags like <script>, <iframe> or <div> cannot be used"
		case *ast.Image:
			msg = "Remove the image" + line() + ": pages cannot show images"
		case *ast.Heading:
			if n.Level == 1 {
				msg = "Use ## for headings" + line() + ": the page title is the page's main heading, so a heading with a single # cannot be used"
			}
		case *ast.Link:
			if !SafeURL(string(n.Destination)) {
				msg = fmt.Sprintf("The link to %q cannot be used%s: links must start with /, https://, http://, mailto: or tel:", clip(string(n.Destination)), line())
			}
		case *ast.AutoLink:
			if !SafeURL(autoLinkHref(n, src)) {
				msg = fmt.Sprintf("The link to %q cannot be used%s: links must start with /, https://, http://, mailto: or tel:", clip(string(n.URL(src))), line())
			}
		}
		return ast.WalkContinue, nil
	})
	return msg
}

// Render turns checked Markdown into HTML with GOV.UK classes. It is safe
// on any input: raw HTML is dropped and unsafe links lose their address,
// so a stored page that predates a rule still cannot carry script.
func Render(body string) (string, error) {
	var buf bytes.Buffer
	if err := newMarkdown(true).Convert([]byte(body), &buf); err != nil {
		return "", fmt.Errorf("rendering Markdown: %w", err)
	}
	return buf.String(), nil
}

var (
	hostPattern = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$`)
	portPattern = regexp.MustCompile(`^[0-9]{0,5}$`)
)

// SafeURL says whether a link may be published: a path on this site, a
// fragment, or an http(s), mailto: or tel: address. Anything else
// (javascript:, data:, vbscript:, protocol-relative //host) is refused.
func SafeURL(raw string) bool {
	// Any space, control or invisible formatting character (U+2028, say)
	// is refused rather than trimmed: the link would keep it, so what was
	// checked would not be what is published.
	s := raw
	if s == "" || strings.ContainsRune(s, '\\') || strings.IndexFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == utf8.RuneError
	}) >= 0 {
		return false
	}
	if strings.HasPrefix(s, "#") {
		return true
	}
	if strings.HasPrefix(s, "/") {
		return !strings.HasPrefix(s, "//")
	}
	u, err := url.Parse(s)
	if err != nil {
		return false
	}
	switch strings.ToLower(u.Scheme) {
	case "https", "http":
		// No user:password@ part (a way to disguise where a link goes) and
		// a plain ASCII host name, so the address a reader sees is the one
		// the link opens, and the rendered (escaped) href still parses.
		return u.User == nil && hostPattern.MatchString(u.Hostname()) && portPattern.MatchString(u.Port())
	case "mailto", "tel":
		return u.Opaque != ""
	}
	return false
}

// govukClasses gives rendered elements the GOV.UK Design System's classes,
// and strips what must not be rendered even if it was stored.
type govukClasses struct{}

func (govukClasses) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	var drop []ast.Node
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			switch n.Level {
			case 1, 2:
				n.Level = 2 // the page title is the only h1
				n.SetAttributeString("class", "govuk-heading-m")
			default:
				n.SetAttributeString("class", "govuk-heading-s")
			}
		case *ast.Paragraph:
			if _, inList := n.Parent().(*ast.ListItem); !inList {
				n.SetAttributeString("class", "govuk-body")
			}
		case *ast.List:
			if n.IsOrdered() {
				n.SetAttributeString("class", "govuk-list govuk-list--number")
			} else {
				n.SetAttributeString("class", "govuk-list govuk-list--bullet")
			}
		case *ast.Link:
			n.SetAttributeString("class", "govuk-link")
			if !SafeURL(string(n.Destination)) {
				n.Destination = []byte("#")
			}
		case *ast.AutoLink:
			if !SafeURL(autoLinkHref(n, reader.Source())) {
				drop = append(drop, n)
			}
		case *ast.Blockquote:
			n.SetAttributeString("class", "govuk-inset-text")
		case *ast.ThematicBreak:
			n.SetAttributeString("class", "govuk-section-break govuk-section-break--m govuk-section-break--visible")
		case *ast.Image, *ast.HTMLBlock, *ast.RawHTML:
			drop = append(drop, n)
		case *east.Table:
			n.SetAttributeString("class", "govuk-table")
		case *east.TableHeader:
			n.SetAttributeString("class", "govuk-table__row")
		case *east.TableRow:
			n.SetAttributeString("class", "govuk-table__row")
		case *east.TableCell:
			if _, head := n.Parent().(*east.TableHeader); head {
				n.SetAttributeString("class", "govuk-table__header")
			} else {
				n.SetAttributeString("class", "govuk-table__cell")
			}
		}
		return ast.WalkContinue, nil
	})
	for _, n := range drop {
		if p := n.Parent(); p != nil {
			p.RemoveChild(p, n)
		}
	}
}

// autoLinkHref is the href an autolink is rendered with: an email
// autolink gains "mailto:", so <#@0> is checked as mailto:#@0, not as the
// fragment #@0 (found by CI's fuzz run).
func autoLinkHref(n *ast.AutoLink, src []byte) string {
	u := string(n.URL(src))
	if n.AutoLinkType == ast.AutoLinkEmail && !strings.HasPrefix(strings.ToLower(u), "mailto:") {
		return "mailto:" + u
	}
	return u
}

// lineOf is the 1-based line of a node's first text, or 0 if unknown.
func lineOf(n ast.Node, src []byte) int {
	for c := n; c != nil; c = c.Parent() {
		if c.Type() == ast.TypeBlock && c.Lines().Len() > 0 {
			return bytes.Count(src[:c.Lines().At(0).Start], []byte("\n")) + 1
		}
		if t, ok := c.(*ast.Text); ok {
			return bytes.Count(src[:t.Segment.Start], []byte("\n")) + 1
		}
		if r, ok := c.(*ast.RawHTML); ok && r.Segments.Len() > 0 {
			return bytes.Count(src[:r.Segments.At(0).Start], []byte("\n")) + 1
		}
	}
	return 0
}

func clip(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}

func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
