// Package casework holds the rules of day-to-day work with a family:
// sessions and contacts with each parent, pauses, Video Interaction
// Guidance cycles, the birth, and closure. Pure: the store keeps these
// records; the policy decides who sees them.
package casework

import (
	"strconv"
	"strings"
	"time"

	"github.com/cradle-org/cradle/internal/eligibility"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/referral"
)

// Option is a value and its label.
type Option = referral.Option

func valid(opts []Option, v string) bool { return referral.Valid(opts, v) }

// Label shows a code as its words.
func Label(opts []Option, v string) string { return referral.Label(opts, v) }

// Modes are how a session took place.
func Modes() []Option {
	return []Option{{Value: "home", Label: "Home visit"}, {Value: "office", Label: "Office"}, {Value: "video", Label: "Video call"}, {Value: "phone", Label: "Phone call"}}
}

// Attendances are what happened.
func Attendances() []Option {
	return []Option{{Value: "attended", Label: "Attended"}, {Value: "did_not_attend", Label: "Did not attend"},
		{Value: "cancelled_by_parent", Label: "Cancelled by the parent"}, {Value: "cancelled_by_practitioner", Label: "Cancelled by the practitioner"}}
}

// VIGPhases are the two Video Interaction Guidance cycles' phases.
func VIGPhases() []Option {
	return []Option{{Value: "antenatal", Label: "Antenatal"}, {Value: "postnatal", Label: "Postnatal"}}
}

// PauseReasons are why sessions stop for a while.
func PauseReasons() []Option {
	return []Option{{Value: "safeguarding", Label: "Safeguarding crisis"}, {Value: "housing", Label: "Housing crisis"},
		{Value: "health", Label: "Health"}, {Value: "other", Label: "Other"}}
}

// ClosureReasons are why a family's case closes (PROGRAMME.md §4).
func ClosureReasons() []Option {
	return []Option{{Value: "planned_end", Label: "Planned ending at the baby's second birthday"},
		{Value: "withdrew", Label: "Withdrew"}, {Value: "disengaged", Label: "Disengaged"},
		{Value: "moved_out_of_area", Label: "Moved out of area"}, {Value: "not_suitable", Label: "Not suitable"},
		{Value: "safety_concern", Label: "Safety concern"}, {Value: "baby_not_in_care", Label: "Baby no longer in the parents' care"},
		{Value: "other", Label: "Other"}}
}

// LeavingReasons are why one parent leaves the programme while the other
// carries on (PROGRAMME.md §1: a parent may leave). The family's own
// endings (a planned ending, the baby no longer in the parents' care) are
// closures of the whole case.
func LeavingReasons() []Option {
	return []Option{{Value: "withdrew", Label: "Withdrew"}, {Value: "disengaged", Label: "Disengaged"},
		{Value: "moved_out_of_area", Label: "Moved out of area"}, {Value: "not_suitable", Label: "Not suitable"},
		{Value: "safety_concern", Label: "Safety concern"}, {Value: "other", Label: "Other"}}
}

// JoiningLater is a departure's reason for a parent who has not started
// the programme yet and will join later (PROGRAMME.md §1: "a parent may
// join later"). It is not one of LeavingReasons: a parent who has never
// taken part has not left, and is not counted among those who did.
const JoiningLater = "joining_later"

// DepartureReasons are every reason a departure may have: the leaving
// reasons, then joining later.
func DepartureReasons() []Option {
	return append(LeavingReasons(), Option{Value: JoiningLater, Label: "Joining later"})
}

// DepartureLabel shows a departure's reason as its words, joining later
// included.
func DepartureLabel(reason string) string { return Label(DepartureReasons(), reason) }

