package credential

import (
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"errors"
	"fmt"
	"image/png"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// TOTP settings. These are the defaults every authenticator app assumes;
// anything else risks apps silently ignoring the otpauth parameters.
const (
	totpPeriod     = 30 // seconds
	totpDigits     = otp.DigitsSix
	totpSecretSize = 20 // bytes, the RFC 4226 recommendation for SHA-1
	// totpSkew is how many steps either side of now are accepted, to
	// allow for phone clocks that drift and codes typed near a boundary.
	totpSkew = 1
)

// Sentinel errors from CheckTOTP, distinct so the web layer can word its
// message and the audit log can tell a replay from a typo.
var (
	ErrCodeFormat = errors.New("code must be 6 digits")
	ErrCodeWrong  = errors.New("code is wrong or has expired")
	ErrCodeReused = errors.New("code has already been used")
)

func totpOpts() totp.ValidateOpts {
	return totp.ValidateOpts{Period: totpPeriod, Digits: totpDigits, Algorithm: otp.AlgorithmSHA1}
}

// b32 is how TOTP secrets are written: RFC 4648 base32 without padding,
// as in otpauth:// URLs.
var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// NewTOTPSecret makes a random secret and the otpauth:// URL to show as a
// QR code. issuer names the service in the app; account is usually the
// staff member's email address.
func NewTOTPSecret(issuer, account string) (secret string, otpauthURL string, err error) {
	key, err := totp.Generate(totpGenerateOpts(issuer, account, nil))
	if err != nil {
		return "", "", fmt.Errorf("new totp secret: %w", err)
	}
	return key.Secret(), key.URL(), nil
}

// TOTPLink is the otpauth:// URL of a secret NewTOTPSecret made, the same
// again, for a page that shows it a second time.
func TOTPLink(issuer, account, secret string) (string, error) {
	raw, err := b32.DecodeString(strings.ToUpper(secret))
	if err != nil || len(raw) == 0 {
		return "", fmt.Errorf("totp link: the secret is not base32")
	}
	key, err := totp.Generate(totpGenerateOpts(issuer, account, raw))
	if err != nil {
		return "", fmt.Errorf("totp link: %w", err)
	}
	return key.URL(), nil
}

func totpGenerateOpts(issuer, account string, secret []byte) totp.GenerateOpts {
	return totp.GenerateOpts{
		Issuer:      issuer,
		AccountName: account,
		Period:      totpPeriod,
		SecretSize:  totpSecretSize,
		Secret:      secret,
		Digits:      totpDigits,
		Algorithm:   otp.AlgorithmSHA1,
	}
}

// TOTPQRCode draws an otpauth:// URL as a QR code, a PNG of size pixels
// square, for an authenticator app on a phone to scan from the screen.
func TOTPQRCode(otpauthURL string, size int) ([]byte, error) {
	key, err := otp.NewKeyFromURL(otpauthURL)
	if err != nil {
		return nil, fmt.Errorf("totp qr code: %w", err)
	}
	if !strings.HasPrefix(otpauthURL, "otpauth://totp/") || key.Secret() == "" {
		return nil, errors.New("totp qr code: not an otpauth://totp/ URL with a secret")
	}
	img, err := key.Image(size, size)
	if err != nil {
		return nil, fmt.Errorf("totp qr code: %w", err)
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		return nil, fmt.Errorf("totp qr code: %w", err)
	}
	return b.Bytes(), nil
}

// TOTPCode returns the code for secret at time t.
func TOTPCode(secret string, t time.Time) (string, error) {
	code, err := totp.GenerateCodeCustom(secret, t, totpOpts())
	if err != nil {
		return "", fmt.Errorf("totp code: %w", err)
	}
	return code, nil
}

// CheckTOTP checks code against secret at now, allowing one 30-second step
// of skew either way. lastStep is the step returned by the previous
// successful check for this secret (0 if none); any step at or before it
// is refused with ErrCodeReused, so each code works at most once. On
// success it returns the matched step, which the caller must store.
// Spaces in code are ignored because apps display "123 456".
func CheckTOTP(secret, code string, now time.Time, lastStep int64) (step int64, err error) {
	code = strings.Join(strings.Fields(code), "")
	if len(code) != totpDigits.Length() || strings.Trim(code, "0123456789") != "" {
		return 0, ErrCodeFormat
	}
	current := now.Unix() / totpPeriod
	var matched int64
	found, reused := false, false
	// Every candidate step is computed and compared whatever happens, so
	// the time taken does not hint at which step matched.
	for s := current - totpSkew; s <= current+totpSkew; s++ {
		want, err := TOTPCode(secret, time.Unix(s*totpPeriod, 0))
		if err != nil {
			return 0, err
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) != 1 {
			continue
		}
		if s <= lastStep {
			reused = true
			continue
		}
		// Later steps win so that a (one in a million) collision between
		// steps never records an older step than the code really was.
		matched, found = s, true
	}
	switch {
	case found:
		return matched, nil
	case reused:
		return 0, ErrCodeReused
	default:
		return 0, ErrCodeWrong
	}
}

// DeterministicTOTPSecret derives a valid secret from seed so demo data
// signs in with the same authenticator entry every run. Never use it for
// real accounts: anyone who knows the seed knows the secret.
func DeterministicTOTPSecret(seed string) string {
	sum := sha256.Sum256([]byte(seed))
	return b32.EncodeToString(sum[:totpSecretSize])
}
