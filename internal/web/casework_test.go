package web_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/audit"
	"github.com/cradle-org/cradle/internal/credential"
	"github.com/cradle-org/cradle/internal/demo"
	"github.com/cradle-org/cradle/internal/family"
	"github.com/cradle-org/cradle/internal/mail/smtptest"
	"github.com/cradle-org/cradle/internal/org"
	"github.com/cradle-org/cradle/internal/store"
	"github.com/cradle-org/cradle/internal/timeline"
)

const (
	tom   = "tom.elliott@cradle.example"
	ruth  = "ruth.adams@cradle.example" // DSL
	grace = "grace.adeyemi@cradle.example"
)

// demoFamily finds a demo family by a parent's given name.
func demoFamily(t *testing.T, e *env, given string) family.Family {
	t.Helper()
	mgr := mustActor(t, e, ruth)
	list, err := e.db.Caseload(context.Background(), mgr)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range list {
		for _, p := range c.Parents {
			if p.GivenName == given {
				f, err := e.db.ReadFamily(context.Background(), mgr, c.FamilyID)
				if err != nil {
					t.Fatal(err)
				}
				return f
			}
		}
	}
	t.Fatalf("no demo family with a parent called %s", given)
	return family.Family{}
}

func parentNamed(f family.Family, given string) family.Person {
	for _, p := range f.Parents() {
		if p.GivenName == given {
			return p
		}
	}
	return family.Person{}
}

func dateForm(prefix string, d time.Time, kv ...string) url.Values {
	v := mustForm(kv...)
	v.Set(prefix+"-day", itoa(int64(d.Day())))
	v.Set(prefix+"-month", itoa(int64(d.Month())))
	v.Set(prefix+"-year", itoa(int64(d.Year())))
	return v
}

func TestAllocationShowsCaseloadsAndRefusesOnePractitionerForBoth(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		smtp := smtptest.Start(t)
		f := demoFamily(t, e, "Chloe") // the demo family still at referral: nobody allocated
		mc := e.client()
		e.signIn(mc, manager)
		page := e.get(mc, "/families/"+itoa(f.ID)+"/allocate")
		if page.status != 200 || !regexp.MustCompile(`Priya Shah \(\d+ parents?\)`).MatchString(page.body) {
			t.Fatalf("allocation page: %d\n%s", page.status, page.body)
		}
		prac, _ := e.db.StaffByEmail(context.Background(), practitioner)
		other, _ := e.db.StaffByEmail(context.Background(), tom)
		ps := f.Parents()
		token := csrfFrom(t, page.body)
		same := mustForm("csrf_token", token, "practitioner_"+itoa(ps[0].ID), itoa(prac.ID), "practitioner_"+itoa(ps[1].ID), itoa(prac.ID))
		r := e.post(mc, "/families/"+itoa(f.ID)+"/allocate", same)
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Choose a different practitioner for each parent") {
			t.Fatalf("same practitioner for both: %d", r.status)
		}
		// Someone the list does not offer, posted by hand (an analyst,
		// another area's practitioner, no one): refused on that parent's
		// field, saying why.
		analyst, _ := e.db.StaffByEmail(context.Background(), "leah.morgan@cradle.example")
		megan, _ := e.db.StaffByEmail(context.Background(), "megan.hughes@cradle.example")
		for _, tc := range []struct {
			name, id, want string
		}{
			{"an analyst", itoa(analyst.ID), "Choose a practitioner from the list"},
			{"another area's practitioner", itoa(megan.ID), "this one does not work in the family&#39;s area"},
			{"no one", "999999", "Choose a practitioner from the list"},
		} {
			r := e.post(mc, "/families/"+itoa(f.ID)+"/allocate", mustForm("csrf_token", token, "practitioner_"+itoa(ps[0].ID), itoa(prac.ID), "practitioner_"+itoa(ps[1].ID), tc.id))
			summary := between(r.body, "govuk-error-summary__list", "</ul>")
			if r.status != http.StatusUnprocessableEntity || !strings.Contains(summary, `href="#practitioner_`+itoa(ps[1].ID)+`"`) || !strings.Contains(summary, tc.want) ||
				!strings.Contains(r.body, `id="practitioner_`+itoa(ps[1].ID)+`"`) {
				t.Errorf("%s: %d %s", tc.name, r.status, summary)
			}
		}
		ok := mustForm("csrf_token", token, "practitioner_"+itoa(ps[0].ID), itoa(prac.ID), "practitioner_"+itoa(ps[1].ID), itoa(other.ID))
		if r := e.post(mc, "/families/"+itoa(f.ID)+"/allocate", ok); r.status != http.StatusSeeOther {
			t.Fatalf("allocate: %d\n%s", r.status, r.body)
		}
		// Each practitioner newly given a parent is told by email: the
		// family's reference and a link, no one's name.
		msgs := deliver(t, e, smtp)
		if len(msgs) != 2 {
			t.Fatalf("%d allocation emails, want one to each practitioner", len(msgs))
		}
		for i, want := range []string{practitioner, tom} {
			m := msgs[i]
			if m.To[0] != want || !strings.Contains(m.Body, "/families/"+itoa(f.ID)) || !strings.Contains(string(m.Data), f.Reference) ||
				strings.Contains(string(m.Data), ps[0].GivenName) || strings.Contains(string(m.Data), ps[1].GivenName) {
				t.Errorf("allocation email to %v:\n%s", m.To, m.Data)
			}
		}
		// Allocated, a parent's list offers no "Not allocated" (which would
		// keep them as they are, not end the allocation); a choice refused
		// shows their practitioner as they stand, not the list's first.
		page = e.get(mc, "/families/"+itoa(f.ID)+"/allocate")
		for _, p := range ps {
			if sel := between(page.body, `id="practitioner_`+itoa(p.ID)+`"`, "</select>"); strings.Contains(sel, `value="0"`) || !strings.Contains(sel, " selected>") {
				t.Errorf("the allocated parent's list offers \"Not allocated\", or selects no one:\n%s", sel)
			}
		}
		refused := e.post(mc, "/families/"+itoa(f.ID)+"/allocate", mustForm("csrf_token", token, "practitioner_"+itoa(ps[0].ID), itoa(prac.ID), "practitioner_"+itoa(ps[1].ID), "999999"))
		if sel := between(refused.body, `id="practitioner_`+itoa(ps[1].ID)+`"`, "</select>"); refused.status != http.StatusUnprocessableEntity ||
			!strings.Contains(sel, `value="`+itoa(other.ID)+`" selected>`) {
			t.Errorf("a refused choice: %d, the list shows\n%s", refused.status, sel)
		}
		// Swap them: ends both allocations first, so the swap is allowed, and keeps history.
		swap := mustForm("csrf_token", token, "practitioner_"+itoa(ps[0].ID), itoa(other.ID), "practitioner_"+itoa(ps[1].ID), itoa(prac.ID))
		if r := e.post(mc, "/families/"+itoa(f.ID)+"/allocate", swap); r.status != http.StatusSeeOther {
			t.Fatalf("swap: %d\n%s", r.status, r.body)
		}
		got, _ := e.db.ReadFamily(context.Background(), mustActor(t, e, manager), f.ID)
		if parentNamed(got, ps[0].GivenName).PractitionerID != other.ID || parentNamed(got, ps[1].GivenName).PractitionerID != prac.ID {
			t.Errorf("after swap: %+v", got.Parents())
		}
		// Each is told of the parent they gain, with a link, and of the one
		// they leave, without (they may no longer open the family).
		ended := 0
		for _, m := range deliver(t, e, smtp)[2:] {
			if strings.Contains(string(m.Data), "has a new practitioner") {
				ended++
				if strings.Contains(m.Body, "/families/") {
					t.Errorf("the email to a practitioner who left a parent links to the family:\n%s", m.Body)
				}
			}
		}
		if ended != 2 {
			t.Errorf("%d emails to practitioners who left a parent, want 2", ended)
		}
		// The family's team manager is chosen on the same page, only from
		// the area's: another area's is refused, the choice kept.
		helen, _ := e.db.StaffByEmail(context.Background(), manager)
		megan, _ = e.db.StaffByEmail(context.Background(), herts)
		page = e.get(mc, "/families/"+itoa(f.ID)+"/allocate")
		if sel := between(page.body, `id="manager"`, "</select>"); !regexp.MustCompile(`value="`+itoa(helen.ID)+`"[^>]*>Helen Whitaker \(\d+ famil`).MatchString(sel) || strings.Contains(sel, "Megan") {
			t.Errorf("the team manager choice: %q", sel)
		}
		away := mustForm("csrf_token", token, "practitioner_"+itoa(ps[0].ID), itoa(other.ID), "practitioner_"+itoa(ps[1].ID), itoa(prac.ID), "manager", itoa(megan.ID))
		r = e.post(mc, "/families/"+itoa(f.ID)+"/allocate", away)
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `href="#manager"`) || !strings.Contains(r.body, "Choose a team manager who works in this family&#39;s area") {
			t.Errorf("another area's manager: %d", r.status)
		}
		if mine := e.post(mc, "/families/"+itoa(f.ID)+"/allocate", mustForm("csrf_token", token, "manager", itoa(helen.ID))); mine.status != http.StatusSeeOther {
			t.Fatalf("choosing Helen: %d", mine.status)
		}
		if got, _ := e.db.ReadFamily(context.Background(), mustActor(t, e, manager), f.ID); got.ManagerID != helen.ID {
			t.Errorf("the family's manager is %d, want Helen (%d)", got.ManagerID, helen.ID)
		}
		pc := e.client()
		e.signIn(pc, practitioner)
		if r := e.get(pc, "/families/"+itoa(f.ID)+"/allocate"); r.status != http.StatusForbidden {
			t.Errorf("practitioner allocating: %d", r.status)
		}
	})
}

