package synth

import "github.com/cradle-org/cradle/internal/risk"

// Free text for sealed fields: short, plausible and about nobody. The store
// seals it exactly as it would a practitioner's words, so reading a
// synthetic record costs what reading a real one does.

var sessionEngagement = []string{
	"engaged well and reflected on what had changed since last time",
	"was tired but stayed for the whole session",
	"talked about the week's pressures and what helped",
	"practised the calming plan and said it had helped twice this week",
	"was quiet at first, then opened up about their own childhood",
	"brought questions about the baby's sleep and feeding",
	"reviewed the safety plan together; no changes needed",
	"was anxious about an upcoming meeting; agreed a plan for the day",
	"reflected on a difficult conversation and how it ended differently",
	"completed the worksheet and wants to go over it again next time",
	"spoke warmly about the baby and noticed their cues",
	"found the topic hard; agreed to come back to it",
}

var missedReasons = []string{
	"No answer at the door; card left and text sent",
	"Parent unwell; rearranged for next week",
	"Hospital appointment clashed",
	"Childcare fell through",
	"Parent asked to rearrange by text the evening before",
	"Practitioner unwell; parent told the day before",
	"Transport problems",
	"Parent at a housing appointment",
}

var parentViews = []string{
	"Feels safer than last month but worries about contact arrangements",
	"Says things are calmer at home",
	"Does not feel at risk at the moment",
	"Is frightened when arguments start and wants a plan",
	"Worried about the other parent's drinking",
	"Feels watched and checked on",
}

var judgementReasons = []string{
	"Recent escalation described by the parent and a new police call-out",
	"Pregnancy and recent separation raise the risk beyond the score",
	"Threats reported this week that the checklist does not capture",
}

var concernDetails = []string{
	"Parent disclosed an incident at the weekend with the baby present",
	"Bruising seen on the parent's arm; parent gave an unclear account",
	"Neighbour reported shouting and a door being kicked in",
	"Parent described not feeding the baby for long periods when low",
	"Older child told the practitioner they were scared at home",
	"Parent reported being followed and threatened outside the nursery",
	"Home conditions had deteriorated badly since the last visit",
	"Parent said they had thoughts of harming themselves",
}

var concernReasons = map[string][]string{
	"csc_referral":      {"Risk to the baby needs a statutory assessment; referred to the MASH the same day"},
	"police":            {"A crime was disclosed and the parent agreed to police involvement"},
	"marac":             {"High risk on the DASH with a recent escalation: referred to MARAC"},
	"lado":              {"The concern involves someone who works with children; LADO informed"},
	"advice":            {"Advice given to the practitioner on safety planning and monitoring", "Discussed with the parent; support increased and reviewed next week"},
	"no_further_action": {"On review the concern is explained and no further action is needed", "Already known to children's social care; information shared with the allocated worker"},
}

var concernOutcomes = []string{
	"Referral accepted for assessment; practitioner invited to the strategy meeting",
	"Safety plan updated and reviewed with the parent",
	"Police attended and took a statement; no arrest",
	"Case discussed at MARAC; actions agreed and completed",
	"No further concerns at the next two visits",
}

var closureSummaries = map[string][]string{
	"planned_end":       {"Completed the programme. Reflects confidently on the changes made and has a plan for the future", "Finished the programme with the baby thriving; knows where to go for support"},
	"withdrew":          {"Chose to stop attending; offered a door back in at any time"},
	"disengaged":        {"Stopped responding after several missed sessions; letters and calls unanswered"},
	"moved_out_of_area": {"Moved away; introduced to the local domestic abuse service"},
	"safety_concern":    {"Joint work stopped for safety reasons; individual support arranged elsewhere"},
	"not_suitable":      {"Needs were better met by a specialist service; referral made"},
	"baby_not_in_care":  {"The baby is no longer in the parents' care; support offered through the transition"},
	"other":             {"Case closed after discussion in supervision"},
}

var abuseKnown = []string{
	"Disclosed to the midwife at booking",
	"Police called to the address twice in the last year",
	"Parent told the health visitor about controlling behaviour",
	"Known to children's social care after an incident last year",
	"Parent asked for help with their own behaviour",
}

var signposting = []string{
	"Local domestic abuse service", "Health visiting team", "Family hub parenting support",
	"Perinatal mental health team", "Respect phone line", "National Domestic Abuse Helpline",
}

var safeContactNotes = []string{
	"Text first; no voicemail", "Weekdays 10am to 2pm only", "Use the safe number only",
	"Can leave a message", "Call via the refuge office", "Email only; phone is checked",
}

var referrerOrganisations = map[string]string{
	"midwife": "Maternity services", "social_worker": "Children's services", "health_visitor": "Health visiting team",
	"gp": "GP surgery", "police": "Police", "housing": "Housing services", "other": "Community support",
}

