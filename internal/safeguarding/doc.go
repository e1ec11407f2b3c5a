// Package safeguarding holds the rules for safeguarding concerns: when a
// decision is due, when an overdue decision escalates, and what a concern, a
// decision and a closure must contain.
//
// The programme's promise is "if we are worried about the safety of a parent
// and/or a baby or other children, we will always take action". So every
// concern goes to the Designated Safeguarding Leads at once, a decision is due
// by the end of the same working day (WorkingTime.DecisionDue), an overdue
// decision escalates every hour until it is made (NextEscalation), and a
// concern cannot be closed without a decision and an outcome (CanClose).
//
// Working time is configuration: DefaultWorkingTime gives 09:00 to 17:00,
// Monday to Friday, in Europe/London, less the bank holidays in England and
// Wales in the embedded bank-holidays.json. That file covers 2025 to 2028 and
// must be updated every year from https://www.gov.uk/bank-holidays; it has
// the same shape as the GOV.UK feed, so a downloaded copy can replace it.
// ParseWorkingTime reads other hours, days, zones and holidays from JSON.
//
// Escalation is designed for a scheduler that restarts and runs on several
// instances: the caller stores the scheduled time it last processed, and
// NextEscalation never returns the same time twice, so no reminder is
// repeated, and after an outage it returns one catch-up reminder rather than
// one for each missed hour.
//
// Validation returns *FieldsError, whose field names match the form inputs
// and whose messages are plain English in GOV.UK style.
//
// The package is pure: standard library only, no I/O beyond its embedded
// data, no package-level mutable state. Times are returned in UTC.
package safeguarding
