package sweeper_test

import (
	"context"
	"strings"
	"testing"

	"github.com/sweeperd/sweeper/sweeper"
)

// auditRefusal is what the trigger of auditRefuses says.
const auditRefusal = "the audit table refuses writes"

// auditRefuses creates the audit table with a trigger that makes every
// insert into it fail, as a full disk or a revoked grant would.
func auditRefuses(t *testing.T, f *fixture) {
	t.Helper()
	d := f.store.Dialect()
	if _, err := f.store.Exec(context.Background(), d.CreateAuditTable(d.Quote(f.cfg.Sweeper.AuditTable))); err != nil {
		t.Fatal(err)
	}
	switch f.dialect {
	case dbMySQL:
		f.exec(`CREATE TRIGGER audit_refuses BEFORE INSERT ON sweeper_audit FOR EACH ROW
			SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = '` + auditRefusal + `'`)
	case dbPostgres:
		f.exec(`CREATE FUNCTION audit_refuses() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN RAISE EXCEPTION '`+auditRefusal+`'; END $$`,
			`CREATE TRIGGER audit_refuses BEFORE INSERT ON sweeper_audit FOR EACH ROW EXECUTE FUNCTION audit_refuses()`)
	case dbSQLite:
		f.exec(`CREATE TRIGGER audit_refuses BEFORE INSERT ON sweeper_audit BEGIN SELECT RAISE(ABORT, '` + auditRefusal + `'); END`)
	}
}

// auditAllowed drops the trigger of auditRefuses.
func auditAllowed(f *fixture) {
	f.exec(`DROP TRIGGER audit_refuses` + map[dbKind]string{dbPostgres: ` ON sweeper_audit`}[f.dialect])
}

// TestSweeper_AuditFails holds docs/contract.md §3.10, the audit record in the same
// transaction as the change, without relying on a crash at the right
// moment: the audit table refuses every insert, so each batch must roll
// back whole, its rows, related rows and records alike. Each shape of
// batch writes its records its own way: a rule touching only its own rows
// locks them with its audit INSERT ... SELECT; with related rows, the
// rows' records are an INSERT ... SELECT and the related rows' records are
// written after the changes; a text key, and an erasure, write every
// record after the changes.
func TestSweeper_AuditFails(t *testing.T) {
	asOf := engAms(2026, 11, 22, 0, 0, 0)
	ctx := context.Background()

	// refused runs the rule of f's shop once with the audit table
	// refusing writes and once with it accepting them: the first run must
	// change nothing, the second everything, with wantRecords records.
	refused := func(t *testing.T, f *fixture, tables []string, run func() error, wantRecords int) {
		t.Helper()
		auditRefuses(t, f)
		before := map[string]string{}
		for _, tb := range tables {
			before[tb] = engDump(f, tb)
		}
		err := run()
		if err == nil || !strings.Contains(err.Error(), auditRefusal) {
			t.Errorf("run while the audit table refuses writes: got error %v, want the trigger's message", err)
		}
		for _, tb := range tables {
			if after := engDump(f, tb); after != before[tb] {
				t.Errorf("%s after the refused audit insert:\ngot  %s\nwant %s", tb, after, before[tb])
			}
		}
		if got := engAuditCount(f); got != 0 {
			t.Errorf("audit records: got %d, want 0", got)
		}

		// Nothing was lost: once the audit table takes writes, the next run
		// does the work, with its records.
		auditAllowed(f)
		if err := run(); err != nil {
			t.Fatalf("run with the audit table writable: %v", err)
		}
		for _, tb := range tables {
			if after := engDump(f, tb); after == before[tb] {
				t.Errorf("%s after the run with the audit table writable: unchanged, want the rule applied", tb)
			}
		}
		if got := engAuditCount(f); got != wantRecords {
			t.Errorf("audit records after the run with the audit table writable: got %d, want %d", got, wantRecords)
		}
	}
	sweep := func(f *fixture, rule string) func() error {
		return func() error {
			rep, err := engSweep(f, asOf, sweeper.SweepOptions{})
			if err == nil {
				return nil
			}
			engPartial(f.t, err)
			return engRule(f.t, rep, rule).Err
		}
	}

	t.Run("OwnRowsOnly", func(t *testing.T) {
		dialects(t, func(t *testing.T, f *fixture) {
			f.exec(`CREATE TABLE logs (id AUTO_PK, created_at DATETIME NOT NULL)`,
				`INSERT INTO logs (created_at) VALUES ('2015-01-01 00:00:00'), ('2015-01-02 00:00:00'), ('2026-11-01 00:00:00')`)
			f.rule(sweeper.Rule{Name: "logs", Table: "logs", AgeColumns: []string{"created_at"}, OlderThan: years(1), Action: sweeper.ActionDelete})
			refused(t, f, []string{"logs"}, sweep(f, "logs"), 2)
		})
	})

	t.Run("WithRelatedRows", func(t *testing.T) {
		dialects(t, func(t *testing.T, f *fixture) {
			engCustomers(f)
			f.exec(`INSERT INTO customers (email, created_at) VALUES ('a@example.com', '2015-01-01 00:00:00'), ('b@example.com', '2026-01-01 00:00:00')`,
				`INSERT INTO addresses (customer_id, street) VALUES (1, 'a'), (1, 'a2'), (2, 'b')`,
				`INSERT INTO orders (customer_id, total, created_at) VALUES (1, 1, '2019-01-01'), (2, 2, '2019-01-01')`)
			engAccountRule(f)
			refused(t, f, []string{"customers", "addresses", "orders"}, sweep(f, "account-idle-5y"), 4)
		})
	})

	t.Run("TextKey", func(t *testing.T) {
		dialects(t, func(t *testing.T, f *fixture) {
			f.exec(`CREATE TABLE subscribers (code VARCHAR(20) NOT NULL PRIMARY KEY, phone VARCHAR(30) NULL, created_at DATETIME NOT NULL)`,
				`INSERT INTO subscribers (code, phone, created_at) VALUES ('abc-1', '0611111111', '2015-01-01 00:00:00'), ('abc-2', '0622222222', '2026-11-01 00:00:00')`)
			f.rule(sweeper.Rule{Name: "subscribers", Table: "subscribers", AgeColumns: []string{"created_at"}, OlderThan: years(1),
				Action: sweeper.ActionAnonymise, Anonymise: []sweeper.ColumnStrategy{{Column: "phone", Strategy: sweeper.StrategyNull}}})
			refused(t, f, []string{"subscribers"}, sweep(f, "subscribers"), 1)
		})
	})

	t.Run("Erase", func(t *testing.T) {
		dialects(t, func(t *testing.T, f *fixture) {
			erShop(f)
			erase := func() error {
				_, err := f.sw.Erase(ctx, sweeper.EraseOptions{Rule: "account-idle-5y", Keys: []string{"1", "4"}})
				return err
			}
			// Customers 1 and 4, their three addresses and two orders.
			refused(t, f, []string{"customers", "addresses", "orders"}, erase, 7)
		})
	})
}
