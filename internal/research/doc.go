// Package research builds the pseudonymised research extract Cradle gives
// to a programme's evaluators, and its data dictionary. The extract is wide:
// one row per person (a parent or the baby) per timepoint at which they
// have any outcome-measure result, holding the person's and family's
// category data, the programme measures as at that timepoint (the baby's
// age, the family's safeguarding status, the parent's sessions attended and
// offered, and whether the parent was taking part in the programme or had
// left it, and why), and a group of columns per instrument: its date,
// score, raw total, band, questionnaire interval, subscales, and entered
// areas with their zones, as the instrument has them. A person with no
// result at a timepoint has no row for it.
//
// The instrument columns and their dictionary entries are made from the
// instrument definitions (package measure), and the header, the rows and
// the dictionary from one list of columns, so none can drift from another.
//
// What is left out is decided by construction, not by filtering. The input
// (Data: results, sessions, status changes and parents' departures) has no
// field for a name, an address, a case note or any other free text: only
// ids (which are replaced by pseudonyms), dates (which are reduced to
// months or shifted), numbers and short category values, which Build checks
// are single-line and short (or, for a safeguarding status or a leaving
// reason, one of the listed keys) so that a note passed by mistake is
// refused rather than exported.
// The baby's date of birth is used only to work out an age, a result's
// item answers only to work out its subscales, and the dates a parent left
// and rejoined the programme only to work out whether they were taking
// part on a row's date; none is written.
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
