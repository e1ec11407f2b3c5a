// Package web serves Cradle's pages: the staff application, the public
// shell with "Exit this page", and the operational endpoints. Handlers follow
// one shape: load the signed-in user → load the record (404) → ask the policy
// (403) → read the form → validate → on error re-render with the messages and
// the typed values → save through the store → redirect.
package web

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/cradle-org/cradle/internal/casework"
	"github.com/cradle-org/cradle/internal/credential"
	"github.com/cradle-org/cradle/internal/eligibility"
	"github.com/cradle-org/cradle/internal/measure"
	"github.com/cradle-org/cradle/internal/metrics"
	"github.com/cradle-org/cradle/internal/retention"
	"github.com/cradle-org/cradle/internal/risk"
	"github.com/cradle-org/cradle/internal/safeguarding"
	"github.com/cradle-org/cradle/internal/site"
	"github.com/cradle-org/cradle/internal/store"
	"github.com/cradle-org/cradle/internal/timeline"
)

//go:embed static
var staticFiles embed.FS

// Config is what the server needs besides the database.
type Config struct {
	// MetricsToken lets a non-local scraper read /metrics with "Authorization: Bearer <token>".
	MetricsToken string
	// Now is the clock; tests replace it.
	Now func() time.Time
	// Demo shows the demonstration-data banner on every page.
	Demo bool
	// BehindTLS says a proxy terminates HTTPS in front of Cradle: cookies are
	// marked Secure and HSTS is sent even though this server speaks plain HTTP.
	BehindTLS bool
	// TrustedProxies are the reverse proxies whose X-Forwarded-For is
	// believed (see clientIP); empty means the header is ignored.
	TrustedProxies []netip.Prefix
	// Timeline is the programme's timeline and content (milestones, modules).
	Timeline timeline.Config
	// WorkingTime sets when safeguarding decisions fall due (working hours, bank holidays).
	WorkingTime safeguarding.WorkingTime
	// Questions is the DASH wording (the project's own by default; an
	// organisation may load its licensed wording).
	Questions risk.QuestionSet
	// Eligibility is the programme's intake rules (areas, pregnancy window).
	Eligibility eligibility.Config
	// Instruments are the outcome-measure instruments, as measure.Overlay
	// returns them with an organisation's wording (nil: the built-in ones).
	Instruments []measure.Instrument
	// Retention is the records retention schedule (zero: the shipped one).
	Retention retention.Schedule
	// OrgName is the organisation's name, used in emails and pages.
	OrgName string
	// BaseURL is the public address of the site, for links in emails
	// (never taken from the request's Host header, which a sender controls).
	BaseURL string
	// WakeMail asks the mail worker to send queued mail now (optional).
	WakeMail func()
	// MailSending: a mail server is set and a worker sends the outbox;
	// without one, mail waits (the administrators' email page says so).
	MailSending bool
	// Contacts are the emergency and helpline contacts shown on public pages.
	Contacts []Contact
	// PublicEmail is the organisation's public contact address, written into
	// the shipped privacy notice and accessibility statement when they are
	// first installed (optional: without it they point to the safeguarding page).
	PublicEmail string
	// PasswordParams are the argon2id costs of the password hashes this
	// server makes and of the check it makes for an unknown address
	// (zero: credential.DefaultParams). Tests lower them: under the race
	// detector a hash at the default cost takes about two seconds. Never
	// set in production.
	PasswordParams credential.Params
	// Frontend is the pages' templates and static files, ready to serve
	// (nil: New loads them). Tests, which start hundreds of servers, load
	// them once and share them: a load takes a quarter of a second under
	// the race detector.
	Frontend *Frontend
	// Bench adds GET /bench/ping: a trivial page behind the same middleware
	// and session check as every staff page, so a benchmark can measure the
	// server's ceiling in the same run. Never set in production.
	Bench bool
}

// Contact is an emergency or helpline contact (configurable).
type Contact struct {
	Name   string
	Number string
	Note   string
}

