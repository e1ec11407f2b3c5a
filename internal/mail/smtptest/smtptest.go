// Package smtptest runs a real, in-process SMTP server for tests. Clients
// talk to it over TCP exactly as they would to a mail server, so tests
// exercise the whole protocol rather than a mock of the client.
//
// It is deliberately strict where that catches client bugs (EHLO before
// MAIL, 1000-octet lines, CRLF.CRLF to end DATA) and lenient about the rest
// (any AUTH PLAIN credentials are accepted and recorded).
package smtptest

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Limits that stop a broken client from hanging a test or eating memory.
const (
	MaxMessageSize = 10 << 20         // advertised with SIZE
	maxCommandLine = 2048             // RFC 5321 says 512; AUTH lines are longer
	maxDataLine    = 1000             // RFC 5321 §4.5.3.1.6, including CRLF
	maxRecipients  = 100              // RFC 5321 §4.5.3.1.8
	idleTimeout    = 30 * time.Second // per command, so a silent client is dropped
)

// Credentials are what a client sent with AUTH PLAIN.
type Credentials struct {
	Identity, Username, Password string
}

// Received is one message the server accepted.
type Received struct {
	From   string   // envelope sender (MAIL FROM)
	To     []string // envelope recipients (RCPT TO)
	Data   []byte   // the message as sent, dot-unstuffed, CRLF line endings
	Header mail.Header
	// Body is the body decoded from quoted-printable when the message says
	// so, with line endings turned into "\n" for easy comparison.
	Body string
	TLS  bool        // whether the session was encrypted
	Auth Credentials // zero unless the client authenticated
}

// Option configures a Server.
type Option func(*Server)

// StartTLS makes the server offer STARTTLS with cert.
func StartTLS(cert tls.Certificate) Option {
	return func(s *Server) { s.startTLS = &tls.Config{Certificates: []tls.Certificate{cert}} }
}

// ImplicitTLS makes the server speak TLS from the first byte, like port 465.
func ImplicitTLS(cert tls.Certificate) Option {
	return func(s *Server) { s.implicitTLS = &tls.Config{Certificates: []tls.Certificate{cert}} }
}

// Server is a running SMTP server.
type Server struct {
	Addr string // host:port

	ln          net.Listener
	startTLS    *tls.Config
	implicitTLS *tls.Config
	wg          sync.WaitGroup

	mu       sync.Mutex
	msgs     []Received
	changed  chan struct{} // closed and replaced when msgs grows
	failN    int
	failCode int
	conns    map[net.Conn]struct{}
	closed   bool
}

// Start listens on 127.0.0.1 on a free port and serves until the test ends.
func Start(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s := &Server{changed: make(chan struct{}), conns: make(map[net.Conn]struct{})}
	for _, o := range opts {
		o(s)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("smtptest: listen: %v", err)
	}
	if s.implicitTLS != nil {
		ln = tls.NewListener(ln, s.implicitTLS)
	}
	s.ln = ln
	s.Addr = ln.Addr().String()
	s.wg.Add(1)
	go s.accept()
	t.Cleanup(s.close)
	return s
}

// Host returns the address the server listens on, "127.0.0.1".
func (s *Server) Host() string {
	h, _, _ := net.SplitHostPort(s.Addr)
	return h
}

// Port returns the port the server listens on.
func (s *Server) Port() int {
	_, p, _ := net.SplitHostPort(s.Addr)
	n, _ := strconv.Atoi(p)
	return n
}

// Messages returns the messages accepted so far, oldest first.
func (s *Server) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.msgs...)
}

// WaitFor blocks until at least n messages have been accepted and returns
// them all, or fails the test after timeout. Call it from the test goroutine.
func (s *Server) WaitFor(t testing.TB, n int, timeout time.Duration) []Received {
	t.Helper()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		s.mu.Lock()
		got, changed := len(s.msgs), s.changed
		if got >= n {
			msgs := append([]Received(nil), s.msgs...)
			s.mu.Unlock()
			return msgs
		}
		s.mu.Unlock()
		select {
		case <-changed:
		case <-timer.C:
			t.Fatalf("smtptest: received %d messages within %v, want %d", got, timeout, n)
			return nil
		}
	}
}

// FailNext makes the next n DATA commands answer code (e.g. 451 for a
// temporary failure, 550 for a permanent one) instead of 354.
func (s *Server) FailNext(n int, code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failN, s.failCode = n, code
}

// takeFailure consumes one pending FailNext, returning its code or 0.
func (s *Server) takeFailure() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failN <= 0 {
		return 0
	}
	s.failN--
	return s.failCode
}

func (s *Server) close() {
	s.mu.Lock()
	s.closed = true
	// Shutting the test server down: a close that fails has nothing left to
	// release, and the test's own checks say whether mail arrived.
	s.ln.Close() // #nosec G104 -- see above
	for c := range s.conns {
		c.Close() // #nosec G104 -- see above
	}
	s.mu.Unlock()
	s.wg.Wait()
}

