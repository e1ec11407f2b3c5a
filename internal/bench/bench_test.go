package bench_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"math"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/bench"
	"github.com/cradle-org/cradle/internal/demo"
	"github.com/cradle-org/cradle/internal/report"
	"github.com/cradle-org/cradle/internal/store"
	"github.com/cradle-org/cradle/internal/store/storetest"
)

// demoDB is a fresh database with the demo data, and its staff.
func demoDB(t *testing.T, b storetest.Backend) (*store.DB, []bench.Account) {
	t.Helper()
	db := storetest.Open(t, b, nil)
	// Cheap password hashes: the runs sign every account in, and under the
	// race detector a hash at the default cost takes about two seconds.
	creds, _, err := demo.LoadWith(context.Background(), db, storetest.PasswordParams)
	if err != nil {
		t.Fatal(err)
	}
	var accounts []bench.Account
	for _, c := range creds {
		accounts = append(accounts, bench.Account{Email: c.Email, Password: c.Password, TOTPSecret: c.TOTPSecret, Role: c.Role})
	}
	return db, accounts
}

// smoke is a run small enough for the test suite: it checks the runner
// works end to end, not how fast Cradle is.
func smoke(t *testing.T, db *store.DB, accounts []bench.Account) bench.Config {
	return bench.Config{DB: db, Accounts: accounts, Rate: 50, Duration: time.Second, Trials: 4, Workers: 4, Pages: 2,
		Log: slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))}
}

