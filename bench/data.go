package main

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// The orders table of a webshop: one row per order, dated by created_at
// (indexed), with the personal data the rules delete or anonymise.
const ordersSchema = `CREATE TABLE %s (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  customer_id INT UNSIGNED NOT NULL,
  created_at DATETIME NOT NULL,
  updated_at DATETIME NULL,
  status VARCHAR(20) NOT NULL,
  email VARCHAR(191) NOT NULL,
  salutation VARCHAR(20) NULL,
  phone VARCHAR(32) NULL,
  street VARCHAR(100) NOT NULL,
  postcode VARCHAR(10) NOT NULL,
  city VARCHAR(60) NOT NULL,
  country CHAR(2) NOT NULL,
  total_cents INT NOT NULL,
  KEY idx_created_at (created_at),
  KEY idx_customer (customer_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`

// generate fills table with n orders whose created_at spreads evenly (with a
// day of jitter either way) over the ten years before asOf, ids in
// roughly date order as an AUTO_INCREMENT key gives them. It uses MariaDB's
// Sequence engine (seq_1_to_N) in chunks, one INSERT ... SELECT each, and
// falls back to multi-row INSERTs from Go where that engine is missing.
func generate(ctx context.Context, db *sql.DB, table string, n int, asOf time.Time) error {
	if _, err := db.ExecContext(ctx, fmt.Sprintf(ordersSchema, table)); err != nil {
		return fmt.Errorf("create %s: %w", table, err)
	}
	start := asOf.AddDate(-10, 0, 0)
	span := asOf.Sub(start).Seconds()
	step := span / float64(n)
	base := start.Format("2006-01-02 15:04:05")
	const chunk = 250000
	var probe int
	if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM seq_1_to_2").Scan(&probe); err != nil || probe != 2 {
		return generateGo(ctx, db, table, n, start, step)
	}
	for lo := 1; lo <= n; lo += chunk {
		hi := min(lo+chunk-1, n)
		q := fmt.Sprintf(`INSERT INTO %s (customer_id, created_at, status, email, salutation, phone, street, postcode, city, country, total_cents)
SELECT 1 + seq MOD %d,
  LEAST(GREATEST(TIMESTAMP'%s' + INTERVAL FLOOR((seq-1)*%f + (RAND(seq)-0.5)*172800) SECOND, TIMESTAMP'%s'), TIMESTAMP'%s' - INTERVAL 1 SECOND),
  ELT(1 + seq MOD 5, 'shipped', 'shipped', 'delivered', 'delivered', 'refunded'),
  CONCAT('klant', 1 + seq MOD %d, '@example.nl'),
  IF(seq MOD 10 = 0, NULL, ELT(1 + seq MOD 3, 'mevrouw', 'heer', 'beste')),
  IF(seq MOD 7 = 0, NULL, CONCAT('06', LPAD(seq MOD 100000000, 8, '0'))),
  CONCAT(ELT(1 + seq MOD 4, 'Dorpsstraat ', 'Kerkweg ', 'Molenlaan ', 'Stationsplein '), 1 + seq MOD 250),
  CONCAT(1000 + seq MOD 9000, ' AB'),
  ELT(1 + seq MOD 5, 'Amsterdam', 'Utrecht', 'Zwolle', 'Groningen', 'Maastricht'),
  'NL', 500 + seq MOD 20000
FROM seq_%d_to_%d`, table, max(1, n/3), base, step, base, asOf.Format("2006-01-02 15:04:05"), max(1, n/3), lo, hi)
		if _, err := db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("fill %s: %w", table, err)
		}
	}
	return nil
}

// generateGo is the fallback: multi-row INSERTs of 1000 rows.
func generateGo(ctx context.Context, db *sql.DB, table string, n int, start time.Time, step float64) error {
	const per = 1000
	head := fmt.Sprintf("INSERT INTO %s (customer_id, created_at, status, email, salutation, phone, street, postcode, city, country, total_cents) VALUES ", table)
	statuses := []string{"shipped", "shipped", "delivered", "delivered", "refunded"}
	for lo := 1; lo <= n; lo += per {
		hi := min(lo+per-1, n)
		q := head
		args := make([]any, 0, (hi-lo+1)*11)
		for i := lo; i <= hi; i++ {
			if i > lo {
				q += ", "
			}
			q += "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
			var sal, phone any
			if i%10 != 0 {
				sal = []string{"mevrouw", "heer", "beste"}[i%3]
			}
			if i%7 != 0 {
				phone = fmt.Sprintf("06%08d", i%100000000)
			}
			at := start.Add(time.Duration(float64(i-1) * step * float64(time.Second)))
			args = append(args, 1+i%max(1, n/3), at.Format("2006-01-02 15:04:05"), statuses[i%5],
				fmt.Sprintf("klant%d@example.nl", 1+i%max(1, n/3)), sal, phone,
				fmt.Sprintf("Dorpsstraat %d", 1+i%250), fmt.Sprintf("%d AB", 1000+i%9000), "Utrecht", "NL", 500+i%20000)
		}
		if _, err := db.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("fill %s: %w", table, err)
		}
	}
	return nil
}

// freshCopy replaces orders with an identical copy of the template and drops
// the sweeper's own tables, so that every measurement starts alike.
func freshCopy(ctx context.Context, db *sql.DB, tmpl string) error {
	for _, q := range []string{
		"DROP TABLE IF EXISTS orders",
		"DROP TABLE IF EXISTS sweeper_audit",
		"CREATE TABLE orders LIKE " + tmpl,
		"INSERT INTO orders SELECT * FROM " + tmpl,
		"ANALYZE TABLE orders",
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	return nil
}

func countWhere(ctx context.Context, db *sql.DB, q string, args ...any) (int64, error) {
	var n int64
	err := db.QueryRowContext(ctx, q, args...).Scan(&n)
	return n, err
}
