package seal

import (
	"bytes"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
)

func testKey(b byte) []byte { return bytes.Repeat([]byte{b}, KeySize) }

func testRing(t *testing.T) *Keyring {
	t.Helper()
	k, err := NewKeyring("k1", map[string][]byte{"k1": testKey(1)})
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestRoundTrip(t *testing.T) {
	k := testRing(t)
	for _, pt := range []string{"x", "12 Acacia Avenue, Leeds", strings.Repeat("safety plan ", 1000), "\x00\xff"} {
		s, err := k.SealString(pt, "person.address")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(s, "v1.k1.") {
			t.Errorf("sealed %q lacks v1.k1. prefix", s)
		}
		// Short plaintexts can occur in random base64 by chance; check only long ones.
		if len(pt) > 8 && strings.Contains(s, pt) {
			t.Errorf("sealed value contains plaintext")
		}
		got, err := k.OpenString(s, "person.address")
		if err != nil {
			t.Fatal(err)
		}
		if got != pt {
			t.Errorf("round trip = %q, want %q", got, pt)
		}
	}
}

func TestNoncesDiffer(t *testing.T) {
	k := testRing(t)
	a, _ := k.SealString("same", "c")
	b, _ := k.SealString("same", "c")
	if a == b {
		t.Error("two seals of the same plaintext are identical; nonce not random")
	}
}

func TestContextMismatch(t *testing.T) {
	k := testRing(t)
	s, err := k.SealString("07700 900123", "person.phone")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := k.OpenString(s, "person.address"); !errors.Is(err, ErrCorrupt) {
		t.Errorf("open with wrong context: err = %v, want ErrCorrupt", err)
	}
}

func TestTamper(t *testing.T) {
	k := testRing(t)
	s, _ := k.SealString("disclosure text", "case.disclosure")
	prefix := "v1.k1."
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(s, prefix))
	if err != nil {
		t.Fatal(err)
	}
	for i := range raw {
		mod := bytes.Clone(raw)
		mod[i] ^= 0x01
		tampered := prefix + base64.RawURLEncoding.EncodeToString(mod)
		if _, err := k.OpenString(tampered, "case.disclosure"); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("flip byte %d: err = %v, want ErrCorrupt", i, err)
		}
	}
	// Truncation, too, must not open.
	if _, err := k.OpenString(s[:len(s)-4], "case.disclosure"); !errors.Is(err, ErrCorrupt) {
		t.Errorf("truncated: err = %v, want ErrCorrupt", err)
	}
}

func TestMalformed(t *testing.T) {
	k := testRing(t)
	for _, s := range []string{"plain", "v1", "v1.", "v1.k1", "v1.k1.", "v2.k1.AAAA", "v1.K1.AAAA", "v1..AAAA",
		"v1.k1.!!!!", "v1.k1.AAAA", "v1.k1." + strings.Repeat("A", 37)} {
		if _, err := k.Open(s, "c"); !errors.Is(err, ErrCorrupt) {
			t.Errorf("Open(%q) err = %v, want ErrCorrupt", s, err)
		}
	}
}

func TestUnknownKey(t *testing.T) {
	other, err := NewKeyring("k9", map[string][]byte{"k9": testKey(9)})
	if err != nil {
		t.Fatal(err)
	}
	s, _ := other.SealString("notes", "case.notes")
	_, err = testRing(t).OpenString(s, "case.notes")
	if !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("err = %v, want ErrUnknownKey", err)
	}
	if !strings.Contains(err.Error(), "case.notes") || !strings.Contains(err.Error(), "k9") {
		t.Errorf("error %q should name the context and key id", err)
	}
}

func TestEmpty(t *testing.T) {
	k := testRing(t)
	s, err := k.Seal(nil, "c")
	if err != nil || s != "" {
		t.Errorf("Seal(nil) = %q, %v; want \"\", nil", s, err)
	}
	s, err = k.SealString("", "c")
	if err != nil || s != "" {
		t.Errorf("SealString(\"\") = %q, %v; want \"\", nil", s, err)
	}
	pt, err := k.Open("", "c")
	if err != nil || pt != nil {
		t.Errorf("Open(\"\") = %v, %v; want nil, nil", pt, err)
	}
	if k.NeedsRotation("") {
		t.Error("NeedsRotation(\"\") = true")
	}
}

