package web

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"maps"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cradle-org/cradle/internal/casework"
	"github.com/cradle-org/cradle/internal/family"
	"github.com/cradle-org/cradle/internal/measure"
	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/referral"
	"github.com/cradle-org/cradle/internal/risk"
	"github.com/cradle-org/cradle/internal/safeguarding"
	"github.com/cradle-org/cradle/internal/sharing"
	"github.com/cradle-org/cradle/internal/site"
	"github.com/cradle-org/cradle/internal/store"
)

//go:embed templates
var templateFiles embed.FS

type views struct {
	pages map[string]*template.Template
}

var funcs = template.FuncMap{
	"date":       formatDate,
	"weekday":    func(t time.Time) string { return t.Weekday().String() },
	"datetime":   formatDateTime,
	"mailKind":   mailKindLabel,
	"auditLabel": auditLabel,
	"recordMail": recordMailLabel,
	"channels":   referral.Channels,
	"takenHow":   func(ch string) string { return strings.ToLower(referral.Label(referral.Channels(), ch)) },
	"roleLabel":  func(r policy.Role) string { return r.Label() },
	"sub":        func(a, b int) int { return a - b },
	// The idle session's length and the warning before its end, for the
	// page's script (app.js), which warns and lets the user stay.
	"idleSeconds": func() int { return int(IdleTimeout / time.Second) },
	"warnSeconds": func() int { return int(SessionWarning / time.Second) },
	"field":       newField,
	"fieldID":     fieldID,
	"list":        func(xs ...string) []string { return xs },
	"taskDone":    func(csrf string, t store.Task, back string) taskDoneForm { return taskDoneForm{csrf, t, back} },
	"removal": func(action, csrf string, why formField, button string) removalForm {
		return removalForm{action, csrf, why, button}
	},
	"removedLine":          func(what string, e store.RemovedEntry) removedLine { return removedLine{what, e} },
	"safetyPlanView":       func(names [][2]string, p *store.SafetyPlan) safetyPlanView { return safetyPlanView{names, p} },
	"add":                  func(a, b int) int { return a + b },
	"retentionTag":         retentionTag,
	"declineLabel":         referral.DeclineReasonLabel,
	"parents":              func(r referral.Referral) []referral.Parent { return []referral.Parent{r.Parent1, r.Parent2} },
	"referrerRoles":        referral.ReferrerRoles,
	"safeguardingStatuses": referral.SafeguardingStatuses,
	"consentOptions":       referral.ConsentOptions,
	"answers":              referral.Answers,
	"relationships":        referral.Relationships,
	"yesNo":                yesNo,
	"outcomes":             referral.Outcomes,
	"outcomesFor":          outcomesFor,
	"optionLabel":          optionLabel,
	"modes":                casework.Modes,
	"attendances":          casework.Attendances,
	"vigPhases":            casework.VIGPhases,
	"attendanceLabel":      func(v string) string { return casework.Label(casework.Attendances(), v) },
	"modeLabel":            func(v string) string { return casework.Label(casework.Modes(), v) },
	"pauseReasons":         casework.PauseReasons,
	"cancelReasons":        casework.CancelReasons,
	"pauseLabel":           func(v string) string { return casework.Label(casework.PauseReasons(), v) },
	"leavingReasons":       casework.LeavingReasons,
	"leavingLabel":         func(v string) string { return casework.Label(casework.LeavingReasons(), v) },
	"documentKind":         func(v string) string { return casework.Label(casework.DocumentKinds(), v) },
	"documentSize":         casework.DocumentSize,
	"atRiskOptions": func() []referral.Option {
		var out []referral.Option
		for _, o := range safeguarding.AtRiskOptions() {
			out = append(out, referral.Option{Value: o.Value, Label: o.Label})
		}
		return out
	},
	"atRiskLabel":      func(v string) string { return safeguarding.AtRisk(v).Label() },
	"decisionLabel":    func(v string) string { return casework.Label(decisionOptions(), v) },
	"lawfulBases":      sharing.LawfulBases,
	"shareMethods":     sharing.Methods,
	"shareConsents":    sharing.Consents,
	"orgKinds":         sharing.OrganisationKinds,
	"householdOptions": householdOptions,
	"childRiskOptions": childRiskOptions,
	"meetingKinds":     sharing.MeetingKinds,
	"meetingStatuses":  sharing.Statuses,
	"shareLabel":       sharing.Label,
	"personName": func(f family.Family, id int64) string {
		for _, p := range f.People {
			if p.ID == id {
				return p.Name()
			}
		}
		return "The family"
	},
	"riskLevelOptions": func() []referral.Option {
		return []referral.Option{{Value: "standard", Label: "Standard"}, {Value: "medium", Label: "Medium"}, {Value: "high", Label: "High"}}
	},
	"itemOptions": func(opts []measure.Option) []referral.Option {
		out := make([]referral.Option, len(opts))
		for i, o := range opts {
			out[i] = referral.Option{Value: strconv.Itoa(o.Value), Label: o.Label}
		}
		return out
	},
	"itemField": measure.ItemField,
	"stepHint": func(step float64) string {
		if step <= 0 {
			return ""
		}
		return ", in steps of " + strconv.FormatFloat(step, 'f', -1, 64)
	},
	"domainField": measure.DomainField,
	"riskLabel":   func(l risk.Level) string { return l.Label() },
	"changeKinds": risk.ChangeKinds,
	"changeLabel": risk.ChangeLabel,
	"riskTag": func(l risk.Level) string {
		return map[risk.Level]string{risk.High: "govuk-tag--red", risk.Medium: "govuk-tag--orange", risk.Standard: "govuk-tag--green"}[l]
	},
	"closureLabel":   func(v string) string { return casework.Label(casework.ClosureReasons(), v) },
	"moduleLabel":    casework.Label,
	"moduleStatus":   moduleStatus,
	"matchReason":    matchReason,
	"declineReasons": referral.DeclineReasons,
	"isoDate": func(s string) string {
		if t := referral.Date(s); !t.IsZero() {
			return t.Format("2 January 2006")
		}
		return "Not given"
	},
	"fileSize": func(n int64) string {
		switch {
		case n >= 1<<20:
			return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MB"
		case n >= 1<<10:
			return strconv.FormatInt((n+1<<9)>>10, 10) + " KB"
		}
		return strconv.FormatInt(n, 10) + " bytes"
	},
	"sectionLabel": func(s site.Section) string {
		return map[site.Section]string{site.SectionHome: "Home page", site.SectionAbout: "About menu", site.SectionFooter: "Footer"}[s]
	},
	"navItem": func(current, key, href, label string) navItem {
		return navItem{Active: current == key, Href: href, Label: label}
	},
	"input": func(p Page, name, label, typ, autocomplete string, hint ...string) textInput {
		in := textInput{Name: name, Label: label, Type: typ, Autocomplete: autocomplete, Value: p.Value(name), Error: p.ErrorFor(name)}
		if len(hint) > 0 {
			in.Hint = hint[0]
		}
		if typ == "password" {
			in.Value = "" // never echo a password back into the page
		}
		return in
	},
}

