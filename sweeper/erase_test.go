package sweeper_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sweeperd/sweeper/connectors/files"
	"github.com/sweeperd/sweeper/sweeper"
)

// erOutcomes renders an erase result as "key=erased" / "key=<reason>".
func erOutcomes(res *sweeper.EraseResult) []string {
	var out []string
	for _, k := range res.Keys {
		if k.Erased {
			out = append(out, k.Key+"=erased")
		} else {
			out = append(out, k.Key+"="+k.Reason)
		}
	}
	return out
}

func erWant(t *testing.T, res *sweeper.EraseResult, want ...string) {
	t.Helper()
	if got := erOutcomes(res); !slices.Equal(got, want) {
		t.Errorf("erase outcomes:\n got %q\nwant %q", got, want)
	}
}

// erShop is customers with addresses and orders (engCustomers) and rows of
// every kind a request meets: young, old, held by where, without a date.
func erShop(f *fixture) {
	engCustomers(f)
	f.exec(`INSERT INTO customers (id, email, status, last_login_at, created_at) VALUES
			(1, 'a@example.com', 'ok',       '2026-11-01 00:00:00', '2015-01-01 00:00:00'),
			(2, 'b@example.com', 'ok',       NULL,                  '2019-07-01 00:00:00'),
			(3, 'c@example.com', 'disputed', '2026-01-01 00:00:00', '2015-01-01 00:00:00'),
			(4, 'd@example.com', 'ok',       '2026-11-20 00:00:00', '2026-11-20 00:00:00')`,
		`INSERT INTO addresses (customer_id, street) VALUES (1, 'a'), (1, 'a2'), (2, 'b'), (3, 'c'), (4, 'd')`,
		`INSERT INTO orders (customer_id, total, created_at) VALUES (1, 1, '2026-10-01'), (3, 3, '2019-01-01'), (4, 4, '2026-11-20')`)
	engAccountRule(f)
}

