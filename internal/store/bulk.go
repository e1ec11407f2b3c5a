package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cradle-org/cradle/internal/audit"
	"github.com/cradle-org/cradle/internal/credential"
	"github.com/cradle-org/cradle/internal/family"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/referral"
	"github.com/cradle-org/cradle/internal/risk"
	"github.com/cradle-org/cradle/internal/synth"
)

// Bulk loading of synthetic benchmark data (cradle bench seed).
//
// Synthetic data must look to the application exactly like data it wrote
// itself (sealed fields, match keys, references, a valid audit chain), but
// a national dataset is tens of millions of rows, far too many to write
// one checked method call at a time. So the loader writes rows directly,
// many to a statement and thousands of families to a transaction, with one
// audit entry per transaction saying what it added. It runs only on an
// empty database or one that already holds synthetic data (the marker
// setting below), never beside real records.

// SettingSynthetic marks a database that holds synthetic data; its value
// is the synth.Counts as JSON, kept current as each batch commits.
const SettingSynthetic = "synthetic_data"

// Bulk sizes: rows per INSERT statement (within every driver's limit on
// parameters) and families per transaction.
const (
	bulkRows            = 500
	DefaultSeedFamilies = 1000
)

// SyntheticState is what a database holds, as far as adding synthetic data
// to it is concerned.
type SyntheticState struct {
	Marker                            *synth.Counts // nil without the synthetic marker
	Demo                              bool
	Staff, Families, Referrals, Areas int64
	// AuditEntries is the audit log's length (its last id: the chain has
	// no gaps), read without counting tens of millions of rows.
	AuditEntries int64
}

// SyntheticState reads what the database holds.
func (db *DB) SyntheticState(ctx context.Context) (SyntheticState, error) {
	return syntheticState(ctx, db, db.sql)
}

