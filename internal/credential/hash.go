package credential

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Params are the argon2id cost parameters stored inside each PHC string.
type Params struct {
	Memory      uint32 // KiB
	Iterations  uint32
	Parallelism uint8
	SaltLength  uint32 // bytes
	KeyLength   uint32 // bytes
}

// DefaultParams returns the parameters new hashes are made with. It is a
// function rather than a variable so no caller can change it for everyone.
// 64 MiB and 3 passes is RFC 9106's second recommended option, which keeps
// a sign-in well under a second on a small server.
func DefaultParams() Params {
	return Params{
		Memory:      64 * 1024,
		Iterations:  3,
		Parallelism: 2,
		SaltLength:  16,
		KeyLength:   32,
	}
}

// Limits on parameters accepted from a stored hash. A corrupted or
// tampered row must not be able to make Verify allocate gigabytes or spin
// for minutes, and salts or keys shorter than these are not worth trusting.
const (
	minSaltLength = 8
	maxSaltLength = 64
	minKeyLength  = 16
	maxKeyLength  = 64
	maxMemory     = 1024 * 1024 // 1 GiB
	maxIterations = 16
	phcPrefix     = "$argon2id$"
)

// ErrMalformedHash is wrapped by every error Verify returns for a stored
// hash it cannot parse.
var ErrMalformedHash = errors.New("malformed password hash")

// b64 is the PHC string encoding: standard alphabet, no padding. Strict
// rejects non-canonical trailing bits so one hash has one spelling.
var b64 = base64.RawStdEncoding.Strict()

// Hash hashes password with DefaultParams and returns a PHC string.
func Hash(password string) (string, error) {
	return HashWith(DefaultParams(), password)
}

