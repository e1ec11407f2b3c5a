// Package docs builds and renders the documents Cradle generates for the
// team around the baby: a referral to children's social care, a
// multi-agency meeting report and a chronology of a family's significant
// events.
//
// The package does not decide what is confidential. The caller asks the
// policy package and passes a view in which withheld details are already
// absent (nil); this package renders that view faithfully and never fills a
// gap from anywhere else.
package docs

import (
	"strconv"
	"strings"
	"time"
)

// ParentView is one co-parent as the document may show them.
type ParentView struct {
	Name         string
	Practitioner string
	Experience   string   // e.g. "Experiences domestic abuse", "Uses abusive behaviours"
	RiskLevel    string   // e.g. "High", "" if none; the caller says when it is withheld
	Contact      *Contact // nil: withheld from this document (confidential to the other parent's side)
}

// Contact is how to reach a parent.
type Contact struct {
	Address  string `json:"address,omitempty"`
	Postcode string `json:"postcode,omitempty"`
	Phone    string `json:"phone,omitempty"`
	Email    string `json:"email,omitempty"`
}

// Professional is one member of the team around the baby.
type Professional struct{ Name, Role, Organisation, Phone, Email string }

// FamilyView is the family record as this document may show it.
type FamilyView struct {
	Reference, Area    string
	EDD, BabyBorn      time.Time // zero = not known / not born
	BabyName           string
	Parents            []ParentView
	SafeguardingStatus string // label, e.g. "Child in need"
	Team               []Professional
}

// Document is a generated document, independent of its output format.
type Document struct {
	Title, Subtitle string
	Recipient       string // e.g. "Blackpool Children's Services (MASH)"
	Sections        []Section
	Footer          string
}

// Section is a heading and its lines.
type Section struct {
	Heading string
	Lines   []string
}

// MeetingView is a multi-agency meeting as the report may show it.
type MeetingView struct {
	Kind, Attendees, Decisions, StatusAfter string
	HeldOn                                  time.Time
	Actions                                 []ActionView
}

// ActionView is one agreed action.
type ActionView struct {
	What, Owner string
	Due         time.Time
}

// noneRecorded is what an empty list or field shows, so a reader can tell
// "nothing recorded" apart from a rendering fault.
const noneRecorded = "None recorded"

// Withheld is the exact line shown in place of a parent's contact details
// when the caller has withheld them.
const Withheld = "Contact details: withheld (confidential)"

// ReferralToCSC builds a referral to children's social care from the record.
// from is the referring practitioner's name and role; to is the recipient.
func ReferralToCSC(v FamilyView, from string, to string, concerns string, generated time.Time) Document {
	secs := []Section{
		{Heading: "Why we are referring", Lines: textLines(concerns)},
		babySection(v),
	}
	secs = append(secs, parentSections(v.Parents)...)
	secs = append(secs,
		Section{Heading: "Safeguarding status", Lines: []string{orNone(v.SafeguardingStatus)}},
		Section{Heading: "Professionals involved", Lines: teamLines(v.Team)},
		Section{Heading: "Referrer", Lines: []string{orNone(from)}},
	)
	return Document{
		Title:     "Referral to children's social care",
		Subtitle:  subtitle(v),
		Recipient: strings.TrimSpace(to),
		Sections:  secs,
		Footer:    footer(generated),
	}
}

// MeetingReport builds a multi-agency meeting report.
func MeetingReport(v FamilyView, m MeetingView, to string, generated time.Time) Document {
	meeting := []string{
		"Meeting type: " + orLower(m.Kind),
		"Date: " + dateOr(m.HeldOn, "not recorded"),
	}
	switch att := textLines(m.Attendees); {
	case strings.TrimSpace(m.Attendees) == "":
		meeting = append(meeting, "Attendees: none recorded")
	case len(att) == 1:
		meeting = append(meeting, "Attendees: "+att[0])
	default:
		meeting = append(meeting, "Attendees:")
		meeting = append(meeting, att...)
	}

	secs := []Section{
		{Heading: "Meeting", Lines: meeting},
		babySection(v),
	}
	secs = append(secs, parentSections(v.Parents)...)
	secs = append(secs,
		Section{Heading: "Decisions", Lines: textLines(m.Decisions)},
		Section{Heading: "Actions", Lines: actionLines(m.Actions)},
		Section{Heading: "Safeguarding status after the meeting", Lines: []string{orNone(m.StatusAfter)}},
	)
	return Document{
		Title:     "Multi-agency meeting report",
		Subtitle:  subtitle(v),
		Recipient: strings.TrimSpace(to),
		Sections:  secs,
		Footer:    footer(generated),
	}
}

// ChronologyLine is one significant event in a family's chronology, as
// the caller has already worded it for the document's readers.
type ChronologyLine struct {
	On          time.Time
	About, What string
}

// Chronology builds a chronology of a family's significant events, oldest
// first as the caller gives them, for another agency (a child protection
// conference, say). purpose is what it is for, in the author's words;
// leftOut says what the caller left out, and why, one line each.
func Chronology(v FamilyView, events []ChronologyLine, leftOut []string, from, to, purpose string, generated time.Time) Document {
	var lines []string
	for _, e := range events {
		lines = append(lines, JoinNonEmpty(" — ", dateOr(e.On, "date not recorded"), e.About, e.What))
	}
	if len(lines) == 0 {
		lines = []string{noneRecorded}
	}
	secs := []Section{
		{Heading: "What this chronology is for", Lines: textLines(purpose)},
		babySection(v),
	}
	secs = append(secs, parentSections(v.Parents)...)
	secs = append(secs,
		Section{Heading: "Safeguarding status", Lines: []string{orNone(v.SafeguardingStatus)}},
		Section{Heading: "Significant events, oldest first", Lines: lines},
	)
	if len(leftOut) > 0 {
		secs = append(secs, Section{Heading: "Left out", Lines: leftOut})
	}
	secs = append(secs, Section{Heading: "Prepared by", Lines: []string{orNone(from)}})
	return Document{
		Title:     "Chronology of significant events",
		Subtitle:  subtitle(v),
		Recipient: strings.TrimSpace(to),
		Sections:  secs,
		Footer:    footer(generated),
	}
}