// safetyPlanTexts are each section's wording, in the store's order.
var safetyPlanTexts = [6][]string{
	{"A sister (number saved under a work name) and the IDVA; the midwife in an emergency",
		"A neighbour two doors down who knows the code word; the family support worker"},
	{"The sister's flat; the children's centre during opening hours",
		"The GP surgery and the supermarket on the high street, which has staff on the door"},
	{"\"Is the kettle on?\" by text means call the police",
		"Asking about the dog's vet appointment means come round now"},
	{"Bag with documents, medication and baby's things kept at the sister's; leave by the back door and call 999",
		"Taxi number saved; bank card and phone charger in a coat pocket; go to the neighbour's first"},
	{"Baby sleeps in the room with the lockable door; health visitor knows the plan; car seat kept by the door",
		"If an argument starts, take the baby to the neighbour's; the red book stays in the bag"},
	{"Location sharing turned off; new passcode not shared; social media set to private",
		"A second phone kept at the sister's; accounts checked with the practitioner for trackers"},
}

// planChanges are what a review of a safety plan changed.
var planChanges = []string{
	"Reviewed together; no changes needed",
	"New safe contact added after the move; code word changed",
	"Escape plan updated now that the baby is born",
	"Technology safety reviewed: a tracking app found and removed",
}

var maracActions = []string{
	"Flag on the address; housing to fit extra locks; IDVA allocated",
	"Police to check on the address weekly; safety plan shared with the midwife",
}

// childRiskConcerns are what worried a practitioner assessing the risk to
// the children, by whom the assessment is about: all the children before
// the birth with no other child ("unborn"), all of them with an older
// child ("all"), the baby ("baby", or all of them once born with no other
// child) or an older child alone ("child"). Both co-parents' practitioners
// read them: never an address, a number or either parent's name.
var childRiskConcerns = map[string][]string{
	"unborn": {
		"The baby is due in the coming months. Both parents describe arguments that have become physical, and the baby will be born into a home where there has been abuse.",
		"Arguments happen mostly over money and family visits. The pregnancy has added pressure, and one parent describes feeling frightened when voices are raised.",
		"Police were called to an incident during the pregnancy. The unborn baby is at risk from the stress and from harm if it happens again.",
		"Controlling behaviour was described at assessment, including checking of phones and money. No physical harm reported during the pregnancy.",
		"The midwife has noted missed antenatal appointments; one parent said they had been stopped from going.",
	},
	"all": {
		"The older child has heard arguments at home and is unsettled at school. The baby will share the same home and the same tensions.",
		"The children have been present during incidents. The older child told a teacher they do not like it when the grown-ups shout.",
		"Handovers for the older child are tense and have ended in arguments in front of the children.",
		"The older child stayed with a grandparent for a week after an incident and has now come home; both parents say things are calmer.",
	},
	"baby": {
		"The baby is feeding and gaining weight. Sleep is broken and both parents are tired, which they say makes arguments likelier.",
		"An argument happened while one parent was holding the baby. Nobody was hurt but the baby was very distressed.",
		"The health visitor is worried that the baby is often left to cry while the parents argue.",
		"The baby has missed two health checks. Both parents say things are calmer but that they are struggling to cope.",
		"The baby is well cared for and meeting milestones. No incidents reported since the last review.",
	},
	"child": {
		"The child has become withdrawn at school and said they are scared when there is shouting at home.",
		"The child has been hitting out at nursery after weekends at home; staff have seen a change since the last incident.",
		"The child described an argument in detail to a teacher and said they hid in their room until it stopped.",
		"The child's attendance has dropped; they say they stay at home to look after a parent.",
	},
}

// childRiskPlans are what will keep the children safe, by the level of
// risk to them.
var childRiskPlans = map[risk.Level][]string{
	risk.Standard: {
		"The midwife and the health visitor know the history. Each practitioner asks about the children at every session. Review at the next milestone, or at once after any incident.",
		"No further action beyond the programme. Both parents know whom to call if an argument escalates. Review in three months.",
		"Keep monitoring through sessions and share any change with the health visitor. Review after the birth or in three months.",
	},
	risk.Medium: {
		"Discussed with the designated safeguarding lead. Early help offered and accepted. Each parent's safety plan covers the children. Review monthly.",
		"The health visitor visits fortnightly and the nursery knows whom to call if the child says more. Review in six weeks, or at once after any incident.",
		"Information shared with the allocated social worker. Both practitioners check on the children's safety at every session. Review at the next core group.",
		"The parents agreed that handovers happen at the family hub, never at home. Review in a month.",
	},
	risk.High: {
		"Referred to children's social care the same day; a strategy discussion is planned and both practitioners will attend. Review weekly until a plan is agreed.",
		"Children's social care informed and a child protection conference requested. Safety plans updated to cover the children. Review weekly.",
		"Discussed with the designated safeguarding lead; referred to the MASH and the police informed. Both practitioners to see the children at every visit. Review in a week.",
	},
}
