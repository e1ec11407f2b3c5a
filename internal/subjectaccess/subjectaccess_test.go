package subjectaccess

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/casework"
	"github.com/cradle-org/cradle/internal/docs"
	"github.com/cradle-org/cradle/internal/family"
	"github.com/cradle-org/cradle/internal/referral"
	"github.com/cradle-org/cradle/internal/risk"
	"github.com/cradle-org/cradle/internal/sharing"
	"github.com/cradle-org/cradle/internal/store"
)

var now = time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC)

func TestReferralView(t *testing.T) {
	self := store.ReferralRecord{Reference: "REF-2026-000042", Source: referral.Self, Status: referral.NotAccepted, Decision: "not_funded_area",
		DecisionReason: "Outside the area", SignpostedTo: "The family hub", ReceivedAt: now, AreaName: "Blackpool",
		Content: &referral.Referral{Source: referral.Self, DueDate: "2027-03-14",
			Parent1:      referral.Parent{GivenName: "Kerry", FamilyName: "Lowe", Phone: "07700 900777"},
			Parent2:      referral.Parent{GivenName: "Other", FamilyName: "Parent", Phone: "07700 900888"},
			SafeContact:  &referral.SafeContact{SafeToContact: "yes", Number: "07700 900777", LeaveMessage: "no"},
			Relationship: "married", AnythingElse: "I need an interpreter"}}
	pro := self
	pro.Source, pro.Status, pro.Decision, pro.DecisionReason = referral.Professional, referral.Screening, "", ""
	pro.Content = &referral.Referral{Source: referral.Professional, Parent1: referral.Parent{GivenName: "Dawn"}, AnythingElse: "The professional's words"}
	for _, tc := range []struct {
		name          string
		rec           store.ReferralRecord
		parent        int
		ok            bool
		want, notWant []string
	}{
		{"the parent who referred themselves", self, 1, true,
			[]string{"Kerry Lowe", "07700 900777", "You referred yourself", "Not accepted: the family does not live in a funded area", "Outside the area", "The family hub",
				"I need an interpreter", "Married, now or before", "no messages", "14 March 2027"},
			[]string{"07700 900888", "Other Parent"}},
		{"the other parent a self-referral names", self, 2, true,
			[]string{"Other Parent", "07700 900888", "The baby's other parent referred themselves and named you"},
			[]string{"Kerry", "07700 900777", "interpreter", "Married"}},
		{"a professional's referral", pro, 1, true,
			[]string{"Dawn", "A professional referred you", "as the professional who referred you wrote it", "In screening"},
			[]string{"The professional's words", "Not accepted"}},
		{"a parent the referral does not name", pro, 2, false, nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, ok := ReferralView(tc.rec, tc.parent, now)
			if ok != tc.ok {
				t.Fatalf("ok = %v, want %v", ok, tc.ok)
			}
			text := strings.Join([]string{v.Name, v.HowReferred, v.Decision, v.Reasons, v.Signposting, v.Status, v.SafeContact, v.DueDate, strings.Join(v.Withheld, " ")}, "|")
			if v.Contact != nil {
				text += "|" + v.Contact.Phone
			}
			for _, a := range v.YourAnswers {
				text += "|" + a.Answer
			}
			for _, w := range tc.want {
				if !strings.Contains(text, w) {
					t.Errorf("lacks %q in %s", w, text)
				}
			}
			for _, w := range tc.notWant {
				if strings.Contains(text, w) {
					t.Errorf("holds %q in %s", w, text)
				}
			}
		})
	}
}

