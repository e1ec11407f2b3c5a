package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
)

// A request whose client went away is logged at info, with nothing sent;
// an internal error of a request still waiting for its answer is an error.
// (The bench's smoke test saw an ERROR for a dashboard read interrupted
// when its load generator stopped.)
func TestFailWhenTheClientWentAway(t *testing.T) {
	var buf bytes.Buffer
	s := &Server{log: slog.New(slog.NewJSONHandler(&buf, nil))}
	interrupted := fmt.Errorf("reading figures: %w", errors.New("interrupted (9)"))

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for name, fail := range map[string]func(*httptest.ResponseRecorder, *Server, error){
		"page": func(w *httptest.ResponseRecorder, s *Server, err error) {
			s.fail(w, httptest.NewRequest("GET", "/reports", nil).WithContext(ctx), err)
		},
		"api": func(w *httptest.ResponseRecorder, s *Server, err error) {
			s.apiFail(w, httptest.NewRequest("POST", "/api/v1/referrals", nil).WithContext(ctx), err)
		},
	} {
		buf.Reset()
		w := httptest.NewRecorder()
		fail(w, s, interrupted)
		if log := buf.String(); strings.Contains(log, `"level":"ERROR"`) || !strings.Contains(log, "request abandoned by the client") || !strings.Contains(log, "interrupted (9)") {
			t.Errorf("%s: logged %q", name, log)
		}
		if w.Body.Len() != 0 {
			t.Errorf("%s: wrote %d bytes to a client that went away", name, w.Body.Len())
		}
	}

	// The same error with the client still there is an internal error.
	buf.Reset()
	w := httptest.NewRecorder()
	s.apiFail(w, httptest.NewRequest("POST", "/api/v1/referrals", nil), interrupted)
	if log := buf.String(); !strings.Contains(log, `"level":"ERROR"`) || w.Code != 500 {
		t.Errorf("with the client there: status %d, logged %q", w.Code, log)
	}
}
