package store_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/audit"
	"github.com/cradle-org/cradle/internal/org"
	"github.com/cradle-org/cradle/internal/safeguarding"
	"github.com/cradle-org/cradle/internal/store"
	"github.com/cradle-org/cradle/internal/store/storetest"
)

// concernMail queues a concern's alerts of one kind as the web's notifier
// does: linked to the concern, its link in the text.
func concernMail(kind string) store.Notifier {
	return func(tx *store.Tx, to []string, id int64) error {
		for _, addr := range to {
			if err := tx.QueueConcernMail(id, kind, addr, "A concern", "Open it: https://cradle.example/concerns/"+strconv.FormatInt(id, 10)); err != nil {
				return err
			}
		}
		return nil
	}
}

// TestConcernAlertsOnItsPage: a concern's record says how many leads were
// alerted in Cradle, how its emails went (the raise's and the overdue
// reminders'), and when someone alerted first opened it. (Erasing a family
// deletes them: TestRetentionErasure.)
func TestConcernAlertsOnItsPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := makeFamily(t, db)
		dsl := seedStaff(t, db, "dsl1@example.org", "dsl", "Blackpool")
		seedStaff(t, db, "dsl2@example.org", "dsl", "Blackpool")
		no := false
		id, err := db.RaiseConcern(ctx, fx.prac1.Actor(), store.NewConcern{FamilyID: fx.familyID, PersonID: fx.parent1,
			Concern: safeguarding.Concern{About: "worry", AtRisk: safeguarding.AtRiskParent, ImmediateDanger: &no},
			Due:     time.Now().Add(-3 * time.Hour)}, concernMail("concern_alert"))
		if err != nil {
			t.Fatal(err)
		}
		read := func(who org.Staff) store.ConcernAlerts {
			t.Helper()
			c, err := db.ReadConcern(ctx, who.Actor(), id)
			if err != nil {
				t.Fatal(err)
			}
			return c.Alerts
		}
		a := read(fx.prac1)
		if a.Leads != 2 || a.Reminders != 0 || !a.FirstSeen.IsZero() || len(a.Messages) != 2 {
			t.Fatalf("as raised: %+v", a)
		}
		for _, m := range a.Messages {
			if m.Kind != "concern_alert" || m.Status != "pending" || m.Attempts != 0 {
				t.Errorf("as raised, a message: %+v", m)
			}
		}
		items, err := db.ClaimMail(ctx, time.Now().Add(time.Minute), 10, time.Minute, nil)
		if err != nil || len(items) != 2 {
			t.Fatalf("claimed %d messages (%v)", len(items), err)
		}
		now := time.Now().UTC().Truncate(time.Second)
		if err := db.MarkMailSent(ctx, items[0].ID, now); err != nil {
			t.Fatal(err)
		}
		if err := db.MarkMailFailed(ctx, items[1].ID, now, "550 no such user", now, true); err != nil {
			t.Fatal(err)
		}
		a = read(fx.prac1)
		if a.Messages[0].Status != "sent" || !a.Messages[0].SentAt.Equal(now) || a.Messages[1].Status != "failed" || a.Messages[1].LastError != "550 no such user" {
			t.Errorf("after sending: %+v", a.Messages)
		}
		if !a.FirstSeen.IsZero() {
			t.Errorf("opened by whoever raised it, who was not alerted: first seen %v", a.FirstSeen)
		}
		// A lead opens it.
		if a = read(dsl); a.FirstSeen.IsZero() {
			t.Error("a lead opened it: not recorded as seen")
		}
		// Its decision is overdue: the leads and the area's manager are reminded.
		if n, err := db.EscalateOverdue(ctx, time.Hour, concernMail("concern_overdue")); err != nil || n != 1 {
			t.Fatalf("escalated %d (%v)", n, err)
		}
		a = read(fx.prac1)
		if a.Leads != 2 || a.Reminders != 3 || len(a.Messages) != 5 || a.Messages[2].Kind != "concern_overdue" || a.Messages[4].Kind != "concern_overdue" {
			t.Errorf("after the reminder: %d leads, %d reminders, messages %+v", a.Leads, a.Reminders, a.Messages)
		}
	})
}

