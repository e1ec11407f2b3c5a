package web_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestHostileInputNeverFails posts nonsense to every form the router has,
// as someone allowed to use it, and sends nonsense query strings to every
// page: whatever is typed, the answer is never a server error, a problem
// is shown in the GOV.UK error summary, what was typed into a text box
// is shown again, and markup typed in is never sent back as markup. The
// fields posted are those of the form on the route's own page (found by
// reading every page each role can open), else every field seen.
func TestHostileInputNeverFails(t *testing.T) {
	// The values put in every field at once. Each is a mistake or an
	// attack a real form meets: far too long, not UTF-8, a NUL, numbers
	// out of range, a date that does not exist, markup.
	const kept = "Hostile-input-kept" // a text box's value, looked for when the form is shown again
	values := []string{
		kept + ` <script>alert(1)</script>' OR 1=1 -- ` + strings.Repeat("Ä long answer. ", 700), // past every field's limit (10,000 characters at most)
		kept + "\xff\xfe\x00 not UTF-8",
		"-1",
		"99999999999999999999999",
		"2026-02-31",
	}
	each(t, func(t *testing.T, e *env) {
		tg, _ := setUpAccessTargets(t, e)
		s := newServerFor(t, e)
		clients := map[string]*http.Client{}
		csrf := map[string]string{}
		signIn := func(role string) {
			c := e.client()
			if email, ok := roleAccounts[role]; ok {
				e.signIn(c, email)
				csrf[role] = csrfFrom(t, e.get(c, "/search").body+e.get(c, "/home").body)
			}
			clients[role] = c
		}
		// Each role's forms, by where they post.
		forms := map[string]pageForm{}
		var every []string
		// The roles whose forms are posted below (an analyst's few are
		// an administrator's too).
		for ri, role := range accessRoles[:6] {
			signIn(role)
			if role == "analyst" {
				continue
			}
			for _, route := range s.Routes() {
				method, paths := accessPaths(route, tg)
				if method != "GET" || strings.HasPrefix(route, "GET /assets/") {
					continue
				}
				for i, p := range paths {
					if want := accessMatrix[route][ri]; i < len(want) && want[i] != 'A' {
						continue // not theirs to open: no form for them there
					}
					r := e.get(clients[role], p)
					if r.status != http.StatusOK {
						continue
					}
					for action, f := range formsIn(r.body, p) {
						forms[role+" "+action] = f
						for _, n := range f.fields {
							if !slices.Contains(every, n) {
								every = append(every, n)
							}
						}
					}
				}
			}
		}
		posted, shown := 0, 0
		for _, route := range s.Routes() {
			method, paths := accessPaths(route, tg)
			if method != "POST" || route == "POST /sign-out" || route == "POST /api/v1/referrals" {
				continue // signing out is not input; the API is tested with its JSON
			}
			want := accessMatrix[route]
			role, path := "", ""
			// The first role and record allowed: a public form as the
			// public (signing in as someone else is not what it is for).
			for ri, r := range accessRoles[:6] {
				public := strings.HasPrefix(route, "POST /sign-in") || strings.HasPrefix(route, "POST /refer/") || strings.HasPrefix(route, "POST /mailing-list")
				if public != (r == "signed_out") {
					continue
				}
				if i := strings.IndexByte(want[ri], 'A'); i >= 0 && i < len(paths) {
					role, path = r, paths[i]
					break
				}
			}
			if role == "" {
				continue
			}
			f, found := forms[role+" "+path]
			fields := f.fields
			if !found {
				fields = every
			}
			for _, v := range values {
				form := url.Values{}
				if csrf[role] != "" {
					form.Set("csrf_token", csrf[role])
				}
				for _, n := range fields {
					if n != "csrf_token" {
						form.Set(n, v)
					}
				}
				r := e.post(clients[role], path, form)
				posted++
				switch {
				case r.status >= 500 || r.status == 0:
					t.Errorf("%s as %s with %.30q: status %d\n%.2000s", path, role, v, r.status, r.body)
				case r.status == http.StatusSeeOther && strings.HasPrefix(r.location, "/sign-in") && role != "signed_out":
					t.Errorf("%s as %s with %.30q: signed out", path, role, v)
					signIn(role)
				case strings.Contains(r.body, "<script>alert("):
					t.Errorf("%s as %s: the markup typed was sent back as markup", path, role)
				case r.status == http.StatusUnprocessableEntity:
					shown++
					if !strings.Contains(r.body, "govuk-error-summary") {
						t.Errorf("%s as %s with %.30q: 422 without an error summary\n%.2000s", path, role, v, r.body)
					}
					for _, id := range summaryLinks(r.body) {
						if !strings.Contains(r.body, ` id="`+id+`"`) {
							t.Errorf("%s as %s with %.30q: the error summary links to #%s, which is not on the page", path, role, v, id)
						}
					}
					if found && len(f.text) > 0 && strings.HasPrefix(v, kept) && !strings.Contains(r.body, kept) {
						t.Errorf("%s as %s with %.30q: what was typed in %v is not shown again", path, role, v, f.text)
					}
				}
			}
		}
		// The partner API: JSON escapes can carry what a form cannot.
		token := apiToken(t, e, "referrals:create")
		for _, v := range []string{`Ella\u0000`, `Ella\u001b[2J`} {
			body := strings.Replace(mustJSON(apiBody(e)), `"Ella"`, `"`+v+`"`, 1)
			if r := e.api(token, body); r.status >= 500 || r.status == http.StatusCreated {
				t.Errorf("the API given %s: status %d, want the referral refused\n%s", v, r.status, r.body)
			} else if !strings.Contains(r.body, "parent1.given_name") {
				t.Errorf("the API given %s: the refusal does not name the field: %s", v, r.body)
			}
		}

		// Every page with nonsense in every query parameter the handlers
		// read (and a few they might).
		got := 0
		nonsense := []string{values[1], values[3], values[2], values[4]}
		params := []string{"area", "before", "change", "danger", "deleted", "done", "expired", "form", "id", "kind", "listed", "measure",
			"next", "older_than", "page", "part", "person", "practitioner", "q", "quarter", "raised", "recorded", "ref", "remove", "resent",
			"section", "show", "signed_out", "source", "status", "title", "token", "version", "from", "to", "year", "offset"}
		for turn := range 2 {
			// Each parameter takes two kinds, every kind some parameters.
			query := url.Values{}
			for i, k := range params {
				query.Set(k, nonsense[(i+2*turn)%len(nonsense)])
			}
			for _, route := range s.Routes() {
				method, paths := accessPaths(route, tg)
				if method != "GET" || strings.HasPrefix(route, "GET /assets/") {
					continue
				}
				// A lead opens the most pages; a practitioner the same
				// pages narrowed to their own families.
				for _, role := range []string{"dsl", "practitioner"} {
					r := e.get(clients[role], paths[0]+"?"+query.Encode())
					got++
					if r.status >= 500 {
						t.Errorf("%s?… (turn %d) as %s: status %d\n%.2000s", paths[0], turn, role, r.status, r.body)
					}
				}
			}
		}
		t.Logf("%d posts (%d problems shown) and %d pages with nonsense; %d forms found", posted, shown, got, len(forms))
	})
}

