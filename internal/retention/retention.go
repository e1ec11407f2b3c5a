// Package retention holds the records retention schedule and its rules
// (pure): when a closed family's record, or a referral that never became a
// family, falls due for review, what state a review is in, and what a
// reviewer or approver must give before a record is kept for longer or
// deleted.
//
// Deleting a family's record cannot be undone, so every rule leans towards
// keeping: the latest of the dates that apply wins, a baby whose birth was
// never recorded is counted from the due date, any sign of child protection
// work brings in the longest period, and a record whose dates cannot be
// worked out is never offered for deletion until someone decides.
package retention

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/cradle-org/cradle/internal/strictjson"
)

// Schedule is the retention policy an organisation sets (PROGRAMME.md §9:
// "a policy decision"). Periods are whole years.
type Schedule struct {
	// ChildUntilBirthday: a family's record holds its children's records,
	// kept until the youngest child's birthday of this age (25).
	ChildUntilBirthday int `json:"children_until_birthday"`
	// ChildProtectionYears after the case closed, when there was child
	// protection work (35).
	ChildProtectionYears int `json:"child_protection_years_after_closure"`
	// ParentYears after the case closed: the least any record is kept (6).
	ParentYears int `json:"parents_years_after_closure"`
	// NoticeDays: a record is listed as coming up this many days before
	// it is due, so a review can be planned (90).
	NoticeDays int `json:"notice_days"`
	// MaxKeepYears: the furthest ahead a "keep for longer" decision may
	// set the next review, so nothing is kept indefinitely without one (10).
	MaxKeepYears int `json:"max_keep_years"`
	// ReferralYears after the decision, for a referral that was not
	// accepted or was withdrawn, so never became a family's record (3).
	ReferralYears int `json:"referrals_not_accepted_years"`
}

//go:embed default.json
var defaultJSON string

// DefaultSchedule is the shipped schedule, parsed from default.json.
func DefaultSchedule() Schedule {
	s, err := ParseSchedule([]byte(defaultJSON))
	if err != nil {
		panic("retention: the shipped default.json is invalid: " + err.Error())
	}
	return s
}

