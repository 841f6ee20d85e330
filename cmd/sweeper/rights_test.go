package main

import (
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// rightsShop writes a SQLite shop of two people with the e-mail addresses
// jan@example.com and jan@example.co, their addresses and orders, and a
// config with a data map and a rule on each table; it returns the config.
func rightsShop(t *testing.T) (cfg string, db *sql.DB) {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "shop.db")
	db, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	for _, q := range []string{
		`CREATE TABLE customers (id INTEGER PRIMARY KEY, email VARCHAR(100) NOT NULL, name VARCHAR(100) NOT NULL, phone VARCHAR(30),
			created_at DATETIME NOT NULL)`,
		`CREATE TABLE addresses (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL, street VARCHAR(100))`,
		`CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NULL, phone VARCHAR(30), created_at DATETIME NOT NULL)`,
		`INSERT INTO customers VALUES (1, 'jan@example.com', 'Jan Jansen', '06-22222222', '2015-01-01 00:00:00'),
			(11, 'jan@example.co', 'Jan Janssen', '06-22222222', '2015-01-01 00:00:00')`,
		`INSERT INTO addresses VALUES (1, 1, 'Dorpsstraat 1'), (2, 11, 'Dorpsstraat 11')`,
		`INSERT INTO orders VALUES (1, 1, '06-22222222', '2019-01-01 00:00:00'), (2, 11, '06-22222222', '2019-01-01 00:00:00')`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	cfg = writeFile(t, dir, "config.toml", `
[database]
driver = "sqlite"
dsn = "`+path+`"
[sweeper]
timezone = "Europe/Amsterdam"
[http]
listen = ""
[log]
level = "debug"
[subject]
table = "customers"
match = ["email", "phone"]
[[subject.link]]
table = "addresses"
column = "customer_id"
[[subject.link]]
table = "orders"
column = "customer_id"
[[rule]]
name = "account-5y"
table = "customers"
age_column = "created_at"
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
`+validRule+`
[[rule]]
name = "order-7y"
basis = "fiscale bewaarplicht: 7 jaar"
table = "orders"
age_column = "created_at"
older_than = "7 years"
action = "delete"
keep_on_request = true
`)
	return cfg, db
}

// TestExport_CLI holds export's command line to docs/contract.md §6.1:
// one JSON document of the person's rows on standard output or in a new
// file only its owner reads; a value that names nobody or two people
// exits 1 with no data and without echoing the value.
func TestExport_CLI(t *testing.T) {
	cfg, _ := rightsShop(t)
	code, stdout, stderr := runCLI(t, "-c", cfg, "export", "--subject", "jan@example.com")
	if code != exitOK {
		t.Fatalf("export: exit %d: %s", code, stderr)
	}
	var doc struct {
		Subject struct {
			Table string `json:"table"`
			Key   int    `json:"key"`
		} `json:"subject"`
		ExportedAt string                      `json:"exported_at"`
		Tables     map[string][]map[string]any `json:"tables"`
	}
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatalf("export is not JSON: %v\n%s", err, stdout)
	}
	if doc.Subject.Table != "customers" || doc.Subject.Key != 1 || doc.ExportedAt == "" {
		t.Errorf("subject: got %+v %q", doc.Subject, doc.ExportedAt)
	}
	if len(doc.Tables["customers"]) != 1 || len(doc.Tables["addresses"]) != 1 || len(doc.Tables["orders"]) != 1 {
		t.Fatalf("tables: got %v, want one row each", doc.Tables)
	}
	if c := doc.Tables["customers"][0]; c["email"] != "jan@example.com" || c["created_at"] != "2015-01-01T00:00:00+01:00" {
		t.Errorf("customer row: got %v", c)
	}
	if strings.Contains(stdout, "Janssen") || strings.Contains(stdout, "Dorpsstraat 11") {
		t.Errorf("the export holds the other person's data:\n%s", stdout)
	}

	out := filepath.Join(t.TempDir(), "jan.json")
	if code, _, stderr := runCLI(t, "-c", cfg, "export", "--subject", "1", "-o", out); code != exitOK {
		t.Fatalf("export -o: exit %d: %s", code, stderr)
	}
	st, err := os.Stat(out)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("export file mode: got %v, want 0600", st.Mode().Perm())
	}
	before, _ := os.ReadFile(out)
	if code, _, stderr := runCLI(t, "-c", cfg, "export", "--subject", "11", "-o", out); code != exitInvalid || !strings.Contains(stderr, "never overwritten") {
		t.Errorf("export -o over a file: exit %d (%s), want %d", code, stderr, exitInvalid)
	}
	if after, _ := os.ReadFile(out); string(after) != string(before) {
		t.Errorf("export -o changed the existing file")
	}

	for _, tc := range []struct{ value, says string }{
		{"jan@example", "no person"},
		{"06-22222222", "keys 1, 11"},
	} {
		code, stdout, stderr := runCLI(t, "-c", cfg, "export", "--subject", tc.value)
		if code != exitFailed || stdout != "" || !strings.Contains(stderr, tc.says) {
			t.Errorf("export %s: exit %d, stdout %q, stderr %q; want exit 1, nothing out, %q", tc.value, code, stdout, stderr, tc.says)
		}
		if strings.Contains(stderr, tc.value) {
			t.Errorf("export %s: the error echoes the value: %s", tc.value, stderr)
		}
	}
	code, stdout, _ = runCLI(t, "-c", cfg, "audit", "--format", "json")
	if code != exitOK || strings.Count(stdout, `"row_key":"1","action":"export"`) != 2 {
		t.Errorf("audit: got exit %d and\n%s\nwant two export records", code, stdout)
	}
}

