package policy

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/problem"
)

// The world the tests run in.
const (
	areaA, areaB = 1, 2

	me      = 10 // practitioner in area A, works with mum in family 1
	coPrac  = 20 // practitioner of dad in family 1
	tmID    = 70
	dslID   = 80
	adminID = 90
	anaID   = 91

	fam1, mum, dad, baby = 100, 101, 102, 103 // area A, allocated to me and coPrac
	fam2, f2a, f2b       = 200, 201, 202      // area A, allocated to 30 and 40
	fam3, f3a, f3b       = 300, 301, 302      // area B, allocated to 50 and 60
)

var now = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

func family1() Target {
	return Target{AreaID: areaA, FamilyID: fam1, Practitioners: map[int64]int64{mum: me, dad: coPrac}}
}

func family2() Target {
	return Target{AreaID: areaA, FamilyID: fam2, Practitioners: map[int64]int64{f2a: 30, f2b: 40}}
}

func family3() Target {
	return Target{AreaID: areaB, FamilyID: fam3, Practitioners: map[int64]int64{f3a: 50, f3b: 60}}
}

func recordedBy(t Target, staff int64) Target {
	t.RecordedBy = staff
	return t
}

func parent(t Target, person int64) Target {
	t.PersonID, t.IsParent = person, true
	return t
}

func child(t Target, person int64) Target {
	t.PersonID, t.IsParent = person, false
	return t
}

func livesWith(t Target, parent int64) Target {
	t.Household = parent
	return t
}

func closed(t Target) Target {
	t.Closed = true
	return t
}

// referralRecord is a referral under the retention review: area 0 means
// from outside every area; closed, not accepted or withdrawn.
func referralRecord(area int64, closed bool) Target {
	return Target{AreaID: area, ReferralID: 400, Closed: closed}
}

func withOverride(t Target, o ...Override) Target {
	t.Overrides = o
	return t
}

const goodReason = "Concern that mum's safety plan relies on an address dad may know"

func ov(staff, person int64, expires time.Time) Override {
	return Override{StaffID: staff, PersonID: person, Reason: goodReason, ExpiresAt: expires}
}

// Relationships of the target to the actor, in matrix column order.
var relNames = [5]string{"own-parent", "co-parent", "other-family-same-area", "other-area", "closed-own-parent"}

func isPersonAction(act Action) bool { return strings.HasPrefix(string(act), "person.") }

// relTarget builds the target for a relationship; person-level actions act
// on a parent, the rest on the family (or its area, for referrals/reports).
func relTarget(rel int, act Action) Target {
	var t Target
	var p int64
	switch rel {
	case 0:
		t, p = family1(), mum
	case 1:
		t, p = family1(), dad
	case 2:
		t, p = family2(), f2a
	case 3:
		t, p = family3(), f3a
	case 4:
		t, p = closed(family1()), mum
	}
	if isPersonAction(act) {
		t = parent(t, p)
	}
	if act == CorrectCaseNote {
		t.RecordedBy = me // the practitioner wrote each note of the matrix
	}
	return t
}

// Actor kinds, in matrix column order.
var actorNames = [10]string{"practitioner", "team_manager", "dsl", "admin", "analyst",
	"public", "partner", "partner-no-scope", "superuser", "disabled-dsl"}

func actors() [10]Actor {
	return [10]Actor{
		{StaffID: me, Role: Practitioner, Areas: []int64{areaA}},
		{StaffID: tmID, Role: TeamManager, Areas: []int64{areaA}},
		{StaffID: dslID, Role: DSL}, // no areas: DSLs cover all of them
		{StaffID: adminID, Role: Admin},
		{StaffID: anaID, Role: Analyst},
		{},
		{Partner: &Partner{OrgID: 5, Scopes: []string{"referrals:read", "referrals:create"}}},
		{Partner: &Partner{OrgID: 5, Scopes: []string{"referrals:read"}}},
		{StaffID: 99, Role: "superuser", Areas: []int64{areaA, areaB}},
		{StaffID: dslID, Role: DSL, Disabled: true},
	}
}

const (
	all  = "YYYYY"
	none = "NNNNN"
)

// matrix: for each action, the expected answer per actor kind (columns of
// actorNames) per relationship (letters in relNames order).
var matrix = []struct {
	act  Action
	want [10]string
}{
	//                        prac     tm       dsl   admin analyst public partner p-noscope superuser disabled
	{SubmitReferral, [10]string{all, all, all, all, all, all, all, none, none, none}},
	{ViewReferral, [10]string{"YYYNY", "YYYNY", all, none, none, none, none, none, none, none}},
	{ScreenReferral, [10]string{none, "YYYNY", all, none, none, none, none, none, none, none}},
	{TakeReferral, [10]string{all, all, all, none, none, none, none, none, none, none}},
	{AcknowledgeReferral, [10]string{none, "YYYNY", all, none, none, none, none, none, none, none}},
	{CompleteTask, [10]string{none, "YYYNY", none, none, none, none, none, none, none, none}},
	{ViewFamily, [10]string{"YYNNY", "YYYNY", all, none, none, none, none, none, none, none}},
	{EditFamily, [10]string{"YYNNN", "YYYNN", none, none, none, none, none, none, none, none}},
	{AllocateFamily, [10]string{none, "YYYNN", none, none, none, none, none, none, none, none}},
	{CloseFamily, [10]string{none, "YYYNN", none, none, none, none, none, none, none, none}},
	{ReopenFamily, [10]string{none, "NNNNY", none, none, none, none, none, none, none, none}},
	{ViewPerson, [10]string{"YYNNY", "YYYNY", all, none, none, none, none, none, none, none}},
	{EditPerson, [10]string{"YYNNN", "YYYNN", none, none, none, none, none, none, none, none}},
	{ViewConfidential, [10]string{"YNNNY", "YYYNY", all, none, none, none, none, none, none, none}},
	{EditConfidential, [10]string{"YNNNN", "YYYNN", none, none, none, none, none, none, none, none}},
	{ViewMeasures, [10]string{"YNNNY", "YYYNY", all, none, none, none, none, none, none, none}},
	{RecordMeasure, [10]string{"YNNNN", "YYYNN", none, none, none, none, none, none, none, none}},
	{BreakGlass, [10]string{"NYNNN", none, none, none, none, none, none, none, none, none}},
	{RaiseConcern, [10]string{"YYNNY", "YYYNY", all, none, none, none, none, none, none, none}},
	{DecideConcern, [10]string{none, none, all, none, none, none, none, none, none, none}},
	{ViewConcern, [10]string{none, "YYYNY", all, none, none, none, none, none, none, none}},
	{ViewOwnConcernActions, [10]string{none, none, none, none, none, none, none, none, none, none}},
	{ViewRecordAudit, [10]string{none, "YYYNY", all, all, none, none, none, none, none, none}},
	{ViewAuditLog, [10]string{none, none, none, all, none, none, none, none, none, none}},
	{ManageStaff, [10]string{none, none, none, all, none, none, none, none, none, none}},
	{ManageTokens, [10]string{none, none, none, all, none, none, none, none, none, none}},
	{ManageMailingList, [10]string{none, none, none, all, none, none, none, none, none, none}},
	{ManageMail, [10]string{none, none, none, all, none, none, none, none, none, none}},
	{ViewAggregates, [10]string{none, "YYYNY", all, all, all, none, none, none, none, none}},
	{ViewIdentifiableReports, [10]string{"YYYNY", "YYYNY", all, none, none, none, none, none, none, none}},
	{ExportResearch, [10]string{none, none, none, all, none, none, none, none, none, none}},
	{WriteSupervision, [10]string{none, "YYYNN", none, none, none, none, none, none, none, none}},
	{CorrectCaseNote, [10]string{"YNNNN", "YYYNN", none, none, none, none, none, none, none, none}},
	{ManageSite, [10]string{none, none, none, all, none, none, none, none, none, none}},
	{ChoosePublicListing, [10]string{none, none, all, none, none, none, none, none, none, none}},
	{ListCases, [10]string{all, all, all, none, none, none, none, none, none, none}},
	{ViewTeamCaseloads, [10]string{none, all, all, none, none, none, none, none, none, none}},
	{ExportSubjectAccess, [10]string{none, none, all, none, none, none, none, none, none, none}},
	{ListRetention, [10]string{none, all, all, none, none, none, none, none, none, none}},
	{ReviewRetention, [10]string{none, "NNNNY", "NNNNY", none, none, none, none, none, none, none}},
	{ApproveErasure, [10]string{none, "NNNNY", none, none, none, none, none, none, none, none}},
	{ManageOwnAccount, [10]string{all, all, all, all, all, none, none, none, none, none}},
}