// formatDate is a day as pages show it ("3 December 2026").
func formatDateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Local().Format("2 January 2006 at 3:04pm")
}

func formatDate(t time.Time) string {
	if t.IsZero() {
		return "Not known"
	}
	return t.Format("2 January 2006")
}

type navItem struct {
	Active      bool
	Href, Label string
}

type textInput struct {
	Name, Label, LabelClass, Hint, Error, Value, Type, Autocomplete, InputMode, Class string
}

// parseViews parses the layout and partials once, then each page on a
// copy of them; a missing or broken template fails start-up. Each file is
// compacted first (see compactTemplate).
func parseViews(assets *assetSet) (*views, error) {
	names, err := fs.Glob(templateFiles, "templates/pages/*.html")
	if err != nil {
		return nil, err
	}
	partials, err := fs.Glob(templateFiles, "templates/partials/*.html")
	if err != nil {
		return nil, err
	}
	if len(partials) == 0 {
		return nil, fmt.Errorf("no templates in templates/partials")
	}
	base := template.New("layout.html").Funcs(funcs).Funcs(template.FuncMap{"asset": assets.URL})
	for _, f := range append([]string{"templates/layout.html"}, partials...) {
		if err := parseFile(base, f); err != nil {
			return nil, err
		}
	}
	v := &views{pages: map[string]*template.Template{}}
	for _, n := range names {
		t, err := base.Clone()
		if err != nil {
			return nil, err
		}
		if err := parseFile(t, n); err != nil {
			return nil, err
		}
		name := strings.TrimSuffix(strings.TrimPrefix(n, "templates/pages/"), ".html")
		v.pages[name] = t
	}
	return v, nil
}

