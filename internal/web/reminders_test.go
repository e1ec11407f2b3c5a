package web_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

// A practitioner sets a reminder about her parent from the parent's page:
// its problems are shown together with what was typed; once set, it is on
// her task list (linking to the parent's page, not saying what it is) and
// on the parent's page with its words, which the other parent's
// practitioner cannot read or set; marked done there, it goes.
func TestReminders(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		f := demoFamily(t, e, "Amy")
		amy := "/people/" + itoa(parentNamed(f, "Amy").ID)
		pc := e.client()
		e.signIn(pc, practitioner)
		page := e.get(pc, amy)
		if !strings.Contains(page.body, `href="`+amy+`?form=reminder#reminder-form"`) || !strings.Contains(page.body, "No open reminders.") {
			t.Fatal("Amy's page has no link to set a reminder, or lists one")
		}
		token := csrfFrom(t, page.body)
		bad := mustForm("csrf_token", token, "reminder_what", "CANARY-TYPED kept", "reminder_due", "31", "reminder_due-month", "2", "reminder_due-year", "2027")
		if r := e.post(pc, amy+"/reminders", bad); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `href="#reminder_due"`) ||
			!strings.Contains(r.body, "CANARY-TYPED kept</textarea>") || !strings.Contains(r.body, `id="reminder-form"`) {
			t.Errorf("a reminder due on no such date: %d\n%s", r.status, between(r.body, "govuk-error-summary", "</ul>"))
		}
		due := e.clock.Now().AddDate(0, 0, 2)
		if r := e.post(pc, amy+"/reminders", dateForm("reminder_due", due, "csrf_token", token, "reminder_what", "")); r.status != http.StatusUnprocessableEntity ||
			!strings.Contains(r.body, "Enter what the reminder is for") {
			t.Errorf("a reminder with no words: %d", r.status)
		}
		if r := e.post(pc, amy+"/reminders", dateForm("reminder_due", due, "csrf_token", token, "reminder_what", "CANARY-REMIND Ring the housing officer about the move")); r.status != http.StatusSeeOther ||
			!strings.HasSuffix(r.header.Get("Location"), amy+"#reminders") {
			t.Fatalf("setting a reminder: %d %s", r.status, r.header.Get("Location"))
		}
		page = e.get(pc, amy)
		list := between(page.body, `id="reminders"`, "</table>")
		if !strings.Contains(list, "CANARY-REMIND Ring the housing officer about the move") || !strings.Contains(list, "Set by Priya Shah") ||
			!strings.Contains(list, due.Format("2 January 2006")) || !strings.Contains(list, `action="/tasks/`) {
			t.Errorf("Amy's page's reminders:\n%s", list)
		}
		home := e.get(pc, "/caseload")
		tasks := between(home.body, `id="tasks"`, "</table>")
		if !strings.Contains(tasks, `href="`+amy+`#reminders">Reminder set by Priya Shah</a>`) || strings.Contains(tasks, "CANARY-REMIND") {
			t.Errorf("Priya's task list:\n%s", tasks)
		}

		// Jordan's practitioner: no reminders section, and no setting one.
		tc := e.client()
		e.signIn(tc, tom)
		tp := e.get(tc, amy)
		if strings.Contains(tp.body, "CANARY-REMIND") || strings.Contains(tp.body, "?form=reminder") {
			t.Error("Jordan's practitioner reads Amy's reminder or may set one")
		}
		if fam := e.get(tc, "/families/"+itoa(f.ID)); strings.Contains(fam.body, "CANARY-REMIND") {
			t.Error("the family's page shows the reminder's words to Jordan's practitioner")
		}
		if r := e.post(tc, amy+"/reminders", dateForm("reminder_due", due, "csrf_token", csrfFrom(t, tp.body), "reminder_what", "Tom's")); r.status != http.StatusForbidden {
			t.Errorf("Jordan's practitioner setting a reminder about Amy: %d", r.status)
		}

		id := regexp.MustCompile(`action="/tasks/(\d+)/done"`).FindStringSubmatch(list)
		if id == nil {
			t.Fatal("no form to mark the reminder done")
		}
		// Moved to another day: a day that is past is refused on its own
		// form; a day ahead moves it.
		if r := e.get(pc, amy+"?form=reminder-due-"+id[1]); !strings.Contains(r.body, `action="`+amy+`/reminders/`+id[1]+`/due"`) {
			t.Error("the form to change the reminder's date does not open")
		}
		past := e.clock.Now().AddDate(0, 0, -1)
		if r := e.post(pc, amy+"/reminders/"+id[1]+"/due", dateForm("reminder_due", past, "csrf_token", token)); r.status != http.StatusUnprocessableEntity ||
			!strings.Contains(r.body, "must be today or in the future") || !strings.Contains(r.body, `id="reminder-`+id[1]+`-due"`) {
			t.Errorf("moving the reminder to yesterday: %d", r.status)
		}
		if r := e.post(pc, amy+"/reminders/"+id[1]+"/due", dateForm("reminder_due", due.AddDate(0, 0, 7), "csrf_token", token)); r.status != http.StatusSeeOther {
			t.Fatalf("moving the reminder: %d", r.status)
		}
		if p := e.get(pc, amy); !strings.Contains(between(p.body, `id="reminders"`, "</table>"), due.AddDate(0, 0, 7).Format("2 January 2006")) {
			t.Error("the reminder's new date is not on Amy's page")
		}
		if r := e.post(tc, amy+"/reminders/"+id[1]+"/due", dateForm("reminder_due", due, "csrf_token", csrfFrom(t, tp.body))); r.status != http.StatusForbidden {
			t.Errorf("Jordan's practitioner moving Amy's reminder: %d", r.status)
		}
		// Not done by its day: her task list says it is overdue.
		if strings.Contains(tasks, "Overdue") {
			t.Errorf("a reminder due in two days is overdue:\n%s", tasks)
		}
		e.clock.Advance(10 * 24 * time.Hour)
		e.signIn(pc, practitioner)
		home = e.get(pc, "/caseload")
		if row := between(between(home.body, `id="tasks"`, "</table>"), `href="`+amy+`#reminders"`, "</tr>"); !strings.Contains(row, ">Overdue</strong>") {
			t.Errorf("the reminder, a day past due, on Priya's task list:\n%s", row)
		}
		if fam := e.get(pc, "/families/"+itoa(f.ID)); !strings.Contains(between(between(fam.body, `id="tasks"`, "</table>"), "Reminder set by Priya Shah", "</tr>"), ">Overdue</strong>") {
			t.Error("the family's open tasks do not say the reminder is overdue")
		}
		token = csrfFrom(t, e.get(pc, amy).body)
		if r := e.post(pc, "/tasks/"+id[1]+"/done", mustForm("csrf_token", token, "back", "person", "person", itoa(parentNamed(f, "Amy").ID))); r.status != http.StatusSeeOther ||
			!strings.HasSuffix(r.header.Get("Location"), amy+"#reminders") {
			t.Fatalf("marking the reminder done: %d %s", r.status, r.header.Get("Location"))
		}
		if page = e.get(pc, amy); strings.Contains(page.body, "CANARY-REMIND") || !strings.Contains(page.body, "No open reminders.") {
			t.Error("a reminder marked done is still listed")
		}
		// Mark Hill's case is closed: no reminder is set, and the words
		// typed are given back to copy.
		markID, _ := findPerson(t, e, "Mark Hill")
		mark := "/people/" + itoa(markID)
		mp := e.get(pc, mark)
		if strings.Contains(mp.body, "?form=reminder") {
			t.Error("a closed case's parent's page offers to set a reminder")
		}
		if r := e.post(pc, mark+"/reminders", dateForm("reminder_due", e.clock.Now().AddDate(0, 0, 2), "csrf_token", csrfFrom(t, mp.body), "reminder_what", "CANARY-TYPED ring Mark")); r.status != http.StatusConflict ||
			!strings.Contains(between(r.body, `id="unsaved"`, "</div>"), "CANARY-TYPED ring Mark") {
			t.Errorf("a reminder about a parent whose case is closed: %d", r.status)
		}
	})
}
