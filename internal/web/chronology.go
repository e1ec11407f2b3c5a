package web

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/cradle-org/cradle/internal/casework"
	"github.com/cradle-org/cradle/internal/family"
	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/risk"
	"github.com/cradle-org/cradle/internal/safeguarding"
	"github.com/cradle-org/cradle/internal/sharing"
	"github.com/cradle-org/cradle/internal/store"
)

// chronoEvent is one line of a family's chronology: a significant event,
// whom it is about, and where it is recorded.
type chronoEvent struct {
	On    time.Time
	About string // a parent's name, the baby's, or "The family"
	// Whose is the filter it falls under: a parent's id, or "family" for
	// the family, the baby and other children.
	Whose string
	What  string
	Link  string // the record it is written on, "" when there is none to open
	// Withheld: what happened is confidential to the parent, and the
	// reader (or the document's readers) may not see it.
	Withheld bool
	// Risk: one of a parent's own risk records (an assessment, an
	// incident, a MARAC referral, a change in circumstances, a safety plan
	// review, a pause): left out of a document that could reach the other
	// parent, to whom even that one was made, and when, can say too much.
	Risk bool
}

// chronologyData is the chronology page: the events shown, and the filter.
type chronologyData struct {
	Family family.Family
	Events []chronoEvent
	All    int // events before the filter
	About  string
	Newest bool
	// AboutName names whom the events shown are about, when narrowed.
	AboutName string
	Parents   []family.Person
	// CanGenerate: the reader may make the chronology a document for
	// another agency (as the family's other documents, an open case's
	// practitioners and team manager).
	CanGenerate bool
}

// chronologyEvents turns what the store read into events, oldest first
// (events on the same day in the order a reader would expect: the family's,
// then each parent's). It shows what the parents' and family's pages show
// the reader and no more: a withheld reason stays withheld here.
func chronologyEvents(c store.Chronology) []chronoEvent {
	var out []chronoEvent
	f := c.Family
	familyPage := "/families/" + strconv.FormatInt(f.ID, 10)
	// add adds an event on a day that is known, and returns it (nil
	// otherwise) to be marked; risk marks one of a parent's risk records.
	add := func(on time.Time, about, whose, what, link string) *chronoEvent {
		if on.IsZero() {
			return nil
		}
		out = append(out, chronoEvent{On: on, About: about, Whose: whose, What: what, Link: link})
		return &out[len(out)-1]
	}
	private := func(e *chronoEvent) *chronoEvent {
		if e != nil {
			e.Risk = true
		}
		return e
	}
	const fam = "family"
	add(c.ReferredOn, "The family", fam, "Referral received", "")
	add(f.AcceptedOn, "The family", fam, "Referral accepted: the family's record opened", familyPage)
	add(f.AssessmentDoneOn, "The family", fam, "Assessment completed", familyPage)
	if b, ok := f.Baby(); ok && !b.DateOfBirth.IsZero() {
		add(b.DateOfBirth, b.Name(), fam, "Born", "/people/"+strconv.FormatInt(b.ID, 10))
	}
	for _, s := range c.StatusHistory {
		add(s.From, "The family", fam, "Safeguarding status: "+sharing.Label(sharing.Statuses(), s.Status), familyPage)
	}
	for _, m := range c.Meetings {
		add(m.HeldOn, "The family", fam, fmt.Sprintf("%s held; safeguarding status after it: %s",
			sharing.Label(sharing.MeetingKinds(), m.Kind), sharing.Label(sharing.Statuses(), m.StatusAfter)),
			familyPage+"#meeting-"+strconv.FormatInt(m.ID, 10))
	}
	for _, cr := range c.ChildRisks {
		about := "The baby and children"
		if cr.About != "" {
			about = cr.About
		}
		add(cr.AssessedOn, about, fam, "Risk to the children assessed: "+cr.Level.Label()+" risk", familyPage+"#child-risks")
	}
	for _, cl := range c.Closures {
		add(cl.ClosedOn, "The family", fam, "Case closed: "+casework.Label(casework.ClosureReasons(), cl.Reason), familyPage)
		add(cl.ReopenedAt, "The family", fam, "Case re-opened", familyPage)
	}
	for _, cn := range c.Concerns {
		about, whose := "The family", fam
		if cn.PersonName != "" {
			about = cn.PersonName
		} else if cn.AtRisk != "" {
			about = safeguarding.AtRisk(cn.AtRisk).Label()
		}
		if slices.ContainsFunc(f.Parents(), func(p family.Person) bool { return p.ID == cn.PersonID }) {
			whose = strconv.FormatInt(cn.PersonID, 10)
		}
		link := "/concerns/" + strconv.FormatInt(cn.ID, 10)
		raised := "Safeguarding concern raised"
		if cn.ImmediateDanger {
			raised += " (immediate danger)"
		}
		add(cn.RaisedAt, about, whose, raised, link)
		if cn.Decision != "" {
			add(cn.DecidedAt, about, whose, "Safeguarding concern decided: "+casework.Label(decisionOptions(), cn.Decision), link)
		}
		add(cn.ClosedAt, about, whose, "Safeguarding concern closed", link)
	}
	for _, rec := range c.Parents {
		p := rec.Person
		name, whose := p.Name(), strconv.FormatInt(p.ID, 10)
		page := "/people/" + whose
		what := "Practitioner: "
		for _, a := range c.Allocations {
			if a.PersonID == p.ID {
				add(a.From, name, whose, what+a.Staff, "")
				what = "New practitioner: "
			}
		}
		for _, ra := range rec.Risk {
			if ra.Status != "complete" {
				continue
			}
			link := page + "#risk"
			if rec.CanSeeConf && ra.Assessment != nil {
				link = page + "/dash/" + strconv.FormatInt(ra.ID, 10)
			}
			private(add(ra.AssessedOn, name, whose, "DASH risk assessment: "+ra.Level.Label()+" risk", link))
		}
		for _, in := range rec.Incidents {
			what := "Incident"
			for _, flag := range []struct {
				on   bool
				text string
			}{{in.PoliceInvolved, "police involved"}, {in.Injuries, "injuries"}, {in.ChildrenPresent, "children present"}} {
				if flag.on {
					what += " · " + flag.text
				}
			}
			private(add(in.OccurredOn, name, whose, what, page+"#incident-"+strconv.FormatInt(in.ID, 10)))
		}
		for _, m := range rec.MARACReferrals {
			what := "Referred to MARAC: no outcome recorded yet"
			if m.Outcome != "" {
				what = "Referred to MARAC: outcome recorded"
			}
			private(add(m.ReferredOn, name, whose, what, page+"#marac-"+strconv.FormatInt(m.ID, 10)))
		}
		for _, ch := range rec.Changes {
			what := "Change in circumstances: " + risk.ChangeLabel(ch.Kind)
			if ch.Withheld {
				what = "Change in circumstances recorded; what changed is withheld"
			}
			if e := private(add(ch.ChangedOn, name, whose, what, page+"#change-"+strconv.FormatInt(ch.ID, 10))); e != nil {
				e.Withheld = ch.Withheld
			}
		}
		if sp := rec.SafetyPlan; sp != nil {
			for _, rv := range sp.Reviews {
				private(add(rv.ReviewedOn, name, whose, "Safety plan reviewed", page+"/safety-plan"))
			}
		}
		for _, v := range rec.VIG {
			phase := "Antenatal"
			if v.Phase == "postnatal" {
				phase = "Postnatal"
			}
			add(v.FilmedOn, name, whose, phase+" Video Interaction Guidance cycle: filmed", page+"#vig")
			add(v.ReviewedOn, name, whose, phase+" Video Interaction Guidance cycle: shared review", page+"#vig")
		}
		for _, ps := range rec.Pauses {
			private(add(ps.StartedOn, name, whose, "Sessions paused: "+casework.Label(casework.PauseReasons(), ps.Reason), page))
			private(add(ps.EndedOn, name, whose, "Sessions resumed", page))
		}
		for _, d := range rec.Departures {
			switch {
			case d.Joining():
				add(d.LeftOn, name, whose, "Recorded as joining the programme later", page)
				add(d.RejoinedOn, name, whose, "Joined the programme", page)
			default:
				what := "Left the programme"
				if !d.Withheld {
					what += ": " + casework.Label(casework.LeavingReasons(), d.Reason)
				}
				add(d.LeftOn, name, whose, what, page)
				add(d.RejoinedOn, name, whose, "Rejoined the programme", page)
			}
		}
	}
	// Same-day events keep the order they were added in; a date read from
	// a DATE column and a time of day on the same day sort by the day.
	slices.SortStableFunc(out, func(a, b chronoEvent) int { return dayOf(a.On).Compare(dayOf(b.On)) })
	return out
}

