package web

import (
	"cmp"
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/cradle-org/cradle/internal/audit"
	"github.com/cradle-org/cradle/internal/casework"
	"github.com/cradle-org/cradle/internal/eligibility"
	"github.com/cradle-org/cradle/internal/family"
	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/problem"
	"github.com/cradle-org/cradle/internal/referral"
	"github.com/cradle-org/cradle/internal/risk"
	"github.com/cradle-org/cradle/internal/sharing"
	"github.com/cradle-org/cradle/internal/store"
	"github.com/cradle-org/cradle/internal/timeline"
)

type homeData struct {
	Actions []link
}

type link struct{ Href, Label, Description string }

func (s *Server) home(w http.ResponseWriter, r *http.Request, u *requestUser) {
	var d homeData
	a := u.staff.Actor()
	switch u.staff.Role {
	case policy.Practitioner, policy.TeamManager, policy.DSL:
		d.Actions = append(d.Actions, link{"/caseload", "Caseload", "Families you work with or oversee"})
	}
	if policy.Can(a, policy.ViewAuditLog, policy.Target{}, s.cfg.Now()) {
		d.Actions = append(d.Actions, link{"/audit", "Audit log", "Every sign-in, record viewed and change made"})
	}
	if policy.Can(a, policy.ManageStaff, policy.Target{}, s.cfg.Now()) {
		d.Actions = append(d.Actions, link{"/admin/staff", "Staff accounts", "Add a member of staff, disable an account, or give new sign-in details"})
	}
	if policy.Can(a, policy.ManageMail, policy.Target{}, s.cfg.Now()) {
		d.Actions = append(d.Actions, link{"/admin/mail", "Email", "Emails the mail server has not taken, and why; send one again"})
	}
	if policy.Can(a, policy.ManageSite, policy.Target{}, s.cfg.Now()) {
		d.Actions = append(d.Actions, link{"/admin/site", "Public website", "Edit and publish the public pages, and the safeguarding policies"})
	}
	if policy.Can(a, policy.ChoosePublicListing, policy.Target{}, s.cfg.Now()) {
		d.Actions = append(d.Actions, link{"/account/public-listing", "Your name on the public safeguarding page", "Choose whether the public site names you as a designated safeguarding lead"})
	}
	s.render(w, r, http.StatusOK, "home", Page{Title: "Home", Nav: "home", Data: d})
}

type caseloadData struct {
	Tasks []store.MyTask
	// Now is when the page was read, for TaskOverdue.
	Now time.Time
	// RowHTML is this page's rows, rendered (see caseRowView).
	RowHTML  []template.HTML
	Team     []teamRow
	ShowTeam bool // the reader may see the team's caseloads
	// CanMove: the team page offers to move each practitioner's parents
	// to others (a team manager's).
	CanMove bool
	// ShowPractitioner says the rows name each parent's practitioner: a
	// manager's or DSL's whole list, not one narrowed to a practitioner.
	ShowPractitioner bool
	Filter           *teamRow // the practitioner the list is narrowed to, if it is
	// HighRisk narrows the list to parents whose latest DASH level is high
	// (?risk=high); HighRiskLink and AllLink are this list with and
	// without that.
	HighRisk              bool
	HighRiskLink, AllLink string
	Families              int
	// Parents counts every row; RowHTML holds one page of them.
	Parents int
	// Capped says more open families were in scope than the list covers.
	Capped bool
	Limit  int
	Pager  pager
}

// caseloadPageSize is how many parents one caseload page shows: a team
// manager's list can run to a thousand, and the most urgent come first.
// Twenty rows keep the page under 30 KB of HTML (a row with its overdue
// tags is about 1 KB).
const caseloadPageSize = 20

// teamPageSize is how many practitioners one page of the team caseloads
// lists.
const teamPageSize = 50

// caseRow is one parent on a caseload, with what needs attention.
type caseRow struct {
	FamilyID    int64
	Reference   string
	Stage       family.Stage
	Parent      family.Person
	LastContact time.Time
	Paused      string // why sessions are paused, if they are
	Overdue     []string
	pinned      int // the warnings at the front of Overdue, before the milestones
	// Shown is what the row lists of Overdue (see shownOverdue); More is how
	// many more there are (the family page's "Coming up" lists them all).
	Shown []string
	More  int
	Next  *timeline.Milestone
	Risk  risk.Level // their latest completed DASH's level; "" before the first
}

// caseRowView is all a caseload row's template ("caseload-row") shows, as
// plain values: rendered rows are kept by these values (see fragmentCache),
// so the row must show nothing else.
type caseRowView struct {
	FamilyID, ParentID int64
	Reference, Name    string
	ShowPractitioner   bool
	Practitioner       string // empty when no one is allocated
	Stage              string
	LastContact        string
	Paused             string
	Away               string // "Left the programme" or "Joining later", when the parent is not taking part
	Shown              []string
	More               int
	Next               string // the next milestone and when it is due, if any
	Risk               risk.Level
}

