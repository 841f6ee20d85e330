package sweeper_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sweeperd/sweeper/sweeper"
)

// unitShop is a shop whose held person, Anna (1), has no order of her own:
// her rows are an invoice line two levels below Bram's (2) order 10 (a
// voucher she redeemed on his invoice), and the address Bram's order 20
// was sent to, which is hers. Bram's orders 11 and 21 and Cees's (3)
// orders 31 and 32 have the same shape with rows of their own people. Every
// order is due long ago; an order takes its invoices, their lines and the
// address it points at along.
func unitShop(f *fixture) {
	f.exec(`CREATE TABLE customers (id AUTO_PK, email VARCHAR(100) NOT NULL, created_at DATETIME NOT NULL)`,
		`CREATE TABLE addresses (id AUTO_PK, customer_id BIGINT NULL, street VARCHAR(100) NOT NULL)`,
		`CREATE TABLE orders (id AUTO_PK, customer_id BIGINT NULL, address_id BIGINT NULL, created_at DATETIME NOT NULL)`,
		`CREATE INDEX idx_orders_customer ON orders (customer_id)`,
		`CREATE INDEX idx_orders_address ON orders (address_id)`,
		`CREATE TABLE invoices (id AUTO_PK, order_id BIGINT NOT NULL)`,
		`CREATE INDEX idx_invoices_order ON invoices (order_id)`,
		`CREATE TABLE invoice_lines (id AUTO_PK, invoice_id BIGINT NOT NULL, customer_id BIGINT NULL, product VARCHAR(50) NOT NULL)`,
		`CREATE INDEX idx_lines_invoice ON invoice_lines (invoice_id)`,
		`INSERT INTO customers (id, email, created_at) VALUES (1, 'anna@example.com', '2026-01-01 00:00:00'),
			(2, 'bram@example.com', '2026-01-01 00:00:00'), (3, 'cees@example.com', '2026-01-01 00:00:00')`,
		`INSERT INTO addresses (id, customer_id, street) VALUES (1, 1, 'Dorpsstraat 1'), (2, 2, 'Kerkweg 2'), (3, 3, 'Molenweg 3')`,
		`INSERT INTO orders (id, customer_id, address_id, created_at) VALUES
			(10, 2, NULL, '2015-01-01 00:00:00'), (11, 2, NULL, '2015-01-01 00:00:00'),
			(20, 2, 1, '2015-01-01 00:00:00'), (21, 2, 2, '2015-01-01 00:00:00'),
			(31, 3, NULL, '2015-01-01 00:00:00'), (32, 3, 3, '2015-01-01 00:00:00')`,
		`INSERT INTO invoices (id, order_id) VALUES (100, 10), (110, 11), (310, 31)`,
		`INSERT INTO invoice_lines (id, invoice_id, customer_id, product) VALUES
			(1000, 100, 1, 'bon'), (1001, 100, NULL, 'kaart'), (1100, 110, 2, 'bon'), (3100, 310, 3, 'bon')`)
	f.cfg.Subject = &sweeper.Subject{Table: "customers", Match: []string{"email"}, Links: []sweeper.SubjectLink{
		{Table: "addresses", Column: "customer_id"},
		{Table: "orders", Column: "customer_id"},
		{Table: "invoices", Column: "order_id", To: "orders"},
		{Table: "invoice_lines", Column: "customer_id"},
	}}
	f.rule(sweeper.Rule{Name: "order-7y", Table: "orders", AgeColumns: []string{"created_at"}, OlderThan: years(7),
		Action: sweeper.ActionDelete,
		Related: []sweeper.Related{{Table: "invoices", ForeignKey: []string{"order_id"}, Action: sweeper.ActionDelete,
			Related: []sweeper.Related{{Table: "invoice_lines", ForeignKey: []string{"invoice_id"}, Action: sweeper.ActionDelete}}}},
		Refers: []sweeper.Refers{{Table: "addresses", Column: "address_id", Action: sweeper.ActionDelete}}})
}

