package sweeper_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sweeperd/sweeper/sweeper"
)

// mailbox is a Mailer that keeps what it is given, or fails when told to.
type mailbox struct {
	mu   sync.Mutex
	sent []sweeper.Message
	fail bool
}

func (m *mailbox) Send(_ context.Context, msg sweeper.Message) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail {
		return errors.New("smtp: 451 try again later")
	}
	m.sent = append(m.sent, msg)
	return nil
}

func (m *mailbox) to() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []string
	for _, s := range m.sent {
		out = append(out, s.To)
	}
	return out
}

var _ sweeper.Mailer = (*mailbox)(nil)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, amsterdam) }

func TestSweeper_Reminder(t *testing.T) {
	tmpl, err := filepath.Abs("../templates/account-reminder.nl.txt")
	if err != nil {
		t.Fatal(err)
	}
	setupReminder := func(t *testing.T, f *fixture) *mailbox {
		f.exec(`CREATE TABLE customers (id AUTO_PK, email VARCHAR(100) NULL, first_name VARCHAR(50), last_login_at DATETIME NULL, created_at DATETIME NOT NULL)`,
			// 1: due on 2026-12-10; 2: overdue since 2025 (the sweeper was just installed);
			// 3: no address; 4: active (due only in 2033); 5: due 2026-12-10 like 1
			`INSERT INTO customers (id, email, first_name, last_login_at, created_at) VALUES
				(1, 'anne@example.com', 'Anne', '2021-12-10 12:00:00', '2015-01-01 00:00:00'),
				(2, 'bram@example.com', 'Bram', NULL, '2020-01-01 00:00:00'),
				(3, '  ', 'Cor', NULL, '2020-01-01 00:00:00'),
				(4, 'dirk@example.com', 'Dirk', '2028-06-01 00:00:00', '2015-01-01 00:00:00'),
				(5, 'eva@example.com', 'Eva', '2021-12-10 12:00:00', '2015-01-01 00:00:00')`)
		f.rule(sweeper.Rule{Name: "account-idle-5y", Table: "customers", AgeColumns: []string{"last_login_at", "created_at"},
			OlderThan: years(5), Action: sweeper.ActionDelete,
			Reminder: &sweeper.Reminder{Before: months(1), EmailColumn: "email", Columns: []string{"first_name"}, Template: tmpl}})
		mb := &mailbox{}
		f.sw.Mailer = mb
		return mb
	}
	plan := func(t *testing.T, f *fixture, asOf time.Time) sweeper.RulePlan {
		t.Helper()
		p, err := f.sw.Plan(t.Context(), sweeper.PlanOptions{AsOf: asOf})
		if err != nil {
			t.Fatalf("plan: %v", err)
		}
		return p.Rules[0]
	}
	left := func(t *testing.T, f *fixture) []int64 { return f.ids(`SELECT id FROM customers ORDER BY id`) }

	t.Run("WholeCycle", func(t *testing.T) {
		dialects(t, func(t *testing.T, f *fixture) {
			mb := setupReminder(t, f)
			T := day(2026, 11, 22)

			p := plan(t, f, T)
			if p.Reminders != 3 || p.Due != 1 || p.AwaitingReminder != 1 {
				t.Errorf("plan at T: got reminders=%d due=%d awaiting=%d, want 3, 1 (no address), 1", p.Reminders, p.Due, p.AwaitingReminder)
			}
			dry := f.sweep(T, sweeper.SweepOptions{DryRun: true})
			if len(mb.to()) != 0 || dry.Rules[0].Reminders != 3 {
				t.Errorf("dry run: got %d mails sent and %d reminders counted, want 0 and 3", len(mb.to()), dry.Rules[0].Reminders)
			}

			rep := f.sweep(T, sweeper.SweepOptions{})
			if got := rep.Rules[0].Reminders; got != 3 {
				t.Errorf("reminders at T: got %d, want 3", got)
			}
			if got := strings.Join(mb.to(), ","); got != "anne@example.com,bram@example.com,eva@example.com" {
				t.Errorf("mails at T: got %s", got)
			}
			// Only the row without an address goes at T: due, and nobody to remind.
			if got := left(t, f); len(got) != 4 || got[2] != 4 {
				t.Errorf("rows after T: got %v, want [1 2 4 5]", got)
			}
			if got := f.count(`SELECT COUNT(*) FROM sweeper_audit WHERE action = 'no-address' AND row_key = '3'`); got != 1 {
				t.Errorf("no-address audit record: got %d, want 1", got)
			}
			for _, m := range mb.sent {
				if m.To == "bram@example.com" && !strings.Contains(m.Subject+m.Body, "22 december 2026") {
					t.Errorf("Bram's mail should name 22 december 2026 (sent + 1 month); got %q", m.Subject+"\n"+m.Body)
				}
				if m.To == "anne@example.com" && !strings.Contains(m.Subject+m.Body, "22 december 2026") {
					t.Errorf("Anne's mail should name 22 december 2026 (her age + 5 years is 10 December, sent + 1 month is later)")
				}
			}

			// A second run the same day sends nothing again.
			f.sweep(T, sweeper.SweepOptions{})
			if got := len(mb.to()); got != 3 {
				t.Errorf("mails after a second run at T: got %d, want 3", got)
			}

			// Eva logs in on 1 December: her reminder no longer counts.
			f.exec(`UPDATE customers SET last_login_at = '2026-12-01 09:00:00' WHERE id = 5`)

			// T + 29 days: Anne and Bram are due by age but were reminded less than a month ago.
			p = plan(t, f, T.AddDate(0, 0, 29))
			if p.Due != 0 || p.AwaitingReminder != 2 {
				t.Errorf("plan at T+29d: got due=%d awaiting=%d, want 0, 2", p.Due, p.AwaitingReminder)
			}
			f.sweep(T.AddDate(0, 0, 29), sweeper.SweepOptions{})
			if got := left(t, f); len(got) != 4 {
				t.Errorf("rows after T+29d: got %v, want [1 2 4 5]", got)
			}

			// T + 1 month: both go; Eva stays.
			rep = f.sweep(day(2026, 12, 22), sweeper.SweepOptions{})
			if got := rep.Rules[0].Rows; got != 2 {
				t.Errorf("deleted at T+1 month: got %d, want 2", got)
			}
			if got := left(t, f); len(got) != 2 || got[0] != 4 || got[1] != 5 {
				t.Errorf("rows after T+1 month: got %v, want [4 5]", got)
			}
			if got := len(mb.to()); got != 3 {
				t.Errorf("mails by T+1 month: got %d, want 3", got)
			}

			// Eva's new period: a reminder a month before 2031-12-01, deletion a month after it.
			f.sweep(day(2031, 11, 5), sweeper.SweepOptions{})
			if got := mb.to(); len(got) != 4 || got[3] != "eva@example.com" {
				t.Errorf("mails after Eva's new window opened: got %v, want a fourth to eva", got)
			}
			f.sweep(day(2031, 12, 2), sweeper.SweepOptions{})
			if got := left(t, f); len(got) != 2 {
				t.Errorf("Eva went before a month after her new reminder: rows %v", got)
			}
			f.sweep(day(2031, 12, 6), sweeper.SweepOptions{})
			if got := left(t, f); len(got) != 1 || got[0] != 4 {
				t.Errorf("rows after Eva's second reminder ran out: got %v, want [4]", got)
			}
			if got := f.count(`SELECT COUNT(*) FROM sweeper_audit WHERE action = 'remind'`); got != 4 {
				t.Errorf("remind audit records: got %d, want 4", got)
			}
		})
	})

	t.Run("FailedMailKeepsTheRowAndRetries", func(t *testing.T) {
		dialects(t, func(t *testing.T, f *fixture) {
			mb := setupReminder(t, f)
			mb.fail = true
			_, err := f.sw.Sweep(t.Context(), sweeper.SweepOptions{AsOf: day(2026, 12, 22)})
			var pe *sweeper.PartialError
			if !errors.As(err, &pe) {
				t.Fatalf("sweep with mail down: got %v, want a *PartialError", err)
			}
			// Only the row without an address goes; the others were never reminded.
			if got := left(t, f); len(got) != 4 {
				t.Errorf("rows after the failed mails: got %v, want [1 2 4 5]", got)
			}
			mb.fail = false
			f.sweep(day(2026, 12, 23), sweeper.SweepOptions{})
			if got := len(mb.to()); got != 3 {
				t.Errorf("mails on the retry: got %d, want 3", got)
			}
			if got := left(t, f); len(got) != 4 {
				t.Errorf("rows right after the retry: got %v, want [1 2 4 5]", got)
			}
			f.sweep(day(2027, 1, 23), sweeper.SweepOptions{})
			if got := left(t, f); len(got) != 1 {
				t.Errorf("rows a month after the retry: got %v, want [4]", got)
			}
		})
	})

	t.Run("ConcurrentSweepsSendOneMail", func(t *testing.T) {
		dialects(t, func(t *testing.T, f *fixture) {
			mb := setupReminder(t, f)
			var wg sync.WaitGroup
			for range 4 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					f.sw.Sweep(context.Background(), sweeper.SweepOptions{AsOf: day(2026, 11, 22)})
				}()
			}
			wg.Wait()
			if got := len(mb.to()); got != 3 {
				t.Errorf("mails from four concurrent sweeps: got %d (%v), want 3", got, mb.to())
			}
		})
	})
}