// HashWith hashes password with p; tests use it with cheap parameters.
func HashWith(p Params, password string) (string, error) {
	if err := p.validate(); err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	salt := make([]byte, p.SaltLength)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("hash password: read salt: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, p.Iterations, p.Memory, p.Parallelism, p.KeyLength)
	return encode(p, salt, key), nil
}

// Verify reports whether password matches the PHC string encoded.
// needsRehash is true only when ok is true and the hash was made with
// parameters other than DefaultParams, so the caller can upgrade it while
// it has the plain password in hand. A hash that cannot be parsed is an
// error wrapping ErrMalformedHash, never a panic.
func Verify(encoded, password string) (ok bool, needsRehash bool, err error) {
	return verify(encoded, password, DefaultParams())
}

// VerifyWith is Verify for a server whose hashes are made with p: a
// correct password stored with other costs needs rehashing with p.
func VerifyWith(p Params, encoded, password string) (ok bool, needsRehash bool, err error) {
	return verify(encoded, password, p)
}

func verify(encoded, password string, target Params) (ok bool, needsRehash bool, err error) {
	p, salt, want, err := decode(encoded)
	if err != nil {
		return false, false, err
	}
	got := argon2.IDKey([]byte(password), salt, p.Iterations, p.Memory, p.Parallelism, p.KeyLength)
	if subtle.ConstantTimeCompare(got, want) != 1 {
		return false, false, nil
	}
	return true, p != target, nil
}

// dummySalt and dummyKey stand in for a stored hash in DummyVerify; their
// values do not matter because the comparison is meant to fail.
const (
	dummySalt = "cradle-dummy-slt"                 // 16 bytes
	dummyKey  = "cradle-dummy-key-for-unknown-usr" // 32 bytes
)

// DummyVerify does the same work as Verify against a DefaultParams hash
// and throws the answer away. Call it when the email is unknown so the
// response time does not reveal which emails have accounts.
func DummyVerify(password string) { DummyVerifyWith(DefaultParams(), password) }

// DummyVerifyWith is DummyVerify for a server whose hashes are made with p.
func DummyVerifyWith(p Params, password string) {
	_, _, _ = Verify(dummyHash(p), password)
}

func dummyHash(p Params) string {
	return encode(p, []byte(dummySalt), []byte(dummyKey))
}

func encode(p Params, salt, key []byte) string {
	return fmt.Sprintf("%sv=%d$m=%d,t=%d,p=%d$%s$%s",
		phcPrefix, argon2.Version, p.Memory, p.Iterations, p.Parallelism,
		b64.EncodeToString(salt), b64.EncodeToString(key))
}

// decode parses exactly the form encode writes. Being strict (fixed field
// order, no optional fields) keeps the parser small and fuzzable.
func decode(encoded string) (p Params, salt, key []byte, err error) {
	fail := func(what string) (Params, []byte, []byte, error) {
		return Params{}, nil, nil, fmt.Errorf("%w: %s", ErrMalformedHash, what)
	}
	rest, found := strings.CutPrefix(encoded, phcPrefix)
	if !found {
		return fail("not an argon2id PHC string")
	}
	fields := strings.Split(rest, "$")
	if len(fields) != 4 {
		return fail("wrong number of fields")
	}
	if fields[0] != "v="+strconv.Itoa(argon2.Version) {
		return fail("unsupported version")
	}
	kv := strings.Split(fields[1], ",")
	if len(kv) != 3 {
		return fail("parameters must be m, t and p")
	}
	m, err1 := param(kv[0], "m=", 32)
	t, err2 := param(kv[1], "t=", 32)
	par, err3 := param(kv[2], "p=", 8)
	if err := errors.Join(err1, err2, err3); err != nil {
		return fail(err.Error())
	}
	if salt, err = b64.DecodeString(fields[2]); err != nil {
		return fail("salt is not base64")
	}
	if key, err = b64.DecodeString(fields[3]); err != nil {
		return fail("key is not base64")
	}
	// Lengths are checked while they are ints: converted first, a salt or
	// key of 4 GiB or more would wrap to a length validate accepts.
	saltLen, keyLen := len(salt), len(key)
	if saltLen < minSaltLength || saltLen > maxSaltLength {
		return fail(fmt.Sprintf("salt must be %d to %d bytes", minSaltLength, maxSaltLength))
	}
	if keyLen < minKeyLength || keyLen > maxKeyLength {
		return fail(fmt.Sprintf("key must be %d to %d bytes", minKeyLength, maxKeyLength))
	}
	p = Params{
		Memory:      uint32(m),  // #nosec G115 -- parsed as a 32-bit number
		Iterations:  uint32(t),  // #nosec G115 -- parsed as a 32-bit number
		Parallelism: uint8(par), // #nosec G115 -- parsed as an 8-bit number
		SaltLength:  uint32(saltLen),
		KeyLength:   uint32(keyLen),
	}
	if err := p.validate(); err != nil {
		return fail(err.Error())
	}
	return p, salt, key, nil
}

// param parses "name=digits" into an unsigned integer of the given size.
func param(s, name string, bits int) (uint64, error) {
	v, found := strings.CutPrefix(s, name)
	// ParseUint accepts leading zeros; refusing them keeps one spelling
	// per value, as PHC requires.
	if !found || (len(v) > 1 && v[0] == '0') {
		return 0, fmt.Errorf("bad %sparameter", name)
	}
	n, err := strconv.ParseUint(v, 10, bits)
	if err != nil {
		return 0, fmt.Errorf("bad %sparameter: %w", name, err)
	}
	return n, nil
}

// validate keeps parameters inside what argon2.IDKey accepts without
// panicking and what a server can afford.
func (p Params) validate() error {
	switch {
	case p.Parallelism < 1:
		return errors.New("parallelism must be at least 1")
	case p.Iterations < 1 || p.Iterations > maxIterations:
		return fmt.Errorf("iterations must be 1 to %d", maxIterations)
	case p.Memory < 8*uint32(p.Parallelism) || p.Memory > maxMemory:
		return fmt.Errorf("memory must be 8*parallelism to %d KiB", maxMemory)
	case p.SaltLength < minSaltLength || p.SaltLength > maxSaltLength:
		return fmt.Errorf("salt must be %d to %d bytes", minSaltLength, maxSaltLength)
	case p.KeyLength < minKeyLength || p.KeyLength > maxKeyLength:
		return fmt.Errorf("key must be %d to %d bytes", minKeyLength, maxKeyLength)
	}
	return nil
}
