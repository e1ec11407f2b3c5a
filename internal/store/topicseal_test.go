package store_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/audit"
	"github.com/cradle-org/cradle/internal/casework"
	"github.com/cradle-org/cradle/internal/sharing"
	"github.com/cradle-org/cradle/internal/store"
	"github.com/cradle-org/cradle/internal/store/storetest"
)

// rawIs fails the test unless the query reads want.
func rawIs(t *testing.T, db *store.DB, want, q string, args ...any) {
	t.Helper()
	if got, err := db.RawString(ctx, q, args...); err != nil || got != want {
		t.Errorf("%s = %q, %v; want %q", q, got, err, want)
	}
}

// rawSealed fails the test unless the query reads a sealed value that
// does not hold plain.
func rawSealed(t *testing.T, db *store.DB, plain, q string, args ...any) {
	t.Helper()
	got, err := db.RawString(ctx, q, args...)
	if err != nil || !strings.HasPrefix(got, "v1.") || strings.Contains(got, plain) {
		t.Errorf("%s = %q, %v; want a sealed value", q, got, err)
	}
}

// noneInClear fails the test if any column of any table holds one of
// texts as it was written.
func noneInClear(t *testing.T, db *store.DB, texts ...string) {
	t.Helper()
	if err := db.EveryValueAsText(ctx, func(column, value string) {
		for _, x := range texts {
			if strings.Contains(value, x) {
				t.Errorf("%s holds %q in clear", column, x)
			}
		}
	}); err != nil {
		t.Fatal(err)
	}
}

// TestTopicsAndRecipientsSealed: a session's topic, each earlier version's
// and a disclosure's recipient are stored sealed to their row, never in
// clear (a refuge's name typed into one is not in a copy of the database);
// they read back for those who may see them, and are withheld as before
// from the other parent's practitioner.
func TestTopicsAndRecipientsSealed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := makeFamily(t, db)
		sctx := audit.WithSource(ctx, audit.Source{Actor: "test"})
		today := db.Now().UTC().Truncate(24 * time.Hour)
		prac1, prac2 := fx.prac1.Actor(), fx.prac2.Actor()
		const (
			was       = "CANARY-TOPIC-WAS Seaview Refuge"
			now       = "CANARY-TOPIC-NOW Seaview Refuge"
			recipient = "CANARY-RECIPIENT Seaview Refuge"
			open      = "CANARY-TOPIC-OPEN Routines"
		)
		s := casework.Session{PersonID: fx.parent1, HeldOn: today, Minutes: 50, Mode: "home", Attendance: "attended", Topic: was,
			Notes: "Talked it through.", Confidential: true}
		sid, err := db.RecordSession(sctx, prac1, s, nil)
		if err != nil {
			t.Fatal(err)
		}
		s.Topic = now
		if err := db.CorrectSession(sctx, prac1, store.SessionCorrection{PersonID: fx.parent1, SessionID: sid, Version: 1, Session: s, Why: "Worded better"}, nil); err != nil {
			t.Fatal(err)
		}
		plain, err := db.RecordSession(sctx, prac1, casework.Session{PersonID: fx.parent1, HeldOn: today, Minutes: 30, Mode: "home", Attendance: "attended",
			Topic: open, Notes: "Bedtime."}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.RecordShare(sctx, prac1, fx.familyID, sharing.Share{PersonID: fx.parent1, SharedOn: today, Recipient: recipient, What: "Where Alex is staying",
			Why: "Housing", Method: "phone", LawfulBasis: "art9_2h", Consent: "given"}); err != nil {
			t.Fatal(err)
		}

		// As stored: the clear columns empty, the sealed ones sealed.
		rawIs(t, db, "", `SELECT topic FROM case_sessions WHERE id = $1`, sid)
		rawSealed(t, db, now, `SELECT topic_sealed FROM case_sessions WHERE id = $1`, sid)
		rawIs(t, db, "", `SELECT topic FROM case_sessions WHERE id = $1`, plain)
		rawSealed(t, db, open, `SELECT topic_sealed FROM case_sessions WHERE id = $1`, plain)
		rawIs(t, db, "", `SELECT topic FROM case_session_history WHERE session_id = $1`, sid)
		rawSealed(t, db, was, `SELECT topic_sealed FROM case_session_history WHERE session_id = $1`, sid)
		rawIs(t, db, "", `SELECT recipient FROM information_sharing WHERE family_id = $1`, fx.familyID)
		rawSealed(t, db, recipient, `SELECT recipient_sealed FROM information_sharing WHERE family_id = $1`, fx.familyID)
		noneInClear(t, db, was, now, recipient, open)

		// Read back by those who may see them.
		rec, err := db.ReadSession(sctx, prac1, fx.parent1, sid)
		if err != nil || rec.Session.Topic != now || len(rec.History) != 1 || rec.History[0].Topic != was {
			t.Fatalf("Alex's practitioner reads the topic %q and its history %+v (%v)", rec.Session.Topic, rec.History, err)
		}
		person, err := db.ReadPerson(sctx, prac1, fx.parent1)
		if err != nil {
			t.Fatal(err)
		}
		topics := map[int64]string{}
		for _, x := range person.Sessions {
			topics[x.ID] = x.Topic
		}
		if topics[sid] != now || topics[plain] != open {
			t.Errorf("Alex's page reads the topics %v", topics)
		}
		f, err := db.ReadFamily(sctx, prac1, fx.familyID)
		if err != nil {
			t.Fatal(err)
		}
		if shares, err := db.FamilyShares(sctx, prac1, f); err != nil || len(shares) != 1 || shares[0].Recipient != recipient || shares[0].Withheld {
			t.Errorf("Alex's practitioner reads the shares %+v (%v)", shares, err)
		}

		// Withheld from Sam's practitioner, as before: the confidential
		// session's topic and its history's, with whom what was shared
		// about Alex; the topic of a session not marked confidential is read.
		co, err := db.ReadSession(sctx, prac2, fx.parent1, sid)
		if err != nil || !co.Session.Withheld || co.Session.Topic != "" || len(co.History) != 1 || co.History[0].Topic != "" {
			t.Errorf("Sam's practitioner reads the confidential topic %q and its history %+v (%v)", co.Session.Topic, co.History, err)
		}
		if co, err := db.ReadSession(sctx, prac2, fx.parent1, plain); err != nil || co.Session.Topic != open {
			t.Errorf("Sam's practitioner reads the topic of a session not marked confidential as %q (%v)", co.Session.Topic, err)
		}
		f2, err := db.ReadFamily(sctx, prac2, fx.familyID)
		if err != nil {
			t.Fatal(err)
		}
		if shares, err := db.FamilyShares(sctx, prac2, f2); err != nil || len(shares) != 1 || shares[0].Recipient != "" || !shares[0].Withheld {
			t.Errorf("Sam's practitioner reads the shares %+v (%v)", shares, err)
		}

		// A topic is bound to its row: copied to another session's, it
		// does not open there.
		if err := db.RawExec(ctx, `UPDATE case_sessions SET topic_sealed = (SELECT topic_sealed FROM case_sessions WHERE id = $1) WHERE id = $2`, sid, plain); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ReadSession(sctx, prac1, fx.parent1, plain); !errors.Is(err, store.ErrAltered) {
			t.Errorf("a topic copied from another session's row: %v, want it refused as altered", err)
		}
	})
}

