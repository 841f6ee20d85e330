package main

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sweeperd/sweeper/internal/dbtest"
)

// misspelledTable is a rule on a table the shop's database does not have.
const misspelledTable = `
[[rule]]
name = "complaint-1y"
table = "complaint"
age_column = "filed_at"
older_than = "1 year"
action = "delete"
`

// exitStatus waits for the daemon to exit by itself and returns its code.
func (p *proc) exitStatus(timeout time.Duration) int {
	p.t.Helper()
	select {
	case err := <-p.done:
		var ee *exec.ExitError
		if err == nil {
			return 0
		}
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		p.t.Fatalf("daemon: %v", err)
	case <-time.After(timeout):
		p.t.Fatalf("the daemon is still running after %s; want it to refuse to start", timeout)
	}
	return -1
}

// TestDaemon_FailedReloadKeepsSweeping sends SIGHUP with configs that load
// but cannot work: a misspelled table and column, a reminder template that
// does not parse, a replica that does not answer. Each reload is refused
// with one config.reload_failed naming every problem, and the old config
// keeps sweeping: new due rows are deleted by the old rule, never by the
// rule of the refused config.
func TestDaemon_FailedReloadKeepsSweeping(t *testing.T) {
	dsn, db := daemonShop(t, 10)
	dbtest.Exec(t, dsn, accountsTable)
	listen := freePort(t)
	dir := t.TempDir()
	writeFile(t, dir, "templates/bad.txt", brokenTemplate)
	cfg := daemonConfig(t, dir, dsn, listen, "")
	good, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	p := startDaemon(t, cfg, listen)
	p.waitLog(10*time.Second, `"event":"daemon.start"`)
	eventually(t, 15*time.Second, "first sweep", func() bool { return scalar(t, db, "SELECT COUNT(*) FROM orders") == 0 })

	// Each refused config renames the orders rule: were it taken, its runs
	// would write audit records under the new name.
	renamed := strings.Replace(string(good), `name = "order-7y"`, `name = "order-renamed"`, 1)
	refused := 0
	for _, tc := range []struct {
		name   string
		config string
		want   []string
	}{
		{"MisspelledTableAndColumn", renamed + misspelledTable + `
[[rule]]
name = "order-phone-1y"
table = "orders"
age_column = "create_at"
older_than = "1 year"
action = "anonymise"
[rule.anonymise]
phone = "null"
`, []string{`table \"complaint\" does not exist`, `age_column \"create_at\"`}},
		{"BrokenTemplate", renamed + reminderRule(t, "bad.txt"), []string{"bad.txt", `function \"dutchDat\" not defined`}},
		{"ReplicaDoesNotAnswer", strings.Replace(renamed, "[sweeper]",
			fmt.Sprintf("replicas = [\"root@tcp(%s)/shop\"]\n[sweeper]", freePort(t)), 1), []string{"database.replicas[1]"}},
	} {
		// One daemon goes through every case, in turn: no subtests, as
		// p reports to t.
		writeFile(t, dir, "config.toml", tc.config)
		p.cmd.Process.Signal(syscall.SIGHUP)
		line := p.waitLog(15*time.Second, `"event":"config.reload_failed"`)
		refused++
		for _, w := range tc.want {
			if !strings.Contains(line, w) {
				t.Errorf("%s: config.reload_failed does not name %s: %s", tc.name, w, line)
			}
		}
		addDueOrders(t, db, 10)
		eventually(t, 15*time.Second, tc.name+": the old config sweeps the new due rows", func() bool {
			return scalar(t, db, "SELECT COUNT(*) FROM orders") == 0
		})
		if n := scalar(t, db, "SELECT COUNT(*) FROM sweeper_audit WHERE rule <> 'order-7y'"); n != 0 {
			t.Errorf("%s: %d audit records of a rule of the refused config: it was taken after all", tc.name, n)
		}
	}
	if n := strings.Count(p.logText(), `"event":"config.reload_failed"`); n != refused {
		t.Errorf("config.reload_failed logged %d times for %d refused reloads, want once each", n, refused)
	}
	if strings.Contains(p.logText(), "context canceled") {
		t.Errorf("a run failed with \"context canceled\" after a refused reload")
	}

	// A config that works is still taken after all that.
	writeFile(t, dir, "config.toml", renamed)
	p.cmd.Process.Signal(syscall.SIGHUP)
	p.waitLog(15*time.Second, `"event":"config.reload"`, `"rules":1`)
	addDueOrders(t, db, 10)
	eventually(t, 15*time.Second, "the new config sweeps", func() bool {
		return scalar(t, db, "SELECT COUNT(*) FROM sweeper_audit WHERE rule = 'order-renamed'") == 10
	})
	if err, took := p.stop(); err != nil || took > 10*time.Second {
		t.Errorf("stop: got %v after %s, want status 0 within 10 s", err, took)
	}
}