func (v caseRowView) appendKey(b []byte) []byte {
	b = appendInt(b, v.FamilyID)
	b = appendInt(b, v.ParentID)
	b = appendString(b, v.Reference)
	b = appendString(b, v.Name)
	b = appendBool(b, v.ShowPractitioner)
	b = appendString(b, v.Practitioner)
	b = appendString(b, v.Stage)
	b = appendString(b, v.LastContact)
	b = appendString(b, v.Paused)
	b = appendString(b, v.Away)
	b = appendStrings(b, v.Shown)
	b = appendInt(b, int64(v.More))
	b = appendString(b, string(v.Risk))
	return appendString(b, v.Next)
}

// view is what the row's template shows of c.
func (c caseRow) view(showPractitioner bool) caseRowView {
	v := caseRowView{FamilyID: c.FamilyID, ParentID: c.Parent.ID, Reference: c.Reference, Name: c.Parent.Name(),
		ShowPractitioner: showPractitioner, Practitioner: c.Parent.PractitionerName, Stage: c.Stage.Label(), LastContact: "None yet",
		Paused: c.Paused, Shown: c.Shown, More: c.More, Risk: c.Risk}
	v.Away = c.Parent.Away()
	if !c.LastContact.IsZero() {
		v.LastContact = formatDate(c.LastContact)
	}
	if c.Next != nil {
		v.Next = c.Next.Label + ", " + formatDate(c.Next.Due)
	}
	return v
}

// caseloadTags is how many overdue items a caseload row lists. A parent
// with nothing done in a year has twenty; listed whole, they pushed the
// rest of the page (and a manager's 50 rows were 130 KB of HTML).
const caseloadTags = 3

// shownOverdue picks what a caseload row lists of a parent's overdue items:
// the first pinned ones (no contact, a safety plan review) always, then the
// milestones that fell due most recently, which are what can still be done
// on time, and how many more there are.
func shownOverdue(overdue []string, pinned int) ([]string, int) {
	shown := slices.Clone(overdue[:pinned])
	for i := len(overdue) - 1; i >= pinned && len(shown) < max(caseloadTags, pinned); i-- {
		shown = append(shown, overdue[i])
	}
	return shown, len(overdue) - len(shown)
}

// teamRow is one practitioner's share of a caseload; ID 0 gathers the
// parents no practitioner is allocated to.
type teamRow struct {
	ID       int64
	Name     string
	Disabled bool // the practitioner's account is disabled: their parents need another
	Parents  int
	Away     int // of Parents, those not taking part: left the programme, or joining later
	Overdue  int
	HighRisk int // parents whose latest DASH level is high
}

// planReviewOverdue says whether a safety plan review due on reviewOn is
// overdue at now: from the day after it, as the caseload and the family
// page both show it.
func planReviewOverdue(reviewOn, now time.Time) bool {
	return reviewOn.Before(now.Truncate(24 * time.Hour))
}

// noContactDays is how long without an attended session before a parent
// shows as needing contact.
const noContactDays = 14

func (s *Server) caseload(w http.ResponseWriter, r *http.Request, u *requestUser) {
	if !s.may(w, r, u, policy.ListCases) {
		return
	}
	d := caseloadData{ShowTeam: policy.Can(u.staff.Actor(), policy.ViewTeamCaseloads, policy.Target{}, s.cfg.Now()), Limit: store.CaseloadLimit}
	// A manager or DSL may narrow the list to one practitioner's parents
	// (the team page links here); anyone else's list is theirs already.
	if v := r.URL.Query().Get("practitioner"); v != "" && d.ShowTeam {
		id, err := strconv.ParseInt(v, 10, 64)
		if v != "none" && (err != nil || id <= 0) {
			s.fail(w, r, problem.New(problem.NotFound, "There is no such practitioner. Choose one from the team's caseloads"))
			return
		}
		d.Filter = &teamRow{ID: id} // "none" is ID 0: the parents no one is allocated to
	}
	switch v := r.URL.Query().Get("risk"); v {
	case "":
	case "high":
		d.HighRisk = true
	default:
		s.fail(w, r, problem.New(problem.NotFound, "A caseload can be narrowed to the parents at high risk only: risk=high"))
		return
	}
	d.HighRiskLink, d.AllLink = caseloadLink(r, "high"), caseloadLink(r, "")
	cl, err := s.caseloadOf(r, u, true)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.Families, d.Capped, d.Tasks, d.Now = cl.families, cl.capped, cl.tasks, cl.now
	refs := cl.refs
	if d.Filter != nil {
		// An ID with no parents here has no name to show (the team page
		// never links to one).
		filter := d.Filter.ID
		if filter == 0 {
			d.Filter.Name = "Not allocated"
		}
		for _, t := range cl.team {
			if t.ID == filter {
				d.Filter = &t
			}
		}
		refs = slices.DeleteFunc(slices.Clone(refs), func(c caseRef) bool { return c.practitioner != filter })
	}
	if d.HighRisk {
		refs = slices.DeleteFunc(slices.Clone(refs), func(c caseRef) bool {
			e := cl.list[c.entry]
			return e.RiskLevel[e.Parents[c.parent].ID] != risk.High
		})
	}
	if d.Filter != nil || d.HighRisk {
		// The families the narrowed list's parents are in.
		in := map[int]bool{}
		for _, c := range refs {
			in[c.entry] = true
		}
		d.Families = len(in)
	}
	d.Parents = len(refs)
	d.Pager = newPager(r, "/caseload", d.Parents, caseloadPageSize)
	d.ShowPractitioner = d.ShowTeam && d.Filter == nil
	page := refs[d.Pager.From-1 : d.Pager.To]
	rowViews := make([]fragmentView, len(page))
	for i, ref := range page {
		row := cl.row(ref)
		row.Shown, row.More = shownOverdue(row.Overdue, row.pinned)
		rowViews[i] = row.view(d.ShowPractitioner)
	}
	if d.RowHTML, err = s.renderFragments("caseload", "caseload-row", rowViews); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "caseload", Page{Title: "Caseload", Nav: "caseload", Data: d})
}

