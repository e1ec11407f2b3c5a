package web

import (
	"encoding/base64"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/cradle-org/cradle/internal/credential"
	"github.com/cradle-org/cradle/internal/notice"
	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/store"
)

// A member of staff moving to a new authenticator app (a new phone) sets
// it up themselves: the page shows a new key, as a QR code and as text;
// they add it to the new app and give their password and a code from it.
// The old app's codes stop working, every other session ends and they are
// emailed. Nothing is stored until the new app's code is right: the new
// key travels in the form, sealed to them and this session
// (store.SealPendingAuthenticator). Whoever has lost their app altogether
// asks an administrator for new sign-in details, as before.

type authenticatorData struct {
	Secret  string       // the new key, to type into the app
	QR      template.URL // the same as a QR code (a data: URL)
	Pending string       // the key sealed for the form
}

func (s *Server) authenticatorForm(w http.ResponseWriter, r *http.Request, u *requestUser) {
	if !s.may(w, r, u, policy.ManageOwnAccount) {
		return
	}
	s.showAuthenticator(w, r, u, http.StatusOK, "", nil)
}

// showAuthenticator renders the set-up page for secret (a new one when
// empty), with the problems found and the code typed, never the password.
func (s *Server) showAuthenticator(w http.ResponseWriter, r *http.Request, u *requestUser, status int, secret string, fs problem.Fields) {
	var link string
	var err error
	if secret == "" {
		secret, link, err = credential.NewTOTPSecret("Cradle", u.staff.Email)
	} else {
		link, err = credential.TOTPLink("Cradle", u.staff.Email, secret)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	qr, err := totpQR(link)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pending, err := s.db.SealPendingAuthenticator(u.staff.ID, u.session.TokenHash, secret)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := authenticatorData{Secret: spaced(secret), Pending: pending, QR: qr}
	var form url.Values
	if fs != nil {
		form = url.Values{"code": {r.PostForm.Get("code")}}
	}
	s.render(w, r, status, "account-authenticator", Page{Title: "Set up a new authenticator app", Nav: "home", Errors: fs, Form: form, Data: d})
}

// totpQR draws an authenticator link as a QR code, in a data: URL for an
// img on the page (the policy allows data: images; nothing is fetched).
func totpQR(link string) (template.URL, error) {
	png, err := credential.TOTPQRCode(link, 200)
	if err != nil {
		return "", err
	}
	return template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png)), nil // #nosec G203 -- a PNG drawn here from a link made here, not input
}

// spaced groups a key in fours, as authenticator apps show and accept it.
func spaced(secret string) string {
	var b strings.Builder
	for i, c := range secret {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(c)
	}
	return b.String()
}

func (s *Server) authenticatorChange(w http.ResponseWriter, r *http.Request, u *requestUser) {
	if !s.may(w, r, u, policy.ManageOwnAccount) {
		return
	}
	secret, err := s.db.OpenPendingAuthenticator(u.staff.ID, u.session.TokenHash, r.PostForm.Get("pending"))
	if problem.CodeOf(err) == problem.Invalid {
		// Expired, or not what this page gave: a new key, to add afresh.
		s.showAuthenticator(w, r, u, http.StatusUnprocessableEntity, "", problem.Fields{{Name: "code", Message: problem.MessageOf(err)}})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	fs, status, err := s.reauthenticate(r, u, r.PostForm.Get("password"), "password", "password")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if status == http.StatusTooManyRequests {
		s.showAuthenticator(w, r, u, status, secret, fs)
		return
	}
	step, err := credential.CheckTOTP(secret, r.PostForm.Get("code"), s.cfg.Now(), 0)
	switch {
	case strings.TrimSpace(r.PostForm.Get("code")) == "":
		fs.Add("code", "Enter the 6-digit security code your new authenticator app shows")
	case errors.Is(err, credential.ErrCodeFormat):
		fs.Add("code", "Enter the security code as 6 numbers, like 123456")
	case errors.Is(err, credential.ErrCodeWrong):
		fs.Add("code", "The security code is wrong or has expired. Enter the code your new authenticator app shows now")
	case err != nil:
		s.fail(w, r, err)
		return
	}
	if len(fs) > 0 {
		s.showAuthenticator(w, r, u, http.StatusUnprocessableEntity, secret, fs)
		return
	}
	when := formatDateTime(s.cfg.Now())
	ended, err := s.db.ChangeOwnAuthenticator(r.Context(), u.staff.Actor(), store.AuthenticatorChange{Secret: secret, Step: step, Session: u.session.TokenHash},
		func(tx *store.Tx, email string) error {
			subject, text := notice.AuthenticatorChanged(s.cfg.OrgName, when)
			return tx.QueueMail("authenticator_changed", email, subject, text, nil)
		})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.wakeMail()
	to := "/account?authenticator=1"
	if ended > 0 {
		to += "&ended=1"
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}
