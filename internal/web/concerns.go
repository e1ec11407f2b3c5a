package web

import (
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/cradle-org/cradle/internal/notice"
	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/referral"
	"github.com/cradle-org/cradle/internal/safeguarding"
	"github.com/cradle-org/cradle/internal/store"
)

// concernMailer queues an email of kind about a concern to each address,
// linked to the concern so that its page says whether they went. Its words
// (from notice) are given only the concern's link: no personal details by
// email.
func (s *Server) concernMailer(kind string, words func(link string) (subject, text string)) store.Notifier {
	return func(tx *store.Tx, to []string, concernID int64) error {
		subject, text := words(s.cfg.BaseURL + "/concerns/" + strconv.FormatInt(concernID, 10))
		for _, addr := range to {
			if err := tx.QueueConcernMail(concernID, kind, addr, subject, text); err != nil {
				return err
			}
		}
		return nil
	}
}

// EscalationNotifier is what the scheduler uses for hourly escalations.
func (s *Server) EscalationNotifier() store.Notifier {
	return s.concernMailer("concern_overdue", notice.ConcernOverdue)
}

type concernFormData struct {
	PersonID  int64
	Record    string // the family, or the referral, it is raised from: "Family FBS-…"
	Back      string // that record's page
	BackLabel string // and what it is: "family FBS-…"
	Action    string // where the form posts
	About     string // whose record it was raised from
	Contacts  []Contact
}

func (s *Server) concernForm(w http.ResponseWriter, r *http.Request, u *requestUser) {
	s.showConcernForm(w, r, u, http.StatusOK, nil)
}

func (s *Server) showConcernForm(w http.ResponseWriter, r *http.Request, u *requestUser, status int, errs problem.Fields) {
	f, ok := s.familyFor(w, r, u, policy.ViewFamily)
	if !ok {
		return
	}
	fid := strconv.FormatInt(f.ID, 10)
	d := concernFormData{Record: "Family " + f.Reference, Back: "/families/" + fid, BackLabel: "family " + f.Reference, Action: "/families/" + fid + "/concerns", Contacts: s.contactsFor(r, f.AreaID)}
	d.PersonID, _ = strconv.ParseInt(submitted(r).Get("person"), 10, 64)
	for _, p := range f.People {
		if p.ID == d.PersonID {
			d.About = p.Name()
		}
	}
	s.render(w, r, status, "concern-new", Page{Title: "Raise a safeguarding concern", Nav: "caseload", Errors: errs, Form: r.PostForm, Data: d})
}

// referralConcernForm raises a concern from a referral that has no family
// yet (one screening it reads of a baby in danger); a referral that became
// a family raises it from the family.
func (s *Server) referralConcernForm(w http.ResponseWriter, r *http.Request, u *requestUser) {
	s.showReferralConcernForm(w, r, u, http.StatusOK, nil)
}

func (s *Server) showReferralConcernForm(w http.ResponseWriter, r *http.Request, u *requestUser, status int, errs problem.Fields) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rec, err := s.db.ReadReferral(r.Context(), u.staff.Actor(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if rec.FamilyID != 0 {
		http.Redirect(w, r, "/families/"+strconv.FormatInt(rec.FamilyID, 10)+"/concerns/new", http.StatusSeeOther)
		return
	}
	rid := strconv.FormatInt(id, 10)
	d := concernFormData{Record: "Referral " + rec.Reference, Back: "/referrals/" + rid, BackLabel: "referral " + rec.Reference, Action: "/referrals/" + rid + "/concerns", Contacts: s.contactsFor(r, rec.AreaID)}
	s.render(w, r, status, "concern-new", Page{Title: "Raise a safeguarding concern", Nav: "referrals", Errors: errs, Form: r.PostForm, Data: d})
}

func (s *Server) concernCreate(w http.ResponseWriter, r *http.Request, u *requestUser) {
	famID, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	personID, _ := strconv.ParseInt(r.PostForm.Get("person"), 10, 64)
	s.raiseConcern(w, r, u, store.NewConcern{FamilyID: famID, PersonID: personID}, s.showConcernForm)
}

func (s *Server) referralConcernCreate(w http.ResponseWriter, r *http.Request, u *requestUser) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.raiseConcern(w, r, u, store.NewConcern{ReferralID: id}, s.showReferralConcernForm)
}

