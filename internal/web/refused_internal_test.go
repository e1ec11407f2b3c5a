package web

import (
	"strings"
	"testing"

	"github.com/cradle-org/cradle/internal/store/storetest"
)

// TestEveryRecordRouteNamesItsRecordWhenRefused: a refusal is audited under
// the record it was about (refusedRecord), so the record's "who looked at
// this" lists it. refusedRecord reads the path by hand; this keeps it in
// step with the router: every route with an {id} names a record, but for
// the administrators' pages and the public website's documents.
func TestEveryRecordRouteNamesItsRecordWhenRefused(t *testing.T) {
	// Pages about no family, person or case: the administrators' (accounts,
	// tokens, the outbox, the public website) and the public documents.
	notARecord := func(path string) bool {
		return strings.HasPrefix(path, "/admin/") || strings.HasPrefix(path, "/documents/")
	}
	db := storetest.Open(t, storetest.Backends(t)[0], nil)
	s, err := New(db, nil, Config{Bench: true})
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, pattern := range s.Routes() {
		_, path, _ := strings.Cut(pattern, " ")
		if !strings.Contains(path, "{id}") {
			continue
		}
		kind, id := refusedRecord(strings.ReplaceAll(path, "{id}", "42"), "42")
		switch {
		case notARecord(path) && kind != "":
			t.Errorf("%s: refused as about %s %d, listed here as about no record", pattern, kind, id)
		case !notARecord(path) && (kind == "" || id != 42):
			t.Errorf("%s: a refusal names no record: add its first segment to refusedRecord", pattern)
		}
		checked++
	}
	if checked < 50 {
		t.Errorf("%d routes with an id checked: the router's patterns were not read", checked)
	}
	if kind, id := refusedRecord("/families/not-a-number", "not-a-number"); kind != "" || id != 0 {
		t.Errorf("an id that is not a number: %s %d", kind, id)
	}
}
