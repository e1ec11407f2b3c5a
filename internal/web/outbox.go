package web

import (
	"net/http"
	"strconv"

	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/store"
)

// The administrators' email page: the outbox's counts, and the messages
// that have not gone, with why, so that a safeguarding alert or a referral's
// acknowledgement the mail server refused is seen by someone who can mend
// the cause, and sent again. Recipients and texts are never shown.

type mailAdminData struct {
	Messages []store.UnsentMail
	Counts   map[string]int
	Limit    int
	Resent   bool // one was just put back in the queue
	Sending  bool // a mail server is set; without one, mail waits
}

func (s *Server) mailAdmin(w http.ResponseWriter, r *http.Request, u *requestUser) {
	s.showMailAdmin(w, r, u, http.StatusOK, nil)
}

func (s *Server) showMailAdmin(w http.ResponseWriter, r *http.Request, u *requestUser, status int, errs problem.Fields) {
	msgs, counts, err := s.db.UnsentMail(r.Context(), u.staff.Actor())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// An error names the message's row; one no longer listed (sent since)
	// names the counts, so the summary's link always leads somewhere.
	if len(errs) > 0 {
		listed := map[string]bool{}
		for _, m := range msgs {
			listed["resend-"+strconv.FormatInt(m.ID, 10)] = true
		}
		named := make(problem.Fields, 0, len(errs))
		for _, e := range errs {
			if !listed[e.Name] {
				e.Name = "mail-counts"
			}
			named = append(named, e)
		}
		errs = named
	}
	d := mailAdminData{Messages: msgs, Counts: counts, Limit: store.UnsentMailLimit, Resent: r.URL.Query().Get("resent") != "" && errs == nil,
		Sending: s.cfg.MailSending}
	s.render(w, r, status, "mail-admin", Page{Title: "Email", Nav: "mail", Errors: errs, Data: d})
}

func (s *Server) mailResend(w http.ResponseWriter, r *http.Request, u *requestUser) {
	if !s.may(w, r, u, policy.ManageMail) {
		return
	}
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	err = s.db.ResendMail(r.Context(), u.staff.Actor(), id)
	if err == nil {
		s.wakeMail()
	}
	s.answerChange(w, r, err, nil, "resend-"+strconv.FormatInt(id, 10), func(fields []problem.Field) {
		s.showMailAdmin(w, r, u, http.StatusConflict, fields)
	}, "/admin/mail?resent="+strconv.FormatInt(id, 10))
}

// mailKindLabel names a kind of message for the administrators.
func mailKindLabel(kind string) string {
	switch kind {
	case "concern_alert":
		return "Safeguarding alert to a designated safeguarding lead"
	case "break_glass":
		return "Break-glass access notice"
	case "referral_ack":
		return "Referral acknowledgement"
	case "referral_outcome":
		return "Referral decision"
	case "referral_more_info":
		return "Referral: request for more information"
	case "mailing_confirm":
		return "Mailing list confirmation"
	}
	return kind
}
