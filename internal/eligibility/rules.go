package eligibility

import (
	"fmt"
	"strings"
	"time"
)

// Status is a rule's outcome. Unknown is not a failure: it says what a
// manager needs to find out.
type Status string

const (
	Met     Status = "met"
	NotMet  Status = "not_met"
	Unknown Status = "unknown"
)

// Rule names, in the order Assess reports them.
const (
	RuleFundedArea          = "funded_area"
	RuleGestation           = "gestation"
	RuleParentAges          = "parent_ages"
	RulePersonallyConnected = "personally_connected"
	RuleAbuseDisclosed      = "abuse_disclosed"
	RuleBothWantToCoParent  = "both_want_to_co_parent"
	RuleBothWantBestStart   = "both_want_best_start"
	RuleConsent             = "consent"
)

// Result is one rule's outcome with its reason in plain English. Reasons
// never repeat what the referrer typed.
type Result struct {
	Rule   string
	Label  string
	Status Status
	Reason string
}

// Answer is a yes / no / not known answer on the referral. Anything else,
// including "", counts as not known.
type Answer string

const (
	Yes      Answer = "yes"
	No       Answer = "no"
	NotKnown Answer = "not_known"
)

// Relationship is how the parents are personally connected, in the terms of
// the Domestic Abuse Act 2021, s.2.
type Relationship string

const (
	Married                   Relationship = "married"                     // now or before
	CivilPartners             Relationship = "civil_partners"              // now or before
	Engaged                   Relationship = "engaged"                     // agreed to marry, even if ended
	CivilPartnershipAgreement Relationship = "civil_partnership_agreement" // even if ended
	IntimateRelationship      Relationship = "intimate_relationship"       // now or before
	ParentsOfSameChild        Relationship = "parents_of_same_child"
	Relatives                 Relationship = "relatives"
	NotConnected              Relationship = "none"
	RelationshipNotKnown      Relationship = "not_known"
)

// wording describes each personally connected type for a reason.
func (r Relationship) wording() (string, bool) {
	switch r {
	case Married:
		return "married, now or before", true
	case CivilPartners:
		return "civil partners, now or before", true
	case Engaged:
		return "engaged to marry, now or before", true
	case CivilPartnershipAgreement:
		return "agreed to enter a civil partnership, now or before", true
	case IntimateRelationship:
		return "in an intimate personal relationship, now or before", true
	case ParentsOfSameChild:
		return "both parents of the same child", true
	case Relatives:
		return "relatives", true
	}
	return "", false
}

// PersonallyConnected reports whether r is one of the Act's types.
func (r Relationship) PersonallyConnected() bool {
	_, ok := r.wording()
	return ok
}

// Facts are what a referral says, already parsed. Zero values mean not known.
type Facts struct {
	ReferredOn             time.Time
	EDD                    time.Time // zero = not known
	BabyBorn               bool      // the referral says the baby is already born
	Area                   string    // as typed: a postcode or a local authority; "" = not given
	RemoteAsked            bool      // the family asks for the remote offer
	Parent1DOB, Parent2DOB time.Time // zero = not known
	Relationship           Relationship
	AbuseDisclosed         Answer
	BothWantToCoParent     Answer
	BothWantBestStart      Answer
	Consent1, Consent2     Answer
}

// Assessment is every rule's outcome and the dates worked out on the way.
type Assessment struct {
	Results             []Result
	GestationAtReferral Gestation
	GestationKnown      bool      // false without a plausible EDD and referral date, or once the baby is born
	ProgrammeStart      time.Time // the date at StartWeeks+0; zero without an EDD
	Scheduled           bool      // referred before the start: accepted, with the start scheduled
	AreaName            string    // the funded area, or the remote offer's name
	Eligible            Status    // met if every rule is met; not met if any is not; otherwise unknown
}

// Result returns the outcome of one rule by name.
func (a Assessment) Result(rule string) (Result, bool) {
	for _, r := range a.Results {
		if r.Rule == rule {
			return r, true
		}
	}
	return Result{}, false
}

