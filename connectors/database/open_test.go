package database_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"strings"
	"testing"

	gomysql "github.com/go-sql-driver/mysql"

	"github.com/sweeperd/sweeper/connectors/database"
	"github.com/sweeperd/sweeper/internal/dbtest"
)

// loginName returns a user or database name no other test uses.
func loginName(prefix string) string {
	b := make([]byte, 4)
	rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// secretForms are the ways a password may be written where a driver could
// echo it: as it is and URL-encoded.
func secretForms(p string) []string {
	return []string{p, url.QueryEscape(p), url.PathEscape(p), url.UserPassword("u", p).String()}
}

// wantLoginError checks that Open failed with a message holding every one
// of want (case-insensitively) and none of the forms of the password.
func wantLoginError(t *testing.T, err error, password string, want ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("Open: got no error, want one naming %q", want)
	}
	msg := err.Error()
	for _, w := range want {
		if !strings.Contains(strings.ToLower(msg), strings.ToLower(w)) {
			t.Errorf("Open: got %q, want it to hold %q", msg, w)
		}
	}
	if strings.Contains(msg, "withheld") {
		t.Errorf("Open: got %q: the server's reason is withheld", msg)
	}
	if password == "" {
		return
	}
	for _, s := range secretForms(password) {
		if strings.Contains(msg, s) {
			t.Errorf("Open: got %q: it holds the password (as %q)", msg, s)
		}
	}
}

// TestOpen_LoginErrors holds Open to saying why the server let it in or
// not, in the server's own words, with the user, host and database, and
// without the password.
func TestOpen_LoginErrors(t *testing.T) {
	// Characters a DSN or a URL would escape, so that an echo in any form
	// would show.
	const password = "Geheim wacht/woord@42%!"
	ctx := context.Background()
	open := func(driver, dsn string) error {
		db, err := database.Open(ctx, driver, dsn, database.Options{})
		if err == nil {
			db.Close()
		}
		return err
	}

	t.Run("MariaDBWrongPassword", func(t *testing.T) {
		dsn := dbtest.MySQL(t)
		user := dbtest.User(t, dsn, "the-right-one", "%")
		cfg, _ := gomysql.ParseDSN(dsn)
		cfg.User, cfg.Passwd = user, password
		wantLoginError(t, open("mysql", cfg.FormatDSN()), password, "access denied", "'"+user+"'", cfg.DBName, cfg.Addr)
	})

	t.Run("MariaDBUnknownDatabase", func(t *testing.T) {
		dsn := dbtest.MySQL(t)
		cfg, _ := gomysql.ParseDSN(dsn)
		cfg.DBName = loginName("sweeper_nope_")
		wantLoginError(t, open("mysql", cfg.FormatDSN()), cfg.Passwd, "unknown database", "'"+cfg.DBName+"'")
	})

	t.Run("MariaDBUserOfAnotherHost", func(t *testing.T) {
		// The user exists, with this password, but only for connections
		// from 10.0.0.1: the server says who it saw coming from where.
		dsn := dbtest.MySQL(t)
		user := dbtest.User(t, dsn, password, "10.0.0.1")
		cfg, _ := gomysql.ParseDSN(dsn)
		cfg.User, cfg.Passwd = user, password
		wantLoginError(t, open("mysql", cfg.FormatDSN()), password, "access denied", "'"+user+"'@'", "host")
	})

	t.Run("PostgresWrongPassword", func(t *testing.T) {
		srv := dbtest.PrivatePostgres(t)
		role := loginName("sweeper_login_")
		admin := dbtest.OpenPostgres(t, srv.DSN(""))
		if _, err := admin.Exec(fmt.Sprintf(`CREATE ROLE %s LOGIN PASSWORD 'the-right-one'`, role)); err != nil {
			t.Fatal(err)
		}
		srv.RequirePassword(t, role)
		u, _ := url.Parse(srv.DSN(""))
		u.User = url.UserPassword(role, password)
		wantLoginError(t, open("postgres", u.String()), password, "access denied", role, "postgres")
	})

	t.Run("PostgresUnknownDatabase", func(t *testing.T) {
		u, err := url.Parse(dbtest.Postgres(t))
		if err != nil {
			t.Fatal(err)
		}
		name := loginName("sweeper_nope_")
		u.Path = "/" + name
		pw, _ := u.User.Password()
		wantLoginError(t, open("postgres", u.String()), pw, "does not exist", name)
	})
}
