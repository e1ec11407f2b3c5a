package audit

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
)

// rewrite changes entry i's action and works out its hash and every later
// link and hash again, as someone with write access to the database and
// this package could: the chain alone verifies.
func rewrite(es []Entry, i int) []Entry {
	es[i].Action = "family.edit"
	for j := i; j < len(es); j++ {
		if j > 0 {
			es[j].PrevHash = es[j-1].Hash
		}
		es[j].Hash = ComputeHash(es[j])
	}
	return es
}

// run passes the entries through v and finishes, stopping at the first
// broken entry.
func run(v *Verifier, es []Entry) error {
	for _, e := range es {
		if err := v.Next(e); err != nil {
			return err
		}
	}
	return v.Finish()
}

func TestAnchoredVerify(t *testing.T) {
	anchorAt := func(es []Entry, id int64) Anchor { return Anchor{ID: id, Hash: es[id-1].Hash} }
	tests := []struct {
		name    string
		anchors func(original []Entry) []Anchor
		mutate  func([]Entry) []Entry
		wantID  int64 // 0 = intact
		reason  string
		plainOK bool // the chain alone verifies the mutated log
	}{
		{"no anchors", func([]Entry) []Anchor { return nil }, func(es []Entry) []Entry { return es }, 0, "", true},
		{"intact, anchored at the head", func(o []Entry) []Anchor { return []Anchor{anchorAt(o, 6)} }, func(es []Entry) []Entry { return es }, 0, "", true},
		{"intact, two anchors", func(o []Entry) []Anchor { return []Anchor{anchorAt(o, 2), anchorAt(o, 5)} }, func(es []Entry) []Entry { return es }, 0, "", true},
		{"rewritten before the anchor", func(o []Entry) []Anchor { return []Anchor{anchorAt(o, 5)} }, func(es []Entry) []Entry { return rewrite(es, 2) }, 5, "rewritten up to this entry", true},
		{"rewritten at the anchor", func(o []Entry) []Anchor { return []Anchor{anchorAt(o, 3)} }, func(es []Entry) []Entry { return rewrite(es, 2) }, 3, "rewritten up to this entry", true},
		{"rewritten after the anchor", func(o []Entry) []Anchor { return []Anchor{anchorAt(o, 3)} }, func(es []Entry) []Entry { return rewrite(es, 4) }, 0, "", true},
		{"cut short below the anchor", func(o []Entry) []Anchor { return []Anchor{anchorAt(o, 6)} }, func(es []Entry) []Entry { return es[:4] }, 6, "the log ends at entry 4", true},
		{"cut short above the anchor", func(o []Entry) []Anchor { return []Anchor{anchorAt(o, 4)} }, func(es []Entry) []Entry { return es[:4] }, 0, "", true},
		{"edited, not rehashed, anchored later", func(o []Entry) []Anchor { return []Anchor{anchorAt(o, 6)} }, func(es []Entry) []Entry { es[1].Detail = "x"; return es }, 2, "contents do not match", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			original := chain(6)
			anchors := tt.anchors(original)
			es := tt.mutate(chain(6))
			if plain := verify(es); (plain == nil) != tt.plainOK {
				t.Fatalf("the chain alone: %v; the case assumes it verifies: %v", plain, tt.plainOK)
			}
			v := NewVerifier(anchors)
			err := run(v, es)
			if tt.wantID == 0 {
				if err != nil {
					t.Fatalf("got %v, want intact", err)
				}
				if head := v.Head(); head.ID != int64(len(es)) || head.Hash != es[len(es)-1].Hash {
					t.Errorf("head = %v, want entry %d's", head, len(es))
				}
				return
			}
			var be *BrokenError
			if !errors.As(err, &be) || be.ID != tt.wantID || !strings.Contains(be.Reason, tt.reason) {
				t.Fatalf("got %v, want entry %d broken with %q", err, tt.wantID, tt.reason)
			}
		})
	}
}

func TestParseAnchor(t *testing.T) {
	hash := chain(1)[0].Hash
	good := map[string]string{"1:" + hash: "1:" + hash, " 42:" + hash + "\n": "42:" + hash, "7:" + strings.ToUpper(hash): "7:" + hash}
	for s, want := range good {
		a, err := ParseAnchor(s)
		if err != nil || a.Hash != hash || a.String() != want {
			t.Errorf("ParseAnchor(%q) = %v, %v", s, a, err)
		}
	}
	bad := map[string]string{
		"":                             "not an anchor: give the entry number",
		hash:                           "not an anchor: give the entry number",
		"0:" + hash:                    "entry number (1 or more)",
		"x:" + hash:                    "entry number (1 or more)",
		"-3:" + hash:                   "entry number (1 or more)",
		"7:" + hash[:63]:               "64 characters of 0-9 and a-f",
		"7:" + hash + "0":              "64 characters of 0-9 and a-f",
		"7:" + strings.Repeat("g", 64): "64 characters of 0-9 and a-f",
	}
	for s, want := range bad {
		if _, err := ParseAnchor(s); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseAnchor(%q) = %v, want an error saying %q", s, err, want)
		}
	}
}

