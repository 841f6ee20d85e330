package dbtest

import (
	"database/sql"
	"errors"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/go-sql-driver/mysql"
)

func TestMySQL(t *testing.T) {
	var names []string
	ok := t.Run("create", func(t *testing.T) {
		dsn1 := MySQL(t)
		dsn2 := MySQL(t)

		for _, dsn := range []string{dsn1, dsn2} {
			cfg, err := mysql.ParseDSN(dsn)
			if err != nil {
				t.Fatalf("returned DSN does not parse: %v", err)
			}
			names = append(names, cfg.DBName)

			db := Open(t, dsn)
			var current string
			if err := db.QueryRow("SELECT DATABASE()").Scan(&current); err != nil {
				t.Fatal(err)
			}
			if current != cfg.DBName {
				t.Errorf("connected to database %q, want %q", current, cfg.DBName)
			}
			var tables int
			if err := db.QueryRow("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?", cfg.DBName).Scan(&tables); err != nil {
				t.Fatal(err)
			}
			if tables != 0 {
				t.Errorf("new database %s has %d tables, want 0", cfg.DBName, tables)
			}

			Exec(t, dsn,
				"CREATE TABLE customers (id INT PRIMARY KEY, email VARCHAR(255))",
				"INSERT INTO customers VALUES (1, 'jürgen@example.com')",
			)
			var email string
			if err := db.QueryRow("SELECT email FROM customers WHERE id = 1").Scan(&email); err != nil {
				t.Fatal(err)
			}
			if email != "jürgen@example.com" {
				t.Errorf("email round-trip = %q, want utf8 preserved", email)
			}
		}
		if names[0] == names[1] {
			t.Errorf("two calls returned the same database %q", names[0])
		}
	})
	if !ok {
		return
	}
	if len(names) != 2 {
		t.Skip("needs MariaDB; the subtest said why")
	}

	// The subtest's cleanup has run by now, so both databases must be gone.
	base, err := sql.Open("mysql", BaseDSN())
	if err != nil {
		t.Fatal(err)
	}
	defer base.Close()
	for _, name := range names {
		var n int
		if err := base.QueryRow("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?", name).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("database %s still exists after cleanup", name)
		}
	}
}

func TestDatabaseName(t *testing.T) {
	valid := regexp.MustCompile(`^sweeper_test_[a-z0-9_]+_[0-9a-f]{16}$`)
	for _, testName := range []string{
		"TestMySQL",
		"TestRule/delete orders older than 10 years#01",
		"Test/ÄÖÜ/",
		strings.Repeat("TestVeryLongName/", 20),
		"",
	} {
		name := databaseName(testName)
		if len(name) > maxNameLen || !valid.MatchString(name) || strings.Contains(name, "__") {
			t.Errorf("databaseName(%q) = %q: not a valid, tidy database name", testName, name)
		}
	}
	if got := databaseName("TestRule/Delete Orders"); !strings.HasPrefix(got, "sweeper_test_testrule_delete_orders_") {
		t.Errorf("databaseName keeps the test name recognisable: got %q", got)
	}
	if databaseName("TestX") == databaseName("TestX") {
		t.Error("databaseName is not unique for the same test name")
	}
}

func TestRedact(t *testing.T) {
	got := Redact("sweeper:s3cret@tcp(db.example:3306)/shop?parseTime=true")
	if strings.Contains(got, "s3cret") || !strings.Contains(got, "sweeper:") || !strings.Contains(got, "db.example:3306") {
		t.Errorf("Redact = %q", got)
	}
	if got := Redact("::not a dsn::s3cret"); strings.Contains(got, "s3cret") {
		t.Errorf("Redact of an unparseable DSN leaks it: %q", got)
	}
}

func TestSQLite(t *testing.T) {
	a, b := SQLite(t), SQLite(t)
	if a == b {
		t.Errorf("two calls returned the same path %s", a)
	}
	if _, err := os.Stat(a); !os.IsNotExist(err) {
		t.Errorf("SQLite path %s should not exist yet (err=%v)", a, err)
	}
}

// shortHelperEnv marks the test binary that TestSkipShort runs as a child.
const shortHelperEnv = "DBTEST_SHORT_HELPER"

// TestSkipShort runs TestSkipShortHelper under -short in a child test
// binary: on a developer's machine each database helper skips, and under
// CI=true each fails, so that CI with -short cannot go green without
// having run a database test.
func TestSkipShort(t *testing.T) {
	run := func(t *testing.T, ci string) (string, error) {
		t.Helper()
		cmd := exec.Command(os.Args[0], "-test.run=^TestSkipShortHelper$", "-test.short", "-test.v", "-test.count=1")
		for _, kv := range os.Environ() {
			if !strings.HasPrefix(kv, "CI=") {
				cmd.Env = append(cmd.Env, kv)
			}
		}
		cmd.Env = append(cmd.Env, shortHelperEnv+"=1", "CI="+ci)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	helpers := []string{"MySQL", "Postgres", "PostgresAhead", "PrivateMariaDB", "PrivatePostgres"}

	t.Run("SkipsOutsideCI", func(t *testing.T) {
		out, err := run(t, "")
		if err != nil {
			t.Fatalf("child test binary: got %v, want success\n%s", err, out)
		}
		for _, h := range helpers {
			if want := "--- SKIP: TestSkipShortHelper/" + h; !strings.Contains(out, want) {
				t.Errorf("got no %q in the output:\n%s", want, out)
			}
		}
	})

	t.Run("FailsUnderCI", func(t *testing.T) {
		out, err := run(t, "true")
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			t.Fatalf("child test binary: got %v, want it to fail\n%s", err, out)
		}
		for _, h := range helpers {
			if want := "--- FAIL: TestSkipShortHelper/" + h; !strings.Contains(out, want) {
				t.Errorf("got no %q in the output:\n%s", want, out)
			}
		}
		if want := "under CI=true a skipped database test is a failure"; !strings.Contains(out, want) {
			t.Errorf("got no %q in the output:\n%s", want, out)
		}
		if strings.Contains(out, "--- SKIP") {
			t.Errorf("got a skip under CI=true:\n%s", out)
		}
	})
}

// TestSkipShortHelper asks every helper for a database; TestSkipShort runs
// it under -short.
func TestSkipShortHelper(t *testing.T) {
	if os.Getenv(shortHelperEnv) == "" {
		t.Skip("run by TestSkipShort in a child test binary")
	}
	t.Run("MySQL", func(t *testing.T) { MySQL(t) })
	t.Run("Postgres", func(t *testing.T) { Postgres(t) })
	t.Run("PostgresAhead", func(t *testing.T) { PostgresAhead(t, t.Name()).Take(t) })
	t.Run("PrivateMariaDB", func(t *testing.T) { PrivateMariaDB(t) })
	t.Run("PrivatePostgres", func(t *testing.T) { PrivatePostgres(t) })
}
