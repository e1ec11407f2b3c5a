package web

import (
	"encoding/csv"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/cradle-org/cradle/internal/export"
	"github.com/cradle-org/cradle/internal/family"
	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/sharing"
)

// familyPost handles a form posted from the family page, as personPost does
// for a person's page.
func (s *Server) familyPost(w http.ResponseWriter, r *http.Request, u *requestUser, act policy.Action, open, firstField, anchor string,
	save func(id int64, f url.Values, fs *problem.Fields) error) {
	may := func(id int64) error { return s.db.MayChangeFamily(r.Context(), u.staff.Actor(), id, act) }
	s.postAndRedirect(w, r, firstField, "/families/", anchor, may, save, func(status int, fields []problem.Field) {
		s.showFamily(w, r, u, status, fields, open)
	})
}

// childCreate records another child in the family. The child's fields are
// named child_… on the family page (its other forms have a given_name
// too), so the details' problems are renamed to match.
func (s *Server) childCreate(w http.ResponseWriter, r *http.Request, u *requestUser) {
	s.familyPost(w, r, u, policy.EditFamily, "child", "child_given_name", "#children", func(id int64, f url.Values, fs *problem.Fields) error {
		d := family.Details{GivenName: f.Get("child_given_name"), FamilyName: f.Get("child_family_name"),
			DateOfBirth: formDate(f, "child_date_of_birth", fs)}
		household, err := strconv.Atoi(f.Get("child_household"))
		if err != nil {
			household = -1 // none chosen: the store says so, after the policy
		}
		if len(*fs) > 0 {
			// Nothing is saved; the rest is checked too, so that every
			// problem is shown at once.
			var more problem.Fields
			d.Check(family.Child, s.cfg.Now(), &more)
			if household < 0 {
				more.Add("household", "Select who the child lives with")
			}
			for _, m := range more {
				fs.Add("child_"+m.Name, m.Message)
			}
			*fs = inPageOrder(*fs, "child_given_name", "child_family_name", "child_date_of_birth", "child_household")
			return nil
		}
		_, err = s.db.AddChild(r.Context(), u.staff.Actor(), id, d, household)
		if p := problem.As(err); p != nil && p.Code == problem.Invalid {
			for i := range p.Fields {
				p.Fields[i].Name = "child_" + p.Fields[i].Name
			}
		}
		return err
	})
}

func (s *Server) professionalCreate(w http.ResponseWriter, r *http.Request, u *requestUser) {
	s.familyPost(w, r, u, policy.EditFamily, "professional", "name", "#team", func(id int64, f url.Values, _ *problem.Fields) error {
		return s.db.AddProfessional(r.Context(), u.staff.Actor(), id, professionalFrom(f))
	})
}

// professionalFrom is the professional a team member's form describes.
func professionalFrom(f url.Values) sharing.Professional {
	version, _ := strconv.Atoi(f.Get("version"))
	return sharing.Professional{Name: f.Get("name"), Role: f.Get("role"), Organisation: f.Get("organisation"),
		OrganisationKind: f.Get("organisation_kind"), Phone: f.Get("phone"), Email: f.Get("email"), Version: version}
}

// professionalValues is professional p's details as their form's values.
func professionalValues(p sharing.Professional) url.Values {
	return url.Values{"name": {p.Name}, "role": {p.Role}, "organisation": {p.Organisation},
		"organisation_kind": {p.OrganisationKind}, "phone": {p.Phone}, "email": {p.Email}, "version": {strconv.Itoa(p.Version)}}
}

// professionalUpdate changes a team member's details, from the form the
// "Change" link beside them opens under the team's table.
func (s *Server) professionalUpdate(w http.ResponseWriter, r *http.Request, u *requestUser) {
	pid, ok := s.professionalID(w, r)
	if !ok {
		return
	}
	s.familyPost(w, r, u, policy.EditFamily, professionalForm(pid), "name", "#team", func(id int64, f url.Values, _ *problem.Fields) error {
		err := s.db.UpdateProfessional(r.Context(), u.staff.Actor(), id, pid, professionalFrom(f))
		if problem.CodeOf(err) == problem.Conflict {
			// Saved by someone else since the form opened: the form shown
			// again keeps what was typed but moves on to the version saved
			// now (the family page fills in what the form does not post).
			f.Del("version")
		}
		return err
	})
}

// professionalLeft records the day a team member left the team, from the
// same form as their details.
func (s *Server) professionalLeft(w http.ResponseWriter, r *http.Request, u *requestUser) {
	pid, ok := s.professionalID(w, r)
	if !ok {
		return
	}
	s.familyPost(w, r, u, policy.EditFamily, professionalForm(pid), "left_on", "#team", func(id int64, f url.Values, fs *problem.Fields) error {
		on := formDate(f, "left_on", fs)
		if len(*fs) > 0 {
			// The store, asked with no date (which it never saves), says
			// whether they are in the team at all: someone who is not is
			// not found, whatever the date's problems.
			if err := s.db.ProfessionalLeft(r.Context(), u.staff.Actor(), id, pid, time.Time{}); problem.CodeOf(err) != problem.Invalid {
				*fs = nil
				return err
			}
			return nil
		}
		return s.db.ProfessionalLeft(r.Context(), u.staff.Actor(), id, pid, on)
	})
}

// professionalRemove removes a team member added in error, with why, from
// the same form as their details.
func (s *Server) professionalRemove(w http.ResponseWriter, r *http.Request, u *requestUser) {
	pid, ok := s.professionalID(w, r)
	if !ok {
		return
	}
	s.familyPost(w, r, u, policy.EditFamily, professionalForm(pid), "remove_why", "#team", func(id int64, f url.Values, _ *problem.Fields) error {
		return renameField(s.db.RemoveProfessional(r.Context(), u.staff.Actor(), id, pid, f.Get("remove_why")), "why", "remove_why")
	})
}