// keyedHash is a keyed hash as the store makes one: an HMAC of "ID:HASH".
func keyedHash(key string) func(Anchor) string {
	return func(a Anchor) string {
		m := hmac.New(sha256.New, []byte(key))
		m.Write([]byte(a.String()))
		return hex.EncodeToString(m.Sum(nil))
	}
}

// keyedChain is n entries written two to a commit: every second entry, and
// the last, carries its keyed hash.
func keyedChain(n int) []Entry {
	es := chain(n)
	for i := range es {
		if i%2 == 1 || i == n-1 {
			es[i].MAC = keyedHash("deployment key")(Anchor{ID: es[i].ID, Hash: es[i].Hash})
		}
	}
	return es
}

func TestKeyedVerify(t *testing.T) {
	noMACs := func(from int) func([]Entry) []Entry {
		return func(es []Entry) []Entry {
			for i := from; i < len(es); i++ {
				es[i].MAC = ""
			}
			return es
		}
	}
	then := func(fs ...func([]Entry) []Entry) func([]Entry) []Entry {
		return func(es []Entry) []Entry {
			for _, f := range fs {
				es = f(es)
			}
			return es
		}
	}
	rewriteAt := func(i int) func([]Entry) []Entry { return func(es []Entry) []Entry { return rewrite(es, i) } }
	appended := func(es []Entry) []Entry {
		return append(es, Chain(&es[len(es)-1], Entry{At: es[0].At, Actor: "someone", Action: "family.view"}))
	}
	tests := []struct {
		name   string
		key    string
		mutate func([]Entry) []Entry
		wantID int64 // 0 = intact
		reason string
	}{
		{"intact", "deployment key", func(es []Entry) []Entry { return es }, 0, ""},
		{"empty", "deployment key", func([]Entry) []Entry { return nil }, 0, ""},
		{"cut short at a commit (anchors catch it)", "deployment key", func(es []Entry) []Entry { return es[:4] }, 0, ""},
		{"rewritten between keyed hashes", "deployment key", rewriteAt(2), 4, "one or more of entries 3 to 4 was rewritten"},
		{"rewritten at a keyed entry", "deployment key", rewriteAt(1), 2, "one or more of entries 1 to 2 was rewritten"},
		{"rewritten, every keyed hash removed", "deployment key", then(rewriteAt(0), noMACs(0)), 6, "carries no keyed hash: one or more of entries 1 to 6"},
		{"rewritten from entry 5, its keyed hashes removed", "deployment key", then(rewriteAt(4), noMACs(4)), 6, "one or more of entries 5 to 6 was added or rewritten"},
		{"an entry added without the key", "deployment key", appended, 7, "carries no keyed hash: entry 7 was added"},
		{"cut short between commits", "deployment key", func(es []Entry) []Entry { return es[:5] }, 5, "entry 5 was added or rewritten"},
		{"a keyed hash made up", "deployment key", func(es []Entry) []Entry { es[3].MAC = strings.Repeat("ab", 32); return es }, 4, "entries 3 to 4 was rewritten"},
		{"another deployment's key", "another key", func(es []Entry) []Entry { return es }, 2, "or the keys given are another deployment's"},
		{"a log from before keyed hashes", "deployment key", noMACs(0), 6, "one or more of entries 1 to 6"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			es := tt.mutate(keyedChain(6))
			if plain := verify(es); plain != nil {
				t.Fatalf("the chain alone: %v; every case is one it cannot catch", plain)
			}
			err := run(NewVerifier(nil).Keyed(keyedHash(tt.key)), es)
			if tt.wantID == 0 {
				if err != nil {
					t.Fatalf("got %v, want intact", err)
				}
				return
			}
			var be *BrokenError
			if !errors.As(err, &be) || be.ID != tt.wantID || !strings.Contains(be.Reason, tt.reason) {
				t.Fatalf("got %v, want entry %d broken with %q", err, tt.wantID, tt.reason)
			}
		})
	}
}
