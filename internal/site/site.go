// Package site owns the public website's content rules: the shipped pages
// (embedded Markdown, written afresh from the programme's own facts), what
// makes a page edit acceptable (title, slug, Markdown with no raw HTML and
// only safe links), and rendering Markdown to HTML with GOV.UK classes.
// It is pure: storage and HTTP sit around it.
package site

import (
	"bufio"
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/cradle-org/cradle/internal/problem"
)

//go:embed content/*.md
var content embed.FS

// Section says where a page is listed.
type Section string

const (
	// SectionHome is the site's front page, served at "/" (it has no slug).
	SectionHome Section = "home"
	// SectionAbout pages are listed in the "About the programme" navigation.
	SectionAbout Section = "about"
	// SectionFooter pages (privacy, cookies, accessibility) are linked from every page's footer.
	SectionFooter Section = "footer"
)

// Key names a shipped page whatever its slug becomes; the application
// finds the pages it adds to (the safeguarding page's contacts) by key.
const (
	KeyHome          = "home"
	KeySafeguarding  = "safeguarding"
	KeyPrivacy       = "privacy"
	KeyCookies       = "cookies"
	KeyAccessibility = "accessibility"
)

// Limits on what an editor may save.
const (
	MaxTitle = 120
	MaxSlug  = 80
	// MaxBody is generous for a web page (the privacy notice is about
	// 10,000 characters) and small enough that rendering stays fast.
	MaxBody = 50_000
	// MaxOrder keeps navigation order a small, typeable number.
	MaxOrder = 999
)

// Page is a page's content as shipped or as edited.
type Page struct {
	Key     string // stable name of a shipped page ("" for pages added later)
	Slug    string // the address: /{slug}; "" only for the home page
	Title   string
	Section Section
	Order   int
	Body    string // Markdown
}

// Defaults are the shipped pages, in section and navigation order, with
// {organisation} and {email} filled in.
func Defaults(organisation, email string) ([]Page, error) {
	names, err := fs.Glob(content, "content/*.md")
	if err != nil {
		return nil, err
	}
	var out []Page
	for _, n := range names {
		b, err := content.ReadFile(n)
		if err != nil {
			return nil, err
		}
		p, err := parseFile(b)
		if err != nil {
			return nil, fmt.Errorf("shipped page %s: %w", n, err)
		}
		p.Body = Fill(p.Body, organisation, email)
		out = append(out, p)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Section != out[j].Section {
			return sectionRank(out[i].Section) < sectionRank(out[j].Section)
		}
		return out[i].Order < out[j].Order
	})
	return out, nil
}

func sectionRank(s Section) int {
	switch s {
	case SectionHome:
		return 0
	case SectionAbout:
		return 1
	}
	return 2
}

// Fill puts the organisation's name and contact email into shipped text.
// Without an email address the sentence points to the safeguarding page,
// which always carries the organisation's contacts.
func Fill(body, organisation, email string) string {
	if organisation == "" {
		organisation = "The organisation that runs this website"
	}
	contact := "the contact details on our [safeguarding page](/safeguarding)"
	if email != "" {
		contact = "[" + email + "](mailto:" + email + ")"
	}
	return strings.NewReplacer("{organisation}", organisation, "{email}", contact).Replace(body)
}

// parseFile reads a shipped page: a front-matter block of "key: value"
// lines between "---" lines, then the Markdown body.
func parseFile(b []byte) (Page, error) {
	var p Page
	sc := bufio.NewScanner(bytes.NewReader(b))
	if !sc.Scan() || strings.TrimSpace(sc.Text()) != "---" {
		return p, fmt.Errorf("no front matter")
	}
	closed := false
	for sc.Scan() {
		line := sc.Text()
		if strings.TrimSpace(line) == "---" {
			closed = true
			break
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			return p, fmt.Errorf("front matter line %q has no colon", line)
		}
		v = strings.TrimSpace(v)
		switch strings.TrimSpace(k) {
		case "key":
			p.Key = v
		case "slug":
			p.Slug = v
		case "title":
			p.Title = v
		case "section":
			p.Section = Section(v)
		case "order":
			n, err := strconv.Atoi(v)
			if err != nil {
				return p, fmt.Errorf("order %q is not a number", v)
			}
			p.Order = n
		default:
			return p, fmt.Errorf("unknown front matter key %q", k)
		}
	}
	if !closed {
		return p, fmt.Errorf("front matter is not closed with ---")
	}
	var body strings.Builder
	for sc.Scan() {
		body.WriteString(sc.Text())
		body.WriteByte('\n')
	}
	if err := sc.Err(); err != nil {
		return p, err
	}
	p.Body = strings.TrimSpace(body.String()) + "\n"
	if p.Key == "" {
		return p, fmt.Errorf("no key")
	}
	switch p.Section {
	case SectionHome, SectionAbout, SectionFooter:
	default:
		return p, fmt.Errorf("unknown section %q", p.Section)
	}
	e := Edit{Title: p.Title, Slug: p.Slug, Body: p.Body, Order: strconv.Itoa(p.Order)}
	if _, errs := e.Check(p.Section == SectionHome, nil); len(errs) > 0 {
		return p, fmt.Errorf("%s: %s", errs[0].Name, errs[0].Message)
	}
	return p, nil
}

