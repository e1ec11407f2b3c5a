package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"sync"
	"time"

	"github.com/cradle-org/cradle/internal/audit"
	"github.com/cradle-org/cradle/internal/bench"
	"github.com/cradle-org/cradle/internal/store"
	"github.com/cradle-org/cradle/internal/synth"
)

// bench measures Cradle at national scale. bench seed fills a database
// with synthetic families.
func (a *App) bench(ctx context.Context, args []string) error {
	if len(args) > 0 {
		switch args[0] {
		case "seed":
			return a.benchSeed(ctx, args[1:])
		case "run":
			return a.benchRun(ctx, args[1:])
		case "compare":
			return a.benchCompare(args[1:])
		case "soak":
			return a.benchSoak(ctx, args[1:])
		case "-h", "--help":
			fmt.Fprintln(a.Stdout, benchUsage)
			return nil
		}
	}
	return &usageError{msg: "bench: say what to do: " + benchUsage}
}

const benchUsage = "cradle bench seed --families N | cradle bench run [--json FILE] | cradle bench soak [--duration D] | cradle bench compare REPORT.json...\n" +
	"Usage: cradle bench seed --families N [--seed S] [--force] [--data DIR] [--database URL]\n" +
	"       cradle bench run [--rate R] [--duration D] [--practitioners N] [--json FILE] [--data DIR] [--database URL]\n" +
	"       cradle bench soak [--duration 10m] [--rate R] [--json FILE] [--data DIR] [--database URL]\n" +
	"       cradle bench compare SMALL.json LARGER.json..."

func (a *App) benchSeed(ctx context.Context, args []string) error {
	fs := a.newFlags("bench seed", "Fill an empty database with a synthetic, realistic national-scale dataset for benchmarks: families at every stage over\n"+
		"ten years, with sessions, risk assessments, safeguarding concerns, outcome measures, referrals and staff in every role.\n"+
		"The same --seed gives the same data. Refuses a database that holds anything else; one seeded before takes more only with --force.\n"+
		"Every synthetic account signs in with the same password and authenticator secret, printed at the end.")
	d := a.addDBFlags(fs)
	families := fs.Int("families", 0, "how many synthetic `families` to add, 1 to 1,000,000 (about 100,000 is a national programme over ten years)")
	seed := fs.Uint64("seed", 1, "random `seed`: the same seed gives the same data")
	force := fs.Bool("force", false, "add to a database that already holds synthetic data (never to one holding anything else)")
	if err := a.parse(fs, args); err != nil {
		return err
	}
	switch {
	case *families < 1:
		return &usageError{msg: fmt.Sprintf("bench seed: --families must be 1 or more (got %d): say how many synthetic families to add", *families)}
	case *families > synth.MaxFamilies:
		return &usageError{msg: fmt.Sprintf("bench seed: --families must be %s or fewer (got %d)", thousands(synth.MaxFamilies), *families)}
	}
	db, err := a.open(ctx, d)
	if err != nil {
		return err
	}
	defer db.Close()
	st, err := db.SyntheticState(ctx)
	if err != nil {
		return err
	}
	if err := st.CheckSeed(*force); err != nil {
		return err
	}
	var before synth.Counts
	if st.Marker != nil {
		before = *st.Marker
	}
	now := a.now()
	g, err := synth.New(synth.Config{Families: *families, Seed: *seed, Today: now.UTC(), Before: before})
	if err != nil {
		return err
	}
	// Seeding allocates heavily and keeps little for long: collecting
	// garbage half as often makes it about a twentieth faster.
	defer debug.SetGCPercent(debug.SetGCPercent(200))
	ctx = audit.WithSource(ctx, audit.Source{Actor: "system:bench", RequestID: "cli"})
	started := time.Now()
	bar := newProgress(a.Stderr, "Seeding families", time.Now)
	bar.update(0, *families)
	res, err := db.SeedSynthetic(ctx, g, store.SeedOptions{Force: *force, Progress: bar.update, PasswordParams: a.passwordParams()})
	bar.done()
	if err != nil {
		if res.Counts.Families > before.Families {
			return fmt.Errorf("%w (the %s families written before this stopped are kept; add more with --force)", err, thousands(res.Counts.Families-before.Families))
		}
		return err
	}
	took := time.Since(started)
	fmt.Fprintf(a.Stdout, "Added %s synthetic families to the %s database in %s (%s families a second).\n",
		thousands(*families), db.Dialect(), took.Round(100*time.Millisecond), thousands(int(float64(*families)/took.Seconds())))
	fmt.Fprintf(a.Stdout, "Rows written: %s people, %s sessions, %s appointments, %s risk assessments, %s MARAC referrals, %s safety plans, %s assessments of risk to the children, "+
		"%s safeguarding concerns, %s outcome measures, %s referrals, %s audit entries of their history.\n",
		thousands64(res.Rows["people"]), thousands64(res.Rows["case_sessions"]), thousands64(res.Rows["appointments"]), thousands64(res.Rows["risk_assessments"]),
		thousands64(res.Rows["marac_referrals"]), thousands64(res.Rows["safety_plans"]), thousands64(res.Rows["child_risks"]),
		thousands64(res.Rows["safeguarding_concerns"]), thousands64(res.Rows["measure_results"]), thousands64(res.Rows["referrals"]),
		thousands64(res.Rows["audit_log"]))
	c := res.Counts
	areas := "areas"
	if c.Areas == 1 {
		areas = "area"
	}
	fmt.Fprintf(a.Stdout, "The database now holds %s synthetic families in %d %s.\n\n", thousands(c.Families), c.Areas, areas)
	fmt.Fprintf(a.Stdout, "Synthetic accounts (all sign in with password %q and authenticator secret %s;\nget a code with: cradle totp --secret %s):\n",
		synth.Password, synth.TOTPSecret(), synth.TOTPSecret())
	for _, role := range synth.Roles() {
		if n := c.Staff[role]; n > 0 {
			fmt.Fprintf(a.Stdout, "  %-13s %s to %s (%d)\n", role, synth.Email(role, 1), synth.Email(role, n), n)
		}
	}
	return nil
}