func (s *Server) accept() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			return // closed
		}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			c.Close() // #nosec G104 -- refusing a connection that arrived during shutdown
			return
		}
		s.conns[c] = struct{}{}
		s.wg.Add(1)
		s.mu.Unlock()
		go func() {
			defer s.wg.Done()
			sess := &session{srv: s, conn: c, tls: s.implicitTLS != nil}
			sess.serve()
			s.mu.Lock()
			delete(s.conns, c)
			s.mu.Unlock()
			c.Close() // #nosec G104 -- the session is over; its outcome is in the messages recorded
		}()
	}
}

func (s *Server) deliver(r Received) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.msgs = append(s.msgs, r)
	close(s.changed)
	s.changed = make(chan struct{})
}

// session is one client connection.
type session struct {
	srv  *Server
	conn net.Conn
	r    *bufio.Reader
	tls  bool

	helo bool
	auth Credentials
	from *string // nil until MAIL FROM
	to   []string
}

var errLineTooLong = errors.New("line too long")

func (c *session) reply(code int, text string) error {
	_ = c.conn.SetWriteDeadline(time.Now().Add(idleTimeout))
	_, err := fmt.Fprintf(c.conn, "%d %s\r\n", code, text)
	return err
}

// readLine returns one line without its line ending. A line longer than max
// is read to its end and discarded, returning errLineTooLong, so the
// session stays in step with the client.
func (c *session) readLine(max int) (string, error) {
	_ = c.conn.SetReadDeadline(time.Now().Add(idleTimeout))
	var line []byte
	tooLong := false
	for {
		chunk, err := c.r.ReadSlice('\n')
		if !tooLong {
			line = append(line, chunk...)
			if len(line) > max {
				tooLong, line = true, nil
			}
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err != nil {
			return "", err
		}
		if tooLong {
			return "", errLineTooLong
		}
		return string(line), nil
	}
}

func (c *session) resetTx() {
	c.from, c.to = nil, nil
}

func (c *session) serve() {
	c.r = bufio.NewReaderSize(c.conn, 4096)
	if c.reply(220, "smtptest ESMTP ready") != nil {
		return
	}
	for {
		raw, err := c.readLine(maxCommandLine)
		if err == errLineTooLong {
			if c.reply(500, "5.5.2 Line too long") != nil {
				return
			}
			continue
		}
		if err != nil {
			return
		}
		line := strings.TrimRight(raw, "\r\n")
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO":
			err = c.ehlo(arg)
		case "HELO":
			c.helo = true
			c.resetTx()
			err = c.reply(250, "smtptest")
		case "STARTTLS":
			if c.srv.startTLS == nil || c.tls {
				err = c.reply(502, "5.5.1 STARTTLS not available")
				break
			}
			if err = c.reply(220, "2.0.0 Ready to start TLS"); err != nil {
				return
			}
			tc := tls.Server(c.conn, c.srv.startTLS)
			_ = tc.SetDeadline(time.Now().Add(idleTimeout))
			if tc.Handshake() != nil {
				return
			}
			// RFC 3207: forget everything learned before the handshake.
			c.conn, c.tls = tc, true
			c.r = bufio.NewReaderSize(tc, 4096)
			c.helo, c.auth = false, Credentials{}
			c.resetTx()
		case "AUTH":
			err = c.authCmd(arg)
		case "MAIL":
			err = c.mail(arg)
		case "RCPT":
			err = c.rcpt(arg)
		case "DATA":
			err = c.data()
		case "RSET":
			c.resetTx()
			err = c.reply(250, "2.0.0 OK")
		case "NOOP":
			err = c.reply(250, "2.0.0 OK")
		case "QUIT":
			_ = c.reply(221, "2.0.0 Bye")
			return
		default:
			err = c.reply(502, "5.5.2 Command not recognized")
		}
		if err != nil {
			return
		}
	}
}

func (c *session) ehlo(arg string) error {
	if strings.TrimSpace(arg) == "" {
		return c.reply(501, "5.5.4 EHLO needs a domain")
	}
	c.helo = true
	c.resetTx()
	lines := []string{"smtptest", "8BITMIME", "SIZE " + strconv.Itoa(MaxMessageSize)}
	if c.srv.startTLS != nil && !c.tls {
		lines = append(lines, "STARTTLS")
	}
	lines = append(lines, "AUTH PLAIN")
	var b strings.Builder
	for i, l := range lines {
		sep := "-"
		if i == len(lines)-1 {
			sep = " "
		}
		b.WriteString("250" + sep + l + "\r\n")
	}
	_ = c.conn.SetWriteDeadline(time.Now().Add(idleTimeout))
	_, err := io.WriteString(c.conn, b.String())
	return err
}

