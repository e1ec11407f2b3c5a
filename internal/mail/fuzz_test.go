package mail_test

import (
	"bytes"
	"fmt"
	"io"
	"mime"
	"mime/quotedprintable"
	netmail "net/mail"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/cradle-org/cradle/internal/mail"
)

// FuzzBuild builds messages from arbitrary addresses, subjects, bodies and
// an extra header. A refusal never echoes the recipient; a built message
// has CRLF lines within RFC 5322's limit, parses with net/mail, has each
// header once, and decodes back to the subject and text it was given.
func FuzzBuild(f *testing.F) {
	for _, s := range [][6]string{
		{"Cradle <cradle@example.org>", "jo@example.org", "Referral received: REF-2026-000001", "Hello\nThanks.", "List-Unsubscribe", "<https://example.org/u>"},
		{"cradle@example.org", "a@b.c", "Zoë’s referral — update", strings.Repeat("word ", 400), "X-Tag", strings.Repeat("v ", 60)},
		{"cradle@example.org", "a@b.c", strings.Repeat("x", 1200), "line\r\nbreaks\rand\n", "X-Long", strings.Repeat("y", 1000)},
		{"cradle@example.org", "a@b.c\r\nBcc: evil@example.org", "s", "t", "Bcc", "evil@example.org"},
		{"cradle@example.org", "a@b.c", "s\r\nBcc: evil@example.org", "t", "X-A", "v\r\nBcc: evil@example.org"},
		{"Evil\r\n <cradle@example.org>", "zoë@example.org", "\xff\xfe", "\xff", "X:A", "é"},
		{"", "", "", "", "", ""},
	} {
		f.Add(s[0], s[1], s[2], s[3], s[4], s[5])
	}
	f.Fuzz(func(t *testing.T, from, to, subject, text, hname, hvalue string) {
		m := mail.Message{To: to, Subject: subject, Text: text}
		if hname != "" {
			m.Headers = map[string]string{hname: hvalue}
		}
		b, err := mail.Build(from, m, buildNow)
		if err != nil {
			if err.Error() == "" || b != nil {
				t.Fatalf("refused with %q but returned %d bytes", err, len(b))
			}
			// The error may quote the sender or the header as given, and a
			// quoted byte (\x10) can spell the recipient's text: only an echo
			// found in none of them is the recipient's.
			echoed := fmt.Sprintf("%s%q%s%q%s%q", from, from, hname, hname, hvalue, hvalue)
			if len(to) >= 8 && !strings.Contains(echoed, to) && strings.Contains(err.Error(), to) {
				t.Fatalf("error %q echoes the recipient", err)
			}
			return
		}
		if !mail.ValidAddress(to) {
			t.Fatalf("built a message to %q, which ValidAddress refuses", to)
		}
		for i, line := range bytes.SplitAfter(b, []byte("\r\n")) {
			body := bytes.TrimSuffix(line, []byte("\r\n"))
			if len(line) == 0 {
				continue
			}
			if !bytes.HasSuffix(line, []byte("\r\n")) || bytes.ContainsAny(body, "\r\n") || len(body) > 998 {
				t.Fatalf("line %d is not a CRLF line of at most 998 characters: %q", i, line)
			}
			if !utf8.Valid(line) || bytes.IndexFunc(line, func(r rune) bool { return r > 127 }) >= 0 {
				t.Fatalf("line %d is not 7-bit: %q", i, line)
			}
		}
		msg, err := netmail.ReadMessage(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("built message does not parse: %v\n%s", err, b)
		}
		want := 9 + len(m.Headers)
		if len(msg.Header) != want {
			t.Fatalf("%d headers, want %d:\n%s", len(msg.Header), want, b)
		}
		for name, vs := range msg.Header {
			if len(vs) != 1 {
				t.Fatalf("header %s given %d times", name, len(vs))
			}
		}
		if got := msg.Header.Get("To"); got != to {
			t.Fatalf("To is %q, want %q", got, to)
		}
		for name, value := range m.Headers {
			if got := msg.Header.Get(name); strings.Join(strings.Fields(got), " ") != strings.Join(strings.Fields(value), " ") {
				t.Fatalf("%s is %q, want %q", name, got, value)
			}
		}
		// An ASCII subject holding "=?" is sent as it is, and a reader
		// would decode it as an encoded word; Cradle's subjects never do.
		if !strings.Contains(subject, "=?") {
			got, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
			if want := strings.ToValidUTF8(subject, "\uFFFD"); err != nil || strings.Join(strings.Fields(got), " ") != strings.Join(strings.Fields(want), " ") {
				t.Fatalf("Subject decodes to %q, %v; want %q", got, err, want)
			}
		}
		body, err := io.ReadAll(quotedprintable.NewReader(msg.Body))
		if err != nil {
			t.Fatalf("body: %v", err)
		}
		lf := strings.NewReplacer("\r\n", "\n", "\r", "\n")
		want2 := lf.Replace(strings.ToValidUTF8(text, "\uFFFD"))
		if !strings.HasSuffix(want2, "\n") {
			want2 += "\n"
		}
		if got := lf.Replace(string(body)); got != want2 {
			t.Fatalf("body decodes to %q, want %q", got, want2)
		}
	})
}

// FuzzValidAddress checks that an accepted address is plain printable
// ASCII that net/mail reads back unchanged, and that a message can be
// built to it.
func FuzzValidAddress(f *testing.F) {
	for _, s := range []string{"a.person@example.org", "Jo <jo@example.org>", "zoë@example.org", `"a b"@example.org`, "a@b", "@", "a@[127.0.0.1]", "a@b.c\r\n", strings.Repeat("a", 250) + "@b.c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !mail.ValidAddress(s) {
			return
		}
		if len(s) > 254 || strings.IndexFunc(s, func(r rune) bool { return r <= ' ' || r >= 0x7f }) >= 0 {
			t.Fatalf("accepted %q", s)
		}
		a, err := netmail.ParseAddress(s)
		if err != nil || a.Name != "" || a.Address != s {
			t.Fatalf("ParseAddress(%q) = %v, %v", s, a, err)
		}
		if _, err := mail.Build("cradle@example.org", mail.Message{To: s, Subject: "s", Text: "t"}, buildNow); err != nil {
			t.Fatalf("cannot build a message to %q: %v", s, err)
		}
	})
}
