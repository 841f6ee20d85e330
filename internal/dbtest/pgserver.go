package dbtest

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// PGServer is a PostgreSQL server of one test's own, started by
// PrivatePostgres: a test may stop and restart it (a database outage)
// without disturbing the shared server every other test uses. Stop ends it
// with PostgreSQL's fast shutdown, as a service stop does.
type PGServer struct {
	server

	bindir   string
	settings []string // further "name=value" server settings of the test's own
	// cred is the unprivileged user the server runs as when the test runs
	// as root: postgres refuses to run as root.
	cred *syscall.Credential
}

// PrivatePostgres starts a PostgreSQL server of the test's own, like the
// throwaway server of scripts/test: initdb into a temporary directory, then
// postgres on a free port on 127.0.0.1, reached as the superuser postgres
// without a password. The server is stopped and its files removed in tb's
// cleanup.
//
// When the PostgreSQL server binaries are missing, the test is skipped, or
// failed under CI=true (scripts/test installs them there). It is also
// skipped under "go test -short", or failed if CI=true (see SkipShort).
//
// settings are further server settings as "name=value", each passed as
// postgres -c name=value, such as "timezone=America/New_York" for a server
// whose sessions do not start in UTC.
func PrivatePostgres(tb testing.TB, settings ...string) *PGServer {
	tb.Helper()
	SkipShort(tb, "a private PostgreSQL")
	bindir, ok := findPGBinDir()
	if !ok {
		msg := "dbtest: no PostgreSQL server binaries (initdb, postgres) found; install them with: sudo apt-get install -y postgresql"
		if os.Getenv("CI") == "true" {
			tb.Fatal(msg)
		}
		tb.Skip(msg)
	}
	// Not tb.TempDir(): its parent is private to the test's user, and as
	// root the server runs as another. /tmp is open to every user, and the
	// short path keeps the socket's under the limit.
	dir, err := os.MkdirTemp("", "pg-")
	if err != nil {
		tb.Fatalf("dbtest: %v", err)
	}
	// Registered first so that it runs last, after the server has stopped.
	tb.Cleanup(func() { os.RemoveAll(dir) })
	s := &PGServer{bindir: bindir, settings: settings}
	s.server = server{Dir: dir, program: "postgres", wrapped: s.wrapped, ping: s.ping, pid: s.PID, log: s.serverLog}
	if os.Geteuid() == 0 {
		if s.cred, err = unprivilegedUser(); err != nil {
			tb.Fatalf("dbtest: %v", err)
		}
		if err := os.Chown(dir, int(s.cred.Uid), int(s.cred.Gid)); err != nil {
			tb.Fatalf("dbtest: %v", err)
		}
	}
	tb.Cleanup(func() { s.stop(tb, false) })

	start := time.Now()
	// Trust authentication for postgres matches DSN; --no-sync because the
	// data is thrown away.
	initdb := exec.Command(filepath.Join(bindir, "initdb"), "-D", s.dataDir(), "-U", "postgres", "--auth=trust",
		"--encoding=UTF8", "--locale=C", "--no-sync")
	initdb.Dir = "/" // a directory every user may enter
	initdb.SysProcAttr = &syscall.SysProcAttr{Credential: s.cred}
	if out, err := initdb.CombinedOutput(); err != nil {
		tb.Fatalf("dbtest: initdb failed: %v\n%s", err, tail(out, 30))
	}
	s.startOnFreePort(tb, start)
	return s
}

func (s *PGServer) dataDir() string { return filepath.Join(s.Dir, "data") }
func (s *PGServer) logFile() string { return filepath.Join(s.Dir, "postgres.log") }

// DSN returns a pgx URL for database db on the server, as postgres over TCP
// ("" for the postgres database).
func (s *PGServer) DSN(db string) string {
	if db == "" {
		db = "postgres"
	}
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", s.Port, db)
}

