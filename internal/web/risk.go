package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/risk"
	"github.com/cradle-org/cradle/internal/store"
)

type dashData struct {
	Person    store.PersonRecord
	Questions []risk.Question
	ID        int64
	Version   int
	Levels    []riskOption
}

type riskOption struct{ Value, Label string }

func riskLevels() []riskOption {
	return []riskOption{{"", "No professional judgement"}, {"standard", "Standard"}, {"medium", "Medium"}, {"high", "High"}}
}

func (s *Server) dashForm(w http.ResponseWriter, r *http.Request, u *requestUser) {
	rec, ok := s.personFor(w, r, u)
	if !ok {
		return
	}
	if !rec.CanEdit {
		s.fail(w, r, problem.New(problem.Forbidden, "only this parent's own practitioner or a team manager can complete their risk assessment"))
		return
	}
	form := url.Values{}
	var rid int64
	var version int
	// Continue the latest draft, if there is one.
	for _, ra := range rec.Risk {
		if ra.Status == "draft" && ra.Assessment != nil {
			rid, version = ra.ID, ra.Version
			for n, a := range ra.Assessment.Answers {
				form.Set("question-"+strconv.Itoa(n), string(a))
			}
			for n, c := range ra.Assessment.Context {
				form.Set("context-"+strconv.Itoa(n), c)
			}
			form.Set("parent-view", ra.Assessment.ParentView)
			form.Set("judged-level", string(ra.Assessment.JudgedLevel))
			form.Set("judgement-reason", ra.Assessment.JudgementReason)
			break
		}
	}
	s.renderDash(w, r, http.StatusOK, rec, rid, version, form, nil)
}

func (s *Server) renderDash(w http.ResponseWriter, r *http.Request, status int, rec store.PersonRecord, rid int64, version int, form url.Values, errs problem.Fields) {
	qs, err := s.questions()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, status, "dash", Page{Title: "Risk assessment (DASH)", Nav: "caseload", Errors: errs, Form: form,
		Data: dashData{Person: rec, Questions: qs.Questions, ID: rid, Version: version, Levels: riskLevels()}})
}

func (s *Server) questions() (risk.QuestionSet, error) {
	if len(s.cfg.Questions.Questions) > 0 {
		return s.cfg.Questions, nil
	}
	return risk.DefaultQuestions()
}

func (s *Server) dashSave(w http.ResponseWriter, r *http.Request, u *requestUser) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := r.PostForm
	a := risk.Assessment{Answers: map[int]risk.Answer{}, Context: map[int]string{}, ParentView: f.Get("parent-view"),
		JudgedLevel: risk.Level(f.Get("judged-level")), JudgementReason: f.Get("judgement-reason")}
	for n := 1; n <= risk.NumQuestions; n++ {
		if v := f.Get("question-" + strconv.Itoa(n)); v != "" {
			a.Answers[n] = risk.Answer(v)
		}
		if c := strings.TrimSpace(f.Get("context-" + strconv.Itoa(n))); c != "" {
			a.Context[n] = c
		}
	}
	rid, _ := strconv.ParseInt(f.Get("assessment"), 10, 64)
	version, _ := strconv.Atoi(f.Get("version"))
	complete := f.Get("action") == "complete"
	_, err = s.db.SaveRiskAssessment(r.Context(), u.staff.Actor(), id, rid, version, a, complete, s.db.RiskSettings())
	if p := problem.As(err); p != nil && (p.Code == problem.Invalid || p.Code == problem.Conflict) {
		rec, rerr := s.db.ReadPerson(r.Context(), u.staff.Actor(), id)
		if rerr != nil {
			s.fail(w, r, rerr)
			return
		}
		// A problem with the answers as a whole (some unanswered) points at
		// the first question without an answer, so the summary link lands on it.
		first := "question-1"
		for n := 1; n <= risk.NumQuestions; n++ {
			if a.Answers[n] == "" {
				first = "question-" + strconv.Itoa(n)
				break
			}
		}
		var fields []problem.Field
		for _, fd := range p.Fields {
			if fd.Name == "answers" {
				fd.Name = first
			}
			fields = append(fields, fd)
		}
		if len(fields) == 0 {
			fields = []problem.Field{{Name: first, Message: p.Message}}
		}
		s.renderDash(w, r, http.StatusUnprocessableEntity, rec, rid, version, f, fields)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/people/"+strconv.FormatInt(id, 10)+"#risk", http.StatusSeeOther)
}

func (s *Server) incidentCreate(w http.ResponseWriter, r *http.Request, u *requestUser) {
	s.personPost(w, r, u, "incident", "occurred_on", "#risk", func(id int64, f url.Values, fs *problem.Fields) error {
		in := store.Incident{PersonID: id, OccurredOn: formDate(f, "occurred_on", fs), ReportedBy: f.Get("reported_by"), Details: f.Get("details"),
			PoliceInvolved: f.Get("police_involved") == "yes", Injuries: f.Get("injuries") == "yes", ChildrenPresent: f.Get("children_present") == "yes"}
		if len(*fs) > 0 {
			return nil
		}
		return s.db.RecordIncident(r.Context(), u.staff.Actor(), in)
	})
}

