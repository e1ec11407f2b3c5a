package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/cradle-org/cradle/internal/audit"
	"github.com/cradle-org/cradle/internal/credential"
	"github.com/cradle-org/cradle/internal/notice"
	"github.com/cradle-org/cradle/internal/org"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/store"
)

type signInData struct {
	Next      string
	SignedOut bool
	Expired   bool
	Reset     bool // the password was just reset (see reset)
}

func (s *Server) signInForm(w http.ResponseWriter, r *http.Request) {
	if u := userOf(r); u != nil && u.session.Stage == store.StageActive {
		http.Redirect(w, r, "/home", http.StatusSeeOther)
		return
	}
	q := r.URL.Query()
	s.render(w, r, http.StatusOK, "sign-in", Page{Title: "Sign in", Nav: "sign-in", Data: signInData{
		Next: safeNext(q.Get("next")), SignedOut: q.Get("signed_out") == "1", Expired: q.Get("expired") == "1", Reset: q.Get("reset") == "1"}})
}

// signInFailed is the one message for a wrong email or password, so the page
// never says whether an account exists.
const signInFailed = "Enter a correct email address and password"

const oneTimeExpired = "Your one-time password has expired. Ask your administrator for new sign-in details"

const tooManyAttempts = "There have been too many failed attempts to sign in. Wait 15 minutes, then try again"

