package main

import (
	"bufio"

	"database/sql"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/sweeperd/sweeper/internal/dbtest"
)

var (
	binaryOnce sync.Once
	binaryPath string
	binaryErr  error
)

// sweeperBinary builds the real binary once per test run, static as it ships.
func sweeperBinary(t *testing.T) string {
	t.Helper()
	binaryOnce.Do(func() {
		dir, err := os.MkdirTemp("", "sweeper-bin-")
		if err != nil {
			binaryErr = err
			return
		}
		binaryPath = filepath.Join(dir, "sweeper")
		cmd := exec.Command("go", "build", "-o", binaryPath, ".")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			binaryErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binaryErr != nil {
		t.Fatal(binaryErr)
	}
	return binaryPath
}

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// proc is a running `sweeper run`, with its log lines on a channel.
type proc struct {
	t      *testing.T
	cmd    *exec.Cmd
	listen string
	lines  chan string
	mu     sync.Mutex
	log    []string
	done   chan error
}

func startDaemon(t *testing.T, config string, listen string) *proc {
	t.Helper()
	cmd := exec.Command(sweeperBinary(t), "-c", config, "run")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &proc{t: t, cmd: cmd, listen: listen, lines: make(chan string, 10000), done: make(chan error, 1)}
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			p.mu.Lock()
			p.log = append(p.log, sc.Text())
			p.mu.Unlock()
			select {
			case p.lines <- sc.Text():
			default:
			}
		}
		p.done <- cmd.Wait()
	}()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			<-p.done
		}
		if t.Failed() {
			t.Logf("daemon log:\n%s", p.logText())
		}
	})
	return p
}

func (p *proc) logText() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return strings.Join(p.log, "\n")
}

// waitLog waits for a log line containing every one of want.
func (p *proc) waitLog(timeout time.Duration, want ...string) string {
	p.t.Helper()
	deadline := time.After(timeout)
	for {
		select {
		case l := <-p.lines:
			ok := true
			for _, w := range want {
				ok = ok && strings.Contains(l, w)
			}
			if ok {
				return l
			}
		case <-deadline:
			p.t.Fatalf("no log line with %q within %s", want, timeout)
			return ""
		}
	}
}

// stop sends SIGTERM and returns the exit error and how long the stop took.
func (p *proc) stop() (error, time.Duration) {
	p.t.Helper()
	start := time.Now()
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-p.done:
		return err, time.Since(start)
	case <-time.After(20 * time.Second):
		p.cmd.Process.Kill()
		p.t.Fatal("the daemon did not stop within 20 s of SIGTERM")
		return nil, 0
	}
}