type row struct {
	name         string
	actor        Actor
	act          Action
	target       Target
	now          time.Time
	want         bool
	wantOverride bool
	reason       string // substring the reason must contain, if set
}

func matrixRows() []row {
	var rows []row
	for _, m := range matrix {
		for ai, a := range actors() {
			for ri := range relNames {
				rows = append(rows, row{
					name:   fmt.Sprintf("%s/%s/%s", actorNames[ai], m.act, relNames[ri]),
					actor:  a,
					act:    m.act,
					target: relTarget(ri, m.act),
					now:    now,
					want:   m.want[ai][ri] == 'Y',
				})
			}
		}
	}
	return rows
}

func specialRows() []row {
	prac := actors()[0]
	tm := actors()[1]
	dsl := actors()[2]
	admin := actors()[3]
	analyst := actors()[4]
	in1h := now.Add(time.Hour)
	f1dad := parent(family1(), dad)

	rows := []row{
		// Break-glass overrides: valid, expired, someone else's, another person's.
		{name: "override/valid", actor: prac, act: ViewConfidential, target: withOverride(f1dad, ov(me, dad, in1h)), want: true, wantOverride: true, reason: "break-glass"},
		{name: "override/valid-among-others", actor: prac, act: ViewConfidential, target: withOverride(f1dad, ov(30, dad, in1h), ov(me, dad, now.Add(-time.Minute)), ov(me, dad, in1h)), want: true, wantOverride: true},
		{name: "override/valid-closed-case", actor: prac, act: ViewConfidential, target: withOverride(closed(f1dad), ov(me, dad, in1h)), want: true, wantOverride: true},
		{name: "override/expired", actor: prac, act: ViewConfidential, target: withOverride(f1dad, ov(me, dad, now.Add(-time.Second))), reason: "own practitioner"},
		{name: "override/expires-exactly-now", actor: prac, act: ViewConfidential, target: withOverride(f1dad, ov(me, dad, now))},
		{name: "override/other-staff", actor: prac, act: ViewConfidential, target: withOverride(f1dad, ov(30, dad, in1h))},
		{name: "override/other-person", actor: prac, act: ViewConfidential, target: withOverride(f1dad, ov(me, f2a, in1h))},
		{name: "override/no-reason", actor: prac, act: ViewConfidential, target: withOverride(f1dad, Override{StaffID: me, PersonID: dad, Reason: "   ", ExpiresAt: in1h})},
		{name: "override/longer-than-max", actor: prac, act: ViewConfidential, target: withOverride(f1dad, ov(me, dad, now.Add(MaxOverride()+time.Minute)))},
		{name: "override/exactly-max", actor: prac, act: ViewConfidential, target: withOverride(f1dad, ov(me, dad, now.Add(MaxOverride()))), want: true, wantOverride: true},
		{name: "override/never-for-edit", actor: prac, act: EditConfidential, target: withOverride(f1dad, ov(me, dad, in1h)), reason: "change"},
		{name: "override/no-longer-allocated", actor: prac, act: ViewConfidential, target: withOverride(parent(Target{AreaID: areaA, FamilyID: fam1, Practitioners: map[int64]int64{mum: 30, dad: coPrac}}, dad), ov(me, dad, in1h)), reason: "allocated"},
		{name: "override/other-family-not-allocated", actor: prac, act: ViewConfidential, target: withOverride(parent(family2(), f2a), ov(me, f2a, in1h)), reason: "allocated"},
		{name: "override/other-area", actor: prac, act: ViewConfidential, target: withOverride(parent(family3(), f3a), ov(me, f3a, in1h))},
		{name: "override/own-parent-not-flagged", actor: prac, act: ViewConfidential, target: withOverride(parent(family1(), mum), ov(me, mum, in1h)), want: true},
		{name: "override/manager-not-flagged", actor: tm, act: ViewConfidential, target: withOverride(f1dad, ov(tmID, dad, in1h)), want: true},
		{name: "override/admin-still-denied", actor: admin, act: ViewConfidential, target: withOverride(f1dad, ov(adminID, dad, in1h))},
		{name: "override/analyst-still-denied", actor: analyst, act: ViewConfidential, target: withOverride(f1dad, ov(anaID, dad, in1h))},

		// Break-glass requests.
		{name: "breakglass/co-parent", actor: prac, act: BreakGlass, target: f1dad, want: true},
		{name: "breakglass/co-parent-unallocated", actor: prac, act: BreakGlass, target: parent(Target{AreaID: areaA, FamilyID: fam1, Practitioners: map[int64]int64{mum: me, dad: 0}}, dad), want: true},
		{name: "breakglass/closed-case", actor: prac, act: BreakGlass, target: closed(f1dad), want: true},
		{name: "breakglass/own-parent", actor: prac, act: BreakGlass, target: parent(family1(), mum), reason: "already"},
		{name: "breakglass/baby", actor: prac, act: BreakGlass, target: child(family1(), baby), reason: "co-parent"},
		{name: "breakglass/not-a-recorded-parent", actor: prac, act: BreakGlass, target: parent(family1(), 999)},
		{name: "breakglass/not-allocated", actor: prac, act: BreakGlass, target: parent(family2(), f2a), reason: "allocated"},
		{name: "breakglass/dsl", actor: dsl, act: BreakGlass, target: f1dad},

		// Children follow the family rule; their parents' separation rule does not apply.
		{name: "child/allocated-view-confidential", actor: prac, act: ViewConfidential, target: child(family1(), baby), want: true},
		{name: "child/allocated-edit-confidential", actor: prac, act: EditConfidential, target: child(family1(), baby), want: true},
		{name: "child/closed-edit-confidential", actor: prac, act: EditConfidential, target: closed(child(family1(), baby)), reason: "read-only"},
		{name: "child/not-allocated", actor: prac, act: ViewConfidential, target: child(family2(), 203), reason: "allocated"},
		{name: "child/coprac-view-person", actor: Actor{StaffID: coPrac, Role: Practitioner, Areas: []int64{areaA}}, act: ViewPerson, target: child(family1(), baby), want: true},
		// A child who lives with one parent is found where that parent is:
		// their details are that parent's practitioner's, not the other's.
		{name: "child/household-own-view", actor: prac, act: ViewConfidential, target: livesWith(child(family1(), 104), mum), want: true},
		{name: "child/household-own-edit", actor: prac, act: EditConfidential, target: livesWith(child(family1(), 104), mum), want: true},
		{name: "child/household-own-closed-edit", actor: prac, act: EditConfidential, target: closed(livesWith(child(family1(), 104), mum)), reason: "read-only"},
		{name: "child/household-other-view", actor: prac, act: ViewConfidential, target: livesWith(child(family1(), 104), dad), reason: "the parent they live with"},
		{name: "child/household-other-edit", actor: prac, act: EditConfidential, target: livesWith(child(family1(), 104), dad), reason: "the parent they live with"},
		{name: "child/household-other-view-person", actor: prac, act: ViewPerson, target: livesWith(child(family1(), 104), dad), want: true},
		{name: "child/household-other-override", actor: prac, act: ViewConfidential, target: withOverride(livesWith(child(family1(), 104), dad), ov(me, dad, in1h)), want: true, wantOverride: true},
		{name: "child/household-other-override-for-the-child", actor: prac, act: ViewConfidential, target: withOverride(livesWith(child(family1(), 104), dad), ov(me, 104, in1h)), reason: "the parent they live with"},
		{name: "child/household-not-allocated", actor: prac, act: ViewConfidential, target: livesWith(child(family2(), 203), f2a), reason: "allocated"},
		{name: "child/household-tm", actor: tm, act: EditConfidential, target: livesWith(child(family1(), 104), dad), want: true},
		// The baby too, when recorded as living with one parent.
		{name: "baby/household-other-view", actor: prac, act: ViewConfidential, target: livesWith(child(family1(), baby), dad), reason: "the parent they live with"},
		{name: "baby/household-own-view", actor: prac, act: ViewConfidential, target: livesWith(child(family1(), baby), mum), want: true},

		// Outcome measures: a parent's are their own practitioner's (an
		// override reads, never records); the baby's are both
		// practitioners', wherever the baby lives.
		{name: "measures/coparent-view", actor: prac, act: ViewMeasures, target: f1dad, reason: "only a parent's own practitioner can see outcome measures"},
		{name: "measures/coparent-record", actor: prac, act: RecordMeasure, target: f1dad, reason: "the baby's are for both practitioners"},
		{name: "measures/coparent-override-view", actor: prac, act: ViewMeasures, target: withOverride(f1dad, ov(me, dad, in1h)), want: true, wantOverride: true},
		{name: "measures/coparent-override-record", actor: prac, act: RecordMeasure, target: withOverride(f1dad, ov(me, dad, in1h)), reason: "only a parent's own practitioner"},
		{name: "measures/own-parent-other-area", actor: prac, act: RecordMeasure, target: parent(Target{AreaID: areaB, FamilyID: fam3, Practitioners: map[int64]int64{f3a: me}}, f3a), reason: "area"},
		{name: "measures/baby-record", actor: prac, act: RecordMeasure, target: child(family1(), baby), want: true},
		{name: "measures/baby-household-other-record", actor: prac, act: RecordMeasure, target: livesWith(child(family1(), baby), dad), want: true},
		{name: "measures/baby-household-other-view", actor: prac, act: ViewMeasures, target: livesWith(child(family1(), baby), dad), want: true},
		{name: "measures/baby-closed-record", actor: prac, act: RecordMeasure, target: closed(child(family1(), baby)), reason: "read-only"},
		{name: "measures/baby-not-allocated", actor: prac, act: ViewMeasures, target: child(family2(), 203), reason: "allocated"},
		{name: "measures/baby-tm", actor: tm, act: RecordMeasure, target: livesWith(child(family1(), baby), dad), want: true},
		{name: "measures/baby-dsl-view", actor: dsl, act: ViewMeasures, target: livesWith(child(family1(), baby), dad), want: true},
		{name: "measures/baby-dsl-record", actor: dsl, act: RecordMeasure, target: child(family1(), baby), reason: "read but not record"},

		// One practitioner for both parents (should not happen, but is not a leak).
		{name: "practitioner/both-parents", actor: prac, act: ViewConfidential, target: parent(Target{AreaID: areaA, FamilyID: fam1, Practitioners: map[int64]int64{mum: me, dad: me}}, dad), want: true},
		// Allocated but the family sits in an area the practitioner is not in.
		{name: "practitioner/allocated-other-area", actor: prac, act: ViewFamily, target: Target{AreaID: areaB, FamilyID: fam3, Practitioners: map[int64]int64{f3a: me}}, reason: "area"},
		{name: "practitioner/nil-practitioners", actor: prac, act: ViewFamily, target: Target{AreaID: areaA, FamilyID: fam1}, reason: "allocated"},
		{name: "practitioner/edit-closed-reason", actor: prac, act: EditFamily, target: closed(family1()), reason: "closed cases are read-only; ask a team manager to reopen"},
		{name: "practitioner/edit-person-closed", actor: prac, act: EditPerson, target: closed(parent(family1(), mum)), reason: "read-only"},
		{name: "practitioner/view-family-reason", actor: prac, act: ViewFamily, target: family2(), reason: "practitioners see only families they are allocated to"},
		{name: "practitioner/coparent-confidential-reason", actor: prac, act: ViewConfidential, target: f1dad, reason: "break-glass"},

		// Correcting a case note: its author while the parent is theirs,
		// or a team manager of the area; never without its author known.
		{name: "casenote/another-practitioners-note", actor: prac, act: CorrectCaseNote, target: recordedBy(parent(family1(), mum), coPrac), reason: "only a note's author"},
		{name: "casenote/own-note-parent-reallocated", actor: prac, act: CorrectCaseNote,
			target: recordedBy(parent(Target{AreaID: areaA, FamilyID: fam1, Practitioners: map[int64]int64{mum: 30, dad: coPrac}}, mum), me), reason: "no longer this parent's practitioner"},
		{name: "casenote/own-note-on-co-parent", actor: prac, act: CorrectCaseNote, target: recordedBy(f1dad, me), reason: "no longer this parent's practitioner"},
		{name: "casenote/author-unknown-practitioner", actor: prac, act: CorrectCaseNote, target: parent(family1(), mum), reason: "author is not known"},
		{name: "casenote/author-unknown-tm", actor: tm, act: CorrectCaseNote, target: parent(family1(), mum), reason: "author is not known"},
		{name: "casenote/tm-anyones-note", actor: tm, act: CorrectCaseNote, target: recordedBy(f1dad, coPrac), want: true},
		{name: "casenote/tm-closed", actor: tm, act: CorrectCaseNote, target: recordedBy(closed(f1dad), tmID), reason: "read-only"},
		{name: "casenote/dsl-reason", actor: dsl, act: CorrectCaseNote, target: recordedBy(f1dad, dslID), reason: "read but not correct"},
		{name: "casenote/no-person", actor: tm, act: CorrectCaseNote, target: recordedBy(family1(), tmID), reason: "which person"},

		// Team manager state rules.
		{name: "tm/reopen-open-case", actor: tm, act: ReopenFamily, target: family1(), reason: "nothing to reopen"},
		{name: "tm/close-closed-case", actor: tm, act: CloseFamily, target: closed(family1()), reason: "already closed"},
		{name: "tm/reopen-other-area-closed", actor: tm, act: ReopenFamily, target: closed(family3()), reason: "area"},
		{name: "tm/two-areas", actor: Actor{StaffID: tmID, Role: TeamManager, Areas: []int64{areaA, areaB}}, act: ViewConfidential, target: parent(family3(), f3b), want: true},
		{name: "tm/no-areas", actor: Actor{StaffID: tmID, Role: TeamManager}, act: ViewFamily, target: family1()},
		{name: "tm/decide-concern-reason", actor: tm, act: DecideConcern, target: family1(), reason: "designated safeguarding lead"},

		// Missing information is a denial, whoever asks.
		{name: "missing-area/practitioner-view-family", actor: prac, act: ViewFamily, target: Target{FamilyID: fam1, Practitioners: map[int64]int64{mum: me}}, reason: "area"},
		{name: "missing-area/tm-view-family", actor: Actor{StaffID: tmID, Role: TeamManager, Areas: []int64{0, areaA}}, act: ViewFamily, target: Target{FamilyID: fam1}, reason: "area"},
		{name: "missing-area/dsl-view-family", actor: dsl, act: ViewFamily, target: Target{FamilyID: fam1}, reason: "area"},
		{name: "missing-area/dsl-decide-concern", actor: dsl, act: DecideConcern, target: Target{FamilyID: fam1}},
		{name: "missing-area/practitioner-view-referral", actor: prac, act: ViewReferral, target: Target{}},
		{name: "missing-area/tm-screen-referral", actor: tm, act: ScreenReferral, target: Target{}, reason: "area"},
		// A referral from outside every funded area still has to be screened: DSLs see it.
		{name: "no-area/dsl-view-referral", actor: dsl, act: ViewReferral, target: Target{}, want: true},
		{name: "no-area/dsl-screen-referral", actor: dsl, act: ScreenReferral, target: Target{}, want: true},
		{name: "missing-area/admin-record-audit", actor: admin, act: ViewRecordAudit, target: Target{FamilyID: fam1}},
		{name: "missing-area/tm-aggregates", actor: tm, act: ViewAggregates, target: Target{}, reason: "choose one of your areas"},
		{name: "missing-area/practitioner-identifiable", actor: prac, act: ViewIdentifiableReports, target: Target{}},
		{name: "all-areas/dsl-aggregates", actor: dsl, act: ViewAggregates, target: Target{}, want: true},
		{name: "all-areas/dsl-identifiable", actor: dsl, act: ViewIdentifiableReports, target: Target{}, want: true},
		{name: "all-areas/admin-aggregates", actor: admin, act: ViewAggregates, target: Target{}, want: true},
		{name: "all-areas/analyst-aggregates", actor: analyst, act: ViewAggregates, target: Target{}, want: true},
		{name: "no-target/admin-manage-staff", actor: admin, act: ManageStaff, target: Target{}, want: true},
		{name: "missing-family/dsl-view-family", actor: dsl, act: ViewFamily, target: Target{AreaID: areaA}, reason: "family"},
		{name: "missing-person/dsl-view-person", actor: dsl, act: ViewPerson, target: family1(), reason: "person"},
		{name: "missing-person/practitioner-confidential", actor: prac, act: ViewConfidential, target: Target{AreaID: areaA, FamilyID: fam1, IsParent: true, Practitioners: map[int64]int64{mum: me}}},
		{name: "concern-without-family/tm", actor: tm, act: RaiseConcern, target: Target{AreaID: areaA}, want: true},
		// A concern raised from a referral, before there is a family: whoever
		// may see the referral may raise it; only a DSL decides it, and one
		// from outside every area is the DSLs' alone.
		{name: "referral-concern/practitioner-own-area", actor: prac, act: RaiseConcern, target: Target{AreaID: areaA, ReferralID: 400}, want: true},
		{name: "referral-concern/practitioner-other-area", actor: prac, act: RaiseConcern, target: Target{AreaID: areaB, ReferralID: 400}, reason: "area you do not work in"},
		{name: "referral-concern/practitioner-no-area", actor: prac, act: RaiseConcern, target: Target{ReferralID: 400}, reason: "designated safeguarding lead"},
		{name: "referral-concern/tm-own-area", actor: tm, act: RaiseConcern, target: Target{AreaID: areaA, ReferralID: 400}, want: true},
		{name: "referral-concern/dsl-no-area", actor: dsl, act: RaiseConcern, target: Target{ReferralID: 400}, want: true},
		{name: "referral-concern/dsl-decide-no-area", actor: dsl, act: DecideConcern, target: Target{ReferralID: 400}, want: true},
		{name: "referral-concern/tm-decide", actor: tm, act: DecideConcern, target: Target{AreaID: areaA, ReferralID: 400}, reason: "designated safeguarding lead"},
		{name: "referral-concern/admin", actor: admin, act: RaiseConcern, target: Target{AreaID: areaA, ReferralID: 400}},
		{name: "referral-concern/analyst", actor: analyst, act: RaiseConcern, target: Target{AreaID: areaA, ReferralID: 400}},
		{name: "referral-concern/partner", actor: actors()[6], act: RaiseConcern, target: Target{AreaID: areaA, ReferralID: 400}},
		// A family's concern is still the allocated practitioner's to raise,
		// whatever referral it names.
		{name: "referral-concern/with-family-unallocated", actor: prac, act: RaiseConcern, target: Target{AreaID: areaA, FamilyID: fam1, ReferralID: 400}},
		{name: "referral-concern/dsl-decide-family-no-area", actor: dsl, act: DecideConcern, target: Target{FamilyID: fam1, ReferralID: 400}, reason: "area"},

		// The retention review of referrals that never became a family: a
		// manager of the area reviews and approves; a DSL reviews any, and
		// approves only one from outside every area (no manager could).
		{name: "referral/tm-review-own-area", actor: tm, act: ReviewRetention, target: referralRecord(areaA, true), want: true},
		{name: "referral/tm-approve-own-area", actor: tm, act: ApproveErasure, target: referralRecord(areaA, true), want: true},
		{name: "referral/tm-review-other-area", actor: tm, act: ReviewRetention, target: referralRecord(areaB, true), reason: "area you do not work in"},
		{name: "referral/tm-approve-other-area", actor: tm, act: ApproveErasure, target: referralRecord(areaB, true), reason: "area you do not work in"},
		{name: "referral/tm-review-no-area", actor: tm, act: ReviewRetention, target: referralRecord(0, true), reason: "designated safeguarding lead reviews it"},
		{name: "referral/tm-approve-no-area", actor: tm, act: ApproveErasure, target: referralRecord(0, true), reason: "designated safeguarding lead"},
		{name: "referral/tm-zero-area-listed", actor: Actor{StaffID: tmID, Role: TeamManager, Areas: []int64{0, areaA}}, act: ApproveErasure, target: referralRecord(0, true)},
		{name: "referral/tm-review-open", actor: tm, act: ReviewRetention, target: referralRecord(areaA, false), reason: "still being screened"},
		{name: "referral/dsl-review-area", actor: dsl, act: ReviewRetention, target: referralRecord(areaB, true), want: true},
		{name: "referral/dsl-review-no-area", actor: dsl, act: ReviewRetention, target: referralRecord(0, true), want: true},
		{name: "referral/dsl-approve-no-area", actor: dsl, act: ApproveErasure, target: referralRecord(0, true), want: true},
		{name: "referral/dsl-approve-area", actor: dsl, act: ApproveErasure, target: referralRecord(areaA, true), reason: "only a team manager of the record's area"},
		{name: "referral/dsl-approve-family", actor: dsl, act: ApproveErasure, target: closed(family1()), reason: "only a team manager of the record's area"},
		{name: "referral/dsl-approve-open-no-area", actor: dsl, act: ApproveErasure, target: referralRecord(0, false), reason: "still being screened"},
		{name: "referral/dsl-review-open-no-area", actor: dsl, act: ReviewRetention, target: referralRecord(0, false), reason: "still being screened"},
		{name: "referral/disabled-dsl-approve-no-area", actor: actors()[9], act: ApproveErasure, target: referralRecord(0, true), reason: "disabled"},
		{name: "referral/unknown-role-approve-no-area", actor: actors()[8], act: ApproveErasure, target: referralRecord(0, true), reason: "not recognised"},
		{name: "referral/practitioner-review", actor: prac, act: ReviewRetention, target: referralRecord(areaA, true)},
		{name: "referral/practitioner-approve-no-area", actor: prac, act: ApproveErasure, target: referralRecord(0, true), reason: "only a team manager"},
		{name: "referral/admin-approve-no-area", actor: admin, act: ApproveErasure, target: referralRecord(0, true)},
		{name: "referral/analyst-review-no-area", actor: analyst, act: ReviewRetention, target: referralRecord(0, true)},
		{name: "referral/partner-approve-no-area", actor: actors()[6], act: ApproveErasure, target: referralRecord(0, true)},
		// Fail closed: no record named, or two.
		{name: "referral/missing-id-dsl-approve", actor: dsl, act: ApproveErasure, target: Target{Closed: true}, reason: "area is not known"},
		{name: "referral/missing-id-dsl-review", actor: dsl, act: ReviewRetention, target: Target{Closed: true}, reason: "area is not known"},
		{name: "referral/missing-id-tm-approve", actor: tm, act: ApproveErasure, target: Target{AreaID: areaA, Closed: true}, reason: "which family"},
		{name: "referral/and-family-dsl-approve", actor: dsl, act: ApproveErasure, target: Target{FamilyID: fam1, ReferralID: 400, Closed: true}, reason: "both a family and a referral"},
		{name: "referral/and-family-tm-review", actor: tm, act: ReviewRetention, target: Target{AreaID: areaA, FamilyID: fam1, ReferralID: 400, Closed: true}, reason: "both"},

		// Actors that are not what they seem.
		{name: "zero-actor/view-family", actor: Actor{}, act: ViewFamily, target: family1(), reason: "sign in"},
		{name: "disabled-empty-actor/submit", actor: Actor{Disabled: true}, act: SubmitReferral},
		{name: "role-without-staff-id", actor: Actor{Role: DSL}, act: ViewFamily, target: family1()},
		{name: "role-without-staff-id/submit", actor: Actor{Role: DSL}, act: SubmitReferral},
		{name: "areas-only-actor/submit", actor: Actor{Areas: []int64{areaA}}, act: SubmitReferral},
		{name: "superuser/reason", actor: actors()[8], act: ViewFamily, target: family1(), reason: "not recognised"},
		{name: "disabled/reason", actor: actors()[9], act: ViewFamily, target: family1(), reason: "disabled"},
		{name: "disabled-practitioner/own-parent", actor: Actor{StaffID: me, Role: Practitioner, Areas: []int64{areaA}, Disabled: true}, act: ViewConfidential, target: parent(family1(), mum)},
		{name: "partner/staff-id-set", actor: Actor{StaffID: 5, Partner: &Partner{OrgID: 5, Scopes: []string{ScopeCreateReferrals}}}, act: SubmitReferral, reason: "malformed"},
		{name: "partner/no-org", actor: Actor{Partner: &Partner{Scopes: []string{ScopeCreateReferrals}}}, act: SubmitReferral, reason: "malformed"},
		{name: "partner/role-set", actor: Actor{Role: Admin, Partner: &Partner{OrgID: 5, Scopes: []string{ScopeCreateReferrals}}}, act: ManageTokens},
		{name: "partner/disabled", actor: Actor{Disabled: true, Partner: &Partner{OrgID: 5, Scopes: []string{ScopeCreateReferrals}}}, act: SubmitReferral},
		{name: "partner/scope-case-differs", actor: Actor{Partner: &Partner{OrgID: 5, Scopes: []string{"Referrals:Create"}}}, act: SubmitReferral, reason: "scope"},
		{name: "partner/nil-scopes", actor: Actor{Partner: &Partner{OrgID: 5}}, act: SubmitReferral},
		{name: "partner/view-referral", actor: actors()[6], act: ViewReferral, target: family1(), reason: "only submit referrals"},

		// Role-level reasons.
		{name: "admin/view-person-reason", actor: admin, act: ViewPerson, target: parent(family1(), mum), reason: "never see"},
		{name: "analyst/identifiable-reason", actor: analyst, act: ViewIdentifiableReports, target: family1(), reason: "aggregate"},
		{name: "dsl/edit-confidential-reason", actor: dsl, act: EditConfidential, target: f1dad, reason: "read but not change"},
		{name: "tm/breakglass-reason", actor: tm, act: BreakGlass, target: f1dad, reason: "already see"},
		{name: "practitioner/manage-staff-reason", actor: prac, act: ManageStaff, reason: "only administrators"},
	}

	// An unknown action is refused for everyone.
	for i, a := range actors() {
		rows = append(rows, row{name: actorNames[i] + "/family.delete", actor: a, act: "family.delete", target: family1(), reason: "not a recognised action"})
	}
	rows = append(rows, row{name: "empty-action", actor: dsl, act: "", target: family1()})

	for i := range rows {
		if rows[i].now.IsZero() {
			rows[i].now = now
		}
	}
	return rows
}

