package seal

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/cradle-org/cradle/internal/strictjson"
)

// FuzzFromEnv feeds arbitrary CRADLE_KEYS values to FromEnv. A refusal is
// an error with a message that never echoes key material; an accepted ring
// names nothing twice, seals and opens under its current key, and survives
// the key file's own encoding.
func FuzzFromEnv(f *testing.F) {
	b64 := func(b byte) string { return base64.StdEncoding.EncodeToString(testKey(b)) }
	for _, s := range []string{
		b64(1), " " + b64(2) + "\n", `{"current":"k1","keys":{"k1":"` + b64(1) + `"}}`,
		`{"current":"k2","keys":{"k1":"` + b64(1) + `","k2":"` + b64(2) + `"}}`,
		`{"current":"k1","keys":{"k1":"` + b64(1) + `","k1":"` + b64(2) + `"}}`,
		`{"current":"k1","keys":{"k1":"` + b64(1) + `"},"Current":"k2"}`,
		`{"current":"k9","keys":{"k1":"` + b64(1) + `"}}`, `{"current":"K1","keys":{"K1":"` + b64(1) + `"}}`,
		`{"current":"k1","keys":{"k1":"` + base64.StdEncoding.EncodeToString(testKey(1)[:31]) + `"}}`,
		`{"current":"k1","keys":{"k1":"not base64!!"}}`, `{"current":"k1","key":{}}`,
		`{"current":"k1","keys":{"k1":"` + b64(1) + `"}} {}`, "", "   ", "{", "not base64!", b64(1)[:20],
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, value string) {
		k, err := FromEnv(value)
		if err != nil {
			if k != nil || err.Error() == "" {
				t.Fatalf("FromEnv(%q) = %v, %v", value, k, err)
			}
			for _, secret := range secretsIn(value) {
				if len(secret) >= 8 && strings.Contains(err.Error(), secret) {
					t.Fatalf("error %q echoes key material %q", err, secret)
				}
			}
			return
		}
		if trimmed := strings.TrimSpace(value); strings.HasPrefix(trimmed, "{") && strictjson.Check([]byte(trimmed)) != nil {
			t.Fatalf("accepted %q, which names a field twice", value)
		}
		if !slices.Contains(k.IDs(), k.CurrentID()) {
			t.Fatalf("current key %q not among %v", k.CurrentID(), k.IDs())
		}
		sealed, err := k.SealString("12 Acacia Avenue", "person.address")
		if err != nil || !strings.HasPrefix(sealed, "v1."+k.CurrentID()+".") || k.NeedsRotation(sealed) {
			t.Fatalf("Seal: %q, %v", sealed, err)
		}
		data, err := marshalKeyring(k)
		if err != nil {
			t.Fatal(err)
		}
		again, err := parseKeyring(data)
		if err != nil || again.CurrentID() != k.CurrentID() || !slices.Equal(again.IDs(), k.IDs()) {
			t.Fatalf("key file round trip: %v, %v", again, err)
		}
		if pt, err := again.OpenString(sealed, "person.address"); err != nil || pt != "12 Acacia Avenue" {
			t.Fatalf("the re-read ring opens %q, %v", pt, err)
		}
	})
}

// secretsIn is what in a CRADLE_KEYS value could be key material: the
// whole value, and every string in the JSON's keys object.
func secretsIn(value string) []string {
	out := []string{strings.TrimSpace(value)}
	var ff struct {
		Keys map[string]any `json:"keys"`
	}
	if json.Unmarshal([]byte(value), &ff) == nil {
		for _, v := range ff.Keys {
			if s, ok := v.(string); ok {
				out = append(out, s)
			}
		}
	}
	return out
}

// FuzzSealOpen checks that any plaintext under any context opens again to
// itself, and that the wrong context or a changed character does not open.
func FuzzSealOpen(f *testing.F) {
	for _, s := range [][2]string{{"12 Acacia Avenue, Leeds", "person.address"}, {"\x00\xff", ""}, {"x", "a.b"}, {"", "person.address"}} {
		f.Add([]byte(s[0]), s[1], uint16(0))
	}
	k, err := NewKeyring("k1", map[string][]byte{"k1": testKey(1)})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, plaintext []byte, context string, at uint16) {
		sealed, err := k.Seal(plaintext, context)
		if err != nil {
			t.Fatal(err)
		}
		got, err := k.Open(sealed, context)
		if err != nil || !bytes.Equal(got, plaintext) {
			t.Fatalf("Open(Seal(%q)) = %q, %v", plaintext, got, err)
		}
		if len(plaintext) == 0 {
			if sealed != "" {
				t.Fatalf("empty plaintext sealed to %q", sealed)
			}
			return
		}
		if _, err := k.Open(sealed, context+"x"); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("opened under another context: %v", err)
		}
		// Change one character of the payload to another valid one.
		i := len("v1.k1.") + int(at)%(len(sealed)-len("v1.k1."))
		c := byte('A')
		if sealed[i] == 'A' {
			c = 'B'
		}
		if _, err := k.Open(sealed[:i]+string(c)+sealed[i+1:], context); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("a changed value opened: %v", err)
		}
	})
}
