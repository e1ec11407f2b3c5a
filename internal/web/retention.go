package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/retention"
	"github.com/cradle-org/cradle/internal/store"
)

// The records retention review (PROGRAMME.md §9): closed families' records
// and referrals that never became a family, due for review under the
// schedule, a decision on each (keep for longer, or ask for deletion), and
// someone else's approval that deletes the record and leaves a stub. One
// set of handlers serves both kinds of record: the path says which
// (retentionRef).

type retentionListData struct {
	Items    []store.RetentionItem // this page's
	Pager    pager
	Schedule []string
	// Everywhere: the reader reviews every area's records (a DSL), not
	// their own areas'; NoticeDays, how far ahead records are listed.
	Everywhere bool
	NoticeDays int
}

func (s *Server) retentionList(w http.ResponseWriter, r *http.Request, u *requestUser) {
	items, err := s.db.RetentionList(r.Context(), u.staff.Actor(), s.cfg.Retention)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// Paged: the first review after an upgrade lists every referral ever
	// declined that is past its period (21,000 for a DSL at 100,000
	// families), which on one page would be megabytes.
	pg := newPager(r, "/retention", len(items), retentionPageSize)
	s.render(w, r, http.StatusOK, "retention", Page{Title: "Records retention", Nav: "retention",
		Data: retentionListData{Items: items[pg.From-1 : pg.To], Pager: pg, Schedule: s.cfg.Retention.Summary(), Everywhere: u.staff.Role == policy.DSL,
			NoticeDays: s.cfg.Retention.NoticeDays}})
}

// retentionPageSize is how many records a page of the review list and of
// the deleted records shows.
const retentionPageSize = 50

type retentionReviewData struct {
	Item store.RetentionItem
	Base string // the review page's path less its id (retentionBase)
	// CanApprove: the viewer may approve a deletion here (a team manager
	// of the area who did not ask for it).
	CanApprove bool
	// Requester: the viewer asked for the deletion waiting for approval.
	Requester bool
	MaxKeep   int
	Example   string // a next review date a year on, for the hint
}

func (s *Server) retentionReview(w http.ResponseWriter, r *http.Request, u *requestUser) {
	s.showRetentionReview(w, r, u, http.StatusOK, nil)
}

// retentionRef names the record in the path: /retention/families/{id} or
// /retention/referrals/{id}.
func retentionRef(r *http.Request) (store.RetentionRef, error) {
	id, err := pathID(r)
	if strings.HasPrefix(r.URL.Path, "/retention/referrals/") {
		return store.ReferralRef(id), err
	}
	return store.FamilyRef(id), err
}

// retentionBase is where a record's review page lives, less its id.
func retentionBase(ref store.RetentionRef) string {
	if ref.Referral {
		return "/retention/referrals/"
	}
	return "/retention/families/"
}

