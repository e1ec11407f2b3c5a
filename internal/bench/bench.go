// Package bench is the load runner behind `cradle bench run` (issue 8). It
// starts Cradle's real web server in this process on a loopback TCP
// listener, signs staff in with their password and security code, finds the
// pages each of them can reach, and drives a mixed workload of reads and
// real writes at the server with vegeta (used as a library, not a home-made
// client). It measures, in the same run:
//
//   - the ceiling: the highest throughput, with no errors, of a trivial page
//     (GET /bench/ping) behind the same middleware and session check;
//   - the highest mixed-workload throughput with no errors, and its ratio to
//     the ceiling (the headline figure);
//   - p50/p95/p99 latency per page at a fixed open-loop rate;
//   - allocations per request, peak RSS, start-up time, and what each page
//     weighs on first load.
//
// Nothing here asserts that Cradle is fast enough: it measures and reports.
// The load generator shares the process (and the machine) with the server,
// as the issue asks, so every figure includes its cost.
package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"time"

	"github.com/cradle-org/cradle/internal/store"
	"github.com/cradle-org/cradle/internal/web"
)

// Account is a member of staff the runner signs in as.
type Account struct {
	Email, Password, TOTPSecret string
	Role                        string
}

// Config is what Run needs. Zero values take the defaults named.
type Config struct {
	DB       *store.DB // already opened, migrated and seeded
	Accounts []Account // staff to sign in as (practitioners, team managers, DSLs, analysts...)
	// Rate is the fixed open-loop rate of the latency run, in requests per
	// second (default 500).
	Rate int
	// Duration is the length of each phase: the ceiling search, the mixed
	// throughput search and the latency run (default 20s).
	Duration time.Duration
	// Now is the clock for the server and the security codes (default time.Now).
	Now func() time.Time
	// Progress, if set, is told how far each phase has gone (total is 0
	// while a phase's length is not known). It is called from one
	// goroutine at a time.
	Progress func(phase string, done, total time.Duration)
	// Log receives the runner's messages and the server's warnings and
	// errors (default: discarded).
	Log *slog.Logger
	// Trials is the number of short attacks in each throughput search: one
	// closed-loop probe, then open-loop trials that binary-search the rate
	// (default 8; at least 2). Each lasts Duration/Trials.
	Trials int
	// Workers is the concurrency of the closed-loop probe (default 8 per
	// CPU, at least 16). Open-loop attacks may use up to 16 times as many.
	Workers int
	// Pages is how many pages of each kind (families, people, concerns,
	// referrals) are sampled from each account's lists (default 8): enough
	// variety to spread the load over many records, few enough that
	// finding them stays quick on 100,000 families.
	Pages int
	// Web is the rest of the server's configuration (timeline, eligibility
	// rules, organisation name...). Run sets Bench and Now.
	Web web.Config
	// CPUProfile, if set, receives a CPU profile of the mixed workload (its
	// throughput search and the latency run) and nothing else: sign-in
	// (argon2id), discovery and the ceiling would otherwise be most of it.
	CPUProfile io.Writer
	// AllocProfile and AllocBase, if set, receive the allocation profile
	// (pprof's "allocs") at the end and at the start of the same phases:
	// the profile counts from the process's start, and sign-in (argon2id)
	// would be most of it, so compare with go tool pprof -diff_base.
	AllocProfile, AllocBase io.Writer
}

// Phase names passed to Config.Progress.
const (
	PhaseStart    = "start"
	PhaseSignIn   = "sign-in"
	PhaseDiscover = "discover"
	PhaseCeiling  = "ceiling"
	PhaseMixed    = "mixed"
	PhaseLatency  = "latency"
	// PhaseDashboard's progress counts loads, not time.
	PhaseDashboard = "dashboard"
)

