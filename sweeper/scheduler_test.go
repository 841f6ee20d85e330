package sweeper_test

import (
	"errors"
	"path/filepath"
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
	f := setup(t, dbSQLite)
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

	waitUntil(t, "the panic is recovered and logged", func() bool {
		return logs.FilterMessage("rule panicked").Len() == 1
	})
	if got := testutil.ToFloat64(m.ErrorsCounter("order-7y")); got != 1 {
		t.Errorf("sweeper_rule_errors_total after the panic: got %v, want 1", got)
	}
	waitUntil(t, "the next run starts and blocks", func() bool { return calls.Load() >= 2 })
	waitUntil(t, "a run due while the last one is still going is skipped", func() bool {
		return logs.FilterField(zap.String("event", "rule.skipped")).Len() > 0
	})
	close(release)
	waitUntil(t, "the rule goes on after the panic and the skip", func() bool {
		return f.count(`SELECT COUNT(*) FROM orders`) == 0
	})
	for _, e := range logs.FilterField(zap.String("event", "rule.skipped")).All() {
		if !strings.Contains(e.ContextMap()["reason"].(string), "still running") {
			t.Errorf("rule.skipped reason: got %v", e.ContextMap()["reason"])
		}
	}
}

// A scheduled run the clock guard refuses counts as the rule's error and
// as a refusal, and the scheduler says why until a later run passes the
// guard: a refusal is not for good. Here the audit table holds a record
// from the future (an earlier version dated records by --as-of); a forced
// sweep accepts the clock, and the schedule goes on by itself.
func TestScheduler_RefusedRun(t *testing.T) {
	f := setup(t, dbSQLite)
	f.exec(`CREATE TABLE orders (id AUTO_PK, created_at DATETIME NOT NULL)`)
	r := f.rule(sweeper.Rule{Name: "order-7y", Table: "orders", AgeColumns: []string{"created_at"},
		OlderThan: years(7), Action: sweeper.ActionDelete})
	r.Schedule = "@every 1s"
	f.sweepNow(sweeper.SweepOptions{}) // creates the audit table
	f.exec(`INSERT INTO sweeper_audit (run_id, at, rule, table_name, row_key, action, detail)
		VALUES ('x', '2099-01-01 00:00:00.000000', 'order-7y', 'orders', '1', 'delete', '')`,
		`INSERT INTO orders (created_at) VALUES ('2015-01-01 00:00:00')`)
	core, logs := observer.New(zap.InfoLevel)
	f.sw.Log = zap.New(core)
	reg := prometheus.NewRegistry()
	m := sweeper.NewMetrics(reg)
	sc, err := sweeper.NewScheduler(f.sw, m, f.sw.Log)
	if err != nil {
		t.Fatal(err)
	}
	sc.Start()
	defer sc.Stop(5 * time.Second)
	waitUntil(t, "a refused run counted in sweeper_rule_errors_total", func() bool {
		return testutil.ToFloat64(m.ErrorsCounter("order-7y")) >= 1
	})
	if err := sc.Refused(); !errors.Is(err, sweeper.ErrClockBehind) {
		t.Errorf("Refused after a refused run: got %v, want ErrClockBehind", err)
	}
	if v, ok := metricValue(t, reg, "sweeper_runs_refused_total", map[string]string{"reason": "clock_behind"}); !ok || v < 1 {
		t.Errorf("sweeper_runs_refused_total{reason=\"clock_behind\"}: got %v (present %v), want at least 1", v, ok)
	}
	refused := logs.FilterField(zap.String("event", "run.refused")).All()
	if len(refused) == 0 || refused[0].ContextMap()["reason"] != "clock_behind" {
		t.Errorf("run.refused log events: got %v, want them with reason clock_behind", refused)
	}
	if got := f.count(`SELECT COUNT(*) FROM orders`); got != 1 {
		t.Fatalf("orders while refused: got %d, want 1", got)
	}

	f.sweepNow(sweeper.SweepOptions{Force: true})
	f.exec(`INSERT INTO orders (created_at) VALUES ('2015-01-02 00:00:00')`)
	waitUntil(t, "the schedule sweeps again after the forced run", func() bool {
		return f.count(`SELECT COUNT(*) FROM orders`) == 0 && sc.Refused() == nil
	})
}