// settled waits for the goroutine count to come back to before: the
// server, its connections and vegeta's workers must all be gone.
func settled(t *testing.T, before int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for ours() > before {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("goroutines leaked: %d before, %d after\n%s", before, ours(), buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// ours counts goroutines other than the database pool's: the test's store
// (opened before Run, closed after it) may open or keep pooled connections
// at any time, and each PostgreSQL connection has a background reader.
func ours() int {
	buf := make([]byte, 1<<22)
	n := 0
	for _, g := range strings.Split(string(buf[:runtime.Stack(buf, true)]), "\n\n") {
		if !strings.Contains(g, "database/sql.(*DB).connection") && !strings.Contains(g, "jackc/pgx/v5/pgconn") {
			n++
		}
	}
	return n
}

func TestSmokeRun(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			db, accounts := demoDB(t, b)
			var phases []string
			cfg := smoke(t, db, accounts)
			cfg.Progress = func(phase string, done, total time.Duration) {
				if len(phases) == 0 || phases[len(phases)-1] != phase {
					phases = append(phases, phase)
				}
				if total > 0 && done > total {
					t.Errorf("%s: progress %s past its total %s", phase, done, total)
				}
			}
			var logged bytes.Buffer // the handler serialises writes
			cfg.Log = slog.New(slog.NewTextHandler(io.MultiWriter(t.Output(), &logged), &slog.HandlerOptions{Level: slog.LevelWarn}))
			before := ours()
			rep, err := bench.Run(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			settled(t, before)
			if logged.Len() > 0 {
				t.Errorf("warnings or errors were logged (server errors, a failed sign-out):\n%s", logged.String())
			}

			var table bytes.Buffer
			rep.Table(&table)
			t.Logf("\n%s", table.String())

			want := []string{bench.PhaseStart, bench.PhaseSignIn, bench.PhaseDiscover, bench.PhaseCeiling, bench.PhaseMixed, bench.PhaseLatency, bench.PhaseDashboard}
			if strings.Join(phases, " ") != strings.Join(want, " ") {
				t.Errorf("phases = %v, want %v", phases, want)
			}
			if d := rep.Dashboard; d == nil || len(d.TimesMS) != 5 || d.MedianMS <= 0 || d.HTMLBytes < 1000 {
				t.Errorf("organisation dashboard: %+v", d)
			} else {
				var keys []string
				sum, slowest := 0.0, 0.0
				for _, sec := range d.Sections {
					keys = append(keys, sec.Key)
					if sec.FirstMS <= 0 || sec.HTMLBytes < 1000 {
						t.Errorf("section %s: %+v", sec.Key, sec)
					}
					sum += sec.FirstMS
					slowest = max(slowest, sec.FirstMS)
				}
				var want []string
				for _, sec := range report.Sections() {
					want = append(want, sec.Key)
				}
				if !slices.Equal(keys, want) || d.Sections[0].FirstMS != d.TimesMS[0] || d.SlowestFirstMS != slowest || d.AllFirstMS != sum {
					t.Errorf("dashboard sections %v (want %v), slowest %v, all %v: %+v", keys, want, d.SlowestFirstMS, d.AllFirstMS, d.Sections)
				}
			}
			if rep.Database != string(db.Dialect()) || rep.Machine.NumCPU < 1 || rep.Date.IsZero() {
				t.Errorf("machine, database or date missing: %+v %q %v", rep.Machine, rep.Database, rep.Date)
			}
			if n := rep.Staff["practitioner"] + rep.Staff["team_manager"] + rep.Staff["dsl"] + rep.Staff["admin"] + rep.Staff["analyst"]; n != len(accounts) {
				t.Errorf("%d of %d accounts signed in: %v\n%v", n, len(accounts), rep.Staff, rep.Notes)
			}

			// Every page type of the mix took part, with no errors.
			types := map[string]bench.PageStats{}
			for _, ty := range rep.Latency.Types {
				types[ty.Type] = ty
			}
			for _, ty := range []string{bench.TypeCaseload, bench.TypeFamily, bench.TypeSearch, bench.TypeSession, bench.TypeRisk, bench.TypeDashboard, bench.TypeIntake} {
				p, ok := types[ty]
				if !ok || p.Requests == 0 {
					t.Errorf("page type %s got no requests in the latency run", ty)
					continue
				}
				if !(0 < p.P50MS && p.P50MS <= p.P95MS && p.P95MS <= p.P99MS && p.P99MS <= p.MaxMS) {
					t.Errorf("%s: latencies out of order: %+v", ty, p)
				}
			}
			for _, p := range rep.Latency.Pages {
				for code := range p.Codes {
					if strings.HasPrefix(code, "5") || code == "no answer" {
						t.Errorf("%s: %d answered %s", p.Route, p.Codes[code], code)
					}
				}
			}
			if rep.Latency.Errors != 0 {
				t.Errorf("latency run: %d errors: %+v", rep.Latency.Errors, rep.Latency.Pages)
			}
			if rep.Writes["POST /people/{id}/sessions"] == 0 || rep.Writes["POST /api/v1/referrals"] == 0 {
				t.Errorf("writes = %v", rep.Writes)
			}
			if rep.Latency.Requests == 0 || rep.Latency.RPS <= 0 {
				t.Errorf("latency run: %+v", rep.Latency)
			}

			// The figures are positive and consistent.
			if rep.StartupMS <= 0 {
				t.Errorf("start-up = %v ms", rep.StartupMS)
			}
			for name, th := range map[string]bench.Throughput{"ceiling": rep.Ceiling, "mixed": rep.Mixed} {
				if th.ClosedLoopRPS <= 0 || len(th.Trials) != cfg.Trials || th.Method == "" {
					t.Errorf("%s: %+v", name, th)
				}
				// A search either found a rate it kept up with, or (on a
				// machine starved by the rest of the suite) says it found none.
				passed := slices.ContainsFunc(th.Trials, func(tr bench.Trial) bool { return tr.Pass })
				if passed != (th.RPS > 0 && th.Rate > 0) {
					t.Errorf("%s: a passing trial = %v, but the figure is %.0f req/s at %d: %+v", name, passed, th.RPS, th.Rate, th)
				}
			}
			ceiling, mixed := rep.Ceiling.RPS, rep.Mixed.RPS
			switch rep.RatioBasis {
			case bench.BasisOpenLoop:
			case bench.BasisClosedLoop:
				ceiling, mixed = rep.Ceiling.ClosedLoopRPS, rep.Mixed.ClosedLoopRPS
				t.Logf("no open-loop rate passed (ceiling %.0f, mixed %.0f req/s): the ratio is closed loop", rep.Ceiling.RPS, rep.Mixed.RPS)
			default:
				t.Errorf("ratio basis = %q", rep.RatioBasis)
			}
			// The ratio is the report's own two figures divided. Whether the
			// ceiling came out above the mixed workload is a measurement
			// (250 ms attacks, here beside the race detector and the rest of
			// the suite): a starved run gave 63 against 96 req/s. It is not
			// asserted: performance is for the benchmark, not the tests.
			if want := mixed / ceiling; !(rep.RatioToCeiling > 0) || math.Abs(rep.RatioToCeiling-want) > 1e-9*want {
				t.Errorf("ratio to ceiling = %v, want %v (%.0f / %.0f req/s, %s)", rep.RatioToCeiling, want, mixed, ceiling, rep.RatioBasis)
			}
			if rep.Memory.AllocsPerRequest <= 0 || rep.Memory.AllocBytesPerRequest <= 0 {
				t.Errorf("memory: %+v", rep.Memory)
			}
			if runtime.GOOS == "linux" && !(rep.Latency.CPUMicrosPerRequest > 0 && rep.Latency.CPUMicrosPerRequest < 1e6) {
				t.Errorf("CPU per request = %v µs", rep.Latency.CPUMicrosPerRequest)
			}
			if runtime.GOOS == "linux" && (rep.Memory.PeakRSSBytes == 0 || rep.Memory.RSSMethod == "") {
				t.Errorf("peak RSS not measured: %+v", rep.Memory)
			}
			if len(rep.Transfer) == 0 || len(rep.Assets) == 0 {
				t.Fatalf("no page weights: %+v %+v", rep.Transfer, rep.Assets)
			}
			for _, tr := range rep.Transfer {
				if tr.HTMLBytes <= 0 || tr.HTMLGzipBytes <= 0 || tr.AssetsGzipBytes <= 0 || tr.FirstLoadGzipBytes != tr.HTMLGzipBytes+tr.AssetsGzipBytes {
					t.Errorf("transfer: %+v", tr)
				}
				// At least the session check and the page's own read, in
				// at least one transaction (its audited view); a few dozen
				// at most on this small dataset.
				if tr.Statements < 2 || tr.Statements > 100 || tr.Transactions < 1 || tr.Transactions > tr.Statements || tr.Alone > tr.Statements {
					t.Errorf("database work of %s: %d statements, %d transactions, %d outside one", tr.Route, tr.Statements, tr.Transactions, tr.Alone)
				}
			}

			// The report is JSON, and the table shows the headline and every page type.
			b, err := json.Marshal(rep)
			if err != nil {
				t.Fatal(err)
			}
			var back bench.Report
			if err := json.Unmarshal(b, &back); err != nil || back.Mixed.RPS != rep.Mixed.RPS {
				t.Errorf("JSON round trip: %v", err)
			}
			for _, s := range []string{"Ceiling: GET /bench/ping", "Mixed / ceiling", "GET /caseload", "POST /people/{id}/sessions", "POST /api/v1/referrals", "/assets/cradle.", "Database work per page", "Notes"} {
				if !strings.Contains(table.String(), s) {
					t.Errorf("the table lacks %q", s)
				}
			}
		})
	}
}

// TestCancel stops a run part-way: Run returns the context's error, and
// the server, listener and load are gone.
func TestCancel(t *testing.T) {
	db, accounts := demoDB(t, storetest.Backends(t)[0])
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cfg := smoke(t, db, accounts[:3]) // fewer accounts: quicker to the load
	cfg.Duration = time.Minute        // would take minutes if not stopped
	began := time.Time{}
	cfg.Progress = func(phase string, done, total time.Duration) {
		if phase == bench.PhaseCeiling && began.IsZero() {
			began = time.Now()
			time.AfterFunc(300*time.Millisecond, cancel)
		}
	}
	before := ours()
	_, err := bench.Run(ctx, cfg)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Run = %v, want context.Canceled", err)
	}
	if time.Since(began) > 20*time.Second {
		t.Errorf("Run took %s to stop after cancellation", time.Since(began))
	}
	settled(t, before)
}

func TestBadConfig(t *testing.T) {
	if _, err := bench.Run(context.Background(), bench.Config{}); err == nil {
		t.Error("Run with no database succeeded")
	}
	db, _ := demoDB(t, storetest.Backends(t)[0])
	if _, err := bench.Run(context.Background(), bench.Config{DB: db}); err == nil {
		t.Error("Run with no accounts succeeded")
	}
	wrong := []bench.Account{{Email: "priya.shah@cradle.example", Password: "not the password", TOTPSecret: "JBSWY3DPEHPK3PXP"}} // #nosec G101 -- the RFC 6238 example secret, in a test
	if _, err := bench.Run(context.Background(), bench.Config{DB: db, Accounts: wrong}); err == nil || !strings.Contains(err.Error(), "sign in") {
		t.Errorf("Run with a wrong password = %v", err)
	}
}