func TestDecide(t *testing.T) {
	rows := append(matrixRows(), specialRows()...)
	seen := map[string]bool{}
	for _, r := range rows {
		if seen[r.name] {
			t.Fatalf("duplicate row name %q", r.name)
		}
		seen[r.name] = true

		got := Decide(r.actor, r.act, r.target, r.now)
		if got.Allowed != r.want || got.Override != r.wantOverride {
			t.Errorf("%s: got allowed=%v override=%v (%q), want allowed=%v override=%v",
				r.name, got.Allowed, got.Override, got.Reason, r.want, r.wantOverride)
		}
		if strings.TrimSpace(got.Reason) == "" {
			t.Errorf("%s: got empty reason, want a plain-English reason", r.name)
		}
		if r.reason != "" && !strings.Contains(got.Reason, r.reason) {
			t.Errorf("%s: got reason %q, want it to contain %q", r.name, got.Reason, r.reason)
		}
		if got.Override && !got.Allowed {
			t.Errorf("%s: got override on a denial", r.name)
		}
		if c := Can(r.actor, r.act, r.target, r.now); c != got.Allowed {
			t.Errorf("%s: Can=%v but Decide.Allowed=%v", r.name, c, got.Allowed)
		}
	}
	t.Logf("%d table rows (%d matrix, %d special)", len(rows), len(matrixRows()), len(specialRows()))
}