// TestDaemon_RefusesToStartWithABadConfig starts the daemon with configs
// that load but cannot work: it exits 2 naming the problem before any rule
// ran, as `sweep` does for an invalid config, and touches nothing.
func TestDaemon_RefusesToStartWithABadConfig(t *testing.T) {
	for _, tc := range []struct {
		name  string
		extra string
		want  []string
	}{
		{"MisspelledTable", misspelledTable, []string{`table "complaint" does not exist`}},
		{"BrokenTemplate", "", []string{"bad.txt", `function "dutchDat" not defined`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dsn, db := daemonShop(t, 10)
			dbtest.Exec(t, dsn, accountsTable, `INSERT INTO accounts (email, first_name, last_login) VALUES ('a@example.invalid', 'A', '2015-01-01 00:00:00')`)
			listen := freePort(t)
			dir := t.TempDir()
			writeFile(t, dir, "templates/bad.txt", brokenTemplate)
			writeFile(t, dir, "templates/good.txt", goodTemplate)
			tmpl := "good.txt"
			if tc.name == "BrokenTemplate" {
				tmpl = "bad.txt"
			}
			cfg := daemonConfig(t, dir, dsn, listen, "")
			base, _ := os.ReadFile(cfg)
			writeFile(t, dir, "config.toml", string(base)+reminderRule(t, tmpl)+tc.extra)
			p := startDaemon(t, cfg, listen)
			if code := p.exitStatus(30 * time.Second); code != exitInvalid {
				t.Errorf("exit: got %d, want %d", code, exitInvalid)
			}
			out := p.logText()
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("the daemon's output does not name %s:\n%s", w, out)
				}
			}
			if n := scalar(t, db, "SELECT COUNT(*) FROM orders"); n != 10 {
				t.Errorf("orders: got %d, want 10: a rule ran", n)
			}
			if tableExists(t, dsn, "sweeper_audit") {
				t.Errorf("the audit table was created: a rule ran")
			}
		})
	}
}

// notifySocket listens where a test daemon sends its sd_notify messages,
// as systemd does for a Type=notify unit, and points NOTIFY_SOCKET at it.
func notifySocket(t *testing.T) <-chan string {
	t.Helper()
	sock := filepath.Join(t.TempDir(), "notify.sock")
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: sock, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	msgs := make(chan string, 1000)
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := conn.Read(buf)
			if err != nil {
				close(msgs)
				return
			}
			select {
			case msgs <- string(buf[:n]):
			default:
			}
		}
	}()
	t.Setenv("NOTIFY_SOCKET", sock)
	return msgs
}

// waitNotify waits for a notify message containing what.
func waitNotify(t *testing.T, msgs <-chan string, what string) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case m, ok := <-msgs:
			if !ok {
				t.Fatalf("the notify socket closed before %s", what)
			}
			if strings.Contains(m, what) {
				return
			}
		case <-timeout:
			t.Fatalf("no %s on the notify socket within 10 s", what)
		}
	}
}

