package web

import (
	"net/http"

	"github.com/cradle-org/cradle/internal/credential"
	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/store"
)

type tokensData struct {
	Tokens   []store.APIToken
	NewToken string // shown once, straight after creation
}

func (s *Server) tokensPage(w http.ResponseWriter, r *http.Request, u *requestUser) {
	if !s.may(w, r, u, policy.ManageTokens) {
		return
	}
	s.renderTokens(w, r, http.StatusOK, "", nil)
}

func (s *Server) renderTokens(w http.ResponseWriter, r *http.Request, status int, newToken string, errs problem.Fields) {
	list, err := s.db.APITokens(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, status, "tokens", Page{Title: "Partner API tokens", Nav: "tokens", Errors: errs, Form: r.PostForm,
		Data: tokensData{Tokens: list, NewToken: newToken}})
}

func (s *Server) tokenCreate(w http.ResponseWriter, r *http.Request, u *requestUser) {
	if !s.may(w, r, u, policy.ManageTokens) {
		return
	}
	token, err := credential.NewToken()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	token = "cradle_" + token
	err = s.db.Update(r.Context(), func(tx *store.Tx) error {
		_, err := tx.CreateAPIToken(r.PostForm.Get("organisation"), r.PostForm.Get("name"), credential.HashToken(token),
			[]string{policy.ScopeCreateReferrals}, u.staff.ID)
		return err
	})
	if p := problem.As(err); p != nil && p.Code == problem.Invalid {
		s.renderTokens(w, r, http.StatusUnprocessableEntity, "", p.Fields)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r.PostForm = nil // the form is done: show it empty
	s.renderTokens(w, r, http.StatusCreated, token, nil)
}

func (s *Server) tokenRevoke(w http.ResponseWriter, r *http.Request, u *requestUser) {
	if !s.may(w, r, u, policy.ManageTokens) {
		return
	}
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.db.Update(r.Context(), func(tx *store.Tx) error { return tx.RevokeAPIToken(id) }); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/tokens", http.StatusSeeOther)
}
