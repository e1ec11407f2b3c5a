// Package subjectaccess builds a parent's subject access export from what a
// designated safeguarding lead has read of their record (or of a referral
// that names them): only that parent's own information, each list filtered
// again to their rows, and a list of what was left out and why. The command
// line (cradle sar) and the person page's download both use it, so the two
// cannot differ.
package subjectaccess

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/cradle-org/cradle/internal/casework"
	"github.com/cradle-org/cradle/internal/docs"
	"github.com/cradle-org/cradle/internal/referral"
	"github.com/cradle-org/cradle/internal/risk"
	"github.com/cradle-org/cradle/internal/sharing"
	"github.com/cradle-org/cradle/internal/store"
)

// Withheld says what a parent's subject access export leaves out, and why; it is
// printed in the document (and on the page that prepares it) so nothing
// looks forgotten.
func Withheld() []string {
	return []string{
		"Everything about your baby's other parent: their details, sessions, risk assessments, safety plan and questionnaires.",
		"What other people told us, and their details: who reported an incident and what they said, the notes beside risk-assessment answers, safeguarding concerns and decisions, and the records of meetings with other agencies. A designated safeguarding lead reviews these separately and will tell you what can be shared.",
		"Assessments of the risk to your baby and other children, which are about the whole family: a designated safeguarding lead reviews these separately.",
		"Referrals to a MARAC (a meeting of agencies about safety) and what it decided, which hold what other agencies said: a designated safeguarding lead reviews these separately.",
		"Your referral as the professional who referred you wrote it.",
		"What was shared with other agencies about your family as a whole, and why, which may be about others: who received it, when, how and on what basis is listed, and a designated safeguarding lead reviews the rest before release.",
		"Managers' supervision notes about our work with you, which are reviewed before release.",
		"Documents kept on your record (letters and forms, often from other agencies), which may hold what other people wrote: a designated safeguarding lead reviews each one and gives you those that can be shared.",
		"Earlier versions of session notes that were later corrected, and notes, incidents, changes in circumstances, MARAC referrals, VIG cycles, consents, disclosures and assessments of risk to the children removed because they were entered in error (some were written on the wrong parent's record), which a designated safeguarding lead reviews before release. What is here is the record as it stands now.",
	}
}