// caseloadLink is the caseload as asked for (narrowed to a practitioner,
// say) with risk set to level ("" for every level), from its first page.
func caseloadLink(r *http.Request, level string) string {
	q := r.URL.Query()
	q.Del("page")
	q.Del("risk")
	if level != "" {
		q.Set("risk", level)
	}
	return (&url.URL{Path: "/caseload", RawQuery: q.Encode()}).String()
}

// teamCaseloads lists each practitioner on the manager's or DSL's
// caseload with how many parents they see and how much is overdue, each
// linking to the caseload narrowed to them. It was part of the caseload
// page, which it pushed over 30 KB of HTML.
func (s *Server) teamCaseloads(w http.ResponseWriter, r *http.Request, u *requestUser) {
	if !s.may(w, r, u, policy.ViewTeamCaseloads) {
		return
	}
	cl, err := s.caseloadOf(r, u, false)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	team := cl.team
	// A team manager moves a practitioner's parents to others from here
	// (moveForm, which asks the policy of each family).
	d := caseloadData{Families: cl.families, Capped: cl.capped, Limit: store.CaseloadLimit, ShowTeam: true, CanMove: cl.allocates}
	for _, t := range team {
		d.Parents += t.Parents
	}
	// A DSL's team is the whole organisation's practitioners.
	d.Pager = newPager(r, "/caseload/team", len(team), teamPageSize)
	d.Team = team[d.Pager.From-1 : d.Pager.To]
	s.render(w, r, http.StatusOK, "caseload-team", Page{Title: "Team caseloads", Nav: "caseload", Data: d})
}

// caseRef is one parent's place on a caseload: enough to order the list
// and count each practitioner's share. A manager's list runs to a thousand
// parents and a row is 400 bytes, so only the rows a page shows are made
// (caseList.row).
type caseRef struct {
	entry, parent int   // indices into the list and the entry's Parents
	overdue       int   // how many items need attention, pinned ones too
	without       int   // days without contact (see attention.without)
	practitioner  int64 // 0 when no one is allocated
}

// caseList is a caseload in order, most urgent first.
type caseList struct {
	list     []store.CaseloadEntry
	dues     []familyDue
	refs     []caseRef
	team     []teamRow
	families int
	capped   bool
	tasks    []store.MyTask // the reader's own, when asked for
	now      time.Time
	// allocates: the reader is a team manager, who chooses families'
	// managers, so is shown a family whose manager's account is disabled
	// (on anyone else's list it would push out what they can act on).
	allocates bool
}

// attention is what a parent's row pins before their overdue milestones.
type attention struct {
	last time.Time
	// without is how many days the parent has gone without contact: since
	// their last attended session, or since the family was accepted if
	// they have had none; -1 when neither is known.
	without    int
	paused     string // why sessions are paused, if they are
	planReview bool   // their safety plan's review is overdue
	noContact  int    // days without contact, once past noContactDays (not while paused)
	// unstaffed: their practitioner's account is disabled, so no one is
	// working with them until another is allocated.
	unstaffed bool
	// unmanaged: the family's team manager's account is disabled, so its
	// tasks for the manager wait for no one until another is chosen
	// (shown to team managers only: caseList.allocates).
	unmanaged bool
	// left: the parent has left the programme, so nothing is asked of
	// them (no contact, plan review or practitioner) until they rejoin.
	left bool
}

// unstaffed: p's practitioner's account is disabled, so no one is working
// with them until another is allocated (and they take part: a parent who
// has left the programme needs no one yet).
func unstaffed(p family.Person) bool {
	return p.Active && p.PractitionerID != 0 && p.PractitionerDisabled
}

