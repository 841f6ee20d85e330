package sweeper_test

import (
	"errors"
	"testing"
	"time"

	"github.com/sweeperd/sweeper/sweeper"
)

// A sweep whose clock is earlier than the newest audit record refuses: the
// clock went back, or --as-of is wrong. --force runs anyway; a dry run,
// which writes nothing, is not held back.
func TestSweeper_ClockBehindAudit(t *testing.T) {
	dialects(t, func(t *testing.T, f *fixture) {
		f.exec(`CREATE TABLE orders (id AUTO_PK, created_at DATETIME NOT NULL)`,
			`INSERT INTO orders (created_at) VALUES ('2015-01-01 00:00:00'), ('2020-06-01 00:00:00')`)
		f.rule(sweeper.Rule{Name: "order-7y", Table: "orders", AgeColumns: []string{"created_at"}, OlderThan: years(7),
			Action: sweeper.ActionDelete})
		later := time.Date(2026, 11, 22, 3, 30, 0, 0, amsterdam)
		f.sweep(later, sweeper.SweepOptions{}) // deletes the 2015 order, audits it at `later`

		earlier := time.Date(2027, 1, 1, 0, 0, 0, 0, amsterdam).AddDate(-1, 0, 0) // before `later`
		rep, err := f.sw.Sweep(t.Context(), sweeper.SweepOptions{AsOf: earlier})
		if !errors.Is(err, sweeper.ErrClockBehind) || rep != nil {
			t.Fatalf("sweep with the clock behind: got %v, %v; want ErrClockBehind and no report", rep, err)
		}
		if _, err := f.sw.Sweep(t.Context(), sweeper.SweepOptions{AsOf: earlier, DryRun: true}); err != nil {
			t.Errorf("dry run with the clock behind: %v, want it allowed (it writes nothing)", err)
		}
		if got := f.count(`SELECT COUNT(*) FROM sweeper_audit`); got != 1 {
			t.Errorf("audit records after the refused sweep: got %d, want 1", got)
		}
		// Made due by the shop's own change, the 2020 order goes with --force.
		future := time.Date(2026, 11, 22, 3, 0, 0, 0, amsterdam) // still behind `later`
		f.exec(`UPDATE orders SET created_at = '2016-01-01 00:00:00'`)
		rep = f.sweep(future, sweeper.SweepOptions{Force: true})
		if got := rep.Rules[0].Rows; got != 1 {
			t.Errorf("forced sweep: got %d rows, want 1", got)
		}
		// The same moment as the newest record is not behind it.
		f.exec(`INSERT INTO orders (created_at) VALUES ('2015-05-05 00:00:00')`)
		if rep := f.sweep(later, sweeper.SweepOptions{}); rep.Rules[0].Rows != 1 {
			t.Errorf("sweep at the newest record's moment: got %d rows, want 1", rep.Rules[0].Rows)
		}
	})
}
