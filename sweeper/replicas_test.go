package sweeper_test

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/sweeperd/sweeper/connectors/database"
	"github.com/sweeperd/sweeper/internal/dbtest"
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
	f := setup(t, dbSQLite)
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

// TestSweeper_ReplicaLagMariaDB runs a sweep on a primary MariaDB whose
// replica stops applying changes: the sweep pauses after its first batch
// while the replica reports no lag (stopped), and goes on once the replica
// runs again and has caught up.
func TestSweeper_ReplicaLagMariaDB(t *testing.T) {
	primary := dbtest.PrivateMariaDB(t, "--server-id=1", "--log-bin=mysql-bin", "--binlog-format=ROW")
	replica := dbtest.PrivateMariaDB(t, "--server-id=2")
	pdb := dbtest.Open(t, primary.DSN(""))
	rdb := dbtest.Open(t, replica.DSN(""))
	mustExec := func(db *sql.DB, q string, args ...any) {
		t.Helper()
		if _, err := db.Exec(q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	count := func(db *sql.DB, q string) int {
		t.Helper()
		var n int
		if err := db.QueryRow(q).Scan(&n); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return n
	}
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for !cond() {
			if time.Now().After(deadline) {
				t.Fatalf("%s: not within 30 s", what)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}

	var file string
	var pos int64
	rows, err := pdb.Query("SHOW MASTER STATUS")
	if err != nil {
		t.Fatal(err)
	}
	cols, _ := rows.Columns()
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if !rows.Next() {
		t.Fatal("the primary has no binary log")
	}
	rows.Scan(ptrs...)
	rows.Close()
	file = fmt.Sprintf("%s", vals[0])
	fmt.Sscan(fmt.Sprint(vals[1]), &pos)
	mustExec(rdb, fmt.Sprintf("CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=%d, MASTER_USER='root', MASTER_PASSWORD='', MASTER_LOG_FILE='%s', MASTER_LOG_POS=%d, MASTER_USE_GTID=no", primary.Port, file, pos))
	mustExec(rdb, "START SLAVE")
	t.Cleanup(func() { rdb.Exec("STOP SLAVE") })

	mustExec(pdb, "CREATE DATABASE shop")
	mustExec(pdb, "CREATE TABLE shop.orders (id BIGINT AUTO_INCREMENT PRIMARY KEY, created_at DATETIME NOT NULL, INDEX (created_at))")
	mustExec(pdb, "INSERT INTO shop.orders (created_at) SELECT '2015-01-01 00:00:00' FROM information_schema.COLLATIONS a, information_schema.COLLATIONS b LIMIT 3000")
	waitFor("the replica has the orders", func() bool {
		var n int
		return rdb.QueryRow("SELECT COUNT(*) FROM shop.orders").Scan(&n) == nil && n == 3000
	})

	store, err := database.Open(t.Context(), "mysql", primary.DSN("shop"), database.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	mon, err := database.OpenReplicas(t.Context(), "mysql", []string{replica.DSN("")})
	if err != nil {
		t.Fatal(err)
	}
	defer mon.Close()
	cfg := &sweeper.Config{
		Database: sweeper.Database{Driver: "mysql", MaxReplicaLag: time.Second},
		Sweeper: sweeper.Settings{Timezone: amsterdam, BatchSize: 1000, LockWaitTimeout: 5 * time.Second,
			AuditTable: "sweeper_audit", RedactText: "[verwijderd]"},
		Rules: []*sweeper.Rule{{Name: "order-7y", Enabled: true, Table: "orders", AgeColumns: []string{"created_at"},
			AgeTimezone: amsterdam, OlderThan: years(7), Action: sweeper.ActionDelete, BatchSize: 1000}},
	}
	core, logs := observer.New(zap.InfoLevel)
	sw := &sweeper.Sweeper{Config: cfg, Store: store, Log: zap.New(core), Replicas: mon}

	// The replica stops applying: it reports no lag, which counts as too much.
	mustExec(rdb, "STOP SLAVE SQL_THREAD")
	done := make(chan *sweeper.Report, 1)
	go func() {
		rep, err := sw.Sweep(context.Background(), sweeper.SweepOptions{AsOf: time.Date(2026, 11, 22, 0, 0, 0, 0, amsterdam)})
		if err != nil {
			t.Errorf("sweep: %v", err)
		}
		done <- rep
	}()
	waitFor("the sweep pauses for the replica", func() bool {
		return logs.FilterField(zap.String("event", "replica.lag")).Len() > 0
	})
	paused := count(pdb, "SELECT COUNT(*) FROM shop.orders")
	select {
	case <-done:
		t.Fatal("the sweep finished while the replica was stopped")
	case <-time.After(2500 * time.Millisecond):
	}
	if got := count(pdb, "SELECT COUNT(*) FROM shop.orders"); got != paused || paused != 2000 {
		t.Fatalf("orders left while paused: got %d then %d, want 2000 both times (one batch, then nothing)", paused, got)
	}

	mustExec(rdb, "START SLAVE SQL_THREAD")
	select {
	case rep := <-done:
		if rep == nil || rep.Rules[0].Rows != 3000 {
			t.Fatalf("sweep after the replica caught up: got %+v, want 3000 rows", rep)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("the sweep did not go on after the replica caught up")
	}
	if logs.FilterField(zap.String("event", "replica.resume")).Len() == 0 {
		t.Error("no replica.resume log line")
	}
	waitFor("the replica applies the deletions", func() bool {
		var n int
		return rdb.QueryRow("SELECT COUNT(*) FROM shop.orders").Scan(&n) == nil && n == 0
	})
}