func syntheticState(ctx context.Context, db *DB, q rowQuerier) (SyntheticState, error) {
	var s SyntheticState
	var value string
	switch err := q.QueryRowContext(ctx, db.rebind(`SELECT value FROM settings WHERE key = $1`), SettingSynthetic).Scan(&value); {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return s, fmt.Errorf("reading the synthetic-data marker: %w", err)
	default:
		var c synth.Counts
		if err := json.Unmarshal([]byte(value), &c); err != nil {
			return s, fmt.Errorf("reading the synthetic-data marker: %w", err)
		}
		s.Marker = &c
	}
	var n int
	if err := q.QueryRowContext(ctx, db.rebind(`SELECT COUNT(*) FROM settings WHERE key = $1`), SettingDemo).Scan(&n); err != nil {
		return s, fmt.Errorf("reading settings: %w", err)
	}
	s.Demo = n > 0
	for _, c := range []struct {
		table string
		n     *int64
	}{{"staff", &s.Staff}, {"families", &s.Families}, {"referrals", &s.Referrals}, {"areas", &s.Areas}} {
		if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+c.table).Scan(c.n); err != nil {
			return s, fmt.Errorf("counting %s: %w", c.table, err)
		}
	}
	if err := q.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM audit_log`).Scan(&s.AuditEntries); err != nil {
		return s, fmt.Errorf("reading the audit log's length: %w", err)
	}
	return s, nil
}

// CheckSeed says whether synthetic data may be added: to an empty
// database, or with force to one that holds synthetic data already; never
// to one holding anything else, the demonstration data included.
func (s SyntheticState) CheckSeed(force bool) error {
	switch {
	case s.Marker != nil && !force:
		return problem.New(problem.Conflict, "This database already holds synthetic data (%d families). Nothing was changed: add more with --force, or use a new database", s.Marker.Families)
	case s.Marker != nil:
		return nil
	case s.Demo:
		return problem.New(problem.Conflict, "This database holds the demonstration data. Nothing was changed: synthetic data goes only into an empty database or one seeded with synthetic data before")
	case s.Staff+s.Families+s.Referrals+s.Areas > 0:
		var held []string
		for _, c := range []struct {
			n          int64
			one, other string
		}{{s.Staff, "staff account", "staff accounts"}, {s.Families, "family", "families"}, {s.Referrals, "referral", "referrals"}, {s.Areas, "area", "areas"}} {
			switch {
			case c.n == 1:
				held = append(held, "1 "+c.one)
			case c.n > 1:
				held = append(held, fmt.Sprintf("%d %s", c.n, c.other))
			}
		}
		return problem.New(problem.Conflict, "This database already holds data that is not synthetic (%s). "+
			"Nothing was changed, and --force does not change that: synthetic data goes only into an empty database or one seeded with synthetic data before",
			strings.Join(held, ", "))
	}
	return nil
}

// SeedOptions tune SeedSynthetic.
type SeedOptions struct {
	Force    bool                  // add to a database that holds synthetic data already
	Batch    int                   // families per transaction; DefaultSeedFamilies if 0
	Progress func(done, total int) // called after each committed batch
	// PasswordParams hash the synthetic staff's password (zero:
	// credential.DefaultParams, as the live accounts' are); tests lower it.
	PasswordParams credential.Params
}

// SeedResult is what a run wrote.
type SeedResult struct {
	Counts synth.Counts     // the marker now stored
	Rows   map[string]int64 // rows written in committed batches, by table
}

// SeedSynthetic writes a run of synthetic data: first its areas, teams and
// staff accounts with the marker, then its families batch by batch, each
// batch one transaction with one audit entry. A goroutine generates and
// seals the next batch while the current one is written. If it stops part
// way (an error, or ctx cancelled), the batches already committed stay and
// the marker counts them, so a later run with force carries on after them.
func (db *DB) SeedSynthetic(ctx context.Context, g *synth.Generator, opt SeedOptions) (SeedResult, error) {
	if opt.Batch <= 0 {
		opt.Batch = DefaultSeedFamilies
	}
	if audit.SourceFrom(ctx).Actor == "" {
		ctx = audit.WithSource(ctx, audit.Source{Actor: "system:bench"})
	}
	l := &seeder{db: db, g: g, rows: map[string]int64{}, familySeq: map[int]int{}}
	if opt.PasswordParams == (credential.Params{}) {
		opt.PasswordParams = credential.DefaultParams()
	}
	if err := l.start(ctx, opt.Force, opt.PasswordParams); err != nil {
		return SeedResult{}, err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan *seedBatch, 1)
	var genErr error
	go func() {
		defer close(batches)
		for ctx.Err() == nil {
			b := g.Next(opt.Batch)
			if len(b.Families) == 0 {
				return
			}
			p, err := l.prepare(b)
			if err != nil {
				genErr = err // read after the channel closes
				return
			}
			select {
			case batches <- p:
			case <-ctx.Done():
			}
		}
	}()
	var err error
	for p := range batches {
		if err == nil {
			err = l.write(ctx, p)
		}
		if err != nil {
			cancel() // let the generator stop; keep draining so it can
			continue
		}
		for t, args := range p.args {
			l.rows[seedTables[t].name] += int64(len(args) / columns(t))
		}
		l.done += p.families
		if opt.Progress != nil {
			opt.Progress(l.done, g.Families())
		}
	}
	if err == nil {
		err = genErr
	}
	if err == nil && l.done < g.Families() {
		err = ctx.Err()
	}
	if err == nil {
		err = db.analyseAfterLoad(ctx)
	}
	return SeedResult{Counts: g.Counts(l.done), Rows: l.rows}, err
}

// seeder carries one run's state between transactions.
type seeder struct {
	db        *DB
	g         *synth.Generator
	areaIDs   []int64
	teamIDs   []int64
	staffIDs  []int64
	familySeq map[int]int // the last family reference number used, by year
	done      int
	rows      map[string]int64
}

// lockForIDs stops other writers adding rows to the tables whose ids the
// loader assigns itself, until the transaction ends. SQLite's IMMEDIATE
// transactions already exclude other writers.
func (tx *Tx) lockForIDs() error {
	if tx.db.dialect != Postgres {
		return nil
	}
	// Every table in idTables: the list was once written out here and
	// missed four of them.
	if _, err := tx.exec(`LOCK TABLE settings, ` + strings.Join(idTables[:], ", ") + ` IN EXCLUSIVE MODE`); err != nil {
		return fmt.Errorf("locking tables for the bulk load: %w", err)
	}
	return nil
}

// start checks the database may take the run, then writes its areas,
// teams and accounts and the marker, in one audited transaction.
func (l *seeder) start(ctx context.Context, force bool, params credential.Params) error {
	db, g := l.db, l.g
	// Check before hashing the password (deliberately slow), so that a
	// refusal is quick; the transaction checks again.
	st, err := db.SyntheticState(ctx)
	if err != nil {
		return err
	}
	if err := st.CheckSeed(force); err != nil {
		return err
	}
	hash, err := credential.HashWith(params, synth.Password)
	if err != nil {
		return err
	}
	return db.Update(ctx, func(tx *Tx) error {
		if err := tx.lockForIDs(); err != nil {
			return err
		}
		st, err := syntheticState(ctx, db, tx.tx)
		if err != nil {
			return err
		}
		if err := st.CheckSeed(force); err != nil {
			return err
		}
		var now synth.Counts
		if st.Marker != nil {
			now = *st.Marker
		}
		if !sameCounts(now, g.Config().Before) {
			return problem.New(problem.Conflict, "The synthetic data in this database changed while this run was being planned. Nothing was changed: run it again")
		}
		for _, a := range g.Areas() {
			id, err := tx.insertID(`INSERT INTO areas (name, local_authority, remote, active, created_at) VALUES ($1, $2, FALSE, TRUE, $3)`, a.Name, a.LocalAuthority, tx.now)
			if err != nil {
				return fmt.Errorf("creating area %s: %w", a.Name, err)
			}
			team, err := tx.insertID(`INSERT INTO teams (area_id, name, created_at) VALUES ($1, $2, $3)`, id, a.Name+" team", tx.now)
			if err != nil {
				return fmt.Errorf("creating team for %s: %w", a.Name, err)
			}
			l.areaIDs, l.teamIDs = append(l.areaIDs, id), append(l.teamIDs, team)
		}
		for _, s := range g.Staff() {
			id, err := tx.newID("staff")
			if err != nil {
				return err
			}
			totp, err := db.seal(rowContext("staff.totp_secret", id), synth.TOTPSecret())
			if err != nil {
				return err
			}
			sealedHash, err := db.sealPasswordHash(id, hash)
			if err != nil {
				return err
			}
			_, err = tx.exec(`INSERT INTO staff (id, email, name, role, job_title, password_hash_sealed, must_change_password, totp_secret_sealed, created_at, updated_at, password_set_at)
				VALUES ($1, $2, $3, $4, $5, $6, FALSE, $7, $8, $8, $8)`, id, s.Email, s.Name, s.Role, s.JobTitle, sealedHash, totp, tx.now)
			if err != nil {
				return fmt.Errorf("creating staff %s: %w", s.Email, err)
			}
			if _, err := tx.exec(`INSERT INTO staff_teams (staff_id, team_id) VALUES ($1, $2)`, id, l.teamIDs[s.Area]); err != nil {
				return fmt.Errorf("adding staff to team: %w", err)
			}
			l.staffIDs = append(l.staffIDs, id)
		}
		// Family references continue each year's numbering after any
		// already in the database.
		rows, err := tx.query(`SELECT reference FROM families`)
		if err != nil {
			return fmt.Errorf("reading family references: %w", err)
		}
		for rows.Next() {
			var ref string
			if err := rows.Scan(&ref); err != nil {
				return dropRows(rows, err)
			}
			var y, n int
			if _, err := fmt.Sscanf(ref, "FAM-%d-%d", &y, &n); err == nil && n > l.familySeq[y] {
				l.familySeq[y] = n
			}
		}
		if err := doneRows(rows); err != nil {
			return err
		}
		if err := tx.writeMarker(g.Counts(0), st.Marker == nil); err != nil {
			return err
		}
		tx.Audit("bench.seed", "", 0, 0, fmt.Sprintf("synthetic run %d (seed %d, %d families planned): %d areas, %d staff accounts",
			len(g.Config().Before.Runs)+1, g.Config().Seed, g.Families(), len(g.Areas()), len(g.Staff())))
		return nil
	})
}

func sameCounts(a, b synth.Counts) bool {
	if a.Families != b.Families || a.Areas != b.Areas || len(a.Runs) != len(b.Runs) {
		return false
	}
	for _, r := range synth.Roles() {
		if a.Staff[r] != b.Staff[r] {
			return false
		}
	}
	return true
}

// writeMarker stores the counts directly (not through SetSetting, whose
// own audit entry would break "one entry per batch").
func (tx *Tx) writeMarker(c synth.Counts, insert bool) error {
	b, err := json.Marshal(c)
	if err != nil {
		return err
	}
	q := `UPDATE settings SET value = $2 WHERE key = $1`
	if insert {
		q = `INSERT INTO settings (key, value) VALUES ($1, $2)`
	}
	if _, err := tx.exec(q, SettingSynthetic, string(b)); err != nil {
		return fmt.Errorf("writing the synthetic-data marker: %w", err)
	}
	return nil
}

// The tables written, in an order that satisfies their foreign keys.
const (
	tFamilies = iota
	tPeople
	tMatchKeys
	tAllocations
	tDepartures
	tAppointments
	tReferrals
	tSessions
	tRisks
	tMARAC
	tChildRisks
	tPlans
	tPlanReviews
	tConcerns
	tMeasures
	tClosures
	tSummaries
	tStatuses
	tAlerts
	tOutbox
	tAudit // last: its entries name rows of the tables before it
	nTables
)

var seedTables = [nTables]struct {
	name, cols, suffix string
}{
	tFamilies: {"families", "id, reference, area_id, team_id, manager_id, stage, edd, programme_start, safeguarding_status, closed_on, closure_reason, created_at, updated_at, accepted_on, assessment_completed_on", ""},
	tPeople: {"people", "id, family_id, kind, parent_slot, household, given_name, family_name, known_as, date_of_birth, gender, pronouns, experience, " +
		"address_sealed, postcode_sealed, phone_sealed, email_sealed, safe_contact_sealed, nhs_number_sealed, address_confidential, active, created_at, updated_at", ""},
	tMatchKeys:    {"person_match_keys", "person_id, kind, match_key", " ON CONFLICT DO NOTHING"},
	tAllocations:  {"allocations", "family_id, person_id, staff_id, allocated_by, started_at, ended_at, end_reason", ""},
	tDepartures:   {"departures", "family_id, person_id, reason, note_sealed, left_on, created_by, created_at", ""},
	tAppointments: {"appointments", "family_id, person_id, on_day, at_time, mode, place_sealed, created_by, created_at", ""},
	tReferrals: {"referrals", "id, reference, source, area_id, family_id, status, received_at, referrer_role, edd, content_sealed, decision, decision_reason, " +
		"signposted_to, decided_by, decided_at, updated_at, safeguarding_status, acknowledged_at, decision_told_at", ""},
	tSessions: {"case_sessions", "id, family_id, person_id, staff_id, held_on, minutes, mode, attendance, module, topic_sealed, confidential, notes_sealed, reason_sealed, " +
		"kind, created_at, updated_at", ""},
	tRisks: {"risk_assessments", "id, family_id, person_id, staff_id, kind, assessed_on, yes_count, level, judged_level, answers_sealed, status, completed_at, " +
		"created_at, updated_at", ""},
	tMARAC:       {"marac_referrals", "id, family_id, person_id, referred_on, marac_area, outcome, actions_sealed, created_by, created_at", ""},
	tChildRisks:  {"child_risks", "id, family_id, person_id, level, concerns_sealed, plan_sealed, assessed_on, created_by, created_at", ""},
	tPlans:       {"safety_plans", "id, family_id, person_id, staff_id, plan_sealed, review_on, version, created_at, updated_at", ""},
	tPlanReviews: {"safety_plan_reviews", "id, plan_id, reviewed_on, changes_sealed, reviewed_by, created_at", ""},
	tConcerns: {"safeguarding_concerns", "id, family_id, person_id, raised_by, raised_at, immediate_danger, at_risk, details_sealed, decision_due_at, status, " +
		"decision, reasons_sealed, decided_by, decided_at, outcome_sealed, closed_at, area_id", ""},
	tMeasures: {"measure_results", "id, family_id, person_id, instrument, timepoint, taken_on, total, score, band, flagged, alert, age_months, answers_sealed, " +
		"created_by, created_at", ""},
	tClosures:  {"closures", "id, family_id, kind, reason, closed_on, requested_by, approved_by, approved_at, created_at", ""},
	tSummaries: {"closure_summaries", "closure_id, person_id, summary_sealed, written_by", ""},
	tStatuses:  {"safeguarding_status_history", "family_id, status, from_date, created_at", ""},
	tAlerts:    {"alerts", "staff_id, concern_id, kind, created_at, seen_at", ""},
	tOutbox: {"outbox", "kind, recipient_sealed, subject, body_sealed, status, attempts, next_attempt_at, created_at, sent_at, referral_id, concern_id",
		""},
	tAudit: {"audit_log", auditColumns, ""},
}

// Tables whose ids the loader assigns, so that rows can point at rows in
// the same batch without reading ids back.
const (
	idFamily = iota
	idPerson
	idClosure
	idPlan
	idSession
	idRisk
	idMeasure
	idMARAC
	idReview
	idConcern
	idReferral
	idChildRisk
	idKinds
)

var idTables = [idKinds]string{"families", "people", "closures", "safety_plans", "case_sessions", "risk_assessments", "measure_results",
	"marac_referrals", "safety_plan_reviews", "safeguarding_concerns", "referrals", "child_risks"}

// localID stands for the id of the n-th row (from 0) of its table in the
// batch until the batch is written; the references stand for the next
// number of their year.
type (
	localID struct {
		kind int
		n    int
	}
	familyRef   struct{ year int }
	referralRef struct{ year int }
	// rowSealed is a value to seal to its row (SealedColumn.BindRow) once
	// the row's key is known, as the batch is written: an id, or for a
	// closing summary its closure's and parent's.
	rowSealed struct {
		context, value string
		key            []localID
	}
)

// in is the id the row stands for, the batch's ids of its table coming
// after base's.
func (id localID) in(base [idKinds]int64) int64 { return base[id.kind] + int64(id.n) + 1 }

// seedBatch is a batch turned into rows, sealed and ready to write.
type seedBatch struct {
	first, families int
	count           [idKinds]int
	args            [nTables][]any // by table: column values, row after row
	referralYears   map[int]int    // referral references needed, by year
	events          []seedEvent    // the families' audit trails, in time order
	detail          string
}

// seedEvent is an audit entry of a family's history (synth.Event) with its
// records as ids, local to the batch until it is written.
type seedEvent struct {
	synth.Event
	actor          string
	actorID        int64
	ip             string // formatted here, in prepare, off the serial write
	record, family any    // int64 or localID
}

func (b *seedBatch) add(table int, values ...any) { b.args[table] = append(b.args[table], values...) }

// reserve sizes each table's values for the batch, so that appending
// never copies them (a batch is millions of values).
func (b *seedBatch) reserve(batch synth.Batch) {
	var rows [nTables]int
	rows[tReferrals] = len(batch.Referrals)
	rows[tOutbox] = 2 * len(batch.Referrals) // acknowledgement and decision
	for _, f := range batch.Families {
		rows[tFamilies]++
		rows[tPeople] += len(f.People)
		rows[tMatchKeys] += 16 // a parent has about eight
		rows[tAllocations] += len(f.Allocations)
		rows[tDepartures] += len(f.Departures)
		rows[tAppointments] += len(f.Appointments)
		rows[tReferrals]++
		rows[tSessions] += len(f.Sessions)
		rows[tRisks] += len(f.Risks)
		rows[tMARAC] += len(f.MARAC)
		rows[tChildRisks] += len(f.ChildRisks)
		rows[tPlans] += len(f.SafetyPlans)
		for _, p := range f.SafetyPlans {
			rows[tPlanReviews] += len(p.Reviews)
		}
		rows[tConcerns] += len(f.Concerns)
		for _, c := range f.Concerns {
			rows[tAlerts] += len(c.Alerted)
			rows[tOutbox] += len(c.Alerted)
		}
		rows[tOutbox] += 2 // the family's referral's acknowledgement and decision
		rows[tMeasures] += len(f.Measures)
		rows[tStatuses] += len(f.Statuses)
		rows[tAudit] += len(f.Audit)
		if f.Closure != nil {
			rows[tClosures]++
			rows[tSummaries] += 2
		}
	}
	for t, n := range rows {
		b.args[t] = make([]any, 0, n*columns(t))
	}
}

// prepare turns a batch into rows. It runs on the generator's goroutine:
// sealing and encoding overlap the previous batch's write.
func (l *seeder) prepare(batch synth.Batch) (*seedBatch, error) {
	db := l.db
	b := &seedBatch{first: batch.First, families: len(batch.Families), referralYears: map[int]int{}}
	b.reserve(batch)
	// A value bound to its row is sealed as the batch is written, once the
	// row's id is known (rowSealed).
	bound := func(context, value string, key ...localID) any {
		if value == "" {
			return ""
		}
		return rowSealed{context, value, key}
	}
	staff := func(i int) any {
		if i < 0 {
			return nil
		}
		return l.staffIDs[i]
	}
	sessions := 0
	for _, f := range batch.Families {
		fam := localID{idFamily, b.count[idFamily]}
		b.count[idFamily]++
		b.add(tFamilies, fam, familyRef{f.Created.Year()}, l.areaIDs[f.Area], l.teamIDs[f.Area], staff(f.Manager), string(f.Stage), nullTime(f.EDD),
			nullTime(f.ProgrammeStart), f.SafeguardingStatus, nullTime(f.Closed), f.ClosureReason, f.Created.UTC(), f.Updated.UTC(),
			nullTime(f.Accepted), nullTime(f.AssessmentDone))
		people := make([]localID, len(f.People))
		current := map[int]int{} // co-parent → current practitioner
		for _, a := range f.Allocations {
			if a.Ended.IsZero() {
				current[a.Person] = a.Staff
			}
		}
		for k, p := range f.People {
			people[k] = localID{idPerson, b.count[idPerson]}
			b.count[idPerson]++
			c := family.Confidential{}
			if p.Confidential != nil {
				c = *p.Confidential
			}
			var slot, household any
			if p.Kind == family.Parent {
				slot = int64(p.ParentSlot)
			}
			if p.Household != 0 {
				household = int64(p.Household)
			}
			exp := p.Experience
			if exp == "" {
				exp = family.NotKnown
			}
			b.add(tPeople, people[k], fam, string(p.Kind), slot, household, p.GivenName, p.FamilyName, p.KnownAs, nullTime(p.DateOfBirth),
				p.Gender, p.Pronouns, string(exp), bound("people.address", c.Address, people[k]), bound("people.postcode", c.Postcode, people[k]),
				bound("people.phone", c.Phone, people[k]), bound("people.email", c.Email, people[k]), bound("people.safe_contact", c.SafeContact, people[k]),
				bound("people.nhs_number", c.NHSNumber, people[k]), p.AddressConfidential, p.Active, f.Created.UTC(), f.Created.UTC())
			if p.Kind == family.Parent {
				for _, key := range db.matchKeys(identityOfPerson(p)) {
					b.add(tMatchKeys, people[k], key[0], key[1])
				}
			}
		}
		for _, a := range f.Allocations {
			b.add(tAllocations, fam, people[a.Person], l.staffIDs[a.Staff], staff(a.By), a.Started.UTC(), nullTime(a.Ended), a.EndReason)
		}
		for _, dep := range f.Departures {
			b.add(tDepartures, fam, people[dep.Person], dep.Reason, "", dep.On.UTC(), l.staffIDs[dep.By], dep.On.Add(15*time.Hour).UTC())
		}
		for _, a := range f.Appointments {
			b.add(tAppointments, fam, people[a.Person], a.On.UTC(), a.At, a.Mode, "", l.staffIDs[a.Staff], a.Booked.UTC())
		}
		if err := l.addReferral(b, f.Referral, fam, f.Accepted.IsZero(), bound, staff); err != nil {
			return nil, err
		}
		sessionIDs := make([]localID, len(f.Sessions))
		for i, s := range f.Sessions {
			sessionIDs[i] = localID{idSession, b.count[idSession]}
			b.count[idSession]++
			b.add(tSessions, sessionIDs[i], fam, people[s.Person], l.staffIDs[s.Staff], s.On.UTC(), int64(s.Minutes), s.Mode, s.Attendance, s.Module,
				bound("case_sessions.topic", s.Topic, sessionIDs[i]), s.Confidential, bound("case_sessions.notes", s.Notes, sessionIDs[i]),
				bound("case_sessions.reason", s.Reason, sessionIDs[i]), "session", s.Recorded.UTC(), s.Recorded.UTC())
		}
		sessions += len(f.Sessions)
		riskIDs := make([]localID, len(f.Risks))
		for i, r := range f.Risks {
			riskIDs[i] = localID{idRisk, b.count[idRisk]}
			b.count[idRisk]++
			// Levels follow this database's thresholds, as if assessed here.
			res, rerr := risk.Score(db.risk.Thresholds, r.Assessment)
			if rerr != nil {
				return nil, fmt.Errorf("scoring a synthetic DASH: %w", rerr)
			}
			a := r.Assessment
			body, jerr := json.Marshal(storedAssessment{Answers: a.Answers, Context: a.Context, ParentView: a.ParentView, JudgedLevel: a.JudgedLevel, JudgementReason: a.JudgementReason})
			if jerr != nil {
				return nil, jerr
			}
			at := r.On.Add(15 * time.Hour).UTC()
			b.add(tRisks, riskIDs[i], fam, people[r.Person], l.staffIDs[r.Staff], "dash", r.On.UTC(), int64(res.Yes), string(res.Level), string(a.JudgedLevel),
				bound("risk_assessments.answers", string(body), riskIDs[i]), "complete", at, at, at)
		}
		for _, m := range f.MARAC {
			id := localID{idMARAC, b.count[idMARAC]}
			b.count[idMARAC]++
			b.add(tMARAC, id, fam, people[m.Person], m.On.UTC(), m.Area, m.Outcome, bound("marac_referrals.actions", m.Action, id), l.staffIDs[m.By], m.On.Add(16*time.Hour).UTC())
		}
		childRiskIDs := make([]localID, len(f.ChildRisks))
		for i, c := range f.ChildRisks {
			childRiskIDs[i] = localID{idChildRisk, b.count[idChildRisk]}
			b.count[idChildRisk]++
			var person any // NULL: the baby and all the other children
			if c.Child >= 0 {
				person = people[c.Child]
			}
			b.add(tChildRisks, childRiskIDs[i], fam, person, string(c.Level), bound("child_risks.concerns", c.Concerns, childRiskIDs[i]),
				bound("child_risks.plan", c.Plan, childRiskIDs[i]), c.On.UTC(), l.staffIDs[c.Staff], c.On.Add(synth.ChildRiskHour).UTC())
		}
		for _, p := range f.SafetyPlans {
			sec := SafetyPlanSections{SafeContacts: p.Sections[0], SafePlaces: p.Sections[1], CodeWords: p.Sections[2],
				EscapePlan: p.Sections[3], BabyPlan: p.Sections[4], TechnologySafety: p.Sections[5]}
			body, jerr := json.Marshal(sec)
			if jerr != nil {
				return nil, jerr
			}
			id := localID{idPlan, b.count[idPlan]}
			b.count[idPlan]++
			created := p.Created.Add(14 * time.Hour).UTC()
			updated := created // the last review's time, if any
			for _, r := range p.Reviews {
				at := r.On.Add(14 * time.Hour).UTC()
				review := localID{idReview, b.count[idReview]}
				b.count[idReview]++
				b.add(tPlanReviews, review, id, r.On.UTC(), bound("safety_plan_reviews.changes", r.Changes, review), l.staffIDs[r.By], at)
				updated = at
			}
			b.add(tPlans, id, fam, people[p.Person], l.staffIDs[p.Staff], bound("safety_plans.plan", string(body), id), p.ReviewOn.UTC(),
				int64(1+len(p.Reviews)), created, updated)
		}
		for _, c := range f.Concerns {
			var person any
			if c.Person >= 0 {
				person = people[c.Person]
			}
			id := localID{idConcern, b.count[idConcern]}
			b.count[idConcern]++
			b.add(tConcerns, id, fam, person, l.staffIDs[c.RaisedBy], c.Raised.UTC(), c.ImmediateDanger, string(c.AtRisk), bound("safeguarding_concerns.details", c.Details, id),
				c.Due.UTC(), c.Status, string(c.Decision), bound("safeguarding_concerns.reasons", c.Reasons, id), staff(c.DecidedBy), nullTime(c.Decided),
				bound("safeguarding_concerns.outcome", c.Outcome, id), nullTime(c.ClosedAt), l.areaIDs[f.Area])
			// Each lead alerted in Cradle and by email (the email sent a minute
			// later, its recipient and text already cleared, as ClearOldMail
			// leaves them); a decided concern's alerts count as seen by then,
			// so that a lead's home page counts only the open ones as new.
			for _, lead := range c.Alerted {
				b.add(tAlerts, l.staffIDs[lead], id, "concern_raised", c.Raised.UTC(), nullTime(c.Decided))
				b.add(tOutbox, "concern_alert", "", "A safeguarding concern needs a decision", "", "sent", int64(1), c.Raised.UTC(), c.Raised.UTC(),
					c.Raised.Add(time.Minute).UTC(), nil, id)
			}
		}
		measureIDs := make([]localID, len(f.Measures))
		for i, m := range f.Measures {
			measureIDs[i] = localID{idMeasure, b.count[idMeasure]}
			b.count[idMeasure]++
			var raw, score, age any
			if !m.NoScore {
				raw, score = m.Raw, m.Score
			}
			if m.AgeMonths > 0 {
				age = int64(m.AgeMonths)
			}
			b.add(tMeasures, measureIDs[i], fam, people[m.Person], m.Instrument, m.Timepoint, m.TakenOn.UTC(), raw, score, m.Band, m.Flagged, m.Alert, age,
				bound("measure_results.answers", m.Detail, measureIDs[i]), l.staffIDs[m.By], m.TakenOn.Add(16*time.Hour).UTC())
		}
		if c := f.Closure; c != nil {
			id := localID{idClosure, b.count[idClosure]}
			b.count[idClosure]++
			at := c.On.Add(16 * time.Hour).UTC()
			b.add(tClosures, id, fam, c.Kind, c.Reason, c.On.UTC(), l.staffIDs[c.By], l.staffIDs[c.By], at, at)
			for k := range 2 {
				b.add(tSummaries, id, people[k], bound("closure_summaries.summary", c.Summaries[k], id, people[k]), l.staffIDs[current[k]])
			}
		}
		for _, s := range f.Statuses {
			b.add(tStatuses, fam, s.Status, s.From.UTC(), s.From.Add(15*time.Hour).UTC())
		}
		for _, e := range f.Audit {
			se := seedEvent{Event: e, actor: l.g.Staff()[e.Staff].Email, actorID: l.staffIDs[e.Staff], ip: synth.StaffIP(e.Staff), record: int64(0), family: fam}
			switch e.Record {
			case synth.RecordNone:
				se.family = int64(0) // a list, about no one family
			case synth.RecordStaff:
				se.record, se.family = se.actorID, int64(0)
			case synth.RecordFamily:
				se.record = fam
			case synth.RecordPerson:
				se.record = people[e.Index]
			case synth.RecordSession:
				se.record = sessionIDs[e.Index]
			case synth.RecordRisk:
				se.record = riskIDs[e.Index]
			case synth.RecordMeasure:
				se.record = measureIDs[e.Index]
			case synth.RecordChildRisk:
				se.record = childRiskIDs[e.Index]
			}
			b.events = append(b.events, se)
		}
	}
	// One log in time order across the batch's families (a batch's entries
	// still come after the batch before it, whatever their times).
	slices.SortStableFunc(b.events, func(x, y seedEvent) int { return x.At.Compare(y.At) })
	for _, r := range batch.Referrals {
		if err := l.addReferral(b, r, nil, true, bound, staff); err != nil {
			return nil, err
		}
	}
	b.detail = fmt.Sprintf("synthetic families %d to %d of %d: %d people, %d sessions, %d referrals, %d audit entries of their history",
		l.g.Config().Before.Families+batch.First+1, l.g.Config().Before.Families+batch.First+len(batch.Families),
		l.g.Config().Before.Families+l.g.Families(), b.count[idPerson], sessions, len(b.args[tReferrals])/columns(tReferrals), len(b.events))
	return b, nil
}

func (l *seeder) addReferral(b *seedBatch, r synth.Referral, fam any, unlinked bool, bound func(string, string, ...localID) any, staff func(int) any) error {
	content, err := json.Marshal(r.Content)
	if err != nil {
		return fmt.Errorf("encoding a synthetic referral: %w", err)
	}
	var area any
	if r.Area >= 0 {
		area = l.areaIDs[r.Area]
	}
	if unlinked {
		fam = nil
	}
	updated := r.Received
	if !r.Decided.IsZero() {
		updated = r.Decided
	}
	year := r.Received.Year()
	b.referralYears[year]++
	id := localID{idReferral, b.count[idReferral]}
	b.count[idReferral]++
	// Acknowledged as live ones are (CreateReferral, MarkMailSent): a
	// parent on screen, a referrer by email minutes later.
	acknowledged := r.Received
	if r.Content.Source != referral.Self {
		acknowledged = r.Received.Add(3 * time.Minute)
	}
	// Its decision told as a live one is: by the decision's email minutes
	// later, or (a parent who referred themselves, a referrer without an
	// address) by a call from staff the next day.
	var told any
	toTell := !r.Decided.IsZero() && referral.DecisionToTell(r.Content.Source, r.Status)
	emailed := r.Content.Source != referral.Self && r.Content.Referrer.Email != ""
	if toTell {
		told = r.Decided.Add(3 * time.Minute).UTC()
		if !emailed {
			told = r.Decided.AddDate(0, 0, 1).UTC()
		}
	}
	b.add(tReferrals, id, referralRef{year}, string(r.Content.Source), area, fam, string(r.Status), r.Received.UTC(), r.Content.Referrer.Role, nullTime(r.EDD),
		bound("referrals.content", string(content), id), r.Decision, r.DecisionReason, r.Signposted, staff(r.DecidedBy), nullTime(r.Decided), updated.UTC(),
		r.Content.SafeguardingStatus, acknowledged.UTC(), told)
	if emailed {
		// The acknowledgement and the decision (QueueReferralMail), sent and
		// cleared as above; their subjects would name the reference, which
		// is numbered as the batch is written.
		b.add(tOutbox, "referral_ack", "", "Referral received", "", "sent", int64(1), r.Received.UTC(), r.Received.UTC(), acknowledged.UTC(), id, nil)
		if toTell {
			b.add(tOutbox, "referral_outcome", "", "Referral decision", "", "sent", int64(1), r.Decided.UTC(), r.Decided.UTC(), told, id, nil)
		}
	}
	return nil
}

func columns(table int) int { return strings.Count(seedTables[table].cols, ",") + 1 }

// write stores a prepared batch in one transaction: ids after the
// largest in use, references after the last of their year, one audit
// entry, and the marker moved on.
func (l *seeder) write(ctx context.Context, b *seedBatch) error {
	db := l.db
	return db.bulkUpdate(ctx, func(tx *Tx) error {
		if err := tx.lockForIDs(); err != nil {
			return err
		}
		var base [idKinds]int64
		for k, t := range idTables {
			if err := tx.queryRow(highestID(t)).Scan(&base[k]); err != nil {
				return fmt.Errorf("reading the largest id in %s: %w", t, err)
			}
		}
		// Referral numbers come from the same counters as live referrals,
		// reserved a year's worth at a time.
		nextReferral := map[int]int64{}
		for year, n := range b.referralYears {
			name := fmt.Sprintf("referral-%d", year)
			if _, err := tx.exec(`INSERT INTO counters (name, value) VALUES ($1, 0) ON CONFLICT (name) DO NOTHING`, name); err != nil {
				return fmt.Errorf("creating counter %s: %w", name, err)
			}
			var last int64
			if err := tx.queryRow(`UPDATE counters SET value = value + $1 WHERE name = $2 RETURNING value`, n, name).Scan(&last); err != nil {
				return fmt.Errorf("advancing counter %s: %w", name, err)
			}
			nextReferral[year] = last - int64(n) + 1
		}
		if err := l.chainEvents(tx, b, base); err != nil {
			return err
		}
		stmts := map[int]*sql.Stmt{} // closed by the commit
		for t := range seedTables {
			args := b.args[t]
			unresolved := args
			if t == tAudit {
				unresolved = nil // chainEvents wrote them with their ids
			}
			for i, v := range unresolved {
				switch v := v.(type) {
				case localID:
					args[i] = v.in(base)
				case familyRef:
					l.familySeq[v.year]++
					args[i] = fmt.Sprintf("FAM-%d-%06d", v.year, l.familySeq[v.year])
				case referralRef:
					args[i] = fmt.Sprintf("REF-%d-%06d", v.year, nextReferral[v.year])
					nextReferral[v.year]++
				case rowSealed:
					key := make([]any, len(v.key))
					for i, k := range v.key {
						key[i] = k.in(base)
					}
					sealed, err := db.seal(keyContext(v.context, key...), v.value)
					if err != nil {
						return err
					}
					args[i] = sealed
				}
			}
			if err := l.insert(tx, stmts, t, args); err != nil {
				return err
			}
		}
		if db.dialect == Postgres {
			// The ids were given explicitly: move the sequences past them.
			for k, t := range idTables {
				if b.count[k] == 0 {
					continue
				}
				if _, err := tx.exec(`SELECT setval(pg_get_serial_sequence('`+t+`', 'id'), $1)`, base[k]+int64(b.count[k])); err != nil {
					return fmt.Errorf("moving the %s id sequence on: %w", t, err)
				}
			}
		}
		if err := tx.writeMarker(l.g.Counts(l.done+b.families), false); err != nil {
			return err
		}
		tx.Audit("bench.seed", "", 0, 0, b.detail)
		return nil
	})
}

// chainEvents turns the batch's history into audit entries with their
// records' ids, chained after the log's last entry (this transaction holds
// the chain: the entries the application writes wait for it), as rows of
// the audit table for insert to write.
func (l *seeder) chainEvents(tx *Tx, b *seedBatch, base [idKinds]int64) error {
	if len(b.events) == 0 {
		return nil
	}
	prev, err := tx.auditHead()
	if err != nil {
		return err
	}
	id := func(v any) int64 {
		if v, ok := v.(localID); ok {
			return v.in(base)
		}
		return v.(int64)
	}
	args := b.args[tAudit][:0] // reserved for the batch
	for _, e := range b.events {
		c := audit.Chain(prev, audit.Entry{At: e.At, ActorID: e.actorID, Actor: e.actor, Action: e.Action, RecordType: e.Record.RecordType(),
			RecordID: id(e.record), FamilyID: id(e.family), IP: e.ip, RequestID: e.RequestID, Detail: e.Detail})
		prev = &c
		args = append(args, c.ID, c.At, c.ActorID, c.Actor, c.Action, c.RecordType, c.RecordID, c.FamilyID, c.IP, c.RequestID, c.Detail, c.PrevHash, c.Hash)
	}
	b.args[tAudit] = args
	return nil
}

// insert writes a table's rows bulkRows at a time.
func (l *seeder) insert(tx *Tx, stmts map[int]*sql.Stmt, table int, args []any) error {
	t := seedTables[table]
	n := columns(table)
	rows := len(args) / n
	for start := 0; start < rows; start += bulkRows {
		k := min(bulkRows, rows-start)
		chunk := args[start*n : (start+k)*n]
		// #nosec G202 -- table, columns and suffix come from the constant seedTables; every value is a placeholder
		q := l.insertSQL(t.name, t.cols, n, k) + t.suffix
		var err error
		if k == bulkRows {
			// The full-size statement is prepared once per transaction
			// (preparing on the pool instead would wait, on PostgreSQL,
			// for the table locks this transaction holds).
			stmt, ok := stmts[table]
			if !ok {
				if stmt, err = tx.tx.PrepareContext(tx.ctx, q); err != nil {
					return fmt.Errorf("preparing to write synthetic %s: %w", t.name, err)
				}
				stmts[table] = stmt
			}
			_, err = stmt.ExecContext(tx.ctx, chunk...)
		} else {
			_, err = tx.tx.ExecContext(tx.ctx, q, chunk...)
		}
		if err != nil {
			return fmt.Errorf("writing synthetic %s: %w", t.name, err)
		}
	}
	return nil
}

// insertSQL is "INSERT INTO t (cols) VALUES ($1, …), (…)" for rows rows,
// in the dialect's own placeholders. For SQLite they are plain "?", not
// the "?NNN" that rebind makes: SQLite looks a numbered parameter's name
// up in a list, once per parameter, so binding thousands of them takes
// time quadratic in their number (most of the run, measured), while plain
// "?" parameters have no names to look up. Arguments are in order either
// way.
func (l *seeder) insertSQL(table, cols string, n, rows int) string {
	var sb strings.Builder
	sb.Grow(len(cols) + rows*n*7 + 40)
	sb.WriteString("INSERT INTO " + table + " (" + cols + ") VALUES ")
	p := 1
	for r := range rows {
		if r > 0 {
			sb.WriteString(", ")
		}
		sb.WriteByte('(')
		for c := range n {
			if c > 0 {
				sb.WriteString(", ")
			}
			if l.db.dialect == SQLite {
				sb.WriteByte('?')
			} else {
				sb.WriteByte('$')
				sb.WriteString(strconv.Itoa(p))
			}
			p++
		}
		sb.WriteByte(')')
	}
	return sb.String()
}

// bulkUpdate is Update for a batch of synthetic rows: the same
// transaction, audit chaining and commit, but on SQLite on a connection of
// its own, set up for a bulk load while the batch is written:
//
//   - foreign keys are not checked: the loader makes every row point at
//     one it has written (the PostgreSQL tests, which keep their checks,
//     and a foreign_key_check in the SQLite tests show it), and the checks
//     cost three index look-ups for each session row;
//   - commits are not synced to disk (synchronous NORMAL): a power cut may
//     lose the last batches, marker and all, never corrupt them, and
//     synthetic data can simply be seeded again;
//   - the page cache is large enough for the pages a batch changes.
//
// Together they make seeding about a third faster. The connection gets
// its own settings back before it returns to the pool, or is thrown away.
func (db *DB) bulkUpdate(ctx context.Context, fn func(tx *Tx) error) (err error) {
	if db.dialect != SQLite {
		return db.Update(ctx, fn)
	}
	conn, err := db.sql.Conn(ctx)
	if err != nil {
		return fmt.Errorf("taking a connection: %w", err)
	}
	defer conn.Close()
	settings := []struct{ name, bulk, was string }{
		{"foreign_keys", "OFF", ""}, {"synchronous", "NORMAL", ""}, {"cache_size", "-65536", ""},
	}
	var set, restore strings.Builder
	for i, p := range settings {
		if err := conn.QueryRowContext(ctx, `PRAGMA `+p.name).Scan(&settings[i].was); err != nil {
			return fmt.Errorf("reading the connection's %s: %w", p.name, err)
		}
		fmt.Fprintf(&set, "PRAGMA %s = %s; ", p.name, p.bulk)
		fmt.Fprintf(&restore, "PRAGMA %s = %s; ", p.name, settings[i].was)
	}
	defer func() {
		if _, rerr := conn.ExecContext(context.WithoutCancel(ctx), restore.String()); rerr != nil {
			// Never back to the pool without its checks: Raw returns the
			// ErrBadConn given it, which is what discards the connection.
			conn.Raw(func(any) error { return driver.ErrBadConn }) // #nosec G104 -- the error is the point, as above
			if err == nil {
				err = fmt.Errorf("restoring the connection's settings after a bulk load: %w", rerr)
			}
		}
	}()
	if _, err := conn.ExecContext(ctx, set.String()); err != nil {
		return fmt.Errorf("setting the connection up for a bulk load: %w", err)
	}
	sqlTx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("beginning transaction: %w", err)
	}
	defer sqlTx.Rollback()
	tx := &Tx{db: db, tx: sqlTx, ctx: ctx, now: db.Now().Truncate(time.Microsecond), source: audit.SourceFrom(ctx)}
	if err := fn(tx); err != nil {
		return err
	}
	if len(tx.pending) == 0 {
		return ErrNotAudited
	}
	if err := tx.flushAudit(); err != nil {
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("committing: %w", err)
	}
	return nil
}
