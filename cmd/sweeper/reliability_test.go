package main

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	gomysql "github.com/go-sql-driver/mysql"

	"github.com/sweeperd/sweeper/internal/dbtest"
)

// The shop of the reliability tests: customers with addresses (deleted with
// their customer) and orders (detached), the shape of the README's account
// rule. There are no foreign keys on purpose: the database must not be what
// keeps a half-done batch out; the sweeper must.
//
// Beside the shop, exp_* tables remember every row as it was seeded, so the
// checks can tell what was there: exp_customers.due says whether a sweep as
// of relAsOf may delete the customer, exp_*.k is the row_key its audit
// record must carry.
var relShopTables = []string{
	`CREATE TABLE customers (id BIGINT PRIMARY KEY, email VARCHAR(100) NOT NULL, last_login_at DATETIME NULL,
		created_at DATETIME NOT NULL, INDEX (last_login_at), INDEX (created_at))`,
	`CREATE TABLE addresses (id BIGINT PRIMARY KEY, customer_id BIGINT NOT NULL, street VARCHAR(100) NOT NULL, INDEX (customer_id))`,
	`CREATE TABLE orders (id BIGINT PRIMARY KEY, customer_id BIGINT NULL, total_cents INT NOT NULL, INDEX (customer_id))`,
	`CREATE TABLE exp_customers (id BIGINT PRIMARY KEY, k VARCHAR(20) NOT NULL, due TINYINT NOT NULL, UNIQUE KEY (k))`,
	`CREATE TABLE exp_addresses (id BIGINT PRIMARY KEY, k VARCHAR(20) NOT NULL, customer_id BIGINT NOT NULL, UNIQUE KEY (k), INDEX (customer_id))`,
	`CREATE TABLE exp_orders (id BIGINT PRIMARY KEY, k VARCHAR(20) NOT NULL, customer_id BIGINT NOT NULL, UNIQUE KEY (k), INDEX (customer_id))`,
}

const relAsOf = "2026-11-22"

// relWindow is how far beyond the sweep's frontiers the check after a kill
// looks: more than a batch of 200 customers.
const relWindow = 500

const relAccountRule = `
[[rule]]
name = "account-idle-5y"
table = "customers"
age_column = ["last_login_at", "created_at"]
older_than = "5 years"
action = "delete"
[[rule.related]]
table = "addresses"
foreign_key = "customer_id"
action = "delete"
[[rule.related]]
table = "orders"
foreign_key = "customer_id"
action = "detach"
`

// relShop seeds customers first..first+n-1: every tenth logged in last
// month (not due), the others idle since 2015 (due); each has one or two
// addresses and one or two orders. Ids are derived from the customer's, so
// a later call adds to the same shop.
func relShop(t *testing.T, db *sql.DB, first, n int) {
	t.Helper()
	const chunk = 2000
	for from := first; from < first+n; from += chunk {
		to := min(from+chunk, first+n)
		var cust, exc, addr, exa, ord, exo []string
		for id := from; id < to; id++ {
			due := id%10 != 0
			login := "'2026-10-01 09:00:00'"
			if due {
				login = "NULL"
			}
			cust = append(cust, fmt.Sprintf("(%d, 'klant%d@example.invalid', %s, '2015-03-01 12:00:00')", id, id, login))
			exc = append(exc, fmt.Sprintf("(%d, '%d', %t)", id, id, due))
			for j := 0; j <= id%2; j++ {
				aid := id*2 + j
				addr = append(addr, fmt.Sprintf("(%d, %d, 'Teststraat %d')", aid, id, aid))
				exa = append(exa, fmt.Sprintf("(%d, '%d', %d)", aid, aid, id))
			}
			for j := 0; j <= (id/2)%2; j++ {
				oid := id*2 + j
				ord = append(ord, fmt.Sprintf("(%d, %d, %d)", oid, id, 1000+oid%5000))
				exo = append(exo, fmt.Sprintf("(%d, '%d', %d)", oid, oid, id))
			}
		}
		for _, ins := range []struct {
			head string
			rows []string
		}{
			{"INSERT INTO customers (id, email, last_login_at, created_at) VALUES ", cust},
			{"INSERT INTO exp_customers (id, k, due) VALUES ", exc},
			{"INSERT INTO addresses (id, customer_id, street) VALUES ", addr},
			{"INSERT INTO exp_addresses (id, k, customer_id) VALUES ", exa},
			{"INSERT INTO orders (id, customer_id, total_cents) VALUES ", ord},
			{"INSERT INTO exp_orders (id, k, customer_id) VALUES ", exo},
		} {
			if _, err := db.Exec(ins.head + strings.Join(ins.rows, ", ")); err != nil {
				t.Fatalf("seed: %v", err)
			}
		}
	}
}