func (s *Server) showRetentionReview(w http.ResponseWriter, r *http.Request, u *requestUser, status int, errs []problem.Field) {
	ref, err := retentionRef(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	actor := u.staff.Actor()
	it, err := s.db.RetentionRecord(r.Context(), actor, s.cfg.Retention, ref)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	requester := it.State == retention.AwaitingApproval && it.Review.RequestedBy == actor.StaffID
	form := r.PostForm
	if form == nil {
		form = url.Values{}
	}
	s.render(w, r, status, "retention-review", Page{Title: "Review record " + it.Reference, Nav: "retention", Errors: errs, Form: form,
		Data: retentionReviewData{Item: it, Base: retentionBase(ref), Requester: requester, MaxKeep: s.cfg.Retention.MaxKeepYears,
			Example:    s.cfg.Now().AddDate(1, 0, 0).Format("2 1 2006"),
			CanApprove: !requester && it.State == retention.AwaitingApproval && store.CanApproveErasure(actor, it, s.cfg.Now())}})
}

// retentionPost runs one of the review page's forms. The rules name their
// reason "reason"; on the page each form has its own (keep_reason,
// request_reason), so a problem is shown beside the box that was typed in.
func (s *Server) retentionPost(w http.ResponseWriter, r *http.Request, u *requestUser, reasonField string,
	save func(ref store.RetentionRef, f url.Values, fs *problem.Fields) error) {
	ref, err := retentionRef(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	may := func(int64) error { return s.db.MayReviewRetention(r.Context(), u.staff.Actor(), s.cfg.Retention, ref) }
	s.postAndRedirect(w, r, "decision", retentionBase(ref), "", may, func(_ int64, f url.Values, fs *problem.Fields) error { return save(ref, f, fs) }, func(status int, fields []problem.Field) {
		for i := range fields {
			if fields[i].Name == "reason" {
				fields[i].Name = reasonField
			}
		}
		s.showRetentionReview(w, r, u, status, fields)
	})
}

func (s *Server) retentionKeep(w http.ResponseWriter, r *http.Request, u *requestUser) {
	s.retentionPost(w, r, u, "keep_reason", func(ref store.RetentionRef, f url.Values, fs *problem.Fields) error {
		on := formDate(f, "review_on", fs)
		if len(*fs) > 0 {
			// Check the reason too, so every problem is shown at once.
			if _, fe := retention.CheckReason(f.Get("keep_reason")); fe != nil {
				fs.Add("keep_reason", fe.Message)
			}
			return nil
		}
		return s.db.KeepRecord(r.Context(), u.staff.Actor(), s.cfg.Retention, ref, on, f.Get("keep_reason"))
	})
}

func (s *Server) retentionRequest(w http.ResponseWriter, r *http.Request, u *requestUser) {
	// Asked for already (by someone else a moment ago, or the form sent
	// twice), the page has no request form to show the reason back in.
	r = keepUnsaved(r, unsavedText{Field: "request_reason", Label: "What did you check, and why can the record be deleted?", Text: r.PostForm.Get("request_reason")})
	s.retentionPost(w, r, u, "request_reason", func(ref store.RetentionRef, f url.Values, _ *problem.Fields) error {
		return s.db.RequestErasure(r.Context(), u.staff.Actor(), s.cfg.Retention, ref, f.Get("request_reason"))
	})
}

func (s *Server) retentionApprove(w http.ResponseWriter, r *http.Request, u *requestUser) {
	ref, err := retentionRef(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rec, err := s.db.ApproveErasure(r.Context(), u.staff.Actor(), s.cfg.Retention, ref, r.PostForm.Get("confirm"))
	s.answerChange(w, r, err, nil, "decision", func(status int, fields []problem.Field) {
		s.showRetentionReview(w, r, u, status, fields)
	}, "/retention/erased?deleted="+url.QueryEscape(rec.Reference))
}

type retentionErasedData struct {
	Erasures []store.ErasureRecord // this page's
	Pager    pager
	Deleted  string // the reference just deleted, when it is in the list
}

func (s *Server) retentionErased(w http.ResponseWriter, r *http.Request, u *requestUser) {
	stubs, err := s.db.Erasures(r.Context(), u.staff.Actor())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := retentionErasedData{Pager: newPager(r, "/retention/erased", len(stubs), retentionPageSize)}
	d.Erasures = stubs[d.Pager.From-1 : d.Pager.To]
	// Only a reference that is really in the list is confirmed, so a
	// crafted link cannot make the page announce a deletion.
	for _, e := range stubs {
		if e.Reference == r.URL.Query().Get("deleted") {
			d.Deleted = e.Reference
		}
	}
	s.render(w, r, http.StatusOK, "retention-erased", Page{Title: "Deleted records", Nav: "retention", Data: d})
}

// retentionTag is the GOV.UK tag colour for a review state: red for what
// needs doing now, orange for what waits on a manager.
func retentionTag(st retention.State) string {
	switch st {
	case retention.DueForReview:
		return "govuk-tag--red"
	case retention.AwaitingApproval:
		return "govuk-tag--orange"
	case retention.NeedsDecision:
		return "govuk-tag--yellow"
	case retention.ComingUp:
		return "govuk-tag--blue"
	}
	return "govuk-tag--grey"
}
