package web

import (
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cradle-org/cradle/internal/casework"
	"github.com/cradle-org/cradle/internal/eligibility"
	"github.com/cradle-org/cradle/internal/family"
	"github.com/cradle-org/cradle/internal/notice"
	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/store"
	"github.com/cradle-org/cradle/internal/timeline"
)

// modules are the configured programme content, as options for a session.
func (s *Server) modules() []casework.Option {
	var out []casework.Option
	for _, m := range s.cfg.Timeline.Modules {
		out = append(out, casework.Option{Value: m.Key, Label: m.Label})
	}
	return out
}

// statusTag is a GOV.UK tag's words and colour.
type statusTag struct{ Words, Class string }

// moduleStatus is how the person page says where a parent stands with a
// module of the programme's content; any other status is "Not started".
func moduleStatus(st timeline.ModuleStatus) statusTag {
	if t, ok := moduleStatusTags[st]; ok {
		return t
	}
	return statusTag{"Not started", "govuk-tag--grey"}
}

var moduleStatusTags = map[timeline.ModuleStatus]statusTag{
	timeline.ModuleReached:  {"Target reached", "govuk-tag--green"},
	timeline.ModuleUnderWay: {"Under way", "govuk-tag--blue"},
	timeline.ModuleLater:    {"After the birth", "govuk-tag--grey"},
	timeline.ModuleMissed:   {"Not reached before the birth", "govuk-tag--yellow"},
}

type personData struct {
	store.PersonRecord
	Modules []casework.Option
	Open    string // the form shown in full, if any, as on the family page
	Paused  *casework.Pause
	// Away is the parent's current time away from the programme, when
	// they have left it and not rejoined.
	Away   *casework.Departure
	Filter string // the kind of session shown; PersonRecord.Sessions is the page of them
	// Module is the module of the programme's content the sessions shown
	// are narrowed to ("" for none), ModuleName its label.
	Module, ModuleName string
	// Content is a parent's progress through the programme's modules.
	Content timeline.ContentProgress
	Pager   pager
	// SubjectAccess: the reader may prepare this parent's subject access
	// request (a designated safeguarding lead), linked from the page.
	SubjectAccess bool
	// OpenReminders are the reminders about the parent not yet done, and
	// ReminderDone which of them the reader may mark done (whose list it
	// is on, or a team manager: policy.CompleteTask).
	OpenReminders []casework.Reminder
	ReminderDone  map[int64]bool
	// Now is when the page was read: an appointment past its day is one
	// to record, one still to come is not recorded yet.
	Now time.Time
}

// Future reports whether day is after today (an appointment not yet due
// to be recorded).
func (d personData) Future(day time.Time) bool {
	return eligibility.DateOf(day).After(eligibility.DateOf(d.Now))
}

// Household names the parent the baby or child whose page this is lives
// with; "" when that is not recorded.
func (d personData) Household() string { return householdOf(d.Family, d.Person) }

// ModuleHint says, on the form that records a session, which module comes
// next in the programme's order for the parent: the first under way, or
// not started whose time has come (not one for after the birth before it,
// nor one for before it that the birth has passed). Practitioners follow
// the parent, so it is a hint, never a default.
func (d personData) ModuleHint() string {
	for _, m := range d.Content.Modules {
		if m.Status != timeline.ModuleUnderWay && m.Status != timeline.ModuleNotStarted {
			continue
		}
		target := ""
		if m.Module.TargetSessions > 0 {
			target = " of " + strconv.Itoa(m.Module.TargetSessions)
		}
		return "Next in the programme's order: " + m.Module.Label + " (" + strconv.Itoa(m.Attended) + target + " sessions attended)"
	}
	return ""
}

// JointAsked is whether the session form asks if it was a joint session:
// only when both practitioners have recorded that joint sessions are safe.
func (d personData) JointAsked() bool { return d.JointSafe }

// personSessionsPageSize is how many sessions the person page shows at a
// time, newest first: a parent seen weekly has over a hundred by the end.
const personSessionsPageSize = 20

// personPage shows a person's record. Its forms are links until one is asked
// for (?form=session, say): most visits record nothing, and seven closed
// forms were half the page's HTML. A form shown after a failed post is the
// one that was posted. A name that is not a form shows none.
func (s *Server) personPage(w http.ResponseWriter, r *http.Request, u *requestUser) {
	s.showPerson(w, r, u, http.StatusOK, nil, r.URL.Query().Get("form"))
}