// unitKept holds that Anna's units are all there: orders 10 and 20 with
// what goes with them, and only the rows left wants besides.
func unitKept(t *testing.T, f *fixture, orders ...int64) {
	t.Helper()
	engWantIDs(t, f, "orders left", `SELECT id FROM orders ORDER BY id`, orders...)
	want := map[string][]int64{"invoices": {100}, "invoice_lines": {1000, 1001}, "addresses": {1}}
	if slices.Contains(orders, 11) {
		want = map[string][]int64{"invoices": {100, 110}, "invoice_lines": {1000, 1001, 1100}, "addresses": {1, 2}}
	}
	if slices.Contains(orders, 31) {
		want["invoices"] = append(want["invoices"], 310)
		want["invoice_lines"] = append(want["invoice_lines"], 3100)
		want["addresses"] = append(want["addresses"], 3)
	}
	for _, tb := range []string{"invoices", "invoice_lines", "addresses"} {
		engWantIDs(t, f, tb+" left", `SELECT id FROM `+tb+` ORDER BY id`, want[tb]...)
	}
	for _, r := range engAudit(f, "") {
		if (r.Table == "orders" && (r.RowKey == "10" || r.RowKey == "20")) || r.ParentKey == "10" || r.ParentKey == "20" {
			t.Errorf("audit record of a row of a held unit: %+v", r)
		}
	}
}