// Assess checks a referral against every rule. It decides nothing: a
// manager reads the outcomes and decides.
func Assess(cfg Config, f Facts) Assessment {
	var a Assessment
	a.Results = []Result{
		fundedArea(cfg, f, &a),
		gestation(cfg, f, &a),
		parentAges(cfg, f),
		personallyConnected(f.Relationship),
		answerRule(RuleAbuseDisclosed, "Domestic abuse disclosed", f.AbuseDisclosed,
			"Domestic abuse has been disclosed",
			"The referral says domestic abuse has not been disclosed",
			"It is not known whether domestic abuse has been disclosed"),
		answerRule(RuleBothWantToCoParent, "Both parents want to co-parent", f.BothWantToCoParent,
			"Both parents want to co-parent the baby",
			"The referral says the parents do not both want to co-parent the baby",
			"It is not known whether both parents want to co-parent the baby"),
		answerRule(RuleBothWantBestStart, "Both want to give the baby the best start", f.BothWantBestStart,
			"Both parents want to give the baby the best start",
			"The referral says the parents do not both want to give the baby the best start",
			"It is not known whether both parents want to give the baby the best start"),
		consent(f.Consent1, f.Consent2),
	}
	a.Eligible = Met
	for _, r := range a.Results {
		switch r.Status {
		case NotMet:
			a.Eligible = NotMet
		case Met:
		default:
			if a.Eligible == Met {
				a.Eligible = Unknown
			}
		}
	}
	return a
}

func result(rule, label string, s Status, reason string) Result {
	return Result{Rule: rule, Label: label, Status: s, Reason: reason}
}

func fundedArea(cfg Config, f Facts, a *Assessment) Result {
	r := func(s Status, reason string) Result {
		return result(RuleFundedArea, "Lives in a funded area", s, reason)
	}
	typed := strings.TrimSpace(f.Area)
	if typed != "" {
		if name, how, ok := ResolveArea(cfg, typed); ok {
			a.AreaName = name
			reason := fmt.Sprintf("The %s is in %s, a funded area", how, name)
			if f.RemoteAsked {
				// A local team exists, so the remote offer is not needed;
				// say so rather than silently ignore the request.
				reason += ". The family asked for the remote offer, but there is a local team"
			}
			return r(Met, reason)
		}
	}
	_, _, isPostcode := NormalisePostcode(typed)
	var where string // why there is no funded area
	switch {
	case typed == "":
		where = "No postcode or local authority was given"
	case isPostcode:
		where = "The postcode is not in a funded area"
	default:
		where = "The postcode or local authority was not recognised"
	}
	remote := cfg.Remote
	switch {
	case remote != nil && f.RemoteAsked:
		a.AreaName = remote.Name
		return r(Met, where+". The family asked for the remote offer: "+remote.Name)
	case remote != nil && isPostcode:
		a.AreaName = remote.Name
		return r(Met, where+". The remote offer applies: "+remote.Name)
	case remote != nil && typed != "":
		return r(Unknown, where+". Check it. The remote offer may apply: "+remote.Name)
	case isPostcode:
		return r(NotMet, where+", and there is no remote offer")
	}
	return r(Unknown, where)
}

func gestation(cfg Config, f Facts, a *Assessment) Result {
	r := func(s Status, reason string) Result { return result(RuleGestation, "Gestation", s, reason) }
	if !f.EDD.IsZero() {
		a.ProgrammeStart = DateAtGestation(f.EDD, cfg.StartWeeks, 0)
	}
	start := Gestation{Weeks: cfg.StartWeeks}
	latest := Gestation{Weeks: cfg.LatestWeeks}
	switch {
	case f.BabyBorn:
		return r(NotMet, "The baby has been born: the programme starts in pregnancy")
	case f.ReferredOn.IsZero():
		return r(Unknown, "The referral date is not known")
	case f.EDD.IsZero():
		return r(Unknown, "The due date is not known")
	case DaysBetween(f.ReferredOn, f.EDD) > cfg.MaxEDDAheadWeeks*7:
		return r(Unknown, fmt.Sprintf("The due date is more than %d weeks after the referral date: check it", cfg.MaxEDDAheadWeeks))
	}
	g := GestationOn(f.EDD, f.ReferredOn)
	a.GestationAtReferral, a.GestationKnown = g, true
	switch {
	case g.InDays() < start.InDays():
		a.Scheduled = true
		return r(Met, fmt.Sprintf("Referred at %s weeks: the programme will start on %s (%s weeks)",
			g, FormatDate(a.ProgrammeStart), start))
	case g.InDays() > latest.InDays():
		return r(NotMet, fmt.Sprintf("Referred at %s weeks: later than %s weeks", g, latest))
	case g.InDays() > termDays:
		return r(Met, fmt.Sprintf("Referred at %s weeks, after the due date: check whether the baby has been born", g))
	}
	return r(Met, fmt.Sprintf("Referred at %s weeks: the programme can start now", g))
}

