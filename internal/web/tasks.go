package web

import (
	"net/http"
	"strconv"

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
	if r.PostForm.Get("back") == "family" && familyID != 0 {
		http.Redirect(w, r, "/families/"+strconv.FormatInt(familyID, 10)+"#tasks", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/caseload#tasks", http.StatusSeeOther)
}
