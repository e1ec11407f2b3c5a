package store_test

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/credential"
	"github.com/cradle-org/cradle/internal/family"
	"github.com/cradle-org/cradle/internal/match"
	"github.com/cradle-org/cradle/internal/org"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/referral"
	"github.com/cradle-org/cradle/internal/store"
	"github.com/cradle-org/cradle/internal/store/storetest"
	"github.com/cradle-org/cradle/internal/synth"
)

var seedDay = time.Date(2026, 5, 11, 0, 0, 0, 0, time.UTC)

func generator(t *testing.T, families int, seed uint64, before synth.Counts) *synth.Generator {
	t.Helper()
	g, err := synth.New(synth.Config{Families: families, Seed: seed, Today: seedDay, Before: before})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// expected counts the rows a run should write, from a second generator
// with the same configuration.
func expected(t *testing.T, families int, seed uint64, before synth.Counts) map[string]int64 {
	g := generator(t, families, seed, before)
	n := map[string]int64{}
	for {
		b := g.Next(1000)
		if len(b.Families) == 0 {
			return n
		}
		n["referrals"] += int64(len(b.Referrals))
		acknowledge := func(r synth.Referral) { // a referrer's acknowledgement and decision, by email
			if r.Content.Source != referral.Self && r.Content.Referrer.Email != "" {
				n["outbox"]++
				if !r.Decided.IsZero() && referral.DecisionToTell(r.Content.Source, r.Status) {
					n["outbox"]++
				}
			}
		}
		for _, r := range b.Referrals {
			acknowledge(r)
		}
		for _, f := range b.Families {
			n["families"]++
			n["referrals"]++
			acknowledge(f.Referral)
			n["people"] += int64(len(f.People))
			n["allocations"] += int64(len(f.Allocations))
			n["departures"] += int64(len(f.Departures))
			n["appointments"] += int64(len(f.Appointments))
			n["case_sessions"] += int64(len(f.Sessions))
			n["risk_assessments"] += int64(len(f.Risks))
			n["marac_referrals"] += int64(len(f.MARAC))
			n["child_risks"] += int64(len(f.ChildRisks))
			n["safety_plans"] += int64(len(f.SafetyPlans))
			for _, p := range f.SafetyPlans {
				n["safety_plan_reviews"] += int64(len(p.Reviews))
			}
			n["safeguarding_concerns"] += int64(len(f.Concerns))
			for _, c := range f.Concerns { // every lead alerted, in Cradle and by email
				n["alerts"] += int64(len(c.Alerted))
				n["outbox"] += int64(len(c.Alerted))
			}
			n["measure_results"] += int64(len(f.Measures))
			n["safeguarding_status_history"] += int64(len(f.Statuses))
			n["audit_log"] += int64(len(f.Audit))
			if f.Closure != nil {
				n["closures"]++
				n["closure_summaries"] += 2
			}
		}
	}
}

func count(t *testing.T, db *store.DB, q string, args ...any) int64 {
	t.Helper()
	s, err := db.RawString(ctx, `SELECT CAST(COUNT(*) AS TEXT) `+q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	n, _ := strconv.ParseInt(s, 10, 64)
	return n
}

func TestSeedSynthetic(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		var progress []int
		res, err := db.SeedSynthetic(ctx, generator(t, 200, 1, synth.Counts{}), store.SeedOptions{Batch: 100,
			Progress: func(done, total int) { progress = append(progress, done) }})
		if err != nil {
			t.Fatal(err)
		}
		if len(progress) != 2 || progress[1] != 200 {
			t.Errorf("progress %v, want two batches to 200", progress)
		}
		want := expected(t, 200, 1, synth.Counts{})
		if want["alerts"] == 0 || want["outbox"] <= want["alerts"] {
			t.Fatalf("the generator made %d alerts and %d emails: want alerts, and emails for them and the referrals", want["alerts"], want["outbox"])
		}
		if want["departures"] == 0 {
			t.Fatal("the generator made no co-parent not taking part: the test of their rows would prove nothing")
		}
		if want["appointments"] == 0 {
			t.Fatal("the generator booked no appointments: the test of their rows would prove nothing")
		}
		history := want["audit_log"]
		for table, want := range want {
			if table == "audit_log" {
				// The families' histories, and one entry for the accounts
				// and one a batch (not counted as rows written).
				if got := count(t, db, `FROM audit_log`); got != want+3 || res.Rows[table] != want {
					t.Errorf("audit_log: %d entries in the database, %d reported, want %d and 3 of the run's own", got, res.Rows[table], want)
				}
				continue
			}
			if got := count(t, db, `FROM `+table); got != want || res.Rows[table] != want {
				t.Errorf("%s: %d rows in the database, %d reported, want %d", table, got, res.Rows[table], want)
			}
		}
		// Each co-parent not taking part is so on their record too.
		if inactive := count(t, db, `FROM people WHERE NOT active`); inactive != want["departures"] {
			t.Errorf("%d people not active, want one a departure (%d)", inactive, want["departures"])
		}
		if res.Counts.Families != 200 || res.Counts.Areas != 1 || len(res.Counts.Runs) != 1 {
			t.Errorf("counts %+v", res.Counts)
		}
		// Every value the loader sealed opens in its own row (a closing
		// summary's key has two parts).
		if _, err := db.OpenAll(ctx); err != nil {
			t.Errorf("a seeded value does not open: %v", err)
		}
		st, err := db.SyntheticState(ctx)
		if err != nil || st.Marker == nil || st.Marker.Families != 200 || st.Marker.Staff["practitioner"] != res.Counts.Staff["practitioner"] {
			t.Fatalf("marker after seeding: %+v %v", st.Marker, err)
		}

		if db.Dialect() == store.Postgres {
			// The summaries the triggers kept were rewritten after the
			// load: every update made a new row version, and the monthly
			// counts had many times the pages their rows need.
			for _, table := range []string{"session_counts_month", "session_counts_day", "family_session_facts"} {
				rows := count(t, db, `FROM `+table)
				pages, err := db.RawString(ctx, `SELECT CAST(pg_relation_size('`+table+`') / 8192 AS TEXT)`)
				if n, _ := strconv.Atoi(pages); err != nil || rows == 0 || int64(n) > rows/40+2 {
					t.Errorf("%s: %d rows in %s pages (%v), want them compact", table, rows, pages, err)
				}
			}
		}
		if db.Dialect() == store.SQLite {
			// SQLite wrote without checking foreign keys: every row must
			// still point at one that exists, and every connection in the
			// pool must be checking again.
			if n := count(t, db, `FROM pragma_foreign_key_check`); n != 0 {
				t.Errorf("%d rows point at nothing", n)
			}
			for range 10 {
				fk, err1 := db.RawString(ctx, `PRAGMA foreign_keys`)
				sync, err2 := db.RawString(ctx, `PRAGMA synchronous`)
				if fk != "1" || sync != "2" || err1 != nil || err2 != nil {
					t.Fatalf("a connection left with foreign_keys %s, synchronous %s (%v %v)", fk, sync, err1, err2)
				}
			}
		}

		// The audit chain holds: the families' histories, one entry for the
		// accounts, one per batch.
		if n, err := db.VerifyAudit(ctx); err != nil || n != history+3 || history < 200*100 {
			t.Errorf("VerifyAudit = %d, %v; want %d entries (> 20,000), intact", n, err, history+3)
		}
		// Each history entry names a record of its own family, by the
		// practitioner who wrote it.
		for _, c := range []struct{ what, q string }{
			{"person read", `FROM audit_log a LEFT JOIN people p ON p.id = a.record_id AND p.family_id = a.family_id WHERE a.action = 'person.view' AND p.id IS NULL`},
			{"session not after its parent's page", `FROM audit_log a JOIN case_sessions s ON s.id = a.record_id WHERE a.action = 'session.create' AND NOT EXISTS (
				SELECT 1 FROM audit_log v WHERE v.record_type = 'person' AND v.record_id = s.person_id AND v.action = 'person.view' AND v.actor_id = a.actor_id AND v.id < a.id)`},
			{"family read", `FROM audit_log a WHERE a.action = 'family.view' AND a.record_id <> a.family_id`},
			{"session", `FROM audit_log a LEFT JOIN case_sessions s ON s.id = a.record_id AND s.family_id = a.family_id AND s.staff_id = a.actor_id
				WHERE a.action = 'session.create' AND s.id IS NULL`},
			{"DASH", `FROM audit_log a LEFT JOIN risk_assessments r ON r.id = a.record_id AND r.family_id = a.family_id AND r.staff_id = a.actor_id
				WHERE a.action = 'risk.save' AND r.id IS NULL`},
			{"measure", `FROM audit_log a LEFT JOIN measure_results m ON m.id = a.record_id AND m.family_id = a.family_id AND m.created_by = a.actor_id
				WHERE a.action = 'measure.create' AND m.id IS NULL`},
			{"risk to the children", `FROM audit_log a LEFT JOIN child_risks c ON c.id = a.record_id AND c.family_id = a.family_id AND c.created_by = a.actor_id
				AND c.created_at = a.at AND c.level = a.detail WHERE a.action = 'child_risk.create' AND (c.id IS NULL OR a.record_type <> 'child_risk')`},
			{"actor", `FROM audit_log a LEFT JOIN staff s ON s.id = a.actor_id AND s.email = a.actor WHERE a.action <> 'bench.seed' AND s.id IS NULL`},
		} {
			if n := count(t, db, c.q); n != 0 {
				t.Errorf("%d %s entries name no record of their family", n, c.what)
			}
		}
		if sessions, logged := count(t, db, `FROM case_sessions`), count(t, db, `FROM audit_log WHERE action = 'session.create'`); sessions != logged {
			t.Errorf("%d session.create entries for %d sessions", logged, sessions)
		}
		if assessed, logged := count(t, db, `FROM child_risks`), count(t, db, `FROM audit_log WHERE action = 'child_risk.create'`); assessed != logged || assessed == 0 {
			t.Errorf("%d child_risk.create entries for %d assessments of risk to the children", logged, assessed)
		}

		// Personal data is sealed, never in clear.
		addr, err := db.RawString(ctx, `SELECT address_sealed FROM people WHERE kind = 'parent' AND address_sealed <> '' ORDER BY id LIMIT 1`)
		if err != nil || !strings.HasPrefix(addr, "v1.") || strings.Contains(addr, "Road") || strings.Contains(addr, "Street") {
			t.Errorf("address stored as %q (%v)", addr, err)
		}
		for _, col := range []string{"notes_sealed", "reason_sealed"} {
			if n := count(t, db, `FROM case_sessions WHERE `+col+` <> '' AND `+col+` NOT LIKE 'v1.%'`); n != 0 {
				t.Errorf("%d sessions with %s in clear", n, col)
			}
		}
		if n := count(t, db, `FROM child_risks WHERE concerns_sealed NOT LIKE 'v1.%' OR plan_sealed NOT LIKE 'v1.%'`); n != 0 {
			t.Errorf("%d assessments of risk to the children in clear", n)
		}

		// A seeded practitioner signs in with the published details and
		// reads one of their families, seeing their own parent's details.
		var familyID, personID, staffID int64
		for _, dst := range []struct {
			col string
			v   *int64
		}{{"al.family_id", &familyID}, {"al.person_id", &personID}, {"al.staff_id", &staffID}} {
			s, err := db.RawString(ctx, `SELECT CAST(`+dst.col+` AS TEXT) FROM allocations al JOIN families f ON f.id = al.family_id
				WHERE al.ended_at IS NULL AND f.stage = 'postnatal' ORDER BY al.id LIMIT 1`)
			if err != nil {
				t.Fatal(err)
			}
			*dst.v, _ = strconv.ParseInt(s, 10, 64)
		}
		staff, err := db.StaffByID(ctx, staffID)
		if err != nil {
			t.Fatal(err)
		}
		if ok, _, err := credential.Verify(staff.PasswordHash, synth.Password); !ok || err != nil || staff.TOTPSecret != synth.TOTPSecret() || staff.MustChangePassword {
			t.Errorf("%s cannot sign in with the published details", staff.Email)
		}
		if !strings.HasSuffix(staff.Email, "@"+synth.EmailDomain) || staff.Role != "practitioner" {
			t.Errorf("allocated to %s (%s)", staff.Email, staff.Role)
		}
		f, err := db.ReadFamily(ctx, staff.Actor(), familyID)
		if err != nil {
			t.Fatalf("ReadFamily as %s: %v", staff.Email, err)
		}
		var own family.Person
		for _, p := range f.People {
			if p.ID == personID {
				own = p
			} else if p.Kind == family.Parent && p.Confidential != nil {
				t.Errorf("the other parent's details were opened for their co-parent's practitioner")
			}
		}
		if own.Confidential == nil || own.Confidential.Address == "" || own.GivenName == "" || !strings.HasPrefix(f.Reference, "FAM-") {
			t.Fatalf("own parent %+v in family %s", own, f.Reference)
		}
		if _, err := db.ReadPerson(ctx, staff.Actor(), personID); err != nil {
			t.Errorf("ReadPerson: %v", err)
		}
		seededChildRisks(t, db)

		// Match keys were written: the parent is found by name and phone.
		id := match.Identity{GivenName: own.GivenName, FamilyName: own.FamilyName, Phone: own.Confidential.Phone, DateOfBirth: own.DateOfBirth}
		found, err := db.FindPossibleMatches(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		hit := false
		for _, m := range found {
			hit = hit || m.PersonID == personID
		}
		if !hit {
			t.Errorf("seeded parent %s %s not found among %d possible matches", own.GivenName, own.FamilyName, len(found))
		}

		// Live records still get fresh ids and references.
		area, err := db.RawString(ctx, `SELECT name FROM areas ORDER BY id LIMIT 1`)
		if err != nil {
			t.Fatal(err)
		}
		err = db.Update(ctx, func(tx *store.Tx) error {
			fid, _, err := tx.CreateFamily(store.NewFamily{AreaName: area, Stage: family.Assessment, AcceptedOn: seedDay})
			if err != nil {
				return err
			}
			if _, err := tx.AddPerson(fid, family.Person{Kind: family.Parent, ParentSlot: 1, GivenName: "Live", FamilyName: "Parent"}); err != nil {
				return err
			}
			_, _, err = tx.CreateReferral(store.NewReferral{Referral: referral.Referral{Source: referral.Self}, AreaName: area})
			return err
		})
		if err != nil {
			t.Errorf("a live family or referral after seeding: %v", err)
		}
	})
}

func TestSeedSyntheticRefusesAndAdds(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		if _, err := db.SeedSynthetic(ctx, generator(t, 12, 5, synth.Counts{}), store.SeedOptions{PasswordParams: storetest.PasswordParams}); err != nil {
			t.Fatal(err)
		}
		st, _ := db.SyntheticState(ctx)
		before := count(t, db, `FROM audit_log`)

		// Seeded already: only with force.
		_, err := db.SeedSynthetic(ctx, generator(t, 12, 5, *st.Marker), store.SeedOptions{PasswordParams: storetest.PasswordParams})
		if problem.CodeOf(err) != problem.Conflict || !strings.Contains(err.Error(), "already holds synthetic data") {
			t.Fatalf("second run without force: %v", err)
		}
		if after := count(t, db, `FROM audit_log`); after != before {
			t.Errorf("a refused run wrote %d audit entries", after-before)
		}
		// A run planned against old counts is refused, not interleaved.
		if _, err := db.SeedSynthetic(ctx, generator(t, 12, 5, synth.Counts{}), store.SeedOptions{Force: true, PasswordParams: storetest.PasswordParams}); problem.CodeOf(err) != problem.Conflict {
			t.Errorf("stale plan: %v", err)
		}

		// An interrupted run keeps what it committed, and the marker says so.
		stop, cancel := context.WithCancel(ctx)
		_, err = db.SeedSynthetic(stop, generator(t, 30, 6, *st.Marker), store.SeedOptions{Force: true, Batch: 12,
			Progress: func(done, total int) { cancel() }})
		cancel()
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("interrupted run: %v", err)
		}
		st, _ = db.SyntheticState(ctx)
		if st.Marker.Families != 24 || len(st.Marker.Runs) != 2 || count(t, db, `FROM families`) != 24 {
			t.Fatalf("after an interrupted run: marker %+v, %d families", st.Marker, count(t, db, `FROM families`))
		}
		res, err := db.SeedSynthetic(ctx, generator(t, 10, 5, *st.Marker), store.SeedOptions{Force: true, PasswordParams: storetest.PasswordParams})
		if err != nil {
			t.Fatal(err)
		}
		if res.Counts.Families != 34 || res.Counts.Areas != 3 || count(t, db, `FROM families`) != 34 || count(t, db, `FROM staff WHERE email = $1`, synth.Email("team_manager", 3)) != 1 {
			t.Errorf("after adding: %+v", res.Counts)
		}
		if n := count(t, db, `FROM (SELECT reference FROM families GROUP BY reference HAVING COUNT(*) > 1) d`); n != 0 {
			t.Errorf("%d family references used twice", n)
		}
		if _, err := db.VerifyAudit(ctx); err != nil {
			t.Errorf("audit after three runs: %v", err)
		}
	})
}

