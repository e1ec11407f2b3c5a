// Package mail builds and sends Cradle's outgoing email. Nothing is sent
// inline in a request: handlers queue a row in the outbox in the same
// transaction as the change, and a Worker drains it through a Sender, so a
// mail-server outage delays mail but loses none.
//
// Messages are plain text only, UTF-8, quoted-printable encoded so that every
// line is 7-bit and short whatever the server supports.
package mail

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"mime"
	"mime/quotedprintable"
	netmail "net/mail"
	"slices"
	"strings"
	"time"
)

// Message is one email to one recipient.
type Message struct {
	To      string            // one plain address, see ValidAddress
	Subject string            // UTF-8; RFC 2047 encoded when not ASCII
	Text    string            // plain-text body (UTF-8); there is no HTML mail
	Headers map[string]string // extra headers, e.g. "List-Unsubscribe"
}

// maxLine is RFC 5322's limit on a line, excluding CRLF.
const maxLine = 998

// foldAt is the recommended line length that folding aims for.
const foldAt = 78

// reserved reports whether Build sets the header itself (or, for Cc and Bcc,
// whether it would add recipients the envelope doesn't know about). Letting
// callers repeat them would give a message two From or Content-Type headers,
// which receivers resolve differently.
func reserved(name string) bool {
	switch strings.ToLower(name) {
	case "auto-submitted", "content-transfer-encoding", "content-type", "date",
		"from", "message-id", "mime-version", "subject", "to", "cc", "bcc":
		return true
	}
	return false
}

// Build renders m as a complete RFC 5322 message with CRLF line endings,
// ready for SMTP DATA. from is a plain address or "Name <address>"; the
// Message-ID is random and uses from's domain.
func Build(from string, m Message, now time.Time) ([]byte, error) {
	fromAddr, err := parseFrom(from)
	if err != nil {
		return nil, err
	}
	if !ValidAddress(m.To) {
		// The address is personal data, so it is not echoed in the error.
		return nil, fmt.Errorf("mail: invalid recipient address")
	}
	if strings.ContainsAny(m.Subject, "\r\n") {
		return nil, fmt.Errorf("mail: subject contains a line break")
	}

	var b bytes.Buffer
	hdr := func(name, value string) error {
		return writeHeader(&b, name, value)
	}
	domain := fromAddr.Address[strings.LastIndexByte(fromAddr.Address, '@')+1:]
	std := [][2]string{
		{"From", fromAddr.String()},
		{"To", m.To},
		{"Subject", mime.QEncoding.Encode("utf-8", strings.ToValidUTF8(m.Subject, "\uFFFD"))},
		{"Date", now.Format(time.RFC1123Z)},
		{"Message-ID", "<" + strings.ToLower(rand.Text()) + "@" + domain + ">"},
		{"MIME-Version", "1.0"},
		{"Content-Type", "text/plain; charset=utf-8"},
		{"Content-Transfer-Encoding", "quoted-printable"},
		// RFC 3834: tells auto-responders not to reply to system mail.
		{"Auto-Submitted", "auto-generated"},
	}
	for _, h := range std {
		if err := hdr(h[0], h[1]); err != nil {
			return nil, err
		}
	}

	// Sorted so the same Message always renders the same headers.
	names := make([]string, 0, len(m.Headers))
	for name := range m.Headers {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		value := m.Headers[name]
		if err := checkExtraHeader(name, value); err != nil {
			return nil, err
		}
		if err := hdr(name, value); err != nil {
			return nil, err
		}
	}
	b.WriteString("\r\n")

	// The quoted-printable writer turns \n, \r and \r\n into CRLF and keeps
	// every line within 76 characters.
	text := strings.ToValidUTF8(m.Text, "\uFFFD")
	if !strings.HasSuffix(text, "\n") {
		text += "\n"
	}
	qp := quotedprintable.NewWriter(&b)
	if _, err := qp.Write([]byte(text)); err != nil {
		return nil, fmt.Errorf("mail: encode body: %w", err)
	}
	if err := qp.Close(); err != nil {
		return nil, fmt.Errorf("mail: encode body: %w", err)
	}
	return b.Bytes(), nil
}

// ValidAddress reports whether s is a single plain address such as
// "a.person@example.org": no display name, no angle brackets, no line breaks.
// It accepts ASCII only because the sender does not use SMTPUTF8.
func ValidAddress(s string) bool {
	if s == "" || len(s) > 254 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] >= 0x7f {
			return false
		}
	}
	a, err := netmail.ParseAddress(s)
	return err == nil && a.Name == "" && a.Address == s
}

// parseFrom accepts "addr" or "Name <addr>", requiring addr to be plain ASCII.
func parseFrom(from string) (*netmail.Address, error) {
	if strings.ContainsAny(from, "\r\n") {
		return nil, fmt.Errorf("mail: From address contains a line break")
	}
	a, err := netmail.ParseAddress(from)
	if err != nil {
		return nil, fmt.Errorf("mail: From address %q: %w", from, err)
	}
	if !ValidAddress(a.Address) {
		return nil, fmt.Errorf("mail: From address %q is not a plain ASCII address", from)
	}
	return a, nil
}

// checkExtraHeader rejects anything that could inject headers or break the
// message: field names must be printable ASCII without ':' (RFC 5322 §2.2)
// and values printable ASCII, since structured headers must not be encoded.
func checkExtraHeader(name, value string) error {
	if name == "" {
		return fmt.Errorf("mail: empty header name")
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; c < 33 || c > 126 || c == ':' {
			return fmt.Errorf("mail: header name %q contains a forbidden character", name)
		}
	}
	if reserved(name) {
		return fmt.Errorf("mail: header %q is set by Build and cannot be overridden", name)
	}
	if strings.ContainsAny(value, "\r\n") {
		return fmt.Errorf("mail: header %q value contains a line break", name)
	}
	for i := 0; i < len(value); i++ {
		if c := value[i]; (c < 32 && c != '\t') || c > 126 {
			return fmt.Errorf("mail: header %q value contains a non-printable or non-ASCII character", name)
		}
	}
	return nil
}

// writeHeader writes "Name: value" folded at spaces so lines stay near 78
// characters. Folding only inserts CRLF before existing whitespace, which
// unfolding removes again, so the value is unchanged (RFC 5322 §2.2.3).
func writeHeader(b *bytes.Buffer, name, value string) error {
	line := name + ": " + value
	minCut := len(name) + 2 // never leave "Name:" alone on the first line
	for len(line) > 0 {
		cut := len(line)
		if cut > foldAt {
			// The last space within the limit, else the first one after it.
			cut = strings.LastIndexAny(line[:foldAt+1], " \t")
			if cut < minCut {
				cut = -1
				if i := strings.IndexAny(line[minCut:], " \t"); i >= 0 {
					cut = minCut + i
				}
			}
			// A continuation line may not be only whitespace (RFC 5322 §3.2.2).
			if cut < 0 || strings.TrimLeft(line[cut:], " \t") == "" {
				cut = len(line)
			}
		}
		if cut > maxLine {
			return fmt.Errorf("mail: header %q has a word longer than %d characters", name, maxLine)
		}
		b.WriteString(line[:cut])
		b.WriteString("\r\n")
		line = line[cut:]
		minCut = 1
	}
	return nil
}