// ParseSchedule reads a schedule from JSON. Every setting must be given:
// a missing period silently taking some default would delete records on a
// date nobody chose. Unknown or repeated settings are refused for the same
// reason.
func ParseSchedule(data []byte) (Schedule, error) {
	if p := strictjson.Check(data); p != nil {
		return Schedule{}, fmt.Errorf("retention schedule: %s: %s", p.Path(), p.Reason())
	}
	var raw struct {
		ChildUntilBirthday   *int `json:"children_until_birthday"`
		ChildProtectionYears *int `json:"child_protection_years_after_closure"`
		ParentYears          *int `json:"parents_years_after_closure"`
		NoticeDays           *int `json:"notice_days"`
		MaxKeepYears         *int `json:"max_keep_years"`
		ReferralYears        *int `json:"referrals_not_accepted_years"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil {
		return Schedule{}, fmt.Errorf("retention schedule: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return Schedule{}, errors.New("retention schedule: unexpected data after the JSON object")
	}
	// In the file's order, so the first missing setting is always the one
	// named.
	for _, c := range []struct {
		name string
		p    *int
	}{
		{"children_until_birthday", raw.ChildUntilBirthday}, {"child_protection_years_after_closure", raw.ChildProtectionYears},
		{"parents_years_after_closure", raw.ParentYears}, {"notice_days", raw.NoticeDays}, {"max_keep_years", raw.MaxKeepYears},
		{"referrals_not_accepted_years", raw.ReferralYears},
	} {
		if c.p == nil {
			return Schedule{}, fmt.Errorf("retention schedule: %s: must be given", c.name)
		}
	}
	s := Schedule{*raw.ChildUntilBirthday, *raw.ChildProtectionYears, *raw.ParentYears, *raw.NoticeDays, *raw.MaxKeepYears, *raw.ReferralYears}
	return s, s.Validate()
}

// Validate checks the periods are within what any records policy could
// mean. A period of 0 years would list records for deletion the day a case
// closes.
func (s Schedule) Validate() error {
	for _, c := range []struct {
		name        string
		v, low, top int
	}{
		{"children_until_birthday", s.ChildUntilBirthday, 1, 100},
		{"child_protection_years_after_closure", s.ChildProtectionYears, 1, 100},
		{"parents_years_after_closure", s.ParentYears, 1, 100},
		{"notice_days", s.NoticeDays, 0, 366},
		{"max_keep_years", s.MaxKeepYears, 1, 25},
		{"referrals_not_accepted_years", s.ReferralYears, 1, 100},
	} {
		if c.v < c.low || c.v > c.top {
			return fmt.Errorf("retention schedule: %s: must be between %d and %d, not %d", c.name, c.low, c.top, c.v)
		}
	}
	return nil
}

// Summary says the schedule in words, for the review page.
func (s Schedule) Summary() []string {
	return []string{
		fmt.Sprintf("Children's records are kept until the youngest child's %s birthday.", ordinal(s.ChildUntilBirthday)),
		fmt.Sprintf("Where there was child protection work, records are kept for %d years after the case closed.", s.ChildProtectionYears),
		fmt.Sprintf("Every other record is kept for %d years after the case closed.", s.ParentYears),
		fmt.Sprintf("A referral that was not accepted or was withdrawn is kept for %d years after the decision, or %d years where it records child protection work.", s.ReferralYears, s.ChildProtectionYears),
		fmt.Sprintf("A record is listed here %d days before it is due for review, and is deleted only when a team manager approves (a designated safeguarding lead, for a referral from outside every area).", s.NoticeDays),
	}
}

// Rule names which part of the schedule sets a record's review date.
type Rule string

const (
	RuleParents         Rule = "parents"
	RuleChildren        Rule = "children"
	RuleChildProtection Rule = "child_protection"
	RuleReferral        Rule = "referral"
)

// Label is the rule's name as shown to staff.
func (r Rule) Label() string {
	switch r {
	case RuleParents:
		return "Years after closure"
	case RuleChildren:
		return "Youngest child's birthday"
	case RuleChildProtection:
		return "Child protection"
	case RuleReferral:
		return "Years after the decision"
	}
	return "Unknown"
}

// Child is one child in the family's record: the baby or another child.
type Child struct {
	Baby bool
	Born time.Time // zero: not recorded
}

// Family is what the schedule needs to know about one family's record.
type Family struct {
	ClosedOn time.Time // zero: the case is open, so never due
	EDD      time.Time // the baby's due date, for a baby whose birth is not recorded
	Children []Child
	// ChildProtection says why the record counts as child protection work
	// (a plan, being looked after, a referral to children's social care);
	// empty if there was none.
	ChildProtection []string
}

// Due is when a family's record falls due for review, and why.
type Due struct {
	On     time.Time // zero when Unknown is set or the case is open
	Rule   Rule
	Reason string // the rule in words, for this family
	// Unknown says why no date can be worked out; such a record needs a
	// person's decision and is never offered for deletion.
	Unknown string
}

// FamilyDue works out the review date: the latest of every period that
// applies.
func (s Schedule) FamilyDue(f Family) Due {
	if f.ClosedOn.IsZero() {
		return Due{Unknown: "The case is open."}
	}
	closed := day(f.ClosedOn)
	d := Due{On: closed.AddDate(s.ParentYears, 0, 0), Rule: RuleParents,
		Reason: fmt.Sprintf("%d years after the case closed on %s", s.ParentYears, long(closed))}
	for _, c := range f.Children {
		born := c.Born
		reason := fmt.Sprintf("the youngest child's %s birthday", ordinal(s.ChildUntilBirthday))
		if born.IsZero() {
			if !c.Baby || f.EDD.IsZero() {
				return Due{Unknown: "A child's date of birth is not recorded, so the date their record may be deleted cannot be worked out."}
			}
			// A baby whose birth was never recorded (the case closed in
			// pregnancy) is counted from the due date.
			born = f.EDD
			reason = fmt.Sprintf("the baby's %s birthday, counted from the due date as no birth was recorded", ordinal(s.ChildUntilBirthday))
		}
		// AddDate takes 29 February to 1 March in a common year, the day
		// a leap-day child has their birthday in UK law.
		if on := day(born).AddDate(s.ChildUntilBirthday, 0, 0); on.After(d.On) {
			d = Due{On: on, Rule: RuleChildren, Reason: reason}
		}
	}
	if len(f.ChildProtection) > 0 {
		if on := closed.AddDate(s.ChildProtectionYears, 0, 0); !on.Before(d.On) {
			d = Due{On: on, Rule: RuleChildProtection,
				Reason: fmt.Sprintf("%d years after the case closed, because of child protection work (%s)", s.ChildProtectionYears, strings.Join(f.ChildProtection, "; "))}
		}
	}
	return d
}

// Referral is what the schedule needs to know about a referral that was not
// accepted or was withdrawn (one that was accepted belongs to its family's
// record and goes with it).
type Referral struct {
	DecidedOn time.Time // zero: no decision recorded
	// ChildProtection says why the referral counts as child protection
	// work (the safeguarding status it recorded); empty if it does not.
	ChildProtection string
	// Unreadable: its safeguarding status could not be read (its record
	// was changed outside Cradle), so the child protection period is
	// assumed, never the shorter one: nothing is deleted too soon.
	Unreadable bool
}

// ReferralDue works out a referral's review date: ReferralYears after the
// decision, or ChildProtectionYears where it recorded child protection
// work, whichever is later.
func (s Schedule) ReferralDue(r Referral) Due {
	if r.DecidedOn.IsZero() {
		return Due{Unknown: "The referral's decision date is not recorded, so the date it may be deleted cannot be worked out."}
	}
	decided := day(r.DecidedOn)
	d := Due{On: decided.AddDate(s.ReferralYears, 0, 0), Rule: RuleReferral,
		Reason: fmt.Sprintf("%d years after the referral was decided on %s", s.ReferralYears, long(decided))}
	if r.ChildProtection != "" || r.Unreadable {
		if on := decided.AddDate(s.ChildProtectionYears, 0, 0); !on.Before(d.On) {
			d = Due{On: on, Rule: RuleChildProtection,
				Reason: fmt.Sprintf("%d years after the referral was decided, because of child protection work (%s)", s.ChildProtectionYears, r.ChildProtection)}
			if r.Unreadable {
				d.Reason = fmt.Sprintf("%d years after the referral was decided: its safeguarding status cannot be read, so the child protection period is assumed", s.ChildProtectionYears)
			}
		}
	}
	return d
}

// ReferralListBound is ListBounds for referrals: one with no decision on
// its review and a decision date is listed only if it was decided on or
// before decidedBy (a day generous, as ListBounds). The later child
// protection date never lists one sooner.
func (s Schedule) ReferralListBound(today time.Time) (decidedBy time.Time) {
	return day(today).AddDate(0, 0, s.NoticeDays+1).AddDate(-s.ReferralYears, 0, 0)
}

// ListBounds bounds the records the review list can hold today, so that a
// store need not work out every closed record's date to find the few that
// are due (a national organisation's are nearly all years away). A record
// with no decision and every date known is listed only from NoticeDays
// before its date, and its date is never before ParentYears after the case
// closed nor before any child's ChildUntilBirthday-th birthday (counted from
// the due date for a baby with no birth recorded). So such a record can be
// listed only if the case closed on or before closedBy and every child was
// born (or due) on or before bornBy. Records with a decision, and those
// whose dates are missing, can be listed whatever their dates. The bounds
// are a day generous: one record too many is read, never one too few.
func (s Schedule) ListBounds(today time.Time) (closedBy, bornBy time.Time) {
	// FamilyDue adds whole years to a date; date.AddDate(n, 0, 0) ≤ T
	// implies date ≤ T.AddDate(-n, 0, 0), as AddDate is monotonic and
	// only moves 29 February later.
	horizon := day(today).AddDate(0, 0, s.NoticeDays+1)
	return horizon.AddDate(-s.ParentYears, 0, 0), horizon.AddDate(-s.ChildUntilBirthday, 0, 0)
}

// Decision is what a reviewer has decided so far about a record.
type Decision string

const (
	Undecided      Decision = ""
	Keep           Decision = "keep"  // kept until a new review date
	EraseRequested Decision = "erase" // deletion asked for, waiting for a manager
)

// Review is the stored decision on a record.
type Review struct {
	Decision    Decision
	ReviewOn    time.Time // for Keep: when it is due for review again
	RequestedBy int64     // for EraseRequested: who asked
}

// State is where a record stands.
type State string

const (
	NotDue           State = "not_due"
	ComingUp         State = "coming_up"
	DueForReview     State = "due"
	Kept             State = "kept"
	AwaitingApproval State = "awaiting_approval"
	NeedsDecision    State = "needs_decision" // the date cannot be worked out
)

// Label is the state as a tag on the review page.
func (st State) Label() string {
	switch st {
	case NotDue:
		return "Not due"
	case ComingUp:
		return "Coming up"
	case DueForReview:
		return "Due for review"
	case Kept:
		return "Kept for longer"
	case AwaitingApproval:
		return "Waiting for approval"
	case NeedsDecision:
		return "Needs a decision"
	}
	return "Unknown"
}

// Listed reports whether a record in this state belongs on the review list.
func (st State) Listed() bool { return st != NotDue }

// StateOf combines the schedule's date with the review so far. A "keep"
// whose date has come round is due again.
func (s Schedule) StateOf(d Due, r Review, today time.Time) State {
	today = day(today)
	switch {
	case r.Decision == EraseRequested:
		if d.Unknown != "" {
			return NeedsDecision
		}
		return AwaitingApproval
	case r.Decision == Keep && today.Before(day(r.ReviewOn)):
		return Kept
	case d.Unknown != "":
		return NeedsDecision
	case !today.Before(day(d.On)):
		return DueForReview
	case !today.Before(day(d.On).AddDate(0, 0, -s.NoticeDays)):
		return ComingUp
	}
	return NotDue
}

// FieldError is a problem with one form field, worded for the page.
type FieldError struct{ Field, Message string }

func (e FieldError) Error() string { return e.Field + ": " + e.Message }

// MinReason is the shortest reason accepted, in letters and digits: enough
// that the reason can be judged later.
const MinReason = 10

// MaxReason bounds a reason, in characters.
const MaxReason = 2000

// CheckReason checks the reason a reviewer gives for keeping or deleting.
func CheckReason(reason string) (string, *FieldError) {
	reason = strings.TrimSpace(reason)
	words := 0
	for _, r := range reason {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			words++
		}
	}
	switch {
	case !utf8.ValidString(reason) || strings.ContainsRune(reason, 0):
		return "", &FieldError{"reason", "Reason must be ordinary text"}
	case reason == "":
		return "", &FieldError{"reason", "Enter the reason for your decision"}
	case words < MinReason:
		return "", &FieldError{"reason", fmt.Sprintf("Reason must explain the decision in at least %d letters or numbers", MinReason)}
	case utf8.RuneCountInString(reason) > MaxReason:
		return "", &FieldError{"reason", fmt.Sprintf("Reason must be %d characters or fewer", MaxReason)}
	}
	return reason, nil
}

// CheckKeep checks a "keep for longer" decision: a reason and a next review
// date after today and no more than MaxKeepYears ahead.
func (s Schedule) CheckKeep(st State, reviewOn, today time.Time, reason string) (string, []FieldError) {
	var errs []FieldError
	if st == NotDue {
		errs = append(errs, FieldError{"decision", "This record is not due for review yet"})
	}
	today = day(today)
	switch {
	case reviewOn.IsZero():
		errs = append(errs, FieldError{"review_on", "Enter the date of the next review"})
	case !day(reviewOn).After(today):
		errs = append(errs, FieldError{"review_on", "The next review must be after today"})
	case day(reviewOn).After(today.AddDate(s.MaxKeepYears, 0, 0)):
		errs = append(errs, FieldError{"review_on", fmt.Sprintf("The next review must be within %d years", s.MaxKeepYears)})
	}
	r, fe := CheckReason(reason)
	if fe != nil {
		errs = append(errs, *fe)
	}
	return r, errs
}

// AlreadyRequested is the answer to a request to delete a record whose
// deletion is waiting for approval (the store's is a conflict: the form
// sent twice, or someone else a moment before).
const AlreadyRequested = "Deletion has already been asked for and is waiting for approval"

// CheckRequest checks a request to delete: only a record due for review
// (not one coming up, kept, already requested or without a date) may be
// put forward.
func CheckRequest(st State, reason string) (string, []FieldError) {
	var errs []FieldError
	switch st {
	case DueForReview:
	case AwaitingApproval:
		errs = append(errs, FieldError{"decision", AlreadyRequested})
	case NeedsDecision:
		errs = append(errs, FieldError{"decision", "This record's review date cannot be worked out, so it cannot be deleted; keep it and record why"})
	default:
		errs = append(errs, FieldError{"decision", "Only a record that is due for review can be put forward for deletion"})
	}
	r, fe := CheckReason(reason)
	if fe != nil {
		errs = append(errs, *fe)
	}
	return r, errs
}

// CheckApproval checks a manager's approval: the deletion was asked for by
// someone else (two people agree to every deletion), and the approver has
// typed the record's reference to show which record they mean.
func CheckApproval(st State, r Review, approver int64, reference, typed string) []FieldError {
	switch {
	case st != AwaitingApproval:
		return []FieldError{{"decision", "Deletion has not been asked for, or the record is no longer due, so it cannot be approved"}}
	case approver == 0 || r.RequestedBy == approver:
		return []FieldError{{"decision", "You asked for this deletion, so someone else must approve it"}}
	case !strings.EqualFold(strings.TrimSpace(typed), reference):
		if strings.TrimSpace(typed) == "" {
			return []FieldError{{"confirm", "Enter the record's reference to confirm the deletion"}}
		}
		return []FieldError{{"confirm", "The reference you entered does not match this record's reference, " + reference}}
	}
	return nil
}

func day(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func long(t time.Time) string { return t.Format("2 January 2006") }

func ordinal(n int) string {
	suffix := "th"
	switch {
	case n%100 >= 11 && n%100 <= 13:
	case n%10 == 1:
		suffix = "st"
	case n%10 == 2:
		suffix = "nd"
	case n%10 == 3:
		suffix = "rd"
	}
	return fmt.Sprintf("%d%s", n, suffix)
}