func (s *Server) signIn(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, http.StatusBadRequest, "There is a problem", "The form could not be read. Go back and try again.")
		return
	}
	cleanForm(r)
	email := org.NormaliseEmail(r.PostForm.Get("email"))
	password := r.PostForm.Get("password")
	next := safeNext(r.PostForm.Get("next"))
	page := func(status int, fields ...problem.Field) {
		form := url.Values{"email": {r.PostForm.Get("email")}}
		s.render(w, r, status, "sign-in", Page{Title: "Sign in", Nav: "sign-in", Errors: fields, Form: form, Data: signInData{Next: next}})
	}
	var fs problem.Fields
	if email == "" {
		fs.Add("email", "Enter your email address")
	}
	if password == "" {
		fs.Add("password", "Enter your password")
	}
	if len(fs) > 0 {
		page(http.StatusUnprocessableEntity, fs...)
		return
	}
	ctx := r.Context()
	staff, err := s.db.StaffByEmail(ctx, email)
	known := err == nil && !staff.Disabled
	if err != nil && problem.CodeOf(err) != problem.NotFound {
		s.fail(w, r, err)
		return
	}
	if !known {
		staff = org.Staff{}
	}
	blocked, err := s.tooManyFailures(r, email)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if blocked {
		if err := s.db.RecordEvent(asStaff(r, staff), "signin.blocked", "staff", staff.ID, 0, "too many failed attempts"); err != nil {
			s.log.Error("writing audit entry", "request_id", requestID(r), "err", err)
		}
		page(http.StatusTooManyRequests, problem.Field{Name: "email", Message: tooManyAttempts})
		return
	}
	ok, rehash := false, false
	if known {
		ok, rehash, err = credential.VerifyWith(s.cfg.PasswordParams, staff.PasswordHash, password)
		if err != nil {
			s.log.Error("stored password hash unreadable", "staff_id", staff.ID, "err", err)
			ok = false
		}
	} else {
		credential.DummyVerifyWith(s.cfg.PasswordParams, password) // same cost either way: timing reveals nothing
	}
	if !ok {
		s.recordFailure(r, email, staff, "wrong email or password")
		page(http.StatusUnauthorized, problem.Field{Name: "email", Message: signInFailed})
		return
	}
	if staff.MustChangePassword && credential.OneTimeExpired(staff.PasswordSetAt, s.cfg.Now()) {
		// Said only to whoever knows the password: the account is theirs.
		if err := s.db.RecordEvent(asStaff(r, staff), "signin.expired", "staff", staff.ID, 0, "one-time password older than its life"); err != nil {
			s.log.Error("writing audit entry", "request_id", requestID(r), "err", err)
		}
		page(http.StatusUnauthorized, problem.Field{Name: "email", Message: oneTimeExpired})
		return
	}
	// The rules and the list of common passwords may have grown since this
	// password was set: one that fails them now is still the right
	// password, so the sign-in goes on, to choosing a new one. A one-time
	// password is changed after the code anyway.
	renew := !staff.MustChangePassword && credential.CheckPassword(password, staff.Email, staff.Name) != nil
	var newHash string
	if rehash && !renew && !staff.MustChangePassword {
		// Hashed before the transaction: the slow hash must not hold SQLite's one writer.
		if newHash, err = credential.HashWith(s.cfg.PasswordParams, password); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	token, err := credential.NewToken()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	csrf, err := credential.NewToken()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	err = s.db.Update(asStaff(r, staff), func(tx *store.Tx) error {
		tx.Audit("signin.password", "staff", staff.ID, 0, "password accepted; second factor next")
		if c, err := r.Cookie(s.cookieName(r)); err == nil {
			// Any earlier session ends here, or the sign-in fails: a session
			// left behind would survive the one that replaces it.
			if err := tx.DeleteSession(credential.HashToken(c.Value)); err != nil {
				return err
			}
		}
		if newHash != "" {
			if err := tx.RehashPassword(staff.ID, staff.PasswordHash, newHash); err != nil {
				return err
			}
		}
		hash := credential.HashToken(token)
		if err := tx.CreateSession(hash, staff.ID, store.StageSecondFactor, csrf, clientIP(r), r.UserAgent()); err != nil {
			return err
		}
		if !renew {
			return nil
		}
		tx.Audit("signin.renew", "staff", staff.ID, 0, "password no longer meets the rules; a new one is required")
		return tx.MarkPasswordRenewal(hash)
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.setCookie(w, r, token)
	http.Redirect(w, r, "/sign-in/code?next="+url.QueryEscape(next), http.StatusSeeOther)
}

// asStaff is the request's context with the audit actor set to a staff
// member who has not finished signing in (so has no session yet). An
// unknown account is recorded as such: whatever was typed is not logged.
func asStaff(r *http.Request, staff org.Staff) context.Context {
	src := audit.SourceFrom(r.Context())
	src.ActorID, src.Actor = staff.ID, staff.Email
	if staff.ID == 0 {
		src.Actor = "unknown account"
	}
	return audit.WithSource(r.Context(), src)
}

// recordFailure records a failed sign-in (for the limits and the audit
// log), with whatever else must go with it in the same transaction (also),
// logging rather than failing the request if it cannot; it reports
// whether it was recorded.
func (s *Server) recordFailure(r *http.Request, email string, staff org.Staff, why string, also ...func(tx *store.Tx) error) bool {
	err := s.db.Update(asStaff(r, staff), func(tx *store.Tx) error {
		tx.Audit("signin.failure", "staff", staff.ID, 0, why)
		if err := tx.RecordSigninFailure(email, clientIP(r)); err != nil {
			return err
		}
		for _, f := range also {
			if err := f(tx); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		s.log.Error("recording failed sign-in", "request_id", requestID(r), "err", err)
	}
	return err == nil
}

const codeUsed = "That security code has already been used. Wait for a new code and enter it"

// codeReused refuses a security code given a second time as a failed
// sign-in, and emails the account's owner. Whoever typed it knew the
// password, and a code read over a shoulder or caught by a copy of the
// sign-in page is how a stolen password gets past the second factor: the
// owner is the one who can tell whether it was them. The sign-in limits
// bound how many of these one account can be sent.
func (s *Server) codeReused(r *http.Request, staff org.Staff) {
	when := formatDateTime(s.cfg.Now())
	tell := func(tx *store.Tx) error {
		subject, text := notice.CodeReused(s.cfg.OrgName, when)
		return tx.QueueMail("code_reused", staff.Email, subject, text, nil)
	}
	if s.recordFailure(r, staff.Email, staff, "security code reused; owner emailed", tell) {
		s.wakeMail()
	}
}

// audit writes a standalone entry, logging (not failing the request) if it cannot.
func (s *Server) audit(r *http.Request, action, recordType string, recordID int64, detail string) {
	if err := s.db.RecordEvent(r.Context(), action, recordType, recordID, 0, detail); err != nil {
		s.log.Error("writing audit entry", "request_id", requestID(r), "action", action, "err", err)
	}
}

// halfSignedIn returns the user if their session is at the given stage.
func halfSignedIn(r *http.Request, stage string) *requestUser {
	u := userOf(r)
	if u == nil || u.session.Stage != stage {
		return nil
	}
	return u
}

// halfSignedInPost checks a form post from a user part-way through signing
// in: the session must be at the stage and the CSRF token must match. It
// answers the request itself and returns nil when not.
func (s *Server) halfSignedInPost(w http.ResponseWriter, r *http.Request, stage string) *requestUser {
	u := halfSignedIn(r, stage)
	if u == nil {
		http.Redirect(w, r, "/sign-in?expired=1", http.StatusSeeOther)
		return nil
	}
	if !s.validCSRF(r, u) {
		s.csrfRefused(w, r)
		return nil
	}
	cleanForm(r)
	return u
}

// tooManyFailures applies the sign-in rate limits: per account and per address.
func (s *Server) tooManyFailures(r *http.Request, email string) (bool, error) {
	byEmail, byIP, err := s.db.SigninFailures(r.Context(), email, clientIP(r), s.cfg.Now().UTC().Add(-failureWindow))
	if err != nil {
		return false, err
	}
	return byEmail >= maxFailuresPerAccount || byIP >= maxFailuresPerIP, nil
}

type codeData struct{ Next string }

func (s *Server) codeForm(w http.ResponseWriter, r *http.Request) {
	if halfSignedIn(r, store.StageSecondFactor) == nil {
		http.Redirect(w, r, "/sign-in", http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "sign-in-code", Page{Title: "Enter your security code", Nav: "sign-in", Data: codeData{Next: safeNext(r.URL.Query().Get("next"))}})
}

func (s *Server) code(w http.ResponseWriter, r *http.Request) {
	u := s.halfSignedInPost(w, r, store.StageSecondFactor)
	if u == nil {
		return
	}
	next := safeNext(r.PostForm.Get("next"))
	typed := r.PostForm.Get("code")
	page := func(status int, msg string) {
		s.render(w, r, status, "sign-in-code", Page{Title: "Enter your security code", Nav: "sign-in",
			Errors: []problem.Field{{Name: "code", Message: msg}}, Form: url.Values{"code": {typed}}, Data: codeData{Next: next}})
	}
	ctx := r.Context()
	now := s.cfg.Now().UTC()
	blocked, err := s.tooManyFailures(r, u.staff.Email)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if blocked {
		s.audit(r, "signin.blocked", "staff", u.staff.ID, "too many failed attempts")
		page(http.StatusTooManyRequests, tooManyAttempts)
		return
	}
	if strings.TrimSpace(typed) == "" {
		page(http.StatusUnprocessableEntity, "Enter the 6-digit security code from your authenticator app")
		return
	}
	// The session's account comes without its credentials (SessionUser):
	// they are read here, where they are checked.
	acct, err := s.db.StaffByID(ctx, u.staff.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	step, err := credential.CheckTOTP(acct.TOTPSecret, typed, now, acct.TOTPLastStep)
	switch {
	case errors.Is(err, credential.ErrCodeFormat):
		page(http.StatusUnprocessableEntity, "Enter the security code as 6 numbers, like 123456")
		return
	case errors.Is(err, credential.ErrCodeReused):
		s.codeReused(r, u.staff)
		page(http.StatusUnauthorized, codeUsed)
		return
	case errors.Is(err, credential.ErrCodeWrong):
		s.recordFailure(r, u.staff.Email, u.staff, "wrong or expired security code")
		page(http.StatusUnauthorized, "The security code is wrong or has expired. Enter the code your authenticator app shows now")
		return
	case err != nil:
		s.fail(w, r, err)
		return
	}
	token, err := credential.NewToken()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	stage := store.StageActive
	if acct.MustChangePassword || u.session.RenewPassword {
		stage = store.StageChangePassword
	}
	// A new token at each step: the session is rotated at sign-in.
	err = s.db.Update(ctx, func(tx *store.Tx) error {
		if err := tx.UseTOTPStep(u.staff.ID, step); err != nil {
			return err
		}
		if err := tx.DeleteSession(u.session.TokenHash); err != nil {
			return err
		}
		if err := tx.ClearSigninFailures(u.staff.Email); err != nil {
			return err
		}
		tx.Audit("signin.success", "staff", u.staff.ID, 0, "")
		return tx.CreateSession(credential.HashToken(token), u.staff.ID, stage, u.session.CSRFToken, clientIP(r), r.UserAgent())
	})
	if problem.CodeOf(err) == problem.Invalid {
		// Another sign-in took this step first: the same code, twice at once.
		s.codeReused(r, u.staff)
		page(http.StatusUnauthorized, problem.MessageOf(err))
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.setCookie(w, r, token)
	if stage == store.StageChangePassword {
		http.Redirect(w, r, "/sign-in/new-password", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, next, http.StatusSeeOther) // #nosec G710 -- next has been through safeNext, which keeps it on this site
}

// newPasswordData says why a new password is needed: a one-time password
// is always changed; one of their own is when it no longer meets the rules.
type newPasswordData struct{ OneTime bool }

func (s *Server) newPasswordForm(w http.ResponseWriter, r *http.Request) {
	u := halfSignedIn(r, store.StageChangePassword)
	if u == nil {
		http.Redirect(w, r, "/sign-in", http.StatusSeeOther)
		return
	}
	acct, err := s.db.StaffByID(r.Context(), u.staff.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "new-password", Page{Title: "Create a new password", Nav: "sign-in", Data: newPasswordData{OneTime: acct.MustChangePassword}})
}

func (s *Server) newPassword(w http.ResponseWriter, r *http.Request) {
	u := s.halfSignedInPost(w, r, store.StageChangePassword)
	if u == nil {
		return
	}
	pw, confirm := r.PostForm.Get("password"), r.PostForm.Get("confirm")
	acct, err := s.db.StaffByID(r.Context(), u.staff.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var fs problem.Fields
	same := "Your new password must be different from your one-time password"
	if !acct.MustChangePassword {
		same = "Your new password must be different from your current password"
	}
	newPasswordProblems(&fs, pw, confirm, u.staff, func() bool { ok, _, _ := credential.Verify(acct.PasswordHash, pw); return ok }, same)
	if len(fs) > 0 {
		s.render(w, r, http.StatusUnprocessableEntity, "new-password", Page{Title: "Create a new password", Nav: "sign-in", Errors: fs,
			Data: newPasswordData{OneTime: acct.MustChangePassword}})
		return
	}
	hash, token, err := s.newPasswordAndToken(pw)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	when := formatDateTime(s.cfg.Now())
	err = s.db.Update(r.Context(), func(tx *store.Tx) error {
		if err := tx.SetPassword(u.staff.ID, hash, false); err != nil {
			return err
		}
		if err := tx.DeleteSession(u.session.TokenHash); err != nil {
			return err
		}
		next := credential.HashToken(token)
		if err := tx.CreateSession(next, u.staff.ID, store.StageActive, u.session.CSRFToken, clientIP(r), r.UserAgent()); err != nil {
			return err
		}
		// Whoever else was signed in with the old password is signed out.
		ended, err := tx.EndOtherSessions(u.staff.ID, next)
		if err != nil || acct.MustChangePassword {
			return err
		}
		// A password of their own replaced because it no longer met the
		// rules: a change like one made on their account page, told alike.
		tx.Audit("staff.password.change", "staff", u.staff.ID, 0, fmt.Sprintf("at sign-in, as the old one no longer met the rules; other sessions ended: %d", ended))
		subject, text := notice.PasswordChanged(s.cfg.OrgName, when)
		return tx.QueueMail("password_changed", acct.Email, subject, text, nil)
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !acct.MustChangePassword {
		s.wakeMail()
	}
	s.setCookie(w, r, token)
	http.Redirect(w, r, "/home", http.StatusSeeOther)
}

// sessionAlive answers a signed-in page's script: the request itself
// keeps the session (withSession touches it), so a member of staff who is
// typing a long note, or who chose "Stay signed in" when warned, is not
// signed out for idleness. It answers as sessionStatus does. Signed out,
// it is sent to sign in like any page, which the script reads as the
// session having ended.
func (s *Server) sessionAlive(w http.ResponseWriter, r *http.Request, u *requestUser) {
	now := s.cfg.Now().UTC()
	writeSessionLeft(w, min(IdleTimeout, AbsoluteTimeout-now.Sub(u.session.CreatedAt)))
}

// sessionStatusPath answers how long the session has left without
// extending it (withSession does not touch the session for it).
const sessionStatusPath = "/session/status"

// sessionStatus tells a signed-in page's script how many seconds are left
// before the session ends for idleness or for its age, whichever is first,
// counting use in any tab. Asking is not use.
func (s *Server) sessionStatus(w http.ResponseWriter, r *http.Request, u *requestUser) {
	now := s.cfg.Now().UTC()
	writeSessionLeft(w, min(IdleTimeout-now.Sub(u.session.LastSeenAt), AbsoluteTimeout-now.Sub(u.session.CreatedAt)))
}

// writeSessionLeft answers {"seconds_left": N}, as every JSON answer is
// sent: never cached, and as an attachment, so a browser opening the
// address does not render it.
func writeSessionLeft(w http.ResponseWriter, left time.Duration) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="session.json"`)
	_ = json.NewEncoder(w).Encode(struct {
		SecondsLeft int64 `json:"seconds_left"`
	}{max(0, int64(left/time.Second))})
}

func (s *Server) signOut(w http.ResponseWriter, r *http.Request) {
	if u := userOf(r); u != nil {
		if !s.validCSRF(r, u) {
			s.csrfRefused(w, r)
			return
		}
		s.endSession(r.Context(), u.session.TokenHash, "signout")
	}
	s.clearCookie(w, r)
	// A shared computer (a family's, a refuge's) keeps nothing of what was
	// seen: browsers that honour it drop this site's cache and storage.
	w.Header().Set("Clear-Site-Data", `"cache", "storage"`)
	http.Redirect(w, r, "/sign-in?signed_out=1", http.StatusSeeOther)
}
