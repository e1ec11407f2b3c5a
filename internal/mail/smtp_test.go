package mail_test

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/cradle-org/cradle/internal/mail"
	"github.com/cradle-org/cradle/internal/mail/smtptest"
)

func senderFor(t *testing.T, srv *smtptest.Server, mutate func(*mail.Config)) *mail.SMTPSender {
	t.Helper()
	c := mail.Config{
		Host:    srv.Host(),
		Port:    srv.Port(),
		TLS:     mail.TLSNone,
		From:    "Cradle <noreply@cradle.example>",
		Timeout: 5 * time.Second,
	}
	if mutate != nil {
		mutate(&c)
	}
	s, err := mail.NewSMTPSender(c)
	if err != nil {
		t.Fatalf("NewSMTPSender: %v", err)
	}
	return s
}

var testMsg = mail.Message{
	To:      "sam@example.org",
	Subject: "Réunion demain",
	Text:    "Bonjour,\n.\n..two dots\nÀ demain.",
	Headers: map[string]string{"List-Unsubscribe": "<https://cradle.example/u>"},
}

func TestSMTPSendPlain(t *testing.T) {
	srv := smtptest.Start(t)
	if err := senderFor(t, srv, nil).Send(t.Context(), testMsg); err != nil {
		t.Fatalf("Send: %v", err)
	}
	got := srv.WaitFor(t, 1, 5*time.Second)[0]
	if got.From != "noreply@cradle.example" {
		t.Errorf("envelope From = %q", got.From)
	}
	if len(got.To) != 1 || got.To[0] != "sam@example.org" {
		t.Errorf("envelope To = %q", got.To)
	}
	// Lines "." and "..two dots" prove the client stuffed and the server
	// unstuffed; a mismatch would truncate or alter the body.
	if want := "Bonjour,\n.\n..two dots\nÀ demain.\n"; got.Body != want {
		t.Errorf("Body = %q, want %q", got.Body, want)
	}
	if got.Header.Get("List-Unsubscribe") != "<https://cradle.example/u>" {
		t.Errorf("List-Unsubscribe = %q", got.Header.Get("List-Unsubscribe"))
	}
	if s := got.Header.Get("Subject"); !strings.Contains(s, "=?utf-8?q?") {
		t.Errorf("Subject not encoded: %q", s)
	}
	if got.TLS || got.Auth != (smtptest.Credentials{}) {
		t.Errorf("TLS = %v, Auth = %+v; want neither", got.TLS, got.Auth)
	}
}

func TestSMTPAuthPlainToLocalhost(t *testing.T) {
	srv := smtptest.Start(t)
	s := senderFor(t, srv, func(c *mail.Config) { c.Username, c.Password = "cradle", "s3cret" })
	if err := s.Send(t.Context(), testMsg); err != nil {
		t.Fatalf("Send: %v", err)
	}
	got := srv.WaitFor(t, 1, 5*time.Second)[0]
	if got.Auth.Username != "cradle" || got.Auth.Password != "s3cret" {
		t.Errorf("Auth = %+v", got.Auth)
	}
}

func TestSMTPTemporaryFailure(t *testing.T) {
	srv := smtptest.Start(t)
	srv.FailNext(1, 451)
	s := senderFor(t, srv, nil)
	err := s.Send(t.Context(), testMsg)
	if err == nil || mail.IsPermanent(err) {
		t.Fatalf("Send = %v, want a temporary error", err)
	}
	if c := mail.ErrorClass(err); c != "smtp-451" {
		t.Errorf("ErrorClass = %q", c)
	}
	// The failure was one-off: the next attempt goes through.
	if err := s.Send(t.Context(), testMsg); err != nil {
		t.Fatalf("second Send: %v", err)
	}
	srv.WaitFor(t, 1, 5*time.Second)
}

func TestSMTPPermanentFailure(t *testing.T) {
	srv := smtptest.Start(t)
	srv.FailNext(1, 550)
	err := senderFor(t, srv, nil).Send(t.Context(), testMsg)
	var perm *mail.PermanentError
	if !errors.As(err, &perm) {
		t.Fatalf("Send = %v, want *PermanentError", err)
	}
	if len(srv.Messages()) != 0 {
		t.Error("message delivered despite 550")
	}
}

func TestSMTPUnbuildableIsPermanent(t *testing.T) {
	srv := smtptest.Start(t)
	err := senderFor(t, srv, nil).Send(t.Context(), mail.Message{To: "not an address"})
	if !mail.IsPermanent(err) {
		t.Fatalf("Send = %v, want permanent", err)
	}
}