// TestHold_CLI holds hold, holds and release to docs/contract.md §6.2 on
// the command line, and erase --subject to §6.3: a held person is refused
// whole; released, every rule does its part and the kept rows are listed
// under the basis.
func TestHold_CLI(t *testing.T) {
	cfg, db := rightsShop(t)
	if code, stdout, stderr := runCLI(t, "-c", cfg, "hold", "--subject", "jan@example.com", "--reason", "geschil, dossier 17",
		"--until", "2099-01-01"); code != exitOK || !strings.Contains(stdout, "held: customers 1 until 2099-01-01 00:00 CET") {
		t.Fatalf("hold: exit %d: %s %s", code, stdout, stderr)
	}
	code, stdout, _ := runCLI(t, "-c", cfg, "holds")
	if code != exitOK || !strings.Contains(stdout, "in force") || !strings.Contains(stdout, "geschil, dossier 17") {
		t.Errorf("holds: exit %d:\n%s", code, stdout)
	}
	code, stdout, _ = runCLI(t, "-c", cfg, "plan", "--format", "json")
	var plan struct {
		Rules []struct {
			Name      string `json:"name"`
			Due, Held int
		} `json:"rules"`
	}
	if err := json.Unmarshal([]byte(stdout), &plan); code != exitOK || err != nil {
		t.Fatalf("plan: exit %d, %v:\n%s", code, err, stdout)
	}
	for _, r := range plan.Rules {
		if r.Due != 1 || r.Held != 1 {
			t.Errorf("plan of %s: due %d, held %d; want 1 each (Jan held, Jan Janssen due)", r.Name, r.Due, r.Held)
		}
	}
	if code, stdout, _ = runCLI(t, "-c", cfg, "sweep", "--dry-run"); code != exitOK || strings.Count(stdout, "kept by holds: 1 row due by age") != 3 {
		t.Errorf("sweep --dry-run: exit %d, want three rules with a row kept by holds:\n%s", code, stdout)
	}
	code, stdout, stderr := runCLI(t, "-c", cfg, "erase", "--subject", "1")
	if code != exitFailed || !strings.Contains(stderr, "under a hold") {
		t.Errorf("erase --subject of a held person: exit %d: %s %s", code, stdout, stderr)
	}
	if n := scalar(t, db, `SELECT COUNT(*) FROM customers`); n != 2 {
		t.Fatalf("customers: got %d, want 2", n)
	}
	if code, _, stderr := runCLI(t, "-c", cfg, "hold", "--subject", "1", "--reason", " "); code != exitInvalid {
		t.Errorf("hold without a reason: exit %d (%s), want %d", code, stderr, exitInvalid)
	}
	if code, stdout, stderr := runCLI(t, "-c", cfg, "release", "--subject", "jan@example.com"); code != exitOK || !strings.Contains(stdout, "released: customers 1") {
		t.Fatalf("release: exit %d: %s %s", code, stdout, stderr)
	}

	code, stdout, stderr = runCLI(t, "-c", cfg, "erase", "--subject", "jan@example.com")
	if code != exitOK {
		t.Fatalf("erase --subject: exit %d: %s %s", code, stdout, stderr)
	}
	for _, want := range []string{"erase on request of customers 1", "account-5y", "1 erased", "related: addresses delete 1, orders detach 1",
		"kept: 1 row", "order-7y: orders 1", "basis: fiscale bewaarplicht: 7 jaar"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("erase --subject output lacks %q:\n%s", want, stdout)
		}
	}
	if n := scalar(t, db, `SELECT COUNT(*) FROM customers WHERE id = 11`); n != 1 {
		t.Errorf("the other person is gone")
	}
	if n := scalar(t, db, `SELECT COUNT(*) FROM orders WHERE id = 1 AND customer_id IS NULL AND phone IS NULL`); n != 1 {
		t.Errorf("order 1: want it kept, detached and without its phone number")
	}
	if code, _, stderr := runCLI(t, "-c", cfg, "erase", "--subject", "1", "--rule", "account-5y"); code != exitInvalid {
		t.Errorf("erase --subject with --rule: exit %d (%s), want %d", code, stderr, exitInvalid)
	}
}

