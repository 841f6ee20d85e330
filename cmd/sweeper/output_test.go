package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sweeperd/sweeper/internal/smtptest"
	"github.com/sweeperd/sweeper/sweeper"
)

// outSQLiteShop writes a SQLite shop with an orders table that validRule
// fits, and a config for it; extra is added to the config's top.
func outSQLiteShop(t *testing.T, extra string) (cfg, dbPath string) {
	t.Helper()
	dir := t.TempDir()
	dbPath = filepath.Join(dir, "shop.db")
	db, err := sql.Open("sqlite", dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`CREATE TABLE orders (id INTEGER PRIMARY KEY, created_at TEXT, phone TEXT)`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO orders VALUES (1, '2020-01-01 10:00:00', '0612345678')`); err != nil {
		t.Fatal(err)
	}
	cfg = writeFile(t, dir, "config.toml", "[database]\ndriver = \"sqlite\"\ndsn = \""+dbPath+"\"\n"+
		"[sweeper]\ntimezone = \"Europe/Amsterdam\"\n"+extra+validRule)
	return cfg, dbPath
}

// outJSON runs a command that writes JSON and decodes it into v.
func outJSON(t *testing.T, v any, args ...string) {
	t.Helper()
	code, out, stderr := runCLI(t, args...)
	if code != exitOK {
		t.Fatalf("%v: exit %d: %s", args, code, stderr)
	}
	if err := json.Unmarshal([]byte(out), v); err != nil {
		t.Fatalf("%v: not JSON: %v\n%s", args, err, out)
	}
}

// TestRun_ConfigAfterCommand: -c works after the command as well as before
// it, as in most tools; the later one counts.
func TestRun_ConfigAfterCommand(t *testing.T) {
	cfg, _ := outSQLiteShop(t, "")
	for _, args := range [][]string{
		{"check", "-c", cfg},
		{"plan", "-c", cfg, "--format", "json"},
		{"sweep", "--dry-run", "-c", cfg},
		{"audit", "-c", cfg},
		{"-c", "/nonexistent/sweeper.toml", "plan", "-c", cfg},
	} {
		if code, out, stderr := runCLI(t, args...); code != exitOK {
			t.Errorf("sweeper %s: exit %d, want 0\n%s%s", strings.Join(args, " "), code, out, stderr)
		}
	}
	// The one after the command is the one used, not the default.
	code, _, stderr := runCLI(t, "plan", "-c", "/nonexistent/other.toml")
	if code != exitInvalid || !strings.Contains(stderr, "/nonexistent/other.toml") {
		t.Errorf("plan -c /nonexistent/other.toml: exit %d, %q; want 2 naming that file", code, stderr)
	}
}

// TestPlan_FormatFromExtension: plan -o FILE without --format writes the
// format the extension names; an extension that names none is refused
// before anything is written; --format wins over the extension.
func TestPlan_FormatFromExtension(t *testing.T) {
	cfg, _ := outSQLiteShop(t, "")
	dir := t.TempDir()
	for name, want := range map[string]*regexp.Regexp{
		"report.html":    regexp.MustCompile(`^<!DOCTYPE html>`),
		"report.HTM":     regexp.MustCompile(`^<!DOCTYPE html>`),
		"plan.json":      regexp.MustCompile(`^\{\s+"as_of"`),
		"plan.csv":       regexp.MustCompile(`^rule,table,action,`),
		"plan.md":        regexp.MustCompile(`^## Retention plan`),
		"plan.markdown":  regexp.MustCompile(`^## Retention plan`),
		"plan.txt":       regexp.MustCompile(`^Plan as of`),
		"forced.html.md": regexp.MustCompile(`^## Retention plan`),
	} {
		out := filepath.Join(dir, name)
		code, _, stderr := runCLI(t, "-c", cfg, "plan", "-o", out)
		if code != exitOK {
			t.Errorf("plan -o %s: exit %d: %s", name, code, stderr)
			continue
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		if !want.Match(b) {
			t.Errorf("plan -o %s: the file starts %q, want %s", name, truncate(string(b), 60), want)
		}
	}
	out := filepath.Join(dir, "explicit.html")
	if code, _, stderr := runCLI(t, "-c", cfg, "plan", "--format", "json", "-o", out); code != exitOK {
		t.Errorf("plan --format json -o explicit.html: exit %d: %s", code, stderr)
	} else if b, _ := os.ReadFile(out); !strings.HasPrefix(string(b), "{") {
		t.Errorf("plan --format json -o explicit.html wrote %q, want JSON", truncate(string(b), 60))
	}
	for _, name := range []string{"report.pdf", "report"} {
		out := filepath.Join(dir, name)
		code, _, stderr := runCLI(t, "-c", cfg, "plan", "-o", out)
		if code != exitInvalid || !strings.Contains(stderr, "--format") {
			t.Errorf("plan -o %s: exit %d, %q; want 2 asking for --format", name, code, stderr)
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("plan -o %s: the file was written", name)
		}
	}
}

// TestRun_BadDSN: a DSN that does not parse is a config problem, exit 2
// naming database.dsn, for every command and for the daemon (which must not
// wait for a database it cannot even name); a database that does not
// answer stays exit 1.
func TestRun_BadDSN(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct{ name, driver, dsn, says string }{
		{"MySQLNotADSN", "mysql", "this is not a dsn", "database.dsn"},
		{"MySQLNoDatabase", "mysql", "root@tcp(127.0.0.1:1)/", "database.dsn names no database"},
		{"PostgresBadPort", "postgres", "postgres://sweeper@127.0.0.1:notaport/shop", "database.dsn"},
		{"SQLiteBadQuery", "sqlite", filepath.Join(dir, "shop.db") + "?%zz", "database.dsn"},
		{"UnknownParameter", "mysql", "root@tcp(127.0.0.1:1)/shop?parseTime=maybe", "database.dsn"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := writeFile(t, t.TempDir(), "config.toml", fmt.Sprintf("[database]\ndriver = %q\ndsn = %q\n[http]\nlisten = \"\"\n%s",
				tc.driver, tc.dsn, validRule))
			for _, cmd := range []string{"check", "plan", "sweep", "audit"} {
				code, _, stderr := runCLI(t, "-c", cfg, cmd)
				if code != exitInvalid || !strings.Contains(stderr, tc.says) || !strings.Contains(stderr, cfg) {
					t.Errorf("%s: exit %d, stderr %q; want %d naming %q and the file", cmd, code, stderr, exitInvalid, tc.says)
				}
			}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			var out, errb strings.Builder
			code := exitCode(run(ctx, []string{"-c", cfg, "run"}, &out, &errb), &errb)
			if ctx.Err() != nil || code != exitInvalid || !strings.Contains(errb.String(), tc.says) {
				t.Errorf("run: exit %d (waited for the database: %v), stderr %q; want %d at once naming %q",
					code, ctx.Err() != nil, errb.String(), exitInvalid, tc.says)
			}
		})
	}
	// A well-formed DSN of a database that does not answer: a run-time failure.
	cfg := writeFile(t, dir, "closed.toml", "[database]\ndriver = \"mysql\"\ndsn = \"root@tcp(127.0.0.1:1)/shop\"\n"+validRule)
	if code, _, stderr := runCLI(t, "-c", cfg, "plan"); code != exitFailed {
		t.Errorf("plan against a closed port: exit %d, want %d (%s)", code, exitFailed, stderr)
	}
}

// TestHealthcheck_ExitCodes holds healthcheck to Docker's HEALTHCHECK
// contract and README: 0 healthy, 1 unhealthy (including every case where
// it cannot ask), 2 only for a wrong command line.
func TestHealthcheck_ExitCodes(t *testing.T) {
	status := http.StatusOK
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" {
			http.NotFound(w, r)
			return
		}
		w.WriteHeader(status)
		if status != http.StatusOK {
			fmt.Fprintln(w, "database does not answer")
		}
	}))
	defer srv.Close()
	dir := t.TempDir()
	config := func(name, listen string) string {
		return writeFile(t, dir, name, "[database]\ndriver = \"sqlite\"\ndsn = \"shop.db\"\n[http]\nlisten = \""+listen+"\"\n"+validRule)
	}
	up := config("up.toml", srv.Listener.Addr().String())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()

	if code, out, stderr := runCLI(t, "-c", up, "healthcheck"); code != 0 || strings.TrimSpace(out) != "ok" {
		t.Errorf("healthy daemon: exit %d, %q %q; want 0 and ok", code, out, stderr)
	}
	status = http.StatusServiceUnavailable
	if code, _, stderr := runCLI(t, "-c", up, "healthcheck"); code != 1 || !strings.Contains(stderr, "database does not answer") {
		t.Errorf("daemon answering 503: exit %d, %q; want 1 with the daemon's reason", code, stderr)
	}
	for name, cfg := range map[string]string{
		"NoDaemon":      config("closed.toml", closed),
		"HTTPOff":       config("off.toml", ""),
		"InvalidConfig": writeFile(t, dir, "invalid.toml", "[database]\ndriver = \"oracle\"\n"),
		"MissingConfig": filepath.Join(dir, "missing.toml"),
	} {
		if code, _, stderr := runCLI(t, "-c", cfg, "healthcheck"); code != 1 {
			t.Errorf("%s: exit %d, want 1 (unhealthy; Docker reserves 2): %s", name, code, stderr)
		}
	}
	for _, args := range [][]string{{"healthcheck", "--bogus"}, {"healthcheck", "extra"}} {
		if code, _, stderr := runCLI(t, append([]string{"-c", up}, args...)...); code != exitInvalid {
			t.Errorf("%v: exit %d, want %d: %s", args, code, exitInvalid, stderr)
		}
	}
}

