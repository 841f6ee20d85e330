package main

import (
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	_ "github.com/glebarez/go-sqlite"
	gomysql "github.com/go-sql-driver/mysql"

	"github.com/sweeperd/sweeper/internal/dbtest"
	"github.com/sweeperd/sweeper/internal/smtptest"
	"github.com/sweeperd/sweeper/sweeper"
)

// Nothing the sweeper prints may hold personal data (README "Logs": no
// e-mail address, phone number or name) or a secret (the database password,
// the hash key, the SMTP password), at any log level, whatever happens.

// leakOutput collects everything the commands of a test printed, by what
// ran them, to search it for what must not be there.
type leakOutput struct {
	t    *testing.T
	runs []string
	text map[string]string
}

func newLeakOutput(t *testing.T) *leakOutput {
	return &leakOutput{t: t, text: map[string]string{}}
}

// run runs the CLI and keeps its stdout and stderr under label.
func (o *leakOutput) run(label string, args ...string) (int, string) {
	o.t.Helper()
	code, stdout, stderr := runCLI(o.t, args...)
	o.add(label, stdout+"\n"+stderr)
	return code, stdout + stderr
}

func (o *leakOutput) add(label, text string) {
	if _, ok := o.text[label]; ok {
		label = fmt.Sprintf("%s #%d", label, len(o.runs))
	}
	o.runs = append(o.runs, label)
	o.text[label] = text
}

// find reports each value of what that occurs in any output, naming the
// value and where (at most 20 reports, then a count). The outputs run to
// megabytes (an audit listing) and the values to tens of thousands, so it
// makes one pass over each output, looking up the 4 bytes at each position
// among the values' first 4 bytes.
func (o *leakOutput) find(kind string, what []string) {
	o.t.Helper()
	const n = 4
	byPrefix := map[string][]string{}
	var short []string
	for _, v := range what {
		if len(v) < n {
			short = append(short, v)
			continue
		}
		byPrefix[v[:n]] = append(byPrefix[v[:n]], v)
	}
	found := map[string]bool{}
	report := func(v, label string, i int) {
		found[v] = true
		if len(found) <= 20 {
			text := o.text[label]
			from, to := max(0, i-120), min(len(text), i+len(v)+120)
			o.t.Errorf("%s %q appears in the output of %s: ...%s...", kind, v, label, text[from:to])
		}
	}
	for _, label := range o.runs {
		text := o.text[label]
		for i := 0; i+n <= len(text); i++ {
			for _, v := range byPrefix[text[i:i+n]] {
				if !found[v] && strings.HasPrefix(text[i:], v) {
					report(v, label, i)
				}
			}
		}
		for _, v := range short {
			if i := strings.Index(text, v); i >= 0 && !found[v] {
				report(v, label, i)
			}
		}
	}
	if len(found) > 20 {
		o.t.Errorf("... %d %s values in the output in all", len(found), kind)
	}
}

// leakPIIColumn matches the names of columns that hold personal data:
// addresses, phone numbers, names, street addresses, IP addresses, and what
// customers wrote. The demo's schema may grow; what it calls these does not
// change much.
var leakPIIColumn = regexp.MustCompile(`(?i)^(.*email.*|.*phone.*|.*_?name|street|.*_street|house_number|.*postcode|.*address.*|.*_?ip|` +
	`message|body|.*remark.*|.*note.*|iban|.*account_holder.*)$`)

