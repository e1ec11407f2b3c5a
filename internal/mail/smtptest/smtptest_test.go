package smtptest_test

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/smtp"
	"net/textproto"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/mail/smtptest"
)

// dial opens a raw protocol connection and reads the greeting.
func dial(t *testing.T, s *smtptest.Server) *textproto.Conn {
	t.Helper()
	c, err := textproto.Dial("tcp", s.Addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() }) // #nosec G104 -- the test is over; the server may already have closed it
	expect(t, c, 220)
	return c
}

func expect(t *testing.T, c *textproto.Conn, code int) string {
	t.Helper()
	_, msg, err := c.ReadResponse(code)
	if err != nil {
		t.Fatalf("want %d: %v", code, err)
	}
	return msg
}

func cmd(t *testing.T, c *textproto.Conn, code int, format string, args ...any) string {
	t.Helper()
	if err := c.PrintfLine(format, args...); err != nil {
		t.Fatal(err)
	}
	return expect(t, c, code)
}

func TestProtocol(t *testing.T) {
	s := smtptest.Start(t)
	if s.Host() != "127.0.0.1" || s.Port() == 0 {
		t.Fatalf("Host, Port = %q, %d", s.Host(), s.Port())
	}
	c := dial(t, s)
	cmd(t, c, 503, "MAIL FROM:<a@x.example>") // EHLO first
	ext := cmd(t, c, 250, "EHLO client.example")
	for _, want := range []string{"8BITMIME", "SIZE ", "AUTH PLAIN"} {
		if !strings.Contains(ext, want) {
			t.Errorf("EHLO lacks %q: %q", want, ext)
		}
	}
	if strings.Contains(ext, "STARTTLS") {
		t.Error("STARTTLS advertised without a certificate")
	}
	cmd(t, c, 502, "STARTTLS")
	cmd(t, c, 502, "VRFY someone")
	cmd(t, c, 250, "NOOP")
	cmd(t, c, 503, "DATA") // no recipients
	cmd(t, c, 334, "AUTH PLAIN")
	cmd(t, c, 235, "%s", base64.StdEncoding.EncodeToString([]byte("\x00user\x00pw")))
	cmd(t, c, 250, "MAIL FROM:<a@x.example> BODY=8BITMIME")
	cmd(t, c, 250, "RCPT TO:<b@x.example>")
	cmd(t, c, 250, "RSET") // abandons the transaction
	cmd(t, c, 503, "RCPT TO:<b@x.example>")
	cmd(t, c, 250, "MAIL FROM:<a@x.example>")
	cmd(t, c, 250, "RCPT TO:<b@x.example>")
	cmd(t, c, 250, "RCPT TO:<c@x.example>")
	cmd(t, c, 354, "DATA")
	// Written raw to control dot-stuffing exactly.
	raw := "Subject: hi\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n" +
		"..leading dot\r\n" + "..\r\n" + "caf=C3=A9 soft=\r\nbreak\r\n" + ".\r\n"
	if _, err := c.W.WriteString(raw); err != nil || c.W.Flush() != nil {
		t.Fatal(err)
	}
	expect(t, c, 250)
	cmd(t, c, 221, "QUIT")

	m := s.WaitFor(t, 1, 5*time.Second)[0]
	if m.From != "a@x.example" || strings.Join(m.To, ",") != "b@x.example,c@x.example" {
		t.Errorf("envelope %q → %q", m.From, m.To)
	}
	if want := "Subject: hi\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n.leading dot\r\n.\r\ncaf=C3=A9 soft=\r\nbreak\r\n"; string(m.Data) != want {
		t.Errorf("Data = %q, want %q", m.Data, want)
	}
	if m.Header.Get("Subject") != "hi" || m.Body != ".leading dot\n.\ncafé softbreak\n" {
		t.Errorf("Subject %q, Body %q", m.Header.Get("Subject"), m.Body)
	}
	if m.Auth.Username != "user" || m.Auth.Password != "pw" || m.TLS {
		t.Errorf("Auth %+v, TLS %v", m.Auth, m.TLS)
	}
}

func TestLimits(t *testing.T) {
	s := smtptest.Start(t)
	c := dial(t, s)
	cmd(t, c, 500, "%s", "NOOP "+strings.Repeat("x", 5000))
	cmd(t, c, 250, "HELO client.example") // still in step after the long line
	cmd(t, c, 250, "MAIL FROM:<a@x.example>")
	cmd(t, c, 250, "RCPT TO:<b@x.example>")
	cmd(t, c, 354, "DATA")
	if _, err := fmt.Fprintf(c.W, "Subject: x\r\n\r\n%s\r\n.\r\n", strings.Repeat("y", 1200)); err != nil || c.W.Flush() != nil {
		t.Fatal(err)
	}
	expect(t, c, 500) // line over 1000 octets
	cmd(t, c, 250, "NOOP")
	if n := len(s.Messages()); n != 0 {
		t.Errorf("%d messages accepted", n)
	}
}

func TestFailNextAndConcurrentClients(t *testing.T) {
	s := smtptest.Start(t)
	s.FailNext(1, 451)
	send := func(i int) error {
		return smtp.SendMail(s.Addr, nil, "a@x.example", []string{"b@x.example"},
			fmt.Appendf(nil, "Subject: %d\r\n\r\nbody %d\r\n", i, i))
	}
	err := send(-1)
	var tp *textproto.Error
	if err == nil || !errors.As(err, &tp) || tp.Code != 451 {
		t.Fatalf("first send = %v, want 451", err)
	}
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			if err := send(i); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := len(s.WaitFor(t, 20, 5*time.Second)); n != 20 {
		t.Errorf("got %d messages, want 20", n)
	}
}

func TestStartTLS(t *testing.T) {
	s := smtptest.Start(t, smtptest.StartTLS(smtptest.SelfSignedCert(t)))
	c := dial(t, s)
	if ext := cmd(t, c, 250, "EHLO client.example"); !strings.Contains(ext, "STARTTLS") {
		t.Fatalf("STARTTLS not advertised: %q", ext)
	}
}

// recorder catches WaitFor's failure instead of ending the test.
type recorder struct {
	testing.TB
	failed string
}

func (r *recorder) Helper() {}
func (r *recorder) Fatalf(format string, args ...any) {
	r.failed = fmt.Sprintf(format, args...)
}

func TestWaitForTimesOut(t *testing.T) {
	s := smtptest.Start(t)
	r := &recorder{TB: t}
	start := time.Now()
	if got := s.WaitFor(r, 1, 100*time.Millisecond); got != nil || r.failed == "" {
		t.Fatalf("WaitFor = %v, failure %q; want a failure", got, r.failed)
	}
	if time.Since(start) > 2*time.Second {
		t.Error("WaitFor overran its timeout")
	}
}

func TestServerStopsAtCleanup(t *testing.T) {
	var addr string
	t.Run("inner", func(t *testing.T) {
		s := smtptest.Start(t)
		addr = s.Addr
		dial(t, s) // an open connection must not block shutdown
	})
	if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		c.Close() // #nosec G104 -- the test fails on the line below either way
		t.Error("server still listening after its test ended")
	}
}
