// Package metrics collects request and database-pool metrics and writes them
// in the Prometheus text exposition format (0.0.4). It is hand-written to
// avoid depending on a client library for a handful of series.
package metrics

import (
	"bytes"
	"cmp"
	"database/sql"
	"fmt"
	"io"
	"math"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// ContentType is the Content-Type for responses carrying WriteText output.
const ContentType = "text/plain; version=0.0.4; charset=utf-8"

// numBuckets is the number of finite histogram buckets; see bucketBounds.
const numBuckets = 11

// bucketBounds returns the request-duration bucket upper bounds in seconds.
// It is a function rather than a package variable so nothing can mutate it.
func bucketBounds() [numBuckets]float64 {
	return [numBuckets]float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}
}

type requestKey struct {
	route, method string
	code          int
}

// histogram stores per-bucket (non-cumulative) counts; the last slot is the
// +Inf overflow. Cumulating at write time keeps the hot path to one increment.
type histogram struct {
	counts [numBuckets + 1]uint64
	sum    float64
}

// Registry holds the process's metrics. It is safe for concurrent use.
type Registry struct {
	start        time.Time
	numGoroutine func() int // overridable so tests get stable output
	bounds       [numBuckets]float64

	mu        sync.Mutex
	requests  map[requestKey]uint64
	durations map[string]*histogram
}

// New returns an empty Registry whose process start time is now.
func New() *Registry {
	return &Registry{
		start:        time.Now(),
		numGoroutine: runtime.NumGoroutine,
		bounds:       bucketBounds(),
		requests:     make(map[requestKey]uint64),
		durations:    make(map[string]*histogram),
	}
}

// ObserveRequest records one finished HTTP request. route must be the
// ServeMux pattern (e.g. "GET /families/{id}"), never the raw URL path: raw
// paths carry ids, so each would become a new series and the registry would
// grow without bound. An empty route is recorded as "unmatched".
func (r *Registry) ObserveRequest(route, method string, status int, d time.Duration) {
	if route == "" {
		route = "unmatched"
	}
	method = normalizeMethod(method)
	secs := d.Seconds()
	// Bucket i counts observations <= bounds[i]; the search is done outside
	// the lock to keep the critical section to a few increments.
	i, _ := slices.BinarySearch(r.bounds[:], secs)

	r.mu.Lock()
	r.requests[requestKey{route, method, status}]++
	h := r.durations[route]
	if h == nil {
		h = new(histogram)
		r.durations[route] = h
	}
	h.counts[i]++
	h.sum += secs
	r.mu.Unlock()
}

// normalizeMethod maps non-standard methods to "OTHER": clients choose the
// method freely, so passing it through would let anyone create unbounded series.
func normalizeMethod(m string) string {
	switch m {
	case "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "CONNECT", "TRACE":
		return m
	}
	return "OTHER"
}

// WriteText writes every metric, including the given database pool stats, in
// Prometheus text format 0.0.4. Families and series are sorted so output is
// deterministic.
func (r *Registry) WriteText(w io.Writer, db sql.DBStats) error {
	type reqSample struct {
		requestKey
		n uint64
	}
	type durSample struct {
		route string
		h     histogram
	}

	// Copy under the lock, format outside it, so a slow scrape never stalls requests.
	r.mu.Lock()
	reqs := make([]reqSample, 0, len(r.requests))
	for k, n := range r.requests {
		reqs = append(reqs, reqSample{k, n})
	}
	durs := make([]durSample, 0, len(r.durations))
	for route, h := range r.durations {
		durs = append(durs, durSample{route, *h})
	}
	r.mu.Unlock()

	slices.SortFunc(reqs, func(a, b reqSample) int {
		return cmp.Or(
			strings.Compare(a.route, b.route),
			strings.Compare(a.method, b.method),
			cmp.Compare(a.code, b.code),
		)
	})
	slices.SortFunc(durs, func(a, b durSample) int { return strings.Compare(a.route, b.route) })

	var b bytes.Buffer
	gauge := func(name, help string, v float64) {
		header(&b, name, help, "gauge")
		fmt.Fprintf(&b, "%s %s\n", name, formatFloat(v))
	}
	counter := func(name, help string, v float64) {
		header(&b, name, help, "counter")
		fmt.Fprintf(&b, "%s %s\n", name, formatFloat(v))
	}

	// Families in lexical order of name.
	gauge("cradle_db_idle_connections", "Number of idle database connections.", float64(db.Idle))
	gauge("cradle_db_in_use_connections", "Number of database connections currently in use.", float64(db.InUse))
	gauge("cradle_db_max_open_connections", "Maximum number of open database connections (0 means unlimited).", float64(db.MaxOpenConnections))
	gauge("cradle_db_open_connections", "Number of established database connections, in use and idle.", float64(db.OpenConnections))
	counter("cradle_db_wait_count_total", "Total number of times a request waited for a database connection.", float64(db.WaitCount))
	counter("cradle_db_wait_duration_seconds_total", "Total time spent waiting for a database connection.", db.WaitDuration.Seconds())
	gauge("cradle_go_goroutines", "Number of goroutines that currently exist.", float64(r.numGoroutine()))

	const durName = "cradle_http_request_duration_seconds"
	header(&b, durName, "HTTP request latency by route.", "histogram")
	for _, d := range durs {
		route := escapeLabel(d.route)
		var cum uint64
		for i, le := range r.bounds {
			cum += d.h.counts[i]
			fmt.Fprintf(&b, "%s_bucket{route=\"%s\",le=\"%s\"} %d\n", durName, route, formatFloat(le), cum)
		}
		cum += d.h.counts[numBuckets]
		fmt.Fprintf(&b, "%s_bucket{route=\"%s\",le=\"+Inf\"} %d\n", durName, route, cum)
		fmt.Fprintf(&b, "%s_sum{route=\"%s\"} %s\n", durName, route, formatFloat(d.h.sum))
		fmt.Fprintf(&b, "%s_count{route=\"%s\"} %d\n", durName, route, cum)
	}

	const reqName = "cradle_http_requests_total"
	header(&b, reqName, "Total HTTP requests by route, method and status code.", "counter")
	for _, s := range reqs {
		fmt.Fprintf(&b, "%s{route=\"%s\",method=\"%s\",code=\"%d\"} %d\n",
			reqName, escapeLabel(s.route), escapeLabel(s.method), s.code, s.n)
	}

	gauge("cradle_process_start_time_seconds", "Start time of the process since unix epoch in seconds.",
		float64(r.start.UnixNano())/1e9)

	if _, err := w.Write(b.Bytes()); err != nil {
		return fmt.Errorf("metrics: write exposition: %w", err)
	}
	return nil
}

func header(b *bytes.Buffer, name, help, typ string) {
	fmt.Fprintf(b, "# HELP %s %s\n# TYPE %s %s\n", name, escapeHelp(help), name, typ)
}

// formatFloat renders a sample value the way the Prometheus parser expects,
// including its spellings of the non-finite values.
func formatFloat(v float64) string {
	switch {
	case math.IsNaN(v):
		return "NaN"
	case math.IsInf(v, 1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// escapeLabel applies the format's label-value escapes: \\, \" and \n.
func escapeLabel(s string) string {
	if !strings.ContainsAny(s, "\\\"\n") {
		return s
	}
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s)
}

// escapeHelp applies the HELP-line escapes, which unlike label values leave
// double quotes alone.
func escapeHelp(s string) string {
	if !strings.ContainsAny(s, "\\\n") {
		return s
	}
	return strings.NewReplacer(`\`, `\\`, "\n", `\n`).Replace(s)
}
