package referral

import (
	"errors"
	"strings"
	"time"

	"github.com/cradle-org/cradle/internal/eligibility"
	"github.com/cradle-org/cradle/internal/match"
	"github.com/cradle-org/cradle/internal/org"
	"github.com/cradle-org/cradle/internal/problem"
)

// Field length limits: generous for real text, small enough that nobody
// can fill the database through a public form.
const (
	maxName  = 100
	maxShort = 200
	maxLong  = 5000
)

// checkText applies the shared text rules (see problem.Fields.Text).
func checkText(fs *problem.Fields, name, label string, v *string, max int, multiline bool) {
	fs.Text(name, label, v, max, multiline)
}

// The messages for a postcode, phone number or email address in a form
// Cradle cannot use, shared by every form that takes them.
const (
	PostcodeMessage = "Enter a real UK postcode, like FY1 4AB"
	PhoneMessage    = "Enter a UK phone number, like 07700 900 982"
	EmailMessage    = "Enter an email address in the correct format, like name@example.org"
)

// CheckPhone adds PhoneMessage for field name when v, an optional phone
// number already checked as text, is not a UK one (match.NormalisePhone)
// and the field has no problem yet.
func CheckPhone(fs *problem.Fields, name, v string) {
	if v != "" && !fs.Has(name) && match.NormalisePhone(v) == "" {
		fs.Add(name, PhoneMessage)
	}
}

// CheckEmail normalises an optional email address in place
// (org.NormaliseEmail) and adds EmailMessage for field name when it is not
// a plain address (org.ValidEmail) and the field has no problem yet.
func CheckEmail(fs *problem.Fields, name string, v *string) {
	*v = org.NormaliseEmail(*v)
	if *v != "" && !fs.Has(name) && !org.ValidEmail(*v) {
		fs.Add(name, EmailMessage)
	}
}

// CheckPostcode puts an optional full UK postcode, already checked as
// text, in standard form in place ("fy14ab" becomes "FY1 4AB"), and adds
// PostcodeMessage for field name when it is not one and the field has no
// problem yet. An outward code alone ("FY1") is not a postcode for an
// address: a parent's on a referral may be (see validateParent).
func CheckPostcode(fs *problem.Fields, name string, v *string) {
	if *v == "" || fs.Has(name) {
		return
	}
	if full, _, ok := eligibility.NormalisePostcode(*v); ok && full != "" {
		*v = full
		return
	}
	fs.Add(name, PostcodeMessage)
}

// Config is what validation needs to know about the programme.
type Config struct {
	Eligibility eligibility.Config
	Today       time.Time
}