func parentAges(cfg Config, f Facts) Result {
	r := func(s Status, reason string) Result {
		return result(RuleParentAges, fmt.Sprintf("Both parents are %d or over", cfg.MinParentAge), s, reason)
	}
	if f.ReferredOn.IsZero() {
		return r(Unknown, "The referral date is not known")
	}
	var under, missing, later []string
	var turns time.Time
	for i, dob := range []time.Time{f.Parent1DOB, f.Parent2DOB} {
		p := fmt.Sprintf("Parent %d", i+1)
		switch {
		case dob.IsZero():
			missing = append(missing, p)
		case DaysBetween(f.ReferredOn, dob) > 0:
			later = append(later, p)
		case AgeOn(dob, f.ReferredOn) < cfg.MinParentAge:
			under = append(under, p)
			turns = DateAtAge(dob, cfg.MinParentAge)
		}
	}
	switch {
	case len(under) == 2:
		return r(NotMet, fmt.Sprintf("Both parents are under %d", cfg.MinParentAge))
	case len(under) == 1:
		// The date helps a manager see whether the parent will be old
		// enough by the time the programme starts.
		return r(NotMet, fmt.Sprintf("%s is under %d: turns %d on %s", under[0], cfg.MinParentAge, cfg.MinParentAge, FormatDate(turns)))
	case len(later) == 2:
		return r(Unknown, "Both parents' dates of birth are after the referral date: check them")
	case len(later) == 1:
		return r(Unknown, later[0]+"'s date of birth is after the referral date: check it")
	case len(missing) == 2:
		return r(Unknown, "Neither parent's date of birth is known")
	case len(missing) == 1:
		return r(Unknown, missing[0]+"'s date of birth is not known")
	}
	return r(Met, fmt.Sprintf("Both parents were %d or over on the referral date", cfg.MinParentAge))
}

func personallyConnected(rel Relationship) Result {
	r := func(s Status, reason string) Result {
		return result(RulePersonallyConnected, "Personally connected", s, reason)
	}
	if w, ok := rel.wording(); ok {
		return r(Met, "The parents are personally connected: "+w)
	}
	switch rel {
	case NotConnected:
		return r(NotMet, "The parents are not personally connected as the Domestic Abuse Act 2021 defines it")
	case RelationshipNotKnown, "":
		return r(Unknown, "It is not known how the parents are connected")
	}
	return r(Unknown, "The relationship was not recognised")
}

func answerRule(rule, label string, ans Answer, yes, no, unknown string) Result {
	switch ans {
	case Yes:
		return result(rule, label, Met, yes)
	case No:
		return result(rule, label, NotMet, no)
	}
	return result(rule, label, Unknown, unknown)
}

func consent(c1, c2 Answer) Result {
	r := func(s Status, reason string) Result { return result(RuleConsent, "Both parents consent", s, reason) }
	switch {
	case c1 == Yes && c2 == Yes:
		return r(Met, "Both parents consent to join")
	case c1 == No && c2 == No:
		return r(NotMet, "Neither parent consents to join")
	case c1 == No:
		return r(NotMet, "Parent 1 does not consent to join")
	case c2 == No:
		return r(NotMet, "Parent 2 does not consent to join")
	case c1 != Yes && c2 != Yes:
		return r(Unknown, "Neither parent's consent is known")
	case c1 != Yes:
		return r(Unknown, "Parent 1's consent is not known")
	}
	return r(Unknown, "Parent 2's consent is not known")
}
