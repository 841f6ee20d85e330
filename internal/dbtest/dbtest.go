// Package dbtest gives tests real, isolated databases to work against.
//
// The sweeper deletes personal data, so its SQL is tested against a real
// MariaDB rather than a mock: MySQL creates a fresh database with a unique
// name for each test and drops it again in the test's cleanup, so tests can
// run in parallel and never see each other's rows.
//
// The server is found through the environment variable
// SWEEPER_TEST_MYSQL_DSN (go-sql-driver format, default
// "root@tcp(127.0.0.1:3306)/"). Run the tests with ./scripts/test, which
// starts a throwaway MariaDB when none answers there. When a plain
// "go test" finds no server, MySQL skips the test on a developer's machine
// but fails it under CI=true, so CI can never go green by skipping. The
// same holds for "go test -short", which leaves out every test that needs a
// database on a developer's machine and fails them under CI=true.
//
// Postgres does the same on the PostgreSQL server found through
// SWEEPER_TEST_POSTGRES_DSN (default
// "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable").
package dbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
)

const (
	// EnvDSN names the environment variable holding the base DSN of the
	// MariaDB server that tests create their databases on.
	EnvDSN = "SWEEPER_TEST_MYSQL_DSN"
	// DefaultDSN is used when EnvDSN is unset or empty.
	DefaultDSN = "root@tcp(127.0.0.1:3306)/"

	// connectTimeout keeps a missing server from stalling every test for
	// the driver's much longer default dial timeout.
	connectTimeout = 3 * time.Second

	namePrefix = "sweeper_test_"
	// maxNameLen is MariaDB's limit on database names.
	maxNameLen = 64
	randomHex  = 16
)

// BaseDSN returns the DSN of the test server from the environment, without a
// database name.
func BaseDSN() string {
	if dsn := os.Getenv(EnvDSN); dsn != "" {
		return dsn
	}
	return DefaultDSN
}

// Redact returns dsn with its password masked, safe for logs and test
// output. A DSN that does not parse is hidden entirely because we cannot
// tell where its password is.
func Redact(dsn string) string {
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		return "<unparseable DSN>"
	}
	if cfg.Passwd != "" {
		cfg.Passwd = "xxxxx"
	}
	return cfg.FormatDSN()
}

// Ping connects to the server at dsn with a short timeout and returns its
// version. Errors never contain the password.
func Ping(ctx context.Context, dsn string) (version string, err error) {
	db, err := openBase(dsn)
	if err != nil {
		return "", err
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(ctx, connectTimeout)
	defer cancel()
	if err := db.QueryRowContext(ctx, "SELECT VERSION()").Scan(&version); err != nil {
		return "", err
	}
	return version, nil
}

// openBase opens a single-connection pool on dsn with a short dial timeout.
// The caller's DSN is left alone otherwise: its params are what the code
// under test will see too.
func openBase(dsn string) (*sql.DB, error) {
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		// The parse error may quote the DSN, password included.
		return nil, fmt.Errorf("invalid DSN in %s (go-sql-driver format expected, e.g. %q)", EnvDSN, DefaultDSN)
	}
	if cfg.Timeout == 0 || cfg.Timeout > connectTimeout {
		cfg.Timeout = connectTimeout
	}
	conn, err := mysql.NewConnector(cfg)
	if err != nil {
		return nil, err
	}
	db := sql.OpenDB(conn)
	db.SetMaxOpenConns(1)
	return db, nil
}

// unreachable remembers servers that did not answer, so that a test run
// without a server pays the connect timeout once rather than once per test.
var unreachable sync.Map // base DSN -> error

// MySQL creates an empty database with a unique name on the test server,
// drops it when tb's cleanup runs, and returns a DSN for it. The DSN keeps
// the user, address and params of the base DSN from SWEEPER_TEST_MYSQL_DSN.
//
// When no server answers, the test is skipped, or failed if CI=true. It is
// also skipped under "go test -short", or failed if CI=true (see SkipShort).
func MySQL(tb testing.TB) string {
	tb.Helper()
	SkipShort(tb, "MariaDB")
	base := BaseDSN()

	if err, ok := unreachable.Load(base); ok {
		noServer(tb, base, err.(error))
	}
	db, err := openBase(base)
	if err != nil {
		noServer(tb, base, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), connectTimeout)
	err = db.PingContext(ctx)
	cancel()
	if err != nil {
		db.Close()
		unreachable.Store(base, err)
		noServer(tb, base, err)
	}

	name := databaseName(tb.Name())
	// The charset is explicit because a server started with --no-defaults
	// would otherwise fall back to latin1, unlike Debian's packaged server.
	if _, err := db.Exec("CREATE DATABASE " + quoteIdent(name) +
		" CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci"); err != nil {
		db.Close()
		tb.Fatalf("dbtest: create database %s on %s: %v", name, Redact(base), err)
	}
	tb.Cleanup(func() {
		defer db.Close()
		// A test that leaks a connection holding a lock would make the DROP
		// wait forever; failing loudly points at the leak instead.
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := db.ExecContext(ctx, "DROP DATABASE IF EXISTS "+quoteIdent(name)); err != nil {
			tb.Errorf("dbtest: drop database %s: %v (did the test leave a connection or transaction open?)", name, err)
		}
	})

	cfg, err := mysql.ParseDSN(base)
	if err != nil {
		tb.Fatalf("dbtest: %v", err) // unreachable: openBase parsed it already
	}
	cfg.DBName = name
	return cfg.FormatDSN()
}

