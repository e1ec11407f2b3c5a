package seal

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"slices"
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
	ids := k.IDs()
	slices.SortFunc(ids, func(a, b string) int {
		if len(a) != len(b) {
			return len(a) - len(b)
		}
		if a < b {
			return -1
		}
		if a > b {
			return 1
		}
		return 0
	})
	derive := hmac.New(sha256.New, k.keys[ids[0]])
	derive.Write([]byte("cradle-blind-index-v1"))
	mac := hmac.New(sha256.New, derive.Sum(nil))
	mac.Write([]byte(context))
	mac.Write([]byte{0})
	mac.Write([]byte(value))
	return hex.EncodeToString(mac.Sum(nil))
}