// Report is everything one run measured. It is JSON-serialisable; times
// are in milliseconds and sizes in bytes.
type Report struct {
	Date     time.Time `json:"date"`
	Machine  Machine   `json:"machine"`
	Database string    `json:"database"`
	// Families is the number of families in the database, counted before
	// the load.
	Families int `json:"families"`
	// AuditEntries is the audit log's length before the load (a national
	// deployment's is tens of millions; cradle bench seed writes each
	// family's trail).
	AuditEntries int64 `json:"audit_entries"`
	// Staff is how many accounts of each role signed in and took part.
	Staff map[string]int `json:"staff_by_role"`
	// StartupMS is from web.New to the first 200 from /readyz over TCP. It
	// does not include opening and migrating the database, which the
	// caller did before Run.
	StartupMS float64 `json:"startup_ms"`
	// OpenMS is opening and migrating the database, if the caller timed
	// it (Run is given an open database); 0 if not.
	OpenMS float64 `json:"open_ms,omitempty"`
	// Ceiling is GET /bench/ping as signed-in staff; Mixed is the workload.
	Ceiling Throughput `json:"ceiling"`
	Mixed   Throughput `json:"mixed"`
	// RatioToCeiling is Mixed.RPS / Ceiling.RPS: the headline figure.
	// When either search found no open-loop rate it kept up with (a
	// machine busy with other work), it is the closed-loop ratio instead,
	// and RatioBasis says so.
	RatioToCeiling float64 `json:"ratio_to_ceiling"`
	RatioBasis     string  `json:"ratio_basis"`
	// Writes counts the records the load wrote, by route (each page view
	// also writes audit entries, as it does in production).
	Writes map[string]uint64 `json:"writes"`
	// Mix is the workload's make-up as run (page types with no pages to
	// reach are left out and the rest scaled up).
	Mix     []MixShare `json:"mix"`
	Latency LatencyRun `json:"latency"`
	// Dashboard is the organisation dashboard over the whole dataset,
	// loaded on its own after the load; nil if no account could see it.
	Dashboard *Dashboard `json:"dashboard,omitempty"`
	Memory    Memory     `json:"memory"`
	Transfer  []Transfer `json:"transfer"`
	Assets    []Asset    `json:"assets"`
	// Notes say what was measured how, and anything that did not go as
	// the issue describes (a page type substituted, a limiter that refused).
	Notes []string `json:"notes"`
}

// Machine is where the run happened.
type Machine struct {
	GOOS       string `json:"goos"`
	GOARCH     string `json:"goarch"`
	NumCPU     int    `json:"num_cpu"`
	GOMAXPROCS int    `json:"gomaxprocs"`
	GoVersion  string `json:"go_version"`
	// LoadAverage is the one-minute load average when the run began
	// (Linux): other work on the machine makes every figure worse.
	LoadAverage float64 `json:"load_average_1m,omitempty"`
}

// Throughput is the result of one search for the highest rate served with
// no errors.
type Throughput struct {
	Target string `json:"target"`
	// Method says how the figure was found.
	Method string `json:"method"`
	// RPS is the achieved throughput (expected answers per second) of the
	// highest offered rate that was served with no errors and kept up with;
	// 0 if none was.
	RPS float64 `json:"rps"`
	// Rate is that trial's offered rate.
	Rate int `json:"rate"`
	// ClosedLoopRPS is what Workers concurrent clients achieved with no
	// rate limit (the search's starting point), and how many of their
	// answers were not the expected ones.
	ClosedLoopRPS    float64 `json:"closed_loop_rps"`
	ClosedLoopErrors uint64  `json:"closed_loop_errors"`
	Workers          int     `json:"closed_loop_workers"`
	Trials           []Trial `json:"trials"`
}

// Trial is one short attack of a search.
type Trial struct {
	// Rate is the offered rate; 0 for the closed-loop probe.
	Rate     int               `json:"rate"`
	Seconds  float64           `json:"seconds"`
	Requests uint64            `json:"requests"`
	Errors   uint64            `json:"errors"`
	RPS      float64           `json:"rps"`
	P99MS    float64           `json:"p99_ms"`
	Pass     bool              `json:"pass"`
	Codes    map[string]uint64 `json:"codes,omitempty"` // only when there were errors
}

// MixShare is one page type's share of the workload.
type MixShare struct {
	Type string `json:"type"`
	// Weight is its share in percent, as run.
	Weight float64  `json:"weight_percent"`
	Routes []string `json:"routes"`
	// Targets is how many distinct (account, URL) requests it cycles through.
	Targets int `json:"targets"`
}