// TestSweeper_HoldKeepsTheUnit holds docs/contract.md §6.2 to rows of a
// held person that a rule's row takes along without being hers: a row two
// levels down its related tree, and a row it refers to. The rule's row and
// all that goes with it stay through a sweep far ahead, plan counts them
// as kept by a hold, and neither erasing another person, nor erasing by
// key, nor a replay touches them; the same rows of people not held go.
func TestSweeper_HoldKeepsTheUnit(t *testing.T) {
	ctx := context.Background()
	far := subjFar

	t.Run("SweepPlanEraseReplay", func(t *testing.T) {
		dialects(t, func(t *testing.T, f *fixture) {
			unitShop(f)
			subjHold(t, f, "anna@example.com", time.Time{})
			if errs := engErrors(engCheck(f)); len(errs) != 0 {
				t.Fatalf("check: got errors %q, want none", errs)
			}

			p, err := f.sw.Plan(ctx, sweeper.PlanOptions{AsOf: far})
			if err != nil {
				t.Fatalf("plan: %v", err)
			}
			if got := p.Rules[0]; got.Err != nil || got.Held != 2 || got.Due != 4 {
				t.Errorf("plan: got due %d, held %d, error %v; want due 4 (orders 11, 21, 31, 32), held 2 (orders 10, 20)",
					got.Due, got.Held, got.Err)
			}

			// Erasing Bram takes his orders whose rows are all his.
			for _, dry := range []bool{true, false} {
				se, err := f.sw.EraseSubject(ctx, sweeper.EraseSubjectOptions{Subject: "bram@example.com", DryRun: dry})
				if err != nil {
					t.Fatalf("erase --subject (dry run %v): %v", dry, err)
				}
				if len(se.Rules) != 1 || se.Rules[0].Result == nil {
					t.Fatalf("erase --subject: got %+v, want order-7y's result", se.Rules)
				}
				erWant(t, se.Rules[0].Result, "10="+sweeper.ReasonHeld, "11=erased", "20="+sweeper.ReasonHeld, "21=erased")
			}
			unitKept(t, f, 10, 20, 31, 32)

			res, err := f.sw.Erase(ctx, sweeper.EraseOptions{Rule: "order-7y", Keys: []string{"10", "20"}})
			if err != nil {
				t.Fatalf("erase --rule: %v", err)
			}
			erWant(t, res, "10="+sweeper.ReasonHeld, "20="+sweeper.ReasonHeld)

			rr := engRule(t, f.sweep(far, sweeper.SweepOptions{}), "order-7y")
			if rr.Err != nil || rr.Rows != 2 {
				t.Errorf("sweep: got %d rows, error %v; want Cees's 2 orders", rr.Rows, rr.Err)
			}
			unitKept(t, f, 10, 20)

			// A replay of the records of a run that took them, with the
			// hold in force; and with the hold only in the records (the
			// restore lost it).
			recs := func(hold bool) func(fn func(sweeper.AuditRecord) error) error {
				at := time.Now()
				var rs []sweeper.AuditRecord
				if hold {
					rs = append(rs, sweeper.AuditRecord{RunID: "h", At: at, Table: "customers", RowKey: "1", Action: sweeper.AuditHold})
				}
				for _, k := range []string{"10", "20"} {
					rs = append(rs, sweeper.AuditRecord{RunID: "r", At: at, Rule: "order-7y", Table: "orders", RowKey: k, Action: "delete"})
				}
				return func(fn func(sweeper.AuditRecord) error) error {
					for _, r := range rs {
						if err := fn(r); err != nil {
							return err
						}
					}
					return nil
				}
			}
			since := time.Now().Add(-time.Minute)
			rp, err := f.sw.Replay(ctx, sweeper.ReplayOptions{Since: since, Records: recs(false)})
			if err != nil {
				t.Fatalf("replay: %v", err)
			}
			if got, want := replayOutcomes(rp), []string{"order-7y: 10=" + sweeper.ReasonHeld + " 20=" + sweeper.ReasonHeld}; !slices.Equal(got, want) {
				t.Errorf("replay:\n got %q\nwant %q", got, want)
			}
			if _, err := f.sw.Release(ctx, "anna@example.com"); err != nil {
				t.Fatalf("release: %v", err)
			}
			rp, err = f.sw.Replay(ctx, sweeper.ReplayOptions{Since: since, Records: recs(true)})
			if err != nil {
				t.Fatalf("replay: %v", err)
			}
			if got, want := replayOutcomes(rp), []string{"order-7y: 10=" + sweeper.ReasonHeldSince + " 20=" + sweeper.ReasonHeldSince}; !slices.Equal(got, want) {
				t.Errorf("replay of a hold in the records:\n got %q\nwant %q", got, want)
			}
			unitKept(t, f, 10, 20)

			// Released, the units go as the others did.
			rr = engRule(t, f.sweep(far, sweeper.SweepOptions{}), "order-7y")
			if rr.Err != nil || rr.Rows != 2 {
				t.Errorf("sweep after the release: got %d rows, error %v; want 2", rr.Rows, rr.Err)
			}
			for _, tb := range []string{"orders", "invoices", "invoice_lines", "addresses"} {
				engWantIDs(t, f, tb+" left", `SELECT id FROM `+tb+` ORDER BY id`)
			}
		})
	})

	// The run opens with no hold in force and goes as fast as ever; the
	// hold comes between its read and its batch's locking read.
	t.Run("PlacedBetweenReadAndLock", func(t *testing.T) {
		dialects(t, func(t *testing.T, f *fixture) {
			unitShop(f)
			placed := false
			sweeper.SetBeforeLock(f.sw, func(rule string, keys []any) {
				if !placed {
					placed = true
					subjHold(t, f, "1", time.Time{})
				}
			})
			rr := engRule(t, f.sweep(far, sweeper.SweepOptions{}), "order-7y")
			if !placed {
				t.Fatalf("the hold was never placed: the test proves nothing")
			}
			if rr.Err != nil || rr.Rows != 4 {
				t.Errorf("sweep: got %d rows, error %v; want the 4 orders not held", rr.Rows, rr.Err)
			}
			unitKept(t, f, 10, 20)
			if n := f.count(`SELECT COUNT(*) FROM sweeper_audit WHERE table_name = 'invoice_lines' AND row_key = '1000'`); n != 0 {
				t.Errorf("%d audit records of the held line", n)
			}
		})
	})
}

