package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/cradle-org/cradle/internal/casework"
	"github.com/cradle-org/cradle/internal/family"
	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/sharing"
)

// BreakGlassFor is how long a break-glass reveal lasts.
const BreakGlassFor = time.Hour

// PersonRecord is one person's page: the person (with confidential details
// only if the reader may see them), their family, sessions and VIG cycles.
type PersonRecord struct {
	Family   family.Family
	Person   family.Person
	Sessions []casework.Session
	// SessionsTotal is how many sessions of the kind asked for there are,
	// and SessionsOffset where Sessions starts among them, when a read
	// asked for one page (ReadPersonPage); otherwise Sessions is all.
	SessionsTotal  int
	SessionsOffset int
	VIG            []casework.VIGCycle
	CanSeeConf     bool
	ViaOverride    bool
	OverrideEnds   time.Time
	CanEdit        bool // may record sessions and edit contact details (own practitioner, team manager)
	CanEditDetails bool // may correct the person's name, date of birth and the rest (the family's practitioners, team manager)
	CanBreakGlass  bool
	// CanSeeMeasures and CanRecordMeasures are policy.ViewMeasures and
	// RecordMeasure: for a parent, as their confidential details; for the
	// baby, both practitioners, wherever the baby lives.
	CanSeeMeasures    bool
	CanRecordMeasures bool
	JointSafe         bool // both practitioners have recorded joint sessions are safe
	JointSafeByMe     bool
	CanSupervise      bool // may add supervision notes (team managers)
	Pauses            []casework.Pause
	Departures        []casework.Departure // times away from the programme, latest first (read with the pauses)
	Reminders         []casework.Reminder  // reminders set about a parent, open ones first (PersonReminders)
	Documents         []casework.Document  // documents on a parent's record, newest first, without their files (PersonDocuments)
	// Appointments are a parent's appointments still standing, soonest
	// first, for a reader who may see their confidential details
	// (PersonAppointments); none otherwise, not even that one is booked.
	Appointments []casework.Appointment
	// Attended says a parent taking part has attended a session, so has
	// started and cannot be recorded as joining later (from the module
	// counts, PersonModules, for those who may edit the record).
	Attended bool
	// ModuleSessions counts the sessions a parent attended on each module
	// of the programme's content, "" for those recorded with none
	// (PersonModules). A confidential session's module is not withheld
	// (its topic and notes are), so the counts follow the sessions list.
	ModuleSessions map[string]int
	Risk           []RiskRecord
	Incidents      []Incident
	Changes        []CircumstanceChange // newest first
	MARACReferrals []MARACEntry         // newest first (PersonMARAC)
	SafetyPlan     *SafetyPlan
	Measures       []MeasureResult
	// Consents are the person's consents to share, read (PersonConsents)
	// only for a reader who may edit the record, each withheld as
	// ReadFamilyPage withholds it.
	Consents []sharing.Consent
	// Removed are the results marked as entered in error, oldest removal
	// first (read by ReadPersonMeasures for one measure's page).
	Removed []RemovedMeasure
	// RemovedEntries are the incidents, changes in circumstances, MARAC
	// referrals, VIG cycles and consents removed as entered in error
	// (PersonIncidents, PersonChanges, PersonMARAC, PersonVIG, the
	// consents), each kind newest first.
	RemovedEntries []RemovedEntry
	// RemovedSessions are, when the page asked for them (SessionPage's
	// "removed"), one page of the sessions and notes removed as entered
	// in error, newest first: what and when, never what they said.
	RemovedSessions []casework.SessionVersion
	// Closings are the closing summaries written about the parent, newest
	// closure first (PersonClosings), for a reader who may see their
	// confidential details.
	Closings []PersonClosing
	// Disclosures are the sharing log's entries about the parent and about
	// their family as a whole, newest first (PersonDisclosures), for a
	// reader who may see their confidential details; none removed as
	// entered in error.
	Disclosures []sharing.Share
	// ChildRisks are, on the baby's or another child's page, the
	// assessments of risk to the children about them or about all the
	// children, newest first (PersonChildRisks); none removed.
	ChildRisks []ChildRiskEntry
}

// RemovedMeasure is a result marked as entered in error: kept in the
// record, left out of charts, reports and extracts, and shown on its
// measure's page with when, by whom and why it was removed. The reason
// follows the person's confidentiality, as the answers do.
type RemovedMeasure struct {
	ID                    int64
	Instrument, Timepoint string
	TakenOn, RemovedAt    time.Time
	RemovedBy, Reason     string
	Withheld              bool // the reason, from a reader who may not see the person's confidential details
}

