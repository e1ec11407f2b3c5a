package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/store"
)

// taskDoneForm is what the "Mark done" button's form needs: the page's
// CSRF token, the task, and the list to go back to ("family" or
// "caseload").
type taskDoneForm struct {
	CSRF string
	Task store.Task
	Back string
}

// taskDone marks a task done (store.CompleteTask, which asks the policy)
// and goes back to the list it was marked on: the family's page, or the
// reader's own caseload. Where to go back to is one of those two, never a
// path from the form, so the form cannot send anyone elsewhere.
func (s *Server) taskDone(w http.ResponseWriter, r *http.Request, u *requestUser) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	familyID, err := s.db.CompleteTask(r.Context(), u.staff.Actor(), id)
	// Already done (a second click, or someone else just now): what was
	// asked for is so, and the list shown again no longer holds it.
	if err != nil && problem.CodeOf(err) != problem.Conflict {
		s.fail(w, r, err)
		return
	}
	if person, _ := strconv.ParseInt(r.PostForm.Get("person"), 10, 64); r.PostForm.Get("back") == "person" && person > 0 {
		// A reminder marked done on its parent's page.
		http.Redirect(w, r, "/people/"+strconv.FormatInt(person, 10)+"#reminders", http.StatusSeeOther)
		return
	}
	if r.PostForm.Get("back") == "family" && familyID != 0 {
		http.Redirect(w, r, "/families/"+strconv.FormatInt(familyID, 10)+"#tasks", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/caseload#tasks", http.StatusSeeOther)
}

// taskReassign gives one of the family's open tasks to someone else who
// works in its area, from the form its "Reassign" link opens under the
// family's open tasks.
func (s *Server) taskReassign(w http.ResponseWriter, r *http.Request, u *requestUser) {
	tid, ok := s.entryID(w, r, "task")
	if !ok {
		return
	}
	open := "reassign-task-" + strconv.FormatInt(tid, 10)
	s.familyPost(w, r, u, policy.AllocateFamily, open, "assign_to", "#tasks", func(id int64, f url.Values, _ *problem.Fields) error {
		to, _ := strconv.ParseInt(f.Get("assign_to"), 10, 64) // not a number: 0, "choose who"
		return s.db.ReassignTask(r.Context(), u.staff.Actor(), id, tid, to)
	})
}