func (p *proc) get(path string) (int, string) {
	p.t.Helper()
	resp, err := http.Get("http://" + p.listen + path)
	if err != nil {
		p.t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// eventually polls cond until it holds or the timeout passes: the daemon's
// progress is only visible in the database.
func eventually(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(timeout)
	for !cond() {
		select {
		case <-tick.C:
		case <-deadline:
			t.Fatalf("%s: not within %s", what, timeout)
		}
	}
}

func scalar(t *testing.T, db *sql.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// daemonShop is a MariaDB shop database with n orders due for deletion.
func daemonShop(t *testing.T, n int) (dsn string, db *sql.DB) {
	t.Helper()
	dsn = dbtest.MySQL(t)
	db = dbtest.Open(t, dsn)
	dbtest.Exec(t, dsn,
		`CREATE TABLE orders (id BIGINT AUTO_INCREMENT PRIMARY KEY, phone VARCHAR(30), created_at DATETIME NOT NULL, INDEX (created_at))`,
		`CREATE TABLE seq (n INT PRIMARY KEY)`,
	)
	addDueOrders(t, db, n)
	return dsn, db
}

// addDueOrders inserts n orders from 2015: due under any rule of this file.
func addDueOrders(t *testing.T, db *sql.DB, n int) {
	t.Helper()
	for done := 0; done < n; {
		k := min(5000, n-done)
		var sb strings.Builder
		sb.WriteString("INSERT INTO orders (phone, created_at) VALUES ")
		for i := 0; i < k; i++ {
			if i > 0 {
				sb.WriteString(",")
			}
			sb.WriteString("('0612345678', '2015-03-01 12:00:00')")
		}
		if _, err := db.Exec(sb.String()); err != nil {
			t.Fatal(err)
		}
		done += k
	}
}

func daemonConfig(t *testing.T, dir, dsn, listen, extra string) string {
	t.Helper()
	driver := "mysql"
	switch {
	case strings.HasPrefix(dsn, "postgres://"):
		driver = "postgres"
	case strings.HasSuffix(dsn, ".db"):
		driver = "sqlite"
	}
	return writeFile(t, dir, "config.toml", fmt.Sprintf(`
[database]
driver = %q
dsn = %q
[sweeper]
timezone = "Europe/Amsterdam"
schedule = "@every 1s"
%s
[http]
listen = %q
[[rule]]
name = "order-7y"
table = "orders"
age_column = "created_at"
older_than = "7 years"
action = "delete"
`, driver, dsn, extra, listen))
}

func TestDaemon_SweepsOnSchedule(t *testing.T) {
	dsn, db := daemonShop(t, 300)
	listen := freePort(t)
	cfg := daemonConfig(t, t.TempDir(), dsn, listen, "")
	p := startDaemon(t, cfg, listen)
	p.waitLog(10*time.Second, `"event":"daemon.start"`)

	eventually(t, 15*time.Second, "orders swept", func() bool { return scalar(t, db, "SELECT COUNT(*) FROM orders") == 0 })
	if code, body := p.get("/healthz"); code != http.StatusOK {
		t.Errorf("/healthz: got %d %q, want 200", code, body)
	}
	// The container HEALTHCHECK runs this, with the daemon's config.
	if code, out, stderr := runCLI(t, "-c", cfg, "healthcheck"); code != exitOK || !strings.Contains(out, "ok") {
		t.Errorf("healthcheck: got exit %d (%q %q), want 0 and ok", code, out, stderr)
	}
	// The backlog gauge is set just after the counters, from the run's own counts.
	eventually(t, 5*time.Second, "metrics count the rows", func() bool {
		_, body := p.get("/metrics")
		return strings.Contains(body, `sweeper_rows_total{action="delete",rule="order-7y"} 300`) &&
			strings.Contains(body, `sweeper_due_rows{rule="order-7y"} 0`)
	})
	_, body := p.get("/metrics")
	for _, want := range []string{"sweeper_rule_duration_seconds_bucket", "sweeper_last_success_timestamp_seconds{rule=\"order-7y\"}",
		"sweeper_rule_errors_total{rule=\"order-7y\"} 0", "sweeper_due_rows{rule=\"order-7y\"} 0", "sweeper_reminders_sent_total"} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if code, _ := p.get("/debug/pprof/"); code != http.StatusNotFound {
		t.Errorf("/debug/pprof/: got %d, want 404: nothing but health and metrics is served", code)
	}
	if got := scalar(t, db, "SELECT COUNT(*) FROM sweeper_audit WHERE action = 'delete'"); got != 300 {
		t.Errorf("audit records: got %d, want 300", got)
	}
	err, took := p.stop()
	if err != nil {
		t.Errorf("exit after SIGTERM: got %v, want status 0", err)
	}
	if took > 10*time.Second {
		t.Errorf("stop took %s, want under 10 s", took)
	}
}

// daemonMidSweep starts a daemon on a shop of n due orders, slowed down
// (small batches, a pause), and returns once its sweep is under way.
func daemonMidSweep(t *testing.T, n int) (dsn string, db *sql.DB, p *proc) {
	t.Helper()
	dsn, db = daemonShop(t, n)
	listen := freePort(t)
	p = startDaemon(t, daemonConfig(t, t.TempDir(), dsn, listen, "batch_size = 200\nbatch_pause = \"10ms\""), listen)
	p.waitLog(10*time.Second, `"event":"daemon.start"`)
	eventually(t, 15*time.Second, "the sweep has started", func() bool { return scalar(t, db, "SELECT COUNT(*) FROM orders") < n-1000 })
	return dsn, db, p
}

// TestDaemon_StopsCleanlyMidSweep stops the daemon in the middle of a long
// sweep: it exits 0 in time, and every deleted row has its audit record
// (no half batch).
func TestDaemon_StopsCleanlyMidSweep(t *testing.T) {
	const n = 60000
	_, db, p := daemonMidSweep(t, n)

	err, took := p.stop()
	if err != nil {
		t.Errorf("exit after SIGTERM mid-sweep: got %v, want status 0", err)
	}
	if took > 10*time.Second {
		t.Errorf("stop took %s, want under 10 s", took)
	}
	left := scalar(t, db, "SELECT COUNT(*) FROM orders")
	if left == 0 {
		t.Fatalf("the sweep finished before the stop; the test needs more rows")
	}
	audited := scalar(t, db, "SELECT COUNT(*) FROM sweeper_audit WHERE action = 'delete'")
	if audited != n-left {
		t.Errorf("audit records %d, rows deleted %d: a batch was cut in half", audited, n-left)
	}
	if missing := scalar(t, db, `SELECT COUNT(*) FROM sweeper_audit a JOIN orders o ON o.id = CAST(a.row_key AS UNSIGNED)`); missing != 0 {
		t.Errorf("%d audit records name rows that still exist", missing)
	}
}

// TestDaemon_SurvivesSIGKILL kills the daemon mid-sweep without warning (a
// crash, the OOM killer): no batch is left half done, and the next daemon
// takes the rest, each row audited exactly once.
func TestDaemon_SurvivesSIGKILL(t *testing.T) {
	const n = 60000
	dsn, db, p := daemonMidSweep(t, n)
	if err := p.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	if err := <-p.done; !killedBySignal(err) {
		t.Fatalf("daemon exit: got %v, want killed by SIGKILL", err)
	}
	left := scalar(t, db, "SELECT COUNT(*) FROM orders")
	if left == 0 {
		t.Fatalf("the sweep finished before the kill; the test needs more rows")
	}
	if audited := scalar(t, db, "SELECT COUNT(*) FROM sweeper_audit WHERE action = 'delete'"); audited != n-left {
		t.Errorf("after the kill: audit records %d, rows deleted %d: a batch was cut in half", audited, n-left)
	}

	listen := freePort(t)
	cfg := daemonConfig(t, t.TempDir(), dsn, listen, "batch_size = 200")
	p = startDaemon(t, cfg, listen)
	eventually(t, 60*time.Second, "the next daemon has swept the rest", func() bool { return scalar(t, db, "SELECT COUNT(*) FROM orders") == 0 })
	if err, _ := p.stop(); err != nil {
		t.Errorf("exit after SIGTERM: got %v, want status 0", err)
	}
	if got := scalar(t, db, "SELECT COUNT(*) FROM sweeper_audit WHERE action = 'delete'"); got != n {
		t.Errorf("audit records: got %d, want %d", got, n)
	}
	if got := scalar(t, db, "SELECT COUNT(DISTINCT row_key) FROM sweeper_audit WHERE action = 'delete'"); got != n {
		t.Errorf("rows audited: got %d distinct keys, want %d (each exactly once)", got, n)
	}
}

// TestDaemon_SurvivesKilledConnectionsPostgres ends the daemon's PostgreSQL
// sessions again and again in the middle of a sweep (pg_terminate_backend,
// as an admin or a failover does): the cut batches roll back, the daemon
// goes on, and every row is deleted and audited exactly once.
func TestDaemon_SurvivesKilledConnectionsPostgres(t *testing.T) {
	const n = 20000
	dsn := dbtest.Postgres(t)
	db := dbtest.OpenPostgres(t, dsn)
	for _, q := range []string{
		`CREATE TABLE orders (id BIGSERIAL PRIMARY KEY, phone VARCHAR(30), created_at TIMESTAMP NOT NULL)`,
		`CREATE INDEX orders_created_at ON orders (created_at)`,
		fmt.Sprintf(`INSERT INTO orders (phone, created_at) SELECT '0612345678', '2015-03-01 12:00:00' FROM generate_series(1, %d)`, n),
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	listen := freePort(t)
	p := startDaemon(t, daemonConfig(t, t.TempDir(), dsn, listen, "batch_size = 200\nbatch_pause = \"20ms\""), listen)
	eventually(t, 15*time.Second, "the sweep has started", func() bool { return scalar(t, db, "SELECT COUNT(*) FROM orders") < n-400 })

	terminated := 0
	for i := 0; i < 5 && scalar(t, db, "SELECT COUNT(*) FROM orders") > 0; i++ {
		terminated += scalar(t, db, `SELECT COUNT(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity
			WHERE datname = current_database() AND pid <> pg_backend_pid()) AS t`)
		time.Sleep(300 * time.Millisecond)
	}
	if terminated == 0 {
		t.Fatal("found no session of the daemon to end")
	}
	eventually(t, 60*time.Second, "the sweep finishes", func() bool { return scalar(t, db, "SELECT COUNT(*) FROM orders") == 0 })
	if got := scalar(t, db, "SELECT COUNT(*) FROM sweeper_audit WHERE action = 'delete'"); got != n {
		t.Errorf("audit records: got %d for %d deleted rows, want one each", got, n)
	}
	if got := scalar(t, db, "SELECT COUNT(DISTINCT row_key) FROM sweeper_audit"); got != n {
		t.Errorf("distinct audited rows: got %d, want %d", got, n)
	}
	eventually(t, 10*time.Second, "/healthz answers 200", func() bool { code, _ := p.get("/healthz"); return code == http.StatusOK })
	if err, _ := p.stop(); err != nil {
		t.Errorf("exit: %v", err)
	}
	t.Logf("%d sessions ended mid-sweep", terminated)
}

// TestDaemon_TwoProcesses runs two daemons on one database: each row is
// touched, and audited, exactly once.
func TestDaemon_TwoProcesses(t *testing.T) {
	const n = 5000
	dsn, db := daemonShop(t, n)
	var ps []*proc
	for i := 0; i < 2; i++ {
		listen := freePort(t)
		ps = append(ps, startDaemon(t, daemonConfig(t, t.TempDir(), dsn, listen, "batch_size = 100"), listen))
	}
	eventually(t, 30*time.Second, "orders swept", func() bool { return scalar(t, db, "SELECT COUNT(*) FROM orders") == 0 })
	addDueOrders(t, db, 1000)
	eventually(t, 30*time.Second, "new orders swept", func() bool { return scalar(t, db, "SELECT COUNT(*) FROM orders") == 0 })
	for _, p := range ps {
		if err, _ := p.stop(); err != nil {
			t.Errorf("exit: %v", err)
		}
	}
	total := scalar(t, db, "SELECT COUNT(*) FROM sweeper_audit")
	distinct := scalar(t, db, "SELECT COUNT(DISTINCT row_key) FROM sweeper_audit")
	if total != n+1000 || distinct != n+1000 {
		t.Errorf("audit records %d for %d distinct rows, want %d of each", total, distinct, n+1000)
	}
}

// TestDaemon_SurvivesKilledConnections kills every database connection of
// the daemon: the rule may fail once, the daemon stays up, and the next run
// works without a restart.
func TestDaemon_SurvivesKilledConnections(t *testing.T) {
	dsn, db := daemonShop(t, 100)
	listen := freePort(t)
	p := startDaemon(t, daemonConfig(t, t.TempDir(), dsn, listen, ""), listen)
	eventually(t, 15*time.Second, "first sweep", func() bool { return scalar(t, db, "SELECT COUNT(*) FROM orders") == 0 })

	var schema string
	if err := db.QueryRow("SELECT DATABASE()").Scan(&schema); err != nil {
		t.Fatal(err)
	}
	rows, err := db.Query("SELECT id FROM information_schema.PROCESSLIST WHERE db = ? AND id <> CONNECTION_ID()", schema)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		ids = append(ids, id)
	}
	rows.Close()
	if len(ids) == 0 {
		t.Fatal("found no connection of the daemon to kill")
	}
	for _, id := range ids {
		db.Exec(fmt.Sprintf("KILL %d", id))
	}
	addDueOrders(t, db, 100)
	eventually(t, 20*time.Second, "sweep after the connections were killed", func() bool {
		return scalar(t, db, "SELECT COUNT(*) FROM orders") == 0
	})
	if code, _ := p.get("/healthz"); code != http.StatusOK {
		t.Errorf("/healthz after recovery: got %d, want 200", code)
	}
	if err, _ := p.stop(); err != nil {
		t.Errorf("exit: %v", err)
	}
}

// TestDaemon_Reload: an invalid config on SIGHUP is refused and the old one
// keeps running; a valid one replaces the rules.
func TestDaemon_Reload(t *testing.T) {
	dsn, db := daemonShop(t, 10)
	dbtest.Exec(t, dsn, `CREATE TABLE complaints (id BIGINT AUTO_INCREMENT PRIMARY KEY, filed_at DATETIME NOT NULL, INDEX (filed_at))`,
		`INSERT INTO complaints (filed_at) VALUES ('2020-01-01 00:00:00'), ('2020-01-02 00:00:00')`)
	listen := freePort(t)
	dir := t.TempDir()
	cfg := daemonConfig(t, dir, dsn, listen, "")
	p := startDaemon(t, cfg, listen)
	eventually(t, 15*time.Second, "first sweep", func() bool { return scalar(t, db, "SELECT COUNT(*) FROM orders") == 0 })

	good, _ := os.ReadFile(cfg)
	writeFile(t, dir, "config.toml", string(good)+"\n[[rule]]\nname = \"complaint-1y\"\ntable = \"complaints\"\nolder_than = \"1 yaer\"\n")
	p.cmd.Process.Signal(syscall.SIGHUP)
	line := p.waitLog(10*time.Second, `"event":"config.reload_failed"`)
	if !strings.Contains(line, "older_than") {
		t.Errorf("reload failure should name the bad key: %s", line)
	}
	addDueOrders(t, db, 10)
	eventually(t, 15*time.Second, "the old config keeps sweeping", func() bool { return scalar(t, db, "SELECT COUNT(*) FROM orders") == 0 })

	writeFile(t, dir, "config.toml", string(good)+"\n[[rule]]\nname = \"complaint-1y\"\ntable = \"complaints\"\nage_column = \"filed_at\"\nolder_than = \"1 year\"\naction = \"delete\"\n")
	p.cmd.Process.Signal(syscall.SIGHUP)
	p.waitLog(10*time.Second, `"event":"config.reload"`, `"rules":2`)
	eventually(t, 15*time.Second, "the new rule sweeps", func() bool { return scalar(t, db, "SELECT COUNT(*) FROM complaints") == 0 })
	if err, _ := p.stop(); err != nil {
		t.Errorf("exit: %v", err)
	}
}

// TestDaemon_WaitsForTheDatabase starts the daemon with its database down:
// it stays up, /healthz answers 503, and SIGTERM still stops it cleanly.
func TestDaemon_WaitsForTheDatabase(t *testing.T) {
	listen := freePort(t)
	dead := "root@tcp(" + freePort(t) + ")/shop"
	cfg := daemonConfig(t, t.TempDir(), dead, listen, "")
	p := startDaemon(t, cfg, listen)
	p.waitLog(10*time.Second, `"event":"db.error"`)
	if code, _ := p.get("/healthz"); code != http.StatusServiceUnavailable {
		t.Errorf("/healthz without a database: got %d, want 503", code)
	}
	if code, _, stderr := runCLI(t, "-c", cfg, "healthcheck"); code != exitFailed || !strings.Contains(stderr, "503") {
		t.Errorf("healthcheck without a database: got exit %d (%q), want 1 naming the 503", code, stderr)
	}
	if err, took := p.stop(); err != nil || took > 10*time.Second {
		t.Errorf("stop while waiting for the database: got %v after %s, want status 0 within 10 s", err, took)
	}
}

// TestDaemon_NotifiesSystemd checks the sd_notify messages a Type=notify
// unit relies on: READY once the config and HTTP are up, WATCHDOG while the
// loop turns, STOPPING on SIGTERM.
func TestDaemon_NotifiesSystemd(t *testing.T) {
	dsn, _ := daemonShop(t, 1)
	msgs := notifySocket(t)
	listen := freePort(t)
	t.Setenv("WATCHDOG_USEC", "400000") // 0.4 s: the daemon pings every 0.2 s
	p := startDaemon(t, daemonConfig(t, t.TempDir(), dsn, listen, ""), listen)
	waitNotify(t, msgs, "READY=1")
	waitNotify(t, msgs, "WATCHDOG=1")
	p.cmd.Process.Signal(syscall.SIGTERM)
	waitNotify(t, msgs, "STOPPING=1")
	<-p.done
}
