package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"fmt"
	"time"

	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/research"
)

// ResearchExtract reads what the pseudonymised research extract is built
// from: one record per measure result, with categories about the person and
// family and session counts up to the result, but never a name, a free-text
// field or an identifier that leaves this function unhashed. It returns the
// organisation's research key (made on first use, kept sealed in settings)
// for the caller to pseudonymise with. Only an administrator may, and the
// extract is audited with its project name before anything is read.
// progress, if set, is told how many of the results have been read.
func (db *DB) ResearchExtract(ctx context.Context, actor policy.Actor, project string, progress func(done, total int)) ([]byte, []research.Record, error) {
	var key []byte
	err := db.Update(ctx, func(tx *Tx) error {
		if d := policy.Decide(actor, policy.ExportResearch, policy.Target{}, tx.now); !d.Allowed {
			return problem.New(problem.Forbidden, "%s", d.Reason)
		}
		var err error
		if key, err = tx.researchKey(); err != nil {
			return err
		}
		tx.Audit("research.extract", "", 0, 0, "project "+project)
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	var total int
	if err := db.queryRow(ctx, `SELECT COUNT(*) FROM measure_results WHERE removed_at IS NULL`).Scan(&total); err != nil {
		return nil, nil, fmt.Errorf("counting results: %w", err)
	}
	sources := map[int64]string{}
	rows, err := db.query(ctx, `SELECT family_id, source, referrer_role FROM referrals WHERE family_id IS NOT NULL ORDER BY received_at`)
	if err != nil {
		return nil, nil, fmt.Errorf("reading referral sources: %w", err)
	}
	for rows.Next() {
		var fid int64
		var source, role string
		if err := rows.Scan(&fid, &source, &role); err != nil {
			return nil, nil, dropRows(rows, fmt.Errorf("reading referral sources: %w", err))
		}
		if _, ok := sources[fid]; !ok { // the first referral that opened the family
			sources[fid], _ = referralSource(source, role)
		}
	}
	if err := doneRows(rows); err != nil {
		return nil, nil, fmt.Errorf("reading referral sources: %w", err)
	}

	rows, err = db.query(ctx, `SELECT m.family_id, m.person_id, p.kind, p.experience, a.name, f.accepted_on, f.closure_reason,
		m.timepoint, m.instrument, m.taken_on, m.score, m.band, p.date_of_birth
		FROM measure_results m JOIN people p ON p.id = m.person_id JOIN families f ON f.id = m.family_id JOIN areas a ON a.id = f.area_id
		WHERE m.removed_at IS NULL
		ORDER BY m.family_id, m.person_id, m.taken_on`)
	if err != nil {
		return nil, nil, fmt.Errorf("reading results: %w", err)
	}
	var recs []research.Record
	var people []int64
	seen := map[int64]bool{}
	for rows.Next() {
		var r research.Record
		var kind, experience string
		var accepted, dob nullableTime
		var score sql.NullFloat64
		if err := rows.Scan(&r.FamilyID, &r.PersonID, &kind, &experience, &r.Area, &accepted, &r.ClosureReason,
			&r.Timepoint, &r.Instrument, &r.TakenOn, &score, &r.Band, &dob); err != nil {
			return nil, nil, dropRows(rows, fmt.Errorf("reading results: %w", err))
		}
		r.Role = research.RoleParent
		if kind == "baby" {
			r.Role, r.BabyDOB = research.RoleBaby, dob.time()
		} else {
			r.Experience = experience
		}
		r.AcceptedOn, r.ReferralSource = accepted.time(), sources[r.FamilyID]
		r.Score, r.HasScore = score.Float64, score.Valid
		recs = append(recs, r)
		if !seen[r.PersonID] {
			seen[r.PersonID] = true
			people = append(people, r.PersonID)
		}
		if progress != nil && len(recs)%500 == 0 {
			progress(len(recs)/2, total) // reading results is the first half of the work
		}
	}
	if err := doneRows(rows); err != nil {
		return nil, nil, fmt.Errorf("reading results: %w", err)
	}

	// Sessions attended and offered to each person up to each result.
	type session struct {
		on       time.Time
		attended bool
	}
	sessions := map[int64][]session{}
	for _, chunk := range chunks(people, 500) {
		in, args := inList(chunk)
		rows, err := db.query(ctx, `SELECT person_id, held_on, attendance FROM case_sessions
			WHERE kind = 'session' AND attendance <> 'cancelled_by_practitioner' AND person_id IN (`+in+`)`, args...)
		if err != nil {
			return nil, nil, fmt.Errorf("reading sessions: %w", err)
		}
		for rows.Next() {
			var pid int64
			var on time.Time
			var attendance string
			if err := rows.Scan(&pid, &on, &attendance); err != nil {
				return nil, nil, dropRows(rows, fmt.Errorf("reading sessions: %w", err))
			}
			sessions[pid] = append(sessions[pid], session{on: on, attended: attendance == "attended"})
		}
		if err := doneRows(rows); err != nil {
			return nil, nil, fmt.Errorf("reading sessions: %w", err)
		}
	}
	for i := range recs {
		for _, s := range sessions[recs[i].PersonID] {
			if s.on.After(recs[i].TakenOn) {
				continue
			}
			recs[i].SessionsOffered++
			if s.attended {
				recs[i].SessionsAttended++
			}
		}
		if progress != nil && (i%500 == 0 || i == len(recs)-1) {
			progress(len(recs)/2+(i+1)/2, total)
		}
	}
	if progress != nil {
		progress(total, total)
	}
	return key, recs, nil
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
