package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/cradle-org/cradle/internal/eligibility"
	"github.com/cradle-org/cradle/internal/family"
	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/risk"
)

// RiskRecord is a DASH risk assessment as stored. Assessment (the answers,
// context and reasons) is filled only for readers who may see the parent's
// confidential details; the level is shown more widely (it keeps everyone
// working with the family safe, and reveals nothing the other parent could
// use to find them).
type RiskRecord struct {
	ID          int64
	PersonID    int64
	FamilyID    int64
	StaffName   string
	AssessedOn  time.Time
	Status      string // draft, complete
	Version     int
	Result      risk.Result
	Level       risk.Level
	Assessment  *risk.Assessment
	Criteria    []risk.Criterion
	CompletedAt time.Time
}

type storedAssessment struct {
	Answers         map[int]risk.Answer `json:"answers"`
	Context         map[int]string      `json:"context"`
	ParentView      string              `json:"parent_view"`
	JudgedLevel     risk.Level          `json:"judged_level"`
	JudgementReason string              `json:"judgement_reason"`
}

// RiskSettings are the configurable thresholds and MARAC criteria.
type RiskSettings struct {
	Thresholds risk.Thresholds
	MARAC      risk.MARACConfig
}

// riskProblem turns the risk package's field error into a problem.
func riskProblem(err error) error {
	var re *risk.Error
	if errors.As(err, &re) {
		return &problem.Error{Code: problem.Invalid, Message: "There is a problem", Fields: []problem.Field{{Name: re.Field, Message: re.Message}}}
	}
	return err
}

// SaveRiskAssessment saves a DASH for a parent as a draft, or completes it.
// Completing needs every question answered. A completed assessment whose
// level is high, or that meets any MARAC criterion, creates a "consider a
// MARAC referral" task for the parent's practitioner and the team manager.
// version is the one the editor started from (0 for a new assessment).
func (db *DB) SaveRiskAssessment(ctx context.Context, actor policy.Actor, personID, id int64, version int, a risk.Assessment, complete bool, cfg RiskSettings) (int64, error) {
	err := db.Update(ctx, func(tx *Tx) error {
		f, p, err := tx.parentForEdit(actor, personID, "Risk assessments (DASH) are for a parent")
		if err != nil {
			return err
		}
		var fs problem.Fields
		fs.Text("parent_view", "The parent's own view", &a.ParentView, 5000, true)
		fs.Text("judgement_reason", "Reasons for your judgement", &a.JudgementReason, 5000, true)
		for n, c := range a.Context {
			fs.Text(fmt.Sprintf("context_%d", n), fmt.Sprintf("Context for question %d", n), &c, 2000, true)
			a.Context[n] = c
		}
		if err := fs.Err(); err != nil {
			return err
		}
		res, err := risk.Score(cfg.Thresholds, a)
		if err != nil {
			return riskProblem(err)
		}
		if complete {
			if err := risk.ReadyToComplete(res); err != nil {
				return riskProblem(err)
			}
		}
		b, err := json.Marshal(storedAssessment{Answers: a.Answers, Context: a.Context, ParentView: a.ParentView, JudgedLevel: a.JudgedLevel, JudgementReason: a.JudgementReason})
		if err != nil {
			return fmt.Errorf("encoding assessment: %w", err)
		}
		isNew := id == 0
		if isNew {
			// A parent's page continues their draft: a second new one is
			// the same form sent twice (a double click), or two people at
			// once. Either way the answers go to the draft there is.
			var started time.Time
			switch err := tx.queryRow(`SELECT created_at FROM risk_assessments WHERE person_id = $1 AND status = 'draft' ORDER BY id DESC LIMIT 1`, p.ID).Scan(&started); {
			case err == nil:
				return problem.New(problem.Conflict, "A risk assessment for this parent was started on %s and is saved as a draft. Your answers are shown below: open the draft from the parent's page and add them there",
					started.UTC().Format("2 January 2006"))
			case !errors.Is(err, sql.ErrNoRows):
				return fmt.Errorf("looking for a draft assessment: %w", err)
			}
			if id, err = tx.newID("risk_assessments"); err != nil {
				return err
			}
		}
		sealed, err := tx.db.seal(rowContext("risk_assessments.answers", id), string(b))
		if err != nil {
			return err
		}
		status := "draft"
		var completed any
		if complete {
			status, completed = "complete", tx.now
		}
		if isNew {
			if err := tx.insertDASH(id, f.ID, p.ID, actor.StaffID, tx.now, res, a.JudgedLevel, sealed, status, completed); err != nil {
				return err
			}
		} else {
			r, err := tx.exec(`UPDATE risk_assessments SET yes_count = $1, level = $2, judged_level = $3, answers_sealed = $4, status = $5, completed_at = $6,
				version = version + 1, updated_at = $7 WHERE id = $8 AND person_id = $9 AND status = 'draft' AND version = $10`,
				res.Yes, string(res.Level), string(a.JudgedLevel), sealed, status, completed, tx.now, id, p.ID, version)
			if err != nil {
				return fmt.Errorf("saving assessment: %w", err)
			}
			if n, _ := r.RowsAffected(); n != 1 {
				var st string
				if err := tx.queryRow(`SELECT status FROM risk_assessments WHERE id = $1 AND person_id = $2`, id, p.ID).Scan(&st); err != nil && !errors.Is(err, sql.ErrNoRows) {
					return fmt.Errorf("reading assessment status: %w", err)
				}
				if st == "draft" {
					return problem.New(problem.Conflict, "Someone else saved this draft assessment after you opened this part. Your answers to this part are shown below: saving them replaces the saved answers to these questions, and the other parts keep theirs")
				}
				return problem.New(problem.Conflict, "This assessment was completed or removed by someone else while you were editing, so your answers cannot be added to it. They are shown below for you to copy")
			}
		}
		tx.Audit("risk.save", "risk_assessment", id, f.ID, status)
		if !complete {
			return nil
		}
		h, err := tx.riskHistory(p.ID)
		if err != nil {
			return err
		}
		criteria := risk.MARAC(cfg.MARAC, res, h)
		if risk.ConsiderMARAC(res, criteria) {
			for _, staffID := range []int64{p.PractitionerID, f.ManagerID} {
				if staffID == 0 {
					continue
				}
				if err := tx.addTask(newTask{FamilyID: f.ID, PersonID: p.ID, AssignedTo: staffID, Kind: "consider_marac",
					Title: "Consider a MARAC referral (family " + f.Reference + ")", Due: tx.now}); err != nil {
					return err
				}
			}
			tx.Audit("risk.marac_task", "person", p.ID, f.ID, "")
		}
		return nil
	})
	return id, err
}

