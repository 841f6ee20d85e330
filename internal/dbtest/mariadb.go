package dbtest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
)

// Server is a MariaDB server of one test's own, started by PrivateMariaDB:
// a test may stop and restart it (a database outage) without disturbing
// the shared server every other test uses.
type Server struct {
	// Port is the TCP port on 127.0.0.1 the server listens on. It stays the
	// same across Restart, so DSNs handed out before a restart keep working.
	Port int
	// Dir holds the data directory, the socket, the error log and the pid
	// file.
	Dir string

	mariadbd string
	asRoot   bool
	extra    []string // further mariadbd options of the test's own

	cmd   *exec.Cmd
	stdin io.WriteCloser // closing it makes the wrapper stop mariadbd
	done  chan struct{}  // closed when the wrapper has exited
}

const (
	// serverStartTimeout bounds how long a start may take until the server
	// answers; a cold start here takes about 2 s.
	serverStartTimeout = 60 * time.Second
	// serverStopTimeout bounds a clean shutdown before the server is killed.
	serverStopTimeout = 30 * time.Second
	// maxSocketPath stays under the ~108 bytes of sun_path.
	maxSocketPath = 100
)

// PrivateMariaDB starts a MariaDB server of the test's own, like the
// throwaway server of scripts/test: mariadb-install-db into a temporary
// directory, then mariadbd on a free port on 127.0.0.1, reached as root
// without a password. The server is stopped and its files removed in tb's
// cleanup.
//
// When the MariaDB server binaries are missing, the test is skipped, or
// failed under CI=true (scripts/test installs them there). It is also
// skipped under "go test -short".
//
// extraArgs are further mariadbd options, such as --server-id and --log-bin
// for a replication test.
func PrivateMariaDB(tb testing.TB, extraArgs ...string) *Server {
	tb.Helper()
	if testing.Short() {
		tb.Skip("dbtest: skipping test that needs a private MariaDB in -short mode")
	}
	mariadbd, okd := findBin("mariadbd", "mysqld")
	installDB, oki := findBin("mariadb-install-db", "mysql_install_db")
	if !okd || !oki {
		msg := "dbtest: no MariaDB server binaries (mariadbd, mariadb-install-db) found; install them with: sudo apt-get install -y mariadb-server"
		if os.Getenv("CI") == "true" {
			tb.Fatal(msg)
		}
		tb.Skip(msg)
	}

	s := &Server{Dir: serverDir(tb), mariadbd: mariadbd, asRoot: os.Geteuid() == 0, extra: extraArgs}
	// Registered first so that it runs last, after the cleanups of whatever
	// the test opened on the server.
	tb.Cleanup(func() { s.stop(tb, false) })

	args := []string{"--no-defaults"}
	if s.asRoot {
		// mariadbd refuses to run as root unless told to, and only root may
		// pass --user at all.
		args = append(args, "--user=root")
	}
	// Normal root authentication gives root@localhost and root@127.0.0.1
	// with an empty password; skipping name resolution keeps a host without
	// working DNS from failing the setup.
	if err := os.MkdirAll(s.tmpDir(), 0o700); err != nil {
		tb.Fatalf("dbtest: %v", err)
	}
	args = append(args, "--datadir="+s.dataDir(), "--tmpdir="+s.tmpDir(), "--auth-root-authentication-method=normal",
		"--skip-test-db", "--skip-name-resolve")
	start := time.Now()
	cmd := exec.Command(installDB, args...)
	if out, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("dbtest: %s failed: %v\n%s", installDB, err, tail(out, 30))
	}

	var lastErr error
	for attempt := 1; attempt <= 3; attempt++ {
		port, err := freeTCPPort()
		if err != nil {
			tb.Fatalf("dbtest: find a free port: %v", err)
		}
		s.Port = port
		if lastErr = s.start(); lastErr == nil {
			tb.Logf("dbtest: private MariaDB on port %d ready after %s", s.Port, time.Since(start).Round(time.Millisecond))
			return s
		}
		// Most likely someone took the port between picking and binding it.
	}
	tb.Fatalf("dbtest: private MariaDB did not start: %v", lastErr)
	return nil
}