// asAtSchema56 puts a session's topic, its earlier version's and a
// disclosure's recipient back as they were before migration 57 (in clear,
// no sealed columns) and forgets the migration, so the next Migrate runs
// it as an upgrade would.
func asAtSchema56(t *testing.T, db *store.DB, session int64, familyID int64, topic, earlier, recipient string) {
	t.Helper()
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`UPDATE case_sessions SET topic = $1, topic_sealed = '' WHERE id = $2`, []any{topic, session}},
		{`UPDATE case_session_history SET topic = $1, topic_sealed = '' WHERE session_id = $2`, []any{earlier, session}},
		{`UPDATE information_sharing SET recipient = $1, recipient_sealed = '' WHERE family_id = $2`, []any{recipient, familyID}},
		{`ALTER TABLE case_sessions DROP COLUMN topic_sealed`, nil},
		{`ALTER TABLE case_session_history DROP COLUMN topic_sealed`, nil},
		{`ALTER TABLE information_sharing DROP COLUMN recipient_sealed`, nil},
		{`DELETE FROM schema_migrations WHERE version = 57`, nil},
	} {
		if err := db.RawExec(ctx, q.sql, q.args...); err != nil {
			t.Fatalf("%s: %v", q.sql, err)
		}
	}
}

// TestMigration57SealsTopicsAndRecipients: an upgrade seals the topics and
// recipients an older version stored in clear, bound to their rows, and
// empties the clear columns; every value reads back as it was, and a topic
// left blank stays blank. An upgrade started with another deployment's
// keys is refused, changing nothing, rather than seal them where the right
// keys could not open them.
func TestMigration57SealsTopicsAndRecipients(t *testing.T) {
	eachBackend(t, func(t *testing.T, b storetest.Backend) {
		ring1, _, _, _ := rings(t)
		db := storetest.OpenWith(t, b, store.Options{Keys: ring1})
		fx := makeFamily(t, db)
		sctx := audit.WithSource(ctx, audit.Source{Actor: "test"})
		today := db.Now().UTC().Truncate(24 * time.Hour)
		prac1 := fx.prac1.Actor()
		s := casework.Session{PersonID: fx.parent1, HeldOn: today, Minutes: 50, Mode: "home", Attendance: "attended", Topic: "Routines",
			Notes: "Talked it through."}
		sid, err := db.RecordSession(sctx, prac1, s, nil)
		if err != nil {
			t.Fatal(err)
		}
		s.Topic = "Routines and sleep"
		if err := db.CorrectSession(sctx, prac1, store.SessionCorrection{PersonID: fx.parent1, SessionID: sid, Version: 1, Session: s, Why: "Worded better"}, nil); err != nil {
			t.Fatal(err)
		}
		blank, err := db.RecordSession(sctx, prac1, casework.Session{PersonID: fx.parent1, HeldOn: today, Minutes: 30, Mode: "home", Attendance: "attended",
			Notes: "No topic."}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.RecordShare(sctx, prac1, fx.familyID, sharing.Share{PersonID: fx.parent1, SharedOn: today, Recipient: "GP", What: "Where Alex is staying",
			Why: "Housing", Method: "phone", LawfulBasis: "art9_2h", Consent: "given"}); err != nil {
			t.Fatal(err)
		}
		const (
			topic     = "CANARY-OLD-TOPIC Seaview Refuge"
			earlier   = "CANARY-OLD-EARLIER-TOPIC"
			recipient = "CANARY-OLD-RECIPIENT Seaview Refuge"
		)
		asAtSchema56(t, db, sid, fx.familyID, topic, earlier, recipient)
		sealedCols := []string{"case_sessions.topic_sealed", "case_session_history.topic_sealed", "information_sharing.recipient_sealed"}

		// An upgrade with another deployment's keys changes nothing.
		other, err := store.Open(ctx, store.Options{URL: b.URL, Keys: ringOf(t, "k1", map[string][]byte{"k1": randKey()})})
		if err != nil {
			t.Fatal(err)
		}
		_, err = other.Migrate(ctx)
		if cerr := other.Close(); cerr != nil {
			t.Fatal(cerr)
		}
		if err == nil || !strings.Contains(err.Error(), "key file") {
			t.Fatalf("upgrading with other keys: %v; want a refusal naming the key file", err)
		}
		if cols, err := db.SchemaColumns(ctx); err != nil || slices.ContainsFunc(sealedCols, func(c string) bool { return slices.Contains(cols, c) }) {
			t.Fatalf("after the refused upgrade a sealed column is there (%v)", err)
		}
		rawIs(t, db, topic, `SELECT topic FROM case_sessions WHERE id = $1`, sid)
		rawIs(t, db, recipient, `SELECT recipient FROM information_sharing WHERE family_id = $1`, fx.familyID)

		// The upgrade with the right keys.
		if n, err := db.Migrate(ctx); err != nil || n != 1 {
			t.Fatalf("upgrading from 56: %d applied, %v", n, err)
		}
		cols, err := db.SchemaColumns(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range sealedCols {
			if !slices.Contains(cols, c) {
				t.Errorf("after the upgrade %s is missing", c)
			}
		}
		for _, q := range []string{`SELECT CAST(COUNT(*) AS TEXT) FROM case_sessions WHERE topic <> ''`,
			`SELECT CAST(COUNT(*) AS TEXT) FROM case_session_history WHERE topic <> ''`,
			`SELECT CAST(COUNT(*) AS TEXT) FROM information_sharing WHERE recipient <> ''`} {
			rawIs(t, db, "0", q)
		}
		rawSealed(t, db, topic, `SELECT topic_sealed FROM case_sessions WHERE id = $1`, sid)
		rawSealed(t, db, earlier, `SELECT topic_sealed FROM case_session_history WHERE session_id = $1`, sid)
		rawSealed(t, db, recipient, `SELECT recipient_sealed FROM information_sharing WHERE family_id = $1`, fx.familyID)
		rawIs(t, db, "", `SELECT topic_sealed FROM case_sessions WHERE id = $1`, blank)
		noneInClear(t, db, topic, earlier, recipient)

		// Every value reads back as it was, opened in its row.
		rec, err := db.ReadSession(sctx, prac1, fx.parent1, sid)
		if err != nil || rec.Session.Topic != topic || len(rec.History) != 1 || rec.History[0].Topic != earlier {
			t.Fatalf("after the upgrade the topic reads %q and its history %+v (%v)", rec.Session.Topic, rec.History, err)
		}
		if rec, err := db.ReadSession(sctx, prac1, fx.parent1, blank); err != nil || rec.Session.Topic != "" {
			t.Errorf("after the upgrade a blank topic reads %q (%v)", rec.Session.Topic, err)
		}
		f, err := db.ReadFamily(sctx, prac1, fx.familyID)
		if err != nil {
			t.Fatal(err)
		}
		if shares, err := db.FamilyShares(sctx, prac1, f); err != nil || len(shares) != 1 || shares[0].Recipient != recipient {
			t.Errorf("after the upgrade the shares read %+v (%v)", shares, err)
		}
		if n, err := db.Migrate(ctx); err != nil || n != 0 {
			t.Errorf("Migrate again: %d applied, %v", n, err)
		}
	})
}
