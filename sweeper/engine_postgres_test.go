package sweeper_test

import (
	"context"
	"fmt"
	"hash/fnv"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/sweeperd/sweeper/connectors/database"
	"github.com/sweeperd/sweeper/internal/dbtest"
	"github.com/sweeperd/sweeper/sweeper"
)

// PostgreSQL counterparts of the engine tests that run on MySQL or SQLite
// only, because their seeds or expectations are written in those dialects
// (triggers, GET_LOCK, the process list, MySQL's TIMESTAMP, users), and
// tests of what connectors/database reads from PostgreSQL's catalog.
// Their subtests run in parallel: each has a database of its own, and
// creating one costs more on PostgreSQL than on the other engines.

// pgDatabase is the name of the fixture's database.
func pgDatabase(t *testing.T, f *fixture) string {
	t.Helper()
	cfg, err := pgx.ParseConfig(f.cfg.Database.DSN)
	if err != nil {
		t.Fatal(err)
	}
	return cfg.Database
}

// pgLockKey is the advisory lock key connectors/database takes for a rule:
// the FNV-64a hash of its lock name.
func pgLockKey(t *testing.T, f *fixture, rule string) int64 {
	h := fnv.New64a()
	h.Write([]byte(engLockName(pgDatabase(t, f), rule)))
	return int64(h.Sum64())
}

// pgWhenWaitingForLock waits until another session on the fixture's
// database waits for a row lock, then runs fn.
func pgWhenWaitingForLock(f *fixture, timeout time.Duration, fn func() error) error {
	deadline := time.After(timeout)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		var n int
		err := f.raw.QueryRow(`SELECT COUNT(*) FROM pg_stat_activity
			WHERE datname = current_database() AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'`).Scan(&n)
		if err != nil {
			return err
		}
		if n > 0 {
			return fn()
		}
		select {
		case <-deadline:
			return fmt.Errorf("no session waited for a lock within %v", timeout)
		case <-tick.C:
		}
	}
}

// TestPostgres_AgeColumnWithoutIndex is TestSweeper_Check/AgeColumnWithoutIndex
// with PostgreSQL's identifier quoting.
func TestPostgres_AgeColumnWithoutIndex(t *testing.T) {
	f := setup(t, dbPostgres)
	f.exec(`CREATE TABLE visits (id AUTO_PK, seen_at TIMESTAMP NOT NULL)`)
	f.rule(sweeper.Rule{Name: "visits", Table: "visits", AgeColumns: []string{"seen_at"}, OlderThan: years(1), Action: sweeper.ActionDelete})
	fs := engCheck(f)
	stmt := `CREATE INDEX "idx_visits_seen_at" ON "visits" ("seen_at");`
	engWantFinding(t, fs, sweeper.SeverityWarning, "visits", "seen_at", stmt)
	if errs := engErrors(fs); len(errs) != 0 {
		t.Errorf("errors: got %q, want none (a missing index is a warning)", errs)
	}
	// The statement works as written and silences the warning.
	f.exec(stmt)
	if _, ok := engFinding(engCheck(f), sweeper.SeverityWarning, "visits", "CREATE INDEX"); ok {
		t.Errorf("after %s: got the index warning again, want none", stmt)
	}
}

