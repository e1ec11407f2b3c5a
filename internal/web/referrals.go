package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/cradle-org/cradle/internal/eligibility"
	"github.com/cradle-org/cradle/internal/match"
	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/referral"
	"github.com/cradle-org/cradle/internal/store"
)

type queueData struct {
	Entries  []store.QueueEntry
	Counts   map[referral.Status]int
	Statuses []referral.Status
	Status   referral.Status
	Areas    []areaOption
	AreaID   int64
	Source   referral.Source
	MinDays  int
	Total    int
	Pager    pager
	CanTake  bool // the reader may record a referral taken by phone, email or letter
}

// queuePageSize is how many referrals the queue shows at a time.
const queuePageSize = 50

type areaOption struct {
	ID   int64
	Name string
}

func (s *Server) referralQueue(w http.ResponseWriter, r *http.Request, u *requestUser) {
	if !s.may(w, r, u, policy.ListCases) {
		return
	}
	q := r.URL.Query()
	f := store.QueueFilter{Status: referral.Status(q.Get("status")), Source: referral.Source(q.Get("source"))}
	f.AreaID, _ = strconv.ParseInt(q.Get("area"), 10, 64) // a bad value means no filter
	f.MinDays, _ = strconv.Atoi(q.Get("older_than"))
	if f.Status == "" {
		f.Status = referral.New
	}
	// One page of the status's referrals, found from the page asked for
	// (a page past the end, from an old link, is the last page).
	f.Offset, f.Limit = offsetAsked(r, queuePageSize), queuePageSize
	entries, counts, err := s.db.ReferralQueue(r.Context(), u.staff.Actor(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pg := newPager(r, "/referrals", counts[f.Status], queuePageSize)
	d := queueData{Entries: entries, Counts: counts, Statuses: referral.Statuses(), Status: f.Status, AreaID: f.AreaID, Source: f.Source, MinDays: f.MinDays, Pager: pg}
	for _, a := range u.staff.Areas {
		d.Areas = append(d.Areas, areaOption{a.ID, a.Name})
	}
	for _, n := range counts {
		d.Total += n
	}
	d.CanTake = policy.Can(u.staff.Actor(), policy.TakeReferral, policy.Target{}, s.cfg.Now())
	s.render(w, r, http.StatusOK, "referrals", Page{Title: "Referrals", Nav: "referrals", Data: d})
}

type candidateView struct {
	match.Scored
	FamilyReference string
	AreaName        string
	CanOpen         bool
	FamilyID        int64
}

type screenData struct {
	Ref        store.ReferralRecord
	Content    referral.Referral
	Redacted   bool // contact details hidden: the viewer cannot screen
	Assessment eligibility.Assessment
	CanScreen  bool
	Matches    [2][]candidateView
	Ack        ackView
	// CanAcknowledge: the reader may record that they told the referrer
	// (one who may screen it or took it in, while it is not acknowledged).
	CanAcknowledge bool
	// Told says whether the decision was told to whoever made the referral
	// (empty while there is none to tell); CanTell: the reader may record
	// that they told it (as CanAcknowledge, while it is not told).
	Told    ackView
	CanTell bool
	// SubjectAccess: the reader (a designated safeguarding lead) may
	// prepare the subject access request of a parent it names, while it
	// has no family (after that the parents' records hold it).
	SubjectAccess bool
	// CanRaiseConcern: the reader may raise a safeguarding concern from
	// it (whoever may see it, while it has no family).
	CanRaiseConcern bool
}

// ackView says whether, and how, whoever made a referral was told it had
// arrived; Warn when they were not and someone should phone them.
type ackView struct {
	Text string
	Warn bool
}

// acknowledgementOf reads a referral's acknowledgement from its record and
// the emails about it. A referrer whose acknowledgement could not be sent,
// or who gave no email address, has not been told: the page says to phone.
// A parent's own referral taken by staff is acknowledged by whoever tells
// the parent, only in a way the parent said is safe.
func acknowledgementOf(rec store.ReferralRecord) ackView {
	self := rec.Source == referral.Self
	switch {
	case rec.AcknowledgedBy != "" && self:
		return ackView{Text: "The parent was told it arrived, and its reference, by " + rec.AcknowledgedBy + ", who recorded it on " + formatDateTime(rec.AcknowledgedAt) + "."}
	case rec.AcknowledgedBy != "":
		return ackView{Text: "The referrer was told it arrived by " + rec.AcknowledgedBy + ", who recorded it on " + formatDateTime(rec.AcknowledgedAt) + "."}
	case !rec.AcknowledgedAt.IsZero() && self:
		return ackView{Text: "Acknowledged on screen, with its reference, when it was sent on " + formatDateTime(rec.AcknowledgedAt) + "."}
	case !rec.AcknowledgedAt.IsZero():
		return ackView{Text: "Acknowledgement emailed to the referrer on " + formatDateTime(rec.AcknowledgedAt) + "."}
	case self:
		return ackView{Warn: true, Text: "The parent has not been told we have their referral. Tell them, and its reference, only in a way they said is safe."}
	}
	var ack *store.Message
	for i := range rec.Messages {
		if rec.Messages[i].Kind == "referral_ack" {
			ack = &rec.Messages[i]
		}
	}
	switch {
	case ack == nil:
		return ackView{Warn: true, Text: "No acknowledgement has been sent. Tell the referrer we have their referral, and its reference."}
	case ack.Status == "failed":
		return ackView{Warn: true, Text: "The acknowledgement email could not be sent. Phone the referrer to tell them we have their referral, and its reference."}
	case ack.Attempts > 0:
		times := strconv.Itoa(ack.Attempts) + " times"
		if ack.Attempts == 1 {
			times = "once"
		}
		return ackView{Warn: true, Text: "The acknowledgement email has not gone yet: it has been tried " + times + " and will be tried again. If it does not go today, phone the referrer."}
	}
	return ackView{Text: "The acknowledgement email to the referrer is waiting to be sent."}
}

// decisionToldOf reads whether a referral's decision was told to whoever
// made it, from its record and the emails about it: nothing while there is
// no decision to tell (referral.DecisionToTell). A parent who referred
// themselves is sent nothing: whoever tells them records it. A referrer
// whose decision email could not go, or who gave no address, is phoned.
func decisionToldOf(rec store.ReferralRecord) ackView {
	if !referral.DecisionToTell(rec.Source, rec.Status) {
		return ackView{}
	}
	self := rec.Source == referral.Self
	switch {
	case rec.DecisionToldBy != "" && self:
		return ackView{Text: "The parent was told of this decision by " + rec.DecisionToldBy + ", who recorded it on " + formatDateTime(rec.DecisionToldAt) + "."}
	case rec.DecisionToldBy != "":
		return ackView{Text: "The referrer was told of this decision by " + rec.DecisionToldBy + ", who recorded it on " + formatDateTime(rec.DecisionToldAt) + "."}
	case !rec.DecisionToldAt.IsZero() && rec.DecisionToldAt.Equal(rec.DecidedAt):
		// Migration 36 marks so the decisions made before it that no email told.
		return ackView{Text: "Decided before Cradle recorded whether a decision was told: there is no record of how it was told."}
	case !rec.DecisionToldAt.IsZero() && self:
		return ackView{Text: "The parent was told of this decision on " + formatDateTime(rec.DecisionToldAt) + "."}
	case !rec.DecisionToldAt.IsZero():
		return ackView{Text: "The decision was emailed to the referrer on " + formatDateTime(rec.DecisionToldAt) + "."}
	case self:
		return ackView{Warn: true, Text: "The parent has not been told of this decision. Tell them, and where else to get support, only in a way they said is safe."}
	}
	var sent *store.Message
	for i := range rec.Messages {
		if rec.Messages[i].Kind == "referral_outcome" {
			sent = &rec.Messages[i]
		}
	}
	switch {
	case sent == nil:
		return ackView{Warn: true, Text: "No email of this decision was sent: there is no email address for the referrer. Phone them to tell them the decision."}
	case sent.Status == "failed":
		return ackView{Warn: true, Text: "The decision email could not be sent. Phone the referrer to tell them the decision."}
	case sent.Attempts > 0:
		times := strconv.Itoa(sent.Attempts) + " times"
		if sent.Attempts == 1 {
			times = "once"
		}
		return ackView{Warn: true, Text: "The decision email has not gone yet: it has been tried " + times + " and will be tried again. If it does not go today, phone the referrer."}
	}
	return ackView{Text: "The decision email to the referrer is waiting to be sent."}
}

func (s *Server) referralPage(w http.ResponseWriter, r *http.Request, u *requestUser) {
	s.showReferral(w, r, u, http.StatusOK, nil)
}

func (s *Server) showReferral(w http.ResponseWriter, r *http.Request, u *requestUser, status int, errs problem.Fields) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	actor := u.staff.Actor()
	rec, err := s.db.ReadReferral(r.Context(), actor, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	now := s.cfg.Now()
	d := screenData{Ref: rec, Content: *rec.Content, CanScreen: policy.Can(actor, policy.ScreenReferral, rec.Target(), now) && rec.Status.Open(),
		Ack: acknowledgementOf(rec), CanAcknowledge: rec.AcknowledgedAt.IsZero() && policy.Can(actor, policy.AcknowledgeReferral, rec.Target(), now),
		Told: decisionToldOf(rec)}
	d.CanTell = d.Told.Text != "" && rec.DecisionToldAt.IsZero() && policy.Can(actor, policy.AcknowledgeReferral, rec.Target(), now)
	d.CanRaiseConcern = rec.FamilyID == 0 && policy.Can(actor, policy.RaiseConcern, policy.Target{AreaID: rec.AreaID, ReferralID: rec.ID}, now)
	d.SubjectAccess = rec.FamilyID == 0 && policy.Can(actor, policy.ExportSubjectAccess, policy.Target{}, now)
	d.Assessment = eligibility.Assess(s.cfg.Eligibility, factsOf(d.Content, rec.ReceivedAt))
	if !policy.Can(actor, policy.ScreenReferral, rec.Target(), now) {
		// Practitioners may later work with one of these parents: they do not
		// see either parent's contact details before allocation.
		d.Content.Parent1, d.Content.Parent2 = redact(d.Content.Parent1), redact(d.Content.Parent2)
		d.Content.SafeContact = nil
		d.Redacted = true
	}
	if d.CanScreen {
		for i, p := range []referral.Parent{d.Content.Parent1, d.Content.Parent2} {
			found, err := s.db.FindPossibleMatches(r.Context(), identityOf(p))
			if err != nil {
				s.fail(w, r, err)
				return
			}
			for _, m := range found {
				cv := candidateView{Scored: m.Scored, FamilyReference: m.FamilyReference, AreaName: m.AreaName, FamilyID: m.FamilyID}
				cv.CanOpen = policy.Can(actor, policy.ViewFamily, m.Target, now)
				d.Matches[i] = append(d.Matches[i], cv)
			}
		}
	}
	s.render(w, r, status, "referral", Page{Title: "Referral " + rec.Reference, Nav: "referrals", Errors: errs, Form: r.PostForm, Data: d})
}

// referralAcknowledged records that the reader told the referrer the
// referral arrived; refused (and the page shown again with why) if it
// already was.
func (s *Server) referralAcknowledged(w http.ResponseWriter, r *http.Request, u *requestUser) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	err = s.db.RecordAcknowledged(r.Context(), u.staff.Actor(), id)
	s.answerChange(w, r, err, nil, "acknowledgement", func(status int, fields []problem.Field) {
		s.showReferral(w, r, u, status, fields)
	}, "/referrals/"+strconv.FormatInt(id, 10))
}

// referralDecisionTold records that the reader told whoever made the
// referral of its decision; refused (and the page shown again with why)
// when there is none to tell or it already was.
func (s *Server) referralDecisionTold(w http.ResponseWriter, r *http.Request, u *requestUser) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	err = s.db.RecordDecisionTold(r.Context(), u.staff.Actor(), id)
	s.answerChange(w, r, err, nil, "decision-told", func(status int, fields []problem.Field) {
		s.showReferral(w, r, u, status, fields)
	}, "/referrals/"+strconv.FormatInt(id, 10))
}