func TestSeedSyntheticNeverTouchesOtherData(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		err := db.Update(ctx, func(tx *store.Tx) error {
			if _, err := tx.CreateArea("Blackpool", "", false); err != nil {
				return err
			}
			_, err := tx.CreateStaff(org.NewStaff{Email: "real@example.org", Name: "Real Person", Role: "dsl", AreaName: "Blackpool"}, store.StaffSecrets{PasswordHash: "x", TOTPSecret: "x"})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		before := count(t, db, `FROM audit_log`)
		for _, force := range []bool{false, true} {
			_, err := db.SeedSynthetic(ctx, generator(t, 10, 1, synth.Counts{}), store.SeedOptions{Force: force, PasswordParams: storetest.PasswordParams})
			if problem.CodeOf(err) != problem.Conflict || !strings.Contains(err.Error(), "not synthetic") {
				t.Errorf("force %t: %v", force, err)
			}
		}
		if count(t, db, `FROM audit_log`) != before || count(t, db, `FROM families`) != 0 || count(t, db, `FROM settings WHERE key = $1`, store.SettingSynthetic) != 0 {
			t.Error("a refused run changed the database")
		}
		// The demonstration data is not synthetic data either.
		if err := db.Update(ctx, func(tx *store.Tx) error { return tx.SetSetting(store.SettingDemo, "2026-05-11") }); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SeedSynthetic(ctx, generator(t, 10, 1, synth.Counts{}), store.SeedOptions{Force: true, PasswordParams: storetest.PasswordParams}); problem.CodeOf(err) != problem.Conflict ||
			!strings.Contains(err.Error(), "demonstration data") {
			t.Errorf("demo database: %v", err)
		}
	})
	if err := (store.SyntheticState{}).CheckSeed(false); err != nil {
		t.Errorf("empty database: %v", err)
	}
}

