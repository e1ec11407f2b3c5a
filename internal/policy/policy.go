// Package policy is the single place that answers "may actor X do Y to record
// Z". It is pure: callers load the facts (roles, areas, allocations,
// overrides) and pass them in, so every rule can be table-tested without a
// database and no handler can grow its own private exception.
//
// Everything fails closed: an unknown role, action, malformed actor or
// missing fact is a denial with a plain-English reason.
package policy

import (
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/cradle-org/cradle/internal/problem"
)

// Role is a staff member's job in the programme.
type Role string

const (
	Practitioner Role = "practitioner"
	TeamManager  Role = "team_manager"
	DSL          Role = "dsl" // designated safeguarding lead
	Admin        Role = "admin"
	Analyst      Role = "analyst"
)

// Roles lists every valid role in display order. A fresh slice each call so
// callers cannot change the policy's view of the world.
func Roles() []Role {
	return []Role{Practitioner, TeamManager, DSL, Admin, Analyst}
}

// ParseRole accepts only the exact stored names, so a typo in a database row
// or form never silently becomes some other role.
func ParseRole(s string) (Role, error) {
	r := Role(s)
	if r.Valid() {
		return r, nil
	}
	names := make([]string, 0, 5)
	for _, v := range Roles() {
		names = append(names, string(v))
	}
	return "", fmt.Errorf("unknown role %q: valid roles are %s", s, strings.Join(names, ", "))
}

// Valid reports whether r is one of the roles in Roles.
func (r Role) Valid() bool {
	switch r {
	case Practitioner, TeamManager, DSL, Admin, Analyst:
		return true
	}
	return false
}

// Label is the name shown to people.
func (r Role) Label() string {
	switch r {
	case Practitioner:
		return "Therapeutic practitioner"
	case TeamManager:
		return "Team manager"
	case DSL:
		return "Designated safeguarding lead"
	case Admin:
		return "Administrator"
	case Analyst:
		return "Analyst"
	}
	return "Unknown role"
}

// plural is used in denial reasons ("team managers cannot ...").
func (r Role) plural() string {
	switch r {
	case Practitioner:
		return "therapeutic practitioners"
	case TeamManager:
		return "team managers"
	case DSL:
		return "designated safeguarding leads"
	case Admin:
		return "administrators"
	case Analyst:
		return "analysts"
	}
	return "unknown roles"
}

// Actor is who is asking. The zero Actor is a signed-out member of the public.
type Actor struct {
	StaffID  int64
	Role     Role
	Areas    []int64 // areas (funded local teams) the staff member belongs to
	Disabled bool
	// Partner is set (and StaffID is 0) when the caller is a partner
	// organisation's API token.
	Partner *Partner
}

// Partner identifies a partner organisation's API token and what it may do.
type Partner struct {
	OrgID  int64
	Scopes []string // e.g. "referrals:create"
}

// ScopeCreateReferrals is the only scope a partner token can use.
const ScopeCreateReferrals = "referrals:create"

// SignedIn reports whether a is a usable staff identity. A partner token, a
// missing staff id or a disabled account is not signed-in staff.
func (a Actor) SignedIn() bool {
	return a.Partner == nil && a.StaffID > 0 && a.Role.Valid() && !a.Disabled
}

// public reports whether a is the zero Actor: nothing at all set. Anything
// partly filled in is treated as a malformed staff actor, not as the public.
func (a Actor) public() bool {
	return a.StaffID == 0 && a.Role == "" && len(a.Areas) == 0 && !a.Disabled && a.Partner == nil
}

func (a Actor) inArea(area int64) bool {
	if area == 0 {
		return false
	}
	for _, v := range a.Areas {
		if v == area {
			return true
		}
	}
	return false
}

// Action is something an actor wants to do.
type Action string

