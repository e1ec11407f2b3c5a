package cli_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/audit"
	"github.com/cradle-org/cradle/internal/casework"
	"github.com/cradle-org/cradle/internal/docs"
	"github.com/cradle-org/cradle/internal/family"
	"github.com/cradle-org/cradle/internal/org"
	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/referral"
	"github.com/cradle-org/cradle/internal/risk"
	"github.com/cradle-org/cradle/internal/safeguarding"
	"github.com/cradle-org/cradle/internal/seal"
	"github.com/cradle-org/cradle/internal/sharing"
	"github.com/cradle-org/cradle/internal/store"
)

// demoWithKeys loads the demo into a new folder with keys from the
// environment (returned, for the command's runs) and opens it, so a test
// can add records before the command reads them; close it before then.
func demoWithKeys(t *testing.T) (env map[string]string, data string, ctx context.Context, db *store.DB) {
	t.Helper()
	var raw [32]byte
	rand.Read(raw[:])
	keyEnv := base64.StdEncoding.EncodeToString(raw[:])
	env = map[string]string{"CRADLE_KEYS": keyEnv}
	data = t.TempDir()
	if r := run(t, env, "demo", "--data", data); r.code != 0 {
		t.Fatalf("demo: %+v", r)
	}
	keys, err := seal.FromEnv(keyEnv)
	if err != nil {
		t.Fatal(err)
	}
	ctx = audit.WithSource(context.Background(), audit.Source{Actor: "test"})
	if db, err = store.Open(ctx, store.Options{URL: store.SQLitePath(data), Keys: keys}); err != nil {
		t.Fatal(err)
	}
	return env, data, ctx, db
}

