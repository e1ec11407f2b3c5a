package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cradle-org/cradle/internal/family"
	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/referral"
)

// nextNumber takes the next value of a named counter. The UPDATE takes a row
// lock, so concurrent transactions never share a number.
func (tx *Tx) nextNumber(name string) (int64, error) {
	if _, err := tx.exec(`INSERT INTO counters (name, value) VALUES ($1, 0) ON CONFLICT (name) DO NOTHING`, name); err != nil {
		return 0, fmt.Errorf("creating counter %s: %w", name, err)
	}
	var n int64
	if err := tx.queryRow(`UPDATE counters SET value = value + 1 WHERE name = $1 RETURNING value`, name).Scan(&n); err != nil {
		return 0, fmt.Errorf("advancing counter %s: %w", name, err)
	}
	return n, nil
}

// ReferralRecord is a stored referral. Content is filled only by
// ReadReferral, after the policy allows it.
type ReferralRecord struct {
	ID             int64
	Reference      string
	Source         referral.Source
	Status         referral.Status
	AreaID         int64
	AreaName       string
	FamilyID       int64
	ReceivedAt     time.Time
	EDD            time.Time
	ReferrerRole   string
	Decision       string
	DecisionReason string
	SignpostedTo   string
	DecidedBy      string
	DecidedAt      time.Time
	AcknowledgedAt time.Time // zero: not yet (a referrer's email still to go, or never sent)
	AcknowledgedBy string    // the member of staff who told the referrer (RecordAcknowledged); "" on screen or by email
	DecisionToldAt time.Time // zero: the decision is not (yet) told, or there is none to tell (referral.DecisionToTell)
	DecisionToldBy string    // the member of staff who told it (RecordDecisionTold); "" by email
	TakenBy        string    // the member of staff who typed in a referral taken by phone, email, letter or in person
	TakenByID      int64
	Channel        string // how a referral taken by staff reached the programme (referral.Channels)
	Content        *referral.Referral
	Messages       []Message // emails to the referrer about it, oldest first: read by ReadReferral only
	// Concerns are the safeguarding concerns raised from it while it has
	// no family that the reader may see, oldest first, without their text:
	// read by ReadReferral only.
	Concerns []ConcernRecord
}

// Message is an email about a record (a referral, a concern) as the
// record's page shows it: what it was and whether it went, never its
// recipient or text.
type Message struct {
	Kind      string // referral_ack, referral_outcome, referral_more_info; concern_alert, concern_overdue
	Status    string // pending, sent, failed
	Attempts  int
	LastError string // the mail server's last refusal, if any
	QueuedAt  time.Time
	SentAt    time.Time
}

// Refusal is the mail server's last refusal of m while it still counts:
// given up on, or waiting after a try. An administrator's "Send again"
// starts its attempts afresh, and its old refusal no longer says why.
func (m Message) Refusal() string {
	if m.Status == "failed" || (m.Status == "pending" && m.Attempts > 0) {
		return m.LastError
	}
	return ""
}

// Target describes the referral to the policy.
func (r ReferralRecord) Target() policy.Target {
	return policy.Target{AreaID: r.AreaID, TakenBy: r.TakenByID}
}

// NewReferral is what intake hands the store.
type NewReferral struct {
	Referral referral.Referral
	AreaName string // the funded (or remote) area it belongs to; "" when none
	OrgID    int64  // partner organisation, for API referrals
	TokenID  int64
	// A referral taken by staff (Referral.Taken): who typed it in, how it
	// reached the programme (referral.Channels) and when it was received.
	TakenBy    int64
	Channel    string
	ReceivedOn time.Time
}

// referralStatus is the safeguarding status recorded in referral id's
// sealed content ("" if none was given).
func (db *DB) referralStatus(id int64, sealed string) (string, error) {
	plain, err := db.open(rowContext("referrals.content", id), sealed)
	if err != nil {
		return "", err
	}
	return statusIn(plain)
}

// statusIn reads the safeguarding status from a referral's content.
func statusIn(plain string) (string, error) {
	var content struct {
		SafeguardingStatus string `json:"safeguarding_status"`
	}
	if err := json.Unmarshal([]byte(plain), &content); err != nil {
		return "", fmt.Errorf("decoding the referral: %w", err)
	}
	return content.SafeguardingStatus, nil
}

