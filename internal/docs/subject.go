package docs

import (
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// SubjectView is a parent's own record for a subject access request, as
// the caller has assembled it: only that parent's information. The caller
// leaves out the other parent, other people's confidential material and
// third-party accounts; this package renders what it is given and lists
// what was withheld, so the reviewer and the parent can see it was not
// forgotten.
type SubjectView struct {
	Generated    time.Time         `json:"generated"`
	Name         string            `json:"name"`
	KnownAs      string            `json:"known_as,omitempty"`
	DateOfBirth  string            `json:"date_of_birth,omitempty"`
	Reference    string            `json:"family_reference"`
	Area         string            `json:"area"`
	Stage        string            `json:"stage"`
	Contact      *Contact          `json:"contact,omitempty"`
	SafeContact  string            `json:"safe_contact,omitempty"`
	Baby         *BabyView         `json:"baby,omitempty"`
	Sessions     []SessionView     `json:"sessions"`
	VIG          []VIGView         `json:"vig_cycles"`
	Pauses       []PauseView       `json:"pauses"`
	Departures   []DepartureView   `json:"times_away"`
	Reminders    []ReminderView    `json:"reminders"`
	Appointments []AppointmentView `json:"appointments"`
	Risk         []RiskView        `json:"risk_assessments"`
	Incidents    []IncidentView    `json:"incidents"`
	Changes      []ChangeView      `json:"changes_in_circumstances"`
	SafetyPlan   []Section         `json:"safety_plan"`
	Measures     []MeasureView     `json:"outcome_measures"`
	Consents     []ConsentView     `json:"consents_to_share"`
	Disclosures  []DisclosureView  `json:"disclosures"`
	Closings     []ClosingView     `json:"closing_summaries"`
	Withheld     []string          `json:"withheld"`
}

// ClosingView is a closure of the parent's case with what was written
// about the work with them.
type ClosingView struct {
	Date    string `json:"date"`
	Reason  string `json:"reason"`
	Summary string `json:"summary"`
}

// BabyView is the parent's baby, as the parent's own record shows it.
type BabyView struct {
	Name string `json:"name,omitempty"`
	Born string `json:"born,omitempty"`
	Due  string `json:"due,omitempty"`
}

// SessionView is one session with the parent.
type SessionView struct {
	Date       string `json:"date"`
	With       string `json:"with"`
	Mode       string `json:"mode"`
	Attendance string `json:"attendance"`
	Topic      string `json:"topic,omitempty"`
	Notes      string `json:"notes,omitempty"`
	Reason     string `json:"reason_not_held,omitempty"`
}

// VIGView is one Video Interaction Guidance cycle: when it was filmed,
// analysed and reviewed with the parent, and the strengths noted.
type VIGView struct {
	Phase     string `json:"phase"`
	Filmed    string `json:"filmed"`
	Analysed  string `json:"analysed,omitempty"`
	Reviewed  string `json:"reviewed,omitempty"`
	Strengths string `json:"strengths,omitempty"`
}

// PauseView is one pause in the parent's sessions.
type PauseView struct {
	Started string `json:"started"`
	Ended   string `json:"ended,omitempty"`
	Reason  string `json:"reason"`
	Note    string `json:"note,omitempty"`
}

// ReminderView is a reminder staff set themselves about the parent: when
// it was due, what it said, and when it was done, if it was.
type ReminderView struct {
	Due  string `json:"due"`
	What string `json:"what"`
	Done string `json:"done,omitempty"`
}

// AppointmentView is an appointment booked with the parent and still to
// come or to record: when, how, and where.
type AppointmentView struct {
	When  string `json:"when"`
	How   string `json:"how"`
	Where string `json:"where,omitempty"`
}

// DepartureView is one time the parent left the programme while the
// other parent carried on, and when they rejoined, if they did; or, with
// JoiningLater, their wait to join before they started, and when they
// joined.
type DepartureView struct {
	Left         string `json:"left"`
	Rejoined     string `json:"rejoined,omitempty"`
	Reason       string `json:"reason"`
	Note         string `json:"note,omitempty"`
	JoiningLater bool   `json:"joining_later,omitempty"`
}

// ConsentView is one consent to share the parent gave.
type ConsentView struct {
	Scope     string `json:"what_and_with_whom"`
	Given     string `json:"given"`
	Withdrawn string `json:"withdrawn,omitempty"`
}

// DisclosureView is one time information about the parent, or about
// their family as a whole, was shared with another agency: to whom, when,
// how, on what lawful basis and with or without their consent (UK GDPR
// Art. 15(1)(c): who has received their data). What and why are given for
// what was shared about them; for their family as a whole they are left
// out (it may be about others), and the lead reviews them.
type DisclosureView struct {
	Date          string `json:"date"`
	Recipient     string `json:"recipient"`
	Method        string `json:"method"`
	LawfulBasis   string `json:"lawful_basis"`
	Consent       string `json:"consent"`
	ConsentReason string `json:"consent_reason,omitempty"`
	AboutFamily   bool   `json:"about_the_family_as_a_whole"`
	What          string `json:"what,omitempty"`
	Why           string `json:"why,omitempty"`
}

// RiskView is one risk assessment: its summary and the parent's own answer
// to each question. The notes written beside the answers are not here:
// they may hold what others said, and are reviewed separately.
type RiskView struct {
	Date       string       `json:"date"`
	Level      string       `json:"level"`
	Yes        int          `json:"yes_answers"`
	ParentView string       `json:"your_view,omitempty"`
	Judgement  string       `json:"professional_judgement,omitempty"`
	Answers    []RiskAnswer `json:"answers"`
}

// RiskAnswer is one DASH question, in the wording the organisation asks
// it in, with the parent's answer in words ("Yes", "No", "Not known" or
// "Not answered").
type RiskAnswer struct {
	Number   int    `json:"number"`
	Question string `json:"question"`
	Answer   string `json:"answer"`
}

// IncidentView is one incident recorded on the parent's record.
type IncidentView struct {
	Date            string `json:"date"`
	PoliceInvolved  bool   `json:"police_involved"`
	Injuries        bool   `json:"injuries"`
	ChildrenPresent bool   `json:"children_present"`
}

// ChangeView is one change in the parent's circumstances: its date, the
// kind's label and the note written about it.
type ChangeView struct {
	Date string `json:"date"`
	Kind string `json:"kind"`
	Note string `json:"note,omitempty"`
}

// MeasureView is one outcome-measure result.
type MeasureView struct {
	Measure   string `json:"measure"`
	Timepoint string `json:"timepoint"`
	Date      string `json:"date"`
	Score     string `json:"score"`
	Band      string `json:"band,omitempty"`
}

// SubjectAccess builds the document a designated safeguarding lead reviews
// before it is given to the parent.
func SubjectAccess(v SubjectView) Document {
	d := Document{
		Title:     "Your record: " + v.Name,
		Subtitle:  "Family reference " + v.Reference + " · " + v.Area,
		Recipient: "Prepared for review by a designated safeguarding lead before it is given to you",
		Footer:    footer(v.Generated),
	}
	about := []string{"Name: " + v.Name}
	if v.KnownAs != "" {
		about = append(about, "Known as: "+v.KnownAs)
	}
	about = append(about, "Date of birth: "+orNone(v.DateOfBirth), "Where you are in the programme: "+v.Stage)
	if v.Contact != nil {
		about = append(about, contactLines(v.Contact)...)
	}
	if v.SafeContact != "" {
		about = append(about, "How to contact you safely: "+v.SafeContact)
	}
	d.Sections = append(d.Sections, Section{Heading: "About you", Lines: about})
	if v.Baby != nil {
		var lines []string
		if v.Baby.Name != "" {
			lines = append(lines, "Name: "+v.Baby.Name)
		}
		if v.Baby.Born != "" {
			lines = append(lines, "Born: "+v.Baby.Born)
		} else if v.Baby.Due != "" {
			lines = append(lines, "Due: "+v.Baby.Due)
		}
		d.Sections = append(d.Sections, Section{Heading: "Your baby", Lines: lines})
	}
	var sessions []string
	for _, s := range v.Sessions {
		line := s.Date + ": " + JoinNonEmpty(", ", s.Mode, s.Attendance, s.Topic) + " (with " + s.With + ")"
		sessions = append(sessions, line)
		if s.Reason != "" {
			sessions = append(sessions, "  Why it did not happen: "+s.Reason)
		}
		for _, l := range textLines(s.Notes) {
			sessions = append(sessions, "  "+l)
		}
	}
	d.Sections = append(d.Sections, Section{Heading: "Sessions", Lines: orNoneLines(sessions)})
	var vig []string
	for _, c := range v.VIG {
		vig = append(vig, c.Filmed+": "+c.Phase+" cycle filmed; micro-analysis "+orNotYet(c.Analysed)+", shared review "+orNotYet(c.Reviewed))
		for _, l := range textLines(c.Strengths) {
			vig = append(vig, "  "+l)
		}
	}
	d.Sections = append(d.Sections, Section{Heading: "Video Interaction Guidance", Lines: orNoneLines(vig)})
	if len(v.Pauses) > 0 {
		var pauses []string
		for _, p := range v.Pauses {
			pauses = append(pauses, spanLines(p.Started+": sessions paused ("+p.Reason+")", ", until ", p.Ended, p.Note)...)
		}
		d.Sections = append(d.Sections, Section{Heading: "Pauses in your sessions", Lines: pauses})
	}
	if len(v.Departures) > 0 {
		var away []string
		heading := "Times you left the programme"
		for _, a := range v.Departures {
			if a.JoiningLater {
				heading = "Times you were not taking part in the programme"
				away = append(away, spanLines(a.Left+": not started yet, joining later", ", joined ", a.Rejoined, a.Note)...)
				continue
			}
			away = append(away, spanLines(a.Left+": left the programme ("+a.Reason+")", ", rejoined ", a.Rejoined, a.Note)...)
		}
		d.Sections = append(d.Sections, Section{Heading: heading, Lines: away})
	}
	if len(v.Reminders) > 0 {
		var lines []string
		for _, m := range v.Reminders {
			lines = append(lines, spanLines(m.Due+": a reminder for your practitioner", ", done ", m.Done, m.What)...)
		}
		d.Sections = append(d.Sections, Section{Heading: "Reminders staff set about you", Lines: lines})
	}
	if len(v.Appointments) > 0 {
		var lines []string
		for _, a := range v.Appointments {
			line := a.When + ": " + a.How
			if a.Where != "" {
				line += ", " + a.Where
			}
			lines = append(lines, line)
		}
		d.Sections = append(d.Sections, Section{Heading: "Appointments booked with you", Lines: lines})
	}
	var risk []string
	for _, r := range v.Risk {
		risk = append(risk, r.Date+": "+r.Level+" ("+strconv.Itoa(r.Yes)+" questions answered yes)")
		if r.ParentView != "" {
			risk = append(risk, "  Your view: "+r.ParentView)
		}
		if r.Judgement != "" {
			risk = append(risk, "  Professional judgement: "+r.Judgement)
		}
		// Indented under a label line, as the safety plan's sections are,
		// so each assessment's 24 answers read as one block under its date.
		if len(r.Answers) > 0 {
			risk = append(risk, "  Your answers:")
		}
		for _, a := range r.Answers {
			risk = append(risk, "    "+riskAnswerLine(a))
		}
	}
	d.Sections = append(d.Sections, Section{Heading: "Risk assessments", Lines: orNoneLines(risk)})
	var incidents []string
	for _, in := range v.Incidents {
		incidents = append(incidents, in.Date+": police involved "+yesNoText(in.PoliceInvolved)+", injuries "+yesNoText(in.Injuries)+", children present "+yesNoText(in.ChildrenPresent))
	}
	d.Sections = append(d.Sections, Section{Heading: "Incidents recorded", Lines: orNoneLines(incidents)})
	var changes []string
	for _, c := range v.Changes {
		changes = append(changes, c.Date+": "+c.Kind)
		if c.Note == "" {
			continue
		}
		for _, l := range textLines(c.Note) {
			changes = append(changes, "  "+l)
		}
	}
	d.Sections = append(d.Sections, Section{Heading: "Changes in circumstances", Lines: orNoneLines(changes)})
	var plan []string
	for _, s := range v.SafetyPlan {
		plan = append(plan, s.Heading+":")
		for _, l := range s.Lines {
			plan = append(plan, "  "+l)
		}
	}
	d.Sections = append(d.Sections, Section{Heading: "Your safety plan", Lines: orNoneLines(plan)})
	var measures []string
	for _, m := range v.Measures {
		measures = append(measures, m.Date+": "+m.Measure+" ("+m.Timepoint+"): "+JoinNonEmpty(", ", m.Score, m.Band))
	}
	d.Sections = append(d.Sections, Section{Heading: "Questionnaires", Lines: orNoneLines(measures)})
	var consents []string
	for _, c := range v.Consents {
		line := c.Given + ": " + c.Scope
		if c.Withdrawn != "" {
			line += " (withdrawn " + c.Withdrawn + ")"
		}
		consents = append(consents, line)
	}
	d.Sections = append(d.Sections, Section{Heading: "What you agreed we could share", Lines: orNoneLines(consents)})
	var shared []string
	for _, sh := range v.Disclosures {
		about := "about you"
		if sh.AboutFamily {
			about = "about your family as a whole"
		}
		shared = append(shared, sh.Date+": to "+sh.Recipient+", "+about+", by "+strings.ToLower(sh.Method)+"; "+sh.LawfulBasis+"; "+sh.Consent)
		if sh.ConsentReason != "" {
			shared = append(shared, "  Why consent was not given or sought: "+sh.ConsentReason)
		}
		shared = append(shared, labelledLines("What was shared", sh.What)...)
		shared = append(shared, labelledLines("Why", sh.Why)...)
	}
	d.Sections = append(d.Sections, Section{Heading: "Who we shared your information with", Lines: orNoneLines(shared)})
	if len(v.Closings) > 0 {
		var closings []string
		for _, c := range v.Closings {
			closings = append(closings, c.Date+": "+c.Reason)
			for _, l := range textLines(c.Summary) {
				closings = append(closings, "  "+l)
			}
		}
		d.Sections = append(d.Sections, Section{Heading: "When your case closed", Lines: closings})
	}
	d.Sections = append(d.Sections, Section{Heading: "Not included, and why", Lines: orNoneLines(v.Withheld)})
	return d
}

func orNoneLines(lines []string) []string {
	if len(lines) == 0 {
		return []string{noneRecorded}
	}
	return lines
}

// orNotYet is a date, or "not yet" when there is none.
func orNotYet(date string) string {
	if date == "" {
		return "not yet"
	}
	return date
}

// riskAnswerLine is "1. Were you hurt? Yes": the question on one line
// (a licensed wording's line breaks would break the indentation), and a
// colon before the answer when the wording ends without punctuation.
func riskAnswerLine(a RiskAnswer) string {
	q := strings.Join(strings.Fields(a.Question), " ")
	if r, _ := utf8.DecodeLastRuneInString(q); unicode.IsLetter(r) || unicode.IsDigit(r) {
		q += ":"
	}
	return strconv.Itoa(a.Number) + ". " + q + " " + a.Answer
}

func yesNoText(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// ReferralSubjectView is what a referral never accepted holds about one of
// the parents it names, for their subject access request: their details
// as the referral gives them, what happened to it, and, when they referred
// themselves, their own answers. Nothing about the other parent named.
type ReferralSubjectView struct {
	Generated   time.Time `json:"generated"`
	Name        string    `json:"name"`
	DateOfBirth string    `json:"date_of_birth,omitempty"`
	NHSNumber   string    `json:"nhs_number,omitempty"`
	Contact     *Contact  `json:"contact,omitempty"`
	SafeContact string    `json:"safe_contact,omitempty"`
	Reference   string    `json:"referral_reference"`
	Received    string    `json:"received"`
	HowReferred string    `json:"how_referred"`
	Area        string    `json:"area,omitempty"`
	DueDate     string    `json:"due_date,omitempty"`
	Status      string    `json:"status"`
	Decision    string    `json:"decision,omitempty"`
	Reasons     string    `json:"reasons,omitempty"`
	Signposting string    `json:"signposting,omitempty"`
	// YourAnswers are the answers of a parent who referred themselves, in
	// their own words (empty for anyone else).
	YourAnswers []Answer `json:"your_answers,omitempty"`
	Withheld    []string `json:"withheld"`
}

// Answer is one question of a self-referral with the parent's answer.
type Answer struct {
	Question string `json:"question"`
	Answer   string `json:"answer"`
}

// ReferralSubjectAccess lays out a referral's subject access export for a
// designated safeguarding lead to review before release.
func ReferralSubjectAccess(v ReferralSubjectView) Document {
	d := Document{
		Title:     "Your referral: " + v.Name,
		Subtitle:  "Referral " + v.Reference,
		Recipient: "Prepared for review by a designated safeguarding lead before it is given to you",
		Footer:    footer(v.Generated),
	}
	about := []string{"Name: " + v.Name, "Date of birth: " + orNone(v.DateOfBirth)}
	if v.NHSNumber != "" {
		about = append(about, "NHS number: "+v.NHSNumber)
	}
	if v.Contact != nil {
		about = append(about, contactLines(v.Contact)...)
	}
	if v.SafeContact != "" {
		about = append(about, "How to contact you safely: "+v.SafeContact)
	}
	d.Sections = append(d.Sections, Section{Heading: "About you, as the referral gives it", Lines: about})
	ref := []string{"Received: " + v.Received, "How: " + v.HowReferred}
	if v.Area != "" {
		ref = append(ref, "Where: "+v.Area)
	}
	if v.DueDate != "" {
		ref = append(ref, "Baby due: "+v.DueDate)
	}
	ref = append(ref, "Where it is now: "+v.Status)
	if v.Decision != "" {
		ref = append(ref, "Decision: "+v.Decision)
		for _, l := range textLines(v.Reasons) {
			ref = append(ref, "  "+l)
		}
		if v.Signposting != "" {
			ref = append(ref, "Other support suggested:")
			for _, l := range textLines(v.Signposting) {
				ref = append(ref, "  "+l)
			}
		}
	}
	d.Sections = append(d.Sections, Section{Heading: "Your referral", Lines: ref})
	if len(v.YourAnswers) > 0 {
		var lines []string
		for _, a := range v.YourAnswers {
			lines = append(lines, a.Question)
			for _, l := range textLines(a.Answer) {
				lines = append(lines, "  "+l)
			}
		}
		d.Sections = append(d.Sections, Section{Heading: "What you told us", Lines: lines})
	}
	d.Sections = append(d.Sections, Section{Heading: "Not included, and why", Lines: orNoneLines(v.Withheld)})
	return d
}

// labelledLines is text under a label, indented: "  Label: first line",
// then "  " and each further line; nothing for empty text.
func labelledLines(label, text string) []string {
	if strings.TrimSpace(text) == "" {
		return nil
	}
	var out []string
	for i, l := range textLines(text) {
		if i == 0 {
			l = label + ": " + l
		}
		out = append(out, "  "+l)
	}
	return out
}

// spanLines is a time that may have ended (a pause, a time away): its line,
// with ended after sep when it has, then its note's lines indented. A note
// is optional: none is no line, not "None recorded".
func spanLines(line, sep, ended, note string) []string {
	if ended != "" {
		line += sep + ended
	}
	out := []string{line}
	if strings.TrimSpace(note) != "" {
		for _, l := range textLines(note) {
			out = append(out, "  "+l)
		}
	}
	return out
}