// JoinLater is a departure for a parent who will join later: not taking
// part from the day the family was accepted, or from today when it has not
// been accepted yet (or was accepted after today, as a date recorded in
// advance). The note is cleaned as a leaving's is. A parent who has
// attended a session has started, and leaves instead; so does a parent
// whose co-parent is not taking part (the case closes instead).
func JoinLater(personID int64, note string, acceptedOn, today time.Time, attended, otherTakingPart bool) (Departure, error) {
	d := Departure{PersonID: personID, Reason: JoiningLater, Note: note, LeftOn: eligibility.DateOf(today)}
	if !acceptedOn.IsZero() && !eligibility.DateOf(acceptedOn).After(d.LeftOn) {
		d.LeftOn = eligibility.DateOf(acceptedOn)
	}
	var fs problem.Fields
	switch {
	case attended:
		fs.Add("join_later_note", "This parent has attended a session already, so has started the programme: if they have stopped taking part, record that they have left instead")
	case !otherTakingPart:
		fs.Add("join_later_note", "The other parent is not taking part: if neither parent is, close the family's case instead")
	}
	fs.Text("join_later_note", "Note", &d.Note, 2000, true)
	return d, fs.Err()
}

// Departure is one parent leaving the programme while the family's case
// stays open for the other; RejoinedOn is when they came back, if they
// did. Its reason and note follow the parent's confidentiality (a move may
// be a location clue): the other parent's practitioner sees only that
// the parent left, and when.
type Departure struct {
	ID         int64
	PersonID   int64
	Reason     string
	Note       string
	LeftOn     time.Time
	RejoinedOn time.Time
	By         string // who recorded it
	Withheld   bool   // the note, and the reason unless joining later, are withheld from the reader
}

// Current reports whether the parent is still away from the programme.
func (d Departure) Current() bool { return d.RejoinedOn.IsZero() }

// Joining reports whether the departure is a parent's wait to join, not a
// leaving: they had not started.
func (d Departure) Joining() bool { return d.Reason == JoiningLater }

// Validate checks a parent's leaving, cleaning the note in place: a
// reason from the list ("other" says what), a date from the family's
// acceptance to today, and the other parent still taking part (when
// neither is, the case closes instead, with its closing summaries).
func (d *Departure) Validate(acceptedOn, today time.Time, otherTakingPart bool) error {
	var fs problem.Fields
	switch {
	case d.Reason == "":
		fs.Add("leave_reason", "Select why the parent is leaving the programme")
	case !valid(LeavingReasons(), d.Reason):
		fs.Add("leave_reason", "Select a reason from the list")
	case !otherTakingPart:
		fs.Add("leave_reason", "The other parent has left the programme already: if neither parent is taking part, close the family's case instead")
	}
	day := eligibility.DateOf(d.LeftOn)
	switch {
	case d.LeftOn.IsZero():
		fs.Add("left_on", "Enter the date the parent left the programme")
	case day.After(eligibility.DateOf(today)):
		fs.Add("left_on", "The date the parent left must be today or in the past")
	case !acceptedOn.IsZero() && day.Before(eligibility.DateOf(acceptedOn)):
		fs.Add("left_on", "The date the parent left must be on or after the day the family was accepted, "+acceptedOn.Format("2 January 2006"))
	}
	fs.Text("leave_note", "Note", &d.Note, 2000, true)
	if d.Reason == "other" && d.Note == "" && !fs.Has("leave_note") {
		fs.Add("leave_note", "Say why the parent is leaving the programme")
	}
	return fs.Err()
}

// CheckRejoin checks the date a parent who left came back, or one who was
// joining later joined (joining): given, not in the future, and not
// before the day they left or were recorded as joining later from.
func CheckRejoin(on, leftOn, today time.Time, joining bool) error {
	var fs problem.Fields
	day := eligibility.DateOf(on)
	verb, since := "rejoined", "the day they left, "
	if joining {
		verb, since = "joined", "the day they were recorded as joining later from, "
	}
	switch {
	case on.IsZero():
		fs.Add("rejoined_on", "Enter the date the parent "+verb+" the programme")
	case day.After(eligibility.DateOf(today)):
		fs.Add("rejoined_on", "The date the parent "+verb+" must be today or in the past")
	case day.Before(eligibility.DateOf(leftOn)):
		fs.Add("rejoined_on", "The date the parent "+verb+" must be on or after "+since+leftOn.Format("2 January 2006"))
	}
	return fs.Err()
}

