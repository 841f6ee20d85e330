package sweeper_test

import (
	"context"
	"strings"
	"testing"

	gomysql "github.com/go-sql-driver/mysql"

	"github.com/sweeperd/sweeper/internal/dbtest"
	"github.com/sweeperd/sweeper/sweeper"
)

func engCheck(f *fixture) []sweeper.Finding {
	return f.sw.Check(context.Background())
}

// engFinding returns the first finding of the severity and rule whose
// message holds every one of parts.
func engFinding(fs []sweeper.Finding, sev sweeper.Severity, rule string, parts ...string) (sweeper.Finding, bool) {
next:
	for _, f := range fs {
		if f.Severity != sev || f.Rule != rule {
			continue
		}
		for _, p := range parts {
			if !strings.Contains(f.Message, p) {
				continue next
			}
		}
		return f, true
	}
	return sweeper.Finding{}, false
}

func engWantFinding(t *testing.T, fs []sweeper.Finding, sev sweeper.Severity, rule string, parts ...string) sweeper.Finding {
	t.Helper()
	f, ok := engFinding(fs, sev, rule, parts...)
	if !ok {
		t.Errorf("findings: got %q, want a %s for rule %q mentioning %q", fs, sev, rule, parts)
	}
	return f
}

func engErrors(fs []sweeper.Finding) []sweeper.Finding {
	var out []sweeper.Finding
	for _, f := range fs {
		if f.Severity == sweeper.SeverityError {
			out = append(out, f)
		}
	}
	return out
}

