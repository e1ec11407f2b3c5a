package referral

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/eligibility"
	"github.com/cradle-org/cradle/internal/problem"
)

func cfg(t *testing.T) Config {
	t.Helper()
	e, err := eligibility.DefaultConfig()
	if err != nil {
		t.Fatal(err)
	}
	return Config{Eligibility: e, Today: time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)}
}

func professional() Referral {
	return Referral{
		Source:   Professional,
		Referrer: Referrer{Name: "Sam Social", Role: "social_worker", Organisation: "Blackpool Council", Email: "Sam@Example.org"},
		Parent1:  Parent{GivenName: "Amy", FamilyName: "Foster", Consent: "yes", Postcode: "fy1 4ab", Phone: "07700 900123"},
		Parent2:  Parent{GivenName: "Jordan", FamilyName: "Price", Consent: "not_asked", ConsentReason: "Asking would put Amy at risk"},
		DueDate:  "2027-02-15", Area: "FY1 4AB", AbuseKnown: "Police called twice in the last year.", SafeguardingStatus: "child_in_need",
	}
}

func fieldsOf(err error) map[string]string {
	out := map[string]string{}
	if p := problem.As(err); p != nil {
		for _, f := range p.Fields {
			out[f.Name] = f.Message
		}
	}
	return out
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*Referral)
		want   map[string]string // field → part of the message; nil = valid
	}{
		{"valid professional", func(r *Referral) {}, nil},
		{"missing referrer", func(r *Referral) { r.Referrer = Referrer{} }, map[string]string{
			"referrer.name": "Enter your name", "referrer.role": "Select your role", "referrer.organisation": "Enter the organisation", "referrer.email": "Enter your work email"}},
		{"bad email", func(r *Referral) { r.Referrer.Email = "sam@" }, map[string]string{"referrer.email": "correct format"}},
		{"unknown role", func(r *Referral) { r.Referrer.Role = "wizard" }, map[string]string{"referrer.role": "from the list"}},
		{"no parent names", func(r *Referral) { r.Parent2.GivenName, r.Parent2.FamilyName = "", "" }, map[string]string{"parent2.given_name": "as much of it as you know"}},
		{"consent not asked without reason", func(r *Referral) { r.Parent2.ConsentReason = "" }, map[string]string{"parent2.consent_reason": "why"}},
		{"consent missing", func(r *Referral) { r.Parent1.Consent = "" }, map[string]string{"parent1.consent": "Select whether"}},
		{"html in a name", func(r *Referral) { r.Parent1.GivenName = "<script>alert(1)</script>" }, map[string]string{"parent1.given_name": "HTML"}},
		{"control characters", func(r *Referral) { r.Parent1.FamilyName = "Fos\x00ter" }, map[string]string{"parent1.family_name": "control characters"}},
		{"a megabyte", func(r *Referral) { r.AbuseKnown = strings.Repeat("a", 1<<20) }, map[string]string{"abuse_known": "5000 characters or fewer"}},
		{"due date in the past", func(r *Referral) { r.DueDate = "2026-11-01" }, map[string]string{"due_date": "today or in the future"}},
		{"due date too far ahead", func(r *Referral) { r.DueDate = "2027-10-01" }, map[string]string{"due_date": "42 weeks"}},
		{"no due date", func(r *Referral) { r.DueDate = "" }, map[string]string{"due_date": "Enter the baby's due date"}},
		// Judged against the configured today (23 November 2026), not the machine's clock.
		{"born after today", func(r *Referral) { r.Parent1.DateOfBirth = "2026-11-24" }, map[string]string{"parent1.date_of_birth": "in the past"}},
		{"born on today", func(r *Referral) { r.Parent1.DateOfBirth = "2026-11-23" }, nil},
		{"unknown area", func(r *Referral) { r.Area = "Atlantis" }, map[string]string{"area": "do not recognise"}},
		{"postcode outside funded areas is accepted", func(r *Referral) { r.Area = "EH1 1AA" }, nil},
		{"local authority", func(r *Referral) { r.Area = "Blackpool" }, nil},
		{"bad postcode", func(r *Referral) { r.Parent1.Postcode = "XYZ" }, map[string]string{"parent1.postcode": "real UK postcode"}},
		{"bad NHS number", func(r *Referral) { r.Parent1.NHSNumber = "123 456 7890" }, map[string]string{"parent1.nhs_number": "10 digits"}},
		{"bad phone", func(r *Referral) { r.Parent1.Phone = "call me" }, map[string]string{"parent1.phone": "UK phone number"}},
		{"bad safeguarding status", func(r *Referral) { r.SafeguardingStatus = "fine" }, map[string]string{"safeguarding_status": "must be"}},
		{"no abuse described", func(r *Referral) { r.AbuseKnown = "  " }, map[string]string{"abuse_known": "Describe"}},
		{"unknown source", func(r *Referral) { r.Source = "fax" }, map[string]string{"source": "self, professional or partner"}},
		// Taken by staff for the referrer: the words are about them, and a
		// phone number will do instead of an email address.
		{"taken: missing referrer", func(r *Referral) { r.Taken, r.Referrer = true, Referrer{} }, map[string]string{
			"referrer.name": "Enter the referrer's name", "referrer.role": "Select the referrer's role", "referrer.organisation": "the organisation they work for",
			"referrer.email": "email address or phone number"}},
		{"taken: a phone number instead of an email", func(r *Referral) { r.Taken, r.Referrer.Email, r.Referrer.Phone = true, "", "01253 477000" }, nil},
		{"taken: a bad email is still wrong", func(r *Referral) { r.Taken, r.Referrer.Email = true, "sam@" }, map[string]string{"referrer.email": "correct format"}},
		{"not taken: a phone number is not enough", func(r *Referral) { r.Referrer.Email, r.Referrer.Phone = "", "01253 477000" }, map[string]string{"referrer.email": "Enter your work email"}},
		{"self-referral needs safe contact", func(r *Referral) {
			r.Source, r.Referrer = Self, Referrer{}
			r.Parent1.Consent, r.Parent2.Consent = "", ""
		}, map[string]string{"safe_contact.safe_to_contact": "safe for us to phone you"}},
		{"self-referral safe number required", func(r *Referral) {
			r.Source, r.Referrer = Self, Referrer{}
			r.SafeContact = &SafeContact{SafeToContact: "yes", LeaveMessage: "no"}
		}, map[string]string{"safe_contact.number": "safe for us to call"}},
		// A parent's own referral taken by staff: the words are about the parent.
		{"taken self-referral: no name, no safe contact", func(r *Referral) {
			r.Source, r.Referrer, r.Taken = Self, Referrer{}, true
			r.Parent1.GivenName = ""
		}, map[string]string{"parent1.given_name": "Enter the parent's first name", "safe_contact.safe_to_contact": "safe for us to phone the parent"}},
		{"self-referral: no name", func(r *Referral) {
			r.Source, r.Referrer = Self, Referrer{}
			r.Parent1.GivenName = ""
			r.SafeContact = &SafeContact{SafeToContact: "no"}
		}, map[string]string{"parent1.given_name": "Enter your first name"}},
		{"self-referral not safe to phone", func(r *Referral) {
			r.Source, r.Referrer = Self, Referrer{}
			r.SafeContact = &SafeContact{SafeToContact: "no", Number: "07700 900123"}
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := professional()
			tt.mutate(&r)
			got := fieldsOf(r.Validate(cfg(t)))
			if len(got) != len(tt.want) {
				t.Fatalf("problems = %v, want %v", got, tt.want)
			}
			for f, part := range tt.want {
				if !strings.Contains(got[f], part) {
					t.Errorf("%s: %q, want it to contain %q", f, got[f], part)
				}
			}
		})
	}
}