func TestSessionsConfidentialityAndBreakGlass(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		f := demoFamily(t, e, "Amy") // Amy: Priya's parent; Jordan: Tom's
		amy := parentNamed(f, "Amy")
		amyPath := "/people/" + itoa(amy.ID)
		pc := e.client()
		e.signIn(pc, practitioner)
		page := e.get(pc, amyPath)
		if page.status != 200 || !strings.Contains(page.body, "Flat 3, 12 Harbour View") {
			t.Fatalf("own parent's page: %d", page.status)
		}
		token := csrfFrom(t, page.body)
		today := e.clock.Now()
		// Bad input: a future date, a non-number, a missed session with no reason.
		// Whether the note is confidential unanswered is a problem too,
		// never a quiet "no" that shows it to Jordan's practitioner.
		bad := dateForm("held_on", today.AddDate(0, 0, 2), "csrf_token", token, "minutes", "an hour", "mode", "home", "attendance", "did_not_attend", "notes", "typed text kept")
		r := e.post(pc, amyPath+"/sessions", bad)
		for _, want := range []string{"must be today or in the past", "number of minutes", "Say why the session did not take place", "typed text kept",
			`href="#confidential"`, "Select yes if this note is confidential from the other parent"} {
			if !strings.Contains(r.body, want) {
				t.Errorf("invalid session page lacks %q (status %d)", want, r.status)
			}
		}
		before := dateForm("held_on", f.AcceptedOn.AddDate(0, 0, -3), "csrf_token", token, "minutes", "60", "mode", "home", "attendance", "attended", "confidential", "no")
		if r := e.post(pc, amyPath+"/sessions", before); !strings.Contains(r.body, "on or after the day the family was accepted") {
			t.Errorf("session before acceptance: %d", r.status)
		}
		good := dateForm("held_on", today, "csrf_token", token, "minutes", "60", "mode", "home", "attendance", "attended",
			"module", "healthy_relationships", "notes", "CANARY-NOTE disclosed a new address", "confidential", "yes")
		if r := e.post(pc, amyPath+"/sessions", good); r.status != http.StatusSeeOther {
			t.Fatalf("record session: %d\n%s", r.status, r.body)
		}
		open := dateForm("held_on", today, "csrf_token", token, "minutes", "45", "mode", "video", "attendance", "attended", "notes", "Talked about sleep routines.", "confidential", "no")
		e.post(pc, amyPath+"/sessions", open)
		if p := e.get(pc, amyPath); !strings.Contains(p.body, "CANARY-NOTE") {
			t.Error("own practitioner cannot read the confidential note")
		}

		// The co-parent's practitioner sees the open note, but not the confidential one or the contact details.
		tc := e.client()
		e.signIn(tc, tom)
		p := e.get(tc, amyPath)
		if p.status != 200 || strings.Contains(p.body, "CANARY") || strings.Contains(p.body, "Harbour View") || !strings.Contains(p.body, "Talked about sleep routines") ||
			!strings.Contains(p.body, "Withheld: confidential to the other parent") {
			t.Fatalf("co-parent's practitioner view: %d\n%s", p.status, p.body)
		}
		if r := e.post(tc, amyPath+"/sessions", good); r.status != http.StatusForbidden {
			t.Errorf("co-parent's practitioner recording a session on Amy: %d", r.status)
		}
		// Break the glass: a reason is required; then an hour's access, with tasks and emails for the DSLs and the manager.
		reveal := e.get(tc, amyPath+"/reveal")
		rtoken := csrfFrom(t, reveal.body)
		if r := e.post(tc, amyPath+"/reveal", mustForm("csrf_token", rtoken, "reason", "need it", "password", demo.Password)); r.status != http.StatusUnprocessableEntity {
			t.Errorf("short reason: %d", r.status)
		}
		// The password again: without it, or a wrong one, nothing is
		// revealed, the reason typed is kept (the password never), and a
		// wrong one counts as a failed sign-in.
		const why = "Jordan has made threats and police need to check on Amy tonight"
		for _, pw := range []string{"", "not my password at all"} {
			r := e.post(tc, amyPath+"/reveal", mustForm("csrf_token", rtoken, "reason", why, "password", pw))
			if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, why) || (pw != "" && strings.Contains(r.body, pw)) {
				t.Errorf("break glass with password %q: %d", pw, r.status)
			}
			if pw == "" && !strings.Contains(r.body, "Enter your password") || pw != "" && !strings.Contains(r.body, "Your password is not right") {
				t.Errorf("break glass with password %q: the problem is not named", pw)
			}
		}
		if p := e.get(tc, amyPath); strings.Contains(p.body, "Harbour View") {
			t.Error("details revealed without the password")
		}
		if n, _, _ := e.db.SigninFailures(context.Background(), "tom.elliott@cradle.example", "", e.clock.Now().Add(-time.Hour)); n != 1 {
			t.Errorf("failed sign-ins after a wrong password at break-glass: %d, want 1", n)
		}
		if r := e.post(tc, amyPath+"/reveal", mustForm("csrf_token", rtoken, "reason", why, "password", demo.Password)); r.status != http.StatusSeeOther {
			t.Fatalf("break glass: %d\n%s", r.status, r.body)
		}
		if p := e.get(tc, amyPath); !strings.Contains(p.body, "Harbour View") || !strings.Contains(p.body, "CANARY-NOTE") || !strings.Contains(p.body, "break-glass access until") {
			t.Errorf("after break glass: details not shown")
		}
		ctx := context.Background()
		if es, _ := e.db.AuditEntries(ctx, store.AuditFilter{FamilyID: f.ID, Actions: []string{"person.breakglass", "person.confidential.override_view"}}); len(es) < 2 {
			t.Errorf("break glass audit entries = %d", len(es))
		}
		if fp, _ := e.db.ReadFamilyPage(ctx, mustActor(t, e, ruth), f.ID, 8); len(fp.Tasks) < 2 {
			t.Errorf("review tasks = %d, want one for the DSL and one for the manager", len(fp.Tasks))
		}
		if counts, _ := e.db.MailCounts(ctx); counts["pending"] < 2 {
			t.Errorf("break-glass emails queued = %v", counts)
		}
		e.clock.Advance(61 * time.Minute)
		e.signIn(tc, tom) // the idle timeout has passed too
		if p := e.get(tc, amyPath); strings.Contains(p.body, "Harbour View") || strings.Contains(p.body, "CANARY") {
			t.Error("break-glass access outlived its hour")
		}
	})
}