const (
	// public / intake
	SubmitReferral Action = "referral.submit"
	ViewReferral   Action = "referral.view"
	ScreenReferral Action = "referral.screen"
	// TakeReferral records a referral a professional made by phone, email,
	// letter or in person, typed in by programme staff for them.
	TakeReferral Action = "referral.take"
	// AcknowledgeReferral records that the referrer was told the referral
	// arrived (by whoever screens it, or whoever took it in).
	AcknowledgeReferral Action = "referral.acknowledge"
	// family records
	ViewFamily     Action = "family.view"
	EditFamily     Action = "family.edit"
	AllocateFamily Action = "family.allocate"
	CloseFamily    Action = "family.close"
	ReopenFamily   Action = "family.reopen"
	// person records (a parent, the baby, another child)
	ViewPerson       Action = "person.view"
	EditPerson       Action = "person.edit"
	ViewConfidential Action = "person.confidential.view"
	EditConfidential Action = "person.confidential.edit"
	BreakGlass       Action = "person.breakglass"
	// A person's outcome measures: a parent's are theirs (as their
	// confidential details are); the baby's development is both
	// practitioners' work, wherever the baby lives.
	ViewMeasures  Action = "person.measures.view"
	RecordMeasure Action = "person.measures.record"
	// safeguarding
	RaiseConcern  Action = "concern.raise"
	DecideConcern Action = "concern.decide"
	// ViewConcern reads a whole concern (its text, reasons, outcome, whom
	// it is about and who was alerted): the leads, the area's team
	// managers (who screen a referral's, and supervise a family's
	// practitioners) and whoever raised it.
	ViewConcern Action = "concern.view"
	// ViewOwnConcernActions reads only the follow-up actions a lead gave
	// the actor on a concern they may not otherwise read (Target.ActionOwners),
	// with the decision they follow from: an owner may be the other
	// parent's practitioner, so nothing of the concern itself.
	ViewOwnConcernActions Action = "concern.actions.own"
	// CompleteTask marks a task on a family's record done (a risk review,
	// a follow-up of a worrying answer, a concern's action): whoever it is
	// for, or a team manager of the family's area.
	CompleteTask Action = "task.complete"
	// oversight and administration
	ViewRecordAudit   Action = "audit.record.view"
	ViewAuditLog      Action = "audit.log.view"
	ManageStaff       Action = "staff.manage"
	ManageTokens      Action = "tokens.manage"
	ManageMailingList Action = "mailing.manage"           // see and export the public mailing list (no family data)
	ManageMail        Action = "mail.manage"              // see the emails that have not gone (never their recipients or text) and send one again
	WriteSupervision  Action = "person.supervision.write" // a team manager's supervision note on a parent's record
	// CorrectCaseNote is correcting a session or case note already saved,
	// or removing it as entered in error: its author, while still the
	// parent's own practitioner, or a team manager of the area
	// (Target.RecordedBy names the author).
	CorrectCaseNote         Action = "person.casenote.correct"
	ViewAggregates          Action = "reports.aggregate"
	ViewIdentifiableReports Action = "reports.identifiable"
	// ExportResearch produces the pseudonymised research extract: row-level
	// (if pseudonymised) data leaving the organisation, so only an
	// administrator may, and every extract is audited.
	ExportResearch Action = "reports.research"
	// ListCases opens the lists of families, people, referrals and
	// concerns (each then narrowed to the records the actor may see): only
	// for the roles that work with families.
	ListCases Action = "cases.list"
	// ViewTeamCaseloads opens the team's caseload summary (each
	// practitioner's parents and overdue items) and a caseload narrowed to
	// one practitioner: for those who supervise or oversee practitioners.
	ViewTeamCaseloads Action = "cases.team"
	// ExportSubjectAccess prepares a parent's own record for a subject
	// access request: a designated safeguarding lead, who reviews it
	// before it is released.
	ExportSubjectAccess Action = "person.subject_access"
	// ManageSite edits and publishes the public website's pages and
	// documents (no family data).
	ManageSite Action = "site.manage"
	// ChoosePublicListing is a designated safeguarding lead agreeing (or
	// no longer agreeing) to be named on the public safeguarding page: only
	// for themselves, so the store acts on the actor's own record.
	ChoosePublicListing Action = "site.listing.choose"
	// ManageOwnAccount is a member of staff changing their own password
	// (knowing the current one), or seeing and ending their own sessions:
	// only for themselves, so the store acts on the actor's own record.
	ManageOwnAccount Action = "account.manage"
	// ListRetention opens the list of closed records due for review under
	// the retention schedule (each row then checked with ReviewRetention).
	ListRetention Action = "retention.list"
	// ReviewRetention decides about one closed family's record, or a
	// referral not accepted or withdrawn: keep it for longer, or ask for it
	// to be deleted.
	ReviewRetention Action = "retention.review"
	// ApproveErasure deletes such a record for good, after someone else
	// asked: only a team manager of its area, or for a referral from
	// outside every area, a DSL.
	ApproveErasure Action = "retention.erase"
)