// removedMeasures reads a person's results removed as entered in error.
func (tx *Tx) removedMeasures(personID int64, seeConfidential bool) ([]RemovedMeasure, error) {
	rows, err := tx.query(`SELECT m.id, m.instrument, m.timepoint, m.taken_on, m.removed_at, COALESCE(s.name, ''), m.removed_reason_sealed
		FROM measure_results m LEFT JOIN staff s ON s.id = m.removed_by WHERE m.person_id = $1 AND m.removed_at IS NOT NULL ORDER BY m.removed_at, m.id`, personID)
	if err != nil {
		return nil, fmt.Errorf("reading removed results: %w", err)
	}
	defer rows.Close()
	var out []RemovedMeasure
	for rows.Next() {
		var m RemovedMeasure
		var sealed string
		if err := rows.Scan(&m.ID, &m.Instrument, &m.Timepoint, &m.TakenOn, &m.RemovedAt, &m.RemovedBy, &sealed); err != nil {
			return nil, fmt.Errorf("reading removed results: %w", err)
		}
		if !seeConfidential {
			m.Withheld = true
		} else if m.Reason, err = tx.db.open(rowContext("measure_results.removed_reason", m.ID), sealed); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// PersonClosing is a closure of the parent's family with what the closing
// manager wrote about the work with this parent.
type PersonClosing struct {
	ClosedOn time.Time
	Reason   string
	Summary  string
}

// personInFamily reads a person's family (the family found from the person
// in the same statement) and the person in it.
func (db *DB) personInFamily(ctx context.Context, q rowQuerier, personID int64) (family.Family, family.Person, error) {
	f, err := db.familyWhere(ctx, q, `f.id = (SELECT family_id FROM people WHERE id = $1)`, personID, "There is no such person")
	if err != nil {
		return f, family.Person{}, err
	}
	for _, p := range f.People {
		if p.ID == personID {
			return f, p, nil
		}
	}
	return f, family.Person{}, problem.New(problem.NotFound, "There is no such person")
}

// personView finds a person and their family and asks the policy whether
// the actor may view the person, with any break-glass override in force:
// the check every read of a person's pages starts with.
func (db *DB) personView(ctx context.Context, tx *Tx, actor policy.Actor, personID int64) (family.Family, family.Person, policy.Target, error) {
	f, p, err := db.personInFamily(ctx, tx.q(), personID)
	if err != nil {
		return f, p, policy.Target{}, err
	}
	overrides, err := db.activeOverrides(ctx, tx.q(), actor.StaffID, f.ID, tx.now)
	if err != nil {
		return f, p, policy.Target{}, err
	}
	t, err := tx.viewPerson(actor, f, p, overrides)
	return f, p, t, err
}

// viewPerson asks the policy whether actor may view p, of a family already
// read, with the actor's break-glass grants on it (overrides); the target
// it decided on, for what else the actor may do there.
func (tx *Tx) viewPerson(actor policy.Actor, f family.Family, p family.Person, overrides []policy.Override) (policy.Target, error) {
	t := f.PersonTarget(p, overrides)
	if d := policy.Decide(actor, policy.ViewPerson, t, tx.now); !d.Allowed {
		return t, d.Err()
	}
	return t, nil
}

// PersonParts names what a read of a person fills beyond the person, their
// family and the reader's access flags, so that a page reads what it shows
// (each part is a statement or two, a round trip each on PostgreSQL).
type PersonParts uint

const (
	PersonContact          PersonParts = 1 << iota // confidential contact details, when the reader may see them
	PersonSessions                                 // sessions, contacts and supervision notes
	PersonVIG                                      // VIG cycles
	PersonJointSafety                              // whether joint sessions are safe
	PersonPauses                                   // pauses, and times away from the programme
	PersonRisk                                     // DASH assessments (parents)
	PersonIncidents                                // incidents (parents)
	PersonSafetyPlan                               // the safety plan (parents)
	PersonMeasures                                 // outcome measure results
	PersonConsents                                 // their consents to share (parents), when the reader may edit the record
	PersonClosings                                 // their closing summaries (parents), when the reader may see confidential details; not on the person page
	PersonChanges                                  // changes in circumstances (parents), read with the incidents
	PersonConsentsToReview                         // their consents to share (parents), when the reader may see confidential details: for a subject access export
	PersonDisclosures                              // disclosures to other agencies about them or their family (parents), when the reader may see confidential details: for a subject access export
	PersonMARAC                                    // MARAC referrals (parents), read with the incidents
	PersonChildRisks                               // assessments of risk to the children that cover them (the baby and other children)
	PersonReminders                                // reminders staff set about them (parents), the words when the reader may see confidential details
	PersonDocuments                                // documents kept on their record (parents), without their files, when the reader may see confidential details
	PersonModules                                  // the sessions a parent attended on each module of the programme's content, and so whether they have attended one (for the joining-later form)
	PersonAppointments                             // their appointments still standing (parents), when the reader may see confidential details

	// PersonPage is everything the person page shows.
	PersonPage = PersonContact | PersonSessions | PersonVIG | PersonJointSafety | PersonPauses |
		PersonRisk | PersonIncidents | PersonChanges | PersonSafetyPlan | PersonMeasures | PersonConsents | PersonMARAC | PersonChildRisks | PersonReminders | PersonDocuments |
		PersonModules | PersonAppointments

	// PersonSubjectAccess is what a parent's subject access export is made
	// from (by a DSL, who may see confidential details but edits nothing).
	PersonSubjectAccess = PersonPage | PersonClosings | PersonConsentsToReview | PersonDisclosures
)

// ReadPerson is the one way to read a person's page. Confidential details,
// and session notes or VIG strengths marked confidential, are decrypted only
// for readers the policy allows; for everyone else they are withheld.
func (db *DB) ReadPerson(ctx context.Context, actor policy.Actor, personID int64) (PersonRecord, error) {
	return db.ReadPersonParts(ctx, actor, personID, PersonPage, "")
}

// SessionPage asks for one page of a person's sessions of one kind, newest
// first. A parent seen weekly for two and a half years has well over a
// hundred: the person page shows a page of them and opens only those notes.
type SessionPage struct {
	// Show is the kind: "" for all, "attended", "not_attended" (sessions
	// that did not happen), "supervision" (supervision notes), or
	// "removed" (those removed as entered in error, into
	// PersonRecord.RemovedSessions). Any other value finds none.
	Show string
	// Module, when not "", narrows the page to the sessions attended on
	// that module of the programme's content.
	Module string
	// Offset is where the page starts; past the end, the last page is read
	// (a list that has shrunk since its link was made still opens).
	Offset, Limit int
}

// sessionKinds are SessionPage.Show's kinds as conditions on case_sessions.
var sessionKinds = map[string]string{
	"":             `1 = 1`,
	"attended":     `cs.kind <> 'supervision' AND cs.attendance = 'attended'`,
	"not_attended": `cs.kind <> 'supervision' AND cs.attendance <> 'attended'`,
	"supervision":  `cs.kind = 'supervision'`,
}

// ReadPersonPage reads what the person page shows, as ReadPerson does but
// with one page of the person's sessions (see SessionPage).
func (db *DB) ReadPersonPage(ctx context.Context, actor policy.Actor, personID int64, page SessionPage) (PersonRecord, error) {
	return db.readPerson(ctx, actor, personID, PersonPage, "", &page)
}

// ReadPersonParts reads a person as ReadPerson does, under the same
// decision and audit, but fills only the parts named (the rest of the
// record is empty: a page that shows a part must ask for it). detail goes
// on the audit entry, naming the page when it is not the person page.
func (db *DB) ReadPersonParts(ctx context.Context, actor policy.Actor, personID int64, parts PersonParts, detail string) (PersonRecord, error) {
	return db.readPerson(ctx, actor, personID, parts, detail, nil)
}

// readPerson is ReadPersonParts with, when page is not nil, one page of the
// sessions instead of all.
func (db *DB) readPerson(ctx context.Context, actor policy.Actor, personID int64, parts PersonParts, detail string, page *SessionPage) (PersonRecord, error) {
	var out PersonRecord
	err := db.View(ctx, func(tx *Tx) error {
		var err error
		if out, err = tx.personAccessFor(actor, personID); err != nil {
			return err
		}
		if err := tx.fillPerson(&out, parts, page); err != nil {
			return err
		}
		if out.Person.Kind == family.Parent && (parts&PersonConsents != 0 && out.CanEdit || parts&PersonConsentsToReview != 0 && out.CanSeeConf) {
			var err error
			var removed []RemovedEntry
			if out.Consents, removed, err = db.consents(ctx, tx.q(), actor, out.Family, []int64{out.Person.ID}, tx.now, true); err != nil {
				return err
			}
			out.RemovedEntries = append(out.RemovedEntries, removed...)
		}
		if out.Person.Kind != family.Parent && parts&PersonChildRisks != 0 {
			if out.ChildRisks, err = tx.childRisksOf(actor, out.Family, out.Person); err != nil {
				return err
			}
		}
		if out.Person.Kind == family.Parent && parts&PersonDisclosures != 0 && out.CanSeeConf {
			shares, _, err := db.familyShares(ctx, tx.q(), actor, out.Family, tx.now)
			if err != nil {
				return err
			}
			for _, s := range shares {
				if s.PersonID == out.Person.ID || s.PersonID == 0 {
					out.Disclosures = append(out.Disclosures, s)
				}
			}
		}
		tx.auditPersonView(out, detail)
		return nil
	})
	return out, err
}

// ReadPersonMeasures reads what a person's outcome measures page shows, in
// one audited read (the page made two, of which the first read the whole
// person page): the record with its measures only, and their programme
// measures. It is audited as a view of the person and of their programme
// measures, as the two reads were. One instrument's page shows no
// programme measures: without programme they are neither read nor audited,
// and the results removed as entered in error are read instead. A child has no measures page: nothing is read or audited for one.
func (db *DB) ReadPersonMeasures(ctx context.Context, actor policy.Actor, personID int64, programme bool) (PersonRecord, ProgrammeMeasures, error) {
	var rec PersonRecord
	var pm ProgrammeMeasures
	err := db.View(ctx, func(tx *Tx) error {
		var err error
		if rec, err = tx.personAccessFor(actor, personID); err != nil {
			return err
		}
		if rec.Person.Kind == family.Child {
			return problem.New(problem.NotFound, "Outcome measures are recorded for the parents and the baby")
		}
		if err := tx.fillPerson(&rec, PersonMeasures, nil); err != nil {
			return err
		}
		if !programme {
			// One measure's page lists the results removed as entered in
			// error beside those that stand.
			if rec.Removed, err = tx.removedMeasures(personID, rec.CanSeeMeasures); err != nil {
				return err
			}
			tx.auditPersonView(rec, "outcome measures: one measure")
			return nil
		}
		if pm, err = tx.programmeMeasures(rec.Family, rec.Person); err != nil {
			return err
		}
		tx.auditPersonView(rec, "outcome measures")
		tx.Audit("person.programme_measures.view", "person", personID, rec.Family.ID, "")
		return nil
	})
	return rec, pm, err
}

// personAccessFor starts a read of a person: the person-view decision
// (refused with Forbidden), then what the policy lets actor do there, with
// the actor's break-glass grants.
func (tx *Tx) personAccessFor(actor policy.Actor, personID int64) (PersonRecord, error) {
	f, p, t, err := tx.db.personView(tx.ctx, tx, actor, personID)
	if err != nil {
		return PersonRecord{}, err
	}
	return tx.accessTo(actor, f, p, t), nil
}

// personAccessIn is personAccessFor for a person of a family already read,
// with the reader's break-glass grants on it (a chronology reads both
// parents of the family it has read).
func (tx *Tx) personAccessIn(actor policy.Actor, f family.Family, p family.Person, overrides []policy.Override) (PersonRecord, error) {
	t, err := tx.viewPerson(actor, f, p, overrides)
	if err != nil {
		return PersonRecord{}, err
	}
	return tx.accessTo(actor, f, p, t), nil
}

// accessTo is a person's record, empty but for what the policy lets actor
// do there (t, the target the view was decided on).
func (tx *Tx) accessTo(actor policy.Actor, f family.Family, p family.Person, t policy.Target) PersonRecord {
	conf := policy.Decide(actor, policy.ViewConfidential, t, tx.now)
	out := PersonRecord{Family: f, Person: p, CanSeeConf: conf.Allowed, ViaOverride: conf.Override,
		CanEdit:           policy.Can(actor, policy.EditConfidential, t, tx.now),
		CanEditDetails:    policy.Can(actor, policy.EditPerson, t, tx.now),
		CanBreakGlass:     !conf.Allowed && policy.Can(actor, policy.BreakGlass, t, tx.now),
		CanSupervise:      policy.Can(actor, policy.WriteSupervision, t, tx.now),
		CanSeeMeasures:    policy.Can(actor, policy.ViewMeasures, t, tx.now),
		CanRecordMeasures: policy.Can(actor, policy.RecordMeasure, t, tx.now)}
	// A child's details are seen through a grant on the parent they live
	// with (policy.Target.Household); no grant is ever on a child.
	whose := p.ID
	if t.Household != 0 {
		whose = t.Household
	}
	for _, o := range t.Overrides {
		if o.PersonID == whose && o.ExpiresAt.After(out.OverrideEnds) {
			out.OverrideEnds = o.ExpiresAt
		}
	}
	return out
}

// fillPerson reads the parts named into out, opening confidential content
// only when out.CanSeeConf; with page, one page of the sessions.
func (tx *Tx) fillPerson(out *PersonRecord, parts PersonParts, page *SessionPage) error {
	id, conf, parent := out.Person.ID, out.CanSeeConf, out.Person.Kind == family.Parent
	var err error
	if parts&PersonContact != 0 && conf {
		c, err := tx.confidential(id)
		if err != nil {
			return err
		}
		out.Person.Confidential = &c
	}
	// Sessions, VIG cycles, joint-session safety and pauses are a parent's
	// alone (each is written only on a parent's record: parentForEdit), so
	// a child's page asks for none of them.
	if !parent {
		parts &^= PersonSessions | PersonVIG | PersonJointSafety | PersonPauses | PersonReminders | PersonDocuments | PersonAppointments
	}
	if parts&PersonAppointments != 0 && conf {
		if out.Appointments, err = tx.appointments(id); err != nil {
			return err
		}
	}
	if parts&PersonDocuments != 0 && conf {
		var removed []RemovedEntry
		if out.Documents, removed, err = tx.documents(id); err != nil {
			return err
		}
		out.RemovedEntries = append(out.RemovedEntries, removed...)
	}
	if parts&PersonReminders != 0 {
		if out.Reminders, err = tx.reminders(id, conf); err != nil {
			return err
		}
	}
	if parts&PersonSessions != 0 && page != nil && page.Show == "removed" {
		if out.RemovedSessions, out.SessionsTotal, out.SessionsOffset, err = tx.removedSessionPage(id, *page); err != nil {
			return err
		}
	} else if parts&PersonSessions != 0 && page != nil {
		if out.Sessions, out.SessionsTotal, out.SessionsOffset, err = tx.sessionPage(id, conf, *page); err != nil {
			return err
		}
	} else if parts&PersonSessions != 0 {
		if out.Sessions, err = tx.sessions(id, conf); err != nil {
			return err
		}
		out.SessionsTotal = len(out.Sessions)
	}
	if parts&PersonVIG != 0 {
		var removed []RemovedEntry
		if out.VIG, removed, err = tx.vigCycles(id, conf); err != nil {
			return err
		}
		out.RemovedEntries = append(out.RemovedEntries, removed...)
	}
	if parts&PersonJointSafety != 0 {
		if out.JointSafe, out.JointSafeByMe, err = tx.jointSafety(out.Family, id); err != nil {
			return err
		}
	}
	if parts&PersonPauses != 0 {
		if out.Pauses, err = tx.pauses(id, conf); err != nil {
			return err
		}
		if out.Departures, err = tx.departures(id, conf); err != nil {
			return err
		}
	}
	if parts&PersonModules != 0 && parent {
		if out.ModuleSessions, err = tx.moduleSessions(id); err != nil {
			return err
		}
		// Whether they may be recorded as joining later (JoinLater): a
		// parent taking part who has attended no session yet, asked for
		// those who may edit the record.
		if out.Person.Active && out.CanEdit {
			out.Attended = len(out.ModuleSessions) > 0
		}
	}
	if parts&(PersonRisk|PersonIncidents|PersonChanges|PersonMARAC) != 0 && parent {
		// The risk part's MARAC criteria need the incidents' dates: one read,
		// with the changes in circumstances.
		facts, err := tx.incidentsAndHistory(id, riskRead{openIncidents: conf && parts&PersonIncidents != 0,
			changes: parts&PersonChanges != 0, openNotes: conf, maracs: parts&PersonMARAC != 0})
		if err != nil {
			return err
		}
		if parts&PersonIncidents != 0 {
			out.Incidents = facts.incidents
		}
		out.Changes, out.MARACReferrals = facts.changes, facts.maracs
		for _, e := range facts.removed {
			if e.Kind == "incident" && parts&PersonIncidents != 0 || e.Kind == "change" || e.Kind == "marac" && parts&PersonMARAC != 0 {
				out.RemovedEntries = append(out.RemovedEntries, e)
			}
		}
		if parts&PersonRisk != 0 {
			if out.Risk, err = tx.riskAssessments(id, conf, tx.db.risk, facts.history); err != nil {
				return err
			}
		}
	}
	if parts&PersonSafetyPlan != 0 && parent {
		if out.SafetyPlan, err = tx.safetyPlan(id, conf); err != nil {
			return err
		}
	}
	if parts&PersonMeasures != 0 {
		if out.Measures, err = tx.measures(id, out.CanSeeMeasures); err != nil {
			return err
		}
	}
	if parts&PersonClosings != 0 && parent && conf {
		if out.Closings, err = tx.closingsOf(id); err != nil {
			return err
		}
	}
	return nil
}

// closingsOf reads the closing summaries written about a parent, newest
// closure first. The caller has checked the reader may see them.
func (tx *Tx) closingsOf(personID int64) ([]PersonClosing, error) {
	rows, err := tx.query(`SELECT c.id, c.closed_on, c.reason, cs.summary_sealed FROM closure_summaries cs JOIN closures c ON c.id = cs.closure_id
		WHERE cs.person_id = $1 ORDER BY c.id DESC`, personID)
	if err != nil {
		return nil, fmt.Errorf("reading closing summaries: %w", err)
	}
	defer rows.Close()
	var out []PersonClosing
	for rows.Next() {
		var closureID int64
		var c PersonClosing
		var sealed string
		if err := rows.Scan(&closureID, &c.ClosedOn, &c.Reason, &sealed); err != nil {
			return nil, err
		}
		if c.Summary, err = tx.db.open(keyContext("closure_summaries.summary", closureID, personID), sealed); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// auditPersonView records the read, and a break-glass grant's use when
// the grant is what let the reader see the confidential parts.
func (tx *Tx) auditPersonView(rec PersonRecord, detail string) {
	tx.Audit("person.view", "person", rec.Person.ID, rec.Family.ID, detail)
	tx.auditGrantUse(rec)
}

// auditGrantUse records a break-glass grant's use when the grant is what
// let the reader of rec see its confidential parts (the person page, a
// document opened from it).
func (tx *Tx) auditGrantUse(rec PersonRecord) {
	if rec.ViaOverride {
		tx.Audit("person.confidential.override_view", "person", rec.Person.ID, rec.Family.ID, "break-glass override used")
	}
}

// sessionColumns are what a session is read with, for scanSession.
const sessionColumns = `cs.id, cs.family_id, cs.person_id, cs.staff_id, s.name, cs.held_on, cs.minutes, cs.mode, cs.attendance,
		cs.module, cs.topic_sealed, cs.joint, cs.confidential, cs.notes_sealed, cs.reason_sealed, cs.created_at, cs.kind, cs.version, cs.updated_at`

// sessions reads all of a person's sessions, newest first (a subject
// access request's copy, say); the person page reads a page (sessionPage).
func (tx *Tx) sessions(personID int64, seeConfidential bool) ([]casework.Session, error) {
	rows, err := tx.query(`SELECT `+sessionColumns+`
		FROM case_sessions cs JOIN staff s ON s.id = cs.staff_id WHERE cs.person_id = $1 ORDER BY cs.held_on DESC, cs.id DESC`, personID)
	if err != nil {
		return nil, fmt.Errorf("reading sessions: %w", err)
	}
	defer rows.Close()
	var out []casework.Session
	for rows.Next() {
		s, err := tx.scanSession(rows, seeConfidential, nil)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// sessionPage reads one page of a person's sessions of the kind asked for,
// newest first, opening only that page's notes, with how many there are of
// that kind and the offset read (the last page's, when the one asked for is
// past the end). The count comes with the rows (one statement); only a page
// past the end, where no row brings it, takes a second. The count is a
// subquery, worked out once from the index, not COUNT(*) OVER (): a window
// over the rows made the database read, join and sort every session of the
// person to return twenty (0.30 against 0.07 ms for 70 sessions).
func (tx *Tx) sessionPage(personID int64, seeConfidential bool, page SessionPage) ([]casework.Session, int, int, error) {
	cond, ok := sessionKinds[page.Show]
	if !ok || page.Limit <= 0 {
		return nil, 0, 0, nil
	}
	offset := max(page.Offset, 0)
	args := []any{personID}
	if page.Module != "" {
		cond += ` AND cs.kind <> 'supervision' AND cs.attendance = 'attended' AND cs.module = $2`
		args = append(args, page.Module)
	}
	read := func(offset int) ([]casework.Session, int, error) {
		rows, err := tx.query(`SELECT `+sessionColumns+`, (SELECT COUNT(*) FROM case_sessions cs WHERE cs.person_id = $1 AND `+cond+`)
			FROM case_sessions cs JOIN staff s ON s.id = cs.staff_id WHERE cs.person_id = $1 AND `+cond+`
			ORDER BY cs.held_on DESC, cs.id DESC LIMIT `+strconv.Itoa(page.Limit)+` OFFSET `+strconv.Itoa(offset), args...)
		if err != nil {
			return nil, 0, fmt.Errorf("reading sessions: %w", err)
		}
		defer rows.Close()
		var out []casework.Session
		total := 0
		for rows.Next() {
			s, err := tx.scanSession(rows, seeConfidential, &total)
			if err != nil {
				return nil, 0, err
			}
			out = append(out, s)
		}
		return out, total, rows.Err()
	}
	out, total, err := read(offset)
	if err != nil || len(out) > 0 || offset == 0 {
		return out, total, offset, err
	}
	if err := tx.queryRow(`SELECT COUNT(*) FROM case_sessions cs WHERE cs.person_id = $1 AND `+cond, args...).Scan(&total); err != nil {
		return nil, 0, 0, fmt.Errorf("counting sessions: %w", err)
	}
	if total == 0 {
		return nil, 0, 0, nil
	}
	offset = (total - 1) / page.Limit * page.Limit
	out, total, err = read(offset)
	return out, total, offset, err
}

// scanSession reads a session's row (sessionColumns, then total if it is
// not nil), opening its topic and notes only if they are not confidential
// or the reader may see them.
func (tx *Tx) scanSession(rows *sql.Rows, seeConfidential bool, total *int) (casework.Session, error) {
	var s casework.Session
	var topic, notes, reason string
	dest := []any{&s.ID, &s.FamilyID, &s.PersonID, &s.StaffID, &s.StaffName, &s.HeldOn, &s.Minutes, &s.Mode, &s.Attendance,
		&s.Module, &topic, &s.Joint, &s.Confidential, &notes, &reason, &s.CreatedAt, &s.Kind, &s.Version, &s.UpdatedAt}
	if total != nil {
		dest = append(dest, total)
	}
	if err := rows.Scan(dest...); err != nil {
		return s, fmt.Errorf("reading session: %w", err)
	}
	s.Corrected = s.Version > 1
	if s.Confidential && !seeConfidential {
		s.Withhold()
		return s, nil
	}
	var err error
	if s.Topic, err = tx.db.open(rowContext("case_sessions.topic", s.ID), topic); err != nil {
		return s, err
	}
	if s.Notes, err = tx.db.open(rowContext("case_sessions.notes", s.ID), notes); err != nil {
		return s, err
	}
	if s.Reason, err = tx.db.open(rowContext("case_sessions.reason", s.ID), reason); err != nil {
		return s, err
	}
	return s, nil
}

// moduleSessions reads the sessions a parent attended on each module of
// the programme's content ("" for those recorded with none; supervision
// notes are not sessions), as person_module_sessions keeps them (migration
// 63): one index lookup, not a count of every session.
func (tx *Tx) moduleSessions(personID int64) (map[string]int, error) {
	rows, err := tx.query(`SELECT module, attended FROM person_module_sessions WHERE person_id = $1 AND attended > 0`, personID)
	if err != nil {
		return nil, fmt.Errorf("counting sessions by module: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var module string
		var n int
		if err := rows.Scan(&module, &n); err != nil {
			return nil, fmt.Errorf("counting sessions by module: %w", err)
		}
		out[module] = n
	}
	return out, rows.Err()
}

// vigCycles reads a parent's VIG cycles, newest first, and apart from them
// those removed as entered in error.
func (tx *Tx) vigCycles(personID int64, seeConfidential bool) ([]casework.VIGCycle, []RemovedEntry, error) {
	rows, err := tx.query(`SELECT v.id, v.family_id, v.person_id, v.phase, v.filmed_on, v.analysed_on, v.reviewed_on, v.strengths_sealed, v.confidential,
		v.removed_at, v.removed_reason_sealed, rb.name
		FROM vig_cycles v LEFT JOIN staff rb ON rb.id = v.removed_by WHERE v.person_id = $1 ORDER BY v.filmed_on DESC, v.id DESC`, personID)
	if err != nil {
		return nil, nil, fmt.Errorf("reading VIG cycles: %w", err)
	}
	defer rows.Close()
	var out []casework.VIGCycle
	var removed []RemovedEntry
	for rows.Next() {
		var v casework.VIGCycle
		var analysed, reviewed sql.NullTime
		var removedAt anyTime
		var strengths, removedWhy string
		var removedBy sql.NullString
		if err := rows.Scan(&v.ID, &v.FamilyID, &v.PersonID, &v.Phase, &v.FilmedOn, &analysed, &reviewed, &strengths, &v.Confidential,
			&removedAt, &removedWhy, &removedBy); err != nil {
			return nil, nil, fmt.Errorf("reading VIG cycle: %w", err)
		}
		if !removedAt.T.IsZero() {
			e, err := tx.db.removedEntry("vig", "vig_cycles", v.ID, v.FilmedOn, removedAt.T, removedBy.String, removedWhy, seeConfidential)
			if err != nil {
				return nil, nil, err
			}
			removed = append(removed, e)
			continue
		}
		v.AnalysedOn, v.ReviewedOn = timeOf(analysed), timeOf(reviewed)
		if v.Confidential && !seeConfidential {
			v.Withheld = true
		} else if v.Strengths, err = tx.db.open(rowContext("vig_cycles.strengths", v.ID), strengths); err != nil {
			return nil, nil, err
		}
		out = append(out, v)
	}
	return out, removed, rows.Err()
}

// jointSafety reports whether every co-parent's practitioner has recorded
// that joint sessions are safe, and whether this parent's has.
func (tx *Tx) jointSafety(f family.Family, personID int64) (all, mine bool, err error) {
	rows, err := tx.query(`SELECT person_id, safe FROM joint_session_safety WHERE family_id = $1`, f.ID)
	if err != nil {
		return false, false, fmt.Errorf("reading joint-session safety: %w", err)
	}
	defer rows.Close()
	safe := map[int64]bool{}
	for rows.Next() {
		var pid int64
		var ok bool
		if err := rows.Scan(&pid, &ok); err != nil {
			return false, false, err
		}
		safe[pid] = ok
	}
	parents := f.Parents()
	all = len(parents) == 2
	for _, p := range parents {
		all = all && safe[p.ID]
	}
	return all, safe[personID], rows.Err()
}

// checkHousehold checks a change of whom child (the baby or another child)
// lives with (household, a co-parent's slot or 0) into fs. A child's
// address and contacts follow the parent they live with
// (policy.Target.Household), so: the answer must
// be one of the family's parents or neither; only one who may change the
// child's contact details now (that parent's practitioner, a manager) may
// move them away from that parent, or the other parent's practitioner
// could move a child out of a refuge's confidentiality; and contacts that
// hold a parent's details the new readers may not see must be changed
// first.
func (tx *Tx) checkHousehold(actor policy.Actor, f family.Family, child family.Person, household int, fs *problem.Fields) error {
	if household == child.Household {
		return nil
	}
	if !f.IsHousehold(household) {
		who := "the child"
		if child.Kind == family.Baby {
			who = "the baby"
		}
		fs.Add("household", "Select who "+who+" lives with")
		return nil
	}
	name := child.ChildNameInSentence()
	if child.Household != 0 && !policy.Can(actor, policy.EditConfidential, f.PersonTarget(child, nil), tx.now) {
		fs.Add("household", "Only the practitioner of the parent "+name+" lives with, or a team manager, can record that they live somewhere else")
		return nil
	}
	c, err := tx.confidential(child.ID)
	if err != nil {
		return err
	}
	moved := child
	moved.Household = household
	err = tx.keepConfidentialOut(actor, f, childContactReaders(f, moved), contactFields(c)...)
	if p := problem.As(err); p != nil && p.Code == problem.Invalid && len(p.Fields) > 0 {
		fs.Add("household", "Change "+name+"'s contact details first. "+p.Fields[0].Message)
		return nil
	}
	return err
}

// MayChangePerson answers whether actor may do act to the person's record,
// changing nothing: for a form whose own problems are found before the
// store is asked to save it, so that they are shown only to one whom the
// save itself would let through (anyone else is refused, as the save
// would refuse them).
func (db *DB) MayChangePerson(ctx context.Context, actor policy.Actor, personID int64, act policy.Action) error {
	return db.decideOnly(ctx, func(tx *Tx) error {
		f, p, err := db.personInFamily(ctx, tx.q(), personID)
		if err != nil {
			return err
		}
		if d := policy.Decide(actor, act, f.PersonTarget(p, nil), tx.now); !d.Allowed {
			return d.Err()
		}
		return nil
	})
}

// personForEdit loads a person and checks the actor may edit their record
// (their own practitioner or a team manager), and that the case is open.
func (tx *Tx) personForEdit(actor policy.Actor, personID int64) (family.Family, family.Person, error) {
	return tx.personFor(actor, policy.EditConfidential, personID)
}

// personFor loads a person and checks the actor may do act to them.
func (tx *Tx) personFor(actor policy.Actor, act policy.Action, personID int64) (family.Family, family.Person, error) {
	f, p, err := tx.db.personInFamily(tx.ctx, tx.q(), personID)
	if err != nil {
		return f, p, err
	}
	if d := policy.Decide(actor, act, f.PersonTarget(p, nil), tx.now); !d.Allowed {
		return f, p, d.Err()
	}
	return f, p, nil
}

// parentForEdit is personForEdit for what is only ever about a parent (a
// session, a safety plan, a MARAC referral): a baby's or another child's
// record is refused with notParent, after the policy's own check, so that
// a hand-made post cannot hang a parent's record on a child.
func (tx *Tx) parentForEdit(actor policy.Actor, personID int64, notParent string) (family.Family, family.Person, error) {
	f, p, err := tx.personForEdit(actor, personID)
	if err == nil && p.Kind != family.Parent {
		err = problem.New(problem.Invalid, "%s", notParent)
	}
	return f, p, err
}

// sessionContext is what a session with parent p is checked against: not
// before the family was accepted (or, with no acceptance recorded, made),
// not in the future, a module of the programme's, and joint only if both
// practitioners say joint sessions are safe.
func (tx *Tx) sessionContext(f family.Family, p family.Person, modules []casework.Option) (casework.Context, error) {
	joint, _, err := tx.jointSafety(f, p.ID)
	if err != nil {
		return casework.Context{}, err
	}
	c := casework.Context{AcceptedOn: acceptedOrMade(f), Today: tx.now, Modules: modules, JointSafe: joint}
	if !p.Active {
		// Left the programme: nothing after the day they left until they
		// rejoin (a session before it, recorded late, is fine).
		var reason string
		if err := tx.queryRow(`SELECT left_on, reason FROM departures WHERE person_id = $1 AND rejoined_on IS NULL ORDER BY id DESC LIMIT 1`, p.ID).Scan(&c.LeftOn, &reason); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return c, fmt.Errorf("finding when the parent left: %w", err)
		}
		c.Joining = reason == casework.JoiningLater
	}
	return c, nil
}

// RecordSession saves a session or contact with a parent.
func (db *DB) RecordSession(ctx context.Context, actor policy.Actor, s casework.Session, modules []casework.Option) (int64, error) {
	var id int64
	err := db.Update(ctx, func(tx *Tx) error {
		f, p, err := tx.parentForEdit(actor, s.PersonID, "Sessions are recorded with a parent")
		if err != nil {
			return err
		}
		c, err := tx.sessionContext(f, p, modules)
		if err != nil {
			return err
		}
		if err := s.Validate(c); err != nil {
			return err
		}
		if err := tx.keepConfidentialOut(actor, f, onRecord(p.ID, s.Confidential), textField{"topic", s.Topic}, textField{"notes", s.Notes}, textField{"reason", s.Reason}); err != nil {
			return err
		}
		if id, err = tx.newID("case_sessions"); err != nil {
			return err
		}
		notes, err := tx.db.seal(rowContext("case_sessions.notes", id), s.Notes)
		if err != nil {
			return err
		}
		reason, err := tx.db.seal(rowContext("case_sessions.reason", id), s.Reason)
		if err != nil {
			return err
		}
		topic, err := tx.db.seal(rowContext("case_sessions.topic", id), s.Topic)
		if err != nil {
			return err
		}
		_, err = tx.exec(`INSERT INTO case_sessions (id, family_id, person_id, staff_id, held_on, minutes, mode, attendance, module, topic_sealed, joint,
			confidential, notes_sealed, reason_sealed, kind, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 'session', $15, $15)`,
			id, f.ID, p.ID, actor.StaffID, s.HeldOn.UTC(), s.Minutes, s.Mode, s.Attendance, s.Module, topic, s.Joint, s.Confidential, notes, reason, tx.now)
		if err != nil {
			return fmt.Errorf("saving session: %w", err)
		}
		if err := tx.linkAppointment(id, p.ID, s.HeldOn); err != nil {
			return err
		}
		tx.Audit("session.create", "session", id, f.ID, "")
		return nil
	})
	return id, err
}

// RecordVIG saves a Video Interaction Guidance cycle.
func (db *DB) RecordVIG(ctx context.Context, actor policy.Actor, v casework.VIGCycle) (int64, error) {
	var id int64
	err := db.Update(ctx, func(tx *Tx) error {
		f, p, err := tx.parentForEdit(actor, v.PersonID, "VIG cycles are recorded with a parent")
		if err != nil {
			return err
		}
		if err := v.Validate(tx.now); err != nil {
			return err
		}
		if err := tx.keepConfidentialOut(actor, f, onRecord(p.ID, v.Confidential), textField{"strengths", v.Strengths}); err != nil {
			return err
		}
		if id, err = tx.newID("vig_cycles"); err != nil {
			return err
		}
		strengths, err := tx.db.seal(rowContext("vig_cycles.strengths", id), v.Strengths)
		if err != nil {
			return err
		}
		_, err = tx.exec(`INSERT INTO vig_cycles (id, family_id, person_id, phase, filmed_on, analysed_on, reviewed_on, strengths_sealed, confidential, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`, id, f.ID, p.ID, v.Phase, v.FilmedOn.UTC(), nullTime(v.AnalysedOn), nullTime(v.ReviewedOn),
			strengths, v.Confidential, actor.StaffID, tx.now)
		if err != nil {
			return fmt.Errorf("saving VIG cycle: %w", err)
		}
		tx.Audit("vig.create", "vig_cycle", id, f.ID, "")
		return nil
	})
	return id, err
}

// SetJointSafety records this parent's practitioner's view that joint
// co-parenting sessions are (or are no longer) safe.
func (db *DB) SetJointSafety(ctx context.Context, actor policy.Actor, personID int64, safe bool) error {
	return db.Update(ctx, func(tx *Tx) error {
		f, p, err := tx.parentForEdit(actor, personID, "Joint sessions are agreed for a parent")
		if err != nil {
			return err
		}
		if _, err := tx.exec(`DELETE FROM joint_session_safety WHERE family_id = $1 AND person_id = $2`, f.ID, p.ID); err != nil {
			return fmt.Errorf("recording joint-session safety: %w", err)
		}
		if _, err := tx.exec(`INSERT INTO joint_session_safety (family_id, person_id, staff_id, safe, recorded_at) VALUES ($1, $2, $3, $4, $5)`,
			f.ID, p.ID, actor.StaffID, safe, tx.now); err != nil {
			return fmt.Errorf("recording joint-session safety: %w", err)
		}
		tx.Audit("joint_safety.set", "person", p.ID, f.ID, fmt.Sprintf("safe=%t", safe))
		return nil
	})
}

// ContactUpdate is an edit of a parent's confidential details, made from
// the version the editor opened.
type ContactUpdate struct {
	Version             int
	Details             family.Confidential
	AddressConfidential bool
}

// UpdateContact saves a person's contact details. If someone else saved the
// record since the editor opened it, nothing is saved and a Conflict is
// returned, so the caller can show the editor their text again.
func (db *DB) UpdateContact(ctx context.Context, actor policy.Actor, personID int64, u ContactUpdate) error {
	return db.Update(ctx, func(tx *Tx) error {
		f, p, err := tx.personForEdit(actor, personID)
		if err != nil {
			return err
		}
		c := u.Details
		if err := c.Check(); err != nil {
			return err
		}
		if p.Kind != family.Parent {
			// A child's details are read by more than a parent's own
			// practitioner: a parent's refuge address typed here would
			// reach the other parent's.
			if err := tx.keepConfidentialOut(actor, f, childContactReaders(f, p), contactFields(c)...); err != nil {
				return err
			}
		}
		sealed := map[string]string{}
		for _, x := range []struct{ col, ctx, v string }{{"address_sealed", "people.address", c.Address}, {"postcode_sealed", "people.postcode", c.Postcode},
			{"phone_sealed", "people.phone", c.Phone}, {"email_sealed", "people.email", c.Email}, {"safe_contact_sealed", "people.safe_contact", c.SafeContact}} {
			if sealed[x.col], err = tx.db.seal(rowContext(x.ctx, p.ID), x.v); err != nil {
				return err
			}
		}
		res, err := tx.exec(`UPDATE people SET address_sealed = $1, postcode_sealed = $2, phone_sealed = $3, email_sealed = $4, safe_contact_sealed = $5,
			address_confidential = $6, version = version + 1, updated_at = $7 WHERE id = $8 AND version = $9`,
			sealed["address_sealed"], sealed["postcode_sealed"], sealed["phone_sealed"], sealed["email_sealed"], sealed["safe_contact_sealed"],
			u.AddressConfidential, tx.now, p.ID, u.Version)
		if err != nil {
			return fmt.Errorf("saving contact details: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return problem.New(problem.Conflict, "Someone else changed these details while you were editing. Your changes have not been saved: check the details below and save again")
		}
		if _, err := tx.exec(`DELETE FROM person_match_keys WHERE person_id = $1`, p.ID); err != nil {
			return fmt.Errorf("refreshing match keys: %w", err)
		}
		p.Confidential = &c
		if err := tx.writeMatchKeys(p.ID, identityOfPerson(p)); err != nil {
			return err
		}
		tx.Audit("person.confidential.edit", "person", p.ID, f.ID, "")
		return nil
	})
}

// UpdatePersonDetails corrects a person's name, date of birth, gender,
// pronouns and (a parent's) experience of domestic abuse, for one who may
// change the person's record (policy.EditPerson: the family's
// practitioners, a team manager of its area). A parent's match keys are
// worked out again, so the duplicate check at referral finds them by their
// corrected name; the search's names follow by trigger (migration 24). If
// someone else saved the record since the editor opened it, nothing is
// saved and a Conflict says so.
func (db *DB) UpdatePersonDetails(ctx context.Context, actor policy.Actor, personID int64, version int, d family.Details) error {
	return db.Update(ctx, func(tx *Tx) error {
		f, p, err := db.personInFamily(ctx, tx.q(), personID)
		if err != nil {
			return err
		}
		if dec := policy.Decide(actor, policy.EditPerson, f.PersonTarget(p, nil), tx.now); !dec.Allowed {
			return dec.Err()
		}
		if p.Kind == family.Baby {
			// The baby's date of birth is the birth, recorded with it
			// (RecordBirth: its checks, the stage, the risk reviews); this
			// form never sets or clears it.
			d.DateOfBirth = p.DateOfBirth
		}
		var fs problem.Fields
		d.Check(p.Kind, tx.now, &fs)
		household := p.Household
		if p.Kind != family.Parent {
			household = d.Household
			if err := tx.checkHousehold(actor, f, p, household, &fs); err != nil {
				return err
			}
		}
		if err := fs.Err(); err != nil {
			return err
		}
		// Names, gender and pronouns are read by everyone working with the
		// family (page titles, search results): a parent's details typed
		// there would reach the other side.
		if err := tx.keepConfidentialOut(actor, f, everyone, textField{"given_name", d.GivenName}, textField{"family_name", d.FamilyName},
			textField{"known_as", d.KnownAs}, textField{"gender", d.Gender}, textField{"pronouns", d.Pronouns}); err != nil {
			return err
		}
		exp := p.Experience
		if p.Kind == family.Parent {
			exp = d.Experience
		}
		var householdSlot any // NULL: neither parent, or not known
		if household != 0 {
			householdSlot = household
		}
		res, err := tx.exec(`UPDATE people SET given_name = $1, family_name = $2, known_as = $3, date_of_birth = $4, gender = $5, pronouns = $6,
			experience = $7, household = $8, version = version + 1, updated_at = $9 WHERE id = $10 AND version = $11`,
			d.GivenName, d.FamilyName, d.KnownAs, nullTime(d.DateOfBirth), d.Gender, d.Pronouns, string(exp), householdSlot, tx.now, p.ID, version)
		if err != nil {
			return fmt.Errorf("saving the person's details: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return problem.New(problem.Conflict, "Someone else changed these details while you were editing. Your changes have not been saved: check the details below and save again")
		}
		if p.Kind == family.Parent {
			// The keys hold the contact details too: read them (to hash, never
			// to show) so that the new keys are whole.
			c, err := tx.confidential(p.ID)
			if err != nil {
				return err
			}
			if _, err := tx.exec(`DELETE FROM person_match_keys WHERE person_id = $1`, p.ID); err != nil {
				return fmt.Errorf("refreshing match keys: %w", err)
			}
			p.GivenName, p.FamilyName, p.KnownAs, p.DateOfBirth, p.Confidential = d.GivenName, d.FamilyName, d.KnownAs, d.DateOfBirth, &c
			if err := tx.writeMatchKeys(p.ID, identityOfPerson(p)); err != nil {
				return err
			}
		}
		detail := "details corrected"
		switch {
		case household == p.Household:
		case household == 0:
			detail += "; lives with neither parent, or not known"
		default:
			detail += "; lives with parent " + strconv.Itoa(household)
		}
		tx.Audit("person.edit", "person", p.ID, f.ID, detail)
		return nil
	})
}

// BreakGlass grants actor time-limited access to a co-parent's withheld
// details for a stated reason, tells the DSLs and the family's team manager
// (a task each, and an email), and audits it.
func (db *DB) BreakGlass(ctx context.Context, actor policy.Actor, personID int64, reason string, notify func(tx *Tx, to []string, familyRef string) error) (time.Time, error) {
	var expires time.Time
	err := db.Update(ctx, func(tx *Tx) error {
		f, p, err := db.personInFamily(ctx, tx.q(), personID)
		if err != nil {
			return err
		}
		if d := policy.Decide(actor, policy.BreakGlass, f.PersonTarget(p, nil), tx.now); !d.Allowed {
			return d.Err()
		}
		reason = strings.TrimSpace(reason)
		if err := policy.ValidateOverrideReason(reason); err != nil {
			return &problem.Error{Code: problem.Invalid, Message: "There is a problem", Fields: []problem.Field{{Name: "reason", Message: err.Error()}}}
		}
		expires = tx.now.Add(BreakGlassFor)
		id, err := tx.insertID(`INSERT INTO overrides (staff_id, person_id, reason, granted_at, expires_at) VALUES ($1, $2, $3, $4, $5)`,
			actor.StaffID, personID, reason, tx.now, expires)
		if err != nil {
			return fmt.Errorf("recording override: %w", err)
		}
		// Tell the designated safeguarding leads and the family's team manager.
		rows, err := tx.query(`SELECT id, email FROM staff WHERE disabled = FALSE AND (role = 'dsl' OR id = $1)`, f.ManagerID)
		if err != nil {
			return fmt.Errorf("finding who to notify: %w", err)
		}
		var ids []int64
		var emails []string
		for rows.Next() {
			var sid int64
			var email string
			if err := rows.Scan(&sid, &email); err != nil {
				return dropRows(rows, err)
			}
			ids, emails = append(ids, sid), append(emails, email)
		}
		if err := doneRows(rows); err != nil {
			return fmt.Errorf("finding who to notify: %w", err)
		}
		for _, sid := range ids {
			if err := tx.addTask(newTask{FamilyID: f.ID, PersonID: personID, AssignedTo: sid, Kind: "review_break_glass",
				Title: "Review break-glass access to confidential details in family " + f.Reference, Due: tx.now}); err != nil {
				return err
			}
		}
		if notify != nil {
			if err := notify(tx, emails, f.Reference); err != nil {
				return err
			}
		}
		tx.Audit("person.breakglass", "person", personID, f.ID, fmt.Sprintf("override=%d until %s; reason given", id, expires.Format(time.RFC3339)))
		return nil
	})
	return expires, err
}

// Task is a to-do on a family's record.
type Task struct {
	ID           int64
	Kind         string
	Title        string
	AssignedTo   string
	AssignedToID int64  // 0: for no one in particular (a team manager's to pick up)
	About        string // the parent it is about, by name ("" for the family as a whole)
	PersonID     int64  // whom it is about; 0 for the family as a whole
	DueOn        time.Time
}

// CompleteTask marks a task done for actor (whoever it is for, or a team
// manager of its family's area: policy.CompleteTask), and a concern's
// action with its task. It answers the task's family (0 for none), for the
// page to go back to, also when it refuses one already done (a Conflict,
// saying when). Audited.
func (db *DB) CompleteTask(ctx context.Context, actor policy.Actor, id int64) (int64, error) {
	var familyID int64
	err := db.Update(ctx, func(tx *Tx) error {
		var fam, area, assigned, action sql.NullInt64
		var stage sql.NullString
		var done sql.NullTime
		var kind string
		err := tx.queryRow(`SELECT t.family_id, f.area_id, f.stage, t.assigned_to, t.concern_action_id, t.done_at, t.kind
			FROM tasks t LEFT JOIN families f ON f.id = t.family_id WHERE t.id = $1`, id).Scan(&fam, &area, &stage, &assigned, &action, &done, &kind)
		if errors.Is(err, sql.ErrNoRows) {
			return problem.New(problem.NotFound, "There is no such task")
		}
		if err != nil {
			return fmt.Errorf("reading task: %w", err)
		}
		target := policy.Target{AreaID: area.Int64, FamilyID: fam.Int64, AssignedTo: assigned.Int64, Closed: stage.String == string(family.Closed)}
		if d := policy.Decide(actor, policy.CompleteTask, target, tx.now); !d.Allowed {
			return d.Err()
		}
		familyID = fam.Int64 // answered with a conflict too, for the page to go back to
		if done.Valid {
			return problem.New(problem.Conflict, "This task was already marked done, on %s", done.Time.UTC().Format("2 January 2006"))
		}
		res, err := tx.exec(`UPDATE tasks SET done_at = $1, done_by = $2 WHERE id = $3 AND done_at IS NULL`, tx.now, actor.StaffID, id)
		if err != nil {
			return fmt.Errorf("marking the task done: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return problem.New(problem.Conflict, "Someone has just marked this task done")
		}
		if action.Valid {
			if _, err := tx.exec(`UPDATE concern_actions SET done_at = $1 WHERE id = $2 AND done_at IS NULL`, tx.now, action.Int64); err != nil {
				return fmt.Errorf("marking the concern's action done: %w", err)
			}
		}
		tx.Audit("task.done", "task", id, familyID, kind)
		return nil
	})
	return familyID, err
}

// worksInArea says whether staffID may be given an area's work (a task, a
// meeting's or a safeguarding decision's action): an active practitioner,
// team manager or lead of one of the area's teams, or any lead. The lists
// to choose from are the same (StaffInArea), so a hand-made post cannot
// give a family's work to an analyst, an administrator or another area.
func (tx *Tx) worksInArea(staffID, areaID int64) (bool, error) {
	var n int
	if err := tx.queryRow(`SELECT COUNT(*) FROM staff s WHERE s.id = $1 AND s.disabled = FALSE AND s.role IN ('practitioner', 'team_manager', 'dsl')
		AND s.id IN (SELECT st.staff_id FROM staff_teams st JOIN teams t ON t.id = st.team_id WHERE t.area_id = $2 UNION SELECT id FROM staff WHERE role = 'dsl')`,
		staffID, areaID).Scan(&n); err != nil {
		return false, fmt.Errorf("checking who the work is for: %w", err)
	}
	return n > 0, nil
}

// checkActionOwners refuses, on its owner field, each action (owners in
// order) whose owner does not work in the area (worksInArea): "Choose who
// owns action N from the list".
func (tx *Tx) checkActionOwners(areaID int64, owners []int64) error {
	var fs problem.Fields
	for i, id := range owners {
		ok, err := tx.worksInArea(id, areaID)
		if err != nil {
			return err
		}
		if !ok {
			fs.Add("actions["+strconv.Itoa(i)+"].owner", "Choose who owns action "+strconv.Itoa(i+1)+" from the list")
		}
	}
	return fs.Err()
}

// ReassignTask gives one of a family's open tasks to someone else who
// works in the family's area (a practitioner, a team manager, a lead): an
// action's owner is away, say, or has left. Whoever may allocate the
// family's work may (policy.AllocateFamily: its area's team managers).
// A safeguarding concern's follow-up action stays with the owner its lead
// chose: the owner reads the concern's decision, and who does is the
// lead's to decide. Audited task.reassign.
func (db *DB) ReassignTask(ctx context.Context, actor policy.Actor, familyID, taskID, to int64) error {
	return db.Update(ctx, func(tx *Tx) error {
		f, err := tx.familyForChange(actor, familyID, policy.AllocateFamily)
		if err != nil {
			return err
		}
		var assigned, action, person sql.NullInt64
		var done sql.NullTime
		var kind string
		err = tx.queryRow(`SELECT assigned_to, concern_action_id, done_at, kind, person_id FROM tasks WHERE id = $1 AND family_id = $2`, taskID, f.ID).Scan(&assigned, &action, &done, &kind, &person)
		if errors.Is(err, sql.ErrNoRows) {
			return problem.New(problem.NotFound, "That task is not on this family's record")
		}
		if err != nil {
			return fmt.Errorf("reading the task: %w", err)
		}
		if done.Valid {
			return problem.New(problem.Conflict, "This task was already marked done, on %s", done.Time.UTC().Format("2 January 2006"))
		}
		var fs problem.Fields
		switch {
		case action.Valid:
			fs.Add("assign_to", "A safeguarding follow-up action stays with the owner the designated safeguarding lead chose: ask a lead to decide who takes it on")
		case to <= 0:
			fs.Add("assign_to", "Choose who to give the task to")
		case assigned.Valid && assigned.Int64 == to:
			fs.Add("assign_to", "The task is theirs already: choose someone else")
		default:
			ok, err := tx.worksInArea(to, f.AreaID)
			if err != nil {
				return err
			}
			if !ok {
				fs.Add("assign_to", "Choose someone who works in the family's area from the list")
				break
			}
			// A reminder's words are the parent's confidential details:
			// it goes only to someone who may read them.
			if kind == "reminder" && person.Valid {
				if refusal, err := tx.mayNotRead(f, person.Int64, to); err != nil {
					return err
				} else if refusal != "" {
					fs.Add("assign_to", refusal)
				}
			}
		}
		if err := fs.Err(); err != nil {
			return err
		}
		res, err := tx.exec(`UPDATE tasks SET assigned_to = $1 WHERE id = $2 AND family_id = $3 AND done_at IS NULL`, to, taskID, f.ID)
		if err != nil {
			return fmt.Errorf("reassigning the task: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return problem.New(problem.Conflict, "Someone has just marked this task done")
		}
		tx.Audit("task.reassign", "task", taskID, f.ID, "")
		return nil
	})
}

// mayNotRead says why staff member to may not read parent personID's
// confidential details, or "" when they may.
func (tx *Tx) mayNotRead(f family.Family, personID, to int64) (string, error) {
	owner, err := tx.staffByID(to)
	if err != nil {
		return "", fmt.Errorf("reading who the task would go to: %w", err)
	}
	for _, p := range f.People {
		if p.ID == personID && !policy.Can(owner.Actor(), policy.ViewConfidential, f.PersonTarget(p, nil), tx.now) {
			return owner.Name + " may not read a reminder about " + p.Name() + ": choose someone who may see their confidential details, such as their practitioner", nil
		}
	}
	return "", nil
}

// newTask is a task to put on someone's list (AssignedTo; 0 for no one in
// particular: the family's page shows it for its team manager, and
// setManager gives it to the next one), for a parent (PersonID) or the
// family as a whole (0), and for a concern's action (ConcernActionID) or
// not (0).
type newTask struct {
	FamilyID, PersonID, AssignedTo, ConcernActionID int64
	MeetingID                                       int64 // a meeting's action's task: it goes if the meeting is removed
	Kind, Title                                     string
	Due                                             time.Time
}

// addTask writes a task. Its title says where it comes from, never what a
// note or action says: task lists are seen more widely than the records
// behind them.
func (tx *Tx) addTask(t newTask) error {
	if _, err := tx.insertID(`INSERT INTO tasks (family_id, person_id, assigned_to, kind, title, due_on, created_at, concern_action_id, meeting_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		nullID(t.FamilyID), nullID(t.PersonID), nullID(t.AssignedTo), t.Kind, t.Title, t.Due.UTC(), tx.now, nullID(t.ConcernActionID), nullID(t.MeetingID)); err != nil {
		return fmt.Errorf("creating a %s task: %w", t.Kind, err)
	}
	return nil
}

// openTasks lists a family's open tasks, soonest first.
func (db *DB) openTasks(ctx context.Context, q rowQuerier, familyID int64) ([]Task, error) {
	rows, err := q.QueryContext(ctx, `SELECT t.id, t.kind, t.title, COALESCE(s.name, ''), COALESCE(t.assigned_to, 0), t.due_on, COALESCE(t.person_id, 0),
		COALESCE(p.given_name, ''), COALESCE(p.known_as, ''), COALESCE(p.family_name, '')
		FROM tasks t LEFT JOIN staff s ON s.id = t.assigned_to LEFT JOIN people p ON p.id = t.person_id
		WHERE t.family_id = $1 AND t.done_at IS NULL ORDER BY t.due_on, t.id`, familyID)
	if err != nil {
		return nil, fmt.Errorf("listing tasks: %w", err)
	}
	defer rows.Close()
	var out []Task
	for rows.Next() {
		var t Task
		var due sql.NullTime
		var about family.Person
		if err := rows.Scan(&t.ID, &t.Kind, &t.Title, &t.AssignedTo, &t.AssignedToID, &due, &t.PersonID, &about.GivenName, &about.KnownAs, &about.FamilyName); err != nil {
			return nil, err
		}
		if about.GivenName+about.KnownAs+about.FamilyName != "" {
			t.About = about.Name()
		}
		t.DueOn = timeOf(due)
		out = append(out, t)
	}
	return out, rows.Err()
}

// Progress is what has been done in a family, for marking timeline
// milestones done: counts only, no content.
type Progress struct {
	SessionsHeld  int
	VIGAntenatal  int // the most antenatal VIG cycles either parent has had
	VIGPostnatal  int
	VIGCycles     []PersonCount // each parent's VIG cycles, both phases
	LastContactOn time.Time
	// Measures says which instruments each person has at each timepoint
	// (timepoint → person → instrument keys), for what is due.
	Measures map[string]map[int64][]string
	// PlanChecked maps each parent with a safety plan to when it was last
	// written or reviewed, for the timeline's plan reviews
	// (timeline.PlanReviewDone).
	PlanChecked map[int64]time.Time
	// PlanReviewOn maps each parent whose safety plan sets a next review
	// to that date, for the caseload's overdue flag.
	PlanReviewOn map[int64]time.Time
}

// PlanChecks lists when each parent's safety plan was last written or
// reviewed, in no order.
func (p Progress) PlanChecks() []time.Time {
	out := make([]time.Time, 0, len(p.PlanChecked))
	for _, t := range p.PlanChecked {
		out = append(out, t)
	}
	return out
}

// PersonCount is a count of one person's records.
type PersonCount struct {
	PersonID int64
	N        int
}

// VIGCount is how many VIG cycles the person has had, both phases.
func (p Progress) VIGCount(personID int64) int {
	for _, c := range p.VIGCycles {
		if c.PersonID == personID {
			return c.N
		}
	}
	return 0
}

func addCount(cs []PersonCount, personID int64, n int) []PersonCount {
	for i := range cs {
		if cs[i].PersonID == personID {
			cs[i].N += n
			return cs
		}
	}
	return append(cs, PersonCount{personID, n})
}

// progress counts attended sessions and VIG cycles for several families in
// two queries. The sessions come from family_session_facts, which triggers
// keep in step with case_sessions (migration 14), so a manager's caseload
// of 500 families reads 500 rows, not their twenty thousand sessions.
func (db *DB) progress(ctx context.Context, q rowQuerier, familyIDs []int64) (map[int64]Progress, error) {
	out := map[int64]Progress{}
	if len(familyIDs) == 0 {
		return out, nil
	}
	in, args := db.inList(familyIDs)
	rows, err := q.QueryContext(ctx, db.rebind(`SELECT family_id, attended, `+db.timeText("last_attended_on")+` FROM family_session_facts
		WHERE attended > 0 AND family_id IN (`+in+`)`), args...)
	if err != nil {
		return nil, fmt.Errorf("counting sessions: %w", err)
	}
	for rows.Next() {
		var fid int64
		var n int
		var last anyTime
		if err := rows.Scan(&fid, &n, &last); err != nil {
			return nil, dropRows(rows, fmt.Errorf("counting sessions: %w", err))
		}
		p := out[fid]
		p.SessionsHeld, p.LastContactOn = n, last.T
		out[fid] = p
	}
	if err := doneRows(rows); err != nil {
		return nil, fmt.Errorf("counting sessions: %w", err)
	}
	rows, err = q.QueryContext(ctx, db.rebind(`SELECT family_id, person_id, phase, COUNT(*) FROM vig_cycles WHERE family_id IN (`+in+`) AND removed_at IS NULL GROUP BY family_id, person_id, phase`), args...)
	if err != nil {
		return nil, fmt.Errorf("counting VIG cycles: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var fid, pid int64
		var phase string
		var n int
		if err := rows.Scan(&fid, &pid, &phase, &n); err != nil {
			return nil, err
		}
		p := out[fid]
		p.VIGCycles = addCount(p.VIGCycles, pid, n) // a row per phase, in no order
		if phase == "antenatal" && n > p.VIGAntenatal {
			p.VIGAntenatal = n
		}
		if phase == "postnatal" && n > p.VIGPostnatal {
			p.VIGPostnatal = n
		}
		out[fid] = p
	}
	if err := doneRows(rows); err != nil {
		return nil, fmt.Errorf("counting VIG cycles: %w", err)
	}
	// Saving or reviewing a plan updates its row (and so the caseload's
	// cache key, migration 20): updated_at is its latest check. One read
	// serves the timeline's reviews and the caseload's next review dates.
	rows, err = q.QueryContext(ctx, db.rebind(`SELECT family_id, person_id, `+db.timeText("updated_at")+`, `+db.timeText("review_on")+` FROM safety_plans WHERE family_id IN (`+in+`)`), args...)
	if err != nil {
		return nil, fmt.Errorf("reading safety plan checks: %w", err)
	}
	for rows.Next() {
		var fid, pid int64
		var at, next anyTime
		if err := rows.Scan(&fid, &pid, &at, &next); err != nil {
			return nil, dropRows(rows, fmt.Errorf("reading safety plan checks: %w", err))
		}
		p := out[fid]
		p.PlanChecked = setKey(p.PlanChecked, pid, at.T)
		if !next.T.IsZero() {
			p.PlanReviewOn = setKey(p.PlanReviewOn, pid, next.T)
		}
		out[fid] = p
	}
	if err := doneRows(rows); err != nil {
		return nil, fmt.Errorf("reading safety plan checks: %w", err)
	}
	cover, err := db.measureCoverage(ctx, q, familyIDs)
	if err != nil {
		return nil, err
	}
	for fid, m := range cover {
		p := out[fid]
		p.Measures = m
		out[fid] = p
	}
	return out, nil
}

func (tx *Tx) pauses(personID int64, seeConfidential bool) ([]casework.Pause, error) {
	rows, err := tx.query(`SELECT id, COALESCE(person_id, 0), reason, note_sealed, started_on, ended_on FROM pauses
		WHERE person_id = $1 OR (person_id IS NULL AND family_id = (SELECT family_id FROM people WHERE id = $1))
		ORDER BY started_on DESC, id DESC`, personID)
	if err != nil {
		return nil, fmt.Errorf("reading pauses: %w", err)
	}
	defer rows.Close()
	var out []casework.Pause
	for rows.Next() {
		var p casework.Pause
		var note string
		var ended sql.NullTime
		if err := rows.Scan(&p.ID, &p.PersonID, &p.Reason, &note, &p.StartedOn, &ended); err != nil {
			return nil, fmt.Errorf("reading pause: %w", err)
		}
		p.EndedOn = timeOf(ended)
		// A pause's note may say why (a move, a crisis): it follows the
		// parent's confidentiality.
		if seeConfidential {
			if p.Note, err = tx.db.open(rowContext("pauses.note", p.ID), note); err != nil {
				return nil, err
			}
		} else {
			p.Withheld = note != ""
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// PauseSessions records that sessions with a parent have paused.
func (db *DB) PauseSessions(ctx context.Context, actor policy.Actor, p casework.Pause) error {
	return db.Update(ctx, func(tx *Tx) error {
		f, person, err := tx.parentForEdit(actor, p.PersonID, "Sessions are paused for a parent")
		if err != nil {
			return err
		}
		if !person.Active {
			return problem.New(problem.Conflict, "%s has left the programme: there are no sessions to pause until they rejoin", person.Name())
		}
		if err := p.Validate(tx.now); err != nil {
			return err
		}
		var open int
		if err := tx.queryRow(`SELECT COUNT(*) FROM pauses WHERE person_id = $1 AND ended_on IS NULL`, person.ID).Scan(&open); err != nil {
			return fmt.Errorf("checking pauses: %w", err)
		}
		if open > 0 {
			return problem.New(problem.Conflict, "Sessions with this parent are already paused")
		}
		id, err := tx.newID("pauses")
		if err != nil {
			return err
		}
		note, err := tx.db.seal(rowContext("pauses.note", id), p.Note)
		if err != nil {
			return err
		}
		_, err = tx.exec(`INSERT INTO pauses (id, family_id, person_id, reason, note_sealed, started_on, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			id, f.ID, person.ID, p.Reason, note, p.StartedOn.UTC(), actor.StaffID, tx.now)
		if err != nil {
			return fmt.Errorf("recording pause: %w", err)
		}
		tx.Audit("sessions.pause", "pause", id, f.ID, p.Reason)
		return nil
	})
}

// ResumeSessions ends a parent's current pause.
func (db *DB) ResumeSessions(ctx context.Context, actor policy.Actor, personID int64) error {
	return db.Update(ctx, func(tx *Tx) error {
		f, person, err := tx.parentForEdit(actor, personID, "Sessions are resumed for a parent")
		if err != nil {
			return err
		}
		res, err := tx.exec(`UPDATE pauses SET ended_on = $1 WHERE person_id = $2 AND ended_on IS NULL`, tx.now, person.ID)
		if err != nil {
			return fmt.Errorf("resuming: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return problem.New(problem.Conflict, "Sessions with this parent are not paused")
		}
		tx.Audit("sessions.resume", "person", person.ID, f.ID, "")
		return nil
	})
}

// RecordSupervision adds a team manager's supervision note to a parent's
// record. Supervision notes are confidential to those who may see the
// parent's confidential details.
func (db *DB) RecordSupervision(ctx context.Context, actor policy.Actor, personID int64, note string) error {
	return db.Update(ctx, func(tx *Tx) error {
		f, p, err := db.personInFamily(ctx, tx.q(), personID)
		if err != nil {
			return err
		}
		if d := policy.Decide(actor, policy.WriteSupervision, f.PersonTarget(p, nil), tx.now); !d.Allowed {
			return d.Err()
		}
		if p.Kind != family.Parent {
			return problem.New(problem.Invalid, "Supervision notes are written on a parent's record")
		}
		var fs problem.Fields
		fs.Text("supervision_note", "Supervision note", &note, 20000, true)
		if note == "" && !fs.Has("supervision_note") {
			fs.Add("supervision_note", "Write the supervision note")
		}
		if err := fs.Err(); err != nil {
			return err
		}
		id, err := tx.newID("case_sessions")
		if err != nil {
			return err
		}
		sealed, err := tx.db.seal(rowContext("case_sessions.notes", id), note)
		if err != nil {
			return err
		}
		_, err = tx.exec(`INSERT INTO case_sessions (id, family_id, person_id, staff_id, held_on, minutes, mode, attendance, confidential, notes_sealed, kind, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, 0, '', '', TRUE, $6, 'supervision', $7, $7)`, id, f.ID, p.ID, actor.StaffID, tx.now, sealed, tx.now)
		if err != nil {
			return fmt.Errorf("saving supervision note: %w", err)
		}
		tx.Audit("supervision.create", "session", id, f.ID, "")
		return nil
	})
}

// Activity is a line of a family's recent activity: what happened and
// when, never what a note says.
type Activity struct {
	On         time.Time
	PersonName string
	Kind       string // session, supervision
	Attendance string
	Staff      string
}

// recentActivity lists the family's latest sessions and notes, newest
// first: dates, people and kinds only, so nothing confidential is shown.
// The limit is written into the statement, not bound: over a bound LIMIT
// PostgreSQL's generic plan costs the sort of every session, so it planned
// this statement afresh on every family page (0.58 ms a plan, twice the read).
func (db *DB) recentActivity(ctx context.Context, q rowQuerier, familyID int64, limit int) ([]Activity, error) {
	rows, err := q.QueryContext(ctx, `SELECT cs.held_on, p.given_name, p.family_name, cs.kind, cs.attendance, s.name
		FROM case_sessions cs JOIN people p ON p.id = cs.person_id JOIN staff s ON s.id = cs.staff_id
		WHERE cs.family_id = $1 ORDER BY cs.held_on DESC, cs.id DESC LIMIT `+strconv.Itoa(max(limit, 0)), familyID)
	if err != nil {
		return nil, fmt.Errorf("reading recent activity: %w", err)
	}
	defer rows.Close()
	var out []Activity
	for rows.Next() {
		var a Activity
		var given, fam string
		if err := rows.Scan(&a.On, &given, &fam, &a.Kind, &a.Attendance, &a.Staff); err != nil {
			return nil, err
		}
		a.PersonName = strings.TrimSpace(given + " " + fam)
		out = append(out, a)
	}
	return out, rows.Err()
}
