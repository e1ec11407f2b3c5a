package mail

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/smtp"
	"net/textproto"
	"os"
	"strconv"
	"strings"
	"time"
)

// TLSMode says how the connection to the mail server is protected.
type TLSMode string

const (
	TLSNone     TLSMode = "none"     // plain text; only sensible to a relay on localhost
	TLSStartTLS TLSMode = "starttls" // upgrade with STARTTLS, usually port 587; the default
	TLSImplicit TLSMode = "tls"      // TLS from the first byte, usually port 465
)

// DefaultTimeout bounds one message's whole SMTP conversation.
const DefaultTimeout = 30 * time.Second

// Config is how to reach the mail server. Zero TLS, Port and Timeout mean
// the defaults: STARTTLS, the mode's usual port, DefaultTimeout.
type Config struct {
	Host               string
	Port               int
	TLS                TLSMode
	Username, Password string // AUTH PLAIN when Username is set
	From               string // "noreply@example.org" or "Cradle <noreply@example.org>"
	// RootCAs are the authorities the server's certificate must chain to;
	// nil means the system's. A test trusts its own server's certificate
	// here, so no setting ever turns verification off.
	RootCAs *x509.CertPool
	Timeout time.Duration
}

// Validate checks the settings, returning a plain-English error naming the
// first one that is wrong.
func (c Config) Validate() error {
	switch {
	case c.Host == "":
		return errors.New("mail: Host is required (the mail server's name, e.g. smtp.example.org)")
	case strings.ContainsAny(c.Host, " \t\r\n/:") && net.ParseIP(c.Host) == nil:
		return fmt.Errorf("mail: Host %q is not a host name or IP address (give the port in Port)", c.Host)
	case c.Port < 0 || c.Port > 65535:
		return fmt.Errorf("mail: Port %d is not between 1 and 65535", c.Port)
	}
	switch c.TLS {
	case "", TLSNone, TLSStartTLS, TLSImplicit:
	default:
		return fmt.Errorf("mail: TLS %q must be one of none, starttls or tls", c.TLS)
	}
	if c.From == "" {
		return errors.New("mail: From is required (the address mail is sent from)")
	}
	if _, err := parseFrom(c.From); err != nil {
		return fmt.Errorf("mail: From is not a valid address: %w", err)
	}
	if c.Username == "" && c.Password != "" {
		return errors.New("mail: Password is set but Username is empty")
	}
	if c.Username != "" && c.TLS == TLSNone && !isLocalhost(c.Host) {
		return fmt.Errorf("mail: Username is set but TLS is none: the password would cross the network to %s in plain text; use starttls or tls", c.Host)
	}
	if strings.ContainsAny(c.Username+c.Password, "\x00\r\n") {
		return errors.New("mail: Username or Password contains a NUL or line-break character")
	}
	if c.Timeout < 0 {
		return fmt.Errorf("mail: Timeout %v must not be negative", c.Timeout)
	}
	return nil
}