// TestOutput_Plurals: one is singular, everywhere a count is written.
func TestOutput_Plurals(t *testing.T) {
	cfg, _ := outSQLiteShop(t, "")
	code, out, stderr := runCLI(t, "-c", cfg, "check")
	if code != exitOK {
		t.Fatalf("check: exit %d: %s%s", code, out, stderr)
	}
	m := regexp.MustCompile(`: 1 rule, 0 errors, (\d+) (warnings?)\n$`).FindStringSubmatch(out)
	if m == nil || (m[1] == "1") != (m[2] == "warning") {
		t.Errorf("check summary: got %q, want \"1 rule, 0 errors, N warning(s)\" in the right number", out)
	}

	var b strings.Builder
	p := &sweeper.Plan{AsOf: repDemoAsOf, Rules: []sweeper.RulePlan{{Name: "account-5y", Table: "customers",
		Action: sweeper.ActionDelete, Due: 1, Related: []sweeper.RelatedCount{{Table: "addresses", Action: sweeper.ActionDelete, Rows: 1}}}}}
	if err := writePlanText(&b, p, false); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"TOTAL (1 rule)", "related: addresses delete 1 row\n"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("plan text lacks %q:\n%s", want, b.String())
		}
	}
	b.Reset()
	if err := writePlanMarkdown(&b, p, false); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "(1 rule)") {
		t.Errorf("plan markdown lacks \"(1 rule)\":\n%s", b.String())
	}

	// A sweep, then the audit of its one record; an erase of one key.
	if code, out, stderr := runCLI(t, "-c", cfg, "sweep", "--as-of", "2026-11-22"); code != exitOK {
		t.Fatalf("sweep: exit %d: %s%s", code, out, stderr)
	}
	code, out, _ = runCLI(t, "-c", cfg, "audit")
	if code != exitOK || !strings.HasPrefix(out, "1 audit record, oldest first") {
		t.Errorf("audit of one record: exit %d, %q; want it to start \"1 audit record, oldest first\"", code, out)
	}
	code, out, stderr = runCLI(t, "-c", cfg, "erase", "--rule", "order-phone-6m", "--key", "2")
	if code != exitFailed || !strings.Contains(out, "0 of 1 key erased") || !strings.Contains(stderr, "1 of 1 key was not erased") {
		t.Errorf("erase of one missing key: exit %d, %q %q; want \"0 of 1 key erased\" and \"1 of 1 key was not erased\"", code, out, stderr)
	}
}

