package sweeper_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"

	"github.com/sweeperd/sweeper/sweeper"
)

// startScheduler starts a scheduler for the fixture's config on reg's
// metrics and stops it when the test ends.
func startScheduler(t *testing.T, f *fixture, m *sweeper.Metrics) *sweeper.Scheduler {
	t.Helper()
	sc, err := sweeper.NewScheduler(f.sw, m, zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	if err := sc.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sc.Stop(5 * time.Second) })
	return sc
}

// The alert "no success within two schedule periods" needs each scheduled
// rule's period and the moment it was scheduled, so that a rule that never
// succeeded is caught without firing right after a start. A reload keeps
// that moment for a rule whose period stays, and a rule no longer
// scheduled loses its series.
func TestScheduler_SchedulePeriods(t *testing.T) {
	f := setup(t, dbSQLite)
	f.exec(`CREATE TABLE orders (id AUTO_PK, created_at DATETIME NOT NULL)`,
		`CREATE TABLE complaints (id AUTO_PK, filed_at DATETIME NOT NULL)`)
	orders := f.rule(sweeper.Rule{Name: "order-7y", Table: "orders", AgeColumns: []string{"created_at"},
		OlderThan: years(7), Action: sweeper.ActionDelete})
	orders.Schedule = "30 3 * * 1-5"
	complaints := f.rule(sweeper.Rule{Name: "complaint-1y", Table: "complaints", AgeColumns: []string{"filed_at"},
		OlderThan: years(1), Action: sweeper.ActionDelete})
	complaints.Schedule = "0 * * * *"
	off := f.rule(sweeper.Rule{Name: "off", Table: "orders", AgeColumns: []string{"created_at"},
		OlderThan: years(9), Action: sweeper.ActionDelete})
	off.Schedule = "@hourly"
	off.Enabled = false

	start := time.Now().Add(-time.Hour).Truncate(time.Second)
	f.sw.Now = func() time.Time { return start }
	reg := prometheus.NewRegistry()
	m := sweeper.NewMetrics(reg)
	sc := startScheduler(t, f, m)
	period := func(rule string) (float64, bool) {
		return metricValue(t, reg, "sweeper_rule_schedule_period_seconds", map[string]string{"rule": rule})
	}
	since := func(rule string) (float64, bool) {
		return metricValue(t, reg, "sweeper_rule_scheduled_since_timestamp_seconds", map[string]string{"rule": rule})
	}
	if v, ok := period("order-7y"); !ok || v != 72*3600 {
		t.Errorf("period of a weekday rule: got %v (present %v), want 259200 (Friday to Monday)", v, ok)
	}
	if v, ok := period("complaint-1y"); !ok || v != 3600 {
		t.Errorf("period of an hourly rule: got %v (present %v), want 3600", v, ok)
	}
	for _, rule := range []string{"order-7y", "complaint-1y"} {
		if v, ok := since(rule); !ok || v != float64(start.Unix()) {
			t.Errorf("scheduled since of %s: got %v (present %v), want %d", rule, v, ok, start.Unix())
		}
	}
	if v, ok := period("off"); ok {
		t.Errorf("period of a disabled rule: got %v, want no series (no alert waits for it)", v)
	}

	// A reload an hour later: the weekday rule stays as it was, the hourly
	// one runs every minute now, and a new rule comes in.
	sc.Stop(5 * time.Second)
	later := start.Add(time.Hour)
	f.sw.Now = func() time.Time { return later }
	complaints.Schedule = "* * * * *"
	f.cfg.Rules = f.cfg.Rules[:2]
	f.exec(`CREATE TABLE contacts (id AUTO_PK, sent_at DATETIME NOT NULL)`)
	contacts := f.rule(sweeper.Rule{Name: "contact-1y", Table: "contacts", AgeColumns: []string{"sent_at"},
		OlderThan: years(1), Action: sweeper.ActionDelete})
	contacts.Schedule = "@daily"
	startScheduler(t, f, m)
	if v, ok := since("order-7y"); !ok || v != float64(start.Unix()) {
		t.Errorf("scheduled since of a rule the reload kept: got %v (present %v), want %d, as before the reload", v, ok, start.Unix())
	}
	for _, rule := range []string{"complaint-1y", "contact-1y"} {
		if v, ok := since(rule); !ok || v != float64(later.Unix()) {
			t.Errorf("scheduled since of %s, new or with a new period: got %v (present %v), want %d", rule, v, ok, later.Unix())
		}
	}
	if v, ok := period("complaint-1y"); !ok || v != 60 {
		t.Errorf("period after the reload: got %v (present %v), want 60", v, ok)
	}

	// A reload that drops a rule drops its series.
	f.cfg.Rules = f.cfg.Rules[:1]
	startScheduler(t, f, m)
	for _, rule := range []string{"complaint-1y", "contact-1y"} {
		if v, ok := period(rule); ok {
			t.Errorf("period of %s, no longer in the config: got %v, want no series", rule, v)
		}
		if v, ok := since(rule); ok {
			t.Errorf("scheduled since of %s, no longer in the config: got %v, want no series", rule, v)
		}
	}
}