// insertDASH writes a new DASH assessment, its answers already sealed
// under the row's id; completed is nil for a draft.
func (tx *Tx) insertDASH(id, familyID, personID, staffID int64, on time.Time, res risk.Result, judged risk.Level, sealed, status string, completed any) error {
	_, err := tx.exec(`INSERT INTO risk_assessments (id, family_id, person_id, staff_id, kind, assessed_on, yes_count, level, judged_level, answers_sealed,
		status, version, completed_at, created_at, updated_at) VALUES ($1, $2, $3, $4, 'dash', $5, $6, $7, $8, $9, $10, 1, $11, $12, $12)`,
		id, familyID, personID, staffID, on, res.Yes, string(res.Level), string(judged), sealed, status, completed, tx.now)
	if err != nil {
		return fmt.Errorf("saving assessment: %w", err)
	}
	return nil
}

// riskHistory is the risk history the MARAC criteria need: a parent's
// incident dates and their last MARAC referral (see incidentsAndHistory).
func (tx *Tx) riskHistory(personID int64) (risk.History, error) {
	r, err := tx.incidentsAndHistory(personID, riskRead{})
	return r.history, err
}

// RiskAssessments lists a parent's assessments, newest first, opening the
// answers only when seeConfidential; MARAC criteria are worked out for the
// completed ones.
// h is the parent's risk history (riskHistory), read with their incidents
// when the page lists those too.
func (tx *Tx) riskAssessments(personID int64, seeConfidential bool, cfg RiskSettings, h risk.History) ([]RiskRecord, error) {
	rows, err := tx.query(`SELECT ra.id, ra.person_id, ra.family_id, s.name, ra.assessed_on, ra.status, ra.version, ra.level, ra.answers_sealed, ra.completed_at
		FROM risk_assessments ra JOIN staff s ON s.id = ra.staff_id WHERE ra.person_id = $1 AND ra.kind = 'dash' ORDER BY ra.assessed_on DESC, ra.id DESC`, personID)
	if err != nil {
		return nil, fmt.Errorf("reading assessments: %w", err)
	}
	var out []RiskRecord
	var sealed []string
	for rows.Next() {
		var r RiskRecord
		var s string
		var level string
		var completed sql.NullTime
		if err := rows.Scan(&r.ID, &r.PersonID, &r.FamilyID, &r.StaffName, &r.AssessedOn, &r.Status, &r.Version, &level, &s, &completed); err != nil {
			return nil, dropRows(rows, fmt.Errorf("reading assessment: %w", err))
		}
		r.Level, r.CompletedAt = risk.Level(level), timeOf(completed)
		out = append(out, r)
		sealed = append(sealed, s)
	}
	if err := doneRows(rows); err != nil {
		return nil, fmt.Errorf("reading assessments: %w", err)
	}
	for i := range out {
		plain, err := tx.db.open(rowContext("risk_assessments.answers", out[i].ID), sealed[i])
		if err != nil {
			return nil, err
		}
		var st storedAssessment
		if err := json.Unmarshal([]byte(plain), &st); err != nil {
			return nil, fmt.Errorf("decoding assessment: %w", err)
		}
		a := risk.Assessment{Answers: st.Answers, Context: st.Context, ParentView: st.ParentView, JudgedLevel: st.JudgedLevel, JudgementReason: st.JudgementReason}
		if res, err := risk.Score(cfg.Thresholds, a); err == nil {
			out[i].Result = res
			if out[i].Status == "complete" {
				out[i].Criteria = risk.MARAC(cfg.MARAC, res, h)
			}
		}
		if seeConfidential {
			out[i].Assessment = &a
		}
	}
	return out, nil
}