// Session is one session or contact with a parent.
type Session struct {
	ID           int64
	FamilyID     int64
	PersonID     int64
	StaffID      int64
	StaffName    string
	HeldOn       time.Time
	Minutes      int
	Mode         string
	Attendance   string
	Module       string
	Topic        string
	Joint        bool
	Confidential bool   // hidden from the co-parent's practitioner
	Notes        string // empty when withheld from the reader
	Reason       string // why it did not happen
	Withheld     bool   // the reader may not see this confidential note
	Kind         string // session, or supervision (a team manager's note)
	CreatedAt    time.Time
	// Version counts the saves: 1 as first recorded, one more for each
	// correction; UpdatedAt is when the version was saved. Corrected is
	// Version > 1, a field (set where the session is read) because a
	// method called from a template, once a note, costs allocations.
	Version   int
	UpdatedAt time.Time
	Corrected bool
}

// Withhold marks the session withheld from its reader and empties what it
// said: its notes, why it did not happen, and its topic, which is free
// text too (a confidential session's topic may name what was disclosed).
func (s *Session) Withhold() {
	s.Withheld = true
	s.Notes, s.Reason, s.Topic = "", "", ""
}

// Pause is a break in sessions (a safeguarding or housing crisis, say).
type Pause struct {
	ID        int64
	PersonID  int64
	Reason    string
	Note      string
	StartedOn time.Time
	EndedOn   time.Time
	Withheld  bool
}

// Active reports whether the pause is still in force.
func (p Pause) Active() bool { return p.EndedOn.IsZero() }

// Validate checks a new pause.
func (p *Pause) Validate(today time.Time) error {
	var fs problem.Fields
	switch {
	case p.Reason == "":
		fs.Add("pause_reason", "Select why sessions are pausing")
	case !valid(PauseReasons(), p.Reason):
		fs.Add("pause_reason", "Select a reason from the list")
	}
	switch {
	case p.StartedOn.IsZero():
		fs.Add("paused_on", "Enter the date sessions paused")
	case eligibility.DateOf(p.StartedOn).After(eligibility.DateOf(today)):
		fs.Add("paused_on", "The date must be today or in the past")
	}
	fs.Text("pause_note", "Note", &p.Note, 2000, true)
	return fs.Err()
}

// Reminder is a follow-up a member of staff sets themself about a parent
// ("ring the housing officer about the move"): a task on their own list,
// due on a day, whose words are kept with the parent's confidential
// details (the task's title names only the parent).
type Reminder struct {
	ID           int64
	PersonID     int64
	What         string
	DueOn        time.Time
	SetBy        string // who set it
	AssignedTo   string // whose list it is on (reassigned, perhaps)
	AssignedToID int64
	DoneOn       time.Time
	Withheld     bool // the reader may not see the words
}

// ReminderReach is how far ahead a reminder may be set: the programme
// runs to the baby's second birthday.
const ReminderReach = 2 * 365 * 24 * time.Hour

// Validate checks a new reminder, cleaning its words in place: what to
// do, and a day from today to two years ahead.
func (m *Reminder) Validate(today time.Time) error {
	var fs problem.Fields
	if strings.TrimSpace(m.What) == "" {
		fs.Add("reminder_what", "Enter what the reminder is for")
	} else {
		fs.Text("reminder_what", "The reminder", &m.What, 500, true)
	}
	checkReminderDue(&fs, m.DueOn, today)
	return fs.Err()
}

// CheckReminderDue checks a reminder's new day, when it is moved: as a
// new reminder's, from today to two years ahead.
func CheckReminderDue(due, today time.Time) error {
	var fs problem.Fields
	checkReminderDue(&fs, due, today)
	return fs.Err()
}

func checkReminderDue(fs *problem.Fields, due, today time.Time) {
	day, now := eligibility.DateOf(due), eligibility.DateOf(today)
	switch {
	case due.IsZero():
		fs.Add("reminder_due", "Enter the date the reminder is due")
	case day.Before(now):
		fs.Add("reminder_due", "The date the reminder is due must be today or in the future")
	case day.After(now.Add(ReminderReach)):
		fs.Add("reminder_due", "The date the reminder is due must be within two years, by "+now.Add(ReminderReach).Format("2 January 2006"))
	}
}

