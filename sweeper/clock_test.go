package sweeper_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sweeperd/sweeper/connectors/files"
	"github.com/sweeperd/sweeper/sweeper"
)

// clockShop is one table of orders and a rule deleting them after seven
// years, with the sweeper's own clock pinned to *now.
func clockShop(f *fixture, now *time.Time) {
	f.exec(`CREATE TABLE orders (id AUTO_PK, created_at DATETIME NOT NULL)`)
	f.rule(sweeper.Rule{Name: "order-7y", Table: "orders", AgeColumns: []string{"created_at"}, OlderThan: years(7),
		Action: sweeper.ActionDelete})
	f.sw.Now = func() time.Time { return *now }
}

// clockRecords returns the details of the audit records a run forced past
// the clock guard wrote.
func clockRecords(f *fixture) []string {
	f.t.Helper()
	if !engHasTable(f, "sweeper_audit") {
		return nil
	}
	return engStrings(f, `SELECT detail FROM sweeper_audit WHERE action = 'clock' ORDER BY id`)
}

// A sweep whose --as-of is later than the sweeper's clock would delete rows
// before their time: it refuses and touches nothing, unless forced. A forced
// one writes its audit records at the real time, so the next ordinary run
// is not held back by them.
func TestSweeper_AsOfAhead(t *testing.T) {
	dialects(t, func(t *testing.T, f *fixture) {
		now := time.Date(2026, 11, 22, 3, 30, 0, 0, amsterdam)
		clockShop(f, &now)
		// Due as of 2027-01-08 (cutoff 2020-01-08), not yet as of now (cutoff 2019-11-22).
		f.exec(`INSERT INTO orders (created_at) VALUES ('2019-12-01 00:00:00')`)
		future := time.Date(2027, 1, 8, 0, 0, 0, 0, amsterdam)

		rep, err := f.sw.Sweep(t.Context(), sweeper.SweepOptions{AsOf: future})
		if !errors.Is(err, sweeper.ErrAsOfAhead) || rep != nil {
			t.Fatalf("sweep as of a future day: got %v, %v; want ErrAsOfAhead and no report", rep, err)
		}
		if !strings.Contains(err.Error(), "2027-01-08") || !strings.Contains(err.Error(), "--force") {
			t.Errorf("refusal: got %q, want it to name the as-of and --force", err)
		}
		if got := f.count(`SELECT COUNT(*) FROM orders`); got != 1 {
			t.Fatalf("orders after the refused sweep: got %d, want 1", got)
		}
		if got := engAuditCount(f); got != 0 {
			t.Errorf("audit records after the refused sweep: got %d, want 0", got)
		}
		// A dry run writes nothing: it may look ahead.
		if rep, err := f.sw.Sweep(t.Context(), sweeper.SweepOptions{AsOf: future, DryRun: true}); err != nil || rep.Rules[0].Rows != 1 {
			t.Errorf("dry run as of a future day: got %v, %v; want 1 row, no error", rep, err)
		}
		// Within the tolerance: a time typed by hand, another machine's clock.
		// It runs, but on the real clock: a row due only by the as-of, 30 s
		// after the real cutoff, stays.
		f.exec(`INSERT INTO orders (created_at) VALUES ('2019-11-22 03:30:30')`)
		rep, err = f.sw.Sweep(t.Context(), sweeper.SweepOptions{AsOf: now.Add(59 * time.Second)})
		if err != nil {
			t.Errorf("sweep as of 59 s ahead: %v, want it allowed", err)
		} else if !rep.AsOf.Equal(now) || rep.Rules[0].Rows != 0 {
			t.Errorf("sweep as of 59 s ahead: as of %v, %d rows; want the real clock %v and 0 rows",
				rep.AsOf, rep.Rules[0].Rows, now)
		}
		f.exec(`DELETE FROM orders WHERE created_at = '2019-11-22 03:30:30'`)

		rep, err = f.sw.Sweep(t.Context(), sweeper.SweepOptions{AsOf: future, Force: true})
		if err != nil || rep.Rules[0].Rows != 1 {
			t.Fatalf("forced sweep as of a future day: got %v, %v; want 1 row deleted", rep, err)
		}
		for _, r := range engAudit(f, rep.RunID) {
			if !r.At.Equal(now) {
				t.Errorf("audit record %s %s: at %v, want the real time %v, not the as-of", r.Action, r.RowKey, r.At, now.UTC())
			}
		}
		if got := clockRecords(f); len(got) != 1 || !strings.Contains(got[0], "2027-01-08") {
			t.Errorf("clock records of the forced run: got %q, want one naming the as-of", got)
		}

		// The next ordinary run, on the real clock, is not locked out.
		now = now.Add(time.Hour)
		f.exec(`INSERT INTO orders (created_at) VALUES ('2015-01-01 00:00:00')`)
		rep, err = f.sw.Sweep(t.Context(), sweeper.SweepOptions{})
		if err != nil || rep.Rules[0].Rows != 1 {
			t.Errorf("ordinary sweep after a forced future one: got %v, %v; want 1 row, no error", rep, err)
		}
	})
}

