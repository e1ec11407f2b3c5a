package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// TestAuditLogSearch: an administrator searches the whole audit log by
// member of staff, family and action (each row then matches), pages back
// through a search with its filters kept, is told of a search that names
// no one; and the search is itself recorded.
func TestAuditLogSearch(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		fam := demoFamily(t, e, "Amy")
		amy := parentNamed(fam, "Amy")
		pc := e.client()
		e.signIn(pc, practitioner)
		for range 101 {
			if r := e.get(pc, "/people/"+itoa(amy.ID)); r.status != http.StatusOK {
				t.Fatalf("Priya's view of Amy: %d", r.status)
			}
		}
		ac := e.client()
		e.signIn(ac, admin)
		cells := regexp.MustCompile(`(?s)<tr class="govuk-table__row">\s*<td class="govuk-table__cell">[^<]*</td>\s*<td class="govuk-table__cell">([^<]*)</td>\s*<td class="govuk-table__cell">([^<]*)`)
		rows := func(body string) [][]string {
			var out [][]string
			for _, m := range cells.FindAllStringSubmatch(body, -1) {
				out = append(out, m[1:])
			}
			return out
		}

		byPriya := e.get(ac, "/audit?staff="+url.QueryEscape(" PRIYA.SHAH@cradle.example "))
		got := rows(byPriya.body)
		if byPriya.status != http.StatusOK || len(got) != 100 {
			t.Fatalf("Priya's entries: %d, %d rows", byPriya.status, len(got))
		}
		for _, r := range got {
			if !strings.Contains(r[0], "Priya Shah") && !strings.Contains(r[0], practitioner) {
				t.Fatalf("a row not by Priya in her search: %q", r)
			}
		}
		older := regexp.MustCompile(`href="(/audit\?before=\d+&amp;staff=[^"]+)">Older entries`).FindStringSubmatch(byPriya.body)
		if older == nil || !strings.Contains(strings.ToLower(older[1]), "priya.shah%40cradle.example") {
			t.Fatal("the older entries' link does not keep the search")
		}
		next := e.get(ac, strings.ReplaceAll(older[1], "&amp;", "&"))
		if n := len(rows(next.body)); n == 0 || !strings.Contains(next.body, `value="PRIYA.SHAH@cradle.example"`) {
			t.Errorf("the older entries of Priya's search: %d rows", n)
		}

		byFamily := rows(e.get(ac, "/audit?family="+strings.ToLower(fam.Reference)).body)
		if len(byFamily) == 0 {
			t.Fatal("no entries for Amy's family")
		}
		byAction := rows(e.get(ac, "/audit?action=person.view").body)
		if len(byAction) == 0 {
			t.Fatal("no person.view entries")
		}
		for _, r := range byAction {
			if !strings.HasPrefix(r[1], "Opened a person") {
				t.Fatalf("a row of another action in the person.view search: %q", r)
			}
		}

		for _, tc := range []struct{ query, field, want string }{
			{"staff=nobody%40cradle.example", "#staff", "There is no member of staff with that email address"},
			{"family=FAM-1999-000001", "#family", "There is no family with that reference"},
			{"action=" + url.QueryEscape("x' OR 1=1"), "#action", "Enter an action as the log records it"},
		} {
			r := e.get(ac, "/audit?"+tc.query)
			if r.status != http.StatusUnprocessableEntity || !strings.Contains(between(r.body, "govuk-error-summary__list", "</ul>"), tc.field) ||
				!strings.Contains(r.body, tc.want) || strings.Contains(r.body, "app-audit-table") {
				t.Errorf("%s: %d, want the error %q and no entries", tc.query, r.status, tc.want)
			}
		}

		// The search is recorded, naming whom it looked into.
		priya, _ := e.db.StaffByEmail(t.Context(), practitioner)
		views := e.get(ac, "/audit?action=audit.log.view").body
		if !strings.Contains(views, "staff "+itoa(priya.ID)) || !strings.Contains(views, "family "+itoa(fam.ID)) {
			t.Error("the audit log's own views do not say what was searched for")
		}
		if r := e.get(pc, "/audit?staff="+url.QueryEscape(admin)); r.status != http.StatusForbidden {
			t.Errorf("a practitioner searching the log: %d", r.status)
		}
	})
}