func TestSMTPUnreachable(t *testing.T) {
	// A port that was just free: nothing listens, so the dial is refused.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().(*net.TCPAddr)
	if err := ln.Close(); err != nil {
		t.Fatal(err)
	}
	s, err := mail.NewSMTPSender(mail.Config{Host: "127.0.0.1", Port: addr.Port, TLS: mail.TLSNone, From: "noreply@cradle.example", Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	err = s.Send(t.Context(), testMsg)
	if err == nil || mail.IsPermanent(err) {
		t.Fatalf("Send = %v, want a temporary error", err)
	}
}

func TestSMTPTimeoutOnSilentServer(t *testing.T) {
	// A server that accepts but never greets must not hang the sender.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		var conns []net.Conn
		defer func() {
			for _, c := range conns {
				c.Close() // #nosec G104 -- the silent server's connections, closed at the end of the test
			}
		}()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns = append(conns, c)
		}
	}()
	port := ln.Addr().(*net.TCPAddr).Port
	s, err := mail.NewSMTPSender(mail.Config{Host: "127.0.0.1", Port: port, TLS: mail.TLSNone, From: "noreply@cradle.example", Timeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	err = s.Send(t.Context(), testMsg)
	if err == nil || mail.IsPermanent(err) || mail.ErrorClass(err) != "timeout" {
		t.Fatalf("Send = %v (class %q), want a temporary timeout", err, mail.ErrorClass(err))
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("Send took %v despite a 200ms timeout", d)
	}

	// Cancelling the caller's context aborts just as promptly.
	s, _ = mail.NewSMTPSender(mail.Config{Host: "127.0.0.1", Port: port, TLS: mail.TLSNone, From: "noreply@cradle.example"})
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(100*time.Millisecond, cancel)
	err = s.Send(ctx, testMsg)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Send after cancel = %v, want context.Canceled", err)
	}
}

func TestSMTPStartTLSRequiredButNotOffered(t *testing.T) {
	srv := smtptest.Start(t) // no StartTLS option
	s := senderFor(t, srv, func(c *mail.Config) {
		c.TLS = mail.TLSStartTLS
		c.Username, c.Password = "cradle", "s3cret"
	})
	err := s.Send(t.Context(), testMsg)
	if !errors.Is(err, mail.ErrNoStartTLS) || mail.IsPermanent(err) {
		t.Fatalf("Send = %v, want temporary ErrNoStartTLS", err)
	}
	if len(srv.Messages()) != 0 {
		t.Error("message sent in plain text")
	}
}

func TestSMTPStartTLS(t *testing.T) {
	cert := smtptest.SelfSignedCert(t)
	srv := smtptest.Start(t, smtptest.StartTLS(cert))
	s := senderFor(t, srv, func(c *mail.Config) {
		c.TLS, c.RootCAs = mail.TLSStartTLS, smtptest.Pool(cert)
		c.Username, c.Password = "cradle", "s3cret"
	})
	if err := s.Send(t.Context(), testMsg); err != nil {
		t.Fatalf("Send: %v", err)
	}
	got := srv.WaitFor(t, 1, 5*time.Second)[0]
	if !got.TLS || got.Auth.Username != "cradle" {
		t.Errorf("TLS = %v, Auth = %+v; want TLS and credentials", got.TLS, got.Auth)
	}

	// Without the test's pool the self-signed certificate is refused.
	strict := senderFor(t, srv, func(c *mail.Config) { c.TLS = mail.TLSStartTLS })
	if err := strict.Send(t.Context(), testMsg); err == nil || mail.IsPermanent(err) {
		t.Fatalf("Send with verification = %v, want a temporary TLS error", err)
	}
}

func TestSMTPImplicitTLS(t *testing.T) {
	cert := smtptest.SelfSignedCert(t)
	srv := smtptest.Start(t, smtptest.ImplicitTLS(cert))
	s := senderFor(t, srv, func(c *mail.Config) {
		c.TLS, c.RootCAs = mail.TLSImplicit, smtptest.Pool(cert)
		c.Username, c.Password = "cradle", "s3cret"
	})
	if err := s.Send(t.Context(), testMsg); err != nil {
		t.Fatalf("Send: %v", err)
	}
	got := srv.WaitFor(t, 1, 5*time.Second)[0]
	if !got.TLS || got.Auth.Password != "s3cret" {
		t.Errorf("TLS = %v, Auth = %+v", got.TLS, got.Auth)
	}
}
