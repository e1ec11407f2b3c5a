package web_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/audit"
	"github.com/cradle-org/cradle/internal/credential"
	"github.com/cradle-org/cradle/internal/mail/smtptest"
	"github.com/cradle-org/cradle/internal/org"
	"github.com/cradle-org/cradle/internal/store"
)

// TestStaffChange: an administrator changes a member of staff's email
// address, name, job title, role and areas from the staff page (both
// addresses are told of a new one, and the new one signs in). Mistakes come back with what
// was typed; a change that would leave work with no one (a practitioner's
// parents, a team manager's families, the only DSL) is refused saying what
// to do first; a change is emailed to its owner and applies from their next
// page; saving what the account already has changes and tells nothing; and
// an administrator cannot change their own account here.
func TestStaffChange(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		smtp := smtptest.Start(t)
		ac := e.client()
		e.signIn(ac, admin)
		emailOf := map[string]string{}
		id := func(email string) string {
			s, err := e.db.StaffByEmail(ctx, email)
			if err != nil {
				t.Fatal(err)
			}
			emailOf[itoa(s.ID)] = email
			return itoa(s.ID)
		}
		priya, helen, ruth, leah, sam := id(practitioner), id(manager), id("ruth.adams@cradle.example"), id("leah.morgan@cradle.example"), id(admin)
		ravi := id("ravi.patel@cradle.example")

		list := e.get(ac, "/admin/staff")
		if !strings.Contains(between(list.body, `id="staff-`+priya+`"`, "</tr>"), `href="/admin/staff/`+priya+`"`) {
			t.Fatal("the staff page has no link to change Priya's account")
		}
		page := e.get(ac, "/admin/staff/"+priya)
		if page.status != http.StatusOK || !strings.Contains(page.body, "Change Priya Shah&#39;s account") || !strings.Contains(page.body, `value="Priya Shah"`) ||
			!strings.Contains(page.body, `value="Blackpool" checked`) || strings.Contains(page.body, `value="Hertfordshire" checked`) {
			t.Fatalf("the change page (%d) is not filled in with the account as it is", page.status)
		}
		token := csrfFrom(t, page.body)
		// Each change is posted from a form opened on the account as it is.
		versionOf := func(who string) string {
			t.Helper()
			n, _ := strconv.ParseInt(who, 10, 64)
			s, err := e.db.StaffByID(ctx, n)
			if err != nil {
				t.Fatal(err)
			}
			return strconv.Itoa(s.Version)
		}
		postAt := func(version, who string, name, title, role string, areas ...string) resp {
			t.Helper()
			return e.post(ac, "/admin/staff/"+who, url.Values{"csrf_token": {token}, "version": {version}, "email": {emailOf[who]}, "name": {name}, "title": {title}, "role": {role}, "areas": areas})
		}
		post := func(who string, name, title, role string, areas ...string) resp {
			t.Helper()
			return postAt(versionOf(who), who, name, title, role, areas...)
		}

		// Mistakes: every one shown, in the page's order, with what was typed.
		bad := post(priya, " ", "Lead practitioner", "", "")
		summary := between(bad.body, "govuk-error-summary__list", "</ul>")
		if bad.status != http.StatusUnprocessableEntity || !strings.Contains(summary, "#name") || !strings.Contains(summary, "#role") ||
			strings.Index(summary, "#areas") < strings.Index(summary, "#role") || !strings.Contains(bad.body, `value="Lead practitioner"`) ||
			strings.Contains(bad.body, `value="Blackpool" checked`) {
			t.Errorf("a change with mistakes: %d %q", bad.status, summary)
		}
		if r := post(priya, "Priya Shah", "", "practitioner", "Atlantis"); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Choose from the areas listed") {
			t.Errorf("an area that does not exist: %d", r.status)
		}

		// Work that would be left with no one.
		for _, tc := range []struct {
			name, who, role, want string
			areas                 []string
		}{
			{"a practitioner with parents, another role", priya, "team_manager", "Priya Shah is the practitioner for 3 parents in open families: allocate them to someone else before changing the role", []string{"Blackpool"}},
			{"a practitioner with parents, their area", priya, "practitioner", "Priya Shah is the practitioner for 3 parents in open families in Blackpool: allocate them to someone else before taking Blackpool away", []string{"Hertfordshire"}},
			{"a team manager with families, another role", helen, "practitioner", "Helen Whitaker is the team manager of 5 open families: allocate them to someone else before changing the role", []string{"Blackpool"}},
			{"a team manager with families, their area", ravi, "team_manager", "Ravi Patel is the team manager of 3 open families in Hertfordshire: allocate them to someone else before taking Hertfordshire away", []string{"Bedfordshire"}},
			{"the only DSL", ruth, "practitioner", "Ruth Adams is the only designated safeguarding lead with an active account: make someone else a lead first", []string{"Blackpool"}},
		} {
			r := post(tc.who, "Someone", "", tc.role, tc.areas...)
			if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, tc.want) || !strings.Contains(r.body, `value="Someone"`) {
				t.Errorf("%s: %d, want 422 saying %q", tc.name, r.status, tc.want)
			}
		}
		if s, _ := e.db.StaffByEmail(ctx, practitioner); s.Name != "Priya Shah" || s.AreaNames() != "Blackpool" {
			t.Errorf("a refused change changed the account: %+v", s)
		}

		// An area with none of the team manager's families may go.
		if r := post(ravi, "Ravi Patel", "Team manager", "team_manager", "Hertfordshire"); r.status != http.StatusSeeOther {
			t.Errorf("Ravi without Bedfordshire: %d\n%s", r.status, between(r.body, "govuk-error-summary", "</div>"))
		}
		if s, _ := e.db.StaffByEmail(ctx, "ravi.patel@cradle.example"); s.AreaNames() != "Hertfordshire" {
			t.Errorf("Ravi's areas after the change: %s", s.AreaNames())
		}

		// Leah, an analyst signed in elsewhere, becomes a DSL in two areas:
		// her next page follows, and she is emailed what changed.
		lc := e.client()
		e.signIn(lc, "leah.morgan@cradle.example")
		if r := e.get(lc, "/concerns"); r.status != http.StatusForbidden {
			t.Fatalf("the analyst's concerns list: %d, want 403 before the change", r.status)
		}
		emailOf[leah] = practitioner
		if r := post(leah, "Leah Morgan", "", "analyst", "Blackpool"); r.status != http.StatusUnprocessableEntity ||
			!strings.Contains(r.body, "There is already an account with that email address") || !strings.Contains(r.body, `value="`+practitioner+`"`) {
			t.Errorf("another account's address: %d", r.status)
		}
		emailOf[leah] = " Leah.Price@cradle.example "
		r := post(leah, "Leah Morgan-Price", "Designated safeguarding lead", "dsl", "Blackpool", "Hertfordshire")
		if r.status != http.StatusSeeOther || r.location != "/admin/staff?changed="+leah+"#staff-"+leah {
			t.Fatalf("the change: %d %s\n%s", r.status, r.location, between(r.body, "govuk-error-summary", "</div>"))
		}
		if r := e.get(ac, "/admin/staff?changed="+leah); !strings.Contains(r.body, "Leah Morgan-Price's account was changed") {
			t.Error("the staff page does not say the account was changed")
		}
		emailOf[leah] = "leah.price@cradle.example"
		if s, _ := e.db.StaffByEmail(ctx, "leah.price@cradle.example"); s.Role != "dsl" || s.AreaNames() != "Blackpool, Hertfordshire" || s.JobTitle != "Designated safeguarding lead" {
			t.Errorf("the changed account: %+v", s)
		}
		if r := e.get(lc, "/concerns"); r.status != http.StatusOK {
			t.Errorf("the new DSL's concerns list on her next page: %d", r.status)
		}
		told := map[string]string{}
		for _, m := range deliver(t, e, smtp) {
			if m.Header.Get("Subject") == "Your Cradle account was changed" {
				told[m.To[0]] = m.Body
			}
		}
		for _, to := range []string{"leah.morgan@cradle.example", "leah.price@cradle.example"} {
			for _, want := range []string{"You now sign in with leah.price@cradle.example (it was leah.morgan@cradle.example).", "Your name in Cradle is now Leah Morgan-Price.",
				"Your role is now Designated safeguarding lead.", "You now work in Blackpool, Hertfordshire."} {
				if !strings.Contains(told[to], want) {
					t.Errorf("the email to %s does not say %q:\n%s", to, want, told[to])
				}
			}
		}
		// She signs in with the new address.
		nc := e.client()
		e.signInWith(nc, "leah.price@cradle.example", cred("leah.morgan@cradle.example").TOTPSecret)
		if r := e.get(nc, "/concerns"); r.status != http.StatusOK {
			t.Errorf("signed in with the new address: %d", r.status)
		}

		// With another lead, Ruth may stop being one; she leaves the public page.
		ruthID, _ := strconv.ParseInt(ruth, 10, 64)
		if err := e.db.Update(audit.WithSource(ctx, audit.Source{Actor: "test"}), func(tx *store.Tx) error { return tx.SetPublicListing(ruthID, true) }); err != nil {
			t.Fatal(err)
		}
		if r := post(ruth, "Ruth Adams", "Director of Operations", "practitioner", "Blackpool"); r.status != http.StatusSeeOther {
			t.Fatalf("Ruth, with another lead: %d\n%s", r.status, between(r.body, "govuk-error-summary", "</div>"))
		}
		if s, _ := e.db.StaffByEmail(ctx, "ruth.adams@cradle.example"); s.Role != "practitioner" || s.ListedPublicly {
			t.Errorf("Ruth after the change: role %s, listed publicly %v", s.Role, s.ListedPublicly)
		}

		// Two administrators at once: a form opened before the other's save
		// is refused, shows what is saved now beside what was typed, and
		// saves from there.
		opened := versionOf(ravi)
		if r := post(ravi, "Ravi Patel", "Senior team manager", "team_manager", "Hertfordshire"); r.status != http.StatusSeeOther {
			t.Fatalf("the first administrator's change: %d", r.status)
		}
		stale := postAt(opened, ravi, "Ravi Patel-Singh", "Team manager", "team_manager", "Hertfordshire")
		if stale.status != http.StatusConflict || !strings.Contains(stale.body, "Someone else changed this account while you were editing it") ||
			!strings.Contains(between(stale.body, "govuk-error-summary__list", "</ul>"), `href="#saved-now"`) || strings.Contains(stale.body, `id="name-error"`) ||
			!strings.Contains(stale.body, `value="Ravi Patel-Singh"`) || !strings.Contains(between(stale.body, "Saved now", "</dl>"), "Senior team manager") ||
			!strings.Contains(stale.body, `name="version" value="`+versionOf(ravi)+`"`) {
			t.Errorf("a change from a form opened before another's save: %d\n%s", stale.status, between(stale.body, "<main", "</form>"))
		}
		if s, _ := e.db.StaffByEmail(ctx, "ravi.patel@cradle.example"); s.Name != "Ravi Patel" || s.JobTitle != "Senior team manager" {
			t.Errorf("the stale change was saved over the other: %+v", s)
		}
		if r := postAt(versionOf(ravi), ravi, "Ravi Patel-Singh", "Senior team manager", "team_manager", "Hertfordshire"); r.status != http.StatusSeeOther {
			t.Errorf("saving again from the refreshed form: %d", r.status)
		}
		if r := postAt("", ravi, "Ravi Patel", "Senior team manager", "team_manager", "Hertfordshire"); r.status != http.StatusConflict {
			t.Errorf("a change with no version (a hand-made post): %d, want 409", r.status)
		}

		// Saving what the account has changes and tells nothing.
		before := len(deliver(t, e, smtp))
		emailOf[leah] = "LEAH.PRICE@cradle.example"
		if r := post(leah, "Leah Morgan-Price", "Designated safeguarding lead", "dsl", "Hertfordshire", "Blackpool"); r.status != http.StatusSeeOther ||
			r.location != "/admin/staff?unchanged="+leah+"#staff-"+leah {
			t.Errorf("saving no change: %d %s", r.status, r.location)
		}
		if n := len(deliver(t, e, smtp)); n != before {
			t.Errorf("saving no change sent %d emails", n-before)
		}
		if r := e.get(ac, "/admin/staff?unchanged="+leah); !strings.Contains(r.body, "Nothing was changed in Leah Morgan-Price's account") {
			t.Error("the staff page does not say nothing was changed")
		}

		// Not one's own account.
		if r := e.get(ac, "/admin/staff/"+sam); r.status != http.StatusBadRequest || !strings.Contains(r.body, "You cannot change your own account here") {
			t.Errorf("one's own account: %d", r.status)
		}
		if r := post(sam, "Sam Carter", "", "analyst", "Blackpool"); r.status != http.StatusBadRequest {
			t.Errorf("changing one's own account: %d", r.status)
		}
		if s, _ := e.db.StaffByEmail(ctx, admin); s.Role != "admin" {
			t.Errorf("the administrator's own role became %s", s.Role)
		}
	})
}

