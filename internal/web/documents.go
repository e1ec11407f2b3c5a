package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/cradle-org/cradle/internal/docs"
	"github.com/cradle-org/cradle/internal/family"
	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/sharing"
	"github.com/cradle-org/cradle/internal/store"
)

// Generated documents go to another agency. Before anything is built, the
// user says who could end up reading it: if a document could reach one
// parent or their practitioner, the OTHER parent's confidential details are
// left out, whatever the user may see themselves.

type documentData struct {
	Family   family.Family
	Kind     string // csc, meeting, chronology
	Meetings []sharing.Meeting
	Preview  string
	Audience []referralOption
}

type referralOption struct{ Value, Label string }

func audienceOptions(f family.Family) []referralOption {
	out := []referralOption{{"agency", "Only the receiving agency: neither parent nor their practitioner"}}
	for _, p := range f.Parents() {
		out = append(out, referralOption{"parent_" + strconv.FormatInt(p.ID, 10), "It may be shared with " + p.Name() + " or their practitioner"})
	}
	return append(out, referralOption{"both", "It may be shared with both parents"})
}

func (s *Server) documentForm(w http.ResponseWriter, r *http.Request, u *requestUser) {
	s.showDocument(w, r, u, http.StatusOK, nil, "")
}

func (s *Server) showDocument(w http.ResponseWriter, r *http.Request, u *requestUser, status int, errs problem.Fields, preview string) {
	fp, ok := s.familyPageFor(w, r, u, policy.EditFamily)
	if !ok {
		return
	}
	f, meetings := fp.Family, fp.Meetings
	kind := documentKind(submitted(r))
	s.render(w, r, status, "document", Page{Title: "Generate a document", Nav: "caseload", Errors: errs, Form: submitted(r),
		Data: documentData{Family: f, Kind: kind, Meetings: meetings, Preview: preview, Audience: audienceOptions(f)}})
}

// documentKind is the kind of document a form asks for: a meeting report,
// a chronology, or (anything else) a referral to children's social care.
func documentKind(form url.Values) string {
	switch k := form.Get("kind"); k {
	case "meeting", "chronology":
		return k
	}
	return "csc"
}

// buildDocument builds the document the form describes from the family's
// page as read for u, with confidential details included only where the
// audience and the policy both allow.
func (s *Server) buildDocument(r *http.Request, u *requestUser, fp store.FamilyPage, form url.Values) (docs.Document, problem.Fields, error) {
	f := fp.Family
	var fs problem.Fields
	to := form.Get("recipient")
	fs.Text("recipient", "Recipient", &to, 200, false)
	if to == "" && !fs.Has("recipient") {
		fs.Add("recipient", "Enter who the document is for: the person and their agency")
	}
	audience := form.Get("audience")
	valid := false
	for _, o := range audienceOptions(f) {
		valid = valid || o.Value == audience
	}
	if !valid {
		fs.Add("audience", "Say who could end up reading the document")
	}
	view := docs.FamilyView{Reference: f.Reference, Area: f.AreaName, EDD: f.EDD, SafeguardingStatus: sharing.Label(sharing.Statuses(), f.SafeguardingStatus)}
	if b, ok := f.Baby(); ok {
		view.BabyBorn, view.BabyName = b.DateOfBirth, b.Name()
	}
	levels := map[int64]string{}
	for _, pr := range fp.Risk.Parents {
		if pr.Level != "" {
			levels[pr.PersonID] = pr.Level.Label()
		}
	}
	mayReach := func(id int64) bool { return audience == "agency" || audience == "parent_"+strconv.FormatInt(id, 10) }
	for _, p := range f.Parents() {
		pv := docs.ParentView{Name: p.Name(), Practitioner: p.PractitionerName, Experience: p.Experience.Label(), RiskLevel: levels[p.ID]}
		if c := p.Confidential; c != nil && mayReach(p.ID) {
			pv.Contact = &docs.Contact{Address: c.Address, Postcode: c.Postcode, Phone: c.Phone, Email: c.Email}
		}
		// Nor their risk level: a DASH result is not for the other parent
		// (who may be the one it is about) to read.
		if !mayReach(p.ID) && pv.RiskLevel != "" {
			pv.RiskLevel = "withheld (this document could reach the other parent)"
		}
		view.Parents = append(view.Parents, pv)
	}
	for _, t := range fp.Team {
		view.Team = append(view.Team, docs.Professional{Name: t.Name, Role: t.Role, Organisation: t.Organisation, Phone: t.Phone, Email: t.Email})
	}
	now := s.cfg.Now()
	from := u.staff.Name + ", " + u.staff.Role.Label()
	switch documentKind(form) {
	case "chronology":
		purpose := form.Get("purpose")
		fs.Text("purpose", "What the chronology is for", &purpose, 10000, true)
		if strings.TrimSpace(purpose) == "" && !fs.Has("purpose") {
			fs.Add("purpose", "Say what the chronology is for")
		}
		if len(fs) > 0 {
			return docs.Document{}, fs, nil
		}
		// Read as the document's readers may read it: a parent's
		// confidential parts only when it cannot reach the other parent's
		// side, and the safeguarding concerns only for the receiving
		// agency alone.
		c, err := s.db.ReadChronologyFor(r.Context(), u.staff.Actor(), f.ID, store.ChronologyFor{
			Withhold: func(id int64) bool { return !mayReach(id) }, NoConcerns: audience != "agency", Detail: "chronology document"})
		if err != nil {
			return docs.Document{}, nil, err
		}
		// A parent's own risk records are left out altogether where the
		// other parent could read it: that an incident was disclosed, a
		// MARAC referral made or a change recorded, and when, can put them
		// at risk, whatever it says.
		var left []string
		withheld := map[string]bool{} // by chronoEvent.Whose
		for _, p := range f.Parents() {
			if !mayReach(p.ID) {
				withheld[strconv.FormatInt(p.ID, 10)] = true
				left = append(left, p.Name()+"'s risk assessments, incidents, MARAC referrals, changes in circumstances, safety plan reviews and pauses: this document could reach the other parent or their practitioner.")
			}
		}
		var lines []docs.ChronologyLine
		for _, e := range chronologyEvents(c) {
			if !e.Risk || !withheld[e.Whose] {
				lines = append(lines, docs.ChronologyLine{On: e.On, About: e.About, What: e.What})
			}
		}
		return docs.Chronology(view, lines, left, from, to, purpose, now), fs, nil
	case "meeting":
		mid, _ := strconv.ParseInt(form.Get("meeting"), 10, 64)
		for _, m := range fp.Meetings {
			if m.ID == mid {
				mv := docs.MeetingView{Kind: sharing.Label(sharing.MeetingKinds(), m.Kind), Attendees: m.Attendees, Decisions: m.Decisions,
					StatusAfter: sharing.Label(sharing.Statuses(), m.StatusAfter), HeldOn: m.HeldOn}
				for _, a := range m.Actions {
					mv.Actions = append(mv.Actions, docs.ActionView{What: a.What, Owner: a.Owner, Due: a.Due})
				}
				return docs.MeetingReport(view, mv, to, now), fs, nil
			}
		}
		fs.Add("meeting", "Choose the meeting to report")
		return docs.Document{}, fs, nil
	}
	concerns := form.Get("concerns")
	fs.Text("concerns", "Why you are referring", &concerns, 10000, true)
	if strings.TrimSpace(concerns) == "" && !fs.Has("concerns") {
		fs.Add("concerns", "Say why you are referring the family")
	}
	return docs.ReferralToCSC(view, from, to, concerns, now), fs, nil
}

