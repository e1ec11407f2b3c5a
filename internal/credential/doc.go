// Package credential owns how staff prove who they are: password hashing,
// password rules, TOTP second factors and random tokens. It does no I/O
// other than reading crypto/rand, so the store and web layers decide where
// things live and this package decides whether they are good enough.
//
// Passwords are hashed with argon2id (RFC 9106) using m=64 MiB, t=3, p=2,
// a 16-byte salt and a 32-byte key, written as a PHC string so the
// parameters travel with the hash and can be raised later: Verify reports
// needsRehash when a stored hash was made with other parameters, and the
// caller re-hashes on the next successful sign-in. DummyVerify exists so
// that signing in as an unknown email costs the same time as a known one.
//
// Password rules follow NCSC guidance rather than composition rules: a
// minimum length (12 characters, counted in Unicode characters, for every
// password including passphrases), a generous maximum, a deny-list of
// common passwords, and no passwords built from the person's own name or
// email address. Failures are *RuleError values whose Message can be shown
// to the user as it is.
//
// TOTP codes are the 30-second, 6-digit, SHA-1 kind every authenticator
// app understands. CheckTOTP allows one step of clock skew either way and
// returns the matched time step; the caller stores it and passes it back
// next time, so a code that has been used once (for example, one read over
// someone's shoulder) cannot be used again.
//
// Session, invitation and reset tokens are 256 random bits; only their
// SHA-256 (HashToken) is meant to be stored, so a database leak does not
// hand out live tokens.
package credential