// TestSweep_ReportsReminders: sweep --dry-run prints per rule the reminders
// it would send and the rows the reminder holds back, the same counts plan
// gives; a sweep prints the reminders it sent.
func TestSweep_ReportsReminders(t *testing.T) {
	srv := smtptest.Start(t)
	host, port := srv.Addr()
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "shop.db")
	db := opDB(t, dbPath)
	for _, q := range []string{
		`CREATE TABLE orders (id INTEGER PRIMARY KEY, created_at TEXT, phone TEXT)`,
		`CREATE TABLE members (id INTEGER PRIMARY KEY, email TEXT, first_name TEXT, created_at TEXT)`,
		// Due by age, not yet reminded: a reminder now, and held back.
		`INSERT INTO members VALUES (1, 'a@example.invalid', 'Anna', '2020-01-01 10:00:00')`,
		// In the month before its deletion: a reminder now.
		`INSERT INTO members VALUES (2, 'b@example.invalid', 'Bram', '2021-12-10 10:00:00')`,
		// Due, and no address to remind: deleted.
		`INSERT INTO members VALUES (3, NULL, 'Cor', '2020-01-01 10:00:00')`,
		// Young.
		`INSERT INTO members VALUES (4, 'd@example.invalid', 'Dien', '2025-01-01 10:00:00')`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	cfg := writeFile(t, dir, "config.toml", fmt.Sprintf(`
[database]
driver = "sqlite"
dsn = %q
[sweeper]
timezone = "Europe/Amsterdam"
[mail]
host = %q
port = %d
tls = "none"
from = "Testwinkel <info@example.invalid>"
`+validRule, dbPath, host, port)+memberRule(t, dir))
	const asOf = "2026-11-22"

	var p struct {
		Rules []struct {
			Due       int `json:"due"`
			Reminders int `json:"reminders"`
			Awaiting  int `json:"awaiting_reminder"`
		} `json:"rules"`
	}
	if outJSON(t, &p, "-c", cfg, "plan", "--as-of", asOf, "--format", "json", "--rule", "member-idle-5y"); len(p.Rules) != 1 {
		t.Fatalf("plan: %d rules, want the one asked for", len(p.Rules))
	}
	want := p.Rules[0]
	if want.Due != 1 || want.Reminders != 2 || want.Awaiting != 1 {
		t.Fatalf("plan: due %d, reminders %d, awaiting %d; the shop was made for 1, 2, 1", want.Due, want.Reminders, want.Awaiting)
	}
	row := regexp.MustCompile(`(?m)^member-idle-5y +members +delete +(\d+) +(\S+) +(\S+) +ok$`)
	head := regexp.MustCompile(`(?m)^RULE +TABLE +ACTION +ROWS +(REMINDERS|REMINDERS SENT) +AWAITING +RESULT$`)
	phone := regexp.MustCompile(`(?m)^order-phone-6m +orders +anonymise +0 +- +- +ok$`)

	code, out, stderr := runCLI(t, "-c", cfg, "sweep", "--dry-run", "--as-of", asOf)
	m := row.FindStringSubmatch(out)
	if code != exitOK || m == nil || !head.MatchString(out) || !phone.MatchString(out) {
		t.Fatalf("sweep --dry-run: exit %d, want the reminder columns and a row per rule:\n%s%s", code, out, stderr)
	}
	if got := m[1] + " " + m[2] + " " + m[3]; got != fmt.Sprintf("%d %d %d", want.Due, want.Reminders, want.Awaiting) {
		t.Errorf("sweep --dry-run: rows, reminders, awaiting %s; plan says %d %d %d", got, want.Due, want.Reminders, want.Awaiting)
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("sweep --dry-run sent %d mails", n)
	}

	code, out, stderr = runCLI(t, "-c", cfg, "sweep", "--as-of", asOf)
	m = row.FindStringSubmatch(out)
	if code != exitOK || m == nil || !strings.Contains(out, "REMINDERS SENT") {
		t.Fatalf("sweep: exit %d, want the reminders sent:\n%s%s", code, out, stderr)
	}
	if got := m[1] + " " + m[2] + " " + m[3]; got != fmt.Sprintf("%d %d %d", want.Due, want.Reminders, want.Awaiting) {
		t.Errorf("sweep: rows, reminders sent, awaiting %s; want %d %d %d as plan said", got, want.Due, want.Reminders, want.Awaiting)
	}
	if n := len(srv.Messages()); n != want.Reminders {
		t.Errorf("sweep sent %d mails, reported %s", n, m[2])
	}
}