// Every action must appear in the matrix, so a new one cannot slip past the
// exhaustive table.
func TestMatrixCoversEveryAction(t *testing.T) {
	inMatrix := map[Action]bool{}
	for _, m := range matrix {
		inMatrix[m.act] = true
	}
	for _, act := range Actions() {
		if !inMatrix[act] {
			t.Errorf("%s: got no matrix row, want one", act)
		}
		if !act.Valid() {
			t.Errorf("%s: got Valid()=false, want true", act)
		}
	}
	if len(matrix) != len(Actions()) {
		t.Errorf("matrix: got %d rows, want %d (one per action)", len(matrix), len(Actions()))
	}
}

// Fail closed: whatever the target, an unknown role, a disabled account of
// any role, or a malformed actor can do nothing.
func TestEveryActionDeniedForBadActors(t *testing.T) {
	targets := map[string]Target{
		"empty":            {},
		"family1-mum":      withOverride(parent(family1(), mum), ov(me, mum, now.Add(time.Hour))),
		"family1-closed":   closed(family1()),
		"referral-no-area": referralRecord(0, true),
	}
	bad := map[string]Actor{
		"unknown-role-superuser": {StaffID: 99, Role: "superuser", Areas: []int64{areaA, areaB}},
		"unknown-role-upper":     {StaffID: 99, Role: "DSL", Areas: []int64{areaA}},
		"empty-role":             {StaffID: 99, Areas: []int64{areaA}},
		"partner-and-staff":      {StaffID: me, Role: Practitioner, Areas: []int64{areaA}, Partner: &Partner{OrgID: 5, Scopes: []string{ScopeCreateReferrals}}},
	}
	for _, r := range Roles() {
		bad["disabled-"+string(r)] = Actor{StaffID: me, Role: r, Areas: []int64{areaA, areaB}, Disabled: true}
	}
	for an, a := range bad {
		for tn, tg := range targets {
			for _, act := range Actions() {
				if d := Decide(a, act, tg, now); d.Allowed || d.Reason == "" {
					t.Errorf("%s/%s/%s: got allowed=%v reason=%q, want denied with a reason", an, act, tn, d.Allowed, d.Reason)
				}
				if Can(a, act, tg, now) {
					t.Errorf("%s/%s/%s: Can allowed it", an, act, tn)
				}
			}
		}
	}
}

