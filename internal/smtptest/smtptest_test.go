package smtptest

import (
	"errors"
	"fmt"
	"net"
	"net/smtp"
	"net/textproto"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// send delivers raw with the standard library's client, which is
// independent of the go-mail client the sweeper uses.
func send(s *Server, auth smtp.Auth, to, raw string) error {
	host, port := s.Addr()
	return smtp.SendMail(fmt.Sprintf("%s:%d", host, port), auth, "shop@example.nl", []string{to}, []byte(strings.ReplaceAll(raw, "\n", "\r\n")))
}

func TestServer_Decodes(t *testing.T) {
	s := Start(t)
	raw := `From: shop@example.nl
To: anna@example.org
Subject: =?UTF-8?q?Tot_ziens_=E2=80=94_=C3=A9=C3=A9n_keer?=
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary=XYZ

--XYZ
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: base64

QmVzdGUgQW5uYSwKw6nDqW4ga2Vlci4K
--XYZ
Content-Type: text/html; charset=UTF-8

<p>html</p>
--XYZ--
`
	if err := send(s, nil, "anna@example.org", raw); err != nil {
		t.Fatal(err)
	}
	got := s.Wait(t, 1, 10*time.Second)
	r := got[0]
	if r.To != "anna@example.org" || r.From != "shop@example.nl" {
		t.Errorf("envelope %q -> %q", r.From, r.To)
	}
	if r.Subject != "Tot ziens — één keer" {
		t.Errorf("Subject = %q", r.Subject)
	}
	if r.Body != "Beste Anna,\néén keer.\n" {
		t.Errorf("Body = %q", r.Body)
	}
	if r.TLS || r.Username != "" {
		t.Errorf("TLS = %v, Username = %q", r.TLS, r.Username)
	}
}

func TestServer_AuthAndFail(t *testing.T) {
	s := StartWith(t, Options{Username: "u", Password: "p"})
	host, _ := s.Addr()
	raw := "Subject: x\n\nbody\n"
	if err := send(s, nil, "a@example.org", raw); err == nil {
		t.Error("accepted a message without AUTH")
	}
	if err := send(s, smtp.PlainAuth("", "u", "wrong", host), "a@example.org", raw); err == nil {
		t.Error("accepted a wrong password")
	}
	s.SetFail(true)
	err := send(s, smtp.PlainAuth("", "u", "p", host), "a@example.org", raw)
	if err == nil || !strings.Contains(err.Error(), "451") {
		t.Errorf("SetFail(true): err = %v", err)
	}
	s.SetFail(false)
	if err := send(s, smtp.PlainAuth("", "u", "p", host), "a@example.org", raw); err != nil {
		t.Fatal(err)
	}
	got := s.Wait(t, 1, 10*time.Second)
	if len(got) != 1 || got[0].Username != "u" || got[0].Body != "body\n" {
		t.Errorf("got %+v", got)
	}
	if n := s.Sessions(); n != 4 {
		t.Errorf("Sessions = %d, want 4", n)
	}
}

// TestServer_WaitTimeout: Wait fails the test when too few messages arrive.
func TestServer_WaitTimeout(t *testing.T) {
	s := Start(t)
	ft := &fakeTB{TB: t}
	done := make(chan struct{})
	// Fatalf ends the calling goroutine, as in a real test.
	go func() {
		defer close(done)
		s.Wait(ft, 1, 10*time.Millisecond)
	}()
	<-done
	if !ft.failed {
		t.Error("Wait did not fail")
	}
}

type fakeTB struct {
	testing.TB
	failed bool
}

func (f *fakeTB) Helper() {}

func (f *fakeTB) Fatalf(string, ...any) {
	f.failed = true
	runtime.Goexit()
}

func TestSilent(t *testing.T) {
	s := StartSilent(t)
	host, port := s.Addr()
	c, err := net.Dial("tcp", net.JoinHostPort(host, strconv.Itoa(port)))
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-s.Accepted():
	case <-time.After(10 * time.Second):
		t.Fatal("no connection accepted")
	}
	c.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
	if n, err := c.Read(make([]byte, 64)); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("read from the silent server: got %d bytes, %v; want nothing until the deadline", n, err)
	}
	c.Close()
	select {
	case <-s.HungUp():
	case <-time.After(10 * time.Second):
		t.Fatal("the hang-up was not seen")
	}
	if n := s.Connections(); n != 1 {
		t.Errorf("connections: got %d, want 1", n)
	}
}

func TestServer_Hang(t *testing.T) {
	s := Start(t)
	s.SetHang(true)
	host, port := s.Addr()
	c, err := textproto.Dial("tcp", net.JoinHostPort(host, strconv.Itoa(port)))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.ReadResponse(220); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Cmd("EHLO client"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.ReadResponse(250); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Cmd("MAIL FROM:<shop@example.nl>"); err != nil {
		t.Fatal(err)
	}
	select {
	case <-s.Hanging():
	case <-time.After(10 * time.Second):
		t.Fatal("the session did not hang at MAIL FROM")
	}
	c.Close()
	select {
	case <-s.HungUp():
	case <-time.After(10 * time.Second):
		t.Fatal("the hang-up was not seen")
	}
	if n := len(s.Messages()); n != 0 {
		t.Errorf("messages: got %d, want 0", n)
	}
}