// A run the circuit breaker refuses is a refusal with its own reason, so
// that an alert can tell it from the clock guard's; reminders that fail,
// runs cut short by max_rows_per_run and time spent pausing are counted
// for the alerts and the dashboard.
func TestScheduler_RunMetrics(t *testing.T) {
	t.Run("CircuitBreaker", func(t *testing.T) {
		f := setup(t, dbSQLite)
		f.exec(`CREATE TABLE orders (id AUTO_PK, created_at DATETIME NOT NULL)`,
			`INSERT INTO orders (created_at) VALUES ('2015-01-01 00:00:00'), ('2015-01-02 00:00:00'), ('2026-01-01 00:00:00')`)
		r := f.rule(sweeper.Rule{Name: "order-7y", Table: "orders", AgeColumns: []string{"created_at"},
			OlderThan: years(7), Action: sweeper.ActionDelete})
		r.Schedule = "@every 1s"
		f.cfg.Sweeper.MaxFraction = 0.5
		reg := prometheus.NewRegistry()
		m := sweeper.NewMetrics(reg)
		if v, ok := metricValue(t, reg, "sweeper_runs_refused_total", map[string]string{"reason": "max_fraction"}); !ok || v != 0 {
			t.Errorf("sweeper_runs_refused_total{reason=\"max_fraction\"} before any run: got %v (present %v), want 0", v, ok)
		}
		startScheduler(t, f, m)
		waitUntil(t, "a refusal by max_fraction counted", func() bool {
			v, _ := metricValue(t, reg, "sweeper_runs_refused_total", map[string]string{"reason": "max_fraction"})
			return v >= 1
		})
		if v, _ := metricValue(t, reg, "sweeper_runs_refused_total", map[string]string{"reason": "clock_behind"}); v != 0 {
			t.Errorf("sweeper_runs_refused_total{reason=\"clock_behind\"}: got %v, want 0", v)
		}
		if got := f.count(`SELECT COUNT(*) FROM orders`); got != 3 {
			t.Errorf("orders after refused runs: got %d, want 3", got)
		}
	})

	t.Run("ReminderErrors", func(t *testing.T) {
		tmpl, err := filepath.Abs("../templates/account-reminder.nl.txt")
		if err != nil {
			t.Fatal(err)
		}
		f := setup(t, dbSQLite)
		f.exec(`CREATE TABLE customers (id AUTO_PK, email VARCHAR(100) NULL, first_name VARCHAR(50), created_at DATETIME NOT NULL)`,
			`INSERT INTO customers (email, first_name, created_at) VALUES ('anne@example.com', 'Anne', '2015-01-01 00:00:00')`)
		r := f.rule(sweeper.Rule{Name: "account-5y", Table: "customers", AgeColumns: []string{"created_at"},
			OlderThan: years(5), Action: sweeper.ActionDelete,
			Reminder: &sweeper.Reminder{Before: months(1), EmailColumn: "email", Columns: []string{"first_name"}, Template: tmpl}})
		r.Schedule = "@every 1s"
		f.sw.Mailer = &mailbox{fail: true}
		reg := prometheus.NewRegistry()
		startScheduler(t, f, sweeper.NewMetrics(reg))
		waitUntil(t, "a failed reminder counted", func() bool {
			v, _ := metricValue(t, reg, "sweeper_reminder_errors_total", map[string]string{"rule": "account-5y"})
			return v >= 1
		})
		if v, _ := metricValue(t, reg, "sweeper_reminders_sent_total", map[string]string{"rule": "account-5y"}); v != 0 {
			t.Errorf("sweeper_reminders_sent_total: got %v, want 0", v)
		}
	})

	t.Run("CappedAndPaused", func(t *testing.T) {
		f := setup(t, dbSQLite)
		f.exec(`CREATE TABLE orders (id AUTO_PK, created_at DATETIME NOT NULL)`)
		for range 4 {
			f.exec(`INSERT INTO orders (created_at) VALUES ('2015-01-01 00:00:00')`)
		}
		r := f.rule(sweeper.Rule{Name: "order-7y", Table: "orders", AgeColumns: []string{"created_at"},
			OlderThan: years(7), Action: sweeper.ActionDelete, BatchSize: 1, MaxRowsPerRun: 3})
		r.Schedule = "@every 1s"
		f.cfg.Sweeper.BatchPause = 20 * time.Millisecond
		f.cfg.Database.MaxReplicaLag = time.Second
		f.sw.Replicas = &lagScript{answers: []lagAnswer{{5 * time.Second, true}}} // behind after the first batch
		reg := prometheus.NewRegistry()
		startScheduler(t, f, sweeper.NewMetrics(reg))
		rule := map[string]string{"rule": "order-7y"}
		waitUntil(t, "a run cut short by max_rows_per_run counted", func() bool {
			v, _ := metricValue(t, reg, "sweeper_runs_capped_total", rule)
			return v >= 1
		})
		// Three batches of one row, each followed by a 20 ms pause.
		if v, ok := metricValue(t, reg, "sweeper_paused_seconds_total", map[string]string{"rule": "order-7y", "reason": "batch_pause"}); !ok || v < 0.06 {
			t.Errorf("sweeper_paused_seconds_total{reason=\"batch_pause\"}: got %v (present %v), want at least 0.06", v, ok)
		}
		// One wait of about a second (replicaPoll) for the lagging replica.
		if v, ok := metricValue(t, reg, "sweeper_paused_seconds_total", map[string]string{"rule": "order-7y", "reason": "replica_lag"}); !ok || v < 0.9 {
			t.Errorf("sweeper_paused_seconds_total{reason=\"replica_lag\"}: got %v (present %v), want about 1 (one replica poll)", v, ok)
		}
	})
}
