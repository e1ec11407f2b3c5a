package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/cradle-org/cradle/internal/family"
	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/problem"
)

// MeasureResult is one outcome measure taken by one person at one
// timepoint. The caller scores it (package measure) before saving; the
// store keeps the figures in the clear for reports and the answers sealed.
//
// A parent's results follow that parent's confidentiality: a depression
// score or an answer about abuse is as sensitive as a disclosure, so the
// other parent's practitioner sees only that a result exists.
type MeasureResult struct {
	ID         int64
	FamilyID   int64
	PersonID   int64
	Instrument string
	Timepoint  string
	TakenOn    time.Time
	Raw, Score float64
	NoScore    bool // the instrument gives no total (ASQ-3: areas only); stored as NULL
	Band       string
	Flagged    bool
	Alert      bool // an answer needs safeguarding follow-up
	AgeMonths  int  // the baby's age for development measures; 0 otherwise
	Detail     string
	By         string
	Withheld   bool // figures and answers hidden from this reader
}

// SaveMeasure records a scored result. subject is who the instrument is
// for (parent or baby). One result per person, instrument and timepoint; a
// result whose answers raise a safeguarding prompt creates a follow-up task
// for the person's practitioner (titled by where it comes from, never by
// what was answered).
func (db *DB) SaveMeasure(ctx context.Context, actor policy.Actor, m MeasureResult, subject family.Kind) (int64, error) {
	var id int64
	err := db.Update(ctx, func(tx *Tx) error {
		f, p, err := tx.personFor(actor, policy.RecordMeasure, m.PersonID)
		if err != nil {
			return err
		}
		if p.Kind != subject {
			if subject == family.Baby {
				return problem.New(problem.Invalid, "This measure is for the baby, not a parent")
			}
			return problem.New(problem.Invalid, "This measure is for a parent")
		}
		if f.Stage == family.Closed {
			return problem.New(problem.Conflict, "The case is closed: re-open it before recording a measure")
		}
		var taken time.Time
		err = tx.queryRow(`SELECT taken_on FROM measure_results WHERE person_id = $1 AND instrument = $2 AND timepoint = $3 AND removed_at IS NULL`, p.ID, m.Instrument, m.Timepoint).Scan(&taken)
		switch {
		case err == nil:
			return &problem.Error{Code: problem.Conflict, Message: "There is a problem", Fields: problem.Fields{{Name: "timepoint",
				Message: fmt.Sprintf("This measure was already recorded for this timepoint on %s. Choose another timepoint", taken.Format("2 January 2006"))}}}
		case err != sql.ErrNoRows:
			return fmt.Errorf("checking for an earlier result: %w", err)
		}
		m.FamilyID = f.ID
		id, err = tx.insertMeasure(m, actor.StaffID)
		if err != nil {
			if isUniqueViolation(err) {
				return problem.New(problem.Conflict, "This measure was recorded for this timepoint by someone else a moment ago")
			}
			return fmt.Errorf("saving measure: %w", err)
		}
		tx.Audit("measure.create", "measure_result", id, f.ID, m.Instrument+" "+m.Timepoint)
		if m.Alert {
			practitioner := p.PractitionerID
			if p.Kind != family.Parent {
				practitioner = actor.StaffID // a baby's measure: whoever recorded it follows up
			}
			for _, staffID := range uniqueIDs(practitioner, f.ManagerID) {
				if err := tx.addTask(newTask{FamilyID: f.ID, PersonID: p.ID, AssignedTo: staffID, Kind: "measure_follow_up",
					Title: "Follow up an outcome measure answer today (family " + f.Reference + ")", Due: tx.now}); err != nil {
					return err
				}
			}
			tx.Audit("measure.follow_up_task", "measure_result", id, f.ID, "")
		}
		return nil
	})
	return id, err
}