// TestDaemon_NotifiesSystemdWithoutDatabase starts the daemon while its
// database does not answer: READY comes once the config and HTTP are up,
// the watchdog keeps being fed (a unit's WatchdogSec must not restart a
// daemon that is only waiting), and /healthz answers 503 meanwhile. A
// SIGHUP with a config naming a database that answers gets it going.
func TestDaemon_NotifiesSystemdWithoutDatabase(t *testing.T) {
	msgs := notifySocket(t)
	t.Setenv("WATCHDOG_USEC", "400000") // 0.4 s: the daemon pings every 0.2 s
	listen := freePort(t)
	dir := t.TempDir()
	cfg := daemonConfig(t, dir, "root@tcp("+freePort(t)+")/shop", listen, "")
	p := startDaemon(t, cfg, listen)

	waitNotify(t, msgs, "READY=1")
	p.waitLog(10*time.Second, `"event":"db.error"`)
	for i := 0; i < 5; i++ {
		waitNotify(t, msgs, "WATCHDOG=1")
	}
	if code, body := p.get("/healthz"); code != http.StatusServiceUnavailable {
		t.Errorf("/healthz while the database does not answer: got %d %q, want 503", code, body)
	}
	p.waitLog(10*time.Second, `"event":"db.error"`)
	waitNotify(t, msgs, "WATCHDOG=1")

	// The operator fixes the DSN and reloads, without a restart.
	dsn, db := daemonShop(t, 10)
	daemonConfig(t, dir, dsn, listen, "")
	p.cmd.Process.Signal(syscall.SIGHUP)
	p.waitLog(15*time.Second, `"event":"daemon.start"`)
	eventually(t, 15*time.Second, "orders swept", func() bool { return scalar(t, db, "SELECT COUNT(*) FROM orders") == 0 })
	if code, body := p.get("/healthz"); code != http.StatusOK {
		t.Errorf("/healthz once the database answers: got %d %q, want 200", code, body)
	}
	waitNotify(t, msgs, "WATCHDOG=1")
	p.cmd.Process.Signal(syscall.SIGTERM)
	waitNotify(t, msgs, "STOPPING=1")
	if err := <-p.done; err != nil {
		t.Errorf("exit after SIGTERM: got %v, want status 0", err)
	}
}

// TestDaemon_ReloadMidSweep reloads, with a setting that makes the daemon
// open a new database connection, while a long run is in flight: the run
// finishes under the old config on the old connection, which is closed only
// after it (no "database is closed" cut it off). A stop while a replaced
// config's run is still going cancels that run too, at a batch boundary.
func TestDaemon_ReloadMidSweep(t *testing.T) {
	const n = 20000
	dsn, db := daemonShop(t, n)
	listen := freePort(t)
	dir := t.TempDir()
	slow := "batch_size = 100\nbatch_pause = \"50ms\"\n"
	cfg := daemonConfig(t, dir, dsn, listen, slow)
	p := startDaemon(t, cfg, listen)
	p.waitLog(10*time.Second, `"event":"daemon.start"`)
	eventually(t, 15*time.Second, "the sweep has started", func() bool { return scalar(t, db, "SELECT COUNT(*) FROM orders") < n-500 })

	daemonConfig(t, dir, dsn, listen, slow+"lock_wait_timeout = \"6s\"")
	p.cmd.Process.Signal(syscall.SIGHUP)
	p.waitLog(10*time.Second, `"event":"config.reload"`)
	eventually(t, 60*time.Second, "every order swept", func() bool { return scalar(t, db, "SELECT COUNT(*) FROM orders") == 0 })
	if got := scalar(t, db, "SELECT COUNT(*) FROM sweeper_audit WHERE action = 'delete'"); got != n {
		t.Errorf("audit records: got %d, want %d", got, n)
	}
	if strings.Contains(p.logText(), `"event":"rule.error"`) {
		t.Errorf("a run failed across the reload: the old database connection was closed under it")
	}

	addDueOrders(t, db, n)
	eventually(t, 15*time.Second, "the next sweep has started", func() bool { return scalar(t, db, "SELECT COUNT(*) FROM orders") < n-500 })
	daemonConfig(t, dir, dsn, listen, slow+"lock_wait_timeout = \"7s\"")
	p.cmd.Process.Signal(syscall.SIGHUP)
	p.waitLog(10*time.Second, `"event":"config.reload"`)
	err, took := p.stop()
	if err != nil || took > 10*time.Second {
		t.Errorf("stop with a replaced config's run in flight: got %v after %s, want status 0 within 10 s", err, took)
	}
	left := scalar(t, db, "SELECT COUNT(*) FROM orders")
	if left == 0 {
		t.Fatal("the sweep finished before the stop; the test needs more rows")
	}
	if got := scalar(t, db, "SELECT COUNT(*) FROM sweeper_audit WHERE action = 'delete'"); got != 2*n-left {
		t.Errorf("audit records %d, rows deleted %d: a batch was cut in half", got, 2*n-left)
	}
	if !strings.Contains(p.logText(), `"msg":"stopped"`) {
		t.Errorf("the stop was not clean: a run of the replaced config did not stop at a batch boundary")
	}
}