// PersonView keeps the parent's own rows of every list, whatever else the
// record read carries.
func TestPersonViewKeepsOnlyTheParentsOwnRows(t *testing.T) {
	amy := family.Person{ID: 1, Kind: family.Parent, GivenName: "Amy", FamilyName: "Foster"}
	rec := store.PersonRecord{Person: amy, Family: family.Family{Reference: "FAM-1", Stage: family.Antenatal},
		Sessions: []casework.Session{
			{PersonID: 1, HeldOn: now, Notes: "OWN"},
			{PersonID: 2, HeldOn: now, Notes: "OTHER"},
			{PersonID: 1, HeldOn: now, Kind: "supervision", Notes: "SUPERVISION"},
		},
		VIG: []casework.VIGCycle{
			{PersonID: 1, Phase: "postnatal", FilmedOn: now, Strengths: "OWN"},
			{PersonID: 2, Phase: "antenatal", FilmedOn: now, Strengths: "OTHER"},
		},
		Pauses: []casework.Pause{
			{PersonID: 1, Reason: "housing", StartedOn: now, Note: "OWN"},
			{PersonID: 2, Reason: "health", StartedOn: now, Note: "OTHER"},
		},
		Departures: []casework.Departure{
			{PersonID: 1, Reason: "moved_out_of_area", LeftOn: now, RejoinedOn: now, Note: "OWN"},
			{PersonID: 2, Reason: "withdrew", LeftOn: now, Note: "OTHER"},
			{PersonID: 1, LeftOn: now, Withheld: true},
		},
		Reminders: []casework.Reminder{
			{PersonID: 1, What: "OWN", DueOn: now, DoneOn: now},
			{PersonID: 2, What: "OTHER", DueOn: now},
			{PersonID: 1, DueOn: now, Withheld: true},
		},
		Appointments: []casework.Appointment{
			{PersonID: 1, On: now, At: "09:30", Mode: "office", Place: "OWN"},
			{PersonID: 2, On: now, At: "10:00", Mode: "home", Place: "OTHER"},
		},
		Consents: []sharing.Consent{
			{PersonID: 1, Scope: "OWN", GivenOn: now, WithdrawnOn: now},
			{PersonID: 2, Scope: "OTHER", GivenOn: now},
		},
		Disclosures: []sharing.Share{
			{PersonID: 1, SharedOn: now, Recipient: "GP", Method: "phone", LawfulBasis: "art9_2h", Consent: "given", What: "OWN", Why: "OWN"},
			{PersonID: 2, SharedOn: now, Recipient: "OTHER", Method: "phone", LawfulBasis: "art9_2h", Consent: "given", What: "OTHER"},
			{PersonID: 0, SharedOn: now, Recipient: "Housing", Method: "secure_email", LawfulBasis: "art6_1e", Consent: "not_sought", ConsentReason: "FAMILY",
				What: "FAMILY", Why: "FAMILY"},
			{PersonID: 1, SharedOn: now, Recipient: "WITHHELD", Withheld: true},
		},
		Risk: []store.RiskRecord{
			{PersonID: 1, Status: "complete", AssessedOn: now, Level: risk.Medium, Result: risk.Result{Yes: 1},
				Assessment: &risk.Assessment{Answers: map[int]risk.Answer{1: risk.Yes, 2: risk.No}, Context: map[int]string{1: "CONTEXT"}, ParentView: "OWN"}},
			{PersonID: 1, Status: "draft", AssessedOn: now, Assessment: &risk.Assessment{Answers: map[int]risk.Answer{1: risk.NotKnown}, ParentView: "DRAFT"}},
			{PersonID: 2, Status: "complete", AssessedOn: now, Assessment: &risk.Assessment{Answers: map[int]risk.Answer{1: risk.NotKnown}, ParentView: "OTHER"}},
		}}
	qs, err := risk.DefaultQuestions()
	if err != nil {
		t.Fatal(err)
	}
	v := PersonView(rec, qs, now)
	if len(v.Sessions) != 1 || v.Sessions[0].Notes != "OWN" {
		t.Errorf("sessions: %+v, want only her own, not supervision", v.Sessions)
	}
	if want := (docs.VIGView{Phase: "Postnatal", Filmed: "5 December 2026", Strengths: "OWN"}); len(v.VIG) != 1 || v.VIG[0] != want {
		t.Errorf("VIG cycles: %+v, want only %+v", v.VIG, want)
	}
	if want := (docs.PauseView{Started: "5 December 2026", Reason: "Housing crisis", Note: "OWN"}); len(v.Pauses) != 1 || v.Pauses[0] != want {
		t.Errorf("pauses: %+v, want only %+v", v.Pauses, want)
	}
	if want := (docs.ReminderView{Due: "5 December 2026", What: "OWN", Done: "5 December 2026"}); len(v.Reminders) != 1 || v.Reminders[0] != want {
		t.Errorf("reminders: %+v, want only %+v", v.Reminders, want)
	}
	if want := (docs.AppointmentView{When: "5 December 2026, 09:30", How: "Office", Where: "OWN"}); len(v.Appointments) != 1 || v.Appointments[0] != want {
		t.Errorf("appointments: %+v, want only %+v", v.Appointments, want)
	}
	if want := (docs.DepartureView{Left: "5 December 2026", Rejoined: "5 December 2026", Reason: "Moved out of area", Note: "OWN"}); len(v.Departures) != 1 || v.Departures[0] != want {
		t.Errorf("times away: %+v, want only %+v", v.Departures, want)
	}
	if want := (docs.ConsentView{Scope: "OWN", Given: "5 December 2026", Withdrawn: "5 December 2026"}); len(v.Consents) != 1 || v.Consents[0] != want {
		t.Errorf("consents: %+v, want only %+v", v.Consents, want)
	}
	wantShared := []docs.DisclosureView{
		{Date: "5 December 2026", Recipient: "GP", Method: "Phone", LawfulBasis: "UK GDPR Art. 9(2)(h): health or social care", Consent: "Consent given", What: "OWN", Why: "OWN"},
		{Date: "5 December 2026", Recipient: "Housing", Method: "Secure email", LawfulBasis: "UK GDPR Art. 6(1)(e): public task", Consent: "Consent not sought", AboutFamily: true},
	}
	if !slices.Equal(v.Disclosures, wantShared) {
		t.Errorf("disclosures: %+v, want %+v (the family's without what, why or the reason)", v.Disclosures, wantShared)
	}
	if len(v.Risk) != 1 || v.Risk[0].ParentView != "OWN" || len(v.Risk[0].Answers) != risk.NumQuestions || v.Risk[0].Answers[0].Answer != "Yes" {
		var views []string
		for _, r := range v.Risk {
			views = append(views, r.ParentView+" ("+strconv.Itoa(len(r.Answers))+" answers)")
		}
		t.Errorf("risk assessments: %q, want only her own completed one, with its answers", views)
	}
	if js, err := json.Marshal(v); err != nil || strings.Contains(string(js), "CONTEXT") {
		t.Errorf("the notes beside the answers are in the view (%v): %s", err, js)
	}
	if len(v.Withheld) == 0 || v.Name != "Amy Foster" {
		t.Errorf("view: %+v", v)
	}
}