func redact(p referral.Parent) referral.Parent {
	return referral.Parent{GivenName: p.GivenName, FamilyName: p.FamilyName, DateOfBirth: p.DateOfBirth, Consent: p.Consent, ConsentReason: p.ConsentReason}
}

func identityOf(p referral.Parent) match.Identity {
	return match.Identity{GivenName: p.GivenName, FamilyName: p.FamilyName, DateOfBirth: referral.Date(p.DateOfBirth),
		Phone: p.Phone, Email: p.Email, NHSNumber: p.NHSNumber, Postcode: p.Postcode}
}

func answer(s string) eligibility.Answer {
	switch s {
	case "yes":
		return eligibility.Yes
	case "no":
		return eligibility.No
	}
	return eligibility.NotKnown
}

// factsOf turns what a referral says into the eligibility rules' facts.
func factsOf(c referral.Referral, received time.Time) eligibility.Facts {
	f := eligibility.Facts{
		ReferredOn: received, EDD: referral.Date(c.DueDate), Area: c.Area,
		Parent1DOB: referral.Date(c.Parent1.DateOfBirth), Parent2DOB: referral.Date(c.Parent2.DateOfBirth),
		Relationship:       eligibility.Relationship(c.Relationship),
		BothWantToCoParent: answer(c.BothWantToCoParent), BothWantBestStart: answer(c.BothWantBestStart),
		Consent1: answer(c.Parent1.Consent), Consent2: answer(c.Parent2.Consent),
		AbuseDisclosed: eligibility.NotKnown,
	}
	// A parent referring themselves does so because there is domestic abuse
	// (the start page says so); a professional describes what is known.
	if c.Source == referral.Self || strings.TrimSpace(c.AbuseKnown) != "" {
		f.AbuseDisclosed = eligibility.Yes
	}
	return f
}