func attentionOf(c store.CaseloadEntry, p family.Person, now time.Time, allocates bool) attention {
	if !p.Active {
		return attention{last: c.LastContact[p.ID], without: -1, left: true}
	}
	a := attention{last: c.LastContact[p.ID], without: -1, unstaffed: unstaffed(p),
		unmanaged: allocates && c.Family.ManagerID != 0 && c.Family.ManagerDisabled}
	since := c.Family.AcceptedOn
	if !a.last.IsZero() {
		since = a.last
	}
	if !since.IsZero() {
		a.without = int(now.Sub(since).Hours() / 24)
	}
	if rv, ok := c.Progress.PlanReviewOn[p.ID]; ok && planReviewOverdue(rv, now) {
		a.planReview = true
	}
	if reason, ok := c.Paused[p.ID]; ok {
		a.paused = casework.Label(casework.PauseReasons(), reason)
	} else if !since.IsZero() && now.Sub(since) > noContactDays*24*time.Hour {
		a.noContact = a.without
	}
	return a
}

// pinned is how many items a's row pins.
func (a attention) pinned() int {
	n := 0
	if a.unstaffed {
		n++
	}
	if a.unmanaged {
		n++
	}
	if a.planReview {
		n++
	}
	if a.noContact > 0 {
		n++
	}
	return n
}

// caseloadOf reads u's caseload and orders every parent on it, most urgent
// first, with the team summary by practitioner. A practitioner's list is
// their own parents.
func (s *Server) caseloadOf(r *http.Request, u *requestUser, withTasks bool) (*caseList, error) {
	var v store.CaseloadView
	var err error
	if withTasks {
		v, err = s.db.CaseloadWithTasks(r.Context(), u.staff.Actor())
	} else {
		v.Entries, v.Capped, err = s.db.CaseloadCapped(r.Context(), u.staff.Actor())
	}
	if err != nil {
		return nil, err
	}
	list := v.Entries
	now := s.cfg.Now()
	cl := &caseList{list: list, dues: s.duesOf(list, now), families: len(list), capped: v.Capped, tasks: v.Tasks, now: now}
	cl.order(u.staff.Role, u.staff.ID)
	return cl, nil
}

// order lists the parents a reader in role sees (a practitioner, staffID,
// their own), most urgent first, and sums them up by practitioner.
func (cl *caseList) order(role policy.Role, staffID int64) {
	byID := map[int64]*teamRow{}
	cl.allocates = role == policy.TeamManager
	for k, c := range cl.list {
		due := cl.dues[k]
		for i, p := range c.Parents {
			if role == policy.Practitioner && p.PractitionerID != staffID {
				continue
			}
			a := attentionOf(c, p, cl.now, cl.allocates)
			ref := caseRef{entry: k, parent: i, overdue: len(due.parents[p.ID].overdue) + a.pinned(), without: a.without, practitioner: p.PractitionerID}
			cl.refs = append(cl.refs, ref)
			t := byID[p.PractitionerID]
			if t == nil {
				t = &teamRow{ID: p.PractitionerID, Name: p.PractitionerName, Disabled: p.PractitionerDisabled}
				if p.PractitionerID == 0 || t.Name == "" {
					t.Name = "Not allocated"
				}
				byID[p.PractitionerID] = t
			}
			t.Parents++
			if !p.Active {
				t.Away++
			}
			t.Overdue += ref.overdue
			if c.RiskLevel[p.ID] == risk.High {
				t.HighRisk++
			}
		}
	}
	// A parent whose practitioner's account is disabled comes first: until
	// someone else is allocated, nothing else on their row will be done.
	slices.SortStableFunc(cl.refs, func(a, b caseRef) int {
		if ua, ub := unstaffed(cl.list[a.entry].Parents[a.parent]), unstaffed(cl.list[b.entry].Parents[b.parent]); ua != ub {
			if ua {
				return -1
			}
			return 1
		}
		if c := cmp.Compare(b.overdue, a.overdue); c != 0 {
			return c
		}
		// A parent never seen since the family was accepted has gone as
		// long without contact as that.
		return cmp.Compare(b.without, a.without)
	})
	for _, t := range byID {
		cl.team = append(cl.team, *t)
	}
	// By name, with the parents no one is allocated to last.
	sort.Slice(cl.team, func(i, j int) bool {
		if (cl.team[i].ID == 0) != (cl.team[j].ID == 0) {
			return cl.team[j].ID == 0
		}
		return cl.team[i].Name < cl.team[j].Name
	})
}

// row makes ref's full row: the pinned items, then the parent's overdue
// milestones.
func (cl *caseList) row(ref caseRef) caseRow {
	c := cl.list[ref.entry]
	p := c.Parents[ref.parent]
	pd := cl.dues[ref.entry].parents[p.ID]
	a := attentionOf(c, p, cl.now, cl.allocates)
	row := caseRow{FamilyID: c.FamilyID, Reference: c.Reference, Stage: cl.dues[ref.entry].stage, Parent: p, LastContact: a.last,
		Paused: a.paused, Overdue: pd.overdue, Next: pd.next, pinned: a.pinned(), Risk: c.RiskLevel[p.ID]}
	if row.pinned > 0 {
		pinned := make([]string, 0, row.pinned+len(pd.overdue))
		if a.unstaffed {
			pinned = append(pinned, "Practitioner's account disabled: allocate another")
		}
		if a.unmanaged {
			pinned = append(pinned, "Team manager's account disabled: choose another")
		}
		if a.noContact > 0 {
			pinned = append(pinned, "No contact for "+strconv.Itoa(a.noContact)+" days")
		}
		if a.planReview {
			pinned = append(pinned, "Safety plan review overdue")
		}
		row.Overdue = append(pinned, pd.overdue...)
	}
	return row
}

