// Package strictjson finds what encoding/json silently accepts in a
// configuration or definition file: an object that names a field twice
// (the decoder keeps the last value) and nesting deep enough to be an
// attack rather than a file. Names are compared as the decoder matches them,
// ignoring case. Broken JSON is left for the decoder to report.
package strictjson

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"unicode"
)

// MaxDepth bounds the nesting walked; real files nest three or four deep.
const MaxDepth = 32

// Kind is what was found.
type Kind int

const (
	Duplicate Kind = iota + 1 // a field named twice in one object
	TooDeep                   // nested beyond MaxDepth
)

// Problem names the field (a JSON path such as "items[2].max"; "" for the
// whole document) and what is wrong with it.
type Problem struct {
	Field string
	Kind  Kind
}

// Path is the problem's field path with an empty name written "", so that
// it always points somewhere: `vig.""` rather than "vig." or nothing.
func (p *Problem) Path() string {
	if p.Field == "" || strings.HasSuffix(p.Field, ".") {
		return p.Field + `""`
	}
	return p.Field
}

// Reason says what is wrong, in words to follow the field's path.
func (p *Problem) Reason() string {
	if p.Kind == Duplicate {
		return "is given more than once; keep one"
	}
	return "is nested too deeply"
}

// Check walks data and returns the first problem, or nil.
func Check(data []byte) *Problem {
	var p *Problem
	walk(json.NewDecoder(bytes.NewReader(data)), "", 0, &p)
	return p
}

// walk stops at the first problem (set in *found) or decoding error.
func walk(dec *json.Decoder, path string, depth int, found **Problem) bool {
	if depth > MaxDepth {
		*found = &Problem{Field: strings.TrimPrefix(path, "."), Kind: TooDeep}
		return false
	}
	tok, err := dec.Token()
	if err != nil {
		return false
	}
	switch tok {
	case json.Delim('{'):
		seen := map[string]bool{}
		for dec.More() {
			tok, err := dec.Token()
			if err != nil {
				return false
			}
			name, _ := tok.(string)
			field := strings.TrimPrefix(path+"."+name, ".")
			if seen[FoldName(name)] {
				*found = &Problem{Field: field, Kind: Duplicate}
				return false
			}
			seen[FoldName(name)] = true
			if !walk(dec, field, depth+1, found) {
				return false
			}
		}
		_, err = dec.Token()
	case json.Delim('['):
		for i := 0; dec.More(); i++ {
			if !walk(dec, fmt.Sprintf("%s[%d]", path, i), depth+1, found) {
				return false
			}
		}
		_, err = dec.Token()
	}
	return err == nil
}

// FoldName maps each rune to the smallest in its case-folding orbit, so two
// names fold equal exactly when encoding/json would match them to the same
// field ("End_Months", "end_months", and "ſ" for "s" alike).
func FoldName(s string) string {
	var b strings.Builder
	for _, r := range s {
		least := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			least = min(least, f)
		}
		b.WriteRune(least)
	}
	return b.String()
}