// Actions lists every action. Tests walk it so that a new action is proved
// to fail closed before any rule grants it.
func Actions() []Action {
	return []Action{
		SubmitReferral, ViewReferral, ScreenReferral, TakeReferral, AcknowledgeReferral,
		ViewFamily, EditFamily, AllocateFamily, CloseFamily, ReopenFamily,
		ViewPerson, EditPerson, ViewConfidential, EditConfidential, BreakGlass, ViewMeasures, RecordMeasure,
		RaiseConcern, DecideConcern, ViewConcern, ViewOwnConcernActions, CompleteTask,
		ViewRecordAudit, ViewAuditLog, ManageStaff, ManageTokens, ManageMailingList, ManageMail, ViewAggregates, ViewIdentifiableReports,
		ExportResearch, WriteSupervision, CorrectCaseNote, ManageSite, ChoosePublicListing, ListCases, ViewTeamCaseloads, ExportSubjectAccess,
		ListRetention, ReviewRetention, ApproveErasure, ManageOwnAccount,
	}
}

// Valid reports whether act is one of Actions.
func (act Action) Valid() bool {
	return act.phrase() != ""
}

// phrase completes "... cannot <phrase>" in denial reasons; "" means the
// action is unknown.
func (act Action) phrase() string {
	switch act {
	case SubmitReferral:
		return "submit referrals"
	case ViewReferral:
		return "see referrals"
	case TakeReferral:
		return "record referrals received by phone, email or letter"
	case AcknowledgeReferral:
		return "record that a referrer was told their referral arrived"
	case ScreenReferral:
		return "screen referrals"
	case ViewFamily:
		return "see family records"
	case EditFamily:
		return "change family records"
	case AllocateFamily:
		return "allocate practitioners"
	case CloseFamily:
		return "close cases"
	case ReopenFamily:
		return "reopen cases"
	case ViewPerson:
		return "see people's records"
	case EditPerson:
		return "change people's records"
	case ViewConfidential:
		return "see a parent's confidential details"
	case EditConfidential:
		return "change a parent's confidential details"
	case BreakGlass:
		return "use break-glass access"
	case ViewMeasures:
		return "see outcome measures"
	case RecordMeasure:
		return "record outcome measures"
	case RaiseConcern:
		return "raise safeguarding concerns here"
	case DecideConcern:
		return "decide safeguarding concerns"
	case ViewConcern:
		return "read safeguarding concerns"
	case ViewOwnConcernActions:
		return "see the follow-up actions given to them on a safeguarding concern"
	case CompleteTask:
		return "mark tasks done"
	case ViewRecordAudit:
		return "see who looked at a record"
	case ViewAuditLog:
		return "see the audit log"
	case ManageStaff:
		return "manage staff accounts"
	case ManageTokens:
		return "manage partner tokens"
	case ManageMail:
		return "see and resend the emails that have not gone"
	case ManageMailingList:
		return "manage the mailing list"
	case WriteSupervision:
		return "write supervision notes"
	case CorrectCaseNote:
		return "correct or remove case notes"
	case ViewAggregates:
		return "see aggregate reports"
	case ViewIdentifiableReports:
		return "see reports that name people"
	case ExportResearch:
		return "produce the research extract"
	case ManageSite:
		return "edit the public website"
	case ListCases:
		return "see lists of families, referrals or concerns"
	case ViewTeamCaseloads:
		return "see the team's caseloads"
	case ExportSubjectAccess:
		return "prepare a subject access request"
	case ChoosePublicListing:
		return "be listed on the public safeguarding page"
	case ManageOwnAccount:
		return "manage their own account"
	case ListRetention:
		return "see the records due for review"
	case ReviewRetention:
		return "review a closed record for deletion"
	case ApproveErasure:
		return "approve deleting a record"
	}
	return ""
}

