package web

import (
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/cradle-org/cradle/internal/eligibility"
	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/referral"
	"github.com/cradle-org/cradle/internal/store"
)

var referenceFormat = regexp.MustCompile(`^REF-\d{4}-\d{6}$`)

// Public forms: at most this many submissions per address per hour, and
// bodies no larger than this. A real referral is a few kilobytes, but the
// limit is set by the longest answers the forms accept, so that nobody
// within them loses every answer to a 413: about 13,000 characters in all
// (two 5,000-character answers and the short ones), each up to 4 bytes in
// UTF-8 and each byte up to 3 once form-encoded, is some 160 KB. Longer
// answers below this limit come back with the field's own message and
// what was typed.
const (
	publicSubmissionsPerHour = 10
	maxPublicBody            = 256 << 10
)

// readPublicForm parses a public form with a size limit. It answers the
// request itself (413 or 400) and returns false when the form cannot be read.
func (s *Server) readPublicForm(w http.ResponseWriter, r *http.Request) bool {
	r.Body = http.MaxBytesReader(w, r.Body, maxPublicBody)
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			s.renderError(w, r, http.StatusRequestEntityTooLarge, "Your answers are too long",
				"The form was too large to send. Shorten your longest answers and try again.")
			return false
		}
		s.renderError(w, r, http.StatusBadRequest, "There is a problem", "The form could not be read. Go back and try again.")
		return false
	}
	cleanForm(r)
	return true
}

// dateField reads a GOV.UK three-box date into YYYY-MM-DD, recording a
// problem against the field when it is not a real date. Empty stays empty.
func dateField(form url.Values, name string, fs *problem.Fields) string {
	d, m, y := strings.TrimSpace(form.Get(name+"-day")), strings.TrimSpace(form.Get(name+"-month")), strings.TrimSpace(form.Get(name+"-year"))
	if d == "" && m == "" && y == "" {
		return ""
	}
	t, err := eligibility.ParseDate(d, m, y)
	if err != nil {
		fs.Add(name, dateMessage(err))
		return ""
	}
	return t.Format(time.DateOnly)
}

func dateMessage(err error) string {
	var de *eligibility.DateError
	if errors.As(err, &de) {
		return de.Message
	}
	return "Enter a real date"
}

func parentFromForm(form url.Values, path string, fs *problem.Fields) referral.Parent {
	return referral.Parent{
		GivenName:     form.Get(path + ".given_name"),
		FamilyName:    form.Get(path + ".family_name"),
		DateOfBirth:   dateField(form, path+".date_of_birth", fs),
		Phone:         form.Get(path + ".phone"),
		Email:         form.Get(path + ".email"),
		Address:       form.Get(path + ".address"),
		Postcode:      form.Get(path + ".postcode"),
		NHSNumber:     form.Get(path + ".nhs_number"),
		Consent:       form.Get(path + ".consent"),
		ConsentReason: form.Get(path + ".consent_reason"),
	}
}

// referralConfig is what validation needs today.
func (s *Server) referralConfig() referral.Config {
	return referral.Config{Eligibility: s.cfg.Eligibility, Today: s.cfg.Now()}
}

// mergeFields puts date-parsing problems first and validation problems
// after, keeping one message per field.
func mergeFields(first problem.Fields, err error) problem.Fields {
	out := first
	if p := problem.As(err); p != nil {
		for _, f := range p.Fields {
			out.Add(f.Name, f.Message)
		}
	}
	return out
}

// rateLimited applies the public form limit for this address. It answers
// the request itself when the limit is reached.
func (s *Server) rateLimited(w http.ResponseWriter, r *http.Request, form string) bool {
	n, err := s.db.PublicSubmissions(r.Context(), form, clientIP(r), s.cfg.Now().Add(-publicFormWindow))
	if err != nil {
		s.fail(w, r, err)
		return true
	}
	if n >= publicSubmissionsPerHour {
		s.renderError(w, r, http.StatusTooManyRequests, "Too many forms sent",
			"Too many forms have been sent from this connection in the last hour. Wait an hour and try again, or phone us. If anyone is in immediate danger, call 999.")
		return true
	}
	return false
}

type referDone struct{ Reference string }

// referForm is the professional referral form's data: the public form,
// or (Taken) the staff form for a referral made by phone, email, letter or
// in person.
type referForm struct {
	Taken   bool
	Example string // a date received for the hint: today
}

func (s *Server) professionalForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "refer-professional", Page{Title: "Refer a family", Public: true, Nav: "refer", Data: referForm{}})
}