// TestPostgres_Schema holds what connectors/database reads from the catalog
// to what PostgreSQL enforces: which keys are unique, which indexes serve a
// range scan on the age column, and which table a name means.
func TestPostgres_Schema(t *testing.T) {
	asOf := engAms(2026, 11, 22, 0, 0, 0)

	t.Run("UniqueConstraintMakesAKey", func(t *testing.T) {
		t.Parallel()
		f := setup(t, dbPostgres)
		f.exec(`CREATE TABLE contacts (id AUTO_PK, ext_id VARCHAR(20) NOT NULL CONSTRAINT contacts_ext_id UNIQUE, phone VARCHAR(30) NULL, created_at TIMESTAMP NOT NULL)`,
			`CREATE INDEX contacts_created_at ON contacts (created_at)`)
		f.rule(sweeper.Rule{Name: "contacts", Table: "contacts", Key: "ext_id", AgeColumns: []string{"created_at"}, OlderThan: years(1),
			Action: sweeper.ActionAnonymise, Anonymise: []sweeper.ColumnStrategy{{Column: "phone", Strategy: sweeper.StrategyNull}}})
		if fs := engCheck(f); len(engErrors(fs)) != 0 {
			t.Errorf("findings: got %q, want no errors (a UNIQUE constraint is a unique index)", fs)
		}
	})

	t.Run("PartialUniqueIndexMakesNoKey", func(t *testing.T) {
		t.Parallel()
		// Unique only among the rows the predicate selects: two rows may share
		// the value, and one of them may not be due.
		f := setup(t, dbPostgres)
		f.exec(`CREATE TABLE contacts (id AUTO_PK, email VARCHAR(100) NOT NULL, deleted BOOLEAN NOT NULL DEFAULT false, phone VARCHAR(30) NULL, created_at TIMESTAMP NOT NULL)`,
			`CREATE UNIQUE INDEX contacts_email ON contacts (email) WHERE NOT deleted`,
			`INSERT INTO contacts (email, deleted, phone, created_at) VALUES
				('a@example.com', true, '06', '2015-01-01 00:00:00'), ('a@example.com', false, '07', '2026-11-01 00:00:00')`)
		f.rule(sweeper.Rule{Name: "contacts", Table: "contacts", Key: "email", AgeColumns: []string{"created_at"}, OlderThan: years(1),
			Action: sweeper.ActionAnonymise, Anonymise: []sweeper.ColumnStrategy{{Column: "phone", Strategy: sweeper.StrategyNull}}})
		engWantFinding(t, engCheck(f), sweeper.SeverityError, "contacts", "email", "not unique")
		engSweep(f, asOf, sweeper.SweepOptions{})
		if got := engStrings(f, `SELECT COALESCE(phone, 'NULL') FROM contacts ORDER BY id`); strings.Join(got, ",") != "06,07" {
			t.Errorf("phones: got %v, want both kept", got)
		}
	})

	t.Run("IndexColumnsInIndexOrder", func(t *testing.T) {
		t.Parallel()
		// created_at comes first in the table but second in the index, which
		// cannot serve a range scan on it.
		f := setup(t, dbPostgres)
		f.exec(`CREATE TABLE visits (id AUTO_PK, created_at TIMESTAMP NOT NULL, status VARCHAR(20) NOT NULL)`,
			`CREATE INDEX visits_status_created_at ON visits (status, created_at)`)
		f.rule(sweeper.Rule{Name: "visits", Table: "visits", AgeColumns: []string{"created_at"}, OlderThan: years(1), Action: sweeper.ActionDelete})
		engWantFinding(t, engCheck(f), sweeper.SeverityWarning, "visits", "created_at", "has no index")
		f.exec(`CREATE INDEX visits_created_at_status ON visits (created_at, status)`)
		if _, ok := engFinding(engCheck(f), sweeper.SeverityWarning, "visits", "has no index"); ok {
			t.Errorf("with an index on (created_at, status): got the index warning, want none")
		}
	})

	t.Run("CompositePrimaryKeyInKeyOrder", func(t *testing.T) {
		t.Parallel()
		f := setup(t, dbPostgres)
		f.exec(`CREATE TABLE order_lines (order_id BIGINT NOT NULL, line_no INT NOT NULL, created_at TIMESTAMP NOT NULL, PRIMARY KEY (line_no, order_id))`)
		f.rule(sweeper.Rule{Name: "lines", Table: "order_lines", AgeColumns: []string{"created_at"}, OlderThan: years(1), Action: sweeper.ActionDelete})
		engWantFinding(t, engCheck(f), sweeper.SeverityError, "lines", "primary key of 2 columns (line_no, order_id)")
	})

	t.Run("NamesStayInTheShopsSchema", func(t *testing.T) {
		t.Parallel()
		// A dotted name is one identifier, not schema.table: a rule must not
		// reach another schema of the database.
		f := setup(t, dbPostgres)
		f.exec(`CREATE SCHEMA other`,
			`CREATE TABLE other.customers (id BIGSERIAL PRIMARY KEY, created_at TIMESTAMP NOT NULL)`,
			`INSERT INTO other.customers (created_at) VALUES ('2015-01-01 00:00:00')`)
		f.rule(sweeper.Rule{Name: "elsewhere", Table: "other.customers", AgeColumns: []string{"created_at"}, OlderThan: years(1), Action: sweeper.ActionDelete})
		engWantFinding(t, engCheck(f), sweeper.SeverityError, "elsewhere", "does not exist")
		engSweep(f, asOf, sweeper.SweepOptions{})
		if got := f.count(`SELECT COUNT(*) FROM other.customers`); got != 1 {
			t.Errorf("rows in the other schema: got %d, want 1", got)
		}
	})

	t.Run("TableOnTheSearchPath", func(t *testing.T) {
		t.Parallel()
		// The sweeper's SQL names tables unqualified, so the table it reads
		// the schema of is the one the search path finds, here in a schema
		// before public.
		f := setup(t, dbPostgres)
		f.exec(`CREATE SCHEMA shop`,
			`CREATE TABLE public.customers (id BIGSERIAL PRIMARY KEY, created_at TIMESTAMP NOT NULL)`,
			`CREATE TABLE shop.customers (uid BIGSERIAL PRIMARY KEY, seen_at TIMESTAMP NOT NULL)`,
			`INSERT INTO public.customers (created_at) VALUES ('2015-01-01 00:00:00')`,
			`INSERT INTO shop.customers (seen_at) VALUES ('2015-01-01 00:00:00')`)
		u, err := url.Parse(f.cfg.Database.DSN)
		if err != nil {
			t.Fatalf("the test database DSN is not a URL, which this test needs to set search_path: %v", err)
		}
		q := u.Query()
		q.Set("search_path", "shop,public")
		u.RawQuery = q.Encode()
		f.cfg.Database.DSN = u.String()
		engReopen(t, f, 2*time.Second, zap.NewNop())
		f.rule(sweeper.Rule{Name: "shop", Table: "customers", AgeColumns: []string{"seen_at"}, OlderThan: years(1), Action: sweeper.ActionDelete})
		if fs := engCheck(f); len(engErrors(fs)) != 0 {
			t.Fatalf("findings: got %q, want no errors", fs)
		}
		if rr := engRule(t, f.sweep(asOf, sweeper.SweepOptions{}), "shop"); rr.Rows != 1 {
			t.Errorf("rows: got %d, want 1", rr.Rows)
		}
		if got := f.count(`SELECT COUNT(*) FROM shop.customers`) + 10*f.count(`SELECT COUNT(*) FROM public.customers`); got != 10 {
			t.Errorf("rows left: got %d in shop and %d in public, want 0 and 1", got%10, got/10)
		}
	})
}

