package web

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/cradle-org/cradle/internal/store/storetest"
)

// A handler that panics answers with the service's error page and a
// reference, never the panic's value or a stack (which could hold a
// record's details); the log has both, under the same reference. The
// server goes on answering. http.ErrAbortHandler is passed on, as
// net/http expects, to drop the connection quietly.
func TestPanicShowsOnlyAReference(t *testing.T) {
	var buf bytes.Buffer
	db := storetest.Open(t, storetest.Backends(t)[0], nil)
	s, err := New(db, slog.New(slog.NewJSONHandler(&buf, nil)), Config{})
	if err != nil {
		t.Fatal(err)
	}
	const address = "Flat 3, 12 Quay Street"
	h := withRequestID(s.withRecover(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/abort" {
			panic(http.ErrAbortHandler)
		}
		panic("reading the address " + address)
	})))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/families/1", nil))
	ref := w.Header().Get("X-Request-Id")
	body := w.Body.String()
	if w.Code != http.StatusInternalServerError || ref == "" || !strings.Contains(body, "Sorry, there is a problem with the service") ||
		!strings.Contains(body, "quote reference "+ref) {
		t.Errorf("status %d, reference %q, page:\n%s", w.Code, ref, body)
	}
	for _, leak := range []string{address, "goroutine", ".go:"} {
		if strings.Contains(body, leak) {
			t.Errorf("the page shows %q", leak)
		}
	}
	if log := buf.String(); !strings.Contains(log, `"level":"ERROR"`) || !strings.Contains(log, address) || !strings.Contains(log, ref) ||
		!strings.Contains(log, "goroutine") {
		t.Errorf("logged %q", log)
	}
	defer func() {
		if v := recover(); v != http.ErrAbortHandler {
			t.Errorf("http.ErrAbortHandler came back as %v", v)
		}
	}()
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/abort", nil))
}
