package measure

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"github.com/cradle-org/cradle/internal/problem"
)

// File is one of an organisation's definition files: its name, used only in
// messages, and its content.
type File struct {
	Name string
	Data []byte
}

// Overlay returns the built-in instruments, sorted by key, with each file's
// definition in place of the built-in instrument of the same key: an
// organisation's copy that adds item wording it is licensed to use, or
// changes other words (labels, stem, instructions, copyright line).
//
// Only the words may change. A file is refused if it does not load (Load),
// if its key is not a built-in instrument's, if it does not score exactly
// like the built-in one (SameScoring), or if another file has the same key.
// New instruments are not added: the programme timeline, the reports and
// the research extract know instruments by their built-in keys, and a
// scoring rule nobody here has checked would be compared with results
// scored by the checked one. The error is a *problem.Error that names the
// file and the difference.
func Overlay(files []File) ([]Instrument, error) {
	out := Builtin()
	from := map[string]string{} // key → the file that replaced it
	for _, f := range files {
		in, err := Load(bytes.NewReader(f.Data))
		if err != nil {
			return nil, inFile(f.Name, err)
		}
		i := slices.IndexFunc(out, func(b Instrument) bool { return b.Key == in.Key })
		if i < 0 {
			return nil, inFile(f.Name, invalid("key", fmt.Sprintf("%q is not a built-in instrument, and a definition file can only give the wording of one: use one of %s", in.Key, strings.Join(builtinKeys(), ", "))))
		}
		if other, dup := from[in.Key]; dup {
			return nil, inFile(f.Name, invalid("key", fmt.Sprintf("%s also defines %q; keep one file for each instrument", other, in.Key)))
		}
		if err := in.SameScoring(out[i]); err != nil {
			return nil, inFile(f.Name, err)
		}
		from[in.Key] = f.Name
		out[i] = in
	}
	return out, nil
}

// inFile names the file in a definition problem's message.
func inFile(name string, err error) error {
	p := problem.As(err)
	if p == nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	q := *p
	q.Message = "The instrument definition " + name + " was refused"
	q.Fields = slices.Clone(p.Fields)
	return &q
}

func builtinKeys() []string {
	var keys []string
	for _, in := range builtin() {
		keys = append(keys, in.Key)
	}
	return keys
}
