package sweeper_test

import (
	"context"
	"fmt"
	"hash/fnv"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	gomysql "github.com/go-sql-driver/mysql"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/sweeperd/sweeper/connectors/database"
	"github.com/sweeperd/sweeper/sweeper"
)

// engCustomers creates customers with addresses (NOT NULL foreign key) and
// orders (nullable foreign key), the shape of SPEC §2's account rule.
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
			{Table: "addresses", ForeignKey: "customer_id", Action: sweeper.ActionDelete},
			{Table: "orders", ForeignKey: "customer_id", Action: sweeper.ActionDetach},
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

// rechecksUnderTheShopsLock is SweepBatches/RechecksUnderTheShopsLock on
// f's dialect: a customer who logs in, in a transaction the shop commits
// only once the sweep's locking read waits for it, is not deleted. whenLocked
// runs its fn once the sweep waits (engWhenLockingRead, pgWhenWaitingForLock).
func rechecksUnderTheShopsLock(t *testing.T, f *fixture, related bool, whenLocked func(*fixture, time.Duration, func() error) error) {
	asOf := engAms(2026, 11, 22, 0, 0, 0)
	ctx := context.Background()
	engCustomers(f)
	f.exec(`INSERT INTO customers (email, created_at) VALUES
				('a@example.com', '2015-01-01 00:00:00'), ('b@example.com', '2015-01-01 00:00:00'), ('c@example.com', '2015-01-01 00:00:00')`,
		`INSERT INTO addresses (customer_id, street) VALUES (1, 'a'), (2, 'b'), (3, 'c')`)
	r := engAccountRule(f)
	if !related {
		r.Related = nil
	}
	shop, err := f.raw.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer shop.Rollback()
	committed := make(chan error, 1)
	calls := 0
	sweeper.SetBeforeLock(f.sw, func(string, []any) {
		calls++
		if calls > 1 {
			return
		}
		if _, err := shop.Exec(`UPDATE customers SET last_login_at = '2026-11-21 18:00:00' WHERE id = 2`); err != nil {
			t.Errorf("shop's login: %v", err)
		}
		go func() { committed <- whenLocked(f, 20*time.Second, shop.Commit) }()
	})
	type result struct {
		rep *sweeper.Report
		err error
	}
	res := engAsync(t, 60*time.Second, func() result {
		rep, err := engSweep(f, asOf, sweeper.SweepOptions{})
		return result{rep, err}
	})
	select {
	case err := <-committed:
		if err != nil {
			t.Fatalf("shop's commit: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("shop's commit: still waiting after 30s")
	}
	if res.err != nil {
		t.Fatalf("sweep: %v", res.err)
	}
	if got := engRule(t, res.rep, "account-idle-5y").Rows; got != 2 {
		t.Errorf("rows: got %d, want 2", got)
	}
	engWantIDs(t, f, "customers left", `SELECT id FROM customers ORDER BY id`, 2)
	if related {
		engWantIDs(t, f, "addresses left", `SELECT id FROM addresses ORDER BY id`, 2)
	}
	if got := f.count(`SELECT COUNT(*) FROM sweeper_audit WHERE row_key = '2'`); got != 0 {
		t.Errorf("audit records of customer 2: got %d, want 0", got)
	}
}

// TestSweeper_SweepBatches holds the batch loop to SPEC §3.3 (atomic batches
// that re-check), §3.4 (idempotent), §3.7 (one sweeper per rule), §3.8 (dry
// run is dry), §3.9 (bounded) and §3.10 (audit).
func TestSweeper_SweepBatches(t *testing.T) {
	asOf := engAms(2026, 11, 22, 0, 0, 0)
	ctx := context.Background()

	t.Run("RechecksRowsItLocks", func(t *testing.T) {
		dialects(t, func(t *testing.T, f *fixture) {
			engCustomers(f)
			f.exec(`INSERT INTO customers (email, last_login_at, created_at) VALUES
					('a@example.com', '2019-01-01 00:00:00', '2015-01-01 00:00:00'),
					('b@example.com', '2019-01-01 00:00:00', '2015-01-01 00:00:00'),
					('c@example.com', NULL, '2015-01-01 00:00:00'),
					('d@example.com', NULL, '2015-01-01 00:00:00')`,
				`INSERT INTO addresses (customer_id, street) VALUES (1, 'Hoofdstraat 1'), (2, 'Kerkweg 2'), (3, 'Dorpsplein 3'), (4, 'Markt 4')`,
				`INSERT INTO orders (customer_id, total, created_at) VALUES (2, 10, '2019-01-01 00:00:00'), (3, 20, '2019-01-01 00:00:00')`)
			engAccountRule(f)
			seen := make(chan []any, 10)
			sweeper.SetBeforeLock(f.sw, func(rule string, keys []any) {
				seen <- keys
				// The shop, between the sweeper's read and its lock: customer 2
				// logs in, customer 3 opens a dispute.
				if _, err := f.raw.Exec(`UPDATE customers SET last_login_at = '2026-11-21 18:00:00' WHERE id = 2`); err != nil {
					t.Errorf("login: %v", err)
				}
				if _, err := f.raw.Exec(`UPDATE customers SET status = 'disputed' WHERE id = 3`); err != nil {
					t.Errorf("dispute: %v", err)
				}
			})
			rep := f.sweep(asOf, sweeper.SweepOptions{})
			select {
			case keys := <-seen:
				if got := fmt.Sprint(keys); got != "[1 2 3 4]" {
					t.Errorf("candidates: got %s, want [1 2 3 4]", got)
				}
			default:
				t.Fatalf("before-lock hook: not called, want called once")
			}
			rr := engRule(t, rep, "account-idle-5y")
			if rr.Rows != 2 {
				t.Errorf("rows: got %d, want 2", rr.Rows)
			}
			engWantIDs(t, f, "customers left", `SELECT id FROM customers ORDER BY id`, 2, 3)
			engWantIDs(t, f, "addresses left", `SELECT id FROM addresses ORDER BY id`, 2, 3)
			engWantIDs(t, f, "orders still attached", `SELECT id FROM orders WHERE customer_id IS NOT NULL ORDER BY id`, 1, 2)
			if got := engStrings(f, `SELECT row_key FROM sweeper_audit WHERE table_name = 'customers' ORDER BY row_key`); !slices.Equal(got, []string{"1", "4"}) {
				t.Errorf("audited customers: got %v, want [1 4]", got)
			}
			if got := engStrings(f, `SELECT row_key FROM sweeper_audit WHERE table_name = 'addresses' ORDER BY row_key`); !slices.Equal(got, []string{"1", "4"}) {
				t.Errorf("audited addresses: got %v, want [1 4]", got)
			}
		})
	})

	t.Run("RechecksUnderTheShopsLock", func(t *testing.T) {
		// The shop's transaction has changed a candidate but not committed when
		// the batch locks it: the batch waits, then re-checks what was committed.
		// A rule with related rows locks with a SELECT ... FOR UPDATE; one
		// without, with its audit records' INSERT ... SELECT ... FOR UPDATE.
		for _, related := range []bool{true, false} {
			t.Run(fmt.Sprintf("related=%v", related), func(t *testing.T) {
				rechecksUnderTheShopsLock(t, setup(t, dbMySQL), related, engWhenLockingRead)
			})
		}
	})

	t.Run("RowOfTheRangeBecomesDueAfterTheLock", func(t *testing.T) {
		// A sweep's batch acts on its key range and condition, not on a key
		// list. A row of the range that was not due at the locking read (so
		// not locked) and is due when the DELETE runs would be deleted
		// without an audit record: the count check must roll the batch back,
		// and the retry takes the row with its record. A rule whose
		// condition has a subquery goes by key and leaves the row for the
		// next run. Not on SQLite, whose writer holds the whole database.
		for _, tc := range []struct {
			name, where      string
			wantLeft         []int64
			wantAudit        []string
			wantLockingReads int
		}{
			{"Range", "status <> 'disputed'", nil, []string{"1", "2", "3", "4"}, 2},
			{"ByKeyWithSubquery", "status <> 'disputed' AND id NOT IN (SELECT customer_id FROM orders WHERE total < 0)",
				[]int64{2}, []string{"1", "3", "4"}, 1},
		} {
			for _, d := range []dbKind{dbMySQL, dbPostgres} {
				t.Run(tc.name+"/"+string(d), func(t *testing.T) {
					f := setup(t, d)
					engCustomers(f)
					f.exec(`INSERT INTO customers (email, status, created_at) VALUES
							('a@example.com', 'ok', '2015-01-01 00:00:00'), ('b@example.com', 'disputed', '2015-01-01 00:00:00'),
							('c@example.com', 'ok', '2015-01-01 00:00:00'), ('d@example.com', 'ok', '2015-01-01 00:00:00')`,
						`INSERT INTO addresses (customer_id, street) VALUES (1, 'a'), (2, 'b'), (3, 'c'), (4, 'd')`)
					r := engAccountRule(f)
					r.Where = tc.where
					reads := 0
					sweeper.SetAfterLock(f.sw, func(string) {
						reads++
						if reads > 1 {
							return
						}
						// The dispute of customer 2 is settled and committed while
						// the batch holds customers 1, 3 and 4.
						if _, err := f.raw.Exec(`UPDATE customers SET status = 'ok' WHERE id = 2`); err != nil {
							t.Errorf("settle dispute: %v", err)
						}
					})
					rep, err := engSweep(f, asOf, sweeper.SweepOptions{})
					if err != nil {
						t.Fatalf("sweep: %v", err)
					}
					rr := engRule(t, rep, "account-idle-5y")
					if rr.Err != nil || rr.Rows != len(tc.wantAudit) {
						t.Errorf("rule: got %d rows, error %v; want %d rows, no error", rr.Rows, rr.Err, len(tc.wantAudit))
					}
					if reads != tc.wantLockingReads {
						t.Errorf("locking reads: got %d, want %d", reads, tc.wantLockingReads)
					}
					engWantIDs(t, f, "customers left", `SELECT id FROM customers ORDER BY id`, tc.wantLeft...)
					engWantIDs(t, f, "addresses left", `SELECT id FROM addresses ORDER BY id`, tc.wantLeft...)
					for _, table := range []string{"customers", "addresses"} {
						got := engStrings(f, `SELECT row_key FROM sweeper_audit WHERE table_name = '`+table+`' ORDER BY row_key`)
						if !slices.Equal(got, tc.wantAudit) {
							t.Errorf("audited %s: got %v, want %v", table, got, tc.wantAudit)
						}
					}
				})
			}
		}
	})

	t.Run("StoredFunctionReadingAnotherTableGoesByKey", func(t *testing.T) {
		// A condition that calls a stored function may read other tables
		// through it, like a subquery: a locked row can turn not due and an
		// unlocked one due between the batch's statements. Should both
		// happen, a statement over the range and the condition touches as
		// many rows as were locked, but not the same ones: the count check
		// cannot see it. Such a rule goes by key: the rows locked as due go,
		// with their records, and no other. PostgreSQL's "TABLE name" is a
		// subquery without the word SELECT.
		for _, tc := range []struct {
			name  string
			d     dbKind
			fn    string
			where string
		}{
			{"mysql", dbMySQL, `CREATE FUNCTION has_dispute(cid BIGINT) RETURNS INT READS SQL DATA
				RETURN (SELECT COUNT(*) FROM disputes WHERE customer_id = cid) > 0`, "NOT has_dispute(id)"},
			{"postgres", dbPostgres, `CREATE FUNCTION has_dispute(cid BIGINT) RETURNS BOOLEAN LANGUAGE sql STABLE
				AS $$ SELECT EXISTS (SELECT 1 FROM disputes WHERE customer_id = cid) $$`, "NOT has_dispute(id)"},
			{"postgres/TableSubquery", dbPostgres, "", "id NOT IN (TABLE disputes)"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				f := setup(t, tc.d)
				engCustomers(f)
				f.exec(`CREATE TABLE disputes (customer_id BIGINT NOT NULL)`)
				if tc.fn != "" {
					f.exec(tc.fn)
				}
				f.exec(`INSERT INTO customers (email, created_at) VALUES
						('a@example.com', '2015-01-01 00:00:00'), ('b@example.com', '2015-01-01 00:00:00'),
						('c@example.com', '2015-01-01 00:00:00')`,
					`INSERT INTO disputes (customer_id) VALUES (2)`)
				f.rule(sweeper.Rule{Name: "account-idle-5y", Table: "customers", AgeColumns: []string{"created_at"},
					OlderThan: years(5), Where: tc.where, Action: sweeper.ActionDelete})
				reads := 0
				sweeper.SetAfterLock(f.sw, func(string) {
					if reads++; reads > 1 {
						return
					}
					// With customers 1 and 3 locked: customer 1 opens a
					// dispute, customer 2's is settled.
					if _, err := f.raw.Exec(`INSERT INTO disputes (customer_id) VALUES (1)`); err != nil {
						t.Errorf("open dispute: %v", err)
					}
					if _, err := f.raw.Exec(`DELETE FROM disputes WHERE customer_id = 2`); err != nil {
						t.Errorf("settle dispute: %v", err)
					}
				})
				rep, err := engSweep(f, asOf, sweeper.SweepOptions{})
				if err != nil {
					t.Fatalf("sweep: %v", err)
				}
				if rr := engRule(t, rep, "account-idle-5y"); rr.Err != nil || rr.Rows != 2 {
					t.Errorf("rule: got %d rows, error %v; want 2 rows, no error", rr.Rows, rr.Err)
				}
				engWantIDs(t, f, "customers left", `SELECT id FROM customers ORDER BY id`, 2)
				if got := engStrings(f, `SELECT row_key FROM sweeper_audit ORDER BY row_key`); !slices.Equal(got, []string{"1", "3"}) {
					t.Errorf("audited: got %v, want [1 3]", got)
				}
			})
		}
	})

	t.Run("RowOfTheRangeDueBeforeTheLockKeepsTheCap", func(t *testing.T) {
		// The locking read of a range finds a row that became due after the
		// candidates were read; max_rows_per_run still holds.
		dialects(t, func(t *testing.T, f *fixture) {
			engCustomers(f)
			f.exec(`INSERT INTO customers (email, status, created_at) VALUES
					('a@example.com', 'ok', '2015-01-01 00:00:00'), ('b@example.com', 'disputed', '2015-01-01 00:00:00'),
					('c@example.com', 'ok', '2015-01-01 00:00:00'), ('d@example.com', 'ok', '2015-01-01 00:00:00')`)
			r := engAccountRule(f)
			r.Related = nil
			r.MaxRowsPerRun = 2
			calls := 0
			sweeper.SetBeforeLock(f.sw, func(_ string, keys []any) {
				calls++
				if calls > 1 {
					return
				}
				if got := fmt.Sprint(keys); got != "[1 3]" {
					t.Errorf("candidates: got %s, want [1 3]", got)
				}
				if _, err := f.raw.Exec(`UPDATE customers SET status = 'ok' WHERE id = 2`); err != nil {
					t.Errorf("settle dispute: %v", err)
				}
			})
			rr := engRule(t, f.sweep(asOf, sweeper.SweepOptions{}), "account-idle-5y")
			if rr.Rows != 2 || !rr.Capped {
				t.Errorf("rule: got %d rows, capped %v; want 2 rows, capped", rr.Rows, rr.Capped)
			}
			engWantIDs(t, f, "customers left", `SELECT id FROM customers ORDER BY id`, 3, 4)
			if got := engStrings(f, `SELECT row_key FROM sweeper_audit ORDER BY row_key`); !slices.Equal(got, []string{"1", "2"}) {
				t.Errorf("audited: got %v, want [1 2]", got)
			}
		})
	})

	t.Run("SecondSweepChangesNothing", func(t *testing.T) {
		dialects(t, func(t *testing.T, f *fixture) {
			engCustomers(f)
			f.exec(`CREATE TABLE contacts (id AUTO_PK, phone VARCHAR(30) NULL, salutation VARCHAR(20) NULL, note VARCHAR(100) NULL,
					name VARCHAR(100) NULL, email VARCHAR(100) NOT NULL, created_at DATETIME NOT NULL)`,
				`CREATE UNIQUE INDEX contacts_email ON contacts (email)`,
				`INSERT INTO customers (email, last_login_at, created_at) VALUES
					('a@example.com', NULL, '2015-01-01 00:00:00'), ('b@example.com', '2026-01-01 00:00:00', '2015-01-01 00:00:00')`,
				`INSERT INTO addresses (customer_id, street) VALUES (1, 'Hoofdstraat 1'), (2, 'Kerkweg 2')`,
				`INSERT INTO orders (customer_id, total, created_at) VALUES (1, 10, '2019-01-01 00:00:00')`,
				`INSERT INTO contacts (phone, salutation, note, name, email, created_at) VALUES
					('0611111111', 'Dhr.', 'belt na 17u', 'Jan Jansen', 'jan@example.com', '2020-01-01 00:00:00'),
					(NULL, NULL, NULL, 'Jan Jansen', 'jan2@example.com', '2020-01-02 00:00:00'),
					('0622222222', '', 'x', NULL, 'piet@example.com', '2020-01-03 00:00:00'),
					('0633333333', 'Mevr.', 'recent', 'Els de Vries', 'els@example.com', '2026-11-01 00:00:00')`)
			engAccountRule(f)
			f.rule(sweeper.Rule{Name: "contacts-6m", Table: "contacts", AgeColumns: []string{"created_at"}, OlderThan: months(6),
				Action: sweeper.ActionAnonymise, Anonymise: []sweeper.ColumnStrategy{
					{Column: "email", Strategy: sweeper.StrategyEmail},
					{Column: "name", Strategy: sweeper.StrategyHash},
					{Column: "note", Strategy: sweeper.StrategyRedact},
					{Column: "phone", Strategy: sweeper.StrategyNull},
					{Column: "salutation", Strategy: sweeper.StrategyEmpty},
				}})
			rep := f.sweep(asOf, sweeper.SweepOptions{})
			if got := engRule(t, rep, "account-idle-5y").Rows; got != 1 {
				t.Errorf("first sweep, customers: got %d, want 1", got)
			}
			if got := engRule(t, rep, "contacts-6m").Rows; got != 3 {
				t.Errorf("first sweep, contacts: got %d, want 3", got)
			}
			// What each strategy wrote; a NULL stays NULL.
			got := engStrings(f, engConcat(f, "contacts", "phone", "salutation", "note", "email"))
			want := []string{
				"NULL||[verwijderd]|deleted-1@invalid.invalid",
				"NULL|NULL|NULL|deleted-2@invalid.invalid",
				"NULL||[verwijderd]|deleted-3@invalid.invalid",
				"0633333333|Mevr.|recent|els@example.com",
			}
			if !slices.Equal(got, want) {
				t.Errorf("contacts after the first sweep:\ngot  %q\nwant %q", got, want)
			}
			names := engStrings(f, `SELECT COALESCE(name, 'NULL') FROM contacts ORDER BY id`)
			if len(names) != 4 || !strings.HasPrefix(names[0], "hmac:") || names[0] != names[1] || names[2] != "NULL" || names[3] != "Els de Vries" {
				t.Errorf("hashed names: got %q, want [hmac:X hmac:X NULL Els de Vries]", names)
			}
			audits := engAuditCount(f)

			tables := []string{"customers", "addresses", "orders", "contacts", "sweeper_audit"}
			before := map[string]string{}
			for _, tb := range tables {
				before[tb] = engDump(f, tb)
			}
			// Right after, and the next day: nothing is selected again.
			for _, at := range []time.Time{asOf, asOf.AddDate(0, 0, 1)} {
				rep = f.sweep(at, sweeper.SweepOptions{})
				for _, rr := range rep.Rules {
					if rr.Rows != 0 || rr.Batches != 0 {
						t.Errorf("sweep at %v, rule %s: got %d rows in %d batches, want 0 in 0", at, rr.Name, rr.Rows, rr.Batches)
					}
				}
				for _, tb := range tables {
					if after := engDump(f, tb); after != before[tb] {
						t.Errorf("sweep at %v changed %s:\ngot  %s\nwant %s", at, tb, after, before[tb])
					}
				}
				if got := engAuditCount(f); got != audits {
					t.Errorf("sweep at %v: audit records got %d, want %d", at, got, audits)
				}
			}
		})
	})

	t.Run("BatchesAndAuditRecords", func(t *testing.T) {
		dialects(t, func(t *testing.T, f *fixture) {
			engCustomers(f)
			f.exec(`CREATE TABLE contacts (id AUTO_PK, phone VARCHAR(30) NULL, salutation VARCHAR(20) NULL, email VARCHAR(100) NULL, created_at DATETIME NOT NULL)`,
				`INSERT INTO contacts (phone, salutation, email, created_at) VALUES
					('0611111111', 'Dhr.', 'a@example.com', '2020-01-01 00:00:00'), ('0622222222', 'Mevr.', 'b@example.com', '2020-01-01 00:00:00')`)
			engInsertMany(f, `INSERT INTO customers (email, created_at)`, `('x@example.com', '2015-01-01 00:00:00')`, 2500)
			engInsertMany(f, `INSERT INTO customers (email, created_at)`, `('y@example.com', '2026-01-01 00:00:00')`, 10)
			engAccountRule(f)
			f.rule(sweeper.Rule{Name: "contacts-6m", Table: "contacts", AgeColumns: []string{"created_at"}, OlderThan: months(6),
				Action: sweeper.ActionAnonymise, Anonymise: []sweeper.ColumnStrategy{
					{Column: "email", Strategy: sweeper.StrategyHash},
					{Column: "phone", Strategy: sweeper.StrategyNull},
					{Column: "salutation", Strategy: sweeper.StrategyRedact},
				}})
			// The sweeper's own clock, later than the as-of: the records carry it.
			now := asOf.Add(5 * time.Hour)
			f.sw.Now = func() time.Time { return now }
			rep := f.sweep(asOf, sweeper.SweepOptions{})
			rr := engRule(t, rep, "account-idle-5y")
			if rr.Rows != 2500 || rr.Batches != 3 {
				t.Errorf("customers: got %d rows in %d batches, want 2500 in 3", rr.Rows, rr.Batches)
			}
			if got := f.count(`SELECT COUNT(*) FROM customers`); got != 10 {
				t.Errorf("customers left: got %d, want 10", got)
			}
			recs := engAudit(f, rep.RunID)
			if len(recs) != 2502 {
				t.Fatalf("audit records of the run: got %d, want 2502", len(recs))
			}
			if all := engAudit(f, ""); len(all) != 2502 {
				t.Errorf("audit records: got %d, want 2502", len(all))
			}
			keys := map[string]bool{}
			var anon []string
			for _, r := range recs {
				if r.RunID != rep.RunID {
					t.Fatalf("run_id: got %q, want %q", r.RunID, rep.RunID)
				}
				if !r.At.Equal(now) || r.At.Location() != time.UTC {
					t.Fatalf("at: got %v, want the sweeper's clock %v in UTC, not the as-of", r.At, now.UTC())
				}
				switch r.Table {
				case "customers":
					if r.Rule != "account-idle-5y" || r.Action != "delete" || r.Detail != "" {
						t.Fatalf("customer record: got %+v, want rule account-idle-5y, action delete, no detail", r)
					}
					keys[r.RowKey] = true
				case "contacts":
					if r.Rule != "contacts-6m" || r.Action != "anonymise" || r.Detail != "email,phone,salutation" {
						t.Fatalf("contact record: got %+v, want rule contacts-6m, action anonymise, detail email,phone,salutation", r)
					}
					anon = append(anon, r.RowKey)
				default:
					t.Fatalf("record of table %q, want customers or contacts", r.Table)
				}
			}
			for i := 1; i <= 2500; i++ {
				if !keys[strconv.Itoa(i)] {
					t.Fatalf("audit record of customer %d: missing", i)
				}
			}
			if len(keys) != 2500 {
				t.Errorf("distinct customer keys: got %d, want 2500", len(keys))
			}
			if !slices.Equal(anon, []string{"1", "2"}) {
				t.Errorf("anonymised keys: got %v, want [1 2]", anon)
			}
			// The records hold keys, never the personal data.
			if got := f.count(`SELECT COUNT(*) FROM sweeper_audit WHERE detail LIKE '%example.com%' OR row_key LIKE '%@%'`); got != 0 {
				t.Errorf("audit records holding an address: got %d, want 0", got)
			}
		})
	})

	t.Run("BatchIsAtomic", func(t *testing.T) {
		f := setup(t, dbMySQL)
		engBatchIsAtomic(t, f, asOf, "DATETIME",
			// Customer 3, in the middle of the batch, cannot be deleted.
			`CREATE TRIGGER customers_hold BEFORE DELETE ON customers FOR EACH ROW
			 BEGIN
			   IF OLD.id = 3 THEN
			     SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'customer 3 is on legal hold';
			   END IF;
			 END`)
	})

	t.Run("RelatedAnonymise", func(t *testing.T) {
		dialects(t, func(t *testing.T, f *fixture) {
			f.exec(`CREATE TABLE customers (id AUTO_PK, created_at DATETIME NOT NULL)`,
				`CREATE TABLE profiles (id AUTO_PK, customer_id BIGINT NULL, nickname VARCHAR(50) NULL, phone VARCHAR(30) NULL,
					email VARCHAR(100) NULL, name VARCHAR(100) NULL, bio VARCHAR(200) NULL)`,
				`INSERT INTO customers (created_at) VALUES ('2015-01-01 00:00:00'), ('2026-01-01 00:00:00')`,
				`INSERT INTO profiles (customer_id, nickname, phone, email, name, bio) VALUES
					(1, 'jj', '0611111111', 'jan@example.com', 'Jan', 'hallo'),
					(2, 'els', '0622222222', 'els@example.com', 'Els', 'hoi'),
					(1, NULL, NULL, NULL, NULL, NULL)`)
			f.rule(sweeper.Rule{Name: "account", Table: "customers", AgeColumns: []string{"created_at"}, OlderThan: years(5),
				Action: sweeper.ActionDelete, Related: []sweeper.Related{{Table: "profiles", ForeignKey: "customer_id",
					Action: sweeper.ActionAnonymise, Anonymise: []sweeper.ColumnStrategy{
						{Column: "bio", Strategy: sweeper.StrategyEmpty},
						{Column: "email", Strategy: sweeper.StrategyEmail},
						{Column: "name", Strategy: sweeper.StrategyHash},
						{Column: "nickname", Strategy: sweeper.StrategyRedact},
						{Column: "phone", Strategy: sweeper.StrategyNull},
					}}}})
			rep := f.sweep(asOf, sweeper.SweepOptions{})
			rr := engRule(t, rep, "account")
			if rr.Rows != 1 || len(rr.Related) != 1 || rr.Related[0].Rows != 2 {
				t.Errorf("report: got %d rows, related %+v, want 1 row and 2 profiles", rr.Rows, rr.Related)
			}
			got := engStrings(f, engConcat(f, "profiles", "nickname", "phone", "email", "bio"))
			want := []string{"[verwijderd]|NULL|deleted-1@invalid.invalid|", "els|0622222222|els@example.com|hoi", "NULL|NULL|NULL|NULL"}
			if !slices.Equal(got, want) {
				t.Errorf("profiles:\ngot  %q\nwant %q", got, want)
			}
			names := engStrings(f, `SELECT COALESCE(name, 'NULL') FROM profiles ORDER BY id`)
			if len(names) != 3 || !strings.HasPrefix(names[0], "hmac:") || names[1] != "Els" || names[2] != "NULL" {
				t.Errorf("hashed names: got %q, want [hmac:... Els NULL]", names)
			}
			recs := engAudit(f, rep.RunID)
			var prof []string
			for _, r := range recs {
				if r.Table == "profiles" {
					if r.Rule != "account" || r.Action != "anonymise" || r.Detail != "bio,email,name,nickname,phone" {
						t.Errorf("profile record: got %+v, want rule account, action anonymise, detail bio,email,name,nickname,phone", r)
					}
					prof = append(prof, r.RowKey)
				}
			}
			if !slices.Equal(prof, []string{"1", "3"}) {
				t.Errorf("audited profiles: got %v, want [1 3]", prof)
			}
		})
	})

	t.Run("NullKeysDoNotStallTheLoop", func(t *testing.T) {
		// A key column that may be NULL: a due row without a key cannot be
		// addressed, and must not make the keyset loop read the same rows again
		// and again.
		dialects(t, func(t *testing.T, f *fixture) {
			f.exec(`CREATE TABLE contacts (id AUTO_PK, ext_id VARCHAR(20) NULL, phone VARCHAR(30) NULL, created_at DATETIME NOT NULL)`,
				`CREATE UNIQUE INDEX contacts_ext_id ON contacts (ext_id)`,
				`INSERT INTO contacts (ext_id, phone, created_at) VALUES (NULL, '0611111111', '2020-01-01 00:00:00')`)
			f.rule(sweeper.Rule{Name: "contacts", Table: "contacts", Key: "ext_id", AgeColumns: []string{"created_at"}, OlderThan: months(6),
				Action: sweeper.ActionAnonymise, Anonymise: []sweeper.ColumnStrategy{{Column: "phone", Strategy: sweeper.StrategyNull}}})
			cctx, cancel := context.WithTimeout(ctx, 3*time.Second)
			defer cancel()
			rep, err := f.sw.Sweep(cctx, sweeper.SweepOptions{AsOf: asOf})
			if cctx.Err() != nil {
				t.Fatalf("sweep: still running after 3s (%d batches), want it to finish", engRule(t, rep, "contacts").Batches)
			}
			if rr := engRule(t, rep, "contacts"); rr.Rows != 0 || rr.Batches > 1 {
				t.Errorf("report: got %d rows in %d batches, want 0 rows in at most 1 batch (err %v)", rr.Rows, rr.Batches, err)
			}
		})
	})

	t.Run("BatchTimeSetsTheSize", func(t *testing.T) {
		for _, c := range []struct {
			name      string
			batchTime time.Duration
			rows      int
			batches   int
		}{
			// No batch takes an hour: the size doubles after every batch, one
			// batch late, since the next batch's keys are read while a batch
			// runs (10, 10, 20, ..., 1280), up to the 440 rows left.
			{"Grows", time.Hour, 3000, 10},
			// Every batch takes longer than 1ns: the size halves (10, 5, 2)
			// down to one row per batch for the 13 rows left.
			{"Shrinks", time.Nanosecond, 30, 16},
			// Off: every batch is batch_size rows.
			{"Off", 0, 30, 3},
		} {
			t.Run(c.name, func(t *testing.T) {
				dialects(t, func(t *testing.T, f *fixture) {
					engCustomers(f)
					engInsertMany(f, `INSERT INTO customers (email, created_at)`, `('x@example.com', '2015-01-01 00:00:00')`, c.rows)
					engInsertMany(f, `INSERT INTO customers (email, created_at)`, `('y@example.com', '2026-01-01 00:00:00')`, 3)
					f.cfg.Sweeper.BatchTime = c.batchTime
					engAccountRule(f).BatchSize = 10
					rep := f.sweep(asOf, sweeper.SweepOptions{})
					rr := engRule(t, rep, "account-idle-5y")
					if rr.Rows != c.rows || rr.Batches != c.batches || rr.Err != nil {
						t.Errorf("got %d rows in %d batches (err %v), want %d in %d", rr.Rows, rr.Batches, rr.Err, c.rows, c.batches)
					}
					if got := f.count(`SELECT COUNT(*) FROM customers`); got != 3 {
						t.Errorf("customers left: got %d, want the 3 recent ones", got)
					}
					if got := len(engAudit(f, rep.RunID)); got != c.rows {
						t.Errorf("audit records: got %d, want %d", got, c.rows)
					}
				})
			})
		}
	})

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