func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, problem.New(problem.NotFound, "There is no such record. Check the address and try again")
	}
	return id, nil
}

type familyData struct {
	Family         family.Family
	Stage          family.Stage
	Gestation      string
	BabyAge        string
	Baby           family.Person
	Born           bool
	EndDate        time.Time
	EndProvisional bool
	Children       []family.Person
	Milestones     []milestoneView
	Progress       store.Progress // sessions, VIG cycles and measures recorded
	Tasks          []store.Task
	TaskDone       map[int64]bool // the tasks the reader may mark done
	Closures       []store.ClosureRecord
	Activity       []store.Activity
	Risk           store.RiskSummary
	// ChildRisks are the assessments of risk to the children, the latest
	// first; RemovedChildRisks those entered in error.
	ChildRisks        []store.ChildRiskEntry
	RemovedChildRisks []store.RemovedChildRisk
	Now               time.Time // when the page was read, for PlanOverdue
	Team              []sharing.Professional
	FormerTeam        []sharing.Professional
	RemovedTeam       []store.RemovedProfessional
	Shares            []sharing.Share
	Consents          []sharing.Consent
	Meetings          []sharing.Meeting
	// RemovedMeetings were entered in error: listed under the meetings.
	RemovedMeetings []store.RemovedMeeting
	RemovedShares   []store.RemovedShare
	StatusHistory   []store.StatusChange
	Staff           []store.PractitionerLoad
	CanSeeAudit     bool
	CanAllocate     bool
	CanEdit         bool
	CanClose        bool
	CanReopen       bool
	ParentsShown    []family.Person
	Open            string // the form shown in full, if any
	// NextAppointment is each parent's next appointment, for those whose
	// confidential details the reader may see.
	NextAppointment map[int64]casework.Appointment
}

// householdOptions are the answers to "who does the child live with?": each
// co-parent by name (the value is their slot), or neither.
func householdOptions(f family.Family) []referral.Option {
	var out []referral.Option
	for _, p := range f.Parents() {
		out = append(out, referral.Option{Value: strconv.Itoa(p.ParentSlot), Label: p.Name()})
	}
	return append(out, referral.Option{Value: "0", Label: "Both parents, neither, or not known"})
}

// childRiskOptions are the answers to "who is the assessment about?": the
// baby and all the other children, or one of them by name.
func childRiskOptions(f family.Family) []referral.Option {
	out := []referral.Option{{Value: "all", Label: "The baby and all the other children"}}
	for _, p := range f.People {
		switch {
		case p.Kind == family.Baby && !p.Unnamed():
			out = append(out, referral.Option{Value: strconv.FormatInt(p.ID, 10), Label: p.ChildName() + ", the baby"})
		case p.Kind == family.Baby:
			out = append(out, referral.Option{Value: strconv.FormatInt(p.ID, 10), Label: "The baby alone"})
		case p.Kind == family.Child:
			out = append(out, referral.Option{Value: strconv.FormatInt(p.ID, 10), Label: p.ChildName()})
		}
	}
	return out
}

// Household names the parent the baby or a child lives with; "" when
// that is not recorded (the pages word that as the place needs).
func (d familyData) Household(c family.Person) string { return householdOf(d.Family, c) }

// householdOf names the parent child c (the baby or another child) of
// family f lives with, or "" when that is not recorded.
func householdOf(f family.Family, c family.Person) string {
	if p, ok := f.LivesWith(c); ok {
		return p.Name()
	}
	return ""
}

// AssessmentGaps lists, for the "assessment is complete" form, what the
// record does not yet show for each parent that assessment is expected to
// have done: a practitioner, a completed risk assessment (DASH) and a
// safety plan. It warns; the decision stays the practitioner's.
func (d familyData) AssessmentGaps() []string {
	risks := map[int64]store.ParentRisk{}
	for _, pr := range d.Risk.Parents {
		risks[pr.PersonID] = pr
	}
	var out []string
	for _, p := range d.Family.Parents() {
		if !p.Active {
			continue
		}
		pr := risks[p.ID]
		if p.PractitionerID == 0 {
			out = append(out, p.Name()+" has no practitioner allocated")
		}
		if pr.AssessedOn.IsZero() {
			out = append(out, p.Name()+" has no completed risk assessment (DASH)")
		}
		if pr.NextPlanCheck.IsZero() {
			out = append(out, p.Name()+" has no safety plan")
		}
	}
	return out
}

