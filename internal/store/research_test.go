package store_test

import (
	"bytes"
	"encoding/csv"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/audit"
	"github.com/cradle-org/cradle/internal/casework"
	"github.com/cradle-org/cradle/internal/family"
	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/research"
	"github.com/cradle-org/cradle/internal/store"
	"github.com/cradle-org/cradle/internal/store/storetest"
)

func TestResearchExtract(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := makeFamily(t, db)
		day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
		var baby int64
		if err := db.Update(ctx, func(tx *store.Tx) error {
			var err error
			baby, err = tx.AddPerson(fx.familyID, family.Person{Kind: family.Baby, GivenName: "Robin", FamilyName: "Rivers", DateOfBirth: day(2027, 2, 1)})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		// DERS-16 answers as the measures page keeps them (with an alert
		// message, which is text and must not be exported): question n
		// scores 1 + n%5, so the clarity subscale (1, 2) is 5.
		ders := `{"answers":{"1":2,"2":3,"3":4,"4":5,"5":1,"6":2,"7":3,"8":4,"9":5,"10":1,"11":2,"12":3,"13":4,"14":5,"15":1,"16":2},"alerts":["CANARY-ALERT"]}`
		asq := `{"domains":{"communication":40,"gross_motor":45,"fine_motor":50,"problem_solving":55,"personal_social":60},` +
			`"areas":[{"Key":"communication","Label":"Communication","Score":40,"Status":"monitor","Text":"CANARY-AREA-TEXT"},{"Key":"gross_motor","Status":"clear"}],"interval":6}`
		type saved struct {
			m       store.MeasureResult
			subject family.Kind
		}
		var ids []int64
		for _, s := range []saved{
			{store.MeasureResult{PersonID: fx.parent1, Instrument: "phq9", Timepoint: "baseline", TakenOn: day(2026, 10, 1), Raw: 12, Score: 12, Band: "moderate", Detail: "CANARY-ANSWERS"}, family.Parent},
			{store.MeasureResult{PersonID: fx.parent1, Instrument: "ders16", Timepoint: "baseline", TakenOn: day(2026, 10, 3), Raw: 47, Score: 47, Detail: ders}, family.Parent},
			{store.MeasureResult{PersonID: fx.parent1, Instrument: "phq9", Timepoint: "m6", TakenOn: day(2027, 8, 1), Raw: 6, Score: 6, Band: "mild"}, family.Parent},
			// Entered in error, and removed below: left out of the extract.
			{store.MeasureResult{PersonID: fx.parent2, Instrument: "gad7", Timepoint: "baseline", TakenOn: day(2026, 10, 2), Raw: 21, Score: 21, Band: "severe"}, family.Parent},
			{store.MeasureResult{PersonID: baby, Instrument: "asq3", Timepoint: "m6", TakenOn: day(2027, 8, 3), NoScore: true, Band: "Monitor", AgeMonths: 6, Detail: asq}, family.Baby},
		} {
			by := fx.prac1.Actor()
			if s.m.PersonID == fx.parent2 {
				by = fx.prac2.Actor()
			}
			id, err := db.SaveMeasure(ctx, by, s.m, s.subject)
			if err != nil {
				t.Fatalf("%s: %v", s.m.Instrument, err)
			}
			ids = append(ids, id)
		}
		if err := db.RemoveMeasure(ctx, fx.prac2.Actor(), fx.parent2, ids[3], "CANARY-REMOVED typed against the wrong parent"); err != nil {
			t.Fatal(err)
		}
		if err := db.RawExec(ctx, `INSERT INTO case_sessions (family_id, person_id, staff_id, held_on, mode, attendance, kind, created_at, updated_at, module)
			VALUES ($1, $2, $3, $4, 'home', 'attended', 'session', $6, $6, 'self_esteem'), ($1, $2, $3, $5, 'home', 'did_not_attend', 'session', $6, $6, ''),
			($1, $2, $3, $5, 'home', 'cancelled_by_practitioner', 'session', $6, $6, '')`,
			fx.familyID, fx.parent1, fx.prac1.ID, day(2026, 9, 20), day(2027, 1, 5), time.Now().UTC()); err != nil {
			t.Fatal(err)
		}
		if err := db.RawExec(ctx, `INSERT INTO safeguarding_status_history (family_id, status, from_date, created_at) VALUES ($1, 'child_protection_plan', $2, $4), ($1, 'child_in_need', $3, $4)`,
			fx.familyID, day(2026, 9, 1), day(2027, 3, 1), time.Now().UTC()); err != nil {
			t.Fatal(err)
		}
		// Alex leaves the programme, rejoins, and leaves again (Sam carries
		// on): at the 6-month timepoint Alex was not taking part, for the
		// second reason. The notes are free text and are never read out.
		if err := db.RawExec(ctx, `UPDATE families SET accepted_on = $1 WHERE id = $2`, day(2026, 9, 1), fx.familyID); err != nil {
			t.Fatal(err)
		}
		sctx := audit.WithSource(ctx, audit.Source{Actor: "test"})
		if err := db.LeaveProgramme(sctx, fx.prac1.Actor(), casework.Departure{PersonID: fx.parent1, Reason: "moved_out_of_area",
			Note: "CANARY-LEFT-NOTE Moved to her sister's in Leeds", LeftOn: day(2026, 11, 16)}); err != nil {
			t.Fatal(err)
		}
		if err := db.RejoinProgramme(sctx, fx.prac1.Actor(), fx.parent1, day(2026, 11, 20)); err != nil {
			t.Fatal(err)
		}
		if err := db.LeaveProgramme(sctx, fx.prac1.Actor(), casework.Departure{PersonID: fx.parent1, Reason: "other",
			Note: "CANARY-LEFT-AGAIN Started a new job", LeftOn: day(2026, 11, 25)}); err != nil {
			t.Fatal(err)
		}
		extracts := func() []string {
			t.Helper()
			es, err := db.AuditEntries(ctx, store.AuditFilter{Actions: []string{"research.extract"}})
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, e := range es {
				out = append(out, e.Actor+": "+e.Detail)
			}
			return out
		}

		for _, who := range []policy.Actor{fx.mgr.Actor(), fx.prac1.Actor(), {StaffID: 9, Role: policy.Analyst}, {}} {
			_, _, err := db.ResearchExtract(ctx, who, "KCL evaluation", nil)
			var pe *problem.Error
			if !errors.As(err, &pe) || pe.Code != problem.Forbidden {
				t.Errorf("%s: err = %v, want forbidden", who.Role, err)
			}
		}
		if got := extracts(); len(got) != 0 {
			t.Errorf("refused extracts audited as done: %q", got)
		}
		admin := policy.Actor{StaffID: 99, Role: policy.Admin}
		actx := audit.WithSource(ctx, audit.Source{ActorID: 99, Actor: "admin@example.org"})
		var calls, last, lastTotal int
		key, data, err := db.ResearchExtract(actx, admin, "KCL evaluation", func(done, total int) { calls, last, lastTotal = calls+1, done, total })
		if err != nil {
			t.Fatal(err)
		}
		if len(key) != 32 || len(data.Records) != 4 || calls == 0 || last != lastTotal || lastTotal != 4 {
			t.Fatalf("key %d bytes, %d records, %d progress calls ending %d of %d", len(key), len(data.Records), calls, last, lastTotal)
		}
		// Producing the extract wrote its audit entry, with the project and who.
		if got := extracts(); len(got) != 1 || got[0] != "admin@example.org: project KCL evaluation" {
			t.Errorf("research.extract entries = %q", got)
		}
		for _, r := range data.Records {
			if r.PersonID == fx.parent2 {
				t.Errorf("a result entered in error was read: %+v", r)
			}
		}
		if s := data.Sessions[fx.parent1]; len(s) != 2 || !s[0].Attended && !s[1].Attended ||
			!slices.ContainsFunc(s, func(s research.Session) bool { return s.Attended && s.Module == "self_esteem" }) {
			t.Errorf("sessions = %+v, want 2 offered (not the practitioner's cancellation), the one attended on self-esteem", s)
		}
		if d := data.Departures[fx.parent1]; len(d) != 2 || d[0].Reason != "moved_out_of_area" || !d[0].LeftOn.Equal(day(2026, 11, 16)) || !d[0].RejoinedOn.Equal(day(2026, 11, 20)) ||
			d[1].Reason != "other" || !d[1].LeftOn.Equal(day(2026, 11, 25)) || !d[1].RejoinedOn.IsZero() {
			t.Errorf("departures = %+v", d)
		}
		if d := data.Departures[fx.parent2]; len(d) != 0 {
			t.Errorf("the parent who carried on has departures %+v", d)
		}
		if s := data.Statuses[fx.familyID]; len(s) != 2 || s[0].Status != "child_protection_plan" || s[1].Status != "child_in_need" {
			t.Errorf("statuses = %+v", s)
		}

		// The key is kept: a second extract pseudonymises the same way, and
		// is audited again.
		key2, _, err := db.ResearchExtract(actx, admin, "KCL evaluation", nil)
		if err != nil || !bytes.Equal(key, key2) {
			t.Fatalf("second key differs: %v", err)
		}
		if got := extracts(); len(got) != 2 {
			t.Errorf("research.extract entries after two extracts = %q", got)
		}
		if es, err := db.AuditEntries(ctx, store.AuditFilter{Actions: []string{"research.key_created"}}); err != nil || len(es) != 1 {
			t.Errorf("research.key_created entries = %d, %v; want 1", len(es), err)
		}
		if n, err := db.VerifyAudit(ctx); err != nil || n == 0 {
			t.Errorf("audit chain: %d, %v", n, err)
		}

		rows, err := research.Build(key, "KCL evaluation", research.Months, data)
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		if err := research.WriteCSV(&out, rows); err != nil {
			t.Fatal(err)
		}
		text := out.String()
		// No date of leaving or rejoining either, even as a month.
		for _, leak := range []string{"Alex", "Rivers", "Robin", "CANARY", "Leeds", "2026-10-01", "2027-02-01", "FAM-", "2026-11"} {
			if strings.Contains(text, leak) {
				t.Errorf("extract contains %q:\n%s", leak, text)
			}
		}
		recs, err := csv.NewReader(strings.NewReader(text)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		// One row per person per timepoint: parent 1 at baseline and 6
		// months, the baby at 6 months; parent 2's only result was removed.
		if len(recs) != 4 {
			t.Fatalf("extract has %d rows, want a header and 3:\n%s", len(recs), text)
		}
		get := func(role, tp string) map[string]string {
			t.Helper()
			for _, r := range recs[1:] {
				m := map[string]string{}
				for i, v := range r {
					m[recs[0][i]] = v
				}
				if m["role"] == role && m["timepoint"] == tp {
					return m
				}
			}
			t.Fatalf("no %s row at %s:\n%s", role, tp, text)
			return nil
		}
		for _, c := range []struct {
			role, tp string
			want     map[string]string
		}{
			{"parent", "baseline", map[string]string{
				"experience": "experiences", "area": "Blackpool", "measured_on": "2026-10", "baby_age_months": "",
				"safeguarding_status": "child_protection_plan", "sessions_attended": "1", "sessions_offered": "1",
				"taking_part": "yes", "left_reason": "",
				"phq9_taken_on": "2026-10", "phq9_score": "12", "phq9_band": "moderate",
				"ders16_taken_on": "2026-10", "ders16_score": "47", "ders16_clarity": "5", "ders16_strategies": "13",
				"gad7_score": "",
			}},
			{"parent", "m6", map[string]string{
				"measured_on": "2027-08", "baby_age_months": "6", "safeguarding_status": "child_in_need",
				"sessions_attended": "1", "sessions_offered": "2", "taking_part": "no", "left_reason": "other", "phq9_score": "6", "phq9_band": "mild", "ders16_score": "",
			}},
			{"baby", "m6", map[string]string{
				"experience": "", "baby_age_months": "6", "safeguarding_status": "child_in_need", "sessions_offered": "",
				"taking_part": "", "left_reason": "",
				"asq3_taken_on": "2027-08", "asq3_band": "Monitor", "asq3_interval": "6",
				"asq3_communication": "40", "asq3_communication_zone": "monitor", "asq3_gross_motor_zone": "clear",
				"asq3_personal_social": "60", "asq3_personal_social_zone": "",
			}},
		} {
			row := get(c.role, c.tp)
			for k, v := range c.want {
				if got, ok := row[k]; !ok || got != v {
					t.Errorf("%s at %s: %s = %q, want %q", c.role, c.tp, k, got, v)
				}
			}
		}
	})
}
