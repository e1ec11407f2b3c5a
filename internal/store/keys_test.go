package store_test

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/audit"
	"github.com/cradle-org/cradle/internal/casework"
	"github.com/cradle-org/cradle/internal/family"
	"github.com/cradle-org/cradle/internal/match"
	"github.com/cradle-org/cradle/internal/org"
	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/referral"
	"github.com/cradle-org/cradle/internal/retention"
	"github.com/cradle-org/cradle/internal/risk"
	"github.com/cradle-org/cradle/internal/safeguarding"
	"github.com/cradle-org/cradle/internal/seal"
	"github.com/cradle-org/cradle/internal/sharing"
	"github.com/cradle-org/cradle/internal/store"
	"github.com/cradle-org/cradle/internal/store/storetest"
)

// TestSealedColumnsMatchSchema: every column named *_sealed in the migrated
// schema is in store.SealedColumns, and every listed column exists with the
// primary key it is paged by; so a new sealed column cannot be left out of
// key rotation and key status.
func TestSealedColumnsMatchSchema(t *testing.T) {
	listed := map[string]store.SealedColumn{}
	contexts := map[string]bool{}
	for _, c := range store.SealedColumns() {
		if _, dup := listed[c.Name()]; dup {
			t.Errorf("%s is listed twice", c.Name())
		}
		listed[c.Name()] = c
		if contexts[c.Context] {
			t.Errorf("context %s is used by two columns: a value copied between them would open", c.Context)
		}
		contexts[c.Context] = true
	}
	// The migration files themselves: every *_sealed name in them is a listed column.
	sealedName := regexp.MustCompile(`\b[a-z_]+_sealed\b`)
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		ms, err := store.Migrations(d)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ms {
			for _, name := range sealedName.FindAllString(m.SQL, -1) {
				if !slices.ContainsFunc(store.SealedColumns(), func(c store.SealedColumn) bool { return c.Column == name }) {
					t.Errorf("%s migration %s has a column %s that store.SealedColumns does not list", d, m.Name, name)
				}
			}
		}
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		cols, err := db.SchemaColumns(ctx)
		if err != nil {
			t.Fatal(err)
		}
		have := map[string]bool{}
		for _, tc := range cols {
			have[tc] = true
			if strings.HasSuffix(tc, "_sealed") {
				if _, ok := listed[tc]; !ok {
					t.Errorf("sealed column %s is not in store.SealedColumns: key rotation would leave it under the old key", tc)
				}
			}
		}
		for name, c := range listed {
			if !have[name] {
				t.Errorf("store.SealedColumns lists %s, which the schema lacks", name)
			}
			pk, err := db.PrimaryKey(ctx, c.Table)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(pk, c.Key) {
				t.Errorf("%s: listed key %v, primary key %v", name, c.Key, pk)
			}
		}
	})
}

// planted is a database with a canary in every sealed column, written
// through the store's own methods.
type planted struct {
	fx       fixture
	dsl      org.Staff
	canaries []string // every confidential text written, each unique
	phone    string   // parent 1's phone, email and NHS number (blind-indexed)
	email    string
	nhs      string
	subEmail string // a mailing-list subscriber (blind-indexed)
}

