package policy

import (
	"fmt"
	"slices"
	"time"
)

// Can is Decide(...).Allowed, for callers that only need yes or no.
func Can(a Actor, act Action, t Target, now time.Time) bool {
	return decide(a, act, t, now, false).Allowed
}

func allow(reason string) Decision { return Decision{Allowed: true, Reason: reason} }
func deny(reason string) Decision  { return Decision{Reason: reason} }

// denyState refuses for the record's state alone (Decision.State).
func denyState(reason string) Decision { return Decision{Reason: reason, State: true} }

// allowed allows, with the reason why worked out only when it is wanted
// (explain): Can, which a caseload asks once for each of hundreds of
// families, never reads it, and formatting it was an allocation each time.
func allowed(explain bool, why func() string) Decision {
	if !explain {
		return Decision{Allowed: true}
	}
	return allow(why())
}

// Decide answers whether a may do act to t at time now. The checks run from
// "who are you" through "what may your role do" to "is this record yours",
// and the first failure is the reason given.
func Decide(a Actor, act Action, t Target, now time.Time) Decision {
	return decide(a, act, t, now, true)
}

// decide is Decide; without explain an allowing decision may leave its
// reason out. Can, which a caseload asks once for each of hundreds of
// families, never reads it, and writing it was an allocation each time.
func decide(a Actor, act Action, t Target, now time.Time, explain bool) Decision {
	if !act.Valid() {
		return deny(fmt.Sprintf("%q is not a recognised action, so it is refused", string(act)))
	}
	if a.Partner != nil {
		return decidePartner(a, act)
	}
	if a.public() {
		if act == SubmitReferral {
			return allow("anyone may make a referral through the public form")
		}
		return deny("sign in to do this")
	}
	switch {
	case a.Disabled:
		return deny("this staff account is disabled")
	case a.StaffID <= 0:
		return deny("the request does not come from a signed-in staff member")
	case !a.Role.Valid():
		return deny(fmt.Sprintf("role %q is not recognised, so nothing is allowed", string(a.Role)))
	}

	g := grantFor(a.Role, grantedAs(act, t))
	if g == never {
		return deny(whyNot(a.Role, act))
	}
	if d, ok := targetComplete(act, t); !ok {
		return d
	}
	d := access(a, act, t, g, now, explain)
	if !d.Allowed {
		return d
	}
	// Open/closed is checked last so a stranger learns nothing about the
	// case's state from the reason.
	if s, ok := caseState(act, t); !ok {
		return s
	}
	return d
}

// decidePartner handles API tokens: they exist only to deliver referrals, so
// everything else is refused whatever scopes the token claims.
func decidePartner(a Actor, act Action) Decision {
	p := a.Partner
	if a.StaffID != 0 || a.Role != "" || a.Disabled || p.OrgID <= 0 {
		return deny("the partner credentials are malformed, so nothing is allowed")
	}
	if act != SubmitReferral {
		return deny("partner organisations can only submit referrals")
	}
	for _, s := range p.Scopes {
		if s == ScopeCreateReferrals {
			return allow("the partner token may submit referrals")
		}
	}
	return deny(fmt.Sprintf("this partner token lacks the %q scope", ScopeCreateReferrals))
}

// grant says how far a role's permission for an action reaches.
type grant int

const (
	never         grant = iota
	anywhere            // no area limit (or the action has no record)
	inOwnArea           // the record must be in one of the actor's areas
	allocated           // practitioner allocated to a parent of the family
	ownParent           // only the parent's own practitioner (parents); else as allocated
	ownOrFamily         // a parent's: as ownParent; the baby's or a child's: as allocated
	otherParent         // practitioner of the other parent of the same family
	outsideAreas        // only a referral that belongs to no area
	tookIn              // only a referral the actor took in (Target.TakenBy)
	ownTask             // only a task for the actor (Target.AssignedTo)
	ownTaskOrArea       // a task for the actor, or any in one of their areas
	raisedIt            // only a concern the actor raised (Target.RaisedBy)
	raisedOrArea        // a concern the actor raised, or any in one of their areas
	ownsAction          // only a concern with an action for the actor (Target.ActionOwners)
	wroteIt             // only a note the actor wrote (Target.RecordedBy), of a parent still theirs
)

