package sweeper_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/sweeperd/sweeper/connectors/database"
	"github.com/sweeperd/sweeper/sweeper"
)

// nestShop is a shop whose customers have orders with invoices with
// invoice lines (each level cascading from the one above, but the lines,
// which RESTRICT: deleting an invoice before its lines fails), coupon use
// keyed by two columns (coupon, customer), and notes that name a customer
// and an author, both customers: a customer's notes go with it (CASCADE),
// a note it wrote about another stays without its author (SET NULL).
//
// Customer 1 (idle since 2015) has orders 10 and 11, order 10 invoice 100
// with lines 1000 and 1001, used coupons 7 and 8, and wrote note 3 about
// customer 2. Customer 2 (active) has order 20 with invoice 200 and line
// 2000, used coupon 7, and wrote note 1 about customer 1. Note 2 is customer
// 1's own.
func nestShop(t *testing.T, f *fixture) {
	t.Helper()
	f.exec(`CREATE TABLE customers (id AUTO_PK, email VARCHAR(100) NOT NULL, created_at DATETIME NOT NULL)`,
		`CREATE TABLE orders (id AUTO_PK, customer_id BIGINT NOT NULL, total INT NOT NULL,
			CONSTRAINT fk_orders_customer FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE)`,
		`CREATE INDEX idx_orders_customer ON orders (customer_id)`,
		`CREATE TABLE invoices (id AUTO_PK, order_id BIGINT NOT NULL, number VARCHAR(20) NOT NULL,
			CONSTRAINT fk_invoices_order FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE)`,
		`CREATE INDEX idx_invoices_order ON invoices (order_id)`,
		`CREATE TABLE invoice_lines (id AUTO_PK, invoice_id BIGINT NOT NULL, product VARCHAR(50) NOT NULL,
			CONSTRAINT fk_lines_invoice FOREIGN KEY (invoice_id) REFERENCES invoices (id) ON DELETE RESTRICT)`,
		`CREATE INDEX idx_lines_invoice ON invoice_lines (invoice_id)`,
		`CREATE TABLE coupon_usage (coupon_id BIGINT NOT NULL, customer_id BIGINT NOT NULL, times INT NOT NULL,
			PRIMARY KEY (coupon_id, customer_id),
			CONSTRAINT fk_usage_customer FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE)`,
		`CREATE INDEX idx_usage_customer ON coupon_usage (customer_id)`,
		`CREATE TABLE notes (id AUTO_PK, customer_id BIGINT NULL, author_id BIGINT NULL, body VARCHAR(200) NOT NULL,
			CONSTRAINT fk_notes_customer FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE,
			CONSTRAINT fk_notes_author FOREIGN KEY (author_id) REFERENCES customers (id) ON DELETE SET NULL)`,
		`CREATE INDEX idx_notes_customer ON notes (customer_id)`,
		`CREATE INDEX idx_notes_author ON notes (author_id)`,
		`INSERT INTO customers (id, email, created_at) VALUES (1, 'anna@example.com', '2015-01-01 00:00:00'),
			(2, 'bram@example.com', '2026-01-01 00:00:00')`,
		`INSERT INTO orders (id, customer_id, total) VALUES (10, 1, 5), (11, 1, 6), (20, 2, 7)`,
		`INSERT INTO invoices (id, order_id, number) VALUES (100, 10, 'F100'), (200, 20, 'F200')`,
		`INSERT INTO invoice_lines (id, invoice_id, product) VALUES (1000, 100, 'kaart'), (1001, 100, 'pen'), (2000, 200, 'stift')`,
		`INSERT INTO coupon_usage (coupon_id, customer_id, times) VALUES (7, 1, 1), (8, 1, 2), (7, 2, 1)`,
		`INSERT INTO notes (id, customer_id, author_id, body) VALUES (1, 1, 2, 'belde'), (2, 1, NULL, 'klacht'), (3, 2, 1, 'mailde')`)
}

