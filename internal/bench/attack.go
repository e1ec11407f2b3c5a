package bench

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"runtime"
	"strconv"
	"sync"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// tally adds up one attack's results: overall, per route and per page
// type. Results are matched to routes by method and URL; a result is good
// only if its status is the route's expected one (so a redirect to sign
// in, which vegeta would count as a success, is an error here).
type tally struct {
	w      *workload
	all    vegeta.Metrics
	routes []routeTally
	types  []routeTally
	ok     uint64
	errs   uint64
	codes  map[string]uint64 // statuses of the errors
}

type routeTally struct {
	m     vegeta.Metrics
	ok    uint64
	errs  uint64
	codes map[string]uint64
}

func newTally(w *workload) *tally {
	t := &tally{w: w, routes: make([]routeTally, len(w.routes)), types: make([]routeTally, len(w.types)), codes: map[string]uint64{}}
	for i := range t.routes {
		t.routes[i].codes = map[string]uint64{}
	}
	for i := range t.types {
		t.types[i].codes = map[string]uint64{}
	}
	return t
}

func (t *tally) add(res *vegeta.Result) {
	t.all.Add(res)
	code := strconv.Itoa(int(res.Code))
	if res.Code == 0 {
		code = "no answer" // a transport error or time-out
	}
	i, found := t.w.byKey[res.Method+" "+res.URL]
	good := found && int(res.Code) == t.w.routes[i].expect
	if good {
		t.ok++
	} else {
		t.errs++
		t.codes[code]++
	}
	if !found {
		return
	}
	rt := t.w.routes[i]
	for _, x := range []*routeTally{&t.routes[i], &t.types[t.w.typeIndex(rt)]} {
		x.m.Add(res)
		x.codes[code]++
		if good {
			x.ok++
		} else {
			x.errs++
		}
	}
}

func (t *tally) close() {
	t.all.Close()
	for i := range t.routes {
		t.routes[i].m.Close()
	}
	for i := range t.types {
		t.types[i].m.Close()
	}
}

// rps is good answers per second, from the first request sent to the last
// answer received: a server that falls behind is charged for its backlog.
func (t *tally) rps() float64 {
	span := t.all.Duration + t.all.Wait
	if span <= 0 {
		return 0
	}
	return float64(t.ok) / span.Seconds()
}

// attack runs one vegeta attack on w: at rate requests per second (open
// loop), or with no rate limit (rate 0: a closed loop of workers, each
// sending its next request when the last is answered). tick, if set, is
// called every 200ms to report progress.
func (r *runner) attack(ctx context.Context, w *workload, rate, workers, maxWorkers int, d time.Duration, tick func()) (*tally, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// Config.validate has refused negative counts; checked again here as
	// vegeta takes them unsigned, where a negative one would wrap.
	if workers < 1 || maxWorkers < 1 {
		return nil, fmt.Errorf("bench: %d workers, at most %d: want at least 1 of each", workers, maxWorkers)
	}
	// A transport of our own, so its connections can be closed when the
	// attack ends (vegeta's default transport would keep them).
	tr := &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConnsPerHost: maxWorkers,
		IdleConnTimeout:     30 * time.Second,
	}
	defer tr.CloseIdleConnections()
	atk := vegeta.NewAttacker(
		vegeta.Client(&http.Client{Transport: tr}),
		vegeta.Timeout(30*time.Second),
		vegeta.Redirects(vegeta.NoFollow), // a redirect is an answer to check, not to follow
		vegeta.Workers(uint64(workers)),
		vegeta.MaxWorkers(uint64(maxWorkers)),
		vegeta.MaxBody(0), // read and discard bodies: keeping them would only add the generator's allocations
	)
	pacer := vegeta.ConstantPacer{} // zero: no rate limit
	if rate > 0 {
		pacer = vegeta.ConstantPacer{Freq: rate, Per: time.Second}
	}
	stop := context.AfterFunc(ctx, func() { atk.Stop() })
	defer stop()

	done := make(chan struct{})
	var wg sync.WaitGroup
	if tick != nil {
		wg.Go(func() {
			t := time.NewTicker(200 * time.Millisecond)
			defer t.Stop()
			for {
				select {
				case <-done:
					return
				case <-t.C:
					tick()
				}
			}
		})
	}
	t := newTally(w)
	for res := range atk.Attack(w.targeter(), pacer, d, "") {
		t.add(res)
	}
	close(done)
	wg.Wait()
	t.close()
	for i, rt := range w.routes {
		if rt.write {
			r.rep.Writes[rt.label] += t.routes[i].ok
		}
	}
	return t, ctx.Err()
}

