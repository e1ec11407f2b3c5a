package web

import "strings"

// compactTemplate removes the indentation that the template source carries
// into every page: each run of whitespace that contains a newline becomes
// just its newlines (kept, so template errors still give the source's line
// numbers). It runs once, on the source at start-up, so pages are smaller at
// no cost per request.
//
// A page means the same afterwards: a run of whitespace still renders as
// whitespace, and runs without a newline (the space in "</a> <a>") are kept
// exactly. Left as they are: template actions, whole (their strings and
// comments are not page text), and <pre>, <textarea> and <script> elements,
// whose whitespace may matter.
func compactTemplate(src string) string {
	var b strings.Builder
	b.Grow(len(src))
	for i := 0; i < len(src); {
		switch c := src[i]; {
		case strings.HasPrefix(src[i:], "{{"):
			end := actionEnd(src, i)
			b.WriteString(src[i:end])
			i = end
		case c == '<' && verbatimTag(src[i:]) != "":
			end := elementEnd(src, i, verbatimTag(src[i:]))
			b.WriteString(src[i:end])
			i = end
		case isSpace(c):
			j := i
			for j < len(src) && isSpace(src[j]) {
				j++
			}
			if run := src[i:j]; strings.Contains(run, "\n") {
				b.WriteString(strings.Repeat("\n", strings.Count(run, "\n")))
			} else {
				b.WriteString(run)
			}
			i = j
		default:
			b.WriteByte(c)
			i++
		}
	}
	return b.String()
}

// isSpace reports whether c is HTML whitespace.
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
}

// verbatimTags are the elements whose content is kept byte for byte.
var verbatimTags = []string{"pre", "textarea", "script"}

// verbatimTag returns the name of the verbatim element whose start tag s
// begins with (any case), or "".
func verbatimTag(s string) string {
	for _, name := range verbatimTags {
		n := len(name) + 1
		if len(s) >= n && strings.EqualFold(s[1:n], name) && (len(s) == n || !isNameByte(s[n])) {
			return name
		}
	}
	return ""
}

func isNameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == ':'
}

// elementEnd returns the index just past the end tag of the element name
// starting at i, skipping template actions, or len(src) if it is not closed.
func elementEnd(src string, i int, name string) int {
	closing := "</" + name
	for i++; i < len(src); {
		switch {
		case strings.HasPrefix(src[i:], "{{"):
			i = actionEnd(src, i)
		case len(src)-i >= len(closing) && strings.EqualFold(src[i:i+len(closing)], closing):
			if j := strings.IndexByte(src[i:], '>'); j >= 0 {
				return i + j + 1
			}
			return len(src)
		default:
			i++
		}
	}
	return len(src)
}

// actionEnd returns the index just past the "}}" closing the action that
// starts at i, following text/template's lexer: a comment runs to "*/", and
// "}}" inside a quoted string, raw string or character does not close it.
// An unclosed action runs to the end (the parser will report it).
func actionEnd(src string, i int) int {
	i += 2
	if rest := strings.TrimLeft(strings.TrimPrefix(src[i:], "-"), " \t\r\n"); strings.HasPrefix(rest, "/*") {
		k := strings.Index(src[i:], "*/")
		if k < 0 {
			return len(src)
		}
		i += k + 2
	}
	for i < len(src) {
		switch src[i] {
		case '}':
			if strings.HasPrefix(src[i:], "}}") {
				return i + 2
			}
			i++
		case '"', '\'':
			q := src[i]
			for i++; i < len(src) && src[i] != q && src[i] != '\n'; i++ {
				if src[i] == '\\' {
					i++
				}
			}
			i++
		case '`':
			k := strings.IndexByte(src[i+1:], '`')
			if k < 0 {
				return len(src)
			}
			i += k + 2
		default:
			i++
		}
	}
	return len(src)
}