func TestRotation(t *testing.T) {
	k1 := testRing(t)
	old, _ := k1.SealString("old address", "person.address")

	k2, id, err := k1.WithNewKey()
	if err != nil {
		t.Fatal(err)
	}
	if id != "k2" || k2.CurrentID() != "k2" {
		t.Fatalf("new id = %q, current = %q; want k2", id, k2.CurrentID())
	}
	if k1.CurrentID() != "k1" {
		t.Error("WithNewKey modified the original ring")
	}
	got, err := k2.OpenString(old, "person.address")
	if err != nil || got != "old address" {
		t.Fatalf("open old value after rotation = %q, %v", got, err)
	}
	if !k2.NeedsRotation(old) {
		t.Error("NeedsRotation(old) = false, want true")
	}
	fresh, _ := k2.SealString("new address", "person.address")
	if !strings.HasPrefix(fresh, "v1.k2.") {
		t.Errorf("new seal %q not under k2", fresh)
	}
	if k2.NeedsRotation(fresh) {
		t.Error("NeedsRotation(fresh) = true, want false")
	}
	if k2.NeedsRotation("garbage") {
		t.Error("NeedsRotation(garbage) = true, want false")
	}
	k3, id, err := k2.WithNewKey()
	if err != nil || id != "k3" || len(k3.IDs()) != 3 {
		t.Fatalf("second rotation: id %q, ids %v, err %v", id, k3.IDs(), err)
	}
}

func TestNewKeyringValidation(t *testing.T) {
	good := testKey(1)
	cases := map[string]struct {
		current string
		keys    map[string][]byte
	}{
		"no keys":         {"k1", nil},
		"missing current": {"k2", map[string][]byte{"k1": good}},
		"short key":       {"k1", map[string][]byte{"k1": good[:16]}},
		"uppercase id":    {"K1", map[string][]byte{"K1": good}},
		"dotted id":       {"k.1", map[string][]byte{"k.1": good}},
		"long id":         {"k1", map[string][]byte{"k1": good, strings.Repeat("a", 17): good}},
		"empty id":        {"", map[string][]byte{"": good}},
	}
	for name, c := range cases {
		if _, err := NewKeyring(c.current, c.keys); err == nil {
			t.Errorf("%s: NewKeyring succeeded, want error", name)
		}
	}
}

func TestKeyringCopiesKeys(t *testing.T) {
	key := testKey(1)
	k, _ := NewKeyring("k1", map[string][]byte{"k1": key})
	s, _ := k.SealString("x", "c")
	key[0] ^= 0xff
	if _, err := k.OpenString(s, "c"); err != nil {
		t.Errorf("mutating caller's key slice affected the ring: %v", err)
	}
}

func TestStringHidesKeys(t *testing.T) {
	k := testRing(t)
	enc := base64.StdEncoding.EncodeToString(testKey(1))
	for _, s := range []string{k.String(), k.GoString()} {
		if strings.Contains(s, enc) || strings.Contains(s, "[1 1 1") {
			t.Errorf("String leaks key material: %s", s)
		}
	}
}