// referralStatusOf is referralStatus for migration 26's step, false when
// the content cannot be opened or read. An upgrade from before 26 meets
// content sealed to its column only (migration 29 binds it to its row
// later); run again on a later database, it meets it bound to its row.
func (db *DB) referralStatusOf(id int64, sealed string) (string, bool) {
	if st, err := db.referralStatus(id, sealed); err == nil {
		return st, true
	}
	plain, err := db.open("referrals.content", sealed)
	if err != nil {
		return "", false
	}
	st, err := statusIn(plain)
	return st, err == nil
}

// CreateReferral stores a referral with the next reference.
func (tx *Tx) CreateReferral(n NewReferral) (int64, string, error) {
	num, err := tx.nextNumber(fmt.Sprintf("referral-%d", tx.now.Year()))
	if err != nil {
		return 0, "", err
	}
	ref := referral.Reference(tx.now.Year(), num)
	content, err := json.Marshal(n.Referral)
	if err != nil {
		return 0, "", fmt.Errorf("encoding referral: %w", err)
	}
	id, err := tx.newID("referrals")
	if err != nil {
		return 0, "", err
	}
	sealed, err := tx.db.seal(rowContext("referrals.content", id), string(content))
	if err != nil {
		return 0, "", err
	}
	var areaID, orgID, tokenID any
	if n.AreaName != "" {
		if a, err := tx.areaByName(n.AreaName); err == nil {
			areaID = a.ID
		} else if problem.CodeOf(err) != problem.NotFound {
			return 0, "", err
		}
	}
	if n.OrgID != 0 {
		orgID = n.OrgID
	}
	if n.TokenID != 0 {
		tokenID = n.TokenID
	}
	// A parent referring themselves is acknowledged on screen, with the
	// reference, as it is sent (never by email: their inbox may not be
	// safe); a referrer's acknowledgement is recorded when its email goes
	// (MarkMailSent). One a member of staff took for a parent is recorded
	// when they say they told the parent (RecordAcknowledged).
	var acknowledged any
	if n.Referral.Source == referral.Self && n.TakenBy == 0 {
		acknowledged = tx.now
	}
	// One taken by staff was received when they say, that day: at the
	// time of day it is typed in if that is today, else at noon.
	received, detail := tx.now, string(n.Referral.Source)
	var takenBy any
	if n.TakenBy != 0 {
		takenBy, detail = n.TakenBy, detail+", taken by staff, "+n.Channel
		if d := n.ReceivedOn.UTC(); d.Format(time.DateOnly) != tx.now.UTC().Format(time.DateOnly) {
			received = time.Date(d.Year(), d.Month(), d.Day(), 12, 0, 0, 0, time.UTC)
		}
	}
	_, err = tx.exec(`INSERT INTO referrals (id, reference, source, organisation_id, area_id, status, received_at, referrer_role, edd, content_sealed, api_token_id,
		safeguarding_status, updated_at, acknowledged_at, taken_by, channel)
		VALUES ($1, $2, $3, $4, $5, 'new', $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
		id, ref, string(n.Referral.Source), orgID, areaID, received, n.Referral.Referrer.Role, nullTime(referral.Date(n.Referral.DueDate)), sealed, tokenID,
		n.Referral.SafeguardingStatus, tx.now, acknowledged, takenBy, n.Channel)
	if err != nil {
		return 0, "", fmt.Errorf("saving referral: %w", err)
	}
	tx.Audit("referral.create", "referral", id, 0, detail)
	return id, ref, nil
}

const referralColumns = `r.id, r.reference, r.source, r.status, COALESCE(r.area_id, 0), COALESCE(a.name, ''), COALESCE(r.family_id, 0),
	r.received_at, r.edd, r.referrer_role, r.decision, r.decision_reason, r.signposted_to, COALESCE(s.name, ''), r.decided_at, r.acknowledged_at, COALESCE(ab.name, ''),
	COALESCE(tb.name, ''), r.channel, COALESCE(r.taken_by, 0), r.decision_told_at, COALESCE(dt.name, '')`

const referralFrom = ` FROM referrals r LEFT JOIN areas a ON a.id = r.area_id LEFT JOIN staff s ON s.id = r.decided_by
	LEFT JOIN staff ab ON ab.id = r.acknowledged_by LEFT JOIN staff tb ON tb.id = r.taken_by
	LEFT JOIN staff dt ON dt.id = r.decision_told_by`

func scanReferral(row interface{ Scan(...any) error }) (ReferralRecord, error) {
	var r ReferralRecord
	var src, st string
	var edd, decided, acknowledged, told sql.NullTime
	err := row.Scan(&r.ID, &r.Reference, &src, &st, &r.AreaID, &r.AreaName, &r.FamilyID, &r.ReceivedAt, &edd,
		&r.ReferrerRole, &r.Decision, &r.DecisionReason, &r.SignpostedTo, &r.DecidedBy, &decided, &acknowledged, &r.AcknowledgedBy, &r.TakenBy, &r.Channel, &r.TakenByID,
		&told, &r.DecisionToldBy)
	r.Source, r.Status = referral.Source(src), referral.Status(st)
	r.EDD, r.DecidedAt, r.ReceivedAt, r.AcknowledgedAt = timeOf(edd), timeOf(decided), r.ReceivedAt.UTC(), timeOf(acknowledged)
	r.DecisionToldAt = timeOf(told)
	return r, err
}

// DecisionUntold reports whether the referral has a decision whoever made
// it has not (yet) been told: by email, or as staff recorded.
func (r ReferralRecord) DecisionUntold() bool {
	return referral.DecisionToTell(r.Source, r.Status) && r.DecisionToldAt.IsZero()
}

// QueueFilter narrows the referrals queue; zero values do not filter.
type QueueFilter struct {
	Status  referral.Status
	AreaID  int64
	Source  referral.Source
	MinDays int // received at least this many days ago
	// Offset and Limit page through the list (oldest first); a Limit of 0
	// lists up to QueueLimit.
	Offset, Limit int
}

// QueueLimit is the most referrals one call lists.
const QueueLimit = 500

// QueueEntry is a line of the referrals queue.
type QueueEntry struct {
	ReferralRecord
	AgeDays int
	// OpenConcern: a safeguarding concern raised from it (while it has no
	// family) is not yet closed. Only that one exists, as a family's page
	// counts its open concerns for all who see the family.
	OpenConcern bool
}

// referralScope narrows a query on referrals r to those the actor's role
// could see: their own areas for practitioners and team managers, every
// referral for a DSL (including those from outside every area, which still
// need screening). Like familyScope it is an optimisation, not the access
// check: the caller still asks the policy about each referral. False means
// the role sees no referrals.
func (db *DB) referralScope(actor policy.Actor) (string, []any, bool) {
	switch actor.Role {
	case policy.Practitioner, policy.TeamManager:
		if len(actor.Areas) == 0 {
			return "", nil, false
		}
		in, args := db.inList(actor.Areas)
		return `r.area_id IN (` + in + `)`, args, true
	case policy.DSL:
		return `1 = 1`, nil, true
	}
	return "", nil, false
}

// ReferralQueue lists the referrals the actor may see with the filter's
// status (every status if none), oldest first, one page at a time, with
// counts by status across all of them (before the status filter, so the
// tabs show totals). The database narrows by role, status and filters
// before anything is read, so the newest referral in a decade of them is
// listed as surely as the oldest. It holds no names, only references,
// dates and areas. An offset past the end (an old link to a list that has
// shrunk) lists the last page instead. The counts and the page are one
// snapshot, and the view is audited with them.
func (db *DB) ReferralQueue(ctx context.Context, actor policy.Actor, f QueueFilter) ([]QueueEntry, map[referral.Status]int, error) {
	counts := map[referral.Status]int{}
	scope, args, ok := db.referralScope(actor)
	if !ok {
		return nil, counts, nil
	}
	now := db.Now()
	where := ` WHERE ` + scope
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	if f.AreaID != 0 {
		where += ` AND r.area_id = ` + arg(f.AreaID)
	}
	if f.Source != "" {
		where += ` AND r.source = ` + arg(string(f.Source))
	}
	if f.MinDays > 0 {
		where += ` AND r.received_at <= ` + arg(now.AddDate(0, 0, -f.MinDays))
	}
	limit := f.Limit
	if limit <= 0 || limit > QueueLimit {
		limit = QueueLimit
	}
	var out []QueueEntry
	err := db.View(ctx, func(tx *Tx) error {
		tx.Audit("referral.queue.view", "", 0, 0, "")
		total := 0
		err := tx.each(`SELECT r.status, COUNT(*) FROM referrals r`+where+` GROUP BY r.status`, args, func(rows *sql.Rows) error {
			var st string
			var n int
			if err := rows.Scan(&st, &n); err != nil {
				return err
			}
			counts[referral.Status(st)] = n
			if f.Status == "" || referral.Status(st) == f.Status {
				total += n
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("counting referrals: %w", err)
		}
		listWhere, listArgs := where, args
		if f.Status != "" {
			listWhere += ` AND r.status = $` + strconv.Itoa(len(args)+1)
			listArgs = append(slices.Clip(args), string(f.Status))
		}
		offset := max(f.Offset, 0)
		if offset >= total && total > 0 {
			offset = (total - 1) / limit * limit
		}
		err = tx.each(`SELECT `+referralColumns+referralFrom+listWhere+` ORDER BY r.received_at, r.id LIMIT `+strconv.Itoa(limit)+` OFFSET `+strconv.Itoa(offset), listArgs,
			func(rows *sql.Rows) error {
				r, err := scanReferral(rows)
				if err != nil {
					return fmt.Errorf("reading referral: %w", err)
				}
				if policy.Can(actor, policy.ViewReferral, r.Target(), now) {
					out = append(out, QueueEntry{ReferralRecord: r, AgeDays: int(now.Sub(r.ReceivedAt).Hours() / 24)})
				}
				return nil
			})
		if err != nil {
			return fmt.Errorf("listing referrals: %w", err)
		}
		return tx.markOpenConcerns(out)
	})
	if err != nil {
		return nil, nil, err
	}
	return out, counts, nil
}

// markOpenConcerns marks the queue's referrals with an open concern raised
// from them, in one statement for the page.
func (tx *Tx) markOpenConcerns(page []QueueEntry) error {
	if len(page) == 0 {
		return nil
	}
	ids := make([]int64, len(page))
	for i, e := range page {
		ids[i] = e.ID
	}
	in, args := tx.db.inList(ids)
	open := map[int64]bool{}
	err := tx.each(`SELECT DISTINCT referral_id FROM safeguarding_concerns WHERE referral_id IN (`+in+`) AND family_id IS NULL AND status <> 'closed'`, args,
		func(rows *sql.Rows) error {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return err
			}
			open[id] = true
			return nil
		})
	if err != nil {
		return fmt.Errorf("finding the referrals' open concerns: %w", err)
	}
	for i := range page {
		page[i].OpenConcern = open[page[i].ID]
	}
	return nil
}

// ReadReferral opens a referral for someone the policy allows, audits the
// read, and moves a new referral into screening when a screener opens it.
func (db *DB) ReadReferral(ctx context.Context, actor policy.Actor, id int64) (ReferralRecord, error) {
	var out ReferralRecord
	err := db.Update(ctx, func(tx *Tx) error {
		r, err := tx.referral(id)
		if err != nil {
			return err
		}
		if d := policy.Decide(actor, policy.ViewReferral, r.Target(), tx.now); !d.Allowed {
			return d.Err()
		}
		if r.Status == referral.New && policy.Can(actor, policy.ScreenReferral, r.Target(), tx.now) {
			if _, err := tx.exec(`UPDATE referrals SET status = 'screening', updated_at = $1 WHERE id = $2`, tx.now, id); err != nil {
				return fmt.Errorf("starting screening: %w", err)
			}
			r.Status = referral.Screening
			tx.Audit("referral.screening", "referral", id, 0, "")
		}
		if r.Messages, err = tx.messagesAbout("referral_id", id); err != nil {
			return err
		}
		if r.FamilyID == 0 {
			if r.Concerns, err = tx.referralConcerns(actor, id); err != nil {
				return err
			}
		}
		tx.Audit("referral.view", "referral", id, r.FamilyID, "")
		out = r
		return nil
	})
	return out, err
}

// ReferralForSubjectAccess reads a referral for the subject access request
// of a parent it names (1 or 2; 0 while the lead has not yet chosen), as a
// designated safeguarding lead prepares it (policy.ExportSubjectAccess):
// as it stands (reading it for this starts no screening), audited. An
// accepted referral is refused: its parents' records hold it, and their
// requests are prepared from those.
func (db *DB) ReferralForSubjectAccess(ctx context.Context, actor policy.Actor, id int64, parent int) (ReferralRecord, error) {
	var out ReferralRecord
	err := db.Update(ctx, func(tx *Tx) error {
		if d := policy.Decide(actor, policy.ExportSubjectAccess, policy.Target{}, tx.now); !d.Allowed {
			return d.Err()
		}
		r, err := tx.referral(id)
		if err != nil {
			return err
		}
		if r.FamilyID != 0 {
			return problem.New(problem.Invalid, "Referral %s was accepted: its parents have records in the family's, so prepare each one's request from their own page (or with cradle sar --person ID)", r.Reference)
		}
		detail := "read to prepare a subject access request"
		if parent > 0 {
			detail = fmt.Sprintf("read for parent %d's subject access request", parent)
		}
		tx.Audit("referral.subject_access", "referral", id, r.FamilyID, detail)
		out = r
		return nil
	})
	return out, err
}

// messagesAbout lists the emails about one record, oldest first: column
// is the outbox's link to it (referral_id or concern_id, never user input).
func (tx *Tx) messagesAbout(column string, id int64) ([]Message, error) {
	var out []Message
	err := tx.each(`SELECT kind, status, attempts, last_error, created_at, sent_at FROM outbox WHERE `+column+` = $1 ORDER BY id`, []any{id},
		func(rows *sql.Rows) error {
			var m Message
			var sent sql.NullTime
			if err := rows.Scan(&m.Kind, &m.Status, &m.Attempts, &m.LastError, &m.QueuedAt, &sent); err != nil {
				return err
			}
			m.QueuedAt, m.SentAt = m.QueuedAt.UTC(), timeOf(sent)
			out = append(out, m)
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("reading the emails about it: %w", err)
	}
	return out, nil
}

// referral loads one referral with its content.
func (tx *Tx) referral(id int64) (ReferralRecord, error) {
	r, err := scanReferral(tx.queryRow(`SELECT `+referralColumns+referralFrom+` WHERE r.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return r, problem.New(problem.NotFound, "There is no referral with that reference")
	}
	if err != nil {
		return r, fmt.Errorf("reading referral: %w", err)
	}
	var sealed string
	if err := tx.queryRow(`SELECT content_sealed FROM referrals WHERE id = $1`, id).Scan(&sealed); err != nil {
		return r, fmt.Errorf("reading referral: %w", err)
	}
	plain, err := tx.db.open(rowContext("referrals.content", id), sealed)
	if err != nil {
		return r, err
	}
	var c referral.Referral
	if err := json.Unmarshal([]byte(plain), &c); err != nil {
		return r, fmt.Errorf("decoding referral: %w", err)
	}
	r.Content = &c
	return r, nil
}

