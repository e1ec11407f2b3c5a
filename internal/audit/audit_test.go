package audit

import (
	"context"
	"errors"
	"testing"
	"time"
)

func chain(n int) []Entry {
	var out []Entry
	var prev *Entry
	for i := 0; i < n; i++ {
		e := Chain(prev, Entry{
			At:     time.Date(2026, 11, 23, 9, 0, i, 123456789, time.UTC),
			Actor:  "a@example.org",
			Action: "family.view", RecordType: "family", RecordID: int64(i), FamilyID: 7,
		})
		out = append(out, e)
		prev = &out[len(out)-1]
	}
	return out
}

func verify(entries []Entry) error {
	var v Verifier
	for _, e := range entries {
		if err := v.Next(e); err != nil {
			return err
		}
	}
	return nil
}

func TestVerify(t *testing.T) {
	tests := []struct {
		name   string
		mutate func([]Entry) []Entry
		wantID int64 // 0 = intact
	}{
		{"intact", func(es []Entry) []Entry { return es }, 0},
		{"edited detail", func(es []Entry) []Entry { es[2].Detail = "x"; return es }, 3},
		{"edited time", func(es []Entry) []Entry { es[1].At = es[1].At.Add(time.Second); return es }, 2},
		{"edited and rehashed", func(es []Entry) []Entry {
			es[1].Action = "family.edit"
			es[1].Hash = ComputeHash(es[1])
			return es
		}, 3},
		{"deleted middle", func(es []Entry) []Entry { return append(es[:2], es[3:]...) }, 4},
		{"deleted first", func(es []Entry) []Entry { return es[1:] }, 2},
		{"reordered", func(es []Entry) []Entry { es[1], es[2] = es[2], es[1]; return es }, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := verify(tt.mutate(chain(5)))
			if tt.wantID == 0 {
				if err != nil {
					t.Fatalf("got %v, want intact", err)
				}
				return
			}
			var be *BrokenError
			if !errors.As(err, &be) {
				t.Fatalf("got %v, want a BrokenError", err)
			}
			if be.ID != tt.wantID {
				t.Errorf("first broken entry = %d, want %d (%v)", be.ID, tt.wantID, err)
			}
		})
	}
}

func TestHashCoversEveryField(t *testing.T) {
	base := chain(1)[0]
	mods := map[string]func(*Entry){
		"ActorID":    func(e *Entry) { e.ActorID = 9 },
		"Actor":      func(e *Entry) { e.Actor = "b" },
		"Action":     func(e *Entry) { e.Action = "b" },
		"RecordType": func(e *Entry) { e.RecordType = "b" },
		"RecordID":   func(e *Entry) { e.RecordID = 99 },
		"FamilyID":   func(e *Entry) { e.FamilyID = 99 },
		"IP":         func(e *Entry) { e.IP = "b" },
		"RequestID":  func(e *Entry) { e.RequestID = "b" },
		"Detail":     func(e *Entry) { e.Detail = "b" },
		"PrevHash":   func(e *Entry) { e.PrevHash = "b" },
		"ID":         func(e *Entry) { e.ID = 2 },
		"At":         func(e *Entry) { e.At = e.At.Add(time.Microsecond) },
	}
	for name, mod := range mods {
		e := base
		mod(&e)
		if ComputeHash(e) == base.Hash {
			t.Errorf("changing %s did not change the hash", name)
		}
	}
	// Field boundaries matter: moving a character between fields changes the hash.
	a, b := base, base
	a.Actor, a.Action = "ab", "c"
	b.Actor, b.Action = "a", "bc"
	if ComputeHash(a) == ComputeHash(b) {
		t.Error("length prefixes do not separate fields")
	}
}

func TestSource(t *testing.T) {
	if got := SourceFrom(context.Background()); got.Actor != "system" {
		t.Errorf("default source = %+v, want system", got)
	}
	ctx := WithSource(context.Background(), Source{ActorID: 3, Actor: "x@example.org", IP: "127.0.0.1"})
	if got := SourceFrom(ctx); got.ActorID != 3 || got.IP != "127.0.0.1" {
		t.Errorf("got %+v", got)
	}
}