// relInvariants are the conditions that hold after any number of committed
// batches: each query counts the rows that break one, and must find none.
// The two arguments bound the customer ids looked at (the rows of the
// seeded customers with id in [lo, hi]), so that the check after each kill
// can look only near where the killed run was.
var relInvariants = []struct{ what, query string }{
	{"addresses left of a deleted customer (half-done batch)",
		`SELECT COUNT(*) FROM exp_addresses e JOIN addresses x ON x.id = e.id LEFT JOIN customers c ON c.id = x.customer_id
			WHERE e.customer_id BETWEEN ? AND ? AND c.id IS NULL`},
	{"orders still attached to a deleted customer (half-done batch)",
		`SELECT COUNT(*) FROM exp_orders e JOIN orders o ON o.id = e.id LEFT JOIN customers c ON c.id = o.customer_id
			WHERE e.customer_id BETWEEN ? AND ? AND o.customer_id IS NOT NULL AND c.id IS NULL`},
	{"addresses deleted while their customer remains",
		`SELECT COUNT(*) FROM exp_addresses e JOIN customers c ON c.id = e.customer_id LEFT JOIN addresses x ON x.id = e.id
			WHERE e.customer_id BETWEEN ? AND ? AND x.id IS NULL`},
	{"orders detached while their customer remains",
		`SELECT COUNT(*) FROM exp_orders e JOIN customers c ON c.id = e.customer_id JOIN orders o ON o.id = e.id
			WHERE e.customer_id BETWEEN ? AND ? AND o.customer_id IS NULL`},
	{"orders deleted (detach must keep them)",
		`SELECT COUNT(*) FROM exp_orders e LEFT JOIN orders o ON o.id = e.id WHERE e.customer_id BETWEEN ? AND ? AND o.id IS NULL`},
	{"customers deleted that were not due",
		`SELECT COUNT(*) FROM exp_customers e LEFT JOIN customers c ON c.id = e.id WHERE e.id BETWEEN ? AND ? AND c.id IS NULL AND e.due = 0`},
	{"customers deleted without their audit record",
		`SELECT COUNT(*) FROM exp_customers e LEFT JOIN customers c ON c.id = e.id WHERE e.id BETWEEN ? AND ? AND c.id IS NULL AND NOT EXISTS
			(SELECT 1 FROM sweeper_audit a WHERE a.row_key = e.k AND a.table_name = 'customers' AND a.action = 'delete')`},
	{"addresses deleted without their audit record",
		`SELECT COUNT(*) FROM exp_addresses e LEFT JOIN addresses x ON x.id = e.id WHERE e.customer_id BETWEEN ? AND ? AND x.id IS NULL AND NOT EXISTS
			(SELECT 1 FROM sweeper_audit a WHERE a.row_key = e.k AND a.table_name = 'addresses' AND a.action = 'delete')`},
	{"orders detached without their audit record",
		`SELECT COUNT(*) FROM exp_orders e JOIN orders o ON o.id = e.id WHERE e.customer_id BETWEEN ? AND ? AND o.customer_id IS NULL AND NOT EXISTS
			(SELECT 1 FROM sweeper_audit a WHERE a.row_key = e.k AND a.table_name = 'orders' AND a.action = 'detach')`},
	{"audit records of customers that still exist",
		`SELECT COUNT(*) FROM exp_customers e JOIN customers c ON c.id = e.id JOIN sweeper_audit a ON a.row_key = e.k
			WHERE e.id BETWEEN ? AND ? AND a.table_name = 'customers'`},
	{"audit records of addresses that still exist",
		`SELECT COUNT(*) FROM exp_addresses e JOIN addresses x ON x.id = e.id JOIN sweeper_audit a ON a.row_key = e.k
			WHERE e.customer_id BETWEEN ? AND ? AND a.table_name = 'addresses'`},
	{"audit records of orders that are still attached",
		`SELECT COUNT(*) FROM exp_orders e JOIN orders o ON o.id = e.id JOIN sweeper_audit a ON a.row_key = e.k
			WHERE e.customer_id BETWEEN ? AND ? AND a.table_name = 'orders' AND o.customer_id IS NOT NULL`},
	{"rows touched twice (more than one audit record for one row and action)",
		`SELECT COUNT(*) FROM exp_customers e JOIN sweeper_audit a ON a.row_key = e.k AND a.table_name = 'customers'
			JOIN sweeper_audit b ON b.row_key = a.row_key AND b.table_name = a.table_name AND b.action = a.action AND b.id > a.id
			WHERE e.id BETWEEN ? AND ?`},
	{"addresses touched twice",
		`SELECT COUNT(*) FROM exp_addresses e JOIN sweeper_audit a ON a.row_key = e.k AND a.table_name = 'addresses'
			JOIN sweeper_audit b ON b.row_key = a.row_key AND b.table_name = a.table_name AND b.action = a.action AND b.id > a.id
			WHERE e.customer_id BETWEEN ? AND ?`},
	{"orders touched twice",
		`SELECT COUNT(*) FROM exp_orders e JOIN sweeper_audit a ON a.row_key = e.k AND a.table_name = 'orders'
			JOIN sweeper_audit b ON b.row_key = a.row_key AND b.table_name = a.table_name AND b.action = a.action AND b.id > a.id
			WHERE e.customer_id BETWEEN ? AND ?`},
}