// leakDemoPII reads from the demo shop every value of a personal-data
// column (leakPIIColumn) of every table, and the full names and street
// addresses of tables that keep them in two columns. Values shorter than 5
// bytes (a first name like "Tom") are left out, since they occur in
// ordinary words; so is anything that occurs in benign, the text of the
// config and of the rules.
func leakDemoPII(t *testing.T, dbPath, benign string) []string {
	t.Helper()
	db, err := sql.Open("sqlite", dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var tables []string
	rows, err := db.Query(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%' AND name NOT LIKE 'sweeper%'`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, n)
	}
	rows.Close()
	var queries []string
	for _, tbl := range tables {
		cols := map[string]bool{}
		rows, err := db.Query(`SELECT name FROM pragma_table_info(?)`, tbl)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var c string
			if err := rows.Scan(&c); err != nil {
				t.Fatal(err)
			}
			cols[c] = true
			if leakPIIColumn.MatchString(c) && c != "id" {
				queries = append(queries, fmt.Sprintf(`SELECT CAST(%q AS TEXT) FROM %q`, c, tbl))
			}
		}
		rows.Close()
		for _, pair := range [][2]string{{"first_name", "last_name"}, {"street", "house_number"}} {
			if cols[pair[0]] && cols[pair[1]] {
				queries = append(queries, fmt.Sprintf(`SELECT %q || ' ' || %q FROM %q`, pair[0], pair[1], tbl))
			}
		}
	}
	seen := map[string]bool{}
	skipped := 0
	for _, q := range queries {
		rows, err := db.Query(q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		for rows.Next() {
			var v sql.NullString
			if err := rows.Scan(&v); err != nil {
				t.Fatal(err)
			}
			s := strings.TrimSpace(v.String)
			if len(s) < 5 || seen[s] {
				continue
			}
			if strings.Contains(benign, s) {
				skipped++
				continue
			}
			seen[s] = true
		}
		rows.Close()
	}
	out := make([]string, 0, len(seen))
	for s := range seen {
		out = append(out, s)
	}
	sort.Strings(out)
	t.Logf("%d distinct personal values in %d columns of %d tables of the demo shop (%d left out: they occur in the config)",
		len(out), len(queries), len(tables), skipped)
	return out
}

// TestLeak_Demo runs the demo, then every command on it with debug logging,
// and searches all that was printed for the personal data the demo shop
// held before the sweep: none of it may appear.
func TestLeak_Demo(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "demo")
	out := newLeakOutput(t)
	if code, text := out.run("demo", "demo", "--dir", dir); code != exitOK {
		t.Fatalf("demo: exit %d: %s", code, text)
	}
	cfgPath := filepath.Join(dir, "config.toml")
	cfgText, err := os.ReadFile(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	debug := regexp.MustCompile(`(?m)^level = ".*"$`).ReplaceAllString(string(cfgText), `level = "debug"`)
	if !strings.Contains(debug, `level = "debug"`) {
		t.Fatalf("the demo config has no log level to raise:\n%s", cfgText)
	}
	if err := os.WriteFile(cfgPath, []byte(debug), 0o644); err != nil {
		t.Fatal(err)
	}
	// Read before the sweep deletes it.
	pii := leakDemoPII(t, filepath.Join(dir, "shop.db"), debug+usage)
	if len(pii) < 1000 {
		t.Fatalf("only %d personal values in the demo shop: the test would prove little", len(pii))
	}

	// Two customers to erase on request, after the sweeps: the newest ones,
	// whom no rule has reached.
	loaded, err := sweeper.LoadFile(cfgPath, os.LookupEnv)
	if err != nil {
		t.Fatal(err)
	}
	eraseRule := ""
	for _, r := range loaded.Rules {
		if r.Table == "customers" && r.Action == sweeper.ActionDelete && eraseRule == "" {
			eraseRule = r.Name
		}
	}
	if eraseRule == "" {
		t.Fatalf("the demo config has no rule that deletes customers")
	}
	shop, err := sql.Open("sqlite", filepath.Join(dir, "shop.db"))
	if err != nil {
		t.Fatal(err)
	}
	var newest int64
	err = shop.QueryRow(`SELECT MAX(id) FROM customers`).Scan(&newest)
	if err != nil {
		t.Fatal(err)
	}
	// A third customer for the requests that name a person by e-mail
	// address, as a data subject's request does.
	var email string
	err = shop.QueryRow(`SELECT email FROM customers WHERE id = ?`, newest-2).Scan(&email)
	shop.Close()
	if err != nil {
		t.Fatal(err)
	}
	erase := []string{"erase", "--rule", eraseRule, "--key", fmt.Sprint(newest), "--key", fmt.Sprint(newest - 1)}
	since := time.Now().UTC().Format(time.RFC3339)
	records := filepath.Join(dir, "records.json")

	c := []string{"-c", cfgPath}
	for _, cmd := range []struct {
		args     []string
		mustPass bool
	}{
		{[]string{"check"}, true},
		{[]string{"plan"}, true},
		{[]string{"plan", "-v"}, true},
		{[]string{"plan", "--format", "json"}, true},
		{[]string{"plan", "--format", "csv"}, false},
		{[]string{"plan", "--format", "markdown", "-v"}, false},
		{[]string{"plan", "--format", "html", "-o", filepath.Join(dir, "report.html")}, false},
		{[]string{"plan", "--forecast", "12m"}, false},
		{[]string{"sweep", "--dry-run"}, true},
		{[]string{"sweep"}, true},
		{[]string{"sweep"}, true},
		{[]string{"sweep", "--as-of", time.Now().AddDate(2, 0, 0).Format("2006-01-02"), "--force"}, true},
		{append(erase, "--dry-run"), false},
		{erase, false},
		{[]string{"audit"}, false},
		{[]string{"audit", "--format", "json"}, false},
		{[]string{"audit", "--format", "csv", "--table", "customers", "--key", fmt.Sprint(newest)}, false},
		// The requests from data subjects, by e-mail address; the export
		// goes to its file, which holds the data by design.
		{[]string{"export", "--subject", email, "-o", filepath.Join(dir, "export.json")}, true},
		{[]string{"export", "--subject", "x" + email}, false},
		{[]string{"hold", "--subject", email, "--reason", "geschil over een factuur"}, true},
		{[]string{"holds"}, true},
		{[]string{"plan", "--format", "json"}, true},
		{[]string{"sweep", "--dry-run"}, true},
		{[]string{"erase", "--subject", email}, false},
		{[]string{"release", "--subject", email}, true},
		{[]string{"erase", "--subject", email, "--dry-run"}, true},
		{[]string{"erase", "--subject", email}, true},
		{[]string{"audit", "--since", since, "--format", "json", "-c", cfgPath}, true},
		{[]string{"replay", "--since", since, "--from", records, "--dry-run"}, true},
	} {
		if cmd.args[0] == "replay" {
			if err := os.WriteFile(records, []byte(out.text["audit --since "+since+" --format json -c "+cfgPath]), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		code, text := out.run(strings.Join(cmd.args, " "), append(c, cmd.args...)...)
		if code != exitOK {
			if cmd.mustPass {
				t.Errorf("%s: exit %d: %s", strings.Join(cmd.args, " "), code, text)
			} else {
				t.Logf("%s: exit %d (not this test's concern): %.300s", strings.Join(cmd.args, " "), code, text)
			}
		}
	}
	if html, err := os.ReadFile(filepath.Join(dir, "report.html")); err == nil {
		out.add("plan --format html (the file)", string(html))
	}
	// The debug level really was on: the sweep logged its batches.
	if !strings.Contains(out.text["sweep"], `"event":"rule.batch"`) {
		t.Errorf("the sweep logged no rule.batch events: debug logging was not on, and the test proves less")
	}
	out.find("personal data", pii)
}

// leakUser creates a MariaDB user with password on the test server with
// all privileges on the database of dsn, and drops it in cleanup. It
// returns the DSN of the database as that user.
func leakUser(t *testing.T, dsn, password string) string {
	t.Helper()
	cfg, err := gomysql.ParseDSN(dsn)
	if err != nil {
		t.Fatal(err)
	}
	cfg.User, cfg.Passwd = dbtest.User(t, dsn, password, "%", "localhost"), password
	return cfg.FormatDSN()
}

// TestLeak_Secrets runs check, plan and sweep against a MariaDB reached
// with a password, with a hash key and an SMTP password, all from the
// environment as README advises, at debug level: against a closed port,
// with a wrong password, against the real database with a working mail
// server, a failing one, one that refuses the login and a closed one. No
// secret and no customer's data ever appears in the output.
func TestLeak_Secrets(t *testing.T) {
	const (
		dbPassword   = "Geheim-Wachtwoord-42"
		hashKey      = "Hash-Sleutel-99"
		smtpPassword = "Smtp-Wachtwoord-77"
	)
	rootDSN := dbtest.MySQL(t)
	dsn := leakUser(t, rootDSN, dbPassword)
	dbtest.Exec(t, rootDSN,
		`CREATE TABLE customers (id BIGINT AUTO_INCREMENT PRIMARY KEY, email VARCHAR(191) NOT NULL, first_name VARCHAR(50) NOT NULL,
			last_name VARCHAR(50) NOT NULL, phone VARCHAR(30) NULL, last_login_at DATETIME NULL, created_at DATETIME NOT NULL,
			UNIQUE KEY (email), INDEX (last_login_at), INDEX (created_at))`,
		`CREATE TABLE newsletter (id BIGINT AUTO_INCREMENT PRIMARY KEY, email VARCHAR(191) NOT NULL, name VARCHAR(100) NULL,
			unsubscribed_at DATETIME NULL, INDEX (unsubscribed_at))`,
		`INSERT INTO customers (email, first_name, last_name, phone, created_at) VALUES
			('wilhelmina.testpersoon@example.invalid', 'Wilhelmina', 'Testpersoon', '06-98765432', '2015-01-01 00:00:00'),
			('bartholomeus.proefkonijn@example.invalid', 'Bartholomeus', 'Proefkonijn', '+31 20 555 0199', '2015-01-01 00:00:00')`,
		`INSERT INTO newsletter (email, name, unsubscribed_at) VALUES
			('geertruida.nepnaam@example.invalid', 'Geertruida Nepnaam', '2020-01-01 00:00:00')`)
	pii := []string{"wilhelmina.testpersoon@example.invalid", "Wilhelmina", "Testpersoon", "06-98765432",
		"bartholomeus.proefkonijn@example.invalid", "Bartholomeus", "Proefkonijn", "+31 20 555 0199",
		"geertruida.nepnaam@example.invalid", "Geertruida Nepnaam"}
	secrets := []string{dbPassword, hashKey, smtpPassword}
	t.Setenv("SWEEPER_DB_PASSWORD", dbPassword)
	t.Setenv("SWEEPER_HASH_KEY", hashKey)
	t.Setenv("SWEEPER_SMTP_PASSWORD", smtpPassword)

	mcfg, err := gomysql.ParseDSN(dsn)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	writeFile(t, dir, "templates/reminder.txt", "Subject: Uw account\n\nBeste {{.Row.first_name}}, vanaf {{dutchDate .DeleteOn}} verwijderen we uw account.\n")
	smtp := smtptest.StartWith(t, smtptest.Options{Username: "sweeper", Password: smtpPassword})
	_, smtpPort := smtp.Addr()
	wrongLogin := smtptest.StartWith(t, smtptest.Options{Username: "sweeper", Password: "een-ander-wachtwoord"})
	_, wrongLoginPort := wrongLogin.Addr()
	closed := freePort(t)

	config := func(name, addr string, mailPort int) string {
		return writeFile(t, dir, name, fmt.Sprintf(`
[database]
driver = "mysql"
dsn = "%s:${SWEEPER_DB_PASSWORD}@tcp(%s)/%s"
[sweeper]
timezone = "Europe/Amsterdam"
hash_key = "${SWEEPER_HASH_KEY}"
[http]
listen = ""
[log]
level = "debug"
[mail]
host = "127.0.0.1"
port = %d
username = "sweeper"
password = "${SWEEPER_SMTP_PASSWORD}"
tls = "none"
from = "Testwinkel <info@example.invalid>"
[[rule]]
name = "account-idle-5y"
table = "customers"
age_column = ["last_login_at", "created_at"]
older_than = "5 years"
action = "delete"
[rule.reminder]
before = "1 month"
email_column = "email"
columns = ["first_name"]
template = "templates/reminder.txt"
[[rule]]
name = "newsletter-1m"
table = "newsletter"
age_column = "unsubscribed_at"
older_than = "1 month"
action = "anonymise"
[rule.anonymise]
email = "hash"
name = "null"
`, mcfg.User, addr, mcfg.DBName, mailPort))
	}
	out := newLeakOutput(t)
	expect := func(label string, want int, args ...string) {
		t.Helper()
		if code, text := out.run(label, args...); code != want {
			t.Errorf("%s: exit %d, want %d: %s", label, code, want, text)
		}
	}

	// The database is not there.
	noDB := config("closed.toml", closed, smtpPort)
	for _, cmd := range []string{"check", "plan", "sweep"} {
		expect("closed port: "+cmd, exitFailed, "-c", noDB, cmd)
	}
	// The password is wrong: the one the server refuses must not show either.
	t.Setenv("SWEEPER_DB_PASSWORD", dbPassword+"-fout")
	secrets = append(secrets, dbPassword+"-fout")
	working := config("config.toml", mcfg.Addr, smtpPort)
	for _, cmd := range []string{"check", "plan", "sweep"} {
		expect("wrong password: "+cmd, exitFailed, "-c", working, cmd)
	}
	t.Setenv("SWEEPER_DB_PASSWORD", dbPassword)

	// The real database, a mail server that refuses the login, one that is
	// not there, and one that refuses the recipients (quoting them, as
	// real servers do).
	expect("smtp login refused: check --mail", exitFailed, "-c", config("wronglogin.toml", mcfg.Addr, wrongLoginPort), "check", "--mail")
	// Each sweep runs as of its own night, a day after the one before.
	expect("smtp login refused: sweep", exitFailed, "-c", config("wronglogin.toml", mcfg.Addr, wrongLoginPort),
		"sweep", "--as-of", "2026-11-19")
	expect("smtp closed: sweep", exitFailed, "-c", config("nosmtp.toml", mcfg.Addr, mustPort(t, freePort(t))),
		"sweep", "--as-of", "2026-11-20")
	smtp.SetFail(true)
	expect("smtp refuses recipients: sweep", exitFailed, "-c", working, "sweep", "--as-of", "2026-11-21")
	smtp.SetFail(false)

	// All working: check, plan in every format, a dry run, the sweep that
	// sends the reminders, and the one a month later that deletes.
	expect("check --mail", exitOK, "-c", working, "check", "--mail")
	expect("plan -v", exitOK, "-c", working, "plan", "-v")
	expect("plan --format json", exitOK, "-c", working, "plan", "--format", "json")
	expect("sweep --dry-run", exitOK, "-c", working, "sweep", "--dry-run")
	expect("sweep (reminders)", exitOK, "-c", working, "sweep", "--as-of", "2026-11-22")
	if got := len(smtp.Wait(t, 2, 10*time.Second)); got != 2 {
		t.Errorf("reminders sent: got %d, want 2", got)
	}
	// Ahead of the real clock: the clock guard lets it run only when forced.
	expect("sweep (deletes)", exitOK, "-c", working, "sweep", "--as-of", "2027-01-05", "--force")

	db := dbtest.Open(t, rootDSN)
	if n := scalar(t, db, `SELECT COUNT(*) FROM customers`); n != 0 {
		t.Errorf("customers left: got %d, want 0: the sweeps did not do their work, and the test proves less", n)
	}
	if n := scalar(t, db, `SELECT COUNT(*) FROM newsletter WHERE email LIKE 'hmac:%'`); n != 1 {
		t.Errorf("hashed newsletter addresses: got %d, want 1", n)
	}
	if !strings.Contains(out.text["sweep (deletes)"], `"event":"rule.batch"`) {
		t.Errorf("the sweep logged no rule.batch events: debug logging was not on")
	}
	out.find("secret", secrets)
	out.find("personal data", pii)
}

func mustPort(t *testing.T, addr string) int {
	t.Helper()
	var port int
	if _, err := fmt.Sscanf(addr[strings.LastIndex(addr, ":")+1:], "%d", &port); err != nil {
		t.Fatal(err)
	}
	return port
}
