// Package audit defines the tamper-evident audit trail: what an entry holds,
// how entries are hash-chained, and how a chain is verified. It does no I/O;
// the store writes entries in the same transaction as the change they record.
package audit

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Genesis is the previous-hash of the first entry.
const Genesis = "0000000000000000000000000000000000000000000000000000000000000000"

// Entry is one audited event. Detail must never hold personal data about a
// family: the log is read by administrators who may not see such data.
type Entry struct {
	ID         int64 // 1, 2, 3 … with no gaps, so a deleted row is detected
	At         time.Time
	ActorID    int64  // staff id; 0 for the public, a partner or the system
	Actor      string // e.g. a staff email, "public", "partner:3", "system"
	Action     string // e.g. "signin.success", "family.view", "staff.create"
	RecordType string // e.g. "family", "person", "staff"; "" when none
	RecordID   int64
	FamilyID   int64 // set for anything about a family, so "who looked at this family" is one query
	IP         string
	RequestID  string
	Detail     string
	PrevHash   string
	Hash       string
	// MAC is the entry's keyed hash (see Verifier.Keyed), written for the
	// last entry of each commit and empty for the others. It is not part of
	// Hash: it vouches for Hash, and so for every entry up to this one.
	MAC string
}

// Normalise puts the fields in the form that is stored and hashed: UTC time
// at microsecond precision (what both databases keep).
func (e *Entry) Normalise() {
	e.At = e.At.UTC().Truncate(time.Microsecond)
}

// ComputeHash returns the SHA-256 of the previous hash and every field, each
// length-prefixed so that no two different entries encode the same bytes.
func ComputeHash(e Entry) string {
	var b strings.Builder
	field := func(s string) {
		b.WriteString(strconv.Itoa(len(s)))
		b.WriteByte(':')
		b.WriteString(s)
		b.WriteByte('\n')
	}
	field("cradle-audit-v1")
	field(e.PrevHash)
	field(strconv.FormatInt(e.ID, 10))
	field(e.At.UTC().Truncate(time.Microsecond).Format(time.RFC3339Nano))
	field(strconv.FormatInt(e.ActorID, 10))
	field(e.Actor)
	field(e.Action)
	field(e.RecordType)
	field(strconv.FormatInt(e.RecordID, 10))
	field(strconv.FormatInt(e.FamilyID, 10))
	field(e.IP)
	field(e.RequestID)
	field(e.Detail)
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:])
}

// Chain links a new entry after prev (nil for the first) and fills in its ID,
// PrevHash and Hash.
func Chain(prev *Entry, e Entry) Entry {
	e.Normalise()
	if prev == nil {
		e.ID, e.PrevHash = 1, Genesis
	} else {
		e.ID, e.PrevHash = prev.ID+1, prev.Hash
	}
	e.Hash = ComputeHash(e)
	return e
}

// Verifier checks a chain one entry at a time, in id order, so a log of any
// length is verified in constant memory; and, if made by NewVerifier with
// anchors, that each anchored entry has the anchor's hash and (at Finish)
// that none is missing. The zero Verifier checks the chain alone.
type Verifier struct {
	prev    *Entry
	count   int64
	anchors map[int64]string
	highest int64 // the highest anchored id
	mac     func(Anchor) string
	keyed   int64 // the last entry whose keyed hash held
}

// Keyed makes v check keyed hashes too: mac is the deployment's keyed hash
// of an entry's "ID:HASH" (its key is kept outside the database). The
// chain alone can be worked out again by anyone who can write to the
// database; a keyed hash cannot without the key. So every entry that
// carries one must match it, and the log's last entry must carry one
// (each commit writes one for its last entry), or entries were rewritten
// or added by someone without the key. mac returns hex, compared in
// constant time.
func (v *Verifier) Keyed(mac func(Anchor) string) *Verifier {
	v.mac = mac
	return v
}

// BrokenError names the first entry where the chain does not hold.
type BrokenError struct {
	ID     int64
	Reason string
}

func (e *BrokenError) Error() string {
	return fmt.Sprintf("audit entry %d: %s", e.ID, e.Reason)
}

// Next checks e's anchor if it has one, then e against the entry before it
// (which finds an entry changed without its hash worked out again).
func (v *Verifier) Next(e Entry) error {
	if want, ok := v.anchors[e.ID]; ok && want != e.Hash {
		return &BrokenError{ID: e.ID, Reason: "its hash is not the one recorded outside the database for it: the log was rewritten up to this entry"}
	}
	wantID, wantPrev := int64(1), Genesis
	if v.prev != nil {
		wantID, wantPrev = v.prev.ID+1, v.prev.Hash
	}
	switch {
	case e.ID != wantID:
		return &BrokenError{ID: e.ID, Reason: fmt.Sprintf("expected entry %d next: entries are missing", wantID)}
	case e.PrevHash != wantPrev:
		return &BrokenError{ID: e.ID, Reason: "its link to the previous entry does not match: an earlier entry was changed or removed"}
	case ComputeHash(e) != e.Hash:
		return &BrokenError{ID: e.ID, Reason: "its contents do not match its hash: the entry was changed"}
	}
	if v.mac != nil && e.MAC != "" {
		if !hmac.Equal([]byte(v.mac(Anchor{ID: e.ID, Hash: e.Hash})), []byte(e.MAC)) {
			return &BrokenError{ID: e.ID, Reason: fmt.Sprintf("its keyed hash does not match: %s was rewritten by someone without this deployment's key (or the keys given are another deployment's)", v.sinceKeyed(e.ID))}
		}
		v.keyed = e.ID
	}
	c := e
	v.prev = &c
	v.count++
	return nil
}

// sinceKeyed names the entries after the last keyed hash that held, up to
// id: the ones a failed or missing keyed hash puts in doubt.
func (v *Verifier) sinceKeyed(id int64) string {
	if v.keyed+1 == id {
		return fmt.Sprintf("entry %d", id)
	}
	return fmt.Sprintf("one or more of entries %d to %d", v.keyed+1, id)
}

// Count is how many entries verified.
func (v *Verifier) Count() int64 { return v.count }

// Source says who is acting and from where; it travels in the request context
// so that the store can write it into every audit entry without each caller
// passing it by hand.
type Source struct {
	ActorID   int64
	Actor     string
	IP        string
	RequestID string
}

type sourceKey struct{}

// WithSource returns a context carrying s.
func WithSource(ctx context.Context, s Source) context.Context {
	return context.WithValue(ctx, sourceKey{}, s)
}

// SourceFrom returns the context's source, or a "system" source when none was
// set (the CLI, migrations and background jobs).
func SourceFrom(ctx context.Context) Source {
	if s, ok := ctx.Value(sourceKey{}).(Source); ok {
		return s
	}
	return Source{Actor: "system"}
}