// showPerson renders a person's page, optionally with a form's errors (and
// the typed values, from r.PostForm) for the form named by open, the one
// form the page shows in full.
func (s *Server) showPerson(w http.ResponseWriter, r *http.Request, u *requestUser, status int, errs problem.Fields, open string) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	filter := r.URL.Query().Get("show")
	// A module narrows the list of every session to those attended on it;
	// one the programme does not list narrows nothing, so the list shows
	// every session rather than none.
	module, moduleName := r.URL.Query().Get("module"), ""
	if i := slices.IndexFunc(s.cfg.Timeline.Modules, func(m timeline.Module) bool { return m.Key == module }); i >= 0 && filter == "" {
		moduleName = s.cfg.Timeline.Modules[i].Label
	} else {
		module = ""
	}
	rec, err := s.db.ReadPersonPage(r.Context(), u.staff.Actor(), id,
		store.SessionPage{Show: filter, Module: module, Offset: offsetAsked(r, personSessionsPageSize), Limit: personSessionsPageSize})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := personData{PersonRecord: rec, Modules: s.modules(), Open: open, Filter: filter, Module: module, ModuleName: moduleName,
		Content:       timeline.Progress(s.cfg.Timeline, rec.Family.Stage, rec.ModuleSessions),
		Pager:         newPagerTo(r, "/people/"+strconv.FormatInt(id, 10), "sessions", rec.SessionsTotal, personSessionsPageSize),
		SubjectAccess: rec.Person.Kind == family.Parent && policy.Can(u.staff.Actor(), policy.ExportSubjectAccess, policy.Target{}, s.cfg.Now())}
	for _, p := range rec.Pauses {
		if p.Active() {
			p := p
			d.Paused = &p
		}
	}
	if len(rec.Departures) > 0 && rec.Departures[0].Current() {
		d.Away = &rec.Departures[0]
	}
	d.Now = s.cfg.Now()
	d.ReminderDone = map[int64]bool{}
	for _, m := range rec.Reminders {
		if m.DoneOn.IsZero() {
			d.OpenReminders = append(d.OpenReminders, m)
			d.ReminderDone[m.ID] = mayCompleteTask(u.staff.Actor(), rec.Family, m.AssignedToID, s.cfg.Now())
		}
	}
	form := r.PostForm
	if form == nil && open == "session" {
		// "Record what happened" at an appointment: the session's form
		// starts from its day and how it was to take place.
		if aid, err := strconv.ParseInt(r.URL.Query().Get("appointment"), 10, 64); err == nil {
			for _, a := range rec.Appointments {
				if a.ID == aid && !d.Future(a.On) {
					form = dateValues("held_on", a.On)
					form.Set("mode", a.Mode)
				}
			}
		}
	}
	for _, a := range rec.Appointments {
		if form == nil && open == "appointment-move-"+strconv.FormatInt(a.ID, 10) {
			// Rearranging starts from the day and time it has.
			form = dateValues("appointment_on", a.On)
			form.Set("appointment_at", a.At)
		}
	}
	for _, m := range rec.MARACReferrals {
		if form == nil && open == maracOutcomeForm(m.ID) && !m.Withheld {
			// The outcome's form starts from what was recorded.
			form = url.Values{"marac_outcome": {m.Outcome}, "marac_actions": {m.Actions}}
			break
		}
	}
	s.render(w, r, status, "person", Page{Title: rec.Person.Name(), Nav: "caseload", Errors: errs, Form: form, Data: d})
}

// dateValues is a form holding day d in the three boxes of date field
// name, for a form that starts from a date already known.
func dateValues(name string, d time.Time) url.Values {
	return url.Values{name + "-day": {strconv.Itoa(d.Day())}, name + "-month": {strconv.Itoa(int(d.Month()))}, name + "-year": {strconv.Itoa(d.Year())}}
}

// formYes reads a yes/no question that must be answered: a missing or
// unknown answer is a problem ("Select yes if ..."), never a quiet "no",
// which for "Is this note confidential?" would show the note to the other
// parent's practitioner.
func formYes(form url.Values, name, selectYesIf string, fs *problem.Fields) bool {
	switch form.Get(name) {
	case "yes":
		return true
	case "no":
		return false
	}
	fs.Add(name, "Select yes if "+selectYesIf)
	return false
}

func formDate(form url.Values, name string, fs *problem.Fields) time.Time {
	iso := dateField(form, name, fs)
	if iso == "" {
		return time.Time{}
	}
	t, _ := time.Parse(time.DateOnly, iso)
	return t
}

