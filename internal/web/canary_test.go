package web_test

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/audit"
	"github.com/cradle-org/cradle/internal/casework"
	"github.com/cradle-org/cradle/internal/family"
	"github.com/cradle-org/cradle/internal/sharing"
	"github.com/cradle-org/cradle/internal/store"
)

var hrefRE = regexp.MustCompile(`href="(/[^"#]*)`)

// crawl follows every same-site link reachable from the start pages and
// returns how many responses it checked; each is checked by check.
func crawl(t *testing.T, e *env, c *http.Client, starts []string, check func(path, body string)) int {
	t.Helper()
	seen := map[string]bool{}
	queue := append([]string(nil), starts...)
	n := 0
	for len(queue) > 0 && n < 400 {
		path := strings.ReplaceAll(queue[0], "&amp;", "&")
		queue = queue[1:]
		if seen[path] || strings.HasPrefix(path, "/assets/") || strings.HasPrefix(path, "/sign-out") {
			continue
		}
		seen[path] = true
		r := e.get(c, path)
		n++
		if r.status >= 500 {
			t.Errorf("%s: status %d", path, r.status)
		}
		check(path, r.body)
		if r.status != http.StatusOK {
			continue
		}
		for _, m := range hrefRE.FindAllStringSubmatch(r.body, -1) {
			if !seen[m[1]] {
				queue = append(queue, m[1])
			}
		}
	}
	return n
}

