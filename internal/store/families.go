package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cradle-org/cradle/internal/casework"
	"github.com/cradle-org/cradle/internal/family"
	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/risk"
	"github.com/cradle-org/cradle/internal/sharing"
)

// NewFamily is what is needed to open a family record.
type NewFamily struct {
	AreaName       string
	Stage          family.Stage
	EDD            time.Time
	ProgrammeStart time.Time
	AcceptedOn     time.Time
	ManagerID      int64
}

// CreateFamily opens a family record with the next reference (FAM-YYYY-NNNNNN).
func (tx *Tx) CreateFamily(n NewFamily) (int64, string, error) {
	area, err := tx.areaByName(n.AreaName)
	if err != nil {
		return 0, "", err
	}
	ref, err := tx.nextFamilyReference()
	if err != nil {
		return 0, "", err
	}
	var manager any
	if n.ManagerID != 0 {
		manager = n.ManagerID
	}
	id, err := tx.newID("families")
	if err != nil {
		return 0, "", err
	}
	_, err = tx.exec(`INSERT INTO families (id, reference, area_id, team_id, manager_id, stage, edd, programme_start, accepted_on, created_at, updated_at)
		VALUES ($1, $2, $3, (SELECT MIN(id) FROM teams WHERE area_id = $3), $4, $5, $6, $7, $8, $9, $9)`,
		id, ref, area.ID, manager, string(n.Stage), nullTime(n.EDD), nullTime(n.ProgrammeStart), nullTime(n.AcceptedOn), tx.now)
	if err != nil {
		return 0, "", fmt.Errorf("creating family: %w", err)
	}
	tx.Audit("family.create", "family", id, id, ref)
	return id, ref, nil
}

// nextFamilyReference numbers families per year (FAM-2026-000042) from a
// counter that starts, the first time a year is used, after the highest
// reference of that year in use or deleted: a deleted family's reference is
// never given to another.
func (tx *Tx) nextFamilyReference() (string, error) {
	year := tx.now.Year()
	name, prefix := fmt.Sprintf("family-%d", year), fmt.Sprintf("FAM-%d-", year)
	var value int64
	switch err := tx.queryRow(`SELECT value FROM counters WHERE name = $1`, name).Scan(&value); {
	case errors.Is(err, sql.ErrNoRows):
		var high int64
		for _, q := range []string{`SELECT MAX(reference) FROM families WHERE reference LIKE $1`,
			`SELECT MAX(family_reference) FROM retention_erasures WHERE family_reference LIKE $1`} {
			var ref sql.NullString
			if err := tx.queryRow(q, prefix+"%").Scan(&ref); err != nil {
				return "", fmt.Errorf("numbering family: %w", err)
			}
			var n int64
			if _, err := fmt.Sscanf(strings.TrimPrefix(ref.String, prefix), "%d", &n); err == nil && n > high {
				high = n
			}
		}
		if _, err := tx.exec(`INSERT INTO counters (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`, name, high); err != nil {
			return "", fmt.Errorf("numbering family: %w", err)
		}
	case err != nil:
		return "", fmt.Errorf("numbering family: %w", err)
	}
	n, err := tx.nextNumber(name)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s%06d", prefix, n), nil
}

// erasedIDs are, for the tables whose deleted rows leave a stub, their
// largest id and the largest deleted one. SQLite gives a new row the
// largest id plus one, so after the newest family's record was deleted
// under the retention schedule the next family would take its id, and with
// it the deleted family's audit history; new ids go past the deleted ones.
// A session removed as entered in error leaves its history (migration 47):
// a new session taking its id would take its history too.
var erasedIDs = map[string]string{
	"families":      `SELECT MAX(id) AS v FROM families UNION ALL SELECT MAX(family_id) FROM retention_erasures`,
	"people":        `SELECT MAX(id) AS v FROM people UNION ALL SELECT MAX(last_person_id) FROM retention_erasures`,
	"referrals":     `SELECT MAX(id) AS v FROM referrals UNION ALL SELECT MAX(referral_id) FROM referral_erasures`,
	"case_sessions": `SELECT MAX(id) AS v FROM case_sessions UNION ALL SELECT MAX(session_id) FROM case_session_history`,
}

// highestID is the statement reading the largest id table has given, its
// deleted rows' that leave a stub included (erasedIDs): 0 for none.
func highestID(table string) string {
	highest, ok := erasedIDs[table]
	if !ok {
		highest = `SELECT MAX(id) AS v FROM ` + table
	}
	return `SELECT COALESCE(MAX(v), 0) FROM (` + highest + `) ids`
}

// newID takes the id a new row of table will have, before it is written,
// so that its values can be sealed to it (SealedColumn.BindRow): on
// PostgreSQL from the identity's sequence, which never gives an id twice;
// on SQLite one past the largest (this transaction holds the write lock),
// and past the deleted ones' too where they leave a stub (erasedIDs).
func (tx *Tx) newID(table string) (int64, error) {
	q, next := `SELECT nextval(pg_get_serial_sequence('`+table+`', 'id'))`, int64(0)
	if tx.db.dialect != Postgres {
		q, next = highestID(table), 1
	}
	var id int64
	if err := tx.queryRow(q).Scan(&id); err != nil {
		return 0, fmt.Errorf("choosing the new %s row's id: %w", table, err)
	}
	return id + next, nil
}

