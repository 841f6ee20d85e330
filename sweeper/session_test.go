package sweeper_test

import (
	"fmt"
	"testing"
	"time"

	gomysql "github.com/go-sql-driver/mysql"

	"github.com/sweeperd/sweeper/internal/dbtest"
	"github.com/sweeperd/sweeper/sweeper"
)

// TestSweeper_SessionsInUTC holds README's promise that the sweeper's
// database sessions run in UTC, on servers whose own sessions do not: a
// private MariaDB started with --default-time-zone=-05:00 and a private
// PostgreSQL with timezone America/New_York (every shared test server runs
// in UTC, where the promise is never put to the test). On such a server a
// session left in the server's zone reads the cutoff of an instant column,
// FROM_UNIXTIME()/to_timestamp() and NOW() hours off: rows go hours early,
// or hours late.
//
// Each rule has a row one second before its cutoff, which goes, and rows at
// and one second after it, which stay; NOW() in where is the real clock, so
// its rows expired ten minutes ago (goes) and expire in ten minutes (stays).
func TestSweeper_SessionsInUTC(t *testing.T) {
	// cutoff: 2026-05-22 00:00 CEST = 2026-05-21 22:00:00 UTC for "6 months".
	asOf := engAms(2026, 11, 22, 0, 0, 0)
	cutoff := time.Date(2026, 5, 21, 22, 0, 0, 0, time.UTC).Unix()
	now := time.Now().UTC()
	expired, expires := now.Add(-10*time.Minute).Format(time.DateTime), now.Add(10*time.Minute).Format(time.DateTime)

	// rules adds the three rules; unix is the dialect's Unix-time function.
	rules := func(f *fixture, unix string) {
		f.rule(sweeper.Rule{Name: "sessions", Table: "sessions", AgeColumns: []string{"seen_at"}, OlderThan: months(6),
			Action: sweeper.ActionDelete})
		f.rule(sweeper.Rule{Name: "users", Table: "users", AgeSQL: unix + "(registered)", AgeTimezone: time.UTC,
			OlderThan: months(6), Action: sweeper.ActionDelete})
		f.rule(sweeper.Rule{Name: "tokens", Table: "tokens", AgeColumns: []string{"created_at"}, OlderThan: months(6),
			Where: "expires_at < NOW()", Action: sweeper.ActionDelete})
	}
	// seedAndSweep fills the tables (created by the caller in the dialect's
	// types) and sweeps; instant formats an instant column's literal.
	seedAndSweep := func(t *testing.T, f *fixture, instant func(s string) string) {
		f.exec(`INSERT INTO sessions (seen_at) VALUES (`+instant("2026-05-21 21:59:59")+`), (`+
			instant("2026-05-21 22:00:00")+`), (`+instant("2026-05-21 22:00:01")+`)`,
			fmt.Sprintf(`INSERT INTO users (registered) VALUES (%d), (%d), (%d)`, cutoff-1, cutoff, cutoff+1),
			`INSERT INTO tokens (created_at, expires_at) VALUES ('2015-01-01 00:00:00', '`+expired+`'), ('2015-01-01 00:00:00', '`+expires+`')`)
		rep, err := engSweep(f, asOf, sweeper.SweepOptions{})
		if err != nil {
			t.Fatalf("sweep: %v", err)
		}
		for _, name := range []string{"sessions", "users", "tokens"} {
			if got := engRule(t, rep, name).Rows; got != 1 {
				t.Errorf("rule %s: got %d rows, want 1", name, got)
			}
		}
		engWantIDs(t, f, "sessions left (TIMESTAMP or timestamptz column)", `SELECT id FROM sessions ORDER BY id`, 2, 3)
		engWantIDs(t, f, "users left (Unix time in age_sql)", `SELECT id FROM users ORDER BY id`, 2, 3)
		engWantIDs(t, f, "tokens left (NOW() in where)", `SELECT id FROM tokens ORDER BY id`, 2)
	}

	t.Run("mysql", func(t *testing.T) {
		t.Parallel()
		srv := dbtest.PrivateMariaDB(t, "--default-time-zone=-05:00")
		dbtest.Exec(t, srv.DSN(""), "CREATE DATABASE shop CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci")
		f := setupOn(t, dbMySQL, srv.DSN("shop"))
		var zone string
		if err := f.raw.QueryRow(`SELECT @@session.time_zone`).Scan(&zone); err != nil {
			t.Fatal(err)
		}
		if zone != "-05:00" {
			t.Fatalf("time zone of a new session on the private server: got %q, want -05:00", zone)
		}
		// The test's own session writes the instants in UTC.
		cfg, err := gomysql.ParseDSN(srv.DSN("shop"))
		if err != nil {
			t.Fatal(err)
		}
		cfg.Params = map[string]string{"time_zone": "'+00:00'"}
		f.raw = dbtest.Open(t, cfg.FormatDSN())
		f.exec(`CREATE TABLE sessions (id AUTO_PK, seen_at TIMESTAMP NULL)`,
			`CREATE TABLE users (id AUTO_PK, registered BIGINT NOT NULL)`,
			`CREATE TABLE tokens (id AUTO_PK, created_at DATETIME NOT NULL, expires_at DATETIME NOT NULL)`)
		rules(f, "FROM_UNIXTIME")
		seedAndSweep(t, f, func(s string) string { return "'" + s + "'" })
	})

	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		srv := dbtest.PrivatePostgres(t, "timezone=America/New_York")
		if _, err := dbtest.OpenPostgres(t, srv.DSN("")).Exec("CREATE DATABASE shop"); err != nil {
			t.Fatal(err)
		}
		f := setupOn(t, dbPostgres, srv.DSN("shop"))
		var zone string
		if err := f.raw.QueryRow(`SHOW timezone`).Scan(&zone); err != nil {
			t.Fatal(err)
		}
		if zone != "America/New_York" {
			t.Fatalf("time zone of a new session on the private server: got %q, want America/New_York", zone)
		}
		// expires_at is a zone-less timestamp holding UTC, as many shops keep it.
		f.exec(`CREATE TABLE sessions (id AUTO_PK, seen_at TIMESTAMPTZ NULL)`,
			`CREATE TABLE users (id AUTO_PK, registered BIGINT NOT NULL)`,
			`CREATE TABLE tokens (id AUTO_PK, created_at TIMESTAMP NOT NULL, expires_at TIMESTAMP NOT NULL)`)
		rules(f, "to_timestamp")
		seedAndSweep(t, f, func(s string) string { return "'" + s + "+00'" })
	})
}
