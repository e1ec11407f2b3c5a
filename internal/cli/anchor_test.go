package cli_test

import (
	"context"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/cli"
)

// anchorWatch hears serve's log, one record a write (slog's JSON handler
// writes each record whole), and passes on the first audit anchor in it.
type anchorWatch struct{ found chan string }

var anchorLine = regexp.MustCompile(`"msg":"audit anchor","anchor":"(\d+:[0-9a-f]{64})"`)

func (w anchorWatch) Write(p []byte) (int, error) {
	if m := anchorLine.FindSubmatch(p); m != nil {
		select {
		case w.found <- string(m[1]):
		default:
		}
	}
	return len(p), nil
}

// TestServeLogsAnAuditAnchor: serve logs the audit log's head at start;
// audit verify with it passes and prints the head to keep; once the newest
// commits' entries are deleted (and their keyed hashes) the log alone still
// verifies, but not against the logged anchor.
func TestServeLogsAnAuditAnchor(t *testing.T) {
	for name, db := range backendArgs(t) {
		t.Run(name, func(t *testing.T) {
			if r := run(t, nil, append([]string{"demo"}, db...)...); r.code != 0 {
				t.Fatalf("demo: %+v", r)
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			logs := anchorWatch{found: make(chan string, 1)}
			app := &cli.App{Stdout: io.Discard, Stderr: logs, Getenv: func(string) string { return "" }, Version: "test", PasswordParams: testPasswordParams}
			done := make(chan int, 1)
			go func() { done <- app.Run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, db...)) }()
			var anchor string
			select {
			case anchor = <-logs.found:
			case code := <-done:
				t.Fatalf("serve exited with %d before logging an audit anchor", code)
			case <-time.After(30 * time.Second):
				t.Fatal("serve logged no audit anchor in 30 s")
			}
			cancel()
			<-done
			r := run(t, nil, append([]string{"audit", "verify", "--anchor", anchor}, db...)...)
			if r.code != 0 || !strings.Contains(r.stdout, "Every anchor given matches (1).") || !strings.Contains(r.stdout, "Head: ") {
				t.Fatalf("audit verify with the logged anchor: %+v", r)
			}
			id := strings.Split(anchor, ":")[0]
			rawExec(t, db, `DELETE FROM audit_macs WHERE entry_id >= `+id)
			rawExec(t, db, `DELETE FROM audit_log WHERE id > (SELECT MAX(entry_id) FROM audit_macs)`)
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
