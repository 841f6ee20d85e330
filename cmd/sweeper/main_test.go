package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	gomysql "github.com/go-sql-driver/mysql"

	"github.com/sweeperd/sweeper/internal/dbtest"
)

// runCLI runs the program as a user would and returns its exit code and output.
func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), args, &out, &errb)
	code = exitCode(err, &errb)
	return code, out.String(), errb.String()
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// memberRule writes a reminder template into dir and returns a rule that
// mails the rows of a members table (email, first_name, created_at) a month
// before it deletes them after five years.
func memberRule(t *testing.T, dir string) string {
	t.Helper()
	writeFile(t, dir, "templates/reminder.txt", "Subject: Uw lidmaatschap\n\nBeste {{.Row.first_name}}, vanaf {{dutchDate .DeleteOn}} verwijderen we uw gegevens.\n")
	return `
[[rule]]
name = "member-idle-5y"
table = "members"
age_column = "created_at"
older_than = "5 years"
action = "delete"
[rule.reminder]
before = "1 month"
email_column = "email"
columns = ["first_name"]
template = "templates/reminder.txt"
`
}

// complaintRule deletes the rows of a complaints table (filed_at) after a
// year.
const complaintRule = `
[[rule]]
name = "complaint-1y"
table = "complaints"
age_column = "filed_at"
older_than = "1 year"
action = "delete"
`

const validRule = `
[[rule]]
name = "order-phone-6m"
table = "orders"
age_column = "created_at"
older_than = "6 months"
action = "anonymise"
[rule.anonymise]
phone = "null"
`

func TestRun_Usage(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want int
		says string
	}{
		{"NoCommand", nil, exitInvalid, "no command"},
		{"UnknownCommand", []string{"sweeep"}, exitInvalid, `unknown command "sweeep"`},
		{"UnknownFlag", []string{"plan", "--bogus"}, exitInvalid, "bogus"},
		{"StrayArgument", []string{"version", "extra"}, exitInvalid, `unexpected argument "extra"`},
		{"MissingConfig", []string{"-c", "/nonexistent/sweeper.toml", "plan"}, exitInvalid, "/nonexistent/sweeper.toml"},
		{"Help", []string{"-h"}, exitOK, "Usage: sweeper"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, tc.args...)
			if code != tc.want {
				t.Errorf("exit code: got %d, want %d (stderr: %s)", code, tc.want, stderr)
			}
			if !strings.Contains(stderr, tc.says) {
				t.Errorf("stderr: got %q, want it to mention %q", stderr, tc.says)
			}
		})
	}
}

func TestRun_Version(t *testing.T) {
	code, out, _ := runCLI(t, "version")
	if code != exitOK || !strings.HasPrefix(out, "sweeper ") || !strings.Contains(out, "go1.") {
		t.Errorf("version: got code %d and %q, want 0 and a version with the Go version", code, out)
	}
}

// TestRun_BadConfig holds hostile and broken configs against the command
// line: each is refused with exit 2 and a message naming the problem, and
// nothing is touched (the database file named in the config is not even
// created).
func TestRun_BadConfig(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "shop.db")
	header := "[database]\ndriver = \"sqlite\"\ndsn = \"" + dbPath + "\"\n[sweeper]\ntimezone = \"Europe/Amsterdam\"\n"
	for _, tc := range []struct {
		name, config, says string
	}{
		{"TableWithBacktick", strings.Replace(validRule, `table = "orders"`, "table = \"orders`; DROP TABLE x; --\"", 1), "table"},
		{"TableWithQuote", strings.Replace(validRule, `table = "orders"`, `table = "orders'"`, 1), "table"},
		{"ColumnWithSemicolon", strings.Replace(validRule, `age_column = "created_at"`, `age_column = "created_at;"`, 1), "age_column"},
		{"WhereWithSecondStatement", strings.Replace(validRule, `action =`, "where = \"1=1; DROP TABLE orders\"\naction =", 1), "where"},
		{"WhereWithComment", strings.Replace(validRule, `action =`, "where = \"status <> 'x' -- \"\naction =", 1), "where"},
		{"FilesRootSlash", `
[[rule]]
name = "account-5y"
table = "customers"
age_column = "created_at"
older_than = "5 years"
action = "delete"
[rule.files]
column = "photo_path"
root = "/"
`, "root"},
		{"NoPeriod", strings.Replace(validRule, `older_than = "6 months"`, ``, 1), "older_than"},
		{"BadPeriod", strings.Replace(validRule, `older_than = "6 months"`, `older_than = "6 maanden"`, 1), "older_than"},
		{"NegativeBatchSize", strings.Replace(validRule, `action =`, "batch_size = -5\naction =", 1), "batch_size"},
		{"ScheduleThatNeverFires", strings.Replace(validRule, `action =`, "schedule = \"0 0 30 2 *\"\naction =", 1), "schedule"},
		{"UnknownKey", strings.Replace(validRule, `action =`, "tabel = \"orders\"\naction =", 1), "tabel"},
		{"UnknownStrategy", strings.Replace(validRule, `phone = "null"`, `phone = "scramble"`, 1), "scramble"},
		{"WrongType", strings.Replace(validRule, `older_than = "6 months"`, `older_than = 6`, 1), "older_than"},
		{"NoRules", "", "rule"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := writeFile(t, t.TempDir(), "config.toml", header+tc.config)
			for _, cmd := range []string{"check", "plan", "sweep"} {
				code, _, stderr := runCLI(t, "-c", cfg, cmd)
				if code != exitInvalid {
					t.Errorf("%s: exit code got %d, want %d (stderr: %s)", cmd, code, exitInvalid, stderr)
				}
				if !strings.Contains(stderr, tc.says) {
					t.Errorf("%s: stderr got %q, want it to name %q", cmd, stderr, tc.says)
				}
			}
			if _, err := os.Stat(dbPath); err == nil {
				t.Errorf("the database file was created: an invalid config must touch nothing")
			}
		})
	}
}