// Validate cleans every field in place and checks the referral for its
// source. Problems are keyed by field path (e.g. "parent1.given_name"), the
// names the API reports and the forms use as ids.
func (r *Referral) Validate(cfg Config) error {
	var fs problem.Fields
	switch r.Source {
	case Professional, Partner:
		r.validateReferrer(&fs)
	case Self:
	default:
		fs.Add("source", "Referral source must be self, professional or partner")
		return fs.Err()
	}
	r.validateParent(&fs, "parent1", &r.Parent1, cfg.Today)
	r.validateParent(&fs, "parent2", &r.Parent2, cfg.Today)
	if r.Source == Self {
		// A parent's own referral taken by staff is written about the parent.
		your, you := "your", "you"
		if r.Taken {
			your, you = "the parent's", "the parent"
		}
		if r.Parent1.GivenName == "" && !fs.Has("parent1.given_name") {
			fs.Add("parent1.given_name", "Enter "+your+" first name")
		}
		r.validateSafeContact(&fs, you)
	} else {
		for _, p := range []struct {
			path string
			who  string
			p    *Parent
		}{{"parent1", "the first parent", &r.Parent1}, {"parent2", "the second parent", &r.Parent2}} {
			if p.p.GivenName == "" && p.p.FamilyName == "" && !fs.Has(p.path+".given_name") {
				fs.Add(p.path+".given_name", "Enter the name of "+p.who+", or as much of it as you know")
			}
			switch {
			case p.p.Consent == "":
				fs.Add(p.path+".consent", "Select whether "+p.who+" consents to this referral")
			case !valid(ConsentOptions(), p.p.Consent):
				fs.Add(p.path+".consent", "Consent must be yes, no or not asked")
			case p.p.Consent == "not_asked" && p.p.ConsentReason == "" && !fs.Has(p.path+".consent_reason"):
				fs.Add(p.path+".consent_reason", "Explain why "+p.who+" has not been asked")
			}
		}
	}
	r.validateDueDate(&fs, cfg)
	r.validateArea(&fs, cfg)
	checkText(&fs, "abuse_known", "What is known about domestic abuse", &r.AbuseKnown, maxLong, true)
	checkText(&fs, "anything_else", "Anything else", &r.AnythingElse, maxLong, true)
	if r.Source != Self {
		if r.AbuseKnown == "" && !fs.Has("abuse_known") {
			fs.Add("abuse_known", "Describe what is known about domestic abuse in this family")
		}
		switch {
		case r.SafeguardingStatus == "":
			fs.Add("safeguarding_status", "Select the family's current safeguarding status")
		case !valid(SafeguardingStatuses(), r.SafeguardingStatus):
			fs.Add("safeguarding_status", "Safeguarding status must be none, child in need, child protection plan or unborn baby assessment")
		}
	}
	if r.Relationship != "" && !valid(Relationships(), r.Relationship) {
		fs.Add("relationship", "Select how the parents are connected from the list")
	}
	for _, a := range []struct{ name, v string }{{"both_want_to_co_parent", r.BothWantToCoParent}, {"both_want_best_start", r.BothWantBestStart}} {
		if a.v != "" && !valid(Answers(), a.v) {
			fs.Add(a.name, "Answer yes, no or not known")
		}
	}
	return fs.Err()
}

func (r *Referral) validateReferrer(fs *problem.Fields) {
	ref := &r.Referrer
	checkText(fs, "referrer.name", "Your name", &ref.Name, maxName, false)
	checkText(fs, "referrer.organisation", "Organisation", &ref.Organisation, maxShort, false)
	checkText(fs, "referrer.phone", "Phone number", &ref.Phone, 40, false)
	ref.Email = org.NormaliseEmail(ref.Email)
	// A referral taken by staff is written about the referrer, not by them.
	your, you := "your", "you"
	if r.Taken {
		your, you = "the referrer's", "they"
	}
	if ref.Name == "" && !fs.Has("referrer.name") {
		fs.Add("referrer.name", "Enter "+your+" name")
	}
	switch {
	case ref.Role == "":
		fs.Add("referrer.role", "Select "+your+" role")
	case !valid(ReferrerRoles(), ref.Role):
		fs.Add("referrer.role", "Select "+your+" role from the list")
	}
	if ref.Organisation == "" && !fs.Has("referrer.organisation") {
		fs.Add("referrer.organisation", "Enter the organisation "+you+" work for")
	}
	switch {
	case ref.Email == "" && r.Taken && ref.Phone == "":
		fs.Add("referrer.email", "Enter the referrer's work email address or phone number, so we can tell them what happens next")
	case ref.Email == "" && r.Taken:
		// A phone number will do: whoever took it tells them.
	case ref.Email == "":
		fs.Add("referrer.email", "Enter your work email address, so we can tell you what happens next")
	case !org.ValidEmail(ref.Email):
		fs.Add("referrer.email", "Enter an email address in the correct format, like name@example.org")
	}
	if ref.Phone != "" && !fs.Has("referrer.phone") && match.NormalisePhone(ref.Phone) == "" {
		fs.Add("referrer.phone", "Enter a UK phone number, like 01632 960 001 or 07700 900 982")
	}
}

