package metrics

import (
	"bufio"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// stableRegistry returns a Registry whose time- and runtime-dependent values
// are fixed so exposition output can be compared exactly.
func stableRegistry() *Registry {
	r := New()
	r.start = time.Unix(1700000000, 500000000)
	r.numGoroutine = func() int { return 42 }
	return r
}

func TestWriteTextGolden(t *testing.T) {
	r := stableRegistry()
	r.ObserveRequest("GET /families/{id}", "GET", 200, 250*time.Millisecond)
	r.ObserveRequest("GET /families/{id}", "GET", 200, 2*time.Second)
	r.ObserveRequest("GET /families/{id}", "GET", 404, 5*time.Millisecond) // on a bound: counts in le="0.005"
	r.ObserveRequest("POST /login", "POST", 303, 50*time.Millisecond)
	r.ObserveRequest("", "BREW", 404, 20*time.Second) // beyond the last bound: +Inf only

	db := sql.DBStats{
		MaxOpenConnections: 10,
		OpenConnections:    5,
		InUse:              2,
		Idle:               3,
		WaitCount:          4,
		WaitDuration:       1500 * time.Millisecond,
	}
	var sb strings.Builder
	if err := r.WriteText(&sb, db); err != nil {
		t.Fatal(err)
	}

	const want = `# HELP cradle_db_idle_connections Number of idle database connections.
# TYPE cradle_db_idle_connections gauge
cradle_db_idle_connections 3
# HELP cradle_db_in_use_connections Number of database connections currently in use.
# TYPE cradle_db_in_use_connections gauge
cradle_db_in_use_connections 2
# HELP cradle_db_max_open_connections Maximum number of open database connections (0 means unlimited).
# TYPE cradle_db_max_open_connections gauge
cradle_db_max_open_connections 10
# HELP cradle_db_open_connections Number of established database connections, in use and idle.
# TYPE cradle_db_open_connections gauge
cradle_db_open_connections 5
# HELP cradle_db_wait_count_total Total number of times a request waited for a database connection.
# TYPE cradle_db_wait_count_total counter
cradle_db_wait_count_total 4
# HELP cradle_db_wait_duration_seconds_total Total time spent waiting for a database connection.
# TYPE cradle_db_wait_duration_seconds_total counter
cradle_db_wait_duration_seconds_total 1.5
# HELP cradle_go_goroutines Number of goroutines that currently exist.
# TYPE cradle_go_goroutines gauge
cradle_go_goroutines 42
# HELP cradle_http_request_duration_seconds HTTP request latency by route.
# TYPE cradle_http_request_duration_seconds histogram
cradle_http_request_duration_seconds_bucket{route="GET /families/{id}",le="0.005"} 1
cradle_http_request_duration_seconds_bucket{route="GET /families/{id}",le="0.01"} 1
cradle_http_request_duration_seconds_bucket{route="GET /families/{id}",le="0.025"} 1
cradle_http_request_duration_seconds_bucket{route="GET /families/{id}",le="0.05"} 1
cradle_http_request_duration_seconds_bucket{route="GET /families/{id}",le="0.1"} 1
cradle_http_request_duration_seconds_bucket{route="GET /families/{id}",le="0.25"} 2
cradle_http_request_duration_seconds_bucket{route="GET /families/{id}",le="0.5"} 2
cradle_http_request_duration_seconds_bucket{route="GET /families/{id}",le="1"} 2
cradle_http_request_duration_seconds_bucket{route="GET /families/{id}",le="2.5"} 3
cradle_http_request_duration_seconds_bucket{route="GET /families/{id}",le="5"} 3
cradle_http_request_duration_seconds_bucket{route="GET /families/{id}",le="10"} 3
cradle_http_request_duration_seconds_bucket{route="GET /families/{id}",le="+Inf"} 3
cradle_http_request_duration_seconds_sum{route="GET /families/{id}"} 2.255
cradle_http_request_duration_seconds_count{route="GET /families/{id}"} 3
cradle_http_request_duration_seconds_bucket{route="POST /login",le="0.005"} 0
cradle_http_request_duration_seconds_bucket{route="POST /login",le="0.01"} 0
cradle_http_request_duration_seconds_bucket{route="POST /login",le="0.025"} 0
cradle_http_request_duration_seconds_bucket{route="POST /login",le="0.05"} 1
cradle_http_request_duration_seconds_bucket{route="POST /login",le="0.1"} 1
cradle_http_request_duration_seconds_bucket{route="POST /login",le="0.25"} 1
cradle_http_request_duration_seconds_bucket{route="POST /login",le="0.5"} 1
cradle_http_request_duration_seconds_bucket{route="POST /login",le="1"} 1
cradle_http_request_duration_seconds_bucket{route="POST /login",le="2.5"} 1
cradle_http_request_duration_seconds_bucket{route="POST /login",le="5"} 1
cradle_http_request_duration_seconds_bucket{route="POST /login",le="10"} 1
cradle_http_request_duration_seconds_bucket{route="POST /login",le="+Inf"} 1
cradle_http_request_duration_seconds_sum{route="POST /login"} 0.05
cradle_http_request_duration_seconds_count{route="POST /login"} 1
cradle_http_request_duration_seconds_bucket{route="unmatched",le="0.005"} 0
cradle_http_request_duration_seconds_bucket{route="unmatched",le="0.01"} 0
cradle_http_request_duration_seconds_bucket{route="unmatched",le="0.025"} 0
cradle_http_request_duration_seconds_bucket{route="unmatched",le="0.05"} 0
cradle_http_request_duration_seconds_bucket{route="unmatched",le="0.1"} 0
cradle_http_request_duration_seconds_bucket{route="unmatched",le="0.25"} 0
cradle_http_request_duration_seconds_bucket{route="unmatched",le="0.5"} 0
cradle_http_request_duration_seconds_bucket{route="unmatched",le="1"} 0
cradle_http_request_duration_seconds_bucket{route="unmatched",le="2.5"} 0
cradle_http_request_duration_seconds_bucket{route="unmatched",le="5"} 0
cradle_http_request_duration_seconds_bucket{route="unmatched",le="10"} 0
cradle_http_request_duration_seconds_bucket{route="unmatched",le="+Inf"} 1
cradle_http_request_duration_seconds_sum{route="unmatched"} 20
cradle_http_request_duration_seconds_count{route="unmatched"} 1
# HELP cradle_http_requests_total Total HTTP requests by route, method and status code.
# TYPE cradle_http_requests_total counter
cradle_http_requests_total{route="GET /families/{id}",method="GET",code="200"} 2
cradle_http_requests_total{route="GET /families/{id}",method="GET",code="404"} 1
cradle_http_requests_total{route="POST /login",method="POST",code="303"} 1
cradle_http_requests_total{route="unmatched",method="OTHER",code="404"} 1
# HELP cradle_process_start_time_seconds Start time of the process since unix epoch in seconds.
# TYPE cradle_process_start_time_seconds gauge
cradle_process_start_time_seconds 1.7000000005e+09
`
	if got := sb.String(); got != want {
		t.Errorf("exposition mismatch\n--- got ---\n%s\n--- want ---\n%s", got, want)
	}
}

func TestEmptyRegistryHasHeaders(t *testing.T) {
	var sb strings.Builder
	if err := stableRegistry().WriteText(&sb, sql.DBStats{}); err != nil {
		t.Fatal(err)
	}
	out := sb.String()
	for _, s := range []string{
		"# TYPE cradle_http_requests_total counter\n",
		"# TYPE cradle_http_request_duration_seconds histogram\n",
		"cradle_db_open_connections 0\n",
	} {
		if !strings.Contains(out, s) {
			t.Errorf("output missing %q", s)
		}
	}
	if strings.Contains(out, "{") {
		t.Error("empty registry emitted labelled series")
	}
}

func TestLabelEscaping(t *testing.T) {
	r := stableRegistry()
	r.ObserveRequest("GET /a\\b\"c\"\nd", "GET", 200, time.Millisecond)
	var sb strings.Builder
	if err := r.WriteText(&sb, sql.DBStats{}); err != nil {
		t.Fatal(err)
	}
	want := `cradle_http_requests_total{route="GET /a\\b\"c\"\nd",method="GET",code="200"} 1` + "\n"
	if !strings.Contains(sb.String(), want) {
		t.Errorf("output lacks escaped series %q:\n%s", want, sb.String())
	}
	// Every line must stay a single line, or the scrape breaks.
	for line := range strings.Lines(sb.String()) {
		if !strings.HasPrefix(line, "#") && !strings.HasPrefix(line, "cradle_") {
			t.Errorf("stray line %q: a raw newline escaped into the output", line)
		}
	}

	for in, want := range map[string]string{
		"plain":  "plain",
		`a\b`:    `a\\b`,
		`"q"`:    `\"q\"`,
		"x\ny":   `x\ny`,
		"\\\"\n": `\\\"\n`,
	} {
		if got := escapeLabel(in); got != want {
			t.Errorf("escapeLabel(%q) = %q, want %q", in, got, want)
		}
	}
	if got := escapeHelp("a \"b\" \\ \n"); got != `a "b" \\ \n` {
		t.Errorf("escapeHelp = %q", got)
	}
}

func TestMethodNormalised(t *testing.T) {
	r := stableRegistry()
	for i := range 100 {
		r.ObserveRequest("GET /", "X"+strconv.Itoa(i), 405, time.Millisecond)
	}
	r.mu.Lock()
	n := len(r.requests)
	r.mu.Unlock()
	if n != 1 {
		t.Errorf("100 made-up methods produced %d series, want 1", n)
	}
}

func TestHistogramBucketsCumulative(t *testing.T) {
	r := stableRegistry()
	bounds := bucketBounds()
	// One observation exactly on each bound, and one just above the last.
	for _, b := range bounds {
		r.ObserveRequest("GET /x", "GET", 200, time.Duration(b*float64(time.Second)))
	}
	r.ObserveRequest("GET /x", "GET", 200, 11*time.Second)
	r.ObserveRequest("GET /x", "GET", 200, 0)

	var sb strings.Builder
	if err := r.WriteText(&sb, sql.DBStats{}); err != nil {
		t.Fatal(err)
	}
	got := map[string]uint64{}
	var count uint64
	sc := bufio.NewScanner(strings.NewReader(sb.String()))
	for sc.Scan() {
		line := sc.Text()
		// Split at the last space: the route label itself contains spaces.
		sp := strings.LastIndexByte(line, ' ')
		name, val := line[:max(sp, 0)], line[sp+1:]
		if le, ok := strings.CutPrefix(name, `cradle_http_request_duration_seconds_bucket{route="GET /x",le="`); ok {
			n, err := strconv.ParseUint(val, 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			got[strings.TrimSuffix(le, `"}`)] = n
		}
		if strings.HasPrefix(line, `cradle_http_request_duration_seconds_count{route="GET /x"}`) {
			count, _ = strconv.ParseUint(val, 10, 64)
		}
	}
	// Bucket i holds the zero observation plus those on bounds 0..i.
	for i, b := range bounds {
		le := strconv.FormatFloat(b, 'g', -1, 64)
		if want := uint64(i + 2); got[le] != want {
			t.Errorf("le=%s: %d, want %d", le, got[le], want)
		}
	}
	if want := uint64(len(bounds) + 2); got["+Inf"] != want || count != want {
		t.Errorf("+Inf = %d, count = %d, want %d", got["+Inf"], count, want)
	}
}

func TestConcurrentObserve(t *testing.T) {
	r := New()
	const goroutines, perG = 32, 500
	routes := []string{"GET /a", "GET /b/{id}", "POST /c"}
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			for i := range perG {
				r.ObserveRequest(routes[(g+i)%len(routes)], "GET", 200, time.Duration(i)*time.Millisecond)
			}
		})
	}
	// Scrape while observing, as Prometheus would.
	wg.Go(func() {
		for range 20 {
			if err := r.WriteText(discard{}, sql.DBStats{}); err != nil {
				t.Error(err)
			}
		}
	})
	wg.Wait()

	var total uint64
	r.mu.Lock()
	for _, n := range r.requests {
		total += n
	}
	var hist uint64
	for _, h := range r.durations {
		for _, c := range h.counts {
			hist += c
		}
	}
	r.mu.Unlock()
	if total != goroutines*perG || hist != goroutines*perG {
		t.Errorf("requests = %d, histogram count = %d, want %d", total, hist, goroutines*perG)
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("boom") }

func TestWriteTextError(t *testing.T) {
	err := New().WriteText(failWriter{}, sql.DBStats{})
	if err == nil || !strings.Contains(err.Error(), "boom") {
		t.Errorf("err = %v, want wrapped writer error", err)
	}
}

func BenchmarkObserveRequest(b *testing.B) {
	r := New()
	for b.Loop() {
		r.ObserveRequest("GET /families/{id}", "GET", 200, 42*time.Millisecond)
	}
}

func BenchmarkObserveRequestParallel(b *testing.B) {
	r := New()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			r.ObserveRequest("GET /families/{id}", "GET", 200, 42*time.Millisecond)
		}
	})
}
