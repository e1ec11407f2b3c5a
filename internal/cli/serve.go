package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/cradle-org/cradle/internal/audit"
	"github.com/cradle-org/cradle/internal/demo"
	"github.com/cradle-org/cradle/internal/eligibility"
	"github.com/cradle-org/cradle/internal/mail"
	"github.com/cradle-org/cradle/internal/measure"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/retention"
	"github.com/cradle-org/cradle/internal/risk"
	"github.com/cradle-org/cradle/internal/safeguarding"
	"github.com/cradle-org/cradle/internal/store"
	"github.com/cradle-org/cradle/internal/timeline"
	"github.com/cradle-org/cradle/internal/web"
)

func (a *App) serve(ctx context.Context, args []string) error {
	fs := a.newFlags("serve", "Run the web application. Migrations are applied at start.")
	d := a.addDBFlags(fs)
	addr := fs.String("addr", envOr(a.Getenv, "CRADLE_ADDR", "127.0.0.1:8080"), "`host:port` to listen on (env CRADLE_ADDR)")
	withDemo := fs.Bool("demo", false, "load demonstration data if the database is empty, and print its sign-in details")
	tlsCert := fs.String("tls-cert", "", "TLS certificate `file`; with --tls-key, serve HTTPS (cookies become Secure and HSTS is sent)")
	tlsKey := fs.String("tls-key", "", "TLS private key `file`")
	eligFile := fs.String("eligibility", a.Getenv("CRADLE_ELIGIBILITY_FILE"), "JSON `file` of intake rules: funded areas, postcode districts, pregnancy window (env CRADLE_ELIGIBILITY_FILE; default: the built-in rules)")
	timelineFile := fs.String("timeline", a.Getenv("CRADLE_TIMELINE_FILE"), "JSON `file` of the programme timeline and content: milestones, measure timepoints, VIG cycles, modules (env CRADLE_TIMELINE_FILE; default: built in)")
	workingFile := fs.String("working-time", a.Getenv("CRADLE_WORKING_TIME_FILE"), "JSON `file` of working hours, days and bank holidays for safeguarding decision deadlines (env CRADLE_WORKING_TIME_FILE; default: 09:00-17:00 Monday to Friday, England and Wales bank holidays)")
	retentionFile := fs.String("retention", a.Getenv("CRADLE_RETENTION_FILE"), "JSON `file` of the records retention schedule: children's records until a birthday, years after closure, notice days (env CRADLE_RETENTION_FILE; default: until the youngest child's 25th birthday, 35 years after closure for child protection, 6 years otherwise)")
	instrumentsDir := fs.String("instruments", a.Getenv("CRADLE_INSTRUMENTS_DIR"), "`folder` of outcome-measure definition files (*.json), each giving an organisation's wording for a built-in instrument such as its licensed EPDS or WEMWBS items; a file that would score differently, or names no built-in instrument, stops start-up (env CRADLE_INSTRUMENTS_DIR; default: the built-in definitions)")
	questionsFile := fs.String("dash-questions", a.Getenv("CRADLE_DASH_QUESTIONS_FILE"), "JSON `file` of DASH question wording, for an organisation's licensed text (env CRADLE_DASH_QUESTIONS_FILE; default: the project's own neutral wording)")
	trusted := fs.String("trusted-proxies", a.Getenv("CRADLE_TRUSTED_PROXIES"), "comma-separated addresses or CIDR ranges of the reverse proxies in front of Cradle, whose X-Forwarded-For gives the client's address (env CRADLE_TRUSTED_PROXIES)")
	behindTLS := fs.Bool("behind-tls-proxy", a.Getenv("CRADLE_BEHIND_TLS_PROXY") != "", "a proxy terminates HTTPS in front of Cradle: mark cookies Secure and send HSTS (env CRADLE_BEHIND_TLS_PROXY)")
	if err := a.parse(fs, args); err != nil {
		return err
	}
	if (*tlsCert == "") != (*tlsKey == "") {
		return &usageError{msg: "serve: give both --tls-cert and --tls-key, or neither"}
	}
	elig, err := loadConfigFile(*eligFile, "eligibility rules", eligibility.DefaultConfig, eligibility.ParseConfig)
	if err != nil {
		return err
	}
	tl, err := loadConfigFile(*timelineFile, "timeline", timeline.DefaultConfig, timeline.ParseConfig)
	if err != nil {
		return err
	}
	wt, err := loadConfigFile(*workingFile, "working hours", safeguarding.DefaultWorkingTime, safeguarding.ParseWorkingTime)
	if err != nil {
		return err
	}
	qs, err := loadConfigFile(*questionsFile, "DASH questions", risk.DefaultQuestions, risk.ParseQuestions)
	if err != nil {
		return err
	}
	keep, err := loadConfigFile(*retentionFile, "retention schedule", func() (retention.Schedule, error) { return retention.DefaultSchedule(), nil }, retention.ParseSchedule)
	if err != nil {
		return err
	}
	instruments, err := loadInstruments(*instrumentsDir)
	if err != nil {
		return err
	}
	log := a.logger()
	started := time.Now()
	db, err := a.open(ctx, d)
	if err != nil {
		return err
	}
	defer db.Close()
	var creds []demo.Credential
	if *withDemo {
		if creds, _, err = demo.LoadWith(ctx, db, a.passwordParams()); err != nil {
			return err
		}
	}
	isDemo, err := db.IsDemo(ctx)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %w (is another program using it? choose another with --addr)", *addr, err)
	}
	defer ln.Close()
	baseURL := a.Getenv("CRADLE_BASE_URL")
	if baseURL == "" {
		scheme := "http"
		if *tlsCert != "" {
			scheme = "https"
		}
		baseURL = scheme + "://" + ln.Addr().String()
	}
	smtp, haveSMTP, err := a.smtpConfig()
	if err != nil {
		return err
	}
	var worker *mail.Worker
	if haveSMTP {
		sender, err := mail.NewSMTPSender(smtp)
		if err != nil {
			return fmt.Errorf("SMTP settings: %w", err)
		}
		worker = &mail.Worker{Outbox: Outbox{DB: db, Log: log}, Sender: sender, Log: log, Now: a.Now}
		go worker.Run(ctx)
	} else {
		log.Warn("no SMTP server configured (CRADLE_SMTP_HOST): emails wait in the outbox until one is")
	}
	wake := func() {}
	if worker != nil {
		wake = worker.Wake
	}
	proxies, err := web.ParseTrustedProxies(*trusted)
	if err != nil {
		return &usageError{msg: "--trusted-proxies: " + err.Error()}
	}
	srv, err := web.New(db, log, web.Config{TrustedProxies: proxies, MetricsToken: a.Getenv("CRADLE_METRICS_TOKEN"), Demo: isDemo, BehindTLS: *behindTLS || *tlsCert != "",
		OrgName: envOr(a.Getenv, "CRADLE_ORG_NAME", "For Baby's Sake"), PublicEmail: a.Getenv("CRADLE_PUBLIC_EMAIL"), WakeMail: wake, MailSending: haveSMTP, BaseURL: baseURL, Eligibility: elig, Timeline: tl, WorkingTime: wt, Questions: qs, Retention: keep, Instruments: instruments, Now: a.Now,
		PasswordParams: a.passwordParams()})
	if err != nil {
		return fmt.Errorf("building the web server: %w", err)
	}
	if err := srv.InstallSite(ctx); err != nil {
		return err
	}
	// The dashboard's outcome pairs follow the configured timepoint order;
	// a changed order works them out again, once (store.SetOutcomeOrder).
	order := make([]string, len(tl.Timepoints))
	for i, tp := range tl.Timepoints {
		order[i] = tp.Key
	}
	if err := db.SetOutcomeOrder(ctx, order); err != nil {
		return fmt.Errorf("recording the outcome measures' timepoint order: %w", err)
	}
	// Likewise the programme content figures count against the configured
	// modules' targets (store.SetModuleTargets).
	if err := db.SetModuleTargets(ctx, tl.Modules); err != nil {
		return fmt.Errorf("recording the programme modules' targets: %w", err)
	}
	httpSrv := httpServer(srv.Handler(), log)
	scheme := "http"
	if *tlsCert != "" {
		scheme = "https"
	}
	base := fmt.Sprintf("%s://%s", scheme, ln.Addr())
	log.Info("cradle started", "addr", ln.Addr().String(), "database", string(db.Dialect()), "startup_ms", time.Since(started).Milliseconds(), "version", a.Version)
	fmt.Fprintf(a.Stdout, "Cradle is running at %s/ (staff sign in: %s/sign-in). Press Ctrl+C to stop.\n", base, base)
	if isDemo {
		fmt.Fprintf(a.Stdout, "This database holds demonstration data. Demo sign-in details (get a security code with: cradle totp --secret SECRET):\n")
		if creds == nil {
			creds = demo.Credentials()
		}
		if err := printCredentials(a.Stdout, creds); err != nil {
			return err
		}
	}
	if a.Ready != nil {
		a.Ready(ln.Addr().String())
	}
	go a.sweepSessions(ctx, srv, log)
	go anchorAudit(ctx, db, log)
	go a.escalate(ctx, db, srv, log)
	errc := make(chan error, 1)
	go func() {
		if *tlsCert != "" {
			errc <- httpSrv.ServeTLS(ln, *tlsCert, *tlsKey)
		} else {
			errc <- httpSrv.Serve(ln)
		}
	}()
	select {
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("serving: %w", err)
		}
		return nil
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing requests in progress")
	shutCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := httpSrv.Shutdown(shutCtx); err != nil {
		return fmt.Errorf("shutting down: %w", err)
	}
	log.Info("stopped")
	return nil
}