// AddPerson adds a co-parent, the baby or another child, sealing their
// confidential details to their row (so its id is taken first).
func (tx *Tx) AddPerson(familyID int64, p family.Person) (int64, error) {
	c := p.Confidential
	if c == nil {
		c = &family.Confidential{}
	}
	id, err := tx.newID("people")
	if err != nil {
		return 0, err
	}
	var sealed [6]string
	for i, f := range []struct{ ctx, val string }{
		{"people.address", c.Address}, {"people.postcode", c.Postcode}, {"people.phone", c.Phone},
		{"people.email", c.Email}, {"people.safe_contact", c.SafeContact}, {"people.nhs_number", c.NHSNumber},
	} {
		s, err := tx.db.seal(rowContext(f.ctx, id), f.val)
		if err != nil {
			return 0, err
		}
		sealed[i] = s
	}
	var slot, household any
	if p.Kind == family.Parent {
		slot = p.ParentSlot
	}
	if p.Household != 0 {
		household = p.Household
	}
	exp := p.Experience
	if exp == "" {
		exp = family.NotKnown
	}
	_, err = tx.exec(`INSERT INTO people (id, family_id, kind, parent_slot, household, given_name, family_name, known_as, date_of_birth,
		gender, pronouns, experience, address_sealed, postcode_sealed, phone_sealed, email_sealed, safe_contact_sealed, nhs_number_sealed,
		linked_person_id, active, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, TRUE, $20, $20)`,
		id, familyID, string(p.Kind), slot, household, p.GivenName, p.FamilyName, p.KnownAs, nullTime(p.DateOfBirth),
		p.Gender, p.Pronouns, string(exp), sealed[0], sealed[1], sealed[2], sealed[3], sealed[4], sealed[5], nullID(p.LinkedPersonID), tx.now)
	if isUniqueViolation(err) {
		return 0, problem.New(problem.Conflict, "This family already has a parent %d", p.ParentSlot)
	}
	if err != nil {
		return 0, fmt.Errorf("adding person: %w", err)
	}
	if p.Kind == family.Parent {
		p.Confidential = c
		if err := tx.writeMatchKeys(id, identityOfPerson(p)); err != nil {
			return 0, err
		}
	}
	tx.Audit("person.create", "person", id, familyID, string(p.Kind))
	return id, nil
}

// Allocate makes staffID the current practitioner of a co-parent, ending any
// earlier allocation (kept as history). The co-parent's practitioner must be
// someone else: checked here and by a unique index.
func (tx *Tx) Allocate(familyID, personID, staffID, by int64) error {
	f, err := tx.db.familyRecord(tx.ctx, tx.q(), familyID)
	if err != nil {
		return err
	}
	// The allocation form's field for this parent, for the error summary.
	refuse := func(message string) error {
		return &problem.Error{Code: problem.Invalid, Message: message, Fields: []problem.Field{{Name: fmt.Sprintf("practitioner_%d", personID), Message: message}}}
	}
	switch err := f.CheckAllocation(personID, staffID); err {
	case nil:
	case family.ErrSamePractitioner:
		return refuse("Choose a different practitioner: this one already works with the other parent")
	default:
		return problem.New(problem.Invalid, "Practitioners are allocated to this family's co-parents only")
	}
	// Only a practitioner of the family's area (the form's list) may be
	// given a parent: an analyst, an administrator or another area's
	// practitioner posted by hand is refused as not on the list.
	var role string
	var disabled, inArea bool
	err = tx.queryRow(`SELECT role, disabled, EXISTS (SELECT 1 FROM staff_teams st JOIN teams t ON t.id = st.team_id WHERE st.staff_id = s.id AND t.area_id = $2)
		FROM staff s WHERE s.id = $1`, staffID, f.AreaID).Scan(&role, &disabled, &inArea)
	if errors.Is(err, sql.ErrNoRows) {
		return refuse("Choose a practitioner from the list")
	}
	if err != nil {
		return fmt.Errorf("reading the practitioner: %w", err)
	}
	if role != string(policy.Practitioner) {
		return refuse("Choose a practitioner from the list")
	}
	if disabled {
		return refuse("Choose a practitioner whose account is active")
	}
	if !inArea {
		return refuse("Choose a practitioner from the list: this one does not work in the family's area")
	}
	if _, err := tx.exec(`UPDATE allocations SET ended_at = $1, end_reason = 'reallocated' WHERE person_id = $2 AND ended_at IS NULL`, tx.now, personID); err != nil {
		return fmt.Errorf("ending allocation: %w", err)
	}
	var byID any
	if by != 0 {
		byID = by
	}
	if _, err := tx.insertID(`INSERT INTO allocations (family_id, person_id, staff_id, allocated_by, started_at) VALUES ($1, $2, $3, $4, $5)`,
		familyID, personID, staffID, byID, tx.now); err != nil {
		if isUniqueViolation(err) {
			return refuse("Choose a different practitioner: this one already works with the other parent")
		}
		return fmt.Errorf("allocating: %w", err)
	}
	tx.Audit("family.allocate", "person", personID, familyID, fmt.Sprintf("staff=%d", staffID))
	return nil
}