// Target describes the record acted on. Zero values mean "not applicable".
type Target struct {
	AreaID   int64
	FamilyID int64
	// ReferralID names a referral under the retention review (one that
	// never became a family, so has no FamilyID), or the referral a
	// safeguarding concern was raised from before there was a family.
	ReferralID int64
	Closed     bool // the family's case is closed; a referral not accepted or withdrawn
	// TakenBy is the member of staff who typed in a referral made by
	// phone, email, letter or in person (TakeReferral); 0 for the rest.
	TakenBy int64
	// AssignedTo is the member of staff a task is for (CompleteTask); 0
	// for a task for no one in particular, and for every other action.
	AssignedTo int64
	// RaisedBy is the member of staff who raised a safeguarding concern
	// (ViewConcern): they may follow it to its outcome.
	RaisedBy int64
	// ActionOwners are the owners of a concern's follow-up actions
	// (ViewOwnConcernActions).
	ActionOwners []int64
	// RecordedBy is the member of staff who wrote a session or case note
	// (CorrectCaseNote): a practitioner corrects only their own.
	RecordedBy int64
	PersonID   int64 // set for person-level actions
	IsParent   bool  // the person is one of the co-parents
	// Household is, for the baby or another child recorded as living
	// with one co-parent, that parent's person id: the child's address and
	// contacts are where that parent is. 0 for a parent, and for a child
	// whose household is not recorded (or who lives with neither).
	Household int64
	// Practitioners maps each co-parent's person id to the staff id of their
	// CURRENT practitioner (0 = unallocated).
	Practitioners map[int64]int64
	// Overrides are break-glass grants in force or expired; Decide checks
	// actor, person and expiry itself.
	Overrides []Override
}

// Override is a break-glass grant letting one practitioner see one parent's
// confidential details until ExpiresAt.
type Override struct {
	StaffID, PersonID int64
	Reason            string
	ExpiresAt         time.Time
}

// Decision is the answer, with a reason fit for the 403 page and audit log.
type Decision struct {
	Allowed bool
	Reason  string
	// Override is true when access is allowed only because of a break-glass
	// override; the caller must audit it specially.
	Override bool
	// State is true when the refusal is only the record's state (a case
	// closed, or open when asked to reopen) for one the rules otherwise
	// allow: not a matter of access, so a caller may answer it as a
	// conflict ("closed already") rather than "you do not have access".
	// The state is checked last, so a stranger is never told it.
	State bool
}

// Err is the decision as the error a caller returns: nil when allowed; a
// conflict saying what state the record is in when the refusal is only
// that (State: a form sent twice, or opened before the case closed, is
// told what happened rather than "you do not have access"); else
// Forbidden with the reason.
func (d Decision) Err() error {
	switch {
	case d.Allowed:
		return nil
	case d.State:
		r := []rune(d.Reason)
		if len(r) > 0 {
			r[0] = unicode.ToUpper(r[0])
		}
		return problem.New(problem.Conflict, "%s", string(r))
	}
	return problem.New(problem.Forbidden, "%s", d.Reason)
}

// MaxOverride is the longest a break-glass grant may last: long enough for a
// session of work, short enough that access does not quietly become routine.
func MaxOverride() time.Duration { return 4 * time.Hour }

// minReasonLen is the shortest acceptable break-glass reason, in characters.
const minReasonLen = 20

// ValidateOverrideReason checks a break-glass reason is a real explanation a
// reviewer can judge, not a placeholder. Whitespace runs count as one space
// and invisible characters do not count.
func ValidateOverrideReason(reason string) error {
	var b strings.Builder
	letters := 0
	space := false
	for _, r := range strings.TrimSpace(reason) {
		switch {
		case unicode.IsSpace(r):
			space = true
			continue
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			continue // zero-width and control characters are not text
		}
		if space && b.Len() > 0 {
			b.WriteRune(' ')
		}
		space = false
		b.WriteRune(r)
		if unicode.IsLetter(r) {
			letters++
		}
	}
	n := len([]rune(b.String()))
	switch {
	case n == 0:
		return fmt.Errorf("give a reason for needing to see these details")
	case n < minReasonLen:
		return fmt.Errorf("the reason is too short (%d characters): write at least %d characters explaining why you need to see these details", n, minReasonLen)
	case letters < minReasonLen/2:
		return fmt.Errorf("write the reason in words, explaining why you need to see these details")
	}
	return nil
}

// validOverride reports whether o lets staff see person at now. A grant
// ending more than MaxOverride from now cannot have been issued properly, so
// it is ignored rather than trusted.
func validOverride(o Override, staff, person int64, now time.Time) bool {
	return staff != 0 && person != 0 &&
		o.StaffID == staff && o.PersonID == person &&
		now.Before(o.ExpiresAt) && o.ExpiresAt.Sub(now) <= MaxOverride() &&
		ValidateOverrideReason(o.Reason) == nil
}