// grantedAs is the action whose grant decides act on t. A concern raised
// from a referral, before there is a family anyone is allocated to, may be
// raised by whoever may see the referral: any member of staff may raise a
// concern, and one who reads of a baby in danger while a referral is
// screened must not wait for it to be accepted.
func grantedAs(act Action, t Target) Action {
	if act == RaiseConcern && t.FamilyID == 0 && t.ReferralID != 0 {
		return ViewReferral
	}
	return act
}

// grantFor is the role-by-action matrix. Anything not listed is never
// allowed, so a new action or role starts denied.
func grantFor(r Role, act Action) grant {
	switch act {
	case SubmitReferral:
		return anywhere // any signed-in staff member may refer
	case ManageOwnAccount:
		return anywhere // their own, whatever their role
	}
	switch r {
	case Practitioner:
		switch act {
		case ViewReferral, ViewIdentifiableReports:
			// The report layer narrows identifiable reports to the
			// practitioner's own caseload.
			return inOwnArea
		case ViewFamily, EditFamily, ViewPerson, EditPerson, RaiseConcern:
			return allocated
		case ViewConfidential, EditConfidential:
			return ownParent
		case ViewMeasures, RecordMeasure:
			return ownOrFamily
		case BreakGlass:
			return otherParent
		case ListCases:
			// Each list is narrowed to the practitioner's own families.
			return anywhere
		case TakeReferral:
			// Whoever answers the phone: the referral goes to its area's queue.
			return anywhere
		case AcknowledgeReferral:
			// They told the referrer its reference on the call.
			return tookIn
		case CompleteTask:
			// Their own; the co-parent's practitioner's are not theirs to
			// close.
			return ownTask
		case ViewConcern:
			// One they raised, to follow it to its outcome; a concern
			// about their family raised by another may be about their
			// parent's co-parent, and is the leads' and managers'.
			return raisedIt
		case ViewOwnConcernActions:
			return ownsAction
		case CorrectCaseNote:
			// Their own notes, of a parent still theirs: another's words
			// are not theirs to rewrite.
			return wroteIt
		}
	case TeamManager:
		switch act {
		case ViewReferral, ScreenReferral, AcknowledgeReferral,
			ViewFamily, EditFamily, AllocateFamily, CloseFamily, ReopenFamily,
			ViewPerson, EditPerson, ViewConfidential, EditConfidential, ViewMeasures, RecordMeasure,
			RaiseConcern, ViewRecordAudit, ViewAggregates, ViewIdentifiableReports, WriteSupervision,
			CorrectCaseNote, ReviewRetention, ApproveErasure:
			// Managers supervise both parents' practitioners, so they see
			// both sides, but only in their own teams.
			return inOwnArea
		case ListCases, ListRetention, ViewTeamCaseloads, TakeReferral:
			// Each list is narrowed to the manager's areas; a referral
			// taken goes to its own area's queue.
			return anywhere
		case CompleteTask:
			// They oversee their areas' tasks (those for no one in
			// particular come to them), and may own a concern's action
			// elsewhere.
			return ownTaskOrArea
		case ViewConcern:
			// Their areas' (they see both parents' details there, and
			// screen the area's referrals), and any they raised elsewhere.
			return raisedOrArea
		case ViewOwnConcernActions:
			return ownsAction
		}
	case DSL:
		switch act {
		case ViewReferral, ScreenReferral, AcknowledgeReferral, ViewFamily, ViewPerson, ViewConfidential, ViewMeasures,
			RaiseConcern, DecideConcern, ViewConcern, ViewRecordAudit, ViewAggregates, ViewIdentifiableReports, ChoosePublicListing, ListCases, ViewTeamCaseloads, ExportSubjectAccess,
			ListRetention, ReviewRetention, TakeReferral:
			// A DSL may keep a record (child protection work they know
			// of) or ask for deletion, but approving is a manager's.
			return anywhere
		case ApproveErasure:
			// ...except for a referral from outside every area, which no
			// (area-bound) manager could ever approve.
			return outsideAreas
		case CompleteTask:
			// A concern's action a lead took on themselves.
			return ownTask
		case ViewOwnConcernActions:
			return ownsAction
		}
	case Admin:
		switch act {
		case ManageStaff, ManageTokens, ManageMailingList, ManageMail, ManageSite, ViewAuditLog, ViewRecordAudit, ViewAggregates, ExportResearch:
			// Audit entries are metadata (who looked, when), not the record.
			return anywhere
		}
	case Analyst:
		if act == ViewAggregates {
			return anywhere
		}
	}
	return never
}