// PlanOverdue says whether a parent's safety plan review is past its date
// (planReviewOverdue, as on the caseload).
func (d familyData) PlanOverdue(pr store.ParentRisk) bool {
	return !pr.NextPlanCheck.IsZero() && planReviewOverdue(pr.NextPlanCheck, d.Now)
}

// TaskOverdue says whether an open task is past its day (taskOverdue).
func (d familyData) TaskOverdue(t store.Task) bool { return taskOverdue(t, d.Now) }

// TaskOverdue says whether a task on the reader's list is past its day.
func (d caseloadData) TaskOverdue(t store.Task) bool { return taskOverdue(t, d.Now) }

// taskOverdue says whether task t is past its day at now, by the rule a
// safety plan review is (planReviewOverdue); a task with no day never is.
func taskOverdue(t store.Task, now time.Time) bool {
	return !t.DueOn.IsZero() && planReviewOverdue(t.DueOn, now)
}

// mayCompleteTask says whether actor may mark done a task on family f's
// record that is on assignedTo's list (policy.CompleteTask), for a page's
// Mark done buttons.
func mayCompleteTask(actor policy.Actor, f family.Family, assignedTo int64, now time.Time) bool {
	t := f.Target()
	t.AssignedTo = assignedTo
	return policy.Can(actor, policy.CompleteTask, t, now)
}

// milestoneDone says whether the record already shows a milestone met.
// Measures are each parent's (measuresMissing); a safety plan review is
// done once every plan has been checked in its period.
func milestoneDone(cfg timeline.Config, m timeline.Milestone, f family.Family, p store.Progress) bool {
	switch {
	case m.Kind == timeline.KindMeasure:
		return false // per person: see measuresMissing
	case m.Kind == timeline.KindSafetyPlanReview:
		return timeline.PlanReviewDone(cfg, m, p.PlanChecks())
	case m.Kind == timeline.KindContact:
		return p.SessionsHeld > 0
	case m.Kind == timeline.KindAssessment:
		return !f.AssessmentDoneOn.IsZero()
	case strings.HasPrefix(m.Key, "vig_antenatal_"):
		n, _ := strconv.Atoi(strings.TrimPrefix(m.Key, "vig_antenatal_"))
		return p.VIGAntenatal >= n
	case strings.HasPrefix(m.Key, "vig_postnatal_"):
		n, _ := strconv.Atoi(strings.TrimPrefix(m.Key, "vig_postnatal_"))
		return p.VIGPostnatal >= n
	}
	return false
}

type milestoneView struct {
	timeline.Milestone
	Overdue bool
}

// familyPage shows a family's record. As on a person's page, its forms are
// links until one is asked for (?form=meeting, say).
// recentActivityShown is how many of a family's latest sessions its page
// lists.
const recentActivityShown = 8

func (s *Server) familyPage(w http.ResponseWriter, r *http.Request, u *requestUser) {
	s.showFamily(w, r, u, http.StatusOK, nil, r.URL.Query().Get("form"))
}

// showFamily renders a family's page with the form named by open in full
// (after a failed post, with its problems and the typed values) and the
// others as links to themselves.
func (s *Server) showFamily(w http.ResponseWriter, r *http.Request, u *requestUser, status int, errs problem.Fields, open string) {
	s.showFamilyKeeping(w, r, u, status, errs, open, nil)
}

