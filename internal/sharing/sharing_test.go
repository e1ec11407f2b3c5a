package sharing

import (
	"strings"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/problem"
)

var today = time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)

func fields(err error) map[string]string {
	out := map[string]string{}
	if p := problem.As(err); p != nil {
		for _, f := range p.Fields {
			out[f.Name] = f.Message
		}
	}
	return out
}

func TestShareValidate(t *testing.T) {
	good := Share{SharedOn: today, Recipient: "Sam, Blackpool children's social care", What: "Risk level and safety plan summary",
		Why: "Child protection enquiry", Method: "secure_email", LawfulBasis: "dpa_sch1_18", Consent: "not_sought", ConsentReason: "Seeking consent would put the baby at risk"}
	tests := []struct {
		name   string
		mutate func(*Share)
		want   []string
	}{
		{"valid", func(*Share) {}, nil},
		{"no lawful basis", func(s *Share) { s.LawfulBasis = "" }, []string{"lawful_basis"}},
		{"unknown lawful basis", func(s *Share) { s.LawfulBasis = "because" }, []string{"lawful_basis"}},
		{"not sought without reason", func(s *Share) { s.ConsentReason = "" }, []string{"consent_reason"}},
		{"consent given needs no reason", func(s *Share) { s.Consent, s.ConsentReason = "given", "" }, nil},
		{"in the future", func(s *Share) { s.SharedOn = today.AddDate(0, 0, 1) }, []string{"shared_on"}},
		{"nothing said", func(s *Share) { s.Recipient, s.What, s.Why, s.Method, s.Consent = "", "", "", "", "" }, []string{"recipient", "what", "why", "method", "consent"}},
	}
	for _, tt := range tests {
		s := good
		tt.mutate(&s)
		got := fields(s.Validate(today))
		if len(got) != len(tt.want) {
			t.Errorf("%s: problems %v, want %v", tt.name, got, tt.want)
			continue
		}
		for _, f := range tt.want {
			if got[f] == "" {
				t.Errorf("%s: no problem with %s (%v)", tt.name, f, got)
			}
		}
	}
}

func TestProfessionalValidate(t *testing.T) {
	good := Professional{Name: "Jo Midwife", Organisation: "Blackpool Teaching Hospitals", OrganisationKind: "midwifery", Phone: "01253 300000"}
	tests := []struct {
		name   string
		mutate func(*Professional)
		want   string
	}{
		{"valid", func(*Professional) {}, ""},
		{"email only", func(p *Professional) { p.Phone, p.Email = "", "Jo@NHS.net" }, ""},
		{"bad email", func(p *Professional) { p.Email = "jo@" }, "email"},
		{"bad phone", func(p *Professional) { p.Phone = "ring me" }, "phone"},
		{"no way to reach them", func(p *Professional) { p.Phone = "" }, "phone"},
		{"no agency kind", func(p *Professional) { p.OrganisationKind = "" }, "organisation_kind"},
	}
	for _, tt := range tests {
		p := good
		tt.mutate(&p)
		got := fields(p.Validate())
		if tt.want == "" && len(got) > 0 || tt.want != "" && got[tt.want] == "" {
			t.Errorf("%s: problems %v, want %q", tt.name, got, tt.want)
		}
	}
	p := good
	p.Email = " Jo@NHS.net "
	_ = p.Validate()
	if p.Email != "jo@nhs.net" {
		t.Errorf("email not normalised: %q", p.Email)
	}
}

func TestConsentValidate(t *testing.T) {
	c := Consent{Scope: "Share the safety plan with the health visitor", GivenOn: today}
	if err := c.Validate(today); err != nil {
		t.Fatal(err)
	}
	c = Consent{GivenOn: today.AddDate(0, 0, 2)}
	got := fields(c.Validate(today))
	if got["scope"] == "" || !strings.Contains(got["given_on"], "today or in the past") {
		t.Errorf("problems %v", got)
	}
	if !(Consent{}).Active() || (Consent{WithdrawnOn: today}).Active() {
		t.Error("Active")
	}
}

func TestMeetingValidate(t *testing.T) {
	good := Meeting{Kind: "core_group", HeldOn: today, Attendees: "Social worker", StatusAfter: "child_in_need",
		Actions: []Action{{What: "Visit", OwnerID: 3, Due: today.AddDate(0, 0, 7)}}}
	if err := good.Validate(today); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		mutate func(*Meeting)
		want   string
	}{
		{"held tomorrow", func(m *Meeting) { m.HeldOn = today.AddDate(0, 0, 1) }, "held_on"},
		{"no kind", func(m *Meeting) { m.Kind = "" }, "kind"},
		{"no status", func(m *Meeting) { m.StatusAfter = "" }, "status_after"},
		{"unknown status", func(m *Meeting) { m.StatusAfter = "fine" }, "status_after"},
		{"no attendees", func(m *Meeting) { m.Attendees = "" }, "attendees"},
		{"action without owner", func(m *Meeting) { m.Actions = []Action{{What: "Visit", Due: today}} }, "actions[0].owner"},
		{"action without due date", func(m *Meeting) { m.Actions = []Action{{What: "Visit", OwnerID: 1}} }, "actions[0].due"},
	}
	for _, tt := range tests {
		m := good
		m.Actions = append([]Action(nil), good.Actions...)
		tt.mutate(&m)
		if fields(m.Validate(today))[tt.want] == "" {
			t.Errorf("%s: no problem with %s", tt.name, tt.want)
		}
	}
}

func TestCheckLeft(t *testing.T) {
	today := time.Date(2026, 12, 6, 15, 30, 0, 0, time.UTC)
	joined := time.Date(2026, 3, 9, 11, 12, 0, 0, time.UTC) // a moment on the day they joined
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	tests := []struct {
		name        string
		left, since time.Time
		want        string // part of the problem; "" for none
	}{
		{"today", day(2026, 12, 6), joined, ""},
		{"the day they joined", day(2026, 3, 9), joined, ""},
		{"joining not known", day(2020, 1, 1), time.Time{}, ""},
		{"no date", time.Time{}, joined, "Enter the date they left"},
		{"tomorrow", day(2026, 12, 7), joined, "today or in the past"},
		{"before they joined", day(2026, 3, 8), joined, "on or after 9 March 2026"},
	}
	for _, tt := range tests {
		err := CheckLeft(tt.left, tt.since, today)
		if tt.want == "" {
			if err != nil {
				t.Errorf("%s: %v", tt.name, err)
			}
			continue
		}
		p := problem.As(err)
		if p == nil || len(p.Fields) != 1 || p.Fields[0].Name != "left_on" || !strings.Contains(p.Fields[0].Message, tt.want) {
			t.Errorf("%s: got %v, want a left_on problem saying %q", tt.name, err, tt.want)
		}
	}
}