// Text is the document as plain text (title, recipient, every section,
// footer): for the preview page and tests.
func Text(d Document) string {
	var b strings.Builder
	b.WriteString(d.Title + "\n")
	if d.Subtitle != "" {
		b.WriteString(d.Subtitle + "\n")
	}
	if d.Recipient != "" {
		b.WriteString("To: " + d.Recipient + "\n")
	}
	for _, s := range d.Sections {
		b.WriteString("\n" + s.Heading + "\n")
		for _, l := range s.Lines {
			b.WriteString(l + "\n")
		}
	}
	if d.Footer != "" {
		b.WriteString("\n" + d.Footer + "\n")
	}
	return b.String()
}

const dateLayout = "2 January 2006"

func subtitle(v FamilyView) string {
	var parts []string
	if r := strings.TrimSpace(v.Reference); r != "" {
		parts = append(parts, "Family reference "+r)
	}
	if a := strings.TrimSpace(v.Area); a != "" {
		parts = append(parts, a)
	}
	return strings.Join(parts, ", ")
}

func footer(generated time.Time) string {
	s := "Confidential: contains special category personal data. Generated by Cradle"
	if !generated.IsZero() {
		s += " on " + generated.Format(dateLayout)
	}
	return s + "."
}

func babySection(v FamilyView) Section {
	var lines []string
	if !v.BabyBorn.IsZero() {
		lines = append(lines, "Date of birth: "+v.BabyBorn.Format(dateLayout))
	} else {
		lines = append(lines, "Due date: "+dateOr(v.EDD, "not known"))
	}
	lines = append(lines, "Name: "+orLower(v.BabyName))
	return Section{Heading: "The baby", Lines: lines}
}

// parentSections renders each co-parent. Contact lines come only from that
// parent's own Contact; a nil Contact is shown as withheld and nothing else.
func parentSections(ps []ParentView) []Section {
	if len(ps) == 0 {
		return []Section{{Heading: "Parents", Lines: []string{noneRecorded}}}
	}
	out := make([]Section, 0, len(ps))
	for i, p := range ps {
		heading := "Parent " + strconv.Itoa(i+1)
		if n := strings.TrimSpace(p.Name); n != "" {
			heading += ": " + n
		}
		lines := []string{"Practitioner: " + orLower(p.Practitioner)}
		if e := strings.TrimSpace(p.Experience); e != "" {
			lines = append(lines, e)
		}
		lines = append(lines, "Risk level: "+orLower(p.RiskLevel))
		lines = append(lines, contactLines(p.Contact)...)
		out = append(out, Section{Heading: heading, Lines: lines})
	}
	return out
}

func contactLines(c *Contact) []string {
	if c == nil {
		return []string{Withheld}
	}
	var lines []string
	if a := JoinNonEmpty(", ", c.Address, c.Postcode); a != "" {
		lines = append(lines, "Address: "+a)
	}
	if p := strings.TrimSpace(c.Phone); p != "" {
		lines = append(lines, "Phone: "+p)
	}
	if e := strings.TrimSpace(c.Email); e != "" {
		lines = append(lines, "Email: "+e)
	}
	if len(lines) == 0 {
		return []string{"Contact details: none recorded"}
	}
	return lines
}

func teamLines(team []Professional) []string {
	var lines []string
	for _, p := range team {
		who := strings.TrimSpace(p.Name)
		if ro := JoinNonEmpty(", ", p.Role, p.Organisation); ro != "" {
			who = JoinNonEmpty(" ", who, "("+ro+")")
		}
		if l := JoinNonEmpty(" — ", who, p.Phone, p.Email); l != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) == 0 {
		return []string{noneRecorded}
	}
	return lines
}

func actionLines(actions []ActionView) []string {
	var lines []string
	for _, a := range actions {
		what := strings.TrimSpace(a.What)
		if what == "" {
			what = "action not described"
		}
		owner := strings.TrimSpace(a.Owner)
		if owner == "" {
			owner = "owner not recorded"
		}
		due := "no due date"
		if !a.Due.IsZero() {
			due = "due " + a.Due.Format(dateLayout)
		}
		lines = append(lines, what+" — "+owner+" — "+due)
	}
	if len(lines) == 0 {
		return []string{noneRecorded}
	}
	return lines
}

// textLines splits free text into its non-blank lines, so a paragraph break
// typed into a form survives into the document.
func textLines(s string) []string {
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) == 0 {
		return []string{noneRecorded}
	}
	return lines
}

// JoinNonEmpty joins the parts that are not blank, trimmed, with sep.
func JoinNonEmpty(sep string, parts ...string) string {
	var keep []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			keep = append(keep, p)
		}
	}
	return strings.Join(keep, sep)
}

func orNone(s string) string {
	if s = strings.TrimSpace(s); s == "" {
		return noneRecorded
	}
	return s
}

// orLower is orNone for use after a label ("Risk level: none recorded").
func orLower(s string) string {
	if s = strings.TrimSpace(s); s == "" {
		return "none recorded"
	}
	return s
}

func dateOr(t time.Time, missing string) string {
	if t.IsZero() {
		return missing
	}
	return t.Format(dateLayout)
}
