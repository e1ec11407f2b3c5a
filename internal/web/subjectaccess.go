package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/cradle-org/cradle/internal/docs"
	"github.com/cradle-org/cradle/internal/family"
	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/referral"
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
	Review   []subjectaccess.ReviewItem
}

// subjectAccessRecord reads the path's parent for their subject access
// request, answering the request itself when it cannot.
func (s *Server) subjectAccessRecord(w http.ResponseWriter, r *http.Request, u *requestUser) (store.PersonRecord, bool) {
	if !s.may(w, r, u, policy.ExportSubjectAccess) {
		return store.PersonRecord{}, false
	}
	rec, ok := s.personParts(w, r, u, store.PersonSubjectAccess, "subject access request")
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
		Data: subjectAccessData{Person: rec.Person, Family: rec.Family, Withheld: subjectaccess.Withheld(), Review: subjectaccess.ForReview(rec)}})
}

// subjectAccessDownload sends the parent's own record as a PDF, or as JSON
// when asked (format=json), audited as prepared for review.
func (s *Server) subjectAccessDownload(w http.ResponseWriter, r *http.Request, u *requestUser) {
	rec, ok := s.subjectAccessRecord(w, r, u)
	if !ok {
		return
	}
	qs, err := s.questions()
	if err != nil {
		s.fail(w, r, fmt.Errorf("the DASH questions for the subject access export: %w", err))
		return
	}
	v := subjectaccess.PersonView(rec, qs, s.cfg.Now())
	e, err := subjectaccess.Render(r.PostForm.Get("format"), v, docs.SubjectAccess(v))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.db.RecordEvent(r.Context(), "person.subject_access", "person", rec.Person.ID, rec.Family.ID, "prepared for review, downloaded as "+e.Ext); err != nil {
		s.fail(w, r, err)
		return
	}
	sendExport(w, "subject-access-"+rec.Family.Reference+"-"+strconv.FormatInt(rec.Person.ID, 10), e)
}

// sendExport answers with a subject access export as a file to download.
func sendExport(w http.ResponseWriter, name string, e subjectaccess.Export) {
	w.Header().Set("Content-Type", e.ContentType)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.`+e.Ext+`"`)
	send(w, e.Body)
}

// A parent named in a referral never accepted has no record but the
// referral: the lead chooses which parent it names and downloads what it
// holds about them (subjectaccess.ReferralView).

type referralSubjectAccessData struct {
	Ref     store.ReferralRecord
	Parents []referral.Option // the parents it names, 1 and 2
}

// referralForSubjectAccess reads the path's referral for a parent's
// subject access request (parent 0 while none is chosen), answering the
// request itself when it cannot (an accepted one among them).
func (s *Server) referralForSubjectAccess(w http.ResponseWriter, r *http.Request, u *requestUser, parent int) (store.ReferralRecord, bool) {
	if !s.may(w, r, u, policy.ExportSubjectAccess) {
		return store.ReferralRecord{}, false
	}
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return store.ReferralRecord{}, false
	}
	rec, err := s.db.ReferralForSubjectAccess(r.Context(), u.staff.Actor(), id, parent)
	if err != nil {
		s.fail(w, r, err)
		return rec, false
	}
	return rec, true
}

func (s *Server) referralSubjectAccessPage(w http.ResponseWriter, r *http.Request, u *requestUser) {
	rec, ok := s.referralForSubjectAccess(w, r, u, 0)
	if !ok {
		return
	}
	s.showReferralSubjectAccess(w, r, rec, http.StatusOK, nil)
}

func (s *Server) showReferralSubjectAccess(w http.ResponseWriter, r *http.Request, rec store.ReferralRecord, status int, fs problem.Fields) {
	d := referralSubjectAccessData{Ref: rec}
	for i, p := range []referral.Parent{rec.Content.Parent1, rec.Content.Parent2} {
		if strings.TrimSpace(p.GivenName+p.FamilyName) != "" {
			label := p.Name()
			if i == 0 && rec.Source == referral.Self {
				label += " (who referred themselves)"
			}
			d.Parents = append(d.Parents, referral.Option{Value: strconv.Itoa(i + 1), Label: label})
		}
	}
	s.render(w, r, status, "referral-subject-access", Page{Title: "Prepare a subject access request", Nav: "referrals", Errors: fs, Form: r.PostForm, Data: d})
}

// referralSubjectAccessDownload sends what the referral holds about the
// chosen parent, as PDF or JSON; the read is audited for that parent.
func (s *Server) referralSubjectAccessDownload(w http.ResponseWriter, r *http.Request, u *requestUser) {
	parent, _ := strconv.Atoi(r.PostForm.Get("parent"))
	if parent != 1 && parent != 2 {
		rec, ok := s.referralForSubjectAccess(w, r, u, 0)
		if ok {
			s.showReferralSubjectAccess(w, r, rec, http.StatusUnprocessableEntity, problem.Fields{{Name: "parent", Message: "Select the parent who asked"}})
		}
		return
	}
	rec, ok := s.referralForSubjectAccess(w, r, u, parent)
	if !ok {
		return
	}
	v, named := subjectaccess.ReferralView(rec, parent, s.cfg.Now())
	if !named {
		s.showReferralSubjectAccess(w, r, rec, http.StatusUnprocessableEntity, problem.Fields{{Name: "parent", Message: "Select a parent the referral names"}})
		return
	}
	e, err := subjectaccess.Render(r.PostForm.Get("format"), v, docs.ReferralSubjectAccess(v))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sendExport(w, "subject-access-"+rec.Reference+"-parent-"+strconv.Itoa(parent), e)
}
