package web

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/cradle-org/cradle/internal/docs"
	"github.com/cradle-org/cradle/internal/family"
	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/store"
	"github.com/cradle-org/cradle/internal/subjectaccess"
)

// A designated safeguarding lead prepares a parent's subject access
// request from their page, as `cradle sar` does from the command line and
// with the same content (package subjectaccess): the parent's own record,
// as a PDF or JSON download, for the lead to review before it is released.

type subjectAccessData struct {
	Person   family.Person
	Family   family.Family
	Withheld []string
}

// subjectAccessRecord reads the path's parent for their subject access
// request, answering the request itself when it cannot.
func (s *Server) subjectAccessRecord(w http.ResponseWriter, r *http.Request, u *requestUser) (store.PersonRecord, bool) {
	if !s.may(w, r, u, policy.ExportSubjectAccess) {
		return store.PersonRecord{}, false
	}
	rec, ok := s.personParts(w, r, u, store.PersonPage|store.PersonClosings, "subject access request")
	if !ok {
		return rec, false
	}
	if rec.Person.Kind != family.Parent {
		s.fail(w, r, problem.New(problem.Invalid, "A child's record is asked for through a parent with parental responsibility, and needs a review of its own: it cannot be prepared here"))
		return rec, false
	}
	return rec, true
}

func (s *Server) subjectAccessPage(w http.ResponseWriter, r *http.Request, u *requestUser) {
	rec, ok := s.subjectAccessRecord(w, r, u)
	if !ok {
		return
	}
	s.render(w, r, http.StatusOK, "subject-access", Page{Title: "Prepare a subject access request", Nav: "caseload",
		Data: subjectAccessData{Person: rec.Person, Family: rec.Family, Withheld: subjectaccess.Withheld()}})
}

// subjectAccessDownload sends the parent's own record as a PDF, or as JSON
// when asked (format=json), audited as prepared for review.
func (s *Server) subjectAccessDownload(w http.ResponseWriter, r *http.Request, u *requestUser) {
	rec, ok := s.subjectAccessRecord(w, r, u)
	if !ok {
		return
	}
	v := subjectaccess.PersonView(rec, s.cfg.Now())
	name := "subject-access-" + rec.Family.Reference + "-" + strconv.FormatInt(rec.Person.ID, 10)
	var body []byte
	var err error
	format := "pdf"
	if r.PostForm.Get("format") == "json" {
		format = "json"
		body, err = json.MarshalIndent(v, "", "  ")
	} else {
		body, err = docs.PDF(docs.SubjectAccess(v))
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.db.RecordEvent(r.Context(), "person.subject_access", "person", rec.Person.ID, rec.Family.ID, "prepared for review, downloaded as "+format); err != nil {
		s.fail(w, r, err)
		return
	}
	if format == "json" {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
	} else {
		w.Header().Set("Content-Type", "application/pdf")
	}
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.`+format+`"`)
	send(w, body)
}
