package web_test

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/audit"
	"github.com/cradle-org/cradle/internal/referral"
	"github.com/cradle-org/cradle/internal/store"
)

// TestRetentionReview takes the demo's closed family through the review in
// the browser's terms: listed once due, every bad input answered on the
// page with what was typed kept, asked for by the DSL, approved by the
// team manager after a wrong reference, and then gone, with its stub.
func TestRetentionReview(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		_, familyID := findPerson(t, e, "Mark Hill")
		page := "/retention/families/" + itoa(familyID)
		// Nothing is due yet: each reader is told so for where they review.
		for _, c := range []struct {
			who   string
			where string
		}{{dsl, "No closed records or referrals are due for review, coming up in the next 90 days or waiting for a decision."},
			{manager, "No closed records or referrals in your areas are due for review, coming up in the next 90 days or waiting for a decision."}} {
			cl := e.client()
			e.signIn(cl, c.who)
			if r := e.get(cl, "/retention"); r.status != 200 || !strings.Contains(r.body, c.where) {
				t.Fatalf("%s's empty list: %d\n%s", c.who, r.status, r.body)
			}
		}
		// Forty years on, every period in the shipped schedule has passed.
		e.clock.Advance(40 * 366 * 24 * time.Hour)
		prac := e.client()
		e.signIn(prac, practitioner)
		if r := e.get(prac, "/retention"); r.status != 403 {
			t.Fatalf("a practitioner opened the retention list: %d", r.status)
		}
		d := e.client()
		e.signIn(d, dsl)
		list := e.get(d, "/retention")
		if list.status != 200 || !strings.Contains(list.body, `href="`+page+`"`) || !strings.Contains(list.body, "Due for review") {
			t.Fatalf("list: %d\n%s", list.status, list.body)
		}
		ref := between(list.body, `href="`+page+`">`, "<")
		if !strings.HasPrefix(ref, "FAM-") {
			t.Fatalf("no reference in the list: %q", ref)
		}
		review := e.get(d, page)
		token := csrfFrom(t, review.body)
		if strings.Contains(review.body, "Delete this record") {
			t.Fatal("a DSL was offered the approval form")
		}

		// Bad input: each problem on the page, beside its box, typed text kept.
		r := e.post(d, page+"/request", url.Values{"csrf_token": {token}, "request_reason": {" "}})
		if r.status != 422 || !strings.Contains(r.body, `href="#request_reason"`) || !strings.Contains(r.body, "Enter the reason for your decision") {
			t.Fatalf("empty request reason: %d\n%s", r.status, r.body)
		}
		kept := "Care proceedings <still> open for the older child"
		r = e.post(d, page+"/keep", url.Values{"csrf_token": {token}, "review_on-day": {"31"}, "review_on-month": {"2"}, "review_on-year": {"2070"}, "keep_reason": {kept}})
		if r.status != 422 || !strings.Contains(r.body, `href="#review_on"`) || !strings.Contains(r.body, "Care proceedings &lt;still&gt; open for the older child") ||
			!strings.Contains(r.body, `name="review_on-day" type="text" inputmode="numeric" value="31"`) {
			t.Fatalf("impossible review date: %d\n%s", r.status, r.body)
		}
		r = e.post(d, page+"/keep", url.Values{"csrf_token": {token}, "review_on-day": {"1"}, "review_on-month": {"1"}, "review_on-year": {"2020"}, "keep_reason": {"no"}})
		if r.status != 422 || !strings.Contains(r.body, "The next review must be after today") || !strings.Contains(r.body, `href="#keep_reason"`) {
			t.Fatalf("past date and short reason: %d\n%s", r.status, r.body)
		}
		if r := e.post(d, page+"/approve", url.Values{"csrf_token": {token}, "confirm": {ref}}); r.status != 403 {
			t.Fatalf("a DSL approved: %d", r.status)
		}

		reason := "Checked: no proceedings, complaints or requests outstanding"
		if r := e.post(d, page+"/request", url.Values{"csrf_token": {token}, "request_reason": {reason}}); r.status != 303 || r.location != page {
			t.Fatalf("request: %d %s\n%s", r.status, r.location, r.body)
		}
		if r := e.get(d, page); !strings.Contains(r.body, "Waiting for approval") || !strings.Contains(r.body, reason) {
			t.Fatalf("after the request:\n%s", r.body)
		}
		// Sent again (or someone else asked a moment before): a conflict,
		// linked to the record's status, and the reason typed kept to
		// copy, as the request form is gone.
		if r := e.post(d, page+"/request", url.Values{"csrf_token": {token}, "request_reason": {"CANARY-TYPED second reason for deleting"}}); r.status != 409 ||
			!strings.Contains(r.body, `href="#decision"`) || !strings.Contains(between(r.body, `id="unsaved"`, "</div>"), "CANARY-TYPED second reason") {
			t.Errorf("asked for twice: %d\n%s", r.status, r.body)
		}
		// A problem with the form still shown keeps the text in the form,
		// not in the box to copy.
		if r := e.post(d, page+"/keep", url.Values{"csrf_token": {token}, "keep_reason": {"CANARY-TYPED keep"}}); r.status != 422 || strings.Contains(r.body, `id="unsaved"`) {
			t.Errorf("keeping with no date: %d, or the text shown to copy", r.status)
		}

		m := e.client()
		e.signIn(m, manager)
		review = e.get(m, page)
		if !strings.Contains(review.body, "Delete this record") {
			t.Fatalf("the manager was not offered the approval:\n%s", review.body)
		}
		token = csrfFrom(t, review.body)
		r = e.post(m, page+"/approve", url.Values{"csrf_token": {token}, "confirm": {"FAM-1999-000009"}})
		if r.status != 422 || !strings.Contains(r.body, "does not match") || !strings.Contains(r.body, `value="FAM-1999-000009"`) {
			t.Fatalf("wrong reference: %d\n%s", r.status, r.body)
		}
		if r := e.get(m, "/families/"+itoa(familyID)); r.status != 200 {
			t.Fatalf("the family was touched by a refused approval: %d", r.status)
		}
		r = e.post(m, page+"/approve", url.Values{"csrf_token": {token}, "confirm": {ref}})
		if r.status != 303 || r.location != "/retention/erased?deleted="+url.QueryEscape(ref) {
			t.Fatalf("approve: %d %s\n%s", r.status, r.location, r.body)
		}
		done := e.get(m, r.location)
		if !strings.Contains(done.body, "The record "+ref+" has been deleted") || !strings.Contains(done.body, "Ruth Adams") || !strings.Contains(done.body, "Helen Whitaker") {
			t.Fatalf("deleted records page:\n%s", done.body)
		}
		if r := e.get(m, "/retention/erased?deleted=FAM-2000-000001"); strings.Contains(r.body, "has been deleted") {
			t.Fatal("a reference not in the list was announced as deleted")
		}
		for _, path := range []string{"/families/" + itoa(familyID), page} {
			if r := e.get(m, path); r.status != 404 {
				t.Fatalf("%s after deletion: %d", path, r.status)
			}
		}
		if r := e.get(m, "/search?q=Mark+Hill"); strings.Contains(r.body, ref) {
			t.Fatal("search still finds the deleted family")
		}
	})
}

