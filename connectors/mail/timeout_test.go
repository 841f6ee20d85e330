package mail

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/sweeperd/sweeper/internal/smtptest"
	"github.com/sweeperd/sweeper/sweeper"
)

// silentMailer returns a Mailer for a server that never answers.
func silentMailer(t *testing.T, srv *smtptest.Silent, tlsMode string, timeout time.Duration) *Mailer {
	t.Helper()
	host, port := srv.Addr()
	m, err := New(sweeper.Mail{Host: host, Port: port, TLS: tlsMode, Timeout: timeout,
		Username: "sweeper", Password: testPassword, From: "Kleintjesgeluk <info@kleintjesgeluk.nl>"})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// sendAsync sends in the background; the result arrives on the channel.
func sendAsync(ctx context.Context, m *Mailer) <-chan error {
	done := make(chan error, 1)
	go func() { done <- m.Send(ctx, testMessage()) }()
	return done
}

// TestSend_SilentServer: a server that accepts and never answers holds a
// send for mail.timeout, in every TLS mode, and the error says so.
func TestSend_SilentServer(t *testing.T) {
	for _, mode := range []string{"none", "starttls", "tls"} {
		t.Run(mode, func(t *testing.T) {
			srv := smtptest.StartSilent(t)
			done := sendAsync(context.Background(), silentMailer(t, srv, mode, 300*time.Millisecond))
			select {
			case err := <-done:
				if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "mail.timeout") {
					t.Errorf("send: got %v, want a timeout naming mail.timeout", err)
				}
				assertClean(t, err)
			case <-time.After(wait):
				t.Fatalf("send to a silent server did not give up within %s, with mail.timeout 300ms", wait)
			}
		})
	}
}

// TestSend_StopMidSend: a stop while the server hangs in the middle of a
// mail ends the send at once and hangs up, however long mail.timeout is.
func TestSend_StopMidSend(t *testing.T) {
	for _, mode := range []string{"none", "starttls", "tls"} {
		t.Run(mode, func(t *testing.T) {
			srv := smtptest.StartWith(t, smtptest.Options{TLS: mode, Username: "sweeper", Password: testPassword})
			srv.SetHang(true)
			m := newMailer(t, srv, mode, "sweeper", testPassword)
			m.timeout = time.Hour
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			done := sendAsync(ctx, m)
			select {
			case <-srv.Hanging():
			case <-time.After(wait):
				t.Fatal("the mailer never got to MAIL FROM")
			}
			cancel()
			select {
			case err := <-done:
				if !errors.Is(err, context.Canceled) {
					t.Errorf("send: got %v, want context.Canceled", err)
				}
				assertClean(t, err)
			case <-time.After(wait):
				t.Fatalf("send did not stop within %s of the cancel", wait)
			}
			select {
			case <-srv.HungUp():
			case <-time.After(wait):
				t.Errorf("the mailer kept the connection open after the stop")
			}
		})
	}
}