func (s *Server) maracCreate(w http.ResponseWriter, r *http.Request, u *requestUser) {
	s.personPost(w, r, u, "marac", "referred_on", "#risk", func(id int64, f url.Values, fs *problem.Fields) error {
		m := store.MARACReferral{ReferredOn: formDate(f, "referred_on", fs), Area: f.Get("marac_area"), Outcome: f.Get("marac_outcome"), Actions: f.Get("marac_actions")}
		if len(*fs) > 0 {
			return nil
		}
		return s.db.RecordMARAC(r.Context(), u.staff.Actor(), id, m)
	})
}

type safetyData struct {
	Person   store.PersonRecord
	Version  int
	Sections [][2]string
	Existing bool
}

func (s *Server) safetyForm(w http.ResponseWriter, r *http.Request, u *requestUser) {
	rec, ok := s.personFor(w, r, u)
	if !ok {
		return
	}
	if !rec.CanEdit || !rec.CanSeeConf {
		s.fail(w, r, problem.New(problem.Forbidden, "a safety plan is seen and changed only by this parent's own practitioner, team managers and safeguarding leads"))
		return
	}
	form := url.Values{}
	d := safetyData{Person: rec, Sections: store.SafetyPlanSectionNames()}
	if sp := rec.SafetyPlan; sp != nil && sp.Sections != nil {
		d.Version, d.Existing = sp.Version, true
		x := sp.Sections
		for k, v := range map[string]string{"safe_contacts": x.SafeContacts, "safe_places": x.SafePlaces, "code_words": x.CodeWords,
			"escape_plan": x.EscapePlan, "baby_plan": x.BabyPlan, "technology_safety": x.TechnologySafety} {
			form.Set(k, v)
		}
		splitDate(form, "review_on", sp.ReviewOn.Format("2006-01-02"))
	}
	s.render(w, r, http.StatusOK, "safety-plan", Page{Title: "Safety plan", Nav: "caseload", Form: form, Data: d})
}

func (s *Server) safetySave(w http.ResponseWriter, r *http.Request, u *requestUser) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := r.PostForm
	var fs problem.Fields
	sec := store.SafetyPlanSections{SafeContacts: f.Get("safe_contacts"), SafePlaces: f.Get("safe_places"), CodeWords: f.Get("code_words"),
		EscapePlan: f.Get("escape_plan"), BabyPlan: f.Get("baby_plan"), TechnologySafety: f.Get("technology_safety")}
	review := formDate(f, "review_on", &fs)
	version, _ := strconv.Atoi(f.Get("version"))
	if len(fs) == 0 {
		err = s.db.SaveSafetyPlan(r.Context(), u.staff.Actor(), id, version, sec, review, f.Get("changes"))
	}
	if p := problem.As(err); len(fs) > 0 || (p != nil && (p.Code == problem.Invalid || p.Code == problem.Conflict)) {
		rec, rerr := s.db.ReadPerson(r.Context(), u.staff.Actor(), id)
		if rerr != nil {
			s.fail(w, r, rerr)
			return
		}
		fields := mergeFields(fs, err)
		if len(fields) == 0 && p != nil {
			fields = []problem.Field{{Name: "safe_contacts", Message: p.Message}}
		}
		status := http.StatusUnprocessableEntity
		if p != nil && p.Code == problem.Conflict {
			status = http.StatusConflict
		}
		s.render(w, r, status, "safety-plan", Page{Title: "Safety plan", Nav: "caseload", Errors: fields, Form: f,
			Data: safetyData{Person: rec, Version: version, Sections: store.SafetyPlanSectionNames(), Existing: version > 0}})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/people/"+strconv.FormatInt(id, 10)+"#safety", http.StatusSeeOther)
}

func (s *Server) childRiskCreate(w http.ResponseWriter, r *http.Request, u *requestUser) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := r.PostForm
	c := risk.ChildRisk{Concerns: strings.TrimSpace(f.Get("child_concerns")), Level: risk.Level(f.Get("child_level")), Plan: strings.TrimSpace(f.Get("child_plan"))}
	err = s.db.RecordChildRisk(r.Context(), u.staff.Actor(), id, 0, c)
	if p := problem.As(err); p != nil && p.Code == problem.Invalid {
		// The risk package names fields concerns, level, plan; the form prefixes them.
		var fields []problem.Field
		for _, pe := range risk.Problems(err) {
			fields = append(fields, problem.Field{Name: "child_" + pe.Field, Message: pe.Message})
		}
		if len(fields) == 0 {
			fields = p.Fields
		}
		s.showFamily(w, r, u, http.StatusUnprocessableEntity, fields, "child-risk")
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/families/"+strconv.FormatInt(id, 10)+"#risk", http.StatusSeeOther)
}