// TestReferralRetentionReview takes a demo referral that was not accepted
// or withdrawn through the review: listed beside the families once due,
// its review page showing dates and the rule but nothing anyone typed, each
// bad input answered on the page with the typed input kept, asked for by
// the DSL and approved by the area's manager, then gone with its stub.
func TestReferralRetentionReview(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		// Four years on, the demo's referrals of the past year are due.
		e.clock.Advance(4 * 366 * 24 * time.Hour)
		m := e.client()
		e.signIn(m, manager)
		list := e.get(m, "/retention")
		page := "/retention/referrals/" + between(list.body, `href="/retention/referrals/`, `"`)
		if list.status != 200 || page == "/retention/referrals/" || !strings.Contains(list.body, "<th scope=\"col\" class=\"govuk-table__header\">Record</th>") {
			t.Fatalf("list: %d\n%s", list.status, list.body)
		}
		ref := between(list.body, `href="`+page+`">`, "<")
		if !strings.HasPrefix(ref, "REF-") {
			t.Fatalf("no referral reference in the list: %q", ref)
		}
		d := e.client()
		e.signIn(d, dsl)
		review := e.get(d, page)
		for _, want := range []string{"Review record " + ref, "Referral: ", "Received", "Decided", "Years after the decision", "Due for review", "See the referral"} {
			if review.status != 200 || !strings.Contains(review.body, want) {
				t.Fatalf("review page: %d, no %q\n%s", review.status, want, review.body)
			}
		}
		token := csrfFrom(t, review.body)
		r := e.post(d, page+"/request", url.Values{"csrf_token": {token}, "request_reason": {"too short"}})
		if r.status != 422 || !strings.Contains(r.body, `href="#request_reason"`) || !strings.Contains(r.body, ">too short</textarea>") {
			t.Fatalf("short request reason: %d\n%s", r.status, r.body)
		}
		kept := "A complaint <about> the referral is open"
		r = e.post(d, page+"/keep", url.Values{"csrf_token": {token}, "review_on-day": {"1"}, "review_on-month": {"1"}, "review_on-year": {"2020"}, "keep_reason": {kept}})
		if r.status != 422 || !strings.Contains(r.body, "The next review must be after today") || !strings.Contains(r.body, "A complaint &lt;about&gt; the referral is open") ||
			!strings.Contains(r.body, `name="review_on-year" type="text" inputmode="numeric" value="2020"`) {
			t.Fatalf("past review date: %d\n%s", r.status, r.body)
		}
		reason := "Checked: no complaint or request about this referral"
		if r := e.post(d, page+"/request", url.Values{"csrf_token": {token}, "request_reason": {reason}}); r.status != 303 || r.location != page {
			t.Fatalf("request: %d %s\n%s", r.status, r.location, r.body)
		}
		if r := e.post(d, page+"/approve", url.Values{"csrf_token": {token}, "confirm": {ref}}); r.status != 403 {
			t.Fatalf("a DSL approved an area's referral: %d", r.status)
		}
		review = e.get(m, page)
		if !strings.Contains(review.body, "Delete this record") || !strings.Contains(review.body, "Referral reference") {
			t.Fatalf("the manager was not offered the approval:\n%s", review.body)
		}
		token = csrfFrom(t, review.body)
		r = e.post(m, page+"/approve", url.Values{"csrf_token": {token}, "confirm": {"REF-1999-000009"}})
		if r.status != 422 || !strings.Contains(r.body, "does not match") || !strings.Contains(r.body, `value="REF-1999-000009"`) {
			t.Fatalf("wrong reference: %d\n%s", r.status, r.body)
		}
		r = e.post(m, page+"/approve", url.Values{"csrf_token": {token}, "confirm": {ref}})
		if r.status != 303 || r.location != "/retention/erased?deleted="+url.QueryEscape(ref) {
			t.Fatalf("approve: %d %s\n%s", r.status, r.location, r.body)
		}
		done := e.get(m, r.location)
		if !strings.Contains(done.body, "The record "+ref+" has been deleted") || !strings.Contains(done.body, "Referral: ") {
			t.Fatalf("deleted records page:\n%s", done.body)
		}
		if r := e.get(m, page); r.status != 404 {
			t.Fatalf("%s after deletion: %d", page, r.status)
		}
	})
}