// TestStaffListMarksUnusedAccounts: the staff list says when each account
// last signed in, and marks (and counts, above the table) an active
// account not used for 90 days; a disabled one is not counted.
func TestStaffListMarksUnusedAccounts(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		pc := e.client()
		e.signIn(pc, practitioner)
		ac := e.client()
		e.signIn(ac, admin)
		priya, _ := e.db.StaffByEmail(ctx, practitioner)
		tom, _ := e.db.StaffByEmail(ctx, "tom.elliott@cradle.example")
		row := func(body string, id int64) string { return between(body, `id="staff-`+itoa(id)+`"`, "</tr>") }
		list := e.get(ac, "/admin/staff")
		today := e.clock.Now().Format("2 January 2006")
		if r := row(list.body, priya.ID); !strings.Contains(r, today) || strings.Contains(r, "Not used for 90 days") {
			t.Errorf("Priya, signed in today: %s", r)
		}
		if r := row(list.body, tom.ID); !strings.Contains(r, "Never") || strings.Contains(r, "Not used") {
			t.Errorf("Tom, never signed in, his account new: %s", r)
		}
		if strings.Contains(list.body, "not been used to sign in for 90 days") {
			t.Error("the warning shows with no unused account")
		}
		// 91 days on: the administrator signs in again; Tom's account is disabled.
		token := csrfFrom(t, list.body)
		if r := e.post(ac, "/admin/staff/"+itoa(tom.ID)+"/disable", url.Values{"csrf_token": {token}}); r.status != http.StatusSeeOther {
			t.Fatalf("disabling Tom: %d", r.status)
		}
		e.clock.Advance(91 * 24 * time.Hour)
		ac = e.client()
		e.signIn(ac, admin)
		list = e.get(ac, "/admin/staff")
		if r := row(list.body, priya.ID); !strings.Contains(r, today) || !strings.Contains(r, "Not used for 90 days") {
			t.Errorf("Priya, 91 days on: %s", r)
		}
		if r := row(list.body, tom.ID); strings.Contains(r, "Not used") {
			t.Errorf("Tom, disabled, is marked: %s", r)
		}
		// Ten demo accounts: the administrator signed in today and Tom is disabled.
		if !strings.Contains(list.body, "8 active accounts have not been used to sign in for 90 days or more") {
			t.Errorf("the warning does not count the 8 unused active accounts:\n%s", between(list.body, "govuk-warning-text__text", "</strong>"))
		}
	})
}