// TestSweeper_Check holds check (docs/contract.md §1) to the schema: every problem that
// would make a rule fail at night, or worse do the wrong thing, is found now.
func TestSweeper_Check(t *testing.T) {
	schema := func(f *fixture) {
		f.exec(`CREATE TABLE customers (id AUTO_PK, email VARCHAR(100) NOT NULL, phone VARCHAR(30) NULL,
				last_login_at DATETIME NULL, created_at DATETIME NOT NULL, status VARCHAR(20) NOT NULL DEFAULT 'ok')`,
			`CREATE INDEX idx_customers_last_login_at ON customers (last_login_at)`,
			`CREATE INDEX idx_customers_created_at ON customers (created_at)`,
			`CREATE TABLE addresses (id AUTO_PK, customer_id BIGINT NOT NULL, street VARCHAR(100))`,
			`CREATE INDEX idx_addresses_customer_id ON addresses (customer_id)`,
			`CREATE TABLE orders (id AUTO_PK, customer_id BIGINT NULL, created_at DATETIME NOT NULL)`,
			`CREATE INDEX idx_orders_customer_id ON orders (customer_id)`,
			`CREATE INDEX idx_orders_created_at ON orders (created_at)`)
	}
	good := func(f *fixture) *sweeper.Rule {
		return f.rule(sweeper.Rule{Name: "account", Table: "customers", AgeColumns: []string{"last_login_at", "created_at"},
			OlderThan: years(5), Where: "customers.status <> 'disputed'", Action: sweeper.ActionDelete,
			Related: []sweeper.Related{
				{Table: "addresses", ForeignKey: []string{"customer_id"}, Action: sweeper.ActionDelete},
				{Table: "orders", ForeignKey: []string{"customer_id"}, Action: sweeper.ActionDetach},
			}})
	}

	t.Run("CleanConfigHasNoFindings", func(t *testing.T) {
		dialects(t, func(t *testing.T, f *fixture) {
			schema(f)
			good(f)
			f.rule(sweeper.Rule{Name: "phones", Table: "customers", AgeColumns: []string{"created_at"}, OlderThan: months(6),
				Action: sweeper.ActionAnonymise, Anonymise: []sweeper.ColumnStrategy{{Column: "phone", Strategy: sweeper.StrategyRedact}}})
			f.sweep(engAms(2026, 11, 22, 0, 0, 0), sweeper.SweepOptions{}) // creates the audit table
			if fs := engCheck(f); len(fs) != 0 {
				t.Errorf("findings: got %q, want none", fs)
			}
		})
	})

	t.Run("MissingTable", func(t *testing.T) {
		dialects(t, func(t *testing.T, f *fixture) {
			schema(f)
			f.rule(sweeper.Rule{Name: "ghost", Table: "no_such_table", AgeColumns: []string{"created_at"}, OlderThan: years(1), Action: sweeper.ActionDelete})
			r := good(f)
			r.Related = append(r.Related, sweeper.Related{Table: "no_such_children", ForeignKey: []string{"customer_id"}, Action: sweeper.ActionDelete})
			fs := engCheck(f)
			engWantFinding(t, fs, sweeper.SeverityError, "ghost", "no_such_table", "does not exist")
			engWantFinding(t, fs, sweeper.SeverityError, "account", "no_such_children", "does not exist")
		})
	})

	t.Run("MissingColumns", func(t *testing.T) {
		dialects(t, func(t *testing.T, f *fixture) {
			schema(f)
			f.rule(sweeper.Rule{Name: "typos", Table: "customers", AgeColumns: []string{"craeted_at"}, OlderThan: years(1),
				Action: sweeper.ActionAnonymise, Anonymise: []sweeper.ColumnStrategy{{Column: "phnoe", Strategy: sweeper.StrategyNull}},
				Related: []sweeper.Related{{Table: "addresses", ForeignKey: []string{"cutsomer_id"}, Action: sweeper.ActionDelete}}})
			f.rule(sweeper.Rule{Name: "badkey", Table: "customers", Key: "uid", AgeColumns: []string{"created_at"}, OlderThan: years(1), Action: sweeper.ActionDelete})
			fs := engCheck(f)
			// Every problem, not just the first.
			engWantFinding(t, fs, sweeper.SeverityError, "typos", "craeted_at")
			engWantFinding(t, fs, sweeper.SeverityError, "typos", "phnoe")
			engWantFinding(t, fs, sweeper.SeverityError, "typos", "cutsomer_id")
			engWantFinding(t, fs, sweeper.SeverityError, "badkey", "uid")
		})
	})

	t.Run("NoUsableKey", func(t *testing.T) {
		dialects(t, func(t *testing.T, f *fixture) {
			f.exec(`CREATE TABLE log_lines (line VARCHAR(200), created_at DATETIME NOT NULL)`,
				`CREATE TABLE order_lines (order_id BIGINT NOT NULL, line_no INT NOT NULL, created_at DATETIME NOT NULL, PRIMARY KEY (order_id, line_no))`,
				// The same, as a person writes it.
				`CREATE TABLE invoice_lines (
					invoice_id BIGINT NOT NULL,
					line_no INT NOT NULL,
					created_at DATETIME NOT NULL,
					PRIMARY KEY (invoice_id, line_no)
				)`)
			f.rule(sweeper.Rule{Name: "nokey", Table: "log_lines", AgeColumns: []string{"created_at"}, OlderThan: years(1), Action: sweeper.ActionDelete})
			f.rule(sweeper.Rule{Name: "composite", Table: "order_lines", AgeColumns: []string{"created_at"}, OlderThan: years(1), Action: sweeper.ActionDelete})
			f.rule(sweeper.Rule{Name: "composite-multiline", Table: "invoice_lines", AgeColumns: []string{"created_at"}, OlderThan: years(1), Action: sweeper.ActionDelete})
			f.rule(sweeper.Rule{Name: "named", Table: "order_lines", Key: "line_no", AgeColumns: []string{"created_at"}, OlderThan: years(1), Action: sweeper.ActionDelete})
			fs := engCheck(f)
			engWantFinding(t, fs, sweeper.SeverityError, "nokey", "no primary key", "key =")
			engWantFinding(t, fs, sweeper.SeverityError, "composite", "2 columns", "order_id", "line_no", "key =")
			engWantFinding(t, fs, sweeper.SeverityError, "composite-multiline", "2 columns", "invoice_id", "line_no", "key =")
		})
	})

	t.Run("KeyMustBeUnique", func(t *testing.T) {
		// A key that is not unique would make the batch's statements, which
		// address rows by key, reach rows that are not due.
		dialects(t, func(t *testing.T, f *fixture) {
			f.exec(`CREATE TABLE contacts (id AUTO_PK, email VARCHAR(100) NOT NULL, phone VARCHAR(30), created_at DATETIME NOT NULL)`)
			f.rule(sweeper.Rule{Name: "contacts", Table: "contacts", Key: "email", AgeColumns: []string{"created_at"}, OlderThan: years(1),
				Action: sweeper.ActionAnonymise, Anonymise: []sweeper.ColumnStrategy{{Column: "phone", Strategy: sweeper.StrategyNull}}})
			engWantFinding(t, engCheck(f), sweeper.SeverityError, "contacts", "email", "unique")
		})
	})

	t.Run("KeyMustNotBeNullable", func(t *testing.T) {
		dialects(t, func(t *testing.T, f *fixture) {
			f.exec(`CREATE TABLE contacts (id AUTO_PK, ext_id VARCHAR(20) NULL, created_at DATETIME NOT NULL)`,
				`CREATE UNIQUE INDEX contacts_ext_id ON contacts (ext_id)`)
			f.rule(sweeper.Rule{Name: "contacts", Table: "contacts", Key: "ext_id", AgeColumns: []string{"created_at"}, OlderThan: years(1), Action: sweeper.ActionDelete})
			engWantFinding(t, engCheck(f), sweeper.SeverityError, "contacts", "ext_id", "NULL")
		})
	})

	t.Run("DetachNeedsANullableForeignKey", func(t *testing.T) {
		dialects(t, func(t *testing.T, f *fixture) {
			schema(f)
			f.rule(sweeper.Rule{Name: "account", Table: "customers", AgeColumns: []string{"created_at"}, OlderThan: years(5), Action: sweeper.ActionDelete,
				Related: []sweeper.Related{{Table: "addresses", ForeignKey: []string{"customer_id"}, Action: sweeper.ActionDetach}}})
			engWantFinding(t, engCheck(f), sweeper.SeverityError, "account", "customer_id", "NOT NULL")
		})
	})

	t.Run("DetachNeedsANullableForeignKeyInFormattedDDL", func(t *testing.T) {
		// The schema as a person or a migration tool writes it, a column a line.
		dialects(t, func(t *testing.T, f *fixture) {
			f.exec(`CREATE TABLE customers (id AUTO_PK, created_at DATETIME NOT NULL)`,
				`CREATE TABLE addresses (
					id AUTO_PK,
					customer_id BIGINT NOT NULL,
					street VARCHAR(100) NULL
				)`)
			f.rule(sweeper.Rule{Name: "account", Table: "customers", AgeColumns: []string{"created_at"}, OlderThan: years(5), Action: sweeper.ActionDelete,
				Related: []sweeper.Related{{Table: "addresses", ForeignKey: []string{"customer_id"}, Action: sweeper.ActionDetach}}})
			engWantFinding(t, engCheck(f), sweeper.SeverityError, "account", "customer_id", "NOT NULL")
		})
	})

	t.Run("AgeColumnWithoutIndex", func(t *testing.T) {
		dialects(t, func(t *testing.T, f *fixture) {
			f.exec(`CREATE TABLE visits (id AUTO_PK, seen_at DATETIME NOT NULL)`)
			f.rule(sweeper.Rule{Name: "visits", Table: "visits", AgeColumns: []string{"seen_at"}, OlderThan: years(1), Action: sweeper.ActionDelete})
			fs := engCheck(f)
			stmt := "CREATE INDEX `idx_visits_seen_at` ON `visits` (`seen_at`);"
			engWantFinding(t, fs, sweeper.SeverityWarning, "visits", "seen_at", stmt)
			if errs := engErrors(fs); len(errs) != 0 {
				t.Errorf("errors: got %q, want none (a missing index is a warning)", errs)
			}
			// The statement works as written and silences the warning.
			f.exec(stmt)
			if _, ok := engFinding(engCheck(f), sweeper.SeverityWarning, "visits", "CREATE INDEX"); ok {
				t.Errorf("after %s: got the index warning again, want none", stmt)
			}
		})
	})

	t.Run("WhereAndAgeSQLThatDoNotRun", func(t *testing.T) {
		dialects(t, func(t *testing.T, f *fixture) {
			schema(f)
			f.rule(sweeper.Rule{Name: "badwhere", Table: "customers", AgeColumns: []string{"created_at"}, OlderThan: years(1),
				Where: "no_such_column = 'x'", Action: sweeper.ActionDelete})
			f.rule(sweeper.Rule{Name: "badagesql", Table: "customers", AgeSQL: "(SELECT MAX(at) FROM no_such_logins WHERE customer_id = customers.id)",
				OlderThan: years(1), Action: sweeper.ActionDelete})
			good(f)
			fs := engCheck(f)
			engWantFinding(t, fs, sweeper.SeverityError, "badwhere", "where", "no_such_column")
			engWantFinding(t, fs, sweeper.SeverityError, "badagesql", "age_sql", "no_such_logins")
			if _, ok := engFinding(fs, sweeper.SeverityError, "account"); ok {
				t.Errorf("findings: got an error for the good rule, want none: %q", fs)
			}
		})
	})

	t.Run("AgeColumnMustHoldATime", func(t *testing.T) {
		dialects(t, func(t *testing.T, f *fixture) {
			f.exec(`CREATE TABLE wp_users (id AUTO_PK, registered INT NOT NULL)`)
			f.rule(sweeper.Rule{Name: "unix", Table: "wp_users", AgeColumns: []string{"registered"}, OlderThan: years(1), Action: sweeper.ActionDelete})
			engWantFinding(t, engCheck(f), sweeper.SeverityError, "unix", "registered", "age_sql")
		})
	})

	t.Run("AgeColumnsOfOneKind", func(t *testing.T) {
		t.Run("mysql", func(t *testing.T) {
			f := setup(t, dbMySQL)
			f.exec(`CREATE TABLE mixed (id AUTO_PK, last_seen TIMESTAMP NULL, created_at DATETIME NOT NULL)`)
			f.rule(sweeper.Rule{Name: "mixed", Table: "mixed", AgeColumns: []string{"last_seen", "created_at"}, OlderThan: years(1), Action: sweeper.ActionDelete})
			engWantFinding(t, engCheck(f), sweeper.SeverityError, "mixed", "last_seen", "created_at", "mixes")
		})
		t.Run("sqlite", func(t *testing.T) {
			f := setup(t, dbSQLite)
			f.exec(`CREATE TABLE mixed (id AUTO_PK, ended_on DATE NULL, created_at DATETIME NOT NULL)`)
			f.rule(sweeper.Rule{Name: "mixed", Table: "mixed", AgeColumns: []string{"ended_on", "created_at"}, OlderThan: years(1), Action: sweeper.ActionDelete})
			engWantFinding(t, engCheck(f), sweeper.SeverityError, "mixed", "ended_on", "created_at", "mixes")
		})
	})

	t.Run("RedactTextMustFit", func(t *testing.T) {
		dialects(t, func(t *testing.T, f *fixture) {
			f.exec(`CREATE TABLE orders (id AUTO_PK, salutation VARCHAR(5) NULL, title VARCHAR(12) NULL, created_at DATETIME NOT NULL)`)
			f.rule(sweeper.Rule{Name: "orders", Table: "orders", AgeColumns: []string{"created_at"}, OlderThan: years(1), Action: sweeper.ActionAnonymise,
				Anonymise: []sweeper.ColumnStrategy{{Column: "salutation", Strategy: sweeper.StrategyRedact}, {Column: "title", Strategy: sweeper.StrategyRedact}}})
			fs := engCheck(f)
			engWantFinding(t, fs, sweeper.SeverityError, "orders", "salutation", "redact_text")
			// "[verwijderd]" is 12 characters: it fits.
			if _, ok := engFinding(fs, sweeper.SeverityError, "orders", "title"); ok {
				t.Errorf("findings: got one for title VARCHAR(12), want none: %q", fs)
			}
		})
	})

	t.Run("AuditTableMissing", func(t *testing.T) {
		dialects(t, func(t *testing.T, f *fixture) {
			schema(f)
			good(f)
			fs := engCheck(f)
			engWantFinding(t, fs, sweeper.SeverityWarning, "", "sweeper_audit")
			if errs := engErrors(fs); len(errs) != 0 {
				t.Errorf("errors: got %q, want none", errs)
			}
			if engHasTable(f, "sweeper_audit") {
				t.Errorf("audit table after check: got it, want check to create nothing")
			}
			f.sweep(engAms(2026, 11, 22, 0, 0, 0), sweeper.SweepOptions{})
			if _, ok := engFinding(engCheck(f), sweeper.SeverityWarning, "", "sweeper_audit"); ok {
				t.Errorf("after a sweep: got the audit table warning, want none")
			}
		})
	})

	t.Run("IdentifiersOnlyReachSQLQuoted", func(t *testing.T) {
		dialects(t, func(t *testing.T, f *fixture) {
			schema(f)
			f.exec(`CREATE TABLE x (id AUTO_PK)`, `INSERT INTO x (id) VALUES (1)`,
				`INSERT INTO orders (customer_id, created_at) VALUES (NULL, '2015-01-01 00:00:00')`)
			evil := "; DROP TABLE x; --"
			f.rule(sweeper.Rule{Name: "table", Table: "orders`" + evil, AgeColumns: []string{"created_at"}, OlderThan: years(1), Action: sweeper.ActionDelete})
			f.rule(sweeper.Rule{Name: "column", Table: "orders", AgeColumns: []string{"created_at`" + evil}, OlderThan: years(1), Action: sweeper.ActionDelete})
			f.rule(sweeper.Rule{Name: "key", Table: "orders", Key: "id`" + evil, AgeColumns: []string{"created_at"}, OlderThan: years(1), Action: sweeper.ActionDelete})
			f.rule(sweeper.Rule{Name: "anonymise", Table: "orders", AgeColumns: []string{"created_at"}, OlderThan: years(1), Action: sweeper.ActionAnonymise,
				Anonymise: []sweeper.ColumnStrategy{{Column: "customer_id`" + evil, Strategy: sweeper.StrategyNull}}})
			f.rule(sweeper.Rule{Name: "related", Table: "customers", AgeColumns: []string{"created_at"}, OlderThan: years(1), Action: sweeper.ActionDelete,
				Related: []sweeper.Related{{Table: "addresses`" + evil, ForeignKey: []string{"customer_id"}, Action: sweeper.ActionDelete},
					{Table: "orders", ForeignKey: []string{"customer_id`" + evil}, Action: sweeper.ActionDetach}}})
			f.cfg.Sweeper.AuditTable = "audit`" + evil
			fs := engCheck(f)
			for _, name := range []string{"table", "column", "key", "anonymise", "related"} {
				if _, ok := engFinding(fs, sweeper.SeverityError, name); !ok {
					t.Errorf("rule %q: got no error finding, want one; findings %q", name, fs)
				}
			}
			if !engHasTable(f, "x") || f.count(`SELECT COUNT(*) FROM x`) != 1 {
				t.Fatalf("table x after check: got it dropped or emptied, want it intact")
			}
			// A sweep refuses the rules too, and the audit table name is no way in.
			f.cfg.Sweeper.AuditTable = "sweeper_audit"
			rep, err := engSweep(f, engAms(2026, 11, 22, 0, 0, 0), sweeper.SweepOptions{})
			pe := engPartial(t, err)
			if len(pe.Failed) != 5 {
				t.Errorf("failed rules: got %d, want 5", len(pe.Failed))
			}
			for _, rr := range rep.Rules {
				if rr.Rows != 0 {
					t.Errorf("rule %s: got %d rows, want 0", rr.Name, rr.Rows)
				}
			}
			if !engHasTable(f, "x") || f.count(`SELECT COUNT(*) FROM x`) != 1 {
				t.Errorf("table x after sweep: got it dropped or emptied, want it intact")
			}
			if got := f.count(`SELECT COUNT(*) FROM orders`); got != 1 {
				t.Errorf("orders: got %d, want 1", got)
			}
		})
	})

	t.Run("NamesStayInTheShopsDatabase", func(t *testing.T) {
		// A dotted name is one identifier, not database.table: a rule must
		// not reach another database on the same server.
		f := setup(t, dbMySQL)
		other := dbtest.MySQL(t)
		dbtest.Exec(t, other,
			`CREATE TABLE customers (id BIGINT AUTO_INCREMENT PRIMARY KEY, created_at DATETIME NOT NULL)`,
			`INSERT INTO customers (created_at) VALUES ('2015-01-01 00:00:00')`)
		cfg, err := gomysql.ParseDSN(other)
		if err != nil {
			t.Fatal(err)
		}
		f.rule(sweeper.Rule{Name: "elsewhere", Table: cfg.DBName + ".customers", AgeColumns: []string{"created_at"}, OlderThan: years(1), Action: sweeper.ActionDelete})
		engWantFinding(t, engCheck(f), sweeper.SeverityError, "elsewhere", "does not exist")
		engSweep(f, engAms(2026, 11, 22, 0, 0, 0), sweeper.SweepOptions{})
		var n int
		if err := dbtest.Open(t, other).QueryRow(`SELECT COUNT(*) FROM customers`).Scan(&n); err != nil || n != 1 {
			t.Errorf("rows in the other database: got %d (%v), want 1", n, err)
		}
	})
}

