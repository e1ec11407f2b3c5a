package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/cradle-org/cradle/internal/credential"
	"github.com/cradle-org/cradle/internal/notice"
	"github.com/cradle-org/cradle/internal/org"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/store"
)

// "Forgot your password?": a member of staff asks for a link by email and,
// with it, chooses a new password after giving a security code from their
// authenticator app, so that whoever controls the mailbox alone cannot take
// the account. An account still on an administrator's one-time password
// gets no link (there is no second factor yet to check): its reset stays
// the administrator's.

const (
	// resetLinkLife is how long a reset link works.
	resetLinkLife = 30 * time.Minute
	// resetEvery is how often one account may be sent a link: a request
	// sooner sends nothing, so nobody can fill someone's inbox.
	resetEvery = 5 * time.Minute
	// resetRequestsPerHour is how many requests one address may make an
	// hour, whatever the accounts asked about.
	resetRequestsPerHour = 10
	// resetAnswerAfter is how long every well-formed request waits before
	// its answer, from when it arrived: a real account's request does more
	// (a link made, an email queued) than an unknown address's, and a few
	// milliseconds' difference, timed over many requests, would say which
	// addresses have accounts. The work takes a few milliseconds; a
	// quarter of a second hides it with room to spare under load.
	resetAnswerAfter = 250 * time.Millisecond
)

type forgotData struct {
	Sent    bool // the request was taken: the "Check your email" page
	Minutes int
}

func (s *Server) forgotForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "sign-in-forgot", Page{Title: "Reset your password", Nav: "sign-in", Data: forgotData{Minutes: int(resetLinkLife / time.Minute)}})
}

