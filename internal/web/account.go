package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/cradle-org/cradle/internal/credential"
	"github.com/cradle-org/cradle/internal/notice"
	"github.com/cradle-org/cradle/internal/org"
	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/store"
)

// A member of staff's own account: who Cradle knows them as, and changing
// their own password.

type accountData struct {
	Changed       bool // the password was changed just now
	Authenticator bool // a new authenticator app was set up just now
	Ended         bool // and other sessions were ended with it
	SignedOut     bool // the other sessions were ended just now
	PublicListing bool // a DSL: their choice about the public safeguarding page
	Sessions      []sessionRow
	Others        bool // a session other than this one is listed
}

type sessionRow struct {
	store.OwnSession
	Browser string
}

func (s *Server) accountPage(w http.ResponseWriter, r *http.Request, u *requestUser) {
	q := r.URL.Query()
	now := s.cfg.Now()
	d := accountData{Changed: q.Get("changed") == "1", Authenticator: q.Get("authenticator") == "1", Ended: q.Get("ended") == "1", SignedOut: q.Get("signed_out") == "1",
		PublicListing: policy.Can(u.staff.Actor(), policy.ChoosePublicListing, policy.Target{}, now)}
	sessions, err := s.db.OwnSessions(r.Context(), u.staff.Actor(), u.session.TokenHash, now.Add(-IdleTimeout), now.Add(-AbsoluteTimeout))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, o := range sessions {
		d.Sessions = append(d.Sessions, sessionRow{OwnSession: o, Browser: browserName(o.Agent)})
		d.Others = d.Others || !o.Current
	}
	s.render(w, r, http.StatusOK, "account", Page{Title: "Your account", Nav: "home", Data: d})
}

// endOtherSessions signs the member of staff out everywhere but here (a
// computer left signed in, a session they do not recognise).
func (s *Server) endOtherSessions(w http.ResponseWriter, r *http.Request, u *requestUser) {
	if _, err := s.db.EndOtherSessions(r.Context(), u.staff.Actor(), u.session.TokenHash); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/account?signed_out=1", http.StatusSeeOther)
}

// browserName names a browser and its system from its own description,
// for people to recognise a session by ("Firefox on Windows"); "" when
// neither is known.
func browserName(agent string) string {
	browser := ""
	for _, b := range []struct{ token, name string }{
		{"Edg/", "Edge"}, {"OPR/", "Opera"}, {"Firefox/", "Firefox"}, {"Chrome/", "Chrome"}, {"Chromium/", "Chromium"}, {"Safari/", "Safari"},
	} {
		if strings.Contains(agent, b.token) {
			browser = b.name
			break
		}
	}
	system := ""
	for _, o := range []struct{ token, name string }{
		{"Android", "Android"}, {"iPhone", "an iPhone"}, {"iPad", "an iPad"}, {"Windows", "Windows"}, {"Mac OS X", "a Mac"}, {"CrOS", "ChromeOS"}, {"Linux", "Linux"},
	} {
		if strings.Contains(agent, o.token) {
			system = o.name
			break
		}
	}
	switch {
	case browser != "" && system != "":
		return browser + " on " + system
	case browser != "":
		return browser
	case system != "":
		return "A browser on " + system
	}
	return ""
}

func (s *Server) passwordForm(w http.ResponseWriter, r *http.Request, u *requestUser) {
	if !s.may(w, r, u, policy.ManageOwnAccount) {
		return
	}
	s.render(w, r, http.StatusOK, "account-password", Page{Title: "Change your password", Nav: "home"})
}

// newPasswordProblems checks a new password and its confirmation, as both
// password forms do (at first sign-in and on the account page): given,
// within the rules, not the one it replaces (same says whether it is, and
// sameMessage what to say), and typed the same twice.
func newPasswordProblems(fs *problem.Fields, pw, confirm string, who org.Staff, same func() bool, sameMessage string) {
	var re *credential.RuleError
	switch err := credential.CheckPassword(pw, who.Email, who.Name); {
	case pw == "":
		fs.Add("password", "Enter a new password")
	case errors.As(err, &re):
		fs.Add("password", re.Message)
	case err != nil:
		fs.Add("password", "Choose a different password")
	case same():
		fs.Add("password", sameMessage)
	case pw != confirm:
		fs.Add("confirm", "Enter the same new password in both boxes")
	}
}

