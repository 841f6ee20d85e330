package sweeper_test

import (
	"context"
	"database/sql"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/glebarez/go-sqlite"
	"go.uber.org/zap/zaptest"

	"github.com/sweeperd/sweeper/connectors/database"
	"github.com/sweeperd/sweeper/internal/dbtest"
	"github.com/sweeperd/sweeper/sweeper"
)

// dbKind names the database a test runs against.
type dbKind string

// The databases the tests run against.
const (
	dbMySQL    dbKind = "mysql"
	dbSQLite   dbKind = "sqlite"
	dbPostgres dbKind = "postgres"
)

// fixture is one fresh shop database with the sweeper pointed at it, plus a
// connection of the test's own to seed and inspect it, as the shop would.
type fixture struct {
	t       *testing.T
	dialect dbKind
	store   *database.DB
	raw     *sql.DB
	cfg     *sweeper.Config
	sw      *sweeper.Sweeper

	clockMu sync.Mutex
	clockAt time.Time // the sweeper's clock while sweepAt runs ahead of time
}

// now is the sweeper's own clock in the fixture: the real one, but for a
// sweep as of a moment still to come (sweepAt).
func (f *fixture) now() time.Time {
	f.clockMu.Lock()
	defer f.clockMu.Unlock()
	if !f.clockAt.IsZero() {
		return f.clockAt
	}
	return time.Now()
}

func (f *fixture) setClock(t time.Time) {
	f.clockMu.Lock()
	defer f.clockMu.Unlock()
	f.clockAt = t
}

var amsterdam = mustLocation("Europe/Amsterdam")

func mustLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// dialects runs fn once against MariaDB, once against SQLite and once
// against PostgreSQL.
func dialects(t *testing.T, fn func(t *testing.T, f *fixture)) {
	t.Helper()
	// The PostgreSQL database is created while the other dialects run: a
	// new one takes several times as long as on the other engines.
	var pg *dbtest.PendingPostgres
	if _, ok := notOnPostgres[t.Name()+"/postgres"]; !ok {
		pg = dbtest.PostgresAhead(t, t.Name()+"/postgres")
	}
	for _, d := range []dbKind{dbMySQL, dbSQLite, dbPostgres} {
		t.Run(string(d), func(t *testing.T) {
			if d != dbPostgres {
				fn(t, setup(t, d))
				return
			}
			if why, ok := notOnPostgres[t.Name()]; ok {
				t.Skip(why)
			}
			fn(t, setupOn(t, d, pg.Take(t)))
		})
	}
}

// notOnPostgres lists the dialects() tests, by full subtest name, whose
// assertions are written in another dialect's SQL, with the reason and
// where PostgreSQL is covered instead.
var notOnPostgres = map[string]string{
	"TestSweeper_Check/AgeColumnWithoutIndex/postgres": "the expected CREATE INDEX is spelled with MySQL's backticks; " +
		"TestPostgres_AgeColumnWithoutIndex checks PostgreSQL's double-quoted statement",
}

// setup creates an empty database of the dialect and a config with no rules.
func setup(t *testing.T, d dbKind) *fixture {
	t.Helper()
	var pgDSN string
	if d == dbPostgres {
		pgDSN = dbtest.Postgres(t)
	}
	return setupOn(t, d, pgDSN)
}

// setupOn is setup on the empty database at dsn: on PostgreSQL always, on
// MariaDB when dsn is not "" (a server of the test's own); otherwise a new
// database on the shared server.
func setupOn(t *testing.T, d dbKind, dsn string) *fixture {
	t.Helper()
	var driver string
	var raw *sql.DB
	switch d {
	case dbMySQL:
		driver = "mysql"
		if dsn == "" {
			dsn = dbtest.MySQL(t)
		}
		raw = dbtest.Open(t, dsn)
	case dbSQLite:
		driver, dsn = "sqlite", dbtest.SQLite(t)
		var err error
		raw, err = sql.Open("sqlite", dsn+"?_pragma=busy_timeout(10000)")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { raw.Close() })
	case dbPostgres:
		driver = "postgres"
		raw = dbtest.OpenPostgres(t, dsn)
		// engTables (engine_helpers_test.go) reads sqlite_master on every
		// dialect but MySQL. This view answers the same question from
		// information_schema: the names of the database's own tables.
		if _, err := raw.Exec(`CREATE VIEW sqlite_master AS
			SELECT 'table'::text AS type, table_name::text AS name FROM information_schema.tables
			WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`); err != nil {
			t.Fatal(err)
		}
	}
	cfg := &sweeper.Config{
		Database: sweeper.Database{Driver: driver, DSN: dsn},
		Sweeper: sweeper.Settings{
			Timezone:        amsterdam,
			Schedule:        "30 3 * * *",
			BatchSize:       1000,
			LockWaitTimeout: 2 * time.Second,
			AuditTable:      "sweeper_audit",
			RedactText:      "[verwijderd]",
			HashKey:         "test-hash-key",
		},
	}
	store, err := database.Open(context.Background(), driver, dsn, database.Options{LockWaitTimeout: cfg.Sweeper.LockWaitTimeout})
	if err != nil {
		t.Fatalf("open %s: %v", d, err)
	}
	t.Cleanup(func() { store.Close() })
	f := &fixture{t: t, dialect: d, store: store, raw: raw, cfg: cfg}
	f.sw = &sweeper.Sweeper{Config: cfg, Store: store, Log: zaptest.NewLogger(t), Now: f.now}
	return f
}

