package web

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/cradle-org/cradle/internal/audit"
	"github.com/cradle-org/cradle/internal/seal"
	"github.com/cradle-org/cradle/internal/store"
	"github.com/cradle-org/cradle/internal/store/storetest"
)

// A page whose read met a sealed value that does not open where it is (one
// co-parent's address copied into the other's record outside Cradle) shows
// nothing of the record, says what to do with a reference, logs an error
// and records the event, naming the value by table, field and row only.
func TestFailWhenASealedValueWasAltered(t *testing.T) {
	var buf bytes.Buffer
	db := storetest.Open(t, storetest.Backends(t)[0], nil)
	s, err := New(db, slog.New(slog.NewJSONHandler(&buf, nil)), Config{})
	if err != nil {
		t.Fatal(err)
	}
	altered := fmt.Errorf("reading person: %w", &store.AlteredError{Context: "people.address#12", Err: fmt.Errorf("seal: open people.address#12: authentication failed: %w", seal.ErrCorrupt)})
	ctx := audit.WithSource(context.Background(), audit.Source{ActorID: 7, Actor: "dsl@example.org"})
	w := httptest.NewRecorder()
	s.fail(w, httptest.NewRequest("GET", "/people/12", nil).WithContext(ctx), altered)
	if w.Code != 500 || !strings.Contains(w.Body.String(), "Part of this record cannot be shown") || !strings.Contains(w.Body.String(), "changed outside Cradle") ||
		!strings.Contains(w.Body.String(), "designated safeguarding lead") {
		t.Errorf("status %d, page %q", w.Code, w.Body.String())
	}
	if log := buf.String(); !strings.Contains(log, `"level":"ERROR"`) || !strings.Contains(log, `"value":"people.address#12"`) {
		t.Errorf("logged %q", log)
	}
	es, err := db.AuditEntries(context.Background(), store.AuditFilter{Actions: []string{"seal.altered"}})
	if err != nil || len(es) != 1 || !strings.HasPrefix(es[0].Detail, "people.address#12") || es[0].Actor != "dsl@example.org" {
		t.Fatalf("audit entries = %+v, %v; want one seal.altered by the reader naming the value", es, err)
	}
}