// insertMeasure writes a result (answers sealed); createdBy 0 is nobody (demo data).
func (tx *Tx) insertMeasure(m MeasureResult, createdBy int64) (int64, error) {
	id, err := tx.newID("measure_results")
	if err != nil {
		return 0, err
	}
	detail, err := tx.db.seal(rowContext("measure_results.answers", id), m.Detail)
	if err != nil {
		return 0, err
	}
	var age, by any
	if m.AgeMonths > 0 {
		age = m.AgeMonths
	}
	if createdBy != 0 {
		by = createdBy
	}
	raw, score := scoreArgs(m)
	_, err = tx.exec(`INSERT INTO measure_results (id, family_id, person_id, instrument, timepoint, taken_on, total, score, band, flagged, alert, age_months, answers_sealed, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
		id, m.FamilyID, m.PersonID, m.Instrument, m.Timepoint, m.TakenOn.UTC(), raw, score, m.Band, m.Flagged, m.Alert, age, detail, by, tx.now)
	return id, err
}

// scoreArgs are the total and score to store: NULL when there is none.
func scoreArgs(m MeasureResult) (raw, score any) {
	if m.NoScore {
		return nil, nil
	}
	return m.Raw, m.Score
}

func uniqueIDs(ids ...int64) []int64 {
	var out []int64
	seen := map[int64]bool{}
	for _, id := range ids {
		if id != 0 && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// measures lists a person's results, oldest first.
func (tx *Tx) measures(personID int64, seeConfidential bool) ([]MeasureResult, error) {
	rows, err := tx.query(`SELECT m.id, m.family_id, m.person_id, m.instrument, m.timepoint, m.taken_on, COALESCE(CAST(m.total AS DOUBLE PRECISION), 0), COALESCE(m.score, 0), m.score IS NULL,
		m.band, m.flagged, m.alert, COALESCE(m.age_months, 0), m.answers_sealed, COALESCE(s.name, '')
		FROM measure_results m LEFT JOIN staff s ON s.id = m.created_by WHERE m.person_id = $1 AND m.removed_at IS NULL ORDER BY m.taken_on, m.id`, personID)
	if err != nil {
		return nil, fmt.Errorf("reading measures: %w", err)
	}
	defer rows.Close()
	var out []MeasureResult
	for rows.Next() {
		var m MeasureResult
		var detail string
		if err := rows.Scan(&m.ID, &m.FamilyID, &m.PersonID, &m.Instrument, &m.Timepoint, &m.TakenOn, &m.Raw, &m.Score, &m.NoScore,
			&m.Band, &m.Flagged, &m.Alert, &m.AgeMonths, &detail, &m.By); err != nil {
			return nil, fmt.Errorf("reading measure: %w", err)
		}
		if seeConfidential {
			if m.Detail, err = tx.db.open(rowContext("measure_results.answers", m.ID), detail); err != nil {
				return nil, err
			}
		} else {
			m = MeasureResult{ID: m.ID, FamilyID: m.FamilyID, PersonID: m.PersonID, Instrument: m.Instrument, Timepoint: m.Timepoint, TakenOn: m.TakenOn, Withheld: true}
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// MeasureCoverage says, for each family, which instruments each person has
// at each timepoint: family → timepoint → person → instrument keys. Keys
// only, no scores, so caseloads can show what is due without reading
// anything sensitive.
func (db *DB) measureCoverage(ctx context.Context, q rowQuerier, familyIDs []int64) (map[int64]map[string]map[int64][]string, error) {
	out := map[int64]map[string]map[int64][]string{}
	for _, chunk := range chunks(familyIDs, 500) {
		in, args := db.inList(chunk)
		rows, err := q.QueryContext(ctx, db.rebind(`SELECT family_id, timepoint, person_id, instrument FROM measure_results WHERE removed_at IS NULL AND family_id IN (`+in+`)`), args...)
		if err != nil {
			return nil, fmt.Errorf("reading measure coverage: %w", err)
		}
		for rows.Next() {
			var fid, pid int64
			var tp, inst string
			if err := rows.Scan(&fid, &tp, &pid, &inst); err != nil {
				return nil, dropRows(rows, fmt.Errorf("reading measure coverage: %w", err))
			}
			if out[fid] == nil {
				out[fid] = map[string]map[int64][]string{}
			}
			if out[fid][tp] == nil {
				out[fid][tp] = map[int64][]string{}
			}
			out[fid][tp][pid] = append(out[fid][tp][pid], inst)
		}
		if err := doneRows(rows); err != nil {
			return nil, fmt.Errorf("reading measure coverage: %w", err)
		}
	}
	return out, nil
}

// RemoveMeasure marks a result as entered in error, with the reason, so
// that the right one can be recorded for the same timepoint. Nothing is
// deleted: the row stays (left out of pages, reports and extracts) and the
// removal is audited. Only someone who may record the person's measures may.
func (db *DB) RemoveMeasure(ctx context.Context, actor policy.Actor, personID, id int64, reason string) error {
	return db.Update(ctx, func(tx *Tx) error {
		f, _, err := tx.personFor(actor, policy.RecordMeasure, personID)
		if err != nil {
			return err
		}
		// Removed already (the form sent twice) is a conflict before the
		// reason's problems: the page has no form for it to show them in.
		if err := tx.entryToRemove("measure_results", "person_id", personID, id, "That result is not on this record"); err != nil {
			return err
		}
		var fs problem.Fields
		fs.Text("reason", "Why the result is wrong", &reason, 2000, true)
		if reason == "" && !fs.Has("reason") {
			fs.Add("reason", "Say why the result was entered in error")
		}
		if err := fs.Err(); err != nil {
			return err
		}
		if err := tx.markRemoved("measure_results", "person_id", personID, id, actor.StaffID, reason); err != nil {
			return err
		}
		tx.Audit("measure.remove", "measure_result", id, f.ID, "entered in error")
		return nil
	})
}