// TestSweeper_HoldKeepsADeepTree holds a table related to itself deeper
// than a hold's condition follows it: a held person's row there rolls the
// batch back, and nothing of it goes.
func TestSweeper_HoldKeepsADeepTree(t *testing.T) {
	dialects(t, func(t *testing.T, f *fixture) {
		f.exec(`CREATE TABLE customers (id AUTO_PK, email VARCHAR(100) NOT NULL)`,
			`CREATE TABLE orders (id AUTO_PK, created_at DATETIME NOT NULL)`,
			`CREATE TABLE notes (id AUTO_PK, order_id BIGINT NULL, parent_id BIGINT NULL, customer_id BIGINT NULL)`,
			`INSERT INTO customers (id, email) VALUES (1, 'anna@example.com')`,
			`INSERT INTO orders (id, created_at) VALUES (8, '2015-01-01 00:00:00'), (9, '2015-01-01 00:00:00'), (10, '2015-01-01 00:00:00')`)
		// Order 8's notes answer one another 3 deep, the last Anna's, which
		// the condition reaches; order 9's likewise, none hers; order 10's
		// 12 deep, the last hers. Each order is a batch of its own.
		var rows []string
		for i := 1; i <= 12; i++ {
			parent, order, who := itoa64(int64(100+i-1)), "NULL", "NULL"
			if i == 1 {
				parent, order = "NULL", "10"
			}
			if i == 12 {
				who = "1"
			}
			rows = append(rows, "("+itoa64(int64(100+i))+", "+order+", "+parent+", "+who+")")
		}
		rows = append(rows, "(201, 9, NULL, NULL)", "(202, NULL, 201, NULL)", "(203, NULL, 202, NULL)",
			"(301, 8, NULL, NULL)", "(302, NULL, 301, NULL)", "(303, NULL, 302, 1)")
		f.exec(`INSERT INTO notes (id, order_id, parent_id, customer_id) VALUES ` + strings.Join(rows, ", "))
		f.cfg.Subject = &sweeper.Subject{Table: "customers", Match: []string{"email"},
			Links: []sweeper.SubjectLink{{Table: "notes", Column: "customer_id"}}}
		f.rule(sweeper.Rule{Name: "order-7y", Table: "orders", AgeColumns: []string{"created_at"}, OlderThan: years(7),
			Action: sweeper.ActionDelete, BatchSize: 1,
			Related: []sweeper.Related{{Table: "notes", ForeignKey: []string{"order_id"}, Action: sweeper.ActionDelete,
				Related: []sweeper.Related{{Table: "notes", ForeignKey: []string{"parent_id"}, Action: sweeper.ActionDelete}}}}})
		subjHold(t, f, "1", time.Time{})
		if errs := engErrors(engCheck(f)); len(errs) != 0 {
			t.Fatalf("check: got errors %q, want none", errs)
		}
		rep, _ := f.sweepAt(subjFar, sweeper.SweepOptions{})
		rr := engRule(t, rep, "order-7y")
		if rr.Err == nil || !strings.Contains(rr.Err.Error(), "held person's") {
			t.Errorf("sweep: got error %v, want the deep held row named", rr.Err)
		}
		if n := f.count(`SELECT COUNT(*) FROM notes WHERE id BETWEEN 101 AND 112`); n != 12 {
			t.Errorf("order 10's notes: %d left, want all 12", n)
		}
		engWantIDs(t, f, "orders left", `SELECT id FROM orders ORDER BY id`, 8, 10)
		engWantIDs(t, f, "order 8's and 9's notes left", `SELECT id FROM notes WHERE id > 200 ORDER BY id`, 301, 302, 303)
	})
}

// TestSweeper_HoldRefusesALongKey: a person whose key is longer than the
// holds table keeps cannot be held (the shortened key would keep nothing);
// hold says so and places nothing.
func TestSweeper_HoldRefusesALongKey(t *testing.T) {
	f := setup(t, dbSQLite)
	long := strings.Repeat("k", 200)
	f.exec(`CREATE TABLE people (code VARCHAR(255) NOT NULL PRIMARY KEY, email VARCHAR(100) NOT NULL, created_at DATETIME NOT NULL)`)
	f.exec(`INSERT INTO people VALUES ('` + long + `', 'lang@example.com', '2015-01-01 00:00:00')`)
	f.cfg.Subject = &sweeper.Subject{Table: "people", Key: "code", Match: []string{"email"}}
	_, err := f.sw.Hold(context.Background(), sweeper.HoldOptions{Subject: "lang@example.com", Reason: "geschil"})
	if err == nil || !strings.Contains(err.Error(), "longer than the holds table keeps") {
		t.Errorf("hold on a key of 200 characters: got %v, want a refusal naming the length", err)
	}
	if hs, err := f.sw.Holds(context.Background()); err != nil || len(hs) != 0 {
		t.Errorf("holds: %v (%v), want none", hs, err)
	}
}
