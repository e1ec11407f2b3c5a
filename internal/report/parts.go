package report

import "time"

// Part is a group of the dashboard's figures that the store reads together.
// Each section of the dashboard needs one or two, so that a section's first
// view reads only what it shows: at national scale the whole dashboard is
// about a second of reading, its sections a fraction each.
//
// The parts are the disclosure control's islands as well: no figure of one
// part adds up with a figure of another (TestSectionsNeedOnlyTheirParts), so
// a section shows the same cells whether or not the other parts were read.
type Part uint8

const (
	PartReferrals    Part = 1 << iota // referrals received, the funnel, first contact
	PartCaseloads                     // open families and caseloads now
	PartEngagement                    // sessions, closures, retention, parents who left
	PartSafeguarding                  // concerns, MARAC referrals, safety plans
	PartStatus                        // changes in safeguarding status
	PartContent                       // the programme content that parents completing the programme had
	PartOutcomes                      // the outcome table (OutcomeChange, not Figures): the last, after every part Figures hold

	// FigureParts are the parts Figures hold; AllParts adds the outcome table.
	FigureParts = PartReferrals | PartCaseloads | PartEngagement | PartSafeguarding | PartStatus | PartContent
	AllParts    = FigureParts | PartOutcomes
)

// SectionInfo names one of the dashboard's sections and the parts it needs.
type SectionInfo struct {
	Key, Heading string
	Needs        Part
}

// sectionList is the dashboard's sections in the order the page lists them.
var sectionList = []SectionInfo{
	{"referrals", "Referrals", PartReferrals},
	{"referrals-over-time", "Referrals over time", PartReferrals},
	{"referral-areas", "Referrals by area", PartReferrals},
	{"conversion", "Conversion and first contact", PartReferrals},
	{"caseloads", "Caseloads now", PartCaseloads},
	{"engagement", "Engagement and retention", PartEngagement},
	{"content", "Programme content", PartContent},
	{"safeguarding", "Safeguarding", PartSafeguarding},
	{"outcomes", "Outcomes", PartStatus | PartOutcomes},
}

// Sections lists the dashboard's sections, in order, without any figures.
func Sections() []SectionInfo { return append([]SectionInfo(nil), sectionList...) }

// SectionFor returns the section with the key.
func SectionFor(key string) (SectionInfo, bool) {
	for _, s := range sectionList {
		if s.Key == key {
			return s, true
		}
	}
	return SectionInfo{}, false
}

// OutcomeChangeKey is the outcome table's key (the store builds the table).
const OutcomeChangeKey = "outcome-change"

// TableParts are the parts the section showing the table with the key
// needs, so that one table's download reads no more than its section. The
// tables each section holds are Dashboard's to say: it lays out figures
// that are all zero (no I/O) and the table is looked for there. False for
// a key no section has.
func TableParts(key string) (Part, bool) {
	f := Figures{From: time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)}
	for _, s := range Dashboard(f, ChangeTable(OutcomeChangeKey, "", "", nil)) {
		for _, t := range s.Tables {
			if t.Key == key {
				info, _ := SectionFor(s.Key)
				return info.Needs, true
			}
		}
	}
	return 0, false
}

// newSection starts the section with the key (one of sectionList's).
func newSection(key string) Section {
	info, ok := SectionFor(key)
	if !ok {
		panic("report: no section " + key) // a programming error, caught by every test of Dashboard
	}
	return Section{Key: info.Key, Heading: info.Heading}
}

// Merge copies the figures of parts p from src into f, and notes that f
// holds them. AsOf becomes the older of the two, so that figures read at
// different times say when the oldest of them was read.
func (f *Figures) Merge(src Figures, p Part) {
	p &= FigureParts
	if p&PartReferrals != 0 {
		f.ReferralsByMonth, f.ReferralsByMonthArea = src.ReferralsByMonth, src.ReferralsByMonthArea
		f.ReferralsBySource, f.ReferralsByArea = src.ReferralsBySource, src.ReferralsByArea
		f.Referred, f.Accepted, f.Engaged, f.Completed = src.Referred, src.Accepted, src.Engaged, src.Completed
		f.FirstContactDays = src.FirstContactDays
	}
	if p&PartCaseloads != 0 {
		f.OpenFamilies, f.OpenByArea, f.OpenByStage = src.OpenFamilies, src.OpenByArea, src.OpenByStage
		f.Practitioners, f.ParentsAllocated, f.LargestCaseload = src.Practitioners, src.ParentsAllocated, src.LargestCaseload
		f.ParentsByParticipation = src.ParentsByParticipation
	}
	if p&PartEngagement != 0 {
		f.SessionsAttended, f.SessionsMissed = src.SessionsAttended, src.SessionsMissed
		f.SessionsCancelledByParent, f.SessionsCancelledByStaff = src.SessionsCancelledByParent, src.SessionsCancelledByStaff
		f.ClosuresByReason, f.Retention = src.ClosuresByReason, src.Retention
		f.DeparturesByReason = src.DeparturesByReason
	}
	if p&PartSafeguarding != 0 {
		f.Concerns, f.ConcernsByDecision = src.Concerns, src.ConcernsByDecision
		f.DecisionHours, f.DecidedInTime = src.DecisionHours, src.DecidedInTime
		f.MARACReferrals, f.SafetyPlans, f.SafetyPlanReviews = src.MARACReferrals, src.SafetyPlans, src.SafetyPlanReviews
	}
	if p&PartStatus != 0 {
		f.StatusFamilies, f.StatusSteppedDown, f.StatusSteppedUp = src.StatusFamilies, src.StatusSteppedDown, src.StatusSteppedUp
	}
	if p&PartContent != 0 {
		f.ContentParents, f.ContentModules = src.ContentParents, src.ContentModules
	}
	if p != 0 && (f.AsOf.IsZero() || (!src.AsOf.IsZero() && src.AsOf.Before(f.AsOf))) {
		f.AsOf = src.AsOf
	}
	f.Parts |= p
}
