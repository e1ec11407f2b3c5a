package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/cradle-org/cradle/internal/credential"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/referral"
	"github.com/cradle-org/cradle/internal/store"
)

// The self-referral is a GOV.UK question-pages journey: one short page per
// topic, then check your answers. Answers so far are kept server-side,
// sealed, under a random token in a session cookie scoped to the journey,
// and are deleted when sent or after draftMaxAge without activity.
const (
	draftCookie = "cradle_refer"
	draftMaxAge = 2 * time.Hour
)

type selfStep struct {
	Slug     string
	Title    string
	fields   []string // field paths this page asks, for filtering validation
	read     func(form url.Values, r *referral.Referral, fs *problem.Fields)
	values   func(r referral.Referral) url.Values
	optional bool
}

func splitDate(v url.Values, name, iso string) {
	if t := referral.Date(iso); !t.IsZero() {
		v.Set(name+"-day", itoa(t.Day()))
		v.Set(name+"-month", itoa(int(t.Month())))
		v.Set(name+"-year", itoa(t.Year()))
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func selfSteps() []selfStep {
	return []selfStep{
		{Slug: "about-you", Title: "About you", fields: []string{"parent1.given_name", "parent1.family_name", "parent1.date_of_birth"},
			read: func(f url.Values, r *referral.Referral, fs *problem.Fields) {
				r.Parent1.GivenName, r.Parent1.FamilyName = f.Get("parent1.given_name"), f.Get("parent1.family_name")
				r.Parent1.DateOfBirth = dateField(f, "parent1.date_of_birth", fs)
			},
			values: func(r referral.Referral) url.Values {
				v := url.Values{"parent1.given_name": {r.Parent1.GivenName}, "parent1.family_name": {r.Parent1.FamilyName}}
				splitDate(v, "parent1.date_of_birth", r.Parent1.DateOfBirth)
				return v
			}},
		{Slug: "other-parent", Title: "The baby's other parent", optional: true,
			fields: []string{"parent2.given_name", "parent2.family_name", "parent2.date_of_birth", "relationship", "both_want_to_co_parent"},
			read: func(f url.Values, r *referral.Referral, fs *problem.Fields) {
				r.Parent2.GivenName, r.Parent2.FamilyName = f.Get("parent2.given_name"), f.Get("parent2.family_name")
				r.Parent2.DateOfBirth = dateField(f, "parent2.date_of_birth", fs)
				r.Relationship, r.BothWantToCoParent = f.Get("relationship"), f.Get("both_want_to_co_parent")
			},
			values: func(r referral.Referral) url.Values {
				v := url.Values{"parent2.given_name": {r.Parent2.GivenName}, "parent2.family_name": {r.Parent2.FamilyName},
					"relationship": {r.Relationship}, "both_want_to_co_parent": {r.BothWantToCoParent}}
				splitDate(v, "parent2.date_of_birth", r.Parent2.DateOfBirth)
				return v
			}},
		{Slug: "due-date", Title: "When is the baby due?", fields: []string{"due_date"},
			read: func(f url.Values, r *referral.Referral, fs *problem.Fields) { r.DueDate = dateField(f, "due_date", fs) },
			values: func(r referral.Referral) url.Values {
				v := url.Values{}
				splitDate(v, "due_date", r.DueDate)
				return v
			}},
		{Slug: "where-you-live", Title: "Where do you live?", fields: []string{"area"},
			read:   func(f url.Values, r *referral.Referral, fs *problem.Fields) { r.Area = f.Get("area") },
			values: func(r referral.Referral) url.Values { return url.Values{"area": {r.Area}} }},
		{Slug: "contacting-you", Title: "Contacting you safely",
			fields: []string{"safe_contact.safe_to_contact", "safe_contact.number", "safe_contact.times", "safe_contact.leave_message"},
			read: func(f url.Values, r *referral.Referral, fs *problem.Fields) {
				r.SafeContact = &referral.SafeContact{SafeToContact: f.Get("safe_contact.safe_to_contact"), Number: f.Get("safe_contact.number"),
					Times: f.Get("safe_contact.times"), LeaveMessage: f.Get("safe_contact.leave_message")}
			},
			values: func(r referral.Referral) url.Values {
				if r.SafeContact == nil {
					return url.Values{}
				}
				c := r.SafeContact
				return url.Values{"safe_contact.safe_to_contact": {c.SafeToContact}, "safe_contact.number": {c.Number},
					"safe_contact.times": {c.Times}, "safe_contact.leave_message": {c.LeaveMessage}}
			}},
		{Slug: "anything-else", Title: "Is there anything else we should know?", optional: true, fields: []string{"anything_else"},
			read:   func(f url.Values, r *referral.Referral, fs *problem.Fields) { r.AnythingElse = f.Get("anything_else") },
			values: func(r referral.Referral) url.Values { return url.Values{"anything_else": {r.AnythingElse}} }},
	}
}

func findStep(slug string) (selfStep, int, bool) {
	for i, st := range selfSteps() {
		if st.Slug == slug {
			return st, i, true
		}
	}
	return selfStep{}, 0, false
}

func (s *Server) selfStart(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "refer-self-start", Page{Title: "Refer yourself", Public: true, Nav: "refer-self"})
}

// draft loads the visitor's answers so far, if any.
func (s *Server) draft(r *http.Request) (referral.Referral, string, bool) {
	c, err := r.Cookie(draftCookie)
	if err != nil || c.Value == "" {
		return referral.Referral{Source: referral.Self}, "", false
	}
	hash := credential.HashToken(c.Value)
	d, ok, err := s.db.Draft(r.Context(), hash, draftMaxAge)
	if err != nil {
		s.log.Error("reading draft", "request_id", requestID(r), "err", err)
	}
	if err != nil || !ok {
		return referral.Referral{Source: referral.Self}, hash, false
	}
	d.Source = referral.Self
	return d, hash, true
}

type stepData struct {
	Step  selfStep
	Index int
	Total int
	Back  string
}

func (s *Server) selfStepForm(w http.ResponseWriter, r *http.Request) {
	st, i, ok := findStep(r.PathValue("step"))
	if !ok {
		s.notFound(w, r)
		return
	}
	d, _, _ := s.draft(r)
	s.renderStep(w, r, http.StatusOK, st, i, st.values(d), nil)
}

func (s *Server) renderStep(w http.ResponseWriter, r *http.Request, status int, st selfStep, i int, form url.Values, errs problem.Fields) {
	back := "/refer/yourself"
	if i > 0 {
		back = "/refer/yourself/" + selfSteps()[i-1].Slug
	}
	s.render(w, r, status, "refer-self-step", Page{Title: st.Title, Public: true, Nav: "refer-self", Errors: errs, Form: form,
		Data: stepData{Step: st, Index: i + 1, Total: len(selfSteps()), Back: back}})
}

func (s *Server) selfStepSubmit(w http.ResponseWriter, r *http.Request) {
	st, i, ok := findStep(r.PathValue("step"))
	if !ok {
		s.notFound(w, r)
		return
	}
	if !s.readPublicForm(w, r) {
		return
	}
	d, hash, _ := s.draft(r)
	var fs problem.Fields
	st.read(r.PostForm, &d, &fs)
	// Validate the whole referral, but show only this page's problems.
	errs := fs
	if err := d.Validate(s.referralConfig()); err != nil {
		for _, f := range problem.As(err).Fields {
			for _, name := range st.fields {
				if f.Name == name && !errs.Has(name) {
					errs.Add(f.Name, f.Message)
				}
			}
		}
	}
	if len(errs) > 0 {
		s.renderStep(w, r, http.StatusUnprocessableEntity, st, i, r.PostForm, errs)
		return
	}
	if hash == "" {
		token, err := credential.NewToken()
		if err != nil {
			s.fail(w, r, err)
			return
		}
		hash = credential.HashToken(token)
		// #nosec G124 -- Secure whenever the browser came over HTTPS or through the operator's TLS proxy; on plain local HTTP a Secure cookie would never come back
		http.SetCookie(w, &http.Cookie{Name: draftCookie, Value: token, Path: "/refer/yourself", HttpOnly: true,
			Secure: s.secure(r), SameSite: http.SameSiteStrictMode})
	}
	if err := s.db.Update(r.Context(), func(tx *store.Tx) error { return tx.SaveDraft(hash, d) }); err != nil {
		s.fail(w, r, err)
		return
	}
	next := "/refer/yourself/check"
	if i+1 < len(selfSteps()) && r.URL.Query().Get("change") == "" {
		next = "/refer/yourself/" + selfSteps()[i+1].Slug
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

type checkRow struct{ Key, Value, Change string }

func (s *Server) selfCheck(w http.ResponseWriter, r *http.Request) {
	d, _, ok := s.draft(r)
	if !ok {
		http.Redirect(w, r, "/refer/yourself", http.StatusSeeOther)
		return
	}
	s.renderCheck(w, r, http.StatusOK, d, nil)
}

func (s *Server) renderCheck(w http.ResponseWriter, r *http.Request, status int, d referral.Referral, errs problem.Fields) {
	s.render(w, r, status, "refer-self-check", Page{Title: "Check your answers", Public: true, Nav: "refer-self", Errors: errs, Data: checkRows(d)})
}

func checkRows(d referral.Referral) []checkRow {
	orNone := func(s string) string {
		if strings.TrimSpace(s) == "" {
			return "Not given"
		}
		return s
	}
	date := func(s string) string {
		if t := referral.Date(s); !t.IsZero() {
			return t.Format("2 January 2006")
		}
		return "Not given"
	}
	pick := func(opts []referral.Option, v string) string {
		for _, o := range opts {
			if o.Value == v {
				return o.Label
			}
		}
		return "Not given"
	}
	rows := []checkRow{
		{"Your name", orNone(strings.TrimSpace(d.Parent1.GivenName + " " + d.Parent1.FamilyName)), "about-you"},
		{"Your date of birth", date(d.Parent1.DateOfBirth), "about-you"},
		{"The other parent's name", orNone(strings.TrimSpace(d.Parent2.GivenName + " " + d.Parent2.FamilyName)), "other-parent"},
		{"How you are connected", pick(referral.Relationships(), d.Relationship), "other-parent"},
		{"You both want to bring up the baby together", pick(referral.Answers(), d.BothWantToCoParent), "other-parent"},
		{"Due date", date(d.DueDate), "due-date"},
		{"Where you live", orNone(d.Area), "where-you-live"},
	}
	if c := d.SafeContact; c != nil {
		rows = append(rows, checkRow{"Safe to contact you", pick(yesNo(), c.SafeToContact), "contacting-you"})
		if c.SafeToContact == "yes" {
			rows = append(rows,
				checkRow{"Safe phone number", orNone(c.Number), "contacting-you"},
				checkRow{"Safe times to call", orNone(c.Times), "contacting-you"},
				checkRow{"We can leave a message", pick(yesNo(), c.LeaveMessage), "contacting-you"})
		}
	}
	rows = append(rows, checkRow{"Anything else", orNone(d.AnythingElse), "anything-else"})
	return rows
}

func (s *Server) selfSubmit(w http.ResponseWriter, r *http.Request) {
	if !s.readPublicForm(w, r) {
		return
	}
	d, hash, ok := s.draft(r)
	if !ok {
		http.Redirect(w, r, "/refer/yourself", http.StatusSeeOther)
		return
	}
	if s.rateLimited(w, r, "self") {
		return
	}
	if r.PostForm.Get("website") != "" {
		http.Redirect(w, r, "/refer/yourself/confirmation", http.StatusSeeOther)
		return
	}
	ownReferralConsents(&d)
	if err := d.Validate(s.referralConfig()); err != nil {
		var fs problem.Fields
		if p := problem.As(err); p != nil {
			fs = p.Fields
		}
		s.renderCheck(w, r, http.StatusUnprocessableEntity, d, fs)
		return
	}
	var reference string
	err := s.db.Update(r.Context(), func(tx *store.Tx) error {
		var err error
		if _, reference, err = s.createReferral(tx, store.NewReferral{Referral: d, AreaName: s.areaFor(d)}); err != nil {
			return err
		}
		if err := tx.RecordPublicSubmission("self", clientIP(r)); err != nil {
			return err
		}
		return tx.DeleteDraft(hash)
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// #nosec G124 -- Secure whenever the browser came over HTTPS or through the operator's TLS proxy; on plain local HTTP a Secure cookie would never come back
	http.SetCookie(w, &http.Cookie{Name: draftCookie, Value: "", Path: "/refer/yourself", MaxAge: -1, HttpOnly: true, Secure: s.secure(r), SameSite: http.SameSiteStrictMode})
	http.Redirect(w, r, "/refer/yourself/confirmation?ref="+url.QueryEscape(reference), http.StatusSeeOther)
}

// ownReferralConsents records a parent's own referral's consents: theirs
// (they are referring themselves), and the other parent's not yet asked.
func ownReferralConsents(r *referral.Referral) {
	r.Parent1.Consent, r.Parent2.Consent = "yes", "not_asked"
	r.Parent2.ConsentReason = "Self-referral: the other parent has not been asked yet"
}

func (s *Server) selfDone(w http.ResponseWriter, r *http.Request) {
	ref := r.URL.Query().Get("ref")
	if !referenceFormat.MatchString(ref) {
		ref = ""
	}
	s.render(w, r, http.StatusOK, "refer-self-done", Page{Title: "We have your referral", Public: true, Nav: "refer-self", Data: referDone{Reference: ref}})
}
