package web_test

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// A practitioner books appointments with her parent from the parent's
// page: problems are shown together with what was typed; once booked, an
// appointment is on the parent's page and her diary, where it is, with
// it, and neither reaches the other parent's practitioner, who cannot
// book one either. "Record what happened" opens the session form on the
// appointment's day; the session recorded is the appointment's. One past
// its day with nothing recorded is "to record"; one cancelled goes.
func TestAppointments(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		f := demoFamily(t, e, "Amy")
		amy := "/people/" + itoa(parentNamed(f, "Amy").ID)
		pc := e.client()
		e.signIn(pc, practitioner)
		page := e.get(pc, amy)
		// The demo's: her next fortnightly session, at a children's centre.
		if !strings.Contains(page.body, `href="`+amy+`?form=appointment#appointment-form"`) || !strings.Contains(page.body, "Office: Children&#39;s centre, Station Road") {
			t.Fatal("Amy's page has no link to book an appointment, or not the demo's")
		}
		rowID := regexp.MustCompile(`id="appointment-(\d+)"`)
		demoIDs := map[string]bool{}
		for _, m := range rowID.FindAllStringSubmatch(page.body, -1) {
			demoIDs[m[1]] = true
		}
		token := csrfFrom(t, page.body)
		today := e.clock.Now()
		bad := dateForm("appointment_on", today.AddDate(0, 0, -1), "csrf_token", token, "appointment_at", "25:00", "appointment_place", "CANARY-TYPED kept")
		if r := e.post(pc, amy+"/appointments", bad); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `href="#appointment_on"`) ||
			!strings.Contains(r.body, `href="#appointment_at"`) || !strings.Contains(r.body, `href="#appointment_mode"`) ||
			!strings.Contains(r.body, `value="CANARY-TYPED kept"`) || !strings.Contains(r.body, `id="appointment-form"`) {
			t.Errorf("an appointment yesterday at 25:00 with no mode: %d\n%s", r.status, between(r.body, "govuk-error-summary", "</ul>"))
		}
		if r := e.post(pc, amy+"/appointments", mustForm("csrf_token", token, "appointment_on-day", "31", "appointment_on-month", "2", "appointment_on-year", "2027", "appointment_at", "9:30", "appointment_mode", "home")); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `href="#appointment_on"`) {
			t.Errorf("an appointment on 31 February: %d", r.status)
		}
		soon := today.AddDate(0, 0, 2)
		for _, a := range []struct {
			on              time.Time
			at, mode, where string
		}{{today, "9.30", "home", ""}, {soon, "1400", "office", "CANARY-PLACE Children's centre, Mill Lane"}} {
			r := e.post(pc, amy+"/appointments", dateForm("appointment_on", a.on, "csrf_token", token, "appointment_at", a.at, "appointment_mode", a.mode, "appointment_place", a.where))
			if r.status != http.StatusSeeOther || !strings.HasSuffix(r.header.Get("Location"), amy+"#appointments") {
				t.Fatalf("booking an appointment: %d %s\n%s", r.status, r.header.Get("Location"), between(r.body, "govuk-error-summary", "</ul>"))
			}
		}
		page = e.get(pc, amy)
		list := between(page.body, `id="appointments"`, "</table>")
		if !strings.Contains(list, today.Format("2 January 2006")+", 09:30") || !strings.Contains(list, soon.Format("2 January 2006")+", 14:00") ||
			!strings.Contains(list, "Office: CANARY-PLACE Children&#39;s centre, Mill Lane") || !strings.Contains(list, "Booked by Priya Shah") {
			t.Errorf("Amy's page's appointments:\n%s", list)
		}
		var ids []string // the two booked here, in the list's order: today's first
		for _, m := range rowID.FindAllStringSubmatch(list, -1) {
			if !demoIDs[m[1]] {
				ids = append(ids, m[1])
			}
		}
		if len(ids) != 2 {
			t.Fatalf("appointments booked here listed: %v", ids)
		}
		todayID, soonID := ids[0], ids[1]
		// Only today's may be recorded yet; today's and those to come may be
		// rearranged.
		if !strings.Contains(list, "appointment="+todayID+"#session-form") || strings.Contains(list, "appointment="+soonID+"#session-form") ||
			!strings.Contains(list, "form=appointment-move-"+todayID+"#") || !strings.Contains(list, "form=appointment-move-"+soonID+"#") {
			t.Errorf("the links to record what happened:\n%s", list)
		}
		diary := e.get(pc, "/appointments")
		if diary.status != http.StatusOK || !strings.Contains(diary.body, "Today, ") || !strings.Contains(diary.body, "CANARY-PLACE") ||
			!strings.Contains(diary.body, ">Amy Foster</a>") || strings.Contains(between(diary.body, `id="to-record"`, "</table>"), "Amy Foster") {
			t.Errorf("Priya's diary: %d\n%s", diary.status, between(diary.body, "<main", "</main>"))
		}
		// The family's page gives each parent's next one to those who may see
		// the parent's details: Amy's today, to Priya; Tom sees none of hers.
		if fam := e.get(pc, "/families/"+itoa(f.ID)); !strings.Contains(fam.body, "Next appointment</dt><dd class=\"govuk-summary-list__value\">"+today.Format("2 January 2006")+", 09:30, Home visit") {
			t.Errorf("the family's page's next appointments for Priya:\n%s", between(fam.body, "Co-parents", "Risk and safeguarding"))
		}
		if c := e.get(pc, "/caseload"); !strings.Contains(c.body, `href="/appointments"`) {
			t.Error("Priya's caseload does not link to her appointments")
		}

		// Jordan's practitioner: nothing of it, and no booking one.
		tc := e.client()
		e.signIn(tc, tom)
		tp := e.get(tc, amy)
		if strings.Contains(tp.body, "CANARY-PLACE") || strings.Contains(tp.body, "?form=appointment") || strings.Contains(tp.body, `id="appointments"`) {
			t.Error("Jordan's practitioner reads Amy's appointments or may book one")
		}
		if d := e.get(tc, "/appointments"); d.status != http.StatusOK || strings.Contains(d.body, "CANARY-PLACE") || strings.Contains(d.body, "Amy Foster") {
			t.Errorf("Tom's diary: %d, shows Amy's appointment", d.status)
		}
		// Nowhere Jordan's practitioner can reach says where Amy will be.
		n := crawl(t, e, tc, []string{"/home", "/caseload", "/appointments", amy, "/families/" + itoa(f.ID), "/families/" + itoa(f.ID) + "/chronology"}, func(path, body string) {
			if strings.Contains(body, "CANARY-PLACE") || strings.Contains(body, "09:30") {
				t.Errorf("%s shows Amy's appointment to Jordan's practitioner", path)
			}
		})
		if n < 20 {
			t.Errorf("Tom's crawl reached %d pages: it would prove little", n)
		}
		if r := e.post(tc, amy+"/appointments", dateForm("appointment_on", soon, "csrf_token", csrfFrom(t, tp.body), "appointment_at", "10:00", "appointment_mode", "home")); r.status != http.StatusForbidden {
			t.Errorf("Jordan's practitioner booking Amy: %d", r.status)
		}
		if r := e.post(tc, amy+"/appointments/"+soonID+"/cancel", mustForm("csrf_token", csrfFrom(t, tp.body), "cancel_reason", "rearranged")); r.status != http.StatusForbidden {
			t.Errorf("Jordan's practitioner cancelling Amy's appointment: %d", r.status)
		}
		// Priya's diary as her team manager sees it, from the team caseloads;
		// a fellow practitioner may not look.
		priyaDiary := "/appointments?practitioner=" + itoa(mustActor(t, e, practitioner).StaffID)
		if d := e.get(tc, priyaDiary); d.status != http.StatusForbidden {
			t.Errorf("Tom looking at Priya's diary: %d, want forbidden", d.status)
		}
		mc := e.client()
		e.signIn(mc, manager)
		if team := e.get(mc, "/caseload/team"); !strings.Contains(team.body, `href="`+strings.ReplaceAll(priyaDiary, "&", "&amp;")+`"`) {
			t.Error("the team caseloads do not link to Priya's appointments")
		}
		if d := e.get(mc, priyaDiary); d.status != http.StatusOK || !strings.Contains(d.body, "Appointments: Priya Shah") || !strings.Contains(d.body, "CANARY-PLACE") {
			t.Errorf("Helen's look at Priya's diary: %d\n%s", d.status, between(d.body, "<main", "</main>"))
		}
		for _, bad := range []string{"x", "0", "987654"} {
			if d := e.get(mc, "/appointments?practitioner="+bad); d.status != http.StatusNotFound {
				t.Errorf("the diary of practitioner %s: %d, want not found", bad, d.status)
			}
		}
		ac := e.client()
		e.signIn(ac, admin)
		if d := e.get(ac, "/appointments"); d.status != http.StatusForbidden {
			t.Errorf("the administrator's diary: %d, want forbidden", d.status)
		}

		// Today's: the session form starts from its day and how; the
		// session recorded is the appointment's.
		form := e.get(pc, amy+"?form=session&appointment="+todayID)
		if !strings.Contains(form.body, `name="held_on-day" type="text" inputmode="numeric" value="`+strconv.Itoa(today.Day())+`"`) || !regexp.MustCompile(`value="home"[^>]*checked`).MatchString(form.body) {
			t.Errorf("the session form from today's appointment:\n%s", between(form.body, `id="session-form"`, "Duration"))
		}
		if r := e.post(pc, amy+"/sessions", dateForm("held_on", today, "csrf_token", token, "minutes", "60", "mode", "home", "attendance", "attended", "confidential", "no")); r.status != http.StatusSeeOther {
			t.Fatalf("recording today's session: %d", r.status)
		}
		page = e.get(pc, amy)
		if list := between(page.body, `id="appointments"`, "</table>"); strings.Contains(list, `id="appointment-`+todayID+`"`) || !strings.Contains(list, `id="appointment-`+soonID+`"`) {
			t.Errorf("after today's session, the appointments:\n%s", list)
		}

		// Rearranged: the form starts from its day and time; a time that is
		// no time is refused on it; then it moves, where and all.
		move := e.get(pc, amy+"?form=appointment-move-"+soonID)
		moveForm := between(move.body, `id="appointment-`+soonID+`-move"`, "</form>")
		if !strings.Contains(moveForm, `action="`+amy+`/appointments/`+soonID+`/move"`) || !strings.Contains(moveForm, `value="14:00"`) ||
			!strings.Contains(moveForm, `name="appointment_on-day" type="text" inputmode="numeric" value="`+strconv.Itoa(soon.Day())+`"`) {
			t.Errorf("the form to rearrange:\n%s", moveForm)
		}
		later := soon.AddDate(0, 0, 1)
		if r := e.post(pc, amy+"/appointments/"+soonID+"/move", dateForm("appointment_on", later, "csrf_token", token, "appointment_at", "4pm")); r.status != http.StatusUnprocessableEntity ||
			!strings.Contains(r.body, `href="#appointment_at"`) || !strings.Contains(r.body, `id="appointment-`+soonID+`-move"`) || !strings.Contains(r.body, `value="4pm"`) {
			t.Errorf("rearranging to 4pm: %d", r.status)
		}
		if r := e.post(pc, amy+"/appointments/"+soonID+"/move", dateForm("appointment_on", later, "csrf_token", token, "appointment_at", "16:00")); r.status != http.StatusSeeOther {
			t.Fatalf("rearranging: %d", r.status)
		}
		page = e.get(pc, amy)
		if list := between(page.body, `id="appointments"`, "</table>"); !strings.Contains(list, later.Format("2 January 2006")+", 16:00") || !strings.Contains(list, "CANARY-PLACE") {
			t.Errorf("after rearranging:\n%s", list)
		}

		// Three days on, the other is past with nothing recorded.
		e.clock.Advance(4 * 24 * time.Hour)
		pc = e.client()
		e.signIn(pc, practitioner)
		page = e.get(pc, amy)
		if list := between(page.body, `id="appointments"`, "</table>"); !strings.Contains(list, "Not yet recorded") || strings.Contains(list, "form=appointment-move-"+soonID+"#") {
			t.Errorf("an appointment past its day:\n%s", list)
		}
		diary = e.get(pc, "/appointments")
		if rec := between(diary.body, `id="to-record"`, "</table>"); !strings.Contains(rec, "CANARY-PLACE") || !strings.Contains(rec, "appointment="+soonID+"#session-form") {
			t.Errorf("Priya's appointments to record:\n%s", rec)
		}
		// Cancelled: the reason is asked for on its own form, then it goes.
		token = csrfFrom(t, page.body)
		if r := e.get(pc, amy+"?form=appointment-cancel-"+soonID); !strings.Contains(r.body, `action="`+amy+`/appointments/`+soonID+`/cancel"`) {
			t.Error("the form to cancel the appointment does not open")
		}
		if r := e.post(pc, amy+"/appointments/"+soonID+"/cancel", mustForm("csrf_token", token)); r.status != http.StatusUnprocessableEntity ||
			!strings.Contains(r.body, "Select why the appointment is cancelled") || !strings.Contains(r.body, `id="appointment-`+soonID+`-cancel"`) {
			t.Errorf("cancelling with no reason: %d", r.status)
		}
		if r := e.post(pc, amy+"/appointments/x/cancel", mustForm("csrf_token", token, "cancel_reason", "rearranged")); r.status != http.StatusNotFound {
			t.Errorf("cancelling appointment x: %d", r.status)
		}
		if r := e.post(pc, amy+"/appointments/"+soonID+"/cancel", mustForm("csrf_token", token, "cancel_reason", "cancelled_by_parent")); r.status != http.StatusSeeOther {
			t.Fatalf("cancelling: %d", r.status)
		}
		if r := e.post(pc, amy+"/appointments/"+soonID+"/cancel", mustForm("csrf_token", token, "cancel_reason", "rearranged")); r.status != http.StatusConflict ||
			!strings.Contains(r.body, "That appointment was cancelled on") {
			t.Errorf("cancelling it again: %d", r.status)
		}
		if page = e.get(pc, amy); strings.Contains(page.body, `id="appointment-`+soonID+`"`) || strings.Contains(page.body, "CANARY-PLACE") {
			t.Errorf("Amy's appointments after the cancellation:\n%s", between(page.body, `id="appointments"`, "Book an appointment"))
		}
	})
}
