package store

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/cradle-org/cradle/internal/casework"
	"github.com/cradle-org/cradle/internal/referral"
	"github.com/cradle-org/cradle/internal/risk"
	"github.com/cradle-org/cradle/internal/sharing"
)

// DemoHistory is a fictional family's past, written straight into the
// tables by the demo loader so that dashboards, caseloads and outcome
// charts have something to show: how the family was referred, sessions,
// outcome measures already scored, safeguarding status changes and a
// closure. It is for demonstration data only (the demo loader refuses any
// database with real accounts); live records come through the checked
// methods.
type DemoHistory struct {
	FamilyID     int64
	AreaName     string
	Received     time.Time // when the referral came in
	Source       string    // self, professional
	ReferrerRole string    // e.g. social_worker
	Sessions     []DemoSession
	Measures     []MeasureResult
	Statuses     []DemoStatus
	Closure      *DemoClosure
	// The team around the baby: each member from Since, and until LeftOn
	// if they have left.
	Team []sharing.Professional
	// AssessedOn is when the family's assessment was completed (zero: not
	// yet).
	AssessedOn time.Time
	// AllocatedOn is when the parents' practitioners were allocated (the
	// loader allocates them as it makes the family, so on the load day).
	AllocatedOn time.Time
	// Assessments of risk to the children, in the order made.
	ChildRisks []DemoChildRisk
	// Each parent's completed DASH assessments, safety plan, incidents and
	// MARAC referrals. The loader makes them as a practitioner would have
	// (a review after every incident, a MARAC referral with its outcome
	// after every high level), so they leave no task waiting.
	Assessments []DemoAssessment
	SafetyPlans []DemoSafetyPlan
	Incidents   []DemoIncident
	MARACs      []DemoMARAC
	// Parents who left the programme while the other carried on (By
	// recorded it).
	Departures []DemoDeparture
	// Reminders a practitioner set themself about a parent (By set it).
	Reminders []DemoReminder
	// Documents kept on a parent's record (By added them).
	Documents []DemoDocument
	// Appointments booked with a parent (By booked them).
	Appointments []DemoAppointment
}

// DemoAppointment is an appointment booked with a parent by By.
type DemoAppointment struct {
	casework.Appointment
	By int64
}

// DemoReminder is a reminder about a parent on the task list of By, who
// set it.
type DemoReminder struct {
	casework.Reminder
	By int64
}

// DemoDocument is a document kept on a parent's record, added by By.
type DemoDocument struct {
	casework.Document
	By int64
}

// DemoDeparture is a parent's leaving the programme, recorded by By.
type DemoDeparture struct {
	casework.Departure
	By int64
}

// DemoAssessment is a completed DASH assessment of the parent PersonID,
// made On by the member of staff By, scored with the default thresholds.
type DemoAssessment struct {
	risk.Assessment
	PersonID, By int64
	On           time.Time
}

// DemoSafetyPlan is a parent's safety plan, written On by By and reviewed
// since, next to be reviewed on ReviewOn.
type DemoSafetyPlan struct {
	SafetyPlanSections
	PersonID, By int64
	On, ReviewOn time.Time
	Reviews      []DemoPlanReview
}

// DemoPlanReview is a review of a demo safety plan and what it changed.
type DemoPlanReview struct {
	On      time.Time
	By      int64
	Changes string
}

// DemoIncident is an incident recorded by the member of staff By the day
// after it happened.
type DemoIncident struct {
	Incident
	By int64
}

// DemoMARAC is a MARAC referral made for the parent PersonID by By.
type DemoMARAC struct {
	MARACReferral
	PersonID, By int64
}

// DemoChildRisk is an assessment of risk to the children, made On by the
// member of staff By, about the child ChildID (AllChildren for all).
type DemoChildRisk struct {
	risk.ChildRisk
	On      time.Time
	By      int64
	ChildID int64
}

// DemoSession is one session with a parent.
type DemoSession struct {
	PersonID, StaffID int64
	On                time.Time
	Attendance        string
	Module            string
}

// DemoStatus is a safeguarding status from a date.
type DemoStatus struct {
	Status string
	From   time.Time
}

// DemoClosure is how the family's case closed.
type DemoClosure struct {
	Kind, Reason string
	On           time.Time
	By           int64
}