// referralTelling is what recording a referral's referrer (or parent)
// told needs of it.
type referralTelling struct {
	source             referral.Source
	status             referral.Status
	acknowledged, told sql.NullTime
}

// referralToTell reads a referral for recording that someone was told of
// it, once the policy lets actor (who may screen it, or took it in) do so.
func (tx *Tx) referralToTell(actor policy.Actor, id int64) (referralTelling, error) {
	var t referralTelling
	var area, takenBy sql.NullInt64
	var src, st string
	err := tx.queryRow(`SELECT area_id, taken_by, source, status, acknowledged_at, decision_told_at FROM referrals WHERE id = $1`, id).
		Scan(&area, &takenBy, &src, &st, &t.acknowledged, &t.told)
	if errors.Is(err, sql.ErrNoRows) {
		return t, problem.New(problem.NotFound, "There is no referral with that reference")
	}
	if err != nil {
		return t, fmt.Errorf("reading referral: %w", err)
	}
	if d := policy.Decide(actor, policy.AcknowledgeReferral, policy.Target{AreaID: area.Int64, TakenBy: takenBy.Int64}, tx.now); !d.Allowed {
		return t, d.Err()
	}
	t.source, t.status = referral.Source(src), referral.Status(st)
	return t, nil
}

// RecordAcknowledged records that actor, who may screen the referral or
// took it in, has told its referrer that it arrived (by phone, say, after
// its acknowledgement email failed), so its page stops warning and says who
// told them. Audited; one already acknowledged is refused, saying how.
func (db *DB) RecordAcknowledged(ctx context.Context, actor policy.Actor, id int64) error {
	return db.Update(ctx, func(tx *Tx) error {
		t, err := tx.referralToTell(actor, id)
		if err != nil {
			return err
		}
		res, err := tx.exec(`UPDATE referrals SET acknowledged_at = $1, acknowledged_by = $2, updated_at = $1 WHERE id = $3 AND acknowledged_at IS NULL`, tx.now, actor.StaffID, id)
		if err != nil {
			return fmt.Errorf("recording the referral acknowledged: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			if !t.acknowledged.Valid {
				return problem.New(problem.Conflict, "This referral has just been acknowledged by someone else")
			}
			return problem.New(problem.Conflict, "This referral was already acknowledged, on %s", t.acknowledged.Time.UTC().Format("2 January 2006"))
		}
		tx.Audit("referral.acknowledged", "referral", id, 0, "the referrer was told by staff")
		return nil
	})
}