// PersonView keeps only the parent's own information from what a DSL may
// see of their record: each list is filtered to rows that are this
// person's, so nothing of the other parent's can come through even if the
// record grew to carry it. qs is the DASH wording the deployment asks the
// questions in (its licensed set, or risk.DefaultQuestions), so the
// parent's answers are given beside the questions as they were put.
func PersonView(rec store.PersonRecord, qs risk.QuestionSet, now time.Time) docs.SubjectView {
	p := rec.Person
	v := docs.SubjectView{
		Generated: now, Name: p.Name(), KnownAs: p.KnownAs, Reference: rec.Family.Reference, Area: rec.Family.AreaName,
		Stage: rec.Family.Stage.Label(), Withheld: Withheld(),
		Sessions: []docs.SessionView{}, VIG: []docs.VIGView{}, Pauses: []docs.PauseView{}, Departures: []docs.DepartureView{}, Reminders: []docs.ReminderView{}, Appointments: []docs.AppointmentView{}, Consents: []docs.ConsentView{}, Disclosures: []docs.DisclosureView{}, Risk: []docs.RiskView{}, Incidents: []docs.IncidentView{}, Changes: []docs.ChangeView{}, SafetyPlan: []docs.Section{},
		Measures: []docs.MeasureView{}, Closings: []docs.ClosingView{},
	}
	if !p.DateOfBirth.IsZero() {
		v.DateOfBirth = p.DateOfBirth.Format("2 January 2006")
	}
	if c := p.Confidential; c != nil {
		v.Contact = &docs.Contact{Address: c.Address, Postcode: c.Postcode, Phone: c.Phone, Email: c.Email}
		v.SafeContact = c.SafeContact
	}
	if b, ok := rec.Family.Baby(); ok {
		bv := &docs.BabyView{Name: strings.TrimSpace(b.GivenName + " " + b.FamilyName)}
		if !b.DateOfBirth.IsZero() {
			bv.Born = b.DateOfBirth.Format("2 January 2006")
		} else if !rec.Family.EDD.IsZero() {
			bv.Due = rec.Family.EDD.Format("2 January 2006")
		}
		v.Baby = bv
	} else if !rec.Family.EDD.IsZero() {
		v.Baby = &docs.BabyView{Due: rec.Family.EDD.Format("2 January 2006")}
	}
	for _, s := range rec.Sessions {
		if s.PersonID != p.ID || s.Kind == "supervision" || s.Withheld {
			continue
		}
		v.Sessions = append(v.Sessions, docs.SessionView{Date: s.HeldOn.Format("2 January 2006"), With: s.StaffName,
			Mode: casework.Label(casework.Modes(), s.Mode), Attendance: casework.Label(casework.Attendances(), s.Attendance),
			Topic: s.Topic, Notes: s.Notes, Reason: s.Reason})
	}
	for _, c := range rec.VIG {
		if c.PersonID != p.ID || c.Withheld {
			continue
		}
		v.VIG = append(v.VIG, docs.VIGView{Phase: casework.Label(casework.VIGPhases(), c.Phase), Filmed: c.FilmedOn.Format("2 January 2006"),
			Analysed: dateOrEmpty(c.AnalysedOn), Reviewed: dateOrEmpty(c.ReviewedOn), Strengths: c.Strengths})
	}
	for _, pause := range rec.Pauses {
		if pause.PersonID != p.ID || pause.Withheld {
			continue
		}
		v.Pauses = append(v.Pauses, docs.PauseView{Started: pause.StartedOn.Format("2 January 2006"), Ended: dateOrEmpty(pause.EndedOn),
			Reason: casework.Label(casework.PauseReasons(), pause.Reason), Note: pause.Note})
	}
	for _, a := range rec.Departures {
		if a.PersonID != p.ID || a.Withheld {
			continue
		}
		v.Departures = append(v.Departures, docs.DepartureView{Left: a.LeftOn.Format("2 January 2006"), Rejoined: dateOrEmpty(a.RejoinedOn),
			Reason: casework.DepartureLabel(a.Reason), Note: a.Note, JoiningLater: a.Joining()})
	}
	for _, m := range rec.Reminders {
		if m.PersonID != p.ID || m.Withheld {
			continue
		}
		v.Reminders = append(v.Reminders, docs.ReminderView{Due: m.DueOn.Format("2 January 2006"), What: m.What, Done: dateOrEmpty(m.DoneOn)})
	}
	// Read only for a reader who may see the parent's confidential details
	// (a DSL may): each is the parent's own.
	for _, a := range rec.Appointments {
		if a.PersonID != p.ID {
			continue
		}
		v.Appointments = append(v.Appointments, docs.AppointmentView{When: a.On.Format("2 January 2006") + ", " + a.At,
			How: casework.Label(casework.Modes(), a.Mode), Where: a.Place})
	}
	for _, c := range rec.Consents {
		if c.PersonID != p.ID || c.Withheld {
			continue
		}
		v.Consents = append(v.Consents, docs.ConsentView{Scope: c.Scope, Given: c.GivenOn.Format("2 January 2006"), Withdrawn: dateOrEmpty(c.WithdrawnOn)})
	}
	for _, sh := range rec.Disclosures {
		if (sh.PersonID != p.ID && sh.PersonID != 0) || sh.Withheld {
			continue
		}
		dv := docs.DisclosureView{Date: sh.SharedOn.Format("2 January 2006"), Recipient: sh.Recipient, Method: sharing.Label(sharing.Methods(), sh.Method),
			LawfulBasis: sharing.Label(sharing.LawfulBases(), sh.LawfulBasis), Consent: sharing.Label(sharing.Consents(), sh.Consent), AboutFamily: sh.PersonID == 0}
		if !dv.AboutFamily {
			dv.What, dv.Why, dv.ConsentReason = sh.What, sh.Why, sh.ConsentReason
		}
		v.Disclosures = append(v.Disclosures, dv)
	}
	for _, r := range rec.Risk {
		if r.PersonID != p.ID || r.Status != "complete" {
			continue
		}
		rv := docs.RiskView{Date: r.AssessedOn.Format("2 January 2006"), Level: r.Level.Label(), Yes: r.Result.Yes, Answers: []docs.RiskAnswer{}}
		if r.Assessment != nil {
			// The answers only: the notes beside them (Context) may hold
			// what others said, and are left for the lead (ForReview).
			rv.ParentView, rv.Judgement = r.Assessment.ParentView, r.Assessment.JudgementReason
			rv.Answers = riskAnswers(r.Assessment.Answers, qs)
		}
		v.Risk = append(v.Risk, rv)
	}
	for _, in := range rec.Incidents {
		if in.PersonID != p.ID {
			continue
		}
		v.Incidents = append(v.Incidents, docs.IncidentView{Date: in.OccurredOn.Format("2 January 2006"), PoliceInvolved: in.PoliceInvolved,
			Injuries: in.Injuries, ChildrenPresent: in.ChildrenPresent})
	}
	for _, c := range rec.Changes {
		if c.PersonID != p.ID {
			continue
		}
		v.Changes = append(v.Changes, docs.ChangeView{Date: c.ChangedOn.Format("2 January 2006"), Kind: risk.ChangeLabel(c.Kind), Note: c.Note})
	}
	if sp := rec.SafetyPlan; sp != nil && sp.PersonID == p.ID && sp.Sections != nil {
		for _, kv := range store.SafetyPlanSectionNames() {
			if t := strings.TrimSpace(sp.Sections.Section(kv[0])); t != "" {
				v.SafetyPlan = append(v.SafetyPlan, docs.Section{Heading: kv[1], Lines: strings.Split(t, "\n")})
			}
		}
	}
	for _, m := range rec.Measures {
		if m.PersonID != p.ID {
			continue
		}
		score := strconv.FormatFloat(m.Score, 'f', -1, 64)
		if m.NoScore {
			score = "areas scored separately"
		}
		v.Measures = append(v.Measures, docs.MeasureView{Measure: strings.ToUpper(m.Instrument), Timepoint: m.Timepoint,
			Date: m.TakenOn.Format("2 January 2006"), Score: score, Band: m.Band})
	}
	for _, c := range rec.Closings { // read for this parent only
		v.Closings = append(v.Closings, docs.ClosingView{Date: c.ClosedOn.Format("2 January 2006"),
			Reason: casework.Label(casework.ClosureReasons(), c.Reason), Summary: c.Summary})
	}
	return v
}