// LatencyRun is the fixed-rate, open-loop run.
type LatencyRun struct {
	Rate     int     `json:"rate"`
	Seconds  float64 `json:"seconds"`
	Requests uint64  `json:"requests"`
	Errors   uint64  `json:"errors"`
	// RPS is the achieved rate of expected answers.
	RPS float64 `json:"rps"`
	// CPUMicrosPerRequest is the process's CPU time (user and system)
	// during the run divided by its requests: server and load generator
	// together, as the other figures. At a fixed rate it moves far less
	// with a shared machine's noise than the highest rate that passes;
	// 0 where the system does not say.
	CPUMicrosPerRequest float64 `json:"cpu_us_per_request"`
	// Pages has one row per route; Types one row per page type.
	Pages []PageStats `json:"pages"`
	Types []PageStats `json:"types"`
}

// PageStats is the latency of one route (or one page type) in the latency run.
type PageStats struct {
	Type     string            `json:"type"`
	Route    string            `json:"route,omitempty"`
	Write    bool              `json:"write"`
	Targets  int               `json:"targets"`
	Share    float64           `json:"share"` // of the run's requests
	Requests uint64            `json:"requests"`
	Errors   uint64            `json:"errors"`
	Codes    map[string]uint64 `json:"codes"`
	MeanMS   float64           `json:"mean_ms"`
	P50MS    float64           `json:"p50_ms"`
	P95MS    float64           `json:"p95_ms"`
	P99MS    float64           `json:"p99_ms"`
	MaxMS    float64           `json:"max_ms"`
}

// Memory is what the process used.
type Memory struct {
	// AllocsPerRequest is heap allocations (runtime.MemStats.Mallocs) during
	// the latency run divided by its requests. The load generator runs in
	// the same process, so this counts its allocations too.
	AllocsPerRequest float64 `json:"allocs_per_request"`
	// AllocBytesPerRequest is bytes allocated (TotalAlloc) likewise.
	AllocBytesPerRequest float64 `json:"alloc_bytes_per_request"`
	// PeakRSSBytes is the process's peak resident set during the load
	// phases (server, database driver and load generator together).
	PeakRSSBytes uint64 `json:"peak_rss_bytes"`
	RSSMethod    string `json:"rss_method"`
	// GCCycles is how many garbage collections ran during the latency run.
	GCCycles uint32 `json:"gc_cycles"`
}

// Transfer is what a page weighs on first load with an empty cache.
type Transfer struct {
	Type   string `json:"type"`
	Route  string `json:"route"`
	Sample string `json:"sample"` // the URL measured
	// HTMLBytes is the page as sent; ContentEncoding is the server's
	// (empty: not compressed). HTMLGzipBytes is the page gzipped here
	// (default level) when the server does not compress it.
	HTMLBytes       int    `json:"html_bytes"`
	HTMLGzipBytes   int    `json:"html_gzip_bytes"`
	ContentEncoding string `json:"content_encoding,omitempty"`
	// AssetsBytes and AssetsGzipBytes are the stylesheets, scripts and
	// icons the page loads, as sent and gzipped.
	AssetsBytes     int `json:"assets_bytes"`
	AssetsGzipBytes int `json:"assets_gzip_bytes"`
	// FirstLoadGzipBytes is HTMLGzipBytes + AssetsGzipBytes: the transfer
	// with compression on the wire.
	FirstLoadGzipBytes int `json:"first_load_gzip_bytes"`
	// Statements and Transactions are the database work of a second load
	// of the sample with the server otherwise idle (its caches warm, as in
	// the mix): the statements the store ran, the session check and the
	// audit entry's included, and the transactions it began. On
	// PostgreSQL each statement, and each transaction's begin and end, is
	// a round trip.
	Statements   uint64 `json:"statements"`
	Transactions uint64 `json:"transactions"`
	// Alone is how many of the statements ran outside a transaction: each
	// its own snapshot (on SQLite, after another connection's commit, a
	// fresh read of the pages it needs), none part of an audited view.
	Alone uint64 `json:"statements_alone"`
}

// Asset is one static file the pages load.
type Asset struct {
	Path            string `json:"path"`
	Bytes           int    `json:"bytes"`
	GzipBytes       int    `json:"gzip_bytes"`
	ContentEncoding string `json:"content_encoding,omitempty"`
	CacheControl    string `json:"cache_control"`
}