func TestContactEditOptimisticLocking(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		f := demoFamily(t, e, "Amy")
		amy := parentNamed(f, "Amy")
		path := "/people/" + itoa(amy.ID) + "/contact"
		pc := e.client()
		e.signIn(pc, practitioner)
		mc := e.client()
		e.signIn(mc, manager)
		first, second := e.get(pc, path), e.get(mc, path)
		version := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(first.body)[1]
		save := func(c *http.Client, page resp, addr string) resp {
			return e.post(c, path, mustForm("csrf_token", csrfFrom(t, page.body), "version", version, "address", addr, "postcode", "FY1 9ZZ", "phone", "07700 900101"))
		}
		if r := save(pc, first, "1 New Road, Blackpool"); r.status != http.StatusSeeOther {
			t.Fatalf("first save: %d\n%s", r.status, r.body)
		}
		r := save(mc, second, "My careful edit")
		if r.status != http.StatusConflict || !strings.Contains(r.body, "Someone else changed these details") || !strings.Contains(r.body, "My careful edit") {
			t.Fatalf("second save: %d", r.status)
		}
		if p := e.get(pc, "/people/"+itoa(amy.ID)); !strings.Contains(p.body, "1 New Road") || strings.Contains(p.body, "My careful edit") {
			t.Error("the second save overwrote the first")
		}
	})
}

