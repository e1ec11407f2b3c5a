package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"time"

	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/research"
)

// ResearchExtract reads what the pseudonymised research extract is built
// from: every result not entered in error, with categories about the person
// and family, the numbers kept with it (subscales, entered area scores and
// their zones, the questionnaire interval, and the item answers the
// subscales are worked out from), the sessions offered to each parent,
// when each parent left and rejoined the programme and the reason's code
// (never the note kept with it), and each family's safeguarding status
// history; but never a name, a free-text field, or an identifier that
// leaves this function unhashed. The kept alert messages and labels beside
// the numbers are not read out of the result's sealed detail. It returns
// the organisation's research key (made on first use, kept sealed in
// settings) for the caller to pseudonymise with. Only an administrator
// may, and the extract is audited with its project name before anything is
// read. progress, if set, is told how much has been read, in results.
func (db *DB) ResearchExtract(ctx context.Context, actor policy.Actor, project string, progress func(done, total int)) ([]byte, research.Data, error) {
	var key []byte
	err := db.Update(ctx, func(tx *Tx) error {
		if d := policy.Decide(actor, policy.ExportResearch, policy.Target{}, tx.now); !d.Allowed {
			return d.Err()
		}
		var err error
		if key, err = tx.researchKey(); err != nil {
			return err
		}
		tx.Audit("research.extract", "", 0, 0, "project "+project)
		return nil
	})
	if err != nil {
		return nil, research.Data{}, err
	}
	data, err := db.researchData(ctx, progress)
	if err != nil {
		return nil, research.Data{}, err
	}
	return key, data, nil
}

// researchDetail is what the extract reads of a result's sealed detail:
// numbers and status keys only.
type researchDetail struct {
	Answers   map[int]int        `json:"answers"`
	Subscales map[string]float64 `json:"subscales"`
	Domains   map[string]float64 `json:"domains"`
	Areas     []struct {
		Key    string
		Status string
	} `json:"areas"`
	Interval int `json:"interval"`
}

// researchScores reads the numbers from a result's opened detail. Detail
// that is not the JSON the measures page keeps (none was kept) gives none.
func researchScores(detail string) research.Scores {
	var d researchDetail
	if detail == "" || json.Unmarshal([]byte(detail), &d) != nil {
		return research.Scores{}
	}
	s := research.Scores{Answers: d.Answers, Subscales: d.Subscales, Domains: d.Domains, Interval: d.Interval}
	for _, a := range d.Areas {
		if a.Status == "" {
			continue // no cut-off for the area
		}
		if s.Zones == nil {
			s.Zones = map[string]string{}
		}
		s.Zones[a.Key] = a.Status
	}
	return s
}

