package main

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/sweeperd/sweeper/internal/dbtest"
)

// brokenTemplate calls a function that does not exist: text/template
// refuses it, and a run would fail on it at night.
const brokenTemplate = "Subject: Uw account\n\nBeste {{.Row.first_name}}, vanaf {{dutchDat .DeleteOn}} verwijderen we uw account.\n"

const goodTemplate = "Subject: Uw account\n\nBeste {{.Row.first_name}}, vanaf {{dutchDate .DeleteOn}} verwijderen we uw account.\n"

// accountsTable is a table a reminder rule can run on; its one account
// has not logged in for years.
const accountsTable = `CREATE TABLE accounts (id BIGINT AUTO_INCREMENT PRIMARY KEY, email VARCHAR(100), first_name VARCHAR(50),
	last_login DATETIME NOT NULL, INDEX (last_login))`

// reminderRule is a rule whose reminder template is templates/<name>, with
// the [mail] table it needs (a closed port: nothing may be sent).
func reminderRule(t *testing.T, name string) string {
	t.Helper()
	return fmt.Sprintf(`
[mail]
host = "127.0.0.1"
port = %d
tls = "none"
from = "Testwinkel <info@example.invalid>"
[[rule]]
name = "account-idle-5y"
table = "accounts"
age_column = "last_login"
older_than = "5 years"
action = "delete"
[rule.reminder]
before = "1 month"
email_column = "email"
columns = ["first_name"]
template = "templates/%s"
`, mustPort(t, freePort(t)), name)
}

// tableExists reports whether the test's MariaDB database has the table.
func tableExists(t *testing.T, dsn, table string) bool {
	t.Helper()
	db := dbtest.Open(t, dsn)
	return scalar(t, db, `SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?`, table) > 0
}

// TestCommands_RefuseABrokenTemplate: every command that loads the config
// for work renders each reminder template with a sample row first. One that
// does not render is a config error: exit 2 naming the file and the
// problem, and nothing is touched, not even by the rules without a reminder.
func TestCommands_RefuseABrokenTemplate(t *testing.T) {
	dsn, db := daemonShop(t, 10)
	dbtest.Exec(t, dsn, accountsTable, `INSERT INTO accounts (email, first_name, last_login) VALUES ('a@example.invalid', 'A', '2015-01-01 00:00:00')`)
	dir := t.TempDir()
	writeFile(t, dir, "templates/bad.txt", brokenTemplate)
	writeFile(t, dir, "templates/good.txt", goodTemplate)
	// A misspelt column is found by rendering, not by parsing.
	writeFile(t, dir, "templates/column.txt", strings.Replace(goodTemplate, ".Row.first_name", ".Row.frist_name", 1))
	base := daemonConfig(t, dir, dsn, "", "")
	text, err := os.ReadFile(base)
	if err != nil {
		t.Fatal(err)
	}
	config := func(name, tmpl string) string {
		return writeFile(t, dir, name, string(text)+reminderRule(t, tmpl))
	}
	bad, column := config("bad.toml", "bad.txt"), config("column.toml", "column.txt")

	for _, tc := range []struct {
		config string
		args   []string
		want   []string
	}{
		{bad, []string{"sweep", "--dry-run"}, []string{"bad.txt", `function "dutchDat" not defined`}},
		{bad, []string{"sweep"}, []string{"bad.txt", `function "dutchDat" not defined`}},
		{bad, []string{"sweep", "--rule", "order-7y"}, []string{"bad.txt", `function "dutchDat" not defined`}},
		{bad, []string{"erase", "--rule", "order-7y", "--key", "1"}, []string{"bad.txt", `function "dutchDat" not defined`}},
		{column, []string{"sweep"}, []string{"column.txt", "frist_name"}},
	} {
		label := strings.Join(tc.args, " ")
		code, stdout, stderr := runCLI(t, append([]string{"-c", tc.config}, tc.args...)...)
		if code != exitInvalid {
			t.Errorf("%s: exit %d, want %d (stdout %q, stderr %q)", label, code, exitInvalid, stdout, stderr)
		}
		for _, w := range tc.want {
			if !strings.Contains(stderr, w) {
				t.Errorf("%s: stderr does not name %s: %q", label, w, stderr)
			}
		}
		if n := scalar(t, db, "SELECT COUNT(*) FROM orders"); n != 10 {
			t.Fatalf("%s: orders left: got %d, want 10", label, n)
		}
		if n := scalar(t, db, "SELECT COUNT(*) FROM accounts"); n != 1 {
			t.Fatalf("%s: accounts left: got %d, want 1", label, n)
		}
		for _, table := range []string{"sweeper_audit", "sweeper_reminders", "sweeper_files"} {
			if tableExists(t, dsn, table) {
				t.Fatalf("%s: %s was created", label, table)
			}
		}
	}

	// The same config with a template that renders works: what refused
	// the commands above was the template and nothing else.
	good := config("good.toml", "good.txt")
	if code, stdout, stderr := runCLI(t, "-c", good, "sweep", "--dry-run"); code != exitOK {
		t.Errorf("sweep --dry-run with a good template: exit %d (stdout %q, stderr %q), want 0", code, stdout, stderr)
	}
	if code, stdout, stderr := runCLI(t, "-c", good, "erase", "--rule", "order-7y", "--key", "1"); code != exitOK {
		t.Errorf("erase with a good template: exit %d (stdout %q, stderr %q), want 0", code, stdout, stderr)
	}
}