func TestBirthClosureAndReopen(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		f := demoFamily(t, e, "Aisha") // Hertfordshire, antenatal
		path := "/families/" + itoa(f.ID)
		mc := e.client()
		e.signIn(mc, "ravi.patel@cradle.example")
		page := e.get(mc, path+"?form=birth") // the birth form carries the record's version
		token := csrfFrom(t, page.body)
		version := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(page.body)[1]
		if r := e.post(mc, path+"/birth", dateForm("born_on", e.clock.Now().AddDate(0, 0, 3), "csrf_token", token, "version", version)); !strings.Contains(r.body, "today or in the past") {
			t.Errorf("future birth: %d", r.status)
		}
		if r := e.post(mc, path+"/birth", dateForm("born_on", f.EDD.AddDate(0, 0, -25*7), "csrf_token", token, "version", version)); !strings.Contains(r.body, "no more than 24 weeks before the due date") {
			t.Errorf("too-early birth: %d", r.status)
		}
		born := e.clock.Now().AddDate(0, 0, -1)
		if r := e.post(mc, path+"/birth", dateForm("born_on", born, "csrf_token", token, "version", version, "given_name", "Zara")); r.status != http.StatusSeeOther {
			t.Fatalf("birth: %d\n%s", r.status, r.body)
		}
		p := e.get(mc, path)
		if !strings.Contains(p.body, "Zara Khan") || !strings.Contains(p.body, "second birthday)") || !strings.Contains(p.body, ">Birth<") {
			t.Errorf("family after birth lacks the baby or the stage:\n%s", p.body)
		}
		// The birth asks for a review of each parent's risk assessment and
		// safety plan, on the open tasks.
		if n := strings.Count(between(p.body, `id="tasks"`, "</table>"), ">Review the risk assessment and safety plan now the baby is born"); n != 2 {
			t.Errorf("%d risk reviews after the birth on the family's tasks, want one for each parent", n)
		}
		// Each "Mark done" button has its own name for a screen reader.
		names := map[string]bool{}
		for _, m := range regexp.MustCompile(`Mark done<span class="govuk-visually-hidden">([^<]*)</span>`).FindAllStringSubmatch(p.body, -1) {
			if names[m[1]] {
				t.Errorf("two Mark done buttons are both named %q", m[1])
			}
			names[m[1]] = true
		}
		if len(names) < 2 {
			t.Errorf("%d Mark done buttons on the family's page, want one for each review", len(names))
		}
		// Closing needs a reason and a summary for each parent.
		cl := e.get(mc, path+"/close")
		ctoken := csrfFrom(t, cl.body)
		r := e.post(mc, path+"/close", dateForm("closed_on", e.clock.Now(), "csrf_token", ctoken, "reason", "moved_out_of_area"))
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Write a closing summary for parent 1") {
			t.Fatalf("closure without summaries: %d", r.status)
		}
		ps := f.Parents()
		summary := map[int64]string{}
		for _, p := range ps {
			summary[p.ID] = "Work with " + p.GivenName + " ended; referred on to Leeds."
		}
		full := dateForm("closed_on", e.clock.Now(), "csrf_token", ctoken, "reason", "moved_out_of_area",
			"summary_for_"+itoa(ps[0].ID), summary[ps[0].ID], "summary_for_"+itoa(ps[1].ID), summary[ps[1].ID])
		if r := e.post(mc, path+"/close", full); r.status != http.StatusSeeOther {
			t.Fatalf("close: %d\n%s", r.status, r.body)
		}
		// The form sent twice (a double click), or another manager's a
		// moment later: the case is closed already, which the manager is
		// told, rather than that they have no access, on the family's page
		// with the summaries saved; what they typed is kept to copy.
		again := dateForm("closed_on", e.clock.Now(), "csrf_token", ctoken, "reason", "moved_out_of_area",
			"summary_for_"+itoa(ps[0].ID), "CANARY-TYPED a second manager's summary", "summary_for_"+itoa(ps[1].ID), "")
		if r := e.post(mc, path+"/close", again); r.status != http.StatusConflict || !strings.Contains(r.body, "This case is closed already") ||
			strings.Contains(r.body, "do not have access") || !strings.Contains(r.body, html.EscapeString(summary[ps[0].ID])) ||
			!strings.Contains(between(r.body, `id="unsaved"`, "</div>"), "Closing summary for "+ps[0].Name()) ||
			!strings.Contains(between(r.body, `id="unsaved"`, "</div>"), "CANARY-TYPED a second manager&#39;s summary") ||
			strings.Contains(between(r.body, `id="unsaved"`, "</div>"), "Closing summary for "+ps[1].Name()) {
			t.Errorf("closing it again: %d\n%s", r.status, between(r.body, "<main", "</main>"))
		}
		// The closing manager reads both parents' closing summaries on the
		// family page; each parent's practitioner reads their own parent's,
		// and the other parent's is withheld, as a disclosure about them is.
		closedPage := e.get(mc, path)
		for _, p := range ps {
			if !strings.Contains(closedPage.body, "Closing summary for "+p.Name()) || !strings.Contains(closedPage.body, html.EscapeString(summary[p.ID])) {
				t.Errorf("the manager's family page lacks %s's closing summary", p.Name())
			}
		}
		pc := e.client()
		e.signIn(pc, "megan.hughes@cradle.example")
		aishaID := parentNamed(f, "Aisha").ID
		seen := e.get(pc, path)
		for _, p := range ps {
			shown := strings.Contains(seen.body, html.EscapeString(summary[p.ID]))
			if p.ID == aishaID && !shown {
				t.Error("Aisha's practitioner is not shown Aisha's closing summary")
			}
			withheld := "Closing summary for " + html.EscapeString(p.Name()) + `</dt><dd class="govuk-summary-list__value app-pre-line">Withheld: confidential`
			if p.ID != aishaID && (shown || !strings.Contains(seen.body, withheld)) {
				t.Errorf("Aisha's practitioner is shown the other parent's closing summary (or no word that it is withheld): shown %v", shown)
			}
		}
		// Closed: read-only for the practitioner.
		aisha := "/people/" + itoa(aishaID)
		ap := e.get(pc, aisha)
		if strings.Contains(ap.body, "Record a session") {
			t.Error("a closed case still offers to record a session")
		}
		// A form opened before the case closed: told so, on the page.
		if r := e.post(pc, aisha+"/sessions", dateForm("held_on", e.clock.Now(), "csrf_token", csrfFrom(t, ap.body), "minutes", "30", "mode", "phone", "attendance", "attended")); r.status != http.StatusConflict ||
			!strings.Contains(r.body, "Closed cases are read-only") {
			t.Errorf("session on a closed case: %d, want 409 saying the case is closed", r.status)
		}
		closed := e.get(mc, path)
		if r := e.post(mc, path+"/reopen", mustForm("csrf_token", csrfFrom(t, closed.body))); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Give the reason for re-opening") {
			t.Errorf("reopen without reason: %d", r.status)
		}
		if r := e.post(mc, path+"/reopen", mustForm("csrf_token", csrfFrom(t, closed.body), "reopen_reason", "The family returned to Hertfordshire.")); r.status != http.StatusSeeOther {
			t.Fatalf("reopen: %d", r.status)
		}
		if p := e.get(mc, path); !strings.Contains(p.body, "re-opened") || strings.Contains(p.body, ">Closed<") {
			t.Errorf("after re-opening:\n%s", p.body)
		}
	})
}

func TestCaseloadShowsWhatNeedsAttention(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		f := demoFamily(t, e, "Amy")
		amy := parentNamed(f, "Amy")
		pc := e.client()
		e.signIn(pc, practitioner)
		page := e.get(pc, "/caseload")
		if !strings.Contains(page.body, "Needs attention") || !strings.Contains(page.body, "/people/"+itoa(amy.ID)) {
			t.Fatalf("caseload: %d", page.status)
		}
		// Only Priya's own parents: Jordan (Tom's) is not on her list.
		if strings.Contains(page.body, "Jordan Price") {
			t.Error("a practitioner's caseload lists the co-parent")
		}
		e.clock.Advance(20 * 24 * time.Hour)
		e.signIn(pc, practitioner)
		if p := e.get(pc, "/caseload"); !regexp.MustCompile(`No contact for \d+ days`).MatchString(p.body) {
			t.Error("no 'no contact' warning after 20 days without a session")
		}
		person := e.get(pc, "/people/"+itoa(amy.ID))
		e.post(pc, "/people/"+itoa(amy.ID)+"/sessions", dateForm("held_on", e.clock.Now(), "csrf_token", csrfFrom(t, person.body),
			"minutes", "60", "mode", "home", "attendance", "attended", "confidential", "no"))
		p := e.get(pc, "/caseload")
		row := p.body[strings.Index(p.body, "/people/"+itoa(amy.ID)):]
		row = row[:strings.Index(row, "</tr>")]
		if strings.Contains(row, "No contact for") || !strings.Contains(row, e.clock.Now().Format("2 January 2006")) {
			t.Errorf("Amy's row after a session today:\n%s", row)
		}
		mc := e.client()
		e.signIn(mc, manager)
		if p := e.get(mc, "/caseload"); !strings.Contains(p.body, `href="/caseload/team"`) || !strings.Contains(p.body, "Tom Elliott") || !strings.Contains(p.body, "Jordan Price") {
			t.Error("the manager's caseload lacks the link to the team's caseloads or the whole team's parents")
		}
	})
}

