package bench

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"time"
)

// Soak runs the mixed workload at a fixed rate for a long time and watches
// for what only time shows: errors that start late, latency that drifts up
// and memory that keeps growing. The run is cut into windows; each window's
// figures are kept, so the drift is visible, not just the average.

// SoakConfig is what Soak needs besides the run's Config (its Rate is the
// soak's rate, default 100 req/s).
type SoakConfig struct {
	Config
	// Total is how long the soak runs (default 10 minutes).
	Total time.Duration
	// Window is the length of each measured window (default a tenth of
	// Total, at least 2 seconds).
	Window time.Duration
}

// SoakWindow is one window's figures.
type SoakWindow struct {
	StartS   float64           `json:"start_s"`
	Requests uint64            `json:"requests"`
	Errors   uint64            `json:"errors"`
	Codes    map[string]uint64 `json:"error_codes,omitempty"`
	P50MS    float64           `json:"p50_ms"`
	P99MS    float64           `json:"p99_ms"`
	RSSBytes uint64            `json:"rss_bytes"`
	HeapMB   float64           `json:"heap_mb"`
}

// SoakReport is a soak run's result.
type SoakReport struct {
	Date     time.Time    `json:"date"`
	Database string       `json:"database"`
	Families int          `json:"families"`
	Rate     int          `json:"rate"`
	Windows  []SoakWindow `json:"windows"`
	Errors   uint64       `json:"errors"`
	Requests uint64       `json:"requests"`
	// LatencyDrift is the last window's p50 over the first's.
	LatencyDrift float64 `json:"latency_drift"`
	// RSSGrowth is the last window's RSS over the first's, less one (0.05
	// is 5% growth). The first window is the baseline, after warming up.
	RSSGrowth float64 `json:"rss_growth"`
	// Pass: no errors and RSS grew by less than MaxRSSGrowth.
	Pass  bool     `json:"pass"`
	Notes []string `json:"notes"`
}

// MaxRSSGrowth is the soak's memory target: under 10% growth.
const MaxRSSGrowth = 0.10

// Soak runs the soak.
func Soak(ctx context.Context, sc SoakConfig) (SoakReport, error) {
	if sc.Rate == 0 {
		sc.Rate = 100
	}
	if sc.Total == 0 {
		sc.Total = 10 * time.Minute
	}
	if sc.Window == 0 {
		sc.Window = max(sc.Total/10, 2*time.Second)
	}
	cfg := sc.Config
	if err := cfg.defaults(); err != nil {
		return SoakReport{}, err
	}
	rep := SoakReport{Date: cfg.Now().UTC(), Database: string(cfg.DB.Dialect()), Rate: sc.Rate}
	st, err := cfg.DB.SyntheticState(ctx)
	if err != nil {
		return rep, err
	}
	rep.Families = int(st.Families)
	r := &runner{cfg: cfg, rep: &Report{Writes: map[string]uint64{}}}
	_, w, _, done, err := r.ready(ctx)
	defer done()
	if err != nil {
		return rep, err
	}
	debug.FreeOSMemory()
	start := time.Now()
	for elapsed := time.Duration(0); elapsed < sc.Total; elapsed = time.Since(start) {
		d := min(sc.Window, sc.Total-elapsed)
		t, err := r.attack(ctx, w, sc.Rate, 8, 16*cfg.Workers, d, func() { r.progress("soak", time.Since(start), sc.Total) })
		if err != nil {
			return rep, err
		}
		win := SoakWindow{StartS: elapsed.Seconds(), Requests: t.all.Requests, Errors: t.errs, P50MS: ms(t.all.Latencies.P50), P99MS: ms(t.all.Latencies.P99)}
		if t.errs > 0 {
			win.Codes = t.codes
		}
		if kb, ok := procStatus("VmRSS"); ok {
			win.RSSBytes = kb * 1024
		}
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		win.HeapMB = float64(m.HeapAlloc) / (1 << 20)
		rep.Windows = append(rep.Windows, win)
		rep.Requests += win.Requests
		rep.Errors += win.Errors
	}
	first, last := rep.Windows[0], rep.Windows[len(rep.Windows)-1]
	if first.P50MS > 0 {
		rep.LatencyDrift = last.P50MS / first.P50MS
	}
	if first.RSSBytes > 0 {
		rep.RSSGrowth = float64(last.RSSBytes)/float64(first.RSSBytes) - 1
	}
	rep.Pass = rep.Errors == 0 && rep.Requests > 0 && rep.RSSGrowth < MaxRSSGrowth
	rep.Notes = append(rep.Notes,
		fmt.Sprintf("The mixed workload at %d req/s (open loop) for %s, in windows of %s; the server and the load generator share this process.", sc.Rate, sc.Total, sc.Window),
		"RSS is VmRSS of the process at the end of each window; the first window is the baseline, so start-up and sign-in are not counted as growth.",
		"Writes (sessions, referrals) and every page view's audit entries accumulate during the run, as they do in use.")
	return rep, ctx.Err()
}

// WriteSoak prints a soak report as a table.
func WriteSoak(w io.Writer, rep SoakReport) {
	fmt.Fprintf(w, "Soak on %s with %d families, %d req/s\n\n", rep.Database, rep.Families, rep.Rate)
	fmt.Fprintf(w, "%8s %9s %7s %9s %9s %10s %9s\n", "from (s)", "requests", "errors", "p50 (ms)", "p99 (ms)", "RSS (MiB)", "heap (MB)")
	for _, x := range rep.Windows {
		fmt.Fprintf(w, "%8.0f %9d %7d %9.2f %9.2f %10.1f %9.1f\n", x.StartS, x.Requests, x.Errors, x.P50MS, x.P99MS, float64(x.RSSBytes)/(1<<20), x.HeapMB)
	}
	verdict := "PASS"
	if !rep.Pass {
		verdict = "FAIL"
	}
	fmt.Fprintf(w, "\n%s: %d requests, %d errors; p50 drift %.2f× (last window over first); RSS growth %+.1f%% (target under %.0f%%).\n",
		verdict, rep.Requests, rep.Errors, rep.LatencyDrift, rep.RSSGrowth*100, MaxRSSGrowth*100)
	for _, n := range rep.Notes {
		fmt.Fprintln(w, "  "+n)
	}
}
