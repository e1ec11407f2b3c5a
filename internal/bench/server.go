package bench

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"time"

	"github.com/cradle-org/cradle/internal/web"
)

// server is the real web server on a loopback listener: requests reach it
// over TCP, through the same http.Server settings as `cradle serve`.
type server struct {
	base     string
	http     *http.Server
	done     chan error
	stopOnce sync.Once
}

// startServer builds the server and waits for /readyz; the duration
// returned runs from web.New to the first 200.
func startServer(ctx context.Context, cfg Config) (*server, time.Duration, error) {
	wc := cfg.Web
	wc.Bench = true
	wc.Now = cfg.Now
	// Request logs are formatted as in production (JSON) but thrown away,
	// so their cost is in the figures without thousands of lines a second
	// reaching the terminal; warnings and errors still reach the caller.
	log := slog.New(teeHandler{all: slog.NewJSONHandler(io.Discard, nil), warn: cfg.Log.Handler()})

	began := time.Now()
	app, err := web.New(cfg.DB, log, wc)
	if err != nil {
		return nil, 0, fmt.Errorf("building the web server: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, 0, fmt.Errorf("listening on loopback: %w", err)
	}
	s := &server{
		base: "http://" + ln.Addr().String(),
		http: &http.Server{
			Handler:           app.Handler(),
			ReadHeaderTimeout: 10 * time.Second,
			ReadTimeout:       30 * time.Second,
			WriteTimeout:      60 * time.Second,
			IdleTimeout:       120 * time.Second,
			MaxHeaderBytes:    64 << 10,
			ErrorLog:          slog.NewLogLogger(cfg.Log.Handler(), slog.LevelWarn),
		},
		done: make(chan error, 1),
	}
	go func() { s.done <- s.http.Serve(ln) }()

	c := newClient()
	defer c.CloseIdleConnections()
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := c.get(ctx, s.base+"/readyz", "")
		if err == nil && resp.status == http.StatusOK {
			break
		}
		if ctx.Err() != nil {
			s.stop()
			return nil, 0, ctx.Err()
		}
		if time.Now().After(deadline) {
			s.stop()
			if err == nil {
				err = fmt.Errorf("status %d", resp.status)
			}
			return nil, 0, fmt.Errorf("the server did not become ready within 30s: %w", err)
		}
		time.Sleep(time.Millisecond)
	}
	return s, time.Since(began), nil
}

// stop shuts the server down, waiting for requests in flight, and closes
// the listener and every connection. It may be called more than once.
func (s *server) stop() {
	s.stopOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := s.http.Shutdown(ctx); err != nil {
			s.http.Close() // #nosec G104 -- the last resort after Shutdown timed out; nothing is left to try
		}
		<-s.done
	})
}

// teeHandler sends every record to all and warnings and errors to warn too.
type teeHandler struct{ all, warn slog.Handler }

func (h teeHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.all.Enabled(ctx, l) || (l >= slog.LevelWarn && h.warn.Enabled(ctx, l))
}

func (h teeHandler) Handle(ctx context.Context, r slog.Record) error {
	var errs []error
	if h.all.Enabled(ctx, r.Level) {
		errs = append(errs, h.all.Handle(ctx, r))
	}
	if r.Level >= slog.LevelWarn && h.warn.Enabled(ctx, r.Level) {
		errs = append(errs, h.warn.Handle(ctx, r.Clone()))
	}
	return errors.Join(errs...)
}

func (h teeHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return teeHandler{all: h.all.WithAttrs(as), warn: h.warn.WithAttrs(as)}
}

func (h teeHandler) WithGroup(name string) slog.Handler {
	return teeHandler{all: h.all.WithGroup(name), warn: h.warn.WithGroup(name)}
}

// httpClient is the runner's own client for signing in, finding pages and
// measuring them (not for the load, which vegeta sends). It never follows
// redirects, so each step of signing in can be checked.
type httpClient struct {
	hc *http.Client
	tr *http.Transport
}

func newClient() *httpClient {
	tr := &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
		MaxIdleConnsPerHost: 16,
		IdleConnTimeout:     30 * time.Second,
		// Ask for gzip ourselves, so a compressed answer is seen as such
		// (the transport would otherwise decompress it silently).
		DisableCompression: true,
	}
	return &httpClient{tr: tr, hc: &http.Client{
		Transport:     tr,
		Timeout:       60 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// CloseIdleConnections closes the client's kept-alive connections.
func (c *httpClient) CloseIdleConnections() { c.tr.CloseIdleConnections() }

type response struct {
	status   int
	body     []byte // decoded
	wire     int    // bytes as sent (compressed, if the server compressed)
	header   http.Header
	location string
	cookie   string // a new session cookie, if the answer set one
}

// do sends one request with the given header (a session cookie, a
// content type, a bearer token).
func (c *httpClient) do(ctx context.Context, method, addr string, body []byte, hdr http.Header) (response, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, addr, rd)
	if err != nil {
		return response{}, err
	}
	for k, vs := range hdr {
		req.Header[k] = slices.Clone(vs)
	}
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := c.hc.Do(req)
	if err != nil {
		return response{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return response{}, err
	}
	out := response{status: resp.StatusCode, body: b, wire: len(b), header: resp.Header, location: resp.Header.Get("Location")}
	if resp.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			return response{}, fmt.Errorf("%s %s: %w", method, addr, err)
		}
		if out.body, err = io.ReadAll(zr); err != nil {
			return response{}, fmt.Errorf("%s %s: %w", method, addr, err)
		}
	}
	for _, ck := range resp.Cookies() {
		if ck.Name == sessionCookie && ck.Value != "" {
			out.cookie = ck.Value
		}
	}
	return out, nil
}

// get fetches a page as the holder of cookie (empty: signed out).
func (c *httpClient) get(ctx context.Context, addr, cookie string) (response, error) {
	return c.do(ctx, http.MethodGet, addr, nil, cookieOnly(cookie))
}

// post sends a form as the holder of cookie.
func (c *httpClient) post(ctx context.Context, addr string, form url.Values, cookie string) (response, error) {
	h := cookieOnly(cookie)
	h.Set("Content-Type", formType)
	return c.do(ctx, http.MethodPost, addr, []byte(form.Encode()), h)
}

func cookieOnly(cookie string) http.Header {
	h := http.Header{}
	if cookie != "" {
		h.Set("Cookie", sessionCookie+"="+cookie)
	}
	return h
}

// sessionCookie is the name of Cradle's session cookie.
const sessionCookie = "cradle_session"