// TestTeamCaseloads: a manager's team page counts each practitioner's
// parents and links to the caseload narrowed to them; a practitioner can
// neither open it nor narrow their own list to someone else's parents.
func TestTeamCaseloads(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		f := demoFamily(t, e, "Amy")
		amy, jordan := parentNamed(f, "Amy"), parentNamed(f, "Jordan")
		if amy.PractitionerID == 0 || jordan.PractitionerID == 0 || amy.PractitionerID == jordan.PractitionerID {
			t.Fatalf("the demo's parents: Amy's practitioner %d, Jordan's %d", amy.PractitionerID, jordan.PractitionerID)
		}
		mc := e.client()
		e.signIn(mc, manager)
		team := e.get(mc, "/caseload/team")
		toms := `href="/caseload?practitioner=` + itoa(jordan.PractitionerID) + `">Tom Elliott</a>`
		if team.status != http.StatusOK || !strings.Contains(team.body, toms) || !strings.Contains(team.body, `>Priya Shah</a>`) ||
			!regexp.MustCompile(`Tom Elliott</a><br><a [^>]*>Appointments<span class="govuk-visually-hidden">[^<]*</span></a>(<br><a [^>]*>Move their parents<span class="govuk-visually-hidden">[^<]*</span></a>)?</td><td class="govuk-table__cell govuk-table__cell--numeric">[1-9]\d*</td>`).MatchString(team.body) {
			t.Fatalf("team caseloads: %d; want Tom Elliott linked to his list, with his parents counted\n%s", team.status, team.body)
		}
		tom := e.get(mc, "/caseload?practitioner="+itoa(jordan.PractitionerID))
		if tom.status != http.StatusOK || !strings.Contains(tom.body, "Caseload: Tom Elliott") ||
			!strings.Contains(tom.body, "/people/"+itoa(jordan.ID)+`"`) || strings.Contains(tom.body, "/people/"+itoa(amy.ID)+`"`) {
			t.Errorf("Tom's caseload: %d; want Jordan and not Amy", tom.status)
		}
		// Narrowed to Tom, every row is his: no column repeats his name.
		if strings.Contains(tom.body, `scope="col" class="govuk-table__header">Practitioner</th>`) {
			t.Errorf("Tom's caseload has a Practitioner column:\n%s", tom.body)
		}
		if all := e.get(mc, "/caseload"); !strings.Contains(all.body, `scope="col" class="govuk-table__header">Practitioner</th>`) || !strings.Contains(all.body, ">Tom Elliott</td>") {
			t.Errorf("the manager's whole caseload lacks the Practitioner column naming Tom:\n%s", all.body)
		}
		if p := e.get(mc, "/caseload?practitioner=987654"); p.status != http.StatusOK || !strings.Contains(p.body, "No parent in an open family in your areas is allocated to that practitioner.") {
			t.Errorf("a practitioner with no parents here: %d", p.status)
		}
		if p := e.get(mc, "/caseload?practitioner=nonsense"); p.status != http.StatusNotFound || !strings.Contains(p.body, "There is no such practitioner") {
			t.Errorf("?practitioner=nonsense: %d; want a clear 404", p.status)
		}
		pc := e.client()
		e.signIn(pc, practitioner)
		if p := e.get(pc, "/caseload/team"); p.status != http.StatusForbidden {
			t.Errorf("a practitioner opening the team's caseloads: %d", p.status)
		}
		if p := e.get(pc, "/caseload?practitioner="+itoa(jordan.PractitionerID)); p.status != http.StatusOK || strings.Contains(p.body, "Jordan Price") ||
			!strings.Contains(p.body, "/people/"+itoa(amy.ID)+`"`) || strings.Contains(p.body, "/caseload/team") {
			t.Errorf("a practitioner asking for a colleague's list: %d; want their own list, unnarrowed, and no team link", p.status)
		}
		// Tom leaves: his account is disabled, and the manager, whose
		// caseload was read (and cached) before, sees his parents now have
		// no one working with them.
		ac := e.client()
		e.signIn(ac, admin)
		staffPage := e.get(ac, "/admin/staff")
		if r := e.post(ac, "/admin/staff/"+itoa(jordan.PractitionerID)+"/disable", url.Values{"csrf_token": {csrfFrom(t, staffPage.body)}}); r.status != http.StatusSeeOther {
			t.Fatalf("disabling Tom's account: %d", r.status)
		}
		if team := e.get(mc, "/caseload/team"); !strings.Contains(team.body, toms+` <strong class="govuk-tag govuk-tag--red">Account disabled</strong>`) ||
			strings.Contains(team.body, `Priya Shah</a> <strong`) {
			t.Errorf("team caseloads after Tom's account is disabled: want his row, and only his, marked\n%s", team.body)
		}
		all := e.get(mc, "/caseload")
		// His parents come first: nothing else on their rows will be done
		// until someone is allocated.
		if first := between(between(all.body, "<tbody", "</tbody>"), "<tr", "</tr>"); !strings.Contains(first, "Practitioner&#39;s account disabled") {
			t.Errorf("the manager's caseload starts with a parent whose practitioner is still working:\n%s", first)
		}
		row := all.body[strings.Index(all.body, "/people/"+itoa(jordan.ID)+`"`):]
		row = row[:strings.Index(row, "</tr>")]
		if !strings.Contains(row, "Practitioner&#39;s account disabled: allocate another") {
			t.Errorf("Jordan's row on the manager's caseload does not say his practitioner's account is disabled:\n%s", row)
		}
		if fp := e.get(mc, "/families/"+itoa(f.ID)); !strings.Contains(fp.body, `Tom Elliott <strong class="govuk-tag govuk-tag--red">Account disabled</strong>`) {
			t.Error("the family page does not say Tom's account is disabled")
		}
		// The allocation page does not offer his account, and says whose the
		// parent's still is rather than "Not allocated".
		alloc := e.get(mc, "/families/"+itoa(f.ID)+"/allocate")
		sel := between(alloc.body, `id="practitioner_`+itoa(jordan.ID)+`"`, "</select>")
		if !regexp.MustCompile(`id="practitioner_\d+-hint" class="govuk-hint">Tom Elliott(&#39;|')s account is disabled: choose another practitioner.`).MatchString(alloc.body) ||
			!strings.Contains(sel, `<option value="0">Tom Elliott (account disabled)</option>`) || strings.Contains(sel, `value="`+itoa(jordan.PractitionerID)+`"`) {
			t.Errorf("the allocation page for Jordan after Tom's account is disabled:\n%s\n%s", between(alloc.body, "<form", "</select>"), sel)
		}
		// The team manager leaves too: the family page says so.
		if r := e.post(ac, "/admin/staff/"+itoa(f.ManagerID)+"/disable", url.Values{"csrf_token": {csrfFrom(t, staffPage.body)}}); r.status != http.StatusSeeOther {
			t.Fatalf("disabling the team manager's account: %d", r.status)
		}
		dc := e.client()
		e.signIn(dc, dsl)
		if fp := e.get(dc, "/families/"+itoa(f.ID)); !strings.Contains(fp.body, `Helen Whitaker <strong class="govuk-tag govuk-tag--red">Account disabled</strong>`) {
			t.Errorf("the family page does not say the team manager's account is disabled:\n%s", between(fp.body, "Team manager", "</div>"))
		}
		// Another manager of the area opens the allocation page: Helen is
		// named as disabled, chosen until another is, and offered once.
		secret := credential.DeterministicTOTPSecret("test:nina")
		hash, err := credential.HashWith(testPasswordParams, demo.Password)
		if err != nil {
			t.Fatal(err)
		}
		if err := e.db.Update(audit.WithSource(context.Background(), audit.Source{Actor: "system:test"}), func(tx *store.Tx) error {
			_, err := tx.CreateStaff(org.NewStaff{Email: "nina.brooks@cradle.example", Name: "Nina Brooks", Role: "team_manager", AreaName: "Blackpool"},
				store.StaffSecrets{PasswordHash: hash, TOTPSecret: secret})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		nc := e.client()
		e.signInWith(nc, "nina.brooks@cradle.example", secret)
		msel := between(e.get(nc, "/families/"+itoa(f.ID)+"/allocate").body, `id="manager"`, "</select>")
		if strings.Count(msel, "Helen Whitaker") != 1 || !strings.Contains(msel, `value="`+itoa(f.ManagerID)+`" selected>Helen Whitaker, account disabled</option>`) ||
			!strings.Contains(msel, ">Nina Brooks (0 families)</option>") {
			t.Errorf("the allocation page's team manager choice with Helen's account disabled:\n%s", msel)
		}
		// Nina, who can choose another, sees it on each of the family's
		// parents' rows: the family's manager tasks wait for no one until
		// another is chosen. Priya, who cannot, is not shown it.
		for who, c := range map[string]*http.Client{"Nina": nc, "Priya": pc} {
			cl := e.get(c, "/caseload")
			row := cl.body[strings.Index(cl.body, "/people/"+itoa(amy.ID)+`"`):]
			row = row[:strings.Index(row, "</tr>")]
			if strings.Contains(row, "Team manager&#39;s account disabled: choose another") != (who == "Nina") {
				t.Errorf("Amy's row on %s's caseload, with the family's team manager's account disabled:\n%s", who, row)
			}
		}
	})
}

