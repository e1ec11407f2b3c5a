package web

import (
	"net/http"
	"strconv"

	"github.com/cradle-org/cradle/internal/audit"
	"github.com/cradle-org/cradle/internal/eligibility"
	"github.com/cradle-org/cradle/internal/family"
	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/store"
)

func (s *Server) publicHome(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "public-home", Page{Title: "Support for expectant co-parents", Public: true, Nav: "public"})
}

func (s *Server) accessibility(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "accessibility", Page{Title: "Accessibility statement", Public: userOf(r) == nil})
}

type homeData struct {
	Actions []link
}

type link struct{ Href, Label, Description string }

func (s *Server) home(w http.ResponseWriter, r *http.Request, u *requestUser) {
	var d homeData
	a := u.staff.Actor()
	switch u.staff.Role {
	case policy.Practitioner, policy.TeamManager, policy.DSL:
		d.Actions = append(d.Actions, link{"/caseload", "Caseload", "Families you work with or oversee"})
	}
	if policy.Can(a, policy.ViewAuditLog, policy.Target{}, s.cfg.Now()) {
		d.Actions = append(d.Actions, link{"/audit", "Audit log", "Every sign-in, record viewed and change made"})
	}
	s.render(w, r, http.StatusOK, "home", Page{Title: "Home", Nav: "home", Data: d})
}

type caseloadData struct {
	Families []store.CaseloadEntry
}

func (s *Server) caseload(w http.ResponseWriter, r *http.Request, u *requestUser) {
	list, err := s.db.Caseload(r.Context(), u.staff.Actor())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "caseload", Page{Title: "Caseload", Nav: "caseload", Data: caseloadData{Families: list}})
}

func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, problem.New(problem.NotFound, "There is no such record. Check the address and try again")
	}
	return id, nil
}

type familyData struct {
	Family       family.Family
	Gestation    string
	CanSeeAudit  bool
	ParentsShown []family.Person
}

func (s *Server) familyPage(w http.ResponseWriter, r *http.Request, u *requestUser) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f, err := s.db.ReadFamily(r.Context(), u.staff.Actor(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	now := s.cfg.Now()
	d := familyData{Family: f, ParentsShown: f.Parents(),
		CanSeeAudit: policy.Can(u.staff.Actor(), policy.ViewRecordAudit, f.Target(), now)}
	if !f.EDD.IsZero() && f.Stage != family.Closed {
		if _, born := f.Baby(); !born || f.Stage == family.Referral || f.Stage == family.Assessment || f.Stage == family.Antenatal {
			d.Gestation = eligibility.GestationOn(f.EDD, now).String() + " weeks"
		}
	}
	s.render(w, r, http.StatusOK, "family", Page{Title: "Family " + f.Reference, Nav: "caseload", Data: d})
}

type auditData struct {
	Reference string
	FamilyID  int64
	Entries   []audit.Entry
	Whole     bool
}

// readActions are the audit actions that mean someone looked at a record.
var readActions = []string{"family.view", "person.view", "person.confidential.override_view"}

func (s *Server) familyAudit(w http.ResponseWriter, r *http.Request, u *requestUser) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	t, ref, err := s.db.FamilyTarget(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if d := policy.Decide(u.staff.Actor(), policy.ViewRecordAudit, t, s.cfg.Now()); !d.Allowed {
		s.fail(w, r, problem.New(problem.Forbidden, "%s", d.Reason))
		return
	}
	entries, err := s.db.AuditEntries(r.Context(), store.AuditFilter{FamilyID: id, Actions: readActions, Limit: 200})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.db.RecordEvent(r.Context(), "audit.record.view", "family", id, id, ""); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "audit", Page{Title: "Who looked at family " + ref, Nav: "caseload",
		Data: auditData{Reference: ref, FamilyID: id, Entries: entries}})
}

func (s *Server) auditLog(w http.ResponseWriter, r *http.Request, u *requestUser) {
	if d := policy.Decide(u.staff.Actor(), policy.ViewAuditLog, policy.Target{}, s.cfg.Now()); !d.Allowed {
		s.fail(w, r, problem.New(problem.Forbidden, "%s", d.Reason))
		return
	}
	var before int64
	if b := r.URL.Query().Get("before"); b != "" {
		before, _ = strconv.ParseInt(b, 10, 64) // a bad value just shows the newest page
	}
	entries, err := s.db.AuditEntries(r.Context(), store.AuditFilter{BeforeID: before, Limit: 100})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.db.RecordEvent(r.Context(), "audit.log.view", "", 0, 0, ""); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "audit", Page{Title: "Audit log", Nav: "audit", Data: auditData{Entries: entries, Whole: true}})
}