// TestRetentionListPages: the review list shows 50 records a page, with
// the count and the GOV.UK pagination, so the first review after an
// upgrade (every referral ever declined, past its period, at once) is not
// one page of thousands of rows.
func TestRetentionListPages(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := audit.WithSource(context.Background(), audit.Source{Actor: "test"})
		m, err := e.db.StaffByEmail(ctx, manager)
		if err != nil {
			t.Fatal(err)
		}
		for i := range 60 {
			var id int64
			if err := e.db.Update(ctx, func(tx *store.Tx) error {
				id, _, err = tx.CreateReferral(store.NewReferral{Referral: referral.Referral{Source: referral.Professional, SafeguardingStatus: "none",
					AnythingElse: "Referral " + strconv.Itoa(i)}, AreaName: m.Areas[0].Name})
				return err
			}); err != nil {
				t.Fatal(err)
			}
			if _, err := e.db.DecideReferral(ctx, m.Actor(), id, referral.Decision{Outcome: referral.Decline, Reason: "baby_born",
				Detail: "The baby was born before the referral", SignpostedTo: "Health visiting"}, store.Links{}, nil); err != nil {
				t.Fatal(err)
			}
		}
		e.clock.Advance(4 * 366 * 24 * time.Hour)
		cl := e.client()
		e.signIn(cl, manager)
		first := e.get(cl, "/retention")
		rows := strings.Count(first.body, `href="/retention/`) - strings.Count(first.body, `href="/retention/erased`)
		total := between(first.body, `<caption class="govuk-table__caption govuk-table__caption--m">`, " ")
		n, _ := strconv.Atoi(total)
		if first.status != 200 || rows != 50 || n < 60 || !strings.Contains(first.body, "Showing 1 to 50 of "+total) ||
			!strings.Contains(first.body, `class="govuk-pagination"`) || !strings.Contains(first.body, `href="/retention?page=2" rel="next"`) {
			t.Fatalf("first page: %d, %d rows, total %q\n%s", first.status, rows, total, first.body)
		}
		last := e.get(cl, "/retention?page=99")
		rows = strings.Count(last.body, `href="/retention/`) - strings.Count(last.body, `href="/retention/erased`)
		if last.status != 200 || rows != n-50*((n-1)/50) || !strings.Contains(last.body, "of "+total+"</span>") || strings.Contains(last.body, `rel="next"`) {
			t.Fatalf("last page: %d, %d rows of %d\n%s", last.status, rows, n, last.body)
		}
	})
}

// between is the text after start up to the next end.
func between(s, start, end string) string {
	_, rest, ok := strings.Cut(s, start)
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(rest, end)
	return v
}
