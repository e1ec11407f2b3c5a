package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/cradle-org/cradle/internal/casework"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/store"
)

// sessionData is the page of one session or case note: as it stands, its
// earlier versions, and for its author or a team manager the forms that
// correct it or remove it as entered in error.
type sessionData struct {
	store.SessionRecord
	Modules []casework.Option
	Version int    // the version the forms were opened at
	Changed bool   // someone else changed it meanwhile: the editor's text is shown again
	Done    string // "corrected" or "removed", after a change (a banner)
}

// JointAsked is whether the correction form asks if it was a joint
// session: when joint sessions are safe now, or it was recorded as one.
func (d sessionData) JointAsked() bool { return d.JointSafe || d.Session.Joint }

// ModuleHint is none on a correction: the session's module was chosen
// when it was recorded.
func (d sessionData) ModuleHint() string { return "" }

// Title is the session's name on its page.
func (d sessionData) Title() string {
	if d.Session.Kind == "supervision" {
		return "Supervision note of " + formatDate(d.Session.HeldOn)
	}
	return "Session on " + formatDate(d.Session.HeldOn)
}

// sessionIDs reads the person's and the session's ids from the path.
func sessionIDs(r *http.Request) (personID, sessionID int64, err error) {
	if personID, err = pathID(r); err != nil {
		return 0, 0, err
	}
	sessionID, err = strconv.ParseInt(r.PathValue("sid"), 10, 64)
	if err != nil || sessionID <= 0 {
		return 0, 0, problem.New(problem.NotFound, "There is no such session on this record")
	}
	return personID, sessionID, nil
}

// sessionShow shows one session or case note with its history; its author
// (while the parent is theirs) or a team manager sees the forms to correct
// or remove it, filled in with it as it stands.
func (s *Server) sessionShow(w http.ResponseWriter, r *http.Request, u *requestUser) {
	done := r.URL.Query().Get("done")
	if done != "corrected" && done != "removed" {
		done = ""
	}
	s.showSession(w, r, u, http.StatusOK, nil, nil, 0, false, done)
}

