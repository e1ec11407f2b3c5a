package demo

import (
	"time"

	"github.com/cradle-org/cradle/internal/risk"
	"github.com/cradle-org/cradle/internal/store"
)

// The DASH answers the demo gives, as the questions answered "yes" (the
// rest "no", but for two the parent could not know): enough for high,
// medium and standard risk with the default thresholds (14 and 10).
// Question 9 (pregnant or a baby under 18 months) is yes for everyone in
// the programme.
var (
	dashHigh     = []int{2, 3, 4, 6, 8, 9, 10, 11, 12, 14, 15, 16, 20, 21, 24}
	dashMedium   = []int{2, 3, 4, 9, 10, 11, 12, 16, 20, 21, 24}
	dashStandard = []int{3, 9, 12, 20, 21}
	dashLow      = []int{9, 12, 20}
)

// dashAnswers is a whole checklist with yes to the questions listed.
func dashAnswers(yes []int, view string) risk.Assessment {
	a := risk.Assessment{Answers: map[int]risk.Answer{}, Context: map[int]string{}, ParentView: view}
	for n := 1; n <= risk.NumQuestions; n++ {
		a.Answers[n] = risk.No
	}
	a.Answers[18], a.Answers[19] = risk.NotKnown, risk.NotKnown
	for _, n := range yes {
		a.Answers[n] = risk.Yes
	}
	return a
}

// riskStory is what a demo family's risk history holds, for the parent
// in slot Parent (0 or 1), in days after acceptance.
type riskStory struct {
	Parent int
	// DASH assessments: the day and the answers.
	Assessments []storyAssessment
	// The safety plan's reviews (the plan itself is written with the first
	// assessment) and its next review, in days from today.
	PlanReviews  []storyReview
	NextReviewIn int
	Plan         store.SafetyPlanSections
	Incidents    []storyIncident
	// A MARAC referral, on day MARACOn (0 for none), with its outcome.
	MARACOn      int
	MARACArea    string
	MARACOutcome string
	MARACActions string
}

type storyAssessment struct {
	Day    int
	Yes    []int
	View   string
	Judged risk.Level
	Reason string
	Notes  map[int]string // beside the answers, by question
}

type storyReview struct {
	Day     int
	Changes string
}

type storyIncident struct {
	Day                               int
	ReportedBy, Details               string
	Police, Injuries, ChildrenPresent bool
}

