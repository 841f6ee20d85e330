package main

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	gomysql "github.com/go-sql-driver/mysql"

	"github.com/sweeperd/sweeper/internal/dbtest"
	"github.com/sweeperd/sweeper/internal/smtptest"
)

// The least privilege of README's "Grants (least privilege)": the sweeper
// works with exactly the grants listed there, plan with SELECT alone, and
// a missing grant fails the sweep with MariaDB's own message naming it.

// privGrants are README's GRANT statements for the test shop, with "%s"
// for the database and the user: SELECT on the whole database (so that
// every foreign key is visible, and disputes, only read in `where`, needs
// nothing of its own), customers deleted, addresses deleted with them,
// orders detached (UPDATE), members deleted after a reminder, customers'
// photos removed.
var privGrants = []string{
	"GRANT SELECT ON %[1]s.* TO %[2]s",
	"GRANT DELETE ON %[1]s.customers TO %[2]s",
	"GRANT DELETE ON %[1]s.addresses TO %[2]s",
	"GRANT DELETE ON %[1]s.members TO %[2]s",
	"GRANT UPDATE, DELETE ON %[1]s.orders TO %[2]s",
	"GRANT INSERT, CREATE ON %[1]s.sweeper_audit TO %[2]s",
	"GRANT INSERT, UPDATE, DELETE, CREATE ON %[1]s.sweeper_reminders TO %[2]s",
	"GRANT INSERT, DELETE, CREATE ON %[1]s.sweeper_files TO %[2]s",
	"GRANT INSERT, UPDATE, CREATE ON %[1]s.sweeper_runs TO %[2]s",
}

// privTableGrants are grants on single tables only, as README recommended
// before: the user cannot see the tables it has no grant on, nor their
// foreign keys.
var privTableGrants = []string{
	"GRANT SELECT, DELETE ON %[1]s.customers TO %[2]s",
	"GRANT SELECT, DELETE ON %[1]s.addresses TO %[2]s",
	"GRANT SELECT, DELETE ON %[1]s.members TO %[2]s",
	"GRANT SELECT, UPDATE, DELETE ON %[1]s.orders TO %[2]s",
	"GRANT SELECT ON %[1]s.disputes TO %[2]s",
	"GRANT SELECT, INSERT, CREATE ON %[1]s.sweeper_audit TO %[2]s",
	"GRANT SELECT, INSERT, UPDATE, DELETE, CREATE ON %[1]s.sweeper_reminders TO %[2]s",
	"GRANT SELECT, INSERT, DELETE, CREATE ON %[1]s.sweeper_files TO %[2]s",
	"GRANT SELECT, INSERT, UPDATE, CREATE ON %[1]s.sweeper_runs TO %[2]s",
}