func (s *Server) professionalSubmit(w http.ResponseWriter, r *http.Request) {
	if !s.readPublicForm(w, r) {
		return
	}
	form := r.PostForm
	if s.rateLimited(w, r, "professional") {
		return
	}
	if form.Get("website") != "" {
		// A bot filled the hidden field: look successful, save nothing.
		http.Redirect(w, r, "/refer/professional/confirmation", http.StatusSeeOther)
		return
	}
	ref, fs := professionalReferral(form)
	if err := ref.Validate(s.referralConfig()); err != nil || len(fs) > 0 {
		all := mergeFields(fs, err)
		s.render(w, r, http.StatusUnprocessableEntity, "refer-professional", Page{Title: "Refer a family", Public: true, Nav: "refer", Errors: all, Form: form, Data: referForm{}})
		return
	}
	reference, err := s.submitReferral(r, store.NewReferral{Referral: ref, AreaName: s.areaFor(ref)}, "professional")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/refer/professional/confirmation?ref="+url.QueryEscape(reference), http.StatusSeeOther)
}

// takenForm is one of the staff forms for a referral made by phone, email,
// letter or in person: a professional's, or a parent's own. read reads its
// page (with its dates' problems); order is its fields in page order, for
// the error summary (nil: as the checks give them).
type takenForm struct {
	view, title string
	read        func(url.Values) (referral.Referral, problem.Fields)
	order       []string
}

// professionalTaken is the professional form's rules, about the referrer
// rather than by them: the referrer is emailed the acknowledgement if an
// address was given; the referral's page says otherwise.
func professionalTaken() takenForm {
	return takenForm{view: "refer-professional", title: "Record a referral", read: func(f url.Values) (referral.Referral, problem.Fields) {
		ref, fs := professionalReferral(f)
		ref.Taken = true
		return ref, fs
	}}
}

// parentTaken is the self-referral journey's questions on one page, about
// the parent. It is not acknowledged until whoever took it records that
// they told the parent (a parent's contact may not be safe, so nothing is
// sent).
func parentTaken() takenForm {
	return takenForm{view: "refer-parent-taken", title: "Record a parent's own referral", read: parentReferral, order: parentFormOrder()}
}

// takeForm shows a staff form for a referral taken by staff.
func (s *Server) takeForm(tf takenForm) func(http.ResponseWriter, *http.Request, *requestUser) {
	return func(w http.ResponseWriter, r *http.Request, u *requestUser) {
		if s.may(w, r, u, policy.TakeReferral) {
			s.renderTaken(w, r, tf, http.StatusOK, nil)
		}
	}
}

func (s *Server) renderTaken(w http.ResponseWriter, r *http.Request, tf takenForm, status int, errs problem.Fields) {
	if tf.order != nil {
		errs = inPageOrder(errs, tf.order...)
	}
	s.render(w, r, status, tf.view, Page{Title: tf.title, Nav: "referrals", Errors: errs, Form: r.PostForm,
		Data: referForm{Taken: true, Example: s.cfg.Now().Format("2 1 2006")}})
}

// takeSubmit saves a referral taken by staff, with how and when it reached
// the programme (saveTaken).
func (s *Server) takeSubmit(tf takenForm) func(http.ResponseWriter, *http.Request, *requestUser) {
	return func(w http.ResponseWriter, r *http.Request, u *requestUser) {
		if !s.may(w, r, u, policy.TakeReferral) {
			return
		}
		ref, fs := tf.read(r.PostForm)
		s.saveTaken(w, r, u, ref, fs, func(errs problem.Fields) { s.renderTaken(w, r, tf, http.StatusUnprocessableEntity, errs) })
	}
}