// whyNot explains a role-level refusal in the terms staff will recognise.
func whyNot(r Role, act Action) string {
	switch {
	case act == DecideConcern:
		return "only a designated safeguarding lead can decide a safeguarding concern"
	case act == ViewAuditLog || act == ManageStaff || act == ManageTokens || act == ManageMailingList || act == ManageMail || act == ManageSite || act == ExportResearch:
		return "only administrators can " + act.phrase()
	case act == ExportSubjectAccess:
		return "only a designated safeguarding lead can prepare a subject access request, as they review it before it is released"
	case act == ChoosePublicListing:
		return "only designated safeguarding leads are listed on the public safeguarding page"
	case act == ApproveErasure:
		return "only a team manager of the record's area can approve deleting it (a designated safeguarding lead, for a referral from outside every area)"
	case r == Admin:
		return "administrators manage accounts, tokens and the audit log; they never see referrals or family records"
	case r == Analyst:
		return "analysts see aggregate, pseudonymised figures only"
	case r == DSL && act == EditConfidential:
		return "designated safeguarding leads can read but not change a parent's confidential details"
	case r == DSL && act == RecordMeasure:
		return "designated safeguarding leads can read but not record outcome measures; that is for the family's practitioners"
	case r == DSL && act == CorrectCaseNote:
		return "designated safeguarding leads can read but not correct case notes; ask the note's author or a team manager"
	case r == DSL && act == BreakGlass:
		return "designated safeguarding leads already see both parents' details; break-glass is for practitioners"
	case r == DSL:
		return "designated safeguarding leads cannot " + act.phrase() + "; that is for the family's team"
	case r == TeamManager && act == BreakGlass:
		return "team managers already see both parents' details in their areas; break-glass is for practitioners"
	case r == Practitioner && (act == AllocateFamily || act == CloseFamily || act == ReopenFamily || act == ScreenReferral):
		return "therapeutic practitioners cannot " + act.phrase() + "; ask a team manager"
	}
	return r.plural() + " cannot " + act.phrase()
}

// targetComplete refuses requests that lack the facts needed to judge them:
// a missing area or family is a caller bug, and guessing would fail open.
func targetComplete(act Action, t Target) (Decision, bool) {
	needArea, needFamily, needPerson := false, false, false
	switch act {
	case RaiseConcern, DecideConcern, ViewConcern, ViewOwnConcernActions:
		// A concern from a referral from outside every area has none: the
		// DSLs, who work everywhere, see and decide it.
		needArea = t.ReferralID == 0 || t.FamilyID != 0
	case ViewRecordAudit:
		needArea = true
	case ViewReferral, ScreenReferral, AcknowledgeReferral:
		// A referral from outside every area must still be screened (and
		// signposted): DSLs, who work everywhere, see it; area-bound roles
		// are refused by their area check.
	case ReviewRetention, ApproveErasure:
		// A family's record, or a referral that never became one (which
		// may have no area: then only a DSL's grant can allow it). Never
		// both, nor neither.
		switch {
		case t.ReferralID != 0 && t.FamilyID != 0:
			return deny("the request names both a family and a referral, so access is refused"), false
		case t.ReferralID == 0:
			needArea, needFamily = true, true
		}
	case ViewFamily, EditFamily, AllocateFamily, CloseFamily, ReopenFamily:
		needArea, needFamily = true, true
	case ViewPerson, EditPerson, ViewConfidential, EditConfidential, BreakGlass, WriteSupervision, ViewMeasures, RecordMeasure:
		needArea, needFamily, needPerson = true, true, true
	case CorrectCaseNote:
		if t.RecordedBy == 0 {
			return deny("the note's author is not known, so access is refused"), false
		}
		needArea, needFamily, needPerson = true, true, true
	}
	switch {
	case needArea && t.AreaID == 0:
		return deny("the record's area is not known, so access is refused"), false
	case needFamily && t.FamilyID == 0:
		return deny("the request does not say which family, so access is refused"), false
	case needPerson && t.PersonID == 0:
		return deny("the request does not say which person, so access is refused"), false
	}
	return Decision{}, true
}