// A partial unique index covers only some rows; the others may share a
// key, so it must not make a column a usable key.
func TestSweeper_CheckPartialUniqueIndexIsNoKey(t *testing.T) {
	f := setup(t, dbSQLite)
	f.exec(`CREATE TABLE contacts (id AUTO_PK, ref VARCHAR(20) NOT NULL, created_at DATETIME NOT NULL)`,
		`CREATE UNIQUE INDEX contacts_ref_live ON contacts (ref) WHERE created_at > '2020-01-01'`,
		`CREATE INDEX contacts_created ON contacts (created_at)`)
	f.rule(sweeper.Rule{Name: "contacts", Table: "contacts", Key: "ref", AgeColumns: []string{"created_at"},
		OlderThan: years(1), Action: sweeper.ActionDelete})
	found := false
	for _, fd := range f.sw.Check(t.Context()) {
		if fd.Severity == sweeper.SeverityError && strings.Contains(fd.Message, "not unique") {
			found = true
		}
	}
	if !found {
		t.Errorf("check: got no 'not unique' error for a key under a partial unique index")
	}
}

// Foreign keys into a delete rule's table that the rule does not list
// under related are reported: RESTRICT as a warning (batches fail at night,
// nothing is lost), CASCADE as an error (rows would go without audit
// records; sweep refuses the rule, TestSweeper_ForeignKeys).
func TestSweeper_CheckForeignKeys(t *testing.T) {
	dialects(t, func(t *testing.T, f *fixture) {
		f.exec(`CREATE TABLE customers (id AUTO_PK, created_at DATETIME NOT NULL)`,
			`CREATE INDEX customers_created ON customers (created_at)`,
			`CREATE TABLE addresses (id AUTO_PK, customer_id BIGINT NOT NULL, FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE RESTRICT)`,
			`CREATE INDEX addresses_customer ON addresses (customer_id)`,
			`CREATE TABLE orders (id AUTO_PK, customer_id BIGINT NULL, FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE RESTRICT)`,
			`CREATE TABLE notes (id AUTO_PK, customer_id BIGINT NOT NULL, FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE)`)
		f.rule(sweeper.Rule{Name: "account", Table: "customers", AgeColumns: []string{"created_at"}, OlderThan: years(5),
			Action: sweeper.ActionDelete, Related: []sweeper.Related{{Table: "addresses", ForeignKey: []string{"customer_id"}, Action: sweeper.ActionDelete}}})
		var fkFindings []string
		for _, fd := range f.sw.Check(t.Context()) {
			if strings.Contains(fd.Message, "refers to customers") {
				fkFindings = append(fkFindings, fd.String())
			} else if fd.Severity == sweeper.SeverityError {
				t.Errorf("unexpected error: %s", fd)
			}
		}
		joined := strings.Join(fkFindings, "\n")
		if len(fkFindings) != 2 {
			t.Fatalf("foreign key findings: got %q, want one for orders.customer_id and one for notes.customer_id", fkFindings)
		}
		if !strings.Contains(joined, "warning: rule \"account\": orders.customer_id refers to customers") ||
			!strings.Contains(joined, "(ON DELETE RESTRICT): deleting a referenced row fails its whole batch") {
			t.Errorf("RESTRICT should be a warning that the batch fails: %s", joined)
		}
		if !strings.Contains(joined, "error: rule \"account\": notes.customer_id refers to customers") ||
			!strings.Contains(joined, "(ON DELETE CASCADE): deleting from customers makes the database delete those rows along, without audit records") {
			t.Errorf("CASCADE should be an error saying the rows go without audit records: %s", joined)
		}
		if strings.Contains(joined, "addresses") {
			t.Errorf("addresses is listed under related and needs no finding: %s", joined)
		}
	})
}
