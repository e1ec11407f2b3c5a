package seal

import (
	"bytes"
	"testing"
)

func TestIndex(t *testing.T) {
	k1 := bytes.Repeat([]byte{1}, 32)
	ring, err := NewKeyring("k1", map[string][]byte{"k1": k1})
	if err != nil {
		t.Fatal(err)
	}
	a := ring.Index("people.phone", "07700900123")
	if a == "" || a != ring.Index("people.phone", "07700900123") {
		t.Fatal("index not stable")
	}
	if a == ring.Index("people.email", "07700900123") {
		t.Error("context does not separate indexes")
	}
	if a == ring.Index("people.phone", "07700900124") {
		t.Error("different values share an index")
	}
	if ring.Index("people.phone", "") != "" {
		t.Error("empty value should have no index")
	}
	rotated, _, err := ring.WithNewKey()
	if err != nil {
		t.Fatal(err)
	}
	if rotated.Index("people.phone", "07700900123") != a {
		t.Error("rotation changed the index")
	}
	other, _ := NewKeyring("k1", map[string][]byte{"k1": bytes.Repeat([]byte{2}, 32)})
	if other.Index("people.phone", "07700900123") == a {
		t.Error("a different key gives the same index")
	}
	// k10 sorts after k2: the oldest key stays k1 even with ten keys.
	many := map[string][]byte{"k2": bytes.Repeat([]byte{3}, 32), "k10": bytes.Repeat([]byte{4}, 32), "k1": k1}
	ring2, _ := NewKeyring("k10", many)
	if ring2.Index("people.phone", "07700900123") != a {
		t.Error("index key not taken from the oldest key")
	}
}