// TestSweeper_ReminderClaim races the claim a sweep makes before it mails
// a row, with the rule's lock out of the way: two sweepers that both read
// the row's reminder record as needing a mail must not both send it.
// Each round, claimers all read the record, then all claim at once;
// exactly one wins, and the record names its run.
func TestSweeper_ReminderClaim(t *testing.T) {
	const (
		rounds   = 20
		claimers = 6
		rule     = "account-idle-5y"
		ageValue = "2021-12-10T11:00:00Z"
	)
	at := time.Date(2026, 11, 22, 2, 30, 0, 0, time.UTC)
	// seed puts the record a claim meets for key in place ("" for none).
	for _, tc := range []struct {
		name string
		seed string
	}{
		{"FirstReminder", ""},
		// A sweeper died between claiming and sending, two hours ago.
		{"StaleClaim", `INSERT INTO sweeper_reminders (rule, row_key, age_value, state, run_id, claimed_at)
			VALUES ('` + rule + `', '%s', '` + ageValue + `', 'sending', 'crashed', '2026-11-22 00:30:00.000000')`},
		// Reminded before; the customer logged in since, so the age value changed.
		{"NewAgeValue", `INSERT INTO sweeper_reminders (rule, row_key, age_value, state, run_id, claimed_at, sent_at)
			VALUES ('` + rule + `', '%s', '2016-01-01T00:00:00Z', 'sent', 'earlier', '2020-12-01 03:30:00.000000', '2020-12-01 03:30:01.000000')`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dialects(t, func(t *testing.T, f *fixture) {
				ctx := context.Background()
				if err := sweeper.EnsureRemindersTable(ctx, f.sw); err != nil {
					t.Fatal(err)
				}
				for round := range rounds {
					key := fmt.Sprintf("k%d", round)
					if tc.seed != "" {
						f.exec(fmt.Sprintf(tc.seed, key))
					}
					var read sync.WaitGroup
					read.Add(claimers)
					won := make([]bool, claimers)
					errs := make([]error, claimers)
					var wg sync.WaitGroup
					for i := range claimers {
						wg.Add(1)
						go func() {
							defer wg.Done()
							won[i], errs[i] = sweeper.ClaimReminder(ctx, f.sw, rule, key, ageValue, fmt.Sprintf("run-%d", i), at,
								func() { read.Done(); read.Wait() })
						}()
					}
					wg.Wait()
					var winners []string
					for i := range claimers {
						if errs[i] != nil {
							t.Errorf("round %d: claim of run-%d: %v", round, i, errs[i])
						}
						if won[i] {
							winners = append(winners, fmt.Sprintf("run-%d", i))
						}
					}
					if len(winners) != 1 {
						t.Fatalf("round %d: claims won: got %v, want exactly one", round, winners)
					}
					var runID, state, av string
					q := `SELECT run_id, state, age_value FROM sweeper_reminders WHERE row_key = '` + key + `'`
					if err := f.raw.QueryRow(q).Scan(&runID, &state, &av); err != nil {
						t.Fatalf("round %d: read the record: %v", round, err)
					}
					if got, want := runID+" "+state+" "+av, winners[0]+" sending "+ageValue; got != want {
						t.Fatalf("round %d: record: got %s, want %s", round, got, want)
					}
				}
			})
		})
	}
}