// rightsDump renders every row of the shop, to compare two states.
func rightsDump(t *testing.T, db *sql.DB) string {
	t.Helper()
	var sb strings.Builder
	for _, q := range []string{
		`SELECT id || '|' || email || '|' || name || '|' || COALESCE(phone, 'NULL') FROM customers ORDER BY id`,
		`SELECT id || '|' || customer_id || '|' || COALESCE(street, 'NULL') FROM addresses ORDER BY id`,
		`SELECT id || '|' || COALESCE(customer_id, 'NULL') || '|' || COALESCE(phone, 'NULL') FROM orders ORDER BY id`,
	} {
		rows, err := db.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			sb.WriteString(s + "\n")
		}
		rows.Close()
	}
	return sb.String()
}

// TestReplay_CLI holds replay's command line to docs/contract.md §6.4
// with a SQLite shop restored from a copy of its file: the records saved
// with audit --format json before the restore bring the erasure back.
func TestReplay_CLI(t *testing.T) {
	cfg, db := rightsShop(t)
	dir := filepath.Dir(cfg)
	shopFile := filepath.Join(dir, "shop.db")
	backup, err := os.ReadFile(shopFile)
	if err != nil {
		t.Fatal(err)
	}
	since := time.Now().UTC().Format(time.RFC3339Nano)
	if code, stdout, stderr := runCLI(t, "-c", cfg, "erase", "--subject", "jan@example.com"); code != exitOK {
		t.Fatalf("erase --subject: exit %d: %s %s", code, stdout, stderr)
	}
	want := rightsDump(t, db)
	code, records, stderr := runCLI(t, "-c", cfg, "audit", "--since", since, "--format", "json")
	if code != exitOK {
		t.Fatalf("audit: exit %d: %s", code, stderr)
	}
	recordsFile := writeFile(t, dir, "records.json", records)

	if err := os.WriteFile(shopFile, backup, 0o600); err != nil {
		t.Fatal(err)
	}
	restored := rightsDump(t, db)
	if restored == want {
		t.Fatalf("the restore changed nothing: the test proves nothing")
	}
	code, stdout, stderr := runCLI(t, "-c", cfg, "replay", "--since", since, "--from", recordsFile, "--dry-run")
	if code != exitOK || !strings.Contains(stdout, "would be erased") || rightsDump(t, db) != restored {
		t.Errorf("replay --dry-run: exit %d, the shop changed or it says nothing would happen:\n%s%s", code, stdout, stderr)
	}
	code, stdout, stderr = runCLI(t, "-c", cfg, "replay", "--since", since, "--from", recordsFile)
	if code != exitOK {
		t.Fatalf("replay: exit %d: %s %s", code, stdout, stderr)
	}
	for _, w := range []string{"account-5y", "order-phone-6m", "1 erased"} {
		if !strings.Contains(stdout, w) {
			t.Errorf("replay output lacks %q:\n%s", w, stdout)
		}
	}
	if got := rightsDump(t, db); got != want {
		t.Errorf("after the replay:\n%s\nwant, as before the restore:\n%s", got, want)
	}
	code, stdout, _ = runCLI(t, "-c", cfg, "audit", "--format", "csv")
	if code != exitOK || strings.Count(stdout, "replay of run ") != 4 {
		t.Errorf("audit: want four records saying replay (customer, address, order detached, phone):\n%s", stdout)
	}
	if code, stdout, stderr = runCLI(t, "-c", cfg, "replay", "--since", since, "--from", recordsFile); code != exitOK ||
		!strings.Contains(stdout, "already gone") {
		t.Errorf("second replay: exit %d: %s %s", code, stdout, stderr)
	}
	bad := writeFile(t, dir, "bad.json", `{"totals": []}`)
	if code, _, stderr = runCLI(t, "-c", cfg, "replay", "--since", since, "--from", bad); code != exitFailed ||
		!strings.Contains(stderr, `has no "records"`) {
		t.Errorf("replay of a file without records: exit %d: %s", code, stderr)
	}
	if code, _, stderr = runCLI(t, "-c", cfg, "replay", "--from", recordsFile); code != exitInvalid {
		t.Errorf("replay without --since: exit %d (%s), want %d", code, stderr, exitInvalid)
	}
}