// thousands writes 12345 as 12,345.
func thousands(n int) string { return thousands64(int64(n)) }

func thousands64(n int64) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + thousands64(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// benchRun drives the mixed workload at a seeded database and prints (and
// optionally saves) the report.
func (a *App) benchRun(ctx context.Context, args []string) error {
	fs := a.newFlags("bench run", "Start Cradle in this process on a database filled by cradle bench seed, sign synthetic staff in, and measure:\n"+
		"the trivial-page ceiling, the mixed workload's highest throughput with no errors and its ratio to the ceiling, latency per page\n"+
		"at a fixed open-loop rate, the organisation dashboard over the whole dataset, memory, start-up time and page weight.\n"+
		"Writes real sessions and referrals into the database, as staff would: run it on a benchmark database only.")
	d := a.addDBFlags(fs)
	rate := fs.Int("rate", 500, "open-loop `rate` of the latency run, requests a second")
	duration := fs.Duration("duration", 20*time.Second, "length of each phase (ceiling search, mixed search, latency run)")
	trials := fs.Int("trials", 8, "attacks in each throughput search (at least 2)")
	workers := fs.Int("workers", 0, "closed-loop probe concurrency (default 8 per CPU, at least 16)")
	pages := fs.Int("pages", 8, "pages of each kind sampled from each account's lists")
	practitioners := fs.Int("practitioners", 40, "most practitioners to sign in as (team managers: a quarter as many; DSLs, administrators and analysts: up to 2 each)")
	jsonOut := fs.String("json", "", "also write the report as JSON to this `file`")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the mixed workload's phases (server and load generator; not sign-in, discovery or the ceiling) to this `file`, for go tool pprof")
	allocProfile := fs.String("allocprofile", "", "write the allocation profile of the same phases to this `file`, and its starting point to the file with .base added: compare with go tool pprof -sample_index=alloc_space -diff_base FILE.base FILE")
	if err := a.parse(fs, args); err != nil {
		return err
	}
	switch {
	case *rate < 1:
		return &usageError{msg: fmt.Sprintf("bench run: --rate must be 1 or more (got %d)", *rate)}
	case *duration < time.Second:
		return &usageError{msg: fmt.Sprintf("bench run: --duration must be at least 1s (got %s)", *duration)}
	case *trials < 2:
		return &usageError{msg: fmt.Sprintf("bench run: --trials must be 2 or more (got %d)", *trials)}
	case *workers < 0 || *pages < 1 || *practitioners < 1:
		return &usageError{msg: "bench run: --workers cannot be negative, and --pages and --practitioners must be 1 or more"}
	}
	if *jsonOut != "" {
		// Find out now, not after minutes of load, that the file cannot be written.
		if fi, err := os.Stat(filepath.Dir(*jsonOut)); err != nil || !fi.IsDir() {
			return &usageError{msg: fmt.Sprintf("bench run: --json %s: the folder %s does not exist", *jsonOut, filepath.Dir(*jsonOut))}
		}
	}
	opened := time.Now()
	db, err := a.open(ctx, d)
	if err != nil {
		return err
	}
	defer db.Close()
	openMS := float64(time.Since(opened)) / float64(time.Millisecond)
	st, err := db.SyntheticState(ctx)
	if err != nil {
		return err
	}
	if st.Marker == nil {
		return &usageError{msg: "bench run: this database holds no synthetic data, and the run writes sessions and referrals into it. Fill an empty database first with: cradle bench seed --families N"}
	}
	accounts := benchAccounts(synth.Credentials(*st.Marker), *practitioners)
	var profile io.Writer
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return fmt.Errorf("bench run: %w", err)
		}
		defer f.Close()
		profile = f
	}
	var allocs, allocBase io.Writer
	if *allocProfile != "" {
		for _, out := range []struct {
			name string
			w    *io.Writer
		}{{*allocProfile, &allocs}, {*allocProfile + ".base", &allocBase}} {
			f, err := os.Create(out.name)
			if err != nil {
				return fmt.Errorf("bench run: %w", err)
			}
			defer f.Close()
			*out.w = f
		}
	}
	errw := &lockedWriter{w: a.Stderr}
	bar := &phaseBar{w: errw}
	rep, err := bench.Run(ctx, bench.Config{DB: db, Accounts: accounts, Rate: *rate, Duration: *duration, Trials: *trials, Workers: *workers, Pages: *pages,
		Progress: bar.update, Log: a.loggerTo(errw), CPUProfile: profile, AllocProfile: allocs, AllocBase: allocBase})
	bar.finish()
	if err != nil {
		return fmt.Errorf("bench run: %w", err)
	}
	rep.OpenMS = openMS
	rep.Table(a.Stdout)
	if *jsonOut != "" {
		if err := writeJSONReport(*jsonOut, rep); err != nil {
			return err
		}
		fmt.Fprintf(a.Stdout, "\nReport written to %s\n", *jsonOut)
	}
	return nil
}