// unusableHash stands where a password hash goes for accounts a test lists
// but never signs in with: no password verifies against it.
const unusableHash = "none"

// TestStaffListFiltersAndPages: the staff list is 50 accounts a page, by
// name, narrowed by a search, area, role and status kept in its links; a
// page past the end shows the last; an unknown filter is ignored.
func TestStaffListFiltersAndPages(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		sctx := audit.WithSource(context.Background(), audit.Source{Actor: "test"})
		var last int64
		if err := e.db.Update(sctx, func(tx *store.Tx) error {
			for i := range 55 {
				st, err := tx.CreateStaff(org.NewStaff{Email: fmt.Sprintf("zz.%02d@cradle.example", i), Name: fmt.Sprintf("Zoe Zed %02d", i), Role: "practitioner", AreaName: "Westminster"},
					store.StaffSecrets{PasswordHash: unusableHash, TOTPSecret: credential.DeterministicTOTPSecret("zz")})
				if err != nil {
					return err
				}
				last = st.ID
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		ac := e.client()
		e.signIn(ac, admin)
		first := e.get(ac, "/admin/staff")
		if !strings.Contains(first.body, "65 accounts, by name: 1 to 50") || !strings.Contains(first.body, `href="/admin/staff?page=2"`) ||
			strings.Contains(first.body, "Zoe Zed 54") || !strings.Contains(first.body, "Daniel Okoro") {
			t.Errorf("the first page:\n%s", between(first.body, "<caption", "</caption>"))
		}
		for _, path := range []string{"/admin/staff?page=2", "/admin/staff?page=99"} {
			if r := e.get(ac, path); r.status != 200 || !strings.Contains(r.body, "65 accounts, by name: 51 to 65") || !strings.Contains(r.body, "Zoe Zed 54") {
				t.Errorf("%s: %d %s", path, r.status, between(r.body, "<caption", "</caption>"))
			}
		}
		areas, _ := e.db.Areas(context.Background())
		var herts int64
		for _, a := range areas {
			if a.Name == "Hertfordshire" {
				herts = a.ID
			}
		}
		for _, tc := range []struct{ query, want, not string }{
			{"?area=" + itoa(herts) + "&role=team_manager", "1 account matching the filters", "Helen Whitaker"},
			{"?q=OKORO", "Daniel Okoro", "Priya Shah"},
			{"?q=zz.5&role=practitioner", "5 accounts matching the filters", "Daniel Okoro"},
			{"?role=superuser&status=sleeping", "65 accounts, by name", "matching the filters"},
			{"?status=disabled", "No account matches these filters.", "<caption"},
		} {
			r := e.get(ac, "/admin/staff"+tc.query)
			if r.status != 200 || !strings.Contains(r.body, tc.want) || strings.Contains(r.body, tc.not) {
				t.Errorf("%s: %d, want %q and not %q", tc.query, r.status, tc.want, tc.not)
			}
		}
		// The filter is kept in the page links and the form.
		if r := e.get(ac, "/admin/staff?q=zed"); !strings.Contains(r.body, `href="/admin/staff?page=2&amp;q=zed"`) || !strings.Contains(r.body, `value="zed"`) {
			t.Error("the search is not kept in the page links and the form")
		}
		// The download holds every page of what the filter matches.
		if !strings.Contains(e.get(ac, "/admin/staff?q=zed").body, `href="/admin/staff.csv?q=zed" download>Download these 55 accounts (CSV)`) {
			t.Error("the list does not offer the filtered accounts as CSV")
		}
		dl := e.get(ac, "/admin/staff.csv?q=zed")
		recs, err := csv.NewReader(strings.NewReader(dl.body)).ReadAll()
		if err != nil || dl.status != http.StatusOK || !strings.HasPrefix(dl.header.Get("Content-Type"), "text/csv") || len(recs) != 56 ||
			strings.Join(recs[0], ",") != "name,email,role,job_title,areas,status,created,last_signed_in,unused_90_days" ||
			strings.Join(recs[55][:6], ",") != "Zoe Zed 54,zz.54@cradle.example,practitioner,,Westminster,active" || recs[55][7] != "" || recs[55][8] != "no" {
			t.Errorf("the CSV: %d, %v, %d records; last %q", dl.status, err, len(recs), recs[len(recs)-1])
		}
		if !strings.Contains(e.get(ac, "/audit?action=staff.export").body, "55 accounts") {
			t.Error("the download is not audited with how many accounts it held")
		}

		// The banner names a changed account that is not on the first page.
		if r := e.get(ac, "/admin/staff?changed="+itoa(last)); !strings.Contains(r.body, "Zoe Zed 54's account was changed") {
			t.Error("the banner does not name an account on a later page")
		}
	})
}

// TestSessionStatusIsNotUse: /session/status says how long a session has
// left without extending it (two tabs left open must not keep each other
// signed in), while /session/alive, like any page, is use.
func TestSessionStatusIsNotUse(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		c := e.client()
		e.signIn(c, practitioner)
		left := func() int {
			t.Helper()
			r := e.get(c, "/session/status")
			var v struct {
				SecondsLeft int `json:"seconds_left"`
			}
			if r.status != http.StatusOK || r.header.Get("Cache-Control") != "no-store" || !strings.HasPrefix(r.header.Get("Content-Disposition"), "attachment") ||
				json.Unmarshal([]byte(r.body), &v) != nil {
				t.Fatalf("/session/status: %d %q", r.status, r.body)
			}
			return v.SecondsLeft
		}
		if got := left(); got < 29*60 || got > 30*60 {
			t.Fatalf("just signed in: %d seconds left", got)
		}
		e.clock.Advance(20 * time.Minute)
		if got := left(); got < 9*60 || got > 10*60 {
			t.Errorf("20 minutes on: %d seconds left, want about 600 (asking is not use)", got)
		}
		e.clock.Advance(5 * time.Minute)
		if got := left(); got < 4*60 || got > 5*60 {
			t.Errorf("25 minutes on, asked twice: %d seconds left", got)
		}
		if r := e.get(c, "/session/alive"); r.status != http.StatusOK || !strings.Contains(r.body, `"seconds_left":1800`) {
			t.Fatalf("/session/alive: %d %s", r.status, r.body)
		}
		if got := left(); got < 29*60 {
			t.Errorf("after /session/alive: %d seconds left, want the full 30 minutes again", got)
		}
		e.clock.Advance(31 * time.Minute)
		if r := e.get(c, "/session/status"); r.status != http.StatusSeeOther || !strings.HasPrefix(r.location, "/sign-in") {
			t.Errorf("after the idle limit: %d %s, want sent to sign in", r.status, r.location)
		}
	})
}

