package research

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base32"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"
)

// MinKeyLen is the shortest key accepted, in bytes: the output size of
// SHA-256, so the key is at least as strong as the hash.
const MinKeyLen = 32

// Kinds of id that get a pseudonym, and the prefix each pseudonym carries so
// a reader can tell them apart.
const (
	KindFamily = "family" // "f-..."
	KindParent = "parent" // "p-..."
	KindBaby   = "baby"   // "b-..."
)

var prefixes = map[string]string{KindFamily: "f-", KindParent: "p-", KindBaby: "b-"}

// pseudonymChars is the length of a pseudonym after its prefix: 16 base32
// characters are 80 bits, so two ids colliding within a project is
// vanishingly unlikely (about 1 in 10^12 for a million ids).
const pseudonymChars = 16

// ErrShortKey is returned for a key shorter than MinKeyLen.
var ErrShortKey = fmt.Errorf("research: the pseudonymisation key must be at least %d bytes", MinKeyLen)

// Domain separation: a pseudonym and a date shift for the same family are
// different hashes, so one reveals nothing about the other.
const (
	pseudonymDomain = "cradle/research/pseudonym/v1"
	shiftDomain     = "cradle/research/date-shift/v1"
)

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// Pseudonym is the pseudonym of one id of the given kind (KindFamily,
// KindParent or KindBaby) in a project: a prefix ("f-", "p-", "b-") and 16
// lowercase base32 characters of HMAC-SHA256(key, project, kind, id).
//
// The same id gives the same pseudonym every time for the same key and
// project, and an unrelated one in another project or for another kind (a
// parent and a baby with the same database id do not collide).
func Pseudonym(key []byte, project, kind string, id int64) (string, error) {
	prefix, ok := prefixes[kind]
	if !ok {
		return "", fmt.Errorf("research: unknown pseudonym kind %q: want %q, %q or %q", kind, KindFamily, KindParent, KindBaby)
	}
	sum, err := keyedHash(key, pseudonymDomain, project, kind, id)
	if err != nil {
		return "", err
	}
	// Each base32 character carries 5 bits, so pseudonymChars characters
	// are the first pseudonymChars*5/8 bytes of the hash.
	return prefix + strings.ToLower(b32.EncodeToString(sum[:pseudonymChars*5/8])), nil
}

// maxShift is the largest date shift, in days, either way.
const maxShift = 180

// ShiftDays is a family's date shift in a project: a whole number of days
// from -180 to +180, never 0 (so no family's real dates appear by chance),
// derived from the keyed hash. Every date of the family moves by the same
// shift, so intervals within the family are kept while the calendar dates
// are hidden.
func ShiftDays(key []byte, project string, familyID int64) (int, error) {
	sum, err := keyedHash(key, shiftDomain, project, KindFamily, familyID)
	if err != nil {
		return 0, err
	}
	// 360 values: -180..-1 and 1..180. The bias of a 64-bit number modulo
	// 360 is negligible (under 1 in 10^16).
	n := int(binary.BigEndian.Uint64(sum[:8])%(2*maxShift)) - maxShift
	if n >= 0 {
		n++
	}
	return n, nil
}

// keyedHash is HMAC-SHA256 over the length-prefixed domain, project and
// kind and the id, so that no two different inputs share a message (without
// lengths, project "ab" kind "c" and project "a" kind "bc" would).
func keyedHash(key []byte, domain, project, kind string, id int64) ([sha256.Size]byte, error) {
	var sum [sha256.Size]byte
	if len(key) < MinKeyLen {
		return sum, ErrShortKey
	}
	if strings.TrimSpace(project) == "" {
		return sum, errors.New("research: a project name is required, so that each project's pseudonyms differ")
	}
	mac := hmac.New(sha256.New, key)
	mac.Write(message(domain, project, kind, id))
	copy(sum[:], mac.Sum(nil))
	return sum, nil
}

func message(domain, project, kind string, id int64) []byte {
	var b []byte
	for _, s := range []string{domain, project, kind} {
		b = binary.BigEndian.AppendUint64(b, uint64(len(s)))
		b = append(b, s...)
	}
	// The id's bits as they stand: one message per id, negative or not, and
	// the same as every extract so far, so pseudonyms stay stable.
	return binary.BigEndian.AppendUint64(b, uint64(id)) // #nosec G115 -- a bijection, not arithmetic
}

// DateMode is how dates appear in an extract.
type DateMode int

const (
	// Months writes dates as the calendar month, "2026-03". It is the zero
	// value, being the coarser and safer choice.
	Months DateMode = iota
	// Shifted writes full dates, "2026-03-14", each moved by the family's
	// ShiftDays: intervals within a family are exact, calendar dates hidden.
	Shifted
)

func (m DateMode) String() string {
	switch m {
	case Months:
		return "months"
	case Shifted:
		return "shifted"
	}
	return fmt.Sprintf("DateMode(%d)", int(m))
}

// Month is the calendar month of t, "2006-01"; "" for the zero time.
func Month(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2006-01")
}

// shiftedDate is t's calendar date moved by days, "2006-01-02"; "" for the
// zero time. It works on the date alone, so clock changes cannot move it.
func shiftedDate(t time.Time, days int) string {
	if t.IsZero() {
		return ""
	}
	return time.Date(t.Year(), t.Month(), t.Day()+days, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
}