func TestValidateCleansValues(t *testing.T) {
	r := professional()
	r.Parent1.GivenName = "  Amy "
	r.Parent1.NHSNumber = "943 476 5919"
	if err := r.Validate(cfg(t)); err != nil {
		t.Fatal(err)
	}
	if r.Parent1.GivenName != "Amy" || r.Referrer.Email != "sam@example.org" || r.Parent1.Postcode != "FY1 4AB" || r.Parent1.NHSNumber != "9434765919" {
		t.Errorf("not cleaned: %+v %+v", r.Parent1, r.Referrer)
	}
	if r.SafeContact != nil {
		t.Error("a professional referral gained a safe-contact section")
	}
}

func TestDecision(t *testing.T) {
	tests := []struct {
		name   string
		d      Decision
		source Source
		status Status
		want   string // a field with a problem, or "" for valid, or "conflict"
	}{
		{"accept", Decision{Outcome: Accept, Detail: "Meets every criterion."}, Professional, Screening, ""},
		{"accept needs reasons", Decision{Outcome: Accept}, Professional, Screening, "detail"},
		{"decline needs a reason", Decision{Outcome: Decline, Detail: "x", SignpostedTo: "Local DA service"}, Professional, Screening, "reason"},
		{"decline needs signposting", Decision{Outcome: Decline, Reason: "not_funded_area", Detail: "x"}, Professional, Screening, "signposted_to"},
		{"decline", Decision{Outcome: Decline, Reason: "not_funded_area", Detail: "Lives in Leeds.", SignpostedTo: "Leeds Domestic Violence Service"}, Professional, New, ""},
		{"more info", Decision{Outcome: RequestInfo, Question: "What is the due date?"}, Partner, AwaitingInfo, ""},
		{"more info needs a question", Decision{Outcome: RequestInfo}, Professional, Screening, "question"},
		{"more info cannot email a parent", Decision{Outcome: RequestInfo, Question: "q"}, Self, Screening, "outcome"},
		{"withdrawn", Decision{Outcome: Withdraw, Detail: "Referrer withdrew it."}, Professional, Screening, ""},
		{"no outcome", Decision{}, Professional, Screening, "outcome"},
		{"already decided", Decision{Outcome: Accept, Detail: "x"}, Professional, Accepted, "conflict"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.d.Validate(Referral{Source: tt.source}, tt.status)
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("got %v, want valid", err)
			case tt.want == "conflict":
				if problem.CodeOf(err) != problem.Conflict {
					t.Fatalf("got %v, want a conflict", err)
				}
			case tt.want != "":
				if _, ok := fieldsOf(err)[tt.want]; !ok {
					t.Fatalf("got %v, want a problem with %s", err, tt.want)
				}
			}
		})
	}
	if (Decision{Outcome: Decline}).NextStatus() != NotAccepted || (Decision{Outcome: RequestInfo}).NextStatus() != AwaitingInfo {
		t.Error("NextStatus")
	}
}