// TestCanDoesNotAllocate: a caseload asks Can once for each of up to 500
// families, so an allowed answer is worked out without writing a reason.
func TestCanDoesNotAllocate(t *testing.T) {
	for _, c := range []struct {
		name  string
		actor Actor
	}{
		{"team manager in own area", Actor{StaffID: me, Role: TeamManager, Areas: []int64{areaA}}},
		{"DSL anywhere", Actor{StaffID: me, Role: DSL, Areas: []int64{areaA}}},
	} {
		target := family1()
		if !Can(c.actor, ViewFamily, target, now) {
			t.Fatalf("%s: not allowed to view the family", c.name)
		}
		if n := testing.AllocsPerRun(100, func() { Can(c.actor, ViewFamily, target, now) }); n != 0 {
			t.Errorf("%s: %v allocations a check, want none", c.name, n)
		}
	}
}

func TestParseRole(t *testing.T) {
	for _, r := range Roles() {
		got, err := ParseRole(string(r))
		if err != nil || got != r {
			t.Errorf("ParseRole(%q): got %q, %v; want %q, nil", r, got, err, r)
		}
	}
	for _, s := range []string{"", "superuser", "DSL", "Team_Manager", " practitioner", "practitioner ", "team manager"} {
		got, err := ParseRole(s)
		if err == nil || got != "" {
			t.Errorf("ParseRole(%q): got %q, %v; want \"\", error", s, got, err)
			continue
		}
		for _, r := range Roles() {
			if !strings.Contains(err.Error(), string(r)) {
				t.Errorf("ParseRole(%q): got error %q, want it to list %q", s, err, r)
			}
		}
	}
}

