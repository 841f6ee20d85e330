package main

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/sweeperd/sweeper/internal/dbtest"
)

// parentShop is a shop on one database kind for the audit-by-key tests.
type parentShop struct {
	driver, dsn string
	db          *sql.DB
	// types of a time column and of the old audit table's id and at.
	timeType, idType, atType string
}

func parentShops(t *testing.T) map[string]func(t *testing.T) parentShop {
	return map[string]func(t *testing.T) parentShop{
		"MariaDB": func(t *testing.T) parentShop {
			dsn := dbtest.MySQL(t)
			return parentShop{driver: "mysql", dsn: dsn, db: dbtest.Open(t, dsn),
				timeType: "DATETIME", idType: "BIGINT AUTO_INCREMENT PRIMARY KEY", atType: "DATETIME(6)"}
		},
		"PostgreSQL": func(t *testing.T) parentShop {
			dsn := dbtest.Postgres(t)
			db, err := sql.Open("pgx", dsn)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			return parentShop{driver: "postgres", dsn: dsn, db: db,
				timeType: "TIMESTAMP", idType: "BIGSERIAL PRIMARY KEY", atType: "TIMESTAMP(6)"}
		},
		"SQLite": func(t *testing.T) parentShop {
			path := dbtest.SQLite(t)
			db, err := sql.Open("sqlite", path)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			return parentShop{driver: "sqlite", dsn: path, db: db,
				timeType: "TEXT", idType: "INTEGER PRIMARY KEY AUTOINCREMENT", atType: "TEXT"}
		},
	}
}