func (c *Config) defaults() error {
	if c.DB == nil {
		return errors.New("bench: no database")
	}
	if len(c.Accounts) == 0 {
		return errors.New("bench: no staff accounts to sign in as")
	}
	if c.Rate == 0 {
		c.Rate = 500
	}
	if c.Duration == 0 {
		c.Duration = 20 * time.Second
	}
	if c.Rate < 0 || c.Duration < 0 || c.Trials < 0 || c.Workers < 0 || c.Pages < 0 {
		return errors.New("bench: rate, duration, trials, workers and pages cannot be negative")
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Log == nil {
		c.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if c.Trials == 0 {
		c.Trials = 8
	}
	c.Trials = max(c.Trials, 2)
	if c.Pages == 0 {
		c.Pages = 8
	}
	if c.Workers == 0 {
		c.Workers = max(16, 8*runtime.NumCPU())
	}
	return nil
}

// Run starts the server, signs the accounts in, finds their pages, and
// measures. It stops the server and every connection before it returns,
// also when ctx is cancelled (then it returns ctx's error).
func Run(ctx context.Context, cfg Config) (Report, error) {
	if err := cfg.defaults(); err != nil {
		return Report{}, err
	}
	rep := Report{
		Date:     cfg.Now().UTC(),
		Machine:  Machine{GOOS: runtime.GOOS, GOARCH: runtime.GOARCH, NumCPU: runtime.NumCPU(), GOMAXPROCS: runtime.GOMAXPROCS(0), GoVersion: runtime.Version()},
		Database: string(cfg.DB.Dialect()),
		Staff:    map[string]int{},
		Writes:   map[string]uint64{},
	}
	if load, ok := loadAverage(); ok {
		rep.Machine.LoadAverage = load
	}
	r := &runner{cfg: cfg, rep: &rep}
	st, err := cfg.DB.SyntheticState(ctx)
	if err != nil {
		return rep, err
	}
	rep.Families = int(st.Families)
	rep.AuditEntries = st.AuditEntries

	r.progress(PhaseStart, 0, 0)
	sessions, w, startup, done, err := r.ready(ctx)
	defer done()
	if err != nil {
		return rep, err
	}
	rep.StartupMS = ms(startup)
	for _, s := range sessions {
		rep.Staff[s.acct.Role]++
	}
	rep.Mix = w.shares()
	ping, err := pingMix(sessions, r.base)
	if err != nil {
		return rep, err
	}

	// Start the peak-RSS window after sign-in (argon2id takes 64 MiB a
	// time) and discovery: the figure is the load's.
	debug.FreeOSMemory()
	rss := startRSS()
	defer rss.stop()

	step := cfg.Duration / time.Duration(cfg.Trials)
	if rep.Ceiling, err = r.search(ctx, PhaseCeiling, ping, step); err != nil {
		return rep, err
	}
	rep.Ceiling.Target = "GET /bench/ping as signed-in staff"
	if cfg.CPUProfile != nil {
		if err := pprof.StartCPUProfile(cfg.CPUProfile); err != nil {
			return rep, fmt.Errorf("bench: starting the CPU profile: %w", err)
		}
		defer pprof.StopCPUProfile() // on an early return; stopping twice is harmless
	}
	if err := writeAllocs(cfg.AllocBase); err != nil {
		return rep, err
	}
	if rep.Mixed, err = r.search(ctx, PhaseMixed, w, step); err != nil {
		return rep, err
	}
	rep.Mixed.Target = "the mixed workload"
	rep.RatioToCeiling, rep.RatioBasis = ratio(rep.Mixed, rep.Ceiling)
	if rep.RatioBasis == BasisClosedLoop {
		r.note("No open-loop rate was kept up with in the ceiling or the mixed search (the machine was busy), so the ratio to the ceiling compares their closed-loop figures.")
	}

	if err := r.latency(ctx, w); err != nil {
		return rep, err
	}
	if cfg.CPUProfile != nil {
		pprof.StopCPUProfile()
	}
	if err := writeAllocs(cfg.AllocProfile); err != nil {
		return rep, err
	}
	rep.Memory.PeakRSSBytes, rep.Memory.RSSMethod = rss.stop()
	if d, ok, err := r.dashboard(ctx, sessions); err != nil {
		return rep, err
	} else if ok {
		rep.Dashboard = &d
	}

	r.note("Throughput searches: %s", searchMethod(cfg.Trials, step, cfg.Workers))
	r.note("Latency is measured by vegeta from just before the request is written to the end of reading the response, over loopback TCP with keep-alive connections, at a constant open-loop rate of %d req/s for %s.", cfg.Rate, cfg.Duration)
	r.note("An error is any answer other than the one expected (200 for pages, 303 for the session form, 201 for the partner API), including a redirect to sign in and a transport error or time-out.")
	r.note("The load generator (vegeta) runs in the same process as the server and shares its CPUs, as the issue asks: the throughput, allocation and RSS figures include it.")
	r.note("Server request logs are written as JSON to a discarded writer (so their cost is counted without flooding the output); warnings and errors go to the runner's log.")
	if n := rep.Writes["POST /people/{id}/sessions"] + rep.Writes["POST /api/v1/referrals"]; n > 0 {
		r.note("The load wrote %s sessions and %s referrals (plus one referral through the public form); the pages that list them (a parent's sessions, the referral queue) grow during the run, most noticeably on a small dataset.",
			count(rep.Writes["POST /people/{id}/sessions"]), count(rep.Writes["POST /api/v1/referrals"]))
	}
	return rep, ctx.Err()
}

// ready does what every run needs first: it starts the server, signs the
// staff in, makes a partner token and discovers the workload. done undoes
// whatever was done, in reverse, and is safe to call after an error.
func (r *runner) ready(ctx context.Context) (sessions []*session, w *workload, startup time.Duration, done func(), err error) {
	var undo []func()
	done = func() {
		for i := len(undo) - 1; i >= 0; i-- {
			undo[i]()
		}
	}
	srv, startup, err := startServer(ctx, r.cfg)
	if err != nil {
		return nil, nil, 0, done, err
	}
	undo = append(undo, srv.stop)
	r.base = srv.base
	r.client = newClient()
	undo = append(undo, r.client.CloseIdleConnections)
	if sessions, err = r.signIn(ctx); err != nil {
		return nil, nil, startup, done, err
	}
	undo = append(undo, func() { r.signOut(context.WithoutCancel(ctx), sessions) })
	revoke, err := r.partnerToken(ctx, sessions)
	if err != nil {
		return nil, nil, startup, done, err
	}
	undo = append(undo, revoke)
	w, err = r.discover(ctx, sessions)
	return sessions, w, startup, done, err
}

// runner carries one run's state between its phases.
type runner struct {
	cfg    Config
	rep    *Report
	base   string
	client *httpClient
	token  string // the partner API token for referral intake
}

func (r *runner) note(format string, args ...any) {
	r.rep.Notes = append(r.rep.Notes, fmt.Sprintf(format, args...))
}

func (r *runner) progress(phase string, done, total time.Duration) {
	if r.cfg.Progress != nil {
		r.cfg.Progress(phase, done, total)
	}
}

// The bases of RatioToCeiling.
const (
	BasisOpenLoop   = "open loop"
	BasisClosedLoop = "closed loop"
)

// ratio is mixed's throughput as a share of the ceiling's: open loop when
// both searches found a rate they kept up with, closed loop otherwise,
// rather than a ratio to nothing.
func ratio(mixed, ceiling Throughput) (float64, string) {
	if mixed.RPS > 0 && ceiling.RPS > 0 {
		return mixed.RPS / ceiling.RPS, BasisOpenLoop
	}
	if ceiling.ClosedLoopRPS > 0 {
		return mixed.ClosedLoopRPS / ceiling.ClosedLoopRPS, BasisClosedLoop
	}
	return 0, ""
}

func searchMethod(trials int, step time.Duration, workers int) string {
	return fmt.Sprintf("each is %d attacks of %s. First a closed loop: %d workers, no rate limit, each sending its next request when the last is answered. "+
		"Then %d open-loop attacks at a constant rate, binary-searching between 0 and 1.25 times the closed-loop figure (starting at 0.9 times it). "+
		"A rate passes when every answer is the expected one and the achieved throughput (expected answers per second, from the first request sent "+
		"to the last answer) is at least 95%% of the offered rate. The figure is the achieved throughput of the highest rate that passed.",
		trials, step, workers, trials-1)
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// writeAllocs writes the allocation profile to w, if w is set.
func writeAllocs(w io.Writer) error {
	if w == nil {
		return nil
	}
	runtime.GC() // the profile is as of the last collection
	if err := pprof.Lookup("allocs").WriteTo(w, 0); err != nil {
		return fmt.Errorf("bench: writing the allocation profile: %w", err)
	}
	return nil
}