func TestRun_SecretsStayOutOfOutput(t *testing.T) {
	const password = "s3cret-Pa55word"
	t.Setenv("SWEEPER_DB_PASSWORD", password)
	cfg := writeFile(t, t.TempDir(), "config.toml", `
[database]
driver = "mysql"
dsn = "sweeper:${SWEEPER_DB_PASSWORD}@tcp(127.0.0.1:1)/shop"
`+validRule)
	for _, cmd := range []string{"check", "plan", "sweep"} {
		code, out, stderr := runCLI(t, "-c", cfg, cmd)
		if code == exitOK {
			t.Errorf("%s: exit code 0 against a closed port", cmd)
		}
		if strings.Contains(out+stderr, password) {
			t.Errorf("%s: the password appears in the output: %s", cmd, out+stderr)
		}
	}
}

// TestRun_Demo runs the demo as README tells a newcomer to, then the
// commands it suggests.
func TestRun_Demo(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "demo")
	code, out, stderr := runCLI(t, "demo", "--dir", dir)
	if code != exitOK {
		t.Fatalf("demo: exit %d: %s", code, stderr)
	}
	for _, want := range []string{"Plan as of", "account-idle-7y", "Next, try", "sweep --dry-run"} {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q", want)
		}
	}
	cfg := filepath.Join(dir, "config.toml")

	if code, out, stderr = runCLI(t, "-c", cfg, "check"); code != exitOK {
		t.Fatalf("check on the demo: exit %d: %s%s", code, out, stderr)
	}

	plan := func() map[string]any {
		t.Helper()
		code, out, stderr := runCLI(t, "-c", cfg, "plan", "--format", "json")
		if code != exitOK {
			t.Fatalf("plan: exit %d: %s", code, stderr)
		}
		var p map[string]any
		if err := json.Unmarshal([]byte(out), &p); err != nil {
			t.Fatalf("plan --format json is not JSON: %v\n%s", err, out)
		}
		return p
	}
	p := plan()
	rules, _ := p["rules"].([]any)
	if len(rules) == 0 {
		t.Fatalf("plan has no rules: %v", p)
	}
	first := rules[0].(map[string]any)
	for _, key := range []string{"name", "table", "action", "cutoff", "due", "reminders", "awaiting_reminder", "upcoming_30d", "oldest", "related"} {
		if _, ok := first[key]; !ok {
			t.Errorf("plan rule lacks %q: %v", key, first)
		}
	}
	if !regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$`).MatchString(p["as_of"].(string)) {
		t.Errorf("as_of: got %v, want RFC 3339 with the zone offset", p["as_of"])
	}
	totalDue := 0.0
	for _, r := range rules {
		totalDue += r.(map[string]any)["due"].(float64)
	}
	if totalDue == 0 {
		t.Fatal("the demo has nothing due: it shows nothing")
	}

	if code, _, stderr = runCLI(t, "-c", cfg, "sweep", "--dry-run"); code != exitOK {
		t.Fatalf("sweep --dry-run: exit %d: %s", code, stderr)
	}
	if got := plan(); !equalDue(got, p) {
		t.Errorf("a dry run changed the plan")
	}
	if code, _, stderr = runCLI(t, "-c", cfg, "sweep"); code != exitOK {
		t.Fatalf("sweep: exit %d: %s", code, stderr)
	}
	for _, r := range plan()["rules"].([]any) {
		if due := r.(map[string]any)["due"].(float64); due != 0 {
			t.Errorf("after the sweep, rule %v still has %v rows due", r.(map[string]any)["name"], due)
		}
	}
	// The JSON log on stderr names its events and never a customer.
	if !strings.Contains(stderr, `"event":"rule.done"`) {
		t.Errorf("sweep log lacks rule.done events: %s", stderr)
	}
	if regexp.MustCompile(`[a-z0-9.]+@example\.(nl|com)`).MatchString(stderr) {
		t.Errorf("sweep log holds an e-mail address: %s", stderr)
	}
}

func equalDue(a, b map[string]any) bool {
	ra, rb := a["rules"].([]any), b["rules"].([]any)
	if len(ra) != len(rb) {
		return false
	}
	for i := range ra {
		if ra[i].(map[string]any)["due"] != rb[i].(map[string]any)["due"] {
			return false
		}
	}
	return true
}

// exampleShop loads examples/shop/schema.sql into a fresh MariaDB database
// and writes config.example.toml, pointed at it with dsn, into a directory
// with the reminder templates beside it. It returns the root DSN of the
// database, the config's path and text.
func exampleShop(t *testing.T, dsn func(root string) string) (rootDSN, cfg, cfgText string) {
	t.Helper()
	rootDSN = dbtest.MySQL(t)
	mc, err := gomysql.ParseDSN(rootDSN)
	if err != nil {
		t.Fatal(err)
	}
	mc.MultiStatements = true
	db, err := sql.Open("mysql", mc.FormatDSN())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	schema, err := os.ReadFile("../../examples/shop/schema.sql")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(string(schema)); err != nil {
		t.Fatalf("load examples/shop/schema.sql: %v", err)
	}

	example, err := os.ReadFile("../../config.example.toml")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	// The same file, pointed at the test database; the templates beside it.
	cfgText = regexp.MustCompile(`(?m)^dsn = ".*"$`).ReplaceAllString(string(example), `dsn = "`+dsn(rootDSN)+`"`)
	cfg = writeFile(t, dir, "config.toml", cfgText)
	for _, name := range []string{"account-reminder.nl.txt", "account-reminder.en.txt"} {
		b, err := os.ReadFile(filepath.Join("../../templates", name))
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, dir, filepath.Join("templates", name), string(b))
	}
	t.Setenv("SWEEPER_HASH_KEY", "test-key")
	t.Setenv("SWEEPER_SMTP_PASSWORD", "test-smtp-password")
	return rootDSN, cfg, cfgText
}

// TestRun_ExampleConfig holds config.example.toml against its example schema
// on MariaDB: check passes with warnings only, and plan runs.
func TestRun_ExampleConfig(t *testing.T) {
	_, cfg, cfgText := exampleShop(t, func(root string) string { return root })
	dir := filepath.Dir(cfg)

	code, out, stderr := runCLI(t, "-c", cfg, "check")
	if code != exitOK {
		t.Fatalf("check config.example.toml: exit %d\n%s%s", code, out, stderr)
	}
	if strings.Contains(out, "error:") {
		t.Errorf("check reported errors: %s", out)
	}
	if !strings.Contains(out, "8 rules, 0 errors") {
		t.Errorf("check summary: got %q", out)
	}
	if code, _, stderr = runCLI(t, "-c", cfg, "plan", "--format", "json"); code != exitOK {
		t.Errorf("plan: exit %d: %s", code, stderr)
	}

	// A rule against a table that does not exist: check exits 1 and names it.
	broken := strings.Replace(cfgText, `table = "contact_messages"`, `table = "contact_mesages"`, 1)
	cfg2 := writeFile(t, dir, "broken.toml", broken)
	code, out, _ = runCLI(t, "-c", cfg2, "check")
	if code != exitFailed || !strings.Contains(out, `"contact_mesages" does not exist`) {
		t.Errorf("check with a missing table: got exit %d and %q, want 1 naming the table", code, out)
	}
}