// withDefaults fills in the zero values Validate allows.
func (c Config) withDefaults() Config {
	if c.TLS == "" {
		c.TLS = TLSStartTLS
	}
	if c.Port == 0 {
		switch c.TLS {
		case TLSNone:
			c.Port = 25
		case TLSStartTLS:
			c.Port = 587
		case TLSImplicit:
			c.Port = 465
		}
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	return c
}

// isLocalhost matches net/smtp's rule for when AUTH PLAIN may go unencrypted.
func isLocalhost(host string) bool {
	return host == "localhost" || host == "127.0.0.1" || host == "::1"
}

// Sender sends one message. An error that is a *PermanentError means retrying
// cannot help; any other error is worth retrying later.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// PermanentError marks a failure that retrying won't fix, such as a 5xx reply
// to RCPT TO ("550 mailbox unknown") or a message that can't be built.
type PermanentError struct{ Err error }

func (e *PermanentError) Error() string { return e.Err.Error() }
func (e *PermanentError) Unwrap() error { return e.Err }

// IsPermanent reports whether err is, or wraps, a *PermanentError.
func IsPermanent(err error) bool {
	var p *PermanentError
	return errors.As(err, &p)
}

// ErrNoStartTLS is returned when TLS is starttls but the server doesn't offer
// it. It is temporary: a server or a network path can be fixed, and falling
// back to plain text would expose the message.
var ErrNoStartTLS = errors.New("mail: server does not offer STARTTLS")

// SMTPSender sends each message over a fresh SMTP connection. Mail volume is
// low and a connection per message keeps failures independent.
type SMTPSender struct {
	cfg      Config
	envFrom  string // envelope sender: From without any display name
	heloName string
}

// NewSMTPSender validates c and returns a sender using it.
func NewSMTPSender(c Config) (*SMTPSender, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	c = c.withDefaults()
	from, err := parseFrom(c.From)
	if err != nil {
		return nil, err
	}
	// Some servers reject "localhost" in EHLO; our own name is better.
	helo, err := os.Hostname()
	if err != nil || helo == "" || strings.ContainsAny(helo, " \t\r\n") {
		helo = "localhost"
	}
	return &SMTPSender{cfg: c, envFrom: from.Address, heloName: helo}, nil
}

// Send delivers m. It returns a *PermanentError for a 5xx reply to MAIL, RCPT
// or DATA, or for a message that can't be built; everything else (4xx,
// network, TLS, AUTH) is temporary, because it is about the server or the
// configuration rather than this message, and marking it permanent would
// throw away every queued message during an outage or credential mix-up.
func (s *SMTPSender) Send(ctx context.Context, m Message) error {
	msg, err := Build(s.cfg.From, m, time.Now())
	if err != nil {
		return &PermanentError{Err: err}
	}

	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	conn, err := s.dial(ctx)
	if err != nil {
		return fmt.Errorf("mail: connect to %s: %w", s.addr(), err)
	}
	// The deadline bounds every read and write; cancelling ctx moves it to
	// the past so a blocked read returns at once.
	deadline, _ := ctx.Deadline()
	_ = conn.SetDeadline(deadline)
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	err = s.converse(conn, m.To, msg)
	if err != nil && ctx.Err() != nil {
		// Report why the I/O was cut short, keeping the underlying error.
		return fmt.Errorf("%w (%w)", err, ctx.Err())
	}
	return err
}

func (s *SMTPSender) addr() string {
	return net.JoinHostPort(s.cfg.Host, strconv.Itoa(s.cfg.Port))
}

func (s *SMTPSender) tlsConfig() *tls.Config {
	return &tls.Config{
		ServerName: s.cfg.Host,
		RootCAs:    s.cfg.RootCAs,
		MinVersion: tls.VersionTLS12,
	}
}

func (s *SMTPSender) dial(ctx context.Context) (net.Conn, error) {
	d := &net.Dialer{}
	if s.cfg.TLS == TLSImplicit {
		td := &tls.Dialer{NetDialer: d, Config: s.tlsConfig()}
		return td.DialContext(ctx, "tcp", s.addr())
	}
	return d.DialContext(ctx, "tcp", s.addr())
}

// converse runs one SMTP session on conn. net/smtp does the protocol; we add
// the policy: mandatory STARTTLS, AUTH only when protected, error classes.
func (s *SMTPSender) converse(conn net.Conn, to string, msg []byte) error {
	c, err := smtp.NewClient(conn, s.cfg.Host)
	if err != nil {
		conn.Close() // #nosec G104 -- the greeting's error is the one to report
		return fmt.Errorf("mail: greeting: %w", err)
	}
	defer c.Close()

	if err := c.Hello(s.heloName); err != nil {
		return fmt.Errorf("mail: EHLO: %w", err)
	}
	if s.cfg.TLS == TLSStartTLS {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return ErrNoStartTLS
		}
		if err := c.StartTLS(s.tlsConfig()); err != nil {
			return fmt.Errorf("mail: STARTTLS: %w", err)
		}
	}
	if s.cfg.Username != "" {
		if ok, _ := c.Extension("AUTH"); !ok {
			return errors.New("mail: Username is set but the server does not offer AUTH")
		}
		// PlainAuth itself refuses to send credentials unencrypted except to
		// localhost, a second guard behind Config.Validate.
		if err := c.Auth(smtp.PlainAuth("", s.cfg.Username, s.cfg.Password, s.cfg.Host)); err != nil {
			return fmt.Errorf("mail: AUTH: %w", err)
		}
	}
	if err := c.Mail(s.envFrom); err != nil {
		return classify("MAIL FROM", err)
	}
	if err := c.Rcpt(to); err != nil {
		return classify("RCPT TO", err)
	}
	w, err := c.Data()
	if err != nil {
		return classify("DATA", err)
	}
	if _, err := w.Write(msg); err != nil {
		w.Close() // #nosec G104 -- the write's error is the one to report
		return fmt.Errorf("mail: DATA: %w", err)
	}
	if err := w.Close(); err != nil {
		return classify("DATA", err)
	}
	// The server has accepted the message: a failed QUIT must not cause a
	// retry, which would deliver it twice.
	_ = c.Quit()
	return nil
}

// classify wraps an error from an envelope or DATA command, marking 5xx
// replies permanent.
func classify(stage string, err error) error {
	err = fmt.Errorf("mail: %s: %w", stage, err)
	var tp *textproto.Error
	if errors.As(err, &tp) && tp.Code >= 500 && tp.Code <= 599 {
		return &PermanentError{Err: err}
	}
	return err
}

// ErrorClass names the kind of failure in err for logs, without any detail
// that could hold personal data (server replies may quote the recipient).
func ErrorClass(err error) string {
	var (
		tp  *textproto.Error
		ne  net.Error
		rec tls.RecordHeaderError
		cv  *tls.CertificateVerificationError
	)
	switch {
	case err == nil:
		return ""
	case errors.As(err, &tp):
		return "smtp-" + strconv.Itoa(tp.Code)
	case errors.Is(err, ErrNoStartTLS):
		return "no-starttls"
	case errors.Is(err, context.Canceled):
		return "canceled"
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	case errors.As(err, &cv), errors.As(err, &rec):
		return "tls"
	case IsPermanent(err):
		return "permanent"
	case errors.As(err, &ne):
		return "network"
	}
	return "other"
}
