package web

import (
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/risk"
	"github.com/cradle-org/cradle/internal/store"
)

type dashData struct {
	Person    store.PersonRecord
	Questions []risk.Question // this part's
	ID        int64
	Version   int
	Levels    []riskOption
	Part      int // 1-based
	Parts     int
	Of        int // how many questions in all
}

// Last says whether this is the last part: the one with the parent's view,
// the professional judgement and the button that completes the assessment.
func (d dashData) Last() bool { return d.Part == d.Parts }

type riskOption struct{ Value, Label string }

func riskLevels() []riskOption {
	return []riskOption{{"", "No professional judgement"}, {"standard", "Standard"}, {"medium", "Medium"}, {"high", "High"}}
}

// dashPartSize is how many DASH questions one page of the form asks. The
// form is in parts, each saved as a draft when the practitioner goes on:
// all 24 questions on one page were 44 KB of HTML, and a long form is
// easier to take in (and less to lose) a part at a time.
const dashPartSize = 8

// dashParts is how many parts the question set makes.
func dashParts(questions int) int { return max(1, (questions+dashPartSize-1)/dashPartSize) }

// dashPartOf is the part that asks question n (1-based).
func dashPartOf(n int) int { return (n-1)/dashPartSize + 1 }

func (s *Server) dashForm(w http.ResponseWriter, r *http.Request, u *requestUser) {
	rec, ok := s.personParts(w, r, u, store.PersonRisk, "risk assessment form")
	if !ok {
		return
	}
	if !rec.CanEdit {
		s.fail(w, r, problem.New(problem.Forbidden, "only this parent's own practitioner or a team manager can complete their risk assessment"))
		return
	}
	qs, err := s.questions()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	parts := dashParts(len(qs.Questions))
	part := 0
	if v := r.URL.Query().Get("part"); v != "" {
		if part, err = strconv.Atoi(v); err != nil || part < 1 || part > parts {
			s.fail(w, r, problem.New(problem.NotFound, "There is no such part of the risk assessment. Start again from the parent's page"))
			return
		}
	}
	form := url.Values{}
	var rid int64
	var version int
	// Continue the latest draft, if there is one, at its first unanswered
	// question unless a part was asked for.
	if d := latestDraft(rec); d != nil {
		rid, version = d.ID, d.Version
		form = assessmentForm(*d.Assessment)
		if part == 0 {
			part = parts
			if n := firstUnanswered(*d.Assessment, len(qs.Questions)); n > 0 {
				part = dashPartOf(n)
			}
		}
	}
	s.renderDash(w, r, http.StatusOK, rec, qs, max(part, 1), rid, version, form, nil)
}

// latestDraft is the parent's draft assessment being continued, if any.
func latestDraft(rec store.PersonRecord) *store.RiskRecord {
	for i, ra := range rec.Risk {
		if ra.Status == "draft" && ra.Assessment != nil {
			return &rec.Risk[i]
		}
	}
	return nil
}

// assessmentForm is an assessment as the form's values.
func assessmentForm(a risk.Assessment) url.Values {
	form := url.Values{}
	for n, ans := range a.Answers {
		if ans != "" {
			form.Set("question-"+strconv.Itoa(n), string(ans))
		}
	}
	for n, c := range a.Context {
		form.Set("context-"+strconv.Itoa(n), c)
	}
	form.Set("parent-view", a.ParentView)
	form.Set("judged-level", string(a.JudgedLevel))
	form.Set("judgement-reason", a.JudgementReason)
	return form
}

// firstUnanswered is the first question of n without an answer, or 0.
func firstUnanswered(a risk.Assessment, n int) int {
	for q := 1; q <= n; q++ {
		if a.Answers[q] == "" {
			return q
		}
	}
	return 0
}

func (s *Server) renderDash(w http.ResponseWriter, r *http.Request, status int, rec store.PersonRecord, qs risk.QuestionSet, part int, rid int64, version int, form url.Values, errs problem.Fields) {
	d := dashData{Person: rec, ID: rid, Version: version, Levels: riskLevels(), Part: part, Parts: dashParts(len(qs.Questions)), Of: len(qs.Questions)}
	d.Questions = qs.Questions[(part-1)*dashPartSize : min(part*dashPartSize, len(qs.Questions))]
	s.render(w, r, status, "dash", Page{Title: "Risk assessment (DASH), part " + strconv.Itoa(part) + " of " + strconv.Itoa(d.Parts), Nav: "caseload", Errors: errs, Form: form, Data: d})
}

