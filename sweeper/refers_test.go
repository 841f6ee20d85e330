package sweeper_test

import (
	"context"
	"slices"
	"testing"

	"github.com/sweeperd/sweeper/sweeper"
)

// TestSweeper_Refers holds [[rule.refers]]: the rows a deleted row pointed
// at (an order's delivery and invoice addresses) go after it, in its batch,
// each with its record under the order's key, but only when no row still
// refers to them: another order (through either column), a row of a table
// whose foreign key names them, a row of a table listed as referred_by; and
// only where the refers table's where holds.
func TestSweeper_Refers(t *testing.T) {
	asOf := engAms(2026, 11, 22, 3, 30, 0)
	dialects(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		f.exec(`CREATE TABLE addresses (id AUTO_PK, customer_id BIGINT NULL, street VARCHAR(100) NOT NULL)`,
			`CREATE TABLE orders (id AUTO_PK, address_id BIGINT NULL, invoice_address_id BIGINT NULL, created_at DATETIME NOT NULL)`,
			`CREATE INDEX idx_orders_address ON orders (address_id)`,
			`CREATE INDEX idx_orders_invoice ON orders (invoice_address_id)`,
			`CREATE TABLE shipments (id AUTO_PK, address_id BIGINT NOT NULL,
				CONSTRAINT fk_shipment_address FOREIGN KEY (address_id) REFERENCES addresses (id) ON DELETE RESTRICT)`,
			`CREATE TABLE returns (id AUTO_PK, address_id BIGINT NOT NULL)`,
			// 1: only old order 10's; 2: old order 11's and recent order 20's
			// invoice address; 3: old order 12's and a shipment's; 4: old order
			// 13's and a return's; 5: old orders 14's and 15's; 6: old order
			// 16's, but in a customer's address book.
			`INSERT INTO addresses (id, customer_id, street) VALUES (1, NULL, 'a'), (2, NULL, 'b'), (3, NULL, 'c'), (4, NULL, 'd'),
				(5, NULL, 'e'), (6, 7, 'f')`,
			`INSERT INTO orders (id, address_id, invoice_address_id, created_at) VALUES
				(10, 1, NULL, '2015-01-01 00:00:00'), (11, 2, NULL, '2015-01-01 00:00:00'), (12, 3, NULL, '2015-01-01 00:00:00'),
				(13, 4, NULL, '2015-01-01 00:00:00'), (14, 5, NULL, '2015-01-01 00:00:00'), (15, 5, NULL, '2015-01-01 00:00:00'),
				(16, 6, NULL, '2015-01-01 00:00:00'), (20, NULL, 2, '2026-11-01 00:00:00')`,
			`INSERT INTO shipments (id, address_id) VALUES (30, 3)`,
			`INSERT INTO returns (id, address_id) VALUES (40, 4)`)
		refers := func(column string) sweeper.Refers {
			return sweeper.Refers{Table: "addresses", Column: column, Action: sweeper.ActionDelete, Where: "customer_id IS NULL",
				ReferredBy: []string{"returns.address_id"}}
		}
		f.rule(sweeper.Rule{Name: "order-7y", Table: "orders", AgeColumns: []string{"created_at"}, OlderThan: years(7),
			Action: sweeper.ActionDelete, Refers: []sweeper.Refers{refers("address_id"), refers("invoice_address_id")}})
		if errs := engErrors(engCheck(f)); len(errs) != 0 {
			t.Fatalf("check: got errors %q, want none", errs)
		}
		want := "addresses (orders.address_id) delete 2, addresses (orders.invoice_address_id) delete 0"
		p, err := f.sw.Plan(ctx, sweeper.PlanOptions{AsOf: asOf})
		if err != nil {
			t.Fatalf("plan: %v", err)
		}
		if got := relCounts(p.Rules[0].Related); got != want {
			t.Errorf("plan: got %s, want %s", got, want)
		}
		rr := engRule(t, f.sweep(asOf, sweeper.SweepOptions{}), "order-7y")
		if rr.Err != nil || rr.Rows != 7 {
			t.Fatalf("sweep: got %d rows and error %v, want 7 orders", rr.Rows, rr.Err)
		}
		if got := relCounts(rr.Related); got != want {
			t.Errorf("sweep: got %s, want %s", got, want)
		}
		engWantIDs(t, f, "addresses", `SELECT id FROM addresses ORDER BY id`, 2, 3, 4, 6)
		var got []string
		for _, r := range engAudit(f, "") {
			if r.Table == "addresses" {
				got = append(got, r.RowKey+" "+r.Action+" "+r.ParentKey)
			}
		}
		if w := []string{"1 delete 10", "5 delete 14"}; !slices.Equal(got, w) {
			t.Errorf("audit records of addresses: got %q, want %q", got, w)
		}

		// Order 20 was the last to use address 2: erasing it takes the address.
		if _, err := f.sw.Erase(ctx, sweeper.EraseOptions{Rule: "order-7y", Keys: []string{"20"}}); err != nil {
			t.Fatalf("erase: %v", err)
		}
		engWantIDs(t, f, "addresses", `SELECT id FROM addresses ORDER BY id`, 3, 4, 6)
		if n := f.count(`SELECT COUNT(*) FROM sweeper_audit WHERE table_name = 'addresses' AND row_key = '2' AND parent_key = '20'`); n != 1 {
			t.Errorf("audit record of address 2 under order 20: got %d, want 1", n)
		}
	})
}