// sessionCreate records a session. A form with problems of its own (a
// date that is no date) saves nothing: it once saved the session dated
// today, and the editor, told of the problem, saved it again.
func (s *Server) sessionCreate(w http.ResponseWriter, r *http.Request, u *requestUser) {
	s.personPost(w, r, u, policy.EditConfidential, "session", "held_on", "#sessions", func(id int64, f url.Values, fs *problem.Fields) error {
		sess := s.sessionFromForm(f, fs, false)
		if len(*fs) > 0 {
			// Shown with the rest of the session's problems; postAndRedirect
			// asks the policy before showing them.
			*fs = s.formProblems(sess, *fs)
			return nil
		}
		sess.PersonID = id
		_, err := s.db.RecordSession(r.Context(), u.staff.Actor(), sess, s.modules())
		return err
	})
}

func (s *Server) vigCreate(w http.ResponseWriter, r *http.Request, u *requestUser) {
	s.personPost(w, r, u, policy.EditConfidential, "vig", "phase", "#vig", func(id int64, f url.Values, fs *problem.Fields) error {
		v := casework.VIGCycle{PersonID: id, Phase: f.Get("phase"), FilmedOn: formDate(f, "filmed_on", fs), AnalysedOn: formDate(f, "analysed_on", fs),
			ReviewedOn: formDate(f, "reviewed_on", fs), Strengths: f.Get("strengths"),
			Confidential: formYes(f, "vig_confidential", "the strengths noted are confidential from the other parent's practitioner", fs)}
		if len(*fs) > 0 {
			// Shown with the cycle's other problems, in the form's order.
			*fs = inPageOrder(mergeFields(*fs, v.Validate(s.cfg.Now())), "phase", "filmed_on", "analysed_on", "reviewed_on", "strengths", "vig_confidential")
			return nil
		}
		_, err := s.db.RecordVIG(r.Context(), u.staff.Actor(), v)
		return err
	})
}

func (s *Server) jointSafety(w http.ResponseWriter, r *http.Request, u *requestUser) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.db.SetJointSafety(r.Context(), u.staff.Actor(), id, r.PostForm.Get("safe") == "yes"); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/people/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

type contactData struct {
	Person  family.Person
	Version int
	Changed bool
}

func (s *Server) contactForm(w http.ResponseWriter, r *http.Request, u *requestUser) {
	rec, ok := s.personParts(w, r, u, store.PersonContact, "contact details")
	if !ok {
		return
	}
	if !rec.CanEdit || rec.Person.Confidential == nil {
		s.fail(w, r, problem.New(problem.Forbidden, "only this parent's own practitioner or a team manager can change their contact details"))
		return
	}
	c := rec.Person.Confidential
	form := url.Values{"address": {c.Address}, "postcode": {c.Postcode}, "phone": {c.Phone}, "email": {c.Email}, "safe_contact": {c.SafeContact}}
	if rec.Person.AddressConfidential {
		form.Set("address_confidential", "yes")
	}
	s.render(w, r, http.StatusOK, "contact", Page{Title: "Contact details for " + rec.Person.Name(), Nav: "caseload", Form: form,
		Data: contactData{Person: rec.Person, Version: rec.Person.Version}})
}