// Emails to the referrer must never carry what was said about either parent.
func TestEmailsCarryNoParentDetails(t *testing.T) {
	r := professional()
	r.Parent1.Address = "CANARY-ADDRESS"
	r.Parent2.Phone = "CANARY-PHONE"
	r.AbuseKnown = "CANARY-DISCLOSURE"
	for _, e := range []Email{
		Acknowledgement("For Baby's Sake", "REF-2026-000001", r),
		OutcomeEmail("For Baby's Sake", "REF-2026-000001", r, Decision{Outcome: Accept, Detail: "CANARY-REASONS"}),
		OutcomeEmail("For Baby's Sake", "REF-2026-000001", r, Decision{Outcome: Decline, Reason: "not_funded_area", Detail: "CANARY-REASONS", SignpostedTo: "Leeds DV service"}),
		MoreInformation("For Baby's Sake", "REF-2026-000001", r, Decision{Outcome: RequestInfo, Question: "When is the baby due?"}),
	} {
		text := e.Subject + e.Text
		for _, canary := range []string{"CANARY", "Amy", "Foster", "Jordan", "Price"} {
			if strings.Contains(text, canary) {
				t.Errorf("email %q contains %q", e.Subject, canary)
			}
		}
		if !strings.Contains(text, "REF-2026-000001") {
			t.Errorf("email %q lacks the reference", e.Subject)
		}
	}
}

