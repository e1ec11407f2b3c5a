package web

import (
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/store"
)

// searchData is the "Find a person" page.
type searchData struct {
	Query    string
	Searched bool
	Hits     []store.PersonHit
	More     bool
	Limit    int
}

// Search query bounds: shorter finds too much to be useful, longer is not
// a name.
const (
	minSearch = 2
	maxSearch = 100
)

// searchPage finds people, by name or family reference, in the families
// the user may see.
func (s *Server) searchPage(w http.ResponseWriter, r *http.Request, u *requestUser) {
	if !s.may(w, r, u, policy.ListCases) {
		return
	}
	form := r.URL.Query()
	q := strings.TrimSpace(form.Get("q"))
	d := searchData{Query: q, Limit: store.SearchLimit}
	page := Page{Title: "Find a person", Nav: "search", Form: form, Data: &d}
	if !form.Has("q") {
		s.render(w, r, http.StatusOK, "search", page)
		return
	}
	var fs problem.Fields
	switch n := utf8.RuneCountInString(q); {
	case n == 0:
		fs.Add("q", "Enter a name or a family reference")
	case n < minSearch:
		fs.Add("q", "Enter at least 2 letters of a name, or a family reference like FAM-2026-0001")
	case n > maxSearch:
		fs.Add("q", "Enter a name or family reference of 100 characters or fewer")
	}
	if len(fs) > 0 {
		page.Errors = fs
		s.render(w, r, http.StatusBadRequest, "search", page)
		return
	}
	hits, more, err := s.db.SearchPeople(r.Context(), u.staff.Actor(), q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.Searched, d.Hits, d.More = true, hits, more
	s.render(w, r, http.StatusOK, "search", page)
}
