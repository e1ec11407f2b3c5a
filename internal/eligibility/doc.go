// Package eligibility decides whether a referral fits the programme, rule by
// rule, and owns the date maths for referrals: gestation from the due date,
// the programme start date, parents' ages, and GOV.UK three-box date input.
//
// It never decides for a person. Assess reports each rule as met, not met or
// unknown, with a plain-English reason, and a manager makes the decision.
// Reasons never echo back free text the referrer typed, so they are safe to
// show on any screen or letter.
//
// The rules themselves (funded areas, the remote offer, the gestation window,
// the minimum parent age) live in Config, loaded from JSON, because
// organisations and commissioners differ. DefaultConfig holds the seed
// programme's values.
//
// Dates are calendar days. Every function takes the date of its time.Time
// arguments, in their own location, and returns dates at 00:00 UTC, so a
// caller may pass time.Now() or a parsed date alike.
//
// The package is pure: standard library only, no I/O, no global mutable state.
package eligibility
