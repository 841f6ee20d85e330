package dbtest

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
)

// Server is a MariaDB server of one test's own, started by PrivateMariaDB:
// a test may stop and restart it (a database outage) without disturbing
// the shared server every other test uses.
type Server struct {
	server

	mariadbd string
	asRoot   bool
	extra    []string // further mariadbd options of the test's own
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
// skipped under "go test -short", or failed if CI=true (see SkipShort).
//
// extraArgs are further mariadbd options, such as --server-id and --log-bin
// for a replication test, or --default-time-zone for a server whose
// sessions do not start in UTC.
func PrivateMariaDB(tb testing.TB, extraArgs ...string) *Server {
	tb.Helper()
	SkipShort(tb, "a private MariaDB")
	mariadbd, okd := findBin("mariadbd", "mysqld")
	installDB, oki := findBin("mariadb-install-db", "mysql_install_db")
	if !okd || !oki {
		msg := "dbtest: no MariaDB server binaries (mariadbd, mariadb-install-db) found; install them with: sudo apt-get install -y mariadb-server"
		if os.Getenv("CI") == "true" {
			tb.Fatal(msg)
		}
		tb.Skip(msg)
	}

	s := &Server{mariadbd: mariadbd, asRoot: os.Geteuid() == 0, extra: extraArgs}
	s.server = server{Dir: serverDir(tb), program: "mariadbd", wrapped: s.wrapped, ping: s.ping, pid: s.pid, log: s.errorLog}
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

	s.startOnFreePort(tb, start)
	return s
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

// wrapped returns the wrapper that runs mariadbd on s.Port.
func (s *Server) wrapped() *exec.Cmd {
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
	return exec.Command("sh", append([]string{"-c", wrapper, "mariadbd", s.mariadbd}, args...)...)
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

// pid returns mariadbd's pid from its pid file, or 0.
func (s *Server) pid() int {
	b, err := os.ReadFile(filepath.Join(s.Dir, "mysqld.pid"))
	if err != nil {
		return 0
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 0 {
		return 0
	}
	return pid
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