// validateParent checks one parent's details; a date of birth is judged
// against the configured today, like the due date, not the machine's clock.
func (r *Referral) validateParent(fs *problem.Fields, path string, p *Parent, today time.Time) {
	checkText(fs, path+".given_name", "First name", &p.GivenName, maxName, false)
	checkText(fs, path+".family_name", "Last name", &p.FamilyName, maxName, false)
	checkText(fs, path+".phone", "Phone number", &p.Phone, 40, false)
	checkText(fs, path+".address", "Address", &p.Address, maxShort, true)
	checkText(fs, path+".postcode", "Postcode", &p.Postcode, 10, false)
	checkText(fs, path+".nhs_number", "NHS number", &p.NHSNumber, 20, false)
	checkText(fs, path+".consent_reason", "Reason", &p.ConsentReason, maxShort, true)
	if p.DateOfBirth != "" {
		dob, err := time.Parse(time.DateOnly, p.DateOfBirth)
		switch {
		case err != nil:
			fs.Add(path+".date_of_birth", "Date of birth must be a real date, like 2000-03-27")
		case dob.After(today):
			fs.Add(path+".date_of_birth", "Date of birth must be in the past")
		case dob.Year() < 1900:
			fs.Add(path+".date_of_birth", "Date of birth must be after 1900")
		}
	}
	CheckPhone(fs, path+".phone", p.Phone)
	CheckEmail(fs, path+".email", &p.Email)
	if p.Postcode != "" && !fs.Has(path+".postcode") {
		// An outward code alone will do here (CheckPostcode's will not).
		if full, _, ok := eligibility.NormalisePostcode(p.Postcode); ok {
			p.Postcode = full
		} else {
			fs.Add(path+".postcode", PostcodeMessage)
		}
	}
	if p.NHSNumber != "" && !fs.Has(path+".nhs_number") {
		if !match.ValidNHSNumber(p.NHSNumber) {
			fs.Add(path+".nhs_number", "NHS number must be 10 digits, like 485 777 3456")
		} else {
			p.NHSNumber = strings.Map(func(r rune) rune {
				if r >= '0' && r <= '9' {
					return r
				}
				return -1
			}, p.NHSNumber)
		}
	}
}

func (r *Referral) validateSafeContact(fs *problem.Fields, you string) {
	if r.SafeContact == nil {
		r.SafeContact = &SafeContact{}
	}
	c := r.SafeContact
	checkText(fs, "safe_contact.number", "Safe phone number", &c.Number, 40, false)
	checkText(fs, "safe_contact.times", "Safe times", &c.Times, maxShort, true)
	switch c.SafeToContact {
	case "yes":
		if c.Number == "" && !fs.Has("safe_contact.number") {
			fs.Add("safe_contact.number", "Enter a phone number that is safe for us to call")
		} else {
			CheckPhone(fs, "safe_contact.number", c.Number)
		}
		if c.LeaveMessage != "yes" && c.LeaveMessage != "no" {
			fs.Add("safe_contact.leave_message", "Select whether we can leave a message")
		}
	case "no":
		c.Number, c.LeaveMessage = "", ""
	default:
		fs.Add("safe_contact.safe_to_contact", "Select whether it is safe for us to phone "+you)
	}
}

func (r *Referral) validateDueDate(fs *problem.Fields, cfg Config) {
	if r.DueDate == "" {
		if !fs.Has("due_date") {
			fs.Add("due_date", "Enter the baby's due date")
		}
		return
	}
	edd, err := time.Parse(time.DateOnly, r.DueDate)
	if err != nil {
		fs.Add("due_date", "Due date must be a real date")
		return
	}
	if err := eligibility.CheckEDD(edd, cfg.Today, cfg.Eligibility); err != nil {
		var de *eligibility.DateError
		if errors.As(err, &de) {
			fs.Add("due_date", de.Message)
		} else {
			fs.Add("due_date", "Enter a real due date")
		}
	}
}

func (r *Referral) validateArea(fs *problem.Fields, cfg Config) {
	checkText(fs, "area", "Postcode or local authority", &r.Area, maxShort, false)
	if fs.Has("area") {
		return
	}
	if r.Area == "" {
		fs.Add("area", "Enter a postcode or the local authority area")
		return
	}
	if _, _, ok := eligibility.ResolveArea(cfg.Eligibility, r.Area); ok {
		return
	}
	if _, _, ok := eligibility.NormalisePostcode(r.Area); ok {
		return // a real postcode outside the funded areas: screening decides (the remote offer may fit)
	}
	fs.Add("area", "We do not recognise that area. Enter a postcode, like FY1 4AB, or a local authority, like Blackpool")
}
