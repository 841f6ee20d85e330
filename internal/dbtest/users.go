package dbtest

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"testing"

	"github.com/go-sql-driver/mysql"
)

// User creates a MariaDB user with a name no other test uses, at each of
// hosts ("%", "localhost", "10.0.0.1"), identified by password and with all
// privileges on the database of dsn, and drops it in tb's cleanup. It
// returns the user's name.
func User(tb testing.TB, dsn, password string, hosts ...string) string {
	tb.Helper()
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		tb.Fatalf("dbtest: %s: invalid DSN", Redact(dsn))
	}
	b := make([]byte, 4)
	rand.Read(b)
	user := "sweeper_user_" + hex.EncodeToString(b)
	root := Open(tb, dsn)
	for _, host := range hosts {
		who := fmt.Sprintf("'%s'@'%s'", user, host)
		if _, err := root.Exec(fmt.Sprintf("CREATE USER %s IDENTIFIED BY '%s'", who, password)); err != nil {
			tb.Fatalf("dbtest: create user %s: %v", who, err)
		}
		tb.Cleanup(func() {
			if _, err := root.Exec("DROP USER IF EXISTS " + who); err != nil {
				tb.Errorf("dbtest: drop user %s: %v", who, err)
			}
		})
		if _, err := root.Exec(fmt.Sprintf("GRANT ALL PRIVILEGES ON %s.* TO %s", quoteIdent(cfg.DBName), who)); err != nil {
			tb.Fatalf("dbtest: grant to %s: %v", who, err)
		}
	}
	return user
}
