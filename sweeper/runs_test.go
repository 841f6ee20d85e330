package sweeper_test

import (
	"testing"
	"time"

	"github.com/sweeperd/sweeper/sweeper"
)

// A rule's last success is recorded where every sweeper of the database,
// and a restarted daemon, can read it: a rule with nothing to do succeeds
// too; a dry run and a failed rule do not move it.
func TestSweeper_LastSuccess(t *testing.T) {
	dialects(t, func(t *testing.T, f *fixture) {
		now := time.Date(2026, 11, 22, 3, 30, 0, 0, amsterdam)
		clockShop(f, &now)
		f.exec(`CREATE TABLE complaints (id AUTO_PK, filed_at DATETIME NOT NULL)`)
		f.rule(sweeper.Rule{Name: "complaint-1y", Table: "complaints", AgeColumns: []string{"filed_at"}, OlderThan: years(1),
			Action: sweeper.ActionDelete})
		f.exec(`INSERT INTO orders (created_at) VALUES ('2015-01-01 00:00:00')`)

		if got, err := f.sw.LastSuccesses(t.Context()); err != nil || len(got) != 0 {
			t.Fatalf("before any sweep: got %v, %v; want none", got, err)
		}
		f.sweepNow(sweeper.SweepOptions{DryRun: true})
		if got, err := f.sw.LastSuccesses(t.Context()); err != nil || len(got) != 0 {
			t.Errorf("after a dry run: got %v, %v; want none", got, err)
		}
		first := now
		f.sweepNow(sweeper.SweepOptions{})
		got, err := f.sw.LastSuccesses(t.Context())
		if err != nil || len(got) != 2 || !got["order-7y"].Equal(first) || !got["complaint-1y"].Equal(first) {
			t.Fatalf("after a sweep: got %v, %v; want both rules at %v", got, err, first.UTC())
		}

		// The complaints table goes away: that rule fails, the other succeeds.
		now = now.Add(24 * time.Hour)
		f.exec(`DROP TABLE complaints`)
		if _, err := f.sw.Sweep(t.Context(), sweeper.SweepOptions{}); err == nil {
			t.Fatal("sweep without the complaints table: no error")
		}
		got, _ = f.sw.LastSuccesses(t.Context())
		if !got["order-7y"].Equal(now) || !got["complaint-1y"].Equal(first) {
			t.Errorf("after a sweep where complaint-1y failed: got %v, want order-7y at %v and complaint-1y still at %v",
				got, now.UTC(), first.UTC())
		}
	})
}