// pgDatetime matches MySQL's DATETIME type, which PostgreSQL calls
// TIMESTAMP (without time zone): both hold a zone-less wall-clock time.
var pgDatetime = regexp.MustCompile(`\bDATETIME\b`)

// exec runs statements on the test's own connection. "AUTO_PK" is replaced
// by each dialect's auto-increment primary key. On PostgreSQL, DATETIME
// becomes TIMESTAMP.
func (f *fixture) exec(stmts ...string) {
	f.t.Helper()
	pk := "INTEGER PRIMARY KEY AUTOINCREMENT"
	switch f.dialect {
	case dbMySQL:
		pk = "BIGINT AUTO_INCREMENT PRIMARY KEY"
	case dbPostgres:
		pk = "BIGSERIAL PRIMARY KEY"
	}
	for _, s := range stmts {
		s = strings.ReplaceAll(s, "AUTO_PK", pk)
		if f.dialect == dbPostgres {
			s = pgDatetime.ReplaceAllString(s, "TIMESTAMP")
		}
		if _, err := f.raw.Exec(s); err != nil {
			f.t.Fatalf("exec %q: %v", s, err)
		}
	}
}

func (f *fixture) count(query string, args ...any) int {
	f.t.Helper()
	var n int
	if err := f.raw.QueryRow(query, args...).Scan(&n); err != nil {
		f.t.Fatalf("query %q: %v", query, err)
	}
	return n
}

// ids returns the ids a query selects, in order.
func (f *fixture) ids(query string, args ...any) []int64 {
	f.t.Helper()
	rows, err := f.raw.Query(query, args...)
	if err != nil {
		f.t.Fatalf("query %q: %v", query, err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			f.t.Fatal(err)
		}
		out = append(out, id)
	}
	return out
}

// rule adds a rule with defaults a test does not care about.
func (f *fixture) rule(r sweeper.Rule) *sweeper.Rule {
	if r.AgeTimezone == nil {
		r.AgeTimezone = f.cfg.Sweeper.Timezone
	}
	if r.BatchSize == 0 {
		r.BatchSize = f.cfg.Sweeper.BatchSize
	}
	r.Enabled = true
	f.cfg.Rules = append(f.cfg.Rules, &r)
	return &r
}

// sweep sweeps as of a moment, failing the test on an error.
func (f *fixture) sweep(asOf time.Time, opt sweeper.SweepOptions) *sweeper.Report {
	f.t.Helper()
	rep, err := f.sweepAt(asOf, opt)
	if err != nil {
		f.t.Fatalf("sweep: %v", err)
	}
	return rep
}

// sweepAt sweeps as of a moment. Unless the test set the sweeper's own
// clock, a sweep as of a moment still to come runs on that day: the clock
// that dates its audit records, and that the clock guard holds the as-of
// against, is the as-of too. One as of a moment past runs now.
func (f *fixture) sweepAt(asOf time.Time, opt sweeper.SweepOptions) (*sweeper.Report, error) {
	opt.AsOf = asOf
	if asOf.After(time.Now()) {
		f.setClock(asOf)
		defer f.setClock(time.Time{})
	}
	return f.sw.Sweep(context.Background(), opt)
}

func months(n int) sweeper.Period { return sweeper.Period{Months: n} }
func years(n int) sweeper.Period  { return sweeper.Period{Years: n} }
