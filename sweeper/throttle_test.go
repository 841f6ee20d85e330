package sweeper_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/sweeperd/sweeper/sweeper"
)

// The throttle tests load the server for real: connections that sleep in
// a statement are what Threads_running and pg_stat_activity count.

// thrPeople creates a table of due rows (2010) and rows not due (2099),
// and a rule that deletes the due ones in batches of size.
func thrPeople(f *fixture, due, kept, size int) {
	f.t.Helper()
	f.exec(`CREATE TABLE people (id AUTO_PK, created_at DATETIME NOT NULL)`)
	engInsertMany(f, "INSERT INTO people (created_at)", "('2010-01-01 00:00:00')", due)
	engInsertMany(f, "INSERT INTO people (created_at)", "('2099-01-01 00:00:00')", kept)
	f.rule(sweeper.Rule{Name: "people-5y", Table: "people", AgeColumns: []string{"created_at"},
		OlderThan: years(5), Action: sweeper.ActionDelete, BatchSize: size})
}

// thrDue counts the due rows left and the rows not due.
func thrDue(f *fixture) (due, kept int) {
	f.t.Helper()
	return f.count(`SELECT COUNT(*) FROM people WHERE created_at < '2050-01-01'`),
		f.count(`SELECT COUNT(*) FROM people WHERE created_at > '2050-01-01'`)
}

// thrLog records the sweeper's log, and calls onBatch (when not nil) in
// the sweep's own goroutine right after each batch committed, before the
// pace after it: what a test does there happens at that batch boundary.
func thrLog(f *fixture, onBatch func(n int)) *observer.ObservedLogs {
	core, recorded := observer.New(zap.DebugLevel)
	var n atomic.Int32
	f.sw.Log = zap.New(core, zap.Hooks(func(e zapcore.Entry) error {
		if e.Message == "batch committed" && onBatch != nil {
			onBatch(int(n.Add(1)))
		}
		return nil
	}))
	return recorded
}

// thrEvents are the throttle events of a phase ("start", "end") and reason.
func thrEvents(recorded *observer.ObservedLogs, phase, reason string) []observer.LoggedEntry {
	return recorded.FilterField(zap.String("event", "throttle")).FilterField(zap.String("phase", phase)).
		FilterField(zap.String("reason", reason)).All()
}

