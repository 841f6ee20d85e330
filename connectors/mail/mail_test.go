package mail

import (
	"context"
	"errors"
	"net"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/sweeperd/sweeper/internal/smtptest"
	"github.com/sweeperd/sweeper/sweeper"
)

const (
	testTo       = "anna.jansen@example.org"
	testPassword = "s3cret-Passw0rd"
	testSubject  = "Je account bij Kleintjesgeluk wordt op 22 december 2026 verwijderd — één bericht"
	testBody     = "Beste Anna,\n\nVanaf 22 december 2026 verwijderen we je account.\nGroetjes, Kleintjesgeluk — één keer.\n"
	wait         = 10 * time.Second
)

func testMessage() sweeper.Message {
	return sweeper.Message{To: testTo, Subject: testSubject, Body: testBody}
}

// newMailer returns a Mailer for srv with the given TLS mode and credentials.
func newMailer(t *testing.T, srv *smtptest.Server, tlsMode, user, pass string) *Mailer {
	t.Helper()
	host, port := srv.Addr()
	m, err := New(sweeper.Mail{
		Host: host, Port: port, Username: user, Password: pass, TLS: tlsMode,
		From: "Kleintjesgeluk <info@kleintjesgeluk.nl>",
	})
	if err != nil {
		t.Fatal(err)
	}
	if c := srv.ClientTLSConfig(); c != nil {
		m = m.WithTLSConfig(c)
	}
	return m
}

// assertClean fails when err's text holds the password or the recipient.
func assertClean(t *testing.T, err error) {
	t.Helper()
	text := strings.ToLower(err.Error())
	for _, secret := range []string{testPassword, testTo, "anna.jansen"} {
		if strings.Contains(text, strings.ToLower(secret)) {
			t.Errorf("error contains %q: %v", secret, err)
		}
	}
}

func assertReceived(t *testing.T, got smtptest.Received) {
	t.Helper()
	if got.To != testTo {
		t.Errorf("envelope To = %q, want %q", got.To, testTo)
	}
	if got.From != "info@kleintjesgeluk.nl" {
		t.Errorf("envelope From = %q", got.From)
	}
	if got.Subject != testSubject {
		t.Errorf("Subject = %q, want %q", got.Subject, testSubject)
	}
	if strings.TrimRight(got.Body, "\n") != strings.TrimRight(testBody, "\n") {
		t.Errorf("Body = %q, want %q", got.Body, testBody)
	}
	h := got.Header
	if a, err := mail.ParseAddress(h.Get("To")); err != nil || a.Address != testTo {
		t.Errorf("To header = %q", h.Get("To"))
	}
	if a, err := mail.ParseAddress(h.Get("From")); err != nil || a.Address != "info@kleintjesgeluk.nl" || a.Name != "Kleintjesgeluk" {
		t.Errorf("From header = %q", h.Get("From"))
	}
	if _, err := h.Date(); err != nil {
		t.Errorf("Date header %q: %v", h.Get("Date"), err)
	}
	if id := h.Get("Message-Id"); !strings.HasPrefix(id, "<") || !strings.HasSuffix(id, "@kleintjesgeluk.nl>") {
		t.Errorf("Message-ID = %q", id)
	}
	if v := h.Get("Auto-Submitted"); v != "auto-generated" {
		t.Errorf("Auto-Submitted = %q", v)
	}
	if ct := h.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") || !strings.Contains(strings.ToLower(ct), "utf-8") {
		t.Errorf("Content-Type = %q", ct)
	}
}

func TestSend_NoTLSNoAuth(t *testing.T) {
	srv := smtptest.Start(t)
	m := newMailer(t, srv, "none", "", "")
	if err := m.Send(context.Background(), testMessage()); err != nil {
		t.Fatal(err)
	}
	got := srv.Wait(t, 1, wait)
	if len(got) != 1 {
		t.Fatalf("received %d messages", len(got))
	}
	assertReceived(t, got[0])
	if got[0].Username != "" {
		t.Errorf("authenticated as %q without credentials", got[0].Username)
	}
	// Message-IDs differ per message.
	if err := m.Send(context.Background(), testMessage()); err != nil {
		t.Fatal(err)
	}
	got = srv.Wait(t, 2, wait)
	if got[0].Header.Get("Message-Id") == got[1].Header.Get("Message-Id") {
		t.Errorf("two messages with Message-ID %s", got[0].Header.Get("Message-Id"))
	}
}

func TestSend_AuthPlain(t *testing.T) {
	srv := smtptest.StartWith(t, smtptest.Options{Username: "sweeper", Password: testPassword})
	m := newMailer(t, srv, "none", "sweeper", testPassword)
	if err := m.Send(context.Background(), testMessage()); err != nil {
		t.Fatal(err)
	}
	got := srv.Wait(t, 1, wait)
	assertReceived(t, got[0])
	if got[0].Username != "sweeper" {
		t.Errorf("authenticated as %q, want sweeper", got[0].Username)
	}
}

