package sweeper_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	gomysql "github.com/go-sql-driver/mysql"
	"go.uber.org/zap"

	"github.com/sweeperd/sweeper/connectors/database"
	"github.com/sweeperd/sweeper/sweeper"
)

// Helpers of the engine_*_test.go files. Their names start with "eng" so
// that they do not collide with helpers of other test files in the package.

// engAms is a wall-clock moment in Amsterdam, the fixture's timezone.
func engAms(y int, m time.Month, d, hh, mm, ss int) time.Time {
	return time.Date(y, m, d, hh, mm, ss, 0, amsterdam)
}

// engSweep runs a sweep and returns its error instead of failing the test.
func engSweep(f *fixture, asOf time.Time, opt sweeper.SweepOptions) (*sweeper.Report, error) {
	opt.AsOf = asOf
	return f.sw.Sweep(context.Background(), opt)
}

// engRule returns the report of the named rule, failing the test when the
// sweep did not report on it.
func engRule(t *testing.T, rep *sweeper.Report, name string) sweeper.RuleReport {
	t.Helper()
	if rep == nil {
		t.Fatalf("no report")
	}
	for _, r := range rep.Rules {
		if r.Name == name {
			return r
		}
	}
	t.Fatalf("rule %q: not in the report", name)
	return sweeper.RuleReport{}
}

// engTables lists the tables of the fixture's database, sorted.
func engTables(f *fixture) []string {
	f.t.Helper()
	q := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`
	if f.dialect == dbMySQL {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE()`
	}
	rows, err := f.raw.Query(q)
	if err != nil {
		f.t.Fatalf("list tables: %v", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			f.t.Fatal(err)
		}
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		f.t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

func engHasTable(f *fixture, name string) bool {
	return slices.Contains(engTables(f), name)
}

// engDump renders every row of a table, ordered by its first column, so
// that two dumps are equal exactly when the table's contents are.
func engDump(f *fixture, table string) string {
	f.t.Helper()
	return engDumpQuery(f, "SELECT * FROM "+table+" ORDER BY 1")
}

// engDumpQuery is engDump of the rows a query selects.
func engDumpQuery(f *fixture, query string) string {
	f.t.Helper()
	table := query
	rows, err := f.raw.Query(query)
	if err != nil {
		f.t.Fatalf("dump %s: %v", table, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		f.t.Fatal(err)
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "%s(%s)\n", table, strings.Join(cols, ","))
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			f.t.Fatal(err)
		}
		for i, v := range vals {
			if i > 0 {
				sb.WriteString(" | ")
			}
			switch v := v.(type) {
			case nil:
				sb.WriteString("NULL")
			case []byte:
				fmt.Fprintf(&sb, "%q", v)
			case time.Time:
				sb.WriteString(v.Format(time.RFC3339Nano))
			default:
				fmt.Fprintf(&sb, "%#v", v)
			}
		}
		sb.WriteString("\n")
	}
	if err := rows.Err(); err != nil {
		f.t.Fatal(err)
	}
	return sb.String()
}

// engAuditCount counts the audit records, 0 when there is no audit table.
func engAuditCount(f *fixture) int {
	f.t.Helper()
	if !engHasTable(f, f.cfg.Sweeper.AuditTable) {
		return 0
	}
	return f.count("SELECT COUNT(*) FROM " + f.cfg.Sweeper.AuditTable)
}

// engAudit reads the audit records of a run ("" for all) through the engine.
func engAudit(f *fixture, runID string) []sweeper.AuditRecord {
	f.t.Helper()
	recs, err := f.sw.AuditRecords(context.Background(), runID)
	if err != nil {
		f.t.Fatalf("audit records: %v", err)
	}
	return recs
}

// engStrings returns the strings a query selects, in order.
func engStrings(f *fixture, query string, args ...any) []string {
	f.t.Helper()
	rows, err := f.raw.Query(query, args...)
	if err != nil {
		f.t.Fatalf("query %q: %v", query, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s *string
		if err := rows.Scan(&s); err != nil {
			f.t.Fatal(err)
		}
		if s == nil {
			out = append(out, "NULL")
		} else {
			out = append(out, *s)
		}
	}
	if err := rows.Err(); err != nil {
		f.t.Fatal(err)
	}
	return out
}

// engWantIDs compares the ids a query selects with want.
func engWantIDs(t *testing.T, f *fixture, what, query string, want ...int64) {
	t.Helper()
	got := f.ids(query)
	if !slices.Equal(got, want) {
		t.Errorf("%s: got %v, want %v", what, got, want)
	}
}

// engPartial asserts that err is a *sweeper.PartialError and returns it.
func engPartial(t *testing.T, err error) *sweeper.PartialError {
	t.Helper()
	var pe *sweeper.PartialError
	if !errors.As(err, &pe) {
		t.Fatalf("sweep error: got %T (%v), want *sweeper.PartialError", err, err)
	}
	return pe
}

// engConcat selects the named columns of every row joined by "|", NULL as
// "NULL", ordered by id.
func engConcat(f *fixture, table string, cols ...string) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = "COALESCE(" + c + ", 'NULL')"
	}
	if f.dialect == dbMySQL {
		return "SELECT CONCAT_WS('|', " + strings.Join(parts, ", ") + ") FROM " + table + " ORDER BY id"
	}
	return "SELECT " + strings.Join(parts, " || '|' || ") + " FROM " + table + " ORDER BY id"
}