// DefaultContacts are the seed's key contacts.
func DefaultContacts() []Contact {
	return []Contact{
		{Name: "Police", Number: "999", Note: "in an emergency, if you or someone else is in immediate danger"},
		{Name: "Police Child Abuse Investigation Unit", Number: "101", Note: "or 999 in an emergency"},
		{Name: "NSPCC helpline", Number: "0808 800 5000", Note: "advice if you are worried about a child"},
	}
}

// Session lifetimes (issue: idle 30 minutes, absolute 12 hours).
const (
	IdleTimeout = 30 * time.Minute
	// SessionWarning is how long before an idle session ends the page
	// warns and offers to keep it (WCAG 2.2.1: at least 20 seconds).
	SessionWarning  = 5 * time.Minute
	AbsoluteTimeout = 12 * time.Hour
	// Failed sign-ins allowed in the window, per account and per address.
	maxFailuresPerAccount = 5
	maxFailuresPerIP      = 50
	failureWindow         = 15 * time.Minute
	// publicFormWindow is how far back the public forms' limits count
	// sends from one address (referrals, password reset links).
	publicFormWindow = time.Hour
)

// Server holds the application's dependencies; it has no package-level state.
type Server struct {
	db      *store.DB
	log     *slog.Logger
	metrics *metrics.Registry
	views   *views
	cfg     Config
	assets  *assetSet
	pools   pools
	nav     navCache
	// milestones keeps the caseload's family timelines (see milestoneMemo).
	milestones milestoneMemo
	// dues keeps what the caseload works out for each family (see dueMemo).
	dues dueMemo
	// fragments keeps rendered caseload rows (see fragmentCache).
	fragments fragmentCache
	// markdown keeps the public pages' rendered Markdown (see markdownMemo).
	markdown markdownMemo
	// reserved are the addresses site pages cannot take (the application's own).
	reserved map[string]bool
}

// New builds a server; unless given a Frontend it loads one now, so a
// broken template fails start-up rather than a request. A nil log discards what it would
// have said (a test's server), rather than failing the first request.
func New(db *store.DB, log *slog.Logger, cfg Config) (*Server, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = "http://127.0.0.1:8080"
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	if cfg.OrgName == "" {
		cfg.OrgName = "Cradle"
	}
	if cfg.PasswordParams == (credential.Params{}) {
		cfg.PasswordParams = credential.DefaultParams()
	}
	if cfg.WorkingTime.Location == nil {
		wt, err := safeguarding.DefaultWorkingTime()
		if err != nil {
			return nil, err
		}
		cfg.WorkingTime = wt
	}
	if cfg.Instruments == nil {
		cfg.Instruments = measure.Builtin()
	}
	if cfg.Timeline.EndMonths == 0 {
		t, err := timeline.DefaultConfig()
		if err != nil {
			return nil, err
		}
		cfg.Timeline = t
	}
	if cfg.Eligibility.StartWeeks == 0 {
		e, err := eligibility.DefaultConfig()
		if err != nil {
			return nil, err
		}
		cfg.Eligibility = e
	}
	if cfg.Retention == (retention.Schedule{}) {
		cfg.Retention = retention.DefaultSchedule()
	}
	if err := cfg.Retention.Validate(); err != nil {
		return nil, err
	}
	if cfg.Contacts == nil {
		cfg.Contacts = DefaultContacts()
	}
	if cfg.Frontend == nil {
		f, err := LoadFrontend()
		if err != nil {
			return nil, err
		}
		cfg.Frontend = f
	}
	srv := &Server{db: db, log: log, metrics: metrics.New(), views: cfg.Frontend.views, cfg: cfg, assets: cfg.Frontend.assets}
	srv.reserved = srv.reservedSlugs()
	return srv, nil
}

// Frontend is the binary's embedded templates, parsed, and its static
// files, hashed and compressed: the same for every server, and never
// changed once loaded, so servers may share one (html/template executes a
// template from many goroutines at once).
type Frontend struct {
	views  *views
	assets *assetSet
}

