package sweeper_test

import (
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/sweeperd/sweeper/sweeper"
)

// TestScheduler runs a rule on "@every 1s": a run that panics is recovered
// and counted, the daemon's schedule goes on, a run that is still going
// when the next is due makes that one skip (rule.skipped), and the rule
// keeps running afterwards. With cron v3.0.1 the chain order matters: a
// recovered panic must not make the job skip forever (robfig/cron#366).
func TestScheduler(t *testing.T) {
	f := setup(t, sweeper.SQLite)
	f.exec(`CREATE TABLE orders (id AUTO_PK, created_at DATETIME NOT NULL)`,
		`INSERT INTO orders (created_at) VALUES ('2015-01-01 00:00:00')`)
	r := f.rule(sweeper.Rule{Name: "order-7y", Table: "orders", AgeColumns: []string{"created_at"},
		OlderThan: years(7), Action: sweeper.ActionDelete})
	r.Schedule = "@every 1s"
	core, logs := observer.New(zap.DebugLevel)
	log := zap.New(core)
	f.sw.Log = log

	var calls atomic.Int32
	release := make(chan struct{})
	sweeper.SetBeforeLock(f.sw, func(string, []any) {
		switch calls.Add(1) {
		case 1:
			panic("a bug in a rule")
		case 2:
			<-release // hold this run past the next tick: that one must skip
		}
	})
	reg := prometheus.NewRegistry()
	m := sweeper.NewMetrics(reg)
	sc, err := sweeper.NewScheduler(f.sw, m, log)
	if err != nil {
		t.Fatal(err)
	}
	sc.Start()
	defer sc.Stop(5 * time.Second)

	waitFor := func(what string, cond func() bool) {
		t.Helper()
		deadline := time.After(15 * time.Second)
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for !cond() {
			select {
			case <-tick.C:
			case <-deadline:
				t.Fatalf("%s: not within 15 s", what)
			}
		}
	}
	waitFor("the panic is recovered and logged", func() bool {
		return logs.FilterMessage("rule panicked").Len() == 1
	})
	if got := testutil.ToFloat64(m.ErrorsCounter("order-7y")); got != 1 {
		t.Errorf("sweeper_rule_errors_total after the panic: got %v, want 1", got)
	}
	waitFor("the next run starts and blocks", func() bool { return calls.Load() >= 2 })
	waitFor("a run due while the last one is still going is skipped", func() bool {
		return logs.FilterField(zap.String("event", "rule.skipped")).Len() > 0
	})
	close(release)
	waitFor("the rule goes on after the panic and the skip", func() bool {
		return f.count(`SELECT COUNT(*) FROM orders`) == 0
	})
	for _, e := range logs.FilterField(zap.String("event", "rule.skipped")).All() {
		if !strings.Contains(e.ContextMap()["reason"].(string), "still running") {
			t.Errorf("rule.skipped reason: got %v", e.ContextMap()["reason"])
		}
	}
}

// A scheduled run the clock guard refuses counts as the rule's error.
func TestScheduler_RefusedRunCountsAsError(t *testing.T) {
	f := setup(t, sweeper.SQLite)
	f.exec(`CREATE TABLE orders (id AUTO_PK, created_at DATETIME NOT NULL)`)
	r := f.rule(sweeper.Rule{Name: "order-7y", Table: "orders", AgeColumns: []string{"created_at"},
		OlderThan: years(7), Action: sweeper.ActionDelete})
	r.Schedule = "@every 1s"
	// An audit record from the future: the daemon's clock is behind it.
	f.sweep(time.Now().Add(24*time.Hour), sweeper.SweepOptions{})
	f.exec(`INSERT INTO sweeper_audit (run_id, at, rule, table_name, row_key, action, detail)
		VALUES ('x', '2099-01-01 00:00:00.000000', 'order-7y', 'orders', '1', 'delete', '')`)
	m := sweeper.NewMetrics(prometheus.NewRegistry())
	sc, err := sweeper.NewScheduler(f.sw, m, zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	sc.Start()
	defer sc.Stop(5 * time.Second)
	deadline := time.After(10 * time.Second)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for testutil.ToFloat64(m.ErrorsCounter("order-7y")) < 1 {
		select {
		case <-tick.C:
		case <-deadline:
			t.Fatal("a refused run was not counted in sweeper_rule_errors_total within 10 s")
		}
	}
}

// TestScheduler_Retire: a retired scheduler lets its run in flight finish
// (the rows of that run are deleted, not cut off by a cancelled context),
// says when it has, and cannot be started again: its runs belong to a
// config that was replaced.
func TestScheduler_Retire(t *testing.T) {
	f := setup(t, sweeper.SQLite)
	f.exec(`CREATE TABLE orders (id AUTO_PK, created_at DATETIME NOT NULL)`,
		`INSERT INTO orders (created_at) VALUES ('2015-01-01 00:00:00'), ('2015-01-02 00:00:00')`)
	r := f.rule(sweeper.Rule{Name: "order-7y", Table: "orders", AgeColumns: []string{"created_at"},
		OlderThan: years(7), Action: sweeper.ActionDelete})
	r.Schedule = "@every 1s"
	locked := make(chan struct{}, 1)
	release := make(chan struct{})
	sweeper.SetBeforeLock(f.sw, func(string, []any) {
		select {
		case locked <- struct{}{}:
		default:
		}
		<-release
	})
	sc, err := sweeper.NewScheduler(f.sw, sweeper.NewMetrics(prometheus.NewRegistry()), zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	if err := sc.Start(); err != nil {
		t.Fatal(err)
	}
	defer sc.Stop(5 * time.Second)
	select {
	case <-locked:
	case <-time.After(15 * time.Second):
		t.Fatal("no run started within 15 s")
	}

	done := sc.Retire()
	select {
	case <-done:
		t.Fatal("Retire reported the runs ended while one is still in flight")
	default:
	}
	close(release)
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		t.Fatal("the retired run did not end within 15 s")
	}
	if n := f.count(`SELECT COUNT(*) FROM orders`); n != 0 {
		t.Errorf("orders left after the retired run finished: got %d, want 0", n)
	}
	if err := sc.Start(); err == nil {
		t.Error("Start of a retired scheduler: got nil, want an error")
	}
}