// researchData reads the results, then the babies' dates of birth, the
// parents' sessions and departures, and the families' status histories for
// the people and families that have results. Reading the results is the
// first half of progress, the rest the second.
func (db *DB) researchData(ctx context.Context, progress func(done, total int)) (research.Data, error) {
	var data research.Data
	var total int
	if err := db.queryRow(ctx, `SELECT COUNT(*) FROM measure_results WHERE removed_at IS NULL`).Scan(&total); err != nil {
		return data, fmt.Errorf("counting results: %w", err)
	}
	report := func(done int) {
		if progress != nil {
			progress(min(done, total), total)
		}
	}
	sources := map[int64]string{}
	rows, err := db.query(ctx, `SELECT family_id, source, referrer_role FROM referrals WHERE family_id IS NOT NULL ORDER BY received_at`)
	if err != nil {
		return data, fmt.Errorf("reading referral sources: %w", err)
	}
	for rows.Next() {
		var fid int64
		var source, role string
		if err := rows.Scan(&fid, &source, &role); err != nil {
			return data, dropRows(rows, fmt.Errorf("reading referral sources: %w", err))
		}
		if _, ok := sources[fid]; !ok { // the first referral that opened the family
			sources[fid], _ = referralSource(source, role)
		}
	}
	if err := doneRows(rows); err != nil {
		return data, fmt.Errorf("reading referral sources: %w", err)
	}

	// Results entered in error (removed_at set) are left out.
	rows, err = db.query(ctx, `SELECT m.id, m.family_id, m.person_id, p.kind, p.experience, a.name, f.accepted_on, f.closure_reason,
		m.timepoint, m.instrument, m.taken_on, m.score, CAST(m.total AS DOUBLE PRECISION), m.band, m.answers_sealed, p.date_of_birth
		FROM measure_results m JOIN people p ON p.id = m.person_id JOIN families f ON f.id = m.family_id JOIN areas a ON a.id = f.area_id
		WHERE m.removed_at IS NULL
		ORDER BY m.family_id, m.person_id, m.taken_on`)
	if err != nil {
		return data, fmt.Errorf("reading results: %w", err)
	}
	var parents, families []int64
	seenPerson, seenFamily := map[int64]bool{}, map[int64]bool{}
	babyDOB := map[int64]time.Time{} // by family, for the parents' rows
	for rows.Next() {
		var r research.Record
		var kind, experience, sealed string
		var accepted, dob nullableTime
		var score, raw sql.NullFloat64
		var resultID int64
		if err := rows.Scan(&resultID, &r.FamilyID, &r.PersonID, &kind, &experience, &r.Area, &accepted, &r.ClosureReason,
			&r.Timepoint, &r.Instrument, &r.TakenOn, &score, &raw, &r.Band, &sealed, &dob); err != nil {
			return data, dropRows(rows, fmt.Errorf("reading results: %w", err))
		}
		detail, err := db.open(rowContext("measure_results.answers", resultID), sealed)
		if err != nil {
			return data, dropRows(rows, fmt.Errorf("reading results: %w", err))
		}
		r.Scores = researchScores(detail)
		r.Role = research.RoleParent
		if kind == "baby" {
			r.Role, r.BabyDOB = research.RoleBaby, dob.time() // the baby's own, should there be two
		} else {
			r.Experience = experience
			if !seenPerson[r.PersonID] {
				parents = append(parents, r.PersonID)
			}
		}
		seenPerson[r.PersonID] = true
		if !seenFamily[r.FamilyID] {
			seenFamily[r.FamilyID] = true
			families = append(families, r.FamilyID)
		}
		r.AcceptedOn, r.ReferralSource = accepted.time(), sources[r.FamilyID]
		r.Score, r.Raw, r.HasScore = score.Float64, raw.Float64, score.Valid
		data.Records = append(data.Records, r)
		if len(data.Records)%500 == 0 {
			report(len(data.Records) / 2) // reading results is the first half of the work
		}
	}
	if err := doneRows(rows); err != nil {
		return data, fmt.Errorf("reading results: %w", err)
	}
	half := total / 2
	report(half)

	// The rest, by chunks of families and then of parents.
	famChunks, parentChunks := chunks(families, 500), chunks(parents, 500)
	steps, step := len(famChunks)+len(parentChunks), 0
	advance := func() {
		step++
		report(half + (total-half)*step/steps)
	}

	// The baby's date of birth, for the baby's age on the parents' rows
	// too (the first baby recorded, should there be two), and the family's
	// safeguarding status history.
	data.Statuses = map[int64][]research.StatusChange{}
	for _, chunk := range famChunks {
		in, args := db.inList(chunk)
		rows, err := db.query(ctx, `SELECT family_id, date_of_birth FROM people WHERE kind = 'baby' AND date_of_birth IS NOT NULL AND family_id IN (`+in+`) ORDER BY id`, args...)
		if err != nil {
			return data, fmt.Errorf("reading dates of birth: %w", err)
		}
		for rows.Next() {
			var fid int64
			var dob time.Time
			if err := rows.Scan(&fid, &dob); err != nil {
				return data, dropRows(rows, fmt.Errorf("reading dates of birth: %w", err))
			}
			if _, ok := babyDOB[fid]; !ok {
				babyDOB[fid] = dob
			}
		}
		if err := doneRows(rows); err != nil {
			return data, fmt.Errorf("reading dates of birth: %w", err)
		}
		rows, err = db.query(ctx, `SELECT family_id, status, from_date FROM safeguarding_status_history WHERE family_id IN (`+in+`) ORDER BY family_id, from_date, id`, args...)
		if err != nil {
			return data, fmt.Errorf("reading safeguarding status history: %w", err)
		}
		for rows.Next() {
			var fid int64
			var c research.StatusChange
			if err := rows.Scan(&fid, &c.Status, &c.From); err != nil {
				return data, dropRows(rows, fmt.Errorf("reading safeguarding status history: %w", err))
			}
			data.Statuses[fid] = append(data.Statuses[fid], c)
		}
		if err := doneRows(rows); err != nil {
			return data, fmt.Errorf("reading safeguarding status history: %w", err)
		}
		advance()
	}
	for i, r := range data.Records {
		if r.Role == research.RoleParent {
			data.Records[i].BabyDOB = babyDOB[r.FamilyID]
		}
	}

	// Sessions offered to each parent: attended, missed or cancelled by the
	// parent; not those the practitioner cancelled, nor contacts. Then
	// each parent's departures.
	data.Sessions = map[int64][]research.Session{}
	data.Departures = map[int64][]research.Departure{}
	for _, chunk := range parentChunks {
		in, args := db.inList(chunk)
		rows, err := db.query(ctx, `SELECT person_id, held_on, attendance, module FROM case_sessions
			WHERE kind = 'session' AND attendance <> 'cancelled_by_practitioner' AND person_id IN (`+in+`)`, args...)
		if err != nil {
			return data, fmt.Errorf("reading sessions: %w", err)
		}
		for rows.Next() {
			var pid int64
			var s research.Session
			var attendance string
			if err := rows.Scan(&pid, &s.On, &attendance, &s.Module); err != nil {
				return data, dropRows(rows, fmt.Errorf("reading sessions: %w", err))
			}
			s.Attended = attendance == "attended"
			data.Sessions[pid] = append(data.Sessions[pid], s)
		}
		if err := doneRows(rows); err != nil {
			return data, fmt.Errorf("reading sessions: %w", err)
		}
		// When each parent left the programme and came back, and the
		// reason's code: never the sealed note.
		rows, err = db.query(ctx, `SELECT person_id, reason, left_on, rejoined_on FROM departures
			WHERE person_id IN (`+in+`) ORDER BY person_id, left_on, id`, args...)
		if err != nil {
			return data, fmt.Errorf("reading departures: %w", err)
		}
		for rows.Next() {
			var pid int64
			var d research.Departure
			var rejoined sql.NullTime
			if err := rows.Scan(&pid, &d.Reason, &d.LeftOn, &rejoined); err != nil {
				return data, dropRows(rows, fmt.Errorf("reading departures: %w", err))
			}
			d.RejoinedOn = timeOf(rejoined)
			data.Departures[pid] = append(data.Departures[pid], d)
		}
		if err := doneRows(rows); err != nil {
			return data, fmt.Errorf("reading departures: %w", err)
		}
		advance()
	}
	report(total)
	return data, nil
}

// researchKey is the organisation's key for research pseudonyms: random,
// made once, sealed in settings like any other secret. Pseudonyms differ per
// project because the project name is hashed with it.
func (tx *Tx) researchKey() ([]byte, error) {
	var sealed string
	err := tx.queryRow(`SELECT value FROM settings WHERE key = 'research_key'`).Scan(&sealed)
	if err == nil {
		s, err := tx.db.open("settings.research_key", sealed)
		if err != nil {
			return nil, err
		}
		return base64.StdEncoding.DecodeString(s)
	}
	if err != sql.ErrNoRows {
		return nil, fmt.Errorf("reading research key: %w", err)
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("making research key: %w", err)
	}
	if sealed, err = tx.db.seal("settings.research_key", base64.StdEncoding.EncodeToString(key)); err != nil {
		return nil, err
	}
	if _, err := tx.exec(`INSERT INTO settings (key, value) VALUES ('research_key', $1)`, sealed); err != nil {
		return nil, fmt.Errorf("saving research key: %w", err)
	}
	tx.Audit("research.key_created", "", 0, 0, "")
	return key, nil
}