// nestLines are the related tables of the account rule, at every depth.
func nestRelated(lines bool) []sweeper.Related {
	invoices := sweeper.Related{Table: "invoices", ForeignKey: []string{"order_id"}, Action: sweeper.ActionDelete}
	if lines {
		invoices.Related = []sweeper.Related{{Table: "invoice_lines", ForeignKey: []string{"invoice_id"}, Action: sweeper.ActionDelete}}
	}
	return []sweeper.Related{
		{Table: "orders", ForeignKey: []string{"customer_id"}, Action: sweeper.ActionDelete, Related: []sweeper.Related{invoices}},
		{Table: "coupon_usage", ForeignKey: []string{"customer_id"}, Action: sweeper.ActionDelete},
		{Table: "notes", ForeignKey: []string{"customer_id"}, Action: sweeper.ActionDelete},
		{Table: "notes", ForeignKey: []string{"author_id"}, Action: sweeper.ActionDetach},
	}
}

// nestForeignKeys has the sweeper's store enforce foreign keys on SQLite,
// which leaves them off unless asked: the order of the deletions is then
// held there too.
func nestForeignKeys(t *testing.T, f *fixture) {
	t.Helper()
	if f.dialect != dbSQLite {
		return
	}
	st, err := database.Open(context.Background(), "sqlite", f.cfg.Database.DSN+"?_pragma=foreign_keys(1)",
		database.Options{LockWaitTimeout: f.cfg.Sweeper.LockWaitTimeout})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	f.store, f.sw.Store = st, st
}