// riskAnswers is each of the 24 questions, in order, with the parent's
// answer in the words the assessment's page uses (risk.Answer.Label). A
// question left unanswered is given as "Not answered" rather than left
// out: a completed assessment has every answer, so a gap is worth seeing,
// and a missing line would look like something withheld. A question the
// set lacks (only a set built in code can) keeps its number, so no answer
// is lost for want of its wording.
func riskAnswers(answers map[int]risk.Answer, qs risk.QuestionSet) []docs.RiskAnswer {
	out := make([]docs.RiskAnswer, 0, risk.NumQuestions)
	for n := 1; n <= risk.NumQuestions; n++ {
		text := "Question " + strconv.Itoa(n)
		if q, ok := qs.Question(n); ok && strings.TrimSpace(q.Text) != "" {
			text = q.Text
		}
		out = append(out, docs.RiskAnswer{Number: n, Question: text, Answer: answers[n].Label()})
	}
	return out
}

// ReviewItem is something in a parent's record that their export leaves
// out for a designated safeguarding lead to review before release (see
// Withheld): what it is, how many there are (0 for the family's, which
// the record read for the export does not count) and where to read them.
type ReviewItem struct {
	What  string
	Count int
	Where string
}

// ForReview lists where, in the parent's record the export was made from,
// the material it leaves out for the lead's own review is: each kind the
// record holds any of, then the family's (its risk to the children,
// safeguarding concerns, meetings and sharing about the family as a whole),
// which are on the family's page. The lead reads them there: this list
// only says where to look, so nothing withheld is forgotten.
func ForReview(rec store.PersonRecord) []ReviewItem {
	p := rec.Person
	person := "/people/" + strconv.FormatInt(p.ID, 10)
	var out []ReviewItem
	add := func(what string, n int, where string) {
		if n > 0 {
			out = append(out, ReviewItem{What: what, Count: n, Where: where})
		}
	}
	incidents := 0
	for _, in := range rec.Incidents {
		if in.PersonID == p.ID && (in.ReportedBy != "" || in.Details != "" || in.Withheld) {
			incidents++
		}
	}
	add("Incidents: who told us and what they said", incidents, person+"#risk")
	notes, noted := 0, int64(0)
	for _, r := range rec.Risk {
		if r.PersonID != p.ID || r.Status != "complete" || r.Assessment == nil {
			continue
		}
		for _, c := range r.Assessment.Context {
			if strings.TrimSpace(c) != "" {
				notes++
				noted = r.ID
				break
			}
		}
	}
	where := person + "#risk"
	if notes == 1 {
		where = person + "/dash/" + strconv.FormatInt(noted, 10)
	}
	add("Risk assessments with notes beside the answers", notes, where)
	add("MARAC referrals and what each MARAC decided", len(rec.MARACReferrals), person+"#marac-referrals") // read for this parent only
	supervision, corrected := 0, 0
	for _, s := range rec.Sessions {
		if s.PersonID != p.ID {
			continue
		}
		if s.Kind == "supervision" {
			supervision++
		} else if s.Corrected {
			corrected++
		}
	}
	add("Managers' supervision notes", supervision, person+"?show=supervision#sessions")
	documents := 0
	for _, d := range rec.Documents {
		if d.PersonID == p.ID {
			documents++
		}
	}
	add("Documents kept on their record: each file to review, and to give with the export where it can be shared", documents, person+"#documents")
	add("Session notes corrected since they were written: their earlier versions", corrected, person+"#sessions")
	add("Entries removed as entered in error (sessions removed are listed with the sessions)", len(rec.RemovedEntries), person+"#risk")
	family := 0
	for _, sh := range rec.Disclosures {
		if sh.PersonID == 0 {
			family++
		}
	}
	add("What was shared about the family as a whole", family, "/families/"+strconv.FormatInt(rec.Family.ID, 10)+"#sharing")
	out = append(out, ReviewItem{What: "The family's assessments of risk to the children, safeguarding concerns and meetings with other agencies",
		Where: "/families/" + strconv.FormatInt(rec.Family.ID, 10) + "#risk"})
	return out
}

