// Package research builds the pseudonymised research extract Cradle gives
// to a programme's evaluators: one row per person, timepoint and outcome
// measure, with the family's category data, and a data dictionary.
//
// What is left out is decided by construction, not by filtering. A Record,
// the only input, has no field for a name, an address, a date of birth, a
// case note or any other free text: only ids (which are replaced by
// pseudonyms), dates (which are reduced to months or shifted) and short
// category values, which Build checks are single-line and short so that a
// note passed by mistake is refused rather than exported.
//
// Pseudonyms are keyed hashes (HMAC-SHA256) of the id, so they cannot be
// reversed or recomputed without the key. The key is held by the
// organisation, never by the evaluator: the caller supplies it, and with it
// the organisation can produce the same pseudonyms for a later extract of the
// same project. Each project (evaluation) gets unlinkable pseudonyms, so two
// evaluators cannot join their extracts.
//
// Pseudonymised data is still personal data (UK GDPR): it goes to
// evaluators under a data-sharing agreement, and small areas or rare
// categories can still single people out.
//
// The package is pure: no clock, no randomness, no I/O beyond the
// io.Writer it is given.
package research
