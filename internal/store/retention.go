package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/retention"
)

// RetentionItem is one closed family's record as the retention review sees
// it: references, dates and decisions, never a name.
type RetentionItem struct {
	FamilyID  int64
	Reference string
	AreaID    int64
	AreaName  string
	ClosedOn  time.Time
	Due       retention.Due
	Review    retention.Review
	State     retention.State
	DecidedBy string // who made the current decision
	DecidedAt time.Time
	Reason    string // the decision's reason: read only by RetentionRecord
}

// ErasureRecord is the stub left when a family's record is deleted.
type ErasureRecord struct {
	Reference   string
	AreaName    string
	ClosedOn    time.Time
	Rule        retention.Rule
	DueOn       time.Time
	RequestedBy string
	RequestedAt time.Time
	ApprovedBy  string
	ErasedAt    time.Time
	Rows        map[string]int64 // rows deleted per table
}

// RetentionList lists the closed records due (or coming up) for review in
// the areas the actor may review, most pressing first.
func (db *DB) RetentionList(ctx context.Context, actor policy.Actor, s retention.Schedule) ([]RetentionItem, error) {
	if d := policy.Decide(actor, policy.ListRetention, policy.Target{}, db.Now()); !d.Allowed {
		return nil, problem.New(problem.Forbidden, "%s", d.Reason)
	}
	var out []RetentionItem
	err := db.View(ctx, func(tx *Tx) error {
		// A manager's own areas are read, not the nation's closed
		// families (1.3 s at 100,000 families); the policy still decides
		// each record. A DSL reviews everywhere (no areas: every area).
		// Either way only the records the list could hold today are
		// worked out (retention.ListBounds): nearly every closed record
		// is years from due, and a DSL's list worked out all 72,000 (1.3–2.6 s).
		var items []RetentionItem
		var err error
		switch {
		case actor.Role == policy.DSL:
			items, err = tx.retentionItems(s, retentionScope{listable: tx.now})
		case len(actor.Areas) > 0:
			items, err = tx.retentionItems(s, retentionScope{areas: actor.Areas, listable: tx.now})
		}
		if err != nil {
			return err
		}
		for _, it := range items {
			if !it.State.Listed() || !policy.Can(actor, policy.ReviewRetention, it.target(), tx.now) {
				continue
			}
			out = append(out, it)
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

func (it RetentionItem) target() policy.Target {
	return policy.Target{AreaID: it.AreaID, FamilyID: it.FamilyID, Closed: true}
}

// RetentionRecord is one closed family's record for review, with the
// current decision's reason.
func (db *DB) RetentionRecord(ctx context.Context, actor policy.Actor, s retention.Schedule, familyID int64) (RetentionItem, error) {
	var it RetentionItem
	err := db.View(ctx, func(tx *Tx) error {
		var err error
		if it, err = tx.retentionItem(actor, policy.ReviewRetention, s, familyID); err != nil {
			return err
		}
		var sealed string
		switch err := tx.queryRow(`SELECT reason_sealed FROM retention_reviews WHERE family_id = $1`, familyID).Scan(&sealed); {
		case err == sql.ErrNoRows:
		case err != nil:
			return fmt.Errorf("reading the retention decision: %w", err)
		default:
			if it.Reason, err = tx.db.open("retention_reviews.reason", sealed); err != nil {
				return err
			}
		}
		tx.Audit("retention.view", "family", familyID, familyID, "")
		return nil
	})
	return it, err
}

// retentionItem loads one family's review once the policy allows the actor
// to act on it: the family's area and stage are read first, so an open case
// or another area's record is refused, not looked into.
func (tx *Tx) retentionItem(actor policy.Actor, act policy.Action, s retention.Schedule, familyID int64) (RetentionItem, error) {
	var area int64
	var stage string
	// A change locks the family's row on PostgreSQL, so two decisions on
	// one record (two managers approving at once) run one after the other
	// and the second sees what the first did. SQLite has one writer anyway.
	lock := ""
	if !tx.readOnly && tx.db.dialect == Postgres {
		lock = " FOR UPDATE"
	}
	switch err := tx.queryRow(`SELECT area_id, stage FROM families WHERE id = $1`+lock, familyID).Scan(&area, &stage); {
	case err == sql.ErrNoRows:
		return RetentionItem{}, problem.New(problem.NotFound, "There is no family with that reference")
	case err != nil:
		return RetentionItem{}, fmt.Errorf("reading family: %w", err)
	}
	if d := policy.Decide(actor, act, policy.Target{AreaID: area, FamilyID: familyID, Closed: stage == "closed"}, tx.now); !d.Allowed {
		return RetentionItem{}, problem.New(problem.Forbidden, "%s", d.Reason)
	}
	items, err := tx.retentionItems(s, retentionScope{family: familyID})
	if err != nil {
		return RetentionItem{}, err
	}
	if len(items) != 1 {
		return RetentionItem{}, fmt.Errorf("reading family %d's retention facts: found %d", familyID, len(items))
	}
	return items[0], nil
}

// retentionScope is which closed families' records retentionItems reads.
type retentionScope struct {
	family int64   // this one family's, if set
	areas  []int64 // else these areas' (none: every area's)
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
			why := "a referral to children's social care"
			if kind == "lado" {
				why = "a referral to the local authority designated officer"
			}
			f.ChildProtection = appendOnce(f.ChildProtection, why)
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

// KeepRecord keeps a closed family's record until a new review date, with
// the reason. It replaces any request to delete: a manager who will not
// approve a deletion records why the record is kept instead.
func (db *DB) KeepRecord(ctx context.Context, actor policy.Actor, s retention.Schedule, familyID int64, reviewOn time.Time, reason string) error {
	return db.Update(ctx, func(tx *Tx) error {
		it, err := tx.retentionItem(actor, policy.ReviewRetention, s, familyID)
		if err != nil {
			return err
		}
		reason, errs := s.CheckKeep(it.State, reviewOn, tx.now, reason)
		if err := retentionFields(errs); err != nil {
			return err
		}
		on := time.Date(reviewOn.Year(), reviewOn.Month(), reviewOn.Day(), 0, 0, 0, 0, time.UTC)
		if err := tx.setRetentionReview(familyID, retention.Keep, on, reason, actor.StaffID); err != nil {
			return err
		}
		tx.Audit("retention.keep", "family", familyID, familyID, "next review "+on.Format(time.DateOnly))
		return nil
	})
}

// RequestErasure asks for a record due for review to be deleted; a team
// manager other than the requester must approve it.
func (db *DB) RequestErasure(ctx context.Context, actor policy.Actor, s retention.Schedule, familyID int64, reason string) error {
	return db.Update(ctx, func(tx *Tx) error {
		it, err := tx.retentionItem(actor, policy.ReviewRetention, s, familyID)
		if err != nil {
			return err
		}
		reason, errs := retention.CheckRequest(it.State, reason)
		if err := retentionFields(errs); err != nil {
			return err
		}
		if err := tx.setRetentionReview(familyID, retention.EraseRequested, nil, reason, actor.StaffID); err != nil {
			return err
		}
		tx.Audit("retention.erase_requested", "family", familyID, familyID, "")
		return nil
	})
}

func (tx *Tx) setRetentionReview(familyID int64, d retention.Decision, reviewOn any, reason string, by int64) error {
	sealed, err := tx.db.seal("retention_reviews.reason", reason)
	if err != nil {
		return err
	}
	if _, err := tx.exec(`DELETE FROM retention_reviews WHERE family_id = $1`, familyID); err != nil {
		return fmt.Errorf("replacing the retention decision: %w", err)
	}
	if _, err := tx.exec(`INSERT INTO retention_reviews (family_id, decision, review_on, reason_sealed, decided_by, decided_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, familyID, string(d), reviewOn, sealed, by, tx.now); err != nil {
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
	{"concern_actions", `DELETE FROM concern_actions WHERE concern_id IN (SELECT id FROM safeguarding_concerns WHERE family_id = $1 OR person_id IN (SELECT id FROM people WHERE family_id = $1))`},
	{"safeguarding_concerns", `DELETE FROM safeguarding_concerns WHERE family_id = $1 OR person_id IN (SELECT id FROM people WHERE family_id = $1)`},
	{"safety_plan_reviews", `DELETE FROM safety_plan_reviews WHERE plan_id IN (SELECT id FROM safety_plans WHERE family_id = $1)`},
	{"safety_plans", `DELETE FROM safety_plans WHERE family_id = $1`},
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
	{"case_sessions", `DELETE FROM case_sessions WHERE family_id = $1`},
	{"joint_session_safety", `DELETE FROM joint_session_safety WHERE family_id = $1`},
	{"tasks", `DELETE FROM tasks WHERE family_id = $1 OR person_id IN (SELECT id FROM people WHERE family_id = $1)`},
	{"risk_assessments", `DELETE FROM risk_assessments WHERE family_id = $1`},
	{"incidents", `DELETE FROM incidents WHERE family_id = $1`},
	{"marac_referrals", `DELETE FROM marac_referrals WHERE family_id = $1`},
	{"measure_results", `DELETE FROM measure_results WHERE family_id = $1`},
	{"pauses", `DELETE FROM pauses WHERE family_id = $1`},
	{"vig_cycles", `DELETE FROM vig_cycles WHERE family_id = $1`},
	{"child_risks", `DELETE FROM child_risks WHERE family_id = $1`},
	{"referrals", `DELETE FROM referrals WHERE family_id = $1`},
	{"retention_reviews", `DELETE FROM retention_reviews WHERE family_id = $1`},
	// A later family's parent linked as "the same person" as one of these
	// keeps their own record; only the link to the deleted one goes.
	{"", `UPDATE people SET linked_person_id = NULL WHERE linked_person_id IN (SELECT id FROM people WHERE family_id = $1)`},
	// Derived (migration 14): emptied by the session deletions' triggers,
	// the row itself goes here; not counted as a record.
	{"", `DELETE FROM family_session_facts WHERE family_id = $1`},
	{"people", `DELETE FROM people WHERE family_id = $1`},
	{"families", `DELETE FROM families WHERE id = $1`},
}

// ApproveErasure deletes a closed family's record for good, once a team
// manager of its area other than the requester approves, and leaves a
// stub saying what was deleted, when, why and on whose approval.
func (db *DB) ApproveErasure(ctx context.Context, actor policy.Actor, s retention.Schedule, familyID int64, typedReference string) (ErasureRecord, error) {
	var rec ErasureRecord
	err := db.Update(ctx, func(tx *Tx) error {
		it, err := tx.retentionItem(actor, policy.ApproveErasure, s, familyID)
		if err != nil {
			return err
		}
		if err := retentionFields(retention.CheckApproval(it.State, it.Review, actor.StaffID, it.Reference, typedReference)); err != nil {
			return err
		}
		rec = ErasureRecord{Reference: it.Reference, AreaName: it.AreaName, ClosedOn: it.ClosedOn, Rule: it.Due.Rule, DueOn: it.Due.On,
			RequestedBy: it.DecidedBy, RequestedAt: it.DecidedAt, ErasedAt: tx.now, Rows: map[string]int64{}}
		var lastPerson int64
		if err := tx.queryRow(`SELECT COALESCE(MAX(id), 0) FROM people WHERE family_id = $1`, familyID).Scan(&lastPerson); err != nil {
			return fmt.Errorf("reading the family's people: %w", err)
		}
		for _, step := range erasureSteps {
			res, err := tx.exec(step.sql, familyID)
			if err != nil {
				return fmt.Errorf("deleting %s: %w", strings.TrimSpace(step.table+" rows"), err)
			}
			if n, err := res.RowsAffected(); err == nil && n > 0 && step.table != "" {
				rec.Rows[step.table] = n
			}
		}
		counts, err := json.Marshal(rec.Rows) // map keys are written sorted
		if err != nil {
			return fmt.Errorf("counting deleted rows: %w", err)
		}
		if err := tx.queryRow(`SELECT name FROM staff WHERE id = $1`, actor.StaffID).Scan(&rec.ApprovedBy); err != nil {
			return fmt.Errorf("reading the approver: %w", err)
		}
		id, err := tx.insertID(`INSERT INTO retention_erasures (family_reference, family_id, last_person_id, area_id, closed_on, rule, due_on, requested_by, requested_at, approved_by, erased_at, rows_erased)
			VALUES ($1, $11, $12, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, it.Reference, it.AreaID, it.ClosedOn.UTC(), string(it.Due.Rule),
			it.Due.On.UTC(), it.Review.RequestedBy, it.DecidedAt, actor.StaffID, tx.now, string(counts), familyID, lastPerson)
		if err != nil {
			return fmt.Errorf("recording the deletion: %w", err)
		}
		tx.Audit("family.erased", "retention_erasure", id, familyID, it.Reference+" "+string(counts))
		return nil
	})
	if err != nil {
		return rec, err
	}
	db.afterErasure(ctx)
	return rec, nil
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

// Erasures lists the stubs of deleted records in the areas the actor may
// review, newest first.
func (db *DB) Erasures(ctx context.Context, actor policy.Actor) ([]ErasureRecord, error) {
	if d := policy.Decide(actor, policy.ListRetention, policy.Target{}, db.Now()); !d.Allowed {
		return nil, problem.New(problem.Forbidden, "%s", d.Reason)
	}
	var out []ErasureRecord
	err := db.View(ctx, func(tx *Tx) error {
		rows, err := tx.query(`SELECT e.id, e.family_reference, e.area_id, a.name, e.closed_on, e.rule, e.due_on, r.name, e.requested_at, p.name, e.erased_at, e.rows_erased
			FROM retention_erasures e JOIN areas a ON a.id = e.area_id JOIN staff r ON r.id = e.requested_by JOIN staff p ON p.id = e.approved_by
			ORDER BY e.erased_at DESC, e.id DESC`)
		if err != nil {
			return fmt.Errorf("reading deleted records: %w", err)
		}
		for rows.Next() {
			var e ErasureRecord
			var id, area int64
			var rule, counts string
			if err := rows.Scan(&id, &e.Reference, &area, &e.AreaName, &e.ClosedOn, &rule, &e.DueOn, &e.RequestedBy, &e.RequestedAt, &e.ApprovedBy, &e.ErasedAt, &counts); err != nil {
				return dropRows(rows, fmt.Errorf("reading deleted records: %w", err))
			}
			// The stub stands for the deleted family: its area decides
			// who sees it, as the family's did.
			if !policy.Can(actor, policy.ReviewRetention, policy.Target{AreaID: area, FamilyID: id, Closed: true}, tx.now) {
				continue
			}
			e.Rule = retention.Rule(rule)
			if err := json.Unmarshal([]byte(counts), &e.Rows); err != nil {
				return dropRows(rows, fmt.Errorf("reading deleted records' counts: %w", err))
			}
			out = append(out, e)
		}
		if err := doneRows(rows); err != nil {
			return fmt.Errorf("reading deleted records: %w", err)
		}
		tx.Audit("retention.erasures.list", "retention", 0, 0, fmt.Sprintf("%d records listed", len(out)))
		return nil
	})
	return out, err
}
