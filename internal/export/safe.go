package export

import (
	"errors"
	"strings"
)

// ErrNoTables is returned when a spreadsheet export is given no tables:
// a file with nothing in it is more likely a bug than a request.
var ErrNoTables = errors.New("export: no tables to write")

// SafeText guards a text cell against formula injection (OWASP CSV
// injection): if its first character would make Excel, LibreOffice or Google
// Sheets treat the cell as a formula — = + - @, a tab or a carriage return,
// or the full-width ＝ ＋ － ＠ that some spreadsheets normalise — it is
// prefixed with a single quote, which spreadsheets show as text.
//
// Only text goes through SafeText. Numbers are written as numbers, so a
// negative figure such as -1.5 is never prefixed.
func SafeText(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	for _, p := range []string{"＝", "＋", "－", "＠"} {
		if strings.HasPrefix(s, p) {
			return "'" + s
		}
	}
	return s
}