// Context is what session validation needs to know about the family.
type Context struct {
	AcceptedOn time.Time // sessions cannot be dated before the family was accepted
	Today      time.Time
	Modules    []Option
	JointSafe  bool // both practitioners have recorded that joint sessions are safe
	// LeftOn is the day the parent left the programme, when they have not
	// rejoined: a session after it is refused until they rejoin. Joining
	// says they have not started yet (JoiningLater): they join first.
	LeftOn  time.Time
	Joining bool
}

// Validate checks a session, cleaning text in place.
func (s *Session) Validate(c Context) error {
	var fs problem.Fields
	day := eligibility.DateOf(s.HeldOn)
	switch {
	case s.HeldOn.IsZero():
		fs.Add("held_on", "Enter the date of the session")
	case day.After(eligibility.DateOf(c.Today)):
		fs.Add("held_on", "The date of the session must be today or in the past")
	case !c.AcceptedOn.IsZero() && day.Before(eligibility.DateOf(c.AcceptedOn)):
		fs.Add("held_on", "The date of the session must be on or after the day the family was accepted, "+c.AcceptedOn.Format("2 January 2006"))
	case !c.LeftOn.IsZero() && c.Joining && day.After(eligibility.DateOf(c.LeftOn)):
		fs.Add("held_on", "The parent is recorded as joining later, from "+c.LeftOn.Format("2 January 2006")+": record that they have joined before recording a later session")
	case !c.LeftOn.IsZero() && day.After(eligibility.DateOf(c.LeftOn)):
		fs.Add("held_on", "The parent left the programme on "+c.LeftOn.Format("2 January 2006")+": record that they have rejoined before recording a later session")
	}
	switch {
	case s.Mode == "":
		fs.Add("mode", "Select how the session took place")
	case !valid(Modes(), s.Mode):
		fs.Add("mode", "Select how the session took place from the list")
	}
	switch {
	case s.Attendance == "":
		fs.Add("attendance", "Select what happened")
	case !valid(Attendances(), s.Attendance):
		fs.Add("attendance", "Select what happened from the list")
	}
	if s.Minutes < 0 || s.Minutes > 600 {
		fs.Add("minutes", "Duration must be between 0 and 600 minutes")
	}
	if s.Module != "" && !valid(c.Modules, s.Module) {
		fs.Add("module", "Select a module from the programme's list")
	}
	fs.Text("topic", "Topic", &s.Topic, 200, false)
	fs.Text("notes", "Notes", &s.Notes, 20000, true)
	fs.Text("reason", "Reason", &s.Reason, 2000, true)
	if s.Attendance != "" && s.Attendance != "attended" && s.Reason == "" && !fs.Has("reason") {
		fs.Add("reason", "Say why the session did not take place")
	}
	if s.Attendance == "attended" && s.Minutes == 0 && !fs.Has("minutes") {
		fs.Add("minutes", "Enter how long the session lasted, in minutes")
	}
	if s.Joint && !c.JointSafe {
		fs.Add("joint", "A joint co-parenting session needs both practitioners to record that it is safe first")
	}
	return fs.Err()
}

// VIGCycle is one Video Interaction Guidance cycle with a parent: filming,
// micro-analysis, shared review. No video is kept in Cradle.
type VIGCycle struct {
	ID           int64
	FamilyID     int64
	PersonID     int64
	Phase        string // antenatal, postnatal
	FilmedOn     time.Time
	AnalysedOn   time.Time
	ReviewedOn   time.Time
	Strengths    string
	Confidential bool
	Withheld     bool
}