// riskStories are the demo families' risk histories by their place in
// families. Family 2 (Amy Foster and Jordan Price, at assessment) has none:
// the browser tests and the README's walk-through make her first DASH
// assessment and safety plan. Words are about the parent's own safety,
// never the other parent's address or contact details.
var riskStories = map[int][]riskStory{
	2: {{Parent: 0,
		Assessments:  []storyAssessment{{Day: 10, Yes: dashHigh, View: "Sophie says she is safest at the refuge and frightened of being found."}},
		NextReviewIn: 12,
		Plan: store.SafetyPlanSections{SafeContacts: "Refuge staff (24 hours); her sister; the practitioner through the refuge office.",
			SafePlaces: "The refuge. The family hub on weekdays.", CodeWords: "\"Is the kettle on?\" to her sister means call the police.",
			EscapePlan: "Refuge staff hold a bag with documents and the baby's things.", BabyPlan: "Mia goes to nursery by taxi arranged by the social worker.",
			TechnologySafety: "New phone; location sharing off; social media private."},
		MARACOn: 14, MARACArea: "Blackpool MARAC",
		MARACOutcome: "Heard at MARAC. An independent domestic violence adviser (IDVA) is allocated and the police have flagged the case.",
		MARACActions: "IDVA to contact Sophie through the refuge within two working days. Social worker to update the child protection plan."},
		{Parent: 1, Assessments: []storyAssessment{{Day: 12, Yes: dashStandard, View: "Liam says arguments go both ways and he wants to stay calm for the baby."}}}},
	3: {{Parent: 0,
		Assessments: []storyAssessment{{Day: 10, Yes: dashMedium, View: "Hannah feels safer now Kyle has started his own sessions."},
			{Day: 63, Yes: dashMedium, View: "Hannah says the incident frightened her but she wants to stay together."}},
		PlanReviews:  []storyReview{{Day: 63, Changes: "After the incident: a neighbour added as a safe contact; handovers at the family hub."}},
		NextReviewIn: -3, // overdue: the caseload shows it
		Plan: store.SafetyPlanSections{SafeContacts: "Her mother; the practitioner.", SafePlaces: "Her mother's flat.",
			CodeWords: "A text saying \"bring milk\" means come round now.", EscapePlan: "A bag at her mother's with documents.",
			BabyPlan: "Oscar stays with Hannah if there is an argument.", TechnologySafety: "Phone passcode changed."},
		Incidents: []storyIncident{{Day: 60, ReportedBy: "Hannah, at a session", Details: "A shouting argument at home ended with a door slammed on Hannah's arm. No police; no visible injury."}}}},
	4: {{Parent: 0,
		Assessments: []storyAssessment{{Day: 10, Yes: dashHigh, View: "Jess is frightened of what Callum will do if she leaves.",
			Notes: map[int]string{15: "Once, last summer, in an argument about money.", 20: "Callum controls the bank account."}},
			{Day: 43, Yes: dashHigh, View: "Jess says the assault showed her she has to leave."},
			{Day: 150, Yes: dashMedium, View: "Jess has separated and feels safer, though messages continue."},
			{Day: 250, Yes: dashStandard, View: "Jess says she feels in control again."}},
		PlanReviews: []storyReview{{Day: 43, Changes: "After the assault: a non-molestation order applied for; the health visitor knows the code word."},
			{Day: 150, Changes: "After the separation: Callum's number blocked; contact with Isla through a contact centre."},
			{Day: 250, Changes: "Lowered to standard: the order is in place and contact is going well."}},
		NextReviewIn: 30,
		Plan: store.SafetyPlanSections{SafeContacts: "Her friend Dee; the IDVA; the practitioner.", SafePlaces: "Dee's house; the children's centre.",
			CodeWords: "\"Have you seen my keys?\" means call 999.", EscapePlan: "Bag at Dee's with documents, money and Isla's red book.",
			BabyPlan: "Isla is handed over only at the contact centre.", TechnologySafety: "Shared accounts closed; new email address."},
		Incidents: []storyIncident{{Day: 40, ReportedBy: "Police notification", Details: "Jess was pushed against a wall during an argument about money. Police attended; bruising to her arm.", Police: true, Injuries: true}},
		MARACOn:   16, MARACArea: "Blackpool MARAC",
		MARACOutcome: "Heard at MARAC. IDVA allocated; police to prioritise any call; housing to consider a transfer.",
		MARACActions: "IDVA contact within two working days. Housing officer to assess a move. Practitioner to share the safety plan with the IDVA."}},
	5: {{Parent: 0,
		Assessments: []storyAssessment{{Day: 10, Yes: dashMedium, View: "Aisha says the messages are constant and she is scared to go out.", Judged: risk.High,
			Reason: "The stalking has escalated in the last fortnight and she is pregnant: the count alone understates the risk."}},
		NextReviewIn: 10,
		Plan: store.SafetyPlanSections{SafeContacts: "Her aunt; the practitioner on the safe number only.", SafePlaces: "Her aunt's house.",
			CodeWords: "\"The cat is out\" means call the police.", EscapePlan: "Documents kept at her aunt's.",
			BabyPlan: "The midwife knows the plan for the birth and who may visit.", TechnologySafety: "Messages kept as evidence; phone checked for tracking apps."},
		MARACOn: 14, MARACArea: "Hertfordshire MARAC",
		MARACOutcome: "Heard at MARAC. IDVA allocated; maternity and police alerted to the risk.",
		MARACActions: "IDVA to meet Aisha with the practitioner. Maternity to flag who may visit after the birth."}},
	6: {{Parent: 0,
		Assessments: []storyAssessment{{Day: 10, Yes: dashStandard, View: "Ellie says things are calmer since they started the programme."},
			{Day: 200, Yes: dashLow, View: "Ellie says they now take time out before arguments escalate."}},
		PlanReviews: []storyReview{{Day: 200, Changes: "Reviewed with Ellie: unchanged, still needed."},
			{Day: 470, Changes: "Reviewed with Ellie at Noah's 14-month check: unchanged."}},
		NextReviewIn: 21,
		Plan: store.SafetyPlanSections{SafeContacts: "Her brother; the practitioner.", SafePlaces: "Her brother's flat.",
			CodeWords: "None needed.", EscapePlan: "Take the children to her brother's.", BabyPlan: "Noah and Ruby stay with Ellie.", TechnologySafety: "No concerns."}},
		{Parent: 1,
			Assessments:  []storyAssessment{{Day: 12, Yes: dashLow, View: "Ben says he feels put down but not unsafe."}},
			PlanReviews:  []storyReview{{Day: 200, Changes: "Reviewed with Ben: unchanged."}, {Day: 470, Changes: "Reviewed with Ben: he now takes time out at the gym."}},
			NextReviewIn: 35,
			Plan: store.SafetyPlanSections{SafeContacts: "His friend from work; the practitioner.", SafePlaces: "The gym.",
				CodeWords: "None needed.", EscapePlan: "Walk away and text his friend.", BabyPlan: "Noah stays with whichever parent is calm.", TechnologySafety: "No concerns."}}},
	7: {{Parent: 0,
		Assessments: []storyAssessment{{Day: 10, Yes: dashMedium, View: "Laura says Adam's drinking makes things worse."},
			{Day: 300, Yes: dashStandard, View: "Laura says Adam is in treatment and things are calmer."},
			{Day: 600, Yes: dashLow, View: "Laura feels safe and ready for the programme to end."}},
		PlanReviews: []storyReview{{Day: 300, Changes: "Adam's treatment added; code word kept."}, {Day: 520, Changes: "Reviewed: unchanged."},
			{Day: 700, Changes: "Reviewed for the ending: who to call after the programme."}},
		NextReviewIn: 14,
		Plan: store.SafetyPlanSections{SafeContacts: "Her mum; her GP; the practitioner.", SafePlaces: "Her mum's house.",
			CodeWords: "\"Is it bin day?\" means come now.", EscapePlan: "Documents at her mum's.", BabyPlan: "Freya goes to her mum's with Laura.",
			TechnologySafety: "Location sharing off."}}},
	8: {{Parent: 0,
		Assessments: []storyAssessment{{Day: 10, Yes: dashMedium, View: "Natalie wants the baby to grow up without shouting."},
			{Day: 400, Yes: dashStandard, View: "Natalie says home is calm now."}},
		PlanReviews: []storyReview{{Day: 400, Changes: "Lowered after a year with no incidents."}},
		Plan: store.SafetyPlanSections{SafeContacts: "Her sister; the practitioner.", SafePlaces: "Her sister's house.",
			CodeWords: "None needed now.", EscapePlan: "Documents at her sister's.", BabyPlan: "Leo stays with Natalie.", TechnologySafety: "No concerns."}}},
}