// Every audit record of a run (rows, reminders, files, rows without an
// address) carries the real time it was written, whatever the run's as-of.
func TestSweeper_AuditAtRealTime(t *testing.T) {
	tmpl, err := filepath.Abs("../templates/account-reminder.nl.txt")
	if err != nil {
		t.Fatal(err)
	}
	dialects(t, func(t *testing.T, f *fixture) {
		now := time.Date(2026, 11, 22, 3, 30, 0, 0, amsterdam)
		f.sw.Now = func() time.Time { return now }
		root := t.TempDir()
		if err := os.WriteFile(filepath.Join(root, "2.jpg"), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
		f.exec(`CREATE TABLE customers (id AUTO_PK, email VARCHAR(100) NULL, first_name VARCHAR(50), photo_path VARCHAR(100) NULL,
			created_at DATETIME NOT NULL)`,
			`INSERT INTO customers (id, email, first_name, photo_path, created_at) VALUES
				(1, 'anne@example.com', 'Anne', NULL, '2015-01-01 00:00:00'), (2, NULL, 'Bram', '2.jpg', '2015-01-01 00:00:00')`)
		f.rule(sweeper.Rule{Name: "account-5y", Table: "customers", AgeColumns: []string{"created_at"}, OlderThan: years(5),
			Action: sweeper.ActionDelete, Files: &sweeper.Files{Column: "photo_path", Root: root},
			Reminder: &sweeper.Reminder{Before: months(1), EmailColumn: "email", Columns: []string{"first_name"}, Template: tmpl}})
		f.sw.Mailer, f.sw.Files = &mailbox{}, files.Remover{}

		rep := f.sweepNow(sweeper.SweepOptions{AsOf: now.AddDate(0, 0, -10)})
		actions := map[string]bool{}
		for _, r := range engAudit(f, rep.RunID) {
			actions[r.Action] = true
			if !r.At.Equal(now) {
				t.Errorf("%s record of row %s: at %v, want the real time %v", r.Action, r.RowKey, r.At, now.UTC())
			}
		}
		for _, a := range []string{"remind", "delete", "no-address", "file"} {
			if !actions[a] {
				t.Errorf("the run wrote no %s record (got %v): the test proves less", a, actions)
			}
		}
	})
}

// A sweep whose own clock is behind the newest audit record refuses: the
// clock went back, and a clock that is wrong once may be wrong the other
// way. A dry run is not held back, and an --as-of in the past is not the
// clock. --force runs anyway and records that the operator accepted the
// clock; later runs honour that.
func TestSweeper_ClockBehindAudit(t *testing.T) {
	dialects(t, func(t *testing.T, f *fixture) {
		now := time.Date(2026, 11, 22, 3, 30, 0, 0, amsterdam)
		clockShop(f, &now)
		f.exec(`INSERT INTO orders (created_at) VALUES ('2015-01-01 00:00:00'), ('2015-02-01 00:00:00')`)
		if rep := f.sweepNow(sweeper.SweepOptions{}); rep.Rules[0].Rows != 2 {
			t.Fatalf("first sweep: got %d rows, want 2", rep.Rules[0].Rows)
		}
		newest := now

		now = newest.Add(-2 * time.Hour)
		f.exec(`INSERT INTO orders (created_at) VALUES ('2015-03-01 00:00:00')`)
		for _, opt := range []sweeper.SweepOptions{{}, {AsOf: newest.AddDate(0, 0, -1)}} {
			rep, err := f.sw.Sweep(t.Context(), opt)
			if !errors.Is(err, sweeper.ErrClockBehind) || rep != nil {
				t.Fatalf("sweep with the clock behind (as-of %v): got %v, %v; want ErrClockBehind and no report", opt.AsOf, rep, err)
			}
		}
		if got := f.count(`SELECT COUNT(*) FROM orders`); got != 1 {
			t.Errorf("orders after the refused sweeps: got %d, want 1", got)
		}
		if _, err := f.sw.Sweep(t.Context(), sweeper.SweepOptions{DryRun: true}); err != nil {
			t.Errorf("dry run with the clock behind: %v, want it allowed (it writes nothing)", err)
		}
		// Within the tolerance: a second sweeper's clock a little behind.
		now = newest.Add(-59 * time.Second)
		if _, err := f.sw.Sweep(t.Context(), sweeper.SweepOptions{Rules: []string{"order-7y"}}); err != nil {
			t.Errorf("sweep 59 s behind the newest record: %v, want it allowed", err)
		}

		// A correct clock and an --as-of in the past: it deletes later, never earlier.
		now = newest.Add(time.Hour)
		f.exec(`INSERT INTO orders (created_at) VALUES ('2015-04-01 00:00:00')`)
		if rep := f.sweepNow(sweeper.SweepOptions{AsOf: newest.AddDate(0, 0, -1)}); rep.Rules[0].Rows != 1 {
			t.Errorf("sweep as of yesterday: got %d rows, want 1", rep.Rules[0].Rows)
		}

		// The clock went back a day; the operator checked it and forces.
		now = newest.AddDate(0, 0, -1)
		f.exec(`INSERT INTO orders (created_at) VALUES ('2015-05-01 00:00:00')`)
		if rep := f.sweepNow(sweeper.SweepOptions{Force: true}); rep.Rules[0].Rows != 1 {
			t.Errorf("forced sweep: got %d rows, want 1", rep.Rules[0].Rows)
		}
		if got := clockRecords(f); len(got) != 1 || !strings.Contains(got[0], "accepted") {
			t.Errorf("clock records: got %q, want one saying the clock was accepted", got)
		}
		// From here on the accepted clock is the measure.
		now = now.Add(time.Minute)
		f.exec(`INSERT INTO orders (created_at) VALUES ('2015-06-01 00:00:00')`)
		if rep := f.sweepNow(sweeper.SweepOptions{}); rep.Rules[0].Rows != 1 {
			t.Errorf("sweep after the clock was accepted: got %d rows, want 1", rep.Rules[0].Rows)
		}
		if got := clockRecords(f); len(got) != 1 {
			t.Errorf("clock records after an ordinary run: got %d, want still 1", len(got))
		}
	})
}

// An audit table holding records from the future (an earlier version
// dated them by --as-of) refuses every run; one forced run, even with
// nothing to do, accepts the clock, and the runs after it go.
func TestSweeper_ClockRecoversFromFutureRecords(t *testing.T) {
	dialects(t, func(t *testing.T, f *fixture) {
		now := time.Date(2026, 11, 22, 3, 30, 0, 0, amsterdam)
		clockShop(f, &now)
		f.sweepNow(sweeper.SweepOptions{}) // creates the audit table
		f.exec(`INSERT INTO sweeper_audit (run_id, at, rule, table_name, row_key, action, detail)
			VALUES ('old', '2027-01-07 23:00:00.000000', 'order-7y', 'orders', '99', 'delete', '')`)
		f.exec(`INSERT INTO orders (created_at) VALUES ('2015-01-01 00:00:00')`)

		if _, err := f.sw.Sweep(t.Context(), sweeper.SweepOptions{}); !errors.Is(err, sweeper.ErrClockBehind) {
			t.Fatalf("sweep behind a record of 2027: got %v, want ErrClockBehind", err)
		}
		// Forced with nothing to do: the rule's rows are not its business here.
		if rep := f.sweepNow(sweeper.SweepOptions{Force: true, Rules: []string{"order-7y"}}); rep == nil {
			t.Fatal("forced sweep: no report")
		}
		if got := clockRecords(f); len(got) != 1 || !strings.Contains(got[0], "2027-01-07") {
			t.Errorf("clock records: got %q, want one naming the newest record it overrode", got)
		}
		now = now.Add(24 * time.Hour)
		f.exec(`INSERT INTO orders (created_at) VALUES ('2015-01-02 00:00:00')`)
		if _, err := f.sw.Sweep(t.Context(), sweeper.SweepOptions{}); err != nil {
			t.Errorf("sweep the day after the forced one: %v, want it allowed", err)
		}
		if got := f.count(`SELECT COUNT(*) FROM orders`); got != 0 {
			t.Errorf("orders left: got %d, want 0", got)
		}
	})
}

// Erase is held by the same guard: its audit records carry its clock.
func TestSweeper_EraseClockGuard(t *testing.T) {
	dialects(t, func(t *testing.T, f *fixture) {
		now := time.Date(2026, 11, 22, 3, 30, 0, 0, amsterdam)
		clockShop(f, &now)
		f.exec(`INSERT INTO orders (created_at) VALUES ('2015-01-01 00:00:00'), ('2026-01-01 00:00:00')`)
		f.sweepNow(sweeper.SweepOptions{})

		now = now.Add(-2 * time.Hour)
		res, err := f.sw.Erase(context.Background(), sweeper.EraseOptions{Rule: "order-7y", Keys: []string{"2"}})
		if !errors.Is(err, sweeper.ErrClockBehind) {
			t.Fatalf("erase with the clock behind: got %v, %v; want ErrClockBehind", res, err)
		}
		if got := f.count(`SELECT COUNT(*) FROM orders`); got != 1 {
			t.Errorf("orders after the refused erase: got %d, want 1", got)
		}
		if _, err := f.sw.Erase(context.Background(), sweeper.EraseOptions{Rule: "order-7y", Keys: []string{"2"}, DryRun: true}); err != nil {
			t.Errorf("erase --dry-run with the clock behind: %v, want it allowed", err)
		}
		res, err = f.sw.Erase(context.Background(), sweeper.EraseOptions{Rule: "order-7y", Keys: []string{"2"}, Force: true})
		if err != nil || res.Erased() != 1 {
			t.Fatalf("forced erase: got %v, %v; want 1 erased", res, err)
		}
		for _, r := range engAudit(f, res.RunID) {
			if !r.At.Equal(now) {
				t.Errorf("erase record %s: at %v, want %v", r.Action, r.At, now.UTC())
			}
		}
		if got := clockRecords(f); len(got) != 1 {
			t.Errorf("clock records of the forced erase: got %q, want one", got)
		}
	})
}

// sweepNow sweeps on the sweeper's own clock, failing the test on an error.
func (f *fixture) sweepNow(opt sweeper.SweepOptions) *sweeper.Report {
	f.t.Helper()
	rep, err := f.sw.Sweep(context.Background(), opt)
	if err != nil {
		f.t.Fatalf("sweep: %v", err)
	}
	return rep
}