// Incident is a domestic-abuse incident disclosed or reported.
type Incident struct {
	ID              int64
	PersonID        int64
	OccurredOn      time.Time
	ReportedBy      string // who told us
	PoliceInvolved  bool
	Injuries        bool
	ChildrenPresent bool
	Details         string
	Withheld        bool
}

// RecordIncident records an incident for a parent; it prompts a risk
// review (askForRiskReview).
// CheckIncident adds to fs what is wrong with an incident's date and
// text on the day now, cleaning the text in place; a form's own problems
// already in fs (a date that is no date) stand.
func CheckIncident(in *Incident, now time.Time, fs *problem.Fields) {
	switch {
	case in.OccurredOn.IsZero():
		fs.Add("occurred_on", "Enter the date of the incident")
	case in.OccurredOn.After(now):
		fs.Add("occurred_on", "The date of the incident must be today or in the past")
	}
	fs.Text("reported_by", "Who told us", &in.ReportedBy, 200, false)
	if in.ReportedBy == "" && !fs.Has("reported_by") {
		fs.Add("reported_by", "Say who told us about the incident")
	}
	fs.Text("details", "What happened", &in.Details, 10000, true)
}

func (db *DB) RecordIncident(ctx context.Context, actor policy.Actor, in Incident) error {
	return db.Update(ctx, func(tx *Tx) error {
		f, p, err := tx.parentForEdit(actor, in.PersonID, "Incidents are recorded for a parent")
		if err != nil {
			return err
		}
		var fs problem.Fields
		CheckIncident(&in, tx.now, &fs)
		if err := fs.Err(); err != nil {
			return err
		}
		in.PersonID = p.ID
		id, err := tx.insertIncident(f.ID, in, actor.StaffID, tx.now)
		if err != nil {
			return err
		}
		if err := tx.askForRiskReview(f, p, "Review the risk assessment after a new incident", tx.now); err != nil {
			return err
		}
		tx.Audit("incident.create", "incident", id, f.ID, "")
		return nil
	})
}

// insertIncident writes incident in about in.PersonID of the family,
// recorded by the member of staff by at, its reporter and details sealed
// to its row.
func (tx *Tx) insertIncident(familyID int64, in Incident, by int64, at time.Time) (int64, error) {
	id, err := tx.newID("incidents")
	if err != nil {
		return 0, err
	}
	details, err := tx.db.seal(rowContext("incidents.details", id), in.Details)
	if err != nil {
		return 0, err
	}
	reporter, err := tx.db.seal(rowContext("incidents.reported_by", id), in.ReportedBy)
	if err != nil {
		return 0, err
	}
	if _, err := tx.exec(`INSERT INTO incidents (id, family_id, person_id, occurred_on, reported_by, reported_by_sealed, police_involved, children_present, injuries, details_sealed, created_by, created_at)
		VALUES ($1, $2, $3, $4, '', $5, $6, $7, $8, $9, $10, $11)`, id, familyID, in.PersonID, in.OccurredOn.UTC(), reporter, in.PoliceInvolved, in.ChildrenPresent, in.Injuries, details, by, at); err != nil {
		return 0, fmt.Errorf("saving incident: %w", err)
	}
	return id, nil
}

