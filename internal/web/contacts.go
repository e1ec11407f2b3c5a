package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/store"
)

const contactRows = 6

type contactsData struct {
	AreaID int64
	Areas  []areaOption
	Rows   []int
}

func (s *Server) contactsPage(w http.ResponseWriter, r *http.Request, u *requestUser) {
	if !s.may(w, r, u, policy.ManageStaff) {
		return
	}
	areaID, _ := strconv.ParseInt(r.URL.Query().Get("area"), 10, 64)
	cs, err := s.db.KeyContacts(r.Context(), areaID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	form := url.Values{}
	i := 0
	for _, c := range cs {
		if c.AreaID != areaID {
			continue // every-area contacts are edited on their own page
		}
		n := "contacts[" + strconv.Itoa(i) + "]"
		form.Set(n+".name", c.Name)
		form.Set(n+".number", c.Number)
		form.Set(n+".note", c.Note)
		i++
	}
	s.renderContacts(w, r, http.StatusOK, areaID, form, nil)
}

func (s *Server) renderContacts(w http.ResponseWriter, r *http.Request, status int, areaID int64, form url.Values, errs problem.Fields) {
	areas, err := s.db.Areas(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := contactsData{AreaID: areaID}
	for _, a := range areas {
		d.Areas = append(d.Areas, areaOption{a.ID, a.Name})
	}
	for i := 0; i < contactRows; i++ {
		d.Rows = append(d.Rows, i)
	}
	s.render(w, r, status, "contacts", Page{Title: "Key contacts", Nav: "contacts", Errors: errs, Form: form, Data: d})
}

func (s *Server) contactsSave(w http.ResponseWriter, r *http.Request, u *requestUser) {
	areaID, err := strconv.ParseInt(r.PostForm.Get("area"), 10, 64)
	if err != nil && r.PostForm.Get("area") != "" {
		areaID = -1 // not an area's id: the store says so, rather than saving for every area
	}
	var cs []store.KeyContact
	for i := 0; i < contactRows; i++ {
		n := "contacts[" + strconv.Itoa(i) + "]"
		cs = append(cs, store.KeyContact{AreaID: areaID, Name: r.PostForm.Get(n + ".name"), Number: r.PostForm.Get(n + ".number"), Note: r.PostForm.Get(n + ".note")})
	}
	err = s.db.SetKeyContacts(r.Context(), u.staff.Actor(), areaID, cs)
	if p := problem.As(err); p != nil && p.Code == problem.Invalid {
		s.renderContacts(w, r, http.StatusUnprocessableEntity, areaID, r.PostForm, p.Fields)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/contacts?area="+strconv.FormatInt(areaID, 10), http.StatusSeeOther)
}