// forgot answers every well-formed address with the same page and status,
// whether it is an active account's, a disabled one's, unknown, or limited:
// the page never says whether an account exists.
func (s *Server) forgot(w http.ResponseWriter, r *http.Request) {
	arrived := time.Now() // the real clock, not the configured one: this is about time that passes
	if !s.readPublicForm(w, r) {
		return
	}
	email := org.NormaliseEmail(r.PostForm.Get("email"))
	var fs problem.Fields
	org.CheckOwnEmail(&fs, email)
	data := forgotData{Minutes: int(resetLinkLife / time.Minute)}
	if len(fs) > 0 {
		s.render(w, r, http.StatusUnprocessableEntity, "sign-in-forgot", Page{Title: "Reset your password", Nav: "sign-in", Errors: fs,
			Form: url.Values{"email": {r.PostForm.Get("email")}}, Data: data})
		return
	}
	data.Sent = true
	sent := func() {
		waitUntil(r.Context(), arrived.Add(resetAnswerAfter))
		s.render(w, r, http.StatusOK, "sign-in-forgot", Page{Title: "Check your email", Nav: "sign-in", Data: data})
	}
	n, err := s.db.PublicSubmissions(r.Context(), "password_reset", clientIP(r), s.cfg.Now().Add(-publicFormWindow))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if n >= resetRequestsPerHour {
		s.audit(r, "staff.password.reset.request", "staff", 0, "no link sent: too many requests from this address")
		sent()
		return
	}
	token, err := credential.NewToken()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	req := store.PasswordResetRequest{Email: email, TokenHash: credential.HashToken(token), Life: resetLinkLife, Every: resetEvery, IP: clientIP(r)}
	err = s.db.RequestPasswordReset(r.Context(), req, func(tx *store.Tx, to string) error {
		// Built from the configured address, never the request's Host,
		// which whoever sends the request controls.
		link := s.cfg.BaseURL + "/sign-in/reset?token=" + url.QueryEscape(token)
		subject, text := notice.PasswordReset(s.cfg.OrgName, link, int(resetLinkLife/time.Minute))
		return tx.QueueMail("password_reset", to, subject, text, nil)
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.wakeMail()
	sent()
}

type resetData struct {
	Token string
	Email string
}

// resetLinkGone is the page for a reset link that does not work. It is a
// 404 whatever the reason, never a 410: "gone" would say that the token
// once existed, which for a made-up one is not so, and the page must not
// tell the two apart.
func (s *Server) resetLinkGone(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusNotFound, "sign-in-reset-gone", Page{Title: store.ResetLinkGone, Nav: "sign-in"})
}

// resetAccount is the account whose live reset link has the token hash,
// answering the request itself (the link's 404 page, or an error) when
// there is none.
func (s *Server) resetAccount(w http.ResponseWriter, r *http.Request, tokenHash string) (org.Staff, bool) {
	acct, err := s.db.PasswordResetAccount(r.Context(), tokenHash)
	if problem.CodeOf(err) == problem.NotFound {
		s.resetLinkGone(w, r)
		return acct, false
	}
	if err != nil {
		s.fail(w, r, err)
		return acct, false
	}
	return acct, true
}

// resetForm shows the form a reset link opens. Opening it changes nothing
// (mail scanners open links): only the form's post does.
func (s *Server) resetForm(w http.ResponseWriter, r *http.Request) {
	token := r.URL.Query().Get("token")
	acct, ok := s.resetAccount(w, r, credential.HashToken(token))
	if !ok {
		return
	}
	s.render(w, r, http.StatusOK, "sign-in-reset", Page{Title: "Create a new password", Nav: "sign-in", Data: resetData{Token: token, Email: acct.Email}})
}

func (s *Server) reset(w http.ResponseWriter, r *http.Request) {
	if !s.readPublicForm(w, r) {
		return
	}
	token := r.PostForm.Get("token")
	hash := credential.HashToken(token)
	acct, ok := s.resetAccount(w, r, hash)
	if !ok {
		return
	}
	// Passwords and the code are never shown back.
	page := func(status int, fs problem.Fields) {
		s.render(w, r, status, "sign-in-reset", Page{Title: "Create a new password", Nav: "sign-in", Errors: fs, Data: resetData{Token: token, Email: acct.Email}})
	}
	// The sign-in's limits apply: the reset is no way round them to guess codes.
	blocked, err := s.tooManyFailures(r, acct.Email)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if blocked {
		s.audit(r, "signin.blocked", "staff", acct.ID, "too many failed attempts, at a password reset")
		page(http.StatusTooManyRequests, problem.Fields{{Name: "code", Message: tooManyAttempts}})
		return
	}
	pw, confirm, typed := r.PostForm.Get("password"), r.PostForm.Get("confirm"), r.PostForm.Get("code")
	var fs problem.Fields
	var step int64
	if typed == "" {
		fs.Add("code", "Enter the 6-digit security code from your authenticator app")
	} else {
		step, err = credential.CheckTOTP(acct.TOTPSecret, typed, s.cfg.Now().UTC(), acct.TOTPLastStep)
		switch {
		case errors.Is(err, credential.ErrCodeFormat):
			fs.Add("code", "Enter the security code as 6 numbers, like 123456")
		case errors.Is(err, credential.ErrCodeReused):
			s.codeReused(r, acct)
			page(http.StatusUnauthorized, problem.Fields{{Name: "code", Message: codeUsed}})
			return
		case errors.Is(err, credential.ErrCodeWrong):
			s.recordFailure(r, acct.Email, acct, "wrong or expired security code, at a password reset")
			page(http.StatusUnauthorized, problem.Fields{{Name: "code", Message: "The security code is wrong or has expired. Enter the code your authenticator app shows now"}})
			return
		case err != nil:
			s.fail(w, r, err)
			return
		}
	}
	// Whether the new password is the old one is asked only once the code
	// is right: the check takes the slow hash, and tells whoever asks it
	// something about the password.
	codeOK := len(fs) == 0
	newPasswordProblems(&fs, pw, confirm, acct, func() bool {
		if !codeOK {
			return false
		}
		ok, _, _ := credential.Verify(acct.PasswordHash, pw)
		return ok
	}, "Your new password must be different from your old password")
	if len(fs) > 0 {
		page(http.StatusUnprocessableEntity, fs)
		return
	}
	newHash, err := credential.HashWith(s.cfg.PasswordParams, pw)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	when := formatDateTime(s.cfg.Now())
	_, err = s.db.ResetPassword(asStaff(r, acct), store.PasswordResetUse{TokenHash: hash, Hash: newHash, Step: step}, func(tx *store.Tx, to string) error {
		subject, text := notice.PasswordChanged(s.cfg.OrgName, when)
		return tx.QueueMail("password_changed", to, subject, text, nil)
	})
	switch {
	case problem.CodeOf(err) == problem.NotFound:
		s.resetLinkGone(w, r) // used a moment ago, by a request sent at the same time
		return
	case problem.CodeOf(err) == problem.Invalid:
		// Another sign-in or reset took this code's step first.
		s.codeReused(r, acct)
		page(http.StatusUnauthorized, problem.Fields{{Name: "code", Message: codeUsed}})
		return
	case err != nil:
		s.fail(w, r, err)
		return
	}
	s.wakeMail()
	// Every session of the account ended, this browser's too if it had one.
	if _, err := r.Cookie(s.cookieName(r)); err == nil {
		s.clearCookie(w, r)
	}
	http.Redirect(w, r, "/sign-in?reset=1", http.StatusSeeOther)
}

// waitUntil returns at t, or sooner when ctx ends (the client went away).
func waitUntil(ctx context.Context, t time.Time) {
	d := time.Until(t)
	if d <= 0 {
		return
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
	case <-ctx.Done():
	}
}