func TestConcurrentUse(t *testing.T) {
	k := testRing(t)
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			for range 100 {
				s, err := k.SealString("v", "c")
				if err != nil {
					t.Error(err)
					return
				}
				if _, err := k.OpenString(s, "c"); err != nil {
					t.Error(i, err)
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestLoadOrCreateFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keys.json")
	k, created, err := LoadOrCreateFile(path)
	if err != nil || !created {
		t.Fatalf("create: created=%v err=%v", created, err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("mode = %04o, want 0600", fi.Mode().Perm())
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("directory has %d entries, want only the key file (temp file left behind?)", len(entries))
	}
	s, _ := k.SealString("x", "c")

	k2, created, err := LoadOrCreateFile(path)
	if err != nil || created {
		t.Fatalf("load: created=%v err=%v", created, err)
	}
	if got, err := k2.OpenString(s, "c"); err != nil || got != "x" {
		t.Errorf("reloaded ring cannot open value: %q, %v", got, err)
	}
}

func TestSaveFileRotation(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keys.json")
	k, _, err := LoadOrCreateFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := k.SealString("x", "c")
	k2, _, _ := k.WithNewKey()
	if err := SaveFile(path, k2); err != nil {
		t.Fatal(err)
	}
	loaded, created, err := LoadOrCreateFile(path)
	if err != nil || created {
		t.Fatalf("load: created=%v err=%v", created, err)
	}
	if loaded.CurrentID() != "k2" {
		t.Errorf("current = %q, want k2", loaded.CurrentID())
	}
	if got, err := loaded.OpenString(s, "c"); err != nil || got != "x" {
		t.Errorf("old value after save/load: %q, %v", got, err)
	}
	if err := SaveFile(path, nil); err == nil {
		t.Error("SaveFile(nil) succeeded")
	}
}

func TestLoadRefusesLoosePermissions(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("permission bits not enforced on windows")
	}
	path := filepath.Join(t.TempDir(), "keys.json")
	if _, _, err := LoadOrCreateFile(path); err != nil {
		t.Fatal(err)
	}
	for _, mode := range []os.FileMode{0o640, 0o604, 0o644} {
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
		_, _, err := LoadOrCreateFile(path)
		if err == nil {
			t.Fatalf("mode %04o: load succeeded, want refusal", mode)
		}
		if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "chmod 600") {
			t.Errorf("mode %04o: error %q should name the path and the chmod 600 fix", mode, err)
		}
	}
}

func TestLoadBadFile(t *testing.T) {
	dir := t.TempDir()
	key := base64.StdEncoding.EncodeToString(testKey(1))
	for name, body := range map[string]string{
		"not json":      "nope",
		"truncated":     `{"current":"k1","keys":{"k1":"` + key,
		"unknown field": `{"current":"k1","key":{"k1":"` + key + `"}}`,
		"key as a name": `{"current":"k1","keys":{"k1":"` + key + `"},"` + key + `":""}`,
		"trailing":      `{"current":"k1","keys":{"k1":"` + key + `"}} {}`,
		"bad base64":    `{"current":"k1","keys":{"k1":"***"}}`,
		"no current":    `{"keys":{"k1":"` + key + `"}}`,
		"short key":     `{"current":"k1","keys":{"k1":"AAAA"}}`,
	} {
		path := filepath.Join(dir, strings.ReplaceAll(name, " ", "_"))
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, _, err := LoadOrCreateFile(path); err == nil {
			t.Errorf("%s: load succeeded, want error", name)
		} else if strings.Contains(err.Error(), key) {
			t.Errorf("%s: the error %q echoes the key", name, err)
		}
		if b, _ := os.ReadFile(path); string(b) != body { // #nosec G304 -- the test's own temporary file; unreadable fails the comparison
			t.Errorf("%s: bad file was overwritten", name)
		}
	}
}

func TestCreateDoesNotClobber(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keys.json")
	if err := writeFileAtomic(path, []byte("first"), true); err != nil {
		t.Fatal(err)
	}
	if err := writeFileAtomic(path, []byte("second"), true); err == nil {
		t.Error("no-clobber write replaced an existing file")
	}
	if b, _ := os.ReadFile(path); string(b) != "first" { // #nosec G304 -- the test's own temporary file; unreadable fails the comparison
		t.Errorf("file = %q, want first", b)
	}
}

func TestFromEnv(t *testing.T) {
	key := testKey(7)
	b64 := base64.StdEncoding.EncodeToString(key)
	want, _ := NewKeyring("k1", map[string][]byte{"k1": key})
	sealed, _ := want.SealString("x", "c")

	for name, v := range map[string]string{
		"bare": "  " + b64 + "\n",
		"json": `{"current":"k1","keys":{"k1":"` + b64 + `"}}`,
	} {
		k, err := FromEnv(v)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if k.CurrentID() != "k1" {
			t.Errorf("%s: current = %q", name, k.CurrentID())
		}
		if got, err := k.OpenString(sealed, "c"); err != nil || got != "x" {
			t.Errorf("%s: open = %q, %v", name, got, err)
		}
	}

	k, err := FromEnv(`{"current":"k2","keys":{"k1":"` + b64 + `","k2":"` + base64.StdEncoding.EncodeToString(testKey(8)) + `"}}`)
	if err != nil || k.CurrentID() != "k2" || !k.NeedsRotation(sealed) {
		t.Errorf("two-key JSON: %v, %v", k, err)
	}

	for _, v := range []string{"", "   ", "{", `{"current":"k1"}`, "not base64!", base64.StdEncoding.EncodeToString(key[:31]), `{"current":"k1","keys":{"k1":"` + b64 + `"},}`} {
		_, err := FromEnv(v)
		if err == nil {
			t.Errorf("FromEnv(%q) succeeded, want error", v)
			continue
		}
		if len(v) > 8 && strings.Contains(err.Error(), v) {
			t.Errorf("error echoes the secret value: %v", err)
		}
	}
}

func FuzzOpen(f *testing.F) {
	k, err := NewKeyring("k1", map[string][]byte{"k1": testKey(1)})
	if err != nil {
		f.Fatal(err)
	}
	valid, _ := k.SealString("seed", "person.address")
	for _, s := range []string{valid, valid[:len(valid)-1], "", "v1.", "v1.k1.", "v1.k9.AAAA", "v1.k1.!!!", "v1.k1.k1.AAAA", "v1." + strings.Repeat("a", 100) + ".x"} {
		f.Add(s, "person.address")
	}
	f.Fuzz(func(t *testing.T, sealed, context string) {
		pt, err := k.Open(sealed, context)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrUnknownKey) {
				t.Fatalf("unexpected error kind: %v", err)
			}
			if pt != nil {
				t.Fatal("non-nil plaintext with error")
			}
			return
		}
		// Only genuine seals of "seed" (the seed corpus, possibly from another
		// fuzz worker's random nonce) can authenticate; anything else would be
		// a forgery or a non-canonical encoding being accepted.
		if sealed != "" && (string(pt) != "seed" || context != "person.address" || !strings.HasPrefix(sealed, "v1.k1.")) {
			t.Fatalf("unexpected input opened: %q (context %q)", sealed, context)
		}
		_ = k.NeedsRotation(sealed)
	})
}

