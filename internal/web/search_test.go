package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/cradle-org/cradle/internal/store"
)

// TestFindAPerson: staff find people by name or reference only in families
// they may see; bad searches say what is wrong and keep what was typed;
// roles without families are refused; every search is audited.
func TestFindAPerson(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		prac := e.client()
		e.signIn(prac, practitioner) // Priya: Amy Foster's practitioner, not Laura Price's (Hertfordshire)
		if r := e.get(prac, "/search"); r.status != http.StatusOK || !strings.Contains(r.body, "Find a person") || strings.Contains(r.body, "found") {
			t.Fatalf("empty search page: %d", r.status)
		}

		r := e.get(prac, "/search?q="+url.QueryEscape("  amy   FOSTER "))
		if r.status != http.StatusOK || !strings.Contains(r.body, "1 person found") || !strings.Contains(r.body, "Amy Foster") || strings.Contains(r.body, "Jordan Price") {
			t.Fatalf("full name: %d\n%s", r.status, r.body)
		}
		ref := regexp.MustCompile(`FAM-[0-9A-Z-]+`).FindString(r.body)
		if ref == "" {
			t.Fatal("no family reference in the results")
		}
		// Nothing confidential on the results page.
		for _, secret := range []string{"Harbour View", "FY1 9ZZ", "07700 900101"} {
			if strings.Contains(r.body, secret) {
				t.Errorf("the results show %q", secret)
			}
		}

		if strings.Contains(r.body, "Left the programme") {
			t.Error("Amy, who takes part, is found as having left the programme")
		}

		r = e.get(prac, "/search?q=price")
		if !strings.Contains(r.body, "Jordan Price") || strings.Contains(r.body, "Laura Price") {
			t.Errorf("one name: Priya should find Jordan Price (her family) and not Laura Price (another area):\n%s", r.body)
		}
		r = e.get(prac, "/search?q="+strings.ToLower(ref))
		if !strings.Contains(r.body, "Amy Foster") || !strings.Contains(r.body, "Jordan Price") {
			t.Errorf("reference %s: want both parents:\n%s", ref, r.body)
		}

		herts := e.client()
		e.signIn(herts, "megan.hughes@cradle.example")
		if r := e.get(herts, "/search?q=Amy+Foster"); r.status != http.StatusOK || !strings.Contains(r.body, "No one found") || strings.Contains(r.body, "Amy Foster</a>") {
			t.Errorf("another area's practitioner found Amy Foster: %d\n%s", r.status, r.body)
		}

		for q, msg := range map[string]string{
			"":                       "Enter a name or a family reference",
			"a":                      "Enter at least 2 letters",
			strings.Repeat("x", 101): "100 characters or fewer",
		} {
			r := e.get(prac, "/search?q="+url.QueryEscape(q))
			if r.status != http.StatusBadRequest || !strings.Contains(r.body, msg) || !strings.Contains(r.body, "govuk-error-summary") ||
				!strings.Contains(r.body, `value="`+q+`"`) && q != "" || !strings.Contains(r.body, "<title>Error: Find a person") {
				t.Errorf("search %q: %d, want 400 with %q and the text kept", q, r.status, msg)
			}
		}

		// Managers search their areas from the names' keys: Blackpool's
		// finds Amy Foster, Hertfordshire and Bedfordshire's does not.
		blackpool := e.client()
		e.signIn(blackpool, "helen.whitaker@cradle.example")
		if r := e.get(blackpool, "/search?q=Amy+Foster"); r.status != http.StatusOK || !strings.Contains(r.body, "Amy Foster</a>") {
			t.Errorf("Blackpool's manager did not find Amy Foster: %d", r.status)
		}
		south := e.client()
		e.signIn(south, "ravi.patel@cradle.example")
		if r := e.get(south, "/search?q=Amy+Foster"); r.status != http.StatusOK || strings.Contains(r.body, "Amy Foster</a>") {
			t.Errorf("another area's manager found Amy Foster: %d", r.status)
		}

		analyst := e.client()
		e.signIn(analyst, "leah.morgan@cradle.example")
		if r := e.get(analyst, "/search?q=Amy+Foster"); r.status != http.StatusForbidden || strings.Contains(r.body, "Amy Foster</a>") {
			t.Errorf("analyst: %d", r.status)
		}

		es, err := e.db.AuditEntries(context.Background(), store.AuditFilter{Actions: []string{"person.search"}})
		if err != nil {
			t.Fatal(err)
		}
		var details []string
		for _, a := range es {
			details = append(details, a.Actor+" "+a.Detail)
		}
		// Names are recorded by their key, never as typed: administrators
		// read the log.
		all := strings.Join(details, "\n")
		key := e.db.SearchTermKey("Amy Foster")
		if len(es) != 6 || len(key) != 20 || !strings.Contains(all, `priya.shah@cradle.example name key `+key+`: 1 found`) ||
			strings.Contains(strings.ToLower(all), "amy") || strings.Contains(strings.ToLower(all), "foster") {
			t.Errorf("audit of searches (want the key %s, no name):\n%s", key, all)
		}
		if e.db.SearchTermKey("  amy   FOSTER ") != key || e.db.SearchTermKey("Amy Fosters") == key || e.db.SearchTermKey(" ") != "" {
			t.Error("SearchTermKey should ignore case and spacing, and only that")
		}
	})
}

// A NUL (which PostgreSQL cannot hold in text) or a broken character in a
// search is dropped, not a 500 page (found by FuzzParseSearch).
// A parent who left the programme (the demo's Ben Green) is found, and
// the results say so; their co-parent, who takes part, is not marked.
func TestFindAPersonWhoLeft(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		hc := e.client()
		e.signIn(hc, herts)
		if r := e.get(hc, "/search?q=green"); !strings.Contains(r.body, "Ellie Green") || strings.Count(r.body, "Left the programme") != 1 ||
			!strings.Contains(between(r.body, ">Ben Green<", "</tr>"), "Left the programme") {
			t.Errorf("Megan's search for the Greens should say Ben, and only Ben, left the programme:\n%s", between(r.body, "<tbody", "</tbody>"))
		}
	})
}

func TestFindAPersonOddCharacters(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		prac := e.client()
		e.signIn(prac, practitioner)
		for q, want := range map[string]string{"price\x00": "Jordan Price", "Amy\x00 Foster": "Amy Foster", "price\xff": "Jordan Price", "\x00price": "Jordan Price"} {
			r := e.get(prac, "/search?q="+url.QueryEscape(q))
			if r.status != http.StatusOK || !strings.Contains(r.body, want) {
				t.Errorf("search %q: %d, want 200 finding %s", q, r.status, want)
			}
		}
	})
}