// A new scheduler (a restarted daemon) starts with the last success of
// each rule recorded in the database, not 0; a rule that never succeeded
// has no series until it does. After each run it takes a success that
// another sweeper of the database recorded.
func TestScheduler_LastSuccess(t *testing.T) {
	f := setup(t, dbSQLite)
	now := time.Now().Add(-3 * time.Hour).Truncate(time.Second)
	f.sw.Now = func() time.Time { return now }
	f.exec(`CREATE TABLE orders (id AUTO_PK, created_at DATETIME NOT NULL)`,
		`CREATE TABLE complaints (id AUTO_PK, filed_at DATETIME NOT NULL)`)
	orders := f.rule(sweeper.Rule{Name: "order-7y", Table: "orders", AgeColumns: []string{"created_at"},
		OlderThan: years(7), Action: sweeper.ActionDelete})
	f.rule(sweeper.Rule{Name: "complaint-1y", Table: "complaints", AgeColumns: []string{"filed_at"},
		OlderThan: years(1), Action: sweeper.ActionDelete})
	f.sweepNow(sweeper.SweepOptions{Rules: []string{"order-7y"}})

	orders.Schedule = "@every 1s"
	for _, r := range f.cfg.Rules {
		if r.Schedule == "" {
			r.Schedule = "0 0 1 1 *"
		}
	}
	reg := prometheus.NewRegistry()
	sc, err := sweeper.NewScheduler(f.sw, sweeper.NewMetrics(reg), zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := metricValue(t, reg, "sweeper_last_success_timestamp_seconds", map[string]string{"rule": "order-7y"}); !ok || v != float64(now.Unix()) {
		t.Errorf("last success of order-7y at start: got %v (present %v), want %d", v, ok, now.Unix())
	}
	if v, ok := metricValue(t, reg, "sweeper_last_success_timestamp_seconds", map[string]string{"rule": "complaint-1y"}); ok {
		t.Errorf("last success of complaint-1y, which never ran: got %v, want no series", v)
	}

	// Another sweeper of the database runs the rule an hour later.
	later := now.Add(time.Hour)
	other := &sweeper.Sweeper{Config: f.cfg, Store: f.store, Log: zap.NewNop(), Now: func() time.Time { return later }}
	if _, err := other.Sweep(t.Context(), sweeper.SweepOptions{Rules: []string{"order-7y"}}); err != nil {
		t.Fatal(err)
	}
	sc.Start()
	defer sc.Stop(5 * time.Second)
	waitUntil(t, "the scheduler takes the other sweeper's success", func() bool {
		v, _ := metricValue(t, reg, "sweeper_last_success_timestamp_seconds", map[string]string{"rule": "order-7y"})
		return v == float64(later.Unix())
	})
}

// After each run of a rule with a reminder, the accounts due by age but
// held back by their reminder are a gauge, beside the rows still due.
func TestScheduler_AwaitingReminder(t *testing.T) {
	tmpl, err := filepath.Abs("../templates/account-reminder.nl.txt")
	if err != nil {
		t.Fatal(err)
	}
	f := setup(t, dbSQLite)
	f.exec(`CREATE TABLE customers (id AUTO_PK, email VARCHAR(100) NULL, first_name VARCHAR(50), created_at DATETIME NOT NULL)`,
		`INSERT INTO customers (email, first_name, created_at) VALUES
			('anne@example.com', 'Anne', '2015-01-01 00:00:00'), ('bram@example.com', 'Bram', '2015-01-01 00:00:00'),
			(NULL, 'Cor', '2015-01-01 00:00:00'), ('dirk@example.com', 'Dirk', '2026-01-01 00:00:00')`)
	r := f.rule(sweeper.Rule{Name: "account-5y", Table: "customers", AgeColumns: []string{"created_at"},
		OlderThan: years(5), Action: sweeper.ActionDelete,
		Reminder: &sweeper.Reminder{Before: months(1), EmailColumn: "email", Columns: []string{"first_name"}, Template: tmpl}})
	r.Schedule = "@every 1s"
	f.sw.Mailer = &mailbox{}
	reg := prometheus.NewRegistry()
	sc, err := sweeper.NewScheduler(f.sw, sweeper.NewMetrics(reg), zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	sc.Start()
	defer sc.Stop(5 * time.Second)
	rule := map[string]string{"rule": "account-5y"}
	waitUntil(t, "the gauges are set after a run", func() bool {
		_, ok := metricValue(t, reg, "sweeper_due_rows", rule)
		return ok
	})
	if v, ok := metricValue(t, reg, "sweeper_awaiting_reminder_rows", rule); !ok || v != 2 {
		t.Errorf("sweeper_awaiting_reminder_rows: got %v (present %v), want 2 (Anne and Bram, reminded)", v, ok)
	}
	if v, _ := metricValue(t, reg, "sweeper_due_rows", rule); v != 0 {
		t.Errorf("sweeper_due_rows: got %v, want 0 (Cor, without an address, is deleted)", v)
	}
}

// waitUntil polls cond until it holds, failing the test after 15 s.
func waitUntil(t *testing.T, what string, cond func() bool) {
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

// metricValue reads one series of a registry: its value, and whether it
// exists at all.
func metricValue(t *testing.T, reg *prometheus.Registry, name string, labels map[string]string) (float64, bool) {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, fam := range families {
		if fam.GetName() != name {
			continue
		}
	series:
		for _, m := range fam.GetMetric() {
			got := map[string]string{}
			for _, l := range m.GetLabel() {
				got[l.GetName()] = l.GetValue()
			}
			for k, v := range labels {
				if got[k] != v {
					continue series
				}
			}
			switch {
			case m.GetGauge() != nil:
				return m.GetGauge().GetValue(), true
			case m.GetCounter() != nil:
				return m.GetCounter().GetValue(), true
			}
		}
	}
	return 0, false
}

// TestScheduler_Retire: a retired scheduler lets its run in flight finish
// (the rows of that run are deleted, not cut off by a cancelled context),
// says when it has, and cannot be started again: its runs belong to a
// config that was replaced.
func TestScheduler_Retire(t *testing.T) {
	f := setup(t, dbSQLite)
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