// LoadFrontend parses every template, so a broken one fails start-up
// rather than a request, and prepares the static files.
func LoadFrontend() (*Frontend, error) {
	static, err := fs.Sub(staticFiles, "static")
	if err != nil {
		return nil, err
	}
	assets, err := loadAssets(static)
	if err != nil {
		return nil, fmt.Errorf("loading static files: %w", err)
	}
	v, err := parseViews(assets)
	if err != nil {
		return nil, fmt.Errorf("parsing templates: %w", err)
	}
	return &Frontend{views: v, assets: assets}, nil
}

// Handler returns the whole application with its middleware.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	s.routes(mux)
	csrf := http.NewCrossOriginProtection()
	// The API authenticates with a bearer token, not a cookie, so a
	// cross-site request carries no ambient credential to abuse.
	csrf.AddInsecureBypassPattern("POST /api/v1/referrals")
	// Mail clients send RFC 8058 one-click unsubscribes from outside the
	// site; the link's own token is the credential.
	csrf.AddInsecureBypassPattern("POST /mailing-list/unsubscribe")
	csrf.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.renderError(w, r, http.StatusForbidden, "This form could not be sent",
			"The request came from another website, so it was refused to keep your information safe. Go back to the page, refresh it and try again.")
	}))
	var h http.Handler = mux
	h = withCleanQuery(h)
	h = s.withSession(h)
	h = csrf.Handler(h)
	h = s.withRecover(h)
	h = s.withSecurityHeaders(h)
	h = s.withLogAndMetrics(h)
	h = s.withClientIP(h)
	h = withRequestID(h)
	return h
}

// Routes lists every route pattern, for the access-matrix test.
func (s *Server) Routes() []string {
	var out []string
	s.routeTable(func(pattern string, _ http.Handler) { out = append(out, pattern) })
	return out
}

func (s *Server) routes(mux *http.ServeMux) {
	s.routeTable(func(pattern string, h http.Handler) { mux.Handle(pattern, withPattern(h)) })
}

