package store

import (
	"strings"

	"github.com/cradle-org/cradle/internal/family"
	"github.com/cradle-org/cradle/internal/policy"
	"github.com/cradle-org/cradle/internal/problem"
)

// textField is one field of a form, by its name on the form, and its text.
type textField struct{ name, text string }

// keepConfidentialOut refuses text that the other parent's side can read
// (a meeting's record and the reports made from it, a disclosure about the
// family as a whole or about the other parent) when it holds a parent's
// confidential details: their
// address, postcode, phone number, email address or NHS number
// (family.Mentions). subject is the parent whose confidentiality the text
// follows, whose own details may be in it (0: the family as a whole, read
// by everyone working with it).
//
// Only the parents whose details actor may see are looked for: a refusal
// must never tell someone who may not see a parent's details that what
// they typed is, say, where that parent now lives.
func (tx *Tx) keepConfidentialOut(actor policy.Actor, f family.Family, subject int64, fields ...textField) error {
	var fs problem.Fields
	for _, p := range f.People {
		if p.Kind != family.Parent || p.ID == subject || !policy.Can(actor, policy.ViewConfidential, f.PersonTarget(p, nil), tx.now) {
			continue
		}
		var c family.Confidential
		read := false
		for _, fd := range fields {
			if strings.TrimSpace(fd.text) == "" || fs.Has(fd.name) {
				continue
			}
			if !read {
				var err error
				if c, err = tx.confidential(p.ID); err != nil {
					return err
				}
				read = true
			}
			if found := family.Mentions(fd.text, c); len(found) > 0 {
				fs.Add(fd.name, "This mentions "+p.Name()+"'s "+andList(found)+
					". Others working with the family can read it here, so take it out: a parent's address and contact details stay on their own record")
			}
		}
	}
	return fs.Err()
}

// andList joins words as a list in prose: "a", "a and b", "a, b and c".
func andList(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}