// access applies the grant to this actor and record.
func access(a Actor, act Action, t Target, g grant, now time.Time, explain bool) Decision {
	switch g {
	case anywhere:
		return allowed(explain, func() string { return fmt.Sprintf("%s may %s", a.Role.plural(), act.phrase()) })
	case inOwnArea:
		if !a.inArea(t.AreaID) {
			switch {
			case t.AreaID == 0 && t.ReferralID != 0:
				return deny("this referral is from outside every area, so a designated safeguarding lead reviews it")
			case t.AreaID == 0:
				return deny("choose one of your areas; you cannot see figures for every area")
			}
			return deny("this record belongs to an area you do not work in")
		}
		return allowed(explain, func() string { return fmt.Sprintf("%s may %s in their own areas", a.Role.plural(), act.phrase()) })
	case allocated:
		return practitionerFamily(a, t)
	case ownParent:
		return practitionerConfidential(a, act, t, now)
	case ownOrFamily:
		return practitionerMeasures(a, act, t, now)
	case otherParent:
		return practitionerBreakGlass(a, t)
	case tookIn:
		if t.TakenBy == 0 || t.TakenBy != a.StaffID {
			return deny("only whoever screens a referral, or took it in, can record that its referrer was told")
		}
		return allowed(explain, func() string { return fmt.Sprintf("%s may %s they took in", a.Role.plural(), act.phrase()) })
	case ownTask, ownTaskOrArea:
		switch {
		case t.AssignedTo != 0 && t.AssignedTo == a.StaffID:
			return allow("the task is yours")
		case g == ownTaskOrArea && a.inArea(t.AreaID):
			return allowed(explain, func() string { return fmt.Sprintf("%s may %s in their own areas", a.Role.plural(), act.phrase()) })
		case g == ownTaskOrArea:
			return deny("this task is for someone else, in an area you do not work in")
		}
		return deny("only whoever a task is for, or a team manager of the family's area, can mark it done")
	case raisedIt, raisedOrArea:
		switch {
		case t.RaisedBy != 0 && t.RaisedBy == a.StaffID:
			return allow("you raised this concern")
		case g == raisedOrArea && a.inArea(t.AreaID):
			return allowed(explain, func() string { return fmt.Sprintf("%s may %s in their own areas", a.Role.plural(), act.phrase()) })
		}
		return deny(concernReaders)
	case ownsAction:
		if a.StaffID == 0 || !slices.Contains(t.ActionOwners, a.StaffID) {
			return deny(concernReaders)
		}
		return allow("a safeguarding lead gave you a follow-up action on this concern")
	case wroteIt:
		if t.RecordedBy != a.StaffID {
			return deny("only a note's author, or a team manager, can correct or remove it")
		}
		if d := practitionerConfidential(a, EditConfidential, t, now); !d.Allowed {
			return deny("you wrote this note, but you are no longer this parent's practitioner: ask a team manager to correct it")
		}
		return allow("you wrote this note and are this parent's practitioner")
	case outsideAreas:
		if t.ReferralID == 0 || t.AreaID != 0 {
			return deny("only a team manager of the record's area can approve deleting it; designated safeguarding leads approve only referrals from outside every area")
		}
		return allowed(explain, func() string { return fmt.Sprintf("%s may %s from outside every area", a.Role.plural(), act.phrase()) })
	}
	return deny(whyNot(a.Role, act))
}

// concernReaders is why a concern is refused to someone not among them.
const concernReaders = "safeguarding concerns are read by the safeguarding leads, the area's team managers and whoever raised them; the owner of a follow-up action sees only their own actions"

// allocatedToFamily reports whether staff is the current practitioner of any
// co-parent in t.
func allocatedToFamily(t Target, staff int64) bool {
	if staff == 0 {
		return false
	}
	for person, s := range t.Practitioners {
		if person != 0 && s == staff {
			return true
		}
	}
	return false
}

// practitionerFamily: practitioners work only with families they are
// allocated to. Area membership is required too, so a stale allocation in
// another team's area does not keep a door open.
func practitionerFamily(a Actor, t Target) Decision {
	if !a.inArea(t.AreaID) {
		return deny("this record belongs to an area you do not work in")
	}
	if !allocatedToFamily(t, a.StaffID) {
		return deny("practitioners see only families they are allocated to")
	}
	return allow("you are a practitioner for this family")
}

