package audit

import (
	"fmt"
	"strconv"
	"strings"
)

// Anchor is an entry's id and hash written down outside the database (the
// server logs the log's head at start and every hour). The chain alone
// cannot show a log rewritten from some entry on, hashes and all, or cut
// short: an anchor can, for everything up to its entry, because that
// entry's hash depends on every entry before it.
type Anchor struct {
	ID   int64
	Hash string
}

// String is the form ParseAnchor reads: "ID:HASH".
func (a Anchor) String() string { return strconv.FormatInt(a.ID, 10) + ":" + a.Hash }

// ParseAnchor reads "ID:HASH" as logged. The error says what is wrong in
// plain words, for a person who has copied a line from a log.
func ParseAnchor(s string) (Anchor, error) {
	idText, hash, ok := strings.Cut(strings.TrimSpace(s), ":")
	if !ok {
		return Anchor{}, fmt.Errorf("%q is not an anchor: give the entry number and its hash as logged, such as 1234:%s", s, strings.Repeat("0", 8)+"…")
	}
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil || id < 1 {
		return Anchor{}, fmt.Errorf("%q is not an anchor: the part before the colon must be an entry number (1 or more)", s)
	}
	hash = strings.ToLower(hash) // as logged; a hand-copied one may be in capitals
	if len(hash) != len(Genesis) || strings.Trim(hash, "0123456789abcdef") != "" {
		return Anchor{}, fmt.Errorf("%q is not an anchor: the part after the colon must be the entry's hash, %d characters of 0-9 and a-f", s, len(Genesis))
	}
	return Anchor{ID: id, Hash: hash}, nil
}

// NewVerifier checks the chain against anchors. Two different hashes for
// one entry cannot both hold; the first given is kept and the log is found
// broken there, which is the right answer for one of them.
func NewVerifier(anchors []Anchor) *Verifier {
	v := &Verifier{anchors: map[int64]string{}}
	for _, a := range anchors {
		if _, dup := v.anchors[a.ID]; !dup {
			v.anchors[a.ID] = a.Hash
		}
		v.highest = max(v.highest, a.ID)
	}
	return v
}

// Finish reports an anchored entry beyond the end of the log: the log was
// cut short.
// A keyed Verifier also reports a last entry without a keyed hash: every
// commit writes one for its last entry, so entries after the last that has
// one were added or rewritten without the key.
func (v *Verifier) Finish() error {
	if v.highest > v.count {
		return &BrokenError{ID: v.highest, Reason: fmt.Sprintf("it was recorded outside the database but the log ends at entry %d: entries were removed from the end", v.count)}
	}
	if v.mac != nil && v.prev != nil && v.prev.MAC == "" {
		return &BrokenError{ID: v.prev.ID, Reason: fmt.Sprintf("the log's last entry carries no keyed hash: %s was added or rewritten by someone without this deployment's key", v.sinceKeyed(v.prev.ID))}
	}
	return nil
}

// Head is the last entry verified, as an anchor to keep (zero for an empty
// log).
func (v *Verifier) Head() Anchor {
	if v.prev == nil {
		return Anchor{}
	}
	return Anchor{ID: v.prev.ID, Hash: v.prev.Hash}
}
