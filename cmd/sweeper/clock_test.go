package main

import (
	"database/sql"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

func clockInsert(t *testing.T, db *sql.DB, created time.Time) {
	t.Helper()
	if _, err := db.Exec(`INSERT INTO orders (created_at) VALUES (?)`, created.Format("2006-01-02 15:04:05")); err != nil {
		t.Fatal(err)
	}
}

// TestSweep_AsOfAhead: `sweep --as-of` a month ahead would delete rows
// before their time; it exits 2 and touches nothing. A dry run may look
// ahead. --force runs it, with audit records dated by the real clock, and
// the ordinary sweep after it is not locked out.
func TestSweep_AsOfAhead(t *testing.T) {
	cfg, db := clockShop(t)
	today := time.Now().In(repAmsterdam)
	clockInsert(t, db, today.AddDate(-7, 0, 10)) // due in ten days
	ahead := today.AddDate(0, 0, 30).Format("2006-01-02")

	code, stdout, stderr := runCLI(t, "-c", cfg, "sweep", "--as-of", ahead)
	if code != exitInvalid || !strings.Contains(stderr, ahead) || !strings.Contains(stderr, "--force") {
		t.Errorf("sweep --as-of %s: got exit %d, %q; want 2 naming the as-of and --force", ahead, code, stderr)
	}
	if n := opInt(t, db, `SELECT COUNT(*) FROM orders`); n != 1 {
		t.Fatalf("orders after the refused sweep: got %d, want 1", n)
	}
	if n := opInt(t, db, `SELECT COUNT(*) FROM sqlite_master WHERE name = 'sweeper_audit'`); n != 0 {
		t.Errorf("the refused sweep created the audit table: it must touch nothing")
	}
	if code, stdout, stderr = runCLI(t, "-c", cfg, "sweep", "--as-of", ahead, "--dry-run"); code != exitOK || !regexp.MustCompile(`order-7y\s+orders\s+delete\s+1\b`).MatchString(stdout) {
		t.Errorf("sweep --dry-run --as-of %s: got exit %d, %q %q; want 0 and 1 row", ahead, code, stdout, stderr)
	}

	before := time.Now()
	if code, stdout, stderr = runCLI(t, "-c", cfg, "sweep", "--as-of", ahead, "--force"); code != exitOK {
		t.Fatalf("sweep --as-of %s --force: exit %d: %s%s", ahead, code, stdout, stderr)
	}
	after := time.Now()
	if n := opInt(t, db, `SELECT COUNT(*) FROM orders`); n != 0 {
		t.Errorf("orders after the forced sweep: got %d, want 0", n)
	}
	var at string
	if err := db.QueryRow(`SELECT at FROM sweeper_audit WHERE action = 'delete'`).Scan(&at); err != nil {
		t.Fatal(err)
	}
	if got, err := time.Parse("2006-01-02 15:04:05.000000", at); err != nil || got.Before(before.Add(-time.Second)) || got.After(after) {
		t.Errorf("audit at: got %q, want the real time of the sweep (%s), not the as-of", at, before.UTC().Format(time.RFC3339))
	}
	if n := opInt(t, db, `SELECT COUNT(*) FROM sweeper_audit WHERE action = 'clock' AND detail LIKE ?`, "%"+ahead+"%"); n != 1 {
		t.Errorf("clock records naming the forced as-of: got %d, want 1", n)
	}

	clockInsert(t, db, today.AddDate(-8, 0, 0))
	if code, stdout, stderr = runCLI(t, "-c", cfg, "sweep"); code != exitOK {
		t.Errorf("sweep after the forced one: exit %d, want 0 (not locked out): %s%s", code, stdout, stderr)
	}
	if n := opInt(t, db, `SELECT COUNT(*) FROM orders`); n != 0 {
		t.Errorf("orders after the ordinary sweep: got %d, want 0", n)
	}
}

// TestSweep_ClockRecovery is README's recovery from an audit table with
// records from the future (an earlier version dated them by --as-of):
// sweep and erase refuse, saying what to do; one `sweep --force` accepts
// the clock, and from then on sweep and erase run without it.
func TestSweep_ClockRecovery(t *testing.T) {
	cfg, db := clockShop(t)
	today := time.Now().In(repAmsterdam)
	if code, _, stderr := runCLI(t, "-c", cfg, "sweep"); code != exitOK {
		t.Fatalf("first sweep: exit %d: %s", code, stderr)
	}
	if _, err := db.Exec(`INSERT INTO sweeper_audit (run_id, at, rule, table_name, row_key, action, detail)
		VALUES ('old', ?, 'order-7y', 'orders', '99', 'delete', '')`, today.AddDate(0, 1, 0).UTC().Format("2006-01-02 15:04:05.000000")); err != nil {
		t.Fatal(err)
	}
	clockInsert(t, db, today.AddDate(-8, 0, 0))
	clockInsert(t, db, today.AddDate(-8, 0, 0))

	for _, args := range [][]string{{"sweep"}, {"erase", "--rule", "order-7y", "--key", "1"}} {
		code, _, stderr := runCLI(t, append([]string{"-c", cfg}, args...)...)
		if code != exitFailed || !strings.Contains(stderr, "behind the newest audit record") || !strings.Contains(stderr, "--force") {
			t.Errorf("%s behind a record from the future: got exit %d, %q; want 1, the reason and --force", args[0], code, stderr)
		}
	}
	if n := opInt(t, db, `SELECT COUNT(*) FROM orders`); n != 2 {
		t.Fatalf("orders after the refusals: got %d, want 2", n)
	}
	if code, stdout, stderr := runCLI(t, "-c", cfg, "erase", "--rule", "order-7y", "--key", "1", "--force"); code != exitOK {
		t.Fatalf("erase --force: exit %d: %s%s", code, stdout, stderr)
	}
	if code, stdout, stderr := runCLI(t, "-c", cfg, "sweep"); code != exitOK {
		t.Fatalf("sweep after erase --force accepted the clock: exit %d: %s%s", code, stdout, stderr)
	}
	if n := opInt(t, db, `SELECT COUNT(*) FROM orders`); n != 0 {
		t.Errorf("orders left: got %d, want 0", n)
	}
	if n := opInt(t, db, `SELECT COUNT(*) FROM sweeper_audit WHERE action = 'clock' AND detail LIKE '%accepted%'`); n != 1 {
		t.Errorf("clock records: got %d, want 1 saying the clock was accepted", n)
	}
}

// TestDaemon_ClockRefusal: a daemon whose clock is behind the newest audit
// record (here one from the future, as an earlier version wrote for a
// forced --as-of) refuses every run, and says so: /healthz 503 with the
// reason, a metric, run.refused in the log. It is not locked out for
// good: after README's recovery (`sweep --force`) its next run sweeps.
func TestDaemon_ClockRefusal(t *testing.T) {
	dsn, db := daemonShop(t, 0)
	listen := freePort(t)
	cfg := daemonConfig(t, t.TempDir(), dsn, listen, "")
	if code, _, stderr := runCLI(t, "-c", cfg, "sweep"); code != exitOK {
		t.Fatalf("first sweep: exit %d: %s", code, stderr)
	}
	if _, err := db.Exec(`INSERT INTO sweeper_audit (run_id, at, rule, table_name, row_key, action, detail)
		VALUES ('old', ?, 'order-7y', 'orders', '99', 'delete', '')`, time.Now().AddDate(0, 1, 0).UTC().Format("2006-01-02 15:04:05.000000")); err != nil {
		t.Fatal(err)
	}
	addDueOrders(t, db, 10)

	p := startDaemon(t, cfg, listen)
	line := p.waitLog(15*time.Second, `"event":"run.refused"`)
	if !strings.Contains(line, `"reason":"clock_behind"`) {
		t.Errorf("run.refused: got %s, want reason clock_behind", line)
	}
	// The run logs its refusal before the scheduler, which it returns to,
	// records it for /healthz.
	var code int
	var body string
	eventually(t, 5*time.Second, "/healthz answers 503 with the reason", func() bool {
		code, body = p.get("/healthz")
		return code == http.StatusServiceUnavailable && strings.Contains(body, "behind the newest audit record")
	})
	if code, _, stderr := runCLI(t, "-c", cfg, "healthcheck"); code != exitFailed || !strings.Contains(stderr, "behind the newest audit record") {
		t.Errorf("healthcheck while refused: got exit %d, %q; want 1 with the reason", code, stderr)
	}
	_, metrics := p.get("/metrics")
	if v, ok := metricLine(metrics, `sweeper_runs_refused_total{reason="clock_behind"}`); !ok || v < 1 {
		t.Errorf("sweeper_runs_refused_total{reason=\"clock_behind\"}: got %v (present %v), want at least 1", v, ok)
	}
	if n := scalar(t, db, "SELECT COUNT(*) FROM orders"); n != 10 {
		t.Fatalf("orders while refused: got %d, want 10", n)
	}

	// README's recovery: check the clock, then one forced sweep.
	if code, stdout, stderr := runCLI(t, "-c", cfg, "sweep", "--force"); code != exitOK {
		t.Fatalf("sweep --force: exit %d: %s%s", code, stdout, stderr)
	}
	addDueOrders(t, db, 10)
	eventually(t, 15*time.Second, "the daemon sweeps again", func() bool { return scalar(t, db, "SELECT COUNT(*) FROM orders") == 0 })
	eventually(t, 10*time.Second, "/healthz 200 again", func() bool { code, _ := p.get("/healthz"); return code == http.StatusOK })
	if err, _ := p.stop(); err != nil {
		t.Errorf("exit: %v", err)
	}
}