// TestSweeper_NestedRelated holds related rows of related rows
// ([[rule.related.related]]) to the promises of related rows: handled in
// the rule's batch, deepest first, each with its action and an audit record
// whose parent_key is the rule's row's key; counted alike by plan, a dry
// run and the sweep; a cascade into a table not listed under the table it
// cascades from refused at every depth. And a table keyed by two columns,
// and one table related twice through different columns, work as related
// rows.
func TestSweeper_NestedRelated(t *testing.T) {
	asOf := engAms(2026, 11, 22, 3, 30, 0)
	account := func(f *fixture, related []sweeper.Related) {
		f.rule(sweeper.Rule{Name: "account", Table: "customers", AgeColumns: []string{"created_at"}, OlderThan: years(5),
			Action: sweeper.ActionDelete, Related: related})
	}
	tables := []string{"customers", "orders", "invoices", "invoice_lines", "coupon_usage", "notes"}

	t.Run("UnlistedCascadeIsRefusedAtEveryDepth", func(t *testing.T) {
		dialects(t, func(t *testing.T, f *fixture) {
			nestShop(t, f)
			// Orders listed, their invoices not.
			rels := nestRelated(false)
			rels[0].Related = nil
			account(f, rels)
			want := []string{"invoices.order_id", "ON DELETE CASCADE", `as related[1] (table "orders")`,
				`list it under related[1] (table "orders") as [[rule.related.related]] (table = "invoices", foreign_key = "order_id"`}
			if f.dialect != dbSQLite {
				want = append(want, "fk_invoices_order")
			}
			refWantRefused(t, f, "account", tables, want...)
		})
	})
	t.Run("UnlistedCascadeTwoLevelsDownIsRefused", func(t *testing.T) {
		dialects(t, func(t *testing.T, f *fixture) {
			nestShop(t, f)
			f.exec(`CREATE TABLE invoice_mails (id AUTO_PK, invoice_id BIGINT NOT NULL,
					CONSTRAINT fk_mails_invoice FOREIGN KEY (invoice_id) REFERENCES invoices (id) ON DELETE CASCADE)`,
				`CREATE INDEX idx_mails_invoice ON invoice_mails (invoice_id)`,
				`INSERT INTO invoice_mails (invoice_id) VALUES (100)`)
			account(f, nestRelated(true))
			refWantRefused(t, f, "account", append(tables, "invoice_mails"), "invoice_mails.invoice_id", "ON DELETE CASCADE",
				`list it under related[1].related[1] (table "invoices") as [[rule.related.related.related]] (table = "invoice_mails", foreign_key = "invoice_id"`)
		})
	})
	t.Run("UnlistedRestrictIsAWarningAtEveryDepth", func(t *testing.T) {
		dialects(t, func(t *testing.T, f *fixture) {
			nestShop(t, f)
			account(f, nestRelated(false))
			fs := engCheck(f)
			if errs := engErrors(fs); len(errs) != 0 {
				t.Errorf("check: got errors %q, want none", errs)
			}
			engWantFinding(t, fs, sweeper.SeverityWarning, "account", "invoice_lines.invoice_id", "ON DELETE RESTRICT",
				`list it under related[1].related[1] (table "invoices") as [[rule.related.related.related]]`)
		})
	})
	t.Run("DeletesDeepestFirstWithARecordEach", func(t *testing.T) {
		dialects(t, func(t *testing.T, f *fixture) {
			ctx := context.Background()
			nestShop(t, f)
			nestForeignKeys(t, f)
			account(f, nestRelated(true))
			fs := engCheck(f)
			if errs := engErrors(fs); len(errs) != 0 {
				t.Fatalf("check: got errors %q, want none", errs)
			}
			if _, ok := engFinding(fs, sweeper.SeverityWarning, "account", "ON DELETE"); ok {
				t.Errorf("check: got a warning about a listed foreign key: %q", fs)
			}
			wantCounts := "orders delete 2, orders > invoices delete 1, orders > invoices > invoice_lines delete 2, " +
				"coupon_usage delete 2, notes (customer_id) delete 2, notes (author_id) detach 1"
			p, err := f.sw.Plan(ctx, sweeper.PlanOptions{AsOf: asOf})
			if err != nil {
				t.Fatalf("plan: %v", err)
			}
			if got := relCounts(p.Rules[0].Related); got != wantCounts {
				t.Errorf("plan's related rows:\ngot  %s\nwant %s", got, wantCounts)
			}
			if got := relCounts(engRule(t, f.sweep(asOf, sweeper.SweepOptions{DryRun: true}), "account").Related); got != wantCounts {
				t.Errorf("dry run's related rows:\ngot  %s\nwant %s", got, wantCounts)
			}
			if n := engAuditCount(f); n != 0 {
				t.Fatalf("the dry run wrote %d audit records", n)
			}

			rr := engRule(t, f.sweep(asOf, sweeper.SweepOptions{}), "account")
			if rr.Err != nil || rr.Rows != 1 {
				t.Fatalf("sweep: got %d rows and error %v, want customer 1", rr.Rows, rr.Err)
			}
			if got := relCounts(rr.Related); got != wantCounts {
				t.Errorf("sweep's related rows:\ngot  %s\nwant %s", got, wantCounts)
			}
			engWantIDs(t, f, "customers", `SELECT id FROM customers ORDER BY id`, 2)
			engWantIDs(t, f, "orders", `SELECT id FROM orders ORDER BY id`, 20)
			engWantIDs(t, f, "invoices", `SELECT id FROM invoices ORDER BY id`, 200)
			engWantIDs(t, f, "invoice lines", `SELECT id FROM invoice_lines ORDER BY id`, 2000)
			engWantIDs(t, f, "coupon use", `SELECT coupon_id FROM coupon_usage ORDER BY coupon_id`, 7)
			engWantIDs(t, f, "notes", `SELECT id FROM notes ORDER BY id`, 3)
			engWantIDs(t, f, "notes with an author", `SELECT id FROM notes WHERE author_id IS NOT NULL ORDER BY id`)

			// One record per row, each under customer 1. (The order of the
			// ids says nothing: the customer's own may be written first.)
			want := []string{
				"invoice_lines 1000 delete 1", "invoice_lines 1001 delete 1", "invoices 100 delete 1",
				"orders 10 delete 1", "orders 11 delete 1",
				"coupon_usage 7,1 delete 1", "coupon_usage 8,1 delete 1",
				"notes 1 delete 1", "notes 2 delete 1", "notes 3 detach 1",
				"customers 1 delete ",
			}
			var got []string
			for _, r := range engAudit(f, "") {
				got = append(got, strings.Join([]string{r.Table, r.RowKey, r.Action, r.ParentKey}, " "))
			}
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("audit records:\ngot  %q\nwant %q", got, want)
			}
			var story []string
			err = f.sw.EachAuditRecord(ctx, sweeper.AuditFilter{Tables: []string{"customers"}, Keys: []string{"1"}}, func(r sweeper.AuditRecord) error {
				story = append(story, r.Table+" "+r.RowKey)
				return nil
			})
			if err != nil || len(story) != len(want) {
				t.Errorf("audit --table customers --key 1: got %q (error %v), want all %d records", story, err, len(want))
			}
			// Again: nothing left to do.
			if rr := engRule(t, f.sweep(asOf, sweeper.SweepOptions{}), "account"); rr.Rows != 0 || relCounts(rr.Related) !=
				"orders delete 0, orders > invoices delete 0, orders > invoices > invoice_lines delete 0, "+
					"coupon_usage delete 0, notes (customer_id) delete 0, notes (author_id) detach 0" {
				t.Errorf("second sweep: got %d rows, related %s; want nothing", rr.Rows, relCounts(rr.Related))
			}
		})
	})
	t.Run("EraseTakesTheNestedRows", func(t *testing.T) {
		dialects(t, func(t *testing.T, f *fixture) {
			nestShop(t, f)
			nestForeignKeys(t, f)
			account(f, nestRelated(true))
			dry, err := f.sw.Erase(context.Background(), sweeper.EraseOptions{Rule: "account", Keys: []string{"2"}, DryRun: true})
			if err != nil {
				t.Fatalf("erase --dry-run: %v", err)
			}
			res, err := f.sw.Erase(context.Background(), sweeper.EraseOptions{Rule: "account", Keys: []string{"2"}})
			if err != nil {
				t.Fatalf("erase: %v", err)
			}
			for _, r := range []*sweeper.EraseResult{dry, res} {
				if got := r.Related[2].Label() + " " + strconv.Itoa(r.Related[2].Rows); got != "orders > invoices > invoice_lines 1" {
					t.Errorf("erase (dry run %v): invoice lines %q, want 1", r.DryRun, got)
				}
			}
			engWantIDs(t, f, "invoice lines", `SELECT id FROM invoice_lines ORDER BY id`, 1000, 1001)
			// Customer 2's note went; the one it wrote about customer 1 stays, without its author.
			engWantIDs(t, f, "notes", `SELECT id FROM notes ORDER BY id`, 1, 2)
			engWantIDs(t, f, "notes with an author", `SELECT id FROM notes WHERE author_id IS NOT NULL ORDER BY id`)
			if n := f.count(`SELECT COUNT(*) FROM sweeper_audit WHERE table_name = 'invoice_lines' AND row_key = '2000' AND parent_key = '2'`); n != 1 {
				t.Errorf("audit record of line 2000 under customer 2: got %d, want 1", n)
			}
		})
	})
}