// RecordDecisionTold records that actor, who may screen the referral or
// took it in, has told whoever made it of its decision (a parent who
// referred themselves, by the safe route they gave; a referrer whose
// decision email could not go), so its page stops warning and says who
// told them. Audited; refused, saying why, while there is no decision to
// tell or once it was told.
func (db *DB) RecordDecisionTold(ctx context.Context, actor policy.Actor, id int64) error {
	return db.Update(ctx, func(tx *Tx) error {
		t, err := tx.referralToTell(actor, id)
		if err != nil {
			return err
		}
		if !referral.DecisionToTell(t.source, t.status) {
			return problem.New(problem.Conflict, "This referral has no decision to tell: it is %s", strings.ToLower(t.status.Label()))
		}
		res, err := tx.exec(`UPDATE referrals SET decision_told_at = $1, decision_told_by = $2, updated_at = $1 WHERE id = $3 AND decision_told_at IS NULL`, tx.now, actor.StaffID, id)
		if err != nil {
			return fmt.Errorf("recording the decision told: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			if !t.told.Valid {
				return problem.New(problem.Conflict, "Someone has just recorded this decision as told")
			}
			return problem.New(problem.Conflict, "This decision was already told, on %s", t.told.Time.UTC().Format("2 January 2006"))
		}
		tx.Audit("referral.decision_told", "referral", id, 0, "told by staff")
		return nil
	})
}

