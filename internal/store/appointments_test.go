package store_test

import (
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/audit"
	"github.com/cradle-org/cradle/internal/casework"
	"github.com/cradle-org/cradle/internal/org"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/store"
	"github.com/cradle-org/cradle/internal/store/storetest"
)

// A practitioner books appointments with her parent: where is sealed, the
// parent's page lists them only to those who may see the parent's
// confidential details (the other parent's practitioner reads none, not
// even that one was booked), her diary lists them and one past its day
// still to record, a session recorded on an appointment's day is its
// session (and removing the session makes it stand again), one cancelled
// leaves the lists, and a parent who has left is booked no more. Audited.
func TestAppointments(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := makeFamily(t, db)
		sctx := audit.WithSource(ctx, audit.Source{Actor: "test"})
		today := time.Now().UTC()
		soon := casework.Appointment{PersonID: fx.parent1, On: today.AddDate(0, 0, 7), At: "9.30", Mode: "office", Place: "CANARY-PLACE Children's centre, Mill Lane"}

		if _, err := db.BookAppointment(sctx, fx.prac2.Actor(), soon); problem.CodeOf(err) != problem.Forbidden {
			t.Errorf("the other parent's practitioner booking Alex: %v, want forbidden", err)
		}
		if _, err := db.BookAppointment(sctx, fx.prac1.Actor(), casework.Appointment{PersonID: fx.parent1, On: today.AddDate(0, 0, -1), At: "25:00"}); !hasField(err, "appointment_on") || !hasField(err, "appointment_at") || !hasField(err, "appointment_mode") {
			t.Errorf("an appointment yesterday at 25:00 with no mode: %v", err)
		}
		soonID, err := db.BookAppointment(sctx, fx.prac1.Actor(), soon)
		if err != nil {
			t.Fatalf("booking an appointment: %v", err)
		}
		todayID, err := db.BookAppointment(sctx, fx.mgr.Actor(), casework.Appointment{PersonID: fx.parent1, On: today, At: "14:00", Mode: "home"})
		if err != nil {
			t.Fatalf("the team manager booking an appointment today: %v", err)
		}
		if n, err := db.RawString(ctx, `SELECT CAST(COUNT(*) AS TEXT) FROM appointments WHERE place_sealed LIKE '%CANARY%'`); err != nil || n != "0" {
			t.Errorf("where an appointment is, in the clear: %s (%v)", n, err)
		}
		// One past its day with nothing recorded (booked before it, as the
		// store cannot be asked to now).
		mustExec(t, db, `INSERT INTO appointments (id, family_id, person_id, on_day, at_time, mode, created_by, created_at) VALUES (900, $1, $2, $3, '11:00', 'phone', $4, $5)`,
			fx.familyID, fx.parent1, today.AddDate(0, 0, -3).Truncate(24*time.Hour), fx.prac1.ID, today.AddDate(0, 0, -10))

		own, err := db.ReadPersonParts(ctx, fx.prac1.Actor(), fx.parent1, store.PersonAppointments, "")
		if err != nil {
			t.Fatal(err)
		}
		if got := appointmentIDs(own.Appointments); !equalIDs(got, []int64{900, todayID, soonID}) {
			t.Fatalf("Alex's practitioner reads the appointments %v, want past, today, next week", got)
		}
		if a := own.Appointments[2]; a.At != "09:30" || a.Mode != "office" || a.Place != soon.Place || a.BookedBy == "" || !a.Standing() {
			t.Errorf("next week's appointment read as %+v", a)
		}
		if !own.Appointments[0].ToRecord(today) || own.Appointments[1].ToRecord(today) {
			t.Errorf("to record: %v, %v; want the past one only", own.Appointments[0].ToRecord(today), own.Appointments[1].ToRecord(today))
		}
		// The family's page: each parent's next one, today's or later, for
		// those who may see that parent's details only.
		samID, err := db.BookAppointment(sctx, fx.prac2.Actor(), casework.Appointment{PersonID: fx.parent2, On: today.AddDate(0, 0, 5), At: "12:00", Mode: "home"})
		if err != nil {
			t.Fatal(err)
		}
		for who, want := range map[*org.Staff]map[int64]int64{&fx.prac1: {fx.parent1: todayID}, &fx.prac2: {fx.parent2: samID}, &fx.mgr: {fx.parent1: todayID, fx.parent2: samID}} {
			fp, err := db.ReadFamilyPage(ctx, who.Actor(), fx.familyID, 5)
			if err != nil {
				t.Fatal(err)
			}
			if len(fp.NextAppointment) != len(want) {
				t.Errorf("%s reads the next appointments %+v, want %v", who.Name, fp.NextAppointment, want)
			}
			for person, id := range want {
				if fp.NextAppointment[person].ID != id {
					t.Errorf("%s reads %d's next appointment as %+v, want %d", who.Name, person, fp.NextAppointment[person], id)
				}
			}
		}
		theirs, err := db.ReadPersonParts(ctx, fx.prac2.Actor(), fx.parent1, store.PersonAppointments, "")
		if err != nil {
			t.Fatal(err)
		}
		if len(theirs.Appointments) != 0 {
			t.Errorf("Sam's practitioner reads Alex's appointments: %+v", theirs.Appointments)
		}

		v, err := db.Diary(sctx, fx.prac1.Actor(), 0)
		if err != nil {
			t.Fatal(err)
		}
		diary := v.Entries
		if v.Of != fx.prac1.Name || len(diary) != 3 || diary[0].ID != 900 || diary[2].Place != soon.Place || diary[2].Parent != "Alex Rivers" || diary[2].Reference == "" {
			t.Errorf("Alex's practitioner's diary: %+v", v)
		}
		if other, err := db.Diary(sctx, fx.prac2.Actor(), 0); err != nil || len(other.Entries) != 1 || other.Entries[0].ID != samID {
			t.Errorf("Sam's practitioner's diary: %+v (%v), want Sam's alone", other, err)
		}
		// Another practitioner's diary: their team manager's to see, not a
		// fellow practitioner's; an id that is no one's is not found.
		if m, err := db.Diary(sctx, fx.mgr.Actor(), fx.prac1.ID); err != nil || len(m.Entries) != 3 || m.Entries[2].Place != soon.Place {
			t.Errorf("the team manager's look at Alex's practitioner's diary: %+v (%v)", m, err)
		}
		if _, err := db.Diary(sctx, fx.prac2.Actor(), fx.prac1.ID); problem.CodeOf(err) != problem.Forbidden {
			t.Errorf("Sam's practitioner looking at Alex's practitioner's diary: %v, want forbidden", err)
		}
		if _, err := db.Diary(sctx, fx.mgr.Actor(), 987654); problem.CodeOf(err) != problem.NotFound {
			t.Errorf("the diary of no one: %v, want not found", err)
		}

		// Today's session is today's appointment's; removed, it stands again.
		sess := casework.Session{PersonID: fx.parent1, HeldOn: today, Minutes: 60, Mode: "home", Attendance: "attended"}
		sid, err := db.RecordSession(sctx, fx.prac1.Actor(), sess, nil)
		if err != nil {
			t.Fatal(err)
		}
		after, err := db.ReadPersonParts(ctx, fx.prac1.Actor(), fx.parent1, store.PersonAppointments, "")
		if err != nil {
			t.Fatal(err)
		}
		if got := appointmentIDs(after.Appointments); !equalIDs(got, []int64{900, soonID}) {
			t.Errorf("after today's session: %v, want today's recorded", got)
		}
		if err := db.CancelAppointment(sctx, fx.prac1.Actor(), fx.parent1, todayID, "rearranged"); problem.CodeOf(err) != problem.Conflict {
			t.Errorf("cancelling an appointment whose session is recorded: %v, want a conflict", err)
		}
		// Corrected to the day before, it is no longer today's appointment's
		// (which stands again, and the day before has none); back to today,
		// it is again.
		standing := func(want []int64, when string) {
			t.Helper()
			rec, err := db.ReadPersonParts(ctx, fx.prac1.Actor(), fx.parent1, store.PersonAppointments, "")
			if err != nil {
				t.Fatal(err)
			}
			if got := appointmentIDs(rec.Appointments); !equalIDs(got, want) {
				t.Errorf("%s: appointments standing %v, want %v", when, got, want)
			}
		}
		mustExec(t, db, `UPDATE families SET accepted_on = $1 WHERE id = $2`, today.AddDate(0, 0, -30).Truncate(24*time.Hour), fx.familyID)
		for v, day := range []time.Time{today.AddDate(0, 0, -1), today} {
			moved := sess
			moved.HeldOn = day
			if err := db.CorrectSession(sctx, fx.prac1.Actor(), store.SessionCorrection{PersonID: fx.parent1, SessionID: sid, Version: v + 1, Session: moved, Why: "Wrong day"}, nil); err != nil {
				t.Fatal(err)
			}
			if v == 0 {
				standing([]int64{900, todayID, soonID}, "the session moved to the day before")
			} else {
				standing([]int64{900, soonID}, "the session moved back to today")
			}
		}
		if err := db.RemoveSession(sctx, fx.prac1.Actor(), fx.parent1, sid, 3, "Recorded on the wrong day"); err != nil {
			t.Fatal(err)
		}
		back, err := db.ReadPersonParts(ctx, fx.prac1.Actor(), fx.parent1, store.PersonAppointments, "")
		if err != nil {
			t.Fatal(err)
		}
		if got := appointmentIDs(back.Appointments); !equalIDs(got, []int64{900, todayID, soonID}) {
			t.Errorf("after the session was removed: %v, want today's standing again", got)
		}

		// Rearranged: by those who may book, to a day and time a new one
		// could have, while it stands.
		moved := casework.Appointment{On: today.AddDate(0, 0, 9), At: "1600"}
		if err := db.MoveAppointment(sctx, fx.prac2.Actor(), fx.parent1, soonID, moved); problem.CodeOf(err) != problem.Forbidden {
			t.Errorf("Sam's practitioner rearranging Alex's appointment: %v, want forbidden", err)
		}
		if err := db.MoveAppointment(sctx, fx.prac1.Actor(), fx.parent1, soonID, casework.Appointment{On: today.AddDate(0, 0, -1), At: "9"}); !hasField(err, "appointment_on") || !hasField(err, "appointment_at") {
			t.Errorf("rearranging to yesterday at 9: %v", err)
		}
		if err := db.MoveAppointment(sctx, fx.prac1.Actor(), fx.parent1, soonID, moved); err != nil {
			t.Fatal(err)
		}
		re, err := db.ReadPersonParts(ctx, fx.prac1.Actor(), fx.parent1, store.PersonAppointments, "")
		if err != nil {
			t.Fatal(err)
		}
		if n := len(re.Appointments); n != 3 || re.Appointments[2].ID != soonID || re.Appointments[2].At != "16:00" || !re.Appointments[2].On.Equal(moved.On.Truncate(24*time.Hour)) || re.Appointments[2].Place != soon.Place {
			t.Errorf("after rearranging: %+v", re.Appointments)
		}

		// Cancelled: by those who may book, for a reason from the list, once.
		if err := db.CancelAppointment(sctx, fx.prac2.Actor(), fx.parent1, soonID, "rearranged"); problem.CodeOf(err) != problem.Forbidden {
			t.Errorf("Sam's practitioner cancelling Alex's appointment: %v, want forbidden", err)
		}
		if err := db.CancelAppointment(sctx, fx.prac1.Actor(), fx.parent1, soonID, "bored"); !hasField(err, "cancel_reason") {
			t.Errorf("cancelling for no reason on the list: %v", err)
		}
		if err := db.CancelAppointment(sctx, fx.mgr.Actor(), fx.parent2, soonID, "rearranged"); problem.CodeOf(err) != problem.NotFound {
			t.Errorf("cancelling Alex's appointment as if it were Sam's: %v, want not found", err)
		}
		if err := db.CancelAppointment(sctx, fx.prac1.Actor(), fx.parent1, soonID, "cancelled_by_parent"); err != nil {
			t.Fatal(err)
		}
		if err := db.CancelAppointment(sctx, fx.prac1.Actor(), fx.parent1, soonID, "rearranged"); problem.CodeOf(err) != problem.Conflict {
			t.Errorf("cancelling it again: %v, want a conflict", err)
		}
		if err := db.MoveAppointment(sctx, fx.prac1.Actor(), fx.parent1, soonID, moved); problem.CodeOf(err) != problem.Conflict {
			t.Errorf("rearranging a cancelled appointment: %v, want a conflict", err)
		}
		if v, err := db.Diary(sctx, fx.prac1.Actor(), 0); err != nil || len(v.Entries) != 2 {
			t.Errorf("the diary after a cancellation: %+v (%v)", v, err)
		}

		// A parent who leaves: their appointments after the day they left
		// are cancelled with it, those up to it stand (to record), and they
		// are booked no more until they rejoin.
		tomorrowID, err := db.BookAppointment(sctx, fx.prac1.Actor(), casework.Appointment{PersonID: fx.parent1, On: today.AddDate(0, 0, 1), At: "10:00", Mode: "phone"})
		if err != nil {
			t.Fatal(err)
		}
		if err := db.LeaveProgramme(sctx, fx.prac1.Actor(), casework.Departure{PersonID: fx.parent1, Reason: "withdrew", LeftOn: today}); err != nil {
			t.Fatal(err)
		}
		if got := mustString(t, db, `SELECT COALESCE(cancel_reason, '') FROM appointments WHERE id = $1`, tomorrowID); got != casework.CancelledLeft {
			t.Errorf("tomorrow's appointment after Alex left today: cancelled for %q, want %q", got, casework.CancelledLeft)
		}
		left, err := db.ReadPersonParts(ctx, fx.prac1.Actor(), fx.parent1, store.PersonAppointments, "")
		if err != nil {
			t.Fatal(err)
		}
		if got := appointmentIDs(left.Appointments); !equalIDs(got, []int64{900, todayID}) {
			t.Errorf("Alex's appointments after leaving: %v, want the past one and today's", got)
		}
		if _, err := db.BookAppointment(sctx, fx.prac1.Actor(), soon); !hasField(err, "appointment_on") {
			t.Errorf("booking Alex after they left: %v, want a problem with the date", err)
		}
		// The case closing cancels every appointment still standing.
		if err := db.CloseFamily(sctx, fx.mgr.Actor(), fx.familyID, casework.Closure{Reason: "withdrew", ClosedOn: today.Truncate(24 * time.Hour),
			Summaries: map[int64]string{fx.parent1: "Alex withdrew.", fx.parent2: "Sam's work ended."}}); err != nil {
			t.Fatal(err)
		}
		if got := mustString(t, db, `SELECT CAST(COUNT(*) AS TEXT) FROM appointments WHERE family_id = $1 AND cancelled_at IS NULL AND session_id IS NULL`, fx.familyID); got != "0" {
			t.Errorf("%s appointments standing after the case closed", got)
		}
		if got := mustString(t, db, `SELECT CAST(COUNT(*) AS TEXT) FROM appointments WHERE family_id = $1 AND cancel_reason = 'case_closed'`, fx.familyID); got != "3" {
			t.Errorf("%s appointments cancelled as the case closed, want 3 (the past one, today's, Sam's)", got)
		}

		entries, err := db.AuditEntries(ctx, store.AuditFilter{Actions: []string{"appointment.book", "appointment.cancel", "appointments.view"}})
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]int{}
		for _, e := range entries {
			seen[e.Action]++
		}
		if seen["appointment.book"] != 4 || seen["appointment.cancel"] != 1 || seen["appointments.view"] != 4 {
			t.Errorf("audited: %d bookings, %d cancellations, %d diaries", seen["appointment.book"], seen["appointment.cancel"], seen["appointments.view"])
		}
	})
}

func appointmentIDs(as []casework.Appointment) []int64 {
	var out []int64
	for _, a := range as {
		out = append(out, a.ID)
	}
	return out
}

func equalIDs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