func (s *Server) questions() (risk.QuestionSet, error) {
	if len(s.cfg.Questions.Questions) > 0 {
		return s.cfg.Questions, nil
	}
	return risk.DefaultQuestions()
}

// dashSave saves one part of the DASH (the "part" field), merged into the
// draft it continues, or the whole form at once when no part is named (as
// a script might post it). "continue" saves a draft and goes on to the next
// part, "draft" saves one and goes back to the parent's page, "complete"
// completes the assessment, which needs every question answered.
func (s *Server) dashSave(w http.ResponseWriter, r *http.Request, u *requestUser) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	qs, err := s.questions()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := r.PostForm
	parts := dashParts(len(qs.Questions))
	part, first, last := 0, 1, len(qs.Questions)
	if v := f.Get("part"); v != "" {
		if part, err = strconv.Atoi(v); err != nil || part < 1 || part > parts {
			s.fail(w, r, problem.New(problem.Invalid, "This form's part is not one the risk assessment has. Go back to the parent's page and start again"))
			return
		}
		first, last = (part-1)*dashPartSize+1, min(part*dashPartSize, len(qs.Questions))
	}
	rid, _ := strconv.ParseInt(f.Get("assessment"), 10, 64)
	version, _ := strconv.Atoi(f.Get("version"))
	var rec store.PersonRecord
	a := risk.Assessment{Answers: map[int]risk.Answer{}, Context: map[int]string{}}
	if part > 0 && rid != 0 {
		// The other parts' answers are the draft's. The draft read is the
		// one this save replaces; if it has moved on since the form was
		// opened, the save's version check refuses.
		if rec, err = s.db.ReadPersonParts(r.Context(), u.staff.Actor(), id, store.PersonRisk, "risk assessment form"); err != nil {
			s.fail(w, r, err)
			return
		}
		for _, ra := range rec.Risk {
			if ra.ID == rid && ra.Status == "draft" && ra.Assessment != nil {
				d := ra.Assessment
				maps.Copy(a.Answers, d.Answers)
				maps.Copy(a.Context, d.Context)
				a.ParentView, a.JudgedLevel, a.JudgementReason = d.ParentView, d.JudgedLevel, d.JudgementReason
			}
		}
	}
	for n := first; n <= last; n++ {
		delete(a.Answers, n)
		delete(a.Context, n)
		if v := f.Get("question-" + strconv.Itoa(n)); v != "" {
			a.Answers[n] = risk.Answer(v)
		}
		if c := strings.TrimSpace(f.Get("context-" + strconv.Itoa(n))); c != "" {
			a.Context[n] = c
		}
	}
	if part == 0 || part == parts {
		a.ParentView, a.JudgedLevel, a.JudgementReason = f.Get("parent-view"), risk.Level(f.Get("judged-level")), f.Get("judgement-reason")
	}
	action := f.Get("action")
	complete := action == "complete" && (part == 0 || part == parts)
	_, err = s.db.SaveRiskAssessment(r.Context(), u.staff.Actor(), id, rid, version, a, complete, s.db.RiskSettings())
	p := problem.As(err)
	gap := firstUnanswered(a, len(qs.Questions))
	shown := part
	if complete && part > 0 && p != nil && p.Code == problem.Invalid && gap > 0 && (gap < first || gap > last) {
		// Unanswered questions in another part: keep this part's answers
		// as a draft, and show the part with the first of them.
		// (If that fails too, its problem is shown on this part instead.)
		if newID, err := s.db.SaveRiskAssessment(r.Context(), u.staff.Actor(), id, rid, version, a, false, s.db.RiskSettings()); err == nil {
			rid, version, shown = newID, version+1, dashPartOf(gap)
		} else if p = problem.As(err); p == nil {
			s.fail(w, r, err)
			return
		}
	}
	if p != nil && (p.Code == problem.Invalid || p.Code == problem.Conflict) {
		// Read for the page unless read already to merge the draft; after a
		// conflict, read again: the draft has moved on since.
		if rec.Person.ID == 0 || p.Code == problem.Conflict {
			if rec, err = s.db.ReadPersonParts(r.Context(), u.staff.Actor(), id, store.PersonRisk, "risk assessment form"); err != nil {
				s.fail(w, r, err)
				return
			}
		}
		if p.Code == problem.Conflict && rid != 0 {
			// Someone else's save: the form moves on to the draft's version
			// now (the page says so), and, sent again, replaces only this
			// part's answers. A draft completed or removed has none.
			for _, ra := range rec.Risk {
				if ra.ID == rid && ra.Status == "draft" {
					version = ra.Version
				}
			}
		}
		fields, status := dashFields(p, gap), http.StatusUnprocessableEntity
		if p.Code == problem.Conflict {
			// Someone else's save, or this form sent twice: no question's
			// problem. It links to the first question of the part shown.
			fields, status = []problem.Field{{Name: "question-" + strconv.Itoa(first), Message: p.Message}}, http.StatusConflict
		}
		if shown == 0 {
			// The whole form was posted: show the part its first problem is in.
			shown = dashPartOfField(fields[0].Name, parts)
		}
		form := assessmentForm(a)
		s.renderDash(w, r, status, rec, qs, shown, rid, version, form, fields)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	person := "/people/" + strconv.FormatInt(id, 10)
	if action == "continue" && part > 0 && part < parts {
		http.Redirect(w, r, person+"/dash?part="+strconv.Itoa(part+1), http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, person+"#risk", http.StatusSeeOther)
}

// dashFields names a save's problems by the form's fields. A problem with
// the answers as a whole (some unanswered) points at the first question
// without an answer, so the summary's link lands on it; the store's names
// for the text fields ("parent_view", "context_3") become the form's.
func dashFields(p *problem.Error, gap int) []problem.Field {
	var fields []problem.Field
	for _, fd := range p.Fields {
		switch {
		case fd.Name == "answers":
			fd.Name = "question-" + strconv.Itoa(max(gap, 1))
		case fd.Name == "parent_view", fd.Name == "judgement_reason", strings.HasPrefix(fd.Name, "context_"):
			fd.Name = strings.ReplaceAll(fd.Name, "_", "-")
		}
		fields = append(fields, fd)
	}
	if len(fields) == 0 {
		fields = []problem.Field{{Name: "question-" + strconv.Itoa(max(gap, 1)), Message: p.Message}}
	}
	return fields
}

// dashPartOfField is the part of the form that has the named field.
func dashPartOfField(name string, parts int) int {
	for _, prefix := range []string{"question-", "context-"} {
		if v, ok := strings.CutPrefix(name, prefix); ok {
			if n, err := strconv.Atoi(v); err == nil && n >= 1 {
				return min(dashPartOf(n), parts)
			}
		}
	}
	return parts // the parent's view and the judgement are on the last part
}

func (s *Server) incidentCreate(w http.ResponseWriter, r *http.Request, u *requestUser) {
	s.personPost(w, r, u, policy.EditConfidential, "incident", "occurred_on", "#risk", func(id int64, f url.Values, fs *problem.Fields) error {
		in := store.Incident{PersonID: id, OccurredOn: formDate(f, "occurred_on", fs), ReportedBy: f.Get("reported_by"), Details: f.Get("details"),
			PoliceInvolved: formYes(f, "police_involved", "the police were involved", fs), Injuries: formYes(f, "injuries", "there were injuries", fs),
			ChildrenPresent: formYes(f, "children_present", "children were present", fs)}
		if len(*fs) > 0 {
			// Shown with the incident's other problems, in the form's order.
			store.CheckIncident(&in, s.cfg.Now(), fs)
			*fs = inPageOrder(*fs, "occurred_on", "reported_by", "police_involved", "injuries", "children_present", "details")
			return nil
		}
		return s.db.RecordIncident(r.Context(), u.staff.Actor(), in)
	})
}

func (s *Server) changeCreate(w http.ResponseWriter, r *http.Request, u *requestUser) {
	s.personPost(w, r, u, policy.EditConfidential, "change", "change_kind", "#risk", func(id int64, f url.Values, fs *problem.Fields) error {
		c := risk.Change{Kind: f.Get("change_kind"), On: formDate(f, "changed_on", fs), Note: f.Get("change_note")}
		if len(*fs) > 0 {
			return nil
		}
		return s.db.RecordChange(r.Context(), u.staff.Actor(), id, c)
	})
}

func (s *Server) maracCreate(w http.ResponseWriter, r *http.Request, u *requestUser) {
	s.personPost(w, r, u, policy.EditConfidential, "marac", "referred_on", "#risk", func(id int64, f url.Values, fs *problem.Fields) error {
		m := store.MARACReferral{ReferredOn: formDate(f, "referred_on", fs), Area: f.Get("marac_area"), Outcome: f.Get("marac_outcome"), Actions: f.Get("marac_actions")}
		if len(*fs) > 0 {
			return nil
		}
		return s.db.RecordMARAC(r.Context(), u.staff.Actor(), id, m)
	})
}

// maracOutcome records what a parent's MARAC decided, from the form the
// link beside the referral opens on their page.
func (s *Server) maracOutcome(w http.ResponseWriter, r *http.Request, u *requestUser) {
	eid, ok := s.entryID(w, r, "MARAC referral")
	if !ok {
		return
	}
	s.personPost(w, r, u, policy.EditConfidential, maracOutcomeForm(eid), "marac_outcome", "#marac-referrals", func(id int64, f url.Values, _ *problem.Fields) error {
		return s.db.RecordMARACOutcome(r.Context(), u.staff.Actor(), id, eid, f.Get("marac_outcome"), f.Get("marac_actions"))
	})
}

// maracOutcomeForm names the outcome's form of MARAC referral id, the one
// the person page opens (?form=).
func maracOutcomeForm(id int64) string { return "marac-outcome-" + strconv.FormatInt(id, 10) }

type safetyData struct {
	Person   store.PersonRecord
	Version  int
	Sections [][2]string
	Existing bool
	// Plan is the saved plan (nil before the first), for its reviews and,
	// for a reader who may not change it, its sections.
	Plan *store.SafetyPlan
	// Changed: someone else saved the plan after this editor opened the
	// form. The plan as saved now is shown above the editor's text, and
	// the form carries its version: saving again keeps the editor's text
	// over it, knowingly.
	Changed bool
}

// safetyPlanView is a saved plan with its sections' names, for the
// "safety-plan-sections" template.
type safetyPlanView struct {
	Names [][2]string
	Plan  *store.SafetyPlan
}

func (s *Server) safetyForm(w http.ResponseWriter, r *http.Request, u *requestUser) {
	rec, ok := s.personParts(w, r, u, store.PersonSafetyPlan, "safety plan form")
	if !ok {
		return
	}
	// A safeguarding lead reads every parent's plan but changes none: the
	// page is then the plan and its reviews, without the form.
	if !rec.CanSeeConf {
		s.fail(w, r, problem.New(problem.Forbidden, "a safety plan is seen only by this parent's own practitioner, team managers and safeguarding leads, and written by the first two"))
		return
	}
	form := url.Values{}
	d := safetyData{Person: rec, Sections: store.SafetyPlanSectionNames(), Plan: rec.SafetyPlan}
	if sp := rec.SafetyPlan; sp != nil && sp.Sections != nil {
		d.Version, d.Existing = sp.Version, true
		for _, sec := range d.Sections {
			form.Set(sec[0], sp.Sections.Section(sec[0]))
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
	// Refused because the case closed meanwhile, the page has no form to
	// show the plan typed back in: it is kept to copy.
	var typed []unsavedText
	for _, n := range store.SafetyPlanSectionNames() {
		typed = append(typed, unsavedText{Field: n[0], Label: n[1], Text: f.Get(n[0])})
	}
	r = keepUnsaved(r, append(typed, unsavedText{Field: "changes", Label: "What has changed in this review?", Text: f.Get("changes")})...)
	var fs problem.Fields
	sec := store.SafetyPlanSections{SafeContacts: f.Get("safe_contacts"), SafePlaces: f.Get("safe_places"), CodeWords: f.Get("code_words"),
		EscapePlan: f.Get("escape_plan"), BabyPlan: f.Get("baby_plan"), TechnologySafety: f.Get("technology_safety")}
	review := formDate(f, "review_on", &fs)
	version, _ := strconv.Atoi(f.Get("version"))
	if len(fs) == 0 {
		err = s.db.SaveSafetyPlan(r.Context(), u.staff.Actor(), id, version, sec, review, f.Get("changes"))
	}
	if p := problem.As(err); len(fs) > 0 || (p != nil && (p.Code == problem.Invalid || p.Code == problem.Conflict)) {
		rec, rerr := s.db.ReadPersonParts(r.Context(), u.staff.Actor(), id, store.PersonSafetyPlan, "safety plan form")
		if rerr != nil {
			s.fail(w, r, rerr)
			return
		}
		changed := p != nil && p.Code == problem.Conflict
		fields := mergeFields(fs, err)
		switch {
		case changed:
			fields = []problem.Field{{Name: "saved-now", Message: p.Message}}
		case len(fields) == 0 && p != nil:
			fields = []problem.Field{{Name: "safe_contacts", Message: p.Message}}
		}
		current := 0
		if rec.SafetyPlan != nil {
			current = rec.SafetyPlan.Version
		}
		v := keptVersion(version, current, changed)
		s.render(w, r, formStatus(err), "safety-plan", Page{Title: "Safety plan", Nav: "caseload", Errors: fields, Form: f,
			Data: safetyData{Person: rec, Version: v, Sections: store.SafetyPlanSectionNames(), Existing: v > 0, Plan: rec.SafetyPlan, Changed: changed}})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/people/"+strconv.FormatInt(id, 10)+"#safety", http.StatusSeeOther)
}

// childAbout is whom the form says an assessment of risk to the children
// is about: all of them, one child's person ID, or nothing chosen; anything
// else is store.ChildUnknown, which the store refuses as it refuses a child
// not in the family.
func childAbout(v string) int64 {
	switch v {
	case "":
		return store.ChildNotChosen
	case "all":
		return store.AllChildren
	}
	if id, err := strconv.ParseInt(v, 10, 64); err == nil && id > 0 {
		return id
	}
	return store.ChildUnknown
}

func (s *Server) childRiskCreate(w http.ResponseWriter, r *http.Request, u *requestUser) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := r.PostForm
	c := risk.ChildRisk{Concerns: strings.TrimSpace(f.Get("child_concerns")), Level: risk.Level(f.Get("child_level")), Plan: strings.TrimSpace(f.Get("child_plan"))}
	err = s.db.RecordChildRisk(r.Context(), u.staff.Actor(), id, childAbout(f.Get("child_about")), c)
	if p := problem.As(err); p != nil && p.Code == problem.Invalid {
		// The store names fields about, concerns, level, plan (the risk
		// package's names); the form prefixes them.
		fields := make([]problem.Field, len(p.Fields))
		for i, pf := range p.Fields {
			fields[i] = problem.Field{Name: "child_" + pf.Name, Message: pf.Message}
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

// dashShowData is a completed DASH assessment as its page shows it: each
// question with its answer and note, what changed since the parent's
// assessment before it (Previous, nil for the first), and its MARAC
// criteria.
type dashShowData struct {
	Person    store.PersonRecord
	Record    store.RiskRecord
	Previous  *store.RiskRecord
	Questions []dashAnswerRow
	Changed   int
}

type dashAnswerRow struct {
	risk.Question
	Answer  risk.Answer
	Note    string
	Changed bool
	Before  risk.Answer
}

// dashShow shows a completed DASH assessment's answers, which nothing else
// shows once it is completed: to whoever may see the parent's confidential
// details (answers and notes are theirs), never to the other parent's
// practitioner. Reading it is audited with the person page's read.
func (s *Server) dashShow(w http.ResponseWriter, r *http.Request, u *requestUser) {
	rec, ok := s.personParts(w, r, u, store.PersonRisk, "risk assessment answers")
	if !ok {
		return
	}
	if !rec.CanSeeConf {
		s.fail(w, r, problem.New(problem.Forbidden, "a parent's answers to the risk assessment are confidential to the other parent's practitioner"))
		return
	}
	// A number that does not parse matches no assessment: not found.
	aid, _ := strconv.ParseInt(r.PathValue("aid"), 10, 64)
	d := dashShowData{Person: rec}
	var completed []int // indexes into rec.Risk, newest first
	for i, ra := range rec.Risk {
		if ra.Status == "complete" && ra.Assessment != nil {
			completed = append(completed, i)
		}
	}
	k := slices.IndexFunc(completed, func(i int) bool { return rec.Risk[i].ID == aid })
	if k < 0 {
		s.fail(w, r, problem.New(problem.NotFound, "There is no completed risk assessment with that number on this parent's record"))
		return
	}
	d.Record = rec.Risk[completed[k]]
	if k+1 < len(completed) {
		d.Previous = &rec.Risk[completed[k+1]]
	}
	qs, err := s.questions()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	changed := map[int]risk.Answer{}
	if d.Previous != nil {
		for _, c := range risk.ChangedAnswers(*d.Previous.Assessment, *d.Record.Assessment) {
			changed[c.Question] = c.Before
		}
		d.Changed = len(changed)
	}
	for _, q := range qs.Questions {
		before, ch := changed[q.Number]
		d.Questions = append(d.Questions, dashAnswerRow{Question: q, Answer: d.Record.Assessment.Answers[q.Number],
			Note: d.Record.Assessment.Context[q.Number], Changed: ch, Before: before})
	}
	s.render(w, r, http.StatusOK, "dash-show", Page{Title: "Risk assessment of " + formatDate(d.Record.AssessedOn), Nav: "caseload", Data: d})
}