// relFinalChecks hold for the whole shop once the sweep has finished.
var relFinalChecks = []struct{ what, query string }{
	{"due customers left after the last run",
		`SELECT COUNT(*) FROM exp_customers e JOIN customers c ON c.id = e.id WHERE e.due = 1`},
	{"audit records of anything but a customer delete, address delete or order detach of a seeded row",
		`SELECT COUNT(*) FROM sweeper_audit a WHERE NOT (
			(a.table_name = 'customers' AND a.action = 'delete' AND a.row_key IN (SELECT k FROM exp_customers)) OR
			(a.table_name = 'addresses' AND a.action = 'delete' AND a.row_key IN (SELECT k FROM exp_addresses)) OR
			(a.table_name = 'orders' AND a.action = 'detach' AND a.row_key IN (SELECT k FROM exp_orders)))`},
	{"audit records beyond one per row and action",
		`SELECT COUNT(*) FROM sweeper_audit a JOIN sweeper_audit b
			ON b.row_key = a.row_key AND b.table_name = a.table_name AND b.action = a.action AND b.id > a.id`},
}

// relCheck holds the customers with ids in [lo, hi] and their rows against
// relInvariants; with final, the whole shop also against relFinalChecks.
func relCheck(t *testing.T, db *sql.DB, when string, lo, hi int, final bool) bool {
	t.Helper()
	ok := true
	for _, c := range relInvariants {
		if final && strings.Contains(c.what, "touched twice") {
			continue // relFinalChecks counts every duplicate at once
		}
		if n := scalar(t, db, c.query, lo, hi); n != 0 {
			t.Errorf("%s: %d %s (customers %d..%d)", when, n, c.what, lo, hi)
			ok = false
		}
	}
	if final {
		for _, c := range relFinalChecks {
			if n := scalar(t, db, c.query); n != 0 {
				t.Errorf("%s: %d %s", when, n, c.what)
				ok = false
			}
		}
	}
	return ok
}

func relMaxAuditID(t *testing.T, db *sql.DB) int64 {
	t.Helper()
	var id sql.NullInt64
	err := db.QueryRow(`SELECT MAX(id) FROM sweeper_audit`).Scan(&id)
	var me *gomysql.MySQLError
	if errors.As(err, &me) && me.Number == 1146 { // no audit table yet
		return 0
	}
	if err != nil {
		t.Fatalf("max audit id: %v", err)
	}
	return id.Int64
}