// TestPostgres_AgeKinds holds PostgreSQL's time types to their meaning:
// timestamptz is an instant, timestamp a wall-clock time, and one rule
// cannot mix them.
func TestPostgres_AgeKinds(t *testing.T) {
	asOf := engAms(2026, 11, 22, 0, 0, 0)
	ctx := context.Background()

	t.Run("TimestamptzIsAnInstant", func(t *testing.T) {
		t.Parallel()
		f := setup(t, dbPostgres)
		// 21:59:59 UTC is 23:59:59 CEST, one second before the cutoff.
		f.exec(`CREATE TABLE sessions (id AUTO_PK, seen_at TIMESTAMPTZ NULL)`,
			`INSERT INTO sessions (seen_at) VALUES ('2026-05-21 21:59:59+00'), ('2026-05-21 22:00:00+00'), ('2026-05-21 22:00:01+00'), ('2026-05-21 23:30:00+00'), (NULL)`)
		f.rule(sweeper.Rule{Name: "sessions", Table: "sessions", AgeColumns: []string{"seen_at"},
			OlderThan: months(6), Action: sweeper.ActionDelete})
		p, err := f.sw.Plan(ctx, sweeper.PlanOptions{AsOf: asOf})
		if err != nil {
			t.Fatalf("plan: %v", err)
		}
		if o := p.Rules[0].Oldest; o == nil || o.Format(time.RFC3339) != "2026-05-21T23:59:59+02:00" {
			t.Errorf("plan oldest: got %v, want 2026-05-21T23:59:59+02:00", o)
		}
		if p.Rules[0].Due != 1 {
			t.Errorf("plan due: got %d, want 1", p.Rules[0].Due)
		}
		f.sweep(asOf, sweeper.SweepOptions{})
		engWantIDs(t, f, "sessions left", `SELECT id FROM sessions ORDER BY id`, 2, 3, 4, 5)
	})

	t.Run("TimestampIsWallClock", func(t *testing.T) {
		t.Parallel()
		f := setup(t, dbPostgres)
		f.exec(`CREATE TABLE sessions (id AUTO_PK, seen_at TIMESTAMP WITHOUT TIME ZONE NULL)`,
			`INSERT INTO sessions (seen_at) VALUES ('2026-05-21 23:59:59'), ('2026-05-22 00:00:00'), ('2026-05-22 00:00:01')`)
		f.rule(sweeper.Rule{Name: "sessions", Table: "sessions", AgeColumns: []string{"seen_at"},
			OlderThan: months(6), Action: sweeper.ActionDelete})
		f.sweep(asOf, sweeper.SweepOptions{})
		engWantIDs(t, f, "sessions left", `SELECT id FROM sessions ORDER BY id`, 2, 3)
	})

	t.Run("AgeColumnsOfOneKind", func(t *testing.T) {
		t.Parallel()
		f := setup(t, dbPostgres)
		f.exec(`CREATE TABLE mixed (id AUTO_PK, last_seen TIMESTAMPTZ NULL, created_at TIMESTAMP NOT NULL)`)
		f.rule(sweeper.Rule{Name: "mixed", Table: "mixed", AgeColumns: []string{"last_seen", "created_at"}, OlderThan: years(1), Action: sweeper.ActionDelete})
		engWantFinding(t, engCheck(f), sweeper.SeverityError, "mixed", "last_seen", "created_at", "mixes")
	})

	t.Run("AgeColumnMustHoldATime", func(t *testing.T) {
		t.Parallel()
		f := setup(t, dbPostgres)
		f.exec(`CREATE TABLE wp_users (id AUTO_PK, registered BIGINT NOT NULL, note TEXT NULL)`)
		f.rule(sweeper.Rule{Name: "unix", Table: "wp_users", AgeColumns: []string{"registered"}, OlderThan: years(1), Action: sweeper.ActionDelete})
		f.rule(sweeper.Rule{Name: "text", Table: "wp_users", AgeColumns: []string{"note"}, OlderThan: years(1), Action: sweeper.ActionDelete})
		fs := engCheck(f)
		engWantFinding(t, fs, sweeper.SeverityError, "unix", "registered", "age_sql")
		engWantFinding(t, fs, sweeper.SeverityError, "text", "note", "holds no date")
	})
}