// SkipShort skips tb under "go test -short", which leaves out the tests
// that need a database (what names the database). Under CI=true it fails tb
// instead: CI that passes -short by mistake would otherwise go green
// without having run a single database test.
func SkipShort(tb testing.TB, what string) {
	tb.Helper()
	if !testing.Short() {
		return
	}
	if os.Getenv("CI") == "true" {
		tb.Fatalf("dbtest: this test needs %s, and -short skips it; under CI=true a skipped database test is a failure, so run CI without -short", what)
	}
	tb.Skipf("dbtest: skipping test that needs %s in -short mode", what)
}

// noServer skips or fails tb because the test server is unusable. Under CI a
// skip would turn a missing database into a green build, so it fails there.
func noServer(tb testing.TB, base string, err error) {
	tb.Helper()
	msg := fmt.Sprintf("dbtest: no MariaDB answered at %s (%s): %v; run the tests with ./scripts/test, which starts one",
		Redact(base), EnvDSN, err)
	if os.Getenv("CI") == "true" {
		tb.Fatal(msg)
	}
	tb.Skip(msg)
}

// databaseName derives a valid, unique database name from a test name. The
// test name is kept so that a database left behind by a crashed run can be
// traced to its test.
func databaseName(testName string) string {
	return databaseNameMax(testName, maxNameLen)
}

// databaseNameMax is databaseName for a server whose names are at most
// maxLen bytes long.
func databaseNameMax(testName string, maxLen int) string {
	var b strings.Builder
	underscore := false
	for _, r := range strings.ToLower(testName) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
			underscore = false
		} else if !underscore {
			b.WriteByte('_')
			underscore = true
		}
	}
	middle := strings.Trim(b.String(), "_")
	if room := maxLen - len(namePrefix) - 1 - randomHex; len(middle) > room {
		middle = strings.TrimRight(middle[:room], "_")
	}
	if middle == "" {
		middle = "db"
	}

	random := make([]byte, randomHex/2)
	if _, err := rand.Read(random); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return namePrefix + middle + "_" + hex.EncodeToString(random)
}

func quoteIdent(name string) string {
	return "`" + strings.ReplaceAll(name, "`", "``") + "`"
}

// Open opens dsn with the MySQL driver and closes the pool in tb's cleanup.
// It fails the test when the server does not answer.
func Open(tb testing.TB, dsn string) *sql.DB {
	tb.Helper()
	db, err := sql.Open("mysql", dsn)
	if err != nil {
		tb.Fatalf("dbtest: open %s: %v", Redact(dsn), err)
	}
	// Registered before the ping so the pool is closed even if it fails.
	tb.Cleanup(func() { db.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), connectTimeout)
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		tb.Fatalf("dbtest: connect to %s: %v", Redact(dsn), err)
	}
	return db
}

// Exec runs statements in order on one connection to dsn, so session state
// such as SET FOREIGN_KEY_CHECKS=0 carries from one statement to the next.
// It fails the test on the first error.
func Exec(tb testing.TB, dsn string, statements ...string) {
	tb.Helper()
	db, err := sql.Open("mysql", dsn)
	if err != nil {
		tb.Fatalf("dbtest: open %s: %v", Redact(dsn), err)
	}
	defer db.Close()
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		tb.Fatalf("dbtest: connect to %s: %v", Redact(dsn), err)
	}
	defer conn.Close()
	for i, stmt := range statements {
		if _, err := conn.ExecContext(ctx, stmt); err != nil {
			tb.Fatalf("dbtest: statement %d of %d failed: %v\n%s", i+1, len(statements), err, stmt)
		}
	}
}

// SQLite returns the path of a new, not yet existing SQLite database file in
// a temporary directory that is removed after the test. Open it with the
// pure-Go driver (database/sql driver name "sqlite").
func SQLite(tb testing.TB) string {
	tb.Helper()
	return filepath.Join(tb.TempDir(), "sweeper.db")
}
