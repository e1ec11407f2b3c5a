package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/audit"
	"github.com/cradle-org/cradle/internal/safeguarding"
	"github.com/cradle-org/cradle/internal/store"
)

// TestTasksMarkedDone: a practitioner marks their own task done from their
// caseload, and a team manager another's from the family's page; the
// co-parent's practitioner is offered no button for it; a concern's action
// is done with its task, and its page says who did it.
func TestTasksMarkedDone(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := audit.WithSource(context.Background(), audit.Source{Actor: "test"})
		f := demoFamily(t, e, "Amy")
		amy := parentNamed(f, "Amy")
		lead, priya := mustActor(t, e, dsl), mustActor(t, e, practitioner)
		tom, err := e.db.StaffByEmail(ctx, "tom.elliott@cradle.example")
		if err != nil {
			t.Fatal(err)
		}
		no := false
		concern, err := e.db.RaiseConcern(ctx, lead, store.NewConcern{FamilyID: f.ID, PersonID: amy.ID,
			Concern: safeguarding.Concern{About: "Worry", AtRisk: safeguarding.AtRiskParent, ImmediateDanger: &no}, Due: e.clock.Now().Add(time.Hour)},
			func(*store.Tx, []string, int64) error { return nil })
		if err != nil {
			t.Fatal(err)
		}
		due := e.clock.Now().AddDate(0, 0, 7)
		if err := e.db.DecideConcern(ctx, lead, concern, safeguarding.DecisionInput{Decision: safeguarding.Advice, Reasons: "Advice given.",
			Actions: []safeguarding.Action{{What: "Check Amy is safe", OwnerID: priya.StaffID, Due: due}, {What: "Tell the midwife", OwnerID: tom.ID, Due: due}}}, nil); err != nil {
			t.Fatal(err)
		}
		c, err := e.db.ReadConcern(ctx, lead, concern)
		if err != nil || len(c.Actions) != 2 {
			t.Fatalf("the concern's actions: %+v (%v)", c.Actions, err)
		}
		priyaTask, tomTask := c.Actions[0].TaskID, c.Actions[1].TaskID
		if c.Actions[0].OwnerID != priya.StaffID {
			priyaTask, tomTask = tomTask, priyaTask
		}
		button := func(id int64) string { return `action="/tasks/` + itoa(id) + `/done"` }

		// Priya's caseload lists her task with its button.
		pc := e.client()
		e.signIn(pc, practitioner)
		cl := e.get(pc, "/caseload")
		if !strings.Contains(cl.body, "Your tasks") || !strings.Contains(cl.body, button(priyaTask)) || strings.Contains(cl.body, button(tomTask)) {
			t.Fatalf("Priya's caseload does not offer her task alone to mark done")
		}
		// On the family's page she may mark her own, not Tom's.
		fp := e.get(pc, "/families/"+itoa(f.ID))
		if !strings.Contains(fp.body, button(priyaTask)) || strings.Contains(fp.body, button(tomTask)) || !strings.Contains(fp.body, "Tom Elliott") {
			t.Error("the family's page offers Priya the wrong tasks to mark done, or does not say whose each is")
		}
		if r := e.post(pc, "/tasks/"+itoa(tomTask)+"/done", url.Values{"csrf_token": {csrfFrom(t, cl.body)}}); r.status != http.StatusForbidden {
			t.Errorf("Priya marked Tom's task done: %d", r.status)
		}
		// Marked done from her caseload (a "back" that is not one of the
		// two lists goes to the caseload: the form sends no one elsewhere).
		r := e.post(pc, "/tasks/"+itoa(priyaTask)+"/done", url.Values{"csrf_token": {csrfFrom(t, cl.body)}, "back": {"https://example.org/"}})
		if r.status != http.StatusSeeOther || r.location != "/caseload#tasks" {
			t.Fatalf("marking her task done: %d %q\n%s", r.status, r.location, r.body)
		}
		if cl = e.get(pc, "/caseload"); strings.Contains(cl.body, button(priyaTask)) {
			t.Error("the task marked done is still on Priya's caseload")
		}
		// A second click goes back to the list, where it is no longer.
		twice := e.post(pc, "/tasks/"+itoa(priyaTask)+"/done", url.Values{"csrf_token": {csrfFrom(t, cl.body)}, "back": {"family"}})
		if twice.status != http.StatusSeeOther || twice.location != "/families/"+itoa(f.ID)+"#tasks" {
			t.Errorf("marking it done twice: %d %q", twice.status, twice.location)
		}

		// The manager marks Tom's done from the family's page.
		mc := e.client()
		e.signIn(mc, manager)
		fp = e.get(mc, "/families/"+itoa(f.ID))
		if !strings.Contains(fp.body, button(tomTask)) {
			t.Fatal("the manager is not offered Tom's task to mark done")
		}
		r = e.post(mc, "/tasks/"+itoa(tomTask)+"/done", url.Values{"csrf_token": {csrfFrom(t, fp.body)}, "back": {"family"}})
		if r.status != http.StatusSeeOther || r.location != "/families/"+itoa(f.ID)+"#tasks" {
			t.Fatalf("the manager marking Tom's task done: %d %q", r.status, r.location)
		}
		if fp = e.get(mc, "/families/"+itoa(f.ID)); strings.Contains(fp.body, button(tomTask)) || strings.Contains(fp.body, "Safeguarding follow-up action in family") {
			t.Error("the tasks marked done are still on the family's page")
		}
		// The concern's page says who did each action.
		page := e.get(mc, "/concerns/"+itoa(concern))
		for _, want := range []string{"Check Amy is safe (Priya Shah, due", ": done by Priya Shah on", "Tell the midwife (Tom Elliott, due", ": done by Helen Whitaker on"} {
			if !strings.Contains(page.body, want) {
				t.Errorf("the concern's page lacks %q", want)
			}
		}
	})
}