// TestSweeper_RelatedByOtherColumns holds a related table whose foreign
// key refers to columns of its parent other than the rule's key: Shopware's
// versioned orders, keyed by (id, version_id) and swept by their unique
// auto_increment, whose addresses refer to (id, version_id) and are keyed by
// two columns themselves.
func TestSweeper_RelatedByOtherColumns(t *testing.T) {
	dialects(t, func(t *testing.T, f *fixture) {
		f.exec(`CREATE TABLE vorders (id INT NOT NULL, version_id INT NOT NULL, auto_increment INT NOT NULL, created_at DATETIME NOT NULL,
				PRIMARY KEY (id, version_id))`,
			`CREATE UNIQUE INDEX uniq_vorders_ai ON vorders (auto_increment)`,
			`CREATE TABLE vorder_addresses (id INT NOT NULL, version_id INT NOT NULL, order_id INT NOT NULL, order_version_id INT NOT NULL,
				phone VARCHAR(20) NULL, PRIMARY KEY (id, version_id),
				CONSTRAINT fk_address_order FOREIGN KEY (order_id, order_version_id) REFERENCES vorders (id, version_id) ON DELETE CASCADE)`,
			`CREATE INDEX idx_address_order ON vorder_addresses (order_id, order_version_id)`,
			// Order 5 in its live version 1 (old) and a draft version 2
			// (recent); order 6 old.
			`INSERT INTO vorders (id, version_id, auto_increment, created_at) VALUES (5, 1, 1, '2015-01-01 00:00:00'),
				(5, 2, 2, '2026-11-01 00:00:00'), (6, 1, 3, '2015-01-01 00:00:00')`,
			`INSERT INTO vorder_addresses (id, version_id, order_id, order_version_id, phone) VALUES
				(50, 1, 5, 1, '0612'), (50, 2, 5, 2, '0612'), (60, 1, 6, 1, '0613')`)
		rel := sweeper.Related{Table: "vorder_addresses", ForeignKey: []string{"order_id", "order_version_id"}, Action: sweeper.ActionDelete}
		f.rule(sweeper.Rule{Name: "order-7y", Table: "vorders", Key: "auto_increment", AgeColumns: []string{"created_at"},
			OlderThan: years(7), Action: sweeper.ActionDelete, Related: []sweeper.Related{rel}})

		// Without references, the foreign key's two columns cannot refer
		// to the rule's key of one.
		engWantFinding(t, engCheck(f), sweeper.SeverityError, "order-7y",
			`foreign_key has 2 columns, and the key of "vorders" it refers to 1; name the columns it refers to with references`)
		// References that do not identify an order: refused.
		f.cfg.Rules[0].Related[0].References = []string{"id", "created_at"}
		engWantFinding(t, engCheck(f), sweeper.SeverityError, "order-7y", `references (id, created_at) of "vorders" do not identify one row`)

		f.cfg.Rules[0].Related[0].References = []string{"id", "version_id"}
		if errs := engErrors(engCheck(f)); len(errs) != 0 {
			t.Fatalf("check: got errors %q, want none", errs)
		}
		rr := engRule(t, f.sweep(engAms(2026, 11, 22, 3, 30, 0), sweeper.SweepOptions{}), "order-7y")
		if rr.Err != nil || rr.Rows != 2 || rr.Related[0].Rows != 2 {
			t.Fatalf("sweep: got %d rows, related %+v, error %v; want 2 and 2", rr.Rows, rr.Related, rr.Err)
		}
		engWantIDs(t, f, "versions of the addresses left", `SELECT version_id FROM vorder_addresses ORDER BY id, version_id`, 2)
		engWantIDs(t, f, "orders left", `SELECT auto_increment FROM vorders ORDER BY auto_increment`, 2)
		var got []string
		for _, r := range engAudit(f, "") {
			got = append(got, r.Table+" "+r.RowKey+" "+r.ParentKey)
		}
		slices.Sort(got)
		if want := []string{"vorder_addresses 50,1 1", "vorder_addresses 60,1 3", "vorders 1 ", "vorders 3 "}; !slices.Equal(got, want) {
			t.Errorf("audit records: got %q, want %q", got, want)
		}
	})
}