// wrapped returns the wrapper that runs postgres on s.Port. SIGINT is the
// fast shutdown; SIGTERM, the smart one, would wait for every client, the
// daemon under test among them, to disconnect.
func (s *PGServer) wrapped() *exec.Cmd {
	const wrapper = `log=$1; shift
"$@" </dev/null >>"$log" 2>&1 & pid=$!
trap 'kill -INT $pid 2>/dev/null' TERM
read -r _
kill -INT $pid 2>/dev/null
wait $pid`
	// Durability is off because the data is thrown away.
	args := []string{"-c", wrapper, "postgres", s.logFile(), filepath.Join(s.bindir, "postgres"),
		"-D", s.dataDir(), "-p", strconv.Itoa(s.Port), "-k", s.Dir,
		"-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off",
		"-c", "full_page_writes=off", "-c", "max_connections=100"}
	for _, kv := range s.settings {
		args = append(args, "-c", kv)
	}
	cmd := exec.Command("sh", args...)
	cmd.Dir = "/" // a directory every user may enter
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: s.cred}
	return cmd
}

func (s *PGServer) ping() error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_, err := PingPostgres(ctx, s.DSN(""))
	return err
}

// PID returns the running server's process id from its postmaster.pid, or
// 0 when there is none.
func (s *PGServer) PID() int {
	b, err := os.ReadFile(filepath.Join(s.dataDir(), "postmaster.pid"))
	if err != nil {
		return 0
	}
	first, _, _ := strings.Cut(string(b), "\n")
	pid, err := strconv.Atoi(strings.TrimSpace(first))
	if err != nil {
		return 0
	}
	return pid
}

// serverLog returns the last n lines of the server's log.
func (s *PGServer) serverLog(n int) string {
	b, err := os.ReadFile(s.logFile())
	if err != nil {
		return ""
	}
	return tail(b, n)
}

// findPGBinDir returns the directory holding initdb and postgres: Debian
// keeps them out of PATH, in /usr/lib/postgresql/<major>/bin; the newest
// major version wins.
func findPGBinDir() (string, bool) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	major := func(d string) int {
		n, _ := strconv.Atoi(filepath.Base(filepath.Dir(d)))
		return n
	}
	sort.Slice(dirs, func(i, j int) bool { return major(dirs[i]) > major(dirs[j]) })
	if p, err := exec.LookPath("initdb"); err == nil {
		dirs = append(dirs, filepath.Dir(p))
	}
	for _, d := range dirs {
		if isExec(filepath.Join(d, "initdb")) && isExec(filepath.Join(d, "postgres")) {
			return d, true
		}
	}
	return "", false
}

func isExec(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0
}

// unprivilegedUser returns the credentials of the user a server started by
// root runs as: postgres where the package created it, else nobody.
func unprivilegedUser() (*syscall.Credential, error) {
	for _, name := range []string{"postgres", "nobody"} {
		u, err := user.Lookup(name)
		if err != nil {
			continue
		}
		uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
		gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
		if err1 != nil || err2 != nil {
			continue
		}
		return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
	}
	return nil, fmt.Errorf("running as root, and there is no unprivileged user (postgres, nobody) to run PostgreSQL as")
}

// RequirePassword makes the server ask role for its password over TCP, as
// a production server does, where it trusts every client otherwise. The
// superuser postgres stays trusted, so DSN keeps working. It returns once
// the server refuses role without its password.
func (s *PGServer) RequirePassword(tb testing.TB, role string) {
	tb.Helper()
	hba := filepath.Join(s.dataDir(), "pg_hba.conf")
	old, err := os.ReadFile(hba)
	if err != nil {
		tb.Fatalf("dbtest: %v", err)
	}
	// The first matching line decides, so the new one goes on top.
	line := fmt.Sprintf("host all %s 127.0.0.1/32 scram-sha-256\n", quotePostgresIdent(role))
	if err := os.WriteFile(hba, append([]byte(line), old...), 0o600); err != nil {
		tb.Fatalf("dbtest: %v", err)
	}
	db := OpenPostgres(tb, s.DSN(""))
	if _, err := db.Exec(`SELECT pg_reload_conf()`); err != nil {
		tb.Fatalf("dbtest: reload pg_hba.conf: %v", err)
	}
	// pg_reload_conf only signals the postmaster; the next connection may
	// still find the old rules.
	dsn := fmt.Sprintf("postgres://%s@127.0.0.1:%d/postgres?sslmode=disable&connect_timeout=3", url.PathEscape(role), s.Port)
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, err := PingPostgres(context.Background(), dsn)
		var pe *pgconn.PgError
		if errors.As(err, &pe) && pe.Code == "28P01" {
			return
		}
		if time.Now().After(deadline) {
			tb.Fatalf("dbtest: %s still gets in without a password after reloading pg_hba.conf (last: %v)", role, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
