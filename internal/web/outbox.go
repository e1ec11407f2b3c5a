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
	s.answerChange(w, r, err, nil, "resend-"+strconv.FormatInt(id, 10), func(status int, fields []problem.Field) {
		s.showMailAdmin(w, r, u, status, fields)
	}, "/admin/mail?resent="+strconv.FormatInt(id, 10))
}

// mailKinds names each kind of message: for the administrators, and, for
// one about a referral or a concern, on its page.
var mailKinds = map[string]struct{ admin, record string }{
	"concern_alert":         {"Safeguarding alert to a designated safeguarding lead", "Alert: a decision is needed"},
	"concern_overdue":       {"Safeguarding alert: a concern's decision is overdue", "Reminder: the decision is overdue"},
	"concern_action":        {"Safeguarding follow-up action to its owner", "Follow-up action to its owner"},
	"break_glass":           {"Break-glass access notice", ""},
	"allocation":            {"Allocation to a practitioner or team manager", ""},
	"referral_ack":          {"Referral acknowledgement", "Acknowledgement"},
	"referral_outcome":      {"Referral decision", "Decision"},
	"referral_more_info":    {"Referral: request for more information", "Request for more information"},
	"mailing_confirm":       {"Mailing list confirmation", ""},
	"password_changed":      {"Notice to a member of staff that their password changed", ""},
	"password_reset":        {"Link for a member of staff to reset their password", ""},
	"staff_reset":           {"Notice to a member of staff that their sign-in details were reset", ""},
	"staff_changed":         {"Notice to a member of staff that their role, areas or name changed", ""},
	"code_reused":           {"Notice to a member of staff that a security code was used again", ""},
	"authenticator_changed": {"Notice to a member of staff that their authenticator app changed", ""},
}

// mailKindLabel names a kind of message for the administrators.
func mailKindLabel(kind string) string {
	if k, ok := mailKinds[kind]; ok {
		return k.admin
	}
	return kind
}

// recordMailLabel names a message on the page of the record it is about.
func recordMailLabel(kind string) string {
	if k, ok := mailKinds[kind]; ok && k.record != "" {
		return k.record
	}
	return "Email"
}