// practitionerConfidential enforces co-parent separation: a parent's
// address, contacts and disclosures reach only their own practitioner, or a
// colleague holding a live break-glass override (view only).
func practitionerConfidential(a Actor, act Action, t Target, now time.Time) Decision {
	fam := practitionerFamily(a, t)
	if !t.IsParent {
		if t.Household == 0 {
			// The baby and a child with no recorded household have no
			// co-parent conflict of their own: the family rule.
			return fam
		}
		// A child who lives with one parent is found where that parent
		// is (a refuge, a new address): their details are that parent's
		// to see, an override on that parent's included.
		pt := t
		pt.PersonID, pt.IsParent, pt.Household = t.Household, true, 0
		d := practitionerConfidential(a, act, pt, now)
		if !d.Allowed && fam.Allowed {
			d.Reason = "a child's address and contact details are seen only by the practitioner of the parent they live with; request break-glass access to that parent's details if you must"
		}
		return d
	}
	if s, ok := t.Practitioners[t.PersonID]; ok && s == a.StaffID {
		if !fam.Allowed {
			return fam // e.g. area no longer theirs
		}
		return allow("you are this parent's own practitioner")
	}
	if act != ViewConfidential {
		return deny("only a parent's own practitioner can change their confidential details")
	}
	if !fam.Allowed {
		return fam
	}
	for _, o := range t.Overrides {
		if validOverride(o, a.StaffID, t.PersonID, now) {
			return Decision{
				Allowed:  true,
				Reason:   "allowed only by a time-limited break-glass override; this access is audited",
				Override: true,
			}
		}
	}
	return deny("only a parent's own practitioner can see their address, contact details and confidential notes; request break-glass access if you must")
}

// practitionerMeasures: a parent's outcome measures hold their answers
// about their own life, as confidential as their disclosures, so they go
// with the parent's confidential details (an override lets the other
// practitioner read them, never record). The baby's and another child's
// are everyone's work in the family, wherever the child lives: the family
// rule, whatever the household.
func practitionerMeasures(a Actor, act Action, t Target, now time.Time) Decision {
	if !t.IsParent {
		return practitionerFamily(a, t)
	}
	as := ViewConfidential
	if act == RecordMeasure {
		as = EditConfidential
	}
	d := practitionerConfidential(a, as, t, now)
	if !d.Allowed {
		if s, ok := t.Practitioners[t.PersonID]; !(ok && s == a.StaffID) && practitionerFamily(a, t).Allowed {
			d.Reason = "only a parent's own practitioner can " + act.phrase() + " for them; the baby's are for both practitioners"
		}
	}
	return d
}

// practitionerBreakGlass lets the other parent's practitioner ask for an
// override; it is pointless for their own parent and wrong for strangers.
func practitionerBreakGlass(a Actor, t Target) Decision {
	fam := practitionerFamily(a, t)
	if !fam.Allowed {
		return fam
	}
	if !t.IsParent {
		return deny("break-glass access is only for a co-parent's confidential details")
	}
	s, ok := t.Practitioners[t.PersonID]
	if !ok {
		return deny("this person is not recorded as a co-parent in this family, so break-glass access is refused")
	}
	if s == a.StaffID {
		return deny("you are already this parent's practitioner; break-glass access is not needed")
	}
	return allow("you are the other parent's practitioner and may request time-limited, audited access")
}

// caseState applies the open/closed rules that hold for every role.
func caseState(act Action, t Target) (Decision, bool) {
	switch act {
	case EditFamily, EditPerson, EditConfidential, RecordMeasure, WriteSupervision, CorrectCaseNote:
		if t.Closed {
			return denyState("closed cases are read-only; ask a team manager to reopen"), false
		}
	case AllocateFamily:
		if t.Closed {
			return denyState("this case is closed; reopen it before allocating practitioners"), false
		}
	case CloseFamily:
		if t.Closed {
			return denyState("this case is already closed"), false
		}
	case ReopenFamily:
		if !t.Closed {
			return denyState("this case is open, so there is nothing to reopen"), false
		}
	case ReviewRetention, ApproveErasure:
		switch {
		case t.Closed:
		case t.ReferralID != 0:
			return denyState("this referral is still being screened or was accepted; only a referral not accepted or withdrawn is reviewed for deletion"), false
		default:
			return denyState("this case is open; only a closed case's records are reviewed for deletion"), false
		}
	}
	return Decision{}, true
}