// plantCanaries writes a unique canary into every confidential field the
// store seals, through its own methods (as the web handlers do), and checks
// that every column in store.SealedColumns then holds a value.
func plantCanaries(t *testing.T, db *store.DB) planted {
	t.Helper()
	var p planted
	var tag [4]byte
	rand.Read(tag[:])
	n := 0
	canary := func(what string) string {
		n++
		c := fmt.Sprintf("CANARY-%x-%02d-%s", tag, n, what)
		p.canaries = append(p.canaries, c)
		return c
	}
	sctx := audit.WithSource(ctx, audit.Source{Actor: "test"})
	now := time.Now().UTC()
	// Staff: the TOTP secret is sealed (a canary in base32's alphabet).
	totp := "CANARYTOTP" + strings.ToUpper(hex.EncodeToString(tag[:]))
	p.canaries = append(p.canaries, totp)
	err := db.Update(sctx, func(tx *store.Tx) error {
		if _, err := tx.CreateArea("Blackpool", "Blackpool Council", false); err != nil {
			return err
		}
		var err error
		p.dsl, err = tx.CreateStaff(org.NewStaff{Email: "dsl@example.org", Name: "Test DSL", Role: "dsl", AreaName: "Blackpool"},
			store.StaffSecrets{PasswordHash: canary("hash"), TOTPSecret: totp})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	p.fx = makeFamily(t, db)
	fx := p.fx
	prac, mgr := fx.prac1.Actor(), fx.mgr.Actor()
	p.phone, p.email, p.nhs = "07700 900 48"+string(rune('0'+tag[0]%10)), "canary"+hex.EncodeToString(tag[:])+"@example.org", "9434765919"
	p.canaries = append(p.canaries, p.email, p.nhs)
	// Parent 1's contact details: every people.*_sealed column.
	f, err := db.ReadFamily(ctx, prac, fx.familyID)
	if err != nil {
		t.Fatal(err)
	}
	version := 0
	for _, x := range f.People {
		if x.ID == fx.parent1 {
			version = x.Version
		}
	}
	if err := db.UpdateContact(sctx, prac, fx.parent1, store.ContactUpdate{Version: version, Details: family.Confidential{
		Address: canary("address"), Postcode: "FY1 9ZZ", Phone: p.phone, Email: p.email, SafeContact: canary("code-word")}}); err != nil {
		t.Fatal(err)
	}
	// NHS number and postcode through AddPerson (UpdateContact keeps the NHS number).
	err = db.Update(sctx, func(tx *store.Tx) error {
		_, err := tx.AddPerson(fx.familyID, family.Person{Kind: family.Child, GivenName: "Kit", FamilyName: "Rivers",
			Confidential: &family.Confidential{Postcode: canary("postcode"), Phone: canary("child-phone"), Email: canary("child-email"),
				SafeContact: canary("child-safe"), NHSNumber: p.nhs}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.RecordSession(sctx, prac, casework.Session{PersonID: fx.parent1, HeldOn: now, Minutes: 50, Mode: "home", Attendance: "attended",
		Topic: canary("session-topic"), Notes: canary("session-notes"), Confidential: true}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := db.RecordSession(sctx, prac, casework.Session{PersonID: fx.parent1, HeldOn: now, Mode: "home", Attendance: "did_not_attend",
		Reason: canary("session-reason")}, nil); err != nil {
		t.Fatal(err)
	}
	// A session corrected, and one removed as entered in error: their
	// earlier versions and the reasons are in case_session_history.
	was := casework.Session{PersonID: fx.parent1, HeldOn: now, Mode: "phone", Attendance: "did_not_attend", Reason: canary("history-reason"),
		Notes: canary("history-notes"), Topic: canary("history-topic")}
	corrected, err := db.RecordSession(sctx, prac, was, nil)
	if err != nil {
		t.Fatal(err)
	}
	was.Reason = "Phone off"
	if err := db.CorrectSession(sctx, prac, store.SessionCorrection{PersonID: fx.parent1, SessionID: corrected, Version: 1, Session: was,
		Why: canary("correction-why")}, nil); err != nil {
		t.Fatal(err)
	}
	removed, err := db.RecordSession(sctx, prac, casework.Session{PersonID: fx.parent1, HeldOn: now, Minutes: 30, Mode: "home", Attendance: "attended",
		Notes: canary("removed-notes")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.RemoveSession(sctx, prac, fx.parent1, removed, 1, canary("removal-why")); err != nil {
		t.Fatal(err)
	}
	if _, err := db.RecordVIG(sctx, prac, casework.VIGCycle{PersonID: fx.parent1, Phase: "antenatal", FilmedOn: now, Strengths: canary("vig"), Confidential: true}); err != nil {
		t.Fatal(err)
	}
	if err := db.PauseSessions(sctx, prac, casework.Pause{PersonID: fx.parent1, Reason: "health", Note: canary("pause"), StartedOn: now}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.BookAppointment(sctx, prac, casework.Appointment{PersonID: fx.parent1, On: now.AddDate(0, 0, 2), At: "10:00", Mode: "office", Place: canary("appointment")}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddReminder(sctx, prac, casework.Reminder{PersonID: fx.parent1, What: canary("reminder"), DueOn: now.AddDate(0, 0, 3)}); err != nil {
		t.Fatal(err)
	}
	// Two documents: one kept (its title and its file), one removed as
	// added in error (why; its file is erased).
	for _, what := range []string{"document", "document-removed"} {
		id, err := db.AddDocument(sctx, prac, casework.Document{PersonID: fx.parent1, Title: canary(what + "-title"),
			Content: []byte("%PDF-1.4\n% " + canary(what+"-file") + "\n%%EOF\n")})
		if err != nil {
			t.Fatal(err)
		}
		if what == "document-removed" {
			if err := db.RemoveDocument(sctx, prac, fx.parent1, id, canary("document-removal")); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := db.LeaveProgramme(sctx, prac, casework.Departure{PersonID: fx.parent1, Reason: "other", Note: canary("departure"), LeftOn: now}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SaveRiskAssessment(sctx, prac, fx.parent1, 0, 0, risk.Assessment{Answers: map[int]risk.Answer{1: risk.Yes},
		Context: map[int]string{1: canary("dash-context")}, ParentView: canary("dash-view")}, false, db.RiskSettings()); err != nil {
		t.Fatal(err)
	}
	if err := db.RecordIncident(sctx, prac, store.Incident{PersonID: fx.parent1, OccurredOn: now, ReportedBy: canary("incident-reporter"), Details: canary("incident")}); err != nil {
		t.Fatal(err)
	}
	if err := db.RecordMARAC(sctx, prac, fx.parent1, store.MARACReferral{ReferredOn: now, Area: "Blackpool", Actions: canary("marac-actions")}); err != nil {
		t.Fatal(err)
	}
	if err := db.RecordChange(sctx, prac, fx.parent1, risk.Change{Kind: "other", On: now, Note: canary("change-note")}); err != nil {
		t.Fatal(err)
	}
	// An incident and a change removed as entered in error: why, sealed.
	if err := db.RecordIncident(sctx, prac, store.Incident{PersonID: fx.parent1, OccurredOn: now, ReportedBy: "Police", Details: "To remove"}); err != nil {
		t.Fatal(err)
	}
	if err := db.RecordChange(sctx, prac, fx.parent1, risk.Change{Kind: "other", On: now, Note: "To remove"}); err != nil {
		t.Fatal(err)
	}
	rec, err := db.ReadPerson(sctx, prac, fx.parent1)
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range rec.Incidents {
		if in.Details == "To remove" {
			if err := db.RemoveIncident(sctx, prac, fx.parent1, in.ID, canary("incident-removal")); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, c := range rec.Changes {
		if c.Note == "To remove" {
			if err := db.RemoveChange(sctx, prac, fx.parent1, c.ID, canary("change-removal")); err != nil {
				t.Fatal(err)
			}
		}
	}
	// A VIG cycle and a consent removed as entered in error: why, sealed.
	if _, err := db.RecordVIG(sctx, prac, casework.VIGCycle{PersonID: fx.parent1, Phase: "postnatal", FilmedOn: now, Strengths: "To remove"}); err != nil {
		t.Fatal(err)
	}
	if err := db.RecordConsent(sctx, prac, fx.parent1, sharing.Consent{Scope: "To remove", GivenOn: now}); err != nil {
		t.Fatal(err)
	}
	if rec, err = db.ReadPerson(sctx, prac, fx.parent1); err != nil {
		t.Fatal(err)
	}
	for _, v := range rec.VIG {
		if v.Strengths == "To remove" {
			if err := db.RemoveVIG(sctx, prac, fx.parent1, v.ID, canary("vig-removal")); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, c := range rec.Consents {
		if c.Scope == "To remove" {
			if err := db.RemoveConsent(sctx, prac, fx.parent1, c.ID, canary("consent-removal")); err != nil {
				t.Fatal(err)
			}
		}
	}
	review := now.AddDate(0, 0, 14)
	if err := db.SaveSafetyPlan(sctx, prac, fx.parent1, 0, store.SafetyPlanSections{CodeWords: canary("safety-code-words")}, review, ""); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveSafetyPlan(sctx, prac, fx.parent1, 1, store.SafetyPlanSections{EscapePlan: canary("safety-escape")}, review, canary("safety-changes")); err != nil {
		t.Fatal(err)
	}
	if err := db.RecordChildRisk(sctx, prac, fx.familyID, 0, risk.ChildRisk{Level: risk.Medium, Concerns: canary("child-concerns"), Plan: canary("child-plan")}); err != nil {
		t.Fatal(err)
	}
	no := false
	concern, err := db.RaiseConcern(sctx, prac, store.NewConcern{FamilyID: fx.familyID, PersonID: fx.parent1,
		Concern: safeguarding.Concern{About: canary("concern"), AtRisk: safeguarding.AtRiskParent, ImmediateDanger: &no}, Due: now.Add(time.Hour)}, concernMail("concern_alert"))
	if err != nil {
		t.Fatal(err)
	}
	dslActor := p.dsl.Actor()
	if err := db.DecideConcern(sctx, dslActor, concern, safeguarding.DecisionInput{Decision: safeguarding.Advice, Reasons: canary("concern-reasons"),
		Actions: []safeguarding.Action{{What: canary("concern-action"), OwnerID: fx.prac1.ID, Due: now.AddDate(0, 0, 7)}}}, nil); err != nil {
		t.Fatal(err)
	}
	if err := db.CloseConcern(sctx, dslActor, concern, canary("concern-outcome")); err != nil {
		t.Fatal(err)
	}
	mid, err := db.SaveMeasure(sctx, prac, store.MeasureResult{PersonID: fx.parent1, Instrument: "phq9", Timepoint: "baseline", TakenOn: now,
		Raw: 3, Score: 3, Band: "Minimal", Detail: canary("measure-answers")}, family.Parent)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.RemoveMeasure(sctx, prac, fx.parent1, mid, canary("measure-removed")); err != nil {
		t.Fatal(err)
	}
	// A professional removed as added in error: why, sealed.
	if err := db.AddProfessional(sctx, prac, fx.familyID, sharing.Professional{Name: "To remove", Organisation: "Surgery", OrganisationKind: "gp",
		Phone: "01632 960 002"}); err != nil {
		t.Fatal(err)
	}
	if page, err := db.ReadFamilyPage(sctx, prac, fx.familyID, 0); err != nil {
		t.Fatal(err)
	} else {
		for _, pr := range page.Team {
			if pr.Name == "To remove" {
				if err := db.RemoveProfessional(sctx, prac, fx.familyID, pr.ID, canary("professional-removal")); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	profEmail := "canary-prof-" + hex.EncodeToString(tag[:]) + "@example.org"
	p.canaries = append(p.canaries, profEmail)
	if err := db.AddProfessional(sctx, prac, fx.familyID, sharing.Professional{Name: "Dr Who", Role: "GP", Organisation: "Surgery",
		OrganisationKind: "gp", Phone: "01632 960 001", Email: profEmail}); err != nil {
		t.Fatal(err)
	}
	if err := db.RecordMeeting(sctx, prac, fx.familyID, sharing.Meeting{Kind: "team_around_baby", HeldOn: now, Attendees: canary("attendees"),
		Decisions: canary("decisions"), StatusAfter: "none", Actions: []sharing.Action{{What: canary("meeting-action"), OwnerID: fx.prac1.ID, Due: now.AddDate(0, 0, 7)}}}); err != nil {
		t.Fatal(err)
	}
	// A meeting removed as entered in error: why, sealed.
	if err := db.RecordMeeting(sctx, prac, fx.familyID, sharing.Meeting{Kind: "core_group", HeldOn: now, Attendees: "To remove", StatusAfter: "none"}); err != nil {
		t.Fatal(err)
	}
	page, err := db.ReadFamilyPage(sctx, prac, fx.familyID, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range page.Meetings {
		if m.Attendees == "To remove" {
			if err := db.RemoveMeeting(sctx, prac, fx.familyID, m.ID, canary("meeting-removal")); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := db.RecordShare(sctx, prac, fx.familyID, sharing.Share{PersonID: fx.parent1, SharedOn: now, Recipient: canary("share-recipient"), What: canary("share-what"),
		Why: canary("share-why"), Method: "phone", LawfulBasis: "art9_2h", Consent: "not_sought", ConsentReason: canary("share-consent-reason")}); err != nil {
		t.Fatal(err)
	}
	// A disclosure removed as entered in error: why, sealed.
	if err := db.RecordShare(sctx, prac, fx.familyID, sharing.Share{SharedOn: now, Recipient: "To remove", What: "Logged twice", Why: "Logged twice",
		Method: "phone", LawfulBasis: "art9_2h", Consent: "given"}); err != nil {
		t.Fatal(err)
	}
	if page, err = db.ReadFamilyPage(sctx, prac, fx.familyID, 0); err != nil {
		t.Fatal(err)
	}
	for _, sh := range page.Shares {
		if sh.Recipient == "To remove" {
			if err := db.RemoveShare(sctx, prac, fx.familyID, sh.ID, canary("share-removal")); err != nil {
				t.Fatal(err)
			}
		}
	}
	// A MARAC referral removed as entered in error: why, sealed.
	if err := db.RecordMARAC(sctx, prac, fx.parent1, store.MARACReferral{ReferredOn: now, Area: "To remove"}); err != nil {
		t.Fatal(err)
	}
	if rec, err := db.ReadPersonParts(sctx, prac, fx.parent1, store.PersonMARAC, ""); err != nil {
		t.Fatal(err)
	} else {
		for _, m := range rec.MARACReferrals {
			if m.Area == "To remove" {
				if err := db.RemoveMARAC(sctx, prac, fx.parent1, m.ID, canary("marac-removal")); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	// An assessment of risk to the children removed as entered in error:
	// why, sealed.
	if err := db.RecordChildRisk(sctx, prac, fx.familyID, 0, risk.ChildRisk{Level: risk.High, Concerns: "To remove", Plan: "Recorded twice"}); err != nil {
		t.Fatal(err)
	}
	if page, err = db.ReadFamilyPage(sctx, prac, fx.familyID, 0); err != nil {
		t.Fatal(err)
	}
	for _, c := range page.ChildRisks {
		if c.Concerns == "To remove" {
			if err := db.RemoveChildRisk(sctx, prac, fx.familyID, c.ID, canary("child-risk-removal")); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := db.RecordConsent(sctx, prac, fx.parent1, sharing.Consent{Scope: canary("consent-scope"), GivenOn: now}); err != nil {
		t.Fatal(err)
	}
	p.subEmail = "canary-sub-" + hex.EncodeToString(tag[:]) + "@example.org"
	p.canaries = append(p.canaries, p.subEmail)
	err = db.Update(sctx, func(tx *store.Tx) error {
		if _, _, err := tx.CreateReferral(store.NewReferral{Referral: referral.Referral{Source: referral.Self, AbuseKnown: canary("referral-abuse"),
			AnythingElse: canary("referral-else")}, AreaName: "Blackpool"}); err != nil {
			return err
		}
		if err := tx.SaveDraft("draft-token-hash", referral.Referral{Source: referral.Self, AnythingElse: canary("draft")}); err != nil {
			return err
		}
		if _, _, err := tx.Subscribe(p.subEmail, canary("subscriber-name"), "confirm-hash", now.Add(time.Hour)); err != nil {
			return err
		}
		tx.Audit("test.mail", "", 0, 0, "")
		return tx.QueueMail("test", canary("recipient")+"@example.org", "A subject with no personal data", canary("mail-body"), nil)
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.ResearchExtract(sctx, policy.Actor{StaffID: 99, Role: policy.Admin}, "Evaluation", nil); err != nil {
		t.Fatal(err)
	}
	// Closing last: a closed case takes no more casework.
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	if err := db.CloseFamily(sctx, mgr, fx.familyID, casework.Closure{Reason: "planned_end", ClosedOn: today,
		Summaries: map[int64]string{fx.parent1: canary("closing-1"), fx.parent2: canary("closing-2")}}); err != nil {
		t.Fatal(err)
	}
	// The child has no date of birth, so the record needs a retention
	// decision at once: keep it, with a reason.
	if err := db.KeepRecord(sctx, mgr, retention.DefaultSchedule(), store.FamilyRef(fx.familyID), today.AddDate(0, 0, 30), canary("retention-reason")); err != nil {
		t.Fatal(err)
	}
	// Likewise a referral withdrawn with no decision date recorded.
	var withdrawn int64
	if err := db.Update(sctx, func(tx *store.Tx) error {
		var err error
		withdrawn, _, err = tx.CreateReferral(store.NewReferral{Referral: referral.Referral{Source: referral.Self, AnythingElse: canary("referral-withdrawn")}, AreaName: "Blackpool"})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if err := db.RawExec(ctx, `UPDATE referrals SET status = 'withdrawn' WHERE id = $1`, withdrawn); err != nil {
		t.Fatal(err)
	}
	if err := db.KeepRecord(sctx, mgr, retention.DefaultSchedule(), store.ReferralRef(withdrawn), today.AddDate(0, 0, 30), canary("referral-retention-reason")); err != nil {
		t.Fatal(err)
	}
	usage, err := db.KeyUsage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range usage {
		if len(u.ByKey) == 0 {
			t.Errorf("%s holds no sealed value: plantCanaries must write one through the store", u.Column)
		}
	}
	return p
}

// keySource stands in for the key file: a ring the test replaces, and how
// often it was read.
type keySource struct {
	mu    sync.Mutex
	ring  *seal.Keyring
	reads int
}

func (s *keySource) load() (*seal.Keyring, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reads++
	return s.ring, nil
}

func (s *keySource) set(k *seal.Keyring) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ring = k
}

func (s *keySource) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reads
}

func randKey() []byte {
	k := make([]byte, seal.KeySize)
	rand.Read(k)
	return k
}

func ringOf(t *testing.T, current string, keys map[string][]byte) *seal.Keyring {
	t.Helper()
	k, err := seal.NewKeyring(current, keys)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// rings returns a first ring (k1) and its rotation (k1 and k2, k2 current),
// with the raw keys so a test can build a ring of k2 alone.
func rings(t *testing.T) (ring1, ring2 *seal.Keyring, k1, k2 []byte) {
	k1, k2 = randKey(), randKey()
	return ringOf(t, "k1", map[string][]byte{"k1": k1}), ringOf(t, "k2", map[string][]byte{"k1": k1, "k2": k2}), k1, k2
}

func eachBackend(t *testing.T, fn func(t *testing.T, b storetest.Backend)) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) { fn(t, b) })
	}
}

// sealedValuesAnywhere counts the values in any column of any table that
// begin with prefix.
func sealedValuesAnywhere(t *testing.T, db *store.DB, prefix string) int64 {
	t.Helper()
	var n int64
	if err := db.EveryValueAsText(ctx, func(_, v string) {
		if strings.HasPrefix(v, prefix) {
			n++
		}
	}); err != nil {
		t.Fatal(err)
	}
	return n
}

func countAudit(t *testing.T, db *store.DB, action string) int {
	t.Helper()
	es, err := db.AuditEntries(ctx, store.AuditFilter{Actions: []string{action}, Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	return len(es)
}

// TestRotateKeysReEncryptsEverything plants a canary in every sealed
// column, rotates to a new key in small batches, and checks that nothing is
// left under the old key, every value opens to what it was, the family and
// person pages read the same, blind-index look-ups still find people, each
// batch was audited, and a second run does nothing.
func TestRotateKeysReEncryptsEverything(t *testing.T) {
	eachBackend(t, func(t *testing.T, b storetest.Backend) {
		ring1, ring2, _, k2 := rings(t)
		src := &keySource{ring: ring1}
		db := storetest.OpenWith(t, b, store.Options{Keys: ring1, KeySource: src.load})
		p := plantCanaries(t, db)
		before, err := db.OpenAll(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var want int64
		for _, v := range before {
			if v != "" {
				want++
			}
		}
		// Every sealed value anywhere in the database (found by reading every
		// column of every table) is one the list of sealed columns reaches.
		if raw := sealedValuesAnywhere(t, db, "v1.k1."); raw != want {
			t.Errorf("%d values under k1 in the database, %d in the listed sealed columns: a sealed column is missing from store.SealedColumns", raw, want)
		}
		personBefore, err := db.ReadPerson(ctx, p.fx.prac1.Actor(), p.fx.parent1)
		if err != nil {
			t.Fatal(err)
		}
		familyBefore, err := db.ReadFamily(ctx, p.fx.mgr.Actor(), p.fx.familyID)
		if err != nil {
			t.Fatal(err)
		}

		src.set(ring2)
		if err := db.ReloadKeys(); err != nil || db.Keys().CurrentID() != "k2" {
			t.Fatalf("ReloadKeys: %v (current %s)", err, db.Keys().CurrentID())
		}
		var progress []store.RotateProgress
		sctx := audit.WithSource(ctx, audit.Source{Actor: "system:test"})
		res, err := db.RotateKeys(sctx, store.RotateOptions{BatchSize: 2, Progress: func(p store.RotateProgress) { progress = append(progress, p) }})
		if err != nil {
			t.Fatal(err)
		}
		if res.KeyID != "k2" || res.Rotated != want || res.Remaining != 0 || res.Failed != 0 || res.Changed != 0 {
			t.Fatalf("RotateKeys = %+v; want %d rotated under k2, none left", res, want)
		}
		if len(progress) == 0 || progress[len(progress)-1].Done != want || progress[0].Total != want {
			t.Errorf("progress = %+v", progress)
		}
		usage, err := db.KeyUsage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range usage {
			if u.ByKey["k1"] != 0 || u.ByKey["k2"] == 0 || len(u.ByKey) != 1 || u.Malformed != 0 {
				t.Errorf("%s after rotation: %+v; want everything under k2", u.Column, u)
			}
		}
		if raw := sealedValuesAnywhere(t, db, "v1.k1."); raw != 0 {
			t.Errorf("%d values anywhere in the database are still under k1", raw)
		}
		after, err := db.OpenAll(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(before, after) {
			t.Errorf("values changed in rotation:\nbefore %v\nafter  %v", before, after)
		}
		personAfter, err := db.ReadPerson(ctx, p.fx.prac1.Actor(), p.fx.parent1)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(personBefore, personAfter) {
			t.Errorf("person record changed in rotation:\nbefore %+v\nafter  %+v", personBefore, personAfter)
		}
		if c := personAfter.Person.Confidential; c == nil || !strings.Contains(c.Address, "-address") || c.Email != p.email {
			t.Errorf("person record after rotation lacks the canaries: %+v", c)
		}
		familyAfter, err := db.ReadFamily(ctx, p.fx.mgr.Actor(), p.fx.familyID)
		if err != nil || !reflect.DeepEqual(familyBefore, familyAfter) {
			t.Errorf("family changed in rotation (%v):\nbefore %+v\nafter  %+v", err, familyBefore, familyAfter)
		}
		// Nothing needs k1 to be opened any more (only the blind indexes use it).
		only2 := storetest.OpenWith(t, b, store.Options{Keys: ringOf(t, "k2", map[string][]byte{"k2": k2})})
		if got, err := only2.OpenAll(ctx); err != nil || !reflect.DeepEqual(before, got) {
			t.Errorf("opening with k2 alone: %v", err)
		}
		// Blind indexes derive from k1, which stays: look-ups still match.
		for _, id := range []match.Identity{{Phone: p.phone}, {Email: p.email}} {
			ms, err := db.FindPossibleMatches(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.ContainsFunc(ms, func(m store.PossibleMatch) bool { return m.PersonID == p.fx.parent1 || m.FamilyID == p.fx.familyID }) {
				t.Errorf("look-up by %+v after rotation found %d people, not the parent", id, len(ms))
			}
		}
		err = db.Update(sctx, func(tx *store.Tx) error {
			id, confirmed, err := tx.Subscribe(p.subEmail, "Again", "hash-2", time.Now().Add(time.Hour))
			if err == nil && (id == 0 || confirmed) {
				t.Errorf("subscribing the same address again: id %d confirmed %v", id, confirmed)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if n, _ := db.RawString(ctx, `SELECT CAST(COUNT(*) AS TEXT) FROM mailing_list`); n != "1" {
			t.Errorf("the mailing list's blind index missed the existing address: %s rows", n)
		}
		// Each batch was audited, and the chain holds.
		if n := countAudit(t, db, "keys.rotate"); n < len(store.SealedColumns()) {
			t.Errorf("%d keys.rotate audit entries, want one per batch (at least one per column)", n)
		}
		es, _ := db.AuditEntries(ctx, store.AuditFilter{Actions: []string{"keys.rotate"}, Limit: 1})
		if len(es) != 1 || !strings.Contains(es[0].Detail, "values re-encrypted under k2") || es[0].Actor != "system:test" {
			t.Errorf("audit entry = %+v", es)
		}
		if _, err := db.VerifyAudit(ctx); err != nil {
			t.Fatal(err)
		}
		// Re-running is a no-op: nothing read back, nothing written, nothing audited.
		entries := countAudit(t, db, "keys.rotate")
		again, err := db.RotateKeys(sctx, store.RotateOptions{})
		if err != nil || again.Rotated != 0 || again.Remaining != 0 || again.Changed != 0 || countAudit(t, db, "keys.rotate") != entries {
			t.Errorf("second RotateKeys = %+v, %v; want nothing done", again, err)
		}
	})
}

// TestRotateKeysKeepsConcurrentEdits: a parent's address edited between the
// rotation reading it and writing it back, by a server that has not yet
// loaded the new key, is kept, and re-encrypted by the rotation's next pass.
func TestRotateKeysKeepsConcurrentEdits(t *testing.T) {
	eachBackend(t, func(t *testing.T, b storetest.Backend) {
		ring1, ring2, _, _ := rings(t)
		src := &keySource{ring: ring1}
		db := storetest.OpenWith(t, b, store.Options{Keys: ring1, KeySource: src.load})
		server := storetest.OpenWith(t, b, store.Options{Keys: ring1}) // no key source: stays on k1
		fx := makeFamily(t, db)
		src.set(ring2)
		if err := db.ReloadKeys(); err != nil {
			t.Fatal(err)
		}
		sctx := audit.WithSource(ctx, audit.Source{Actor: "test"})
		edits := 0
		opt := store.WithAfterRead(store.RotateOptions{BatchSize: 1}, func(c store.SealedColumn) {
			if c.Name() != "people.address_sealed" || edits > 0 {
				return
			}
			edits++
			f, err := server.ReadFamily(ctx, fx.prac1.Actor(), fx.familyID)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range f.People {
				if p.ID == fx.parent1 {
					if err := server.UpdateContact(sctx, fx.prac1.Actor(), p.ID, store.ContactUpdate{Version: p.Version,
						Details: family.Confidential{Address: "EDITED during rotation", Phone: "07700 900 555"}}); err != nil {
						t.Fatal(err)
					}
				}
			}
		})
		res, err := db.RotateKeys(sctx, opt)
		if err != nil {
			t.Fatal(err)
		}
		if edits != 1 || res.Changed != 1 || res.Remaining != 0 || res.Failed != 0 {
			t.Fatalf("RotateKeys = %+v (edits %d); want 1 changed meanwhile, none left", res, edits)
		}
		rec, err := db.ReadPerson(ctx, fx.prac1.Actor(), fx.parent1)
		if err != nil {
			t.Fatal(err)
		}
		if c := rec.Person.Confidential; c == nil || c.Address != "EDITED during rotation" || c.Phone != "07700 900 555" {
			t.Fatalf("the edit made during rotation was lost: %+v", c)
		}
		raw, _ := db.RawString(ctx, `SELECT address_sealed FROM people WHERE id = $1`, fx.parent1)
		if !strings.HasPrefix(raw, "v1.k2.") {
			t.Errorf("the edited address (sealed under k1 by the old server) was not re-encrypted: %.8s…", raw)
		}
		es, _ := db.AuditEntries(ctx, store.AuditFilter{Actions: []string{"keys.rotate"}, Limit: 500})
		if !slices.ContainsFunc(es, func(e audit.Entry) bool { return strings.Contains(e.Detail, "1 changed meanwhile and left as edited") }) {
			t.Errorf("no audit entry says a value changed meanwhile")
		}
	})
}

// TestServerReadsAndSealsUnderANewKey: a server opened with the old key
// file's ring reads values sealed under a key added to the file after it
// started, and then seals under that key.
func TestServerReadsAndSealsUnderANewKey(t *testing.T) {
	eachBackend(t, func(t *testing.T, b storetest.Backend) {
		path := storetest.TempPath(t, "cradle.key")
		ring1, _, err := seal.LoadOrCreateFile(path)
		if err != nil {
			t.Fatal(err)
		}
		server := storetest.OpenWith(t, b, store.Options{Keys: ring1, KeySource: func() (*seal.Keyring, error) { return seal.LoadFile(path) }})
		fx := makeFamily(t, server) // seals, so the periodic check has just read the file
		ring2, id, err := seal.AddKeyToFile(path)
		if err != nil || id != "k2" {
			t.Fatal(id, err)
		}
		rotator := storetest.OpenWith(t, b, store.Options{Keys: ring2})
		if res, err := rotator.RotateKeys(audit.WithSource(ctx, audit.Source{Actor: "test"}), store.RotateOptions{}); err != nil || res.Rotated == 0 || res.Remaining != 0 {
			t.Fatalf("RotateKeys = %+v, %v", res, err)
		}
		if server.Keys().CurrentID() != "k1" {
			t.Fatal("the server knew k2 before meeting it")
		}
		f, err := server.ReadFamily(ctx, fx.mgr.Actor(), fx.familyID)
		if err != nil {
			t.Fatalf("server reading values under the new key: %v", err)
		}
		for _, p := range f.People {
			if p.ID == fx.parent1 && (p.Confidential == nil || p.Confidential.Address != "CANARY-ADDRESS 1 Safe Street") {
				t.Errorf("server read %+v", p.Confidential)
			}
		}
		if server.Keys().CurrentID() != "k2" {
			t.Errorf("after the reload the server seals under %s, want k2", server.Keys().CurrentID())
		}
		var v int
		for _, p := range f.People {
			if p.ID == fx.parent2 {
				v = p.Version
			}
		}
		if err := server.UpdateContact(audit.WithSource(ctx, audit.Source{Actor: "test"}), fx.prac2.Actor(), fx.parent2,
			store.ContactUpdate{Version: v, Details: family.Confidential{Address: "3 New Road"}}); err != nil {
			t.Fatal(err)
		}
		if raw, _ := server.RawString(ctx, `SELECT address_sealed FROM people WHERE id = $1`, fx.parent2); !strings.HasPrefix(raw, "v1.k2.") {
			t.Errorf("server sealed a new value as %.8s…, want under k2", raw)
		}
	})
}

// TestKeyReloadRules: sealing picks up a new current key within the reload
// interval without reading anything; a value under a key that is truly
// missing reads the source at most once per interval; a source whose ring
// drops or changes a key is refused and the keys in use kept.
func TestKeyReloadRules(t *testing.T) {
	b := storetest.Backends(t)[0]
	ring1, ring2, _, _ := rings(t)
	src := &keySource{ring: ring1}
	db := storetest.OpenWith(t, b, store.Options{Keys: ring1, KeySource: src.load, KeyReloadInterval: time.Second})
	fx := makeFamily(t, db)
	sctx := audit.WithSource(ctx, audit.Source{Actor: "test"})
	src.set(ring2)
	time.Sleep(1100 * time.Millisecond)
	if err := db.UpdateContact(sctx, fx.prac2.Actor(), fx.parent2, store.ContactUpdate{Version: 1, Details: family.Confidential{Address: "4 Road"}}); err != nil {
		t.Fatal(err)
	}
	if raw, _ := db.RawString(ctx, `SELECT address_sealed FROM people WHERE id = $1`, fx.parent2); !strings.HasPrefix(raw, "v1.k2.") {
		t.Errorf("sealed as %.8s… after the key source gained k2, want k2", raw)
	}

	// A value under k9, which no source has.
	k9 := ringOf(t, "k9", map[string][]byte{"k9": randKey()})
	bogus, _ := k9.SealString("from elsewhere", "people.address")
	if err := db.RawExec(ctx, `UPDATE people SET address_sealed = $1 WHERE id = $2`, bogus, fx.parent2); err != nil {
		t.Fatal(err)
	}
	reads := src.count()
	for range 3 {
		if _, err := db.ReadFamily(ctx, fx.mgr.Actor(), fx.familyID); err == nil {
			t.Fatal("a value under an unknown key opened")
		}
	}
	if got := src.count() - reads; got != 1 {
		t.Errorf("three reads of a value under a missing key read the key source %d times, want once", got)
	}
	time.Sleep(1100 * time.Millisecond)
	db.ReadFamily(ctx, fx.mgr.Actor(), fx.familyID) // #nosec G104 -- only the read's side effect (a reload) matters here
	if got := src.count() - reads; got != 2 {
		t.Errorf("after the interval the source was read %d times in all, want twice", got)
	}

	// A source that lost k2, or changed k1, is refused.
	for name, bad := range map[string]*seal.Keyring{
		"lost k2":    ring1,
		"changed k1": ringOf(t, "k2", map[string][]byte{"k1": randKey(), "k2": randKey()}),
	} {
		src.set(bad)
		if err := db.ReloadKeys(); err == nil || !strings.Contains(err.Error(), "refused") {
			t.Errorf("%s: ReloadKeys = %v, want refused", name, err)
		}
		if db.Keys() != ring2 && db.Keys().Extends(ring2) != nil {
			t.Errorf("%s: the keys in use changed", name)
		}
	}
	noSource := storetest.OpenWith(t, b, store.Options{Keys: ring1})
	if err := noSource.ReloadKeys(); err == nil {
		t.Error("ReloadKeys without a key source succeeded")
	}
}

// TestRawStorageHoldsNoCanary writes a canary into every confidential field
// the store seals and reads what an attacker with the disk (SQLite: the
// database file and its write-ahead log, as bytes) or with SQL access
// (PostgreSQL: every column of every table as text) would see: none of the
// canaries, before or after a key rotation.
func TestRawStorageHoldsNoCanary(t *testing.T) {
	eachBackend(t, func(t *testing.T, b storetest.Backend) {
		ring1, ring2, _, _ := rings(t)
		src := &keySource{ring: ring1}
		db := storetest.OpenWith(t, b, store.Options{Keys: ring1, KeySource: src.load})
		p := plantCanaries(t, db)
		canaries := append(slices.Clone(p.canaries), p.phone, strings.ReplaceAll(p.phone, " ", ""))
		// "Rivers", the family name, is stored in clear by design: finding it
		// shows the scan can see text at all.
		const control = "Rivers"
		check := func(when string) {
			t.Helper()
			seen := map[string]bool{}
			look := func(where, text string) {
				if strings.Contains(text, control) {
					seen[control] = true
				}
				for _, c := range canaries {
					if strings.Contains(text, c) {
						t.Errorf("%s: %s holds the canary %q", when, where, c)
					}
				}
			}
			if b.Name == "sqlite" {
				for _, f := range []string{b.URL, b.URL + "-wal"} {
					data, err := os.ReadFile(f) // #nosec G304 -- a database file this test made
					if err != nil {
						t.Fatalf("%s: %v", when, err)
					}
					look(f, string(data))
				}
			} else {
				if err := db.EveryValueAsText(ctx, func(column, value string) { look(column, value) }); err != nil {
					t.Fatal(err)
				}
			}
			if !seen[control] {
				t.Fatalf("%s: the raw scan never saw %q, stored in clear: it would prove nothing", when, control)
			}
		}
		check("after writing the canaries")
		src.set(ring2)
		if err := db.ReloadKeys(); err != nil {
			t.Fatal(err)
		}
		if res, err := db.RotateKeys(audit.WithSource(ctx, audit.Source{Actor: "test"}), store.RotateOptions{}); err != nil || res.Remaining != 0 {
			t.Fatalf("RotateKeys = %+v, %v", res, err)
		}
		check("after rotation")
		if b.Name == "sqlite" {
			if st, err := os.Stat(b.URL + "-wal"); err != nil || st.Size() == 0 {
				t.Fatalf("no write-ahead log to check: %v", err)
			}
		}
	})
}

// TestRotateKeysLeavesUnopenableValues: a value under a key the ring lacks,
// or not sealed at all, is counted, named by column and row (never shown),
// left as it is, and does not stop the rest.
func TestRotateKeysLeavesUnopenableValues(t *testing.T) {
	eachBackend(t, func(t *testing.T, b storetest.Backend) {
		ring1, ring2, _, _ := rings(t)
		db := storetest.OpenWith(t, b, store.Options{Keys: ring1})
		fx := makeFamily(t, db)
		stray, _ := ringOf(t, "k9", map[string][]byte{"k9": randKey()}).SealString("SECRET-STRAY", "people.address")
		if err := db.RawExec(ctx, `UPDATE people SET address_sealed = $1, phone_sealed = 'SECRET-PLAIN' WHERE id = $2`, stray, fx.parent2); err != nil {
			t.Fatal(err)
		}
		usage, err := db.KeyUsage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range usage {
			switch u.Column {
			case "people.address_sealed":
				if u.ByKey["k9"] != 1 || u.ByKey["k1"] != 1 {
					t.Errorf("address usage = %+v", u)
				}
			case "people.phone_sealed":
				if u.Malformed != 1 {
					t.Errorf("phone usage = %+v", u)
				}
			}
		}
		rotator := storetest.OpenWith(t, b, store.Options{Keys: ring2})
		res, err := rotator.RotateKeys(audit.WithSource(ctx, audit.Source{Actor: "test"}), store.RotateOptions{BatchSize: 1})
		if err != nil {
			t.Fatal(err)
		}
		if res.Failed != 2 || res.Remaining != 2 || res.Rotated == 0 {
			t.Fatalf("RotateKeys = %+v; want 2 failed and left, the rest rotated", res)
		}
		if !strings.Contains(res.FirstFailure, "people.address_sealed, row id=") || !strings.Contains(res.FirstFailure, "unknown key") ||
			strings.Contains(res.FirstFailure, "SECRET") || strings.Contains(res.FirstFailure, stray) {
			t.Errorf("FirstFailure = %q", res.FirstFailure)
		}
		if raw, _ := db.RawString(ctx, `SELECT address_sealed FROM people WHERE id = $1`, fx.parent2); raw != stray {
			t.Error("the value that could not be opened was changed")
		}
	})
}

// TestRotateKeysBesideLiveWrites runs a rotation while another goroutine
// keeps editing a parent's contact details: both finish, the last edit
// stands, and nothing is left under the old key.
func TestRotateKeysBesideLiveWrites(t *testing.T) {
	eachBackend(t, func(t *testing.T, b storetest.Backend) {
		ring1, ring2, _, _ := rings(t)
		src := &keySource{ring: ring1}
		db := storetest.OpenWith(t, b, store.Options{Keys: ring1, KeySource: src.load})
		fx := makeFamily(t, db)
		for i := range 30 { // enough rows for many batches
			if _, err := db.RecordSession(audit.WithSource(ctx, audit.Source{Actor: "test"}), fx.prac1.Actor(), casework.Session{PersonID: fx.parent1,
				HeldOn: time.Now(), Minutes: 30, Mode: "phone", Attendance: "attended", Notes: fmt.Sprintf("note %d", i)}, nil); err != nil {
				t.Fatal(err)
			}
		}
		src.set(ring2)
		if err := db.ReloadKeys(); err != nil {
			t.Fatal(err)
		}
		sctx := audit.WithSource(ctx, audit.Source{Actor: "test"})
		done := make(chan error, 1)
		last := ""
		go func() {
			for i := range 20 {
				f, err := db.ReadFamily(ctx, fx.prac1.Actor(), fx.familyID)
				if err != nil {
					done <- err
					return
				}
				for _, p := range f.People {
					if p.ID == fx.parent1 {
						last = fmt.Sprintf("%d Live Street", i)
						if err := db.UpdateContact(sctx, fx.prac1.Actor(), p.ID, store.ContactUpdate{Version: p.Version,
							Details: family.Confidential{Address: last}}); err != nil {
							done <- err
							return
						}
					}
				}
			}
			done <- nil
		}()
		res, err := db.RotateKeys(sctx, store.RotateOptions{BatchSize: 1})
		if werr := <-done; werr != nil {
			t.Fatal(werr)
		}
		if err != nil {
			t.Fatal(err)
		}
		if again, err := db.RotateKeys(sctx, store.RotateOptions{}); err != nil || again.Remaining != 0 || res.Failed != 0 {
			t.Fatalf("after live writes: %+v then %+v, %v", res, again, err)
		}
		rec, err := db.ReadPerson(ctx, fx.prac1.Actor(), fx.parent1)
		if err != nil || rec.Person.Confidential == nil || rec.Person.Confidential.Address != last {
			t.Fatalf("address after rotation beside live writes = %+v, %v; want %q", rec.Person.Confidential, err, last)
		}
	})
}

// TestCheckKeys: the keys a database was sealed with open its samples; a
// fresh ring with the same key id (another data folder's key file) opens
// none; a damaged column among good ones is named, not taken for the wrong
// keys; an empty database has nothing to sample.
func TestCheckKeys(t *testing.T) {
	eachBackend(t, func(t *testing.T, b storetest.Backend) {
		ring1, _, _, _ := rings(t)
		db := storetest.OpenWith(t, b, store.Options{Keys: ring1})
		if kc, err := db.CheckKeys(ctx); err != nil || kc.Sampled != 0 || kc.NoneOpen() {
			t.Fatalf("empty database: CheckKeys = %+v, %v; want nothing sampled", kc, err)
		}
		makeFamily(t, db)
		kc, err := db.CheckKeys(ctx)
		if err != nil || kc.Sampled < 3 || len(kc.Failed) != 0 {
			t.Fatalf("own keys: CheckKeys = %+v, %v; want several sampled, none failed", kc, err)
		}
		sampled := kc.Sampled

		other := storetest.OpenWith(t, b, store.Options{Keys: ringOf(t, "k1", map[string][]byte{"k1": randKey()})})
		kc, err = other.CheckKeys(ctx)
		if err != nil || !kc.NoneOpen() || kc.Sampled != sampled {
			t.Fatalf("another k1: CheckKeys = %+v, %v; want all %d sampled to fail", kc, err, sampled)
		}
		if f := kc.Failed[0]; f.KeyID != "k1" || !errors.Is(f.Err, seal.ErrCorrupt) {
			t.Errorf("another k1: first failure = %+v", f)
		}

		stray, _ := ringOf(t, "k9", map[string][]byte{"k9": randKey()}).SealString("SECRET-STRAY", "people.address")
		if err := db.RawExec(ctx, `UPDATE people SET address_sealed = $1 WHERE address_sealed <> ''`, stray); err != nil {
			t.Fatal(err)
		}
		kc, err = db.CheckKeys(ctx)
		if err != nil || kc.NoneOpen() || len(kc.Failed) != 1 {
			t.Fatalf("one damaged column: CheckKeys = %+v, %v; want that column alone", kc, err)
		}
		if f := kc.Failed[0]; f.Column != "people.address_sealed" || f.KeyID != "k9" || !errors.Is(f.Err, seal.ErrUnknownKey) || strings.Contains(f.Err.Error(), "SECRET") {
			t.Errorf("one damaged column: failure = %+v", f)
		}
	})
}