func TestRoles(t *testing.T) {
	want := []struct {
		r     Role
		label string
	}{
		{Practitioner, "Therapeutic practitioner"},
		{TeamManager, "Team manager"},
		{DSL, "Designated safeguarding lead"},
		{Admin, "Administrator"},
		{Analyst, "Analyst"},
	}
	got := Roles()
	if len(got) != len(want) {
		t.Fatalf("Roles: got %v, want %d roles", got, len(want))
	}
	for i, w := range want {
		if got[i] != w.r || !w.r.Valid() || w.r.Label() != w.label {
			t.Errorf("Roles[%d]: got %q valid=%v label=%q, want %q valid=true label=%q", i, got[i], got[i].Valid(), got[i].Label(), w.r, w.label)
		}
	}
	got[0] = "superuser" // callers cannot change the policy's list
	if Roles()[0] != Practitioner {
		t.Errorf("Roles: got a shared slice, want a fresh copy")
	}
	if Role("superuser").Valid() || Role("").Valid() {
		t.Errorf("Valid: got true for an unknown role, want false")
	}
}

func TestSignedIn(t *testing.T) {
	rows := []struct {
		name string
		a    Actor
		want bool
	}{
		{"zero", Actor{}, false},
		{"practitioner", actors()[0], true},
		{"disabled", actors()[9], false},
		{"unknown-role", actors()[8], false},
		{"no-staff-id", Actor{Role: DSL}, false},
		{"partner", actors()[6], false},
	}
	for _, r := range rows {
		if got := r.a.SignedIn(); got != r.want {
			t.Errorf("%s: got SignedIn=%v, want %v", r.name, got, r.want)
		}
	}
}