func relDue(t *testing.T, db *sql.DB) int {
	t.Helper()
	return scalar(t, db, `SELECT COUNT(*) FROM customers WHERE last_login_at IS NULL`)
}

// relSweep starts `sweeper sweep` as a process; its output goes to out.
func relSweep(t *testing.T, cfg string, out io.Writer) (*exec.Cmd, chan error) {
	t.Helper()
	cmd := exec.Command(sweeperBinary(t), "-c", cfg, "sweep", "--as-of", relAsOf)
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			<-done
		}
	})
	return cmd, done
}

func killedBySignal(err error) bool {
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		return false
	}
	ws, ok := ee.Sys().(syscall.WaitStatus)
	return ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL
}

// TestReliability_CrashSafety kills `sweeper sweep` with SIGKILL at random
// moments in the middle of a large sweep, at least 20 times, then lets it
// finish. After every kill and at the end: no batch is half done (no
// address or attached order of a deleted customer, no deletion without its
// audit record, no audit record of a row that is still there), no row is
// touched twice, and nothing that was not due is touched. At the end every
// due customer is gone. SWEEPER_CRASH_SEED replays a run's kill moments.
func TestReliability_CrashSafety(t *testing.T) {
	const (
		wantKills = 20
		initial   = 30000
		refill    = 5000
	)
	started := time.Now()
	dsn := dbtest.MySQL(t)
	db := dbtest.Open(t, dsn)
	dbtest.Exec(t, dsn, relShopTables...)
	// The checks join the audit records to the rows by key, many times: as
	// README advises for such use, the audit table gets an index on row_key,
	// here by creating it in the sweeper's shape before the first sweep.
	dbtest.Exec(t, dsn, `CREATE TABLE sweeper_audit (id BIGINT AUTO_INCREMENT PRIMARY KEY, run_id VARCHAR(32) NOT NULL,
		at DATETIME(6) NOT NULL, rule VARCHAR(64) NOT NULL, table_name VARCHAR(64) NOT NULL, row_key VARCHAR(191) NOT NULL,
		action VARCHAR(16) NOT NULL, detail VARCHAR(1024) NOT NULL DEFAULT '', INDEX idx_sweeper_audit_key (row_key))`)
	relShop(t, db, 1, initial)
	customers := initial
	seeded := time.Now()
	cfg := writeFile(t, t.TempDir(), "config.toml", fmt.Sprintf(`
[database]
driver = "mysql"
dsn = %q
[sweeper]
timezone = "Europe/Amsterdam"
batch_size = 200
[http]
listen = ""
`, dsn)+relAccountRule)
	sweeperBinary(t) // built before the clock of the first run starts

	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("SWEEPER_CRASH_SEED"); s != "" {
		var err error
		if seed, err = strconv.ParseUint(s, 10, 64); err != nil {
			t.Fatalf("SWEEPER_CRASH_SEED: %v", err)
		}
	}
	t.Logf("kill moments from seed %d (replay with SWEEPER_CRASH_SEED=%d)", seed, seed)
	rng := rand.New(rand.NewPCG(seed, 0x5eed))

	kills, runs, finishedEarly, idle, prevFrontier := 0, 0, 0, 0, 1
	var delays []time.Duration
	for kills < wantKills {
		if relDue(t, db) < 2500 {
			// Too little left to be sure the next kill lands mid-sweep.
			relShop(t, db, customers+1, refill)
			customers += refill
		}
		before := relMaxAuditID(t, db)
		var out bytes.Buffer
		cmd, done := relSweep(t, cfg, &out)
		runs++
		// Wait for this run's first batch to commit, so the kill lands in the
		// sweep and not in the start-up.
		var exited error
		progressed := false
		deadline := time.After(20 * time.Second)
	wait:
		for {
			select {
			case exited = <-done:
				break wait
			case <-deadline:
				t.Fatalf("run %d: no batch committed within 20 s\n%s", runs, out.String())
			case <-time.After(5 * time.Millisecond):
				if relMaxAuditID(t, db) > before {
					progressed = true
					break wait
				}
			}
		}
		if !progressed {
			// The run ended before a batch committed: the previous, killed
			// session may still have held the rule's lock (rule.skipped).
			if cmd.ProcessState != nil && !cmd.ProcessState.Success() {
				t.Fatalf("run %d failed before its first batch: %v\n%s", runs, exited, out.String())
			}
			if idle++; idle > 10 {
				t.Fatalf("10 runs in a row did nothing; last output:\n%s", out.String())
			}
			continue
		}
		idle = 0
		delay := time.Duration(50+rng.IntN(351)) * time.Millisecond
		delays = append(delays, delay)
		select {
		case err := <-done:
			finishedEarly++
			if err != nil {
				t.Fatalf("run %d: %v\n%s", runs, err, out.String())
			}
		case <-time.After(delay):
			cmd.Process.Kill()
			select {
			case err := <-done:
				if killedBySignal(err) {
					kills++
				} else if err != nil {
					t.Fatalf("run %d: %v\n%s", runs, err, out.String())
				} else {
					finishedEarly++
				}
			case <-time.After(10 * time.Second):
				t.Fatalf("run %d: no exit within 10 s of SIGKILL", runs)
			}
		}
		// The sweep walks the customers by id: the batches this run committed
		// lie between the first due customer left before it and after it, the
		// batch the kill cut just after.
		frontier := scalar(t, db, `SELECT COALESCE(MIN(id), ?) FROM customers WHERE last_login_at IS NULL`, customers)
		if !relCheck(t, db, fmt.Sprintf("after kill %d (run %d, %s into the sweep)", kills, runs, delay),
			prevFrontier-relWindow, frontier+relWindow, false) {
			t.Fatalf("the database is inconsistent after a kill; output of the run:\n%s", out.String())
		}
		prevFrontier = frontier
	}

	// Then to the end: a run right after a kill may still find the killed
	// session's lock, so it is given a few tries.
	killed, left := time.Now(), relDue(t, db)
	var last bytes.Buffer
	for i := 0; ; i++ {
		if i == 5 {
			t.Fatalf("the sweep did not finish in 5 runs after the last kill; last output:\n%s", last.String())
		}
		last.Reset()
		_, done := relSweep(t, cfg, &last)
		runs++
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("final run: %v\n%s", err, last.String())
			}
		case <-time.After(60 * time.Second):
			t.Fatalf("final run: not done within 60 s")
		}
		if relDue(t, db) == 0 {
			break
		}
	}
	relCheck(t, db, "after the final run", 1, customers, true)

	deleted := scalar(t, db, `SELECT COUNT(*) FROM sweeper_audit WHERE table_name = 'customers'`)
	addrs := scalar(t, db, `SELECT COUNT(*) FROM sweeper_audit WHERE table_name = 'addresses'`)
	detached := scalar(t, db, `SELECT COUNT(*) FROM sweeper_audit WHERE table_name = 'orders'`)
	if want := scalar(t, db, `SELECT COUNT(*) FROM exp_customers WHERE due = 1`); deleted != want {
		t.Errorf("customers deleted: got %d, want %d", deleted, want)
	}
	var minD, maxD time.Duration
	for i, d := range delays {
		if i == 0 || d < minD {
			minD = d
		}
		maxD = max(maxD, d)
	}
	t.Logf("crash safety: %d SIGKILLs mid-sweep (%d runs in all, %d finished before their kill); "+
		"%d customers (%d due): %d deleted, %d addresses deleted, %d orders detached; kills %s..%s after the run's first commit; "+
		"seeding %s, kill loop %s, final run (%d customers due) %s, total %s",
		kills, runs, finishedEarly, customers, scalar(t, db, `SELECT COUNT(*) FROM exp_customers WHERE due = 1`),
		deleted, addrs, detached, minD, maxD, seeded.Sub(started).Round(100*time.Millisecond),
		killed.Sub(seeded).Round(100*time.Millisecond), left, time.Since(killed).Round(100*time.Millisecond),
		time.Since(started).Round(100*time.Millisecond))
}