// seededChildRisks checks that a seeded family's assessments of risk to the
// children read back on its page as the generator made them, opened, for
// one of its practitioners: the family with the most of them, one about the
// baby alone among them if any family has that.
func seededChildRisks(t *testing.T, db *store.DB) {
	t.Helper()
	g := generator(t, 200, 1, synth.Counts{})
	var fams []synth.Family
	for b := g.Next(1000); len(b.Families) > 0; b = g.Next(1000) {
		fams = append(fams, b.Families...)
	}
	best, score := -1, 0
	for i, f := range fams {
		n := 2 * len(f.ChildRisks)
		for _, c := range f.ChildRisks {
			if c.Child == synth.Baby {
				n++
				break
			}
		}
		if n > score {
			best, score = i, n
		}
	}
	if best < 0 {
		t.Fatal("no seeded family has an assessment of risk to the children")
	}
	f := fams[best]
	// Families are written in the generator's order, their people too.
	familyID, err := strconv.ParseInt(mustString(t, db, `SELECT CAST(id AS TEXT) FROM families ORDER BY id LIMIT 1 OFFSET `+strconv.Itoa(best)), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	staffID, err := strconv.ParseInt(mustString(t, db, `SELECT CAST(staff_id AS TEXT) FROM allocations WHERE family_id = $1 AND ended_at IS NULL ORDER BY id LIMIT 1`, familyID), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	prac, err := db.StaffByID(ctx, staffID)
	if err != nil {
		t.Fatal(err)
	}
	page, err := db.ReadFamilyPage(ctx, prac.Actor(), familyID, 5)
	if err != nil {
		t.Fatalf("ReadFamilyPage as %s: %v", prac.Email, err)
	}
	var personIDs []int64
	for _, p := range page.Family.People {
		personIDs = append(personIDs, p.ID)
	}
	slices.Sort(personIDs)
	if len(personIDs) != len(f.People) {
		t.Fatalf("family %d: %d people on its page, %d generated", familyID, len(personIDs), len(f.People))
	}
	if len(page.ChildRisks) != len(f.ChildRisks) || len(page.RemovedChildRisks) != 0 {
		t.Fatalf("family %d: %d assessments of risk to the children (%d removed), want %d", familyID, len(page.ChildRisks), len(page.RemovedChildRisks), len(f.ChildRisks))
	}
	for i, got := range page.ChildRisks {
		want := f.ChildRisks[len(f.ChildRisks)-1-i] // the latest first
		child := store.AllChildren
		if want.Child >= 0 {
			child = personIDs[want.Child]
		}
		if got.Concerns != want.Concerns || got.Plan != want.Plan || got.Level != want.Level || got.ChildID != child ||
			got.AssessedOn.Format(time.DateOnly) != want.On.Format(time.DateOnly) || got.By != g.Staff()[want.Staff].Name {
			t.Errorf("family %d: assessment %d reads %+v, want %+v about person %d by %s", familyID, i, got, want, child, g.Staff()[want.Staff].Name)
		}
		if (got.About == "") != (got.ChildID == store.AllChildren) {
			t.Errorf("family %d: assessment %d about person %d is about %q", familyID, i, got.ChildID, got.About)
		}
	}
	if !page.Risk.ChildLevel.Valid() {
		t.Errorf("family %d: no current level of risk to the children on its page (%+v)", familyID, page.Risk)
	}
}

func mustString(t *testing.T, db *store.DB, q string, args ...any) string {
	t.Helper()
	s, err := db.RawString(ctx, q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return s
}
