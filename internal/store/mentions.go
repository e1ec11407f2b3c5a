package store

import (
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
}

// everyone is the readers of a family-wide text: everyone working with the
// family, the other parent's practitioner among them.
var everyone = readers{words: "others working with the family", maySee: func(family.Person) bool { return false }}

// keepConfidentialOut refuses text that someone who may not see a parent's
// confidential details reads (a meeting's record and the reports made from
// it, a disclosure about the family or about the other parent, a
// safeguarding action's words, read by its owner) when it holds that
// parent's details: their address, postcode, phone number, email address
// or NHS number (family.Mentions).
//
// Only the parents whose details actor may see are looked for: a refusal
// must never tell someone who may not see a parent's details that what
// they typed is, say, where that parent now lives.
func (tx *Tx) keepConfidentialOut(actor policy.Actor, f family.Family, who readers, fields ...textField) error {
	var fs problem.Fields
	for _, p := range f.People {
		if p.Kind != family.Parent || who.maySee(p) || !policy.Can(actor, policy.ViewConfidential, f.PersonTarget(p, nil), tx.now) {
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
				fs.Add(fd.name, "This mentions "+p.Name()+"'s "+andList(found)+", which "+who.words+
					" may not see. Take it out: a parent's address and contact details stay on their own record")
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