// parseFile parses one embedded template file, compacted, into t's set
// under its base name, as ParseFS would (into t itself if that is t's name).
func parseFile(t *template.Template, file string) error {
	b, err := fs.ReadFile(templateFiles, file)
	if err != nil {
		return err
	}
	if name := path.Base(file); name != t.Name() {
		t = t.New(name)
	}
	if _, err := t.Parse(compactTemplate(string(b))); err != nil {
		return fmt.Errorf("parsing %s: %w", file, err)
	}
	return nil
}

// Page is what every template gets. Data holds the page's own typed struct.
type Page struct {
	Title  string
	Public bool // a public page: shows "Exit this page" and emergency contacts (always, when nobody is signed in)
	Nav    string
	User   *requestUser
	CSRF   string
	Demo   bool
	// contacts reads the emergency numbers and helplines when a template
	// shows them (public pages and the safeguarding page; see Contacts).
	contacts  func() []Contact
	Errors    []problem.Field // for the error summary and inline messages
	Form      url.Values      // what the user typed, to show back
	Data      any
	RequestID string
	Alerts    int           // unseen safeguarding alerts for the signed-in user
	Footer    []navLink     // the site's footer pages (privacy, cookies, accessibility)
	Menu      template.HTML // the service navigation's items (see navView)
	// unlinked are the fields named by Errors that the page does not show
	// (a conflict naming a form the page no longer offers, such as a
	// birth's once it is recorded): the summary lists them without a link.
	unlinked map[string]bool
	// Unsaved is the free text the user typed into a form the page no
	// longer shows (see keepUnsaved), shown for them to copy.
	Unsaved []unsavedText
}

// unsavedText is one field's typed text, with the field's label. Field
// names the form field it was typed into: the text is shown whenever the
// page shown no longer has that field, whether or not the problem links
// to something (a retention request refused because someone asked a
// moment before: the problem links to the record's status, and the
// request form is gone).
type unsavedText struct{ Field, Label, Text string }

type unsavedKey struct{}

// keepUnsaved notes the free text a form posted, for the page shown if the
// save is refused by a problem whose form the page no longer shows (an
// entry removed, or a decision made, by someone else a moment ago): the
// text is then shown for the user to copy, never silently lost. Empty
// texts are left out.
func keepUnsaved(r *http.Request, texts ...unsavedText) *http.Request {
	var kept []unsavedText
	for _, t := range texts {
		if strings.TrimSpace(t.Text) != "" {
			kept = append(kept, t)
		}
	}
	if len(kept) == 0 {
		return r
	}
	return r.WithContext(context.WithValue(r.Context(), unsavedKey{}, kept))
}