// relGet is an HTTP GET with a timeout: a daemon that stops answering must
// fail the test, not hang it.
func relGet(url string) (int, string, error) {
	c := &http.Client{Timeout: 5 * time.Second}
	resp, err := c.Get(url)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), nil
}

var relErrorsMetric = regexp.MustCompile(`(?m)^sweeper_rule_errors_total\{rule="order-7y"\} (\d+)$`)

// TestReliability_DatabaseRestart restarts the daemon's MariaDB in the
// middle of a sweep: the daemon stays up, /healthz answers 503 while the
// database is down and 200 once it is back, the rule's failure is logged
// and counted, and the next runs finish the sweep without a restart of the
// daemon. Every deleted row has exactly one audit record: the batch cut by
// the restart was rolled back, not half committed.
func TestReliability_DatabaseRestart(t *testing.T) {
	srv := dbtest.PrivateMariaDB(t)
	dbtest.Exec(t, srv.DSN(""), "CREATE DATABASE shop CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci")
	dsn := srv.DSN("shop")
	db := dbtest.Open(t, dsn)
	dbtest.Exec(t, dsn,
		`CREATE TABLE orders (id BIGINT AUTO_INCREMENT PRIMARY KEY, phone VARCHAR(30), created_at DATETIME NOT NULL, INDEX (created_at))`)
	sweepThroughRestart(t, dsn, db, func() { srv.Stop(t) }, func() { srv.Start(t) })
}