// saveTaken checks a referral staff took (read from its form, with its
// dates' problems) and how and when it reached the programme, saves it as
// taken by u and opens its page; problems go back to its form by reshow.
func (s *Server) saveTaken(w http.ResponseWriter, r *http.Request, u *requestUser, ref referral.Referral, fs problem.Fields, reshow func(problem.Fields)) {
	form := r.PostForm
	received, tfs := referral.Taken(form.Get("channel"), dateField(form, "received_on", &fs), s.cfg.Now())
	for _, f := range tfs {
		if !fs.Has(f.Name) {
			fs = append(fs, f)
		}
	}
	if err := ref.Validate(s.referralConfig()); err != nil || len(fs) > 0 {
		reshow(mergeFields(fs, err))
		return
	}
	n := store.NewReferral{Referral: ref, AreaName: s.areaFor(ref), TakenBy: u.staff.ID, Channel: form.Get("channel"), ReceivedOn: received}
	var id int64
	err := s.db.Update(r.Context(), func(tx *store.Tx) error {
		var err error
		id, _, err = s.createReferral(tx, n)
		return err
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.wakeMail() // a referrer's acknowledgement, if they gave an address
	http.Redirect(w, r, "/referrals/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

// parentFormOrder is the parent's form's fields in page order, for its
// error summary: how it arrived, then the journey's questions.
func parentFormOrder() []string {
	order := []string{"channel", "received_on"}
	for _, st := range selfSteps() {
		order = append(order, st.fields...)
	}
	return order
}

// parentReferral reads the staff form for a parent's own referral, with
// the problems of its dates, as the journey's steps read their pages; the
// parent consents (they are referring themselves) and the other parent has
// not been asked, as at the journey's end (ownReferralConsents). Pure, like
// professionalReferral.
func parentReferral(form url.Values) (referral.Referral, problem.Fields) {
	var fs problem.Fields
	ref := referral.Referral{Source: referral.Self, Taken: true}
	for _, st := range selfSteps() {
		st.read(form, &ref, &fs)
	}
	ownReferralConsents(&ref)
	if fs.Has("due_date") {
		ref.DueDate = "x" // parsed already: keep validation from adding "enter the due date"
	}
	return ref, fs
}

// professionalReferral reads the professional referral form, with the
// problems of its dates (the rest is for Validate). It is pure, so the
// form's reading can be fuzzed without a server.
func professionalReferral(form url.Values) (referral.Referral, problem.Fields) {
	var fs problem.Fields
	ref := referral.Referral{
		Source: referral.Professional,
		Referrer: referral.Referrer{Name: form.Get("referrer.name"), Role: form.Get("referrer.role"),
			Organisation: form.Get("referrer.organisation"), Email: form.Get("referrer.email"), Phone: form.Get("referrer.phone")},
		Parent1:            parentFromForm(form, "parent1", &fs),
		Parent2:            parentFromForm(form, "parent2", &fs),
		DueDate:            dateField(form, "due_date", &fs),
		Area:               form.Get("area"),
		Relationship:       form.Get("relationship"),
		AbuseKnown:         form.Get("abuse_known"),
		SafeguardingStatus: form.Get("safeguarding_status"),
		BothWantToCoParent: form.Get("both_want_to_co_parent"),
		BothWantBestStart:  form.Get("both_want_best_start"),
		AnythingElse:       form.Get("anything_else"),
	}
	if fs.Has("due_date") {
		ref.DueDate = "x" // parsed already: keep validation from adding "enter the due date"
	}
	return ref, fs
}

// areaFor is the area a referral belongs to: the funded area its postcode or
// local authority is in, else the remote offer, else none.
func (s *Server) areaFor(r referral.Referral) string {
	if name, _, ok := eligibility.ResolveArea(s.cfg.Eligibility, r.Area); ok {
		return name
	}
	if s.cfg.Eligibility.Remote != nil {
		return s.cfg.Eligibility.Remote.Name
	}
	return ""
}

// createReferral saves a referral in tx and queues its acknowledgement to
// the referrer, if there is one with an email address: every door's one
// way in (a parent referring themselves is told on screen instead).
func (s *Server) createReferral(tx *store.Tx, n store.NewReferral) (int64, string, error) {
	id, reference, err := tx.CreateReferral(n)
	if err != nil || n.Referral.Source == referral.Self || n.Referral.Referrer.Email == "" {
		return id, reference, err
	}
	m := referral.Acknowledgement(s.cfg.OrgName, reference, n.Referral)
	return id, reference, tx.QueueReferralMail(id, "referral_ack", n.Referral.Referrer.Email, m.Subject, m.Text)
}

// submitReferral saves a referral, counts the submission for rate limiting,
// and queues the acknowledgement email for a professional or partner, all
// in one transaction.
func (s *Server) submitReferral(r *http.Request, n store.NewReferral, form string) (string, error) {
	var reference string
	err := s.db.Update(r.Context(), func(tx *store.Tx) error {
		_, ref, err := s.createReferral(tx, n)
		if err != nil {
			return err
		}
		reference = ref
		if form != "" {
			return tx.RecordPublicSubmission(form, clientIP(r))
		}
		return nil
	})
	if err == nil {
		s.wakeMail()
	}
	return reference, err
}

func (s *Server) professionalDone(w http.ResponseWriter, r *http.Request) {
	// Only a well-formed reference is shown back: the page must not display
	// text someone else put in a link.
	ref := r.URL.Query().Get("ref")
	if !referenceFormat.MatchString(ref) {
		ref = ""
	}
	s.render(w, r, http.StatusOK, "refer-done", Page{Title: "Referral sent", Public: true, Nav: "refer", Data: referDone{Reference: ref}})
}