func TestSend_AuthRequired(t *testing.T) {
	srv := smtptest.StartWith(t, smtptest.Options{Username: "sweeper", Password: testPassword})
	m := newMailer(t, srv, "none", "", "")
	err := m.Send(context.Background(), testMessage())
	if err == nil {
		t.Fatal("sent without AUTH to a server that requires it")
	}
	assertClean(t, err)
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("server received %d messages", n)
	}
}

func TestSend_WrongPassword(t *testing.T) {
	srv := smtptest.StartWith(t, smtptest.Options{Username: "sweeper", Password: "the-right-one"})
	m := newMailer(t, srv, "none", "sweeper", testPassword)
	err := m.Send(context.Background(), testMessage())
	if err == nil {
		t.Fatal("sent with a wrong password")
	}
	assertClean(t, err)
	if !strings.Contains(err.Error(), "535") && !strings.Contains(strings.ToLower(err.Error()), "auth") {
		t.Errorf("error does not say authentication failed: %v", err)
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("server received %d messages", n)
	}
}

func TestSend_ServerDown(t *testing.T) {
	// A port that was just free: nothing listens there.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	m, err := New(sweeper.Mail{Host: "127.0.0.1", Port: port, TLS: "none", Username: "sweeper", Password: testPassword, From: "info@kleintjesgeluk.nl"})
	if err != nil {
		t.Fatal(err)
	}
	err = m.Send(context.Background(), testMessage())
	if err == nil {
		t.Fatal("no error from a closed port")
	}
	assertClean(t, err)
	if err := m.Check(context.Background()); err == nil {
		t.Error("Check: no error from a closed port")
	} else {
		assertClean(t, err)
	}
}

// TestSend_Refused: a server that refuses the recipient and quotes it, as
// real servers do; the error must not carry the address into the logs.
func TestSend_Refused(t *testing.T) {
	srv := smtptest.Start(t)
	srv.SetFail(true)
	m := newMailer(t, srv, "none", "sweeper", testPassword)
	err := m.Send(context.Background(), testMessage())
	if err == nil {
		t.Fatal("no error from a refusing server")
	}
	assertClean(t, err)
	if !strings.Contains(err.Error(), "<recipient>") || !strings.Contains(err.Error(), "451") {
		t.Errorf("error = %v", err)
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("server received %d messages", n)
	}

	// The same in upper case and with a display name.
	msg := testMessage()
	msg.To = "Anna Jansen <" + strings.ToUpper(testTo) + ">"
	err = m.Send(context.Background(), msg)
	if err == nil {
		t.Fatal("no error from a refusing server")
	}
	assertClean(t, err)
	if strings.Contains(err.Error(), "Anna Jansen") {
		t.Errorf("error contains the name: %v", err)
	}

	srv.SetFail(false)
	if err := m.Send(context.Background(), testMessage()); err != nil {
		t.Fatalf("after SetFail(false): %v", err)
	}
	srv.Wait(t, 1, wait)
}

func TestSend_StartTLS(t *testing.T) {
	srv := smtptest.StartWith(t, smtptest.Options{TLS: "starttls", Username: "sweeper", Password: testPassword})
	m := newMailer(t, srv, "starttls", "sweeper", testPassword)
	if err := m.Send(context.Background(), testMessage()); err != nil {
		t.Fatal(err)
	}
	got := srv.Wait(t, 1, wait)
	assertReceived(t, got[0])
	if !got[0].TLS || got[0].Username != "sweeper" {
		t.Errorf("TLS = %v, user = %q", got[0].TLS, got[0].Username)
	}
}

// TestSend_StartTLSUntrusted: without the test CA the self-signed
// certificate is refused, and nothing is sent in clear text instead.
func TestSend_StartTLSUntrusted(t *testing.T) {
	srv := smtptest.StartWith(t, smtptest.Options{TLS: "starttls"})
	host, port := srv.Addr()
	m, err := New(sweeper.Mail{Host: host, Port: port, TLS: "starttls", From: "info@kleintjesgeluk.nl"})
	if err != nil {
		t.Fatal(err)
	}
	err = m.Send(context.Background(), testMessage())
	if err == nil {
		t.Fatal("sent over an untrusted certificate")
	}
	assertClean(t, err)
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("server received %d messages", n)
	}
}

// TestSend_StartTLSMissing: starttls against a server without STARTTLS fails
// rather than falling back to clear text.
func TestSend_StartTLSMissing(t *testing.T) {
	srv := smtptest.Start(t)
	m := newMailer(t, srv, "starttls", "", "")
	if err := m.Send(context.Background(), testMessage()); err == nil {
		t.Fatal("sent without STARTTLS although tls = starttls")
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("server received %d messages", n)
	}
}