// benchSoak runs the mixed workload for a long time and reports errors,
// latency drift and memory growth; it fails (exit 1) when the soak's
// targets are missed.
func (a *App) benchSoak(ctx context.Context, args []string) error {
	fs := a.newFlags("bench soak", "Start Cradle in this process on a database filled by cradle bench seed and run the mixed workload at a fixed rate\n"+
		"for a long time, in windows: errors, latency drift and memory growth (targets: no errors, RSS growth under 10%).\n"+
		"Writes real sessions and referrals into the database, as staff would: run it on a benchmark database only.")
	d := a.addDBFlags(fs)
	duration := fs.Duration("duration", 10*time.Minute, "how long to run")
	window := fs.Duration("window", 0, "length of each measured window (default a tenth of --duration, at least 2s)")
	rate := fs.Int("rate", 100, "open-loop `rate`, requests a second")
	practitioners := fs.Int("practitioners", 20, "most practitioners to sign in as")
	jsonOut := fs.String("json", "", "also write the report as JSON to this `file`")
	if err := a.parse(fs, args); err != nil {
		return err
	}
	switch {
	case *duration < 2*time.Second:
		return &usageError{msg: fmt.Sprintf("bench soak: --duration must be at least 2s (got %s)", *duration)}
	case *rate < 1 || *practitioners < 1:
		return &usageError{msg: "bench soak: --rate and --practitioners must be 1 or more"}
	case *window != 0 && (*window < time.Second || *window > *duration):
		return &usageError{msg: "bench soak: --window must be between 1s and --duration"}
	}
	db, err := a.open(ctx, d)
	if err != nil {
		return err
	}
	defer db.Close()
	st, err := db.SyntheticState(ctx)
	if err != nil {
		return err
	}
	if st.Marker == nil {
		return &usageError{msg: "bench soak: this database holds no synthetic data, and the soak writes sessions and referrals into it. Fill an empty database first with: cradle bench seed --families N"}
	}
	errw := &lockedWriter{w: a.Stderr}
	bar := &phaseBar{w: errw}
	rep, err := bench.Soak(ctx, bench.SoakConfig{Config: bench.Config{DB: db, Accounts: benchAccounts(synth.Credentials(*st.Marker), *practitioners),
		Rate: *rate, Progress: bar.update, Log: a.loggerTo(errw)}, Total: *duration, Window: *window})
	bar.finish()
	if err != nil {
		return fmt.Errorf("bench soak: %w", err)
	}
	bench.WriteSoak(a.Stdout, rep)
	if *jsonOut != "" {
		if err := writeJSONReport(*jsonOut, rep); err != nil {
			return err
		}
	}
	if !rep.Pass {
		return fmt.Errorf("bench soak: the soak missed its targets (%d errors, RSS growth %+.1f%%)", rep.Errors, rep.RSSGrowth*100)
	}
	return nil
}