func (s *Server) referralDecide(w http.ResponseWriter, r *http.Request, u *requestUser) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	form := r.PostForm
	d := referral.Decision{Outcome: referral.Outcome(form.Get("outcome")), Reason: form.Get("reason"), Detail: form.Get("detail"),
		SignpostedTo: form.Get("signposted_to"), Question: form.Get("question")}
	links := store.Links{}
	links.Parent1, _ = strconv.ParseInt(form.Get("link1"), 10, 64)
	links.Parent2, _ = strconv.ParseInt(form.Get("link2"), 10, 64)
	rec, err := s.db.DecideReferral(r.Context(), u.staff.Actor(), id, d, links, func(tx *store.Tx, rec store.ReferralRecord, ref string) error {
		to := rec.Content.Referrer.Email
		if rec.Content.Source == referral.Self || to == "" {
			return nil
		}
		var m referral.Email
		kind := "referral_outcome"
		if d.Outcome == referral.RequestInfo {
			m, kind = referral.MoreInformation(s.cfg.OrgName, ref, *rec.Content, d), "referral_more_info"
		} else {
			m = referral.OutcomeEmail(s.cfg.OrgName, ref, *rec.Content, d)
		}
		return tx.QueueReferralMail(rec.ID, kind, to, m.Subject, m.Text)
	})
	if p := problem.As(err); p != nil && p.Code == problem.Invalid {
		fields := p.Fields
		if len(fields) == 0 {
			fields = []problem.Field{{Name: "outcome", Message: p.Message}}
		}
		s.showReferral(w, r, u, http.StatusUnprocessableEntity, fields)
		return
	} else if p != nil && p.Code == problem.Conflict {
		// Decided already (sent twice, or by another manager a moment
		// before): the referral as decided, and what was typed, to copy.
		r = keepUnsaved(r, unsavedText{Field: "detail", Label: "Reasons for your decision", Text: d.Detail},
			unsavedText{Field: "signposted_to", Label: "Other support the family was told about", Text: d.SignpostedTo},
			unsavedText{Field: "question", Label: "What the referrer should tell you", Text: d.Question})
		s.showReferral(w, r, u, http.StatusConflict, []problem.Field{{Name: "outcome", Message: p.Message}})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.wakeMail()
	if rec.FamilyID != 0 && d.Outcome == referral.Accept {
		http.Redirect(w, r, "/families/"+strconv.FormatInt(rec.FamilyID, 10), http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/referrals/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}