// showFamilyKeeping is showFamily keeping, for the user to copy, the texts
// keep names from the family read for the page (a closing summary is
// labelled by its parent's name): the record is read once.
func (s *Server) showFamilyKeeping(w http.ResponseWriter, r *http.Request, u *requestUser, status int, errs problem.Fields, open string, keep func(family.Family) []unsavedText) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	actor := u.staff.Actor()
	fp, err := s.db.ReadFamilyPage(r.Context(), actor, id, recentActivityShown)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := fp.Family
	if keep != nil {
		r = keepUnsaved(r, keep(f)...)
	}
	now := s.cfg.Now()
	t := f.Target()
	d := familyData{Family: f, ParentsShown: f.Parents(), Open: open,
		CanSeeAudit: policy.Can(actor, policy.ViewRecordAudit, t, now),
		CanAllocate: policy.Can(actor, policy.AllocateFamily, t, now),
		CanEdit:     policy.Can(actor, policy.EditFamily, t, now),
		CanClose:    policy.Can(actor, policy.CloseFamily, t, now),
		CanReopen:   policy.Can(actor, policy.ReopenFamily, t, now)}
	facts := s.timelineFacts(f)
	d.Stage = f.Stage
	if f.Stage != family.Closed {
		d.Stage = timeline.StageOf(s.cfg.Timeline, facts)
	}
	d.EndDate, d.EndProvisional = timeline.EndDate(s.cfg.Timeline, facts)
	if b, ok := f.Baby(); ok {
		d.Baby = b
		d.Born = !b.DateOfBirth.IsZero()
	}
	if d.Born {
		d.BabyAge = timeline.AgeString(d.Baby.DateOfBirth, now)
	} else if !f.EDD.IsZero() {
		d.Gestation = eligibility.GestationOn(f.EDD, now).String() + " weeks"
	}
	for _, p := range f.People {
		if p.Kind == family.Child {
			d.Children = append(d.Children, p)
		}
	}
	progress := fp.Progress
	if f.Stage != family.Closed {
		for _, m := range timeline.Milestones(s.cfg.Timeline, facts) {
			if m.Due.After(now.AddDate(0, 3, 0)) || milestoneDone(s.cfg.Timeline, m, f, progress) {
				continue // the next three months, and anything overdue
			}
			if m.Kind == timeline.KindMeasure && len(s.measuresMissing(m, progress, activeParents(f), babyID(f))) == 0 {
				continue
			}
			d.Milestones = append(d.Milestones, milestoneView{Milestone: m, Overdue: timeline.Overdue(m, now)})
		}
	}
	d.Progress = progress
	d.Tasks, d.Risk, d.Team, d.Shares, d.Consents, d.Meetings, d.StatusHistory, d.Activity, d.Closures =
		fp.Tasks, fp.Risk, fp.Team, fp.Shares, fp.Consents, fp.Meetings, fp.StatusHistory, fp.Activity, fp.Closures
	d.FormerTeam, d.RemovedTeam, d.RemovedMeetings, d.RemovedShares = fp.FormerTeam, fp.RemovedTeam, fp.RemovedMeetings, fp.RemovedShares
	d.ChildRisks, d.RemovedChildRisks, d.NextAppointment = fp.ChildRisks, fp.RemovedChildRisks, fp.NextAppointment
	d.Now = now
	d.TaskDone = map[int64]bool{}
	for _, t := range d.Tasks {
		d.TaskDone[t.ID] = mayCompleteTask(u.staff.Actor(), f, t.AssignedToID, now)
	}
	// The owners a meeting's action can have; whom a task can be given to.
	if d.CanEdit && open == "meeting" || d.CanAllocate && strings.HasPrefix(open, "reassign-task-") {
		if d.Staff, err = s.db.StaffInArea(r.Context(), f.AreaID); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	form := r.PostForm
	if form == nil && open == "edd" && !f.EDD.IsZero() {
		// The due date's form starts from the one recorded.
		form = dateValues("edd", f.EDD)
	}
	for _, p := range d.Team {
		if open != professionalForm(p.ID) || !d.CanEdit {
			continue
		}
		// A team member's details start from those recorded, and what was
		// posted (their details, or the day they left) is kept over them:
		// a problem with one of the two forms does not empty the other.
		start := professionalValues(p)
		for k, v := range form {
			start[k] = v
		}
		form = start
	}
	s.render(w, r, status, "family", Page{Title: "Family " + f.Reference, Nav: "caseload", Errors: errs, Form: form, Data: d})
}

type auditData struct {
	Reference string
	FamilyID  int64
	Entries   []audit.Entry
	Whole     bool
	// The whole log's filters, as typed, and the older entries' link.
	Staff, Family, Action string
	Filtered              bool
	Older                 string
}

// auditActionShape is what an audit action looks like (family.view,
// staff.password.change): a filter that is not one is refused before the
// log is read.
var auditActionShape = regexp.MustCompile(`^[a-z][a-z_]*(\.[a-z_]+)*$`)

// auditLabels name the audit actions a family's "who looked at this
// record" lists, in words; other actions show as they are recorded.
var auditLabels = map[string]string{
	"family.view":                       "Opened the family's record",
	"person.view":                       "Opened a person's record",
	"person.confidential.override_view": "Saw withheld details (break-glass)",
	"access.refused":                    "Refused access",
	"person.subject_access":             "Prepared a subject access request",
}

func auditLabel(action string) string {
	if l, ok := auditLabels[action]; ok {
		return l
	}
	return action
}

// readActions are the audit actions that mean someone looked at a record,
// or tried to and was refused.
var readActions = []string{"family.view", "person.view", "person.confidential.override_view", "access.refused", "person.subject_access"}

func (s *Server) familyAudit(w http.ResponseWriter, r *http.Request, u *requestUser) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	t, ref, err := s.db.FamilyTarget(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if d := policy.Decide(u.staff.Actor(), policy.ViewRecordAudit, t, s.cfg.Now()); !d.Allowed {
		s.fail(w, r, d.Err())
		return
	}
	entries, err := s.db.AuditEntries(r.Context(), store.AuditFilter{FamilyID: id, Actions: readActions, Limit: 200})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.db.RecordEvent(r.Context(), "audit.record.view", "family", id, id, ""); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "audit", Page{Title: "Who looked at family " + ref, Nav: "caseload",
		Data: auditData{Reference: ref, FamilyID: id, Entries: entries}})
}