// raiseConcern saves the posted concern about n's record, showing the form
// again (reshow) with its problems, or the concern once raised.
func (s *Server) raiseConcern(w http.ResponseWriter, r *http.Request, u *requestUser, n store.NewConcern,
	reshow func(http.ResponseWriter, *http.Request, *requestUser, int, problem.Fields)) {
	f := r.PostForm
	c := safeguarding.Concern{About: f.Get("about"), AtRisk: safeguarding.AtRisk(f.Get("at_risk"))}
	switch f.Get("immediate_danger") {
	case "yes":
		c.ImmediateDanger = ptr(true)
	case "no":
		c.ImmediateDanger = ptr(false)
	}
	n.Concern, n.Due = c, s.cfg.WorkingTime.DecisionDue(s.cfg.Now())
	id, err := s.db.RaiseConcern(r.Context(), u.staff.Actor(), n, s.concernMailer("concern_alert", notice.ConcernRaised))
	if p := problem.As(err); p != nil && p.Code == problem.Invalid {
		reshow(w, r, u, http.StatusUnprocessableEntity, inPageOrder(p.Fields, "immediate_danger", "at_risk", "about"))
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.wakeMail()
	to := "/concerns/" + strconv.FormatInt(id, 10) + "?raised=1"
	if c.ImmediateDanger != nil && *c.ImmediateDanger {
		to += "&danger=1"
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

func ptr[T any](v T) *T { return &v }

type concernData struct {
	Concern   store.ConcernRecord
	Alerts    alertsView
	CanDecide bool
	Raised    bool
	Danger    bool
	Overdue   bool
	Contacts  []Contact
	Staff     []store.PractitionerLoad // possible action owners
	Decisions []referral.Option
}

// decisionOptions are the DSL's decisions as form options.
func decisionOptions() []referral.Option {
	var out []referral.Option
	for _, o := range safeguarding.Decisions() {
		out = append(out, referral.Option{Value: o.Value, Label: o.Label})
	}
	return out
}

// alertsView is who was told of a concern, for its page: a warning to
// phone a safeguarding lead while it waits for a decision and no lead was
// alerted as it was raised, or that alert's email did not go. (A refused
// overdue reminder does not warn: the reminders repeat every hour, and the
// leads' and managers' alerts in Cradle stand.)
// (How many were alerted the page reads from the record: Concern.Alerts.)
type alertsView struct {
	Warn   string
	Seen   string
	Emails []alertEmails
}

// alertEmails are the emails of one alert (to each lead, or, for a
// reminder, each lead and team manager), counted by how they went.
type alertEmails struct {
	Kind                  string
	At                    time.Time
	Sent, Waiting, Failed int
	Times                 int    // overdue reminders are one row: how many, At the last
	Tried                 bool   // some of those waiting were refused and will be tried again
	Why                   string // the mail server's last refusal
}

// Total is how many emails the alert was.
func (e alertEmails) Total() int { return e.Sent + e.Waiting + e.Failed }

func alertsOf(c store.ConcernRecord) alertsView {
	a := c.Alerts
	var v alertsView
	reminders := -1 // the one row of every overdue reminder, once there is one
	for _, m := range a.Messages {
		var e *alertEmails
		switch n := len(v.Emails); {
		case m.Kind == "concern_overdue" && reminders >= 0:
			e = &v.Emails[reminders]
			if !e.At.Equal(m.QueuedAt) {
				e.At, e.Times = m.QueuedAt, e.Times+1
			}
		case n > 0 && v.Emails[n-1].Kind == m.Kind && v.Emails[n-1].At.Equal(m.QueuedAt):
			e = &v.Emails[n-1]
		default:
			v.Emails = append(v.Emails, alertEmails{Kind: m.Kind, At: m.QueuedAt, Times: 1})
			e = &v.Emails[len(v.Emails)-1]
			if m.Kind == "concern_overdue" {
				reminders = len(v.Emails) - 1
			}
		}
		switch m.Status {
		case "sent":
			e.Sent++
		case "failed":
			e.Failed++
		default:
			e.Waiting++
			e.Tried = e.Tried || m.Attempts > 0
		}
		if why := m.Refusal(); why != "" {
			e.Why = why
		}
	}
	switch {
	case !a.FirstSeen.IsZero():
		v.Seen = "First opened by someone it alerted on " + formatDateTime(a.FirstSeen) + "."
	case a.Leads+a.Managers+a.Reminders > 0:
		v.Seen = "No one it alerted has opened it yet."
	}
	if c.Status != "open" {
		return v
	}
	var raised *alertEmails
	for i := range v.Emails {
		if v.Emails[i].Kind == "concern_alert" {
			raised = &v.Emails[i]
			break
		}
	}
	switch {
	case a.Leads == 0 && a.Managers > 0:
		v.Warn = "No designated safeguarding lead had an active account in Cradle when this concern was raised, so the area's team managers were alerted instead. Phone a safeguarding lead if you can reach one."
	case a.Leads == 0 && a.Reminders == 0:
		v.Warn = "No designated safeguarding lead had an active account in Cradle when this concern was raised, so no one was alerted. Phone a safeguarding lead now."
	case a.Leads == 0:
		v.Warn = "No designated safeguarding lead had an active account in Cradle when this concern was raised: only the reminders since have alerted anyone. Phone a safeguarding lead now."
	case raised != nil && raised.Failed > 0:
		v.Warn = "The email alert could not be sent to " + ofLeads(raised.Failed, raised.Total()) + ". They see the alert when they next sign in to Cradle; if it cannot wait, phone a safeguarding lead."
	case raised != nil && raised.Tried:
		v.Warn = "The email alert has not yet gone to " + ofLeads(raised.Waiting, raised.Total()) + ": the mail server refused it for now and it will be tried again. If it cannot wait, phone a safeguarding lead."
	}
	return v
}

// ofLeads says "1 of 3 safeguarding leads", or "the safeguarding lead".
func ofLeads(n, of int) string {
	switch {
	case of == 1 && n == 1:
		return "the safeguarding lead"
	case n == of:
		return "any of the " + strconv.Itoa(of) + " safeguarding leads"
	}
	return strconv.Itoa(n) + " of " + strconv.Itoa(of) + " safeguarding leads"
}

func (s *Server) concernPage(w http.ResponseWriter, r *http.Request, u *requestUser) {
	s.showConcern(w, r, u, http.StatusOK, nil)
}

func (s *Server) showConcern(w http.ResponseWriter, r *http.Request, u *requestUser, status int, errs problem.Fields) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	c, err := s.db.ReadConcern(r.Context(), u.staff.Actor(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	now := s.cfg.Now()
	q := r.URL.Query()
	d := concernData{Concern: c, Raised: q.Get("raised") == "1", Danger: q.Get("danger") == "1" || (c.ImmediateDanger && c.Status == "open"),
		CanDecide: policy.Can(u.staff.Actor(), policy.DecideConcern, c.Target(), now),
		Overdue:   c.Status == "open" && safeguarding.Overdue(c.DueAt, now), Contacts: s.contactsFor(r, c.AreaID), Decisions: decisionOptions()}
	if !c.OwnActions {
		d.Alerts = alertsOf(c)
	}
	if d.CanDecide {
		if d.Staff, err = s.db.StaffInArea(r.Context(), c.AreaID); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.render(w, r, status, "concern", Page{Title: "Safeguarding concern", Nav: "concerns", Errors: errs, Form: r.PostForm, Data: d})
}

func (s *Server) concernDecide(w http.ResponseWriter, r *http.Request, u *requestUser) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := r.PostForm
	var fs problem.Fields
	in := safeguarding.DecisionInput{Decision: safeguarding.Decision(f.Get("decision")), Reasons: f.Get("reasons")}
	for i := 0; i < 3; i++ {
		n := "actions[" + strconv.Itoa(i) + "]"
		what := strings.TrimSpace(f.Get(n + ".what"))
		owner, _ := strconv.ParseInt(f.Get(n+".owner"), 10, 64)
		due := formDate(f, n+".due", &fs)
		if what == "" && owner == 0 && due.IsZero() {
			continue // an empty row
		}
		in.Actions = append(in.Actions, safeguarding.Action{What: what, OwnerID: owner, Due: due})
	}
	if len(fs) == 0 {
		err = s.db.DecideConcern(r.Context(), u.staff.Actor(), id, in, s.concernMailer("concern_action", notice.ConcernAction))
	}
	if p := problem.As(err); len(fs) > 0 || (p != nil && p.Code == problem.Invalid) {
		s.showConcern(w, r, u, http.StatusUnprocessableEntity, mergeFields(fs, err))
		return
	} else if p != nil && p.Code == problem.Conflict {
		// Decided already (sent twice, or another lead a moment before):
		// the concern as decided, and what this lead typed, to copy.
		texts := []unsavedText{{Field: "reasons", Label: "Reasons for the decision", Text: in.Reasons}}
		for i := 0; i < 3; i++ {
			n := "actions[" + strconv.Itoa(i) + "].what"
			texts = append(texts, unsavedText{Field: n, Label: "Action " + strconv.Itoa(i+1), Text: f.Get(n)})
		}
		s.showConcern(w, keepUnsaved(r, texts...), u, http.StatusConflict, []problem.Field{{Name: "decision", Message: p.Message}})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.wakeMail()
	http.Redirect(w, r, "/concerns/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

func (s *Server) concernClose(w http.ResponseWriter, r *http.Request, u *requestUser) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	err = s.db.CloseConcern(r.Context(), u.staff.Actor(), id, r.PostForm.Get("outcome"))
	if p := problem.As(err); p != nil && p.Code == problem.Invalid {
		s.showConcern(w, r, u, http.StatusUnprocessableEntity, p.Fields)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/concerns/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

type concernRow struct {
	store.ConcernRecord
	Age     string
	Overdue bool
}

type concernsData struct {
	Rows  []concernRow
	Pager pager
	// Closed: the list is of the concerns closed since Since, latest
	// first (?show=closed); else of the open ones, oldest first.
	Closed bool
	Since  time.Time
}

// closedListYears is how far back the list of closed concerns goes; older
// ones are in their family's chronology.
const closedListYears = 1

// concernsPageSize is how many concerns one page of the list shows.
const concernsPageSize = 50

func (s *Server) concernsDashboard(w http.ResponseWriter, r *http.Request, u *requestUser) {
	if !s.may(w, r, u, policy.ListCases) {
		return
	}
	now := s.cfg.Now()
	d := concernsData{Closed: r.URL.Query().Get("show") == "closed", Since: now.AddDate(-closedListYears, 0, 0)}
	// A page past the end (the list has shrunk) is the last page, read
	// in the same snapshot as the count.
	var list []store.ConcernRecord
	var total int
	var err error
	title := "Safeguarding concerns"
	if d.Closed {
		list, total, err = s.db.ClosedConcerns(r.Context(), u.staff.Actor(), d.Since, offsetAsked(r, concernsPageSize), concernsPageSize)
		title = "Closed safeguarding concerns"
	} else {
		list, total, err = s.db.OpenConcerns(r.Context(), u.staff.Actor(), offsetAsked(r, concernsPageSize), concernsPageSize)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.Pager = newPager(r, "/concerns", total, concernsPageSize)
	for _, c := range list {
		d.Rows = append(d.Rows, concernRow{ConcernRecord: c, Age: safeguarding.AgeString(c.RaisedAt, now), Overdue: c.Status == "open" && safeguarding.Overdue(c.DueAt, now)})
	}
	s.render(w, r, http.StatusOK, "concerns", Page{Title: title, Nav: "concerns", Data: d})
}

// contactsFor is the emergency numbers and helplines for an area: as an
// administrator set them, or the built-in ones.
func (s *Server) contactsFor(r *http.Request, areaID int64) []Contact {
	cs, err := s.db.KeyContacts(r.Context(), areaID)
	if err != nil || len(cs) == 0 {
		if err != nil {
			s.log.Error("reading key contacts", "request_id", requestID(r), "err", err)
		}
		return s.cfg.Contacts
	}
	out := make([]Contact, len(cs))
	for i, c := range cs {
		out[i] = Contact{Name: c.Name, Number: c.Number, Note: c.Note}
	}
	return out
}

// inPageOrder sorts field problems into the order the fields appear on the
// page, as the GOV.UK error summary asks; unknown fields go last.
func inPageOrder(fields []problem.Field, order ...string) []problem.Field {
	pos := map[string]int{}
	for i, n := range order {
		pos[n] = i + 1
	}
	out := append([]problem.Field(nil), fields...)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := pos[out[i].Name], pos[out[j].Name]
		if a == 0 {
			a = len(order) + 1
		}
		if b == 0 {
			b = len(order) + 1
		}
		return a < b
	})
	return out
}
