// Package measure defines the programme's outcome-measure instruments
// (PROGRAMME.md §8), loads and validates their definitions, and scores them.
//
// # Definitions
//
// Each instrument is one JSON definition file. The shipped ones are embedded
// from instruments/*.json; Builtin returns them all, sorted by key, and
// Lookup returns one ("phq9", "gad7", "core10", "epds", "wemwbs", "swemwbs",
// "ders16", "asq3", "asqse2", "domestic_abuse"). Both return copies, so a
// caller cannot change what another caller sees.
//
// An organisation may load its own definition in the same format with Load,
// for example to add item wording it is licensed to use. Load is strict:
// unknown fields, a field given twice, trailing data and files over 1 MB are
// refused, and Validate checks everything scoring relies on (unique keys,
// questions numbered 1 to n with none missing, answer options inside each
// question's range, bands in ascending order, subscales and alerts naming
// questions that exist, a conversion table with exactly one entry for every
// possible raw score, age bands with a cut-off for every area and no gap in
// age). Problems are *problem.Error values with code problem.Invalid and one
// field named by its JSON path, such as "items[2].max". SameScoring says
// whether such a file still scores exactly like the built-in one, so that
// results stay comparable when only wording was added, and names the first
// difference ("reliable_change is 5 here but 6 in the built-in one").
// Overlay puts a set of such files (cradle serve --instruments) in place of
// the built-in instruments they name, refusing any file that would score
// differently, that names no built-in instrument, or that repeats another's
// key: only the words of a built-in instrument may be replaced.
//
// Fields a definition file may hold (Instrument has the same JSON names):
//
//	key, name, short_name        "phq9", "Patient Health Questionnaire (PHQ-9)", "PHQ-9"
//	domain                       mental_health, wellbeing, emotional_regulation, child_development or domestic_abuse
//	subject                      parent or baby
//	entry                        items (each question answered) or score (totals entered)
//	licensed                     item wording is licensed: it may be left out
//	copyright, source, notes     the rights line to show, where the scoring rules come from, verification notes
//	caveat                       a warning to show staff beside every result (e.g. unverified cut-offs)
//	stem, instructions           text shown above the questions; guidance for staff entering scores
//	direction                    lower_better or higher_better (which way is improvement)
//	reliable_change              smallest change in the reported score that counts as reliable (0: none)
//	scale                        default min, max and options for every item (file only; items may override)
//	items                        [{number, text, help, reverse, min, max, options: [{value, label}]}]
//	total_from                   a subscale key whose sum is the total (default: all items)
//	subscales                    [{key, label, items: [numbers]}]
//	bands                        [{from, label, flag}] ascending on the reported score
//	alerts                       [{item, above, message, safeguarding}]
//	conversion                   [{raw, score}] raw total to reported score
//	total, domains               score entry: {key, label, min, max, step}
//	concern_when                 below (ASQ-3) or above (ASQ:SE-2): which side of a cut-off is the concern
//	age_bands                    [{months, from_months, to_months, explicit_only, cutoffs, monitoring}]
//
// # Scoring answers
//
// Score scores an instrument answered item by item (entry "items"). Every
// question must be answered, within its range. The recorded answer for a
// question is the value of the option chosen; a reverse-scored question
// scores min+max−answer (CORE-10 questions 2 and 3: "Most or all of the
// time" on "I have felt able to cope" scores 0). For instruments whose
// wording is not shipped (EPDS, WEMWBS, SWEMWBS, DERS-16) staff enter each
// question's score from the paper form. The EPDS form already prints the
// reversed scores beside the answers (3 for the first answer of questions 3
// and 5 to 10), so the definition records the score, not the position of the
// answer, and marks no question as reversed.
//
// The total is the sum of item scores (or of the total_from subscale: the
// programme's own domestic abuse measure totals its frequency questions and
// reports severity as a subscale). A conversion table, if any, turns the raw
// total into the reported score (SWEMWBS raw 7–35 to its metric score). The
// reported score falls in the last band whose "from" it reaches; a band with
// "flag" marks a clinically significant result. Alerts fire when a
// question's score is above a threshold, such as any answer above "Not at
// all" on PHQ-9 question 9; a safeguarding alert sets Result.Safeguarding,
// which the caller must turn into a prompt to follow its safeguarding
// procedure. Nothing here records or sends anything.
//
// # Scoring entered scores
//
// ScoreEntered scores an instrument entered as totals (entry "score"): the
// ASQ-3's five area scores, or the ASQ:SE-2 total. Each must be in range and
// a whole number of steps (multiples of 5). With age bands, the baby's age in
// completed months (corrected for prematurity where the publisher says so:
// born 3 or more weeks early and under 24 months) chooses the questionnaire
// interval: the band whose age window contains the age, and where two
// windows overlap, the nearest interval not above the age. A band marked
// explicit_only is never chosen from the age; ScoreEnteredAt names the
// interval the questionnaire actually used, which is better whenever it is
// known. Each area is then compared with that interval's cut-off: for the
// ASQ-3 a score at or below the cut-off means "refer for assessment" and one
// above it but within the monitoring zone means "monitor"; for the ASQ:SE-2
// a score above the cut-off is the concern and the monitoring zone lies just
// below it.
//
// # Change
//
// ChangeBetween compares two reported scores: a change of at least
// reliable_change points counts as reliable, and is an improvement or a
// deterioration according to direction. Direction uses the same strings as
// report.Direction.
//
// Errors meant for people (bad answers, bad entered scores, bad definition
// files) are *problem.Error values with code problem.Invalid and per-field
// GOV.UK-style messages keyed by form field name: ItemField ("item-3"),
// DomainField ("domain-communication"), TotalField, AgeField and
// IntervalField. The package is pure: standard library and the problem
// package only, no I/O beyond the embedded files and the reader given to
// Load, no global mutable state.
package measure