// newPasswordAndToken hashes a new password and makes the session token
// that goes with it (a password change rotates the session), before any
// transaction: the slow hash must not hold SQLite's one writer.
func (s *Server) newPasswordAndToken(pw string) (hash, token string, err error) {
	if hash, err = credential.HashWith(s.cfg.PasswordParams, pw); err != nil {
		return "", "", err
	}
	token, err = credential.NewToken()
	return hash, token, err
}

// reauthenticate checks the password a signed-in member of staff typed
// again (into field, named noun on the page: "password", or "current
// password" where a new one is chosen) before something sensitive, under
// the sign-in's limits: a wrong one is a failed sign-in. It returns the
// problem and the status to answer with, nothing when it is right, or an
// error when it could not be checked.
func (s *Server) reauthenticate(r *http.Request, u *requestUser, password, field, noun string) (problem.Fields, int, error) {
	blocked, err := s.tooManyFailures(r, u.staff.Email)
	if err != nil {
		return nil, 0, err
	}
	if blocked {
		s.audit(r, "signin.blocked", "staff", u.staff.ID, "too many failed attempts, at a check of the password")
		return problem.Fields{{Name: field, Message: "There have been too many wrong passwords. Wait 15 minutes, then try again"}}, http.StatusTooManyRequests, nil
	}
	if password == "" {
		return problem.Fields{{Name: field, Message: "Enter your " + noun}}, http.StatusUnprocessableEntity, nil
	}
	acct, err := s.db.StaffByID(r.Context(), u.staff.ID)
	if err != nil {
		return nil, 0, err
	}
	if ok, _, _ := credential.Verify(acct.PasswordHash, password); !ok {
		s.recordFailure(r, u.staff.Email, acct, "wrong password, at a check of the password")
		return problem.Fields{{Name: field, Message: "Your " + noun + " is not right"}}, http.StatusUnprocessableEntity, nil
	}
	return nil, 0, nil
}

// passwordChange changes the signed-in member of staff's password once
// they have given the current one. A wrong current password counts as a
// failed sign-in (so the same limits stop someone guessing it at an
// unattended desk), the new one follows the same rules as at first
// sign-in, every other session of theirs ends, and they are emailed.
// Passwords typed are never shown again.
func (s *Server) passwordChange(w http.ResponseWriter, r *http.Request, u *requestUser) {
	if !s.may(w, r, u, policy.ManageOwnAccount) {
		return
	}
	page := func(status int, fs problem.Fields) {
		s.render(w, r, status, "account-password", Page{Title: "Change your password", Nav: "home", Errors: fs})
	}
	current, pw, confirm := r.PostForm.Get("current"), r.PostForm.Get("password"), r.PostForm.Get("confirm")
	fs, status, err := s.reauthenticate(r, u, current, "current", "current password")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if status == http.StatusTooManyRequests {
		page(status, fs)
		return
	}
	newPasswordProblems(&fs, pw, confirm, u.staff, func() bool { return pw == current }, "Your new password must be different from your current password")
	if len(fs) > 0 {
		page(http.StatusUnprocessableEntity, fs)
		return
	}
	hash, token, err := s.newPasswordAndToken(pw)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	when := formatDateTime(s.cfg.Now())
	ended, err := s.db.ChangeOwnPassword(r.Context(), u.staff.Actor(), store.PasswordChange{Hash: hash, Session: u.session.TokenHash,
		NewSession: credential.HashToken(token)},
		func(tx *store.Tx, email string) error {
			subject, text := notice.PasswordChanged(s.cfg.OrgName, when)
			return tx.QueueMail("password_changed", email, subject, text, nil)
		})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.wakeMail()
	s.setCookie(w, r, token)
	to := "/account?changed=1"
	if ended > 0 {
		to += "&ended=1"
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}