// TestSweeper_RelatedTree holds a table related to itself (payment
// transactions whose captures and refunds refer to the transaction before
// them, ON DELETE CASCADE): listed under itself, its rows are handled to
// any depth, the deepest first, each once and with its record; rows that
// refer to one another in a cycle fail the batch, changing nothing.
func TestSweeper_RelatedTree(t *testing.T) {
	asOf := engAms(2026, 11, 22, 3, 30, 0)
	shop := func(f *fixture) {
		f.exec(`CREATE TABLE orders (id AUTO_PK, created_at DATETIME NOT NULL)`,
			`CREATE TABLE transactions (id AUTO_PK, order_id BIGINT NOT NULL, parent_id BIGINT NULL,
				CONSTRAINT fk_txn_order FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE,
				CONSTRAINT fk_txn_parent FOREIGN KEY (parent_id) REFERENCES transactions (id) ON DELETE CASCADE)`,
			`CREATE INDEX idx_txn_order ON transactions (order_id)`,
			`CREATE INDEX idx_txn_parent ON transactions (parent_id)`,
			`INSERT INTO orders (id, created_at) VALUES (10, '2015-01-01 00:00:00'), (20, '2026-01-01 00:00:00')`,
			// Order 10: authorisation 1, its capture 2, its refund 3 (listed
			// before its parents); order 20: transaction 4.
			`INSERT INTO transactions (id, order_id, parent_id) VALUES (1, 10, NULL), (2, 10, 1), (3, 10, 2), (4, 20, NULL)`,
			// A note on the refund, which a transaction's notes go with.
			`CREATE TABLE txn_notes (id AUTO_PK, transaction_id BIGINT NOT NULL,
				CONSTRAINT fk_note_txn FOREIGN KEY (transaction_id) REFERENCES transactions (id) ON DELETE CASCADE)`,
			`CREATE INDEX idx_note_txn ON txn_notes (transaction_id)`,
			`INSERT INTO txn_notes (id, transaction_id) VALUES (7, 3)`)
	}
	txns := sweeper.Related{Table: "transactions", ForeignKey: []string{"order_id"}, Action: sweeper.ActionDelete}
	// The notes are listed once, under the transactions: the tree's rows
	// below the first level have theirs handled as well.
	tree := txns
	tree.Related = []sweeper.Related{{Table: "transactions", ForeignKey: []string{"parent_id"}, Action: sweeper.ActionDelete},
		{Table: "txn_notes", ForeignKey: []string{"transaction_id"}, Action: sweeper.ActionDelete}}
	rule := func(f *fixture, rel sweeper.Related) {
		f.rule(sweeper.Rule{Name: "order-7y", Table: "orders", AgeColumns: []string{"created_at"}, OlderThan: years(7),
			Action: sweeper.ActionDelete, Related: []sweeper.Related{rel}})
	}
	t.Run("UnlistedTreeIsRefused", func(t *testing.T) {
		dialects(t, func(t *testing.T, f *fixture) {
			shop(f)
			rule(f, txns)
			refWantRefused(t, f, "order-7y", []string{"orders", "transactions", "txn_notes"}, "transactions.parent_id", "ON DELETE CASCADE",
				`list it under related[1] (table "transactions") as [[rule.related.related]] (table = "transactions", foreign_key = "parent_id"`)
		})
	})
	t.Run("DeletesTheTreeLeavesFirst", func(t *testing.T) {
		dialects(t, func(t *testing.T, f *fixture) {
			shop(f)
			nestForeignKeys(t, f)
			rule(f, tree)
			if errs := engErrors(engCheck(f)); len(errs) != 0 {
				t.Fatalf("check: got errors %q, want none", errs)
			}
			rr := engRule(t, f.sweep(asOf, sweeper.SweepOptions{}), "order-7y")
			if rr.Err != nil || rr.Rows != 1 {
				t.Fatalf("sweep: got %d rows and error %v, want order 10", rr.Rows, rr.Err)
			}
			if total := rr.Related[0].Rows + rr.Related[1].Rows; total != 3 || rr.Related[2].Rows != 1 {
				t.Errorf("related rows: got %+v, want 3 transactions in all", rr.Related)
			}
			engWantIDs(t, f, "transactions", `SELECT id FROM transactions ORDER BY id`, 4)
			engWantIDs(t, f, "notes", `SELECT id FROM txn_notes ORDER BY id`)
			var got []string
			for _, r := range engAudit(f, "") {
				if r.Table != "orders" {
					got = append(got, r.Table+" "+r.RowKey+" "+r.ParentKey)
				}
			}
			// The refund's note, the refund, then the capture, then the authorisation.
			if want := []string{"txn_notes 7 10", "transactions 3 10", "transactions 2 10", "transactions 1 10"}; !slices.Equal(got, want) {
				t.Errorf("audit records of transactions: got %q, want %q", got, want)
			}
		})
	})
	t.Run("CycleFailsTheBatch", func(t *testing.T) {
		dialects(t, func(t *testing.T, f *fixture) {
			shop(f)
			rule(f, tree)
			f.exec(`UPDATE transactions SET parent_id = 3 WHERE id = 1`)
			rep, err := engSweep(f, asOf, sweeper.SweepOptions{})
			engPartial(t, err)
			if rr := engRule(t, rep, "order-7y"); rr.Err == nil || !strings.Contains(rr.Err.Error(), "in a cycle") || rr.Rows != 0 {
				t.Errorf("sweep: got %d rows and error %v, want the cycle named and nothing done", rr.Rows, rr.Err)
			}
			engWantIDs(t, f, "transactions", `SELECT id FROM transactions ORDER BY id`, 1, 2, 3, 4)
			engWantIDs(t, f, "notes", `SELECT id FROM txn_notes ORDER BY id`, 7)
			if n := engAuditCount(f); n != 0 {
				t.Errorf("audit records: got %d, want none", n)
			}
		})
	})
}

// relCounts writes a run's or a plan's related counts as "name action rows",
// comma-separated.
func relCounts(rcs []sweeper.RelatedCount) string {
	var out []string
	for _, rc := range rcs {
		out = append(out, rc.Label()+" "+string(rc.Action)+" "+strconv.Itoa(rc.Rows))
	}
	return strings.Join(out, ", ")
}
