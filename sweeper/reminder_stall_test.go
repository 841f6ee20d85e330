package sweeper_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/sweeperd/sweeper/connectors/mail"
	"github.com/sweeperd/sweeper/internal/smtptest"
	"github.com/sweeperd/sweeper/sweeper"
)

// stallAccounts is how many overdue accounts wait for their reminder.
const stallAccounts = 10

// setupStall creates stallAccounts accounts, all overdue, with a rule that
// reminds them a month before deletion, and logs into an observer.
func setupStall(t *testing.T, f *fixture) *observer.ObservedLogs {
	t.Helper()
	tmpl, err := filepath.Abs("../templates/account-reminder.nl.txt")
	if err != nil {
		t.Fatal(err)
	}
	f.exec(`CREATE TABLE customers (id AUTO_PK, email VARCHAR(100) NULL, first_name VARCHAR(50), created_at DATETIME NOT NULL)`)
	for i := 1; i <= stallAccounts; i++ {
		f.exec(fmt.Sprintf(`INSERT INTO customers (email, first_name, created_at) VALUES ('klant%d@example.com', 'Klant', '2015-01-01 00:00:00')`, i))
	}
	f.rule(sweeper.Rule{Name: "account-idle-5y", Table: "customers", AgeColumns: []string{"created_at"},
		OlderThan: years(5), Action: sweeper.ActionDelete,
		Reminder: &sweeper.Reminder{Before: months(1), EmailColumn: "email", Columns: []string{"first_name"}, Template: tmpl}})
	core, logs := observer.New(zap.DebugLevel)
	f.sw.Log = zap.New(core)
	return logs
}

// mailerFor returns the real SMTP mailer for a server at host:port.
func mailerFor(t *testing.T, host string, port int, timeout time.Duration) *mail.Mailer {
	t.Helper()
	m, err := mail.New(sweeper.Mail{Host: host, Port: port, TLS: "none", Timeout: timeout, From: "Winkel <info@example.com>"})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestSweeper_ReminderServerStalls holds a rule's reminders to a mail
// server that stops answering: the run gives up after a few mails instead
// of waiting out every one, a stop ends the mail in flight, and no claim
// is left behind to hold a reminder back for an hour.
func TestSweeper_ReminderServerStalls(t *testing.T) {
	asOf := day(2026, 11, 22)

	t.Run("StopsSendingAfterConsecutiveFailures", func(t *testing.T) {
		dialects(t, func(t *testing.T, f *fixture) {
			logs := setupStall(t, f)
			silent := smtptest.StartSilent(t)
			host, port := silent.Addr()
			f.sw.Mailer = mailerFor(t, host, port, 100*time.Millisecond)

			rep, err := engSweep(f, asOf, sweeper.SweepOptions{})
			engPartial(t, err)
			rr := engRule(t, rep, "account-idle-5y")
			if rr.Reminders != 0 || rr.RemindersFailed != 3 {
				t.Errorf("reminders: got %d sent, %d failed; want 0 and 3", rr.Reminders, rr.RemindersFailed)
			}
			if rr.Err == nil || !strings.Contains(rr.Err.Error(), "7") {
				t.Errorf("rule error: got %v, want one naming the 7 mails not tried", rr.Err)
			}
			if got := silent.Connections(); got != 3 {
				t.Errorf("connections to the silent server: got %d, want 3, not one per account (%d)", got, stallAccounts)
			}
			stopped := logs.FilterField(zap.Int("not_sent", stallAccounts-3)).FilterField(zap.String("event", "reminder.error"))
			if stopped.Len() != 1 || stopped.FilterField(zap.Int("failed", 3)).Len() != 1 {
				t.Errorf("reminder.error lines with failed=3 and not_sent=%d: got %d, want 1",
					stallAccounts-3, stopped.Len())
			}
			if got := logs.FilterField(zap.String("event", "reminder.error")).Len(); got > 3 {
				t.Errorf("reminder.error lines: got %d, want at most 3 (not one per account)", got)
			}
			if got := f.count(`SELECT COUNT(*) FROM customers`); got != stallAccounts {
				t.Errorf("accounts left: got %d, want all %d", got, stallAccounts)
			}
			if got := f.count(`SELECT COUNT(*) FROM sweeper_reminders`); got != 0 {
				t.Errorf("reminder records after the failed run: got %d, want 0 (every claim released)", got)
			}

			// The server is back: the next run sends every reminder.
			srv := smtptest.Start(t)
			host, port = srv.Addr()
			f.sw.Mailer = mailerFor(t, host, port, 10*time.Second)
			rep = f.sweep(asOf.Add(time.Hour), sweeper.SweepOptions{})
			if got := engRule(t, rep, "account-idle-5y").Reminders; got != stallAccounts {
				t.Errorf("reminders on the next run: got %d, want %d", got, stallAccounts)
			}
		})
	})

	t.Run("StopReleasesTheClaimInFlight", func(t *testing.T) {
		dialects(t, func(t *testing.T, f *fixture) {
			setupStall(t, f)
			srv := smtptest.Start(t)
			srv.SetHang(true)
			host, port := srv.Addr()
			f.sw.Mailer = mailerFor(t, host, port, time.Hour)

			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			done := make(chan error, 1)
			go func() {
				_, err := f.sw.Sweep(ctx, sweeper.SweepOptions{AsOf: asOf})
				done <- err
			}()
			select {
			case <-srv.Hanging():
			case <-time.After(30 * time.Second):
				t.Fatal("the sweep never got to its first mail")
			}
			if got := f.count(`SELECT COUNT(*) FROM sweeper_reminders WHERE state = 'sending'`); got != 1 {
				t.Fatalf("claims while the mail hangs: got %d, want 1", got)
			}
			cancel() // SIGTERM
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("the sweep did not stop within 10 s of the stop: the mail in flight held it")
			}
			select {
			case <-srv.HungUp():
			case <-time.After(10 * time.Second):
				t.Errorf("the connection of the mail in flight stayed open after the stop")
			}
			if got := f.count(`SELECT COUNT(*) FROM sweeper_reminders`); got != 0 {
				t.Errorf("reminder records after the stop: got %d, want 0 (the claim released)", got)
			}

			// The next run, minutes later, sends that reminder with the others.
			srv.SetHang(false)
			f.sw.Mailer = mailerFor(t, host, port, 10*time.Second)
			rep := f.sweep(asOf.Add(5*time.Minute), sweeper.SweepOptions{})
			if got := engRule(t, rep, "account-idle-5y").Reminders; got != stallAccounts {
				t.Errorf("reminders on the next run: got %d, want %d", got, stallAccounts)
			}
			if got := len(srv.Messages()); got != stallAccounts {
				t.Errorf("mails received: got %d, want %d", got, stallAccounts)
			}
		})
	})
}
