package dbtest

import (
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

func TestPostgres(t *testing.T) {
	var names []string
	ok := t.Run("create", func(t *testing.T) {
		dsn1 := Postgres(t)
		dsn2 := Postgres(t)

		for _, dsn := range []string{dsn1, dsn2} {
			cfg, err := pgx.ParseConfig(dsn)
			if err != nil {
				t.Fatalf("returned DSN does not parse: %v", err)
			}
			names = append(names, cfg.Database)

			db := OpenPostgres(t, dsn)
			var current, encoding string
			if err := db.QueryRow("SELECT current_database(), pg_encoding_to_char(encoding) FROM pg_database WHERE datname = current_database()").Scan(&current, &encoding); err != nil {
				t.Fatal(err)
			}
			if current != cfg.Database {
				t.Errorf("connected to database %q, want %q", current, cfg.Database)
			}
			if encoding != "UTF8" {
				t.Errorf("database encoding = %s, want UTF8", encoding)
			}
			var tables int
			if err := db.QueryRow("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public'").Scan(&tables); err != nil {
				t.Fatal(err)
			}
			if tables != 0 {
				t.Errorf("new database %s has %d tables, want 0", cfg.Database, tables)
			}
			if _, err := db.Exec("CREATE TABLE customers (id INT PRIMARY KEY, email VARCHAR(255))"); err != nil {
				t.Fatal(err)
			}
			if _, err := db.Exec("INSERT INTO customers VALUES (1, 'jürgen@example.com')"); err != nil {
				t.Fatal(err)
			}
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
		// The pools opened above are still connected when the databases are
		// dropped: DROP ... WITH (FORCE) must not wait for them.
	})
	if !ok {
		return
	}
	if len(names) != 2 {
		t.Skip("needs PostgreSQL; the subtest said why")
	}

	base := OpenPostgres(t, PostgresBaseDSN())
	for _, name := range names {
		var n int
		if err := base.QueryRow("SELECT COUNT(*) FROM pg_database WHERE datname = $1", name).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("database %s still exists after cleanup", name)
		}
	}
}

func TestPostgresAhead(t *testing.T) {
	var taken, untaken string
	ok := t.Run("parent", func(t *testing.T) {
		p1 := PostgresAhead(t, t.Name()+"/taken")
		p2 := PostgresAhead(t, t.Name()+"/untaken")
		t.Run("taken", func(t *testing.T) {
			dsn := p1.Take(t)
			cfg, err := pgx.ParseConfig(dsn)
			if err != nil {
				t.Fatal(err)
			}
			taken = cfg.Database
			if !strings.Contains(taken, "taken") {
				t.Errorf("database %q is not named after its test", taken)
			}
			var n int
			if err := OpenPostgres(t, dsn).QueryRow("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public'").Scan(&n); err != nil || n != 0 {
				t.Errorf("tables in the new database: got %d, %v; want 0", n, err)
			}
		})
		if taken == "" {
			return
		}
		// The subtest that took it dropped it.
		if postgresExists(t, taken) {
			t.Errorf("database %s still exists after the cleanup of the test that took it", taken)
		}
		// The second one was never taken: the parent's cleanup drops it.
		<-p2.done
		if p2.db.conn == nil || !postgresExists(t, p2.db.name) {
			t.Fatalf("the database nobody took was not created")
		}
		untaken = p2.db.name
	})
	if !ok || untaken == "" {
		return
	}
	if postgresExists(t, untaken) {
		t.Errorf("database %s still exists after the parent's cleanup", untaken)
	}
}

func postgresExists(t *testing.T, name string) bool {
	t.Helper()
	var n int
	if err := OpenPostgres(t, PostgresBaseDSN()).QueryRow("SELECT COUNT(*) FROM pg_database WHERE datname = $1", name).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n > 0
}

func TestPostgresDSN(t *testing.T) {
	for _, c := range []struct{ base, want string }{
		{"postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable", "postgres://postgres@127.0.0.1:5432/sweeper_test_x?sslmode=disable"},
		{"postgresql://u:p@h/", "postgresql://u:p@h/sweeper_test_x"},
		{"postgres://u@h/db?dbname=other&sslmode=disable", "postgres://u@h/sweeper_test_x?sslmode=disable"},
		{"host=127.0.0.1 user=postgres dbname=postgres", "host=127.0.0.1 user=postgres dbname=postgres dbname=sweeper_test_x"},
	} {
		got, err := withDatabase(c.base, "sweeper_test_x")
		if err != nil || got != c.want {
			t.Errorf("withDatabase(%q) = %q, %v; want %q", c.base, got, err, c.want)
			continue
		}
		cfg, err := pgx.ParseConfig(got)
		if err != nil || cfg.Database != "sweeper_test_x" {
			t.Errorf("withDatabase(%q) = %q: database %q, %v", c.base, got, cfg.Database, err)
		}
	}
	for _, dsn := range []string{
		"postgres://postgres:s3cret@127.0.0.1/postgres",
		"postgres://postgres@127.0.0.1/postgres?password=s3cret",
		"host=127.0.0.1 user=postgres password=s3cret",
		"host=127.0.0.1 user=postgres password='s3 cret'",
	} {
		if got := RedactPostgres(dsn); strings.Contains(got, "s3") {
			t.Errorf("RedactPostgres(%q) = %q: password visible", dsn, got)
		}
	}
	for _, name := range []string{"", strings.Repeat("TestVeryLongName/", 20)} {
		if n := databaseNameMax(name, maxPostgresNameLen); len(n) > maxPostgresNameLen {
			t.Errorf("databaseNameMax(%q) = %q: longer than %d", name, n, maxPostgresNameLen)
		}
	}
}

// TestOpenPostgres_LockTimeout: a test's own pool gives up waiting for a
// lock after TestLockTimeout, or after the DSN's own lock_timeout, instead
// of waiting for ever.
func TestOpenPostgres_LockTimeout(t *testing.T) {
	dsn := Postgres(t)
	db := OpenPostgres(t, dsn)
	var got string
	if err := db.QueryRow("SHOW lock_timeout").Scan(&got); err != nil {
		t.Fatal(err)
	}
	if want := "10s"; got != want {
		t.Errorf("lock_timeout: got %q, want %q", got, want)
	}

	// The DSN's own setting wins; a short one keeps this test quick.
	u, err := url.Parse(dsn)
	if err != nil {
		t.Skipf("the test database DSN is not a URL, which this test needs to add lock_timeout: %v", err)
	}
	q := u.Query()
	q.Set("lock_timeout", "500")
	u.RawQuery = q.Encode()
	short := OpenPostgres(t, u.String())
	if err := short.QueryRow("SHOW lock_timeout").Scan(&got); err != nil {
		t.Fatal(err)
	}
	if want := "500ms"; got != want {
		t.Errorf("lock_timeout from the DSN: got %q, want %q", got, want)
	}

	if _, err := db.Exec("CREATE TABLE t (id INT PRIMARY KEY)"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("INSERT INTO t VALUES (1)"); err != nil {
		t.Fatal(err)
	}
	holder, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Rollback()
	if _, err := holder.Exec("UPDATE t SET id = 1 WHERE id = 1"); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := short.Exec("UPDATE t SET id = 1 WHERE id = 1")
		done <- err
	}()
	select {
	case err := <-done:
		var pe *pgconn.PgError
		if !errors.As(err, &pe) || pe.Code != "55P03" {
			t.Errorf("update of a locked row: got %v, want lock_timeout's error (SQLSTATE 55P03)", err)
		}
	case <-time.After(time.Minute):
		t.Fatalf("update of a locked row: still waiting after a minute, want lock_timeout's error")
	}
}