// routeTable is the one list of routes. Staff pages are wrapped in
// s.staff(…), which refuses anyone not fully signed in.
func (s *Server) routeTable(handle func(string, http.Handler)) {
	hf := func(f http.HandlerFunc) http.Handler { return f }
	// Operations.
	handle("GET /healthz", hf(s.healthz))
	handle("GET /readyz", hf(s.readyz))
	handle("GET /metrics", hf(s.metricsPage))
	handle("GET /assets/", http.StripPrefix("/assets/", s.assets))
	// The public website: pages edited by administrators, at /{slug}.
	handle("GET /{$}", hf(s.publicHome))
	handle("GET /{slug}", hf(s.publicSitePage))
	handle("GET /documents/{id}/{name}", hf(s.siteDocument))
	// Referrals: two public doors.
	handle("GET /refer/professional", hf(s.professionalForm))
	handle("POST /refer/professional", hf(s.professionalSubmit))
	handle("GET /refer/professional/confirmation", hf(s.professionalDone))
	handle("GET /refer/yourself", hf(s.selfStart))
	handle("GET /refer/yourself/check", hf(s.selfCheck))
	handle("POST /refer/yourself/check", hf(s.selfSubmit))
	handle("GET /refer/yourself/confirmation", hf(s.selfDone))
	handle("GET /refer/yourself/{step}", hf(s.selfStepForm))
	handle("POST /refer/yourself/{step}", hf(s.selfStepSubmit))
	// Mailing list.
	handle("GET /mailing-list", hf(s.mailingForm))
	handle("POST /mailing-list", hf(s.mailingSubmit))
	handle("GET /mailing-list/check-email", hf(s.mailingCheckEmail))
	handle("GET /mailing-list/confirm", hf(s.mailingConfirmForm))
	handle("POST /mailing-list/confirm", hf(s.mailingConfirm))
	handle("GET /mailing-list/unsubscribe", hf(s.mailingUnsubscribeForm))
	handle("POST /mailing-list/unsubscribe", hf(s.mailingUnsubscribe))
	// Partner API.
	handle("POST /api/v1/referrals", hf(s.apiReferral))
	handle("GET /api/v1/openapi.json", hf(s.openAPI))
	// Sign-in.
	handle("GET /sign-in", hf(s.signInForm))
	handle("POST /sign-in", hf(s.signIn))
	handle("GET /sign-in/code", hf(s.codeForm))
	handle("POST /sign-in/code", hf(s.code))
	handle("GET /sign-in/new-password", hf(s.newPasswordForm))
	handle("POST /sign-in/new-password", hf(s.newPassword))
	handle("GET /sign-in/forgot", hf(s.forgotForm))
	handle("POST /sign-in/forgot", hf(s.forgot))
	handle("GET /sign-in/reset", hf(s.resetForm))
	handle("POST /sign-in/reset", hf(s.reset))
	handle("POST /sign-out", hf(s.signOut))
	// Staff.
	handle("GET /home", s.staff(s.home))
	handle("GET /session/alive", s.staff(s.sessionAlive))
	handle("GET "+sessionStatusPath, s.staff(s.sessionStatus))
	handle("GET /caseload", s.staff(s.caseload))
	handle("GET /appointments", s.staff(s.diary))
	handle("GET /caseload/team", s.staff(s.teamCaseloads))
	handle("GET /caseload/team/move", s.staff(s.moveForm))
	handle("POST /caseload/team/move", s.staff(s.moveSave))
	handle("GET /families/{id}", s.staff(s.familyPage))
	handle("GET /families/{id}/audit", s.staff(s.familyAudit))
	handle("GET /families/{id}/chronology", s.staff(s.familyChronology))
	handle("GET /families/{id}/allocate", s.staff(s.allocateForm))
	handle("POST /families/{id}/allocate", s.staff(s.allocateSave))
	handle("POST /families/{id}/birth", s.staff(s.familyBirth))
	handle("POST /families/{id}/edd", s.staff(s.familyDueDate))
	handle("POST /families/{id}/assessment", s.staff(s.familyAssessment))
	handle("GET /families/{id}/close", s.staff(s.closeForm))
	handle("POST /families/{id}/close", s.staff(s.closeSave))
	handle("POST /families/{id}/reopen", s.staff(s.familyReopen))
	handle("GET /people/{id}", s.staff(s.personPage))
	handle("POST /people/{id}/sessions", s.staff(s.sessionCreate))
	handle("GET /people/{id}/sessions/{sid}", s.staff(s.sessionShow))
	handle("POST /people/{id}/sessions/{sid}", s.staff(s.sessionCorrect))
	handle("POST /people/{id}/sessions/{sid}/remove", s.staff(s.sessionRemove))
	handle("POST /people/{id}/vig", s.staff(s.vigCreate))
	handle("POST /people/{id}/vig/{eid}/remove", s.staff(s.vigRemove))
	handle("POST /people/{id}/joint-safety", s.staff(s.jointSafety))
	handle("POST /people/{id}/pause", s.staff(s.pauseCreate))
	handle("POST /people/{id}/resume", s.staff(s.pauseEnd))
	handle("POST /people/{id}/leave", s.staff(s.leaveCreate))
	handle("POST /people/{id}/rejoin", s.staff(s.rejoinCreate))
	handle("POST /people/{id}/join-later", s.staff(s.joinLaterCreate))
	handle("POST /people/{id}/reminders", s.staff(s.reminderCreate))
	handle("POST /people/{id}/appointments", s.staff(s.appointmentCreate))
	handle("POST /people/{id}/appointments/{eid}/cancel", s.staff(s.appointmentCancel))
	handle("POST /people/{id}/appointments/{eid}/move", s.staff(s.appointmentMove))
	handle("POST /people/{id}/reminders/{eid}/due", s.staff(s.reminderMove))
	handle("POST /people/{id}/documents", s.uploadLimit(casework.DocumentMaxBytes, s.staff(s.documentCreate)))
	handle("GET /people/{id}/documents/{eid}", s.staff(s.documentOpen))
	handle("POST /people/{id}/documents/{eid}/remove", s.staff(s.documentRemove))
	handle("POST /people/{id}/supervision", s.staff(s.supervisionCreate))
	handle("GET /people/{id}/measures", s.staff(s.measuresPage))
	handle("GET /people/{id}/measures/{instrument}", s.staff(s.measureForm))
	handle("POST /people/{id}/measures/{instrument}", s.staff(s.measureSave))
	handle("POST /people/{id}/measure-results/{rid}/remove", s.staff(s.measureRemove))
	handle("GET /people/{id}/contact", s.staff(s.contactForm))
	handle("POST /people/{id}/contact", s.staff(s.contactSave))
	handle("GET /people/{id}/details", s.staff(s.detailsForm))
	handle("POST /people/{id}/details", s.staff(s.detailsSave))
	handle("GET /people/{id}/dash", s.staff(s.dashForm))
	handle("GET /people/{id}/dash/{aid}", s.staff(s.dashShow))
	handle("POST /people/{id}/dash", s.staff(s.dashSave))
	handle("POST /people/{id}/incidents", s.staff(s.incidentCreate))
	handle("POST /people/{id}/incidents/{eid}/remove", s.staff(s.incidentRemove))
	handle("POST /people/{id}/changes", s.staff(s.changeCreate))
	handle("POST /people/{id}/changes/{eid}/remove", s.staff(s.changeRemove))
	handle("POST /people/{id}/marac", s.staff(s.maracCreate))
	handle("POST /people/{id}/marac/{eid}/outcome", s.staff(s.maracOutcome))
	handle("POST /people/{id}/marac/{eid}/remove", s.staff(s.maracRemove))
	handle("GET /people/{id}/safety-plan", s.staff(s.safetyForm))
	handle("POST /people/{id}/safety-plan", s.staff(s.safetySave))
	handle("POST /families/{id}/child-risk", s.staff(s.childRiskCreate))
	handle("POST /families/{id}/child-risks/{eid}/remove", s.staff(s.childRiskRemove))
	handle("POST /families/{id}/professionals", s.staff(s.professionalCreate))
	handle("POST /families/{id}/professionals/{pid}", s.staff(s.professionalUpdate))
	handle("POST /families/{id}/professionals/{pid}/left", s.staff(s.professionalLeft))
	handle("POST /families/{id}/professionals/{pid}/remove", s.staff(s.professionalRemove))
	handle("POST /families/{id}/shares", s.staff(s.shareCreate))
	handle("POST /families/{id}/shares/{eid}/remove", s.staff(s.shareRemove))
	handle("POST /families/{id}/meetings", s.staff(s.meetingCreate))
	handle("POST /families/{id}/meetings/{eid}/remove", s.staff(s.meetingRemove))
	handle("GET /families/{id}/documents/new", s.staff(s.documentForm))
	handle("POST /families/{id}/documents", s.staff(s.documentPost))
	handle("GET /families/{id}/shares.csv", s.staff(s.sharesExport))
	handle("POST /people/{id}/consents", s.staff(s.consentCreate))
	handle("POST /people/{id}/consents/{cid}/withdraw", s.staff(s.consentWithdraw))
	handle("POST /people/{id}/consents/{eid}/remove", s.staff(s.consentRemove))
	handle("GET /referrals/{id}/subject-access", s.staff(s.referralSubjectAccessPage))
	handle("POST /referrals/{id}/subject-access", s.staff(s.referralSubjectAccessDownload))
	handle("GET /people/{id}/subject-access", s.staff(s.subjectAccessPage))
	handle("POST /people/{id}/subject-access", s.staff(s.subjectAccessDownload))
	handle("GET /people/{id}/reveal", s.staff(s.revealForm))
	handle("POST /people/{id}/reveal", s.staff(s.revealSubmit))
	handle("GET /audit", s.staff(s.auditLog))
	handle("GET /admin/tokens", s.staff(s.tokensPage))
	handle("GET /admin/staff", s.staff(s.staffPage))
	handle("GET /admin/staff/new", s.staff(s.staffNewForm))
	handle("GET /admin/staff.csv", s.staff(s.staffExport))
	handle("POST /admin/staff", s.staff(s.staffCreate))
	handle("GET /admin/staff/{id}", s.staff(s.staffChangeForm))
	handle("POST /admin/staff/{id}", s.staff(s.staffChange))
	handle("GET /admin/staff/{id}/disable", s.staff(s.staffConfirm("disable")))
	handle("GET /admin/staff/{id}/reset", s.staff(s.staffConfirm("reset")))
	handle("POST /admin/staff/{id}/disable", s.staff(s.staffSetDisabled(true)))
	handle("POST /admin/staff/{id}/enable", s.staff(s.staffSetDisabled(false)))
	handle("POST /admin/staff/{id}/reset", s.staff(s.staffReset))
	handle("POST /admin/tokens", s.staff(s.tokenCreate))
	handle("POST /admin/tokens/{id}/revoke", s.staff(s.tokenRevoke))
	handle("GET /admin/contacts", s.staff(s.contactsPage))
	handle("POST /admin/contacts", s.staff(s.contactsSave))
	handle("GET /admin/site", s.staff(s.siteAdmin))
	handle("GET /admin/site/pages/new", s.staff(s.siteNewForm))
	handle("POST /admin/site/pages", s.staff(s.siteSave))
	handle("GET /admin/site/pages/{id}", s.staff(s.siteEditForm))
	handle("POST /admin/site/pages/{id}", s.staff(s.siteSave))
	handle("POST /admin/site/documents", s.uploadLimit(site.MaxDocument, s.staff(s.siteDocumentUpload)))
	handle("POST /admin/site/documents/{id}/withdraw", s.staff(s.siteDocumentWithdraw))
	handle("GET /retention", s.staff(s.retentionList))
	handle("GET /retention/erased", s.staff(s.retentionErased))
	handle("GET /retention/families/{id}", s.staff(s.retentionReview))
	handle("POST /retention/families/{id}/keep", s.staff(s.retentionKeep))
	handle("POST /retention/families/{id}/request", s.staff(s.retentionRequest))
	handle("POST /retention/families/{id}/approve", s.staff(s.retentionApprove))
	handle("GET /retention/referrals/{id}", s.staff(s.retentionReview))
	handle("POST /retention/referrals/{id}/keep", s.staff(s.retentionKeep))
	handle("POST /retention/referrals/{id}/request", s.staff(s.retentionRequest))
	handle("POST /retention/referrals/{id}/approve", s.staff(s.retentionApprove))
	handle("GET /account", s.staff(s.accountPage))
	handle("GET /account/password", s.staff(s.passwordForm))
	handle("POST /account/password", s.staff(s.passwordChange))
	handle("POST /account/sessions/end", s.staff(s.endOtherSessions))
	handle("GET /account/authenticator", s.staff(s.authenticatorForm))
	handle("POST /account/authenticator", s.staff(s.authenticatorChange))
	handle("GET /account/public-listing", s.staff(s.publicListingForm))
	handle("POST /account/public-listing", s.staff(s.publicListingSave))
	handle("GET /admin/mail", s.staff(s.mailAdmin))
	handle("POST /admin/mail/{id}/resend", s.staff(s.mailResend))
	handle("GET /admin/mailing-list", s.staff(s.mailingAdmin))
	handle("GET /admin/mailing-list.csv", s.staff(s.mailingExport))
	handle("GET /families/{id}/concerns/new", s.staff(s.concernForm))
	handle("POST /families/{id}/concerns", s.staff(s.concernCreate))
	handle("GET /referrals/{id}/concerns/new", s.staff(s.referralConcernForm))
	handle("POST /referrals/{id}/concerns", s.staff(s.referralConcernCreate))
	handle("GET /concerns", s.staff(s.concernsDashboard))
	handle("GET /concerns/{id}", s.staff(s.concernPage))
	handle("POST /concerns/{id}/decision", s.staff(s.concernDecide))
	handle("POST /concerns/{id}/close", s.staff(s.concernClose))
	handle("POST /tasks/{id}/done", s.staff(s.taskDone))
	handle("POST /families/{id}/tasks/{eid}/reassign", s.staff(s.taskReassign))
	handle("POST /families/{id}/children", s.staff(s.childCreate))
	handle("GET /search", s.staff(s.searchPage))
	handle("GET /reports", s.staff(s.reportsPage))
	handle("GET /reports/export/{file}", s.staff(s.reportExport))
	handle("GET /reports/funder", s.staff(s.funderForm))
	handle("GET /reports/funder.pdf", s.staff(s.funderReport))
	handle("GET /referrals", s.staff(s.referralQueue))
	handle("GET /referrals/{id}", s.staff(s.referralPage))
	handle("GET /referrals/new", s.staff(s.takeForm(professionalTaken())))
	handle("POST /referrals/new", s.staff(s.takeSubmit(professionalTaken())))
	handle("GET /referrals/new/parent", s.staff(s.takeForm(parentTaken())))
	handle("POST /referrals/new/parent", s.staff(s.takeSubmit(parentTaken())))
	handle("POST /referrals/{id}/decision", s.staff(s.referralDecide))
	handle("POST /referrals/{id}/acknowledged", s.staff(s.referralAcknowledged))
	handle("POST /referrals/{id}/decision-told", s.staff(s.referralDecisionTold))
	if s.cfg.Bench {
		handle("GET /bench/ping", s.staff(func(w http.ResponseWriter, r *http.Request, u *requestUser) {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			send(w, []byte("ok"))
		}))
	}
	// Anything else: a GOV.UK "page not found", not the mux's plain text.
	handle("/", hf(s.notFound))
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.renderError(w, r, http.StatusNotFound, "Page not found", "If you typed the web address, check it is correct. If you pasted the web address, check you copied the entire address.")
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	send(w, []byte("ok\n"))
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if err := s.db.Ping(ctx); err != nil {
		s.log.Warn("readiness check failed", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		send(w, []byte("database unreachable\n"))
		return
	}
	send(w, []byte("ready\n"))
}

// WakeMail asks the mail worker to send queued mail now.
func (s *Server) WakeMail() { s.wakeMail() }

func (s *Server) wakeMail() {
	if s.cfg.WakeMail != nil {
		s.cfg.WakeMail()
	}
}

// mailRetention is how long the outbox keeps a message's recipient and
// text once it is sent or given up on, and the mailing list an address
// after its owner unsubscribed or their confirmation link expired: long
// enough to answer "did my email go?" or undo an unsubscribe by mistake.
const mailRetention = 30 * 24 * time.Hour

// SweepSessions deletes sessions past their idle or absolute timeout and
// returns how many. It also deletes self-referral drafts left unfinished,
// clears the outbox's and the mailing list's old addresses
// (mailRetention), and forgets failed sign-ins and public form sends the
// limits no longer count. Each runs whatever another's error: a failure is
// reported with the others, and does not keep old sessions.
func (s *Server) SweepSessions(ctx context.Context) (int64, error) {
	now := s.cfg.Now()
	n, err := s.db.DeleteExpiredSessions(ctx, now.Add(-IdleTimeout), now.Add(-AbsoluteTimeout))
	_, draftsErr := s.db.DeleteOldDrafts(ctx, now.Add(-draftMaxAge))
	_, mailErr := s.db.ClearOldMail(ctx, now.Add(-mailRetention))
	_, listErr := s.db.ForgetOldSignUps(ctx, now.Add(-mailRetention))
	_, attemptsErr := s.db.ForgetOldAttempts(ctx, now.Add(-failureWindow), now.Add(-publicFormWindow))
	return n, errors.Join(err, draftsErr, mailErr, listErr, attemptsErr)
}