func TestSend_ImplicitTLS(t *testing.T) {
	srv := smtptest.StartWith(t, smtptest.Options{TLS: "tls", Username: "sweeper", Password: testPassword})
	m := newMailer(t, srv, "tls", "sweeper", testPassword)
	if err := m.Send(context.Background(), testMessage()); err != nil {
		t.Fatal(err)
	}
	got := srv.Wait(t, 1, wait)
	assertReceived(t, got[0])
	if !got[0].TLS || got[0].Username != "sweeper" {
		t.Errorf("TLS = %v, user = %q", got[0].TLS, got[0].Username)
	}
}

func TestSend_BadMessage(t *testing.T) {
	srv := smtptest.Start(t)
	m := newMailer(t, srv, "none", "", "")
	for _, msg := range []sweeper.Message{
		{To: "not an address", Subject: "s", Body: "b"},
		{To: testTo, Subject: "s\r\nBcc: x@example.org", Body: "b"},
	} {
		err := m.Send(context.Background(), msg)
		if err == nil {
			t.Errorf("sent %q / %q", msg.To, msg.Subject)
			continue
		}
		if strings.Contains(err.Error(), msg.To) {
			t.Errorf("error contains the recipient: %v", err)
		}
	}
	if n := srv.Sessions(); n != 0 {
		t.Errorf("connected %d times for messages that cannot be sent", n)
	}
}

func TestSend_Canceled(t *testing.T) {
	srv := smtptest.Start(t)
	m := newMailer(t, srv, "none", "", "")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := m.Send(ctx, testMessage())
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

// TestRedact_KeepsIs: an error whose text was cleaned still matches its cause.
func TestRedact_KeepsIs(t *testing.T) {
	m := &Mailer{password: testPassword}
	cause := errors.New("rcpt " + testTo + " refused")
	err := m.redact(errors.Join(context.DeadlineExceeded, cause), testTo)
	assertClean(t, err)
	if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, cause) {
		t.Errorf("errors.Is lost the cause: %v", err)
	}
	if errors.Unwrap(err) != nil {
		t.Errorf("Unwrap hands out the unredacted error")
	}
	plain := errors.New("connection refused")
	if got := m.redact(plain, testTo); got != plain {
		t.Errorf("a clean error was rewritten: %v", got)
	}
}

func TestCheck(t *testing.T) {
	srv := smtptest.StartWith(t, smtptest.Options{Username: "sweeper", Password: testPassword})
	m := newMailer(t, srv, "none", "sweeper", testPassword)
	if err := m.Check(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := srv.Sessions(); n != 1 {
		t.Errorf("Check opened %d sessions, want 1", n)
	}
	// Check has returned after QUIT: a message would have been recorded by now.
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("Check sent %d messages", n)
	}

	bad := newMailer(t, srv, "none", "sweeper", "wrong-"+testPassword)
	err := bad.Check(context.Background())
	if err == nil {
		t.Fatal("Check accepted a wrong password")
	}
	assertClean(t, err)
	if strings.Contains(err.Error(), "wrong-") {
		t.Errorf("error contains the password: %v", err)
	}
}

func TestCheck_StartTLS(t *testing.T) {
	srv := smtptest.StartWith(t, smtptest.Options{TLS: "starttls", Username: "sweeper", Password: testPassword})
	if err := newMailer(t, srv, "starttls", "sweeper", testPassword).Check(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("Check sent %d messages", n)
	}
}

func TestNew_Invalid(t *testing.T) {
	ok := sweeper.Mail{Host: "smtp.example.nl", Port: 587, TLS: "starttls", From: "Shop <info@shop.nl>"}
	if _, err := New(ok); err != nil {
		t.Fatalf("valid config: %v", err)
	}
	for _, tc := range []struct {
		name string
		edit func(*sweeper.Mail)
		want string
	}{
		{"no host", func(c *sweeper.Mail) { c.Host = "" }, "mail.host"},
		{"host with space", func(c *sweeper.Mail) { c.Host = "smtp example" }, "mail.host"},
		{"port 0", func(c *sweeper.Mail) { c.Port = 0 }, "mail.port"},
		{"port too high", func(c *sweeper.Mail) { c.Port = 70000 }, "mail.port"},
		{"tls mode", func(c *sweeper.Mail) { c.TLS = "ssl" }, "mail.tls"},
		{"no from", func(c *sweeper.Mail) { c.From = "" }, "mail.from"},
		{"bad from", func(c *sweeper.Mail) { c.From = "Shop info@" }, "mail.from"},
		{"username only", func(c *sweeper.Mail) { c.Username = "u" }, "mail.password"},
		{"password only", func(c *sweeper.Mail) { c.Password = testPassword }, "mail.username"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := ok
			tc.edit(&c)
			_, err := New(c)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want one about %s", err, tc.want)
			}
			if strings.Contains(err.Error(), testPassword) {
				t.Errorf("error contains the password: %v", err)
			}
		})
	}
}
