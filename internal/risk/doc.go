// Package risk scores the DASH risk identification checklist (SafeLives),
// checks the MARAC referral criteria, and records the separate assessment of
// risk to the baby and other children.
//
// # Wording
//
// The checklist is asked of a parent who experiences abuse, about the parent
// who uses abusive behaviours. The package never labels either parent; its
// questions say "the other parent".
//
// SafeLives licenses the DASH question wording, so it is not shipped here.
// questions.json holds the project's own neutral questions, written to cover
// the same 24 risk areas in the same order; DefaultQuestions returns them.
// An organisation with a licence loads its wording with ParseQuestions, in
// the same JSON format ({"source", "licence", "questions": [{"number", "key",
// "text", "help"}]}), keeping the numbering, because answers are stored by
// question number and the scoring does not depend on the wording.
//
// # Scoring
//
// Score counts "yes" answers against configurable Thresholds (by default 10
// to 13 is medium and 14 or more is high). Professional judgement may raise
// the level, with reasons, but never lower it. Drafts with unanswered
// questions score, and ReadyToComplete says when one may be completed. Free
// text (context for each question and the parent's own view of their risk)
// is carried with the assessment but never scored or echoed in messages.
//
// # MARAC
//
// MARAC returns the four referral criteria (visible high risk, professional
// judgement, potential escalation, repeat) with a plain-English reason each,
// and ConsiderMARAC says whether a referral should be considered. It prompts
// a practitioner's decision and does not replace child safeguarding
// procedures.
//
// # Changes in circumstances
//
// Risk is dynamic: a Change (separation, getting back together, release from
// custody, moving house, a new partner) prompts a review. Change.Check
// reports its problems as problem.Fields, like the other record forms.
//
// Errors meant for people are *Error values: a field name and a GOV.UK-style
// message. The package is pure: no I/O, no global mutable state; beyond the
// standard library it uses only the shared problem and option types.
package risk
