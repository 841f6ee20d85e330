package main

import (
	"context"
	"database/sql"
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