// showSession renders the session's page: with form (the typed values) and
// errs after a failed change, else the session's own values in the forms;
// version is the one the editor opened (0: the session's), changed that
// someone else's change came first.
func (s *Server) showSession(w http.ResponseWriter, r *http.Request, u *requestUser, status int, errs []problem.Field, form url.Values,
	version int, changed bool, done string) {
	personID, sessionID, err := sessionIDs(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rec, err := s.db.ReadSession(r.Context(), u.staff.Actor(), personID, sessionID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if errs != nil && !rec.MayCorrect && rec.Removed == nil {
		// A form's own problems are shown only to one who could change
		// the session; anyone else is refused as the change would be.
		s.fail(w, r, problem.New(problem.Forbidden, "only a note's author, or a team manager, can correct or remove it"))
		return
	}
	if version == 0 || changed {
		version = rec.Session.Version
	}
	if form == nil {
		form = sessionForm(rec.Session)
	}
	d := sessionData{SessionRecord: rec, Modules: s.modules(), Version: version, Changed: changed, Done: done}
	s.render(w, r, status, "session", Page{Title: d.Title(), Nav: "caseload", Errors: errs, Form: form, Data: d})
}

// sessionForm is a session's values as the correction form's.
func sessionForm(sess casework.Session) url.Values {
	yes := func(b bool) string {
		if b {
			return "yes"
		}
		return "no"
	}
	f := url.Values{"minutes": {strconv.Itoa(sess.Minutes)}, "mode": {sess.Mode}, "attendance": {sess.Attendance}, "module": {sess.Module},
		"topic": {sess.Topic}, "notes": {sess.Notes}, "reason": {sess.Reason}, "confidential": {yes(sess.Confidential)}, "joint": {yes(sess.Joint)}}
	if !sess.HeldOn.IsZero() {
		f.Set("held_on-day", strconv.Itoa(sess.HeldOn.Day()))
		f.Set("held_on-month", strconv.Itoa(int(sess.HeldOn.Month())))
		f.Set("held_on-year", strconv.Itoa(sess.HeldOn.Year()))
	}
	return f
}

// sessionFromForm reads a session's fields as the record and correction
// forms post them, recording in fs the problems only the form can see (a
// date that is no date, a duration that is no number). A supervision note
// has its text only.
func (s *Server) sessionFromForm(f url.Values, fs *problem.Fields, supervision bool) casework.Session {
	if supervision {
		return casework.Session{Kind: "supervision", Notes: f.Get("notes")}
	}
	minutes, convErr := strconv.Atoi(strings.TrimSpace(f.Get("minutes")))
	if convErr != nil && strings.TrimSpace(f.Get("minutes")) != "" {
		fs.Add("minutes", "Enter the duration as a number of minutes, like 60")
	}
	sess := casework.Session{HeldOn: formDate(f, "held_on", fs), Minutes: minutes, Mode: f.Get("mode"), Attendance: f.Get("attendance"),
		Module: f.Get("module"), Topic: f.Get("topic"), Notes: f.Get("notes"), Reason: f.Get("reason"),
		Joint: f.Get("joint") == "yes", Confidential: formYes(f, "confidential", "this note is confidential from the other parent's practitioner", fs)}
	if len(*fs) > 0 && sess.HeldOn.IsZero() {
		sess.HeldOn = s.cfg.Now() // keep validation from repeating the date problem
	}
	return sess
}

// formProblems are the form's own problems (fs) with the rest of the
// session's, so that every problem is shown at once, and nothing saved:
// checked without the family's facts (the day it was accepted, whether
// joint sessions are safe), which the save checks once the form's own are
// put right.
func (s *Server) formProblems(sess casework.Session, fs problem.Fields) problem.Fields {
	if sess.Kind != "supervision" {
		fs = mergeFields(fs, sess.Validate(casework.Context{Today: s.cfg.Now(), Modules: s.modules(), JointSafe: true}))
	}
	return fs
}

// sessionCorrect saves a correction; its problems, or someone else's change
// first, show the page again with what was typed.
func (s *Server) sessionCorrect(w http.ResponseWriter, r *http.Request, u *requestUser) {
	personID, sessionID, err := sessionIDs(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := r.PostForm
	// Removed by someone else meanwhile, the page has no correction form
	// to show the typed text back in.
	notes := "Notes"
	if f.Get("kind") == "supervision" {
		notes = "Supervision note"
	}
	r = keepUnsaved(r, unsavedText{Field: "topic", Label: "Topic", Text: f.Get("topic")}, unsavedText{Field: "notes", Label: notes, Text: f.Get("notes")},
		unsavedText{Field: "reason", Label: "If the session did not happen, why?", Text: f.Get("reason")},
		unsavedText{Field: "why", Label: "Why are you correcting it?", Text: f.Get("why")})
	version, _ := strconv.Atoi(f.Get("version"))
	var fs problem.Fields
	sess := s.sessionFromForm(f, &fs, f.Get("kind") == "supervision")
	if len(fs) > 0 {
		why := f.Get("why")
		err = s.formProblems(sess, mergeFields(fs, casework.CheckCorrectionWhy(&why))).Err()
	} else {
		err = s.db.CorrectSession(r.Context(), u.staff.Actor(),
			store.SessionCorrection{PersonID: personID, SessionID: sessionID, Version: version, Session: sess, Why: f.Get("why")}, s.modules())
	}
	if s.sessionChangeRefused(w, r, u, err, version, "held_on") {
		return
	}
	http.Redirect(w, r, sessionPath(personID, sessionID)+"?done=corrected", http.StatusSeeOther) // #nosec G710 -- a path on this site built from two parsed numbers
}

// sessionRemove removes a session as entered in error, with the reason.
func (s *Server) sessionRemove(w http.ResponseWriter, r *http.Request, u *requestUser) {
	personID, sessionID, err := sessionIDs(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r = keepUnsaved(r, unsavedText{Field: "remove_why", Label: "Why was it entered in error?", Text: r.PostForm.Get("remove_why")})
	version, _ := strconv.Atoi(r.PostForm.Get("version"))
	err = renameField(s.db.RemoveSession(r.Context(), u.staff.Actor(), personID, sessionID, version, r.PostForm.Get("remove_why")), "why", "remove_why")
	if s.sessionChangeRefused(w, r, u, err, version, "remove_why") {
		return
	}
	http.Redirect(w, r, sessionPath(personID, sessionID)+"?done=removed", http.StatusSeeOther) // #nosec G710 -- a path on this site built from two parsed numbers
}

// sessionChangeRefused answers a correction or removal that did not save:
// its problems, or a conflict, shown on the session's page with what was
// typed; any other error as an error page. It reports whether it answered.
func (s *Server) sessionChangeRefused(w http.ResponseWriter, r *http.Request, u *requestUser, err error, version int, first string) bool {
	if err == nil {
		return false
	}
	p := problem.As(err)
	switch {
	case p != nil && p.Code == problem.Invalid:
		fields := p.Fields
		if len(fields) == 0 {
			fields = []problem.Field{{Name: first, Message: p.Message}}
		}
		s.showSession(w, r, u, http.StatusUnprocessableEntity, inPageOrder(fields, sessionOrder...), r.PostForm, version, false, "")
	case p != nil && p.Code == problem.Conflict:
		// Shown beside the session as it now stands (or its removal).
		s.showSession(w, r, u, http.StatusConflict, []problem.Field{{Name: "session", Message: p.Message}}, r.PostForm, version, true, "")
	default:
		s.fail(w, r, err)
	}
	return true
}

// sessionOrder is the correction form's fields in page order, then the
// removal's, for the error summary.
var sessionOrder = []string{"held_on", "minutes", "mode", "attendance", "module", "topic", "notes", "reason", "confidential", "joint", "why", "remove_why"}

func sessionPath(personID, sessionID int64) string {
	return "/people/" + strconv.FormatInt(personID, 10) + "/sessions/" + strconv.FormatInt(sessionID, 10)
}