// TestSweeper_Erase holds erase to docs/contract.md §1: the rule's action on the named
// rows now, whatever their age, through the batch a sweep runs (related
// rows, audit records marked as on request); where still holds; no
// reminder; every key not erased is named with its reason.
func TestSweeper_Erase(t *testing.T) {
	ctx := context.Background()

	t.Run("DeleteWhateverTheAge", func(t *testing.T) {
		dialects(t, func(t *testing.T, f *fixture) {
			erShop(f)
			res, err := f.sw.Erase(ctx, sweeper.EraseOptions{Rule: "account-idle-5y", Keys: []string{"1", "3", "42", "x", "4"}})
			if err != nil {
				t.Fatalf("erase: %v", err)
			}
			erWant(t, res, "1=erased", "3=held by where: status <> 'disputed'", "42=no such row", "x=no such row", "4=erased")
			if res.Erased() != 2 || res.DryRun || res.RunID == "" {
				t.Errorf("result: got %+v", res)
			}
			engWantIDs(t, f, "customers left", `SELECT id FROM customers ORDER BY id`, 2, 3)
			engWantIDs(t, f, "addresses left (of customers 2 and 3)", `SELECT customer_id FROM addresses ORDER BY customer_id`, 2, 3)
			engWantIDs(t, f, "orders still attached", `SELECT id FROM orders WHERE customer_id IS NOT NULL ORDER BY id`, 2)
			want := []sweeper.RelatedCount{{Table: "addresses", Action: sweeper.ActionDelete, Rows: 3}, {Table: "orders", Action: sweeper.ActionDetach, Rows: 2}}
			if !slices.Equal(res.Related, want) {
				t.Errorf("related: got %+v, want %+v", res.Related, want)
			}

			recs := engAudit(f, res.RunID)
			var got []string
			for _, r := range recs {
				if !strings.HasSuffix(r.Detail, "on request") {
					t.Errorf("audit record %+v: detail %q does not say it was on request", r, r.Detail)
				}
				if r.Rule != "account-idle-5y" {
					t.Errorf("audit record %+v: rule %q", r, r.Rule)
				}
				got = append(got, r.Table+":"+r.Action)
			}
			slices.Sort(got)
			wantRecs := []string{"addresses:delete", "addresses:delete", "addresses:delete", "customers:delete", "customers:delete", "orders:detach", "orders:detach"}
			if !slices.Equal(got, wantRecs) {
				t.Errorf("audit records: got %v, want %v", got, wantRecs)
			}
			if n := engAuditCount(f); n != len(wantRecs) {
				t.Errorf("audit table holds %d records, want %d: only this erasure's", n, len(wantRecs))
			}

			// Asked again: the rows are gone.
			res, err = f.sw.Erase(ctx, sweeper.EraseOptions{Rule: "account-idle-5y", Keys: []string{"1"}})
			if err != nil {
				t.Fatalf("second erase: %v", err)
			}
			erWant(t, res, "1=no such row")
		})
	})

	t.Run("KeysAsText", func(t *testing.T) {
		dialects(t, func(t *testing.T, f *fixture) {
			erShop(f)
			// "02" names row 2 of an integer key, as "2" does; a key given
			// twice is reported once.
			res, err := f.sw.Erase(ctx, sweeper.EraseOptions{Rule: "account-idle-5y", Keys: []string{"02", "2", "02", "-1", "1e3"}})
			if err != nil {
				t.Fatalf("erase: %v", err)
			}
			erWant(t, res, "02=erased", "2=erased", "-1=no such row", "1e3=no such row")
			engWantIDs(t, f, "customers left", `SELECT id FROM customers ORDER BY id`, 1, 3, 4)
			if n := f.count(`SELECT COUNT(*) FROM sweeper_audit WHERE table_name = 'customers'`); n != 1 {
				t.Errorf("customer audit records: got %d, want 1", n)
			}
		})
	})

	t.Run("TextKey", func(t *testing.T) {
		dialects(t, func(t *testing.T, f *fixture) {
			f.exec(`CREATE TABLE subscribers (code VARCHAR(20) NOT NULL PRIMARY KEY, name VARCHAR(50) NULL, created_at DATETIME NOT NULL)`,
				`INSERT INTO subscribers (code, name, created_at) VALUES ('abc-1', 'Anne', '2026-11-01 00:00:00'), ('17', 'Bram', '2026-11-01 00:00:00')`)
			f.rule(sweeper.Rule{Name: "subscribers", Table: "subscribers", AgeColumns: []string{"created_at"}, OlderThan: years(1),
				Action: sweeper.ActionDelete})
			res, err := f.sw.Erase(ctx, sweeper.EraseOptions{Rule: "subscribers", Keys: []string{"abc-1", "17", "abc-2"}})
			if err != nil {
				t.Fatalf("erase: %v", err)
			}
			erWant(t, res, "abc-1=erased", "17=erased", "abc-2=no such row")
			if n := f.count(`SELECT COUNT(*) FROM subscribers`); n != 0 {
				t.Errorf("subscribers left: %d, want 0", n)
			}
		})
	})

	t.Run("Anonymise", func(t *testing.T) {
		dialects(t, func(t *testing.T, f *fixture) {
			f.exec(`CREATE TABLE contacts (id AUTO_PK, phone VARCHAR(30) NULL, status VARCHAR(20) NOT NULL, created_at DATETIME NULL)`,
				`INSERT INTO contacts (id, phone, status, created_at) VALUES
					(1, '0612345678', 'ok', '2026-11-21 00:00:00'),
					(2, NULL, 'ok', '2026-11-21 00:00:00'),
					(3, '0687654321', 'disputed', '2020-01-01 00:00:00'),
					(4, '0611111111', 'ok', NULL)`)
			f.rule(sweeper.Rule{Name: "contacts-6m", Table: "contacts", AgeColumns: []string{"created_at"}, OlderThan: months(6),
				Where: "status <> 'disputed'", Action: sweeper.ActionAnonymise,
				Anonymise: []sweeper.ColumnStrategy{{Column: "phone", Strategy: sweeper.StrategyNull}}})
			res, err := f.sw.Erase(ctx, sweeper.EraseOptions{Rule: "contacts-6m", Keys: []string{"1", "2", "3", "4"}})
			if err != nil {
				t.Fatalf("erase: %v", err)
			}
			// A row without a date is never due, but a request is not about age.
			erWant(t, res, "1=erased", "2=already anonymised", "3=held by where: status <> 'disputed'", "4=erased")
			if got := engStrings(f, `SELECT COALESCE(phone, 'NULL') FROM contacts ORDER BY id`); !slices.Equal(got, []string{"NULL", "NULL", "0687654321", "NULL"}) {
				t.Errorf("phones: got %v", got)
			}
			if got := engStrings(f, `SELECT detail FROM sweeper_audit ORDER BY id`); !slices.Equal(got, []string{"phone; on request", "phone; on request"}) {
				t.Errorf("audit details: got %v, want the column and that it was on request", got)
			}
		})
	})

	t.Run("HoldPlacedBeforeTheLock", func(t *testing.T) {
		// The look-up finds customer 1 erasable; before the batch locks it,
		// the shop opens a dispute (where no longer holds). The locking read
		// re-checks where: customer 1 stays with its rows, and says why.
		dialects(t, func(t *testing.T, f *fixture) {
			erShop(f)
			calls := 0
			sweeper.SetBeforeLock(f.sw, func(rule string, keys []any) {
				calls++
				if got := fmt.Sprint(keys); got != "[1 4]" {
					t.Errorf("keys before the lock: got %s, want [1 4]", got)
				}
				if _, err := f.raw.Exec(`UPDATE customers SET status = 'disputed' WHERE id = 1`); err != nil {
					t.Errorf("open dispute: %v", err)
				}
			})
			res, err := f.sw.Erase(ctx, sweeper.EraseOptions{Rule: "account-idle-5y", Keys: []string{"1", "4"}})
			if err != nil {
				t.Fatalf("erase: %v", err)
			}
			if calls != 1 {
				t.Fatalf("before-lock hook: got %d calls, want 1", calls)
			}
			erWant(t, res, "1=held by where: status <> 'disputed'", "4=erased")
			engWantIDs(t, f, "customers left", `SELECT id FROM customers ORDER BY id`, 1, 2, 3)
			engWantIDs(t, f, "addresses left", `SELECT customer_id FROM addresses ORDER BY customer_id`, 1, 1, 2, 3)
			engWantIDs(t, f, "orders still attached", `SELECT id FROM orders WHERE customer_id IS NOT NULL ORDER BY id`, 1, 2)
			if got := f.count(`SELECT COUNT(*) FROM sweeper_audit WHERE row_key = '1'`); got != 0 {
				t.Errorf("audit records of customer 1 and its rows: got %d, want 0", got)
			}
		})
	})

	t.Run("DryRunWritesNothing", func(t *testing.T) {
		dialects(t, func(t *testing.T, f *fixture) {
			erShop(f)
			tables := engTables(f)
			before := engDump(f, "customers") + engDump(f, "addresses") + engDump(f, "orders")
			res, err := f.sw.Erase(ctx, sweeper.EraseOptions{Rule: "account-idle-5y", Keys: []string{"1", "3", "42"}, DryRun: true})
			if err != nil {
				t.Fatalf("erase --dry-run: %v", err)
			}
			erWant(t, res, "1=erased", "3=held by where: status <> 'disputed'", "42=no such row")
			if !res.DryRun {
				t.Errorf("result not marked as a dry run")
			}
			want := []sweeper.RelatedCount{{Table: "addresses", Action: sweeper.ActionDelete, Rows: 2}, {Table: "orders", Action: sweeper.ActionDetach, Rows: 1}}
			if !slices.Equal(res.Related, want) {
				t.Errorf("related: got %+v, want %+v", res.Related, want)
			}
			if after := engDump(f, "customers") + engDump(f, "addresses") + engDump(f, "orders"); after != before {
				t.Errorf("a dry run changed the shop:\n%s\n%s", before, after)
			}
			// No audit table, no lock table: not one write.
			if got := engTables(f); !slices.Equal(got, tables) {
				t.Errorf("tables: got %v, want %v", got, tables)
			}
		})
	})

	t.Run("NoReminder", func(t *testing.T) {
		dialects(t, func(t *testing.T, f *fixture) {
			f.exec(`CREATE TABLE customers (id AUTO_PK, email VARCHAR(100) NULL, last_login_at DATETIME NULL, created_at DATETIME NOT NULL)`,
				`INSERT INTO customers (id, email, last_login_at, created_at) VALUES
					(1, 'anne@example.com', '2026-11-01 00:00:00', '2015-01-01 00:00:00'),
					(2, 'bram@example.com', NULL, '2019-01-01 00:00:00')`)
			f.rule(sweeper.Rule{Name: "account-idle-5y", Table: "customers", AgeColumns: []string{"last_login_at", "created_at"},
				OlderThan: years(5), Action: sweeper.ActionDelete,
				Reminder: &sweeper.Reminder{Before: months(1), EmailColumn: "email", Template: "/nonexistent/template.txt"}})
			mb := &mailbox{}
			f.sw.Mailer = mb
			res, err := f.sw.Erase(ctx, sweeper.EraseOptions{Rule: "account-idle-5y", Keys: []string{"1", "2"}})
			if err != nil {
				t.Fatalf("erase: %v", err)
			}
			erWant(t, res, "1=erased", "2=erased")
			if n := f.count(`SELECT COUNT(*) FROM customers`); n != 0 {
				t.Errorf("customers left: %d, want 0: a request is not held back for a reminder", n)
			}
			if len(mb.to()) != 0 {
				t.Errorf("reminders sent: %v, want none", mb.to())
			}
			if n := f.count(`SELECT COUNT(*) FROM sweeper_audit WHERE action <> 'delete'`); n != 0 {
				t.Errorf("audit records other than delete: %d (no remind, no no-address)", n)
			}
		})
	})

	t.Run("Files", func(t *testing.T) {
		dialects(t, func(t *testing.T, f *fixture) {
			root := t.TempDir()
			if err := os.WriteFile(filepath.Join(root, "1.jpg"), []byte("x"), 0o644); err != nil {
				t.Fatal(err)
			}
			f.exec(`CREATE TABLE customers (id AUTO_PK, photo_path VARCHAR(200) NULL, created_at DATETIME NOT NULL)`,
				`INSERT INTO customers (id, photo_path, created_at) VALUES (1, '1.jpg', '2026-11-01 00:00:00')`)
			f.rule(sweeper.Rule{Name: "account-5y", Table: "customers", AgeColumns: []string{"created_at"},
				OlderThan: years(5), Action: sweeper.ActionDelete, Files: &sweeper.Files{Column: "photo_path", Root: root}})
			f.sw.Files = files.Remover{}
			res, err := f.sw.Erase(ctx, sweeper.EraseOptions{Rule: "account-5y", Keys: []string{"1"}})
			if err != nil {
				t.Fatalf("erase: %v", err)
			}
			erWant(t, res, "1=erased")
			if _, err := os.Stat(filepath.Join(root, "1.jpg")); !os.IsNotExist(err) {
				t.Errorf("the row's file is still there (stat: %v)", err)
			}
			if got := engStrings(f, `SELECT action FROM sweeper_audit ORDER BY id`); !slices.Equal(got, []string{"delete", "file"}) {
				t.Errorf("audit actions: got %v, want delete, file", got)
			}
		})
	})

	t.Run("RuleLocked", func(t *testing.T) {
		dialects(t, func(t *testing.T, f *fixture) {
			erShop(f)
			other := f.store // a second sweeper on the same database holds the rule
			release, ok, err := other.TryLock(ctx, "rule:account-idle-5y")
			if err != nil || !ok {
				t.Fatalf("take the rule's lock: ok %v, err %v", ok, err)
			}
			defer release()
			_, err = f.sw.Erase(ctx, sweeper.EraseOptions{Rule: "account-idle-5y", Keys: []string{"1"}})
			if err == nil || !strings.Contains(err.Error(), "lock") {
				t.Errorf("erase while the rule is locked: got %v, want an error naming the lock", err)
			}
			if n := f.count(`SELECT COUNT(*) FROM customers`); n != 4 {
				t.Errorf("customers: got %d, want 4: nothing erased", n)
			}
		})
	})

	t.Run("UnknownRule", func(t *testing.T) {
		dialects(t, func(t *testing.T, f *fixture) {
			erShop(f)
			_, err := f.sw.Erase(ctx, sweeper.EraseOptions{Rule: "no-such-rule", Keys: []string{"1"}})
			var ue *sweeper.UsageError
			if !errors.As(err, &ue) {
				t.Errorf("erase with an unknown rule: got %T %v, want a *sweeper.UsageError", err, err)
			}
		})
	})
}