// TestConcernWithNoLeadAlertsTheAreasManagers: with no DSL account active,
// a concern alerts the team managers of its area (in Cradle and by email)
// rather than no one; its record counts them apart from leads.
func TestConcernWithNoLeadAlertsTheAreasManagers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := makeFamily(t, db)
		seedStaff(t, db, "away@example.org", "team_manager", "Hertfordshire")
		no := false
		id, err := db.RaiseConcern(ctx, fx.prac1.Actor(), store.NewConcern{FamilyID: fx.familyID, PersonID: fx.parent1,
			Concern: safeguarding.Concern{About: "worry", AtRisk: safeguarding.AtRiskParent, ImmediateDanger: &no},
			Due:     time.Now().Add(time.Hour)}, concernMail("concern_alert"))
		if err != nil {
			t.Fatal(err)
		}
		c, err := db.ReadConcern(ctx, fx.mgr.Actor(), id)
		if err != nil {
			t.Fatal(err)
		}
		if a := c.Alerts; a.Leads != 0 || a.Managers != 1 || len(a.Messages) != 1 || a.FirstSeen.IsZero() {
			t.Errorf("alerts %+v: want the area's one manager alerted, by email too, and (having opened it) seen", a)
		}
	})
}

// TestMigration35LinksConcernMail: alerts queued before migration 35 named
// their concern only by the link in their text, and overdue reminders were
// queued as alerts too. Its SQL tells the reminders apart by subject; its
// step links the messages it can open, leaves the rest, changes nothing
// when run again, and fails when no text opens (the wrong keys).
func TestMigration35LinksConcernMail(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		sctx := audit.WithSource(ctx, audit.Source{Actor: "test"})
		fx := makeFamily(t, db)
		seedStaff(t, db, "dsl1@example.org", "dsl", "Blackpool")
		no := false
		old := func(subject string) store.Notifier {
			return func(tx *store.Tx, to []string, id int64) error {
				for _, addr := range to {
					if err := tx.QueueMail("concern_alert", addr, subject, "Open it: https://cradle.example/concerns/"+strconv.FormatInt(id, 10), nil); err != nil {
						return err
					}
				}
				return nil
			}
		}
		id, err := db.RaiseConcern(ctx, fx.prac1.Actor(), store.NewConcern{FamilyID: fx.familyID, PersonID: fx.parent1,
			Concern: safeguarding.Concern{About: "worry", AtRisk: safeguarding.AtRiskParent, ImmediateDanger: &no},
			Due:     time.Now().Add(-3 * time.Hour)}, old("A safeguarding concern needs a decision"))
		if err != nil {
			t.Fatal(err)
		}
		if n, err := db.EscalateOverdue(ctx, time.Hour, old("Overdue: a safeguarding concern still needs a decision")); err != nil || n != 1 {
			t.Fatalf("escalated %d (%v)", n, err)
		}
		if err := db.Update(sctx, func(tx *store.Tx) error {
			if err := tx.QueueMail("concern_alert", "dsl1@example.org", "A concern", "Open it: https://cradle.example/concerns/999999", nil); err != nil {
				return err
			}
			return tx.QueueMail("break_glass", "m@example.org", "Break-glass", "See https://cradle.example/concerns/"+strconv.FormatInt(id, 10), nil)
		}); err != nil {
			t.Fatal(err)
		}
		messages := func() []store.Message {
			t.Helper()
			c, err := db.ReadConcern(ctx, fx.prac1.Actor(), id)
			if err != nil {
				t.Fatal(err)
			}
			return c.Alerts.Messages
		}
		if m := messages(); len(m) != 0 {
			t.Fatalf("before the step: %d messages linked", len(m))
		}
		// The migration's statement that tells reminders apart, as it is in
		// the migration.
		runMigrationStatements(t, db, 35, "SET kind = 'concern_overdue'")
		for range 2 {
			if err := db.LinkConcernMail(ctx); err != nil {
				t.Fatal(err)
			}
			// The raise's alert to the DSL; the reminder to the DSL and the manager.
			if m := messages(); len(m) != 3 || m[0].Kind != "concern_alert" || m[1].Kind != "concern_overdue" || m[2].Kind != "concern_overdue" {
				t.Errorf("after the step: %+v, want the alert and two reminders", m)
			}
		}
		if n, err := db.RawString(ctx, `SELECT CAST(COUNT(*) AS TEXT) FROM outbox WHERE concern_id IS NULL`); err != nil || n != "2" {
			t.Errorf("%s messages unlinked, want the alert about no concern and the other kind (%v)", n, err)
		}
		// Texts that open with no key (each moved to another message's row):
		// the step refuses rather than leave every alert unlinked unsaid.
		if err := db.RawExec(ctx, `UPDATE outbox SET concern_id = NULL, body_sealed = (SELECT o.body_sealed FROM outbox o WHERE o.kind = 'break_glass')
			WHERE kind <> 'break_glass'`); err != nil {
			t.Fatal(err)
		}
		if err := db.LinkConcernMail(ctx); err == nil || !strings.Contains(err.Error(), "opens with this database's keys") {
			t.Errorf("no text opened, and the step said %v", err)
		}
	})
}