// TestCoParentCanaryNeverLeaks plants a unique canary in every confidential
// field of one parent and crawls every page reachable by the other
// parent's practitioner (and by roles that must not see it): zero hits.
func TestCoParentCanaryNeverLeaks(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		f := demoFamily(t, e, "Amy")
		amy := parentNamed(f, "Amy")
		const canary = "CANARY-7f3a9"
		priya := mustActor(t, e, practitioner)
		sctx := audit.WithSource(ctx, audit.Source{Actor: "test"})
		err := e.db.UpdateContact(sctx, priya, amy.ID, store.ContactUpdate{Version: amy.Version,
			Details: family.Confidential{Address: canary + " refuge address", Postcode: "FY1 9ZZ", Phone: "07700 900999", Email: "canary7f3a9@example.org", SafeContact: canary + " code word"}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.db.RecordSession(sctx, priya, casework.Session{PersonID: amy.ID, HeldOn: e.clock.Now(), Minutes: 50, Mode: "home", Attendance: "attended",
			Topic: canary + " topic", Notes: canary + " disclosed in confidence", Confidential: true}, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := e.db.RecordVIG(sctx, priya, casework.VIGCycle{PersonID: amy.ID, Phase: "antenatal", FilmedOn: e.clock.Now().Add(-time.Hour),
			Strengths: canary + " strengths", Confidential: true}); err != nil {
			t.Fatal(err)
		}
		if err := e.db.RecordShare(sctx, priya, f.ID, sharing.Share{PersonID: amy.ID, SharedOn: e.clock.Now(), Recipient: canary + " refuge's GP", What: canary + " shared",
			Why: "care", Method: "phone", LawfulBasis: "art9_2h", Consent: "given"}); err != nil {
			t.Fatal(err)
		}
		if err := e.db.RecordConsent(sctx, priya, amy.ID, sharing.Consent{Scope: canary + " scope", GivenOn: e.clock.Now()}); err != nil {
			t.Fatal(err)
		}
		// A disclosure about her removed as entered in error, with a canary
		// for why: the family page lists the removal, and why only to those
		// who may read what was shared about her.
		if err := e.db.RecordShare(sctx, priya, f.ID, sharing.Share{PersonID: amy.ID, SharedOn: e.clock.Now(), Recipient: canary + " health visitor", What: "Logged twice",
			Why: "care", Method: "phone", LawfulBasis: "art9_2h", Consent: "given"}); err != nil {
			t.Fatal(err)
		}
		fp, err := e.db.ReadFamilyPage(sctx, priya, f.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, sh := range fp.Shares {
			if sh.Recipient == canary+" health visitor" {
				if err := e.db.RemoveShare(sctx, priya, f.ID, sh.ID, canary+" share removed"); err != nil {
					t.Fatal(err)
				}
			}
		}
		// A result removed as entered in error, with a canary for its reason:
		// the measure's page lists it.
		removedOn := ""
		for _, key := range []string{"phq9", "gad7", "core10", "epds"} {
			id, err := e.db.SaveMeasure(sctx, priya, store.MeasureResult{PersonID: amy.ID, Instrument: key, Timepoint: "baseline", TakenOn: e.clock.Now(),
				Raw: 1, Score: 1, Band: "Minimal"}, family.Parent)
			if err != nil {
				continue // Amy has this one already
			}
			if err := e.db.RemoveMeasure(sctx, priya, amy.ID, id, canary+" removed"); err != nil {
				t.Fatal(err)
			}
			removedOn = "/people/" + itoa(amy.ID) + "/measures?measure=" + key
			break
		}
		if removedOn == "" {
			t.Fatal("no measure could be recorded for Amy to remove")
		}
		// A reminder Priya set about her: on the task lists by who set it,
		// never by its words.
		if _, err := e.db.AddReminder(sctx, priya, casework.Reminder{PersonID: amy.ID, What: canary + " reminder", DueOn: e.clock.Now().AddDate(0, 0, 2)}); err != nil {
			t.Fatal(err)
		}
		// A document on her record: its title on her page, its file a
		// download from there.
		if _, err := e.db.AddDocument(sctx, priya, casework.Document{PersonID: amy.ID, Title: canary + " document",
			Content: []byte("%PDF-1.4\n% " + canary + " file\n%%EOF\n")}); err != nil {
			t.Fatal(err)
		}
		// Closed last, with a closing summary for each parent.
		jordan := parentNamed(f, "Jordan")
		if err := e.db.CloseFamily(sctx, mustActor(t, e, "helen.whitaker@cradle.example"), f.ID, casework.Closure{Reason: "moved_out_of_area", ClosedOn: e.clock.Now().UTC().Truncate(24 * time.Hour),
			Summaries: map[int64]string{amy.ID: canary + " closing summary", jordan.ID: "Jordan's work ended with the move."}}); err != nil {
			t.Fatal(err)
		}
		// Sanity: the canary is reachable for Amy's own practitioner, so the crawl can find it.
		pc := e.client()
		e.signIn(pc, practitioner)
		found := 0
		seen := map[string]bool{}
		// The family is closed, so off her caseload: start at its pages too.
		crawl(t, e, pc, []string{"/home", "/people/" + itoa(amy.ID), "/families/" + itoa(f.ID), removedOn}, func(_, body string) {
			if strings.Contains(body, canary) {
				found++
			}
			for _, s := range []string{canary + " closing summary", canary + " removed", canary + " share removed", canary + " reminder", canary + " document", canary + " file"} {
				if strings.Contains(body, s) {
					seen[s] = true
				}
			}
		})
		if found == 0 || len(seen) != 6 {
			t.Fatalf("the crawl reached the canary on %d pages as Amy's own practitioner, and of the closing summary, removal reasons, reminder and document (its title and its file) %v: the test would prove nothing", found, seen)
		}
		for _, who := range []string{tom, "megan.hughes@cradle.example", admin, "leah.morgan@cradle.example"} {
			c := e.client()
			e.signIn(c, who)
			checked := crawl(t, e, c, []string{"/home", "/caseload", "/referrals", "/people/" + itoa(amy.ID), "/families/" + itoa(f.ID), removedOn,
				"/families/" + itoa(f.ID) + "/audit", "/families/" + itoa(f.ID) + "/shares.csv", "/audit", "/admin/mailing-list"}, func(path, body string) {
				for _, leak := range []string{canary, "07700 900999", "canary7f3a9"} {
					if strings.Contains(body, leak) {
						t.Errorf("%s saw %q on %s", who, leak, path)
					}
				}
			})
			t.Logf("%s: %d responses checked, no canary", who, checked)
			if who == tom && checked < 5 {
				t.Errorf("crawl as %s checked only %d pages", who, checked)
			}
		}
		// Nor in any email queued for anyone.
		items, err := e.db.ClaimMail(ctx, e.clock.Now().Add(time.Hour), 1000, time.Minute, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range items {
			if strings.Contains(it.Text+it.Subject, canary) {
				t.Errorf("an email (%s) contains the canary", it.Kind)
			}
		}
	})
}