// A subject access export holds the parent's own record and nothing of the
// other parent's or of third parties: canaries planted in each of those
// must not appear in the JSON or the PDF, while the parent's own details
// must.
func TestSubjectAccessHoldsOnlyTheParentsOwnRecord(t *testing.T) {
	env, data, ctx, db := demoWithKeys(t)
	actor := func(email string) org.Staff {
		s, err := db.StaffByEmail(ctx, email)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	dsl := actor("ruth.adams@cradle.example")
	hits, _, err := db.SearchPeople(ctx, dsl.Actor(), "Amy Foster")
	if err != nil || len(hits) != 1 {
		t.Fatalf("finding Amy: %v", err)
	}
	f, err := db.ReadFamily(ctx, dsl.Actor(), hits[0].Family.ID)
	if err != nil {
		t.Fatal(err)
	}
	var amy, jordan family.Person
	for _, p := range f.Parents() {
		if p.GivenName == "Amy" {
			amy = p
		} else {
			jordan = p
		}
	}
	priya, tom, helen := actor("priya.shah@cradle.example").Actor(), actor("tom.elliott@cradle.example").Actor(), actor("helen.whitaker@cradle.example").Actor()
	shipped, err := risk.DefaultQuestions()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	// The parent's own record.
	must(db.UpdateContact(ctx, priya, amy.ID, store.ContactUpdate{Version: amy.Version, Details: family.Confidential{Address: "OWN-ADDRESS-31 Harbour View", Postcode: "FY1 9ZZ", Phone: "07700 900555"}}))
	_, err = db.RecordSession(ctx, priya, casework.Session{PersonID: amy.ID, HeldOn: now, Minutes: 50, Mode: "home", Attendance: "attended", Notes: "OWN-NOTE talked about the birth plan", Confidential: true}, nil)
	must(err)
	// The other parent's record, and third parties' material.
	must(db.UpdateContact(ctx, tom, jordan.ID, store.ContactUpdate{Version: jordan.Version, Details: family.Confidential{Address: "CANARY-COPARENT-ADDRESS", Phone: "07700 900666"}}))
	_, err = db.RecordSession(ctx, tom, casework.Session{PersonID: jordan.ID, HeldOn: now, Minutes: 50, Mode: "home", Attendance: "attended", Notes: "CANARY-COPARENT-NOTE", Confidential: true}, nil)
	must(err)
	must(db.RecordSupervision(ctx, helen, amy.ID, "CANARY-SUPERVISION"))
	must(db.RecordIncident(ctx, priya, store.Incident{PersonID: amy.ID, OccurredOn: now.Add(-48 * time.Hour), ReportedBy: "CANARY-REPORTER", PoliceInvolved: true, Details: "CANARY-INCIDENT-DETAILS"}))
	must(db.RecordChange(ctx, priya, amy.ID, risk.Change{Kind: "moved_house", On: now.Add(-24 * time.Hour), Note: "OWN-CHANGE moved in with her sister"}))
	must(db.RecordChange(ctx, tom, jordan.ID, risk.Change{Kind: "other", On: now.Add(-24 * time.Hour), Note: "CANARY-COPARENT-CHANGE"}))
	// A completed DASH each: her answers are hers (yes to question 1 only);
	// the note beside an answer, and all of Jordan's, are not.
	dash := func(by policy.Actor, personID int64, yes int, view, note string) {
		t.Helper()
		a := risk.Assessment{Answers: map[int]risk.Answer{}, Context: map[int]string{yes: note}, ParentView: view}
		for n := 1; n <= risk.NumQuestions; n++ {
			a.Answers[n] = risk.No
		}
		a.Answers[yes] = risk.Yes
		_, err := db.SaveRiskAssessment(ctx, by, personID, 0, 0, a, true, db.RiskSettings())
		must(err)
	}
	dash(priya, amy.ID, 1, "OWN-DASH-VIEW", "CANARY-DASH-NOTE")
	dash(tom, jordan.ID, 2, "CANARY-COPARENT-DASH-VIEW", "CANARY-COPARENT-DASH-NOTE")
	// VIG cycles, a pause and consents: the parent's own; the other
	// parent's; and the parent's own removed as entered in error.
	_, err = db.RecordVIG(ctx, priya, casework.VIGCycle{PersonID: amy.ID, Phase: "antenatal", FilmedOn: now.Add(-72 * time.Hour), AnalysedOn: now.Add(-48 * time.Hour),
		Strengths: "OWN-VIG warm eye contact"})
	must(err)
	wrongVIG, err := db.RecordVIG(ctx, priya, casework.VIGCycle{PersonID: amy.ID, Phase: "postnatal", FilmedOn: now.Add(-72 * time.Hour), Strengths: "CANARY-REMOVED-VIG"})
	must(err)
	must(db.RemoveVIG(ctx, priya, amy.ID, wrongVIG, "Filmed with Jordan"))
	_, err = db.RecordVIG(ctx, tom, casework.VIGCycle{PersonID: jordan.ID, Phase: "antenatal", FilmedOn: now.Add(-72 * time.Hour), Strengths: "CANARY-COPARENT-VIG"})
	must(err)
	must(db.PauseSessions(ctx, priya, casework.Pause{PersonID: amy.ID, Reason: "health", Note: "OWN-PAUSE in hospital", StartedOn: now.Add(-24 * time.Hour)}))
	must(db.RecordConsent(ctx, priya, amy.ID, sharing.Consent{Scope: "OWN-CONSENT the health visitor", GivenOn: now.Add(-24 * time.Hour)}))
	must(db.RecordConsent(ctx, priya, amy.ID, sharing.Consent{Scope: "CANARY-REMOVED-CONSENT", GivenOn: now.Add(-24 * time.Hour)}))
	must(db.RecordConsent(ctx, tom, jordan.ID, sharing.Consent{Scope: "CANARY-COPARENT-CONSENT", GivenOn: now.Add(-24 * time.Hour)}))
	rec, err := db.ReadPerson(ctx, priya, amy.ID)
	must(err)
	for _, c := range rec.Consents {
		if c.Scope == "CANARY-REMOVED-CONSENT" {
			must(db.RemoveConsent(ctx, priya, amy.ID, c.ID, "Never given"))
		}
	}
	yes := false
	_, err = db.RaiseConcern(ctx, priya, store.NewConcern{FamilyID: f.ID, PersonID: amy.ID, Concern: safeguarding.Concern{About: "CANARY-CONCERN", AtRisk: safeguarding.AtRiskBaby, ImmediateDanger: &yes}, Due: now.Add(time.Hour)},
		func(*store.Tx, []string, int64) error { return nil })
	must(err)
	// Closed last, with a closing summary for each parent: the parent's own
	// is theirs to read, the other parent's is not.
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	must(db.CloseFamily(ctx, helen, f.ID, casework.Closure{Reason: "moved_out_of_area", ClosedOn: today,
		Summaries: map[int64]string{amy.ID: "OWN-CLOSING Amy moved to Leeds and was referred on.", jordan.ID: "CANARY-COPARENT-CLOSING"}}))
	db.Close() // #nosec G104 -- test database, closed before the command opens it

	out := t.TempDir()
	args := []string{"sar", "--data", data, "--person", strconv.FormatInt(amy.ID, 10), "--out", out}
	if r := run(t, env, append(args, "--as", "priya.shah@cradle.example")...); r.code != 1 || !strings.Contains(r.stderr, "designated safeguarding lead") {
		t.Errorf("a practitioner prepared a SAR: %+v", r)
	}
	r := run(t, env, append(args, "--as", "ruth.adams@cradle.example")...)
	if r.code != 0 {
		t.Fatalf("sar: %+v", r)
	}
	files, _ := filepath.Glob(filepath.Join(out, "subject-access-*"))
	if len(files) != 2 {
		t.Fatalf("files: %v", files)
	}
	for _, file := range files {
		b, err := os.ReadFile(file) // #nosec G304 -- a file this test wrote
		if err != nil {
			t.Fatal(err)
		}
		text := string(b)
		for _, canary := range []string{"CANARY", "07700 900666", "Jordan", "Price"} {
			if strings.Contains(text, canary) {
				t.Errorf("%s contains %q", filepath.Base(file), canary)
			}
		}
		for _, own := range []string{"OWN-ADDRESS-31", "OWN-NOTE", "07700 900555", "Amy Foster", "OWN-CLOSING", "OWN-CHANGE", "Moved house",
			"OWN-VIG", "OWN-PAUSE", "OWN-CONSENT", "OWN-DASH-VIEW", shipped.Questions[0].Text} {
			if !strings.Contains(text, own) {
				t.Errorf("%s lacks the parent's own %q", filepath.Base(file), own)
			}
		}
		if st, _ := os.Stat(file); st.Mode().Perm() != 0o600 {
			t.Errorf("%s is readable by others: %v", file, st.Mode())
		}
		if strings.HasSuffix(file, ".json") {
			var v map[string]any
			if err := json.Unmarshal(b, &v); err != nil || len(v["incidents"].([]any)) != 1 || len(v["withheld"].([]any)) == 0 || len(v["closing_summaries"].([]any)) != 1 ||
				len(v["changes_in_circumstances"].([]any)) != 1 || len(v["vig_cycles"].([]any)) != 1 || len(v["pauses"].([]any)) != 1 ||
				len(v["consents_to_share"].([]any)) != 1 {
				t.Errorf("JSON: %v, %v, %v, %v, %v, %v, %v", err, v["incidents"], v["closing_summaries"], v["changes_in_circumstances"], v["vig_cycles"],
					v["pauses"], v["consents_to_share"])
			}
			if got := sarAnswers(t, b); len(got) != 1 || len(got[0]) != risk.NumQuestions || got[0][0] != (docs.RiskAnswer{Number: 1, Question: shipped.Questions[0].Text, Answer: "Yes"}) ||
				got[0][1] != (docs.RiskAnswer{Number: 2, Question: shipped.Questions[1].Text, Answer: "No"}) {
				t.Errorf("JSON risk assessments' answers: %+v, want Amy's one with yes to question 1", got)
			}
		} else if line := "1. " + shipped.Questions[0].Text + " Yes"; !strings.Contains(text, line) {
			t.Errorf("the PDF lacks %q", line)
		}
	}
	if r := run(t, env, append(args, "--as", "ruth.adams@cradle.example")...); r.code != 1 || !strings.Contains(r.stderr, "already exists") {
		t.Errorf("a second SAR over the first: %+v", r)
	}

	// A deployment's own DASH wording, from --dash-questions or the
	// environment as serve takes it, is the wording beside her answers; a
	// file that does not load stops the command before anything is written.
	licensed := shipped
	licensed.Questions = slices.Clone(shipped.Questions)
	for i := range licensed.Questions {
		licensed.Questions[i].Text = "LICENSED-WORDING " + strconv.Itoa(licensed.Questions[i].Number) + "?"
	}
	dir := t.TempDir()
	good, bad := filepath.Join(dir, "questions.json"), filepath.Join(dir, "bad.json")
	js, err := json.Marshal(licensed)
	must(err)
	must(os.WriteFile(good, js, 0o600))
	must(os.WriteFile(bad, []byte(`{"source":"x"}`), 0o600))
	withEnv := func(k, v string) map[string]string {
		m := maps.Clone(env)
		m[k] = v
		return m
	}
	for _, tc := range []struct {
		name  string
		env   map[string]string
		flags []string
		fails string // in stderr; "" when it succeeds
	}{
		{"--dash-questions", env, []string{"--dash-questions", good}, ""},
		{"CRADLE_DASH_QUESTIONS_FILE", withEnv("CRADLE_DASH_QUESTIONS_FILE", good), nil, ""},
		{"a file that does not load", env, []string{"--dash-questions", bad}, "DASH questions in " + bad},
		{"a file that is not there", env, []string{"--dash-questions", filepath.Join(dir, "missing.json")}, "reading the DASH questions"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := t.TempDir()
			r := run(t, tc.env, append([]string{"sar", "--data", data, "--person", strconv.FormatInt(amy.ID, 10), "--out", out, "--as", "ruth.adams@cradle.example"}, tc.flags...)...)
			files, _ := filepath.Glob(filepath.Join(out, "subject-access-*"))
			if tc.fails != "" {
				if r.code == 0 || !strings.Contains(r.stderr, tc.fails) || len(files) != 0 {
					t.Errorf("sar: %+v, files %v; want it to fail with %q and write nothing", r, files, tc.fails)
				}
				return
			}
			if r.code != 0 || len(files) != 2 {
				t.Fatalf("sar: %+v, files %v", r, files)
			}
			for _, file := range files {
				b, err := os.ReadFile(file) // #nosec G304 -- a file this test wrote
				must(err)
				for _, want := range []string{"LICENSED-WORDING 1?", "LICENSED-WORDING 24?"} {
					if !strings.Contains(string(b), want) {
						t.Errorf("%s lacks the loaded wording %q", filepath.Base(file), want)
					}
				}
				if strings.Contains(string(b), shipped.Questions[0].Text) {
					t.Errorf("%s has the shipped wording", filepath.Base(file))
				}
			}
		})
	}
}

