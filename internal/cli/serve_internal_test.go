package cli

import (
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// The server Cradle serves with bounds what one client can hold: headers
// over 64 KiB are refused (431) before any handler runs, and a slow sender
// or reader, or an idle connection, is cut off.
func TestHTTPServerBoundsEachClient(t *testing.T) {
	var reached atomic.Bool
	srv := httpServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { reached.Store(true) }), slog.New(slog.NewTextHandler(io.Discard, nil)))
	for name, got := range map[string]time.Duration{"header": srv.ReadHeaderTimeout, "read": srv.ReadTimeout, "write": srv.WriteTimeout, "idle": srv.IdleTimeout} {
		if got <= 0 || got > 2*time.Minute {
			t.Errorf("%s timeout %v: want one, of at most two minutes", name, got)
		}
	}
	if srv.ReadHeaderTimeout > srv.ReadTimeout {
		t.Errorf("headers may take %v, longer than the whole request (%v)", srv.ReadHeaderTimeout, srv.ReadTimeout)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })

	req, _ := http.NewRequest("GET", "http://"+ln.Addr().String()+"/", nil)
	req.Header.Set("X-Padding", strings.Repeat("a", 80<<10))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge || reached.Load() {
		t.Errorf("80 KiB of headers: %d (handler reached: %v), want 431", resp.StatusCode, reached.Load())
	}
	resp, err = http.Get("http://" + ln.Addr().String() + "/")
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !reached.Load() {
		t.Errorf("an ordinary request: %d (handler reached: %v)", resp.StatusCode, reached.Load())
	}
}