func TestPauseResumeAndSupervisionNotes(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		f := demoFamily(t, e, "Amy")
		amy := "/people/" + itoa(parentNamed(f, "Amy").ID)
		pc := e.client()
		e.signIn(pc, practitioner)
		page := e.get(pc, amy)
		token := csrfFrom(t, page.body)
		if r := e.post(pc, amy+"/pause", dateForm("paused_on", e.clock.Now(), "csrf_token", token)); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Select why sessions are pausing") {
			t.Fatalf("pause without reason: %d", r.status)
		}
		if r := e.post(pc, amy+"/pause", dateForm("paused_on", e.clock.Now(), "csrf_token", token, "pause_reason", "housing", "pause_note", "CANARY-PAUSE moved to temporary housing")); r.status != http.StatusSeeOther {
			t.Fatalf("pause: %d", r.status)
		}
		// Sent twice: the page with the pause, saying so (the summary
		// links to no form the page no longer has), the note to copy.
		twice := e.post(pc, amy+"/pause", dateForm("paused_on", e.clock.Now(), "csrf_token", token, "pause_reason", "housing", "pause_note", "Typed twice"))
		if twice.status != http.StatusConflict || !strings.Contains(twice.body, "Sessions with this parent are already paused") ||
			!strings.Contains(between(twice.body, `id="unsaved"`, "</div>"), "Typed twice") || strings.Contains(between(twice.body, "govuk-error-summary__list", "</ul>"), "href=") {
			t.Errorf("pausing twice: %d\n%s", twice.status, between(twice.body, "govuk-error-summary", "</main>"))
		}
		e.clock.Advance(20 * 24 * time.Hour)
		e.signIn(pc, practitioner)
		cl := e.get(pc, "/caseload")
		row := cl.body[strings.Index(cl.body, amy):]
		row = row[:strings.Index(row, "</tr>")]
		if !strings.Contains(row, "Paused: Housing crisis") || strings.Contains(row, "No contact for") {
			t.Errorf("paused parent's caseload row:\n%s", row)
		}
		tc := e.client()
		e.signIn(tc, tom)
		if p := e.get(tc, amy); !strings.Contains(p.body, "Sessions paused") || strings.Contains(p.body, "CANARY-PAUSE") {
			t.Error("the co-parent's practitioner sees the pause note, or not the pause")
		}
		page = e.get(pc, amy)
		if r := e.post(pc, amy+"/resume", mustForm("csrf_token", csrfFrom(t, page.body))); r.status != http.StatusSeeOther {
			t.Fatalf("resume: %d", r.status)
		}
		if r := e.post(pc, amy+"/resume", mustForm("csrf_token", csrfFrom(t, page.body))); r.status != http.StatusConflict ||
			!strings.Contains(r.body, "Sessions with this parent are not paused") {
			t.Errorf("resuming twice: %d, want 409 saying they are not paused", r.status)
		}
		if p := e.get(pc, amy); strings.Contains(p.body, "Sessions paused") {
			t.Error("still paused after resuming")
		}
		// Supervision notes: managers only.
		if r := e.post(pc, amy+"/supervision", mustForm("csrf_token", csrfFrom(t, page.body), "supervision_note", "x")); r.status != http.StatusForbidden {
			t.Errorf("practitioner writing supervision: %d", r.status)
		}
		mc := e.client()
		e.signIn(mc, manager)
		mp := e.get(mc, amy)
		if r := e.post(mc, amy+"/supervision", mustForm("csrf_token", csrfFrom(t, mp.body), "supervision_note", "")); r.status != http.StatusUnprocessableEntity {
			t.Errorf("empty supervision note: %d", r.status)
		}
		if r := e.post(mc, amy+"/supervision", mustForm("csrf_token", csrfFrom(t, mp.body), "supervision_note", "Discussed risk; keep weekly visits.")); r.status != http.StatusSeeOther {
			t.Fatalf("supervision: %d", r.status)
		}
		if p := e.get(pc, amy+"?show=supervision"); !strings.Contains(p.body, "Discussed risk; keep weekly visits.") || !strings.Contains(p.body, "supervision note") {
			t.Error("Amy's practitioner does not see the supervision note")
		}
		if p := e.get(tc, amy); strings.Contains(p.body, "Discussed risk") {
			t.Error("the co-parent's practitioner sees the supervision note")
		}
	})
}

