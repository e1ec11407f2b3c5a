package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/referral"
	"github.com/cradle-org/cradle/internal/retention"
)

// RetentionRef names a record under the retention review: a closed
// family's, or a referral's that never became a family (not accepted or
// withdrawn).
type RetentionRef struct {
	Referral bool
	ID       int64
}

// FamilyRef names a closed family's record.
func FamilyRef(id int64) RetentionRef { return RetentionRef{ID: id} }

// ReferralRef names a referral not accepted or withdrawn.
func ReferralRef(id int64) RetentionRef { return RetentionRef{Referral: true, ID: id} }

// reviews names the table holding the record's review decision and its key.
func (r RetentionRef) reviews() (table, key string) {
	if r.Referral {
		return "referral_retention_reviews", "referral_id"
	}
	return "retention_reviews", "family_id"
}

// audited is how the audit log names the record: its kind, its id and the
// family it belongs to (none for a referral).
func (r RetentionRef) audited() (kind string, id, familyID int64) {
	if r.Referral {
		return "referral", r.ID, 0
	}
	return "family", r.ID, r.ID
}

// RetentionItem is one record as the retention review sees it (a closed
// family's, or a referral's that never became a family): references,
// dates and decisions, never a name.
type RetentionItem struct {
	FamilyID   int64 // a family's record, or
	ReferralID int64 // a referral's
	Reference  string
	AreaID     int64           // 0: a referral from outside every area
	AreaName   string          // "" likewise
	ClosedOn   time.Time       // when the case closed, or the referral was decided
	ReceivedOn time.Time       // a referral's
	Outcome    referral.Status // a referral's: not accepted or withdrawn
	Due        retention.Due
	Review     retention.Review
	State      retention.State
	DecidedBy  string // who made the current decision
	DecidedAt  time.Time
	Reason     string // the decision's reason: read only by RetentionRecord
	// Unreadable: a referral whose sealed content does not open (changed
	// outside Cradle), so its safeguarding status is not known and the
	// child protection period is assumed (retention.Referral.Unreadable).
	Unreadable bool
	// concernCP: a referral's concern decided as child protection work
	// (cpDecision), for working out its due date.
	concernCP string
}

// Ref names the item's record.
func (it RetentionItem) Ref() RetentionRef {
	if it.ReferralID != 0 {
		return ReferralRef(it.ReferralID)
	}
	return FamilyRef(it.FamilyID)
}

// Kind says what the record is, for a list's "Record" column.
func (it RetentionItem) Kind() string { return recordKind(it.ReferralID != 0, it.Outcome) }

func recordKind(isReferral bool, outcome referral.Status) string {
	if !isReferral {
		return "Family"
	}
	return "Referral: " + strings.ToLower(outcome.Label())
}

// ErasureRecord is the stub left when a record is deleted.
type ErasureRecord struct {
	Referral    bool            // a referral's stub, not a family's
	Outcome     referral.Status // a referral's: not accepted or withdrawn
	Reference   string
	AreaName    string    // "" for a referral from outside every area
	ClosedOn    time.Time // when the case closed, or the referral was decided
	Rule        retention.Rule
	DueOn       time.Time
	RequestedBy string
	RequestedAt time.Time
	ApprovedBy  string
	ErasedAt    time.Time
	Rows        map[string]int64 // rows deleted per table
}

// Kind says what the record was, for the deleted list's "Record" column.
func (e ErasureRecord) Kind() string { return recordKind(e.Referral, e.Outcome) }

// RetentionList lists the records due (or coming up) for review in the
// areas the actor may review, closed families' and referrals' that never
// became one, most pressing first.
func (db *DB) RetentionList(ctx context.Context, actor policy.Actor, s retention.Schedule) ([]RetentionItem, error) {
	if d := policy.Decide(actor, policy.ListRetention, policy.Target{}, db.Now()); !d.Allowed {
		return nil, d.Err()
	}
	var out []RetentionItem
	err := db.View(ctx, func(tx *Tx) error {
		// A manager's own areas are read, not the nation's closed
		// families (1.3 s at 100,000 families); the policy still decides
		// each record. A DSL reviews everywhere (no areas: every area).
		// Either way only the records the list could hold today are
		// worked out (retention.ListBounds): nearly every closed record
		// is years from due, and a DSL's list worked out all 72,000 (1.3–2.6 s).
		var lists [2][]RetentionItem // closed families', referrals'
		var scope retentionScope
		switch {
		case actor.Role == policy.DSL:
			scope = retentionScope{listable: tx.now}
		case len(actor.Areas) > 0:
			scope = retentionScope{areas: actor.Areas, listable: tx.now}
		default:
			scope.none = true
		}
		if !scope.none {
			var err error
			if lists[0], err = tx.retentionItems(s, scope); err != nil {
				return err
			}
			if lists[1], err = tx.referralRetentionItems(s, scope); err != nil {
				return err
			}
		}
		// Sized once: after an upgrade a DSL's list can hold tens of
		// thousands of records, and growing it copied them over and over.
		out = make([]RetentionItem, 0, len(lists[0])+len(lists[1]))
		for _, items := range lists {
			for i := range items {
				if !items[i].State.Listed() || !policy.Can(actor, policy.ReviewRetention, items[i].target(), tx.now) {
					continue
				}
				out = append(out, items[i])
			}
		}
		tx.Audit("retention.list", "retention", 0, 0, fmt.Sprintf("%d records listed", len(out)))
		return nil
	})
	slices.SortStableFunc(out, func(a, b RetentionItem) int {
		if c := stateOrder(a.State) - stateOrder(b.State); c != 0 {
			return c
		}
		return a.Due.On.Compare(b.Due.On)
	})
	return out, err
}

