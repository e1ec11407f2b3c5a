package cli_test

import (
	"bytes"
	"context"
	"database/sql"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/audit"
	"github.com/cradle-org/cradle/internal/cli"
	"github.com/cradle-org/cradle/internal/store"
	"github.com/cradle-org/cradle/internal/store/storetest"
)

// TestOutboxLogsAlteredMail: a message the outbox gives up on because it
// does not open (its text moved there from another message) is reported in
// the server's log, where an operator looks, as well as the audit log; the
// other messages are handed to the worker.
func TestOutboxLogsAlteredMail(t *testing.T) {
	ctx := audit.WithSource(context.Background(), audit.Source{Actor: "test"})
	path := store.SQLitePath(t.TempDir())
	db := storetest.Open(t, storetest.Backend{Name: "sqlite", URL: path}, nil)
	if err := db.Update(ctx, func(tx *store.Tx) error {
		for _, to := range []string{"first@example.org", "second@example.org"} {
			if err := tx.QueueMail("test", to, "Subject", "Text for "+to, nil); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	// The second message's text moved under the first's recipient, by
	// someone who can write to the database file.
	raw, err := sql.Open("sqlite", strings.TrimPrefix(path, "sqlite:"))
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.ExecContext(ctx, `UPDATE outbox SET body_sealed = (SELECT body_sealed FROM outbox ORDER BY id DESC LIMIT 1) WHERE id = (SELECT MIN(id) FROM outbox)`); err != nil {
		t.Fatal(err)
	}
	var logged bytes.Buffer
	o := cli.Outbox{DB: db, Log: slog.New(slog.NewJSONHandler(&logged, nil))}
	queued, err := o.Claim(ctx, time.Now(), 10, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if len(queued) != 1 || queued[0].Message.To != "second@example.org" {
		t.Errorf("claimed %+v; want the second message alone", queued)
	}
	if line := logged.String(); !strings.Contains(line, `"level":"ERROR"`) || !strings.Contains(line, "was not sent") || !strings.Contains(line, `"outbox_id":`) {
		t.Errorf("the message given up on was not logged as an error: %q", line)
	}
}