// TestCaseloadListsThreeOverdueItems: a parent with many overdue items
// shows three on the caseload and how many more, linked to the
// family page's full list; the team summary still counts them all.
func TestCaseloadListsThreeOverdueItems(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		f := demoFamily(t, e, "Amy")
		amy := parentNamed(f, "Amy")
		e.clock.Advance(400 * 24 * time.Hour) // a year with nothing recorded
		pc := e.client()
		e.signIn(pc, practitioner)
		p := e.get(pc, "/caseload")
		start := strings.Index(p.body, "/people/"+itoa(amy.ID))
		if start < 0 {
			t.Fatalf("Amy is not on the caseload")
		}
		row := p.body[start:]
		row = row[:strings.Index(row, "</tr>")]
		more := regexp.MustCompile(`<a class="govuk-link" href="/families/` + itoa(f.ID) + `#coming-up">and (\d+) more overdue`).FindStringSubmatch(row)
		if n := strings.Count(row, "govuk-tag--red"); n != 3 || more == nil {
			t.Fatalf("Amy's row lists %d overdue items, and more: %v\n%s", n, more, row)
		}
		extra, _ := strconv.Atoi(more[1])
		family := e.get(pc, "/families/"+itoa(f.ID))
		if !strings.Contains(family.body, `id="coming-up"`) || strings.Count(family.body, ">Overdue</strong>") < 3+extra-1 {
			// The family page lists the family's milestones (one "No contact"
			// line of the caseload's is not a milestone).
			t.Errorf("the family page's Coming up lists %d overdue items; the caseload said 3 and %d more", strings.Count(family.body, ">Overdue</strong>"), extra)
		}
		mc := e.client()
		e.signIn(mc, manager)
		team := e.get(mc, "/caseload/team")
		if i := strings.Index(team.body, "caseload sizes, parents not taking part (left the programme or joining later), at high risk, and overdue items"); i < 0 || !regexp.MustCompile(`Priya Shah</a><br><a [^>]*>Appointments<span class="govuk-visually-hidden">[^<]*</span></a>(<br><a [^>]*>Move their parents<span class="govuk-visually-hidden">[^<]*</span></a>)?</td><td class="govuk-table__cell govuk-table__cell--numeric">\d+</td><td class="govuk-table__cell govuk-table__cell--numeric">0</td><td class="govuk-table__cell govuk-table__cell--numeric">0</td><td class="govuk-table__cell govuk-table__cell--numeric">(\d\d+)</td>`).MatchString(team.body[i:]) {
			t.Errorf("the team summary does not count every overdue item")
		}
	})
}

// TestFormsOpenOnRequest: a person's and a family's pages show their forms
// as links, and in full only the one asked for (?form=) or the one just
// posted with a problem, with what was typed kept.
func TestFormsOpenOnRequest(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		f := demoFamily(t, e, "Amy")
		amy := parentNamed(f, "Amy")
		person, fam := "/people/"+itoa(amy.ID), "/families/"+itoa(f.ID)
		c := e.client()
		e.signIn(c, practitioner)

		page := e.get(c, person)
		if page.status != http.StatusOK || !strings.Contains(page.body, `href="`+person+`?form=session#session-form"`) ||
			strings.Contains(page.body, `action="`+person+`/sessions"`) || strings.Contains(page.body, `action="`+person+`/vig"`) {
			t.Errorf("person page: %d; want the session form as a link, no forms in full", page.status)
		}
		page = e.get(c, person+"?form=session")
		if !strings.Contains(page.body, `id="session-form" open`) || !strings.Contains(page.body, `action="`+person+`/sessions"`) ||
			strings.Contains(page.body, `action="`+person+`/vig"`) || !strings.Contains(page.body, `href="`+person+`?form=vig#vig-form"`) {
			t.Error("?form=session: want the session form in full and the others as links")
		}
		if page := e.get(c, person+"?form=nonsense"); page.status != http.StatusOK || strings.Contains(page.body, ` open>`) {
			t.Errorf("?form=nonsense: %d; want the page with no form open", page.status)
		}

		// A meeting posted without its kind: the meeting form again, with
		// the owners an action can have and the attendees as typed.
		page = e.get(c, fam)
		if strings.Contains(page.body, `action="`+fam+`/meetings"`) || !strings.Contains(page.body, `href="`+fam+`?form=meeting#meeting-form"`) {
			t.Error("family page: want the meeting form as a link")
		}
		page = e.get(c, fam+"?form=meeting")
		if !strings.Contains(page.body, `id="meeting-form" open`) || !strings.Contains(page.body, `>Priya Shah</option>`) || strings.Contains(page.body, `action="`+fam+`/shares"`) {
			t.Error("?form=meeting: want the meeting form with its owners, and no other form")
		}
		r := e.post(c, fam+"/meetings", dateForm("held_on", e.clock.Now(), "csrf_token", csrfFrom(t, page.body), "attendees", "Health visitor, Amy"))
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `id="meeting-form" open`) || !strings.Contains(r.body, "Health visitor, Amy") ||
			!strings.Contains(r.body, `href="#kind"`) || strings.Contains(r.body, `id="share-form"`) {
			t.Errorf("meeting without a kind: %d; want the meeting form again with its error and the typed attendees", r.status)
		}
	})
}

// A parent's sessions are shown twenty at a time, newest first, with the
// GOV.UK pagination linking back to the list; a page past the end shows
// the last, and the filters count only their kind.
func TestPersonSessionsPaged(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		f := demoFamily(t, e, "Amy")
		amy := parentNamed(f, "Amy")
		amyPath := "/people/" + itoa(amy.ID)
		pc := e.client()
		e.signIn(pc, practitioner)
		token := csrfFrom(t, e.get(pc, amyPath).body)
		for i := 1; i <= 25; i++ {
			form := dateForm("held_on", e.clock.Now(), "csrf_token", token, "minutes", "60", "mode", "home", "attendance", "attended",
				"notes", fmt.Sprintf("PAGED-NOTE-%02d.", i), "confidential", "no")
			if r := e.post(pc, amyPath+"/sessions", form); r.status != http.StatusSeeOther {
				t.Fatalf("session %d: %d\n%s", i, r.status, r.body)
			}
		}
		all, err := e.db.ReadPersonParts(context.Background(), mustActor(t, e, practitioner), amy.ID, store.PersonSessions, "")
		if err != nil {
			t.Fatal(err)
		}
		total := all.SessionsTotal // the demo's own sessions are older than today's 25
		pages := (total + 19) / 20
		notes := func(body string) []string { return regexp.MustCompile(`PAGED-NOTE-\d\d`).FindAllString(body, -1) }
		first := e.get(pc, amyPath)
		if got := notes(first.body); len(got) != 20 || got[0] != "PAGED-NOTE-25" || got[19] != "PAGED-NOTE-06" {
			t.Errorf("the first page's notes: %v, want 25 down to 06", got)
		}
		for _, want := range []string{fmt.Sprintf("Showing 1 to 20 of %d, newest first.", total), `<nav class="govuk-pagination" aria-label="Pages">`,
			`href="` + amyPath + `?page=2#sessions" rel="next"`} {
			if !strings.Contains(first.body, want) {
				t.Errorf("the first page lacks %q", want)
			}
		}
		second := e.get(pc, amyPath+"?page=2")
		if got := notes(second.body); len(got) != 5 || got[0] != "PAGED-NOTE-05" || !strings.Contains(second.body, fmt.Sprintf("Showing 21 to %d of %d", min(40, total), total)) {
			t.Errorf("the second page's notes: %v", got)
		}
		last := e.get(pc, amyPath+"?page=999")
		if want := fmt.Sprintf("of %d, newest first.", total); last.status != 200 || !strings.Contains(last.body, want) ||
			!strings.Contains(last.body, fmt.Sprintf(`aria-label="Page %d" aria-current="page"`, pages)) {
			t.Errorf("a page past the end: %d, want the last page (%d)", last.status, pages)
		}
		// A filter with fewer than a page: no pagination, its own count.
		if p := e.get(pc, amyPath+"?show=supervision"); strings.Contains(p.body, "govuk-pagination") || len(notes(p.body)) != 0 {
			t.Error("supervision notes showed sessions or pages")
		}
		if p := e.get(pc, amyPath+"?show=attended&page=2"); len(notes(p.body)) == 0 || !strings.Contains(p.body, `href="`+amyPath+`?page=1&amp;show=attended#sessions"`) {
			t.Errorf("the attended sessions' second page: %v", notes(p.body))
		}
	})
}