// Validate checks the cycle's dates run in order and none is in the future.
func (v *VIGCycle) Validate(today time.Time) error {
	var fs problem.Fields
	if !valid(VIGPhases(), v.Phase) {
		fs.Add("phase", "Select antenatal or postnatal")
	}
	t := eligibility.DateOf(today)
	// Compare calendar days: a date typed today is not "in the future".
	for _, d := range []*time.Time{&v.FilmedOn, &v.AnalysedOn, &v.ReviewedOn} {
		if !d.IsZero() {
			*d = eligibility.DateOf(*d)
		}
	}
	switch {
	case v.FilmedOn.IsZero():
		fs.Add("filmed_on", "Enter the date of filming")
	case v.FilmedOn.After(t):
		fs.Add("filmed_on", "The filming date must be today or in the past")
	}
	if !v.AnalysedOn.IsZero() && !fs.Has("filmed_on") && (v.AnalysedOn.Before(v.FilmedOn) || v.AnalysedOn.After(t)) {
		fs.Add("analysed_on", "The micro-analysis date must be on or after filming, and not in the future")
	}
	if !v.ReviewedOn.IsZero() && !fs.Has("filmed_on") && (v.ReviewedOn.Before(v.FilmedOn) || v.ReviewedOn.After(t) ||
		(!v.AnalysedOn.IsZero() && v.ReviewedOn.Before(v.AnalysedOn))) {
		fs.Add("reviewed_on", "The shared review date must be after the micro-analysis, and not in the future")
	}
	fs.Text("strengths", "Strengths noted", &v.Strengths, 5000, true)
	return fs.Err()
}

// CheckBirth checks a date of birth against the pregnancy: not in the
// future, and not before EDD − 24 weeks (earlier than any viable birth, so a
// typing mistake).
func CheckBirth(born, edd, today time.Time) error {
	var fs problem.Fields
	b := eligibility.DateOf(born)
	switch {
	case born.IsZero():
		fs.Add("born_on", "Enter the baby's date of birth")
	case b.After(eligibility.DateOf(today)):
		fs.Add("born_on", "The date of birth must be today or in the past")
	case !edd.IsZero() && b.Before(eligibility.DateOf(edd).AddDate(0, 0, -24*7)):
		fs.Add("born_on", "The date of birth must be no more than 24 weeks before the due date, "+edd.Format("2 January 2006"))
	}
	return fs.Err()
}

// CheckDueDate checks a corrected due date: given, no more than six weeks
// past (a baby born since is recorded as a birth, not a later due date),
// and no more than 42 weeks ahead (a pregnancy's length).
func CheckDueDate(edd, today time.Time) error {
	var fs problem.Fields
	d, t := eligibility.DateOf(edd), eligibility.DateOf(today)
	switch {
	case edd.IsZero():
		fs.Add("edd", "Enter the due date")
	case d.Before(t.AddDate(0, 0, -6*7)):
		fs.Add("edd", "The due date must be no more than 6 weeks ago: if the baby has been born, record the birth instead")
	case d.After(t.AddDate(0, 0, 42*7)):
		fs.Add("edd", "The due date must be no more than 42 weeks from today")
	}
	return fs.Err()
}

// Closure is a request to close a family's case.
type Closure struct {
	Kind      string // planned, early
	Reason    string
	ClosedOn  time.Time
	Summaries map[int64]string // per co-parent
}

// Validate checks a closure: a reason from the list, a date not in the
// future, and a closing summary for each parent.
func (c *Closure) Validate(parents []int64, today time.Time) error {
	var fs problem.Fields
	switch {
	case c.Reason == "":
		fs.Add("reason", "Select why the case is closing")
	case !valid(ClosureReasons(), c.Reason):
		fs.Add("reason", "Select a reason from the list")
	}
	c.Kind = "early"
	if c.Reason == "planned_end" {
		c.Kind = "planned"
	}
	switch {
	case c.ClosedOn.IsZero():
		fs.Add("closed_on", "Enter the closing date")
	case c.ClosedOn.After(eligibility.DateOf(today)):
		fs.Add("closed_on", "The closing date must be today or in the past")
	}
	for i, p := range parents {
		s := c.Summaries[p]
		name := "summary_for_" + strconv.FormatInt(p, 10) // the form's field for this parent
		fs.Text(name, "Closing summary", &s, 20000, true)
		c.Summaries[p] = s
		if s == "" && !fs.Has(name) {
			fs.Add(name, "Write a closing summary for parent "+itoa(i+1))
		}
	}
	return fs.Err()
}

func itoa(n int) string { return strconv.Itoa(n) }

