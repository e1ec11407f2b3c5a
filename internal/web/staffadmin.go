package web

import (
	"encoding/csv"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cradle-org/cradle/internal/credential"
	"github.com/cradle-org/cradle/internal/export"
	"github.com/cradle-org/cradle/internal/notice"
	"github.com/cradle-org/cradle/internal/org"
	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/referral"
	"github.com/cradle-org/cradle/internal/store"
)

// The administrators' staff pages (policy.ManageStaff): the accounts (50 a
// page, searched and filtered, or as CSV), a new one, an account's email
// address, name, job title, role and areas changed, and an account
// disabled, enabled again, or given new sign-in details. `cradle user`
// adds and disables accounts from the command line.

type staffData struct {
	Staff []staffRow
	Me    int64
	// Unused counts the active accounts not used to sign in for
	// org.UnusedAfter (never used: since they were made), whatever the filter.
	Unused int
	// Changed names the account just changed (Unchanged: a change that
	// asked for nothing new), for the banner.
	Changed, Unchanged string
	// The filter, as asked (the area's id, a role, a status, a search).
	AreaID              int64
	Role, Status, Query string
	Areas               []org.Area
	Roles               []referral.Option
	Filtered            bool
	Pager               pager
	Download            string // the CSV of the accounts the filter matches
}

// staffRow is one account on the staff list.
type staffRow struct {
	org.Staff
	Unused bool // org.Staff.Unused: marked for review
}

// staffChangeData is the page that changes an account's email address,
// name, job title, role and areas.
type staffChangeData struct {
	Staff   org.Staff
	Roles   []referral.Option
	Areas   []areaChoice
	Version int  // the account's version the form was opened at
	Changed bool // someone else saved a change since: the page shows what is saved now
}

// areaChoice is one area's checkbox.
type areaChoice struct {
	Name    string
	Checked bool
}

// staffSecretsData is what an account's holder needs once, shown on the
// page that made it and never again.
type staffSecretsData struct {
	Staff      org.Staff
	New        bool // a new account, else new sign-in details for an old one
	Password   string
	TOTPSecret string
	TOTPLink   string
	TOTPQR     template.URL // the link as a QR code, for their phone to scan from this screen
}

type staffFormData struct {
	Roles []referral.Option
	Areas []referral.Option
}

// staffPageSize is how many accounts the staff list shows a page: a
// national deployment has thousands.
const staffPageSize = 50

// staffFilterOf reads the staff list's filters from the query string into
// the store's filter and the page's data. A filter that is not one of the
// choices is ignored, as a list link from an older page should still open.
func staffFilterOf(r *http.Request, now time.Time) (store.StaffFilter, staffData) {
	q := r.URL.Query()
	d := staffData{Query: strings.TrimSpace(q.Get("q"))}
	f := store.StaffFilter{Query: d.Query, UnusedBefore: now.Add(-org.UnusedAfter)}
	if id, err := strconv.ParseInt(q.Get("area"), 10, 64); err == nil && id > 0 {
		f.AreaID, d.AreaID = id, id
	}
	if role, err := policy.ParseRole(q.Get("role")); err == nil {
		f.Role, d.Role = role, string(role)
	}
	if st := q.Get("status"); slices.Contains([]string{"active", "disabled", "unused"}, st) {
		f.Status, d.Status = st, st
	}
	d.Filtered = f.AreaID != 0 || f.Role != "" || f.Status != "" || f.Query != ""
	d.Download = "/admin/staff.csv"
	if d.Filtered {
		keep := url.Values{}
		for _, k := range []string{"q", "area", "role", "status"} {
			if v := q.Get(k); v != "" {
				keep.Set(k, v)
			}
		}
		d.Download += "?" + keep.Encode()
	}
	return f, d
}