// professionalID is the path's {pid}, answering the request itself when
// it is not a number.
func (s *Server) professionalID(w http.ResponseWriter, r *http.Request) (int64, bool) {
	pid, err := strconv.ParseInt(r.PathValue("pid"), 10, 64)
	if err != nil || pid <= 0 {
		s.fail(w, r, problem.New(problem.NotFound, "There is no such professional in this family's team around the baby"))
		return 0, false
	}
	return pid, true
}

// professionalForm names the family page's form for team member pid.
func professionalForm(pid int64) string { return "professional-" + strconv.FormatInt(pid, 10) }

func (s *Server) shareCreate(w http.ResponseWriter, r *http.Request, u *requestUser) {
	s.familyPost(w, r, u, policy.EditFamily, "share", "recipient", "#sharing", func(id int64, f url.Values, fs *problem.Fields) error {
		person, _ := strconv.ParseInt(f.Get("share_person"), 10, 64)
		sh := sharing.Share{PersonID: person, SharedOn: formDate(f, "shared_on", fs), Recipient: f.Get("recipient"), What: f.Get("what"), Why: f.Get("why"),
			Method: f.Get("method"), LawfulBasis: f.Get("lawful_basis"), Consent: f.Get("consent"), ConsentReason: f.Get("consent_reason")}
		if len(*fs) > 0 {
			return nil
		}
		return s.db.RecordShare(r.Context(), u.staff.Actor(), id, sh)
	})
}

// sharesExport downloads the family's sharing log as CSV; withheld entries
// stay withheld.
func (s *Server) sharesExport(w http.ResponseWriter, r *http.Request, u *requestUser) {
	f, ok := s.familyFor(w, r, u, policy.ViewFamily)
	if !ok {
		return
	}
	shares, err := s.db.FamilyShares(r.Context(), u.staff.Actor(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.db.RecordEvent(r.Context(), "share.export", "family", f.ID, f.ID, strconv.Itoa(len(shares))+" entries"); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="sharing-log-`+f.Reference+`.csv"`)
	records := [][]string{{"shared_on", "with_whom", "how", "lawful_basis", "consent", "consent_reason", "what", "why", "recorded_by"}}
	for _, sh := range shares {
		who, what, why := sh.Recipient, sh.What, sh.Why
		if sh.Withheld {
			who, what, why = "withheld", "withheld: confidential to the other parent's practitioner", ""
		}
		records = append(records, []string{sh.SharedOn.Format(time.DateOnly), export.SafeText(who), sharing.Label(sharing.Methods(), sh.Method),
			sharing.Label(sharing.LawfulBases(), sh.LawfulBasis), sharing.Label(sharing.Consents(), sh.Consent), export.SafeText(sh.ConsentReason),
			export.SafeText(what), export.SafeText(why), export.SafeText(sh.By)})
	}
	if err := csv.NewWriter(w).WriteAll(records); err != nil {
		s.log.Error("writing export", "request_id", requestID(r), "err", err)
	}
}

func (s *Server) consentCreate(w http.ResponseWriter, r *http.Request, u *requestUser) {
	s.personPost(w, r, u, policy.EditConfidential, "consent", "scope", "#consent", func(id int64, f url.Values, fs *problem.Fields) error {
		c := sharing.Consent{Scope: f.Get("scope"), GivenOn: formDate(f, "given_on", fs)}
		if len(*fs) > 0 {
			return nil
		}
		return s.db.RecordConsent(r.Context(), u.staff.Actor(), id, c)
	})
}

func (s *Server) consentWithdraw(w http.ResponseWriter, r *http.Request, u *requestUser) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cid, err := strconv.ParseInt(r.PathValue("cid"), 10, 64)
	if err != nil {
		s.fail(w, r, problem.New(problem.NotFound, "There is no such consent"))
		return
	}
	if err := s.db.WithdrawConsent(r.Context(), u.staff.Actor(), id, cid); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/people/"+strconv.FormatInt(id, 10)+"#consent", http.StatusSeeOther)
}

func (s *Server) meetingCreate(w http.ResponseWriter, r *http.Request, u *requestUser) {
	s.familyPost(w, r, u, policy.EditFamily, "meeting", "kind", "#meetings", func(id int64, f url.Values, fs *problem.Fields) error {
		m := sharing.Meeting{Kind: f.Get("kind"), HeldOn: formDate(f, "held_on", fs), Attendees: f.Get("attendees"), Decisions: f.Get("decisions"), StatusAfter: f.Get("status_after")}
		for _, v := range f["parents_attended"] {
			if pid, err := strconv.ParseInt(v, 10, 64); err == nil {
				m.ParentsAttended = append(m.ParentsAttended, pid)
			}
		}
		for i := 0; i < 2; i++ {
			n := "actions[" + strconv.Itoa(i) + "]"
			what := f.Get(n + ".what")
			owner, _ := strconv.ParseInt(f.Get(n+".owner"), 10, 64)
			due := formDate(f, n+".due", fs)
			if what == "" && owner == 0 && due.IsZero() {
				continue
			}
			m.Actions = append(m.Actions, sharing.Action{What: what, OwnerID: owner, Due: due})
		}
		if len(*fs) > 0 {
			return nil
		}
		return s.db.RecordMeeting(r.Context(), u.staff.Actor(), id, m)
	})
}