func stateOrder(st retention.State) int {
	return slices.Index([]retention.State{retention.AwaitingApproval, retention.DueForReview, retention.NeedsDecision,
		retention.ComingUp, retention.Kept, retention.NotDue}, st)
}

// CanApproveErasure says whether actor's role and areas let them approve
// deleting the item's record (ApproveErasure also checks who asked).
func CanApproveErasure(actor policy.Actor, it RetentionItem, now time.Time) bool {
	return policy.Can(actor, policy.ApproveErasure, it.target(), now)
}

func (it RetentionItem) target() policy.Target {
	if it.ReferralID != 0 {
		return policy.Target{AreaID: it.AreaID, ReferralID: it.ReferralID, Closed: true}
	}
	return policy.Target{AreaID: it.AreaID, FamilyID: it.FamilyID, Closed: true}
}

// RetentionRecord is one record for review, with the current decision's
// reason.
func (db *DB) RetentionRecord(ctx context.Context, actor policy.Actor, s retention.Schedule, ref RetentionRef) (RetentionItem, error) {
	var it RetentionItem
	err := db.View(ctx, func(tx *Tx) error {
		var err error
		if it, err = tx.retentionItem(actor, policy.ReviewRetention, s, ref); err != nil {
			return err
		}
		table, key := ref.reviews()
		var sealed string
		switch err := tx.queryRow(`SELECT reason_sealed FROM `+table+` WHERE `+key+` = $1`, ref.ID).Scan(&sealed); {
		case err == sql.ErrNoRows:
		case err != nil:
			return fmt.Errorf("reading the retention decision: %w", err)
		default:
			if it.Reason, err = tx.db.open(rowContext(table+".reason", ref.ID), sealed); err != nil {
				return err
			}
		}
		kind, id, fam := ref.audited()
		tx.Audit("retention.view", kind, id, fam, "")
		return nil
	})
	return it, err
}

// MayReviewRetention is MayChangePerson for a record's retention review.
func (db *DB) MayReviewRetention(ctx context.Context, actor policy.Actor, s retention.Schedule, ref RetentionRef) error {
	return db.decideOnly(ctx, func(tx *Tx) error {
		_, err := tx.retentionItem(actor, policy.ReviewRetention, s, ref)
		return err
	})
}

// retentionItem loads one record's review once the policy allows the actor
// to act on it: the record's area and stage (a referral's status) are read
// first, so an open case or referral, or another area's record, is refused,
// not looked into.
func (tx *Tx) retentionItem(actor policy.Actor, act policy.Action, s retention.Schedule, ref RetentionRef) (RetentionItem, error) {
	// A change locks the record's row on PostgreSQL, so two decisions on
	// one record (two managers approving at once) run one after the other
	// and the second sees what the first did. SQLite has one writer anyway.
	lock := ""
	if !tx.readOnly && tx.db.dialect == Postgres {
		lock = " FOR UPDATE"
	}
	var target policy.Target
	var area sql.NullInt64
	var state string
	if ref.Referral {
		var family sql.NullInt64
		switch err := tx.queryRow(`SELECT area_id, status, family_id FROM referrals WHERE id = $1`+lock, ref.ID).Scan(&area, &state, &family); {
		case err == sql.ErrNoRows:
			return RetentionItem{}, problem.New(problem.NotFound, "There is no referral with that reference")
		case err != nil:
			return RetentionItem{}, fmt.Errorf("reading referral: %w", err)
		}
		target = policy.Target{AreaID: area.Int64, ReferralID: ref.ID, Closed: !family.Valid && referralEnded(referral.Status(state))}
	} else {
		switch err := tx.queryRow(`SELECT area_id, stage FROM families WHERE id = $1`+lock, ref.ID).Scan(&area, &state); {
		case err == sql.ErrNoRows:
			return RetentionItem{}, problem.New(problem.NotFound, "There is no family with that reference")
		case err != nil:
			return RetentionItem{}, fmt.Errorf("reading family: %w", err)
		}
		target = policy.Target{AreaID: area.Int64, FamilyID: ref.ID, Closed: state == "closed"}
	}
	if d := policy.Decide(actor, act, target, tx.now); !d.Allowed {
		return RetentionItem{}, d.Err()
	}
	var items []RetentionItem
	var err error
	if ref.Referral {
		items, err = tx.referralRetentionItems(s, retentionScope{referral: ref.ID})
	} else {
		items, err = tx.retentionItems(s, retentionScope{family: ref.ID})
	}
	if err != nil {
		return RetentionItem{}, err
	}
	if len(items) != 1 {
		return RetentionItem{}, fmt.Errorf("reading record %+v's retention facts: found %d", ref, len(items))
	}
	return items[0], nil
}

// referralEnded: a referral not accepted or withdrawn is reviewed under the
// schedule. An open one is still being screened, and an accepted one
// belongs to its family's record and goes with it.
func referralEnded(st referral.Status) bool {
	return st == referral.NotAccepted || st == referral.Withdrawn
}