func (s *Server) staffPage(w http.ResponseWriter, r *http.Request, u *requestUser) {
	q := r.URL.Query()
	now := s.cfg.Now()
	f, d := staffFilterOf(r, now)
	d.Me = u.staff.ID
	f.Offset, f.Limit = offsetAsked(r, staffPageSize), staffPageSize
	list, err := s.db.StaffWithAreas(r.Context(), u.staff.Actor(), f)
	if err == nil && list.Total > 0 && f.Offset >= list.Total {
		// Past the end (the list shrank since the link was made): the last page.
		f.Offset = (list.Total - 1) / staffPageSize * staffPageSize
		list, err = s.db.StaffWithAreas(r.Context(), u.staff.Actor(), f)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.Pager = newPager(r, "/admin/staff", list.Total, staffPageSize)
	d.Unused = list.Unused
	for _, st := range list.Staff {
		d.Staff = append(d.Staff, staffRow{Staff: st, Unused: st.Unused(now)})
	}
	for key, to := range map[string]*string{"changed": &d.Changed, "unchanged": &d.Unchanged} {
		if id, err := strconv.ParseInt(q.Get(key), 10, 64); err == nil && id > 0 {
			if st, err := s.db.StaffByID(r.Context(), id); err == nil {
				*to = st.Name
			}
		}
	}
	if d.Areas, err = s.db.Areas(r.Context()); err != nil {
		s.fail(w, r, err)
		return
	}
	for _, role := range policy.Roles() {
		d.Roles = append(d.Roles, referral.Option{Value: string(role), Label: role.Label()})
	}
	s.render(w, r, http.StatusOK, "staff", Page{Title: "Staff accounts", Nav: "staff", Data: d})
}

// staffExport downloads the accounts the staff list's filter matches, every
// page, as CSV: for the periodic review of who can sign in, and its
// evidence. Audited with how many accounts it held.
func (s *Server) staffExport(w http.ResponseWriter, r *http.Request, u *requestUser) {
	now := s.cfg.Now()
	f, _ := staffFilterOf(r, now)
	list, err := s.db.StaffWithAreas(r.Context(), u.staff.Actor(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.db.RecordEvent(r.Context(), "staff.export", "", 0, 0, fmt.Sprintf("%d accounts", len(list.Staff))); err != nil {
		s.fail(w, r, err)
		return
	}
	records := [][]string{{"name", "email", "role", "job_title", "areas", "status", "created", "last_signed_in", "unused_90_days"}}
	for _, st := range list.Staff {
		status, last, unused := "active", "", "no"
		if st.Disabled {
			status = "disabled"
		}
		if !st.LastSignedInAt.IsZero() {
			last = st.LastSignedInAt.UTC().Format(time.RFC3339)
		}
		if st.Unused(now) {
			unused = "yes"
		}
		records = append(records, []string{export.SafeText(st.Name), export.SafeText(st.Email), string(st.Role), export.SafeText(st.JobTitle),
			export.SafeText(strings.Join(org.AreaNameList(st.Areas), "; ")), status, st.CreatedAt.UTC().Format(time.RFC3339), last, unused})
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="staff-accounts-`+now.Format("2006-01-02")+`.csv"`)
	if err := csv.NewWriter(w).WriteAll(records); err != nil {
		s.log.Error("writing export", "request_id", requestID(r), "err", err)
	}
}

// staffConfirmData is the page that asks before an account is disabled or
// given new sign-in details: one click on a list of thousands should not
// lock someone out.
type staffConfirmData struct {
	Staff  org.Staff
	Action string // "disable" or "reset"
}

// staffConfirm asks before a change that locks the account's holder out
// (disabling it; new sign-in details, which stop the old ones working).
func (s *Server) staffConfirm(action string) func(http.ResponseWriter, *http.Request, *requestUser) {
	return func(w http.ResponseWriter, r *http.Request, u *requestUser) {
		st, ok := s.staffInPath(w, r, u)
		if !ok {
			return
		}
		title := "Disable " + st.Name + "'s account"
		if action == "reset" {
			title = "Give " + st.Name + " new sign-in details"
		}
		s.render(w, r, http.StatusOK, "staff-confirm", Page{Title: title, Nav: "staff", Data: staffConfirmData{Staff: st, Action: action}})
	}
}

// staffInPath reads the account the path names for an administrator's
// page about it (audited; not their own), answering the request itself
// when it cannot.
func (s *Server) staffInPath(w http.ResponseWriter, r *http.Request, u *requestUser) (org.Staff, bool) {
	id, err := pathID(r)
	if err == nil {
		var st org.Staff
		if st, err = s.db.StaffForAdmin(r.Context(), u.staff.Actor(), id); err == nil {
			return st, true
		}
	}
	s.fail(w, r, err)
	return org.Staff{}, false
}

// staffChangeForm shows the page that changes an account, filled in with
// what it has now.
func (s *Server) staffChangeForm(w http.ResponseWriter, r *http.Request, u *requestUser) {
	st, ok := s.staffInPath(w, r, u)
	if !ok {
		return
	}
	now := url.Values{"email": {st.Email}, "name": {st.Name}, "title": {st.JobTitle}, "role": {string(st.Role)}}
	for _, a := range st.Areas {
		now.Add("areas", a.Name)
	}
	s.showStaffChange(w, r, st, http.StatusOK, now, nil, st.Version, false)
}

// showStaffChange shows the form changing account st, with form's values,
// at version (the one it was opened at, or the account's own after a
// conflict, when changed shows what is saved now beside the editor's text).
func (s *Server) showStaffChange(w http.ResponseWriter, r *http.Request, st org.Staff, status int, form url.Values, errs []problem.Field, version int, changed bool) {
	areas, err := s.db.Areas(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := staffChangeData{Staff: st, Version: version, Changed: changed}
	for _, role := range policy.Roles() {
		d.Roles = append(d.Roles, referral.Option{Value: string(role), Label: role.Label()})
	}
	for _, a := range areas {
		d.Areas = append(d.Areas, areaChoice{Name: a.Name, Checked: slices.ContainsFunc(form["areas"], func(v string) bool { return strings.EqualFold(v, a.Name) })})
	}
	s.render(w, r, status, "staff-change", Page{Title: "Change " + st.Name + "'s account", Nav: "staff",
		Errors: inPageOrder(errs, "name", "email", "title", "role", "areas"), Form: form, Data: d})
}

// staffChange saves an account's new email address, name, job title, role
// and areas; its owner is emailed what changed (at both addresses, when the
// address changes).
func (s *Server) staffChange(w http.ResponseWriter, r *http.Request, u *requestUser) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := r.PostForm
	version, _ := strconv.Atoi(f.Get("version"))
	c := org.StaffChange{Email: f.Get("email"), Name: f.Get("name"), JobTitle: f.Get("title"), Role: f.Get("role"), Areas: f["areas"], Version: version}
	st, changed, err := s.db.ChangeStaff(r.Context(), u.staff.Actor(), id, c, func(tx *store.Tx, emails []string, changes []string) error {
		subject, text := notice.StaffChanged(s.cfg.OrgName, formatDateTime(s.cfg.Now()), changes)
		for _, to := range emails {
			if err := tx.QueueMail("staff_changed", to, subject, text, nil); err != nil {
				return err
			}
		}
		return nil
	})
	if p := problem.As(err); p != nil && (p.Code == problem.Invalid || p.Code == problem.Conflict) {
		old, ok := s.staffInPath(w, r, u)
		if !ok {
			return
		}
		// A change saved by someone else since the form was opened is
		// shown beside the editor's text, and the form moves on to it: the
		// editor decides, and saves again.
		if stale := p.Code == problem.Conflict && len(p.Fields) == 0; stale {
			s.showStaffChange(w, r, old, http.StatusConflict, f, []problem.Field{{Name: "saved-now", Message: p.Message}}, old.Version, true)
			return
		}
		s.showStaffChange(w, r, old, http.StatusUnprocessableEntity, f, p.Fields, version, false)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	to := "/admin/staff?unchanged="
	if changed {
		s.wakeMail()
		to = "/admin/staff?changed="
	}
	ref := strconv.FormatInt(st.ID, 10)
	http.Redirect(w, r, to+ref+"#staff-"+ref, http.StatusSeeOther)
}

func (s *Server) staffNewForm(w http.ResponseWriter, r *http.Request, u *requestUser) {
	if !s.may(w, r, u, policy.ManageStaff) {
		return
	}
	s.showStaffForm(w, r, http.StatusOK, nil)
}

func (s *Server) showStaffForm(w http.ResponseWriter, r *http.Request, status int, errs []problem.Field) {
	areas, err := s.db.Areas(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var d staffFormData
	for _, role := range policy.Roles() {
		d.Roles = append(d.Roles, referral.Option{Value: string(role), Label: role.Label()})
	}
	for _, a := range areas {
		d.Areas = append(d.Areas, referral.Option{Value: a.Name, Label: a.Name})
	}
	s.render(w, r, status, "staff-new", Page{Title: "Add a member of staff", Nav: "staff", Errors: inPageOrder(errs, "name", "email", "title", "role", "area"),
		Form: r.PostForm, Data: d})
}

// newSecrets makes a one-time password (changed at first sign-in) and an
// authenticator secret for an account.
func newSecrets(p credential.Params, email string) (store.StaffSecrets, staffSecretsData, error) {
	otp, err := credential.NewOneTimePassword()
	if err != nil {
		return store.StaffSecrets{}, staffSecretsData{}, err
	}
	hash, err := credential.HashWith(p, otp)
	if err != nil {
		return store.StaffSecrets{}, staffSecretsData{}, err
	}
	secret, link, err := credential.NewTOTPSecret("Cradle", email)
	if err != nil {
		return store.StaffSecrets{}, staffSecretsData{}, err
	}
	qr, err := totpQR(link)
	if err != nil {
		return store.StaffSecrets{}, staffSecretsData{}, err
	}
	return store.StaffSecrets{PasswordHash: hash, TOTPSecret: secret, MustChange: true},
		staffSecretsData{Password: otp, TOTPSecret: secret, TOTPLink: link, TOTPQR: qr}, nil
}

func (s *Server) staffCreate(w http.ResponseWriter, r *http.Request, u *requestUser) {
	if !s.may(w, r, u, policy.ManageStaff) {
		return
	}
	f := r.PostForm
	n := org.NewStaff{Email: f.Get("email"), Name: f.Get("name"), Role: f.Get("role"), JobTitle: f.Get("title"), AreaName: f.Get("area")}
	if err := n.Validate(); err != nil {
		// Checked before any secret is made (hashing a password is slow on
		// purpose).
		s.showStaffForm(w, r, http.StatusUnprocessableEntity, mergeFields(nil, err))
		return
	}
	secrets, shown, err := newSecrets(s.cfg.PasswordParams, n.Email)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	st, err := s.db.AddStaff(r.Context(), u.staff.Actor(), n, secrets)
	if p := problem.As(err); p != nil && (p.Code == problem.Invalid || p.Code == problem.Conflict) {
		s.showStaffForm(w, r, http.StatusUnprocessableEntity, mergeFields(nil, err))
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	shown.Staff, shown.New = st, true
	s.render(w, r, http.StatusOK, "staff-secrets", Page{Title: "Account created", Nav: "staff", Data: shown})
}

func (s *Server) staffSetDisabled(disabled bool) func(http.ResponseWriter, *http.Request, *requestUser) {
	return func(w http.ResponseWriter, r *http.Request, u *requestUser) {
		id, err := pathID(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if _, err := s.db.SetStaffDisabled(r.Context(), u.staff.Actor(), id, disabled); err != nil {
			s.fail(w, r, err)
			return
		}
		http.Redirect(w, r, "/admin/staff#staff-"+strconv.FormatInt(id, 10), http.StatusSeeOther)
	}
}

// staffReset gives an account a new one-time password and authenticator
// secret (its holder lost their phone, say), shown once.
func (s *Server) staffReset(w http.ResponseWriter, r *http.Request, u *requestUser) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !s.may(w, r, u, policy.ManageStaff) {
		return
	}
	// The account is read here for its address (the authenticator's label)
	// so that the slow hash is made before the write transaction, not
	// inside it holding SQLite's one writer; the store reads it again.
	old, err := s.db.StaffByID(r.Context(), id)
	if problem.CodeOf(err) == problem.NotFound {
		s.fail(w, r, problem.New(problem.NotFound, "There is no such account"))
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	secrets, shown, err := newSecrets(s.cfg.PasswordParams, old.Email)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// The account's owner is told, whoever asked for it: if it was not
	// them, someone else may be trying to take the account over.
	st, err := s.db.ResetStaffSecrets(r.Context(), u.staff.Actor(), id, secrets, func(tx *store.Tx, email string) error {
		subject, text := notice.StaffReset(s.cfg.OrgName, formatDateTime(s.cfg.Now()))
		return tx.QueueMail("staff_reset", email, subject, text, nil)
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.wakeMail()
	shown.Staff = st
	s.render(w, r, http.StatusOK, "staff-secrets", Page{Title: "New sign-in details", Nav: "staff", Data: shown})
}