// unsavedGone are the texts keepUnsaved noted whose field the rendered
// page does not show, then any other free text the form posted whose field
// the page does not show: a handler that names none (a session's notes
// refused because the case closed a moment before) still loses nothing
// typed. Those are labelled from their field's name. staff: the page is a
// signed-in member of staff's.
func unsavedGone(r *http.Request, page []byte, staff bool) []unsavedText {
	gone := func(field string) bool { return !bytes.Contains(page, []byte(`id="`+fieldID(field)+`"`)) }
	kept, _ := r.Context().Value(unsavedKey{}).([]unsavedText)
	var out []unsavedText
	named := map[string]bool{}
	for _, t := range kept {
		named[t.Field] = true
		if gone(t.Field) {
			out = append(out, t)
		}
	}
	// Staff pages only: a public form's steps carry earlier answers in
	// hidden fields, which are not lost.
	if r.Method != http.MethodPost || !staff {
		return out
	}
	names := slices.Sorted(maps.Keys(r.PostForm))
	for _, name := range names {
		v := r.PostForm.Get(name)
		if named[name] || !typedText(name, v) || !gone(name) {
			continue
		}
		out = append(out, unsavedText{Field: name, Label: fieldLabel(name), Text: v})
	}
	return out
}

// notTyped are the posted fields that are never free text worth keeping
// to copy (and the passwords, never shown again).
var notTyped = map[string]bool{"csrf_token": true, "version": true, "password": true, "current": true, "confirm": true, "code": true, "token": true}

// typedText says whether a posted value looks like text someone typed: a
// sentence (it has a space or a new line) in a field that is not a date's
// part or one of notTyped. A code from a list, a number or an id has none.
func typedText(name, v string) bool {
	if notTyped[name] || strings.HasSuffix(name, "-day") || strings.HasSuffix(name, "-month") || strings.HasSuffix(name, "-year") {
		return false
	}
	v = strings.TrimSpace(v)
	return v != "" && strings.ContainsAny(v, " \n\t")
}

// fieldLabel names a posted field for the user: "safe_contacts" is "Safe
// contacts", "actions[0].what" is "Actions 1 what" (a list's index counts
// from one; other numbers, such as an id, stay as they are).
func fieldLabel(name string) string {
	var b strings.Builder
	for i, part := range strings.Split(name, "[") {
		if i > 0 {
			if n, rest, ok := strings.Cut(part, "]"); ok {
				if k, err := strconv.Atoi(n); err == nil {
					part = strconv.Itoa(k+1) + rest
				}
			}
		}
		for _, word := range strings.FieldsFunc(part, func(r rune) bool { return r == '_' || r == '.' || r == ']' || r == '-' }) {
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(word)
		}
	}
	l := b.String()
	if l == "" {
		return "Text"
	}
	return strings.ToUpper(l[:1]) + l[1:]
}

// Linked says whether the error summary links to field name: true unless
// the page does not show it.
func (p Page) Linked(name string) bool { return !p.unlinked[name] }

// unlinkedFields are the fields errs name that page, rendered, has no
// element for: an error summary's link to one would go nowhere.
func unlinkedFields(page []byte, errs []problem.Field) map[string]bool {
	var out map[string]bool
	for _, e := range errs {
		if !bytes.Contains(page, []byte(`id="`+fieldID(e.Name)+`"`)) {
			if out == nil {
				out = map[string]bool{}
			}
			out[e.Name] = true
		}
	}
	return out
}

// Contacts is the organisation's emergency numbers and helplines, read
// only when a template shows them: most signed-in pages do not, and
// reading them for every page was one statement in five of a caseload's.
func (p Page) Contacts() []Contact {
	if p.contacts == nil {
		return nil
	}
	return p.contacts()
}

// ErrorFor returns the message for a field, if any.
func (p Page) ErrorFor(name string) string {
	for _, e := range p.Errors {
		if e.Name == name {
			return e.Message
		}
	}
	return ""
}

// Value is what the user typed in a field.
func (p Page) Value(name string) string { return p.Form.Get(name) }

// Role is the signed-in user's role, if anyone is signed in.
func (p Page) Role() policy.Role {
	if p.User == nil {
		return ""
	}
	return p.User.staff.Role
}

