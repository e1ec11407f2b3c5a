package web

import (
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/referral"
	"github.com/cradle-org/cradle/internal/retention"
	"github.com/cradle-org/cradle/internal/store"
	"github.com/cradle-org/cradle/internal/store/storetest"
)

// A referral whose content was changed outside Cradle (store.RetentionItem
// Unreadable) is marked on the review list and warned about on its review
// page, with the child protection period it is kept for; the others are
// not. The store's side, the list read and the audit entry, is tested in
// store (TestReferralStatusInClear).
func TestUnreadableReferralOnTheRetentionPages(t *testing.T) {
	db := storetest.Open(t, storetest.Backends(t)[0], nil)
	s, err := New(db, slog.New(slog.NewTextHandler(io.Discard, nil)), Config{})
	if err != nil {
		t.Fatal(err)
	}
	decided := time.Date(2020, 3, 1, 0, 0, 0, 0, time.UTC)
	sched := retention.DefaultSchedule()
	item := func(id int64, unreadable bool) store.RetentionItem {
		it := store.RetentionItem{ReferralID: id, Reference: fmt.Sprintf("REF-2020-%06d", id), Outcome: referral.NotAccepted, ClosedOn: decided, Unreadable: unreadable,
			Due: sched.ReferralDue(retention.Referral{DecidedOn: decided, Unreadable: unreadable})}
		it.State = sched.StateOf(it.Due, it.Review, decided.AddDate(40, 0, 0))
		return it
	}
	render := func(name string, data any) string {
		t.Helper()
		w := httptest.NewRecorder()
		s.render(w, httptest.NewRequest("GET", "/retention", nil), 200, name, Page{Title: "Records retention", Nav: "retention", Data: data})
		if w.Code != 200 {
			t.Fatalf("%s: status %d", name, w.Code)
		}
		return w.Body.String()
	}
	items := []store.RetentionItem{item(1, false), item(2, true)}
	list := render("retention", retentionListData{Items: items, Pager: pager{Total: 2, From: 1, To: 2, Pages: 1}})
	if n := strings.Count(list, "Changed outside Cradle"); n != 1 {
		t.Errorf("the list marks %d records changed outside Cradle, want the one", n)
	}
	if i, j := strings.Index(list, items[1].Reference), strings.Index(list, "Changed outside Cradle"); i < 0 || j < i {
		t.Errorf("the mark is not on the altered referral's row")
	}
	review := render("retention-review", retentionReviewData{Item: items[1], Base: "/retention/referrals/"})
	for _, want := range []string{"govuk-warning-text", "changed outside Cradle, so its safeguarding status cannot be read", "child protection period is assumed"} {
		if !strings.Contains(review, want) {
			t.Errorf("the altered referral's review page lacks %q", want)
		}
	}
	if plain := render("retention-review", retentionReviewData{Item: items[0], Base: "/retention/referrals/"}); strings.Contains(plain, "changed outside Cradle") {
		t.Error("a readable referral's review page warns")
	}
}
