package sweeper_test

import (
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"go.uber.org/zap"

	"github.com/sweeperd/sweeper/sweeper"
)

// leftShop has five rows of logs due a year after they were written, and
// one that is not due yet.
func leftShop(f *fixture) *sweeper.Rule {
	f.exec(`CREATE TABLE logs (id AUTO_PK, created_at DATETIME NOT NULL)`,
		`INSERT INTO logs (created_at) VALUES ('2015-01-01 00:00:00'), ('2015-01-02 00:00:00'), ('2015-01-03 00:00:00'),
			('2015-01-04 00:00:00'), ('2015-01-05 00:00:00'), ('2026-11-01 00:00:00')`)
	return f.rule(sweeper.Rule{Name: "logs", Table: "logs", AgeColumns: []string{"created_at"}, OlderThan: years(1),
		Action: sweeper.ActionDelete, BatchSize: 2})
}

// TestSweeper_Left holds what a run says it left for the next one, which
// the daemon shows as its backlog (sweeper_due_rows): the run's own
// counts, not a second scan.
func TestSweeper_Left(t *testing.T) {
	asOf := engAms(2026, 11, 22, 0, 0, 0)
	left := func(t *testing.T, rr sweeper.RuleReport, want int) {
		t.Helper()
		if !rr.LeftKnown || rr.Left != want {
			t.Errorf("left: got %d (known %v), want %d", rr.Left, rr.LeftKnown, want)
		}
	}

	t.Run("RanOut", func(t *testing.T) {
		dialects(t, func(t *testing.T, f *fixture) {
			leftShop(f)
			rr := engRule(t, f.sweep(asOf, sweeper.SweepOptions{CountLeft: true}), "logs")
			if rr.Rows != 5 || rr.Capped {
				t.Errorf("rule: got %d rows, capped %v; want 5, not capped", rr.Rows, rr.Capped)
			}
			left(t, rr, 0)
		})
	})

	t.Run("CappedCountsTheRest", func(t *testing.T) {
		dialects(t, func(t *testing.T, f *fixture) {
			leftShop(f).MaxRowsPerRun = 2
			rr := engRule(t, f.sweep(asOf, sweeper.SweepOptions{CountLeft: true}), "logs")
			if rr.Rows != 2 || !rr.Capped {
				t.Errorf("rule: got %d rows, capped %v; want 2, capped", rr.Rows, rr.Capped)
			}
			left(t, rr, 3)
		})
	})

	// A sweep from the command line does not count: its report does not
	// show it, and a capped run only asks whether a row is left.
	t.Run("CappedWithoutCountLeft", func(t *testing.T) {
		f := setup(t, dbSQLite)
		leftShop(f).MaxRowsPerRun = 2
		rr := engRule(t, f.sweep(asOf, sweeper.SweepOptions{}), "logs")
		if !rr.Capped || rr.LeftKnown {
			t.Errorf("rule: got capped %v, left known %v; want capped, not known", rr.Capped, rr.LeftKnown)
		}
	})

	// A batch that fails leaves its own rows and those after it.
	t.Run("FailedBatch", func(t *testing.T) {
		f := setup(t, dbSQLite)
		leftShop(f)
		auditRefuses(t, f)
		rep, err := engSweep(f, asOf, sweeper.SweepOptions{CountLeft: true})
		engPartial(t, err)
		rr := engRule(t, rep, "logs")
		if rr.Err == nil || rr.Rows != 0 {
			t.Errorf("rule: got %d rows, error %v; want 0 rows and the batch's error", rr.Rows, rr.Err)
		}
		left(t, rr, 5)
	})

	// A run the circuit breaker refuses has taken no batch: it does not
	// know what it would have left.
	t.Run("RefusedBeforeItsFirstBatch", func(t *testing.T) {
		f := setup(t, dbSQLite)
		leftShop(f)
		f.cfg.Sweeper.MaxFraction = 0.5
		rep, err := engSweep(f, asOf, sweeper.SweepOptions{CountLeft: true})
		engPartial(t, err)
		if rr := engRule(t, rep, "logs"); rr.LeftKnown {
			t.Errorf("left of a refused run: got %d, known; want not known", rr.Left)
		}
	})
}

// The backlog gauge comes from the scheduled run itself: a run refused
// before its first batch leaves it unset, where a plan after the run
// would count the five due rows.
func TestScheduler_BacklogFromTheRun(t *testing.T) {
	f := setup(t, dbSQLite)
	r := leftShop(f)
	r.Schedule = "@every 1s"
	f.cfg.Sweeper.MaxFraction = 0.5
	reg := prometheus.NewRegistry()
	m := sweeper.NewMetrics(reg)
	sc, err := sweeper.NewScheduler(f.sw, m, zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	sc.Start()
	// A run starts only after the one before it ended: two failures mean
	// the first run has set whatever it sets.
	waitUntil(t, "two refused runs", func() bool { return testutil.ToFloat64(m.ErrorsCounter("logs")) >= 2 })
	if !sc.Stop(5 * time.Second) {
		t.Fatal("the scheduler did not stop")
	}
	if v, ok := metricValue(t, reg, "sweeper_due_rows", map[string]string{"rule": "logs"}); ok {
		t.Errorf("sweeper_due_rows after refused runs: got %v, want no series", v)
	}

	// Once the breaker lets it pass, the run takes every due row and says
	// it left none.
	f.cfg.Sweeper.MaxFraction = 0
	sc, err = sweeper.NewScheduler(f.sw, m, zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	sc.Start()
	defer sc.Stop(5 * time.Second)
	waitUntil(t, "the backlog gauge is set", func() bool {
		_, ok := metricValue(t, reg, "sweeper_due_rows", map[string]string{"rule": "logs"})
		return ok
	})
	if v, _ := metricValue(t, reg, "sweeper_due_rows", map[string]string{"rule": "logs"}); v != 0 {
		t.Errorf("sweeper_due_rows after a run that took every due row: got %v, want 0", v)
	}
}