// familyColumns are what scanFamily reads, dates as text on SQLite (see
// timeText): a caseload reads seven dates for each of hundreds of families.
func (db *DB) familyColumns() string {
	t := db.timeText
	return `f.id, f.reference, f.area_id, a.name, COALESCE(f.team_id, 0), COALESCE(f.manager_id, 0), COALESCE(m.name, ''),
	f.stage, ` + t("f.edd") + `, ` + t("f.programme_start") + `, f.safeguarding_status, ` + t("f.closed_on") + `, f.closure_reason, ` +
		t("f.created_at") + `, ` + t("f.updated_at") + `, f.version, ` + t("f.accepted_on") + `, ` + t("f.assessment_completed_on") +
		`, COALESCE(m.disabled, FALSE)`
}

func scanFamily(row interface{ Scan(...any) error }) (family.Family, error) {
	var f family.Family
	var stage string
	var edd, start, closed, created, updated, accepted, assessed anyTime
	err := row.Scan(&f.ID, &f.Reference, &f.AreaID, &f.AreaName, &f.TeamID, &f.ManagerID, &f.ManagerName,
		&stage, &edd, &start, &f.SafeguardingStatus, &closed, &f.ClosureReason, &created, &updated,
		&f.Version, &accepted, &assessed, &f.ManagerDisabled)
	f.Stage = family.Stage(stage)
	f.EDD, f.ProgrammeStart, f.ClosedOn = edd.T, start.T, closed.T
	f.CreatedAt, f.UpdatedAt = created.T, updated.T
	f.AcceptedOn, f.AssessmentDoneOn = accepted.T, assessed.T
	return f, err
}

// familyRecord loads a family and its people without confidential details.
func (db *DB) familyRecord(ctx context.Context, q rowQuerier, id int64) (family.Family, error) {
	return db.familyWhere(ctx, q, `f.id = $1`, id, "There is no family with that reference")
}

// familyWhere reads the one family the condition on f picks, with its
// people; notFound is the message when there is none.
func (db *DB) familyWhere(ctx context.Context, q rowQuerier, cond string, arg int64, notFound string) (family.Family, error) {
	f, err := scanFamily(q.QueryRowContext(ctx, db.rebind(`SELECT `+db.familyColumns()+`
		FROM families f JOIN areas a ON a.id = f.area_id LEFT JOIN staff m ON m.id = f.manager_id WHERE `+cond), arg))
	if errors.Is(err, sql.ErrNoRows) {
		return f, problem.New(problem.NotFound, "%s", notFound)
	}
	if err != nil {
		return f, fmt.Errorf("reading family: %w", err)
	}
	people, err := db.loadPeople(ctx, q, []int64{f.ID})
	if err != nil {
		return f, err
	}
	f.People = people[f.ID]
	return f, nil
}

// joiningLater is a people row's family.Person.JoiningLater: read only for
// a parent not taking part (the CASE asks nothing of the rest), from their
// current departure. That a parent is joining later, rather than left, is
// not confidential: their co-parent's practitioner sees when, not why.
const joiningLater = `CASE WHEN p.active THEN FALSE ELSE EXISTS (SELECT 1 FROM departures d
		WHERE d.person_id = p.id AND d.rejoined_on IS NULL AND d.reason = 'joining_later') END`