// Links says, for each co-parent, an existing person the screener judged
// to be the same person (0 = a new person).
type Links struct{ Parent1, Parent2 int64 }

// DecideReferral records a screening decision made by actor, with its
// reasons. Accepting opens the family record (the baby with its due date and
// both co-parents), ready for allocation. Mail to the referrer is queued in
// the same transaction by the caller-supplied function, if any.
func (db *DB) DecideReferral(ctx context.Context, actor policy.Actor, id int64, d referral.Decision, links Links,
	mail func(tx *Tx, r ReferralRecord, ref string) error) (ReferralRecord, error) {
	var out ReferralRecord
	err := db.Update(ctx, func(tx *Tx) error {
		r, err := tx.referral(id)
		if err != nil {
			return err
		}
		if dec := policy.Decide(actor, policy.ScreenReferral, r.Target(), tx.now); !dec.Allowed {
			return dec.Err()
		}
		if err := d.Validate(*r.Content, r.Status); err != nil {
			return err
		}
		if d.Outcome == referral.Accept {
			if r.AreaID == 0 {
				return problem.New(problem.Invalid, "This referral is not in any area. Decline it with signposting, or ask the referrer for an address in a funded area")
			}
			famID, err := tx.openFamilyFromReferral(r, actor.StaffID, links)
			if err != nil {
				return err
			}
			r.FamilyID = famID
			if err := tx.concernsJoinFamily(id, famID); err != nil {
				return err
			}
		}
		r.Status = d.NextStatus()
		reason := d.Detail
		if d.Outcome == referral.RequestInfo {
			reason = d.Question
		}
		if _, err := tx.exec(`UPDATE referrals SET status = $1, decision = $2, decision_reason = $3, signposted_to = $4,
			decided_by = $5, decided_at = $6, family_id = $7, updated_at = $6 WHERE id = $8`,
			string(r.Status), d.Reason, reason, d.SignpostedTo, actor.StaffID, tx.now, nullID(r.FamilyID), id); err != nil {
			return fmt.Errorf("recording decision: %w", err)
		}
		r.Decision, r.DecisionReason, r.SignpostedTo, r.DecidedAt = d.Reason, reason, d.SignpostedTo, tx.now
		tx.Audit("referral.decide", "referral", id, r.FamilyID, string(d.Outcome))
		if mail != nil {
			if err := mail(tx, r, r.Reference); err != nil {
				return err
			}
		}
		out = r
		return nil
	})
	return out, err
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func (tx *Tx) openFamilyFromReferral(r ReferralRecord, by int64, links Links) (int64, error) {
	c := r.Content
	famID, _, err := tx.CreateFamily(NewFamily{AreaName: r.AreaName, Stage: family.Assessment, EDD: referral.Date(c.DueDate),
		ManagerID: managerIfTM(tx, by), AcceptedOn: tx.now})
	if err != nil {
		return 0, err
	}
	for i, p := range []referral.Parent{c.Parent1, c.Parent2} {
		person := family.Person{Kind: family.Parent, ParentSlot: i + 1, GivenName: p.GivenName, FamilyName: p.FamilyName,
			DateOfBirth:  referral.Date(p.DateOfBirth),
			Confidential: &family.Confidential{Address: p.Address, Postcode: p.Postcode, Phone: p.Phone, Email: p.Email, NHSNumber: p.NHSNumber}}
		if i == 0 && c.SafeContact != nil {
			person.Confidential.SafeContact = safeContactText(*c.SafeContact)
			if c.SafeContact.Number != "" && person.Confidential.Phone == "" {
				person.Confidential.Phone = c.SafeContact.Number
			}
		}
		link := links.Parent1
		if i == 1 {
			link = links.Parent2
		}
		person.LinkedPersonID = link
		if _, err := tx.AddPerson(famID, person); err != nil {
			return 0, err
		}
	}
	if _, err := tx.AddPerson(famID, family.Person{Kind: family.Baby}); err != nil {
		return 0, err
	}
	return famID, nil
}

// managerIfTM returns the staff id if they are a team manager (who then
// manages the new family), else 0.
func managerIfTM(tx *Tx, id int64) int64 {
	var role string
	if err := tx.queryRow(`SELECT role FROM staff WHERE id = $1`, id).Scan(&role); err != nil || role != string(policy.TeamManager) {
		return 0
	}
	return id
}

// RecordPublicSubmission notes a public form submission for rate limiting.
// The address is kept only as a keyed hash.
func (tx *Tx) RecordPublicSubmission(form, ip string) error {
	if _, err := tx.exec(`INSERT INTO public_submissions (at, form, ip_hash) VALUES ($1, $2, $3)`, tx.now, form, tx.db.index("public.ip", ip)); err != nil {
		return fmt.Errorf("recording submission: %w", err)
	}
	return nil
}

// PublicSubmissions counts an address's submissions of a form since a time.
func (db *DB) PublicSubmissions(ctx context.Context, form, ip string, since time.Time) (int, error) {
	var n int
	err := db.queryRow(ctx, `SELECT COUNT(*) FROM public_submissions WHERE form = $1 AND ip_hash = $2 AND at >= $3`,
		form, db.index("public.ip", ip), since.UTC()).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("counting submissions: %w", err)
	}
	return n, nil
}

// safeContactText records how a parent who referred themselves can be
// contacted safely, leaving out what they did not say.
func safeContactText(sc referral.SafeContact) string {
	if sc.SafeToContact != "yes" {
		return "Not safe to phone: contact only as agreed"
	}
	parts := []string{"Safe to phone"}
	if sc.Number != "" {
		parts = append(parts, "on "+sc.Number)
	}
	if sc.Times != "" {
		parts = append(parts, "at: "+sc.Times)
	}
	switch sc.LeaveMessage {
	case "yes":
		parts = append(parts, "(can leave a message)")
	case "no":
		parts = append(parts, "(do not leave a message)")
	}
	return strings.Join(parts, " ")
}
