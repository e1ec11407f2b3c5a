// Package match finds people already known to Cradle who may be the same
// person as someone newly referred.
//
// Why it exists: the programme works with whole families over years. A new
// referral often concerns someone already on file — a parent known from an
// earlier pregnancy, a partner named in another family's case — and a
// second, separate record splits their history, so risks recorded in one
// place are missed in the other. Why it is careful: a false merge is worse
// than a duplicate. Joining two people can show one person's address or
// case notes to the wrong family, or to the person causing harm. So this
// package only suggests. It ranks candidates and explains each suggestion
// field by field; a practitioner decides, and nothing here merges records.
//
// The flow is two steps. KeysOf turns an identity into exact-match keys
// (normalised names, phonetic keys, phone, email, NHS number) that the
// store indexes and searches to fetch a broad set of candidates. Rank then
// scores each candidate against the new referral with documented weights,
// drops weak noise and labels the rest strong, possible or weak, with the
// reasons behind each score.
//
// Normalisation is deliberately conservative: accents, case, punctuation
// and Cyrillic or Greek script are removed so spelling differences do not
// hide a match, and a small table of well-known given-name variants
// ("Bob" and "Robert") is used, but email addresses are only lower-cased,
// and placeholder values (NHS number "1111111111", email "none", given
// name "Baby") never count as evidence. Names are compared phonetically
// with the Double Metaphone primary key (see Phonetic).
//
// The package is pure: no I/O, no clock, no shared mutable state, so every
// rule can be table-tested.
package match
