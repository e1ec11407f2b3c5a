package credential

import (
	"crypto/rand"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"sync"
	"time"
)

// tokenBytes gives 256-bit tokens: far beyond guessing, even online
// without rate limits.
const tokenBytes = 32

// NewToken returns a random URL-safe token for sessions, invitations and
// password resets. Store HashToken(token), not the token.
func NewToken() (token string, err error) {
	b := make([]byte, tokenBytes)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("new token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// HashToken returns the hex SHA-256 of token. A plain hash is enough (no
// salt or argon2) because tokens are random and 256 bits long, and it lets
// the store look a token up by its hash.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// One-time passwords are four words joined by hyphens: easy to read out
// over the phone or copy from a letter, and about 49 bits from a list of
// ~5,000 words, plenty for a password that must be changed at first use.
const (
	otpWords     = 4
	otpSeparator = "-"
	otpMinLength = 20
	// otpAttempts bounds the retry loop; with 5-8 letter words every draw
	// is long enough, so a retry only follows an unlucky rule failure.
	otpAttempts = 10
)

//go:embed words.txt
var wordsFile string

// words is parsed once on first use and only read afterwards.
var words = sync.OnceValue(func() []string { return listLines(wordsFile) })

// OneTimePasswordLife is how long a one-time password (a new account's, or
// one given after a reset) signs in before it must be used: long enough to
// pass on by phone or in person over a weekend, short enough that details
// sent and never used do not leave an account open (ASVS 2.3.1).
const OneTimePasswordLife = 7 * 24 * time.Hour

// OneTimeExpired reports whether a one-time password set at setAt has
// outlived OneTimePasswordLife at now. A time not known has (fail closed).
func OneTimeExpired(setAt, now time.Time) bool {
	return setAt.IsZero() || now.Sub(setAt) > OneTimePasswordLife
}

// NewOneTimePassword returns a memorable random password, such as
// "lantern-oyster-pebble-tadpole", for a new or reset account. It always
// passes CheckPassword.
func NewOneTimePassword() (string, error) {
	list := words()
	n := big.NewInt(int64(len(list)))
	for range otpAttempts {
		picked := make([]string, otpWords)
		for i := range picked {
			j, err := rand.Int(rand.Reader, n)
			if err != nil {
				return "", fmt.Errorf("new one-time password: %w", err)
			}
			picked[i] = list[j.Int64()]
		}
		pw := strings.Join(picked, otpSeparator)
		if len(pw) >= otpMinLength && CheckPassword(pw) == nil {
			return pw, nil
		}
	}
	return "", errors.New("new one-time password: no acceptable password generated")
}
