package cli_test

import (
	"bytes"
	"context"
	"io"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/cli"
)

// lockedBuffer is a bytes.Buffer the server's goroutines may write while
// the test reads.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestServeLogsAnAuditAnchor: serve logs the audit log's head at start;
// audit verify with it passes and prints the head to keep; once the newest
// entries are deleted the chain alone still verifies, but not against the
// logged anchor.
func TestServeLogsAnAuditAnchor(t *testing.T) {
	for name, db := range backendArgs(t) {
		t.Run(name, func(t *testing.T) {
			if r := run(t, nil, append([]string{"demo"}, db...)...); r.code != 0 {
				t.Fatalf("demo: %+v", r)
			}
			ctx, cancel := context.WithCancel(context.Background())
			ready := make(chan string, 1)
			var logs lockedBuffer
			app := &cli.App{Stdout: io.Discard, Stderr: &logs, Getenv: func(string) string { return "" }, Version: "test", Ready: func(a string) { ready <- a }}
			done := make(chan int, 1)
			go func() { done <- app.Run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, db...)) }()
			select {
			case <-ready:
			case code := <-done:
				t.Fatalf("serve exited with %d: %s", code, logs.String())
			case <-time.After(30 * time.Second):
				t.Fatal("serve did not start")
			}
			anchorLine := regexp.MustCompile(`"msg":"audit anchor","anchor":"(\d+:[0-9a-f]{64})"`)
			var anchor string
			for deadline := time.Now().Add(10 * time.Second); anchor == "" && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
				if m := anchorLine.FindStringSubmatch(logs.String()); m != nil {
					anchor = m[1]
				}
			}
			cancel()
			<-done
			if anchor == "" {
				t.Fatalf("serve logged no audit anchor:\n%s", logs.String())
			}
			r := run(t, nil, append([]string{"audit", "verify", "--anchor", anchor}, db...)...)
			if r.code != 0 || !strings.Contains(r.stdout, "Every anchor given matches (1).") || !strings.Contains(r.stdout, "Head: ") {
				t.Fatalf("audit verify with the logged anchor: %+v", r)
			}
			id := strings.Split(anchor, ":")[0]
			rawExec(t, db, `DELETE FROM audit_log WHERE id >= `+id)
			if r := run(t, nil, append([]string{"audit", "verify"}, db...)...); r.code != 0 {
				t.Fatalf("the chain alone after deleting the newest entries: %+v; the test means it to pass", r)
			}
			r = run(t, nil, append([]string{"audit", "verify", "--anchor", anchor}, db...)...)
			if r.code != 1 || !strings.Contains(r.stderr, "audit log is NOT intact: audit entry "+id+": it was recorded outside the database") ||
				!strings.Contains(r.stderr, "entries were removed from the end") {
				t.Errorf("audit verify against the anchor after deleting the newest entries: %+v", r)
			}
		})
	}
}