func (t *tally) trial(rate int) Trial {
	tr := Trial{Rate: rate, Seconds: (t.all.Duration + t.all.Wait).Seconds(), Requests: t.all.Requests, Errors: t.errs, RPS: t.rps(), P99MS: ms(t.all.Latencies.P99)}
	tr.Pass = rate > 0 && tr.Errors == 0 && tr.Requests > 0 && tr.RPS >= 0.95*float64(rate)
	if t.errs > 0 {
		tr.Codes = t.codes
	}
	return tr
}

// search finds the highest rate w is served at with no errors: a closed-
// loop probe gives a starting point, then open-loop trials binary-search
// the rate between 0 and 1.25 times the probe's throughput.
func (r *runner) search(ctx context.Context, phase string, w *workload, step time.Duration) (Throughput, error) {
	out := Throughput{Method: searchMethod(r.cfg.Trials, step, r.cfg.Workers), Workers: r.cfg.Workers}
	total := step * time.Duration(r.cfg.Trials)
	began := time.Now()
	tick := func() { r.progress(phase, min(time.Since(began), total), total) }

	t, err := r.attack(ctx, w, 0, r.cfg.Workers, r.cfg.Workers, step, tick)
	if err != nil {
		return out, err
	}
	probe := t.trial(0)
	out.Trials = append(out.Trials, probe)
	out.ClosedLoopRPS, out.ClosedLoopErrors = probe.RPS, probe.Errors
	if probe.Errors > 0 {
		r.cfg.Log.Warn("bench: errors in the closed-loop probe", "phase", phase, "errors", probe.Errors, "codes", probe.Codes)
	}

	lo, hi := 0.0, max(1.25*probe.RPS, 2)
	rate := max(0.9*probe.RPS, 1)
	for range r.cfg.Trials - 1 {
		offered := max(int(rate), 1)
		t, err := r.attack(ctx, w, offered, r.cfg.Workers, 16*r.cfg.Workers, step, tick)
		if err != nil {
			return out, err
		}
		tr := t.trial(offered)
		out.Trials = append(out.Trials, tr)
		if tr.Pass {
			lo = float64(offered)
			if offered > out.Rate {
				out.Rate, out.RPS = offered, tr.RPS
			}
		} else {
			hi = float64(offered)
		}
		rate = (lo + hi) / 2
	}
	r.progress(phase, total, total)
	return out, nil
}

