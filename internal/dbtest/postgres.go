package dbtest

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// PostgreSQL counterparts of BaseDSN, Ping, MySQL and Open. The server is
// found through SWEEPER_TEST_POSTGRES_DSN, a pgx connection string (URL or
// keyword/value form); ./scripts/test starts a throwaway PostgreSQL when
// none answers there.
const (
	// EnvPostgresDSN names the environment variable holding the DSN of the
	// PostgreSQL server that tests create their databases on. The database
	// it names is only used to run CREATE and DROP DATABASE from.
	EnvPostgresDSN = "SWEEPER_TEST_POSTGRES_DSN"
	// DefaultPostgresDSN is used when EnvPostgresDSN is unset or empty.
	DefaultPostgresDSN = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

	// maxPostgresNameLen is PostgreSQL's limit on identifiers (NAMEDATALEN-1);
	// a longer name would be truncated silently.
	maxPostgresNameLen = 63
)

// PostgresBaseDSN returns the DSN of the PostgreSQL test server from the
// environment.
func PostgresBaseDSN() string {
	if dsn := os.Getenv(EnvPostgresDSN); dsn != "" {
		return dsn
	}
	return DefaultPostgresDSN
}

var kvPassword = regexp.MustCompile(`(?i)(\bpassword\s*=\s*)('(?:[^'\\]|\\.)*'|\S*)`)

// RedactPostgres returns a PostgreSQL DSN with its password masked.
func RedactPostgres(dsn string) string {
	if isPostgresURL(dsn) {
		u, err := url.Parse(dsn)
		if err != nil {
			return "<unparseable DSN>"
		}
		if q := u.Query(); q.Has("password") {
			q.Set("password", "xxxxx")
			u.RawQuery = q.Encode()
		}
		return u.Redacted()
	}
	return kvPassword.ReplaceAllString(dsn, "${1}xxxxx")
}