// documentMentions refuses a parent's confidential details typed where
// they would reach someone who may not see them (family.MentionsIn, over
// the family as read for the author: only the parents whose details they
// may see): the referral's reasons, in a document whose audience includes
// the other parent's side, and the sharing log's with whom, why and
// consent reason, which everyone working with the family reads (the store refuses those
// too, when the document is generated and logged).
func documentMentions(f family.Family, form url.Values, share sharing.Share) problem.Fields {
	audience := form.Get("audience")
	mayReach := func(p family.Person) bool {
		return audience == "agency" || audience == "parent_"+strconv.FormatInt(p.ID, 10)
	}
	var fs problem.Fields
	// The author's own words: why they refer, or what a chronology is for.
	typed := map[string]string{"csc": "concerns", "chronology": "purpose"}[documentKind(form)]
	if typed != "" {
		if m, ok := family.MentionsIn(f, mayReach, form.Get(typed)); ok {
			fs.Add(typed, m.Message("some who could end up reading the document", ""))
		}
	}
	never := func(family.Person) bool { return false }
	for _, fd := range []struct{ name, text string }{{"recipient", share.Recipient}, {"why", share.Why}, {"consent_reason", share.ConsentReason}} {
		if m, ok := family.MentionsIn(f, never, fd.text); ok {
			fs.Add(fd.name, m.Message("others working with the family", ""))
		}
	}
	return fs
}

func (s *Server) documentPost(w http.ResponseWriter, r *http.Request, u *requestUser) {
	fp, ok := s.familyPageFor(w, r, u, policy.EditFamily)
	if !ok {
		return
	}
	f, form := fp.Family, r.PostForm
	doc, fs, err := s.buildDocument(r, u, fp, form)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	share := sharing.Share{SharedOn: s.cfg.Now(), Recipient: form.Get("recipient"), What: doc.Title + " (generated document)",
		Why: form.Get("why"), Method: "document", LawfulBasis: form.Get("lawful_basis"), Consent: form.Get("consent"), ConsentReason: form.Get("consent_reason")}
	if len(fs) == 0 {
		if err := share.Validate(s.cfg.Now()); err != nil {
			fs = mergeFields(fs, err)
		}
	}
	if len(fs) == 0 {
		fs = documentMentions(f, form, share)
	}
	if len(fs) > 0 {
		s.showDocument(w, r, u, http.StatusUnprocessableEntity, fs, "")
		return
	}
	if form.Get("action") != "generate" {
		s.showDocument(w, r, u, http.StatusOK, nil, docs.Text(doc))
		return
	}
	pdf, err := docs.PDF(doc)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// Every generated document is logged in the information-sharing log.
	if err := s.db.RecordShare(r.Context(), u.staff.Actor(), f.ID, share); err != nil {
		if p := problem.As(err); p != nil && p.Code == problem.Invalid {
			s.showDocument(w, r, u, http.StatusUnprocessableEntity, mergeFields(nil, err), "")
			return
		}
		s.fail(w, r, err)
		return
	}
	// The file is named for the document built, never from the form's text.
	kind := documentKind(form)
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="`+f.Reference+`-`+kind+`.pdf"`)
	send(w, pdf)
}