// benchAccounts picks who signs in: up to n practitioners, a quarter as
// many team managers (at least one), and up to two of every other role.
// Signing in costs an argon2id hash each, so not every account takes part.
func benchAccounts(creds []synth.Credential, n int) []bench.Account {
	limit := map[string]int{"practitioner": n, "team_manager": max(1, n/4)}
	taken := map[string]int{}
	var out []bench.Account
	for _, c := range creds {
		l, ok := limit[c.Role]
		if !ok {
			l = 2
		}
		if taken[c.Role] >= l {
			continue
		}
		taken[c.Role]++
		out = append(out, bench.Account{Email: c.Email, Password: c.Password, TOTPSecret: c.TOTPSecret, Role: c.Role})
	}
	return out
}

// phaseBar shows each phase of a run on its own progress line.
type phaseBar struct {
	w     io.Writer
	phase string
	bar   *progress
}

var phaseLabels = map[string]string{
	bench.PhaseStart:     "Starting the server",
	bench.PhaseSignIn:    "Signing staff in",
	bench.PhaseDiscover:  "Finding pages",
	bench.PhaseCeiling:   "Ceiling (trivial page)",
	bench.PhaseMixed:     "Mixed workload search",
	bench.PhaseLatency:   "Latency at a fixed rate",
	bench.PhaseDashboard: "Organisation dashboard",
}

func (p *phaseBar) update(phase string, done, total time.Duration) {
	if phase != p.phase {
		p.finish()
		p.phase = phase
		label := phaseLabels[phase]
		if label == "" {
			label = phase
		}
		p.bar = newProgress(p.w, fmt.Sprintf("%-24s", label), time.Now)
	}
	if total > 0 {
		p.bar.update(int(done/time.Millisecond), int(total/time.Millisecond))
	}
}

func (p *phaseBar) finish() {
	if p.bar != nil {
		p.bar.done()
		p.bar = nil
	}
}

// benchCompare prints how each page's median latency grows with the size
// of the dataset, from reports of runs on databases of different sizes.
func (a *App) benchCompare(args []string) error {
	if slices.Contains(args, "-h") || slices.Contains(args, "--help") {
		fmt.Fprintln(a.Stdout, "Usage: cradle bench compare REPORT.json REPORT.json...\n\nCompare bench run reports (--json files) made on databases of different sizes: each page's p50 latency\n"+
			"at each size, and its growth from the smallest dataset to the largest (the issue's target is 1.5 times at most).")
		return nil
	}
	if len(args) < 2 {
		return &usageError{msg: "bench compare: give two or more report files written by cradle bench run --json"}
	}
	var reps []bench.Report
	for _, name := range args {
		b, err := os.ReadFile(name) // #nosec G304 -- a report file the operator named on the command line
		if err != nil {
			return fmt.Errorf("bench compare: %w", err)
		}
		var r bench.Report
		if err := json.Unmarshal(b, &r); err != nil || r.Latency.Rate == 0 {
			return &usageError{msg: fmt.Sprintf("bench compare: %s is not a report written by cradle bench run --json", name)}
		}
		reps = append(reps, r)
	}
	slices.SortStableFunc(reps, func(x, y bench.Report) int { return x.Families - y.Families })
	fmt.Fprint(a.Stdout, bench.Growth(reps))
	return nil
}

// writeJSONReport writes a benchmark report as indented JSON, atomically.
func writeJSONReport(path string, rep any) error {
	b, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	if err := writeAtomically(path, func(w io.Writer) error { _, err := w.Write(append(b, '\n')); return err }); err != nil {
		return fmt.Errorf("writing the report: %w", err)
	}
	return nil
}

// lockedWriter lets the progress bar and the in-process server's warnings
// share standard error: they write from different goroutines, and the
// writer given to App need not be safe for that (a test's buffer is not).
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
