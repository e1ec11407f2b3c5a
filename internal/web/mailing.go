package web

import (
	"encoding/csv"
	"fmt"
	"github.com/cradle-org/cradle/internal/export"
	"github.com/cradle-org/cradle/internal/notice"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/cradle-org/cradle/internal/credential"
	"github.com/cradle-org/cradle/internal/org"
	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/store"
)

// confirmLinkLife is how long a mailing-list confirmation link works.
const confirmLinkLife = 48 * time.Hour

func (s *Server) mailingForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "mailing", Page{Title: "Sign up for updates", Public: true, Nav: "public"})
}

func (s *Server) mailingSubmit(w http.ResponseWriter, r *http.Request) {
	if !s.readPublicForm(w, r) {
		return
	}
	if s.rateLimited(w, r, "mailing") {
		return
	}
	if r.PostForm.Get("website") != "" {
		http.Redirect(w, r, "/mailing-list/check-email", http.StatusSeeOther)
		return
	}
	email, name := org.NormaliseEmail(r.PostForm.Get("email")), r.PostForm.Get("name")
	var fs problem.Fields
	org.CheckOwnEmail(&fs, email)
	fs.Text("name", "Name", &name, 100, false)
	if len(fs) > 0 {
		s.render(w, r, http.StatusUnprocessableEntity, "mailing", Page{Title: "Sign up for updates", Public: true, Nav: "public", Errors: fs, Form: r.PostForm})
		return
	}
	token, err := credential.NewToken()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	err = s.db.Update(r.Context(), func(tx *store.Tx) error {
		if err := tx.RecordPublicSubmission("mailing", clientIP(r)); err != nil {
			return err
		}
		id, already, err := tx.Subscribe(email, name, credential.HashToken(token), tx.Now().Add(confirmLinkLife))
		if err != nil || already {
			return err
		}
		confirm := s.cfg.BaseURL + "/mailing-list/confirm?token=" + url.QueryEscape(token)
		unsub := s.unsubscribeURL(id)
		subject, text := notice.MailingConfirm(s.cfg.OrgName, name, confirm, unsub)
		return tx.QueueMail("mailing_confirm", email, subject, text, map[string]string{
			"List-Unsubscribe":      "<" + unsub + ">",
			"List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
		})
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.wakeMail()
	http.Redirect(w, r, "/mailing-list/check-email", http.StatusSeeOther)
}

func (s *Server) unsubscribeURL(id int64) string {
	return s.cfg.BaseURL + "/mailing-list/unsubscribe?id=" + strconv.FormatInt(id, 10) + "&token=" + s.db.UnsubscribeToken(id)
}

type mailingMessage struct {
	Heading, Message string
	Form             string // action for a confirm/unsubscribe button, if any
	Hidden           map[string]string
	Button           string
}

func (s *Server) mailingMessage(w http.ResponseWriter, r *http.Request, status int, m mailingMessage) {
	s.render(w, r, status, "mailing-message", Page{Title: m.Heading, Public: true, Nav: "public", Data: m})
}

func (s *Server) mailingCheckEmail(w http.ResponseWriter, r *http.Request) {
	s.mailingMessage(w, r, http.StatusOK, mailingMessage{Heading: "Check your email",
		Message: "If the address can receive updates, we have sent it a link. Open the link within 48 hours to confirm."})
}

// A link in an email only shows a button: mail scanners that open links must
// not confirm or unsubscribe anyone.
func (s *Server) mailingConfirmForm(w http.ResponseWriter, r *http.Request) {
	s.mailingMessage(w, r, http.StatusOK, mailingMessage{Heading: "Confirm your subscription", Message: "Select the button to start getting updates.",
		Form: "/mailing-list/confirm", Hidden: map[string]string{"token": r.URL.Query().Get("token")}, Button: "Confirm subscription"})
}

func (s *Server) mailingConfirm(w http.ResponseWriter, r *http.Request) {
	if !s.readPublicForm(w, r) {
		return
	}
	token := r.PostForm.Get("token")
	err := s.db.Update(r.Context(), func(tx *store.Tx) error { return tx.ConfirmSubscription(credential.HashToken(token)) })
	switch problem.CodeOf(err) {
	case problem.NotFound, problem.Invalid:
		s.mailingMessage(w, r, http.StatusBadRequest, mailingMessage{Heading: "This link does not work", Message: problem.MessageOf(err)})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.mailingMessage(w, r, http.StatusOK, mailingMessage{Heading: "You are subscribed", Message: "Thank you. Every email we send has a link to unsubscribe."})
}

func (s *Server) mailingUnsubscribeForm(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	s.mailingMessage(w, r, http.StatusOK, mailingMessage{Heading: "Unsubscribe", Message: "Select the button to stop getting emails from us.",
		Form: "/mailing-list/unsubscribe", Hidden: map[string]string{"id": q.Get("id"), "token": q.Get("token")}, Button: "Unsubscribe"})
}

// mailingUnsubscribe handles the button and RFC 8058 one-click requests
// from mail clients (a POST to the List-Unsubscribe URL).
func (s *Server) mailingUnsubscribe(w http.ResponseWriter, r *http.Request) {
	if !s.readPublicForm(w, r) {
		return
	}
	get := func(k string) string {
		if v := r.PostForm.Get(k); v != "" {
			return v
		}
		return r.URL.Query().Get(k)
	}
	id, _ := strconv.ParseInt(get("id"), 10, 64)
	err := s.db.Update(r.Context(), func(tx *store.Tx) error { return tx.Unsubscribe(id, get("token")) })
	if problem.CodeOf(err) == problem.NotFound {
		s.mailingMessage(w, r, http.StatusBadRequest, mailingMessage{Heading: "This link does not work", Message: problem.MessageOf(err)})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.mailingMessage(w, r, http.StatusOK, mailingMessage{Heading: "You have unsubscribed", Message: "We will not send you any more emails."})
}

type mailingAdminData struct {
	Pending, Confirmed, Unsubscribed int
	Subscribers                      []store.Subscriber
}

func (s *Server) mailingAdmin(w http.ResponseWriter, r *http.Request, u *requestUser) {
	if !s.may(w, r, u, policy.ManageMailingList) {
		return
	}
	var d mailingAdminData
	var err error
	if d.Pending, d.Confirmed, d.Unsubscribed, err = s.db.MailingCounts(r.Context()); err != nil {
		s.fail(w, r, err)
		return
	}
	err = s.db.Update(r.Context(), func(tx *store.Tx) error {
		tx.Audit("mailing.list.view", "", 0, 0, "")
		d.Subscribers, err = tx.ConfirmedSubscribers()
		return err
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "mailing-admin", Page{Title: "Mailing list", Nav: "mailing", Data: d})
}

func (s *Server) mailingExport(w http.ResponseWriter, r *http.Request, u *requestUser) {
	if !s.may(w, r, u, policy.ManageMailingList) {
		return
	}
	var subs []store.Subscriber
	err := s.db.Update(r.Context(), func(tx *store.Tx) error {
		var err error
		subs, err = tx.ConfirmedSubscribers()
		tx.Audit("mailing.export", "", 0, 0, fmt.Sprintf("%d subscribers", len(subs)))
		return err
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="mailing-list.csv"`)
	records := [][]string{{"email", "name", "confirmed_at"}}
	for _, sub := range subs {
		records = append(records, []string{export.SafeText(sub.Email), export.SafeText(sub.Name), sub.ConfirmedAt.Format(time.RFC3339)})
	}
	if err := csv.NewWriter(w).WriteAll(records); err != nil {
		s.log.Error("writing export", "request_id", requestID(r), "err", err)
	}
}