func isPostgresURL(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// PingPostgres connects to the PostgreSQL server at dsn with a short
// timeout and returns its version. Errors never contain the password.
func PingPostgres(ctx context.Context, dsn string) (version string, err error) {
	db, err := openPostgresBase(dsn)
	if err != nil {
		return "", err
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(ctx, connectTimeout)
	defer cancel()
	if err := db.QueryRowContext(ctx, "SHOW server_version").Scan(&version); err != nil {
		return "", err
	}
	return version, nil
}

// openPostgresBase opens a single-connection pool on dsn with a short
// connect timeout.
func openPostgresBase(dsn string) (*sql.DB, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		// The parse error may quote the DSN, password included.
		return nil, fmt.Errorf("invalid DSN in %s (pgx format expected, e.g. %q)", EnvPostgresDSN, DefaultPostgresDSN)
	}
	if cfg.ConnectTimeout == 0 || cfg.ConnectTimeout > connectTimeout {
		cfg.ConnectTimeout = connectTimeout
	}
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(1)
	return db, nil
}

// withDatabase returns dsn with its database replaced by name.
func withDatabase(dsn, name string) (string, error) {
	if isPostgresURL(dsn) {
		u, err := url.Parse(dsn)
		if err != nil {
			return "", fmt.Errorf("invalid DSN in %s", EnvPostgresDSN)
		}
		u.Path = "/" + name
		u.RawPath = ""
		if q := u.Query(); q.Has("dbname") {
			q.Del("dbname")
			u.RawQuery = q.Encode()
		}
		return u.String(), nil
	}
	// Keyword/value form: a later keyword overrides an earlier one.
	return strings.TrimSpace(dsn) + " dbname=" + name, nil
}

// Postgres creates an empty database with a unique name on the PostgreSQL
// test server, drops it when tb's cleanup runs, and returns a DSN for it,
// which keeps everything but the database of the base DSN from
// SWEEPER_TEST_POSTGRES_DSN.
//
// When no server answers, the test is skipped, or failed if CI=true. It is
// also skipped under "go test -short", or failed if CI=true (see SkipShort).
func Postgres(tb testing.TB) string {
	tb.Helper()
	SkipShort(tb, "PostgreSQL")
	db := createPostgres(tb.Name())
	return db.take(tb)
}

// PendingPostgres is a database being created ahead of the test that will
// use it. Creating a PostgreSQL database takes a good part of a second on a
// busy server (it copies the template's files and the drop waits for a
// checkpoint), so a test that runs other work first can have it made
// meanwhile.
type PendingPostgres struct {
	done chan struct{}
	db   *pgDatabase
}

// PostgresAhead starts creating a database for the test named testName
// (for a subtest of parent: parent.Name()+"/"+subtest), which is to call
// Take. The database is dropped in the cleanup of the test that takes it,
// or else in parent's, which also waits for the creation to end.
func PostgresAhead(parent testing.TB, testName string) *PendingPostgres {
	p := &PendingPostgres{done: make(chan struct{})}
	if testing.Short() {
		close(p.done)
		return p
	}
	go func() {
		defer close(p.done)
		p.db = createPostgres(testName)
	}()
	parent.Cleanup(func() {
		<-p.done
		p.db.drop(parent)
	})
	return p
}

// Take waits for the database and returns its DSN as Postgres does, with
// Postgres's skip or failure when there is none. It may be called once.
func (p *PendingPostgres) Take(tb testing.TB) string {
	tb.Helper()
	SkipShort(tb, "PostgreSQL")
	<-p.done
	return p.db.take(tb)
}

// pgDatabase is a database createPostgres made, or why it could not.
type pgDatabase struct {
	base, name, dsn string
	conn            *sql.DB // to the base DSN, kept for the drop
	noServer        error   // no server answered
	err             error   // the server answered, but the database was not made
	dropOnce        sync.Once
}

// createPostgres creates a database named after testName. It reports
// problems in the result rather than to a test, so that it can run ahead of
// the test in a goroutine of its own.
func createPostgres(testName string) *pgDatabase {
	d := &pgDatabase{base: PostgresBaseDSN()}
	if err, ok := unreachable.Load("postgres:" + d.base); ok {
		d.noServer = err.(error)
		return d
	}
	db, err := openPostgresBase(d.base)
	if err != nil {
		d.noServer = err
		return d
	}
	ctx, cancel := context.WithTimeout(context.Background(), connectTimeout)
	err = db.PingContext(ctx)
	cancel()
	if err != nil {
		db.Close()
		unreachable.Store("postgres:"+d.base, err)
		d.noServer = err
		return d
	}

	d.name = databaseNameMax(testName, maxPostgresNameLen)
	if d.dsn, err = withDatabase(d.base, d.name); err != nil {
		db.Close()
		d.err = err
		return d
	}
	// UTF8 explicitly: template1 of a cluster initialised under the C locale
	// is SQL_ASCII. template0 is the only template that allows a different
	// encoding, and nobody connects to it, so concurrent creates never find
	// it busy.
	if _, err := db.Exec("CREATE DATABASE " + quotePostgresIdent(d.name) +
		" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'"); err != nil {
		db.Close()
		d.err = fmt.Errorf("create database %s on %s: %v", d.name, RedactPostgres(d.base), err)
		return d
	}
	d.conn = db
	return d
}

// take hands the database to tb: tb's cleanup drops it.
func (d *pgDatabase) take(tb testing.TB) string {
	tb.Helper()
	if d.noServer != nil {
		noPostgres(tb, d.base, d.noServer)
	}
	if d.err != nil {
		tb.Fatalf("dbtest: %v", d.err)
	}
	tb.Cleanup(func() { d.drop(tb) })
	return d.dsn
}

// drop drops the database, once, reporting a failure to tb.
func (d *pgDatabase) drop(tb testing.TB) {
	if d.conn == nil {
		return
	}
	d.dropOnce.Do(func() {
		defer d.conn.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		// WITH (FORCE) (PostgreSQL 13+) ends sessions still connected, such as
		// pools that tb's later cleanups have not closed yet.
		if _, err := d.conn.ExecContext(ctx, "DROP DATABASE IF EXISTS "+quotePostgresIdent(d.name)+" WITH (FORCE)"); err != nil {
			tb.Errorf("dbtest: drop database %s: %v", d.name, err)
		}
	})
}

// noPostgres skips or fails tb because the PostgreSQL test server is
// unusable; under CI a skip would turn a missing database into a green build.
func noPostgres(tb testing.TB, base string, err error) {
	tb.Helper()
	msg := fmt.Sprintf("dbtest: no PostgreSQL answered at %s (%s): %v; run the tests with ./scripts/test, which starts one",
		RedactPostgres(base), EnvPostgresDSN, err)
	if os.Getenv("CI") == "true" {
		tb.Fatal(msg)
	}
	tb.Skip(msg)
}

func quotePostgresIdent(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// TestLockTimeout bounds how long a statement on a pool from OpenPostgres
// waits for a row or table lock. A test's own connection acts as the shop
// does, often while the code under test holds locks in the same goroutine;
// if that code wrongly holds a lock the test's statement needs, the two wait
// for each other, and PostgreSQL's default (no timeout) would hang the test
// until go test's -timeout instead of failing it with lock_timeout's error.
const TestLockTimeout = 10 * time.Second

// OpenPostgres opens dsn with pgx's database/sql driver and closes the pool
// in tb's cleanup. It fails the test when the server does not answer. Its
// sessions wait at most TestLockTimeout for a lock, unless dsn sets
// lock_timeout itself.
func OpenPostgres(tb testing.TB, dsn string) *sql.DB {
	tb.Helper()
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		tb.Fatalf("dbtest: open %s: invalid DSN", RedactPostgres(dsn))
	}
	if cfg.RuntimeParams == nil {
		cfg.RuntimeParams = map[string]string{}
	}
	if _, ok := cfg.RuntimeParams["lock_timeout"]; !ok {
		cfg.RuntimeParams["lock_timeout"] = fmt.Sprint(TestLockTimeout.Milliseconds())
	}
	db := stdlib.OpenDB(*cfg)
	tb.Cleanup(func() { db.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), connectTimeout)
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		tb.Fatalf("dbtest: connect to %s: %v", RedactPostgres(dsn), err)
	}
	return db
}