// demoRisk turns a demo family's risk stories into its history: each
// parent's assessments by their practitioner (byParent), a safety plan
// with the first, and days that fall after `until` (today, or the
// closure) left out.
func demoRisk(h *store.DemoHistory, stories []riskStory, parents [2]int64, byParent [2]int64, accepted, until, today time.Time) {
	day := func(d int) time.Time { return accepted.AddDate(0, 0, d) }
	for _, s := range stories {
		pid, by := parents[s.Parent], byParent[s.Parent]
		if by == 0 || len(s.Assessments) == 0 || day(s.Assessments[0].Day).After(until) {
			continue
		}
		for _, a := range s.Assessments {
			if day(a.Day).After(until) {
				break
			}
			as := dashAnswers(a.Yes, a.View)
			as.JudgedLevel, as.JudgementReason = a.Judged, a.Reason
			for q, note := range a.Notes {
				as.Context[q] = note
			}
			h.Assessments = append(h.Assessments, store.DemoAssessment{Assessment: as, PersonID: pid, By: by, On: day(a.Day)})
		}
		if s.Plan != (store.SafetyPlanSections{}) {
			plan := store.DemoSafetyPlan{SafetyPlanSections: s.Plan, PersonID: pid, By: by, On: day(s.Assessments[0].Day), ReviewOn: today.AddDate(0, 0, s.NextReviewIn)}
			for _, r := range s.PlanReviews {
				if !day(r.Day).After(until) {
					plan.Reviews = append(plan.Reviews, store.DemoPlanReview{On: day(r.Day), By: by, Changes: r.Changes})
				}
			}
			if until.Before(today) { // a closed family's plan was last due at its closure
				plan.ReviewOn = until
			}
			h.SafetyPlans = append(h.SafetyPlans, plan)
		}
		for _, in := range s.Incidents {
			if day(in.Day + 1).After(until) {
				continue
			}
			h.Incidents = append(h.Incidents, store.DemoIncident{By: by, Incident: store.Incident{PersonID: pid, OccurredOn: day(in.Day), ReportedBy: in.ReportedBy,
				PoliceInvolved: in.Police, Injuries: in.Injuries, ChildrenPresent: in.ChildrenPresent, Details: in.Details}})
		}
		if s.MARACOn > 0 && !day(s.MARACOn).After(until) {
			h.MARACs = append(h.MARACs, store.DemoMARAC{PersonID: pid, By: by, MARACReferral: store.MARACReferral{ReferredOn: day(s.MARACOn),
				Area: s.MARACArea, Outcome: s.MARACOutcome, Actions: s.MARACActions}})
		}
	}
}