// askForRiskReview asks for parent p's risk to be reviewed after what the
// title says, by due: a task for their practitioner, or with none the
// team manager, or with neither one the family page holds for the next
// manager chosen. A change must not go unreviewed because nobody is
// allocated yet.
func (tx *Tx) askForRiskReview(f family.Family, p family.Person, title string, due time.Time) error {
	staff := p.PractitionerID
	if staff == 0 {
		staff = f.ManagerID
	}
	return tx.addTask(newTask{FamilyID: f.ID, PersonID: p.ID, AssignedTo: staff, Kind: "review_risk",
		Title: title + " (family " + f.Reference + ")", Due: due})
}

// CircumstanceChange is a change in a parent's circumstances as stored. What
// changed (its kind and note) is read only for those who may see the
// parent's confidential details: that a parent has separated, moved or
// found a new partner can endanger them if it reaches the other parent. Anyone
// else who may see the parent's page is told only that a change was
// recorded, and when.
type CircumstanceChange struct {
	ID        int64
	PersonID  int64
	Kind      string // one of risk.ChangeKinds
	ChangedOn time.Time
	Note      string
	Withheld  bool // what changed, from a reader who may not see the parent's confidential details
}

// RecordChange records a change in a parent's circumstances; like an
// incident, it prompts a risk review (askForRiskReview).
func (db *DB) RecordChange(ctx context.Context, actor policy.Actor, personID int64, c risk.Change) error {
	return db.Update(ctx, func(tx *Tx) error {
		f, p, err := tx.parentForEdit(actor, personID, "Changes in circumstances are recorded for a parent")
		if err != nil {
			return err
		}
		if err := c.Check(tx.now); err != nil {
			return err
		}
		id, err := tx.newID("circumstance_changes")
		if err != nil {
			return err
		}
		note, err := tx.db.seal(rowContext("circumstance_changes.note", id), c.Note)
		if err != nil {
			return err
		}
		if _, err := tx.exec(`INSERT INTO circumstance_changes (id, family_id, person_id, kind, changed_on, note_sealed, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, id, f.ID, p.ID, c.Kind, eligibility.DateOf(c.On), note, actor.StaffID, tx.now); err != nil {
			return fmt.Errorf("saving the change in circumstances: %w", err)
		}
		if err := tx.askForRiskReview(f, p, "Review the risk assessment after a change in circumstances", tx.now); err != nil {
			return err
		}
		tx.Audit("circumstance.create", "circumstance_change", id, f.ID, "")
		return nil
	})
}

// RemoveIncident marks one of a parent's incidents as entered in error
// (recorded on the wrong parent, say, or twice), with why: it is left out
// of the person page's incidents and of the risk history MARAC's criteria
// count, kept, and listed as removed. Whoever may record incidents for the
// parent may (their own practitioner, a team manager of the area).
func (db *DB) RemoveIncident(ctx context.Context, actor policy.Actor, personID, incidentID int64, why string) error {
	return db.removeEntry(ctx, actor, personID, incidentID, why, "incidents", "incident", "incident.remove", "That incident is not on this record, or was already removed")
}

// RemoveChange marks one of a parent's changes in circumstances as entered
// in error, as RemoveIncident does an incident.
func (db *DB) RemoveChange(ctx context.Context, actor policy.Actor, personID, changeID int64, why string) error {
	return db.removeEntry(ctx, actor, personID, changeID, why, "circumstance_changes", "circumstance_change", "circumstance.remove",
		"That change is not on this record, or was already removed")
}

// riskRead says what incidentsAndHistory reads beside the risk history.
type riskRead struct {
	openIncidents bool // open what is written about each incident
	changes       bool // read the changes in circumstances too
	openNotes     bool // and say what changed (kind and note)
	maracs        bool // read the MARAC referrals too (their area and actions opened with openNotes)
}

// riskFacts are a parent's incidents, changes in circumstances and risk
// history, as incidentsAndHistory reads them, and the incidents and
// changes removed as entered in error (in neither list nor the history).
type riskFacts struct {
	incidents []Incident
	changes   []CircumstanceChange
	history   risk.History
	removed   []RemovedEntry
	maracs    []MARACEntry
}

// incidentsAndHistory reads a parent's incidents, newest first, with
// what is written about each opened only when r.openIncidents, and their
// risk history (the incidents' dates and the last MARAC referral), in one
// statement: the referral's row joined to each incident, or to none. With
// r.changes their changes in circumstances come in the same statement
// (UNION ALL, tagged 'c'), newest first, and with r.maracs the MARAC
// referrals (tagged 'm': which MARAC in the reporter's column, the actions
// in the details'; the outcome and who recorded it have columns of their
// own). The person page shows them all, and read apart they were four
// statements. Removed as entered in error, an incident, change or referral
// is listed apart and counts towards nothing.
func (tx *Tx) incidentsAndHistory(personID int64, r riskRead) (riskFacts, error) {
	out := riskFacts{history: risk.History{Today: tx.now}}
	h := &out.history
	q := `SELECT 'i' AS src, m.last_on, i.id AS row_id, i.occurred_on AS on_date, i.reported_by_sealed, i.police_involved, i.injuries, i.children_present, i.details_sealed,
		i.removed_at, i.removed_reason_sealed, rb.name, CAST(NULL AS TEXT) AS outcome, CAST(NULL AS TEXT) AS made_by
		FROM (SELECT MAX(referred_on) AS last_on FROM marac_referrals WHERE person_id = $1 AND removed_at IS NULL) m
		LEFT JOIN incidents i ON i.person_id = $1 LEFT JOIN staff rb ON rb.id = i.removed_by`
	if r.changes {
		q += ` UNION ALL SELECT 'c', NULL, c.id, c.changed_on, c.kind, FALSE, FALSE, FALSE, c.note_sealed, c.removed_at, c.removed_reason_sealed, rb.name, NULL, NULL
			FROM circumstance_changes c LEFT JOIN staff rb ON rb.id = c.removed_by WHERE c.person_id = $1`
	}
	if r.maracs {
		q += ` UNION ALL SELECT 'm', NULL, m.id, m.referred_on, m.marac_area, FALSE, FALSE, FALSE, m.actions_sealed, m.removed_at, m.removed_reason_sealed, rb.name, m.outcome, s.name
			FROM marac_referrals m LEFT JOIN staff s ON s.id = m.created_by LEFT JOIN staff rb ON rb.id = m.removed_by WHERE m.person_id = $1`
	}
	rows, err := tx.query(q+` ORDER BY on_date DESC, row_id DESC`, personID)
	if err != nil {
		return out, fmt.Errorf("reading incidents and MARAC referrals: %w", err)
	}
	for rows.Next() {
		var src string
		var last, on, removedAt anyTime
		var id sql.NullInt64
		var reporter, details, removedWhy, removedBy, outcome, madeBy sql.NullString
		var police, injuries, children sql.NullBool
		if err := rows.Scan(&src, &last, &id, &on, &reporter, &police, &injuries, &children, &details, &removedAt, &removedWhy, &removedBy, &outcome, &madeBy); err != nil {
			return out, dropRows(rows, fmt.Errorf("reading incidents and MARAC referrals: %w", err))
		}
		if src == "i" {
			h.LastMARAC = last.T
		}
		if src == "m" && removedAt.T.IsZero() {
			m := MARACEntry{ID: id.Int64, ReferredOn: on.T, Outcome: outcome.String, By: madeBy.String, Withheld: !r.openNotes}
			if r.openNotes {
				m.Area = reporter.String
				if m.Actions, err = tx.db.open(rowContext("marac_referrals.actions", m.ID), details.String); err != nil {
					return out, dropRows(rows, err)
				}
			}
			out.maracs = append(out.maracs, m)
			continue
		}
		if !removedAt.T.IsZero() {
			// Entered in error: listed apart, never counted.
			kind, table := "incident", "incidents"
			switch src {
			case "c":
				kind, table = "change", "circumstance_changes"
			case "m":
				kind, table = "marac", "marac_referrals"
			}
			e, err := tx.db.removedEntry(kind, table, id.Int64, on.T, removedAt.T, removedBy.String, removedWhy.String, r.openNotes)
			if err != nil {
				return out, dropRows(rows, err)
			}
			out.removed = append(out.removed, e)
			continue
		}
		if src == "c" {
			c := CircumstanceChange{ID: id.Int64, PersonID: personID, ChangedOn: on.T, Withheld: !r.openNotes}
			if r.openNotes {
				c.Kind = reporter.String
				if c.Note, err = tx.db.open(rowContext("circumstance_changes.note", c.ID), details.String); err != nil {
					return out, dropRows(rows, err)
				}
			}
			out.changes = append(out.changes, c)
			continue
		}
		if !id.Valid {
			continue // no incidents: the referral's row alone
		}
		in := Incident{ID: id.Int64, PersonID: personID, OccurredOn: on.T, PoliceInvolved: police.Bool, Injuries: injuries.Bool, ChildrenPresent: children.Bool, Withheld: !r.openIncidents}
		if r.openIncidents {
			if in.Details, err = tx.db.open(rowContext("incidents.details", in.ID), details.String); err != nil {
				return out, dropRows(rows, err)
			}
			if in.ReportedBy, err = tx.db.open(rowContext("incidents.reported_by", in.ID), reporter.String); err != nil {
				return out, dropRows(rows, err)
			}
		}
		out.incidents = append(out.incidents, in)
		h.Incidents = append(h.Incidents, on.T)
	}
	if err := doneRows(rows); err != nil {
		return out, fmt.Errorf("reading incidents and MARAC referrals: %w", err)
	}
	return out, nil
}

// MARACReferral records a referral to the area's MARAC.
type MARACReferral struct {
	ReferredOn time.Time
	Area       string
	Outcome    string
	Actions    string
}

// MARACEntry is a MARAC referral as the parent's page lists it. The
// outcome is shown to everyone working with the family (the family page's
// risk summary gives the latest), so it was kept free of a parent's
// confidential details; which MARAC (where the parent lives) and the
// actions agreed are Withheld from a reader who may not see the parent's
// confidential details.
type MARACEntry struct {
	ID         int64
	ReferredOn time.Time
	Area       string
	Outcome    string
	Actions    string
	By         string // who recorded the referral
	Withheld   bool
}

// RecordMARAC records a MARAC referral for a parent.
func (db *DB) RecordMARAC(ctx context.Context, actor policy.Actor, personID int64, m MARACReferral) error {
	return db.Update(ctx, func(tx *Tx) error {
		f, p, err := tx.parentForEdit(actor, personID, "MARAC referrals are recorded for a parent")
		if err != nil {
			return err
		}
		var fs problem.Fields
		switch {
		case m.ReferredOn.IsZero():
			fs.Add("referred_on", "Enter the date of the MARAC referral")
		case m.ReferredOn.After(tx.now):
			fs.Add("referred_on", "The date must be today or in the past")
		}
		fs.Text("marac_area", "MARAC", &m.Area, 200, false)
		if m.Area == "" && !fs.Has("marac_area") {
			fs.Add("marac_area", "Enter which area's MARAC")
		}
		if err := tx.checkMARACOutcome(actor, f, &fs, &m.Outcome, &m.Actions, false); err != nil {
			return err
		}
		id, err := tx.insertMARAC(f.ID, p.ID, m, actor.StaffID, tx.now)
		if err != nil {
			return err
		}
		if _, err := tx.exec(`UPDATE tasks SET done_at = $1 WHERE person_id = $2 AND kind = 'consider_marac' AND done_at IS NULL`, tx.now, p.ID); err != nil {
			return fmt.Errorf("closing MARAC tasks: %w", err)
		}
		if err := tx.awaitMARACOutcome(f, p); err != nil {
			return err
		}
		tx.Audit("marac.create", "marac_referral", id, f.ID, "")
		return nil
	})
}

// insertMARAC writes a MARAC referral of the family's parent personID,
// recorded by the member of staff by at, its actions sealed to its row.
func (tx *Tx) insertMARAC(familyID, personID int64, m MARACReferral, by int64, at time.Time) (int64, error) {
	id, err := tx.newID("marac_referrals")
	if err != nil {
		return 0, err
	}
	actions, err := tx.db.seal(rowContext("marac_referrals.actions", id), m.Actions)
	if err != nil {
		return 0, err
	}
	if _, err := tx.exec(`INSERT INTO marac_referrals (id, family_id, person_id, referred_on, marac_area, outcome, actions_sealed, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, id, familyID, personID, m.ReferredOn.UTC(), m.Area, m.Outcome, actions, by, at); err != nil {
		return 0, fmt.Errorf("saving MARAC referral: %w", err)
	}
	return id, nil
}

// checkMARACOutcome adds to fs, with those already there, the problems
// with a MARAC's outcome (required or not) and agreed actions, and returns
// them all; with none, it refuses an outcome holding a parent's
// confidential details, as everyone working with the family reads it.
func (tx *Tx) checkMARACOutcome(actor policy.Actor, f family.Family, fs *problem.Fields, outcome, actions *string, required bool) error {
	fs.Text("marac_outcome", "Outcome", outcome, 2000, true)
	if required && *outcome == "" && !fs.Has("marac_outcome") {
		fs.Add("marac_outcome", "Enter what the MARAC decided")
	}
	fs.Text("marac_actions", "Actions", actions, 5000, true)
	if err := fs.Err(); err != nil {
		return err
	}
	return tx.keepConfidentialOut(actor, f, everyone, textField{"marac_outcome", *outcome})
}

// maracMeetsWithin is how long after a referral its MARAC is expected to
// have met (most meet monthly): the outcome task falls due then.
const maracMeetsWithin = 28 * 24 * time.Hour

// awaitMARACOutcome keeps parent p's "Record the MARAC's outcome" task in
// step with their referrals: one open task (their practitioner's, or the
// family's manager's if they have none), due four weeks after the latest
// referral, while any referral not removed has no outcome; done when none
// has. A referral made with its outcome already known needs none.
func (tx *Tx) awaitMARACOutcome(f family.Family, p family.Person) error {
	var waiting, open int
	var latest anyTime
	if err := tx.queryRow(`SELECT COUNT(*), MAX(referred_on) FROM marac_referrals WHERE person_id = $1 AND removed_at IS NULL AND outcome = ''`, p.ID).
		Scan(&waiting, &latest); err != nil {
		return fmt.Errorf("reading the MARAC referrals awaiting an outcome: %w", err)
	}
	if waiting == 0 {
		if _, err := tx.exec(`UPDATE tasks SET done_at = $1 WHERE person_id = $2 AND kind = 'marac_outcome' AND done_at IS NULL`, tx.now, p.ID); err != nil {
			return fmt.Errorf("closing the MARAC outcome task: %w", err)
		}
		return nil
	}
	if err := tx.queryRow(`SELECT COUNT(*) FROM tasks WHERE person_id = $1 AND kind = 'marac_outcome' AND done_at IS NULL`, p.ID).Scan(&open); err != nil {
		return fmt.Errorf("reading the MARAC outcome task: %w", err)
	}
	owner := p.PractitionerID
	if owner == 0 {
		owner = f.ManagerID
	}
	if open > 0 || owner == 0 {
		return nil
	}
	return tx.addTask(newTask{FamilyID: f.ID, PersonID: p.ID, AssignedTo: owner, Kind: "marac_outcome",
		Title: "Record the MARAC's outcome (family " + f.Reference + ")", Due: latest.T.Add(maracMeetsWithin)})
}

// RecordMARACOutcome records what a parent's MARAC decided, once it has
// met (the referral is usually made weeks before): its outcome, which
// everyone working with the family reads (so it may not hold a parent's
// confidential details), and the actions agreed, replacing what was
// recorded before. Whoever may record the referral may.
func (db *DB) RecordMARACOutcome(ctx context.Context, actor policy.Actor, personID, maracID int64, outcome, actions string) error {
	return db.Update(ctx, func(tx *Tx) error {
		f, p, err := tx.personForEdit(actor, personID)
		if err != nil {
			return err
		}
		if err := tx.entryThere("marac_referrals", "person_id", p.ID, maracID, "That MARAC referral is not on this record, or was removed"); err != nil {
			return err
		}
		var fs problem.Fields
		if err := tx.checkMARACOutcome(actor, f, &fs, &outcome, &actions, true); err != nil {
			return err
		}
		sealed, err := tx.db.seal(rowContext("marac_referrals.actions", maracID), actions)
		if err != nil {
			return err
		}
		if _, err := tx.exec(`UPDATE marac_referrals SET outcome = $1, actions_sealed = $2 WHERE id = $3 AND person_id = $4`,
			outcome, sealed, maracID, p.ID); err != nil {
			return fmt.Errorf("saving the MARAC's outcome: %w", err)
		}
		if err := tx.awaitMARACOutcome(f, p); err != nil {
			return err
		}
		tx.Audit("marac.outcome", "marac_referral", maracID, f.ID, "")
		return nil
	})
}
