package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/store"
)

// Entries on a parent's record removed as entered in error (the sessions'
// own pages are in sessions.go): each is a link beside the entry on the
// person page that opens a form under it asking why.

// incidentRemove marks an incident as entered in error, with why; its
// problems come back in the incident's own form, opened under it.
func (s *Server) incidentRemove(w http.ResponseWriter, r *http.Request, u *requestUser) {
	s.entryRemove(w, r, u, "incident", "incident", "#risk", s.db.RemoveIncident)
}

// changeRemove marks a change in circumstances as entered in error.
func (s *Server) changeRemove(w http.ResponseWriter, r *http.Request, u *requestUser) {
	s.entryRemove(w, r, u, "change", "change in circumstances", "#risk", s.db.RemoveChange)
}

// maracRemove marks a MARAC referral as entered in error.
func (s *Server) maracRemove(w http.ResponseWriter, r *http.Request, u *requestUser) {
	s.entryRemove(w, r, u, "marac", "MARAC referral", "#marac-referrals", s.db.RemoveMARAC)
}

// vigRemove marks a VIG cycle as entered in error.
func (s *Server) vigRemove(w http.ResponseWriter, r *http.Request, u *requestUser) {
	s.entryRemove(w, r, u, "vig", "VIG cycle", "#vig", s.db.RemoveVIG)
}

// consentRemove marks a consent to share as entered in error.
func (s *Server) consentRemove(w http.ResponseWriter, r *http.Request, u *requestUser) {
	s.entryRemove(w, r, u, "consent", "consent", "#consent", s.db.RemoveConsent)
}

// entryRemove is the handlers above: the entry's id is the path's {eid},
// kind names its form (remove-incident-ID, say), noun the entry in words,
// anchor the person page's section to go back to.
func (s *Server) entryRemove(w http.ResponseWriter, r *http.Request, u *requestUser, kind, noun, anchor string, remove remover) {
	s.removeFrom(w, r, u, s.personPost, policy.EditConfidential, kind, noun, anchor, remove)
}

// meetingRemove marks a meeting of the team around the baby as entered in
// error, from the form the link beside it opens on the family page.
func (s *Server) meetingRemove(w http.ResponseWriter, r *http.Request, u *requestUser) {
	s.removeFrom(w, r, u, s.familyPost, policy.EditFamily, "meeting", "meeting", "#meetings", s.db.RemoveMeeting)
}

// shareRemove marks a disclosure in the family's sharing log as entered in
// error, from the form its link opens under the log.
func (s *Server) shareRemove(w http.ResponseWriter, r *http.Request, u *requestUser) {
	s.removeFrom(w, r, u, s.familyPost, policy.EditFamily, "share", "disclosure", "#sharing", s.db.RemoveShare)
}

// removalForm is what the "remove-form" partial needs: where the form
// posts, the page's CSRF token, the field asking why (its label naming the
// entry, its hint saying what removing it does) and the button's words.
type removalForm struct {
	Action, CSRF string
	Why          formField
	Button       string
}

// childRiskRemove marks an assessment of risk to the children as entered in
// error, from the form the link beside it opens on the family page.
func (s *Server) childRiskRemove(w http.ResponseWriter, r *http.Request, u *requestUser) {
	s.removeFrom(w, r, u, s.familyPost, policy.EditFamily, "child-risk", "assessment of risk to the children", "#child-risks", s.db.RemoveChildRisk)
}

// removedLine is what the "removed-line" partial needs: the entry in words
// ("The incident of 3 May 2026") and its removal.
type removedLine struct {
	What  string
	Entry store.RemovedEntry
}

// remover removes entry id of a person's or a family's record (ownerID)
// as entered in error, with why.
type remover func(ctx context.Context, actor policy.Actor, ownerID, id int64, why string) error

// recordPost is personPost or familyPost: a form posted from a record's
// page, its problems shown again on that page.
type recordPost func(w http.ResponseWriter, r *http.Request, u *requestUser, act policy.Action, open, firstField, anchor string,
	save func(id int64, f url.Values, fs *problem.Fields) error)

// removeFrom answers a removal form posted from a record's page (post)
// under act: the entry is the path's {eid}, the record its {id}.
func (s *Server) removeFrom(w http.ResponseWriter, r *http.Request, u *requestUser, post recordPost, act policy.Action, kind, noun, anchor string, remove remover) {
	eid, ok := s.entryID(w, r, noun)
	if !ok {
		return
	}
	open := "remove-" + kind + "-" + strconv.FormatInt(eid, 10)
	// Removed already, the entry has no form to show the reason back in.
	r = keepUnsaved(r, unsavedText{Field: "remove_why", Label: "Why the " + noun + " was entered in error", Text: r.PostForm.Get("remove_why")})
	post(w, r, u, act, open, "remove_why", anchor, func(id int64, f url.Values, _ *problem.Fields) error {
		return renameField(remove(r.Context(), u.staff.Actor(), id, eid, f.Get("remove_why")), "why", "remove_why")
	})
}

// entryID is the path's {eid}, answering the request itself when it is not
// a number; noun names the entry in words.
func (s *Server) entryID(w http.ResponseWriter, r *http.Request, noun string) (int64, bool) {
	eid, err := strconv.ParseInt(r.PathValue("eid"), 10, 64)
	if err != nil || eid <= 0 {
		s.fail(w, r, problem.New(problem.NotFound, "There is no such %s on this record", noun))
		return 0, false
	}
	return eid, true
}

// renameField gives an invalid form's problem about from the form's name
// for the field, to.
func renameField(err error, from, to string) error {
	p := problem.As(err)
	if p == nil || p.Code != problem.Invalid {
		return err
	}
	out := *p
	out.Fields = append([]problem.Field(nil), p.Fields...)
	for i := range out.Fields {
		if out.Fields[i].Name == from {
			out.Fields[i].Name = to
		}
	}
	return &out
}