func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p Page) {
	t, ok := s.views.pages[name]
	if !ok {
		s.log.Error("no such view", "view", name)
		http.Error(w, "Sorry, there is a problem with the service.", http.StatusInternalServerError)
		return
	}
	if p.User == nil {
		p.User = userOf(r)
	}
	if p.User != nil {
		p.CSRF = maskCSRF(p.User.session.CSRFToken)
		if p.User.session.Stage == "active" && (p.User.staff.Role == policy.DSL || p.User.staff.Role == policy.TeamManager) {
			// Counted with the session at the start of the request; the one
			// page that marks alerts seen (a concern's) hides the banner.
			p.Alerts = p.User.session.UnseenAlerts
		}
	} else {
		// Every page a signed-out visitor can reach offers "Exit this page"
		// and the emergency contacts.
		p.Public = true
	}
	p.Demo = s.cfg.Demo
	p.contacts = func() []Contact { return s.contactsFor(r, 0) }
	p.Footer = s.footerLinks(r)
	p.RequestID = requestID(r)
	menu, err := s.renderFragments(name, "menu", []fragmentView{navView{Signed: p.User != nil && p.User.session.Stage == "active", Role: string(p.Role()), Nav: p.Nav}})
	if err != nil {
		s.log.Error("rendering", "view", name, "request_id", requestID(r), "err", err)
		http.Error(w, "Sorry, there is a problem with the service.", http.StatusInternalServerError)
		return
	}
	p.Menu = menu[0]
	buf := s.pools.buffer()
	defer s.pools.putBuffer(buf)
	err = t.Execute(buf, p)
	if err == nil && len(p.Errors) > 0 {
		// Rendered again, rarely, when a problem names a field the page
		// does not show, so that no link in the summary goes nowhere, or
		// when text was typed into a form the page no longer has.
		p.unlinked = unlinkedFields(buf.Bytes(), p.Errors)
		if p.Unsaved = unsavedGone(r, buf.Bytes(), p.User != nil && !p.Public); p.unlinked != nil || p.Unsaved != nil {
			buf.Reset()
			err = t.Execute(buf, p)
		}
	}
	if err != nil {
		s.log.Error("rendering", "view", name, "request_id", requestID(r), "err", err)
		http.Error(w, "Sorry, there is a problem with the service.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	s.pools.write(w, r, status, buf.Bytes())
}

type errorData struct {
	Heading string
	Message string
}

func (s *Server) renderError(w http.ResponseWriter, r *http.Request, status int, heading, message string) {
	p := Page{Title: heading, Public: userOf(r) == nil, Data: errorData{Heading: heading, Message: message}}
	if status == http.StatusConflict || status == http.StatusBadRequest {
		// A form refused whole (its case closed a moment ago, say): the
		// page has none of its fields, so what was typed is shown to copy.
		p.Unsaved = unsavedGone(r, nil, !p.Public)
	}
	s.render(w, r, status, "error", p)
}

// fail maps any error to the right page, in one place. Internal errors are
// logged with the request id and shown only as a reference.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	if s.clientGone(r, err) {
		return
	}
	if altered := (*store.AlteredError)(nil); errors.As(err, &altered) {
		s.failAltered(w, r, altered)
		return
	}
	switch problem.CodeOf(err) {
	case problem.NotFound:
		s.renderError(w, r, http.StatusNotFound, "Page not found", problem.MessageOf(err))
	case problem.Forbidden:
		s.auditRefusal(r, problem.MessageOf(err))
		s.renderError(w, r, http.StatusForbidden, "You do not have access to this page",
			"You cannot see this because "+problem.MessageOf(err)+". If you need access, ask your team manager.")
	case problem.Unauthorised:
		http.Redirect(w, r, "/sign-in", http.StatusSeeOther)
	case problem.Invalid:
		s.renderError(w, r, http.StatusBadRequest, "There is a problem", problem.MessageOf(err))
	case problem.Conflict:
		// Done already, or changed by someone else meanwhile: the request
		// was sound, the record has moved on.
		s.renderError(w, r, http.StatusConflict, "There is a problem", problem.MessageOf(err))
	case problem.TooMany:
		s.renderError(w, r, http.StatusTooManyRequests, "Too many attempts", problem.MessageOf(err))
	case problem.Unavailable:
		s.log.Error("unavailable", "request_id", requestID(r), "err", err)
		s.renderError(w, r, http.StatusServiceUnavailable, "Sorry, the service is unavailable", "Try again later.")
	default:
		s.log.Error("internal error", "request_id", requestID(r), "path", r.URL.Path, "err", err)
		s.renderError(w, r, http.StatusInternalServerError, "Sorry, there is a problem with the service",
			"Try again later. If it keeps happening, tell your administrator and quote reference "+requestID(r)+".")
	}
}