// serverDir returns tb.TempDir(), or a shorter temporary directory when the
// socket path in tb.TempDir() would be too long for a Unix socket.
func serverDir(tb testing.TB) string {
	dir := tb.TempDir()
	if len(filepath.Join(dir, "mysqld.sock")) <= maxSocketPath {
		return dir
	}
	dir, err := os.MkdirTemp("", "mariadb-")
	if err != nil {
		tb.Fatalf("dbtest: %v", err)
	}
	tb.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

func (s *Server) dataDir() string { return filepath.Join(s.Dir, "data") }

// tmpDir is the server's own directory for temporary files. It must not be
// a shared one such as /tmp: a starting mariadbd deletes every "#sql*" file
// in its tmpdir, and so would delete the temporary tables another server
// (the machine's own, running other tests' queries) has open there.
func (s *Server) tmpDir() string { return filepath.Join(s.Dir, "tmp") }

// DSN returns a go-sql-driver DSN for database db on the server, as root
// over TCP ("" for no database).
func (s *Server) DSN(db string) string {
	cfg := mysql.NewConfig()
	cfg.User = "root"
	cfg.Net = "tcp"
	cfg.Addr = "127.0.0.1:" + strconv.Itoa(s.Port)
	cfg.DBName = db
	return cfg.FormatDSN()
}

// Start starts the stopped server again on the same port and data
// directory and waits until it answers.
func (s *Server) Start(tb testing.TB) {
	tb.Helper()
	if s.cmd != nil {
		tb.Fatalf("dbtest: Start: the server on port %d is running", s.Port)
	}
	if err := s.start(); err != nil {
		tb.Fatalf("dbtest: restart MariaDB on port %d: %v", s.Port, err)
	}
}

// Stop shuts the server down cleanly (as a service stop would: connections
// are closed, open transactions rolled back) and waits until it has exited.
func (s *Server) Stop(tb testing.TB) {
	tb.Helper()
	s.stop(tb, true)
}

// Restart stops the server and starts it again on the same port and data
// directory, waiting until it answers.
func (s *Server) Restart(tb testing.TB) {
	tb.Helper()
	s.Stop(tb)
	s.Start(tb)
}

// start runs mariadbd and waits until it answers on s.Port.
//
// mariadbd runs under a small sh wrapper that holds a pipe from this
// process on its stdin: when the test binary dies without running its
// cleanups (a panic, a -timeout, SIGKILL), the pipe closes and the wrapper
// stops the server, so no mariadbd outlives its test.
func (s *Server) start() error {
	args := []string{"--no-defaults"}
	if s.asRoot {
		args = append(args, "--user=root")
	}
	// Durability is relaxed because the data is thrown away; the charset
	// matches Debian's packaged server. Native AIO is off because io_setup
	// fails when many servers share a CI host; the buffer pool is small
	// because a test holds little data.
	args = append(args,
		"--datadir="+s.dataDir(),
		"--tmpdir="+s.tmpDir(),
		"--socket="+filepath.Join(s.Dir, "mysqld.sock"),
		"--pid-file="+filepath.Join(s.Dir, "mysqld.pid"),
		"--log-error="+filepath.Join(s.Dir, "error.log"),
		"--port="+strconv.Itoa(s.Port), "--bind-address=127.0.0.1",
		"--skip-name-resolve",
		"--skip-log-bin",
		"--innodb-buffer-pool-size=32M",
		"--innodb-flush-log-at-trx-commit=2",
		"--innodb-use-native-aio=0",
		"--character-set-server=utf8mb4",
		"--collation-server=utf8mb4_general_ci",
	)
	for _, a := range s.extra {
		if strings.HasPrefix(a, "--log-bin") {
			// The test wants a binary log after all.
			for i, b := range args {
				if b == "--skip-log-bin" {
					args = append(args[:i], args[i+1:]...)
					break
				}
			}
		}
	}
	args = append(args, s.extra...)
	const wrapper = `"$@" </dev/null & pid=$!
trap 'kill -TERM $pid 2>/dev/null' TERM
read -r _
kill -TERM $pid 2>/dev/null
wait $pid`
	cmd := exec.Command("sh", append([]string{"-c", wrapper, "mariadbd", s.mariadbd}, args...)...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	s.cmd, s.stdin, s.done = cmd, stdin, done

	deadline := time.Now().Add(serverStartTimeout)
	for {
		if err := s.ping(); err == nil {
			return nil
		}
		select {
		case <-done:
			s.cmd = nil
			return fmt.Errorf("mariadbd exited during startup: %s\n%s%s", cmd.ProcessState, out.String(), s.errorLog(15))
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.kill()
			return fmt.Errorf("mariadbd did not answer within %s:\n%s", serverStartTimeout, s.errorLog(30))
		}
	}
}

func (s *Server) ping() error {
	db, err := openBase(s.DSN(""))
	if err != nil {
		return err
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	var one int
	return db.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// stop shuts the server down: cleanly within serverStopTimeout, else by
// SIGKILL. strict reports a server that needed killing as a test failure.
func (s *Server) stop(tb testing.TB, strict bool) {
	tb.Helper()
	if s.cmd == nil {
		return
	}
	s.stdin.Close()
	select {
	case <-s.done:
	case <-time.After(serverStopTimeout):
		s.kill()
		if strict {
			tb.Errorf("dbtest: mariadbd on port %d did not stop within %s; killed it\n%s", s.Port, serverStopTimeout, s.errorLog(30))
		}
	}
	s.cmd = nil
}

// kill ends mariadbd and its wrapper at once.
func (s *Server) kill() {
	if b, err := os.ReadFile(filepath.Join(s.Dir, "mysqld.pid")); err == nil {
		if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && pid > 0 {
			syscall.Kill(pid, syscall.SIGKILL)
		}
	}
	s.cmd.Process.Kill()
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
	}
	s.cmd = nil
}

// errorLog returns the last n lines of the server's error log.
func (s *Server) errorLog(n int) string {
	b, err := os.ReadFile(filepath.Join(s.Dir, "error.log"))
	if err != nil {
		return ""
	}
	return tail(b, n)
}

func tail(b []byte, n int) string {
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// findBin finds the first of names in the usual system directories (sbin is
// often missing from a non-root PATH), then in PATH.
func findBin(names ...string) (string, bool) {
	for _, name := range names {
		for _, dir := range []string{"/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin"} {
			p := filepath.Join(dir, name)
			if fi, err := os.Stat(p); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
				return p, true
			}
		}
		if p, err := exec.LookPath(name); err == nil {
			return p, true
		}
	}
	return "", false
}

// freeTCPPort returns a port on 127.0.0.1 that is free right now. Another
// process may take it before mariadbd binds it; PrivateMariaDB then tries
// another.
func freeTCPPort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
