package seal

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
)

// Index returns a keyed hash (a "blind index") of value for exact-match
// look-ups of sealed data, such as finding a person by phone number without
// storing the number in clear. Empty stays empty. context separates uses, so
// equal values in different columns do not share an index.
//
// The index key is derived from the ring's oldest key (ids ordered by length,
// then text: k1 < k2 < k10). Rotation adds keys and keeps old ones, so indexes
// stay valid across rotations.
func (k *Keyring) Index(context, value string) string {
	if value == "" {
		return ""
	}
	derive := hmac.New(sha256.New, k.keys[k.IndexKeyID()])
	derive.Write([]byte("cradle-blind-index-v1"))
	mac := hmac.New(sha256.New, derive.Sum(nil))
	mac.Write([]byte(context))
	mac.Write([]byte{0})
	mac.Write([]byte(value))
	return hex.EncodeToString(mac.Sum(nil))
}

// IndexKeyID is the id of the key blind indexes derive from: the ring's
// oldest (see Index). A ring that changed it would make every stored index
// unfindable, so Extends refuses such a ring and WithNewKey never makes one.
func (k *Keyring) IndexKeyID() string {
	return slices.MinFunc(k.IDs(), compareIDs)
}

// compareIDs orders key ids oldest first: by length, then text (k1 < k2 < k10).
func compareIDs(a, b string) int {
	if len(a) != len(b) {
		return len(a) - len(b)
	}
	return strings.Compare(a, b)
}
