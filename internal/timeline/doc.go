// Package timeline computes a family's programme timeline: the stage of the
// journey, the end date, and the dated milestones (first contact, the
// assessment, safety plan reviews, outcome measures, Video Interaction
// Guidance cycles, planned ending work and closure), together with the
// programme modules that fit a stage (PROGRAMME.md §4 and §8).
//
// The programme runs from acceptance in pregnancy until the baby's second
// birthday. Nothing is stored here: every date is computed afresh from Facts
// (acceptance, the EDD, the birth, assessment completion, closure, today), so
// recording the birth re-anchors everything after it. Before the birth,
// age-based dates count from the EDD and are marked Provisional; afterwards
// they count from the date of birth, and antenatal items the birth overtook
// are dropped.
//
// The numbers (days to first contact, review cadence, timepoints, VIG cycles,
// modules) live in Config, loaded from strict JSON, because organisations and
// commissioners differ. DefaultConfig holds the seed programme's values.
//
// Date maths (gestation, birthdays, 29 February) comes from package
// eligibility, so that the whole system agrees on it. Dates are calendar
// days: the date of each time.Time in its own location, returned at 00:00
// UTC.
//
// The package is pure: standard library only, no I/O beyond the embedded
// default config, no global mutable state.
package timeline