func dayOf(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// familyChronology is a family's chronology of significant events: the
// referral and its acceptance, the birth, risk assessments, incidents,
// MARAC referrals, changes in circumstances, safeguarding concerns and
// status, meetings, VIG cycles, pauses, parents leaving and rejoining, closures.
// ?about= narrows it to a parent (their id) or to the family and children
// ("family"); ?order=newest puts the latest first.
func (s *Server) familyChronology(w http.ResponseWriter, r *http.Request, u *requestUser) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	c, err := s.db.ReadChronology(r.Context(), u.staff.Actor(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	d := chronologyData{Family: c.Family, Parents: c.Family.Parents(), Newest: q.Get("order") == "newest",
		CanGenerate: c.Family.Stage != family.Closed && policy.Can(u.staff.Actor(), policy.EditFamily, c.Family.Target(), s.cfg.Now())}
	events := chronologyEvents(c)
	d.All = len(events)
	// An about that names no one here (a parent of another family, say)
	// shows everything rather than an empty list that would look like a
	// family with no events.
	if a := q.Get("about"); a == "family" || slices.ContainsFunc(d.Parents, func(p family.Person) bool { return strconv.FormatInt(p.ID, 10) == a }) {
		d.About, d.AboutName = a, "the family, the baby and other children"
		for _, p := range d.Parents {
			if strconv.FormatInt(p.ID, 10) == a {
				d.AboutName = p.Name()
			}
		}
		events = slices.DeleteFunc(events, func(e chronoEvent) bool { return e.Whose != a })
	}
	if d.Newest {
		slices.Reverse(events)
	}
	d.Events = events
	s.render(w, r, http.StatusOK, "chronology", Page{Title: "Chronology: family " + c.Family.Reference, Nav: "caseload", Data: d})
}