// privUser creates a user that logs in over TCP with a password (as
// '%' and as 'localhost', so that it is found whichever way the server
// matches 127.0.0.1), gives it grants, and drops it in cleanup. It returns
// the DSN of the database as that user.
func privUser(t *testing.T, root *sql.DB, dsn string, grants []string) string {
	t.Helper()
	cfg, err := gomysql.ParseDSN(dsn)
	if err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	user, password := "sweeper_priv_"+hex.EncodeToString(b), "pw-"+hex.EncodeToString(b)
	for _, host := range []string{"%", "localhost"} {
		who := fmt.Sprintf("'%s'@'%s'", user, host)
		if _, err := root.Exec(fmt.Sprintf("CREATE USER %s IDENTIFIED BY '%s'", who, password)); err != nil {
			t.Fatalf("create user: %v", err)
		}
		t.Cleanup(func() {
			if _, err := root.Exec("DROP USER IF EXISTS " + who); err != nil {
				t.Errorf("drop user %s: %v", who, err)
			}
		})
		for _, g := range grants {
			q := fmt.Sprintf(g, "`"+cfg.DBName+"`", who)
			if _, err := root.Exec(q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
	}
	cfg.User, cfg.Passwd = user, password
	return cfg.FormatDSN()
}

// privShop is the test shop: 20 idle customers (one of them in a dispute)
// with addresses, orders and photos, 5 customers active last month, and
// 3 idle members who get a reminder before they are deleted.
func privShop(t *testing.T, dsn, photos string) {
	t.Helper()
	stmts := []string{
		`CREATE TABLE customers (id BIGINT PRIMARY KEY, email VARCHAR(100) NOT NULL, photo_path VARCHAR(100) NULL,
			last_login_at DATETIME NULL, created_at DATETIME NOT NULL, INDEX (last_login_at), INDEX (created_at))`,
		`CREATE TABLE addresses (id BIGINT PRIMARY KEY, customer_id BIGINT NOT NULL, street VARCHAR(100) NOT NULL, INDEX (customer_id))`,
		`CREATE TABLE orders (id BIGINT PRIMARY KEY, customer_id BIGINT NULL, total_cents INT NOT NULL, INDEX (customer_id))`,
		`CREATE TABLE disputes (id BIGINT PRIMARY KEY, customer_id BIGINT NOT NULL, INDEX (customer_id))`,
		`CREATE TABLE members (id BIGINT PRIMARY KEY, email VARCHAR(100) NOT NULL, first_name VARCHAR(50) NOT NULL,
			created_at DATETIME NOT NULL, INDEX (created_at))`,
		`INSERT INTO disputes VALUES (1, 7)`,
		`INSERT INTO members VALUES (1, 'lid1@example.invalid', 'Lid', '2015-01-01 00:00:00'),
			(2, 'lid2@example.invalid', 'Lid', '2015-01-01 00:00:00'), (3, 'lid3@example.invalid', 'Lid', '2015-01-01 00:00:00')`,
	}
	for id := 1; id <= 25; id++ {
		login := "NULL"
		if id > 20 {
			login = "'2026-10-01 12:00:00'"
		}
		photo := fmt.Sprintf("c%d.jpg", id)
		if err := os.WriteFile(filepath.Join(photos, photo), []byte("jpeg"), 0o644); err != nil {
			t.Fatal(err)
		}
		stmts = append(stmts,
			fmt.Sprintf(`INSERT INTO customers VALUES (%d, 'klant%d@example.invalid', '%s', %s, '2015-01-01 00:00:00')`, id, id, photo, login),
			fmt.Sprintf(`INSERT INTO addresses VALUES (%d, %d, 'Teststraat %d'), (%d, %d, 'Proefweg %d')`, id*2, id, id, id*2+1, id, id),
			fmt.Sprintf(`INSERT INTO orders VALUES (%d, %d, 1000)`, id, id))
	}
	dbtest.Exec(t, dsn, stmts...)
}

// privConfig writes the test shop's config; related is added to the
// account rule's [[rule.related]] tables, as TOML.
func privConfig(t *testing.T, dir, dsn, photos string, smtpPort int, related ...string) string {
	t.Helper()
	name := fmt.Sprintf("config-%s-%d.toml", strings.SplitN(dsn, ":", 2)[0], len(related))
	return writeFile(t, dir, name, fmt.Sprintf(`
[database]
driver = "mysql"
dsn = %q
[sweeper]
timezone = "Europe/Amsterdam"
batch_size = 5
[http]
listen = ""
[mail]
host = "127.0.0.1"
port = %d
tls = "none"
from = "Testwinkel <info@example.invalid>"
[[rule]]
name = "account-idle-5y"
table = "customers"
age_column = ["last_login_at", "created_at"]
older_than = "5 years"
where = "NOT EXISTS (SELECT 1 FROM disputes d WHERE d.customer_id = customers.id)"
action = "delete"
[[rule.related]]
table = "addresses"
foreign_key = "customer_id"
action = "delete"
[[rule.related]]
table = "orders"
foreign_key = "customer_id"
action = "detach"
%s
[rule.files]
column = "photo_path"
root = %q
`, dsn, smtpPort, strings.Join(related, "\n"), photos)+memberRule(t, dir))
}

// privChecksum is CHECKSUM TABLE of every table of the shop.
func privChecksum(t *testing.T, db *sql.DB) string {
	t.Helper()
	rows, err := db.Query(`SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() ORDER BY table_name`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	var sb strings.Builder
	for _, tbl := range tables {
		var name string
		var sum sql.NullInt64
		if err := db.QueryRow("CHECKSUM TABLE `"+tbl+"`").Scan(&name, &sum); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&sb, "%s %d\n", tbl, sum.Int64)
	}
	return sb.String()
}

// TestPrivilege_READMEGrants holds README's grants against MariaDB: a user
// with SELECT only can plan (before and after the sweeper's own tables
// exist) and writes nothing; a user without DELETE on a related table gets
// a failed sweep naming the missing privilege, and nothing half done; a
// user with exactly README's grants sweeps: customers and their addresses
// deleted, orders detached, photos removed, members reminded and then
// deleted, the audit table and the sweeper's own tables created.
func TestPrivilege_READMEGrants(t *testing.T) {
	rootDSN := dbtest.MySQL(t)
	root := dbtest.Open(t, rootDSN)
	photos := t.TempDir()
	privShop(t, rootDSN, photos)
	smtp := smtptest.Start(t)
	_, smtpPort := smtp.Addr()
	dir := t.TempDir()

	readOnly := privConfig(t, dir, privUser(t, root, rootDSN, []string{"GRANT SELECT ON %[1]s.* TO %[2]s"}), photos, smtpPort)
	planReadOnly := func(when string) {
		t.Helper()
		before := privChecksum(t, root)
		for _, args := range [][]string{{"plan"}, {"plan", "--format", "json"}, {"sweep", "--dry-run"}} {
			code, stdout, stderr := runCLI(t, append([]string{"-c", readOnly}, args...)...)
			if code != exitOK {
				t.Errorf("%s, SELECT only: %s: exit %d, want 0\n%s%s", when, strings.Join(args, " "), code, stdout, stderr)
			}
		}
		if after := privChecksum(t, root); after != before {
			t.Errorf("%s, SELECT only: plan and sweep --dry-run changed the database:\nbefore:\n%safter:\n%s", when, before, after)
		}
		if n := len(smtp.Messages()); n != 0 && when == "before the first sweep" {
			t.Errorf("%s: %d mails sent by plan or a dry run, want 0", when, n)
		}
	}
	planReadOnly("before the first sweep")

	// SELECT alone cannot sweep, and the refusal touches nothing.
	before := privChecksum(t, root)
	code, stdout, stderr := runCLI(t, "-c", readOnly, "sweep", "--rule", "account-idle-5y")
	if code != exitFailed {
		t.Errorf("sweep with SELECT only: exit %d, want 1\n%s%s", code, stdout, stderr)
	}
	if after := privChecksum(t, root); after != before {
		t.Errorf("sweep with SELECT only changed the database:\nbefore:\n%safter:\n%s", before, after)
	}

	// README's grants less DELETE on addresses: the batch fails on the
	// addresses, MariaDB's message says so, and it rolls back.
	var noDelete []string
	for _, g := range privGrants {
		if !strings.Contains(g, ".addresses") {
			noDelete = append(noDelete, g)
		}
	}
	cfg := privConfig(t, dir, privUser(t, root, rootDSN, noDelete), photos, smtpPort)
	code, stdout, stderr = runCLI(t, "-c", cfg, "sweep", "--rule", "account-idle-5y")
	if code != exitFailed {
		t.Errorf("sweep without DELETE on addresses: exit %d, want 1\n%s%s", code, stdout, stderr)
	}
	for _, want := range []string{"DELETE command denied to user", "addresses"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("sweep without DELETE on addresses: stderr lacks %q:\n%s", want, stderr)
		}
		if !strings.Contains(stdout, want) {
			t.Errorf("sweep without DELETE on addresses: the report lacks %q:\n%s", want, stdout)
		}
	}
	// check finds the missing grant before any sweep does, by name.
	code, stdout, stderr = runCLI(t, "-c", cfg, "check")
	if code != exitFailed {
		t.Errorf("check without DELETE on addresses: exit %d, want 1\n%s%s", code, stdout, stderr)
	}
	if want := `may not DELETE on "addresses"`; !strings.Contains(stdout+stderr, want) {
		t.Errorf("check without DELETE on addresses: output lacks %q:\n%s%s", want, stdout, stderr)
	}
	if strings.Contains(stdout+stderr, `on "customers"`) || strings.Contains(stdout+stderr, `UPDATE on "orders"`) {
		t.Errorf("check without DELETE on addresses: blames a table it may write:\n%s%s", stdout, stderr)
	}
	code, stdout, stderr = runCLI(t, "-c", readOnly, "check")
	if code != exitFailed {
		t.Errorf("check with SELECT only: exit %d, want 1\n%s%s", code, stdout, stderr)
	}
	for _, want := range []string{`may not DELETE on "customers"`, `may not DELETE on "addresses"`, `may not UPDATE on "orders"`} {
		if !strings.Contains(stdout+stderr, want) {
			t.Errorf("check with SELECT only: output lacks %q:\n%s%s", want, stdout, stderr)
		}
	}
	if n := scalar(t, root, `SELECT COUNT(*) FROM customers`); n != 25 {
		t.Errorf("customers after the refused sweep: got %d, want all 25", n)
	}
	if n := scalar(t, root, `SELECT COUNT(*) FROM addresses`); n != 50 {
		t.Errorf("addresses after the refused sweep: got %d, want all 50", n)
	}
	if n := scalar(t, root, `SELECT COUNT(*) FROM orders WHERE customer_id IS NULL`); n != 0 {
		t.Errorf("orders detached by the refused sweep: got %d, want 0", n)
	}
	if n := scalar(t, root, `SELECT COUNT(*) FROM sweeper_audit`); n != 0 {
		t.Errorf("audit records of the refused sweep: got %d, want 0", n)
	}

	// Exactly README's grants: the reminders go out, then everything that
	// is due goes (as of a day ahead of the real clock, so forced).
	cfg = privConfig(t, dir, privUser(t, root, rootDSN, privGrants), photos, smtpPort)
	for _, args := range [][]string{{"--as-of", "2026-11-22"}, {"--as-of", "2027-01-05", "--force"}} {
		if code, stdout, stderr := runCLI(t, append([]string{"-c", cfg, "sweep"}, args...)...); code != exitOK {
			t.Fatalf("sweep %s with README's grants: exit %d\n%s%s", strings.Join(args, " "), code, stdout, stderr)
		}
	}
	if got := len(smtp.Wait(t, 3, 10*time.Second)); got != 3 {
		t.Errorf("reminders: got %d, want 3", got)
	}
	for _, c := range []struct {
		what, query string
		want        int
	}{
		{"customers left (5 active, 1 in a dispute)", `SELECT COUNT(*) FROM customers`, 6},
		{"addresses left", `SELECT COUNT(*) FROM addresses`, 12},
		{"orders (detach keeps them)", `SELECT COUNT(*) FROM orders`, 25},
		{"orders detached", `SELECT COUNT(*) FROM orders WHERE customer_id IS NULL`, 19},
		{"members left", `SELECT COUNT(*) FROM members`, 0},
		{"audit: customers deleted", `SELECT COUNT(*) FROM sweeper_audit WHERE table_name = 'customers' AND action = 'delete'`, 19},
		{"audit: files removed", `SELECT COUNT(*) FROM sweeper_audit WHERE action = 'file'`, 19},
		{"audit: reminders", `SELECT COUNT(*) FROM sweeper_audit WHERE action = 'remind'`, 3},
		{"last successes recorded", `SELECT COUNT(*) FROM sweeper_runs`, 2},
	} {
		if got := scalar(t, root, c.query); got != c.want {
			t.Errorf("%s: got %d, want %d", c.what, got, c.want)
		}
	}
	left, err := filepath.Glob(filepath.Join(photos, "*.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	if len(left) != 6 {
		t.Errorf("photos left: got %d, want 6", len(left))
	}
	if code, stdout, stderr := runCLI(t, "-c", cfg, "check"); code != exitOK {
		t.Errorf("check with README's grants: exit %d\n%s%s", code, stdout, stderr)
	}
	// The audit table exists now: SELECT alone may not write its records.
	code, stdout, stderr = runCLI(t, "-c", readOnly, "check")
	if want := `may not INSERT into the audit table "sweeper_audit"`; code != exitFailed || !strings.Contains(stdout+stderr, want) {
		t.Errorf("check with SELECT only after the sweeps: exit %d, want 1 and %q:\n%s%s", code, want, stdout, stderr)
	}

	planReadOnly("after the sweeps")
}

// privWishlist is a table README's example does not have and the test
// shop's rules do not name: the database deletes its rows along with their
// customer.
var privWishlist = []string{
	`CREATE TABLE wishlist (id BIGINT PRIMARY KEY, customer_id BIGINT NOT NULL, product VARCHAR(50) NOT NULL,
		CONSTRAINT fk_wishlist_customer FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE)`,
	`INSERT INTO wishlist VALUES (1, 1, 'kaart'), (2, 1, 'envelop'), (3, 2, 'pen'), (4, 21, 'stift')`,
}

// TestPrivilege_HiddenForeignKeys: a foreign key that deletes rows along
// with a rule's rows, on a table the rules do not name. With README's
// grants, check reports it as an error and erase and sweep refuse, naming
// the table and the constraint, and delete nothing; listed under
// [[rule.related]] it works, with an audit record per row. With grants on
// single tables, which hide such a table and its constraints, check says
// it cannot see them and sweep refuses, rather than report no problem and
// lose the audit trail.
func TestPrivilege_HiddenForeignKeys(t *testing.T) {
	rootDSN := dbtest.MySQL(t)
	root := dbtest.Open(t, rootDSN)
	photos := t.TempDir()
	privShop(t, rootDSN, photos)
	dbtest.Exec(t, rootDSN, privWishlist...)
	smtp := smtptest.Start(t)
	_, smtpPort := smtp.Addr()
	dir := t.TempDir()

	wantRefused := func(what, cfg string, want []string, args ...string) {
		t.Helper()
		before := privChecksum(t, root)
		code, stdout, stderr := runCLI(t, append([]string{"-c", cfg}, args...)...)
		if code != exitFailed {
			t.Errorf("%s: %s: exit %d, want 1\n%s%s", what, strings.Join(args, " "), code, stdout, stderr)
		}
		for _, w := range want {
			if !strings.Contains(stdout+stderr, w) {
				t.Errorf("%s: %s: output lacks %q:\n%s%s", what, strings.Join(args, " "), w, stdout, stderr)
			}
		}
		if after := privChecksum(t, root); after != before {
			t.Errorf("%s: %s changed the database:\nbefore:\n%safter:\n%s", what, strings.Join(args, " "), before, after)
		}
	}
	named := []string{"wishlist.customer_id", "fk_wishlist_customer", "ON DELETE CASCADE"}
	cfg := privConfig(t, dir, privUser(t, root, rootDSN, privGrants), photos, smtpPort)
	wantRefused("README's grants", cfg, append([]string{"error: rule \"account-idle-5y\""}, named...), "check")
	wantRefused("README's grants", cfg, named, "erase", "--rule", "account-idle-5y", "--key", "1")
	wantRefused("README's grants", cfg, named, "sweep", "--rule", "account-idle-5y")

	// Grants on single tables: the wishlist and its constraint are out of
	// sight. A table the user has no grant on is named as such, not as
	// missing.
	hidden := privUser(t, root, rootDSN, privTableGrants)
	cfg = privConfig(t, dir, hidden, photos, smtpPort)
	cantSee := []string{"cannot see every table", "GRANT SELECT ON"}
	wantRefused("grants on single tables", cfg, cantSee, "check")
	wantRefused("grants on single tables", cfg, cantSee, "sweep", "--rule", "account-idle-5y")
	wantRefused("grants on single tables", cfg, cantSee, "erase", "--rule", "account-idle-5y", "--key", "1")
	listed := `[[rule.related]]
table = "wishlist"
foreign_key = "customer_id"
action = "delete"`
	cfg = privConfig(t, dir, hidden, photos, smtpPort, listed)
	code, stdout, stderr := runCLI(t, "-c", cfg, "check")
	if want := `no privilege on table "wishlist"`; code != exitFailed || !strings.Contains(stdout, want) {
		t.Errorf("check, no grant on a related table: exit %d, want 1 and %q:\n%s%s", code, want, stdout, stderr)
	}
	for _, line := range strings.Split(stdout, "\n") {
		if strings.Contains(line, "wishlist") && strings.Contains(line, "does not exist") {
			t.Errorf("check, no grant on a related table: calls it missing: %s", line)
		}
	}

	// Listed as related, with README's grants and DELETE on it: the rows go,
	// each with its record.
	cfg = privConfig(t, dir, privUser(t, root, rootDSN, append(privGrants, "GRANT DELETE ON %[1]s.wishlist TO %[2]s")), photos, smtpPort, listed)
	if code, stdout, stderr := runCLI(t, "-c", cfg, "check"); code != exitOK {
		t.Errorf("check with the wishlist listed: exit %d\n%s%s", code, stdout, stderr)
	}
	if code, stdout, stderr := runCLI(t, "-c", cfg, "erase", "--rule", "account-idle-5y", "--key", "1"); code != exitOK {
		t.Fatalf("erase with the wishlist listed: exit %d\n%s%s", code, stdout, stderr)
	}
	if code, stdout, stderr := runCLI(t, "-c", cfg, "sweep", "--rule", "account-idle-5y"); code != exitOK {
		t.Fatalf("sweep with the wishlist listed: exit %d\n%s%s", code, stdout, stderr)
	}
	for _, c := range []struct {
		what, query string
		want        int
	}{
		{"wishlist rows left (of the active customer 21)", `SELECT COUNT(*) FROM wishlist`, 1},
		{"audit: wishlist rows deleted", `SELECT COUNT(*) FROM sweeper_audit WHERE table_name = 'wishlist' AND action = 'delete'`, 3},
		{"audit: distinct wishlist rows", `SELECT COUNT(DISTINCT row_key) FROM sweeper_audit WHERE table_name = 'wishlist'`, 3},
		{"audit: customers deleted", `SELECT COUNT(*) FROM sweeper_audit WHERE table_name = 'customers' AND action = 'delete'`, 19},
	} {
		if got := scalar(t, root, c.query); got != c.want {
			t.Errorf("%s: got %d, want %d", c.what, got, c.want)
		}
	}
}

// readmeGrants returns the statements of README's "Grants (least
// privilege)" SQL block, without their comments.
func readmeGrants(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(b), "### Grants (least privilege)")
	if ok {
		_, rest, ok = strings.Cut(rest, "```sql\n")
	}
	block, _, closed := strings.Cut(rest, "```")
	if !ok || !closed {
		t.Fatal("README.md has no SQL block under ### Grants (least privilege)")
	}
	var sqlText strings.Builder
	for _, line := range strings.Split(block, "\n") {
		line, _, _ = strings.Cut(line, "--")
		sqlText.WriteString(line + "\n")
	}
	var stmts []string
	for _, s := range strings.Split(sqlText.String(), ";") {
		if s = strings.TrimSpace(s); s != "" {
			stmts = append(stmts, s)
		}
	}
	return stmts
}

// TestPrivilege_READMEGrantsFitExample runs README's GRANT block as it
// stands, for the database user of the example shop (examples/shop) and
// config.example.toml: every statement applies to that schema, check finds
// no error, the sweeper's own tables are created and a sweep deletes and
// anonymises. And with those grants, check sees a foreign key on a table
// no rule names.
func TestPrivilege_READMEGrantsFitExample(t *testing.T) {
	b := make([]byte, 6)
	rand.Read(b)
	user, password := "sweeper_readme_"+hex.EncodeToString(b), "pw-"+hex.EncodeToString(b)
	rootDSN, cfg, _ := exampleShop(t, func(root string) string {
		c, err := gomysql.ParseDSN(root)
		if err != nil {
			t.Fatal(err)
		}
		c.User, c.Passwd = user, password
		return c.FormatDSN()
	})
	c, err := gomysql.ParseDSN(rootDSN)
	if err != nil {
		t.Fatal(err)
	}
	root := dbtest.Open(t, rootDSN)
	// README's user and host, as this test connects: over TCP, from
	// wherever the test server sees it.
	who := regexp.MustCompile(`'sweeper'@'[^']*'`)
	for _, stmt := range readmeGrants(t) {
		if !who.MatchString(stmt) {
			t.Fatalf("README grant %q is not for 'sweeper'@host", stmt)
		}
		stmt = who.ReplaceAllString(stmt, fmt.Sprintf("'%s'@'%%'", user))
		stmt = strings.ReplaceAll(stmt, "IDENTIFIED BY '...'", fmt.Sprintf("IDENTIFIED BY '%s'", password))
		stmt = strings.ReplaceAll(stmt, " shop.", " `"+c.DBName+"`.")
		if _, err := root.Exec(stmt); err != nil {
			t.Errorf("README grant %q on examples/shop: %v", stmt, err)
		}
		if strings.HasPrefix(stmt, "CREATE USER") {
			t.Cleanup(func() { root.Exec(fmt.Sprintf("DROP USER IF EXISTS '%s'@'%%'", user)) })
		}
	}
	if t.Failed() {
		t.FailNow()
	}

	code, stdout, stderr := runCLI(t, "-c", cfg, "check")
	if code != exitOK || !strings.Contains(stdout, " 0 errors") {
		t.Fatalf("check with README's grants: exit %d\n%s%s", code, stdout, stderr)
	}
	dbtest.Exec(t, rootDSN,
		`INSERT INTO contact_messages (name, email, subject, message, created_at) VALUES
			('Anna', 'anna@example.invalid', 'Vraag', 'Hallo', '2015-01-01 10:00:00')`,
		`INSERT INTO orders (order_number, email, first_name, last_name, phone, ship_name, ship_street, ship_house_number,
			ship_postcode, ship_city, total_cents, status, created_at) VALUES
			('2015-1', 'bert@example.invalid', 'Bert', 'B', '0612345678', 'Bert', 'Straat', '1', '1234AB', 'Stad', 100, 'paid', '2015-01-01 10:00:00'),
			('2026-1', 'cor@example.invalid', 'Cor', 'C', '0612345679', 'Cor', 'Straat', '2', '1234AB', 'Stad', 100, 'paid', '2026-01-01 10:00:00')`)
	code, stdout, stderr = runCLI(t, "-c", cfg, "sweep", "--rule", "contact-5y", "--rule", "order-7y", "--rule", "order-phone-6m")
	if code != exitOK {
		t.Fatalf("sweep with README's grants: exit %d\n%s%s", code, stdout, stderr)
	}
	for _, q := range []struct {
		what, query string
		want        int
	}{
		{"contact messages left", `SELECT COUNT(*) FROM contact_messages`, 0},
		{"orders left", `SELECT COUNT(*) FROM orders`, 1},
		{"phone numbers left", `SELECT COUNT(*) FROM orders WHERE phone IS NOT NULL`, 0},
		{"audit records", `SELECT COUNT(*) FROM sweeper_audit`, 3},
	} {
		if got := scalar(t, root, q.query); got != q.want {
			t.Errorf("%s: got %d, want %d", q.what, got, q.want)
		}
	}

	// The requests from data subjects, with the same grants: an export, a
	// hold and its release, an erasure of the person.
	dbtest.Exec(t, rootDSN,
		`INSERT INTO customers (id, email, first_name, last_name, created_at) VALUES (7, 'dirk@example.invalid', 'Dirk', 'D', '2026-01-01 10:00:00')`,
		`INSERT INTO addresses (customer_id, recipient_name, street, house_number, postcode, city, created_at) VALUES
			(7, 'Dirk', 'Straat', '3', '1234AB', 'Stad', '2026-01-01 10:00:00')`,
		`UPDATE orders SET customer_id = 7 WHERE order_number = '2026-1'`)
	for _, args := range [][]string{
		{"export", "--subject", "dirk@example.invalid", "-o", filepath.Join(t.TempDir(), "dirk.json")},
		{"hold", "--subject", "7", "--reason", "geschil"},
		{"holds"},
		{"plan"},
		{"release", "--subject", "7"},
		{"erase", "--subject", "dirk@example.invalid"},
	} {
		if code, stdout, stderr := runCLI(t, append([]string{"-c", cfg}, args...)...); code != exitOK {
			t.Errorf("%s with README's grants: exit %d\n%s%s", strings.Join(args, " "), code, stdout, stderr)
		}
	}
	if got := scalar(t, root, `SELECT COUNT(*) FROM customers WHERE id = 7`); got != 0 {
		t.Errorf("erase --subject with README's grants left the customer")
	}

	dbtest.Exec(t, rootDSN, `CREATE TABLE wishlist (id INT UNSIGNED PRIMARY KEY, customer_id INT UNSIGNED NOT NULL,
		CONSTRAINT fk_wishlist_customer FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE)`)
	code, stdout, stderr = runCLI(t, "-c", cfg, "check")
	if want := "fk_wishlist_customer"; code != exitFailed || !strings.Contains(stdout, want) {
		t.Errorf("check with README's grants and a wishlist deleted along with its customer: exit %d, want 1 naming %q\n%s%s",
			code, want, stdout, stderr)
	}
}