// dateOrEmpty is a date as the export writes it, or "" when there is none.
func dateOrEmpty(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2 January 2006")
}

// ReferralView keeps what a referral holds about parent 1 or 2 and
// nothing about the other; false when it names no such parent.
func ReferralView(rec store.ReferralRecord, parent int, now time.Time) (docs.ReferralSubjectView, bool) {
	c := rec.Content
	p := c.Parent1
	if parent == 2 {
		p = c.Parent2
	}
	if strings.TrimSpace(p.GivenName+p.FamilyName) == "" {
		return docs.ReferralSubjectView{}, false
	}
	self := rec.Source == referral.Self && parent == 1
	v := docs.ReferralSubjectView{Generated: now, Name: p.Name(), NHSNumber: p.NHSNumber, Reference: rec.Reference,
		Received: rec.ReceivedAt.Format("2 January 2006"), Area: rec.AreaName, Status: rec.Status.Label(),
		Withheld: []string{"Everything about the other parent named in the referral."}}
	if t, err := time.Parse("2006-01-02", p.DateOfBirth); err == nil {
		v.DateOfBirth = t.Format("2 January 2006")
	}
	if t, err := time.Parse("2006-01-02", c.DueDate); err == nil {
		v.DueDate = t.Format("2 January 2006")
	}
	if p.Phone != "" || p.Email != "" || p.Address != "" || p.Postcode != "" {
		v.Contact = &docs.Contact{Address: p.Address, Postcode: p.Postcode, Phone: p.Phone, Email: p.Email}
	}
	switch {
	case self:
		v.HowReferred = "You referred yourself"
	case rec.Source == referral.Self:
		v.HowReferred = "The baby's other parent referred themselves and named you"
	default:
		v.HowReferred = "A professional referred you"
		v.Withheld = append(v.Withheld, "The referral as the professional who referred you wrote it, beyond your own details. A designated safeguarding lead reviews it separately and will tell you what can be shared.")
	}
	if rec.Channel != "" {
		v.HowReferred += ", " + strings.ToLower(referral.Label(referral.Channels(), rec.Channel))
	}
	if parent == 1 && c.SafeContact != nil && c.SafeContact.SafeToContact == "yes" {
		v.SafeContact = docs.JoinNonEmpty(", ", c.SafeContact.Number, c.SafeContact.Times)
		if c.SafeContact.LeaveMessage == "no" {
			v.SafeContact = docs.JoinNonEmpty(", ", v.SafeContact, "no messages")
		}
	}
	switch rec.Status {
	case referral.NotAccepted:
		v.Decision, v.Reasons, v.Signposting = "Not accepted", rec.DecisionReason, rec.SignpostedTo
		if rec.Decision != "" {
			v.Decision += ": " + strings.ToLower(referral.Label(referral.DeclineReasons(), rec.Decision))
		}
	case referral.Withdrawn:
		v.Decision, v.Reasons = "Withdrawn", rec.DecisionReason
	}
	if self {
		for _, qa := range []docs.Answer{
			{Question: "How are you connected?", Answer: referral.Label(referral.Relationships(), c.Relationship)},
			{Question: "Do you both want to bring up the baby together?", Answer: referral.Label(referral.Answers(), c.BothWantToCoParent)},
			{Question: "Anything else", Answer: c.AnythingElse},
		} {
			if strings.TrimSpace(qa.Answer) != "" {
				v.YourAnswers = append(v.YourAnswers, qa)
			}
		}
	}
	v.Withheld = append(v.Withheld, "Safeguarding concerns raised about the referral, which hold what other people told us. A designated safeguarding lead reviews these separately.")
	return v, true
}

// Export is a subject access export in one format, ready to write to a
// file or send as a download.
type Export struct {
	Body        []byte
	ContentType string
	Ext         string // "json" or "pdf"
}

// Render makes the export of view v in format: "json" for v itself, or
// anything else for doc (v laid out by docs.SubjectAccess or
// docs.ReferralSubjectAccess) as a PDF.
func Render(format string, v any, doc docs.Document) (Export, error) {
	if format == "json" {
		js, err := json.MarshalIndent(v, "", "  ")
		return Export{Body: append(js, '\n'), ContentType: "application/json; charset=utf-8", Ext: "json"}, err
	}
	pdf, err := docs.PDF(doc)
	if err != nil {
		return Export{}, fmt.Errorf("making the PDF: %w", err)
	}
	return Export{Body: pdf, ContentType: "application/pdf", Ext: "pdf"}, nil
}
