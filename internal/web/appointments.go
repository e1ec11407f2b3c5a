package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/cradle-org/cradle/internal/casework"
	"github.com/cradle-org/cradle/internal/eligibility"
	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/store"
)

// appointmentCreate books an appointment with a parent, from the person
// page's form (store.BookAppointment).
func (s *Server) appointmentCreate(w http.ResponseWriter, r *http.Request, u *requestUser) {
	// The case closed a moment ago, say: the page has no form to show
	// where back in.
	r = keepUnsaved(r, unsavedText{Field: "appointment_place", Label: "Where", Text: r.PostForm.Get("appointment_place")})
	s.personPost(w, r, u, policy.EditConfidential, "appointment", "appointment_on", "#appointments", func(id int64, f url.Values, fs *problem.Fields) error {
		a := casework.Appointment{PersonID: id, On: formDate(f, "appointment_on", fs), At: f.Get("appointment_at"),
			Mode: f.Get("appointment_mode"), Place: f.Get("appointment_place")}
		if len(*fs) > 0 {
			// The date is no date: the rest is checked too, so that every
			// problem is shown at once.
			a.On = s.cfg.Now()
			*fs = inPageOrder(mergeFields(*fs, a.Validate(s.cfg.Now())), "appointment_on", "appointment_at", "appointment_mode", "appointment_place")
			return nil
		}
		_, err := s.db.BookAppointment(r.Context(), u.staff.Actor(), a)
		return err
	})
}

// appointmentCancel cancels one of the parent's appointments, from the
// form its "Cancel" link opens.
func (s *Server) appointmentCancel(w http.ResponseWriter, r *http.Request, u *requestUser) {
	aid, ok := s.entryID(w, r, "appointment")
	if !ok {
		return
	}
	open := "appointment-cancel-" + r.PathValue("eid")
	s.personPost(w, r, u, policy.EditConfidential, open, "cancel_reason", "#appointments", func(id int64, f url.Values, fs *problem.Fields) error {
		return s.db.CancelAppointment(r.Context(), u.staff.Actor(), id, aid, f.Get("cancel_reason"))
	})
}

// appointmentMove rearranges one of the parent's appointments to another
// day and time, from the form its "Rearrange" link opens.
func (s *Server) appointmentMove(w http.ResponseWriter, r *http.Request, u *requestUser) {
	aid, ok := s.entryID(w, r, "appointment")
	if !ok {
		return
	}
	open := "appointment-move-" + r.PathValue("eid")
	s.personPost(w, r, u, policy.EditConfidential, open, "appointment_on", "#appointments", func(id int64, f url.Values, fs *problem.Fields) error {
		a := casework.Appointment{On: formDate(f, "appointment_on", fs), At: f.Get("appointment_at")}
		if len(*fs) > 0 {
			// The date is no date: the time is checked too, so that every
			// problem is shown at once.
			a.On = s.cfg.Now()
			*fs = inPageOrder(mergeFields(*fs, a.ValidateMove(s.cfg.Now())), "appointment_on", "appointment_at")
			return nil
		}
		return s.db.MoveAppointment(r.Context(), u.staff.Actor(), id, aid, a)
	})
}

// diaryData is a practitioner's appointments: those past their day still
// to record, then those to come, by day.
type diaryData struct {
	ToRecord []store.DiaryEntry
	Days     []diaryDay
	// Since is the earliest day an appointment to record is listed from.
	Since time.Time
	// Of names the practitioner when the diary is someone else's (a team
	// manager's or DSL's look at a practitioner's, from the team
	// caseloads); "" for the reader's own.
	Of string
	// Practitioner is the id the diary was asked for, for the link to the
	// same practitioner's caseload.
	Practitioner int64
}

type diaryDay struct {
	On      time.Time
	Today   bool
	Entries []store.DiaryEntry
}

// diary is "Your appointments": the appointments booked with the parents
// allocated to the reader, or, with ?practitioner=ID, to that practitioner
// for one who may see the team's caseloads (store.Diary).
func (s *Server) diary(w http.ResponseWriter, r *http.Request, u *requestUser) {
	var who int64
	if v := r.URL.Query().Get("practitioner"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			s.fail(w, r, problem.New(problem.NotFound, "There is no such practitioner. Choose one from the team's caseloads"))
			return
		}
		who = id
	}
	v, err := s.db.Diary(r.Context(), u.staff.Actor(), who)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	now := s.cfg.Now()
	today := eligibility.DateOf(now)
	d := diaryData{Since: today.Add(-store.DiaryFrom)}
	title := "Your appointments"
	if who != 0 && who != u.staff.ID {
		d.Of, d.Practitioner, title = v.Of, who, "Appointments: "+v.Of
	}
	for _, e := range v.Entries {
		if e.ToRecord(now) {
			d.ToRecord = append(d.ToRecord, e)
			continue
		}
		day := eligibility.DateOf(e.On)
		if n := len(d.Days); n == 0 || !d.Days[n-1].On.Equal(day) {
			d.Days = append(d.Days, diaryDay{On: day, Today: day.Equal(today)})
		}
		d.Days[len(d.Days)-1].Entries = append(d.Days[len(d.Days)-1].Entries, e)
	}
	s.render(w, r, http.StatusOK, "appointments", Page{Title: title, Nav: "caseload", Data: d})
}