// TestPostgres_Batches holds the batch loop's locking, atomicity and
// privileges on PostgreSQL, as TestSweeper_SweepBatches does on MariaDB.
func TestPostgres_Batches(t *testing.T) {
	asOf := engAms(2026, 11, 22, 0, 0, 0)
	ctx := context.Background()
	type result struct {
		rep *sweeper.Report
		err error
	}
	sweepAsync := func(t *testing.T, f *fixture) result {
		return engAsync(t, 60*time.Second, func() result {
			rep, err := engSweep(f, asOf, sweeper.SweepOptions{})
			return result{rep, err}
		})
	}
	threeCustomers := func(f *fixture) {
		engCustomers(f)
		f.exec(`INSERT INTO customers (email, created_at) VALUES
				('a@example.com', '2015-01-01 00:00:00'), ('b@example.com', '2015-01-01 00:00:00'), ('c@example.com', '2015-01-01 00:00:00')`,
			`INSERT INTO addresses (customer_id, street) VALUES (1, 'a'), (2, 'b'), (3, 'c')`)
		engAccountRule(f)
	}

	t.Run("RechecksUnderTheShopsLock", func(t *testing.T) {
		t.Parallel()
		rechecksUnderTheShopsLock(t, setup(t, dbPostgres), true, pgWhenWaitingForLock)
	})

	t.Run("LockWaitTimeout", func(t *testing.T) {
		t.Parallel()
		f := setup(t, dbPostgres)
		logs, recorded := observer.New(zap.DebugLevel)
		f.sw.Log = zap.New(logs)
		engReopen(t, f, time.Second, f.sw.Log)
		threeCustomers(f)
		shop, err := f.raw.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer shop.Rollback()
		var id int64
		if err := shop.QueryRow(`SELECT id FROM customers WHERE id = 2 FOR UPDATE`).Scan(&id); err != nil {
			t.Fatal(err)
		}
		before := engDump(f, "customers") + engDump(f, "addresses")
		res := sweepAsync(t, f)
		engPartial(t, res.err)
		rr := engRule(t, res.rep, "account-idle-5y")
		if rr.Err == nil || rr.Rows != 0 {
			t.Errorf("while the shop holds a row: got %d rows, error %v; want 0 rows and an error", rr.Rows, rr.Err)
		}
		// lock_timeout (SQLSTATE 55P03) is retried like MySQL's lock wait timeout.
		retries := recorded.FilterField(zap.String("event", "rule.retry")).All()
		if len(retries) != 2 {
			t.Errorf("retries: got %d, want 2 (three attempts)", len(retries))
		}
		for _, e := range retries {
			// Each attempt before a retry ended on the lock timeout.
			if msg := fmt.Sprint(e.ContextMap()["error"]); !strings.Contains(msg, "55P03") {
				t.Errorf("retry after %q, want PostgreSQL's lock timeout (55P03)", msg)
			}
		}
		if rr.Err != nil && !strings.Contains(rr.Err.Error(), "55P03") {
			t.Errorf("rule error: got %v, want PostgreSQL's lock timeout (55P03)", rr.Err)
		}
		if after := engDump(f, "customers") + engDump(f, "addresses"); after != before {
			t.Errorf("tables after the timeout:\ngot  %s\nwant %s", after, before)
		}
		if got := engAuditCount(f); got != 0 {
			t.Errorf("audit records: got %d, want 0", got)
		}
		if err := shop.Rollback(); err != nil {
			t.Fatal(err)
		}
		res = sweepAsync(t, f)
		if res.err != nil {
			t.Fatalf("sweep after the shop's rollback: %v", res.err)
		}
		if got := engRule(t, res.rep, "account-idle-5y").Rows; got != 3 {
			t.Errorf("rows after the shop's rollback: got %d, want 3", got)
		}
	})

	t.Run("NamedLock", func(t *testing.T) {
		t.Parallel()
		f := setup(t, dbPostgres)
		engCustomers(f)
		f.exec(`INSERT INTO customers (email, created_at) VALUES ('a@example.com', '2015-01-01 00:00:00'), ('b@example.com', '2015-01-01 00:00:00')`)
		engAccountRule(f)
		conn, err := f.raw.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		key := pgLockKey(t, f, "account-idle-5y")
		var got bool
		if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock($1)`, key).Scan(&got); err != nil || !got {
			t.Fatalf("pg_try_advisory_lock(%d): got %v, %v; want true", key, got, err)
		}
		rr := engRule(t, f.sweep(asOf, sweeper.SweepOptions{}), "account-idle-5y")
		if rr.Skipped == "" || rr.Rows != 0 || rr.Err != nil {
			t.Errorf("while locked: got skipped %q, %d rows, error %v; want skipped, 0 rows, no error", rr.Skipped, rr.Rows, rr.Err)
		}
		if got := f.count(`SELECT COUNT(*) FROM customers`); got != 2 {
			t.Errorf("customers while locked: got %d, want 2", got)
		}
		if err := conn.QueryRowContext(ctx, `SELECT pg_advisory_unlock($1)`, key).Scan(&got); err != nil || !got {
			t.Fatalf("pg_advisory_unlock: got %v, %v; want true", got, err)
		}
		rr = engRule(t, f.sweep(asOf, sweeper.SweepOptions{}), "account-idle-5y")
		if rr.Skipped != "" || rr.Rows != 2 {
			t.Errorf("after release: got skipped %q, %d rows; want not skipped, 2 rows", rr.Skipped, rr.Rows)
		}
		// The sweeper released its own lock again.
		if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock($1)`, key).Scan(&got); err != nil || !got {
			t.Errorf("lock after the sweep: pg_try_advisory_lock got %v, %v; want true", got, err)
		}
		conn.ExecContext(ctx, `SELECT pg_advisory_unlock_all()`)
	})

	t.Run("BatchIsAtomic", func(t *testing.T) {
		t.Parallel()
		f := setup(t, dbPostgres)
		engBatchIsAtomic(t, f, asOf, "TIMESTAMP",
			// Customer 3, in the middle of the batch, cannot be deleted.
			`CREATE FUNCTION customers_hold() RETURNS trigger LANGUAGE plpgsql AS $$
			 BEGIN
			   IF OLD.id = 3 THEN
			     RAISE EXCEPTION 'customer 3 is on legal hold';
			   END IF;
			   RETURN OLD;
			 END $$`,
			`CREATE TRIGGER customers_hold BEFORE DELETE ON customers FOR EACH ROW EXECUTE FUNCTION customers_hold()`)
	})

	t.Run("DryRunAndPlanNeedOnlySelect", func(t *testing.T) {
		t.Parallel()
		f := setup(t, dbPostgres)
		engCustomers(f)
		f.exec(`INSERT INTO customers (email, created_at) VALUES ('a@example.com', '2015-01-01 00:00:00')`)
		engAccountRule(f)
		// Roles belong to the cluster, not to the test's database.
		role := fmt.Sprintf("sweeper_ro_%d", time.Now().UnixNano()%1e9)
		base := dbtest.OpenPostgres(t, dbtest.PostgresBaseDSN())
		if _, err := base.Exec(fmt.Sprintf(`CREATE ROLE %s LOGIN PASSWORD 'ro-secret'`, role)); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			// Its grants in the test's database go first, or the role cannot be dropped.
			f.raw.Exec(`DROP OWNED BY ` + role)
			if _, err := base.Exec(`DROP ROLE ` + role); err != nil {
				t.Errorf("drop role %s: %v", role, err)
			}
		})
		f.exec(fmt.Sprintf(`GRANT CONNECT ON DATABASE %s TO %s`, pgDatabase(t, f), role),
			`GRANT USAGE ON SCHEMA public TO `+role,
			`GRANT SELECT ON ALL TABLES IN SCHEMA public TO `+role,
			// PostgreSQL 15 no longer lets everyone create in public; older
			// servers do.
			`REVOKE CREATE ON SCHEMA public FROM PUBLIC`)
		u, err := url.Parse(f.cfg.Database.DSN)
		if err != nil {
			t.Fatalf("the test database DSN is not a URL, which this test needs to set search_path: %v", err)
		}
		u.User = url.UserPassword(role, "ro-secret")
		ro, err := database.Open(ctx, "postgres", u.String(), database.Options{})
		if err != nil {
			t.Fatalf("connect as a read-only role: %v", err)
		}
		defer ro.Close()
		engReadOnly(t, f, ro, asOf)
	})
}