// thrWait polls cond until it holds, failing the test after a minute.
func thrWait(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within a minute", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// thrSweep starts a sweep in the background; its outcome comes on the channel.
func thrSweep(ctx context.Context, f *fixture) <-chan thrResult {
	out := make(chan thrResult, 1)
	go func() {
		rep, err := f.sw.Sweep(ctx, sweeper.SweepOptions{})
		out <- thrResult{rep, err}
	}()
	return out
}

type thrResult struct {
	rep *sweeper.Report
	err error
}

func thrDone(t *testing.T, ch <-chan thrResult) thrResult {
	t.Helper()
	select {
	case r := <-ch:
		return r
	case <-time.After(2 * time.Minute):
		t.Fatalf("the sweep is still running after 2 minutes")
		panic("unreachable")
	}
}

// thrSleepers makes the server run n more statements, each a sleep on a
// connection of its own, until stop (also called at the test's end). It
// returns once the dialect's Load counts them.
func thrSleepers(t *testing.T, f *fixture, n int) (stop func()) {
	t.Helper()
	ctx := context.Background()
	before := thrLoad(t, f)
	pid, sleep, cancel := "SELECT CONNECTION_ID()", "SELECT SLEEP(300)", "KILL QUERY %d"
	if f.dialect == dbPostgres {
		pid, sleep, cancel = "SELECT pg_backend_pid()", "SELECT pg_sleep(300)", "SELECT pg_cancel_backend(%d)"
	}
	var wg sync.WaitGroup
	var ids []int64
	var conns []*sql.Conn
	for range n {
		c, err := f.raw.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var id int64
		if err := c.QueryRowContext(ctx, pid).Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids, conns = append(ids, id), append(conns, c)
		wg.Add(1)
		go func() {
			defer wg.Done()
			var v any
			_ = c.QueryRowContext(ctx, sleep).Scan(&v) // cancelled by stop
		}()
	}
	var once sync.Once
	stop = func() {
		once.Do(func() {
			for _, id := range ids {
				if _, err := f.raw.Exec(fmt.Sprintf(cancel, id)); err != nil {
					t.Errorf("stop a sleeper: %v", err)
				}
			}
			wg.Wait()
			for _, c := range conns {
				c.Close()
			}
		})
	}
	t.Cleanup(stop)
	thrWait(t, fmt.Sprintf("the server's load to count %d sleepers", n), func() bool { return thrLoad(t, f) >= before+n-1 && thrLoad(t, f) >= n })
	return stop
}

// thrLoad is the server's load as the sweeper reads it.
func thrLoad(t *testing.T, f *fixture) int {
	t.Helper()
	n, err := f.store.Dialect().Load(context.Background(), f.store)
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	return n
}

// TestThrottle_MaxLoad: a sweep started while the server runs more
// statements than max_load waits before its first batch, says so once in
// the log, and takes every due row once the load is gone.
func TestThrottle_MaxLoad(t *testing.T) {
	for _, d := range []dbKind{dbMySQL, dbPostgres} {
		t.Run(string(d), func(t *testing.T) {
			f := setup(t, d)
			thrPeople(f, 10, 2, 3)
			recorded := thrLog(f, nil)
			stop := thrSleepers(t, f, 6)
			f.cfg.Sweeper.MaxLoad = 4
			res := thrSweep(context.Background(), f)
			thrWait(t, "a throttle event for max_load", func() bool { return len(thrEvents(recorded, "start", "max_load")) > 0 })
			ev := thrEvents(recorded, "start", "max_load")[0].ContextMap()
			if v, _ := ev["value"].(int64); v < 4 || ev["limit"] != int64(4) {
				t.Errorf("throttle event: got value %v limit %v, want a value of at least 4 and limit 4", ev["value"], ev["limit"])
			}
			if due, _ := thrDue(f); due != 10 || engAuditCount(f) != 0 {
				t.Errorf("while the server is loaded: %d due rows left and %d audit records, want 10 and 0", due, engAuditCount(f))
			}
			stop()
			r := thrDone(t, res)
			if r.err != nil {
				t.Fatalf("sweep: %v", r.err)
			}
			rr := engRule(t, r.rep, "people-5y")
			if due, kept := thrDue(f); rr.Rows != 10 || due != 0 || kept != 2 || engAuditCount(f) != 10 {
				t.Errorf("after the load: %d rows swept, %d due and %d others left, %d audit records; want 10, 0, 2, 10",
					rr.Rows, due, kept, engAuditCount(f))
			}
			if n := len(thrEvents(recorded, "start", "max_load")); n != 1 {
				t.Errorf("throttle start events: got %d, want 1 (not one per poll)", n)
			}
			if len(thrEvents(recorded, "end", "max_load")) != 1 || rr.Throttled[sweeper.ThrottleMaxLoad] <= 0 {
				t.Errorf("throttle end events %d and throttled %v: want one, and time throttled for max_load",
					len(thrEvents(recorded, "end", "max_load")), rr.Throttled)
			}
		})
	}
}

// TestThrottle_CriticalLoad: a load at critical_load between two batches
// stops the rule with an error naming it; the batch before is kept with
// its audit records, the rest untouched.
func TestThrottle_CriticalLoad(t *testing.T) {
	f := setup(t, dbMySQL)
	thrPeople(f, 10, 2, 2)
	pause := filepath.Join(t.TempDir(), "pause")
	f.cfg.Sweeper.PauseFile = pause
	f.cfg.Sweeper.MaxLoad, f.cfg.Sweeper.CriticalLoad = 3, 5
	// The pause file holds the run after its first batch while the load rises.
	recorded := thrLog(f, func(n int) {
		if n == 1 {
			if err := os.WriteFile(pause, nil, 0o600); err != nil {
				t.Error(err)
			}
		}
	})
	res := thrSweep(context.Background(), f)
	thrWait(t, "the run held by the pause file", func() bool { return len(thrEvents(recorded, "start", "pause_file")) > 0 })
	thrSleepers(t, f, 7)
	if err := os.Remove(pause); err != nil {
		t.Fatal(err)
	}
	r := thrDone(t, res)
	engPartial(t, r.err)
	rr := engRule(t, r.rep, "people-5y")
	if !errors.Is(rr.Err, sweeper.ErrCriticalLoad) || !strings.Contains(rr.Err.Error(), "critical_load = 5") {
		t.Errorf("rule error: got %v, want one naming critical_load = 5", rr.Err)
	}
	due, kept := thrDue(f)
	audited := f.count(`SELECT COUNT(*) FROM sweeper_audit WHERE action = 'delete' AND table_name = 'people'`)
	if rr.Rows != 2 || due != 8 || kept != 2 || audited != 2 {
		t.Errorf("after the stop: %d rows swept, %d due and %d others left, %d audit records; want 2, 8, 2, 2",
			rr.Rows, due, kept, audited)
	}
	// Every row that is gone has its record.
	if n := f.count(`SELECT COUNT(*) FROM sweeper_audit a WHERE EXISTS (SELECT 1 FROM people p WHERE CAST(p.id AS CHAR) = a.row_key)`); n != 0 {
		t.Errorf("%d audit records of rows still there", n)
	}
}

// TestThrottle_PauseFile: while the pause file exists, a sweep holds at
// its next batch boundary, commits nothing, and goes on when it is gone.
func TestThrottle_PauseFile(t *testing.T) {
	f := setup(t, dbMySQL)
	thrPeople(f, 10, 2, 2)
	pause := filepath.Join(t.TempDir(), "pause")
	f.cfg.Sweeper.PauseFile = pause
	recorded := thrLog(f, func(n int) {
		if n == 2 {
			if err := os.WriteFile(pause, nil, 0o600); err != nil {
				t.Error(err)
			}
		}
	})
	res := thrSweep(context.Background(), f)
	thrWait(t, "a throttle event for the pause file", func() bool { return len(thrEvents(recorded, "start", "pause_file")) > 0 })
	for range 2 {
		// The held run polls the file about every second; nothing commits.
		if due, _ := thrDue(f); due != 6 || engAuditCount(f) != 4 {
			t.Fatalf("while paused: %d due rows and %d audit records, want 6 and 4 (two batches of 2)", due, engAuditCount(f))
		}
		time.Sleep(1500 * time.Millisecond)
	}
	if err := os.Remove(pause); err != nil {
		t.Fatal(err)
	}
	r := thrDone(t, res)
	if r.err != nil {
		t.Fatalf("sweep: %v", r.err)
	}
	rr := engRule(t, r.rep, "people-5y")
	if due, kept := thrDue(f); rr.Rows != 10 || due != 0 || kept != 2 {
		t.Errorf("after the pause: %d rows swept, %d due and %d others left; want 10, 0, 2", rr.Rows, due, kept)
	}
	end := thrEvents(recorded, "end", "pause_file")
	if len(thrEvents(recorded, "start", "pause_file")) != 1 || len(end) != 1 || rr.Throttled[sweeper.ThrottlePauseFile] <= 0 {
		t.Errorf("got %d start and %d end events, throttled %v; want one each and time counted for pause_file",
			len(thrEvents(recorded, "start", "pause_file")), len(end), rr.Throttled)
	}

	t.Run("StopWhilePaused", func(t *testing.T) {
		f := setup(t, dbMySQL)
		thrPeople(f, 4, 0, 2)
		f.cfg.Sweeper.PauseFile = filepath.Join(t.TempDir(), "pause")
		if err := os.WriteFile(f.cfg.Sweeper.PauseFile, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		recorded := thrLog(f, nil)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		res := thrSweep(ctx, f)
		thrWait(t, "a throttle event for the pause file", func() bool { return len(thrEvents(recorded, "start", "pause_file")) > 0 })
		cancel()
		r := thrDone(t, res)
		rr := engRule(t, r.rep, "people-5y")
		if rr.Err == nil || !errors.Is(rr.Err, context.Canceled) || rr.Rows != 0 {
			t.Errorf("stopped while paused: got %d rows, error %v; want 0 rows and the stop", rr.Rows, rr.Err)
		}
		if due, _ := thrDue(f); due != 4 {
			t.Errorf("due rows after the stop: got %d, want 4", due)
		}
	})

	t.Run("MaxRunTimeWhilePaused", func(t *testing.T) {
		f := setup(t, dbMySQL)
		thrPeople(f, 4, 0, 2)
		f.cfg.Sweeper.PauseFile = filepath.Join(t.TempDir(), "pause")
		f.cfg.Sweeper.MaxRunTime = 2 * time.Second
		if err := os.WriteFile(f.cfg.Sweeper.PauseFile, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		rr := engRule(t, f.sweep(time.Time{}, sweeper.SweepOptions{}), "people-5y")
		if rr.Err != nil || !rr.Capped || rr.Rows != 0 {
			t.Errorf("paused past max_run_time: got %d rows, capped %v, error %v; want 0 rows, capped", rr.Rows, rr.Capped, rr.Err)
		}
	})
}

// TestThrottle_NoLoadOnSQLite: max_load on SQLite is refused by check and
// fails the run before it touches a row, with a message saying what to do.
func TestThrottle_NoLoadOnSQLite(t *testing.T) {
	f := setup(t, dbSQLite)
	thrPeople(f, 3, 0, 2)
	f.cfg.Sweeper.MaxLoad = 4
	var found bool
	for _, fd := range f.sw.Check(context.Background()) {
		found = found || (fd.Severity == sweeper.SeverityError && strings.Contains(fd.Message, "sweeper.max_load"))
	}
	if !found {
		t.Errorf("check: no error about sweeper.max_load on SQLite")
	}
	rep, err := f.sweepAt(time.Time{}, sweeper.SweepOptions{})
	engPartial(t, err)
	rr := engRule(t, rep, "people-5y")
	if rr.Err == nil || !strings.Contains(rr.Err.Error(), "set them to 0") || rr.Rows != 0 {
		t.Errorf("sweep: got %d rows, error %v; want none and an error saying to set max_load to 0", rr.Rows, rr.Err)
	}
	if due, _ := thrDue(f); due != 3 {
		t.Errorf("due rows: got %d, want 3", due)
	}
}

// TestThrottle_PauseFileNoFile: a pause_file path through a regular file
// names no file that can exist, and holds no sweep; a directory there
// would hold every sweep for ever, and check says so as an error.
func TestThrottle_PauseFileNoFile(t *testing.T) {
	f := setup(t, dbSQLite)
	thrPeople(f, 3, 0, 2)
	dir := t.TempDir()
	plain := filepath.Join(dir, "plain")
	if err := os.WriteFile(plain, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	f.cfg.Sweeper.PauseFile = filepath.Join(plain, "pause")
	res := thrDone(t, thrSweep(context.Background(), f))
	if rr := engRule(t, res.rep, "people-5y"); res.err != nil || rr.Rows != 3 {
		t.Errorf("sweep with a pause file under a file: %d rows, error %v; want 3 and none", rr.Rows, res.err)
	}
	f.cfg.Sweeper.PauseFile = dir
	var found bool
	for _, fd := range f.sw.Check(context.Background()) {
		found = found || (fd.Severity == sweeper.SeverityError && strings.Contains(fd.Message, "is a directory"))
	}
	if !found {
		t.Errorf("check: no error about a pause_file that is a directory")
	}
}

// TestThrottle_Gentle: a gentle sweep takes exactly the rows a full one
// does, and pauses after its batches.
func TestThrottle_Gentle(t *testing.T) {
	dialects(t, func(t *testing.T, f *fixture) {
		thrPeople(f, 25, 5, 4)
		f.cfg.Sweeper.Pace = sweeper.PaceGentle
		rr := engRule(t, f.sweep(time.Time{}, sweeper.SweepOptions{}), "people-5y")
		if due, kept := thrDue(f); rr.Err != nil || rr.Rows != 25 || due != 0 || kept != 5 || engAuditCount(f) != 25 {
			t.Errorf("gentle sweep: %d rows (error %v), %d due and %d others left, %d audit records; want 25, 0, 5, 25",
				rr.Rows, rr.Err, due, kept, engAuditCount(f))
		}
		if rr.Batches < 7 || rr.Throttled[sweeper.ThrottlePace] <= 0 {
			t.Errorf("gentle sweep: %d batches, throttled %v; want 7 and time paused by the pace", rr.Batches, rr.Throttled)
		}
	})
}

// TestThrottle_GentleLoad: the gentle pace backs off when the server's
// running statements rise after its first batches, says so once, and
// recovers when they fall.
func TestThrottle_GentleLoad(t *testing.T) {
	f := setup(t, dbMySQL)
	thrPeople(f, 40, 0, 2)
	f.cfg.Sweeper.Pace = sweeper.PaceGentle
	var stop func()
	recorded := thrLog(f, func(n int) {
		switch n {
		case 4: // after the baseline of three batches
			stop = thrSleepers(t, f, 8)
		case 6:
			stop()
		}
	})
	rr := engRule(t, f.sweep(time.Time{}, sweeper.SweepOptions{}), "people-5y")
	if due, _ := thrDue(f); rr.Err != nil || rr.Rows != 40 || due != 0 {
		t.Errorf("gentle sweep: %d rows (error %v), %d due left; want 40, 0", rr.Rows, rr.Err, due)
	}
	if len(thrEvents(recorded, "start", "load")) != 1 || len(thrEvents(recorded, "end", "load")) != 1 || rr.Throttled[sweeper.ThrottleLoad] <= 0 {
		t.Errorf("got %d start and %d end events for load, throttled %v; want one each and time backed off for load",
			len(thrEvents(recorded, "start", "load")), len(thrEvents(recorded, "end", "load")), rr.Throttled)
	}
}

// TestThrottle_Metrics: every rule has a series per throttle reason from
// the start, and a run's throttled time adds to its reason's.
func TestThrottle_Metrics(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := sweeper.NewMetrics(reg)
	m.Init([]*sweeper.Rule{{Name: "people-5y", Action: sweeper.ActionDelete}})
	for _, reason := range sweeper.ThrottleReasons {
		if v, ok := metricValue(t, reg, "sweeper_throttled_seconds_total", map[string]string{"rule": "people-5y", "reason": reason}); !ok || v != 0 {
			t.Errorf("reason %s before a run: got %v (present %v), want 0", reason, v, ok)
		}
	}
	m.ObserveRule(sweeper.RuleReport{Name: "people-5y", Action: sweeper.ActionDelete,
		Throttled: map[string]time.Duration{sweeper.ThrottleMaxLoad: 2 * time.Second, sweeper.ThrottlePace: 500 * time.Millisecond}}, time.Now())
	for reason, want := range map[string]float64{sweeper.ThrottleMaxLoad: 2, sweeper.ThrottlePace: 0.5, sweeper.ThrottlePauseFile: 0} {
		if v, _ := metricValue(t, reg, "sweeper_throttled_seconds_total", map[string]string{"rule": "people-5y", "reason": reason}); v != want {
			t.Errorf("reason %s after a run: got %v, want %v", reason, v, want)
		}
	}
}
