package strictjson

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// FuzzFoldName checks FoldName against the definition encoding/json gives
// its own name matching: two names match exactly when bytes.EqualFold says
// so. Folding is also idempotent.
func FuzzFoldName(f *testing.F) {
	for _, s := range [][2]string{
		{"End_Months", "end_months"}, {"K", "\u212a"}, {"s", "ſ"}, {"ß", "ẞ"}, {"Σ", "ς"},
		{"a", "b"}, {"\xff", "\xfe"}, {"\xff", "\ufffd"}, {"İ", "i"}, {"", ""},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		if got, want := FoldName(a) == FoldName(b), bytes.EqualFold([]byte(a), []byte(b)); got != want {
			t.Fatalf("FoldName(%q) == FoldName(%q) is %v, but EqualFold is %v", a, b, got, want)
		}
		if FoldName(FoldName(a)) != FoldName(a) {
			t.Fatalf("FoldName(%q) is not idempotent", a)
		}
	})
}

// FuzzCheck compares Check with a plainer oracle (every earlier name of an
// object compared with bytes.EqualFold, depth counted the same way), so the
// first problem, its kind and its path must agree on any input, and
// re-indenting valid JSON must not change the answer.
func FuzzCheck(f *testing.F) {
	deep := strings.Repeat("[", MaxDepth+2) + strings.Repeat("]", MaxDepth+2)
	for _, s := range []string{
		`{"a":1,"b":{"c":[1,{"d":2}]}}`, `{"a":1,"A":2}`, `{"items":[{"max":1},{"max":2,"Max":3}]}`,
		`{"s":1,"ſ":2}`, `{"a":{"x":1},"b":{"x":2}}`, deep, `{"a":`, `{"":1,"":2}`, `{"a":{"":{"":1,"":2}}}`,
		`[1,2,{"k":"v","K":"w"}]`, `"just a string"`, ``, `{"a":1}{"a":1,"a":2}`, `{"\u212a":1,"k":2}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got := Check(data)
		want := oracle(data)
		if !same(got, want) {
			t.Fatalf("Check(%q) = %+v, oracle %+v", data, got, want)
		}
		if got != nil && (got.Kind != Duplicate && got.Kind != TooDeep || got.Path() == "" || got.Reason() == "") {
			t.Fatalf("Check(%q) = %+v: unusable problem", data, got)
		}
		if json.Valid(data) {
			var buf bytes.Buffer
			if err := json.Indent(&buf, data, "", "\t"); err != nil {
				t.Fatal(err)
			}
			if again := Check(buf.Bytes()); !same(again, got) {
				t.Fatalf("re-indented, Check(%q) = %+v, not %+v", data, again, got)
			}
		}
	})
}

func same(a, b *Problem) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

// oracle finds the first repeated name or too-deep value the slow way.
func oracle(data []byte) *Problem {
	dec := json.NewDecoder(bytes.NewReader(data))
	var found *Problem
	var walk func(path string, depth int) bool
	walk = func(path string, depth int) bool {
		if depth > MaxDepth {
			found = &Problem{Field: strings.TrimPrefix(path, "."), Kind: TooDeep}
			return false
		}
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		switch tok {
		case json.Delim('{'):
			var names []string
			for dec.More() {
				tok, err := dec.Token()
				if err != nil {
					return false
				}
				name, _ := tok.(string)
				field := strings.TrimPrefix(path+"."+name, ".")
				for _, earlier := range names {
					if bytes.EqualFold([]byte(earlier), []byte(name)) {
						found = &Problem{Field: field, Kind: Duplicate}
						return false
					}
				}
				names = append(names, name)
				if !walk(field, depth+1) {
					return false
				}
			}
			_, err = dec.Token()
		case json.Delim('['):
			for i := 0; dec.More(); i++ {
				if !walk(fmt.Sprintf("%s[%d]", path, i), depth+1) {
					return false
				}
			}
			_, err = dec.Token()
		}
		return err == nil
	}
	walk("", 0)
	return found
}