// TestTextReports_Fit120Columns runs the commands whose text reports list
// related rows on the demo shop, whose rules have up to nine related tables
// each: every line fits 120 columns, and no related table is lost.
func TestTextReports_Fit120Columns(t *testing.T) {
	cfg, dbPath := repDemo(t)
	asOf := repDemoAsOf.Format(time.RFC3339)
	db := opDB(t, dbPath)
	// The customer with the most related rows that the sweep leaves; erase
	// runs on the real clock, so after the sweep.
	key := func() string {
		var key string
		if err := db.QueryRow(`SELECT c.id FROM customers c JOIN customer_addresses a ON a.customer_id = c.id
			JOIN favourites f ON f.customer_id = c.id GROUP BY c.id ORDER BY COUNT(*) DESC LIMIT 1`).Scan(&key); err != nil {
			t.Fatal(err)
		}
		return key
	}
	for _, args := range [][]string{
		{"plan", "--as-of", asOf},
		{"sweep", "--dry-run", "--as-of", asOf},
		{"sweep", "--as-of", asOf},
		{"erase", "--rule", "account-idle-7y", "--key", "KEY", "--dry-run"},
		{"erase", "--rule", "account-idle-7y", "--key", "KEY"},
	} {
		if args[0] == "erase" {
			args[4] = key()
		}
		code, out, stderr := runCLI(t, append([]string{"-c", cfg}, args...)...)
		if code != exitOK {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
		for _, l := range strings.Split(out, "\n") {
			if n := len([]rune(l)); n > lineWidth {
				t.Errorf("%v: a line of %d columns:\n%s", args, n, l)
			}
		}
		// account-idle-7y lists nine related tables, the last one research_participants.
		if !strings.Contains(out, "research_participants detach") || !strings.Contains(out, "customer_addresses delete") {
			t.Errorf("%v: the related rows are not all there:\n%s", args, out)
		}
	}
}

// TestPlan_Overlaps: two rules on one table whose due rows intersect are
// named in every format of plan, with the rows they share, and the sweep
// that follows bears the count out: the later rule does that many fewer.
func TestPlan_Overlaps(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "shop.db")
	db := opDB(t, dbPath)
	stmts := []string{`CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER, created_at TEXT, phone TEXT)`}
	// Guest orders (no customer) of 2019, 2023 and 2026; customer orders of 2019.
	for i := 1; i <= 12; i++ {
		cust, year := "NULL", []string{"2019", "2023", "2026"}[i%3]
		if i > 9 {
			cust, year = "7", "2019"
		}
		stmts = append(stmts, fmt.Sprintf(`INSERT INTO orders VALUES (%d, %s, '%s-03-01 10:00:00', '06')`, i, cust, year))
	}
	for _, q := range stmts {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	cfg := writeFile(t, dir, "config.toml", fmt.Sprintf(`
[database]
driver = "sqlite"
dsn = %q
[sweeper]
timezone = "Europe/Amsterdam"
max_fraction = 1.0
[[rule]]
name = "guest-order-2y"
table = "orders"
age_column = "created_at"
older_than = "2 years"
where = "customer_id IS NULL"
action = "delete"
[[rule]]
name = "order-5y"
table = "orders"
age_column = "created_at"
older_than = "5 years"
action = "delete"
[[rule]]
name = "order-phone-1y"
table = "orders"
age_column = "created_at"
older_than = "1 year"
action = "anonymise"
[rule.anonymise]
phone = "null"
`, dbPath))
	const asOf = "2026-11-22"
	// Guest orders of 2019 (3) are due under both delete rules; order-5y
	// also has the customer's three of 2019. The anonymise rule shares its
	// due rows with both, but acts after them.
	var p struct {
		Rules []struct {
			Name string `json:"name"`
			Due  int    `json:"due"`
		} `json:"rules"`
		Overlaps []struct {
			Table, First, Second, Note string
			Rows                       int
		} `json:"overlaps"`
	}
	outJSON(t, &p, "-c", cfg, "plan", "--as-of", asOf, "--format", "json")
	if len(p.Rules) != 3 || p.Rules[0].Due != 6 || p.Rules[1].Due != 6 {
		t.Fatalf("plan: %+v; the shop was made for 6 and 6 due", p.Rules)
	}
	var got []string
	for _, o := range p.Overlaps {
		got = append(got, fmt.Sprintf("%s %s %s %d", o.Table, o.First, o.Second, o.Rows))
	}
	want := []string{"orders guest-order-2y order-5y 3", "orders guest-order-2y order-phone-1y 6", "orders order-5y order-phone-1y 6"}
	if strings.Join(got, "; ") != strings.Join(want, "; ") {
		t.Errorf("plan overlaps:\n got %q\nwant %q", got, want)
	}
	const says = "orders: 3 rows due under both guest-order-2y and order-5y; guest-order-2y deletes them first, so order-5y finds them gone"
	for _, format := range []string{"text", "markdown", "html"} {
		code, out, stderr := runCLI(t, "-c", cfg, "plan", "--as-of", asOf, "--format", format)
		if code != exitOK || !strings.Contains(strings.Join(strings.Fields(out), " "), says) {
			t.Errorf("plan --format %s does not say %q (exit %d, %s):\n%s", format, says, code, stderr, out)
		}
	}
	// The sweep: order-5y deletes 6 - 3.
	code, out, stderr := runCLI(t, "-c", cfg, "sweep", "--as-of", asOf)
	if code != exitOK || !regexp.MustCompile(`(?m)^order-5y +orders +delete +3 `).MatchString(out) {
		t.Errorf("sweep: exit %d, want order-5y to delete 6 - 3 = 3:\n%s%s", code, out, stderr)
	}
}