// Each completed assessment of the parent's gives all 24 answers in
// question order, in words, beside the wording of the set given: a
// deployment's own wording when it loads one.
func TestPersonViewRiskAnswers(t *testing.T) {
	shipped, err := risk.DefaultQuestions()
	if err != nil {
		t.Fatal(err)
	}
	licensed, err := risk.DefaultQuestions()
	if err != nil {
		t.Fatal(err)
	}
	for i := range licensed.Questions {
		licensed.Questions[i].Text = "LICENSED wording of question " + strconv.Itoa(licensed.Questions[i].Number) + "?"
	}
	partial := risk.QuestionSet{Questions: []risk.Question{{Number: 2, Text: "Only question two?"}}} // as built in code
	ra := func(n int, question, answer string) docs.RiskAnswer {
		return docs.RiskAnswer{Number: n, Question: question, Answer: answer}
	}
	answers := map[int]risk.Answer{1: risk.Yes, 2: risk.No, 3: risk.NotKnown} // 4 to 24 unanswered
	for _, tc := range []struct {
		name       string
		qs         risk.QuestionSet
		assessment *risk.Assessment
		want       []docs.RiskAnswer // the first three, then the last
	}{
		{"the shipped wording", shipped, &risk.Assessment{Answers: answers}, []docs.RiskAnswer{
			ra(1, shipped.Questions[0].Text, "Yes"), ra(2, shipped.Questions[1].Text, "No"), ra(3, shipped.Questions[2].Text, "Not known"),
			ra(24, shipped.Questions[23].Text, "Not answered")}},
		{"a loaded wording", licensed, &risk.Assessment{Answers: answers}, []docs.RiskAnswer{
			ra(1, "LICENSED wording of question 1?", "Yes"), ra(2, "LICENSED wording of question 2?", "No"), ra(3, "LICENSED wording of question 3?", "Not known"),
			ra(24, "LICENSED wording of question 24?", "Not answered")}},
		{"a set without a question keeps its answer", partial, &risk.Assessment{Answers: answers}, []docs.RiskAnswer{
			ra(1, "Question 1", "Yes"), ra(2, "Only question two?", "No"), ra(3, "Question 3", "Not known"), ra(24, "Question 24", "Not answered")}},
		{"no answers read", shipped, nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := store.PersonRecord{Person: family.Person{ID: 1, Kind: family.Parent},
				Risk: []store.RiskRecord{{PersonID: 1, Status: "complete", AssessedOn: now, Assessment: tc.assessment}}}
			v := PersonView(rec, tc.qs, now)
			if len(v.Risk) != 1 {
				t.Fatalf("risk assessments: %+v", v.Risk)
			}
			got := v.Risk[0].Answers
			if tc.want == nil {
				if got == nil || len(got) != 0 {
					t.Errorf("answers = %#v, want an empty list", got)
				}
				return
			}
			if len(got) != risk.NumQuestions {
				t.Fatalf("%d answers, want %d", len(got), risk.NumQuestions)
			}
			if ends := []docs.RiskAnswer{got[0], got[1], got[2], got[23]}; !slices.Equal(ends, tc.want) {
				t.Errorf("answers 1 to 3 and 24 = %+v, want %+v", ends, tc.want)
			}
			for i, a := range got {
				if a.Number != i+1 {
					t.Errorf("answer %d is numbered %d", i+1, a.Number)
				}
			}
		})
	}
}