// A page number too large to multiply by a page's length shows the last
// page of every list, not an error (PostgreSQL refuses a negative OFFSET,
// which the overflow made).
func TestHugePageNumbers(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		amy := parentNamed(demoFamily(t, e, "Amy"), "Amy")
		c := e.client()
		e.signIn(c, ruth)
		for _, path := range []string{"/referrals", "/concerns", "/caseload", "/caseload/team", "/people/" + itoa(amy.ID)} {
			for _, page := range []string{"9223372036854775807", "461168601842738791", "99999999999"} {
				if r := e.get(c, path+"?page="+page); r.status != http.StatusOK {
					t.Errorf("%s?page=%s: %d, want 200", path, page, r.status)
				}
			}
		}
	})
}

// A parent's page shows their progress through the programme's content:
// the sessions attended on each module against its target, each module's
// name linking to its sessions; a session recorded on a module counts at
// once, and the co-parent's practitioner sees the same table.
func TestPersonProgrammeContent(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		f := demoFamily(t, e, "Amy")
		amy := parentNamed(f, "Amy")
		amyPath := "/people/" + itoa(amy.ID)
		pc := e.client()
		e.signIn(pc, practitioner)
		cfg, err := timeline.DefaultConfig()
		if err != nil {
			t.Fatal(err)
		}
		words := map[timeline.ModuleStatus]string{timeline.ModuleReached: "Target reached", timeline.ModuleUnderWay: "Under way",
			timeline.ModuleNotStarted: "Not started", timeline.ModuleLater: "After the birth", timeline.ModuleMissed: "Not reached before the birth"}
		rowOf := func(body, label string) string {
			return regexp.MustCompile(`<tr class="govuk-table__row"><th scope="row" class="govuk-table__header">(?:<a [^>]*>)?` +
				regexp.QuoteMeta(label) + `(?:</a>)?</th>.*?</tr>`).FindString(body)
		}
		check := func(who, body string) {
			t.Helper()
			rec, err := e.db.ReadPersonPage(context.Background(), mustActor(t, e, practitioner), amy.ID, store.SessionPage{Limit: 1})
			if err != nil {
				t.Fatal(err)
			}
			progress := timeline.Progress(cfg, rec.Family.Stage, rec.ModuleSessions)
			if !progress.Started() {
				t.Fatalf("the demo gives Amy no session on a module: %v", rec.ModuleSessions)
			}
			for _, m := range progress.Modules {
				row := rowOf(body, m.Module.Label)
				want := fmt.Sprintf(`<td class="govuk-table__cell govuk-table__cell--numeric">%d of %d</td>`, m.Attended, m.Module.TargetSessions)
				if !strings.Contains(row, want) || !strings.Contains(row, ">"+words[m.Status]+"</strong>") {
					t.Errorf("%s: %s's row %q, want %q and %q", who, m.Module.Label, row, want, words[m.Status])
				}
				if link := `href="` + amyPath + `?module=` + m.Module.Key + `#sessions"`; strings.Contains(row, link) != (m.Attended > 0) {
					t.Errorf("%s: %s's row links to its sessions: %v, with %d attended", who, m.Module.Label, strings.Contains(row, link), m.Attended)
				}
			}
		}
		page := e.get(pc, amyPath)
		if !strings.Contains(page.body, `<h2 class="govuk-heading-m" id="content">Programme content</h2>`) {
			t.Fatal("Amy's page has no programme content")
		}
		check("Priya", page.body)
		before := rowOf(page.body, "Self-esteem")

		token := csrfFrom(t, page.body)
		form := dateForm("held_on", e.clock.Now(), "csrf_token", token, "minutes", "60", "mode", "home", "attendance", "attended",
			"module", "self_esteem", "notes", "MODULE-NOTE on self-esteem.", "confidential", "no")
		if r := e.post(pc, amyPath+"/sessions", form); r.status != http.StatusSeeOther {
			t.Fatalf("recording a session: %d\n%s", r.status, r.body)
		}
		page = e.get(pc, amyPath)
		check("Priya, after a session", page.body)
		if rowOf(page.body, "Self-esteem") == before {
			t.Error("a session on self-esteem left its row as it was")
		}

		// Narrowed to the module: the new note, the sentence, no other module's sessions.
		narrowed := e.get(pc, amyPath+"?module=self_esteem")
		if !strings.Contains(narrowed.body, "MODULE-NOTE on self-esteem.") || !strings.Contains(narrowed.body, "Showing the sessions attended on Self-esteem.") {
			t.Error("the sessions on self-esteem lack the new one or the sentence saying so")
		}
		if strings.Contains(between(narrowed.body, `id="sessions"`, `id="vig"`), "Early life experiences") {
			t.Error("the sessions on self-esteem list another module's")
		}
		// A module the programme does not list narrows nothing.
		if r := e.get(pc, amyPath+"?module=astrology"); r.status != 200 || strings.Contains(r.body, "Showing the sessions attended on") ||
			!strings.Contains(r.body, "MODULE-NOTE on self-esteem.") {
			t.Errorf("an unknown module: %d, want every session", r.status)
		}

		// The form to record a session names the module next in the
		// programme's order (the first under way or not started).
		rec, err := e.db.ReadPersonPage(context.Background(), mustActor(t, e, practitioner), amy.ID, store.SessionPage{Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		var next timeline.ModuleProgress
		for _, m := range timeline.Progress(cfg, rec.Family.Stage, rec.ModuleSessions).Modules {
			if m.Status == timeline.ModuleUnderWay || m.Status == timeline.ModuleNotStarted {
				next = m
				break
			}
		}
		hint := fmt.Sprintf(`<div id="module-hint" class="govuk-hint">Next in the programme&#39;s order: %s (%d of %d sessions attended)</div>`,
			next.Module.Label, next.Attended, next.Module.TargetSessions)
		if form := e.get(pc, amyPath+"?form=session"); next.Module.Key == "" || !strings.Contains(form.body, hint) {
			t.Errorf("the session form lacks %q", hint)
		}

		// Jordan's practitioner sees the same counts.
		tc := e.client()
		e.signIn(tc, tom)
		check("Tom", e.get(tc, amyPath).body)
	})
}