func TestValidateOverrideReason(t *testing.T) {
	rows := []struct {
		name, reason string
		ok           bool
	}{
		{"empty", "", false},
		{"spaces", "      \t\n   ", false},
		{"short", "need to check", false},
		{"19-chars", "abcdefghij klmnopqr", false},
		{"20-chars", "abcdefghij klmnopqrs", true},
		{"padded-short", "   need to check it      ", false},
		{"spaces-inflate", "need      to       check", false},
		{"zero-width-inflate", "need\u200b\u200b\u200b\u200b\u200b\u200b\u200b to check", false},
		{"punctuation", "....................................", false},
		{"digits", "123456789012345678901234", false},
		{"good", goodReason, true},
		{"good-unicode", "Angen gwirio'r cynllun diogelwch ar frys", true},
	}
	for _, r := range rows {
		err := ValidateOverrideReason(r.reason)
		if (err == nil) != r.ok {
			t.Errorf("%s: got err=%v, want ok=%v", r.name, err, r.ok)
		}
		if err != nil && err.Error() == "" {
			t.Errorf("%s: got an empty error message", r.name)
		}
	}
}

func TestMaxOverride(t *testing.T) {
	if got := MaxOverride(); got != 4*time.Hour {
		t.Errorf("MaxOverride: got %v, want 4h", got)
	}
}

// A practitioner may record that a referrer was told only of a referral
// they took in themselves; the rest of the matrix above has no TakenBy.
func TestAcknowledgeReferralTakenIn(t *testing.T) {
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	priya := Actor{StaffID: 7, Role: Practitioner, Areas: []int64{1}}
	for _, tc := range []struct {
		name string
		t    Target
		want bool
	}{
		{"one she took in", Target{AreaID: 1, TakenBy: 7}, true},
		{"one she took in for another area", Target{AreaID: 2, TakenBy: 7}, true},
		{"one someone else took in", Target{AreaID: 1, TakenBy: 8}, false},
		{"one that came through a form", Target{AreaID: 1}, false},
	} {
		if got := Decide(priya, AcknowledgeReferral, tc.t, now).Allowed; got != tc.want {
			t.Errorf("%s: allowed %v, want %v", tc.name, got, tc.want)
		}
	}
	if d := Decide(priya, AcknowledgeReferral, Target{AreaID: 1, TakenBy: 8}, now); !strings.Contains(d.Reason, "took it in") {
		t.Errorf("refusal reason %q does not say who may", d.Reason)
	}
}

// A task may be marked done by whoever it is for, whatever their role and
// wherever it is, or by a team manager of its family's area; the rest of
// the matrix above has no AssignedTo.
func TestCompleteTaskAssigned(t *testing.T) {
	now := time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC)
	priya := Actor{StaffID: 7, Role: Practitioner, Areas: []int64{1}}
	helen := Actor{StaffID: 8, Role: TeamManager, Areas: []int64{1}}
	ruth := Actor{StaffID: 9, Role: DSL}
	sam := Actor{StaffID: 10, Role: Admin}
	for _, tc := range []struct {
		name string
		who  Actor
		t    Target
		want bool
	}{
		{"a practitioner's own task", priya, Target{AreaID: 1, FamilyID: 3, AssignedTo: 7}, true},
		{"a practitioner's own task in a closed case", priya, Target{AreaID: 1, FamilyID: 3, AssignedTo: 7, Closed: true}, true},
		{"a practitioner's own task in another area", priya, Target{AreaID: 2, FamilyID: 3, AssignedTo: 7}, true},
		{"the co-parent's practitioner's task", priya, Target{AreaID: 1, FamilyID: 3, AssignedTo: 11}, false},
		{"a task for no one", priya, Target{AreaID: 1, FamilyID: 3}, false},
		{"a manager's own task in another area", helen, Target{AreaID: 2, FamilyID: 3, AssignedTo: 8}, true},
		{"a practitioner's task in the manager's area", helen, Target{AreaID: 1, FamilyID: 3, AssignedTo: 7}, true},
		{"a task for no one in the manager's area", helen, Target{AreaID: 1, FamilyID: 3}, true},
		{"someone else's task in another area", helen, Target{AreaID: 2, FamilyID: 3, AssignedTo: 7}, false},
		{"a lead's own action", ruth, Target{AreaID: 2, FamilyID: 3, AssignedTo: 9}, true},
		{"someone else's task, for a lead", ruth, Target{AreaID: 1, FamilyID: 3, AssignedTo: 7}, false},
		{"an administrator's 'own' task", sam, Target{AreaID: 1, FamilyID: 3, AssignedTo: 10}, false},
		{"a disabled practitioner's own task", Actor{StaffID: 7, Role: Practitioner, Areas: []int64{1}, Disabled: true}, Target{AreaID: 1, AssignedTo: 7}, false},
	} {
		if got := Decide(tc.who, CompleteTask, tc.t, now).Allowed; got != tc.want {
			t.Errorf("%s: allowed %v, want %v", tc.name, got, tc.want)
		}
	}
	if d := Decide(priya, CompleteTask, Target{AreaID: 1, AssignedTo: 11}, now); !strings.Contains(d.Reason, "whoever a task is for") {
		t.Errorf("refusal reason %q does not say who may", d.Reason)
	}
}