// retentionScope is which records retentionItems (closed families) and
// referralRetentionItems (referrals not accepted or withdrawn) read.
type retentionScope struct {
	none     bool    // no records at all (a manager with no areas)
	family   int64   // this one family's, if set
	referral int64   // this one referral's, if set
	areas    []int64 // else these areas' (none: every area's, and referrals from outside every area)
	// listable, if set, leaves out the records that cannot be on the
	// review list on that day, whatever the rest of their facts
	// (retention.ListBounds): no decision, every date known, and closed or
	// a child born too recently to be near due.
	listable time.Time
}

// retentionItems works out the review state of the closed families in
// scope. It reads dates, kinds and statuses only.
func (tx *Tx) retentionItems(s retention.Schedule, scope retentionScope) ([]RetentionItem, error) {
	where, args := `f.stage = 'closed'`, []any{}
	switch {
	case scope.family != 0:
		where, args = `f.stage = 'closed' AND f.id = $1`, []any{scope.family}
	case len(scope.areas) > 0:
		in, inArgs := tx.db.inList(scope.areas)
		where, args = `f.stage = 'closed' AND f.area_id IN (`+in+`)`, inArgs
	}
	if !scope.listable.IsZero() {
		closedBy, bornBy := s.ListBounds(scope.listable)
		// A child without a birth date, other than a baby counted from
		// its due date, leaves the date unknown (always listed); the
		// partial index people_undated_children (migration 23) finds the
		// few. Dates compare as stored: both sides are DATE.
		where += fmt.Sprintf(` AND (f.closed_on IS NULL
			OR EXISTS (SELECT 1 FROM retention_reviews r WHERE r.family_id = f.id)
			OR EXISTS (SELECT 1 FROM people u WHERE u.family_id = f.id AND u.kind IN ('baby', 'child') AND u.date_of_birth IS NULL
				AND (u.kind = 'child' OR f.edd IS NULL))
			OR f.closed_on <= $%d AND NOT EXISTS (SELECT 1 FROM people c WHERE c.family_id = f.id AND c.kind IN ('baby', 'child')
				AND COALESCE(c.date_of_birth, f.edd) > $%d))`, len(args)+1, len(args)+2)
		args = append(args, closedBy, bornBy)
	}
	byID := map[int64]*RetentionItem{}
	facts := map[int64]*retention.Family{}
	var order []int64
	rows, err := tx.query(`SELECT f.id, f.reference, f.area_id, a.name, f.closed_on, f.edd, f.safeguarding_status
		FROM families f JOIN areas a ON a.id = f.area_id WHERE `+where+` ORDER BY f.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("reading closed families: %w", err)
	}
	for rows.Next() {
		var it RetentionItem
		var closed, edd sql.NullTime
		var status string
		if err := rows.Scan(&it.FamilyID, &it.Reference, &it.AreaID, &it.AreaName, &closed, &edd, &status); err != nil {
			return nil, dropRows(rows, err)
		}
		it.ClosedOn = timeOf(closed)
		f := &retention.Family{ClosedOn: it.ClosedOn, EDD: timeOf(edd)}
		if why := cpStatus(status); why != "" {
			f.ChildProtection = append(f.ChildProtection, why+" when the case closed")
		}
		byID[it.FamilyID], facts[it.FamilyID] = &it, f
		order = append(order, it.FamilyID)
	}
	if err := doneRows(rows); err != nil {
		return nil, fmt.Errorf("reading closed families: %w", err)
	}
	if len(order) == 0 {
		return nil, nil
	}
	// Each query below reads the families found, into their facts.
	in, inArgs := tx.db.inList(order)
	where, args = `f.id IN (`+in+`)`, inArgs
	read := func(what, q string, scan func(rows *sql.Rows) error) error {
		rows, err := tx.query(q+` AND `+where, args...)
		if err != nil {
			return fmt.Errorf("reading %s: %w", what, err)
		}
		for rows.Next() {
			if err := scan(rows); err != nil {
				return dropRows(rows, fmt.Errorf("reading %s: %w", what, err))
			}
		}
		if err := doneRows(rows); err != nil {
			return fmt.Errorf("reading %s: %w", what, err)
		}
		return nil
	}
	var id int64
	var kind string
	if err := read("children", `SELECT p.family_id, p.kind, p.date_of_birth FROM people p JOIN families f ON f.id = p.family_id
		WHERE p.kind IN ('baby', 'child')`, func(rows *sql.Rows) error {
		var born sql.NullTime
		if err := rows.Scan(&id, &kind, &born); err != nil {
			return err
		}
		if f := facts[id]; f != nil {
			f.Children = append(f.Children, retention.Child{Baby: kind == "baby", Born: timeOf(born)})
		}
		return nil
	}); err != nil {
		return nil, err
	}
	if err := read("safeguarding history", `SELECT DISTINCT h.family_id, h.status FROM safeguarding_status_history h JOIN families f ON f.id = h.family_id
		WHERE h.status IN ('child_protection_plan', 'looked_after')`, func(rows *sql.Rows) error {
		if err := rows.Scan(&id, &kind); err != nil {
			return err
		}
		if f := facts[id]; f != nil {
			f.ChildProtection = appendOnce(f.ChildProtection, cpStatus(kind))
		}
		return nil
	}); err != nil {
		return nil, err
	}
	if err := read("safeguarding decisions", `SELECT DISTINCT c.family_id, c.decision FROM safeguarding_concerns c JOIN families f ON f.id = c.family_id
		WHERE c.decision IN ('csc_referral', 'lado')`, func(rows *sql.Rows) error {
		if err := rows.Scan(&id, &kind); err != nil {
			return err
		}
		if f := facts[id]; f != nil {
			f.ChildProtection = appendOnce(f.ChildProtection, cpDecision(kind))
		}
		return nil
	}); err != nil {
		return nil, err
	}
	if err := read("retention decisions", `SELECT r.family_id, r.decision, r.review_on, r.decided_by, s.name, r.decided_at
		FROM retention_reviews r JOIN staff s ON s.id = r.decided_by JOIN families f ON f.id = r.family_id WHERE 1 = 1`, func(rows *sql.Rows) error {
		var rv retention.Review
		var on sql.NullTime
		var by int64
		var name string
		var at time.Time
		if err := rows.Scan(&id, &kind, &on, &by, &name, &at); err != nil {
			return err
		}
		rv.Decision, rv.ReviewOn = retention.Decision(kind), timeOf(on)
		if rv.Decision == retention.EraseRequested {
			rv.RequestedBy = by
		}
		if it := byID[id]; it != nil {
			it.Review, it.DecidedBy, it.DecidedAt = rv, name, at
		}
		return nil
	}); err != nil {
		return nil, err
	}
	out := make([]RetentionItem, 0, len(order))
	for _, id := range order {
		it := byID[id]
		it.Due = s.FamilyDue(*facts[id])
		it.State = s.StateOf(it.Due, it.Review, tx.now)
		out = append(out, *it)
	}
	return out, nil
}

// cpDecision names a safeguarding concern's decision that counts as child
// protection work (csc_referral or lado, as the queries ask), or "".
func cpDecision(decision string) string {
	switch decision {
	case "csc_referral":
		return "a referral to children's social care"
	case "lado":
		return "a referral to the local authority designated officer"
	}
	return ""
}

// cpStatus names a safeguarding status that counts as child protection
// work, or "" for one that does not. A pre-birth assessment by children's
// social care counts: keeping longer is the safe mistake.
func cpStatus(status string) string {
	switch status {
	case "child_protection_plan":
		return "a child protection plan"
	case "looked_after":
		return "a child looked after by the local authority"
	case "unborn_assessment":
		return "a pre-birth assessment by children's social care"
	}
	return ""
}

// referralRetentionItems works out the review state of the referrals in
// scope that were not accepted or were withdrawn (so never became a family).
// It needs each one's safeguarding status, to know whether the child
// protection period applies: from the clear column (migration 26), or,
// where that is NULL, from the sealed content, of which nothing else is
// read.
func (tx *Tx) referralRetentionItems(s retention.Schedule, scope retentionScope) ([]RetentionItem, error) {
	// One with a family (none should have) is left out as it is read:
	// asking for family_id IS NULL here led SQLite to the family index
	// and every referral's row instead of referrals_ended (migration 26).
	where, args := `r.status IN ('not_accepted', 'withdrawn')`, []any{}
	switch {
	case scope.referral != 0:
		where, args = where+` AND r.id = $1`, []any{scope.referral}
	case len(scope.areas) > 0:
		in, inArgs := tx.db.inList(scope.areas)
		where, args = where+` AND r.area_id IN (`+in+`)`, inArgs
	}
	if !scope.listable.IsZero() {
		// As retentionItems: only what could be listed today, a day
		// generous (retention.ReferralListBound); a referral with a
		// decision on its review, or no decision date, always.
		where += fmt.Sprintf(` AND (r.decided_at IS NULL OR r.decided_at < $%d
			OR EXISTS (SELECT 1 FROM referral_retention_reviews v WHERE v.referral_id = r.id))`, len(args)+1)
		args = append(args, s.ReferralListBound(scope.listable).AddDate(0, 0, 1))
	}
	var out []RetentionItem
	var unknown []int // out's referrals whose status is not in clear
	// The safeguarding status is read in clear, and the referrals from
	// the index referrals_ended (migration 26); only a referral whose
	// status could not be copied there has its content opened.
	err := tx.each(`SELECT r.id, r.reference, COALESCE(r.area_id, 0), COALESCE(a.name, ''), r.received_at, r.decided_at, r.status,
			r.safeguarding_status, r.family_id,
			COALESCE(v.decision, ''), v.review_on, COALESCE(v.decided_by, 0), COALESCE(st.name, ''), v.decided_at,
			COALESCE((SELECT MIN(c.decision) FROM safeguarding_concerns c WHERE c.referral_id = r.id AND c.family_id IS NULL
				AND c.decision IN ('csc_referral', 'lado')), '')
		FROM referrals r LEFT JOIN areas a ON a.id = r.area_id
			LEFT JOIN referral_retention_reviews v ON v.referral_id = r.id LEFT JOIN staff st ON st.id = v.decided_by
		WHERE `+where+` ORDER BY r.id`, args, func(rows *sql.Rows) error {
		var it RetentionItem
		var decided, reviewOn, decisionAt sql.NullTime
		var status, decision, concernDecision string
		var safeguarding sql.NullString
		var family sql.NullInt64
		var by int64
		if err := rows.Scan(&it.ReferralID, &it.Reference, &it.AreaID, &it.AreaName, &it.ReceivedOn, &decided, &status, &safeguarding, &family,
			&decision, &reviewOn, &by, &it.DecidedBy, &decisionAt, &concernDecision); err != nil {
			return err
		}
		if family.Valid {
			return nil // its family's record holds it
		}
		if !safeguarding.Valid {
			unknown = append(unknown, len(out))
		}
		it.ReceivedOn, it.ClosedOn, it.DecidedAt, it.Outcome = it.ReceivedOn.UTC(), timeOf(decided), timeOf(decisionAt), referral.Status(status)
		it.Review = retention.Review{Decision: retention.Decision(decision), ReviewOn: timeOf(reviewOn)}
		if it.Review.Decision == retention.EraseRequested {
			it.Review.RequestedBy = by
		}
		it.concernCP = cpDecision(concernDecision)
		it.Due = s.ReferralDue(retention.Referral{DecidedOn: it.ClosedOn, ChildProtection: cmp.Or(cpReferralStatus(safeguarding.String), it.concernCP)})
		it.State = s.StateOf(it.Due, it.Review, tx.now)
		out = append(out, it)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading referrals for review: %w", err)
	}
	for _, i := range unknown {
		it := &out[i]
		var sealed string
		if err := tx.queryRow(`SELECT content_sealed FROM referrals WHERE id = $1`, it.ReferralID).Scan(&sealed); err != nil {
			return nil, fmt.Errorf("reading referral %d: %w", it.ReferralID, err)
		}
		st, err := tx.db.referralStatus(it.ReferralID, sealed)
		unreadable := errors.Is(err, ErrAltered)
		if err != nil && !unreadable {
			return nil, fmt.Errorf("reading referral %d: %w", it.ReferralID, err)
		}
		if unreadable {
			// Changed outside Cradle: the rest of the list is still
			// shown, this one kept for the longest period, and the
			// audit log says so each time it is read.
			it.Unreadable = true
			tx.Audit("seal.altered", "referral", it.ReferralID, 0, rowContext("referrals.content", it.ReferralID)+": its safeguarding status cannot be read for the retention review")
		}
		it.Due = s.ReferralDue(retention.Referral{DecidedOn: it.ClosedOn, ChildProtection: cmp.Or(cpReferralStatus(st), it.concernCP), Unreadable: unreadable})
		it.State = s.StateOf(it.Due, it.Review, tx.now)
	}
	return out, nil
}

// cpReferralStatus names a referral's safeguarding status that counts as
// child protection work, as cpStatus does a family's: an unborn baby
// assessment counts too.
func cpReferralStatus(status string) string {
	switch status {
	case "child_protection_plan":
		return "a child protection plan when referred"
	case "unborn_baby_assessment":
		return "an unborn baby assessment when referred"
	}
	return ""
}

func appendOnce(list []string, s string) []string {
	if s == "" || slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

// retentionFields turns the rules' field errors into the page's.
func retentionFields(errs []retention.FieldError) error {
	var fs problem.Fields
	for _, e := range errs {
		fs.Add(e.Field, e.Message)
	}
	return fs.Err()
}

// KeepRecord keeps a record until a new review date, with the reason. It
// replaces any request to delete: a manager who will not approve a deletion
// records why the record is kept instead.
func (db *DB) KeepRecord(ctx context.Context, actor policy.Actor, s retention.Schedule, ref RetentionRef, reviewOn time.Time, reason string) error {
	return db.Update(ctx, func(tx *Tx) error {
		it, err := tx.retentionItem(actor, policy.ReviewRetention, s, ref)
		if err != nil {
			return err
		}
		reason, errs := s.CheckKeep(it.State, reviewOn, tx.now, reason)
		if err := retentionFields(errs); err != nil {
			return err
		}
		on := time.Date(reviewOn.Year(), reviewOn.Month(), reviewOn.Day(), 0, 0, 0, 0, time.UTC)
		if err := tx.setRetentionReview(ref, retention.Keep, on, reason, actor.StaffID); err != nil {
			return err
		}
		kind, id, fam := ref.audited()
		tx.Audit("retention.keep", kind, id, fam, "next review "+on.Format(time.DateOnly))
		return nil
	})
}

// RequestErasure asks for a record due for review to be deleted; someone
// other than the requester who may approve it (ApproveErasure) must.
func (db *DB) RequestErasure(ctx context.Context, actor policy.Actor, s retention.Schedule, ref RetentionRef, reason string) error {
	return db.Update(ctx, func(tx *Tx) error {
		it, err := tx.retentionItem(actor, policy.ReviewRetention, s, ref)
		if err != nil {
			return err
		}
		if it.State == retention.AwaitingApproval {
			// Asked for already: the form sent twice, or someone else a
			// moment ago. Not the form's mistake, so a conflict.
			return problem.New(problem.Conflict, "%s", retention.AlreadyRequested)
		}
		reason, errs := retention.CheckRequest(it.State, reason)
		if err := retentionFields(errs); err != nil {
			return err
		}
		if err := tx.setRetentionReview(ref, retention.EraseRequested, nil, reason, actor.StaffID); err != nil {
			return err
		}
		kind, id, fam := ref.audited()
		tx.Audit("retention.erase_requested", kind, id, fam, "")
		return nil
	})
}

func (tx *Tx) setRetentionReview(ref RetentionRef, d retention.Decision, reviewOn any, reason string, by int64) error {
	table, key := ref.reviews()
	sealed, err := tx.db.seal(rowContext(table+".reason", ref.ID), reason)
	if err != nil {
		return err
	}
	if _, err := tx.exec(`DELETE FROM `+table+` WHERE `+key+` = $1`, ref.ID); err != nil {
		return fmt.Errorf("replacing the retention decision: %w", err)
	}
	if _, err := tx.exec(`INSERT INTO `+table+` (`+key+`, decision, review_on, reason_sealed, decided_by, decided_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, ref.ID, string(d), reviewOn, sealed, by, tx.now); err != nil {
		return fmt.Errorf("saving the retention decision: %w", err)
	}
	return nil
}

// erasureSteps delete a family's record, children before parents, and say
// which table each step empties. $1 is the family's id. Other agencies'
// professionals (a shared directory) and the audit log stay; the audit
// log's entries name record ids, not people.
var erasureSteps = []struct{ table, sql string }{
	{"alerts", `DELETE FROM alerts WHERE concern_id IN (SELECT id FROM safeguarding_concerns WHERE family_id = $1 OR person_id IN (SELECT id FROM people WHERE family_id = $1))`},
	{"outbox", `DELETE FROM outbox WHERE concern_id IN (SELECT id FROM safeguarding_concerns WHERE family_id = $1 OR person_id IN (SELECT id FROM people WHERE family_id = $1))`},
	// Tasks before concern_actions: a concern's action's task names it.
	{"tasks", `DELETE FROM tasks WHERE family_id = $1 OR person_id IN (SELECT id FROM people WHERE family_id = $1)`},
	{"concern_actions", `DELETE FROM concern_actions WHERE concern_id IN (SELECT id FROM safeguarding_concerns WHERE family_id = $1 OR person_id IN (SELECT id FROM people WHERE family_id = $1))`},
	{"safeguarding_concerns", `DELETE FROM safeguarding_concerns WHERE family_id = $1 OR person_id IN (SELECT id FROM people WHERE family_id = $1)`},
	{"safety_plan_reviews", `DELETE FROM safety_plan_reviews WHERE plan_id IN (SELECT id FROM safety_plans WHERE family_id = $1)`},
	{"safety_plans", `DELETE FROM safety_plans WHERE family_id = $1`},
	{"documents", `DELETE FROM documents WHERE family_id = $1`},
	{"closure_summaries", `DELETE FROM closure_summaries WHERE closure_id IN (SELECT id FROM closures WHERE family_id = $1)`},
	{"closures", `DELETE FROM closures WHERE family_id = $1`},
	{"safeguarding_status_history", `DELETE FROM safeguarding_status_history WHERE family_id = $1`},
	{"meetings", `DELETE FROM meetings WHERE family_id = $1`},
	{"family_professionals", `DELETE FROM family_professionals WHERE family_id = $1`},
	{"information_sharing", `DELETE FROM information_sharing WHERE family_id = $1`},
	{"consents", `DELETE FROM consents WHERE person_id IN (SELECT id FROM people WHERE family_id = $1)`},
	{"overrides", `DELETE FROM overrides WHERE person_id IN (SELECT id FROM people WHERE family_id = $1)`},
	{"person_match_keys", `DELETE FROM person_match_keys WHERE person_id IN (SELECT id FROM people WHERE family_id = $1)`},
	{"allocations", `DELETE FROM allocations WHERE family_id = $1`},
	// Appointments before the sessions recorded for them (session_id).
	{"appointments", `DELETE FROM appointments WHERE family_id = $1`},
	{"case_sessions", `DELETE FROM case_sessions WHERE family_id = $1`},
	{"case_session_history", `DELETE FROM case_session_history WHERE family_id = $1`},
	{"joint_session_safety", `DELETE FROM joint_session_safety WHERE family_id = $1`},
	{"risk_assessments", `DELETE FROM risk_assessments WHERE family_id = $1`},
	{"incidents", `DELETE FROM incidents WHERE family_id = $1`},
	{"circumstance_changes", `DELETE FROM circumstance_changes WHERE family_id = $1 OR person_id IN (SELECT id FROM people WHERE family_id = $1)`},
	{"marac_referrals", `DELETE FROM marac_referrals WHERE family_id = $1`},
	{"measure_results", `DELETE FROM measure_results WHERE family_id = $1`},
	{"pauses", `DELETE FROM pauses WHERE family_id = $1`},
	{"departures", `DELETE FROM departures WHERE family_id = $1`},
	{"vig_cycles", `DELETE FROM vig_cycles WHERE family_id = $1`},
	{"child_risks", `DELETE FROM child_risks WHERE family_id = $1`},
	{"outbox", `DELETE FROM outbox WHERE referral_id IN (SELECT id FROM referrals WHERE family_id = $1)`},
	{"referrals", `DELETE FROM referrals WHERE family_id = $1`},
	{"retention_reviews", `DELETE FROM retention_reviews WHERE family_id = $1`},
	// A later family's parent linked as "the same person" as one of these
	// keeps their own record; only the link to the deleted one goes.
	{"", `UPDATE people SET linked_person_id = NULL WHERE linked_person_id IN (SELECT id FROM people WHERE family_id = $1)`},
	// Derived (migrations 14 and 63): emptied by the session deletions'
	// triggers, the rows themselves go here; not counted as records.
	{"", `DELETE FROM family_session_facts WHERE family_id = $1`},
	{"", `DELETE FROM person_module_sessions WHERE family_id = $1`},
	{"", `DELETE FROM completed_content WHERE family_id = $1`},
	{"people", `DELETE FROM people WHERE family_id = $1`},
	{"families", `DELETE FROM families WHERE id = $1`},
}

// referralErasureSteps delete a referral that never became a family, as
// erasureSteps do a family. $1 is the referral's id. Its dashboard facts
// (referral_facts) go with it by trigger, the emails about it (migration
// 32) and the safeguarding concerns raised from it (migration 41, with
// their alerts, emails, actions and tasks) go here, and the audit log's
// entries name its id only.
var referralErasureSteps = []struct{ table, sql string }{
	{"referral_retention_reviews", `DELETE FROM referral_retention_reviews WHERE referral_id = $1`},
	{"alerts", `DELETE FROM alerts WHERE concern_id IN (SELECT id FROM safeguarding_concerns WHERE referral_id = $1 AND family_id IS NULL)`},
	{"outbox", `DELETE FROM outbox WHERE concern_id IN (SELECT id FROM safeguarding_concerns WHERE referral_id = $1 AND family_id IS NULL)`},
	{"tasks", `DELETE FROM tasks WHERE family_id IS NULL AND concern_action_id IN (SELECT a.id FROM concern_actions a
		JOIN safeguarding_concerns c ON c.id = a.concern_id WHERE c.referral_id = $1 AND c.family_id IS NULL)`},
	{"concern_actions", `DELETE FROM concern_actions WHERE concern_id IN (SELECT id FROM safeguarding_concerns WHERE referral_id = $1 AND family_id IS NULL)`},
	{"safeguarding_concerns", `DELETE FROM safeguarding_concerns WHERE referral_id = $1 AND family_id IS NULL`},
	{"outbox", `DELETE FROM outbox WHERE referral_id = $1`},
	{"referrals", `DELETE FROM referrals WHERE id = $1 AND family_id IS NULL`},
}

// erase runs the steps with the record's id, counting the rows each
// deletes into rec, and gives the counts as JSON for the stub.
func (tx *Tx) erase(steps []struct{ table, sql string }, id int64, rec *ErasureRecord) (string, error) {
	for _, step := range steps {
		res, err := tx.exec(step.sql, id)
		if err != nil {
			return "", fmt.Errorf("deleting %s: %w", strings.TrimSpace(step.table+" rows"), err)
		}
		if n, err := res.RowsAffected(); err == nil && n > 0 && step.table != "" {
			rec.Rows[step.table] += n // the outbox has two steps: a family's concerns' emails and its referrals'
		}
	}
	counts, err := json.Marshal(rec.Rows) // map keys are written sorted
	if err != nil {
		return "", fmt.Errorf("counting deleted rows: %w", err)
	}
	return string(counts), nil
}

// ApproveErasure deletes a record for good, once someone other than the
// requester approves (a team manager of its area; for a referral from
// outside every area, a DSL), and leaves a stub saying what was deleted,
// when, why and on whose approval.
func (db *DB) ApproveErasure(ctx context.Context, actor policy.Actor, s retention.Schedule, ref RetentionRef, typedReference string) (ErasureRecord, error) {
	var rec ErasureRecord
	err := db.Update(ctx, func(tx *Tx) error {
		it, err := tx.retentionItem(actor, policy.ApproveErasure, s, ref)
		if err != nil {
			return err
		}
		if err := retentionFields(retention.CheckApproval(it.State, it.Review, actor.StaffID, it.Reference, typedReference)); err != nil {
			return err
		}
		rec = ErasureRecord{Referral: ref.Referral, Outcome: it.Outcome, Reference: it.Reference, AreaName: it.AreaName, ClosedOn: it.ClosedOn,
			Rule: it.Due.Rule, DueOn: it.Due.On, RequestedBy: it.DecidedBy, RequestedAt: it.DecidedAt, ErasedAt: tx.now, Rows: map[string]int64{}}
		if err := tx.queryRow(`SELECT name FROM staff WHERE id = $1`, actor.StaffID).Scan(&rec.ApprovedBy); err != nil {
			return fmt.Errorf("reading the approver: %w", err)
		}
		if ref.Referral {
			return tx.eraseReferral(it, &rec, actor.StaffID)
		}
		return tx.eraseFamily(it, &rec, actor.StaffID)
	})
	if err != nil {
		return rec, err
	}
	db.afterErasure(ctx)
	return rec, nil
}

// eraseReferral deletes a referral that never became a family and leaves
// its stub in referral_erasures.
func (tx *Tx) eraseReferral(it RetentionItem, rec *ErasureRecord, approver int64) error {
	counts, err := tx.erase(referralErasureSteps, it.ReferralID, rec)
	if err != nil {
		return err
	}
	if rec.Rows["referrals"] != 1 {
		return fmt.Errorf("deleting referral %d: %d rows deleted", it.ReferralID, rec.Rows["referrals"])
	}
	id, err := tx.insertID(`INSERT INTO referral_erasures (referral_reference, referral_id, area_id, received_on, decided_on, outcome, rule, due_on,
			requested_by, requested_at, approved_by, erased_at, rows_erased)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`, it.Reference, it.ReferralID, nullID(it.AreaID), it.ReceivedOn.UTC(),
		it.ClosedOn.UTC(), string(it.Outcome), string(it.Due.Rule), it.Due.On.UTC(), it.Review.RequestedBy, it.DecidedAt, approver, tx.now, counts)
	if err != nil {
		return fmt.Errorf("recording the deletion: %w", err)
	}
	tx.Audit("referral.erased", "referral_erasure", id, 0, it.Reference+" "+counts)
	return nil
}

// eraseFamily deletes a closed family's record and leaves its stub in
// retention_erasures.
func (tx *Tx) eraseFamily(it RetentionItem, rec *ErasureRecord, approver int64) error {
	familyID := it.FamilyID
	var lastPerson int64
	if err := tx.queryRow(`SELECT COALESCE(MAX(id), 0) FROM people WHERE family_id = $1`, familyID).Scan(&lastPerson); err != nil {
		return fmt.Errorf("reading the family's people: %w", err)
	}
	counts, err := tx.erase(erasureSteps, familyID, rec)
	if err != nil {
		return err
	}
	id, err := tx.insertID(`INSERT INTO retention_erasures (family_reference, family_id, last_person_id, area_id, closed_on, rule, due_on, requested_by, requested_at, approved_by, erased_at, rows_erased)
		VALUES ($1, $11, $12, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, it.Reference, it.AreaID, it.ClosedOn.UTC(), string(it.Due.Rule),
		it.Due.On.UTC(), it.Review.RequestedBy, it.DecidedAt, approver, tx.now, counts, familyID, lastPerson)
	if err != nil {
		return fmt.Errorf("recording the deletion: %w", err)
	}
	tx.Audit("family.erased", "retention_erasure", id, familyID, it.Reference+" "+counts)
	return nil
}

// afterErasure drops this server's kept caseload entries (they hold the
// family's names; another server drops its own at its next caseload, when
// it sees the erasure's change to family 0) and moves SQLite's write-ahead
// log into the database file and empties it, so the deleted rows' old
// pages do not linger there (secure_delete has already overwritten them in
// the file). Readers can hold the log open; then it is emptied at a later
// checkpoint instead.
func (db *DB) afterErasure(ctx context.Context) {
	db.caseloads.forget()
	if db.dialect == SQLite {
		_, _ = db.sql.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`) // #nosec G104 -- best effort, as the comment says
	}
}