// Anything after the referral's one JSON value is refused (found by
// FuzzDecodeJSON: a stray "]" or "}" was accepted).
func TestDecodeJSONTrailingData(t *testing.T) {
	for _, body := range []string{`{}]`, `{}}`, `{} {}`, `{} x`, `{}"`} {
		_, err := DecodeJSON([]byte(body))
		var de *DecodeError
		if !errors.As(err, &de) || de.Message != "The body must hold one JSON object" {
			t.Errorf("DecodeJSON(%s) = %v", body, err)
		}
	}
	if _, err := DecodeJSON([]byte(" {} \n")); err != nil {
		t.Errorf("white space around the object: %v", err)
	}
}

// A field named twice is refused, even with its case changed: encoding/json
// would quietly keep the last one.
func TestDecodeJSONDuplicateFields(t *testing.T) {
	for body, field := range map[string]string{
		`{"area": "Blackpool", "area": "Hertfordshire"}`:                      "area",
		`{"parent1": {"given_name": "Amy", "Given_Name": "Jo"}}`:              "parent1.Given_Name",
		`{"referrer": {"email": "a@example.org"}, "REFERRER": {"email": ""}}`: "REFERRER",
	} {
		_, err := DecodeJSON([]byte(body))
		var de *DecodeError
		if !errors.As(err, &de) || !strings.Contains(de.Message, "field "+field+" is given more than once") {
			t.Errorf("DecodeJSON(%s) = %v", body, err)
		}
	}
}

func TestTaken(t *testing.T) {
	today := time.Date(2026, 12, 4, 15, 30, 0, 0, time.UTC)
	for _, tc := range []struct {
		name, channel, on string
		want              map[string]string
	}{
		{"by phone today", "phone", "2026-12-04", nil},
		{"by letter, the limit ago", "letter", "2026-11-04", nil},
		{"no channel", "", "2026-12-04", map[string]string{"channel": "Select how"}},
		{"an unknown channel", "fax", "2026-12-04", map[string]string{"channel": "from the list"}},
		{"no date", "email", "", map[string]string{"received_on": "Enter the date"}},
		{"not a date", "email", "2026-02-30", map[string]string{"received_on": "real date"}},
		{"tomorrow", "email", "2026-12-05", map[string]string{"received_on": "today or in the past"}},
		{"a day past the limit", "email", "2026-11-03", map[string]string{"received_on": "within the last 30 days"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			on, fs := Taken(tc.channel, tc.on, today)
			got := map[string]string{}
			for _, f := range fs {
				got[f.Name] = f.Message
			}
			if len(got) != len(tc.want) {
				t.Fatalf("problems = %v, want %v", got, tc.want)
			}
			for f, part := range tc.want {
				if !strings.Contains(got[f], part) {
					t.Errorf("%s: %q, want it to contain %q", f, got[f], part)
				}
			}
			if tc.want == nil && on.Format(time.DateOnly) != tc.on {
				t.Errorf("date %v, want %s", on, tc.on)
			}
		})
	}
}

func TestDecisionToTell(t *testing.T) {
	tests := []struct {
		src  Source
		st   Status
		want bool
	}{
		{Professional, New, false},
		{Professional, Screening, false},
		{Professional, AwaitingInfo, false},
		{Professional, Accepted, true},
		{Professional, NotAccepted, true},
		{Professional, Withdrawn, true},
		{Partner, Accepted, true},
		{Self, New, false},
		{Self, Accepted, false},
		{Self, NotAccepted, true},
		{Self, Withdrawn, false},
		{Professional, Status("unknown"), false},
	}
	for _, tt := range tests {
		if got := DecisionToTell(tt.src, tt.st); got != tt.want {
			t.Errorf("DecisionToTell(%s, %s) = %v, want %v", tt.src, tt.st, got, tt.want)
		}
	}
}