// A concern is read whole by the leads, the managers of its area and
// whoever raised it (wherever they now work); the owner of one of its
// actions sees only their own actions. The matrix above has no RaisedBy
// or ActionOwners.
func TestViewConcern(t *testing.T) {
	now := time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC)
	priya := Actor{StaffID: 7, Role: Practitioner, Areas: []int64{1}}
	helen := Actor{StaffID: 8, Role: TeamManager, Areas: []int64{1}}
	ruth := Actor{StaffID: 9, Role: DSL}
	sam := Actor{StaffID: 10, Role: Admin}
	leah := Actor{StaffID: 12, Role: Analyst}
	fam := Target{AreaID: 1, FamilyID: 3, PersonID: 4, RaisedBy: 11}
	ref := Target{AreaID: 1, ReferralID: 5, RaisedBy: 11}
	outside := Target{ReferralID: 5, RaisedBy: 11}
	with := func(t Target, f func(*Target)) Target { f(&t); return t }
	for _, tc := range []struct {
		name string
		who  Actor
		act  Action
		t    Target
		want bool
	}{
		{"a practitioner's own concern", priya, ViewConcern, with(fam, func(t *Target) { t.RaisedBy = 7 }), true},
		{"a practitioner's own concern in another area", priya, ViewConcern, with(fam, func(t *Target) { t.AreaID, t.RaisedBy = 2, 7 }), true},
		{"a practitioner's own concern from a referral outside every area", priya, ViewConcern, with(outside, func(t *Target) { t.RaisedBy = 7 }), true},
		{"a colleague's concern about the practitioner's family", priya, ViewConcern, fam, false},
		{"a colleague's concern from a referral in the practitioner's area", priya, ViewConcern, ref, false},
		{"a concern in the manager's area", helen, ViewConcern, fam, true},
		{"a referral's concern in the manager's area", helen, ViewConcern, ref, true},
		{"a concern in another area", helen, ViewConcern, with(fam, func(t *Target) { t.AreaID = 2 }), false},
		{"the manager's own concern in another area", helen, ViewConcern, with(fam, func(t *Target) { t.AreaID, t.RaisedBy = 2, 8 }), true},
		{"a referral's concern from outside every area, for a manager", helen, ViewConcern, outside, false},
		{"a family's concern with no area", helen, ViewConcern, with(fam, func(t *Target) { t.AreaID = 0 }), false},
		{"any concern, for a lead", ruth, ViewConcern, with(fam, func(t *Target) { t.AreaID = 2 }), true},
		{"a referral's concern from outside every area, for a lead", ruth, ViewConcern, outside, true},
		{"a family's concern with no area, for a lead", ruth, ViewConcern, with(fam, func(t *Target) { t.AreaID = 0 }), false},
		{"an administrator", sam, ViewConcern, with(fam, func(t *Target) { t.RaisedBy = 10 }), false},
		{"an analyst", leah, ViewConcern, fam, false},
		{"a disabled practitioner's own concern", Actor{StaffID: 7, Role: Practitioner, Areas: []int64{1}, Disabled: true}, ViewConcern, with(fam, func(t *Target) { t.RaisedBy = 7 }), false},
		{"a practitioner's own action", priya, ViewOwnConcernActions, with(fam, func(t *Target) { t.ActionOwners = []int64{11, 7} }), true},
		{"a practitioner's own action in another area", priya, ViewOwnConcernActions, with(fam, func(t *Target) { t.AreaID, t.ActionOwners = 2, []int64{7} }), true},
		{"others' actions", priya, ViewOwnConcernActions, with(fam, func(t *Target) { t.ActionOwners = []int64{11, 8} }), false},
		{"no actions", priya, ViewOwnConcernActions, fam, false},
		{"a manager's own action elsewhere", helen, ViewOwnConcernActions, with(fam, func(t *Target) { t.AreaID, t.ActionOwners = 2, []int64{8} }), true},
		{"a lead's own action", ruth, ViewOwnConcernActions, with(fam, func(t *Target) { t.ActionOwners = []int64{9} }), true},
		{"an administrator's 'own' action", sam, ViewOwnConcernActions, with(fam, func(t *Target) { t.ActionOwners = []int64{10} }), false},
		{"an own action on a concern with no area", priya, ViewOwnConcernActions, with(fam, func(t *Target) { t.AreaID, t.ActionOwners = 0, []int64{7} }), false},
		{"a disabled owner", Actor{StaffID: 7, Role: Practitioner, Areas: []int64{1}, Disabled: true}, ViewOwnConcernActions, with(fam, func(t *Target) { t.ActionOwners = []int64{7} }), false},
	} {
		if got := Decide(tc.who, tc.act, tc.t, now).Allowed; got != tc.want {
			t.Errorf("%s: allowed %v, want %v", tc.name, got, tc.want)
		}
	}
	if d := Decide(priya, ViewConcern, fam, now); !strings.Contains(d.Reason, "whoever raised them") {
		t.Errorf("refusal reason %q does not say who may", d.Reason)
	}
}

// A refusal for the case's state alone (closed, or open when asked to
// reopen) is marked State, and its error is a conflict saying so, for one
// the rules otherwise allow; for anyone else it is an access refusal,
// which never tells them the case's state.
func TestStateRefusals(t *testing.T) {
	a := actors()
	prac, mgr := a[0], a[1]
	stranger := Actor{StaffID: 50, Role: Practitioner, Areas: []int64{areaB}}
	for _, tc := range []struct {
		name      string
		actor     Actor
		act       Action
		target    Target
		state     bool
		code      problem.Code
		startWith string
	}{
		{"closing a closed case", mgr, CloseFamily, closed(family1()), true, problem.Conflict, "This case is already closed"},
		{"reopening an open case", mgr, ReopenFamily, family1(), true, problem.Conflict, "This case is open"},
		{"editing a closed case", prac, EditFamily, closed(family1()), true, problem.Conflict, "Closed cases are read-only"},
		{"a stranger editing a closed case", stranger, EditFamily, closed(family1()), false, problem.Forbidden, ""},
		{"a practitioner closing a case", prac, CloseFamily, family1(), false, problem.Forbidden, ""},
	} {
		d := Decide(tc.actor, tc.act, tc.target, now)
		if d.Allowed || d.State != tc.state {
			t.Errorf("%s: allowed %v, state %v; want refused, state %v (%s)", tc.name, d.Allowed, d.State, tc.state, d.Reason)
		}
		err := d.Err()
		if problem.CodeOf(err) != tc.code || !strings.HasPrefix(problem.MessageOf(err), tc.startWith) {
			t.Errorf("%s: %v, want %s starting %q", tc.name, err, tc.code, tc.startWith)
		}
	}
	if err := Decide(mgr, CloseFamily, family1(), now).Err(); err != nil {
		t.Errorf("an allowed decision's error: %v", err)
	}
}