// engBatchIsAtomic holds a batch to all or nothing: hold (the dialect's
// trigger refusing to delete customer 3, mid-batch) fails the account rule,
// which must leave its tables and the audit table as they were, while the
// other rule still runs. timeType is the dialect's date-time column type.
func engBatchIsAtomic(t *testing.T, f *fixture, asOf time.Time, timeType string, hold ...string) {
	t.Helper()
	engCustomers(f)
	f.exec(`CREATE TABLE logs (id AUTO_PK, created_at `+timeType+` NOT NULL)`,
		`INSERT INTO logs (created_at) VALUES ('2015-01-01 00:00:00')`,
		`INSERT INTO customers (email, created_at) VALUES
			('a@example.com', '2015-01-01 00:00:00'), ('b@example.com', '2015-01-01 00:00:00'),
			('c@example.com', '2015-01-01 00:00:00'), ('d@example.com', '2015-01-01 00:00:00'),
			('e@example.com', '2015-01-01 00:00:00')`,
		`INSERT INTO addresses (customer_id, street) VALUES (1, 'a1'), (1, 'a2'), (2, 'b1'), (3, 'c1'), (4, 'd1'), (5, 'e1')`,
		`INSERT INTO orders (customer_id, total, created_at) VALUES (1, 1, '2019-01-01'), (2, 2, '2019-01-01'), (3, 3, '2019-01-01'), (5, 5, '2019-01-01')`)
	f.exec(hold...)
	engAccountRule(f)
	f.rule(sweeper.Rule{Name: "logs", Table: "logs", AgeColumns: []string{"created_at"}, OlderThan: years(1), Action: sweeper.ActionDelete})
	tables := []string{"customers", "addresses", "orders"}
	before := map[string]string{}
	for _, tb := range tables {
		before[tb] = engDump(f, tb)
	}
	rep, err := engSweep(f, asOf, sweeper.SweepOptions{})
	pe := engPartial(t, err)
	if len(pe.Failed) != 1 || pe.Failed[0].Name != "account-idle-5y" {
		t.Errorf("failed rules: got %+v, want account-idle-5y", pe.Failed)
	}
	rr := engRule(t, rep, "account-idle-5y")
	if rr.Err == nil || !strings.Contains(rr.Err.Error(), "legal hold") {
		t.Errorf("rule error: got %v, want the trigger's message", rr.Err)
	}
	if rr.Rows != 0 {
		t.Errorf("rows: got %d, want 0", rr.Rows)
	}
	for _, tb := range tables {
		if after := engDump(f, tb); after != before[tb] {
			t.Errorf("%s after the failed batch:\ngot  %s\nwant %s", tb, after, before[tb])
		}
	}
	if got := f.count(`SELECT COUNT(*) FROM sweeper_audit WHERE rule = 'account-idle-5y'`); got != 0 {
		t.Errorf("audit records of the failed rule: got %d, want 0", got)
	}
	// The other rule still ran.
	if got := engRule(t, rep, "logs").Rows; got != 1 {
		t.Errorf("logs rule rows: got %d, want 1", got)
	}
	if got := f.count(`SELECT COUNT(*) FROM sweeper_audit WHERE rule = 'logs'`); got != 1 {
		t.Errorf("audit records of the logs rule: got %d, want 1", got)
	}
}

// engReadOnly sweeps and plans through ro, a connection whose database user
// may only read: the dry run and the plan must work and count the one due
// customer, and a real sweep must fail without changing anything.
func engReadOnly(t *testing.T, f *fixture, ro sweeper.Store, asOf time.Time) {
	t.Helper()
	f.sw.Store = ro
	rep, err := engSweep(f, asOf, sweeper.SweepOptions{DryRun: true})
	if err != nil {
		t.Fatalf("dry run as a read-only user: %v", err)
	}
	if got := engRule(t, rep, "account-idle-5y").Rows; got != 1 {
		t.Errorf("dry run rows: got %d, want 1", got)
	}
	p, err := f.sw.Plan(context.Background(), sweeper.PlanOptions{AsOf: asOf})
	if err != nil {
		t.Fatalf("plan as a read-only user: %v", err)
	}
	if p.Rules[0].Due != 1 {
		t.Errorf("plan due: got %d, want 1", p.Rules[0].Due)
	}
	// And the user really cannot write: a real sweep fails.
	if _, err := engSweep(f, asOf, sweeper.SweepOptions{}); err == nil {
		t.Errorf("real sweep as a read-only user: got no error, want one")
	}
	if got := f.count(`SELECT COUNT(*) FROM customers`); got != 1 {
		t.Errorf("customers: got %d, want 1", got)
	}
}

// engSelectOnlyStore connects to f's MariaDB database as a new user that
// may only SELECT from it (no SHOW VIEW either); the user is dropped when
// the test ends.
func engSelectOnlyStore(t *testing.T, f *fixture) sweeper.Store {
	t.Helper()
	return engUserStore(t, f, "GRANT SELECT ON %[1]s.* TO %[2]s")
}

