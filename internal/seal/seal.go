// Package seal encrypts individual database fields at rest with AES-256-GCM.
//
// Sealed values are self-describing text, "v1.<keyid>.<base64url(nonce||ciphertext)>",
// so keys can be rotated: new values are sealed under the current key while
// values sealed under older keys in the ring still open.
package seal

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

const (
	// KeySize is the AES-256 key length in bytes.
	KeySize = 32

	version   = "v1"
	nonceSize = 12
	tagSize   = 16
)

var (
	// ErrUnknownKey means the value was sealed under a key id that is not in the ring.
	ErrUnknownKey = errors.New("unknown key id")
	// ErrCorrupt means the value is malformed or failed authentication
	// (tampered, truncated, or opened with the wrong context).
	ErrCorrupt = errors.New("corrupt sealed value")
)

// payloadEncoding is strict and validPayload excludes the CR/LF that the
// decoder would otherwise skip, so each ciphertext has exactly one accepted
// text form.
var payloadEncoding = base64.RawURLEncoding.Strict()

// validPayload reports whether s is non-empty and all of A–Z, a–z, 0–9, '_'
// and '-'. Written out rather than as a regular expression: every sealed
// value a page shows is checked, and the expression was 2% of a busy
// server's CPU.
func validPayload(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return s != ""
}

// idPattern is what validID accepts, for error messages.
const idPattern = "1 to 16 of a–z and 0–9"

// shownID is a key id as an error message may show it: quoted if it is a
// valid id, and not at all otherwise, since what stands in an id's place
// may be key material pasted there by mistake (a key is 44 characters of
// base64, never a valid id).
func shownID(id string) string {
	if validID(id) {
		return strconv.Quote(id)
	}
	return "(not shown: not " + idPattern + ")"
}