// Erasures lists the stubs of deleted records (families' and referrals')
// in the areas the actor may review, newest first.
func (db *DB) Erasures(ctx context.Context, actor policy.Actor) ([]ErasureRecord, error) {
	if d := policy.Decide(actor, policy.ListRetention, policy.Target{}, db.Now()); !d.Allowed {
		return nil, d.Err()
	}
	var out []ErasureRecord
	err := db.View(ctx, func(tx *Tx) error {
		// Two reads rather than a UNION: SQLite's driver gives a UNION's
		// dates as text, which would not scan as times.
		for _, q := range []string{
			`SELECT e.id, FALSE, '', e.family_reference, e.area_id, a.name, e.closed_on, e.rule, e.due_on, r.name, e.requested_at, p.name, e.erased_at, e.rows_erased
			FROM retention_erasures e JOIN areas a ON a.id = e.area_id JOIN staff r ON r.id = e.requested_by JOIN staff p ON p.id = e.approved_by
			ORDER BY e.erased_at DESC, e.id DESC`,
			`SELECT e.id, TRUE, e.outcome, e.referral_reference, COALESCE(e.area_id, 0), COALESCE(a.name, ''), e.decided_on, e.rule, e.due_on, r.name, e.requested_at, p.name, e.erased_at, e.rows_erased
			FROM referral_erasures e LEFT JOIN areas a ON a.id = e.area_id JOIN staff r ON r.id = e.requested_by JOIN staff p ON p.id = e.approved_by
			ORDER BY e.erased_at DESC, e.id DESC`,
		} {
			if err := tx.each(q, nil, func(rows *sql.Rows) error {
				var e ErasureRecord
				var id, area int64
				var outcome, rule, counts string
				if err := rows.Scan(&id, &e.Referral, &outcome, &e.Reference, &area, &e.AreaName, &e.ClosedOn, &rule, &e.DueOn, &e.RequestedBy, &e.RequestedAt,
					&e.ApprovedBy, &e.ErasedAt, &counts); err != nil {
					return err
				}
				// The stub stands for the deleted record: its area decides
				// who sees it, as the record's did.
				t := policy.Target{AreaID: area, FamilyID: id, Closed: true}
				if e.Referral {
					t = policy.Target{AreaID: area, ReferralID: id, Closed: true}
				}
				if !policy.Can(actor, policy.ReviewRetention, t, tx.now) {
					return nil
				}
				e.Outcome, e.Rule = referral.Status(outcome), retention.Rule(rule)
				if err := json.Unmarshal([]byte(counts), &e.Rows); err != nil {
					return fmt.Errorf("reading deleted records' counts: %w", err)
				}
				out = append(out, e)
				return nil
			}); err != nil {
				return fmt.Errorf("reading deleted records: %w", err)
			}
		}
		slices.SortStableFunc(out, func(a, b ErasureRecord) int { return b.ErasedAt.Compare(a.ErasedAt) })
		tx.Audit("retention.erasures.list", "retention", 0, 0, fmt.Sprintf("%d records listed", len(out)))
		return nil
	})
	return out, err
}