// engUserStore connects to f's MariaDB database as a new user with the
// grants, in which %[1]s is the database and %[2]s the user; the user is
// dropped when the test ends.
func engUserStore(t *testing.T, f *fixture, grants ...string) sweeper.Store {
	t.Helper()
	cfg, err := gomysql.ParseDSN(f.cfg.Database.DSN)
	if err != nil {
		t.Fatal(err)
	}
	user := fmt.Sprintf("sweeper_ro_%d", time.Now().UnixNano()%1e9)
	// Every host a local connection may come from, so that an anonymous
	// ''@'localhost' does not take precedence.
	for _, host := range []string{"%", "localhost", "127.0.0.1", "::1"} {
		who := fmt.Sprintf("'%s'@'%s'", user, host)
		f.exec(fmt.Sprintf("CREATE USER %s IDENTIFIED BY 'ro-secret'", who))
		t.Cleanup(func() { f.raw.Exec("DROP USER " + who) })
		for _, g := range grants {
			f.exec(fmt.Sprintf(g, "`"+cfg.DBName+"`", who))
		}
	}
	cfg.User, cfg.Passwd = user, "ro-secret"
	st, err := database.Open(context.Background(), "mysql", cfg.FormatDSN(), database.Options{})
	if err != nil {
		t.Fatalf("connect as %s: %v", user, err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// engCustomers creates customers with addresses (NOT NULL foreign key) and
// orders (nullable foreign key), the shape of config.example.toml's account rule.
func engCustomers(f *fixture) {
	f.exec(`CREATE TABLE customers (id AUTO_PK, email VARCHAR(100) NOT NULL, status VARCHAR(20) NOT NULL DEFAULT 'ok',
			last_login_at DATETIME NULL, created_at DATETIME NOT NULL)`,
		`CREATE TABLE addresses (id AUTO_PK, customer_id BIGINT NOT NULL, street VARCHAR(100))`,
		`CREATE TABLE orders (id AUTO_PK, customer_id BIGINT NULL, total INT NOT NULL, created_at DATETIME NOT NULL)`)
}

func engAccountRule(f *fixture) *sweeper.Rule {
	return f.rule(sweeper.Rule{Name: "account-idle-5y", Table: "customers", AgeColumns: []string{"last_login_at", "created_at"},
		OlderThan: years(5), Where: "status <> 'disputed'", Action: sweeper.ActionDelete,
		Related: []sweeper.Related{
			{Table: "addresses", ForeignKey: []string{"customer_id"}, Action: sweeper.ActionDelete},
			{Table: "orders", ForeignKey: []string{"customer_id"}, Action: sweeper.ActionDetach},
		}})
}

// engInsertMany inserts n rows of one VALUES tuple, 500 to a statement.
func engInsertMany(f *fixture, head, tuple string, n int) {
	f.t.Helper()
	for done := 0; done < n; {
		k := min(500, n-done)
		f.exec(head + " VALUES " + strings.TrimSuffix(strings.Repeat(tuple+",", k), ","))
		done += k
	}
}

// engReopen replaces the fixture's store by one opened with another lock
// wait timeout, which connectors/database applies when it connects.
func engReopen(t *testing.T, f *fixture, lockWait time.Duration, log *zap.Logger) {
	t.Helper()
	f.cfg.Sweeper.LockWaitTimeout = lockWait
	store, err := database.Open(context.Background(), f.cfg.Database.Driver, f.cfg.Database.DSN,
		database.Options{LockWaitTimeout: lockWait, Logger: log})
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	t.Cleanup(func() { store.Close() })
	f.store = store
	f.sw.Store = store
}

// engAsync runs fn in a goroutine and waits for it at most d, so that a
// sweep that hangs fails the test instead of stalling it.
func engAsync[T any](t *testing.T, d time.Duration, fn func() T) T {
	t.Helper()
	done := make(chan T, 1)
	go func() { done <- fn() }()
	select {
	case v := <-done:
		return v
	case <-time.After(d):
		t.Fatalf("still running after %v", d)
		panic("unreachable")
	}
}

// engWhenLockingRead waits until another session on the fixture's database
// runs a locking read (SELECT ... FOR UPDATE), then runs fn. It polls the
// process list, as there is nothing to wait on. (InnoDB's own lock tables in
// information_schema are a cache that was seen to lag on MariaDB 10.11.)
func engWhenLockingRead(f *fixture, timeout time.Duration, fn func() error) error {
	deadline := time.After(timeout)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		var n int
		err := f.raw.QueryRow(`SELECT COUNT(*) FROM information_schema.processlist
			WHERE db = DATABASE() AND id <> CONNECTION_ID() AND info LIKE '%FOR UPDATE%'`).Scan(&n)
		if err != nil {
			return err
		}
		if n > 0 {
			return fn()
		}
		select {
		case <-deadline:
			return fmt.Errorf("no session ran a locking read within %v", timeout)
		case <-tick.C:
		}
	}
}