// validID keeps ids short and free of '.', which separates the sealed
// format's parts: 1 to 16 of a–z and 0–9.
func validID(s string) bool {
	if len(s) < 1 || len(s) > 16 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('a' <= c && c <= 'z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

// Keyring holds the keys for sealing and opening. It is immutable after
// construction, so it is safe for concurrent use; rotation produces a new ring.
type Keyring struct {
	current string
	keys    map[string][]byte
	aeads   map[string]cipher.AEAD
}

// NewKeyring validates and copies keys; current is the id new values are sealed under.
func NewKeyring(current string, keys map[string][]byte) (*Keyring, error) {
	if len(keys) == 0 {
		return nil, errors.New("seal: keyring has no keys")
	}
	if _, ok := keys[current]; !ok {
		return nil, fmt.Errorf("seal: current key id %s is not in the keyring", shownID(current))
	}
	k := &Keyring{
		current: current,
		keys:    make(map[string][]byte, len(keys)),
		aeads:   make(map[string]cipher.AEAD, len(keys)),
	}
	for id, key := range keys {
		if !validID(id) {
			return nil, fmt.Errorf("seal: a key id %s must be %s", shownID(id), idPattern)
		}
		if len(key) != KeySize {
			return nil, fmt.Errorf("seal: key %q is %d bytes, want %d", id, len(key), KeySize)
		}
		// Copy so later changes to the caller's slices cannot alter the ring.
		key = slices.Clone(key)
		block, err := aes.NewCipher(key)
		if err != nil {
			return nil, fmt.Errorf("seal: key %q: %w", id, err)
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, fmt.Errorf("seal: key %q: %w", id, err)
		}
		k.keys[id] = key
		k.aeads[id] = aead
	}
	return k, nil
}

// CurrentID returns the id of the key new values are sealed under.
func (k *Keyring) CurrentID() string { return k.current }

// IDs returns the key ids in the ring, sorted.
func (k *Keyring) IDs() []string {
	ids := make([]string, 0, len(k.keys))
	for id := range k.keys {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// String describes the ring without key material, so logging a Keyring
// (including with %v or %+v) can never leak keys.
func (k *Keyring) String() string {
	return fmt.Sprintf("seal.Keyring{current: %s, keys: %v}", k.current, k.IDs())
}

// GoString covers %#v for the same reason as String.
func (k *Keyring) GoString() string { return k.String() }

// Seal encrypts plaintext under the current key. context (e.g. "person.address")
// is authenticated but not stored, so a value copied into another column fails to open.
//
// Empty plaintext seals to "": optional fields stay empty, so "is this field set"
// checks and NULL/"" handling work without decrypting. The cost is that
// emptiness itself is not hidden, which is already evident from the schema.
func (k *Keyring) Seal(plaintext []byte, context string) (string, error) {
	if len(plaintext) == 0 {
		return "", nil
	}
	aead := k.aeads[k.current]
	buf := make([]byte, nonceSize, nonceSize+len(plaintext)+tagSize)
	if _, err := rand.Read(buf); err != nil {
		return "", fmt.Errorf("seal: %s: generate nonce: %w", context, err)
	}
	buf = aead.Seal(buf, buf[:nonceSize], plaintext, []byte(context))
	return version + "." + k.current + "." + payloadEncoding.EncodeToString(buf), nil
}

// Open decrypts a value produced by Seal with the same context. "" opens to nil.
// Errors wrap ErrUnknownKey or ErrCorrupt and never include the value itself.
func (k *Keyring) Open(sealed string, context string) ([]byte, error) {
	if sealed == "" {
		return nil, nil
	}
	id, payload, ok := parse(sealed)
	if !ok {
		return nil, fmt.Errorf("seal: open %s: malformed value: %w", context, ErrCorrupt)
	}
	aead, ok := k.aeads[id]
	if !ok {
		return nil, fmt.Errorf("seal: open %s: key %q: %w", context, id, ErrUnknownKey)
	}
	raw, err := payloadEncoding.DecodeString(payload)
	if err != nil || len(raw) < nonceSize+tagSize {
		return nil, fmt.Errorf("seal: open %s: bad payload: %w", context, ErrCorrupt)
	}
	pt, err := aead.Open(nil, raw[:nonceSize], raw[nonceSize:], []byte(context))
	if err != nil {
		return nil, fmt.Errorf("seal: open %s: authentication failed: %w", context, ErrCorrupt)
	}
	return pt, nil
}

// SealString is Seal for string values.
func (k *Keyring) SealString(plaintext, context string) (string, error) {
	return k.Seal([]byte(plaintext), context)
}

// OpenString is Open for string values.
func (k *Keyring) OpenString(sealed, context string) (string, error) {
	pt, err := k.Open(sealed, context)
	if err != nil {
		return "", err
	}
	return string(pt), nil
}

// NeedsRotation reports whether sealed was sealed under a key other than the
// current one. Empty and malformed values report false: there is nothing a
// re-seal could do for them, and Open reports the malformed ones.
func (k *Keyring) NeedsRotation(sealed string) bool {
	if sealed == "" {
		return false
	}
	id, _, ok := parse(sealed)
	return ok && id != k.current
}

// WithNewKey returns a copy of the ring with a freshly generated key made
// current, and its id. Old keys are kept so existing values still open.
func (k *Keyring) WithNewKey() (*Keyring, string, error) {
	id := k.nextID()
	key := make([]byte, KeySize)
	if _, err := rand.Read(key); err != nil {
		return nil, "", fmt.Errorf("seal: generate key: %w", err)
	}
	keys := maps.Clone(k.keys)
	keys[id] = key
	nk, err := NewKeyring(id, keys)
	if err != nil {
		return nil, "", err
	}
	return nk, id, nil
}

// WithCurrent returns a copy of the ring with id, already in it, made
// current: the second step of adding a key everywhere before using it.
func (k *Keyring) WithCurrent(id string) (*Keyring, error) {
	return NewKeyring(id, k.keys)
}

// NewestID returns the id of the ring's newest key (the last in the order
// Index uses: by length, then text), which need not be the current one.
func (k *Keyring) NewestID() string {
	return slices.MaxFunc(k.IDs(), compareIDs)
}

// nextID picks "k<n>" one past the highest numbered "k" id, so ids read as a
// rotation history (k1, k2, ...) and never reuse a retired id. The new id
// also sorts after every id in the ring, so the oldest key, which blind
// indexes derive from, stays the oldest (a ring of hand-named keys such as
// "zz" would otherwise gain a "k1" that sorts before it).
func (k *Keyring) nextID() string {
	n := 0
	newest := ""
	for id := range k.keys {
		if v, err := strconv.Atoi(strings.TrimPrefix(id, "k")); err == nil && strings.HasPrefix(id, "k") && v > n {
			n = v
		}
		if newest == "" || compareIDs(id, newest) > 0 {
			newest = id
		}
	}
	for {
		n++
		id := "k" + strconv.Itoa(n)
		if _, taken := k.keys[id]; !taken && compareIDs(id, newest) > 0 {
			return id
		}
	}
}

// KeyID returns the key id a sealed value names; ok is false for "" and
// for values that are not in the sealed format.
func KeyID(sealed string) (id string, ok bool) {
	id, _, ok = parse(sealed)
	return id, ok
}

// Extends reports (as nil) whether k holds every key of old, each with the
// same key material, and derives blind indexes from the same key: so
// everything old could open, k opens, and every stored index still matches.
// A reloaded key file or a new CRADLE_KEYS value must extend the ring in use.
// The error names key ids only, never key material.
func (k *Keyring) Extends(old *Keyring) error {
	for id, key := range old.keys {
		mine, ok := k.keys[id]
		if !ok {
			return fmt.Errorf("seal: key %q is missing (keys are never removed: values and blind indexes need them)", id)
		}
		if subtle.ConstantTimeCompare(mine, key) != 1 {
			return fmt.Errorf("seal: key %q has different key material", id)
		}
	}
	if a, b := k.IndexKeyID(), old.IndexKeyID(); a != b {
		return fmt.Errorf("seal: blind indexes would derive from key %q instead of %q", a, b)
	}
	return nil
}

// parse splits "v1.<id>.<payload>"; ok is false if the shape is wrong.
func parse(sealed string) (id, payload string, ok bool) {
	rest, ok := strings.CutPrefix(sealed, version+".")
	if !ok {
		return "", "", false
	}
	id, payload, ok = strings.Cut(rest, ".")
	if !ok || !validID(id) || !validPayload(payload) {
		return "", "", false
	}
	return id, payload, true
}

// newRandomKeyring returns a ring holding one fresh key, "k1".
func newRandomKeyring() (*Keyring, error) {
	key := make([]byte, KeySize)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("seal: generate key: %w", err)
	}
	return NewKeyring("k1", map[string][]byte{"k1": key})
}