func (c *session) authCmd(arg string) error {
	mech, initial, _ := strings.Cut(arg, " ")
	switch {
	case !c.helo:
		return c.reply(503, "5.5.1 EHLO first")
	case c.auth != (Credentials{}):
		return c.reply(503, "5.5.1 Already authenticated")
	case c.from != nil:
		return c.reply(503, "5.5.1 AUTH not allowed during a mail transaction")
	case !strings.EqualFold(mech, "PLAIN"):
		return c.reply(504, "5.5.4 Only AUTH PLAIN is supported")
	}
	if initial == "" {
		if err := c.reply(334, ""); err != nil {
			return err
		}
		line, err := c.readLine(maxCommandLine)
		if err == errLineTooLong {
			return c.reply(500, "5.5.2 Line too long")
		}
		if err != nil {
			return err
		}
		initial = strings.TrimRight(line, "\r\n")
		if initial == "*" {
			return c.reply(501, "5.7.0 Authentication cancelled")
		}
	}
	raw, err := base64.StdEncoding.DecodeString(initial)
	if err != nil {
		return c.reply(501, "5.5.2 Invalid base64")
	}
	parts := strings.Split(string(raw), "\x00")
	if len(parts) != 3 || parts[1] == "" {
		return c.reply(501, "5.5.2 Malformed PLAIN response")
	}
	c.auth = Credentials{Identity: parts[0], Username: parts[1], Password: parts[2]}
	return c.reply(235, "2.7.0 Authentication successful")
}

// pathArg parses "FROM:<addr> params" or "TO:<addr> params".
func pathArg(arg, prefix string) (string, bool) {
	if len(arg) < len(prefix) || !strings.EqualFold(arg[:len(prefix)], prefix) {
		return "", false
	}
	rest := strings.TrimLeft(arg[len(prefix):], " ")
	if !strings.HasPrefix(rest, "<") {
		return "", false
	}
	end := strings.IndexByte(rest, '>')
	if end < 0 {
		return "", false
	}
	return rest[1:end], true
}

func (c *session) mail(arg string) error {
	switch {
	case !c.helo:
		return c.reply(503, "5.5.1 EHLO first")
	case c.from != nil:
		return c.reply(503, "5.5.1 Nested MAIL command")
	}
	addr, ok := pathArg(arg, "FROM:")
	if !ok {
		return c.reply(501, "5.5.4 Syntax: MAIL FROM:<address>")
	}
	c.from = &addr
	return c.reply(250, "2.1.0 OK")
}

func (c *session) rcpt(arg string) error {
	switch {
	case c.from == nil:
		return c.reply(503, "5.5.1 MAIL first")
	case len(c.to) >= maxRecipients:
		return c.reply(452, "4.5.3 Too many recipients")
	}
	addr, ok := pathArg(arg, "TO:")
	if !ok || addr == "" {
		return c.reply(501, "5.5.4 Syntax: RCPT TO:<address>")
	}
	c.to = append(c.to, addr)
	return c.reply(250, "2.1.5 OK")
}

func (c *session) data() error {
	if c.from == nil || len(c.to) == 0 {
		return c.reply(503, "5.5.1 RCPT first")
	}
	if code := c.srv.takeFailure(); code != 0 {
		c.resetTx()
		return c.reply(code, failText(code))
	}
	if err := c.reply(354, "End data with <CR><LF>.<CR><LF>"); err != nil {
		return err
	}
	var (
		buf      bytes.Buffer
		tooLong  bool
		tooLarge bool
	)
	for {
		line, err := c.readLine(maxDataLine)
		if err == errLineTooLong {
			tooLong = true
			continue
		}
		if err != nil {
			return err
		}
		if line == ".\r\n" {
			break
		}
		// Dot-unstuffing (RFC 5321 §4.5.2).
		line = strings.TrimPrefix(line, ".")
		if buf.Len()+len(line) > MaxMessageSize {
			tooLarge = true
			continue
		}
		buf.WriteString(line)
	}
	from, to := *c.from, c.to
	c.resetTx()
	switch {
	case tooLong:
		return c.reply(500, "5.5.2 Line longer than 1000 octets")
	case tooLarge:
		return c.reply(552, "5.3.4 Message too big")
	}
	rec := Received{From: from, To: to, Data: buf.Bytes(), TLS: c.tls, Auth: c.auth}
	msg, err := mail.ReadMessage(bytes.NewReader(rec.Data))
	if err != nil {
		return c.reply(554, "5.6.0 Message could not be parsed: "+sanitize(err.Error()))
	}
	rec.Header = msg.Header
	var body io.Reader = msg.Body
	if strings.EqualFold(strings.TrimSpace(msg.Header.Get("Content-Transfer-Encoding")), "quoted-printable") {
		body = quotedprintable.NewReader(body)
	}
	b, err := io.ReadAll(body)
	if err != nil {
		return c.reply(554, "5.6.0 Body could not be decoded: "+sanitize(err.Error()))
	}
	rec.Body = strings.ReplaceAll(string(b), "\r\n", "\n")
	c.srv.deliver(rec)
	return c.reply(250, "2.0.0 OK: queued")
}

func failText(code int) string {
	switch {
	case code >= 500:
		return "5.0.0 Permanent failure (smtptest)"
	case code >= 400:
		return "4.0.0 Temporary failure (smtptest)"
	}
	return "smtptest"
}

// sanitize keeps an error message on one reply line.
func sanitize(s string) string {
	return strings.NewReplacer("\r", " ", "\n", " ").Replace(s)
}