// auditRefusal records a signed-in member of staff refused by the policy:
// who asked for what and why not, under the record's family (so the
// family's "who looked at this record" shows them too). A practitioner
// trying the other parent's record, or a family not theirs, is what a
// record's managers most need to know of. The public are sent to sign in,
// not refused, so only staff are recorded.
func (s *Server) auditRefusal(r *http.Request, reason string) {
	if userOf(r) == nil {
		return
	}
	recordType, id := refusedRecord(r.URL.Path, r.PathValue("id"))
	if err := s.db.RecordRefusal(r.Context(), recordType, id, r.Method+" "+r.URL.Path+": "+reason); err != nil {
		s.log.Error("recording a refusal", "request_id", requestID(r), "err", err)
	}
}

// refusedRecord names the record a refused path is about, from its first
// segment and its id ("", 0 for a page about no one record).
func refusedRecord(path, idValue string) (string, int64) {
	id, err := strconv.ParseInt(idValue, 10, 64)
	if err != nil || id <= 0 {
		return "", 0
	}
	seg := strings.Split(strings.TrimPrefix(path, "/"), "/")
	if seg[0] == "retention" && len(seg) > 1 {
		seg = seg[1:]
	}
	switch seg[0] {
	case "families":
		return "family", id
	case "people":
		return "person", id
	case "concerns":
		return "concern", id
	case "referrals":
		return "referral", id
	case "tasks":
		return "task", id
	}
	return "", 0
}

// failAltered answers a page that read a sealed value which does not open
// where it is: changed or moved outside Cradle, perhaps one co-parent's
// details copied into the other's record. Nothing of the record is shown;
// the reader is told to raise it, and it goes on the audit log (under the
// value's table, field and row, no personal data) for whoever looks into it.
func (s *Server) failAltered(w http.ResponseWriter, r *http.Request, altered *store.AlteredError) {
	s.log.Error("a sealed value does not open where it is", "request_id", requestID(r), "path", r.URL.Path, "value", altered.Context, "err", altered.Err)
	if err := s.db.RecordEvent(r.Context(), "seal.altered", "", 0, 0, altered.Context+" (request "+requestID(r)+")"); err != nil {
		s.log.Error("recording an altered sealed value", "request_id", requestID(r), "err", err)
	}
	s.renderError(w, r, http.StatusInternalServerError, "Part of this record cannot be shown",
		"Something in it was changed outside Cradle, so none of it is shown. This has been recorded. "+
			"Tell your designated safeguarding lead and your administrator, and quote reference "+requestID(r)+".")
}

// clientGone reports, and logs at info, a request whose client went away
// (a closed tab, a cancelled download, a load generator stopping) before
// its reads finished: they failed because the request's context ended (the
// drivers say so in their own words: SQLite's "interrupted"), no answer can
// reach anyone, and an error log would call someone out for nothing. The
// error is kept in the record in case it was something else as well.
func (s *Server) clientGone(r *http.Request, err error) bool {
	if r.Context().Err() == nil {
		return false
	}
	s.log.Info("request abandoned by the client", "request_id", requestID(r), "path", r.URL.Path, "err", err)
	return true
}