// TestStaffConfirmBeforeLockingOut: disabling an account and giving it new
// sign-in details (both lock its holder out) are asked about first, on a
// page that says what will happen (a lead's account: concerns will not
// reach them); enabling stays one click. Not one's own account.
func TestStaffConfirmBeforeLockingOut(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		ac := e.client()
		e.signIn(ac, admin)
		priya, _ := e.db.StaffByEmail(ctx, practitioner)
		ruth, _ := e.db.StaffByEmail(ctx, "ruth.adams@cradle.example")
		me, _ := e.db.StaffByEmail(ctx, admin)
		row := between(e.get(ac, "/admin/staff").body, `id="staff-`+itoa(priya.ID)+`"`, "</tr>")
		if !strings.Contains(row, `href="/admin/staff/`+itoa(priya.ID)+`/disable"`) || !strings.Contains(row, `href="/admin/staff/`+itoa(priya.ID)+`/reset"`) ||
			strings.Contains(row, `action="/admin/staff/`+itoa(priya.ID)+`/disable"`) {
			t.Errorf("the list's row does not lead to the confirmation pages: %s", row)
		}
		for _, tc := range []struct {
			path, want, action string
		}{
			{"/admin/staff/" + itoa(priya.ID) + "/disable", "Disable Priya Shah&#39;s account?", `action="/admin/staff/` + itoa(priya.ID) + `/disable"`},
			{"/admin/staff/" + itoa(priya.ID) + "/reset", "Give Priya Shah new sign-in details?", `action="/admin/staff/` + itoa(priya.ID) + `/reset"`},
			{"/admin/staff/" + itoa(ruth.ID) + "/disable", "new safeguarding concerns will not be sent to them", `action="/admin/staff/` + itoa(ruth.ID) + `/disable"`},
		} {
			r := e.get(ac, tc.path)
			if r.status != http.StatusOK || !strings.Contains(strings.ReplaceAll(r.body, "'", "&#39;"), tc.want) || !strings.Contains(r.body, tc.action) {
				t.Errorf("%s: %d, want %q and the form", tc.path, r.status, tc.want)
			}
		}
		if s, _ := e.db.StaffByEmail(ctx, practitioner); s.Disabled {
			t.Error("asking disabled the account")
		}
		if r := e.get(ac, "/admin/staff/"+itoa(me.ID)+"/disable"); r.status != http.StatusBadRequest || !strings.Contains(r.body, "You cannot change your own account here") {
			t.Errorf("one's own account: %d", r.status)
		}
	})
}