// loadPeople reads the members of several families in one query, with each
// co-parent's current practitioner; no confidential details.
func (db *DB) loadPeople(ctx context.Context, q rowQuerier, familyIDs []int64) (map[int64][]family.Person, error) {
	out := make(map[int64][]family.Person, len(familyIDs))
	if len(familyIDs) == 0 {
		return out, nil
	}
	in, args := db.inList(familyIDs)
	rows, err := q.QueryContext(ctx, db.rebind(`SELECT p.id, p.family_id, p.kind, COALESCE(p.parent_slot, 0), COALESCE(p.household, 0), p.given_name, p.family_name,
		p.known_as, `+db.timeText("p.date_of_birth")+`, p.gender, p.pronouns, p.experience, p.active, `+joiningLater+`, COALESCE(al.staff_id, 0), COALESCE(s.name, ''),
		COALESCE(s.disabled, FALSE), p.version, p.address_confidential, COALESCE(p.linked_person_id, 0)
		FROM people p
		LEFT JOIN allocations al ON al.person_id = p.id AND al.ended_at IS NULL
		LEFT JOIN staff s ON s.id = al.staff_id
		WHERE p.family_id IN (`+in+`) ORDER BY p.family_id, p.kind DESC, p.parent_slot, p.id`), args...)
	if err != nil {
		return nil, fmt.Errorf("reading family members: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var p family.Person
		var kind, exp string
		var dob anyTime
		if err := rows.Scan(&p.ID, &p.FamilyID, &kind, &p.ParentSlot, &p.Household, &p.GivenName, &p.FamilyName, &p.KnownAs, &dob,
			&p.Gender, &p.Pronouns, &exp, &p.Active, &p.JoiningLater, &p.PractitionerID, &p.PractitionerName,
			&p.PractitionerDisabled, &p.Version, &p.AddressConfidential, &p.LinkedPersonID); err != nil {
			return nil, fmt.Errorf("reading family member: %w", err)
		}
		p.Kind, p.Experience, p.DateOfBirth = family.Kind(kind), family.Experience(exp), dob.T
		out[p.FamilyID] = append(out[p.FamilyID], p)
	}
	return out, rows.Err()
}

// activeOverrides lists the actor's break-glass grants for a family's people.
func (db *DB) activeOverrides(ctx context.Context, q rowQuerier, staffID, familyID int64, now time.Time) ([]policy.Override, error) {
	rows, err := q.QueryContext(ctx, db.rebind(`SELECT o.staff_id, o.person_id, o.reason, o.expires_at FROM overrides o
		JOIN people p ON p.id = o.person_id WHERE o.staff_id = $1 AND p.family_id = $2 AND o.expires_at > $3`), staffID, familyID, now)
	if err != nil {
		return nil, fmt.Errorf("reading overrides: %w", err)
	}
	defer rows.Close()
	var out []policy.Override
	for rows.Next() {
		var o policy.Override
		if err := rows.Scan(&o.StaffID, &o.PersonID, &o.Reason, &o.ExpiresAt); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// ReadFamily is the one way to read a family record. It asks the policy
// whether the actor may see the family, and for each co-parent whether they
// may see that parent's confidential details; it decrypts only what is
// allowed, and audits the read (and any override used) in one transaction.
func (db *DB) ReadFamily(ctx context.Context, actor policy.Actor, id int64) (family.Family, error) {
	var out family.Family
	err := db.View(ctx, func(tx *Tx) error {
		f, err := tx.readFamily(actor, id)
		out = f
		return err
	})
	return out, err
}

// readFamily is ReadFamily inside a transaction: the policy decides, the
// confidential details come only where allowed, and the view is audited.
func (tx *Tx) readFamily(actor policy.Actor, id int64) (family.Family, error) {
	f, err := tx.viewFamily(actor, id)
	if err != nil {
		return f, err
	}
	for i, p := range f.People {
		if p.Kind != family.Parent {
			continue
		}
		d := policy.Decide(actor, policy.ViewConfidential, f.PersonTarget(p, f.Overrides), tx.now)
		if !d.Allowed {
			continue
		}
		c, err := tx.confidential(p.ID)
		if err != nil {
			return family.Family{}, err
		}
		f.People[i].Confidential = &c
		if d.Override {
			tx.Audit("person.confidential.override_view", "person", p.ID, id, "break-glass override used")
		}
	}
	tx.Audit("family.view", "family", id, id, "")
	return f, nil
}

// viewFamily reads a family, without its parents' contact details, for an
// actor the policy lets view it (refused with Forbidden otherwise), with the
// actor's break-glass grants on its parents in Overrides. The caller audits
// the view.
func (tx *Tx) viewFamily(actor policy.Actor, id int64) (family.Family, error) {
	f, err := tx.db.familyRecord(tx.ctx, tx.q(), id)
	if err != nil {
		return f, err
	}
	if d := policy.Decide(actor, policy.ViewFamily, f.Target(), tx.now); !d.Allowed {
		return family.Family{}, d.Err()
	}
	if f.Overrides, err = tx.db.activeOverrides(tx.ctx, tx.q(), actor.StaffID, id, tx.now); err != nil {
		return family.Family{}, err
	}
	return f, nil
}

// FamilyPage is what a family's page shows.
type FamilyPage struct {
	Family   family.Family
	Progress Progress
	Tasks    []Task
	Risk     RiskSummary
	// NextAppointment is each parent's next appointment still standing,
	// today's or later, for the parents whose confidential details the
	// reader may see (Family's parents with Confidential), and no others.
	NextAppointment map[int64]casework.Appointment
	// ChildRisks are the assessments of risk to the baby and the other
	// children, the latest first (Risk's ChildLevel is the current one's:
	// risk.CurrentChildRisk);
	// RemovedChildRisks those removed as entered in error.
	ChildRisks        []ChildRiskEntry
	RemovedChildRisks []RemovedChildRisk
	Team              []sharing.Professional // those in it now
	FormerTeam        []sharing.Professional // those who have left it, the latest first
	// RemovedTeam are those removed from it as added in error.
	RemovedTeam []RemovedProfessional
	Shares      []sharing.Share
	// Disclosures removed as entered in error, the latest shared first.
	RemovedShares []RemovedShare
	Consents      []sharing.Consent
	Meetings      []sharing.Meeting
	// Meetings removed as entered in error, the latest held first.
	RemovedMeetings []RemovedMeeting
	StatusHistory   []StatusChange
	Activity        []Activity // the latest, at most the number asked for
	Closures        []ClosureRecord
}

// ReadFamilyPage reads a family as ReadFamily does and, in the same
// snapshot and under the same audited view, everything else its page
// shows: progress, open tasks, the risk picture and the assessments of risk
// to the children, the team around the baby,
// the sharing log and consents (each about a parent withheld from a reader
// who may not see that parent's confidential details), meetings, status
// history, the latest
// activity and past closures, with each parent's closing summary (withheld
// as the sharing log is). One read-only transaction instead of ten
// statements each on its own: nothing on the page is from a later moment
// than the family it is about, and on SQLite the page reads the database
// once after other connections' commits rather than up to ten times.
func (db *DB) ReadFamilyPage(ctx context.Context, actor policy.Actor, id int64, activity int) (FamilyPage, error) {
	var out FamilyPage
	err := db.View(ctx, func(tx *Tx) error {
		f, err := tx.readFamily(actor, id)
		if err != nil {
			return err
		}
		q := tx.q()
		out.Family = f
		if out.NextAppointment, err = tx.nextAppointments(f); err != nil {
			return err
		}
		progress, err := db.progress(ctx, q, []int64{f.ID})
		if err != nil {
			return err
		}
		out.Progress = progress[f.ID]
		if out.Tasks, err = db.openTasks(ctx, q, f.ID); err != nil {
			return err
		}
		// A task to follow up a measure's answer tells that a withheld
		// answer raised an alarm: listed only for those who may see that
		// person's measures.
		out.Tasks = slices.DeleteFunc(out.Tasks, func(t Task) bool {
			if t.Kind != "measure_follow_up" || t.PersonID == 0 {
				return false
			}
			pt, ok := personTargetIn(f, t.PersonID, f.Overrides)
			return !ok || !policy.Can(actor, policy.ViewMeasures, pt, tx.now)
		})
		var parents []int64
		for _, p := range f.Parents() {
			parents = append(parents, p.ID)
		}
		if out.Risk, err = db.familyRiskSummary(ctx, q, f.ID, parents); err != nil {
			return err
		}
		if out.ChildRisks, out.RemovedChildRisks, err = db.familyChildRisks(ctx, q, f.ID); err != nil {
			return err
		}
		currentChildRisk(f, out.ChildRisks, out.RemovedChildRisks, &out.Risk)
		if out.Team, out.FormerTeam, out.RemovedTeam, err = db.familyProfessionals(ctx, q, f.ID); err != nil {
			return err
		}
		if out.Shares, out.RemovedShares, err = db.familyShares(ctx, q, actor, f, tx.now); err != nil {
			return err
		}
		// Consents removed as entered in error are listed on each parent's
		// page, not here.
		if out.Consents, _, err = db.consents(ctx, q, actor, f, parents, tx.now, false); err != nil {
			return err
		}
		if out.Meetings, out.RemovedMeetings, err = db.familyMeetings(ctx, q, f.ID); err != nil {
			return err
		}
		if out.StatusHistory, err = db.statusHistory(ctx, q, f.ID); err != nil {
			return err
		}
		if out.Activity, err = db.recentActivity(ctx, q, f.ID, activity); err != nil {
			return err
		}
		out.Closures, err = db.closures(ctx, q, actor, f, tx.now)
		return err
	})
	return out, err
}

func (tx *Tx) confidential(personID int64) (family.Confidential, error) {
	var c family.Confidential
	var s [6]string
	if err := tx.queryRow(`SELECT address_sealed, postcode_sealed, phone_sealed, email_sealed, safe_contact_sealed, nhs_number_sealed FROM people WHERE id = $1`, personID).
		Scan(&s[0], &s[1], &s[2], &s[3], &s[4], &s[5]); err != nil {
		return c, fmt.Errorf("reading confidential details: %w", err)
	}
	var err error
	for i, f := range []struct {
		ctx string
		dst *string
	}{{"people.address", &c.Address}, {"people.postcode", &c.Postcode}, {"people.phone", &c.Phone}, {"people.email", &c.Email},
		{"people.safe_contact", &c.SafeContact}, {"people.nhs_number", &c.NHSNumber}} {
		if *f.dst, err = tx.db.open(rowContext(f.ctx, personID), s[i]); err != nil {
			return c, err
		}
	}
	return c, nil
}

// CaseloadEntry is one line of a caseload list.
type CaseloadEntry struct {
	FamilyID  int64
	Reference string
	AreaName  string
	Stage     family.Stage
	EDD       time.Time
	Parents   []family.Person
	// Family is the record without confidential details (for the timeline):
	// its parents and baby, without their identity details.
	Family family.Family
	// LastContact is each co-parent's last attended session.
	LastContact map[int64]time.Time
	// Progress counts the family's sessions and VIG cycles.
	Progress Progress
	// Paused maps co-parents whose sessions are paused to the reason.
	Paused map[int64]string
	// RiskLevel maps co-parents with a completed DASH assessment to their
	// latest level.
	RiskLevel map[int64]risk.Level
	// Read is a number this store gave to the reading of the family from
	// the database that the entry holds, never 0: an entry with the same
	// Read holds the same values (the caseload cache hands out one reading
	// until the family changes), so a caller may keep what it works out
	// from an entry by it.
	Read uint64
}

// familyScope narrows a query on families f to those the actor's role
// could see: a practitioner's allocated families, a team manager's areas,
// everything for a DSL. It is an optimisation, not the access check: the
// caller still asks the policy about each family. False means the role
// sees no families at all.
func (db *DB) familyScope(actor policy.Actor) (string, []any, bool) {
	switch actor.Role {
	case policy.Practitioner:
		return `f.id IN (SELECT family_id FROM allocations WHERE staff_id = $1 AND ended_at IS NULL)`, []any{actor.StaffID}, true
	case policy.TeamManager:
		if len(actor.Areas) == 0 {
			return "", nil, false
		}
		in, args := db.inList(actor.Areas)
		return `f.area_id IN (` + in + `)`, args, true
	case policy.DSL:
		return `1 = 1`, nil, true
	}
	return "", nil, false
}

// CaseloadLimit is the most open families one caseload covers: the page
// works out what is overdue for every family it lists, so a whole
// organisation cannot be listed at once. A list that reaches it says so.
const CaseloadLimit = 500

// Caseload lists the families the actor may see: a practitioner's own
// families, a manager's areas, every family for a DSL. Each family is checked
// by the policy, and the list view is audited.
func (db *DB) Caseload(ctx context.Context, actor policy.Actor) ([]CaseloadEntry, error) {
	out, _, err := db.CaseloadCapped(ctx, actor)
	return out, err
}

// CaseloadCapped is Caseload, also saying whether more open families were
// in scope than the CaseloadLimit it lists (those with the lowest
// references). What it reads about each family is kept (caseloadCache)
// and read again only when the family's change count has moved.
func (db *DB) CaseloadCapped(ctx context.Context, actor policy.Actor) ([]CaseloadEntry, bool, error) {
	return db.caseload(ctx, actor, db.caseloads, nil)
}

// CaseloadView is a caseload as its page shows it: the families (as
// CaseloadCapped), whether more were in scope than it lists, and the
// reader's own open tasks.
type CaseloadView struct {
	Entries []CaseloadEntry
	Capped  bool
	Tasks   []MyTask
}

// CaseloadWithTasks is CaseloadCapped with the reader's open tasks, read
// in the same audited snapshot (the tasks name families by reference).
func (db *DB) CaseloadWithTasks(ctx context.Context, actor policy.Actor) (CaseloadView, error) {
	var v CaseloadView
	entries, capped, err := db.caseload(ctx, actor, db.caseloads, func(tx *Tx) error {
		var err error
		v.Tasks, err = tx.tasksFor(actor.StaffID)
		return err
	})
	v.Entries, v.Capped = entries, capped
	return v, err
}

// caseload is CaseloadCapped with the cache to use (a test reads afresh
// with an empty one), and also, if not nil, run in the same view.
func (db *DB) caseload(ctx context.Context, actor policy.Actor, cache *caseloadCache, also func(tx *Tx) error) ([]CaseloadEntry, bool, error) {
	where, args, ok := db.familyScope(actor)
	if !ok {
		return nil, false, problem.New(problem.Forbidden, "your role does not have a caseload")
	}
	var out []CaseloadEntry
	more := false
	err := db.View(ctx, func(tx *Tx) error {
		// The epoch and the counts in one statement (one snapshot, one
		// round trip), then the families: nothing kept is older than the
		// count it is kept with. The epoch comes on every row.
		rows, err := tx.query(`SELECT f.id, COALESCE(c.n, 0), (SELECT COALESCE(MAX(e.n), 0) FROM caseload_changes e WHERE e.family_id = 0)
			FROM families f LEFT JOIN caseload_changes c ON c.family_id = f.id
			WHERE `+where+` AND f.stage <> 'closed' ORDER BY f.reference LIMIT `+strconv.Itoa(CaseloadLimit+1), args...)
		if err != nil {
			return fmt.Errorf("listing caseload: %w", err)
		}
		var ids, counts []int64
		var epoch int64
		for rows.Next() {
			var id, n int64
			if err := rows.Scan(&id, &n, &epoch); err != nil {
				return dropRows(rows, fmt.Errorf("reading caseload: %w", err))
			}
			if len(ids) == CaseloadLimit {
				more = true
				continue
			}
			ids, counts = append(ids, id), append(counts, n)
		}
		if err := doneRows(rows); err != nil {
			return fmt.Errorf("listing caseload: %w", err)
		}
		// With no families no epoch was read: the cache is left as it is.
		var entries []CaseloadEntry // in ids' order; FamilyID 0 where not kept
		var missing []int64
		if len(ids) > 0 {
			entries, missing = cache.lookup(epoch, ids, counts, tx.now)
		}
		if len(missing) > 0 {
			read, err := tx.caseloadEntries(ctx, missing)
			if err != nil {
				return err
			}
			cache.put(epoch, read, ids, counts, tx.now)
			for i, id := range ids {
				if entries[i].FamilyID == 0 {
					entries[i] = read[id] // zero if the family has gone
				}
			}
		}
		// Filtered in place: the entries are large, and a DSL's are 500.
		out = entries[:0]
		for _, e := range entries {
			// A family closed or erased between the two reads is left out.
			if e.FamilyID == 0 || e.Stage == family.Closed || !policy.Can(actor, policy.ViewFamily, e.Family.Target(), tx.now) {
				continue
			}
			out = append(out, e)
		}
		if also != nil {
			if err := also(tx); err != nil {
				return err
			}
		}
		tx.Audit("caseload.view", "", 0, 0, fmt.Sprintf("%d families listed", len(out)))
		return nil
	})
	return out, more, err
}

// caseloadEntries reads what a caseload shows of each family: its record
// without identity details, parents and babies, each parent's last
// attended session, progress, pauses and safety plan reviews.
func (tx *Tx) caseloadEntries(ctx context.Context, ids []int64) (map[int64]CaseloadEntry, error) {
	db := tx.db
	in, args := db.inList(ids)
	rows, err := tx.query(`SELECT `+db.familyColumns()+` FROM families f JOIN areas a ON a.id = f.area_id LEFT JOIN staff m ON m.id = f.manager_id
		WHERE f.id IN (`+in+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("reading caseload: %w", err)
	}
	var fams []family.Family
	for rows.Next() {
		f, err := scanFamily(rows)
		if err != nil {
			return nil, dropRows(rows, fmt.Errorf("reading caseload: %w", err))
		}
		fams = append(fams, f)
	}
	if err := doneRows(rows); err != nil {
		return nil, fmt.Errorf("reading caseload: %w", err)
	}
	people, last, err := tx.caseloadPeople(ids)
	if err != nil {
		return nil, err
	}
	progress, err := db.progress(ctx, tx.q(), ids)
	if err != nil {
		return nil, err
	}
	paused, err := tx.activePauses(ids)
	if err != nil {
		return nil, err
	}
	var parents []int64
	for _, f := range fams {
		for _, p := range people[f.ID] {
			if p.Kind == family.Parent {
				parents = append(parents, p.ID)
			}
		}
	}
	levels, err := db.riskLevels(ctx, tx.q(), parents)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]CaseloadEntry, len(fams))
	for _, f := range fams {
		f.People = people[f.ID]
		e := CaseloadEntry{FamilyID: f.ID, Reference: f.Reference, AreaName: f.AreaName, Stage: f.Stage, EDD: f.EDD,
			Parents: f.Parents(), Family: f, Progress: progress[f.ID], Read: db.readings.Add(1)}
		// Each entry holds its own parents' facts (entries are kept apart),
		// in maps made only when there is something to hold (entries are
		// kept by the thousand; a nil map reads as empty).
		for _, p := range f.People {
			if t, ok := last[p.ID]; ok {
				e.LastContact = setKey(e.LastContact, p.ID, t)
			}
			if r, ok := paused[p.ID]; ok {
				e.Paused = setKey(e.Paused, p.ID, r)
			}
			if l, ok := levels[p.ID]; ok {
				e.RiskLevel = setKey(e.RiskLevel, p.ID, l)
			}
		}
		out[f.ID] = e
	}
	return out, nil
}

// setKey sets m[k] = v, making m first if it is nil.
func setKey[V any](m map[int64]V, k int64, v V) map[int64]V {
	if m == nil {
		m = map[int64]V{}
	}
	m[k] = v
	return m
}

// FamilyTarget describes a family to the policy without reading anyone's
// personal details: for pages about a record rather than its contents, such
// as "who looked at this record".
func (db *DB) FamilyTarget(ctx context.Context, id int64) (policy.Target, string, error) {
	t := policy.Target{FamilyID: id, Practitioners: map[int64]int64{}}
	var ref, stage string
	err := db.queryRow(ctx, `SELECT reference, area_id, stage FROM families WHERE id = $1`, id).Scan(&ref, &t.AreaID, &stage)
	if errors.Is(err, sql.ErrNoRows) {
		return t, "", problem.New(problem.NotFound, "There is no family with that reference")
	}
	if err != nil {
		return t, "", fmt.Errorf("reading family: %w", err)
	}
	t.Closed = stage == string(family.Closed)
	rows, err := db.query(ctx, `SELECT p.id, COALESCE(al.staff_id, 0) FROM people p
		LEFT JOIN allocations al ON al.person_id = p.id AND al.ended_at IS NULL
		WHERE p.family_id = $1 AND p.kind = 'parent'`, id)
	if err != nil {
		return t, "", fmt.Errorf("reading allocations: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var pid, sid int64
		if err := rows.Scan(&pid, &sid); err != nil {
			return t, "", err
		}
		t.Practitioners[pid] = sid
	}
	return t, ref, rows.Err()
}

// caseloadPeople reads the families' parents and babies with what a
// caseload shows of them (names, practitioner, date of birth; not the
// other children, identity details or record versions) and each parent's
// last attended session, in one statement: a manager's caseload reads
// about a thousand people, and the driver's cost is per column. Each last
// contact is one seek down case_sessions_family_attendance (family,
// attendance, person, date), not a read of every attended session.
func (tx *Tx) caseloadPeople(familyIDs []int64) (map[int64][]family.Person, map[int64]time.Time, error) {
	people, last := make(map[int64][]family.Person, len(familyIDs)), map[int64]time.Time{}
	if len(familyIDs) == 0 {
		return people, last, nil
	}
	in, args := tx.db.inList(familyIDs)
	rows, err := tx.query(`SELECT p.id, p.family_id, p.kind, COALESCE(p.parent_slot, 0), p.given_name, p.family_name, p.known_as,
		`+tx.db.timeText("p.date_of_birth")+`, p.active, `+joiningLater+`, COALESCE(al.staff_id, 0), COALESCE(s.name, ''), COALESCE(s.disabled, FALSE),
		CASE WHEN p.kind = 'parent' THEN (SELECT `+tx.db.timeText("cs.held_on")+` FROM case_sessions cs
			WHERE cs.family_id = p.family_id AND cs.attendance = 'attended' AND cs.person_id = p.id ORDER BY cs.held_on DESC LIMIT 1) END
		FROM people p
		LEFT JOIN allocations al ON al.person_id = p.id AND al.ended_at IS NULL
		LEFT JOIN staff s ON s.id = al.staff_id
		WHERE p.family_id IN (`+in+`) AND p.kind IN ('parent', 'baby') ORDER BY p.family_id, p.kind DESC, p.parent_slot, p.id`, args...)
	if err != nil {
		return nil, nil, fmt.Errorf("reading caseload parents: %w", err)
	}
	for rows.Next() {
		var p family.Person
		var kind string
		var dob, contact anyTime
		if err := rows.Scan(&p.ID, &p.FamilyID, &kind, &p.ParentSlot, &p.GivenName, &p.FamilyName, &p.KnownAs,
			&dob, &p.Active, &p.JoiningLater, &p.PractitionerID, &p.PractitionerName, &p.PractitionerDisabled, &contact); err != nil {
			return nil, nil, dropRows(rows, fmt.Errorf("reading caseload parent: %w", err))
		}
		p.Kind, p.DateOfBirth = family.Kind(kind), dob.T
		people[p.FamilyID] = append(people[p.FamilyID], p)
		if !contact.T.IsZero() {
			last[p.ID] = contact.T
		}
	}
	if err := doneRows(rows); err != nil {
		return nil, nil, fmt.Errorf("reading caseload parents: %w", err)
	}
	return people, last, nil
}

// activePauses maps every parent in the families whose sessions are paused
// now to the reason.
func (tx *Tx) activePauses(familyIDs []int64) (map[int64]string, error) {
	if len(familyIDs) == 0 {
		return map[int64]string{}, nil
	}
	in, args := tx.db.inList(familyIDs)
	rows, err := tx.query(`SELECT person_id, reason FROM pauses WHERE ended_on IS NULL AND person_id IS NOT NULL AND family_id IN (`+in+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("reading pauses: %w", err)
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var pid int64
		var reason string
		if err := rows.Scan(&pid, &reason); err != nil {
			return nil, err
		}
		out[pid] = reason
	}
	return out, rows.Err()
}

// riskLevels maps each of the parents with a completed DASH assessment to
// the level of their latest (by date, then the later recorded), as the
// family's risk summary gives it. By person, so the read uses the index on
// a parent's assessments.
func (db *DB) riskLevels(ctx context.Context, q rowQuerier, parents []int64) (map[int64]risk.Level, error) {
	out := map[int64]risk.Level{}
	if len(parents) == 0 {
		return out, nil
	}
	in, args := db.inList(parents)
	rows, err := q.QueryContext(ctx, db.rebind(`SELECT person_id, level FROM risk_assessments WHERE person_id IN (`+in+`) AND status = 'complete' AND kind = 'dash'
		ORDER BY person_id, assessed_on DESC, id DESC`), args...)
	if err != nil {
		return nil, fmt.Errorf("reading risk levels: %w", err)
	}
	for rows.Next() {
		var pid int64
		var level string
		if err := rows.Scan(&pid, &level); err != nil {
			return nil, dropRows(rows, fmt.Errorf("reading risk levels: %w", err))
		}
		if _, seen := out[pid]; !seen { // the latest comes first
			out[pid] = risk.Level(level)
		}
	}
	if err := doneRows(rows); err != nil {
		return nil, fmt.Errorf("reading risk levels: %w", err)
	}
	return out, nil
}
