package mail_test

import (
	"bytes"
	"io"
	"mime"
	"mime/quotedprintable"
	netmail "net/mail"
	"strings"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/mail"
)

var buildNow = time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)

func mustBuild(t *testing.T, from string, m mail.Message) []byte {
	t.Helper()
	b, err := mail.Build(from, m, buildNow)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	return b
}

func checkCRLF(t *testing.T, b []byte) {
	t.Helper()
	for i, line := range bytes.SplitAfter(b, []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		if !bytes.HasSuffix(line, []byte("\r\n")) || bytes.Count(line, []byte("\r")) != 1 {
			t.Fatalf("line %d not CRLF-terminated or has a stray CR: %q", i, line)
		}
		if len(line) > 1000 {
			t.Fatalf("line %d is %d octets", i, len(line))
		}
		for _, c := range line {
			if c >= 0x80 {
				t.Fatalf("line %d has a non-ASCII byte: %q", i, line)
			}
		}
	}
}

func TestBuildHeaders(t *testing.T) {
	b := mustBuild(t, "Cradle <noreply@cradle.example>", mail.Message{
		To:      "sam@example.org",
		Subject: "Your sign-in code",
		Text:    "Hello\nYour code is 123456.\n",
		Headers: map[string]string{
			"List-Unsubscribe":      "<https://cradle.example/unsubscribe?t=abc>",
			"List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
		},
	})
	checkCRLF(t, b)
	msg, err := netmail.ReadMessage(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("ReadMessage: %v", err)
	}
	h := msg.Header
	for name, want := range map[string]string{
		"From":                      `"Cradle" <noreply@cradle.example>`,
		"To":                        "sam@example.org",
		"Subject":                   "Your sign-in code",
		"Mime-Version":              "1.0",
		"Content-Type":              "text/plain; charset=utf-8",
		"Content-Transfer-Encoding": "quoted-printable",
		"Auto-Submitted":            "auto-generated",
		"List-Unsubscribe":          "<https://cradle.example/unsubscribe?t=abc>",
		"List-Unsubscribe-Post":     "List-Unsubscribe=One-Click",
	} {
		if got := h.Get(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	date, err := h.Date()
	if err != nil || !date.Equal(buildNow) {
		t.Errorf("Date = %v, %v; want %v", date, err, buildNow)
	}
	id := h.Get("Message-Id")
	if !strings.HasPrefix(id, "<") || !strings.HasSuffix(id, "@cradle.example>") || len(id) < 20 {
		t.Errorf("Message-ID = %q", id)
	}
	if b2 := mustBuild(t, "noreply@cradle.example", mail.Message{To: "sam@example.org"}); bytes.Contains(b2, []byte(id)) {
		t.Error("Message-ID repeated across messages")
	}
	body, _ := io.ReadAll(msg.Body)
	if string(body) != "Hello\r\nYour code is 123456.\r\n" {
		t.Errorf("body = %q", body)
	}
}

func TestBuildEncodedSubject(t *testing.T) {
	subjects := []string{
		"Rendez-vous confirmé ✓",
		strings.Repeat("Zoë’s visit — ", 20) + "end", // long enough to need folding
		strings.Repeat("word ", 60) + "end",          // long ASCII, folded at spaces
	}
	for _, subject := range subjects {
		b := mustBuild(t, "noreply@cradle.example", mail.Message{To: "a@example.org", Subject: subject})
		checkCRLF(t, b)
		msg, err := netmail.ReadMessage(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("ReadMessage: %v", err)
		}
		raw := msg.Header.Get("Subject")
		if !isASCII(subject) && !strings.HasPrefix(raw, "=?utf-8?q?") {
			t.Errorf("subject not RFC 2047 encoded: %q", raw)
		}
		got, err := new(mime.WordDecoder).DecodeHeader(raw)
		if err != nil || got != subject {
			t.Errorf("decoded subject = %q, %v; want %q", got, err, subject)
		}
	}
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func TestBuildQuotedPrintableBody(t *testing.T) {
	text := "Café at 10:00 — bring the form.\r\n" +
		".a line starting with a dot\n" +
		"trailing space \n" +
		"a=b\r" + // lone CR is a line break too
		strings.Repeat("long line ", 30) + "\n" +
		"no final newline"
	b := mustBuild(t, "noreply@cradle.example", mail.Message{To: "a@example.org", Subject: "x", Text: text})
	checkCRLF(t, b)
	_, rawBody, _ := bytes.Cut(b, []byte("\r\n\r\n"))
	for _, want := range []string{"Caf=C3=A9", "=E2=80=94", "a=3Db", "trailing space=20\r\n"} {
		if !bytes.Contains(rawBody, []byte(want)) {
			t.Errorf("raw body lacks %q:\n%s", want, rawBody)
		}
	}
	for _, line := range strings.Split(string(rawBody), "\r\n") {
		if len(line) > 76 {
			t.Errorf("QP line longer than 76: %q", line)
		}
	}
	decoded, err := io.ReadAll(quotedprintable.NewReader(bytes.NewReader(rawBody)))
	if err != nil {
		t.Fatal(err)
	}
	want := strings.NewReplacer("\r\n", "\r\n", "\r", "\r\n", "\n", "\r\n").Replace(text) + "\r\n"
	if string(decoded) != want {
		t.Errorf("decoded body =\n%q\nwant\n%q", decoded, want)
	}
}

func TestBuildRejects(t *testing.T) {
	ok := mail.Message{To: "a@example.org", Subject: "hi", Text: "x"}
	with := func(f func(*mail.Message)) mail.Message {
		m := ok
		m.Headers = map[string]string{}
		f(&m)
		return m
	}
	cases := map[string]struct {
		from string
		m    mail.Message
	}{
		"CR in header value": {"noreply@x.example", with(func(m *mail.Message) { m.Headers["X-A"] = "a\rBcc: evil@x.example" })},
		"LF in header value": {"noreply@x.example", with(func(m *mail.Message) { m.Headers["X-A"] = "a\nBcc: evil@x.example" })},
		"LF in header name":  {"noreply@x.example", with(func(m *mail.Message) { m.Headers["X-A\nBcc"] = "a" })},
		"CR in header name":  {"noreply@x.example", with(func(m *mail.Message) { m.Headers["X-A\r"] = "a" })},
		"colon in name":      {"noreply@x.example", with(func(m *mail.Message) { m.Headers["X-A: b"] = "a" })},
		"space in name":      {"noreply@x.example", with(func(m *mail.Message) { m.Headers["X A"] = "a" })},
		"reserved header":    {"noreply@x.example", with(func(m *mail.Message) { m.Headers["content-type"] = "text/html" })},
		"bcc header":         {"noreply@x.example", with(func(m *mail.Message) { m.Headers["Bcc"] = "b@x.example" })},
		"non-ASCII value":    {"noreply@x.example", with(func(m *mail.Message) { m.Headers["X-A"] = "é" })},
		"LF in subject":      {"noreply@x.example", with(func(m *mail.Message) { m.Subject = "hi\nBcc: evil@x.example" })},
		"CRLF in To":         {"noreply@x.example", with(func(m *mail.Message) { m.To = "a@example.org\r\nBcc: evil@x.example" })},
		"display name in To": {"noreply@x.example", with(func(m *mail.Message) { m.To = "Sam <a@example.org>" })},
		"bad From":           {"not an address", ok},
		"LF in From":         {"noreply@x.example\nBcc: evil@x.example", ok},
	}
	for name, c := range cases {
		if b, err := mail.Build(c.from, c.m, buildNow); err == nil {
			t.Errorf("%s: Build succeeded:\n%s", name, b)
		}
	}
}

func TestValidAddress(t *testing.T) {
	for _, s := range []string{"a@example.org", "first.last+tag@sub.example.co.uk", "x@localhost"} {
		if !mail.ValidAddress(s) {
			t.Errorf("ValidAddress(%q) = false", s)
		}
	}
	for _, s := range []string{
		"", "a", "@example.org", "a@", "a b@example.org", "<a@example.org>", "Sam <a@example.org>",
		"a@example.org\r\n", "a@example.org\nBcc: b@example.org", "a@example.org, b@example.org",
		" a@example.org", "zoë@example.org", strings.Repeat("a", 250) + "@x.org",
	} {
		if mail.ValidAddress(s) {
			t.Errorf("ValidAddress(%q) = true", s)
		}
	}
}

func TestConfigValidate(t *testing.T) {
	good := mail.Config{Host: "smtp.example.org", From: "noreply@example.org"}
	if err := good.Validate(); err != nil {
		t.Fatalf("minimal config: %v", err)
	}
	local := mail.Config{Host: "localhost", TLS: mail.TLSNone, Username: "u", Password: "p", From: "noreply@example.org"}
	if err := local.Validate(); err != nil {
		t.Errorf("plain AUTH to localhost: %v", err)
	}
	cases := []struct {
		mutate  func(*mail.Config)
		mention string
	}{
		{func(c *mail.Config) { c.Host = "" }, "Host"},
		{func(c *mail.Config) { c.Host = "smtp.example.org:587" }, "Host"},
		{func(c *mail.Config) { c.Port = 70000 }, "Port"},
		{func(c *mail.Config) { c.TLS = "ssl" }, "TLS"},
		{func(c *mail.Config) { c.From = "" }, "From"},
		{func(c *mail.Config) { c.From = "nope" }, "From"},
		{func(c *mail.Config) { c.Password = "p" }, "Password"},
		{func(c *mail.Config) { c.TLS, c.Username, c.Password = mail.TLSNone, "u", "p" }, "plain text"},
		{func(c *mail.Config) { c.Timeout = -time.Second }, "Timeout"},
	}
	for _, tc := range cases {
		c := good
		tc.mutate(&c)
		err := c.Validate()
		if err == nil || !strings.Contains(err.Error(), tc.mention) {
			t.Errorf("Validate(%+v) = %v, want an error mentioning %q", c, err, tc.mention)
		}
		if _, err := mail.NewSMTPSender(c); err == nil {
			t.Errorf("NewSMTPSender(%+v) succeeded", c)
		}
	}
}
