package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/cradle-org/cradle/internal/audit"
	"github.com/cradle-org/cradle/internal/family"
	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/safeguarding"
)

// NewConcern is a safeguarding concern as raised: from a family's record,
// or from a referral (ReferralID, FamilyID 0) before there is a family.
type NewConcern struct {
	FamilyID   int64
	ReferralID int64 // raised from a referral; its family, once it has one, takes the concern
	PersonID   int64 // 0: about the family as a whole
	Concern    safeguarding.Concern
	Due        time.Time // when the DSLs' decision is due
}

// Notifier queues the emails that go with a concern; it is called inside
// the concern's transaction, so an email exists exactly when the concern does.
type Notifier func(tx *Tx, to []string, concernID int64) error

// staffEmails reads the email addresses of the staff named, in one
// statement.
func (tx *Tx) staffEmails(ids []int64) (map[int64]string, error) {
	in, args := tx.db.inList(ids)
	out := make(map[int64]string, len(ids))
	err := tx.each(`SELECT id, email FROM staff WHERE id IN (`+in+`)`, args, func(rows *sql.Rows) error {
		var id int64
		var email string
		if err := rows.Scan(&id, &email); err != nil {
			return err
		}
		out[id] = email
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading staff email addresses: %w", err)
	}
	for _, id := range ids {
		if _, ok := out[id]; !ok {
			return nil, fmt.Errorf("reading staff email addresses: no staff %d", id)
		}
	}
	return out, nil
}

// dslEmails lists every active DSL, for alerts.
func (tx *Tx) dslRecipients(extraRoleInArea string, areaID int64) (ids []int64, emails []string, err error) {
	q := `SELECT id, email FROM staff WHERE disabled = FALSE AND role = 'dsl'`
	args := []any{}
	if extraRoleInArea != "" {
		q = `SELECT id, email FROM staff WHERE disabled = FALSE AND (role = 'dsl' OR (role = $1 AND id IN
			(SELECT st.staff_id FROM staff_teams st JOIN teams t ON t.id = st.team_id WHERE t.area_id = $2)))`
		args = append(args, extraRoleInArea, areaID)
	}
	rows, err := tx.query(q+` ORDER BY id`, args...)
	if err != nil {
		return nil, nil, fmt.Errorf("finding safeguarding leads: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var email string
		if err := rows.Scan(&id, &email); err != nil {
			return nil, nil, err
		}
		ids, emails = append(ids, id), append(emails, email)
	}
	return ids, emails, rows.Err()
}

func (tx *Tx) alert(staffIDs []int64, concernID int64, kind string) error {
	for _, id := range staffIDs {
		if _, err := tx.exec(`INSERT INTO alerts (staff_id, concern_id, kind, created_at) VALUES ($1, $2, $3, $4)`, id, concernID, kind, tx.now); err != nil {
			return fmt.Errorf("creating alert: %w", err)
		}
	}
	return nil
}

// RaiseConcern records a concern and, in the same transaction, alerts every
// DSL in the app and queues their emails (if no DSL has an active account,
// the area's team managers instead). If the email later fails, the alert is
// already there and the outbox retries.
func (db *DB) RaiseConcern(ctx context.Context, actor policy.Actor, n NewConcern, notify Notifier) (int64, error) {
	var id int64
	err := db.Update(ctx, func(tx *Tx) error {
		t, err := tx.concernSubject(&n)
		if err != nil {
			return err
		}
		if d := policy.Decide(actor, policy.RaiseConcern, t, tx.now); !d.Allowed {
			return d.Err()
		}
		c := n.Concern
		if err := c.Validate(); err != nil {
			return fieldsProblem(err)
		}
		if id, err = tx.newID("safeguarding_concerns"); err != nil {
			return err
		}
		details, err := tx.db.seal(rowContext("safeguarding_concerns.details", id), c.About)
		if err != nil {
			return err
		}
		_, err = tx.exec(`INSERT INTO safeguarding_concerns (id, family_id, person_id, raised_by, raised_at, immediate_danger, at_risk, details_sealed,
			decision_due_at, status, area_id, referral_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'open', $10, $11)`,
			id, nullID(n.FamilyID), nullID(n.PersonID), actor.StaffID, tx.now, *c.ImmediateDanger, string(c.AtRisk), details, n.Due.UTC(),
			nullID(t.AreaID), nullID(n.ReferralID))
		if err != nil {
			return fmt.Errorf("saving concern: %w", err)
		}
		ids, emails, err := tx.dslRecipients("", 0)
		if err == nil && len(ids) == 0 {
			// No lead has an active account: the area's team managers are
			// alerted instead, rather than no one (its page says so).
			ids, emails, err = tx.dslRecipients(string(policy.TeamManager), t.AreaID)
		}
		if err != nil {
			return err
		}
		if err := tx.alert(ids, id, "concern_raised"); err != nil {
			return err
		}
		if notify != nil {
			if err := notify(tx, emails, id); err != nil {
				return err
			}
		}
		tx.Audit("concern.raise", "concern", id, n.FamilyID, fmt.Sprintf("immediate_danger=%t", *c.ImmediateDanger))
		return nil
	})
	return id, err
}

// concernSubject describes to the policy the record a new concern is
// about: the family (and the person in it, if one is named), or the
// referral it is raised from while there is no family (then about no
// person: its parents are not yet anyone's record). A referral already
// accepted has a family: n takes it, and the concern is the family's,
// checked as any other.
func (tx *Tx) concernSubject(n *NewConcern) (policy.Target, error) {
	if n.FamilyID == 0 {
		if n.ReferralID == 0 {
			return policy.Target{}, problem.New(problem.NotFound, "There is no such family")
		}
		var area, fam sql.NullInt64
		err := tx.queryRow(`SELECT area_id, family_id FROM referrals WHERE id = $1`, n.ReferralID).Scan(&area, &fam)
		if errors.Is(err, sql.ErrNoRows) {
			return policy.Target{}, problem.New(problem.NotFound, "There is no referral with that reference")
		}
		if err != nil {
			return policy.Target{}, fmt.Errorf("reading referral: %w", err)
		}
		if !fam.Valid {
			if n.PersonID != 0 {
				return policy.Target{}, problem.New(problem.NotFound, "That person is not in this referral")
			}
			return policy.Target{AreaID: area.Int64, ReferralID: n.ReferralID}, nil
		}
		n.FamilyID = fam.Int64
	}
	f, err := tx.db.familyRecord(tx.ctx, tx.q(), n.FamilyID)
	if err != nil {
		return policy.Target{}, err
	}
	t := f.Target()
	if n.PersonID != 0 {
		var p family.Person
		for _, x := range f.People {
			if x.ID == n.PersonID {
				p = x
			}
		}
		if p.ID == 0 {
			return policy.Target{}, problem.New(problem.NotFound, "That person is not in this family")
		}
		t = f.PersonTarget(p, nil)
	}
	return t, nil
}

// concernsJoinFamily gives the concerns raised from a referral before it
// had a family to the family it became, with their actions' tasks: from
// then on they are the family's, on its page and under its rules.
func (tx *Tx) concernsJoinFamily(referralID, familyID int64) error {
	if _, err := tx.exec(`UPDATE tasks SET family_id = $1 WHERE family_id IS NULL AND concern_action_id IN
		(SELECT a.id FROM concern_actions a JOIN safeguarding_concerns c ON c.id = a.concern_id WHERE c.referral_id = $2 AND c.family_id IS NULL)`,
		familyID, referralID); err != nil {
		return fmt.Errorf("giving the referral's concerns' tasks to its family: %w", err)
	}
	res, err := tx.exec(`UPDATE safeguarding_concerns SET family_id = $1 WHERE referral_id = $2 AND family_id IS NULL`, familyID, referralID)
	if err != nil {
		return fmt.Errorf("giving the referral's concerns to its family: %w", err)
	}
	if n, err := res.RowsAffected(); err == nil && n > 0 {
		tx.Audit("concern.family", "referral", referralID, familyID, fmt.Sprintf("%d concerns raised from the referral", n))
	}
	return nil
}

// referralConcerns lists the concerns raised from a referral that has no
// family yet which actor may see, oldest first, without their text.
func (tx *Tx) referralConcerns(actor policy.Actor, referralID int64) ([]ConcernRecord, error) {
	var out []ConcernRecord
	err := tx.each(`SELECT `+concernColumns+concernFrom+` WHERE c.referral_id = $1 AND c.family_id IS NULL ORDER BY c.raised_at, c.id`, []any{referralID},
		func(rows *sql.Rows) error {
			c, err := tx.db.scanConcern(rows)
			if err != nil {
				return err
			}
			if policy.Can(actor, policy.ViewConcern, c.Target(), tx.now) {
				out = append(out, c)
			}
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("reading the concerns raised from referral %d: %w", referralID, err)
	}
	return out, nil
}

// fieldsProblem turns the safeguarding package's field errors into a problem.
func fieldsProblem(err error) error {
	var fe *safeguarding.FieldsError
	if errors.As(err, &fe) {
		var fs problem.Fields
		for _, f := range fe.Fields {
			fs.Add(f.Name, f.Message)
		}
		return fs.Err()
	}
	return err
}

// ConcernRecord is a concern with what may be shown to the reader.
type ConcernRecord struct {
	ID              int64
	FamilyID        int64 // 0: raised from a referral that has no family yet
	FamilyReference string
	// ReferralID and ReferralReference name the referral a concern was
	// raised from while it had no family (0 and "" otherwise, and once its
	// family takes the concern).
	ReferralID        int64
	ReferralReference string
	AreaID            int64
	PersonID          int64
	PersonName        string
	RaisedBy          int64
	RaisedByName      string
	RaisedAt          time.Time
	ImmediateDanger   bool
	AtRisk            string
	About             string
	DueAt             time.Time
	Status            string // open, decided, closed
	Decision          string
	Reasons           string
	DecidedByName     string
	DecidedAt         time.Time
	Outcome           string
	ClosedAt          time.Time
	Actions           []ConcernAction
	Alerts            ConcernAlerts // read by ReadConcern only
	// OwnActions: the reader may not read the concern, but a lead gave
	// them an action on it, so ReadConcern shows them their actions and
	// the decision, without the concern's text, its reasons, its outcome,
	// whom it is about or who was alerted.
	OwnActions bool
	sealed     [3]string // details, reasons and outcome, as stored
}

// ConcernAlerts is who was told of a concern and whether the emails went,
// as its page shows it: whoever raised it can then phone a safeguarding
// lead when no one was alerted or an email did not go.
type ConcernAlerts struct {
	Leads     int       // safeguarding leads alerted in Cradle when it was raised
	Managers  int       // the area's team managers alerted instead, when no lead had an active account
	Reminders int       // alerts in Cradle since, while its decision was overdue (leads and the area's team managers)
	FirstSeen time.Time // when someone alerted first opened it; zero if no one has
	Messages  []Message // the emails, oldest first
}

// ConcernAction is a follow-up action with an owner and a due date.
type ConcernAction struct {
	What    string
	Owner   string
	OwnerID int64
	DueOn   time.Time
	Done    bool
	DoneAt  time.Time
	DoneBy  string // who marked its task done ("" when not done, or done before migration 38)
	TaskID  int64  // its task on its owner's list (0: none linked, from before migration 38)
}

const concernColumns = `c.id, COALESCE(c.family_id, 0), COALESCE(f.reference, ''), COALESCE(c.area_id, f.area_id, 0), COALESCE(c.person_id, 0),
	COALESCE(p.given_name, ''), COALESCE(p.family_name, ''),
	c.raised_by, r.name, c.raised_at, c.immediate_danger, c.at_risk, c.details_sealed, c.decision_due_at, c.status, c.decision, c.reasons_sealed,
	COALESCE(d.name, ''), c.decided_at, c.outcome_sealed, c.closed_at, COALESCE(rf.id, 0), COALESCE(rf.reference, '')`

// concernFrom reads a concern with its family, or, while it has none, the
// referral it was raised from.
const concernFrom = ` FROM safeguarding_concerns c LEFT JOIN families f ON f.id = c.family_id
	LEFT JOIN referrals rf ON rf.id = c.referral_id AND c.family_id IS NULL JOIN staff r ON r.id = c.raised_by
	LEFT JOIN people p ON p.id = c.person_id LEFT JOIN staff d ON d.id = c.decided_by`

func (db *DB) scanConcern(row interface{ Scan(...any) error }) (ConcernRecord, error) {
	var c ConcernRecord
	var given, famName, details, reasons, outcome string
	var decided, closed sql.NullTime
	err := row.Scan(&c.ID, &c.FamilyID, &c.FamilyReference, &c.AreaID, &c.PersonID, &given, &famName, &c.RaisedBy, &c.RaisedByName, &c.RaisedAt,
		&c.ImmediateDanger, &c.AtRisk, &details, &c.DueAt, &c.Status, &c.Decision, &reasons, &c.DecidedByName, &decided, &outcome, &closed,
		&c.ReferralID, &c.ReferralReference)
	if err != nil {
		return c, err
	}
	c.PersonName = joinName(given, famName)
	c.DecidedAt, c.ClosedAt, c.RaisedAt, c.DueAt = timeOf(decided), timeOf(closed), c.RaisedAt.UTC(), c.DueAt.UTC()
	c.sealed = [3]string{details, reasons, outcome} // opened by openConcern, for a reader allowed
	return c, nil
}

// openConcern opens a concern's text, its reasons and its outcome.
func (db *DB) openConcern(c *ConcernRecord) error {
	var err error
	for i, f := range []struct {
		to   *string
		name string
	}{{&c.About, "details"}, {&c.Reasons, "reasons"}, {&c.Outcome, "outcome"}} {
		if *f.to, err = db.open(rowContext("safeguarding_concerns."+f.name, c.ID), c.sealed[i]); err != nil {
			return err
		}
	}
	return nil
}

func joinName(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + " " + b
}

// Target is what the policy needs to know about a concern.
func (c ConcernRecord) Target() policy.Target {
	return policy.Target{AreaID: c.AreaID, FamilyID: c.FamilyID, ReferralID: c.ReferralID, PersonID: c.PersonID, RaisedBy: c.RaisedBy}
}

// Record names what a concern is about: its family, or the referral it was
// raised from while there is none (for task titles and pages).
func (c ConcernRecord) Record() string {
	if c.FamilyID == 0 && c.ReferralReference != "" {
		return "referral " + c.ReferralReference
	}
	return "family " + c.FamilyReference
}

// ReadConcern opens a concern for someone allowed to see it, and audits it.
func (db *DB) ReadConcern(ctx context.Context, actor policy.Actor, id int64) (ConcernRecord, error) {
	var out ConcernRecord
	err := db.Update(ctx, func(tx *Tx) error {
		c, err := db.scanConcern(tx.queryRow(`SELECT `+concernColumns+concernFrom+` WHERE c.id = $1`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return problem.New(problem.NotFound, "There is no such safeguarding concern")
		}
		if err != nil {
			return fmt.Errorf("reading concern: %w", err)
		}
		if d := policy.Decide(actor, policy.ViewConcern, c.Target(), tx.now); !d.Allowed {
			// One a lead gave an action to sees their actions, and the
			// decision they follow from, but nothing of the concern
			// itself (nor anyone else's actions): they may be the other
			// parent's practitioner.
			t := c.Target()
			if t.ActionOwners, err = tx.concernActionOwners(id); err != nil {
				return err
			}
			if !policy.Can(actor, policy.ViewOwnConcernActions, t, tx.now) {
				return d.Err()
			}
			own, err := tx.concernActions(id, actor.StaffID)
			if err != nil {
				return err
			}
			out = ConcernRecord{ID: c.ID, FamilyID: c.FamilyID, FamilyReference: c.FamilyReference, ReferralID: c.ReferralID, ReferralReference: c.ReferralReference,
				AreaID: c.AreaID, RaisedAt: c.RaisedAt, Status: c.Status, Decision: c.Decision, DecidedByName: c.DecidedByName, DecidedAt: c.DecidedAt,
				ClosedAt: c.ClosedAt, Actions: own, OwnActions: true}
			tx.Audit("concern.view", "concern", id, c.FamilyID, "own actions")
			return nil
		}
		if c.Actions, err = tx.concernActions(id, 0); err != nil {
			return err
		}
		if err := db.openConcern(&c); err != nil {
			return err
		}
		if _, err := tx.exec(`UPDATE alerts SET seen_at = $1 WHERE staff_id = $2 AND concern_id = $3 AND seen_at IS NULL`, tx.now, actor.StaffID, id); err != nil {
			return fmt.Errorf("marking alerts seen: %w", err)
		}
		if c.Alerts, err = tx.concernAlerts(id); err != nil {
			return err
		}
		tx.Audit("concern.view", "concern", id, c.FamilyID, "")
		out = c
		return nil
	})
	return out, err
}

// concernAlerts reads who was alerted to a concern, in Cradle and by email.
func (tx *Tx) concernAlerts(id int64) (ConcernAlerts, error) {
	var a ConcernAlerts
	err := tx.each(`SELECT a.kind, a.seen_at, s.role FROM alerts a JOIN staff s ON s.id = a.staff_id WHERE a.concern_id = $1`, []any{id}, func(rows *sql.Rows) error {
		var kind, role string
		var seen sql.NullTime
		if err := rows.Scan(&kind, &seen, &role); err != nil {
			return err
		}
		switch {
		case kind != "concern_raised":
			a.Reminders++
		case role == string(policy.DSL):
			a.Leads++
		default:
			a.Managers++
		}
		if at := timeOf(seen); !at.IsZero() && (a.FirstSeen.IsZero() || at.Before(a.FirstSeen)) {
			a.FirstSeen = at
		}
		return nil
	})
	if err != nil {
		return a, fmt.Errorf("reading the alerts about concern %d: %w", id, err)
	}
	a.Messages, err = tx.messagesAbout("concern_id", id)
	return a, err
}

// concernActionOwners lists who owns a concern's follow-up actions (for
// the policy: an owner reads their own).
func (tx *Tx) concernActionOwners(concernID int64) ([]int64, error) {
	var out []int64
	err := tx.each(`SELECT DISTINCT owner_id FROM concern_actions WHERE concern_id = $1`, []any{concernID}, func(rows *sql.Rows) error {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return err
		}
		out = append(out, id)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading who owns concern %d's actions: %w", concernID, err)
	}
	return out, nil
}

// concernActions reads a concern's follow-up actions, or only those owned
// by owner when it is not 0.
func (tx *Tx) concernActions(concernID, owner int64) ([]ConcernAction, error) {
	rows, err := tx.query(`SELECT a.id, a.what_sealed, s.name, a.owner_id, a.due_on, a.done_at, COALESCE(MIN(t.id), 0), COALESCE(MIN(d.name), '')
		FROM concern_actions a JOIN staff s ON s.id = a.owner_id LEFT JOIN tasks t ON t.concern_action_id = a.id LEFT JOIN staff d ON d.id = t.done_by
		WHERE a.concern_id = $1 AND ($2 = 0 OR a.owner_id = $2)
		GROUP BY a.id, a.what_sealed, s.name, a.owner_id, a.due_on, a.done_at ORDER BY a.due_on, a.id`, concernID, owner)
	if err != nil {
		return nil, fmt.Errorf("reading actions: %w", err)
	}
	defer rows.Close()
	var out []ConcernAction
	for rows.Next() {
		var a ConcernAction
		var what string
		var done sql.NullTime
		var actionID int64
		if err := rows.Scan(&actionID, &what, &a.Owner, &a.OwnerID, &a.DueOn, &done, &a.TaskID, &a.DoneBy); err != nil {
			return nil, err
		}
		a.Done, a.DoneAt = done.Valid, timeOf(done)
		if a.What, err = tx.db.open(rowContext("concern_actions.what", actionID), what); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// concernScope narrows a query on concerns c to those the actor could
// read: every one for a DSL, their areas' and their own for a team manager,
// their own for anyone else. Like familyScope it is an optimisation: each
// row is still put to the policy (ViewConcern). A concern's area is its own (set when
// it is raised), else its family's; the family is looked up only for a
// concern without one, so a manager's list reads the open concerns' index
// alone rather than joining each to its family (at 100,000 families that
// join made a manager's list three times slower than at 1,000).
func (db *DB) concernScope(actor policy.Actor) (string, []any) {
	switch actor.Role {
	case policy.DSL:
		return `1 = 1`, nil
	case policy.TeamManager:
		if len(actor.Areas) > 0 {
			in, args := db.inList(actor.Areas)
			return `(c.area_id IN (` + in + `)
				OR (c.area_id IS NULL AND c.family_id IN (SELECT fa.id FROM families fa WHERE fa.area_id IN (` + in + `)))
				OR c.raised_by = $` + strconv.Itoa(len(args)+1) + `)`, append(args, actor.StaffID)
		}
	}
	return `c.raised_by = $1`, []any{actor.StaffID}
}

// OpenConcerns lists one page of the concerns still open (or decided but
// not closed) that the actor may see, oldest first and without their text
// (a dashboard, not a record), with how many there are in all: a DSL sees
// every one in the organisation, so the list is paged in SQL rather than
// capped. An offset past the end (the list
// has shrunk since the link was made) lists the last page instead. The
// count and the page are one snapshot, and the view is audited with them.
func (db *DB) OpenConcerns(ctx context.Context, actor policy.Actor, offset, limit int) ([]ConcernRecord, int, error) {
	// The statuses named, not "<> 'closed'": an index finds the few open
	// concerns among hundreds of thousands of closed ones (687 ms → a few
	// ms at 100,000 families, found by the benchmark).
	open := func(int) (string, []any) { return `c.status IN ('open', 'decided', 'escalated')`, nil }
	return db.listConcerns(ctx, actor, open, `c.raised_at, c.id`, "", offset, limit)
}

// ClosedConcerns lists, as OpenConcerns does, one page of the concerns the
// actor may see that were closed since then, the latest closed first: whoever
// raised one follows it to its outcome, and the leads look back over the
// year's. Older ones are in their family's chronology.
func (db *DB) ClosedConcerns(ctx context.Context, actor policy.Actor, since time.Time, offset, limit int) ([]ConcernRecord, int, error) {
	closed := func(next int) (string, []any) {
		return `c.status = 'closed' AND c.closed_at >= $` + strconv.Itoa(next), []any{since.UTC()}
	}
	return db.listConcerns(ctx, actor, closed, `c.closed_at DESC, c.id DESC`, "closed", offset, limit)
}

// listConcerns is one page of the concerns that are in the actor's scope
// and match which (its condition, given the number of its first
// placeholder, and its arguments), in order, with how many match in all;
// detail names the list on the audit entry.
func (db *DB) listConcerns(ctx context.Context, actor policy.Actor, which func(next int) (string, []any), order, detail string,
	offset, limit int) ([]ConcernRecord, int, error) {
	if !actor.SignedIn() {
		return nil, 0, problem.New(problem.Forbidden, "Sign in to see safeguarding concerns")
	}
	limit, offset = max(limit, 1), max(offset, 0)
	scope, args := db.concernScope(actor)
	cond, condArgs := which(len(args) + 1)
	args = append(args, condArgs...)
	from := ` FROM safeguarding_concerns c`
	where := ` WHERE ` + cond + ` AND ` + scope
	var out []ConcernRecord
	var total int
	err := db.View(ctx, func(tx *Tx) error {
		tx.Audit("concern.dashboard.view", "", 0, 0, detail)
		if err := tx.queryRow(`SELECT COUNT(*)`+from+where, args...).Scan(&total); err != nil {
			return fmt.Errorf("counting concerns: %w", err)
		}
		if offset >= total && total > 0 {
			offset = (total - 1) / limit * limit
		}
		// The page's ids first, from an index (migrations 14 and 37), then
		// their rows: a DSL's thousand open concerns are not read whole to
		// show fifty.
		var ids []int64
		err := tx.each(`SELECT c.id`+from+where+` ORDER BY `+order+` LIMIT `+strconv.Itoa(limit)+` OFFSET `+strconv.Itoa(offset), args,
			func(rows *sql.Rows) error {
				var id int64
				if err := rows.Scan(&id); err != nil {
					return err
				}
				ids = append(ids, id)
				return nil
			})
		if err != nil || len(ids) == 0 {
			return err
		}
		in, inArgs := db.inList(ids)
		return tx.each(`SELECT `+concernColumns+concernFrom+` WHERE c.id IN (`+in+`) ORDER BY `+order, inArgs, func(rows *sql.Rows) error {
			c, err := db.scanConcern(rows)
			if err != nil {
				return fmt.Errorf("reading concern: %w", err)
			}
			if policy.Can(actor, policy.ViewConcern, c.Target(), tx.now) {
				out = append(out, c)
			}
			return nil
		})
	})
	if err != nil {
		return nil, 0, fmt.Errorf("listing concerns: %w", err)
	}
	return out, total, nil
}

// DecideConcern records a DSL's decision, its reasons and follow-up actions
// (each becomes a task for its owner, and each owner other than the lead
// deciding is told through notify, which may be nil, in the same
// transaction).
func (db *DB) DecideConcern(ctx context.Context, actor policy.Actor, id int64, in safeguarding.DecisionInput, notify Notifier) error {
	return db.Update(ctx, func(tx *Tx) error {
		c, err := db.scanConcern(tx.queryRow(`SELECT `+concernColumns+concernFrom+` WHERE c.id = $1`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return problem.New(problem.NotFound, "There is no such safeguarding concern")
		}
		if err != nil {
			return fmt.Errorf("reading concern: %w", err)
		}
		if d := policy.Decide(actor, policy.DecideConcern, c.Target(), tx.now); !d.Allowed {
			return d.Err()
		}
		if c.Status != "open" {
			return problem.New(problem.Conflict, "This concern has already been decided: the form was sent twice, or another lead decided it a moment ago")
		}
		if err := in.Validate(tx.now); err != nil {
			return fieldsProblem(err)
		}
		chosen := make([]int64, len(in.Actions))
		for i, a := range in.Actions {
			chosen[i] = a.OwnerID
		}
		if err := tx.checkActionOwners(c.AreaID, chosen); err != nil {
			return err
		}
		if err := tx.keepConfidentialOutOfActions(actor, c.FamilyID, in.Actions); err != nil {
			return err
		}
		reasons, err := tx.db.seal(rowContext("safeguarding_concerns.reasons", id), in.Reasons)
		if err != nil {
			return err
		}
		if _, err := tx.exec(`UPDATE safeguarding_concerns SET status = 'decided', decision = $1, reasons_sealed = $2, decided_by = $3, decided_at = $4 WHERE id = $5`,
			string(in.Decision), reasons, actor.StaffID, tx.now, id); err != nil {
			return fmt.Errorf("recording decision: %w", err)
		}
		for _, a := range in.Actions {
			actionID, err := tx.newID("concern_actions")
			if err != nil {
				return err
			}
			what, err := tx.db.seal(rowContext("concern_actions.what", actionID), a.What)
			if err != nil {
				return err
			}
			if _, err := tx.exec(`INSERT INTO concern_actions (id, concern_id, what_sealed, owner_id, due_on, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
				actionID, id, what, a.OwnerID, a.Due.UTC(), tx.now); err != nil {
				return fmt.Errorf("saving action: %w", err)
			}
			if err := tx.addTask(newTask{FamilyID: c.FamilyID, AssignedTo: a.OwnerID, ConcernActionID: actionID, Kind: "concern_action",
				Title: "Safeguarding follow-up action in " + c.Record(), Due: a.Due}); err != nil {
				return err
			}
		}
		tx.Audit("concern.decide", "concern", id, c.FamilyID, string(in.Decision))
		if notify == nil {
			return nil
		}
		var owners []int64
		for _, a := range in.Actions {
			if a.OwnerID != actor.StaffID && !slices.Contains(owners, a.OwnerID) {
				owners = append(owners, a.OwnerID)
			}
		}
		if len(owners) == 0 {
			return nil
		}
		emails, err := tx.staffEmails(owners)
		if err != nil {
			return err
		}
		to := make([]string, len(owners))
		for i, o := range owners {
			to[i] = emails[o]
		}
		return notify(tx, to, id)
	})
}

// keepConfidentialOutOfActions refuses a parent's confidential details in
// the words of a follow-up action whose owner may not see them: the owner
// reads their action (and the decision, nothing else of the concern), and
// may be the other parent's practitioner. A concern with no family yet
// (raised from a referral) has no parents' details to look for.
func (tx *Tx) keepConfidentialOutOfActions(actor policy.Actor, familyID int64, actions []safeguarding.Action) error {
	if familyID == 0 || len(actions) == 0 {
		return nil
	}
	f, err := tx.db.familyRecord(tx.ctx, tx.q(), familyID)
	if err != nil {
		return err
	}
	var fs problem.Fields
	for i, a := range actions {
		owner, err := tx.staffByID(a.OwnerID)
		if problem.CodeOf(err) == problem.NotFound {
			fs.Add("actions["+strconv.Itoa(i)+"].owner", "Choose who owns action "+strconv.Itoa(i+1)+" from the list")
			continue
		}
		if err != nil {
			return fmt.Errorf("reading the action's owner: %w", err)
		}
		who := readers{words: owner.Name + ", who owns the action,", maySee: func(p family.Person) bool {
			return policy.Can(owner.Actor(), policy.ViewConfidential, f.PersonTarget(p, nil), tx.now)
		}}
		err = tx.keepConfidentialOut(actor, f, who, textField{"actions[" + strconv.Itoa(i) + "].what", a.What})
		if p := problem.As(err); p != nil && p.Code == problem.Invalid {
			fs = append(fs, p.Fields...)
		} else if err != nil {
			return err
		}
	}
	return fs.Err()
}

// CloseConcern closes a decided concern with its recorded outcome.
func (db *DB) CloseConcern(ctx context.Context, actor policy.Actor, id int64, outcome string) error {
	return db.Update(ctx, func(tx *Tx) error {
		c, err := db.scanConcern(tx.queryRow(`SELECT `+concernColumns+concernFrom+` WHERE c.id = $1`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return problem.New(problem.NotFound, "There is no such safeguarding concern")
		}
		if err != nil {
			return fmt.Errorf("reading concern: %w", err)
		}
		if d := policy.Decide(actor, policy.DecideConcern, c.Target(), tx.now); !d.Allowed {
			return d.Err()
		}
		if err := safeguarding.CanClose(c.Status == "decided", outcome); err != nil {
			return fieldsProblem(err)
		}
		sealed, err := tx.db.seal(rowContext("safeguarding_concerns.outcome", id), outcome)
		if err != nil {
			return err
		}
		if _, err := tx.exec(`UPDATE safeguarding_concerns SET status = 'closed', outcome_sealed = $1, closed_at = $2 WHERE id = $3`, sealed, tx.now, id); err != nil {
			return fmt.Errorf("closing concern: %w", err)
		}
		tx.Audit("concern.close", "concern", id, c.FamilyID, "")
		return nil
	})
}

// UnseenAlerts counts a staff member's alerts not yet seen.
func (db *DB) UnseenAlerts(ctx context.Context, staffID int64) (int, error) {
	var n int
	if err := db.queryRow(ctx, `SELECT COUNT(*) FROM alerts WHERE staff_id = $1 AND seen_at IS NULL`, staffID).Scan(&n); err != nil {
		return 0, fmt.Errorf("counting alerts: %w", err)
	}
	return n, nil
}

// EscalateOverdue sends the hourly escalation for every undecided concern
// whose decision is overdue: an alert for every DSL and the area's team
// managers, and their emails. It records the escalation time it processed
// (not the wall-clock time), so a restart neither repeats nor misses one;
// on PostgreSQL an advisory lock lets only one instance run it at a time.
func (db *DB) EscalateOverdue(ctx context.Context, every time.Duration, notify Notifier) (int, error) {
	// A cheap look first, outside any transaction: most minutes nothing is
	// overdue, and then nothing is written (not even to the audit log).
	var overdue int
	if err := db.queryRow(ctx, `SELECT COUNT(*) FROM safeguarding_concerns WHERE status = 'open' AND decision_due_at < $1`, db.Now()).Scan(&overdue); err != nil {
		return 0, fmt.Errorf("counting overdue concerns: %w", err)
	}
	if overdue == 0 {
		return 0, nil
	}
	sent := 0
	ctx = audit.WithSource(ctx, audit.Source{Actor: "system:scheduler"})
	err := db.Update(ctx, func(tx *Tx) error {
		if db.dialect == Postgres {
			var got bool
			if err := tx.queryRow(`SELECT pg_try_advisory_xact_lock($1)`, lockEscalation).Scan(&got); err != nil {
				return fmt.Errorf("taking the escalation lock: %w", err)
			}
			if !got {
				return errNothingToDo // another instance is escalating now
			}
		}
		rows, err := tx.query(`SELECT id, COALESCE(family_id, 0), COALESCE(area_id, 0), decision_due_at, last_escalation_at FROM safeguarding_concerns
			WHERE status = 'open' AND decision_due_at < $1`, tx.now)
		if err != nil {
			return fmt.Errorf("finding overdue concerns: %w", err)
		}
		type due struct {
			id, family, area int64
			at               time.Time
		}
		var todo []due
		for rows.Next() {
			var id, fam, area int64
			var dueAt time.Time
			var last sql.NullTime
			if err := rows.Scan(&id, &fam, &area, &dueAt, &last); err != nil {
				return dropRows(rows, err)
			}
			if at, ok := safeguarding.NextEscalation(dueAt.UTC(), timeOf(last), tx.now, every); ok {
				todo = append(todo, due{id, fam, area, at})
			}
		}
		if err := doneRows(rows); err != nil {
			return fmt.Errorf("finding overdue concerns: %w", err)
		}
		for _, d := range todo {
			ids, emails, err := tx.dslRecipients(string(policy.TeamManager), d.area)
			if err != nil {
				return err
			}
			if err := tx.alert(ids, d.id, "concern_escalated"); err != nil {
				return err
			}
			if notify != nil {
				if err := notify(tx, emails, d.id); err != nil {
					return err
				}
			}
			if _, err := tx.exec(`UPDATE safeguarding_concerns SET last_escalation_at = $1 WHERE id = $2`, d.at, d.id); err != nil {
				return fmt.Errorf("recording escalation: %w", err)
			}
			tx.Audit("concern.escalate", "concern", d.id, d.family, d.at.Format(time.RFC3339))
			sent++
		}
		if len(todo) == 0 {
			return errNothingToDo
		}
		return nil
	})
	if errors.Is(err, errNothingToDo) {
		return 0, nil
	}
	return sent, err
}

// errNothingToDo rolls back a transaction that found nothing to change.
var errNothingToDo = errors.New("nothing to do")