// What became of an earlier version of a session or case note.
const (
	ChangeCorrected = "corrected" // a correction replaced it
	ChangeRemoved   = "removed"   // the session was removed as entered in error
)

// SessionVersion is an earlier version of a session or case note, kept when
// it was corrected, or its last when it was removed as entered in error.
// Nothing recorded is ever rewritten without trace.
type SessionVersion struct {
	Session              // as it stood; Session.Version is which version it was
	Change        string // ChangeCorrected or ChangeRemoved
	ChangedBy     int64
	ChangedByName string
	ChangedAt     time.Time
	Why           string // why it was corrected or removed; empty when withheld
}

// CheckCorrection checks the correction of was into now, cleaning text in
// place: why it is being corrected must be given, something must change,
// and now must be valid as a new session would be (a session already
// recorded as joint may stay joint). A supervision note has only its text.
func CheckCorrection(was Session, now *Session, why *string, c Context) error {
	var fs problem.Fields
	if was.Kind == "supervision" {
		fs.Text("notes", "Supervision note", &now.Notes, 20000, true)
		if now.Notes == "" && !fs.Has("notes") {
			fs.Add("notes", "Write the supervision note")
		}
	} else {
		c.JointSafe = c.JointSafe || was.Joint
		if err := now.Validate(c); err != nil {
			p := problem.As(err)
			if p == nil {
				return err
			}
			fs = p.Fields
		}
	}
	if len(fs) == 0 && len(Changes(was, *now)) == 0 {
		first := "held_on"
		if was.Kind == "supervision" {
			first = "notes"
		}
		fs.Add(first, "Nothing has been changed: change what was wrong, or go back to the record")
	}
	checkWhy(&fs, why, whyCorrecting)
	return fs.Err()
}

const whyCorrecting = "Say why you are correcting it"

// CheckCorrectionWhy checks why a correction is made, cleaning it in place:
// for a form whose own problems stop it before CheckCorrection is reached,
// so that this one is shown with them.
func CheckCorrectionWhy(why *string) error {
	var fs problem.Fields
	checkWhy(&fs, why, whyCorrecting)
	return fs.Err()
}

// CheckRemoval checks why an entry (a session, an incident, a VIG cycle, a
// consent, a meeting) is being removed as entered in error, cleaning it in
// place.
func CheckRemoval(why *string) error {
	var fs problem.Fields
	checkWhy(&fs, why, "Say why it was entered in error, such as recorded on the wrong record, or twice")
	return fs.Err()
}

func checkWhy(fs *problem.Fields, why *string, missing string) {
	fs.Text("why", "Why", why, 2000, true)
	if *why == "" && !fs.Has("why") {
		fs.Add("why", missing)
	}
}

// Changes names what a correction from was to now changes, in the form's
// order, for the audit log and the record's history: never the values.
func Changes(was, now Session) []string {
	var out []string
	add := func(changed bool, name string) {
		if changed {
			out = append(out, name)
		}
	}
	add(!eligibility.DateOf(was.HeldOn).Equal(eligibility.DateOf(now.HeldOn)), "date")
	add(was.Minutes != now.Minutes, "duration")
	add(was.Mode != now.Mode, "how")
	add(was.Attendance != now.Attendance, "what happened")
	add(was.Module != now.Module, "module")
	add(was.Topic != now.Topic, "topic")
	add(was.Notes != now.Notes, "notes")
	add(was.Reason != now.Reason, "why it did not happen")
	add(was.Confidential != now.Confidential, "confidential")
	add(was.Joint != now.Joint, "joint")
	return out
}

// WithholdHistory marks the earlier versions (newest first) that a reader
// who may not see confidential notes is not shown: once a session is
// marked confidential, every version before it is too, since the version
// that was not marked may hold what marking it was meant to hide. A
// version's reason for the change goes with its text. The reader who may
// see confidential notes sees them all.
func WithholdHistory(confidentialNow bool, versions []SessionVersion, seeConfidential bool) {
	confidential := confidentialNow
	for i := range versions {
		v := &versions[i]
		confidential = confidential || v.Confidential
		if confidential && !seeConfidential {
			v.Withhold()
			v.Why = ""
		}
	}
}