func (s *Server) contactSave(w http.ResponseWriter, r *http.Request, u *requestUser) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := r.PostForm
	version, _ := strconv.Atoi(f.Get("version"))
	upd := store.ContactUpdate{Version: version, AddressConfidential: f.Get("address_confidential") == "yes",
		Details: family.Confidential{Address: f.Get("address"), Postcode: f.Get("postcode"), Phone: f.Get("phone"), Email: f.Get("email"), SafeContact: f.Get("safe_contact")}}
	err = s.db.UpdateContact(r.Context(), u.staff.Actor(), id, upd)
	p := problem.As(err)
	if p != nil && (p.Code == problem.Invalid || p.Code == problem.Conflict) {
		// Show the editor their own text again, so nothing they typed is
		// lost: with the version they opened (a save after someone else's
		// still meets the version check), or after a conflict the current
		// one, with the editor told.
		rec, rerr := s.db.ReadPersonParts(r.Context(), u.staff.Actor(), id, store.PersonContact, "contact details")
		if rerr != nil {
			s.fail(w, r, rerr)
			return
		}
		fields := p.Fields
		if p.Code == problem.Conflict {
			fields = []problem.Field{{Name: "address", Message: p.Message}}
		}
		s.render(w, r, formStatus(err), "contact", Page{Title: "Contact details for " + rec.Person.Name(), Nav: "caseload", Errors: fields, Form: f,
			Data: contactData{Person: rec.Person, Version: keptVersion(version, rec.Person.Version, p.Code == problem.Conflict), Changed: p.Code == problem.Conflict}})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/people/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

// keptVersion is the version a form shown again carries: the one the
// editor opened, or after a conflict (which the page explains) the
// record's current one.
func keptVersion(opened, current int, conflict bool) int {
	if conflict {
		return current
	}
	return opened
}

type revealData struct {
	Person family.Person
	Family family.Family
}

func (s *Server) revealForm(w http.ResponseWriter, r *http.Request, u *requestUser) {
	s.showReveal(w, r, u, http.StatusOK, nil)
}

func (s *Server) showReveal(w http.ResponseWriter, r *http.Request, u *requestUser, status int, errs problem.Fields) {
	rec, ok := s.personParts(w, r, u, 0, "break-glass form")
	if !ok {
		return
	}
	if !rec.CanBreakGlass {
		s.fail(w, r, problem.New(problem.Forbidden, "you can already see these details, or you are not this family's practitioner"))
		return
	}
	s.render(w, r, status, "reveal", Page{Title: "Reveal withheld details", Nav: "caseload", Errors: errs, Form: r.PostForm,
		Data: revealData{Person: rec.Person, Family: rec.Family}})
}

func (s *Server) revealSubmit(w http.ResponseWriter, r *http.Request, u *requestUser) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// Seeing what is withheld from them is the most dangerous thing a
	// practitioner can do in Cradle, so they give their password again: a
	// session left open at an unattended desk, or taken over, cannot do it.
	password := r.PostForm.Get("password")
	r.PostForm.Del("password") // never shown again, whatever happens
	fs, status, err := s.reauthenticate(r, u, password, "password", "password")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if len(fs) > 0 {
		if err := policy.ValidateOverrideReason(strings.TrimSpace(r.PostForm.Get("reason"))); err != nil {
			fs = append(problem.Fields{{Name: "reason", Message: err.Error()}}, fs...)
		}
		s.showReveal(w, r, u, status, fs)
		return
	}
	_, err = s.db.BreakGlass(r.Context(), u.staff.Actor(), id, r.PostForm.Get("reason"), func(tx *store.Tx, to []string, ref string) error {
		subject, text := notice.BreakGlass(ref)
		for _, addr := range to {
			if err := tx.QueueMail("break_glass", addr, subject, text, nil); err != nil {
				return err
			}
		}
		return nil
	})
	if p := problem.As(err); p != nil && p.Code == problem.Invalid {
		s.showReveal(w, r, u, http.StatusUnprocessableEntity, p.Fields)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.wakeMail()
	http.Redirect(w, r, "/people/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

type allocateData struct {
	Family        family.Family
	Practitioners []store.PractitionerLoad
	Managers      []store.PractitionerLoad // the area's team managers, each with the open families they manage
}

func (s *Server) allocateForm(w http.ResponseWriter, r *http.Request, u *requestUser) {
	s.showAllocate(w, r, u, http.StatusOK, nil)
}

func (s *Server) showAllocate(w http.ResponseWriter, r *http.Request, u *requestUser, status int, errs problem.Fields) {
	f, ok := s.familyFor(w, r, u, policy.AllocateFamily)
	if !ok {
		return
	}
	pracs, err := s.db.PractitionersInArea(r.Context(), f.AreaID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	managers, err := s.db.ManagersInArea(r.Context(), f.AreaID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// A manager who has left the area (or whose account was disabled)
	// stays the choice until someone picks another: the select never
	// quietly changes who manages the family.
	if f.ManagerID != 0 && !slices.ContainsFunc(managers, func(m store.PractitionerLoad) bool { return m.ID == f.ManagerID }) {
		name := f.ManagerName + ", no longer a team manager in this area"
		if f.ManagerDisabled {
			name = f.ManagerName + ", account disabled"
		}
		managers = append([]store.PractitionerLoad{{ID: f.ManagerID, Name: name, Caseload: -1}}, managers...) // -1: not counted
	}
	form := r.PostForm
	if form == nil {
		form = url.Values{}
		for _, p := range f.Parents() {
			form.Set("practitioner_"+strconv.FormatInt(p.ID, 10), strconv.FormatInt(p.PractitionerID, 10))
		}
		form.Set("manager", strconv.FormatInt(f.ManagerID, 10))
	} else {
		// A choice the list does not offer (refused: disabled a moment
		// ago, or posted by hand) shows the parent's practitioner as it
		// stands, not whoever the list names first.
		form = maps.Clone(form)
		for _, p := range f.Parents() {
			name := "practitioner_" + strconv.FormatInt(p.ID, 10)
			id, _ := strconv.ParseInt(form.Get(name), 10, 64)
			if !slices.ContainsFunc(pracs, func(l store.PractitionerLoad) bool { return l.ID == id }) {
				form.Set(name, strconv.FormatInt(p.PractitionerID, 10))
			}
		}
	}
	s.render(w, r, status, "allocate", Page{Title: "Allocate practitioners", Nav: "caseload", Errors: errs, Form: form,
		Data: allocateData{Family: f, Practitioners: pracs, Managers: managers}})
}

func (s *Server) allocateSave(w http.ResponseWriter, r *http.Request, u *requestUser) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	want := map[int64]int64{}
	for k, v := range r.PostForm {
		if pid, ok := strings.CutPrefix(k, "practitioner_"); ok && len(v) > 0 {
			p, _ := strconv.ParseInt(pid, 10, 64)
			sid, _ := strconv.ParseInt(v[0], 10, 64)
			want[p] = sid
		}
	}
	manager, _ := strconv.ParseInt(r.PostForm.Get("manager"), 10, 64)
	err = s.db.AllocatePractitioners(r.Context(), u.staff.Actor(), id, want, manager, s.allocationNotifier)
	if p := problem.As(err); p != nil && p.Code == problem.Invalid {
		fields := p.Fields
		if len(fields) == 0 {
			fields = []problem.Field{{Name: "practitioner", Message: p.Message}}
		}
		s.showAllocate(w, r, u, http.StatusUnprocessableEntity, fields)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.wakeMail()
	http.Redirect(w, r, "/families/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

// allocationNotifier tells each member of staff newly given a parent to
// work with, or a family to manage, by email, with the family's reference
// and a link, and each whose parent or family went to another, with the
// reference alone (they may no longer open it): nothing about the people.
func (s *Server) allocationNotifier(tx *store.Tx, familyID int64, ref string, to []store.Allocated) error {
	link := s.cfg.BaseURL + "/families/" + strconv.FormatInt(familyID, 10)
	for _, a := range to {
		subject, text := notice.Allocated(ref, link, a.Manager)
		if a.Ended {
			subject, text = notice.AllocationEnded(ref, a.Manager)
		}
		if err := tx.QueueMail("allocation", a.Email, subject, text, nil); err != nil {
			return err
		}
	}
	return nil
}

// familyDueDate corrects the baby's due date.
func (s *Server) familyDueDate(w http.ResponseWriter, r *http.Request, u *requestUser) {
	s.familyPost(w, r, u, policy.EditFamily, "edd", "edd", "", func(id int64, f url.Values, fs *problem.Fields) error {
		edd := formDate(f, "edd", fs)
		version, _ := strconv.Atoi(f.Get("version"))
		if len(*fs) > 0 {
			return nil
		}
		return s.db.CorrectDueDate(r.Context(), u.staff.Actor(), id, version, edd)
	})
}

// The family page's small forms: birth, assessment complete, re-open.
func (s *Server) familyBirth(w http.ResponseWriter, r *http.Request, u *requestUser) {
	s.familyPost(w, r, u, policy.EditFamily, "birth", "born_on", "", func(id int64, f url.Values, fs *problem.Fields) error {
		born := formDate(f, "born_on", fs)
		version, _ := strconv.Atoi(f.Get("version"))
		if len(*fs) > 0 {
			return nil
		}
		return s.db.RecordBirth(r.Context(), u.staff.Actor(), id, version, born, f.Get("given_name"))
	})
}

func (s *Server) familyAssessment(w http.ResponseWriter, r *http.Request, u *requestUser) {
	s.familyPost(w, r, u, policy.EditFamily, "assessment", "assessed_on", "", func(id int64, f url.Values, fs *problem.Fields) error {
		on := formDate(f, "assessed_on", fs)
		if len(*fs) > 0 {
			return nil
		}
		return s.db.CompleteAssessment(r.Context(), u.staff.Actor(), id, on)
	})
}

func (s *Server) familyReopen(w http.ResponseWriter, r *http.Request, u *requestUser) {
	s.familyPost(w, r, u, policy.ReopenFamily, "", "reopen_reason", "", func(id int64, f url.Values, _ *problem.Fields) error {
		return s.db.ReopenFamily(r.Context(), u.staff.Actor(), id, f.Get("reopen_reason"), func(fam family.Family) family.Stage {
			return timeline.StageOf(s.cfg.Timeline, s.timelineFacts(fam))
		})
	})
}

type closeData struct {
	Family  family.Family
	Reasons []casework.Option
}

func (s *Server) closeForm(w http.ResponseWriter, r *http.Request, u *requestUser) {
	s.showClose(w, r, u, http.StatusOK, nil)
}

func (s *Server) showClose(w http.ResponseWriter, r *http.Request, u *requestUser, status int, errs problem.Fields) {
	f, ok := s.familyFor(w, r, u, policy.CloseFamily)
	if !ok {
		return
	}
	s.render(w, r, status, "close", Page{Title: "Close the case", Nav: "caseload", Errors: errs, Form: r.PostForm,
		Data: closeData{Family: f, Reasons: casework.ClosureReasons()}})
}

func (s *Server) closeSave(w http.ResponseWriter, r *http.Request, u *requestUser) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := r.PostForm
	var fs problem.Fields
	c := casework.Closure{Reason: f.Get("reason"), ClosedOn: formDate(f, "closed_on", &fs), Summaries: map[int64]string{}}
	for k, v := range f {
		if pid, ok := strings.CutPrefix(k, "summary_for_"); ok && len(v) > 0 {
			p, _ := strconv.ParseInt(pid, 10, 64)
			c.Summaries[p] = v[0]
		}
	}
	if len(fs) == 0 {
		err = s.db.CloseFamily(r.Context(), u.staff.Actor(), id, c)
	}
	if p := problem.As(err); len(fs) > 0 || (p != nil && p.Code == problem.Invalid) {
		s.showClose(w, r, u, http.StatusUnprocessableEntity, mergeFields(fs, err))
		return
	} else if p != nil && p.Code == problem.Conflict {
		// Closed already (the form sent twice, or another manager a moment
		// before): the family's page, closed, with the closing summaries
		// saved, and those this manager typed, to copy.
		s.closedAlready(w, r, u, c, p.Message)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/families/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

// closedAlready answers a closure refused because the case is closed:
// the family page with the conflict, and each closing summary typed kept
// to copy, named by its parent as the form named it.
func (s *Server) closedAlready(w http.ResponseWriter, r *http.Request, u *requestUser, c casework.Closure, msg string) {
	s.showFamilyKeeping(w, r, u, http.StatusConflict, []problem.Field{{Name: "reason", Message: msg}}, "", func(f family.Family) []unsavedText {
		var texts []unsavedText
		for _, p := range f.Parents() {
			id := strconv.FormatInt(p.ID, 10)
			texts = append(texts, unsavedText{Field: "summary_for_" + id, Label: "Closing summary for " + p.Name(), Text: c.Summaries[p.ID]})
		}
		return texts
	})
}

// timelineFacts gathers what the timeline needs from a family record.
func (s *Server) timelineFacts(f family.Family) timeline.Facts {
	facts := timeline.Facts{AcceptedOn: f.AcceptedOn, EDD: f.EDD, AssessmentCompletedOn: f.AssessmentDoneOn, ClosedOn: f.ClosedOn, Today: s.cfg.Now()}
	if b, ok := f.Baby(); ok {
		facts.BornOn = b.DateOfBirth
	}
	return facts
}

func (s *Server) pauseCreate(w http.ResponseWriter, r *http.Request, u *requestUser) {
	// Paused already (the form sent twice), the page has no pause form to
	// show the note back in.
	r = keepUnsaved(r, unsavedText{Field: "pause_note", Label: "Note", Text: r.PostForm.Get("pause_note")})
	s.personPost(w, r, u, policy.EditConfidential, "pause", "pause_reason", "", func(id int64, f url.Values, fs *problem.Fields) error {
		p := casework.Pause{PersonID: id, Reason: f.Get("pause_reason"), Note: f.Get("pause_note"), StartedOn: formDate(f, "paused_on", fs)}
		if len(*fs) > 0 {
			return nil
		}
		return s.db.PauseSessions(r.Context(), u.staff.Actor(), p)
	})
}

// leaveCreate records that a parent has left the programme while the
// family's case stays open for the other parent.
func (s *Server) leaveCreate(w http.ResponseWriter, r *http.Request, u *requestUser) {
	// Left already (the form sent twice, or someone else a moment before),
	// the page has no form to show the note back in.
	r = keepUnsaved(r, unsavedText{Field: "leave_note", Label: "Note", Text: r.PostForm.Get("leave_note")})
	s.personPost(w, r, u, policy.EditConfidential, "leave", "leave_reason", "", func(id int64, f url.Values, fs *problem.Fields) error {
		d := casework.Departure{PersonID: id, Reason: f.Get("leave_reason"), Note: f.Get("leave_note"), LeftOn: formDate(f, "left_on", fs)}
		if len(*fs) > 0 {
			// The date is no date: the rest is checked too, so that every
			// problem is shown at once (the store checks the date's range).
			*fs = inPageOrder(mergeFields(*fs, d.Validate(time.Time{}, s.cfg.Now(), true)), "leave_reason", "left_on", "leave_note")
			return nil
		}
		return s.db.LeaveProgramme(r.Context(), u.staff.Actor(), d)
	})
}

// joinLaterCreate records that a parent has not started the programme and
// will join later (casework.JoinLater); rejoinCreate records their joining.
func (s *Server) joinLaterCreate(w http.ResponseWriter, r *http.Request, u *requestUser) {
	r = keepUnsaved(r, unsavedText{Field: "join_later_note", Label: "Note", Text: r.PostForm.Get("join_later_note")})
	s.personPost(w, r, u, policy.EditConfidential, "join-later", "join_later_note", "", func(id int64, f url.Values, fs *problem.Fields) error {
		return s.db.JoinLater(r.Context(), u.staff.Actor(), id, f.Get("join_later_note"))
	})
}

// reminderCreate sets a reminder about a parent on the reader's own task
// list (store.AddReminder).
func (s *Server) reminderCreate(w http.ResponseWriter, r *http.Request, u *requestUser) {
	// The case closed a moment ago, say: the page has no form to show the
	// words back in.
	r = keepUnsaved(r, unsavedText{Field: "reminder_what", Label: "Reminder", Text: r.PostForm.Get("reminder_what")})
	s.personPost(w, r, u, policy.EditConfidential, "reminder", "reminder_what", "#reminders", func(id int64, f url.Values, fs *problem.Fields) error {
		m := casework.Reminder{PersonID: id, What: f.Get("reminder_what"), DueOn: formDate(f, "reminder_due", fs)}
		if len(*fs) > 0 {
			// The date is no date: the words are checked too, so that every
			// problem is shown at once.
			m.DueOn = s.cfg.Now()
			*fs = inPageOrder(mergeFields(*fs, m.Validate(s.cfg.Now())), "reminder_what", "reminder_due")
			return nil
		}
		_, err := s.db.AddReminder(r.Context(), u.staff.Actor(), m)
		return err
	})
}

// reminderMove moves one of the parent's open reminders to another day,
// from the form its "Change the date" link opens under the reminders.
func (s *Server) reminderMove(w http.ResponseWriter, r *http.Request, u *requestUser) {
	tid, ok := s.entryID(w, r, "reminder")
	if !ok {
		return
	}
	open := "reminder-due-" + strconv.FormatInt(tid, 10)
	s.personPost(w, r, u, policy.EditConfidential, open, "reminder_due", "#reminders", func(id int64, f url.Values, fs *problem.Fields) error {
		due := formDate(f, "reminder_due", fs)
		if len(*fs) > 0 {
			return nil
		}
		return s.db.MoveReminder(r.Context(), u.staff.Actor(), id, tid, due)
	})
}

// rejoinCreate records that a parent who left the programme has come back,
// or that one joining later has joined.
func (s *Server) rejoinCreate(w http.ResponseWriter, r *http.Request, u *requestUser) {
	s.personPost(w, r, u, policy.EditConfidential, "rejoin", "rejoined_on", "", func(id int64, f url.Values, fs *problem.Fields) error {
		on := formDate(f, "rejoined_on", fs)
		if len(*fs) > 0 {
			return nil
		}
		return s.db.RejoinProgramme(r.Context(), u.staff.Actor(), id, on)
	})
}

func (s *Server) pauseEnd(w http.ResponseWriter, r *http.Request, u *requestUser) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	err = s.db.ResumeSessions(r.Context(), u.staff.Actor(), id)
	if problem.CodeOf(err) == problem.Conflict {
		// Not paused (the button pressed twice), or the case closed since
		// the page was opened: the page, saying which.
		s.showPerson(w, r, u, http.StatusConflict, []problem.Field{{Name: "resume", Message: problem.MessageOf(err)}}, "")
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/people/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

func (s *Server) supervisionCreate(w http.ResponseWriter, r *http.Request, u *requestUser) {
	s.personPost(w, r, u, policy.WriteSupervision, "supervision", "supervision_note", "#sessions", func(id int64, f url.Values, _ *problem.Fields) error {
		return s.db.RecordSupervision(r.Context(), u.staff.Actor(), id, f.Get("supervision_note"))
	})
}

// familyFor reads the family named in the path for a page that does act to
// it, answering the request itself (404, 403) when it cannot.
func (s *Server) familyFor(w http.ResponseWriter, r *http.Request, u *requestUser, act policy.Action) (family.Family, bool) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return family.Family{}, false
	}
	f, err := s.db.ReadFamily(r.Context(), u.staff.Actor(), id)
	if err != nil {
		s.fail(w, r, err)
		return f, false
	}
	if d := policy.Decide(u.staff.Actor(), act, f.Target(), s.cfg.Now()); !d.Allowed {
		s.fail(w, r, d.Err())
		return f, false
	}
	return f, true
}

// familyPageFor is familyFor with everything the family's page shows, read
// in one snapshot (store.ReadFamilyPage): for what is built from the whole
// record, such as a generated document, which must not go out missing a
// part that could not be read.
func (s *Server) familyPageFor(w http.ResponseWriter, r *http.Request, u *requestUser, act policy.Action) (store.FamilyPage, bool) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return store.FamilyPage{}, false
	}
	fp, err := s.db.ReadFamilyPage(r.Context(), u.staff.Actor(), id, recentActivityShown)
	if err != nil {
		s.fail(w, r, err)
		return fp, false
	}
	if d := policy.Decide(u.staff.Actor(), act, fp.Family.Target(), s.cfg.Now()); !d.Allowed {
		s.fail(w, r, d.Err())
		return fp, false
	}
	return fp, true
}

// personPost handles a form posted from a person's page: save reads the form
// (recording date problems in fs) and saves, the store asking the policy
// whether the reader may do act; on a problem the person's page
// is shown again with the form named by open, its messages and the typed
// values; otherwise it redirects back to the page at anchor.
func (s *Server) personPost(w http.ResponseWriter, r *http.Request, u *requestUser, act policy.Action, open, firstField, anchor string,
	save func(id int64, f url.Values, fs *problem.Fields) error) {
	may := func(id int64) error { return s.db.MayChangePerson(r.Context(), u.staff.Actor(), id, act) }
	s.postAndRedirect(w, r, firstField, "/people/", anchor, may, save, func(status int, fields []problem.Field) {
		s.showPerson(w, r, u, status, fields, open)
	})
}

// postAndRedirect is the one shape of a record's small forms: read the id
// from the path, save, show the page again with the problems (and the typed
// values) if there are any, else redirect to base+id+anchor. The store asks
// the policy on a save, but a form's own problems (a date that is no date)
// are found before the store is called: may, the policy's answer for the
// change, is asked then, so that only one who could make the change is
// shown them, and anyone else is refused as the save would refuse them.
func (s *Server) postAndRedirect(w http.ResponseWriter, r *http.Request, firstField, base, anchor string,
	may func(id int64) error, save func(id int64, f url.Values, fs *problem.Fields) error, reshow func(status int, fields []problem.Field)) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var fs problem.Fields
	err = save(id, r.PostForm, &fs)
	if len(fs) > 0 {
		if refused := may(id); refused != nil {
			s.fail(w, r, refused)
			return
		}
	}
	s.answerChange(w, r, err, fs, firstField, reshow, base+strconv.FormatInt(id, 10)+anchor)
}

// answerChange answers a form that changed something: its problems (the
// form's own, fs, or the change's, invalid or conflicting) shown again on
// the form's page by reshow with the status to send (formStatus), the
// summary linking to firstField for one that names no field of its own;
// any other error as an error page; else a redirect to next.
func (s *Server) answerChange(w http.ResponseWriter, r *http.Request, err error, fs problem.Fields, firstField string,
	reshow func(status int, fields []problem.Field), next string) {
	p := problem.As(err)
	if len(fs) > 0 || (p != nil && (p.Code == problem.Invalid || p.Code == problem.Conflict)) {
		fields := mergeFields(fs, err)
		if len(fields) == 0 {
			fields = []problem.Field{{Name: firstField, Message: p.Message}}
		}
		reshow(formStatus(err), fields)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// formStatus is the status of a form shown again with its problems: 409
// when its change lost to someone else's (a conflict: not the form's
// mistake), else 422.
func formStatus(err error) int {
	if problem.CodeOf(err) == problem.Conflict {
		return http.StatusConflict
	}
	return http.StatusUnprocessableEntity
}

// personParts reads the path's person through the store's one
// policy-checked read, with only the parts a page shows, answering the
// request itself (404, 403) when it cannot; detail names the page on the
// audit entry.
func (s *Server) personParts(w http.ResponseWriter, r *http.Request, u *requestUser, parts store.PersonParts, detail string) (store.PersonRecord, bool) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return store.PersonRecord{}, false
	}
	rec, err := s.db.ReadPersonParts(r.Context(), u.staff.Actor(), id, parts, detail)
	if err != nil {
		s.fail(w, r, err)
		return rec, false
	}
	return rec, true
}
