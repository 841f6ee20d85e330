package main

import (
	"strings"
	"testing"
	"time"

	gomysql "github.com/go-sql-driver/mysql"

	"github.com/sweeperd/sweeper/internal/dbtest"
)

// TestLogin_WrongPasswordGivesTheReason: a database user whose password in
// the environment is wrong. check fails naming the user and the server's
// reason, and the daemon, waiting for the database, logs that reason in
// every db.error line; neither prints the password.
func TestLogin_WrongPasswordGivesTheReason(t *testing.T) {
	const wrong = "Fout-Wachtwoord-61"
	dsn := leakUser(t, dbtest.MySQL(t), "Juist-Wachtwoord-60")
	cfg, err := gomysql.ParseDSN(dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("SWEEPER_DB_PASSWORD", wrong)
	listen := freePort(t)
	config := daemonConfig(t, t.TempDir(), cfg.User+":${SWEEPER_DB_PASSWORD}@tcp("+cfg.Addr+")/"+cfg.DBName, listen, "")
	reason := "Access denied for user '" + cfg.User + "'"

	code, out, stderr := runCLI(t, "-c", config, "check")
	if code != exitFailed || !strings.Contains(stderr, reason) {
		t.Errorf("check: got exit %d and %q, want %d and the server's %q", code, stderr, exitFailed, reason)
	}
	if strings.Contains(out+stderr, wrong) {
		t.Errorf("check: the password is in the output: %s", out+stderr)
	}

	p := startDaemon(t, config, listen)
	line := p.waitLog(10*time.Second, `"event":"db.error"`)
	if !strings.Contains(line, reason) {
		t.Errorf("db.error: got %s, want the server's %q", line, reason)
	}
	if err, _ := p.stop(); err != nil {
		t.Errorf("stop: %v", err)
	}
	if strings.Contains(p.logText(), wrong) {
		t.Errorf("the daemon logged the password:\n%s", p.logText())
	}
}