// latency runs w at the fixed rate for the configured duration and
// records latency per route and page type, and allocations per request.
func (r *runner) latency(ctx context.Context, w *workload) error {
	began := time.Now()
	total := r.cfg.Duration
	tick := func() { r.progress(PhaseLatency, min(time.Since(began), total), total) }
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	cpuBefore, cpuOK := processCPU()
	t, err := r.attack(ctx, w, r.cfg.Rate, r.cfg.Workers, 16*r.cfg.Workers, r.cfg.Duration, tick)
	cpuAfter, cpuOKAfter := processCPU()
	runtime.ReadMemStats(&after)
	if err != nil {
		return err
	}
	r.progress(PhaseLatency, total, total)

	l := &r.rep.Latency
	l.Rate, l.Seconds, l.Requests, l.Errors, l.RPS = r.cfg.Rate, (t.all.Duration + t.all.Wait).Seconds(), t.all.Requests, t.errs, t.rps()
	if n := t.all.Requests; n > 0 {
		r.rep.Memory.AllocsPerRequest = float64(after.Mallocs-before.Mallocs) / float64(n)
		r.rep.Memory.AllocBytesPerRequest = float64(after.TotalAlloc-before.TotalAlloc) / float64(n)
		if cpuOK && cpuOKAfter {
			r.rep.Latency.CPUMicrosPerRequest = float64((cpuAfter - cpuBefore).Microseconds()) / float64(n)
		}
	}
	r.rep.Memory.GCCycles = after.NumGC - before.NumGC
	stats := func(x routeTally, typ, label string, write bool, targets int) PageStats {
		p := PageStats{Type: typ, Route: label, Write: write, Targets: targets, Requests: x.m.Requests, Errors: x.errs, Codes: x.codes,
			MeanMS: ms(x.m.Latencies.Mean), P50MS: ms(x.m.Latencies.P50), P95MS: ms(x.m.Latencies.P95), P99MS: ms(x.m.Latencies.P99), MaxMS: ms(x.m.Latencies.Max)}
		if t.all.Requests > 0 {
			p.Share = float64(x.m.Requests) / float64(t.all.Requests)
		}
		return p
	}
	for i, rt := range w.routes {
		l.Pages = append(l.Pages, stats(t.routes[i], rt.typ, rt.label, rt.write, len(rt.targets)))
	}
	for i, pt := range w.types {
		n, write := 0, false
		for _, rt := range pt.routes {
			n += len(rt.targets)
			write = write || rt.write
		}
		l.Types = append(l.Types, stats(t.types[i], pt.name, "", write, n))
	}
	if l.Errors > 0 {
		r.note("The latency run had %d errors (statuses %v): see the rows.", l.Errors, t.codes)
	}
	if l.RPS < 0.95*float64(l.Rate) {
		r.note("The server did not keep up with %d req/s in the latency run (%.0f req/s answered): latencies include queueing.", l.Rate, l.RPS)
	}
	return nil
}

// Peak RSS. On Linux the kernel's high-water mark (VmHWM) is reset by
// writing 5 to /proc/self/clear_refs, so it covers the load phases only;
// VmRSS is also sampled every 100ms in case the reset is not allowed.
type rssWatch struct {
	reset    bool
	done     chan struct{}
	wg       sync.WaitGroup
	mu       sync.Mutex
	max      uint64
	stopOnce sync.Once
	peak     uint64
	method   string
}

func startRSS() *rssWatch {
	w := &rssWatch{done: make(chan struct{})}
	if runtime.GOOS != "linux" {
		return w
	}
	w.reset = resetPeakRSS() == nil
	w.wg.Go(func() {
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			if kb, ok := procStatus("VmRSS"); ok {
				w.mu.Lock()
				w.max = max(w.max, kb*1024)
				w.mu.Unlock()
			}
			select {
			case <-w.done:
				return
			case <-t.C:
			}
		}
	})
	return w
}

// stop ends the watch and returns the peak and how it was measured.
func (w *rssWatch) stop() (uint64, string) {
	w.stopOnce.Do(func() {
		close(w.done)
		w.wg.Wait()
		switch {
		case runtime.GOOS != "linux":
			w.method = fmt.Sprintf("not measured on %s", runtime.GOOS)
		case w.reset:
			hwm, _ := procStatus("VmHWM")
			w.peak = max(hwm*1024, w.max)
			w.method = "VmHWM from /proc/self/status, reset through /proc/self/clear_refs after sign-in and discovery, so it covers the ceiling search, the mixed search and the latency run"
		default:
			w.peak = w.max
			w.method = "VmRSS from /proc/self/status sampled every 100ms during the ceiling search, the mixed search and the latency run (the kernel's high-water mark could not be reset)"
		}
	})
	return w.peak, w.method
}