// sweepSessions removes expired sessions, old drafts and old mail every
// few minutes (web.Server.SweepSessions).
func (a *App) sweepSessions(ctx context.Context, srv *web.Server, log *slog.Logger) {
	t := time.NewTicker(5 * time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			n, err := srv.SweepSessions(ctx)
			if err != nil {
				log.Error("sweeping expired sessions, drafts and old mail", "err", err)
			}
			if n > 0 {
				log.Info("removed expired sessions", "count", n)
			}
		}
	}
}

// anchorAudit logs the audit log's head at start and then hourly when it
// has moved: logs are kept apart from the database (a log service, the
// journal), and cradle audit verify --anchor with a logged head shows
// whether anything up to that entry has since been rewritten or removed,
// which the hash chain alone cannot show to someone able to work its
// hashes out again.
func anchorAudit(ctx context.Context, db *store.DB, log *slog.Logger) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	var last audit.Anchor
	for {
		a, err := db.AuditAnchor(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			log.Error("reading the audit log's head to anchor it", "err", err)
		case err == nil && a != last && a.ID > 0:
			log.Info("audit anchor", "anchor", a.String(), "verify", "cradle audit verify --anchor "+a.String())
			last = a
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// escalate checks every minute for safeguarding decisions that are overdue
// and sends the hourly escalation. Several instances may run it: the store
// makes sure only one escalates at a time, and records which escalation it
// sent, so a restart neither misses nor repeats one.
func (a *App) escalate(ctx context.Context, db *store.DB, srv *web.Server, log *slog.Logger) {
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for {
		if n, err := db.EscalateOverdue(ctx, time.Hour, srv.EscalationNotifier()); err != nil {
			if ctx.Err() != nil {
				return
			}
			log.Error("escalating overdue safeguarding decisions", "err", err)
		} else if n > 0 {
			log.Info("escalated overdue safeguarding decisions", "count", n)
			srv.WakeMail()
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// logger writes JSON when stderr is not a terminal (a service manager or a
// container collects it) and text when a person is watching.
func (a *App) logger() *slog.Logger { return a.loggerTo(a.Stderr) }

// loggerTo is logger writing to w, a writer over standard error, in the
// form standard error calls for.
func (a *App) loggerTo(w io.Writer) *slog.Logger {
	if f, ok := a.Stderr.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			return slog.New(slog.NewTextHandler(w, nil))
		}
	}
	return slog.New(slog.NewJSONHandler(w, nil))
}

// loadInstruments reads an organisation's outcome-measure definitions, the
// *.json files in dir, in name order, and lays them over the built-in
// instruments (measure.Overlay): nil, meaning the built-in ones, when no
// folder is named. A file that would change scoring is refused here, so the
// server never starts with results that are not comparable.
func loadInstruments(dir string) ([]measure.Instrument, error) {
	if dir == "" {
		return nil, nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("reading the outcome-measure instruments: %w", err)
	}
	var files []measure.File
	for _, e := range entries { // ReadDir sorts by name
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		path := filepath.Join(dir, e.Name())
		b, err := os.ReadFile(path) // #nosec G304 -- a definition file in the folder the operator named
		if err != nil {
			return nil, fmt.Errorf("reading the outcome-measure instruments: %w", err)
		}
		files = append(files, measure.File{Name: e.Name(), Data: b})
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("outcome-measure instruments in %s: the folder has no .json definition files", dir)
	}
	ins, err := measure.Overlay(files)
	if p := problem.As(err); p != nil {
		// One line naming the folder, the file and the difference; the
		// problem's field is a JSON path in the file, not a flag.
		msg := p.Message
		for _, f := range p.Fields {
			msg += "; " + f.Name + ": " + f.Message
		}
		return nil, fmt.Errorf("outcome-measure instruments in %s: %s", dir, msg)
	}
	if err != nil {
		return nil, fmt.Errorf("outcome-measure instruments in %s: %w", dir, err)
	}
	return ins, nil
}

// loadConfigFile reads a JSON configuration file with parse, or returns the
// built-in default when no file is named.
func loadConfigFile[T any](path, what string, def func() (T, error), parse func([]byte) (T, error)) (T, error) {
	if path == "" {
		return def()
	}
	b, err := os.ReadFile(path) // #nosec G304 -- a configuration file the operator named in a flag or the environment
	if err != nil {
		var zero T
		return zero, fmt.Errorf("reading the %s: %w", what, err)
	}
	c, err := parse(b)
	if err != nil {
		var zero T
		return zero, fmt.Errorf("%s in %s: %w", what, path, err)
	}
	return c, nil
}

// httpServer bounds what one client can hold: a slow sender of headers or
// body, a slow reader of the answer, an idle connection, oversized headers
// (a 431). Uploads are bounded by their handlers.
func httpServer(h http.Handler, log *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}