// summaryLinks are the ids the error summary's links lead to.
func summaryLinks(body string) []string {
	_, list, _ := strings.Cut(body, "govuk-error-summary__list")
	list, _, _ = strings.Cut(list, "</ul>")
	var out []string
	for _, m := range regexp.MustCompile(`href="#([^"]+)"`).FindAllStringSubmatch(list, -1) {
		out = append(out, html.UnescapeString(m[1]))
	}
	return out
}

type pageForm struct {
	fields []string // every field's name
	text   []string // the text boxes' and text areas' names
}

var (
	formRE  = regexp.MustCompile(`(?s)<form\b([^>]*)>(.*?)</form>`)
	attrRE  = regexp.MustCompile(`\b(action|method)="([^"]*)"`)
	fieldRE = regexp.MustCompile(`<(input|textarea|select)\b[^>]*>`)
	nameRE  = regexp.MustCompile(`\bname="([^"]+)"`)
	typeRE  = regexp.MustCompile(`\btype="([^"]+)"`)
)

// formsIn reads the POST forms of a page, keyed by where they post (a form
// without an action posts to the page itself).
func formsIn(body, page string) map[string]pageForm {
	out := map[string]pageForm{}
	for _, m := range formRE.FindAllStringSubmatch(body, -1) {
		action, method := page, "get"
		for _, a := range attrRE.FindAllStringSubmatch(m[1], -1) {
			if a[1] == "action" {
				action = html.UnescapeString(a[2])
			} else {
				method = strings.ToLower(a[2])
			}
		}
		if method != "post" {
			continue
		}
		f := out[action]
		for _, in := range fieldRE.FindAllStringSubmatch(m[2], -1) {
			n := nameRE.FindStringSubmatch(in[0])
			if n == nil || slices.Contains(f.fields, n[1]) {
				continue
			}
			f.fields = append(f.fields, n[1])
			typ := "text"
			if t := typeRE.FindStringSubmatch(in[0]); t != nil {
				typ = t[1]
			}
			if in[1] == "textarea" || (in[1] == "input" && typ == "text") {
				f.text = append(f.text, n[1])
			}
		}
		out[action] = f
	}
	return out
}
