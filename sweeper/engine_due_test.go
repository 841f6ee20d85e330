package sweeper_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/sweeperd/sweeper/sweeper"
)

// TestSweeper_SweepDue holds the due condition (docs/contract.md §3.1) and "never
// early" (§3.2) against real databases: what a sweep touches and what it
// leaves alone.
func TestSweeper_SweepDue(t *testing.T) {
	// cutoff: 2026-05-22 00:00 CEST for "6 months".
	asOf := engAms(2026, 11, 22, 0, 0, 0)

	t.Run("SweepsOnlyRowsBeforeTheCutoff", func(t *testing.T) {
		dialects(t, func(t *testing.T, f *fixture) {
			f.exec(`CREATE TABLE customers (id AUTO_PK, email VARCHAR(100), created_at DATETIME NOT NULL)`,
				`CREATE TABLE orders (id AUTO_PK, phone VARCHAR(30), created_at DATETIME NOT NULL)`,
				`INSERT INTO customers (email, created_at) VALUES
					('before@example.com', '2026-05-21 23:59:59'),
					('at@example.com', '2026-05-22 00:00:00'),
					('after@example.com', '2026-05-22 00:00:01')`,
				`INSERT INTO orders (phone, created_at) VALUES
					('0611111111', '2026-05-21 23:59:59'),
					('0622222222', '2026-05-22 00:00:00'),
					('0633333333', '2026-05-22 00:00:01')`)
			f.rule(sweeper.Rule{Name: "customers-6m", Table: "customers", AgeColumns: []string{"created_at"},
				OlderThan: months(6), Action: sweeper.ActionDelete})
			f.rule(sweeper.Rule{Name: "orders-6m", Table: "orders", AgeColumns: []string{"created_at"},
				OlderThan: months(6), Action: sweeper.ActionAnonymise,
				Anonymise: []sweeper.ColumnStrategy{{Column: "phone", Strategy: sweeper.StrategyNull}}})

			rep := f.sweep(asOf, sweeper.SweepOptions{})
			wantCutoff := engAms(2026, 5, 22, 0, 0, 0)
			for _, name := range []string{"customers-6m", "orders-6m"} {
				rr := engRule(t, rep, name)
				if rr.Rows != 1 {
					t.Errorf("%s rows: got %d, want 1", name, rr.Rows)
				}
				if !rr.Cutoff.Equal(wantCutoff) {
					t.Errorf("%s cutoff: got %v, want %v", name, rr.Cutoff, wantCutoff)
				}
			}
			engWantIDs(t, f, "customers left", `SELECT id FROM customers ORDER BY id`, 2, 3)
			engWantIDs(t, f, "orders anonymised", `SELECT id FROM orders WHERE phone IS NULL ORDER BY id`, 1)
			if got := f.count(`SELECT COUNT(*) FROM orders WHERE phone IS NOT NULL`); got != 2 {
				t.Errorf("orders with their phone: got %d, want 2", got)
			}
		})
	})

	t.Run("NeverSweepsRowsWithoutAge", func(t *testing.T) {
		dialects(t, func(t *testing.T, f *fixture) {
			f.exec(`CREATE TABLE a (id AUTO_PK, created_at DATETIME NULL)`,
				`CREATE TABLE b (id AUTO_PK, last_login_at DATETIME NULL, created_at DATETIME NULL)`,
				`INSERT INTO a (created_at) VALUES (NULL), ('2010-01-01 00:00:00'), (NULL)`,
				`INSERT INTO b (last_login_at, created_at) VALUES
					(NULL, NULL),
					('2010-01-01 00:00:00', NULL),
					(NULL, '2010-01-01 00:00:00'),
					('2026-11-01 00:00:00', '2010-01-01 00:00:00'),
					('2010-01-01 00:00:00', '2026-11-01 00:00:00')`)
			f.rule(sweeper.Rule{Name: "single", Table: "a", AgeColumns: []string{"created_at"},
				OlderThan: years(1), Action: sweeper.ActionDelete})
			f.rule(sweeper.Rule{Name: "coalesce", Table: "b", AgeColumns: []string{"last_login_at", "created_at"},
				OlderThan: years(1), Action: sweeper.ActionDelete})

			p, err := f.sw.Plan(context.Background(), sweeper.PlanOptions{AsOf: asOf})
			if err != nil {
				t.Fatalf("plan: %v", err)
			}
			if got := p.Rules[0].Due; got != 1 {
				t.Errorf("plan single due: got %d, want 1", got)
			}
			if got := p.Rules[1].Due; got != 3 {
				t.Errorf("plan coalesce due: got %d, want 3", got)
			}
			f.sweep(asOf, sweeper.SweepOptions{})
			engWantIDs(t, f, "a left (NULL age)", `SELECT id FROM a ORDER BY id`, 1, 3)
			// 1: all NULL; 4: last_login_at is recent and wins over created_at.
			engWantIDs(t, f, "b left", `SELECT id FROM b ORDER BY id`, 1, 4)
		})
	})

	t.Run("NeverSweepsZeroDates", func(t *testing.T) {
		f := setup(t, dbMySQL)
		f.exec(`CREATE TABLE a (id AUTO_PK, created_at DATETIME NULL)`,
			`CREATE TABLE b (id AUTO_PK, last_login_at DATETIME NULL, created_at DATETIME NULL)`,
			`CREATE TABLE c (id AUTO_PK, born DATE NULL)`)
		ctx := context.Background()
		conn, err := f.raw.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{
			`SET SESSION sql_mode = ''`,
			`INSERT INTO a (created_at) VALUES ('0000-00-00 00:00:00'), ('2010-01-01 00:00:00'), ('0000-00-00 00:00:00')`,
			`INSERT INTO b (last_login_at, created_at) VALUES ('0000-00-00 00:00:00', '2010-01-01 00:00:00'), (NULL, '2010-01-01 00:00:00')`,
			`INSERT INTO c (born) VALUES ('0000-00-00'), ('2010-01-01')`,
		} {
			if _, err := conn.ExecContext(ctx, q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		conn.Close()
		if got := f.count(`SELECT COUNT(*) FROM a WHERE created_at = '0000-00-00 00:00:00'`); got != 2 {
			t.Fatalf("zero dates stored: got %d, want 2", got)
		}
		f.rule(sweeper.Rule{Name: "a", Table: "a", AgeColumns: []string{"created_at"}, OlderThan: years(1), Action: sweeper.ActionDelete})
		f.rule(sweeper.Rule{Name: "b", Table: "b", AgeColumns: []string{"last_login_at", "created_at"}, OlderThan: years(1), Action: sweeper.ActionDelete})
		f.rule(sweeper.Rule{Name: "c", Table: "c", AgeColumns: []string{"born"}, OlderThan: years(1), Action: sweeper.ActionDelete})

		p, err := f.sw.Plan(ctx, sweeper.PlanOptions{AsOf: asOf})
		if err != nil {
			t.Fatalf("plan: %v", err)
		}
		for i, want := range []int{1, 1, 1} {
			if got := p.Rules[i].Due; got != want {
				t.Errorf("plan %s due: got %d, want %d", p.Rules[i].Name, got, want)
			}
		}
		if o := p.Rules[0].Oldest; o == nil || !o.Equal(engAms(2010, 1, 1, 0, 0, 0)) {
			t.Errorf("plan oldest: got %v, want 2010-01-01 00:00 Amsterdam (not a zero date)", o)
		}
		f.sweep(asOf, sweeper.SweepOptions{})
		engWantIDs(t, f, "a left", `SELECT id FROM a ORDER BY id`, 1, 3)
		// COALESCE(zero date, created_at) is the zero date: not dated, not due.
		engWantIDs(t, f, "b left", `SELECT id FROM b ORDER BY id`, 1)
		engWantIDs(t, f, "c left", `SELECT id FROM c ORDER BY id`, 1)
	})

	t.Run("WhereHoldsRowsBack", func(t *testing.T) {
		dialects(t, func(t *testing.T, f *fixture) {
			f.exec(`CREATE TABLE orders (id AUTO_PK, phone VARCHAR(30), status VARCHAR(20) NOT NULL, created_at DATETIME NOT NULL)`,
				`CREATE TABLE complaints (id AUTO_PK, status VARCHAR(20) NOT NULL, created_at DATETIME NOT NULL)`,
				`INSERT INTO orders (phone, status, created_at) VALUES
					('0611111111', 'ok', '2020-01-01 00:00:00'),
					('0622222222', 'disputed', '2020-01-01 00:00:00'),
					('0633333333', 'ok', '2020-01-02 00:00:00')`,
				`INSERT INTO complaints (status, created_at) VALUES
					('closed', '2020-01-01 00:00:00'), ('disputed', '2020-01-01 00:00:00'), ('closed', '2020-01-01 00:00:00')`)
			f.rule(sweeper.Rule{Name: "orders", Table: "orders", AgeColumns: []string{"created_at"}, OlderThan: months(6),
				Where: "status <> 'disputed'", Action: sweeper.ActionAnonymise,
				Anonymise: []sweeper.ColumnStrategy{{Column: "phone", Strategy: sweeper.StrategyNull}}})
			// The rule's table by its own name.
			f.rule(sweeper.Rule{Name: "complaints", Table: "complaints", AgeColumns: []string{"created_at"}, OlderThan: months(6),
				Where: "complaints.status <> 'disputed'", Action: sweeper.ActionDelete})
			rep := f.sweep(asOf, sweeper.SweepOptions{})
			if got := engRule(t, rep, "orders").Rows; got != 2 {
				t.Errorf("orders rows: got %d, want 2", got)
			}
			engWantIDs(t, f, "orders keeping their phone", `SELECT id FROM orders WHERE phone IS NOT NULL ORDER BY id`, 2)
			engWantIDs(t, f, "complaints left", `SELECT id FROM complaints ORDER BY id`, 2)
			if got := f.count(`SELECT COUNT(*) FROM sweeper_audit WHERE row_key = '2'`); got != 0 {
				t.Errorf("audit records of the held rows: got %d, want 0", got)
			}
		})
	})

	t.Run("AgeSQL", func(t *testing.T) {
		dialects(t, func(t *testing.T, f *fixture) {
			f.exec(`CREATE TABLE customers (id AUTO_PK, email VARCHAR(100))`,
				`CREATE TABLE logins (id AUTO_PK, customer_id BIGINT NOT NULL, at DATETIME NOT NULL)`,
				`INSERT INTO customers (email) VALUES ('old@example.com'), ('recent@example.com'), ('never@example.com'), ('older@example.com')`,
				`INSERT INTO logins (customer_id, at) VALUES
					(1, '2019-03-01 10:00:00'), (1, '2020-04-01 09:30:00'),
					(2, '2015-01-01 00:00:00'), (2, '2026-10-01 12:00:00'),
					(4, '2018-07-15 08:00:00')`)
			f.rule(sweeper.Rule{Name: "idle", Table: "customers",
				AgeSQL:    "(SELECT MAX(l.at) FROM logins l WHERE l.customer_id = customers.id)",
				OlderThan: years(5), Action: sweeper.ActionDelete,
				Related: []sweeper.Related{{Table: "logins", ForeignKey: []string{"customer_id"}, Action: sweeper.ActionDelete}}})

			p, err := f.sw.Plan(context.Background(), sweeper.PlanOptions{AsOf: asOf})
			if err != nil {
				t.Fatalf("plan: %v", err)
			}
			rp := p.Rules[0]
			if rp.Due != 2 {
				t.Errorf("plan due: got %d, want 2", rp.Due)
			}
			if want := engAms(2018, 7, 15, 8, 0, 0); rp.Oldest == nil || !rp.Oldest.Equal(want) {
				t.Errorf("plan oldest: got %v, want %v", rp.Oldest, want)
			}
			if len(rp.Related) != 1 || rp.Related[0].Rows != 3 {
				t.Errorf("plan related: got %+v, want logins 3", rp.Related)
			}
			rep := f.sweep(asOf, sweeper.SweepOptions{})
			if got := engRule(t, rep, "idle").Rows; got != 2 {
				t.Errorf("sweep rows: got %d, want 2", got)
			}
			// 2 logged in recently, 3 never did (NULL age: not due).
			engWantIDs(t, f, "customers left", `SELECT id FROM customers ORDER BY id`, 2, 3)
			engWantIDs(t, f, "logins left", `SELECT id FROM logins ORDER BY id`, 3, 4)
		})
	})

	t.Run("AgeTimezone", func(t *testing.T) {
		dialects(t, func(t *testing.T, f *fixture) {
			// cutoff 2026-05-22 00:00 CEST = 2026-05-21 22:00:00 UTC.
			f.exec(`CREATE TABLE posts (id AUTO_PK, post_date_gmt DATETIME NOT NULL)`,
				`INSERT INTO posts (post_date_gmt) VALUES
					('2026-05-21 21:59:59'), ('2026-05-21 22:00:00'), ('2026-05-21 22:00:01'), ('2026-05-21 23:30:00')`)
			f.rule(sweeper.Rule{Name: "posts", Table: "posts", AgeColumns: []string{"post_date_gmt"}, AgeTimezone: time.UTC,
				OlderThan: months(6), Action: sweeper.ActionDelete})
			rep := f.sweep(asOf, sweeper.SweepOptions{})
			if got := engRule(t, rep, "posts").Rows; got != 1 {
				t.Errorf("rows: got %d, want 1", got)
			}
			// Read as Amsterdam wall clock, 23:30 would have looked older than
			// 2026-05-22 00:00 and been swept two hours early.
			engWantIDs(t, f, "posts left", `SELECT id FROM posts ORDER BY id`, 2, 3, 4)
		})
	})

	t.Run("TimestampColumnIsAnInstant", func(t *testing.T) {
		f := setup(t, dbMySQL)
		// Stored and read in UTC: 21:59:59 UTC is 23:59:59 CEST, one second
		// before the cutoff.
		f.exec(`CREATE TABLE sessions (id AUTO_PK, seen_at TIMESTAMP NULL)`)
		ctx := context.Background()
		conn, err := f.raw.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{
			`SET time_zone = '+00:00'`,
			`INSERT INTO sessions (seen_at) VALUES ('2026-05-21 21:59:59'), ('2026-05-21 22:00:00'), ('2026-05-21 22:00:01'), ('2026-05-21 23:30:00')`,
		} {
			if _, err := conn.ExecContext(ctx, q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		conn.Close()
		f.rule(sweeper.Rule{Name: "sessions", Table: "sessions", AgeColumns: []string{"seen_at"},
			OlderThan: months(6), Action: sweeper.ActionDelete})
		p, err := f.sw.Plan(ctx, sweeper.PlanOptions{AsOf: asOf})
		if err != nil {
			t.Fatalf("plan: %v", err)
		}
		if o := p.Rules[0].Oldest; o == nil || o.Format(time.RFC3339) != "2026-05-21T23:59:59+02:00" {
			t.Errorf("plan oldest: got %v, want 2026-05-21T23:59:59+02:00", o)
		}
		f.sweep(asOf, sweeper.SweepOptions{})
		engWantIDs(t, f, "sessions left", `SELECT id FROM sessions ORDER BY id`, 2, 3, 4)
	})

	t.Run("DateCountsAsItsLastMoment", func(t *testing.T) {
		dialects(t, func(t *testing.T, f *fixture) {
			f.exec(`CREATE TABLE members (id AUTO_PK, ended_on DATE NULL)`,
				`INSERT INTO members (ended_on) VALUES ('2026-05-20'), ('2026-05-21'), ('2026-05-22'), ('2026-05-23'), (NULL)`)
			f.rule(sweeper.Rule{Name: "members", Table: "members", AgeColumns: []string{"ended_on"},
				OlderThan: months(6), Action: sweeper.ActionDelete})
			// cutoff 2026-05-22 00:00: 21 May has ended by then.
			f.sweep(asOf, sweeper.SweepOptions{})
			engWantIDs(t, f, "members left at midnight", `SELECT id FROM members ORDER BY id`, 3, 4, 5)
			// cutoff 2026-05-22 18:00: 22 May has not ended yet.
			f.sweep(asOf.Add(18*time.Hour), sweeper.SweepOptions{})
			engWantIDs(t, f, "members left at 18:00", `SELECT id FROM members ORDER BY id`, 3, 4, 5)
		})
	})

	t.Run("KeyThatIsNotUniqueNeverReachesRowsThatAreNotDue", func(t *testing.T) {
		// The batch addresses rows by key: with a key two rows share, the
		// statements of a due row would also reach one that is not due.
		t.Run("Anonymise", func(t *testing.T) {
			dialects(t, func(t *testing.T, f *fixture) {
				f.exec(`CREATE TABLE contacts (id AUTO_PK, email VARCHAR(100) NOT NULL, phone VARCHAR(30), created_at DATETIME NOT NULL)`,
					`INSERT INTO contacts (email, phone, created_at) VALUES
						('a@example.com', '0611111111', '2020-01-01 00:00:00'),
						('a@example.com', '0622222222', '2026-11-01 00:00:00')`)
				f.rule(sweeper.Rule{Name: "contacts", Table: "contacts", Key: "email", AgeColumns: []string{"created_at"}, OlderThan: months(6),
					Action: sweeper.ActionAnonymise, Anonymise: []sweeper.ColumnStrategy{{Column: "phone", Strategy: sweeper.StrategyNull}}})
				_, err := engSweep(f, asOf, sweeper.SweepOptions{})
				if err == nil || !strings.Contains(err.Error(), "not unique") {
					t.Errorf("sweep with a shared key: got %v, want the rule refused as not unique", err)
				}
				// Refused as a whole: the row one month old keeps its phone, and so does the due one.
				engWantIDs(t, f, "contacts keeping their phone", `SELECT id FROM contacts WHERE phone IS NOT NULL ORDER BY id`, 1, 2)
			})
		})
		t.Run("RelatedDetach", func(t *testing.T) {
			dialects(t, func(t *testing.T, f *fixture) {
				f.exec(`CREATE TABLE customers (id AUTO_PK, created_at DATETIME NOT NULL)`,
					`CREATE TABLE orders (id AUTO_PK, order_no VARCHAR(20) NOT NULL, customer_id BIGINT NULL)`,
					`INSERT INTO customers (created_at) VALUES ('2015-01-01 00:00:00'), ('2026-01-01 00:00:00')`,
					`INSERT INTO orders (order_no, customer_id) VALUES ('A-1', 1), ('A-1', 2)`)
				f.rule(sweeper.Rule{Name: "account", Table: "customers", AgeColumns: []string{"created_at"}, OlderThan: years(5),
					Action: sweeper.ActionDelete, Related: []sweeper.Related{{Table: "orders", ForeignKey: []string{"customer_id"}, Key: []string{"order_no"}, Action: sweeper.ActionDetach}}})
				engSweep(f, asOf, sweeper.SweepOptions{})
				engWantIDs(t, f, "orders still attached to customer 2", `SELECT id FROM orders WHERE customer_id = 2 ORDER BY id`, 2)
			})
		})
	})

	t.Run("CompositePrimaryKeyIsNoKey", func(t *testing.T) {
		// Without key =, a table whose primary key has two columns has no
		// single key to address its rows by: the rule must refuse, not take
		// the first column (which lines of one order share).
		dialects(t, func(t *testing.T, f *fixture) {
			f.exec(`CREATE TABLE order_lines (order_id BIGINT NOT NULL, line_no INT NOT NULL, phone VARCHAR(30) NULL, created_at DATETIME NOT NULL, PRIMARY KEY (order_id, line_no))`,
				`INSERT INTO order_lines (order_id, line_no, phone, created_at) VALUES
					(1, 1, '0611111111', '2020-01-01 00:00:00'),
					(1, 2, '0622222222', '2026-11-01 00:00:00')`)
			f.rule(sweeper.Rule{Name: "lines", Table: "order_lines", AgeColumns: []string{"created_at"}, OlderThan: months(6),
				Action: sweeper.ActionAnonymise, Anonymise: []sweeper.ColumnStrategy{{Column: "phone", Strategy: sweeper.StrategyNull}}})
			rep, err := engSweep(f, asOf, sweeper.SweepOptions{})
			if got := f.count(`SELECT COUNT(*) FROM order_lines WHERE line_no = 2 AND phone IS NOT NULL`); got != 1 {
				t.Errorf("line 2 (one month old) keeping its phone: got %d, want 1", got)
			}
			if rr := engRule(t, rep, "lines"); err == nil || rr.Err == nil || !strings.Contains(rr.Err.Error(), "primary key") {
				t.Errorf("rule error: got %v, want one about the primary key", rr.Err)
			}
		})
	})

	t.Run("NeverEarlyInTheRepeatedHour", func(t *testing.T) {
		t.Run("CutoffOnTheSecondPass", func(t *testing.T) {
			dialects(t, func(t *testing.T, f *fixture) {
				// 2026-11-25 02:10 CET minus 1 month: 2026-10-25 02:10, which
				// happens twice; the cutoff is the second one, 01:10 UTC.
				asOf := engAms(2026, 11, 25, 2, 10, 0)
				f.exec(`CREATE TABLE sessions (id AUTO_PK, created_at DATETIME NOT NULL)`,
					`INSERT INTO sessions (created_at) VALUES
						('2026-10-24 12:00:00'),
						('2026-10-25 01:50:00'),
						('2026-10-25 02:20:00'),
						('2026-10-25 03:00:00')`)
				f.rule(sweeper.Rule{Name: "sessions", Table: "sessions", AgeColumns: []string{"created_at"},
					OlderThan: months(1), Action: sweeper.ActionDelete})
				rep := f.sweep(asOf, sweeper.SweepOptions{})
				if want := time.Date(2026, 10, 25, 1, 10, 0, 0, time.UTC); !engRule(t, rep, "sessions").Cutoff.Equal(want) {
					t.Errorf("cutoff: got %v, want %v", engRule(t, rep, "sessions").Cutoff, want)
				}
				// 02:20 may be 01:20 UTC, after the cutoff.
				engWantIDs(t, f, "sessions left", `SELECT id FROM sessions ORDER BY id`, 3, 4)
			})
		})
		t.Run("CutoffOnTheFirstPass", func(t *testing.T) {
			dialects(t, func(t *testing.T, f *fixture) {
				// Configured in UTC, ages in Amsterdam: 2026-10-26 00:10 UTC minus
				// 1 day is 2026-10-25 00:10 UTC, 02:10 CEST, the first 02:10.
				f.cfg.Sweeper.Timezone = time.UTC
				asOf := time.Date(2026, 10, 26, 0, 10, 0, 0, time.UTC)
				f.exec(`CREATE TABLE sessions (id AUTO_PK, created_at DATETIME NOT NULL)`,
					`INSERT INTO sessions (created_at) VALUES
						('2026-10-25 00:30:00'),
						('2026-10-25 02:05:00'),
						('2026-10-25 02:20:00'),
						('2026-10-25 02:10:00')`)
				f.rule(sweeper.Rule{Name: "sessions", Table: "sessions", AgeColumns: []string{"created_at"},
					AgeTimezone: amsterdam, OlderThan: sweeper.Period{Days: 1}, Action: sweeper.ActionDelete})
				rep := f.sweep(asOf, sweeper.SweepOptions{})
				if want := time.Date(2026, 10, 25, 0, 10, 0, 0, time.UTC); !engRule(t, rep, "sessions").Cutoff.Equal(want) {
					t.Errorf("cutoff: got %v, want %v", engRule(t, rep, "sessions").Cutoff, want)
				}
				// 02:05 may be 02:05 CET = 01:05 UTC, 55 minutes after the
				// cutoff; comparing with the wall clock "02:10" would sweep it.
				engWantIDs(t, f, "sessions left", `SELECT id FROM sessions ORDER BY id`, 2, 3, 4)
			})
		})
	})
}