// textProblem says why a one-line text cannot be saved as it is, or "":
// broken UTF-8 or a NUL would make PostgreSQL refuse the save (a server
// error, not a message), and other control characters are invisible.
// The words follow problem.Fields.Text.
func textProblem(label, s string) string {
	switch {
	case !utf8.ValidString(s):
		return label + " must only include letters, numbers and punctuation"
	case strings.ContainsFunc(s, unicode.IsControl):
		return label + " must not include hidden control characters"
	}
	return ""
}

// Edit is what an administrator typed into the page editor.
type Edit struct {
	Title string
	Slug  string
	Body  string
	Order string
}

// Checked is an edit that passed Check, with its order as a number.
type Checked struct {
	Title, Slug, Body string
	Order             int
}

var slugPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// ValidSlug says whether s could be a page's address (without the slash).
// Anything else cannot name a page, now or before, so it need not be
// looked up.
func ValidSlug(s string) bool { return len(s) <= MaxSlug && slugPattern.MatchString(s) }

// Check validates an edit. home says the page is the front page (which
// has no slug); reserved says whether a slug is taken by the application
// itself (sign-in, refer, assets …). Every problem is reported at once,
// each against its field, in the order of the form.
// newlines makes every line end "\n": browsers send "\r\n", and a lone "\r"
// (old Mac files) is a line end too. One pass, so "\r\r\n" cannot become
// "\r\n" and need a second.
var newlines = strings.NewReplacer("\r\n", "\n", "\r", "\n")

func (e Edit) Check(home bool, reserved func(string) bool) (Checked, problem.Fields) {
	var errs problem.Fields
	c := Checked{Title: strings.TrimSpace(e.Title), Slug: strings.ToLower(strings.TrimSpace(e.Slug)), Body: newlines.Replace(e.Body)}
	switch n := utf8.RuneCountInString(c.Title); {
	case n == 0:
		errs = append(errs, problem.Field{Name: "title", Message: "Enter a title"})
	case n > MaxTitle:
		errs = append(errs, problem.Field{Name: "title", Message: fmt.Sprintf("Title must be %d characters or fewer", MaxTitle)})
	default:
		if msg := textProblem("Title", c.Title); msg != "" {
			errs = append(errs, problem.Field{Name: "title", Message: msg})
		}
	}
	if home {
		c.Slug = ""
	} else {
		switch {
		case c.Slug == "":
			errs = append(errs, problem.Field{Name: "slug", Message: "Enter the page address"})
		case len(c.Slug) > MaxSlug:
			errs = append(errs, problem.Field{Name: "slug", Message: fmt.Sprintf("Page address must be %d characters or fewer", MaxSlug)})
		case !ValidSlug(c.Slug):
			errs = append(errs, problem.Field{Name: "slug", Message: "Page address must only include lower-case letters a to z, numbers and single hyphens between words, like how-we-work"})
		case reserved != nil && reserved(c.Slug):
			errs = append(errs, problem.Field{Name: "slug", Message: fmt.Sprintf("The address /%s is used by another part of the service. Choose a different address", c.Slug)})
		}
	}
	order := strings.TrimSpace(e.Order)
	if order == "" {
		order = "0"
	}
	if n, err := strconv.Atoi(order); err != nil || n < 0 || n > MaxOrder {
		errs = append(errs, problem.Field{Name: "order", Message: fmt.Sprintf("Position in the menu must be a whole number from 0 to %d", MaxOrder)})
	} else {
		c.Order = n
	}
	if msg := CheckMarkdown(c.Body); msg != "" {
		errs = append(errs, problem.Field{Name: "body", Message: msg})
	}
	return c, errs
}
