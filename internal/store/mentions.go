package store

import (
	"slices"
	"strings"

	"github.com/cradle-org/cradle/internal/family"
	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/problem"
)

// textField is one field of a form, by its name on the form, and its text.
type textField struct{ name, text string }

// readers says who reads a text: in words, for the refusal (naming them
// after "which ... may not see"), and whether they may all see a parent's
// confidential details.
type readers struct {
	words  string
	maySee func(family.Person) bool
	advice string // what to do instead, "" for the usual (family.Mention.Message)
}

// everyone is the readers of a family-wide text: everyone working with the
// family, the other parent's practitioner among them.
var everyone = readers{words: "others working with the family", maySee: func(family.Person) bool { return false }}

// onRecord is the readers of a note on a parent's own record (a session's
// notes, a VIG cycle's strengths): if it is marked confidential, whoever
// may see that parent's details; if not, the other parent's practitioner
// too.
func onRecord(personID int64, confidential bool) readers {
	if confidential {
		return readers{words: "some who may read it", maySee: func(p family.Person) bool { return p.ID == personID }}
	}
	return readers{words: "the other parent's practitioner, who reads what is not marked confidential,", maySee: func(family.Person) bool { return false },
		advice: "Take it out, or mark it confidential: a parent's address and contact details stay on their own record"}
}

// childContactReaders is the readers of a child's contact details: with
// the parent they live with recorded, whoever may see that parent's
// (policy.Target.Household), so that parent's details may be there (the
// child lives where they do) and the other's may not; without, everyone
// working with the family.
func childContactReaders(f family.Family, child family.Person) readers {
	if h := f.PersonTarget(child, nil).Household; h != 0 {
		return readers{words: "some who may read " + child.ChildNameInSentence() + "'s details", maySee: func(p family.Person) bool { return p.ID == h }}
	}
	return readers{words: "others working with the family, the other parent's practitioner among them,",
		maySee: func(family.Person) bool { return false },
		advice: "Take it out, or first record whom " + child.ChildNameInSentence() + " lives with (correct their details): a child's address and contacts are then seen only by that parent's practitioner"}
}

// contactFields are a person's contact details as the contact form's
// fields, for keepConfidentialOut.
func contactFields(c family.Confidential) []textField {
	return []textField{{"address", c.Address}, {"postcode", c.Postcode}, {"phone", c.Phone}, {"email", c.Email}, {"safe_contact", c.SafeContact}}
}

// keepConfidentialOut refuses text that someone who may not see a parent's
// confidential details reads (a meeting's record and the reports made from
// it, a disclosure about the family or about the other parent, a
// safeguarding action's words, read by its owner) when it holds that
// parent's details (family.MentionsIn).
//
// Only the parents whose details actor may see are looked for (their
// details are loaded into a copy of f, the others left out): a refusal
// must never tell someone who may not see a parent's details that what
// they typed is, say, where that parent now lives.
func (tx *Tx) keepConfidentialOut(actor policy.Actor, f family.Family, who readers, fields ...textField) error {
	// Most saves have nothing to look in (a session with no notes): no
	// parent's details are read for them.
	if !slices.ContainsFunc(fields, func(fd textField) bool { return strings.TrimSpace(fd.text) != "" }) {
		return nil
	}
	seen := f
	seen.People = append([]family.Person(nil), f.People...)
	loaded := false
	for i, p := range seen.People {
		seen.People[i].Confidential = nil
		if p.Kind != family.Parent || who.maySee(p) || !policy.Can(actor, policy.ViewConfidential, f.PersonTarget(p, nil), tx.now) {
			continue
		}
		c, err := tx.confidential(p.ID)
		if err != nil {
			return err
		}
		seen.People[i].Confidential, loaded = &c, true
	}
	if !loaded {
		return nil
	}
	var fs problem.Fields
	for _, fd := range fields {
		if m, ok := family.MentionsIn(seen, who.maySee, fd.text); ok {
			fs.Add(fd.name, m.Message(who.words, who.advice))
		}
	}
	return fs.Err()
}
