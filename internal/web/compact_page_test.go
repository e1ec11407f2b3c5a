package web_test

import (
	"regexp"
	"strings"
	"testing"
)

// verbatim matches the elements whose whitespace pages keep as written.
var verbatim = regexp.MustCompile(`(?is)<(pre|textarea|script)\b.*?</(pre|textarea|script)\s*>`)

// indented returns the lines of a page, outside verbatim elements, that
// begin with two spaces: indentation carried over from template source.
func indented(body string) []string {
	var out []string
	for _, line := range strings.Split(verbatim.ReplaceAllString(body, ""), "\n") {
		if strings.HasPrefix(line, "  ") {
			out = append(out, line)
		}
	}
	return out
}

// Pages carry no template indentation, and still say everything they did.
func TestPagesHaveNoTemplateIndentation(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		f := demoFamily(t, e, "Amy")
		amy := parentNamed(f, "Amy")
		c := e.client()
		e.signIn(c, practitioner)
		for _, p := range []struct {
			path string
			want []string
		}{
			{"/people/" + itoa(amy.ID) + "/dash?part=3", []string{
				"<h1 class=\"govuk-heading-l\">Risk assessment (DASH)</h1>",
				"24.",
				"Add context<span class=\"govuk-visually-hidden\"> for question 24</span>",
				`<textarea class="govuk-textarea" id="context-24" name="context-24" rows="2"></textarea>`,
				`name="csrf_token" value="`,
				`<script type="module" src="`,
			}},
			{"/people/" + itoa(amy.ID), []string{amy.GivenName, "Date of birth", `name="csrf_token" value="`}},
			{"/families/" + itoa(f.ID), []string{amy.GivenName, `name="csrf_token" value="`}},
		} {
			r := e.get(c, p.path)
			if r.status != 200 {
				t.Fatalf("%s: %d", p.path, r.status)
			}
			if lines := indented(r.body); len(lines) > 0 {
				t.Errorf("%s: %d lines begin with two spaces, the first %q", p.path, len(lines), lines[0])
			}
			for _, w := range p.want {
				if !strings.Contains(r.body, w) {
					t.Errorf("%s lacks %q", p.path, w)
				}
			}
		}
	})
}