// A key id (or any field) given twice is refused rather than keeping the
// last key silently (found by FuzzFromEnv).
func TestFromEnvRepeatedKeyID(t *testing.T) {
	a, b := base64.StdEncoding.EncodeToString(testKey(1)), base64.StdEncoding.EncodeToString(testKey(2))
	for _, v := range []string{
		`{"current":"k1","keys":{"k1":"` + a + `","k1":"` + b + `"}}`,
		`{"current":"k1","keys":{"k1":"` + a + `"},"Current":"k2"}`,
	} {
		_, err := FromEnv(v)
		if err == nil || !strings.Contains(err.Error(), "more than once") || strings.Contains(err.Error(), a) || strings.Contains(err.Error(), b) {
			t.Errorf("FromEnv(%s) = %v", v, err)
		}
	}
}

// validID and validPayload are written out for speed; they must accept
// exactly what the regular expressions they replaced accepted.
// The patterns validID and validPayload replaced: what they must accept.
var (
	idPatternRE      = regexp.MustCompile(`^[a-z0-9]{1,16}$`)
	payloadPatternRE = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)
)

func TestValidIDAndPayloadMatchTheirPatterns(t *testing.T) {
	id, payload := idPatternRE, payloadPatternRE
	check := func(s string) {
		if got, want := validID(s), id.MatchString(s); got != want {
			t.Errorf("validID(%q) = %v, want %v", s, got, want)
		}
		if got, want := validPayload(s), payload.MatchString(s); got != want {
			t.Errorf("validPayload(%q) = %v, want %v", s, got, want)
		}
	}
	for _, s := range []string{"", "k1", "K1", "k-1", "k_1", "k.1", "k 1", "é", "a\n", "\nb",
		strings.Repeat("a", 16), strings.Repeat("a", 17), "AZaz09_-", "abc=", "/+", "\x00"} {
		check(s)
	}
	// Every single byte, and each beside a valid character on either side.
	for c := range 256 {
		b := string([]byte{byte(c)})
		check(b)
		check("a" + b)
		check(b + "0")
	}
}

func FuzzValidIDAndPayload(f *testing.F) {
	id, payload := idPatternRE, payloadPatternRE
	for _, s := range []string{"", "k1", "AZaz09_-", "a.b", strings.Repeat("z", 17)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if validID(s) != id.MatchString(s) || validPayload(s) != payload.MatchString(s) {
			t.Fatalf("%q: validID %v (pattern %v), validPayload %v (pattern %v)", s, validID(s), id.MatchString(s), validPayload(s), payload.MatchString(s))
		}
	})
}

// A key pasted where its id belongs (the id and the key swapped) is not
// echoed in the error, nor is any other id that is not a valid one (found
// by FuzzFromEnv: an id holding the key's text).
func TestSwappedKeyAndIDNotEchoed(t *testing.T) {
	key := base64.StdEncoding.EncodeToString(testKey(7))
	for _, v := range []string{
		`{"current":"k1","keys":{"` + key + `":"k1"}}`,
		`{"current":"` + key + `","keys":{"k1":"` + key + `"}}`,
		`{"current":"k1","keys":{"k1":"` + key + `","` + key[:20] + `":"` + key + `"}}`,
	} {
		_, err := FromEnv(v)
		if err == nil {
			t.Fatalf("FromEnv(%q) accepted", v)
		}
		if strings.Contains(err.Error(), key[:12]) {
			t.Errorf("the error echoes the key: %v", err)
		}
	}
	// A valid id is still named, so the operator can find it.
	if _, err := FromEnv(`{"current":"k1","keys":{"k1":"not base64!!"}}`); err == nil || !strings.Contains(err.Error(), `"k1"`) {
		t.Errorf("a valid id's bad key: %v, want it named", err)
	}
}