// AddDemoHistory writes a demo family's past (see DemoHistory).
func (tx *Tx) AddDemoHistory(h DemoHistory) error {
	if err := tx.AddDemoReferral(DemoReferral{AreaName: h.AreaName, FamilyID: h.FamilyID, Received: h.Received, Source: h.Source,
		ReferrerRole: h.ReferrerRole, Status: "accepted", Decision: "accept"}); err != nil {
		return err
	}
	for _, s := range h.Sessions {
		// No notes: an empty value is stored empty, never sealed.
		if _, err := tx.exec(`INSERT INTO case_sessions (family_id, person_id, staff_id, held_on, minutes, mode, attendance, module, kind, notes_sealed, created_at, updated_at)
			VALUES ($1, $2, $3, $4, 60, 'home', $5, $6, 'session', '', $7, $7)`, h.FamilyID, s.PersonID, s.StaffID, s.On.UTC(), s.Attendance, s.Module, tx.now); err != nil {
			return fmt.Errorf("demo session: %w", err)
		}
	}
	for _, m := range h.Measures {
		m.FamilyID = h.FamilyID
		if _, err := tx.insertMeasure(m, 0); err != nil {
			return fmt.Errorf("demo measure: %w", err)
		}
	}
	for _, s := range h.Statuses {
		if _, err := tx.exec(`INSERT INTO safeguarding_status_history (family_id, status, from_date, created_at) VALUES ($1, $2, $3, $4)`, h.FamilyID, s.Status, s.From.UTC(), tx.now); err != nil {
			return fmt.Errorf("demo status: %w", err)
		}
	}
	// The family's status today is its latest, as a meeting that changes
	// it leaves it (RecordMeeting).
	if n := len(h.Statuses); n > 0 {
		if _, err := tx.exec(`UPDATE families SET safeguarding_status = $1 WHERE id = $2`, h.Statuses[n-1].Status, h.FamilyID); err != nil {
			return fmt.Errorf("demo status: %w", err)
		}
	}
	if len(h.Team) > 0 {
		area, err := tx.areaByName(h.AreaName)
		if err != nil {
			return err
		}
		for _, p := range h.Team {
			if _, err := tx.insertProfessional(h.FamilyID, area.ID, p); err != nil {
				return fmt.Errorf("demo team around the baby: %w", err)
			}
		}
	}
	for _, c := range h.ChildRisks {
		if _, err := tx.insertChildRisk(h.FamilyID, c.ChildID, c.ChildRisk, c.On, c.By); err != nil {
			return fmt.Errorf("demo risk to the children: %w", err)
		}
	}
	if !h.AllocatedOn.IsZero() {
		if _, err := tx.exec(`UPDATE allocations SET started_at = $1 WHERE family_id = $2`, h.AllocatedOn.UTC(), h.FamilyID); err != nil {
			return fmt.Errorf("demo allocations: %w", err)
		}
	}
	if !h.AssessedOn.IsZero() {
		if _, err := tx.exec(`UPDATE families SET assessment_completed_on = $1 WHERE id = $2`, h.AssessedOn.UTC(), h.FamilyID); err != nil {
			return fmt.Errorf("demo assessment: %w", err)
		}
	}
	if err := tx.addDemoRisk(h); err != nil {
		return err
	}
	for _, d := range h.Departures {
		if err := tx.insertDeparture(h.FamilyID, d.Departure, d.By); err != nil {
			return fmt.Errorf("demo departure: %w", err)
		}
	}
	for _, m := range h.Reminders {
		if _, err := tx.insertReminder(h.FamilyID, m.Reminder, m.By); err != nil {
			return fmt.Errorf("demo reminder: %w", err)
		}
	}
	for _, a := range h.Appointments {
		if _, err := tx.insertAppointment(h.FamilyID, a.Appointment, a.By); err != nil {
			return fmt.Errorf("demo appointment: %w", err)
		}
	}
	for _, d := range h.Documents {
		if _, err := tx.insertDocument(h.FamilyID, d.Document, d.By); err != nil {
			return fmt.Errorf("demo document: %w", err)
		}
	}
	if c := h.Closure; c != nil {
		if _, err := tx.exec(`INSERT INTO closures (family_id, kind, reason, closed_on, requested_by, approved_by, approved_at, created_at) VALUES ($1, $2, $3, $4, $5, $5, $6, $6)`,
			h.FamilyID, c.Kind, c.Reason, c.On.UTC(), c.By, tx.now); err != nil {
			return fmt.Errorf("demo closure: %w", err)
		}
		if _, err := tx.exec(`UPDATE families SET closed_on = $1, closure_reason = $2 WHERE id = $3`, c.On.UTC(), c.Reason, h.FamilyID); err != nil {
			return fmt.Errorf("demo closure: %w", err)
		}
	}
	return nil
}

// DemoReferral is a fictional referral: one that opened a demo family, or
// one that was not accepted or was withdrawn (so conversion has a top).
type DemoReferral struct {
	AreaName     string // "" for one from outside every area
	FamilyID     int64  // 0 unless accepted
	Received     time.Time
	Source       string
	ReferrerRole string
	Status       string // accepted, not_accepted, withdrawn
	Decision     string // e.g. accept, not_funded_area
	Signposted   string
}