// The team manager gives a meeting's action to someone else from the
// family page: the form opens under the tasks, a missing choice is named
// with the form kept open, and the task then shows on the new owner's
// caseload and no longer on the old one's.
func TestManagerReassignsATask(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		_, path, mc, token := amysFamilyPage(t, e, manager)
		tomStaff, priya := mustActor(t, e, tom), mustActor(t, e, practitioner)
		m := dateForm("held_on", e.clock.Now(), "csrf_token", token, "kind", "core_group", "attendees", "Core group", "status_after", "none",
			"actions[0].what", "Visit", "actions[0].owner", itoa(tomStaff.StaffID))
		for k, v := range dateForm("actions[0].due", e.clock.Now().AddDate(0, 0, 7)) {
			m[k] = v
		}
		if r := e.post(mc, path+"/meetings", m); r.status != http.StatusSeeOther {
			t.Fatalf("meeting: %d\n%s", r.status, r.body)
		}
		page := e.get(mc, path)
		tid := strings.Split(strings.Split(page.body, "?form=reassign-task-")[1], "#")[0]
		reassign := path + "/tasks/" + tid + "/reassign"
		form := e.get(mc, path+"?form=reassign-task-"+tid)
		if !strings.Contains(form.body, `action="`+reassign+`"`) || !strings.Contains(form.body, ">Priya Shah</option>") {
			t.Fatal("the reassign form is not shown with the area's staff")
		}
		if r := e.post(mc, reassign, mustForm("csrf_token", token, "assign_to", "")); r.status != http.StatusUnprocessableEntity ||
			!strings.Contains(r.body, "Choose who to give the task to") || !strings.Contains(r.body, `href="#assign_to"`) || !strings.Contains(r.body, `action="`+reassign+`"`) {
			t.Fatalf("no choice: %d", r.status)
		}
		if r := e.post(mc, reassign, mustForm("csrf_token", token, "assign_to", itoa(priya.StaffID))); r.status != http.StatusSeeOther || !strings.HasSuffix(r.location, "#tasks") {
			t.Fatalf("reassign: %d %s", r.status, r.location)
		}
		pc := e.client()
		e.signIn(pc, practitioner)
		if p := e.get(pc, "/caseload"); !strings.Contains(p.body, "Action from the core group") {
			t.Error("the task is not on Priya's caseload")
		}
		tc := e.client()
		e.signIn(tc, tom)
		if p := e.get(tc, "/caseload"); strings.Contains(p.body, "Action from the core group") {
			t.Error("the task is still on Tom's caseload")
		}
		// A practitioner is offered no reassigning, and may not.
		if p := e.get(pc, path); strings.Contains(p.body, "?form=reassign-task-") {
			t.Error("a practitioner is offered to reassign a task")
		}
		if r := e.post(pc, reassign, mustForm("csrf_token", csrfFrom(t, e.get(pc, path).body), "assign_to", itoa(tomStaff.StaffID))); r.status != http.StatusForbidden {
			t.Errorf("a practitioner reassigning: %d", r.status)
		}
	})
}
