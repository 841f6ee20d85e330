package sweeper_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/sweeperd/sweeper/sweeper"
)

// lagScript is a ReplicaMonitor that plays a list of answers, then reports
// replicas that have caught up.
type lagScript struct {
	mu      sync.Mutex
	answers []lagAnswer
	calls   int
}

type lagAnswer struct {
	lag   time.Duration
	known bool
}

func (l *lagScript) Lag(context.Context) (time.Duration, bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.calls++
	if len(l.answers) == 0 {
		return 0, true, nil
	}
	a := l.answers[0]
	l.answers = l.answers[1:]
	return a.lag, a.known, nil
}

var _ sweeper.ReplicaMonitor = (*lagScript)(nil)

func TestSweeper_ReplicaLag(t *testing.T) {
	f := setup(t, sweeper.SQLite)
	f.exec(`CREATE TABLE orders (id AUTO_PK, created_at DATETIME NOT NULL)`)
	for i := 0; i < 30; i++ {
		f.exec(`INSERT INTO orders (created_at) VALUES ('2015-01-01 00:00:00')`)
	}
	f.rule(sweeper.Rule{Name: "order-7y", Table: "orders", AgeColumns: []string{"created_at"}, OlderThan: years(7),
		Action: sweeper.ActionDelete, BatchSize: 10})
	f.cfg.Database.MaxReplicaLag = 10 * time.Second
	// After the first batch: 20 s behind, then stopped (unknown), then caught up.
	mon := &lagScript{answers: []lagAnswer{{20 * time.Second, true}, {0, false}, {3 * time.Second, true}}}
	f.sw.Replicas = mon
	core, logs := observer.New(zap.InfoLevel)
	f.sw.Log = zap.New(core)

	batchesAtPause := -1
	var audit int
	sweeper.SetBeforeLock(f.sw, func(string, []any) {
		// The second batch may only start once the replicas caught up.
		if batchesAtPause < 0 && mon.calls > 0 {
			batchesAtPause = mon.calls
			audit = f.count(`SELECT COUNT(*) FROM sweeper_audit`)
		}
	})
	start := time.Now()
	rep := f.sweep(time.Date(2026, 11, 22, 0, 0, 0, 0, amsterdam), sweeper.SweepOptions{})
	if got := rep.Rules[0].Rows; got != 30 {
		t.Fatalf("rows: got %d, want 30: the sweep goes on once the replicas caught up", got)
	}
	if batchesAtPause != 3 {
		t.Errorf("lag checks before the second batch: got %d, want 3 (lagging, unknown, caught up)", batchesAtPause)
	}
	if audit != 10 {
		t.Errorf("rows done when the second batch started: got %d, want 10 (one batch)", audit)
	}
	if took := time.Since(start); took < 2*time.Second {
		t.Errorf("the sweep took %s: it cannot have paused twice for a second", took)
	}
	if n := logs.FilterField(zap.String("event", "replica.lag")).Len(); n != 1 {
		t.Errorf("replica.lag log lines: got %d, want 1 (then quiet for 30 s)", n)
	}
	if n := logs.FilterField(zap.String("event", "replica.resume")).Len(); n != 1 {
		t.Errorf("replica.resume log lines: got %d, want 1", n)
	}
}
