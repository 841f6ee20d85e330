package main

import (
	"os"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sweeperd/sweeper/internal/dbtest"
)

// TestDaemon_MetricsAfterRestart: a restarted daemon starts with each
// rule's last success as the database recorded it, not 0, so README's
// "no success for two periods" alert does not fire on a deploy; a rule
// that never succeeded has no series until it does (and so no alert
// either). /metrics also carries sweeper_build_info.
func TestDaemon_MetricsAfterRestart(t *testing.T) {
	dsn, db := daemonShop(t, 5)
	dbtest.Exec(t, dsn, `CREATE TABLE complaints (id BIGINT AUTO_INCREMENT PRIMARY KEY, filed_at DATETIME NOT NULL)`)
	listen := freePort(t)
	dir := t.TempDir()
	p := startDaemon(t, daemonConfig(t, dir, dsn, listen, ""), listen)
	eventually(t, 15*time.Second, "orders swept", func() bool { return scalar(t, db, "SELECT COUNT(*) FROM orders") == 0 })
	eventually(t, 10*time.Second, "a last success on /metrics", func() bool {
		_, body := p.get("/metrics")
		v, ok := metricLine(body, `sweeper_last_success_timestamp_seconds{rule="order-7y"}`)
		return ok && v > 0
	})
	_, body := p.get("/metrics")
	build := regexp.MustCompile(`(?m)^sweeper_build_info\{commit="[^"]+",goversion="` + regexp.QuoteMeta(runtime.Version()) + `",version="[^"]+"\} 1$`)
	if !build.MatchString(body) {
		t.Errorf("/metrics lacks sweeper_build_info with commit, goversion %s and version:\n%s", runtime.Version(), grepLines(body, "build_info"))
	}
	if err, _ := p.stop(); err != nil {
		t.Fatalf("exit: %v", err)
	}
	var stored string
	if err := db.QueryRow(`SELECT last_success FROM sweeper_runs WHERE rule = 'order-7y'`).Scan(&stored); err != nil {
		t.Fatalf("the last success in the database: %v", err)
	}
	last, err := time.Parse("2006-01-02 15:04:05.000000", stored)
	if err != nil {
		t.Fatal(err)
	}

	// The same daemon again, with no run due for a long time and a new rule.
	cfg := daemonConfig(t, dir, dsn, listen, "")
	text, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, dir, "config.toml", strings.Replace(string(text), `schedule = "@every 1s"`, `schedule = "0 0 1 1 *"`, 1)+complaintRule)
	p = startDaemon(t, cfg, listen)
	p.waitLog(10*time.Second, `"event":"daemon.start"`)
	_, body = p.get("/metrics")
	v, ok := metricLine(body, `sweeper_last_success_timestamp_seconds{rule="order-7y"}`)
	if !ok || v != float64(last.Unix()) {
		t.Errorf("last success after the restart: got %v (present %v), want %d, as recorded", v, ok, last.Unix())
	}
	if age := time.Since(time.Unix(int64(v), 0)); age > 2*24*time.Hour {
		t.Errorf("README's alert (time() - last success > 2 * 86400) would fire: the last success is %s old", age)
	}
	if v, ok := metricLine(body, `sweeper_last_success_timestamp_seconds{rule="complaint-1y"}`); ok {
		t.Errorf("last success of a rule that never ran: got %v, want no series", v)
	}
	if err, _ := p.stop(); err != nil {
		t.Errorf("exit: %v", err)
	}
}

// metricLine finds one series in a /metrics page and returns its value.
func metricLine(body, series string) (float64, bool) {
	for _, l := range strings.Split(body, "\n") {
		if rest, ok := strings.CutPrefix(l, series+" "); ok {
			v, err := strconv.ParseFloat(strings.TrimSpace(rest), 64)
			return v, err == nil
		}
	}
	return 0, false
}

func grepLines(text, word string) string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if strings.Contains(l, word) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