// ForReview says where each kind of withheld material is, counting this
// parent's rows only, and always points to the family's page.
func TestForReview(t *testing.T) {
	me := family.Person{ID: 7, Kind: family.Parent, GivenName: "Jess"}
	base := store.PersonRecord{Person: me, Family: family.Family{ID: 3}}
	full := base
	full.Incidents = []store.Incident{{PersonID: 7, ReportedBy: "Police"}, {PersonID: 7}, {PersonID: 8, ReportedBy: "the other parent's"}}
	full.Risk = []store.RiskRecord{
		{ID: 41, PersonID: 7, Status: "complete", Assessment: &risk.Assessment{Context: map[int]string{15: "Last summer"}}},
		{ID: 40, PersonID: 7, Status: "complete", Assessment: &risk.Assessment{Context: map[int]string{3: "  "}}},
		{ID: 39, PersonID: 7, Status: "draft", Assessment: &risk.Assessment{Context: map[int]string{1: "a draft's note"}}},
	}
	full.MARACReferrals = []store.MARACEntry{{ID: 1}}
	full.Sessions = []casework.Session{{PersonID: 7, Kind: "supervision"}, {PersonID: 7, Kind: "session", Corrected: true}, {PersonID: 7, Kind: "session"},
		{PersonID: 8, Kind: "supervision"}}
	full.RemovedEntries = []store.RemovedEntry{{Kind: "incident"}, {Kind: "vig"}}
	full.Disclosures = []sharing.Share{{PersonID: 0}, {PersonID: 7}}
	full.Documents = []casework.Document{{PersonID: 7, Title: "Letter"}, {PersonID: 7, Title: "Plan"}, {PersonID: 8, Title: "the other parent's"}}
	for _, tc := range []struct {
		name string
		rec  store.PersonRecord
		want []ReviewItem
	}{
		{"nothing of the parent's own", base, []ReviewItem{
			{What: "The family's assessments of risk to the children, safeguarding concerns and meetings with other agencies", Where: "/families/3#risk"}}},
		{"each kind the record holds", full, []ReviewItem{
			{"Incidents: who told us and what they said", 1, "/people/7#risk"},
			{"Risk assessments with notes beside the answers", 1, "/people/7/dash/41"},
			{"MARAC referrals and what each MARAC decided", 1, "/people/7#marac-referrals"},
			{"Managers' supervision notes", 1, "/people/7?show=supervision#sessions"},
			{"Documents kept on their record: each file to review, and to give with the export where it can be shared", 2, "/people/7#documents"},
			{"Session notes corrected since they were written: their earlier versions", 1, "/people/7#sessions"},
			{"Entries removed as entered in error (sessions removed are listed with the sessions)", 2, "/people/7#risk"},
			{"What was shared about the family as a whole", 1, "/families/3#sharing"},
			{"The family's assessments of risk to the children, safeguarding concerns and meetings with other agencies", 0, "/families/3#risk"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ForReview(tc.rec); !slices.Equal(got, tc.want) {
				t.Errorf("ForReview =\n%v\nwant\n%v", got, tc.want)
			}
		})
	}
}