func (p parentShop) exec(t *testing.T, stmts ...string) {
	t.Helper()
	for _, q := range stmts {
		if _, err := p.db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// setup makes customers with addresses and orders, and orders with lines,
// whose keys collide on purpose: address 40 belongs to customer 41, order
// 40 is a guest order with a line of its own.
func (p parentShop) setup(t *testing.T) string {
	t.Helper()
	p.exec(t,
		fmt.Sprintf(`CREATE TABLE customers (id INTEGER PRIMARY KEY, last_login_at %s NOT NULL)`, p.timeType),
		`CREATE TABLE addresses (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL)`,
		fmt.Sprintf(`CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER, created_at %s NOT NULL)`, p.timeType),
		`CREATE TABLE order_lines (id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL)`,
		`INSERT INTO customers VALUES (40, '2015-01-01 10:00:00'), (41, '2015-01-01 10:00:00'), (42, '2026-01-01 10:00:00')`,
		`INSERT INTO addresses VALUES (1, 40), (2, 40), (40, 41), (3, 42)`,
		`INSERT INTO orders VALUES (7, 40, '2026-01-01 10:00:00'), (40, NULL, '2010-01-01 10:00:00'), (8, 42, '2026-01-01 10:00:00')`,
		`INSERT INTO order_lines VALUES (1, 40), (2, 7)`,
	)
	return writeFile(t, t.TempDir(), "config.toml", fmt.Sprintf(`
[database]
driver = %q
dsn = %q
[sweeper]
timezone = "Europe/Amsterdam"
[http]
listen = ""
[[rule]]
name = "account-idle-5y"
table = "customers"
age_column = "last_login_at"
older_than = "5 years"
action = "delete"
[[rule.related]]
table = "addresses"
foreign_key = "customer_id"
action = "delete"
[[rule.related]]
table = "orders"
foreign_key = "customer_id"
action = "detach"
[[rule]]
name = "order-7y"
table = "orders"
age_column = "created_at"
older_than = "7 years"
action = "delete"
[[rule.related]]
table = "order_lines"
foreign_key = "order_id"
action = "delete"
`, p.driver, p.dsn))
}

// auditRecords are the records audit --format json returns, as
// "table row_key action parent" (parent "-" when none).
func auditRecords(t *testing.T, cfg string, args ...string) ([]string, string) {
	t.Helper()
	code, out, stderr := runCLI(t, append([]string{"-c", cfg, "audit", "--format", "json"}, args...)...)
	var a opAudit
	if err := json.Unmarshal([]byte(out), &a); code != exitOK || err != nil {
		t.Fatalf("audit %v: exit %d, %v: %s%s", args, code, err, out, stderr)
	}
	var recs []string
	for _, r := range a.Records {
		parent := "-"
		if r.ParentKey != nil {
			parent = *r.ParentKey
		}
		recs = append(recs, strings.Join([]string{r.Table, r.RowKey, r.Action, parent}, " "))
	}
	slices.Sort(recs)
	return recs, stderr
}

// TestAudit_KeyFindsWhatWentWithTheRow asks "what was deleted for customer
// 40?" on each database: the customer's own record and the records of its
// related rows, which carry its key, and nothing of another table's row 40.
// An audit table of an earlier version, without parent_key, keeps working:
// sweeps write to it, audit lists the row's own records and says why, check
// prints the ALTER TABLE that upgrades it, and after that the related
// records of later sweeps are found.
func TestAudit_KeyFindsWhatWentWithTheRow(t *testing.T) {
	const asOf = "2026-11-22"
	for name, open := range parentShops(t) {
		t.Run(name, func(t *testing.T) {
			t.Run("NewTable", func(t *testing.T) {
				p := open(t)
				cfg := p.setup(t)
				if code, out, stderr := runCLI(t, "-c", cfg, "sweep", "--as-of", asOf); code != exitOK {
					t.Fatalf("sweep: exit %d: %s%s", code, out, stderr)
				}
				got, _ := auditRecords(t, cfg, "--table", "customers", "--key", "40")
				want := []string{
					"addresses 1 delete 40", "addresses 2 delete 40", "customers 40 delete -", "orders 7 detach 40",
				}
				if !slices.Equal(got, want) {
					t.Errorf("audit --table customers --key 40:\n got %q\nwant %q", got, want)
				}
				// The order rule's row 40 has its own story.
				got, _ = auditRecords(t, cfg, "--table", "orders", "--key", "40")
				if want := []string{"order_lines 1 delete 40", "orders 40 delete -"}; !slices.Equal(got, want) {
					t.Errorf("audit --table orders --key 40:\n got %q\nwant %q", got, want)
				}
				// Text: the PARENT column.
				code, out, _ := runCLI(t, "-c", cfg, "audit", "--table", "customers", "--key", "40")
				if code != exitOK || !regexp.MustCompile(`(?m)^AT +RULE +TABLE +KEY +PARENT +ACTION`).MatchString(out) ||
					!regexp.MustCompile(`(?m) addresses +1 +40 +delete `).MatchString(out) {
					t.Errorf("audit text lacks the PARENT column:\n%s", out)
				}
			})
			t.Run("OldTable", func(t *testing.T) {
				p := open(t)
				cfg := p.setup(t)
				p.exec(t, fmt.Sprintf(`CREATE TABLE sweeper_audit (id %s, run_id VARCHAR(32) NOT NULL, at %s NOT NULL,
					rule VARCHAR(64) NOT NULL, table_name VARCHAR(64) NOT NULL, row_key VARCHAR(191) NOT NULL,
					action VARCHAR(16) NOT NULL, detail VARCHAR(1024) NOT NULL DEFAULT '')`, p.idType, p.atType))
				if code, out, stderr := runCLI(t, "-c", cfg, "sweep", "--as-of", asOf); code != exitOK {
					t.Fatalf("sweep into an old audit table: exit %d: %s%s", code, out, stderr)
				}
				var n int
				if err := p.db.QueryRow(`SELECT COUNT(*) FROM sweeper_audit`).Scan(&n); err != nil || n != 8 {
					t.Errorf("old audit table: %d records (%v), want 8: 2 customers, 3 addresses, 1 order detached, 1 order, 1 line", n, err)
				}
				got, stderr := auditRecords(t, cfg, "--table", "customers", "--key", "40")
				if want := []string{"customers 40 delete -"}; !slices.Equal(got, want) || !strings.Contains(stderr, "no parent_key column") {
					t.Errorf("audit on an old table: got %q, stderr %q; want %q and a note why", got, stderr, want)
				}
				code, out, _ := runCLI(t, "-c", cfg, "check")
				m := regexp.MustCompile(`run once as the table's owner: (ALTER TABLE .*);`).FindStringSubmatch(out)
				if code != exitOK || m == nil {
					t.Fatalf("check on an old audit table: exit %d, want a warning with the ALTER TABLE:\n%s", code, out)
				}
				p.exec(t, m[1])
				if code, out, _ := runCLI(t, "-c", cfg, "check"); strings.Contains(out, "parent_key") {
					t.Errorf("check after the ALTER TABLE still warns (exit %d):\n%s", code, out)
				}
				p.exec(t, `INSERT INTO customers VALUES (43, '2015-01-01 10:00:00')`, `INSERT INTO addresses VALUES (5, 43)`)
				if code, out, stderr := runCLI(t, "-c", cfg, "sweep", "--as-of", asOf); code != exitOK {
					t.Fatalf("sweep after the upgrade: exit %d: %s%s", code, out, stderr)
				}
				got, stderr = auditRecords(t, cfg, "--table", "customers", "--key", "43")
				if want := []string{"addresses 5 delete 43", "customers 43 delete -"}; !slices.Equal(got, want) || stderr != "" {
					t.Errorf("audit after the upgrade: got %q, stderr %q; want %q", got, stderr, want)
				}
			})
		})
	}
}