func (s *Server) auditLog(w http.ResponseWriter, r *http.Request, u *requestUser) {
	if !s.may(w, r, u, policy.ViewAuditLog) {
		return
	}
	q := r.URL.Query()
	var before int64
	if b := q.Get("before"); b != "" {
		before, _ = strconv.ParseInt(b, 10, 64) // a bad value just shows the newest page
	}
	d := auditData{Whole: true, Staff: strings.TrimSpace(q.Get("staff")), Family: strings.TrimSpace(q.Get("family")), Action: strings.TrimSpace(q.Get("action"))}
	f := store.AuditFilter{BeforeID: before, Limit: 100}
	// What an investigation asks: what one member of staff did, what was
	// done about one family, or one kind of action. Staff and family are
	// indexed; an action alone is read newest first until a page is full.
	var errs problem.Fields
	var searched []string
	if d.Staff != "" {
		st, err := s.db.StaffByEmail(r.Context(), d.Staff)
		switch {
		case problem.CodeOf(err) == problem.NotFound:
			errs.Add("staff", "There is no member of staff with that email address")
		case err != nil:
			s.fail(w, r, err)
			return
		default:
			f.ActorID = st.ID
			searched = append(searched, "staff "+strconv.FormatInt(st.ID, 10))
		}
	}
	if d.Family != "" {
		id, err := s.db.FamilyIDByReference(r.Context(), d.Family)
		switch {
		case problem.CodeOf(err) == problem.NotFound:
			errs.Add("family", "There is no family with that reference. Enter one like FAM-2026-000042")
		case err != nil:
			s.fail(w, r, err)
			return
		default:
			f.FamilyID = id
			searched = append(searched, "family "+strconv.FormatInt(id, 10))
		}
	}
	if d.Action != "" {
		if !auditActionShape.MatchString(d.Action) || len(d.Action) > 64 {
			errs.Add("action", "Enter an action as the log records it, like family.view or staff.change")
		} else {
			f.Actions = []string{d.Action}
			searched = append(searched, "action "+d.Action)
		}
	}
	d.Filtered = d.Staff != "" || d.Family != "" || d.Action != ""
	form := url.Values{"staff": {d.Staff}, "family": {d.Family}, "action": {d.Action}}
	if len(errs) > 0 {
		s.render(w, r, http.StatusUnprocessableEntity, "audit", Page{Title: "Audit log", Nav: "audit", Errors: errs, Form: form, Data: d})
		return
	}
	entries, err := s.db.AuditEntries(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// The search is itself recorded: whom an administrator looked into.
	if err := s.db.RecordEvent(r.Context(), "audit.log.view", "", 0, 0, strings.Join(searched, "; ")); err != nil {
		s.fail(w, r, err)
		return
	}
	d.Entries = entries
	if len(entries) == f.Limit {
		older := url.Values{"before": {strconv.FormatInt(entries[len(entries)-1].ID, 10)}}
		for k, v := range form {
			if v[0] != "" {
				older[k] = v
			}
		}
		d.Older = "/audit?" + older.Encode()
	}
	s.render(w, r, http.StatusOK, "audit", Page{Title: "Audit log", Nav: "audit", Form: form, Data: d})
}

// measuresMissing lists the instruments (by key) not yet recorded at a
// measure milestone for these parents and the baby (0: none, or not born).
func (s *Server) measuresMissing(m timeline.Milestone, p store.Progress, parents []int64, baby int64) []string {
	var missing []string
	s.eachMeasureMissing(m, p, parents, baby, func(k string) bool {
		missing = append(missing, k)
		return true
	})
	return missing
}

// measuresDone says whether nothing is missing (measuresMissing is empty),
// without making the list: a caseload asks for each parent and milestone.
func (s *Server) measuresDone(m timeline.Milestone, p store.Progress, person, baby int64) bool {
	done := true
	s.eachMeasureMissing(m, p, []int64{person}, baby, func(string) bool {
		done = false
		return false
	})
	return done
}

// eachMeasureMissing calls yield with each measure the milestone's
// timepoint asks of the parents and the baby that is not recorded, until
// yield returns false.
func (s *Server) eachMeasureMissing(m timeline.Milestone, p store.Progress, parents []int64, baby int64, yield func(string) bool) {
	tp, ok := s.cfg.Timeline.Timepoint(m.Timepoint())
	if !ok {
		return
	}
	have := p.Measures[tp.Key]
	check := func(person int64, keys []string) bool {
		for _, k := range keys {
			if !slices.Contains(have[person], k) && !yield(k) {
				return false
			}
		}
		return true
	}
	for _, id := range parents {
		if !check(id, tp.Parents) {
			return
		}
	}
	if baby != 0 {
		check(baby, tp.Baby)
	}
}

func activeParents(f family.Family) []int64 {
	var out []int64
	for _, p := range f.Parents() {
		if p.Active {
			out = append(out, p.ID)
		}
	}
	return out
}

// babyID is the baby's person id once born (development measures start then).
func babyID(f family.Family) int64 {
	if b, ok := f.Baby(); ok && !b.DateOfBirth.IsZero() {
		return b.ID
	}
	return 0
}