// AddDemoReferral writes a decided demo referral (see DemoReferral).
func (tx *Tx) AddDemoReferral(d DemoReferral) error {
	var areaID, familyID any
	if d.AreaName != "" {
		area, err := tx.areaByName(d.AreaName)
		if err != nil {
			return err
		}
		areaID = area.ID
	}
	if d.FamilyID != 0 {
		familyID = d.FamilyID
	}
	num, err := tx.nextNumber(fmt.Sprintf("referral-%d", d.Received.Year()))
	if err != nil {
		return err
	}
	id, err := tx.newID("referrals")
	if err != nil {
		return err
	}
	content, err := tx.db.seal(rowContext("referrals.content", id), `{"source":"`+d.Source+`"}`)
	if err != nil {
		return err
	}
	decided := d.Received.AddDate(0, 0, 3)
	// Acknowledged as a live one is: on screen for a parent, by an email
	// sent minutes later for a referrer.
	acknowledged := d.Received
	if d.Source != "self" {
		acknowledged = d.Received.Add(4 * time.Minute)
	}
	// Its decision told as a live one is, once there is one to tell: by an
	// email minutes later for a referrer, by a call the next day for a
	// parent who referred themselves.
	var told any
	if referral.DecisionToTell(referral.Source(d.Source), referral.Status(d.Status)) {
		told = decided.Add(5 * time.Minute).UTC()
		if d.Source == "self" {
			told = decided.AddDate(0, 0, 1).UTC()
		}
	}
	_, err = tx.exec(`INSERT INTO referrals (id, reference, source, area_id, family_id, status, received_at, referrer_role, content_sealed,
		decision, signposted_to, decided_at, updated_at, safeguarding_status, acknowledged_at, decision_told_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, '', $13, $14)`,
		id, fmt.Sprintf("REF-%d-%06d", d.Received.Year(), num), d.Source, areaID, familyID, d.Status, d.Received.UTC(), d.ReferrerRole, content,
		d.Decision, d.Signposted, decided.UTC(), acknowledged.UTC(), told)
	if err != nil {
		return fmt.Errorf("demo referral: %w", err)
	}
	tx.Audit("demo.referral", "referral", id, d.FamilyID, "")
	return nil
}

// addDemoRisk writes a demo family's DASH assessments, safety plans,
// incidents and MARAC referrals (see DemoHistory), sealed as live ones are.
func (tx *Tx) addDemoRisk(h DemoHistory) error {
	for _, a := range h.Assessments {
		res, err := risk.Score(risk.DefaultThresholds(), a.Assessment)
		if err != nil {
			return fmt.Errorf("demo risk assessment: %w", err)
		}
		if err := risk.ReadyToComplete(res); err != nil {
			return fmt.Errorf("demo risk assessment: %w", err)
		}
		b, err := json.Marshal(storedAssessment{Answers: a.Answers, Context: a.Context, ParentView: a.ParentView, JudgedLevel: a.JudgedLevel, JudgementReason: a.JudgementReason})
		if err != nil {
			return fmt.Errorf("demo risk assessment: %w", err)
		}
		id, err := tx.newID("risk_assessments")
		if err != nil {
			return err
		}
		sealed, err := tx.db.seal(rowContext("risk_assessments.answers", id), string(b))
		if err != nil {
			return err
		}
		if err := tx.insertDASH(id, h.FamilyID, a.PersonID, a.By, a.On.UTC(), res, a.JudgedLevel, sealed, "complete", a.On.UTC()); err != nil {
			return fmt.Errorf("demo: %w", err)
		}
	}
	for _, p := range h.SafetyPlans {
		b, err := json.Marshal(p.SafetyPlanSections)
		if err != nil {
			return fmt.Errorf("demo safety plan: %w", err)
		}
		id, err := tx.newID("safety_plans")
		if err != nil {
			return err
		}
		sealed, err := tx.db.seal(rowContext("safety_plans.plan", id), string(b))
		if err != nil {
			return err
		}
		updated := p.On
		if n := len(p.Reviews); n > 0 {
			updated = p.Reviews[n-1].On
		}
		if _, err := tx.exec(`INSERT INTO safety_plans (id, family_id, person_id, staff_id, plan_sealed, review_on, version, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, id, h.FamilyID, p.PersonID, p.By, sealed, p.ReviewOn.UTC(), 1+len(p.Reviews), p.On.UTC(), updated.UTC()); err != nil {
			return fmt.Errorf("demo safety plan: %w", err)
		}
		for _, r := range p.Reviews {
			if err := tx.insertPlanReview(id, r.On.UTC(), r.Changes, r.By, r.On.UTC()); err != nil {
				return fmt.Errorf("demo: %w", err)
			}
		}
	}
	for _, in := range h.Incidents {
		if _, err := tx.insertIncident(h.FamilyID, in.Incident, in.By, in.OccurredOn.AddDate(0, 0, 1).UTC()); err != nil {
			return fmt.Errorf("demo: %w", err)
		}
	}
	for _, m := range h.MARACs {
		if _, err := tx.insertMARAC(h.FamilyID, m.PersonID, m.MARACReferral, m.By, m.ReferredOn.UTC()); err != nil {
			return fmt.Errorf("demo: %w", err)
		}
	}
	return nil
}
