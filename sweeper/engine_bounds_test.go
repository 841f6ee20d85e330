package sweeper_test

import (
	"context"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"
	"testing"
	"time"

	gomysql "github.com/go-sql-driver/mysql"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/sweeperd/sweeper/connectors/database"
	"github.com/sweeperd/sweeper/sweeper"
)

// engLockName is the name connectors/database gives a rule's MySQL lock:
// "sweeper:<database>:rule:<rule name>", hashed when longer than MySQL's 64.
func engLockName(schema, rule string) string {
	name := "rule:" + rule
	full := "sweeper:" + schema + ":" + name
	if len(full) > 64 {
		h := fnv.New64a()
		h.Write([]byte(full))
		full = fmt.Sprintf("sweeper:%x:%s", h.Sum64(), name)
		if len(full) > 64 {
			full = full[:64]
		}
	}
	return full
}

func engSchema(t *testing.T, f *fixture) string {
	t.Helper()
	cfg, err := gomysql.ParseDSN(f.cfg.Database.DSN)
	if err != nil {
		t.Fatal(err)
	}
	return cfg.DBName
}

// TestSweeper_SweepBounds holds a sweep to its bounds, docs/contract.md §3.7 (one
// sweeper per rule), §3.8 (dry run is dry) and §3.9 (bounded):
// max_rows_per_run, max_fraction, the named lock, the lock-wait timeout,
// and a dry run that writes nothing and needs only SELECT.
func TestSweeper_SweepBounds(t *testing.T) {
	asOf := engAms(2026, 11, 22, 0, 0, 0)
	ctx := context.Background()

	t.Run("MaxRowsPerRun", func(t *testing.T) {
		dialects(t, func(t *testing.T, f *fixture) {
			engCustomers(f)
			engInsertMany(f, `INSERT INTO customers (email, created_at)`, `('x@example.com', '2015-01-01 00:00:00')`, 12)
			r := engAccountRule(f)
			r.MaxRowsPerRun = 5
			r.BatchSize = 2
			for i, want := range []struct {
				rows   int
				capped bool
				left   int
			}{{5, true, 7}, {5, true, 2}, {2, false, 0}, {0, false, 0}} {
				rr := engRule(t, f.sweep(asOf, sweeper.SweepOptions{}), "account-idle-5y")
				if rr.Rows != want.rows || rr.Capped != want.capped {
					t.Errorf("run %d: got %d rows, capped %v; want %d rows, capped %v", i+1, rr.Rows, rr.Capped, want.rows, want.capped)
				}
				if got := f.count(`SELECT COUNT(*) FROM customers`); got != want.left {
					t.Errorf("run %d: customers left got %d, want %d", i+1, got, want.left)
				}
			}
			if got := engAuditCount(f); got != 12 {
				t.Errorf("audit records: got %d, want 12", got)
			}
		})
	})

	t.Run("MaxFraction", func(t *testing.T) {
		dialects(t, func(t *testing.T, f *fixture) {
			engCustomers(f)
			engInsertMany(f, `INSERT INTO customers (email, created_at)`, `('x@example.com', '2015-01-01 00:00:00')`, 8)
			engInsertMany(f, `INSERT INTO customers (email, created_at)`, `('y@example.com', '2026-01-01 00:00:00')`, 2)
			f.exec(`INSERT INTO addresses (customer_id, street) VALUES (1, 'a'), (2, 'b')`)
			engAccountRule(f)
			f.cfg.Sweeper.MaxFraction = 0.5
			before := engDump(f, "customers") + engDump(f, "addresses")
			rep, err := engSweep(f, asOf, sweeper.SweepOptions{})
			engPartial(t, err)
			rr := engRule(t, rep, "account-idle-5y")
			if rr.Err == nil || !strings.Contains(rr.Err.Error(), "max_fraction") || !strings.Contains(rr.Err.Error(), "--force") {
				t.Errorf("rule error: got %v, want one naming max_fraction and --force", rr.Err)
			}
			if rr.Rows != 0 {
				t.Errorf("rows: got %d, want 0", rr.Rows)
			}
			if after := engDump(f, "customers") + engDump(f, "addresses"); after != before {
				t.Errorf("tables after the refusal:\ngot  %s\nwant %s", after, before)
			}
			if got := engAuditCount(f); got != 0 {
				t.Errorf("audit records: got %d, want 0", got)
			}
			rep = f.sweep(asOf, sweeper.SweepOptions{Force: true})
			if got := engRule(t, rep, "account-idle-5y").Rows; got != 8 {
				t.Errorf("forced rows: got %d, want 8", got)
			}
			if got := f.count(`SELECT COUNT(*) FROM customers`); got != 2 {
				t.Errorf("customers left after --force: got %d, want 2", got)
			}
		})
	})

	t.Run("MaxFractionLetsASmallShareThrough", func(t *testing.T) {
		dialects(t, func(t *testing.T, f *fixture) {
			engCustomers(f)
			engInsertMany(f, `INSERT INTO customers (email, created_at)`, `('x@example.com', '2015-01-01 00:00:00')`, 5)
			engInsertMany(f, `INSERT INTO customers (email, created_at)`, `('y@example.com', '2026-01-01 00:00:00')`, 5)
			engAccountRule(f)
			f.cfg.Sweeper.MaxFraction = 0.5
			if got := engRule(t, f.sweep(asOf, sweeper.SweepOptions{}), "account-idle-5y").Rows; got != 5 {
				t.Errorf("rows at exactly max_fraction: got %d, want 5", got)
			}
		})
	})

	t.Run("NamedLock", func(t *testing.T) {
		seed := func(f *fixture) {
			engCustomers(f)
			f.exec(`INSERT INTO customers (email, created_at) VALUES ('a@example.com', '2015-01-01 00:00:00'), ('b@example.com', '2015-01-01 00:00:00')`)
			engAccountRule(f)
		}
		skipped := func(t *testing.T, f *fixture) {
			t.Helper()
			rr := engRule(t, f.sweep(asOf, sweeper.SweepOptions{}), "account-idle-5y")
			if rr.Skipped == "" || rr.Rows != 0 || rr.Err != nil {
				t.Errorf("while locked: got skipped %q, %d rows, error %v; want skipped, 0 rows, no error", rr.Skipped, rr.Rows, rr.Err)
			}
			if got := f.count(`SELECT COUNT(*) FROM customers`); got != 2 {
				t.Errorf("customers while locked: got %d, want 2", got)
			}
		}
		runs := func(t *testing.T, f *fixture) {
			t.Helper()
			rr := engRule(t, f.sweep(asOf, sweeper.SweepOptions{}), "account-idle-5y")
			if rr.Skipped != "" || rr.Rows != 2 {
				t.Errorf("after release: got skipped %q, %d rows; want not skipped, 2 rows", rr.Skipped, rr.Rows)
			}
		}
		t.Run("mysql", func(t *testing.T) {
			f := setup(t, dbMySQL)
			seed(f)
			conn, err := f.raw.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			name := engLockName(engSchema(t, f), "account-idle-5y")
			var got int
			if err := conn.QueryRowContext(ctx, `SELECT GET_LOCK(?, 0)`, name).Scan(&got); err != nil || got != 1 {
				t.Fatalf("GET_LOCK(%q): got %d, %v; want 1", name, got, err)
			}
			skipped(t, f)
			if err := conn.QueryRowContext(ctx, `SELECT RELEASE_LOCK(?)`, name).Scan(&got); err != nil || got != 1 {
				t.Fatalf("RELEASE_LOCK: got %d, %v; want 1", got, err)
			}
			runs(t, f)
			// The sweeper released its own lock again.
			if err := conn.QueryRowContext(ctx, `SELECT IS_FREE_LOCK(?)`, name).Scan(&got); err != nil || got != 1 {
				t.Errorf("lock after the sweep: IS_FREE_LOCK got %d, %v; want 1", got, err)
			}
		})
		t.Run("sqlite", func(t *testing.T) {
			f := setup(t, dbSQLite)
			seed(f)
			release, ok, err := f.store.TryLock(ctx, "rule:account-idle-5y")
			if err != nil || !ok {
				t.Fatalf("TryLock: got %v, %v; want the lock", ok, err)
			}
			skipped(t, f)
			release()
			runs(t, f)
		})
		// A second sweeper on the same database skips the rule while the first
		// is in the middle of it.
		t.Run("SecondSweeperSkips", func(t *testing.T) {
			dialects(t, func(t *testing.T, f *fixture) {
				seed(f)
				other, err := database.Open(ctx, f.cfg.Database.Driver, f.cfg.Database.DSN, database.Options{})
				if err != nil {
					t.Fatal(err)
				}
				defer other.Close()
				second := &sweeper.Sweeper{Config: f.cfg, Store: other, Log: zap.NewNop()}
				type result struct {
					rep *sweeper.Report
					err error
				}
				var inner *result
				sweeper.SetBeforeLock(f.sw, func(string, []any) {
					if inner != nil {
						return
					}
					r := engAsync(t, 30*time.Second, func() result {
						rep, err := second.Sweep(ctx, sweeper.SweepOptions{AsOf: asOf})
						return result{rep, err}
					})
					inner = &r
				})
				rr := engRule(t, f.sweep(asOf, sweeper.SweepOptions{}), "account-idle-5y")
				if rr.Rows != 2 {
					t.Errorf("first sweeper rows: got %d, want 2", rr.Rows)
				}
				if inner == nil {
					t.Fatalf("second sweeper: did not run")
				}
				if inner.err != nil {
					t.Fatalf("second sweeper: %v", inner.err)
				}
				if ir := engRule(t, inner.rep, "account-idle-5y"); ir.Skipped == "" || ir.Rows != 0 {
					t.Errorf("second sweeper: got skipped %q, %d rows; want skipped, 0 rows", ir.Skipped, ir.Rows)
				}
			})
		})
	})

	t.Run("LockWaitTimeout", func(t *testing.T) {
		f := setup(t, dbMySQL)
		logs, recorded := observer.New(zap.DebugLevel)
		f.sw.Log = zap.New(logs)
		// The store logs slow and failed statements: here, each attempt's lock wait.
		engReopen(t, f, time.Second, f.sw.Log)
		engCustomers(f)
		f.exec(`INSERT INTO customers (email, created_at) VALUES
				('a@example.com', '2015-01-01 00:00:00'), ('b@example.com', '2015-01-01 00:00:00'), ('c@example.com', '2015-01-01 00:00:00')`,
			`INSERT INTO addresses (customer_id, street) VALUES (1, 'a'), (2, 'b'), (3, 'c')`)
		engAccountRule(f)
		// The shop holds customer 2 in a transaction of its own.
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
		type result struct {
			rep *sweeper.Report
			err error
		}
		res := engAsync(t, 60*time.Second, func() result {
			rep, err := engSweep(f, asOf, sweeper.SweepOptions{})
			return result{rep, err}
		})
		engPartial(t, res.err)
		rr := engRule(t, res.rep, "account-idle-5y")
		if rr.Err == nil || rr.Rows != 0 {
			t.Errorf("while the shop holds a row: got %d rows, error %v; want 0 rows and an error", rr.Rows, rr.Err)
		}
		// Each attempt waits the whole lock wait timeout, which is also the
		// store's slow-statement threshold: one db.slow (or db.error) line each.
		attempts := recorded.FilterField(zap.String("event", "db.slow")).Len() + recorded.FilterField(zap.String("event", "db.error")).Len()
		retries := recorded.FilterField(zap.String("event", "rule.retry")).Len()
		if attempts < 2 || retries < 1 {
			t.Errorf("attempts and retries: got %d and %d, want at least 2 and 1 (a lock wait is retried)", attempts, retries)
		}
		t.Run("NoRetryAfterTheLastAttempt", func(t *testing.T) {
			// "batch rolled back, retrying" belongs before each attempt after the
			// first; after the last one nothing is retried (nor waited for).
			if !strings.Contains(rr.Err.Error(), "after 3 attempts") {
				t.Errorf("rule error: got %v, want it to say it gave up after 3 attempts", rr.Err)
			}
			if retries != 2 {
				t.Errorf("retries logged: got %d, want 2 (attempts - 1)", retries)
			}
		})
		if after := engDump(f, "customers") + engDump(f, "addresses"); after != before {
			t.Errorf("tables after the timeout:\ngot  %s\nwant %s", after, before)
		}
		if got := engAuditCount(f); got != 0 {
			t.Errorf("audit records: got %d, want 0", got)
		}
		if err := shop.Rollback(); err != nil {
			t.Fatal(err)
		}
		res = engAsync(t, 60*time.Second, func() result {
			rep, err := engSweep(f, asOf, sweeper.SweepOptions{})
			return result{rep, err}
		})
		if res.err != nil {
			t.Fatalf("sweep after the shop's rollback: %v", res.err)
		}
		if got := engRule(t, res.rep, "account-idle-5y").Rows; got != 3 {
			t.Errorf("rows after the shop's rollback: got %d, want 3", got)
		}
	})

	t.Run("DryRunWritesNothing", func(t *testing.T) {
		dialects(t, func(t *testing.T, f *fixture) {
			engCustomers(f)
			f.exec(`CREATE TABLE contacts (id AUTO_PK, phone VARCHAR(30) NULL, created_at DATETIME NOT NULL)`,
				`INSERT INTO contacts (phone, created_at) VALUES ('06', '2020-01-01 00:00:00'), ('07', '2026-11-01 00:00:00'), ('08', '2020-01-01 00:00:00')`,
				`INSERT INTO customers (email, created_at) VALUES ('a@example.com', '2015-01-01 00:00:00'), ('b@example.com', '2026-01-01 00:00:00'), ('c@example.com', '2015-01-01 00:00:00')`,
				`INSERT INTO addresses (customer_id, street) VALUES (1, 'a'), (1, 'a2'), (2, 'b'), (3, 'c')`,
				`INSERT INTO orders (customer_id, total, created_at) VALUES (1, 1, '2019-01-01'), (2, 2, '2019-01-01')`)
			engAccountRule(f)
			f.rule(sweeper.Rule{Name: "contacts-6m", Table: "contacts", AgeColumns: []string{"created_at"}, OlderThan: months(6),
				Action: sweeper.ActionAnonymise, Anonymise: []sweeper.ColumnStrategy{{Column: "phone", Strategy: sweeper.StrategyNull}}})
			snapshot := func() string {
				var sb strings.Builder
				sb.WriteString(strings.Join(engTables(f), ",") + "\n")
				for _, tb := range []string{"customers", "addresses", "orders", "contacts"} {
					sb.WriteString(engDump(f, tb))
					if f.dialect == dbMySQL {
						rows, err := f.raw.Query("CHECKSUM TABLE " + tb)
						if err != nil {
							t.Fatal(err)
						}
						for rows.Next() {
							var name string
							var sum int64
							if err := rows.Scan(&name, &sum); err != nil {
								t.Fatal(err)
							}
							fmt.Fprintf(&sb, "checksum %s %d\n", name, sum)
						}
						rows.Close()
					}
				}
				return sb.String()
			}
			before := snapshot()
			rep := f.sweep(asOf, sweeper.SweepOptions{DryRun: true})
			if !rep.DryRun {
				t.Errorf("report dry_run: got false, want true")
			}
			rr := engRule(t, rep, "account-idle-5y")
			if rr.Rows != 2 {
				t.Errorf("dry run customers: got %d rows, want 2", rr.Rows)
			}
			if want := []sweeper.RelatedCount{{Table: "addresses", Action: sweeper.ActionDelete, Rows: 3}, {Table: "orders", Action: sweeper.ActionDetach, Rows: 1}}; !slices.Equal(rr.Related, want) {
				t.Errorf("dry run related: got %+v, want %+v", rr.Related, want)
			}
			if got := engRule(t, rep, "contacts-6m").Rows; got != 2 {
				t.Errorf("dry run contacts: got %d rows, want 2", got)
			}
			if after := snapshot(); after != before {
				t.Errorf("database after the dry run:\ngot  %s\nwant %s", after, before)
			}
			if _, err := f.sw.Plan(ctx, sweeper.PlanOptions{AsOf: asOf}); err != nil {
				t.Fatalf("plan: %v", err)
			}
			if after := snapshot(); after != before {
				t.Errorf("database after the plan:\ngot  %s\nwant %s", after, before)
			}
			for _, tb := range []string{"sweeper_audit", "sweeper_locks"} {
				if engHasTable(f, tb) {
					t.Errorf("table %s after dry run and plan: got it, want none", tb)
				}
			}
			// The real sweep does what the dry run said.
			rep = f.sweep(asOf, sweeper.SweepOptions{})
			if got := engRule(t, rep, "account-idle-5y").Rows; got != 2 {
				t.Errorf("real sweep: got %d rows, want 2 as the dry run said", got)
			}
		})
	})

	t.Run("DryRunAndPlanNeedOnlySelect", func(t *testing.T) {
		// A database user that may only read: any write would fail.
		f := setup(t, dbMySQL)
		engCustomers(f)
		f.exec(`INSERT INTO customers (email, created_at) VALUES ('a@example.com', '2015-01-01 00:00:00')`)
		engAccountRule(f)
		engReadOnly(t, f, engSelectOnlyStore(t, f), asOf)
	})
}