// TestReliability_DatabaseRestartPostgres is the same with PostgreSQL,
// stopped the way a service stop does it (fast shutdown: every session
// ended, open transactions rolled back).
func TestReliability_DatabaseRestartPostgres(t *testing.T) {
	srv := dbtest.PrivatePostgres(t)
	if _, err := dbtest.OpenPostgres(t, srv.DSN("")).Exec("CREATE DATABASE shop"); err != nil {
		t.Fatal(err)
	}
	dsn := srv.DSN("shop")
	db := dbtest.OpenPostgres(t, dsn)
	for _, q := range []string{
		`CREATE TABLE orders (id BIGSERIAL PRIMARY KEY, phone VARCHAR(30), created_at TIMESTAMP NOT NULL)`,
		`CREATE INDEX orders_created_at ON orders (created_at)`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	sweepThroughRestart(t, dsn, db, func() { srv.Stop(t) }, func() { srv.Start(t) })
}

// sweepThroughRestart fills the empty orders table behind dsn with due
// orders, starts the daemon on it, and stops and starts the database in
// the middle of the sweep; see TestReliability_DatabaseRestart.
func sweepThroughRestart(t *testing.T, dsn string, db *sql.DB, stop, start func()) {
	t.Helper()
	const n = 20000
	// The test's own queries must not meet a connection the restart
	// closed: without idle ones, each opens its own.
	db.SetMaxIdleConns(0)
	addDueOrders(t, db, n)
	listen := freePort(t)
	cfg := daemonConfig(t, t.TempDir(), dsn, listen, "batch_size = 200\nbatch_pause = \"20ms\"")
	p := startDaemon(t, cfg, listen)
	p.waitLog(15*time.Second, `"event":"daemon.start"`)
	eventually(t, 15*time.Second, "the sweep has started", func() bool {
		return scalar(t, db, "SELECT COUNT(*) FROM orders") < n-400
	})

	stop()
	down := time.Now()
	healthz := "http://" + listen + "/healthz"
	eventually(t, 15*time.Second, "/healthz answers 503 while the database is down", func() bool {
		code, _, err := relGet(healthz)
		return err == nil && code == http.StatusServiceUnavailable
	})
	p.waitLog(15*time.Second, `"event":"rule.error"`, `"rule":"order-7y"`)
	select {
	case err := <-p.done:
		t.Fatalf("the daemon exited while the database was down: %v", err)
	default:
	}
	start()
	t.Logf("database down for %s", time.Since(down).Round(100*time.Millisecond))

	eventually(t, 60*time.Second, "the sweep finishes after the restart", func() bool {
		return scalar(t, db, "SELECT COUNT(*) FROM orders") == 0
	})
	code, body, err := relGet(healthz)
	if err != nil || code != http.StatusOK {
		t.Errorf("/healthz after the restart: got %d %q %v, want 200", code, body, err)
	}
	if got := scalar(t, db, "SELECT COUNT(*) FROM sweeper_audit WHERE action = 'delete'"); got != n {
		t.Errorf("audit records: got %d for %d deleted rows, want one each", got, n)
	}
	if got := scalar(t, db, "SELECT COUNT(DISTINCT row_key) FROM sweeper_audit"); got != n {
		t.Errorf("distinct audited rows: got %d, want %d", got, n)
	}
	_, metrics, err := relGet("http://" + listen + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	if m := relErrorsMetric.FindStringSubmatch(metrics); m == nil || m[1] == "0" {
		t.Errorf("sweeper_rule_errors_total{rule=\"order-7y\"}: got %v, want at least 1 for the run the restart cut", m)
	}
	if starts := strings.Count(p.logText(), `"event":"daemon.start"`); starts != 1 {
		t.Errorf("daemon.start logged %d times, want once: the daemon itself must not restart", starts)
	}
	// The log stays one JSON object per line, whatever the driver has to
	// say about the connections the restart broke.
	for _, line := range strings.Split(strings.TrimSpace(p.logText()), "\n") {
		if !json.Valid([]byte(line)) {
			t.Errorf("a log line that is not JSON: %q", line)
		}
	}
	if err, took := p.stop(); err != nil || took > 10*time.Second {
		t.Errorf("stop: got %v after %s, want status 0 within 10 s", err, took)
	}
}

// TestReliability_DatabaseGoesAwayDuringStartCheck: the database stops
// while the daemon, at start, holds its config against the schema. What
// failed then says nothing of the config: the daemon waits for the
// database, as when it is down at start, instead of exiting as if the
// config were wrong, and sweeps once it is back.
func TestReliability_DatabaseGoesAwayDuringStartCheck(t *testing.T) {
	srv := dbtest.PrivateMariaDB(t)
	dbtest.Exec(t, srv.DSN(""), "CREATE DATABASE shop CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci")
	dsn := srv.DSN("shop")
	dbtest.Exec(t, dsn,
		`CREATE TABLE orders (id BIGINT AUTO_INCREMENT PRIMARY KEY, created_at DATETIME NOT NULL, INDEX (created_at))`,
		`INSERT INTO orders (created_at) VALUES ('2015-01-01 00:00:00')`)
	listen := freePort(t)
	// The check runs the rule's condition once; SLEEP holds it open long
	// enough to stop the server under it.
	cfg := writeFile(t, t.TempDir(), "config.toml", fmt.Sprintf(`
[database]
driver = "mysql"
dsn = %q
[sweeper]
timezone = "Europe/Amsterdam"
schedule = "@every 1s"
[http]
listen = %q
[[rule]]
name = "order-7y"
table = "orders"
age_column = "created_at"
older_than = "7 years"
where = "SLEEP(2) = 0"
action = "delete"
`, dsn, listen))
	p := startDaemon(t, cfg, listen)
	root := dbtest.Open(t, srv.DSN(""))
	root.SetMaxIdleConns(0)
	eventually(t, 15*time.Second, "the start check runs the rule's condition", func() bool {
		var n int
		err := root.QueryRow(`SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE '%SLEEP(2)%' AND INFO NOT LIKE '%PROCESSLIST%'`).Scan(&n)
		return err == nil && n > 0
	})
	srv.Stop(t)
	p.waitLog(15*time.Second, `"event":"db.error"`)
	select {
	case err := <-p.done:
		t.Fatalf("the daemon exited when the database went away during its start check: %v\n%s", err, p.logText())
	case <-time.After(3 * time.Second):
	}
	srv.Start(t)
	p.waitLog(30*time.Second, `"event":"daemon.start"`)
	db := dbtest.Open(t, dsn)
	db.SetMaxIdleConns(0)
	eventually(t, 60*time.Second, "the due order is swept once the database is back", func() bool {
		return scalar(t, db, "SELECT COUNT(*) FROM orders") == 0
	})
}
