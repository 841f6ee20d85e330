package sweeper_test

import (
	"testing"
	"time"

	"github.com/sweeperd/sweeper/sweeper"
)

func TestSweeper_Smoke(t *testing.T) {
	dialects(t, func(t *testing.T, f *fixture) {
		f.exec(`CREATE TABLE customers (id AUTO_PK, email VARCHAR(100) NOT NULL, last_login_at DATETIME NULL, created_at DATETIME NOT NULL)`,
			`CREATE TABLE addresses (id AUTO_PK, customer_id BIGINT NOT NULL, street VARCHAR(100))`,
			`CREATE TABLE orders (id AUTO_PK, customer_id BIGINT NULL, phone VARCHAR(30), salutation VARCHAR(20), email VARCHAR(100), created_at DATETIME NOT NULL, status VARCHAR(20) NOT NULL DEFAULT 'ok')`,
			`INSERT INTO customers (email, last_login_at, created_at) VALUES
				('a@example.com', '2020-01-01 00:00:00', '2015-01-01 00:00:00'),
				('b@example.com', NULL, '2022-06-01 00:00:00'),
				('c@example.com', '2026-01-01 00:00:00', '2015-01-01 00:00:00')`,
			`INSERT INTO addresses (customer_id, street) VALUES (1, 'Hoofdstraat 1'), (1, 'Kerkweg 2'), (3, 'Dorpsplein 3')`,
			`INSERT INTO orders (customer_id, phone, salutation, email, created_at, status) VALUES
				(1, '0612345678', 'Dhr.', 'a@example.com', '2026-01-01 10:00:00', 'ok'),
				(2, '0687654321', 'Mevr.', 'b@example.com', '2026-07-01 10:00:00', 'ok'),
				(3, '0611111111', 'Dhr.', 'c@example.com', '2025-01-01 10:00:00', 'disputed')`)
		f.rule(sweeper.Rule{Name: "account-idle-5y", Table: "customers", AgeColumns: []string{"last_login_at", "created_at"},
			OlderThan: years(5), Action: sweeper.ActionDelete,
			Related: []sweeper.Related{
				{Table: "addresses", ForeignKey: []string{"customer_id"}, Action: sweeper.ActionDelete},
				{Table: "orders", ForeignKey: []string{"customer_id"}, Action: sweeper.ActionDetach},
			}})
		f.rule(sweeper.Rule{Name: "order-phone-6m", Table: "orders", AgeColumns: []string{"created_at"},
			OlderThan: months(6), Where: "status <> 'disputed'", Action: sweeper.ActionAnonymise,
			Anonymise: []sweeper.ColumnStrategy{{Column: "email", Strategy: sweeper.StrategyHash}, {Column: "phone", Strategy: sweeper.StrategyNull}, {Column: "salutation", Strategy: sweeper.StrategyRedact}}})
		asOf := time.Date(2026, 11, 22, 0, 0, 0, 0, amsterdam)

		p, err := f.sw.Plan(t.Context(), sweeper.PlanOptions{AsOf: asOf})
		if err != nil {
			t.Fatalf("plan: %v", err)
		}
		if got := p.Rules[0].Due; got != 1 {
			t.Errorf("plan account-idle-5y due: got %d, want 1", got)
		}
		if got := p.Rules[1].Due; got != 1 {
			t.Errorf("plan order-phone-6m due: got %d, want 1", got)
		}
		if p.Rules[0].Oldest == nil || !p.Rules[0].Oldest.Equal(time.Date(2020, 1, 1, 0, 0, 0, 0, amsterdam)) {
			t.Errorf("plan oldest: got %v, want 2020-01-01 00:00 Amsterdam", p.Rules[0].Oldest)
		}

		rep := f.sweep(asOf, sweeper.SweepOptions{})
		if got := rep.Rules[0].Rows; got != 1 {
			t.Errorf("deleted customers: got %d, want 1", got)
		}
		if got := f.ids(`SELECT id FROM customers ORDER BY id`); len(got) != 2 || got[0] != 2 {
			t.Errorf("customers left: got %v, want [2 3]", got)
		}
		if got := f.count(`SELECT COUNT(*) FROM addresses`); got != 1 {
			t.Errorf("addresses left: got %d, want 1", got)
		}
		if got := f.count(`SELECT COUNT(*) FROM orders WHERE customer_id IS NULL`); got != 1 {
			t.Errorf("detached orders: got %d, want 1", got)
		}
		if got := f.count(`SELECT COUNT(*) FROM orders WHERE phone IS NULL AND salutation = '[verwijderd]' AND email LIKE 'hmac:%'`); got != 1 {
			t.Errorf("anonymised orders: got %d, want 1", got)
		}
		// customer 1 + 2 addresses + 1 detached order + 1 anonymised order
		if got := f.count(`SELECT COUNT(*) FROM sweeper_audit`); got != 5 {
			t.Errorf("audit records: got %d, want 5", got)
		}
		rep = f.sweep(asOf, sweeper.SweepOptions{})
		for _, r := range rep.Rules {
			if r.Rows != 0 {
				t.Errorf("second sweep, rule %s: got %d rows, want 0", r.Name, r.Rows)
			}
		}
		if got := f.count(`SELECT COUNT(*) FROM sweeper_audit`); got != 5 {
			t.Errorf("audit records after second sweep: got %d, want 5", got)
		}
	})
}
