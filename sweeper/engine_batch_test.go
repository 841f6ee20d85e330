package sweeper_test

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sweeperd/sweeper/sweeper"
)

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

// TestSweeper_SweepBatches holds the batch loop to docs/contract.md §3.3 (atomic batches
// that re-check), §3.4 (idempotent) and §3.10 (audit); TestSweeper_SweepBounds
// holds its bounds.
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
				Action: sweeper.ActionDelete, Related: []sweeper.Related{{Table: "profiles", ForeignKey: []string{"customer_id"},
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
}