// sarAnswers is the answers of each risk assessment in a subject access
// export's JSON.
func sarAnswers(t *testing.T, js []byte) [][]docs.RiskAnswer {
	t.Helper()
	var v docs.SubjectView
	if err := json.Unmarshal(js, &v); err != nil {
		t.Fatalf("the JSON: %v", err)
	}
	var out [][]docs.RiskAnswer
	for _, r := range v.Risk {
		out = append(out, r.Answers)
	}
	return out
}

// A parent whose referral was never accepted has no record but the
// referral: its subject access export holds their details as given, what
// became of it and, for a parent who referred themselves, their own
// answers; nothing of the other parent named. A professional's referral
// gives the parent named their details and the decision, and says the rest
// is reviewed separately. An accepted referral is refused: its parents
// have records.
func TestSubjectAccessForAReferralNeverAccepted(t *testing.T) {
	env, data, ctx, db := demoWithKeys(t)
	helen, err := db.StaffByEmail(ctx, "helen.whitaker@cradle.example")
	if err != nil {
		t.Fatal(err)
	}
	create := func(r referral.Referral) int64 {
		t.Helper()
		var id int64
		if err := db.Update(ctx, func(tx *store.Tx) error {
			id, _, err = tx.CreateReferral(store.NewReferral{Referral: r, AreaName: "Blackpool"})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return id
	}
	self := create(referral.Referral{Source: referral.Self, DueDate: "2027-03-14", Area: "FY1 4AB",
		Parent1:      referral.Parent{GivenName: "Kerry", FamilyName: "Lowe", DateOfBirth: "1996-05-02", Phone: "07700 900777"},
		Parent2:      referral.Parent{GivenName: "CANARY-OTHER", FamilyName: "Parent", Phone: "07700 900888"},
		SafeContact:  &referral.SafeContact{SafeToContact: "yes", Number: "07700 900777", Times: "OWN-TIMES weekday mornings", LeaveMessage: "no"},
		Relationship: "intimate_relationship", BothWantToCoParent: "yes", AnythingElse: "OWN-ANSWER I need an interpreter"})
	if _, err := db.DecideReferral(ctx, helen.Actor(), self, referral.Decision{Outcome: referral.Decline, Reason: "not_funded_area",
		Detail: "OWN-REASON Kerry lives outside the funded area", SignpostedTo: "OWN-SIGNPOST the local family hub"}, store.Links{}, nil); err != nil {
		t.Fatal(err)
	}
	pro := create(referral.Referral{Source: referral.Professional, SafeguardingStatus: "none", AbuseKnown: "CANARY-PRO-ANSWER",
		Referrer:     referral.Referrer{Name: "CANARY-REFERRER", Role: "midwife"},
		Parent1:      referral.Parent{GivenName: "Dawn", FamilyName: "Reid", Email: "dawn@example.org"},
		Parent2:      referral.Parent{GivenName: "CANARY-SECOND", FamilyName: "Parent"},
		AnythingElse: "CANARY-PRO-WORDS"})
	accepted := create(referral.Referral{Source: referral.Professional, SafeguardingStatus: "none", DueDate: time.Now().AddDate(0, 4, 0).Format("2006-01-02"),
		Parent1: referral.Parent{GivenName: "Ann", FamilyName: "Lee"}, Parent2: referral.Parent{GivenName: "Ben", FamilyName: "Lee"}})
	if _, err := db.DecideReferral(ctx, helen.Actor(), accepted, referral.Decision{Outcome: referral.Accept, Detail: "Meets every criterion"}, store.Links{}, nil); err != nil {
		t.Fatal(err)
	}
	db.Close() // #nosec G104 -- test database, closed before the command opens it

	out := t.TempDir()
	sar := func(id int64, parent string, as string) result {
		return run(t, env, "sar", "--data", data, "--referral", strconv.FormatInt(id, 10), "--parent", parent, "--out", out, "--as", as)
	}
	read := func(glob string) string {
		t.Helper()
		files, _ := filepath.Glob(filepath.Join(out, glob))
		if len(files) != 2 {
			t.Fatalf("files %s: %v", glob, files)
		}
		var all string
		for _, f := range files {
			b, err := os.ReadFile(f) // #nosec G304 -- a file this test wrote
			if err != nil {
				t.Fatal(err)
			}
			all += string(b)
		}
		return all
	}
	if r := sar(self, "1", "helen.whitaker@cradle.example"); r.code != 1 || !strings.Contains(r.stderr, "designated safeguarding lead") {
		t.Errorf("a team manager prepared a SAR: %+v", r)
	}
	if r := sar(self, "1", "ruth.adams@cradle.example"); r.code != 0 || !strings.Contains(r.stdout, "check them for the other parent") {
		t.Fatalf("the self-referral's parent: %+v", r)
	}
	text := read("subject-access-*-parent-1.*")
	for _, own := range []string{"Kerry Lowe", "2 May 1996", "07700 900777", "OWN-TIMES", "You referred yourself", "OWN-ANSWER", "OWN-REASON", "OWN-SIGNPOST",
		"Not accepted: the family does not live in a funded area", "14 March 2027", "In an intimate relationship"} {
		if !strings.Contains(text, own) {
			t.Errorf("the self-referral's export lacks %q", own)
		}
	}
	for _, canary := range []string{"CANARY", "07700 900888"} {
		if strings.Contains(text, canary) {
			t.Errorf("the self-referral's export holds %q", canary)
		}
	}
	if r := sar(pro, "1", "ruth.adams@cradle.example"); r.code != 0 {
		t.Fatalf("the professional referral's parent: %+v", r)
	}
	files, _ := filepath.Glob(filepath.Join(out, "subject-access-*"))
	var proText string
	for _, f := range files {
		if b, _ := os.ReadFile(f); strings.Contains(string(b), "Dawn Reid") { // #nosec G304 -- a file this test wrote
			proText += string(b)
		}
	}
	for _, own := range []string{"Dawn Reid", "dawn@example.org", "A professional referred you", "as the professional who referred you wrote it"} {
		if !strings.Contains(proText, own) {
			t.Errorf("the professional referral's export lacks %q", own)
		}
	}
	if strings.Contains(proText, "CANARY") {
		t.Error("the professional referral's export holds the other parent's details or the professional's words")
	}
	for _, tc := range []struct {
		id     int64
		parent string
		want   string
	}{
		{accepted, "1", "was accepted"},
		{self, "3", "--parent 1"},
		{self, "1", "already exists"},
	} {
		if r := sar(tc.id, tc.parent, "ruth.adams@cradle.example"); r.code == 0 || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("referral %d, parent %s: %+v, want %q", tc.id, tc.parent, r, tc.want)
		}
	}
	if r := run(t, env, "sar", "--data", data, "--referral", "1", "--person", "2", "--parent", "1", "--as", "ruth.adams@cradle.example"); r.code == 0 || !strings.Contains(r.stderr, "not both") {
		t.Errorf("both a person and a referral: %+v", r)
	}
}
